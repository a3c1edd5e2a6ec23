/* SPDX-License-Identifier: MIT */
/*
 * A virtual ECAM (PCI Express Base 6.0 7.2.2): one bus, emulated from
 * stage-2 data aborts, for a VM given single functions (pci-functions,
 * docs/pci.md).  It shows the VM its own functions at their physical
 * device and function numbers, and nothing else:
 *   - another function (someone else's, a bridge, the host bridge 00:00.0,
 *     an empty slot) reads all-ones, as an absent one; writes are dropped
 *     (and logged, rate-limited);
 *   - the header is the function's, but BARs are tofu's: sizing works
 *     (all-ones written, the size mask read back) and any other write is
 *     dropped, so a BAR reads where tofu put it and never moves; I/O BARs
 *     and the expansion ROM read 0 (not implemented);
 *   - Command: only Memory Space, Bus Master and INTx Disable are the
 *     guest's (I/O space stays off: no I/O window is given);
 *   - capabilities: Power Management and PCI Express are in the list, and
 *     MSI and MSI-X when the VM has a virtual ITS (their registers the
 *     guest's: its MSIs reach only its own ITS, docs/its.md; without one it
 *     uses INTx); no vendor-specific one; the bytes of a hidden capability
 *     read 0.
 *     Extended capabilities (0x100 up: AER, SR-IOV, ATS...) read 0, an
 *     empty list, except for an SR-IOV PF whose VFs tofu enabled (a
 *     config gives them to VMs, docs/pci.md): its VM finds an SR-IOV
 *     capability of its own at 0x100, TotalVFs the VFs tofu enabled, VF
 *     Enable and NumVFs (up to those) its own, the VF BARs tofu's (sized,
 *     never moved), the physical capability untouched; and each VF it
 *     enables there as a function that has IDs and a class and nothing
 *     else (another VM's, it reaches nothing of it), so that its PF
 *     driver's VF enabling succeeds;
 *   - a VF given to the VM: its Vendor and Device IDs (which a VF's own
 *     registers read as 0xffff) from its PF, its BARs tofu's;
 *   - a Function Level Reset the guest starts (DevCtl) is done by tofu,
 *     which writes the BARs again right after; so is a PM D3hot -> D0
 *     transition (which may lose them, No_Soft_Reset clear).
 * An access of 8 bytes, or one not naturally aligned, reads all-ones and
 * writes nothing: nothing a guest does here reaches the hardware unfiltered
 * or stops the hypervisor.  The physical accesses are core's (core/pci.h).
 */
#include "core/vpci.h"
#include "core/vm.h"
#include "core/mmio.h"
#include "core/lib.h"

#define VPCI_BUS_SHIFT      20          /* ECAM offset: bus << 20 | dev << 15 | fn << 12 | reg */
#define VPCI_REG_MASK       (PCI_CFG_SIZE - 1)
#define VPCI_DWORD_MASK     3u
#define VPCI_BYTE_BITS      8
#define VPCI_BYTE_MASK      UINT32_C(0xff)
#define VPCI_CMD_GUEST      (PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | PCI_COMMAND_INTX_DISABLE)
#define VPCI_PMCSR_GUEST    (PCI_PM_CTRL_STATE_MASK | PCI_PM_CTRL_PME_ENABLE | PCI_PM_CTRL_PME_STATUS)
#define VPCI_LNKCTL_DENY    (PCI_EXP_LNKCTL_LD | PCI_EXP_LNKCTL_RL)

/* How each dword of the type-0 header (0x00-0x3f) is shown. */
enum vhdr {
    VHDR_PASS,          /* IDs, class, subsystem: the function's, read-only here */
    VHDR_COMMAND,       /* Command (filtered), Status (CAP_LIST as the list shown) */
    VHDR_BAR,
    VHDR_ZERO,          /* CardBus CIS, the ROM BAR, reserved */
    VHDR_CAP_PTR,
    VHDR_INTR,          /* Interrupt Line (the guest's), Pin (the function's) */
};

