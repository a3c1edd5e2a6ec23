/* SPDX-License-Identifier: MIT */
#include "core/spinlock.h"
#include "arch/sysreg.h"

void spin_lock(spinlock_t *l)
{
    uint16_t ticket = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);
    while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != ticket)
        wfe();
}

void spin_unlock(spinlock_t *l)
{
    __atomic_store_n(&l->owner, (uint16_t)(l->owner + 1), __ATOMIC_RELEASE);
    dsb(ishst);
    sev();
}

bool spin_trylock(spinlock_t *l)
{
    /* Free when owner == next: take the next ticket only then. */
    uint16_t next = __atomic_load_n(&l->next, __ATOMIC_RELAXED);
    if (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != next)
        return false;
    return __atomic_compare_exchange_n(&l->next, &next, (uint16_t)(next + 1), false,
                                       __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}
