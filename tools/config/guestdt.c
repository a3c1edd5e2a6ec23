/* SPDX-License-Identifier: MIT */
/*
 * Each VM's device tree, generated from its resources: QEMU virt's nodes for
 * what tofu emulates (GICv3, the timer, a PL011), the VM's CPUs and RAM, its
 * passed-through devices copied from the config, and tofu's IPC node.
 */
#include <inttypes.h>
#include <libfdt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "arch/regs.h"
#include "tofu_config.h"

#define UART_CLK_HZ      24000000u
#define PHANDLE_GIC      1u
#define PHANDLE_CLK      2u
#define PHANDLE_WDOG_CLK 3u
#define PHANDLE_ITS      4u
#define GIC_ITS_ADDR_CELLS 2u    /* the GIC node's #address-cells (and #size-cells) with an ITS child */
#define MAX_CLOCKS       8
/* Architected timer PPIs (INTID - 16): secure phys, non-secure phys, virtual, hyp. */
static const uint32_t timer_ppis[4] = { 13, 14, 11, 10 };
#define PMU_PPI          7u        /* INTID 23: the PMU overflow interrupt, forwarded by tofu */

static const struct vm *dt_vm;          /* whose device tree is being written */

void dt_check(int err, int line)
{
    if (err == -FDT_ERR_NOSPACE)
        refuse(dt_vm->node, "its device tree needs more than %d bytes", GUEST_DTB_MAX);
    die("tofu-config: libfdt: %s at %s:%d", fdt_strerror(err), __FILE__, line);
}

void dt_cells(void *fdt, const char *name, const uint32_t *v, int n)
{
    fdt32_t buf[16];
    for (int i = 0; i < n; i++) buf[i] = cpu_to_fdt32(v[i]);
    DT_CHECK(fdt_property(fdt, name, buf, n * 4));
}

void dt_reg(void *fdt, const uint64_t *pairs, int n)
{
    uint32_t c[8];
    for (int i = 0; i < 2 * n; i++) { c[2 * i] = (uint32_t)(pairs[i] >> 32); c[2 * i + 1] = (uint32_t)pairs[i]; }
    dt_cells(fdt, "reg", c, 4 * n);
}

#define PCI_SPACE_IO       0x01000000u   /* phys.hi of an I/O range */
#define PCI_SPACE_MMIO32   0x02000000u   /* phys.hi of a 32-bit memory range */
#define PCI_INTX_SLOTS     4u            /* INTx swizzle: slot s pin p -> line (s + p - 1) mod 4 */
#define PCI_DT_SLOT_SHIFT  11            /* phys.hi of a PCI address: device number at [15:11] */
#define PCI_DT_SLOT_MASK   0x1800u       /* interrupt-map-mask: the slot's low two bits, as the swizzle */
#define PCI_DT_PIN_MASK    7u


/* An interrupt-map entry: the child's unit address (3 cells) and pin, the
 * GIC, its unit address (as many cells as its #address-cells: 2 when it has
 * an ITS child, 0 else, as on QEMU virt), then the SPI's 3 cells. */
#define INTX_ENTRY_MAX 10
static void intx_entry(uint32_t *map, int *nm, const struct vm_config *c, uint32_t slot, uint32_t pin, uint32_t spi)
{
    map[(*nm)++] = slot << PCI_DT_SLOT_SHIFT;
    map[(*nm)++] = 0;
    map[(*nm)++] = 0;
    map[(*nm)++] = pin;
    map[(*nm)++] = PHANDLE_GIC;
    for (unsigned k = 0; c->its_ipa && k < GIC_ITS_ADDR_CELLS; k++)
        map[(*nm)++] = 0;
    map[(*nm)++] = GIC_FDT_SPI;
    map[(*nm)++] = spi;
    map[(*nm)++] = IRQ_LEVEL_HIGH;
}

/* A VM with an ITS: every requester ID of the bridge is the DeviceID of
 * its MSIs at the ITS, unchanged, as the PCIe fabric tags them (the vECAM
 * shows functions at their physical RIDs; docs/its.md). */
