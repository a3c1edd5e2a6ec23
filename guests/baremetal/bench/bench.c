/* SPDX-License-Identifier: MIT */
/*
 * bench: micro-benchmarks of the paths a hypervisor adds, one binary for
 * tofu (as a VM) and for plain QEMU (at EL1), so that the two can be
 * compared figure by figure.
 *
 * Every figure is a count of CNTVCT_EL0 ticks, read after an ISB.  Under
 * QEMU's -icount shift=0 with -cpu max the counter runs at 1 GHz and
 * advances by one per executed instruction, so a figure is an instruction
 * count: deterministic, and under a hypervisor the difference from the
 * native figure is the hypervisor's path length.  Nothing is subtracted.
 *
 *   back-to-back benchmarks (null_hvc, sysreg_trap, mmio_*): one figure
 *       per iteration = the counter difference between consecutive reads,
 *       so it includes the loop and the statistics update; mean is exactly
 *       (last read - first read) / iters.
 *   bracketed benchmarks (gic_ack_eoi, ipi, timer_latency, ipc_roundtrip):
 *       each iteration is set up unmeasured, then the figure is the
 *       difference between two reads around the operation (or, for an
 *       interrupt, from the event to the handler's counter read).
 *   kernels (compute, memwalk): one figure for the whole run, iters=1.
 *
 * Output, one line per benchmark, then "BENCH: done" and PSCI SYSTEM_OFF:
 *
 *   BENCH-INFO cntfrq=<Hz> el=<n> hyp=<tofu|none>
 *   BENCH <name> iters=<n> mean=<ticks, 2 decimals> max=<ticks>
 *
 * A benchmark that cannot run prints "bench: <name> skipped: <why>".
 * Integer arithmetic only (-mgeneral-regs-only).
 */
#include <stdbool.h>
#include <stdint.h>

#include "tofu/abi.h"

#include "rt/arch.h"
#include "rt/exception.h"
#include "rt/fdt.h"
#include "rt/gic.h"
#include "rt/hw.h"
#include "rt/irq.h"
#include "rt/platform.h"
#include "rt/print.h"
#include "rt/rt.h"
#include "rt/smccc.h"
#include "rt/timer.h"
#include "rt/uart.h"

#include "bench.h"

#define ITERS_FAST          2000u   /* one trap or less per iteration */
#define ITERS_ACK_EOI       1000u
#define ITERS_TIMER         500u
#define TIMER_DELAY_US      20u     /* 20000 ticks at 1 GHz */
#define SGI_ACK             2u      /* self-SGI of gic_ack_eoi */
#define PERCENT             100u    /* mean printed with two decimals */

/* compute: a 64-bit LCG (Knuth's MMIX constants) folded into a hash state. */
#define COMPUTE_ITERS       2000000u
#define LCG_MULTIPLIER      6364136223846793005ull
#define LCG_INCREMENT       1442695040888963407ull
#define MIX_MULTIPLIER      0xff51afd7ed558ccdull   /* MurmurHash3 fmix64 */
#define MIX_SHIFT           33
#define COMPUTE_SEED        0x2545f4914f6cdd1dull

/* memwalk: one pointer per 64-byte line of a 4 MiB buffer, one random cycle through all. */
#define MEMWALK_BYTES       (4u << 20)
#define MEMWALK_STRIDE      64u
#define MEMWALK_WORDS       (MEMWALK_STRIDE / sizeof(uint64_t))
#define MEMWALK_LINES       (MEMWALK_BYTES / MEMWALK_STRIDE)
#define MEMWALK_STEPS       1000000u
#define MEMWALK_SEED        0x9e3779b97f4a7c15ull
#define LCG_HIGH_SHIFT      32      /* the LCG's low bits are weak: use the high half */

const char rt_program_name[] = "bench";

static uint64_t memwalk_buf[MEMWALK_BYTES / sizeof(uint64_t)]
	__attribute__((aligned(MEMWALK_STRIDE)));

