/* SPDX-License-Identifier: MIT */
/*
 * tofu's IPC hypercalls.  Each one first decodes and checks all of its
 * arguments without side effects, then performs the change under ipc_lock.
 * Stage-2 changes to a running VM: new entries are published with a
 * barrier; removed ones are followed by a TLB invalidation of that VMID.
 */
#include "core/ipc.h"
#include "core/vm.h"
#include "core/iommu.h"
#include "core/virtio.h"
#include "tofu/virtio.h"
#include "core/lib.h"
#include "core/spinlock.h"
#include "arch/mmu.h"
#include "arch/sysreg.h"

#define NAME_WORDS 2

static spinlock_t ipc_lock = SPINLOCK_INIT;
static struct share_table shares;

static bool is_peer(const struct vm *a, const struct vm *b)
{
    return a != b && (a->cfg->ipc_peers & (1u << b->id));
}

void ipc_peers_init(void)
{
    for (unsigned i = 0; i < nr_vms; i++)
        for (unsigned id = 0; id < ARRAY_SIZE(vms[i].ipc_peer); id++) {
            struct vm *p = vm_by_id(id);
            vms[i].ipc_peer[id] = p && is_peer(&vms[i], p) ? p : NULL;
        }
}

/* The peer `id` of `v`'s VM, from its table: NULL with *err set when it is
 * not one (no such VM, or not a peer). */
static inline struct vm *peer_of(struct vcpu *v, uint64_t id, int *err)
{
    struct vm *dst = id < ARRAY_SIZE(v->vm->ipc_peer) ? v->vm->ipc_peer[id] : NULL;
    if (__builtin_expect(dst != NULL, 1)) {
        *err = TOFU_OK;
        return dst;
    }
    *err = id <= UINT16_MAX && vm_by_id((unsigned)id) ? TOFU_E_DENIED : TOFU_E_NO_VM;
    return NULL;
}

static void doorbell(struct vm *dst)
{
    if (dst->cfg->doorbell_intid)
        vgic_inject_spi(dst, dst->cfg->doorbell_intid);
}

static int64_t vm_lookup(struct vcpu *v)
{
    char name[NAME_WORDS * 8 + 1];
    memcpy(name, &v->regs.x[1], 8);
    memcpy(name + 8, &v->regs.x[2], 8);
    name[NAME_WORDS * 8] = '\0';
    for (unsigned i = 0; i < nr_vms; i++)
        if (!strcmp(vms[i].cfg->name, name)) {
            v->regs.x[1] = vms[i].id;
            return TOFU_OK;
        }
    return TOFU_E_NO_VM;
}

static inline __attribute__((always_inline)) int64_t msg_send(struct vcpu *v)
{
    int err;
    struct vm *dst = peer_of(v, v->regs.x[1], &err);
    uint64_t len = v->regs.x[3];
    if (!dst) return err;
    if (len > TOFU_MSG_MAX) return TOFU_E_TOO_BIG;
    if (!vm_ipa_in_ram(v->vm, v->regs.x[2], len)) return TOFU_E_INVALID;
    const void *src = vm_ram_ptr(v->vm, v->regs.x[2]);

    spin_lock(&ipc_lock);
    /* Under the lock: a stopping VM empties its queue under it. */
    err = dst->state != VM_RUNNING ? TOFU_E_STOPPED
        : ipc_queue_push(&dst->ipc_rx, (uint16_t)v->vm->id, src, (unsigned)len);
    spin_unlock(&ipc_lock);
    if (err == TOFU_OK)
        doorbell(dst);
    return err;
}

/* The oldest kind first: a PEER_DOWN before the PEER_UP of the same peer.
 * Under ipc_lock; false if there is none. */
static bool event_pop(struct vm *vm, uint32_t *type, uint32_t *peer)
{
    uint32_t *set = vm->peer_down ? &vm->peer_down : &vm->peer_up;
    if (!*set)
        return false;
    *type = set == &vm->peer_down ? TOFU_EVENT_PEER_DOWN : TOFU_EVENT_PEER_UP;
    *peer = ctz64(*set);
    *set &= *set - 1;
    return true;
}

