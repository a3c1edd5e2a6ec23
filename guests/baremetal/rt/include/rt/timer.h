/* SPDX-License-Identifier: MIT */
/* Generic timer: counter and the EL1 virtual timer. */
#ifndef RT_TIMER_H
#define RT_TIMER_H

#include <stdbool.h>
#include <stdint.h>

uint64_t timer_freq(void);                  /* CNTFRQ_EL0, 0 if unset */
uint64_t timer_now(void);                   /* CNTVCT_EL0 */
uint64_t timer_ms_to_ticks(uint64_t ms);    /* uses a default if CNTFRQ is 0 */

uint64_t vtimer_start(uint64_t ticks);      /* fire in 'ticks'; returns CVAL */
void vtimer_mask(void);                     /* keep enabled, mask the output */
void vtimer_stop(void);
bool vtimer_asserted(void);                 /* CNTV_CTL_EL0.ISTATUS */

#endif /* RT_TIMER_H */
