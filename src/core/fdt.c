/* SPDX-License-Identifier: MIT */
#include "core/fdt.h"
#include "core/lib.h"

#define FDT_MAGIC       0xd00dfeedu
#define FDT_BEGIN_NODE  1u
#define FDT_END_NODE    2u
#define FDT_PROP        3u
#define FDT_NOP         4u
#define FDT_END         9u
#define FDT_MAX_SIZE    (2u << 20)
#define FDT_HDR_WORDS   10

static uint32_t be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static uint64_t read_cells(const uint8_t *p, unsigned cells)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < cells; i++)
        v = (v << 32) | be32(p + 4 * i);
    return v;
}

uint32_t fdt_total_size(const void *blob)
{
    const uint8_t *b = blob;
    if (!b || be32(b) != FDT_MAGIC)
        return 0;
    uint32_t size = be32(b + 4);
    return size <= FDT_MAX_SIZE ? size : 0;
}

/* Whether the string list `val` (len bytes) holds `want`. */
static bool compatible_has(const uint8_t *val, uint32_t len, const char *want)
{
    size_t wlen = strlen(want);
    for (uint32_t i = 0; i < len;) {
        uint32_t n = 0;
        while (i + n < len && val[i + n])
            n++;
        if (n == wlen && !memcmp(val + i, want, wlen))
            return true;
        i += n + 1;
    }
    return false;
}

/* A string property's value into dst, truncated and always terminated. */
static void copy_string(char *dst, size_t size, const uint8_t *val, uint32_t len)
{
    size_t n = len < size ? len : size;
    memcpy(dst, val, n);
    dst[n - 1] = '\0';
}

/* A /memory node's reg: each non-empty range a RAM bank, as many as fit. */
static void read_memory(struct fdt_info *out, const uint8_t *val, uint32_t len, unsigned addr_cells,
                        unsigned size_cells)
{
    const uint32_t step = 4 * (addr_cells + size_cells);
    for (uint32_t at = 0; step && len - at >= step; at += step) {
        struct ram_range r = { read_cells(val + at, addr_cells), read_cells(val + at + 4 * addr_cells, size_cells) };
        if (!r.size)
            continue;
        if (out->nr_ram == MAX_RAM_BANKS) {
            out->ram_left_out++;
            continue;
        }
        out->ram[out->nr_ram++] = r;
    }
}

unsigned fdt_ram_within(const struct fdt_info *fi, const struct ram_range *banks, unsigned nr_banks,
                        struct ram_range *out)
{
    unsigned n = 0;
    if (!fi->nr_ram) {
        for (; n < nr_banks && n < MAX_RAM_BANKS; n++)
            out[n] = banks[n];
        return n;
    }
    for (unsigned i = 0; i < nr_banks; i++)
        for (unsigned j = 0; j < fi->nr_ram; j++) {
            const struct ram_range *b = &banks[i], *r = &fi->ram[j];
            uint64_t r_end = r->base + r->size < r->base ? UINT64_MAX : r->base + r->size;
            uint64_t lo = MAX(b->base, r->base), hi = MIN(b->base + b->size, r_end);
            if (lo < hi && n < MAX_RAM_BANKS)
                out[n++] = (struct ram_range){ lo, hi - lo };
        }
    return n;
}

int fdt_scan(const void *blob, struct fdt_info *out)
{
    const uint8_t *b = blob;
    uint32_t total = fdt_total_size(blob);
    memset(out, 0, sizeof(*out));
    if (total < FDT_HDR_WORDS * 4)
        return E_INVAL;
    uint32_t off = be32(b + 8), str_off = be32(b + 12), str_size = be32(b + 32), struct_size = be32(b + 36);
    if (off > total || struct_size > total - off || str_off > total || str_size > total - str_off)
        return E_INVAL;

    uint32_t end = off + struct_size;
    unsigned depth = 0, addr_cells = 2, size_cells = 1;
    bool in_memory = false, in_cpus = false, in_chosen = false;
    bool node_smmuv3 = false, node_ecam = false, node_has_reg = false;     /* of the depth-2 node */
    uint64_t node_reg = 0;

    while (off + 4 <= end) {
        uint32_t tok = be32(b + off);
        off += 4;
        if (tok == FDT_BEGIN_NODE) {
            const char *name = (const char *)b + off;
            size_t len = 0;
            while (off + len < end && name[len]) len++;
            if (off + len >= end)
                return E_INVAL;
            off += (uint32_t)ALIGN_UP(len + 1, 4);
            depth++;
            if (depth == 2) {
                in_memory = !strncmp(name, "memory", 6) && (name[6] == '\0' || name[6] == '@');
                in_cpus = !strcmp(name, "cpus");
                in_chosen = !strcmp(name, "chosen");
                node_smmuv3 = node_ecam = node_has_reg = false;
            } else if (depth == 3 && in_cpus && !strncmp(name, "cpu@", 4)) {
                out->nr_cpus++;
            }
        } else if (tok == FDT_END_NODE) {
            if (depth == 0)
                return E_INVAL;
            if (depth == 2 && node_smmuv3 && node_has_reg && !out->smmuv3_base)
                out->smmuv3_base = node_reg;
            if (depth == 2 && node_ecam && node_has_reg && !out->pci_ecam_base)
                out->pci_ecam_base = node_reg;
            if (depth == 2)
                in_memory = in_cpus = in_chosen = false;
            depth--;
        } else if (tok == FDT_PROP) {
            if (off + 8 > end)
                return E_INVAL;
            uint32_t len = be32(b + off), nameoff = be32(b + off + 4);
            off += 8;
            if (len > end - off || nameoff >= str_size)
                return E_INVAL;
            const char *pname = (const char *)b + str_off + nameoff;
            uint32_t nlen = 0;
            while (nlen < str_size - nameoff && pname[nlen])
                nlen++;
            if (nlen == str_size - nameoff)
                return E_INVAL;         /* the name runs past the strings block */
            const uint8_t *val = b + off;
            if (depth == 1 && len == 4 && !strcmp(pname, "#address-cells"))
                addr_cells = be32(val);
            else if (depth == 1 && len == 4 && !strcmp(pname, "#size-cells"))
                size_cells = be32(val);
            else if (depth == 2 && in_memory && !strcmp(pname, "reg") && addr_cells <= 2 && size_cells <= 2)
                read_memory(out, val, len, addr_cells, size_cells);
            else if (depth == 2 && !strcmp(pname, "compatible")) {
                node_smmuv3 = compatible_has(val, len, FDT_COMPAT_SMMUV3);
                node_ecam = compatible_has(val, len, FDT_COMPAT_PCI_ECAM);
            }
            else if (depth == 2 && !strcmp(pname, "reg") && addr_cells <= 2 && len >= 4 * addr_cells) {
                node_reg = read_cells(val, addr_cells);
                node_has_reg = true;
            }
            else if (depth == 2 && in_chosen && len && !strcmp(pname, "bootargs"))
                copy_string(out->bootargs, sizeof(out->bootargs), val, len);
            else if (depth == 2 && in_chosen && len && !strcmp(pname, FDT_CHOSEN_UBOOT))
                copy_string(out->loader, sizeof(out->loader), val, len);
            off += (uint32_t)ALIGN_UP(len, 4);
        } else if (tok == FDT_END) {
            return E_OK;
        } else if (tok != FDT_NOP) {
            return E_INVAL;
        }
    }
    return E_INVAL;
}
