/* SPDX-License-Identifier: MIT */
/* src/core/virtio_regs.c: the virtio-mmio v2 register window's state machine. */
#include <string.h>
#include "unit.h"
#include "core/virtio_regs.h"

#define FEATURES (VIRTIO_FEATURE_BIT(VIRTIO_F_VERSION_1) | VIRTIO_FEATURE_BIT(VIRTIO_BLK_F_FLUSH))

static struct virtio_regs r;
static uint8_t msg[VIRTIO_MSG_MAX_BYTES];

static struct tofu_virtio_reg good_reg(void)
{
    struct tofu_virtio_reg reg = { .features = FEATURES, .nr_queues = 1, .config_len = 8 };
    reg.queue_max[0] = 256;
    reg.config[0] = 0x40;               /* capacity 64 sectors */
    return reg;
}

static int setup(void **state)
{
    (void)state;
    struct tofu_virtio_reg reg = good_reg();
    virtio_regs_init(&r, VIRTIO_ID_BLOCK, &reg);
    assert_int_equal(virtio_regs_check(&reg), TOFU_OK);
    assert_int_equal(virtio_regs_attach(&r), 0);    /* no driver yet: nothing to post */
    return 0;
}

static uint32_t rd(uint64_t off)
{
    uint64_t v = 0xdead;
    assert_int_equal(virtio_regs_read(&r, off, 4, &v), 0);
    return (uint32_t)v;
}

static unsigned wr(uint64_t off, uint32_t v)
{
    return virtio_regs_write(&r, off, 4, v);
}

/* The message kinds pending, in the order MSG_RECV gives them. */
static unsigned drain(uint8_t *ids, unsigned max)
{
    unsigned n = 0, len;
    while (n < max && (len = virtio_regs_msg(&r, 3, msg, false))) {
        struct virtio_msg_hdr h;
        memcpy(&h, msg, sizeof(h));
        assert_int_equal(h.msg_size, len);
        assert_int_equal(h.dev_num, 3);
        ids[n++] = h.msg_id;
    }
    return n;
}

static void test_identity(void **state)
{
    (void)state;
    assert_int_equal(rd(VIRTIO_MMIO_MAGIC_VALUE), VIRTIO_MMIO_MAGIC);
    assert_int_equal(rd(VIRTIO_MMIO_VERSION), 2);
    assert_int_equal(rd(VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_BLOCK);
    assert_int_equal(rd(VIRTIO_MMIO_VENDOR_ID), VIRTIO_MMIO_VENDOR_TOFU);
    wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
    assert_int_equal(rd(VIRTIO_MMIO_DEVICE_FEATURES), 1);   /* VERSION_1 is bit 32 */
    wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
    assert_int_equal(rd(VIRTIO_MMIO_DEVICE_FEATURES), 1u << VIRTIO_BLK_F_FLUSH);
    wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 7);
    assert_int_equal(rd(VIRTIO_MMIO_DEVICE_FEATURES), 0);
    assert_int_equal(rd(VIRTIO_MMIO_SHM_LEN_LOW), UINT32_MAX);  /* no shared memory region */
    assert_int_equal(rd(VIRTIO_MMIO_QUEUE_NUM_MAX), 256);
    wr(VIRTIO_MMIO_QUEUE_SEL, 1);
    assert_int_equal(rd(VIRTIO_MMIO_QUEUE_NUM_MAX), 0);     /* no such queue */
    uint64_t v;
    assert_int_equal(virtio_regs_read(&r, VIRTIO_MMIO_CONFIG, 1, &v), 0);
    assert_int_equal(v, 0x40);
}

/* Before a backend is attached the driver sees the config's device whole,
 * and can set it up; its reset waits for no one. */
