/* SPDX-License-Identifier: MIT */
/*
 * GICv3 set-up (IHI 0069): the distributor once, and each CPU's own
 * redistributor and CPU interface.  Every wait is bounded by the generic
 * counter so a broken (virtual) GIC reports an error, not a hang.
 */
#include "rt/gic.h"

#include "rt/arch.h"
#include "rt/hw.h"
#include "rt/platform.h"
#include "rt/timer.h"

#define GIC_WAIT_MS 100
#define GIC_MAX_REDISTS 256
#define GIC_MAX_CPUS    8        /* CPUs with Aff0 0..7, the rest 0 */

static uintptr_t gicr_rds[GIC_MAX_CPUS];   /* each CPU's RD_base, 0 until found */
static bool gic_dist_ready;

/* This CPU's slot: its Aff0 (tofu's vMPIDRs and QEMU virt's are 0..n-1). */
static unsigned gic_cpu_slot(void)
{
	return (unsigned)((sysreg_read_mpidr_el1() >> MPIDR_AFF0_SHIFT) & MPIDR_AFF_MASK);
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
	default:
		return "?";
	}
}

uintptr_t gic_redist_base(void)
{
	unsigned cpu = gic_cpu_slot();
	return cpu < GIC_MAX_CPUS ? gicr_rds[cpu] : 0;
}

static bool gic_wait_clear(uintptr_t reg, uint32_t mask)
{
	uint64_t deadline = timer_now() + timer_ms_to_ticks(GIC_WAIT_MS);

	while (mmio_read32(reg) & mask)
		if (timer_now() > deadline)
			return false;
	return true;
}

static uint32_t gic_mpidr_affinity(void)
{
	uint64_t mpidr = sysreg_read_mpidr_el1();

	/* Same packing as GICR_TYPER[63:32]: Aff3.Aff2.Aff1.Aff0. */
	return (uint32_t)(((mpidr >> MPIDR_AFF3_SHIFT) & MPIDR_AFF_MASK) << 24 |
			  ((mpidr >> MPIDR_AFF2_SHIFT) & MPIDR_AFF_MASK) << 16 |
			  ((mpidr >> MPIDR_AFF1_SHIFT) & MPIDR_AFF_MASK) << 8 |
			  ((mpidr >> MPIDR_AFF0_SHIFT) & MPIDR_AFF_MASK));
}

