/* SPDX-License-Identifier: MIT */
/*
 * attacker: a VM that tries to reach beyond itself while a victim (rtos)
 * runs beside it.  Each attempt prints one line:
 *
 *   ATTACK <name>: blocked (<how>)        the hypervisor stopped it
 *   ATTACK <name>: SUCCEEDED (<detail>)   it did not (or the outcome is unexplained)
 *
 * then a summary, "ATTACKER: ALL BLOCKED" if nothing got through, and a
 * heartbeat ("attacker: alive", every 2 s) forever, so that a test sees it
 * survived.  Every wait is bounded.  Faulting accesses run inside fault
 * probes; any other exception is reported (ESR/ELR/FAR), the attempt is
 * counted as not blocked, and the next attempt runs.
 *
 * Assumed layout (tofu's isolation config): the victim's RAM at PA
 * 0x50000000, 64 MiB; this VM has 1 vCPU, RAM at IPA 0x40000000 (size from
 * its DTB), 32 SPIs (INTIDs 32..63), one redistributor at 0x080a0000; the
 * PCIe ECAM and MMIO window with StreamIDs 0x10-0x17, an edu at 00:02.0
 * (this VM's) and one at 00:03.0 (no VM's): section (f).
 *
 * Not attempted: PSCI SYSTEM_OFF/SYSTEM_RESET.  A VM may stop only itself
 * with them, which is the lifecycle tests' business; here it would only end
 * the attacker, while the point is that the victim survives the rest.
 *
 * On plain QEMU (no hypervisor) many attempts succeed: that is expected.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tofu/abi.h"

#include "rt/arch.h"
#include "rt/edu.h"
#include "rt/exception.h"
#include "rt/gic.h"
#include "rt/hw.h"
#include "rt/irq.h"
#include "rt/jump.h"
#include "rt/platform.h"
#include "rt/print.h"
#include "rt/rt.h"
#include "rt/smccc.h"
#include "rt/timer.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

const char rt_program_name[] = "attacker";

extern char _start[], __image_end[];   /* image.ld */

#define SZ_2M                0x200000ul
#define PROBE_POISON         0xdeadbeefu
#define ATTACK_MARKER        0xa77ac4edu   /* what a write that got through would leave */

/* (a) the victim's RAM: PA 0x50000000, 64 MiB (first page, +1 MiB: its state page, last page). */
static const uintptr_t victim_ram[] = { 0x50000000ul, 0x50100000ul, 0x53fff000ul };
/* (b) where tofu (PA 0x40200000..) would show if stage 2 were an identity map. */
static const uintptr_t hyp_fixed[] = { 0x80000000ul, 0xbfff0000ul, 0x0ul /* flash */ };
/* (c) QEMU virt devices that are not this VM's. */
static const struct {
	uintptr_t addr;
	const char *what;
} foreign_devices[] = {
	{ 0x09010000ul, "PL031 RTC" },
	{ 0x09030000ul, "PL061 GPIO" },
	{ 0x0a000000ul, "virtio-mmio" },
	{ 0x08080000ul, "GIC ITS" },
	{ 0x080e0000ul, "second redistributor" },
};

/* (c) on a GICv2: QEMU virt's hypervisor control and virtual CPU interface
 * frames, which tofu uses (its GICV shows at this VM's GICC), and the GICv2m. */
static const struct {
	uintptr_t addr;
	const char *what;
} foreign_devices_v2[] = {
	{ 0x08020000ul, "GICv2m MSI frame" },
	{ 0x08030000ul, "GICH (hypervisor control)" },
	{ 0x08040000ul, "GICV (virtual CPU interface)" },
};

/* (d), (e) distributor registers of INTIDs beyond this VM's 32 SPIs. */
#define FOREIGN_INTID_FIRST  64u
#define FOREIGN_INTID_LAST   127u
#define PRIORITY_FLIP        0xf0f0f0f0u   /* written value = old value ^ this */
#define ROUTE_FOREIGN_AFF0   1u
#define ROUTE_ABSENT_AFF0    3u            /* no such vCPU: this VM has one */

/* (f) SGIs */
#define ATTACK_SGI           3u
#define ATTACK_IRQ_PRIORITY  0x80
#define IRQ_WAIT_MS          20            /* for an interrupt that should (not) come */

/* (g) a Silicon Provider service call (SMCCC owner 2) */
#define SMCCC_SIP_FID        0x82000000u

#define HEARTBEAT_MS         2000
#define HEARTBEAT_SLACK_MS   100

/* ---- attempts and verdicts ---- */

struct attack {
	const char *name;
	void (*run)(void);
	bool needs_gic;        /* skipped if the GIC could not be set up */
};

static struct {
	const char *name;          /* attempt in progress */
	bool reported;
	unsigned attempts;
	unsigned blocked;
	unsigned succeeded;
	unsigned skipped;
} att;

