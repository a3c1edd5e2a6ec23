/* SPDX-License-Identifier: MIT */
/* What the physical GICv3's drivers share (src/drivers/gicv3.c, gicv3_its.c). */
#ifndef DRIVERS_GICV3_H
#define DRIVERS_GICV3_H
#include "core/platform.h"
#include "arch/regs.h"

/* Each CPU's redistributor (its RD_base), found by gic_init_dist() in the
 * board's redistributor region by its affinity, before any is touched. */
extern uintptr_t gicr_base_of[MAX_PCPUS];

/* Register `off` of CPU `cpu`'s redistributor (RD_base, SGI_base, ...). */
static inline uintptr_t gicr(unsigned cpu, uint64_t off)
{
    return gicr_base_of[cpu] + (uintptr_t)off;
}

#endif
