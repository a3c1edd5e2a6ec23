/* SPDX-License-Identifier: MIT */
/*
 * Where everything goes.  layout_vms(): each VM's address map (QEMU virt's)
 * and its images in its RAM, per the Linux arm64 boot protocol.
 * layout_boot(): the hypervisor's boot-time allocation, run here with the
 * hypervisor's own page allocator (src/core/palloc.c), table builder
 * (src/arch/arm64/mm/pt.c) and stage-2 sizing (src/core/vm_layout.c), in the
 * order the hypervisor performs it: the SMMU's run (iommu_init), then as
 * vm_build() does it: RAM (at memory-address, or first fit with
 * the alignment its blocks need), the stage-2 root, the tables mapping RAM,
 * those mapping each device, then for a VM on a channel its pool of
 * VM_SHARE_TABLES pages for share mappings.  A VM that would not be allocated at boot
 * is refused, with what took the memory it needed.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "arch/pt.h"
#include "arch/regs.h"
#include "core/palloc.h"
#include "core/vm_layout.h"
#include "tofu_config.h"

#define MIB(x)          ((x) >> 20)
#define MAX_TABLE_PAGES 512         /* far more than MAX_VMS VMs need */
#define MAX_OWNERS      (1 + MAX_VMS + MAX_TABLE_PAGES)   /* the image, RAM, table runs */

static void layout_images(struct vm *vm)
{
    struct vm_config *c = &vm->cfg;
    const struct image *k = &vm->kernel;
    /* Kernel at RAM + text_offset; DTB in the last 2 MiB; initrd right below
     * the DTB (Linux arm64 booting.rst). */
    uint64_t koff = k->has_header ? k->text_offset : 0;
    uint64_t kspan = k->has_header && k->image_size > k->size ? k->image_size : k->size;
    c->kernel.size = k->size;
    c->kernel.load_ipa = c->ram_ipa + koff;
    c->entry_ipa = c->kernel.load_ipa;
    c->dtb.load_ipa = c->ram_ipa + c->ram_size - DTB_RESERVE;
    uint64_t kernel_end = c->kernel.load_ipa + kspan;
    uint64_t top = c->dtb.load_ipa;
    if (c->ram_size <= DTB_RESERVE)
        refuse(vm->node, "memory-size %" PRIu64 " MiB leaves no room beside the device tree's %" PRIu64 " MiB",
             MIB(c->ram_size), MIB(DTB_RESERVE));
    if (vm->initrd.size) {
        c->initrd.size = vm->initrd.size;
        c->initrd.load_ipa = (top - vm->initrd.size) & ~(PAGE_SIZE - 1);
        if (vm->initrd.size > top - c->ram_ipa || c->initrd.load_ipa < kernel_end)
            refuse(vm->node, "kernel (%" PRIu64 " KiB) and initrd (%" PRIu64 " KiB) do not fit in memory-size %" PRIu64 " MiB",
                 kspan >> 10, vm->initrd.size >> 10, MIB(c->ram_size));
        top = c->initrd.load_ipa;
    }
    if (kernel_end > top)
        refuse(vm->node, "kernel '%s' (%" PRIu64 " KiB) is larger than the VM's memory allows (%" PRIu64 " MiB)",
             k->path, kspan >> 10, MIB(c->ram_size));
}

/* SPIs in whole 32s, enough for the highest INTID the VM is given. */
static uint32_t spis_needed(const struct vm_config *c)
{
    uint32_t max_intid = c->uart_intid > c->doorbell_intid ? c->uart_intid : c->doorbell_intid;
    if (c->wdog_intid > max_intid) max_intid = c->wdog_intid;
    for (unsigned i = 0; i < c->nr_devices; i++)
        for (unsigned j = 0; j < c->devices[i].nr_irqs; j++)
            if (c->devices[i].irqs[j] > max_intid) max_intid = c->devices[i].irqs[j];
    return (max_intid - GIC_SPI_BASE_ID + MIN_SPIS) / MIN_SPIS * MIN_SPIS;
}

static bool spi_taken(const struct vm_config *c, uint32_t intid)
{
    if (intid == c->uart_intid || intid == c->doorbell_intid)
        return true;
    for (unsigned i = 0; i < c->nr_devices; i++)
        for (unsigned j = 0; j < c->devices[i].nr_irqs; j++)
            if (c->devices[i].irqs[j] == intid) return true;
    return false;
}

