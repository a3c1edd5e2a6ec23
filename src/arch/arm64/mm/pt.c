/* SPDX-License-Identifier: MIT */
#include "arch/pt.h"
#include "arch/regs.h"

#define PTE_ATTR_MASK   (~(PTE_ADDR_MASK | PTE_VALID | PTE_TABLE))
#define LEVEL_SIZE(l)   (1ull << PT_LEVEL_SHIFT(l))
#define LEVEL_INDEX(a, l) (((a) >> PT_LEVEL_SHIFT(l)) & (PT_ENTRIES - 1))

/*
 * 4 KiB granule: a walk starting at level 1 covers up to 39 input bits and
 * one starting at level 0 up to 48 (Arm ARM D8.2.6).  Larger inputs at level
 * 1 would need concatenated tables, which the memory maps here never need.
 */
unsigned pt_start_level_for(unsigned in_bits)
{
    return in_bits > 39 ? 0 : 1;
}

int pt_init(struct pt *pt, unsigned in_bits, pt_alloc_fn alloc, pt_free_fn free, void *ctx)
{
    if (in_bits < 25 || in_bits > 48)
        return E_INVAL;
    pt->in_bits = in_bits;
    pt->start_level = pt_start_level_for(in_bits);
    pt->alloc = alloc;
    pt->free = free;
    pt->alloc_ctx = ctx;
    pt->root = alloc(ctx);
    return pt->root ? E_OK : E_NOMEM;
}

static bool is_table(uint64_t pte, unsigned level)
{
    return (pte & PTE_VALID) && (pte & PTE_TABLE) && level < 3;
}

static uint64_t *next_table(uint64_t pte)
{
    return (uint64_t *)(uintptr_t)(pte & PTE_ADDR_MASK);
}

/* Is any part of [in, in+size) already mapped below `table` (at `level`)? */
static bool range_used(const uint64_t *table, unsigned level, uint64_t in, uint64_t size)
{
    while (size) {
        uint64_t lsz = LEVEL_SIZE(level);
        uint64_t chunk = lsz - (in & (lsz - 1));
        if (chunk > size) chunk = size;
        uint64_t pte = table[LEVEL_INDEX(in, level)];
        if (is_table(pte, level)) {
            if (range_used(next_table(pte), level + 1, in, chunk))
                return true;
        } else if (pte & PTE_VALID) {
            return true;
        }
        in += chunk;
        size -= chunk;
    }
    return false;
}

/* Blocks exist at levels 1 and 2, pages at level 3 (no level-0 blocks with 4K). */
static bool can_leaf(unsigned level, uint64_t in, uint64_t out, uint64_t size)
{
    uint64_t lsz = LEVEL_SIZE(level);
    return level >= 1 && size >= lsz && IS_ALIGNED(in, lsz) && IS_ALIGNED(out, lsz);
}

static int map_level(struct pt *pt, uint64_t *table, unsigned level,
                     uint64_t in, uint64_t out, uint64_t size, uint64_t attrs)
{
    while (size) {
        uint64_t lsz = LEVEL_SIZE(level);
        uint64_t chunk = lsz - (in & (lsz - 1));
        if (chunk > size) chunk = size;
        uint64_t *pte = &table[LEVEL_INDEX(in, level)];
        if (can_leaf(level, in, out, chunk)) {
            *pte = (out & PTE_ADDR_MASK) | (attrs & PTE_ATTR_MASK) | PTE_VALID |
                   (level == 3 ? PTE_PAGE : 0);
        } else {
            if (!(*pte & PTE_VALID)) {
                uint64_t *t = pt->alloc(pt->alloc_ctx);
                if (!t) return E_NOMEM;
                *pte = (uint64_t)(uintptr_t)t | PTE_VALID | PTE_TABLE;
            }
            int rc = map_level(pt, next_table(*pte), level + 1, in, out, chunk, attrs);
            if (rc) return rc;
        }
        in += chunk;
        out += chunk;
        size -= chunk;
    }
    return E_OK;
}

/* Four entries a step: an UNMAP looks at a whole table. */
#define EMPTY_STEP 4u
_Static_assert(PT_ENTRIES % EMPTY_STEP == 0, "table_empty steps over whole tables");

static bool table_empty(const uint64_t *table)
{
    for (unsigned i = 0; i < PT_ENTRIES; i += EMPTY_STEP)
        if (table[i] | table[i + 1] | table[i + 2] | table[i + 3])
            return false;
    return true;
}

/*
 * Clear every leaf in [in, in+size) below `table`, tolerating holes, and give
 * back each table left empty.  Callers have checked (unmap) or know (a map
 * being rolled back) that no block straddles an end of the range.
 */
