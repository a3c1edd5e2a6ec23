/* SPDX-License-Identifier: MIT */
/* The per-CPU multiplexer of the EL2 physical timer (core/htimer.h). */
#include "core/htimer.h"
#include "core/pcpu.h"
#include "core/console.h"
#include "core/ptimer.h"
#include "core/wdog.h"
#include "core/vm.h"
#include "arch/cpu.h"

static void program(struct htimer_cpu *h)
{
    uint64_t next = htimer_earliest(h->deadline, HTIMER_NR);
    if (next)
        arch_hyp_timer_arm_at(next);
    else
        arch_hyp_timer_stop();
}

void htimer_set(enum htimer_client c, uint64_t when)
{
    struct htimer_cpu *h = &this_pcpu()->htimer;
    h->deadline[c] = when ? when : 1;
    program(h);
}

void htimer_cancel(enum htimer_client c)
{
    struct htimer_cpu *h = &this_pcpu()->htimer;
    if (!h->deadline[c])
        return;
    h->deadline[c] = 0;
    program(h);
}

void htimer_set_wdog(const struct wdog *w, uint64_t next)
{
    /* The other VMs' deadlines are read without their lock: a hint, which
     * wdog_expired checks under it. */
    const struct pcpu *p = this_pcpu();
    for (unsigned i = 0; i < p->nr_vcpus; i++) {
        const struct wdog *o = &p->rq[i]->vm->wdog;
        uint64_t d = o == w ? 0 : htimer_earliest(o->due, WDOG_SRCS);
        next = d && (!next || d < next) ? d : next;
    }
    if (next)
        htimer_set(HTIMER_WDOG, next);
    else
        htimer_cancel(HTIMER_WDOG);
}

static void wdog_expired_cpu(const struct pcpu *p);

void htimer_fire(void)
{
    struct htimer_cpu *h = &this_pcpu()->htimer;
    uint64_t now = arch_counter();
    bool due[HTIMER_NR];

    for (unsigned i = 0; i < HTIMER_NR; i++) {
        due[i] = h->deadline[i] && h->deadline[i] <= now;
        if (due[i])
            h->deadline[i] = 0;
    }
    program(h);
    if (due[HTIMER_CONSOLE])
        console_flush_timeout();
    if (due[HTIMER_PTIMER])
        ptimer_expired(this_pcpu()->current);   /* the timer of the vCPU loaded here */
    if (due[HTIMER_WDOG])
        wdog_expired_cpu(this_pcpu());
    /* HTIMER_SCHED needs nothing here: the exit (or the wait) that took
     * this interrupt ends in the scheduler, which looks at the clock. */
}

/* The watchdogs of the VMs with a vCPU on `p`, each once. */
static void wdog_expired_cpu(const struct pcpu *p)
{
    for (unsigned i = 0; i < p->nr_vcpus; i++) {
        unsigned j = 0;
        while (j < i && p->rq[j]->vm != p->rq[i]->vm)
            j++;
        if (j == i)
            wdog_expired(p->rq[i]);
    }
}

uint64_t htimer_us_to_ticks(uint64_t us)
{
    return arch_counter_freq() * us / US_PER_S;
}
