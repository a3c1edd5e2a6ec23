/* SPDX-License-Identifier: MIT */
/* src/core/virtio_pci.c: a virtio device's PCI transport (config space,
 * BAR0, MSI-X) over the same virtio_regs as virtio-mmio. */
#include <string.h>
#include "unit.h"
#include "core/virtio_pci.h"
#include "arch/regs.h"

#define FEATURES (VIRTIO_FEATURE_BIT(VIRTIO_F_VERSION_1) | VIRTIO_FEATURE_BIT(VIRTIO_BLK_F_FLUSH))
#define BAR      UINT64_C(0x10004000)
#define ITS_DOORBELL UINT64_C(0x08090040)

static struct virtio_regs r;
static struct virtio_pci p;
static uint8_t msg[VIRTIO_MSG_MAX_BYTES];

static int setup(void **state)
{
    (void)state;
    struct tofu_virtio_reg reg = { .features = FEATURES, .nr_queues = 1, .config_len = 8 };
    reg.queue_max[0] = 128;
    reg.config[0] = 0x40;               /* capacity 64 sectors */
    virtio_regs_init(&r, VIRTIO_ID_BLOCK, &reg);
    assert_int_equal(virtio_regs_attach(&r), 0);
    virtio_pci_init(&p, BAR);
    return 0;
}

static uint32_t cfg(uint32_t off, unsigned w) { return virtio_pci_cfg_read(&p, &r, off, w); }

static uint64_t bar_rd(uint64_t off, unsigned w)
{
    uint64_t v = 0xdead;
    assert_int_equal(virtio_pci_bar_read(&p, &r, off, w, &v) & VIRTIO_ACT_BAD, 0);
    return v;
}

static unsigned bar_wr(uint64_t off, unsigned w, uint64_t v) { return virtio_pci_bar_write(&p, &r, off, w, v); }

/* The message kinds pending, in order. */
static unsigned drain(uint8_t *ids, unsigned max)
{
    unsigned n = 0, len;
    while (n < max && (len = virtio_regs_msg(&r, 0, msg, false))) {
        struct virtio_msg_hdr h;
        memcpy(&h, msg, sizeof(h));
        ids[n++] = h.msg_id;
    }
    return n;
}

/* Walk the capability list as Linux's virtio_pci_find_capability does. */
static uint32_t find_vcap(uint8_t type)
{
    uint32_t at = cfg(PCI_CAPABILITY_LIST, 1);
    for (unsigned n = 0; at && n < PCI_CAP_MAX_WALK; n++, at = cfg(at + PCI_CAP_NEXT, 1))
        if (cfg(at, 1) == VIRTIO_PCI_CAP_VNDR && cfg(at + VIRTIO_PCI_CAP_CFG_TYPE, 1) == type)
            return at;
    return 0;
}

