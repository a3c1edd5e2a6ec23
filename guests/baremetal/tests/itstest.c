/* SPDX-License-Identifier: MIT */
/*
 * itstest: a guest's GICv3 ITS and LPIs (issue 12, docs/its.md), on two
 * vCPUs: the registers a driver probes, the LPI tables, then commands
 * through the command queue: MAPC and MAPD, MAPTI then INT delivers an LPI
 * to the collection's vCPU, MOVI and MOVALL move it, DISCARD and CLEAR stop
 * it (on the issuing vCPU and on the other), INV and INVALL apply a changed
 * enable and priority, and malformed commands (a DeviceID the VM does not
 * own, an EventID beyond its ITT, a collection beyond HCC or unmapped, an
 * LPI out of range, an unknown command, CWRITER beyond the queue) change
 * nothing, leave the queue running (or stalled and recoverable), and let
 * the next good command work.
 *
 * The same guest runs on bare QEMU (its own ITS): every case but the
 * DeviceID ownership one, which is tofu's (the VM's DeviceIDs are its
 * iommu-streams, 0x10-0x17 in tests/configs/its.dts).
 */
#include <stdbool.h>
#include <stdint.h>

#include "tofu/abi.h"

#include "rt/arch.h"
#include "rt/edu.h"
#include "rt/gic.h"
#include "rt/hw.h"
#include "rt/irq.h"
#include "rt/its.h"
#include "rt/platform.h"
#include "rt/print.h"
#include "rt/rt.h"
#include "rt/smccc.h"
#include "rt/test.h"
#include "rt/timer.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

const char rt_program_name[] = "itstest";

#define NR_CPUS           ITS_MAX_CPUS
#define LPI_PRIO          0xa0
#define LPI_PRIO_MASKED   0xf0          /* below PMR_TEST: never taken */
#define PMR_TEST          0xe0
#define DEV               0x10          /* a DeviceID of the VM (its iommu-streams) */
#define DEV_OTHER         0x11
#define DEV_NOT_OWNED     0x20          /* no stream of this VM's */
#define PSCI_CPU_ON       0xc4000003u
#define PSCI_CPU_OFF      0x84000002u
#define PSCI_AFFINITY_INFO 0xc4000004u
#define PSCI_AFF_OFF      1             /* AFFINITY_INFO: the target is off */
#define VCPU1_MPIDR       1u
#define WAIT_MS           2000          /* for an LPI that must come (a loaded host) */
#define QUIET_MS          50            /* for one that must not */
#define SECONDARY_STACK   8192

static uint8_t secondary_stack[SECONDARY_STACK] __attribute__((aligned(16)));
static bool under_tofu;
static unsigned hcc;                    /* 0: collections in memory (QEMU) */

/* What arrived: per vCPU, the count of each LPI (the first 64 used). */
#define SEEN_LPIS 64
static volatile uint32_t seen[NR_CPUS][SEEN_LPIS];
static volatile uint32_t seen_other;    /* LPIs beyond the first 64 */
static volatile bool secondary_up, secondary_masked, secondary_is_masked, secondary_unmask, secondary_go_off;
/* Asked of the secondary: sleep in WFI until LPI `secondary_sleep_lpi` has
 * been seen `secondary_sleep_until` times on it (0: no sleep). */
static volatile uint32_t secondary_sleep_until, secondary_sleep_lpi;
static volatile bool secondary_asleep;

static unsigned cpu_index(void)
{
	return (unsigned)(sysreg_read_mpidr_el1() & MPIDR_AFF_MASK);
}

static volatile uint64_t last_entry;     /* CNTVCT at the last LPI's exception entry */

static void lpi_handler(uint32_t intid, uint64_t entry_ticks)
{
	unsigned cpu = cpu_index();
	last_entry = entry_ticks;
	if (cpu < NR_CPUS && intid - LPI_BASE < SEEN_LPIS)
		seen[cpu][intid - LPI_BASE]++;
	else
		seen_other++;
}

/* ---- the secondary vCPU: takes LPIs, masks them when asked ---- */