static uintptr_t gic_find_redist(void)
{
	const struct platform *p = platform_get();
	uint32_t want = gic_mpidr_affinity();
	uintptr_t rd = p->gicr_base;
	unsigned i;

	for (i = 0; i < GIC_MAX_REDISTS; i++) {
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

static enum gic_status gic_dist_enable(uintptr_t gicd)
{
	uint32_t ctlr = mmio_read32(gicd + GICD_CTLR);

	/* ARE must be set while the groups are disabled (IHI 0069, 12.9.4). */
	if (!(ctlr & GICD_CTLR_ARE)) {
		ctlr &= ~(uint32_t)(GICD_CTLR_ENABLE_GRP0 | GICD_CTLR_ENABLE_GRP1);
		mmio_write32(gicd + GICD_CTLR, ctlr | GICD_CTLR_ARE);
		if (!gic_wait_clear(gicd + GICD_CTLR, GICD_CTLR_RWP))
			return GIC_ERR_RWP_TIMEOUT;
	}
	/* Bit 0 is Group 0 (single security state) or a RES0/legacy bit: harmless. */
	mmio_write32(gicd + GICD_CTLR, GICD_CTLR_ARE | GICD_CTLR_ENABLE_GRP1 | GICD_CTLR_ENABLE_GRP0);
	if (!gic_wait_clear(gicd + GICD_CTLR, GICD_CTLR_RWP))
		return GIC_ERR_RWP_TIMEOUT;
	return GIC_OK;
}

enum gic_status gic_cpu_init(void)
{
	unsigned cpu = gic_cpu_slot();
	uintptr_t rd;
	uint32_t waker;

	if (cpu >= GIC_MAX_CPUS)
		return GIC_ERR_NO_REDIST;
	/* Done once per CPU; again on a CPU that was off (PSCI CPU_OFF, then
	 * CPU_ON), whose CPU interface came back reset (Group 1 disabled). */
	if (gicr_rds[cpu] && (sysreg_read_icc_igrpen1_el1() & ICC_IGRPEN1_ENABLE))
		return GIC_OK;
	rd = gicr_rds[cpu] ? gicr_rds[cpu] : gic_find_redist();
	if (!rd)
		return GIC_ERR_NO_REDIST;

	waker = mmio_read32(rd + GICR_WAKER);
	mmio_write32(rd + GICR_WAKER, waker & ~(uint32_t)GICR_WAKER_PROCESSOR_SLEEP);
	if (!gic_wait_clear(rd + GICR_WAKER, GICR_WAKER_CHILDREN_ASLEEP))
		return GIC_ERR_WAKE_TIMEOUT;

	sysreg_write_icc_sre_el1(sysreg_read_icc_sre_el1() | ICC_SRE_SRE);
	arch_isb();
	if (!(sysreg_read_icc_sre_el1() & ICC_SRE_SRE))
		return GIC_ERR_NO_SRE;
	sysreg_write_icc_pmr_el1(ICC_PMR_LOWEST);
	sysreg_write_icc_igrpen1_el1(ICC_IGRPEN1_ENABLE);
	arch_isb();
	gicr_rds[cpu] = rd;
	return GIC_OK;
}

enum gic_status gic_init(void)
{
	enum gic_status status = gic_cpu_init();

	if (status != GIC_OK || gic_dist_ready)
		return status;
	status = gic_dist_enable(platform_get()->gicd_base);
	gic_dist_ready = status == GIC_OK;
	return status;
}

static uintptr_t gic_sgi_frame(void)
{
	return gic_redist_base() + GICR_SGI_BASE;
}

void gic_private_irq_enable(uint32_t intid, uint8_t priority)
{
	uintptr_t sgi = gic_sgi_frame();
	uint32_t bit = 1u << intid;
	uintptr_t prio_word = sgi + GICR_IPRIORITYR + (intid & ~3u);
	unsigned shift = 8 * (intid & 3u);
	uint32_t prio;

	mmio_write32(sgi + GICR_IGROUPR0, mmio_read32(sgi + GICR_IGROUPR0) | bit);
	/* Word access: byte access to IPRIORITYR may not be emulated. */
	prio = mmio_read32(prio_word) & ~(0xffu << shift);
	mmio_write32(prio_word, prio | (uint32_t)priority << shift);
	mmio_write32(sgi + GICR_ISENABLER0, bit);
}

void gic_private_irq_disable(uint32_t intid)
{
	mmio_write32(gic_sgi_frame() + GICR_ICENABLER0, 1u << intid);
	gic_wait_clear(gic_redist_base() + GICR_CTLR, GICR_CTLR_RWP);
}

bool gic_private_irq_pending(uint32_t intid)
{
	return mmio_read32(gic_sgi_frame() + GICR_ISPENDR0) & (1u << intid);
}

bool gic_private_irq_active(uint32_t intid)
{
	return mmio_read32(gic_sgi_frame() + GICR_ISACTIVER0) & (1u << intid);
}

void gic_private_irq_deactivate(uint32_t intid)
{
	mmio_write32(gic_sgi_frame() + GICR_ICACTIVER0, 1u << intid);
}

uint64_t gic_sgi1r_cluster_self(void)
{
	uint64_t mpidr = sysreg_read_mpidr_el1();

	return ((mpidr >> MPIDR_AFF1_SHIFT) & MPIDR_AFF_MASK) << ICC_SGI1R_AFF1_SHIFT |
	       ((mpidr >> MPIDR_AFF2_SHIFT) & MPIDR_AFF_MASK) << ICC_SGI1R_AFF2_SHIFT |
	       ((mpidr >> MPIDR_AFF3_SHIFT) & MPIDR_AFF_MASK) << ICC_SGI1R_AFF3_SHIFT;
}

void gic_sgi_send_self(uint32_t intid)
{
	uint64_t aff0 = (sysreg_read_mpidr_el1() >> MPIDR_AFF0_SHIFT) & MPIDR_AFF_MASK;
	uint64_t v;

	v = (uint64_t)(intid & ICC_SGI1R_INTID_MASK) << ICC_SGI1R_INTID_SHIFT |
	    gic_sgi1r_cluster_self() |
	    (aff0 / ICC_SGI1R_TARGETS_PER_RS) << ICC_SGI1R_RS_SHIFT |
	    (1ul << (aff0 % ICC_SGI1R_TARGETS_PER_RS));
	sysreg_write_icc_sgi1r_el1(v);
	arch_isb();
}

/* ---- SPIs ---- */

static uintptr_t gic_dist(void)
{
	return platform_get()->gicd_base;
}

/* Register word and bit of 'intid' in a 1-bit-per-INTID distributor array. */
static uintptr_t gic_dist_bit_reg(uint32_t base, uint32_t intid)
{
	return gic_dist() + base + 4 * (intid / GICD_IRQS_PER_WORD);
}

static uint32_t gic_dist_bit(uint32_t intid)
{
	return 1u << (intid % GICD_IRQS_PER_WORD);
}

uint32_t gic_spi_limit(void)
{
	uint32_t lines = (uint32_t)(mmio_read32(gic_dist() + GICD_TYPER) & GICD_TYPER_ITLINES_MASK);
	uint32_t limit = GICD_IRQS_PER_WORD * (lines + 1);

	return limit > GIC_INTID_SPECIAL ? GIC_INTID_SPECIAL : limit;
}

uint64_t gic_irouter_self(void)
{
	uint64_t mpidr = sysreg_read_mpidr_el1();

	return ((mpidr >> MPIDR_AFF0_SHIFT) & MPIDR_AFF_MASK) << GICD_IROUTER_AFF0_SHIFT |
	       ((mpidr >> MPIDR_AFF1_SHIFT) & MPIDR_AFF_MASK) << GICD_IROUTER_AFF1_SHIFT |
	       ((mpidr >> MPIDR_AFF2_SHIFT) & MPIDR_AFF_MASK) << GICD_IROUTER_AFF2_SHIFT |
	       ((mpidr >> MPIDR_AFF3_SHIFT) & MPIDR_AFF_MASK) << GICD_IROUTER_AFF3_SHIFT;
}

void gic_spi_enable(uint32_t intid, uint8_t priority)
{
	uintptr_t group = gic_dist_bit_reg(GICD_IGROUPR, intid);
	uintptr_t prio_word = gic_dist() + GICD_IPRIORITYR + (intid & ~3u);
	unsigned shift = 8 * (intid & 3u);
	uint32_t prio;

	/* Group 1: a group 0 interrupt would be signalled as FIQ (GICD_CTLR.DS = 1). */
	mmio_write32(group, mmio_read32(group) | gic_dist_bit(intid));
	prio = mmio_read32(prio_word) & ~(0xffu << shift);
	mmio_write32(prio_word, prio | (uint32_t)priority << shift);
	mmio_write32(gic_dist_bit_reg(GICD_ISENABLER, intid), gic_dist_bit(intid));
}

void gic_spi_disable(uint32_t intid)
{
	mmio_write32(gic_dist_bit_reg(GICD_ICENABLER, intid), gic_dist_bit(intid));
	gic_wait_clear(gic_dist() + GICD_CTLR, GICD_CTLR_RWP);
}

void gic_spi_set_pending(uint32_t intid)
{
	mmio_write32(gic_dist_bit_reg(GICD_ISPENDR, intid), gic_dist_bit(intid));
}

void gic_spi_clear_pending(uint32_t intid)
{
	mmio_write32(gic_dist_bit_reg(GICD_ICPENDR, intid), gic_dist_bit(intid));
}

bool gic_spi_pending(uint32_t intid)
{
	return mmio_read32(gic_dist_bit_reg(GICD_ISPENDR, intid)) & gic_dist_bit(intid);
}

bool gic_spi_active(uint32_t intid)
{
	return mmio_read32(gic_dist_bit_reg(GICD_ISACTIVER, intid)) & gic_dist_bit(intid);
}
