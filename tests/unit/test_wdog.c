/* SPDX-License-Identifier: MIT */
/*
 * src/core/wdog.c (the per-VM watchdog and its hypercall) and
 * src/vdev/vsp805.c (the emulated SP805) against a fake counter and a fake
 * hypervisor timer: argument checks, deadlines, a late timer's grace, the
 * SP805's registers, its two expiries, and what tofu is told when the VM
 * hangs (vm_failed, recorded by the fake).
 */
#include <string.h>
#include "unit.h"
#include "fake.h"
#include "core/vm.h"
#include "core/htimer.h"
#include "arch/regs.h"
#include "tofu/abi.h"

#define CLK_HZ   1000000u              /* the SP805's WDOGCLK */
#define INTID    62u
#define TICKS_PER_MS (FAKE_COUNTER_FREQ / 1000u)
#define CYCLES_TO_TICKS(n) ((uint64_t)(n) * FAKE_COUNTER_FREQ / CLK_HZ)
#define START    1000000u

static const struct vm_config cfg = { .name = "wd", .nr_vcpus = 1, .wdog_intid = INTID, .wdog_clk_hz = CLK_HZ };
static struct vm vm;
static struct vcpu *v;

static int setup(void **state)
{
    (void)state;
    memset(&vm, 0, sizeof(vm));
    fake_vm_reset();
    fake_timer_reset();
    fake_counter = START;
    vm.cfg = &cfg;
    vm.state = VM_RUNNING;
    vm.nr_vcpus = 1;
    v = &vm.vcpus[0];
    v->vm = &vm;
    vsp805_init(&vm.sp805, &vm, INTID, CLK_HZ);
    wdog_reset(&vm);
    return 0;
}

static int64_t hc(uint32_t fid, uint64_t a1)
{
    v->regs.x[0] = fid;
    v->regs.x[1] = a1;
    wdog_call(v, fid);
    return (int64_t)v->regs.x[0];
}

static uint64_t deadline(void)
{
    return fake_htimer_deadline[HTIMER_WDOG];
}

/* The counter moves to `t` and the timer fires if its deadline passed. */
static void run_to(uint64_t t)
{
    fake_counter = t;
    if (deadline() && deadline() <= t)
        wdog_expired(v);
}

static void test_hc_bad_arguments(void **state)
{
    (void)state;
    static const uint64_t bad[] = { 0, TOFU_WDOG_MIN_MS - 1, TOFU_WDOG_MAX_MS + 1, UINT64_C(1) << 32, ~UINT64_C(0) };
    for (unsigned i = 0; i < ARRAY_SIZE(bad); i++) {
        assert_int_equal(hc(TOFU_HC_WDOG_ARM, bad[i]), TOFU_E_INVALID);
        assert_int_equal(deadline(), 0);
    }
    assert_int_equal(hc(TOFU_HC_WDOG_PET, 0), TOFU_E_NOT_ARMED);
    assert_int_equal(hc(TOFU_HC_WDOG_DISARM, 0), TOFU_OK);      /* idempotent */
    assert_int_equal(deadline(), 0);
    assert_int_equal(fake_stop_count, 0);
}

static void test_hc_arm_pet_disarm(void **state)
{
    (void)state;
    assert_int_equal(hc(TOFU_HC_WDOG_ARM, 100), TOFU_OK);
    assert_int_equal(deadline(), START + 100 * TICKS_PER_MS);
    run_to(START + 60 * TICKS_PER_MS);
    assert_int_equal(hc(TOFU_HC_WDOG_PET, 0), TOFU_OK);
    assert_int_equal(deadline(), START + 160 * TICKS_PER_MS);
    run_to(START + 159 * TICKS_PER_MS);
    assert_int_equal(fake_stop_count, 0);
    assert_int_equal(hc(TOFU_HC_WDOG_DISARM, 0), TOFU_OK);
    assert_int_equal(deadline(), 0);
    run_to(START + 1000 * TICKS_PER_MS);
    assert_int_equal(fake_stop_count, 0);
    assert_int_equal(hc(TOFU_HC_WDOG_PET, 0), TOFU_E_NOT_ARMED);
}

