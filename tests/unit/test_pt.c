/* SPDX-License-Identifier: MIT */
/*
 * src/arch/arm64/mm/pt.c: VMSAv8-64 tables, 4 KiB granule, on host memory.
 * Tables come from a static pool of 4 KiB-aligned pages whose size a test
 * can limit.  Leaf attributes are the stage-2 PTE_* bits of arch/regs.h
 * (mmu.c's s2_attrs_* read system registers, so they are not linked).
 */
#include <string.h>
#include "unit.h"
#include "arch/pt.h"
#include "arch/regs.h"

#define POOL_TABLES 64
static uint64_t pool[POOL_TABLES][PT_ENTRIES] __attribute__((aligned(4096)));

struct pool_ctx {
    unsigned used, limit;       /* tables in use now; most that may be */
    bool busy[POOL_TABLES];
};
static struct pool_ctx ctx;
static struct pt pt;

/* Lowest free table first, so a table given back is the next one taken. */
static uint64_t *pool_alloc(void *p)
{
    struct pool_ctx *c = p;
    if (c->used == c->limit)
        return NULL;
    for (unsigned i = 0; i < POOL_TABLES; i++) {
        if (!c->busy[i]) {
            c->busy[i] = true;
            c->used++;
            memset(pool[i], 0, sizeof(pool[0]));
            return pool[i];
        }
    }
    return NULL;
}

static void pool_free(void *p, uint64_t *table)
{
    struct pool_ctx *c = p;
    unsigned i = (unsigned)((uint64_t(*)[PT_ENTRIES])table - pool);
    assert_true(i < POOL_TABLES && c->busy[i]);     /* no double free, no stranger */
    c->busy[i] = false;
    c->used--;
}

/* Stage-2 attribute sets, as a VM's RAM and devices use them. */
#define S2_RAM_RW  (PTE_S2_MEMATTR_NORMAL_WB | PTE_S2_AP_R | PTE_S2_AP_W | PTE_SH_INNER | PTE_AF)
#define S2_RAM_RO  (PTE_S2_MEMATTR_NORMAL_WB | PTE_S2_AP_R | PTE_SH_INNER | PTE_AF)
#define S2_DEVICE  (PTE_S2_MEMATTR_DEVICE | PTE_S2_AP_R | PTE_S2_AP_W | PTE_S2_XN | PTE_AF)

#define SZ_4K PAGE_SIZE

/* A fresh pt for `in_bits`-bit inputs, its tables limited to `limit`. */
static void init_pt(unsigned in_bits, unsigned limit)
{
    ctx = (struct pool_ctx){ .limit = limit };
    assert_int_equal(pt_init(&pt, in_bits, pool_alloc, pool_free, &ctx), E_OK);
}

static int setup39(void **state)
{
    (void)state;
    init_pt(39, POOL_TABLES);
    return 0;
}

static void expect_leaf(uint64_t in, uint64_t out, uint64_t attrs, uint64_t leaf)
{
    uint64_t o = 0, a = 0, l = 0;
    assert_int_equal(pt_lookup(&pt, in, &o, &a, &l), E_OK);
    assert_int_equal(o, out);
    assert_int_equal(a, attrs);
    assert_int_equal(l, leaf);
}

static void expect_unmapped(uint64_t in)
{
    uint64_t o = 0xdead;
    assert_int_equal(pt_lookup(&pt, in, &o, NULL, NULL), E_NOENT);
}

static void test_init(void **state)
{
    (void)state;
    struct pt p;
    struct pool_ctx c = { .limit = POOL_TABLES };
    assert_int_equal(pt_init(&p, 39, pool_alloc, pool_free, &c), E_OK);
    assert_int_equal(p.start_level, 1);
    assert_int_equal(c.used, 1);
    assert_int_equal(pt_init(&p, 40, pool_alloc, pool_free, &c), E_OK);
    assert_int_equal(p.start_level, 0);
    assert_int_equal(pt_init(&p, 48, pool_alloc, pool_free, &c), E_OK);
    assert_int_equal(pt_init(&p, 49, pool_alloc, pool_free, &c), E_INVAL);
    assert_int_equal(pt_init(&p, 24, pool_alloc, pool_free, &c), E_INVAL);
    c = (struct pool_ctx){ .limit = 0 };
    assert_int_equal(pt_init(&p, 39, pool_alloc, pool_free, &c), E_NOMEM);
}

