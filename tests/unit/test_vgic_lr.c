/* SPDX-License-Identifier: MIT */
/*
 * src/core/vgic.c against the fake list registers (fake/vgic_hw.c): four LRs
 * as on QEMU's GICv3, ELRSR computed from their state, the "guest" acting on
 * them with fake_guest_ack_lr() / fake_guest_complete_lr().  A VM of two
 * vCPUs; vCPU 0 is the one running on "this" CPU (vcpu_current()).
 */
#include <string.h>
#include "unit.h"
#include "fake.h"
#include "core/vgic.h"
#include "core/vgic_regs.h"
#include "arch/regs.h"
#include "arch/vgic_hw.h"

#define NR_LRS   4
#define PRIO_LOW 0xa0
#define PRIO_HI  0x20

static struct vm vm, other_vm;
static struct vcpu *v0, *v1;

static void make_vm(struct vm *m, unsigned nr_vcpus)
{
    fake_vgic_vm(m, nr_vcpus, 64, VITS_MAX_LPIS);
    m->vgic.ctlr = GICD_CTLR_ENABLE_G1;
}

static int setup(void **state)
{
    (void)state;
    fake_vgic_reset(NR_LRS);
    make_vm(&vm, 2);
    make_vm(&other_vm, 2);
    v0 = &vm.vcpus[0];
    v1 = &vm.vcpus[1];
    fake_current = v0;
    return 0;
}

static void enable(struct vcpu *v, unsigned intid, uint8_t prio)
{
    struct vgic_irq *irq = vgic_irq_of(v, intid);
    assert_non_null(irq);
    irq->enabled = true;
    irq->priority = prio;
    vgic_irq_changed(v, intid);
}

static bool in_bitmap(const struct vcpu *v, unsigned intid)
{
    return (v->vgic.pending[intid / 64] >> (intid % 64)) & 1;
}

static uint64_t lr_of(unsigned intid)
{
    int i = fake_lr_find(intid);
    assert_true(i >= 0);
    return fake_lr[i];
}

static unsigned lr_prio(uint64_t lr)
{
    return (unsigned)FIELD_GET(lr, 8, ICH_LR_PRIO_SHIFT);
}

#define UNUSED_PPI 22           /* no source: an emulated PPI */

static void test_flush_puts_enabled_irq_in_lr(void **state)
{
    (void)state;
    enable(v0, 40, 0x80);
    vgic_inject_spi(&vm, 40);
    assert_true(in_bitmap(v0, 40));
    assert_int_equal(fake_kick_count, 1);
    assert_ptr_equal(fake_last_kicked, v0);

    vgic_flush(v0);
    uint64_t lr = lr_of(40);
    assert_int_equal(lr & ICH_LR_STATE_MASK, ICH_LR_PENDING);
    assert_int_equal(lr & ICH_LR_VINTID_MASK, 40);
    assert_int_equal(lr_prio(lr), 0x80);
    assert_true(lr & ICH_LR_GROUP1);
    assert_false(lr & ICH_LR_HW);
    assert_int_equal(fake_lr_count_valid(), 1);
    assert_false(in_bitmap(v0, 40));
    assert_true(vgic_is_pending(v0, 40));
    assert_false(vgic_is_active(v0, 40));
    assert_false(fake_hcr & ICH_HCR_UIE);

    /* A group-0 PPI: no Group bit. */
    enable(v0, UNUSED_PPI, 0x10);
    vgic_irq_of(v0, UNUSED_PPI)->group1 = false;
    vgic_irq_changed(v0, UNUSED_PPI);
    vgic_inject(v0, UNUSED_PPI);
    vgic_flush(v0);
    lr = lr_of(UNUSED_PPI);
    assert_false(lr & ICH_LR_GROUP1);
    assert_int_equal(lr_prio(lr), 0x10);
    assert_int_equal(fake_lr_count_valid(), 2);
}

/* A passed-through SPI: the LR names the physical INTID, so that the guest's
 * deactivation deactivates the physical interrupt. */
static void test_hw_irq_lr(void **state)
{
    (void)state;
    enable(v0, 48, 0x90);
    vgic_irq_of(v0, 48)->hw = true;
    vgic_irq_changed(v0, 48);       /* as the VM's build and the GICD emulation do */
    enable(v0, 49, 0x90);
    fake_spi_line[48] = true;
    vgic_inject_spi(&vm, 48);
    vgic_inject_spi(&vm, 49);
    vgic_flush(v0);
    uint64_t lr = lr_of(48);
    assert_true(lr & ICH_LR_HW);
    assert_int_equal(FIELD_GET(lr, ICH_LR_PINTID_WIDTH, ICH_LR_PINTID_SHIFT), 48);
    assert_int_equal(lr & ICH_LR_VINTID_MASK, 48);
    assert_int_equal(lr & ICH_LR_STATE_MASK, ICH_LR_PENDING);
    lr = lr_of(49);
    assert_false(lr & ICH_LR_HW);
    assert_int_equal(FIELD_GET(lr, ICH_LR_PINTID_WIDTH, ICH_LR_PINTID_SHIFT), 0);
}

static void test_disabled_irq_stays_pending(void **state)
{
    (void)state;
    vgic_inject(v0, 41);
    vgic_flush(v0);
    assert_int_equal(fake_lr_writes, 0);
    assert_int_equal(fake_lr_find(41), -1);
    assert_true(in_bitmap(v0, 41));
    assert_true(vgic_is_pending(v0, 41));
    vgic_flush(v0);
    assert_int_equal(fake_lr_writes, 0);

    /* Enabling it (GICD_ISENABLER) delivers it. */
    enable(v0, 41, PRIO_LOW);
    unsigned kicks = fake_kick_count;
    vgic_update(v0, 41);
    assert_int_equal(fake_kick_count, kicks + 1);
    vgic_flush(v0);
    assert_int_equal(lr_of(41) & ICH_LR_STATE_MASK, ICH_LR_PENDING);
    assert_false(in_bitmap(v0, 41));
}

static void test_distributor_disabled_holds(void **state)
{
    (void)state;
    vm.vgic.ctlr = 0;
    enable(v0, 42, PRIO_LOW);
    vgic_inject_spi(&vm, 42);
    vgic_flush(v0);
    assert_int_equal(fake_lr_find(42), -1);
    assert_true(in_bitmap(v0, 42));
    vm.vgic.ctlr = GICD_CTLR_ENABLE_G1;
    vgic_flush(v0);
    assert_true(fake_lr_find(42) >= 0);
}

