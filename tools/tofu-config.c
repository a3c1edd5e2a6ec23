/* SPDX-License-Identifier: MIT */
/*
 * tofu-config: validate a system description (configs/<name>.dts compiled
 * by dtc) and compile it into what the hypervisor reads at boot:
 *   <out>/config.c    the VM table (struct vm_config[])
 *   <out>/images.S    the guest images, .incbin'd into the hypervisor image
 *   <out>/<vm>.dtb    each VM's own device tree, generated from its resources
 *   <out>/qemu.env    the machine the config is for (CPUs, memory), for scripts
 *   <out>/deps.mk     the image files, for make
 * Every refusal names the file, the node and the problem, and exits 1.
 *
 * usage: tofu-config -c <config.dtb> -n <source name for messages> -o <outdir> [-L <dir>]...
 */
#include <errno.h>
#include <inttypes.h>
#include <libfdt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_VMS          8
#define MAX_VCPUS        8
#define MAX_PCPUS        8
#define MAX_SEARCH       8
#define SZ_2M            0x200000ull
#define PAGE_SIZE        0x1000ull
#define DTB_RESERVE      SZ_2M          /* the guest DTB lives in the last 2 MiB */
#define GUEST_DTB_MAX    0x10000
#define IMAGE_HDR_SIZE   64
#define IMAGE_MAGIC_OFF  56
#define IMAGE_MAGIC      0x644d5241u     /* "ARM\x64" */
#define NAME_MAX_LEN     15
#define MAX_DEVICES      8
#define MAX_DEV_IRQS     4
#define HYP_BASE         UINT64_C(0x40000000)   /* QEMU's boot stub, then tofu */
#define HYP_CODE_RESERVE UINT64_C(0x00600000)   /* stub + tofu's code, data and bss */
#define GIC_MAX_INTID    1019u
#define GIC_FDT_SPI_CELLS 3
#define MIN_SPIS         32u
#define PLATFORM_UART_INTID 33u                 /* the hypervisor's console */
#define DOORBELL_SPI     31u                    /* INTID 63: the IPC doorbell */
#define SHARE_WINDOW     UINT64_C(0x100000000)  /* IPAs suggested for mapping shares */
#define SHARE_WINDOW_SIZE UINT64_C(0x40000000)
#define IRQ_EDGE_RISING  1u

/* The guest address map mirrors QEMU virt, so software for it runs unchanged. */
#define VIRT_GICD        UINT64_C(0x08000000)
#define VIRT_GICR        UINT64_C(0x080a0000)
#define VIRT_GICR_END    UINT64_C(0x09000000)
#define VIRT_UART        UINT64_C(0x09000000)
#define VIRT_UART_SPI    1u
#define VIRT_RAM         UINT64_C(0x40000000)
#define GICR_FRAME       UINT64_C(0x20000)
#define GIC_SPI_BASE     32u
#define UART_CLK_HZ      24000000u
#define PHANDLE_GIC      1u
#define PHANDLE_CLK      2u
#define GIC_FDT_SPI      0u
#define GIC_FDT_PPI      1u
#define IRQ_LEVEL_HIGH   4u
/* Architected timer PPIs (INTID - 16): secure phys, non-secure phys, virtual, hyp. */
static const uint32_t timer_ppis[4] = { 13, 14, 11, 10 };
#define PMU_PPI          7u        /* INTID 23: the PMU overflow interrupt, forwarded by tofu */

struct image { char path[4096]; uint64_t size, load, text_offset, image_size; bool has_header; };

struct device {
    int node;                       /* in /platform/devices */
    char path[256];
    uint64_t pa, size;
    unsigned nr_irqs;
    uint32_t irqs[MAX_DEV_IRQS];    /* INTIDs */
};

struct vm {
    char name[NAME_MAX_LEN + 1];
    char node[256];
    unsigned nr_vcpus;
    unsigned pcpu[MAX_VCPUS];
    uint64_t ram_ipa, ram_size, ram_pa;
    const char *bootargs;
    struct image kernel, initrd, dtb;
    uint64_t entry;
    unsigned nr_devices;
    struct device devices[MAX_DEVICES];
    unsigned nr_spis;
    int node_off;
    uint32_t ipc_peers;             /* bit n: VM-ID n */
};

static const char *src_name;
static const char *search[MAX_SEARCH];
static unsigned nr_search;

static void __attribute__((noreturn, format(printf, 2, 3))) fail(const char *node, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: %s: ", src_name, node);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

/* snprintf that refuses to truncate. */
static void __attribute__((format(printf, 3, 4))) fmt(char *buf, size_t size, const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    int n = vsnprintf(buf, size, f, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= size) { fprintf(stderr, "tofu-config: path too long\n"); exit(2); }
}

static void *read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    void *buf = malloc(n > 0 ? (size_t)n : 1);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) { fclose(f); free(buf); return NULL; }
    fclose(f);
    *size = (size_t)n;
    return buf;
}

static uint64_t read_cells(const fdt32_t *p, int cells)
{
    uint64_t v = 0;
    for (int i = 0; i < cells; i++) v = (v << 32) | fdt32_to_cpu(p[i]);
    return v;
}

