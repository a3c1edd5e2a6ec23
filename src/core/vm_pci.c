/* SPDX-License-Identifier: MIT */
/*
 * A VM's single PCIe functions (pci-functions, docs/pci.md), at its
 * creation: each function found on the bus (src/core/pci.c) gets its BAR
 * pages mapped 1:1 in the VM's stage 2, from a run of VM_PCI_TABLES table
 * pages the VM takes here (tools/config/layout.c takes the same run), its
 * requester ID attached to the VM's stage 2 in the IOMMU, and a place in
 * the VM's virtual ECAM (src/vdev/vpci.c), which is registered here too.
 * vm.c forwards their INTx lines and resets them at every stop.
 */
#include "core/pci.h"
#include "core/vm.h"
#include "core/iommu.h"
#include "core/mem.h"
#include "core/platform.h"
#include "core/printf.h"
#include "arch/mmu.h"

/* Unmap the BARs of `f` mapped so far (the first `n` dwords). */
static void pci_bars_unmap(struct vm *vm, const struct pci_fn *f, unsigned n)
{
    for (unsigned b = 0; b < n; b++)
        if (f->bar[b].kind == PCI_BAR_MEM32 || f->bar[b].kind == PCI_BAR_MEM64_LO)
            pt_unmap(&vm->s2, f->bar[b].base, ALIGN_UP(f->bar[b].size, PAGE_SIZE));
}

/* Each memory BAR of `f` at its own address in the VM (IPA = PA): its
 * pages are the function's alone (src/core/pci.c aligns them). */
static bool pci_bars_map(struct vm *vm, const struct pci_fn *f)
{
    for (unsigned b = 0; b < PCI_NR_BARS; b++) {
        const struct pci_bar *bar = &f->bar[b];
        if (bar->kind != PCI_BAR_MEM32 && bar->kind != PCI_BAR_MEM64_LO)
            continue;
        if (pt_map(&vm->s2, bar->base, bar->base, ALIGN_UP(bar->size, PAGE_SIZE), s2_attrs_device()) != E_OK) {
            pci_bars_unmap(vm, f, b);
            return false;
        }
    }
    return true;
}

/* One function of pci-functions: its BARs mapped, its StreamID given the
 * VM's stage 2, its INTx line the VM's; or, when that cannot be (the bus
 * at boot is not what the config's author expected), withheld with a
 * line saying why: the VM runs without it. */
static void pci_fn_give(struct vm *vm, uint16_t rid)
{
    const struct vm_config *c = vm->cfg;
    struct pci_fn *f = pci_fn_find(rid);
    const char *why = NULL;
    struct vm *line_owner = f && f->intid ? vm_hw_irq_owner[f->intid] : NULL;
    if (!f)
        why = "no such function on bus 0";
    else if (f->hidden)
        why = "it is the host bridge";
    else if (f->owner)
        why = "it is already another VM's";
    else if (f->pf && !c->its_ipa)
        why = "a VF interrupts by MSI-X only, and the VM has no virtual ITS";
    else if (f->intid && (f->intid - GIC_SPI_BASE_ID >= c->nr_spis || (line_owner && line_owner != vm)))
        why = "its INTx line is another VM's (its Interrupt Pin is not the INTA the config tool assumed)";
    else if (vm->vpci.nr == VM_MAX_PCI_FNS)
        why = "too many functions";
    else if (!pci_bars_map(vm, f))
        why = "no stage-2 table left for its BARs";
    else if (iommu_attach(vm, rid, 1) != E_OK) {
        pci_bars_unmap(vm, f, PCI_NR_BARS);
        why = "its StreamID cannot be given the VM's stage 2";
    }
    if (why) {
        printf("vm %s: PCI " PCI_BDF_FMT ": not given: %s%s%s\n", c->name, PCI_BDF_ARGS(rid), why,
               line_owner && line_owner != vm ? ", VM " : "", line_owner && line_owner != vm ? line_owner->cfg->name : "");
        return;
    }
    f->owner = vm;
    vpci_add(&vm->vpci, f, c->its_ipa != 0);
}

const char *vm_pci_build(struct vm *vm)
{
    const struct vm_config *c = vm->cfg;
    uint64_t pool = palloc_alloc(&hyp_mem, VM_PCI_TABLES, 1);
    if (!pool)
        return "no memory for the tables of its PCI BARs";
    vm->pci_pool = pool;
    vm->pci_pool_on = true;
    for (unsigned i = 0; i < c->nr_pci_fns; i++)
        pci_fn_give(vm, c->pci_fns[i]);
    vm->pci_pool_on = false;
    for (uint64_t off = 0; off < platform.pci_ecam_bus_size; off += PAGE_SIZE)
        if (pt_lookup(&vm->s2, c->vecam_ipa + off, NULL, NULL, NULL) == E_OK)
            return "its virtual ECAM overlaps its RAM or a device";
    if (mmio_add(vm, c->vecam_ipa, platform.pci_ecam_bus_size, &vpci_ops, &vm->vpci))
        return "its virtual ECAM overlaps an emulated device";
    return NULL;
}

void vm_pci_release(struct vm *vm)
{
    for (unsigned i = 0; i < vm->vpci.nr; i++)
        vm->vpci.fn[i].pf->owner = NULL;
    /* The pool's pages that hold tables go back one by one (pt_destroy). */
    if (vm->pci_pool && vm->pci_pool_used < VM_PCI_TABLES)
        palloc_free(&hyp_mem, vm->pci_pool + vm->pci_pool_used * PAGE_SIZE, VM_PCI_TABLES - vm->pci_pool_used);
}
