/* SPDX-License-Identifier: MIT */
/* rt_setjmp / rt_longjmp (declared in rt/jump.h). */
#include "rt/jump.h"

	.text
	.globl	rt_setjmp
	.type	rt_setjmp, %function
rt_setjmp:
	stp	x19, x20, [x0, #RT_JMP_X19 + 0]
	stp	x21, x22, [x0, #RT_JMP_X19 + 16]
	stp	x23, x24, [x0, #RT_JMP_X19 + 32]
	stp	x25, x26, [x0, #RT_JMP_X19 + 48]
	stp	x27, x28, [x0, #RT_JMP_X19 + 64]
	stp	x29, x30, [x0, #RT_JMP_X29]
	mov	x1, sp
	str	x1, [x0, #RT_JMP_SP]
	mov	w0, #0
	ret
	.size	rt_setjmp, . - rt_setjmp

	.globl	rt_longjmp
	.type	rt_longjmp, %function
rt_longjmp:
	ldp	x19, x20, [x0, #RT_JMP_X19 + 0]
	ldp	x21, x22, [x0, #RT_JMP_X19 + 16]
	ldp	x23, x24, [x0, #RT_JMP_X19 + 32]
	ldp	x25, x26, [x0, #RT_JMP_X19 + 48]
	ldp	x27, x28, [x0, #RT_JMP_X19 + 64]
	ldp	x29, x30, [x0, #RT_JMP_X29]
	ldr	x2, [x0, #RT_JMP_SP]
	mov	sp, x2
	cmp	w1, #0
	csinc	w0, w1, wzr, ne			/* value, or 1 if value == 0 */
	ret					/* to rt_setjmp's caller, via the saved x30 */
	.size	rt_longjmp, . - rt_longjmp
