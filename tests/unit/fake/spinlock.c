/* SPDX-License-Identifier: MIT */
/* Single-threaded spinlock (include/core/spinlock.h): a test fails on a
 * lock taken twice or released without being held, where the real ticket
 * lock would hang or corrupt its tickets. */
#include "unit.h"
#include "core/spinlock.h"

void spin_lock(spinlock_t *l)
{
    assert_int_equal(l->owner, l->next);
    l->next++;
}

void spin_unlock(spinlock_t *l)
{
    assert_int_equal((uint16_t)(l->owner + 1), l->next);
    l->owner++;
}

bool spin_trylock(spinlock_t *l)
{
    if (l->owner != l->next)
        return false;
    l->next++;
    return true;
}