#define PCI_MSI_MAP_RIDS   0x10000u      /* msi-map: the whole 16-bit requester ID space */
static void write_msi_map(void *fdt, const struct vm_config *c)
{
    if (c->its_ipa)
        dt_cells(fdt, "msi-map", (uint32_t[]){ 0, PHANDLE_ITS, 0, PCI_MSI_MAP_RIDS }, 4);
}

static void write_intx_map(void *fdt, uint32_t *map, int nm)
{
    fdt32_t buf[PCI_INTX_SLOTS * 4 * INTX_ENTRY_MAX];
    for (int i = 0; i < nm; i++) buf[i] = cpu_to_fdt32(map[i]);
    DT_CHECK(fdt_property(fdt, "interrupt-map", buf, nm * 4));
    dt_cells(fdt, "interrupt-map-mask", (uint32_t[]){ PCI_DT_SLOT_MASK, 0, 0, PCI_DT_PIN_MASK }, 4);
    DT_CHECK(fdt_property_u32(fdt, "#interrupt-cells", 1));
}

/* A host bridge given whole to the VM (docs/pci.md): its ECAM node gets the
 * VM's PCIe MMIO windows as `ranges` (1:1: IPA = PA = bus address; an I/O
 * window: ports from 0 at its PA) and its
 * INTx SPIs, the node's `interrupts` in line order, as an `interrupt-map`
 * to the VM's GIC with QEMU virt's swizzle; an msi-map to its ITS when it
 * has one (else its drivers use INTx).  No iommu-map (the SMMU is tofu's):
 * the devices DMA to the VM's IPAs. */
static void write_pcie_props(void *fdt, const struct vm *vm, const struct vm_device *ecam)
{
    uint32_t r[7 * VM_MAX_DEVICES], map[PCI_INTX_SLOTS * 4 * INTX_ENTRY_MAX];
    int nr = 0, nm = 0;
    for (unsigned i = 0; i < vm->cfg.nr_devices; i++) {
        const struct vm_device *w = &vm->cfg.devices[i];
        bool io = is_compat(w, PCIE_IO_COMPAT);
        if (!io && !is_compat(w, PCIE_MMIO_COMPAT)) continue;
        /* Memory: bus address = PA; I/O: ports from 0 at the window's PA. */
        uint64_t bus = io ? 0 : w->pa;
        uint32_t cells[7] = { io ? PCI_SPACE_IO : PCI_SPACE_MMIO32, (uint32_t)(bus >> 32), (uint32_t)bus,
                              (uint32_t)(w->pa >> 32), (uint32_t)w->pa, (uint32_t)(w->size >> 32), (uint32_t)w->size };
        for (int k = 0; k < 7; k++) r[nr++] = cells[k];
    }
    fdt32_t buf[sizeof(map) / 4];
    if (nr) {
        for (int i = 0; i < nr; i++) buf[i] = cpu_to_fdt32(r[i]);
        DT_CHECK(fdt_property(fdt, "ranges", buf, nr * 4));
    }
    write_msi_map(fdt, &vm->cfg);
    if (ecam->nr_irqs != PCI_INTX_SLOTS) return;
    for (uint32_t slot = 0; slot < PCI_INTX_SLOTS; slot++)
        for (uint32_t pin = 1; pin <= 4; pin++)
            intx_entry(map, &nm, &vm->cfg, slot, pin, ecam->irqs[(slot + pin - 1) % PCI_INTX_SLOTS] - GIC_SPI_BASE_ID);
    write_intx_map(fdt, map, nm);
}

/* A host bridge of tofu's virtual ECAM: its node, pcie@<ECAM>. */
static void begin_vbridge(void *fdt, uint64_t ecam)
{
    char node[64];
    snprintf(node, sizeof(node), "pcie@%" PRIx64, ecam);
    DT_CHECK(fdt_begin_node(fdt, node));
}

