/* SPDX-License-Identifier: MIT */
/*
 * src/core/fdt.c: fdt_scan() on device trees built here with libfdt's
 * sequential-write API, then on corrupted copies of them.  Every blob the
 * scanner sees is in a heap buffer of exactly its size, so that under
 * AddressSanitizer a read past its end fails the test.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <libfdt.h>
#include "unit.h"
#include "core/fdt.h"

#define BUF_SIZE 4096

struct blob {
    uint8_t *p;
    uint32_t size;
};

#define CHECK(x) assert_int_equal((x), 0)

/* A copy of `fdt` in a buffer of `size` bytes (its totalsize by default). */
static struct blob copy_exact(const void *fdt, uint32_t size)
{
    struct blob b = { malloc(size), size };
    assert_non_null(b.p);
    memcpy(b.p, fdt, size);
    return b;
}

static void set_be32(struct blob *b, uint32_t off, uint32_t v)
{
    assert_true(off + 4 <= b->size);
    b->p[off] = (uint8_t)(v >> 24);
    b->p[off + 1] = (uint8_t)(v >> 16);
    b->p[off + 2] = (uint8_t)(v >> 8);
    b->p[off + 3] = (uint8_t)v;
}

struct board {
    int addr_cells, size_cells;       /* root; < 0: property absent */
    uint64_t ram_base, ram_size;
    unsigned nr_cpus;
    bool root_size_cells_first;       /* property order in the root */
    bool second_memory;               /* another /memory node after the first */
    const char *bootargs;             /* /chosen/bootargs, if not NULL */
    const char *uboot;                /* /chosen/u-boot,version (needs bootargs) */
};

static void prop_cells(void *fdt, const char *name, uint64_t v, int cells)
{
    if (cells == 2)
        CHECK(fdt_property_u64(fdt, name, v));
    else
        CHECK(fdt_property_u32(fdt, name, (uint32_t)v));
}

/* A board's device tree: /memory, /cpus with cpu@N, and some noise. */
static struct blob build(const struct board *bd)
{
    static uint8_t buf[BUF_SIZE];
    void *fdt = buf;
    int ac = bd->addr_cells < 0 ? 2 : bd->addr_cells;
    int sc = bd->size_cells < 0 ? 1 : bd->size_cells;

    CHECK(fdt_create(fdt, BUF_SIZE));
    CHECK(fdt_finish_reservemap(fdt));
    CHECK(fdt_begin_node(fdt, ""));
    if (bd->root_size_cells_first && bd->size_cells >= 0)
        CHECK(fdt_property_u32(fdt, "#size-cells", (uint32_t)bd->size_cells));
    if (bd->addr_cells >= 0)
        CHECK(fdt_property_u32(fdt, "#address-cells", (uint32_t)bd->addr_cells));
    if (!bd->root_size_cells_first && bd->size_cells >= 0)
        CHECK(fdt_property_u32(fdt, "#size-cells", (uint32_t)bd->size_cells));
    CHECK(fdt_property_string(fdt, "compatible", "linux,dummy-virt"));

    if (bd->bootargs) {
        CHECK(fdt_begin_node(fdt, "chosen"));
        CHECK(fdt_property_string(fdt, "stdout-path", "/pl011@9000000"));
        CHECK(fdt_property_string(fdt, "bootargs", bd->bootargs));
        if (bd->uboot)
            CHECK(fdt_property_string(fdt, "u-boot,version", bd->uboot));
        CHECK(fdt_end_node(fdt));
    }
    CHECK(fdt_begin_node(fdt, "psci"));
    CHECK(fdt_property_string(fdt, "method", "hvc"));
    CHECK(fdt_end_node(fdt));

