/* SPDX-License-Identifier: MIT */
#include "core/palloc.h"
#include "core/lib.h"

static bool test_bit(const uint64_t *bm, uint64_t i) { return (bm[i / 64] >> (i % 64)) & 1; }

static void set_range(struct palloc *pa, uint64_t first, uint64_t n, bool used)
{
    for (uint64_t i = first; i < first + n; i++) {
        uint64_t m = 1ull << (i % 64);
        bool was = pa->bitmap[i / 64] & m;
        if (used && !was) { pa->bitmap[i / 64] |= m; pa->free_pages--; }
        if (!used && was) { pa->bitmap[i / 64] &= ~m; pa->free_pages++; }
    }
}

void palloc_init(struct palloc *pa, uint64_t base, uint64_t npages, uint64_t *bitmap)
{
    pa->base = base;
    pa->npages = npages;
    pa->bitmap = bitmap;
    pa->free_pages = npages;
    memset(bitmap, 0, ((npages + 63) / 64) * sizeof(uint64_t));
}

void palloc_reserve(struct palloc *pa, uint64_t addr, uint64_t size)
{
    uint64_t end = addr + size;
    uint64_t lim = pa->base + pa->npages * PAGE_SIZE;
    if (end <= pa->base || addr >= lim) return;
    if (addr < pa->base) addr = pa->base;
    if (end > lim) end = lim;
    uint64_t first = (addr - pa->base) / PAGE_SIZE;
    set_range(pa, first, ALIGN_UP(end - pa->base, PAGE_SIZE) / PAGE_SIZE - first, true);
}

static bool run_free(const struct palloc *pa, uint64_t first, uint64_t n)
{
    for (uint64_t i = first; i < first + n; i++)
        if (test_bit(pa->bitmap, i)) return false;
    return true;
}

uint64_t palloc_alloc(struct palloc *pa, uint64_t npages, uint64_t align_pages)
{
    if (!npages || !align_pages || (align_pages & (align_pages - 1)) || npages > pa->free_pages)
        return 0;
    /* Alignment is of the physical address, not of the index. */
    uint64_t base_pfn = pa->base / PAGE_SIZE;
    uint64_t i = ALIGN_UP(base_pfn, align_pages) - base_pfn;
    for (; i + npages <= pa->npages; i += align_pages) {
        if (run_free(pa, i, npages)) {
            set_range(pa, i, npages, true);
            return pa->base + i * PAGE_SIZE;
        }
    }
    return 0;
}

uint64_t palloc_alloc_at(struct palloc *pa, uint64_t addr, uint64_t npages)
{
    if (!npages || addr < pa->base || !IS_ALIGNED(addr, PAGE_SIZE))
        return 0;
    uint64_t first = (addr - pa->base) / PAGE_SIZE;
    if (first >= pa->npages || npages > pa->npages - first || !run_free(pa, first, npages))
        return 0;
    set_range(pa, first, npages, true);
    return addr;
}

void palloc_free(struct palloc *pa, uint64_t addr, uint64_t npages)
{
    if (addr < pa->base) return;
    uint64_t first = (addr - pa->base) / PAGE_SIZE;
    if (first >= pa->npages || npages > pa->npages - first) return;
    set_range(pa, first, npages, false);
}
