/* SPDX-License-Identifier: MIT */
/*
 * Tiny test library.
 *
 *   TEST(name) { EXPECT_EQ(f(), 3); ... }
 *   static const struct test_case tests[] = { TEST_CASE(name), ... };
 *   failed = test_run_all(tests, count);
 *
 * Expectations compare both sides converted to uint64_t (so an int -1 and
 * an all-ones x0 are equal), print file:line and both values on failure,
 * and return whether they held.  Each test prints "TEST <name>: PASS" or
 * "TEST <name>: FAIL ...".
 */
#ifndef RT_TEST_H
#define RT_TEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct test_case {
	const char *name;
	void (*fn)(void);
};

#define TEST(name) static void test_fn_##name(void)
#define TEST_CASE(name) { #name, test_fn_##name }

enum test_op { TEST_OP_EQ, TEST_OP_NE, TEST_OP_LT, TEST_OP_LE, TEST_OP_GE };

bool test_expect(const char *file, int line, enum test_op op, const char *a_text,
		 const char *b_text, uint64_t a, uint64_t b);
bool test_expect_true(const char *file, int line, const char *text, bool value);
void test_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define TEST_EXPECT_OP_(op, a, b) \
	test_expect(__FILE__, __LINE__, op, #a, #b, (uint64_t)(a), (uint64_t)(b))
#define EXPECT_EQ(a, b) TEST_EXPECT_OP_(TEST_OP_EQ, a, b)
#define EXPECT_NE(a, b) TEST_EXPECT_OP_(TEST_OP_NE, a, b)
#define EXPECT_LT(a, b) TEST_EXPECT_OP_(TEST_OP_LT, a, b)
#define EXPECT_LE(a, b) TEST_EXPECT_OP_(TEST_OP_LE, a, b)
#define EXPECT_GE(a, b) TEST_EXPECT_OP_(TEST_OP_GE, a, b)
#define EXPECT_TRUE(c) test_expect_true(__FILE__, __LINE__, #c, (c))
#define EXPECT_FALSE(c) test_expect_true(__FILE__, __LINE__, "!(" #c ")", !(c))
#define TEST_FAIL(...) test_fail(__FILE__, __LINE__, __VA_ARGS__)

/* Runs the tests in order, prints the summary; returns the number failed. */
unsigned test_run_all(const struct test_case *tests, size_t count);

/* Ends the run from an unrecoverable state (e.g. an unexpected exception). */
_Noreturn void test_abort(const char *why);

#endif /* RT_TEST_H */
