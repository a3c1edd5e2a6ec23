/* SPDX-License-Identifier: MIT */
/*
 * VMSAv8-64 translation tables, 4 KiB granule, used for both the EL2 stage-1
 * tables and each VM's stage-2 tables.  Pure logic on memory: tables come from
 * a caller-supplied allocator, so the host unit tests run it unchanged.
 *
 * Addresses are table-relative ("input" = VA for stage 1, IPA for stage 2;
 * "output" = PA).  Mappings never silently overlap: pt_map refuses a range
 * that is partly mapped already, and changes nothing in that case.
 */
#ifndef ARCH_PT_H
#define ARCH_PT_H
#include "core/types.h"

#define PT_ENTRIES      512
#define PT_LEVEL_SHIFT(l) (12u + 9u * (3u - (l)))   /* 39, 30, 21, 12 */

typedef uint64_t *(*pt_alloc_fn)(void *ctx);     /* zeroed, 4 KiB aligned */
typedef void (*pt_free_fn)(void *ctx, uint64_t *table);

struct pt {
    uint64_t *root;
    unsigned start_level;     /* 0 or 1 (4 KiB granule) */
    unsigned in_bits;         /* input address size, e.g. 32..48 */
    pt_alloc_fn alloc;
    pt_free_fn free;          /* NULL: tables are never given back */
    void *alloc_ctx;
};

/* Leaf attributes are passed as descriptor bits (type and address excluded). */
int pt_init(struct pt *pt, unsigned in_bits, pt_alloc_fn alloc, pt_free_fn free, void *ctx);
/* All or nothing: on any error (E_NOMEM when the allocator runs dry half way)
 * nothing of the range is left mapped and the tables it took are given back.
 * After a failure the caller invalidates the TLBs, as after an unmap. */
int pt_map(struct pt *pt, uint64_t in, uint64_t out, uint64_t size, uint64_t attrs);
/* Remove the leaves covering exactly [in, in+size) and free the tables left
 * empty; E_INVAL if a block straddles an end of the range (nothing is
 * changed then), E_NOENT if part of it is not mapped.  The caller
 * invalidates the TLBs before the freed tables can be reused. */
int pt_unmap(struct pt *pt, uint64_t in, uint64_t size);
/* How many tables (pages) the translation uses now, the root included. */
uint64_t pt_count_tables(const struct pt *pt);
/* Give back every table, the root included (the tables must be out of use). */
void pt_destroy(struct pt *pt);
/* Output address and attributes of `in`, and the size of the leaf holding it. */
int pt_lookup(const struct pt *pt, uint64_t in, uint64_t *out, uint64_t *attrs, uint64_t *leaf_size);
/* The level-3 entry (a page's) that translates `in`, valid or not; NULL if
 * the walk does not reach a level-3 table. */
uint64_t *pt_page_entry(const struct pt *pt, uint64_t in);
/* Level at which a walk of an `in_bits`-bit input address starts. */
unsigned pt_start_level_for(unsigned in_bits);

#endif
