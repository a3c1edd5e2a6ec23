/* SPDX-License-Identifier: MIT */
/*
 * The GIC's version-neutral half: the distributor once, each CPU's own
 * interface, the 1-bit-per-INTID arrays that a GICv3 redistributor's SGI
 * frame and any distributor lay out alike.  What differs is in gic_v3.c
 * and gic_v2.c, chosen once from the device tree.  Every wait is bounded by
 * the generic counter so a broken (virtual) GIC reports an error, not a hang.
 */
#include "gic_ops.h"

#include "rt/arch.h"
#include "rt/hw.h"
#include "rt/platform.h"
#include "rt/print.h"
#include "rt/rt.h"
#include "rt/timer.h"

#define GIC_WAIT_MS 100

static const struct gic_ops *gic_ops = &gic_v3_ops;
static bool gic_dist_ready;
uintptr_t gic_v2_cpu_if;

/* This CPU's slot: its Aff0 (tofu's vMPIDRs and QEMU virt's are 0..n-1;
 * on a GICv2 also its CPU interface number). */
unsigned gic_cpu_slot(void)
{
	return (unsigned)((sysreg_read_mpidr_el1() >> MPIDR_AFF0_SHIFT) & MPIDR_AFF_MASK);
}

bool gic_is_v2(void)
{
	return platform_get()->gic_version == 2;
}

bool gic_skip_on_v2(const char *why)
{
	if (!gic_is_v2())
		return false;
	rt_printf("%s: skipped: GICv2 (%s)\n", rt_program_name, why);
	return true;
}

const char *gic_status_name(enum gic_status status)
{
	switch (status) {
	case GIC_OK:
		return "ok";
	case GIC_ERR_NO_REDIST:
		return "no redistributor for this CPU";
	case GIC_ERR_WAKE_TIMEOUT:
		return "redistributor did not wake";
	case GIC_ERR_RWP_TIMEOUT:
		return "distributor RWP timeout";
	case GIC_ERR_NO_SRE:
		return "ICC_SRE_EL1.SRE stuck at 0";
	case GIC_ERR_NO_CPU_IF:
		return "no GICv2 CPU interface for this CPU";
	default:
		return "?";
	}
}

bool gic_wait_clear(uintptr_t reg, uint32_t mask)
{
	uint64_t deadline = timer_now() + timer_ms_to_ticks(GIC_WAIT_MS);

	while (mmio_read32(reg) & mask)
		if (timer_now() > deadline)
			return false;
	return true;
}

uintptr_t gic_dist(void)
{
	return platform_get()->gicd_base;
}

enum gic_status gic_cpu_init(void)
{
	unsigned cpu = gic_cpu_slot();

	gic_ops = gic_is_v2() ? &gic_v2_ops : &gic_v3_ops;
	if (cpu >= GIC_MAX_CPUS)
		return gic_is_v2() ? GIC_ERR_NO_CPU_IF : GIC_ERR_NO_REDIST;
	return gic_ops->cpu_init(cpu);
}

enum gic_status gic_init(void)
{
	enum gic_status status = gic_cpu_init();

	if (status != GIC_OK || gic_dist_ready)
		return status;
	status = gic_ops->dist_enable(gic_dist());
	gic_dist_ready = status == GIC_OK;
	return status;
}

/* Register word and bit of 'intid' in a 1-bit-per-INTID array at 'frame' + 'base'. */
static uintptr_t gic_bit_reg(uintptr_t frame, uint32_t base, uint32_t intid)
{
	return frame + base + 4 * (intid / GICD_IRQS_PER_WORD);
}

static uint32_t gic_bit(uint32_t intid)
{
	return 1u << (intid % GICD_IRQS_PER_WORD);
}

/* Group (GICv3: 1), priority, enable of one INTID in 'frame' (GICR SGI_base or GICD). */
static void gic_irq_enable_in(uintptr_t frame, uint32_t intid, uint8_t priority)
{
	uintptr_t prio_word = frame + GICD_IPRIORITYR + (intid & ~3u);
	unsigned shift = 8 * (intid & 3u);
	uint32_t prio;

	/* Group 1: a group 0 interrupt would be signalled as FIQ (GICD_CTLR.DS = 1). */
	if (gic_ops->set_group1) {
		uintptr_t group = gic_bit_reg(frame, GICD_IGROUPR, intid);

		mmio_write32(group, mmio_read32(group) | gic_bit(intid));
	}
	/* Word access: byte access to IPRIORITYR may not be emulated. */
	prio = mmio_read32(prio_word) & ~(0xffu << shift);
	mmio_write32(prio_word, prio | (uint32_t)priority << shift);
	mmio_write32(gic_bit_reg(frame, GICD_ISENABLER, intid), gic_bit(intid));
}

