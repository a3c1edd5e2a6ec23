/* SPDX-License-Identifier: MIT */
/*
 * vGIC interrupt state and list-register management (see core/vgic.h for
 * where state lives and the lock order).
 */
#include "core/vgic.h"
#include "core/vm.h"
#include "core/lib.h"
#include "arch/regs.h"
#include "arch/vgic_hw.h"

unsigned vgic_nr_lrs;

static void irq_defaults(struct vgic_irq *irq, bool edge)
{
    irq->priority = VGIC_PRIO_DEFAULT;
    irq->enabled = false;
    irq->edge = edge;
    irq->level = false;
    irq->group1 = true;
    irq->hw = false;
    irq->target = 0;
    irq->irouter = 0;
}

void vgic_vm_init(struct vm *vm, unsigned nr_spis)
{
    struct vgic_dist *d = &vm->vgic;
    d->ctlr = 0;
    d->nr_spis = nr_spis > VGIC_MAX_SPIS ? VGIC_MAX_SPIS : nr_spis;
    for (unsigned i = 0; i < VGIC_MAX_SPIS; i++)
        irq_defaults(&d->spi[i], false);
}

void vgic_vcpu_init(struct vcpu *v)
{
    struct vgic_cpu *c = &v->vgic;
    for (unsigned i = 0; i < VGIC_NR_PRIVATE; i++)
        irq_defaults(&c->priv[i], i < GIC_PPI_BASE_ID);   /* SGIs are edge */
    for (unsigned i = 0; i < VGIC_WORDS; i++)
        c->pending[i] = 0;
    for (unsigned i = 0; i < VGIC_MAX_LRS; i++)
        c->lr_intid[i] = VGIC_LR_NONE;
    c->lr_used = 0;
    c->uie = false;
    c->waker_sleep = true;
}

struct vgic_irq *vgic_irq_of(struct vcpu *v, unsigned intid)
{
    if (intid < VGIC_NR_PRIVATE)
        return &v->vgic.priv[intid];
    if (intid - VGIC_NR_PRIVATE < v->vm->vgic.nr_spis)
        return &v->vm->vgic.spi[intid - VGIC_NR_PRIVATE];
    return NULL;
}

static uint64_t word_bit(unsigned intid) { return 1ull << (intid % 64); }

void vgic_inject(struct vcpu *v, unsigned intid)
{
    if (intid >= VGIC_NR_IRQS)
        return;
    __atomic_fetch_or(&v->vgic.pending[intid / 64], word_bit(intid), __ATOMIC_RELEASE);
    vcpu_kick(v);
}

static struct vcpu *spi_target(struct vm *vm, const struct vgic_irq *irq)
{
    return &vm->vcpus[irq->target < vm->nr_vcpus ? irq->target : 0];
}

void vgic_inject_spi(struct vm *vm, unsigned intid)
{
    struct vgic_irq *irq = vgic_irq_of(&vm->vcpus[0], intid);
    if (irq && intid >= VGIC_NR_PRIVATE)
        vgic_inject(spi_target(vm, irq), intid);
}

void vgic_set_level(struct vm *vm, unsigned intid, bool level)
{
    struct vgic_irq *irq = vgic_irq_of(&vm->vcpus[0], intid);
    if (!irq || intid < VGIC_NR_PRIVATE)
        return;
    irq->level = level;
    if (level)
        vgic_inject(spi_target(vm, irq), intid);
    else
        __atomic_fetch_and(&spi_target(vm, irq)->vgic.pending[intid / 64], ~word_bit(intid),
                           __ATOMIC_RELEASE);
}

static bool is_local(const struct vcpu *v) { return vcpu_current() == v; }

static int lr_find(const struct vcpu *v, unsigned intid)
{
    uint32_t used = v->vgic.lr_used;
    while (used) {
        unsigned i = ctz64(used);
        if (v->vgic.lr_intid[i] == intid)
            return (int)i;
        used &= used - 1;
    }
    return -1;
}

static void lr_release(struct vcpu *v, unsigned i)
{
    v->vgic.lr_intid[i] = VGIC_LR_NONE;
    v->vgic.lr_used &= ~(1u << i);
}

void vgic_clear_pending(struct vcpu *v, unsigned intid)
{
    if (intid >= VGIC_NR_IRQS)
        return;
    __atomic_fetch_and(&v->vgic.pending[intid / 64], ~word_bit(intid), __ATOMIC_RELEASE);
    if (!is_local(v))
        return;
    int i = lr_find(v, intid);
    if (i < 0)
        return;
    uint64_t lr = vgic_hw_read_lr((unsigned)i);
    vgic_hw_write_lr((unsigned)i, lr & ~ICH_LR_PENDING);
    if (!(lr & ICH_LR_ACTIVE))
        lr_release(v, (unsigned)i);
}