/* Results the compiler must compute: the kernels store here. */
static volatile uint64_t bench_sink;
/* Read at run time, so that the kernels cannot be folded at compile time. */
static volatile uint64_t compute_seed = COMPUTE_SEED;

/*
 * Runs `op` `count` times back to back.  Each iteration's figure is the
 * difference between consecutive counter reads: loop and statistics included.
 * The running sums are locals, so that they stay in registers.
 */
#define BENCH_BACK_TO_BACK(stats, count, op)                                    \
	do {                                                                    \
		uint64_t bench_total_ = 0, bench_max_ = 0;                      \
		uint64_t bench_prev_ = arch_counter_read();                     \
		for (unsigned bench_i_ = 0; bench_i_ < (count); bench_i_++) {   \
			uint64_t bench_now_, bench_ticks_;                      \
			op;                                                     \
			bench_now_ = arch_counter_read();                       \
			bench_ticks_ = bench_now_ - bench_prev_;                \
			bench_prev_ = bench_now_;                               \
			bench_total_ += bench_ticks_;                           \
			if (bench_ticks_ > bench_max_)                          \
				bench_max_ = bench_ticks_;                      \
		}                                                               \
		*(stats) = (struct bench_stats){                                \
			.iters = (count), .total = bench_total_, .max = bench_max_ \
		};                                                              \
	} while (0)

void bench_report(const char *name, const struct bench_stats *s)
{
	uint64_t mean_x100 = s->iters ? s->total * PERCENT / s->iters : 0;

	rt_printf("BENCH %s iters=%lu mean=%lu.%02lu max=%lu\n", name, s->iters,
		  mean_x100 / PERCENT, mean_x100 % PERCENT, s->max);
}

void bench_skip(const char *name, const char *why)
{
	rt_printf("%s: %s skipped: %s\n", rt_program_name, name, why);
}

static _Noreturn void bench_power_off(void)
{
	struct smccc_res res;

	uart_flush();
	res = smccc_hvc(PSCI_SYSTEM_OFF_FID, 0, 0, 0);
	rt_printf("%s: SYSTEM_OFF returned %d, halting\n", rt_program_name, smccc_w(res.a0));
	uart_flush();
	rt_hang();
}

static void bench_fatal(const char *why)
{
	rt_printf("%s: FATAL: %s\n", rt_program_name, why);
	bench_power_off();
}

/* One SMCCC call inside a fault probe: false if the HVC itself was undefined. */
static bool bench_hvc_probe(uint32_t fid, struct smccc_res *res)
{
	struct fault_record rec;

	exc_probe_begin();
	*res = smccc_hvc(fid, 0, 0, 0);
	rec = exc_probe_end();
	return rec.count == 0;
}

/* Prints the BENCH-INFO line; true under tofu. */
static bool bench_info(void)
{
	struct smccc_res res;
	bool under_tofu;

	under_tofu = bench_hvc_probe(TOFU_HC_CALL_UID, &res) &&
			   (uint32_t)res.a0 == TOFU_UID_0 && (uint32_t)res.a1 == TOFU_UID_1 &&
			   (uint32_t)res.a2 == TOFU_UID_2 && (uint32_t)res.a3 == TOFU_UID_3;
	rt_printf("BENCH-INFO cntfrq=%lu el=%u hyp=%s\n", timer_freq(), rt_current_el(),
		  under_tofu ? "tofu" : "none");
	return under_tofu;
}

/* ---- one trap (or none) per iteration ---- */

/*
 * TOFU_HC_VM_ID: tofu answers it at once; plain QEMU answers any function
 * ID it does not know with NOT_SUPPORTED, also at once.  x4..x17 are listed
 * as clobbered like rt/smccc.c does: SMCCC 1.1 preserves them, but the
 * figure must not depend on a hypervisor keeping that promise.
 */
