/* SPDX-License-Identifier: MIT */
/*
 * Inter-VM communication (docs/ipc.md): messages into a bounded per-VM
 * queue with a doorbell SPI, and memory shared by share-ID.  Which VMs may
 * talk is declared in the config (vm_config.ipc_peers); nothing else is.
 *
 * The queue and the share table are pure data structures (host unit tests);
 * src/core/ipc.c checks every hypercall argument before changing anything,
 * then performs it under ipc_lock, the only lock it takes (before any VM's).
 */
#ifndef CORE_IPC_H
#define CORE_IPC_H
#include "core/types.h"
#include "tofu/abi.h"
#include "core/limits.h"
#include "core/trap.h"
#include "core/lib.h"
#include "arch/copy.h"

/* The payload starts on an 8-byte boundary (IPC_MSG_DATA_ALIGN), so that
 * it is copied a doubleword at a time to and from guest buffers that are
 * themselves aligned (the common case: memcpy falls back to bytes otherwise). */
#define IPC_MSG_DATA_ALIGN 8u

struct ipc_msg {
    uint16_t sender;             /* VM-ID */
    uint16_t len;
    uint8_t data[TOFU_MSG_MAX] __attribute__((aligned(IPC_MSG_DATA_ALIGN)));
};

struct ipc_queue {
    unsigned head, count;
    struct ipc_msg msgs[TOFU_QUEUE_DEPTH];
};

/* A payload into or out of a queue slot: inline, a doubleword pair at a
 * time (arch/copy.h), when the guest's end is 8-aligned and the length a
 * multiple of 16 (the common case: guests' buffers are aligned; the slot's
 * payload always is, IPC_MSG_DATA_ALIGN); memcpy otherwise. */
#define IPC_COPY_STEP ARCH_COPY_PAIR_BYTES
/* Into a slot's payload from the guest's `s`. */
static inline void ipc_copy_in(uint8_t *slot, const void *s, unsigned len)
{
    if (__builtin_expect((((uintptr_t)s & (IPC_MSG_DATA_ALIGN - 1)) | (len & (IPC_COPY_STEP - 1))) == 0, 1)) {
        arch_copy_pairs(slot, s, len);
        return;
    }
    memcpy(slot, s, len);
}
/* Out of a slot's payload into the guest's `d`. */
static inline void ipc_copy_out(void *d, const uint8_t *slot, unsigned len)
{
    if (__builtin_expect((((uintptr_t)d & (IPC_MSG_DATA_ALIGN - 1)) | (len & (IPC_COPY_STEP - 1))) == 0, 1)) {
        arch_copy_pairs(d, slot, len);
        return;
    }
    memcpy(d, slot, len);
}

void ipc_queue_init(struct ipc_queue *q);
/* TOFU_OK, or TOFU_E_TOO_BIG / TOFU_E_FULL (nothing changed).  Inline,
 * as peek and drop: MSG_SEND and MSG_RECV's paths. */
static inline int ipc_queue_push(struct ipc_queue *q, uint16_t sender, const void *data, unsigned len)
{
    if (len > TOFU_MSG_MAX)
        return TOFU_E_TOO_BIG;
    if (q->count == TOFU_QUEUE_DEPTH)
        return TOFU_E_FULL;
    struct ipc_msg *m = &q->msgs[(q->head + q->count) % TOFU_QUEUE_DEPTH];
    m->sender = sender;
    m->len = (uint16_t)len;
    q->count++;         /* before the copy, which the compiler may not move a store across */
    ipc_copy_in(m->data, data, len);
    return TOFU_OK;
}

/* The oldest message, left queued, or NULL; ipc_queue_drop removes it.
 * MSG_RECV copies it straight into the receiver's buffer between the two
 * (under ipc_lock), with no copy of its own. */
static inline const struct ipc_msg *ipc_queue_peek(const struct ipc_queue *q)
{
    return q->count ? &q->msgs[q->head] : NULL;
}

