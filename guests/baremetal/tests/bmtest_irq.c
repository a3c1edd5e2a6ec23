/* SPDX-License-Identifier: MIT */
/*
 * bmtest, interrupts: the level-sensitive semantics a guest relies on, the
 * same on tofu as on bare QEMU virt (where this guest also runs).
 *  - the virtual and the EL1 physical timer: re-armed through CVAL or TVAL
 *    alone, a level that stays high fires again after EOI, a timer disabled
 *    or masked while its interrupt is pending is no longer pending;
 *  - ISPENDR/ISACTIVER show the true state of an interrupt being handled;
 *  - a level device (PL031, passed through) cleared by its handler raises
 *    one interrupt, not two;
 *  - an emulated level device (the PL011's TX interrupt) that lowers its
 *    line takes back an interrupt already pending.
 */
#include <stdbool.h>
#include <stdint.h>

#include "rt/arch.h"
#include "rt/exception.h"
#include "rt/gic.h"
#include "rt/hw.h"
#include "rt/irq.h"
#include "rt/platform.h"
#include "rt/print.h"
#include "rt/test.h"
#include "rt/timer.h"
#include "bmtest.h"

#define IRQ_PRIORITY       0x80
#define PERIOD_MS          1
#define REARM_TICKS        5
#define LEVEL_REFIRES      3
#define WAIT_MS            2000    /* give up waiting for interrupts (ends at the interrupt) */
#define QUIET_MS           20      /* no further interrupt within this */
#define SETTLE_MS          2       /* let a pending interrupt reach the guest */
#define RTC_ATTEMPTS       3

/* Which timer a test drives: both have the same register layout. */
struct timer_ops {
	const char *name;
	uint32_t intid;
	uint64_t (*now)(void);
	uint64_t (*ctl_read)(void);
	void (*ctl_write)(uint64_t);
	uint64_t (*cval_read)(void);
	void (*cval_write)(uint64_t);
	uint64_t (*tval_read)(void);
	void (*tval_write)(uint64_t);
};

static uint64_t phys_now(void) { return arch_phys_counter_read(); }

static struct timer_ops vtimer_ops = {
	"vtimer", 0, arch_counter_read,
	sysreg_read_cntv_ctl_el0, sysreg_write_cntv_ctl_el0,
	sysreg_read_cntv_cval_el0, sysreg_write_cntv_cval_el0,
	sysreg_read_cntv_tval_el0, sysreg_write_cntv_tval_el0,
};

static struct timer_ops ptimer_ops = {
	"ptimer", 0, phys_now,
	sysreg_read_cntp_ctl_el0, sysreg_write_cntp_ctl_el0,
	sysreg_read_cntp_cval_el0, sysreg_write_cntp_cval_el0,
	sysreg_read_cntp_tval_el0, sysreg_write_cntp_tval_el0,
};

enum rearm { REARM_CVAL, REARM_TVAL, REARM_NONE };

static struct {
	const struct timer_ops *t;
	enum rearm rearm;
	uint32_t stop_after;            /* mask the timer at this count */
	uint64_t period;
	volatile uint32_t count;
	volatile uint32_t not_asserted; /* entries with ISTATUS 0 */
	volatile uint64_t first_entry;  /* the timer's own counter */
	volatile uint64_t first_cval;
	volatile bool active_in_handler, pending_in_handler, pending_after_mask;
} tt;

static void timer_handler(uint32_t intid, uint64_t entry_ticks)
{
	const struct timer_ops *t = tt.t;
	uint64_t now = t->now();

	(void)intid;
	(void)entry_ticks;
	if (!(t->ctl_read() & CNTV_CTL_ISTATUS))
		tt.not_asserted = tt.not_asserted + 1;
	if (tt.count == 0) {
		tt.first_entry = now;
		tt.first_cval = t->cval_read();
		tt.active_in_handler = gic_private_irq_active(t->intid);
		tt.pending_in_handler = gic_private_irq_pending(t->intid);
	}
	tt.count = tt.count + 1;
	if (tt.count >= tt.stop_after) {
		t->ctl_write(CNTV_CTL_ENABLE | CNTV_CTL_IMASK);
		arch_isb();
		if (tt.count == 1)
			tt.pending_after_mask = gic_private_irq_pending(t->intid);
		return;
	}
	/* Re-arm without touching CTL: the new deadline alone drops the level. */
	if (tt.rearm == REARM_CVAL)
		t->cval_write(t->cval_read() + tt.period);
	else if (tt.rearm == REARM_TVAL)
		t->tval_write(tt.period);
	arch_isb();
}

