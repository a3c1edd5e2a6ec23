/* SPDX-License-Identifier: MIT */
/*
 * tools/config/check.c: what the config tool refuses across nodes (CPUs,
 * devices by address and SPI, memory placement, share quotas), on models
 * built here, after layout_vms() as in the tool.
 */
#include "tool.h"
#include "arch/regs.h"

#define RTC_PA      UINT64_C(0x09010000)
#define RTC_SPI     2
#define PAGE        UINT64_C(0x1000)

static struct sys sys;

static int setup(void **state)
{
    (void)state;
    tool_sys_init(&sys, MiB(2048));
    return 0;
}

/* layout_vms() then check_system(), the image at its least. */
static void check(void)
{
    layout_vms(&sys);
    struct hyp_image hyp = layout_image_min(&sys);
    check_system(&sys, &hyp);
}

static void test_demo_accepted(void **state)
{
    (void)state;
    struct vm *linux_vm = tool_add_vm(&sys, "linux", 0, MiB(512));
    struct vm *rtos = tool_add_vm(&sys, "rtos", 2, MiB(64));
    linux_vm->cfg.nr_vcpus = 2;
    linux_vm->cfg.vcpu_pcpu[1] = 1;
    tool_add_device(linux_vm, "/platform/devices/pl031@9010000", 100, RTC_PA, PAGE, RTC_SPI);
    tool_connect(&sys, linux_vm, rtos);
    EXPECT_ACCEPTED(check());
    assert_int_equal(linux_vm->cfg.nr_spis, 32);
    assert_int_equal(linux_vm->cfg.share_quota, SHARE_SLOTS / 2);
    assert_int_equal(rtos->cfg.share_quota, SHARE_SLOTS / 2);
}

/* Shared CPUs: two vCPUs of one VM, and VMs, on one CPU, up to its run
 * queue's length. */
static void test_cpus(void **state)
{
    (void)state;
    struct vm *a = tool_add_vm(&sys, "a", 0, MiB(64));
    a->cfg.nr_vcpus = 2;
    a->cfg.vcpu_pcpu[1] = 0;
    EXPECT_ACCEPTED(check());
    struct vm *b = tool_add_vm(&sys, "b", 0, MiB(64));
    b->cfg.nr_vcpus = PCPU_MAX_VCPUS - 2;
    EXPECT_ACCEPTED(check());
    b->cfg.nr_vcpus++;
    EXPECT_REFUSED(check(), "/vms/b: physical CPU 0 is given to more than 8 vCPUs (its run queue's length)");
}

static void give_budget(struct vm *vm, uint32_t budget_us, uint32_t period_us)
{
    vm->cfg.budget_us = budget_us;
    vm->cfg.period_us = period_us;
}

/* A CPU's budgets come to 100% of its time at most, exactly: three vCPUs of
 * a third each fill it (a sum in rounded-up ppm would not), and the
 * smallest budget more is refused, naming the CPU and the VMs. */
static void test_budgets_fill_cpu(void **state)
{
    (void)state;
    struct vm *a = tool_add_vm(&sys, "a", 1, MiB(64));
    a->cfg.nr_vcpus = 3;
    a->cfg.vcpu_pcpu[1] = a->cfg.vcpu_pcpu[2] = 1;
    give_budget(a, 1000, 3000);
    struct vm *b = tool_add_vm(&sys, "b", 1, MiB(64));     /* no budget: not counted */
    struct vm *c = tool_add_vm(&sys, "c", 2, MiB(64));
    give_budget(c, 1000, 1000);
    EXPECT_ACCEPTED(check());
    give_budget(b, SCHED_MIN_BUDGET_US, SCHED_MAX_PERIOD_US);
    EXPECT_REFUSED(check(), "/vms/b: physical CPU 1: its vCPUs' budgets come to more than 100% of its time "
                   "(VM 'a' 1000 us every 3000 us (each of its 3 vCPUs there), VM 'b' 20 us every 10000000 us)");
}

/* Eight vCPUs with budgets on one CPU, their periods distinct primes near
 * the longest (the product of the periods needs 187 bits): just under
 * 100% is accepted, just over refused. */