static void test_hc_expiry_stops_the_vm(void **state)
{
    (void)state;
    assert_int_equal(hc(TOFU_HC_WDOG_ARM, TOFU_WDOG_MIN_MS), TOFU_OK);
    run_to(START + TOFU_WDOG_MIN_MS * TICKS_PER_MS);
    assert_int_equal(fake_stop_count, 1);
    assert_int_equal(fake_stop_why, VM_STOP_WATCHDOG);
    assert_non_null(strstr(fake_fail_reason, "not petted within 10 ms"));
    assert_int_equal(deadline(), 0);
}

/* A timer taken long after its deadline: the CPU did not run, so neither
 * did the guest; it gets WDOG_GRACE_MS, again while the timer comes late
 * (at most WDOG_MAX_GRACES times), and a pet in it saves it. */
static void test_late_timer_grace(void **state)
{
    (void)state;
    hc(TOFU_HC_WDOG_ARM, 100);
    uint64_t late = START + (100 + WDOG_LATE_MS + 1) * TICKS_PER_MS;
    run_to(late);
    assert_int_equal(fake_stop_count, 0);
    assert_int_equal(deadline(), late + WDOG_GRACE_MS * TICKS_PER_MS);
    run_to(late + WDOG_GRACE_MS * TICKS_PER_MS);                /* on time: hung */
    assert_int_equal(fake_stop_count, 1);

    setup(NULL);                        /* late every time: WDOG_MAX_GRACES, then hung */
    hc(TOFU_HC_WDOG_ARM, 100);
    for (unsigned i = 0; i < WDOG_MAX_GRACES; i++) {
        run_to(deadline() + (WDOG_LATE_MS + 1) * TICKS_PER_MS);
        assert_int_equal(fake_stop_count, 0);
    }
    run_to(deadline() + (WDOG_LATE_MS + 1) * TICKS_PER_MS);
    assert_int_equal(fake_stop_count, 1);

    setup(NULL);
    hc(TOFU_HC_WDOG_ARM, 100);
    run_to(late);
    assert_int_equal(hc(TOFU_HC_WDOG_PET, 0), TOFU_OK);
    run_to(late + 99 * TICKS_PER_MS);
    assert_int_equal(fake_stop_count, 0);
}

static void test_stopped_vm_is_not_failed(void **state)
{
    (void)state;
    hc(TOFU_HC_WDOG_ARM, 10);
    vm.state = VM_STOPPING;
    run_to(START + 10 * TICKS_PER_MS);
    assert_int_equal(fake_stop_count, 0);
}

/* ---- the SP805 ---- */

static uint64_t rd(uint64_t off)
{
    return vsp805_ops.read(v, &vm.sp805, off, 4);
}

static void wr(uint64_t off, uint64_t val)
{
    assert_int_equal(vsp805_ops.write(v, &vm.sp805, off, 4, val), MMIO_OK);
}

static void test_sp805_ids_and_reset(void **state)
{
    (void)state;
    static const uint8_t ids[8] = { 0x05, 0x18, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1 };
    for (unsigned i = 0; i < 8; i++)
        assert_int_equal(rd(PRIMECELL_ID_BASE + PRIMECELL_ID_STRIDE * i), ids[i]);
    assert_int_equal(rd(WDOG_LOAD), WDOG_LOAD_RESET);
    assert_int_equal(rd(WDOG_VALUE), WDOG_LOAD_RESET);
    assert_int_equal(rd(WDOG_CONTROL), 0);
    assert_int_equal(rd(WDOG_RIS), 0);
    assert_int_equal(rd(WDOG_LOCK), 0);
    assert_int_equal(rd(WDOG_ITCR), 0);
}

