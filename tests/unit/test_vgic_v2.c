/* SPDX-License-Identifier: MIT */
/*
 * The virtual GICv2 (GIC_VERSION 2): the emulated distributor
 * (src/vdev/vgic_dist_v2.c), driven through its mmio_ops as the exit path
 * calls them, with vcpu_current() the accessing vCPU, and the model
 * (src/core/vgic.c) through vgic_flush, the fake list registers in GICH_LR's
 * format (fake/vgic_hw.c) and vgic_maintenance.  A VM of three vCPUs with
 * 64 SPIs; four LRs, one physical CPU's: each test flushes one vCPU only.
 */
#include <string.h>
#include "unit.h"
#include "fake.h"
#include "core/vgic.h"
#include "arch/regs.h"
#include "arch/vgic_hw.h"

_Static_assert(GIC_VERSION == 2, "test_vgic_v2 is built with -DGIC_VERSION=2 (unit.mk)");

extern const struct mmio_ops vgic_dist_ops;

#define NR_LRS      4
#define NR_VCPUS    3
#define NR_SPIS     64
#define SPI         40          /* one of the VM's SPIs (INTIDs 32..95) */
#define UNUSED_PPI  22          /* no source: an emulated PPI */
#define SGI_A       7
#define SGI_B       9

static struct vm vm;
static struct vcpu *v0, *v1, *v2;

/* A GICv2 has no LPIs. */
static void make_vm(struct vm *m, unsigned nr_vcpus, unsigned nr_spis)
{
    fake_vgic_vm(m, nr_vcpus, nr_spis, 0);
}

static int setup(void **state)
{
    (void)state;
    fake_vgic_reset(NR_LRS);
    vgic_hw_by_eoi = false;
    make_vm(&vm, NR_VCPUS, NR_SPIS);
    v0 = &vm.vcpus[0];
    v1 = &vm.vcpus[1];
    v2 = &vm.vcpus[2];
    fake_current = v0;
    return 0;
}

/* A guest access from vCPU `v`, as exit_dabt_mmio makes it. */
static uint64_t gicd_read(struct vcpu *v, uint64_t off, unsigned width)
{
    fake_current = v;
    return vgic_dist_ops.read(v, &v->vm->vgic, off, width);
}

static void gicd_write(struct vcpu *v, uint64_t off, unsigned width, uint64_t val)
{
    fake_current = v;
    assert_int_equal(vgic_dist_ops.write(v, &v->vm->vgic, off, width, val), MMIO_OK);
}

/* The register of a one-bit-per-INTID array that holds `intid`, and its bit. */
static uint64_t reg_of(uint64_t base, unsigned intid) { return base + intid / 32 * 4; }
static uint32_t bit_of(unsigned intid) { return 1u << (intid % 32); }

/* As a guest enables one interrupt: ISENABLER, from vCPU `v`. */
static void enable(struct vcpu *v, unsigned intid)
{
    gicd_write(v, reg_of(GICD_ISENABLER, intid), 4, bit_of(intid));
}

static void set_ctlr(uint32_t val) { gicd_write(v0, GICD_CTLR, 4, val); }

static uint32_t sgir(unsigned filter, unsigned targets, unsigned intid)
{
    return filter << GICD_SGIR_FILTER_SHIFT | targets << GICD_SGIR_TARGETS_SHIFT | intid;
}

static bool in_bitmap(const struct vcpu *v, unsigned intid)
{
    return (v->vgic.pending[intid / 64] >> (intid % 64)) & 1;
}

/* GICD_SPENDSGIR's byte of SGI `intid` as vCPU `v` reads it. */
static unsigned spendsgir(struct vcpu *v, unsigned intid)
{
    return (unsigned)gicd_read(v, GICD_SPENDSGIR + intid, 1);
}

/* GICH_LR<n>'s fields (IHI 0048B 5.3.8), read here by their bits, not
 * through arch/vgic_lr.h, so that a wrong accessor there shows too. */
static unsigned lr_vintid(uint64_t lr) { return (unsigned)(lr & GICH_LR_VINTID_MASK); }
static unsigned lr_cpuid(uint64_t lr) { return (unsigned)(lr >> GICH_LR_CPUID_SHIFT) & 7u; }
static unsigned lr_pintid(uint64_t lr) { return (unsigned)(lr >> GICH_LR_PINTID_SHIFT) & 0x3ffu; }
static unsigned lr_prio5(uint64_t lr) { return (unsigned)(lr >> GICH_LR_PRIO_SHIFT) & 0x1fu; }
static uint64_t lr_state(uint64_t lr) { return lr & GICH_LR_STATE_MASK; }

static uint64_t lr_of(unsigned intid)
{
    int i = fake_lr_find(intid);
    assert_true(i >= 0);
    return fake_lr[i];
}

static void assert_no_lr_writes_beyond_32_bits(void)
{
    for (unsigned i = 0; i < NR_LRS; i++)
        assert_int_equal(fake_lr[i] >> 32, 0);
}