static void test_more_pending_than_lrs(void **state)
{
    (void)state;
    for (unsigned i = 40; i < 46; i++) {
        enable(v0, i, PRIO_LOW);
        vgic_inject_spi(&vm, i);
    }
    vgic_flush(v0);
    assert_int_equal(fake_lr_count_valid(), NR_LRS);
    unsigned held = 0;
    for (unsigned i = 40; i < 46; i++) {
        bool in_lr = fake_lr_find(i) >= 0;
        assert_true(in_lr != in_bitmap(v0, i));       /* in exactly one place */
        held += !in_lr;
    }
    assert_int_equal(held, 2);
    assert_int_equal(fake_hcr, ICH_HCR_EN | ICH_HCR_UIE);
    assert_int_equal(fake_hcr_writes, 1);

    /* No progress from the guest: nothing moves, no duplicate LR. */
    vgic_flush(v0);
    assert_int_equal(fake_lr_count_valid(), NR_LRS);
    assert_int_equal(fake_hcr, ICH_HCR_EN | ICH_HCR_UIE);

    /* The guest completes one: one refilled, one still held, UIE kept. */
    uint64_t done = fake_lr[0] & ICH_LR_VINTID_MASK;
    fake_guest_complete_lr(0);
    vgic_flush(v0);
    assert_int_equal(fake_lr_count_valid(), NR_LRS);
    assert_int_equal(fake_lr_find((unsigned)done), -1);
    assert_false(in_bitmap(v0, (unsigned)done));
    assert_int_equal(fake_hcr, ICH_HCR_EN | ICH_HCR_UIE);

    /* It completes all: the last one goes in and UIE is dropped. */
    for (unsigned i = 0; i < NR_LRS; i++)
        fake_guest_complete_lr(i);
    vgic_flush(v0);
    assert_int_equal(fake_lr_count_valid(), 1);
    for (unsigned i = 40; i < 46; i++)
        assert_false(in_bitmap(v0, i));
    assert_int_equal(fake_hcr, ICH_HCR_EN);
}

static void test_higher_priority_evicts_pending_lr(void **state)
{
    (void)state;
    for (unsigned i = 40; i < 44; i++) {
        enable(v0, i, PRIO_LOW);
        vgic_inject_spi(&vm, i);
    }
    vgic_flush(v0);
    assert_int_equal(fake_lr_count_valid(), NR_LRS);

    enable(v0, 50, PRIO_HI);
    vgic_inject_spi(&vm, 50);
    vgic_flush(v0);
    uint64_t lr = lr_of(50);
    assert_int_equal(lr_prio(lr), PRIO_HI);
    assert_int_equal(fake_lr_count_valid(), NR_LRS);
    unsigned evicted = 0, nr_evicted = 0;
    for (unsigned i = 40; i < 44; i++) {
        if (fake_lr_find(i) < 0) {
            evicted = i;
            nr_evicted++;
        }
    }
    assert_int_equal(nr_evicted, 1);
    assert_true(in_bitmap(v0, evicted));
    assert_true(vgic_is_pending(v0, evicted));

    /* Delivered later, once the guest has made room. */
    for (unsigned i = 0; i < NR_LRS; i++)
        fake_guest_complete_lr(i);
    vgic_flush(v0);
    assert_int_equal(lr_of(evicted) & ICH_LR_STATE_MASK, ICH_LR_PENDING);
    assert_false(in_bitmap(v0, evicted));
}

/* The evicted interrupt waits in the bitmap: the flush must ask for the
 * underflow maintenance interrupt, or it waits for an unrelated exit. */
static void test_eviction_requests_refill(void **state)
{
    (void)state;
    for (unsigned i = 40; i < 44; i++) {
        enable(v0, i, PRIO_LOW);
        vgic_inject_spi(&vm, i);
    }
    vgic_flush(v0);
    assert_int_equal(fake_hcr_writes, 0);
    enable(v0, 50, PRIO_HI);
    vgic_inject_spi(&vm, 50);
    vgic_flush(v0);
    assert_true(fake_lr_find(50) >= 0);
    assert_int_equal(fake_hcr, ICH_HCR_EN | ICH_HCR_UIE);
}

/* Same with the evicted interrupt in a later bitmap word than the newcomer:
 * the flush meets it again and holds it (this case works today). */
static void test_eviction_requests_refill_later_word(void **state)
{
    (void)state;
    for (unsigned i = 70; i < 74; i++) {
        enable(v0, i, PRIO_LOW);
        vgic_inject_spi(&vm, i);
    }
    vgic_flush(v0);
    enable(v0, 40, PRIO_HI);
    vgic_inject_spi(&vm, 40);
    vgic_flush(v0);
    assert_true(fake_lr_find(40) >= 0);
    assert_int_equal(fake_hcr, ICH_HCR_EN | ICH_HCR_UIE);
}

static void test_no_eviction_of_equal_lower_or_active(void **state)
{
    (void)state;
    for (unsigned i = 40; i < 44; i++) {
        enable(v0, i, PRIO_LOW);
        vgic_inject_spi(&vm, i);
    }
    vgic_flush(v0);
    /* Equal and lower priority wait. */
    enable(v0, 50, PRIO_LOW);
    enable(v0, 51, PRIO_LOW + 0x10);
    vgic_inject_spi(&vm, 50);
    vgic_inject_spi(&vm, 51);
    vgic_flush(v0);
    assert_int_equal(fake_lr_find(50), -1);
    assert_int_equal(fake_lr_find(51), -1);
    for (unsigned i = 40; i < 44; i++)
        assert_true(fake_lr_find(i) >= 0);
    assert_true(fake_hcr & ICH_HCR_UIE);

    /* Active LRs are never evicted, whatever the priority. */
    for (unsigned i = 0; i < NR_LRS; i++)
        fake_guest_ack_lr(i);
    enable(v0, 52, 0);
    vgic_inject_spi(&vm, 52);
    vgic_flush(v0);
    assert_int_equal(fake_lr_find(52), -1);
    assert_true(in_bitmap(v0, 52));
    for (unsigned i = 40; i < 44; i++)
        assert_int_equal(lr_of(i) & ICH_LR_STATE_MASK, ICH_LR_ACTIVE);
}

static void test_reinject_active_same_lr(void **state)
{
    (void)state;
    enable(v0, 40, PRIO_LOW);
    vgic_inject_spi(&vm, 40);
    vgic_flush(v0);
    int i = fake_lr_find(40);
    assert_true(i >= 0);

    /* Pending again while pending: still one pending interrupt. */
    vgic_inject_spi(&vm, 40);
    vgic_flush(v0);
    assert_int_equal(fake_lr_find(40), i);
    assert_int_equal(fake_lr[i] & ICH_LR_STATE_MASK, ICH_LR_PENDING);
    assert_int_equal(fake_lr_count_valid(), 1);

    fake_guest_ack_lr((unsigned)i);
    assert_true(vgic_is_active(v0, 40));
    assert_false(vgic_is_pending(v0, 40));
    vgic_inject_spi(&vm, 40);
    vgic_flush(v0);
    assert_int_equal(fake_lr_find(40), i);
    assert_int_equal(fake_lr[i] & ICH_LR_STATE_MASK, ICH_LR_PENDING | ICH_LR_ACTIVE);
    assert_int_equal(fake_lr[i] & ICH_LR_VINTID_MASK, 40);
    assert_int_equal(fake_lr_count_valid(), 1);
    assert_true(vgic_is_pending(v0, 40));
    assert_true(vgic_is_active(v0, 40));
    assert_false(in_bitmap(v0, 40));
}