static void test_device_before_backend(void **state)
{
    (void)state;
    struct tofu_virtio_reg id = good_reg();
    virtio_regs_init(&r, VIRTIO_ID_BLOCK, &id);
    assert_false(r.attached);
    assert_int_equal(rd(VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_BLOCK);
    assert_int_equal(rd(VIRTIO_MMIO_DEVICE_FEATURES), 1u << VIRTIO_BLK_F_FLUSH);
    assert_int_equal(rd(VIRTIO_MMIO_QUEUE_NUM_MAX), 256);
    assert_int_equal(wr(VIRTIO_MMIO_STATUS, 0) & VIRTIO_ACT_RESET, 0);
    wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
    wr(VIRTIO_MMIO_DRIVER_FEATURES, 1);
    wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
    assert_true(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK);
    /* The backend comes: only the device the config describes is taken,
     * and it hears what the driver did. */
    struct tofu_virtio_reg other = id;
    other.features |= VIRTIO_FEATURE_BIT(VIRTIO_BLK_F_SIZE_MAX);
    assert_false(virtio_reg_same_device(&id, &other));
    other = id;
    other.queue_max[0] = 128;
    assert_false(virtio_reg_same_device(&id, &other));
    other = id;
    other.config[0] ^= 1;
    assert_false(virtio_reg_same_device(&id, &other));
    assert_true(virtio_reg_same_device(&id, &id));
    uint8_t ids[16];
    drain(ids, 16);
    assert_int_equal(virtio_regs_attach(&r), VIRTIO_ACT_EVENT);
    assert_true(r.attached);
    assert_int_equal(drain(ids, 16), 3);
    assert_int_equal(ids[0], VIRTIO_MSG_SET_DRV_FEATURES);
    /* Detached (it stopped): a reset waits for no one again. */
    virtio_regs_detach(&r);
    assert_int_equal(wr(VIRTIO_MMIO_STATUS, 0) & VIRTIO_ACT_RESET, 0);
}

/* tofu_virtio_identity(): the devices the tool, tofu and the backends agree on. */
static void test_identities(void **state)
{
    (void)state;
    struct tofu_virtio_reg id;
    static const uint8_t mac[VIRTIO_NET_MAC_BYTES] = { 0x02, 't', 'o', 'f', 'u', 7 };
    assert_int_equal(tofu_virtio_identity(&id, VIRTIO_ID_BLOCK, 0x100000, NULL), 0);
    assert_int_equal(virtio_regs_check(&id), TOFU_OK);
    assert_int_equal(id.nr_queues, 1);
    assert_int_equal(id.config[VIRTIO_BLK_CFG_CAPACITY + 1], 0x08);     /* 2048 sectors */
    assert_int_equal(id.config[VIRTIO_BLK_CFG_SEG_MAX], TOFU_VIRTIO_CHAIN_MAX - 2);
    assert_int_equal(tofu_virtio_identity(&id, VIRTIO_ID_NET, 0, mac), 0);
    assert_int_equal(virtio_regs_check(&id), TOFU_OK);
    assert_int_equal(id.nr_queues, 2);
    assert_true(id.features & VIRTIO_FEATURE_BIT(VIRTIO_NET_F_MAC));
    assert_memory_equal(id.config + VIRTIO_NET_CFG_MAC, mac, sizeof(mac));
    assert_int_equal(tofu_virtio_identity(&id, VIRTIO_ID_CONSOLE, 0, NULL), 0);
    assert_int_equal(virtio_regs_check(&id), TOFU_OK);
    assert_int_equal(id.nr_queues, 2);
    assert_int_equal(id.config_len, 0);
    assert_int_equal(tofu_virtio_identity(&id, 16, 0, NULL), -1);          /* a GPU: not served */
}

/* Each reset the backend hears carries its generation in msg_uid; only the
 * latest one's RESET_DONE ends the driver's wait. */
static void test_reset_generations(void **state)
{
    (void)state;
    struct virtio_msg_hdr h;
    r.attached = true;
    assert_int_equal(wr(VIRTIO_MMIO_STATUS, 0) & VIRTIO_ACT_RESET, VIRTIO_ACT_RESET);
    assert_true(r.reset_wait);
    assert_false(virtio_regs_reset_done(&r, 1));        /* not told yet */
    assert_true(virtio_regs_msg(&r, 0, msg, false) > 0);
    memcpy(&h, msg, sizeof(h));
    assert_int_equal(h.msg_id, VIRTIO_MSG_SET_DEVICE_STATUS);
    assert_int_equal(h.msg_uid, 1);
    r.reset_wait = false;                               /* it timed out */
    wr(VIRTIO_MMIO_STATUS, 0);                          /* a second reset */
    assert_true(virtio_regs_msg(&r, 0, msg, false) > 0);
    memcpy(&h, msg, sizeof(h));
    assert_int_equal(h.msg_uid, 2);
    assert_false(virtio_regs_reset_done(&r, 1));        /* the late one */
    assert_true(r.reset_wait);
    assert_true(virtio_regs_reset_done(&r, 2));
    assert_false(r.reset_wait);
}

static void test_bad_accesses_ignored(void **state)
{
    (void)state;
    uint64_t v = 1;
    assert_int_equal(virtio_regs_read(&r, VIRTIO_MMIO_MAGIC_VALUE, 2, &v), VIRTIO_ACT_BAD);
    assert_int_equal(v, 0);
    assert_int_equal(virtio_regs_read(&r, VIRTIO_MMIO_VERSION + 1, 4, &v), VIRTIO_ACT_BAD);
    assert_int_equal(virtio_regs_write(&r, VIRTIO_MMIO_STATUS, 1, 0), VIRTIO_ACT_BAD);
    assert_int_equal(virtio_regs_write(&r, VIRTIO_MMIO_STATUS, 8, 0), VIRTIO_ACT_BAD);
    assert_int_equal(virtio_regs_write(&r, VIRTIO_MMIO_MAGIC_VALUE, 4, 0), VIRTIO_ACT_BAD);
    assert_int_equal(virtio_regs_write(&r, 0x1fc, 4, 0), VIRTIO_ACT_BAD);     /* beyond the config */
    assert_int_equal(virtio_regs_read(&r, VIRTIO_MMIO_CONFIG + 6, 4, &v), VIRTIO_ACT_BAD);
    assert_int_equal(virtio_regs_write(&r, VIRTIO_MMIO_QUEUE_NOTIFY, 4, 0), VIRTIO_ACT_BAD);  /* not ready */
    assert_int_equal(virtio_regs_write(&r, VIRTIO_MMIO_QUEUE_NOTIFY, 4, 99), VIRTIO_ACT_BAD);
    assert_int_equal(rd(VIRTIO_MMIO_STATUS), 0);
    assert_int_equal(virtio_regs_msg_count(&r), 0);
}

static void bring_up(void)
{
    wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
    wr(VIRTIO_MMIO_DRIVER_FEATURES, 1);
    wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
    wr(VIRTIO_MMIO_QUEUE_SEL, 0);
    wr(VIRTIO_MMIO_QUEUE_NUM, 128);
    wr(VIRTIO_MMIO_QUEUE_DESC_LOW, 0x1000);
    wr(VIRTIO_MMIO_QUEUE_DESC_HIGH, 0x1);
    wr(VIRTIO_MMIO_QUEUE_DRIVER_LOW, 0x2000);
    wr(VIRTIO_MMIO_QUEUE_DEVICE_LOW, 0x3000);
    assert_int_equal(wr(VIRTIO_MMIO_QUEUE_READY, 1), VIRTIO_ACT_EVENT);
    wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK |
                           VIRTIO_STATUS_DRIVER_OK);
}

