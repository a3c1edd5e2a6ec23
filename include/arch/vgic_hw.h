/* SPDX-License-Identifier: MIT */
/* The GICv3 virtual CPU interface's control registers, as the vGIC needs them.
 * src/arch/arm64/gic/vgic_hw.c implements them; tests/unit has a fake. */
#ifndef ARCH_VGIC_HW_H
#define ARCH_VGIC_HW_H
#include <stdint.h>

unsigned vgic_hw_nr_lrs(void);
uint64_t vgic_hw_read_lr(unsigned i);
void vgic_hw_write_lr(unsigned i, uint64_t v);
uint32_t vgic_hw_elrsr(void);
void vgic_hw_write_hcr(uint64_t v);

#endif