/* What Linux's pci-host-generic probes: an ECAM bridge, 3 address cells
 * (phys.hi, the bus address) and 2 size cells. */
#define PCI_DT_ADDR_CELLS  3u
#define PCI_DT_SIZE_CELLS  2u
static void write_vbridge_ids(void *fdt)
{
    DT_CHECK(fdt_property_string(fdt, "compatible", PCIE_ECAM_COMPAT));
    DT_CHECK(fdt_property_string(fdt, "device_type", "pci"));
    DT_CHECK(fdt_property_u32(fdt, "#address-cells", PCI_DT_ADDR_CELLS));
    DT_CHECK(fdt_property_u32(fdt, "#size-cells", PCI_DT_SIZE_CELLS));
}

/* The virtual ECAM's one bus (bus 0) at `ecam`, and `ranges`: `size` bytes
 * of the board's 32-bit PCI MMIO window from its base, 1:1 (BARs do not
 * move: IPA = bus address). */
static void write_vbus_props(void *fdt, uint64_t ecam, uint64_t size)
{
    uint64_t w = plat.hyp.pci_mmio_base;
    dt_reg(fdt, (uint64_t[]){ ecam, PCI_ECAM_BUS_SIZE }, 1);
    dt_cells(fdt, "bus-range", (uint32_t[]){ 0, 0 }, 2);
    dt_cells(fdt, "ranges", (uint32_t[]){ PCI_SPACE_MMIO32, (uint32_t)(w >> 32), (uint32_t)w, (uint32_t)(w >> 32),
                                            (uint32_t)w, (uint32_t)(size >> 32), (uint32_t)size }, 7);
}

/*
 * A frontend's virtio-pci functions (docs/virtio.md): a host bridge of its
 * own, its ECAM the virtual one, `ranges` exactly their BARs; no
 * interrupt-map (the functions have no INTx pin), the msi-map to its ITS
 * (they interrupt by MSI-X); linux,pci-probe-only in /chosen keeps the
 * BARs where tofu emulates them.
 */
void guestdt_virtio_bridge(void *fdt, const struct vm *vm, uint64_t ecam, uint64_t bars)
{
    begin_vbridge(fdt, ecam);
    write_vbridge_ids(fdt);
    write_vbus_props(fdt, ecam, bars);
    DT_CHECK(fdt_property(fdt, "dma-coherent", NULL, 0));
    write_msi_map(fdt, &vm->cfg);
    DT_CHECK(fdt_end_node(fdt));
}

/*
 * A VM given single functions (pci-functions, docs/pci.md): a host bridge
 * of its own, its ECAM the virtual one (one bus, src/vdev/vpci.c), the
 * platform's node's other properties (compatible, device_type, cells,
 * dma-coherent, domain) copied; `ranges` the 32-bit window 1:1, where tofu
 * put the BARs (each function's pages mapped, nothing else); an
 * interrupt-map for its functions' slots only.  With linux,pci-probe-only
 * in /chosen (write_chosen) Linux keeps tofu's BARs.  An msi-map when the
 * VM has an ITS (vpci.c then shows MSI and MSI-X); no iommu-map.
 */
