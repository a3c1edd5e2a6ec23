/* SPDX-License-Identifier: MIT */
/*
 * Physical page allocator: one bitmap over one contiguous range of RAM,
 * first fit, with power-of-two alignment so that VM RAM can be backed by
 * 2 MiB / 1 GiB blocks.  Used at boot and on VM (re)configuration only, never
 * on an exit path.
 */
#ifndef CORE_PALLOC_H
#define CORE_PALLOC_H
#include "core/types.h"

struct palloc {
    uint64_t base;          /* physical address of page 0 */
    uint64_t npages;
    uint64_t *bitmap;       /* 1 = used */
    uint64_t free_pages;
};

/* `bitmap` must hold at least (npages + 63) / 64 words. */
void palloc_init(struct palloc *pa, uint64_t base, uint64_t npages, uint64_t *bitmap);
/* Mark [addr, addr+size) used (e.g. the hypervisor image, the boot DTB). */
void palloc_reserve(struct palloc *pa, uint64_t addr, uint64_t size);
/* Returns the physical address, or 0 when no aligned run is free. */
uint64_t palloc_alloc(struct palloc *pa, uint64_t npages, uint64_t align_pages);
uint64_t palloc_alloc_at(struct palloc *pa, uint64_t addr, uint64_t npages);
void palloc_free(struct palloc *pa, uint64_t addr, uint64_t npages);

#endif
