/* SPDX-License-Identifier: MIT */
/*
 * Entry point: arm64 Image header, then EL1 set-up before C.
 *
 * Boot protocol: EL1h, MMU and caches off, DAIF masked, x0 = DTB address.
 * The image is linked at RT_LINK_BASE but may be loaded at another 2 MiB
 * aligned base (QEMU's -kernel puts a text_offset 0 image at RAM + 2 MiB),
 * so it relocates itself: it is linked as a static PIE and applies its own
 * R_AARCH64_RELATIVE entries before any C code runs.
 */
#include "rt/hw.h"

	.section .text.head, "ax"
	.globl	_start
_start:
	b	rt_entry			/* code0 */
	.long	0				/* code1 */
	.quad	0				/* text_offset */
	.quad	__image_end - _start		/* image_size, including bss and stack */
	.quad	IMAGE_FLAGS			/* flags */
	.quad	0				/* res2 */
	.quad	0				/* res3 */
	.quad	0				/* res4 */
	.long	IMAGE_MAGIC			/* magic */
	.long	0				/* res5 */

	.text
rt_entry:
	msr	daifset, #DAIFSET_ALL
	mov	x19, x0				/* DTB, callee-saved across the calls below */
	adrp	x1, __stack_top
	add	x1, x1, :lo12:__stack_top
	mov	sp, x1

	/* x20 = load address - link address */
	adr	x20, _start
	ldr	x1, =RT_LINK_BASE
	sub	x20, x20, x1
	cbz	x20, 2f
	adrp	x2, __rela_start
	add	x2, x2, :lo12:__rela_start
	adrp	x3, __rela_end
	add	x3, x3, :lo12:__rela_end
1:	cmp	x2, x3
	b.hs	2f
	ldp	x4, x5, [x2], #16		/* r_offset, r_info */
	ldr	x6, [x2], #8			/* r_addend */
	cmp	w5, #R_AARCH64_RELATIVE		/* the Makefile rejects any other type */
	b.ne	rt_hang
	add	x6, x6, x20
	str	x6, [x4, x20]
	b	1b

2:	adrp	x1, __bss_start
	add	x1, x1, :lo12:__bss_start
	adrp	x2, __bss_end
	add	x2, x2, :lo12:__bss_end
3:	cmp	x1, x2
	b.hs	4f
	stp	xzr, xzr, [x1], #16
	b	3b

4:	adrp	x1, rt_vectors
	add	x1, x1, :lo12:rt_vectors
	msr	vbar_el1, x1
	isb

	mov	x0, x19
	mov	x1, x20
	bl	rt_init
	mov	x0, x19
	bl	main
	bl	rt_exit				/* does not return */

	.globl	rt_hang
rt_hang:
	msr	daifset, #DAIFSET_ALL
	wfi
	b	rt_hang

	.ltorg

	/* The stack lives in bss, so image_size covers it. */
	.section .bss.stack, "aw", %nobits
	.balign	16
	.space	RT_STACK_SIZE
	.globl	__stack_top
__stack_top:
