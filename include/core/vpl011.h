/* SPDX-License-Identifier: MIT */
#ifndef CORE_VPL011_H
#define CORE_VPL011_H
#include "core/types.h"
#include "core/spinlock.h"
#include "core/mmio.h"

#define VPL011_FIFO 32

struct vpl011 {
    spinlock_t lock;
    struct vm *vm;
    uint32_t intid;
    uint32_t cr, lcr_h, ibrd, fbrd, ifls, imsc, ris, dmacr;
    uint8_t rx[VPL011_FIFO];
    unsigned rx_head, rx_count;
};

extern const struct mmio_ops vpl011_ops;
void vpl011_init(struct vpl011 *u, struct vm *vm, uint32_t intid);
/* Console input for this VM; false if its FIFO is full. */
bool vpl011_push_input(struct vpl011 *u, char c);

#endif
