/* SPDX-License-Identifier: MIT */
/*
 * The config's device tree into struct sys, one node at a time: every
 * property's presence, shape and range, every image found.  What involves
 * several nodes is check.c's.
 */
#include <errno.h>
#include <inttypes.h>
#include <libfdt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include "arch/regs.h"
#include "tofu_config.h"

#define IMAGE_HDR_SIZE      64
#define IMAGE_TEXT_OFFSET   8          /* Linux arm64 Image header fields */
#define IMAGE_IMAGE_SIZE    16
#define IMAGE_MAGIC_OFF     56
#define IMAGE_MAGIC         0x644d5241u     /* "ARM\x64" */
#define PCI_FN_CELLS        3          /* pci-functions: <bus device function> */
#define PCI_VF_CELLS        4          /* pci-vfs: <bus device function vf-index> */
#define WINDOW_CELLS        3          /* /schedule windows: <&vm offset-us duration-us> */

uint64_t read_cells(const fdt32_t *p, int cells)
{
    uint64_t v = 0;
    for (int i = 0; i < cells; i++) v = (v << 32) | fdt32_to_cpu(p[i]);
    return v;
}

/* A property of exactly `cells` 32-bit cells, as a number. */
bool get_u64(const void *fdt, int node, const char *path, const char *prop, int cells, uint64_t *out)
{
    int len;
    const fdt32_t *p = fdt_getprop(fdt, node, prop, &len);
    if (!p) return false;
    if (len != cells * 4)
        refuse(path, "property '%s' must be %d cell%s, not %d bytes", prop, cells, cells > 1 ? "s" : "", len);
    *out = read_cells(p, cells);
    return true;
}

const char *get_string(const void *fdt, int node, const char *path, const char *prop)
{
    int len;
    const char *s = fdt_getprop(fdt, node, prop, &len);
    if (!s) return NULL;
    if (len < 1 || s[len - 1] != '\0' || strlen(s) + 1 != (size_t)len)
        refuse(path, "property '%s' must be one string", prop);
    return s;
}

void node_path(const void *fdt, int node, char *buf, int size)
{
    if (fdt_get_path(fdt, node, buf, size)) die("tofu-config: node path too long");
}

void check_props(const void *fdt, int node, const char *path, const char *const *allowed)
{
    int off;
    fdt_for_each_property_offset(off, fdt, node) {
        const char *name;
        fdt_getprop_by_offset(fdt, off, &name, NULL);
        /* dtc adds phandles to nodes that labels refer to. */
        bool ok = !strcmp(name, "name") || !strcmp(name, "phandle") || !strcmp(name, "linux,phandle");
        for (const char *const *a = allowed; *a && !ok; a++) ok = !strcmp(name, *a);
        if (!ok) refuse(path, "unknown property '%s'", name);
    }
}

/* Every child of `node` is unknown but those named in `known`. */
void check_children(const void *fdt, int node, const char *const *known)
{
    int child;
    fdt_for_each_subnode(child, fdt, node) {
        const char *n = fdt_get_name(fdt, child, NULL);
        bool ok = false;
        for (const char *const *k = known; *k && !ok; k++) ok = !strcmp(n, *k);
        if (!ok) {
            char p[NODE_PATH_LEN];
            node_path(fdt, child, p, sizeof(p));
            refuse(p, "unknown node");
        }
    }
}

static void read_image_header(struct image *img, const char *path, const char *prop)
{
    FILE *f = fopen(img->path, "rb");
    if (!f) refuse(path, "%s '%s' is not readable: %s", prop, img->path, strerror(errno));
    unsigned char hdr[IMAGE_HDR_SIZE];
    size_t n = fread(hdr, 1, sizeof(hdr), f);
    fclose(f);
    uint32_t magic = (uint32_t)hdr[IMAGE_MAGIC_OFF] | (uint32_t)hdr[IMAGE_MAGIC_OFF + 1] << 8 |
                     (uint32_t)hdr[IMAGE_MAGIC_OFF + 2] << 16 | (uint32_t)hdr[IMAGE_MAGIC_OFF + 3] << 24;
    img->has_header = n == sizeof(hdr) && magic == IMAGE_MAGIC;
    if (img->has_header) {
        memcpy(&img->text_offset, hdr + IMAGE_TEXT_OFFSET, 8);     /* little-endian, as the host */
        memcpy(&img->image_size, hdr + IMAGE_IMAGE_SIZE, 8);
    }
}

/* `file` in the search folders, then in "."; an absolute path as it is. */
static void find_image(struct image *img, const struct search *search, const char *path, const char *prop,
                       const char *file)
{
    struct stat st;
    bool absolute = file[0] == '/';
    unsigned tries = absolute ? 1 : search->n + 1;
    for (unsigned i = 0; i < tries; i++) {
        if (absolute)
            snprintf(img->path, sizeof(img->path), "%s", file);
        else
            snprintf(img->path, sizeof(img->path), "%s/%s", i < search->n ? search->dir[i] : ".", file);
        if (stat(img->path, &st) != 0)
            continue;
        if (!S_ISREG(st.st_mode)) refuse(path, "%s '%s' is not a regular file", prop, file);
        img->size = (uint64_t)st.st_size;
        if (!img->size) refuse(path, "%s '%s' is empty", prop, img->path);
        read_image_header(img, path, prop);
        return;
    }
    if (absolute) refuse(path, "%s '%s' not found", prop, file);
    char dirs[MAX_SEARCH * 256 + 8] = "";
    for (unsigned i = 0; i < search->n; i++)
        snprintf(dirs + strlen(dirs), sizeof(dirs) - strlen(dirs), "%s/, ", search->dir[i]);
    refuse(path, "%s '%s' not found (searched %s./)", prop, file, dirs);
}