/* ---- GICD_SGIR --------------------------------------------------------- */

static void test_sgir_filters(void **state)
{
    (void)state;
    /* Target list: vCPUs 1 and 2, from vCPU 0. */
    gicd_write(v0, GICD_SGIR, 4, sgir(GICD_SGIR_FILTER_LIST, 0x6, 3));
    assert_false(in_bitmap(v0, 3));
    assert_true(in_bitmap(v1, 3));
    assert_true(in_bitmap(v2, 3));
    assert_int_equal(v1->vgic.sgi_src[3], 1u << 0);
    assert_int_equal(v2->vgic.sgi_src[3], 1u << 0);
    assert_int_equal(spendsgir(v2, 3), 1u << 0);
    assert_int_equal(spendsgir(v0, 3), 0);
    assert_int_equal(fake_log_count, 0);

    /* All but self, from vCPU 1. */
    gicd_write(v1, GICD_SGIR, 4, sgir(GICD_SGIR_FILTER_OTHERS, 0, 4));
    assert_int_equal(v0->vgic.sgi_src[4], 1u << 1);
    assert_int_equal(v1->vgic.sgi_src[4], 0);
    assert_false(in_bitmap(v1, 4));
    assert_int_equal(v2->vgic.sgi_src[4], 1u << 1);

    /* Self, from vCPU 2; the target list is not looked at. */
    gicd_write(v2, GICD_SGIR, 4, sgir(GICD_SGIR_FILTER_SELF, 0x3, 5));
    assert_int_equal(v0->vgic.sgi_src[5], 0);
    assert_int_equal(v1->vgic.sgi_src[5], 0);
    assert_int_equal(v2->vgic.sgi_src[5], 1u << 2);
    assert_true(in_bitmap(v2, 5));

    /* The reserved filter (3): nothing. */
    gicd_write(v0, GICD_SGIR, 4, sgir(3, 0x7, 6));
    for (unsigned i = 0; i < NR_VCPUS; i++)
        assert_false(in_bitmap(&vm.vcpus[i], 6));
    assert_int_equal(fake_log_count, 0);
}

/* CPU interfaces 3..7 are no vCPU of this VM: the bits are logged and
 * ignored, the VM's own targets still reached. */
static void test_sgir_targets_beyond_vm(void **state)
{
    (void)state;
    gicd_write(v0, GICD_SGIR, 4, sgir(GICD_SGIR_FILTER_LIST, 0xf8 | 0x2, 6));
    assert_int_equal(v1->vgic.sgi_src[6], 1u << 0);
    assert_false(in_bitmap(v0, 6));
    assert_false(in_bitmap(v2, 6));
    assert_int_equal(fake_log_count, 1);

    gicd_write(v0, GICD_SGIR, 4, sgir(GICD_SGIR_FILTER_LIST, 0x80, 8));
    for (unsigned i = 0; i < NR_VCPUS; i++)
        assert_int_equal(vm.vcpus[i].vgic.pending[0] & bit_of(8), 0);
    assert_int_equal(fake_log_count, 2);

    /* A VM of two vCPUs: all but self from vCPU 0 is vCPU 1 only. */
    make_vm(&vm, 2, NR_SPIS);
    gicd_write(v0, GICD_SGIR, 4, sgir(GICD_SGIR_FILTER_OTHERS, 0, 2));
    assert_int_equal(v1->vgic.sgi_src[2], 1u << 0);
    assert_int_equal(v2->vgic.sgi_src[2], 0);       /* not the VM's any more */
    assert_int_equal(fake_log_count, 2);
}

/* ---- per-source SGIs ---------------------------------------------------- */

/* SGI n from vCPU 0 and from vCPU 1 to vCPU 2: one at a time in an LR, with
 * its source's CPUID and, while the other waits, the EOI bit; the guest's
 * deactivation and the maintenance interrupt bring the next. */
