/* SPDX-License-Identifier: MIT */
#include "core/ratelimit.h"

bool ratelimit_take(struct ratelimit *r, uint64_t now, uint64_t interval, uint32_t burst,
                    uint32_t *dropped)
{
    if (!r->primed) {
        r->primed = true;
        r->tokens = burst;
        r->stamp = now;
    }
    if (interval && now > r->stamp) {
        uint64_t earned = (now - r->stamp) / interval;
        if (earned >= burst - r->tokens) {
            r->tokens = burst;
            r->stamp = now;             /* full: idle time is not banked */
        } else {
            r->tokens += (uint32_t)earned;
            r->stamp += earned * interval;
        }
    }
    if (!r->tokens) {
        r->dropped++;
        return false;
    }
    r->tokens--;
    *dropped = r->dropped;
    r->dropped = 0;
    return true;
}
