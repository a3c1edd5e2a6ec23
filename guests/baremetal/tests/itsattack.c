/* SPDX-License-Identifier: MIT */
/*
 * itsattack: two VMs with a virtual ITS each and an edu each (pci-functions),
 * one the victim, one the attacker (tests/configs/its-attack.dts,
 * tests/qemu/t_its_attack.sh, docs/its.md).  One binary; bootargs
 * "itsattack.attacker=1" makes the attacker.
 *
 * The victim maps every EventID of its edu (DeviceID 0x10, 00:02.0) to an
 * LPI (event e -> LPI 8192 + e), then raises its edu's MSIs forever, one
 * event after another, and counts every LPI it takes: each MSI must arrive
 * once, on its LPI, and nothing else may arrive.  Every 256 MSIs it prints
 *
 *   itsvictim: <n> MSIs of its own, each arrived once, nothing else
 *
 * or a FAIL line naming what arrived.  Since it has mapped every event of
 * its device, anything the attacker managed to raise on its DeviceID would
 * arrive as an LPI it did not send.
 *
 * The attacker (DeviceID 0x18, 00:03.0) maps its own events 0-15 onto the
 * very LPI numbers the victim uses, then tries to reach the victim:
 *
 *   ATTACK <name>: blocked (<how>)        the attempt reached nothing outside it
 *   ATTACK <name>: SUCCEEDED (<detail>)   it did (or its own MSIs broke)
 *
 * then "ITSATTACK: ALL BLOCKED" (or how many were not) and "itsattack:
 * alive" every 2 s.  Its own MSIs and INTs must keep arriving in it, on
 * the LPIs it mapped, once each.
 */
#include <stdbool.h>
#include <stdint.h>

#include "rt/arch.h"
#include "rt/edu.h"
#include "rt/exception.h"
#include "rt/gic.h"
#include "rt/hw.h"
#include "rt/irq.h"
#include "rt/its.h"
#include "rt/platform.h"
#include "rt/print.h"
#include "rt/rt.h"
#include "rt/timer.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

const char rt_program_name[] = "itsattack";

#define VICTIM_SLOT       2             /* 00:02.0: DeviceID 0x10 */
#define ATTACKER_SLOT     3             /* 00:03.0: DeviceID 0x18 */
#define DEVID(slot)       ((uint32_t)(slot) << 3)
#define LPI_PRIO          0xa0
#define PMR_OPEN          0xf0
#define WAIT_MS           2000          /* for an LPI that must come (a loaded host) */
#define QUIET_MS          50            /* for one that must not */
#define FAULT_GAP_MS      20            /* between two SMMU faults: one log line each */
#define ATTACKER_DELAY_MS 500           /* the victim maps its events first */
#define VICTIM_GAP_MS     2             /* between two of the victim's MSIs */
#define ALIVE_MS          2000
#define OWN_EVENTS        16            /* the attacker's mapped events: 0..15 */
#define SEEN_LPIS         (2 * ITS_NR_EVENTS)

/* What arrived, per LPI (0 = INTID 8192); beyond SEEN_LPIS in `seen_other`. */
static volatile uint32_t seen[SEEN_LPIS];
static volatile uint32_t seen_other;
static uint32_t expected[SEEN_LPIS];

static void lpi_handler(uint32_t intid, uint64_t entry_ticks)
{
	(void)entry_ticks;
	if (intid - LPI_BASE < SEEN_LPIS)
		seen[intid - LPI_BASE]++;
	else
		seen_other++;
}

/* Waits sleep in WFI (the two VMs and the RTOS share a loaded host's
 * cores): the virtual timer, or an LPI, ends each. */
static void timer_irq(uint32_t intid, uint64_t entry_ticks)
{
	(void)intid;
	(void)entry_ticks;
	vtimer_mask();
}

static void sleep_until(uint64_t end)
{
	vtimer_start_at(end);
	arch_wfi();
}

static void pause_ms(uint64_t ms)
{
	uint64_t end = timer_now() + timer_ms_to_ticks(ms);
	while (timer_now() < end)
		sleep_until(end);
}

static bool wait_seen(unsigned n, uint32_t count)
{
	uint64_t end = timer_now() + timer_ms_to_ticks(WAIT_MS);
	while (seen[n] < count && timer_now() < end)
		sleep_until(end);
	return seen[n] >= count;
}