static void test_sgi_per_source_delivery(void **state)
{
    (void)state;
    set_ctlr(GICD_V2_CTLR_ENABLE);
    enable(v2, SGI_A);
    gicd_write(v0, GICD_SGIR, 4, sgir(GICD_SGIR_FILTER_LIST, 1u << 2, SGI_A));
    gicd_write(v1, GICD_SGIR, 4, sgir(GICD_SGIR_FILTER_LIST, 1u << 2, SGI_A));
    assert_int_equal(v2->vgic.sgi_src[SGI_A], 0x3);
    assert_int_equal(spendsgir(v2, SGI_A), 0x3);

    fake_current = v2;
    vgic_flush(v2);
    assert_int_equal(fake_lr_count_valid(), 1);
    uint64_t lr = lr_of(SGI_A);
    unsigned first = lr_cpuid(lr);
    assert_true(first == 0 || first == 1);
    assert_int_equal(lr_state(lr), GICH_LR_PENDING);
    assert_true(lr & GICH_LR_EOI);
    assert_false(lr & GICH_LR_HW);
    /* Both still pending as the guest sees them: one in the LR, one waiting. */
    assert_int_equal(spendsgir(v2, SGI_A), 0x3);
    assert_no_lr_writes_beyond_32_bits();

    /* Acknowledged: the LR's source is active, no longer pending. */
    unsigned n = (unsigned)fake_lr_find(SGI_A);
    fake_guest_ack_lr(n);
    assert_int_equal(spendsgir(v2, SGI_A), 1u << (first ^ 1));
    fake_current = v2;
    vgic_flush(v2);                 /* no second LR for the same SGI */
    assert_int_equal(fake_lr_count_valid(), 1);
    assert_int_equal(lr_cpuid(lr_of(SGI_A)), first);

    /* Deactivated: the EOI maintenance interrupt, then the other source. */
    fake_guest_complete_lr(n);
    assert_true(vgic_hw_eisr() & (1u << n));
    vgic_maintenance(v2);
    vgic_flush(v2);
    assert_int_equal(fake_lr_count_valid(), 1);
    lr = lr_of(SGI_A);
    assert_int_equal(lr_cpuid(lr), first ^ 1);
    assert_int_equal(lr_state(lr), GICH_LR_PENDING);
    assert_false(lr & GICH_LR_EOI);         /* nothing more waits */
    assert_int_equal(v2->vgic.sgi_src[SGI_A], 0);
    assert_int_equal(spendsgir(v2, SGI_A), 1u << (first ^ 1));

    /* And done: nothing pending any more. */
    fake_guest_complete_lr((unsigned)fake_lr_find(SGI_A));
    vgic_maintenance(v2);
    vgic_flush(v2);
    assert_int_equal(fake_lr_count_valid(), 0);
    assert_int_equal(spendsgir(v2, SGI_A), 0);
    assert_false(in_bitmap(v2, SGI_A));
}

/* The same SGI from the same source again while the first is still
 * pending in its LR is the one pending SGI (IHI 0048B 3.2.4: an SGI is
 * pending or not, once per source): the guest takes it once.  Once
 * acknowledged (active), another from that source is a second one. */
/* SGI_A from vCPU `from` to vCPU 2, then vCPU 2's flush. */
static void sgi_a_to_v2(struct vcpu *from)
{
    gicd_write(from, GICD_SGIR, 4, sgir(GICD_SGIR_FILTER_LIST, 1u << 2, SGI_A));
    fake_current = v2;
    vgic_flush(v2);
}

/* vCPU 2's guest deactivates LR n; the maintenance interrupt; the flush. */
static void v2_complete(unsigned n)
{
    fake_guest_complete_lr(n);
    vgic_maintenance(v2);
    vgic_flush(v2);
}

static void test_sgi_same_source_while_pending(void **state)
{
    (void)state;
    set_ctlr(GICD_V2_CTLR_ENABLE);
    enable(v2, SGI_A);
    sgi_a_to_v2(v0);
    unsigned n = (unsigned)fake_lr_find(SGI_A);
    sgi_a_to_v2(v0);
    assert_int_equal(spendsgir(v2, SGI_A), 1u << 0);
    fake_guest_ack_lr(n);
    v2_complete(n);
    assert_int_equal(fake_lr_find(SGI_A), -1);          /* taken once */
    assert_int_equal(spendsgir(v2, SGI_A), 0);

    /* Active, then the same source again: delivered after the first. */
    sgi_a_to_v2(v0);
    n = (unsigned)fake_lr_find(SGI_A);
    fake_guest_ack_lr(n);
    sgi_a_to_v2(v0);
    assert_int_equal(spendsgir(v2, SGI_A), 1u << 0);
    v2_complete(n);
    assert_int_equal(lr_state(lr_of(SGI_A)), GICH_LR_PENDING);
    assert_int_equal(lr_cpuid(lr_of(SGI_A)), 0);
}

/* GICD_SPENDSGIR and CPENDSGIR: a byte of source bits per SGI, banked (the
 * accessing vCPU's SGIs). */
