/* SPDX-License-Identifier: MIT */
/* Host stand-in for include/arch/atomic.h: the compiler's builtins, with
 * the same orderings. */
#ifndef ARCH_ATOMIC_H
#define ARCH_ATOMIC_H
#include "core/types.h"

static inline uint16_t arch_fetch_inc16_relaxed(uint16_t *p)
{
    return __atomic_fetch_add(p, 1, __ATOMIC_RELAXED);
}

static inline void arch_or32_release(uint32_t *p, uint32_t bits)
{
    __atomic_fetch_or(p, bits, __ATOMIC_RELEASE);
}

static inline void arch_or64_release(uint64_t *p, uint64_t bits)
{
    __atomic_fetch_or(p, bits, __ATOMIC_RELEASE);
}

static inline void arch_clear32_acq_rel(uint32_t *p, uint32_t bits)
{
    __atomic_fetch_and(p, ~bits, __ATOMIC_ACQ_REL);
}

static inline void arch_clear64_acq_rel(uint64_t *p, uint64_t bits)
{
    __atomic_fetch_and(p, ~bits, __ATOMIC_ACQ_REL);
}

#endif
