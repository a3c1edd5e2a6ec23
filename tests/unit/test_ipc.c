/* SPDX-License-Identifier: MIT */
/*
 * src/core/ipc_queue.c and src/core/share.c: the bounded message queue and
 * the share table behind tofu's IPC hypercalls.
 */
#include "unit.h"
#include <string.h>
#include "core/ipc.h"

static struct ipc_queue q;
static struct share_table t;

static int setup(void **state)
{
    (void)state;
    ipc_queue_init(&q);
    share_table_init(&t);
    return 0;
}

static void push_n(unsigned n, unsigned first)
{
    for (unsigned i = 0; i < n; i++) {
        uint32_t v = first + i;
        assert_int_equal(ipc_queue_push(&q, 2, &v, sizeof(v)), TOFU_OK);
    }
}

static void test_queue_empty(void **state)
{
    (void)state;
    struct ipc_msg m;
    assert_int_equal(ipc_queue_pop(&q, &m), TOFU_E_EMPTY);
}

static void test_queue_fifo_and_payload(void **state)
{
    (void)state;
    struct ipc_msg m;
    uint8_t big[TOFU_MSG_MAX];
    for (unsigned i = 0; i < sizeof(big); i++)
        big[i] = (uint8_t)(i * 7);
    assert_int_equal(ipc_queue_push(&q, 3, "hello", 5), TOFU_OK);
    assert_int_equal(ipc_queue_push(&q, 4, big, sizeof(big)), TOFU_OK);
    assert_int_equal(ipc_queue_pop(&q, &m), TOFU_OK);
    assert_int_equal(m.sender, 3);
    assert_int_equal(m.len, 5);
    assert_memory_equal(m.data, "hello", 5);
    assert_int_equal(ipc_queue_pop(&q, &m), TOFU_OK);
    assert_int_equal(m.sender, 4);
    assert_int_equal(m.len, TOFU_MSG_MAX);
    assert_memory_equal(m.data, big, sizeof(big));
    assert_int_equal(ipc_queue_pop(&q, &m), TOFU_E_EMPTY);
}

static void test_queue_full_refuses_and_keeps_contents(void **state)
{
    (void)state;
    struct ipc_msg m;
    uint32_t v = 999;
    push_n(TOFU_QUEUE_DEPTH, 0);
    assert_int_equal(ipc_queue_push(&q, 2, &v, sizeof(v)), TOFU_E_FULL);
    assert_int_equal(q.count, TOFU_QUEUE_DEPTH);
    /* Nothing was overwritten or lost: 0..DEPTH-1, in order, once each. */
    for (uint32_t i = 0; i < TOFU_QUEUE_DEPTH; i++) {
        assert_int_equal(ipc_queue_pop(&q, &m), TOFU_OK);
        assert_int_equal(*(uint32_t *)m.data, i);
    }
    assert_int_equal(ipc_queue_pop(&q, &m), TOFU_E_EMPTY);
}

static void test_queue_oversize(void **state)
{
    (void)state;
    uint8_t big[TOFU_MSG_MAX + 1] = { 0 };
    assert_int_equal(ipc_queue_push(&q, 2, big, sizeof(big)), TOFU_E_TOO_BIG);
    assert_int_equal(q.count, 0);
}

static void test_queue_wraps_around(void **state)
{
    (void)state;
    struct ipc_msg m;
    uint32_t next_in = 0, next_out = 0;
    /* Many rounds of partial fill and drain: head wraps several times. */
    for (unsigned round = 0; round < 5 * TOFU_QUEUE_DEPTH; round++) {
        unsigned n = 1 + round % (TOFU_QUEUE_DEPTH - 1);
        push_n(n, next_in);
        next_in += n;
        for (unsigned i = 0; i < n; i++) {
            assert_int_equal(ipc_queue_pop(&q, &m), TOFU_OK);
            assert_int_equal(*(uint32_t *)m.data, next_out++);
        }
    }
    assert_true(q.head < TOFU_QUEUE_DEPTH);
    assert_int_equal(ipc_queue_pop(&q, &m), TOFU_E_EMPTY);
}