/* The node `phandle` refers to, by path, or NULL when none. */
static int node_by_phandle(const void *fdt, uint32_t phandle, char *path, int size)
{
    int node = phandle && phandle != (uint32_t)-1 ? fdt_node_offset_by_phandle(fdt, phandle) : -1;
    if (node >= 0) node_path(fdt, node, path, size);
    return node;
}

/* A device of /platform/devices, referred to from a VM's `devices`. */
static void parse_device(const void *fdt, const char *vm_path, unsigned entry, uint32_t phandle,
                         struct vm_device *d, struct device *dn)
{
    int devs = fdt_path_offset(fdt, "/platform/devices");
    int node = node_by_phandle(fdt, phandle, dn->path, sizeof(dn->path));
    if (node < 0)
        refuse(vm_path, "devices: entry %u refers to no node (write <&label>)", entry + 1);
    if (devs < 0 || fdt_parent_offset(fdt, node) != devs)
        refuse(vm_path, "devices: %s is not a device of /platform/devices", dn->path);
    dn->node = node;
    d->name = fdt_get_name(fdt, node, NULL);
    d->compatible = fdt_stringlist_get(fdt, node, "compatible", 0, NULL);   /* the most specific */
    if (!d->compatible)
        refuse(dn->path, "missing property 'compatible' (the guest's driver and tofu's reset of the device go by it)");
    if (strpbrk(d->compatible, "\"\\"))         /* it becomes a C string in config.c */
        refuse(dn->path, "compatible \"%s\" may not contain '\"' or '\\'", d->compatible);
    static const char *const dma_masters[] = DMA_MASTER_COMPATS;
    dn->dma_unprotected = fdt_getprop(fdt, node, DMA_MASTER_PROP, NULL) != NULL;
    for (size_t k = 0; k < sizeof(dma_masters) / sizeof(dma_masters[0]); k++)
        dn->dma_unprotected |= fdt_stringlist_search(fdt, node, "compatible", dma_masters[k]) >= 0;
    int len;
    const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);
    if (!reg || len != REG_CELLS * 4)
        refuse(dn->path, "reg must be one <address-hi address-lo size-hi size-lo> range");
    d->pa = read_cells(reg, 2);
    d->size = read_cells(reg + 2, 2);
    if (!d->size || d->pa % PAGE_SIZE || d->size % PAGE_SIZE || d->pa + d->size < d->pa)
        refuse(dn->path, "reg %#" PRIx64 "+%#" PRIx64 " must be non-empty and page-aligned", d->pa, d->size);
    const fdt32_t *irq = fdt_getprop(fdt, node, "interrupts", &len);
    if (!irq) return;
    if (len % (4 * GIC_FDT_CELLS) || len / (4 * GIC_FDT_CELLS) > VM_DEVICE_MAX_IRQS)
        refuse(dn->path, "interrupts must be up to %d <type number flags> triples", VM_DEVICE_MAX_IRQS);
    for (int i = 0; i < len / (4 * GIC_FDT_CELLS); i++) {
        uint32_t type = fdt32_to_cpu(irq[GIC_FDT_CELLS * i]), num = fdt32_to_cpu(irq[GIC_FDT_CELLS * i + 1]);
        if (type != GIC_FDT_SPI || num >= HW_IRQ_MAX - GIC_SPI_BASE_ID)
            refuse(dn->path, "interrupt %d: only SPIs (type 0, 0..%d) can be passed through", i,
                 HW_IRQ_MAX - GIC_SPI_BASE_ID - 1);
        d->irqs[d->nr_irqs++] = GIC_SPI_BASE_ID + num;
    }
}

static void parse_devices(const void *fdt, int node, struct vm *vm)
{
    int len;
    const fdt32_t *devs = fdt_getprop(fdt, node, "devices", &len);
    if (!devs) return;
    if (len % 4 || len / 4 > VM_MAX_DEVICES)
        refuse(vm->node, "devices must list up to %d devices", VM_MAX_DEVICES);
    for (int i = 0; i < len / 4; i++) {
        unsigned n = vm->cfg.nr_devices;
        parse_device(fdt, vm->node, (unsigned)i, fdt32_to_cpu(devs[i]), &vm->cfg.devices[n], &vm->devices[n]);
        for (unsigned j = 0; j < n; j++)
            if (vm->devices[j].node == vm->devices[n].node)
                refuse(vm->node, "device %s is listed twice", vm->devices[n].path);
        vm->cfg.nr_devices++;
    }
}

