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
    /* Reads without a trap: a read-only page at the UART's IPA holds every
     * register's value and is mapped while the receive FIFO is empty, when
     * no read has a side effect; writes trap (a permission fault), and so
     * does every access while input waits. */
    uint32_t *shadow;
    uint64_t *shadow_pte;
    bool shadow_mapped;
};

extern const struct mmio_ops vpl011_ops;
void vpl011_init(struct vpl011 *u, struct vm *vm, uint32_t intid);
/* Its register page (UART_SIZE) and the stage-2 entry that maps it; once,
 * when the VM is built, before vpl011_init. */
void vpl011_attach_shadow(struct vpl011 *u, uint32_t *page, uint64_t *pte);
/* Console input for this VM; false if its FIFO is full. */
bool vpl011_push_input(struct vpl011 *u, char c);

#endif
