/* SPDX-License-Identifier: MIT */
/* The bare-metal backend's split virtqueues and virtio-blk (guests/baremetal/rt/virtq.c,
 * virtio_blk.c): every frontend address checked, broken chains refused with IOERR. */
#include <string.h>
#include "unit.h"
#include "rt/virtq.h"
#include "rt/virtio_blk.h"
#include "rt/virtio_msg.h"

#define FE_BASE   0x40000000ull
#define RAM_BYTES 0x10000u
#define QN        8u
#define DESC_OFF  0x0u
#define AVAIL_OFF 0x100u
#define USED_OFF  0x200u
#define HDR_OFF   0x400u
#define DATA_OFF  0x1000u
#define STAT_OFF  0x800u
#define DISK_BYTES 0x4000u

static uint8_t ram[RAM_BYTES] __attribute__((aligned(16)));
static uint8_t disk_data[DISK_BYTES];
static struct virtq_window w;
static struct virtq q;
static struct virtio_blk_disk disk;
static uint16_t avail_idx;

static uint64_t fe(uint32_t off) { return FE_BASE + off; }

static void set(unsigned i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
    struct vring_desc d = { addr, len, flags, next };
    memcpy(ram + DESC_OFF + i * sizeof(d), &d, sizeof(d));
}

static void make_avail(uint16_t head)
{
    memcpy(ram + AVAIL_OFF + VRING_AVAIL_HDR_BYTES + 2 * (avail_idx % QN), &head, 2);
    avail_idx++;
    memcpy(ram + AVAIL_OFF + 2, &avail_idx, 2);
}

static int setup(void **state)
{
    (void)state;
    memset(ram, 0, sizeof(ram));
    memset(disk_data, 0, sizeof(disk_data));
    avail_idx = 0;
    w = (struct virtq_window){ FE_BASE, RAM_BYTES, (uintptr_t)ram };
    disk = (struct virtio_blk_disk){ .data = disk_data, .size = DISK_BYTES, .id = "tofu-ramdisk" };
    assert_true(virtq_setup(&q, &w, QN, fe(DESC_OFF), fe(AVAIL_OFF), fe(USED_OFF)));
    return 0;
}

/* Serve the next request; its used length. */
static uint32_t serve(struct virtq_chain *c)
{
    assert_true(virtq_pop(&q, &w, c));
    uint32_t n = virtio_blk_serve(&disk, c);
    virtq_push(&q, &w, c->head, n);
    return n;
}

static void request(uint32_t type, uint64_t sector, uint32_t data_len, bool dev_writes)
{
    struct virtio_blk_req_hdr h = { .type = type, .sector = sector };
    memcpy(ram + HDR_OFF, &h, sizeof(h));
    set(0, fe(HDR_OFF), sizeof(h), VRING_DESC_F_NEXT, 1);
    set(1, fe(DATA_OFF), data_len, VRING_DESC_F_NEXT | (dev_writes ? VRING_DESC_F_WRITE : 0), 2);
    set(2, fe(STAT_OFF), 1, VRING_DESC_F_WRITE, 0);
    ram[STAT_OFF] = 0xff;
    make_avail(0);
}

static void test_window_bounds(void **state)
{
    (void)state;
    assert_non_null(virtq_ptr(&w, FE_BASE, RAM_BYTES));
    assert_null(virtq_ptr(&w, FE_BASE, RAM_BYTES + 1));
    assert_null(virtq_ptr(&w, FE_BASE - 1, 1));
    assert_null(virtq_ptr(&w, FE_BASE + RAM_BYTES, 0));
    assert_null(virtq_ptr(&w, UINT64_MAX, 2));                  /* no wrap-around */
    assert_null(virtq_ptr(&w, FE_BASE + 8, UINT64_MAX));
    struct virtq bad;
    assert_false(virtq_setup(&bad, &w, QN, fe(RAM_BYTES - 16), fe(AVAIL_OFF), fe(USED_OFF)));
    assert_false(virtq_setup(&bad, &w, 6, fe(DESC_OFF), fe(AVAIL_OFF), fe(USED_OFF)));   /* not a power of two */
    assert_false(virtq_setup(&bad, &w, QN, fe(DESC_OFF + 8), fe(AVAIL_OFF), fe(USED_OFF)));  /* misaligned */
    assert_false(bad.ready);
}