static void write_vpci_node(void *fdt, const void *cfg_fdt, const struct vm *vm)
{
    const struct vm_config *c = &vm->cfg;
    int devs = fdt_path_offset(cfg_fdt, "/platform/devices");
    int ecam = devs < 0 ? -1 : fdt_node_offset_by_compatible(cfg_fdt, devs, PCIE_ECAM_COMPAT);
    begin_vbridge(fdt, c->vecam_ipa);
    int off;
    if (ecam >= 0)
        fdt_for_each_property_offset(off, cfg_fdt, ecam) {
            const char *name;
            int len;
            const void *val = fdt_getprop_by_offset(cfg_fdt, off, &name, &len);
            static const char *const skip[] = { "phandle", "linux,phandle", "reg", "interrupts", "ranges",
                                                "interrupt-map", "interrupt-map-mask", "#interrupt-cells",
                                                "bus-range", "msi-map", "iommu-map", "msi-parent", NULL };
            bool skipped = false;
            for (const char *const *k = skip; *k && !skipped; k++) skipped = !strcmp(name, *k);
            if (!skipped) DT_CHECK(fdt_property(fdt, name, val, len));
        }
    else
        write_vbridge_ids(fdt);
    write_vbus_props(fdt, c->vecam_ipa, plat.hyp.pci_mmio_size);
    uint32_t map[PCI_INTX_SLOTS * 4 * INTX_ENTRY_MAX];
    int nm = 0;
    bool done[PCI_INTX_SLOTS] = { false };
    for (unsigned i = 0; i < c->nr_pci_fns - vm->nr_vfs; i++) {      /* VFs (last) have no INTx */
        uint32_t slot = ((uint32_t)c->pci_fns[i] >> PCI_RID_DEV_SHIFT) & PCI_RID_DEV_MASK;
        if (done[slot % PCI_INTX_SLOTS]) continue;     /* the mask keeps the slot's low two bits */
        done[slot % PCI_INTX_SLOTS] = true;
        for (uint32_t pin = 1; pin <= 4; pin++)
            intx_entry(map, &nm, c, slot % PCI_INTX_SLOTS, pin, plat.hyp.pci_intx_intid - GIC_SPI_BASE_ID + (slot + pin - 1) % PCI_INTX_SLOTS);
    }
    write_intx_map(fdt, map, nm);
    write_msi_map(fdt, c);
    DT_CHECK(fdt_end_node(fdt));
}

/* A passed-through device: its platform node, with clocks from the VM's clock. */
static void write_device_node(void *fdt, const void *cfg_fdt, const struct vm *vm, unsigned idx)
{
    const struct device *d = &vm->devices[idx];
    bool ecam = is_compat(&vm->cfg.devices[idx], PCIE_ECAM_COMPAT);
    int off, nclk = 0;
    DT_CHECK(fdt_begin_node(fdt, fdt_get_name(cfg_fdt, d->node, NULL)));
    fdt_for_each_property_offset(off, cfg_fdt, d->node) {
        const char *name;
        int len;
        const void *val = fdt_getprop_by_offset(cfg_fdt, off, &name, &len);
        if (!strcmp(name, "phandle") || !strcmp(name, "linux,phandle") || !strcmp(name, "clocks"))
            continue;
        if (ecam && (!strcmp(name, "interrupts") || !strcmp(name, "ranges") || !strcmp(name, "interrupt-map")))
            continue;               /* the bridge's INTx lines go into interrupt-map */
        if (!strcmp(name, "clock-names"))
            for (int i = 0; i < len; i++) nclk += ((const char *)val)[i] == '\0';
        DT_CHECK(fdt_property(fdt, name, val, len));
    }
    if (nclk) {
        uint32_t clk[MAX_CLOCKS];
        if (nclk > MAX_CLOCKS) nclk = MAX_CLOCKS;
        for (int i = 0; i < nclk; i++) clk[i] = PHANDLE_CLK;
        dt_cells(fdt, "clocks", clk, nclk);
    }
    if (ecam) write_pcie_props(fdt, vm, &vm->cfg.devices[idx]);
    DT_CHECK(fdt_end_node(fdt));
}

static void write_chosen(void *fdt, const struct vm *vm, bool pci_probe_only)
{
    char node[64];
    DT_CHECK(fdt_begin_node(fdt, "chosen"));
    if (vm->bootargs) DT_CHECK(fdt_property_string(fdt, "bootargs", vm->bootargs));
    snprintf(node, sizeof(node), "/pl011@%" PRIx64, vm->cfg.uart_ipa);
    DT_CHECK(fdt_property_string(fdt, "stdout-path", node));
    if (vm->cfg.initrd.size) {
        DT_CHECK(fdt_property_u64(fdt, "linux,initrd-start", vm->cfg.initrd.load_ipa));
        DT_CHECK(fdt_property_u64(fdt, "linux,initrd-end", vm->cfg.initrd.load_ipa + vm->cfg.initrd.size));
    }
    if (pci_probe_only)                 /* keep tofu's BARs: they cannot move */
        DT_CHECK(fdt_property_u32(fdt, "linux,pci-probe-only", 1));
    DT_CHECK(fdt_end_node(fdt));
}

