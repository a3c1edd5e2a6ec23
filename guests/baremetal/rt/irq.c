/* SPDX-License-Identifier: MIT */
#include "rt/irq.h"

#include "rt/arch.h"
#include "rt/gic.h"
#include "rt/hw.h"
#include "rt/print.h"
#include "rt/rt.h"

static irq_handler_fn irq_handlers[IRQ_HANDLER_COUNT];
static irq_handler_fn irq_lpi_handler;
static volatile uint32_t irq_unexpected;
static volatile uint32_t irq_spurious;

void irq_set_handler(uint32_t intid, irq_handler_fn fn)
{
	if (intid < IRQ_HANDLER_COUNT)
		irq_handlers[intid] = fn;
}

void irq_set_lpi_handler(irq_handler_fn fn)
{
	irq_lpi_handler = fn;
}

uint32_t irq_unexpected_count(void)
{
	return irq_unexpected;
}

uint32_t irq_spurious_count(void)
{
	return irq_spurious;
}

void irq_dispatch(void)
{
	uint64_t entry_ticks = arch_counter_read();
	uint64_t iar = sysreg_read_icc_iar1_el1();
	uint32_t intid = (uint32_t)(iar & ICC_IAR_INTID_MASK);
	irq_handler_fn fn;

	if (intid >= GIC_INTID_SPECIAL) {
		if (intid < LPI_BASE) {
			irq_spurious = irq_spurious + 1;   /* nothing to EOI */
			return;
		}
		fn = irq_lpi_handler;              /* an LPI: its EOI only drops the priority */
	} else {
		fn = intid < IRQ_HANDLER_COUNT ? irq_handlers[intid] : 0;
	}
	if (fn) {
		fn(intid, entry_ticks);
	} else {
		irq_unexpected = irq_unexpected + 1;
		rt_printf("%s: unexpected IRQ, INTID %u: disabled\n", rt_program_name, intid);
		/* No storm from a level interrupt nobody handles. */
		if (intid < GIC_PRIVATE_IRQS)
			gic_private_irq_disable(intid);
		else if (intid < LPI_BASE)
			gic_spi_disable(intid);
	}
	sysreg_write_icc_eoir1_el1(iar);
	arch_isb();
}