#define SGI1R(intid, aff1, targets) \
    (((uint64_t)(intid) << ICC_SGI1R_INTID_SHIFT) | ((uint64_t)(aff1) << ICC_SGI1R_AFF1_SHIFT) | (targets))

static unsigned sgi_pending_mask(const struct vcpu *v)
{
    return (unsigned)(v->vgic.pending[0] & 0xffff);
}

static void test_sgi_target_list(void **state)
{
    (void)state;
    vgic_send_sgi(v0, SGI1R(5, 0, 1u << 1));
    assert_int_equal(sgi_pending_mask(v1), 1u << 5);
    assert_int_equal(sgi_pending_mask(v0), 0);
    assert_ptr_equal(fake_last_kicked, v1);
    assert_int_equal(fake_log_count, 0);

    vgic_send_sgi(v1, SGI1R(15, 0, 0x3));          /* both, itself included */
    assert_int_equal(sgi_pending_mask(v0), 1u << 15);
    assert_int_equal(sgi_pending_mask(v1), (1u << 5) | (1u << 15));

    /* Targets that are no vCPU of this VM: logged, nobody else reached. */
    vgic_send_sgi(v0, SGI1R(3, 0, (1u << 1) | (1u << 7)));
    assert_int_equal(sgi_pending_mask(v1) & (1u << 3), 1u << 3);
    assert_int_equal(sgi_pending_mask(v0) & (1u << 3), 0);
    assert_int_equal(fake_log_count, 1);
    vgic_send_sgi(v0, SGI1R(4, 1, 0x3));           /* Aff1 = 1: no such cluster */
    assert_int_equal((sgi_pending_mask(v0) | sgi_pending_mask(v1)) & (1u << 4), 0);
    assert_int_equal(fake_log_count, 2);

    /* The other VM has vCPUs with the same MPIDRs: never reached. */
    for (unsigned i = 0; i < other_vm.nr_vcpus; i++)
        for (unsigned w = 0; w < VGIC_WORDS; w++)
            assert_int_equal(other_vm.vcpus[i].vgic.pending[w], 0);
}

/* RS selects which 16 Aff0 values the target list names: RS = 1 with bit 1
 * is Aff0 17, which no vCPU here has, not vCPU 1. */
static void test_sgi_range_selector(void **state)
{
    (void)state;
    uint64_t rs1 = (uint64_t)1 << ICC_SGI1R_RS_SHIFT;
    vgic_send_sgi(v0, SGI1R(6, 0, 0x3) | rs1);
    assert_int_equal((sgi_pending_mask(v0) | sgi_pending_mask(v1)) & (1u << 6), 0);
    assert_int_equal(fake_log_count, 1);
    vgic_send_sgi(v0, SGI1R(6, 0, 0x2) | ((uint64_t)0xf << ICC_SGI1R_RS_SHIFT));
    assert_int_equal((sgi_pending_mask(v0) | sgi_pending_mask(v1)) & (1u << 6), 0);
    vgic_send_sgi(v0, SGI1R(6, 0, 0x2));             /* RS = 0: vCPU 1 */
    assert_int_equal(sgi_pending_mask(v1), 1u << 6);
}

static void test_sgi_broadcast(void **state)
{
    (void)state;
    vgic_send_sgi(v0, SGI1R(2, 0, 0) | ICC_SGI1R_IRM);
    assert_int_equal(sgi_pending_mask(v1), 1u << 2);
    assert_int_equal(sgi_pending_mask(v0), 0);

    /* Three vCPUs: all but the sender. */
    make_vm(&vm, 3);
    vgic_send_sgi(&vm.vcpus[1], SGI1R(9, 0, 0) | ICC_SGI1R_IRM);
    assert_int_equal(sgi_pending_mask(&vm.vcpus[0]), 1u << 9);
    assert_int_equal(sgi_pending_mask(&vm.vcpus[1]), 0);
    assert_int_equal(sgi_pending_mask(&vm.vcpus[2]), 1u << 9);
    for (unsigned i = 0; i < other_vm.nr_vcpus; i++)
        assert_int_equal(other_vm.vcpus[i].vgic.pending[0], 0);
}

static void test_clear_pending(void **state)
{
    (void)state;
    enable(v0, 40, PRIO_LOW);
    vgic_inject_spi(&vm, 40);
    vgic_flush(v0);
    int i = fake_lr_find(40);
    assert_true(i >= 0);

    vgic_clear_pending(v0, 40);                     /* GICD_ICPENDR */
    assert_int_equal(fake_lr_find(40), -1);
    assert_int_equal(fake_lr[i] & ICH_LR_STATE_MASK, 0);
    assert_false(v0->vgic.lr_used & (1u << i));
    assert_false(vgic_is_pending(v0, 40));

    /* Pending and active: the active state stays in its LR. */
    vgic_inject_spi(&vm, 40);
    vgic_flush(v0);
    i = fake_lr_find(40);
    fake_guest_ack_lr((unsigned)i);
    vgic_inject_spi(&vm, 40);
    vgic_flush(v0);
    vgic_clear_pending(v0, 40);
    assert_int_equal(fake_lr[i] & ICH_LR_STATE_MASK, ICH_LR_ACTIVE);
    assert_true(v0->vgic.lr_used & (1u << i));
    assert_false(vgic_is_pending(v0, 40));
    assert_true(vgic_is_active(v0, 40));

    /* Not yet in an LR: only the bitmap. */
    vgic_inject(v0, 43);
    vgic_clear_pending(v0, 43);
    assert_false(in_bitmap(v0, 43));
    assert_false(vgic_is_pending(v0, 43));
}

static void test_wants_wakeup(void **state)
{
    (void)state;
    assert_false(vgic_wants_wakeup(v0));
    vgic_inject(v0, 40);                            /* disabled */
    assert_false(vgic_wants_wakeup(v0));
    enable(v0, 40, PRIO_LOW);
    assert_true(vgic_wants_wakeup(v0));
    vgic_flush(v0);                                 /* now pending in an LR */
    assert_true(vgic_wants_wakeup(v0));
    fake_guest_ack_lr((unsigned)fake_lr_find(40));  /* active only */
    assert_false(vgic_wants_wakeup(v0));
}

/* What vgic_flush() would not deliver must not end a WFI either, or the
 * vCPU spins between its WFI trap and the guest. */
static void test_no_wakeup_with_distributor_disabled(void **state)
{
    (void)state;
    vm.vgic.ctlr = 0;
    enable(v0, 40, PRIO_LOW);
    vgic_inject_spi(&vm, 40);
    vgic_flush(v0);
    assert_int_equal(fake_lr_find(40), -1);
    assert_false(vgic_wants_wakeup(v0));
}

/* A PPI whose source is the CPU's own (the virtual timer, the PMU) is a
 * hardware interrupt from the start: its LR names the physical PPI of the
 * same number, and it is pending exactly while that PPI's line is high. */
