/* SPDX-License-Identifier: MIT */
/*
 * Bus 0 of the platform's PCIe host bridge, enumerated once at boot: each
 * function's BARs sized and given addresses in the bridge's 32-bit window
 * (largest first, each aligned to its size and to at least a page, so that
 * a page never holds two functions' BARs), its capabilities and INTx line
 * found.  Whoever gets a function later (a VM by pci-functions, through its
 * virtual ECAM; or a VM that owns the bus whole) finds it at these
 * addresses, and tofu writes them again after every reset.
 *
 * Resets (PCI Express Base 6.0, 6.6.2): a Function Level Reset is issued
 * with bus mastering off and the BARs written again right after.  The spec
 * asks software to wait 100 ms (PCI_FLR_WAIT_MS) before it touches the
 * function again; QEMU completes the reset inside the config write that
 * starts it (hw/pci/pcie.c, pcie_cap_flr_write_config), so tofu does not
 * wait, on no path.  Hardware would need the restore deferred to a timer.
 */
#include "core/pci.h"
#include "core/drivers.h"
#include "core/platform.h"
#include "core/printf.h"
#include "core/lib.h"
#include "core/config.h"

static struct pci_fn fns[PCI_MAX_FNS];
static unsigned nr_fns;

static uint32_t rd(uint16_t rid, unsigned off, unsigned width)
{
    return pci_ecam_read(rid, off, width);
}

static void wr(uint16_t rid, unsigned off, unsigned width, uint32_t val)
{
    pci_ecam_write(rid, off, width, val);
}

uint32_t pci_cfg_read(const struct pci_fn *f, unsigned off, unsigned width)
{
    return rd(f->rid, off, width);
}

void pci_cfg_write(const struct pci_fn *f, unsigned off, unsigned width, uint32_t val)
{
    wr(f->rid, off, width, val);
}

struct pci_fn *pci_fn_find(uint16_t rid)
{
    for (unsigned i = 0; i < nr_fns; i++)
        if (fns[i].rid == rid)
            return &fns[i];
    return NULL;
}

/* Write all-ones, read the mask back, put the old value back. */
static uint32_t bar_mask(uint16_t rid, unsigned off)
{
    uint32_t old = rd(rid, off, 4);
    wr(rid, off, 4, PCI_CFG_ALL_ONES);
    uint32_t mask = rd(rid, off, 4);
    wr(rid, off, 4, old);
    return mask;
}

/* The sizes of the six memory BARs at `first` (a header's, or an SR-IOV
 * capability's VF BARs; decoding off meanwhile); I/O BARs stay unused. */
static void size_bars(uint16_t rid, unsigned first, struct pci_bar *bars)
{
    for (unsigned i = 0; i < PCI_NR_BARS; i++) {
        unsigned off = first + i * PCI_BAR_STRIDE;
        uint32_t lo = bar_mask(rid, off);
        if (!lo || (lo & PCI_BAR_IO))
            continue;                   /* not implemented, or I/O: hidden */
        bool is64 = (lo & PCI_BAR_MEM_TYPE_MASK) == PCI_BAR_MEM_TYPE_64 && i + 1 < PCI_NR_BARS;
        uint64_t hi = is64 ? bar_mask(rid, off + PCI_BAR_STRIDE) : PCI_CFG_ALL_ONES;
        uint64_t mask = hi << 32 | (lo & ~PCI_BAR_MEM_FLAGS);
        uint64_t size = ~mask + 1;
        if (!size)
            continue;
        bars[i] = (struct pci_bar){ 0, size, lo & PCI_BAR_MEM_FLAGS, is64 ? PCI_BAR_MEM64_LO : PCI_BAR_MEM32 };
        if (is64)
            bars[++i] = (struct pci_bar){ 0, size, 0, PCI_BAR_MEM64_HI };
    }
}

/* tofu's addresses into the six BARs at `first`. */
static void write_bars(uint16_t rid, unsigned first, const struct pci_bar *bars)
{
    for (unsigned b = 0; b < PCI_NR_BARS; b++) {
        const struct pci_bar *bar = &bars[b];
        uint32_t v = bar->kind == PCI_BAR_MEM64_HI ? (uint32_t)(bar->base >> 32)
                   : bar->kind == PCI_BAR_UNUSED   ? 0 : (uint32_t)bar->base;
        wr(rid, first + b * PCI_BAR_STRIDE, 4, v);
    }
}

