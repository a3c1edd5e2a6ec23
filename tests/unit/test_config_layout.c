/* SPDX-License-Identifier: MIT */
/*
 * tools/config/layout.c and elf.c: each VM's images in its RAM, and the
 * boot-time allocation the tool runs with the hypervisor's own page
 * allocator and table builder: where each VM's RAM lands, how many table
 * pages it takes, what cannot be placed.  The cases at the edge were booted
 * on QEMU with the same numbers.
 */
#include <elf.h>
#include "tool.h"
#include "arch/regs.h"

#define PAGE            UINT64_C(0x1000)
#define LINKED_END      UINT64_C(0x402d5000)       /* a bare-metal config's tofu.elf */

static struct sys sys;
static const struct hyp_image linked = { TEST_IMAGE_BASE, LINKED_END, true };

static int setup(void **state)
{
    (void)state;
    tool_sys_init(&sys, MiB(2048));
    return 0;
}

static void boot(const struct hyp_image *hyp)
{
    layout_vms(&sys);
    layout_boot(&sys, hyp);
}

static void test_images_in_ram(void **state)
{
    (void)state;
    struct vm *vm = tool_add_vm(&sys, "linux", 0, MiB(64));
    vm->kernel.has_header = true;
    vm->kernel.text_offset = MiB(2);
    vm->kernel.size = MiB(20);
    vm->kernel.image_size = MiB(24);               /* bss beyond the file */
    vm->initrd.size = MiB(8) + 100;
    EXPECT_ACCEPTED(layout_vms(&sys));
    assert_int_equal(vm->cfg.kernel.load_ipa, TEST_RAM_BASE + MiB(2));
    assert_int_equal(vm->cfg.entry_ipa, TEST_RAM_BASE + MiB(2));
    assert_int_equal(vm->cfg.dtb.load_ipa, TEST_RAM_BASE + MiB(62));
    assert_int_equal(vm->cfg.initrd.load_ipa, (TEST_RAM_BASE + MiB(62) - MiB(8) - 100) & ~(PAGE - 1));
    assert_int_equal(vm->cfg.nr_spis, 32);

    vm->initrd.size = MiB(40);                     /* 2 + 24 + 40 > 62 */
    EXPECT_REFUSED(layout_vms(&sys), "/vms/linux: kernel (24576 KiB) and initrd (40960 KiB) do not fit in memory-size 64 MiB");
    vm->initrd.size = 0;
    vm->kernel.image_size = MiB(61);
    EXPECT_REFUSED(layout_vms(&sys), "is larger than the VM's memory allows (64 MiB)");
}

static void test_spis_in_32s(void **state)
{
    (void)state;
    struct vm *vm = tool_add_vm(&sys, "a", 0, MiB(64));
    tool_add_device(vm, "/platform/devices/x", 100, 0x09040000, PAGE, 32);
    layout_vms(&sys);
    assert_int_equal(vm->cfg.nr_spis, 64);
}

/* watchdog;: SPI 30 unless the VM's devices have it, then the next lower. */
static void test_watchdog_spi(void **state)
{
    (void)state;
    struct vm *a = tool_add_vm(&sys, "a", 0, MiB(64));
    struct vm *b = tool_add_vm(&sys, "b", 1, MiB(64));
    a->watchdog = b->watchdog = true;
    tool_add_device(b, "/platform/devices/x", 100, 0x09040000, PAGE, 30);
    tool_add_device(b, "/platform/devices/y", 101, 0x09050000, PAGE, 29);
    layout_vms(&sys);
    assert_int_equal(a->cfg.wdog_intid, GIC_SPI_BASE_ID + 30);
    assert_int_equal(b->cfg.wdog_intid, GIC_SPI_BASE_ID + 28);
    assert_int_equal(a->cfg.wdog_ipa, UINT64_C(0x090c0000));
    assert_int_equal(a->cfg.wdog_clk_hz, 1000000);
    assert_int_equal(a->cfg.nr_spis, 32);
}