static inline void ipc_queue_drop(struct ipc_queue *q)
{
    if (!q->count)
        return;
    q->head = (q->head + 1) % TOFU_QUEUE_DEPTH;
    q->count--;
}
/* TOFU_OK and the oldest message (removed), or TOFU_E_EMPTY. */
int ipc_queue_pop(struct ipc_queue *q, struct ipc_msg *out);

#define SHARE_MAX_MAPS   8
#define SHARE_ID_SLOT_BITS 8

struct share_map {
    uint16_t vm;                 /* VM-ID, 0 = free */
    uint64_t ipa;
};

struct share {
    uint16_t owner;              /* VM-ID, 0 = slot free */
    uint16_t only;               /* restricted to this VM-ID, 0 = any peer */
    uint32_t gen;                /* bumped on revoke: old IDs become stale */
    uint64_t ipa, size;          /* in the owner's IPA space */
    unsigned rights;             /* TOFU_SHARE_RO / _RW */
    struct share_map maps[SHARE_MAX_MAPS];
};

struct share_table {
    struct share slots[SHARE_SLOTS];
};

void share_table_init(struct share_table *t);
/* A new share-ID (> 0), or TOFU_E_BUSY when `owner` has `quota` shares
 * already or no slot is free. */
int64_t share_create(struct share_table *t, uint16_t owner, unsigned quota, uint64_t ipa,
                     uint64_t size, unsigned rights, uint16_t only);
unsigned share_count_owned(const struct share_table *t, uint16_t owner);
/* The live share behind `id`: NULL with *err = TOFU_E_BAD_SHARE (never was)
 * or TOFU_E_REVOKED (was, and its owner took it back). */
struct share *share_get(struct share_table *t, uint64_t id, int *err);
/* The mapping of `vm` in `s`, or NULL. */
struct share_map *share_mapping(struct share *s, uint16_t vm);
int share_add_mapping(struct share *s, uint16_t vm, uint64_t ipa);
void share_remove_mapping(struct share *s, uint16_t vm);
/* Free the slot; its ID now reads as revoked. */
void share_release(struct share *s);
/* Does [ipa, ipa+size) of `vm` overlap one of its share mappings? */
bool share_overlaps_mapping(const struct share_table *t, uint16_t vm, uint64_t ipa, uint64_t size);

struct vm;
struct vcpu;
/* Vendor-hypervisor calls 1..9 (tofu/abi.h). */
void ipc_call(struct vcpu *v, uint32_t fid);
/* MSG_SEND and MSG_RECV themselves (their status in x0), which the SMCCC
 * dispatch tail-calls: TRAP_EMULATED.  The _exit forms, the HVC entry's
 * (smccc_hvc_exit), end the exit too (vcpu_resume). */
enum trap_result ipc_msg_send(struct vcpu *v);
enum trap_result ipc_msg_recv(struct vcpu *v);
struct vcpu_regs *ipc_msg_send_exit(struct vcpu *v);
struct vcpu_regs *ipc_msg_recv_exit(struct vcpu *v);
struct vcpu_regs *ipc_doorbell_exit(struct vcpu *v);
/* Every VM's ipc_peer[] from the config, once all VMs exist. */
void ipc_peers_init(void);
/* How many shares of other VMs `vm` has mapped. */
unsigned ipc_mappings_of(const struct vm *vm);
/* A virtio backend's window onto its frontend's RAM (core/virtio.h): mapped
 * only while both run and `may(arg)` says so (both checked under ipc_lock,
 * `may` may take a lock that comes after it); `mapped` says whether it is. */
int ipc_window_map(struct vm *fe, struct vm *be, uint64_t ipa, uint64_t size, bool *mapped,
                   bool (*may)(void *arg), void *arg);
void ipc_window_unmap(struct vm *be, uint64_t ipa, uint64_t size, bool *mapped);
/* The VM started again: every running peer gets a PEER_UP event. */
void ipc_vm_started(struct vm *vm);
/* The VM stops: its shares are revoked, its mappings removed, its queue and
 * its own pending events emptied; every running peer gets a PEER_DOWN event. */
void ipc_vm_stopped(struct vm *vm);

#endif