static void test_sp805_lock(void **state)
{
    (void)state;
    wr(WDOG_LOCK, 1);
    assert_int_equal(rd(WDOG_LOCK), WDOG_LOCKED);
    wr(WDOG_LOAD, 1234);
    wr(WDOG_CONTROL, WDOG_CONTROL_MASK);
    assert_int_equal(rd(WDOG_LOAD), WDOG_LOAD_RESET);
    assert_int_equal(rd(WDOG_CONTROL), 0);
    assert_int_equal(deadline(), 0);
    wr(WDOG_LOCK, WDOG_LOCK_KEY);
    assert_int_equal(rd(WDOG_LOCK), 0);
    wr(WDOG_LOAD, 1234);
    assert_int_equal(rd(WDOG_LOAD), 1234);
}

/* Linux's sp805_wdt: load, clear, INTEN | RESEN, then a ping (WdogIntClr)
 * each time; unpetted, the interrupt after load + 1 cycles, the hang
 * after as many again. */
static void test_sp805_counts_down_twice(void **state)
{
    (void)state;
    const uint32_t load = 999;          /* 1000 cycles: 1 ms */
    const uint64_t period = CYCLES_TO_TICKS(load + 1);
    wr(WDOG_LOCK, WDOG_LOCK_KEY);
    wr(WDOG_LOAD, load);
    wr(WDOG_INTCLR, 1);
    wr(WDOG_CONTROL, WDOG_CONTROL_INTEN | WDOG_CONTROL_RESEN);
    wr(WDOG_LOCK, 1);
    assert_int_equal(deadline(), START + period);
    fake_counter = START + period / 2;
    assert_int_equal(rd(WDOG_VALUE), (load + 1) / 2);

    run_to(START + period);             /* first zero: the interrupt */
    assert_int_equal(rd(WDOG_RIS), WDOG_INT);
    assert_int_equal(rd(WDOG_MIS), WDOG_INT);
    assert_true(fake_irq_level[INTID]);
    assert_int_equal(fake_stop_count, 0);
    assert_int_equal(deadline(), START + 2 * period);

    wr(WDOG_LOCK, WDOG_LOCK_KEY);       /* a ping: the count starts again */
    wr(WDOG_INTCLR, 1);
    assert_int_equal(rd(WDOG_RIS), 0);
    assert_false(fake_irq_level[INTID]);
    assert_int_equal(deadline(), START + 2 * period);
    run_to(START + 2 * period);         /* zero again, but after the ping */
    assert_int_equal(fake_stop_count, 0);
    run_to(START + 3 * period);
    assert_int_equal(fake_stop_count, 1);
    assert_int_equal(fake_stop_why, VM_STOP_WATCHDOG);
    assert_non_null(strstr(fake_fail_reason, "SP805"));
}

static void test_sp805_without_resen_never_stops(void **state)
{
    (void)state;
    wr(WDOG_LOAD, 99);
    wr(WDOG_CONTROL, WDOG_CONTROL_INTEN);
    for (unsigned i = 1; i <= 5; i++)
        run_to(START + CYCLES_TO_TICKS(i * 100));
    assert_int_equal(fake_stop_count, 0);
    assert_int_equal(rd(WDOG_RIS), WDOG_INT);
    wr(WDOG_CONTROL, 0);                /* stopped: the value holds, the line drops */
    uint64_t held = rd(WDOG_VALUE);
    assert_false(fake_irq_level[INTID]);
    assert_int_equal(deadline(), 0);
    fake_counter += CYCLES_TO_TICKS(1000);
    assert_int_equal(rd(WDOG_VALUE), held);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_hc_bad_arguments, setup),
        cmocka_unit_test_setup(test_hc_arm_pet_disarm, setup),
        cmocka_unit_test_setup(test_hc_expiry_stops_the_vm, setup),
        cmocka_unit_test_setup(test_late_timer_grace, setup),
        cmocka_unit_test_setup(test_stopped_vm_is_not_failed, setup),
        cmocka_unit_test_setup(test_sp805_ids_and_reset, setup),
        cmocka_unit_test_setup(test_sp805_lock, setup),
        cmocka_unit_test_setup(test_sp805_counts_down_twice, setup),
        cmocka_unit_test_setup(test_sp805_without_resen_never_stops, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