/* The first LPI whose count differs from what was sent, or -1; `seen_other`
 * as SEEN_LPIS. */
static int first_stray(void)
{
	for (unsigned n = 0; n < SEEN_LPIS; n++)
		if (seen[n] != expected[n])
			return (int)n;
	return seen_other ? (int)SEEN_LPIS : -1;
}

/* The ITS, collection 0 on this vCPU, this VM's edu with its MSI on. */
static bool setup(unsigned slot, struct edu *edu)
{
	if (gic_init() != GIC_OK)
		return false;
	irq_set_lpi_handler(lpi_handler);
	irq_set_handler(platform_get()->vtimer_intid, timer_irq);
	gic_private_irq_enable(platform_get()->vtimer_intid, LPI_PRIO);
	sysreg_write_icc_pmr_el1(PMR_OPEN);
	__asm__ volatile("msr daifclr, #2" ::: "memory");
	its_lpis_init(LPI_PRIO);
	if (!its_redist_enable(0) || !its_enable() || !its_mapc(0, 0, true) || !its_sync(0))
		return false;
	if (edu_find(slot, edu) != EDU_FOUND || !edu_map_given(edu, slot))
		return false;
	edu_master(edu, true);
	return edu_msi_on(edu, ITS_DOORBELL, 0);
}

/* One MSI of this VM's edu with `data`, aimed at `addr`. */
static void msi(const struct edu *edu, uint64_t addr, uint16_t data)
{
	edu_msi_aim(edu, addr, data);
	edu_irq_raise(edu);
	edu_irq_ack(edu);
}

/* ---- the victim ---- */

static _Noreturn void victim(void)
{
	struct edu edu;
	const uint32_t dev = DEVID(VICTIM_SLOT);
	bool ok = setup(VICTIM_SLOT, &edu) && its_mapd(dev, 0, true);

	for (unsigned e = 0; ok && e < ITS_NR_EVENTS; e++) {
		its_lpi_set(e, LPI_PRIO, true);
		ok = its_mapti(dev, e, LPI_BASE + e, 0);
	}
	if (!ok || !its_invall(0)) {
		rt_printf("itsvictim: FAIL: its ITS or its edu could not be set up\n");
		rt_exit(1);
	}
	rt_printf("itsvictim: ready: events 0-%u of 00:%02x.0 on LPIs %u-%u\n", ITS_NR_EVENTS - 1, VICTIM_SLOT,
		  LPI_BASE, LPI_BASE + ITS_NR_EVENTS - 1);
	bool failed = false;
	for (uint32_t sent = 0;;) {
		unsigned e = sent % ITS_NR_EVENTS;
		msi(&edu, ITS_DOORBELL, (uint16_t)e);
		sent++;
		expected[e]++;
		if (!wait_seen(e, expected[e]) && !failed) {
			rt_printf("itsvictim: FAIL: its MSI %u (event %u) did not arrive\n", sent, e);
			failed = true;
		}
		int stray = first_stray();
		if (stray >= 0 && !failed) {
			if (stray == SEEN_LPIS)
				rt_printf("itsvictim: FAIL: %u LPIs beyond %u arrived\n", seen_other, LPI_BASE + SEEN_LPIS);
			else
				rt_printf("itsvictim: FAIL: LPI %u arrived %u times, sent %u\n", LPI_BASE + stray,
					  seen[stray], expected[stray]);
			failed = true;
		}
		if (sent % ITS_NR_EVENTS == 0 && !failed)
			rt_printf("itsvictim: %u MSIs of its own, each arrived once, nothing else\n", sent);
		pause_ms(VICTIM_GAP_MS);
	}
}

/* ---- the attacker ---- */

static unsigned not_blocked;

static void verdict(const char *name, bool blocked, const char *how)
{
	rt_printf("ATTACK %s: %s (%s)\n", name, blocked ? "blocked" : "SUCCEEDED", how);
	if (!blocked)
		not_blocked++;
}