static uint64_t lr_state(struct vcpu *v, unsigned intid)
{
    if (!is_local(v))
        return 0;
    int i = lr_find(v, intid);
    return i < 0 ? 0 : vgic_hw_read_lr((unsigned)i) & ICH_LR_STATE_MASK;
}

bool vgic_is_pending(struct vcpu *v, unsigned intid)
{
    if (intid >= VGIC_NR_IRQS)
        return false;
    if (__atomic_load_n(&v->vgic.pending[intid / 64], __ATOMIC_ACQUIRE) & word_bit(intid))
        return true;
    return lr_state(v, intid) & ICH_LR_PENDING;
}

bool vgic_is_active(struct vcpu *v, unsigned intid)
{
    return intid < VGIC_NR_IRQS && (lr_state(v, intid) & ICH_LR_ACTIVE);
}

void vgic_send_sgi(struct vcpu *v, uint64_t sgi1r)
{
    struct vm *vm = v->vm;
    unsigned intid = (unsigned)FIELD_GET(sgi1r, 4, ICC_SGI1R_INTID_SHIFT);
    uint64_t aff = (FIELD_GET(sgi1r, 8, ICC_SGI1R_AFF3_SHIFT) << MPIDR_AFF3_SHIFT) |
                   (FIELD_GET(sgi1r, 8, ICC_SGI1R_AFF2_SHIFT) << MPIDR_AFF2_SHIFT) |
                   (FIELD_GET(sgi1r, 8, ICC_SGI1R_AFF1_SHIFT) << MPIDR_AFF1_SHIFT);
    uint64_t targets = sgi1r & ICC_SGI1R_TARGETS_MASK;
    bool broadcast = sgi1r & ICC_SGI1R_IRM;

    for (unsigned i = 0; i < vm->nr_vcpus; i++) {
        struct vcpu *t = &vm->vcpus[i];
        uint64_t mpidr = t->vmpidr & MPIDR_AFF_MASK;
        uint64_t aff0 = FIELD_GET(mpidr, MPIDR_AFF_WIDTH, MPIDR_AFF0_SHIFT);
        if (broadcast ? t != v
                      : ((mpidr & ~FIELD_MASK(MPIDR_AFF_WIDTH, MPIDR_AFF0_SHIFT)) == aff &&
                         (targets & BIT(aff0)))) {
            vgic_inject(t, intid);
            if (!broadcast)
                targets &= ~BIT(aff0);
        }
    }
    if (!broadcast && targets)
        vm_log(v, "SGI %u to affinity %#lx targets %#lx: no such vCPU in this VM, ignored",
               intid, aff, targets);
}

/* A hardware interrupt's LR names its physical INTID: the guest's
 * deactivation then deactivates the physical interrupt (GICv3 4.4.6). */
static uint64_t make_lr(unsigned intid, const struct vgic_irq *irq)
{
    uint64_t lr = ICH_LR_PENDING | (irq->group1 ? ICH_LR_GROUP1 : 0) |
                  ((uint64_t)irq->priority << ICH_LR_PRIO_SHIFT) | intid;
    if (irq->hw)
        lr |= ICH_LR_HW | ((uint64_t)intid << ICH_LR_PINTID_SHIFT);
    return lr;
}

/* Put `intid` in a list register; false when every LR holds something at
 * least as urgent.  Sets *evicted when it sent another interrupt back to the
 * pending bitmap to make room. */
static bool lr_place(struct vcpu *v, unsigned intid, const struct vgic_irq *irq, bool *evicted)
{
    struct vgic_cpu *c = &v->vgic;
    int i = lr_find(v, intid);

    if (i >= 0) {
        /* Already there (active, or pending): pending again is one pending.
         * A hardware interrupt's LR is never pending and active at once
         * (GICv3 4.4.6): it waits for the guest's deactivation. */
        uint64_t lr = vgic_hw_read_lr((unsigned)i);
        if ((lr & ICH_LR_HW) && (lr & ICH_LR_ACTIVE))
            return false;
        if (!(lr & ICH_LR_PENDING))
            vgic_hw_write_lr((unsigned)i, lr | ICH_LR_PENDING);
        return true;
    }
    uint32_t free = ~c->lr_used & ((1u << vgic_nr_lrs) - 1);
    if (!free) {
        /* Evict the least urgent LR that is only pending, if it is less
         * urgent than this one; it goes back to the pending bitmap. */
        int victim = -1;
        unsigned worst = irq->priority;
        for (unsigned j = 0; j < vgic_nr_lrs; j++) {
            uint64_t lr = vgic_hw_read_lr(j);
            unsigned prio = (unsigned)FIELD_GET(lr, 8, ICH_LR_PRIO_SHIFT);
            if ((lr & ICH_LR_STATE_MASK) == ICH_LR_PENDING && prio > worst) {
                worst = prio;
                victim = (int)j;
            }
        }
        if (victim < 0)
            return false;
        unsigned old = c->lr_intid[victim];
        __atomic_fetch_or(&c->pending[old / 64], word_bit(old), __ATOMIC_RELAXED);
        lr_release(v, (unsigned)victim);
        *evicted = true;
        free = 1u << victim;
    }
    unsigned n = ctz64(free);
    vgic_hw_write_lr(n, make_lr(intid, irq));
    c->lr_intid[n] = (uint16_t)intid;
    c->lr_used |= 1u << n;
    return true;
}

