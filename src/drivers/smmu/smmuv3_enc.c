/* SPDX-License-Identifier: MIT */
/* SMMUv3 stream table entries and event records, encoded and decoded. */
#include "smmuv3.h"
#include "core/lib.h"

void smmu_ste_abort(uint64_t ste[SMMU_STE_WORDS])
{
    memset(ste, 0, SMMU_STE_SIZE);
    ste[0] = SMMU_STE0_V | (SMMU_STE0_CONFIG_ABORT << SMMU_STE0_CONFIG_SHIFT);
}

void smmu_ste_s2(uint64_t ste[SMMU_STE_WORDS], uint64_t vtcr, uint64_t vttbr, uint32_t oas)
{
    /* The STE's S2PS is VTCR_EL2.PS's encoding; a PS beyond the SMMU's OAS
     * is capped (the CPU may have more PA bits than the SMMU outputs). */
    uint64_t ps = (vtcr >> VTCR_PS_SHIFT) & VTCR_PS_MASK;
    if (ps > oas)
        ps = oas;
    uint64_t geometry = (vtcr & SMMU_STE2_VTCR_MASK & ~(VTCR_PS_MASK << VTCR_PS_SHIFT)) |
                        (ps << VTCR_PS_SHIFT);
    memset(ste, 0, SMMU_STE_SIZE);
    ste[0] = SMMU_STE0_V | (SMMU_STE0_CONFIG_S2 << SMMU_STE0_CONFIG_SHIFT);
    /* Stage 1 is bypassed: the incoming shareability stands. */
    ste[1] = SMMU_STE1_SHCFG_INCOMING << SMMU_STE1_SHCFG_SHIFT;
    ste[2] = ((vttbr >> VTTBR_VMID_SHIFT) & SMMU_STE2_S2VMID_MASK) | (geometry << SMMU_STE2_VTCR_SHIFT) |
             SMMU_STE2_S2AA64 | SMMU_STE2_S2R;
    ste[3] = vttbr & VTTBR_BADDR_MASK & SMMU_STE3_S2TTB_MASK;
}

uint64_t smmu_l1std(uint64_t l2_pa, unsigned split)
{
    /* Span: the level-2 table holds 2^(Span-1) STEs. */
    return (l2_pa & SMMU_ADDR_MASK) | ((uint64_t)(split + 1) & SMMU_L1STD_SPAN_MASK);
}

unsigned smmu_oas_bits(uint32_t oas)
{
    /* ID_AA64MMFR0_EL1.PARange's sizes, 0b000 to 0b110 (D19.2.64). */
    static const uint8_t bits[] = { 32, 36, 40, 42, 44, 48, 52 };
    return oas < sizeof(bits) ? bits[oas] : bits[sizeof(bits) - 1];
}

static enum iommu_fault_kind kind_of(uint8_t type)
{
    switch (type) {
    case SMMU_EVT_F_TRANSLATION: return IOMMU_FAULT_TRANSLATION;
    case SMMU_EVT_F_PERMISSION: return IOMMU_FAULT_PERMISSION;
    case SMMU_EVT_F_ADDR_SIZE: return IOMMU_FAULT_ADDR_SIZE;
    case SMMU_EVT_F_ACCESS: return IOMMU_FAULT_ACCESS;
    case SMMU_EVT_C_BAD_STREAMID: return IOMMU_FAULT_BAD_STREAM;
    case SMMU_EVT_C_BAD_STE:
    case SMMU_EVT_F_STE_FETCH:
    case SMMU_EVT_F_STREAM_DISABLED: return IOMMU_FAULT_CONFIG;
    default: return IOMMU_FAULT_OTHER;
    }
}

void smmu_event_decode(const uint64_t evt[SMMU_EVT_WORDS], struct iommu_fault *f)
{
    uint8_t type = (uint8_t)(evt[0] & SMMU_EVT0_TYPE_MASK);
    memset(f, 0, sizeof(*f));
    f->type = type;
    f->sid = (uint32_t)(evt[0] >> SMMU_EVT0_SID_SHIFT);
    f->kind = kind_of(type);
    f->name = smmu_event_name(type);
    /* Translation-class faults carry InputAddr in word 2 and RnW in word 1. */
    if (type == SMMU_EVT_F_UUT || (type >= SMMU_EVT_F_TRANSLATION && type <= SMMU_EVT_F_PERMISSION)) {
        f->has_addr = true;
        f->addr = evt[2];
        f->is_write = !(evt[1] & SMMU_EVT1_RNW);
    }
}

const char *smmu_event_name(uint8_t type)
{
    switch (type) {
    case SMMU_EVT_F_UUT: return "F_UUT";
    case SMMU_EVT_C_BAD_STREAMID: return "C_BAD_STREAMID";
    case SMMU_EVT_F_STE_FETCH: return "F_STE_FETCH";
    case SMMU_EVT_C_BAD_STE: return "C_BAD_STE";
    case SMMU_EVT_F_STREAM_DISABLED: return "F_STREAM_DISABLED";
    case SMMU_EVT_F_TRANSLATION: return "F_TRANSLATION";
    case SMMU_EVT_F_ADDR_SIZE: return "F_ADDR_SIZE";
    case SMMU_EVT_F_ACCESS: return "F_ACCESS";
    case SMMU_EVT_F_PERMISSION: return "F_PERMISSION";
    default: return "event";
    }
}