void its_secondary_entry(void);
__asm__(".text\n"
	"	.balign	4\n"
	"	.globl	its_secondary_entry\n"
	"	.type	its_secondary_entry, %function\n"
	"its_secondary_entry:\n"
	"	msr	daifset, #15\n"
	"	mov	sp, x0\n"
	"	adrp	x1, rt_vectors\n"
	"	add	x1, x1, :lo12:rt_vectors\n"
	"	msr	vbar_el1, x1\n"
	"	isb\n"
	"	bl	its_secondary_main\n"
	"	b	rt_hang\n"
	"	.size	its_secondary_entry, . - its_secondary_entry\n");

_Noreturn void its_secondary_main(void);
_Noreturn void its_secondary_main(void)
{
	gic_cpu_init();
	sysreg_write_icc_pmr_el1(PMR_TEST);
	__asm__ volatile("msr daifclr, #2" ::: "memory");
	secondary_up = true;
	/* No WFI: it must see secondary_masked without an interrupt (but
	 * when asked to sleep until an LPI comes). */
	for (;;) {
		if (secondary_sleep_until) {
			secondary_asleep = true;
			while (seen[1][secondary_sleep_lpi] < secondary_sleep_until)
				__asm__ volatile("wfi" ::: "memory");
			secondary_sleep_until = 0;
			secondary_asleep = false;
		}
		if (secondary_masked) {
			__asm__ volatile("msr daifset, #2" ::: "memory");
			secondary_is_masked = true;
			while (!secondary_unmask)
				if (secondary_go_off)       /* masked, with what is pending */
					smccc_hvc(PSCI_CPU_OFF, 0, 0, 0);
			/* An exit first (a GICD read traps under tofu): the flush
			 * takes what another CPU asked of this vCPU's LRs. */
			(void)mmio_read32(platform_get()->gicd_base + GICD_TYPER);
			secondary_masked = false;
			secondary_is_masked = false;
			secondary_unmask = false;
			__asm__ volatile("msr daifclr, #2" ::: "memory");
		}
	}
}

static uint32_t seen_on(unsigned cpu, unsigned n) { return seen[cpu][n]; }

/* Wait until vCPU cpu has seen LPI n `count` times in all. */
static bool wait_seen(unsigned cpu, unsigned n, uint32_t count)
{
	uint64_t end = timer_now() + timer_ms_to_ticks(WAIT_MS);
	while (seen_on(cpu, n) < count && timer_now() < end)
		;
	return seen_on(cpu, n) >= count;
}

static void quiet(void)
{
	uint64_t end = timer_now() + timer_ms_to_ticks(QUIET_MS);
	while (timer_now() < end)
		;
}

static uint32_t seen_total(void)
{
	uint32_t n = seen_other;
	for (unsigned c = 0; c < NR_CPUS; c++)
		for (unsigned i = 0; i < SEEN_LPIS; i++)
			n += seen[c][i];
	return n;
}

/* ---- tests ---- */

TEST(its_registers)
{
	const struct platform *p = platform_get();
	uint32_t typer = mmio_read32(p->gicd_base + GICD_TYPER);
	EXPECT_TRUE(typer & GICD_TYPER_LPIS);
	EXPECT_GE(((typer >> GICD_TYPER_IDBITS_SHIFT) & GITS_TYPER_FIELD_MASK) + 1, ITS_LPI_IDBITS);
	for (unsigned cpu = 0; cpu < NR_CPUS; cpu++)
		EXPECT_TRUE(mmio_read64(p->gicr_base + cpu * GICR_STRIDE_V3 + GICR_TYPER) & GICR_TYPER_PLPIS);
	uint64_t t = its_read64(GITS_TYPER);
	EXPECT_TRUE(t & GITS_TYPER_PHYSICAL);
	EXPECT_FALSE(t & GITS_TYPER_PTA);
	EXPECT_GE(((t >> GITS_TYPER_IDBITS_SHIFT) & GITS_TYPER_FIELD_MASK) + 1, ITS_ITT_EVENT_BITS);
	EXPECT_GE(((t >> GITS_TYPER_DEVBITS_SHIFT) & GITS_TYPER_FIELD_MASK) + 1, 8);
	hcc = (unsigned)((t >> GITS_TYPER_HCC_SHIFT) & GITS_TYPER_BYTE_MASK);
	if (under_tofu)
		EXPECT_EQ(hcc, NR_CPUS);        /* a collection per vCPU, held in the ITS */
	EXPECT_EQ((its_read32(GITS_PIDR2) >> GITS_PIDR2_ARCH_SHIFT) & GITS_PIDR2_ARCH_MASK, 3);
	EXPECT_NE(its_read32(GITS_IIDR), 0);
	EXPECT_FALSE(its_read32(GITS_CTLR) & GITS_CTLR_ENABLED);
	rt_printf("itstest: GITS_TYPER 0x%lx, HCC %u\n", t, hcc);
}

