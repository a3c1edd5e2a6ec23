/* SPDX-License-Identifier: MIT */
/*
 * The shared-CPU scheduler's figures (docs/scheduling.md), from two VMs of
 * this guest on one channel, named as one of the pairs below in the config:
 *
 *   sched-a and sched-b on ONE physical CPU (tests/configs/bench-sched.dts):
 *     vm_switch: the two pass a token with TOFU_HC_DOORBELL: a rings b's
 *       doorbell and waits; b, woken by the doorbell's interrupt, rings a's
 *       and waits; and so on.  One hand-over runs from the counter read
 *       before the doorbell HVC in one VM to the counter read at the entry
 *       of the other's interrupt handler: the HVC exit, the doorbell, the
 *       scheduler's switch (the ringing VM put, the rung one loaded, its
 *       doorbell in a list register) and the way into the guest's handler.
 *       a measures the round trip (vm_switch_roundtrip); b measures its
 *       turnaround, handler entry to its own doorbell's counter read, and
 *       sends the sums at the end; vm_switch = (round trip - turnaround) / 2,
 *       its max the longest round trip less the shortest turnaround, halved.
 *     sched_tick: b sleeps (WFI, nothing to wake it), a spins reading the
 *       counter: the slice's timer (SCHED_SLICE_US, 10 ms) fires, the
 *       scheduler finds nothing else ready and returns.  Each gap in a's
 *       reads is one tick's exit plus one step of the loop; natively the
 *       same loop's step (bench_sched_native), so the overhead is the tick.
 *     sched_tick_switch: both spin; each tick is then a switch.  A gap in a
 *       is b's run plus the two switches around it; b runs the same loop in
 *       the same binary, so its run is taken to be a's run before the gap:
 *       per switch (gap - run) / 2.
 *   smp-a and smp-b, each on a physical CPU of its own (bench-sched-2cpu.dts):
 *     handover_2cpu (and _roundtrip): the same token passing, the rung VM
 *       woken on its own CPU by a kick SGI: what a VM switch replaces.
 *
 * IRQs stay masked but in a window before each WFI: a doorbell already
 * pending when a VM resumes is taken at once, without a WFI exit.
 */
#include <stdbool.h>
#include <stdint.h>

#include "tofu/abi.h"

#include "rt/arch.h"
#include "rt/gic.h"
#include "rt/print.h"
#include "rt/timer.h"
#include "rt/tofu_ipc.h"

#include "bench.h"

#define HANDOVER_WARMUP  20u      /* round trips before the measured ones */
#define HANDOVER_ITERS   300u
#define SLICE_MS         10u      /* SCHED_SLICE_US of src/core/sched.c */
#define TICKS_IDLE       8u       /* gaps measured beside a sleeping VM */
#define TICKS_SWITCH     6u       /* beside a spinning one */
#define TICKS_SKIPPED    1u       /* the first gap of each: the peer still settling */
#define SLICES_PER_GAP   3u       /* a gap's deadline: a cycle of two slices, and some */
#define GAP_MIN          100u     /* counter ticks: a step of the loop is far less, any exit more */
#define NATIVE_SPIN_MS   1u       /* natively: the loop's step over this long */
#define START_MS         5000u    /* the peer's start, its ready message */
#define READY_RETRY_MS   1u
#define READY_MSG        "ready"
#define DIVIDE_BY_PAIR   2u       /* two hand-overs a round trip, two switches a gap */

struct sched_pair {
	const char *first, *second, *handover, *roundtrip;
	bool shared;    /* on one physical CPU: the tick figures too */
};

static const struct sched_pair sched_pairs[] = {
	{ "sched-a", "sched-b", "vm_switch", "vm_switch_roundtrip", true },
	{ "smp-a", "smp-b", "handover_2cpu", "handover_2cpu_roundtrip", false },
};

/* What b sends a when the token passing is over: its turnarounds. */
struct sched_turns {
	uint64_t total, min;
};

static volatile uint32_t doorbells;
static volatile uint64_t doorbell_at;   /* the counter at the handler's entry */
static uint8_t msg[TOFU_MSG_MAX] __attribute__((aligned(16)));