static void test_image_at_least(void **state)
{
    (void)state;
    tool_add_vm(&sys, "a", 0, MiB(64))->kernel.size = PAGE + 1;
    struct vm *b = tool_add_vm(&sys, "b", 1, MiB(64));
    b->initrd.size = 10;
    layout_vms(&sys);
    b->cfg.dtb.size = 100;
    struct hyp_image h = layout_image_min(&sys);
    assert_false(h.linked);
    assert_int_equal(h.start, TEST_IMAGE_BASE);
    assert_int_equal(h.end, TEST_IMAGE_BASE + 2 * PAGE + PAGE + PAGE + PAGE);
}

/* First fit with 2 MiB alignment: above the image; the tables go below it. */
static void test_first_fit_and_tables(void **state)
{
    (void)state;
    struct vm *a = tool_add_vm(&sys, "a", 0, MiB(512));
    struct vm *b = tool_add_vm(&sys, "b", 1, MiB(64));
    tool_add_device(b, "/platform/devices/rtc", 100, 0x09010000, PAGE, 2);
    EXPECT_ACCEPTED(boot(&linked));
    assert_int_equal(a->boot_pa, UINT64_C(0x40400000));
    assert_int_equal(b->boot_pa, UINT64_C(0x60400000));
    /* 32-bit IPA space, walks from level 1: the root and one level-2 table
     * for RAM (2 MiB blocks); the vPL011's register page a level-2 and a
     * level-3 table, which a device in the same 2 MiB shares. */
    assert_int_equal(a->table_pages, 4);
    assert_int_equal(b->table_pages, 4);
    /* ... and the SMMU's run, before the VMs (iommu_init). */
    uint64_t used = (LINKED_END - TEST_IMAGE_BASE) + MiB(512) + MiB(64) + 8 * PAGE +
                    SMMUV3_BOOT_PAGES * PAGE;
    assert_int_equal(sys.boot_free, MiB(2048) - used);
}

/* 1 GiB and more of RAM needs a 1 GiB-aligned run: the image blocks the first. */
static void test_gib_alignment(void **state)
{
    (void)state;
    struct vm *a = tool_add_vm(&sys, "big", 0, MiB(1024));
    EXPECT_ACCEPTED(boot(&linked));
    assert_int_equal(a->boot_pa, UINT64_C(0x80000000));
    assert_int_equal(a->table_pages, 3);           /* one 1 GiB block in the root; the UART page's two */
    a->cfg.ram_size = MiB(1200);
    EXPECT_REFUSED(boot(&linked), "/vms/big: 1200 MiB of RAM cannot be allocated at boot: it needs one 1 GiB-aligned run");
    EXPECT_REFUSED(boot(&linked), "is 1024 MiB");
}

/* The edge booted on QEMU: 1024 MiB at 0x80000000, then 1020 MiB at
 * 0x40400000 fits; 1022 MiB does not. */
static void test_edge_as_booted(void **state)
{
    (void)state;
    tool_add_vm(&sys, "big", 0, MiB(1024));
    struct vm *rest = tool_add_vm(&sys, "rest", 1, MiB(1020));
    EXPECT_ACCEPTED(boot(&linked));
    assert_int_equal(rest->boot_pa, UINT64_C(0x40400000));
    rest->cfg.ram_size = MiB(1022);
    EXPECT_REFUSED(boot(&linked), "/vms/rest: 1022 MiB of RAM cannot be allocated at boot");
}

static void test_fixed_after_first_fit(void **state)
{
    (void)state;
    tool_add_vm(&sys, "a", 0, MiB(512));
    struct vm *b = tool_add_vm(&sys, "b", 1, MiB(64));
    b->cfg.ram_pa = UINT64_C(0x50000000);
    EXPECT_REFUSED(boot(&linked), "/vms/b: memory-address 0x50000000+0x4000000 is taken at boot by the RAM of VM 'a' (0x40400000-0x603fffff)");
    b->cfg.ram_pa = UINT64_C(0x60400000);
    EXPECT_ACCEPTED(boot(&linked));
    assert_int_equal(b->boot_pa, UINT64_C(0x60400000));
}

