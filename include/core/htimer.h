/* SPDX-License-Identifier: MIT */
/*
 * One timer for everything on a physical CPU: the EL2 physical timer
 * (CNTHP, PPI 26) serves each client's deadline on the CPU that set it.
 * Deadlines are absolute physical counter values; a client's deadline is
 * one shot.  Touched only by its own CPU, at EL2 with interrupts masked.
 */
#ifndef CORE_HTIMER_H
#define CORE_HTIMER_H
#include "core/types.h"

#define US_PER_S 1000000u

enum htimer_client {
    HTIMER_CONSOLE,         /* flush a partial line of the focused VM */
    HTIMER_PTIMER,          /* the loaded vCPU's EL1 physical timer */
    HTIMER_WDOG,            /* the watchdog of the pinned vCPU's VM (core/wdog.h) */
    /* A vCPU blocked on an MMIO access wakes (vcpu_block); on a shared CPU
     * also the scheduler's next deadline (the slice's end, a descheduled
     * vCPU's timer: pcpu.sched_next).  One client, so that a CPU of one
     * vCPU scans no more deadlines than before. */
    HTIMER_SCHED,
    HTIMER_NR,
};

struct htimer_cpu {
    uint64_t deadline[HTIMER_NR];       /* 0: none */
};

/* The earliest of `n` deadlines, 0 (none) ignored; 0 when there is none. */
static inline uint64_t htimer_earliest(const uint64_t *deadline, unsigned n)
{
    uint64_t next = 0;
    _Pragma("GCC unroll 4")             /* HTIMER_NR: no loop on the switch path */
    for (const uint64_t *d = deadline; d < deadline + n; d++)
        next = *d && (!next || *d < next) ? *d : next;
    return next;
}

void htimer_set(enum htimer_client c, uint64_t when);
/* HTIMER_WDOG for `next`, the earliest deadline of watchdog `w` (0: none),
 * or earlier for another VM's watchdog on this CPU (a shared CPU). */
struct wdog;
void htimer_set_wdog(const struct wdog *w, uint64_t next);
void htimer_cancel(enum htimer_client c);
/* PPI 26 fired on this CPU: run the clients whose deadline passed. */
void htimer_fire(void);
uint64_t htimer_us_to_ticks(uint64_t us);

#endif