/* bmtest_wait_irqs() with the timeout in milliseconds. */
static void wait_count(volatile uint32_t *count, uint32_t want, uint64_t ms, bool use_wfi)
{
	bmtest_wait_irqs(count, want, use_wfi, timer_ms_to_ticks(ms));
}

/* IRQs open for ms: whatever is pending is taken. */
static void irq_window(uint64_t ms)
{
	uint64_t deadline = timer_now() + timer_ms_to_ticks(ms);

	arch_irq_unmask();
	while (timer_now() < deadline)
		arch_isb();
	arch_irq_mask();
}

static bool timer_setup(struct timer_ops *t, uint32_t intid, enum rearm rearm, uint32_t stop_after)
{
	if (gic_init() != GIC_OK) {
		TEST_FAIL("GIC set-up failed");
		return false;
	}
	t->intid = intid;
	tt.t = t;
	tt.rearm = rearm;
	tt.stop_after = stop_after;
	tt.period = timer_ms_to_ticks(PERIOD_MS);
	tt.count = tt.not_asserted = 0;
	tt.active_in_handler = tt.pending_in_handler = tt.pending_after_mask = false;
	t->ctl_write(0);
	arch_isb();
	irq_set_handler(intid, timer_handler);
	gic_private_irq_enable(intid, IRQ_PRIORITY);
	return true;
}

static void timer_teardown(const struct timer_ops *t)
{
	t->ctl_write(0);
	arch_isb();
	gic_private_irq_disable(t->intid);
	irq_set_handler(t->intid, 0);
}

/* N ticks, each re-armed by the handler through CVAL or TVAL only. */
static void timer_rearm_test(struct timer_ops *t, uint32_t intid, enum rearm rearm)
{
	uint32_t unexpected = irq_unexpected_count();

	if (!timer_setup(t, intid, rearm, REARM_TICKS))
		return;
	arch_irq_mask();
	t->cval_write(t->now() + tt.period);
	t->ctl_write(CNTV_CTL_ENABLE);
	arch_isb();
	wait_count(&tt.count, REARM_TICKS, WAIT_MS * REARM_TICKS, false);
	rt_printf("  %s, re-armed through %s: %u of %u ticks\n", t->name,
		  rearm == REARM_CVAL ? "CVAL" : "TVAL", tt.count, REARM_TICKS);
	EXPECT_EQ(tt.count, REARM_TICKS);
	EXPECT_EQ(tt.not_asserted, 0);
	if (tt.count)
		EXPECT_GE(tt.first_entry, tt.first_cval);   /* never early */
	irq_window(QUIET_MS);                               /* masked now: no more */
	EXPECT_EQ(tt.count, REARM_TICKS);
	timer_teardown(t);
	EXPECT_EQ(irq_unexpected_count(), unexpected);
}

/* A level that stays high fires again after each EOI; the handler's state. */
static void timer_level_test(struct timer_ops *t, uint32_t intid)
{
	if (!timer_setup(t, intid, REARM_NONE, LEVEL_REFIRES))
		return;
	arch_irq_mask();
	t->cval_write(t->now());
	t->ctl_write(CNTV_CTL_ENABLE);
	arch_isb();
	wait_count(&tt.count, LEVEL_REFIRES, WAIT_MS, false);
	irq_window(QUIET_MS);
	rt_printf("  %s: %u entries while the level stayed high (want %u)\n", t->name, tt.count,
		  LEVEL_REFIRES);
	EXPECT_EQ(tt.count, LEVEL_REFIRES);
	EXPECT_EQ(tt.not_asserted, 0);
	EXPECT_TRUE(tt.active_in_handler);      /* ISACTIVER while handled */
	EXPECT_TRUE(tt.pending_in_handler);     /* level still high: active and pending */
	EXPECT_FALSE(gic_private_irq_active(intid));
	EXPECT_FALSE(gic_private_irq_pending(intid));   /* masked: level low */
	timer_teardown(t);
}

