/* SPDX-License-Identifier: MIT */
/*
 * src/core/palloc.c: first-fit page allocator, one bitmap per RAM bank.  The
 * first bank starts at a physical address that is 4 KiB but not 2 MiB
 * aligned, so that alignment of the address and alignment of the page index
 * differ.  The banks' tests take boards' shapes: the Raspberry Pi 4B's (two
 * banks, 64 MiB apart), the ZCU102's (the second at 32 GiB).
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

/* ---- several banks ------------------------------------------------------- */

#define BANK2       UINT64_C(0x800000000)       /* the ZCU102's high DDR */
#define BANK2_PAGES 1024                        /* 4 MiB */
#define PG2(n)      (BANK2 + (uint64_t)(n) * PAGE_SIZE)

static uint64_t bitmap2[PALLOC_BITMAP_WORDS(BANK2_PAGES)];

static int setup_two(void **state)
{
    setup(state);
    assert_int_equal(palloc_add_bank(&pa, BANK2, BANK2_PAGES, bitmap2), E_OK);
    return 0;
}

static void test_banks_add(void **state)
{
    (void)state;
    assert_int_equal(pa.nr_banks, 2);
    assert_int_equal(pa.free_pages, NPAGES + BANK2_PAGES);
    assert_int_equal(pa.bank[1].free_pages, BANK2_PAGES);
    static uint64_t spare[PALLOC_BITMAP_WORDS(BANK2_PAGES)];
    assert_int_equal(palloc_add_bank(&pa, PG(NPAGES - 1), 4, spare), E_EXIST);   /* overlaps the first */
    assert_int_equal(palloc_add_bank(&pa, BANK2 - PAGE_SIZE, 2, spare), E_EXIST);
    assert_int_equal(palloc_add_bank(&pa, BANK2 + 0x10, 4, spare), E_INVAL);    /* not page-aligned */
    assert_int_equal(palloc_add_bank(&pa, 0, 0, spare), E_INVAL);               /* empty */
    assert_int_equal(palloc_add_bank(&pa, PAGE_SIZE, 4, spare), E_OK);          /* below the others */
    assert_int_equal(palloc_add_bank(&pa, PAGE_SIZE * 8, 4, spare + 1), E_OK);
    assert_int_equal(palloc_add_bank(&pa, PAGE_SIZE * 16, 4, spare + 2), E_NOMEM);   /* MAX_RAM_BANKS */
    assert_int_equal(pa.nr_banks, MAX_RAM_BANKS);
    assert_int_equal(pa.free_pages, NPAGES + BANK2_PAGES + 8);
}

/* First fit takes the banks in their order: the second only when the
 * first has no run. */
static void test_banks_first_fit(void **state)
{
    (void)state;
    assert_int_equal(palloc_alloc(&pa, NPAGES - 1, 1), BASE);
    assert_int_equal(palloc_alloc(&pa, 1, 1), PG(NPAGES - 1));
    assert_int_equal(palloc_alloc(&pa, 1, 1), PG2(0));
    assert_int_equal(pa.bank[0].free_pages, 0);
    assert_int_equal(pa.bank[1].free_pages, BANK2_PAGES - 1);
    assert_int_equal(pa.free_pages, BANK2_PAGES - 1);
    palloc_free(&pa, PG(10), 1);
    assert_int_equal(palloc_alloc(&pa, 1, 1), PG(10));            /* back in the first */
}

/* A run is never split across banks, even where two banks touch. */
static void test_banks_run_in_one_bank(void **state)
{
    (void)state;
    static uint64_t bm[PALLOC_BITMAP_WORDS(16)];
    assert_int_equal(palloc_add_bank(&pa, PG(NPAGES), 16, bm), E_OK);     /* right after the first */
    assert_int_equal(palloc_alloc_at(&pa, BASE, NPAGES - 8), BASE);
    /* 8 free pages at the first bank's end and 16 after it: no run of 20 there. */
    assert_int_equal(palloc_alloc(&pa, 20, 1), PG2(0));
    assert_int_equal(palloc_alloc_at(&pa, PG(NPAGES - 8), 20), 0);
    assert_int_equal(palloc_alloc_at(&pa, PG(NPAGES - 8), 8), PG(NPAGES - 8));
    assert_int_equal(palloc_alloc(&pa, 16, 1), PG2(20));          /* the banks' order, not the address's */
    assert_int_equal(palloc_alloc_at(&pa, PG(NPAGES), 16), PG(NPAGES));
    /* A VM larger than any bank: no bank holds it, though the total would. */
    assert_int_equal(palloc_alloc(&pa, BANK2_PAGES, 1), 0);
}