/* A property of exactly `cells` 32-bit cells, as a number. */
static bool get_u64(const void *fdt, int node, const char *path, const char *prop, int cells, uint64_t *out)
{
    int len;
    const fdt32_t *p = fdt_getprop(fdt, node, prop, &len);
    if (!p) return false;
    if (len != cells * 4)
        fail(path, "property '%s' must be %d cell%s, not %d bytes", prop, cells, cells > 1 ? "s" : "", len);
    *out = read_cells(p, cells);
    return true;
}

static const char *get_string(const void *fdt, int node, const char *path, const char *prop)
{
    int len;
    const char *s = fdt_getprop(fdt, node, prop, &len);
    if (!s) return NULL;
    if (len < 1 || s[len - 1] != '\0' || strlen(s) + 1 != (size_t)len)
        fail(path, "property '%s' must be one string", prop);
    return s;
}

static void check_props(const void *fdt, int node, const char *path, const char *const *allowed)
{
    int off;
    fdt_for_each_property_offset(off, fdt, node) {
        const char *name;
        fdt_getprop_by_offset(fdt, off, &name, NULL);
        /* dtc adds phandles to nodes that labels refer to. */
        bool ok = !strcmp(name, "name") || !strcmp(name, "phandle") || !strcmp(name, "linux,phandle");
        for (const char *const *a = allowed; *a && !ok; a++) ok = !strcmp(name, *a);
        if (!ok) fail(path, "unknown property '%s'", name);
    }
}

static void find_image(struct image *img, const char *path, const char *prop, const char *file)
{
    struct stat st;
    for (unsigned i = 0; i <= nr_search; i++) {
        const char *dir = i < nr_search ? search[i] : ".";
        snprintf(img->path, sizeof(img->path), "%s/%s", dir, file);
        if (file[0] == '/') snprintf(img->path, sizeof(img->path), "%s", file);
        if (stat(img->path, &st) == 0) {
            if (!S_ISREG(st.st_mode)) fail(path, "%s '%s' is not a regular file", prop, file);
            FILE *f = fopen(img->path, "rb");
            if (!f) fail(path, "%s '%s' is not readable: %s", prop, img->path, strerror(errno));
            unsigned char hdr[IMAGE_HDR_SIZE];
            size_t n = fread(hdr, 1, sizeof(hdr), f);
            fclose(f);
            img->size = (uint64_t)st.st_size;
            if (!img->size) fail(path, "%s '%s' is empty", prop, img->path);
            uint32_t magic = (uint32_t)hdr[IMAGE_MAGIC_OFF] | (uint32_t)hdr[IMAGE_MAGIC_OFF + 1] << 8 |
                             (uint32_t)hdr[IMAGE_MAGIC_OFF + 2] << 16 | (uint32_t)hdr[IMAGE_MAGIC_OFF + 3] << 24;
            img->has_header = n == sizeof(hdr) && magic == IMAGE_MAGIC;
            if (img->has_header) {
                memcpy(&img->text_offset, hdr + 8, 8);     /* little-endian, as the host */
                memcpy(&img->image_size, hdr + 16, 8);
            }
            return;
        }
        if (file[0] == '/') break;
    }
    fail(path, "%s '%s' not found (searched:%s%s ./)", prop, file, nr_search ? " " : "", nr_search ? search[0] : "");
}

/* A device of /platform/devices, referred to by phandle from a VM. */
static void parse_device(const void *fdt, const char *vm_path, uint32_t phandle, struct device *d)
{
    int node = fdt_node_offset_by_phandle(fdt, phandle);
    int devs = fdt_path_offset(fdt, "/platform/devices");
    if (node < 0 || devs < 0 || fdt_parent_offset(fdt, node) != devs)
        fail(vm_path, "devices: phandle %u is not a device of /platform/devices", phandle);
    d->node = node;
    fdt_get_path(fdt, node, d->path, sizeof(d->path));
    int len;
    const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);
    if (!reg || len != 16)
        fail(d->path, "reg must be one <address-hi address-lo size-hi size-lo> range");
    d->pa = read_cells(reg, 2);
    d->size = read_cells(reg + 2, 2);
    if (!d->size || d->pa % PAGE_SIZE || d->size % PAGE_SIZE)
        fail(d->path, "reg %#" PRIx64 "+%#" PRIx64 " must be non-empty and page-aligned", d->pa, d->size);
    const fdt32_t *irq = fdt_getprop(fdt, node, "interrupts", &len);
    if (irq) {
        if (len % (4 * GIC_FDT_SPI_CELLS) || len / (4 * GIC_FDT_SPI_CELLS) > MAX_DEV_IRQS)
            fail(d->path, "interrupts must be up to %d <type number flags> triples", MAX_DEV_IRQS);
        for (int i = 0; i < len / (4 * GIC_FDT_SPI_CELLS); i++) {
            uint32_t type = fdt32_to_cpu(irq[3 * i]), num = fdt32_to_cpu(irq[3 * i + 1]);
            uint32_t intid = GIC_SPI_BASE + num;
            if (type != GIC_FDT_SPI || intid > GIC_MAX_INTID)
                fail(d->path, "interrupt %u: only SPIs (type 0) can be passed through", i);
            if (intid == PLATFORM_UART_INTID)
                fail(d->path, "interrupt SPI %u is the hypervisor's console", num);
            if (num == DOORBELL_SPI)
                fail(d->path, "interrupt SPI %u is the IPC doorbell's", num);
            d->irqs[d->nr_irqs++] = intid;
        }
    }
}

