/* SPDX-License-Identifier: MIT */
/*
 * Host stand-in for include/arch/vgic_hw.h: the same interface, every
 * register access a function of the fake list registers (fake/vgic_hw.c),
 * where the real header inlines the ones on the exit path.
 */
#ifndef ARCH_VGIC_HW_H
#define ARCH_VGIC_HW_H
#include <stdbool.h>
#include <stdint.h>

unsigned vgic_hw_nr_lrs(void);
uint64_t vgic_hw_read_lr(unsigned i);
void vgic_hw_write_lr(unsigned i, uint64_t v);
void vgic_hw_save_lrs(uint64_t *lr, unsigned n);
uint32_t vgic_hw_elrsr(void);
static inline void vgic_hw_sync(void) { }
struct vgic_hw_state {
    uint64_t hcr, vmcr, apr[2];
};
void vgic_hw_enable(bool underflow);
void vgic_hw_disable(void);
uint32_t vgic_hw_eisr(void);
void vgic_hw_deactivate(unsigned pintid);
bool vgic_hw_ppi_line(unsigned intid);

#endif