static void test_budgets_coprime_periods(void **state)
{
    (void)state;
    static const uint32_t primes[PCPU_MAX_VCPUS] = { 9999991, 9999973, 9999971, 9999943,
                                                     9999937, 9999931, 9999929, 9999907 };
    for (unsigned i = 0; i < PCPU_MAX_VCPUS; i++) {
        char name[8];
        snprintf(name, sizeof(name), "v%u", i);
        struct vm *vm = tool_add_vm(&sys, name, 3, MiB(64));
        give_budget(vm, primes[i] / PCPU_MAX_VCPUS, primes[i]);   /* 1/8 of each, less a remainder */
    }
    /* The remainders come to less than 7/9999907 of the CPU: 8 us more
     * of any one budget is over. */
    for (unsigned i = 0; i < PCPU_MAX_VCPUS; i++) {
        EXPECT_ACCEPTED(check());
        sys.vms[i].cfg.budget_us += PCPU_MAX_VCPUS;
        EXPECT_REFUSED(check(), "/vms/v7: physical CPU 3: its vCPUs' budgets come to more than 100% of its time");
        sys.vms[i].cfg.budget_us -= PCPU_MAX_VCPUS;
    }
}

/* A CPU's fixed schedule: a window for each VM with a vCPU there and only
 * for those, and no budget beside it. */
static void test_schedule_vms(void **state)
{
    (void)state;
    struct vm *a = tool_add_vm(&sys, "a", 1, MiB(64));
    struct vm *b = tool_add_vm(&sys, "b", 1, MiB(64));
    struct vm *c = tool_add_vm(&sys, "c", 2, MiB(64));
    give_budget(c, 500, 1000);              /* on another CPU: no matter */
    sys.schedules[0] = (struct sched_cpu_config){ .cpu = 1, .frame_us = 10000, .nr_windows = 2,
                                                  .windows = { { 0, 0, 2000 }, { 1, 5000, 4000 } } };
    snprintf(sys.schedule_nodes[0], NODE_PATH_LEN, "/schedule/cpu1");
    sys.nr_schedules = 1;
    EXPECT_ACCEPTED(check());
    give_budget(b, 1000, 10000);
    EXPECT_REFUSED(check(), "/vms/b: budget-us: its vCPU on physical CPU 1 runs in the windows of /schedule/cpu1");
    give_budget(b, 0, 0);
    sys.schedules[0].windows[1].vm = 0;
    EXPECT_REFUSED(check(), "/schedule/cpu1: VM 'b' has a vCPU on physical CPU 1 but no window there");
    sys.schedules[0].windows[1].vm = (uint32_t)(c - sys.vms);
    EXPECT_REFUSED(check(), "/schedule/cpu1: windows: VM 'c' has a window on physical CPU 1, but none of its "
                   "vCPUs is there");
    (void)a;
}

static void test_spi_the_vgic_holds(void **state)
{
    (void)state;
    struct vm *a = tool_add_vm(&sys, "a", 0, MiB(64));
    tool_add_device(a, "/platform/devices/x", 100, RTC_PA, PAGE, VGIC_MAX_SPIS - 1);
    EXPECT_ACCEPTED(check());
    assert_int_equal(a->cfg.nr_spis, VGIC_MAX_SPIS);
    a->cfg.devices[0].irqs[0] = 32 + VGIC_MAX_SPIS;
    EXPECT_REFUSED(check(), "has SPI 96; a VM's virtual GIC holds SPIs 0..95");
}

static void test_spi_reserved(void **state)
{
    (void)state;
    struct vm *a = tool_add_vm(&sys, "a", 0, MiB(64));
    tool_add_device(a, "/platform/devices/x", 100, RTC_PA, PAGE, TEST_UART_SPI);
    EXPECT_REFUSED(check(), "has SPI 1, the hypervisor's console's");
    a->cfg.devices[0].irqs[0] = 32 + DOORBELL_SPI;
    EXPECT_REFUSED(check(), "has SPI 31, the IPC doorbell's");
}

