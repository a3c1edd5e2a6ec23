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

/* The sizes of the memory BARs (decoding off meanwhile); I/O BARs stay unused. */
static void size_bars(struct pci_fn *f)
{
    for (unsigned i = 0; i < PCI_NR_BARS; i++) {
        unsigned off = PCI_BAR0 + i * PCI_BAR_STRIDE;
        uint32_t lo = bar_mask(f->rid, off);
        if (!lo || (lo & PCI_BAR_IO))
            continue;                   /* not implemented, or I/O: hidden */
        bool is64 = (lo & PCI_BAR_MEM_TYPE_MASK) == PCI_BAR_MEM_TYPE_64 && i + 1 < PCI_NR_BARS;
        uint64_t hi = is64 ? bar_mask(f->rid, off + PCI_BAR_STRIDE) : PCI_CFG_ALL_ONES;
        uint64_t mask = hi << 32 | (lo & ~PCI_BAR_MEM_FLAGS);
        uint64_t size = ~mask + 1;
        if (!size)
            continue;
        f->bar[i] = (struct pci_bar){ 0, size, lo & PCI_BAR_MEM_FLAGS, is64 ? PCI_BAR_MEM64_LO : PCI_BAR_MEM32 };
        if (is64)
            f->bar[++i] = (struct pci_bar){ 0, size, 0, PCI_BAR_MEM64_HI };
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
    f->hidden = rd(rid, PCI_CLASS_REVISION, 4) >> PCI_CLASS_SHIFT == PCI_CLASS_BRIDGE_HOST;
    f->vendor = (uint16_t)rd(rid, PCI_VENDOR_ID, 2);
    f->device = (uint16_t)rd(rid, PCI_DEVICE_ID, 2);
    size_bars(f);
    find_caps(f);
    f->dev_reset = !f->flr && f->bar[0].kind == PCI_BAR_MEM32 && pci_dev_reset_known(f->vendor, f->device);
    f->pin = (uint8_t)rd(rid, PCI_INTERRUPT_PIN, 1);
    unsigned slot = (rid >> PCI_RID_DEV_SHIFT) & PCI_RID_DEV_MASK;
    if (f->pin >= 1 && f->pin <= PCI_INTX_PINS)
        f->intid = platform.pci_intx_intid + (slot + f->pin - 1) % PCI_INTX_LINES;
    else
        f->pin = 0;
}

/* Largest BAR first from the window's start: each aligned to its size (a
 * power of two), none smaller than a page, so the window has no holes. */
static void assign_bars(void)
{
    uint64_t next = platform.pci_mmio_base, end = platform.pci_mmio_base + platform.pci_mmio_size;
    for (;;) {
        struct pci_bar *best = NULL;
        struct pci_fn *owner = NULL;
        for (unsigned i = 0; i < nr_fns; i++)
            for (unsigned b = 0; b < PCI_NR_BARS; b++) {
                struct pci_bar *bar = &fns[i].bar[b];
                bool mem = bar->kind == PCI_BAR_MEM32 || bar->kind == PCI_BAR_MEM64_LO;
                if (mem && !bar->base && (!best || bar->size > best->size)) {
                    best = bar;
                    owner = &fns[i];
                }
            }
        if (!best)
            return;
        uint64_t span = best->size < PAGE_SIZE ? PAGE_SIZE : best->size;
        uint64_t base = ALIGN_UP(next, span);
        unsigned b = (unsigned)(best - owner->bar);
        if (base + span > end || base + span < base) {
            printf("pci " PCI_BDF_FMT ": BAR%u (%#lx bytes) does not fit in the window: left unassigned\n",
                   PCI_BDF_ARGS(owner->rid), b, best->size);
            if (best->kind == PCI_BAR_MEM64_LO)
                owner->bar[b + 1].kind = PCI_BAR_UNUSED;
            best->kind = PCI_BAR_UNUSED;
            continue;
        }
        best->base = base;
        if (best->kind == PCI_BAR_MEM64_LO)
            owner->bar[b + 1].base = base;
        next = base + span;
    }
}

void pci_fn_restore(const struct pci_fn *f)
{
    for (unsigned b = 0; b < PCI_NR_BARS; b++) {
        const struct pci_bar *bar = &f->bar[b];
        uint32_t v = bar->kind == PCI_BAR_MEM64_HI ? (uint32_t)(bar->base >> 32)
                   : bar->kind == PCI_BAR_UNUSED   ? 0 : (uint32_t)bar->base;
        wr(f->rid, PCI_BAR0 + b * PCI_BAR_STRIDE, 4, v);
    }
    wr(f->rid, PCI_ROM_ADDRESS, 4, 0);      /* no ROM: not decoded */
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
    if (f->flr) {
        uint16_t ctl = (uint16_t)rd(f->rid, f->exp_cap + PCI_EXP_DEVCTL, 2);
        wr(f->rid, f->exp_cap + PCI_EXP_DEVCTL, 2, ctl | PCI_EXP_DEVCTL_BCR_FLR);
    } else if (f->dev_reset) {
        /* Its own reset, through BAR0 (tofu's, which the guest could not
         * move): memory decoding on for it, bus mastering still off. */
        pci_fn_restore(f);
        wr(f->rid, PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
        if (!pci_dev_reset(f->vendor, f->device, f->bar[0].base))
            printf("pci " PCI_BDF_FMT ": its reset did not finish\n", PCI_BDF_ARGS(f->rid));
        wr(f->rid, PCI_COMMAND, 2, 0);
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
    char line[160];
    unsigned n = (unsigned)snprintf(line, sizeof(line), "pci " PCI_BDF_FMT ": %04x:%04x", PCI_BDF_ARGS(f->rid),
                                    f->vendor, f->device);
    for (unsigned b = 0; b < PCI_NR_BARS && n < sizeof(line); b++)
        if (f->bar[b].kind == PCI_BAR_MEM32 || f->bar[b].kind == PCI_BAR_MEM64_LO)
            n += (unsigned)snprintf(line + n, sizeof(line) - n, ", BAR%u %#lx+%#lx", b, f->bar[b].base,
                                    f->bar[b].size);
    if (f->pin && n < sizeof(line))
        n += (unsigned)snprintf(line + n, sizeof(line) - n, ", INT%c INTID %u", 'A' + f->pin - 1, f->intid);
    if (n < sizeof(line))
        snprintf(line + n, sizeof(line) - n, "%s%s", f->flr ? ", FLR" : f->dev_reset ? ", reset by its registers" : "",
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
    for (unsigned i = 0; i < nr_fns; i++) {
        pci_fn_restore(&fns[i]);
        log_fn(&fns[i]);
    }
}