static const enum vhdr vhdr_table[PCI_CFG_HDR_SIZE / 4] = {
    [0x00 / 4] = VHDR_PASS,    [0x04 / 4] = VHDR_COMMAND, [0x08 / 4] = VHDR_PASS,
    [0x0c / 4] = VHDR_PASS,    [0x10 / 4] = VHDR_BAR,     [0x14 / 4] = VHDR_BAR,
    [0x18 / 4] = VHDR_BAR,     [0x1c / 4] = VHDR_BAR,     [0x20 / 4] = VHDR_BAR,
    [0x24 / 4] = VHDR_BAR,     [0x28 / 4] = VHDR_ZERO,    [0x2c / 4] = VHDR_PASS,
    [0x30 / 4] = VHDR_ZERO,    [0x34 / 4] = VHDR_CAP_PTR, [0x38 / 4] = VHDR_ZERO,
    [0x3c / 4] = VHDR_INTR,
};

int vpci_add(struct vpci *p, struct pci_fn *f, bool msi)
{
    if (p->nr == VM_MAX_PCI_FNS)
        return E_NOMEM;
    p->fn[p->nr++] = (struct vpci_fn){ .pf = f, .msi = msi };
    return E_OK;
}

/* The guest's SR-IOV state as after a reset: VFs off. */
static void sriov_clear(struct vpci_fn *vf)
{
    vf->vf_ctl = vf->vf_num = 0;
    vf->vf_sizing = 0;
}

void vpci_reset(struct vpci *p)
{
    spin_lock(&p->lock);
    for (unsigned i = 0; i < p->nr; i++) {
        p->fn[i].sizing = 0;
        p->fn[i].irq_line = 0;
        sriov_clear(&p->fn[i]);
    }
    spin_unlock(&p->lock);
}

static struct vpci_fn *vfn_of(struct vpci *p, uint16_t rid)
{
    for (unsigned i = 0; i < p->nr; i++)
        if (p->fn[i].pf->rid == rid)
            return &p->fn[i];
    return NULL;
}

/* A capability the VM sees: its offset and its bytes. */
struct vcap {
    unsigned off, len;
};

#define VPCI_MAX_CAPS 4         /* PM, PCI Express, MSI, MSI-X */

/* The capabilities shown, in offset order: PM and PCI Express, MSI and
 * MSI-X for a VM with an ITS, each no further than the next capability in
 * the physical list (src/core/pci.c). */
static unsigned caps_shown(const struct vpci_fn *vf, struct vcap out[VPCI_MAX_CAPS])
{
    const struct pci_fn *f = vf->pf;
    const struct vcap all[VPCI_MAX_CAPS] = {
        { f->pm_cap, f->pm_len }, { f->exp_cap, f->exp_len },
        { vf->msi ? f->msi_cap : 0u, f->msi_len }, { vf->msi ? f->msix_cap : 0u, f->msix_len },
    };
    unsigned n = 0;
    for (unsigned i = 0; i < VPCI_MAX_CAPS; i++) {
        if (!all[i].off)
            continue;
        unsigned j = n++;
        for (; j && out[j - 1].off > all[i].off; j--)
            out[j] = out[j - 1];
        out[j] = all[i];
    }
    return n;
}

static unsigned cap_first(const struct vpci_fn *vf)
{
    struct vcap c[VPCI_MAX_CAPS];
    return caps_shown(vf, c) ? c[0].off : 0;
}

static unsigned cap_next(const struct vpci_fn *vf, unsigned cap)
{
    struct vcap c[VPCI_MAX_CAPS];
    unsigned n = caps_shown(vf, c);
    for (unsigned i = 0; i + 1 < n; i++)
        if (c[i].off == cap)
            return c[i + 1].off;
    return 0;
}

