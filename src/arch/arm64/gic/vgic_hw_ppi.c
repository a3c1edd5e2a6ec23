/* SPDX-License-Identifier: MIT */
#include "arch/vgic_hw.h"
#include "arch/regs.h"
#include "arch/sysreg.h"
#include "arch/cpu.h"

/* The output of a PPI whose source is this CPU's own: the EL1 virtual
 * timer (ENABLE, not IMASK, ISTATUS) or the PMU's overflow request.  CPU
 * registers, whichever GIC the board has. */
bool vgic_hw_ppi_line(unsigned intid)
{
    if (intid == PPI_PMU)
        return arch_pmu_irq_line();
    uint64_t ctl = read_sysreg(cntv_ctl_el0);
    return (ctl & (CNT_CTL_ENABLE | CNT_CTL_IMASK | CNT_CTL_ISTATUS)) ==
           (CNT_CTL_ENABLE | CNT_CTL_ISTATUS);
}
