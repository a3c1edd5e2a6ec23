/* SPDX-License-Identifier: MIT */
/*
 * The virtio-mmio (version 2) window of a device served by a backend VM
 * (docs/virtio.md): every register is answered by tofu from the device's
 * state in core (src/core/virtio.c); only events reach the backend.
 */
#include "core/virtio.h"
#include "core/mmio.h"

static uint64_t vmmio_read(struct vcpu *v, void *dev, uint64_t off, unsigned width)
{
    return virtio_dev_read(v, dev, off, width);
}

static enum mmio_result vmmio_write(struct vcpu *v, void *dev, uint64_t off, unsigned width, uint64_t val)
{
    return virtio_dev_write(v, dev, off, width, val);
}

const struct mmio_ops virtio_mmio_ops = {
    .name = "virtio-mmio",
    .read = vmmio_read,
    .write = vmmio_write,
};
