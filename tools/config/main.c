/* SPDX-License-Identifier: MIT */
/*
 * tofu-config: validate a system description (configs/<name>.dts compiled
 * by dtc) and compile it into what the hypervisor reads at boot.  Every
 * refusal names the file, the node and the problem, and exits 1.
 *
 *   tofu-config -c <config.dtb> [-n <name for messages>] -o <outdir> [-L <dir>]...
 *       check the config and generate <outdir>/{config.c,images.S,<vm>.dtb,
 *       qemu.env,deps.mk}; the hypervisor image is counted at its least
 *       (the guest images it embeds);
 *   tofu-config -c <config.dtb> [-n <name>] -e <tofu.elf> [-L <dir>]...
 *       after linking: check the config again against the image as linked
 *       (its __image_start and __image_end), generating nothing.
 */
#include <errno.h>
#include <inttypes.h>
#include <libfdt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tofu_config.h"

#define USAGE "usage: tofu-config -c config.dtb [-n source.dts] (-o outdir | -e tofu.elf) [-L dir]...\n"

static const char *src_name;

void refuse(const char *node, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: %s: ", src_name, node);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(2);
}

static void *read_all(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    void *buf = NULL;
    long n = fseek(f, 0, SEEK_END) ? -1 : ftell(f);
    if (n >= 0 && !fseek(f, 0, SEEK_SET) && (buf = malloc(n > 0 ? (size_t)n : 1)) &&
        fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    *size = (size_t)n;
    return buf;
}

static struct hyp_image linked_image(const char *elf)
{
    size_t size;
    struct hyp_image h = { .linked = true };
    void *buf = read_all(elf, &size);
    if (!buf) die("%s: cannot read %s: %s", src_name, elf, strerror(errno));
    const char *why = elf_image_bounds(buf, size, &h.start, &h.end);
    if (why) die("%s: %s: %s", src_name, elf, why);
    if (h.start != plat.image_base)
        die("%s: %s starts at %#" PRIx64 ", not at the board's image-base %#" PRIx64 ", where it is loaded: "
            "src/arch/arm64/tofu.ld and the generated platform.ld disagree", src_name, elf, h.start, plat.image_base);
    free(buf);
    return h;
}

int main(int argc, char **argv)
{
    const char *cfg = NULL, *outdir = NULL, *elf = NULL;
    static struct sys sys;
    struct search search = { .n = 0 };
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-c") && i + 1 < argc) cfg = argv[++i];
        else if (!strcmp(argv[i], "-n") && i + 1 < argc) src_name = argv[++i];
        else if (!strcmp(argv[i], "-o") && i + 1 < argc) outdir = argv[++i];
        else if (!strcmp(argv[i], "-e") && i + 1 < argc) elf = argv[++i];
        else if (!strcmp(argv[i], "-L") && i + 1 < argc && search.n < MAX_SEARCH) search.dir[search.n++] = argv[++i];
        else { fputs(USAGE, stderr); return 2; }
    }
    if (!cfg || !outdir == !elf) { fputs(USAGE, stderr); return 2; }
    if (!src_name) src_name = cfg;

    size_t size;
    void *fdt = read_all(cfg, &size);
    if (!fdt) { fprintf(stderr, "%s: cannot read %s: %s\n", src_name, cfg, strerror(errno)); return 1; }
    if (fdt_check_full(fdt, size)) refuse("/", "not a valid device tree blob");

    parse_config(&sys, fdt, &search);
    layout_vms(&sys);
    struct hyp_image hyp = elf ? linked_image(elf) : layout_image_min(&sys);
    check_system(&sys, &hyp);
    if (elf) {
        layout_boot(&sys, &hyp);
        return 0;
    }
    for (unsigned i = 0; i < sys.nr_vms; i++)
        guestdt_build(&sys, &sys.vms[i], fdt);
    hyp = layout_image_min(&sys);       /* now with the device trees */
    layout_boot(&sys, &hyp);
    emit_all(&sys, outdir, src_name);
    for (unsigned i = 0; i < sys.nr_vms; i++) free(sys.vms[i].dtb);
    free(fdt);
    return 0;
}
