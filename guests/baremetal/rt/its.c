/* SPDX-License-Identifier: MIT */
/* A guest's GICv3 ITS: LPI tables, the ITS's tables and queue, commands (rt/its.h). */
#include "rt/its.h"

#include "rt/arch.h"
#include "rt/gic.h"
#include "rt/hw.h"
#include "rt/platform.h"
#include "rt/timer.h"

#define PEND_ALIGN       65536          /* GICR_PENDBASER's PA: [51:16] */
#define QUEUE_ALIGN      65536
#define TABLE_PAGES      16             /* per GITS_BASER table: 64 KiB */
#define TABLE_BYTES      (TABLE_PAGES * 4096)
#define PAGE_ADDR_MASK   (HW_UL(0xfffffffff) << 12)   /* GITS_BASER's Physical_Address [47:12] */
#define BASER_PAGE_SIZE  (HW_UL(3) << 8)             /* GITS_BASER's Page_Size: 0 = 4 KiB */
#define PROPBASER_ADDR_MASK (~HW_UL(0xfff))
#define GICR_PROCNUM_MASK HW_UL(0xffff)

static uint8_t prop_table[ITS_NR_LPIS] __attribute__((aligned(4096)));
static uint8_t pend_table[ITS_MAX_CPUS][PEND_ALIGN] __attribute__((aligned(PEND_ALIGN)));  /* 2 KiB used each */
static uint64_t cmd_queue[ITS_QUEUE_BYTES / 8] __attribute__((aligned(QUEUE_ALIGN)));
static uint8_t its_tables[GITS_BASER_COUNT][TABLE_BYTES] __attribute__((aligned(65536)));
static uint8_t itt[ITS_ITT_SLOTS][ITS_NR_EVENTS * 16] __attribute__((aligned(ITS_ITT_ALIGN)));
static uint32_t cwriter;                /* our copy of GITS_CWRITER's offset */

uint64_t its_read64(unsigned off) { return mmio_read64(ITS_BASE + off); }
uint32_t its_read32(unsigned off) { return mmio_read32(ITS_BASE + off); }
void its_write64(unsigned off, uint64_t v) { mmio_write64(ITS_BASE + off, v); }

void its_lpis_init(uint8_t prio)
{
	for (unsigned n = 0; n < ITS_NR_LPIS; n++)
		prop_table[n] = prio;
	arch_dsb_sy();
}

void its_lpi_set(unsigned n, uint8_t prio, bool on)
{
	prop_table[n] = (uint8_t)(prio | (on ? LPI_CFG_ENABLE : 0));
	arch_dsb_sy();
}

static uintptr_t redist(unsigned cpu)
{
	return platform_get()->gicr_base + (uintptr_t)cpu * GICR_STRIDE_V3;
}

bool its_redist_enable(unsigned cpu)
{
	uintptr_t rd = redist(cpu);
	uint64_t prop = (uint64_t)(uintptr_t)prop_table;

	if (cpu >= ITS_MAX_CPUS)
		return false;
	mmio_write64(rd + GICR_PROPBASER, prop | (ITS_LPI_IDBITS - 1));
	mmio_write64(rd + GICR_PENDBASER, (uint64_t)(uintptr_t)pend_table[cpu]);
	if ((mmio_read64(rd + GICR_PROPBASER) & PROPBASER_ADDR_MASK) != prop)
		return false;
	mmio_write32(rd + GICR_CTLR, GICR_CTLR_ENABLE_LPIS);
	return mmio_read32(rd + GICR_CTLR) & GICR_CTLR_ENABLE_LPIS;
}

