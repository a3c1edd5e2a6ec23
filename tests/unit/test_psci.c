/* SPDX-License-Identifier: MIT */
/*
 * src/core/psci.c and the SMCCC routing in src/core/smccc.c.  A VM of two
 * vCPUs with 64 MiB of RAM at IPA 0x40000000; vCPU 0 is on and makes the
 * calls.  vcpu_reset() and vm_request_stop() are fakes that record: the
 * tests check what psci.c decides (return codes, power states, the entry
 * point and context id it passes on), not what those do.
 */
#include <string.h>
#include "unit.h"
#include "fake.h"
#include "core/psci.h"
#include "core/trap.h"
#include "core/steal.h"
#include "tofu/abi.h"

#define RAM_IPA  UINT64_C(0x40000000)
#define RAM_SIZE UINT64_C(0x4000000)
#define ENTRY    UINT64_C(0x40080000)
#define CTX_ID   UINT64_C(0xdeadbeefcafef00d)
#define NOT_SUPPORTED ((uint64_t)(int64_t)-1)
#define RET(r)   ((uint64_t)(int64_t)(r))
/* HVC #0 from AArch64 (EC 0x16, IL = 1, imm16 = 0). */
#define ESR_HVC0 (((uint64_t)EC_HVC64 << ESR_EC_SHIFT) | ESR_IL)

static const struct vm_config cfg = {
    .name = "test", .nr_vcpus = 2, .ram_ipa = RAM_IPA, .ram_size = RAM_SIZE,
};
static struct vm vm;
static struct vcpu *v0, *v1;

static int setup(void **state)
{
    (void)state;
    fake_vcpu_reset();
    fake_vm_reset();
    fake_ipc_reset();
    memset(&vm, 0, sizeof(vm));
    vm.id = 3;
    vm.cfg = &cfg;
    vm.ram_pa = pa_of(0x80000000);      /* never dereferenced by psci.c */
    vm.state = VM_RUNNING;
    vm.nr_vcpus = 2;
    for (unsigned i = 0; i < vm.nr_vcpus; i++) {
        vm.vcpus[i].vm = &vm;
        vm.vcpus[i].id = i;
        vm.vcpus[i].vmpidr = MPIDR_RES1 | ((uint64_t)i << MPIDR_AFF0_SHIFT);
    }
    v0 = &vm.vcpus[0];
    v1 = &vm.vcpus[1];
    v0->power = VCPU_ON;
    v0->running = true;
    v1->power = VCPU_OFF;
    fake_current = v0;
    return 0;
}

/* A call from v0 with x0 = fid: the trap result; x0.. hold the results. */
static enum trap_result call(struct vcpu *v, uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
    v->regs.x[0] = fid;
    v->regs.x[1] = a1;
    v->regs.x[2] = a2;
    v->regs.x[3] = a3;
    return psci_call(v, (uint32_t)fid);
}

static enum trap_result smccc(struct vcpu *v, uint64_t esr, uint64_t fid, uint64_t a1)
{
    v->regs.x[0] = fid;
    v->regs.x[1] = a1;
    v->regs.x[2] = 0x2222;
    v->regs.x[3] = 0x3333;
    return smccc_call(v, esr);
}

#define FID64(f) ((f) | SMCCC_SMC64)

static void test_version(void **state)
{
    (void)state;
    assert_int_equal(call(v0, PSCI_VERSION_FID, 0, 0, 0), TRAP_EMULATED);
    assert_int_equal(v0->regs.x[0], 0x10001);
}

