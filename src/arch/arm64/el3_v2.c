/* SPDX-License-Identifier: MIT */
/*
 * At EL3, before boot.S drops to EL2 (a board that starts its CPUs at EL3:
 * the Raspberry Pi 4B): what a board's armstub does for the non-secure
 * world, so that EL2 owns the GIC-400.  With the Security Extensions
 * (GICD_TYPER.SecurityExtn), every interrupt goes to group 1, non-secure
 * (GICD_IGROUPR: the distributor's by the boot CPU, the banked SGIs' and
 * PPIs' by each CPU), both groups are on at the distributor and at this
 * CPU's interface, and no priority is masked (IHI 0048B, 4.3.4, 4.4.1,
 * 4.4.2).  Without them (QEMU's raspi4b) all of it is EL2's already.  MMU
 * off; on the boot CPU before bss is cleared.
 */
#include "arch/regs.h"
#include "arch/sysreg.h"
#include "core/platform.h"

void el3_init_cpu(unsigned cpu);

void el3_init_cpu(unsigned cpu)
{
    if (!read_sysreg(cntfrq_el0) && platform.timer_hz)
        write_sysreg(cntfrq_el0, platform.timer_hz);
    uintptr_t d = (uintptr_t)platform.gicd_base, c = (uintptr_t)platform.gicc_base;
    uint32_t typer = mmio_read32(d + GICD_TYPER);
    if (!(typer & GICD_TYPER_SECURITY_EXTN))
        return;
    unsigned regs = cpu ? 1 : (typer & GICD_TYPER_ITLINES_MASK) + 1;
    for (unsigned i = 0; i < regs; i++)
        mmio_write32(d + GICD_IGROUPR + 4 * i, ~UINT32_C(0));
    if (!cpu)
        mmio_write32(d + GICD_CTLR, GICD_CTLR_ENABLE_G0 | GICD_CTLR_ENABLE_G1);
    /* The secure view: bit 0 group 0, bit 1 group 1 (the non-secure view's bit 0). */
    mmio_write32(c + GICC_CTLR, GICC_CTLR_ENABLE | GICC_CTLR_ENABLE_G1);
    mmio_write32(c + GICC_PMR, GICC_PMR_LOWEST);
}