static inline void bench_hvc_vm_id(void)
{
	register uint64_t x0 __asm__("x0") = TOFU_HC_VM_ID;
	register uint64_t x1 __asm__("x1") = 0;
	register uint64_t x2 __asm__("x2") = 0;
	register uint64_t x3 __asm__("x3") = 0;

	__asm__ volatile("hvc #0"
			 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
			 :
			 : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13",
			   "x14", "x15", "x16", "x17", "memory");
}

static void bench_null_hvc(void)
{
	struct bench_stats s = { 0 };
	struct smccc_res res;

	if (!bench_hvc_probe(TOFU_HC_VM_ID, &res)) {
		bench_skip("null_hvc", "HVC is undefined here");
		return;
	}
	BENCH_BACK_TO_BACK(&s, ITERS_FAST, bench_hvc_vm_id());
	bench_report("null_hvc", &s);
}

/* ID_AA64MMFR0_EL1: trapped by tofu (HCR_EL2.TID3), a plain MRS natively. */
static void bench_sysreg_trap(void)
{
	struct bench_stats s = { 0 };

	BENCH_BACK_TO_BACK(&s, ITERS_FAST, (void)bench_read_id_aa64mmfr0());
	bench_report("sysreg_trap", &s);
}

static void bench_mmio(void)
{
	const struct platform *p = platform_get();
	const uintptr_t fr = p->uart_base + PL011_FR;
	const uintptr_t imsc = p->uart_base + PL011_IMSC;
	const uintptr_t typer = p->gicd_base + GICD_TYPER;
	const uint32_t imsc_value = mmio_read32(imsc);   /* written back unchanged */
	struct bench_stats s;

	s = (struct bench_stats){ 0 };
	BENCH_BACK_TO_BACK(&s, ITERS_FAST, (void)mmio_read32(fr));
	bench_report("mmio_uart_read", &s);

	s = (struct bench_stats){ 0 };
	BENCH_BACK_TO_BACK(&s, ITERS_FAST, mmio_write32(imsc, imsc_value));
	bench_report("mmio_uart_write", &s);

	s = (struct bench_stats){ 0 };
	BENCH_BACK_TO_BACK(&s, ITERS_FAST, (void)mmio_read32(typer));
	bench_report("mmio_gicd_read", &s);
}

/* ---- console output: one byte into UARTDR, as a guest's console writes ---- */

/* Lines of BENCH_LINE_BYTES: the console's own cost per line is in the figure. */
#define BENCH_LINE_BYTES    64u

static void bench_uart_dr(void)
{
	static const char line[BENCH_LINE_BYTES + 1] =
		"bench: one UARTDR write per iteration, 64 bytes a line .......\r\n";
	const uintptr_t dr = platform_get()->uart_base + PL011_DR;
	unsigned i = 0;
	struct bench_stats s;

	_Static_assert(sizeof(line) == BENCH_LINE_BYTES + 1, "64 bytes a line");
	uart_flush();
	s = (struct bench_stats){ 0 };
	BENCH_BACK_TO_BACK(&s, ITERS_FAST,
			   mmio_write32(dr, (uint8_t)line[i++ % BENCH_LINE_BYTES]));
	uart_flush();
	bench_report("uart_dr_write", &s);
}

/* ---- the GIC CPU interface: acknowledge and end one interrupt ---- */

/* The highest priority pending INTID: ICC_HPPIR1_EL1 / GICC_HPPIR. */
static uint32_t bench_hppir(bool v2)
{
	if (v2)
		return (uint32_t)(mmio_read32(platform_get()->gicc_base + GICC_HPPIR) & GICC_IAR_INTID_MASK);
	return (uint32_t)(bench_read_icc_hppir1() & ICC_IAR_INTID_MASK);
}

/* With IRQs masked, until the CPU interface shows an interrupt pending. */
static bool bench_wait_pending(bool v2)
{
	uint64_t deadline = timer_now() + timer_ms_to_ticks(BENCH_WAIT_MS);

	while (bench_hppir(v2) == BENCH_GIC_NO_PENDING)
		if (timer_now() > deadline)
			return false;
	return true;
}