/* The redistributors' LPI tables, then the ITS's: its tables as the
 * BASERs ask, the command queue, enable. */
TEST(its_setup)
{
	const struct platform *p = platform_get();
	its_lpis_init(LPI_PRIO);                /* disabled */
	for (unsigned cpu = 0; cpu < NR_CPUS; cpu++) {
		EXPECT_TRUE(its_redist_enable(cpu));
		/* Written while LPIs are on: UNPREDICTABLE; tofu ignores it. */
		if (under_tofu) {
			uintptr_t rd = p->gicr_base + cpu * GICR_STRIDE_V3;
			mmio_write64(rd + GICR_PROPBASER, 0);
			EXPECT_NE(mmio_read64(rd + GICR_PROPBASER), 0);
		}
	}
	EXPECT_TRUE(its_enable());
	EXPECT_TRUE(its_mapc(0, 0, true));
	EXPECT_TRUE(its_mapc(1, 1, true));
	EXPECT_TRUE(its_sync(0));
	EXPECT_TRUE(its_mapd(DEV, 0, true));
	EXPECT_TRUE(its_mapd(DEV_OTHER, 1, true));
}

/* MAPTI, INV, INT: the LPI on the collection's vCPU, with the table's
 * priority; then on the other vCPU. */
TEST(int_delivers)
{
	its_lpi_set(3, LPI_PRIO, true);
	its_lpi_set(4, LPI_PRIO, true);
	EXPECT_TRUE(its_mapti(DEV, 3, LPI_BASE + 3, 0));
	EXPECT_TRUE(its_event(GITS_CMD_INV, DEV, 3));
	EXPECT_TRUE(its_mapti(DEV, 4, LPI_BASE + 4, 1));
	EXPECT_TRUE(its_event(GITS_CMD_INV, DEV, 4));
	EXPECT_TRUE(its_event(GITS_CMD_INT, DEV, 3));
	EXPECT_TRUE(wait_seen(0, 3, 1));
	EXPECT_TRUE(its_event(GITS_CMD_INT, DEV, 4));
	EXPECT_TRUE(wait_seen(1, 4, 1));
	quiet();
	EXPECT_EQ(seen_on(1, 3), 0);
	EXPECT_EQ(seen_on(0, 4), 0);
	EXPECT_EQ(seen_total(), 2);
}

/* MOVI: event 4 to collection 0, then back; MOVALL is a no-op for
 * collections held in the ITS, and moves pending state. */
TEST(movi_moves)
{
	EXPECT_TRUE(its_movi(DEV, 4, 0));
	EXPECT_TRUE(its_event(GITS_CMD_INT, DEV, 4));
	EXPECT_TRUE(wait_seen(0, 4, 1));
	EXPECT_EQ(seen_on(1, 4), 1);
	EXPECT_TRUE(its_movi(DEV, 4, 1));
	EXPECT_TRUE(its_event(GITS_CMD_INT, DEV, 4));
	EXPECT_TRUE(wait_seen(1, 4, 2));
	EXPECT_EQ(seen_on(0, 4), 1);
}

/* vCPU 1 masks its interrupts, then INT of `event` (its collection's):
 * pending there, in an LR under tofu (its flush put it there). */
static void pend_on_masked_secondary(uint32_t event)
{
	secondary_masked = true;
	uint64_t end = timer_now() + timer_ms_to_ticks(WAIT_MS);
	while (!secondary_is_masked && timer_now() < end)
		;
	EXPECT_TRUE(secondary_is_masked);
	EXPECT_TRUE(its_event(GITS_CMD_INT, DEV, event));
	quiet();
}

/* CLEAR and DISCARD of a pending LPI: it never arrives, on this vCPU (I
 * masked) and on the other (masked too, unmasked only after the CLEAR). */
