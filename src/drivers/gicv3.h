/* SPDX-License-Identifier: MIT */
/* What the physical GICv3's drivers share (src/drivers/gicv3.c, gicv3_its.c). */
#ifndef DRIVERS_GICV3_H
#define DRIVERS_GICV3_H
#include "core/platform.h"
#include "arch/regs.h"

/* Register `off` of CPU `cpu`'s redistributor (RD_base, then SGI_base). */
static inline uintptr_t gicr(unsigned cpu, uint64_t off)
{
    return (uintptr_t)(platform.gicr_base + (uint64_t)cpu * GICR_FRAME_SIZE + off);
}

#endif
