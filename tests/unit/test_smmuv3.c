/* SPDX-License-Identifier: MIT */
/* src/drivers/smmu/smmuv3_enc.c: stream table entries from a CPU's stage 2, event records. */
#include <string.h>
#include "unit.h"
#include "../../src/drivers/smmu/smmuv3.h"

/* A 40-bit IPA space walked from level 1, 4 KiB granule, inner-shareable
 * write-back walks, PS 48 bits (0b101): what s2_vtcr(40) gives on -cpu max. */
#define VTCR_40BIT  (VTCR_RES1 | 24 | VTCR_SL0_LEVEL1 << VTCR_SL0_SHIFT | TCR_IRGN0_WBWA | TCR_ORGN0_WBWA | \
                     TCR_SH0_INNER | TCR_TG0_4K | UINT64_C(5) << VTCR_PS_SHIFT)
#define ROOT        UINT64_C(0x40436000)
#define VMID        UINT64_C(3)
#define OAS_44      4u           /* IDR5.OAS 0b100: QEMU's */

static void test_ste_s2_from_vtcr(void **state)
{
    (void)state;
    uint64_t ste[SMMU_STE_WORDS];
    memset(ste, 0xff, sizeof(ste));
    smmu_ste_s2(ste, VTCR_40BIT, VMID << VTTBR_VMID_SHIFT | ROOT, OAS_44);
    /* V, Config 0b110 (stage 1 bypass, stage 2 translate). */
    assert_int_equal(ste[0], UINT64_C(0xd));
    assert_int_equal(ste[1], UINT64_C(1) << 44);        /* SHCFG: incoming */
    /* S2VMID 3; S2T0SZ 24, S2SL0 1, S2IR0/S2OR0 WBWA, S2SH0 inner, S2TG 4K,
     * S2PS capped at the SMMU's 44 bits (0b100); S2AA64 (51), S2R (58). */
    assert_int_equal(ste[2], UINT64_C(0x040c355800000003));
    assert_int_equal(ste[3], ROOT);                     /* S2TTB: the VMID bits not in it */
    for (unsigned i = 4; i < SMMU_STE_WORDS; i++)
        assert_int_equal(ste[i], 0);
}

static void test_ste_s2_ps_below_oas_kept(void **state)
{
    (void)state;
    uint64_t ste[SMMU_STE_WORDS];
    uint64_t vtcr = (VTCR_40BIT & ~(VTCR_PS_MASK << VTCR_PS_SHIFT)) | UINT64_C(2) << VTCR_PS_SHIFT;
    smmu_ste_s2(ste, vtcr, ROOT, OAS_44);
    assert_int_equal((ste[2] >> 48) & 7, 2);            /* 40 bits: below OAS, as the CPU has it */
    assert_int_equal(ste[2] & SMMU_STE2_S2VMID_MASK, 0);
}

static void test_ste_abort_and_l1(void **state)
{
    (void)state;
    uint64_t ste[SMMU_STE_WORDS];
    memset(ste, 0xff, sizeof(ste));
    smmu_ste_abort(ste);
    assert_int_equal(ste[0], 1);                        /* V, Config 0 */
    for (unsigned i = 1; i < SMMU_STE_WORDS; i++)
        assert_int_equal(ste[i], 0);
    /* 256 STEs: Span 9 (2^(9-1)). */
    assert_int_equal(smmu_l1std(UINT64_C(0x40404000), 8), UINT64_C(0x40404009));
    assert_int_equal(smmu_oas_bits(OAS_44), 44);
    assert_int_equal(smmu_oas_bits(6), 52);
    assert_int_equal(smmu_oas_bits(7), 52);
}

static void test_event_translation_write(void **state)
{
    (void)state;
    /* F_TRANSLATION from StreamID 0x10, a write (RnW 0) of 0x50000004, stage 2. */
    const uint64_t evt[SMMU_EVT_WORDS] = { UINT64_C(0x0000001000000010), UINT64_C(1) << 39,
                                           UINT64_C(0x50000004), UINT64_C(0x50000000) };
    struct iommu_fault f;
    smmu_event_decode(evt, &f);
    assert_int_equal(f.sid, 0x10);
    assert_int_equal(f.type, SMMU_EVT_F_TRANSLATION);
    assert_int_equal(f.kind, IOMMU_FAULT_TRANSLATION);
    assert_string_equal(f.name, "F_TRANSLATION");
    assert_true(f.has_addr);
    assert_true(f.is_write);
    assert_int_equal(f.addr, UINT64_C(0x50000004));
}

static void test_event_read_and_bad_stream(void **state)
{
    (void)state;
    const uint64_t rd[SMMU_EVT_WORDS] = { UINT64_C(0x0000000800000013), SMMU_EVT1_RNW, 0x1000, 0 };
    struct iommu_fault f;
    smmu_event_decode(rd, &f);
    assert_int_equal(f.kind, IOMMU_FAULT_PERMISSION);
    assert_false(f.is_write);
    assert_int_equal(f.addr, 0x1000);
    /* C_BAD_STREAMID: a StreamID and nothing else. */
    const uint64_t bad[SMMU_EVT_WORDS] = { UINT64_C(0x0000010000000002), 0, UINT64_C(0xdead), 0 };
    smmu_event_decode(bad, &f);
    assert_int_equal(f.sid, 0x100);
    assert_int_equal(f.kind, IOMMU_FAULT_BAD_STREAM);
    assert_false(f.has_addr);
    assert_string_equal(f.name, "C_BAD_STREAMID");
    const uint64_t odd[SMMU_EVT_WORDS] = { 0x7f, 0, 0, 0 };
    smmu_event_decode(odd, &f);
    assert_int_equal(f.kind, IOMMU_FAULT_OTHER);
    assert_string_equal(f.name, "event");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ste_s2_from_vtcr),
        cmocka_unit_test(test_ste_s2_ps_below_oas_kept),
        cmocka_unit_test(test_ste_abort_and_l1),
        cmocka_unit_test(test_event_translation_write),
        cmocka_unit_test(test_event_read_and_bad_stream),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
