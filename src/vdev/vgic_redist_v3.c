/* SPDX-License-Identifier: MIT */
/*
 * Emulated GICv3 redistributors, one 128 KiB frame pair (RD_base, SGI_base)
 * per vCPU, contiguous; GICR_TYPER.Last marks the VM's last vCPU.  In a VM
 * with a virtual ITS, physical LPIs (GICR_TYPER.PLPIS, DirectLPI 0):
 * GICR_CTLR.EnableLPIs, GICR_PROPBASER and GICR_PENDBASER (docs/its.md).
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
    return (GICR_TYPER_AFF_OF_MPIDR(o->vmpidr) << GICR_TYPER_AFF_SHIFT) | ((uint64_t)o->id << GICR_TYPER_PROCNUM_SHIFT) |
           (o->id + 1 == o->vm->nr_vcpus ? GICR_TYPER_LAST : 0) | (o->vm->vgic.nr_lpis ? GICR_TYPER_PLPIS : 0);
}

/* A 64-bit access, or a 32-bit one at either half (`off` within the
 * register): what GICR_PROPBASER and GICR_PENDBASER take. */
static bool reg64_width_ok(uint64_t off, unsigned width)
{
    return (width == sizeof(uint64_t) && off == 0) || width == sizeof(uint32_t);
}

/* The LPI registers; false when `off` is none of them, or the VM has no
 * LPIs (RAZ/WI). */
static bool lpi_reg(struct vcpu *o, uint64_t off, unsigned width, bool write, uint64_t *val)
{
    if (!o->vm->vgic.nr_lpis)
        return false;
    if (off == GICR_CTLR) {
        if (write) {
            vgic_lpi_set_ctlr(o, *val & GICR_CTLR_ENABLE_LPIS);
            msi_vcpu_lpis_changed(o, *val & GICR_CTLR_ENABLE_LPIS, vgic_lpi_of(o)->propbaser);
        } else
            *val = __atomic_load_n(&vgic_lpi_of(o)->enabled, __ATOMIC_ACQUIRE) ? GICR_CTLR_ENABLE_LPIS : 0;
        return true;
    }
    uint64_t *reg, writable;
    if (off - GICR_PROPBASER < sizeof(uint64_t)) {
        reg = &vgic_lpi_of(o)->propbaser;
        writable = GICR_PROPBASER_WRITABLE;
    } else if (off - GICR_PENDBASER < sizeof(uint64_t)) {
        reg = &vgic_lpi_of(o)->pendbaser;
        writable = GICR_PENDBASER_WRITABLE;     /* PTZ: write-only, and nothing to zero (docs/its.md) */
    } else {
        return false;
    }
    off &= sizeof(uint64_t) - 1;
    if (!reg64_width_ok(off, width))
        return false;
    if (!write) {
        *val = mmio_reg64_read(__atomic_load_n(reg, __ATOMIC_ACQUIRE), off, width);
        return true;
    }
    /* Written while EnableLPIs is 1: UNPREDICTABLE (12.11.33); ignored. */
    if (__atomic_load_n(&vgic_lpi_of(o)->enabled, __ATOMIC_ACQUIRE))
        return true;
    uint64_t r = mmio_reg64_merge(__atomic_load_n(reg, __ATOMIC_RELAXED), off, width, *val);
    __atomic_store_n(reg, r & writable, __ATOMIC_RELEASE);
    return true;
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
    if (lpi_reg(o, off, width, false, &val))
        return val;
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
        break;          /* CTLR without LPIs, STATUSR, reserved: RAZ */
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
    else if (lpi_reg(o, off, width, true, &val))
        return MMIO_OK;
    else if (off == GICR_WAKER)
        o->vgic.waker_sleep = val & GICR_WAKER_PROCESSOR_SLEEP;
    return MMIO_OK;
}

const struct mmio_ops vgic_redist_ops = {
    .name = "vGICR",
    .read = redist_read,
    .write = redist_write,
};
