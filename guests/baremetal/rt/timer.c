/* SPDX-License-Identifier: MIT */
#include "rt/timer.h"

#include "rt/arch.h"
#include "rt/hw.h"

/* cortex-a57 on QEMU runs the counter at 62.5 MHz; only used if CNTFRQ is 0. */
#define TIMER_FALLBACK_FREQ 62500000u
#define MS_PER_S            1000u

uint64_t timer_freq(void)
{
	return sysreg_read_cntfrq_el0();
}

uint64_t timer_rate(void)
{
	uint64_t freq = timer_freq();

	return freq ? freq : TIMER_FALLBACK_FREQ;
}

uint64_t timer_now(void)
{
	return arch_counter_read();
}

uint64_t timer_ms_to_ticks(uint64_t ms)
{
	return ms * timer_rate() / MS_PER_S;
}

uint64_t timer_ticks_to_us(uint64_t ticks)
{
	uint64_t rate = timer_rate();

	/* Whole seconds first: ticks * 10^6 overflows 64 bits past ~3.4 days at 62.5 MHz. */
	return ticks / rate * TIMER_US_PER_S + ticks % rate * TIMER_US_PER_S / rate;
}

uint64_t timer_ticks_to_ns(uint64_t ticks)
{
	uint64_t rate = timer_rate();

	return ticks / rate * TIMER_NS_PER_S + ticks % rate * TIMER_NS_PER_S / rate;
}

uint64_t vtimer_start(uint64_t ticks)
{
	/* Writing TVAL sets CVAL = CNTVCT + TVAL (Arm ARM D12.2.4). */
	sysreg_write_cntv_tval_el0(ticks);
	sysreg_write_cntv_ctl_el0(CNTV_CTL_ENABLE);
	arch_isb();
	return sysreg_read_cntv_cval_el0();
}

void vtimer_start_at(uint64_t cval)
{
	/* The condition is CNTVCT >= CVAL (Arm ARM D12.2.4): a CVAL in the past fires at once. */
	sysreg_write_cntv_cval_el0(cval);
	sysreg_write_cntv_ctl_el0(CNTV_CTL_ENABLE);
	arch_isb();
}

void vtimer_mask(void)
{
	sysreg_write_cntv_ctl_el0(CNTV_CTL_ENABLE | CNTV_CTL_IMASK);
	arch_isb();
}

void vtimer_stop(void)
{
	sysreg_write_cntv_ctl_el0(0);
	arch_isb();
}

bool vtimer_asserted(void)
{
	return sysreg_read_cntv_ctl_el0() & CNTV_CTL_ISTATUS;
}
