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

struct pcpu pcpus[MAX_PCPUS];
unsigned nr_pcpus;

/* A shared CPU's time slice: a vCPU that does not wait runs this long at
 * most while another is ready. */
#define SCHED_SLICE_US 10000u

static bool pcpu_shared(const struct pcpu *p) { return p->nr_vcpus > 1; }

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

/* May `v` start running on its CPU (its VM runs, it is on, it is not
 * running yet)?  If so it is running from now on. */
static bool vcpu_claim(struct vcpu *v)
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

/* Load `v`'s context into this CPU, which holds no vCPU's now. */
static void vcpu_load(struct vcpu *v)
{
    struct pcpu *p = this_pcpu();
    p->current = v;
    arch_vcpu_load(v);
    if (v->vm->msi_direct)
        msi_vcpu_resume(v);             /* its vPE resident (GICv4.0) */
    vgic_vcpu_loaded(v);
    v->idle_mode = (v->vm->msi_direct ? VCPU_IDLE_DIRECT : 0) | (pcpu_shared(p) ? VCPU_IDLE_SHARED : 0);
    if (pcpu_shared(p)) {
        v->sched_wait = false;
        vcpu_work_set(v, VCPU_WORK_SCHED);
        ptimer_resume(v);               /* its deadline on this CPU's timer again */
    }
    vgic_flush(v);
}

/* Enter `v` if it may run; returns only if it may not. */
static void vcpu_run(struct vcpu *v)
{
    if (!vcpu_claim(v))
        return;
    vcpu_load(v);
    guest_enter(&v->regs);
}

/* ---- a shared CPU's scheduler: round-robin (docs/scheduling.md) ---- */

/* May `w`, not loaded, run now?  Read without its VM's lock: a start is
 * claimed (vcpu_claim) before it happens. */
static bool sched_ready(struct vcpu *w, uint64_t now)
{
    if (!w->running)
        return w->vm->state == VM_RUNNING && w->power != VCPU_OFF;
    if (!w->sched_wait)
        return true;
    return (__atomic_load_n(&w->work, __ATOMIC_ACQUIRE) & VCPU_WORK_STOP) ||
           (w->sched_wake_at && now >= w->sched_wake_at) || vgic_wants_wakeup_saved(w);
}

/* Has ready `w`, descheduled, something to do at once: it was waiting
 * (and is woken), it starts, its timer's deadline passed (once: the next
 * switch-out computes the deadline again), or an enabled interrupt waits
 * in its bitmap (one in its saved LRs does not count: it may stay there,
 * masked in the guest's PSTATE, and preempt for ever)? */
static bool sched_urgent(struct vcpu *w, uint64_t now)
{
    return w->sched_wait || !w->running || (w->sched_wake_at && now >= w->sched_wake_at) ||
           ((__atomic_load_n(&w->work, __ATOMIC_ACQUIRE) & VCPU_WORK_VGIC) && vgic_pending_deliverable(w));
}

/* The vCPU to run after `cur` (loaded, or NULL).  Fixed priorities
 * (docs/scheduling.md): the ready vCPU of the highest priority runs; among
 * equals, in queue order from the one after cur, one that is urgent
 * preempts cur at once, the next one when cur's slice is over, cur yields
 * (WFE) or waits.  NULL: none may run. */
static struct vcpu *sched_pick(const struct pcpu *p, struct vcpu *cur, uint64_t now)
{
    bool cur_ready = cur && !cur->sched_wait;
    unsigned start = cur ? cur->sched_idx : p->nr_vcpus - 1, n = p->nr_vcpus;
    struct vcpu *best = NULL;
    for (unsigned k = 1; k <= n; k++) {
        struct vcpu *w = p->rq[(start + k) % n];
        if (w != cur && (!best || w->sched_prio > best->sched_prio) && sched_ready(w, now))
            best = w;
    }
    if (!cur_ready || (best && best->sched_prio > cur->sched_prio))
        return best;
    if (!best || best->sched_prio < cur->sched_prio)
        return cur;
    if (now >= p->slice_end || cur->sched_yield)
        return best;
    for (unsigned k = 1; k <= n; k++) {
        struct vcpu *w = p->rq[(start + k) % n];
        if (w != cur && w->sched_prio == cur->sched_prio && sched_ready(w, now) && sched_urgent(w, now))
            return w;
    }
    return cur;
}

/* HTIMER_SCHED for the scheduler's deadline `next` (0: none). */
static void sched_timer(struct pcpu *p, uint64_t next)
{
    p->sched_next = next;
    if (next)
        htimer_set(HTIMER_SCHED, next);
    else
        htimer_cancel(HTIMER_SCHED);
}

/* The EL2 timer for the earliest of: the end of cur's slice (if it runs)
 * and the timer deadlines of the descheduled vCPUs still to come (one
 * that passed was seen: its vCPU was urgent, or of a lower priority). */