static void test_fixed_over_image_as_linked(void **state)
{
    (void)state;
    struct vm *a = tool_add_vm(&sys, "a", 0, MiB(64));
    a->cfg.ram_pa = UINT64_C(0x40400000);
    EXPECT_ACCEPTED(boot(&linked));
    struct hyp_image big = { TEST_IMAGE_BASE, UINT64_C(0x40500000), true };
    EXPECT_REFUSED(boot(&big), "memory-address 0x40400000+0x4000000 is taken at boot by the hypervisor image (0x40200000-0x404fffff, as linked)");
}

static void test_total(void **state)
{
    (void)state;
    tool_sys_init(&sys, HYP_MEM_MAX + MiB(4096));  /* the allocator manages 4 GiB */
    tool_add_vm(&sys, "a", 0, MiB(3072));
    tool_add_vm(&sys, "b", 1, MiB(1024));
    EXPECT_REFUSED(boot(&linked), "/vms: the VMs need 4096 MiB of RAM, the platform has 4095 MiB beside the hypervisor (as linked)");
}

/* Several banks (the ZCU102's shape: 1 GiB here, then 2 GiB at 32 GiB):
 * first fit through them in order, as the hypervisor's allocator; a VM's
 * RAM is one run in one bank. */
#define HIGH_BANK UINT64_C(0x800000000)

static void test_banks_first_fit(void **state)
{
    (void)state;
    tool_sys_init(&sys, MiB(1024));
    tool_sys_add_bank(&sys, HIGH_BANK, MiB(2048));
    struct vm *a = tool_add_vm(&sys, "a", 0, MiB(512));
    struct vm *b = tool_add_vm(&sys, "b", 1, MiB(1024));      /* 1 GiB-aligned: only the second bank has one */
    struct vm *c = tool_add_vm(&sys, "c", 2, MiB(256));
    struct vm *d = tool_add_vm(&sys, "d", 3, MiB(512));       /* the first bank is full */
    EXPECT_ACCEPTED(boot(&linked));
    assert_int_equal(a->boot_pa, UINT64_C(0x40400000));
    assert_int_equal(b->boot_pa, HIGH_BANK);
    assert_int_equal(c->boot_pa, UINT64_C(0x60400000));
    assert_int_equal(d->boot_pa, HIGH_BANK + MiB(1024));
    /* More than any one bank holds, though not than all of them. */
    c->cfg.ram_size = MiB(128);
    d->cfg.ram_size = MiB(1280);
    EXPECT_REFUSED(boot(&linked), "/vms/d: 1280 MiB of RAM cannot be allocated at boot: it needs one 1 GiB-aligned "
                   "run in one bank (for 1 GiB blocks), and the largest left after the hypervisor image");
    EXPECT_REFUSED(boot(&linked), "is 1024 MiB");
}

/* memory-address in the second bank; the total over every bank; and the
 * allocator's HYP_MEM_MAX, bank after bank: the second bank's managed part
 * ends where the budget does. */
static void test_banks_fixed_and_total(void **state)
{
    (void)state;
    tool_sys_init(&sys, MiB(1024));
    tool_sys_add_bank(&sys, HIGH_BANK, MiB(2048));
    struct vm *a = tool_add_vm(&sys, "a", 0, MiB(64));
    a->cfg.ram_pa = HIGH_BANK + MiB(64);
    struct vm *b = tool_add_vm(&sys, "b", 1, MiB(64));
    EXPECT_ACCEPTED(boot(&linked));
    assert_int_equal(a->boot_pa, HIGH_BANK + MiB(64));
    assert_int_equal(b->boot_pa, UINT64_C(0x40400000));
    b->cfg.ram_size = MiB(3072);
    EXPECT_REFUSED(boot(&linked), "/vms: the VMs need 3136 MiB of RAM, the platform has 3071 MiB beside the "
                   "hypervisor (as linked), all banks together");

    tool_sys_init(&sys, MiB(3072));
    tool_sys_add_bank(&sys, HIGH_BANK, MiB(2048));
    a = tool_add_vm(&sys, "a", 0, MiB(64));
    a->cfg.ram_pa = HIGH_BANK + MiB(1024) - MiB(32);
    EXPECT_REFUSED(boot(&linked), "/vms/a: memory-address 0x83e000000+0x4000000 ends beyond the RAM the "
                   "hypervisor's allocator manages (4096 MiB, bank after bank: HYP_MEM_MAX)");
    a->cfg.ram_pa = HIGH_BANK + MiB(1024) - MiB(64);
    EXPECT_ACCEPTED(boot(&linked));
}

