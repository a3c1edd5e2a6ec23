/* SPDX-License-Identifier: MIT */
/* The GICv3 virtual CPU interface's control registers, as the vGIC needs them.
 * src/arch/arm64/gic/vgic_hw.c implements them; tests/unit has a fake. */
#ifndef ARCH_VGIC_HW_H
#define ARCH_VGIC_HW_H
#include <stdbool.h>
#include <stdint.h>

unsigned vgic_hw_nr_lrs(void);
uint64_t vgic_hw_read_lr(unsigned i);
void vgic_hw_write_lr(unsigned i, uint64_t v);
uint32_t vgic_hw_elrsr(void);
void vgic_hw_write_hcr(uint64_t v);
/* ICH_EISR_EL2: LRs whose EOI maintenance request is due. */
uint32_t vgic_hw_eisr(void);
/* Deactivate a physical interrupt a hardware LR held (ICC_DIR_EL1). */
void vgic_hw_deactivate(unsigned pintid);
/* The line of a hardware PPI of this CPU: PPI_VTIMER, the EL1 virtual timer's
 * output (ENABLE, not IMASK, ISTATUS); PPI_PMU, the PMU's overflow request. */
bool vgic_hw_ppi_line(unsigned intid);

#endif