static void sched_doorbell_irq(uint32_t intid, uint64_t entry_ticks)
{
	(void)intid;
	doorbell_at = entry_ticks;
	doorbells = doorbells + 1;
}

/* Until a doorbell after `seen` (false: none by `deadline`, 0 for none). */
static bool sched_wait_doorbell(uint32_t seen, uint64_t deadline)
{
	for (;;) {
		arch_irq_unmask();      /* one already pending is taken here */
		arch_isb();
		arch_irq_mask();
		if (doorbells != seen)
			return true;
		if (deadline && arch_counter_read() > deadline)
			return false;
		arch_wfi();
	}
}

/* The next message from `peer` into msg (others are dropped), or why not. */
static const char *sched_recv(uint32_t peer, uint32_t *len, uint64_t deadline)
{
	for (;;) {
		uint32_t seen = doorbells, sender;
		int rc = tofu_msg_recv(msg, sizeof(msg), &sender, len, 0);

		if (rc == TOFU_OK && sender == peer)
			return 0;
		if (rc != TOFU_OK && rc != TOFU_E_EMPTY)
			return tofu_strerror(rc);
		if (rc == TOFU_E_EMPTY && !sched_wait_doorbell(seen, deadline))
			return "no message from the peer";
	}
}

/* What one spin of sched_spin saw: its gaps, each switch's share, its steps. */
struct sched_spin {
	struct bench_stats gap, per_switch, step;
};

/*
 * Reads the counter back to back until `skip` + `want` gaps of at least
 * GAP_MIN (the first `skip` not counted) or the deadline.  A gap's
 * per-switch share: (gap - the run before it) / 2.  False: too few gaps.
 */
static bool sched_spin(unsigned skip, unsigned want, uint64_t deadline, struct sched_spin *r)
{
	uint64_t prev = arch_counter_read(), run = 0;
	unsigned seen = 0;

	*r = (struct sched_spin){ { 0 }, { 0 }, { 0 } };
	while (seen < skip + want) {
		uint64_t now = arch_counter_read(), d = now - prev;

		prev = now;
		if (d < GAP_MIN) {
			run += d;
			bench_stats_add(&r->step, d);
			if (now > deadline)
				return false;
			continue;
		}
		if (seen++ >= skip) {
			bench_stats_add(&r->gap, d);
			bench_stats_add(&r->per_switch, d > run ? (d - run) / DIVIDE_BY_PAIR : 0);
		}
		run = 0;
	}
	return true;
}

static uint64_t sched_spin_deadline(unsigned gaps)
{
	return arch_counter_read() + timer_ms_to_ticks(SLICE_MS * SLICES_PER_GAP * (gaps + TICKS_SKIPPED));
}

/* The second VM: answers the token, sends its turnarounds, then sleeps
 * until the doorbell that makes it spin. */
static _Noreturn void sched_second(uint32_t peer, bool shared)
{
	struct sched_turns turns = { 0, UINT64_MAX };
	uint32_t seen = doorbells;
	int rc;

	while ((rc = tofu_msg_send(peer, READY_MSG, sizeof(READY_MSG) - 1)) != TOFU_OK) {
		uint64_t until = arch_counter_read() + timer_ms_to_ticks(READY_RETRY_MS);

		while (arch_counter_read() < until)
			;
	}
	for (unsigned i = 0; i < HANDOVER_WARMUP + HANDOVER_ITERS; i++) {
		uint64_t t;

		sched_wait_doorbell(seen, 0);
		seen = doorbells;
		t = arch_counter_read();
		if (i >= HANDOVER_WARMUP) {
			uint64_t turn = t - doorbell_at;

			turns.total += turn;
			if (turn < turns.min)
				turns.min = turn;
		}
		tofu_doorbell(peer);
	}
	tofu_msg_send(peer, &turns, sizeof(turns));
	if (shared) {
		sched_wait_doorbell(seen, 0);   /* sched_tick: asleep */
		for (;;)                        /* sched_tick_switch: spinning */
			(void)arch_counter_read();
	}
	for (;;)
		arch_wfi();
}

