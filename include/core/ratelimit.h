/* SPDX-License-Identifier: MIT */
/*
 * A token bucket for log lines: `burst` lines at once, then one every
 * `interval` counter ticks.  Time, not events, refills it, so a VM that
 * restarts in a loop cannot refill its own budget by restarting.  Pure logic
 * on a counter value (host unit tests).
 */
#ifndef CORE_RATELIMIT_H
#define CORE_RATELIMIT_H
#include "core/types.h"

struct ratelimit {
    uint64_t stamp;             /* counter value the tokens are counted up to */
    uint32_t tokens;
    uint32_t dropped;           /* lines refused since the last one let through */
    bool primed;                /* tokens start full on first use */
};

/*
 * May one more line go out at counter value `now`?  On true, *dropped is
 * how many were refused before it (to report), and is reset.
 */
bool ratelimit_take(struct ratelimit *r, uint64_t now, uint64_t interval, uint32_t burst,
                    uint32_t *dropped);

#endif