/*
 * A self-SGI made pending (not measured), then ICC_IAR1_EL1 + ICC_EOIR1_EL1
 * (EOImode 0: the write drops priority and deactivates).  Under tofu both go
 * to the hardware virtual CPU interface: no trap is expected.  On a GICv2,
 * GICC_IAR + GICC_EOIR through the runtime's gic_ack and gic_eoi.
 */
static void bench_gic_ack_eoi(void)
{
	const bool v2 = gic_is_v2();
	struct bench_stats s = { 0 };
	const char *failed = 0;
	unsigned i;

	arch_irq_mask();
	gic_private_irq_enable(SGI_ACK, BENCH_PRIO_SGI);
	for (i = 0; i < ITERS_ACK_EOI && !failed; i++) {
		uint64_t t0, t1, iar;

		gic_sgi_send_self(SGI_ACK);
		if (!bench_wait_pending(v2)) {
			failed = "the self-SGI never became pending";
			break;
		}
		if (v2) {
			t0 = arch_counter_read();
			iar = gic_ack();
			gic_eoi(iar);
			t1 = arch_counter_read();
		} else {
			t0 = arch_counter_read();
			iar = sysreg_read_icc_iar1_el1();
			sysreg_write_icc_eoir1_el1(iar);
			t1 = arch_counter_read();
		}
		if (gic_iar_intid(iar) != SGI_ACK)
			failed = "the acknowledge returned another INTID";
		bench_stats_add(&s, t1 - t0);
	}
	gic_private_irq_disable(SGI_ACK);
	if (failed)
		bench_skip("gic_ack_eoi", failed);
	else
		bench_report("gic_ack_eoi", &s);
}

/* ---- virtual timer: CVAL to handler entry ---- */

static volatile uint64_t timer_cval;
static volatile uint64_t timer_latency;
static volatile uint32_t timer_fired;

static void bench_timer_irq(uint32_t intid, uint64_t entry_ticks)
{
	(void)intid;
	timer_latency = entry_ticks - timer_cval;
	vtimer_mask();          /* drops the level before irq_dispatch's EOI */
	timer_fired = timer_fired + 1;
}

static void bench_timer_latency(void)
{
	const uint32_t intid = platform_get()->vtimer_intid;
	const uint64_t delay = timer_rate() * TIMER_DELAY_US / TIMER_US_PER_S;
	const uint64_t patience = timer_ms_to_ticks(BENCH_WAIT_MS);
	struct bench_stats s = { 0 };
	bool failed = false;
	unsigned i;

	arch_irq_mask();
	irq_set_handler(intid, bench_timer_irq);
	gic_private_irq_enable(intid, BENCH_PRIO_TIMER);
	for (i = 0; i < ITERS_TIMER && !failed; i++) {
		uint32_t seen = timer_fired;

		timer_cval = timer_now() + delay;
		vtimer_start_at(timer_cval);
		while (timer_fired == seen && !failed) {
			bench_wfi_window();
			failed = timer_now() > timer_cval + patience;
		}
		if (!failed)
			bench_stats_add(&s, timer_latency);
	}
	vtimer_stop();
	gic_private_irq_disable(intid);
	irq_set_handler(intid, 0);
	if (failed)
		bench_skip("timer_latency", "the virtual timer interrupt did not arrive");
	else
		bench_report("timer_latency", &s);
}

/* ---- kernels: no traps expected, one figure each ---- */

static void bench_compute(void)
{
	struct bench_stats s = { 0 };
	uint64_t x = compute_seed, h = 0, t0, t1;
	unsigned i;

	t0 = arch_counter_read();
	for (i = 0; i < COMPUTE_ITERS; i++) {
		x = x * LCG_MULTIPLIER + LCG_INCREMENT;
		h = (h ^ (x >> MIX_SHIFT)) * MIX_MULTIPLIER;
	}
	t1 = arch_counter_read();
	bench_sink = h;
	bench_stats_add(&s, t1 - t0);
	bench_report("compute", &s);
}

