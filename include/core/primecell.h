/* SPDX-License-Identifier: MIT */
/*
 * The identification registers every Arm PrimeCell has in the last 32
 * bytes of its 4 KiB frame: PeriphID0..3 then PCellID0..3, one byte in
 * each 32-bit register (e.g. DDI 0183 3.3.x, DDI 0270 3.3.x).  Emulated
 * devices (src/vdev/) answer them from one place.
 */
#ifndef CORE_PRIMECELL_H
#define CORE_PRIMECELL_H
#include "core/types.h"

#define PRIMECELL_ID_BASE   0xfe0u       /* PeriphID0, in the frame */
#define PRIMECELL_FRAME     0x1000u
#define PRIMECELL_ID_STRIDE 4u           /* one ID byte per 32-bit register */
#define PRIMECELL_ID_BITS   8u

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
