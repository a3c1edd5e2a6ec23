/* SPDX-License-Identifier: MIT */
#include "core/vgic_regs.h"
#include "core/vm.h"
#include "core/drivers.h"
#include "arch/regs.h"

#define ICFGR_EDGE 2u

struct irqreg {
    uint32_t offset, len;           /* byte range of the register array */
    uint8_t bits;                   /* bits per interrupt */
    uint64_t (*read)(struct vcpu *t, struct vgic_irq *irq, unsigned intid);
    void (*write)(struct vcpu *t, struct vgic_irq *irq, unsigned intid, uint64_t field);
};

static uint64_t rd_group(struct vcpu *t, struct vgic_irq *irq, unsigned intid)
{ UNUSED(t); UNUSED(intid); return irq->group1; }
static void wr_group(struct vcpu *t, struct vgic_irq *irq, unsigned intid, uint64_t f)
{ UNUSED(t); UNUSED(intid); irq->group1 = f & 1; }
static uint64_t rd_enable(struct vcpu *t, struct vgic_irq *irq, unsigned intid)
{ UNUSED(t); UNUSED(intid); return irq->enabled; }
static void wr_set_enable(struct vcpu *t, struct vgic_irq *irq, unsigned intid, uint64_t f)
{
    if (f & 1) {
        irq->enabled = true;
        vgic_update(t, intid);
    }
}
static void wr_clear_enable(struct vcpu *t, struct vgic_irq *irq, unsigned intid, uint64_t f)
{ UNUSED(t); UNUSED(intid); if (f & 1) irq->enabled = false; }
static uint64_t rd_pending(struct vcpu *t, struct vgic_irq *irq, unsigned intid)
{ UNUSED(irq); return vgic_is_pending(t, intid); }
/* A forwarded (hardware) interrupt's pending and active states belong to the
 * physical GIC and its list register: set/clear-pending writes are ignored
 * for it (GICv3 4.4.6 forbids pending+active in a hardware LR, and clearing
 * one would strand the physical interrupt active). */
static void wr_set_pending(struct vcpu *t, struct vgic_irq *irq, unsigned intid, uint64_t f)
{
    if ((f & 1) && !irq->hw)
        vgic_inject(t, intid);
}
static void wr_clear_pending(struct vcpu *t, struct vgic_irq *irq, unsigned intid, uint64_t f)
{
    /* A level interrupt whose line is high stays pending (GICv3 4.1.2). */
    if ((f & 1) && !irq->hw && !(irq->level && !irq->edge))
        vgic_clear_pending(t, intid);
}
static uint64_t rd_active(struct vcpu *t, struct vgic_irq *irq, unsigned intid)
{ UNUSED(irq); return vgic_is_active(t, intid); }
/* Clear-active deactivates (vgic_clear_active); set-active writes, which
 * only a guest hypervisor's save/restore needs, are ignored. */
static void wr_clear_active(struct vcpu *t, struct vgic_irq *irq, unsigned intid, uint64_t f)
{
    UNUSED(irq);
    if (f & 1)
        vgic_clear_active(t, intid);
}
static void wr_ignore(struct vcpu *t, struct vgic_irq *irq, unsigned intid, uint64_t f)
{ UNUSED(t); UNUSED(irq); UNUSED(intid); UNUSED(f); }
static uint64_t rd_zero(struct vcpu *t, struct vgic_irq *irq, unsigned intid)
{ UNUSED(t); UNUSED(irq); UNUSED(intid); return 0; }
static uint64_t rd_prio(struct vcpu *t, struct vgic_irq *irq, unsigned intid)
{ UNUSED(t); UNUSED(intid); return irq->priority; }
static void wr_prio(struct vcpu *t, struct vgic_irq *irq, unsigned intid, uint64_t f)
{ UNUSED(t); UNUSED(intid); irq->priority = (uint8_t)f; }
static uint64_t rd_cfg(struct vcpu *t, struct vgic_irq *irq, unsigned intid)
{ UNUSED(t); UNUSED(intid); return irq->edge ? ICFGR_EDGE : 0; }
static void wr_cfg(struct vcpu *t, struct vgic_irq *irq, unsigned intid, uint64_t f)
{
    UNUSED(t);
    if (intid >= GIC_PPI_BASE_ID)       /* SGIs are always edge-triggered */
        irq->edge = f & ICFGR_EDGE;
}
static uint64_t rd_route(struct vcpu *t, struct vgic_irq *irq, unsigned intid)
{ UNUSED(t); UNUSED(intid); return irq->irouter; }
static void wr_route(struct vcpu *t, struct vgic_irq *irq, unsigned intid, uint64_t f)
{
    struct vm *vm = t->vm;
    irq->irouter = f & (MPIDR_AFF_MASK | GICD_IROUTER_IRM);
    struct vcpu *dst = (f & GICD_IROUTER_IRM) ? &vm->vcpus[0] : vm_vcpu_by_mpidr(vm, f);
    if (!dst) {
        vm_log(t, VM_LOG_GIC, "IROUTER of INTID %u set to %#lx: no such vCPU, routed to vCPU 0", intid, f);
        dst = &vm->vcpus[0];
    }
    vgic_spi_route(irq, intid, dst);
}

