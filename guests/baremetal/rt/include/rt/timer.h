/* SPDX-License-Identifier: MIT */
/* Generic timer: counter and the EL1 virtual timer. */
#ifndef RT_TIMER_H
#define RT_TIMER_H

#include <stdbool.h>
#include <stdint.h>

#define TIMER_US_PER_S 1000000u
#define TIMER_NS_PER_S 1000000000u
#define TIMER_NS_PER_US 1000u

uint64_t timer_freq(void);                  /* CNTFRQ_EL0, 0 if unset */
uint64_t timer_rate(void);                  /* CNTFRQ_EL0, or a default if it is 0 */
uint64_t timer_now(void);                   /* CNTVCT_EL0 */
uint64_t timer_ms_to_ticks(uint64_t ms);    /* at timer_rate() */
uint64_t timer_ticks_to_us(uint64_t ticks); /* at timer_rate(), rounded down, no overflow */
uint64_t timer_ticks_to_ns(uint64_t ticks); /* the same, in nanoseconds */

uint64_t vtimer_start(uint64_t ticks);      /* fire in 'ticks'; returns CVAL */
void vtimer_start_at(uint64_t cval);        /* fire when CNTVCT_EL0 >= cval */
void vtimer_mask(void);                     /* keep enabled, mask the output */
void vtimer_stop(void);
bool vtimer_asserted(void);                 /* CNTV_CTL_EL0.ISTATUS */

#endif /* RT_TIMER_H */