/* pci-functions = <bus device function ...>: single functions of bus 0,
 * each a triple, each once; not the host bridge itself (00:00.0). */
static void parse_pci_functions(const void *fdt, int node, struct vm *vm)
{
    struct vm_config *c = &vm->cfg;
    int len;
    const fdt32_t *p = fdt_getprop(fdt, node, "pci-functions", &len);
    if (!p)
        return;
    if (!len || len % (4 * PCI_FN_CELLS))
        refuse(vm->node, "pci-functions must be <bus device function> triples, one per function");
    if (len / (4 * PCI_FN_CELLS) > VM_MAX_PCI_FNS)
        refuse(vm->node, "pci-functions lists %d functions; a VM may have up to %d", len / (4 * PCI_FN_CELLS),
               VM_MAX_PCI_FNS);
    for (int i = 0; i < len / (4 * PCI_FN_CELLS); i++) {
        uint32_t bus = fdt32_to_cpu(p[PCI_FN_CELLS * i]), dev = fdt32_to_cpu(p[PCI_FN_CELLS * i + 1]);
        uint32_t fn = fdt32_to_cpu(p[PCI_FN_CELLS * i + 2]);
        if (bus > PCI_BUS_MASK || dev > PCI_RID_DEV_MASK || fn > PCI_RID_FN_MASK)
            refuse(vm->node, "pci-functions: entry %d <%u %u %u> is no PCI address (bus 0..255, device 0..31, "
                   "function 0..7)", i + 1, bus, dev, fn);
        if (bus)
            refuse(vm->node, "pci-functions: %02x:%02x.%u is on bus %u; tofu numbers no buses behind bridges, "
                   "only bus 0's functions can be given", bus, dev, fn, bus);
        if (!dev && !fn)
            refuse(vm->node, "pci-functions: 00:00.0 is the host bridge itself, which no VM can be given");
        uint16_t rid = (uint16_t)(dev << PCI_RID_DEV_SHIFT | fn);
        for (unsigned j = 0; j < c->nr_pci_fns; j++)
            if (c->pci_fns[j] == rid)
                refuse(vm->node, "pci-functions: 00:%02x.%u is listed twice", dev, fn);
        c->pci_fns[c->nr_pci_fns++] = rid;
    }
}

/* pci-vfs = <bus device function vf-index ...>: SR-IOV virtual functions,
 * each named by its physical function and its number (from 0, as Linux's
 * virtfn<n>).  Their shape here; what they name is resolve_pci_vfs()'s. */
static void parse_pci_vfs(const void *fdt, int node, struct vm *vm)
{
    int len;
    const fdt32_t *p = fdt_getprop(fdt, node, "pci-vfs", &len);
    if (!p)
        return;
    if (!len || len % (4 * PCI_VF_CELLS))
        refuse(vm->node, "pci-vfs must be <bus device function vf-index> quadruples: the physical function, "
               "then the VF's number from 0");
    for (int i = 0; i < len / (4 * PCI_VF_CELLS); i++) {
        uint32_t bus = fdt32_to_cpu(p[PCI_VF_CELLS * i]), dev = fdt32_to_cpu(p[PCI_VF_CELLS * i + 1]);
        uint32_t fn = fdt32_to_cpu(p[PCI_VF_CELLS * i + 2]), idx = fdt32_to_cpu(p[PCI_VF_CELLS * i + 3]);
        if (bus > PCI_BUS_MASK || dev > PCI_RID_DEV_MASK || fn > PCI_RID_FN_MASK)
            refuse(vm->node, "pci-vfs: entry %d <%u %u %u %u> names no PCI address (bus 0..255, device 0..31, "
                   "function 0..7)", i + 1, bus, dev, fn, idx);
        if (bus || idx > UINT8_MAX)
            refuse(vm->node, "pci-vfs: entry %d <%u %u %u %u>: no such VF (only bus 0 is enumerated, and VFs "
                   "are numbered from 0)", i + 1, bus, dev, fn, idx);
        if (vm->cfg.nr_pci_fns + vm->nr_vfs == VM_MAX_PCI_FNS)
            refuse(vm->node, "pci-functions and pci-vfs list more than %d functions", VM_MAX_PCI_FNS);
        vm->vfs[vm->nr_vfs++] = (struct pci_vf){ (uint16_t)(dev << PCI_RID_DEV_SHIFT | fn), (uint8_t)idx };
    }
}

/* Each VF of pci-vfs: one the platform has (QEMU's igb, igb-nic, the only
 * SR-IOV device the tool knows the VF addresses of), at function 0 of its
 * slot (Linux finds no other), added to pci_fns by its requester ID. */
