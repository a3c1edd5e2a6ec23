/* SPDX-License-Identifier: MIT */
/*
 * vGIC interrupt state and list-register management (see core/vgic.h for
 * where state lives and the lock order).
 *
 * Level-sensitive interrupts follow their line, as on hardware (GICv3
 * 4.1.2): pending while the line is high, no longer pending once it drops,
 * pending again after deactivation if it is still high.
 *  - Hardware interrupts (the virtual timer's PPI, passed-through SPIs) sit
 *    in a list register with HW=1: the guest's deactivation deactivates the
 *    physical interrupt, which fires again if its line is still high.  The
 *    physical interrupt stays active (priority-dropped only) for as long as
 *    its virtual one is pending or active, so tofu deactivates it itself
 *    whenever it drops a virtual pending state whose line went low.
 *  - Emulated level sources (the vPL011, the EL1 physical timer) drive
 *    `level`; their list registers ask for an EOI maintenance interrupt, at
 *    which the line is sampled again.
 */
#include "core/vgic.h"
#include "core/vm.h"
#include "core/lib.h"
#include "core/drivers.h"
#include "arch/regs.h"
#include "arch/vgic_hw.h"
#include "arch/vgic_lr.h"
#include "arch/atomic.h"

unsigned vgic_nr_lrs;
#if GIC_VERSION == 2
bool vgic_hw_by_eoi;
#define HW_BY_EOI vgic_hw_by_eoi
#else
#define HW_BY_EOI false
#endif

static void irq_defaults(struct vgic_irq *irq, bool edge)
{
    irq->priority = VGIC_PRIO_DEFAULT;
    irq->enabled = false;
    irq->edge = edge;
    irq->level = false;
    /* GICv3 guests run with one security state and use group 1; a GICv2
     * without the Security Extensions resets every interrupt to group 0,
     * which its guests (Linux) enable alone. */
    irq->group1 = GIC_VERSION != 2;
    irq->hw = false;
    irq->target = 0;
    irq->irouter = 0;
}

void vgic_vm_init(struct vm *vm, unsigned nr_spis, unsigned nr_lpis)
{
    struct vgic_dist *d = &vm->vgic;
    d->nr_spis = nr_spis > VGIC_MAX_SPIS ? VGIC_MAX_SPIS : nr_spis;
    d->nr_lpis = nr_lpis > VITS_MAX_LPIS ? VITS_MAX_LPIS : nr_lpis;
#if GIC_VERSION == 2
    /* CPU interfaces 0..n-1: the VM's vCPUs (GICD_TYPER.CPUNumber). */
    d->ctlr = 0;
    d->typer = d->nr_spis / GICD_TYPER_SPIS_PER_LINE |
               ((vm->nr_vcpus - 1u) & GICD_TYPER_CPUS_MASK) << GICD_TYPER_CPUS_SHIFT;
#else
    d->ctlr = GICD_CTLR_ARE | GICD_CTLR_DS;
    /* With LPIs: IDbits for INTIDs up to 16383 (VITS_MAX_LPIS from 8192),
     * num_LPIs 0 (as many as IDbits allows; GICR_PROPBASER's IDbits may
     * ask for fewer). */
    d->typer = (d->nr_spis / GICD_TYPER_SPIS_PER_LINE) | GICD_TYPER_NO1N |
               (d->nr_lpis ? GICD_TYPER_LPIS | (GICD_TYPER_IDBITS_LPI << GICD_TYPER_IDBITS_SHIFT)
                           : GICD_TYPER_IDBITS_10 << GICD_TYPER_IDBITS_SHIFT);
#endif
    for (unsigned i = 0; i < VITS_MAX_LPIS; i++) {
        vm->lpis.cfg[i] = 0;
        vm->lpis.fwd[i] = VGIC_LPI_NO_FWD;
    }
    d->iidr = VGIC_DIST_IIDR;
    d->typer2 = 0;
    for (unsigned i = 0; i < VGIC_MAX_SPIS; i++) {
        irq_defaults(&d->spi[i], false);
        d->lr_soft[i] = 0;                  /* disabled */
    }
}

void vgic_vcpu_init(struct vcpu *v)
{
    struct vgic_cpu *c = &v->vgic;
    for (unsigned i = 0; i < VGIC_NR_PRIVATE; i++)
        irq_defaults(&c->priv[i], i < GIC_PPI_BASE_ID);   /* SGIs are edge */
    /* The virtual timer's output and the PMU's overflow interrupt are the
     * physical PPIs of the same number (the guest's CNTV and PMU registers
     * are the CPU's own while it runs). */
    c->priv[PPI_VTIMER].hw = true;
    c->priv[PPI_PMU].hw = true;
    for (unsigned i = 0; i < VGIC_NR_PRIVATE; i++)
        vgic_irq_changed(v, i);
    for (unsigned i = 0; i < VGIC_WORDS; i++)
        c->pending[i] = 0;
    for (unsigned i = 0; i < VGIC_MAX_LRS; i++)
        c->lr_intid[i] = VGIC_LR_NONE;
    c->lr_used = c->lr_hw = c->lr_level = 0;
    c->lrs_kept = false;
    c->slow_asks = 0;
    for (unsigned i = 0; i < VGIC_WORDS; i++)
        c->unactive[i] = 0;
    c->waker_sleep = true;
#if GIC_VERSION == 2
    for (unsigned i = 0; i < GIC_PPI_BASE_ID; i++)
        c->sgi_src[i] = 0;
#endif
    vgic_lpi_of(v)->enabled = vgic_lpi_of(v)->drop_any = vgic_lpi_of(v)->refresh = false;
    vgic_lpi_of(v)->propbaser = vgic_lpi_of(v)->pendbaser = 0;
    for (unsigned i = 0; i < VGIC_LPI_WORDS; i++)
        vgic_lpi_of(v)->pending[i] = vgic_lpi_of(v)->drop[i] = 0;
    for (unsigned i = 0; i < VGIC_LPI_SUMMARY; i++)
        vgic_lpi_of(v)->summary[i] = 0;
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
/* The PPIs' bits in the pending bitmap's first word. */
#define VGIC_PPI_BITS (((1ull << VGIC_NR_PRIVATE) - 1) & ~((1ull << GIC_PPI_BASE_ID) - 1))
_Static_assert(VGIC_NR_PRIVATE <= 64, "the private interrupts are in the bitmap's first word");

/* Make `intid` pending in v's bitmap, then tell v's exit path (vcpu.h: the
 * work word is set after the source it announces). */
static inline __attribute__((always_inline)) void bitmap_set(struct vcpu *v, unsigned intid)
{
    arch_or64_release(&v->vgic.pending[intid / 64], word_bit(intid));
    vcpu_work_set(v, VCPU_WORK_VGIC);
}

static bool in_bitmap(struct vcpu *v, unsigned intid)
{
    return __atomic_load_n(&v->vgic.pending[intid / 64], __ATOMIC_ACQUIRE) & word_bit(intid);
}

static inline __attribute__((always_inline)) void bitmap_clear(struct vcpu *v, unsigned intid)
{
    arch_clear64_acq_rel(&v->vgic.pending[intid / 64], word_bit(intid));
}

static bool is_local(const struct vcpu *v) { return vcpu_current() == v; }

/* LPI index i (INTID GIC_LPI_BASE_ID + i) pending on v: the word, then its
 * summary bit, then the flag flush_one looks at, then the work word; a
 * flush clears them in the opposite order before it reads. */
static void lpi_mark(struct vcpu *v, unsigned i)
{
    struct vgic_cpu *c = &v->vgic;
    unsigned w = i / 64;
    __atomic_fetch_or(&vgic_lpi_of(v)->pending[w], word_bit(i), __ATOMIC_RELEASE);
    __atomic_fetch_or(&vgic_lpi_of(v)->summary[w / 64], word_bit(w), __ATOMIC_RELEASE);
    __atomic_store_n(&c->lpis, true, __ATOMIC_RELEASE);
    vcpu_work_set(v, VCPU_WORK_VGIC);
}

/* Clear LPI i's pending bit in v's bitmap; whether it was set. */
static bool lpi_unmark(struct vcpu *v, unsigned i)
{
    return __atomic_fetch_and(&vgic_lpi_of(v)->pending[i / 64], ~word_bit(i), __ATOMIC_ACQ_REL) & word_bit(i);
}

/* The index of LPI `intid` in v's VM, false when it is not one of them. */
static bool lpi_index(const struct vcpu *v, unsigned intid, unsigned *i)
{
    *i = intid - GIC_LPI_BASE_ID;           /* wraps for INTIDs below */
    return *i < v->vm->vgic.nr_lpis;
}

/* An interrupt sent back from a list register to wait again. */
static void requeue(struct vcpu *v, unsigned intid)
{
    if (intid >= GIC_LPI_BASE_ID)
        lpi_mark(v, intid - GIC_LPI_BASE_ID);
    else
        bitmap_set(v, intid);
}

#if GIC_VERSION == 2
/* GICv2 SGI `intid` (below 16) from vCPU `source` waits on v, before its
 * bitmap bit is set. */
static void sgi_mark(struct vcpu *v, unsigned intid, unsigned source)
{
    __atomic_fetch_or(&v->vgic.sgi_src[intid], (uint8_t)(1u << (source % GIC_V2_MAX_CPUS)), __ATOMIC_RELEASE);
}
#endif

/* ... from LR value `lr`: a GICv2 SGI waits again for its own source. */
static void requeue_lr(struct vcpu *v, unsigned intid, vgic_lr_t lr)
{
#if GIC_VERSION == 2
    if (intid < GIC_PPI_BASE_ID)
        sgi_mark(v, intid, vgic_lr_source(lr));
#else
    UNUSED(lr);
#endif
    requeue(v, intid);
}


static bool is_level(const struct vgic_irq *irq) { return !irq->edge; }

/* The input line of a hardware interrupt, sampled now.  A PPI's line can
 * be read only on the CPU that runs its vCPU: elsewhere the bookkeeping
 * stands in for it.  The PMU's line is read from the physical GIC: the
 * conditions that raise it (counters enabled at which level, HPMN, HPME)
 * are the CPU's to combine, and a model that gets them wrong would have
 * tofu deactivate a line that is still high, which fires again at once
 * (the fuzzer found that storm). */
static bool hw_line(struct vcpu *v, unsigned intid)
{
    if (intid >= VGIC_NR_PRIVATE)
        return gic_spi_pending(intid);
    if (!is_local(v))
        return in_bitmap(v, intid);
    if (intid == PPI_PMU)
        return gic_ppi_pending(intid);
    return vgic_hw_ppi_line(intid);
}

/* Is a level-sensitive interrupt's line high? */
static bool line_high(struct vcpu *v, unsigned intid, const struct vgic_irq *irq)
{
    return irq->hw ? hw_line(v, intid) : irq->level;
}

void vgic_inject(struct vcpu *v, unsigned intid)
{
    if (intid >= VGIC_NR_IRQS)
        return;
    bitmap_set(v, intid);
    vcpu_kick(v);
}

/* vgic_inject of an INTID known to be in range. */
static inline void inject_checked(struct vcpu *v, unsigned intid)
{
    bitmap_set(v, intid);
    vcpu_kick(v);
}

static struct vcpu *spi_target(struct vm *vm, const struct vgic_irq *irq)
{
    return &vm->vcpus[irq->target < vm->nr_vcpus ? irq->target : 0];
}

/* vgic_irq_of's SPI half, inline: the IPC doorbell's path. */
void vgic_inject_spi(struct vm *vm, unsigned intid)
{
    unsigned spi = intid - VGIC_NR_PRIVATE;     /* wraps for a private INTID */
    if (spi < vm->vgic.nr_spis)
        inject_checked(spi_target(vm, &vm->vgic.spi[spi]), intid);
}

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
    uint32_t bit = 1u << i;
    v->vgic.lr_intid[i] = VGIC_LR_NONE;
    v->vgic.lr_used &= ~bit;
    v->vgic.lr_hw &= ~bit;
    v->vgic.lr_level &= ~bit;
}

