/* SPDX-License-Identifier: MIT */
/*
 * src/core/mmio.c: the data-abort syndrome decoded once into a struct
 * mmio_access, the load result applied to the destination register, and the
 * per-VM sorted array of emulated regions.
 *
 * The ESR values are what the CPU reports for a stage-2 data abort from
 * EL1 (EC 0x24, IL = 1) on the instruction named beside each; the ISS
 * fields are Arm ARM D17.2.37.8.
 */
#include <string.h>
#include "unit.h"
#include "core/mmio.h"
#include "core/vm.h"

/* ldr  w19, [x1]   ISV SAS=2 SRT=19, translation fault level 1 */
#define ESR_LDR_W19       UINT64_C(0x93930005)
/* str  x1, [x0]    ISV SAS=3 SRT=1 SF WnR, translation fault level 2 */
#define ESR_STR_X1        UINT64_C(0x93c18046)
/* ldrsb x2, [x0]   ISV SAS=0 SSE SRT=2 SF, translation fault level 3 */
#define ESR_LDRSB_X2      UINT64_C(0x93228007)
/* ldrsh w3, [x0]   ISV SAS=1 SSE SRT=3, translation fault level 3 */
#define ESR_LDRSH_W3      UINT64_C(0x93630007)
/* ldrsw x4, [x0]   ISV SAS=2 SSE SRT=4 SF */
#define ESR_LDRSW_X4      UINT64_C(0x93a48007)
/* strh wzr, [x0]   ISV SAS=1 SRT=31 WnR */
#define ESR_STRH_WZR      UINT64_C(0x935f0047)
/* strb w0, [x1]    ISV SAS=0 SRT=0 WnR */
#define ESR_STRB_W0       UINT64_C(0x93000047)
/* stp  x0, x1, [x2]: no syndrome (ISV=0), WnR, translation fault level 2 */
#define ESR_STP_NO_ISV    UINT64_C(0x92000046)

#define HPFAR_OF(ipa)     (((ipa) >> 12) << 4)      /* FIPA = IPA[51:12] at [43:4] */

static struct mmio_access decode_ok(uint64_t esr, uint64_t far, uint64_t hpfar)
{
    struct mmio_access a;
    memset(&a, 0xa5, sizeof(a));
    assert_int_equal(mmio_decode(esr, far, hpfar, &a), E_OK);
    return a;
}

static void test_decode_refuses_isv0(void **state)
{
    (void)state;
    struct mmio_access a;
    assert_int_equal(mmio_decode(ESR_STP_NO_ISV, 0x1000, HPFAR_OF(0x9000000), &a), E_INVAL);
    /* Every other field valid, only ISV clear: still refused. */
    assert_int_equal(mmio_decode(ESR_LDR_W19 & ~(UINT64_C(1) << 24), 0x1000,
                                 HPFAR_OF(0x9000000), &a), E_INVAL);
}

static void test_decode_real_ldr_w19(void **state)
{
    (void)state;
    struct mmio_access a = decode_ok(ESR_LDR_W19, 0x09000018, HPFAR_OF(0x09000000));
    assert_int_equal(a.width, 4);
    assert_int_equal(a.reg, 19);
    assert_false(a.write);
    assert_false(a.sign_extend);
    assert_false(a.reg64);
    assert_int_equal(a.ipa.bits, 0x09000018);
}

static void test_decode_width_from_sas(void **state)
{
    (void)state;
    assert_int_equal(decode_ok(ESR_STRB_W0, 0, 0).width, 1);
    assert_int_equal(decode_ok(ESR_LDRSH_W3, 0, 0).width, 2);
    assert_int_equal(decode_ok(ESR_LDRSW_X4, 0, 0).width, 4);
    assert_int_equal(decode_ok(ESR_STR_X1, 0, 0).width, 8);
    /* Same instruction, only SAS changed. */
    for (unsigned sas = 0; sas < 4; sas++) {
        uint64_t esr = (ESR_LDR_W19 & ~(UINT64_C(3) << 22)) | ((uint64_t)sas << 22);
        assert_int_equal(decode_ok(esr, 0, 0).width, 1u << sas);
    }
}