static void test_spi_given_once(void **state)
{
    (void)state;
    struct vm *a = tool_add_vm(&sys, "a", 0, MiB(64));
    tool_add_device(a, "/platform/devices/x", 100, RTC_PA, PAGE, 5);
    tool_add_device(a, "/platform/devices/y", 101, RTC_PA + PAGE, PAGE, 5);
    EXPECT_REFUSED(check(), "/vms/a: device /platform/devices/y (0x9011000+0x1000) has SPI 5, already given to this VM by /platform/devices/x");
    a->cfg.devices[1].irqs[0] = 32 + 6;
    struct vm *b = tool_add_vm(&sys, "b", 1, MiB(64));
    tool_add_device(b, "/platform/devices/z", 102, RTC_PA + 2 * PAGE, PAGE, 6);
    EXPECT_REFUSED(check(), "/vms/b: device /platform/devices/z (0x9012000+0x1000) has SPI 6, already given to VM 'a' by /platform/devices/y");
}

static void test_device_hypervisor_own(void **state)
{
    (void)state;
    struct vm *a = tool_add_vm(&sys, "a", 0, MiB(64));
    tool_add_device(a, "/platform/devices/gic", 100, TEST_GICD_BASE + GICD_SIZE - PAGE, PAGE, -1);
    EXPECT_REFUSED(check(), "is the hypervisor's GIC distributor");
    a->cfg.devices[0].pa = TEST_GICR_BASE + TEST_GICR_SIZE - PAGE;
    EXPECT_REFUSED(check(), "is the hypervisor's GIC redistributors");
    a->cfg.devices[0].pa = TEST_UART_BASE;
    EXPECT_REFUSED(check(), "is the hypervisor's console UART");
    a->cfg.devices[0].pa = TEST_RAM_BASE + MiB(2047);
    EXPECT_REFUSED(check(), "is in the platform's RAM (0x40000000-0xbfffffff)");
    a->cfg.devices[0].pa = TEST_RAM_BASE + MiB(63);
    EXPECT_REFUSED(check(), "overlaps the VM's RAM (IPA 0x40000000-0x43ffffff)");
    a->cfg.devices[0].pa = TEST_RAM_BASE + MiB(2048);           /* just beyond RAM */
    EXPECT_ACCEPTED(check());
}

static void test_device_share_window(void **state)
{
    (void)state;
    struct vm *a = tool_add_vm(&sys, "a", 0, MiB(64));
    struct vm *b = tool_add_vm(&sys, "b", 1, MiB(64));
    tool_add_device(a, "/platform/devices/w", 100, SHARE_WINDOW + SHARE_WINDOW_SIZE - PAGE, PAGE, -1);
    EXPECT_ACCEPTED(check());                      /* no channel: no window */
    tool_connect(&sys, a, b);
    EXPECT_REFUSED(check(), "overlaps the VM's IPC share window (IPA 0x100000000-0x13fffffff)");
}

static void test_device_by_address(void **state)
{
    (void)state;
    struct vm *a = tool_add_vm(&sys, "a", 0, MiB(64));
    struct vm *b = tool_add_vm(&sys, "b", 1, MiB(64));
    tool_add_device(a, "/platform/devices/rtc", 100, RTC_PA, 2 * PAGE, -1);
    tool_add_device(b, "/platform/devices/rtc-alias", 101, RTC_PA + PAGE, PAGE, -1);
    EXPECT_REFUSED(check(), "/vms/b: device /platform/devices/rtc-alias (0x9011000+0x1000) is already given to VM 'a' as /platform/devices/rtc");
    b->devices[0].node = 100;
    snprintf(b->devices[0].path, sizeof(b->devices[0].path), "/platform/devices/rtc");
    b->cfg.devices[0].pa = RTC_PA;
    EXPECT_REFUSED(check(), "/vms/b: device /platform/devices/rtc (0x9010000+0x1000) is already given to VM 'a'");
    b->cfg.nr_devices = 0;
    tool_add_device(a, "/platform/devices/inner", 102, RTC_PA + PAGE, PAGE, -1);
    EXPECT_REFUSED(check(), "overlaps device /platform/devices/rtc of this VM");
    a->cfg.devices[1].pa = RTC_PA + 2 * PAGE;       /* adjacent is fine */
    EXPECT_ACCEPTED(check());
}

