/* SPDX-License-Identifier: MIT */
/*
 * src/arch/arm64/trap/sysreg.c, compiled on the host through
 * fake/arch/sysreg.h (ID registers read from the fake register file).
 * The table must be sorted strictly by encoding, since sysreg_find()
 * binary-searches it; and the trap handler must hide the features tofu does
 * not virtualise and refuse what it does not know.
 */
#include <string.h>
#include "unit.h"
#include "fake.h"
#include "arch/sysreg_trap.h"
#include "arch/regs.h"

/* The SGI write goes to the vGIC: recorded here instead. */
static unsigned sgi_calls;
static uint64_t sgi_value;
static struct vcpu *sgi_from;

void vgic_send_sgi(struct vcpu *v, uint64_t sgi1r)
{
    sgi_calls++;
    sgi_value = sgi1r;
    sgi_from = v;
}

static const struct vm_config cfg = { .name = "test" };
static struct vm vm;
static struct vcpu *v;

static int setup(void **state)
{
    (void)state;
    fake_sysreg_reset();
    fake_vm_reset();
    memset(&vm, 0, sizeof(vm));
    vm.cfg = &cfg;
    vm.nr_vcpus = 1;
    v = &vm.vcpus[0];
    v->vm = &vm;
    sgi_calls = 0;
    sgi_value = 0;
    sgi_from = NULL;
    return 0;
}

/* ESR_EL2 of an MSR/MRS trap (EC 0x18) of register `enc` with Rt = rt. */
static uint64_t esr_sys(uint32_t enc, unsigned rt, bool read)
{
    return ((uint64_t)EC_SYSREG << ESR_EC_SHIFT) | ESR_IL | enc |
           ((uint64_t)rt << ISS_SYS_RT_SHIFT) | (read ? ISS_SYS_READ : 0);
}

static bool in_table(uint32_t enc)
{
    for (unsigned i = 0; i < sysreg_table_len; i++)
        if (sysreg_table[i].enc == enc)
            return true;
    return false;
}


static void test_table_sorted_strictly(void **state)
{
    (void)state;
    assert_true(sysreg_table_len > 0);
    for (unsigned i = 1; i < sysreg_table_len; i++) {
        if (sysreg_table[i - 1].enc >= sysreg_table[i].enc)
            fail_msg("sysreg_table[%u] %s (%#x) is not above [%u] %s (%#x)", i,
                     sysreg_table[i].name, sysreg_table[i].enc, i - 1,
                     sysreg_table[i - 1].name, sysreg_table[i - 1].enc);
    }
}

static void test_table_entries_well_formed(void **state)
{
    (void)state;
    for (unsigned i = 0; i < sysreg_table_len; i++) {
        const struct sysreg_desc *d = &sysreg_table[i];
        /* Only op0/op1/CRn/CRm/op2 bits: Rt or direction bits would make the
         * entry unreachable, since the trap masks them off before the search. */
        assert_int_equal(d->enc & ~ISS_SYS_ENC_MASK, 0);
        assert_non_null(d->name);
        assert_non_null(d->access);
    }
}

static void test_find_each_entry(void **state)
{
    (void)state;
    for (unsigned i = 0; i < sysreg_table_len; i++)
        assert_ptr_equal(sysreg_find(sysreg_table[i].enc), &sysreg_table[i]);
}

static void test_find_misses_non_entries(void **state)
{
    (void)state;
    static const uint32_t fields[] = {
        1u << ISS_SYS_OP0_SHIFT, 1u << ISS_SYS_OP1_SHIFT, 1u << ISS_SYS_CRN_SHIFT,
        1u << ISS_SYS_CRM_SHIFT, 1u << ISS_SYS_OP2_SHIFT,
    };
    unsigned tried = 0;
    /* Every neighbour of every entry, one field up or down. */
    for (unsigned i = 0; i < sysreg_table_len; i++) {
        for (unsigned f = 0; f < ARRAY_SIZE(fields); f++) {
            uint32_t cand[2] = { sysreg_table[i].enc + fields[f], sysreg_table[i].enc - fields[f] };
            for (unsigned k = 0; k < 2; k++) {
                uint32_t enc = cand[k] & ISS_SYS_ENC_MASK;
                if (in_table(enc))
                    continue;
                assert_null(sysreg_find(enc));
                tried++;
            }
        }
    }
    assert_true(tried > sysreg_table_len);
    assert_null(sysreg_find(0));
    assert_null(sysreg_find(ISS_SYS_ENC_MASK));
    assert_null(sysreg_find(SYSREG_ISS(3, 0, 1, 0, 0)));     /* SCTLR_EL1: not trapped */
}

