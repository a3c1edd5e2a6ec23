/* SPDX-License-Identifier: MIT */
/*
 * ipi and ipi_roundtrip: vCPU 0 sends an SGI to vCPU 1, which waits in WFI
 * with IRQs unmasked.  vCPU 1's handler publishes the counter value that
 * irq_dispatch read at entry (the counter is one clock for every CPU), then
 * a sequence number, then SEV.  vCPU 0 spins with WFE until it sees the new
 * sequence number: under -icount all CPUs run in turn on one host thread,
 * and WFE hands the thread over where a bare spin would keep it.
 *
 *   ipi            send (counter read just before the ICC_SGI1R_EL1 write;
 *                  on a GICv2, before the runtime's gic_sgi_send) to vCPU 1's
 *                  handler entry
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
#include "rt/gic.h"
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
#define PSCI_CPU_ON64_FID     (PSCI_CPU_ON_FID | SMCCC_SMC64)

/* GICR_TYPER[63:32] packs Aff3.Aff2.Aff1.Aff0 a byte each. */

#define STR_(x) #x
#define STR(x)  STR_(x)

enum secondary_state {
	SECONDARY_OFF = 0,
	SECONDARY_READY,
	SECONDARY_GIC_FAILED,      /* why: secondary_gic_status */
};

static uint8_t secondary_stack[SECONDARY_STACK_BYTES] __attribute__((aligned(16)));
static volatile uint32_t secondary_state;
static volatile uint32_t secondary_gic_status;
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

/* vCPU 1's own redistributor and CPU interface, and SGI_IPI enabled there. */
static enum secondary_state bench_secondary_gic_init(void)
{
	enum gic_status status = gic_cpu_init();

	if (status != GIC_OK) {
		secondary_gic_status = status;
		return SECONDARY_GIC_FAILED;
	}
	gic_private_irq_enable(SGI_IPI, BENCH_PRIO_SGI);
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
	return state == SECONDARY_OFF ? "vCPU 1 did not start within the wait"
				      : gic_status_name(secondary_gic_status);
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
	const bool v2 = gic_is_v2();
	const uint64_t patience = timer_ms_to_ticks(BENCH_WAIT_MS);
	struct bench_stats ipi = { 0 }, roundtrip = { 0 };
	const char *failed;
	unsigned i;

	irq_set_handler(SGI_IPI, bench_ipi_irq);
	failed = bench_secondary_start();
	for (i = 0; i < ITERS_IPI && !failed; i++) {
		uint32_t seen = ipi_seq;
		uint64_t t0, t1;

		if (v2) {
			t0 = arch_counter_read();
			gic_sgi_send(SGI_IPI, SECONDARY_MPIDR);
		} else {
			t0 = arch_counter_read();
			sysreg_write_icc_sgi1r_el1(sgi1r);
			arch_isb();
		}
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