/* Take the pending state out of LR i (on v's own CPU).  A hardware
 * interrupt that is only pending leaves its physical interrupt active:
 * deactivate that too. */
static void lr_unpend(struct vcpu *v, unsigned i)
{
    vgic_lr_t lr = vgic_hw_read_lr(i);
    if (!vgic_lr_pending(lr))
        return;
    if (vgic_lr_active(lr)) {
        vgic_hw_write_lr(i, vgic_lr_clear_pending(lr));
        return;
    }
    vgic_hw_write_lr(i, 0);
    if (v->vgic.lr_hw & (1u << i))
        vgic_hw_deactivate(v->vgic.lr_intid[i]);   /* a hardware interrupt's pINTID is its vINTID */
    lr_release(v, i);
}

/* Drop a pending state kept in the bitmap; a hardware interrupt's physical
 * one is deactivated (it is active while its virtual one is pending). */
static void bitmap_unpend(struct vcpu *v, unsigned intid, const struct vgic_irq *irq)
{
    bitmap_clear(v, intid);
    if (irq->hw && is_local(v))
        vgic_hw_deactivate(intid);
}

/* An emulated level source drives its line: only a change of the line
 * changes the interrupt's state. */
static void set_line(struct vcpu *t, struct vgic_irq *irq, unsigned intid, bool level)
{
    if (irq->level == level)
        return;
    irq->level = level;
    if (level) {
        vgic_inject(t, intid);
        return;
    }
    if (irq->edge)
        return;                 /* a falling edge is no event */
    bitmap_clear(t, intid);
    if (!is_local(t)) {
        __atomic_store_n(&t->vgic.resample, true, __ATOMIC_RELEASE);
        vcpu_work_set(t, VCPU_WORK_VGIC);
        vcpu_kick(t);           /* its flush samples the line again */
        return;
    }
    int i = lr_find(t, intid);
    if (i >= 0)
        lr_unpend(t, (unsigned)i);
}

void vgic_set_level(struct vm *vm, unsigned intid, bool level)
{
    struct vgic_irq *irq = vgic_irq_of(&vm->vcpus[0], intid);
    if (!irq || intid < VGIC_NR_PRIVATE || irq->hw)
        return;
    set_line(spi_target(vm, irq), irq, intid, level);
}

void vgic_set_ppi_level(struct vcpu *v, unsigned intid, bool level)
{
    if (intid < GIC_PPI_BASE_ID || intid >= VGIC_NR_PRIVATE || v->vgic.priv[intid].hw)
        return;
    set_line(v, &v->vgic.priv[intid], intid, level);
}

void vgic_clear_pending(struct vcpu *v, unsigned intid)
{
    struct vgic_irq *irq = intid < VGIC_NR_IRQS ? vgic_irq_of(v, intid) : NULL;
    if (!irq)
        return;
    if (in_bitmap(v, intid))
        bitmap_unpend(v, intid, irq);
    if (!is_local(v))
        return;
    int i = lr_find(v, intid);
    if (i >= 0)
        lr_unpend(v, (unsigned)i);
}

/* Take the active state out of `intid`'s list register (on v's own CPU).
 * A hardware interrupt's LR is emptied and its physical interrupt
 * deactivated, which fires again if its line is still high; an emulated
 * one keeps its pending state, and an emulated level interrupt left with
 * none is pending again while its line is high (GICv3 4.1.2). */
static void lr_deactivate(struct vcpu *v, unsigned intid)
{
    int i = lr_find(v, intid);
    if (i < 0)
        return;
    vgic_lr_t lr = vgic_hw_read_lr((unsigned)i);
    if (!vgic_lr_active(lr))
        return;
    if (vgic_lr_pending(lr)) {
        vgic_hw_write_lr((unsigned)i, vgic_lr_clear_active(lr));
        return;
    }
    bool hw = v->vgic.lr_hw & (1u << i);
    vgic_hw_write_lr((unsigned)i, 0);
    lr_release(v, (unsigned)i);
    if (hw) {
        vgic_hw_deactivate(intid);
        return;
    }
    struct vgic_irq *irq = vgic_irq_of(v, intid);
    if (irq && is_level(irq) && irq->level)
        bitmap_set(v, intid);
}

