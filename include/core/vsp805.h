/* SPDX-License-Identifier: MIT */
#ifndef CORE_VSP805_H
#define CORE_VSP805_H
#include "core/types.h"
#include "core/spinlock.h"
#include "core/mmio.h"

/* The emulated SP805 of one VM (src/vdev/vsp805.c). */
struct vsp805 {
    spinlock_t lock;
    struct vm *vm;
    uint32_t intid;
    uint32_t clk_hz;                /* WDOGCLK, as the guest's device tree declares it */
    uint32_t load, ctl;
    bool locked;                    /* WdogLock: writes disabled */
    bool ris;                       /* the interrupt (first expiry) is raised */
    uint32_t frozen;                /* WdogValue while the counter is stopped */
    uint64_t period;                /* counter ticks for load + 1 WDOGCLK cycles */
    uint64_t zero_at;               /* counter value when the count reaches 0 (counting) */
};

extern const struct mmio_ops vsp805_ops;
void vsp805_init(struct vsp805 *w, struct vm *vm, uint32_t intid, uint32_t clk_hz);
/* Its deadline passed (core/wdog.h): true when the VM has hung, the
 * counter having reached zero twice with the reset output enabled. */
bool vsp805_expired(struct vsp805 *w, uint64_t now);

#endif