/* A frontend's virtio-pci functions: their ECAM and BAR0s are the VM's
 * windows, which its devices must stay clear of. */
static void test_device_virtio_pci(void **state)
{
    (void)state;
    struct vm *a = tool_add_vm(&sys, "a", 0, MiB(64));
    struct vm *b = tool_add_vm(&sys, "b", 1, MiB(64));
    a->its = true;
    tool_connect(&sys, a, b);
    for (unsigned i = 0; i < 2; i++) {
        struct virtio_dev_model *m = &sys.virtio[sys.nr_virtio++];
        snprintf(m->node, sizeof(m->node), "/virtio/d%u", i);
        m->cfg = (struct virtio_config){ .device_id = VIRTIO_ID_BLOCK, .frontend = vm_id_of(&sys, a),
                                         .backend = vm_id_of(&sys, b), .transport = VIRTIO_TRANSPORT_PCI };
    }
    tool_add_device(a, "/platform/devices/x", 100, TEST_PCI_MMIO + VIRTIO_PCI_BAR_SIZE, PAGE, -1);
    EXPECT_REFUSED(check(), "/vms/a: device /platform/devices/x (0x10004000+0x1000) overlaps the VM's virtio-pci "
                   "BARs (IPA 0x10000000-0x10007fff)");
    a->cfg.devices[0].pa = TEST_PCI_MMIO + 2 * VIRTIO_PCI_BAR_SIZE;     /* past the second BAR */
    EXPECT_ACCEPTED(check());
    a->cfg.devices[0].pa = VIRT_VECAM + PCI_ECAM_BUS_SIZE - PAGE;
    EXPECT_REFUSED(check(), "overlaps the VM's virtual ECAM (IPA 0x3f000000-0x3f0fffff)");
    a->cfg.nr_devices = 0;
    tool_add_device(b, "/platform/devices/y", 101, VIRT_VECAM, PAGE, -1);     /* the backend's map is its own */
    EXPECT_ACCEPTED(check());
}

static void test_memory_address(void **state)
{
    (void)state;
    struct vm *a = tool_add_vm(&sys, "a", 0, MiB(64));
    a->cfg.ram_pa = TEST_RAM_BASE + MiB(2048) - MiB(32);
    EXPECT_REFUSED(check(), "/vms/a: memory-address 0xbe000000+0x4000000 runs out of the platform's RAM bank "
                   "0x40000000-0xbfffffff: a VM's RAM is one run in one bank");
    a->cfg.ram_pa = TEST_RAM_BASE + MiB(2048);
    EXPECT_REFUSED(check(), "/vms/a: memory-address 0xc0000000+0x4000000 is outside the platform's RAM");
    a->cfg.ram_pa = TEST_RAM_BASE;
    EXPECT_REFUSED(check(), "/vms/a: memory-address 0x40000000 overlaps the hypervisor");
    a->cfg.ram_pa = TEST_IMAGE_BASE + MiB(2);
    EXPECT_ACCEPTED(check());
    struct hyp_image linked = { TEST_IMAGE_BASE, TEST_IMAGE_BASE + MiB(3), true };
    EXPECT_REFUSED(check_system(&sys, &linked), "overlaps the hypervisor (0x40000000-0x404fffff, as linked)");
    struct vm *b = tool_add_vm(&sys, "b", 1, MiB(64));
    b->cfg.ram_pa = a->cfg.ram_pa + MiB(62);
    EXPECT_REFUSED(check(), "/vms/b: memory 0x44200000+0x4000000 overlaps VM 'a'");
}

static void test_memory_beyond_allocator(void **state)
{
    (void)state;
    tool_sys_init(&sys, HYP_MEM_MAX + MiB(1024));
    struct vm *a = tool_add_vm(&sys, "a", 0, MiB(64));
    a->cfg.ram_pa = TEST_RAM_BASE + HYP_MEM_MAX - MiB(32);
    EXPECT_ACCEPTED(check());                      /* in the bank: layout_boot() refuses it */
    a->cfg.ram_pa = TEST_RAM_BASE + HYP_MEM_MAX + MiB(1024);
    EXPECT_REFUSED(check(), "/vms/a: memory-address 0x180000000+0x4000000 is outside the platform's RAM");
}