static void test_features(void **state)
{
    (void)state;
    static const uint32_t supported[] = {
        PSCI_VERSION_FID, PSCI_CPU_SUSPEND_FID, FID64(PSCI_CPU_SUSPEND_FID), PSCI_CPU_OFF_FID,
        PSCI_CPU_ON_FID, FID64(PSCI_CPU_ON_FID), PSCI_AFFINITY_INFO_FID,
        FID64(PSCI_AFFINITY_INFO_FID), PSCI_MIGRATE_INFO_TYPE_FID, PSCI_SYSTEM_OFF_FID,
        PSCI_SYSTEM_RESET_FID, PSCI_FEATURES_FID, SMCCC_VERSION_FID,
        PSCI_SYSTEM_RESET2_FID, FID64(PSCI_SYSTEM_RESET2_FID),
    };
    static const uint32_t unsupported[] = {
        0x84000005,                     /* MIGRATE */
        FID64(PSCI_CPU_OFF_FID),        /* no SMC64 form exists */
        FID64(PSCI_SYSTEM_OFF_FID),
        0x8400000c,                     /* CPU_FREEZE */
        0x8400000e,                     /* PSCI_STAT_RESIDENCY */
        SMCCC_ARCH_FEATURES_FID + 0x7fff,
        0,
    };
    for (unsigned i = 0; i < ARRAY_SIZE(supported); i++) {
        assert_int_equal(call(v0, PSCI_FEATURES_FID, supported[i], 0, 0), TRAP_EMULATED);
        assert_int_equal(v0->regs.x[0], PSCI_RET_SUCCESS);
    }
    for (unsigned i = 0; i < ARRAY_SIZE(unsupported); i++) {
        call(v0, PSCI_FEATURES_FID, unsupported[i], 0, 0);
        assert_int_equal(v0->regs.x[0], RET(PSCI_RET_NOT_SUPPORTED));
    }
}

static void test_unknown_function(void **state)
{
    (void)state;
    assert_int_equal(call(v0, 0x84000005, 1, 2, 3), TRAP_EMULATED);     /* MIGRATE */
    assert_int_equal(v0->regs.x[0], RET(PSCI_RET_NOT_SUPPORTED));
    call(v0, 0x8400001f, 1, 2, 3);
    assert_int_equal(v0->regs.x[0], RET(PSCI_RET_NOT_SUPPORTED));
    assert_int_equal(fake_reset_count + fake_stop_count + fake_idle_count, 0);
}

static void test_cpu_on_unknown_mpidr(void **state)
{
    (void)state;
    assert_int_equal(call(v0, FID64(PSCI_CPU_ON_FID), 2, ENTRY, CTX_ID), TRAP_EMULATED);
    assert_int_equal(v0->regs.x[0], RET(PSCI_RET_INVALID_PARAMS));
    call(v0, FID64(PSCI_CPU_ON_FID), UINT64_C(1) << MPIDR_AFF1_SHIFT | 1, ENTRY, CTX_ID);
    assert_int_equal(v0->regs.x[0], RET(PSCI_RET_INVALID_PARAMS));
    assert_int_equal(fake_reset_count, 0);
    assert_int_equal(v1->power, VCPU_OFF);
}

static void test_cpu_on_bad_entry(void **state)
{
    (void)state;
    static const uint64_t bad[] = {
        RAM_IPA - 4,                    /* below RAM */
        RAM_IPA + RAM_SIZE,             /* just past its end */
        RAM_IPA + RAM_SIZE - 2,         /* misaligned, last bytes */
        ENTRY + 2,                      /* misaligned */
        ENTRY + 1,
        0,
        UINT64_MAX - 3,
        UINT64_C(0x09000000),           /* an emulated device, not RAM */
    };
    for (unsigned i = 0; i < ARRAY_SIZE(bad); i++) {
        assert_int_equal(call(v0, FID64(PSCI_CPU_ON_FID), 1, bad[i], CTX_ID), TRAP_EMULATED);
        assert_int_equal(v0->regs.x[0], RET(PSCI_RET_INVALID_ADDRESS));
    }
    assert_int_equal(v1->power, VCPU_OFF);
    assert_int_equal(fake_reset_count, 0);
    assert_int_equal(fake_kick_count, 0);
    /* The first and the last word of RAM are valid entries. */
    call(v0, FID64(PSCI_CPU_ON_FID), 1, RAM_IPA + RAM_SIZE - 4, 0);
    assert_int_equal(v0->regs.x[0], PSCI_RET_SUCCESS);
}