static void parse_vm(const void *fdt, int node, struct vm *vm, unsigned platform_cpus)
{
    static const char *const allowed[] = { "vcpus", "cpus", "memory-size", "memory-address",
                                           "kernel", "initrd", "bootargs", "devices", NULL };
    char path[256];
    uint64_t v;
    int len;

    fdt_get_path(fdt, node, path, sizeof(path));
    snprintf(vm->node, sizeof(vm->node), "%s", path);
    vm->node_off = node;
    check_props(fdt, node, path, allowed);
    const char *name = fdt_get_name(fdt, node, NULL);
    if (strlen(name) > NAME_MAX_LEN || strchr(name, '@'))
        fail(path, "VM name '%s' must be at most %d characters, without '@'", name, NAME_MAX_LEN);
    snprintf(vm->name, sizeof(vm->name), "%s", name);

    if (!get_u64(fdt, node, path, "vcpus", 1, &v)) fail(path, "missing property 'vcpus'");
    if (v == 0 || v > MAX_VCPUS) fail(path, "vcpus = %" PRIu64 ": must be 1..%d", v, MAX_VCPUS);
    vm->nr_vcpus = (unsigned)v;
    const fdt32_t *cpus = fdt_getprop(fdt, node, "cpus", &len);
    if (!cpus) fail(path, "missing property 'cpus' (the physical CPU of each vCPU)");
    if (len != (int)(4 * vm->nr_vcpus))
        fail(path, "cpus lists %d physical CPUs for %u vCPUs", len / 4, vm->nr_vcpus);
    for (unsigned i = 0; i < vm->nr_vcpus; i++) {
        vm->pcpu[i] = fdt32_to_cpu(cpus[i]);
        if (vm->pcpu[i] >= platform_cpus)
            fail(path, "physical CPU %u does not exist (the platform has %u)", vm->pcpu[i], platform_cpus);
        for (unsigned j = 0; j < i; j++)
            if (vm->pcpu[j] == vm->pcpu[i])
                fail(path, "physical CPU %u is given to two vCPUs", vm->pcpu[i]);
    }

    if (!get_u64(fdt, node, path, "memory-size", 2, &vm->ram_size)) fail(path, "missing property 'memory-size'");
    if (vm->ram_size == 0 || vm->ram_size % SZ_2M)
        fail(path, "memory-size %#" PRIx64 " must be a non-zero multiple of 2 MiB", vm->ram_size);
    if (get_u64(fdt, node, path, "memory-address", 2, &vm->ram_pa) && (vm->ram_pa == 0 || vm->ram_pa % SZ_2M))
        fail(path, "memory-address %#" PRIx64 " must be a non-zero multiple of 2 MiB", vm->ram_pa);
    vm->ram_ipa = VIRT_RAM;

    const char *kernel = get_string(fdt, node, path, "kernel");
    if (!kernel) fail(path, "missing property 'kernel'");
    find_image(&vm->kernel, path, "kernel", kernel);
    const char *initrd = get_string(fdt, node, path, "initrd");
    if (initrd) find_image(&vm->initrd, path, "initrd", initrd);
    vm->bootargs = get_string(fdt, node, path, "bootargs");

    const fdt32_t *devs = fdt_getprop(fdt, node, "devices", &len);
    if (devs) {
        if (len % 4 || len / 4 > MAX_DEVICES)
            fail(path, "devices must list up to %d phandles", MAX_DEVICES);
        for (int i = 0; i < len / 4; i++) {
            struct device *d = &vm->devices[vm->nr_devices];
            parse_device(fdt, path, fdt32_to_cpu(devs[i]), d);
            for (unsigned j = 0; j < vm->nr_devices; j++)
                if (vm->devices[j].node == d->node)
                    fail(path, "device %s is listed twice", d->path);
            vm->nr_devices++;
        }
    }
    uint32_t max_intid = GIC_SPI_BASE + VIRT_UART_SPI;
    for (unsigned i = 0; i < vm->nr_devices; i++)
        for (unsigned j = 0; j < vm->devices[i].nr_irqs; j++)
            if (vm->devices[i].irqs[j] > max_intid) max_intid = vm->devices[i].irqs[j];
    vm->nr_spis = (max_intid - GIC_SPI_BASE + MIN_SPIS) / MIN_SPIS * MIN_SPIS;

    /* Layout: kernel at RAM + text_offset; DTB in the last 2 MiB; initrd
     * right below the DTB (Linux arm64 booting.rst). */
    uint64_t koff = vm->kernel.has_header ? vm->kernel.text_offset : 0;
    uint64_t kspan = vm->kernel.has_header && vm->kernel.image_size > vm->kernel.size
                         ? vm->kernel.image_size : vm->kernel.size;
    vm->kernel.load = vm->ram_ipa + koff;
    vm->entry = vm->kernel.load;
    vm->dtb.load = vm->ram_ipa + vm->ram_size - DTB_RESERVE;
    uint64_t kernel_end = vm->kernel.load + kspan;
    uint64_t top = vm->dtb.load;
    if (vm->initrd.size) {
        vm->initrd.load = (top - vm->initrd.size) & ~(PAGE_SIZE - 1);
        if (vm->initrd.size > top - vm->ram_ipa || vm->initrd.load < kernel_end)
            fail(path, "kernel (%" PRIu64 " KiB) and initrd (%" PRIu64 " KiB) do not fit in memory-size %" PRIu64 " MiB",
                 kspan >> 10, vm->initrd.size >> 10, vm->ram_size >> 20);
        top = vm->initrd.load;
    }
    if (kernel_end > top || vm->ram_size <= DTB_RESERVE)
        fail(path, "kernel '%s' (%" PRIu64 " KiB) is larger than the VM's memory allows (%" PRIu64 " MiB)",
             vm->kernel.path, kspan >> 10, vm->ram_size >> 20);
}

