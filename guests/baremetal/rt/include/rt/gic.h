/* SPDX-License-Identifier: MIT */
/*
 * The GIC, version 3 or 2 as the device tree says (platform_get()->gic_version):
 * distributor enable, each CPU's own interface (a GICv3's redistributor and
 * system registers, a GICv2's memory-mapped GICC), private interrupts, SGIs,
 * SPIs.  The version's functions are chosen once, by gic_init().
 */
#ifndef RT_GIC_H
#define RT_GIC_H

#include <stdbool.h>
#include <stdint.h>

#include "rt/arch.h"
#include "rt/hw.h"

enum gic_status {
	GIC_OK = 0,
	GIC_ERR_NO_REDIST,      /* no GICR_TYPER matched MPIDR_EL1 */
	GIC_ERR_WAKE_TIMEOUT,   /* GICR_WAKER.ChildrenAsleep stayed 1 */
	GIC_ERR_RWP_TIMEOUT,    /* GICD_CTLR.RWP stayed 1 */
	GIC_ERR_NO_SRE,         /* ICC_SRE_EL1.SRE did not read back as 1 */
	GIC_ERR_NO_CPU_IF,      /* GICv2: this CPU's Aff0 is beyond CPU interface 7 */
};

const char *gic_status_name(enum gic_status status);
/* The distributor (once) and the calling CPU's interface; idempotent. */
enum gic_status gic_init(void);
/* A secondary CPU: its own redistributor and CPU interface only. */
enum gic_status gic_cpu_init(void);
bool gic_is_v2(void);                         /* from the device tree: usable before gic_init() */
/* For a GICv3-only check: on a GICv2, prints "<program>: skipped: GICv2 (<why>)"
 * and returns true; test scripts accept that line in place of the check's. */
bool gic_skip_on_v2(const char *why);
uintptr_t gic_redist_base(void);              /* the calling CPU's RD_base; 0 on a GICv2 */

/* SGIs and PPIs (INTID < 32): a GICv3 CPU's redistributor (group 1), a
 * GICv2's banked distributor words (the group left as it is: see gic_v2.c). */
void gic_private_irq_enable(uint32_t intid, uint8_t priority);
void gic_private_irq_disable(uint32_t intid);
bool gic_private_irq_pending(uint32_t intid);
bool gic_private_irq_active(uint32_t intid);
void gic_private_irq_deactivate(uint32_t intid);   /* GICR_ICACTIVER0 / GICD_ICACTIVER0 */

void gic_sgi_send_self(uint32_t intid);
/* To the CPU whose Aff0 is `cpu`, in the caller's cluster (GICv2: CPU interface `cpu`). */
void gic_sgi_send(uint32_t intid, unsigned cpu);
/* GICv3 only: ICC_SGI1R_EL1 affinity fields naming this CPU's cluster (Aff3.Aff2.Aff1, RS = 0). */
uint64_t gic_sgi1r_cluster_self(void);
/* GICv2 only: this CPU's interface mask (its GICD_ITARGETSR0 byte), 0 before gic_cpu_init(). */
uint8_t gic_cpu_if_mask(void);

/* SPIs (GIC_SPI_BASE <= INTID < gic_spi_limit()), through the distributor. */
uint32_t gic_spi_limit(void);                  /* from GICD_TYPER.ITLinesNumber */
uint64_t gic_irouter_self(void);               /* GICv3 only: GICD_IROUTER value naming this CPU */
void gic_spi_route_self(uint32_t intid);       /* GICD_IROUTER / GICD_ITARGETSR: this CPU */
/* Group 1 on a GICv3; routing unchanged, except a GICv2 SPI routed nowhere: to this CPU. */
void gic_spi_enable(uint32_t intid, uint8_t priority);
void gic_spi_disable(uint32_t intid);
void gic_spi_set_pending(uint32_t intid);
void gic_spi_clear_pending(uint32_t intid);
bool gic_spi_pending(uint32_t intid);
bool gic_spi_active(uint32_t intid);

/* Acknowledge and end by hand (irq_dispatch does both itself).  The IAR
 * value is kept whole for the EOI: a GICv2's carries an SGI's sender. */
uint64_t gic_ack(void);                        /* ICC_IAR1_EL1 / GICC_IAR */
void gic_eoi(uint64_t iar);                    /* ICC_EOIR1_EL1 / GICC_EOIR */
void gic_deactivate(uint64_t iar);             /* ICC_DIR_EL1 / GICC_DIR: split mode only */
/* EOImode 1 (EOI drops the priority only; deactivation apart) or 0; returns the old mode. */
bool gic_eoi_split(bool split);

/* 0 on a GICv3 (and before gic_init()); a GICv2's GICC base: irq_dispatch's one test. */
extern uintptr_t gic_v2_cpu_if __attribute__((visibility("hidden")));   /* no GOT load */

static inline uint32_t gic_iar_intid(uint64_t iar)
{
	return (uint32_t)(iar & (gic_v2_cpu_if ? GICC_IAR_INTID_MASK : ICC_IAR_INTID_MASK));
}

#endif /* RT_GIC_H */
