/* SPDX-License-Identifier: MIT */
/*
 * bmtest, the CPU's own state as a guest sees it, the same under tofu as on
 * bare QEMU virt except where docs/virtual-hardware.md says otherwise:
 *  - IMPLEMENTATION DEFINED registers UNDEF (under tofu also those QEMU
 *    implements for its Cortex-A57: they belong to the physical CPU);
 *  - RAS: no error record (ERRIDR_EL1.NUM = 0; ERRSELR_EL1 and ERX*_EL1
 *    UNDEF, as QEMU does), or UNDEF where the CPU has no FEAT_RAS;
 *  - the PMU: reset state at start, counters that count, an overflow that
 *    raises PPI 23;
 *  - the debug registers: written values read back, a breakpoint fires;
 *  - MTE where ID_AA64PFR1_EL1 shows tag storage: tags set and checked on
 *    the guest's RAM, a mismatch faults synchronously.
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
#include "rt/smccc.h"
#include "rt/test.h"
#include "rt/timer.h"
#include "bmtest.h"

#define READ_SYSREG(r) ({ uint64_t v_; __asm__ volatile("mrs %0, " #r : "=r"(v_) : : "memory"); v_; })
#define WRITE_SYSREG(r, v) __asm__ volatile("msr " #r ", %0" : : "r"((uint64_t)(v)) : "memory")

#define PROBE_POISON       0x5a5a5a5a5a5a5a5aul
/* An MRS or MSR inside a fault probe: an UNDEF is recorded and skipped. */
#define PROBE_MRS(r, out) ({ uint64_t v_ = PROBE_POISON; exc_probe_begin(); \
	__asm__ volatile("mrs %0, " #r : "+r"(v_) : : "memory"); *(out) = v_; exc_probe_end(); })
#define PROBE_MSR(r, v) ({ exc_probe_begin(); \
	__asm__ volatile("msr " #r ", %0" : : "r"((uint64_t)(v)) : "memory"); exc_probe_end(); })

#define IRQ_PRIORITY       0x80
#define WAIT_MS            2000    /* ends at the interrupt: generous for a loaded host */
#define QUIET_MS           20
#define SWINC_COUNT        3
#define BUSY_LOOPS         20000
#define OVERFLOW_IN_CYCLES 100000ul    /* PMCCNTR this far below 2^64 */
#define EL2_PROBE_CALLS    200          /* HVCs per measurement */
#define EL2_SLACK_PER_CALL 4            /* what NSH may add per HVC: EL2 adds 100s */
#define DBG_TEST_ADDR      0x40001000ul
#define DBG_TEST_WADDR     0x40002000ul
#define RESTART_MARK       0x7e57ab1eu  /* in the PL031's match register */
#define DIRTY_TAG          5ul

static unsigned id_field(uint64_t reg, unsigned shift)
{
	return (unsigned)((reg >> shift) & ID_FIELD_MASK);
}

/* A register reads as the value it has at reset. */
#define EXPECT_RESET(r, mask, want) expect_reg(#r, READ_SYSREG(r) & (mask), want)

static void expect_reg(const char *name, uint64_t v, uint64_t want)
{
	if (v != want)
		TEST_FAIL("%s reads %lx, at reset %lx", name, v, want);
}

static bool is_undef(struct fault_record rec)
{
	return rec.count == 1 && esr_ec(rec.esr) == ESR_EC_UNKNOWN;
}

static void expect_undef(const char *what, struct fault_record rec)
{
	if (!is_undef(rec))
		TEST_FAIL("%s: %u exception(s), ESR %lx: expected one UNDEF", what, rec.count, rec.esr);
}

static void expect_no_fault(const char *what, struct fault_record rec)
{
	if (rec.count)
		TEST_FAIL("%s: exception, ESR %lx (EC 0x%02x)", what, rec.esr, esr_ec(rec.esr));
}

static bool under_tofu(void)
{
	struct smccc_res res = smccc_hvc(TOFU_HC_CALL_UID, 0, 0, 0);

	return (uint32_t)res.a0 == TOFU_UID_0 && (uint32_t)res.a1 == TOFU_UID_1;
}

static void busy(unsigned loops)
{
	for (volatile unsigned i = 0; i < loops; i++)
		;
}

static bool restarted;          /* this is the run after bmtest_cpu_restart() */

/* MTE set-up, below: an identity map with RAM Tagged, tag checks on. */
static uint64_t mte_mmu_on(void);
static void mte_mmu_off(uint64_t sctlr);
static uint8_t mte_buf[4 * MTE_GRANULE] __attribute__((aligned(MTE_GRANULE)));
#define MTE_ASM(insns) ".arch armv8.5-a+memtag\n\t" insns "\n\t.arch armv8-a"

static bool mte_present(void)
{
	return id_field(READ_SYSREG(id_aa64pfr1_el1), ID_PFR1_MTE_SHIFT) >= ID_PFR1_MTE_MTE2;
}

static bool ras_present(void)
{
	return id_field(READ_SYSREG(id_aa64pfr0_el1), ID_PFR0_RAS_SHIFT) != 0;
}

static bool pmu_present(void)
{
	unsigned ver = id_field(READ_SYSREG(id_aa64dfr0_el1), ID_DFR0_PMUVER_SHIFT);

	return ver != 0 && ver != ID_DFR0_PMUVER_IMPDEF;
}

/*
 * Once per boot, before the suite: leave the PMU counting with an overflow
 * flagged, breakpoints and a watchpoint enabled, the OS lock open, a tag on
 * the guest's RAM, then reset the machine (PSCI SYSTEM_RESET: under tofu a
 * restart of the VM alone).  The suite then runs in the second run, whose
 * first test checks that none of it survived.  The PL031's match register,
 * which neither tofu nor QEMU resets, tells the two runs apart.
 */
void bmtest_cpu_restart(void)
{
	uintptr_t rtc = platform_get()->rtc_base;

	if (!rtc)
		return;
	if (mmio_read32(rtc + PL031_MR) == RESTART_MARK) {
		mmio_write32(rtc + PL031_MR, 0);
		restarted = true;
		rt_printf("bmtest: restarted, PMU and debug state of the first run left behind\n");
		return;
	}
	if (pmu_present()) {
		WRITE_SYSREG(pmevtyper0_el0, PMU_EVT_SW_INCR);
		WRITE_SYSREG(pmcntenset_el0, PMU_CYCLE_BIT | HW_BIT(0));
		WRITE_SYSREG(pmcr_el0, PMCR_E | PMCR_LC);
		arch_isb();
		WRITE_SYSREG(pmswinc_el0, HW_BIT(0));
		WRITE_SYSREG(pmovsset_el0, HW_BIT(0));
		WRITE_SYSREG(pmintenset_el1, HW_BIT(0));
		WRITE_SYSREG(pmuserenr_el0, 1);
		WRITE_SYSREG(pmccfiltr_el0, HW_BIT(31));
	}
	WRITE_SYSREG(oslar_el1, 0);
	WRITE_SYSREG(dbgbvr0_el1, DBG_TEST_ADDR);
	WRITE_SYSREG(dbgbcr0_el1, DBGBCR_BAS_A64 | DBGBCR_PMC_EL1 | DBGBCR_E);
	WRITE_SYSREG(dbgwvr0_el1, DBG_TEST_WADDR);
	WRITE_SYSREG(dbgwcr0_el1, DBGWCR_BAS_8 | DBGWCR_LSC_RW | DBGWCR_PAC_EL1_EL0 | DBGBCR_E);
	WRITE_SYSREG(mdscr_el1, MDSCR_MDE);
	if (ras_present())
		WRITE_SYSREG(S3_0_C12_C1_1, DISR_A);     /* DISR_EL1: a deferred SError recorded */
	if (mte_present()) {
		uint64_t sctlr = mte_mmu_on();
		uint64_t p = (uint64_t)(uintptr_t)mte_buf | (DIRTY_TAG << MTE_TAG_SHIFT);

		__asm__ volatile(MTE_ASM("stg %0, [%0]") : : "r"(p) : "memory");
		mte_mmu_off(sctlr);
	}
	arch_isb();
	mmio_write32(rtc + PL031_MR, RESTART_MARK);
	rt_printf("bmtest: PMU, debug and MTE state set; resetting (PSCI SYSTEM_RESET)\n");
	smccc_hvc(PSCI_SYSTEM_RESET_FID, 0, 0, 0);
	rt_printf("bmtest: SYSTEM_RESET returned\n");
}

/* ---- IMPLEMENTATION DEFINED registers ---- */

TEST(imp_def_undef)
{
	uint64_t v;

	/* Unallocated in the IMP DEF space everywhere. */
	expect_undef("read of S3_0_C15_C0_0", PROBE_MRS(S3_0_C15_C0_0, &v));
	expect_undef("write of S3_0_C15_C0_0", PROBE_MSR(S3_0_C15_C0_0, 0));
	if (!under_tofu()) {
		struct fault_record rec = PROBE_MRS(S3_1_C15_C2_0, &v);

		rt_printf("  native: CPUACTLR_EL1 %s\n", rec.count ? "UNDEF" : "readable");
		return;
	}
	/* Registers QEMU gives its Cortex-A57 (and max): the physical CPU's. */
	expect_undef("read of S3_1_C15_C2_0 (CPUACTLR_EL1)", PROBE_MRS(S3_1_C15_C2_0, &v));
	expect_undef("write of S3_1_C15_C2_0 (CPUACTLR_EL1)", PROBE_MSR(S3_1_C15_C2_0, 0));
	expect_undef("read of S3_1_C11_C0_2 (L2CTLR_EL1)", PROBE_MRS(S3_1_C11_C0_2, &v));
}

/* ---- RAS error records ---- */

TEST(ras_registers)
{
	unsigned ras = id_field(READ_SYSREG(id_aa64pfr0_el1), ID_PFR0_RAS_SHIFT);
	uint64_t v;

	rt_printf("  ID_AA64PFR0_EL1.RAS %u\n", ras);
	if (!ras) {
		expect_undef("read of ERRIDR_EL1", PROBE_MRS(S3_0_C5_C3_0, &v));
		expect_undef("write of ERRSELR_EL1", PROBE_MSR(S3_0_C5_C3_1, 0));
		return;
	}
	/* FEAT_RAS with no error record: NUM = 0, and nothing to select. */
	expect_no_fault("read of ERRIDR_EL1", PROBE_MRS(S3_0_C5_C3_0, &v));
	EXPECT_EQ(v, 0);
	expect_undef("write of ERRIDR_EL1 (read-only)", PROBE_MSR(S3_0_C5_C3_0, 1));
	expect_undef("write of ERRSELR_EL1", PROBE_MSR(S3_0_C5_C3_1, 0));
	expect_undef("read of ERXSTATUS_EL1", PROBE_MRS(S3_0_C5_C4_2, &v));
	expect_undef("read of ERXMISC0_EL1", PROBE_MRS(S3_0_C5_C5_0, &v));
}

/* ---- PMU ---- */

static void pmu_off(void)
{
	WRITE_SYSREG(pmintenclr_el1, PMU_ALL);
	WRITE_SYSREG(pmcntenclr_el0, PMU_ALL);
	WRITE_SYSREG(pmcr_el0, PMCR_P | PMCR_C);
	WRITE_SYSREG(pmovsclr_el0, PMU_ALL);
	arch_isb();
}

/* Nothing of the first run (bmtest_cpu_restart) shows: every enable, flag,
 * filter and counter reads as at reset. */
TEST(pmu_debug_reset_state)
{
	uint64_t pmcr;

	if (!restarted)
		TEST_FAIL("not the run after a reset: the first run's state is not checked");
	EXPECT_RESET(mdscr_el1, ~0ul, 0);
	EXPECT_RESET(dbgbcr0_el1, DBGBCR_E, 0);
	EXPECT_RESET(dbgwcr0_el1, DBGBCR_E, 0);
	EXPECT_RESET(dbgbvr0_el1, ~0ul, 0);
	EXPECT_RESET(dbgwvr0_el1, ~0ul, 0);
	EXPECT_RESET(oslsr_el1, OSLSR_OSLK, OSLSR_OSLK);   /* locked at reset */
	if (ras_present())
		EXPECT_RESET(S3_0_C12_C1_1, ~0ul, 0);          /* DISR_EL1 */
	if (mte_present() && under_tofu()) {
		/* tofu clears a restarted VM's RAM, tags included (QEMU's reset
		 * does not touch RAM). */
		uint64_t sctlr = mte_mmu_on(), p = (uint64_t)(uintptr_t)mte_buf, loaded = p;

		__asm__ volatile(MTE_ASM("ldg %0, [%1]") : "+r"(loaded) : "r"(p) : "memory");
		mte_mmu_off(sctlr);
		expect_reg("allocation tag of a granule tagged in the first run",
			   loaded >> MTE_TAG_SHIFT, 0);
	}
	if (!pmu_present()) {
		rt_printf("  no PMUv3\n");
		return;
	}
	pmcr = READ_SYSREG(pmcr_el0);
	rt_printf("  PMCR_EL0 %lx (N = %lu), PMUVer %u\n", pmcr, (pmcr >> PMCR_N_SHIFT) & PMCR_N_MASK,
		  id_field(READ_SYSREG(id_aa64dfr0_el1), ID_DFR0_PMUVER_SHIFT));
	EXPECT_RESET(pmcr_el0, PMCR_CONTROLS, 0);
	EXPECT_RESET(pmcntenset_el0, ~0ul, 0);
	EXPECT_RESET(pmintenset_el1, ~0ul, 0);
	EXPECT_RESET(pmovsset_el0, ~0ul, 0);
	EXPECT_RESET(pmuserenr_el0, ~0ul, 0);
	EXPECT_RESET(pmccfiltr_el0, ~0ul, 0);
	EXPECT_RESET(pmevcntr0_el0, ~0ul, 0);
	EXPECT_RESET(pmccntr_el0, ~0ul, 0);
}

TEST(pmu_counters)
{
	uint64_t cyc0, cyc, ev1, frozen;

	if (!pmu_present())
		return;
	pmu_off();
	WRITE_SYSREG(pmccfiltr_el0, 0);                 /* count at EL1 and EL0 */
	WRITE_SYSREG(pmevtyper0_el0, PMU_EVT_SW_INCR);
	WRITE_SYSREG(pmevtyper1_el0, PMU_EVT_CPU_CYCLES);
	WRITE_SYSREG(pmcntenset_el0, PMU_CYCLE_BIT | HW_BIT(0) | HW_BIT(1));
	WRITE_SYSREG(pmcr_el0, PMCR_E | PMCR_LC);
	arch_isb();
	cyc0 = READ_SYSREG(pmccntr_el0);
	for (unsigned i = 0; i < SWINC_COUNT; i++)
		WRITE_SYSREG(pmswinc_el0, HW_BIT(0));
	busy(BUSY_LOOPS);
	arch_isb();
	cyc = READ_SYSREG(pmccntr_el0);
	ev1 = READ_SYSREG(pmevcntr1_el0);
	rt_printf("  cycles %lu, CPU_CYCLES event %lu, SW_INCR %lu\n", cyc - cyc0, ev1,
		  READ_SYSREG(pmevcntr0_el0));
	EXPECT_EQ(READ_SYSREG(pmevcntr0_el0), SWINC_COUNT);
	EXPECT_GE(cyc, cyc0 + 1);
	EXPECT_NE(ev1, 0);
	/* Disabled, a counter holds its value. */
	WRITE_SYSREG(pmcntenclr_el0, PMU_ALL);
	arch_isb();
	frozen = READ_SYSREG(pmccntr_el0);
	busy(BUSY_LOOPS);
	EXPECT_EQ(READ_SYSREG(pmccntr_el0), frozen);
	pmu_off();
}

/* What the cycle counter and event counter 0 (INST_RETIRED) count across
 * EL2_PROBE_CALLS hypercalls, both filtered with `filter`. */
static void count_hvcs(uint64_t filter, uint64_t *cycles, uint64_t *insns)
{
	pmu_off();
	WRITE_SYSREG(pmccfiltr_el0, filter);
	WRITE_SYSREG(pmevtyper0_el0, PMU_EVT_INST_RETIRED | filter);
	WRITE_SYSREG(pmcntenset_el0, PMU_CYCLE_BIT | HW_BIT(0));
	WRITE_SYSREG(pmcr_el0, PMCR_E | PMCR_LC);
	arch_isb();
	for (unsigned i = 0; i < EL2_PROBE_CALLS; i++)
		smccc_hvc(TOFU_HC_CALL_COUNT, 0, 0, 0);
	WRITE_SYSREG(pmcntenclr_el0, PMU_ALL);
	arch_isb();
	*cycles = READ_SYSREG(pmccntr_el0);
	*insns = READ_SYSREG(pmevcntr0_el0);
	pmu_off();
}

/*
 * A guest that asks its counters to count at EL2 too (the NSH filter bit)
 * still counts only itself: MDCR_EL2.HPMD stops the event counters at EL2
 * (PMUv3p1), HCCD the cycle counter (PMUv3p5).  Exact counts need
 * INST_RETIRED, which QEMU implements only under -icount (where the cycle
 * counter counts instructions too); without it the test says so and
 * checks nothing.  Natively there is no EL2 and NSH changes nothing.
 */
TEST(pmu_excludes_el2)
{
	unsigned ver = id_field(READ_SYSREG(id_aa64dfr0_el1), ID_DFR0_PMUVER_SHIFT);
	const uint64_t slack = EL2_PROBE_CALLS * EL2_SLACK_PER_CALL;
	uint64_t cyc, insns, cyc_nsh, insns_nsh;

	if (!pmu_present() || ver < ID_DFR0_PMUVER_V3P1) {
		rt_printf("  PMUv3 before v3p1: nothing keeps NSH from counting EL2\n");
		return;
	}
	if (!(READ_SYSREG(pmceid0_el0) & HW_BIT(PMU_EVT_INST_RETIRED))) {
		rt_printf("  no INST_RETIRED (QEMU without -icount): not measured\n");
		return;
	}
	count_hvcs(0, &cyc, &insns);
	count_hvcs(PMU_FILTER_NSH, &cyc_nsh, &insns_nsh);
	rt_printf("  %u HVCs: INST_RETIRED %lu, with NSH %lu; cycles %lu, with NSH %lu\n",
		  EL2_PROBE_CALLS, insns, insns_nsh, cyc, cyc_nsh);
	EXPECT_LE(insns_nsh, insns + slack);
	if (ver >= ID_DFR0_PMUVER_V3P5)
		EXPECT_LE(cyc_nsh, cyc + slack);
}

static struct {
	volatile uint32_t count, intid;
	volatile uint64_t ovs;
} pmu_irq;

static void pmu_handler(uint32_t intid, uint64_t entry_ticks)
{
	(void)entry_ticks;
	pmu_irq.intid = intid;
	pmu_irq.ovs = READ_SYSREG(pmovsset_el0);
	WRITE_SYSREG(pmovsclr_el0, PMU_CYCLE_BIT);    /* drop the level before EOI */
	arch_isb();
	pmu_irq.count = pmu_irq.count + 1;
}

TEST(pmu_overflow_irq)
{
	uint32_t unexpected = irq_unexpected_count();
	enum gic_status st;

	if (!pmu_present())
		return;
	st = gic_init();
	if (st != GIC_OK) {
		TEST_FAIL("GIC set-up failed: %s", gic_status_name(st));
		return;
	}
	pmu_off();
	pmu_irq.count = 0;
	irq_set_handler(VIRT_PMU_INTID, pmu_handler);
	gic_private_irq_enable(VIRT_PMU_INTID, IRQ_PRIORITY);
	WRITE_SYSREG(pmccfiltr_el0, 0);
	WRITE_SYSREG(pmccntr_el0, 0ul - OVERFLOW_IN_CYCLES);
	WRITE_SYSREG(pmintenset_el1, PMU_CYCLE_BIT);
	WRITE_SYSREG(pmcntenset_el0, PMU_CYCLE_BIT);
	WRITE_SYSREG(pmcr_el0, PMCR_E | PMCR_LC);
	arch_isb();
	if (!bmtest_wait_irqs(&pmu_irq.count, 1, false, timer_ms_to_ticks(WAIT_MS)))
		TEST_FAIL("no PMU overflow IRQ: PMOVSSET %lx, PPI %u pending in the GIC %d",
			  READ_SYSREG(pmovsset_el0), VIRT_PMU_INTID,
			  gic_private_irq_pending(VIRT_PMU_INTID));
	/* Cleared by the handler: no second interrupt. */
	bmtest_wait_irqs(&pmu_irq.count, 2, false, timer_ms_to_ticks(QUIET_MS));
	rt_printf("  IRQ %u, PMOVSSET %lx in the handler\n", pmu_irq.intid, pmu_irq.ovs);
	EXPECT_EQ(pmu_irq.count, 1);
	EXPECT_EQ(pmu_irq.intid, VIRT_PMU_INTID);
	EXPECT_EQ(pmu_irq.ovs & PMU_CYCLE_BIT, PMU_CYCLE_BIT);
	EXPECT_FALSE(gic_private_irq_pending(VIRT_PMU_INTID));
	pmu_off();
	WRITE_SYSREG(pmcr_el0, 0);
	gic_private_irq_disable(VIRT_PMU_INTID);
	irq_set_handler(VIRT_PMU_INTID, 0);
	EXPECT_EQ(irq_unexpected_count(), unexpected);
}

/*
 * Overflow flags with their interrupts enabled, the counters off and PPI 23
 * disabled in the GIC: nothing is delivered, the line reads low, and the
 * guest goes on.  (The PMU state the fuzzer had left when tofu stormed on
 * PPI 23; the storm itself is replayed by tests/configs/fuzz-regress.dts.)
 */
/* The state the fuzzer left (PMCR_EL0 LP and X, counter 1 enabled,
 * overflow flags with their interrupts enabled). */
#define PMCR_STATE_SEEN    0x90ul
#define PMCNTEN_STATE_SEEN 0x2ul
#define PMINTEN_STATE_SEEN 0x80000037ul
#define PMOVS_STATE_SEEN   0x3bul

TEST(pmu_request_while_disabled)
{
	uint32_t unexpected = irq_unexpected_count();
	volatile uint32_t spins = 0;

	if (!pmu_present())
		return;
	pmu_off();
	WRITE_SYSREG(pmcr_el0, PMCR_STATE_SEEN);
	WRITE_SYSREG(pmcntenset_el0, PMCNTEN_STATE_SEEN);
	WRITE_SYSREG(pmintenset_el1, PMINTEN_STATE_SEEN);
	WRITE_SYSREG(pmovsset_el0, PMOVS_STATE_SEEN);
	arch_isb();
	rt_printf("  PMCR %lx PMINTENSET %lx PMOVSSET %lx: PPI %u pending in the GIC %d\n",
		  READ_SYSREG(pmcr_el0), READ_SYSREG(pmintenset_el1), READ_SYSREG(pmovsset_el0),
		  VIRT_PMU_INTID, gic_private_irq_pending(VIRT_PMU_INTID));
	arch_irq_unmask();
	uint64_t end = timer_now() + timer_ms_to_ticks(QUIET_MS);
	while (timer_now() < end)
		spins = spins + 1;
	arch_irq_mask();
	rt_printf("  %u loop rounds in %u ms with the request up\n", spins, QUIET_MS);
	EXPECT_GE(spins, 1);
	EXPECT_EQ(irq_unexpected_count(), unexpected);
	WRITE_SYSREG(pmovsclr_el0, ~0ul);
	WRITE_SYSREG(pmintenclr_el1, ~0ul);
	pmu_off();
}

/* ---- Debug ---- */

static void __attribute__((noinline)) bp_target(void)
{
	__asm__ volatile("nop");
}

TEST(debug_registers)
{
	uint64_t dfr0 = READ_SYSREG(id_aa64dfr0_el1);
	const uint64_t bcr = DBGBCR_BAS_A64 | DBGBCR_PMC_EL1;
	const uint64_t wcr = DBGWCR_BAS_8 | DBGWCR_LSC_RW | DBGWCR_PAC_EL1_EL0;
	struct fault_record rec;

	rt_printf("  %u breakpoints, %u watchpoints\n", id_field(dfr0, ID_DFR0_BRPS_SHIFT) + 1,
		  id_field(dfr0, ID_DFR0_WRPS_SHIFT) + 1);
	/* Written disabled, read back (pairs 0 and 1: every CPU has two). */
	WRITE_SYSREG(dbgbvr1_el1, DBG_TEST_ADDR);
	WRITE_SYSREG(dbgbcr1_el1, bcr);
	WRITE_SYSREG(dbgwvr1_el1, DBG_TEST_WADDR);
	WRITE_SYSREG(dbgwcr1_el1, wcr);
	arch_isb();
	EXPECT_EQ(READ_SYSREG(dbgbvr1_el1), DBG_TEST_ADDR);
	EXPECT_EQ(READ_SYSREG(dbgbcr1_el1), bcr);
	EXPECT_EQ(READ_SYSREG(dbgwvr1_el1), DBG_TEST_WADDR);
	EXPECT_EQ(READ_SYSREG(dbgwcr1_el1), wcr);

	/* A breakpoint on bp_target fires at EL1 (MDCR_EL2.TDE = 0: the
	 * guest's own debug exceptions). */
	WRITE_SYSREG(oslar_el1, 0);
	WRITE_SYSREG(dbgbvr0_el1, (uint64_t)(uintptr_t)bp_target);
	WRITE_SYSREG(dbgbcr0_el1, bcr | DBGBCR_E);
	WRITE_SYSREG(mdscr_el1, MDSCR_MDE | MDSCR_KDE);
	arch_isb();
	__asm__ volatile("msr daifclr, %0\n\tisb" : : "i"(DAIFSET_DEBUG) : "memory");
	exc_probe_begin();
	bp_target();
	rec = exc_probe_end();
	__asm__ volatile("msr daifset, %0\n\tisb" : : "i"(DAIFSET_DEBUG) : "memory");
	WRITE_SYSREG(mdscr_el1, 0);
	WRITE_SYSREG(dbgbcr0_el1, 0);
	WRITE_SYSREG(dbgbcr1_el1, 0);
	WRITE_SYSREG(dbgwcr1_el1, 0);
	arch_isb();
	EXPECT_EQ(rec.count, 1);
	EXPECT_EQ(esr_ec(rec.esr), ESR_EC_BREAKPOINT_CUR);
	EXPECT_EQ(rec.elr, (uint64_t)(uintptr_t)bp_target);
}

/* ---- MTE ---- */

static uint64_t mte_l1[512] __attribute__((aligned(4096)));

static unsigned tag_of(uint64_t p)
{
	return (unsigned)((p >> MTE_TAG_SHIFT) & MTE_TAG_MASK);
}

/* Identity map: the device window Device-nGnRnE, RAM Normal Tagged; tag
 * checks at EL1 synchronous; the MMU on.  Returns SCTLR_EL1 before. */
static uint64_t mte_mmu_on(void)
{
	uint64_t sctlr = READ_SYSREG(sctlr_el1);

	mte_l1[0] = 0 | PTE_BLOCK | PTE_AF | PTE_XN | (0ul << PTE_ATTRIDX_SHIFT);
	mte_l1[1] = VIRT_RAM_BASE | PTE_BLOCK | PTE_AF | PTE_SH_INNER | (1ul << PTE_ATTRIDX_SHIFT);
	arch_dsb_sy();
	WRITE_SYSREG(mair_el1, MAIR_DEVICE_nGnRnE | (MAIR_NORMAL_TAGGED << 8));
	WRITE_SYSREG(tcr_el1, TCR_T0SZ_32BIT | TCR_IRGN0_WBWA | TCR_ORGN0_WBWA | TCR_SH0_INNER |
			      TCR_EPD1 | TCR_TBI0);
	WRITE_SYSREG(ttbr0_el1, (uint64_t)(uintptr_t)mte_l1);
	WRITE_SYSREG(S3_0_C1_C0_6, GCR_EXCLUDE_TAG0);           /* GCR_EL1 */
	WRITE_SYSREG(S3_0_C1_C0_5, 0x1234ul << RGSR_SEED_SHIFT); /* RGSR_EL1 */
	arch_isb();
	__asm__ volatile("tlbi vmalle1\n\tdsb nsh\n\tisb" : : : "memory");
	WRITE_SYSREG(sctlr_el1, sctlr | SCTLR_M | SCTLR_C | SCTLR_I | SCTLR_ATA | SCTLR_TCF_SYNC);
	arch_isb();
	return sctlr;
}

static void mte_mmu_off(uint64_t sctlr)
{
	WRITE_SYSREG(sctlr_el1, sctlr);
	arch_isb();
	__asm__ volatile("tlbi vmalle1\n\tdsb nsh\n\tisb" : : : "memory");
}

TEST(mte_tags)
{
	unsigned mte = id_field(READ_SYSREG(id_aa64pfr1_el1), ID_PFR1_MTE_SHIFT);
	uint64_t p = (uint64_t)(uintptr_t)mte_buf, tagged, loaded, sctlr;
	uint32_t value = 0;
	struct fault_record rec;

	rt_printf("  ID_AA64PFR1_EL1.MTE %u\n", mte);
	if (!mte_present())
		return;         /* cortex-a57: none; max without mte=on: no tag storage */
	sctlr = mte_mmu_on();
	__asm__ volatile(MTE_ASM("irg %0, %1") : "=r"(tagged) : "r"(p));
	__asm__ volatile(MTE_ASM("stg %0, [%0]") : : "r"(tagged) : "memory");
	loaded = p;
	__asm__ volatile(MTE_ASM("ldg %0, [%1]") : "+r"(loaded) : "r"(p) : "memory");
	/* Through the right tag: no fault; through tag 0: a tag check fault. */
	rec = exc_probe_read32(tagged, &value);
	expect_no_fault("load through the allocation tag", rec);
	value = 0;
	rec = exc_probe_read32(p, &value);
	/* Granule back to tag 0 before anything else touches it. */
	__asm__ volatile(MTE_ASM("stg %0, [%0]") : : "r"(p) : "memory");
	mte_mmu_off(sctlr);

	rt_printf("  IRG tag %u, LDG tag %u; untagged load: ESR %lx FAR %lx\n", tag_of(tagged),
		  tag_of(loaded), rec.esr, rec.far);
	EXPECT_NE(tag_of(tagged), 0);
	EXPECT_EQ(tagged & VA_NO_TAG_MASK, p);
	EXPECT_EQ(tag_of(loaded), tag_of(tagged));
	EXPECT_EQ(rec.count, 1);
	EXPECT_EQ(esr_ec(rec.esr), ESR_EC_DABT_CUR);
	EXPECT_EQ(rec.esr & ESR_DABT_DFSC_MASK, ESR_DFSC_TAG_CHECK);
	EXPECT_EQ(rec.far & VA_NO_TAG_MASK, p);
}

const struct test_case bmtest_cpu_cases[] = {
	TEST_CASE(pmu_debug_reset_state),
	TEST_CASE(imp_def_undef),
	TEST_CASE(ras_registers),
	TEST_CASE(pmu_counters),
	TEST_CASE(pmu_excludes_el2),
	TEST_CASE(pmu_overflow_irq),
	TEST_CASE(pmu_request_while_disabled),
	TEST_CASE(debug_registers),
	TEST_CASE(mte_tags),
};

const unsigned bmtest_cpu_count = sizeof(bmtest_cpu_cases) / sizeof(bmtest_cpu_cases[0]);
