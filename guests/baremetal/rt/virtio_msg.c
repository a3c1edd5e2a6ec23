/* SPDX-License-Identifier: MIT */
/* tofu's messages to a virtio backend, checked (rt/virtio_msg.h). */
#include "rt/virtio_msg.h"

static void copy(void *d, const uint8_t *s, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        ((uint8_t *)d)[i] = s[i];
}

/* The payload a kind needs, bytes. */
static uint32_t payload_bytes(uint8_t id)
{
    switch (id) {
    case VIRTIO_MSG_SET_DRV_FEATURES: return sizeof(struct virtio_msg_features);
    case VIRTIO_MSG_SET_VQUEUE: return sizeof(struct virtio_msg_vqueue);
    case VIRTIO_MSG_SET_CONFIG: return sizeof(struct virtio_msg_config) - TOFU_VIRTIO_CONFIG_MAX;
    case VIRTIO_MSG_SET_DEVICE_STATUS: return sizeof(struct virtio_msg_status);
    case VIRTIO_MSG_EVENT_AVAIL: return sizeof(struct virtio_msg_avail);
    default: return 0;
    }
}

bool virtio_msg_parse(const uint8_t *m, uint32_t len, struct virtio_msg *out)
{
    struct virtio_msg_hdr h;
    if (len < VIRTIO_MSG_HDR_BYTES)
        return false;
    copy(&h, m, sizeof(h));
    if (h.type != VIRTIO_MSG_TYPE_TRANSPORT || h.msg_size != len || len - VIRTIO_MSG_HDR_BYTES < payload_bytes(h.msg_id))
        return false;
    uint32_t body = len - VIRTIO_MSG_HDR_BYTES;
    uint8_t *u = (uint8_t *)&out->u;
    for (uint32_t i = 0; i < sizeof(out->u); i++)
        u[i] = 0;
    copy(&out->u, m + VIRTIO_MSG_HDR_BYTES, body < sizeof(out->u) ? body : (uint32_t)sizeof(out->u));
    out->h = h;
    return true;
}