/* The shown capability that holds `reg`, or 0. */
static unsigned cap_at(const struct vpci_fn *vf, unsigned reg)
{
    struct vcap c[VPCI_MAX_CAPS];
    unsigned n = caps_shown(vf, c);
    for (unsigned i = 0; i < n; i++)
        if (reg >= c[i].off && reg < c[i].off + c[i].len)
            return c[i].off;
    return 0;
}

/*
 * The register of `size` bytes at `reg` as a write of `width` bytes of
 * `val` at `off` leaves it, from its value `cur`; false when the write
 * does not touch it.
 */
static bool merge(unsigned reg, unsigned size, uint32_t cur, unsigned off, unsigned width, uint32_t val,
                  uint32_t *out)
{
    if (off + width <= reg || off >= reg + size)
        return false;
    for (unsigned a = MAX(off, reg); a < MIN(off + width, reg + size); a++) {
        unsigned to = (a - reg) * VPCI_BYTE_BITS, from = (a - off) * VPCI_BYTE_BITS;
        cur = (cur & ~(VPCI_BYTE_MASK << to)) | ((val >> from) & VPCI_BYTE_MASK) << to;
    }
    *out = cur;
    return true;
}

/* A BAR dword as tofu placed it: the size mask while it is being sized. */
static uint32_t bar_value(const struct pci_bar *bar, bool sizing)
{
    uint64_t v = sizing ? ~(bar->size - 1) : bar->base;
    switch (bar->kind) {
    case PCI_BAR_MEM32:
    case PCI_BAR_MEM64_LO:
        return ((uint32_t)v & ~PCI_BAR_MEM_FLAGS) | bar->flags;
    case PCI_BAR_MEM64_HI:
        return (uint32_t)(v >> 32);
    case PCI_BAR_UNUSED:
    default:
        return 0;                       /* not implemented, as far as the guest can tell */
    }
}

static uint32_t bar_read(const struct vpci_fn *vf, unsigned b)
{
    return bar_value(&vf->pf->bar[b], vf->sizing & (1u << b));
}

/* A BAR write: all-ones starts sizing it, anything else ends that; the
 * BAR never moves. */
static void bar_write(uint8_t *sizing, unsigned b, uint32_t cur, unsigned reg, unsigned off, unsigned width,
                      uint32_t val)
{
    uint32_t v = 0;
    merge(reg, 4, cur, off, width, val, &v);
    if (v == PCI_CFG_ALL_ONES)
        *sizing |= (uint8_t)(1u << b);
    else
        *sizing &= (uint8_t)~(1u << b);
}

/*
 * The SR-IOV capability shown at 0x100 to the VM of a PF whose VFs tofu
 * enabled (PCI Express Base 6.0, 9.3.3), `r` bytes into it: TotalVFs and
 * InitialVFs are what tofu enabled; VF Enable, VF MSE and NumVFs the
 * guest's; First VF Offset, VF Stride and VF Device ID the function's;
 * only 4 KiB pages (tofu's, which the VF BARs are aligned to); the VF
 * BARs tofu's; no VF migration, no ARI hierarchy.  The Function
 * Dependency Link names the PF itself, as Linux expects of a PF with no
 * dependency (a function number for a Root Complex Integrated Endpoint,
 * the whole devfn otherwise).
 */
