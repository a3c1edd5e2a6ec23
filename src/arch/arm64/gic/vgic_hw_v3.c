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

/* The LRs the CPU has, the highest first: a switch on their number enters
 * at the last and falls through to LR 0, each named in its instruction
 * (vgic_hw_read_lr and vgic_hw_write_lr in a loop cost a call and a jump
 * table each). */
#define LRS_DOWN(X) X(15, S3_4_C12_C13_7) X(14, S3_4_C12_C13_6) X(13, S3_4_C12_C13_5) \
    X(12, S3_4_C12_C13_4) X(11, S3_4_C12_C13_3) X(10, S3_4_C12_C13_2) X(9, S3_4_C12_C13_1) \
    X(8, S3_4_C12_C13_0) X(7, S3_4_C12_C12_7) X(6, S3_4_C12_C12_6) X(5, S3_4_C12_C12_5) \
    X(4, S3_4_C12_C12_4) X(3, S3_4_C12_C12_3) X(2, S3_4_C12_C12_2) X(1, S3_4_C12_C12_1) \
    X(0, S3_4_C12_C12_0)

void vgic_hw_save_lrs(uint64_t *lr, unsigned n)
{
    switch (n) {
#define SAVE_LR(i, r) case i + 1: lr[i] = read_sysreg(r); __attribute__((fallthrough));
    LRS_DOWN(SAVE_LR)
#undef SAVE_LR
    default:
        break;
    }
}

void vgic_hw_load_lrs(const uint64_t *lr, unsigned n)
{
    switch (n) {
#define LOAD_LR(i, r) case i + 1: write_sysreg(r, lr[i]); __attribute__((fallthrough));
    LRS_DOWN(LOAD_LR)
#undef LOAD_LR
    default:
        break;
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

void vgic_hw_state_reset(struct vgic_hw_state *s)
{
    s->hcr = ICH_HCR_EN;
    s->vmcr = s->apr[0] = s->apr[1] = 0;
}

/* ICH_AP0R0/AP1R0 cover 5 priority bits (32 levels), what the CPUs tofu
 * runs on implement (ICH_VTR_EL2.PRIbits). */
void vgic_hw_state_save(struct vgic_hw_state *s)
{
    s->vmcr = read_sysreg(ICH_VMCR_EL2);
    s->apr[0] = read_sysreg(ICH_AP0R0_EL2);
    s->apr[1] = read_sysreg(ICH_AP1R0_EL2);
    s->hcr = read_sysreg(ICH_HCR_EL2);
}

void vgic_hw_state_load(const struct vgic_hw_state *s)
{
    write_sysreg(ICH_VMCR_EL2, s->vmcr);
    write_sysreg(ICH_AP0R0_EL2, s->apr[0]);
    write_sysreg(ICH_AP1R0_EL2, s->apr[1]);
    write_sysreg(ICH_HCR_EL2, s->hcr);
}