static void test_2m_aligned_uses_level2_blocks(void **state)
{
    (void)state;
    assert_int_equal(pt_map(&pt, 0x40200000, 0x80400000, 2 * SZ_2M, S2_RAM_RW), E_OK);
    /* One level-2 table under the root, no level-3 table. */
    assert_int_equal(ctx.used, 2);
    expect_leaf(0x40200000, 0x80400000, S2_RAM_RW, SZ_2M);
    expect_leaf(0x40323456, 0x80523456, S2_RAM_RW, SZ_2M);
    expect_leaf(0x405fffff, 0x807fffff, S2_RAM_RW, SZ_2M);
    expect_unmapped(0x401fffff);
    expect_unmapped(0x40600000);
}

static void test_1g_aligned_uses_level1_block(void **state)
{
    (void)state;
    assert_int_equal(pt_map(&pt, 0x40000000, 0x100000000, SZ_1G, S2_RAM_RW), E_OK);
    assert_int_equal(ctx.used, 1);          /* a block in the root itself */
    expect_leaf(0x40000000, 0x100000000, S2_RAM_RW, SZ_1G);
    expect_leaf(0x7fffffff, 0x13fffffff, S2_RAM_RW, SZ_1G);
    expect_unmapped(0x80000000);
    expect_unmapped(0x3fffffff);
}

static void test_block_needs_output_alignment_too(void **state)
{
    (void)state;
    /* Input 1 GiB aligned, output only 2 MiB aligned: 2 MiB blocks. */
    assert_int_equal(pt_map(&pt, 0x40000000, 0x80200000, SZ_1G, S2_RAM_RW), E_OK);
    expect_leaf(0x40000000, 0x80200000, S2_RAM_RW, SZ_2M);
    expect_leaf(0x7fe00000, 0xc0000000, S2_RAM_RW, SZ_2M);
    /* Input 2 MiB aligned, output only 4 KiB aligned: pages. */
    assert_int_equal(pt_map(&pt, 0x80000000, 0x90001000, SZ_2M, S2_RAM_RW), E_OK);
    expect_leaf(0x80000000, 0x90001000, S2_RAM_RW, SZ_4K);
    expect_leaf(0x801ff000, 0x90200000, S2_RAM_RW, SZ_4K);
}

static void test_unaligned_uses_pages(void **state)
{
    (void)state;
    assert_int_equal(pt_map(&pt, 0x9000000 + 0x1000, 0x50001000, 3 * SZ_4K, S2_DEVICE), E_OK);
    assert_int_equal(ctx.used, 3);          /* root, level 2, level 3 */
    expect_unmapped(0x9000000);
    expect_leaf(0x9001000, 0x50001000, S2_DEVICE, SZ_4K);
    expect_leaf(0x9002abc, 0x50002abc, S2_DEVICE, SZ_4K);
    expect_leaf(0x9003fff, 0x50003fff, S2_DEVICE, SZ_4K);
    expect_unmapped(0x9004000);
}

static void test_mixed_range_splits(void **state)
{
    (void)state;
    /* 4K below a 2 MiB boundary, across a whole 1 GiB, to 4K past one:
     * page, 2M blocks up to the 1G boundary, a 1G block, a 2M block, page. */
    uint64_t in = SZ_1G - SZ_2M - SZ_4K, out = 0x200000000 + in;
    uint64_t size = SZ_4K + SZ_2M + SZ_1G + SZ_2M + SZ_4K;
    assert_int_equal(pt_map(&pt, in, out, size, S2_RAM_RW), E_OK);
    expect_leaf(in, out, S2_RAM_RW, SZ_4K);
    expect_leaf(in + SZ_4K, out + SZ_4K, S2_RAM_RW, SZ_2M);
    expect_leaf(SZ_1G - 1, out + (SZ_1G - 1 - in), S2_RAM_RW, SZ_2M);
    expect_leaf(SZ_1G, out + (SZ_1G - in), S2_RAM_RW, SZ_1G);
    expect_leaf(2 * SZ_1G - 1, out + (2 * SZ_1G - 1 - in), S2_RAM_RW, SZ_1G);
    expect_leaf(2 * SZ_1G, out + (2 * SZ_1G - in), S2_RAM_RW, SZ_2M);
    expect_leaf(2 * SZ_1G + SZ_2M, out + (2 * SZ_1G + SZ_2M - in), S2_RAM_RW, SZ_4K);
    expect_unmapped(in - 1);
    expect_unmapped(in + size);
    /* Every page of the range translates linearly. */
    for (uint64_t a = in; a < in + size; a += SZ_4K) {
        uint64_t o;
        assert_int_equal(pt_lookup(&pt, a, &o, NULL, NULL), E_OK);
        assert_int_equal(o, out + (a - in));
    }
}