static void check_hw_ppi(unsigned intid, bool *line)
{
    enable(v0, intid, PRIO_LOW);
    *line = true;
    vgic_inject(v0, intid);
    vgic_flush(v0);
    uint64_t lr = lr_of(intid);
    assert_true(lr & ICH_LR_HW);
    assert_int_equal(FIELD_GET(lr, ICH_LR_PINTID_WIDTH, ICH_LR_PINTID_SHIFT), intid);
    assert_true(vgic_is_pending(v0, intid));

    /* Acked, then the guest lowers the line (masks its timer, clears the
     * overflow flag): active, no longer pending. */
    fake_guest_ack_lr((unsigned)fake_lr_find(intid));
    *line = false;
    vgic_flush(v0);
    assert_false(vgic_is_pending(v0, intid));
    assert_true(vgic_is_active(v0, intid));
    assert_int_equal(fake_deactivated[intid], 0);     /* the guest's to end */
}

static void test_vtimer_is_hw(void **state)
{
    (void)state;
    check_hw_ppi(PPI_VTIMER, &fake_vtimer_line);
}

/* The PMU's overflow interrupt (PPI 23) the same way: the other line stays
 * low, so the two cannot be confused. */
static void test_pmu_irq_is_hw(void **state)
{
    (void)state;
    check_hw_ppi(PPI_PMU, &fake_pmu_line);
    assert_false(fake_vtimer_line);
}

/* ICACTIVER on the virtual timer, acked and never EOId (a kexec'd or crash
 * kernel finds it so, Linux clears every PPI's active state at CPU bring-up):
 * the LR goes and the physical PPI is deactivated, so it can fire again. */
static void test_clear_active_hw(void **state)
{
    (void)state;
    enable(v0, PPI_VTIMER, PRIO_LOW);
    fake_vtimer_line = true;
    vgic_inject(v0, PPI_VTIMER);
    vgic_flush(v0);
    fake_guest_ack_lr((unsigned)fake_lr_find(PPI_VTIMER));
    assert_true(vgic_is_active(v0, PPI_VTIMER));
    vgic_clear_active(v0, PPI_VTIMER);
    assert_false(vgic_is_active(v0, PPI_VTIMER));
    assert_int_equal(fake_lr_find(PPI_VTIMER), -1);
    assert_int_equal(v0->vgic.lr_used, 0);
    assert_int_equal(fake_deactivated[PPI_VTIMER], 1);
    /* Not active: nothing more to do. */
    vgic_clear_active(v0, PPI_VTIMER);
    assert_int_equal(fake_deactivated[PPI_VTIMER], 1);
    vgic_clear_active(v0, VGIC_NR_IRQS);                /* out of range: ignored */
}

/* An emulated level interrupt, active, its line still high: pending again
 * once deactivated; active and pending: only the active bit goes. */
static void test_clear_active_emulated(void **state)
{
    (void)state;
    enable(v0, 40, PRIO_LOW);
    vgic_set_level(&vm, 40, true);
    vgic_flush(v0);
    int i = fake_lr_find(40);
    fake_guest_ack_lr((unsigned)i);
    vgic_clear_active(v0, 40);
    assert_false(vgic_is_active(v0, 40));
    assert_true(vgic_is_pending(v0, 40));
    vgic_flush(v0);
    i = fake_lr_find(40);
    assert_true(i >= 0);
    assert_int_equal(fake_lr[i] & ICH_LR_STATE_MASK, ICH_LR_PENDING);

    enable(v0, 41, PRIO_LOW);
    vgic_inject_spi(&vm, 41);
    vgic_flush(v0);
    i = fake_lr_find(41);
    fake_guest_ack_lr((unsigned)i);
    vgic_inject_spi(&vm, 41);
    vgic_flush(v0);
    assert_int_equal(fake_lr[i] & ICH_LR_STATE_MASK, ICH_LR_PENDING | ICH_LR_ACTIVE);
    vgic_clear_active(v0, 41);
    assert_int_equal(fake_lr[i] & ICH_LR_STATE_MASK, ICH_LR_PENDING);
}

/* From another vCPU's CPU (a GICD_ICACTIVER write for an SPI another vCPU
 * holds): the holder is kicked and its next flush deactivates. */
static void test_clear_active_remote(void **state)
{
    (void)state;
    enable(v0, 48, 0x90);
    vgic_irq_of(v0, 48)->hw = true;
    vgic_irq_changed(v0, 48);       /* as the VM's build and the GICD emulation do */
    fake_spi_line[48] = true;
    vgic_inject_spi(&vm, 48);
    vgic_flush(v0);
    fake_guest_ack_lr((unsigned)fake_lr_find(48));
    fake_current = v1;
    unsigned kicks = fake_kick_count;
    vgic_clear_active(v0, 48);
    assert_int_equal(fake_kick_count, kicks + 1);
    assert_ptr_equal(fake_last_kicked, v0);
    assert_true(fake_lr_find(48) >= 0);                  /* not yet: not v0's CPU */
    assert_int_equal(fake_deactivated[48], 0);
    fake_current = v0;
    vgic_flush(v0);
    assert_int_equal(fake_lr_find(48), -1);
    assert_int_equal(fake_deactivated[48], 1);
    assert_false(v0->vgic.unactive_any);
}

/* A hardware interrupt whose line dropped before the guest took it: its
 * pending state goes, and so does the physical active state it held. */
static void test_hw_line_drop_unpends(void **state)
{
    (void)state;
    enable(v0, 48, PRIO_LOW);
    vgic_irq_of(v0, 48)->hw = true;
    vgic_irq_changed(v0, 48);       /* as the VM's build and the GICD emulation do */
    fake_spi_line[48] = true;
    vgic_inject_spi(&vm, 48);
    vgic_flush(v0);
    assert_true(fake_lr_find(48) >= 0);
    fake_spi_line[48] = false;                       /* the guest cleared the device */
    assert_false(vgic_is_pending(v0, 48));
    vgic_flush(v0);
    assert_int_equal(fake_lr_find(48), -1);
    assert_int_equal(v0->vgic.lr_used, 0);
    assert_int_equal(fake_deactivated[48], 1);

    /* Still in the bitmap (disabled meanwhile): the same. */
    vgic_irq_of(v0, 48)->enabled = false;
    vgic_irq_changed(v0, 48);
    fake_spi_line[48] = true;
    vgic_inject_spi(&vm, 48);
    vgic_flush(v0);
    assert_true(in_bitmap(v0, 48));
    fake_spi_line[48] = false;
    vgic_flush(v0);
    assert_false(in_bitmap(v0, 48));
    assert_int_equal(fake_deactivated[48], 2);
}

/* An emulated level line: an LR that asks for EOI maintenance; pending again
 * after deactivation while the line stays high; not again once it drops. */
