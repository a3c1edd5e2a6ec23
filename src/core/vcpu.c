/* SPDX-License-Identifier: MIT */
/*
 * vCPUs on physical CPUs: each vCPU is pinned to one physical CPU, whose
 * idle loop runs it whenever its VM runs and it is powered on.  A CPU that
 * holds several (a shared CPU) runs them in turn (docs/scheduling.md): its
 * scheduler runs at the end of every exit of its vCPUs (VCPU_WORK_SCHED),
 * a CPU of one vCPU never runs it.
 */
#include "core/vm.h"
#include "core/pcpu.h"
#include "core/trap.h"
#include "core/drivers.h"
#include "core/lib.h"
#include "core/htimer.h"
#include "core/ptimer.h"
#include "arch/cpu.h"
#include "arch/regs.h"
#include "core/sched.h"

struct pcpu pcpus[MAX_PCPUS];
unsigned nr_pcpus;

struct vcpu *vcpu_current(void)
{
    return this_pcpu()->current;
}

void vcpu_kick(struct vcpu *v)
{
    if (v->pcpu != cpu_id())
        gic_send_sgi(SGI_KICK, v->pcpu);
}

void vcpu_reset(struct vcpu *v, uint64_t pc, uint64_t x0)
{
    memset(v->regs.x, 0, sizeof(v->regs.x));
    v->regs.x[0] = x0;
    v->regs.pc = pc;
    v->regs.spsr = PSR_MODE_EL1H | PSR_DAIF;    /* EL1h, interrupts masked */
    v->regs.hyp_sp = pcpu_stack_top(v->pcpu);
    arch_vcpu_ctx_reset(v);                     /* MMU and caches off */
    v->vgic.uie = false;                        /* the context's ICH_HCR has no UIE */
    ptimer_reset(v);
}

bool vcpu_claim(struct vcpu *v)
{
    struct vm *vm = v->vm;

    spin_lock(&vm->lock);
    bool go = vm->state == VM_RUNNING && v->power != VCPU_OFF && !v->running;
    if (go) {
        v->power = VCPU_ON;
        v->running = true;
    }
    spin_unlock(&vm->lock);
    return go;
}

void vcpu_load(struct vcpu *v)
{
    struct pcpu *p = this_pcpu();
    p->current = v;
    arch_vcpu_load(v);
    if (v->vm->msi_direct)
        msi_vcpu_resume(v);             /* its vPE resident (GICv4.0) */
    vgic_vcpu_loaded(v);
    v->idle_mode = (v->vm->msi_direct ? VCPU_IDLE_DIRECT : 0) | (pcpu_shared(p) ? VCPU_IDLE_SHARED : 0);
    if (pcpu_shared(p)) {
        v->sched_wait = v->sched_blocked = false;
        vcpu_work_set(v, VCPU_WORK_SCHED);
        ptimer_resume(v);               /* its deadline on this CPU's timer again */
    }
}

void vcpu_run(struct vcpu *v)
{
    if (!vcpu_claim(v))
        return;
    vcpu_load(v);
    vgic_flush(v);                      /* a switch's is the end of its exit's (vcpu_resume_work) */
    guest_enter(&v->regs);
}

void vcpu_park(struct vcpu *v)
{
    struct vm *vm = v->vm;
    bool last = true;

    vgic_vcpu_stop(v);
    if (vm->msi_direct)
        msi_vcpu_park(v);
    ptimer_stop(v);
    arch_vcpu_save(v);
    arch_vcpu_quiesce();
    this_pcpu()->current = NULL;

    spin_lock(&vm->lock);
    v->running = false;
    for (unsigned i = 0; i < vm->nr_vcpus; i++)
        last &= !vm->vcpus[i].running;
    last &= vm->state == VM_STOPPING;
    spin_unlock(&vm->lock);
    if (last)
        vm_vcpu_parked(v);
    pcpu_loop();
}

void vcpu_resume_work(struct vcpu *v)
{
    if (must_park(v))
        vcpu_park(v);
    vgic_flush(v);
}

/* vcpu_idle's waits other than a plain WFI (vcpu.h VCPU_IDLE_*). */
static void __attribute__((noinline)) vcpu_idle_special(struct vcpu *v, unsigned mode)
{
    /* A shared CPU: the vCPU waits descheduled; the end of this exit
     * (vcpu_resume, the scheduler) runs another or waits. */
    if (mode & VCPU_IDLE_SHARED) {
        v->sched_wait = true;
        return;
    }
    /* Its vPE out while it waits: a vLPI then rings the doorbell, a
     * physical LPI, which ends the WFI (a resident vPE's is no interrupt of
     * EL2's); one that came before is in its pending table. */
    if (!msi_vcpu_wait(v)) {
        dsb(sy);
        wfi();
        irq_handle_pending(v);
    }
    msi_vcpu_resume(v);
}

void vcpu_idle(struct vcpu *v)
{
    if (vgic_wants_wakeup(v) || v->vm->state != VM_RUNNING)
        return;
    unsigned mode = v->idle_mode;
    if (__builtin_expect(mode != 0, 0)) {
        vcpu_idle_special(v, mode);
        return;
    }
    dsb(sy);
    wfi();
    /* Whatever woke this CPU is most likely for the guest: take it now,
     * rather than in a second exit right after returning to the guest. */
    irq_handle_pending(v);
}

struct vcpu_regs *vcpu_yield_exit(struct vcpu *v)
{
    v->sched_yield = true;              /* only a shared CPU traps WFE */
    return vcpu_resume(v);
}

struct vcpu_regs *vcpu_idle_exit(struct vcpu *v)
{
    vcpu_idle(v);
    return vcpu_resume(v);
}

void vcpu_unblock(struct vcpu *v)
{
    __atomic_store_n(&v->unblocked, true, __ATOMIC_RELEASE);
    vcpu_kick(v);
}

void vcpu_block(struct vcpu *v)
{
    /* Work first: a stop, or an interrupt the guest can take.  Not any vGIC
     * work: a disabled interrupt left pending keeps VCPU_WORK_VGIC set, and
     * the wait would become an exit loop. */
    if ((*(volatile const uint32_t *)&v->work & VCPU_WORK_STOP) || vgic_wants_wakeup(v))
        return;
    /* A scheduled CPU: it waits descheduled, as in WFI, and also until
     * block_until or vcpu_unblock; the CPU runs the others meanwhile (its
     * backend, perhaps). */
    if (v->idle_mode & VCPU_IDLE_SHARED) {
        v->unblocked = false;
        v->sched_wait = v->sched_blocked = true;
        return;
    }
    bool direct = v->vm->msi_direct;
    if (direct && msi_vcpu_wait(v)) {   /* as in vcpu_idle */
        msi_vcpu_resume(v);
        return;
    }
    /* HTIMER_SCHED: on a shared CPU the scheduler's too, whichever is first. */
    struct pcpu *p = this_pcpu();
    uint64_t sched_next = p->sched_next;
    htimer_set(HTIMER_SCHED, sched_next && sched_next < v->block_until ? sched_next : v->block_until);
    dsb(sy);
    wfi();
    irq_handle_pending(v);
    sched_timer(p, sched_next);
    if (direct)
        msi_vcpu_resume(v);
}