/* The descriptors the MMU walks: table, block and page encodings (D8.3). */
static void test_descriptor_encodings(void **state)
{
    (void)state;
    assert_int_equal(pt_map(&pt, 0x40200000, 0x80200000, SZ_2M, S2_RAM_RO), E_OK);
    assert_int_equal(pt_map(&pt, 0x40400000, 0x80400000, SZ_4K, S2_RAM_RW), E_OK);
    uint64_t l1 = pt.root[1];                           /* IPA[38:30] = 1 */
    assert_int_equal(l1 & (PTE_VALID | PTE_TABLE), PTE_VALID | PTE_TABLE);
    const uint64_t *l2 = (const uint64_t *)(uintptr_t)(l1 & PTE_ADDR_MASK);
    assert_ptr_equal(l2, pool[1]);
    uint64_t blk = l2[1];                               /* IPA[29:21] = 1 */
    assert_int_equal(blk & (PTE_VALID | PTE_TABLE), PTE_VALID);     /* block: bit 1 clear */
    assert_int_equal(blk & PTE_ADDR_MASK, 0x80200000);
    assert_int_equal(blk & ~(PTE_ADDR_MASK | PTE_VALID), S2_RAM_RO);
    uint64_t tbl = l2[2];
    assert_int_equal(tbl & (PTE_VALID | PTE_TABLE), PTE_VALID | PTE_TABLE);
    const uint64_t *l3 = (const uint64_t *)(uintptr_t)(tbl & PTE_ADDR_MASK);
    uint64_t page = l3[0];
    assert_int_equal(page & (PTE_VALID | PTE_PAGE), PTE_VALID | PTE_PAGE);  /* page: bit 1 set */
    assert_int_equal(page & PTE_ADDR_MASK, 0x80400000);
    assert_int_equal(page & ~(PTE_ADDR_MASK | PTE_VALID | PTE_PAGE), S2_RAM_RW);
    assert_int_equal(l3[1], 0);
}

static void test_attributes_preserved(void **state)
{
    (void)state;
    assert_int_equal(pt_map(&pt, 0x40000000, 0x80000000, SZ_2M, S2_RAM_RO), E_OK);
    assert_int_equal(pt_map(&pt, 0x40200000, 0x80200000, SZ_2M, S2_RAM_RW), E_OK);
    assert_int_equal(pt_map(&pt, 0x09000000, 0x09000000, SZ_4K, S2_DEVICE), E_OK);
    assert_int_equal(pt_map(&pt, 0x09001000, 0x09001000, SZ_4K, S2_RAM_RO | PTE_S2_XN), E_OK);
    expect_leaf(0x40000000, 0x80000000, S2_RAM_RO, SZ_2M);
    expect_leaf(0x40200000, 0x80200000, S2_RAM_RW, SZ_2M);
    expect_leaf(0x09000000, 0x09000000, S2_DEVICE, SZ_4K);
    expect_leaf(0x09001000, 0x09001000, S2_RAM_RO | PTE_S2_XN, SZ_4K);
    uint64_t a;
    assert_int_equal(pt_lookup(&pt, 0x40000000, NULL, &a, NULL), E_OK);
    assert_int_equal(a & PTE_S2_AP_W, 0);
    assert_int_equal(pt_lookup(&pt, 0x09000000, NULL, &a, NULL), E_OK);
    assert_int_equal(a & PTE_S2_XN, PTE_S2_XN);
}

