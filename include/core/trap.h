/* SPDX-License-Identifier: MIT */
#ifndef CORE_TRAP_H
#define CORE_TRAP_H
#include "core/types.h"
#include "core/vcpu.h"

struct vcpu;

/* What a trap handler asks the end of its exit to do (trap_done,
 * trap_finish).  Only they advance the PC or inject an exception;
 * handlers never touch ELR. */
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

/* An entry of the exit dispatch table (src/arch/arm64/trap/trap.c): the
 * class's handler, then the end of the exit; returns the registers to
 * restore.  Each entry completes its exit itself, so the dispatcher
 * tail-calls it and keeps no frame of its own. */
typedef struct vcpu_regs *(*trap_exit_fn)(struct vcpu *v, uint64_t esr);
/* Bit 0 of an entry of the exit table (its functions are 4-aligned): the
 * vector code saves and restores only x0-x19 and x30, as for an interrupt,
 * because the class's handlers read and write no other guest register (HVC:
 * x0-x17; WFx: none).  The vector code (vectors.S; the value again in
 * src/arch/arm64/asm.h) tests the bit and strips it before the jump. */
#define TRAP_EXIT_LIGHT_BIT 0
#define TRAP_EXIT_LIGHT     (1u << TRAP_EXIT_LIGHT_BIT)

/* The end of an exit whose handler asked for more than stepping over the
 * trapping instruction: an exception back to the guest, a park, or a
 * resume at ELR as it is (src/arch/arm64/trap/trap.c). */
struct vcpu_regs *trap_finish(struct vcpu *v, uint64_t esr, enum trap_result r)
    __attribute__((cold));

/* SMC/HVC: SMCCC routing (src/core/smccc.c), and the table's HVC entry. */
enum trap_result smccc_call(struct vcpu *v, uint64_t esr);
struct vcpu_regs *smccc_hvc_exit(struct vcpu *v, uint64_t esr);
/* MSR/MRS traps (src/arch/arm64/trap/sysreg.c): the handler, and the
 * table's entry that ends the exit with it. */
enum trap_result sysreg_trap(struct vcpu *v, uint64_t esr);
struct vcpu_regs *sysreg_exit(struct vcpu *v, uint64_t esr);
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
/* ... on a shared CPU (VCPU_WORK_SCHED), after the scheduler, which may
 * switch to another vCPU: returns the registers to restore. */
struct vcpu_regs *sched_resume(struct vcpu *v) __attribute__((noinline));
/* Checks that follow every exit; returns the registers to restore.  The
 * common case, nothing to do, is one load and a branch; a CPU of one vCPU
 * pays one bit test more when there is work. */
static inline struct vcpu_regs *vcpu_resume(struct vcpu *v)
{
    /* A single-copy-atomic load, as __atomic_load_n would be, addressed
     * off the vCPU directly. */
    uint32_t work = *(volatile const uint32_t *)&v->work;
    if (__builtin_expect(work != 0, 0)) {
        if (__builtin_expect(work & VCPU_WORK_SCHED, 0))
            return sched_resume(v);
        vcpu_resume_work(v);
    }
    return &v->regs;
}
/* The end of every exit: the common case, an emulated instruction, inline
 * in each entry of the dispatch table. */
static inline struct vcpu_regs *trap_done(struct vcpu *v, uint64_t esr, enum trap_result r)
{
    if (__builtin_expect(r == TRAP_EMULATED, 1)) {
        v->regs.pc += ESR_INSN_BYTES(esr);
        return vcpu_resume(v);
    }
    return trap_finish(v, esr, r);
}
/* Wait for an interrupt for `v` (WFI, CPU_SUSPEND). */
void vcpu_idle(struct vcpu *v);
/* A WFE (trapped on a shared CPU only): a hint that the vCPU spins, the
 * CPU may go to another ready vCPU; then the end of the exit. */
struct vcpu_regs *vcpu_yield_exit(struct vcpu *v);
/* vcpu_idle, then the end of the exit (vcpu_resume): a WFI's exit. */
struct vcpu_regs *vcpu_idle_exit(struct vcpu *v);

#endif