TEST(clear_and_discard_stop)
{
	uint32_t before = seen_total();
	__asm__ volatile("msr daifset, #2" ::: "memory");
	EXPECT_TRUE(its_event(GITS_CMD_INT, DEV, 3));
	EXPECT_TRUE(its_event(GITS_CMD_CLEAR, DEV, 3));
	__asm__ volatile("msr daifclr, #2" ::: "memory");
	quiet();
	EXPECT_EQ(seen_on(0, 3), 1);

	uint64_t end = timer_now() + timer_ms_to_ticks(WAIT_MS);
	pend_on_masked_secondary(4);
	EXPECT_TRUE(its_event(GITS_CMD_CLEAR, DEV, 4));
	EXPECT_TRUE(its_sync(1));
	secondary_unmask = true;
	while (secondary_is_masked && timer_now() < end)
		;
	quiet();
	EXPECT_EQ(seen_on(1, 4), 2);

	/* DISCARD: gone, and the event no longer translates. */
	__asm__ volatile("msr daifset, #2" ::: "memory");
	EXPECT_TRUE(its_event(GITS_CMD_INT, DEV, 3));
	EXPECT_TRUE(its_event(GITS_CMD_DISCARD, DEV, 3));
	__asm__ volatile("msr daifclr, #2" ::: "memory");
	EXPECT_TRUE(its_event(GITS_CMD_INT, DEV, 3));
	quiet();
	EXPECT_EQ(seen_total(), before);
	/* Mapped again, it works. */
	EXPECT_TRUE(its_mapti(DEV, 3, LPI_BASE + 3, 0));
	EXPECT_TRUE(its_event(GITS_CMD_INT, DEV, 3));
	EXPECT_TRUE(wait_seen(0, 3, 2));
}

/* Start vCPU 1 at its entry; whether it came up. */
static bool secondary_start(void)
{
	uint64_t stack = (uint64_t)(uintptr_t)(secondary_stack + sizeof(secondary_stack));
	secondary_up = false;
	struct smccc_res on = smccc_hvc(PSCI_CPU_ON, VCPU1_MPIDR, (uint64_t)(uintptr_t)its_secondary_entry, stack);
	uint64_t end = timer_now() + timer_ms_to_ticks(WAIT_MS);
	while (!secondary_up && timer_now() < end)
		;
	if (!secondary_up)
		rt_printf("itstest: vCPU 1 did not start (PSCI %ld)\n", (long)on.a0);
	return secondary_up;
}

/* An LPI pending on a vCPU that goes off (PSCI CPU_OFF, interrupts masked,
 * the LPI already in a list register under tofu) stays pending, as in its
 * redistributor (QEMU's GIC keeps it too), and arrives once the vCPU is on
 * again and has set up its CPU interface. */
TEST(lpi_survives_cpu_off)
{
	uint32_t before = seen_on(1, 4);
	uint64_t end = timer_now() + timer_ms_to_ticks(WAIT_MS);
	pend_on_masked_secondary(4);
	EXPECT_EQ(seen_on(1, 4), before);
	secondary_go_off = true;
	struct smccc_res r = { 0 };
	while (timer_now() < end) {
		r = smccc_hvc(PSCI_AFFINITY_INFO, VCPU1_MPIDR, 0, 0);
		if (r.a0 == PSCI_AFF_OFF)
			break;
	}
	EXPECT_EQ(r.a0, PSCI_AFF_OFF);
	secondary_go_off = secondary_masked = secondary_is_masked = secondary_unmask = false;
	EXPECT_TRUE(secondary_start());
	EXPECT_TRUE(wait_seen(1, 4, before + 1));
	quiet();
	EXPECT_EQ(seen_on(1, 4), before + 1);
}

/* INV and INVALL: a disabled LPI stays pending until enabled; a priority
 * below the PMR is not taken until raised. */