static void test_attrs_cannot_change_type_or_address(void **state)
{
    (void)state;
    /* Address, valid and type bits in `attrs` are not attributes. */
    uint64_t junk = UINT64_C(0x0000123456789000) | PTE_VALID | PTE_TABLE;
    assert_int_equal(pt_map(&pt, 0x40000000, 0x80000000, SZ_2M + SZ_4K, S2_RAM_RW | junk), E_OK);
    expect_leaf(0x40000000, 0x80000000, S2_RAM_RW, SZ_2M);
    expect_leaf(0x40200000, 0x80200000, S2_RAM_RW, SZ_4K);
}

static void test_overlap_refused_and_intact(void **state)
{
    (void)state;
    assert_int_equal(pt_map(&pt, 0x40200000, 0x80200000, SZ_2M, S2_RAM_RW), E_OK);
    assert_int_equal(pt_map(&pt, 0x40600000, 0x80600000, SZ_4K, S2_DEVICE), E_OK);
    unsigned tables = ctx.used;

    assert_int_equal(pt_map(&pt, 0x40200000, 0x90000000, SZ_2M, S2_RAM_RO), E_EXIST);
    assert_int_equal(pt_map(&pt, 0x40300000, 0x90000000, SZ_4K, S2_RAM_RO), E_EXIST);   /* inside a block */
    assert_int_equal(pt_map(&pt, 0x401ff000, 0x90000000, 2 * SZ_4K, S2_RAM_RO), E_EXIST); /* straddles */
    assert_int_equal(pt_map(&pt, 0x40000000, 0x90000000, SZ_1G, S2_RAM_RO), E_EXIST);   /* contains */
    assert_int_equal(pt_map(&pt, 0x40400000, 0x90000000, SZ_2M + SZ_4K, S2_RAM_RO), E_EXIST); /* page in a table */
    assert_int_equal(pt_map(&pt, 0x40600000, 0x90000000, SZ_4K, S2_RAM_RO), E_EXIST);

    /* Nothing changed: old mappings as they were, the free part of each
     * refused range still unmapped, no table allocated. */
    expect_leaf(0x40200000, 0x80200000, S2_RAM_RW, SZ_2M);
    expect_leaf(0x40600000, 0x80600000, S2_DEVICE, SZ_4K);
    expect_unmapped(0x401ff000);
    expect_unmapped(0x40000000);
    expect_unmapped(0x40400000);
    expect_unmapped(0x40601000);
    assert_int_equal(ctx.used, tables);
    /* Next to them is fine. */
    assert_int_equal(pt_map(&pt, 0x401ff000, 0x90000000, SZ_4K, S2_RAM_RO), E_OK);
    assert_int_equal(pt_map(&pt, 0x40601000, 0x90001000, SZ_4K, S2_RAM_RO), E_OK);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    assert_int_equal(pt_map(&pt, 0x40000000, 0x80000000, 0, S2_RAM_RW), E_INVAL);
    assert_int_equal(pt_map(&pt, 0x40000800, 0x80000000, SZ_4K, S2_RAM_RW), E_INVAL);
    assert_int_equal(pt_map(&pt, 0x40000000, 0x80000800, SZ_4K, S2_RAM_RW), E_INVAL);
    assert_int_equal(pt_map(&pt, 0x40000000, 0x80000000, SZ_4K + 1, S2_RAM_RW), E_INVAL);
    assert_int_equal(pt_map(&pt, 0x40000000, UINT64_C(1) << 48, SZ_4K, S2_RAM_RW), E_INVAL);
    assert_int_equal(ctx.used, 1);
    expect_unmapped(0x40000000);
}

static void test_out_of_input_range(void **state)
{
    (void)state;
    init_pt(32, POOL_TABLES);
    assert_int_equal(pt_map(&pt, 0x100000000, 0x80000000, SZ_4K, S2_RAM_RW), E_RANGE);
    assert_int_equal(pt_map(&pt, 0xfffff000, 0x80000000, 2 * SZ_4K, S2_RAM_RW), E_RANGE);
    assert_int_equal(pt_map(&pt, UINT64_MAX - 0xfff, 0x80000000, 2 * SZ_4K, S2_RAM_RW), E_RANGE);
    assert_int_equal(pt_lookup(&pt, 0x100000000, NULL, NULL, NULL), E_RANGE);
    expect_unmapped(0xfffff000);
    /* The last page is in range. */
    assert_int_equal(pt_map(&pt, 0xfffff000, 0x80000000, SZ_4K, S2_RAM_RW), E_OK);
    expect_leaf(0xffffffff, 0x80000fff, S2_RAM_RW, SZ_4K);
}