#define RECV_NONE 1                     /* virtio_recv: no virtio event (no TOFU_* status) */

/* MSG_RECV of a virtio event (core/virtio.h), under ipc_lock: its status,
 * or RECV_NONE if there is none. */
static int64_t __attribute__((noinline)) virtio_recv(struct vcpu *v, uint8_t *buf, uint64_t size)
{
    unsigned pending = virtio_msg_count(v->vm);
    if (!pending)
        return RECV_NONE;
    if (size < VIRTIO_MSG_MAX_BYTES) {
        v->regs.x[2] = VIRTIO_MSG_MAX_BYTES;    /* virtio messages need a buffer of this size */
        return TOFU_E_TOO_BIG;
    }
    unsigned n = virtio_msg_next(v->vm, buf, false);     /* straight into the checked buffer */
    v->regs.x[1] = TOFU_VM_ID_TOFU;
    v->regs.x[2] = n;
    v->regs.x[3] = v->vm->ipc_rx.count + pending - 1;
    return TOFU_OK;
}

/* The oldest queued message into the checked buffer `buf` of `size`
 * bytes, under ipc_lock, which it releases: MSG_RECV's common case, and
 * the end of recv_other's. */
static inline __attribute__((always_inline)) int64_t recv_queued(struct vcpu *v, uint8_t *buf,
                                                                 uint64_t size)
{
    struct ipc_queue *q = &v->vm->ipc_rx;
    const struct ipc_msg *m = ipc_queue_peek(q);
    if (!m) {
        spin_unlock(&ipc_lock);
        return TOFU_E_EMPTY;
    }
    if (m->len > size) {                        /* stays queued */
        v->regs.x[2] = m->len;
        spin_unlock(&ipc_lock);
        return TOFU_E_TOO_BIG;
    }
    /* Dropped, then copied straight from its slot into the checked buffer:
     * only a push reuses the slot, and pushes take ipc_lock, which is held
     * until the copy is done.  (The queue's bookkeeping before the copy,
     * which the compiler may not move a load or a store across.) */
    unsigned len = m->len;
    v->regs.x[1] = m->sender;
    v->regs.x[2] = len;
    ipc_queue_drop(q);
    v->regs.x[3] = q->count;
    ipc_copy_out(buf, m->data, len);
    spin_unlock(&ipc_lock);
    return TOFU_OK;
}

/* MSG_RECV when tofu's own events wait or virtio devices exist: the events
 * first, then the virtio devices' (core/virtio.h), then the queue.  Under
 * ipc_lock, which it releases.  Out of line: the common case has neither. */
static int64_t __attribute__((noinline)) recv_other(struct vcpu *v, uint8_t *buf, uint64_t size)
{
    struct ipc_queue *q = &v->vm->ipc_rx;
    uint32_t ev[2];

    if ((v->vm->peer_down | v->vm->peer_up) && size < TOFU_EVENT_BYTES) {
        v->regs.x[2] = TOFU_EVENT_BYTES;
        spin_unlock(&ipc_lock);
        return TOFU_E_TOO_BIG;
    }
    if (event_pop(v->vm, &ev[0], &ev[1])) {
        memcpy(buf, ev, TOFU_EVENT_BYTES);
        v->regs.x[1] = TOFU_VM_ID_TOFU;
        v->regs.x[2] = TOFU_EVENT_BYTES;
        v->regs.x[3] = q->count + popcount64(v->vm->peer_down) + popcount64(v->vm->peer_up) +
                       (config_nr_virtio ? virtio_msg_count(v->vm) : 0);
        spin_unlock(&ipc_lock);
        return TOFU_OK;
    }
    int64_t vst = config_nr_virtio ? virtio_recv(v, buf, size) : RECV_NONE;
    if (vst != RECV_NONE) {
        spin_unlock(&ipc_lock);
        return vst;
    }
    return recv_queued(v, buf, size);
}

