/* SPDX-License-Identifier: MIT */
/*
 * One virtio device's PCI transport (virtio 1.2, 4.1) as pure state, beside
 * its core/virtio_regs.h (docs/virtio.md, "virtio-pci"): the function's
 * configuration space, its BAR0 (the common configuration, ISR status, the
 * device configuration, the notifications, the MSI-X table and PBA) and
 * which MSI-X vectors an event raises.  What the PCI side shares with
 * virtio-mmio (features, queues, status, the config space, the messages to
 * the backend) is the same virtio_regs, driven through its virtio-mmio
 * offsets, so both transports tell a backend the same events.  No locks, no
 * VMs: src/core/virtio.c wraps it, tests/unit/test_virtio_pci.c drives it.
 */
#ifndef CORE_VIRTIO_PCI_H
#define CORE_VIRTIO_PCI_H
#include "core/virtio_regs.h"

struct virtio_pci_msix {
    uint32_t addr_lo, addr_hi, data, ctl;
};

struct virtio_pci {
    uint64_t bar;                       /* BAR0's address (IPA), fixed */
    uint16_t command;                   /* Memory Space, Bus Master, INTx Disable */
    uint8_t irq_line;                   /* the driver's (no pin) */
    bool sizing_lo, sizing_hi;          /* all-ones written to BAR0's dwords */
    uint16_t msix_ctl;                  /* Enable and Function Mask */
    struct virtio_pci_msix msix[VIRTIO_PCI_VECTORS];
    uint32_t pba;                       /* pending vectors (masked when raised) */
    uint16_t config_vector;
    uint16_t queue_vector[TOFU_VIRTIO_MAX_QUEUES];
    uint32_t todo;                      /* vectors to send now (an unmask of a pending one) */
};

/* What a BAR0 write asks of the caller, beside VIRTIO_ACT_*. */
#define VIRTIO_ACT_MSI  (1u << 3)       /* vectors in `todo`: send them */

/* At power-on, and when the frontend starts again. */
void virtio_pci_init(struct virtio_pci *p, uint64_t bar);
/* A device reset (the driver wrote device_status 0): the vectors unassigned. */
void virtio_pci_reset(struct virtio_pci *p);

/* Configuration space (`off` within the function's 4 KiB, 1, 2 or 4 bytes,
 * naturally aligned: anything else reads all-ones and writes nothing). */
uint32_t virtio_pci_cfg_read(const struct virtio_pci *p, const struct virtio_regs *r, uint32_t off, unsigned width);
void virtio_pci_cfg_write(struct virtio_pci *p, uint32_t off, unsigned width, uint32_t val);

/* BAR0 (`off` within VIRTIO_PCI_BAR_SIZE): VIRTIO_ACT_* for the caller
 * (an event for the backend, a reset to wait for, a bad access to log,
 * vectors to send).  A read of ISR status clears it. */
unsigned virtio_pci_bar_read(struct virtio_pci *p, struct virtio_regs *r, uint64_t off, unsigned width, uint64_t *val);
unsigned virtio_pci_bar_write(struct virtio_pci *p, struct virtio_regs *r, uint64_t off, unsigned width, uint64_t val);

/* An interrupt of cause VIRTIO_MMIO_INT_VRING or _CONFIG: the vectors to
 * send now (bit n: vector n; each masked one pending instead). */
uint32_t virtio_pci_raise(struct virtio_pci *p, const struct virtio_regs *r, uint32_t cause);
/* Vector n's message (for one virtio_pci_raise or `todo` returned). */
void virtio_pci_message(const struct virtio_pci *p, unsigned n, uint64_t *addr, uint32_t *data);

#endif
