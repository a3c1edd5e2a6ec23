/* SPDX-License-Identifier: MIT */
/*
 * IRQ dispatch: acknowledge (ICC_IAR1_EL1), call the handler registered for
 * the INTID, end the interrupt (ICC_EOIR1_EL1, EOImode 0: drop + deactivate).
 */
#ifndef RT_IRQ_H
#define RT_IRQ_H

#include <stdint.h>

/* entry_ticks: CNTVCT_EL0 read first thing on exception entry. */
typedef void (*irq_handler_fn)(uint32_t intid, uint64_t entry_ticks);

void irq_set_handler(uint32_t intid, irq_handler_fn fn);   /* INTID < 32 */
uint32_t irq_unexpected_count(void);
uint32_t irq_spurious_count(void);

/* Called from the exception dispatcher. */
void irq_dispatch(void);

#endif /* RT_IRQ_H */
