/* SPDX-License-Identifier: MIT */
#ifndef CORE_LIB_H
#define CORE_LIB_H
#include "core/types.h"

void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strstr(const char *hay, const char *needle);

static inline unsigned ctz64(uint64_t v) { return (unsigned)__builtin_ctzll(v); }
/* A loop, not the builtin: without FP/SIMD at EL2 that is a libgcc call. */
static inline unsigned popcount64(uint64_t v)
{
    unsigned n = 0;
    for (; v; v &= v - 1)
        n++;
    return n;
}

#endif
