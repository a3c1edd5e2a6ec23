/* SPDX-License-Identifier: MIT */
/*
 * The board's description (platforms/<board>.dtsi, docs/porting.md): the
 * /platform node's `hypervisor` child says what tofu keeps for itself (its
 * GIC, ITS, console UART, IOMMU), where it is linked and what RAM and the
 * CPUs are; its `devices` child lists what VMs may be given, among them the
 * PCIe host bridge, which tofu also enumerates.  This file reads both into
 * struct plat_desc: the checks refuse the hypervisor's windows and SPIs to
 * every VM, and emit.c writes `hyp`, tofu's own `struct platform`, into
 * config.c, so the hypervisor and the tool read one description.
 */
#include <inttypes.h>
#include <libfdt.h>
#include "arch/mmu.h"
#include "arch/regs.h"
#include "tofu_config.h"

#define HYP_NODE "/platform/hypervisor"

struct plat_desc plat;

static const char *const gic_names[] = { "distributor", "redistributors" };
static const char *const gicv2_names[] = { "distributor", "CPU interface", "virtual interface control",
                                           "virtual CPU interface" };
/* A GICv2 frame's least size: GICD, GICC and GICV two pages (GICC_DIR,
 * GICV_DIR), GICH one. */
static const uint64_t gicv2_min_size[] = { GICD_V2_SIZE, GICC_SIZE, PAGE_SIZE, GICV_SIZE };
#define GICV2_FRAMES 4
#define GICV2_ALIASED_SIZE 0x20000   /* GICC or GICV of 2 pages, each aliased over 64 KiB */
static const char *const iommu_irq_names[] = { "eventq", "priq", "cmdq-sync", "gerror" };
enum { IOMMU_EVENTQ, IOMMU_PRIQ, IOMMU_SYNC, IOMMU_GERROR, IOMMU_IRQS };

static void own_window(struct plat_desc *p, uint64_t base, uint64_t size, const char *what)
{
    if (p->nr_windows == PLAT_MAX_OWNED)
        refuse(HYP_NODE, "more than %d windows", PLAT_MAX_OWNED);
    struct owned *o = &p->windows[p->nr_windows++];
    *o = (struct owned){ base, size, "" };
    snprintf(o->what, sizeof(o->what), "the hypervisor's %s", what);
}

static uint32_t own_spi(struct plat_desc *p, const char *path, const fdt32_t *irq, const char *what)
{
    uint32_t type = fdt32_to_cpu(irq[0]), num = fdt32_to_cpu(irq[1]);
    if (type != GIC_FDT_SPI || num >= HW_IRQ_MAX - GIC_SPI_BASE_ID)
        refuse(path, "interrupts must be SPIs (type 0, 0..%d)", HW_IRQ_MAX - GIC_SPI_BASE_ID - 1);
    if (p->nr_spis == PLAT_MAX_OWNED_SPIS)
        refuse(HYP_NODE, "more than %d interrupts", PLAT_MAX_OWNED_SPIS);
    struct owned *o = &p->spis[p->nr_spis++];
    *o = (struct owned){ num, 1, "" };
    snprintf(o->what, sizeof(o->what), "%s", what);
    return GIC_SPI_BASE_ID + num;
}

/* A child of /platform/hypervisor: its compatible must be `compat`, and it
 * has `nregs` reg ranges (into reg[]) and `nirqs` interrupts (their cells,
 * or NULL).  Returns its offset, or a negative value when it is absent and
 * optional. */
/* `compat`: one compatible, or several separated by '|' (any of them). */
static bool compat_ok(const char *c, const char *compat)
{
    size_t n = strlen(c);
    for (const char *p = compat; p; p = strchr(p, '|') ? strchr(p, '|') + 1 : NULL)
        if (!strncmp(p, c, n) && (p[n] == '|' || !p[n]))
            return true;
    return false;
}