static void test_spendsgir_cpendsgir(void **state)
{
    (void)state;
    /* A byte write: sources 0 and 2 of SGI_B on vCPU 2; bit 5 (no vCPU of
     * the VM) ignored. */
    gicd_write(v2, GICD_SPENDSGIR + SGI_B, 1, 0x25);
    assert_int_equal(v2->vgic.sgi_src[SGI_B], 0x5);
    assert_true(in_bitmap(v2, SGI_B));
    assert_int_equal(spendsgir(v2, SGI_B), 0x5);
    assert_int_equal(spendsgir(v1, SGI_B), 0);      /* banked */
    /* The clear register reads the same. */
    assert_int_equal(gicd_read(v2, GICD_CPENDSGIR + SGI_B, 1), 0x5);
    /* A word: SGIs 8..11, byte 1 (SGI 9) of it. */
    assert_int_equal(gicd_read(v2, GICD_SPENDSGIR + 8, 4), 0x5u << 8);

    /* Writes add sources; a word write reaches each of its four SGIs. */
    gicd_write(v2, GICD_SPENDSGIR + 8, 4, 0x01000200);
    assert_int_equal(v2->vgic.sgi_src[SGI_B], 0x7);
    assert_int_equal(v2->vgic.sgi_src[11], 0x1);
    assert_int_equal(v2->vgic.sgi_src[8], 0);
    assert_int_equal(v2->vgic.sgi_src[10], 0);

    /* CPENDSGIR clears the sources written; the SGI stays pending while
     * one is left. */
    gicd_write(v2, GICD_CPENDSGIR + SGI_B, 1, 0x1);
    assert_int_equal(v2->vgic.sgi_src[SGI_B], 0x6);
    assert_true(in_bitmap(v2, SGI_B));
    gicd_write(v2, GICD_CPENDSGIR + 8, 4, 0xff00ff00);
    assert_int_equal(v2->vgic.sgi_src[SGI_B], 0);
    assert_false(in_bitmap(v2, SGI_B));
    assert_int_equal(v2->vgic.sgi_src[11], 0);
    assert_false(in_bitmap(v2, 11));
    assert_int_equal(spendsgir(v2, SGI_B), 0);
}

/* CPENDSGIR of the source in the LR takes it out of the LR; the other
 * source stays pending. */
static void test_cpendsgir_of_lr_source(void **state)
{
    (void)state;
    set_ctlr(GICD_V2_CTLR_ENABLE);
    enable(v2, SGI_B);
    gicd_write(v2, GICD_SPENDSGIR + SGI_B, 1, 0x3);
    fake_current = v2;
    vgic_flush(v2);
    unsigned in_lr = lr_cpuid(lr_of(SGI_B));
    gicd_write(v2, GICD_CPENDSGIR + SGI_B, 1, 1u << in_lr);
    assert_int_equal(fake_lr_find(SGI_B), -1);
    assert_int_equal(spendsgir(v2, SGI_B), 1u << (in_lr ^ 1));
    vgic_flush(v2);
    assert_int_equal(lr_cpuid(lr_of(SGI_B)), in_lr ^ 1);
}

/* ISPENDR0 and ICPENDR0's SGI bits are WI (the pending state of an SGI is
 * per source: SPENDSGIR); their PPI bits work. */
static void test_ispendr0_sgi_bits_ignored(void **state)
{
    (void)state;
    gicd_write(v0, GICD_ISPENDR, 4, 0xffffu | bit_of(UNUSED_PPI));
    for (unsigned i = 0; i < GIC_PPI_BASE_ID; i++) {
        assert_false(in_bitmap(v0, i));
        assert_int_equal(v0->vgic.sgi_src[i], 0);
    }
    assert_true(in_bitmap(v0, UNUSED_PPI));
    assert_int_equal(gicd_read(v0, GICD_ISPENDR, 4), bit_of(UNUSED_PPI));

    gicd_write(v0, GICD_SGIR, 4, sgir(GICD_SGIR_FILTER_SELF, 0, 3));
    assert_int_equal(gicd_read(v0, GICD_ISPENDR, 4), bit_of(UNUSED_PPI) | bit_of(3));
    gicd_write(v0, GICD_ICPENDR, 4, 0xffffu);
    assert_true(in_bitmap(v0, 3));
    assert_int_equal(v0->vgic.sgi_src[3], 1u << 0);
    gicd_write(v0, GICD_ICPENDR, 4, bit_of(UNUSED_PPI));
    assert_false(in_bitmap(v0, UNUSED_PPI));
    assert_int_equal(gicd_read(v0, GICD_ISPENDR, 4), bit_of(3));
}

/* ---- GICD_ITARGETSR ------------------------------------------------------ */

static void test_itargetsr_routes_spi(void **state)
{
    (void)state;
    uint64_t byte = GICD_ITARGETSR + SPI;
    assert_int_equal(gicd_read(v0, byte, 1), 1u << 0);     /* reset: vCPU 0 */

    /* vCPUs 1 and 2 written: the lowest, vCPU 1; seen so from every vCPU. */
    gicd_write(v0, byte, 1, 0x06);
    assert_int_equal(vgic_irq_of(v0, SPI)->target, 1);
    assert_int_equal(gicd_read(v0, byte, 1), 1u << 1);
    assert_int_equal(gicd_read(v2, byte, 1), 1u << 1);

    /* Naming no vCPU of the VM (CPU interface 3), or none at all: unchanged. */
    gicd_write(v0, byte, 1, 0x08);
    assert_int_equal(gicd_read(v0, byte, 1), 1u << 1);
    assert_int_equal(fake_log_count, 1);
    gicd_write(v0, byte, 1, 0x00);
    assert_int_equal(gicd_read(v0, byte, 1), 1u << 1);

    /* 0xfc: 2 is the lowest of the VM's. */
    gicd_write(v1, byte, 1, 0xfc);
    assert_int_equal(gicd_read(v1, byte, 1), 1u << 2);

    /* A word: SPIs 40..43 at once, each byte on its own. */
    gicd_write(v0, byte, 4, 0x01020400);
    assert_int_equal(gicd_read(v0, byte, 4), 0x01020404);

    /* Delivered where it is routed. */
    set_ctlr(GICD_V2_CTLR_ENABLE);
    enable(v0, SPI);
    vgic_inject_spi(&vm, SPI);
    assert_true(in_bitmap(v2, SPI));
    assert_false(in_bitmap(v0, SPI));
    assert_false(in_bitmap(v1, SPI));
    assert_ptr_equal(fake_last_kicked, v2);

    /* An INTID past the VM's SPIs: RAZ/WI. */
    uint64_t past = GICD_ITARGETSR + VGIC_NR_PRIVATE + NR_SPIS;
    gicd_write(v0, past, 4, 0x02020202);
    assert_int_equal(gicd_read(v0, past, 4), 0);
}