static void test_id_register_features_hidden(void **state)
{
    (void)state;
    /* ID_AA64PFR0_EL1 with SVE, AMU, MPAM and everything else present. */
    fake_sysreg_set("S3_0_C0_C4_0", UINT64_C(0x1111111111111111));
    assert_int_equal(sysreg_trap(v, esr_sys(SYSREG_ISS(3, 0, 0, 4, 0), 5, true)), TRAP_EMULATED);
    uint64_t hidden = FIELD_MASK(4, ID_PFR0_SVE_SHIFT) | FIELD_MASK(4, ID_PFR0_AMU_SHIFT) |
                      FIELD_MASK(4, ID_PFR0_MPAM_SHIFT);
    assert_int_equal(v->regs.x[5], UINT64_C(0x1111111111111111) & ~hidden);
    assert_int_equal(fake_sysreg_reads("S3_0_C0_C4_0"), 1);

    /* ID_AA64PFR1_EL1: SME, MPAM_frac; MTE is shown with tag storage
     * (FEAT_MTE2 and up: tofu virtualises it), hidden without (FEAT_MTE:
     * QEMU's max CPU without mte=on). */
    fake_sysreg_set("S3_0_C0_C4_1", UINT64_C(0x2222222222222222));
    sysreg_trap(v, esr_sys(SYSREG_ISS(3, 0, 0, 4, 1), 6, true));
    hidden = FIELD_MASK(4, ID_PFR1_SME_SHIFT) | FIELD_MASK(4, ID_PFR1_MPAMFRAC_SHIFT);
    assert_int_equal(v->regs.x[6], UINT64_C(0x2222222222222222) & ~hidden);
    fake_sysreg_set("S3_0_C0_C4_1", UINT64_C(0x1111111111111111));
    sysreg_trap(v, esr_sys(SYSREG_ISS(3, 0, 0, 4, 1), 6, true));
    hidden |= FIELD_MASK(4, ID_PFR1_MTE_SHIFT);
    assert_int_equal(v->regs.x[6], UINT64_C(0x1111111111111111) & ~hidden);

    /* ID_AA64DFR0_EL1: SPE, TRBE. */
    fake_sysreg_set("S3_0_C0_C5_0", UINT64_MAX);
    sysreg_trap(v, esr_sys(SYSREG_ISS(3, 0, 0, 5, 0), 7, true));
    hidden = FIELD_MASK(4, ID_DFR0_PMSVER_SHIFT) | FIELD_MASK(4, ID_DFR0_TRACEBUF_SHIFT);
    assert_int_equal(v->regs.x[7], UINT64_MAX & ~hidden);

    /* ID_AA64ZFR0_EL1 / SMFR0: zero whatever the hardware says. */
    fake_sysreg_set("S3_0_C0_C4_4", UINT64_MAX);
    fake_sysreg_set("S3_0_C0_C4_5", UINT64_MAX);
    v->regs.x[8] = v->regs.x[9] = 0x55;
    sysreg_trap(v, esr_sys(SYSREG_ISS(3, 0, 0, 4, 4), 8, true));
    sysreg_trap(v, esr_sys(SYSREG_ISS(3, 0, 0, 4, 5), 9, true));
    assert_int_equal(v->regs.x[8], 0);
    assert_int_equal(v->regs.x[9], 0);

    /* A register with nothing to hide passes through (ID_AA64ISAR0_EL1). */
    fake_sysreg_set("S3_0_C0_C6_0", UINT64_C(0x0221100110212120));
    sysreg_trap(v, esr_sys(SYSREG_ISS(3, 0, 0, 6, 0), 10, true));
    assert_int_equal(v->regs.x[10], UINT64_C(0x0221100110212120));
}

/* HCR_EL2.TERR: the guest sees no RAS error record.  ERRIDR_EL1 (NUM = 0)
 * reads as zero and refuses writes; with no record, ERRSELR_EL1 and ERX*
 * UNDEF (as on QEMU's max CPU).  HCR_EL2.TIDCP: an IMPLEMENTATION DEFINED
 * register (CPUACTLR_EL1 of a Cortex-A57) is not in the table: UNDEF. */
static void test_ras_records_and_imp_def(void **state)
{
    (void)state;
    v->regs.x[3] = 0x55;
    assert_int_equal(sysreg_trap(v, esr_sys(SYSREG_ISS(3, 0, 5, 3, 0), 3, true)), TRAP_EMULATED);
    assert_int_equal(v->regs.x[3], 0);
    assert_int_equal(sysreg_trap(v, esr_sys(SYSREG_ISS(3, 0, 5, 3, 0), 3, false)), TRAP_UNDEF);
    assert_int_equal(sysreg_trap(v, esr_sys(SYSREG_ISS(3, 0, 5, 3, 1), 4, false)), TRAP_UNDEF);
    assert_int_equal(sysreg_trap(v, esr_sys(SYSREG_ISS(3, 0, 5, 4, 2), 4, true)), TRAP_UNDEF);
    assert_int_equal(sysreg_trap(v, esr_sys(SYSREG_ISS(3, 1, 15, 2, 0), 7, true)), TRAP_UNDEF);
    assert_int_equal(sysreg_trap(v, esr_sys(SYSREG_ISS(3, 0, 15, 0, 0), 7, false)), TRAP_UNDEF);
}