/* memory-address in any bank, one run in one bank; the image is in the first. */
static void test_memory_in_banks(void **state)
{
    (void)state;
    tool_sys_init(&sys, MiB(1024));
    tool_sys_add_bank(&sys, UINT64_C(0x800000000), MiB(2048));
    struct vm *a = tool_add_vm(&sys, "a", 0, MiB(64));
    a->cfg.ram_pa = UINT64_C(0x800000000);
    EXPECT_ACCEPTED(check());
    a->cfg.ram_pa = UINT64_C(0x800000000) + MiB(2048) - MiB(32);
    EXPECT_REFUSED(check(), "/vms/a: memory-address 0x87e000000+0x4000000 runs out of the platform's RAM bank "
                   "0x800000000-0x87fffffff: a VM's RAM is one run in one bank");
    a->cfg.ram_pa = TEST_RAM_BASE + MiB(1024) - MiB(32);
    EXPECT_REFUSED(check(), "runs out of the platform's RAM bank 0x40000000-0x7fffffff");
    a->cfg.ram_pa = UINT64_C(0x400000000);
    EXPECT_REFUSED(check(), "/vms/a: memory-address 0x400000000+0x4000000 is outside the platform's RAM");
    /* A device in the second bank is in RAM. */
    a->cfg.ram_pa = 0;
    tool_add_device(a, "/platform/devices/x", 100, UINT64_C(0x810000000), PAGE, -1);
    EXPECT_REFUSED(check(), "is in the platform's RAM (0x800000000-0x87fffffff), which the hypervisor allocates");
}

static void test_memory_reaches_share_window(void **state)
{
    (void)state;
    tool_sys_init(&sys, HYP_MEM_MAX);
    struct vm *a = tool_add_vm(&sys, "a", 0, SHARE_WINDOW - TEST_RAM_BASE);
    struct vm *b = tool_add_vm(&sys, "b", 1, MiB(64));
    tool_connect(&sys, a, b);
    EXPECT_ACCEPTED(check());                      /* up to the window */
    a->cfg.ram_size += MiB(2);
    EXPECT_REFUSED(check(), "/vms/a: memory-size 3074 MiB reaches the VM's IPC share window at IPA 0x100000000");
}

static void test_share_quotas(void **state)
{
    (void)state;
    struct vm *a = tool_add_vm(&sys, "a", 0, MiB(64));
    struct vm *b = tool_add_vm(&sys, "b", 1, MiB(64));
    struct vm *c = tool_add_vm(&sys, "c", 2, MiB(64));
    struct vm *lone = tool_add_vm(&sys, "lone", 3, MiB(64));
    tool_connect(&sys, a, b);
    tool_connect(&sys, b, c);
    EXPECT_ACCEPTED(check());
    assert_int_equal(a->cfg.share_quota, SHARE_SLOTS / 3);
    assert_int_equal(b->cfg.share_quota, SHARE_SLOTS / 3);
    assert_int_equal(c->cfg.share_quota, SHARE_SLOTS / 3);
    assert_int_equal(lone->cfg.share_quota, 0);

    /* An explicit quota first; the rest evenly to the others on a channel. */
    b->quota_given = true;
    b->cfg.share_quota = SHARE_SLOTS - 8;
    EXPECT_ACCEPTED(check());
    assert_int_equal(a->cfg.share_quota, 4);
    assert_int_equal(c->cfg.share_quota, 4);

    b->cfg.share_quota = SHARE_SLOTS;
    EXPECT_REFUSED(check(), "/vms/a: ipc-shares is not given, and the other VMs' quotas leave it none");
    a->quota_given = true;
    a->cfg.share_quota = 1;
    EXPECT_REFUSED(check(), "/vms/b: ipc-shares = 32: the quotas come to 33, more than the share table's 32 slots");

    lone->quota_given = true;
    lone->cfg.share_quota = 0;                     /* zero on no channel says nothing wrong */
    b->cfg.share_quota = 2;
    EXPECT_ACCEPTED(check());
    lone->cfg.share_quota = 1;
    EXPECT_REFUSED(check(), "/vms/lone: ipc-shares = 1, but the VM is on no channel");
}

