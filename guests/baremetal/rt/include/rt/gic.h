/* SPDX-License-Identifier: MIT */
/* GICv3: distributor enable, this CPU's redistributor, system-register CPU interface. */
#ifndef RT_GIC_H
#define RT_GIC_H

#include <stdbool.h>
#include <stdint.h>

enum gic_status {
	GIC_OK = 0,
	GIC_ERR_NO_REDIST,      /* no GICR_TYPER matched MPIDR_EL1 */
	GIC_ERR_WAKE_TIMEOUT,   /* GICR_WAKER.ChildrenAsleep stayed 1 */
	GIC_ERR_RWP_TIMEOUT,    /* GICD_CTLR.RWP stayed 1 */
	GIC_ERR_NO_SRE,         /* ICC_SRE_EL1.SRE did not read back as 1 */
};

const char *gic_status_name(enum gic_status status);
/* The distributor (once) and the calling CPU's interface; idempotent. */
enum gic_status gic_init(void);
/* A secondary CPU: its own redistributor and CPU interface only. */
enum gic_status gic_cpu_init(void);
uintptr_t gic_redist_base(void);              /* the calling CPU's RD_base */

/* SGIs and PPIs (INTID < 32), through the calling CPU's redistributor, group 1. */
void gic_private_irq_enable(uint32_t intid, uint8_t priority);
void gic_private_irq_disable(uint32_t intid);
bool gic_private_irq_pending(uint32_t intid);
bool gic_private_irq_active(uint32_t intid);
void gic_private_irq_deactivate(uint32_t intid);   /* GICR_ICACTIVER0 */

void gic_sgi_send_self(uint32_t intid);
/* ICC_SGI1R_EL1 affinity fields naming this CPU's cluster (Aff3.Aff2.Aff1, RS = 0). */
uint64_t gic_sgi1r_cluster_self(void);

/* SPIs (GIC_SPI_BASE <= INTID < gic_spi_limit()), through the distributor. */
uint32_t gic_spi_limit(void);                  /* from GICD_TYPER.ITLinesNumber */
uint64_t gic_irouter_self(void);               /* GICD_IROUTER value naming this CPU */
void gic_spi_enable(uint32_t intid, uint8_t priority);   /* group 1; routing unchanged */
void gic_spi_disable(uint32_t intid);
void gic_spi_set_pending(uint32_t intid);
void gic_spi_clear_pending(uint32_t intid);
bool gic_spi_pending(uint32_t intid);
bool gic_spi_active(uint32_t intid);

#endif /* RT_GIC_H */