static void test_bring_up_messages_in_order(void **state)
{
    (void)state;
    uint8_t ids[16];
    bring_up();
    assert_int_equal(wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0), VIRTIO_ACT_EVENT);
    assert_int_equal(virtio_regs_msg_count(&r), 4);
    /* Peeking leaves it pending. */
    assert_int_equal(virtio_regs_msg(&r, 3, msg, true), VIRTIO_MSG_HDR_BYTES + sizeof(struct virtio_msg_features));
    assert_int_equal(virtio_regs_msg_count(&r), 4);
    assert_int_equal(drain(ids, 16), 4);
    assert_int_equal(ids[0], VIRTIO_MSG_SET_DRV_FEATURES);
    assert_int_equal(ids[1], VIRTIO_MSG_SET_VQUEUE);
    assert_int_equal(ids[2], VIRTIO_MSG_SET_DEVICE_STATUS);
    assert_int_equal(ids[3], VIRTIO_MSG_EVENT_AVAIL);
    assert_int_equal(virtio_regs_msg_count(&r), 0);
    /* The queue's registers are fixed once it is ready. */
    assert_int_equal(wr(VIRTIO_MMIO_QUEUE_NUM, 4), VIRTIO_ACT_BAD);
    assert_int_equal(r.vq[0].desc, 0x100001000ull);
}

