/* SPDX-License-Identifier: MIT */
/*
 * flood: the noisy neighbour of make bench's console-latency figure.  Every
 * "flood.period-us" (default 100) of its virtual timer it writes one
 * numbered 64-byte line to its console, polling UARTFR before every byte as
 * Linux's console does: 640 KB/s, fifty times what a 115200-baud UART
 * sends.  With "flood.quiet=1" it formats the same lines into memory, so
 * that the RTOS beside it sees the same wake-ups but a console left alone.
 * Between lines it sleeps in WFI: under -icount QEMU runs the CPUs in turn,
 * and a neighbour that never sleeps would put QEMU's time slices, not the
 * hypervisor's paths, into the RTOS's latency.  Runs forever.
 */
#include <stdbool.h>
#include <stdint.h>

#include "rt/arch.h"
#include "rt/gic.h"
#include "rt/irq.h"
#include "rt/platform.h"
#include "rt/print.h"
#include "rt/rt.h"
#include "rt/timer.h"
#include "rt/uart.h"

#define FLOOD_LINE_BYTES    64u
#define FLOOD_PERIOD_US     100u
#define FLOOD_IRQ_PRIORITY  0x80

const char rt_program_name[] = "flood";

static volatile char flood_sink[FLOOD_LINE_BYTES];
static volatile uint64_t flood_ticks;
static uint64_t flood_deadline, flood_period;

static void flood_tick(uint32_t intid, uint64_t entry_ticks)
{
	(void)intid;
	(void)entry_ticks;
	flood_deadline += flood_period;
	vtimer_start_at(flood_deadline);
	flood_ticks = flood_ticks + 1;
}

int main(const void *dtb)
{
	(void)dtb;
	const char *args = platform_bootargs();
	bool quiet = platform_bootarg(args, "flood.quiet", 0, NULL) != 0;
	uint64_t period_us = platform_bootarg(args, "flood.period-us", FLOOD_PERIOD_US, NULL);
	const uint32_t intid = platform_get()->vtimer_intid;
	enum gic_status status = gic_init();
	char line[FLOOD_LINE_BYTES + 1];
	uint64_t seen = 0;

	if (status != GIC_OK)
		rt_fatal(gic_status_name(status));
	rt_printf("flood: a line every %lu us %s\n", period_us, quiet ? "into memory" : "to the console");
	flood_period = timer_rate() * period_us / TIMER_US_PER_S;
	irq_set_handler(intid, flood_tick);
	gic_private_irq_enable(intid, FLOOD_IRQ_PRIORITY);
	arch_irq_mask();
	flood_deadline = timer_now() + flood_period;
	vtimer_start_at(flood_deadline);
	for (uint64_t n = 0;; n++) {
		while (flood_ticks == seen) {
			arch_wfi();
			arch_irq_unmask();
			arch_isb();
			arch_irq_mask();
		}
		seen = flood_ticks;
		int len = rt_snprintf(line, sizeof(line), "flood: line %020lu ..............................\n", n);
		for (int i = 0; i < len; i++) {
			if (quiet)
				flood_sink[i] = line[i];
			else
				uart_putc(line[i]);
		}
	}
}