/* After QUIET_MS: exactly what this VM raised for itself arrived. */
static bool only_own(const char *name)
{
	pause_ms(QUIET_MS);
	int stray = first_stray();
	if (stray < 0)
		return true;
	if (stray == SEEN_LPIS)
		rt_printf("  %s: %u LPIs beyond %u arrived\n", name, seen_other, LPI_BASE + SEEN_LPIS);
	else
		rt_printf("  %s: LPI %u arrived %u times, expected %u\n", name, LPI_BASE + stray, seen[stray],
			  expected[stray]);
	return false;
}

/* Its own events' MSIs, each once: they arrive here on the LPIs it mapped. */
static bool own_msis(const struct edu *edu)
{
	bool ok = true;
	for (unsigned e = 0; e < OWN_EVENTS; e++) {
		msi(edu, ITS_DOORBELL, (uint16_t)e);
		expected[e]++;
		ok &= wait_seen(e, expected[e]);
	}
	return ok;
}

/* MAPD of DeviceIDs that are not its own (the victim's among them), then
 * MAPTI and INT on them: refused (tofu logs device-not-owned), nothing
 * arrives here, and the victim sees nothing. */
static void attack_forged_mapd(void)
{
	static const uint32_t forged[] = { DEVID(VICTIM_SLOT), DEVID(VICTIM_SLOT) + 1, 0x0, 0xffff, 0x10000 };
	for (unsigned i = 0; i < ARRAY_SIZE(forged); i++)
		(void)its_mapd(forged[i], 1, true);
	for (unsigned i = 0; i < ARRAY_SIZE(forged); i++)
		for (unsigned e = 0; e < OWN_EVENTS; e++) {
			(void)its_mapti(forged[i], e, LPI_BASE + ITS_NR_EVENTS + e, 0);
			(void)its_event(GITS_CMD_INT, forged[i], e);
		}
	verdict("forged-mapd", only_own("forged-mapd"),
		"MAPD of 0x10 (the victim's), 0x11, 0x0, 0xffff, 0x10000 refused; nothing their INTs name arrived");
}

/* INT of its own events, mapped onto the victim's LPI numbers: they arrive
 * here (LPI numbers are each VM's own), never in the victim. */
static void attack_int_victim_lpis(void)
{
	bool ok = true;
	for (unsigned e = 0; e < OWN_EVENTS; e++) {
		ok &= its_event(GITS_CMD_INT, DEVID(ATTACKER_SLOT), e);
		expected[e]++;
		ok &= wait_seen(e, expected[e]);
	}
	verdict("int-victim-lpis", ok && only_own("int-victim-lpis"),
		"INT of its events on LPIs 8192-8207, the victim's numbers too: each arrived here once");
}

/* Its edu's MSI with every EventID, and beyond the 256 of an ITT: those it
 * mapped arrive here once each, the rest nowhere. */
static void attack_msi_every_event(const struct edu *edu)
{
	static const uint16_t beyond[] = { 256, 257, 511, 512, 1023, 4096, 0x7fff, 0xfffe, 0xffff };
	bool ok = true;
	for (unsigned e = 0; e < ITS_NR_EVENTS; e++) {
		msi(edu, ITS_DOORBELL, (uint16_t)e);
		if (e < OWN_EVENTS) {
			expected[e]++;
			ok &= wait_seen(e, expected[e]);
		}
	}
	for (unsigned i = 0; i < ARRAY_SIZE(beyond); i++)
		msi(edu, ITS_DOORBELL, beyond[i]);
	verdict("msi-every-event", ok && only_own("msi-every-event"),
		"EventIDs 0-255 and 9 beyond: its 16 mapped arrived here once each, nothing else anywhere");
}

/* Its edu's MSI aimed anywhere but its doorbell: each write faults in the
 * SMMU (logged against this VM and StreamID 0x18), nothing is raised. */
#define RANDOM_TARGETS    8
#define RANDOM_BASE       0x44000000ul  /* above its 64 MiB of RAM */
#define RANDOM_SPAN       0x3c000000ul  /* to 0x80000000: the rest of the machine's RAM */
#define XORSHIFT_SEED     0x9e3779b97f4a7c15ull
#define WORD_ALIGN_MASK   (~HW_UL(3))

