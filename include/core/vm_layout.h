/* SPDX-License-Identifier: MIT */
/*
 * What a VM's config implies for its memory: the size of its stage 2 and
 * the alignment of its RAM.  Pure functions of the config, used by vm_create()
 * at boot and by the host config tool (tools/config/layout.c), which runs
 * the boot-time allocation of every VM at build time with the same page
 * allocator and table builder and refuses a config that would not boot.
 */
#ifndef CORE_VM_LAYOUT_H
#define CORE_VM_LAYOUT_H
#include "core/config.h"

#define VM_MIN_IPA_BITS 32
#define VM_MAX_IPA_BITS 48      /* 4 KiB granule, walks from level 0 */

/* Input bits of the VM's stage 2: enough for its RAM, its emulated windows
 * and its devices; VM_MAX_IPA_BITS + 1 when that is more than a stage 2 has. */
unsigned vm_ipa_bits(const struct vm_config *c);
/* Alignment of the VM's RAM in physical memory: 1 GiB when it can be mapped
 * with 1 GiB blocks, 2 MiB otherwise. */
uint64_t vm_ram_align(const struct vm_config *c);

#endif