static void attack_verdict(bool blocked, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void attack_verdict(bool blocked, const char *fmt, ...)
{
	va_list ap;

	att.reported = true;
	att.attempts++;
	if (blocked)
		att.blocked++;
	else
		att.succeeded++;
	rt_printf("ATTACK %s: %s (", att.name, blocked ? "blocked" : "SUCCEEDED");
	va_start(ap, fmt);
	rt_vprintf(fmt, ap);
	va_end(ap);
	rt_printf(")\n");
}

/* Nothing could be tried (e.g. every address is this VM's own): not counted. */
static void attack_skip(const char *why)
{
	att.reported = true;
	att.skipped++;
	rt_printf("ATTACK %s: skipped (%s)\n", att.name, why);
}

static bool fault_is(const struct fault_record *rec, uint32_t ec)
{
	return rec->count == 1 && esr_ec(rec->esr) == ec;
}

/* ---- (a)-(c): memory and devices outside the VM ---- */

static bool in_range(uint64_t addr, uint64_t base, uint64_t size)
{
	return addr >= base && addr - base < size;
}

/* Without a DTB /memory node, only the image itself is known to be ours. */
static bool in_own_ram(uintptr_t addr)
{
	const struct platform *p = platform_get();

	if (p->ram_size)
		return in_range(addr, p->ram_base, p->ram_size);
	return in_range(addr, (uintptr_t)_start, (uintptr_t)(__image_end - _start));
}

enum mem_op {
	MEM_READ,
	MEM_WRITE,             /* ATTACK_MARKER */
	MEM_READ_WRITE_BACK,   /* read, then write the value read back (0 if the read aborted) */
};

struct mem_tally {
	unsigned tried;
	unsigned aborted;
	bool leaked;           /* first access that did not abort: */
	uintptr_t leak_addr;
	bool leak_write;
	uint32_t leak_value;
	uint32_t leak_ec;      /* exception class if it faulted otherwise, else ESR_EC_MASK + 1 */
};

#define MEM_NO_FAULT (ESR_EC_MASK + 1)

static void mem_one(struct mem_tally *t, uintptr_t addr, bool write, uint32_t *value)
{
	struct fault_record rec = write ? exc_probe_write32(addr, *value)
					: exc_probe_read32(addr, value);
	bool blocked = fault_is(&rec, ESR_EC_DABT_CUR);

	t->tried++;
	if (rec.count)
		rt_printf("  %-5s %08lx: %s, ESR %lx (EC 0x%02x DFSC 0x%02lx) FAR %lx\n",
			  write ? "write" : "read", addr, blocked ? "data abort" : "EXCEPTION",
			  rec.esr, esr_ec(rec.esr), rec.esr & ESR_DABT_DFSC_MASK, rec.far);
	else if (write)
		rt_printf("  write %08lx: completed (%08x)\n", addr, *value);
	else
		rt_printf("  read  %08lx: returned %08x\n", addr, *value);
	if (blocked) {
		t->aborted++;
		return;
	}
	if (!t->leaked) {
		t->leaked = true;
		t->leak_addr = addr;
		t->leak_write = write;
		t->leak_value = *value;
		t->leak_ec = rec.count ? esr_ec(rec.esr) : MEM_NO_FAULT;
	}
}

static void mem_try(struct mem_tally *t, uintptr_t addr, enum mem_op op)
{
	uint32_t value = PROBE_POISON;

	if (in_own_ram(addr)) {
		rt_printf("  %08lx: skipped, inside this VM's own RAM\n", addr);
		return;
	}
	switch (op) {
	case MEM_READ:
		mem_one(t, addr, false, &value);
		break;
	case MEM_WRITE:
		value = ATTACK_MARKER;
		mem_one(t, addr, true, &value);
		break;
	case MEM_READ_WRITE_BACK: {
		unsigned aborted = t->aborted;

		mem_one(t, addr, false, &value);
		if (t->aborted != aborted)
			value = 0;
		mem_one(t, addr, true, &value);
		break;
	}
	default:
		break;
	}
}

static void mem_verdict(const struct mem_tally *t)
{
	if (t->tried == 0) {
		attack_skip("every address is inside this VM's own RAM");
	} else if (!t->leaked) {
		attack_verdict(true, "data abort on all %u accesses", t->tried);
	} else if (t->leak_ec != MEM_NO_FAULT) {
		attack_verdict(false, "%s %08lx: exception EC 0x%02x, not a data abort",
			       t->leak_write ? "write" : "read", t->leak_addr, t->leak_ec);
	} else if (t->leak_write) {
		attack_verdict(false, "write %08lx completed, %u of %u accesses got through",
			       t->leak_addr, t->tried - t->aborted, t->tried);
	} else {
		attack_verdict(false, "read %08lx returned %08x, %u of %u accesses got through",
			       t->leak_addr, t->leak_value, t->tried - t->aborted, t->tried);
	}
}

static void attack_victim_ram(enum mem_op op)
{
	struct mem_tally t = { 0 };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(victim_ram); i++)
		mem_try(&t, victim_ram[i], op);
	mem_verdict(&t);
}

static void attack_victim_ram_read(void)
{
	attack_victim_ram(MEM_READ);
}

static void attack_victim_ram_write(void)
{
	attack_victim_ram(MEM_WRITE);
}

static void attack_hyp_memory(void)
{
	const struct platform *p = platform_get();
	struct mem_tally t = { 0 };
	size_t i;

	if (p->ram_size) {
		uint64_t end = p->ram_base + p->ram_size;

		mem_try(&t, end, MEM_READ_WRITE_BACK);            /* just above its RAM */
		mem_try(&t, end + SZ_2M, MEM_READ_WRITE_BACK);    /* the next 2 MiB block */
	} else {
		rt_printf("  RAM size unknown (no /memory in the DTB): not probing above it\n");
	}
	for (i = 0; i < ARRAY_SIZE(hyp_fixed); i++)
		mem_try(&t, hyp_fixed[i], MEM_READ_WRITE_BACK);
	mem_verdict(&t);
}

static void attack_device_unassigned(void)
{
	const struct platform *p = platform_get();
	struct mem_tally t = { 0 };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(foreign_devices); i++) {
		uintptr_t addr = foreign_devices[i].addr;

		/* Its DTB's GICR region is its own (on plain QEMU: every CPU's). */
		if (in_range(addr, p->gicr_base, p->gicr_size)) {
			rt_printf("  %08lx (%s): skipped, inside this VM's GICR region\n", addr,
				  foreign_devices[i].what);
			continue;
		}
		rt_printf("  %08lx: %s\n", addr, foreign_devices[i].what);
		mem_try(&t, addr, MEM_READ_WRITE_BACK);
	}
	for (i = 0; gic_is_v2() && i < ARRAY_SIZE(foreign_devices_v2); i++) {
		rt_printf("  %08lx: %s\n", foreign_devices_v2[i].addr, foreign_devices_v2[i].what);
		mem_try(&t, foreign_devices_v2[i].addr, MEM_READ_WRITE_BACK);
	}
	mem_verdict(&t);
}

/* ---- (d), (e): distributor registers of INTIDs the VM does not own ---- */

/* GICD accesses run in fault probes: an abort is not an escape, just noted. */
static unsigned gicd_aborts;

static uintptr_t gicd_reg(uint32_t off)
{
	return platform_get()->gicd_base + off;
}

static uint32_t gicd_read32(uint32_t off)
{
	uint32_t v = 0;

	if (exc_probe_read32(gicd_reg(off), &v).count)
		gicd_aborts++;
	return v;
}

