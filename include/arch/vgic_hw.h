/* SPDX-License-Identifier: MIT */
/* The virtual CPU interface's control registers, as the vGIC needs them:
 * GICv3's ICH_*_EL2 or, when the build's GIC_VERSION is 2, GICv2's GICH
 * frame.  src/arch/arm64/gic/vgic_hw_v<n>.c implement them; tests/unit has
 * a fake. */
#ifndef ARCH_VGIC_HW_H
#define ARCH_VGIC_HW_H
#include <stdbool.h>
#include <stdint.h>
#include "arch/sysreg.h"
#include "arch/regs.h"

#define VGIC_HW_MAX_LRS 16      /* the LRs the vGIC uses, at most (VGIC_MAX_LRS) */

unsigned vgic_hw_nr_lrs(void);
uint64_t vgic_hw_read_lr(unsigned i);
/* LRs 0..n-1 into lr[], and back: a vCPU's context at a save and a load. */
void vgic_hw_save_lrs(uint64_t *lr, unsigned n);
void vgic_hw_load_lrs(const uint64_t *lr, unsigned n);

/* A vCPU's state of the interface beside its LRs (the control register,
 * the guest's priority mask and binary points, its active priorities),
 * saved and loaded with its context. */
struct vgic_hw_state {
    uint64_t hcr, vmcr, apr[2];
};
void vgic_hw_state_reset(struct vgic_hw_state *s);
void vgic_hw_state_save(struct vgic_hw_state *s);
void vgic_hw_state_load(const struct vgic_hw_state *s);

#if GIC_VERSION == 2
#include "core/platform.h"

/* GICH_LR<i>, ELRSR: loads and stores in the GICH frame, which EL2 maps
 * as device memory; device accesses to one frame stay in order, so that
 * an ELRSR read sees the LR writes before it without a barrier. */
static inline void vgic_hw_write_lr(unsigned i, uint64_t v)
{
    mmio_write32((uintptr_t)(platform.gich_base + GICH_LR0 + 4 * (i % VGIC_HW_MAX_LRS)), (uint32_t)v);
}

/* A GICv2 may have up to 64 LRs: those beyond the vGIC's 16 read empty
 * too, and are no LR of its. */
static inline uint32_t vgic_hw_elrsr(void)
{
    return mmio_read32((uintptr_t)(platform.gich_base + GICH_ELRSR0)) & ((1u << VGIC_HW_MAX_LRS) - 1);
}

static inline void vgic_hw_sync(void) { }

#else /* GICv3 */

/* The two the exit path uses are inline (tests/unit/fake/arch/vgic_hw.h
 * stands in for this header with functions). */

/* ICH_LR<i>_EL2 (S3_4_C12_C12_i, i < 8; S3_4_C12_C13_(i-8)) is named in the
 * instruction: a branch into a table of MSRs, two instructions an entry. */
#define VGIC_HW_LR_ENTRY_SHIFT 3
#define VGIC_HW_LR_MSR(crm, op2) "msr S3_4_C12_" #crm "_" #op2 ", %[val]\n\tb 2f\n\t"
static inline void vgic_hw_write_lr(unsigned i, uint64_t v)
{
    uint64_t entry;
    __asm__ volatile("adr %[e], 1f\n\t"
                     "add %[e], %[e], %[i], lsl #%c[sh]\n\t"
                     "br %[e]\n"
                     "1:\n\t"
                     VGIC_HW_LR_MSR(C12, 0) VGIC_HW_LR_MSR(C12, 1) VGIC_HW_LR_MSR(C12, 2)
                     VGIC_HW_LR_MSR(C12, 3) VGIC_HW_LR_MSR(C12, 4) VGIC_HW_LR_MSR(C12, 5)
                     VGIC_HW_LR_MSR(C12, 6) VGIC_HW_LR_MSR(C12, 7) VGIC_HW_LR_MSR(C13, 0)
                     VGIC_HW_LR_MSR(C13, 1) VGIC_HW_LR_MSR(C13, 2) VGIC_HW_LR_MSR(C13, 3)
                     VGIC_HW_LR_MSR(C13, 4) VGIC_HW_LR_MSR(C13, 5) VGIC_HW_LR_MSR(C13, 6)
                     VGIC_HW_LR_MSR(C13, 7)
                     "2:"
                     : [e] "=&r"(entry)
                     : [i] "r"((uint64_t)(i % VGIC_HW_MAX_LRS)), [val] "r"(v), [sh] "i"(VGIC_HW_LR_ENTRY_SHIFT)
                     : "memory");
}

static inline uint32_t vgic_hw_elrsr(void)
{
    return (uint32_t)read_sysreg(ICH_ELRSR_EL2);
}

/* After LR writes, before ICH_ELRSR/EISR reads that must see them. */
static inline void vgic_hw_sync(void)
{
    __asm__ volatile("isb" ::: "memory");
}

/* The virtual CPU interface on (ICH_HCR_EL2.En), with an underflow
 * maintenance interrupt when `underflow` (UIE); off. */
#endif /* GIC_VERSION */

void vgic_hw_enable(bool underflow);
void vgic_hw_disable(void);
/* ICH_EISR_EL2: LRs whose EOI maintenance request is due. */
uint32_t vgic_hw_eisr(void);
/* Deactivate a physical interrupt a hardware LR held (ICC_DIR_EL1, GICC_DIR). */
void vgic_hw_deactivate(unsigned pintid);
/* The line of a hardware PPI of this CPU: PPI_VTIMER, the EL1 virtual timer's
 * output (ENABLE, not IMASK, ISTATUS); PPI_PMU, the PMU's overflow request. */
bool vgic_hw_ppi_line(unsigned intid);

#endif
