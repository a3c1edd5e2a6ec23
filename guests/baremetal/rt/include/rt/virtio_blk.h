/* SPDX-License-Identifier: MIT */
/*
 * virtio-blk's requests (virtio 1.2, 5.2.6) over a RAM disk, for a backend
 * (docs/virtio.md): IN, OUT, FLUSH and GET_ID.  A request is a chain of
 * buffers: a readable 16-byte header, data, a writable status byte last.
 * A chain that breaks a rule (rt/virtq.h), a header or status in the wrong
 * direction, data in the wrong direction, not whole sectors, or beyond the
 * disk: the request fails with VIRTIO_BLK_S_IOERR (written to the status
 * byte when the chain has one), never a crash.  Pure C (host unit tests).
 */
#ifndef RT_VIRTIO_BLK_H
#define RT_VIRTIO_BLK_H
#include <stdbool.h>
#include <stdint.h>
#include "rt/virtq.h"

struct virtio_blk_disk {
    uint8_t *data;                  /* a disk in memory, or NULL: then `io` */
    uint64_t size;                  /* bytes, whole sectors */
    /* A disk elsewhere (Linux's tofu-vdev: preadv/pwritev on a file): a
     * request's `n` data buffers, in order, from byte `off` on, filled (in)
     * or written out; 0, or -1 for an I/O error (the request fails with
     * VIRTIO_BLK_S_IOERR). */
    int (*io)(void *ctx, bool in, uint64_t off, const struct virtq_buf *bufs, unsigned n);
    void *io_ctx;
    const char *id;                 /* GET_ID's answer (up to VIRTIO_BLK_ID_BYTES) */
    /* counters */
    uint64_t reads, writes, flushes, ids, errors, unsupported;
};

/* Serve one request; returns the bytes written into its buffers (the used
 * length), its status byte included. */
uint32_t virtio_blk_serve(struct virtio_blk_disk *disk, const struct virtq_chain *c);

#endif
