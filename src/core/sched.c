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
#include "core/steal.h"
#include "core/config.h"
#include "arch/cpu.h"
#include "arch/regs.h"

/* A shared CPU's time slice: a vCPU that does not wait runs this long at
 * most while another is ready. */
#define SCHED_SLICE_US 10000u

/* ---- set-up ---- */

void sched_add(struct vcpu *v)
{
    const struct vm_config *c = v->vm->cfg;
    struct pcpu *p = &pcpus[v->pcpu];
    if (!p->vcpu)
        p->vcpu = v;
    v->sched_idx = p->nr_vcpus;
    v->sched_prio = c->priority;
    v->sched_vm = (unsigned)(c - config_vms);
    v->sched_seq = ++p->sched_seq;
    if (c->budget_us) {
        uint64_t budget = htimer_us_to_ticks(c->budget_us);
        v->budget = (struct sched_budget){ .budget = budget, .period = htimer_us_to_ticks(c->period_us),
                                           .avail = (int64_t)budget };
    }
    p->rq[p->nr_vcpus++] = v;
    p->sched_on |= p->nr_vcpus > 1 || c->budget_us;
}

/* SCHED_SLICE_US in counter ticks (sched_init). */
static uint64_t slice_ticks;

void sched_init(void)
{
    slice_ticks = htimer_us_to_ticks(SCHED_SLICE_US);
    for (unsigned i = 0; i < config_nr_schedules; i++) {
        const struct sched_cpu_config *sc = &config_schedules[i];
        struct pcpu *p = &pcpus[sc->cpu];
        p->frame = htimer_us_to_ticks(sc->frame_us);
        p->nr_windows = sc->nr_windows;
        for (unsigned j = 0; j < sc->nr_windows; j++) {
            const struct sched_window *w = &sc->windows[j];
            p->windows[j] = (struct pcpu_window){ .start = htimer_us_to_ticks(w->offset_us),
                                                  .end = htimer_us_to_ticks(w->offset_us + w->duration_us),
                                                  .vm = w->vm };
        }
        p->sched_on = true;
    }
}

/* ---- budgets: a sporadic server per vCPU ---- */

/* Refills of `b` that are due by `now` become available. */
static void budget_refill(struct sched_budget *b, uint64_t now)
{
    while (b->count && b->refill[b->head].at <= now) {
        b->avail += (int64_t)b->refill[b->head].amount;
        b->head = (b->head + 1) % SCHED_MAX_REFILLS;
        b->count--;
    }
}

/* What `b` may still use at `now`, counting its current run. */
static int64_t budget_left(struct sched_budget *b, uint64_t now)
{
    budget_refill(b, now);
    return b->avail - (b->run_start ? (int64_t)(now - b->run_start) : 0);
}

/* `v` starts running (is charged from now on). */
static void run_begin(struct vcpu *v, uint64_t now)
{
    v->budget.run_start = now;
}

/* `v` stops running: what it used since run_begin is charged, and given
 * back one period after that run began.  A full ring merges the refill
 * into the last one, later: never earlier than it is due. */
static void run_end_budget(struct vcpu *v, uint64_t now);
static inline __attribute__((always_inline)) void run_end(struct vcpu *v, uint64_t now)
{
    if (v->budget.budget)
        run_end_budget(v, now);
    else
        v->budget.run_start = 0;
}

static void __attribute__((noinline)) run_end_budget(struct vcpu *v, uint64_t now)
{
    struct sched_budget *b = &v->budget;
    if (!b->run_start)
        return;
    uint64_t used = now - b->run_start, at = b->run_start + b->period;
    b->run_start = 0;
    if (!used)
        return;
    b->avail -= (int64_t)used;
    if (b->count == SCHED_MAX_REFILLS) {
        struct sched_refill *last = &b->refill[(b->head + b->count - 1) % SCHED_MAX_REFILLS];
        last->amount += used;
        last->at = at > last->at ? at : last->at;
        return;
    }
    b->refill[(b->head + b->count++) % SCHED_MAX_REFILLS] = (struct sched_refill){ at, used };
}

/* ---- windows: a CPU's fixed schedule ---- */

/* The window of `p`'s schedule at `now`: its index, or -1 between windows;
 * *edge: when the window (or the gap) ends. */
static int window_at(const struct pcpu *p, uint64_t now, uint64_t *edge)
{
    uint64_t phase = now % p->frame, base = now - phase;
    for (unsigned i = 0; i < p->nr_windows; i++) {
        const struct pcpu_window *w = &p->windows[i];
        if (phase < w->start) {
            *edge = base + w->start;
            return -1;
        }
        if (phase < w->end) {
            *edge = base + w->end;
            return (int)i;
        }
    }
    *edge = base + p->frame + p->windows[0].start;
    return -1;
}

