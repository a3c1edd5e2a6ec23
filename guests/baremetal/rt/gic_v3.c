/* SPDX-License-Identifier: MIT */
/*
 * GICv3 (IHI 0069): each CPU's own redistributor, found by its MPIDR, and
 * the system-register CPU interface; SPIs routed by GICD_IROUTER.
 */
#include "gic_ops.h"

#include "rt/arch.h"
#include "rt/hw.h"
#include "rt/platform.h"

#define GIC_MAX_REDISTS 256

static uintptr_t gicr_rds[GIC_MAX_CPUS];   /* each CPU's RD_base, 0 until found */

uintptr_t gic_redist_base(void)
{
	unsigned cpu = gic_cpu_slot();
	return cpu < GIC_MAX_CPUS ? gicr_rds[cpu] : 0;
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

static enum gic_status gic_v3_dist_enable(uintptr_t gicd)
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

static enum gic_status gic_v3_cpu_init(unsigned cpu)
{
	uintptr_t rd;
	uint32_t waker;

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

static uintptr_t gic_v3_private_frame(void)
{
	return gic_redist_base() + GICR_SGI_BASE;
}

static void gic_v3_private_sync(void)
{
	gic_wait_clear(gic_redist_base() + GICR_CTLR, GICR_CTLR_RWP);
}

static void gic_v3_spi_sync(void)
{
	gic_wait_clear(gic_dist() + GICD_CTLR, GICD_CTLR_RWP);
}

uint64_t gic_sgi1r_cluster_self(void)
{
	uint64_t mpidr = sysreg_read_mpidr_el1();

	return ((mpidr >> MPIDR_AFF1_SHIFT) & MPIDR_AFF_MASK) << ICC_SGI1R_AFF1_SHIFT |
	       ((mpidr >> MPIDR_AFF2_SHIFT) & MPIDR_AFF_MASK) << ICC_SGI1R_AFF2_SHIFT |
	       ((mpidr >> MPIDR_AFF3_SHIFT) & MPIDR_AFF_MASK) << ICC_SGI1R_AFF3_SHIFT;
}

static void gic_v3_sgi_send(uint32_t intid, unsigned cpu)
{
	uint64_t aff0 = cpu;
	uint64_t v;

	v = (uint64_t)(intid & ICC_SGI1R_INTID_MASK) << ICC_SGI1R_INTID_SHIFT |
	    gic_sgi1r_cluster_self() |
	    (aff0 / ICC_SGI1R_TARGETS_PER_RS) << ICC_SGI1R_RS_SHIFT |
	    (1ul << (aff0 % ICC_SGI1R_TARGETS_PER_RS));
	sysreg_write_icc_sgi1r_el1(v);
	arch_isb();
}

static void gic_v3_sgi_send_self(uint32_t intid)
{
	gic_v3_sgi_send(intid, (unsigned)((sysreg_read_mpidr_el1() >> MPIDR_AFF0_SHIFT) & MPIDR_AFF_MASK));
}

uint64_t gic_irouter_self(void)
{
	uint64_t mpidr = sysreg_read_mpidr_el1();

	return ((mpidr >> MPIDR_AFF0_SHIFT) & MPIDR_AFF_MASK) << GICD_IROUTER_AFF0_SHIFT |
	       ((mpidr >> MPIDR_AFF1_SHIFT) & MPIDR_AFF_MASK) << GICD_IROUTER_AFF1_SHIFT |
	       ((mpidr >> MPIDR_AFF2_SHIFT) & MPIDR_AFF_MASK) << GICD_IROUTER_AFF2_SHIFT |
	       ((mpidr >> MPIDR_AFF3_SHIFT) & MPIDR_AFF_MASK) << GICD_IROUTER_AFF3_SHIFT;
}

static void gic_v3_spi_route_self(uint32_t intid)
{
	mmio_write64(gic_dist() + GICD_IROUTER + GICD_IROUTER_STRIDE * intid, gic_irouter_self());
}

/* An IROUTER always names a PE (reset: Aff 0.0.0.0): nothing to do. */
static void gic_v3_spi_route_default(uint32_t intid)
{
	(void)intid;
}

static uint64_t gic_v3_ack(void)
{
	return sysreg_read_icc_iar1_el1();
}

static void gic_v3_eoi(uint64_t iar)
{
	sysreg_write_icc_eoir1_el1(iar);
	arch_isb();
}

static void gic_v3_deactivate(uint64_t iar)
{
	sysreg_write_icc_dir_el1(iar);
	arch_isb();
}

static bool gic_v3_eoi_split(bool split)
{
	uint64_t ctlr = sysreg_read_icc_ctlr_el1();

	sysreg_write_icc_ctlr_el1(split ? ctlr | ICC_CTLR_EOIMODE : ctlr & ~ICC_CTLR_EOIMODE);
	arch_isb();
	return ctlr & ICC_CTLR_EOIMODE;
}

const struct gic_ops gic_v3_ops = {
	.cpu_init = gic_v3_cpu_init,
	.dist_enable = gic_v3_dist_enable,
	.private_frame = gic_v3_private_frame,
	.private_sync = gic_v3_private_sync,
	.spi_sync = gic_v3_spi_sync,
	.sgi_send = gic_v3_sgi_send,
	.sgi_send_self = gic_v3_sgi_send_self,
	.spi_route_self = gic_v3_spi_route_self,
	.spi_route_default = gic_v3_spi_route_default,
	.ack = gic_v3_ack,
	.eoi = gic_v3_eoi,
	.deactivate = gic_v3_deactivate,
	.eoi_split = gic_v3_eoi_split,
	.set_group1 = true,
};
