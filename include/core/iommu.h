/* SPDX-License-Identifier: MIT */
/*
 * The IOMMU: DMA of the devices behind it confined to their VM's own stage 2
 * (the CPU's tables and VMID, shared, so one change reaches both).  One
 * implementation per platform, chosen by file (platforms/<board>.mk):
 * src/drivers/smmu/smmuv3.c, or src/drivers/smmu/none.c where the board has
 * no IOMMU.  Core calls only what is declared here.
 */
#ifndef CORE_IOMMU_H
#define CORE_IOMMU_H
#include "core/vm.h"
#include "core/iommu_fault.h"
#include "core/fdt.h"

/* At boot, before any VM is created: from here on no DMA bypasses the IOMMU
 * (a stream no VM owns aborts and is reported).  E_OK, or an error already
 * printed: the platform's IOMMU is missing (`boot`, the board's device tree,
 * does not list it) or cannot confine DMA. */
int iommu_init(const struct fdt_info *boot);
/* Give `vm`'s stage 2 to the streams first..first+n-1 (for SMMUv3, PCIe
 * requester IDs: the config's iommu-streams).  E_INVAL for a stream outside
 * the table or owned by another VM, E_NOMEM past IOMMU_MAX_STREAMS; nothing
 * changes then. */
int iommu_attach(struct vm *vm, uint32_t first, unsigned n);
/* Every stream of `vm` aborts again (before its stage 2 is freed). */
void iommu_detach(struct vm *vm);
/* The IOMMU's TLB entries for `vm`'s stage 2, invalidated (and waited for). */
void iommu_flush_vm(struct vm *vm);
/* Called beside every CPU invalidation of `vm`'s stage 2 (s2_flush_vmid):
 * nothing to do for a VM without streams. */
static inline void iommu_s2_changed(struct vm *vm)
{
    if (vm->iommu_streams)
        iommu_flush_vm(vm);
}
/* A physical interrupt that is the IOMMU's (event queue, global error):
 * handled (faults reported), true; false for any other INTID. */
bool iommu_irq(unsigned intid);

/* ---- the fault report path: drivers decode, core names and logs --------- */
/* One drained burst: its first fault, how many events it held, whether the
 * queue overflowed (events lost, harmless).  `owner` is the VM the stream
 * belongs to, NULL for none.  Rate-limited (src/core/iommu_report.c). */
void iommu_report(const struct vm *owner, const struct iommu_fault *first, unsigned events, bool overflow);
/* A global error of the IOMMU itself (`what` names it), rate-limited. */
void iommu_report_error(const char *what, uint32_t bits);

#endif