static void gicd_write32(uint32_t off, uint32_t v)
{
	if (exc_probe_write32(gicd_reg(off), v).count)
		gicd_aborts++;
}

static uint64_t gicd_read64(uint32_t off)
{
	uint64_t v = 0;

	if (exc_probe_read64(gicd_reg(off), &v).count)
		gicd_aborts++;
	return v;
}

static void gicd_write64(uint32_t off, uint64_t v)
{
	if (exc_probe_write64(gicd_reg(off), v).count)
		gicd_aborts++;
}

static uint32_t gicd_bit_reg(uint32_t base, uint32_t intid)
{
	return base + 4 * (intid / GICD_IRQS_PER_WORD);
}

static void gicd_verdict(bool blocked, const char *how)
{
	if (gicd_aborts)
		attack_verdict(blocked, "%s; %u access(es) aborted", how, gicd_aborts);
	else
		attack_verdict(blocked, "%s", how);
}

/*
 * Set every bit of the set-register (ISENABLER, ISPENDR) words of the
 * foreign INTIDs; blocked if each reads back 0.  Bits that stuck are
 * cleared again through the matching clear-register.
 */
static void gicd_set_bits_attack(const char *reg, uint32_t set_base, uint32_t clear_base)
{
	bool blocked = true;
	uint32_t intid;

	gicd_aborts = 0;
	for (intid = FOREIGN_INTID_FIRST; intid <= FOREIGN_INTID_LAST;
	     intid += GICD_IRQS_PER_WORD) {
		uint32_t off = gicd_bit_reg(set_base, intid), back;

		gicd_write32(off, ~0u);
		back = gicd_read32(off);
		rt_printf("  %s%u (INTIDs %u..%u): wrote ffffffff, read back %08x\n", reg,
			  intid / GICD_IRQS_PER_WORD, intid, intid + GICD_IRQS_PER_WORD - 1, back);
		if (back) {
			blocked = false;
			gicd_write32(gicd_bit_reg(clear_base, intid), back);
		}
	}
	gicd_verdict(blocked, blocked ? "foreign INTIDs read back 0 (RAZ/WI)"
				      : "bits of foreign INTIDs stuck");
}

static void attack_gicd_foreign_enable(void)
{
	gicd_set_bits_attack("GICD_ISENABLER", GICD_ISENABLER, GICD_ICENABLER);
}

static void attack_gicd_foreign_pending(void)
{
	gicd_set_bits_attack("GICD_ISPENDR", GICD_ISPENDR, GICD_ICPENDR);
}

static void attack_gicd_foreign_priority(void)
{
	bool blocked = true;
	uint32_t intid;

	gicd_aborts = 0;
	for (intid = FOREIGN_INTID_FIRST; intid <= FOREIGN_INTID_LAST;
	     intid += GICD_IRQS_PER_WORD) {
		uint32_t off = GICD_IPRIORITYR + intid;   /* one byte per INTID: 4 per word */
		uint32_t before = gicd_read32(off), wrote = before ^ PRIORITY_FLIP, back;

		gicd_write32(off, wrote);
		back = gicd_read32(off);
		rt_printf("  GICD_IPRIORITYR INTIDs %u..%u: was %08x, wrote %08x, read back %08x\n",
			  intid, intid + 3, before, wrote, back);
		if (back != before) {
			blocked = false;
			gicd_write32(off, before);
		}
	}
	gicd_verdict(blocked, blocked ? "priorities of foreign INTIDs unchanged"
				      : "priority of a foreign INTID changed");
}

/* GICv2: one INTID's GICD_ITARGETSR byte, read and written as its word
 * (byte access may not be emulated); the other three bytes written back. */
static uint8_t gicd_targets_read(uint32_t intid)
{
	return (uint8_t)(gicd_read32(GICD_ITARGETSR + (intid & ~3u)) >> (8 * (intid & 3u)));
}

static void gicd_targets_write(uint32_t intid, uint8_t mask)
{
	const uint32_t off = GICD_ITARGETSR + (intid & ~3u);
	const unsigned shift = 8 * (intid & 3u);

	gicd_write32(off, (gicd_read32(off) & ~(uint32_t)(GICD_ITARGETSR_MASK << shift)) | (uint32_t)mask << shift);
}

/* The CPU interfaces beyond this VM's: every one but its own (it has one vCPU). */
static uint8_t foreign_cpu_ifs(void)
{
	return (uint8_t)(GICD_ITARGETSR_MASK & ~(uint32_t)gic_cpu_if_mask());
}

static void attack_gicd_route_foreign_v2(void)
{
	const uint8_t wrote = (uint8_t)(1u << ROUTE_FOREIGN_AFF0);
	uint8_t before, back;

	gicd_aborts = 0;
	before = gicd_targets_read(FOREIGN_INTID_FIRST);
	gicd_targets_write(FOREIGN_INTID_FIRST, wrote);
	back = gicd_targets_read(FOREIGN_INTID_FIRST);
	rt_printf("  GICD_ITARGETSR INTID %u: was %02x, wrote %02x, read back %02x\n",
		  FOREIGN_INTID_FIRST, before, wrote, back);
	if (back != before)
		gicd_targets_write(FOREIGN_INTID_FIRST, before);
	gicd_verdict(back == before, back == before ? "routing of a foreign INTID unchanged"
						    : "routing of a foreign INTID changed");
}

static void attack_gicd_route_foreign(void)
{
	const uint32_t off = GICD_IROUTER + GICD_IROUTER_STRIDE * FOREIGN_INTID_FIRST;
	const uint64_t wrote = (uint64_t)ROUTE_FOREIGN_AFF0 << GICD_IROUTER_AFF0_SHIFT;
	uint64_t before, back;

	if (gic_is_v2()) {
		attack_gicd_route_foreign_v2();
		return;
	}
	gicd_aborts = 0;
	before = gicd_read64(off);
	gicd_write64(off, wrote);
	back = gicd_read64(off);
	rt_printf("  GICD_IROUTER%u: was %lx, wrote %lx, read back %lx\n", FOREIGN_INTID_FIRST,
		  before, wrote, back);
	if (back != before)
		gicd_write64(off, before);
	gicd_verdict(back == before, back == before ? "routing of a foreign INTID unchanged"
						    : "routing of a foreign INTID changed");
}