static int hyp_child(const void *fdt, int hyp, const char *name, const char *compat, bool optional,
                     const char *const *props, int nregs, uint64_t (*reg)[2], int nirqs, const fdt32_t **irqs)
{
    char path[NODE_PATH_LEN];
    snprintf(path, sizeof(path), "%s/%s", HYP_NODE, name);
    int node = fdt_subnode_offset(fdt, hyp, name);
    if (node < 0) {
        if (!optional)
            refuse(path, "missing node");
        return node;
    }
    check_props(fdt, node, path, props);
    check_children(fdt, node, (const char *const[]){ NULL });
    const char *c = get_string(fdt, node, path, "compatible");
    if (!c || !compat_ok(c, compat))
        refuse(path, "compatible must be \"%s\"", compat);
    int len;
    const fdt32_t *r = fdt_getprop(fdt, node, "reg", &len);
    if (!r || len != nregs * REG_CELLS * 4)
        refuse(path, "reg must be %d <address-hi address-lo size-hi size-lo> range%s", nregs, nregs > 1 ? "s" : "");
    for (int i = 0; i < nregs; i++) {
        reg[i][0] = read_cells(r + i * REG_CELLS, 2);
        reg[i][1] = read_cells(r + i * REG_CELLS + 2, 2);
        if (!reg[i][1] || reg[i][0] % PAGE_SIZE || reg[i][1] % PAGE_SIZE || reg[i][0] + reg[i][1] < reg[i][0])
            refuse(path, "reg %#" PRIx64 "+%#" PRIx64 " must be non-empty and page-aligned", reg[i][0], reg[i][1]);
    }
    if (nirqs) {
        *irqs = fdt_getprop(fdt, node, "interrupts", &len);
        if (!*irqs || len != nirqs * GIC_FDT_CELLS * 4)
            refuse(path, "interrupts must be %d <type number flags> triple%s", nirqs, nirqs > 1 ? "s" : "");
    }
    return node;
}

/* The GIC: a GICv3 (distributor, redistributors) or a GICv2 with the
 * virtualization extensions (distributor, CPU interface, GICH, GICV, and
 * the maintenance PPI). */
static void parse_gic(struct plat_desc *p, const void *fdt, int hyp)
{
    static const char *const v3_props[] = { "compatible", "reg", NULL };
    static const char *const v2_props[] = { "compatible", "reg", "interrupts", "hw-lr-no-refire", NULL };
    int node = fdt_subnode_offset(fdt, hyp, "gic");
    const char *c = node >= 0 ? fdt_getprop(fdt, node, "compatible", NULL) : NULL;
    uint64_t reg[GICV2_FRAMES][2];
    if (!c || !compat_ok(c, "arm,gic-400|arm,cortex-a15-gic")) {
        hyp_child(fdt, hyp, "gic", "arm,gic-v3", false, v3_props, 2, reg, 0, NULL);
        p->hyp.gic_version = 3;
        p->hyp.gicd_base = reg[0][0];
        p->hyp.gicr_base = reg[1][0];
        p->hyp.gicr_size = reg[1][1];
        for (int i = 0; i < 2; i++) {
            char what[32];
            snprintf(what, sizeof(what), "GIC %s", gic_names[i]);
            own_window(p, reg[i][0], reg[i][1], what);
        }
        return;
    }
    const fdt32_t *irqs;
    hyp_child(fdt, hyp, "gic", "arm,gic-400|arm,cortex-a15-gic", false, v2_props, GICV2_FRAMES, reg, 1, &irqs);
    p->hyp.gic_version = 2;
    p->hyp.gicd_base = reg[0][0];
    p->hyp.gicc_base = reg[1][0];
    p->hyp.gich_base = reg[2][0];
    p->hyp.gicv_base = reg[3][0];
    for (int i = 0; i < GICV2_FRAMES; i++) {
        char what[48];
        snprintf(what, sizeof(what), "GIC %s", gicv2_names[i]);
        if (reg[i][1] < gicv2_min_size[i])
            refuse(HYP_NODE "/gic", "the %s (reg %d) must be at least %#" PRIx64 " bytes", what, i, gicv2_min_size[i]);
        /* A GIC-400 wired with each 4 KiB page aliased over 64 KiB has its
         * second GICC/GICV page at +0xf000, not +0x1000 (Linux's irq-gic
         * checks for it): tofu does not handle that wiring. */
        if ((i == 1 || i == 3) && reg[i][1] == GICV2_ALIASED_SIZE)
            refuse(HYP_NODE "/gic", "the %s (reg %d) is 128 KiB: 64 KiB-aliased GICv2 frames are not supported "
                   "(tofu expects GICC_DIR at +0x1000)", what, i);
        own_window(p, reg[i][0], reg[i][1], what);
    }
    if (fdt32_to_cpu(irqs[0]) != GIC_FDT_PPI || fdt32_to_cpu(irqs[1]) != PPI_MAINTENANCE - GIC_PPI_BASE_ID)
        refuse(HYP_NODE "/gic", "interrupts must be the maintenance interrupt, <1 %u 4> (PPI %u, INTID %u: "
               "the one tofu takes)", PPI_MAINTENANCE - GIC_PPI_BASE_ID, PPI_MAINTENANCE - GIC_PPI_BASE_ID,
               PPI_MAINTENANCE);
    p->hyp.gic_maint_intid = PPI_MAINTENANCE;
    p->hyp.gic_hw_lr_no_refire = fdt_getprop(fdt, node, "hw-lr-no-refire", NULL) != NULL;
}