static void test_allocator_exhaustion(void **state)
{
    (void)state;
    init_pt(39, 2);             /* root and one more: a page needs two */
    assert_int_equal(pt_map(&pt, 0x40000000, 0x80000000, SZ_4K, S2_RAM_RW), E_NOMEM);
    init_pt(39, 2);             /* a 2 MiB block needs only one */
    assert_int_equal(pt_map(&pt, 0x40000000, 0x80000000, SZ_2M, S2_RAM_RW), E_OK);
    assert_int_equal(pt_map(&pt, 0x80000000, 0x80000000, SZ_2M, S2_RAM_RW), E_NOMEM);
    expect_leaf(0x40000000, 0x80000000, S2_RAM_RW, SZ_2M);
    /* level 0 start: root, L1, L2, L3. */
    init_pt(40, 3);
    assert_int_equal(pt_map(&pt, 0x8000000000, 0x80000000, SZ_4K, S2_RAM_RW), E_NOMEM);
}

/*
 * The allocator runs dry half way through a map: nothing of it stays
 * mapped, every table it took comes back, the mappings already there are
 * untouched, and the same map succeeds once there is memory again.
 */
static void test_map_fails_half_way_leaves_nothing(void **state)
{
    (void)state;
    /* Already there: a page at 0x40000000 (root, L2, L3 = 3 tables). */
    init_pt(39, 6);
    assert_int_equal(pt_map(&pt, 0x40000000, 0x80000000, SZ_4K, S2_RAM_RW), E_OK);
    assert_int_equal(ctx.used, 3);
    /* Pages from 0x401ff000 across three level-3 tables (the first exists),
     * then across a 1 GiB boundary: L3 0x40200000, L3 0x40400000, then a
     * new L2 and L3 past 0x80000000 - 3 more than the 3 left allowed. */
    uint64_t in = 0x401ff000, size = SZ_4K + 2 * SZ_2M;
    uint64_t in2 = 0x7ffff000, size2 = 2 * SZ_4K;
    assert_int_equal(pt_map(&pt, in, 0x90000000, size, S2_RAM_RW), E_OK);
    assert_int_equal(ctx.used, 5);
    assert_int_equal(pt_map(&pt, in2, 0x91000000, size2, S2_RAM_RW), E_NOMEM);
    /* The first page (in an existing L3 of the 0x40000000 GiB) was written
     * before the L2 for 0x80000000 failed: it is gone again. */
    expect_unmapped(0x7ffff000);
    expect_unmapped(0x80000000);
    assert_int_equal(ctx.used, 5);
    expect_leaf(0x40000000, 0x80000000, S2_RAM_RW, SZ_4K);
    expect_leaf(in, 0x90000000, S2_RAM_RW, SZ_4K);
    expect_leaf(in + size - SZ_4K, 0x90000000 + size - SZ_4K, S2_RAM_RW, SZ_4K);

    /* A map that fails after allocating several tables gives them all back. */
    init_pt(39, 4);
    assert_int_equal(pt_map(&pt, 0x40000000, 0x80000000, 3 * SZ_2M + SZ_4K, S2_RAM_RW), E_OK);
    assert_int_equal(ctx.used, 3);                  /* root, L2, one L3 for the tail */
    ctx.limit = 5;
    assert_int_equal(pt_map(&pt, 0x40801000, 0x81000000, 3 * SZ_2M, S2_RAM_RW), E_NOMEM);
    assert_int_equal(ctx.used, 3);
    for (uint64_t a = 0x40801000; a < 0x40801000 + 3 * SZ_2M; a += SZ_4K)
        expect_unmapped(a);
    expect_leaf(0x40600000, 0x80600000, S2_RAM_RW, SZ_4K);
    ctx.limit = 7;
    assert_int_equal(pt_map(&pt, 0x40801000, 0x81000000, 3 * SZ_2M, S2_RAM_RW), E_OK);
    assert_int_equal(ctx.used, 7);
}