    CHECK(fdt_begin_node(fdt, "memory@40000000"));
    CHECK(fdt_property_string(fdt, "device_type", "memory"));
    fdt32_t reg[4];
    unsigned n = 0;
    for (int i = ac - 1; i >= 0; i--)
        reg[n++] = cpu_to_fdt32((uint32_t)(bd->ram_base >> (32 * i)));
    for (int i = sc - 1; i >= 0; i--)
        reg[n++] = cpu_to_fdt32((uint32_t)(bd->ram_size >> (32 * i)));
    CHECK(fdt_property(fdt, "reg", reg, (int)(n * sizeof(reg[0]))));
    CHECK(fdt_end_node(fdt));
    if (bd->second_memory) {
        CHECK(fdt_begin_node(fdt, "memory@1000000000"));
        CHECK(fdt_property_string(fdt, "device_type", "memory"));
        reg[0] = reg[1] = reg[2] = reg[3] = cpu_to_fdt32(0x10);
        CHECK(fdt_property(fdt, "reg", reg, (int)(n * sizeof(reg[0]))));
        CHECK(fdt_end_node(fdt));
    }

    CHECK(fdt_begin_node(fdt, "cpus"));
    CHECK(fdt_property_u32(fdt, "#address-cells", 1));
    CHECK(fdt_property_u32(fdt, "#size-cells", 0));
    for (unsigned i = 0; i < bd->nr_cpus; i++) {
        char name[16];
        snprintf(name, sizeof(name), "cpu@%u", i);
        CHECK(fdt_begin_node(fdt, name));
        CHECK(fdt_property_string(fdt, "device_type", "cpu"));
        CHECK(fdt_property_string(fdt, "compatible", "arm,cortex-a57"));
        CHECK(fdt_property_u32(fdt, "reg", i));
        CHECK(fdt_end_node(fdt));
    }
    CHECK(fdt_begin_node(fdt, "cpu-map"));          /* not a CPU */
    CHECK(fdt_begin_node(fdt, "cluster0"));
    CHECK(fdt_begin_node(fdt, "cpu@99"));           /* too deep to be a CPU */
    CHECK(fdt_end_node(fdt));
    CHECK(fdt_end_node(fdt));
    CHECK(fdt_end_node(fdt));
    CHECK(fdt_end_node(fdt));                       /* cpus */

    CHECK(fdt_begin_node(fdt, "pl011@9000000"));
    prop_cells(fdt, "reg", 0x9000000, 2);
    CHECK(fdt_end_node(fdt));
    CHECK(fdt_end_node(fdt));                       /* root */
    CHECK(fdt_finish(fdt));
    CHECK(fdt_check_header(fdt));
    return copy_exact(fdt, fdt_totalsize(fdt));
}

static const struct board qemu_virt = {
    .addr_cells = 2, .size_cells = 2,
    .ram_base = 0x40000000, .ram_size = 0x80000000, .nr_cpus = 4,
};

static int scan(const struct blob *b, struct fdt_info *info)
{
    memset(info, 0xa5, sizeof(*info));
    return fdt_scan(b->p, info);
}

static void expect_invalid(struct blob *b)
{
    struct fdt_info info;
    assert_int_equal(scan(b, &info), E_INVAL);
    free(b->p);
}

/* Offset of the first occurrence of `needle` in the structure block. */
static uint32_t find_in_struct(const struct blob *b, const void *needle, size_t len)
{
    uint32_t start = fdt_off_dt_struct(b->p), end = start + fdt_size_dt_struct(b->p);
    for (uint32_t off = start; off + len <= end; off += 4)
        if (!memcmp(b->p + off, needle, len))
            return off;
    fail_msg("not found in the structure block");
    return 0;
}

/* Offset of the FDT_PROP token of the memory node's "reg". */
static uint32_t memory_reg_prop(const struct blob *b)
{
    int node = fdt_path_offset(b->p, "/memory@40000000");
    assert_true(node >= 0);
    int len;
    const struct fdt_property *p = fdt_get_property(b->p, node, "reg", &len);
    assert_non_null(p);
    return (uint32_t)((const uint8_t *)p - b->p);
}

static void test_qemu_virt(void **state)
{
    (void)state;
    struct blob b = build(&qemu_virt);
    struct fdt_info info;
    assert_int_equal(scan(&b, &info), E_OK);
    assert_int_equal(info.ram[0].base, 0x40000000);
    assert_int_equal(info.ram[0].size, 0x80000000);
    assert_int_equal(info.nr_cpus, 4);
    assert_int_equal(fdt_total_size(b.p), b.size);
    free(b.p);
}