/* ram-banks: the board's RAM, 1..MAX_RAM_BANKS page-aligned ranges in
 * address order, the first at ram-base (it holds the image), none in the
 * EL2 device window, all within the physical and EL2's virtual address
 * space (tofu maps RAM 1:1).  A config's memory lies in them. */
static void parse_ram_banks(struct plat_desc *p, const void *fdt, int hyp)
{
    int len;
    const fdt32_t *b = fdt_getprop(fdt, hyp, "ram-banks", &len);
    if (!b)
        return;
    if (!len || len % (REG_CELLS * 4) || len / (REG_CELLS * 4) > MAX_RAM_BANKS)
        refuse(HYP_NODE, "ram-banks must be 1..%d <base-hi base-lo size-hi size-lo> ranges", MAX_RAM_BANKS);
    uint64_t limit = UINT64_C(1) << (p->min_pa_bits < HYP_VA_BITS ? p->min_pa_bits : HYP_VA_BITS);
    for (int i = 0; i < len / (REG_CELLS * 4); i++) {
        struct ram_range r = { read_cells(b + i * REG_CELLS, 2), read_cells(b + i * REG_CELLS + 2, 2) };
        if (!r.size || (r.base | r.size) % PAGE_SIZE || r.base + r.size < r.base || r.base + r.size > limit)
            refuse(HYP_NODE, "ram-banks: bank %d (%#" PRIx64 "+%#" PRIx64 ") must be non-empty, page-aligned, "
                   "below %#" PRIx64 " (the %u-bit physical and EL2's %u-bit virtual address space)", i, r.base,
                   r.size, limit, p->min_pa_bits, HYP_VA_BITS);
        if (i && r.base < p->banks[i - 1].base + p->banks[i - 1].size)
            refuse(HYP_NODE, "ram-banks: bank %d (%#" PRIx64 ") must start above bank %d's end (%#" PRIx64 "): "
                   "in address order, apart", i, r.base, i - 1, p->banks[i - 1].base + p->banks[i - 1].size - 1);
        if (ranges_overlap(r.base, r.size, p->hyp.device_base, p->hyp.device_size))
            refuse(HYP_NODE, "ram-banks: bank %d (%#" PRIx64 "+%#" PRIx64 ") overlaps el2-device-window", i, r.base,
                   r.size);
        p->banks[p->nr_banks++] = r;
    }
    if (p->banks[0].base != p->hyp.ram_base)
        refuse(HYP_NODE, "ram-banks: the first must start at ram-base %#" PRIx64 " (it holds the image)",
               p->hyp.ram_base);
}