static void test_share_ids_distinct_and_found(void **state)
{
    (void)state;
    int err;
    int64_t a = share_create(&t, 1, SHARE_SLOTS, 0x40000000, 0x2000, TOFU_SHARE_RW, 0);
    int64_t b = share_create(&t, 1, SHARE_SLOTS, 0x40100000, 0x1000, TOFU_SHARE_RO, 2);
    assert_true(a > 0 && b > 0 && a != b);
    struct share *s = share_get(&t, (uint64_t)b, &err);
    assert_non_null(s);
    assert_int_equal(err, TOFU_OK);
    assert_int_equal(s->owner, 1);
    assert_int_equal(s->only, 2);
    assert_int_equal(s->size, 0x1000);
    assert_int_equal(s->rights, TOFU_SHARE_RO);
}

static void test_share_bad_ids(void **state)
{
    (void)state;
    int err;
    assert_null(share_get(&t, 0, &err));
    assert_int_equal(err, TOFU_E_BAD_SHARE);
    assert_null(share_get(&t, 5, &err));                 /* slot never used */
    assert_int_equal(err, TOFU_E_BAD_SHARE);
    assert_null(share_get(&t, SHARE_SLOTS + 1, &err));   /* beyond the table */
    assert_int_equal(err, TOFU_E_BAD_SHARE);
    assert_null(share_get(&t, UINT64_MAX, &err));
    assert_int_equal(err, TOFU_E_BAD_SHARE);
}

static void test_share_double_map_refused(void **state)
{
    (void)state;
    int err;
    int64_t id = share_create(&t, 1, SHARE_SLOTS, 0x40000000, 0x1000, TOFU_SHARE_RW, 0);
    struct share *s = share_get(&t, (uint64_t)id, &err);
    assert_int_equal(share_add_mapping(s, 2, 0x100000000), TOFU_OK);
    assert_int_equal(share_add_mapping(s, 2, 0x100100000), TOFU_E_BUSY);
    assert_int_equal(share_add_mapping(s, 3, 0x100000000), TOFU_OK);   /* another VM may */
    assert_int_equal(share_mapping(s, 2)->ipa, 0x100000000);
}

static void test_share_overlap_of_mappings(void **state)
{
    (void)state;
    int err;
    int64_t id = share_create(&t, 1, SHARE_SLOTS, 0x40000000, 0x2000, TOFU_SHARE_RW, 0);
    share_add_mapping(share_get(&t, (uint64_t)id, &err), 2, 0x100000000);
    assert_true(share_overlaps_mapping(&t, 2, 0x100001000, 0x1000));
    assert_true(share_overlaps_mapping(&t, 2, 0xfffff000, 0x2000));
    assert_false(share_overlaps_mapping(&t, 2, 0x100002000, 0x1000));   /* just past */
    assert_false(share_overlaps_mapping(&t, 3, 0x100000000, 0x1000));   /* other VM */
}

static void test_revoke_while_mapped(void **state)
{
    (void)state;
    int err;
    int64_t id = share_create(&t, 1, SHARE_SLOTS, 0x40000000, 0x1000, TOFU_SHARE_RW, 0);
    struct share *s = share_get(&t, (uint64_t)id, &err);
    share_add_mapping(s, 2, 0x100000000);
    share_add_mapping(s, 3, 0x100000000);
    share_release(s);
    /* Mappings are gone with it, and the ID now reads as revoked. */
    assert_false(share_overlaps_mapping(&t, 2, 0x100000000, 0x1000));
    assert_null(share_get(&t, (uint64_t)id, &err));
    assert_int_equal(err, TOFU_E_REVOKED);
}

static void test_revoked_id_stays_revoked_after_reuse(void **state)
{
    (void)state;
    int err;
    int64_t old = share_create(&t, 1, SHARE_SLOTS, 0x40000000, 0x1000, TOFU_SHARE_RW, 0);
    share_release(share_get(&t, (uint64_t)old, &err));
    int64_t fresh = share_create(&t, 4, SHARE_SLOTS, 0x40200000, 0x1000, TOFU_SHARE_RO, 0);
    assert_int_not_equal(fresh, old);                  /* same slot, new generation */
    assert_null(share_get(&t, (uint64_t)old, &err));   /* map of a revoked ID */
    assert_int_equal(err, TOFU_E_REVOKED);
    struct share *s = share_get(&t, (uint64_t)fresh, &err);
    assert_non_null(s);
    assert_int_equal(s->owner, 4);
}

