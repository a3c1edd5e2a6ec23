/* SPDX-License-Identifier: MIT */
/*
 * rtos: a real-time-style periodic task, the second VM of the demo and the
 * victim of the isolation tests.
 *
 * The EL1 virtual timer fires every RTOS_PERIOD_US at absolute deadlines
 * (CVAL += period, the remainder of the division carried, so nothing
 * drifts).  The IRQ handler is the task: it measures its release latency,
 * CNTVCT_EL0 at IRQ entry minus the CVAL that fired, and once a second
 * recomputes the checksum of a 4 KiB state page filled from a seed.  The
 * main loop sleeps in WFI and prints one line a second:
 *
 *   rtos: tick <n> worst-latency <w> us mean-latency <m> us mem ok|CORRUPT recent-worst <r> us
 *
 * (<w>, <m> and <r> to the nanosecond: w.www).  <r> is the worst of the
 * last second's releases alone.
 *
 * Worst and mean cover the whole run (like cyclictest's Max and Avg): one
 * late tick, e.g. while a neighbour VM misbehaves, stays visible.  The
 * state page sits at RAM + 1 MiB: if this VM's RAM is at PA 0x50000000, a
 * neighbour writing through to PA 0x50100000 lands on it.
 *
 * At start the state page must read zero (tofu clears a VM's RAM at every
 * start); if not, a line says so.
 *
 * tofu watches it: after its first tick it arms its watchdog (the
 * TOFU_HC_WDOG_* calls, docs/ipc.md) for RTOS_WDOG_MS and the task pets it
 * every RTOS_WDOG_PET_TICKS releases.  bootargs "rtos.hang=<s>" makes it
 * hang after that many seconds (interrupts masked, spinning), for the
 * watchdog test.
 *
 * Integer arithmetic only (-mgeneral-regs-only).  Never powers off: a fatal
 * error prints a line and parks the CPU.
 */
#include <stdbool.h>
#include <stdint.h>

#include "tofu/abi.h"

#include "rt/arch.h"
#include "rt/exception.h"
#include "rt/gic.h"
#include "rt/hw.h"
#include "rt/irq.h"
#include "rt/platform.h"
#include "rt/print.h"
#include "rt/rt.h"
#include "rt/timer.h"
#include "rt/tofu_ipc.h"
#include "rt/tofu_wdog.h"

#include "rtos_ipc.h"

#define RTOS_PERIOD_US        1000u
#define RTOS_TICKS_PER_REPORT 1000u     /* one line a second */
#define RTOS_IRQ_PRIORITY     0x80
/* The first tick is polled for, this long: generous, because without icount
 * the counter follows the host's clock, which runs on while a loaded host
 * leaves QEMU's threads waiting. */
#define RTOS_FIRST_TICK_MS    5000
/* Generous beside the 1 ms period: without icount a loaded host can leave
 * QEMU's threads waiting for a while (tofu forgives a late timer once too). */
#define RTOS_WDOG_MS          3000u
#define RTOS_WDOG_PET_TICKS   100u

#define RTOS_STATE_BYTES      4096u
#define RTOS_STATE_WORDS      (RTOS_STATE_BYTES / sizeof(uint32_t))
#define RTOS_STATE_OFFSET     0x100000u /* from the RAM base: 1 MiB */
#define RTOS_STATE_SEED       0x7f4a7c15u

/* FNV-1a, 32-bit, applied to whole words. */
#define FNV32_OFFSET_BASIS    0x811c9dc5u
#define FNV32_PRIME           0x01000193u

/* xorshift32 (Marsaglia 2003) shifts */
#define XORSHIFT_A            13
#define XORSHIFT_B            17
#define XORSHIFT_C            5

const char rt_program_name[] = "rtos";

extern char _start[], __image_end[];   /* image.ld */

struct rtos_report {
	uint64_t tick;
	uint64_t worst_ticks;
	uint64_t mean_ticks;
	uint64_t recent_worst_ticks;
	bool mem_ok;
};