/* 2 MiB alignment is of the address in whichever bank. */
static void test_banks_alignment(void **state)
{
    (void)state;
    palloc_reserve(&pa, BASE, NPAGES * PAGE_SIZE);                 /* the first bank full */
    assert_int_equal(palloc_alloc(&pa, 1, 1), PG2(0));
    assert_int_equal(palloc_alloc(&pa, 512, 512), BANK2 + SZ_2M);
    assert_int_equal(palloc_alloc(&pa, 512, 512), 0);
    assert_int_equal(palloc_alloc(&pa, 511, 1), PG2(1));
}

static void test_banks_at_free_reserve(void **state)
{
    (void)state;
    assert_int_equal(palloc_alloc_at(&pa, PG2(100), 10), PG2(100));
    assert_int_equal(palloc_alloc_at(&pa, PG2(105), 1), 0);
    assert_int_equal(palloc_alloc_at(&pa, PG2(BANK2_PAGES - 1), 2), 0);   /* past its end */
    assert_int_equal(palloc_alloc_at(&pa, PG(NPAGES), 1), 0);             /* between the banks */
    assert_int_equal(pa.bank[1].free_pages, BANK2_PAGES - 10);
    palloc_free(&pa, PG2(100), 10);
    assert_int_equal(pa.free_pages, NPAGES + BANK2_PAGES);
    palloc_free(&pa, PG(NPAGES), 1);                                      /* between: nothing */
    assert_int_equal(pa.free_pages, NPAGES + BANK2_PAGES);
    /* One reserve across both banks and the hole between them. */
    palloc_reserve(&pa, PG(NPAGES - 2), BANK2 - PG(NPAGES - 2) + 3 * PAGE_SIZE);
    assert_int_equal(pa.bank[0].free_pages, NPAGES - 2);
    assert_int_equal(pa.bank[1].free_pages, BANK2_PAGES - 3);
    assert_int_equal(pa.free_pages, NPAGES + BANK2_PAGES - 5);
    assert_non_null(palloc_bank_of(&pa, PG2(3)));
    assert_ptr_equal(palloc_bank_of(&pa, PG2(3)), &pa.bank[1]);
    assert_null(palloc_bank_of(&pa, PG2(BANK2_PAGES)));
    assert_null(palloc_bank_of(&pa, BASE - 1));
}

/* palloc_init_banks: the Raspberry Pi 4B's two banks (shrunk here), each
 * with its bitmap carved from one array; a budget cuts the last. */
static void test_init_banks(void **state)
{
    (void)state;
    static uint64_t pool[PALLOC_BITMAP_WORDS(1000) + PALLOC_BITMAP_WORDS(64)];
    const struct ram_range rpi[] = {
        { 0, 1000 * PAGE_SIZE + 0x800 },                            /* a partial page at its end */
        { UINT64_C(0x40000000), 4096 * PAGE_SIZE },
    };
    assert_int_equal(palloc_init_banks(&pa, rpi, 2, pool, ARRAY_SIZE(pool)), 1000 + 64);
    assert_int_equal(pa.nr_banks, 2);
    assert_int_equal(pa.bank[0].npages, 1000);
    assert_ptr_equal(pa.bank[0].bitmap, pool);
    assert_int_equal(pa.bank[1].npages, 64);                       /* what the bitmap had left */
    assert_ptr_equal(pa.bank[1].bitmap, pool + PALLOC_BITMAP_WORDS(1000));
    assert_int_equal(pa.free_pages, 1064);
    palloc_reserve(&pa, 0, PAGE_SIZE);                              /* PA 0 is the failure (platform_ram_kept) */
    assert_int_equal(palloc_alloc(&pa, 999, 1), PAGE_SIZE);
    assert_int_equal(palloc_alloc(&pa, 64, 1), UINT64_C(0x40000000));
    assert_int_equal(palloc_alloc(&pa, 1, 1), 0);
    /* Overlapping, empty and unaligned-to-nothing banks are left out. */
    const struct ram_range odd[] = {
        { 0x10000, 0x8000 }, { 0x14000, 0x8000 }, { 0x30800, 0x400 }, { 0x40000, 0 },
    };
    assert_int_equal(palloc_init_banks(&pa, odd, 4, pool, ARRAY_SIZE(pool)), 8);
    assert_int_equal(pa.nr_banks, 1);
    assert_int_equal(palloc_init_banks(&pa, rpi, 2, pool, 0), 0);   /* no bitmap: nothing managed */
    assert_int_equal(pa.nr_banks, 0);
    assert_int_equal(palloc_alloc(&pa, 1, 1), 0);
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
        cmocka_unit_test_setup_teardown(test_banks_add, setup_two, teardown),
        cmocka_unit_test_setup_teardown(test_banks_first_fit, setup_two, teardown),
        cmocka_unit_test_setup_teardown(test_banks_run_in_one_bank, setup_two, teardown),
        cmocka_unit_test_setup_teardown(test_banks_alignment, setup_two, teardown),
        cmocka_unit_test_setup_teardown(test_banks_at_free_reserve, setup_two, teardown),
        cmocka_unit_test(test_init_banks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