static bool gic_bit_test(uintptr_t frame, uint32_t base, uint32_t intid)
{
	return mmio_read32(gic_bit_reg(frame, base, intid)) & gic_bit(intid);
}

static void gic_bit_write(uintptr_t frame, uint32_t base, uint32_t intid)
{
	mmio_write32(gic_bit_reg(frame, base, intid), gic_bit(intid));
}

/* ---- SGIs and PPIs ---- */

_Static_assert(GICR_IGROUPR0 == GICD_IGROUPR && GICR_ISENABLER0 == GICD_ISENABLER &&
	       GICR_ICENABLER0 == GICD_ICENABLER && GICR_ISPENDR0 == GICD_ISPENDR &&
	       GICR_ISACTIVER0 == GICD_ISACTIVER && GICR_ICACTIVER0 == GICD_ICACTIVER &&
	       GICR_IPRIORITYR == GICD_IPRIORITYR,
	       "the SGI_base frame lays out word 0 as the distributor does");

void gic_private_irq_enable(uint32_t intid, uint8_t priority)
{
	gic_irq_enable_in(gic_ops->private_frame(), intid, priority);
}

void gic_private_irq_disable(uint32_t intid)
{
	gic_bit_write(gic_ops->private_frame(), GICD_ICENABLER, intid);
	gic_ops->private_sync();
}

bool gic_private_irq_pending(uint32_t intid)
{
	return gic_bit_test(gic_ops->private_frame(), GICD_ISPENDR, intid);
}

bool gic_private_irq_active(uint32_t intid)
{
	return gic_bit_test(gic_ops->private_frame(), GICD_ISACTIVER, intid);
}

void gic_private_irq_deactivate(uint32_t intid)
{
	gic_bit_write(gic_ops->private_frame(), GICD_ICACTIVER, intid);
}

void gic_sgi_send_self(uint32_t intid)
{
	gic_ops->sgi_send_self(intid);
}

void gic_sgi_send(uint32_t intid, unsigned cpu)
{
	gic_ops->sgi_send(intid, cpu);
}

/* ---- SPIs ---- */

uint32_t gic_spi_limit(void)
{
	uint32_t lines = (uint32_t)(mmio_read32(gic_dist() + GICD_TYPER) & GICD_TYPER_ITLINES_MASK);
	uint32_t limit = GICD_IRQS_PER_WORD * (lines + 1);

	return limit > GIC_INTID_SPECIAL ? GIC_INTID_SPECIAL : limit;
}

void gic_spi_route_self(uint32_t intid)
{
	gic_ops->spi_route_self(intid);
}

void gic_spi_enable(uint32_t intid, uint8_t priority)
{
	gic_ops->spi_route_default(intid);
	gic_irq_enable_in(gic_dist(), intid, priority);
}

void gic_spi_disable(uint32_t intid)
{
	gic_bit_write(gic_dist(), GICD_ICENABLER, intid);
	gic_ops->spi_sync();
}

void gic_spi_set_pending(uint32_t intid)
{
	gic_bit_write(gic_dist(), GICD_ISPENDR, intid);
}

void gic_spi_clear_pending(uint32_t intid)
{
	gic_bit_write(gic_dist(), GICD_ICPENDR, intid);
}

bool gic_spi_pending(uint32_t intid)
{
	return gic_bit_test(gic_dist(), GICD_ISPENDR, intid);
}

bool gic_spi_active(uint32_t intid)
{
	return gic_bit_test(gic_dist(), GICD_ISACTIVER, intid);
}

/* ---- acknowledge and end by hand ---- */

uint64_t gic_ack(void)
{
	return gic_ops->ack();
}

void gic_eoi(uint64_t iar)
{
	gic_ops->eoi(iar);
}

void gic_deactivate(uint64_t iar)
{
	gic_ops->deactivate(iar);
}

bool gic_eoi_split(bool split)
{
	return gic_ops->eoi_split(split);
}
