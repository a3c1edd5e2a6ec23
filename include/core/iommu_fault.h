/* SPDX-License-Identifier: MIT */
/* A DMA fault as an IOMMU driver decodes it (include/core/iommu.h reports it). */
#ifndef CORE_IOMMU_FAULT_H
#define CORE_IOMMU_FAULT_H
#include "core/types.h"

enum iommu_fault_kind {
    IOMMU_FAULT_TRANSLATION,    /* no mapping in the stream's stage 2 */
    IOMMU_FAULT_PERMISSION,
    IOMMU_FAULT_ADDR_SIZE,
    IOMMU_FAULT_ACCESS,
    IOMMU_FAULT_BAD_STREAM,     /* a stream outside the stream table */
    IOMMU_FAULT_CONFIG,         /* a bad or unreadable stream table entry */
    IOMMU_FAULT_OTHER,
};
struct iommu_fault {
    uint32_t sid;               /* StreamID */
    uint8_t type;               /* the IOMMU's own event code */
    const char *name;           /* its name, e.g. "F_TRANSLATION" */
    enum iommu_fault_kind kind;
    bool has_addr, is_write;
    uint64_t addr;              /* the address the device used */
};

#endif
