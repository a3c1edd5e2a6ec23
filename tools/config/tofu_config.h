/* SPDX-License-Identifier: MIT */
/*
 * tofu-config's model and its parts, in the order main.c runs them:
 *   parse.c    the config's device tree into struct sys, one node at a time
 *   layout.c   layout_vms(): each VM's address map and images in its RAM
 *   check.c    what no single node shows: CPUs, devices by address and SPI,
 *              memory placement, share quotas
 *   guestdt.c  each VM's device tree
 *   layout.c   layout_boot(): the hypervisor's boot-time allocation, run at
 *              build time with its own allocator and table builder
 *   emit.c     config.c, images.S, <vm>.dtb, qemu.env, deps.mk
 *   elf.c      the linked image's bounds, for the check after linking (-e)
 * Every refusal goes through refuse(): "<file>: <node>: <problem>", and does
 * not return.
 */
#ifndef TOOLS_TOFU_CONFIG_H
#define TOOLS_TOFU_CONFIG_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <libfdt.h>
#include "core/config.h"
#include "core/limits.h"
#include "core/platform.h"
#define TOFU_HOST_TOOL
#include "core/virtio.h"

#define MAX_SEARCH      8
#define FILE_PATH_LEN   4096
#define NODE_PATH_LEN   256

/* The guest address map mirrors QEMU virt, so software for it runs unchanged. */
#define VIRT_GICD          UINT64_C(0x08000000)
#define VIRT_GICR          UINT64_C(0x080a0000)
#define VIRT_GICC          UINT64_C(0x08010000)   /* GICv2: the VM's CPU interface (the board's GICV) */
#define VIRT_ITS           UINT64_C(0x08080000)   /* its virtual ITS (its;), where QEMU virt has its ITS */
#define VIRT_UART          UINT64_C(0x09000000)
#define VIRT_UART_SPI      1u
#define VIRT_RAM           UINT64_C(0x40000000)
#define VIRT_WDOG          UINT64_C(0x090c0000)   /* the SP805: free in QEMU virt's map */
#define VIRT_STEAL         UINT64_C(0x090a0000)   /* stolen-time records (DEN0057): QEMU virt's PVTIME */
#define VIRT_WDOG_SPI      30u                    /* preferred; the next lower free one else */
#define WDOG_CLK_HZ        1000000u               /* its WDOGCLK, declared in the guest DT */
#define DOORBELL_SPI       31u                    /* INTID 63: the IPC doorbell */
/* A VM given single functions sees a virtual ECAM of one bus here, where
 * QEMU virt puts its low ECAM (-M highmem=off): free in the guest's map. */
#define VIRT_VECAM         UINT64_C(0x3f000000)
#define SHARE_WINDOW       UINT64_C(0x100000000)  /* IPAs suggested for mapping shares */
#define SHARE_WINDOW_SIZE  UINT64_C(0x40000000)
#define DTB_RESERVE        SZ_2M                  /* the guest DTB lives in the last 2 MiB */
#define GUEST_DTB_MAX      0x10000
#define MIN_SPIS           32u                    /* a vGIC's SPIs come in 32s */

struct image {
    char path[FILE_PATH_LEN];       /* as found; "" for none */
    uint64_t size, text_offset, image_size;
    bool has_header;                /* Linux arm64 Image header */
};

struct device {
    int node;                       /* offset in the config's FDT */
    char path[NODE_PATH_LEN];
    bool dma_unprotected;           /* masters DMA that no IOMMU translates (below) */
};

/* Devices that master DMA outside the SMMU, which covers PCIe only: the
 * platform file marks them `tofu,dma-master;`, and these compatibles are
 * known to, wherever they are described.  A VM given one could aim it at
 * any memory. */
#define DMA_MASTER_PROP "tofu,dma-master"
#define DMA_MASTER_COMPATS { "virtio,mmio", "qemu,fw-cfg-mmio" }

struct vm {
    struct vm_config cfg;           /* what the hypervisor reads, images' data aside */
    char node[NODE_PATH_LEN];
    int node_off;
    const char *bootargs;
    struct image kernel, initrd;
    struct device devices[VM_MAX_DEVICES];   /* the nodes of cfg.devices[] */
    bool quota_given;               /* ipc-shares present */
    bool watchdog;                  /* watchdog: an emulated SP805 */
    bool its;                       /* its: a virtual GICv3 ITS (docs/its.md) */
    struct pci_vf {                 /* pci-vfs: SR-IOV virtual functions, in order */
        uint16_t pf;                /* the physical function's requester ID */
        uint8_t index;              /* the VF's number, from 0 */
    } vfs[VM_MAX_PCI_FNS];
    unsigned nr_vfs;                /* their RIDs are in cfg.pci_fns too, after the functions */
    void *dtb;                      /* generated, cfg.dtb.size bytes */
    uint64_t boot_pa;               /* layout_boot: where the hypervisor puts its RAM */
    unsigned table_pages;           /* layout_boot: its stage-2 tables at boot */
};