/* May `v`'s VM run on `p` at `now` (its window, when p has a schedule)? */
static bool window_open(const struct pcpu *p, const struct vcpu *v, uint64_t now)
{
    if (!p->nr_windows)
        return true;
    uint64_t edge;
    int i = window_at(p, now, &edge);
    return i >= 0 && p->windows[i].vm == v->sched_vm;
}

/* ---- the policy (docs/scheduling.md) ---- */

/* Is what `w` blocked on (vcpu_block) there, or its deadline past? */
static bool block_over(const struct vcpu *w, uint64_t now)
{
    return w->sched_blocked && (__atomic_load_n(&w->unblocked, __ATOMIC_ACQUIRE) || now >= w->block_until);
}

/* Is `w` ready: not loaded, it may run now as far as it is concerned?
 * Read without its VM's lock: a start is claimed (vcpu_claim) before it
 * happens. */
static bool sched_ready(struct vcpu *w, uint64_t now)
{
    if (!w->running)
        return w->vm->state == VM_RUNNING && w->power != VCPU_OFF;
    if (!w->sched_wait)
        return true;
    return (__atomic_load_n(&w->work, __ATOMIC_ACQUIRE) & VCPU_WORK_STOP) ||
           (w->sched_wake_at && now >= w->sched_wake_at) || block_over(w, now) || vgic_wants_wakeup_saved(w);
}

/* May `w` be given the CPU: it has budget left and its window is open?
 * (A vCPU whose VM stops may always run: it parks at once.)  Without a
 * budget on a CPU without windows, always. */
static bool __attribute__((noinline)) sched_allowed_limited(const struct pcpu *p, struct vcpu *w, uint64_t now)
{
    if (__atomic_load_n(&w->work, __ATOMIC_ACQUIRE) & VCPU_WORK_STOP)
        return true;
    return (!w->budget.budget || budget_left(&w->budget, now) > 0) && window_open(p, w, now);
}