static void test_table_full(void **state)
{
    (void)state;
    for (unsigned i = 0; i < SHARE_SLOTS; i++)
        assert_true(share_create(&t, 1, SHARE_SLOTS, 0x40000000 + i * 0x1000, 0x1000, TOFU_SHARE_RO, 0) > 0);
    assert_int_equal(share_create(&t, 1, SHARE_SLOTS, 0x48000000, 0x1000, TOFU_SHARE_RO, 0), TOFU_E_BUSY);
}

/* Quotas: one VM filling its own cannot take another's slots. */
static void test_quota_per_owner(void **state)
{
    (void)state;
    enum { QUOTA = SHARE_SLOTS / 2 };
    for (unsigned i = 0; i < QUOTA; i++)
        assert_true(share_create(&t, 1, QUOTA, 0x40000000 + i * 0x1000, 0x1000, TOFU_SHARE_RO, 0) > 0);
    assert_int_equal(share_create(&t, 1, QUOTA, 0x48000000, 0x1000, TOFU_SHARE_RO, 0), TOFU_E_BUSY);
    assert_int_equal(share_count_owned(&t, 1), QUOTA);
    /* The other VM gets all of its own. */
    for (unsigned i = 0; i < QUOTA; i++)
        assert_true(share_create(&t, 2, QUOTA, 0x40000000 + i * 0x1000, 0x1000, TOFU_SHARE_RW, 0) > 0);
    assert_int_equal(share_create(&t, 2, QUOTA, 0x48000000, 0x1000, TOFU_SHARE_RO, 0), TOFU_E_BUSY);
    /* A revoked share gives its slot back to its owner. */
    int err;
    int64_t id = share_create(&t, 3, 1, 0x40000000, 0x1000, TOFU_SHARE_RO, 0);
    assert_int_equal(id, TOFU_E_BUSY);              /* the table is full */
    struct share *s = share_get(&t, 1, &err);      /* slot 1, generation 0: owner 1 first */
    assert_non_null(s);
    assert_int_equal(s->owner, 1);
    share_release(s);
    assert_true(share_create(&t, 1, QUOTA, 0x48000000, 0x1000, TOFU_SHARE_RO, 0) > 0);
    assert_int_equal(share_create(&t, 4, 0, 0x49000000, 0x1000, TOFU_SHARE_RO, 0), TOFU_E_BUSY);  /* no quota */
}

static void test_mapping_slots_full(void **state)
{
    (void)state;
    int err;
    int64_t id = share_create(&t, 1, SHARE_SLOTS, 0x40000000, 0x1000, TOFU_SHARE_RO, 0);
    struct share *s = share_get(&t, (uint64_t)id, &err);
    for (unsigned vm = 2; vm < 2 + SHARE_MAX_MAPS; vm++)
        assert_int_equal(share_add_mapping(s, (uint16_t)vm, 0x100000000), TOFU_OK);
    assert_int_equal(share_add_mapping(s, 99, 0x100000000), TOFU_E_BUSY);
    share_remove_mapping(s, 2);
    assert_int_equal(share_add_mapping(s, 99, 0x100000000), TOFU_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_queue_empty, setup),
        cmocka_unit_test_setup(test_queue_fifo_and_payload, setup),
        cmocka_unit_test_setup(test_queue_full_refuses_and_keeps_contents, setup),
        cmocka_unit_test_setup(test_queue_oversize, setup),
        cmocka_unit_test_setup(test_queue_wraps_around, setup),
        cmocka_unit_test_setup(test_share_ids_distinct_and_found, setup),
        cmocka_unit_test_setup(test_share_bad_ids, setup),
        cmocka_unit_test_setup(test_share_double_map_refused, setup),
        cmocka_unit_test_setup(test_share_overlap_of_mappings, setup),
        cmocka_unit_test_setup(test_revoke_while_mapped, setup),
        cmocka_unit_test_setup(test_revoked_id_stays_revoked_after_reuse, setup),
        cmocka_unit_test_setup(test_table_full, setup),
        cmocka_unit_test_setup(test_quota_per_owner, setup),
        cmocka_unit_test_setup(test_mapping_slots_full, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