static void test_write_then_read(void **state)
{
    (void)state;
    struct virtq_chain c;
    for (unsigned i = 0; i < 1024; i++)
        ram[DATA_OFF + i] = (uint8_t)(i * 13);
    request(VIRTIO_BLK_T_OUT, 2, 1024, false);
    assert_int_equal(serve(&c), 1);
    assert_int_equal(ram[STAT_OFF], VIRTIO_BLK_S_OK);
    memset(ram + DATA_OFF, 0, 1024);
    request(VIRTIO_BLK_T_IN, 2, 1024, true);
    assert_int_equal(serve(&c), 1025);
    assert_int_equal(ram[STAT_OFF], VIRTIO_BLK_S_OK);
    for (unsigned i = 0; i < 1024; i++)
        assert_int_equal(ram[DATA_OFF + i], (uint8_t)(i * 13));
    assert_memory_equal(disk_data + 2 * 512, ram + DATA_OFF, 1024);
    uint16_t used_idx;
    memcpy(&used_idx, ram + USED_OFF + 2, 2);
    assert_int_equal(used_idx, 2);
    assert_false(virtq_pop(&q, &w, &c));                        /* nothing more */
}

static void test_get_id_and_flush(void **state)
{
    (void)state;
    struct virtq_chain c;
    request(VIRTIO_BLK_T_GET_ID, 0, VIRTIO_BLK_ID_BYTES, true);
    assert_int_equal(serve(&c), VIRTIO_BLK_ID_BYTES + 1);
    assert_string_equal((char *)ram + DATA_OFF, "tofu-ramdisk");
    set(0, fe(HDR_OFF), 16, VRING_DESC_F_NEXT, 2);
    struct virtio_blk_req_hdr h = { .type = VIRTIO_BLK_T_FLUSH };
    memcpy(ram + HDR_OFF, &h, sizeof(h));
    make_avail(0);
    assert_int_equal(serve(&c), 1);
    assert_int_equal(ram[STAT_OFF], VIRTIO_BLK_S_OK);
    h.type = 77;
    memcpy(ram + HDR_OFF, &h, sizeof(h));
    make_avail(0);
    serve(&c);
    assert_int_equal(ram[STAT_OFF], VIRTIO_BLK_S_UNSUPP);
}

static void test_out_of_window_buffer(void **state)
{
    (void)state;
    struct virtq_chain c;
    request(VIRTIO_BLK_T_IN, 0, 512, true);
    set(1, FE_BASE + RAM_BYTES, 512, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 2);
    assert_int_equal(serve(&c), 1);
    assert_int_equal(c.err, VIRTQ_E_ADDR);
    assert_int_equal(ram[STAT_OFF], VIRTIO_BLK_S_IOERR);        /* the status byte still says so */
    assert_int_equal(disk.errors, 1);
}

/* A read of sector 0 whose descriptor `i` is replaced: refused with `err`, IOERR in its status. */
static void refused(unsigned i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next, enum virtq_err err)
{
    struct virtq_chain c;
    request(VIRTIO_BLK_T_IN, 0, 512, true);
    set(i, addr, len, flags, next);
    serve(&c);
    assert_int_equal(c.err, err);
    assert_int_equal(ram[STAT_OFF], VIRTIO_BLK_S_IOERR);
}