#define CHECK(x) do { int _e = (x); if (_e) { fprintf(stderr, "tofu-config: libfdt: %s at %s:%d\n", fdt_strerror(_e), __FILE__, __LINE__); exit(2); } } while (0)

static void prop_cells(void *fdt, const char *name, const uint32_t *v, int n)
{
    fdt32_t buf[16];
    for (int i = 0; i < n; i++) buf[i] = cpu_to_fdt32(v[i]);
    CHECK(fdt_property(fdt, name, buf, n * 4));
}

static void prop_reg(void *fdt, const uint64_t *pairs, int n)
{
    uint32_t c[8];
    for (int i = 0; i < 2 * n; i++) { c[2 * i] = (uint32_t)(pairs[i] >> 32); c[2 * i + 1] = (uint32_t)pairs[i]; }
    prop_cells(fdt, "reg", c, 4 * n);
}

static struct vm vms[MAX_VMS];
static unsigned nr_vms;

static uint32_t vm_id_of(const struct vm *vm)
{
    return (uint32_t)(vm - vms) + 1;
}

/* /channels/<name> { vms = <&a &b ...>; }: the VMs listed may message and
 * share with one another. */
static void parse_channels(const void *fdt)
{
    int chans = fdt_path_offset(fdt, "/channels"), ch;
    if (chans < 0) return;
    check_props(fdt, chans, "/channels", (const char *const[]){ NULL });
    fdt_for_each_subnode(ch, fdt, chans) {
        char path[256];
        int len;
        fdt_get_path(fdt, ch, path, sizeof(path));
        check_props(fdt, ch, path, (const char *const[]){ "vms", NULL });
        const fdt32_t *p = fdt_getprop(fdt, ch, "vms", &len);
        if (!p || len < 8 || len % 4)
            fail(path, "vms must list at least two VMs");
        uint32_t members = 0;
        for (int i = 0; i < len / 4; i++) {
            int node = fdt_node_offset_by_phandle(fdt, fdt32_to_cpu(p[i]));
            unsigned j = 0;
            while (j < nr_vms && vms[j].node_off != node) j++;
            if (node < 0 || j == nr_vms)
                fail(path, "vms: phandle %u is not a VM of /vms", fdt32_to_cpu(p[i]));
            if (members & (1u << vm_id_of(&vms[j])))
                fail(path, "VM '%s' is listed twice", vms[j].name);
            members |= 1u << vm_id_of(&vms[j]);
        }
        for (unsigned j = 0; j < nr_vms; j++)
            if (members & (1u << vm_id_of(&vms[j])))
                vms[j].ipc_peers |= members & ~(1u << vm_id_of(&vms[j]));
    }
}

/* A passed-through device: its platform node, with clocks from the VM's clock. */
static void write_device_node(void *fdt, const void *cfg_fdt, const struct device *d)
{
    int off, nclk = 0;
    CHECK(fdt_begin_node(fdt, fdt_get_name(cfg_fdt, d->node, NULL)));
    fdt_for_each_property_offset(off, cfg_fdt, d->node) {
        const char *name;
        int len;
        const void *val = fdt_getprop_by_offset(cfg_fdt, off, &name, &len);
        if (!strcmp(name, "phandle") || !strcmp(name, "linux,phandle") || !strcmp(name, "clocks"))
            continue;
        if (!strcmp(name, "clock-names"))
            for (int i = 0; i < len; i++) nclk += ((const char *)val)[i] == '\0';
        CHECK(fdt_property(fdt, name, val, len));
    }
    if (nclk) {
        uint32_t clk[8];
        for (int i = 0; i < nclk && i < 8; i++) clk[i] = PHANDLE_CLK;
        prop_cells(fdt, "clocks", clk, nclk < 8 ? nclk : 8);
    }
    CHECK(fdt_end_node(fdt));
}

