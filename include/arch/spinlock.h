/* SPDX-License-Identifier: MIT */
/*
 * The ticket lock of core/spinlock.h (which includes this after its type):
 * acquire and release inline, since exit paths take locks (ipc_lock twice an
 * IPC message); tests/unit/fake/arch/spinlock.h stands in with functions.
 */
#ifndef ARCH_SPINLOCK_H
#define ARCH_SPINLOCK_H
#include "arch/sysreg.h"

static inline void spin_lock(spinlock_t *l)
{
    uint16_t ticket = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);
    while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != ticket)
        wfe();
}

static inline void spin_unlock(spinlock_t *l)
{
    __atomic_store_n(&l->owner, (uint16_t)(l->owner + 1), __ATOMIC_RELEASE);
    dsb(ishst);
    sev();
}

/* Take the lock only if it is free now (a panic's console). */
bool spin_trylock(spinlock_t *l);

#endif