/* The work of vgic_flush, out of line so that the common case -- nothing
 * pending, no list register in use -- costs a few loads on the exit path. */
static void __attribute__((noinline)) flush_slow(struct vcpu *v)
{
    struct vgic_cpu *c = &v->vgic;
    bool held = false;

    if (c->lr_used) {
        uint32_t freed = c->lr_used & vgic_hw_elrsr();
        while (freed) {
            lr_release(v, ctz64(freed));
            freed &= freed - 1;
        }
    }
    for (unsigned w = 0; w < VGIC_WORDS; w++) {
        uint64_t bits = __atomic_load_n(&c->pending[w], __ATOMIC_ACQUIRE);
        while (bits) {
            unsigned intid = w * 64 + ctz64(bits);
            bits &= bits - 1;
            struct vgic_irq *irq = vgic_irq_of(v, intid);
            if (!irq) {
                __atomic_fetch_and(&c->pending[w], ~word_bit(intid), __ATOMIC_RELAXED);
                continue;
            }
            if (!irq->enabled || !(v->vm->vgic.ctlr & GICD_CTLR_ENABLE_G1))
                continue;       /* stays pending until enabled */
            /* Clear first: a concurrent inject after this re-sets the bit. */
            __atomic_fetch_and(&c->pending[w], ~word_bit(intid), __ATOMIC_ACQ_REL);
            if (!lr_place(v, intid, irq, &held)) {
                __atomic_fetch_or(&c->pending[w], word_bit(intid), __ATOMIC_RELAXED);
                held = true;
            }
        }
    }
    /* More pending than list registers: ask for a maintenance interrupt when
     * the LRs (nearly) drain, to refill them. */
    if (held != c->uie) {
        c->uie = held;
        vgic_hw_write_hcr(ICH_HCR_EN | (held ? ICH_HCR_UIE : 0));
    }
}

void vgic_flush(struct vcpu *v)
{
    const struct vgic_cpu *c = &v->vgic;
    uint64_t work = c->lr_used | c->uie;
    for (unsigned w = 0; w < VGIC_WORDS; w++)
        work |= __atomic_load_n(&c->pending[w], __ATOMIC_ACQUIRE);
    if (work)
        flush_slow(v);
}

bool vgic_wants_wakeup(struct vcpu *v)
{
    struct vgic_cpu *c = &v->vgic;
    for (unsigned w = 0; w < VGIC_WORDS; w++) {
        uint64_t bits = __atomic_load_n(&c->pending[w], __ATOMIC_ACQUIRE);
        while (bits) {
            unsigned intid = w * 64 + ctz64(bits);
            struct vgic_irq *irq = vgic_irq_of(v, intid);
            if (irq && irq->enabled && (v->vm->vgic.ctlr & GICD_CTLR_ENABLE_G1))
                return true;
            bits &= bits - 1;
        }
    }
    uint32_t used = c->lr_used & ~vgic_hw_elrsr();
    while (used) {
        if (vgic_hw_read_lr(ctz64(used)) & ICH_LR_PENDING)
            return true;
        used &= used - 1;
    }
    return false;
}

void vgic_vcpu_reset_lrs(struct vcpu *v)
{
    for (unsigned i = 0; i < vgic_nr_lrs; i++)
        vgic_hw_write_lr(i, 0);
    v->vgic.lr_used = 0;
    for (unsigned i = 0; i < VGIC_MAX_LRS; i++)
        v->vgic.lr_intid[i] = VGIC_LR_NONE;
    v->vgic.uie = false;
    vgic_hw_write_hcr(ICH_HCR_EN);
}

void vgic_update(struct vcpu *v, unsigned intid)
{
    if (intid >= VGIC_NR_IRQS)
        return;
    if (__atomic_load_n(&v->vgic.pending[intid / 64], __ATOMIC_ACQUIRE) & word_bit(intid))
        vcpu_kick(v);
}
