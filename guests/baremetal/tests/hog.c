/* SPDX-License-Identifier: MIT */
/*
 * hog: a CPU-bound VM that measures, from inside, how much of its physical
 * CPU it gets (docs/scheduling.md; tests/qemu/t_sched.sh).  It spins on
 * CNTVCT_EL0 with interrupts masked: a step between two reads longer than
 * HOG_GAP_US is time it did not run (another vCPU ran, or the CPU idled).
 * Its run time is summed per aligned interval of hog.window=<us> (counter
 * multiples, default 10000), and the phase of every moment it ran within
 * an aligned frame of hog.frame=<us> (default: the window) is kept as a
 * range.  Once a second (of the counter) it prints
 *
 *   hog: second <n> run <r> us, per <w> us min <a> max <b> us, phase <lo>-<hi> us of <f> us, gaps <g>
 *
 * over the complete windows of that second.  hog.sleep=1 makes it wait in
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

const char rt_program_name[] = "hog";

struct hog_stats {
	uint64_t run, gaps;             /* ticks run, and gaps, this second */
	uint64_t win_min, win_max;      /* run per complete window */
	uint64_t phase_lo, phase_hi;    /* of the moments it ran, within the frame */
};

static void hog_stats_reset(struct hog_stats *s)
{
	*s = (struct hog_stats){ .win_min = UINT64_MAX, .phase_lo = UINT64_MAX };
}

static void hog_report(uint64_t second, const struct hog_stats *s, uint64_t window_us, uint64_t frame_us)
{
	bool any = s->win_min != UINT64_MAX;

	rt_printf("hog: second %lu run %lu us, per %lu us min %lu max %lu us, phase %lu-%lu us of %lu us, gaps %lu\n",
		  second, timer_ticks_to_us(s->run), window_us, any ? timer_ticks_to_us(s->win_min) : 0,
		  timer_ticks_to_us(s->win_max), s->phase_lo == UINT64_MAX ? 0 : timer_ticks_to_us(s->phase_lo),
		  timer_ticks_to_us(s->phase_hi), frame_us, s->gaps);
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
	if (platform_bootarg(args, "hog.sleep", 0, NULL)) {
		rt_printf("hog: sleeping (WFI) for ever\n");
		arch_irq_mask();
		for (;;)
			arch_wfi();
	}
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
			uint64_t phase = now % frame;
			if (phase < s.phase_lo)
				s.phase_lo = phase;
			if (phase > s.phase_hi)
				s.phase_hi = phase;
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
