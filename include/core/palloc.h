/* SPDX-License-Identifier: MIT */
/*
 * Physical page allocator: one bitmap per RAM bank, first fit through the
 * banks in the order they were added (address order: the hypervisor's bank
 * first), with power-of-two alignment so that VM RAM can be backed by 2 MiB /
 * 1 GiB blocks.  A run never spans two banks: a VM's RAM is one contiguous
 * run in one bank.  Used at boot and on VM (re)configuration only, never on
 * an exit path.  The config tool runs the same code to check that a config
 * fits (tools/config/layout.c).
 */
#ifndef CORE_PALLOC_H
#define CORE_PALLOC_H
#include "core/types.h"
#include "core/limits.h"

struct palloc_bank {
    uint64_t base;          /* physical address of its page 0 */
    uint64_t npages;
    uint64_t *bitmap;       /* 1 = used */
    uint64_t free_pages;
};

struct palloc {
    unsigned nr_banks;
    struct palloc_bank bank[MAX_RAM_BANKS];
    uint64_t free_pages;    /* all banks' */
};

/* Bitmap words a bank of `npages` pages needs; the hypervisor's allocator's
 * (and the config tool's run of it): HYP_MEM_MAX in all banks. */
#define PALLOC_BITMAP_WORDS(npages) (((npages) + 63) / 64)
#define HYP_MEM_BITMAP_WORDS        PALLOC_BITMAP_WORDS(HYP_MEM_MAX / PAGE_SIZE)

/* One bank: `bitmap` must hold at least PALLOC_BITMAP_WORDS(npages) words. */
void palloc_init(struct palloc *pa, uint64_t base, uint64_t npages, uint64_t *bitmap);
/* Another bank, tried after those before it: E_INVAL if it is empty or not
 * page-aligned, E_EXIST if it overlaps one, E_NOMEM beyond MAX_RAM_BANKS. */
int palloc_add_bank(struct palloc *pa, uint64_t base, uint64_t npages, uint64_t *bitmap);
/* The allocator over `banks`, in that order, each shrunk to whole pages,
 * their bitmaps carved from `bitmap` (`words` long): a bank is cut to the
 * pages left in it, and left out when none are, when it overlaps one before
 * it, or past MAX_RAM_BANKS.  The hypervisor at boot and the config tool use
 * it alike.  Returns the pages managed. */
uint64_t palloc_init_banks(struct palloc *pa, const struct ram_range *banks, unsigned n, uint64_t *bitmap,
                           uint64_t words);
/* The bank that holds `addr`, or NULL. */
const struct palloc_bank *palloc_bank_of(const struct palloc *pa, uint64_t addr);
/* Mark [addr, addr+size) used in whatever banks it covers (e.g. the
 * hypervisor image, the boot DTB). */
void palloc_reserve(struct palloc *pa, uint64_t addr, uint64_t size);
/* Returns the physical address, or 0 when no bank has a free aligned run. */
uint64_t palloc_alloc(struct palloc *pa, uint64_t npages, uint64_t align_pages);
uint64_t palloc_alloc_at(struct palloc *pa, uint64_t addr, uint64_t npages);
void palloc_free(struct palloc *pa, uint64_t addr, uint64_t npages);

#endif
