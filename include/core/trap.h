/* SPDX-License-Identifier: MIT */
#ifndef CORE_TRAP_H
#define CORE_TRAP_H
#include "core/types.h"
#include "core/vcpu.h"

struct vcpu;

/* What a trap handler asks the dispatcher to do.  Only the dispatcher
 * advances the PC or injects an exception; handlers never touch ELR. */
enum trap_result {
    TRAP_EMULATED,      /* done: step over the trapping instruction */
    TRAP_RESUME,        /* done: resume at ELR as is (HVC: already past it) */
    TRAP_UNDEF,         /* inject an Undefined Instruction exception */
    TRAP_DABT,          /* inject a synchronous external Data Abort at FAR */
    TRAP_IABT,          /* inject a synchronous external Instruction Abort */
    TRAP_SEA,           /* give the guest back its own synchronous external
                           abort (HCR_EL2.TEA), syndrome and FAR kept */
    TRAP_PARK,          /* this vCPU stops running (CPU_OFF, VM stopping) */
    TRAP_BLOCK,         /* MMIO_RETRY: block the vCPU, then resume at ELR as is
                           (the access runs again) */
};

typedef enum trap_result (*trap_handler_fn)(struct vcpu *v, uint64_t esr);

/* SMC/HVC: SMCCC routing (src/core/smccc.c). */
enum trap_result smccc_call(struct vcpu *v, uint64_t esr);
/* MSR/MRS traps (src/arch/arm64/trap/sysreg.c). */
enum trap_result sysreg_trap(struct vcpu *v, uint64_t esr);
/* Exception injection into EL1 (src/arch/arm64/trap/inject.c). */
void inject_undef(struct vcpu *v);
void inject_abort(struct vcpu *v, bool data, uint64_t far, bool wnr);
/* The abort ESR_EL2 reports, as the guest's EL1 would have taken it. */
void inject_sea(struct vcpu *v, uint64_t esr, uint64_t far);
/* Physical interrupts pending at EL2 (src/core/irq.c). */
void irq_handle_pending(struct vcpu *cur);
/* Leave guest context for good: to the idle loop. */
void vcpu_park(struct vcpu *v) __attribute__((noreturn));
/* The work of vcpu_resume when there is some (src/core/vcpu.c): park the
 * vCPU if its VM stops, move pending interrupts into list registers. */
void vcpu_resume_work(struct vcpu *v);
/* Checks that follow every exit; returns the registers to restore.  The
 * common case, nothing to do, is one load and a branch. */
static inline struct vcpu_regs *vcpu_resume(struct vcpu *v)
{
    /* A single-copy-atomic load, as __atomic_load_n would be, addressed
     * off the vCPU directly. */
    if (__builtin_expect(*(volatile const uint32_t *)&v->work != 0, 0))
        vcpu_resume_work(v);
    return &v->regs;
}
/* Wait for an interrupt for `v` (WFI, CPU_SUSPEND). */
void vcpu_idle(struct vcpu *v);

#endif
