/* SPDX-License-Identifier: MIT */
/* Per-interrupt registers shared by the emulated GICD and GICR SGI frame:
 * both lay them out at the same offsets (GICv3 12.9, 12.11). */
#ifndef CORE_VGIC_REGS_H
#define CORE_VGIC_REGS_H
#include "core/mmio.h"

struct vcpu;

/*
 * Access the per-interrupt register at `off` (a GICD_* offset).  `owner` is
 * the vCPU whose private interrupts the frame shows (the redistributor's), or
 * NULL for the distributor, where private interrupts are RAZ/WI because
 * affinity routing is always on.  Returns false if `off` is no such register.
 */
bool vgic_irqreg_access(struct vcpu *v, struct vcpu *owner, uint64_t off, unsigned width,
                        bool write, uint64_t *val);
/* The same, as a GICv2 distributor shows them: private interrupts banked
 * (the accessing vCPU's own), SPIs the VM's; no routing registers. */
bool vgic_irqreg_access_banked(struct vcpu *v, uint64_t off, unsigned width, bool write, uint64_t *val);
/* SPI `intid` (irq) of a VM delivered to its vCPU `dst` from now on
 * (IROUTER, ITARGETSR). */
struct vgic_irq;
void vgic_spi_route(struct vgic_irq *irq, unsigned intid, struct vcpu *dst);

#endif