/* Written by the tick handler; the main loop reads it with IRQs masked. */
static struct {
	uint64_t deadline;        /* CVAL of the next release */
	uint64_t period_ticks;    /* whole ticks per period */
	uint64_t period_rem;      /* remainder, in 1/TIMER_US_PER_S ticks ... */
	uint64_t rem_acc;         /* ... carried here until it makes a tick */
	uint64_t ticks;           /* releases handled */
	uint64_t worst_ticks;
	uint64_t recent_worst_ticks; /* since the last report */
	uint64_t sum_ticks;
	uint32_t spurious;        /* IRQs with the timer condition not met */
	bool wdog_armed;
	volatile uint32_t report_seq;
	struct rtos_report report;
} rtos;

static volatile uint32_t *rtos_state;
static uint32_t rtos_state_sum;                     /* expected checksum */
static uint32_t rtos_state_fallback[RTOS_STATE_WORDS] __attribute__((aligned(4096)));

static void rtos_fatal(const char *why)
{
	rt_printf("rtos: FATAL: %s; halted (rtos never powers off)\n", why);
}

/* ---- the state page ---- */

static bool range_overlaps(uint64_t a, uint64_t a_size, uint64_t b, uint64_t b_size)
{
	return a < b + b_size && b < a + a_size;
}

/* RAM + 1 MiB if that page is RAM and neither the image nor the DTB; else a static buffer. */
static volatile uint32_t *rtos_state_place(void)
{
	const struct platform *p = platform_get();
	uint64_t addr = p->ram_base + RTOS_STATE_OFFSET;
	uint64_t image = (uintptr_t)_start, image_size = (uintptr_t)__image_end - image;

	if (p->ram_size < RTOS_STATE_OFFSET + RTOS_STATE_BYTES ||
	    range_overlaps(addr, RTOS_STATE_BYTES, image, image_size) ||
	    (p->dtb_valid && range_overlaps(addr, RTOS_STATE_BYTES, p->dtb, p->dtb_size)))
		return rtos_state_fallback;
	return (volatile uint32_t *)(uintptr_t)addr;
}

static uint32_t xorshift32(uint32_t x)
{
	x ^= x << XORSHIFT_A;
	x ^= x >> XORSHIFT_B;
	x ^= x << XORSHIFT_C;
	return x;
}

static uint32_t rtos_state_checksum(void)
{
	uint32_t h = FNV32_OFFSET_BASIS;
	unsigned i;

	for (i = 0; i < RTOS_STATE_WORDS; i++)
		h = (h ^ rtos_state[i]) * FNV32_PRIME;
	return h;
}

static void rtos_state_init(void)
{
	uint32_t x = RTOS_STATE_SEED;
	unsigned i;

	rtos_state = rtos_state_place();
	/* The hypervisor gives a VM clean RAM at every start: the last run's
	 * state must be gone. */
	for (i = 0; i < RTOS_STATE_WORDS && rtos_state[i] == 0; i++)
		;
	if (i < RTOS_STATE_WORDS)
		rt_printf("rtos: RAM not clean at start: word %u of the state page is %08x\n", i,
			  rtos_state[i]);
	for (i = 0; i < RTOS_STATE_WORDS; i++) {
		x = xorshift32(x);
		rtos_state[i] = x;
	}
	rtos_state_sum = rtos_state_checksum();
}

/* ---- the periodic task ---- */

static void rtos_deadline_advance(void)
{
	rtos.deadline += rtos.period_ticks;
	rtos.rem_acc += rtos.period_rem;
	if (rtos.rem_acc >= TIMER_US_PER_S) {
		rtos.rem_acc -= TIMER_US_PER_S;
		rtos.deadline++;
	}
}