static volatile uint32_t route_irqs;

static void route_irq_handler(uint32_t intid, uint64_t entry_ticks)
{
	(void)entry_ticks;
	route_irqs = route_irqs + 1;
	gic_spi_disable(intid);   /* once is enough, whatever the trigger mode */
	gic_spi_clear_pending(intid);
}

/* IRQs unmasked for at most 'ms': true if *count moved from 'before'. */
static bool irq_arrives(volatile uint32_t *count, uint32_t before, uint64_t ms)
{
	uint64_t deadline = timer_now() + timer_ms_to_ticks(ms);

	arch_irq_unmask();
	while (*count == before && timer_now() < deadline)
		;
	arch_irq_mask();
	return *count != before;
}

/* Own UART SPI made pending; true if it reached this vCPU. */
static bool own_spi_arrives(uint32_t intid)
{
	bool arrived;

	route_irqs = 0;
	irq_set_handler(intid, route_irq_handler);
	gic_spi_enable(intid, ATTACK_IRQ_PRIORITY);
	gic_spi_set_pending(intid);
	arrived = irq_arrives(&route_irqs, 0, IRQ_WAIT_MS);
	gic_spi_disable(intid);
	gic_spi_clear_pending(intid);
	irq_set_handler(intid, 0);
	return arrived;
}

/*
 * GICv2: its own UART SPI aimed at this CPU interface and at every one
 * beyond the VM's.  Those bits are RAZ/WI (IHI 0048B, 4.3.12): blocked if
 * none of them reads back and the SPI still reaches this vCPU.
 */
static void attack_gicd_route_nonexistent_cpu_v2(uint32_t intid)
{
	const uint8_t own = gic_cpu_if_mask(), wrote = (uint8_t)(own | foreign_cpu_ifs());
	uint8_t before, back;
	bool arrived;

	gicd_aborts = 0;
	before = gicd_targets_read(intid);
	gicd_targets_write(intid, wrote);
	back = gicd_targets_read(intid);
	rt_printf("  GICD_ITARGETSR INTID %u (own UART): was %02x, wrote %02x, read back %02x\n",
		  intid, before, wrote, back);
	arrived = own_spi_arrives(intid);
	gicd_targets_write(intid, before);
	if (back & foreign_cpu_ifs())
		gicd_verdict(false, "CPU interfaces beyond this VM's stuck in ITARGETSR");
	else if (arrived)
		gicd_verdict(true, "other CPU interfaces RAZ/WI, INTID still delivered here");
	else
		gicd_verdict(false, "INTID did not arrive here: routed away");
}

/*
 * Route its own UART SPI to a vCPU that does not exist, then make it
 * pending.  Blocked if it still reaches this vCPU: the write cannot send
 * the VM's interrupts anywhere else (tofu falls back to vCPU 0).
 */
static void attack_gicd_route_nonexistent_cpu(void)
{
	const uint32_t intid = platform_get()->uart_intid;
	const uint32_t off = GICD_IROUTER + GICD_IROUTER_STRIDE * intid;
	const uint64_t wrote = (uint64_t)ROUTE_ABSENT_AFF0 << GICD_IROUTER_AFF0_SHIFT;
	uint64_t before, back;
	bool arrived;

	if (gic_is_v2()) {
		attack_gicd_route_nonexistent_cpu_v2(intid);
		return;
	}
	if (wrote == gic_irouter_self()) {
		attack_skip("this vCPU has the affinity meant to be absent");
		return;
	}
	gicd_aborts = 0;
	before = gicd_read64(off);
	gicd_write64(off, wrote);
	back = gicd_read64(off);
	rt_printf("  GICD_IROUTER%u (own UART): was %lx, wrote %lx, read back %lx\n", intid,
		  before, wrote, back);
	arrived = own_spi_arrives(intid);
	gicd_write64(off, before);

	if (arrived)
		gicd_verdict(true, "INTID still delivered to this vCPU");
	else
		gicd_verdict(false, "INTID did not arrive here: routed away");
}

/* ---- (f): SGIs to CPUs that are not this VM's ---- */

static volatile uint32_t sgi_irqs;

static void sgi_handler(uint32_t intid, uint64_t entry_ticks)
{
	(void)intid;
	(void)entry_ticks;
	sgi_irqs = sgi_irqs + 1;
}

static bool sgi_ready;   /* SGI handler installed and a self-SGI came back */

static void sgi_setup(void)
{
	irq_set_handler(ATTACK_SGI, sgi_handler);
	gic_private_irq_enable(ATTACK_SGI, ATTACK_IRQ_PRIORITY);
	gic_sgi_send_self(ATTACK_SGI);
	sgi_ready = irq_arrives(&sgi_irqs, 0, IRQ_WAIT_MS);
	rt_printf("attacker: control: SGI %u to itself %s\n", ATTACK_SGI,
		  sgi_ready ? "arrived" : "did NOT arrive (SGI verdicts below are weak)");
}

/* Write ICC_SGI1R_EL1 (GICv2: GICD_SGIR, in a fault probe); true if an SGI
 * came back to this vCPU within the wait. */
static bool sgi_send_arrives(const char *what, uint64_t value)
{
	uint32_t before = sgi_irqs;
	bool arrived;

	if (gic_is_v2()) {
		gicd_write32(GICD_SGIR, (uint32_t)value);
	} else {
		sysreg_write_icc_sgi1r_el1(value);
		arch_isb();
	}
	arrived = irq_arrives(&sgi_irqs, before, IRQ_WAIT_MS);
	rt_printf("  %s = %016lx (%s): %s within %u ms\n", gic_is_v2() ? "GICD_SGIR" : "ICC_SGI1R_EL1",
		  value, what, arrived ? "an SGI arrived here" : "nothing arrived here", IRQ_WAIT_MS);
	return arrived;
}

/* GICv2: SGIR's target list naming every CPU interface beyond this VM's. */
static void attack_sgi_foreign_cpu_v2(void)
{
	const uint64_t sgir = GICD_SGIR_FILTER_LIST << GICD_SGIR_FILTER_SHIFT |
			      (uint64_t)foreign_cpu_ifs() << GICD_SGIR_TARGETS_SHIFT | ATTACK_SGI;
	bool arrived;

	gicd_aborts = 0;
	arrived = sgi_send_arrives("every CPU interface but its own", sgir);
	gicd_verdict(!arrived, arrived ? "an SGI meant for others arrived here"
				       : "no SGI arrived here, nothing crashed");
}