static void test_image_beyond_ram(void **state)
{
    (void)state;
    tool_sys_init(&sys, MiB(4));
    tool_add_vm(&sys, "a", 0, MiB(2))->kernel.size = MiB(3);
    EXPECT_REFUSED(check(), "/vms/a: memory-size 2 MiB leaves no room beside the device tree's 2 MiB");
    sys.vms[0].cfg.ram_size = MiB(6);
    EXPECT_REFUSED(check(), "/platform: memory ends at 0x403fffff, inside the hypervisor image");
}

/* iommu-streams: with the ECAM only, within bus 0's table, one VM each;
 * a PCIe window only with StreamIDs. */
static void test_iommu_streams(void **state)
{
    (void)state;
    struct vm *a = tool_add_vm(&sys, "a", 0, MiB(64));
    struct vm *b = tool_add_vm(&sys, "b", 1, MiB(64));
    tool_add_device(a, "/platform/devices/pcie@4010000000", 100, TEST_ECAM_BASE, MiB(256), 0);
    a->cfg.devices[0].nr_irqs = 0;
    a->cfg.devices[0].compatible = "pci-host-ecam-generic";
    EXPECT_REFUSED(check(), "/vms/a: device /platform/devices/pcie@4010000000 (0x4010000000+0x10000000) lets "
                            "the VM program PCIe devices, but it owns no StreamIDs");
    a->cfg.stream_first = 0x10;
    a->cfg.nr_streams = 8;
    EXPECT_ACCEPTED(check());
    a->cfg.nr_streams = TEST_PCI_STREAMS - 0x10 + 1;
    EXPECT_REFUSED(check(), "/vms/a: iommu-streams = <0x010 241> reaches StreamID 0x100");
    a->cfg.nr_streams = TEST_PCI_STREAMS - 0x10;
    EXPECT_ACCEPTED(check());
    b->cfg.stream_first = 0xff;
    b->cfg.nr_streams = 1;
    EXPECT_REFUSED(check(), "/vms/b: iommu-streams 0x0ff-0x0ff overlap those of VM 'a' (0x010-0x0ff)");
    b->cfg.stream_first = 0x08;
    EXPECT_REFUSED(check(), "/vms/b: iommu-streams without the PCIe ECAM (&pcie_ecam) in devices");
    b->cfg.nr_streams = 0;
    tool_add_device(b, "/platform/devices/pcie-mmio@10000000", 101, 0x10000000, 0x2eff0000, 0);
    b->cfg.devices[0].nr_irqs = 0;
    b->cfg.devices[0].compatible = "tofu,pcie-mmio-window";
    EXPECT_REFUSED(check(), "/vms/b: device /platform/devices/pcie-mmio@10000000 (0x10000000+0x2eff0000) lets "
                            "the VM program PCIe devices, but it owns no StreamIDs");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_demo_accepted, setup),
        cmocka_unit_test_setup(test_cpus, setup),
        cmocka_unit_test_setup(test_spi_the_vgic_holds, setup),
        cmocka_unit_test_setup(test_spi_reserved, setup),
        cmocka_unit_test_setup(test_spi_given_once, setup),
        cmocka_unit_test_setup(test_device_hypervisor_own, setup),
        cmocka_unit_test_setup(test_device_share_window, setup),
        cmocka_unit_test_setup(test_device_by_address, setup),
        cmocka_unit_test_setup(test_device_virtio_pci, setup),
        cmocka_unit_test_setup(test_memory_address, setup),
        cmocka_unit_test_setup(test_memory_beyond_allocator, setup),
        cmocka_unit_test_setup(test_memory_in_banks, setup),
        cmocka_unit_test_setup(test_memory_reaches_share_window, setup),
        cmocka_unit_test_setup(test_share_quotas, setup),
        cmocka_unit_test_setup(test_budgets_fill_cpu, setup),
        cmocka_unit_test_setup(test_budgets_coprime_periods, setup),
        cmocka_unit_test_setup(test_schedule_vms, setup),
        cmocka_unit_test_setup(test_image_beyond_ram, setup),
        cmocka_unit_test_setup(test_iommu_streams, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
