/* SPDX-License-Identifier: MIT */
/*
 * The virtio-pci functions of a device served by a backend VM
 * (docs/virtio.md, "virtio-pci"): a frontend's virtual ECAM (bus 0, its
 * functions at their slots, nothing else) and their BARs, answered by tofu
 * from the devices' state in core (src/core/virtio.c, core/virtio_pci.h).
 * Reads and writes trap; the driver's only one per request is the queue
 * notification.
 */
#include "core/virtio.h"
#include "core/mmio.h"

static uint64_t ecam_read(struct vcpu *v, void *dev, uint64_t off, unsigned width)
{
    (void)dev;                          /* the VM's: v->vm */
    return virtio_ecam_read(v, off, width);
}

static enum mmio_result ecam_write(struct vcpu *v, void *dev, uint64_t off, unsigned width, uint64_t val)
{
    (void)dev;
    virtio_ecam_write(v, off, width, val);
    return MMIO_OK;
}

static uint64_t bar_read(struct vcpu *v, void *dev, uint64_t off, unsigned width)
{
    (void)dev;
    return virtio_pci_read(v, off, width);
}

static enum mmio_result bar_write(struct vcpu *v, void *dev, uint64_t off, unsigned width, uint64_t val)
{
    (void)dev;
    return virtio_pci_write(v, off, width, val);
}

const struct mmio_ops virtio_ecam_ops = {
    .name = "virtio-pci ECAM",
    .read = ecam_read,
    .write = ecam_write,
};

const struct mmio_ops virtio_pci_bar_ops = {
    .name = "virtio-pci BARs",
    .read = bar_read,
    .write = bar_write,
};