/* An interrupt pending while the PPI is disabled goes away with the level. */
static void timer_drop_test(struct timer_ops *t, uint32_t intid, uint64_t off_ctl)
{
	if (!timer_setup(t, intid, REARM_NONE, 1))
		return;
	gic_private_irq_disable(intid);
	arch_irq_mask();
	t->cval_write(t->now());
	t->ctl_write(CNTV_CTL_ENABLE);
	arch_isb();
	irq_window(SETTLE_MS);          /* the PPI is disabled: nothing is taken */
	EXPECT_TRUE(t->ctl_read() & CNTV_CTL_ISTATUS);
	EXPECT_TRUE(gic_private_irq_pending(intid));
	t->ctl_write(off_ctl);
	arch_isb();
	EXPECT_FALSE(gic_private_irq_pending(intid));
	gic_private_irq_enable(intid, IRQ_PRIORITY);
	irq_window(QUIET_MS);
	rt_printf("  %s: CTL %lx with the interrupt pending, then enabled: %u interrupts\n",
		  t->name, off_ctl, tt.count);
	EXPECT_EQ(tt.count, 0);
	timer_teardown(t);
}

TEST(vtimer_rearm_cval)
{
	timer_rearm_test(&vtimer_ops, platform_get()->vtimer_intid, REARM_CVAL);
}

TEST(vtimer_rearm_tval)
{
	timer_rearm_test(&vtimer_ops, platform_get()->vtimer_intid, REARM_TVAL);
}

TEST(vtimer_level)
{
	timer_level_test(&vtimer_ops, platform_get()->vtimer_intid);
}

TEST(vtimer_disabled_not_pending)
{
	timer_drop_test(&vtimer_ops, platform_get()->vtimer_intid, 0);
	timer_drop_test(&vtimer_ops, platform_get()->vtimer_intid, CNTV_CTL_ENABLE | CNTV_CTL_IMASK);
}

/* The virtual timer deactivated through GICR/GICD_ICACTIVER0 instead of an EOI,
 * as a kernel started by kexec or a crash kernel does for what its
 * predecessor left active (and Linux for every PPI at CPU bring-up).  With
 * EOImode 1, EOIR drops the priority only: the interrupt stays active until
 * the write, is not active after it, and, its line still high, fires again.
 * Before tofu honoured the write, the physical PPI stayed active for good
 * and the timer never fired again (issue 8, item 3). */
TEST(vtimer_icactiver)
{
	uint32_t intid = platform_get()->vtimer_intid, acked = 0;
	uint64_t deadline, iar;
	bool was_split;

	if (!timer_setup(&vtimer_ops, intid, REARM_NONE, 1))
		return;
	arch_irq_mask();
	was_split = gic_eoi_split(true);
	vtimer_ops.cval_write(vtimer_ops.now());
	vtimer_ops.ctl_write(CNTV_CTL_ENABLE);
	arch_isb();
	deadline = timer_now() + timer_ms_to_ticks(WAIT_MS);
	while (!gic_private_irq_pending(intid) && timer_now() < deadline)
		;
	iar = gic_ack();
	acked = gic_iar_intid(iar);
	EXPECT_EQ(acked, intid);
	if (acked == intid) {
		gic_eoi(iar);                           /* the priority dropped, still active */
		EXPECT_TRUE(gic_private_irq_active(intid));
		gic_private_irq_deactivate(intid);
		EXPECT_FALSE(gic_private_irq_active(intid));
	}
	gic_eoi_split(was_split);
	wait_count(&tt.count, 1, WAIT_MS, false);
	rt_printf("  vtimer: acked INTID %u, deactivated by ICACTIVER0, then %u interrupt(s)\n", acked, tt.count);
	EXPECT_EQ(tt.count, 1);
	timer_teardown(&vtimer_ops);
}

/* A tick that comes while the guest keeps IRQs masked for a long while
 * (150 ms, its GICR read over and over, each read an exit) is pending all
 * that time and is taken once, at the first unmask: late, never lost. */
