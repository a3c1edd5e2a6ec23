/* SPDX-License-Identifier: MIT */
/*
 * Emulated GICv2 distributor (IHI 0048B 4.3): one 4 KiB frame, no Security
 * Extensions (GICD_CTLR enables group 0 and group 1), the private
 * interrupts banked per vCPU (the accessing vCPU's own), the VM's SPIs
 * (GICD_TYPER.ITLinesNumber) and CPU interfaces 0..n-1 for its vCPUs
 * (CPUNumber); the rest of the INTID space is RAZ/WI.  The virtual CPU
 * interface is the hardware's GICV, mapped at the VM's GICC (vm.c).
 *
 *  - ITARGETSR: an SPI goes to one vCPU, the lowest of the CPU interfaces
 *    written that are the VM's (no 1-of-N), and reads back as that vCPU's
 *    bit; a write naming none of the VM's vCPUs leaves it where it was and
 *    is logged.  The private ones read as the accessing vCPU's bit.
 *  - GICD_SGIR: an SGI for each target vCPU, pending once per source
 *    (vgic_inject_sgi); targets beyond the VM's vCPUs are ignored and
 *    logged.  GICD_SPENDSGIR/CPENDSGIR set and clear those per source;
 *    ISPENDR/ICPENDR's SGI bits are WI, as on hardware.
 */
#include "core/vm.h"
#include "core/vgic_regs.h"
#include "arch/regs.h"
#include "arch/sysreg.h"

#define GICD_V2_CTLR_WRITABLE (GICD_V2_CTLR_ENABLE | GICD_V2_CTLR_ENABLE_G1)
#define ITARGETSR_END         (GICD_ITARGETSR + GIC_MAX_INTIDS)
#define SGIS_ONLY             0xffffu                     /* ISPENDR0's SGI bits */
#define BYTE_BITS             8
#define BYTE_MASK             0xffu

_Static_assert(VM_MAX_VCPUS <= GIC_V2_MAX_CPUS, "a GICv2 names 8 CPU interfaces: a vCPU each");

static uint32_t vm_cpu_mask(const struct vm *vm) { return (1u << vm->nr_vcpus) - 1; }

static uint64_t target_byte(struct vcpu *v, unsigned intid)
{
    if (intid < VGIC_NR_PRIVATE)
        return 1u << v->id;
    const struct vgic_irq *irq = vgic_irq_of(v, intid);
    return irq ? 1u << irq->target : 0;
}

static void target_write(struct vcpu *v, unsigned intid, unsigned mask)
{
    struct vgic_irq *irq = vgic_irq_of(v, intid);
    if (intid < VGIC_NR_PRIVATE || !irq)
        return;                         /* read-only, or not the VM's */
    unsigned mine = mask & vm_cpu_mask(v->vm);
    if (!mine) {
        if (mask)
            vm_log(v, VM_LOG_GIC, "ITARGETSR of INTID %u set to %#x: no such vCPU in this VM, ignored", intid, mask);
        return;
    }
    vgic_spi_route(irq, intid, &v->vm->vcpus[ctz64(mine)]);
    vgic_irq_changed(&v->vm->vcpus[irq->target], intid);
}

/* GICD_SGIR from vCPU `v`. */
static void sgir_write(struct vcpu *v, uint32_t val)
{
    unsigned intid = val & GICD_SGIR_INTID_MASK;
    unsigned list = (val >> GICD_SGIR_TARGETS_SHIFT) & ((1u << GIC_V2_MAX_CPUS) - 1);
    switch ((val >> GICD_SGIR_FILTER_SHIFT) & GICD_SGIR_FILTER_MASK) {
    case GICD_SGIR_FILTER_LIST:
        break;
    case GICD_SGIR_FILTER_OTHERS:
        list = vm_cpu_mask(v->vm) & ~(1u << v->id);
        break;
    case GICD_SGIR_FILTER_SELF:
        list = 1u << v->id;
        break;
    default:
        return;                         /* reserved */
    }
    if (list & ~vm_cpu_mask(v->vm))
        vm_log(v, VM_LOG_GIC, "SGI %u to CPU interfaces %#x: no such vCPU in this VM, ignored", intid,
               list & ~vm_cpu_mask(v->vm));
    for (unsigned t = list & vm_cpu_mask(v->vm); t; t &= t - 1)
        vgic_inject_sgi(&v->vm->vcpus[ctz64(t)], intid, v->id);
}