static inline __attribute__((always_inline)) bool sched_allowed(const struct pcpu *p, struct vcpu *w, uint64_t now)
{
    return (!w->budget.budget && !p->nr_windows) || sched_allowed_limited(p, w, now);
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

/* Does `a` go before `b` (NULL): a higher priority, or an equal one and
 * an earlier place in the round? */
static bool sched_before(const struct vcpu *a, const struct vcpu *b)
{
    return !b || a->sched_prio > b->sched_prio || (a->sched_prio == b->sched_prio && a->sched_seq < b->sched_seq);
}

/* The vCPU to run after `cur` (loaded, or NULL), NULL when none may run.
 * Fixed priorities, round-robin among equals: of the vCPUs that are ready
 * and allowed (budget, window), the highest priority runs, the earliest in
 * the round among equals.  cur goes on unless it waits or is not allowed
 * any more, one of a higher priority is there, or among equals its slice
 * is over, it yields (WFE), or another is urgent. */
static struct vcpu *sched_pick(const struct pcpu *p, struct vcpu *cur, uint64_t now)
{
    /* One pass: the best of the others, and the first urgent one among
     * cur's equals (which takes the CPU from cur before its slice ends). */
    bool cur_on = cur && !cur->sched_wait && sched_allowed(p, cur, now);
    unsigned equal_prio = cur_on ? cur->sched_prio : ~0u;
    struct vcpu *best = NULL, *urgent = NULL;
    for (unsigned i = 0; i < p->nr_vcpus; i++) {
        struct vcpu *w = p->rq[i];
        if (w == cur || !sched_ready(w, now))
            continue;
        /* A waiting vCPU found ready (woken before its deadline, by an
         * interrupt or vcpu_unblock) is ready from now: stolen time. */
        if (w->sched_wait && w->running && (!w->steal_from || w->steal_from > now))
            w->steal_from = now;
        if (!sched_allowed(p, w, now))
            continue;
        if (sched_before(w, best))
            best = w;
        if (!urgent && w->sched_prio == equal_prio && sched_urgent(w, now))
            urgent = w;
    }
    if (!cur_on)
        return best;
    if (!best || best->sched_prio < cur->sched_prio)
        return cur;
    if (best->sched_prio > cur->sched_prio || now >= p->slice_end || cur->sched_yield)
        return best;
    return urgent ? urgent : cur;
}

/* HTIMER_SCHED for the scheduler's deadline `next` (0: none). */
void sched_timer(struct pcpu *p, uint64_t next)
{
    p->sched_next = next;
    if (next)
        htimer_set(HTIMER_SCHED, next);
    else
        htimer_cancel(HTIMER_SCHED);
}

static uint64_t earliest(uint64_t a, uint64_t b)
{
    return !a ? b : !b ? a : a < b ? a : b;
}

/* The EL2 timer for the earliest of what may change the choice: the end
 * of cur's slice and of its budget (if it runs), the timer deadlines of
 * the descheduled vCPUs still to come (one that passed was seen), the
 * refills of those whose budget is used up, the next window edge. */
static void sched_arm(struct pcpu *p, struct vcpu *cur, uint64_t now)
{
    uint64_t next = 0, edge;
    if (cur && cur->budget.run_start) {
        next = p->slice_end;
        if (cur->budget.budget)
            next = earliest(next, now + (uint64_t)MAX(budget_left(&cur->budget, now), 1));
    }
    for (unsigned i = 0; i < p->nr_vcpus; i++) {
        struct vcpu *w = p->rq[i];
        if (w != cur && w->running && w->sched_wake_at > now)
            next = earliest(next, w->sched_wake_at);
        if (w->budget.budget && !w->budget.run_start && budget_left(&w->budget, now) <= 0 && w->budget.count)
            next = earliest(next, w->budget.refill[w->budget.head].at);
    }
    if (cur && cur->sched_blocked && cur->sched_wait)
        next = earliest(next, cur->block_until);
    if (p->nr_windows) {
        window_at(p, now, &edge);
        next = earliest(next, edge);
    }
    sched_timer(p, next);
}

/* `cur` (loaded) leaves the CPU, its whole context saved.  Unless it was
 * preempted (it may run on, the rest of its slice kept for later), it goes
 * to the end of the round of its priority. */
static void sched_put(struct pcpu *p, struct vcpu *cur, uint64_t now)
{
    bool preempted = cur->budget.run_start && !cur->sched_wait && !cur->sched_yield && now < p->slice_end &&
                     (!cur->budget.budget || budget_left(&cur->budget, now) > 0);
    run_end(cur, now);
    cur->sched_slice_left = preempted ? p->slice_end - now : 0;
    if (!preempted)
        cur->sched_seq = ++p->sched_seq;
    arch_vcpu_put(cur);                 /* timer and PMU outputs low, then ... */
    vgic_vcpu_put(cur);                 /* ... their physical PPIs freed */
    if (cur->vm->msi_direct)
        msi_vcpu_park(cur);
    uint64_t pt = ptimer_stop(cur);
    /* Its timers' next deadline wakes it.  One that passed already wakes
     * nothing (a guest may leave a fired timer enabled, its interrupt
     * disabled in the GIC): it may run, and its line asserts itself again
     * when it is back. */
    uint64_t d = earliest(arch_vcpu_vtimer_deadline(cur), pt);
    if (cur->sched_blocked)
        d = earliest(d, cur->block_until);
    cur->sched_wake_at = d > now ? d : 0;
    if (d && d <= now)
        cur->sched_wait = cur->sched_blocked = false;
    /* Ready from now on, or (waiting) from its deadline: stolen time. */
    cur->steal_from = cur->sched_wait ? cur->sched_wake_at : now;
    p->current = NULL;
}

/* A new slice for `cur` (running), from `now`: the rest of the one it
 * was preempted in, else a whole one. */
static void slice_begin(struct pcpu *p, struct vcpu *cur, uint64_t now)
{
    uint64_t left = cur->sched_slice_left;
    p->slice_end = now + (left ? left : slice_ticks);
    cur->sched_slice_left = 0;
}

/* `next` (running: claimed or descheduled) comes in. */
static void sched_load(struct pcpu *p, struct vcpu *next, uint64_t now)
{
    steal_load(next, now);
    slice_begin(p, next, now);
    vcpu_load(next);
    run_begin(next, now);
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
 * loaded.  When cur may not run (it waits, its budget is used up, its
 * window is closed) and no other vCPU may, the CPU waits here with cur
 * loaded (its own timer and interrupts end the wait as on a CPU of its
 * own), cur not charged meanwhile. */
static inline __attribute__((always_inline)) struct vcpu *sched(struct vcpu *cur)
{
    struct pcpu *p = this_pcpu();
    for (;;) {
        if (must_park(cur))
            return cur;
        if (__builtin_expect(p->start_asked, 0) && vm_requests_for(cpu_id())) {
            struct vcpu *n = sched_requests(p, cur);
            if (n != cur)
                return n;
        }
        uint64_t now = arch_counter();
        if (cur->sched_wait && (vgic_wants_wakeup(cur) || block_over(cur, now)))
            cur->sched_wait = cur->sched_blocked = false;
        struct vcpu *n = sched_pick(p, cur, now);
        if (n == cur) {
            cur->sched_yield = false;
            if (!cur->budget.run_start || now >= p->slice_end) {
                if (now >= p->slice_end)    /* a new slice: nothing else is ready */
                    cur->sched_seq = ++p->sched_seq;
                run_end(cur, now);
                run_begin(cur, now);
                slice_begin(p, cur, now);
                sched_arm(p, cur, now);
            } else if (p->sched_next && now >= p->sched_next) {
                /* The timer fired and changed nothing (a refill came before
                 * the budget's end it was set for, a lower priority woke):
                 * set it for what is next, or nothing ends cur's run. */
                sched_arm(p, cur, now);
            }
            return cur;
        }
        if (n && (n->running || vcpu_claim(n))) {
            sched_switch(p, cur, n, now);
            cur->sched_yield = false;
            return n;
        }
        cur->sched_yield = false;
        run_end(cur, now);
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