static void test_decode_srt_wnr_sse_sf(void **state)
{
    (void)state;
    struct mmio_access a = decode_ok(ESR_STR_X1, 0, 0);
    assert_int_equal(a.reg, 1);
    assert_true(a.write);
    assert_true(a.reg64);
    assert_false(a.sign_extend);

    a = decode_ok(ESR_LDRSB_X2, 0, 0);
    assert_int_equal(a.reg, 2);
    assert_false(a.write);
    assert_true(a.sign_extend);
    assert_true(a.reg64);

    a = decode_ok(ESR_LDRSH_W3, 0, 0);
    assert_int_equal(a.reg, 3);
    assert_true(a.sign_extend);
    assert_false(a.reg64);

    a = decode_ok(ESR_STRH_WZR, 0, 0);
    assert_int_equal(a.reg, 31);        /* xzr / wzr */
    assert_true(a.write);

    for (unsigned r = 0; r < 32; r++) {
        uint64_t esr = (ESR_LDR_W19 & ~(UINT64_C(0x1f) << 16)) | ((uint64_t)r << 16);
        assert_int_equal(decode_ok(esr, 0, 0).reg, r);
    }
}

static void test_decode_ipa_from_hpfar_and_far(void **state)
{
    (void)state;
    /* FIPA carries IPA[51:12]; only FAR's page offset is used (FAR holds
     * the guest's VA, unrelated to the IPA above bit 11). */
    uint64_t ipa = UINT64_C(0x000f123456789abc);
    struct mmio_access a = decode_ok(ESR_LDR_W19, UINT64_C(0xffff800012345abc), HPFAR_OF(ipa));
    assert_int_equal(a.ipa.bits, ipa);

    /* HPFAR bits outside FIPA (NS at 63, RES0 [62:44] and [3:0]) do not leak in. */
    uint64_t hpfar = HPFAR_OF(UINT64_C(0x08010000)) | (UINT64_C(1) << 63) | (UINT64_C(1) << 44) | 0xf;
    a = decode_ok(ESR_LDR_W19, UINT64_C(0xfffffffffffff004), hpfar);
    assert_int_equal(a.ipa.bits, UINT64_C(0x08010004));

    /* The top FIPA bit, IPA[51]. */
    a = decode_ok(ESR_LDR_W19, 0, HPFAR_OF(UINT64_C(1) << 51));
    assert_int_equal(a.ipa.bits, UINT64_C(1) << 51);
}

static struct mmio_access load_access(unsigned width, bool sse, bool sf)
{
    return (struct mmio_access){ .width = width, .sign_extend = sse, .reg64 = sf };
}

static void test_load_sign_extends_into_x(void **state)
{
    (void)state;
    struct mmio_access b = load_access(1, true, true), h = load_access(2, true, true),
                       w = load_access(4, true, true);
    assert_int_equal(mmio_load_value(&b, 0x80), UINT64_C(0xffffffffffffff80));
    assert_int_equal(mmio_load_value(&h, 0x8000), UINT64_C(0xffffffffffff8000));
    assert_int_equal(mmio_load_value(&w, 0x80000000), UINT64_C(0xffffffff80000000));
    /* Positive values are not extended; bits above the width are dropped
     * before extension. */
    assert_int_equal(mmio_load_value(&b, 0x7f), 0x7f);
    assert_int_equal(mmio_load_value(&b, 0xffffff7f), 0x7f);
    assert_int_equal(mmio_load_value(&h, 0x12348001), UINT64_C(0xffffffffffff8001));
}

static void test_load_sign_extends_into_w(void **state)
{
    (void)state;
    /* SF=0: a W register; the upper half of X is written as zero. */
    struct mmio_access b = load_access(1, true, false), h = load_access(2, true, false),
                       w = load_access(4, true, false);
    assert_int_equal(mmio_load_value(&b, 0x80), 0xffffff80);
    assert_int_equal(mmio_load_value(&h, 0x8000), 0xffff8000);
    assert_int_equal(mmio_load_value(&w, 0x80000000), 0x80000000);
    assert_int_equal(mmio_load_value(&h, 0x7fff), 0x7fff);
}

static void test_load_zero_extends(void **state)
{
    (void)state;
    assert_int_equal(mmio_load_value(&(struct mmio_access){ .width = 1, .reg64 = true }, 0xdeadbe80), 0x80);
    assert_int_equal(mmio_load_value(&(struct mmio_access){ .width = 2, .reg64 = true }, 0xdead8000), 0x8000);
    assert_int_equal(mmio_load_value(&(struct mmio_access){ .width = 4, .reg64 = true },
                                     UINT64_C(0xffffffff80000000)), 0x80000000);
    assert_int_equal(mmio_load_value(&(struct mmio_access){ .width = 8, .reg64 = true },
                                     UINT64_C(0x8000000000000001)), UINT64_C(0x8000000000000001));
    assert_int_equal(mmio_load_value(&(struct mmio_access){ .width = 4 }, UINT64_C(0x123456789)),
                     0x23456789);
}

