/* SPDX-License-Identifier: MIT */
#ifndef CORE_SPINLOCK_H
#define CORE_SPINLOCK_H
#include "core/types.h"

/*
 * Ticket lock.  Waiters sleep in WFE, so that under QEMU's round-robin
 * (-icount) a waiting CPU yields to the holder; unlock's store-release to the
 * lock word clears the waiters' exclusive monitors, which wakes them (they
 * read the word with a load-exclusive: arch/spinlock.h).
 */
typedef struct { uint16_t owner; uint16_t next; } spinlock_t;
#define SPINLOCK_INIT { 0, 0 }

/* spin_lock, spin_unlock (inline) and spin_trylock (a panic's console). */
#include "arch/spinlock.h"

#endif