static void test_notify_storm_is_one_message(void **state)
{
    (void)state;
    uint8_t ids[16];
    bring_up();
    drain(ids, 16);
    assert_int_equal(wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0), VIRTIO_ACT_EVENT);
    for (int i = 0; i < 100000; i++)
        assert_int_equal(wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0), 0);   /* no doorbell either */
    assert_int_equal(drain(ids, 16), 1);
    assert_int_equal(ids[0], VIRTIO_MSG_EVENT_AVAIL);
}

/* Config, feature and status writes coalesce too: the first one rings the
 * backend's doorbell, the others only update what it will read; once it has
 * read them, the next write rings again. */
static void test_register_writes_ring_once(void **state)
{
    (void)state;
    uint8_t ids[16];
    bring_up();
    drain(ids, 16);
    assert_int_equal(virtio_regs_write(&r, VIRTIO_MMIO_CONFIG, 1, 1), VIRTIO_ACT_EVENT);
    for (int i = 0; i < 1000; i++)
        assert_int_equal(virtio_regs_write(&r, VIRTIO_MMIO_CONFIG, 1, (uint64_t)i), 0);
    assert_int_equal(drain(ids, 16), 1);
    assert_int_equal(virtio_regs_write(&r, VIRTIO_MMIO_CONFIG, 1, 2), VIRTIO_ACT_EVENT);
    unsigned rings = 0;
    for (uint32_t i = 0; i < 1000; i++)
        rings += !!(wr(VIRTIO_MMIO_STATUS, (i & 1) ? VIRTIO_STATUS_ACKNOWLEDGE : VIRTIO_STATUS_ACKNOWLEDGE |
                                                   VIRTIO_STATUS_DRIVER) & VIRTIO_ACT_EVENT);
    assert_true(rings <= 1);
}

static void test_reset_waits_and_clears(void **state)
{
    (void)state;
    uint8_t ids[16];
    bring_up();
    wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
    r.int_status = VIRTIO_MMIO_INT_VRING;
    assert_int_equal(wr(VIRTIO_MMIO_STATUS, 0), VIRTIO_ACT_EVENT | VIRTIO_ACT_RESET);
    assert_true(r.reset_wait);
    assert_int_equal(rd(VIRTIO_MMIO_STATUS), 0);
    assert_int_equal(rd(VIRTIO_MMIO_QUEUE_READY), 0);
    assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), 0);
    /* Only the reset is left for the backend: the older events mean nothing. */
    assert_int_equal(drain(ids, 16), 1);
    assert_int_equal(ids[0], VIRTIO_MSG_SET_DEVICE_STATUS);
    struct virtio_msg_status st;
    memcpy(&st, msg + VIRTIO_MSG_HDR_BYTES, sizeof(st));
    assert_int_equal(st.status, 0);
}

/* A reset the backend has not read yet is not hidden by the driver's next
 * status (its wait timed out, the driver went on): the backend hears status
 * 0 first, then the new status. */