static void rtos_tick(uint32_t intid, uint64_t entry_ticks)
{
	uint64_t released = rtos.deadline;
	uint64_t latency = entry_ticks > released ? entry_ticks - released : 0;

	(void)intid;
	if (!vtimer_asserted()) {
		rtos.spurious++;
		return;
	}
	/* Next release first: a new CVAL in the future also drops the level before EOI. */
	rtos_deadline_advance();
	vtimer_start_at(rtos.deadline);

	rtos.ticks++;
	if (rtos.wdog_armed && rtos.ticks % RTOS_WDOG_PET_TICKS == 0)
		tofu_wdog_pet();
	rtos.sum_ticks += latency;
	if (latency > rtos.worst_ticks)
		rtos.worst_ticks = latency;
	if (latency > rtos.recent_worst_ticks)
		rtos.recent_worst_ticks = latency;

	if (rtos.ticks % RTOS_TICKS_PER_REPORT == 0) {
		rtos.report = (struct rtos_report){
			.tick = rtos.ticks,
			.worst_ticks = rtos.worst_ticks,
			.mean_ticks = rtos.sum_ticks / rtos.ticks,
			.recent_worst_ticks = rtos.recent_worst_ticks,
			.mem_ok = rtos_state_checksum() == rtos_state_sum,
		};
		rtos.recent_worst_ticks = 0;
		rtos.report_seq = rtos.report_seq + 1;
	}
}

static void rtos_timer_init(void)
{
	const uint64_t rate = timer_rate();
	const uint64_t per_period = rate * RTOS_PERIOD_US;   /* ticks * 10^6 */

	rtos.period_ticks = per_period / TIMER_US_PER_S;
	rtos.period_rem = per_period % TIMER_US_PER_S;
	rt_printf("rtos: CNTFRQ_EL0 %lu Hz%s, period %lu ticks + %lu/%u\n", timer_freq(),
		  timer_freq() ? "" : " (unset: assuming a default)", rtos.period_ticks,
		  rtos.period_rem, TIMER_US_PER_S);
	if (rtos.period_ticks == 0)
		rt_fatal("counter too slow for the period");
}

/* The first release is polled for, so that a timer that never fires is reported. */
static void rtos_start(void)
{
	const uint32_t intid = platform_get()->vtimer_intid;
	enum gic_status status = gic_init();
	uint64_t give_up, last, step, longest = 0;

	if (status != GIC_OK)
		rt_fatal(gic_status_name(status));
	irq_set_handler(intid, rtos_tick);
	gic_private_irq_enable(intid, RTOS_IRQ_PRIORITY);

	arch_irq_mask();
	rtos.deadline = timer_now() + rtos.period_ticks;
	vtimer_start_at(rtos.deadline);
	last = timer_now();
	give_up = last + timer_ms_to_ticks(RTOS_FIRST_TICK_MS);
	while (rtos.ticks == 0 && last < give_up) {
		arch_irq_unmask();
		arch_isb();
		arch_irq_mask();
		step = timer_now() - last;
		last += step;
		longest = step > longest ? step : longest;
	}
	/* Late or lost?  Without icount the counter follows the host's clock,
	 * so a host that holds QEMU back for the whole deadline makes it pass
	 * with the tick on its way (issue 8 item 3: what the old 100 ms deadline
	 * mistook for a lost interrupt).  One more window tells them apart: a
	 * late tick arrives in it; a lost one does not. */
	if (rtos.ticks == 0) {
		arch_irq_unmask();
		arch_isb();
		arch_irq_mask();
		if (rtos.ticks)
			rt_printf("rtos: first tick LATE: past the %u ms deadline, the longest step of the "
				  "wait %lu us (the host held QEMU back)\n", RTOS_FIRST_TICK_MS,
				  timer_ticks_to_us(longest));
	}
	if (rtos.ticks == 0) {
		rt_printf("rtos: no virtual timer IRQ (INTID %u) within %u ms: ISTATUS %d, "
			  "pending in the GIC %d, active %d, spurious %u (LOST)\n", intid, RTOS_FIRST_TICK_MS,
			  vtimer_asserted(), gic_private_irq_pending(intid), gic_private_irq_active(intid),
			  rtos.spurious);
		rt_fatal("virtual timer interrupt never arrived");
	}
	rt_printf("rtos: first tick, latency %lu us\n", timer_ticks_to_us(rtos.worst_ticks));
}

/* Under tofu, the watchdog; elsewhere (bare QEMU) the call is refused or
 * undefined, and the RTOS runs unwatched. */