static void test_identity_and_caps(void **state)
{
    (void)state;
    assert_int_equal(cfg(PCI_VENDOR_ID, 2), VIRTIO_PCI_VENDOR);
    assert_int_equal(cfg(PCI_DEVICE_ID, 2), 0x1042);                 /* 0x1040 + block */
    assert_int_equal(cfg(PCI_CLASS_REVISION, 1), 1);
    assert_int_equal(cfg(PCI_CLASS_REVISION, 4) >> 8, VIRTIO_PCI_CLASS_BLOCK);
    assert_int_equal(cfg(PCI_HEADER_TYPE, 1), 0);
    assert_true(cfg(PCI_STATUS, 2) & PCI_STATUS_CAP_LIST);
    assert_int_equal(cfg(PCI_INTERRUPT_PIN, 1), 0);                  /* no INTx */
    assert_int_equal(cfg(PCI_SUBSYSTEM_VENDOR_ID + 2, 2), VIRTIO_ID_BLOCK);
    /* Each structure where the capability says, in BAR 0. */
    static const struct { uint8_t type; uint32_t at, len; } want[] = {
        { VIRTIO_PCI_CAP_COMMON_CFG, VIRTIO_PCI_COMMON_AT, VIRTIO_PCI_COMMON_BYTES },
        { VIRTIO_PCI_CAP_NOTIFY_CFG, VIRTIO_PCI_NOTIFY_AT, VIRTIO_PCI_NOTIFY_BYTES },
        { VIRTIO_PCI_CAP_ISR_CFG, VIRTIO_PCI_ISR_AT, VIRTIO_PCI_ISR_BYTES },
        { VIRTIO_PCI_CAP_DEVICE_CFG, VIRTIO_PCI_DEVICE_AT, 8 },
    };
    for (unsigned i = 0; i < 4; i++) {
        uint32_t c = find_vcap(want[i].type);
        assert_true(c >= PCI_CFG_HDR_SIZE);
        assert_int_equal(cfg(c + VIRTIO_PCI_CAP_BAR, 1), 0);
        assert_int_equal(cfg(c + VIRTIO_PCI_CAP_OFFSET, 4), want[i].at);
        assert_int_equal(cfg(c + VIRTIO_PCI_CAP_LENGTH, 4), want[i].len);
    }
    assert_int_equal(cfg(find_vcap(VIRTIO_PCI_CAP_NOTIFY_CFG) + VIRTIO_PCI_CAP_MULTIPLIER, 4), 0);
    /* MSI-X: 2 vectors, table and PBA in BAR 0, off. */
    uint32_t m = cfg(PCI_CAPABILITY_LIST, 1);
    assert_int_equal(cfg(m, 1), PCI_CAP_ID_MSIX);
    assert_int_equal(cfg(m + PCI_MSIX_FLAGS, 2), VIRTIO_PCI_VECTORS - 1);
    assert_int_equal(cfg(m + 4, 4), VIRTIO_PCI_MSIX_TABLE_AT);
    assert_int_equal(cfg(m + 8, 4), VIRTIO_PCI_MSIX_PBA_AT);
    /* No extended capabilities; misaligned or odd widths read all-ones. */
    assert_int_equal(cfg(PCI_CFG_STD_SIZE, 4), 0);
    assert_int_equal(cfg(1, 2), PCI_CFG_ALL_ONES);
    assert_int_equal(cfg(0, 3), PCI_CFG_ALL_ONES);
}

