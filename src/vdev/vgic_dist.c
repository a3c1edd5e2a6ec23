/* SPDX-License-Identifier: MIT */
/*
 * Emulated GICv3 distributor: affinity routing always on, one security
 * state (GICD_CTLR.DS = 1), no LPIs.  The VM sees only its own SPIs
 * (GICD_TYPER.ITLinesNumber); the rest of the INTID space is RAZ/WI.
 */
#include "core/vm.h"
#include "core/vgic_regs.h"
#include "arch/regs.h"

#define GICD_TYPER_IDBITS_10   9u       /* INTIDs up to 1023 */
#define GICD_TYPER_NO1N        BIT(25)  /* no 1-of-N SPI delivery */
#define GICD_CTLR_WRITABLE     (GICD_CTLR_ENABLE_G0 | GICD_CTLR_ENABLE_G1)

/* The per-interrupt arrays, and RAZ for what is no register. */
static enum mmio_result __attribute__((noinline)) irqreg_read(struct vcpu *v, uint64_t off, unsigned width,
                                                               uint64_t *val)
{
    if (!vgic_irqreg_access(v, NULL, off, width, false, val))
        *val = 0;       /* TYPER2, STATUSR, SGIR (ARE) and reserved: RAZ */
    return MMIO_OK;
}

/* The identification registers here, the rest out of line: this stays a
 * leaf on the exit path. */
static enum mmio_result dist_read(struct vcpu *v, void *dev, uint64_t off, unsigned width, uint64_t *val)
{
    const struct vgic_dist *d = dev;
    switch (off) {
    case GICD_TYPER:
        *val = (d->nr_spis / 32) | (GICD_TYPER_IDBITS_10 << GICD_TYPER_IDBITS_SHIFT) | GICD_TYPER_NO1N;
        return MMIO_OK;
    case GICD_CTLR:
        *val = d->ctlr | GICD_CTLR_ARE | GICD_CTLR_DS;
        return MMIO_OK;
    case GICD_IIDR:
        *val = VGIC_DIST_IIDR;
        return MMIO_OK;
    case GICD_PIDR2:
        *val = GIC_PIDR2_ARCH_GICV3 << GIC_PIDR2_ARCH_SHIFT;
        return MMIO_OK;
    default:
        return irqreg_read(v, off, width, val);
    }
}

static enum mmio_result dist_write(struct vcpu *v, void *dev, uint64_t off, unsigned width, uint64_t val)
{
    UNUSED(dev);
    if (vgic_irqreg_access(v, NULL, off, width, true, &val))
        return MMIO_OK;
    if (off == GICD_CTLR)
        vgic_dist_set_ctlr(v->vm, (uint32_t)val & GICD_CTLR_WRITABLE);
    return MMIO_OK;     /* everything else: WI */
}

const struct mmio_ops vgic_dist_ops = {
    .name = "vGICD",
    .read = dist_read,
    .write = dist_write,
};