/* cpu-mpidrs: each CPU's MPIDR affinity, 2 cells each, distinct, nothing
 * but the affinity fields; 1..MAX_PCPUS of them. */
static void parse_cpus(struct plat_desc *p, const void *fdt, int hyp)
{
    int len;
    const fdt32_t *m = fdt_getprop(fdt, hyp, "cpu-mpidrs", &len);
    if (!m || !len || len % 8 || len / 8 > MAX_PCPUS)
        refuse(HYP_NODE, "cpu-mpidrs must list 1..%d CPUs' MPIDRs, 2 cells each", MAX_PCPUS);
    p->hyp.nr_cpus = (uint32_t)(len / 8);
    for (unsigned i = 0; i < p->hyp.nr_cpus; i++) {
        uint64_t mpidr = read_cells(m + 2 * i, 2);
        if (mpidr & ~MPIDR_AFF_MASK)
            refuse(HYP_NODE, "cpu-mpidrs: CPU %u's %#" PRIx64 " has bits beyond the affinity fields (mask %#" PRIx64 ")",
                   i, mpidr, MPIDR_AFF_MASK);
        for (unsigned j = 0; j < i; j++)
            if (p->hyp.cpu_mpidr[j] == mpidr)
                refuse(HYP_NODE, "cpu-mpidrs: CPUs %u and %u both have MPIDR %#" PRIx64, j, i, mpidr);
        p->hyp.cpu_mpidr[i] = mpidr;
    }
    /* How the secondaries start: PSCI (the default) or a spin table, whose
     * release addresses, one per CPU (CPU 0's unused), lie in RAM below the
     * image, which tofu leaves alone (platform_ram_kept). */
    const char *method = get_string(fdt, hyp, HYP_NODE, "cpu-enable-method");
    if (!method || !strcmp(method, "psci")) {
        p->hyp.cpu_enable_method = PLATFORM_CPU_PSCI;
        if (fdt_getprop(fdt, hyp, "cpu-release-addrs", NULL))
            refuse(HYP_NODE, "cpu-release-addrs is for cpu-enable-method = \"spin-table\"");
        return;
    }
    if (strcmp(method, "spin-table"))
        refuse(HYP_NODE, "cpu-enable-method must be \"psci\" or \"spin-table\"");
    p->hyp.cpu_enable_method = PLATFORM_CPU_SPIN_TABLE;
    const fdt32_t *r = fdt_getprop(fdt, hyp, "cpu-release-addrs", &len);
    if (!r || len != (int)p->hyp.nr_cpus * 8)
        refuse(HYP_NODE, "cpu-release-addrs must give each of the %u CPUs' release address, 2 cells each", p->hyp.nr_cpus);
    for (unsigned i = 0; i < p->hyp.nr_cpus; i++) {
        uint64_t a = read_cells(r + 2 * i, 2);
        if (a % 8 || a < p->hyp.ram_base || a + 8 > p->image_base)
            refuse(HYP_NODE, "cpu-release-addrs: CPU %u's %#" PRIx64 " must be 8-byte aligned, in RAM below image-base", i, a);
        p->hyp.cpu_release_addr[i] = a;
    }
}

/* The PCIe host bridge among the devices VMs may be given: tofu enumerates
 * bus 0 through its ECAM and puts BARs in its MMIO window. */