static void write_cpus(void *fdt, const struct vm_config *c)
{
    char node[64];
    DT_CHECK(fdt_begin_node(fdt, "cpus"));
    DT_CHECK(fdt_property_u32(fdt, "#address-cells", 1));
    DT_CHECK(fdt_property_u32(fdt, "#size-cells", 0));
    for (unsigned i = 0; i < c->nr_vcpus; i++) {
        snprintf(node, sizeof(node), "cpu@%u", i);
        DT_CHECK(fdt_begin_node(fdt, node));
        DT_CHECK(fdt_property_string(fdt, "device_type", "cpu"));
        DT_CHECK(fdt_property_string(fdt, "compatible", "arm,armv8"));
        DT_CHECK(fdt_property_u32(fdt, "reg", i));       /* = the vCPU's MPIDR affinity */
        DT_CHECK(fdt_property_string(fdt, "enable-method", "psci"));
        DT_CHECK(fdt_end_node(fdt));
    }
    DT_CHECK(fdt_end_node(fdt));

    DT_CHECK(fdt_begin_node(fdt, "psci"));
    static const char psci_compat[] = "arm,psci-1.0\0arm,psci-0.2";
    DT_CHECK(fdt_property(fdt, "compatible", psci_compat, sizeof(psci_compat)));
    DT_CHECK(fdt_property_string(fdt, "method", "hvc"));
    DT_CHECK(fdt_end_node(fdt));
}

static void write_gic_and_timer(void *fdt, const struct vm_config *c)
{
    char node[64];
    snprintf(node, sizeof(node), "intc@%" PRIx64, c->gicd_ipa);
    DT_CHECK(fdt_begin_node(fdt, node));
    if (c->gicc_ipa) {
        /* GICv2, as QEMU virt describes its own: distributor, CPU interface. */
        DT_CHECK(fdt_property_string(fdt, "compatible", "arm,cortex-a15-gic"));
        DT_CHECK(fdt_property_u32(fdt, "#interrupt-cells", 3));
        DT_CHECK(fdt_property(fdt, "interrupt-controller", NULL, 0));
        dt_reg(fdt, (uint64_t[]){ c->gicd_ipa, GICD_V2_SIZE, c->gicc_ipa, GICV_SIZE }, 2);
    } else {
        DT_CHECK(fdt_property_string(fdt, "compatible", "arm,gic-v3"));
        DT_CHECK(fdt_property_u32(fdt, "#interrupt-cells", 3));
        DT_CHECK(fdt_property(fdt, "interrupt-controller", NULL, 0));
        DT_CHECK(fdt_property_u32(fdt, "#redistributor-regions", 1));
        dt_reg(fdt, (uint64_t[]){ c->gicd_ipa, GICD_SIZE, c->gicr_ipa, c->nr_vcpus * GICR_FRAME_SIZE }, 2);
    }
    DT_CHECK(fdt_property_u32(fdt, "phandle", PHANDLE_GIC));
    if (c->its_ipa) {
        /* The ITS is the GIC's child, as on QEMU virt: the same address
         * space (Linux's irq-gic-v3-its probes it there). */
        DT_CHECK(fdt_property_u32(fdt, "#address-cells", GIC_ITS_ADDR_CELLS));
        DT_CHECK(fdt_property_u32(fdt, "#size-cells", GIC_ITS_ADDR_CELLS));
        DT_CHECK(fdt_property(fdt, "ranges", NULL, 0));
        snprintf(node, sizeof(node), "its@%" PRIx64, c->its_ipa);
        DT_CHECK(fdt_begin_node(fdt, node));
        DT_CHECK(fdt_property_string(fdt, "compatible", "arm,gic-v3-its"));
        DT_CHECK(fdt_property(fdt, "msi-controller", NULL, 0));
        DT_CHECK(fdt_property_u32(fdt, "#msi-cells", 1));
        dt_reg(fdt, (uint64_t[]){ c->its_ipa, GITS_SIZE }, 1);
        DT_CHECK(fdt_property_u32(fdt, "phandle", PHANDLE_ITS));
        DT_CHECK(fdt_end_node(fdt));
    }
    DT_CHECK(fdt_end_node(fdt));

    DT_CHECK(fdt_begin_node(fdt, "timer"));
    DT_CHECK(fdt_property_string(fdt, "compatible", "arm,armv8-timer"));
    uint32_t t[12];
    for (int i = 0; i < 4; i++) { t[3 * i] = GIC_FDT_PPI; t[3 * i + 1] = timer_ppis[i]; t[3 * i + 2] = IRQ_LEVEL_HIGH; }
    dt_cells(fdt, "interrupts", t, 12);
    DT_CHECK(fdt_end_node(fdt));
}