static uint32_t sriov_read(const struct vpci_fn *vf, unsigned r)
{
    const struct pci_fn *f = vf->pf;
    uint32_t link = f->rc_end ? (f->rid & PCI_RID_FN_MASK) : (f->rid & VPCI_BYTE_MASK);
    if (r >= PCI_SRIOV_BAR && r < PCI_SRIOV_BAR + PCI_NR_BARS * PCI_BAR_STRIDE) {
        unsigned b = (r - PCI_SRIOV_BAR) / PCI_BAR_STRIDE;
        return bar_value(&f->vf_bar[b], vf->vf_sizing & (1u << b));
    }
    switch (r) {
    case 0:
        return PCI_EXT_CAP_ID_SRIOV | PCI_SRIOV_VER << PCI_EXT_CAP_VER_SHIFT;    /* the last in the list */
    case PCI_SRIOV_CTRL:
        return vf->vf_ctl;
    case PCI_SRIOV_INITIAL_VF:
        return f->nr_vfs | (uint32_t)f->nr_vfs << 16;
    case PCI_SRIOV_NUM_VF:
        return vf->vf_num | link << 16;
    case PCI_SRIOV_VF_OFFSET:
        return f->vf_offset | (uint32_t)f->vf_stride << 16;
    case PCI_SRIOV_VF_DID & ~VPCI_DWORD_MASK:
        return (uint32_t)f->vf_device << 16;
    case PCI_SRIOV_SUP_PGSIZE:
    case PCI_SRIOV_SYS_PGSIZE:
        return PCI_SRIOV_PGSIZE_4K;
    default:
        return 0;
    }
}

static void sriov_write(struct vcpu *v, struct vpci_fn *vf, unsigned r, unsigned width, uint32_t val)
{
    const struct pci_fn *f = vf->pf;
    uint32_t n = 0;
    if (r >= PCI_SRIOV_BAR && r < PCI_SRIOV_BAR + PCI_NR_BARS * PCI_BAR_STRIDE) {
        unsigned reg = r & ~VPCI_DWORD_MASK, b = (reg - PCI_SRIOV_BAR) / PCI_BAR_STRIDE;
        bar_write(&vf->vf_sizing, b, sriov_read(vf, reg), reg, r, width, val);
        return;
    }
    if (merge(PCI_SRIOV_CTRL, 2, vf->vf_ctl, r, width, val, &n))
        vf->vf_ctl = (uint16_t)(n & (PCI_SRIOV_CTRL_VFE | PCI_SRIOV_CTRL_MSE));
    /* NumVFs changes only with VF Enable clear (9.3.3.7); more than tofu
     * enabled are not there. */
    if (merge(PCI_SRIOV_NUM_VF, 2, vf->vf_num, r, width, val, &n) && n != vf->vf_num) {
        if (!(vf->vf_ctl & PCI_SRIOV_CTRL_VFE) && n <= f->nr_vfs)
            vf->vf_num = (uint16_t)n;
        else
            vm_log(v, VM_LOG_ABORT, "vPCI: " PCI_BDF_FMT ": NumVFs %u refused (%u VFs, VF Enable %s): kept at %u",
                   PCI_BDF_ARGS(f->rid), n, f->nr_vfs, vf->vf_ctl & PCI_SRIOV_CTRL_VFE ? "set" : "clear",
                   vf->vf_num);
    }
}

/* The VM's PF whose guest-enabled VFs (VF Enable, NumVFs) include `rid`,
 * or NULL. */
static const struct vpci_fn *vf_shadow_of(const struct vpci *p, uint16_t rid)
{
    for (unsigned i = 0; i < p->nr; i++) {
        const struct vpci_fn *vf = &p->fn[i];
        if (!vf->pf->nr_vfs || !(vf->vf_ctl & PCI_SRIOV_CTRL_VFE))
            continue;
        for (unsigned k = 0; k < vf->vf_num; k++)
            if (pci_vf_rid(vf->pf, k) == rid)
                return vf;
    }
    return NULL;
}

/* Such a VF as its PF's VM sees it: the IDs and the class, the rest 0. */
static uint32_t vf_shadow_dword(const struct vpci_fn *pf, unsigned reg)
{
    if (reg == PCI_VENDOR_ID)
        return pf->pf->vendor | (uint32_t)pf->pf->vf_device << 16;
    if (reg == PCI_CLASS_REVISION)
        return pf->pf->class_rev;
    return 0;
}