static inline __attribute__((always_inline)) int64_t msg_recv(struct vcpu *v)
{
    struct vm *vm = v->vm;
    uint64_t ipa = v->regs.x[1], size = v->regs.x[2];
    if (!vm_ipa_in_ram(vm, ipa, size)) return TOFU_E_INVALID;
    uint8_t *buf = vm_ram_ptr(vm, ipa);

    spin_lock(&ipc_lock);
    if (__builtin_expect(((vm->peer_down | vm->peer_up) | config_nr_virtio) != 0, 0))
        return recv_other(v, buf, size);
    return recv_queued(v, buf, size);
}

static int64_t ring(struct vcpu *v)
{
    int err;
    struct vm *dst = peer_of(v, v->regs.x[1], &err);
    if (!dst)
        return err;
    if (dst->state != VM_RUNNING)
        return TOFU_E_STOPPED;
    doorbell(dst);
    return TOFU_OK;
}

static int64_t share(struct vcpu *v)
{
    uint64_t ipa = v->regs.x[1], size = v->regs.x[2], rights = v->regs.x[3], only = v->regs.x[4];
    int err = TOFU_OK;

    if (!size || !IS_ALIGNED(ipa | size, PAGE_SIZE) || (rights != TOFU_SHARE_RO && rights != TOFU_SHARE_RW))
        return TOFU_E_INVALID;
    if (!vm_ipa_to_ptr(v->vm, ipa, size))
        return TOFU_E_NOT_OWNER;
    if (!v->vm->cfg->ipc_peers)
        return TOFU_E_DENIED;
    if (only && !peer_of(v, only, &err))
        return err;

    spin_lock(&ipc_lock);
    int64_t id = share_create(&shares, (uint16_t)v->vm->id, v->vm->cfg->share_quota, ipa, size,
                              (unsigned)rights, (uint16_t)only);
    spin_unlock(&ipc_lock);
    if (id < 0)
        return id;
    v->regs.x[1] = (uint64_t)id;
    return TOFU_OK;
}

static bool overlaps_vm(const struct vm *vm, uint64_t ipa, uint64_t size)
{
    const struct vm_config *c = vm->cfg;
    if (ipa < c->ram_ipa + c->ram_size && c->ram_ipa < ipa + size)
        return true;
    for (unsigned i = 0; i < vm->nr_mmio; i++)
        if (ipa < vm->mmio[i].base + vm->mmio[i].size && vm->mmio[i].base < ipa + size)
            return true;
    return false;
}

/* MAP places shares only in the window the VM's device tree advertises:
 * that bounds the stage-2 tables they can need (the VM's own pool). */
static bool in_share_window(const struct vm_config *c, uint64_t ipa, uint64_t size)
{
    return ipa >= c->share_window_ipa && size <= c->share_window_size &&
           ipa - c->share_window_ipa <= c->share_window_size - size;
}