#define MASKED_MS 150
TEST(vtimer_masked_wait)
{
	uint32_t intid = platform_get()->vtimer_intid;
	uint64_t end;
	bool pending = true;

	if (!timer_setup(&vtimer_ops, intid, REARM_NONE, 1))
		return;
	arch_irq_mask();
	vtimer_ops.cval_write(vtimer_ops.now());
	vtimer_ops.ctl_write(CNTV_CTL_ENABLE);
	arch_isb();
	end = timer_now() + timer_ms_to_ticks(MASKED_MS);
	while (timer_now() < end)
		pending &= gic_private_irq_pending(intid);
	EXPECT_TRUE(pending);
	EXPECT_EQ(tt.count, 0);
	arch_irq_unmask();
	arch_isb();
	arch_irq_mask();
	rt_printf("  vtimer: pending through %u ms with IRQs masked: %d, then %u interrupt(s) at the first unmask\n",
		  MASKED_MS, pending, tt.count);
	EXPECT_EQ(tt.count, 1);
	irq_window(QUIET_MS);
	EXPECT_EQ(tt.count, 1);
	timer_teardown(&vtimer_ops);
}

/* The EL1 physical timer's registers, as the Arm ARM (D12.2.4) has them. */
TEST(ptimer_registers)
{
	const uint64_t ahead = timer_ms_to_ticks(WAIT_MS);
	struct fault_record rec;
	uint64_t ctl, before, cval;
	int32_t tval;

	exc_probe_begin();
	ctl = sysreg_read_cntp_ctl_el0();
	rec = exc_probe_end();
	if (rec.count) {
		TEST_FAIL("CNTP_CTL_EL0 read raised an exception (ESR %lx)", rec.esr);
		return;
	}
	rt_printf("  CNTP_CTL_EL0 %lx at start\n", ctl);
	EXPECT_EQ(ctl & CNTP_CTL_ENABLE, 0);

	sysreg_write_cntp_ctl_el0(CNTP_CTL_ENABLE | CNTP_CTL_IMASK);
	before = arch_phys_counter_read();
	sysreg_write_cntp_tval_el0(ahead);
	cval = sysreg_read_cntp_cval_el0();
	EXPECT_GE(cval, before + ahead);                 /* CVAL = CNTPCT + TVAL */
	EXPECT_LT(cval, arch_phys_counter_read() + ahead + 1);
	tval = (int32_t)sysreg_read_cntp_tval_el0();
	EXPECT_TRUE(tval > 0 && (uint64_t)tval <= ahead);
	EXPECT_EQ(sysreg_read_cntp_ctl_el0() & CNTP_CTL_ISTATUS, 0);

	sysreg_write_cntp_cval_el0(arch_phys_counter_read() - 1);
	arch_isb();
	ctl = sysreg_read_cntp_ctl_el0();
	EXPECT_EQ(ctl, CNTP_CTL_ENABLE | CNTP_CTL_IMASK | CNTP_CTL_ISTATUS);
	EXPECT_TRUE((int32_t)sysreg_read_cntp_tval_el0() < 0);   /* deadline passed */
	sysreg_write_cntp_ctl_el0(0);
	arch_isb();
	EXPECT_EQ(sysreg_read_cntp_ctl_el0() & (CNTP_CTL_ENABLE | CNTP_CTL_IMASK), 0);
}

/* Interrupts from the physical timer: polled, then waking WFI. */
TEST(ptimer_irq)
{
	const uint32_t intid = platform_get()->ptimer_intid;
	uint32_t unexpected = irq_unexpected_count();

	for (unsigned round = 0; round < 2; round++) {
		bool use_wfi = round > 0;

		if (!timer_setup(&ptimer_ops, intid, REARM_NONE, 1))
			return;
		arch_irq_mask();
		sysreg_write_cntp_tval_el0(tt.period);
		sysreg_write_cntp_ctl_el0(CNTP_CTL_ENABLE);
		arch_isb();
		wait_count(&tt.count, 1, WAIT_MS, use_wfi);
		rt_printf("  ptimer round %u (%s): %u interrupt(s), entry - CVAL = %ld ticks\n",
			  round, use_wfi ? "wfi" : "poll", tt.count,
			  (int64_t)(tt.first_entry - tt.first_cval));
		EXPECT_EQ(tt.count, 1);
		EXPECT_EQ(tt.not_asserted, 0);
		EXPECT_GE(tt.first_entry, tt.first_cval);
		timer_teardown(&ptimer_ops);
	}
	EXPECT_EQ(irq_unexpected_count(), unexpected);
}