TEST(inv_invall_apply)
{
	its_lpi_set(5, LPI_PRIO, false);
	EXPECT_TRUE(its_mapti(DEV, 5, LPI_BASE + 5, 0));
	EXPECT_TRUE(its_event(GITS_CMD_INV, DEV, 5));
	EXPECT_TRUE(its_event(GITS_CMD_INT, DEV, 5));
	quiet();
	EXPECT_EQ(seen_on(0, 5), 0);
	its_lpi_set(5, LPI_PRIO, true);
	EXPECT_TRUE(its_invall(0));
	EXPECT_TRUE(wait_seen(0, 5, 1));

	its_lpi_set(6, LPI_PRIO_MASKED, true);
	EXPECT_TRUE(its_mapti(DEV, 6, LPI_BASE + 6, 0));
	EXPECT_TRUE(its_event(GITS_CMD_INV, DEV, 6));
	EXPECT_TRUE(its_event(GITS_CMD_INT, DEV, 6));
	quiet();
	EXPECT_EQ(seen_on(0, 6), 0);
	its_lpi_set(6, LPI_PRIO, true);
	EXPECT_TRUE(its_event(GITS_CMD_INV, DEV, 6));
	EXPECT_TRUE(wait_seen(0, 6, 1));
}

/* Bad commands change nothing and the queue goes on: the next good
 * command works.  A CWRITER beyond the queue stalls it; Retry recovers. */
TEST(malformed_refused)
{
	uint32_t before = seen_total();
	its_lpi_set(7, LPI_PRIO, true);
	/* An EventID beyond the ITT (2^8 events), an LPI out of range, a
	 * collection beyond HCC, an unknown command, an unmapped device. */
	EXPECT_TRUE(its_mapti(DEV, ITS_NR_EVENTS, LPI_BASE + 7, 0));
	EXPECT_TRUE(its_mapti(DEV, 7, 100, 0));
	if (hcc)
		EXPECT_TRUE(its_mapti(DEV, 7, LPI_BASE + 7, hcc));
	EXPECT_TRUE(its_cmd(0xff, 0, 0, 0));
	EXPECT_TRUE(its_event(GITS_CMD_INT, 0x17, 0));
	EXPECT_TRUE(its_event(GITS_CMD_INT, DEV, 7));       /* never mapped */
	EXPECT_TRUE(its_event(GITS_CMD_INT, DEV, ITS_NR_EVENTS));
	/* MAPTI over a live translation (tofu refuses; the architecture
	 * leaves it UNPREDICTABLE, so only under tofu). */
	if (under_tofu) {
		EXPECT_TRUE(its_mapti(DEV, 3, LPI_BASE + 7, 0));
		EXPECT_TRUE(its_mapti(DEV_OTHER, 0, LPI_BASE + 3, 0));   /* LPI 3 is event 3's */
	}
	quiet();
	if (!EXPECT_EQ(seen_total(), before))
		for (unsigned c = 0; c < NR_CPUS; c++)
			for (unsigned i = 0; i < SEEN_LPIS; i++)
				if (seen[c][i])
					rt_printf("itstest: vCPU %u saw LPI %u %u times\n", c, LPI_BASE + i, seen[c][i]);
	/* A collection unmapped: its events do nothing until mapped again. */
	EXPECT_TRUE(its_mapti(DEV, 7, LPI_BASE + 7, 1));
	EXPECT_TRUE(its_event(GITS_CMD_INV, DEV, 7));
	EXPECT_TRUE(its_mapc(1, 1, false));
	EXPECT_TRUE(its_event(GITS_CMD_INT, DEV, 7));
	quiet();
	EXPECT_EQ(seen_total(), before);
	EXPECT_TRUE(its_mapc(1, 1, true));
	EXPECT_TRUE(its_event(GITS_CMD_INT, DEV, 7));
	EXPECT_TRUE(wait_seen(1, 7, 1));
	EXPECT_TRUE(its_event(GITS_CMD_INT, DEV, 3));
	EXPECT_TRUE(wait_seen(0, 3, 3));

	/* CWRITER beyond the queue: stalled, nothing more runs; a valid one
	 * with Retry runs the queue again (UNPREDICTABLE in the architecture:
	 * tofu's choice, so only under tofu). */
	if (!under_tofu)
		return;
	its_write64(GITS_CWRITER, ITS_QUEUE_BYTES);
	EXPECT_TRUE(its_read64(GITS_CREADR) & GITS_CREADR_STALLED);
	uint32_t to = its_cmd_put(GITS_CMD_INT | ((uint64_t)DEV << GITS_CMD_DEVID_SHIFT), 3, 0, 0);
	its_write64(GITS_CWRITER, to | GITS_CWRITER_RETRY);
	EXPECT_TRUE(wait_seen(0, 3, 4));
	EXPECT_FALSE(its_read64(GITS_CREADR) & GITS_CREADR_STALLED);
}

