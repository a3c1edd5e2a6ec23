/* SPDX-License-Identifier: MIT */
/*
 * dmabusy: is a VM whose device is busy with DMA restarted safely?  The
 * guest owns the PCIe bus and the edu at 00:02.0 (tests/configs/dmabusy.dts)
 * and keeps it copying, one transfer after another, between its RAM and
 * edu's buffer, each one checked, until tofu restarts it from the shell
 * (tests/qemu/t_dma_restart.sh, 100 times).  edu runs each transfer from a
 * 100 ms timer, so nearly every restart comes with one in flight, often
 * into this VM's RAM.  On every start, before it enables bus mastering, the
 * guest checks what tofu promises (docs/pci.md):
 *
 *   - bus mastering is off: tofu turned it off when the last instance
 *     stopped, before it cleared its RAM;
 *   - the transfer the last instance left in flight has ended without
 *     landing: the page it aimed at (the same address in every instance) is
 *     still zero once edu reports it idle;
 *
 * and prints one line, then "dmabusy: busy" after its first good round:
 *
 *   dmabusy: start: bus mastering off, edu idle after 61 ms, target page clean
 *   dmabusy: start: STALE ...
 */
#include <stdbool.h>
#include <stdint.h>

#include "rt/arch.h"
#include "rt/edu.h"
#include "rt/hw.h"
#include "rt/print.h"
#include "rt/rt.h"
#include "rt/timer.h"

#define EDU_SLOT      2                   /* StreamIDs 0x10-0x17: this VM's */
#define ROUND_BYTES   EDU_BUFFER_SIZE     /* each transfer: the whole buffer */
#define PATTERN       0x5eed0000u         /* plus the word's index and the round */
#define WORD          sizeof(uint32_t)

const char rt_program_name[] = "dmabusy";

/* Where the transfers go: the same address in every instance. */
static uint8_t src[ROUND_BYTES] __attribute__((aligned(4096)));
static uint8_t dst[ROUND_BYTES] __attribute__((aligned(4096)));

static void fill(uint8_t *page, uint32_t round)
{
	for (uint32_t i = 0; i < ROUND_BYTES; i += WORD)
		*(volatile uint32_t *)&page[i] = PATTERN + i + (round << 16);
	arch_dsb_sy();
}

/* 0: all zero; 1: the pattern of `round`; -1: anything else. */
static int page_holds(const uint8_t *page, uint32_t round)
{
	bool zero = true, pattern = true;

	arch_dsb_sy();
	for (uint32_t i = 0; i < ROUND_BYTES; i += WORD) {
		uint32_t w = *(volatile const uint32_t *)&page[i];
		zero &= w == 0;
		pattern &= w == PATTERN + i + (round << 16);
	}
	return zero ? 0 : pattern ? 1 : -1;
}

int main(const void *dtb)
{
	struct edu edu;
	uint64_t t0;
	bool idle, master, clean;

	(void)dtb;
	if (edu_find(EDU_SLOT, &edu) != EDU_FOUND) {
		rt_printf("dmabusy: no edu at 00:02.0\n");
		return 1;
	}
	master = edu.command_found & PCI_COMMAND_MASTER;
	if (!edu_map(&edu, EDU_SLOT)) {
		rt_printf("dmabusy: edu's BAR0 does not answer\n");
		return 1;
	}
	t0 = timer_now();
	idle = edu_dma_wait(&edu, EDU_DMA_WAIT_MS);
	clean = page_holds(dst, 0) == 0 && page_holds(src, 0) == 0;
	rt_printf("dmabusy: start: bus mastering %s, edu %s after %lu ms, target page %s\n",
		  master ? "ON (left by the last run)" : "off", idle ? "idle" : "STILL BUSY",
		  (unsigned long)((timer_now() - t0) / timer_ms_to_ticks(1)), clean ? "clean" : "WRITTEN");
	if (master || !idle || !clean)
		rt_printf("dmabusy: start: STALE state from the last run\n");

	/* Busy: RAM -> edu -> RAM, round after round, each checked. */
	edu_master(&edu, true);
	for (uint32_t round = 1;; round++) {
		fill(src, round);
		bool in = edu_dma(&edu, (uintptr_t)src, EDU_BUFFER, ROUND_BYTES, 0);
		bool out = edu_dma(&edu, EDU_BUFFER, (uintptr_t)dst, ROUND_BYTES, EDU_DMA_TO_RAM);
		if (!in || !out || page_holds(dst, round) != 1) {
			rt_printf("dmabusy: round %u: DMA FAILED (in %d, out %d)\n", round, in, out);
			for (;;)
				arch_wfi();
		}
		if (round == 1)
			rt_printf("dmabusy: busy\n");
	}
}