/* The SP805: its window, and the first SPI from VIRT_WDOG_SPI down that
 * neither the UART, the doorbell nor a device of the VM has. */
static void layout_watchdog(struct vm *vm)
{
    struct vm_config *c = &vm->cfg;
    if (!vm->watchdog) return;
    c->wdog_ipa = VIRT_WDOG;
    c->wdog_clk_hz = WDOG_CLK_HZ;
    for (uint32_t spi = VIRT_WDOG_SPI; spi > 0; spi--)
        if (!spi_taken(c, GIC_SPI_BASE_ID + spi)) {
            c->wdog_intid = GIC_SPI_BASE_ID + spi;
            return;
        }
    refuse(vm->node, "watchdog: no SPI below %u is left for it beside the VM's devices", VIRT_WDOG_SPI + 1);
}

void layout_vms(struct sys *s)
{
    for (unsigned i = 0; i < s->nr_vms; i++) {
        struct vm *vm = &s->vms[i];
        struct vm_config *c = &vm->cfg;
        c->ram_ipa = VIRT_RAM;
        c->gicd_ipa = VIRT_GICD;
        c->gicr_ipa = plat.hyp.gic_version == 2 ? 0 : VIRT_GICR;
        c->gicc_ipa = plat.hyp.gic_version == 2 ? VIRT_GICC : 0;
        c->its_ipa = vm->its ? VIRT_ITS : 0;
        c->uart_ipa = VIRT_UART;
        c->uart_intid = GIC_SPI_BASE_ID + VIRT_UART_SPI;
        c->steal_ipa = VIRT_STEAL;
        if (c->ipc_peers) {
            c->doorbell_intid = GIC_SPI_BASE_ID + DOORBELL_SPI;
            c->share_window_ipa = SHARE_WINDOW;
            c->share_window_size = SHARE_WINDOW_SIZE;
        }
        layout_watchdog(vm);
        if (c->nr_pci_fns)
            c->vecam_ipa = VIRT_VECAM;
        c->nr_spis = spis_needed(c);
        layout_images(vm);
    }
    layout_virtio(s);
}

struct hyp_image layout_image_min(const struct sys *s)
{
    struct hyp_image h = { plat.image_base, plat.image_base, false };
    for (unsigned i = 0; i < s->nr_vms; i++) {
        const struct vm_config *c = &s->vms[i].cfg;
        h.end += ALIGN_UP(c->kernel.size, PAGE_SIZE) + ALIGN_UP(c->initrd.size, PAGE_SIZE) +
                 ALIGN_UP(c->dtb.size, PAGE_SIZE);
    }
    return h;
}

/* ---- the boot-time allocation ------------------------------------------ */

enum owner_kind { OWN_IMAGE, OWN_IOMMU, OWN_RAM, OWN_TABLES, OWN_SHARE_POOL };

struct owner {
    uint64_t start, end;
    const struct vm *vm;            /* NULL for OWN_IMAGE */
    enum owner_kind kind;
};

struct sim {
    const struct sys *sys;
    const struct hyp_image *hyp;
    struct palloc mem;
    struct vm *vm;                  /* whose tables are being allocated */
    unsigned nr_owners, nr_pages;
    struct owner owners[MAX_OWNERS];
};

/* Static, so that a refusal (which does not return) leaks nothing. */
static struct sim sim_state;
static uint64_t sim_bitmap[HYP_MEM_BITMAP_WORDS];
static uint64_t sim_tables[MAX_TABLE_PAGES][PT_ENTRIES] __attribute__((aligned(PAGE_SIZE)));

static void add_owner(struct sim *sim, uint64_t pa, uint64_t size, const struct vm *vm, enum owner_kind kind)
{
    struct owner *last = sim->nr_owners ? &sim->owners[sim->nr_owners - 1] : NULL;
    if (last && last->vm == vm && last->kind == kind && last->end == pa) {
        last->end += size;
        return;
    }
    if (sim->nr_owners == MAX_OWNERS)
        die("tofu-config: too many separate allocations to describe");
    sim->owners[sim->nr_owners++] = (struct owner){ pa, pa + size, vm, kind };
}

