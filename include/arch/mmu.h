/* SPDX-License-Identifier: MIT */
#ifndef ARCH_MMU_H
#define ARCH_MMU_H
#include "core/types.h"
#include "arch/pt.h"

/* EL2's virtual address space, where RAM (every bank) and the devices tofu
 * uses are mapped 1:1: 512 GiB, one walk from level 1 (the config tool
 * refuses RAM beyond it). */
#define HYP_VA_BITS 39

/* Build the EL2 stage-1 tables (CPU 0, MMU off, before any other C). */
void mmu_build_tables(void);
/* Physical address size of this CPU (ID_AA64MMFR0_EL1.PARange), in bits. */
unsigned arch_pa_bits(void);
/* Stage-2 tables for an IPA space of `ipa_bits`; VTCR_EL2 value for it. */
int s2_init(struct pt *s2, unsigned ipa_bits, pt_alloc_fn alloc, pt_free_fn free, void *ctx);
uint64_t s2_vtcr(unsigned ipa_bits);
uint64_t s2_attrs_ram(void);
uint64_t s2_attrs_device(void);
/* Shared memory: normal, cacheable, read-only or read-write, never executable. */
uint64_t s2_attrs_shared(bool writable);
/* Invalidate all stage-1 and stage-2 TLB entries of one VMID. */
void s2_flush_vmid(uint64_t vttbr);
/* A page's stage-2 entry on or off (its other bits kept); off invalidates
 * the VM's TLB entries on every CPU before it returns. */
void s2_page_set_valid(uint64_t *pte, bool valid, uint64_t vttbr);

#endif