static void test_cpu_on(void **state)
{
    (void)state;
    assert_int_equal(call(v0, FID64(PSCI_CPU_ON_FID), 1, ENTRY, CTX_ID), TRAP_EMULATED);
    assert_int_equal(v0->regs.x[0], PSCI_RET_SUCCESS);
    assert_int_equal(v1->power, VCPU_ON_PENDING);
    assert_int_equal(fake_reset_count, 1);
    assert_ptr_equal(fake_reset_vcpu, v1);
    assert_int_equal(fake_reset_pc, ENTRY);
    assert_int_equal(fake_reset_x0, CTX_ID);
    assert_int_equal(v1->regs.pc, ENTRY);
    assert_int_equal(v1->regs.x[0], CTX_ID);
    assert_ptr_equal(fake_last_kicked, v1);
    assert_int_equal(v0->power, VCPU_ON);

    /* Again before it has started: ON_PENDING, and nothing reset. */
    call(v0, FID64(PSCI_CPU_ON_FID), 1, ENTRY + 0x1000, 0);
    assert_int_equal(v0->regs.x[0], RET(PSCI_RET_ON_PENDING));
    assert_int_equal(fake_reset_count, 1);
    assert_int_equal(v1->regs.pc, ENTRY);

    /* Once it runs (the idle loop marks it ON): ALREADY_ON. */
    v1->power = VCPU_ON;
    v1->running = true;
    call(v0, FID64(PSCI_CPU_ON_FID), 1, ENTRY, 0);
    assert_int_equal(v0->regs.x[0], RET(PSCI_RET_ALREADY_ON));
    assert_int_equal(fake_reset_count, 1);

    /* The caller itself is on. */
    call(v1, FID64(PSCI_CPU_ON_FID), 0, ENTRY, 0);
    assert_int_equal(v1->regs.x[0], RET(PSCI_RET_ALREADY_ON));
    assert_int_equal(fake_reset_count, 1);
}

static void test_cpu_on_after_cpu_off(void **state)
{
    (void)state;
    call(v0, FID64(PSCI_CPU_ON_FID), 1, ENTRY, 1);
    v1->power = VCPU_ON;
    v1->running = true;
    assert_int_equal(call(v1, PSCI_CPU_OFF_FID, 0, 0, 0), TRAP_PARK);
    assert_int_equal(v1->power, VCPU_OFF);
    v1->running = false;            /* what parking it does */
    call(v0, FID64(PSCI_CPU_ON_FID), 1, ENTRY + 0x100, 2);
    assert_int_equal(v0->regs.x[0], PSCI_RET_SUCCESS);
    assert_int_equal(fake_reset_count, 2);
    assert_int_equal(fake_reset_pc, ENTRY + 0x100);
    assert_int_equal(fake_reset_x0, 2);
}

static void test_affinity_info(void **state)
{
    (void)state;
    call(v0, FID64(PSCI_AFFINITY_INFO_FID), 0, 0, 0);
    assert_int_equal(v0->regs.x[0], PSCI_AFFINITY_ON);
    call(v0, FID64(PSCI_AFFINITY_INFO_FID), 1, 0, 0);
    assert_int_equal(v0->regs.x[0], PSCI_AFFINITY_OFF);
    call(v0, FID64(PSCI_CPU_ON_FID), 1, ENTRY, 0);
    call(v0, FID64(PSCI_AFFINITY_INFO_FID), 1, 0, 0);
    assert_int_equal(v0->regs.x[0], PSCI_AFFINITY_ON_PENDING);
    v1->power = VCPU_ON;
    call(v0, PSCI_AFFINITY_INFO_FID, 1, 0, 0);
    assert_int_equal(v0->regs.x[0], PSCI_AFFINITY_ON);

    /* Only level 0; unknown MPIDRs are invalid. */
    for (uint64_t level = 1; level <= 3; level++) {
        call(v0, FID64(PSCI_AFFINITY_INFO_FID), 0, level, 0);
        assert_int_equal(v0->regs.x[0], RET(PSCI_RET_INVALID_PARAMS));
    }
    call(v0, FID64(PSCI_AFFINITY_INFO_FID), 7, 0, 0);
    assert_int_equal(v0->regs.x[0], RET(PSCI_RET_INVALID_PARAMS));
}

