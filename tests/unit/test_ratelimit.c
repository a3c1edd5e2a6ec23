/* SPDX-License-Identifier: MIT */
/* src/core/ratelimit.c: the token bucket behind every guest-caused log line. */
#include "unit.h"
#include "core/ratelimit.h"

#define BURST    4u
#define INTERVAL 1000u      /* counter ticks per token */

static unsigned take_all(struct ratelimit *r, uint64_t now, unsigned tries, uint32_t *last_dropped)
{
    unsigned n = 0;
    for (unsigned i = 0; i < tries; i++)
        if (ratelimit_take(r, now, INTERVAL, BURST, last_dropped))
            n++;
    return n;
}

static void test_burst_then_rate(void **state)
{
    (void)state;
    struct ratelimit r = { 0 };
    uint32_t dropped = 99;
    assert_int_equal(take_all(&r, 5000, 100, &dropped), BURST);
    assert_int_equal(dropped, 0);
    assert_int_equal(r.dropped, 100 - BURST);
    /* Half an interval later: nothing; one interval: one line, which learns
     * how many were refused before it. */
    assert_false(ratelimit_take(&r, 5000 + INTERVAL / 2, INTERVAL, BURST, &dropped));
    assert_true(ratelimit_take(&r, 5000 + INTERVAL, INTERVAL, BURST, &dropped));
    assert_int_equal(dropped, 100 - BURST + 1);
    assert_false(ratelimit_take(&r, 5000 + INTERVAL, INTERVAL, BURST, &dropped));
    /* Fractions of an interval are kept, not lost. */
    assert_true(ratelimit_take(&r, 5000 + 2 * INTERVAL + 10, INTERVAL, BURST, &dropped));
    assert_true(ratelimit_take(&r, 5000 + 3 * INTERVAL, INTERVAL, BURST, &dropped));
}

/* Long idle refills to the burst, never beyond. */
static void test_idle_caps_at_burst(void **state)
{
    (void)state;
    struct ratelimit r = { 0 };
    uint32_t dropped;
    assert_int_equal(take_all(&r, 0, BURST, &dropped), BURST);
    assert_int_equal(take_all(&r, 1000000ull * INTERVAL, 100, &dropped), BURST);
}

/* A flood at a steady pace gets exactly the rate: 1 line per interval. */
static void test_steady_flood(void **state)
{
    (void)state;
    struct ratelimit r = { 0 };
    uint32_t dropped;
    unsigned passed = 0;
    for (uint64_t t = 0; t < 100u * INTERVAL; t += INTERVAL / 10)
        passed += ratelimit_take(&r, t, INTERVAL, BURST, &dropped);
    assert_true(passed >= 100 - 1 && passed <= 100 + BURST);
}

/* A counter that seems to go back (another CPU's older value) earns nothing. */
static void test_time_going_back(void **state)
{
    (void)state;
    struct ratelimit r = { 0 };
    uint32_t dropped;
    assert_int_equal(take_all(&r, 10 * INTERVAL, BURST, &dropped), BURST);
    assert_false(ratelimit_take(&r, 0, INTERVAL, BURST, &dropped));
    assert_true(ratelimit_take(&r, 11 * INTERVAL, INTERVAL, BURST, &dropped));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_burst_then_rate),
        cmocka_unit_test(test_idle_caps_at_burst),
        cmocka_unit_test(test_steady_flood),
        cmocka_unit_test(test_time_going_back),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