static void attack_msi_elsewhere(const struct edu *edu)
{
	static const uint64_t named[] = {
		ITS_BASE + GITS_CTLR,                                /* its ITS's control frame, where the victim's ITS is too */
		0x080a0040ul,                                        /* its redistributor */
		0x48000040ul,                                        /* RAM that is not its own */
		0x0a000040ul,                                        /* virtio-mmio, no VM's */
		0x80000040ul,                                        /* beyond the machine's RAM */
	};
	uint64_t x = XORSHIFT_SEED;
	for (unsigned i = 0; i < ARRAY_SIZE(named) + RANDOM_TARGETS; i++) {
		uint64_t addr;
		if (i < ARRAY_SIZE(named)) {
			addr = named[i];
		} else {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			addr = (RANDOM_BASE + x % RANDOM_SPAN) & WORD_ALIGN_MASK;
		}
		rt_printf("  MSI of 00:%02x.0 (event 0) aimed at %lx\n", ATTACKER_SLOT, addr);
		msi(edu, addr, 0);
		pause_ms(FAULT_GAP_MS);
	}
	edu_msi_aim(edu, ITS_DOORBELL, 0);
	verdict("msi-elsewhere", only_own("msi-elsewhere"),
		"5 named and 8 random addresses: SMMU faults (tofu's log), nothing raised here or in the victim");
}

/* Its CPU's writes of EventIDs straight to the doorbell page, which is the
 * physical ITS's GITS_TRANSLATER (mapped so that its device's MSIs reach
 * it): a CPU's write carries no device's DeviceID (0 on QEMU, the host
 * bridge, which no VM is given), so nothing is raised anywhere. */
static void attack_cpu_translater(void)
{
	unsigned faults = 0;
	for (unsigned e = 0; e < ITS_NR_EVENTS + 2; e++) {
		faults += exc_probe_write32(ITS_DOORBELL, e).count;
		exc_probe_begin();
		mmio_write16(ITS_DOORBELL, (uint16_t)e);
		faults += exc_probe_end().count;
	}
	rt_printf("  %u CPU writes to GITS_TRANSLATER (%lx), %u faulted\n", 2 * (ITS_NR_EVENTS + 2),
		  (uint64_t)ITS_DOORBELL, faults);
	verdict("cpu-translater", only_own("cpu-translater"),
		"EventIDs 0-257 written by the CPU, 32 and 16 bits: nothing raised here or in the victim");
}

static _Noreturn void attacker(void)
{
	struct edu edu;
	const uint32_t dev = DEVID(ATTACKER_SLOT);
	bool ok = setup(ATTACKER_SLOT, &edu) && its_mapd(dev, 0, true);

	/* Its own events onto the victim's LPI numbers. */
	for (unsigned e = 0; ok && e < OWN_EVENTS; e++) {
		its_lpi_set(e, LPI_PRIO, true);
		its_lpi_set(ITS_NR_EVENTS + e, LPI_PRIO, true);   /* the forged devices' */
		ok = its_mapti(dev, e, LPI_BASE + e, 0);
	}
	if (!ok || !its_invall(0)) {
		rt_printf("itsattack: its ITS or its edu could not be set up\n");
		rt_exit(1);
	}
	pause_ms(ATTACKER_DELAY_MS);
	bool own = own_msis(&edu) && only_own("own-msis");
	rt_printf("itsattack: its own MSIs, events 0-%u: %s\n", OWN_EVENTS - 1,
		  own ? "each arrived here once" : "NOT as sent");
	attack_forged_mapd();
	attack_int_victim_lpis();
	attack_msi_every_event(&edu);
	attack_msi_elsewhere(&edu);
	attack_cpu_translater();
	bool after = own_msis(&edu) && only_own("own-msis");
	rt_printf("itsattack: its own MSIs after the attacks: %s\n", after ? "each arrived here once" : "NOT as sent");
	if (!own || !after)
		not_blocked++;
	if (not_blocked)
		rt_printf("ITSATTACK: %u NOT BLOCKED\n", not_blocked);
	else
		rt_printf("ITSATTACK: ALL BLOCKED\n");
	for (;;) {
		pause_ms(ALIVE_MS);
		rt_printf("itsattack: alive\n");
	}
}

int main(const void *dtb)
{
	(void)dtb;
	if (gic_skip_on_v2("no ITS, no LPIs"))
		rt_exit(0);
	if (platform_bootarg(platform_bootargs(), "itsattack.attacker", 0, NULL))
		attacker();
	victim();
}
