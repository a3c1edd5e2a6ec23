/* SPDX-License-Identifier: MIT */
/* The IPC hypercalls of src/core/ipc.c (include/core/ipc.h): recorded only. */
#include "fake.h"
#include "core/ipc.h"

unsigned fake_ipc_calls;
uint32_t fake_ipc_last_fid;

void fake_ipc_reset(void)
{
    fake_ipc_calls = 0;
    fake_ipc_last_fid = 0;
}

void ipc_call(struct vcpu *v, uint32_t fid)
{
    (void)v;
    fake_ipc_calls++;
    fake_ipc_last_fid = fid;
}

/* The virtio calls of src/core/virtio.c: recorded as IPC calls. */
void virtio_call(struct vcpu *v, uint32_t fid);
void virtio_call(struct vcpu *v, uint32_t fid)
{
    ipc_call(v, fid);
}
