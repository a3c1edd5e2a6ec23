/* SPDX-License-Identifier: MIT */
/*
 * SMMUv3 encodings, pure functions (src/drivers/smmu/smmuv3_enc.c; host
 * unit tests in tests/unit/test_smmuv3.c).  Layouts: include/arch/regs.h.
 */
#ifndef DRIVERS_SMMUV3_H
#define DRIVERS_SMMUV3_H
#include "core/iommu_fault.h"
#include "arch/regs.h"

/* V=1, Config=abort: transactions terminate, no event (IHI 0070 5.2). */
void smmu_ste_abort(uint64_t ste[SMMU_STE_WORDS]);
/* Stage-2-only (Config 0b110) on the stage 2 a CPU uses with `vtcr` and
 * `vttbr`: its VMID, its root, its T0SZ/SL0/IRGN0/ORGN0/SH0/TG0/PS (PS no
 * more than the SMMU's output size `oas`, IDR5.OAS's encoding); AArch64
 * tables, faults recorded. */
void smmu_ste_s2(uint64_t ste[SMMU_STE_WORDS], uint64_t vtcr, uint64_t vttbr, uint32_t oas);
/* A level-1 stream table descriptor for a level-2 table of 2^`split` STEs at `l2_pa`. */
uint64_t smmu_l1std(uint64_t l2_pa, unsigned split);
/* The output address size IDR5.OAS (PARange's encoding) names, in bits. */
unsigned smmu_oas_bits(uint32_t oas);
/* Decode an event record (IHI 0070 7.3). */
void smmu_event_decode(const uint64_t evt[SMMU_EVT_WORDS], struct iommu_fault *f);
/* The event type's name ("F_TRANSLATION"), or "event" for one not known here. */
const char *smmu_event_name(uint8_t type);

#endif
