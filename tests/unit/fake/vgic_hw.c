/* SPDX-License-Identifier: MIT */
/* The list registers of one physical CPU, in memory (include/arch/vgic_hw.h). */
#include "unit.h"
#include "fake.h"
#include "arch/vgic_hw.h"
#include "arch/regs.h"

uint64_t fake_lr[FAKE_MAX_LRS];
unsigned fake_nr_lrs;
uint64_t fake_hcr;
unsigned fake_hcr_writes;
unsigned fake_lr_writes;

void fake_vgic_hw_reset(unsigned nr_lrs)
{
    assert_true(nr_lrs >= 1 && nr_lrs <= FAKE_MAX_LRS);
    for (unsigned i = 0; i < FAKE_MAX_LRS; i++)
        fake_lr[i] = 0;
    fake_nr_lrs = nr_lrs;
    fake_hcr = 0;
    fake_hcr_writes = 0;
    fake_lr_writes = 0;
}

unsigned vgic_hw_nr_lrs(void)
{
    return fake_nr_lrs;
}

uint64_t vgic_hw_read_lr(unsigned i)
{
    assert_in_range(i, 0, fake_nr_lrs - 1);
    return fake_lr[i];
}

void vgic_hw_write_lr(unsigned i, uint64_t v)
{
    assert_in_range(i, 0, fake_nr_lrs - 1);
    fake_lr[i] = v;
    fake_lr_writes++;
}

/* ICH_ELRSR_EL2: LR i is empty when its state is invalid (GICv3 12.5.8). */
uint32_t vgic_hw_elrsr(void)
{
    uint32_t e = 0;
    for (unsigned i = 0; i < fake_nr_lrs; i++)
        if (!(fake_lr[i] & ICH_LR_STATE_MASK))
            e |= 1u << i;
    return e;
}

void vgic_hw_write_hcr(uint64_t v)
{
    fake_hcr = v;
    fake_hcr_writes++;
}

void fake_guest_ack_lr(unsigned i)
{
    assert_in_range(i, 0, fake_nr_lrs - 1);
    assert_true((fake_lr[i] & ICH_LR_STATE_MASK) == ICH_LR_PENDING);
    fake_lr[i] = (fake_lr[i] & ~ICH_LR_STATE_MASK) | ICH_LR_ACTIVE;
}

void fake_guest_complete_lr(unsigned i)
{
    assert_in_range(i, 0, fake_nr_lrs - 1);
    fake_lr[i] &= ~ICH_LR_STATE_MASK;
}

int fake_lr_find(unsigned intid)
{
    int found = -1;
    for (unsigned i = 0; i < fake_nr_lrs; i++) {
        if ((fake_lr[i] & ICH_LR_STATE_MASK) && (fake_lr[i] & ICH_LR_VINTID_MASK) == intid) {
            assert_int_equal(found, -1);    /* one LR per interrupt, ever */
            found = (int)i;
        }
    }
    return found;
}

unsigned fake_lr_count_valid(void)
{
    unsigned n = 0;
    for (unsigned i = 0; i < fake_nr_lrs; i++)
        if (fake_lr[i] & ICH_LR_STATE_MASK)
            n++;
    return n;
}
