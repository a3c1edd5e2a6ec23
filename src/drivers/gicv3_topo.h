/* SPDX-License-Identifier: MIT */
/*
 * Where each CPU's GICv3 pieces are, from its MPIDR (src/drivers/gicv3_topo.c):
 * pure functions, unit-tested on the host (tests/unit/test_gicv3_topo.c).
 */
#ifndef DRIVERS_GICV3_TOPO_H
#define DRIVERS_GICV3_TOPO_H
#include <stdint.h>

#define GICR_NONE UINT64_MAX          /* gicr_find_all: no redistributor has the CPU's affinity */

/* ICC_SGI1R_EL1's target fields that name the CPU with this MPIDR alone:
 * Aff3, Aff2, Aff1, the range selector of its Aff0 and its TargetList bit. */
uint64_t gicv3_sgi1r_target(uint64_t mpidr);

/* Walk a redistributor region of `size` bytes from its first frame to its
 * Last one (GICR_TYPER read through `typer_at(ctx, offset)`; two 64 KiB
 * frames a redistributor, four when GICR_TYPER.VLPIS says GICv4), and set
 * off[i] to the offset of the one whose affinity is mpidr[i]'s, GICR_NONE
 * if none.  Returns how many of the n CPUs have one. */
unsigned gicv3_find_redists(uint64_t (*typer_at)(void *ctx, uint64_t offset), void *ctx, uint64_t size,
                            const uint64_t *mpidr, unsigned n, uint64_t *off);

#endif
