/* SPDX-License-Identifier: MIT */
/*
 * What the hypervisor reads at boot: produced by tools/tofu-config from
 * configs/<name>.dts, which validated it.  The hypervisor trusts it and only
 * re-checks invariants whose violation would be its own bug.
 */
#ifndef CORE_CONFIG_H
#define CORE_CONFIG_H
#include "core/types.h"
#include "core/limits.h"

struct vm_image {
    const uint8_t *data;      /* in the hypervisor image (read-only) */
    uint64_t size;
    uint64_t load_ipa;        /* 0: none */
};

/* A device passed through: its MMIO at the same address in the VM, its SPIs
 * with the same INTIDs. */
struct vm_device {
    uint64_t pa, size;
    uint32_t nr_irqs;
    uint32_t irqs[VM_DEVICE_MAX_IRQS];
    const char *name;         /* its node's name, for the log */
    const char *compatible;   /* its first compatible string: how tofu quiesces it */
};

struct vm_config {
    char name[VM_NAME_MAX];
    uint32_t nr_vcpus;
    uint8_t vcpu_pcpu[VM_MAX_VCPUS];
    uint64_t ram_ipa, ram_size;
    uint64_t ram_pa;          /* 0: anywhere */
    uint64_t entry_ipa;
    struct vm_image kernel, initrd, dtb;
    uint64_t gicd_ipa, gicr_ipa;     /* GICv2: gicr_ipa 0, and gicc_ipa where it sees the GICV */
    uint64_t gicc_ipa;
    uint32_t nr_spis;
    uint64_t its_ipa;              /* its virtual ITS (`its;`, docs/its.md); 0: none */
    uint64_t uart_ipa;
    uint32_t uart_intid;
    uint64_t steal_ipa;            /* its vCPUs' stolen-time records (DEN0057, core/steal.h); 0: none */
    uint64_t wdog_ipa;             /* the emulated SP805 (watchdog;), when wdog_clk_hz */
    uint32_t wdog_intid, wdog_clk_hz;
    uint32_t nr_devices;
    struct vm_device devices[VM_MAX_DEVICES];
    /* iommu-streams = <first count>: the PCIe requester IDs (StreamIDs)
     * whose DMA goes through this VM's stage 2; nr_streams 0: none. */
    uint32_t stream_first, nr_streams;
    /* pci-functions: single functions of bus 0 (requester IDs, bus << 8 |
     * device << 3 | function) the VM gets, shown by its virtual ECAM at
     * vecam_ipa (one bus, src/vdev/vpci.c); nr_pci_fns 0: none. */
    uint32_t nr_pci_fns;
    uint16_t pci_fns[VM_MAX_PCI_FNS];
    uint64_t vecam_ipa;
    uint32_t ipc_peers;            /* bit n: may message and share with VM-ID n */
    uint32_t doorbell_intid;       /* 0 when the VM has no channel */
    uint64_t share_window_ipa, share_window_size;   /* advertised for MAP */
    uint32_t share_quota;          /* share-table slots the VM may own (ipc-shares) */
    uint32_t restart_on_failure;   /* on-failure = "restart" (1) or "stop" (0) */
    uint32_t max_restarts;         /* failures restarted within restart_window_s, then failed */
    uint32_t restart_window_s;
    /* wfi = "native": the guest's WFI does not trap (HCR_EL2.TWI clear), it
     * sleeps its CPU itself; "trap" (0, the default): it traps and the
     * vCPU waits in EL2, which gives its next interrupt a shorter path. */
    uint32_t wfi_native;
    /* Its vCPUs' priority on a shared CPU (docs/scheduling.md): higher runs
     * first, 0..SCHED_MAX_PRIORITY, 0 by default. */
    uint32_t priority;
    /* A budget per period for each of its vCPUs (`budget-us`, `period-us`;
     * both 0: none): a sporadic server on its CPU (docs/scheduling.md): a
     * vCPU that used its budget waits for its replenishment. */
    uint32_t budget_us, period_us;
    /* One past the highest IPA of its windows onto virtio frontends'
     * RAM (docs/virtio.md), 0 when it serves none: sizes its stage 2. */
    uint64_t virtio_window_top;
};

/* A time window of a CPU's fixed schedule (`/schedule`): in
 * [offset_us, offset_us + duration_us) of every major frame, only the
 * vCPUs of VM config_vms[vm] pinned to that CPU run there. */
struct sched_window {
    uint32_t vm;                   /* index into config_vms */
    uint32_t offset_us, duration_us;
};

/* A physical CPU's fixed schedule (ARINC 653-style), docs/scheduling.md:
 * windows sorted by offset, disjoint, inside the major frame; every VM
 * with a vCPU on the CPU has at least one.  Time outside every window is
 * idle.  Major frames start when the counter is a multiple of frame_us. */
struct sched_cpu_config {
    uint32_t cpu;
    uint32_t frame_us;
    uint32_t nr_windows;
    struct sched_window windows[SCHED_MAX_WINDOWS];
};

extern const struct vm_config config_vms[];
extern const struct sched_cpu_config config_schedules[];
extern const unsigned config_nr_schedules;
extern const unsigned config_nr_vms;
extern const char config_name[];

#endif
