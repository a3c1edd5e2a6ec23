/* SPDX-License-Identifier: MIT */
/*
 * src/core/ptimer.c, the emulated EL1 physical timer, against a fake counter
 * and a fake hypervisor timer: ISTATUS, IMASK, TVAL's signed 32 bits, the
 * output line on PPI 30 and the deadline armed for it.
 */
#include <string.h>
#include "unit.h"
#include "fake.h"
#include "core/ptimer.h"
#include "core/htimer.h"
#include "arch/regs.h"

static struct vcpu vcpu;
static struct vcpu *v = &vcpu;

static int setup(void **state)
{
    (void)state;
    memset(&vcpu, 0, sizeof(vcpu));
    fake_timer_reset();
    fake_counter = 1000;
    ptimer_reset(v);
    return 0;
}

static void test_reset_state(void **state)
{
    (void)state;
    assert_int_equal(ptimer_read_ctl(v), 0);
    assert_int_equal(fake_htimer_deadline[HTIMER_PTIMER], 0);
    assert_false(fake_ppi_line[PPI_PTIMER]);
}

/* CTL keeps ENABLE and IMASK; ISTATUS is read-only and follows CNTPCT >= CVAL. */
static void test_ctl_istatus(void **state)
{
    (void)state;
    ptimer_write_cval(v, 2000);
    ptimer_write_ctl(v, CNT_CTL_ENABLE | CNT_CTL_IMASK | CNT_CTL_ISTATUS | 0xf0);
    assert_int_equal(ptimer_read_ctl(v), CNT_CTL_ENABLE | CNT_CTL_IMASK);
    fake_counter = 2000;
    assert_int_equal(ptimer_read_ctl(v), CNT_CTL_ENABLE | CNT_CTL_IMASK | CNT_CTL_ISTATUS);
    ptimer_write_ctl(v, 0);
    assert_int_equal(ptimer_read_ctl(v), 0);          /* disabled: ISTATUS 0 */
}

/* The line is ENABLE and not IMASK and the condition; the deadline is armed
 * only while the line can still rise. */
static void test_line_and_deadline(void **state)
{
    (void)state;
    ptimer_write_cval(v, 5000);
    ptimer_write_ctl(v, CNT_CTL_ENABLE);
    assert_false(fake_ppi_line[PPI_PTIMER]);
    assert_int_equal(fake_htimer_deadline[HTIMER_PTIMER], 5000);

    fake_counter = 5000;
    ptimer_expired(v);
    assert_true(fake_ppi_line[PPI_PTIMER]);
    assert_int_equal(fake_htimer_deadline[HTIMER_PTIMER], 0);

    ptimer_write_ctl(v, CNT_CTL_ENABLE | CNT_CTL_IMASK);   /* masked: line low */
    assert_false(fake_ppi_line[PPI_PTIMER]);
    ptimer_write_ctl(v, CNT_CTL_ENABLE);                   /* unmasked, still met */
    assert_true(fake_ppi_line[PPI_PTIMER]);

    ptimer_write_cval(v, 9000);                            /* re-armed via CVAL only */
    assert_false(fake_ppi_line[PPI_PTIMER]);
    assert_int_equal(fake_htimer_deadline[HTIMER_PTIMER], 9000);

    ptimer_write_ctl(v, CNT_CTL_ENABLE | CNT_CTL_IMASK);   /* masked: nothing to arm */
    assert_int_equal(fake_htimer_deadline[HTIMER_PTIMER], 0);
}

/* TVAL: a write sets CVAL = CNTPCT + sign-extended TVAL[31:0]; a read gives
 * (CVAL - CNTPCT)[31:0]. */
static void test_tval(void **state)
{
    (void)state;
    fake_counter = 0x100000000ull;
    ptimer_write_tval(v, 0x1234);
    assert_int_equal(ptimer_read_cval(v), 0x100001234ull);
    assert_int_equal(ptimer_read_tval(v), 0x1234);

    ptimer_write_tval(v, 0xffffffff00000010ull);           /* upper bits ignored */
    assert_int_equal(ptimer_read_cval(v), 0x100000010ull);

    ptimer_write_tval(v, (uint32_t)-16);                   /* negative: in the past */
    assert_int_equal(ptimer_read_cval(v), 0x100000000ull - 16);
    assert_int_equal(ptimer_read_tval(v), (uint32_t)-16);

    ptimer_write_ctl(v, CNT_CTL_ENABLE);
    assert_true(ptimer_read_ctl(v) & CNT_CTL_ISTATUS);
    assert_true(fake_ppi_line[PPI_PTIMER]);
}

static void test_reset_drops_everything(void **state)
{
    (void)state;
    ptimer_write_cval(v, 10);
    ptimer_write_ctl(v, CNT_CTL_ENABLE);
    assert_true(fake_ppi_line[PPI_PTIMER]);
    ptimer_reset(v);
    assert_int_equal(ptimer_read_ctl(v), 0);
    ptimer_stop(v);
    assert_int_equal(fake_htimer_deadline[HTIMER_PTIMER], 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_reset_state, setup),
        cmocka_unit_test_setup(test_ctl_istatus, setup),
        cmocka_unit_test_setup(test_line_and_deadline, setup),
        cmocka_unit_test_setup(test_tval, setup),
        cmocka_unit_test_setup(test_reset_drops_everything, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
