/* SPDX-License-Identifier: MIT */
/*
 * What the GICv2 and GICv3 distributors do alike for SPIs: their pending,
 * active, enable and configuration arrays and GICD_TYPER's ITLinesNumber
 * are at the same offsets (IHI 0048B 4.3, IHI 0069 12.9).  src/drivers/gicv<n>.c have the rest.
 */
#include "core/drivers.h"
#include "core/platform.h"
#include "arch/regs.h"
#include "arch/sysreg.h"

static uintptr_t gicd(uint64_t off) { return (uintptr_t)(platform.gicd_base + off); }

unsigned gic_nr_irqs(void)
{
    return ((mmio_read32(gicd(GICD_TYPER)) & GICD_TYPER_ITLINES_MASK) + 1) * 32;
}

void gic_enable_spi(unsigned intid, unsigned target_cpu)
{
    gic_route_spi(intid, target_cpu);
    mmio_write32(gicd(GICD_ISENABLER + (intid / 32) * 4), 1u << (intid % 32));
}

void gic_clear_spi(unsigned intid)
{
    mmio_write32(gicd(GICD_ICACTIVER + (intid / 32) * 4), 1u << (intid % 32));
    mmio_write32(gicd(GICD_ICPENDR + (intid / 32) * 4), 1u << (intid % 32));
}

bool gic_spi_pending(unsigned intid)
{
    return mmio_read32(gicd(GICD_ISPENDR + (intid / 32) * 4)) & (1u << (intid % 32));
}

void gic_set_spi_edge(unsigned intid)
{
    uintptr_t r = gicd(GICD_ICFGR + (intid / GICD_ICFGR_PER_REG) * 4);
    unsigned shift = (intid % GICD_ICFGR_PER_REG) * GICD_ICFGR_BITS;
    mmio_write32(r, mmio_read32(r) | (GICD_ICFGR_EDGE << shift));
}