/* The IPA space grows to cover a device (QEMU's high ECAM: 39 bits), up to
 * what every CPU of the platform has. */
static void test_device_high(void **state)
{
    (void)state;
    struct vm *a = tool_add_vm(&sys, "a", 0, MiB(64));
    tool_add_device(a, "/platform/devices/ecam", 100, UINT64_C(0x4010000000), PAGE, -1);
    EXPECT_ACCEPTED(boot(&linked));
    assert_int_equal(a->table_pages, 6);           /* root, RAM's level 2, the ECAM's level 2 and 3, the UART page's */
    a->cfg.devices[0].pa = UINT64_C(1) << TEST_MIN_PA_BITS;
    EXPECT_REFUSED(boot(&linked), "/vms/a: device /platform/devices/ecam (0x10000000000+0x1000) lies beyond the 40-bit address space");
}

/* A VM on a channel takes VM_SHARE_TABLES pages for its share mappings. */
/* A VM with pci-functions takes VM_PCI_TABLES pages for its BARs' tables,
 * as vm_build_pci() does, and its virtual ECAM's window. */
static void test_pci_table_run(void **state)
{
    (void)state;
    struct vm *a = tool_add_vm(&sys, "a", 0, MiB(64));
    EXPECT_ACCEPTED(boot(&linked));
    uint64_t alone = sys.boot_free;
    unsigned pages = a->table_pages;
    a->cfg.pci_fns[a->cfg.nr_pci_fns++] = 0x10;
    EXPECT_ACCEPTED(boot(&linked));
    assert_int_equal(alone - sys.boot_free, VM_PCI_TABLES * PAGE);
    assert_int_equal(a->table_pages, pages + VM_PCI_TABLES);
    assert_int_equal(a->cfg.vecam_ipa, VIRT_VECAM);
}

/* A virtio device of `fe` that `be` serves, as parse_virtio() leaves it. */
static struct virtio_dev_model *add_virtio(struct vm *fe, struct vm *be, uint32_t transport)
{
    struct virtio_dev_model *m = &sys.virtio[sys.nr_virtio];
    memset(m, 0, sizeof(*m));
    snprintf(m->node, sizeof(m->node), "/virtio/d%u", sys.nr_virtio++);
    m->type = "block";
    m->cfg.device_id = VIRTIO_ID_BLOCK;
    m->cfg.frontend = vm_id_of(&sys, fe);
    m->cfg.backend = vm_id_of(&sys, be);
    m->cfg.transport = transport;
    tool_connect(&sys, fe, be);
    return m;
}

/* transport = "pci": slots 1, 2 ... of the frontend's virtual ECAM in the
 * devices' order, BAR0s in a run from the 32-bit PCI MMIO window's base, no
 * SPI; its virtio-mmio devices keep their windows and SPIs in their own
 * order; neither ECAM nor BARs are mapped at boot. */
