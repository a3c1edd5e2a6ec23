/* SPDX-License-Identifier: MIT */
/*
 * tofu's messages to a virtio backend (tofu/virtio.h, docs/virtio.md),
 * checked before either backend acts on one: the bare-metal library
 * (rt/virtio_backend.c) and Linux's tofu-vdev decode them here.  Pure C on
 * memory, byte by byte (a backend with its MMU off sees its RAM as Device
 * memory); the host unit tests run it unchanged.
 */
#ifndef RT_VIRTIO_MSG_H
#define RT_VIRTIO_MSG_H
#include <stdbool.h>
#include <stdint.h>
#include "tofu/virtio.h"

struct virtio_msg {
    struct virtio_msg_hdr h;
    union {
        struct virtio_msg_features features;    /* SET_DRV_FEATURES */
        struct virtio_msg_vqueue vqueue;        /* SET_VQUEUE */
        struct virtio_msg_config config;        /* SET_CONFIG */
        struct virtio_msg_status status;        /* SET_DEVICE_STATUS */
        struct virtio_msg_avail avail;          /* EVENT_AVAIL */
    } u;
};

/* `m` (`len` bytes, as MSG_RECV gave it) as a message: true when it is a
 * transport message whose size is `len` and whose payload is long enough
 * for its kind (a kind it does not know has an empty payload); `out` is
 * then filled, else left as it was. */
bool virtio_msg_parse(const uint8_t *m, uint32_t len, struct virtio_msg *out);

#endif