/* A pending SPI routed elsewhere before its flush moves with the routing
 * only for injections after it (IHI 0048B 3.1.3: the targets of a pending
 * interrupt may change); what follows the write goes to the new target. */
static void test_itargetsr_moves_later_injections(void **state)
{
    (void)state;
    set_ctlr(GICD_V2_CTLR_ENABLE);
    enable(v0, SPI + 1);
    gicd_write(v0, GICD_ITARGETSR + SPI + 1, 1, 0x04);
    vgic_inject_spi(&vm, SPI + 1);
    assert_true(in_bitmap(v2, SPI + 1));
    gicd_write(v0, GICD_ITARGETSR + SPI + 1, 1, 0x01);
    fake_current = v0;
    vgic_inject_spi(&vm, SPI + 1);
    assert_true(in_bitmap(v0, SPI + 1));
}

/* The private bytes (SGIs, PPIs): the accessing vCPU's bit, read-only. */
static void test_itargetsr_private_bytes(void **state)
{
    (void)state;
    assert_int_equal(gicd_read(v0, GICD_ITARGETSR, 4), 0x01010101);
    assert_int_equal(gicd_read(v1, GICD_ITARGETSR, 4), 0x02020202);
    assert_int_equal(gicd_read(v2, GICD_ITARGETSR + 28, 4), 0x04040404);
    assert_int_equal(gicd_read(v2, GICD_ITARGETSR + PPI_VTIMER, 1), 0x04);

    gicd_write(v1, GICD_ITARGETSR, 4, 0x04040404);
    gicd_write(v1, GICD_ITARGETSR + 28, 4, 0xffffffff);
    assert_int_equal(gicd_read(v1, GICD_ITARGETSR, 4), 0x02020202);
    assert_int_equal(gicd_read(v1, GICD_ITARGETSR + 28, 4), 0x02020202);
    for (unsigned i = 0; i < VGIC_NR_PRIVATE; i++)
        assert_int_equal(v1->vgic.priv[i].target, 0);
    assert_int_equal(fake_log_count, 0);
}

/* ---- banked private registers -------------------------------------------- */

static void test_private_registers_banked(void **state)
{
    (void)state;
    enable(v0, UNUSED_PPI);
    assert_true(vgic_irq_of(v0, UNUSED_PPI)->enabled);
    assert_false(vgic_irq_of(v1, UNUSED_PPI)->enabled);
    assert_int_equal(gicd_read(v0, GICD_ISENABLER, 4), bit_of(UNUSED_PPI));
    assert_int_equal(gicd_read(v1, GICD_ISENABLER, 4), 0);
    assert_int_equal(gicd_read(v1, GICD_ICENABLER, 4), 0);

    /* A priority byte too; an SPI's is the VM's, seen from every vCPU. */
    gicd_write(v1, GICD_IPRIORITYR + UNUSED_PPI, 1, 0x30);
    gicd_write(v1, GICD_IPRIORITYR + SPI, 1, 0x50);
    assert_int_equal(gicd_read(v1, GICD_IPRIORITYR + UNUSED_PPI, 1), 0x30);
    assert_int_equal(gicd_read(v0, GICD_IPRIORITYR + UNUSED_PPI, 1), VGIC_PRIO_DEFAULT);
    assert_int_equal(gicd_read(v2, GICD_IPRIORITYR + SPI, 1), 0x50);

    /* ICENABLER0 from vCPU 1 leaves vCPU 0's enabled. */
    gicd_write(v1, GICD_ICENABLER, 4, GIC_ALL_32);
    assert_true(vgic_irq_of(v0, UNUSED_PPI)->enabled);
    gicd_write(v0, GICD_ICENABLER, 4, bit_of(UNUSED_PPI));
    assert_false(vgic_irq_of(v0, UNUSED_PPI)->enabled);
}

/* ---- GICD_CTLR, TYPER, PIDR2 ---------------------------------------------- */

