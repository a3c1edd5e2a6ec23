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

enum trap_result ipc_msg_send(struct vcpu *v)
{
    ipc_call(v, TOFU_HC_MSG_SEND);
    return TRAP_EMULATED;
}

enum trap_result ipc_msg_recv(struct vcpu *v)
{
    ipc_call(v, TOFU_HC_MSG_RECV);
    return TRAP_EMULATED;
}

struct vcpu_regs *ipc_msg_send_exit(struct vcpu *v)
{
    ipc_msg_send(v);
    return &v->regs;
}

struct vcpu_regs *ipc_msg_recv_exit(struct vcpu *v)
{
    ipc_msg_recv(v);
    return &v->regs;
}

struct vcpu_regs *ipc_doorbell_exit(struct vcpu *v)
{
    ipc_call(v, TOFU_HC_DOORBELL);
    return &v->regs;
}

/* The virtio calls of src/core/virtio.c: recorded as IPC calls. */
void virtio_call(struct vcpu *v, uint32_t fid);
void virtio_call(struct vcpu *v, uint32_t fid)
{
    ipc_call(v, fid);
}