/* The ICACTIVER requests another CPU left for this vCPU. */
static void lrs_take_unactive(struct vcpu *v)
{
    struct vgic_cpu *c = &v->vgic;
    __atomic_store_n(&c->unactive_any, false, __ATOMIC_RELAXED);
    for (unsigned w = 0; w < VGIC_WORDS; w++) {
        uint64_t bits = __atomic_exchange_n(&c->unactive[w], 0, __ATOMIC_ACQ_REL);
        while (bits) {
            lr_deactivate(v, w * 64 + ctz64(bits));
            bits &= bits - 1;
        }
    }
}

/* Linux deactivates every PPI this way when a CPU comes up, and a kernel
 * started by kexec or a crash kernel finds what its predecessor left
 * active: ignoring it would strand a hardware interrupt (the virtual
 * timer) active for good.  Setting an active state (ISACTIVER, which only
 * save/restore by a guest hypervisor needs) stays ignored. */
void vgic_clear_active(struct vcpu *v, unsigned intid)
{
    if (intid >= VGIC_NR_IRQS)
        return;
    if (is_local(v)) {
        lr_deactivate(v, intid);
        return;
    }
    __atomic_fetch_or(&v->vgic.unactive[intid / 64], word_bit(intid), __ATOMIC_RELEASE);
    __atomic_store_n(&v->vgic.unactive_any, true, __ATOMIC_RELEASE);
    vcpu_work_set(v, VCPU_WORK_VGIC);
    vcpu_kick(v);
}

/* The list register that holds `intid` on v's own CPU; 0 when none does. */
static vgic_lr_t lr_of(struct vcpu *v, unsigned intid)
{
    if (!is_local(v))
        return 0;
    int i = lr_find(v, intid);
    return i < 0 ? 0 : vgic_hw_read_lr((unsigned)i);
}

/* GICD/GICR_ISPENDR: a level interrupt is pending exactly while its line
 * is high, whether or not it is also active (GICv3 4.1.2). */
bool vgic_is_pending(struct vcpu *v, unsigned intid)
{
    struct vgic_irq *irq = intid < VGIC_NR_IRQS ? vgic_irq_of(v, intid) : NULL;
    if (!irq)
        return false;
    if (irq->hw && is_level(irq)) {
        bool line = hw_line(v, intid);
        if (!line && is_local(v))
            vgic_clear_pending(v, intid);   /* as the GIC would have */
        return line;
    }
    if (is_level(irq) && irq->level)
        return true;
    return in_bitmap(v, intid) || vgic_lr_pending(lr_of(v, intid));
}

bool vgic_is_active(struct vcpu *v, unsigned intid)
{
    return intid < VGIC_NR_IRQS && vgic_lr_active(lr_of(v, intid));
}

void vgic_send_sgi(struct vcpu *v, uint64_t sgi1r)
{
    struct vm *vm = v->vm;
    unsigned intid = (unsigned)FIELD_GET(sgi1r, 4, ICC_SGI1R_INTID_SHIFT);
    uint64_t aff = (FIELD_GET(sgi1r, 8, ICC_SGI1R_AFF3_SHIFT) << MPIDR_AFF3_SHIFT) |
                   (FIELD_GET(sgi1r, 8, ICC_SGI1R_AFF2_SHIFT) << MPIDR_AFF2_SHIFT) |
                   (FIELD_GET(sgi1r, 8, ICC_SGI1R_AFF1_SHIFT) << MPIDR_AFF1_SHIFT);
    uint64_t targets = sgi1r & ICC_SGI1R_TARGETS_MASK;
    uint64_t aff0_base = FIELD_GET(sgi1r, ICC_SGI1R_RS_WIDTH, ICC_SGI1R_RS_SHIFT) * ICC_SGI1R_RANGE;
    bool broadcast = sgi1r & ICC_SGI1R_IRM;

    for (unsigned i = 0; i < vm->nr_vcpus; i++) {
        struct vcpu *t = &vm->vcpus[i];
        uint64_t mpidr = t->vmpidr & MPIDR_AFF_MASK;
        uint64_t aff0 = FIELD_GET(mpidr, MPIDR_AFF_WIDTH, MPIDR_AFF0_SHIFT);
        uint64_t bit = aff0 - aff0_base;        /* wraps to huge below the range */
        if (broadcast ? t != v
                      : ((mpidr & ~FIELD_MASK(MPIDR_AFF_WIDTH, MPIDR_AFF0_SHIFT)) == aff &&
                         bit < ICC_SGI1R_RANGE && (targets & BIT(bit)))) {
            vgic_inject(t, intid);
            if (!broadcast)
                targets &= ~BIT(bit);
        }
    }
    if (!broadcast && targets)
        vm_log(v, VM_LOG_GIC, "SGI %u to affinity %#lx range %lu targets %#lx: no such vCPU in this VM, ignored",
               intid, aff, aff0_base / ICC_SGI1R_RANGE, targets);
}

#if GIC_VERSION == 2
void vgic_inject_sgi(struct vcpu *t, unsigned intid, unsigned source)
{
    intid %= GIC_PPI_BASE_ID;
    sgi_mark(t, intid, source);
    inject_checked(t, intid);
}

/* GICD_SPENDSGIR and GICD_CPENDSGIR are banked: `t` is the caller's own
 * vCPU, whose list registers are on this CPU. */
unsigned vgic_sgi_sources(struct vcpu *t, unsigned intid)
{
    unsigned s = __atomic_load_n(&t->vgic.sgi_src[intid % GIC_PPI_BASE_ID], __ATOMIC_ACQUIRE);
    vgic_lr_t lr = lr_of(t, intid);
    return vgic_lr_pending(lr) ? s | 1u << vgic_lr_source(lr) : s;
}

void vgic_clear_sgi(struct vcpu *t, unsigned intid, unsigned sources)
{
    intid %= GIC_PPI_BASE_ID;
    /* As flush_one: the bit, then the sources, so that one sent meanwhile stays. */
    bitmap_clear(t, intid);
    unsigned left = __atomic_fetch_and(&t->vgic.sgi_src[intid], (uint8_t)~sources, __ATOMIC_ACQ_REL) & ~sources;
    if (left)
        bitmap_set(t, intid);
    vgic_lr_t lr = lr_of(t, intid);
    if (vgic_lr_pending(lr) && (sources & (1u << vgic_lr_source(lr))))
        lr_unpend(t, (unsigned)lr_find(t, intid));
}
#endif

/* A hardware interrupt's LR names its physical INTID: the guest's
 * deactivation then deactivates the physical interrupt (GICv3 4.4.6).  An
 * emulated level interrupt's LR asks for an EOI maintenance interrupt, so
 * that a line still high makes it pending again. */
static vgic_lr_t make_lr(unsigned intid, const struct vgic_irq *irq)
{
    vgic_lr_t lr = vgic_lr_make(intid, irq->priority, irq->group1);
    if (irq->hw)
        return HW_BY_EOI ? vgic_lr_with_eoi(lr) : vgic_lr_with_hw(lr, intid);
    return is_level(irq) && irq->level ? vgic_lr_with_eoi(lr) : lr;
}

/* Hardware interrupts come from the exit path (irq.c): theirs are
 * precomputed (lr_ready), while they and the distributor's group are
 * enabled; so are the others' for flush_one (lr_soft).  Every other case
 * goes through the bitmap and flush_slow. */
