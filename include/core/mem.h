/* SPDX-License-Identifier: MIT */
#ifndef CORE_MEM_H
#define CORE_MEM_H
#include "core/palloc.h"

/* All RAM not used by the hypervisor image. */
extern struct palloc hyp_mem;
/* A zeroed page for translation tables (pt_alloc_fn). */
uint64_t *mem_alloc_table(void *ctx);
/* `pages` zeroed pages aligned to `align_pages` of hyp_mem: their PA, 0 when
 * there is no such run. */
uint64_t mem_alloc_zeroed(uint64_t pages, uint64_t align_pages);

#endif
