/* SPDX-License-Identifier: MIT */
/*
 * The hypervisor's fixed limits, in one place for the hypervisor and for the
 * host config tool (tools/config), which refuses at build time any config
 * that exceeds them.  Plain #defines (and <stdint.h> for UINT64_C), no types: the file is
 * read by freestanding and by hosted C alike.  Change a limit here and both
 * follow.
 */
#ifndef CORE_LIMITS_H
#define CORE_LIMITS_H
#include <stdint.h>

#define MAX_PCPUS          8       /* physical CPUs the hypervisor runs on */
#define MAX_VMS            8       /* VMs in one config (VM-IDs 1..MAX_VMS) */
#define VM_MAX_VCPUS       8       /* vCPUs of one VM */
#define PCPU_MAX_VCPUS     8       /* vCPUs pinned to one physical CPU (docs/scheduling.md) */
#define SCHED_MAX_PRIORITY 15      /* a VM's priority: 0..15, higher runs first on a shared CPU */
/* Budgets and windows (docs/scheduling.md): the shortest period, budget and
 * window the EL2 timer serves (each end is an exit, a switch and a timer
 * reprogramming, a few microseconds on hardware and more under TCG), the
 * longest period and major frame (their counter values stay far from
 * overflow), and windows in one CPU's major frame. */
#define SCHED_MIN_PERIOD_US 200
#define SCHED_MIN_BUDGET_US 20
#define SCHED_MIN_WINDOW_US 20
#define SCHED_MAX_PERIOD_US 10000000
#define SCHED_MAX_WINDOWS   16
#define VM_NAME_MAX        16      /* a VM's name, with its terminating NUL */
#define VM_MAX_DEVICES     8       /* devices passed through to one VM */
#define VM_DEVICE_MAX_IRQS 4       /* SPIs of one passed-through device */
#define VM_MAX_PCI_FNS     8       /* single PCIe functions given to one VM (pci-functions) */
/* Stage-2 table pages a VM with pci-functions takes at boot, in one run, for
 * the mappings of its functions' BARs (src/core/vm.c; tools/config/layout.c
 * takes the same): BARs lie in the 32-bit window, one level-3 table per
 * 2 MiB of it they touch. */
#define VM_PCI_TABLES      4

/* SPIs one virtual distributor holds: SPI 0..VGIC_MAX_SPIS-1, INTID 32 up. */
#define VGIC_MAX_SPIS      96
/* Physical INTIDs the hypervisor can route to a VM: 0..1019 (1020 up are special). */
#define HW_IRQ_MAX         1020

/* The virtual ITS of one VM (docs/its.md), in tofu's own memory: devices
 * mapped at once (MAPD), EventIDs per device (2^bits: GITS_TYPER.ID_bits;
 * QEMU's NVMe asks Linux for 128), LPIs the VM's translations may name
 * (INTIDs 8192 up); collections are its vCPUs (VM_MAX_VCPUS). */
#define VITS_MAX_DEVICES   16
#define VITS_EVENT_BITS    8
#define VITS_MAX_LPIS      8192

/* PCIe buses whose StreamIDs the SMMU driver's stream table holds
 * (src/drivers/smmu/smmuv3.c: bus 0's 256 STEs); a board's pci-buses is at
 * most this (tools/config/platform.c). */
#define IOMMU_MAX_PCI_BUSES 1

/* Slots of the IPC share table, shared by every VM (per-VM quotas from the config). */
#define SHARE_SLOTS        32
/* Stage-2 table pages reserved per VM on a channel for its share mappings
 * (one 64-bit mask), taken from RAM when the VM is created. */
#define VM_SHARE_TABLES    64

/* virtio devices served by backend VMs (docs/virtio.md): in the whole
 * config, and per frontend (each takes one of its VM_MAX_MMIO regions). */
#define VIRTIO_MAX_DEVICES 8
#define VM_MAX_VIRTIO      4
/* The RAM-disk a bare-metal backend serves: at most this much of its RAM. */
#define VIRTIO_RAM_DISK_MAX (UINT64_C(256) << 20)

/* StreamIDs the IOMMU can give VMs, all VMs together (iommu_attach). */
#define IOMMU_MAX_STREAMS  256     /* a whole bus */
/* What the SMMUv3 driver takes from the page allocator at boot, before the
 * VMs, in one run (src/drivers/smmu/smmuv3.c; tools/config/layout.c
 * simulates it): a level-2 stream table for bus 0 (4 pages, aligned to its
 * size), the level-1 table, the command queue, the event queue and the empty
 * stage-2 root of the streams no VM owns. */
#define SMMUV3_BOOT_PAGES  8
#define SMMUV3_BOOT_ALIGN  4       /* pages */

/* RAM banks tofu uses (the boot DTB's /memory ranges, the board's
 * ram-banks), and the physical RAM the page allocator manages in all of them
 * together, bank after bank in address order (its bitmaps are static: 128
 * KiB for 4 GiB): the rest is unused. */
#define MAX_RAM_BANKS      4
#define HYP_MEM_MAX        (UINT64_C(4) << 30)

/* Restart policy (on-failure = "restart"): so many failures within the
 * window are restarted, then the VM is left failed. */
#define DEFAULT_MAX_RESTARTS     5
#define DEFAULT_RESTART_WINDOW_S 60
#define MAX_RESTART_WINDOW_S     86400
/* A fault storm: this many exceptions injected into one vCPU within a
 * second (a guest looping on an abort or an UNDEF) is a failure. */
#define VM_FAULT_STORM_PER_S     50000   /* a guest in a loop: ~330k/s on QEMU; the fuzzer ~5k/s */

#endif