static void sched_arm(struct pcpu *p, const struct vcpu *cur, uint64_t now)
{
    uint64_t next = cur && !cur->sched_wait ? p->slice_end : 0;
    for (unsigned i = 0; i < p->nr_vcpus; i++) {
        const struct vcpu *w = p->rq[i];
        if (w != cur && w->running && w->sched_wake_at > now && (!next || w->sched_wake_at < next))
            next = w->sched_wake_at;
    }
    sched_timer(p, next);
}

/* `cur` (loaded) leaves the CPU, its whole context saved. */
static void sched_put(struct pcpu *p, struct vcpu *cur, uint64_t now)
{
    arch_vcpu_put(cur);                 /* timer and PMU outputs low, then ... */
    vgic_vcpu_put(cur);                 /* ... their physical PPIs freed */
    if (cur->vm->msi_direct)
        msi_vcpu_park(cur);
    ptimer_stop(cur);
    /* Its timers' next deadline wakes it.  One that passed already wakes
     * nothing (a guest may leave a fired timer enabled, its interrupt
     * disabled in the GIC): it may run, and its line asserts itself again
     * when it is back. */
    uint64_t vt = arch_vcpu_vtimer_deadline(cur), pt = ptimer_deadline(cur);
    uint64_t d = !vt ? pt : !pt ? vt : vt < pt ? vt : pt;
    cur->sched_wake_at = d > now ? d : 0;
    if (d && d <= now)
        cur->sched_wait = false;
    p->current = NULL;
}

/* `next` (running: claimed or descheduled) comes in, on a new slice. */
static void sched_load(struct pcpu *p, struct vcpu *next, uint64_t now)
{
    p->slice_end = now + htimer_us_to_ticks(SCHED_SLICE_US);
    vcpu_load(next);
    sched_arm(p, next, now);
}

/* `cur` (loaded, or NULL) leaves the CPU for `next`. */
static void sched_switch(struct pcpu *p, struct vcpu *cur, struct vcpu *next, uint64_t now)
{
    if (cur)
        sched_put(p, cur, now);
    sched_load(p, next, now);
}

/* A VM whose vCPU 0 is here asks to be started: with `cur` put, as the idle
 * loop would with no vCPU loaded (vm_run_requests), then the vCPU to run
 * next (the VM's vCPU 0, another, or cur again). */
static struct vcpu *__attribute__((noinline, cold)) sched_requests(struct pcpu *p, struct vcpu *cur)
{
    sched_put(p, cur, arch_counter());
    vm_run_requests(cpu_id());
    uint64_t now = arch_counter();
    struct vcpu *n = sched_pick(p, NULL, now);
    if (!n || !(n->running || vcpu_claim(n)))
        n = cur;
    sched_load(p, n, now);
    return n;
}

static bool must_park(const struct vcpu *v)
{
    return v->vm->state != VM_RUNNING || v->power == VCPU_OFF;
}

/* The end of an exit of `cur` on a shared CPU: the vCPU to run next,
 * loaded.  When cur waits and no other vCPU may run, the CPU waits here
 * with cur loaded (its own timer and interrupts end the wait as on a CPU
 * of its own). */
static struct vcpu *__attribute__((noinline)) sched(struct vcpu *cur)
{
    struct pcpu *p = this_pcpu();
    for (;;) {
        if (must_park(cur))
            return cur;
        if (__builtin_expect(vm_requests_for(cpu_id()), 0)) {
            struct vcpu *n = sched_requests(p, cur);
            if (n != cur)
                return n;
        }
        if (cur->sched_wait && vgic_wants_wakeup(cur))
            cur->sched_wait = false;
        uint64_t now = arch_counter();
        struct vcpu *n = sched_pick(p, cur, now);
        cur->sched_yield = false;
        if (n == cur) {
            if (now >= p->slice_end) {  /* a new slice: nothing else is ready */
                p->slice_end = now + htimer_us_to_ticks(SCHED_SLICE_US);
                sched_arm(p, cur, now);
            }
            return cur;
        }
        if (n && (n->running || vcpu_claim(n))) {
            sched_switch(p, cur, n, now);
            return n;
        }
        if (!cur->sched_wait)
            return cur;
        sched_arm(p, cur, now);
        dsb(sy);
        wfi();
        irq_handle_pending(cur);
    }
}

/* A shared CPU's end of an exit: the scheduler, then as on any CPU. */
struct vcpu_regs *sched_resume(struct vcpu *v)
{
    v = sched(v);
    vcpu_resume_work(v);
    return &v->regs;
}

/* No vCPU is loaded on shared CPU `p`: run one that may run, else return. */
static void sched_idle(struct pcpu *p)
{
    uint64_t now = arch_counter();
    struct vcpu *n = sched_pick(p, NULL, now);
    if (n && (n->running || vcpu_claim(n))) {
        sched_switch(p, NULL, n, now);
        guest_enter(sched_resume(n));
    }
    sched_arm(p, NULL, now);
}

void pcpu_loop(void)
{
    struct pcpu *p = this_pcpu();
    for (;;) {
        vm_run_requests(cpu_id());
        if (pcpu_shared(p))
            sched_idle(p);
        else if (p->vcpu)
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
