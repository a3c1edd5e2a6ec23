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

int ipc_queue_pop(struct ipc_queue *q, struct ipc_msg *out)
{
    if (!q->count)
        return TOFU_E_EMPTY;
    const struct ipc_msg *m = &q->msgs[q->head];
    out->sender = m->sender;
    out->len = m->len;
    memcpy(out->data, m->data, m->len);
    q->head = (q->head + 1) % TOFU_QUEUE_DEPTH;
    q->count--;
    return TOFU_OK;
}
