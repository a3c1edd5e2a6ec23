/* SPDX-License-Identifier: MIT */
/* Inside the runtime only: what differs between a GICv3 (gic_v3.c) and a GICv2 (gic_v2.c). */
#ifndef RT_GIC_OPS_H
#define RT_GIC_OPS_H

#include <stdbool.h>
#include <stdint.h>

#include "rt/gic.h"

struct gic_ops {
	enum gic_status (*cpu_init)(unsigned cpu);
	enum gic_status (*dist_enable)(uintptr_t gicd);
	/* The frame whose word 0 holds the calling CPU's private INTIDs' bits,
	 * at the distributor's offsets (GICR SGI_base and GICD agree). */
	uintptr_t (*private_frame)(void);
	void (*private_sync)(void);          /* after a GICR/GICD_ICENABLER0 write */
	void (*spi_sync)(void);              /* after a GICD_ICENABLER write */
	void (*sgi_send)(uint32_t intid, unsigned cpu);
	void (*sgi_send_self)(uint32_t intid);
	void (*spi_route_self)(uint32_t intid);
	void (*spi_route_default)(uint32_t intid);   /* before an SPI is enabled */
	uint64_t (*ack)(void);
	void (*eoi)(uint64_t iar);
	void (*deactivate)(uint64_t iar);
	bool (*eoi_split)(bool split);
	bool set_group1;                     /* enable writes IGROUPR: group 1 */
};

extern const struct gic_ops gic_v3_ops;
extern const struct gic_ops gic_v2_ops;

/* gic.c: shared by both. */
#define GIC_MAX_CPUS 8                       /* CPUs with Aff0 0..7, the rest 0 */
unsigned gic_cpu_slot(void);
bool gic_wait_clear(uintptr_t reg, uint32_t mask);
uintptr_t gic_dist(void);

#endif /* RT_GIC_OPS_H */