static void test_cell_sizes(void **state)
{
    (void)state;
    struct board bd = { .addr_cells = 2, .size_cells = 1, .ram_base = 0x140000000,
                        .ram_size = 0x10000000, .nr_cpus = 1 };
    struct blob b = build(&bd);
    struct fdt_info info;
    assert_int_equal(scan(&b, &info), E_OK);
    assert_int_equal(info.ram[0].base, 0x140000000);
    assert_int_equal(info.ram[0].size, 0x10000000);
    assert_int_equal(info.nr_cpus, 1);
    free(b.p);

    bd = (struct board){ .addr_cells = 1, .size_cells = 1, .ram_base = 0x80000000,
                         .ram_size = 0x20000000, .nr_cpus = 8, .root_size_cells_first = true };
    b = build(&bd);
    assert_int_equal(scan(&b, &info), E_OK);
    assert_int_equal(info.ram[0].base, 0x80000000);
    assert_int_equal(info.ram[0].size, 0x20000000);
    assert_int_equal(info.nr_cpus, 8);
    free(b.p);

    /* No #address-cells / #size-cells: the defaults, 2 and 1. */
    bd = (struct board){ .addr_cells = -1, .size_cells = -1, .ram_base = 0x40000000,
                         .ram_size = 0x8000000, .nr_cpus = 2 };
    b = build(&bd);
    assert_int_equal(scan(&b, &info), E_OK);
    assert_int_equal(info.ram[0].base, 0x40000000);
    assert_int_equal(info.ram[0].size, 0x8000000);
    free(b.p);
}

/* A root with one node `name` whose reg is `reg`; with `cells`, the root's
 * #address-cells and #size-cells (else the defaults). */
static struct blob one_node(const char *name, int cells, const fdt32_t *reg, size_t len)
{
    static uint8_t buf[BUF_SIZE];
    CHECK(fdt_create(buf, BUF_SIZE));
    CHECK(fdt_finish_reservemap(buf));
    CHECK(fdt_begin_node(buf, ""));
    if (cells > 0) {
        CHECK(fdt_property_u32(buf, "#address-cells", (uint32_t)cells));
        CHECK(fdt_property_u32(buf, "#size-cells", (uint32_t)cells));
    }
    CHECK(fdt_begin_node(buf, name));
    CHECK(fdt_property(buf, "reg", reg, (int)len));
    CHECK(fdt_end_node(buf));
    CHECK(fdt_end_node(buf));
    CHECK(fdt_finish(buf));
    return copy_exact(buf, fdt_totalsize(buf));
}

static void test_no_memory_node(void **state)
{
    (void)state;
    static const fdt32_t reg[4] = { 0, 0x40000000, 0, 0x40000000 };
    struct blob b = one_node("memoryless", -1, reg, sizeof(reg));   /* "memory" is only a prefix */
    struct fdt_info info;
    assert_int_equal(scan(&b, &info), E_OK);
    assert_int_equal(info.nr_ram, 0);
    assert_int_equal(info.nr_cpus, 0);
    free(b.p);
}

/* Every /memory node is a bank (QEMU's zcu102 and raspi4b give a node per
 * bank when they give two; a board's firmware may too). */
static void test_every_memory_node(void **state)
{
    (void)state;
    struct board bd = qemu_virt;
    bd.second_memory = true;
    struct blob b = build(&bd);
    struct fdt_info info;
    assert_int_equal(scan(&b, &info), E_OK);
    assert_int_equal(info.nr_ram, 2);
    assert_int_equal(info.ram[0].base, 0x40000000);
    assert_int_equal(info.ram[0].size, 0x80000000);
    assert_int_equal(info.ram[1].base, UINT64_C(0x1000000010));
    assert_int_equal(info.ram[1].size, UINT64_C(0x1000000010));
    free(b.p);
}

/* One /memory node with several reg ranges: each a bank, empty ones
 * skipped, those beyond MAX_RAM_BANKS counted; a ragged tail ignored. */