static void test_id_space(void **state)
{
    (void)state;
    /* Unallocated ID encodings read as zero without touching hardware. */
    v->regs.x[4] = 0x55;
    assert_int_equal(sysreg_trap(v, esr_sys(SYSREG_ISS(3, 0, 0, 3, 3), 4, true)), TRAP_EMULATED);
    assert_int_equal(v->regs.x[4], 0);
    /* ID registers are read-only. */
    v->regs.x[4] = 0;
    assert_int_equal(sysreg_trap(v, esr_sys(SYSREG_ISS(3, 0, 0, 4, 0), 4, false)), TRAP_UNDEF);
}

static void test_sgi1r(void **state)
{
    (void)state;
    v->regs.x[7] = UINT64_C(0x0000010005000002);
    assert_int_equal(sysreg_trap(v, esr_sys(SYSREG_ISS(3, 0, 12, 11, 5), 7, false)), TRAP_EMULATED);
    assert_int_equal(sgi_calls, 1);
    assert_int_equal(sgi_value, UINT64_C(0x0000010005000002));
    assert_ptr_equal(sgi_from, v);
    /* MSR ICC_SGI1R_EL1, xzr */
    v->regs.x[30] = 0x1234;
    sysreg_trap(v, esr_sys(SYSREG_ISS(3, 0, 12, 11, 5), 31, false));
    assert_int_equal(sgi_value, 0);
    /* Write-only. */
    assert_int_equal(sysreg_trap(v, esr_sys(SYSREG_ISS(3, 0, 12, 11, 5), 7, true)), TRAP_UNDEF);
    assert_int_equal(sgi_calls, 2);
    /* Group 0 SGIs are ignored, with a log line. */
    assert_int_equal(sysreg_trap(v, esr_sys(SYSREG_ISS(3, 0, 12, 11, 7), 7, false)), TRAP_EMULATED);
    assert_int_equal(sgi_calls, 2);
    assert_int_equal(fake_log_count, 1);
}

static void test_unknown_register_refused(void **state)
{
    (void)state;
    v->regs.x[3] = 0x77;
    /* MRS x3, PMCR_EL0 */
    assert_int_equal(sysreg_trap(v, esr_sys(SYSREG_ISS(3, 3, 9, 12, 0), 3, true)), TRAP_UNDEF);
    assert_int_equal(v->regs.x[3], 0x77);
    assert_int_equal(fake_log_count, 1);
    assert_non_null(strstr(fake_last_log, "UNDEF"));
}

static void test_raz_wi_and_xzr(void **state)
{
    (void)state;
    /* MRS x2, LORC_EL1 reads zero; MRS xzr leaves the registers alone. */
    v->regs.x[2] = 0x99;
    v->regs.pc = 0x40001000;
    assert_int_equal(sysreg_trap(v, esr_sys(SYSREG_ISS(3, 0, 10, 4, 3), 2, true)), TRAP_EMULATED);
    assert_int_equal(v->regs.x[2], 0);
    for (unsigned i = 0; i < 31; i++)
        v->regs.x[i] = i;
    assert_int_equal(sysreg_trap(v, esr_sys(SYSREG_ISS(3, 0, 10, 4, 3), 31, true)), TRAP_EMULATED);
    for (unsigned i = 0; i < 31; i++)
        assert_int_equal(v->regs.x[i], i);
    assert_int_equal(v->regs.pc, 0x40001000);
    /* MSR LORC_EL1, x1 is ignored. */
    v->regs.x[1] = 1;
    assert_int_equal(sysreg_trap(v, esr_sys(SYSREG_ISS(3, 0, 10, 4, 3), 1, false)), TRAP_EMULATED);
    assert_int_equal(fake_log_count, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_sorted_strictly),
        cmocka_unit_test(test_table_entries_well_formed),
        cmocka_unit_test(test_find_each_entry),
        cmocka_unit_test(test_find_misses_non_entries),
        cmocka_unit_test_setup(test_id_register_features_hidden, setup),
        cmocka_unit_test_setup(test_id_space, setup),
        cmocka_unit_test_setup(test_ras_records_and_imp_def, setup),
        cmocka_unit_test_setup(test_sgi1r, setup),
        cmocka_unit_test_setup(test_unknown_register_refused, setup),
        cmocka_unit_test_setup(test_raz_wi_and_xzr, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