void vgic_irq_changed(struct vcpu *t, unsigned intid)
{
    const struct vgic_irq *irq = vgic_irq_of(t, intid);
    if (!irq)
        return;
    bool private = intid < VGIC_NR_PRIVATE;
    uint64_t *soft = private ? &t->vgic.lr_soft[intid] : &t->vm->vgic.lr_soft[intid - VGIC_NR_PRIVATE];
    /* A GICD_CTLR write on another CPU meanwhile: computed again, so the
     * value stored last follows the last CTLR (vgic_dist_set_ctlr stores
     * CTLR before it recomputes). */
    for (;;) {
        uint32_t ctlr = __atomic_load_n(&t->vm->vgic.ctlr, __ATOMIC_ACQUIRE);
        vgic_lr_t lr = irq->enabled && (ctlr & VGIC_CTLR_DELIVER) ? make_lr(intid, irq) : 0;
        if (private)
            __atomic_store_n(&t->vgic.lr_ready[intid], irq->hw ? lr : 0, __ATOMIC_SEQ_CST);
        __atomic_store_n(soft, irq->hw ? 0 : vgic_lr_without_eoi(lr), __ATOMIC_SEQ_CST);
        if (__atomic_load_n(&t->vm->vgic.ctlr, __ATOMIC_SEQ_CST) == ctlr)
            return;
    }
}

void vgic_dist_set_ctlr(struct vm *vm, uint32_t enables)
{
    uint32_t ctlr = enables & (GICD_CTLR_ENABLE_G0 | GICD_CTLR_ENABLE_G1);
#if GIC_VERSION != 2
    ctlr |= GICD_CTLR_ARE | GICD_CTLR_DS;
#endif
    __atomic_store_n(&vm->vgic.ctlr, ctlr, __ATOMIC_SEQ_CST);
    for (unsigned spi = 0; spi < vm->vgic.nr_spis; spi++)
        vgic_irq_changed(&vm->vcpus[0], VGIC_NR_PRIVATE + spi);
    for (unsigned i = 0; i < vm->nr_vcpus; i++) {
        for (unsigned intid = 0; intid < VGIC_NR_PRIVATE; intid++)
            vgic_irq_changed(&vm->vcpus[i], intid);
        /* Interrupts held back by the group enable may now be delivered. */
        vcpu_work_set(&vm->vcpus[i], VCPU_WORK_VGIC);
        vcpu_kick(&vm->vcpus[i]);
    }
}

/* Record that LR n holds `lr`: its vINTID, and whether it is a hardware
 * one (`hw`) or one waiting for its EOI (an emulated level one; with
 * HW_BY_EOI, a hardware one too). */
static inline __attribute__((always_inline)) void
lr_record(struct vgic_cpu *c, unsigned n, vgic_lr_t lr, bool hw)
{
    uint32_t bit = 1u << n;
    c->lr_intid[n] = (uint16_t)vgic_lr_vintid(lr);
    c->lr_used |= bit;
    /* Both set exactly: the exit path forgets empty LRs from lr_used alone. */
    c->lr_hw = (c->lr_hw & ~bit) | (hw ? bit : 0);
    c->lr_level = (c->lr_level & ~bit) | (vgic_lr_eoi(lr) ? bit : 0);
}

/* lr_place of an interrupt in no LR now, as `lr`: into a free LR, or one whose
 * interrupt is less urgent (evicted). */
static inline __attribute__((always_inline)) bool
lr_place_free(struct vcpu *v, const struct vgic_irq *irq, bool *evicted, vgic_lr_t lr)
{
    struct vgic_cpu *c = &v->vgic;
    uint32_t free = ~c->lr_used & ((1u << vgic_nr_lrs) - 1);
    if (!free) {
        /* Evict the least urgent LR that is only pending, if it is less
         * urgent than this one; it goes back to the pending bitmap (a
         * hardware interrupt's physical one stays active meanwhile). */
        int victim = -1;
        unsigned worst = irq->priority;
        vgic_lr_t victim_lr = 0;
        for (unsigned j = 0; j < vgic_nr_lrs; j++) {
            vgic_lr_t cur = vgic_hw_read_lr(j);
            unsigned prio = vgic_lr_prio(cur);
            if (vgic_lr_pending_only(cur) && prio > worst) {
                worst = prio;
                victim = (int)j;
                victim_lr = cur;
            }
        }
        if (victim < 0)
            return false;
        requeue_lr(v, c->lr_intid[victim], victim_lr);
        lr_release(v, (unsigned)victim);
        *evicted = true;
        free = 1u << victim;
    }
    unsigned n = ctz64(free);
    vgic_hw_write_lr(n, lr);
    lr_record(c, n, lr, irq->hw);
    return true;
}

#if GIC_VERSION == 2
static bool sgi_place(struct vcpu *v, unsigned intid, const struct vgic_irq *irq, bool *evicted);
#endif

/* Put `intid` in a list register; false when every LR holds something at
 * least as urgent.  Sets *evicted when it sent another interrupt back to the
 * pending bitmap to make room. */
static inline __attribute__((always_inline)) bool
lr_place(struct vcpu *v, unsigned intid, const struct vgic_irq *irq, bool *evicted)
{
    struct vgic_cpu *c = &v->vgic;
#if GIC_VERSION == 2
    if (intid < GIC_PPI_BASE_ID)
        return sgi_place(v, intid, irq, evicted);
#endif
    int i = lr_find(v, intid);

    if (i >= 0) {
        /* Already there.  Pending again is one pending.  An active one
         * becomes active and pending, except where its line will tell: a
         * hardware LR cannot hold both (GICv3 4.4.6), and an emulated level
         * interrupt whose line is high is sampled again at its EOI. */
        vgic_lr_t lr = vgic_hw_read_lr((unsigned)i);
        bool by_line = irq->hw || (is_level(irq) && irq->level);
        if (vgic_lr_pending(lr))
            return true;
        if (!vgic_lr_active(lr) || !by_line) {
            vgic_hw_write_lr((unsigned)i, vgic_lr_set_pending(lr));
        } else if (!irq->hw && !vgic_lr_eoi(lr)) {
            vgic_hw_write_lr((unsigned)i, vgic_lr_with_eoi(lr));   /* sample at its EOI */
            c->lr_level |= 1u << i;
        }
        return true;
    }
    return lr_place_free(v, irq, evicted, make_lr(intid, irq));
}

#if GIC_VERSION == 2
/* A GICv2 SGI (its bitmap bit just cleared): one source's goes into an LR.
 * While it is there, the others wait in the bitmap and its LR asks for an
 * EOI maintenance interrupt, after which the next is placed. */
static bool __attribute__((noinline)) sgi_place(struct vcpu *v, unsigned intid, const struct vgic_irq *irq,
                                                bool *evicted)
{
    struct vgic_cpu *c = &v->vgic;
    int i = lr_find(v, intid);
    if (i >= 0) {
        vgic_lr_t lr = vgic_hw_read_lr((unsigned)i);
        /* Again from the source whose SGI the LR holds pending: that is
         * the one pending SGI (IHI 0048B 3.2.4), not a second. */
        uint8_t same = vgic_lr_pending(lr) ? (uint8_t)(1u << vgic_lr_source(lr)) : 0;
        if (!__atomic_and_fetch(&c->sgi_src[intid], (uint8_t)~same, __ATOMIC_ACQ_REL))
            return true;                /* no other source waits */
        if (!vgic_lr_eoi(lr)) {
            vgic_hw_write_lr((unsigned)i, vgic_lr_with_eoi(lr));
            c->lr_level |= 1u << i;
        }
        bitmap_set(v, intid);
        return true;
    }
    uint8_t src = __atomic_load_n(&c->sgi_src[intid], __ATOMIC_ACQUIRE);
    if (!src)
        return true;                    /* cleared meanwhile (GICD_CPENDSGIR) */
    unsigned s = ctz64(src);
    vgic_lr_t lr = vgic_lr_with_source(make_lr(intid, irq), s);
    if (src & (src - 1))
        lr = vgic_lr_with_eoi(lr);      /* more sources wait: back at its EOI */
    if (!lr_place_free(v, irq, evicted, lr))
        return false;
    uint8_t was = __atomic_fetch_and(&c->sgi_src[intid], (uint8_t)~(1u << s), __ATOMIC_ACQ_REL);
    if (was & ~(1u << s))
        bitmap_set(v, intid);
    return true;
}
#endif

/* LRs the guest has finished with: free them.  An emulated level
 * interrupt's LR asks for EOI maintenance, so it shows in EISR rather than
 * ELRSR; it is cleared (ending the request) and, if its line is still
 * high, the interrupt is pending again. */
