/* SPDX-License-Identifier: MIT */
#ifndef CORE_TYPES_H
#define CORE_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Address kinds are distinct types: stage-2 code cannot mix an IPA and a PA
 * without a visible conversion.  The hypervisor maps RAM 1:1 at EL2, so a
 * hypervisor pointer and a physical address convert with pa_to_ptr/ptr_to_pa.
 */
typedef struct { uint64_t bits; } paddr_t;
typedef struct { uint64_t bits; } ipaddr_t;

static inline paddr_t pa_of(uint64_t v) { return (paddr_t){ v }; }
static inline ipaddr_t ipa_of(uint64_t v) { return (ipaddr_t){ v }; }
static inline void *pa_to_ptr(paddr_t pa) { return (void *)(uintptr_t)pa.bits; }
static inline paddr_t ptr_to_pa(const void *p) { return pa_of((uint64_t)(uintptr_t)p); }

#define PAGE_SHIFT   12
#define PAGE_SIZE    ((uint64_t)1 << PAGE_SHIFT)
#define SZ_2M        ((uint64_t)1 << 21)
#define SZ_1G        ((uint64_t)1 << 30)
#define ALIGN_UP(x, a)   (((x) + ((a) - 1)) & ~((uint64_t)(a) - 1))
#define IS_ALIGNED(x, a) (((x) & ((uint64_t)(a) - 1)) == 0)
#define ARRAY_SIZE(a)    (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b)        ((a) < (b) ? (a) : (b))
#define MAX(a, b)        ((a) > (b) ? (a) : (b))
#define container_of(p, T, m) ((T *)(void *)((char *)(p) - offsetof(T, m)))
#define UNUSED(x)        ((void)(x))

/* A range of physical memory: a RAM bank, or RAM someone wrote before tofu ran. */
struct ram_range {
    uint64_t base, size;
};

/* Internal error codes (never seen by guests: the ABI has its own, in tofu/abi.h). */
enum tofu_err {
    E_OK = 0,
    E_INVAL = -1,      /* bad argument */
    E_NOMEM = -2,      /* out of memory or table space */
    E_EXIST = -3,      /* already mapped / already present */
    E_RANGE = -4,      /* outside the addressable range */
    E_NOENT = -5,      /* nothing there */
};

#endif