static void test_ranges_in_one_node(void **state)
{
    (void)state;
    /* The Raspberry Pi 4B's two, an empty one, then four more, then half a range. */
    static const uint32_t cells[] = { 0, 0x3c000000, 0x40000000, 0x40000000, 0x80000000, 0,
                                      0x90000000, 0x1000000, 0xa0000000, 0x1000000, 0xb0000000, 0x1000000,
                                      0xc0000000, 0x1000000, 0xd0000000 };
    fdt32_t reg[ARRAY_SIZE(cells)];
    for (unsigned i = 0; i < ARRAY_SIZE(cells); i++)
        reg[i] = cpu_to_fdt32(cells[i]);
    struct blob b = one_node("memory@0", 1, reg, sizeof(reg));
    struct fdt_info info;
    assert_int_equal(scan(&b, &info), E_OK);
    assert_int_equal(info.nr_ram, MAX_RAM_BANKS);
    assert_int_equal(info.ram[0].base, 0);
    assert_int_equal(info.ram[0].size, 0x3c000000);
    assert_int_equal(info.ram[1].base, 0x40000000);
    assert_int_equal(info.ram[1].size, 0x40000000);
    assert_int_equal(info.ram[2].base, 0x90000000);
    assert_int_equal(info.ram[3].base, 0xa0000000);
    assert_int_equal(info.ram_left_out, 2);
    free(b.p);
}

static void test_bootargs(void **state)
{
    (void)state;
    struct board bd = qemu_virt;
    bd.bootargs = "tofu.color=1 loglevel=8";
    struct blob b = build(&bd);
    struct fdt_info info;
    assert_int_equal(scan(&b, &info), E_OK);
    assert_string_equal(info.bootargs, "tofu.color=1 loglevel=8");
    assert_int_equal(info.ram[0].size, 0x80000000);
    free(b.p);

    /* Longer than the buffer: truncated, still terminated. */
    char longer[300];
    memset(longer, 'x', sizeof(longer) - 1);
    longer[sizeof(longer) - 1] = '\0';
    bd.bootargs = longer;
    b = build(&bd);
    assert_int_equal(scan(&b, &info), E_OK);
    assert_int_equal(strlen(info.bootargs), sizeof(info.bootargs) - 1);
    assert_int_equal(info.bootargs[0], 'x');
    free(b.p);

    /* None: empty. */
    b = build(&qemu_virt);
    assert_int_equal(scan(&b, &info), E_OK);
    assert_string_equal(info.bootargs, "");
    free(b.p);
}

/* U-Boot's booti names itself in /chosen: tofu then knows a loader wrote
 * RAM (docs/boot-flow.md); QEMU's -kernel adds nothing. */
static void test_loader(void **state)
{
    (void)state;
    struct board bd = qemu_virt;
    bd.bootargs = "";
    bd.uboot = "2023.01+dfsg-2+deb12u3";
    struct blob b = build(&bd);
    struct fdt_info info;
    assert_int_equal(scan(&b, &info), E_OK);
    assert_string_equal(info.loader, "2023.01+dfsg-2+deb12u3");
    assert_string_equal(info.bootargs, "");
    free(b.p);

    bd.uboot = NULL;
    b = build(&bd);
    assert_int_equal(scan(&b, &info), E_OK);
    assert_string_equal(info.loader, "");
    free(b.p);
}

/* Only /chosen's bootargs count, not a property of that name elsewhere. */
static void test_bootargs_only_in_chosen(void **state)
{
    (void)state;
    static uint8_t buf[BUF_SIZE];
    CHECK(fdt_create(buf, BUF_SIZE));
    CHECK(fdt_finish_reservemap(buf));
    CHECK(fdt_begin_node(buf, ""));
    CHECK(fdt_property_string(buf, "bootargs", "root"));
    CHECK(fdt_begin_node(buf, "chosen-not"));
    CHECK(fdt_property_string(buf, "bootargs", "sibling"));
    CHECK(fdt_end_node(buf));
    CHECK(fdt_begin_node(buf, "soc"));
    CHECK(fdt_begin_node(buf, "chosen"));
    CHECK(fdt_property_string(buf, "bootargs", "nested"));
    CHECK(fdt_end_node(buf));
    CHECK(fdt_end_node(buf));
    CHECK(fdt_end_node(buf));
    CHECK(fdt_finish(buf));
    struct blob b = copy_exact(buf, fdt_totalsize(buf));
    struct fdt_info info;
    assert_int_equal(scan(&b, &info), E_OK);
    assert_string_equal(info.bootargs, "");
    free(b.p);

    /* A child of /chosen is not /chosen. */
    CHECK(fdt_create(buf, BUF_SIZE));
    CHECK(fdt_finish_reservemap(buf));
    CHECK(fdt_begin_node(buf, ""));
    CHECK(fdt_begin_node(buf, "chosen"));
    CHECK(fdt_property_string(buf, "bootargs", "right"));
    CHECK(fdt_begin_node(buf, "framebuffer@0"));
    CHECK(fdt_property_string(buf, "bootargs", "wrong"));
    CHECK(fdt_end_node(buf));
    CHECK(fdt_end_node(buf));
    CHECK(fdt_end_node(buf));
    CHECK(fdt_finish(buf));
    b = copy_exact(buf, fdt_totalsize(buf));
    assert_int_equal(scan(&b, &info), E_OK);
    assert_string_equal(info.bootargs, "right");
    free(b.p);
}

