/* SPDX-License-Identifier: MIT */
/*
 * include/tofu/ring.h: the SPSC ring both sides of a share use.  Each side
 * keeps its own geometry and index; what the peer writes into the shared
 * page is checked on every use and can never move an access outside the
 * region.  The region here is a buffer with guard bytes after it.
 */
#include <string.h>
#include "unit.h"
#include "tofu/ring.h"

#define REGION   4096u
#define GUARD    4096u
#define SLOTS    32u
#define SLOT     64u
#define GUARD_BYTE 0xa5

static uint8_t mem[REGION + GUARD] __attribute__((aligned(64)));
static struct tofu_ring *const shared = (struct tofu_ring *)mem;
static struct tofu_ring_end prod, cons;

static int setup(void **state)
{
    (void)state;
    memset(mem, 0, REGION);
    memset(mem + REGION, GUARD_BYTE, GUARD);
    assert_true(tofu_ring_producer_init(&prod, mem, REGION, SLOTS, SLOT));
    assert_true(tofu_ring_consumer_attach(&cons, mem, REGION));
    return 0;
}

static void assert_inside(const void *slot, const struct tofu_ring_end *e)
{
    const uint8_t *p = slot;
    assert_true(p >= shared->data && p + e->slot_bytes <= mem + REGION);
}

static void guard_intact(void)
{
    for (unsigned i = 0; i < GUARD; i++)
        assert_int_equal(mem[REGION + i], GUARD_BYTE);
}

static void produce(uint32_t value)
{
    uint32_t *slot = tofu_ring_produce_slot(&prod);
    assert_non_null(slot);
    assert_inside(slot, &prod);
    memset(slot, 0xee, SLOT);       /* the producer fills the whole slot */
    *slot = value;
    tofu_ring_produce_commit(&prod);
}

static uint32_t consume(void)
{
    const uint32_t *slot = tofu_ring_consume_slot(&cons);
    assert_non_null(slot);
    assert_inside(slot, &cons);
    uint32_t v = *slot;
    tofu_ring_consume_commit(&cons);
    return v;
}

static void test_round_trip_and_full(void **state)
{
    (void)state;
    assert_null(tofu_ring_consume_slot(&cons));
    for (uint32_t i = 0; i < SLOTS; i++)
        produce(i);
    assert_null(tofu_ring_produce_slot(&prod));         /* full, not broken */
    assert_false(prod.broken);
    for (uint32_t i = 0; i < SLOTS; i++)
        assert_int_equal(consume(), i);
    assert_null(tofu_ring_consume_slot(&cons));
    assert_false(cons.broken);
    assert_int_equal(shared->head, SLOTS);
    assert_int_equal(shared->tail, SLOTS);
    guard_intact();
}

/* The indices wrap at 2^32 without a hiccup. */
static void test_indices_wrap(void **state)
{
    (void)state;
    uint32_t start = UINT32_MAX - 5;
    prod.index = cons.index = shared->head = shared->tail = start;
    for (uint32_t i = 0; i < 3 * SLOTS; i++) {
        produce(i);
        assert_int_equal(consume(), i);
    }
    assert_int_equal(shared->head, start + 3 * SLOTS);
    assert_false(prod.broken || cons.broken);
}

/* The peer rewrites the header (the attack seen on the RTOS: size 2, head 1,
 * slot_bytes 256 MiB): the producer goes on with its own geometry and head. */
static void test_producer_ignores_shared_geometry(void **state)
{
    (void)state;
    produce(1);
    shared->size = 2;
    shared->head = 1;
    shared->slot_bytes = 0x10000000;
    for (uint32_t i = 2; i < 200; i++) {
        produce(i);
        assert_int_equal(consume(), i - 1);
    }
    assert_int_equal(shared->head, 199);    /* its own head, republished */
    guard_intact();
}

/* A tail the consumer cannot have written stops the producer for good. */
static void test_producer_stops_on_impossible_tail(void **state)
{
    (void)state;
    produce(1);
    produce(2);
    shared->tail = 3;                       /* ahead of head */
    assert_null(tofu_ring_produce_slot(&prod));
    assert_true(prod.broken);
    shared->tail = 2;                       /* looks sane again: still stopped */
    assert_null(tofu_ring_produce_slot(&prod));

    setup(NULL);
    for (uint32_t i = 0; i < 4; i++)
        produce(i);
    shared->tail = (uint32_t)(4 - SLOTS - 1);   /* further back than the ring holds */
    assert_null(tofu_ring_produce_slot(&prod));
    assert_true(prod.broken);
    guard_intact();
}

static void test_consumer_stops_on_impossible_head(void **state)
{
    (void)state;
    produce(7);
    shared->head = cons.index + SLOTS + 1;   /* more filled than slots */
    assert_null(tofu_ring_consume_slot(&cons));
    assert_true(cons.broken);

    setup(NULL);
    produce(7);
    shared->head = cons.index - 1;          /* behind the consumer */
    assert_null(tofu_ring_consume_slot(&cons));
    assert_true(cons.broken);
}

/* The consumer, too, keeps the geometry it attached with. */
static void test_consumer_ignores_later_geometry(void **state)
{
    (void)state;
    for (uint32_t i = 0; i < SLOTS; i++)
        produce(i);
    shared->size = 1u << 20;
    shared->slot_bytes = 1u << 20;
    for (uint32_t i = 0; i < SLOTS; i++)
        assert_int_equal(consume(), i);
    assert_null(tofu_ring_consume_slot(&cons));
}

/* Attach refuses every header that is not a ring fitting the region. */
static void test_attach_refusals(void **state)
{
    (void)state;
    struct tofu_ring_end e;
    static const struct { uint32_t size, slot_bytes; } bad[] = {
        { 0, SLOT }, { 3, SLOT }, { SLOTS, 0 },
        { SLOTS * 2, SLOT },                    /* one slot past the region */
        { 1u << 31, 1u << 31 },                 /* 2^62 bytes: no 32-bit wrap */
        { 1u << 31, 2 },                        /* 2^32 bytes */
    };
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        shared->size = bad[i].size;
        shared->slot_bytes = bad[i].slot_bytes;
        assert_false(tofu_ring_consumer_attach(&e, mem, REGION));
    }
    shared->size = SLOTS;
    shared->slot_bytes = SLOT;
    assert_true(tofu_ring_consumer_attach(&e, mem, REGION));
    assert_false(tofu_ring_consumer_attach(&e, mem, sizeof(struct tofu_ring) - 1));
    shared->magic = 0;
    assert_false(tofu_ring_consumer_attach(&e, mem, REGION));
    /* The producer will not lay out a ring that does not fit either. */
    assert_false(tofu_ring_producer_init(&e, mem, REGION, SLOTS * 2, SLOT));
    assert_false(tofu_ring_producer_init(&e, mem, REGION, 3, SLOT));
    assert_int_equal(tofu_ring_bytes(1u << 31, 1u << 31) > REGION, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_round_trip_and_full, setup),
        cmocka_unit_test_setup(test_indices_wrap, setup),
        cmocka_unit_test_setup(test_producer_ignores_shared_geometry, setup),
        cmocka_unit_test_setup(test_producer_stops_on_impossible_tail, setup),
        cmocka_unit_test_setup(test_consumer_stops_on_impossible_head, setup),
        cmocka_unit_test_setup(test_consumer_ignores_later_geometry, setup),
        cmocka_unit_test_setup(test_attach_refusals, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
