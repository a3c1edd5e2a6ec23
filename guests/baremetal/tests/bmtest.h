/* SPDX-License-Identifier: MIT */
/* bmtest's test cases beyond bmtest.c: run after them by bmtest's main. */
#ifndef BMTEST_H
#define BMTEST_H

#include <stdbool.h>
#include <stdint.h>

#include "rt/test.h"

/* Wait, IRQs open between checks, until *count reaches want or the
 * timeout passes; true if it did. */
bool bmtest_wait_irqs(volatile uint32_t *count, uint32_t want, bool use_wfi,
		      uint64_t timeout_ticks);

extern const struct test_case bmtest_irq_cases[];
extern const unsigned bmtest_irq_count;
extern const struct test_case bmtest_cpu_cases[];
extern const unsigned bmtest_cpu_count;
/* First thing in main: sets CPU state and resets the machine once. */
void bmtest_cpu_restart(void);

#endif /* BMTEST_H */