static void write_fixed_clock(void *fdt, const char *name, uint32_t hz, const char *output, uint32_t phandle)
{
    DT_CHECK(fdt_begin_node(fdt, name));
    DT_CHECK(fdt_property_string(fdt, "compatible", "fixed-clock"));
    DT_CHECK(fdt_property_u32(fdt, "#clock-cells", 0));
    DT_CHECK(fdt_property_u32(fdt, "clock-frequency", hz));
    DT_CHECK(fdt_property_string(fdt, "clock-output-names", output));
    DT_CHECK(fdt_property_u32(fdt, "phandle", phandle));
    DT_CHECK(fdt_end_node(fdt));
}

/* An emulated AMBA device (an "arm,primecell": Linux's AMBA bus probes its
 * ID registers): one SPI, level high; its own clock, then the bus clock. */
static void write_primecell(void *fdt, const char *name, const char *compat, int compat_len, uint64_t ipa,
                            uint64_t size, uint32_t intid, uint32_t clk, const char *clk_names, int names_len)
{
    char node[64];
    snprintf(node, sizeof(node), "%s@%" PRIx64, name, ipa);
    DT_CHECK(fdt_begin_node(fdt, node));
    DT_CHECK(fdt_property(fdt, "compatible", compat, compat_len));
    dt_reg(fdt, (uint64_t[]){ ipa, size }, 1);
    dt_cells(fdt, "interrupts", (uint32_t[]){ GIC_FDT_SPI, intid - GIC_SPI_BASE_ID, IRQ_LEVEL_HIGH }, 3);
    dt_cells(fdt, "clocks", (uint32_t[]){ clk, PHANDLE_CLK }, 2);
    DT_CHECK(fdt_property(fdt, "clock-names", clk_names, names_len));
    DT_CHECK(fdt_end_node(fdt));
}

static void write_uart(void *fdt, const struct vm_config *c)
{
    /* The PMU is the vCPU's (docs/virtual-hardware.md), as on QEMU virt. */
    DT_CHECK(fdt_begin_node(fdt, "pmu"));
    DT_CHECK(fdt_property_string(fdt, "compatible", "arm,armv8-pmuv3"));
    dt_cells(fdt, "interrupts", (uint32_t[]){ GIC_FDT_PPI, PMU_PPI, IRQ_LEVEL_HIGH }, 3);
    DT_CHECK(fdt_end_node(fdt));

    write_fixed_clock(fdt, "apb-pclk", UART_CLK_HZ, "clk24mhz", PHANDLE_CLK);
    static const char uart_compat[] = "arm,pl011\0arm,primecell", uart_clks[] = "uartclk\0apb_pclk";
    write_primecell(fdt, "pl011", uart_compat, sizeof(uart_compat), c->uart_ipa, UART_SIZE, c->uart_intid,
                    PHANDLE_CLK, uart_clks, sizeof(uart_clks));
}

