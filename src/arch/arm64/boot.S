/* SPDX-License-Identifier: MIT */
/*
 * Entry at EL2 from QEMU's -kernel or U-Boot's booti (Linux arm64 boot
 * protocol: x0 = DTB, MMU off), and entry of secondary CPUs from PSCI CPU_ON.
 */
#include "asm.h"

    .section .text.head, "ax"
    .globl _head
_head:
    b       primary_entry               /* code0 */
    .long   0                           /* code1 */
    .quad   __text_offset               /* the link address less RAM's base (tofu.ld) */
    .quad   __image_size                /* image_size, bss included */
    .quad   IMAGE_FLAGS                 /* LE, 4 KiB pages, as low in RAM as possible */
    .quad   0, 0, 0                     /* res2..res4 */
    .ascii  "ARM\x64"                   /* magic */
    .long   0                           /* res5 */

    .text
primary_entry:
    mov     x19, x0                     /* DTB */
    mrs     x1, CurrentEL
    cmp     x1, #CURRENT_EL2
    b.ne    park
    mov     x20, #0                     /* CPU index 0 */
    bl      cpu_early_init
    /* Zero bss with the MMU off (only aligned stores). */
    adrp    x1, __bss_start
    add     x1, x1, :lo12:__bss_start
    adrp    x2, __bss_end
    add     x2, x2, :lo12:__bss_end
1:  cmp     x1, x2
    b.hs    2f
    str     xzr, [x1], #8
    b       1b
2:  mov     x0, x20
    bl      set_stack
    bl      arch_atomics_patch          /* with the MMU off, before anything else runs */
    bl      mmu_build_tables
    bl      mmu_enable
    mov     x0, x19
    bl      hyp_main
    b       park

    /* PSCI CPU_ON target: x0 = CPU index (our context ID). */
    .globl secondary_entry
secondary_entry:
    mov     x20, x0
    bl      cpu_early_init
    mov     x0, x20
    bl      set_stack
    bl      mmu_enable
    mov     x0, x20
    bl      secondary_main
park:
    wfe
    b       park

/* Vectors, SCTLR with the MMU off, no stale state.  Preserves x19, x20. */
cpu_early_init:
    adrp    x1, hyp_vectors
    add     x1, x1, :lo12:hyp_vectors
    msr     vbar_el2, x1
    ldr     x1, =SCTLR_EL2_OFF
    msr     sctlr_el2, x1
    isb
    ret

/* sp = top of the stack of CPU x0; tpidr_el2 = CPU index. */
set_stack:
    msr     tpidr_el2, x0
    adrp    x1, hyp_stacks
    add     x1, x1, :lo12:hyp_stacks
    add     x0, x0, #1
    mov     x2, #HYP_STACK_SIZE
    madd    x1, x0, x2, x1
    mov     sp, x1
    ret

/* Turn on the EL2 stage-1 MMU with the tables mmu_build_tables made. */
    .globl mmu_enable
mmu_enable:
    adrp    x1, hyp_mair
    ldr     x1, [x1, :lo12:hyp_mair]
    msr     mair_el2, x1
    adrp    x1, hyp_tcr
    ldr     x1, [x1, :lo12:hyp_tcr]
    msr     tcr_el2, x1
    adrp    x1, hyp_ttbr
    ldr     x1, [x1, :lo12:hyp_ttbr]
    msr     ttbr0_el2, x1
    isb
    tlbi    alle2
    dsb     nsh
    ldr     x1, =SCTLR_EL2_ON
    msr     sctlr_el2, x1
    isb
    ret