static inline __attribute__((always_inline)) void lrs_retire(struct vcpu *v)
{
    struct vgic_cpu *c = &v->vgic;
    /* lr_release of each at once; their lr_intid stays stale, unread: every
     * reader looks only at the LRs lr_used names. */
    uint32_t done = vgic_hw_elrsr() & c->lr_used;
    c->lr_used &= ~done;
    c->lr_hw &= ~done;
    c->lr_level &= ~done;
    if (!c->lr_level)
        return;
    uint32_t eoi = vgic_hw_eisr() & c->lr_level;
    while (eoi) {
        unsigned i = ctz64(eoi), intid = c->lr_intid[i];
        eoi &= eoi - 1;
        vgic_hw_write_lr(i, 0);
        if (HW_BY_EOI && (c->lr_hw & (1u << i))) {
            vgic_hw_deactivate(intid);  /* the guest's deactivation, passed on: it fires again if still high */
            lr_release(v, i);
            continue;
        }
        struct vgic_irq *irq = vgic_irq_of(v, intid);
        if (irq && irq->level)
            bitmap_set(v, intid);
        lr_release(v, i);
    }
}

/* Level interrupts still in LRs: a pending state whose line has dropped
 * (the guest disabled its timer, a device was cleared, an emulated source
 * on another CPU lowered it) goes away.  An emulated level interrupt's LR
 * carries EOI only when its line put it there; a pending state latched by
 * software (ISPENDR, a doorbell) is left alone. */
static void lrs_resample(struct vcpu *v)
{
    struct vgic_cpu *c = &v->vgic;
    uint32_t lv = (c->lr_hw | c->lr_level) & c->lr_used;
    while (lv) {
        unsigned i = ctz64(lv), intid = c->lr_intid[i];
        lv &= lv - 1;
        struct vgic_irq *irq = vgic_irq_of(v, intid);
        /* Level ones only: a GICv2 SGI's LR waits for its EOI too. */
        if (irq && is_level(irq) && !line_high(v, intid, irq))
            lr_unpend(v, i);
    }
}

/* ---- LPIs (docs/its.md) ---------------------------------------------- */

/* An LPI as lr_place sees it: edge-triggered, group 1, software (a vLPI
 * has no active state: the guest's acknowledge empties its LR). */
static struct vgic_irq lpi_irq(uint8_t cfg)
{
    struct vgic_irq irq;
    irq_defaults(&irq, true);
    irq.priority = cfg & LPI_CFG_PRIO_MASK;
    irq.enabled = cfg & LPI_CFG_ENABLE;
    return irq;
}

void vgic_lpi_pend(struct vcpu *v, unsigned lpi)
{
    unsigned i;
    if (!lpi_index(v, lpi, &i))
        return;
    lpi_mark(v, i);
    vcpu_kick(v);
}

/* Ask v's CPU to take LPI i out of its list registers (and forward it, as
 * lpis.fwd says). */
static void lpi_drop_request(struct vcpu *v, unsigned i)
{
    __atomic_fetch_or(&vgic_lpi_of(v)->drop[i / 64], word_bit(i), __ATOMIC_RELEASE);
    __atomic_store_n(&vgic_lpi_of(v)->drop_any, true, __ATOMIC_RELEASE);
    __atomic_store_n(&v->vgic.lpis, true, __ATOMIC_RELEASE);
    vcpu_work_set(v, VCPU_WORK_VGIC);
    vcpu_kick(v);
}

/* Take LPI `lpi` out of v's list registers (on v's CPU); whether it was
 * pending there. */
static bool lpi_lr_take(struct vcpu *v, unsigned lpi)
{
    int n = lr_find(v, lpi);
    if (n < 0 || !vgic_lr_pending(vgic_hw_read_lr((unsigned)n)))
        return false;
    lr_unpend(v, (unsigned)n);
    return true;
}

void vgic_lpi_unpend(struct vcpu *v, unsigned lpi)
{
    unsigned i;
    if (!lpi_index(v, lpi, &i))
        return;
    __atomic_store_n(&v->vm->lpis.fwd[i], VGIC_LPI_NO_FWD, __ATOMIC_RELEASE);
    lpi_unmark(v, i);
    if (is_local(v))
        lpi_lr_take(v, lpi);
    else
        lpi_drop_request(v, i);         /* its list registers are its CPU's */
}

/* The pending state moves to `to`: from v's bitmap at once, from one of
 * v's list registers when v's CPU takes it out (a CLEAR or DISCARD before
 * then cancels the forwarding). */
void vgic_lpi_move(struct vcpu *v, struct vcpu *to, unsigned lpi)
{
    unsigned i;
    if (v == to || !lpi_index(v, lpi, &i))
        return;
    __atomic_store_n(&v->vm->lpis.fwd[i], (uint8_t)to->id, __ATOMIC_RELEASE);
    bool moved = lpi_unmark(v, i);
    if (is_local(v)) {
        moved |= lpi_lr_take(v, lpi);
        __atomic_store_n(&v->vm->lpis.fwd[i], VGIC_LPI_NO_FWD, __ATOMIC_RELEASE);
    } else {
        lpi_drop_request(v, i);
    }
    if (moved) {
        lpi_mark(to, i);
        vcpu_kick(to);
    }
}

void vgic_lpi_move_all(struct vcpu *v, struct vcpu *to)
{
    bool moved = false;
    if (v == to)
        return;
    for (unsigned w = 0; w < VGIC_LPI_WORDS; w++) {
        uint64_t bits = __atomic_exchange_n(&vgic_lpi_of(v)->pending[w], 0, __ATOMIC_ACQ_REL);
        for (; bits; bits &= bits - 1, moved = true)
            lpi_mark(to, w * 64 + ctz64(bits));
    }
    if (moved)
        vcpu_kick(to);
}

/* How many of the VM's LPIs v's GICR_PROPBASER's table covers: IDbits + 1
 * bits of INTID, less the 8192 below the first LPI. */
static unsigned lpis_covered(const struct vcpu *v, uint64_t propbaser)
{
    unsigned bits = (unsigned)(propbaser & GICR_PROPBASER_IDBITS_MASK) + 1;
    unsigned top = bits >= GICD_TYPER_IDBITS_LPI + 1 ? GIC_LPI_BASE_ID + VITS_MAX_LPIS : 1u << bits;
    unsigned n = top > GIC_LPI_BASE_ID ? top - GIC_LPI_BASE_ID : 0;
    return n < v->vm->vgic.nr_lpis ? n : v->vm->vgic.nr_lpis;
}

bool vgic_lpi_reload(struct vcpu *v, unsigned first, unsigned count)
{
    struct vm *vm = v->vm;
    struct vgic_dist *d = &vm->vgic;
    uint64_t pb = __atomic_load_n(&vgic_lpi_of(v)->propbaser, __ATOMIC_ACQUIRE);
    unsigned i0 = first - GIC_LPI_BASE_ID, covered = lpis_covered(v, pb);
    if (i0 >= d->nr_lpis || count == 0)
        return true;
    if (count > d->nr_lpis - i0)
        count = d->nr_lpis - i0;
    /* The part of the range the table covers is read; LPIs beyond it
     * (IDbits asks for fewer) are disabled. */
    unsigned in_table = i0 < covered ? (covered - i0 < count ? covered - i0 : count) : 0;
    const volatile uint8_t *t = in_table ? vm_ipa_to_ptr(vm, (pb & GICR_PROPBASER_PA_MASK) + i0, in_table) : NULL;
    if (in_table && !t)
        return false;
    for (unsigned k = 0; k < count; k++)
        __atomic_store_n(&v->vm->lpis.cfg[i0 + k], k < in_table ? t[k] : 0, __ATOMIC_RELAXED);
    /* Newly enabled ones may be waiting in a bitmap, and those in list
     * registers carry the old priority, or are no longer enabled: every
     * vCPU's next flush takes its LPIs out of its LRs and places them
     * again (the issuing vCPU's own at the end of this exit). */
    for (unsigned n = 0; n < vm->nr_vcpus; n++) {
        struct vcpu *t2 = &vm->vcpus[n];
        __atomic_store_n(&vgic_lpi_of(t2)->refresh, true, __ATOMIC_RELEASE);
        __atomic_store_n(&t2->vgic.lpis, true, __ATOMIC_RELEASE);
        vcpu_work_set(t2, VCPU_WORK_VGIC);
        vcpu_kick(t2);
    }
    return true;
}