/* A DeviceID the VM does not own: MAPD is refused, so nothing it maps
 * raises anything (tofu only: bare QEMU's ITS takes any DeviceID). */
TEST(foreign_device_refused)
{
	if (!under_tofu) {
		rt_printf("itstest: not under tofu: every DeviceID is the guest's\n");
		return;
	}
	uint32_t before = seen_total();
	its_lpi_set(8, LPI_PRIO, true);
	EXPECT_TRUE(its_mapd(DEV_NOT_OWNED, 2, true));
	EXPECT_TRUE(its_mapti(DEV_NOT_OWNED, 0, LPI_BASE + 8, 0));
	EXPECT_TRUE(its_event(GITS_CMD_INV, DEV_NOT_OWNED, 0));
	EXPECT_TRUE(its_event(GITS_CMD_INT, DEV_NOT_OWNED, 0));
	/* GITS_TRANSLATER written by a CPU: trapped, it carries no DeviceID;
	 * in a VM whose devices' MSIs go to the physical ITS, the doorbell
	 * page is that ITS's, whose CPU writes carry DeviceID 0 on QEMU (the
	 * host bridge, which no VM is given): either way nothing arrives. */
	mmio_write32(ITS_DOORBELL, 3);
	quiet();
	EXPECT_EQ(seen_total(), before);
}

/* A device's MSI (edu at 00:02.0, DeviceID 0x10, its MSI capability aimed
 * at GITS_TRANSLATER): through the SMMU and the physical ITS to the VM's
 * ITS, which delivers what the guest mapped, where MOVI says; an event the
 * guest did not map raises nothing, nor does the MSI of the edu at 00:03.0,
 * which is no VM's (its StreamID has no stage 2: the SMMU faults it). */
#define EDU_SLOT_OWN      2
#define EDU_SLOT_OTHER    3
#define MSI_EVENT         9
#define MSI_EVENT_UNMAPPED 10

static void edu_msi_once(struct edu *edu, uint16_t event)
{
	EXPECT_TRUE(edu_msi_on(edu, ITS_DOORBELL, event));
	edu_irq_raise(edu);
}

static void edu_msi_done(struct edu *edu)
{
	edu_irq_ack(edu);
	edu_msi_off(edu);
}

/* The edu's MSI to this vCPU's handler, in counter ticks from the write
 * that raises it to the exception's entry: under tofu the software path
 * (an exit, the virtual ITS, a list register) or, on a GICv4, a direct
 * vLPI.  Printed only (a figure for docs/its.md, measured under -icount,
 * where a tick is an instruction with -cpu max), never checked. */
#define LATENCY_RUNS 16
static void msi_latency(struct edu *edu, uint16_t event)
{
	uint64_t sum = 0, best = ~0ull;
	EXPECT_TRUE(edu_msi_on(edu, ITS_BASE + GITS_TRANSLATER, event));
	for (unsigned i = 0; i < LATENCY_RUNS; i++) {
		uint32_t n = seen_on(0, event);
		uint64_t t0 = timer_now();
		edu_irq_raise(edu);
		EXPECT_TRUE(wait_seen(0, event, n + 1));
		uint64_t d = last_entry - t0;
		sum += d;
		best = d < best ? d : best;
		edu_irq_ack(edu);
	}
	edu_msi_off(edu);
	rt_printf("itstest: edu MSI to its handler: min %lu, mean %lu ticks (%u runs)\n", best, sum / LATENCY_RUNS,
		  LATENCY_RUNS);
}