static void test_reset_then_status_both_heard(void **state)
{
    (void)state;
    uint8_t ids[16];
    struct virtio_msg_status st;
    bring_up();
    drain(ids, 16);
    wr(VIRTIO_MMIO_STATUS, 0);
    r.reset_wait = false;                                       /* as after the timeout */
    wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
    assert_int_equal(virtio_regs_msg(&r, 3, msg, false), VIRTIO_MSG_HDR_BYTES + sizeof(st));
    memcpy(&st, msg + VIRTIO_MSG_HDR_BYTES, sizeof(st));
    assert_int_equal(st.status, 0);
    assert_int_equal(virtio_regs_msg(&r, 3, msg, false), VIRTIO_MSG_HDR_BYTES + sizeof(st));
    memcpy(&st, msg + VIRTIO_MSG_HDR_BYTES, sizeof(st));
    assert_int_equal(st.status, VIRTIO_STATUS_ACKNOWLEDGE);
    assert_int_equal(drain(ids, 16), 0);
}

static void test_features_ok_needs_offered_features(void **state)
{
    (void)state;
    wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
    wr(VIRTIO_MMIO_DRIVER_FEATURES, 1u << 28);      /* not offered */
    wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
    assert_int_equal(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK, 0);
}

static void test_queue_ready_needs_valid_size(void **state)
{
    (void)state;
    wr(VIRTIO_MMIO_QUEUE_SEL, 0);
    wr(VIRTIO_MMIO_QUEUE_NUM, 100);                 /* not a power of two */
    assert_int_equal(wr(VIRTIO_MMIO_QUEUE_READY, 1), VIRTIO_ACT_BAD);
    assert_int_equal(rd(VIRTIO_MMIO_QUEUE_READY), 0);
    wr(VIRTIO_MMIO_QUEUE_NUM, 512);                 /* beyond QueueNumMax */
    assert_int_equal(wr(VIRTIO_MMIO_QUEUE_READY, 1), VIRTIO_ACT_BAD);
    wr(VIRTIO_MMIO_QUEUE_NUM, 256);
    assert_int_equal(wr(VIRTIO_MMIO_QUEUE_READY, 1), VIRTIO_ACT_EVENT);
}

static void test_register_checks(void **state)
{
    (void)state;
    struct tofu_virtio_reg reg = good_reg();
    reg.features = 0;
    assert_int_equal(virtio_regs_check(&reg), TOFU_E_INVALID);          /* no VERSION_1 */
    reg = good_reg();
    reg.nr_queues = 0;
    assert_int_equal(virtio_regs_check(&reg), TOFU_E_INVALID);
    reg.nr_queues = TOFU_VIRTIO_MAX_QUEUES + 1;
    assert_int_equal(virtio_regs_check(&reg), TOFU_E_INVALID);
    reg = good_reg();
    reg.queue_max[0] = 3;
    assert_int_equal(virtio_regs_check(&reg), TOFU_E_INVALID);
    reg.queue_max[0] = 2 * TOFU_VIRTIO_QUEUE_MAX;
    assert_int_equal(virtio_regs_check(&reg), TOFU_E_INVALID);
    reg = good_reg();
    reg.config_len = TOFU_VIRTIO_CONFIG_MAX + 1;
    assert_int_equal(virtio_regs_check(&reg), TOFU_E_INVALID);
}