/* The PCIe host bridge's nodes in the platform file: its ECAM (whose owner
 * programs the bus) and its MMIO window. */
#define PCIE_ECAM_COMPAT "pci-host-ecam-generic"
#define PCIE_MMIO_COMPAT "tofu,pcie-mmio-window"
#define PCIE_IO_COMPAT   "tofu,pcie-io-window"

/* Is the device's (most specific) compatible string `compat`? */
static inline bool is_compat(const struct vm_device *d, const char *compat)
{
    return d->compatible && !strcmp(d->compatible, compat);
}

/* The PCIe host bridge's windows: whoever has one can program a device on
 * the bus (its config space, its BARs) and so make it master DMA. */
static inline bool is_pcie_window(const struct vm_device *d)
{
    return is_compat(d, PCIE_ECAM_COMPAT) || is_compat(d, PCIE_MMIO_COMPAT) || is_compat(d, PCIE_IO_COMPAT);
}

#define MAX_E1000E_NICS 4

/* QEMU's igb (82576, /platform igb-nic): an SR-IOV physical function at a
 * fixed slot, on the e1000e NICs' hub; its VF n is at requester ID
 * PF + IGB_VF_OFFSET + n * IGB_VF_STRIDE (QEMU's hw/net/igb.c: First VF
 * Offset 0x80, VF Stride 2, TotalVFs 8), so 00:16.0, 00:16.2 ... 00:17.6. */
#define IGB_SLOT        6
#define IGB_VF_OFFSET   0x80
#define IGB_VF_STRIDE   2
#define IGB_TOTAL_VFS   8

/* virtio devices (tools/config/virtio.c, docs/virtio.md): each one's window
 * in its frontend (QEMU virt's virtio-mmio area and SPIs), and where the
 * frontend's RAM appears in its backend. */
#define VIRT_VIRTIO_MMIO      UINT64_C(0x0a000000)
#define VIRT_VIRTIO_SPI       16u                    /* QEMU virt's first virtio-mmio SPI */
#define VIRT_VIRTIO_SPI_LAST  47u
#define VIRTIO_WINDOW_BASE    UINT64_C(0x800000000)  /* 32 GiB: above RAM and the share window */
#define VIRTIO_WINDOW_STRIDE  UINT64_C(0x100000000)  /* 4 GiB a device: any frontend's RAM fits */
/* virtio-pci: the frontend's functions on bus 0 of its virtual ECAM
 * (VIRT_VECAM), function 0 of slots 1 to 31 (device numbers are 5 bits;
 * slot 0 stays empty), BAR0s from the board's 32-bit PCI MMIO window up. */
#define VIRTIO_PCI_SLOT_FIRST 1u
#define VIRTIO_PCI_SLOT_LAST  31u

struct virtio_dev_model {
    struct virtio_config cfg;       /* what the hypervisor reads */
    char node[NODE_PATH_LEN];
    const char *type;               /* "block", "net", "console" */
    uint64_t ram_disk_size;         /* block: the disk's bytes (a RAM disk, or backing's size) */
    const char *backing;            /* block: a Linux backend's file or block device, or NULL */
    const char *bridge;             /* net: the Linux bridge of the backend's TAP, or NULL */
    uint8_t mac[VIRTIO_NET_MAC_BYTES];  /* net */
};

/* The board (platforms/<board>.dtsi, /platform/hypervisor; tools/config/
 * platform.c): what the hypervisor keeps for itself, which no VM gets. */
#define PLAT_MAX_OWNED      8
#define PLAT_MAX_OWNED_SPIS 8
struct owned {
    uint64_t base, size;
    char what[80];                  /* "the hypervisor's console UART" */
};
struct plat_desc {
    struct platform hyp;            /* tofu's own description of the board, into config.c */
    uint64_t image_base;            /* where tofu is linked and loaded */
    unsigned min_pa_bits;           /* the least PARange of the board's CPUs */
    struct ram_range banks[MAX_RAM_BANKS];  /* ram-banks, in address order, the first at ram-base */
    unsigned nr_banks;              /* 0: not said (QEMU virt: RAM is what -m makes it) */
    struct owned windows[PLAT_MAX_OWNED];
    unsigned nr_windows;
    struct owned spis[PLAT_MAX_OWNED_SPIS];     /* base: the SPI number; size unused */
    unsigned nr_spis;
};

/* The one board of this run: parse_config() reads it first. */
extern struct plat_desc plat;

struct sys {
    unsigned nr_cpus;
    /* /platform memory: the RAM of this system, one range per bank it
     * uses, in address order, each inside one of the board's ram-banks;
     * ram_size their total (QEMU's -m). */
    struct ram_range ram[MAX_RAM_BANKS];
    unsigned nr_ram;
    uint64_t ram_size;
    const char *nvme_disk;          /* /platform nvme-disk: a file name under the build folder, or NULL */
    unsigned e1000e_nics;           /* /platform e1000e-nics: QEMU's e1000e functions on the bus, or 0 */
    bool igb_nic;                   /* /platform igb-nic: QEMU's igb, an SR-IOV NIC, at 00:06.0 */
    unsigned nr_vms;
    struct vm vms[MAX_VMS];
    uint64_t boot_free;             /* layout_boot: RAM left free once every VM is created */
    unsigned nr_virtio;
    struct virtio_dev_model virtio[VIRTIO_MAX_DEVICES];
    unsigned nr_schedules;          /* /schedule: CPUs with a fixed schedule of windows */
    struct sched_cpu_config schedules[MAX_PCPUS];
    char schedule_nodes[MAX_PCPUS][NODE_PATH_LEN];  /* schedules[i]'s node, for refusals */
};

