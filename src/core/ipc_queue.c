/* SPDX-License-Identifier: MIT */
/* A bounded FIFO of messages: a full queue refuses, never overwrites. */
#include "core/ipc.h"
#include "core/lib.h"

void ipc_queue_init(struct ipc_queue *q)
{
    q->head = q->count = 0;
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
