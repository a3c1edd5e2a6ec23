/* SPDX-License-Identifier: MIT */
/*
 * tofu's inter-VM communication for bare-metal guests (docs/ipc.md).
 * Every function returns TOFU_OK (0) or a TOFU_E_* status from tofu/abi.h.
 */
#ifndef RT_TOFU_IPC_H
#define RT_TOFU_IPC_H

#include <stdint.h>
#include "tofu/abi.h"

int tofu_vm_id(uint32_t *id);
int tofu_vm_lookup(const char *name, uint32_t *id);
int tofu_msg_send(uint32_t vm, const void *buf, uint32_t len);
/* *left: messages still queued after this one. */
int tofu_msg_recv(void *buf, uint32_t size, uint32_t *sender, uint32_t *len, uint32_t *left);
int tofu_doorbell(uint32_t vm);
/* only: 0 for any VM on a channel with this one, else that VM-ID. */
int tofu_share(uint64_t ipa, uint64_t size, unsigned rights, uint32_t only, uint64_t *share_id);
int tofu_map(uint64_t share_id, uint64_t ipa, uint64_t *size, unsigned *rights);
int tofu_unmap(uint64_t share_id);
int tofu_revoke(uint64_t share_id);
const char *tofu_strerror(int status);

/* The doorbell INTID and share window from the device tree's tofu,ipc node;
 * -1 when the VM has no channel. */
struct tofu_ipc_info {
	uint32_t doorbell_intid;
	uint64_t window_ipa, window_size;
};
int tofu_ipc_probe(const void *dtb, struct tofu_ipc_info *info);

#endif /* RT_TOFU_IPC_H */
