/* SPDX-License-Identifier: MIT */
/* Device-side split virtqueues (rt/virtq.h). */
#include "rt/virtq.h"

#define AVAIL_IDX_OFF     2u
#define USED_IDX_OFF      2u

void *virtq_ptr(const struct virtq_window *w, uint64_t addr, uint64_t len)
{
    uint64_t off = addr - w->fe_base;
    if (addr < w->fe_base || off >= w->size || len > w->size - off)
        return 0;
    return (void *)(w->local + (uintptr_t)off);
}

static uint16_t ld16(const void *p)
{
    return __atomic_load_n((const volatile uint16_t *)p, __ATOMIC_RELAXED);
}

bool virtq_setup(struct virtq *q, const struct virtq_window *w, uint32_t num, uint64_t desc, uint64_t avail,
                 uint64_t used)
{
    q->ready = false;
    if (!num || num > VRING_NUM_MAX || (num & (num - 1)) ||
        !virtq_ptr(w, desc, (uint64_t)num * VRING_DESC_BYTES) ||
        !virtq_ptr(w, avail, VRING_AVAIL_HDR_BYTES + 2ull * num) ||
        !virtq_ptr(w, used, VRING_USED_HDR_BYTES + (uint64_t)VRING_USED_ELEM_BYTES * num) ||
        (desc & (VRING_DESC_ALIGN - 1)) || (avail & (VRING_AVAIL_ALIGN - 1)) || (used & (VRING_USED_ALIGN - 1)))
        return false;
    q->num = num;
    q->desc = desc;
    q->avail = avail;
    q->used = used;
    /* What the driver has had back: a backend that starts again goes on from there. */
    q->last_avail = ld16((uint8_t *)virtq_ptr(w, used, VRING_USED_HDR_BYTES) + USED_IDX_OFF);
    q->ready = true;
    return true;
}

/* Follows the whole chain: a buffer outside the window is left out, and
 * the walk goes on to find the chain's last descriptor (its status byte);
 * an index beyond the queue, a loop or an indirect table end it.  The
 * first error is the chain's. */
static enum virtq_err walk(const struct virtq *q, const struct virtq_window *w, uint16_t head, struct virtq_chain *c)
{
    const struct vring_desc *table = virtq_ptr(w, q->desc, (uint64_t)q->num * VRING_DESC_BYTES);
    uint32_t idx = head, links = 0;
    enum virtq_err err = VIRTQ_OK;
    c->n = 0;
    c->tail = false;
    for (;;) {
        if (!table)
            return VIRTQ_E_RING;
        if (idx >= q->num)
            return err ? err : VIRTQ_E_INDEX;
        if (++links > q->num)
            return err ? err : VIRTQ_E_LOOP;
        /* One copy, each field read once: the driver may change the
         * descriptor meanwhile, and a plain struct copy lets the compiler
         * read a field again after it was checked. */
        const volatile struct vring_desc *src = &table[idx];
        struct vring_desc d = { .addr = src->addr, .len = src->len, .flags = src->flags, .next = src->next };
        if (d.flags & VRING_DESC_F_INDIRECT)
            return err ? err : VIRTQ_E_INDIRECT;
        uint8_t *p = virtq_ptr(w, d.addr, d.len);
        bool last = !(d.flags & VRING_DESC_F_NEXT);
        if (!p) {
            err = err ? err : VIRTQ_E_ADDR;
        } else if (c->n == VIRTQ_CHAIN_MAX) {
            err = err ? err : VIRTQ_E_TOO_LONG;
        } else {
            c->buf[c->n++] = (struct virtq_buf){ p, d.len, (d.flags & VRING_DESC_F_WRITE) != 0 };
            c->tail = last;
        }
        if (last)
            return err;
        idx = d.next;
    }
}