struct search {
    const char *dir[MAX_SEARCH];
    unsigned n;
};

/* The hypervisor image in physical memory: linked = read from tofu.elf;
 * otherwise a lower bound (its start and the guest images it embeds). */
struct hyp_image {
    uint64_t start, end;
    bool linked;
};

void refuse(const char *node, const char *fmt, ...) __attribute__((noreturn, format(printf, 2, 3)));
/* Not the config's fault (I/O, libfdt): a message and exit 2. */
void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

void parse_config(struct sys *s, const void *fdt, const struct search *search);
void parse_platform_desc(struct plat_desc *p, const void *fdt, int plat_node);   /* platform.c */
/* parse.c's readers of the config's device tree, for platform.c and virtio.c */
#define REG_CELLS 4                 /* <address-hi address-lo size-hi size-lo> */
uint64_t read_cells(const fdt32_t *p, int cells);
bool get_u64(const void *fdt, int node, const char *path, const char *prop, int cells, uint64_t *out);
const char *get_string(const void *fdt, int node, const char *path, const char *prop);
void node_path(const void *fdt, int node, char *buf, int size);
void check_props(const void *fdt, int node, const char *path, const char *const *allowed);
void check_children(const void *fdt, int node, const char *const *known);
void layout_vms(struct sys *s);
void check_system(struct sys *s, const struct hyp_image *hyp);
void guestdt_build(const struct sys *s, struct vm *vm, const void *cfg_fdt);
/* parse.c: the VM a phandle names, as its index in s->vms; refused as
 * "<what> refers to no node" or "<prop>: <node> is not a VM of /vms". */
unsigned vm_by_phandle(const struct sys *s, const void *fdt, uint32_t phandle, const char *path, const char *what,
                       const char *prop);
/* guestdt.c: properties of the device tree being written (a libfdt error
 * refuses the VM whose tree is too large, or dies). */
void dt_check(int err, int line);
#define DT_CHECK(x) do { int e_ = (x); if (e_) dt_check(e_, __LINE__); } while (0)
void dt_cells(void *fdt, const char *name, const uint32_t *v, int n);
void dt_reg(void *fdt, const uint64_t *pairs, int n);      /* n (address, size) pairs of 2 cells each */

/* Interrupt specifiers of the guests' GICv3 node: <type number flags>. */
#define GIC_FDT_CELLS    3
#define GIC_FDT_SPI      0u
#define GIC_FDT_PPI      1u
#define IRQ_EDGE_RISING  1u
#define IRQ_LEVEL_HIGH   4u
struct hyp_image layout_image_min(const struct sys *s);
void layout_boot(struct sys *s, const struct hyp_image *hyp);
/* "as linked", or how the bound was found. */
const char *hyp_image_what(const struct hyp_image *h);
void emit_all(const struct sys *s, const char *outdir, const char *src);
/* The linked image's bounds (its symbols __image_start and __image_end):
 * NULL, or what is wrong with `buf` as an AArch64 ELF that has them. */
/* virtio.c: the /virtio node (after the VMs and channels: the two VMs of a
 * device become IPC peers), its layout (after layout_vms), its checks, each
 * VM's nodes for it, and config.c's table. */
void parse_virtio(struct sys *s, const void *fdt);
void layout_virtio(struct sys *s);
void check_virtio(const struct sys *s);
void guestdt_virtio(void *fdt, const struct sys *s, const struct vm *vm);
void emit_virtio(FILE *c, const struct sys *s);
/* How many virtio-pci functions the VM is the frontend of, and the first
 * one's config in *first (when first is not NULL and there is one). */
unsigned virtio_pci_fns(const struct sys *s, const struct vm *vm, const struct virtio_config **first);
/* guestdt.c: a frontend's host bridge for its virtio-pci functions: the
 * ECAM at `ecam`, their BARs in `bars` bytes from the board's 32-bit PCI
 * MMIO window's base; MSI-X only. */
void guestdt_virtio_bridge(void *fdt, const struct vm *vm, uint64_t ecam, uint64_t bars);
const char *elf_image_bounds(const void *buf, size_t size, uint64_t *start, uint64_t *end);

static inline uint32_t vm_id_of(const struct sys *s, const struct vm *vm)
{
    return (uint32_t)(vm - s->vms) + 1;
}

static inline bool ranges_overlap(uint64_t a, uint64_t a_size, uint64_t b, uint64_t b_size)
{
    return a < b + b_size && b < a + a_size;
}

#endif
