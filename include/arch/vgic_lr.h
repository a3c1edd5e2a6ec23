/* SPDX-License-Identifier: MIT */
/*
 * A list register's value, as the virtual CPU interface holds it: the vGIC
 * model (src/core/vgic.c) builds, tests and changes list registers only
 * through these, and never reads their bits, so that the format is the
 * backend's: GICv3's ICH_LR<n>_EL2 (IHI 0069 12.4.6) or, when the build's
 * GIC_VERSION is 2, GICv2's GICH_LR<n> (IHI 0048B 5.3.8).  Pure bit
 * operations: the host unit tests use them as they are.
 */
#ifndef ARCH_VGIC_LR_H
#define ARCH_VGIC_LR_H
#include <stdbool.h>
#include <stdint.h>
#include "arch/regs.h"

#if GIC_VERSION == 2
typedef uint64_t vgic_lr_t;       /* 0: empty; the 32 bits of a GICH_LR */

static inline vgic_lr_t vgic_lr_make(unsigned vintid, unsigned prio, bool group1)
{
    return GICH_LR_PENDING | (group1 ? GICH_LR_GROUP1 : 0) |
           ((uint64_t)(prio >> GICH_LR_PRIO_DROP) << GICH_LR_PRIO_SHIFT) | vintid;
}
static inline vgic_lr_t vgic_lr_with_hw(vgic_lr_t lr, unsigned pintid)
{
    return lr | GICH_LR_HW | ((uint64_t)pintid << GICH_LR_PINTID_SHIFT);
}
/* An SGI's source CPU (HW = 0), which the guest reads in GICC_IAR. */
static inline vgic_lr_t vgic_lr_with_source(vgic_lr_t lr, unsigned cpu)
{
    return lr | ((uint64_t)cpu << GICH_LR_CPUID_SHIFT);
}
static inline unsigned vgic_lr_source(vgic_lr_t lr)
{
    return (unsigned)FIELD_GET(lr, GIC_V2_SGI_SOURCE_BITS, GICH_LR_CPUID_SHIFT);
}
static inline vgic_lr_t vgic_lr_with_eoi(vgic_lr_t lr) { return lr | GICH_LR_EOI; }
static inline vgic_lr_t vgic_lr_without_eoi(vgic_lr_t lr) { return lr & ~GICH_LR_EOI; }
static inline bool vgic_lr_pending(vgic_lr_t lr) { return lr & GICH_LR_PENDING; }
static inline bool vgic_lr_active(vgic_lr_t lr) { return lr & GICH_LR_ACTIVE; }
static inline bool vgic_lr_pending_only(vgic_lr_t lr) { return (lr & GICH_LR_STATE_MASK) == GICH_LR_PENDING; }
static inline bool vgic_lr_live(vgic_lr_t lr) { return lr & GICH_LR_STATE_MASK; }
static inline bool vgic_lr_hw(vgic_lr_t lr) { return lr & GICH_LR_HW; }
static inline bool vgic_lr_eoi(vgic_lr_t lr) { return !(lr & GICH_LR_HW) && (lr & GICH_LR_EOI); }
static inline vgic_lr_t vgic_lr_set_pending(vgic_lr_t lr) { return lr | GICH_LR_PENDING; }
static inline vgic_lr_t vgic_lr_clear_pending(vgic_lr_t lr) { return lr & ~GICH_LR_PENDING; }
static inline vgic_lr_t vgic_lr_clear_active(vgic_lr_t lr) { return lr & ~GICH_LR_ACTIVE; }
static inline unsigned vgic_lr_vintid(vgic_lr_t lr) { return (unsigned)(lr & GICH_LR_VINTID_MASK); }
static inline unsigned vgic_lr_pintid(vgic_lr_t lr)
{
    return (unsigned)FIELD_GET(lr, GICH_LR_PINTID_WIDTH, GICH_LR_PINTID_SHIFT);
}
static inline unsigned vgic_lr_prio(vgic_lr_t lr)
{
    return (unsigned)FIELD_GET(lr, GICH_LR_PRIO_WIDTH, GICH_LR_PRIO_SHIFT) << GICH_LR_PRIO_DROP;
}

#else /* GICv3 */

typedef uint64_t vgic_lr_t;       /* 0: empty (no state, nothing in it) */

/* GICv3's LRs name no SGI source: these are for GICv2's. */
static inline vgic_lr_t vgic_lr_with_source(vgic_lr_t lr, unsigned cpu) { (void)cpu; return lr; }
static inline unsigned vgic_lr_source(vgic_lr_t lr) { (void)lr; return 0; }

/* A pending virtual interrupt: its INTID, priority and group. */
static inline vgic_lr_t vgic_lr_make(unsigned vintid, unsigned prio, bool group1)
{
    return ICH_LR_PENDING | (group1 ? ICH_LR_GROUP1 : 0) | ((uint64_t)prio << ICH_LR_PRIO_SHIFT) | vintid;
}

/* ... whose deactivation deactivates physical interrupt `pintid` (HW = 1). */
static inline vgic_lr_t vgic_lr_with_hw(vgic_lr_t lr, unsigned pintid)
{
    return lr | ICH_LR_HW | ((uint64_t)pintid << ICH_LR_PINTID_SHIFT);
}

/* ... that raises an EOI maintenance interrupt at its deactivation (HW = 0). */
static inline vgic_lr_t vgic_lr_with_eoi(vgic_lr_t lr) { return lr | ICH_LR_EOI; }
static inline vgic_lr_t vgic_lr_without_eoi(vgic_lr_t lr) { return lr & ~ICH_LR_EOI; }

static inline bool vgic_lr_pending(vgic_lr_t lr) { return lr & ICH_LR_PENDING; }
static inline bool vgic_lr_active(vgic_lr_t lr) { return lr & ICH_LR_ACTIVE; }
/* Pending and not active: what a flush may take back to the bitmap. */
static inline bool vgic_lr_pending_only(vgic_lr_t lr) { return (lr & ICH_LR_STATE_MASK) == ICH_LR_PENDING; }
/* Pending or active: the guest has not finished with it. */
static inline bool vgic_lr_live(vgic_lr_t lr) { return lr & ICH_LR_STATE_MASK; }
static inline bool vgic_lr_hw(vgic_lr_t lr) { return lr & ICH_LR_HW; }
/* An EOI maintenance request (HW = 0 only). */
static inline bool vgic_lr_eoi(vgic_lr_t lr) { return !(lr & ICH_LR_HW) && (lr & ICH_LR_EOI); }

static inline vgic_lr_t vgic_lr_set_pending(vgic_lr_t lr) { return lr | ICH_LR_PENDING; }
static inline vgic_lr_t vgic_lr_clear_pending(vgic_lr_t lr) { return lr & ~ICH_LR_PENDING; }
static inline vgic_lr_t vgic_lr_clear_active(vgic_lr_t lr) { return lr & ~ICH_LR_ACTIVE; }

static inline unsigned vgic_lr_vintid(vgic_lr_t lr) { return (unsigned)(lr & ICH_LR_VINTID_MASK); }
static inline unsigned vgic_lr_pintid(vgic_lr_t lr)
{
    return (unsigned)FIELD_GET(lr, ICH_LR_PINTID_WIDTH, ICH_LR_PINTID_SHIFT);
}
static inline unsigned vgic_lr_prio(vgic_lr_t lr) { return (unsigned)FIELD_GET(lr, 8, ICH_LR_PRIO_SHIFT); }

#endif /* GIC_VERSION */

#endif