static void test_load_after_decode(void **state)
{
    (void)state;
    struct mmio_access a = decode_ok(ESR_LDRSB_X2, 0, 0);
    assert_int_equal(mmio_load_value(&a, 0xfe), UINT64_C(0xfffffffffffffffe));
    a = decode_ok(ESR_LDRSH_W3, 0, 0);
    assert_int_equal(mmio_load_value(&a, 0xfffe), 0xfffffffe);
    a = decode_ok(ESR_LDRSW_X4, 0, 0);
    assert_int_equal(mmio_load_value(&a, 0xfffffffe), UINT64_C(0xfffffffffffffffe));
    a = decode_ok(ESR_LDR_W19, 0, 0);
    assert_int_equal(mmio_load_value(&a, UINT64_C(0xaaaaaaaa87654321)), 0x87654321);
}

/* ---- regions ---------------------------------------------------------------- */

static struct vm vm;
static const struct mmio_ops ops_a = { .name = "a" }, ops_b = { .name = "b" }, ops_c = { .name = "c" };

static int setup_vm(void **state)
{
    (void)state;
    memset(&vm, 0, sizeof(vm));
    return 0;
}

static void test_add_keeps_sorted(void **state)
{
    (void)state;
    int devb, devc, deva;
    assert_int_equal(mmio_add(&vm, 0x09000000, 0x1000, &ops_b, &devb), E_OK);
    assert_int_equal(mmio_add(&vm, 0x0a000000, 0x200, &ops_c, &devc), E_OK);
    assert_int_equal(mmio_add(&vm, 0x08000000, 0x10000, &ops_a, &deva), E_OK);
    assert_int_equal(vm.nr_mmio, 3);
    assert_int_equal(vm.mmio[0].base, 0x08000000);
    assert_int_equal(vm.mmio[0].size, 0x10000);
    assert_ptr_equal(vm.mmio[0].ops, &ops_a);
    assert_ptr_equal(vm.mmio[0].dev, &deva);
    assert_int_equal(vm.mmio[1].base, 0x09000000);
    assert_ptr_equal(vm.mmio[1].ops, &ops_b);
    assert_ptr_equal(vm.mmio[1].dev, &devb);
    assert_int_equal(vm.mmio[2].base, 0x0a000000);
    assert_ptr_equal(vm.mmio[2].ops, &ops_c);
    assert_ptr_equal(vm.mmio[2].dev, &devc);
    /* Between two existing ones. */
    assert_int_equal(mmio_add(&vm, 0x08800000, 0x1000, &ops_a, NULL), E_OK);
    for (unsigned i = 1; i < vm.nr_mmio; i++)
        assert_true(vm.mmio[i - 1].base + vm.mmio[i - 1].size <= vm.mmio[i].base);
    assert_int_equal(vm.mmio[1].base, 0x08800000);
}

static void test_find_hits_and_misses(void **state)
{
    (void)state;
    assert_null(mmio_find(&vm, 0x09000000));        /* empty */
    assert_int_equal(mmio_add(&vm, 0x09000000, 0x1000, &ops_b, NULL), E_OK);
    assert_int_equal(mmio_add(&vm, 0x08000000, 0x10000, &ops_a, NULL), E_OK);
    assert_int_equal(mmio_add(&vm, 0x080a0000, 0x40000, &ops_c, NULL), E_OK);

    assert_ptr_equal(mmio_find(&vm, 0x08000000)->ops, &ops_a);   /* first byte */
    assert_ptr_equal(mmio_find(&vm, 0x0800ffff)->ops, &ops_a);   /* last byte */
    assert_null(mmio_find(&vm, 0x08010000));                      /* just past the end */
    assert_null(mmio_find(&vm, 0x07ffffff));                      /* just before */
    assert_ptr_equal(mmio_find(&vm, 0x080a0000)->ops, &ops_c);
    assert_ptr_equal(mmio_find(&vm, 0x080dffff)->ops, &ops_c);
    assert_null(mmio_find(&vm, 0x080e0000));
    assert_ptr_equal(mmio_find(&vm, 0x09000000)->ops, &ops_b);
    assert_ptr_equal(mmio_find(&vm, 0x09000fff)->ops, &ops_b);
    assert_null(mmio_find(&vm, 0x09001000));
    assert_null(mmio_find(&vm, 0));
    assert_null(mmio_find(&vm, UINT64_MAX));
}