static void resolve_pci_vfs(const struct sys *s, struct vm *vm)
{
    struct vm_config *c = &vm->cfg;
    const uint16_t igb = IGB_SLOT << PCI_RID_DEV_SHIFT;
    for (unsigned i = 0; i < vm->nr_vfs; i++) {
        const struct pci_vf *v = &vm->vfs[i];
        unsigned dev = v->pf >> PCI_RID_DEV_SHIFT, fn = v->pf & PCI_RID_FN_MASK;
        if (!s->igb_nic || v->pf != igb)
            refuse(vm->node, "pci-vfs: 00:%02x.%u has no SR-IOV virtual functions the platform offers "
                   "(only QEMU's igb does, /platform igb-nic, at 00:%02x.0)", dev, fn, IGB_SLOT);
        if (v->index >= IGB_TOTAL_VFS)
            refuse(vm->node, "pci-vfs: VF %u of 00:%02x.%u: the igb has %u VFs (0..%u)", v->index, dev, fn,
                   IGB_TOTAL_VFS, IGB_TOTAL_VFS - 1);
        for (unsigned j = 0; j < i; j++)
            if (vm->vfs[j].pf == v->pf && vm->vfs[j].index == v->index)
                refuse(vm->node, "pci-vfs: VF %u of 00:%02x.%u is listed twice", v->index, dev, fn);
        uint16_t rid = (uint16_t)(v->pf + IGB_VF_OFFSET + v->index * IGB_VF_STRIDE);
        /* The slot's function 0 is a VF too, which is not multi-function. */
        if (rid & PCI_RID_FN_MASK)
            refuse(vm->node, "pci-vfs: VF %u of 00:%02x.%u is 00:%02x.%u, and Linux looks for functions 1-7 of a "
                   "slot only behind a multi-function function 0, which a VF is not: give VMs VFs at function 0 "
                   "(VF 0 is 00:%02x.0, VF 4 00:%02x.0)", v->index, dev, fn, rid >> PCI_RID_DEV_SHIFT,
                   rid & PCI_RID_FN_MASK, (igb + IGB_VF_OFFSET) >> PCI_RID_DEV_SHIFT,
                   (igb + IGB_VF_OFFSET + 4 * IGB_VF_STRIDE) >> PCI_RID_DEV_SHIFT);
        for (unsigned j = 0; j < c->nr_pci_fns; j++)
            if (c->pci_fns[j] == rid)
                refuse(vm->node, "pci-vfs: VF %u of 00:%02x.%u is 00:%02x.%u, which pci-functions lists too", v->index,
                       dev, fn, rid >> PCI_RID_DEV_SHIFT, rid & PCI_RID_FN_MASK);
        c->pci_fns[c->nr_pci_fns++] = rid;
    }
}

/* budget-us and period-us (docs/scheduling.md): each of the VM's vCPUs
 * runs for at most budget-us in every period-us.  Both or neither; a
 * period or a budget shorter than the EL2 timer serves is refused. */
static void parse_budget(const void *fdt, int node, struct vm *vm)
{
    struct vm_config *c = &vm->cfg;
    uint64_t budget, period;
    bool has_budget = get_u64(fdt, node, vm->node, "budget-us", 1, &budget);
    bool has_period = get_u64(fdt, node, vm->node, "period-us", 1, &period);
    if (!has_budget && !has_period)
        return;
    if (!has_period)
        refuse(vm->node, "budget-us without period-us: give both (the budget is per period) or neither");
    if (!has_budget)
        refuse(vm->node, "period-us without budget-us: give both (the budget is per period) or neither");
    if (period < SCHED_MIN_PERIOD_US)
        refuse(vm->node, "period-us = %" PRIu64 ": shorter than the timer can serve (at least %d)", period,
               SCHED_MIN_PERIOD_US);
    if (period > SCHED_MAX_PERIOD_US)
        refuse(vm->node, "period-us = %" PRIu64 ": must be at most %d", period, SCHED_MAX_PERIOD_US);
    if (budget < SCHED_MIN_BUDGET_US)
        refuse(vm->node, "budget-us = %" PRIu64 ": shorter than the timer can serve (at least %d)", budget,
               SCHED_MIN_BUDGET_US);
    if (budget > period)
        refuse(vm->node, "budget-us = %" PRIu64 " is more than period-us = %" PRIu64, budget, period);
    c->budget_us = (uint32_t)budget;
    c->period_us = (uint32_t)period;
}