/* The dword at `reg` (dword-aligned) as the VM sees it. */
static uint32_t vread_dword(const struct vpci_fn *vf, unsigned reg)
{
    const struct pci_fn *f = vf->pf;
    if (reg >= PCI_CFG_STD_SIZE)        /* extended capabilities: an SR-IOV PF's own, or none */
        return f->nr_vfs && reg < PCI_CFG_STD_SIZE + PCI_SRIOV_SIZEOF ? sriov_read(vf, reg - PCI_CFG_STD_SIZE) : 0;
    if (reg >= PCI_CFG_HDR_SIZE) {
        unsigned c = cap_at(vf, reg);
        if (!c)
            return 0;                   /* a hidden capability, or device-specific space */
        uint32_t v = pci_cfg_read(f, reg, 4);
        if (reg == c) {                 /* its next pointer: the next one shown */
            unsigned sh = PCI_CAP_NEXT * VPCI_BYTE_BITS;
            v = (v & ~(VPCI_BYTE_MASK << sh)) | (uint32_t)cap_next(vf, c) << sh;
        }
        return v;
    }
    switch (vhdr_table[reg / 4]) {
    case VHDR_PASS:                     /* a VF's own IDs read 0xffff: its PF's */
        return reg == PCI_VENDOR_ID && f->pf ? f->vendor | (uint32_t)f->device << 16 : pci_cfg_read(f, reg, 4);
    case VHDR_COMMAND: {
        uint32_t v = pci_cfg_read(f, reg, 4) & ~((uint32_t)PCI_STATUS_CAP_LIST << 16);
        return cap_first(vf) ? v | (uint32_t)PCI_STATUS_CAP_LIST << 16 : v;
    }
    case VHDR_BAR:
        return bar_read(vf, (reg - PCI_BAR0) / PCI_BAR_STRIDE);
    case VHDR_CAP_PTR:
        return cap_first(vf);
    case VHDR_INTR:
        return vf->irq_line | (uint32_t)f->pin << VPCI_BYTE_BITS;
    case VHDR_ZERO:
    default:
        return 0;
    }
}

static void write_header(struct vpci_fn *vf, unsigned off, unsigned width, uint32_t val)
{
    const struct pci_fn *f = vf->pf;
    unsigned reg = off & ~VPCI_DWORD_MASK;
    uint32_t v = 0;
    switch (vhdr_table[reg / 4]) {
    case VHDR_COMMAND: {
        uint32_t cmd = pci_cfg_read(f, PCI_COMMAND, 2);
        if (merge(PCI_COMMAND, 2, cmd, off, width, val, &v))
            pci_cfg_write(f, PCI_COMMAND, 2, (cmd & ~VPCI_CMD_GUEST) | (v & VPCI_CMD_GUEST));
        /* Status: the guest clears its function's error bits (write 1 to
         * clear; the other bits are read-only), as a driver's error path does. */
        if (merge(PCI_STATUS, 2, 0, off, width, val, &v) && (v & PCI_STATUS_ERRORS))
            pci_cfg_write(f, PCI_STATUS, 2, v & PCI_STATUS_ERRORS);
        break;
    }
    case VHDR_BAR: {                   /* sizing, or nothing: BARs do not move */
        unsigned b = (reg - PCI_BAR0) / PCI_BAR_STRIDE;
        bar_write(&vf->sizing, b, bar_read(vf, b), reg, off, width, val);
        break;
    }
    case VHDR_INTR:
        if (merge(PCI_INTERRUPT_LINE, 1, vf->irq_line, off, width, val, &v))
            vf->irq_line = (uint8_t)v;
        break;
    case VHDR_PASS:                     /* cache line size, latency timer, BIST: dropped */
    case VHDR_ZERO:
    case VHDR_CAP_PTR:
    default:
        break;
    }
}

/* Power Management: PowerState and PME; a D3hot -> D0 transition may reset
 * the function (No_Soft_Reset clear): its BARs are written again. */