TEST(device_msi)
{
	struct edu edu, other;
	if (edu_find(EDU_SLOT_OWN, &edu) != EDU_FOUND) {
		rt_printf("itstest: no edu at 00:02.0: no device's MSI\n");
		return;
	}
	EXPECT_TRUE(edu_map(&edu, EDU_SLOT_OWN));
	edu_master(&edu, true);
	its_lpi_set(MSI_EVENT, LPI_PRIO, true);
	EXPECT_TRUE(its_mapti(DEV, MSI_EVENT, LPI_BASE + MSI_EVENT, 1));
	EXPECT_TRUE(its_event(GITS_CMD_INV, DEV, MSI_EVENT));
	edu_msi_once(&edu, MSI_EVENT);
	EXPECT_TRUE(wait_seen(1, MSI_EVENT, 1));
	edu_msi_done(&edu);
	/* Again, with vCPU 1 asleep in WFI: the MSI wakes it (under tofu on a
	 * GICv4, its vPE is not resident while it waits: the doorbell). */
	secondary_sleep_lpi = MSI_EVENT;
	secondary_sleep_until = 2;
	uint64_t end = timer_now() + timer_ms_to_ticks(WAIT_MS);
	while (!secondary_asleep && timer_now() < end)
		;
	EXPECT_TRUE(secondary_asleep);
	quiet();
	edu_msi_once(&edu, MSI_EVENT);
	EXPECT_TRUE(wait_seen(1, MSI_EVENT, 2));
	edu_msi_done(&edu);
	EXPECT_TRUE(its_movi(DEV, MSI_EVENT, 0));
	edu_msi_once(&edu, MSI_EVENT);
	EXPECT_TRUE(wait_seen(0, MSI_EVENT, 1));
	edu_msi_done(&edu);
	quiet();
	/* DISCARD: the event raises nothing (with direct injection, its
	 * physical mapping went too); mapped again, it does. */
	uint32_t before = seen_total();
	EXPECT_TRUE(its_event(GITS_CMD_DISCARD, DEV, MSI_EVENT));
	edu_msi_once(&edu, MSI_EVENT);
	quiet();
	edu_msi_done(&edu);
	EXPECT_EQ(seen_total(), before);
	EXPECT_TRUE(its_mapti(DEV, MSI_EVENT, LPI_BASE + MSI_EVENT, 0));
	edu_msi_once(&edu, MSI_EVENT);
	EXPECT_TRUE(wait_seen(0, MSI_EVENT, 2));
	edu_msi_done(&edu);
	msi_latency(&edu, MSI_EVENT);
	quiet();
	before = seen_total();
	edu_msi_once(&edu, MSI_EVENT_UNMAPPED);
	quiet();
	edu_msi_done(&edu);
	EXPECT_EQ(seen_total(), before);
	if (edu_find(EDU_SLOT_OTHER, &other) == EDU_FOUND) {
		EXPECT_TRUE(edu_map(&other, EDU_SLOT_OTHER));
		edu_master(&other, true);
		edu_msi_once(&other, MSI_EVENT);
		quiet();
		edu_msi_done(&other);
		edu_master(&other, false);
		EXPECT_EQ(seen_total(), before);
	}
	edu_master(&edu, false);
	rt_printf("itstest: edu's MSIs: event %u on vCPU 1 then 0, none once discarded; unmapped and foreign ones dropped\n",
		  MSI_EVENT);
}

static const struct test_case tests[] = {
	TEST_CASE(its_registers),
	TEST_CASE(its_setup),
	TEST_CASE(int_delivers),
	TEST_CASE(movi_moves),
	TEST_CASE(clear_and_discard_stop),
	TEST_CASE(inv_invall_apply),
	TEST_CASE(malformed_refused),
	TEST_CASE(foreign_device_refused),
	TEST_CASE(device_msi),
	TEST_CASE(lpi_survives_cpu_off),
};

int main(const void *dtb)
{
	(void)dtb;
	struct smccc_res r = smccc_hvc(TOFU_HC_VM_ID, 0, 0, 0);
	under_tofu = (int64_t)r.a0 == 0;
	rt_printf("itstest: %s\n", under_tofu ? "under tofu" : "on bare QEMU");
	if (gic_skip_on_v2("no ITS, no LPIs"))
		rt_exit(0);
	enum gic_status gs = gic_init();
	if (gs != GIC_OK) {
		rt_printf("itstest: GIC: %s\n", gic_status_name(gs));
		rt_exit(1);
	}
	irq_set_lpi_handler(lpi_handler);
	sysreg_write_icc_pmr_el1(PMR_TEST);
	__asm__ volatile("msr daifclr, #2" ::: "memory");
	if (!secondary_start())
		rt_exit(1);
	unsigned failed = test_run_all(tests, ARRAY_SIZE(tests));
	rt_printf("ITSTEST: %s (%u failed, %u unexpected IRQs)\n", failed ? "FAILED" : "ALL PASS", failed,
		  irq_unexpected_count());
	rt_exit(failed ? 1 : 0);
}