/* pt_alloc_fn: a page of the simulated RAM, backed by a host page for pt.c. */
static uint64_t *sim_alloc_table(void *ctx)
{
    struct sim *sim = ctx;
    uint64_t pa = palloc_alloc(&sim->mem, 1, 1);
    if (!pa) return NULL;
    if (sim->nr_pages == MAX_TABLE_PAGES) die("tofu-config: more than %d stage-2 table pages", MAX_TABLE_PAGES);
    uint64_t *page = sim_tables[sim->nr_pages++];
    memset(page, 0, PAGE_SIZE);
    sim->vm->table_pages++;
    add_owner(sim, pa, PAGE_SIZE, sim->vm, OWN_TABLES);
    return page;
}

const char *hyp_image_what(const struct hyp_image *h)
{
    return h->linked ? "as linked" : "at the least: its guest images, before linking";
}

static void describe(const struct sim *sim, const struct owner *o, char *buf, size_t size)
{
    static const char *const what[] = {
        [OWN_IOMMU] = "the SMMU's tables and queues", [OWN_RAM] = "the RAM", [OWN_TABLES] = "the stage-2 tables", [OWN_SHARE_POOL] = "the share-mapping tables",
    };
    if (o->kind == OWN_IOMMU)
        snprintf(buf, size, "%s (%#" PRIx64 "-%#" PRIx64 ")", what[o->kind], o->start, o->end - 1);
    else if (o->kind == OWN_IMAGE)
        snprintf(buf, size, "the hypervisor image (%#" PRIx64 "-%#" PRIx64 ", %s)", o->start, o->end - 1,
                 hyp_image_what(sim->hyp));
    else
        snprintf(buf, size, "%s of VM '%s' (%#" PRIx64 "-%#" PRIx64 ")", what[o->kind], o->vm->cfg.name,
                 o->start, o->end - 1);
}

static void __attribute__((noreturn)) refuse_fixed(const struct sim *sim, const struct vm *vm)
{
    const struct vm_config *c = &vm->cfg;
    const struct palloc_bank *b = palloc_bank_of(&sim->mem, c->ram_pa);
    char what[160] = "memory in use";
    if (!b || c->ram_pa + c->ram_size > b->base + b->npages * PAGE_SIZE)
        refuse(vm->node, "memory-address %#" PRIx64 "+%#" PRIx64 " ends beyond the RAM the hypervisor's allocator "
               "manages (%" PRIu64 " MiB, bank after bank: HYP_MEM_MAX)", c->ram_pa, c->ram_size,
               MIB(HYP_MEM_MAX));
    for (unsigned i = 0; i < sim->nr_owners; i++)
        if (ranges_overlap(c->ram_pa, c->ram_size, sim->owners[i].start, sim->owners[i].end - sim->owners[i].start)) {
            describe(sim, &sim->owners[i], what, sizeof(what));
            break;
        }
    refuse(vm->node, "memory-address %#" PRIx64 "+%#" PRIx64 " is taken at boot by %s", c->ram_pa, c->ram_size, what);
}

static bool page_used(const struct palloc_bank *b, uint64_t i)
{
    return (b->bitmap[i / 64] >> (i % 64)) & 1;
}

/* The longest free run in any bank that starts on an `align`-byte physical
 * boundary. */
static uint64_t largest_aligned_run(const struct palloc *pa, uint64_t align)
{
    uint64_t best = 0, step = align / PAGE_SIZE;
    for (unsigned k = 0; k < pa->nr_banks; k++) {
        const struct palloc_bank *b = &pa->bank[k];
        uint64_t base_pfn = b->base / PAGE_SIZE, i = ALIGN_UP(base_pfn, step) - base_pfn;
        while (i < b->npages) {
            uint64_t n = 0;
            while (i + n < b->npages && !page_used(b, i + n)) n++;
            if (n > best) best = n;
            i = ALIGN_UP(base_pfn + i + n + 1, step) - base_pfn;
        }
    }
    return best * PAGE_SIZE;
}

