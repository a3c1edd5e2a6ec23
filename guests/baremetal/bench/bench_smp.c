/* SPDX-License-Identifier: MIT */
/*
 * ipi and ipi_roundtrip: vCPU 0 sends an SGI to vCPU 1, which waits in WFI
 * with IRQs unmasked.  vCPU 1's handler publishes the counter value that
 * irq_dispatch read at entry (the counter is one clock for every CPU), then
 * a sequence number, then SEV.  vCPU 0 spins with WFE until it sees the new
 * sequence number: under -icount all CPUs run in turn on one host thread,
 * and WFE hands the thread over where a bare spin would keep it.
 *
 *   ipi            send (counter read just before the ICC_SGI1R_EL1 write)
 *                  to vCPU 1's handler entry
 *   ipi_roundtrip  send until vCPU 0 has seen the handler's sequence number
 *
 * vCPU 1 is started with PSCI CPU_ON (MPIDR 1) at bench_secondary_entry,
 * with its stack top as the context ID.  The runtime's GIC code knows only
 * the boot CPU's redistributor, so vCPU 1 finds and wakes its own here.
 */
#include <stdbool.h>
#include <stdint.h>

#include "tofu/abi.h"

#include "rt/arch.h"
#include "rt/hw.h"
#include "rt/irq.h"
#include "rt/platform.h"
#include "rt/print.h"
#include "rt/rt.h"
#include "rt/smccc.h"
#include "rt/timer.h"

#include "bench.h"

#define ITERS_IPI             500u
#define SGI_IPI               3u
#define SECONDARY_MPIDR       1u          /* Aff0 = 1, the rest 0 */
#define SECONDARY_STACK_BYTES 4096u
#define MAX_REDISTS           256u
#define PSCI_CPU_ON64_FID     (PSCI_CPU_ON_FID | SMCCC_SMC64)

/* GICR_TYPER[63:32] packs Aff3.Aff2.Aff1.Aff0 a byte each. */
#define GICR_AFF0_SHIFT       0
#define GICR_AFF1_SHIFT       8
#define GICR_AFF2_SHIFT       16
#define GICR_AFF3_SHIFT       24

#define STR_(x) #x
#define STR(x)  STR_(x)

enum secondary_state {
	SECONDARY_OFF = 0,
	SECONDARY_READY,
	SECONDARY_NO_REDIST,
	SECONDARY_WAKE_TIMEOUT,
	SECONDARY_NO_SRE,
};

static uint8_t secondary_stack[SECONDARY_STACK_BYTES] __attribute__((aligned(16)));
static volatile uint32_t secondary_state;
static volatile uint64_t ipi_entry_ticks;
static volatile uint32_t ipi_seq;

/*
 * vCPU 1's first instructions (PSCI CPU_ON: EL1, MMU off, x0 = context ID
 * = its stack top).  The image is already relocated by vCPU 0.
 */
void bench_secondary_entry(void);
__asm__(
	"	.text\n"
	"	.balign	4\n"
	"	.globl	bench_secondary_entry\n"
	"	.type	bench_secondary_entry, %function\n"
	"bench_secondary_entry:\n"
	"	msr	daifset, #" STR(DAIFSET_ALL) "\n"
	"	mov	sp, x0\n"
	"	adrp	x1, rt_vectors\n"
	"	add	x1, x1, :lo12:rt_vectors\n"
	"	msr	vbar_el1, x1\n"
	"	isb\n"
	"	bl	bench_secondary_main\n"
	"	b	rt_hang\n"
	"	.size	bench_secondary_entry, . - bench_secondary_entry\n");

/* ---- vCPU 1 ---- */

static uint32_t bench_gicr_affinity(uint64_t mpidr)
{
	return (uint32_t)(((mpidr >> MPIDR_AFF0_SHIFT) & MPIDR_AFF_MASK) << GICR_AFF0_SHIFT |
			  ((mpidr >> MPIDR_AFF1_SHIFT) & MPIDR_AFF_MASK) << GICR_AFF1_SHIFT |
			  ((mpidr >> MPIDR_AFF2_SHIFT) & MPIDR_AFF_MASK) << GICR_AFF2_SHIFT |
			  ((mpidr >> MPIDR_AFF3_SHIFT) & MPIDR_AFF_MASK) << GICR_AFF3_SHIFT);
}

/* This CPU's RD_base: the redistributor whose GICR_TYPER names MPIDR_EL1. */
static uintptr_t bench_redist_find(void)
{
	const struct platform *p = platform_get();
	uint32_t want = bench_gicr_affinity(sysreg_read_mpidr_el1());
	uintptr_t rd = p->gicr_base;
	unsigned i;

	for (i = 0; i < MAX_REDISTS; i++) {
		uint64_t typer;

		if (p->gicr_size && rd + GICR_STRIDE_V3 > p->gicr_base + p->gicr_size)
			break;
		typer = mmio_read64(rd + GICR_TYPER);
		if ((uint32_t)(typer >> GICR_TYPER_AFF_SHIFT) == want)
			return rd;
		if (typer & GICR_TYPER_LAST)
			break;
		rd += (typer & GICR_TYPER_VLPIS) ? GICR_STRIDE_V4 : GICR_STRIDE_V3;
	}
	return 0;
}

/* Wake the redistributor, enable SGI_IPI in group 1, open the CPU interface. */
static enum secondary_state bench_secondary_gic_init(void)
{
	uintptr_t rd = bench_redist_find(), sgi, prio_word;
	uint64_t deadline = timer_now() + timer_ms_to_ticks(BENCH_WAIT_MS);
	unsigned shift = BENCH_IPRIORITY_BITS * (SGI_IPI % BENCH_IPRIORITY_PER_WORD);
	uint32_t v;