static const char *sgi_note(void)
{
	return sgi_ready ? "" : "; self-SGI control failed too";
}

static void attack_sgi_foreign_cpu(void)
{
	const uint64_t intid = (uint64_t)ATTACK_SGI << ICC_SGI1R_INTID_SHIFT;
	const uint64_t cluster = gic_sgi1r_cluster_self();
	const uint64_t aff0 = (sysreg_read_mpidr_el1() >> MPIDR_AFF0_SHIFT) & MPIDR_AFF_MASK;
	const uint64_t rs = (aff0 / ICC_SGI1R_TARGETS_PER_RS) << ICC_SGI1R_RS_SHIFT;
	const uint64_t self_bit = 1ul << (aff0 % ICC_SGI1R_TARGETS_PER_RS);
	const uint64_t other_cluster = cluster ^ (1ul << ICC_SGI1R_AFF1_SHIFT);
	bool arrived;

	if (gic_is_v2()) {
		attack_sgi_foreign_cpu_v2();
		return;
	}
	arrived = sgi_send_arrives("every other Aff0 of its cluster",
				   intid | cluster | rs | (ICC_SGI1R_TARGETS_MASK & ~self_bit));
	arrived |= sgi_send_arrives("every Aff0 of another Aff1",
				    intid | other_cluster | ICC_SGI1R_TARGETS_MASK);
	attack_verdict(!arrived, "%s%s", arrived ? "an SGI meant for others arrived here"
						 : "no SGI arrived here, nothing crashed",
		       sgi_note());
}

static void attack_sgi_broadcast(void)
{
	const uint64_t sgi1r = gic_is_v2() ? GICD_SGIR_FILTER_OTHERS << GICD_SGIR_FILTER_SHIFT | ATTACK_SGI
					   : (uint64_t)ATTACK_SGI << ICC_SGI1R_INTID_SHIFT | ICC_SGI1R_IRM;
	bool arrived = sgi_send_arrives(gic_is_v2() ? "TargetListFilter: all but self" : "IRM: all but self", sgi1r);

	attack_verdict(!arrived, "%s%s", arrived ? "the broadcast came back to the sender"
						 : "no SGI arrived here, nothing crashed",
		       sgi_note());
}

/* ---- (g): SMC to the firmware ---- */

static void attack_smc_firmware(void)
{
	const uint32_t fid = PSCI_CPU_ON_FID | SMCCC_SMC64;
	struct fault_record rec;
	struct smccc_res res;

	/* Target MPIDR 0, entry = its own parking loop: never the firmware's CPU 0. */
	exc_probe_begin();
	res = smccc_smc(fid, 0, (uintptr_t)rt_hang, 0);
	rec = exc_probe_end();
	if (rec.count) {
		attack_verdict(fault_is(&rec, ESR_EC_UNKNOWN), "smc UNDEFINED at EL1, ESR %lx",
			       rec.esr);
		return;
	}
	/* PSCI return codes are int32 (DEN0022D 5.2.2), also for SMC64 calls. */
	rt_printf("  smc CPU_ON(MPIDR 0): x0 = %lx\n", res.a0);
	if (smccc_w(res.a0) == PSCI_RET_ALREADY_ON)
		attack_verdict(true, "PSCI answered ALREADY_ON: its own virtual CPU 0");
	else
		attack_verdict(smccc_w(res.a0) != PSCI_RET_SUCCESS, "PSCI answered %d",
			       smccc_w(res.a0));
}

static void attack_smc_sip(void)
{
	struct fault_record rec;
	struct smccc_res res;

	exc_probe_begin();
	res = smccc_smc(SMCCC_SIP_FID, 0, 0, 0);
	rec = exc_probe_end();
	if (rec.count)
		attack_verdict(fault_is(&rec, ESR_EC_UNKNOWN), "smc UNDEFINED at EL1, ESR %lx",
			       rec.esr);
	else
		attack_verdict(smccc_w(res.a0) == SMCCC_RET_NOT_SUPPORTED, "SiP call answered %d",
			       smccc_w(res.a0));
}

/* ---- (h), (i): EL2 system registers and instructions from EL1 ---- */

/* One instruction in a fault probe; *value is its register operand (in and out). */
#define PROBE_INSN(fn, insn)                                                  \
	static struct fault_record fn(uint64_t *value)                        \
	{                                                                     \
		uint64_t v = *value;                                          \
		exc_probe_begin();                                            \
		__asm__ volatile(insn : "+r"(v) : : "memory");                \
		*value = v;                                                   \
		return exc_probe_end();                                       \
	}

PROBE_INSN(probe_read_hcr_el2, "mrs %0, hcr_el2")
PROBE_INSN(probe_read_vttbr_el2, "mrs %0, vttbr_el2")
PROBE_INSN(probe_read_ich_hcr_el2, "mrs %0, ich_hcr_el2")
PROBE_INSN(probe_read_cnthp_ctl_el2, "mrs %0, cnthp_ctl_el2")
PROBE_INSN(probe_write_cnthp_cval_el2, "msr cnthp_cval_el2, %0")
PROBE_INSN(probe_read_cnthctl_el2, "mrs %0, cnthctl_el2")
PROBE_INSN(probe_tlbi_vmalls12e1is, "tlbi vmalls12e1is // %0 unused")
PROBE_INSN(probe_at_s12e1r, "at s12e1r, %0")
PROBE_INSN(probe_read_par_el1, "mrs %0, par_el1")

struct insn_probe {
	const char *what;
	struct fault_record (*fn)(uint64_t *value);
	uint64_t arg;
};

