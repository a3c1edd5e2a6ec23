/* SPDX-License-Identifier: MIT */
/*
 * IRQ dispatch: acknowledge (ICC_IAR1_EL1 / GICC_IAR), call the handler
 * registered for the INTID, end the interrupt (ICC_EOIR1_EL1 / GICC_EOIR,
 * EOImode 0: drop + deactivate).
 */
#ifndef RT_IRQ_H
#define RT_IRQ_H

#include <stdint.h>

#include "rt/hw.h"

/* SGIs, PPIs and the first 64 SPIs: tofu gives a VM 32 SPIs, QEMU virt's devices fit in 64. */
#define IRQ_HANDLER_SPIS   64
#define IRQ_HANDLER_COUNT  (GIC_SPI_BASE + IRQ_HANDLER_SPIS)

/* entry_ticks: CNTVCT_EL0 read first thing on exception entry. */
typedef void (*irq_handler_fn)(uint32_t intid, uint64_t entry_ticks);

void irq_set_handler(uint32_t intid, irq_handler_fn fn);   /* INTID < IRQ_HANDLER_COUNT */
/* One handler for every LPI (INTID 8192 up); none: they are unexpected. */
void irq_set_lpi_handler(irq_handler_fn fn);
uint32_t irq_unexpected_count(void);
uint32_t irq_spurious_count(void);

/* Called from the exception dispatcher. */
void irq_dispatch(void);

#endif /* RT_IRQ_H */