static void test_ctlr(void **state)
{
    (void)state;
    assert_int_equal(gicd_read(v0, GICD_CTLR, 4), 0);
    set_ctlr(GICD_V2_CTLR_ENABLE | GICD_V2_CTLR_ENABLE_G1);
    assert_int_equal(gicd_read(v1, GICD_CTLR, 4), 0x3);
    set_ctlr(0xffffffff);
    assert_int_equal(gicd_read(v0, GICD_CTLR, 4), 0x3);

    /* Off: nothing is delivered (it stays pending). */
    set_ctlr(0);
    assert_int_equal(gicd_read(v0, GICD_CTLR, 4), 0);
    enable(v0, SPI);
    vgic_inject_spi(&vm, SPI);
    fake_current = v0;
    vgic_flush(v0);
    assert_int_equal(fake_lr_count_valid(), 0);
    assert_false(vgic_wants_wakeup(v0));
    assert_true(in_bitmap(v0, SPI));

    /* Group 0's enable alone: delivered. */
    set_ctlr(GICD_V2_CTLR_ENABLE);
    assert_int_equal(gicd_read(v0, GICD_CTLR, 4), 0x1);
    fake_current = v0;
    vgic_flush(v0);
    assert_int_equal(lr_state(lr_of(SPI)), GICH_LR_PENDING);
    fake_guest_complete_lr((unsigned)fake_lr_find(SPI));

    /* Group 1's alone: delivered too.  Either enable lets every enabled
     * interrupt through, of either group (docs/virtual-hardware.md; IHI
     * 0048B 4.3.1 has each enable its own group's): this SPI is group 0. */
    set_ctlr(GICD_V2_CTLR_ENABLE_G1);
    assert_int_equal(gicd_read(v0, GICD_CTLR, 4), 0x2);
    fake_current = v0;
    vgic_inject_spi(&vm, SPI);
    vgic_flush(v0);
    assert_int_equal(lr_state(lr_of(SPI)), GICH_LR_PENDING);
    assert_false(lr_of(SPI) & GICH_LR_GROUP1);
}

static void test_typer_iidr_pidr2(void **state)
{
    (void)state;
    /* ITLinesNumber 2: 32 * (2 + 1) INTIDs, 64 of them SPIs; CPUNumber 2. */
    uint32_t typer = (uint32_t)gicd_read(v0, GICD_TYPER, 4);
    assert_int_equal(typer & 0x1f, 2);
    assert_int_equal((typer >> 5) & 7, NR_VCPUS - 1);
    assert_int_equal(typer, 0x42);              /* no Security Extensions, no LSPI */
    assert_int_equal(gicd_read(v0, GICD_IIDR, 4), VGIC_DIST_IIDR);
    assert_int_equal((gicd_read(v0, GICD_PIDR2_V2, 4) >> 4) & 0xf, 2);

    make_vm(&vm, 1, 32);
    typer = (uint32_t)gicd_read(v0, GICD_TYPER, 4);
    assert_int_equal(typer & 0x1f, 1);
    assert_int_equal((typer >> 5) & 7, 0);
}

/* ---- groups and priorities in the LR -------------------------------------- */

static void test_group_default_and_igroupr(void **state)
{
    (void)state;
    set_ctlr(GICD_V2_CTLR_ENABLE | GICD_V2_CTLR_ENABLE_G1);
    assert_int_equal(gicd_read(v0, GICD_IGROUPR, 4), 0);
    assert_int_equal(gicd_read(v0, reg_of(GICD_IGROUPR, SPI), 4), 0);
    enable(v0, SPI);
    enable(v0, SPI + 1);
    gicd_write(v0, reg_of(GICD_IGROUPR, SPI + 1), 4, bit_of(SPI + 1));
    assert_int_equal(gicd_read(v2, reg_of(GICD_IGROUPR, SPI), 4), bit_of(SPI + 1));
    vgic_inject_spi(&vm, SPI);
    vgic_inject_spi(&vm, SPI + 1);
    fake_current = v0;
    vgic_flush(v0);
    assert_false(lr_of(SPI) & GICH_LR_GROUP1);
    assert_true(lr_of(SPI + 1) & GICH_LR_GROUP1);

    /* A PPI's group is banked. */
    gicd_write(v1, GICD_IGROUPR, 4, bit_of(UNUSED_PPI));
    assert_false(vgic_irq_of(v0, UNUSED_PPI)->group1);
    assert_true(vgic_irq_of(v1, UNUSED_PPI)->group1);
}