void vgic_lpi_kick(struct vcpu *v)
{
    __atomic_store_n(&v->vgic.lpis, true, __ATOMIC_SEQ_CST);
    vcpu_work_set(v, VCPU_WORK_VGIC);
    vcpu_kick(v);
}

void vgic_lpi_set_ctlr(struct vcpu *v, bool enable)
{
    struct vgic_cpu *c = &v->vgic;
    if (!v->vm->vgic.nr_lpis || enable == vgic_lpi_of(v)->enabled)
        return;
    if (enable)
        vgic_lpi_reload(v, GIC_LPI_BASE_ID, v->vm->vgic.nr_lpis);
    /* Store then load, against flush_lpi_work's store of lpis then load of
     * enabled: sequentially consistent, so that one of the two sees the
     * other (else an LPI held while disabled would wait for another exit). */
    __atomic_store_n(&vgic_lpi_of(v)->enabled, enable, __ATOMIC_SEQ_CST);
    if (enable && __atomic_load_n(&c->lpis, __ATOMIC_SEQ_CST)) {
        vcpu_work_set(v, VCPU_WORK_VGIC);
        vcpu_kick(v);
    }
}

bool vgic_lpi_pending(struct vcpu *v, unsigned lpi)
{
    unsigned i;
    if (!lpi_index(v, lpi, &i))
        return false;
    if (__atomic_load_n(&vgic_lpi_of(v)->pending[i / 64], __ATOMIC_ACQUIRE) & word_bit(i))
        return true;
    return vgic_lr_pending(lr_of(v, lpi));
}

/* CLEARs and DISCARDs another CPU left for this vCPU's list registers. */
static void lpis_take_drop(struct vcpu *v)
{
    __atomic_store_n(&vgic_lpi_of(v)->drop_any, false, __ATOMIC_RELAXED);
    for (unsigned w = 0; w < VGIC_LPI_WORDS; w++) {
        uint64_t bits = __atomic_exchange_n(&vgic_lpi_of(v)->drop[w], 0, __ATOMIC_ACQ_REL);
        for (; bits; bits &= bits - 1) {
            unsigned i = w * 64 + ctz64(bits);
            unsigned to = __atomic_exchange_n(&v->vm->lpis.fwd[i], VGIC_LPI_NO_FWD, __ATOMIC_ACQ_REL);
            if (to == v->id)
                continue;               /* moved back here meanwhile: it stays */
            bool was = lpi_lr_take(v, GIC_LPI_BASE_ID + i);
            if (was && to < v->vm->nr_vcpus) {
                lpi_mark(&v->vm->vcpus[to], i);
                vcpu_kick(&v->vm->vcpus[to]);
            }
        }
    }
}

/* The configuration changed (INV, INVALL, EnableLPIs): LPIs still pending
 * in list registers go back to the bitmap, to be placed again with their
 * new priority, or held while disabled. */
static void lpis_take_back(struct vcpu *v)
{
    struct vgic_cpu *c = &v->vgic;
    for (uint32_t used = c->lr_used; used; used &= used - 1) {
        unsigned n = ctz64(used), intid = c->lr_intid[n];
        if (intid < GIC_LPI_BASE_ID)
            continue;
        vgic_lr_t lr = vgic_hw_read_lr(n);
        if (!vgic_lr_pending_only(lr))
            continue;
        vgic_hw_write_lr(n, 0);
        lr_release(v, n);
        lpi_mark(v, intid - GIC_LPI_BASE_ID);
    }
}

/* Pending LPIs into list registers, as flush_slow does the rest; true when
 * some stay pending (disabled, or no room: then *held). */
static bool flush_lpis(struct vcpu *v, bool *held)
{
    const struct vgic_dist *d = &v->vm->vgic;
    bool deliver = __atomic_load_n(&vgic_lpi_of(v)->enabled, __ATOMIC_SEQ_CST) && (d->ctlr & VGIC_CTLR_DELIVER);
    bool left = false;
    for (unsigned s = 0; s < VGIC_LPI_SUMMARY; s++) {
        uint64_t sum = __atomic_exchange_n(&vgic_lpi_of(v)->summary[s], 0, __ATOMIC_ACQ_REL);
        while (sum) {
            unsigned w = s * 64 + ctz64(sum);
            sum &= sum - 1;
            uint64_t bits = __atomic_load_n(&vgic_lpi_of(v)->pending[w], __ATOMIC_ACQUIRE), keep = 0;
            while (bits) {
                unsigned i = w * 64 + ctz64(bits);
                uint64_t bit = bits & -bits;
                bits &= bits - 1;
                uint8_t cfg = __atomic_load_n(&v->vm->lpis.cfg[i], __ATOMIC_RELAXED);
                if (!deliver || !(cfg & LPI_CFG_ENABLE)) {
                    keep |= bit;
                    continue;
                }
                if (!lpi_unmark(v, i))
                    continue;               /* cleared meanwhile */
                struct vgic_irq irq = lpi_irq(cfg);
                if (!lr_place(v, GIC_LPI_BASE_ID + i, &irq, held)) {
                    __atomic_fetch_or(&vgic_lpi_of(v)->pending[w], bit, __ATOMIC_RELEASE);
                    keep |= bit;
                    *held = true;
                }
            }
            if (keep) {
                __atomic_fetch_or(&vgic_lpi_of(v)->summary[s], word_bit(w), __ATOMIC_RELEASE);
                left = true;
            }
        }
    }
    return left;
}

/* flush_slow's LPI work, out of line: the flag cleared before the sources
 * are read, set again for what stays; true then. */
static bool __attribute__((noinline)) flush_lpi_work(struct vcpu *v, bool *held)
{
    __atomic_store_n(&v->vgic.lpis, false, __ATOMIC_SEQ_CST);
    if (v->vm->msi_direct)
        msi_vcpu_reload(v);             /* its vPE's LPI table, if another vCPU changed it */
    if (__atomic_load_n(&vgic_lpi_of(v)->drop_any, __ATOMIC_ACQUIRE))
        lpis_take_drop(v);
    if (__atomic_exchange_n(&vgic_lpi_of(v)->refresh, false, __ATOMIC_ACQ_REL))
        lpis_take_back(v);
    if (!flush_lpis(v, held))
        return false;
    __atomic_store_n(&v->vgic.lpis, true, __ATOMIC_RELEASE);
    return true;
}

/* What other CPUs asked of v's list registers (ICACTIVER, CLEAR), and
 * its LPIs, which go into LRs freed first; true when LPIs stay pending. */
static bool __attribute__((noinline)) flush_remote_asks(struct vcpu *v, bool *held)
{
    struct vgic_cpu *c = &v->vgic;
    if (__atomic_load_n(&c->unactive_any, __ATOMIC_ACQUIRE))
        lrs_take_unactive(v);
    if (!__atomic_load_n(&c->lpis, __ATOMIC_ACQUIRE))
        return false;
    if (c->lr_used)
        lrs_retire(v);
    return flush_lpi_work(v, held);
}

/* The work of vgic_flush, out of line so that the common case -- nothing
 * pending, no list register in use -- costs a few loads on the exit path. */