bool virtq_pop(struct virtq *q, const struct virtq_window *w, struct virtq_chain *c)
{
    if (!q->ready)
        return false;
    const uint8_t *avail = virtq_ptr(w, q->avail, VRING_AVAIL_HDR_BYTES + 2ull * q->num);
    if (!avail) {
        q->ready = false;
        return false;
    }
    uint16_t idx = ld16(avail + AVAIL_IDX_OFF);
    if (idx == q->last_avail)
        return false;
    if ((uint16_t)(idx - q->last_avail) > q->num) {
        q->ready = false;                       /* more than the queue holds: a broken ring */
        return false;
    }
    __atomic_thread_fence(__ATOMIC_ACQUIRE);    /* the entry after the index (2.7.13) */
    uint16_t head = ld16(avail + VRING_AVAIL_HDR_BYTES + 2u * (q->last_avail & (q->num - 1)));
    q->last_avail++;
    c->head = head;
    c->err = walk(q, w, head, c);
    return true;
}

void virtq_push(struct virtq *q, const struct virtq_window *w, uint16_t head, uint32_t written)
{
    uint8_t *used = virtq_ptr(w, q->used, VRING_USED_HDR_BYTES + (uint64_t)VRING_USED_ELEM_BYTES * q->num);
    if (!used)
        return;
    uint16_t idx = ld16(used + USED_IDX_OFF);
    struct vring_used_elem *e = (struct vring_used_elem *)(void *)(used + VRING_USED_HDR_BYTES) + (idx & (q->num - 1));
    e->id = head;
    e->len = written;
    __atomic_thread_fence(__ATOMIC_RELEASE);    /* the entry before the index (2.7.14) */
    __atomic_store_n((volatile uint16_t *)(void *)(used + USED_IDX_OFF), (uint16_t)(idx + 1), __ATOMIC_RELAXED);
}

bool virtq_interrupt_wanted(const struct virtq *q, const struct virtq_window *w)
{
    const uint8_t *avail = q->ready ? virtq_ptr(w, q->avail, VRING_AVAIL_HDR_BYTES) : 0;
    /* The used index before the flags (2.7.7.2): a driver that turns its
     * interrupts back on then looks at the used ring itself. */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    return !avail || !(ld16(avail) & VRING_AVAIL_F_NO_INTERRUPT);
}

const char *virtq_err_name(enum virtq_err e)
{
    switch (e) {
    case VIRTQ_OK: return "ok";
    case VIRTQ_E_RING: return "ring outside the window";
    case VIRTQ_E_INDEX: return "descriptor index beyond the queue";
    case VIRTQ_E_ADDR: return "buffer outside the window";
    case VIRTQ_E_LOOP: return "descriptor chain loops";
    case VIRTQ_E_TOO_LONG: return "chain longer than the backend takes";
    case VIRTQ_E_INDIRECT: return "indirect descriptors not offered";
    default: return "?";
    }
}

/* Bytes one at a time: the frontend's buffers may be unaligned, and a
 * backend with its MMU off sees them as Device memory. */
static void copy_bytes(uint8_t *d, const uint8_t *s, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        d[i] = s[i];
}

/* Between `flat` and the chain's buffers of one direction, from byte `off`
 * of them on: what was copied. */
static uint32_t chain_copy(const struct virtq_chain *c, bool write, uint32_t off, uint8_t *flat, uint32_t len)
{
    uint32_t done = 0;
    for (unsigned i = 0; i < c->n && done < len; i++) {
        const struct virtq_buf *b = &c->buf[i];
        if (b->write != write)
            continue;
        if (off >= b->len) {
            off -= b->len;
            continue;
        }
        uint32_t n = b->len - off < len - done ? b->len - off : len - done;
        if (write)
            copy_bytes(b->p + off, flat + done, n);
        else
            copy_bytes(flat + done, b->p + off, n);
        done += n;
        off = 0;
    }
    return done;
}

uint32_t virtq_chain_read(const struct virtq_chain *c, uint32_t off, void *dst, uint32_t len)
{
    return chain_copy(c, false, off, dst, len);
}

uint32_t virtq_chain_write(const struct virtq_chain *c, uint32_t off, const void *src, uint32_t len)
{
    return chain_copy(c, true, off, (uint8_t *)(uintptr_t)src, len);
}

uint64_t virtq_chain_bytes(const struct virtq_chain *c, bool write)
{
    uint64_t n = 0;
    for (unsigned i = 0; i < c->n; i++)
        n += c->buf[i].write == write ? c->buf[i].len : 0;
    return n;
}
