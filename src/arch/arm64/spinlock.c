/* SPDX-License-Identifier: MIT */
#include "core/spinlock.h"
#include "arch/sysreg.h"

bool spin_trylock(spinlock_t *l)
{
    /* Free when owner == next: take the next ticket only then. */
    uint16_t next = __atomic_load_n(&l->next, __ATOMIC_RELAXED);
    if (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != next)
        return false;
    return __atomic_compare_exchange_n(&l->next, &next, (uint16_t)(next + 1), false,
                                       __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}