/* Sattolo's shuffle (a single cycle through every line), then line -> address. */
static void bench_memwalk_build(void)
{
	uint64_t x = MEMWALK_SEED;
	uint32_t i;

	for (i = 0; i < MEMWALK_LINES; i++)
		memwalk_buf[i * MEMWALK_WORDS] = i;
	for (i = MEMWALK_LINES - 1; i > 0; i--) {
		uint32_t j;
		uint64_t tmp;

		x = x * LCG_MULTIPLIER + LCG_INCREMENT;
		j = (uint32_t)((x >> LCG_HIGH_SHIFT) % i);   /* 0 <= j < i */
		tmp = memwalk_buf[i * MEMWALK_WORDS];
		memwalk_buf[i * MEMWALK_WORDS] = memwalk_buf[j * MEMWALK_WORDS];
		memwalk_buf[j * MEMWALK_WORDS] = tmp;
	}
	for (i = 0; i < MEMWALK_LINES; i++)
		memwalk_buf[i * MEMWALK_WORDS] =
			(uintptr_t)&memwalk_buf[memwalk_buf[i * MEMWALK_WORDS] * MEMWALK_WORDS];
}

static void bench_memwalk(void)
{
	struct bench_stats s = { 0 };
	const uint64_t *p = memwalk_buf;
	uint64_t t0, t1;
	unsigned i;

	bench_memwalk_build();
	t0 = arch_counter_read();
	for (i = 0; i < MEMWALK_STEPS; i++)
		p = (const uint64_t *)(uintptr_t)*p;
	t1 = arch_counter_read();
	bench_sink = (uintptr_t)p;
	bench_stats_add(&s, t1 - t0);
	bench_report("memwalk", &s);
}

/*
 * Under tofu, a VM that owns a PCIe host bridge owns its SMMU streams too
 * (the config tool refuses the one without the other): its stage 2 is the
 * SMMU's, and the run measures only what that changes, the stage-2 changes
 * of IPC.  (Natively, QEMU's own device tree always has the bridge.)
 */
static bool bench_has_streams(const void *dtb)
{
	struct fdt fdt;
	struct fdt_node node;

	return fdt_init(&fdt, dtb) && fdt_find_compatible(&fdt, "pci-host-ecam-generic", &node);
}

int main(const void *dtb)
{
	enum gic_status status;
	bool under_tofu;

	rt_set_fatal_handler(bench_fatal);
	arch_irq_mask();
	status = gic_init();
	if (status != GIC_OK)
		rt_fatal(gic_status_name(status));

	under_tofu = bench_info();
	/* Two VMs of this guest named as a pair of bench_sched.c (bench-sched,
	 * bench-sched-2cpu): the scheduler's figures alone. */
	if (under_tofu && bench_sched(dtb)) {
		rt_printf("BENCH: done\n");
		bench_power_off();
	}
	bench_wait_for_peer(dtb);
	/* Under tofu only a VM with `its;` has one (bench-its): it measures
	 * the LPI figures alone.  Natively they come last, on QEMU's ITS. */
	if (under_tofu && bench_has_its(dtb)) {
		bench_its();
		rt_printf("BENCH: done\n");
		bench_power_off();
	}
	if (under_tofu && bench_has_streams(dtb)) {
		bench_ipc_map(dtb, true);
		rt_printf("BENCH: done\n");
		bench_power_off();
	}
	bench_null_hvc();
	bench_sysreg_trap();
	bench_mmio();
	bench_uart_dr();
	bench_gic_ack_eoi();
	bench_timer_latency();
	bench_ipi();
	bench_ipc(dtb);
	bench_ipc_map(dtb, false);
	bench_compute();
	bench_memwalk();
	if (!under_tofu)
		bench_sched_native();
	if (bench_has_its(dtb))
		bench_its();
	else if (gic_is_v2())
		bench_skip("lpi_*", "GICv2 (no ITS)");

	rt_printf("BENCH: done\n");
	bench_power_off();
}