static void parse_pcie(struct plat_desc *p, const void *fdt, int plat_node)
{
    int devs = fdt_subnode_offset(fdt, plat_node, "devices"), n;
    if (devs < 0)
        return;
    fdt_for_each_subnode(n, fdt, devs) {
        int len;
        const fdt32_t *reg = fdt_getprop(fdt, n, "reg", &len);
        if (!reg || len < REG_CELLS * 4)
            continue;               /* parse_device() refuses it if a VM names it */
        char path[NODE_PATH_LEN];
        node_path(fdt, n, path, sizeof(path));
        if (!fdt_node_check_compatible(fdt, n, PCIE_ECAM_COMPAT)) {
            p->hyp.pci_ecam_base = read_cells(reg, 2);
            p->hyp.pci_ecam_bus_size = PCI_ECAM_BUS_SIZE;
            const fdt32_t *irq = fdt_getprop(fdt, n, "interrupts", &len);
            if (!irq || len != PCI_INTX_LINES * GIC_FDT_CELLS * 4)
                refuse(path, "interrupts must be the %d INTx lines A-D", PCI_INTX_LINES);
            p->hyp.pci_intx_intid = GIC_SPI_BASE_ID + fdt32_to_cpu(irq[1]);
            for (unsigned i = 1; i < PCI_INTX_LINES; i++)
                if (fdt32_to_cpu(irq[i * GIC_FDT_CELLS]) != GIC_FDT_SPI ||
                    fdt32_to_cpu(irq[i * GIC_FDT_CELLS + 1]) != p->hyp.pci_intx_intid - GIC_SPI_BASE_ID + i)
                    refuse(path, "interrupts: INTx lines A-D must be consecutive SPIs");
        } else if (!fdt_node_check_compatible(fdt, n, PCIE_MMIO_COMPAT)) {
            p->hyp.pci_mmio_base = read_cells(reg, 2);
            p->hyp.pci_mmio_size = read_cells(reg + 2, 2);
        }
    }
    if (p->hyp.pci_ecam_base && !p->hyp.pci_mmio_size)
        refuse("/platform/devices", "a PCIe ECAM (\"%s\") needs its MMIO window (\"%s\")", PCIE_ECAM_COMPAT,
               PCIE_MMIO_COMPAT);
}

