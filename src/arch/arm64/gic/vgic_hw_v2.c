/* SPDX-License-Identifier: MIT */
/*
 * The GICv2 virtual interface control (GICH, IHI 0048B 5.3), which EL2
 * maps as device memory (it is in the board's EL2 device window); each
 * CPU's accesses reach its own interface (the frame is banked).
 */
#include "arch/vgic_hw.h"
#include "arch/regs.h"
#include "arch/sysreg.h"
#include "arch/cpu.h"
#include "core/platform.h"

static uintptr_t gich(uint64_t off) { return (uintptr_t)(platform.gich_base + off); }

unsigned vgic_hw_nr_lrs(void)
{
    unsigned n = (mmio_read32(gich(GICH_VTR)) & GICH_VTR_LISTREGS_MASK) + 1;
    return n < VGIC_HW_MAX_LRS ? n : VGIC_HW_MAX_LRS;
}

uint64_t vgic_hw_read_lr(unsigned i)
{
    return mmio_read32(gich(GICH_LR0 + 4 * (i % VGIC_HW_MAX_LRS)));
}

void vgic_hw_save_lrs(uint64_t *lr, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        lr[i] = vgic_hw_read_lr(i);
}

void vgic_hw_load_lrs(const uint64_t *lr, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        vgic_hw_write_lr(i, lr[i]);
}

void vgic_hw_enable(bool underflow)
{
    mmio_write32(gich(GICH_HCR), GICH_HCR_EN | (underflow ? GICH_HCR_UIE : 0));
}

void vgic_hw_disable(void)
{
    mmio_write32(gich(GICH_HCR), 0);
}

uint32_t vgic_hw_eisr(void)
{
    return mmio_read32(gich(GICH_EISR0));
}

/* GICC_DIR of the physical CPU interface (EOImode 1). */
void vgic_hw_deactivate(unsigned pintid)
{
    mmio_write32((uintptr_t)(platform.gicc_base + GICC_DIR), pintid);
}

void vgic_hw_state_reset(struct vgic_hw_state *s)
{
    s->hcr = GICH_HCR_EN;
    s->vmcr = s->apr[0] = s->apr[1] = 0;
}

/* GICH_VMCR holds the guest's GICV_CTLR, PMR and binary points; GICH_APR
 * its active priorities (one register: 32 levels). */
void vgic_hw_state_save(struct vgic_hw_state *s)
{
    s->vmcr = mmio_read32(gich(GICH_VMCR));
    s->apr[0] = mmio_read32(gich(GICH_APR));
    s->hcr = mmio_read32(gich(GICH_HCR));
}

void vgic_hw_state_load(const struct vgic_hw_state *s)
{
    mmio_write32(gich(GICH_VMCR), (uint32_t)s->vmcr);
    mmio_write32(gich(GICH_APR), (uint32_t)s->apr[0]);
    mmio_write32(gich(GICH_HCR), (uint32_t)s->hcr);
}