/* Blocked if every instruction is UNDEFINED (EC 0x00 at EL1). */
static void attack_undef(const struct insn_probe *probes, size_t n)
{
	const char *leak = NULL;
	uint64_t leak_value = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		uint64_t v = probes[i].arg;
		struct fault_record rec = probes[i].fn(&v);

		if (rec.count)
			rt_printf("  %s: exception, ESR %lx (EC 0x%02x)\n", probes[i].what, rec.esr,
				  esr_ec(rec.esr));
		else
			rt_printf("  %s: executed, x = %lx\n", probes[i].what, v);
		if (!fault_is(&rec, ESR_EC_UNKNOWN) && !leak) {
			leak = probes[i].what;
			leak_value = v;
		}
	}
	if (leak)
		attack_verdict(false, "%s was not UNDEFINED (x = %lx)", leak, leak_value);
	else
		attack_verdict(true, "UNDEFINED instruction for all %zu", n);
}

static void attack_sysreg_el2(void)
{
	static const struct insn_probe probes[] = {
		{ "mrs hcr_el2", probe_read_hcr_el2, PROBE_POISON },
		{ "mrs vttbr_el2", probe_read_vttbr_el2, PROBE_POISON },
		{ "mrs ich_hcr_el2", probe_read_ich_hcr_el2, PROBE_POISON },
	};

	attack_undef(probes, ARRAY_SIZE(probes));
}

/* The hypervisor's own timer (CNTHP) and its controls: out of EL1's reach.
 * (The EL1 physical timer is the VM's own, emulated per vCPU.) */
static void attack_sysreg_hyp_timer(void)
{
	static const struct insn_probe probes[] = {
		{ "mrs cnthp_ctl_el2", probe_read_cnthp_ctl_el2, PROBE_POISON },
		{ "msr cnthp_cval_el2", probe_write_cnthp_cval_el2, 0 },
		{ "mrs cnthctl_el2", probe_read_cnthctl_el2, PROBE_POISON },
	};

	attack_undef(probes, ARRAY_SIZE(probes));
}

static void attack_stage2_tlb_games(void)
{
	/* AT S12E1R would leave the PA of the victim's RAM base in PAR_EL1. */
	const struct insn_probe probes[] = {
		{ "tlbi vmalls12e1is", probe_tlbi_vmalls12e1is, 0 },
		{ "at s12e1r", probe_at_s12e1r, victim_ram[0] },
	};
	uint64_t par = 0;

	attack_undef(probes, ARRAY_SIZE(probes));
	if (!probe_read_par_el1(&par).count)
		rt_printf("  PAR_EL1 afterwards: %lx\n", par);
}

/* ---- (f) DMA: QEMU's edu PCI devices ----
 * The config gives this VM the PCIe ECAM and the 32-bit MMIO window and
 * StreamIDs 0x10-0x17 (device 2: iommu-streams); QEMU runs with an edu at
 * 00:02.0 (StreamID 0x10, this VM's) and one at 00:03.0 (0x18, no VM's)
 * (tests/qemu/t_isolation.sh).  The attacker numbers their BAR0s itself.
 *   dma-own-device: edu 00:02.0 copies within this VM's own RAM, both ways,
 *     which must work (the data checked here), then into the victim's PA and
 *     an IPA beyond this VM's RAM and out of the victim's PA: none is in its
 *     stage 2, so each faults in the SMMU against this VM.  Bus mastering is
 *     left on: tofu must turn it off when the VM stops (a restart sees it off).
 *   dma-unassigned-device: edu 00:03.0 copies into the victim, the
 *     hypervisor and this VM's own RAM: its StreamID is no VM's, so every
 *     transfer faults and the memory stays as it was.
 * Skipped when the DTB has no ECAM or the edu is not found. */
#define EDU_SLOT_OWN         2             /* StreamID 0x10: this VM's (iommu-streams) */
#define EDU_SLOT_UNOWNED     3             /* StreamID 0x18: no VM's */
#define EDU_DMA_BYTES        64
#define OWN_PATTERN          0x0c0ffee0u   /* RAM -> edu, plus the word's index */

static uint8_t dma_own[4096] __attribute__((aligned(4096)));

/* The edu in `slot` of bus 0, its BAR0 numbered, memory decoding and bus
 * mastering on.  false (and a skip or a verdict) when there is none. */
static bool edu_ready(unsigned slot, struct edu *edu)
{
	switch (edu_find(slot, edu)) {
	case EDU_NO_BRIDGE:
		attack_skip("no PCIe ECAM and MMIO window in the DTB");
		return false;
	case EDU_ABSENT:
		attack_skip(slot == EDU_SLOT_OWN ? "no edu device at 00:02.0" : "no edu device at 00:03.0");
		return false;
	case EDU_FOUND:
		break;
	}
	bool answers = edu_map(edu, slot);
	edu_master(edu, true);
	rt_printf("  edu at 00:%02x.0, BAR0 %lx, ID %x, COMMAND was %x\n", slot, edu->bar,
		  mmio_read32(edu->bar + EDU_ID), edu->command_found);
	if (!answers) {
		attack_verdict(false, "edu's BAR0 does not answer");
		return false;
	}
	return true;
}

/* Words of this VM's DMA page: the pattern at `off`, or all zero. */
static void own_set(size_t off, bool pattern)
{
	for (size_t i = 0; i < EDU_DMA_BYTES; i += 4)
		*(volatile uint32_t *)&dma_own[off + i] = pattern ? OWN_PATTERN + (uint32_t)i : 0;
	arch_dsb_sy();
}

static bool own_is(size_t off, bool pattern)
{
	bool same = true;
	arch_dsb_sy();
	for (size_t i = 0; i < EDU_DMA_BYTES; i += 4)
		same &= *(volatile uint32_t *)&dma_own[off + i] == (pattern ? OWN_PATTERN + (uint32_t)i : 0);
	return same;
}

#define OWN_SRC   0       /* offsets in dma_own */
#define OWN_BACK  1024
#define OWN_PROBE 2048

