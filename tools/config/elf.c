/* SPDX-License-Identifier: MIT */
/*
 * The linked hypervisor image's bounds, from tofu.elf's symbol table
 * (__image_start and __image_end, defined by src/arch/arm64/tofu.ld): what
 * the page allocator reserves at boot.
 */
#include <elf.h>
#include <string.h>
#include "tofu_config.h"

static bool inside(size_t size, uint64_t off, uint64_t len)
{
    return off <= size && len <= size - off;
}

const char *elf_image_bounds(const void *buf, size_t size, uint64_t *start, uint64_t *end)
{
    const unsigned char *b = buf;
    Elf64_Ehdr eh;
    if (size < sizeof(eh)) return "too short for an ELF header";
    memcpy(&eh, b, sizeof(eh));
    if (memcmp(eh.e_ident, ELFMAG, SELFMAG) || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
        eh.e_ident[EI_DATA] != ELFDATA2LSB || eh.e_machine != EM_AARCH64)
        return "not a little-endian AArch64 ELF64 file";
    if (eh.e_shentsize != sizeof(Elf64_Shdr) || !inside(size, eh.e_shoff, (uint64_t)eh.e_shnum * sizeof(Elf64_Shdr)))
        return "its section headers lie outside the file";
    bool have_start = false, have_end = false;
    for (unsigned i = 0; i < eh.e_shnum; i++) {
        Elf64_Shdr sh, str;
        memcpy(&sh, b + eh.e_shoff + (uint64_t)i * sizeof(sh), sizeof(sh));
        if (sh.sh_type != SHT_SYMTAB)
            continue;
        if (sh.sh_link >= eh.e_shnum || sh.sh_entsize != sizeof(Elf64_Sym) || !inside(size, sh.sh_offset, sh.sh_size))
            return "its symbol table is malformed";
        memcpy(&str, b + eh.e_shoff + (uint64_t)sh.sh_link * sizeof(str), sizeof(str));
        if (!inside(size, str.sh_offset, str.sh_size))
            return "its string table lies outside the file";
        for (uint64_t off = 0; off + sizeof(Elf64_Sym) <= sh.sh_size; off += sizeof(Elf64_Sym)) {
            Elf64_Sym sym;
            memcpy(&sym, b + sh.sh_offset + off, sizeof(sym));
            if (sym.st_name >= str.sh_size)
                continue;
            const char *name = (const char *)b + str.sh_offset + sym.st_name;
            size_t max = str.sh_size - sym.st_name;
            if (strnlen(name, max) == max)
                continue;
            if (!strcmp(name, "__image_start")) { *start = sym.st_value; have_start = true; }
            if (!strcmp(name, "__image_end")) { *end = sym.st_value; have_end = true; }
        }
    }
    if (!have_start || !have_end)
        return "it has no symbols __image_start and __image_end";
    if (*end < *start)
        return "its __image_end lies below __image_start";
    return NULL;
}
