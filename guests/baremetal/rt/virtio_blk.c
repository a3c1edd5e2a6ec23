/* SPDX-License-Identifier: MIT */
/* virtio-blk over a RAM disk (rt/virtio_blk.h). */
#include "rt/virtio_blk.h"

#define WORD_BYTES 8u

/* The frontend's buffers may be unaligned, and a backend with its MMU off
 * sees them as Device memory: words only where both sides are aligned. */
static void copy(uint8_t *d, const uint8_t *s, uint64_t n)
{
    if (!(((uintptr_t)d | (uintptr_t)s | n) & (WORD_BYTES - 1))) {
        for (uint64_t i = 0; i < n; i += WORD_BYTES)
            *(uint64_t *)(void *)(d + i) = *(const uint64_t *)(const void *)(s + i);
        return;
    }
    for (uint64_t i = 0; i < n; i++)
        d[i] = s[i];
}

static uint32_t fail(struct virtio_blk_disk *disk, const struct virtq_chain *c, uint8_t status)
{
    disk->errors += status == VIRTIO_BLK_S_IOERR;
    disk->unsupported += status == VIRTIO_BLK_S_UNSUPP;
    const struct virtq_buf *last = c->n && c->tail ? &c->buf[c->n - 1] : 0;
    /* A chain without an end (a loop): its status byte is the one-byte
     * device-writable buffer in it, if it has one. */
    for (unsigned i = c->n; !c->tail && i-- > 0 && !last;)
        last = c->buf[i].write && c->buf[i].len == 1 ? &c->buf[i] : 0;
    if (!last || !last->write || !last->len)
        return 0;                       /* nowhere to say so: the used length 0 tells */
    last->p[last->len - 1] = status;
    return 1;
}

uint32_t virtio_blk_serve(struct virtio_blk_disk *disk, const struct virtq_chain *c)
{
    struct virtio_blk_req_hdr h;
    if (c->err != VIRTQ_OK || c->n < 2 || c->buf[0].write || c->buf[0].len < VIRTIO_BLK_REQ_HDR_BYTES ||
        !c->buf[c->n - 1].write || c->buf[c->n - 1].len != 1)
        return fail(disk, c, VIRTIO_BLK_S_IOERR);
    for (unsigned i = 0; i < sizeof(h); i++)               /* bytewise: the header may be unaligned */
        ((uint8_t *)&h)[i] = c->buf[0].p[i];
    uint8_t *status = c->buf[c->n - 1].p;
    uint64_t total = 0;
    for (unsigned i = 1; i + 1 < c->n; i++)
        total += c->buf[i].len;

    switch (h.type) {
    case VIRTIO_BLK_T_IN:
    case VIRTIO_BLK_T_OUT: {
        bool in = h.type == VIRTIO_BLK_T_IN;
        uint64_t off = h.sector * VIRTIO_BLK_SECTOR_BYTES;
        if (total % VIRTIO_BLK_SECTOR_BYTES || h.sector > disk->size / VIRTIO_BLK_SECTOR_BYTES ||
            total > disk->size - off)
            return fail(disk, c, VIRTIO_BLK_S_IOERR);
        for (unsigned i = 1; i + 1 < c->n; i++)
            if (c->buf[i].write != in)
                return fail(disk, c, VIRTIO_BLK_S_IOERR);
        if (disk->io && disk->io(disk->io_ctx, in, off, &c->buf[1], c->n - 2))
            return fail(disk, c, VIRTIO_BLK_S_IOERR);
        for (unsigned i = 1; !disk->io && i + 1 < c->n; i++) {
            if (in)
                copy(c->buf[i].p, disk->data + off, c->buf[i].len);
            else
                copy(disk->data + off, c->buf[i].p, c->buf[i].len);
            off += c->buf[i].len;
        }
        disk->reads += in;
        disk->writes += !in;
        *status = VIRTIO_BLK_S_OK;
        return (uint32_t)((in ? total : 0) + 1);
    }
    case VIRTIO_BLK_T_FLUSH:
        disk->flushes++;                /* RAM: nothing to write back */
        *status = VIRTIO_BLK_S_OK;
        return 1;
    case VIRTIO_BLK_T_GET_ID: {
        if (c->n < 3 || !c->buf[1].write)
            return fail(disk, c, VIRTIO_BLK_S_IOERR);
        uint32_t n = c->buf[1].len < VIRTIO_BLK_ID_BYTES ? c->buf[1].len : VIRTIO_BLK_ID_BYTES;
        unsigned k = 0;
        for (uint32_t i = 0; i < n; i++) {
            uint8_t ch = disk->id && disk->id[k] ? (uint8_t)disk->id[k++] : 0;
            c->buf[1].p[i] = ch;
        }
        disk->ids++;
        *status = VIRTIO_BLK_S_OK;
        return n + 1;
    }
    default:
        return fail(disk, c, VIRTIO_BLK_S_UNSUPP);
    }
}