static void test_smc32_ignores_upper_halves(void **state)
{
    (void)state;
    const uint64_t junk = UINT64_C(0xffffffff00000000);
    /* The SMC64 call sees the full registers: no such MPIDR (Aff3). */
    call(v0, FID64(PSCI_CPU_ON_FID), junk | 1, junk | ENTRY, junk | 0x12345678);
    assert_int_equal(v0->regs.x[0], RET(PSCI_RET_INVALID_PARAMS));
    /* ... an entry outside RAM. */
    call(v0, FID64(PSCI_CPU_ON_FID), 1, junk | ENTRY, 0);
    assert_int_equal(v0->regs.x[0], RET(PSCI_RET_INVALID_ADDRESS));
    assert_int_equal(fake_reset_count, 0);

    /* The SMC32 call: the same registers, w1..w3 only. */
    call(v0, PSCI_CPU_ON_FID, junk | 1, junk | ENTRY, junk | 0x12345678);
    assert_int_equal(v0->regs.x[0], PSCI_RET_SUCCESS);
    assert_int_equal(fake_reset_pc, ENTRY);
    assert_int_equal(fake_reset_x0, 0x12345678);

    call(v0, PSCI_AFFINITY_INFO_FID, junk | 1, junk, 0);
    assert_int_equal(v0->regs.x[0], PSCI_AFFINITY_ON_PENDING);
    call(v0, FID64(PSCI_AFFINITY_INFO_FID), 1, junk, 0);
    assert_int_equal(v0->regs.x[0], RET(PSCI_RET_INVALID_PARAMS));

    call(v0, PSCI_FEATURES_FID, junk | PSCI_CPU_ON_FID, 0, 0);
    assert_int_equal(v0->regs.x[0], PSCI_RET_SUCCESS);
}

static void test_cpu_off_parks(void **state)
{
    (void)state;
    v0->regs.x[0] = 0x5555;
    assert_int_equal(call(v0, PSCI_CPU_OFF_FID, 0, 0, 0), TRAP_PARK);
    assert_int_equal(v0->power, VCPU_OFF);
    assert_int_equal(fake_stop_count, 0);
}

static void test_cpu_suspend_is_standby(void **state)
{
    (void)state;
    assert_int_equal(call(v0, FID64(PSCI_CPU_SUSPEND_FID), 0x10000, ENTRY, 0), TRAP_EMULATED);
    assert_int_equal(v0->regs.x[0], PSCI_RET_SUCCESS);
    assert_int_equal(fake_idle_count, 1);
    assert_int_equal(v0->power, VCPU_ON);
    assert_int_equal(fake_reset_count, 0);
}

static void test_migrate_info_type(void **state)
{
    (void)state;
    call(v0, PSCI_MIGRATE_INFO_TYPE_FID, 0, 0, 0);
    assert_int_equal(v0->regs.x[0], PSCI_MIGRATE_NOT_REQUIRED);
}

static void test_system_off_and_reset(void **state)
{
    (void)state;
    assert_int_equal(call(v0, PSCI_SYSTEM_OFF_FID, 0, 0, 0), TRAP_PARK);
    assert_int_equal(fake_stop_count, 1);
    assert_ptr_equal(fake_stop_vm, &vm);
    assert_int_equal(fake_stop_why, VM_STOP_POWEROFF);
    assert_false(fake_stop_restart);

    assert_int_equal(call(v1, PSCI_SYSTEM_RESET_FID, 0, 0, 0), TRAP_PARK);
    assert_int_equal(fake_stop_count, 2);
    assert_ptr_equal(fake_stop_vm, &vm);
    assert_int_equal(fake_stop_why, VM_STOP_RESET);
    assert_true(fake_stop_restart);
    assert_int_equal(fake_reset_warm, 0);
}

/* SYSTEM_RESET2: the architectural warm reset only (Linux's reboot=warm or
 * reboot=panic_warm); other types, vendor ones included, are refused and
 * change nothing. */
static void test_system_reset2(void **state)
{
    (void)state;
    static const uint64_t bad[] = { 1, UINT64_C(1) << 31, (UINT64_C(1) << 31) | 1, UINT64_C(1) << 32 };
    for (unsigned i = 0; i < ARRAY_SIZE(bad); i++) {
        assert_int_equal(call(v0, FID64(PSCI_SYSTEM_RESET2_FID), bad[i], 0, 0), TRAP_EMULATED);
        assert_int_equal(v0->regs.x[0], RET(PSCI_RET_INVALID_PARAMS));
    }
    assert_int_equal(fake_stop_count, 0);
    assert_int_equal(call(v0, PSCI_SYSTEM_RESET2_FID, UINT64_C(0xffffffff00000000), 7, 0), TRAP_PARK);
    assert_int_equal(fake_reset_warm, 1);           /* SMC32: the upper half is ignored */
    assert_int_equal(fake_stop_count, 1);
}

