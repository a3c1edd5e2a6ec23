/* SPDX-License-Identifier: MIT */
/* A bounded FIFO of messages: a full queue refuses, never overwrites. */
#include "core/ipc.h"
#include "core/lib.h"

void ipc_queue_init(struct ipc_queue *q)
{
    q->head = q->count = 0;
}

int ipc_queue_push(struct ipc_queue *q, uint16_t sender, const void *data, unsigned len)
{
    if (len > TOFU_MSG_MAX)
        return TOFU_E_TOO_BIG;
    if (q->count == TOFU_QUEUE_DEPTH)
        return TOFU_E_FULL;
    struct ipc_msg *m = &q->msgs[(q->head + q->count) % TOFU_QUEUE_DEPTH];
    m->sender = sender;
    m->len = (uint16_t)len;
    memcpy(m->data, data, len);
    q->count++;
    return TOFU_OK;
}

const struct ipc_msg *ipc_queue_peek(const struct ipc_queue *q)
{
    return q->count ? &q->msgs[q->head] : NULL;
}

void ipc_queue_drop(struct ipc_queue *q)
{
    if (!q->count)
        return;
    q->head = (q->head + 1) % TOFU_QUEUE_DEPTH;
    q->count--;
}

int ipc_queue_pop(struct ipc_queue *q, struct ipc_msg *out)
{
    const struct ipc_msg *m = ipc_queue_peek(q);
    if (!m)
        return TOFU_E_EMPTY;
    out->sender = m->sender;
    out->len = m->len;
    memcpy(out->data, m->data, m->len);
    ipc_queue_drop(q);
    return TOFU_OK;
}