static void __attribute__((noinline)) flush_slow(struct vcpu *v)
{
    struct vgic_cpu *c = &v->vgic;
    bool held = false;

    /* LR writes of this exit (the fast path) are seen by the ELRSR read
     * below only after a context synchronization. */
    vgic_hw_sync();
    /* Cleared before the sources are read: whatever is set meanwhile sets
     * the bit again (vcpu.h). */
    arch_clear32_acq_rel(&v->work, VCPU_WORK_VGIC);
    __atomic_store_n(&c->resample, false, __ATOMIC_RELAXED);
    bool lpis_left = false;
    if (__atomic_load_n(&c->remote_asks, __ATOMIC_ACQUIRE))
        lpis_left = flush_remote_asks(v, &held);
    if (c->lr_used) {
        lrs_retire(v);
        lrs_resample(v);
    }
    /* Unrolled (VGIC_WORDS is a few words, 2 today): each word's state in
     * registers, not spilled around the loop (17 instructions a flush). */
    _Pragma("GCC unroll 4")
    for (unsigned w = 0; w < VGIC_WORDS; w++) {
        uint64_t bits = __atomic_load_n(&c->pending[w], __ATOMIC_ACQUIRE);
        while (bits) {
            unsigned intid = w * 64 + ctz64(bits);
            bits &= bits - 1;
            struct vgic_irq *irq = vgic_irq_of(v, intid);
            if (!irq) {
                bitmap_clear(v, intid);
                continue;
            }
            if (irq->hw && is_level(irq) && !hw_line(v, intid)) {
                bitmap_unpend(v, intid, irq);     /* its line dropped meanwhile */
                continue;
            }
            if (!irq->enabled || !(v->vm->vgic.ctlr & VGIC_CTLR_DELIVER))
                continue;       /* stays pending until enabled */
            /* Clear first: a concurrent inject after this re-sets the bit. */
            bitmap_clear(v, intid);
            if (!lr_place(v, intid, irq, &held)) {
                bitmap_set(v, intid);
                held = true;
            }
        }
    }
    /* More pending than list registers: ask for a maintenance interrupt when
     * the LRs (nearly) drain, to refill them. */
    if (held != c->uie) {
        c->uie = held;
        vgic_hw_enable(held);
    }
    /* What stays in the bitmap (disabled, held back) is looked at again
     * after the next exit, as it always was. */
    uint64_t left = held | lpis_left;
    for (unsigned w = 0; w < VGIC_WORDS; w++)
        left |= __atomic_load_n(&c->pending[w], __ATOMIC_RELAXED);
    if (left)
        vcpu_work_set(v, VCPU_WORK_VGIC);
}

/* Is `intid` in one of the LRs `live`? */
static bool lr_holds(const struct vgic_cpu *c, uint32_t live, unsigned intid)
{
    while (live) {
        if (c->lr_intid[ctz64(live)] == intid)
            return true;
        live &= live - 1;
    }
    return false;
}

/* The flush after a wake-up, as flush_slow would do it, in a few loads:
 * one interrupt waits in the bitmap (an IPC doorbell, an SGI), with a
 * precomputed LR (lr_soft: enabled, not a hardware one) and its line low,
 * nothing else is asked (slow_asks), an LR is empty and no live LR holds
 * it or a level interrupt flush_slow would resample.  False, with nothing
 * changed but the work bit cleared, when flush_slow must do it. */
static inline __attribute__((always_inline)) bool flush_one(struct vcpu *v)
{
    struct vgic_cpu *c = &v->vgic;
    uint64_t bits = 0, *word = NULL;

    /* Cleared before the sources are read, as in flush_slow. */
    arch_clear32_acq_rel(&v->work, VCPU_WORK_VGIC);
    if (__atomic_load_n(&c->slow_asks, __ATOMIC_ACQUIRE))
        return false;
    _Pragma("GCC unroll 4")
    for (unsigned i = 0; i < VGIC_WORDS; i++) {
        uint64_t b = __atomic_load_n(&c->pending[i], __ATOMIC_ACQUIRE);
        if (b && bits)
            return false;
        if (b) {
            bits = b;
            word = &c->pending[i];
        }
    }
    if (!bits || (bits & (bits - 1)))
        return false;
    unsigned intid = (unsigned)(word - c->pending) * 64 + ctz64(bits);
    const struct vgic_irq *irq = vgic_irq_of(v, intid);
    if (!irq)
        return false;
    vgic_lr_t lr = __atomic_load_n(intid < VGIC_NR_PRIVATE ? &c->lr_soft[intid]
                                  : &v->vm->vgic.lr_soft[intid - VGIC_NR_PRIVATE], __ATOMIC_RELAXED);
    if (!lr || irq->level)
        return false;
#if GIC_VERSION == 2
    /* An SGI from one source (more: flush_slow) names it in its LR. */
    unsigned src = 0;
    if (intid < GIC_PPI_BASE_ID) {
        src = __atomic_load_n(&c->sgi_src[intid], __ATOMIC_ACQUIRE);
        if (!src || (src & (src - 1)))
            return false;
        lr = vgic_lr_with_source(lr, ctz64(src));
    }
#endif
    vgic_hw_sync();                     /* this exit's LR writes, in ELRSR */
    uint32_t empty = vgic_hw_elrsr();   /* bits of LRs not implemented are RES0 */
    uint32_t live = c->lr_used & ~empty;
    if (!empty || (live & (c->lr_hw | c->lr_level)) || lr_holds(c, live, intid))
        return false;
    arch_clear64_acq_rel(word, bits);
#if GIC_VERSION == 2
    /* The bitmap bit first, then the source: one that comes in between
     * (its bit set again before its kick) is seen in `others` and waits in
     * the bitmap; its kick brings flush_slow, which has this LR ask for its
     * EOI. */
    unsigned others = src ? __atomic_fetch_and(&c->sgi_src[intid], (uint8_t)~src, __ATOMIC_ACQ_REL) & ~src : 0;
    if (others)
        bitmap_set(v, intid);
#endif
    unsigned n = ctz64(empty);
    uint32_t bit = 1u << n;
    vgic_hw_write_lr(n, lr);
    c->lr_intid[n] = (uint16_t)intid;
    c->lr_used = live | bit;
    c->lr_hw = c->lr_level = 0;         /* none of live is either (above), nor is LR n */
    return true;
}

/* Only what waits in the bitmap needs the slow path: LRs the guest has
 * finished with are reclaimed when room is needed, an emulated level
 * interrupt's EOI comes as a maintenance interrupt, and a hardware
 * interrupt whose line dropped is sampled when the guest looks (ISPENDR)
 * or when anything else is delivered.  VCPU_WORK_VGIC stands for "the
 * bitmap is not empty, UIE is armed or a resample was asked for". */
void vgic_flush(struct vcpu *v)
{
    if ((__atomic_load_n(&v->work, __ATOMIC_ACQUIRE) & VCPU_WORK_VGIC) && !flush_one(v))
        flush_slow(v);
}

/* The exit path's own injection (the virtual timer, the PMU): an enabled
 * private hardware interrupt that is in no LR goes straight into an empty
 * one with its precomputed value.  The LRs ELRSR shows empty are forgotten
 * on the way: lr_used drops them; lr_hw and lr_level are only read through
 * lr_used (an emulated level LR never shows in ELRSR anyway: it waits for
 * its EOI maintenance).  Anything else goes through the bitmap and the
 * flush. */
void vgic_inject_local(struct vcpu *v, unsigned intid)
{
    struct vgic_cpu *c = &v->vgic;
    vgic_lr_t lr = intid < VGIC_NR_PRIVATE ? __atomic_load_n(&c->lr_ready[intid], __ATOMIC_RELAXED) : 0;
    uint32_t empty = vgic_hw_elrsr();
    uint32_t live = c->lr_used & ~empty;

    if (__builtin_expect(lr && empty && !lr_holds(c, live, intid), 1)) {
        unsigned n = ctz64(empty);
        uint32_t bit = 1u << n;
        vgic_hw_write_lr(n, lr);
        c->lr_intid[n] = (uint16_t)intid;
        c->lr_used = live | bit;
        c->lr_hw |= bit;        /* lr_ready holds hardware interrupts only */
        if (HW_BY_EOI)
            c->lr_level |= bit; /* ... which then wait for their EOI */
        return;
    }
    vgic_inject(v, intid);
}

void vgic_maintenance(struct vcpu *v)
{
    /* Underflow and EOI conditions are levels: end both now; the flush
     * before guest entry refills the LRs and re-arms UIE as needed. */
    if (!v) {
        vgic_hw_disable();
        return;
    }
    v->vgic.uie = false;
    vgic_hw_enable(false);
    if (v->vgic.lr_used)
        lrs_retire(v);
}