static void write_guest_dtb(const struct vm *vm, const void *cfg_fdt, const char *outdir)
{
    static char fdt[GUEST_DTB_MAX];
    char node[64], path[4200];

    CHECK(fdt_create(fdt, sizeof(fdt)));
    CHECK(fdt_finish_reservemap(fdt));
    CHECK(fdt_begin_node(fdt, ""));
    CHECK(fdt_property_string(fdt, "compatible", "linux,dummy-virt"));
    fmt(node, sizeof(node), "tofu VM %s", vm->name);
    CHECK(fdt_property_string(fdt, "model", node));
    CHECK(fdt_property_u32(fdt, "#address-cells", 2));
    CHECK(fdt_property_u32(fdt, "#size-cells", 2));
    CHECK(fdt_property_u32(fdt, "interrupt-parent", PHANDLE_GIC));

    CHECK(fdt_begin_node(fdt, "chosen"));
    if (vm->bootargs) CHECK(fdt_property_string(fdt, "bootargs", vm->bootargs));
    snprintf(node, sizeof(node), "/pl011@%" PRIx64, VIRT_UART);
    CHECK(fdt_property_string(fdt, "stdout-path", node));
    if (vm->initrd.size) {
        CHECK(fdt_property_u64(fdt, "linux,initrd-start", vm->initrd.load));
        CHECK(fdt_property_u64(fdt, "linux,initrd-end", vm->initrd.load + vm->initrd.size));
    }
    CHECK(fdt_end_node(fdt));

    snprintf(node, sizeof(node), "memory@%" PRIx64, vm->ram_ipa);
    CHECK(fdt_begin_node(fdt, node));
    CHECK(fdt_property_string(fdt, "device_type", "memory"));
    prop_reg(fdt, (uint64_t[]){ vm->ram_ipa, vm->ram_size }, 1);
    CHECK(fdt_end_node(fdt));

    CHECK(fdt_begin_node(fdt, "cpus"));
    CHECK(fdt_property_u32(fdt, "#address-cells", 1));
    CHECK(fdt_property_u32(fdt, "#size-cells", 0));
    for (unsigned i = 0; i < vm->nr_vcpus; i++) {
        snprintf(node, sizeof(node), "cpu@%u", i);
        CHECK(fdt_begin_node(fdt, node));
        CHECK(fdt_property_string(fdt, "device_type", "cpu"));
        CHECK(fdt_property_string(fdt, "compatible", "arm,armv8"));
        CHECK(fdt_property_u32(fdt, "reg", i));       /* = the vCPU's MPIDR affinity */
        CHECK(fdt_property_string(fdt, "enable-method", "psci"));
        CHECK(fdt_end_node(fdt));
    }
    CHECK(fdt_end_node(fdt));

    CHECK(fdt_begin_node(fdt, "psci"));
    static const char psci_compat[] = "arm,psci-1.0\0arm,psci-0.2";
    CHECK(fdt_property(fdt, "compatible", psci_compat, sizeof(psci_compat)));
    CHECK(fdt_property_string(fdt, "method", "hvc"));
    CHECK(fdt_end_node(fdt));

    snprintf(node, sizeof(node), "intc@%" PRIx64, VIRT_GICD);
    CHECK(fdt_begin_node(fdt, node));
    CHECK(fdt_property_string(fdt, "compatible", "arm,gic-v3"));
    CHECK(fdt_property_u32(fdt, "#interrupt-cells", 3));
    CHECK(fdt_property(fdt, "interrupt-controller", NULL, 0));
    CHECK(fdt_property_u32(fdt, "#redistributor-regions", 1));
    prop_reg(fdt, (uint64_t[]){ VIRT_GICD, 0x10000, VIRT_GICR, vm->nr_vcpus * GICR_FRAME }, 2);
    CHECK(fdt_property_u32(fdt, "phandle", PHANDLE_GIC));
    CHECK(fdt_end_node(fdt));

    CHECK(fdt_begin_node(fdt, "timer"));
    CHECK(fdt_property_string(fdt, "compatible", "arm,armv8-timer"));
    uint32_t t[12];
    for (int i = 0; i < 4; i++) { t[3 * i] = GIC_FDT_PPI; t[3 * i + 1] = timer_ppis[i]; t[3 * i + 2] = IRQ_LEVEL_HIGH; }
    prop_cells(fdt, "interrupts", t, 12);
    CHECK(fdt_end_node(fdt));

    /* The PMU is the vCPU's (docs/virtual-hardware.md), as on QEMU virt. */
    CHECK(fdt_begin_node(fdt, "pmu"));
    CHECK(fdt_property_string(fdt, "compatible", "arm,armv8-pmuv3"));
    prop_cells(fdt, "interrupts", (uint32_t[]){ GIC_FDT_PPI, PMU_PPI, IRQ_LEVEL_HIGH }, 3);
    CHECK(fdt_end_node(fdt));

    CHECK(fdt_begin_node(fdt, "apb-pclk"));
    CHECK(fdt_property_string(fdt, "compatible", "fixed-clock"));
    CHECK(fdt_property_u32(fdt, "#clock-cells", 0));
    CHECK(fdt_property_u32(fdt, "clock-frequency", UART_CLK_HZ));
    CHECK(fdt_property_string(fdt, "clock-output-names", "clk24mhz"));
    CHECK(fdt_property_u32(fdt, "phandle", PHANDLE_CLK));
    CHECK(fdt_end_node(fdt));

    snprintf(node, sizeof(node), "pl011@%" PRIx64, VIRT_UART);
    CHECK(fdt_begin_node(fdt, node));
    static const char uart_compat[] = "arm,pl011\0arm,primecell";
    CHECK(fdt_property(fdt, "compatible", uart_compat, sizeof(uart_compat)));
    prop_reg(fdt, (uint64_t[]){ VIRT_UART, 0x1000 }, 1);
    prop_cells(fdt, "interrupts", (uint32_t[]){ GIC_FDT_SPI, VIRT_UART_SPI, IRQ_LEVEL_HIGH }, 3);
    prop_cells(fdt, "clocks", (uint32_t[]){ PHANDLE_CLK, PHANDLE_CLK }, 2);
    static const char clk_names[] = "uartclk\0apb_pclk";
    CHECK(fdt_property(fdt, "clock-names", clk_names, sizeof(clk_names)));
    CHECK(fdt_end_node(fdt));

    for (unsigned i = 0; i < vm->nr_devices; i++)
        write_device_node(fdt, cfg_fdt, &vm->devices[i]);

    if (vm->ipc_peers) {
        /* tofu's IPC: the doorbell SPI, and the IPA window for mapping shares. */
        snprintf(node, sizeof(node), "tofu-ipc@%" PRIx64, SHARE_WINDOW);
        CHECK(fdt_begin_node(fdt, node));
        CHECK(fdt_property_string(fdt, "compatible", "tofu,ipc"));
        prop_reg(fdt, (uint64_t[]){ SHARE_WINDOW, SHARE_WINDOW_SIZE }, 1);
        prop_cells(fdt, "interrupts", (uint32_t[]){ GIC_FDT_SPI, DOORBELL_SPI, IRQ_EDGE_RISING }, 3);
        CHECK(fdt_property_u32(fdt, "tofu,vm-id", vm_id_of(vm)));
        CHECK(fdt_end_node(fdt));
    }

    CHECK(fdt_end_node(fdt));
    CHECK(fdt_finish(fdt));

    fmt(path, sizeof(path), "%s/%s.dtb", outdir, vm->name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(fdt, 1, fdt_totalsize(fdt), f) != fdt_totalsize(fdt) || fclose(f)) {
        fprintf(stderr, "tofu-config: cannot write %s\n", path);
        exit(2);
    }
}