/* The watchdog calls go to wdog.c (tests/unit/test_wdog.c checks them). */
static void test_smccc_watchdog(void **state)
{
    (void)state;
    assert_int_equal(smccc(v0, ESR_HVC0, TOFU_HC_WDOG_ARM, 0), TRAP_EMULATED);
    assert_int_equal(v0->regs.x[0], RET(TOFU_E_INVALID));
    assert_int_equal(smccc(v0, ESR_HVC0, TOFU_HC_WDOG_PET, 0), TRAP_EMULATED);
    assert_int_equal(v0->regs.x[0], RET(TOFU_E_NOT_ARMED));
    assert_int_equal(smccc(v0, ESR_HVC0, TOFU_HC_WDOG_DISARM, 0), TRAP_EMULATED);
    assert_int_equal(v0->regs.x[0], TOFU_OK);
    assert_int_equal(fake_ipc_calls, 0);
}

/* ---- SMCCC routing ------------------------------------------------------------ */

static void test_smccc_unknown_leaves_x1_x3(void **state)
{
    (void)state;
    static const uint32_t fids[] = {
        0x82000000,             /* SiP */
        0x83000000,             /* OEM */
        0x85000000,             /* Standard Hypervisor */
        0xb0000000,             /* Trusted OS */
        0xbf00ffff,
        0x8600ff02,             /* tofu: unallocated */
        0x86000002,
        0x80000002,             /* Arm: unallocated */
        0x04000000,             /* yielding call */
        0x84010000,             /* reserved bits 23:16 */
    };
    for (unsigned i = 0; i < ARRAY_SIZE(fids); i++) {
        assert_int_equal(smccc(v0, ESR_HVC0, fids[i], 0x1111), TRAP_EMULATED);
        assert_int_equal(v0->regs.x[0], NOT_SUPPORTED);
        assert_int_equal(v0->regs.x[1], 0x1111);
        assert_int_equal(v0->regs.x[2], 0x2222);
        assert_int_equal(v0->regs.x[3], 0x3333);
    }
    /* HVC with an immediate other than 0 is not SMCCC. */
    smccc(v0, ESR_HVC0 | 1, PSCI_VERSION_FID, 0x1111);
    assert_int_equal(v0->regs.x[0], NOT_SUPPORTED);
    smccc(v0, ESR_HVC0 | 1, PSCI_SYSTEM_OFF_FID, 0x1111);
    assert_int_equal(v0->regs.x[0], NOT_SUPPORTED);
    assert_int_equal(fake_stop_count, 0);
}

static void test_smccc_arch(void **state)
{
    (void)state;
    assert_int_equal(smccc(v0, ESR_HVC0, SMCCC_VERSION_FID, 0), TRAP_EMULATED);
    assert_int_equal(v0->regs.x[0], 0x10001);
    smccc(v0, ESR_HVC0, SMCCC_ARCH_FEATURES_FID, SMCCC_ARCH_FEATURES_FID);
    assert_int_equal(v0->regs.x[0], SMCCC_RET_SUCCESS);
    smccc(v0, ESR_HVC0, SMCCC_ARCH_FEATURES_FID, 0x80008000);      /* WORKAROUND_1 */
    assert_int_equal(v0->regs.x[0], NOT_SUPPORTED);
    /* w0 only: the upper half of x0 is not part of the function ID. */
    smccc(v0, ESR_HVC0, UINT64_C(0xffffffff00000000) | SMCCC_VERSION_FID, 0);
    assert_int_equal(v0->regs.x[0], 0x10001);
}

/* Stolen time (DEN0057A): found through ARCH_FEATURES and
 * PV_TIME_FEATURES only where the VM has records; PV_TIME_ST gives each
 * vCPU its own; what steal_load adds is there in nanoseconds. */
