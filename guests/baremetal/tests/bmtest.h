/* SPDX-License-Identifier: MIT */
/* bmtest's test cases beyond bmtest.c: run after them by bmtest's main. */
#ifndef BMTEST_H
#define BMTEST_H

#include "rt/test.h"

extern const struct test_case bmtest_irq_cases[];
extern const unsigned bmtest_irq_count;

#endif /* BMTEST_H */
