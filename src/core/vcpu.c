/* SPDX-License-Identifier: MIT */
/*
 * vCPUs on physical CPUs: each vCPU is pinned to one physical CPU, whose
 * idle loop runs it whenever its VM runs and it is powered on.
 */
#include "core/vm.h"
#include "core/pcpu.h"
#include "core/trap.h"
#include "core/drivers.h"
#include "core/lib.h"
#include "core/htimer.h"
#include "arch/cpu.h"
#include "arch/regs.h"

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

/* Enter `v` if it may run; returns only if it may not. */
static void vcpu_run(struct vcpu *v)
{
    struct vm *vm = v->vm;

    spin_lock(&vm->lock);
    bool go = vm->state == VM_RUNNING && v->power != VCPU_OFF && !v->running;
    if (go) {
        v->power = VCPU_ON;
        v->running = true;
    }
    spin_unlock(&vm->lock);
    if (!go)
        return;
    this_pcpu()->current = v;
    arch_vcpu_load(v);
    if (v->vm->msi_direct)
        msi_vcpu_resume(v);             /* its vPE resident (GICv4.0) */
    vgic_vcpu_loaded(v);
    vgic_flush(v);
    guest_enter(&v->regs);
}

void pcpu_loop(void)
{
    struct pcpu *p = this_pcpu();
    for (;;) {
        vm_run_requests(cpu_id());
        if (p->vcpu)
            vcpu_run(p->vcpu);
        wfi();
        irq_handle_pending(NULL);
    }
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
    if (v->vm->state != VM_RUNNING || v->power == VCPU_OFF)
        vcpu_park(v);
    vgic_flush(v);
}

void vcpu_idle(struct vcpu *v)
{
    if (vgic_wants_wakeup(v) || v->vm->state != VM_RUNNING)
        return;
    /* Its vPE out while it waits: a vLPI then rings the doorbell, a
     * physical LPI, which ends the WFI (a resident vPE's is no interrupt of
     * EL2's); one that came before is in its pending table. */
    bool direct = v->vm->msi_direct;
    if (!direct || !msi_vcpu_wait(v)) {
        dsb(sy);
        wfi();
        /* Whatever woke this CPU is most likely for the guest: take it now,
         * rather than in a second exit right after returning to the guest. */
        irq_handle_pending(v);
    }
    if (direct)
        msi_vcpu_resume(v);
}

struct vcpu_regs *vcpu_idle_exit(struct vcpu *v)
{
    vcpu_idle(v);
    return vcpu_resume(v);
}

void vcpu_block(struct vcpu *v)
{
    /* Work first: a stop, or an interrupt the guest can take.  Not any vGIC
     * work: a disabled interrupt left pending keeps VCPU_WORK_VGIC set, and
     * the wait would become an exit loop. */
    if ((*(volatile const uint32_t *)&v->work & VCPU_WORK_STOP) || vgic_wants_wakeup(v))
        return;
    bool direct = v->vm->msi_direct;
    if (direct && msi_vcpu_wait(v)) {   /* as in vcpu_idle */
        msi_vcpu_resume(v);
        return;
    }
    htimer_set(HTIMER_BLOCK, v->block_until);
    dsb(sy);
    wfi();
    irq_handle_pending(v);
    htimer_cancel(HTIMER_BLOCK);
    if (direct)
        msi_vcpu_resume(v);
}