/* Tables left empty by an unmap go back to the allocator; the root stays. */
static void test_unmap_frees_empty_tables(void **state)
{
    (void)state;
    assert_int_equal(pt_map(&pt, 0x40001000, 0x80001000, 2 * SZ_4K, S2_RAM_RW), E_OK);
    assert_int_equal(pt_map(&pt, 0x40400000, 0x80400000, SZ_4K, S2_RAM_RW), E_OK);
    assert_int_equal(ctx.used, 4);                  /* root, L2, two L3 */
    assert_int_equal(pt_unmap(&pt, 0x40001000, SZ_4K), E_OK);
    assert_int_equal(ctx.used, 4);                  /* its L3 still holds a page */
    assert_int_equal(pt_unmap(&pt, 0x40002000, SZ_4K), E_OK);
    assert_int_equal(ctx.used, 3);
    assert_int_equal(pt_unmap(&pt, 0x40400000, SZ_4K), E_OK);
    assert_int_equal(ctx.used, 1);
    assert_int_equal(pt_count_tables(&pt), 1);
    assert_int_equal(pt.root[1], 0);
    /* A thousand map/unmap rounds take no memory. */
    for (unsigned i = 0; i < 1000; i++) {
        assert_int_equal(pt_map(&pt, 0x100000000 + i * SZ_4K, 0x80000000, SZ_4K, S2_RAM_RW), E_OK);
        assert_int_equal(pt_unmap(&pt, 0x100000000 + i * SZ_4K, SZ_4K), E_OK);
    }
    assert_int_equal(ctx.used, 1);
    expect_unmapped(0x40001000);
    expect_unmapped(0x40400000);
}

/* pt_destroy gives back every table, the root too. */
static void test_destroy_frees_all(void **state)
{
    (void)state;
    assert_int_equal(pt_map(&pt, 0x40001000, 0x80001000, SZ_4K, S2_RAM_RW), E_OK);
    assert_int_equal(pt_map(&pt, 0x40000000 + SZ_1G, 0x80000000, SZ_2M + SZ_4K, S2_RAM_RW), E_OK);
    assert_int_equal(pt_map(&pt, 0x7fc0000000, 0x80000000, SZ_4K, S2_DEVICE), E_OK);
    assert_true(ctx.used > 4);
    assert_int_equal(pt_count_tables(&pt), ctx.used);
    pt_destroy(&pt);
    assert_int_equal(ctx.used, 0);
    assert_null(pt.root);
}

static void test_lookup_unmapped(void **state)
{
    (void)state;
    expect_unmapped(0);                         /* empty root */
    expect_unmapped(0x7fffffffff);
    assert_int_equal(pt_map(&pt, 0x40001000, 0x80001000, SZ_4K, S2_RAM_RW), E_OK);
    expect_unmapped(0x40000000);                /* neighbour in the same level-3 table */
    expect_unmapped(0x40002000);
    expect_unmapped(0x40200000);                /* neighbour in the level-2 table */
    expect_unmapped(0x80001000);                /* an output address is not an input */
    uint64_t o = 1, a = 2, l = 3;
    assert_int_equal(pt_lookup(&pt, 0x40000fff, &o, &a, &l), E_NOENT);
    assert_int_equal(pt_lookup(&pt, 0x40001fff, NULL, NULL, NULL), E_OK);
}

/* ---- pt_unmap ---------------------------------------------------------------- */