static void parse_vm(const void *fdt, int node, struct vm *vm, unsigned nr_cpus, const struct search *search)
{
    static const char *const allowed[] = { "vcpus", "cpus", "memory-size", "memory-address", "kernel",
                                           "initrd", "bootargs", "devices", "ipc-shares", "on-failure",
                                           "max-restarts", "restart-window-s", "watchdog", "iommu-streams",
                                           "pci-functions", "pci-vfs", "wfi", "its", "priority", "budget-us",
                                           "period-us", NULL };
    struct vm_config *c = &vm->cfg;
    const char *path = vm->node;
    uint64_t v;
    int len;

    node_path(fdt, node, vm->node, sizeof(vm->node));
    vm->node_off = node;
    check_props(fdt, node, path, allowed);
    const char *name = fdt_get_name(fdt, node, NULL);
    if (strlen(name) >= VM_NAME_MAX || strchr(name, '@'))
        refuse(path, "VM name '%s' must be at most %d characters, without '@'", name, VM_NAME_MAX - 1);
    snprintf(c->name, sizeof(c->name), "%s", name);

    if (!get_u64(fdt, node, path, "vcpus", 1, &v)) refuse(path, "missing property 'vcpus'");
    if (v == 0 || v > VM_MAX_VCPUS) refuse(path, "vcpus = %" PRIu64 ": must be 1..%d", v, VM_MAX_VCPUS);
    c->nr_vcpus = (uint32_t)v;
    const fdt32_t *cpus = fdt_getprop(fdt, node, "cpus", &len);
    if (!cpus) refuse(path, "missing property 'cpus' (the physical CPU of each vCPU)");
    if (len != (int)(4 * c->nr_vcpus))
        refuse(path, "cpus lists %d physical CPUs for %u vCPUs", len / 4, c->nr_vcpus);
    for (unsigned i = 0; i < c->nr_vcpus; i++) {
        uint32_t cpu = fdt32_to_cpu(cpus[i]);
        if (cpu >= nr_cpus)
            refuse(path, "physical CPU %u does not exist (the platform has %u)", cpu, nr_cpus);
        c->vcpu_pcpu[i] = (uint8_t)cpu;
    }

    if (!get_u64(fdt, node, path, "memory-size", 2, &c->ram_size)) refuse(path, "missing property 'memory-size'");
    if (c->ram_size == 0 || c->ram_size % SZ_2M)
        refuse(path, "memory-size %#" PRIx64 " must be a non-zero multiple of 2 MiB", c->ram_size);
    if (get_u64(fdt, node, path, "memory-address", 2, &c->ram_pa) && (c->ram_pa == 0 || c->ram_pa % SZ_2M))
        refuse(path, "memory-address %#" PRIx64 " must be a non-zero multiple of 2 MiB", c->ram_pa);
    if (get_u64(fdt, node, path, "ipc-shares", 1, &v)) {
        c->share_quota = (uint32_t)v;
        vm->quota_given = true;
    }
    const char *policy = get_string(fdt, node, path, "on-failure");
    if (policy && strcmp(policy, "restart") && strcmp(policy, "stop"))
        refuse(path, "on-failure = \"%s\": must be \"restart\" or \"stop\"", policy);
    c->restart_on_failure = policy && !strcmp(policy, "restart");
    c->max_restarts = DEFAULT_MAX_RESTARTS;
    c->restart_window_s = DEFAULT_RESTART_WINDOW_S;
    if (get_u64(fdt, node, path, "max-restarts", 1, &v))
        c->max_restarts = (uint32_t)v;
    if (get_u64(fdt, node, path, "restart-window-s", 1, &v)) {
        if (!v || v > MAX_RESTART_WINDOW_S)
            refuse(path, "restart-window-s = %" PRIu64 ": must be 1..%u", v, MAX_RESTART_WINDOW_S);
        c->restart_window_s = (uint32_t)v;
    }
    if (!c->restart_on_failure && (get_u64(fdt, node, path, "max-restarts", 1, &v) ||
                                   get_u64(fdt, node, path, "restart-window-s", 1, &v)))
        refuse(path, "max-restarts and restart-window-s need on-failure = \"restart\"");

    const char *wfi = get_string(fdt, node, path, "wfi");
    if (wfi && strcmp(wfi, "trap") && strcmp(wfi, "native"))
        refuse(path, "wfi = \"%s\": must be \"trap\" or \"native\"", wfi);
    c->wfi_native = wfi && !strcmp(wfi, "native");

    if (get_u64(fdt, node, path, "priority", 1, &v)) {
        if (v > SCHED_MAX_PRIORITY)
            refuse(path, "priority = %" PRIu64 ": must be 0..%d", v, SCHED_MAX_PRIORITY);
        c->priority = (uint32_t)v;
    }
    parse_budget(fdt, node, vm);

    const void *wd = fdt_getprop(fdt, node, "watchdog", &len);
    if (wd && len)
        refuse(path, "property 'watchdog' takes no value (write 'watchdog;')");
    vm->watchdog = wd != NULL;
    const void *its = fdt_getprop(fdt, node, "its", &len);
    if (its && len)
        refuse(path, "property 'its' takes no value (write 'its;')");
    vm->its = its != NULL;

    const char *kernel = get_string(fdt, node, path, "kernel");
    if (!kernel) refuse(path, "missing property 'kernel'");
    find_image(&vm->kernel, search, path, "kernel", kernel);
    const char *initrd = get_string(fdt, node, path, "initrd");
    if (initrd) find_image(&vm->initrd, search, path, "initrd", initrd);
    vm->bootargs = get_string(fdt, node, path, "bootargs");
    parse_devices(fdt, node, vm);
    parse_pci_functions(fdt, node, vm);
    parse_pci_vfs(fdt, node, vm);
    const fdt32_t *st = fdt_getprop(fdt, node, "iommu-streams", &len);
    if (st) {
        if (len != 8)
            refuse(path, "iommu-streams must be <first count> (two cells: the first StreamID and how many)");
        c->stream_first = fdt32_to_cpu(st[0]);
        c->nr_streams = fdt32_to_cpu(st[1]);
        if (!c->nr_streams)
            refuse(path, "iommu-streams = <%#x 0>: the count must be at least 1", c->stream_first);
    }
}

/* /channels/<name> { vms = <&a &b ...>; }: the VMs listed may message and
 * share with one another. */
