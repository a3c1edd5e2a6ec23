/* SPDX-License-Identifier: MIT */
/* Host stand-in for include/arch/spinlock.h: functions (fake/spinlock.c),
 * which fail a test on a lock taken twice. */
#ifndef ARCH_SPINLOCK_H
#define ARCH_SPINLOCK_H

void spin_lock(spinlock_t *l);
void spin_unlock(spinlock_t *l);
bool spin_trylock(spinlock_t *l);

#endif
