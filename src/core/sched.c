/* SPDX-License-Identifier: MIT */
/*
 * A shared physical CPU's scheduler (docs/scheduling.md), and every CPU's
 * idle loop.  It runs at the end of every exit of a shared CPU's vCPUs
 * (VCPU_WORK_SCHED); a CPU of one vCPU never runs it.
 */
#include "core/vm.h"
#include "core/pcpu.h"
#include "core/trap.h"
#include "core/drivers.h"
#include "core/lib.h"
#include "core/htimer.h"
#include "core/ptimer.h"
#include "core/sched.h"
#include "arch/cpu.h"
#include "arch/regs.h"

/* A shared CPU's time slice: a vCPU that does not wait runs this long at
 * most while another is ready. */
#define SCHED_SLICE_US 10000u

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

void sched_timer(struct pcpu *p, uint64_t next)
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

void sched_idle(struct pcpu *p)
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