static int64_t map(struct vcpu *v)
{
    struct vm *vm = v->vm;
    uint64_t ipa = v->regs.x[2];
    int err;

    spin_lock(&ipc_lock);
    struct share *s = share_get(&shares, v->regs.x[1], &err);
    struct vm *owner = s ? vm_by_id(s->owner) : NULL;
    if (s && (owner == vm || !IS_ALIGNED(ipa, PAGE_SIZE) || ipa + s->size < ipa))
        err = TOFU_E_INVALID;
    else if (s && !is_peer(owner, vm))
        err = TOFU_E_DENIED;
    else if (s && s->only && s->only != vm->id)
        err = TOFU_E_BAD_SHARE;
    else if (s && (share_mapping(s, (uint16_t)vm->id) || !share_mapping(s, 0)))
        err = TOFU_E_BUSY;          /* mapped already, or no mapping slot left */
    else if (s && (overlaps_vm(vm, ipa, s->size) ||
                   share_overlaps_mapping(&shares, (uint16_t)vm->id, ipa, s->size)))
        err = TOFU_E_OVERLAP;
    else if (s && !in_share_window(vm->cfg, ipa, s->size))
        err = TOFU_E_INVALID;
    if (err == TOFU_OK) {
        uint64_t pa = owner->ram_pa.bits + (s->ipa - owner->cfg->ram_ipa);
        int rc = pt_map(&vm->s2, ipa, pa, s->size, s2_attrs_shared(s->rights == TOFU_SHARE_RW));
        /* The slot was checked above: recording the mapping cannot fail. */
        err = rc == E_OK ? share_add_mapping(s, (uint16_t)vm->id, ipa)
            : rc == E_EXIST ? TOFU_E_OVERLAP : rc == E_NOMEM ? TOFU_E_NO_MEMORY : TOFU_E_INVALID;
        if (rc == E_OK) {
            dsb(ishst);
            isb();
        } else {
            s2_flush_vmid(vm->vttbr);   /* the tables a failed map took are gone */
            iommu_s2_changed(vm);
        }
    }
    if (err == TOFU_OK) {
        v->regs.x[1] = s->size;
        v->regs.x[2] = s->rights;
    }
    spin_unlock(&ipc_lock);
    return err;
}

/* Remove `vm`'s mapping of `s` from its stage 2.  Under ipc_lock. */
static void unmap_from(struct share *s, struct vm *vm)
{
    struct share_map *m = share_mapping(s, (uint16_t)vm->id);
    if (!m)
        return;
    pt_unmap(&vm->s2, m->ipa, s->size);
    s2_flush_vmid(vm->vttbr);
    iommu_s2_changed(vm);
    share_remove_mapping(s, (uint16_t)vm->id);
}

static void revoke(struct share *s)
{
    for (unsigned i = 0; i < SHARE_MAX_MAPS; i++)
        if (s->maps[i].vm)
            unmap_from(s, vm_by_id(s->maps[i].vm));
    share_release(s);
}

static int64_t unmap_or_revoke(struct vcpu *v, bool is_revoke)
{
    int err;
    spin_lock(&ipc_lock);
    struct share *s = share_get(&shares, v->regs.x[1], &err);
    if (s && is_revoke && s->owner != v->vm->id)
        err = TOFU_E_NOT_OWNER;
    else if (s && !is_revoke && !share_mapping(s, (uint16_t)v->vm->id))
        err = TOFU_E_BAD_SHARE;
    if (err == TOFU_OK) {
        if (is_revoke)
            revoke(s);
        else
            unmap_from(s, v->vm);
    }
    spin_unlock(&ipc_lock);
    return err;
}

enum trap_result ipc_msg_send(struct vcpu *v)
{
    v->regs.x[0] = (uint64_t)msg_send(v);
    return TRAP_EMULATED;
}

enum trap_result ipc_msg_recv(struct vcpu *v)
{
    v->regs.x[0] = (uint64_t)msg_recv(v);
    return TRAP_EMULATED;
}

struct vcpu_regs *ipc_msg_send_exit(struct vcpu *v)
{
    v->regs.x[0] = (uint64_t)msg_send(v);
    return vcpu_resume(v);
}

struct vcpu_regs *ipc_doorbell_exit(struct vcpu *v)
{
    v->regs.x[0] = (uint64_t)ring(v);
    return vcpu_resume(v);
}

struct vcpu_regs *ipc_msg_recv_exit(struct vcpu *v)
{
    v->regs.x[0] = (uint64_t)msg_recv(v);
    return vcpu_resume(v);
}

