/* SPDX-License-Identifier: MIT */
#include "rt/irq.h"

#include <stdbool.h>

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

/* The INTID's handler; false if there is nothing to end (spurious). */
static inline __attribute__((always_inline)) bool irq_handle(uint32_t intid, uint64_t entry_ticks)
{
	irq_handler_fn fn;

	if (intid >= GIC_INTID_SPECIAL) {
		if (intid < LPI_BASE) {
			irq_spurious = irq_spurious + 1;   /* nothing to EOI */
			return false;
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
	return true;
}

/* A GICv2's memory-mapped CPU interface; the whole IAR (an SGI's CPUID too) goes back to EOIR. */
static __attribute__((noinline)) void irq_dispatch_v2(uintptr_t gicc, uint64_t entry_ticks)
{
	uint32_t iar = mmio_read32(gicc + GICC_IAR);

	if (irq_handle((uint32_t)(iar & GICC_IAR_INTID_MASK), entry_ticks))
		mmio_write32(gicc + GICC_EOIR, iar);
}

void irq_dispatch(void)
{
	uint64_t entry_ticks = arch_counter_read();
	uintptr_t gicc = gic_v2_cpu_if;
	uint64_t iar;

	if (gicc) {                                /* the GICv3 path's only cost of GICv2 */
		irq_dispatch_v2(gicc, entry_ticks);
		return;
	}
	iar = sysreg_read_icc_iar1_el1();
	if (!irq_handle((uint32_t)(iar & ICC_IAR_INTID_MASK), entry_ticks))
		return;
	sysreg_write_icc_eoir1_el1(iar);
	arch_isb();
}
