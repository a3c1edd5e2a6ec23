/* SPDX-License-Identifier: MIT */
/*
 * One virtio-mmio device's register window as pure state (docs/virtio.md):
 * what its backend registered, what the frontend's driver wrote, and the
 * events the backend has still to hear, one bit per kind (and queue), so
 * that a storm of writes costs a bit each and the backend's queue never
 * overflows.  No locks, no VMs: src/core/virtio.c wraps it, and the host
 * unit tests (tests/unit/test_virtio_regs.c) drive it directly.
 */
#ifndef CORE_VIRTIO_REGS_H
#define CORE_VIRTIO_REGS_H
#include "core/types.h"
#include "tofu/abi.h"
#include "tofu/virtio.h"

struct virtio_vq {
    uint32_t num;
    bool ready;
    uint64_t desc, driver, device;
};

/* Events for the backend (virtio_regs.pend). */
#define VIRTIO_PEND_FEATURES  (1u << 0)    /* SET_DRV_FEATURES */
#define VIRTIO_PEND_CONFIG    (1u << 1)    /* SET_CONFIG */
#define VIRTIO_PEND_STATUS    (1u << 2)    /* SET_DEVICE_STATUS */
/* A reset: SET_DEVICE_STATUS 0, sent before anything else that is pending,
 * so that a status the driver writes before the backend reads cannot hide
 * it (a reset whose wait timed out, then the driver's ACKNOWLEDGE). */
#define VIRTIO_PEND_RESET     (1u << 3)

struct virtio_regs {
    /* The device: the config's identity, then the backend's registration. */
    uint32_t device_id;                 /* from the config */
    bool attached;                      /* a running backend registered it */
    uint64_t dev_features;
    uint32_t nr_queues, config_len, config_gen;
    uint16_t queue_max[TOFU_VIRTIO_MAX_QUEUES];
    uint8_t config[TOFU_VIRTIO_CONFIG_MAX];
    /* From the frontend's driver. */
    uint32_t dev_features_sel, drv_features_sel, queue_sel, shm_sel;
    uint64_t drv_features;
    struct virtio_vq vq[TOFU_VIRTIO_MAX_QUEUES];
    uint32_t int_status, status;
    /* For the backend: kinds, and queues (bit n = queue n). */
    uint32_t pend, pend_vq, pend_avail;
    bool reset_wait;                    /* Status = 0 written: the backend must acknowledge */
    uint16_t reset_gen;                 /* resets posted: the msg_uid of SET_DEVICE_STATUS 0 */
};

/* What a read or write asks of the caller (bits). */
#define VIRTIO_ACT_EVENT  (1u << 0)     /* an event became pending: ring the backend */
#define VIRTIO_ACT_RESET  (1u << 1)     /* a device reset: wait for the backend */
#define VIRTIO_ACT_BAD    (1u << 2)     /* an access the spec does not allow: ignored, log it */

/* Power-on state of a device of type `device_id` as the config describes
 * it (`identity`, tofu_virtio_identity()): the frontend's driver can probe
 * and set it up before any backend is attached. */
void virtio_regs_init(struct virtio_regs *r, uint32_t device_id, const struct tofu_virtio_reg *identity);
/* The driver's side back to its reset state (the backend's registration stays). */
void virtio_regs_reset(struct virtio_regs *r);
/* TOFU_OK, or TOFU_E_INVALID when `reg` breaks a rule of tofu/virtio.h (nothing changed). */
int virtio_regs_check(const struct tofu_virtio_reg *reg);
/* Whether two checked registrations are the same device: the same
 * features, queues and config space (a backend's against the config's
 * identity, which the driver saw; the config space the driver may have
 * written since is the device's state, not its identity). */
bool virtio_reg_same_device(const struct tofu_virtio_reg *a, const struct tofu_virtio_reg *b);
/* Attach a backend whose registration is the same device (checked above);
 * VIRTIO_ACT_EVENT when the driver has set the device up: every state it
 * set is posted again, for the backend that comes (or starts again). */
unsigned virtio_regs_attach(struct virtio_regs *r);
unsigned virtio_regs_read(const struct virtio_regs *r, uint64_t off, unsigned width, uint64_t *val);
unsigned virtio_regs_write(struct virtio_regs *r, uint64_t off, unsigned width, uint64_t val);

/* The window's register page (VIRTIO_MMIO_PAGE_BYTES, mapped read-only in
 * the frontend): each aligned 32-bit word below the config space and each
 * access of the config space that virtio_regs_read() allows reads from it
 * what virtio_regs_read() returns (little-endian); the rest of the page
 * reads 0.  virtio_regs_page_fill() writes it all (init, reset, a
 * registration, a frontend's restart); virtio_regs_page_update() the words
 * that a write at `off`, or a change of the register at `off` by the
 * backend (InterruptStatus, ConfigGeneration), may have changed, and
 * returns them as a span of bytes to publish (len 0: none). */
#define VIRTIO_PAGE_WORDS (VIRTIO_MMIO_PAGE_BYTES / VIRTIO_MMIO_REG_BYTES)
struct virtio_page_span {
    uint32_t off, len;
};
void virtio_regs_page_fill(const struct virtio_regs *r, uint32_t *page);
struct virtio_page_span virtio_regs_page_update(const struct virtio_regs *r, uint32_t *page, uint64_t off);
/* A reset of the driver's side that the backend must hear (the driver wrote
 * Status = 0, or the frontend stopped): a new generation, posted before
 * anything else; whether the backend must acknowledge it (one is attached). */
bool virtio_regs_post_reset(struct virtio_regs *r);
/* The backend's RESET_DONE for the reset of generation `uid`: whether it is
 * the latest (a late one, for a reset that timed out, ends no wait). */
bool virtio_regs_reset_done(struct virtio_regs *r, uint64_t uid);
/* The backend stopped: nothing is pending for it, and nobody acknowledges resets. */
void virtio_regs_detach(struct virtio_regs *r);
/* The backend's next message, written to `buf` (VIRTIO_MSG_MAX_BYTES); its
 * length, or 0 when none is pending.  `peek`: leave it pending. */
unsigned virtio_regs_msg(struct virtio_regs *r, uint16_t dev_num, uint8_t *buf, bool peek);
/* How many messages are pending. */
unsigned virtio_regs_msg_count(const struct virtio_regs *r);

#endif