static void test_priority_in_lr(void **state)
{
    (void)state;
    set_ctlr(GICD_V2_CTLR_ENABLE);
    gicd_write(v0, GICD_IPRIORITYR + SPI, 2, 0xf848);      /* SPI: 0x48, SPI + 1: 0xf8 */
    gicd_write(v0, GICD_IPRIORITYR + UNUSED_PPI, 1, 0x17);
    enable(v0, SPI);
    enable(v0, SPI + 1);
    enable(v0, UNUSED_PPI);
    vgic_inject_spi(&vm, SPI);
    vgic_inject_spi(&vm, SPI + 1);
    vgic_inject(v0, UNUSED_PPI);
    fake_current = v0;
    vgic_flush(v0);
    assert_int_equal(lr_prio5(lr_of(SPI)), 0x48 >> 3);
    assert_int_equal(lr_prio5(lr_of(SPI + 1)), 0xf8 >> 3);
    assert_int_equal(lr_prio5(lr_of(UNUSED_PPI)), 0x17 >> 3);
    assert_int_equal(lr_vintid(lr_of(SPI + 1)), SPI + 1);
    assert_no_lr_writes_beyond_32_bits();
}

/* ---- the virtual timer, a hardware interrupt ------------------------------ */

/* The board's GIC signals a physical interrupt again after a deactivation
 * through a hardware LR (vgic_hw_by_eoi false): a HW = 1 LR naming pINTID
 * 27; the guest's deactivation is the hardware's, not tofu's. */
static void test_vtimer_hw_lr(void **state)
{
    (void)state;
    set_ctlr(GICD_V2_CTLR_ENABLE);
    enable(v0, PPI_VTIMER);
    fake_vtimer_line = true;
    fake_current = v0;
    vgic_inject_local(v0, PPI_VTIMER);
    uint64_t lr = lr_of(PPI_VTIMER);
    assert_true(lr & GICH_LR_HW);
    assert_int_equal(lr_pintid(lr), PPI_VTIMER);
    assert_int_equal(lr_vintid(lr), PPI_VTIMER);
    assert_int_equal(lr_state(lr), GICH_LR_PENDING);
    assert_false(lr & GICH_LR_GROUP1);

    unsigned n = (unsigned)fake_lr_find(PPI_VTIMER);
    fake_guest_ack_lr(n);
    fake_guest_complete_lr(n);
    assert_int_equal(vgic_hw_eisr(), 0);    /* no maintenance asked */
    vgic_maintenance(v0);
    vgic_flush(v0);
    assert_int_equal(fake_deactivated[PPI_VTIMER], 0);
    assert_int_equal(fake_lr_count_valid(), 0);

    /* Through the bitmap and the flush: the same LR. */
    vgic_inject(v0, PPI_VTIMER);
    vgic_flush(v0);
    lr = lr_of(PPI_VTIMER);
    assert_true(lr & GICH_LR_HW);
    assert_int_equal(lr_pintid(lr), PPI_VTIMER);
}

/* A board whose GIC does not signal a physical interrupt again after a
 * deactivation through a hardware LR (vgic_hw_by_eoi, QEMU's GICv2): the
 * virtual timer's LR asks for an EOI maintenance interrupt instead (HW = 0,
 * EOI = 1), at which tofu deactivates PPI 27 itself. */
static void enable_vtimer_by_eoi(void)
{
    vgic_hw_by_eoi = true;
    set_ctlr(GICD_V2_CTLR_ENABLE);
    enable(v0, PPI_VTIMER);             /* lr_ready computed now */
    fake_vtimer_line = true;
    fake_current = v0;
}

static void assert_vtimer_eoi_lr(uint64_t lr)
{
    assert_false(lr & GICH_LR_HW);
    assert_true(lr & GICH_LR_EOI);
    assert_int_equal(lr_vintid(lr), PPI_VTIMER);
    assert_int_equal(lr_state(lr), GICH_LR_PENDING);
}

static void test_vtimer_by_eoi(void **state)
{
    (void)state;
    enable_vtimer_by_eoi();
    vgic_inject_local(v0, PPI_VTIMER);
    assert_vtimer_eoi_lr(lr_of(PPI_VTIMER));
    unsigned n = (unsigned)fake_lr_find(PPI_VTIMER);

    /* Acknowledged, its line still high: the guest's, nothing deactivated
     * (a flush, here for a disabled PPI, samples the line and keeps it). */
    fake_guest_ack_lr(n);
    vgic_inject(v0, UNUSED_PPI);
    vgic_flush(v0);
    assert_true(vgic_is_active(v0, PPI_VTIMER));
    assert_int_equal(fake_deactivated[PPI_VTIMER], 0);

    /* Deactivated: EISR, not ELRSR, shows it; the maintenance interrupt
     * deactivates the physical PPI once and frees the LR. */
    fake_guest_complete_lr(n);
    assert_int_equal(vgic_hw_elrsr() & (1u << n), 0);
    assert_true(vgic_hw_eisr() & (1u << n));
    assert_int_equal(fake_deactivated[PPI_VTIMER], 0);
    vgic_maintenance(v0);
    assert_int_equal(fake_deactivated[PPI_VTIMER], 1);
    assert_int_equal(fake_lr[n], 0);
    vgic_flush(v0);
    assert_int_equal(fake_deactivated[PPI_VTIMER], 1);
    assert_int_equal(fake_lr_count_valid(), 0);
    assert_int_equal(v0->vgic.lr_used, 0);

    /* Through the bitmap and the flush: the same LR. */
    vgic_inject(v0, PPI_VTIMER);
    vgic_flush(v0);
    assert_vtimer_eoi_lr(lr_of(PPI_VTIMER));
}

