/* SPDX-License-Identifier: MIT */
/*
 * A bare-metal virtio backend (docs/virtio.md): the devices tofu's device
 * tree names (compatible "tofu,virtio-backend"), registered with tofu, and
 * served from tofu's messages: SET_VQUEUE, SET_DEVICE_STATUS (a reset is
 * acknowledged), EVENT_AVAIL (requests to serve), PEER_DOWN/PEER_UP of the
 * frontend.  Only virtio-blk over a RAM disk, for now.
 */
#ifndef RT_VIRTIO_BACKEND_H
#define RT_VIRTIO_BACKEND_H
#include <stdbool.h>
#include <stdint.h>
#include "rt/virtq.h"
#include "rt/virtio_blk.h"

#define VBE_MAX_DEVICES 4u

struct vbe_dev {
    uint32_t index, device_id, frontend;
    char frontend_name[16];
    struct virtq_window win;
    struct virtq q[TOFU_VIRTIO_MAX_QUEUES];
    uint32_t status;
    uint64_t drv_features;
    bool kick[TOFU_VIRTIO_MAX_QUEUES];   /* EVENT_AVAIL seen: serve the queue */
    struct virtio_blk_disk disk;
    uint64_t served, refused, faults, resets;
};

struct vbe {
    unsigned n;
    struct vbe_dev dev[VBE_MAX_DEVICES];
    uint32_t doorbell_intid;
    volatile bool rung;
    bool deaf;                          /* never acknowledge a reset (tests: tofu's timeout) */
};

/* Find and register the devices; the RAM disks at `disk_base` on (in this
 * VM's RAM, each ram-disk-size long).  Returns how many, or -1. */
int vbe_init(struct vbe *b, const void *dtb, uintptr_t disk_base, uint64_t disk_room);
/* Take every pending message, then serve what the frontends made available. */
void vbe_poll(struct vbe *b);

#endif