static void test_virtio_pci(void **state)
{
    (void)state;
    struct vm *a = tool_add_vm(&sys, "a", 0, MiB(64));
    struct vm *b = tool_add_vm(&sys, "b", 1, MiB(64));
    a->its = true;
    struct virtio_dev_model *m0 = add_virtio(a, b, VIRTIO_TRANSPORT_MMIO);
    EXPECT_ACCEPTED(boot(&linked));
    unsigned pages = a->table_pages;
    struct virtio_dev_model *p0 = add_virtio(a, b, VIRTIO_TRANSPORT_PCI);
    struct virtio_dev_model *m1 = add_virtio(a, b, VIRTIO_TRANSPORT_MMIO);
    struct virtio_dev_model *p1 = add_virtio(a, b, VIRTIO_TRANSPORT_PCI);
    EXPECT_ACCEPTED(boot(&linked));
    assert_int_equal(m0->cfg.mmio_ipa, VIRT_VIRTIO_MMIO);
    assert_int_equal(m1->cfg.mmio_ipa, VIRT_VIRTIO_MMIO + VIRTIO_MMIO_PAGE_BYTES);
    assert_int_equal(m0->cfg.intid, GIC_SPI_BASE_ID + VIRT_VIRTIO_SPI);
    assert_int_equal(m1->cfg.intid, GIC_SPI_BASE_ID + VIRT_VIRTIO_SPI + 1);
    assert_int_equal(m0->cfg.pci_slot, 0);
    assert_int_equal(m0->cfg.ecam_ipa, 0);
    assert_int_equal(p0->cfg.pci_slot, 1);
    assert_int_equal(p1->cfg.pci_slot, 2);
    assert_int_equal(p0->cfg.ecam_ipa, VIRT_VECAM);
    assert_int_equal(p1->cfg.ecam_ipa, VIRT_VECAM);
    assert_int_equal(p0->cfg.mmio_ipa, TEST_PCI_MMIO);
    assert_int_equal(p1->cfg.mmio_ipa, TEST_PCI_MMIO + VIRTIO_PCI_BAR_SIZE);
    assert_int_equal(p0->cfg.intid, 0);
    assert_int_equal(p1->cfg.intid, 0);
    assert_int_equal(p1->cfg.window_ipa, VIRTIO_WINDOW_BASE + 3 * VIRTIO_WINDOW_STRIDE);
    assert_int_equal(a->cfg.vecam_ipa, 0);          /* pci-functions' vECAM: none */
    assert_int_equal(a->table_pages, pages);        /* m1's page shares m0's table */
    const struct virtio_config *first = NULL;
    assert_int_equal(virtio_pci_fns(&sys, a, &first), 2);
    assert_ptr_equal(first, &p0->cfg);
    assert_int_equal(virtio_pci_fns(&sys, b, NULL), 0);

    plat.hyp.pci_mmio_size = VIRTIO_PCI_BAR_SIZE;   /* room for p0's BAR only */
    EXPECT_REFUSED(layout_vms(&sys), "/virtio/d3: transport = \"pci\": the board's 32-bit PCI MMIO window "
                   "(0x10000000+0x4000, tofu,pcie-mmio-window) has no 0x4000-aligned BAR of 0x4000 bytes left for it");
    plat.hyp.pci_mmio_size = 0;                     /* a board without PCI */
    EXPECT_REFUSED(layout_vms(&sys), "/virtio/d1: transport = \"pci\": the board's 32-bit PCI MMIO window");
}

static void test_share_pools(void **state)
{
    (void)state;
    struct vm *a = tool_add_vm(&sys, "a", 0, MiB(64));
    struct vm *b = tool_add_vm(&sys, "b", 1, MiB(64));
    EXPECT_ACCEPTED(boot(&linked));
    uint64_t alone = sys.boot_free;
    tool_connect(&sys, a, b);
    EXPECT_ACCEPTED(boot(&linked));
    assert_int_equal(alone - sys.boot_free, 2 * VM_SHARE_TABLES * PAGE);
    assert_int_equal(a->table_pages, 4);           /* the window is not mapped at boot */
}

/* ---- elf.c ---------------------------------------------------------------- */

struct tiny_elf {
    Elf64_Ehdr eh;
    Elf64_Shdr sh[3];                  /* null, .symtab, .strtab */
    Elf64_Sym sym[3];
    char str[32];
};