static void attack_dma_own(void)
{
	struct edu edu;
	size_t i;

	if (!edu_ready(EDU_SLOT_OWN, &edu))
		return;
	/* Own RAM -> edu's buffer -> own RAM elsewhere: edu's buffer is not in
	 * its BAR, so the round trip is the proof that both directions work. */
	own_set(OWN_SRC, true);
	own_set(OWN_BACK, false);
	own_set(OWN_PROBE, false);
	bool in = edu_dma(&edu, (uintptr_t)&dma_own[OWN_SRC], EDU_BUFFER, EDU_DMA_BYTES, 0);
	bool out = edu_dma(&edu, EDU_BUFFER, (uintptr_t)&dma_own[OWN_BACK], EDU_DMA_BYTES, EDU_DMA_TO_RAM);
	bool works = in && out && own_is(OWN_BACK, true);
	rt_printf("  DMA own RAM %lx -> edu -> own RAM %lx: %s\n", (uintptr_t)&dma_own[OWN_SRC],
		  (uintptr_t)&dma_own[OWN_BACK], works ? "the data arrived" : "the data is MISSING");
	/* Beyond its stage 2: the victim's PA, an IPA past its RAM (the
	 * victim checks its own memory). */
	const uint64_t targets[] = { victim_ram[0], hyp_fixed[0] };
	for (i = 0; i < ARRAY_SIZE(targets); i++) {
		bool done = edu_dma(&edu, EDU_BUFFER, targets[i], EDU_DMA_BYTES, EDU_DMA_TO_RAM);
		rt_printf("  DMA edu -> %lx: %s\n", targets[i], done ? "transfer ended" : "no end in time");
	}
	/* Out of the victim's PA into edu's buffer, then the buffer here: it
	 * must hold the pattern still, or the zeros of a faulted read. */
	edu_dma(&edu, victim_ram[0], EDU_BUFFER, EDU_DMA_BYTES, 0);
	edu_dma(&edu, EDU_BUFFER, (uintptr_t)&dma_own[OWN_PROBE], EDU_DMA_BYTES, EDU_DMA_TO_RAM);
	bool foreign_blocked = own_is(OWN_PROBE, true) || own_is(OWN_PROBE, false);
	rt_printf("  DMA %lx -> edu -> own RAM: word 0 %x, %s\n", victim_ram[0],
		  *(volatile uint32_t *)&dma_own[OWN_PROBE], foreign_blocked ? "not the victim's" : "the VICTIM's?");
	/* Bus mastering stays on: tofu turns it off when this VM stops. */
	attack_verdict(works && foreign_blocked && !(edu.command_found & PCI_COMMAND_MASTER),
		       "own RAM both ways %s, outside its stage 2 %s (the SMMU faults; the victim checks its "
		       "memory), bus mastering at start %s", works ? "works" : "FAILED",
		       foreign_blocked ? "blocked" : "READ", edu.command_found & PCI_COMMAND_MASTER ? "ON (left by the last run)" : "off");
}

/* An MSI aimed at the ITS's doorbell: edu's MSI capability pointed at
 * GITS_TRANSLATER, then an interrupt raised.  The write goes out as DMA
 * through this VM's stage 2 in the SMMU, which has no ITS in it: it faults
 * (tofu logs it; t_isolation.sh checks the line).  The guest itself cannot
 * tell a dropped MSI from a faulted one, so the verdict is that the MSI was
 * sent and nothing arrived here. */
#define ITS_BASE      0x08080000ul        /* QEMU virt's ITS (its DTB gives this VM none) */
#define MSI_DATA      0x2au               /* an EventID */
#define MSI_WAIT_MS   10                  /* for the write to reach the SMMU */

static void attack_dma_msi_its(void)
{
	struct edu edu;

	if (!edu_ready(EDU_SLOT_OWN, &edu))
		return;
	uintptr_t doorbell = ITS_BASE + GITS_TRANSLATER;
	if (!edu_msi_on(&edu, doorbell, MSI_DATA)) {
		attack_skip("edu has no MSI capability");
		return;
	}
	edu_irq_raise(&edu);
	for (uint64_t end = timer_now() + timer_ms_to_ticks(MSI_WAIT_MS); timer_now() < end;)
		arch_isb();
	edu_irq_ack(&edu);
	edu_msi_off(&edu);
	rt_printf("  MSI of edu 00:%02x.0 sent to the ITS doorbell %lx\n", EDU_SLOT_OWN, doorbell);
	attack_verdict(true, "the MSI write went to the SMMU (tofu logs its fault against this VM)");
}

static void attack_dma_unowned(void)
{
	struct edu edu;
	unsigned blocked = 0, tries = 0;
	size_t i;

	if (!edu_ready(EDU_SLOT_UNOWNED, &edu))
		return;
	/* Out of edu's buffer (zeros): into the victim, the hypervisor, and this
	 * VM's own RAM, which holds the pattern and must keep it. */
	own_set(OWN_SRC, true);
	const uint64_t targets[] = { victim_ram[0], 0x40200000ul, (uintptr_t)&dma_own[OWN_SRC] };
	for (i = 0; i < ARRAY_SIZE(targets); i++) {
		tries++;
		bool done = edu_dma(&edu, EDU_BUFFER, targets[i], EDU_DMA_BYTES, EDU_DMA_TO_RAM);
		rt_printf("  DMA edu -> %lx: %s\n", targets[i], done ? "transfer ended" : "no end in time");
		blocked += done;
	}
	/* Into edu's buffer, from the victim's RAM: the fault is logged by tofu. */
	tries++;
	blocked += edu_dma(&edu, victim_ram[0], EDU_BUFFER, EDU_DMA_BYTES, 0);
	bool own_clean = own_is(OWN_SRC, true);
	mmio_write32(edu.cfg + PCI_COMMAND, 0);
	attack_verdict(blocked == tries && own_clean, "%u of %u transfers ended, own RAM %s (the SMMU faults; "
		       "the victim checks its own memory)", blocked, tries, own_clean ? "unchanged" : "WRITTEN");
}

/* ---- the run ---- */