static void test_find_full_table(void **state)
{
    (void)state;
    /* Adjacent regions, inserted in reverse, the table full: every first
     * and last byte finds its own region, every gap misses. */
    for (unsigned i = VM_MAX_MMIO; i-- > 0;)
        assert_int_equal(mmio_add(&vm, 0x10000000 + i * 0x20000, 0x10000 + (i % 2) * 0x10000,
                                  &ops_a, (void *)(uintptr_t)(i + 1)), E_OK);
    assert_int_equal(vm.nr_mmio, VM_MAX_MMIO);
    for (unsigned i = 0; i < VM_MAX_MMIO; i++) {
        uint64_t base = 0x10000000 + i * 0x20000, size = 0x10000 + (i % 2) * 0x10000;
        assert_ptr_equal(mmio_find(&vm, base)->dev, (void *)(uintptr_t)(i + 1));
        assert_ptr_equal(mmio_find(&vm, base + size - 1)->dev, (void *)(uintptr_t)(i + 1));
        const struct mmio_region *next = mmio_find(&vm, base + size);
        if (size == 0x20000 && i + 1 < VM_MAX_MMIO)
            assert_ptr_equal(next->dev, (void *)(uintptr_t)(i + 2));   /* adjacent */
        else if (size == 0x10000)
            assert_null(next);                                         /* gap */
    }
}

static void test_add_refuses_overlap(void **state)
{
    (void)state;
    assert_int_equal(mmio_add(&vm, 0x08000000, 0x10000, &ops_a, NULL), E_OK);
    assert_int_equal(mmio_add(&vm, 0x09000000, 0x1000, &ops_b, NULL), E_OK);
    assert_int_equal(mmio_add(&vm, 0x08000000, 0x10000, &ops_c, NULL), E_EXIST);  /* same */
    assert_int_equal(mmio_add(&vm, 0x07fff000, 0x2000, &ops_c, NULL), E_EXIST);   /* head */
    assert_int_equal(mmio_add(&vm, 0x0800f000, 0x2000, &ops_c, NULL), E_EXIST);   /* tail */
    assert_int_equal(mmio_add(&vm, 0x08001000, 0x1000, &ops_c, NULL), E_EXIST);   /* inside */
    assert_int_equal(mmio_add(&vm, 0x07000000, 0x4000000, &ops_c, NULL), E_EXIST); /* around both */
    assert_int_equal(mmio_add(&vm, 0x08fff000, 0x2000, &ops_c, NULL), E_EXIST);   /* second's head */
    assert_int_equal(vm.nr_mmio, 2);
    assert_ptr_equal(vm.mmio[0].ops, &ops_a);
    assert_ptr_equal(vm.mmio[1].ops, &ops_b);
    /* Touching is not overlapping. */
    assert_int_equal(mmio_add(&vm, 0x08010000, 0x1000, &ops_c, NULL), E_OK);
    assert_int_equal(mmio_add(&vm, 0x08fff000, 0x1000, &ops_c, NULL), E_OK);
    assert_int_equal(vm.nr_mmio, 4);
}

static void test_add_refuses_bad_and_full(void **state)
{
    (void)state;
    assert_int_equal(mmio_add(&vm, 0x08000000, 0, &ops_a, NULL), E_INVAL);
    assert_int_equal(mmio_add(&vm, UINT64_MAX - 0xfff, 0x2000, &ops_a, NULL), E_INVAL);  /* wraps */
    assert_int_equal(vm.nr_mmio, 0);
    for (unsigned i = 0; i < VM_MAX_MMIO; i++)
        assert_int_equal(mmio_add(&vm, 0x10000000 + i * 0x1000, 0x1000, &ops_a, NULL), E_OK);
    assert_int_not_equal(mmio_add(&vm, 0x20000000, 0x1000, &ops_b, NULL), E_OK);
    assert_int_equal(vm.nr_mmio, VM_MAX_MMIO);
    assert_null(mmio_find(&vm, 0x20000000));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decode_refuses_isv0),
        cmocka_unit_test(test_decode_real_ldr_w19),
        cmocka_unit_test(test_decode_width_from_sas),
        cmocka_unit_test(test_decode_srt_wnr_sse_sf),
        cmocka_unit_test(test_decode_ipa_from_hpfar_and_far),
        cmocka_unit_test(test_load_sign_extends_into_x),
        cmocka_unit_test(test_load_sign_extends_into_w),
        cmocka_unit_test(test_load_zero_extends),
        cmocka_unit_test(test_load_after_decode),
        cmocka_unit_test_setup(test_add_keeps_sorted, setup_vm),
        cmocka_unit_test_setup(test_find_hits_and_misses, setup_vm),
        cmocka_unit_test_setup(test_find_full_table, setup_vm),
        cmocka_unit_test_setup(test_add_refuses_overlap, setup_vm),
        cmocka_unit_test_setup(test_add_refuses_bad_and_full, setup_vm),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