unsigned vm_by_phandle(const struct sys *s, const void *fdt, uint32_t phandle, const char *path, const char *what,
                       const char *prop)
{
    char ref[NODE_PATH_LEN];
    int node = node_by_phandle(fdt, phandle, ref, sizeof(ref));
    if (node < 0)
        refuse(path, "%s refers to no node (write <&label>)", what);
    for (unsigned i = 0; i < s->nr_vms; i++)
        if (s->vms[i].node_off == node)
            return i;
    refuse(path, "%s: %s is not a VM of /vms", prop, ref);
}

static void parse_channels(struct sys *s, const void *fdt)
{
    int chans = fdt_path_offset(fdt, "/channels"), ch;
    if (chans < 0) return;
    check_props(fdt, chans, "/channels", (const char *const[]){ NULL });
    fdt_for_each_subnode(ch, fdt, chans) {
        char path[NODE_PATH_LEN];
        int len;
        node_path(fdt, ch, path, sizeof(path));
        check_props(fdt, ch, path, (const char *const[]){ "vms", NULL });
        const fdt32_t *p = fdt_getprop(fdt, ch, "vms", &len);
        if (!p || len < 8 || len % 4)
            refuse(path, "vms must list at least two VMs");
        uint32_t members = 0;
        for (int i = 0; i < len / 4; i++) {
            char what[32];
            snprintf(what, sizeof(what), "vms: entry %d", i + 1);
            unsigned j = vm_by_phandle(s, fdt, fdt32_to_cpu(p[i]), path, what, "vms");
            uint32_t bit = UINT32_C(1) << vm_id_of(s, &s->vms[j]);
            if (members & bit)
                refuse(path, "VM '%s' is listed twice", s->vms[j].cfg.name);
            members |= bit;
        }
        for (unsigned j = 0; j < s->nr_vms; j++)
            if (members & (UINT32_C(1) << vm_id_of(s, &s->vms[j])))
                s->vms[j].cfg.ipc_peers |= members & ~(UINT32_C(1) << vm_id_of(s, &s->vms[j]));
    }
}

/* One window of a schedule, for refusals: "entry <n> (VM '<vm>' at <o> us for <d> us)". */
static void window_what(char *buf, size_t size, const struct sys *s, unsigned entry, const struct sched_window *w)
{
    snprintf(buf, size, "entry %u (VM '%s' at %u us for %u us)", entry, s->vms[w->vm].cfg.name, w->offset_us,
             w->duration_us);
}

/* /schedule/<name> { cpu; major-frame-us; windows = <&vm offset-us
 * duration-us>, ...; }: a physical CPU's fixed schedule (docs/config.md).
 * Its shape here, its windows sorted by offset, inside the frame and apart;
 * what involves the VMs' CPUs and budgets is check.c's. */
static void parse_schedule_cpu(struct sys *s, const void *fdt, int node)
{
    char path[NODE_PATH_LEN];
    node_path(fdt, node, path, sizeof(path));
    check_props(fdt, node, path, (const char *const[]){ "cpu", "major-frame-us", "windows", NULL });
    check_children(fdt, node, (const char *const[]){ NULL });
    struct sched_cpu_config *sc = &s->schedules[s->nr_schedules];
    uint64_t v;
    if (!get_u64(fdt, node, path, "cpu", 1, &v))
        refuse(path, "missing property 'cpu' (the physical CPU the schedule is for)");
    if (v >= s->nr_cpus)
        refuse(path, "cpu = %" PRIu64 ": physical CPU %" PRIu64 " does not exist (the platform has %u)", v, v,
               s->nr_cpus);
    for (unsigned i = 0; i < s->nr_schedules; i++)
        if (s->schedules[i].cpu == v)
            refuse(path, "cpu = %" PRIu64 ": physical CPU %" PRIu64 " has a schedule already (%s)", v, v,
                   s->schedule_nodes[i]);
    sc->cpu = (uint32_t)v;      /* each CPU once: fewer than MAX_PCPUS before, sc is in schedules[] */
    if (!get_u64(fdt, node, path, "major-frame-us", 1, &v))
        refuse(path, "missing property 'major-frame-us' (the length of the schedule, which repeats)");
    if (v < SCHED_MIN_PERIOD_US || v > SCHED_MAX_PERIOD_US)
        refuse(path, "major-frame-us = %" PRIu64 ": must be %d..%d", v, SCHED_MIN_PERIOD_US, SCHED_MAX_PERIOD_US);
    sc->frame_us = (uint32_t)v;

    int len;
    const fdt32_t *p = fdt_getprop(fdt, node, "windows", &len);
    if (!p)
        refuse(path, "missing property 'windows' (write windows = <&vm offset-us duration-us>, ...;)");
    if (!len || len % (4 * WINDOW_CELLS))
        refuse(path, "windows must be <&vm offset-us duration-us> triples, one per window");
    unsigned nr = (unsigned)len / (4 * WINDOW_CELLS), entry[SCHED_MAX_WINDOWS];  /* each window's, from 1 */
    if (nr > SCHED_MAX_WINDOWS)
        refuse(path, "windows lists %u windows; a major frame holds up to %d", nr, SCHED_MAX_WINDOWS);
    char what[96], other[96];
    for (unsigned i = 0; i < nr; i++) {
        snprintf(what, sizeof(what), "windows: entry %u", i + 1);
        struct sched_window w = { vm_by_phandle(s, fdt, fdt32_to_cpu(p[WINDOW_CELLS * i]), path, what, "windows"),
                                  fdt32_to_cpu(p[WINDOW_CELLS * i + 1]), fdt32_to_cpu(p[WINDOW_CELLS * i + 2]) };
        window_what(what, sizeof(what), s, i + 1, &w);
        if (w.duration_us < SCHED_MIN_WINDOW_US)
            refuse(path, "windows: %s is shorter than the timer can serve (at least %d us)", what,
                   SCHED_MIN_WINDOW_US);
        if ((uint64_t)w.offset_us + w.duration_us > sc->frame_us)
            refuse(path, "windows: %s ends at %" PRIu64 " us, past the end of the major frame (%u us)", what,
                   (uint64_t)w.offset_us + w.duration_us, sc->frame_us);
        unsigned j = i;         /* sorted by offset; equal ones in their order */
        for (; j && sc->windows[j - 1].offset_us > w.offset_us; j--) {
            sc->windows[j] = sc->windows[j - 1];
            entry[j] = entry[j - 1];
        }
        sc->windows[j] = w;
        entry[j] = i + 1;
    }
    sc->nr_windows = nr;
    /* Sorted by offset: any two that overlap make two neighbours overlap. */
    for (unsigned j = 1; j < nr; j++) {
        const struct sched_window *a = &sc->windows[j - 1], *b = &sc->windows[j];
        if (a->offset_us + a->duration_us > b->offset_us) {
            window_what(what, sizeof(what), s, entry[j - 1], a);
            window_what(other, sizeof(other), s, entry[j], b);
            refuse(path, "windows: %s and %s overlap", what, other);
        }
    }
    snprintf(s->schedule_nodes[s->nr_schedules++], NODE_PATH_LEN, "%s", path);
}