/* The other ways its LR ends take the physical deactivation too: the line
 * dropping while it is only pending, ICACTIVER0, the vCPU's stop; and the
 * LR's bookkeeping rebuilt from the LRs (vgic_vcpu_loaded) knows it. */
static void test_vtimer_by_eoi_other_ends(void **state)
{
    (void)state;
    enable_vtimer_by_eoi();
    vgic_inject_local(v0, PPI_VTIMER);
    fake_vtimer_line = false;
    vgic_inject(v0, UNUSED_PPI);        /* any flush work: the LRs are resampled */
    vgic_flush(v0);
    assert_int_equal(fake_lr_find(PPI_VTIMER), -1);
    assert_int_equal(fake_deactivated[PPI_VTIMER], 1);

    fake_vtimer_line = true;
    vgic_inject_local(v0, PPI_VTIMER);
    fake_guest_ack_lr((unsigned)fake_lr_find(PPI_VTIMER));
    gicd_write(v0, GICD_ICACTIVER, 4, bit_of(PPI_VTIMER));
    assert_int_equal(fake_lr_find(PPI_VTIMER), -1);
    assert_int_equal(fake_deactivated[PPI_VTIMER], 2);

    vgic_inject_local(v0, PPI_VTIMER);
    unsigned n = (unsigned)fake_lr_find(PPI_VTIMER);
    fake_guest_ack_lr(n);
    vgic_vcpu_loaded(v0);
    assert_true(v0->vgic.lr_hw & (1u << n));
    fake_guest_complete_lr(n);
    vgic_maintenance(v0);
    assert_int_equal(fake_deactivated[PPI_VTIMER], 3);

    vgic_inject_local(v0, PPI_VTIMER);
    fake_guest_ack_lr((unsigned)fake_lr_find(PPI_VTIMER));
    vgic_vcpu_stop(v0);
    assert_int_equal(fake_deactivated[PPI_VTIMER], 4);
}

/* A switch on a shared CPU: the put deactivates the forwarded PPI its LR
 * holds (the next vCPU may use it) and keeps the LR bookkeeping; the load
 * activates it again and the bookkeeping goes on as it was, so that the
 * guest's EOI still ends the physical interrupt. */
static void test_vtimer_across_switch(void **state)
{
    (void)state;
    enable_vtimer_by_eoi();
    vgic_inject_local(v0, PPI_VTIMER);
    unsigned n = (unsigned)fake_lr_find(PPI_VTIMER);
    fake_guest_ack_lr(n);
    unsigned deact = fake_deactivated[PPI_VTIMER], act = fake_activated[PPI_VTIMER];
    vgic_vcpu_put(v0);
    assert_int_equal(fake_deactivated[PPI_VTIMER], deact + 1);
    assert_true(v0->vgic.lrs_kept);
    vgic_vcpu_loaded(v0);
    assert_false(v0->vgic.lrs_kept);
    assert_int_equal(fake_activated[PPI_VTIMER], act + 1);
    assert_true(v0->vgic.lr_used & v0->vgic.lr_hw & (1u << n));
    assert_int_equal(v0->vgic.lr_intid[n], PPI_VTIMER);
    fake_guest_complete_lr(n);
    vgic_maintenance(v0);
    assert_int_equal(fake_deactivated[PPI_VTIMER], deact + 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_sgir_filters, setup),
        cmocka_unit_test_setup(test_sgir_targets_beyond_vm, setup),
        cmocka_unit_test_setup(test_sgi_per_source_delivery, setup),
        cmocka_unit_test_setup(test_sgi_same_source_while_pending, setup),
        cmocka_unit_test_setup(test_spendsgir_cpendsgir, setup),
        cmocka_unit_test_setup(test_cpendsgir_of_lr_source, setup),
        cmocka_unit_test_setup(test_ispendr0_sgi_bits_ignored, setup),
        cmocka_unit_test_setup(test_itargetsr_routes_spi, setup),
        cmocka_unit_test_setup(test_itargetsr_moves_later_injections, setup),
        cmocka_unit_test_setup(test_itargetsr_private_bytes, setup),
        cmocka_unit_test_setup(test_private_registers_banked, setup),
        cmocka_unit_test_setup(test_ctlr, setup),
        cmocka_unit_test_setup(test_typer_iidr_pidr2, setup),
        cmocka_unit_test_setup(test_group_default_and_igroupr, setup),
        cmocka_unit_test_setup(test_priority_in_lr, setup),
        cmocka_unit_test_setup(test_vtimer_hw_lr, setup),
        cmocka_unit_test_setup(test_vtimer_by_eoi, setup),
        cmocka_unit_test_setup(test_vtimer_by_eoi_other_ends, setup),
        cmocka_unit_test_setup(test_vtimer_across_switch, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