void ipc_call(struct vcpu *v, uint32_t fid)
{
    int64_t status;
    switch (fid) {
    case TOFU_HC_VM_LOOKUP: status = vm_lookup(v); break;
    case TOFU_HC_MSG_SEND: ipc_msg_send(v); return;     /* x0 set */
    case TOFU_HC_MSG_RECV: ipc_msg_recv(v); return;
    case TOFU_HC_DOORBELL: status = ring(v); break;
    case TOFU_HC_SHARE: status = share(v); break;
    case TOFU_HC_MAP: status = map(v); break;
    case TOFU_HC_UNMAP: status = unmap_or_revoke(v, false); break;
    case TOFU_HC_REVOKE: status = unmap_or_revoke(v, true); break;
    default: status = TOFU_E_NOT_SUPPORTED; break;
    }
    v->regs.x[0] = (uint64_t)status;
}

/* Post an event about `about` to each running peer; doorbells after the lock. */
static void tell_peers(struct vm *about, bool down)
{
    uint32_t bit = 1u << about->id, rung = 0;
    spin_lock(&ipc_lock);
    for (unsigned i = 0; i < nr_vms; i++) {
        struct vm *p = &vms[i];
        if (p == about || !(about->cfg->ipc_peers & (1u << p->id)) || p->state != VM_RUNNING)
            continue;
        if (down) {
            p->peer_down |= bit;
            p->peer_up &= ~bit;
        } else {
            p->peer_up |= bit;
        }
        rung |= 1u << i;
    }
    spin_unlock(&ipc_lock);
    for (unsigned i = 0; i < nr_vms; i++)
        if (rung & (1u << i))
            doorbell(&vms[i]);
}

void ipc_vm_started(struct vm *vm)
{
    tell_peers(vm, false);
}

void ipc_vm_stopped(struct vm *vm)
{
    spin_lock(&ipc_lock);
    for (unsigned i = 0; i < SHARE_SLOTS; i++) {
        struct share *s = &shares.slots[i];
        if (s->owner == vm->id)
            revoke(s);
        else if (s->owner)
            unmap_from(s, vm);
    }
    ipc_queue_init(&vm->ipc_rx);
    vm->peer_down = vm->peer_up = 0;
    spin_unlock(&ipc_lock);
    tell_peers(vm, true);
}

unsigned ipc_mappings_of(const struct vm *vm)
{
    unsigned n = 0;
    spin_lock(&ipc_lock);
    for (unsigned i = 0; i < SHARE_SLOTS; i++)
        n += shares.slots[i].owner && share_mapping(&shares.slots[i], (uint16_t)vm->id);
    spin_unlock(&ipc_lock);
    return n;
}

/* virtio (core/virtio.h): the frontend's RAM in the backend's stage 2,
 * read-write and never executable, while both run; `mapped` is under
 * ipc_lock, as the backend's share mappings, whose tables it shares. */
int ipc_window_map(struct vm *fe, struct vm *be, uint64_t ipa, uint64_t size, bool *mapped,
                   bool (*may)(void *arg), void *arg)
{
    int rc = E_OK;
    spin_lock(&ipc_lock);
    /* The whole window or nothing: ipc_window_unmap takes back `size`. */
    if (size > fe->cfg->ram_size)
        rc = E_INVAL;
    else if (!*mapped && fe->state == VM_RUNNING && be->state == VM_RUNNING && may(arg)) {
        rc = pt_map(&be->s2, ipa, fe->ram_pa.bits, size, s2_attrs_shared(true));
        if (rc == E_OK) {
            *mapped = true;
            dsb(ishst);
            isb();
        } else {
            s2_flush_vmid(be->vttbr);
            iommu_s2_changed(be);
        }
    }
    spin_unlock(&ipc_lock);
    return rc;
}

void ipc_window_unmap(struct vm *be, uint64_t ipa, uint64_t size, bool *mapped)
{
    spin_lock(&ipc_lock);
    if (*mapped) {
        pt_unmap(&be->s2, ipa, size);
        s2_flush_vmid(be->vttbr);
        iommu_s2_changed(be);
        *mapped = false;
    }
    spin_unlock(&ipc_lock);
}
