/* SPDX-License-Identifier: MIT */
/*
 * src/core/palloc.c: first-fit page allocator over one bitmap.  The range
 * starts at a physical address that is 4 KiB but not 2 MiB aligned, so that
 * alignment of the address and alignment of the page index differ.
 */
#include "unit.h"
#include "core/palloc.h"

#define BASE    UINT64_C(0x40001000)        /* 2 MiB boundary at page 511 */
#define NPAGES  2048                        /* 8 MiB */
#define PG(n)   (BASE + (uint64_t)(n) * PAGE_SIZE)
#define FIRST_2M UINT64_C(0x40200000)

#define BITMAP_WORDS (NPAGES / 64)

static struct palloc pa;
static uint64_t *bitmap;                    /* exactly as large as required */

static int setup(void **state)
{
    (void)state;
    bitmap = malloc(BITMAP_WORDS * sizeof(uint64_t));
    assert_non_null(bitmap);
    for (unsigned i = 0; i < BITMAP_WORDS; i++)
        bitmap[i] = ~UINT64_C(0);          /* palloc_init must clear it */
    palloc_init(&pa, BASE, NPAGES, bitmap);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    free(bitmap);
    return 0;
}

static void test_init_all_free(void **state)
{
    (void)state;
    assert_int_equal(pa.free_pages, NPAGES);
    assert_int_equal(palloc_alloc(&pa, NPAGES, 1), BASE);
    assert_int_equal(pa.free_pages, 0);
}

static void test_alloc_first_fit(void **state)
{
    (void)state;
    assert_int_equal(palloc_alloc(&pa, 1, 1), PG(0));
    assert_int_equal(palloc_alloc(&pa, 3, 1), PG(1));
    assert_int_equal(palloc_alloc(&pa, 1, 1), PG(4));
    assert_int_equal(pa.free_pages, NPAGES - 5);
}

static void test_alloc_aligns_the_address(void **state)
{
    (void)state;
    /* 2 MiB alignment: the first 2 MiB-aligned address, not BASE + 2 MiB. */
    uint64_t a = palloc_alloc(&pa, 512, 512);
    assert_int_equal(a, FIRST_2M);
    assert_true(IS_ALIGNED(a, SZ_2M));
    assert_int_equal(pa.free_pages, NPAGES - 512);
    /* 16 KiB alignment below it: page 3 is the first such address. */
    a = palloc_alloc(&pa, 1, 4);
    assert_int_equal(a, UINT64_C(0x40004000));
    /* The next 2 MiB-aligned run is the one after the first. */
    assert_int_equal(palloc_alloc(&pa, 1, 512), FIRST_2M + SZ_2M);
    /* Pages before the first aligned address are still free. */
    assert_int_equal(palloc_alloc(&pa, 1, 1), PG(0));
}

static void test_alloc_aligned_skips_taken(void **state)
{
    (void)state;
    assert_int_equal(palloc_alloc_at(&pa, FIRST_2M + SZ_2M - PAGE_SIZE, 1),
                     FIRST_2M + SZ_2M - PAGE_SIZE);
    /* The first aligned run of 2 MiB is not free to its end. */
    assert_int_equal(palloc_alloc(&pa, 512, 512), FIRST_2M + SZ_2M);
}

static void test_alloc_bad_arguments(void **state)
{
    (void)state;
    assert_int_equal(palloc_alloc(&pa, 0, 1), 0);
    assert_int_equal(palloc_alloc(&pa, 1, 0), 0);
    assert_int_equal(palloc_alloc(&pa, 1, 3), 0);          /* not a power of two */
    assert_int_equal(palloc_alloc(&pa, NPAGES + 1, 1), 0);
    assert_int_equal(pa.free_pages, NPAGES);
}

static void test_reserve(void **state)
{
    (void)state;
    /* Straddling two pages reserves both. */
    palloc_reserve(&pa, PG(1) + 0x800, PAGE_SIZE);
    assert_int_equal(pa.free_pages, NPAGES - 2);
    assert_int_equal(palloc_alloc_at(&pa, PG(1), 1), 0);
    assert_int_equal(palloc_alloc_at(&pa, PG(2), 1), 0);
    assert_int_equal(palloc_alloc(&pa, 2, 1), PG(3));      /* page 0 alone is too small */
    assert_int_equal(palloc_alloc(&pa, 1, 1), PG(0));
    /* Reserving again what is used changes no count. */
    palloc_reserve(&pa, PG(0), 5 * PAGE_SIZE);
    assert_int_equal(pa.free_pages, NPAGES - 5);
}

