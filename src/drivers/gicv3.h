/* SPDX-License-Identifier: MIT */
/* What the physical GICv3's drivers share (src/drivers/gicv3.c, gicv3_its.c). */
#ifndef DRIVERS_GICV3_H
#define DRIVERS_GICV3_H
#include "core/platform.h"
#include "arch/regs.h"

/* The distance between two CPUs' redistributors: two 64 KiB frames on a
 * GICv3, four on a GICv4 (GICR_TYPER.VLPIS: + VLPI_base, reserved; IHI 0069
 * 9.11).  Set by gic_init_dist() from the first redistributor, before any
 * CPU's is touched. */
extern uint64_t gicr_stride;

/* Register `off` of CPU `cpu`'s redistributor (RD_base, SGI_base, VLPI_base). */
static inline uintptr_t gicr(unsigned cpu, uint64_t off)
{
    return (uintptr_t)(platform.gicr_base + (uint64_t)cpu * gicr_stride + off);
}

#endif