/* The first VM: every figure of its pair, reported. */
static void sched_first(uint32_t peer, const struct sched_pair *pp)
{
	const uint64_t patience = timer_ms_to_ticks(BENCH_WAIT_MS);
	struct bench_stats rtt = { 0 }, handover = { 0 };
	struct sched_turns turns;
	struct sched_spin idle, busy;
	const char *failed;
	uint32_t len = 0;

	failed = sched_recv(peer, &len, arch_counter_read() + timer_ms_to_ticks(START_MS));
	for (unsigned i = 0; i < HANDOVER_WARMUP + HANDOVER_ITERS && !failed; i++) {
		uint32_t seen = doorbells;
		uint64_t t0 = arch_counter_read();
		int rc = tofu_doorbell(peer);

		if (rc != TOFU_OK)
			failed = tofu_strerror(rc);
		else if (!sched_wait_doorbell(seen, t0 + patience))
			failed = "no doorbell back from the peer";
		else if (i >= HANDOVER_WARMUP)
			bench_stats_add(&rtt, doorbell_at - t0);
	}
	if (!failed)
		failed = sched_recv(peer, &len, arch_counter_read() + patience);
	if (!failed && len != sizeof(turns))
		failed = "the peer's turnarounds are not two doublewords";
	if (failed) {
		bench_skip(pp->handover, failed);
		return;
	}
	__builtin_memcpy(&turns, msg, sizeof(turns));
	handover = (struct bench_stats){
		.iters = rtt.iters,
		.total = (rtt.total - turns.total) / DIVIDE_BY_PAIR,
		.max = (rtt.max - turns.min) / DIVIDE_BY_PAIR,
	};
	if (!pp->shared) {
		bench_report(pp->roundtrip, &rtt);
		bench_report(pp->handover, &handover);
		return;
	}
	/* Nothing is printed until the end: the console's drain on another CPU
	 * would put its instructions into the gaps (icount counts every CPU's).
	 * The peer sleeps: each gap is a tick that finds nothing else ready. */
	bool idle_ok = sched_spin(TICKS_SKIPPED, TICKS_IDLE, sched_spin_deadline(TICKS_IDLE), &idle);
	/* The peer spins: each gap is its slice and two switches. */
	tofu_doorbell(peer);
	bool busy_ok = sched_spin(TICKS_SKIPPED, TICKS_SWITCH, sched_spin_deadline(TICKS_SWITCH), &busy);
	bench_report(pp->roundtrip, &rtt);
	bench_report(pp->handover, &handover);
	if (idle_ok)
		bench_report("sched_tick", &idle.gap);
	else
		bench_skip("sched_tick", "no slice timer seen (is the CPU shared?)");
	if (busy_ok)
		bench_report("sched_tick_switch", &busy.per_switch);
	else
		bench_skip("sched_tick_switch", "too few switches to the spinning peer");
}

bool bench_sched(const void *dtb)
{
	struct tofu_ipc_info info;
	uint32_t self, first, second;

	if (tofu_ipc_probe(dtb, &info) != 0 || tofu_vm_id(&self) != TOFU_OK)
		return false;
	for (unsigned i = 0; i < sizeof(sched_pairs) / sizeof(sched_pairs[0]); i++) {
		const struct sched_pair *pp = &sched_pairs[i];

		if (tofu_vm_lookup(pp->first, &first) != TOFU_OK ||
		    tofu_vm_lookup(pp->second, &second) != TOFU_OK || (self != first && self != second))
			continue;
		if (info.doorbell_intid < GIC_SPI_BASE || info.doorbell_intid >= IRQ_HANDLER_COUNT) {
			bench_skip(pp->handover, "doorbell INTID out of range");
			return true;
		}
		arch_irq_mask();
		bench_doorbell_enable(info.doorbell_intid, sched_doorbell_irq);
		if (self == second)
			sched_second(first, pp->shared);
		sched_first(second, pp);
		return true;
	}
	return false;
}

void bench_sched_native(void)
{
	struct sched_spin r;

	/* Nothing interrupts it: no gap, only steps until the deadline. */
	(void)sched_spin(0, 1, arch_counter_read() + timer_ms_to_ticks(NATIVE_SPIN_MS), &r);
	bench_report("sched_tick", &r.step);
}