/* Does one of the LRs `used` hold a pending interrupt?  Out of line: the
 * wait for an interrupt (vgic_wants_wakeup) finds none in use at all. */
static bool __attribute__((noinline)) lrs_pending(uint32_t used)
{
    while (used) {
        if (vgic_lr_pending(vgic_hw_read_lr(ctz64(used))))
            return true;
        used &= used - 1;
    }
    return false;
}

/* An enabled interrupt pending in v's bitmap, the distributor delivering. */
static inline __attribute__((always_inline)) bool bitmap_deliverable(struct vcpu *v)
{
    struct vgic_cpu *c = &v->vgic;
    _Pragma("GCC unroll 4")             /* as in flush_slow */
    for (unsigned w = 0; w < VGIC_WORDS; w++) {
        uint64_t bits = __atomic_load_n(&c->pending[w], __ATOMIC_ACQUIRE);
        while (bits) {
            unsigned intid = w * 64 + ctz64(bits);
            struct vgic_irq *irq = vgic_irq_of(v, intid);
            if (irq && irq->enabled && (v->vm->vgic.ctlr & VGIC_CTLR_DELIVER))
                return true;
            bits &= bits - 1;
        }
    }
    return false;
}

bool vgic_wants_wakeup(struct vcpu *v)
{
    struct vgic_cpu *c = &v->vgic;
    if (bitmap_deliverable(v))
        return true;
    /* LPIs need no look here: the flush before this vCPU last entered put
     * every deliverable one in an LR (or filled the LRs, which the line
     * below sees), and whatever makes one pending or deliverable later
     * (vgic_lpi_pend, _move, _reload, _set_ctlr, GICD_CTLR) happens on
     * another CPU, or in an exit of this vCPU that flushes again, and
     * kicks: that SGI ends the WFI. */
    uint32_t used = c->lr_used & ~vgic_hw_elrsr();
    return used && lrs_pending(used);
}

/* The live LRs of `v` that hold one of its CPU's own hardware PPIs (the
 * virtual timer, the PMU), the LRs as they are in the CPU now. */
static inline __attribute__((always_inline)) uint32_t lrs_hw_ppi(const struct vcpu *v)
{
    const struct vgic_cpu *c = &v->vgic;
    uint32_t found = 0;
    for (uint32_t hw = c->lr_used & c->lr_hw; hw; hw &= hw - 1) {
        unsigned i = ctz64(hw);
        if (c->lr_intid[i] < VGIC_NR_PRIVATE && vgic_lr_live(vgic_hw_read_lr(i)))
            found |= 1u << i;
    }
    return found;
}

void vgic_vcpu_reload(struct vcpu *v)
{
    struct vgic_cpu *c = &v->vgic;
    if (c->lrs_kept) {
        /* Back from a switch: its LRs are the ones it left, as lr_* say. */
        c->lrs_kept = false;
        for (uint32_t ppis = c->lrs_ppi; ppis; ppis &= ppis - 1)
            gic_ppi_set_active(c->lr_intid[ctz64(ppis)]);
        return;
    }
    c->lr_used = c->lr_hw = c->lr_level = 0;
    for (unsigned i = 0; i < VGIC_MAX_LRS; i++)
        c->lr_intid[i] = VGIC_LR_NONE;
    /* All LRs read at once (one vgic_hw_read_lr call each cost some 15). */
    uint64_t lrs[VGIC_MAX_LRS];
    vgic_hw_save_lrs(lrs, vgic_nr_lrs);
    for (unsigned i = 0; i < vgic_nr_lrs; i++) {
        vgic_lr_t lr = lrs[i];
        const struct vgic_irq *irq = vgic_irq_of(v, vgic_lr_vintid(lr));
        if (vgic_lr_live(lr) || vgic_lr_eoi(lr))
            lr_record(c, i, lr, vgic_lr_hw(lr) || (HW_BY_EOI && irq && irq->hw));
    }
    /* Back from a switch (vgic_vcpu_put): a forwarded PPI in an LR is
     * active again on the physical GIC, until the guest deactivates it. */
    for (uint32_t ppis = lrs_hw_ppi(v); ppis; ppis &= ppis - 1)
        gic_ppi_set_active(c->lr_intid[ctz64(ppis)]);
}

/* vgic_vcpu_put's work when a forwarded PPI is pending or in an LR. */
static void __attribute__((noinline)) vcpu_put_ppis(struct vcpu *v, uint64_t ppis_pending)
{
    for (; ppis_pending; ppis_pending &= ppis_pending - 1) {
        unsigned intid = ctz64(ppis_pending);
        if (v->vgic.priv[intid].hw)
            bitmap_unpend(v, intid, &v->vgic.priv[intid]);
    }
    uint32_t lrs_ppi = lrs_hw_ppi(v);
    for (uint32_t ppis = lrs_ppi; ppis; ppis &= ppis - 1)
        vgic_hw_deactivate(v->vgic.lr_intid[ctz64(ppis)]);
    v->vgic.lrs_ppi = lrs_ppi;
}

void vgic_vcpu_put(struct vcpu *v)
{
    /* The physical PPIs of this vCPU's own sources are freed for the next
     * vCPU: pending in the bitmap, dropped (their line asserts itself again
     * when the vCPU is back, arch_vcpu_put silenced it meanwhile); in an
     * LR, deactivated here and activated again at the load. */
    uint64_t ppis_pending = __atomic_load_n(&v->vgic.pending[0], __ATOMIC_ACQUIRE) & VGIC_PPI_BITS;
    v->vgic.lrs_kept = true;
    v->vgic.lrs_ppi = 0;
    if (__builtin_expect(ppis_pending || (v->vgic.lr_used & v->vgic.lr_hw), 0))
        vcpu_put_ppis(v, ppis_pending);
}

bool vgic_pending_deliverable(struct vcpu *v)
{
    return bitmap_deliverable(v) || __atomic_load_n(&v->vgic.lpis, __ATOMIC_ACQUIRE);
}

bool vgic_wants_wakeup_saved(struct vcpu *v)
{
    const struct vgic_cpu *c = &v->vgic;
    if (bitmap_deliverable(v) || __atomic_load_n(&c->lpis, __ATOMIC_ACQUIRE))
        return true;
    for (uint32_t used = c->lr_used; used; used &= used - 1)
        if (vgic_lr_pending((vgic_lr_t)v->ctx->lr[ctz64(used)]))
            return true;
    return false;
}

void vgic_vcpu_stop(struct vcpu *v)
{
    /* Hardware interrupts pending in the bitmap hold their physical
     * interrupt active; those in LRs are released with the LRs. */
    for (unsigned intid = 0; intid < VGIC_NR_PRIVATE; intid++)
        if (v->vgic.priv[intid].hw && in_bitmap(v, intid))
            bitmap_unpend(v, intid, &v->vgic.priv[intid]);
    /* What the LRs hold pending (an LPI, an SGI, an emulated SPI) goes back
     * to the bitmap: it stays pending while the vCPU is off (PSCI CPU_OFF),
     * as in its redistributor, and is delivered after its CPU_ON, whose
     * reset empties the saved LRs.  An active state ends: nothing will
     * deactivate it.  A hardware interrupt's line asserts itself again. */
    struct vgic_cpu *c = &v->vgic;
    for (uint32_t used = c->lr_used; used; used &= used - 1) {
        unsigned i = ctz64(used);
        vgic_lr_t lr = vgic_hw_read_lr(i);
        bool hw = c->lr_hw & (1u << i);
        if (vgic_lr_pending(lr) && !hw)
            requeue_lr(v, c->lr_intid[i], lr);
        /* HW_BY_EOI: its physical interrupt stays active until tofu
         * deactivates it (arch_vcpu_quiesce does those of HW = 1 LRs). */
        if (hw && !vgic_lr_hw(lr))
            vgic_hw_deactivate(c->lr_intid[i]);
    }
}

void vgic_update(struct vcpu *v, unsigned intid)
{
    if (intid >= VGIC_NR_IRQS)
        return;
    if (in_bitmap(v, intid)) {
        vcpu_work_set(v, VCPU_WORK_VGIC);
        vcpu_kick(v);
    }
}
