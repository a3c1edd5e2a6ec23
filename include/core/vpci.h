/* SPDX-License-Identifier: MIT */
/*
 * A VM's virtual ECAM (src/vdev/vpci.c): one bus of configuration space in
 * which the VM finds its own PCIe functions (pci-functions) at their
 * physical device and function numbers, and nothing else.
 */
#ifndef CORE_VPCI_H
#define CORE_VPCI_H
#include "core/spinlock.h"
#include "core/pci.h"

struct mmio_ops;

struct vpci_fn {
    struct pci_fn *pf;          /* tofu's record of the physical function */
    uint8_t sizing;             /* bit n: BAR dword n holds all-ones (being sized) */
    uint8_t irq_line;           /* Interrupt Line: the guest's scratch byte */
    bool msi;                   /* MSI and MSI-X shown: the VM has a virtual ITS */
    /* An SR-IOV PF with VFs tofu enabled (pf->nr_vfs): the guest's own
     * SR-IOV capability (src/vdev/vpci.c), the physical one tofu's. */
    uint16_t vf_ctl;            /* VF Enable and VF Memory Space Enable, as the guest set them */
    uint16_t vf_num;            /* NumVFs, at most pf->nr_vfs */
    uint8_t vf_sizing;          /* bit n: VF BAR dword n holds all-ones */
};

struct vpci {
    spinlock_t lock;            /* sizing state; the function's resets */
    unsigned nr;
    struct vpci_fn fn[VM_MAX_PCI_FNS];
};

extern const struct mmio_ops vpci_ops;

/* Give the VM the function (at boot), with its MSI and MSI-X capabilities
 * when `msi` (the VM has a virtual ITS); E_NOMEM when it has VM_MAX_PCI_FNS. */
int vpci_add(struct vpci *p, struct pci_fn *f, bool msi);
/* What a VM's start finds: no BAR being sized, Interrupt Line 0. */
void vpci_reset(struct vpci *p);

#endif
