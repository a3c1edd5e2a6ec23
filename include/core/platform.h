/* SPDX-License-Identifier: MIT */
/*
 * The board tofu runs on, as its description says (platforms/<board>.dtsi,
 * docs/porting.md): the config tool reads that description, refuses what it
 * keeps for the hypervisor to every VM, and writes this struct into the
 * generated config.c, so the hypervisor and the tool read one description.
 * Plain C, readable by freestanding and hosted code.
 */
#ifndef CORE_PLATFORM_H
#define CORE_PLATFORM_H
#include "core/types.h"
#include "core/limits.h"

struct platform {
    const char *name;         /* the board's compatible, e.g. "qemu,virt" */
    /* Its CPUs, in tofu's index order (CPU 0 boots): their MPIDR_EL1
     * affinity fields, the target of PSCI CPU_ON, of an SPI's routing and
     * of an SGI. */
    uint32_t nr_cpus;
    uint64_t cpu_mpidr[MAX_PCPUS];
    uint64_t uart_base;
    uint32_t uart_intid;
    /* The GIC: its version (2: a GICv2 with the virtualization extensions,
     * a GIC-400; 3: GICv3 or GICv4), which the build's GIC_VERSION must be
     * (the tool checks), and its frames.  GICv3: the distributor and the
     * redistributors' region (tofu finds each CPU's in it).  GICv2: the
     * distributor, the CPU interface (GICC), the virtual interface control
     * (GICH) and the virtual CPU interface (GICV, which a VM sees at its
     * GICC). */
    uint32_t gic_version;
    uint64_t gicd_base;
    uint64_t gicr_base;
    uint64_t gicr_size;
    uint64_t gicc_base, gich_base, gicv_base;
    uint32_t gic_maint_intid;  /* the maintenance interrupt (a PPI) */
    /* GICv2 (hw-lr-no-refire in its gic node): the GIC does not signal a
     * physical interrupt again that a guest deactivated through a hardware
     * list register while its line stayed high (QEMU 10's GICv2 model:
     * hw/intc/arm_gic.c clears the active state without re-evaluating its
     * outputs), so tofu takes such deactivations itself (vgic_hw_by_eoi). */
    bool gic_hw_lr_no_refire;
    uint64_t its_base;        /* the GICv3 ITS (0: none): passed-through MSIs */
    /* RAM: the banks the config's memory gives this system (each inside one
     * of the board's ram-banks), in address order, the first at ram_base
     * and holding the image.  EL2 maps all of them (mmu_build_tables); the
     * page allocator takes the boot DTB's /memory ranges where they lie in
     * them, these when the boot DTB says nothing. */
    uint64_t ram_base;
    uint32_t nr_ram_banks;
    struct ram_range ram_bank[MAX_RAM_BANKS];
    uint64_t device_base;     /* device window mapped at EL2 (1:1, device memory) */
    uint64_t device_size;
    /* The IOMMU (include/core/iommu.h; which driver: platforms/<board>.mk); 0: none. */
    uint64_t iommu_base;
    uint32_t iommu_event_intid;     /* event queue: faults */
    uint32_t iommu_gerror_intid;    /* global errors */
    uint32_t iommu_buses;           /* PCIe buses 0..n-1 get stream table entries */
    uint64_t pci_ecam_base;         /* bus 0's configuration space, mapped at EL2 (0: none) */
    uint64_t pci_ecam_bus_size;
    uint64_t pci_mmio_base;         /* the bridge's 32-bit window: where tofu assigns BARs */
    uint64_t pci_mmio_size;
    uint32_t pci_intx_intid;        /* INTA's INTID; B-D follow (the bridge's interrupts) */
    /* RAM reads zero at power-on (QEMU's does; a board's DRAM does not):
     * a VM's first start after a cold boot need not clear it. */
    bool ram_zero_at_power_on;
    /* How a secondary CPU is started (the description's cpu-enable-method):
     * PSCI CPU_ON through SMC, or a spin table (the firmware parks each CPU
     * polling its cpu_release_addr, in RAM below the image, and jumps to
     * the address written there: the Raspberry Pi's way). */
    uint32_t cpu_enable_method;
    uint64_t cpu_release_addr[MAX_PCPUS];
    /* The system counter's frequency, for a board whose firmware leaves
     * CNTFRQ_EL0 to its EL3 code (tofu's, when it starts at EL3); 0: not said. */
    uint32_t timer_hz;
};

enum platform_cpu_enable {
    PLATFORM_CPU_PSCI,          /* "psci" (the default) */
    PLATFORM_CPU_SPIN_TABLE,    /* "spin-table" */
};

/* RAM from ram_base up that the page allocator never hands out (the
 * hypervisor at boot and the config tool's run of it alike): on a
 * spin-table board all of it below the image (the table and the firmware's
 * stub, where a CPU that is never released keeps polling), and RAM's first
 * page when RAM starts at 0 (0 is the allocator's failure). */
static inline uint64_t platform_ram_kept(const struct platform *p, uint64_t image_start)
{
    if (p->cpu_enable_method == PLATFORM_CPU_SPIN_TABLE)
        return image_start - p->ram_base;
    return p->ram_base ? 0 : PAGE_SIZE;
}

extern const struct platform platform;

#endif