static void test_smccc_stolen_time(void **state)
{
    (void)state;
    smccc(v0, ESR_HVC0, SMCCC_ARCH_FEATURES_FID, PV_TIME_FEATURES_FID);
    assert_int_equal(v0->regs.x[0], NOT_SUPPORTED);        /* no records (steal_ipa 0) */
    smccc(v0, ESR_HVC0, PV_TIME_ST_FID, 0);
    assert_int_equal(v0->regs.x[0], NOT_SUPPORTED);

    static struct vm_config with = { .name = "test", .nr_vcpus = 2, .ram_ipa = RAM_IPA, .ram_size = RAM_SIZE,
                                      .steal_ipa = UINT64_C(0x090a0000) };
    vm.cfg = &with;
    assert_null(steal_vm_build(&vm));
    assert_int_equal(fake_page_ipa, 0x090a0000);
    assert_ptr_equal(fake_page, v0->steal);
    assert_ptr_equal(v0->steal + 1, v1->steal);
    smccc(v0, ESR_HVC0, SMCCC_ARCH_FEATURES_FID, PV_TIME_FEATURES_FID);
    assert_int_equal(v0->regs.x[0], SMCCC_RET_SUCCESS);
    smccc(v0, ESR_HVC0, PV_TIME_FEATURES_FID, PV_TIME_ST_FID);
    assert_int_equal(v0->regs.x[0], SMCCC_RET_SUCCESS);
    smccc(v0, ESR_HVC0, PV_TIME_FEATURES_FID, PV_TIME_FEATURES_FID);
    assert_int_equal(v0->regs.x[0], SMCCC_RET_SUCCESS);
    smccc(v0, ESR_HVC0, PV_TIME_FEATURES_FID, PV_TIME_ST_FID + 1);
    assert_int_equal(v0->regs.x[0], NOT_SUPPORTED);
    smccc(v0, ESR_HVC0, PV_TIME_ST_FID + 1, 0);
    assert_int_equal(v0->regs.x[0], NOT_SUPPORTED);
    smccc(v1, ESR_HVC0, PV_TIME_ST_FID, 0);
    assert_int_equal(v1->regs.x[0], 0x090a0000 + PV_TIME_ST_SIZE);

    /* 1 ms and then 1 s at 62.5 MHz; 1 s at 54 MHz (rpi4b), to the ns. */
    steal_reset(v0);
    assert_int_equal(v0->steal->revision, 0);
    assert_int_equal(v0->steal->attributes, 0);
    assert_int_equal(v0->steal->stolen_ns, 0);
    fake_counter_freq = 62500000;
    assert_null(steal_vm_build(&vm));
    v0->steal_from = 1000;
    steal_load(v0, 1000 + 62500);
    assert_int_equal(v0->steal->stolen_ns, 1000000);
    assert_int_equal(v0->steal_from, 0);
    v0->steal_from = 5000000;
    steal_load(v0, 5000000 + 62500000);
    assert_int_equal(v0->steal->stolen_ns, 1001000000);
    assert_int_equal(v1->steal->stolen_ns, 0);
    steal_reset(v0);
    assert_int_equal(v0->steal->stolen_ns, 0);
    fake_counter_freq = 54000000;
    assert_null(steal_vm_build(&vm));
    v0->steal_from = 1;
    steal_load(v0, 1 + 54000000);
    assert_in_range(v0->steal->stolen_ns, 999999999, 1000000000);
}

static void test_smccc_routes_psci(void **state)
{
    (void)state;
    assert_int_equal(smccc(v0, ESR_HVC0, PSCI_VERSION_FID, 0), TRAP_EMULATED);
    assert_int_equal(v0->regs.x[0], 0x10001);
    v0->regs.x[2] = ENTRY;
    v0->regs.x[3] = CTX_ID;
    v0->regs.x[0] = FID64(PSCI_CPU_ON_FID);
    v0->regs.x[1] = 1;
    assert_int_equal(smccc_call(v0, ESR_HVC0), TRAP_EMULATED);
    assert_int_equal(v0->regs.x[0], PSCI_RET_SUCCESS);
    assert_int_equal(v1->power, VCPU_ON_PENDING);
    assert_int_equal(smccc(v0, ESR_HVC0, PSCI_SYSTEM_RESET_FID, 0), TRAP_PARK);
    assert_int_equal(fake_stop_why, VM_STOP_RESET);
    /* SMC #0 (trapped by HCR_EL2.TSC) is handled the same way. */
    uint64_t esr_smc = ((uint64_t)EC_SMC64 << ESR_EC_SHIFT) | ESR_IL;
    assert_int_equal(smccc(v0, esr_smc, PSCI_VERSION_FID, 0), TRAP_EMULATED);
    assert_int_equal(v0->regs.x[0], 0x10001);
}