static void test_bad_header(void **state)
{
    (void)state;
    /* Magic and a totalsize that ends inside the header: nothing past it
     * may be read (ASan checks the 8-byte buffer). */
    static const uint8_t tiny[8] = { 0xd0, 0x0d, 0xfe, 0xed, 0, 0, 0, 8 };
    struct blob t = copy_exact(tiny, sizeof(tiny));
    expect_invalid(&t);

    struct fdt_info info;
    memset(&info, 0xa5, sizeof(info));
    assert_int_equal(fdt_scan(NULL, &info), E_INVAL);
    assert_int_equal(info.nr_cpus, 0);              /* cleared even on failure */
    assert_int_equal(info.ram[0].size, 0);

    struct blob b = build(&qemu_virt);
    set_be32(&b, 0, 0xd00dfeef);                    /* magic */
    assert_int_equal(fdt_total_size(b.p), 0);
    expect_invalid(&b);

    b = build(&qemu_virt);
    set_be32(&b, 4, 39);                            /* smaller than the header */
    expect_invalid(&b);

    b = build(&qemu_virt);
    set_be32(&b, 4, fdt_off_dt_struct(b.p) + 8);    /* cuts the structure block */
    expect_invalid(&b);

    b = build(&qemu_virt);
    set_be32(&b, 4, 64u << 20);                     /* over the 2 MiB limit */
    assert_int_equal(fdt_total_size(b.p), 0);
    expect_invalid(&b);
}

static void test_bad_block_offsets(void **state)
{
    (void)state;
    struct blob b = build(&qemu_virt);
    set_be32(&b, 8, b.size + 4);                    /* off_dt_struct beyond the blob */
    expect_invalid(&b);

    b = build(&qemu_virt);
    set_be32(&b, 8, 0xfffffff0);                    /* ... and wrapping */
    expect_invalid(&b);

    b = build(&qemu_virt);
    set_be32(&b, 36, fdt_size_dt_struct(b.p) + b.size);   /* size_dt_struct */
    expect_invalid(&b);

    b = build(&qemu_virt);
    set_be32(&b, 12, b.size + 1);                   /* off_dt_strings */
    expect_invalid(&b);

    b = build(&qemu_virt);
    set_be32(&b, 32, 0xffffffff);                   /* size_dt_strings */
    expect_invalid(&b);
}

static void test_bad_property(void **state)
{
    (void)state;
    /* 0xfffffff4 would step back onto the same FDT_PROP token. */
    static const uint32_t lens[] = { 0xfffffff0, 0xfffffff4, 0x80000000, 0x10000 };
    for (unsigned i = 0; i < ARRAY_SIZE(lens); i++) {
        struct blob b = build(&qemu_virt);
        set_be32(&b, memory_reg_prop(&b) + 4, lens[i]);   /* len past the end */
        expect_invalid(&b);
    }
    /* Exactly one byte too long for the structure block. */
    struct blob b = build(&qemu_virt);
    uint32_t p = memory_reg_prop(&b);
    uint32_t end = fdt_off_dt_struct(b.p) + fdt_size_dt_struct(b.p);
    set_be32(&b, p + 4, end - (p + 12) + 1);
    expect_invalid(&b);

    b = build(&qemu_virt);
    set_be32(&b, memory_reg_prop(&b) + 8, fdt_size_dt_strings(b.p));   /* nameoff */
    expect_invalid(&b);
}

