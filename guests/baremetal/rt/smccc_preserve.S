/* SPDX-License-Identifier: MIT */
/*
 * SMCCC register-preservation probes (declared in rt/smccc.h).
 *
 * uint64_t smccc_hvc_preserve_check(uint32_t fid)
 * uint64_t smccc_smc_preserve_check(uint32_t fid)
 *
 * Issue one call with w0 = fid, x1..x3 = 0 and every register x4..x30 set
 * to a known pattern, and return a mask with bit n set if xn changed.
 * SMCCC 1.1 (DEN0028, 2.6/2.7): x4..x17 and x18..x30 are preserved; only
 * x0..x3 carry results.
 */
#define PATTERN_HI 0x5a5a

.macro	load_pattern reg, n
	mov	\reg, #\n
	movk	\reg, #PATTERN_HI, lsl #48
.endm

.macro	preserve_probe name, insn
	.globl	\name
	.type	\name, %function
\name:
	stp	x29, x30, [sp, #-96]!
	stp	x19, x20, [sp, #16]
	stp	x21, x22, [sp, #32]
	stp	x23, x24, [sp, #48]
	stp	x25, x26, [sp, #64]
	stp	x27, x28, [sp, #80]

	mov	w0, w0				/* zero-extend the function ID */
	mov	x1, xzr
	mov	x2, xzr
	mov	x3, xzr
	.irp	n, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30
	load_pattern x\n, \n
	.endr

	\insn	#0

	mov	x0, xzr
	.irp	n, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30
	load_pattern x1, \n
	cmp	x\n, x1
	cset	x2, ne
	orr	x0, x0, x2, lsl #\n
	.endr

	ldp	x19, x20, [sp, #16]
	ldp	x21, x22, [sp, #32]
	ldp	x23, x24, [sp, #48]
	ldp	x25, x26, [sp, #64]
	ldp	x27, x28, [sp, #80]
	ldp	x29, x30, [sp], #96
	ret
	.size	\name, . - \name
.endm

	.text
	preserve_probe smccc_hvc_preserve_check, hvc
	preserve_probe smccc_smc_preserve_check, smc