static void test_register_again_reposts_live_state(void **state)
{
    (void)state;
    uint8_t ids[16];
    struct tofu_virtio_reg reg = good_reg();
    bring_up();
    drain(ids, 16);
    /* The backend starts again and registers: it hears everything again. */
    assert_int_equal(virtio_regs_attach(&r), VIRTIO_ACT_EVENT);
    assert_int_equal(r.config_gen, 0);              /* the same config */
    assert_int_equal(drain(ids, 16), 5);
    assert_int_equal(ids[0], VIRTIO_MSG_SET_DRV_FEATURES);
    assert_int_equal(ids[1], VIRTIO_MSG_SET_VQUEUE);
    assert_int_equal(ids[2], VIRTIO_MSG_SET_CONFIG);
    assert_int_equal(ids[3], VIRTIO_MSG_SET_DEVICE_STATUS);
    assert_int_equal(ids[4], VIRTIO_MSG_EVENT_AVAIL);
    struct tofu_virtio_reg id = good_reg();
    reg.config[0] = 0x80;                           /* another capacity: another device */
    assert_false(virtio_reg_same_device(&id, &reg));
}

static void test_random_accesses_keep_invariants(void **state)
{
    (void)state;
    uint32_t x = 12345;
    for (int i = 0; i < 200000; i++) {
        x ^= x << 13; x ^= x >> 17; x ^= x << 5;
        unsigned width = 1u << (x & 3);
        uint64_t off = (x >> 2) % VIRTIO_MMIO_WINDOW_SIZE, v = x * 2654435761u;
        if (x & 0x80000000u)
            virtio_regs_write(&r, off, width, v);
        else
            virtio_regs_read(&r, off, width, &v);
        assert_true(r.pend_vq < (1u << TOFU_VIRTIO_MAX_QUEUES));
        assert_true(r.pend_avail < (1u << TOFU_VIRTIO_MAX_QUEUES));
        assert_true(virtio_regs_msg_count(&r) <= 3 + 2 * TOFU_VIRTIO_MAX_QUEUES);
        assert_true(virtio_regs_msg(&r, 0, msg, true) <= VIRTIO_MSG_MAX_BYTES);
        r.reset_wait = false;
    }
}

/* ---- the register page ---------------------------------------------------- */

static uint32_t page[VIRTIO_PAGE_WORDS];

/* A read of `width` bytes at `off` from the page, as the frontend's load
 * of it would return (little-endian). */
static uint64_t page_read(uint64_t off, unsigned width)
{
    uint64_t v = 0;
    memcpy(&v, (const uint8_t *)page + off, width);
    return v;
}

/* Every read the trapping path allows returns from the page what that path
 * returned; every register read that path refused (or that lies beyond the
 * config space) and the rest of the page read 0 from it as they did. */
static void assert_page_is_reads(void)
{
    for (uint64_t off = 0; off < VIRTIO_MMIO_CONFIG; off += VIRTIO_MMIO_REG_BYTES)
        assert_int_equal(page_read(off, VIRTIO_MMIO_REG_BYTES), rd(off));
    for (unsigned width = 1; width <= 8; width *= 2)
        for (uint64_t off = VIRTIO_MMIO_CONFIG; off + width <= VIRTIO_MMIO_WINDOW_SIZE; off += width) {
            uint64_t v = 0xdead;
            unsigned act = virtio_regs_read(&r, off, width, &v);
            if (!act)
                assert_int_equal(page_read(off, width), v);
            else if (off >= VIRTIO_MMIO_CONFIG + r.config_len)
                assert_int_equal(page_read(off, width), 0);
            else
                assert_int_equal(v, 0);     /* across the config's end: the page has its bytes */
        }
    for (uint64_t off = VIRTIO_MMIO_WINDOW_SIZE; off < VIRTIO_MMIO_PAGE_BYTES; off += sizeof(uint64_t))
        assert_int_equal(page_read(off, sizeof(uint64_t)), 0);     /* beyond the window */
}

/* Only the bytes in `s` differ between `before` and the page. */
static void assert_changes_within(const uint32_t *before, struct virtio_page_span s)
{
    for (uint32_t b = 0; b < VIRTIO_MMIO_PAGE_BYTES; b++)
        if (b < s.off || b >= s.off + s.len)
            assert_int_equal(((const uint8_t *)before)[b], ((const uint8_t *)page)[b]);
}