static void test_bad_structure(void **state)
{
    (void)state;
    /* No FDT_END: the structure block stops after the root's END_NODE. */
    struct blob b = build(&qemu_virt);
    set_be32(&b, 36, fdt_size_dt_struct(b.p) - 4);
    expect_invalid(&b);

    /* Only the first token. */
    b = build(&qemu_virt);
    set_be32(&b, 36, 4);
    expect_invalid(&b);

    /* Cut inside the root's first property. */
    b = build(&qemu_virt);
    set_be32(&b, 36, 16);
    expect_invalid(&b);

    /* Cut inside a node name, before its NUL. */
    b = build(&qemu_virt);
    uint32_t name = find_in_struct(&b, "memory@4", 8);
    set_be32(&b, 36, name + 6 - fdt_off_dt_struct(b.p));
    expect_invalid(&b);

    /* An unknown token, in place of a property or of a NOP. */
    b = build(&qemu_virt);
    set_be32(&b, memory_reg_prop(&b), 0x7);
    expect_invalid(&b);
    b = build(&qemu_virt);
    int psci = fdt_path_offset(b.p, "/psci");
    assert_true(psci >= 0);
    uint32_t nop = fdt_off_dt_struct(b.p) + (uint32_t)psci;
    CHECK(fdt_nop_node(b.p, psci));
    set_be32(&b, nop, 0x7);
    expect_invalid(&b);

    /* END_NODE before any BEGIN_NODE (the root's, its empty name a NOP):
     * the rest of the tree is well formed. */
    b = build(&qemu_virt);
    set_be32(&b, fdt_off_dt_struct(b.p), FDT_END_NODE);
    set_be32(&b, fdt_off_dt_struct(b.p) + 4, FDT_NOP);
    expect_invalid(&b);
}

/* The blob with its strings block moved before the structure block (the
 * header allows any order), so that the structure block ends the blob. */
static struct blob strings_first(struct blob in)
{
    uint32_t st = fdt_off_dt_struct(in.p), st_size = fdt_size_dt_struct(in.p);
    uint32_t str = fdt_off_dt_strings(in.p), str_size = fdt_size_dt_strings(in.p);
    assert_int_equal(str, st + st_size);            /* libfdt's order */
    uint32_t new_st = st + (uint32_t)ALIGN_UP(str_size, 4);
    struct blob out = { calloc(1, new_st + st_size), new_st + st_size };
    assert_non_null(out.p);
    memcpy(out.p, in.p, st);                        /* header, reservation map */
    memcpy(out.p + st, in.p + str, str_size);
    memcpy(out.p + new_st, in.p + st, st_size);
    free(in.p);
    set_be32(&out, 4, out.size);
    set_be32(&out, 8, new_st);
    set_be32(&out, 12, st);
    CHECK(fdt_check_header(out.p));
    return out;
}

static void test_node_name_cut_at_end_of_blob(void **state)
{
    (void)state;
    struct blob b = strings_first(build(&qemu_virt));
    struct fdt_info info;
    assert_int_equal(scan(&b, &info), E_OK);        /* the relocation is sound */
    assert_int_equal(info.nr_cpus, 4);
    /* The blob ends right after "memory" in "memory@40000000". */
    uint32_t name = find_in_struct(&b, "memory@4", 8);
    uint32_t size = name + 6;
    struct blob cut = copy_exact(b.p, size);
    free(b.p);
    set_be32(&cut, 4, size);
    set_be32(&cut, 36, size - fdt_off_dt_struct(cut.p));
    expect_invalid(&cut);
}

static void test_nop_tokens_skipped(void **state)
{
    (void)state;
    struct blob b = build(&qemu_virt);
    int node = fdt_path_offset(b.p, "/psci");
    assert_true(node >= 0);
    CHECK(fdt_nop_node(b.p, node));
    struct fdt_info info;
    assert_int_equal(scan(&b, &info), E_OK);
    assert_int_equal(info.ram[0].size, 0x80000000);
    assert_int_equal(info.nr_cpus, 4);
    free(b.p);
}