static void write_pm(struct vpci_fn *vf, unsigned off, unsigned width, uint32_t val)
{
    const struct pci_fn *f = vf->pf;
    unsigned reg = f->pm_cap + PCI_PM_CTRL;
    uint32_t cur = pci_cfg_read(f, reg, 2), v = 0;
    if (!merge(reg, 2, cur & ~PCI_PM_CTRL_PME_STATUS, off, width, val, &v))
        return;
    pci_cfg_write(f, reg, 2, v & VPCI_PMCSR_GUEST);
    if ((cur & PCI_PM_CTRL_STATE_MASK) == PCI_PM_STATE_D3HOT && (v & PCI_PM_CTRL_STATE_MASK) == PCI_PM_STATE_D0)
        pci_fn_restore(f);
}

/* PCI Express: Device Control (an FLR is tofu's to do), Device Status
 * (W1C), Link Control (neither disabling nor retraining the link: the
 * link is the platform's), Device Control 2. */
static void write_exp(struct vpci_fn *vf, unsigned off, unsigned width, uint32_t val)
{
    const struct pci_fn *f = vf->pf;
    unsigned base = f->exp_cap;
    uint32_t cur, v = 0;
    cur = pci_cfg_read(f, base + PCI_EXP_DEVCTL, 2);
    if (merge(base + PCI_EXP_DEVCTL, 2, cur, off, width, val, &v)) {
        if (v & PCI_EXP_DEVCTL_BCR_FLR) {
            pci_fn_reset(f);            /* the reset, then tofu's BARs (and VFs) again */
            vf->sizing = 0;
            sriov_clear(vf);            /* a PF's FLR clears VF Enable and NumVFs (9.3.3.3.1) */
        } else {
            pci_cfg_write(f, base + PCI_EXP_DEVCTL, 2, v);
        }
    }
    if (merge(base + PCI_EXP_DEVSTA, 2, 0, off, width, val, &v))
        pci_cfg_write(f, base + PCI_EXP_DEVSTA, 2, v);
    cur = pci_cfg_read(f, base + PCI_EXP_LNKCTL, 2);
    if (merge(base + PCI_EXP_LNKCTL, 2, cur, off, width, val, &v))
        pci_cfg_write(f, base + PCI_EXP_LNKCTL, 2, v & ~VPCI_LNKCTL_DENY);
    cur = pci_cfg_read(f, base + PCI_EXP_DEVCTL2, 2);
    if (merge(base + PCI_EXP_DEVCTL2, 2, cur, off, width, val, &v))
        pci_cfg_write(f, base + PCI_EXP_DEVCTL2, 2, v);
}

/* MSI (a VM with an ITS): Message Control, and the address, data and
 * mask registers after it, the guest's.  Whatever address it names, the
 * function's write goes through the VM's stage 2 in the SMMU: it reaches
 * only what the VM may reach (its RAM, its own BARs, the ITS doorbell,
 * where the fabric tags it with the function's own DeviceID), or faults. */
static void write_msi(struct vpci_fn *vf, unsigned off, unsigned width, uint32_t val)
{
    const struct pci_fn *f = vf->pf;
    unsigned ctl = f->msi_cap + PCI_MSI_FLAGS;
    uint32_t v = 0;
    if (off >= f->msi_cap + (unsigned)PCI_MSI_ADDRESS_LO)  /* naturally aligned: within one register's dword */
        pci_cfg_write(f, off, width, val);
    else if (merge(ctl, 2, pci_cfg_read(f, ctl, 2), off, width, val, &v))
        pci_cfg_write(f, ctl, 2, v);
}

/* MSI-X (a VM with an ITS): Message Control the guest's (Enable, Function
 * Mask); the Table and PBA offsets are read-only.  The table itself is in
 * a BAR of the function's, mapped in the VM's stage 2: the guest writes
 * the vectors there, and the SMMU keeps them within the VM, as for MSI. */
