/* SPDX-License-Identifier: MIT */
/*
 * The exit path, one way through:
 *   vector -> save (here) -> trap_sync / trap_irq (trap.c: dispatch on
 *   ESR_EL2's class through a table -> handler) -> guest_enter (here:
 *   restore) -> eret.
 *
 * While a guest runs, SP_EL2 points at its vCPU's struct vcpu_regs, so the
 * vector saves the guest's registers straight into it, then switches to the
 * physical CPU's stack (regs->hyp_sp) for C.
 */
#include "asm.h"

.macro save_guest handler
    stp     x0, x1, [sp, #16 * 0]
    stp     x2, x3, [sp, #16 * 1]
    stp     x4, x5, [sp, #16 * 2]
    stp     x6, x7, [sp, #16 * 3]
    stp     x8, x9, [sp, #16 * 4]
    stp     x10, x11, [sp, #16 * 5]
    stp     x12, x13, [sp, #16 * 6]
    stp     x14, x15, [sp, #16 * 7]
    stp     x16, x17, [sp, #16 * 8]
    stp     x18, x19, [sp, #16 * 9]
    stp     x20, x21, [sp, #16 * 10]
    stp     x22, x23, [sp, #16 * 11]
    stp     x24, x25, [sp, #16 * 12]
    stp     x26, x27, [sp, #16 * 13]
    stp     x28, x29, [sp, #16 * 14]
    mrs     x0, elr_el2
    mrs     x1, spsr_el2
    stp     x30, x0, [sp, #16 * 15]
    str     x1, [sp, #VCPU_REGS_SPSR]
    mov     x0, sp
    ldr     x1, [x0, #VCPU_REGS_HYP_SP]
    mov     sp, x1
    bl      \handler
    b       guest_enter
.endm

/* An exception taken at EL2 itself: a hypervisor bug.  Dump and stop. */
.macro hyp_fault kind
    sub     sp, sp, #(34 * 8)
    stp     x0, x1, [sp, #16 * 0]
    stp     x2, x3, [sp, #16 * 1]
    stp     x4, x5, [sp, #16 * 2]
    stp     x6, x7, [sp, #16 * 3]
    stp     x8, x9, [sp, #16 * 4]
    stp     x10, x11, [sp, #16 * 5]
    stp     x12, x13, [sp, #16 * 6]
    stp     x14, x15, [sp, #16 * 7]
    stp     x16, x17, [sp, #16 * 8]
    stp     x18, x19, [sp, #16 * 9]
    stp     x20, x21, [sp, #16 * 10]
    stp     x22, x23, [sp, #16 * 11]
    stp     x24, x25, [sp, #16 * 12]
    stp     x26, x27, [sp, #16 * 13]
    stp     x28, x29, [sp, #16 * 14]
    mrs     x0, elr_el2
    stp     x30, x0, [sp, #16 * 15]
    mrs     x0, spsr_el2
    add     x1, sp, #(34 * 8)
    stp     x0, x1, [sp, #16 * 16]
    mov     x0, sp
    mov     x1, #\kind
    b       hyp_unexpected_exception
.endm

.macro vector_entry label
    .balign 0x80
\label:
.endm

    .text
    .balign 0x800
    .globl hyp_vectors
hyp_vectors:
    /* Current EL with SP_EL0: never used by tofu. */
vector_entry cur_sp0_sync
    hyp_fault 0
vector_entry cur_sp0_irq
    hyp_fault 1
vector_entry cur_sp0_fiq
    hyp_fault 2
vector_entry cur_sp0_serror
    hyp_fault 3
    /* Current EL with SP_EL2: a fault in the hypervisor. */
vector_entry cur_spx_sync
    hyp_fault 4
vector_entry cur_spx_irq
    hyp_fault 5
vector_entry cur_spx_fiq
    hyp_fault 6
vector_entry cur_spx_serror
    hyp_fault 7
    /* Lower EL, AArch64: the guest. */
vector_entry low64_sync
    save_guest trap_sync
vector_entry low64_irq
    save_guest trap_irq
vector_entry low64_fiq
    save_guest trap_irq
vector_entry low64_serror
    save_guest trap_serror
    /* Lower EL, AArch32 (a guest's 32-bit EL0): same paths, ESR tells. */
vector_entry low32_sync
    save_guest trap_sync
vector_entry low32_irq
    save_guest trap_irq
vector_entry low32_fiq
    save_guest trap_irq
vector_entry low32_serror
    save_guest trap_serror

/* x0 = struct vcpu_regs * to run.  Never returns. */
    .globl guest_enter
guest_enter:
    mov     sp, x0
    ldp     x30, x0, [sp, #16 * 15]
    ldr     x1, [sp, #VCPU_REGS_SPSR]
    msr     elr_el2, x0
    msr     spsr_el2, x1
    ldp     x0, x1, [sp, #16 * 0]
    ldp     x2, x3, [sp, #16 * 1]
    ldp     x4, x5, [sp, #16 * 2]
    ldp     x6, x7, [sp, #16 * 3]
    ldp     x8, x9, [sp, #16 * 4]
    ldp     x10, x11, [sp, #16 * 5]
    ldp     x12, x13, [sp, #16 * 6]
    ldp     x14, x15, [sp, #16 * 7]
    ldp     x16, x17, [sp, #16 * 8]
    ldp     x18, x19, [sp, #16 * 9]
    ldp     x20, x21, [sp, #16 * 10]
    ldp     x22, x23, [sp, #16 * 11]
    ldp     x24, x25, [sp, #16 * 12]
    ldp     x26, x27, [sp, #16 * 13]
    ldp     x28, x29, [sp, #16 * 14]
    eret
    dsb     nsh                         /* no straight-line speculation past eret */
    isb

/* FP/SIMD context: x0 = &ctx->vregs[0]; fpsr, fpcr follow as separate args. */
    .globl fpsimd_save
fpsimd_save:
    stp     q0, q1, [x0, #32 * 0]
    stp     q2, q3, [x0, #32 * 1]
    stp     q4, q5, [x0, #32 * 2]
    stp     q6, q7, [x0, #32 * 3]
    stp     q8, q9, [x0, #32 * 4]
    stp     q10, q11, [x0, #32 * 5]
    stp     q12, q13, [x0, #32 * 6]
    stp     q14, q15, [x0, #32 * 7]
    stp     q16, q17, [x0, #32 * 8]
    stp     q18, q19, [x0, #32 * 9]
    stp     q20, q21, [x0, #32 * 10]
    stp     q22, q23, [x0, #32 * 11]
    stp     q24, q25, [x0, #32 * 12]
    stp     q26, q27, [x0, #32 * 13]
    stp     q28, q29, [x0, #32 * 14]
    stp     q30, q31, [x0, #32 * 15]
    mrs     x2, fpsr
    str     x2, [x1]
    mrs     x2, fpcr
    str     x2, [x1, #8]
    ret

    .globl fpsimd_load
fpsimd_load:
    ldp     q0, q1, [x0, #32 * 0]
    ldp     q2, q3, [x0, #32 * 1]
    ldp     q4, q5, [x0, #32 * 2]
    ldp     q6, q7, [x0, #32 * 3]
    ldp     q8, q9, [x0, #32 * 4]
    ldp     q10, q11, [x0, #32 * 5]
    ldp     q12, q13, [x0, #32 * 6]
    ldp     q14, q15, [x0, #32 * 7]
    ldp     q16, q17, [x0, #32 * 8]
    ldp     q18, q19, [x0, #32 * 9]
    ldp     q20, q21, [x0, #32 * 10]
    ldp     q22, q23, [x0, #32 * 11]
    ldp     q24, q25, [x0, #32 * 12]
    ldp     q26, q27, [x0, #32 * 13]
    ldp     q28, q29, [x0, #32 * 14]
    ldp     q30, q31, [x0, #32 * 15]
    ldr     x2, [x1]
    msr     fpsr, x2
    ldr     x2, [x1, #8]
    msr     fpcr, x2
    ret