static void test_bar_sizing_never_moves(void **state)
{
    (void)state;
    assert_int_equal(cfg(PCI_BAR0, 4), (uint32_t)BAR | PCI_BAR_MEM_TYPE_64);
    assert_int_equal(cfg(PCI_BAR0 + 4, 4), 0);
    virtio_pci_cfg_write(&p, PCI_BAR0, 4, UINT32_MAX);
    virtio_pci_cfg_write(&p, PCI_BAR0 + 4, 4, UINT32_MAX);
    assert_int_equal(cfg(PCI_BAR0, 4), (uint32_t)~(VIRTIO_PCI_BAR_SIZE - 1) | PCI_BAR_MEM_TYPE_64);
    assert_int_equal(cfg(PCI_BAR0 + 4, 4), UINT32_MAX);
    virtio_pci_cfg_write(&p, PCI_BAR0, 4, 0x20000000);     /* an attempt to move it */
    virtio_pci_cfg_write(&p, PCI_BAR0 + 4, 4, 0);
    assert_int_equal(cfg(PCI_BAR0, 4), (uint32_t)BAR | PCI_BAR_MEM_TYPE_64);
    for (unsigned b = 2; b < PCI_NR_BARS; b++) {
        virtio_pci_cfg_write(&p, PCI_BAR0 + b * 4, 4, UINT32_MAX);
        assert_int_equal(cfg(PCI_BAR0 + b * 4, 4), 0);      /* absent */
    }
    /* Command: Memory and Bus Master the driver's, I/O never. */
    virtio_pci_cfg_write(&p, PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | PCI_COMMAND_IO);
    assert_int_equal(cfg(PCI_COMMAND, 2), PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
    /* The IDs are read-only. */
    virtio_pci_cfg_write(&p, PCI_VENDOR_ID, 4, 0);
    assert_int_equal(cfg(PCI_VENDOR_ID, 2), VIRTIO_PCI_VENDOR);
}

/* Linux's virtio_pci_modern bring-up of a block device, through BAR 0's
 * common configuration: the backend hears the same messages as through
 * virtio-mmio. */
static void bring_up(void)
{
    uint8_t ids[16];
    bar_wr(VIRTIO_PCI_STATUS, 1, VIRTIO_STATUS_ACKNOWLEDGE);
    bar_wr(VIRTIO_PCI_STATUS, 1, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    bar_wr(VIRTIO_PCI_DFSELECT, 4, 1);
    assert_int_equal(bar_rd(VIRTIO_PCI_DF, 4), FEATURES >> 32);
    bar_wr(VIRTIO_PCI_DFSELECT, 4, 0);
    assert_int_equal(bar_rd(VIRTIO_PCI_DF, 4), (uint32_t)FEATURES);
    bar_wr(VIRTIO_PCI_GFSELECT, 4, 0);
    bar_wr(VIRTIO_PCI_GF, 4, (uint32_t)FEATURES);
    bar_wr(VIRTIO_PCI_GFSELECT, 4, 1);
    bar_wr(VIRTIO_PCI_GF, 4, FEATURES >> 32);
    assert_int_equal(bar_rd(VIRTIO_PCI_GF, 4), FEATURES >> 32);
    bar_wr(VIRTIO_PCI_STATUS, 1, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
    assert_true(bar_rd(VIRTIO_PCI_STATUS, 1) & VIRTIO_STATUS_FEATURES_OK);
    assert_int_equal(bar_rd(VIRTIO_PCI_NUM_QUEUES, 2), 1);
    bar_wr(VIRTIO_PCI_MSIX_CONFIG, 2, 0);
    assert_int_equal(bar_rd(VIRTIO_PCI_MSIX_CONFIG, 2), 0);
    bar_wr(VIRTIO_PCI_Q_SELECT, 2, 0);
    assert_int_equal(bar_rd(VIRTIO_PCI_Q_SIZE, 2), 128);    /* the maximum until set */
    bar_wr(VIRTIO_PCI_Q_SIZE, 2, 64);
    assert_int_equal(bar_rd(VIRTIO_PCI_Q_SIZE, 2), 64);
    bar_wr(VIRTIO_PCI_Q_DESCLO, 4, 0x41000000);
    bar_wr(VIRTIO_PCI_Q_DESCHI, 4, 0);
    bar_wr(VIRTIO_PCI_Q_AVAILLO, 4, 0x41001000);
    bar_wr(VIRTIO_PCI_Q_AVAILHI, 4, 0);
    bar_wr(VIRTIO_PCI_Q_USEDLO, 4, 0x41002000);
    bar_wr(VIRTIO_PCI_Q_USEDHI, 4, 0);
    bar_wr(VIRTIO_PCI_Q_MSIX, 2, 1);
    assert_int_equal(bar_rd(VIRTIO_PCI_Q_MSIX, 2), 1);
    assert_int_equal(bar_rd(VIRTIO_PCI_Q_NOFF, 2), 0);
    bar_wr(VIRTIO_PCI_Q_ENABLE, 2, 1);
    assert_int_equal(bar_rd(VIRTIO_PCI_Q_ENABLE, 2), 1);
    assert_int_equal(bar_rd(VIRTIO_PCI_Q_AVAILLO, 4), 0x41001000);
    bar_wr(VIRTIO_PCI_STATUS, 1, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK |
                                 VIRTIO_STATUS_DRIVER_OK);
    unsigned n = drain(ids, 16);
    assert_true(n >= 3);
    assert_int_equal(ids[0], VIRTIO_MSG_SET_DRV_FEATURES);
    assert_int_equal(ids[1], VIRTIO_MSG_SET_VQUEUE);
    assert_int_equal(ids[n - 1], VIRTIO_MSG_SET_DEVICE_STATUS);
}

static void test_bring_up_and_notify(void **state)
{
    (void)state;
    uint8_t ids[4];
    bring_up();
    /* The notification: its page, the queue's index, an EVENT_AVAIL. */
    assert_int_equal(bar_wr(VIRTIO_PCI_NOTIFY_AT, 2, 0), VIRTIO_ACT_EVENT);
    assert_int_equal(drain(ids, 4), 1);
    assert_int_equal(ids[0], VIRTIO_MSG_EVENT_AVAIL);
    assert_true(bar_wr(VIRTIO_PCI_NOTIFY_AT, 2, 3) & VIRTIO_ACT_BAD);       /* no queue 3 */
    /* Device config through BAR 0. */
    assert_int_equal(bar_rd(VIRTIO_PCI_DEVICE_AT, 4), 0x40);
    assert_int_equal(bar_rd(VIRTIO_PCI_CFG_GENERATION, 1), 0);
    /* Read-only and absent registers. */
    assert_true(bar_wr(VIRTIO_PCI_DF, 4, 0) & VIRTIO_ACT_BAD);
    assert_true(bar_wr(VIRTIO_PCI_NUM_QUEUES, 2, 9) & VIRTIO_ACT_BAD);
    assert_true(bar_wr(VIRTIO_PCI_Q_ENABLE, 2, 0) & VIRTIO_ACT_BAD);
    assert_true(bar_wr(0x3f00, 4, 0) & VIRTIO_ACT_BAD);
}

static void test_queue_enable_without_size_takes_max(void **state)
{
    (void)state;
    bar_wr(VIRTIO_PCI_Q_SELECT, 2, 0);
    bar_wr(VIRTIO_PCI_Q_ENABLE, 2, 1);
    assert_true(r.vq[0].ready);
    assert_int_equal(r.vq[0].num, 128);
    assert_int_equal(bar_rd(VIRTIO_PCI_Q_SIZE, 2), 128);
}

static void msix_entry(unsigned n, uint64_t addr, uint32_t data, bool masked)
{
    uint64_t e = VIRTIO_PCI_MSIX_TABLE_AT + n * VIRTIO_PCI_MSIX_ENTRY_BYTES;
    bar_wr(e, 4, (uint32_t)addr);
    bar_wr(e + 4, 4, addr >> 32);
    bar_wr(e + 8, 4, data);
    bar_wr(e + 12, 4, masked);
}

static void test_msix(void **state)
{
    (void)state;
    uint32_t m = cfg(PCI_CAPABILITY_LIST, 1);
    bring_up();                                             /* queue 0 on vector 1, config on 0 */
    assert_int_equal(bar_rd(VIRTIO_PCI_MSIX_TABLE_AT + 12, 4), VIRTIO_PCI_MSIX_ENTRY_MASKED);   /* masked at reset */
    msix_entry(0, ITS_DOORBELL, 40, false);
    msix_entry(1, ITS_DOORBELL, 41, false);
    /* MSI-X off: nothing raised. */
    assert_int_equal(virtio_pci_raise(&p, &r, VIRTIO_MMIO_INT_VRING), 0);
    virtio_pci_cfg_write(&p, m + PCI_MSIX_FLAGS, 2, PCI_MSIX_FLAGS_ENABLE);
    assert_int_equal(cfg(m + PCI_MSIX_FLAGS, 2), PCI_MSIX_FLAGS_ENABLE | (VIRTIO_PCI_VECTORS - 1));
    assert_int_equal(virtio_pci_raise(&p, &r, VIRTIO_MMIO_INT_VRING), 1u << 1);
    assert_int_equal(virtio_pci_raise(&p, &r, VIRTIO_MMIO_INT_CONFIG), 1u << 0);
    uint64_t addr;
    uint32_t data;
    virtio_pci_message(&p, 1, &addr, &data);
    assert_int_equal(addr, ITS_DOORBELL);
    assert_int_equal(data, 41);
    /* Masked: pending in the PBA, sent at the unmask. */
    bar_wr(VIRTIO_PCI_MSIX_TABLE_AT + VIRTIO_PCI_MSIX_ENTRY_BYTES + 12, 4, VIRTIO_PCI_MSIX_ENTRY_MASKED);
    assert_int_equal(virtio_pci_raise(&p, &r, VIRTIO_MMIO_INT_VRING), 0);
    assert_int_equal(bar_rd(VIRTIO_PCI_MSIX_PBA_AT, 4), 1u << 1);
    assert_true(bar_wr(VIRTIO_PCI_MSIX_PBA_AT, 4, 0) & VIRTIO_ACT_BAD);   /* read-only */
    assert_int_equal(bar_wr(VIRTIO_PCI_MSIX_TABLE_AT + VIRTIO_PCI_MSIX_ENTRY_BYTES + 12, 4, 0), VIRTIO_ACT_MSI);
    assert_int_equal(p.todo, 1u << 1);
    assert_int_equal(bar_rd(VIRTIO_PCI_MSIX_PBA_AT, 4), 0);
    /* The function mask holds them all. */
    p.todo = 0;
    virtio_pci_cfg_write(&p, m + PCI_MSIX_FLAGS, 2, PCI_MSIX_FLAGS_ENABLE | VIRTIO_PCI_MSIX_FLAGS_MASKALL);
    assert_int_equal(virtio_pci_raise(&p, &r, VIRTIO_MMIO_INT_VRING | VIRTIO_MMIO_INT_CONFIG), 0);
    assert_int_equal(bar_rd(VIRTIO_PCI_MSIX_PBA_AT, 4), 3);
    /* A vector beyond the table reads back NO_VECTOR and raises nothing. */
    virtio_pci_cfg_write(&p, m + PCI_MSIX_FLAGS, 2, PCI_MSIX_FLAGS_ENABLE);
    bar_wr(VIRTIO_PCI_Q_MSIX, 2, 7);
    assert_int_equal(bar_rd(VIRTIO_PCI_Q_MSIX, 2), VIRTIO_PCI_NO_VECTOR);
    assert_int_equal(virtio_pci_raise(&p, &r, VIRTIO_MMIO_INT_VRING), 0);
}

static void test_isr_and_reset(void **state)
{
    (void)state;
    bring_up();
    r.int_status = VIRTIO_MMIO_INT_VRING;
    assert_int_equal(bar_rd(VIRTIO_PCI_ISR_AT, 1), VIRTIO_MMIO_INT_VRING);
    assert_int_equal(bar_rd(VIRTIO_PCI_ISR_AT, 1), 0);       /* read clears */
    /* A device reset: the backend must acknowledge; the vectors unassigned. */
    unsigned act = bar_wr(VIRTIO_PCI_STATUS, 1, 0);
    assert_true(act & VIRTIO_ACT_RESET);
    assert_int_equal(bar_rd(VIRTIO_PCI_STATUS, 1), 0);
    assert_int_equal(bar_rd(VIRTIO_PCI_MSIX_CONFIG, 2), VIRTIO_PCI_NO_VECTOR);
    bar_wr(VIRTIO_PCI_Q_SELECT, 2, 0);
    assert_int_equal(bar_rd(VIRTIO_PCI_Q_MSIX, 2), VIRTIO_PCI_NO_VECTOR);
    assert_int_equal(bar_rd(VIRTIO_PCI_Q_ENABLE, 2), 0);
}

/* Any access sequence: no crash, the state stays in range. */
static void test_random_accesses(void **state)
{
    (void)state;
    uint64_t x = 0x9e3779b97f4a7c15ull;
    static const unsigned widths[] = { 1, 2, 3, 4, 8 };
    for (unsigned i = 0; i < 200000; i++) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        uint64_t off = (x >> 8) % (VIRTIO_PCI_BAR_SIZE + 64);
        unsigned w = widths[(x >> 40) % 5];
        uint64_t v = x >> (x & 31), val;
        if (x & 1)
            virtio_pci_bar_write(&p, &r, off, w, v);
        else
            virtio_pci_bar_read(&p, &r, off, w, &val);
        if (!(x & 0xf0))
            virtio_pci_cfg_write(&p, (uint32_t)(off % PCI_CFG_SIZE), w, (uint32_t)v);
        (void)virtio_pci_raise(&p, &r, (uint32_t)x & VIRTIO_MMIO_INT_MASK);
        assert_true(p.config_vector < VIRTIO_PCI_VECTORS || p.config_vector == VIRTIO_PCI_NO_VECTOR);
        assert_true(p.queue_vector[0] < VIRTIO_PCI_VECTORS || p.queue_vector[0] == VIRTIO_PCI_NO_VECTOR);
        assert_true(p.pba < (1u << VIRTIO_PCI_VECTORS));
        assert_true(r.queue_sel >= r.nr_queues || r.vq[r.queue_sel].num <= TOFU_VIRTIO_QUEUE_MAX ||
                    !r.vq[r.queue_sel].ready);
        p.todo = 0;
        while (virtio_regs_msg(&r, 0, msg, false))
            ;
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_identity_and_caps, setup),
        cmocka_unit_test_setup(test_bar_sizing_never_moves, setup),
        cmocka_unit_test_setup(test_bring_up_and_notify, setup),
        cmocka_unit_test_setup(test_queue_enable_without_size_takes_max, setup),
        cmocka_unit_test_setup(test_msix, setup),
        cmocka_unit_test_setup(test_isr_and_reset, setup),
        cmocka_unit_test_setup(test_random_accesses, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