/* The SP805, for Linux's sp805_wdt: probed by its ID registers; its counter
 * clock first ("wdog_clk", whose rate the driver reads), then the bus clock
 * the AMBA bus enables. */
static void write_watchdog(void *fdt, const struct vm_config *c)
{
    write_fixed_clock(fdt, "wdog-clk", c->wdog_clk_hz, "wdog_clk", PHANDLE_WDOG_CLK);
    static const char compat[] = "arm,sp805\0arm,primecell", clks[] = "wdog_clk\0apb_pclk";
    write_primecell(fdt, "watchdog", compat, sizeof(compat), c->wdog_ipa, WDOG_SIZE, c->wdog_intid,
                    PHANDLE_WDOG_CLK, clks, sizeof(clks));
}

/* tofu's IPC: the doorbell SPI, and the IPA window for mapping shares. */
static void write_ipc(void *fdt, const struct vm_config *c, uint32_t vm_id)
{
    char node[64];
    snprintf(node, sizeof(node), "tofu-ipc@%" PRIx64, c->share_window_ipa);
    DT_CHECK(fdt_begin_node(fdt, node));
    DT_CHECK(fdt_property_string(fdt, "compatible", "tofu,ipc"));
    dt_reg(fdt, (uint64_t[]){ c->share_window_ipa, c->share_window_size }, 1);
    dt_cells(fdt, "interrupts", (uint32_t[]){ GIC_FDT_SPI, c->doorbell_intid - GIC_SPI_BASE_ID, IRQ_EDGE_RISING }, 3);
    DT_CHECK(fdt_property_u32(fdt, "tofu,vm-id", vm_id));
    DT_CHECK(fdt_end_node(fdt));
}

void guestdt_build(const struct sys *s, struct vm *vm, const void *cfg_fdt)
{
    uint32_t vm_id = vm_id_of(s, vm);
    const struct vm_config *c = &vm->cfg;
    char node[64];
    void *fdt = calloc(1, GUEST_DTB_MAX);
    if (!fdt) die("tofu-config: out of memory");
    dt_vm = vm;

    DT_CHECK(fdt_create(fdt, GUEST_DTB_MAX));
    DT_CHECK(fdt_finish_reservemap(fdt));
    DT_CHECK(fdt_begin_node(fdt, ""));
    DT_CHECK(fdt_property_string(fdt, "compatible", "linux,dummy-virt"));
    snprintf(node, sizeof(node), "tofu VM %s", c->name);
    DT_CHECK(fdt_property_string(fdt, "model", node));
    DT_CHECK(fdt_property_u32(fdt, "#address-cells", 2));
    DT_CHECK(fdt_property_u32(fdt, "#size-cells", 2));
    DT_CHECK(fdt_property_u32(fdt, "interrupt-parent", PHANDLE_GIC));
    write_chosen(fdt, vm, c->nr_pci_fns || virtio_pci_fns(s, vm, NULL));

    snprintf(node, sizeof(node), "memory@%" PRIx64, c->ram_ipa);
    DT_CHECK(fdt_begin_node(fdt, node));
    DT_CHECK(fdt_property_string(fdt, "device_type", "memory"));
    dt_reg(fdt, (uint64_t[]){ c->ram_ipa, c->ram_size }, 1);
    DT_CHECK(fdt_end_node(fdt));

    write_cpus(fdt, c);
    write_gic_and_timer(fdt, c);
    write_uart(fdt, c);
    for (unsigned i = 0; i < c->nr_devices; i++)
        write_device_node(fdt, cfg_fdt, vm, i);
    if (c->nr_pci_fns)
        write_vpci_node(fdt, cfg_fdt, vm);
    if (c->wdog_clk_hz)
        write_watchdog(fdt, c);
    if (c->ipc_peers)
        write_ipc(fdt, c, vm_id);
    guestdt_virtio(fdt, s, vm);
    DT_CHECK(fdt_end_node(fdt));
    DT_CHECK(fdt_finish(fdt));
    vm->dtb = fdt;
    vm->cfg.dtb.size = fdt_totalsize(fdt);
}