/* The strings block ends mid-name: a property name must be NUL-terminated
 * inside it, or the comparison reads past the blob. */
static void test_unterminated_property_name(void **state)
{
    (void)state;
    /* "#size-cells" is the root's first property, so libfdt puts its name
     * last in the strings block; cut the blob inside it. */
    struct board bd = qemu_virt;
    bd.root_size_cells_first = true;
    struct blob full = build(&bd);
    uint32_t str_end = fdt_off_dt_strings(full.p) + fdt_size_dt_strings(full.p);
    assert_int_equal(str_end, full.size);
    assert_memory_equal(full.p + str_end - 12, "#size-cells", 12);
    struct blob b = copy_exact(full.p, full.size - 5);          /* ends in "#size-c" */
    free(full.p);
    set_be32(&b, 4, b.size);
    set_be32(&b, 32, fdt_size_dt_strings(b.p) - 5);
    expect_invalid(&b);
}

/* The boot DTB's ranges clipped to the banks tofu maps: the Raspberry Pi
 * 4B's firmware giving its two banks in one range each, QEMU virt's -m
 * larger than the config's memory, a range wholly outside, none at all. */
static void test_ram_within(void **state)
{
    (void)state;
    const struct ram_range rpi[] = { { 0, 0x3c000000 }, { 0x40000000, 0x40000000 } };
    struct fdt_info fi = { .nr_ram = 2, .ram = { { 0x40000000, 0x40000000 }, { 0, 0x3b400000 } } };
    struct ram_range out[MAX_RAM_BANKS];
    assert_int_equal(fdt_ram_within(&fi, rpi, 2, out), 2);
    assert_int_equal(out[0].base, 0);                       /* the banks' order */
    assert_int_equal(out[0].size, 0x3b400000);              /* the firmware kept some */
    assert_int_equal(out[1].base, 0x40000000);
    assert_int_equal(out[1].size, 0x40000000);

    const struct ram_range virt[] = { { 0x40000000, 0x80000000 } };
    fi = (struct fdt_info){ .nr_ram = 2, .ram = { { 0x40000000, 0x100000000 }, { 0x200000000, 0x1000 } } };
    assert_int_equal(fdt_ram_within(&fi, virt, 1, out), 1);
    assert_int_equal(out[0].base, 0x40000000);
    assert_int_equal(out[0].size, 0x80000000);

    fi = (struct fdt_info){ .nr_ram = 1, .ram = { { 0x10000000, ~UINT64_C(0) } } };   /* wraps: to the end */
    assert_int_equal(fdt_ram_within(&fi, rpi, 2, out), 2);
    assert_int_equal(out[0].base, 0x10000000);
    assert_int_equal(out[0].size, 0x2c000000);
    fi = (struct fdt_info){ .nr_ram = 1, .ram = { { 0x3c000000, 0x4000000 } } };    /* the VideoCore's */
    assert_int_equal(fdt_ram_within(&fi, rpi, 2, out), 0);
    fi = (struct fdt_info){ .nr_ram = 0 };
    assert_int_equal(fdt_ram_within(&fi, rpi, 2, out), 2);
    assert_int_equal(out[1].base, 0x40000000);
}

int main(void)
{
    alarm(60);          /* a parser that loops fails instead of hanging the run */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_qemu_virt),
        cmocka_unit_test(test_cell_sizes),
        cmocka_unit_test(test_no_memory_node),
        cmocka_unit_test(test_every_memory_node),
        cmocka_unit_test(test_ranges_in_one_node),
        cmocka_unit_test(test_ram_within),
        cmocka_unit_test(test_bootargs),
        cmocka_unit_test(test_bootargs_only_in_chosen),
        cmocka_unit_test(test_bad_header),
        cmocka_unit_test(test_bad_block_offsets),
        cmocka_unit_test(test_bad_property),
        cmocka_unit_test(test_bad_structure),
        cmocka_unit_test(test_node_name_cut_at_end_of_blob),
        cmocka_unit_test(test_nop_tokens_skipped),
        cmocka_unit_test(test_unterminated_property_name),
        cmocka_unit_test(test_loader),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
