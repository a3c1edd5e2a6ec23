/* SPDX-License-Identifier: MIT */
/*
 * Entry at EL2 from QEMU's -kernel or U-Boot's booti (Linux arm64 boot
 * protocol: x0 = DTB, MMU off), or at EL3 from a board's firmware (the
 * Raspberry Pi 4B's: tofu drops to EL2 itself); entry of secondary CPUs from
 * PSCI CPU_ON or from a spin table (docs/boot-flow.md).
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
    mov     x20, #0                     /* CPU index 0 */
    bl      el3_leave
    mrs     x1, CurrentEL
    cmp     x1, #CURRENT_EL2
    b.ne    park
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

    /* A spin table's release (fw_cpu_on): at EL3 or EL2, x0 not ours; the
     * CPU's index is in spin_boot_cpu, which the releasing CPU cleaned to
     * the point of coherency (this CPU reads it with its MMU off). */
    .globl secondary_spin_entry
secondary_spin_entry:
    adrp    x1, spin_boot_cpu
    ldr     x20, [x1, :lo12:spin_boot_cpu]
    bl      el3_leave
    mov     x0, x20
    /* fall through, at EL2 */

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

/* At EL3 (else a return): hand the machine's secure side to the
 * non-secure EL2 (el3_init_cpu: the GIC's groups, CNTFRQ), take SMCs with
 * tofu's EL3 vectors, nothing trapped to EL3, and return at EL2h.  CPU
 * index in x20; preserves x19, x20; a stack of CPU x20's (set_stack, as at
 * EL2: tpidr_el2 is written from EL3 as well). */
el3_leave:
    mrs     x1, CurrentEL
    cmp     x1, #CURRENT_EL3
    b.ne    1f
    mov     x21, x30
    mov     x0, x20
    bl      set_stack
    mov     x0, x20
    bl      el3_init_cpu
    adrp    x1, el3_vectors
    add     x1, x1, :lo12:el3_vectors
    msr     vbar_el3, x1
    msr     cptr_el3, xzr               /* FP/SIMD and the rest not trapped to EL3 */
    msr     mdcr_el3, xzr               /* debug and PMU not trapped to EL3 */
    mov     x1, #SCR_EL3_TO_EL2
    msr     scr_el3, x1
    mov     x1, #SPSR_EL2H_DAIF
    msr     spsr_el3, x1
    msr     elr_el3, x21
    isb
    eret
1:  ret

/* EL3's vectors, for what reaches EL3 after the drop: an SMC from EL2
 * (PSCI: this firmware implements none of it) is answered NOT_SUPPORTED;
 * anything else stops the CPU here. */
    .balign 2048
el3_vectors:
    .rept 8                             /* current EL: nothing should come */
    b       .
    .balign 128
    .endr
    mov     x0, #SMCCC_NOT_SUPPORTED_ASM    /* lower EL, AArch64, synchronous: SMC */
    eret
    .balign 128
    .rept 7
    b       .
    .balign 128
    .endr

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