static void __attribute__((noreturn)) refuse_anywhere(const struct sim *sim, const struct vm *vm, uint64_t align)
{
    const struct vm_config *c = &vm->cfg;
    refuse(vm->node, "%" PRIu64 " MiB of RAM cannot be allocated at boot: it needs one %s-aligned run in one bank (for %s blocks), "
         "and the largest left after the hypervisor image (to %#" PRIx64 ", %s)%s is %" PRIu64 " MiB",
         MIB(c->ram_size), align == SZ_1G ? "1 GiB" : "2 MiB", align == SZ_1G ? "1 GiB" : "2 MiB",
         sim->hyp->end - 1, hyp_image_what(sim->hyp), vm == sim->sys->vms ? "" : " and the VMs before it",
         MIB(largest_aligned_run(&sim->mem, align)));
}

static void __attribute__((noreturn)) refuse_tables(const struct vm *vm)
{
    refuse(vm->node, "no RAM is left at boot for the VM's stage-2 tables");
}

/* The VM's IPA space fits every CPU of the platform; if not, say what is too high. */
static unsigned check_ipa_bits(const struct vm *vm)
{
    const struct vm_config *c = &vm->cfg;
    unsigned bits = vm_ipa_bits(c);
    if (bits <= plat.min_pa_bits)
        return bits;
    for (unsigned i = 0; i < c->nr_devices; i++)
        if (c->devices[i].pa + c->devices[i].size > UINT64_C(1) << plat.min_pa_bits)
            refuse(vm->node, "device %s (%#" PRIx64 "+%#" PRIx64 ") lies beyond the %u-bit address space every CPU "
                   "of the platform gives a VM", vm->devices[i].path, c->devices[i].pa, c->devices[i].size,
                   plat.min_pa_bits);
    refuse(vm->node, "its address space needs %u bits, more than the %u every CPU of the platform has", bits,
           plat.min_pa_bits);
}

static void sim_vm(struct sim *sim, struct vm *vm)
{
    const struct vm_config *c = &vm->cfg;
    uint64_t npages = c->ram_size / PAGE_SIZE, align = vm_ram_align(c);
    unsigned bits = check_ipa_bits(vm);

    uint64_t pa = c->ram_pa ? palloc_alloc_at(&sim->mem, c->ram_pa, npages)
                            : palloc_alloc(&sim->mem, npages, align / PAGE_SIZE);
    if (!pa) {
        if (c->ram_pa) refuse_fixed(sim, vm);
        refuse_anywhere(sim, vm, align);
    }
    vm->boot_pa = pa;
    vm->table_pages = 0;
    add_owner(sim, pa, c->ram_size, vm, OWN_RAM);
    sim->vm = vm;
    struct pt s2;
    if (pt_init(&s2, bits, sim_alloc_table, NULL, sim) != E_OK || pt_map(&s2, c->ram_ipa, pa, c->ram_size, 0) != E_OK)
        refuse_tables(vm);
    for (unsigned i = 0; i < c->nr_devices; i++) {
        const struct vm_device *d = &c->devices[i];
        int rc = pt_map(&s2, d->pa, d->pa, d->size, 0);
        if (rc == E_NOMEM) refuse_tables(vm);
        if (rc != E_OK)
            refuse(vm->node, "device %s (%#" PRIx64 "+%#" PRIx64 ") cannot be mapped in its %u-bit address space",
                 vm->devices[i].path, d->pa, d->size, bits);
    }
    /* GICv2: the board's GICV at the VM's GICC (src/core/vm.c maps it too). */
    if (c->gicc_ipa) {
        int grc = pt_map(&s2, c->gicc_ipa, 0, GICV_SIZE, 0);
        if (grc == E_NOMEM) refuse_tables(vm);
        if (grc != E_OK) refuse(vm->node, "its GIC CPU interface at %#" PRIx64 " overlaps its RAM or a device", c->gicc_ipa);
    }
    /* The vPL011's read-only register page (src/core/vm.c maps it too). */
    int urc = pt_map(&s2, c->uart_ipa, 0, PAGE_SIZE, 0);
    if (urc == E_NOMEM) refuse_tables(vm);
    if (urc != E_OK) refuse(vm->node, "its UART at %#" PRIx64 " overlaps its RAM or a device", c->uart_ipa);
    /* Its vCPUs' stolen-time records, a read-only page (src/core/steal.c maps it too). */
    int src = pt_map(&s2, c->steal_ipa, 0, PAGE_SIZE, 0);
    if (src == E_NOMEM) refuse_tables(vm);
    if (src != E_OK) refuse(vm->node, "its stolen-time page at %#" PRIx64 " overlaps its RAM or a device", c->steal_ipa);
    /* Its virtio windows' read-only register pages (src/core/virtio.c maps them too). */
    for (unsigned i = 0; i < sim->sys->nr_virtio; i++) {
        const struct virtio_config *v = &sim->sys->virtio[i].cfg;
        if (&sim->sys->vms[v->frontend - 1] != vm || v->transport != VIRTIO_TRANSPORT_MMIO)
            continue;                   /* a virtio-pci function's ECAM and BAR are emulated, not mapped */
        int vrc = pt_map(&s2, v->mmio_ipa, 0, PAGE_SIZE, 0);
        if (vrc == E_NOMEM) refuse_tables(vm);
        if (vrc != E_OK) refuse(vm->node, "its virtio window at %#" PRIx64 " overlaps its RAM or a device", v->mmio_ipa);
    }
    /* pci-functions: the run of table pages for their BARs (vm_build_pci). */
    if (c->nr_pci_fns) {
        uint64_t run = palloc_alloc(&sim->mem, VM_PCI_TABLES, 1);
        if (!run) refuse_tables(vm);
        vm->table_pages += VM_PCI_TABLES;
        add_owner(sim, run, VM_PCI_TABLES * PAGE_SIZE, vm, OWN_TABLES);
    }
    if (c->share_window_size) {
        uint64_t pool = palloc_alloc(&sim->mem, VM_SHARE_TABLES, 1);
        if (!pool)
            refuse(vm->node, "no RAM is left at boot for its %d pages of share-mapping tables", VM_SHARE_TABLES);
        add_owner(sim, pool, VM_SHARE_TABLES * PAGE_SIZE, vm, OWN_SHARE_POOL);
    }
}

