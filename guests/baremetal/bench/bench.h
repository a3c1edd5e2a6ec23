/* SPDX-License-Identifier: MIT */
/*
 * The benchmark guest's shared pieces: statistics, the output format, the
 * few registers and instructions the runtime (rt/) does not name, and the
 * benchmarks that live in their own files.
 */
#ifndef BENCH_BENCH_H
#define BENCH_BENCH_H

#include <stdbool.h>
#include <stdint.h>

#include "rt/arch.h"
#include "rt/hw.h"
#include "rt/irq.h"

/*
 * Register names rt/hw.h does not have (yet).  Guarded, so that the day
 * rt/hw.h gains them its definition wins.
 */
#ifndef PL011_IMSC
#define PL011_IMSC            0x038            /* interrupt mask set/clear (DDI 0183, 3.3.10) */
#endif
#ifndef GICD_ICFGR
#define GICD_ICFGR            0x0c00           /* 2 bits per INTID (IHI 0069, 12.9.9) */
#endif
#define BENCH_ICFGR_PER_WORD  16               /* INTIDs per GICD_ICFGR word */
#define BENCH_ICFGR_BITS      2                /* bits per INTID */
#define BENCH_ICFGR_EDGE      HW_UL(0x2)       /* Int_config[1]: edge-triggered */
#define BENCH_GIC_NO_PENDING  GIC_INTID_SPURIOUS /* ICC_HPPIR1_EL1 / GICC_HPPIR with nothing pending */

/* Interrupt priorities: all interrupts used here are group 1, lower = more urgent. */
#define BENCH_PRIO_SGI        0x80
#define BENCH_PRIO_TIMER      0x80
#define BENCH_PRIO_DOORBELL   0x80

/* Bounds on every wait, in milliseconds of counter time. */
#define BENCH_WAIT_MS         100

/* Statistics of one benchmark: raw counter ticks, nothing subtracted. */
struct bench_stats {
	uint64_t iters;
	uint64_t total;
	uint64_t max;
};

static inline void bench_stats_add(struct bench_stats *s, uint64_t ticks)
{
	s->iters++;
	s->total += ticks;
	if (ticks > s->max)
		s->max = ticks;
}

/* "BENCH <name> iters=<n> mean=<total/iters, 2 decimals> max=<ticks>" */
void bench_report(const char *name, const struct bench_stats *s);

/* A benchmark that could not run prints why, on a line that is not a BENCH line. */
void bench_skip(const char *name, const char *why);

/* Clears the IRQ mask only between WFI and the next check: no wake-up is lost. */
static inline void bench_wfi_window(void)
{
	arch_wfi();
	arch_irq_unmask();
	arch_isb();
	arch_irq_mask();
}

static inline void bench_wfe(void) { __asm__ volatile("wfe" : : : "memory"); }

/* DSB first: the stores before it are observable before a waiter wakes and looks. */
static inline void bench_sev(void) { __asm__ volatile("dsb sy\n\tsev" : : : "memory"); }

static inline uint64_t bench_read_id_aa64mmfr0(void)
{
	uint64_t v;

	__asm__ volatile("mrs %0, id_aa64mmfr0_el1" : "=r"(v));
	return v;
}

static inline uint64_t bench_read_icc_hppir1(void)
{
	uint64_t v;

	__asm__ volatile("mrs %0, icc_hppir1_el1" : "=r"(v) : : "memory");
	return v;
}

/* bench_smp.c: vCPU 1 brought up with PSCI CPU_ON; ipi and ipi_roundtrip. */
void bench_ipi(void);
/* Entered by vCPU 1 (bench_smp.c, from its assembly entry point). */
_Noreturn void bench_secondary_main(void);

/* bench_ipc.c: ipc_roundtrip against the VM named "rtos", when the DTB has a tofu,ipc node. */
void bench_ipc(const void *dtb);
/* IPC MAP and UNMAP of the peer's ring; `streams`: this VM's stage 2 is
 * attached to SMMU streams (its figures are named *_smmu). */
void bench_ipc_map(const void *dtb, bool streams);
/* Before measuring: wait until the IPC peer, if any, is up and idle. */
void bench_wait_for_peer(const void *dtb);
/* The IPC doorbell SPI `intid`: edge-triggered, routed to this vCPU, group 1,
 * enabled, `fn` its handler. */
void bench_doorbell_enable(uint32_t intid, irq_handler_fn fn);

/* bench_sched.c: in a VM named by one of its pairs (tests/configs/bench-sched*.dts),
 * that pair's figures (vm_switch, sched_tick, ...); false in any other VM.
 * The pair's first VM returns when done, its second never. */
bool bench_sched(const void *dtb);
/* Natively: the spin loop's step, the native side of sched_tick. */
void bench_sched_native(void);

/* bench_its.c: LPI injection latency (lpi_int, lpi_msi), when the DTB
 * has an ITS. */
bool bench_has_its(const void *dtb);
void bench_its(void);

#endif /* BENCH_BENCH_H */