/* GICD_SPENDSGIR (set) or GICD_CPENDSGIR: a byte of source bits per SGI. */
static void sgi_pend_write(struct vcpu *v, uint64_t off, unsigned width, uint64_t val, bool set)
{
    for (unsigned k = 0; k < width; k++) {
        unsigned intid = (unsigned)off + k, src = (unsigned)(val >> (BYTE_BITS * k)) & vm_cpu_mask(v->vm);
        if (intid >= GIC_PPI_BASE_ID || !src)
            continue;
        if (!set) {
            vgic_clear_sgi(v, intid, src);
            continue;
        }
        for (; src; src &= src - 1)
            vgic_inject_sgi(v, intid, ctz64(src));
    }
}

static uint64_t bytes_read(struct vcpu *v, uint64_t first, unsigned width, uint64_t (*byte)(struct vcpu *, unsigned))
{
    uint64_t out = 0;
    for (unsigned k = 0; k < width; k++)
        out |= byte(v, (unsigned)first + k) << (BYTE_BITS * k);
    return out;
}

static uint64_t sgi_sources_byte(struct vcpu *v, unsigned intid)
{
    return intid < GIC_PPI_BASE_ID ? vgic_sgi_sources(v, intid) : 0;
}

/* The rest of dist_read, out of line. */
static uint64_t __attribute__((noipa)) dist_read_other(struct vcpu *v, void *dev, uint64_t off, unsigned width)
{
    UNUSED(dev);
    uint64_t val;
    if (off == GICD_PIDR2_V2)
        return GIC_PIDR2_ARCH_GICV2 << GIC_PIDR2_ARCH_SHIFT;
    if (off >= GICD_ITARGETSR && off < ITARGETSR_END)
        return bytes_read(v, off - GICD_ITARGETSR, width, target_byte);
    if (off - GICD_SPENDSGIR < GIC_PPI_BASE_ID)
        return bytes_read(v, off - GICD_SPENDSGIR, width, sgi_sources_byte);
    if (off - GICD_CPENDSGIR < GIC_PPI_BASE_ID)
        return bytes_read(v, off - GICD_CPENDSGIR, width, sgi_sources_byte);
    if (off < GICD_V2_SIZE && vgic_irqreg_access_banked(v, off, width, false, &val))
        return val;
    return 0;           /* GICD_SGIR (write-only), reserved: RAZ */
}

/* CTLR, TYPER and IIDR one load from the array the VM's vGIC keeps as they
 * read (any width; 0x00c reserved, RAZ), as on GICv3 (vgic_dist_v3.c). */
static uint64_t dist_read(struct vcpu *v, void *dev, uint64_t off, unsigned width)
{
    const struct vgic_dist *d = dev;
    if (__builtin_expect((off & ~(VGIC_DIST_ID_REGS * sizeof(uint32_t) - sizeof(uint32_t))) == 0, 1))
        return load_once32((const uint32_t *)((uintptr_t)d->id_regs + off));
    return dist_read_other(v, dev, off, width);
}

static enum mmio_result dist_write(struct vcpu *v, void *dev, uint64_t off, unsigned width, uint64_t val)
{
    UNUSED(dev);
    if (off == GICD_CTLR) {
        vgic_dist_set_ctlr(v->vm, (uint32_t)val & GICD_V2_CTLR_WRITABLE);
    } else if (off == GICD_SGIR) {
        sgir_write(v, (uint32_t)val);
    } else if (off >= GICD_ITARGETSR && off < ITARGETSR_END) {
        for (unsigned k = 0; k < width; k++)
            target_write(v, (unsigned)(off - GICD_ITARGETSR) + k, (unsigned)(val >> (BYTE_BITS * k)) & BYTE_MASK);
    } else if (off - GICD_SPENDSGIR < GIC_PPI_BASE_ID) {
        sgi_pend_write(v, off - GICD_SPENDSGIR, width, val, true);
    } else if (off - GICD_CPENDSGIR < GIC_PPI_BASE_ID) {
        sgi_pend_write(v, off - GICD_CPENDSGIR, width, val, false);
    } else if (off < GICD_V2_SIZE) {
        /* An SGI's pending state is per source (SPENDSGIR): its bits of
         * ISPENDR0/ICPENDR0 are WI, at any width and byte offset. */
        if (off - GICD_ISPENDR < sizeof(uint32_t) || off - GICD_ICPENDR < sizeof(uint32_t))
            val &= ~(uint64_t)(SGIS_ONLY >> (BYTE_BITS * (off % sizeof(uint32_t))));
        vgic_irqreg_access_banked(v, off, width, true, &val);
    }
    return MMIO_OK;     /* everything else: WI */
}

const struct mmio_ops vgic_dist_ops = {
    .name = "vGICD",
    .read = dist_read,
    .write = dist_write,
};
