/* SPDX-License-Identifier: MIT */
/*
 * LPI injection latency (issue 12, docs/performance.md): from the write that
 * makes an LPI pending to the guest's LPI handler, on vCPU 0, with the LPI
 * targeting it (collection 0).  Each case is one figure, bracketed: the
 * counter read just before the write, and the handler's entry read
 * (irq_dispatch's first instruction), so both sides count the same guest
 * code and the difference is the path the hypervisor adds.
 *
 *   lpi_int   an INT command already in the queue, run by the GITS_CWRITER
 *             write.  Under tofu: the write traps, the virtual ITS runs the
 *             command and the vGIC makes the vLPI pending; natively QEMU's
 *             ITS does it within the write.
 *   lpi_msi   edu's "raise interrupt" register (0x60) written, its MSI aimed
 *             at GITS_TRANSLATER: QEMU's edu sends the MSI within the write
 *             (hw/misc/edu.c, no timer), so the figure is deterministic under
 *             icount.  Under tofu the MSI goes through the SMMU to the
 *             physical ITS, tofu takes the physical LPI at EL2 and its
 *             software translation (src/core/msi.c) makes the vLPI pending;
 *             natively it is QEMU's ITS straight to the guest.
 *
 * A case for another delivery path (GICv4.0 direct injection: the same edu
 * MSI as a vLPI, no exit) is one more entry in `its_cases`, with its own
 * name, run by its own config (tests/configs/bench-its*.dts).
 *
 * Under tofu it runs in a VM with `its;` and the edu at 00:02.0
 * (tests/configs/bench-its.dts); natively on QEMU's own ITS, with the same
 * edu on the command line (DeviceID 0x10 without an SMMU, as with one).
 */
#include <stdbool.h>
#include <stdint.h>

#include "rt/arch.h"
#include "rt/edu.h"
#include "rt/fdt.h"
#include "rt/gic.h"
#include "rt/hw.h"
#include "rt/irq.h"
#include "rt/its.h"
#include "rt/timer.h"

#include "bench.h"

#define ITERS_LPI        200u
#define EDU_SLOT         2               /* 00:02.0 */
#define EDU_DEVID        (EDU_SLOT << 3) /* its requester ID: the DeviceID */
#define EVENT_INT        0               /* -> LPI 8192 */
#define EVENT_MSI        1               /* -> LPI 8193 */
#define BENCH_PRIO_LPI   0x80
#define EDU_IRQ_BIT      0x1u

static volatile uint64_t lpi_entry;
static volatile uint32_t lpi_count;

static void bench_lpi_irq(uint32_t intid, uint64_t entry_ticks)
{
	(void)intid;
	lpi_entry = entry_ticks;
	lpi_count = lpi_count + 1;
}

/* Until the handler ran once more than `before`; false after BENCH_WAIT_MS. */
static bool bench_lpi_wait(uint32_t before)
{
	uint64_t deadline = timer_now() + timer_ms_to_ticks(BENCH_WAIT_MS);

	while (lpi_count == before)
		if (timer_now() > deadline)
			return false;
	return true;
}

struct its_case {
	const char *name;
	/* Per iteration, unmeasured: ready the write; then `fire` is the write. */
	void (*prepare)(void);
	void (*fire)(void);
	bool (*usable)(void);
};

static uint32_t int_cwriter;
static struct edu bench_edu;
static bool edu_ready;

static void int_prepare(void)
{
	int_cwriter = its_cmd_put(GITS_CMD_INT | ((uint64_t)EDU_DEVID << GITS_CMD_DEVID_SHIFT), EVENT_INT, 0, 0);
}

static void int_fire(void) { its_write64(GITS_CWRITER, int_cwriter); }
static bool int_usable(void) { return true; }

static void msi_prepare(void) { mmio_write32(bench_edu.bar + EDU_IRQ_ACK, EDU_IRQ_BIT); }
static void msi_fire(void) { mmio_write32(bench_edu.bar + EDU_IRQ_RAISE, EDU_IRQ_BIT); }
static bool msi_usable(void) { return edu_ready; }

static const struct its_case its_cases[] = {
	{ "lpi_int", int_prepare, int_fire, int_usable },
	{ "lpi_msi", msi_prepare, msi_fire, msi_usable },
};

static void bench_its_case(const struct its_case *c)
{
	struct bench_stats s = { 0 };

	if (!c->usable()) {
		bench_skip(c->name, "no edu at 00:02.0 with an MSI capability");
		return;
	}
	for (unsigned i = 0; i < ITERS_LPI; i++) {
		uint32_t before = lpi_count;
		c->prepare();
		arch_isb();
		uint64_t t0 = arch_counter_read();
		c->fire();
		if (!bench_lpi_wait(before)) {
			bench_skip(c->name, "the LPI did not arrive");
			return;
		}
		bench_stats_add(&s, lpi_entry - t0);
	}
	bench_report(c->name, &s);
}

bool bench_has_its(const void *dtb)
{
	struct fdt fdt;
	struct fdt_node node;

	return fdt_init(&fdt, dtb) && fdt_find_compatible(&fdt, "arm,gic-v3-its", &node);
}

void bench_its(void)
{
	arch_irq_mask();
	irq_set_lpi_handler(bench_lpi_irq);
	its_lpis_init(BENCH_PRIO_LPI);
	its_lpi_set(EVENT_INT, BENCH_PRIO_LPI, true);
	its_lpi_set(EVENT_MSI, BENCH_PRIO_LPI, true);
	if (!its_redist_enable(0) || !its_enable() || !its_mapc(0, 0, true) || !its_sync(0) ||
	    !its_mapd(EDU_DEVID, 0, true) || !its_mapti(EDU_DEVID, EVENT_INT, LPI_BASE + EVENT_INT, 0) ||
	    !its_mapti(EDU_DEVID, EVENT_MSI, LPI_BASE + EVENT_MSI, 0) || !its_invall(0)) {
		bench_skip("lpi_*", "the ITS could not be set up");
		return;
	}
	if (edu_find(EDU_SLOT, &bench_edu) == EDU_FOUND && edu_map_given(&bench_edu, EDU_SLOT)) {
		edu_master(&bench_edu, true);
		edu_ready = edu_msi_on(&bench_edu, ITS_DOORBELL, EVENT_MSI);
	}
	arch_irq_unmask();
	for (unsigned i = 0; i < sizeof(its_cases) / sizeof(its_cases[0]); i++)
		bench_its_case(&its_cases[i]);
	arch_irq_mask();
	if (edu_ready) {
		edu_msi_off(&bench_edu);
		edu_master(&bench_edu, false);
	}
}