static void test_unmap_pages_and_blocks(void **state)
{
    (void)state;
    assert_int_equal(pt_map(&pt, 0x40000000, 0x80000000, SZ_2M + 3 * SZ_4K, S2_RAM_RW), E_OK);
    assert_int_equal(pt_unmap(&pt, 0x40201000, SZ_4K), E_OK);           /* the middle page */
    expect_unmapped(0x40201000);
    expect_leaf(0x40200000, 0x80200000, S2_RAM_RW, SZ_4K);
    expect_leaf(0x40202000, 0x80202000, S2_RAM_RW, SZ_4K);
    assert_int_equal(pt_unmap(&pt, 0x40000000, SZ_2M), E_OK);            /* the block */
    expect_unmapped(0x40000000);
    expect_unmapped(0x401fffff);
    expect_leaf(0x40200000, 0x80200000, S2_RAM_RW, SZ_4K);
    /* What was unmapped can be mapped again, differently. */
    assert_int_equal(pt_map(&pt, 0x40000000, 0x90000000, SZ_2M, S2_RAM_RO), E_OK);
    expect_leaf(0x40000000, 0x90000000, S2_RAM_RO, SZ_2M);
    assert_int_equal(pt_map(&pt, 0x40201000, 0x90201000, SZ_4K, S2_DEVICE), E_OK);
    expect_leaf(0x40201000, 0x90201000, S2_DEVICE, SZ_4K);
}

static void test_unmap_refusals_change_nothing(void **state)
{
    (void)state;
    assert_int_equal(pt_map(&pt, 0x40000000, 0x80000000, SZ_2M, S2_RAM_RW), E_OK);
    assert_int_equal(pt_map(&pt, 0x40200000, 0x80200000, SZ_4K, S2_RAM_RW), E_OK);
    assert_int_equal(pt_map(&pt, 0x40202000, 0x80202000, SZ_4K, S2_RAM_RW), E_OK);

    assert_int_equal(pt_unmap(&pt, 0x40001000, SZ_4K), E_INVAL);         /* inside a block */
    assert_int_equal(pt_unmap(&pt, 0x401ff000, 2 * SZ_4K), E_INVAL);     /* block's tail + page */
    assert_int_equal(pt_unmap(&pt, 0x40200000, 3 * SZ_4K), E_NOENT);     /* hole in the middle */
    assert_int_equal(pt_unmap(&pt, 0x40400000, SZ_4K), E_NOENT);
    assert_int_equal(pt_unmap(&pt, 0x40000000, 0), E_INVAL);
    assert_int_equal(pt_unmap(&pt, 0x40000800, SZ_4K), E_INVAL);
    assert_int_equal(pt_unmap(&pt, 0x40000000, SZ_4K + 1), E_INVAL);
    assert_int_equal(pt_unmap(&pt, UINT64_C(1) << 39, SZ_4K), E_INVAL);  /* beyond the input */
    assert_int_equal(pt_unmap(&pt, UINT64_MAX - 0xfff, 2 * SZ_4K), E_INVAL);

    expect_leaf(0x40000000, 0x80000000, S2_RAM_RW, SZ_2M);
    expect_leaf(0x401ff000, 0x801ff000, S2_RAM_RW, SZ_2M);
    expect_leaf(0x40200000, 0x80200000, S2_RAM_RW, SZ_4K);
    expect_leaf(0x40202000, 0x80202000, S2_RAM_RW, SZ_4K);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init),
        cmocka_unit_test_setup(test_2m_aligned_uses_level2_blocks, setup39),
        cmocka_unit_test_setup(test_1g_aligned_uses_level1_block, setup39),
        cmocka_unit_test_setup(test_block_needs_output_alignment_too, setup39),
        cmocka_unit_test_setup(test_unaligned_uses_pages, setup39),
        cmocka_unit_test_setup(test_mixed_range_splits, setup39),
        cmocka_unit_test_setup(test_descriptor_encodings, setup39),
        cmocka_unit_test_setup(test_attributes_preserved, setup39),
        cmocka_unit_test_setup(test_attrs_cannot_change_type_or_address, setup39),
        cmocka_unit_test_setup(test_overlap_refused_and_intact, setup39),
        cmocka_unit_test_setup(test_bad_arguments, setup39),
        cmocka_unit_test_setup(test_out_of_input_range, setup39),
        cmocka_unit_test_setup(test_allocator_exhaustion, setup39),
        cmocka_unit_test_setup(test_map_fails_half_way_leaves_nothing, setup39),
        cmocka_unit_test_setup(test_unmap_frees_empty_tables, setup39),
        cmocka_unit_test_setup(test_destroy_frees_all, setup39),
        cmocka_unit_test_setup(test_lookup_unmapped, setup39),
        cmocka_unit_test_setup(test_unmap_pages_and_blocks, setup39),
        cmocka_unit_test_setup(test_unmap_refusals_change_nothing, setup39),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