TEST(ptimer_rearm_cval)
{
	timer_rearm_test(&ptimer_ops, platform_get()->ptimer_intid, REARM_CVAL);
}

TEST(ptimer_rearm_tval)
{
	timer_rearm_test(&ptimer_ops, platform_get()->ptimer_intid, REARM_TVAL);
}

TEST(ptimer_level)
{
	timer_level_test(&ptimer_ops, platform_get()->ptimer_intid);
}

TEST(ptimer_disabled_not_pending)
{
	timer_drop_test(&ptimer_ops, platform_get()->ptimer_intid, 0);
	timer_drop_test(&ptimer_ops, platform_get()->ptimer_intid, CNTP_CTL_ENABLE | CNTP_CTL_IMASK);
}

/* ---- a level device cleared in its handler: one interrupt ---- */

static struct {
	volatile uint32_t count, without_cause;
} rtc_irq;

static void rtc_handler(uint32_t intid, uint64_t entry_ticks)
{
	uintptr_t rtc = platform_get()->rtc_base;

	(void)intid;
	(void)entry_ticks;
	if (!(mmio_read32(rtc + PL031_MIS) & PL031_INT_ALARM))
		rtc_irq.without_cause = rtc_irq.without_cause + 1;
	mmio_write32(rtc + PL031_ICR, PL031_INT_ALARM);
	rtc_irq.count = rtc_irq.count + 1;
}

TEST(rtc_one_interrupt)
{
	const struct platform *p = platform_get();
	uintptr_t rtc = p->rtc_base;
	unsigned attempt;

	if (!rtc) {
		rt_printf("  no PL031 in this machine: nothing to test\n");
		return;
	}
	if (gic_init() != GIC_OK) {
		TEST_FAIL("GIC set-up failed");
		return;
	}
	rtc_irq.count = rtc_irq.without_cause = 0;
	irq_set_handler(p->rtc_intid, rtc_handler);
	mmio_write32(rtc + PL031_IMSC, 0);
	mmio_write32(rtc + PL031_ICR, PL031_INT_ALARM);
	gic_spi_enable(p->rtc_intid, IRQ_PRIORITY);
	mmio_write32(rtc + PL031_IMSC, PL031_INT_ALARM);
	/* A match register equal to the count raises the alarm at once; the
	 * count may move on between the read and the write, so try again. */
	for (attempt = 0; attempt < RTC_ATTEMPTS && rtc_irq.count == 0; attempt++) {
		mmio_write32(rtc + PL031_MR, mmio_read32(rtc + PL031_DR));
		wait_count(&rtc_irq.count, 1, WAIT_MS, false);
	}
	irq_window(QUIET_MS);
	rt_printf("  PL031 at %lx, INTID %u: %u interrupt(s), %u without MIS set\n", rtc,
		  p->rtc_intid, rtc_irq.count, rtc_irq.without_cause);
	EXPECT_EQ(rtc_irq.count, 1);
	EXPECT_EQ(rtc_irq.without_cause, 0);
	EXPECT_FALSE(gic_spi_pending(p->rtc_intid));
	EXPECT_FALSE(gic_spi_active(p->rtc_intid));

	/* Raised while IRQs are masked, then cleared by polling: once the
	 * distributor shows it no longer pending, it is not taken. */
	rtc_irq.count = 0;
	arch_irq_mask();
	for (attempt = 0; attempt < RTC_ATTEMPTS; attempt++) {
		uint64_t deadline = timer_now() + timer_ms_to_ticks(WAIT_MS);

		mmio_write32(rtc + PL031_MR, mmio_read32(rtc + PL031_DR));
		while (!(mmio_read32(rtc + PL031_RIS) & PL031_INT_ALARM) && timer_now() < deadline)
			;
		if (mmio_read32(rtc + PL031_RIS) & PL031_INT_ALARM)
			break;
	}
	EXPECT_TRUE(mmio_read32(rtc + PL031_RIS) & PL031_INT_ALARM);
	{
		uint64_t settle = timer_now() + timer_ms_to_ticks(SETTLE_MS);

		while (timer_now() < settle)   /* masked: it reaches the CPU, not the handler */
			;
	}
	EXPECT_TRUE(gic_spi_pending(p->rtc_intid));
	mmio_write32(rtc + PL031_ICR, PL031_INT_ALARM);
	EXPECT_FALSE(gic_spi_pending(p->rtc_intid));
	irq_window(QUIET_MS);
	rt_printf("  cleared while masked: %u interrupt(s)\n", rtc_irq.count);
	EXPECT_EQ(rtc_irq.count, 0);
	mmio_write32(rtc + PL031_IMSC, 0);
	gic_spi_disable(p->rtc_intid);
	irq_set_handler(p->rtc_intid, 0);
}

