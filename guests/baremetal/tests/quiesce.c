/* SPDX-License-Identifier: MIT */
/*
 * quiesce: does a restarted VM start clean?  The guest owns the PL031
 * (passed through, tests/configs/quiesce.dts).  On every start it first
 * reports the device and its interrupt as it finds them, with the SPI
 * enabled and IRQs open for a while, before it arms anything:
 *
 *   quiesce: start: PL031 IMSC 0 RIS 0, SPI 34 pending 0 active 0, 0 interrupt(s) before arming
 *   quiesce: clean start | quiesce: STALE ...
 *
 * Then it leaves the device as dirty as it can: the alarm armed, raised and
 * taken, its line left high (the handler disables the SPI instead of
 * clearing the device), and waits to be restarted from the shell
 * (tests/qemu/t_quiesce.sh).  tofu must mask and clear the device and the
 * SPI when the VM stops, so that the next start finds nothing.
 */
#include <stdbool.h>
#include <stdint.h>

#include "rt/arch.h"
#include "rt/gic.h"
#include "rt/hw.h"
#include "rt/irq.h"
#include "rt/platform.h"
#include "rt/print.h"
#include "rt/rt.h"
#include "rt/timer.h"

#define IRQ_PRIORITY   0x80
#define QUIET_MS       50      /* IRQs open this long before arming: a stale one arrives */
#define WAIT_MS        2000    /* for the alarm: the count may tick between read and write */
#define ALARM_ATTEMPTS 3

const char rt_program_name[] = "quiesce";

static struct {
	volatile uint32_t count;        /* interrupts taken */
	volatile uint32_t without_cause;
	volatile bool hold_line;        /* armed: leave the device raised */
} rtc_irq;

static void rtc_handler(uint32_t intid, uint64_t entry_ticks)
{
	uintptr_t rtc = platform_get()->rtc_base;

	(void)entry_ticks;
	if (!(mmio_read32(rtc + PL031_MIS) & PL031_INT_ALARM))
		rtc_irq.without_cause = rtc_irq.without_cause + 1;
	rtc_irq.count = rtc_irq.count + 1;
	if (rtc_irq.hold_line)
		gic_spi_disable(intid);         /* the line stays high for tofu to clear */
	else
		mmio_write32(rtc + PL031_ICR, PL031_INT_ALARM);
}

/* IRQs open for `ms`, or until `want` interrupts were taken. */
static void irq_window(uint64_t ms, uint32_t want)
{
	uint64_t deadline = timer_now() + timer_ms_to_ticks(ms);

	arch_irq_unmask();
	while (timer_now() < deadline && rtc_irq.count < want)
		arch_isb();
	arch_irq_mask();
}

int main(const void *dtb)
{
	const struct platform *p = platform_get();
	uintptr_t rtc = p->rtc_base;
	uint32_t intid = p->rtc_intid, imsc, ris;
	bool pending, active;

	(void)dtb;
	if (!rtc) {
		rt_printf("quiesce: no PL031 in this VM\n");
		return 1;
	}
	if (gic_init() != GIC_OK) {
		rt_printf("quiesce: GIC set-up failed\n");
		return 1;
	}
	/* As found: nothing of this run has touched the device yet. */
	imsc = mmio_read32(rtc + PL031_IMSC);
	ris = mmio_read32(rtc + PL031_RIS);
	pending = gic_spi_pending(intid);
	active = gic_spi_active(intid);
	irq_set_handler(intid, rtc_handler);
	gic_spi_enable(intid, IRQ_PRIORITY);
	irq_window(QUIET_MS, UINT32_MAX);
	rt_printf("quiesce: start: PL031 IMSC %x RIS %x, SPI %u pending %d active %d, "
		  "%u interrupt(s) before arming (%u without cause)\n", imsc, ris, intid, pending,
		  active, rtc_irq.count, rtc_irq.without_cause);
	if (imsc || ris || pending || active || rtc_irq.count)
		rt_printf("quiesce: STALE state from the last run\n");
	else
		rt_printf("quiesce: clean start\n");

	/* Dirty it: the alarm raised at once (match = count), taken, kept high. */
	mmio_write32(rtc + PL031_ICR, PL031_INT_ALARM);
	rtc_irq.count = rtc_irq.without_cause = 0;
	rtc_irq.hold_line = true;
	mmio_write32(rtc + PL031_IMSC, PL031_INT_ALARM);
	for (unsigned i = 0; i < ALARM_ATTEMPTS && rtc_irq.count == 0; i++) {
		mmio_write32(rtc + PL031_MR, mmio_read32(rtc + PL031_DR));
		irq_window(WAIT_MS, 1);
	}
	rt_printf("quiesce: armed: %u alarm interrupt(s), RIS %x left high; waiting to be restarted\n",
		  rtc_irq.count, mmio_read32(rtc + PL031_RIS));
	for (;;)
		arch_wfi();
}