static void parse_schedule(struct sys *s, const void *fdt)
{
    int sched = fdt_path_offset(fdt, "/schedule"), child;
    if (sched < 0) return;
    check_props(fdt, sched, "/schedule", (const char *const[]){ NULL });
    fdt_for_each_subnode(child, fdt, sched)
        parse_schedule_cpu(s, fdt, child);
}

/* The board's ram-banks, for a refusal: "0-0x3bffffff, 0x40000000-0x7fffffff". */
static const char *banks_text(char *buf, size_t size)
{
    size_t n = 0;
    buf[0] = '\0';
    for (unsigned i = 0; i < plat.nr_banks && n < size; i++)
        n += (size_t)snprintf(buf + n, size - n, "%s%#" PRIx64 "-%#" PRIx64, i ? ", " : "", plat.banks[i].base,
                              plat.banks[i].base + plat.banks[i].size - 1);
    return buf;
}

/* memory: the RAM the system uses, 1..MAX_RAM_BANKS ranges in address
 * order, the first at ram-base, each 2 MiB aligned, inside one of the
 * board's ram-banks, one a bank (without ram-banks, one range).
 * They become the hypervisor's banks (platform.ram_bank): what EL2 maps and
 * what it allocates from when the boot DTB says nothing. */
static void parse_memory(struct sys *s, const void *fdt, int pnode)
{
    int len;
    const fdt32_t *m = fdt_getprop(fdt, pnode, "memory", &len);
    unsigned most = plat.nr_banks ? plat.nr_banks : 1;
    if (!m || !len || len % (REG_CELLS * 4) || (unsigned)len / (REG_CELLS * 4) > most)
        refuse("/platform", "memory must be 1..%u <base-hi base-lo size-hi size-lo> range%s: one in each RAM bank of "
               "the board's it uses (%u in its ram-banks)", most, most > 1 ? "s" : "", most);
    s->nr_ram = (unsigned)len / (REG_CELLS * 4);
    s->ram_size = 0;
    for (unsigned i = 0; i < s->nr_ram; i++) {
        struct ram_range r = { read_cells(m + i * REG_CELLS, 2), read_cells(m + i * REG_CELLS + 2, 2) };
        if (!i && r.base != plat.hyp.ram_base)
            refuse("/platform", "memory must start at %#" PRIx64 " (ram-base)", plat.hyp.ram_base);
        if (!r.size || (r.base | r.size) % SZ_2M || r.base + r.size < r.base)
            refuse("/platform", "memory: range %u (%#" PRIx64 "+%#" PRIx64 ") must be a non-empty multiple of 2 MiB, "
                   "2 MiB aligned", i, r.base, r.size);
        if (i && r.base < s->ram[i - 1].base + s->ram[i - 1].size)
            refuse("/platform", "memory: range %u (%#" PRIx64 ") must start above range %u's end (%#" PRIx64 "): "
                   "in address order, apart", i, r.base, i - 1, s->ram[i - 1].base + s->ram[i - 1].size - 1);
        unsigned bank = plat.nr_banks;
        for (unsigned b = 0; b < plat.nr_banks; b++)
            if (r.base >= plat.banks[b].base && r.base + r.size <= plat.banks[b].base + plat.banks[b].size)
                bank = b;
        char banks[MAX_RAM_BANKS * 48];
        if (plat.nr_banks && bank == plat.nr_banks)
            refuse("/platform", "memory: range %u (%#" PRIx64 "-%#" PRIx64 ") is not inside one of the board's "
                   "RAM banks (ram-banks: %s)", i, r.base, r.base + r.size - 1, banks_text(banks, sizeof(banks)));
        /* One range a bank: as a loader's /memory gives it (QEMU's -m fills
         * a bank before the next), so the boot DTB and the config agree. */
        if (i && plat.nr_banks && ranges_overlap(s->ram[i - 1].base, s->ram[i - 1].size, plat.banks[bank].base,
                                                 plat.banks[bank].size))
            refuse("/platform", "memory: ranges %u and %u are both in the RAM bank at %#" PRIx64 ": one range a bank",
                   i - 1, i, plat.banks[bank].base);
        s->ram[i] = r;
        s->ram_size += r.size;
    }
    /* The hypervisor's banks (src/core/main.c). */
    plat.hyp.nr_ram_banks = s->nr_ram;
    memcpy(plat.hyp.ram_bank, s->ram, sizeof(s->ram));
}

