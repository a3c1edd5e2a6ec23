/* SPDX-License-Identifier: MIT */
/*
 * A platform without an IOMMU (platforms/<board>.mk: IOMMU := none): no
 * stream can be given a VM, and nothing confines a device's DMA; boot says so.
 */
#include "core/iommu.h"
#include "core/printf.h"

int iommu_init(const struct fdt_info *boot)
{
    UNUSED(boot);
    printf("no IOMMU on this platform: DMA from devices is not confined\n");
    return E_OK;
}

int iommu_attach(struct vm *vm, uint32_t first, unsigned n)
{
    UNUSED(vm);
    UNUSED(first);
    return n ? E_INVAL : E_OK;
}

void iommu_detach(struct vm *vm)
{
    UNUSED(vm);
}

void iommu_flush_vm(struct vm *vm)
{
    UNUSED(vm);
}

bool iommu_irq(unsigned intid)
{
    UNUSED(intid);
    return false;
}
