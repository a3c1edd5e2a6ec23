/* SPDX-License-Identifier: MIT */
/* src/drivers/gicv3_topo.c: each CPU's SGI target and redistributor, by its MPIDR. */
#include <stdbool.h>
#include <string.h>
#include "unit.h"
#include "../../src/drivers/gicv3_topo.h"
#include "arch/regs.h"

/* A redistributor region as the GIC shows it: frame n's GICR_TYPER. */
struct region {
    uint64_t typer[8];
    uint64_t stride;                  /* GICR_FRAME_SIZE or GICR_FRAME_SIZE_V4 */
    unsigned reads;
};

static uint64_t typer_at(void *ctx, uint64_t off)
{
    struct region *r = ctx;
    r->reads++;
    assert_int_equal(off % r->stride, 0);
    assert_true(off / r->stride < 8);
    return r->typer[off / r->stride];
}

static uint64_t rd(uint64_t aff, bool last, bool v4)
{
    return aff << GICR_TYPER_AFF_SHIFT | (last ? GICR_TYPER_LAST : 0) | (v4 ? GICR_TYPER_VLPIS : 0);
}

static void test_sgi_targets(void **state)
{
    (void)state;
    /* QEMU virt: Aff0 = index: TargetList bit, range 0. */
    assert_int_equal(gicv3_sgi1r_target(0x3), UINT64_C(1) << 3);
    /* Aff0 17: range 1, bit 1; Aff1 2, Aff2 5, Aff3 7 in their SGI1R fields. */
    uint64_t mpidr = UINT64_C(7) << MPIDR_AFF3_SHIFT | 5u << MPIDR_AFF2_SHIFT | 2u << MPIDR_AFF1_SHIFT | 17;
    assert_int_equal(gicv3_sgi1r_target(mpidr),
                     UINT64_C(7) << ICC_SGI1R_AFF3_SHIFT | UINT64_C(5) << ICC_SGI1R_AFF2_SHIFT |
                     UINT64_C(2) << ICC_SGI1R_AFF1_SHIFT | UINT64_C(1) << ICC_SGI1R_RS_SHIFT | 2);
    assert_int_equal(GICR_TYPER_AFF_OF_MPIDR(mpidr), UINT64_C(0x07050211));
}

/* In CPU order, GICv3 frames: CPU i at i * 128 KiB; the walk stops at Last. */
static void test_in_order(void **state)
{
    (void)state;
    struct region r = { { rd(0, false, false), rd(1, false, false), rd(2, false, false), rd(3, true, false) },
                        GICR_FRAME_SIZE, 0 };
    uint64_t mpidr[4] = { 0, 1, 2, 3 }, off[4];
    assert_int_equal(gicv3_find_redists(typer_at, &r, 0xf60000, mpidr, 4, off), 4);
    for (unsigned i = 0; i < 4; i++)
        assert_int_equal(off[i], i * GICR_FRAME_SIZE);
    assert_int_equal(r.reads, 4);
}

/* Out of order, clusters (Aff1), GICv4 frames of 256 KiB. */
static void test_by_affinity_v4(void **state)
{
    (void)state;
    struct region r = { { rd(0x100, false, true), rd(0x000, false, true), rd(0x101, false, true),
                          rd(0x001, true, true) }, GICR_FRAME_SIZE_V4, 0 };
    uint64_t mpidr[4] = { 0x000, 0x001, 0x100, 0x101 }, off[4];
    assert_int_equal(gicv3_find_redists(typer_at, &r, 0x100000, mpidr, 4, off), 4);
    assert_int_equal(off[0], 1 * GICR_FRAME_SIZE_V4);
    assert_int_equal(off[1], 3 * GICR_FRAME_SIZE_V4);
    assert_int_equal(off[2], 0);
    assert_int_equal(off[3], 2 * GICR_FRAME_SIZE_V4);
}

/* A CPU the region has no redistributor for; a region without a Last
 * frame ends at its size, not beyond. */
static void test_missing_and_bounded(void **state)
{
    (void)state;
    struct region r = { { rd(0, false, false), rd(2, false, false), rd(5, false, false) }, GICR_FRAME_SIZE, 0 };
    uint64_t mpidr[3] = { 0, 1, 2 }, off[3];
    assert_int_equal(gicv3_find_redists(typer_at, &r, 3 * GICR_FRAME_SIZE, mpidr, 3, off), 2);
    assert_int_equal(off[0], 0);
    assert_int_equal(off[1], GICR_NONE);
    assert_int_equal(off[2], GICR_FRAME_SIZE);
    assert_int_equal(r.reads, 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sgi_targets),
        cmocka_unit_test(test_in_order),
        cmocka_unit_test(test_by_affinity_v4),
        cmocka_unit_test(test_missing_and_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
