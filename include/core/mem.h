/* SPDX-License-Identifier: MIT */
#ifndef CORE_MEM_H
#define CORE_MEM_H
#include "core/palloc.h"

/* All RAM not used by the hypervisor image. */
extern struct palloc hyp_mem;
/* A zeroed page for translation tables (pt_alloc_fn). */
uint64_t *mem_alloc_table(void *ctx);

#endif
