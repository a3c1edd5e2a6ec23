/* SPDX-License-Identifier: MIT */
/*
 * The physical GICv2 (IHI 0048B; a GIC-400): the distributor, each CPU's
 * banked CPU interface (GICC, memory-mapped; the exit path's acknowledge
 * and EOI are inline in core/drivers.h), with EOImode 1 as on GICv3.
 *
 * Groups: tofu leaves every interrupt in the group the firmware gave it and
 * enables "group 0" (bit 0), which is what a Non-secure EL2 sees as its
 * group on a GIC with the Security Extensions (boot.S's EL3 set-up or the
 * board's firmware put everything in group 1), and group 0 itself on a GIC
 * without them (QEMU virt), which with GICC_CTLR.FIQEn 0 signals an IRQ.
 *
 * CPU interfaces: a GICv2 names CPUs by interface number (ITARGETSR,
 * GICD_SGIR), not by MPIDR; each CPU reads its own from the banked
 * ITARGETSR0 in gic_init_cpu.
 */
#include "core/drivers.h"
#include "core/platform.h"
#include "core/pcpu.h"
#include "arch/regs.h"
#include "arch/sysreg.h"
#include "gic_dist.h"

#define GIC_BYTE_MASK  0xffu

static uintptr_t gicd(uint64_t off) { return (uintptr_t)(platform.gicd_base + off); }
static uintptr_t gicc(uint64_t off) { return (uintptr_t)(platform.gicc_base + off); }

/* Each CPU's interface mask (one bit), as it read it in gic_init_cpu;
 * until then the usual wiring, interface n for the cluster's core n. */
static uint8_t cpu_if[MAX_PCPUS];

static uint32_t if_mask(unsigned cpu)
{
    uint8_t m = __atomic_load_n(&cpu_if[cpu], __ATOMIC_RELAXED);
    return m ? m : 1u << (cpu % GIC_V2_MAX_CPUS);
}

/* Every CPU has a banked CPU interface: the description's CPUs are there. */
bool gic_cpu_present(unsigned cpu)
{
    return cpu < platform.nr_cpus;
}

void gic_init_dist(void)
{
    unsigned n = gic_nr_irqs();
    mmio_write32(gicd(GICD_CTLR), 0);
    for (unsigned i = GIC_SPI_BASE_ID; i < n; i += 32) {
        mmio_write32(gicd(GICD_ICENABLER + i / 8), GIC_ALL_32);
        mmio_write32(gicd(GICD_ICPENDR + i / 8), GIC_ALL_32);
        mmio_write32(gicd(GICD_ICACTIVER + i / 8), GIC_ALL_32);
    }
    for (unsigned i = GIC_SPI_BASE_ID; i < n; i += 4)
        mmio_write32(gicd(GICD_IPRIORITYR + i), GIC_PRIO_X4(GIC_HYP_PRIO));
    mmio_write32(gicd(GICD_CTLR), GICD_V2_CTLR_ENABLE);
}

void gic_init_cpu(unsigned cpu)
{
    /* ITARGETSR0..7 read this CPU's own interface bit in every byte. */
    __atomic_store_n(&cpu_if[cpu], (uint8_t)(mmio_read32(gicd(GICD_ITARGETSR)) & GIC_BYTE_MASK), __ATOMIC_RELAXED);
    mmio_write32(gicd(GICD_ICENABLER), GIC_ALL_32);
    mmio_write32(gicd(GICD_ICACTIVER), GIC_ALL_32);
    for (unsigned i = 0; i < GIC_SPI_BASE_ID; i += 4)
        mmio_write32(gicd(GICD_IPRIORITYR + i), GIC_PRIO_X4(GIC_HYP_PRIO));
    mmio_write32(gicd(GICD_ISENABLER), GIC_HYP_PRIVATE_IRQS);
    mmio_write32(gicc(GICC_PMR), GICC_PMR_LOWEST);
    /* EOImode 1: EOIR only drops the priority, DIR deactivates.  Interrupts
     * forwarded to a guest stay active until the guest deactivates them. */
    mmio_write32(gicc(GICC_CTLR), GICC_CTLR_ENABLE | GICC_CTLR_EOIMODE);
    dsb(sy);
    isb();
}

void gic_route_spi(unsigned intid, unsigned target_cpu)
{
    mmio_write8(gicd(GICD_ITARGETSR + intid), (uint8_t)if_mask(target_cpu));
}

/* A GICv2 has no RWP: the disable has taken effect when the write has
 * reached the distributor (the read back waits for it). */
void gic_disable_spi(unsigned intid)
{
    mmio_write32(gicd(GICD_ICENABLER + (intid / 32) * 4), 1u << (intid % 32));
    (void)mmio_read32(gicd(GICD_ICENABLER + (intid / 32) * 4));
}

/* The distributor's first words are this CPU's own (banked). */
bool gic_ppi_pending(unsigned intid)
{
    return mmio_read32(gicd(GICD_ISPENDR)) & (1u << intid);
}

void gic_ppi_set_active(unsigned intid)
{
    mmio_write32(gicd(GICD_ISACTIVER), 1u << intid);
}

void gic_send_sgi(unsigned sgi, unsigned target_cpu)
{
    dsb(ishst);
    mmio_write32(gicd(GICD_SGIR), (GICD_SGIR_FILTER_LIST << GICD_SGIR_FILTER_SHIFT) |
                                  (if_mask(target_cpu) << GICD_SGIR_TARGETS_SHIFT) | sgi);
}