static void test_emulated_level_eoi(void **state)
{
    (void)state;
    enable(v0, 40, PRIO_LOW);
    vgic_set_level(&vm, 40, true);
    vgic_flush(v0);
    int i = fake_lr_find(40);
    assert_true(i >= 0);
    assert_true(fake_lr[i] & ICH_LR_EOI);

    vgic_set_level(&vm, 40, true);                   /* no change of the line */
    vgic_flush(v0);
    assert_int_equal(fake_lr_count_valid(), 1);

    fake_guest_ack_lr((unsigned)i);
    vgic_set_level(&vm, 40, true);
    assert_true(vgic_is_pending(v0, 40));            /* active and pending */
    fake_guest_complete_lr((unsigned)i);
    assert_true(vgic_hw_eisr() & (1u << i));
    vgic_maintenance(v0);                            /* EOI maintenance */
    assert_int_equal(vgic_hw_eisr(), 0);
    vgic_flush(v0);
    i = fake_lr_find(40);
    assert_true(i >= 0);                             /* line still high */
    assert_int_equal(fake_lr[i] & ICH_LR_STATE_MASK, ICH_LR_PENDING);

    vgic_set_level(&vm, 40, false);                  /* lowered before it is taken */
    assert_int_equal(fake_lr_find(40), -1);
    assert_false(vgic_is_pending(v0, 40));
    vgic_flush(v0);
    assert_int_equal(v0->vgic.lr_used, 0);
}

/* Lowered from another CPU: the target's own flush takes the LR back. */
static void test_emulated_level_lowered_remotely(void **state)
{
    (void)state;
    enable(v0, 40, PRIO_LOW);
    vgic_set_level(&vm, 40, true);
    vgic_flush(v0);
    assert_true(fake_lr_find(40) >= 0);
    fake_current = v1;
    unsigned kicks = fake_kick_count;
    vgic_set_level(&vm, 40, false);
    assert_int_equal(fake_kick_count, kicks + 1);
    assert_ptr_equal(fake_last_kicked, v0);
    assert_true(fake_lr_find(40) >= 0);
    fake_current = v0;
    vgic_flush(v0);
    assert_int_equal(fake_lr_find(40), -1);
}

/* A pending state latched by software on a level-configured interrupt (a
 * doorbell, ISPENDR) is no line: no EOI maintenance, not sampled away. */
static void test_latched_pending_on_level_irq(void **state)
{
    (void)state;
    enable(v0, 40, PRIO_LOW);
    vgic_inject_spi(&vm, 40);
    vgic_flush(v0);
    int i = fake_lr_find(40);
    assert_true(i >= 0);
    assert_false(fake_lr[i] & ICH_LR_EOI);
    vgic_flush(v0);
    assert_true(fake_lr_find(40) >= 0);
    fake_guest_ack_lr((unsigned)i);
    vgic_inject_spi(&vm, 40);                        /* again while active */
    vgic_flush(v0);
    assert_int_equal(fake_lr[i] & ICH_LR_STATE_MASK, ICH_LR_PENDING | ICH_LR_ACTIVE);
}

/* ---- the exit path's injection and the vCPU's work word ---------------- */

/* A write to `owner`'s redistributor SGI frame (the GICD_* offsets). */
static void gicr_write(struct vcpu *owner, uint64_t off, unsigned width, uint64_t val)
{
    assert_true(vgic_irqreg_access(owner, owner, off, width, true, &val));
}

static bool vgic_work(const struct vcpu *v)
{
    return v->work & VCPU_WORK_VGIC;
}

/* The LR value the exit path writes is precomputed where the guest changes
 * the interrupt: it follows enable, priority and group. */
static void test_lr_ready_follows_config(void **state)
{
    (void)state;
    uint64_t *ready = &v0->vgic.lr_ready[PPI_VTIMER];
    assert_int_equal(*ready, 0);                     /* disabled at reset */
    gicr_write(v0, GICD_ISENABLER, 4, 1u << PPI_VTIMER);
    assert_int_equal(*ready, ICH_LR_PENDING | ICH_LR_GROUP1 | ICH_LR_HW |
                                 ((uint64_t)VGIC_PRIO_DEFAULT << ICH_LR_PRIO_SHIFT) |
                                 ((uint64_t)PPI_VTIMER << ICH_LR_PINTID_SHIFT) | PPI_VTIMER);
    gicr_write(v0, GICD_IPRIORITYR + PPI_VTIMER, 1, PRIO_HI);
    assert_int_equal(lr_prio(*ready), PRIO_HI);
    gicr_write(v0, GICD_IGROUPR, 4, ~(1u << PPI_VTIMER));
    assert_false(*ready & ICH_LR_GROUP1);

    vgic_inject_local(v0, PPI_VTIMER);
    assert_int_equal(lr_of(PPI_VTIMER), *ready);
    assert_false(in_bitmap(v0, PPI_VTIMER));
    assert_false(vgic_work(v0));

    gicr_write(v0, GICD_ICENABLER, 4, 1u << PPI_VTIMER);
    assert_int_equal(*ready, 0);
    assert_int_equal(v0->vgic.lr_ready[PPI_PMU], 0);  /* another PPI untouched */
}

/* flush_one's precomputed LR for an SPI (per VM) follows the distributor's
 * registers and GICD_CTLR, and the flush takes it into the LR the guest
 * left empty, forgetting that one on the way. */
static void test_lr_soft_follows_config(void **state)
{
    (void)state;
    uint64_t *soft = &vm.vgic.lr_soft[40 - VGIC_NR_PRIVATE];
    assert_int_equal(*soft, 0);                      /* disabled at reset */
    assert_true(vgic_irqreg_access(v0, NULL, GICD_ISENABLER + 4, 4, true, &(uint64_t){ 1u << (40 - 32) }));
    assert_int_equal(*soft, ICH_LR_PENDING | ICH_LR_GROUP1 |
                                ((uint64_t)VGIC_PRIO_DEFAULT << ICH_LR_PRIO_SHIFT) | 40);
    assert_true(vgic_irqreg_access(v0, NULL, GICD_IPRIORITYR + 40, 1, true, &(uint64_t){ PRIO_HI }));
    assert_int_equal(lr_prio(*soft), PRIO_HI);
    vgic_dist_set_ctlr(&vm, 0);
    assert_int_equal(*soft, 0);
    vgic_dist_set_ctlr(&vm, GICD_CTLR_ENABLE_G1);
    assert_int_equal(lr_prio(*soft), PRIO_HI);

    vgic_inject_spi(&vm, 40);
    vgic_flush(v0);
    int first = fake_lr_find(40);
    assert_true(first >= 0);
    assert_int_equal(fake_lr[first], *soft);
    fake_guest_ack_lr((unsigned)first);
    fake_guest_complete_lr((unsigned)first);         /* the guest is done: ELRSR shows it empty */
    vgic_inject_spi(&vm, 40);
    vgic_flush(v0);
    assert_int_equal(fake_lr_find(40), first);       /* the lowest empty LR again */
    assert_int_equal(v0->vgic.lr_used, 1u << first); /* the old one forgotten */
    assert_false(in_bitmap(v0, 40));
    assert_false(vgic_work(v0));

    assert_true(vgic_irqreg_access(v0, NULL, GICD_ICENABLER + 4, 4, true, &(uint64_t){ 1u << (40 - 32) }));
    assert_int_equal(*soft, 0);
}