/* How many bytes of the capability at `cap` (of `size` bytes at most) a VM
 * may see: none of the next capability's, wherever the list puts it, and
 * nothing past the conventional space. */
static uint8_t cap_span(const uint8_t *caps, unsigned n, unsigned cap, unsigned size)
{
    unsigned end = MIN(cap + size, PCI_CFG_STD_SIZE);
    for (unsigned i = 0; i < n; i++)
        if (caps[i] > cap && caps[i] < end)
            end = caps[i];
    return (uint8_t)(end - cap);
}

/* The bytes of the MSI capability at `cap`, from its Message Control. */
static unsigned msi_size(uint16_t rid, unsigned cap)
{
    uint32_t flags = rd(rid, cap + PCI_MSI_FLAGS, 2);
    return (flags & PCI_MSI_FLAGS_64BIT ? PCI_MSI_SIZEOF_64 : PCI_MSI_SIZEOF_32) +
           (flags & PCI_MSI_FLAGS_MASKBIT ? PCI_MSI_MASK_SIZEOF : 0);
}

/* The capabilities tofu uses or shows (PM, PCI Express, MSI, MSI-X),
 * found by walking the list. */
static void find_caps(struct pci_fn *f)
{
    uint8_t caps[PCI_CAP_MAX_WALK];
    unsigned n = 0;
    if (!(rd(f->rid, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST))
        return;
    unsigned p = rd(f->rid, PCI_CAPABILITY_LIST, 1) & PCI_CAP_PTR_MASK;
    for (; n < PCI_CAP_MAX_WALK && p >= PCI_CFG_HDR_SIZE; n++) {
        unsigned id = rd(f->rid, p + PCI_CAP_ID, 1);
        caps[n] = (uint8_t)p;
        if (id == PCI_CAP_ID_PM && !f->pm_cap)
            f->pm_cap = (uint8_t)p;
        if (id == PCI_CAP_ID_EXP && !f->exp_cap)
            f->exp_cap = (uint8_t)p;
        if (id == PCI_CAP_ID_MSI && !f->msi_cap)
            f->msi_cap = (uint8_t)p;
        if (id == PCI_CAP_ID_MSIX && !f->msix_cap)
            f->msix_cap = (uint8_t)p;
        p = rd(f->rid, p + PCI_CAP_NEXT, 1) & PCI_CAP_PTR_MASK;
    }
    if (f->pm_cap)
        f->pm_len = cap_span(caps, n, f->pm_cap, PCI_PM_SIZEOF);
    if (f->msi_cap)
        f->msi_len = cap_span(caps, n, f->msi_cap, msi_size(f->rid, f->msi_cap));
    if (f->msix_cap)
        f->msix_len = cap_span(caps, n, f->msix_cap, PCI_MSIX_SIZEOF);
    if (f->exp_cap) {
        f->exp_len = cap_span(caps, n, f->exp_cap, PCI_EXP_SIZEOF);
        f->flr = rd(f->rid, f->exp_cap + PCI_EXP_DEVCAP, 4) & PCI_EXP_DEVCAP_FLR;
    }
}

/* Does a VM's config name `rid` (pci-functions, pci-vfs)? */
static bool config_names(uint16_t rid)
{
    for (unsigned v = 0; v < config_nr_vms; v++)
        for (unsigned i = 0; i < config_vms[v].nr_pci_fns; i++)
            if (config_vms[v].pci_fns[i] == rid)
                return true;
    return false;
}

/* The SR-IOV capability, by walking the extended list from 0x100. */
static void find_sriov(struct pci_fn *f)
{
    unsigned p = PCI_CFG_STD_SIZE;
    for (unsigned n = 0; n < PCI_EXT_CAP_MAX_WALK && p >= PCI_CFG_STD_SIZE; n++) {
        uint32_t h = rd(f->rid, p, 4);
        if (!h || h == PCI_CFG_ALL_ONES)
            return;
        if ((h & PCI_EXT_CAP_ID_MASK) == PCI_EXT_CAP_ID_SRIOV) {
            f->sriov_cap = (uint16_t)p;
            return;
        }
        p = (h >> PCI_EXT_CAP_NEXT_SHIFT) & PCI_EXT_CAP_NEXT_MASK;
    }
}

static void sriov_read_rid_layout(struct pci_fn *f)
{
    f->vf_offset = (uint16_t)rd(f->rid, f->sriov_cap + PCI_SRIOV_VF_OFFSET, 2);
    f->vf_stride = (uint16_t)rd(f->rid, f->sriov_cap + PCI_SRIOV_VF_STRIDE, 2);
}

/*
 * An SR-IOV PF: VF Enable off (a state tofu knows; whatever ran before
 * may have left it on), its VF BARs sized, and as many VFs to enable as
 * the VMs' configs name the highest of (nr_vfs, 0: none, SR-IOV stays off).
 * First VF Offset and VF Stride may depend on NumVFs (9.3.3.10): read
 * with NumVFs = TotalVFs to find the VFs, then again with NumVFs set.
 */
static void sriov_probe(struct pci_fn *f)
{
    unsigned c = f->sriov_cap;
    wr(f->rid, c + PCI_SRIOV_CTRL, 2, 0);
    f->total_vfs = (uint16_t)rd(f->rid, c + PCI_SRIOV_TOTAL_VF, 2);
    f->vf_device = (uint16_t)rd(f->rid, c + PCI_SRIOV_VF_DID, 2);
    size_bars(f->rid, c + PCI_SRIOV_BAR, f->vf_bar);
    if (f->exp_cap)
        f->rc_end = (rd(f->rid, f->exp_cap + PCI_EXP_FLAGS, 2) >> PCI_EXP_FLAGS_TYPE_SHIFT &
                     PCI_EXP_FLAGS_TYPE_MASK) == PCI_EXP_TYPE_RC_END;
    wr(f->rid, c + PCI_SRIOV_NUM_VF, 2, f->total_vfs);
    sriov_read_rid_layout(f);
    unsigned n = 0;
    for (unsigned k = 0; k < f->total_vfs && pci_vf_rid(f, k); k++)
        if (config_names(pci_vf_rid(f, k)))
            n = k + 1;
    for (unsigned b = 0; b < PCI_NR_BARS && n; b++)
        if ((f->vf_bar[b].kind == PCI_BAR_MEM32 || f->vf_bar[b].kind == PCI_BAR_MEM64_LO) &&
            f->vf_bar[b].size % PAGE_SIZE) {
            printf("pci " PCI_BDF_FMT ": its VFs' BAR%u is %#lx bytes, not whole pages: VFs would share pages, "
                   "none is enabled\n", PCI_BDF_ARGS(f->rid), b, f->vf_bar[b].size);
            n = 0;
        }
    f->nr_vfs = (uint16_t)n;
    wr(f->rid, c + PCI_SRIOV_NUM_VF, 2, f->nr_vfs);
    sriov_read_rid_layout(f);
}

static void probe_fn(uint16_t rid)
{
    if (nr_fns == PCI_MAX_FNS) {
        printf("pci " PCI_BDF_FMT ": more than %u functions: left alone\n", PCI_BDF_ARGS(rid), PCI_MAX_FNS);
        return;
    }
    struct pci_fn *f = &fns[nr_fns++];
    *f = (struct pci_fn){ .rid = rid };
    uint16_t cmd = (uint16_t)rd(rid, PCI_COMMAND, 2);
    wr(rid, PCI_COMMAND, 2, cmd & ~(PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER));
    f->class_rev = rd(rid, PCI_CLASS_REVISION, 4);
    f->hidden = f->class_rev >> PCI_CLASS_SHIFT == PCI_CLASS_BRIDGE_HOST;
    f->vendor = (uint16_t)rd(rid, PCI_VENDOR_ID, 2);
    f->device = (uint16_t)rd(rid, PCI_DEVICE_ID, 2);
    size_bars(rid, PCI_BAR0, f->bar);
    find_caps(f);
    find_sriov(f);
    if (f->sriov_cap)
        sriov_probe(f);
    /* A reset by its registers where there is no FLR, or where an FLR
     * would reset VFs that other VMs own (an SR-IOV PF with VFs on). */
    f->dev_reset = (!f->flr || f->nr_vfs) && f->bar[0].kind == PCI_BAR_MEM32 &&
                   pci_dev_reset_known(f->vendor, f->device);
    f->pin = (uint8_t)rd(rid, PCI_INTERRUPT_PIN, 1);
    unsigned slot = (rid >> PCI_RID_DEV_SHIFT) & PCI_RID_DEV_MASK;
    if (f->pin >= 1 && f->pin <= PCI_INTX_PINS)
        f->intid = platform.pci_intx_intid + (slot + f->pin - 1) % PCI_INTX_LINES;
    else
        f->pin = 0;
}

/* The bytes a BAR takes in the window: its size (at least a page), or for
 * a PF's VF BAR (`vf`) each VF's size times TotalVFs rounded up to a power
 * of two (VF n at base + n * size, every VF's pages its own). */
static uint64_t bar_span(const struct pci_fn *f, const struct pci_bar *bar, bool vf)
{
    uint64_t span = bar->size < PAGE_SIZE ? PAGE_SIZE : bar->size;
    if (vf)
        while (span < bar->size * f->total_vfs)
            span <<= 1;
    return span;
}

/* Largest span first from the window's start: each aligned to its size (a
 * power of two), none smaller than a page, so the window has no holes.
 * The VF BARs of a PF with VFs to enable are placed the same way. */
static void assign_bars(void)
{
    uint64_t next = platform.pci_mmio_base, end = platform.pci_mmio_base + platform.pci_mmio_size;
    for (;;) {
        struct pci_bar *best = NULL, *bars = NULL;
        struct pci_fn *owner = NULL;
        uint64_t span = 0;
        for (unsigned i = 0; i < nr_fns; i++)
            for (unsigned b = 0; b < 2 * PCI_NR_BARS; b++) {
                bool vf = b >= PCI_NR_BARS;
                struct pci_bar *bar = vf ? &fns[i].vf_bar[b - PCI_NR_BARS] : &fns[i].bar[b];
                bool mem = bar->kind == PCI_BAR_MEM32 || bar->kind == PCI_BAR_MEM64_LO;
                uint64_t sp = mem ? bar_span(&fns[i], bar, vf) : 0;
                if (mem && !bar->base && (!vf || fns[i].nr_vfs) && sp > span) {
                    best = bar;
                    bars = vf ? fns[i].vf_bar : fns[i].bar;
                    owner = &fns[i];
                    span = sp;
                }
            }
        if (!best)
            return;
        uint64_t base = ALIGN_UP(next, span);
        unsigned b = (unsigned)(best - bars);
        if (base + span > end || base + span < base) {
            printf("pci " PCI_BDF_FMT ": %sBAR%u (%#lx bytes) does not fit in the window: left unassigned%s\n",
                   PCI_BDF_ARGS(owner->rid), bars == owner->bar ? "" : "VF ", b, span,
                   bars == owner->bar ? "" : ", no VF enabled");
            if (best->kind == PCI_BAR_MEM64_LO)
                bars[b + 1].kind = PCI_BAR_UNUSED;
            best->kind = PCI_BAR_UNUSED;
            if (bars == owner->vf_bar)
                owner->nr_vfs = 0;
            continue;
        }
        best->base = base;
        if (best->kind == PCI_BAR_MEM64_LO)
            bars[b + 1].base = base;
        next = base + span;
    }
}

/* The PF's enabled VFs as functions of their own: IDs from the PF (a VF's
 * own Vendor and Device ID read 0xffff, 9.3.4.1.1-2), capabilities from
 * their config space, BARs from the PF's VF BARs, no INTx (9.3.4.1.14). */
static void probe_vfs(struct pci_fn *pf)
{
    for (unsigned k = 0; k < pf->nr_vfs; k++) {
        uint16_t rid = pci_vf_rid(pf, k);
        if (!rid || nr_fns == PCI_MAX_FNS) {
            printf("pci " PCI_BDF_FMT ": VF %u and up: %s, not used\n", PCI_BDF_ARGS(pf->rid), k,
                   rid ? "too many functions" : "beyond bus 0");
            return;
        }
        struct pci_fn *f = &fns[nr_fns++];
        *f = (struct pci_fn){ .rid = rid, .pf = pf, .vf_index = (uint16_t)k, .vendor = pf->vendor,
                              .device = pf->vf_device };
        f->class_rev = rd(rid, PCI_CLASS_REVISION, 4);
        find_caps(f);
        for (unsigned b = 0; b < PCI_NR_BARS; b++) {
            f->bar[b] = pf->vf_bar[b];
            if (f->bar[b].kind != PCI_BAR_UNUSED)
                f->bar[b].base += k * f->bar[b].size;
        }
    }
}

/* The PF's VFs on again, if a reset turned them off (VF Enable clears):
 * their BARs, tofu's page size (the granule the VF BARs are aligned to),
 * NumVFs, then VF Enable and VF Memory Space Enable.  The spec asks for
 * 100 ms before the VFs are touched (9.3.3.3.1); QEMU registers them
 * inside the config write, like an FLR. */
static void sriov_enable(const struct pci_fn *f)
{
    unsigned c = f->sriov_cap;
    if (rd(f->rid, c + PCI_SRIOV_CTRL, 2) & PCI_SRIOV_CTRL_VFE)
        return;                         /* still on, as tofu left them */
    write_bars(f->rid, c + PCI_SRIOV_BAR, f->vf_bar);
    wr(f->rid, c + PCI_SRIOV_SYS_PGSIZE, 4, PCI_SRIOV_PGSIZE_4K);
    wr(f->rid, c + PCI_SRIOV_NUM_VF, 2, f->nr_vfs);
    wr(f->rid, c + PCI_SRIOV_CTRL, 2, PCI_SRIOV_CTRL_VFE | PCI_SRIOV_CTRL_MSE);
}

void pci_fn_restore(const struct pci_fn *f)
{
    if (f->pf)
        return;                         /* a VF's BARs are its PF's VF BARs: its own read 0 */
    write_bars(f->rid, PCI_BAR0, f->bar);
    wr(f->rid, PCI_ROM_ADDRESS, 4, 0);      /* no ROM: not decoded */
    if (f->nr_vfs)
        sriov_enable(f);
}

void pci_fn_reset(const struct pci_fn *f)
{
    uint16_t cmd = (uint16_t)rd(f->rid, PCI_COMMAND, 2);
    wr(f->rid, PCI_COMMAND, 2, cmd & ~(PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER));
    /* MSI and MSI-X off, as an FLR leaves them (a reset by the device's
     * registers does not touch its config space): the next instance finds
     * neither enabled with the last one's vectors. */
    if (f->msi_cap)
        wr(f->rid, f->msi_cap + PCI_MSI_FLAGS, 2, rd(f->rid, f->msi_cap + PCI_MSI_FLAGS, 2) & ~PCI_MSI_FLAGS_ENABLE);
    if (f->msix_cap)
        wr(f->rid, f->msix_cap + PCI_MSIX_FLAGS, 2, rd(f->rid, f->msix_cap + PCI_MSIX_FLAGS, 2) & ~PCI_MSIX_FLAGS_ENABLE);
    if (f->dev_reset) {
        /* Its own reset, through BAR0 (tofu's, which the guest could not
         * move): memory decoding on for it, bus mastering still off. */
        pci_fn_restore(f);
        wr(f->rid, PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
        if (!pci_dev_reset(f->vendor, f->device, f->bar[0].base))
            printf("pci " PCI_BDF_FMT ": its reset did not finish\n", PCI_BDF_ARGS(f->rid));
        wr(f->rid, PCI_COMMAND, 2, 0);
    } else if (f->flr) {
        uint16_t ctl = (uint16_t)rd(f->rid, f->exp_cap + PCI_EXP_DEVCTL, 2);
        wr(f->rid, f->exp_cap + PCI_EXP_DEVCTL, 2, ctl | PCI_EXP_DEVCTL_BCR_FLR);
    }
    pci_fn_restore(f);
}

void pci_bus_reset(void)
{
    for (unsigned i = 0; i < nr_fns; i++)
        if (!fns[i].hidden)
            pci_fn_reset(&fns[i]);
}

static void log_fn(const struct pci_fn *f)
{
    char line[256];
    unsigned n = (unsigned)snprintf(line, sizeof(line), "pci " PCI_BDF_FMT ": %04x:%04x", PCI_BDF_ARGS(f->rid),
                                    f->vendor, f->device);
    for (unsigned b = 0; b < PCI_NR_BARS && n < sizeof(line); b++)
        if (f->bar[b].kind == PCI_BAR_MEM32 || f->bar[b].kind == PCI_BAR_MEM64_LO)
            n += (unsigned)snprintf(line + n, sizeof(line) - n, ", BAR%u %#lx+%#lx", b, f->bar[b].base,
                                    f->bar[b].size);
    if (f->pin && n < sizeof(line))
        n += (unsigned)snprintf(line + n, sizeof(line) - n, ", INT%c INTID %u", 'A' + f->pin - 1, f->intid);
    if (f->pf && n < sizeof(line))
        n += (unsigned)snprintf(line + n, sizeof(line) - n, ", VF %u of " PCI_BDF_FMT, f->vf_index,
                                PCI_BDF_ARGS(f->pf->rid));
    if (f->sriov_cap && f->nr_vfs && n < sizeof(line))
        n += (unsigned)snprintf(line + n, sizeof(line) - n, ", SR-IOV: %u of %u VFs enabled at " PCI_BDF_FMT
                                " stride %u", f->nr_vfs, f->total_vfs, PCI_BDF_ARGS(pci_vf_rid(f, 0)), f->vf_stride);
    else if (f->sriov_cap && n < sizeof(line))    /* First VF Offset and Stride mean nothing with NumVFs 0 */
        n += (unsigned)snprintf(line + n, sizeof(line) - n, ", SR-IOV: none of %u VFs enabled (no config names one)",
                                f->total_vfs);
    if (n < sizeof(line))
        snprintf(line + n, sizeof(line) - n, "%s%s", f->dev_reset ? ", reset by its registers" : f->flr ? ", FLR" : "",
                 f->hidden ? " (host bridge)" : "");
    printf("%s\n", line);
}

void pci_init(uint64_t ecam_base)
{
    if (!platform.pci_ecam_base)
        return;
    if (ecam_base != platform.pci_ecam_base) {
        printf("pci: no PCIe host bridge at %#lx in the boot device tree: no function can be given to a VM\n",
               platform.pci_ecam_base);
        return;
    }
    for (unsigned dev = 0; dev <= PCI_RID_DEV_MASK; dev++)
        for (unsigned fn = 0; fn <= PCI_RID_FN_MASK; fn++) {
            uint16_t rid = (uint16_t)(dev << PCI_RID_DEV_SHIFT | fn);
            if (rd(rid, PCI_VENDOR_ID, 2) == PCI_VENDOR_NONE) {
                if (!fn)
                    break;              /* no function 0: no device */
                continue;
            }
            unsigned hdr = rd(rid, PCI_HEADER_TYPE, 1);
            if ((hdr & PCI_HEADER_TYPE_MASK) == PCI_HEADER_TYPE_NORMAL)
                probe_fn(rid);
            else
                printf("pci " PCI_BDF_FMT ": a bridge (header type %u): no bus numbers are assigned, so nothing "
                       "behind it is used; it is given to no VM\n", PCI_BDF_ARGS(rid), hdr & PCI_HEADER_TYPE_MASK);
            if (!fn && !(hdr & PCI_HEADER_MULTIFUNC))
                break;
        }
    assign_bars();
    unsigned nr_pfs = nr_fns;
    for (unsigned i = 0; i < nr_pfs; i++) {
        pci_fn_restore(&fns[i]);        /* SR-IOV on, where VFs are named */
        probe_vfs(&fns[i]);
    }
    for (unsigned i = 0; i < nr_fns; i++)
        log_fn(&fns[i]);
}