static void parse_platform(struct sys *s, const void *fdt)
{
    static const char *const plat_props[] = { "compatible", "cpus", "memory", "nvme-disk", "e1000e-nics", "igb-nic", NULL };
    int pnode = fdt_path_offset(fdt, "/platform");
    if (pnode < 0) refuse("/platform", "missing node");
    check_props(fdt, pnode, "/platform", plat_props);
    check_children(fdt, pnode, (const char *const[]){ "hypervisor", "devices", NULL });
    parse_platform_desc(&plat, fdt, pnode);
    uint64_t pcpus;
    if (!get_u64(fdt, pnode, "/platform", "cpus", 1, &pcpus) || pcpus == 0 || pcpus > MAX_PCPUS)
        refuse("/platform", "cpus must be 1..%d", MAX_PCPUS);
    s->nr_cpus = (unsigned)pcpus;
    if (s->nr_cpus > plat.hyp.nr_cpus)
        refuse("/platform", "cpus = <%u>, but the board has %u (its description's cpu-mpidrs)", s->nr_cpus,
               plat.hyp.nr_cpus);
    parse_memory(s, fdt, pnode);
    int len;
    /* A disk image, under the build folder, that QEMU attaches as an NVMe
     * function on the PCIe bus (scripts/run-qemu.sh reads it from qemu.env). */
    s->nvme_disk = get_string(fdt, pnode, "/platform", "nvme-disk");
    if (s->nvme_disk && (!*s->nvme_disk || strspn(s->nvme_disk, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") != strlen(s->nvme_disk)))
        refuse("/platform", "nvme-disk must be a file name (letters, digits, '.', '_', '-'), made under the build folder");
    /* e1000e NICs on the PCIe bus, joined by a QEMU-internal hub. */
    uint64_t nics = 0;
    if (get_u64(fdt, pnode, "/platform", "e1000e-nics", 1, &nics) && (nics < 1 || nics > MAX_E1000E_NICS))
        refuse("/platform", "e1000e-nics must be 1..%d", MAX_E1000E_NICS);
    s->e1000e_nics = (unsigned)nics;
    /* QEMU's igb, an SR-IOV NIC, at 00:06.0 on the same hub. */
    const void *igb = fdt_getprop(fdt, pnode, "igb-nic", &len);
    if (igb && len)
        refuse("/platform", "property 'igb-nic' takes no value (write 'igb-nic;')");
    s->igb_nic = igb != NULL;
}

void parse_config(struct sys *s, const void *fdt, const struct search *search)
{
    static const char *const root_props[] = { "compatible", "#address-cells", "#size-cells", NULL };
    check_props(fdt, 0, "/", root_props);
    const char *compat = get_string(fdt, 0, "/", "compatible");
    if (!compat || strcmp(compat, "tofu,system"))
        refuse("/", "compatible must be \"tofu,system\"");
    check_children(fdt, 0, (const char *const[]){ "platform", "vms", "channels", "virtio", "schedule", NULL });
    parse_platform(s, fdt);

    int vms_node = fdt_path_offset(fdt, "/vms"), child;
    if (vms_node < 0) refuse("/vms", "missing node");
    check_props(fdt, vms_node, "/vms", (const char *const[]){ NULL });
    fdt_for_each_subnode(child, fdt, vms_node) {
        if (s->nr_vms == MAX_VMS) {
            char p[NODE_PATH_LEN];
            node_path(fdt, child, p, sizeof(p));
            refuse(p, "more than %d VMs", MAX_VMS);
        }
        parse_vm(fdt, child, &s->vms[s->nr_vms++], s->nr_cpus, search);
    }
    if (!s->nr_vms) refuse("/vms", "no VM described");
    for (unsigned i = 0; i < s->nr_vms; i++)
        resolve_pci_vfs(s, &s->vms[i]);
    parse_channels(s, fdt);
    parse_schedule(s, fdt);
    parse_virtio(s, fdt);
}