/* Disabled, already in an LR, the distributor off, no LR empty: through the
 * bitmap, which sets the work word. */
static void test_inject_local_slow_cases(void **state)
{
    (void)state;
    fake_vtimer_line = true;                         /* the timer's output is high */
    vgic_inject_local(v0, PPI_VTIMER);               /* disabled */
    assert_true(in_bitmap(v0, PPI_VTIMER));
    assert_true(vgic_work(v0));
    assert_int_equal(fake_lr_writes, 0);
    vgic_flush(v0);
    assert_true(vgic_work(v0));                      /* still waiting, disabled */

    gicr_write(v0, GICD_ISENABLER, 4, 1u << PPI_VTIMER);
    vgic_flush(v0);
    int i = fake_lr_find(PPI_VTIMER);
    assert_true(i >= 0);
    assert_false(vgic_work(v0));
    fake_guest_ack_lr((unsigned)i);
    vgic_inject_local(v0, PPI_VTIMER);               /* active in its LR */
    assert_true(in_bitmap(v0, PPI_VTIMER));
    assert_int_equal(fake_lr_count_valid(), 1);
    fake_guest_complete_lr((unsigned)i);
    vgic_flush(v0);
    assert_int_equal(fake_lr_find(PPI_VTIMER), i);

    fake_guest_ack_lr((unsigned)i);
    fake_guest_complete_lr((unsigned)i);
    vgic_dist_set_ctlr(&vm, 0);
    assert_int_equal(v0->vgic.lr_ready[PPI_VTIMER], 0);
    vgic_inject_local(v0, PPI_VTIMER);
    assert_int_equal(fake_lr_find(PPI_VTIMER), -1);
    assert_true(in_bitmap(v0, PPI_VTIMER));
    vgic_dist_set_ctlr(&vm, GICD_CTLR_ENABLE_G1);
    assert_int_not_equal(v0->vgic.lr_ready[PPI_VTIMER], 0);
    vgic_flush(v0);
    i = fake_lr_find(PPI_VTIMER);
    fake_guest_ack_lr((unsigned)i);
    fake_guest_complete_lr((unsigned)i);

    for (unsigned n = 0; n < NR_LRS; n++) {
        enable(v0, 40 + n, PRIO_LOW);
        vgic_inject_spi(&vm, 40 + n);
    }
    vgic_flush(v0);
    assert_int_equal(fake_lr_count_valid(), NR_LRS);
    vgic_inject_local(v0, PPI_VTIMER);
    assert_true(in_bitmap(v0, PPI_VTIMER));
    assert_int_equal(fake_lr_count_valid(), NR_LRS);
}

/* The fast path reuses an LR the guest has finished with and forgets it
 * from lr_used only: an SGI later put in such an LR must not inherit its
 * hardware bit, or the resample would take its pending state away. */
static void test_inject_local_reuses_empty_lr(void **state)
{
    (void)state;
    fake_vtimer_line = fake_pmu_line = true;
    gicr_write(v0, GICD_ISENABLER, 4, (1u << PPI_VTIMER) | (1u << PPI_PMU) | 0x6);
    vgic_inject(v0, 1);                              /* SGI 1 in LR 0 */
    vgic_flush(v0);
    vgic_inject_local(v0, PPI_VTIMER);               /* vtimer in LR 1 */
    assert_int_equal(fake_lr_find(1), 0);
    assert_int_equal(fake_lr_find(PPI_VTIMER), 1);
    assert_int_equal(v0->vgic.lr_used, 0x3);
    assert_int_equal(v0->vgic.lr_hw, 0x2);

    for (unsigned i = 0; i < 2; i++) {
        fake_guest_ack_lr(i);
        fake_guest_complete_lr(i);
    }
    vgic_inject_local(v0, PPI_PMU);                  /* both empty: LR 0 */
    assert_int_equal(fake_lr_find(PPI_PMU), 0);
    assert_int_equal(v0->vgic.lr_used, 0x1);
    assert_int_equal(fake_lr_count_valid(), 1);

    vgic_inject(v0, 1);                              /* SGI 1 into LR 1 */
    vgic_flush(v0);
    assert_int_equal(fake_lr_find(1), 1);
    assert_false(v0->vgic.lr_hw & 0x2);
    vgic_inject(v0, 2);                              /* a flush that resamples */
    vgic_flush(v0);
    assert_int_equal(fake_lr_find(1), 1);
    assert_true(vgic_is_pending(v0, 1));
}

/* Every source of vGIC work sets the word, from any CPU; a flush that leaves
 * nothing behind clears it, and one with nothing to do touches no LR. */
static void test_work_word_sources(void **state)
{
    (void)state;
    assert_int_equal(v0->work, 0);
    vgic_flush(v0);
    assert_int_equal(fake_lr_writes, 0);

    vgic_inject(v1, 40);                             /* remote, disabled */
    assert_true(vgic_work(v1));
    assert_false(vgic_work(v0));
    v1->work = 0;
    enable(v1, 40, PRIO_LOW);
    vgic_update(v1, 40);                             /* enabled: delivers it */
    assert_true(vgic_work(v1));

    enable(v0, 41, PRIO_LOW);
    vgic_set_level(&vm, 41, true);
    assert_true(vgic_work(v0));
    vgic_flush(v0);
    assert_false(vgic_work(v0));
    fake_current = v1;                               /* lowered from v1's CPU */
    vgic_set_level(&vm, 41, false);
    assert_true(vgic_work(v0));
    fake_current = v0;
    vgic_flush(v0);
    assert_int_equal(fake_lr_find(41), -1);
    assert_false(vgic_work(v0));

    /* More pending than LRs: UIE armed, the rest waits, the word stays. */
    for (unsigned n = 0; n < NR_LRS + 1; n++) {
        enable(v0, 42 + n, PRIO_LOW);
        vgic_inject_spi(&vm, 42 + n);
    }
    vgic_flush(v0);
    assert_true(fake_hcr & ICH_HCR_UIE);
    assert_true(vgic_work(v0));
}

/* ---- LPIs ---------------------------------------------------------- */

#define LPI(n)        (GIC_LPI_BASE_ID + (n))
#define GUEST_RAM_IPA UINT64_C(0x40000000)
#define PROP_OFF      0x1000            /* the configuration table, in the guest's RAM */

static uint8_t guest_ram[0x4000] __attribute__((aligned(4096)));
static struct vm_config lpi_cfg = { .ram_ipa = GUEST_RAM_IPA, .ram_size = sizeof(guest_ram) };

/* vCPU v with its LPIs on, the table at PROP_OFF covering every LPI. */
static void lpis_on(struct vcpu *v)
{
    vm.cfg = &lpi_cfg;
    vm.ram_pa = pa_of((uintptr_t)guest_ram);
    vgic_lpi_of(v)->propbaser = (GUEST_RAM_IPA + PROP_OFF) | GICD_TYPER_IDBITS_LPI;
    vgic_lpi_set_ctlr(v, true);
    assert_true(vgic_lpi_of(v)->enabled);
}

