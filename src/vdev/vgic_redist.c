/* SPDX-License-Identifier: MIT */
/*
 * Emulated GICv3 redistributors, one 128 KiB frame pair (RD_base, SGI_base)
 * per vCPU, contiguous; GICR_TYPER.Last marks the VM's last vCPU.  No LPIs.
 */
#include "core/vm.h"
#include "core/vgic_regs.h"
#include "arch/regs.h"

#define GICR_IIDR_VALUE VGIC_DIST_IIDR
#define UPPER_HALF 4

static struct vcpu *frame_owner(struct vm *vm, uint64_t *off)
{
    unsigned idx = (unsigned)(*off / GICR_FRAME_SIZE);
    *off %= GICR_FRAME_SIZE;
    return idx < vm->nr_vcpus ? &vm->vcpus[idx] : NULL;
}

static uint64_t typer(const struct vcpu *o)
{
    uint64_t mpidr = o->vmpidr;
    uint64_t aff = FIELD_GET(mpidr, 8, MPIDR_AFF0_SHIFT) | (FIELD_GET(mpidr, 8, MPIDR_AFF1_SHIFT) << 8) |
                   (FIELD_GET(mpidr, 8, MPIDR_AFF2_SHIFT) << 16) | (FIELD_GET(mpidr, 8, MPIDR_AFF3_SHIFT) << 24);
    return (aff << GICR_TYPER_AFF_SHIFT) | ((uint64_t)o->id << GICR_TYPER_PROCNUM_SHIFT) |
           (o->id + 1 == o->vm->nr_vcpus ? GICR_TYPER_LAST : 0);
}

static uint64_t redist_read(struct vcpu *v, void *dev, uint64_t off, unsigned width)
{
    struct vcpu *o = frame_owner(dev, &off);
    uint64_t val = 0;
    if (!o)
        return val;
    if (off >= GICR_SGI_BASE) {
        vgic_irqreg_access(v, o, off - GICR_SGI_BASE, width, false, &val);
        return val;
    }
    switch (off) {
    case GICR_IIDR:
        val = GICR_IIDR_VALUE;
        break;
    case GICR_TYPER:
        val = typer(o);
        break;
    case GICR_TYPER + UPPER_HALF:
        val = typer(o) >> 32;
        break;
    case GICR_WAKER:
        val = o->vgic.waker_sleep ? (GICR_WAKER_PROCESSOR_SLEEP | GICR_WAKER_CHILDREN_ASLEEP) : 0;
        break;
    case GICR_PIDR2:
        val = GIC_PIDR2_ARCH_GICV3 << GIC_PIDR2_ARCH_SHIFT;
        break;
    default:
        break;          /* CTLR (no LPIs), STATUSR, reserved: RAZ */
    }
    return val;
}

static enum mmio_result redist_write(struct vcpu *v, void *dev, uint64_t off, unsigned width, uint64_t val)
{
    struct vcpu *o = frame_owner(dev, &off);
    if (!o)
        return MMIO_OK;
    if (off >= GICR_SGI_BASE)
        vgic_irqreg_access(v, o, off - GICR_SGI_BASE, width, true, &val);
    else if (off == GICR_WAKER)
        o->vgic.waker_sleep = val & GICR_WAKER_PROCESSOR_SLEEP;
    return MMIO_OK;
}

const struct mmio_ops vgic_redist_ops = {
    .name = "vGICR",
    .read = redist_read,
    .write = redist_write,
};