static void test_oversize_length_and_loop(void **state)
{
    (void)state;
    refused(1, fe(DATA_OFF), 0xffffffffu, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 2, VIRTQ_E_ADDR);
    refused(2, fe(STAT_OFF), 1, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 0, VIRTQ_E_LOOP);   /* back to the head */
}

static void test_bad_indexes(void **state)
{
    (void)state;
    struct virtq_chain c;
    make_avail(QN + 3);                                         /* head beyond the queue */
    assert_int_equal(serve(&c), 0);
    assert_int_equal(c.err, VIRTQ_E_INDEX);
    request(VIRTIO_BLK_T_IN, 0, 512, true);
    set(1, fe(DATA_OFF), 512, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 200);   /* next beyond */
    assert_int_equal(serve(&c), 0);
    assert_int_equal(c.err, VIRTQ_E_INDEX);
    request(VIRTIO_BLK_T_IN, 0, 512, true);
    set(0, fe(HDR_OFF), 16, VRING_DESC_F_INDIRECT, 0);
    serve(&c);
    assert_int_equal(c.err, VIRTQ_E_INDIRECT);
}

static void test_beyond_disk_and_wrong_direction(void **state)
{
    (void)state;
    struct virtq_chain c;
    request(VIRTIO_BLK_T_IN, DISK_BYTES / 512, 512, true);
    serve(&c);
    assert_int_equal(ram[STAT_OFF], VIRTIO_BLK_S_IOERR);
    request(VIRTIO_BLK_T_IN, UINT64_MAX / 256, 512, true);      /* sector * 512 wraps */
    serve(&c);
    assert_int_equal(ram[STAT_OFF], VIRTIO_BLK_S_IOERR);
    request(VIRTIO_BLK_T_IN, 0, 100, true);                     /* not whole sectors */
    serve(&c);
    assert_int_equal(ram[STAT_OFF], VIRTIO_BLK_S_IOERR);
    request(VIRTIO_BLK_T_OUT, 0, 512, true);                    /* data the device would write */
    serve(&c);
    assert_int_equal(ram[STAT_OFF], VIRTIO_BLK_S_IOERR);
    request(VIRTIO_BLK_T_IN, 0, 512, true);
    set(0, fe(HDR_OFF), 16, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 1);   /* a writable header */
    serve(&c);
    assert_int_equal(ram[STAT_OFF], VIRTIO_BLK_S_IOERR);
}

static void test_avail_index_jump_breaks_queue(void **state)
{
    (void)state;
    struct virtq_chain c;
    uint16_t idx = QN + 5;                                      /* more than the queue holds */
    memcpy(ram + AVAIL_OFF + 2, &idx, 2);
    assert_false(virtq_pop(&q, &w, &c));
    assert_false(q.ready);
}

static void test_resume_at_used_index(void **state)
{
    (void)state;
    uint16_t used = 5;
    memcpy(ram + USED_OFF + 2, &used, 2);
    assert_true(virtq_setup(&q, &w, QN, fe(DESC_OFF), fe(AVAIL_OFF), fe(USED_OFF)));
    assert_int_equal(q.last_avail, 5);
}

/* A chain as one stream per direction: readable bytes across buffers from
 * an offset (a frame after its virtio-net header), writable ones filled in
 * order, short at the end of the chain. */