static void lpi_config(unsigned n, uint8_t prio, bool on)
{
    guest_ram[PROP_OFF + n] = (uint8_t)(prio | (on ? LPI_CFG_ENABLE : 0));
}

/* INT's effect: the LPI pending on its vCPU, a kick, then an LR with its
 * INTID and the table's priority, group 1, no HW. */
static void test_lpi_delivered(void **state)
{
    (void)state;
    lpi_config(5, 0x40, true);
    lpis_on(v0);
    unsigned kicks = fake_kick_count;
    vgic_lpi_pend(v0, LPI(5));
    assert_int_equal(fake_kick_count, kicks + 1);
    assert_ptr_equal(fake_last_kicked, v0);
    assert_true(vgic_lpi_pending(v0, LPI(5)));
    vgic_flush(v0);
    assert_true(vgic_wants_wakeup(v0));         /* from its LR */
    uint64_t lr = lr_of(LPI(5));
    assert_int_equal(lr & ICH_LR_STATE_MASK, ICH_LR_PENDING);
    assert_int_equal(lr & ICH_LR_VINTID_MASK, LPI(5));
    assert_int_equal(lr_prio(lr), 0x40);
    assert_true(lr & ICH_LR_GROUP1);
    assert_false(lr & (ICH_LR_HW | ICH_LR_EOI));
    assert_false(v0->vgic.lpis);
    assert_false(vgic_lpi_of(v0)->pending[0] & (1u << 5));
    /* Outside the VM's LPIs, or below them: nothing. */
    vgic_lpi_pend(v0, LPI(VITS_MAX_LPIS));
    vgic_lpi_pend(v0, 40);
    assert_false(v0->vgic.lpis);
    assert_false(in_bitmap(v0, 40));
}

/* A disabled LPI, or LPIs off at the redistributor, or group 1 off: it
 * waits, and does not end a WFI; INV of the changed table delivers it. */
static void test_lpi_disabled_waits(void **state)
{
    (void)state;
    lpi_config(7, 0x80, false);
    lpis_on(v0);
    vgic_lpi_pend(v0, LPI(7));
    assert_false(vgic_wants_wakeup(v0));
    vgic_flush(v0);
    assert_int_equal(fake_lr_find(LPI(7)), -1);
    assert_true(vgic_lpi_pending(v0, LPI(7)));
    assert_true(v0->vgic.lpis);                 /* looked at again */
    lpi_config(7, 0x80, true);
    assert_int_equal(fake_lr_find(LPI(7)), -1); /* not before INV */
    unsigned kicks = fake_kick_count;
    assert_true(vgic_lpi_reload(v0, LPI(7), 1));
    assert_true(fake_kick_count > kicks);       /* the vCPUs with LPIs waiting */
    vgic_flush(v0);
    assert_true(fake_lr_find(LPI(7)) >= 0);
    assert_true(vgic_wants_wakeup(v0));

    /* EnableLPIs 0: held until it is set again. */
    vgic_lpi_set_ctlr(v1, false);
    lpi_config(8, 0x80, true);
    vgic_lpi_of(v1)->propbaser = (GUEST_RAM_IPA + PROP_OFF) | GICD_TYPER_IDBITS_LPI;
    fake_current = v1;
    vgic_lpi_pend(v1, LPI(8));
    fake_vgic_hw_reset(NR_LRS);                 /* v1 on this CPU now */
    vgic_flush(v1);
    assert_int_equal(fake_lr_find(LPI(8)), -1);
    kicks = fake_kick_count;
    vgic_lpi_set_ctlr(v1, true);
    assert_true(fake_kick_count > kicks);
    vgic_flush(v1);
    assert_true(fake_lr_find(LPI(8)) >= 0);
}

/* INV of an LPI already in an LR: placed again with the new priority;
 * disabled, it leaves the LR and stays pending. */
static void test_lpi_reload_refreshes_lrs(void **state)
{
    (void)state;
    lpi_config(2, 0x40, true);
    lpis_on(v0);
    vgic_lpi_pend(v0, LPI(2));
    vgic_flush(v0);
    assert_int_equal(lr_prio(lr_of(LPI(2))), 0x40);
    lpi_config(2, 0x80, true);
    assert_true(vgic_lpi_reload(v0, LPI(2), 1));
    vgic_flush(v0);
    assert_int_equal(lr_prio(lr_of(LPI(2))), 0x80);
    assert_int_equal(fake_lr_count_valid(), 1);
    lpi_config(2, 0x80, false);
    assert_true(vgic_lpi_reload(v0, LPI(2), 1));
    vgic_flush(v0);
    assert_int_equal(fake_lr_find(LPI(2)), -1);
    assert_true(vgic_lpi_pending(v0, LPI(2)));
}

/* IDbits asking for fewer LPIs than the VM has: those beyond are
 * disabled; a table outside the VM's RAM changes nothing. */
static void test_lpi_table_bounds(void **state)
{
    (void)state;
    lpi_config(0, 0x40, true);
    lpis_on(v0);
    assert_int_equal(vm.lpis.cfg[0], 0x41);
    /* 14 bits cover all; 13 bits cover none (INTIDs below 8192). */
    vgic_lpi_of(v0)->propbaser = (GUEST_RAM_IPA + PROP_OFF) | 12;
    assert_true(vgic_lpi_reload(v0, LPI(0), 16));
    assert_int_equal(vm.lpis.cfg[0], 0);
    lpi_config(0, 0x40, true);
    vgic_lpi_of(v0)->propbaser = (GUEST_RAM_IPA + sizeof(guest_ram)) | GICD_TYPER_IDBITS_LPI;
    assert_false(vgic_lpi_reload(v0, LPI(0), 2));
    assert_int_equal(vm.lpis.cfg[0], 0);    /* unchanged */
}

/* CLEAR of an LPI already in the target's LR on another CPU: taken out at
 * that vCPU's next flush; on its own CPU at once. */
static void test_lpi_unpend(void **state)
{
    (void)state;
    lpi_config(3, 0x40, true);
    lpis_on(v0);
    vgic_lpi_pend(v0, LPI(3));
    vgic_flush(v0);
    assert_true(fake_lr_find(LPI(3)) >= 0);
    fake_current = v1;
    unsigned kicks = fake_kick_count;
    vgic_lpi_unpend(v0, LPI(3));
    assert_int_equal(fake_kick_count, kicks + 1);
    assert_true(fake_lr_find(LPI(3)) >= 0);     /* not yet: not v0's CPU */
    fake_current = v0;
    vgic_flush(v0);
    assert_int_equal(fake_lr_find(LPI(3)), -1);
    assert_false(vgic_lpi_pending(v0, LPI(3)));
    /* On its own CPU. */
    vgic_lpi_pend(v0, LPI(3));
    vgic_flush(v0);
    vgic_lpi_unpend(v0, LPI(3));
    assert_int_equal(fake_lr_find(LPI(3)), -1);
    /* Still in the bitmap: just cleared. */
    vgic_lpi_pend(v0, LPI(3));
    vgic_lpi_unpend(v0, LPI(3));
    vgic_flush(v0);
    assert_int_equal(fake_lr_find(LPI(3)), -1);
}

