/* SPDX-License-Identifier: MIT */
/*
 * At EL3, before boot.S drops to EL2, on a GICv3 board: EL2 may use the
 * GIC's system-register interface (ICC_SRE_EL3.Enable and SRE, IHI 0069,
 * 12.2.11).  No GICv3 board tofu describes starts at EL3 (QEMU virt starts
 * it at EL2): one that does also needs its distributor's and
 * redistributors' interrupts put in non-secure group 1 here.
 */
#include "arch/regs.h"
#include "arch/sysreg.h"
#include "core/platform.h"

void el3_init_cpu(unsigned cpu);

void el3_init_cpu(unsigned cpu)
{
    (void)cpu;
    if (!read_sysreg(cntfrq_el0) && platform.timer_hz)
        write_sysreg(cntfrq_el0, platform.timer_hz);
    write_sysreg(ICC_SRE_EL3, ICC_SRE_EL3_ENABLE | ICC_SRE_SRE);
}