static const struct attack attacks[] = {
	{ .name = "victim-ram-read", .run = attack_victim_ram_read },
	{ .name = "victim-ram-write", .run = attack_victim_ram_write },
	{ .name = "hyp-memory", .run = attack_hyp_memory },
	{ .name = "device-unassigned", .run = attack_device_unassigned },
	{ .name = "gicd-foreign-enable", .run = attack_gicd_foreign_enable },
	{ .name = "gicd-foreign-priority", .run = attack_gicd_foreign_priority },
	{ .name = "gicd-foreign-pending", .run = attack_gicd_foreign_pending },
	{ .name = "gicd-route-foreign", .run = attack_gicd_route_foreign },
	{ .name = "gicd-route-nonexistent-cpu", .run = attack_gicd_route_nonexistent_cpu,
	  .needs_gic = true },
	{ .name = "sgi-foreign-cpu", .run = attack_sgi_foreign_cpu, .needs_gic = true },
	{ .name = "sgi-broadcast", .run = attack_sgi_broadcast, .needs_gic = true },
	{ .name = "smc-firmware", .run = attack_smc_firmware },
	{ .name = "smc-sip", .run = attack_smc_sip },
	{ .name = "sysreg-el2", .run = attack_sysreg_el2 },
	{ .name = "sysreg-hyp-timer", .run = attack_sysreg_hyp_timer },
	{ .name = "stage2-tlb-games", .run = attack_stage2_tlb_games },
	{ .name = "dma-own-device", .run = attack_dma_own },
	{ .name = "dma-msi-its", .run = attack_dma_msi_its },
	{ .name = "dma-unassigned-device", .run = attack_dma_unowned },
	/* psci-system-off: deliberately not attempted, see the top of the file. */
};

static struct exc_recovery recovery;

static void attack_run(const struct attack *a, bool gic_ok)
{
	att.name = a->name;
	att.reported = false;
	rt_printf("attacker: --- %s\n", a->name);
	if (a->needs_gic && !gic_ok) {
		attack_skip("GIC set-up failed");
		return;
	}
	arch_irq_mask();
	if (rt_setjmp(&recovery.jmp) == 0) {
		exc_recovery_arm(&recovery);
		a->run();
		exc_recovery_disarm();
	} else if (!att.reported) {
		attack_verdict(false, "no verdict: unexpected exception, ESR %lx ELR %lx FAR %lx",
			       recovery.fault.esr, recovery.fault.elr, recovery.fault.far);
	} else {
		rt_printf("attacker: unexpected exception after the verdict, ESR %lx ELR %lx\n",
			  recovery.fault.esr, recovery.fault.elr);
	}
	arch_irq_mask();
	if (!att.reported)
		attack_verdict(false, "no verdict reported");
}

static void attacker_fatal(const char *why)
{
	rt_printf("attacker: FATAL: %s; halted\n", why);
}

static void attacker_identify(void)
{
	const struct platform *p = platform_get();
	struct fault_record rec;
	struct smccc_res res;

	exc_probe_begin();
	res = smccc_hvc(TOFU_HC_VM_ID, 0, 0, 0);
	rec = exc_probe_end();
	if (rec.count)
		rt_printf("attacker: started, VM-ID unknown (HVC undefined, ESR %lx)\n", rec.esr);
	else if (smccc_w(res.a0) != TOFU_OK)
		rt_printf("attacker: started, VM-ID unknown (TOFU_HC_VM_ID returned %d)\n",
			  smccc_w(res.a0));
	else
		rt_printf("attacker: started, VM-ID %u, vCPU %u\n", (uint32_t)res.a1,
			  (uint32_t)res.a2);
	rt_printf("attacker: MPIDR_EL1 %lx, own RAM %lx size %lx%s\n", sysreg_read_mpidr_el1(),
		  p->ram_base, p->ram_size, p->ram_size ? "" : " (unknown)");
	if (gic_is_v2())
		rt_printf("attacker: GICv2: GICD %lx (SPIs up to INTID %u), GICC %lx, UART INTID %u\n",
			  p->gicd_base, gic_spi_limit() - 1, p->gicc_base, p->uart_intid);
	else
		rt_printf("attacker: GICD %lx (SPIs up to INTID %u), GICR %lx size %lx, UART INTID %u\n",
			  p->gicd_base, gic_spi_limit() - 1, p->gicr_base, p->gicr_size, p->uart_intid);
}

/* ---- heartbeat ---- */

static volatile uint32_t heartbeat_irqs;

static void heartbeat_handler(uint32_t intid, uint64_t entry_ticks)
{
	(void)intid;
	(void)entry_ticks;
	heartbeat_irqs = heartbeat_irqs + 1;
	vtimer_mask();   /* drop the level before EOI */
}

/*
 * WFI until the virtual timer fires, once it has been seen to fire; until
 * then (or without a GIC) the deadline is polled, so it never hangs.
 */
static _Noreturn void attacker_heartbeat(bool gic_ok)
{
	const uint32_t intid = platform_get()->vtimer_intid;
	const uint64_t period = timer_ms_to_ticks(HEARTBEAT_MS);
	const uint64_t slack = timer_ms_to_ticks(HEARTBEAT_SLACK_MS);
	bool use_wfi = false;

	if (gic_ok) {
		irq_set_handler(intid, heartbeat_handler);
		gic_private_irq_enable(intid, ATTACK_IRQ_PRIORITY);
	}
	for (;;) {
		uint32_t before = heartbeat_irqs;
		uint64_t deadline = timer_now() + period;

		vtimer_start_at(deadline);
		arch_irq_mask();
		while (heartbeat_irqs == before && timer_now() < deadline + slack) {
			if (use_wfi)
				arch_wfi();
			arch_irq_unmask();
			arch_isb();
			arch_irq_mask();
		}
		if (heartbeat_irqs == before && use_wfi)
			rt_printf("attacker: timer IRQ missing, polling from now on\n");
		use_wfi = gic_ok && heartbeat_irqs != before;
		rt_printf("attacker: alive\n");
	}
}

int main(const void *dtb)
{
	enum gic_status status;
	size_t i;

	(void)dtb;   /* parsed by rt_init() */
	rt_set_fatal_handler(attacker_fatal);
	attacker_identify();
	status = gic_init();
	if (status != GIC_OK)
		rt_printf("attacker: GIC set-up failed: %s\n", gic_status_name(status));
	else
		sgi_setup();

	for (i = 0; i < ARRAY_SIZE(attacks); i++)
		attack_run(&attacks[i], status == GIC_OK);

	rt_printf("ATTACKER: %u attempts, %u blocked, %u succeeded\n", att.attempts, att.blocked,
		  att.succeeded);
	if (att.skipped)
		rt_printf("ATTACKER: %u skipped (not counted)\n", att.skipped);
	if (att.succeeded == 0)
		rt_printf("ATTACKER: ALL BLOCKED\n");
	attacker_heartbeat(status == GIC_OK);
}
