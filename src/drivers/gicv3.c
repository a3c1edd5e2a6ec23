/* SPDX-License-Identifier: MIT */
/*
 * The physical GICv3: distributor, one redistributor per CPU, and the EL2
 * view of the CPU interface.  All interrupts are Group 1 Non-secure (QEMU
 * virt has no EL3, so the GIC runs with a single security state).
 */
#include "core/drivers.h"
#include "core/platform.h"
#include "core/pcpu.h"
#include "arch/regs.h"
#include "arch/sysreg.h"
#include "gic_dist.h"
#include "gicv3.h"
#include "gicv3_topo.h"

#define GIC_PMR_ALL    0xff
#define GICD_RWP_SPINS 1000000

static uintptr_t gicd(uint64_t off) { return (uintptr_t)(platform.gicd_base + off); }

uintptr_t gicr_base_of[MAX_PCPUS];

static uint64_t gicr_typer_at(void *ctx, uint64_t off)
{
    (void)ctx;
    return mmio_read64((uintptr_t)(platform.gicr_base + off + GICR_TYPER));
}

/* Each CPU of the description gets the redistributor of its affinity. */
static void gicr_find(void)
{
    uint64_t off[MAX_PCPUS];
    gicv3_find_redists(gicr_typer_at, NULL, platform.gicr_size, platform.cpu_mpidr, platform.nr_cpus, off);
    for (unsigned cpu = 0; cpu < platform.nr_cpus; cpu++)
        gicr_base_of[cpu] = off[cpu] == GICR_NONE ? 0 : (uintptr_t)(platform.gicr_base + off[cpu]);
}

bool gic_cpu_present(unsigned cpu)
{
    return cpu < platform.nr_cpus && gicr_base_of[cpu];
}

/* ICC_SGI1R_EL1's target fields for each CPU, from the board's description. */
static uint64_t sgi_target[MAX_PCPUS];

static void gicd_wait_rwp(void)
{
    for (unsigned i = 0; i < GICD_RWP_SPINS && (mmio_read32(gicd(GICD_CTLR)) & GICD_CTLR_RWP); i++)
        ;
}

void gic_init_dist(void)
{
    unsigned n = gic_nr_irqs();
    for (unsigned cpu = 0; cpu < platform.nr_cpus; cpu++)
        sgi_target[cpu] = gicv3_sgi1r_target(platform.cpu_mpidr[cpu]);
    gicr_find();
    mmio_write32(gicd(GICD_CTLR), 0);
    gicd_wait_rwp();
    for (unsigned i = GIC_SPI_BASE_ID; i < n; i += 32) {
        mmio_write32(gicd(GICD_ICENABLER + i / 8), GIC_ALL_32);
        mmio_write32(gicd(GICD_ICPENDR + i / 8), GIC_ALL_32);
        mmio_write32(gicd(GICD_IGROUPR + i / 8), GIC_ALL_32);
    }
    for (unsigned i = GIC_SPI_BASE_ID; i < n; i += 4)
        mmio_write32(gicd(GICD_IPRIORITYR + i), GIC_PRIO_X4(GIC_HYP_PRIO));
    mmio_write32(gicd(GICD_CTLR), GICD_CTLR_ARE | GICD_CTLR_ENABLE_G1);
    gicd_wait_rwp();
}

void gic_init_cpu(unsigned cpu)
{
    uint32_t w = mmio_read32(gicr(cpu, GICR_WAKER));
    mmio_write32(gicr(cpu, GICR_WAKER), w & ~(uint32_t)GICR_WAKER_PROCESSOR_SLEEP);
    while (mmio_read32(gicr(cpu, GICR_WAKER)) & GICR_WAKER_CHILDREN_ASLEEP)
        ;
    mmio_write32(gicr(cpu, GICR_IGROUPR0), GIC_ALL_32);
    mmio_write32(gicr(cpu, GICR_ICENABLER0), GIC_ALL_32);
    for (unsigned i = 0; i < GIC_SPI_BASE_ID; i += 4)
        mmio_write32(gicr(cpu, GICR_IPRIORITYR + i), GIC_PRIO_X4(GIC_HYP_PRIO));
    mmio_write32(gicr(cpu, GICR_ISENABLER0), GIC_HYP_PRIVATE_IRQS);

    /* EL2 uses the system-register interface and lets EL1 use it too. */
    write_sysreg(ICC_SRE_EL2, ICC_SRE_SRE | ICC_SRE_DFB | ICC_SRE_DIB | ICC_SRE_EL2_ENABLE);
    isb();
    write_sysreg(ICC_PMR_EL1, GIC_PMR_ALL);
    write_sysreg(ICC_BPR1_EL1, 0);
    /* EOImode 1: EOI only drops the priority, DIR deactivates.  Interrupts
     * forwarded to a guest stay active until the guest deactivates them. */
    write_sysreg(ICC_CTLR_EL1, ICC_CTLR_EOIMODE);
    write_sysreg(ICC_IGRPEN1_EL1, 1);
    isb();
    gic_lpis_init_cpu(cpu);
}

void gic_disable_spi(unsigned intid)
{
    mmio_write32(gicd(GICD_ICENABLER + (intid / 32) * 4), 1u << (intid % 32));
    gicd_wait_rwp();        /* GICD_CTLR.RWP (IHI 0069): a disable has taken effect once it reads 0 */
}

bool gic_ppi_pending(unsigned intid)
{
    return mmio_read32(gicr(cpu_id(), GICR_ISPENDR0)) & (1u << intid);
}

void gic_ppi_set_active(unsigned intid)
{
    mmio_write32(gicr(cpu_id(), GICR_ISACTIVER0), 1u << intid);
}

void gic_route_spi(unsigned intid, unsigned target_cpu)
{
    /* GICD_IROUTER's affinity fields are where MPIDR has them. */
    mmio_write64(gicd(GICD_IROUTER + 8ull * intid), platform.cpu_mpidr[target_cpu]);
}

void gic_send_sgi(unsigned sgi, unsigned target_cpu)
{
    uint64_t v = ((uint64_t)sgi << ICC_SGI1R_INTID_SHIFT) | sgi_target[target_cpu];
    dsb(ishst);
    write_sysreg(ICC_SGI1R_EL1, v);
    isb();
}