static void test_smccc_vendor(void **state)
{
    (void)state;
    assert_int_equal(smccc(v0, ESR_HVC0, TOFU_HC_CALL_UID, 0), TRAP_EMULATED);
    assert_int_equal(v0->regs.x[0], TOFU_UID_0);
    assert_int_equal(v0->regs.x[1], TOFU_UID_1);
    assert_int_equal(v0->regs.x[2], TOFU_UID_2);
    assert_int_equal(v0->regs.x[3], TOFU_UID_3);

    smccc(v1, ESR_HVC0, TOFU_HC_VM_ID, 0);
    assert_int_equal(v1->regs.x[0], TOFU_OK);
    assert_int_equal(v1->regs.x[1], 3);
    assert_int_equal(v1->regs.x[2], 1);

    /* CALL_COUNT counts the calls that answer: 0xc6000000 | 1..LAST. */
    smccc(v0, ESR_HVC0, TOFU_HC_CALL_COUNT, 0);
    assert_int_equal(v0->regs.x[0], TOFU_HC_LAST_NUM - TOFU_HC_FIRST_NUM + 1);
    for (uint32_t n = TOFU_HC_FIRST_NUM; n <= TOFU_HC_LAST_NUM; n++) {
        smccc(v0, ESR_HVC0, 0xc6000000u | n, 0);
        assert_int_not_equal(v0->regs.x[0], NOT_SUPPORTED);
    }
    smccc(v0, ESR_HVC0, 0xc6000000u | (TOFU_HC_LAST_NUM + 1), 0);
    assert_int_equal(v0->regs.x[0], NOT_SUPPORTED);
    smccc(v0, ESR_HVC0, TOFU_HC_REVISION, 0);
    assert_int_equal(v0->regs.x[0], TOFU_REVISION_MAJOR);
    assert_int_equal(v0->regs.x[1], TOFU_REVISION_MINOR);
}

static void test_smccc_routes_ipc(void **state)
{
    (void)state;
    static const uint32_t ipc[] = {
        TOFU_HC_VM_LOOKUP, TOFU_HC_MSG_SEND, TOFU_HC_MSG_RECV, TOFU_HC_DOORBELL,
        TOFU_HC_SHARE, TOFU_HC_MAP, TOFU_HC_UNMAP, TOFU_HC_REVOKE,
    };
    for (unsigned i = 0; i < ARRAY_SIZE(ipc); i++) {
        assert_int_equal(smccc(v0, ESR_HVC0, ipc[i], 0x1111), TRAP_EMULATED);
        assert_int_equal(fake_ipc_calls, i + 1);
        assert_int_equal(fake_ipc_last_fid, ipc[i]);
    }
    /* Their SMC32 forms do not exist. */
    for (unsigned i = 0; i < ARRAY_SIZE(ipc); i++) {
        smccc(v0, ESR_HVC0, ipc[i] & ~SMCCC_SMC64, 0x1111);
        assert_int_equal(v0->regs.x[0], NOT_SUPPORTED);
    }
    assert_int_equal(fake_ipc_calls, ARRAY_SIZE(ipc));
    /* Not through a non-zero HVC immediate either. */
    smccc(v0, ESR_HVC0 | 1, TOFU_HC_MSG_SEND, 0x1111);
    assert_int_equal(fake_ipc_calls, ARRAY_SIZE(ipc));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_version, setup),
        cmocka_unit_test_setup(test_features, setup),
        cmocka_unit_test_setup(test_unknown_function, setup),
        cmocka_unit_test_setup(test_cpu_on_unknown_mpidr, setup),
        cmocka_unit_test_setup(test_cpu_on_bad_entry, setup),
        cmocka_unit_test_setup(test_cpu_on, setup),
        cmocka_unit_test_setup(test_cpu_on_after_cpu_off, setup),
        cmocka_unit_test_setup(test_affinity_info, setup),
        cmocka_unit_test_setup(test_smc32_ignores_upper_halves, setup),
        cmocka_unit_test_setup(test_cpu_off_parks, setup),
        cmocka_unit_test_setup(test_cpu_suspend_is_standby, setup),
        cmocka_unit_test_setup(test_migrate_info_type, setup),
        cmocka_unit_test_setup(test_system_off_and_reset, setup),
        cmocka_unit_test_setup(test_system_reset2, setup),
        cmocka_unit_test_setup(test_smccc_watchdog, setup),
        cmocka_unit_test_setup(test_smccc_unknown_leaves_x1_x3, setup),
        cmocka_unit_test_setup(test_smccc_arch, setup),
        cmocka_unit_test_setup(test_smccc_stolen_time, setup),
        cmocka_unit_test_setup(test_smccc_routes_psci, setup),
        cmocka_unit_test_setup(test_smccc_vendor, setup),
        cmocka_unit_test_setup(test_smccc_routes_ipc, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
