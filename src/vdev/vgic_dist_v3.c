/* SPDX-License-Identifier: MIT */
/*
 * Emulated GICv3 distributor: affinity routing always on, one security
 * state (GICD_CTLR.DS = 1), no LPIs.  The VM sees only its own SPIs
 * (GICD_TYPER.ITLinesNumber); the rest of the INTID space is RAZ/WI.
 */
#include "core/vm.h"
#include "core/vgic_regs.h"
#include "arch/regs.h"
#include "arch/sysreg.h"

#define GICD_CTLR_WRITABLE     (GICD_CTLR_ENABLE_G0 | GICD_CTLR_ENABLE_G1)
#define GICD_ID_REGS_BYTES     (VGIC_DIST_ID_REGS * sizeof(uint32_t))

/* The per-interrupt arrays, and RAZ for what is no register. */
static uint64_t __attribute__((noinline)) irqreg_read(struct vcpu *v, uint64_t off, unsigned width)
{
    uint64_t val;
    if (!vgic_irqreg_access(v, NULL, off, width, false, &val))
        return 0;       /* TYPER2, STATUSR, SGIR (ARE) and reserved: RAZ */
    return val;
}

/* PIDR2 and the per-interrupt arrays: the same arguments as dist_read's,
 * so that it goes on here with a branch. */
static uint64_t __attribute__((noipa)) dist_read_other(struct vcpu *v, void *dev, uint64_t off, unsigned width)
{
    UNUSED(dev);
    if (off == GICD_PIDR2)
        return GIC_PIDR2_ARCH_GICV3 << GIC_PIDR2_ARCH_SHIFT;
    return irqreg_read(v, off, width);
}

/* CTLR, TYPER, IIDR and TYPER2 one load from the array the VM's vGIC
 * keeps as they read (any width, at their offsets; RAZ within them), the
 * rest out of line: this stays a leaf on the exit path. */
static uint64_t dist_read(struct vcpu *v, void *dev, uint64_t off, unsigned width)
{
    const struct vgic_dist *d = dev;
    if (__builtin_expect((off & ~(GICD_ID_REGS_BYTES - sizeof(uint32_t))) == 0, 1)) {
        return load_once32((const uint32_t *)((uintptr_t)d->id_regs + off));
    }
    return dist_read_other(v, dev, off, width);
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