void vgic_spi_route(struct vgic_irq *irq, unsigned intid, struct vcpu *dst)
{
    irq->target = (uint8_t)dst->id;
    if (irq->hw)
        gic_route_spi(intid, dst->pcpu);
    vgic_update(dst, intid);
}

/* Sorted by offset: the lookup stops at the first array past `off`. */
static const struct irqreg irqregs[] = {
#define R(off, bits, rd, wr) { off, GIC_REG_BYTES(bits), bits, rd, wr }
    R(GICD_IGROUPR,    1,  rd_group,   wr_group),
    R(GICD_ISENABLER,  1,  rd_enable,  wr_set_enable),
    R(GICD_ICENABLER,  1,  rd_enable,  wr_clear_enable),
    R(GICD_ISPENDR,    1,  rd_pending, wr_set_pending),
    R(GICD_ICPENDR,    1,  rd_pending, wr_clear_pending),
    R(GICD_ISACTIVER,  1,  rd_active,  wr_ignore),
    R(GICD_ICACTIVER,  1,  rd_active,  wr_clear_active),
    R(GICD_IPRIORITYR, 8,  rd_prio,    wr_prio),
    R(GICD_ICFGR,      2,  rd_cfg,     wr_cfg),
    R(GICD_IGRPMODR,   1,  rd_zero,    wr_ignore),   /* one security state */
    R(GICD_NSACR,      2,  rd_zero,    wr_ignore),
    R(GICD_IROUTER,    64, rd_route,   wr_route),
#undef R
};

static const struct irqreg *irqreg_at(uint64_t off)
{
    for (unsigned i = 0; i < ARRAY_SIZE(irqregs) && irqregs[i].offset <= off; i++)
        if (off < irqregs[i].offset + irqregs[i].len)
            return &irqregs[i];
    return NULL;
}

bool vgic_irqreg_access_banked(struct vcpu *v, uint64_t off, unsigned width, bool write, uint64_t *val)
{
    const struct irqreg *r = irqreg_at(off);
    if (!r || r->bits == 64)
        return false;
    bool private = (off - r->offset) * 8 / r->bits < VGIC_NR_PRIVATE;
    return vgic_irqreg_access(v, private ? v : NULL, off, width, write, val);
}

bool vgic_irqreg_access(struct vcpu *v, struct vcpu *owner, uint64_t off, unsigned width,
                        bool write, uint64_t *val)
{
    const struct irqreg *r = irqreg_at(off);
    if (!r)
        return false;
    /* IROUTER is only for SPIs and only for the distributor; a 32-bit access
     * reaches one half of a routing register. */
    if (r->bits == 64 && owner)
        return false;
    if (r->bits == 64 && width < 8) {
        uint64_t half = off & 4, full = 0;
        if (!vgic_irqreg_access(v, owner, off & ~(uint64_t)7, 8, false, &full))
            return false;
        if (!write) {
            *val = mmio_reg64_read(full, half, width);
            return true;
        }
        full = mmio_reg64_merge(full, half, width, *val);
        return vgic_irqreg_access(v, owner, off & ~(uint64_t)7, 8, true, &full);
    }

    unsigned first = (unsigned)((off - r->offset) * 8 / r->bits);
    unsigned count = width * 8 / r->bits ? width * 8 / r->bits : 1;
    uint64_t mask = r->bits == 64 ? ~0ull : (1ull << r->bits) - 1, out = 0;
    bool refused = false;

    for (unsigned k = 0; k < count; k++) {
        unsigned intid = first + k;
        bool private = intid < VGIC_NR_PRIVATE;
        struct vgic_irq *irq = NULL;
        struct vcpu *t = NULL;
        if (owner && private) {
            t = owner;
            irq = &owner->vgic.priv[intid];
        } else if (!owner && !private) {
            irq = vgic_irq_of(v, intid);
            t = irq ? &v->vm->vcpus[irq->target] : NULL;
        }
        unsigned shift = (r->bits == 64) ? 0 : k * r->bits;
        if (!irq) {                      /* not this VM's: RAZ/WI */
            if (write && ((*val >> shift) & mask) && !(owner || private))
                refused = true;
            continue;
        }
        if (write) {
            r->write(t, irq, intid, (*val >> shift) & mask);
            vgic_irq_changed(t, intid);
        } else
            out |= (r->read(t, irq, intid) & mask) << shift;
    }
    if (refused)
        vm_log(v, VM_LOG_GIC, "vGIC write at offset %#lx = %#lx touches INTIDs the VM does not own: ignored",
               off, *val);
    if (!write)
        *val = out;
    return true;
}