/* MOVI and MOVALL take what waits in the bitmap to the new vCPU. */
static void test_lpi_move(void **state)
{
    (void)state;
    lpi_config(9, 0x40, true);
    lpi_config(100, 0x40, true);
    lpis_on(v0);
    lpis_on(v1);
    vgic_lpi_set_ctlr(v0, false);               /* v0 holds them */
    vgic_lpi_pend(v0, LPI(9));
    vgic_lpi_pend(v0, LPI(100));
    vgic_lpi_move(v0, v1, LPI(9));
    assert_false(vgic_lpi_of(v0)->pending[0] & (1u << 9));
    assert_true(vgic_lpi_of(v1)->pending[0] & (1u << 9));
    assert_ptr_equal(fake_last_kicked, v1);
    vgic_lpi_move_all(v0, v1);
    assert_true(vgic_lpi_pending(v1, LPI(100)));
    assert_false(vgic_lpi_pending(v0, LPI(100)));
    fake_current = v1;
    vgic_flush(v1);
    assert_true(fake_lr_find(LPI(9)) >= 0);
    assert_true(fake_lr_find(LPI(100)) >= 0);
}

/* MOVI of an LPI already in the old vCPU's LR on another CPU: that CPU
 * takes it out and forwards it; a CLEAR before then cancels it. */
static void test_lpi_move_from_lr(void **state)
{
    (void)state;
    lpi_config(11, 0x40, true);
    lpis_on(v0);
    lpis_on(v1);
    vgic_lpi_pend(v0, LPI(11));
    vgic_flush(v0);
    assert_true(fake_lr_find(LPI(11)) >= 0);
    fake_current = v1;
    vgic_lpi_move(v0, v1, LPI(11));
    assert_false(vgic_lpi_of(v1)->pending[0] & (1u << 11));   /* not yet */
    fake_current = v0;
    vgic_flush(v0);
    assert_int_equal(fake_lr_find(LPI(11)), -1);
    assert_true(vgic_lpi_of(v1)->pending[0] & (1u << 11));
    /* Again, with a CLEAR on the new target before v0's flush. */
    vgic_lpi_unpend(v1, LPI(11));
    vgic_lpi_pend(v0, LPI(11));
    vgic_flush(v0);
    fake_current = v1;
    vgic_lpi_move(v0, v1, LPI(11));
    vgic_lpi_unpend(v1, LPI(11));
    fake_current = v0;
    vgic_flush(v0);
    assert_int_equal(fake_lr_find(LPI(11)), -1);
    assert_false(vgic_lpi_pending(v1, LPI(11)));
}

/* More LPIs than LRs: the least urgent wait, UIE asks for the refill; an
 * urgent SPI evicts a pending LPI back to the LPI bitmap. */
static void test_lpi_more_than_lrs(void **state)
{
    (void)state;
    for (unsigned n = 0; n < NR_LRS + 1; n++)
        lpi_config(n, PRIO_LOW, true);
    lpis_on(v0);
    for (unsigned n = 0; n < NR_LRS + 1; n++)
        vgic_lpi_pend(v0, LPI(n));
    vgic_flush(v0);
    assert_int_equal(fake_lr_count_valid(), NR_LRS);
    assert_true(fake_hcr & ICH_HCR_UIE);
    assert_true(v0->vgic.lpis);
    enable(v0, 40, PRIO_HI);
    vgic_inject_spi(&vm, 40);
    vgic_flush(v0);
    assert_true(fake_lr_find(40) >= 0);
    unsigned waiting = 0;
    for (unsigned n = 0; n < NR_LRS + 1; n++)
        waiting += (vgic_lpi_of(v0)->pending[0] >> n) & 1;
    assert_int_equal(waiting, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_flush_puts_enabled_irq_in_lr, setup),
        cmocka_unit_test_setup(test_hw_irq_lr, setup),
        cmocka_unit_test_setup(test_pmu_irq_is_hw, setup),
        cmocka_unit_test_setup(test_disabled_irq_stays_pending, setup),
        cmocka_unit_test_setup(test_distributor_disabled_holds, setup),
        cmocka_unit_test_setup(test_more_pending_than_lrs, setup),
        cmocka_unit_test_setup(test_higher_priority_evicts_pending_lr, setup),
        cmocka_unit_test_setup(test_eviction_requests_refill, setup),
        cmocka_unit_test_setup(test_eviction_requests_refill_later_word, setup),
        cmocka_unit_test_setup(test_no_eviction_of_equal_lower_or_active, setup),
        cmocka_unit_test_setup(test_reinject_active_same_lr, setup),
        cmocka_unit_test_setup(test_sgi_target_list, setup),
        cmocka_unit_test_setup(test_sgi_range_selector, setup),
        cmocka_unit_test_setup(test_sgi_broadcast, setup),
        cmocka_unit_test_setup(test_clear_pending, setup),
        cmocka_unit_test_setup(test_wants_wakeup, setup),
        cmocka_unit_test_setup(test_no_wakeup_with_distributor_disabled, setup),
        cmocka_unit_test_setup(test_vtimer_is_hw, setup),
        cmocka_unit_test_setup(test_hw_line_drop_unpends, setup),
        cmocka_unit_test_setup(test_clear_active_hw, setup),
        cmocka_unit_test_setup(test_clear_active_emulated, setup),
        cmocka_unit_test_setup(test_clear_active_remote, setup),
        cmocka_unit_test_setup(test_emulated_level_eoi, setup),
        cmocka_unit_test_setup(test_emulated_level_lowered_remotely, setup),
        cmocka_unit_test_setup(test_latched_pending_on_level_irq, setup),
        cmocka_unit_test_setup(test_lr_ready_follows_config, setup),
        cmocka_unit_test_setup(test_lr_soft_follows_config, setup),
        cmocka_unit_test_setup(test_inject_local_slow_cases, setup),
        cmocka_unit_test_setup(test_inject_local_reuses_empty_lr, setup),
        cmocka_unit_test_setup(test_work_word_sources, setup),
        cmocka_unit_test_setup(test_lpi_delivered, setup),
        cmocka_unit_test_setup(test_lpi_disabled_waits, setup),
        cmocka_unit_test_setup(test_lpi_table_bounds, setup),
        cmocka_unit_test_setup(test_lpi_reload_refreshes_lrs, setup),
        cmocka_unit_test_setup(test_lpi_unpend, setup),
        cmocka_unit_test_setup(test_lpi_move, setup),
        cmocka_unit_test_setup(test_lpi_move_from_lr, setup),
        cmocka_unit_test_setup(test_lpi_more_than_lrs, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