/* ---- an emulated level device: the PL011's TX interrupt ---- */

static struct {
	volatile uint32_t count;
	uint32_t clear_at;              /* clear the cause on this entry */
} uart_irq;

static void uart_handler(uint32_t intid, uint64_t entry_ticks)
{
	uintptr_t uart = platform_get()->uart_base;

	(void)intid;
	(void)entry_ticks;
	uart_irq.count = uart_irq.count + 1;
	if (uart_irq.count >= uart_irq.clear_at)
		mmio_write32(uart + PL011_IMSC, 0);
}

TEST(uart_level)
{
	const struct platform *p = platform_get();
	uintptr_t uart = p->uart_base;
	uint32_t unexpected = irq_unexpected_count();

	if (gic_init() != GIC_OK) {
		TEST_FAIL("GIC set-up failed");
		return;
	}
	arch_irq_mask();
	uart_irq.count = 0;
	uart_irq.clear_at = 2;
	irq_set_handler(p->uart_intid, uart_handler);
	gic_spi_enable(p->uart_intid, IRQ_PRIORITY);
	rt_printf("  UART INTID %u, RIS %x\n", p->uart_intid, mmio_read32(uart + PL011_RIS));
	if (!(mmio_read32(uart + PL011_RIS) & PL011_INT_TX)) {
		TEST_FAIL("TX interrupt not raised after output");
		goto out;
	}
	/* Raise the line, then lower it before the interrupt is taken. */
	mmio_write32(uart + PL011_IMSC, PL011_INT_TX);
	EXPECT_TRUE(gic_spi_pending(p->uart_intid));
	mmio_write32(uart + PL011_IMSC, 0);
	EXPECT_FALSE(gic_spi_pending(p->uart_intid));
	irq_window(QUIET_MS);
	EXPECT_EQ(uart_irq.count, 0);

	/* Raised again and left high through the first EOI: taken twice. */
	mmio_write32(uart + PL011_IMSC, PL011_INT_TX);
	irq_window(QUIET_MS);
	EXPECT_EQ(uart_irq.count, 2);
	EXPECT_FALSE(gic_spi_pending(p->uart_intid));
	EXPECT_FALSE(gic_spi_active(p->uart_intid));
out:
	mmio_write32(uart + PL011_IMSC, 0);
	gic_spi_disable(p->uart_intid);
	irq_set_handler(p->uart_intid, 0);
	EXPECT_EQ(irq_unexpected_count(), unexpected);
}

const struct test_case bmtest_irq_cases[] = {
	TEST_CASE(vtimer_rearm_cval),
	TEST_CASE(vtimer_rearm_tval),
	TEST_CASE(vtimer_level),
	TEST_CASE(vtimer_disabled_not_pending),
	TEST_CASE(vtimer_icactiver),
	TEST_CASE(vtimer_masked_wait),
	TEST_CASE(ptimer_registers),
	TEST_CASE(ptimer_irq),
	TEST_CASE(ptimer_rearm_cval),
	TEST_CASE(ptimer_rearm_tval),
	TEST_CASE(ptimer_level),
	TEST_CASE(ptimer_disabled_not_pending),
	TEST_CASE(rtc_one_interrupt),
	TEST_CASE(uart_level),
};
const unsigned bmtest_irq_count = sizeof(bmtest_irq_cases) / sizeof(bmtest_irq_cases[0]);
