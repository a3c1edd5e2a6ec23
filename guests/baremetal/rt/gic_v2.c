/* SPDX-License-Identifier: MIT */
/*
 * GICv2 (IHI 0048B): the distributor's banked word 0 for each CPU's SGIs
 * and PPIs, the memory-mapped CPU interface (GICC), SGIs by GICD_SGIR and
 * SPIs routed by GICD_ITARGETSR.
 *
 * Groups are left as they are.  Without the Security Extensions (QEMU virt,
 * tofu's virtual GICv2) every interrupt resets to group 0, signalled as IRQ
 * while GICC_CTLR.FIQEn is 0, and GICC_IAR acknowledges it; a group 1
 * interrupt would read as 1022 there unless AckCtl were set.  From the
 * Non-secure side of a GIC with them, IGROUPR is RAZ/WI and firmware has
 * made everything group 1, which that view's bit 0 enables.
 */
#include "gic_ops.h"

#include "rt/arch.h"
#include "rt/hw.h"
#include "rt/platform.h"

static uint8_t gicc_masks[GIC_MAX_CPUS];   /* each CPU's interface mask, 0 until set up */

static uintptr_t gicc(void)
{
	return platform_get()->gicc_base;
}

uint8_t gic_cpu_if_mask(void)
{
	unsigned cpu = gic_cpu_slot();
	return cpu < GIC_MAX_CPUS ? gicc_masks[cpu] : 0;
}

/* This CPU's interface mask: GICD_ITARGETSR0-7 read as it (IHI 0048B,
 * 4.3.12); all zero on a uniprocessor GIC, whose only interface is 0. */
static uint8_t gic_v2_own_mask(void)
{
	unsigned i;

	for (i = 0; i < GICD_ITARGETSR_PRIVATE_WORDS; i++) {
		uint32_t word = mmio_read32(gic_dist() + GICD_ITARGETSR + 4 * i);
		unsigned b;

		for (b = 0; b < 4; b++, word >>= 8)
			if (word & GICD_ITARGETSR_MASK)
				return (uint8_t)word;
	}
	return 1;
}

static enum gic_status gic_v2_dist_enable(uintptr_t gicd)
{
	mmio_write32(gicd + GICD_CTLR, GICD_V2_CTLR_ENABLE_GRP0 | GICD_V2_CTLR_ENABLE_GRP1);
	return GIC_OK;
}

static enum gic_status gic_v2_cpu_init(unsigned cpu)
{
	gicc_masks[cpu] = gic_v2_own_mask();
	mmio_write32(gicc() + GICC_PMR, GICC_PMR_LOWEST);
	/* EOImode 0: GICC_EOIR drops the priority and deactivates. */
	mmio_write32(gicc() + GICC_CTLR, GICC_CTLR_ENABLE_GRP0 | GICC_CTLR_ENABLE_GRP1);
	gic_v2_cpu_if = gicc();
	return GIC_OK;
}

static uintptr_t gic_v2_private_frame(void)
{
	return gic_dist();
}

/* GICv2 has no RWP: an ICENABLER write takes effect as it completes. */
static void gic_v2_sync(void)
{
}

static void gic_v2_sgir(uint32_t value)
{
	arch_dsb_sy();        /* what the receiver will read is written first */
	mmio_write32(gic_dist() + GICD_SGIR, value);
}

static void gic_v2_sgi_send(uint32_t intid, unsigned cpu)
{
	gic_v2_sgir((uint32_t)(GICD_SGIR_FILTER_LIST << GICD_SGIR_FILTER_SHIFT |
			       ((1ul << cpu) & GICD_SGIR_TARGETS_MASK) << GICD_SGIR_TARGETS_SHIFT |
			       (intid & GICD_SGIR_INTID_MASK)));
}

static void gic_v2_sgi_send_self(uint32_t intid)
{
	gic_v2_sgir((uint32_t)(GICD_SGIR_FILTER_SELF << GICD_SGIR_FILTER_SHIFT |
			       (intid & GICD_SGIR_INTID_MASK)));
}

/* One byte per INTID, written as a word: byte access may not be emulated. */
static void gic_v2_set_targets(uint32_t intid, uint8_t mask, bool only_if_none)
{
	uintptr_t word = gic_dist() + GICD_ITARGETSR + (intid & ~3u);
	unsigned shift = 8 * (intid & 3u);
	uint32_t v = mmio_read32(word);

	if (only_if_none && ((v >> shift) & GICD_ITARGETSR_MASK))
		return;
	mmio_write32(word, (v & ~(uint32_t)(GICD_ITARGETSR_MASK << shift)) | (uint32_t)mask << shift);
}

static void gic_v2_spi_route_self(uint32_t intid)
{
	gic_v2_set_targets(intid, gic_cpu_if_mask(), false);
}

/* An SPI whose ITARGETSR byte is 0 (its reset value) reaches no CPU. */
static void gic_v2_spi_route_default(uint32_t intid)
{
	gic_v2_set_targets(intid, gic_cpu_if_mask(), true);
}

static uint64_t gic_v2_ack(void)
{
	return mmio_read32(gicc() + GICC_IAR);
}

static void gic_v2_eoi(uint64_t iar)
{
	mmio_write32(gicc() + GICC_EOIR, (uint32_t)iar);
}

static void gic_v2_deactivate(uint64_t iar)
{
	mmio_write32(gicc() + GICC_DIR, (uint32_t)iar);
}

static bool gic_v2_eoi_split(bool split)
{
	uint32_t ctlr = mmio_read32(gicc() + GICC_CTLR);

	mmio_write32(gicc() + GICC_CTLR, split ? ctlr | (uint32_t)GICC_CTLR_EOIMODE
					       : ctlr & ~(uint32_t)GICC_CTLR_EOIMODE);
	return ctlr & GICC_CTLR_EOIMODE;
}

const struct gic_ops gic_v2_ops = {
	.cpu_init = gic_v2_cpu_init,
	.dist_enable = gic_v2_dist_enable,
	.private_frame = gic_v2_private_frame,
	.private_sync = gic_v2_sync,
	.spi_sync = gic_v2_sync,
	.sgi_send = gic_v2_sgi_send,
	.sgi_send_self = gic_v2_sgi_send_self,
	.spi_route_self = gic_v2_spi_route_self,
	.spi_route_default = gic_v2_spi_route_default,
	.ack = gic_v2_ack,
	.eoi = gic_v2_eoi,
	.deactivate = gic_v2_deactivate,
	.eoi_split = gic_v2_eoi_split,
	.set_group1 = false,
};