	if (!rd)
		return SECONDARY_NO_REDIST;
	v = mmio_read32(rd + GICR_WAKER);
	mmio_write32(rd + GICR_WAKER, v & ~(uint32_t)GICR_WAKER_PROCESSOR_SLEEP);
	while (mmio_read32(rd + GICR_WAKER) & GICR_WAKER_CHILDREN_ASLEEP)
		if (timer_now() > deadline)
			return SECONDARY_WAKE_TIMEOUT;

	sgi = rd + GICR_SGI_BASE;
	mmio_write32(sgi + GICR_IGROUPR0, mmio_read32(sgi + GICR_IGROUPR0) | 1u << SGI_IPI);
	/* Word access: byte access to IPRIORITYR may not be emulated. */
	prio_word = sgi + GICR_IPRIORITYR + SGI_IPI - SGI_IPI % BENCH_IPRIORITY_PER_WORD;
	v = mmio_read32(prio_word) & ~(uint32_t)(BENCH_IPRIORITY_MASK << shift);
	mmio_write32(prio_word, v | (uint32_t)BENCH_PRIO_SGI << shift);
	mmio_write32(sgi + GICR_ISENABLER0, 1u << SGI_IPI);

	sysreg_write_icc_sre_el1(sysreg_read_icc_sre_el1() | ICC_SRE_SRE);
	arch_isb();
	if (!(sysreg_read_icc_sre_el1() & ICC_SRE_SRE))
		return SECONDARY_NO_SRE;
	sysreg_write_icc_pmr_el1(ICC_PMR_LOWEST);
	sysreg_write_icc_igrpen1_el1(ICC_IGRPEN1_ENABLE);
	arch_isb();
	return SECONDARY_READY;
}

_Noreturn void bench_secondary_main(void)
{
	secondary_state = bench_secondary_gic_init();
	bench_sev();
	if (secondary_state != SECONDARY_READY)
		rt_hang();
	arch_irq_unmask();
	for (;;)
		arch_wfi();
}

/* Runs on vCPU 1. */
static void bench_ipi_irq(uint32_t intid, uint64_t entry_ticks)
{
	(void)intid;
	ipi_entry_ticks = entry_ticks;
	ipi_seq = ipi_seq + 1;
	bench_sev();
}

/* ---- vCPU 0 ---- */

static const char *bench_secondary_state_name(uint32_t state)
{
	switch (state) {
	case SECONDARY_OFF:
		return "vCPU 1 did not start within the wait";
	case SECONDARY_NO_REDIST:
		return "vCPU 1 found no redistributor";
	case SECONDARY_WAKE_TIMEOUT:
		return "vCPU 1's redistributor did not wake";
	case SECONDARY_NO_SRE:
		return "vCPU 1: ICC_SRE_EL1.SRE stuck at 0";
	default:
		return "?";
	}
}

static const char *bench_secondary_start(void)
{
	uintptr_t stack_top = (uintptr_t)(secondary_stack + sizeof(secondary_stack));
	struct smccc_res res;
	uint64_t deadline;

	res = smccc_hvc(PSCI_CPU_ON64_FID, SECONDARY_MPIDR, (uintptr_t)bench_secondary_entry,
			stack_top);
	if (smccc_w(res.a0) != PSCI_RET_SUCCESS)
		return "PSCI CPU_ON of MPIDR 1 failed";
	deadline = timer_now() + timer_ms_to_ticks(BENCH_WAIT_MS);
	while (secondary_state == SECONDARY_OFF && timer_now() <= deadline)
		bench_wfe();
	return secondary_state == SECONDARY_READY ? 0 : bench_secondary_state_name(secondary_state);
}

/* ICC_SGI1R_EL1 value sending SGI_IPI to MPIDR SECONDARY_MPIDR (Aff3..Aff1 = 0). */
static uint64_t bench_sgi1r_secondary(void)
{
	uint64_t aff0 = (SECONDARY_MPIDR >> MPIDR_AFF0_SHIFT) & MPIDR_AFF_MASK;

	return (uint64_t)SGI_IPI << ICC_SGI1R_INTID_SHIFT |
	       (aff0 / ICC_SGI1R_TARGETS_PER_RS) << ICC_SGI1R_RS_SHIFT |
	       1ul << (aff0 % ICC_SGI1R_TARGETS_PER_RS);
}

void bench_ipi(void)
{
	const uint64_t sgi1r = bench_sgi1r_secondary();
	const uint64_t patience = timer_ms_to_ticks(BENCH_WAIT_MS);
	struct bench_stats ipi = { 0 }, roundtrip = { 0 };
	const char *failed;
	unsigned i;

	irq_set_handler(SGI_IPI, bench_ipi_irq);
	failed = bench_secondary_start();
	for (i = 0; i < ITERS_IPI && !failed; i++) {
		uint32_t seen = ipi_seq;
		uint64_t t0, t1;

		t0 = arch_counter_read();
		sysreg_write_icc_sgi1r_el1(sgi1r);
		arch_isb();
		while (ipi_seq == seen) {
			bench_wfe();
			if (arch_counter_read() > t0 + patience) {
				failed = "vCPU 1's handler did not run";
				break;
			}
		}
		t1 = arch_counter_read();
		if (!failed) {
			bench_stats_add(&ipi, ipi_entry_ticks - t0);
			bench_stats_add(&roundtrip, t1 - t0);
		}
	}
	if (failed) {
		bench_skip("ipi", failed);
		return;
	}
	bench_report("ipi", &ipi);
	bench_report("ipi_roundtrip", &roundtrip);
}
