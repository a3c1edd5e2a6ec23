/* SPDX-License-Identifier: MIT */
/*
 * The device side of a split virtqueue (virtio 1.2, 2.7), for a backend
 * that sees its frontend's RAM through a window (docs/virtio.md).  Every
 * address the frontend wrote is checked against the window before it is
 * touched; a descriptor chain with an address or length outside it, an
 * index beyond the queue, more links than the queue has descriptors (a
 * loop) or an indirect table is refused, never followed.  Pure C on memory:
 * the host unit tests (tests/unit/test_virtq.c) run it unchanged.
 */
#ifndef RT_VIRTQ_H
#define RT_VIRTQ_H
#include <stdbool.h>
#include <stdint.h>
#include "tofu/virtio.h"

#define VIRTQ_CHAIN_MAX  TOFU_VIRTIO_CHAIN_MAX   /* buffers of one request the backend takes */

/* The frontend's RAM [fe_base, fe_base + size) at `local` here. */
struct virtq_window {
    uint64_t fe_base, size;
    uintptr_t local;
};

struct virtq {
    bool ready;
    uint32_t num;
    uint64_t desc, avail, used;     /* frontend addresses */
    uint16_t last_avail;            /* the next avail entry to take */
};

struct virtq_buf {
    uint8_t *p;
    uint32_t len;
    bool write;                     /* device-writable */
};

enum virtq_err {
    VIRTQ_OK = 0,
    VIRTQ_E_RING,                   /* the ring itself lies outside the window */
    VIRTQ_E_INDEX,                  /* a head or next index beyond the queue */
    VIRTQ_E_ADDR,                   /* a buffer (address + length) outside the window */
    VIRTQ_E_LOOP,                   /* more links than descriptors: a loop */
    VIRTQ_E_TOO_LONG,               /* more buffers than VIRTQ_CHAIN_MAX */
    VIRTQ_E_INDIRECT,               /* VRING_DESC_F_INDIRECT: not offered */
};

struct virtq_chain {
    uint16_t head;
    unsigned n;
    struct virtq_buf buf[VIRTQ_CHAIN_MAX];
    bool tail;                      /* buf[n - 1] is the chain's last descriptor */
    enum virtq_err err;
};

/* A frontend address range as a pointer here, or NULL if not all inside. */
void *virtq_ptr(const struct virtq_window *w, uint64_t addr, uint64_t len);
/* Set up from SET_VQUEUE: false if its rings lie outside the window
 * (the queue stays off).  Resumes at the used ring's index. */
bool virtq_setup(struct virtq *q, const struct virtq_window *w, uint32_t num, uint64_t desc, uint64_t avail,
                 uint64_t used);
/* The next request, if the driver made one available: true and `c` (whose
 * err says whether its chain can be served), or false (none, or the ring
 * is broken: then q->ready is cleared). */
bool virtq_pop(struct virtq *q, const struct virtq_window *w, struct virtq_chain *c);
/* Give the request back: `written` bytes written into its buffers. */
void virtq_push(struct virtq *q, const struct virtq_window *w, uint16_t head, uint32_t written);
/* After pushing: whether the driver wants the used-buffer interrupt (it
 * has not set VRING_AVAIL_F_NO_INTERRUPT; no event index is offered). */
bool virtq_interrupt_wanted(const struct virtq *q, const struct virtq_window *w);
const char *virtq_err_name(enum virtq_err e);
/* A chain's bytes as one stream per direction: the device-readable buffers
 * (read) or the device-writable ones (write and bytes), in chain order,
 * from byte `off` of that stream; what was copied (less at its end). */
uint32_t virtq_chain_read(const struct virtq_chain *c, uint32_t off, void *dst, uint32_t len);
uint32_t virtq_chain_write(const struct virtq_chain *c, uint32_t off, const void *src, uint32_t len);
uint64_t virtq_chain_bytes(const struct virtq_chain *c, bool write);

#endif