bool its_enable(void)
{
	bool ok = true;

	for (unsigned n = 0; n < GITS_BASER_COUNT; n++) {
		uint64_t b = its_read64(GITS_BASER + 8 * n);
		if (!((b >> GITS_BASER_TYPE_SHIFT) & GITS_BASER_TYPE_MASK))
			continue;
		uint64_t want = (b & ~(GITS_BASER_PAGES_MASK | PAGE_ADDR_MASK | BASER_PAGE_SIZE)) | GITS_BASER_VALID |
				(uint64_t)(uintptr_t)its_tables[n] | (TABLE_PAGES - 1);
		its_write64(GITS_BASER + 8 * n, want);
		ok &= (its_read64(GITS_BASER + 8 * n) & GITS_BASER_VALID) != 0;
	}
	its_write64(GITS_CBASER, GITS_CBASER_VALID | (uint64_t)(uintptr_t)cmd_queue | (ITS_QUEUE_BYTES / 4096 - 1));
	ok &= (its_read64(GITS_CBASER) & GITS_CBASER_VALID) != 0;
	ok &= its_read64(GITS_CREADR) == 0;
	cwriter = 0;
	mmio_write32(ITS_BASE + GITS_CTLR, GITS_CTLR_ENABLED);
	ok &= (its_read32(GITS_CTLR) & GITS_CTLR_ENABLED) != 0;
	return ok;
}

uint64_t its_rdbase(unsigned cpu)
{
	uint64_t proc = (mmio_read64(redist(cpu) + GICR_TYPER) >> GICR_TYPER_PROCNUM_SHIFT) & GICR_PROCNUM_MASK;
	return proc << GITS_CMD_RDBASE_SHIFT;
}

uint32_t its_cmd_put(uint64_t dw0, uint64_t dw1, uint64_t dw2, uint64_t dw3)
{
	uint64_t *c = &cmd_queue[cwriter / 8];
	c[0] = dw0;
	c[1] = dw1;
	c[2] = dw2;
	c[3] = dw3;
	arch_dsb_sy();
	cwriter = (cwriter + GITS_CMD_BYTES) % ITS_QUEUE_BYTES;
	return cwriter;
}

bool its_cmd(uint64_t dw0, uint64_t dw1, uint64_t dw2, uint64_t dw3)
{
	uint32_t to = its_cmd_put(dw0, dw1, dw2, dw3);
	its_write64(GITS_CWRITER, to);
	uint64_t end = timer_now() + timer_ms_to_ticks(ITS_WAIT_MS);
	while (timer_now() < end) {
		uint64_t r = its_read64(GITS_CREADR);
		if (r & GITS_CREADR_STALLED)
			return false;
		if (r == to)
			return true;
	}
	return false;
}

static uint64_t cmd_dev(unsigned cmd, uint32_t dev) { return cmd | ((uint64_t)dev << GITS_CMD_DEVID_SHIFT); }

bool its_mapc(unsigned icid, unsigned cpu, bool valid)
{
	return its_cmd(GITS_CMD_MAPC, 0, (valid ? GITS_CMD_VALID : 0) | its_rdbase(cpu) | icid, 0);
}

bool its_mapd(uint32_t dev, unsigned slot, bool valid)
{
	return its_cmd(cmd_dev(GITS_CMD_MAPD, dev), ITS_ITT_EVENT_BITS - 1,
		       (valid ? GITS_CMD_VALID : 0) | (uint64_t)(uintptr_t)itt[slot % ITS_ITT_SLOTS], 0);
}

bool its_mapti(uint32_t dev, uint32_t event, uint32_t lpi, unsigned icid)
{
	return its_cmd(cmd_dev(GITS_CMD_MAPTI, dev), event | ((uint64_t)lpi << GITS_CMD_PINTID_SHIFT), icid, 0);
}

bool its_event(unsigned cmd, uint32_t dev, uint32_t event)
{
	return its_cmd(cmd_dev(cmd, dev), event, 0, 0);
}

bool its_movi(uint32_t dev, uint32_t event, unsigned icid)
{
	return its_cmd(cmd_dev(GITS_CMD_MOVI, dev), event, icid, 0);
}

bool its_sync(unsigned cpu) { return its_cmd(GITS_CMD_SYNC, 0, its_rdbase(cpu), 0); }
bool its_invall(unsigned icid) { return its_cmd(GITS_CMD_INVALL, 0, icid, 0); }