static void tiny_elf(struct tiny_elf *e, uint64_t start, uint64_t end)
{
    static const char names[] = "\0__image_start\0__image_end";
    memset(e, 0, sizeof(*e));
    memcpy(e->eh.e_ident, ELFMAG, SELFMAG);
    e->eh.e_ident[EI_CLASS] = ELFCLASS64;
    e->eh.e_ident[EI_DATA] = ELFDATA2LSB;
    e->eh.e_machine = EM_AARCH64;
    e->eh.e_shoff = offsetof(struct tiny_elf, sh);
    e->eh.e_shentsize = sizeof(Elf64_Shdr);
    e->eh.e_shnum = 3;
    e->sh[1] = (Elf64_Shdr){ .sh_type = SHT_SYMTAB, .sh_offset = offsetof(struct tiny_elf, sym),
                             .sh_size = sizeof(e->sym), .sh_link = 2, .sh_entsize = sizeof(Elf64_Sym) };
    e->sh[2] = (Elf64_Shdr){ .sh_type = SHT_STRTAB, .sh_offset = offsetof(struct tiny_elf, str),
                             .sh_size = sizeof(names) };
    memcpy(e->str, names, sizeof(names));
    e->sym[1] = (Elf64_Sym){ .st_name = 1, .st_value = start, .st_shndx = SHN_ABS };
    e->sym[2] = (Elf64_Sym){ .st_name = 15, .st_value = end, .st_shndx = SHN_ABS };
}

static void test_elf_bounds(void **state)
{
    (void)state;
    struct tiny_elf e;
    uint64_t start = 0, end = 0;
    tiny_elf(&e, TEST_IMAGE_BASE, LINKED_END);
    assert_null(elf_image_bounds(&e, sizeof(e), &start, &end));
    assert_int_equal(start, TEST_IMAGE_BASE);
    assert_int_equal(end, LINKED_END);

    assert_non_null(elf_image_bounds(&e, sizeof(e.eh) - 1, &start, &end));
    assert_non_null(elf_image_bounds(&e, offsetof(struct tiny_elf, sym) + 8, &start, &end));
    e.sym[2].st_name = 1;                          /* no __image_end */
    assert_string_equal(elf_image_bounds(&e, sizeof(e), &start, &end),
                        "it has no symbols __image_start and __image_end");
    tiny_elf(&e, LINKED_END, TEST_IMAGE_BASE);
    assert_non_null(elf_image_bounds(&e, sizeof(e), &start, &end));
    tiny_elf(&e, TEST_IMAGE_BASE, LINKED_END);
    e.eh.e_machine = EM_X86_64;
    assert_string_equal(elf_image_bounds(&e, sizeof(e), &start, &end), "not a little-endian AArch64 ELF64 file");
    tiny_elf(&e, TEST_IMAGE_BASE, LINKED_END);
    e.sh[1].sh_link = 7;
    assert_string_equal(elf_image_bounds(&e, sizeof(e), &start, &end), "its symbol table is malformed");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_images_in_ram, setup),
        cmocka_unit_test_setup(test_spis_in_32s, setup),
        cmocka_unit_test_setup(test_watchdog_spi, setup),
        cmocka_unit_test_setup(test_image_at_least, setup),
        cmocka_unit_test_setup(test_first_fit_and_tables, setup),
        cmocka_unit_test_setup(test_gib_alignment, setup),
        cmocka_unit_test_setup(test_edge_as_booted, setup),
        cmocka_unit_test_setup(test_fixed_after_first_fit, setup),
        cmocka_unit_test_setup(test_fixed_over_image_as_linked, setup),
        cmocka_unit_test_setup(test_total, setup),
        cmocka_unit_test_setup(test_banks_first_fit, setup),
        cmocka_unit_test_setup(test_banks_fixed_and_total, setup),
        cmocka_unit_test_setup(test_device_high, setup),
        cmocka_unit_test_setup(test_share_pools, setup),
        cmocka_unit_test_setup(test_pci_table_run, setup),
        cmocka_unit_test_setup(test_virtio_pci, setup),
        cmocka_unit_test(test_elf_bounds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