static void write_msix(struct vpci_fn *vf, unsigned off, unsigned width, uint32_t val)
{
    const struct pci_fn *f = vf->pf;
    unsigned ctl = f->msix_cap + PCI_MSIX_FLAGS;
    uint32_t v = 0;
    if (merge(ctl, 2, pci_cfg_read(f, ctl, 2), off, width, val, &v))
        pci_cfg_write(f, ctl, 2, v);
}

static bool access_ok(uint64_t off, unsigned width)
{
    return (width == 1 || width == 2 || width == 4) && off % width == 0;
}

static uint64_t vpci_read(struct vcpu *v, void *dev, uint64_t off, unsigned width)
{
    struct vpci *p = dev;
    UNUSED(v);
    uint64_t val = width >= sizeof(uint64_t) ? UINT64_MAX : (UINT64_C(1) << (width * VPCI_BYTE_BITS)) - 1;
    if (!access_ok(off, width) || off >> VPCI_BUS_SHIFT)
        return val;                         /* absent */
    spin_lock(&p->lock);
    uint16_t rid = (uint16_t)(off >> PCI_ECAM_FN_SHIFT);
    struct vpci_fn *vf = vfn_of(p, rid);
    const struct vpci_fn *shadow = vf ? NULL : vf_shadow_of(p, rid);
    if (vf || shadow) {
        unsigned reg = (unsigned)off & VPCI_REG_MASK;
        uint32_t d = vf ? vread_dword(vf, reg & ~VPCI_DWORD_MASK) : vf_shadow_dword(shadow, reg & ~VPCI_DWORD_MASK);
        unsigned sh = (reg & VPCI_DWORD_MASK) * VPCI_BYTE_BITS;
        val &= d >> sh;
    }
    spin_unlock(&p->lock);
    return val;
}

static enum mmio_result vpci_write(struct vcpu *v, void *dev, uint64_t off, unsigned width, uint64_t val)
{
    struct vpci *p = dev;
    struct vpci_fn *vf = NULL;
    bool shadow = false;
    if (access_ok(off, width) && !(off >> VPCI_BUS_SHIFT)) {
        spin_lock(&p->lock);
        vf = vfn_of(p, (uint16_t)(off >> PCI_ECAM_FN_SHIFT));
        shadow = !vf && vf_shadow_of(p, (uint16_t)(off >> PCI_ECAM_FN_SHIFT));
        unsigned reg = (unsigned)off & VPCI_REG_MASK;
        const struct pci_fn *f = vf ? vf->pf : NULL;
        uint32_t v32 = (uint32_t)val;
        if (f && reg < PCI_CFG_HDR_SIZE)
            write_header(vf, reg, width, v32);
        else if (f && reg >= PCI_CFG_STD_SIZE) {
            if (f->nr_vfs && reg < PCI_CFG_STD_SIZE + PCI_SRIOV_SIZEOF)
                sriov_write(v, vf, reg - PCI_CFG_STD_SIZE, width, v32);
        }
        else if (f) {
            unsigned c = cap_at(vf, reg);
            if (c && c == f->pm_cap)
                write_pm(vf, reg, width, v32);
            else if (c && c == f->exp_cap)
                write_exp(vf, reg, width, v32);
            else if (c && c == f->msi_cap)       /* shown: the VM has an ITS */
                write_msi(vf, reg, width, v32);
            else if (c && c == f->msix_cap)
                write_msix(vf, reg, width, v32);
        }
        spin_unlock(&p->lock);          /* anything else: dropped */
    }
    /* A VF its PF's driver enabled: its writes (Command, ...) reach nothing, quietly. */
    if (!vf && !shadow)
        vm_log(v, VM_LOG_ABORT, "vPCI: %u-byte write at ECAM offset %#lx: not one of the VM's functions, "
               "or not a config access: dropped", width, off);
    return MMIO_OK;
}

const struct mmio_ops vpci_ops = {
    .name = "vECAM",
    .read = vpci_read,
    .write = vpci_write,
};