static void rtos_wdog_start(void)
{
	struct fault_record rec;
	int rc;

	exc_probe_begin();
	rc = tofu_wdog_arm(RTOS_WDOG_MS);
	rec = exc_probe_end();
	rtos.wdog_armed = !rec.count && rc == TOFU_OK;
	if (rtos.wdog_armed)
		rt_printf("rtos: watchdog armed, %u ms, petted every %u ticks\n", RTOS_WDOG_MS,
			  RTOS_WDOG_PET_TICKS);
	else
		rt_printf("rtos: no watchdog (%s)\n", rec.count ? "HVC undefined" : tofu_status_name(rc));
}

static void rtos_print_vm_id(void)
{
	struct fault_record rec;
	uint32_t id = 0;
	int rc;

	exc_probe_begin();
	rc = tofu_vm_id(&id);
	rec = exc_probe_end();
	if (rec.count)
		rt_printf("rtos: started, VM-ID unknown (HVC undefined, ESR %lx), period %u us\n",
			  rec.esr, RTOS_PERIOD_US);
	else if (rc != TOFU_OK)
		rt_printf("rtos: started, VM-ID unknown (TOFU_HC_VM_ID returned %d), "
			  "period %u us\n", rc, RTOS_PERIOD_US);
	else
		rt_printf("rtos: started, VM-ID %u, period %u us\n", id, RTOS_PERIOD_US);
}

int main(const void *dtb)
{
	uint32_t seen = 0;
	uint64_t hang_after = platform_bootarg(platform_bootargs(), "rtos.hang", 0, NULL);
	bool ipc_on;

	rt_set_fatal_handler(rtos_fatal);
	rtos_print_vm_id();
	rtos_state_init();
	rt_printf("rtos: state %u bytes at %lx, checksum %08x\n", RTOS_STATE_BYTES,
		  (uintptr_t)rtos_state, rtos_state_sum);
	rtos_timer_init();
	rtos_start();
	rtos_wdog_start();
	ipc_on = rtos_ipc_init(dtb);

	/*
	 * IRQs stay masked except between WFI and the next check, so a wake-up
	 * cannot be lost (WFI wakes on a pending IRQ even with PSTATE.I set).
	 * Printing happens with IRQs unmasked: it never delays a release.
	 */
	for (;;) {
		struct rtos_report r;

		while (rtos.report_seq == seen) {
			if (ipc_on)
				rtos_ipc_work(timer_now());
			arch_wfi();
			arch_irq_unmask();
			arch_isb();
			arch_irq_mask();
		}
		seen = rtos.report_seq;
		r = rtos.report;
		arch_irq_unmask();
		uint64_t worst_ns = timer_ticks_to_ns(r.worst_ticks);
		uint64_t mean_ns = timer_ticks_to_ns(r.mean_ticks);
		uint64_t recent_ns = timer_ticks_to_ns(r.recent_worst_ticks);
		rt_printf("rtos: tick %lu worst-latency %lu.%03lu us mean-latency %lu.%03lu us mem %s "
			  "recent-worst %lu.%03lu us\n",
			  r.tick, worst_ns / TIMER_NS_PER_US, worst_ns % TIMER_NS_PER_US,
			  mean_ns / TIMER_NS_PER_US, mean_ns % TIMER_NS_PER_US,
			  r.mem_ok ? "ok" : "CORRUPT", recent_ns / TIMER_NS_PER_US,
			  recent_ns % TIMER_NS_PER_US);
		if (hang_after && r.tick / RTOS_TICKS_PER_REPORT >= hang_after) {
			rt_printf("rtos: hanging now (rtos.hang=%lu): interrupts masked, spinning\n",
				  hang_after);
			arch_irq_mask();
			for (;;)
				arch_isb();
		}
		arch_irq_mask();
		if (ipc_on) {
			struct rtos_stats s = { r.tick, timer_ticks_to_us(r.worst_ticks),
						timer_ticks_to_us(r.mean_ticks), r.mem_ok };
			rtos_ipc_publish(&s);
		}
	}
}