static FILE *open_out(const char *outdir, const char *name)
{
    char path[4200];
    snprintf(path, sizeof(path), "%s/%s", outdir, name);
    FILE *f = fopen(path, "w");
    if (!f) { fprintf(stderr, "tofu-config: cannot write %s: %s\n", path, strerror(errno)); exit(2); }
    return f;
}

static void emit_image(FILE *s, FILE *c, const char *vm, const char *kind, const struct image *img)
{
    if (!img->size) {
        fprintf(c, "        .%s = { 0, 0, 0 },\n", kind);
        return;
    }
    fprintf(s, "    .balign 4096\n    .globl img_%s_%s\nimg_%s_%s:\n    .incbin \"%s\"\n", vm, kind, vm, kind, img->path);
    fprintf(c, "        .%s = { img_%s_%s, %#" PRIx64 "ull, %#" PRIx64 "ull },\n", kind, vm, kind, img->size, img->load);
}

int main(int argc, char **argv)
{
    const char *cfg = NULL, *outdir = NULL;
    src_name = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-c") && i + 1 < argc) cfg = argv[++i];
        else if (!strcmp(argv[i], "-n") && i + 1 < argc) src_name = argv[++i];
        else if (!strcmp(argv[i], "-o") && i + 1 < argc) outdir = argv[++i];
        else if (!strcmp(argv[i], "-L") && i + 1 < argc && nr_search < MAX_SEARCH) search[nr_search++] = argv[++i];
        else { fprintf(stderr, "usage: tofu-config -c config.dtb [-n source.dts] -o outdir [-L dir]...\n"); return 2; }
    }
    if (!cfg || !outdir) { fprintf(stderr, "usage: tofu-config -c config.dtb [-n source.dts] -o outdir [-L dir]...\n"); return 2; }
    if (!src_name) src_name = cfg;

    size_t size;
    void *fdt = read_file(cfg, &size);
    if (!fdt) { fprintf(stderr, "%s: cannot read %s: %s\n", src_name, cfg, strerror(errno)); return 1; }
    if (fdt_check_full(fdt, size)) fail("/", "not a valid device tree blob");

    static const char *const root_props[] = { "compatible", "#address-cells", "#size-cells", NULL };
    static const char *const plat_props[] = { "compatible", "cpus", "memory", NULL };
    check_props(fdt, 0, "/", root_props);
    const char *compat = get_string(fdt, 0, "/", "compatible");
    if (!compat || strcmp(compat, "tofu,system"))
        fail("/", "compatible must be \"tofu,system\"");

    int plat = fdt_path_offset(fdt, "/platform");
    if (plat < 0) fail("/platform", "missing node");
    check_props(fdt, plat, "/platform", plat_props);
    const char *pcompat = get_string(fdt, plat, "/platform", "compatible");
    if (!pcompat || strcmp(pcompat, "qemu,virt"))
        fail("/platform", "compatible must name a supported platform (\"qemu,virt\")");
    uint64_t pcpus, pmem[2];
    if (!get_u64(fdt, plat, "/platform", "cpus", 1, &pcpus) || pcpus == 0 || pcpus > MAX_PCPUS)
        fail("/platform", "cpus must be 1..%d", MAX_PCPUS);
    int len;
    const fdt32_t *m = fdt_getprop(fdt, plat, "memory", &len);
    if (!m || len != 16) fail("/platform", "memory must be <base-hi base-lo size-hi size-lo>");
    pmem[0] = read_cells(m, 2);
    pmem[1] = read_cells(m + 2, 2);
    if (pmem[0] != VIRT_RAM || !pmem[1] || pmem[1] % SZ_2M)
        fail("/platform", "memory must start at %#llx and be a multiple of 2 MiB", (unsigned long long)VIRT_RAM);

    int vms_node = fdt_path_offset(fdt, "/vms");
    if (vms_node < 0) fail("/vms", "missing node");
    check_props(fdt, vms_node, "/vms", (const char *const[]){ NULL });
    int child;
    fdt_for_each_subnode(child, fdt, plat) {
        if (strcmp(fdt_get_name(fdt, child, NULL), "devices")) {
            char pp[256];
            fdt_get_path(fdt, child, pp, sizeof(pp));
            fail(pp, "unknown node");
        }
    }
    /* Every other node at the top is unknown. */
    fdt_for_each_subnode(child, fdt, 0) {
        const char *n = fdt_get_name(fdt, child, NULL);
        if (strcmp(n, "platform") && strcmp(n, "vms") && strcmp(n, "channels")) {
            char p[256];
            fdt_get_path(fdt, child, p, sizeof(p));
            fail(p, "unknown node");
        }
    }

    unsigned nr = 0;
    /* The hypervisor image takes the start of RAM; count it as taken. */
    fdt_for_each_subnode(child, fdt, vms_node) {
        char p[256];
        fdt_get_path(fdt, child, p, sizeof(p));
        if (nr == MAX_VMS) fail(p, "more than %d VMs", MAX_VMS);
        parse_vm(fdt, child, &vms[nr], (unsigned)pcpus);
        for (unsigned j = 0; j < nr; j++) {
            if (!strcmp(vms[j].name, vms[nr].name)) fail(p, "duplicate VM name '%s'", vms[nr].name);
            for (unsigned a = 0; a < vms[nr].nr_vcpus; a++)
                for (unsigned b = 0; b < vms[j].nr_vcpus; b++)
                    if (vms[nr].pcpu[a] == vms[j].pcpu[b])
                        fail(p, "physical CPU %u is already given to VM '%s'", vms[nr].pcpu[a], vms[j].name);
            for (unsigned a = 0; a < vms[nr].nr_devices; a++)
                for (unsigned b = 0; b < vms[j].nr_devices; b++)
                    if (vms[nr].devices[a].node == vms[j].devices[b].node)
                        fail(p, "device %s is already given to VM '%s'", vms[nr].devices[a].path, vms[j].name);
        }
        nr++;
    }
    if (!nr) fail("/vms", "no VM described");
    nr_vms = nr;
    parse_channels(fdt);

    /* Physical memory: the hypervisor (its code and every embedded image),
     * then the VMs, explicitly placed or not. */
    uint64_t hyp_end = HYP_BASE + HYP_CODE_RESERVE, total = 0;
    for (unsigned i = 0; i < nr; i++)
        hyp_end += vms[i].kernel.size + vms[i].initrd.size + GUEST_DTB_MAX + 3 * PAGE_SIZE;
    hyp_end = (hyp_end + SZ_2M - 1) & ~(SZ_2M - 1);
    uint64_t ram_end = pmem[0] + pmem[1];
    for (unsigned i = 0; i < nr; i++) {
        const struct vm *vm = &vms[i];
        total += vm->ram_size;
        if (!vm->ram_pa) continue;
        uint64_t end = vm->ram_pa + vm->ram_size;
        if (vm->ram_pa < pmem[0] || end > ram_end || end < vm->ram_pa)
            fail(vm->node, "memory-address %#" PRIx64 "+%#" PRIx64 " is outside the platform's RAM", vm->ram_pa, vm->ram_size);
        if (vm->ram_pa < hyp_end)
            fail(vm->node, "memory-address %#" PRIx64 " overlaps the hypervisor (%#" PRIx64 "-%#" PRIx64 ")",
                 vm->ram_pa, HYP_BASE, hyp_end - 1);
        for (unsigned j = 0; j < i; j++)
            if (vms[j].ram_pa && vm->ram_pa < vms[j].ram_pa + vms[j].ram_size && vms[j].ram_pa < end)
                fail(vm->node, "memory %#" PRIx64 "+%#" PRIx64 " overlaps VM '%s'", vm->ram_pa, vm->ram_size, vms[j].name);
    }
    if (total > ram_end - hyp_end)
        fail("/vms", "the VMs need %" PRIu64 " MiB of RAM, the platform has %" PRIu64 " MiB beside the hypervisor",
             total >> 20, (ram_end - hyp_end) >> 20);

    mkdir(outdir, 0755);
    FILE *c = open_out(outdir, "config.c"), *s = open_out(outdir, "images.S");
    FILE *q = open_out(outdir, "qemu.env"), *d = open_out(outdir, "deps.mk");
    fprintf(c, "/* Generated by tofu-config from %s: do not edit. */\n#include \"core/config.h\"\n\n", src_name);
    fprintf(s, "/* Generated by tofu-config from %s: do not edit. */\n    .section .guest_images, \"a\"\n", src_name);
    for (unsigned i = 0; i < nr; i++) {
        char dtb[4096];
        write_guest_dtb(&vms[i], fdt, outdir);
        fmt(dtb, sizeof(dtb), "%s/%s.dtb", outdir, vms[i].name);
        size_t dsz;
        void *blob = read_file(dtb, &dsz);
        free(blob);
        fmt(vms[i].dtb.path, sizeof(vms[i].dtb.path), "%s", dtb);
        vms[i].dtb.size = dsz;
        const char *kinds[3] = { "kernel", "initrd", "dtb" };
        for (int k = 0; k < 3; k++)
            fprintf(c, "extern const uint8_t img_%s_%s[];\n", vms[i].name, kinds[k]);
    }
    fprintf(c, "\nconst char config_name[] = \"%s\";\nconst struct vm_config config_vms[] = {\n", src_name);
    for (unsigned i = 0; i < nr; i++) {
        const struct vm *vm = &vms[i];
        fprintf(c, "    {\n        .name = \"%s\",\n        .nr_vcpus = %u,\n        .vcpu_pcpu = {", vm->name, vm->nr_vcpus);
        for (unsigned j = 0; j < vm->nr_vcpus; j++) fprintf(c, "%s%u", j ? ", " : " ", vm->pcpu[j]);
        fprintf(c, " },\n        .ram_ipa = %#" PRIx64 "ull, .ram_size = %#" PRIx64 "ull, .ram_pa = %#" PRIx64 "ull,\n",
                vm->ram_ipa, vm->ram_size, vm->ram_pa);
        fprintf(c, "        .entry_ipa = %#" PRIx64 "ull,\n", vm->entry);
        emit_image(s, c, vm->name, "kernel", &vm->kernel);
        emit_image(s, c, vm->name, "initrd", &vm->initrd);
        emit_image(s, c, vm->name, "dtb", &vm->dtb);
        fprintf(c, "        .gicd_ipa = %#llx, .gicr_ipa = %#llx, .nr_spis = %u,\n", (unsigned long long)VIRT_GICD,
                (unsigned long long)VIRT_GICR, vm->nr_spis);
        fprintf(c, "        .ipc_peers = %#x, .doorbell_intid = %u,\n", vm->ipc_peers,
                vm->ipc_peers ? GIC_SPI_BASE + DOORBELL_SPI : 0);
        fprintf(c, "        .share_window_ipa = %#" PRIx64 "ull, .share_window_size = %#" PRIx64 "ull,\n",
                vm->ipc_peers ? SHARE_WINDOW : 0, vm->ipc_peers ? SHARE_WINDOW_SIZE : 0);
        fprintf(c, "        .nr_devices = %u,\n        .devices = {\n", vm->nr_devices);
        for (unsigned j = 0; j < vm->nr_devices; j++) {
            const struct device *dv = &vm->devices[j];
            fprintf(c, "            { %#" PRIx64 "ull, %#" PRIx64 "ull, %u, {", dv->pa, dv->size, dv->nr_irqs);
            for (unsigned k = 0; k < dv->nr_irqs; k++) fprintf(c, "%s%u", k ? ", " : " ", dv->irqs[k]);
            fprintf(c, " } },   /* %s */\n", dv->path);
        }
        fprintf(c, "        },\n");
        fprintf(c, "        .uart_ipa = %#llx, .uart_intid = %u,\n    },\n", (unsigned long long)VIRT_UART,
                GIC_SPI_BASE + VIRT_UART_SPI);
        fprintf(d, "%s: %s%s%s\n", "$(CONFIG_OUT)/config.c", vm->kernel.path, vm->initrd.size ? " " : "", vm->initrd.size ? vm->initrd.path : "");
    }
    fprintf(c, "};\nconst unsigned config_nr_vms = %u;\n", nr);
    fprintf(q, "QEMU_SMP_CONFIG=%" PRIu64 "\nQEMU_MEM_MB=%" PRIu64 "\n", pcpus, pmem[1] >> 20);
    fclose(c); fclose(s); fclose(q); fclose(d);
    free(fdt);
    return 0;
}
