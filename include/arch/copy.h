/* SPDX-License-Identifier: MIT */
/*
 * Small copies on exit paths (an IPC payload into and out of its queue
 * slot): a doubleword pair at a time, each LDP and STP stepping its own
 * pointer (post-index), four instructions a pair.  GCC's loop of C
 * assignments indexes both buffers off one register and takes six or more.
 * tests/unit/fake/arch/copy.h stands in with memcpy.
 */
#ifndef ARCH_COPY_H
#define ARCH_COPY_H
#include "core/types.h"

#define ARCH_COPY_PAIR_BYTES 16u

/* `len` bytes, a multiple of ARCH_COPY_PAIR_BYTES, from `s` to `d`, both
 * 8-aligned and not overlapping. */
static inline void arch_copy_pairs(void *d, const void *s, unsigned len)
{
    const char *end = (const char *)s + len;
    uint64_t lo, hi;

    if (!len)
        return;
    __asm__ volatile("1: ldp %[lo], %[hi], [%[s]], %[step]\n"
                     "   stp %[lo], %[hi], [%[d]], %[step]\n"
                     "   cmp %[s], %[end]\n"
                     "   b.ne 1b\n"
                     : [lo] "=&r"(lo), [hi] "=&r"(hi), [s] "+r"(s), [d] "+r"(d)
                     : [end] "r"(end), [step] "n"(ARCH_COPY_PAIR_BYTES)
                     : "memory", "cc");
}

#endif
