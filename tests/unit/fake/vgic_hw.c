/* SPDX-License-Identifier: MIT */
/*
 * The list registers of one physical CPU, in memory (include/arch/vgic_hw.h),
 * in the build's format: GICv3's ICH_LR<n>_EL2 or (GIC_VERSION 2) GICv2's
 * GICH_LR<n>.  Their state is read and changed only through the vgic_lr_*
 * operations of include/arch/vgic_lr.h, as the vGIC model does.
 */
#include <string.h>
#include "unit.h"
#include "fake.h"
#include "arch/vgic_hw.h"
#include "arch/vgic_lr.h"
#include "arch/regs.h"
#include "core/drivers.h"
#include "core/vgic.h"

#if GIC_VERSION == 2
#define LR_ACTIVE GICH_LR_ACTIVE
#else
#define LR_ACTIVE ICH_LR_ACTIVE
#endif

uint64_t fake_lr[FAKE_MAX_LRS];
unsigned fake_nr_lrs;
uint64_t fake_hcr;
unsigned fake_hcr_writes;
unsigned fake_lr_writes;
unsigned fake_deactivated[FAKE_MAX_DEACTIVATE];
bool fake_spi_line[FAKE_MAX_DEACTIVATE];
bool fake_vtimer_line, fake_pmu_line;

void fake_vgic_hw_reset(unsigned nr_lrs)
{
    assert_true(nr_lrs >= 1 && nr_lrs <= FAKE_MAX_LRS);
    for (unsigned i = 0; i < FAKE_MAX_LRS; i++)
        fake_lr[i] = 0;
    fake_nr_lrs = nr_lrs;
    fake_hcr = 0;
    fake_hcr_writes = 0;
    fake_lr_writes = 0;
    memset(fake_deactivated, 0, sizeof(fake_deactivated));
    memset(fake_spi_line, 0, sizeof(fake_spi_line));
    fake_vtimer_line = fake_pmu_line = false;
}

void fake_vgic_reset(unsigned nr_lrs)
{
    vgic_nr_lrs = nr_lrs;
    fake_vgic_hw_reset(nr_lrs);
    fake_vcpu_reset();
    fake_vm_reset();
}

void fake_vgic_vm(struct vm *m, unsigned nr_vcpus, unsigned nr_spis, unsigned nr_lpis)
{
    memset(m, 0, sizeof(*m));
    m->nr_vcpus = nr_vcpus;
    vgic_vm_init(m, nr_spis, nr_lpis);
    for (unsigned i = 0; i < nr_vcpus; i++) {
        struct vcpu *v = &m->vcpus[i];
        v->vm = m;
        v->id = i;
        v->vmpidr = MPIDR_RES1 | ((uint64_t)i << MPIDR_AFF0_SHIFT);
        vgic_vcpu_init(v);
    }
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

void vgic_hw_save_lrs(uint64_t *lr, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        lr[i] = vgic_hw_read_lr(i);
}

/* ICH_ELRSR_EL2 / GICH_ELRSR: LR i is empty when its state is invalid and
 * it asks for no EOI maintenance (GICv3 12.5.8, IHI 0048B 5.3.6). */
uint32_t vgic_hw_elrsr(void)
{
    uint32_t e = 0;
    for (unsigned i = 0; i < fake_nr_lrs; i++)
        if (!vgic_lr_live(fake_lr[i]) && !vgic_lr_eoi(fake_lr[i]))
            e |= 1u << i;
    return e;
}

/* ICH_EISR_EL2 / GICH_EISR: invalid, HW = 0, EOI = 1. */
uint32_t vgic_hw_eisr(void)
{
    uint32_t e = 0;
    for (unsigned i = 0; i < fake_nr_lrs; i++)
        if (!vgic_lr_live(fake_lr[i]) && vgic_lr_eoi(fake_lr[i]))
            e |= 1u << i;
    return e;
}

void vgic_hw_deactivate(unsigned pintid)
{
    assert_true(pintid < FAKE_MAX_DEACTIVATE);
    fake_deactivated[pintid]++;
}

bool vgic_hw_ppi_line(unsigned intid)
{
    return intid == PPI_VTIMER ? fake_vtimer_line : intid == PPI_PMU && fake_pmu_line;
}

/* The physical GIC's view of this CPU's PMU line: the fake's PMU line. */
bool gic_ppi_pending(unsigned intid)
{
    return intid == PPI_PMU && fake_pmu_line;
}

unsigned fake_activated[VGIC_NR_PRIVATE];

void gic_ppi_set_active(unsigned intid)
{
    if (intid < VGIC_NR_PRIVATE)
        fake_activated[intid]++;
}

bool gic_spi_pending(unsigned intid)
{
    return intid < FAKE_MAX_DEACTIVATE && fake_spi_line[intid];
}

void gic_route_spi(unsigned intid, unsigned target_cpu)
{
    (void)intid;
    (void)target_cpu;
}

/* As ICH_HCR_EL2 would hold it. */
static void write_hcr(uint64_t v)
{
    fake_hcr = v;
    fake_hcr_writes++;
}

void vgic_hw_enable(bool underflow)
{
    write_hcr(ICH_HCR_EN | (underflow ? ICH_HCR_UIE : 0));
}

void vgic_hw_disable(void)
{
    write_hcr(0);
}

void fake_guest_ack_lr(unsigned i)
{
    assert_in_range(i, 0, fake_nr_lrs - 1);
    assert_true(vgic_lr_pending_only(fake_lr[i]));
    fake_lr[i] = vgic_lr_clear_pending(fake_lr[i]) | LR_ACTIVE;
}

void fake_guest_complete_lr(unsigned i)
{
    assert_in_range(i, 0, fake_nr_lrs - 1);
    fake_lr[i] = vgic_lr_clear_active(vgic_lr_clear_pending(fake_lr[i]));
}

int fake_lr_find(unsigned intid)
{
    int found = -1;
    for (unsigned i = 0; i < fake_nr_lrs; i++) {
        if (vgic_lr_live(fake_lr[i]) && vgic_lr_vintid(fake_lr[i]) == intid) {
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
        if (vgic_lr_live(fake_lr[i]))
            n++;
    return n;
}

/* GICv4.0 direct injection (src/core/msi.c): no vPE on the host, so a
 * flush has no vPE table to reload. */
void msi_vcpu_reload(struct vcpu *v)
{
    (void)v;
}