static void test_reserve_clipped_to_range(void **state)
{
    (void)state;
    palloc_reserve(&pa, BASE - 0x10000, 0x10000);         /* entirely below */
    palloc_reserve(&pa, PG(NPAGES), 0x10000);             /* entirely above */
    assert_int_equal(pa.free_pages, NPAGES);
    palloc_reserve(&pa, BASE - 0x10000, 0x10000 + PAGE_SIZE);   /* overlaps page 0 */
    palloc_reserve(&pa, PG(NPAGES - 1), 0x10000);               /* overlaps the last */
    assert_int_equal(pa.free_pages, NPAGES - 2);
    assert_int_equal(palloc_alloc_at(&pa, PG(0), 1), 0);
    assert_int_equal(palloc_alloc_at(&pa, PG(NPAGES - 1), 1), 0);
    assert_int_equal(palloc_alloc_at(&pa, PG(1), NPAGES - 2), PG(1));
    assert_int_equal(pa.free_pages, 0);
}

static void test_alloc_at(void **state)
{
    (void)state;
    assert_int_equal(palloc_alloc_at(&pa, PG(10), 4), PG(10));
    assert_int_equal(pa.free_pages, NPAGES - 4);
    assert_int_equal(palloc_alloc_at(&pa, PG(10), 1), 0);          /* taken */
    assert_int_equal(palloc_alloc_at(&pa, PG(8), 3), 0);           /* runs into it */
    assert_int_equal(palloc_alloc_at(&pa, PG(13), 1), 0);
    assert_int_equal(palloc_alloc_at(&pa, PG(14), 1), PG(14));     /* right after */
    assert_int_equal(palloc_alloc_at(&pa, BASE - PAGE_SIZE, 1), 0);     /* below */
    assert_int_equal(palloc_alloc_at(&pa, PG(NPAGES), 1), 0);           /* above */
    assert_int_equal(palloc_alloc_at(&pa, PG(NPAGES - 1), 2), 0);       /* past the end */
    assert_int_equal(palloc_alloc_at(&pa, PG(20) + 0x10, 1), 0);        /* unaligned */
    assert_int_equal(palloc_alloc_at(&pa, PG(20), 0), 0);
    assert_int_equal(pa.free_pages, NPAGES - 5);
    assert_int_equal(palloc_alloc_at(&pa, PG(NPAGES - 1), 1), PG(NPAGES - 1));
}

static void test_free_and_reuse(void **state)
{
    (void)state;
    uint64_t a = palloc_alloc(&pa, 4, 1), b = palloc_alloc(&pa, 4, 1);
    assert_int_equal(b, a + 4 * PAGE_SIZE);
    palloc_free(&pa, a, 4);
    assert_int_equal(pa.free_pages, NPAGES - 4);
    assert_int_equal(palloc_alloc(&pa, 2, 1), a);           /* first fit finds the hole */
    assert_int_equal(palloc_alloc(&pa, 2, 1), a + 2 * PAGE_SIZE);
    assert_int_equal(palloc_alloc(&pa, 1, 1), b + 4 * PAGE_SIZE);
    /* Freeing what is free, or outside the range, changes nothing. */
    palloc_free(&pa, PG(100), 1);
    palloc_free(&pa, BASE - PAGE_SIZE, 1);
    palloc_free(&pa, PG(NPAGES - 1), 2);
    assert_int_equal(pa.free_pages, NPAGES - 9);
    palloc_free(&pa, b, 4);
    palloc_free(&pa, b, 4);
    assert_int_equal(pa.free_pages, NPAGES - 5);
}

static void test_exhaustion(void **state)
{
    (void)state;
    assert_int_equal(palloc_alloc(&pa, NPAGES - 1, 1), BASE);
    assert_int_equal(palloc_alloc(&pa, 2, 1), 0);
    assert_int_equal(palloc_alloc(&pa, 1, 4096), 0);    /* the free page is not 16 MiB aligned */
    assert_int_equal(palloc_alloc(&pa, 1, 1), PG(NPAGES - 1));
    assert_int_equal(palloc_alloc(&pa, 1, 1), 0);
    assert_int_equal(pa.free_pages, 0);
}

static void test_fragmentation(void **state)
{
    (void)state;
    assert_int_equal(palloc_alloc(&pa, NPAGES, 1), BASE);
    palloc_free(&pa, PG(0), 1);
    palloc_free(&pa, PG(2), 1);
    assert_int_equal(pa.free_pages, 2);
    assert_int_equal(palloc_alloc(&pa, 2, 1), 0);       /* two free pages, not adjacent */
    assert_int_equal(palloc_alloc(&pa, 1, 1), PG(0));
    assert_int_equal(palloc_alloc(&pa, 1, 1), PG(2));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_init_all_free, setup, teardown),
        cmocka_unit_test_setup_teardown(test_alloc_first_fit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_alloc_aligns_the_address, setup, teardown),
        cmocka_unit_test_setup_teardown(test_alloc_aligned_skips_taken, setup, teardown),
        cmocka_unit_test_setup_teardown(test_alloc_bad_arguments, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reserve, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reserve_clipped_to_range, setup, teardown),
        cmocka_unit_test_setup_teardown(test_alloc_at, setup, teardown),
        cmocka_unit_test_setup_teardown(test_free_and_reuse, setup, teardown),
        cmocka_unit_test_setup_teardown(test_exhaustion, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fragmentation, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
