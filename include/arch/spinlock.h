/* SPDX-License-Identifier: MIT */
/*
 * The ticket lock of core/spinlock.h (which includes this after its type):
 * acquire and release inline, since exit paths take locks (ipc_lock twice an
 * IPC message); tests/unit/fake/arch/spinlock.h stands in with functions.
 */
#ifndef ARCH_SPINLOCK_H
#define ARCH_SPINLOCK_H
#include "arch/sysreg.h"
#include "arch/atomic.h"

/* The owner word read with a load-acquire exclusive: it marks the word in
 * this CPU's global monitor, so that the holder's store to it in
 * spin_unlock clears the monitor, which is a WFE wake-up event (Arm ARM
 * D1.6.1, "the clearing of the global monitor for the PE"; Linux's arm64
 * ticket lock waited this way).  A store between the read and the WFE sets
 * the event register first: no wake-up is lost, and no SEV is needed.  The
 * monitor left marked is harmless: every store-exclusive follows its own
 * load-exclusive. */
static inline __attribute__((always_inline)) uint16_t spin_owner_marked(spinlock_t *l)
{
    uint16_t owner;
    __asm__ volatile("ldaxrh %w0, %1" : "=r"(owner) : "Q"(l->owner) : "memory");
    return owner;
}

static inline __attribute__((always_inline)) void spin_lock(spinlock_t *l)
{
    uint16_t ticket = arch_fetch_inc16_relaxed(&l->next);
    while (spin_owner_marked(l) != ticket)
        wfe();
}

/* The store-release wakes the waiters itself (spin_owner_marked). */
static inline __attribute__((always_inline)) void spin_unlock(spinlock_t *l)
{
    __atomic_store_n(&l->owner, (uint16_t)(l->owner + 1), __ATOMIC_RELEASE);
}

/* Take the lock only if it is free now (a panic's console). */
bool spin_trylock(spinlock_t *l);

#endif