void parse_platform_desc(struct plat_desc *p, const void *fdt, int plat_node)
{
    memset(p, 0, sizeof(*p));
    int hyp = fdt_subnode_offset(fdt, plat_node, "hypervisor");
    if (hyp < 0)
        refuse(HYP_NODE, "missing node: the board's description (platforms/<board>.dtsi) says what the "
               "hypervisor keeps for itself");
    static const char *const hyp_props[] = { "image-base", "ram-base", "min-pa-bits", "el2-device-window",
                                             "ram-zero-at-power-on", "cpu-mpidrs", "cpu-enable-method",
                                             "cpu-release-addrs", "ram-banks", "timer-frequency", NULL };
    check_props(fdt, hyp, HYP_NODE, hyp_props);
    check_children(fdt, hyp, (const char *const[]){ "gic", "its", "uart", "iommu", NULL });
    p->hyp.name = fdt_stringlist_get(fdt, plat_node, "compatible", 0, NULL);
    if (!p->hyp.name || strpbrk(p->hyp.name, "\"\\"))     /* it becomes a C string in config.c */
        refuse("/platform", "compatible must name the board, without '\"' or '\\'");
    uint64_t v, bits;
    /* Both QEMU's -kernel and U-Boot's booti put the image at RAM's start
     * plus its header's text_offset, image-base less ram-base (tofu.ld). */
    if (!get_u64(fdt, hyp, HYP_NODE, "image-base", 2, &p->image_base) || p->image_base % SZ_2M)
        refuse(HYP_NODE, "image-base must be 2 cells, 2 MiB aligned");
    if (!get_u64(fdt, hyp, HYP_NODE, "ram-base", 2, &p->hyp.ram_base) || p->hyp.ram_base % SZ_2M ||
        p->hyp.ram_base >= p->image_base)
        refuse(HYP_NODE, "ram-base must be 2 cells, 2 MiB aligned, below image-base");
    if (!get_u64(fdt, hyp, HYP_NODE, "min-pa-bits", 1, &bits) || bits < 32 || bits > 48)
        refuse(HYP_NODE, "min-pa-bits must be 32..48");
    p->min_pa_bits = (unsigned)bits;
    int len;
    const fdt32_t *w = fdt_getprop(fdt, hyp, "el2-device-window", &len);
    if (!w || len != REG_CELLS * 4)
        refuse(HYP_NODE, "el2-device-window must be <address-hi address-lo size-hi size-lo>");
    p->hyp.device_base = read_cells(w, 2);
    p->hyp.device_size = read_cells(w + 2, 2);
    if (!p->hyp.device_size || (p->hyp.device_base | p->hyp.device_size) % SZ_2M)
        refuse(HYP_NODE, "el2-device-window must be non-empty and 2 MiB aligned");
    p->hyp.ram_zero_at_power_on = fdt_getprop(fdt, hyp, "ram-zero-at-power-on", NULL) != NULL;
    parse_ram_banks(p, fdt, hyp);
    parse_cpus(p, fdt, hyp);
    /* The system counter's frequency, which tofu sets if it starts at EL3
     * and firmware left CNTFRQ_EL0 0 (el3_init_cpu). */
    uint64_t hz = 0;
    if (fdt_getprop(fdt, hyp, "timer-frequency", NULL) && (!get_u64(fdt, hyp, HYP_NODE, "timer-frequency", 1, &hz) || !hz))
        refuse(HYP_NODE, "timer-frequency must be the counter's frequency in Hz, 1 cell");
    p->hyp.timer_hz = (uint32_t)hz;

    uint64_t reg[2][2];
    const fdt32_t *irqs = NULL;
    static const char *const dev_props[] = { "compatible", "reg", NULL };
    static const char *const irq_props[] = { "compatible", "reg", "interrupts", NULL };
    parse_gic(p, fdt, hyp);
    if (hyp_child(fdt, hyp, "its", "arm,gic-v3-its", true, dev_props, 1, reg, 0, NULL) >= 0) {
        p->hyp.its_base = reg[0][0];
        own_window(p, reg[0][0], reg[0][1], "GIC ITS");
    }
    /* The console; its driver is the board's (platforms/<board>.mk's UART). */
    hyp_child(fdt, hyp, "uart", "arm,pl011|cdns,uart-r1p12|xlnx,xuartps", false, irq_props, 1, reg, 1, &irqs);
    p->hyp.uart_base = reg[0][0];
    own_window(p, reg[0][0], reg[0][1], "console UART");
    p->hyp.uart_intid = own_spi(p, HYP_NODE "/uart", irqs, "the hypervisor's console's");
    static const char *const iommu_props[] = { "compatible", "reg", "interrupts", "interrupt-names", "pci-buses", NULL };
    int io = hyp_child(fdt, hyp, "iommu", "arm,smmu-v3", true, iommu_props, 1, reg, IOMMU_IRQS, &irqs);
    if (io >= 0) {
        p->hyp.iommu_base = reg[0][0];
        own_window(p, reg[0][0], reg[0][1], "SMMU");
        for (int i = 0; i < IOMMU_IRQS; i++)
            if (fdt_stringlist_search(fdt, io, "interrupt-names", iommu_irq_names[i]) != i)
                refuse(HYP_NODE "/iommu", "interrupt-names must be \"eventq\", \"priq\", \"cmdq-sync\", \"gerror\"");
        uint32_t intid[IOMMU_IRQS];
        for (int i = 0; i < IOMMU_IRQS; i++)
            intid[i] = own_spi(p, HYP_NODE "/iommu", irqs + i * GIC_FDT_CELLS, "one of the hypervisor's SMMU's");
        p->hyp.iommu_event_intid = intid[IOMMU_EVENTQ];
        p->hyp.iommu_gerror_intid = intid[IOMMU_GERROR];
        if (!get_u64(fdt, io, HYP_NODE "/iommu", "pci-buses", 1, &v) || v < 1 || v > IOMMU_MAX_PCI_BUSES)
            refuse(HYP_NODE "/iommu", "pci-buses must be 1..%d (the buses whose StreamIDs the stream table holds)",
                   IOMMU_MAX_PCI_BUSES);
        p->hyp.iommu_buses = (uint32_t)v;
    }
    parse_pcie(p, fdt, plat_node);
}