static void clear_level(struct pt *pt, uint64_t *table, unsigned level, uint64_t in, uint64_t size)
{
    while (size) {
        uint64_t lsz = LEVEL_SIZE(level);
        uint64_t chunk = lsz - (in & (lsz - 1));
        if (chunk > size) chunk = size;
        uint64_t *pte = &table[LEVEL_INDEX(in, level)];
        if (is_table(*pte, level)) {
            uint64_t *child = next_table(*pte);
            clear_level(pt, child, level + 1, in, chunk);
            if (pt->free && table_empty(child)) {
                *pte = 0;
                pt->free(pt->alloc_ctx, child);
            }
        } else {
            *pte = 0;
        }
        in += chunk;
        size -= chunk;
    }
}

int pt_map(struct pt *pt, uint64_t in, uint64_t out, uint64_t size, uint64_t attrs)
{
    if (!size || !IS_ALIGNED(in | out | size, PAGE_SIZE) || (out & ~PTE_ADDR_MASK))
        return E_INVAL;
    if (in + size < in || (in + size) > (1ull << pt->in_bits))
        return E_RANGE;
    if (range_used(pt->root, pt->start_level, in, size))
        return E_EXIST;
    int rc = map_level(pt, pt->root, pt->start_level, in, out, size, attrs);
    if (rc)     /* all or nothing: the range was empty, so empty it again */
        clear_level(pt, pt->root, pt->start_level, in, size);
    return rc;
}

int pt_lookup(const struct pt *pt, uint64_t in, uint64_t *out, uint64_t *attrs, uint64_t *leaf_size)
{
    if (in >= (1ull << pt->in_bits))
        return E_RANGE;
    const uint64_t *table = pt->root;
    for (unsigned level = pt->start_level; level <= 3; level++) {
        uint64_t pte = table[LEVEL_INDEX(in, level)];
        if (!(pte & PTE_VALID))
            return E_NOENT;
        if (is_table(pte, level)) {
            table = next_table(pte);
            continue;
        }
        uint64_t lsz = LEVEL_SIZE(level);
        if (out) *out = (pte & PTE_ADDR_MASK & ~(lsz - 1)) | (in & (lsz - 1));
        if (attrs) *attrs = pte & PTE_ATTR_MASK;
        if (leaf_size) *leaf_size = lsz;
        return E_OK;
    }
    return E_NOENT;
}

uint64_t *pt_page_entry(const struct pt *pt, uint64_t in)
{
    if (in >= (1ull << pt->in_bits))
        return NULL;
    uint64_t *table = pt->root;
    for (unsigned level = pt->start_level; level < 3; level++) {
        uint64_t pte = table[LEVEL_INDEX(in, level)];
        if (!is_table(pte, level))
            return NULL;
        table = next_table(pte);
    }
    return &table[LEVEL_INDEX(in, 3)];
}

/* May [in, in+size) be unmapped: all of it mapped, no block straddling an end? */
static int unmap_check(const uint64_t *table, unsigned level, uint64_t in, uint64_t size)
{
    while (size) {
        uint64_t lsz = LEVEL_SIZE(level);
        uint64_t chunk = lsz - (in & (lsz - 1));
        if (chunk > size) chunk = size;
        uint64_t pte = table[LEVEL_INDEX(in, level)];
        if (!(pte & PTE_VALID))
            return E_NOENT;
        if (is_table(pte, level)) {
            int rc = unmap_check(next_table(pte), level + 1, in, chunk);
            if (rc) return rc;
        } else if (chunk != lsz) {
            return E_INVAL;                 /* would split a block */
        }
        in += chunk;
        size -= chunk;
    }
    return E_OK;
}

int pt_unmap(struct pt *pt, uint64_t in, uint64_t size)
{
    if (!size || !IS_ALIGNED(in | size, PAGE_SIZE) || in + size < in || in + size > (1ull << pt->in_bits))
        return E_INVAL;
    int rc = unmap_check(pt->root, pt->start_level, in, size);
    if (rc == E_OK)
        clear_level(pt, pt->root, pt->start_level, in, size);
    return rc;
}

static void free_below(struct pt *pt, uint64_t *table, unsigned level)
{
    for (unsigned i = 0; i < PT_ENTRIES; i++) {
        if (is_table(table[i], level)) {
            free_below(pt, next_table(table[i]), level + 1);
            pt->free(pt->alloc_ctx, next_table(table[i]));
        }
        table[i] = 0;
    }
}

void pt_destroy(struct pt *pt)
{
    if (!pt->root || !pt->free)
        return;
    free_below(pt, pt->root, pt->start_level);
    pt->free(pt->alloc_ctx, pt->root);
    pt->root = NULL;
}

static uint64_t count_below(const uint64_t *table, unsigned level)
{
    uint64_t n = 1;
    for (unsigned i = 0; i < PT_ENTRIES; i++)
        if (is_table(table[i], level))
            n += count_below(next_table(table[i]), level + 1);
    return n;
}

uint64_t pt_count_tables(const struct pt *pt)
{
    return pt->root ? count_below(pt->root, pt->start_level) : 0;
}
