/* SPDX-License-Identifier: MIT */
/*
 * The exit path, one way through:
 *   vector -> save (here) -> trap_dispatch (here: count the exit, then the
 *   class's entry of the exit table in trap.c, indexed by ESR_EL2's class
 *   -> handler) or trap_irq (trap.c) -> guest_enter / guest_return (here:
 *   restore) -> eret.
 *
 * While a guest runs, SP_EL2 points at its vCPU's struct vcpu_regs, so the
 * vector saves the guest's registers straight into it, then switches to the
 * physical CPU's stack (regs->hyp_sp) for C.  Synchronous exceptions save
 * and restore all of them (a handler may read or write any of x0-x30: an
 * MMIO or MSR/MRS Rt), except HVCs and WFx; interrupts, HVCs and WFx only
 * what C does not preserve (save_guest_irq, save_guest_sync, guest_return).
 */
#include "asm.h"

/* \op (stp or ldp) x<first>..x<end - 1>, two at a time, at \base in struct
 * vcpu_regs order (x<n> at 8 * n). */
.macro regpairs op, base, first, end
    .altmacro
    regpair \op, \base, %(\first), %(\first + 1)
    .noaltmacro
    .if \first + 2 < \end
    regpairs \op, \base, \first + 2, \end
    .endif
.endm
.macro regpair op, base, a, b
    \op    x\a, x\b, [\base, #8 * \a]
.endm

.macro save_x30_elr_spsr
    mrs     x0, elr_el2
    mrs     x1, spsr_el2
    str     x30, [sp, #VCPU_REGS_X30]
    stp     x0, x1, [sp, #VCPU_REGS_PC]
.endm

.macro save_guest handler
    regpairs stp, sp, 0, 20
    regpairs stp, sp, 20, 30
    save_x30_elr_spsr
    mov     x0, sp
    ldr     x1, [x0, #VCPU_REGS_HYP_SP]
    mov     sp, x1
    bl      \handler
    b       guest_enter
.endm

/*
 * Synchronous exits: x0-x19, x30, ELR and SPSR go to the frame, then the
 * class's entry of the exit table (trap.c, indexed by ESR's class) decides.
 * An entry tagged TRAP_EXIT_LIGHT (HVC, WFx) saves no more: its handlers
 * read and write only x0-x17 (SMCCC; WFx none), and C preserves the
 * guest's x20-x29, as after an interrupt (save_guest_irq; a vCPU parked
 * from such an exit is reset before it runs again, as one parked from an
 * interrupt).  Every other class may name any register (an MMIO or MSR/MRS
 * Rt): the rest is saved too and restored in full.  trap_dispatch is
 * called with x0 = the frame (the vCPU), x1 = ESR, x2 = its class, x16 =
 * the entry, untagged.
 */
.macro save_guest_sync
    regpairs stp, sp, 0, 20
    save_x30_elr_spsr
    mrs     x1, esr_el2
    ubfx    x2, x1, #ESR_EC_SHIFT, #ESR_EC_WIDTH
    adr     x5, trap_exits              /* within 1 MiB: the image is smaller */
    ldr     x16, [x5, x2, lsl #3]
    tbnz    x16, #TRAP_EXIT_LIGHT_BIT, sync_light
    regpairs stp, sp, 20, 30
    mov     x0, sp
    ldr     x3, [x0, #VCPU_REGS_HYP_SP]
    mov     sp, x3
    bl      trap_dispatch
    b       guest_enter
.endm

/*
 * Interrupts: only the registers C may clobber (x0-x18, x30; AAPCS64) and
 * ELR/SPSR go to the frame.  The guest's x20-x29 stay in the CPU: C
 * preserves them, and no interrupt handler reads or writes a guest
 * register.  x19 (saved) holds the frame across the handler.  If the
 * handler returns another vCPU's frame, guest_switch completes this one
 * with x20-x29 before the full restore; the common case restores only
 * what was saved.  A vCPU parked from an interrupt leaves an incomplete
 * frame, which is reset before it runs again (vcpu_reset).
 */
.macro save_guest_irq handler
    regpairs stp, sp, 0, 20
    save_x30_elr_spsr
    mov     x19, sp
    ldr     x1, [x19, #VCPU_REGS_HYP_SP]
    mov     sp, x1
    mov     x0, x19
    bl      \handler
    cmp     x0, x19
    b.ne    guest_switch
    b       guest_return
.endm

/* An exception taken at EL2 itself: a hypervisor bug.  Dump and stop. */
.macro hyp_fault kind
    sub     sp, sp, #(34 * 8)
    regpairs stp, sp, 0, 20
    regpairs stp, sp, 20, 30
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
    save_guest_sync
vector_entry low64_irq
    save_guest_irq trap_irq
vector_entry low64_fiq
    save_guest_irq trap_irq
vector_entry low64_serror
    save_guest trap_serror
    /* Lower EL, AArch32 (a guest's 32-bit EL0): same paths, ESR tells. */
vector_entry low32_sync
    save_guest_sync
vector_entry low32_irq
    save_guest_irq trap_irq
vector_entry low32_fiq
    save_guest_irq trap_irq
vector_entry low32_serror
    save_guest trap_serror

/* x0 = struct vcpu_regs * to run.  Never returns. */
/* x0 = struct vcpu_regs * to run, in full.  Never returns.  guest_return:
 * after an interrupt, x0 = the frame saved into (x19's): x20-x29 are still
 * the guest's own. */
    .globl guest_enter
guest_enter:
    regpairs ldp, x0, 20, 30
guest_return:
    mov     sp, x0
    ldr     x30, [sp, #VCPU_REGS_X30]
    ldp     x0, x1, [sp, #VCPU_REGS_PC]
    msr     elr_el2, x0
    msr     spsr_el2, x1
    regpairs ldp, sp, 0, 20
    eret
    dsb     nsh                         /* no straight-line speculation past eret */
    isb

/* After an interrupt, an HVC or a WFx, x0 = another frame than x19's: complete
 * x19's with the guest registers still live, then enter x0's in full. */
guest_switch:
    regpairs stp, x19, 20, 30
    b       guest_enter

/* An HVC or a WFx (save_guest_sync, TRAP_EXIT_LIGHT): the frame in x19,
 * the exit as an interrupt's. */
sync_light:
    mov     x19, sp
    ldr     x3, [x19, #VCPU_REGS_HYP_SP]
    mov     sp, x3
    mov     x0, x19
    sub     x16, x16, #TRAP_EXIT_LIGHT
    bl      trap_dispatch
    cmp     x0, x19
    b.ne    guest_switch
    b       guest_return

/* x0 = the frame (the vCPU: its registers come first), x1 = ESR, x2 = its
 * class, x16 = its entry of the exit table (trap.c): count the exit, then
 * the entry ends it and returns the registers to restore. */
trap_dispatch:
    add     x3, x0, x2, lsl #3
    ldr     x4, [x3, #VCPU_EXITS]
    add     x4, x4, #1
    str     x4, [x3, #VCPU_EXITS]
    br      x16

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
