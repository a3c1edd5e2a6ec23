/* SPDX-License-Identifier: MIT */
#ifndef CORE_SPINLOCK_H
#define CORE_SPINLOCK_H
#include "core/types.h"

/*
 * Ticket lock.  Waiters sleep in WFE, so that under QEMU's round-robin
 * (-icount) a waiting CPU yields to the holder; unlock's store-release to the
 * lock word clears the waiters' exclusive monitors, and an explicit SEV wakes
 * them regardless.
 */
typedef struct { uint16_t owner; uint16_t next; } spinlock_t;
#define SPINLOCK_INIT { 0, 0 }

void spin_lock(spinlock_t *l);
void spin_unlock(spinlock_t *l);
/* Take the lock only if it is free now (a panic's console). */
bool spin_trylock(spinlock_t *l);

#endif
