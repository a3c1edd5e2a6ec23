/* SPDX-License-Identifier: MIT */
/*
 * hog: a CPU-bound VM that measures, from inside, how much of its physical
 * CPU it gets (docs/scheduling.md; tests/qemu/t_sched.sh).  It spins on
 * CNTVCT_EL0 with interrupts masked: a step between two reads longer than
 * HOG_GAP_US is time it did not run (another vCPU ran, or the CPU idled).
 * Its run time is summed per aligned interval of hog.window=<us> (counter
 * multiples, default 10000), and the phases within a frame of
 * hog.frame=<us> (default: the window) at which it ran are kept, in
 * HOG_PHASE_BUCKETS buckets.  Once a second (of the counter) it prints
 *
 *   hog: second <n> run <r> us, per <w> us min <a> max <b> us, span <s> us of <f> us, gaps <g>
 *
 * over the complete windows of that second (hog.stop=<n>: after n of
 * them it prints "hog: stopped spinning" and waits as hog.sleep=1 does); <s> is the shortest arc of
 * the frame (circular: its virtual counter is offset from the hypervisor's,
 * whose frames start at multiples of the physical counter) that holds
 * every phase at which it ran, to a bucket.  A VM that runs only in a
 * window of d us per frame has a span of d plus at most two buckets.  hog.sleep=1 makes it wait in
 * WFI for ever instead (a blocked VM), after one line.
 *
 * Integer arithmetic only; never powers off.
 */
#include <stdbool.h>
#include <stdint.h>

#include "rt/arch.h"
#include "rt/platform.h"
#include "rt/print.h"
#include "rt/rt.h"
#include "rt/timer.h"

#define HOG_GAP_US        2       /* a longer step between two reads: not running */
#define HOG_DEFAULT_US    10000
#define HOG_REPORT_MS     1000
#define HOG_PHASE_BUCKETS 100

const char rt_program_name[] = "hog";

struct hog_stats {
	uint64_t run, gaps;             /* ticks run, and gaps, this second */
	uint64_t win_min, win_max;      /* run per complete window */
	bool ran_at[HOG_PHASE_BUCKETS]; /* the frame's buckets in which it ran */
};

static void hog_stats_reset(struct hog_stats *s)
{
	*s = (struct hog_stats){ .win_min = UINT64_MAX };
}

/* The shortest arc of the frame holding every bucket it ran in, in
 * buckets: all of them but the longest circular run of empty ones. */
static unsigned hog_span(const struct hog_stats *s)
{
	unsigned longest = 0, run = 0, any = 0;

	for (unsigned i = 0; i < 2 * HOG_PHASE_BUCKETS; i++) {
		bool ran = s->ran_at[i % HOG_PHASE_BUCKETS];
		any |= ran;
		run = ran ? 0 : run + 1;
		if (run > longest)
			longest = run;
	}
	if (!any)
		return 0;
	return HOG_PHASE_BUCKETS - (longest < HOG_PHASE_BUCKETS ? longest : HOG_PHASE_BUCKETS);
}

static void hog_report(uint64_t second, const struct hog_stats *s, uint64_t window_us, uint64_t frame_us)
{
	bool any = s->win_min != UINT64_MAX;

	rt_printf("hog: second %lu run %lu us, per %lu us min %lu max %lu us, span %lu us of %lu us, gaps %lu\n",
		  second, timer_ticks_to_us(s->run), window_us, any ? timer_ticks_to_us(s->win_min) : 0,
		  timer_ticks_to_us(s->win_max), hog_span(s) * frame_us / HOG_PHASE_BUCKETS, frame_us, s->gaps);
}

static void __attribute__((noreturn)) hog_sleep(void)
{
	rt_printf("hog: sleeping (WFI) for ever\n");
	arch_irq_mask();
	for (;;)
		arch_wfi();
}

int main(const void *dtb)
{
	const char *args = platform_bootargs();
	uint64_t window_us = platform_bootarg(args, "hog.window", HOG_DEFAULT_US, NULL);
	uint64_t frame_us = platform_bootarg(args, "hog.frame", window_us, NULL);
	/* Microseconds to ticks: ms_to_ticks(n) / 1000 is n us, to the tick. */
	uint64_t window = timer_ms_to_ticks(window_us) / 1000, frame = timer_ms_to_ticks(frame_us) / 1000;
	uint64_t gap = timer_ms_to_ticks(HOG_GAP_US) / 1000;
	uint64_t report = timer_ms_to_ticks(HOG_REPORT_MS);
	struct hog_stats s;

	(void)dtb;
	uint64_t stop = platform_bootarg(args, "hog.stop", 0, NULL);

	if (platform_bootarg(args, "hog.sleep", 0, NULL))
		hog_sleep();
	rt_printf("hog: spinning, window %lu us, frame %lu us, a gap is > %u us\n", window_us, frame_us,
		  HOG_GAP_US);
	arch_irq_mask();
	hog_stats_reset(&s);
	uint64_t last = timer_now();
	uint64_t win_idx = last / window, win_run = 0, second = 0, next_report = last + report;
	bool win_whole = false;           /* the current window is counted: not the first, nor a report's */
	for (;;) {
		uint64_t now = timer_now();
		uint64_t step = now - last;
		if (step > gap)
			s.gaps++;
		else {
			/* It ran from last to now: count it in the window(s) and phase. */
			s.run += step;
			win_run += step;
			s.ran_at[now % frame * HOG_PHASE_BUCKETS / frame] = true;
		}
		if (now / window != win_idx) {
			if (win_whole) {
				if (win_run < s.win_min)
					s.win_min = win_run;
				if (win_run > s.win_max)
					s.win_max = win_run;
			}
			/* A window is whole when its predecessor ended in it: no
			 * more than one boundary was crossed. */
			win_whole = now / window == win_idx + 1;
			win_idx = now / window;
			win_run = step <= gap ? now % window : 0;
		}
		if (now >= next_report) {
			hog_report(++second, &s, window_us, frame_us);
			if (second == stop) {
				rt_printf("hog: stopped spinning\n");
				hog_sleep();
			}
			hog_stats_reset(&s);
			next_report += report;
			/* The report's own time is neither run nor gap: its
			 * window is left out of min and max. */
			now = timer_now();
			win_whole = false;
		}
		last = now;
	}
}