void layout_boot(struct sys *s, const struct hyp_image *hyp)
{
    struct sim *sim = &sim_state;
    *sim = (struct sim){ .sys = s, .hyp = hyp };
    /* The banks as the hypervisor takes them when the boot DTB agrees with
     * the config's memory (src/core/main.c's mem_init). */
    uint64_t npages = palloc_init_banks(&sim->mem, s->ram, s->nr_ram, sim_bitmap, HYP_MEM_BITMAP_WORDS), total = 0;
    for (unsigned i = 0; i < s->nr_vms; i++) total += s->vms[i].cfg.ram_size;
    uint64_t beside = npages * PAGE_SIZE - (hyp->end - hyp->start);
    if (total > beside)
        refuse("/vms", "the VMs need %" PRIu64 " MiB of RAM, the platform has %" PRIu64 " MiB beside the hypervisor "
               "(%s)%s", MIB(total), MIB(beside), hyp_image_what(hyp),
               s->nr_ram > 1 ? ", all banks together" : "");
    palloc_reserve(&sim->mem, hyp->start, hyp->end - hyp->start);
    if (platform_ram_kept(&plat.hyp, hyp->start))
        palloc_reserve(&sim->mem, s->ram[0].base, platform_ram_kept(&plat.hyp, hyp->start));
    add_owner(sim, hyp->start, hyp->end - hyp->start, NULL, OWN_IMAGE);
    /* QEMU virt's SMMUv3 takes its run before the VMs (iommu_init); a board
     * without an IOMMU takes none. */
    if (plat.hyp.iommu_base) {
        uint64_t smmu = palloc_alloc(&sim->mem, SMMUV3_BOOT_PAGES, SMMUV3_BOOT_ALIGN);
        if (!smmu)
            refuse("/vms", "no RAM is left at boot for the SMMU's %d pages", SMMUV3_BOOT_PAGES);
        add_owner(sim, smmu, SMMUV3_BOOT_PAGES * PAGE_SIZE, NULL, OWN_IOMMU);
    }
    for (unsigned i = 0; i < s->nr_vms; i++)
        sim_vm(sim, &s->vms[i]);
    s->boot_free = sim->mem.free_pages * PAGE_SIZE;
}