static void test_page_follows_every_change(void **state)
{
    (void)state;
    static uint32_t before[VIRTIO_PAGE_WORDS];
    uint32_t x = 777;
    memset(page, 0xa5, sizeof(page));
    virtio_regs_page_fill(&r, page);
    assert_page_is_reads();
    assert_int_equal(page[VIRTIO_MMIO_MAGIC_VALUE / 4], VIRTIO_MMIO_MAGIC);
    assert_int_equal(page_read(VIRTIO_MMIO_CONFIG, 1), 0x40);
    assert_int_equal(page[VIRTIO_MMIO_SHM_BASE_HIGH / 4], UINT32_MAX);
    bring_up();
    virtio_regs_page_fill(&r, page);
    assert_page_is_reads();
    for (int i = 0; i < 20000; i++) {
        x ^= x << 13; x ^= x >> 17; x ^= x << 5;
        memcpy(before, page, sizeof(page));
        struct virtio_page_span s;
        switch (x % 8) {
        case 0: {                       /* the backend raises an interrupt */
            r.int_status |= (x & 8) ? VIRTIO_MMIO_INT_VRING : VIRTIO_MMIO_INT_CONFIG;
            s = virtio_regs_page_update(&r, page, VIRTIO_MMIO_INTERRUPT_STATUS);
            break;
        }
        case 1:                         /* a new config generation */
            r.config_gen++;
            s = virtio_regs_page_update(&r, page, VIRTIO_MMIO_CONFIG_GENERATION);
            break;
        default: {                      /* a write of the driver's: registers, mostly the live ones */
            static const uint32_t live[] = {
                VIRTIO_MMIO_DEVICE_FEATURES_SEL, VIRTIO_MMIO_QUEUE_SEL, VIRTIO_MMIO_QUEUE_READY,
                VIRTIO_MMIO_QUEUE_NUM, VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_STATUS, VIRTIO_MMIO_CONFIG,
            };
            unsigned width = (x & 16) ? VIRTIO_MMIO_REG_BYTES : 1u << ((x >> 5) & 3);
            uint64_t off = (x & 128) ? live[(x >> 8) % ARRAY_SIZE(live)] + ((x >> 12) & 7) * (width & 4)
                                     : (x >> 8) % VIRTIO_MMIO_WINDOW_SIZE & ~(uint64_t)(width - 1);
            uint32_t v = (x >> 16) % 4 == 0 ? 0 : (x >> 16) % 4 == 1 ? 1 : x * 2654435761u;
            if (off == VIRTIO_MMIO_STATUS && v && (x >> 20) % 8 == 0)
                v = 0;                      /* resets, now and then */
            virtio_regs_write(&r, off, width, v);
            r.reset_wait = false;
            s = virtio_regs_page_update(&r, page, off);
        }
        }
        assert_changes_within(before, s);
        assert_page_is_reads();
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_identity, setup),
        cmocka_unit_test_setup(test_device_before_backend, setup),
        cmocka_unit_test_setup(test_identities, setup),
        cmocka_unit_test_setup(test_reset_generations, setup),
        cmocka_unit_test_setup(test_bad_accesses_ignored, setup),
        cmocka_unit_test_setup(test_bring_up_messages_in_order, setup),
        cmocka_unit_test_setup(test_notify_storm_is_one_message, setup),
        cmocka_unit_test_setup(test_register_writes_ring_once, setup),
        cmocka_unit_test_setup(test_reset_then_status_both_heard, setup),
        cmocka_unit_test_setup(test_reset_waits_and_clears, setup),
        cmocka_unit_test_setup(test_features_ok_needs_offered_features, setup),
        cmocka_unit_test_setup(test_queue_ready_needs_valid_size, setup),
        cmocka_unit_test_setup(test_register_checks, setup),
        cmocka_unit_test_setup(test_register_again_reposts_live_state, setup),
        cmocka_unit_test_setup(test_random_accesses_keep_invariants, setup),
        cmocka_unit_test_setup(test_page_follows_every_change, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
