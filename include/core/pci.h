/* SPDX-License-Identifier: MIT */
/*
 * PCIe functions tofu found on the bus at boot (src/core/pci.c): bus 0 of
 * the platform's host bridge, enumerated once, each memory BAR given an
 * address in the bridge's 32-bit window by tofu, aligned to at least a page
 * so that no two functions' BARs share one (they go to different VMs).  A
 * VM given single functions (pci-functions) reaches their config space
 * through its virtual ECAM (src/vdev/vpci.c), which asks here; the physical
 * access is the ECAM driver's (src/drivers/pci_ecam.c).
 *
 * SR-IOV (docs/pci.md): a physical function's VFs that a VM's config
 * names (pci-vfs) are enabled by tofu at boot, their BARs placed by it.
 *
 * Not handled: functions behind bridges (no bus is numbered; a bridge is
 * logged and left alone), I/O BARs (left unassigned: the window is not
 * given to any VM), expansion ROMs (left unassigned).
 */
#ifndef CORE_PCI_H
#define CORE_PCI_H
#include "core/types.h"
#include "core/limits.h"
#include "arch/regs.h"

struct vm;

/* One BAR dword of a type-0 header. */
enum pci_bar_kind {
    PCI_BAR_UNUSED,         /* not implemented, I/O, or not assigned: reads 0 */
    PCI_BAR_MEM32,
    PCI_BAR_MEM64_LO,       /* a 64-bit BAR: its low dword, */
    PCI_BAR_MEM64_HI,       /* and its high one */
};

struct pci_bar {
    uint64_t base, size;    /* the whole BAR's (both dwords of a 64-bit one) */
    uint32_t flags;         /* the low dword's read-only bits (PCI_BAR_MEM_FLAGS) */
    enum pci_bar_kind kind;
};

struct pci_fn {
    uint16_t rid;           /* bus << 8 | device << 3 | function */
    bool hidden;            /* the host bridge itself (class 06 00): never given */
    uint8_t pin;            /* Interrupt Pin: 0 none, 1-4 INTA-INTD */
    uint32_t intid;         /* its INTx line's INTID (QEMU virt's swizzle), 0: none */
    uint8_t pm_cap, exp_cap, msi_cap, msix_cap; /* config-space offsets of those capabilities, 0: none */
    uint8_t pm_len, exp_len, msi_len, msix_len; /* their bytes: up to the next capability, at most their size */
    bool flr;               /* DevCap says it can do a Function Level Reset */
    bool dev_reset;         /* without FLR: tofu knows a reset by its registers */
    uint16_t vendor, device;
    struct pci_bar bar[PCI_NR_BARS];
    struct vm *owner;       /* given by pci-functions, NULL: none */
    uint32_t class_rev;     /* Class Code and Revision ID */
    /* An SR-IOV physical function (sriov_cap != 0): tofu enables as many
     * VFs as the VMs' configs name (nr_vfs, at most total_vfs) and places
     * their BARs; vf_bar[b] is VF 0's BAR b, size each VF's, VF n at
     * base + n * size (a span of total_vfs rounded up to a power of two
     * reserved in the window). */
    uint16_t sriov_cap;     /* the SR-IOV extended capability's offset, 0: none */
    uint16_t total_vfs, nr_vfs, vf_offset, vf_stride, vf_device;
    bool rc_end;            /* a Root Complex Integrated Endpoint (its Function Dependency Link is a function number) */
    struct pci_bar vf_bar[PCI_NR_BARS];
    /* A virtual function: its PF and its number (bar[] its own BARs, from
     * the PF's vf_bar). */
    struct pci_fn *pf;
    uint16_t vf_index;
};

#define PCI_MAX_FNS 64      /* functions tofu keeps track of on bus 0 */

/* Boot, before the VMs: enumerate bus 0, assign and program the BARs, if
 * the boot device tree has the platform's host bridge where tofu maps it
 * (`ecam_base`, the boot DTB's; with none, no function is found). */
void pci_init(uint64_t ecam_base);
/* The function at `rid`, or NULL (not found, behind a bridge). */
struct pci_fn *pci_fn_find(uint16_t rid);
/* The requester ID of VF `n` of the PF `f` (First VF Offset and VF Stride,
 * PCI Express Base 6.0 9.3.3.10-11); 0 when it would be beyond bus 0. */
static inline uint16_t pci_vf_rid(const struct pci_fn *f, unsigned n)
{
    unsigned rid = f->rid + f->vf_offset + n * f->vf_stride;
    return rid < PCI_ECAM_FNS ? (uint16_t)rid : 0;
}
/* Config-space access of the function (naturally aligned, 1, 2 or 4 bytes). */
uint32_t pci_cfg_read(const struct pci_fn *f, unsigned off, unsigned width);
void pci_cfg_write(const struct pci_fn *f, unsigned off, unsigned width, uint32_t val);
/* tofu's BARs written into the function again (after a reset wiped them). */
void pci_fn_restore(const struct pci_fn *f);
/* Bus mastering and decoding off, a Function Level Reset where the function
 * advertises one, then its BARs restored: a clean function at the same
 * addresses, for the VM's next run (or the guest's own FLR). */
void pci_fn_reset(const struct pci_fn *f);
/* pci_fn_reset() of every function of the bus (a VM that owned the bus whole). */
void pci_bus_reset(void);

/* ---- a VM's functions (src/core/vm_pci.c) ---------------------------------- */
/* At the VM's creation: its pci-functions given (or each withheld, with a
 * line saying why) and its virtual ECAM registered; NULL, or what stops
 * the VM from being created. */
const char *vm_pci_build(struct vm *vm);
/* What vm_pci_build() took, given back (the VM is destroyed; its stage 2
 * is freed after this). */
void vm_pci_release(struct vm *vm);

/* "bb:dd.f" of a requester ID, for the log. */
#define PCI_BDF_FMT "%02x:%02x.%u"
#define PCI_BDF_ARGS(rid) (unsigned)((rid) >> PCI_RID_BUS_SHIFT), \
    (unsigned)(((rid) >> PCI_RID_DEV_SHIFT) & PCI_RID_DEV_MASK), (unsigned)((rid) & PCI_RID_FN_MASK)

#endif
