/* SPDX-License-Identifier: MIT */
/*
 * The identification registers every Arm PrimeCell has (their layout in
 * arch/regs.h): emulated devices (src/vdev/) answer them from one place.
 */
#ifndef CORE_PRIMECELL_H
#define CORE_PRIMECELL_H
#include "core/types.h"
#include "arch/regs.h"

/* The ID register at `off` (PRIMECELL_ID_BASE <= off < PRIMECELL_FRAME),
 * for a device whose PeriphID is `periph` and PCellID `cell`. */
static inline uint32_t primecell_id(uint64_t off, uint32_t periph, uint32_t cell)
{
    uint64_t ids = (uint64_t)cell << 32 | periph;
    unsigned byte = (unsigned)((off - PRIMECELL_ID_BASE) / PRIMECELL_ID_STRIDE);
    return (uint32_t)(ids >> (PRIMECELL_ID_BITS * byte)) & 0xffu;
}

static inline bool primecell_is_id(uint64_t off)
{
    return off >= PRIMECELL_ID_BASE && off < PRIMECELL_FRAME;
}

#endif
