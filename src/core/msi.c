/* SPDX-License-Identifier: MIT */
/*
 * Passed-through MSIs (docs/its.md): each PCIe function a VM with a virtual
 * ITS owns gets a block of tofu's physical LPIs, one per EventID, from the
 * physical ITS (src/drivers/gicv3_its.c), and the doorbell page of the
 * physical ITS in the VM's stage 2, which its functions' DMA goes through
 * (the SMMU shares it).  An LPI arriving at EL2 names the block, so the VM
 * and the DeviceID, and the EventID: the VM's own ITS translates it, as it
 * would a write to its GITS_TRANSLATER.  A device's DeviceID is its
 * requester ID, which the PCIe fabric supplies, so it can reach only its
 * own VM's ITS, and there only what the guest mapped for it.
 */
#include "core/vm.h"
#include "core/vgic.h"
#include "core/pci.h"
#include "core/drivers.h"
#include "core/platform.h"
#include "core/mem.h"
#include "core/printf.h"
#include "arch/mmu.h"
#include "arch/regs.h"

#define MSI_BLOCKS  ((UINT32_C(1) << 14) - GIC_LPI_BASE_ID) / GIC_ITS_EVENTS   /* tofu's LPIs / a device's */
#define PCI_BUS0_RIDS 256

struct msi_block {
    struct vm *vm;
    uint32_t device_id;
};

static struct msi_block blocks[MSI_BLOCKS];

bool msi_owns_device(const struct vm_config *c, uint32_t rid)
{
    if (c->nr_streams && rid - c->stream_first < c->nr_streams)
        return true;
    for (unsigned i = 0; i < c->nr_pci_fns; i++)
        if (c->pci_fns[i] == rid)
            return true;
    return false;
}

const char *msi_vm_build(struct vm *vm)
{
    const struct vm_config *c = vm->cfg;
    bool any = false;
    for (uint32_t rid = 0; rid < PCI_BUS0_RIDS; rid++) {
        const struct pci_fn *f = pci_fn_find((uint16_t)rid);
        if (!f || f->hidden || !msi_owns_device(c, rid))
            continue;
        unsigned first = gic_its_map_device(rid, vm->vcpus[0].pcpu);
        if (!first)
            return "the physical ITS could not map its functions' MSIs";
        blocks[(first - GIC_LPI_BASE_ID) / GIC_ITS_EVENTS] = (struct msi_block){ vm, rid };
        printf("vm %s: PCI %02x:%02x.%u: its MSIs through the ITS, LPIs %u-%u\n", c->name, rid >> 8,
               (rid >> 3) & 0x1f, rid & 7, first, first + GIC_ITS_EVENTS - 1);
        any = true;
    }
    if (!any)
        return NULL;
    /* The doorbell (GITS_TRANSLATER's page, at the IPA of the VM's own
     * ITS's translation frame): its functions' MSI writes reach the
     * physical ITS; the control frame stays the virtual one's. */
    uint64_t page = platform.its_base + GITS_FRAME_SIZE;
    int rc = pt_map(&vm->s2, c->its_ipa + GITS_FRAME_SIZE, page, PAGE_SIZE, s2_attrs_device());
    return rc == E_OK ? NULL : "no memory for its ITS doorbell's mapping";
}

void msi_lpi(unsigned intid)
{
    unsigned i = intid - GIC_LPI_BASE_ID;
    if (i / GIC_ITS_EVENTS >= MSI_BLOCKS)
        return;
    const struct msi_block *b = &blocks[i / GIC_ITS_EVENTS];
    if (b->vm)
        vgic_its_msi(b->vm, b->device_id, i % GIC_ITS_EVENTS);
}
