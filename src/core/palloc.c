/* SPDX-License-Identifier: MIT */
#include "core/palloc.h"
#include "core/lib.h"

#define BITS_PER_WORD 64

static bool test_bit(const uint64_t *bm, uint64_t i) { return (bm[i / BITS_PER_WORD] >> (i % BITS_PER_WORD)) & 1; }

static void set_range(struct palloc *pa, struct palloc_bank *b, uint64_t first, uint64_t n, bool used)
{
    for (uint64_t i = first; i < first + n; i++) {
        uint64_t m = 1ull << (i % BITS_PER_WORD);
        bool was = b->bitmap[i / BITS_PER_WORD] & m;
        if (used && !was) { b->bitmap[i / BITS_PER_WORD] |= m; b->free_pages--; pa->free_pages--; }
        if (!used && was) { b->bitmap[i / BITS_PER_WORD] &= ~m; b->free_pages++; pa->free_pages++; }
    }
}

static bool bank_has(const struct palloc_bank *b, uint64_t addr)
{
    return addr >= b->base && (addr - b->base) / PAGE_SIZE < b->npages;
}

void palloc_init(struct palloc *pa, uint64_t base, uint64_t npages, uint64_t *bitmap)
{
    memset(pa, 0, sizeof(*pa));
    palloc_add_bank(pa, base, npages, bitmap);
}

int palloc_add_bank(struct palloc *pa, uint64_t base, uint64_t npages, uint64_t *bitmap)
{
    if (!npages || !IS_ALIGNED(base, PAGE_SIZE) || npages > (UINT64_MAX - base) / PAGE_SIZE)
        return E_INVAL;
    if (pa->nr_banks == MAX_RAM_BANKS)
        return E_NOMEM;
    for (unsigned i = 0; i < pa->nr_banks; i++) {
        const struct palloc_bank *o = &pa->bank[i];
        if (base < o->base + o->npages * PAGE_SIZE && o->base < base + npages * PAGE_SIZE)
            return E_EXIST;
    }
    pa->bank[pa->nr_banks++] = (struct palloc_bank){ base, npages, bitmap, npages };
    pa->free_pages += npages;
    memset(bitmap, 0, PALLOC_BITMAP_WORDS(npages) * sizeof(uint64_t));
    return E_OK;
}

uint64_t palloc_init_banks(struct palloc *pa, const struct ram_range *banks, unsigned n, uint64_t *bitmap,
                           uint64_t words)
{
    uint64_t managed = 0;
    memset(pa, 0, sizeof(*pa));
    for (unsigned i = 0; i < n; i++) {
        uint64_t base = ALIGN_UP(banks[i].base, PAGE_SIZE), end = banks[i].base + banks[i].size;
        if (end < banks[i].base || base < banks[i].base)
            continue;                   /* wraps */
        end &= ~(PAGE_SIZE - 1);
        uint64_t npages = end > base ? (end - base) / PAGE_SIZE : 0;
        if (npages > words * BITS_PER_WORD)
            npages = words * BITS_PER_WORD;
        if (palloc_add_bank(pa, base, npages, bitmap) != E_OK)
            continue;
        bitmap += PALLOC_BITMAP_WORDS(npages);
        words -= PALLOC_BITMAP_WORDS(npages);
        managed += npages;
    }
    return managed;
}

/* The index of the bank that holds `addr`, or nr_banks. */
static unsigned bank_index(const struct palloc *pa, uint64_t addr)
{
    unsigned i = 0;
    while (i < pa->nr_banks && !bank_has(&pa->bank[i], addr))
        i++;
    return i;
}

const struct palloc_bank *palloc_bank_of(const struct palloc *pa, uint64_t addr)
{
    unsigned i = bank_index(pa, addr);
    return i < pa->nr_banks ? &pa->bank[i] : NULL;
}

void palloc_reserve(struct palloc *pa, uint64_t addr, uint64_t size)
{
    uint64_t end = addr + size < addr ? UINT64_MAX : addr + size;
    for (unsigned i = 0; i < pa->nr_banks; i++) {
        struct palloc_bank *b = &pa->bank[i];
        uint64_t lo = addr, hi = end, lim = b->base + b->npages * PAGE_SIZE;
        if (hi <= b->base || lo >= lim) continue;
        if (lo < b->base) lo = b->base;
        if (hi > lim) hi = lim;
        uint64_t first = (lo - b->base) / PAGE_SIZE;
        set_range(pa, b, first, ALIGN_UP(hi - b->base, PAGE_SIZE) / PAGE_SIZE - first, true);
    }
}

static bool run_free(const struct palloc_bank *b, uint64_t first, uint64_t n)
{
    for (uint64_t i = first; i < first + n; i++)
        if (test_bit(b->bitmap, i)) return false;
    return true;
}

static uint64_t bank_alloc(struct palloc *pa, struct palloc_bank *b, uint64_t npages, uint64_t align_pages)
{
    if (npages > b->free_pages)
        return 0;
    /* Alignment is of the physical address, not of the index. */
    uint64_t base_pfn = b->base / PAGE_SIZE;
    uint64_t i = ALIGN_UP(base_pfn, align_pages) - base_pfn;
    for (; i + npages <= b->npages; i += align_pages) {
        if (run_free(b, i, npages)) {
            set_range(pa, b, i, npages, true);
            return b->base + i * PAGE_SIZE;
        }
    }
    return 0;
}

uint64_t palloc_alloc(struct palloc *pa, uint64_t npages, uint64_t align_pages)
{
    if (!npages || !align_pages || (align_pages & (align_pages - 1)) || npages > pa->free_pages)
        return 0;
    for (unsigned i = 0; i < pa->nr_banks; i++) {
        uint64_t addr = bank_alloc(pa, &pa->bank[i], npages, align_pages);
        if (addr)
            return addr;
    }
    return 0;
}

uint64_t palloc_alloc_at(struct palloc *pa, uint64_t addr, uint64_t npages)
{
    unsigned i = bank_index(pa, addr);
    if (!npages || i == pa->nr_banks || !IS_ALIGNED(addr, PAGE_SIZE))
        return 0;
    struct palloc_bank *b = &pa->bank[i];
    uint64_t first = (addr - b->base) / PAGE_SIZE;
    if (npages > b->npages - first || !run_free(b, first, npages))
        return 0;
    set_range(pa, b, first, npages, true);
    return addr;
}

void palloc_free(struct palloc *pa, uint64_t addr, uint64_t npages)
{
    unsigned i = bank_index(pa, addr);
    if (i == pa->nr_banks) return;
    struct palloc_bank *b = &pa->bank[i];
    uint64_t first = (addr - b->base) / PAGE_SIZE;
    if (npages > b->npages - first) return;
    set_range(pa, b, first, npages, false);
}
