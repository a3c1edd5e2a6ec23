/* SPDX-License-Identifier: MIT */
#include "rt/test.h"

#include <stdarg.h>

#include "rt/print.h"
#include "rt/rt.h"

static const char *test_current;        /* NULL between tests */
static unsigned test_current_failures;
static unsigned test_passed;
static unsigned test_failed;

static const char *const test_op_text[] = {
	[TEST_OP_EQ] = "==", [TEST_OP_NE] = "!=", [TEST_OP_LT] = "<",
	[TEST_OP_LE] = "<=", [TEST_OP_GE] = ">=",
};

bool test_expect(const char *file, int line, enum test_op op, const char *a_text,
		 const char *b_text, uint64_t a, uint64_t b)
{
	bool ok;

	switch (op) {
	case TEST_OP_EQ:
		ok = a == b;
		break;
	case TEST_OP_NE:
		ok = a != b;
		break;
	case TEST_OP_LT:
		ok = a < b;
		break;
	case TEST_OP_LE:
		ok = a <= b;
		break;
	case TEST_OP_GE:
		ok = a >= b;
		break;
	default:
		ok = false;
		break;
	}
	if (!ok) {
		test_current_failures++;
		rt_printf("  %s:%d: expected %s %s %s\n", file, line, a_text, test_op_text[op],
			  b_text);
		rt_printf("    left  = 0x%lx (%ld)\n    right = 0x%lx (%ld)\n", a, (int64_t)a, b,
			  (int64_t)b);
	}
	return ok;
}

bool test_expect_true(const char *file, int line, const char *text, bool value)
{
	if (!value) {
		test_current_failures++;
		rt_printf("  %s:%d: expected %s\n", file, line, text);
	}
	return value;
}

void test_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	test_current_failures++;
	rt_printf("  %s:%d: ", file, line);
	va_start(ap, fmt);
	rt_vprintf(fmt, ap);
	va_end(ap);
	rt_printf("\n");
}

static void test_summary(void)
{
	rt_printf("BMTEST: %u passed, %u failed\n", test_passed, test_failed);
	if (test_failed == 0)
		rt_printf("BMTEST: ALL PASS\n");
}

unsigned test_run_all(const struct test_case *tests, size_t count)
{
	size_t i;

	for (i = 0; i < count; i++) {
		test_current = tests[i].name;
		test_current_failures = 0;
		tests[i].fn();
		if (test_current_failures == 0) {
			test_passed++;
			rt_printf("TEST %s: PASS\n", test_current);
		} else {
			test_failed++;
			rt_printf("TEST %s: FAIL (%u failed expectation%s)\n", test_current,
				  test_current_failures, test_current_failures == 1 ? "" : "s");
		}
		test_current = NULL;
	}
	test_summary();
	return test_failed;
}

void test_abort(const char *why)
{
	test_failed++;
	if (test_current)
		rt_printf("TEST %s: FAIL (%s)\n", test_current, why);
	rt_printf("BMTEST: %u passed, %u failed\n", test_passed, test_failed);
	rt_printf("BMTEST: ABORTED (%s)\n", why);
	rt_exit(1);
}
