/* SPDX-License-Identifier: MIT */
/* What tofu's GICv2 and GICv3 drivers set up alike (src/drivers/gic_dist.c
 * has the distributor code they share). */
#ifndef DRIVERS_GIC_DIST_H
#define DRIVERS_GIC_DIST_H
#include "arch/regs.h"

#define GIC_HYP_PRIO   0xa0     /* every interrupt tofu takes, one priority */
/* The private interrupts each CPU enables for tofu: its kick and console
 * SGIs, the maintenance interrupt, the guest's virtual timer and PMU
 * (forwarded), and the EL2 timer. */
#define GIC_HYP_PRIVATE_IRQS \
    ((1u << SGI_KICK) | (1u << SGI_CONSOLE) | (1u << PPI_MAINTENANCE) | (1u << PPI_VTIMER) | \
     (1u << PPI_HYP_TIMER) | (1u << PPI_PMU))

#endif
