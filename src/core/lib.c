/* SPDX-License-Identifier: MIT */
#include "core/lib.h"

void *memset(void *d, int c, size_t n)
{
    unsigned char *p = d;
    uint64_t v = (unsigned char)c * 0x0101010101010101ull;
    while (n && ((uintptr_t)p & 7)) { *p++ = (unsigned char)c; n--; }
    /* Four doublewords a step (a page table: 128 steps), then one. */
    for (; n >= 32; n -= 32, p += 32) {
        uint64_t *q = (uint64_t *)(void *)p;
        q[0] = v;
        q[1] = v;
        q[2] = v;
        q[3] = v;
    }
    for (; n >= 8; n -= 8, p += 8) *(uint64_t *)(void *)p = v;
    while (n--) *p++ = (unsigned char)c;
    return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
    unsigned char *dp = d;
    const unsigned char *sp = s;
    /* Both 8-aligned (IPC payloads, guest buffers): two doublewords a step
     * (a load and a store pair), then one; bytes otherwise. */
    if ((((uintptr_t)dp | (uintptr_t)sp) & 7) == 0) {
        const uint64_t *a = (const uint64_t *)(const void *)sp;
        uint64_t *b = (uint64_t *)(void *)dp;
        for (size_t k = n / 16; k; k--, a += 2, b += 2) {
            uint64_t lo = a[0], hi = a[1];
            b[0] = lo;
            b[1] = hi;
        }
        if (n & 8)
            *b++ = *a++;
        dp = (unsigned char *)b;
        sp = (const unsigned char *)a;
        n &= 7;
    }
    while (n--) *dp++ = *sp++;
    return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;
    for (; n; n--, x++, y++)
        if (*x != *y) return *x - *y;
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n]) n++;
    return n;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (; n; n--, a++, b++) {
        if (*a != *b) return (unsigned char)*a - (unsigned char)*b;
        if (!*a) return 0;
    }
    return 0;
}

int strcmp(const char *a, const char *b)
{
    for (; *a && *a == *b; a++, b++)
        ;
    return (unsigned char)*a - (unsigned char)*b;
}

char *strstr(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++)
        if (!strncmp(hay, needle, n))
            return (char *)hay;
    return n ? NULL : (char *)hay;
}
