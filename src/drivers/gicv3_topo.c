/* SPDX-License-Identifier: MIT */
/* Where each CPU's GICv3 pieces are, from its MPIDR (gicv3_topo.h). */
#include "gicv3_topo.h"
#include "arch/regs.h"

uint64_t gicv3_sgi1r_target(uint64_t mpidr)
{
    uint64_t aff0 = FIELD_GET(mpidr, MPIDR_AFF_WIDTH, MPIDR_AFF0_SHIFT);
    return (FIELD_GET(mpidr, MPIDR_AFF_WIDTH, MPIDR_AFF1_SHIFT) << ICC_SGI1R_AFF1_SHIFT) |
           (FIELD_GET(mpidr, MPIDR_AFF_WIDTH, MPIDR_AFF2_SHIFT) << ICC_SGI1R_AFF2_SHIFT) |
           (FIELD_GET(mpidr, MPIDR_AFF_WIDTH, MPIDR_AFF3_SHIFT) << ICC_SGI1R_AFF3_SHIFT) |
           ((aff0 / ICC_SGI1R_RANGE) << ICC_SGI1R_RS_SHIFT) | (UINT64_C(1) << (aff0 % ICC_SGI1R_RANGE));
}

/* Redistributors need not be in CPU order (IHI 0069 9.2: software finds a
 * PE's by GICR_TYPER.Affinity). */
unsigned gicv3_find_redists(uint64_t (*typer_at)(void *ctx, uint64_t offset), void *ctx, uint64_t size,
                            const uint64_t *mpidr, unsigned n, uint64_t *off)
{
    unsigned found = 0;
    for (unsigned i = 0; i < n; i++)
        off[i] = GICR_NONE;
    for (uint64_t o = 0; o + GICR_FRAME_SIZE <= size;) {
        uint64_t typer = typer_at(ctx, o);
        uint64_t aff = typer >> GICR_TYPER_AFF_SHIFT;
        for (unsigned i = 0; i < n; i++)
            if (off[i] == GICR_NONE && GICR_TYPER_AFF_OF_MPIDR(mpidr[i]) == aff) {
                off[i] = o;
                found++;
            }
        if (typer & GICR_TYPER_LAST)
            break;
        o += typer & GICR_TYPER_VLPIS ? GICR_FRAME_SIZE_V4 : GICR_FRAME_SIZE;
    }
    return found;
}