static void test_chain_streams(void **state)
{
    (void)state;
    static const uint8_t msg[] = "0123456789abcdefghij";
    struct virtq_chain c;
    memcpy(ram + HDR_OFF, msg, 8);
    memcpy(ram + DATA_OFF, msg + 8, 12);
    set(0, fe(HDR_OFF), 8, VRING_DESC_F_NEXT, 1);
    set(1, fe(STAT_OFF), 4, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 2);     /* between them: skipped */
    set(2, fe(DATA_OFF), 12, VRING_DESC_F_NEXT, 3);
    set(3, fe(STAT_OFF + 4), 6, VRING_DESC_F_WRITE, 0);
    make_avail(0);
    assert_true(virtq_pop(&q, &w, &c));
    assert_int_equal(c.err, VIRTQ_OK);
    assert_int_equal(virtq_chain_bytes(&c, false), 20);
    assert_int_equal(virtq_chain_bytes(&c, true), 10);
    uint8_t out[32] = { 0 };
    assert_int_equal(virtq_chain_read(&c, 6, out, sizeof(out)), 14);          /* across the first boundary */
    assert_memory_equal(out, msg + 6, 14);
    assert_int_equal(virtq_chain_read(&c, 20, out, sizeof(out)), 0);
    assert_int_equal(virtq_chain_write(&c, 0, "ABCDEFGHIJKL", 12), 10);        /* 4 + 6: the rest left out */
    assert_memory_equal(ram + STAT_OFF, "ABCD", 4);
    assert_memory_equal(ram + STAT_OFF + 4, "EFGHIJ", 6);
    assert_int_equal(virtq_chain_write(&c, 8, "xy", 2), 2);
    assert_memory_equal(ram + STAT_OFF + 8, "xy", 2);
}

/* tofu's messages, checked before a backend acts on them. */
static void test_msg_parse(void **state)
{
    (void)state;
    uint8_t m[VIRTIO_MSG_MAX_BYTES];
    struct virtio_msg out;
    struct virtio_msg_vqueue v = { .index = 1, .flags = VIRTIO_MSG_VQ_READY, .size = 8, .desc_addr = 0x40000000 };
    struct virtio_msg_hdr h = { .type = VIRTIO_MSG_TYPE_TRANSPORT, .msg_id = VIRTIO_MSG_SET_VQUEUE, .dev_num = 3,
                                .msg_size = VIRTIO_MSG_HDR_BYTES + sizeof(v) };
    memcpy(m, &h, sizeof(h));
    memcpy(m + VIRTIO_MSG_HDR_BYTES, &v, sizeof(v));
    assert_true(virtio_msg_parse(m, h.msg_size, &out));
    assert_int_equal(out.h.dev_num, 3);
    assert_int_equal(out.u.vqueue.size, 8);
    assert_int_equal(out.u.vqueue.desc_addr, 0x40000000);
    out.h.dev_num = 77;
    assert_false(virtio_msg_parse(m, h.msg_size - 1, &out));           /* size and length disagree */
    assert_int_equal(out.h.dev_num, 77);                               /* left as it was */
    h.msg_size = VIRTIO_MSG_HDR_BYTES + 4;                             /* a SET_VQUEUE too short */
    memcpy(m, &h, sizeof(h));
    assert_false(virtio_msg_parse(m, h.msg_size, &out));
    h.msg_id = VIRTIO_MSG_SET_DEVICE_STATUS;                           /* 4 bytes: a status */
    memcpy(m, &h, sizeof(h));
    assert_true(virtio_msg_parse(m, h.msg_size, &out));
    h.type = 1;                                                        /* not a transport message */
    memcpy(m, &h, sizeof(h));
    assert_false(virtio_msg_parse(m, h.msg_size, &out));
    assert_false(virtio_msg_parse(m, 3, &out));                        /* shorter than a header */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_window_bounds, setup),
        cmocka_unit_test_setup(test_write_then_read, setup),
        cmocka_unit_test_setup(test_get_id_and_flush, setup),
        cmocka_unit_test_setup(test_out_of_window_buffer, setup),
        cmocka_unit_test_setup(test_oversize_length_and_loop, setup),
        cmocka_unit_test_setup(test_bad_indexes, setup),
        cmocka_unit_test_setup(test_beyond_disk_and_wrong_direction, setup),
        cmocka_unit_test_setup(test_avail_index_jump_breaks_queue, setup),
        cmocka_unit_test_setup(test_resume_at_used_index, setup),
        cmocka_unit_test_setup(test_chain_streams, setup),
        cmocka_unit_test_setup(test_msg_parse, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
