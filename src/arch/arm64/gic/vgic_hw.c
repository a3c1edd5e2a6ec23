/* SPDX-License-Identifier: MIT */
#include "arch/vgic_hw.h"
#include "arch/regs.h"
#include "arch/sysreg.h"
#include "arch/cpu.h"

unsigned vgic_hw_nr_lrs(void)
{
    return (unsigned)(read_sysreg(ICH_VTR_EL2) & ICH_VTR_LISTREGS_MASK) + 1;
}

/* ICH_LR<n>_EL2 = S3_4_C12_C12_n (n < 8) / S3_4_C12_C13_(n-8). */
uint64_t vgic_hw_read_lr(unsigned i)
{
    switch (i) {
    case 0: return read_sysreg(S3_4_C12_C12_0);
    case 1: return read_sysreg(S3_4_C12_C12_1);
    case 2: return read_sysreg(S3_4_C12_C12_2);
    case 3: return read_sysreg(S3_4_C12_C12_3);
    case 4: return read_sysreg(S3_4_C12_C12_4);
    case 5: return read_sysreg(S3_4_C12_C12_5);
    case 6: return read_sysreg(S3_4_C12_C12_6);
    case 7: return read_sysreg(S3_4_C12_C12_7);
    case 8: return read_sysreg(S3_4_C12_C13_0);
    case 9: return read_sysreg(S3_4_C12_C13_1);
    case 10: return read_sysreg(S3_4_C12_C13_2);
    case 11: return read_sysreg(S3_4_C12_C13_3);
    case 12: return read_sysreg(S3_4_C12_C13_4);
    case 13: return read_sysreg(S3_4_C12_C13_5);
    case 14: return read_sysreg(S3_4_C12_C13_6);
    default: return read_sysreg(S3_4_C12_C13_7);
    }
}

void vgic_hw_enable(bool underflow)
{
    write_sysreg(ICH_HCR_EL2, ICH_HCR_EN | (underflow ? ICH_HCR_UIE : 0));
}

void vgic_hw_disable(void)
{
    write_sysreg(ICH_HCR_EL2, 0);
}

uint32_t vgic_hw_eisr(void)
{
    return (uint32_t)read_sysreg(ICH_EISR_EL2);
}

void vgic_hw_deactivate(unsigned pintid)
{
    write_sysreg(ICC_DIR_EL1, pintid);
    isb();
}

/* The output of a PPI whose source is this CPU's own: the EL1 virtual
 * timer (ENABLE, not IMASK, ISTATUS) or the PMU's overflow request. */
bool vgic_hw_ppi_line(unsigned intid)
{
    if (intid == PPI_PMU)
        return arch_pmu_irq_line();
    uint64_t ctl = read_sysreg(cntv_ctl_el0);
    return (ctl & (CNT_CTL_ENABLE | CNT_CTL_IMASK | CNT_CTL_ISTATUS)) ==
           (CNT_CTL_ENABLE | CNT_CTL_ISTATUS);
}
