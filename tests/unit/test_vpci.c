/* SPDX-License-Identifier: MIT */
/*
 * src/vdev/vpci.c, the virtual ECAM, against a fake physical config space
 * (fake/pci.c): what a VM sees of its functions and of everything else.
 * Function A is shaped like QEMU's e1000e (three memory BARs, an I/O BAR,
 * PM, MSI, PCI Express, MSI-X, an extended capability), B like its NVMe (a
 * 64-bit BAR, no capabilities).  The SR-IOV tests add P, shaped like QEMU's
 * igb (a PF with 5 of its 8 VFs enabled by tofu, VFs from 00:16.0 with
 * stride 2, two 64-bit VF BARs of 16 KiB each), and V, its VF 4 (00:17.0).
 */
#include <string.h>
#include "unit.h"
#include "fake.h"
#include "core/vpci.h"
#include "core/mmio.h"
#include "arch/regs.h"

#define RID_A       0x10            /* 00:02.0 */
#define RID_B       0x08            /* 00:01.0 */
#define RID_OTHER   0x18            /* 00:03.0: another VM's */
#define A_BAR0      0x10000000u
#define A_BAR0_SIZE 0x20000u
#define A_BAR3      0x10084000u
#define B_BAR0      UINT64_C(0x10080000)
#define B_BAR0_SIZE 0x4000u
#define CAP_MSIX    0xa0
#define CAP_PM      0xc8
#define CAP_MSI     0xd0
#define CAP_EXP     0xe0
#define STATUS_ERR  0x8000u         /* Detected Parity Error: write-1-to-clear */
#define EXT_AER     0x00010001u

static struct pci_fn fa, fb;
static struct vpci vp;

static void put(uint8_t *cfg, unsigned off, unsigned width, uint32_t v)
{
    for (unsigned i = 0; i < width; i++)
        cfg[off + i] = (uint8_t)(v >> (8 * i));
}

static uint32_t phys(unsigned fn, unsigned off, unsigned width)
{
    uint32_t v = 0;
    for (unsigned i = 0; i < width; i++)
        v |= (uint32_t)fake_pci_cfg[fn][off + i] << (8 * i);
    return v;
}

static uint64_t rd(uint16_t rid, unsigned reg, unsigned width)
{
    return vpci_ops.read(NULL, &vp, (uint64_t)rid << PCI_ECAM_FN_SHIFT | reg, width);
}

static void wr(uint16_t rid, unsigned reg, unsigned width, uint64_t v)
{
    assert_int_equal(vpci_ops.write(NULL, &vp, (uint64_t)rid << PCI_ECAM_FN_SHIFT | reg, width, v), MMIO_OK);
}

static int setup(void **state)
{
    (void)state;
    fake_pci_reset();
    fake_vm_reset();
    memset(&vp, 0, sizeof(vp));
    uint8_t *a = fake_pci_cfg[0], *b = fake_pci_cfg[1];
    put(a, PCI_VENDOR_ID, 4, 0x10d38086);
    put(a, PCI_STATUS, 2, PCI_STATUS_CAP_LIST | STATUS_ERR);
    put(a, PCI_CLASS_REVISION, 4, 0x02000000);
    put(a, PCI_BAR0, 4, A_BAR0);
    put(a, PCI_BAR0 + 4, 4, A_BAR0 + A_BAR0_SIZE);
    put(a, PCI_BAR0 + 8, 4, PCI_BAR_IO);
    put(a, PCI_BAR0 + 12, 4, A_BAR3);
    put(a, PCI_CAPABILITY_LIST, 1, CAP_PM);
    put(a, PCI_INTERRUPT_PIN, 1, 1);
    put(a, CAP_PM, 2, CAP_MSI << 8 | PCI_CAP_ID_PM);
    put(a, CAP_MSI, 4, PCI_MSI_FLAGS_64BIT << 16 | CAP_EXP << 8 | PCI_CAP_ID_MSI);
    put(a, CAP_EXP, 2, CAP_MSIX << 8 | PCI_CAP_ID_EXP);
    put(a, CAP_EXP + PCI_EXP_DEVCAP, 4, PCI_EXP_DEVCAP_FLR);
    put(a, CAP_MSIX, 2, PCI_CAP_ID_MSIX);
    put(a, PCI_CFG_STD_SIZE, 4, EXT_AER);
    put(b, PCI_VENDOR_ID, 4, 0x00101b36);
    put(b, PCI_BAR0, 4, (uint32_t)B_BAR0 | PCI_BAR_MEM_TYPE_64);
    fa = (struct pci_fn){ .rid = RID_A, .pin = 1, .intid = 37, .pm_cap = CAP_PM, .exp_cap = CAP_EXP, .flr = true,
                          .pm_len = CAP_MSI - CAP_PM, .exp_len = PCI_CFG_STD_SIZE - CAP_EXP,
                          .msi_cap = CAP_MSI, .msi_len = PCI_MSI_SIZEOF_64, .msix_cap = CAP_MSIX,
                          .msix_len = PCI_MSIX_SIZEOF };
    fa.bar[0] = (struct pci_bar){ A_BAR0, A_BAR0_SIZE, 0, PCI_BAR_MEM32 };
    fa.bar[1] = (struct pci_bar){ A_BAR0 + A_BAR0_SIZE, A_BAR0_SIZE, 0, PCI_BAR_MEM32 };
    fa.bar[3] = (struct pci_bar){ A_BAR3, 0x4000, 0, PCI_BAR_MEM32 };
    fb = (struct pci_fn){ .rid = RID_B };
    fb.bar[0] = (struct pci_bar){ B_BAR0, B_BAR0_SIZE, PCI_BAR_MEM_TYPE_64, PCI_BAR_MEM64_LO };
    fb.bar[1] = (struct pci_bar){ B_BAR0, B_BAR0_SIZE, 0, PCI_BAR_MEM64_HI };
    fake_pci_fns[0] = &fa;
    fake_pci_fns[1] = &fb;
    assert_int_equal(vpci_add(&vp, &fa, false), E_OK);
    assert_int_equal(vpci_add(&vp, &fb, false), E_OK);
    return 0;
}

/* The same functions given to a VM with a virtual ITS. */
static int setup_its(void **state)
{
    setup(state);
    memset(&vp, 0, sizeof(vp));
    assert_int_equal(vpci_add(&vp, &fa, true), E_OK);
    assert_int_equal(vpci_add(&vp, &fb, true), E_OK);
    return 0;
}

/* Another VM's function, the host bridge, an empty slot: absent. */
static void test_other_functions_read_all_ones(void **state)
{
    (void)state;
    assert_int_equal(rd(RID_OTHER, PCI_VENDOR_ID, 4), PCI_CFG_ALL_ONES);
    assert_int_equal(rd(0, PCI_VENDOR_ID, 2), 0xffff);
    assert_int_equal(rd(RID_OTHER, PCI_HEADER_TYPE, 1), 0xff);
    wr(RID_OTHER, PCI_COMMAND, 2, PCI_COMMAND_MASTER);
    assert_int_equal(fake_pci_writes, 0);
    assert_int_equal(fake_log_count, 1);        /* the write is logged (rate-limited by vm_log) */
    assert_int_equal(rd(RID_A, PCI_VENDOR_ID, 4), 0x10d38086);
    assert_int_equal(rd(RID_A, PCI_DEVICE_ID, 2), 0x10d3);
    assert_int_equal(rd(RID_A, PCI_VENDOR_ID + 1, 1), 0x80);
}

/* Bus 1 and beyond, 8-byte and misaligned accesses: all-ones, nothing written. */
static void test_bad_accesses(void **state)
{
    (void)state;
    uint64_t v = vpci_ops.read(NULL, &vp, UINT64_C(1) << 20 | PCI_VENDOR_ID, 4);
    assert_int_equal(v, PCI_CFG_ALL_ONES);
    assert_int_equal(rd(RID_A, PCI_VENDOR_ID, 8), UINT64_MAX);
    assert_int_equal(rd(RID_A, PCI_VENDOR_ID + 1, 2), 0xffff);
    assert_int_equal(rd(RID_A, PCI_VENDOR_ID + 2, 4), PCI_CFG_ALL_ONES);
    wr(RID_A, PCI_COMMAND + 1, 2, 0xffff);
    wr(RID_A, PCI_COMMAND, 8, UINT64_MAX);
    assert_int_equal(fake_pci_writes, 0);
    for (unsigned reg = 0; reg < PCI_CFG_SIZE; reg++)   /* every byte of both functions: no crash */
        for (unsigned w = 1; w <= 4; w *= 2) {
            (void)rd(RID_A, reg, w);
            (void)rd(RID_B, reg, w);
        }
}

/* Sizing: all-ones in, the size mask out; the BAR itself never moves. */
static void test_bar_sizing_and_no_move(void **state)
{
    (void)state;
    assert_int_equal(rd(RID_A, PCI_BAR0, 4), A_BAR0);
    wr(RID_A, PCI_BAR0, 4, PCI_CFG_ALL_ONES);
    assert_int_equal(rd(RID_A, PCI_BAR0, 4), (uint32_t)~(A_BAR0_SIZE - 1));
    assert_int_equal(rd(RID_A, PCI_BAR0 + 12, 4), A_BAR3);      /* the others are not sized */
    wr(RID_A, PCI_BAR0, 4, A_BAR0);
    assert_int_equal(rd(RID_A, PCI_BAR0, 4), A_BAR0);
    wr(RID_A, PCI_BAR0, 4, 0x20000000);                          /* a move: dropped */
    assert_int_equal(rd(RID_A, PCI_BAR0, 4), A_BAR0);
    assert_int_equal(phys(0, PCI_BAR0, 4), A_BAR0);
    assert_int_equal(fake_pci_writes, 0);
}

static void test_bar_sizing_64bit(void **state)
{
    (void)state;
    assert_int_equal(rd(RID_B, PCI_BAR0, 4), (uint32_t)B_BAR0 | PCI_BAR_MEM_TYPE_64);
    assert_int_equal(rd(RID_B, PCI_BAR0 + 4, 4), 0);
    wr(RID_B, PCI_BAR0, 4, PCI_CFG_ALL_ONES);
    wr(RID_B, PCI_BAR0 + 4, 4, PCI_CFG_ALL_ONES);
    assert_int_equal(rd(RID_B, PCI_BAR0, 4), (uint32_t)~(B_BAR0_SIZE - 1) | PCI_BAR_MEM_TYPE_64);
    assert_int_equal(rd(RID_B, PCI_BAR0 + 4, 4), PCI_CFG_ALL_ONES);
    wr(RID_B, PCI_BAR0, 4, 0);
    wr(RID_B, PCI_BAR0 + 4, 4, 0);
    assert_int_equal(rd(RID_B, PCI_BAR0, 4), (uint32_t)B_BAR0 | PCI_BAR_MEM_TYPE_64);
    /* A 16-bit write of all-ones leaves the rest of the dword: no sizing. */
    wr(RID_B, PCI_BAR0, 2, 0xffff);
    assert_int_equal(rd(RID_B, PCI_BAR0, 4), (uint32_t)B_BAR0 | PCI_BAR_MEM_TYPE_64);
}

/* I/O BARs and the ROM: not implemented, as the guest can tell. */
static void test_io_bar_and_rom_hidden(void **state)
{
    (void)state;
    assert_int_equal(rd(RID_A, PCI_BAR0 + 8, 4), 0);
    wr(RID_A, PCI_BAR0 + 8, 4, PCI_CFG_ALL_ONES);
    assert_int_equal(rd(RID_A, PCI_BAR0 + 8, 4), 0);
    wr(RID_A, PCI_ROM_ADDRESS, 4, PCI_CFG_ALL_ONES);
    assert_int_equal(rd(RID_A, PCI_ROM_ADDRESS, 4), 0);
    assert_int_equal(fake_pci_writes, 0);
}

/* The list: PM, then PCI Express; MSI, MSI-X and extended ones gone. */
static void test_caps_hidden(void **state)
{
    (void)state;
    assert_true(rd(RID_A, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST);
    assert_int_equal(rd(RID_A, PCI_CAPABILITY_LIST, 1), CAP_PM);
    assert_int_equal(rd(RID_A, CAP_PM + PCI_CAP_ID, 1), PCI_CAP_ID_PM);
    assert_int_equal(rd(RID_A, CAP_PM + PCI_CAP_NEXT, 1), CAP_EXP);
    assert_int_equal(rd(RID_A, CAP_EXP + PCI_CAP_ID, 1), PCI_CAP_ID_EXP);
    assert_int_equal(rd(RID_A, CAP_EXP + PCI_CAP_NEXT, 1), 0);
    assert_int_equal(rd(RID_A, CAP_EXP, 4), PCI_CAP_ID_EXP);
    assert_int_equal(rd(RID_A, CAP_EXP + PCI_EXP_DEVCAP, 4), PCI_EXP_DEVCAP_FLR);
    assert_int_equal(rd(RID_A, CAP_MSI, 4), 0);
    assert_int_equal(rd(RID_A, CAP_MSIX, 4), 0);
    assert_int_equal(rd(RID_A, PCI_CFG_STD_SIZE, 4), 0);
    wr(RID_A, CAP_MSI + 2, 2, 1);                                /* MSI enable: dropped */
    wr(RID_A, CAP_MSIX + 2, 2, 0x8000);
    assert_int_equal(fake_pci_writes, 0);
    /* No capability shown: no list. */
    assert_false(rd(RID_B, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST);
    assert_int_equal(rd(RID_B, PCI_CAPABILITY_LIST, 1), 0);
}

/* With an ITS: MSI-X, PM, MSI, PCI Express, in offset order; extended
 * ones still gone.  MSI's control, address and data and MSI-X's control
 * reach the function; IDs, next pointers, the MSI-X Table and PBA offsets,
 * the bytes past MSI's end do not. */
static void test_caps_msi_shown(void **state)
{
    (void)state;
    assert_int_equal(rd(RID_A, PCI_CAPABILITY_LIST, 1), CAP_MSIX);
    assert_int_equal(rd(RID_A, CAP_MSIX + PCI_CAP_ID, 1), PCI_CAP_ID_MSIX);
    assert_int_equal(rd(RID_A, CAP_MSIX + PCI_CAP_NEXT, 1), CAP_PM);
    assert_int_equal(rd(RID_A, CAP_PM + PCI_CAP_NEXT, 1), CAP_MSI);
    assert_int_equal(rd(RID_A, CAP_MSI + PCI_CAP_ID, 1), PCI_CAP_ID_MSI);
    assert_int_equal(rd(RID_A, CAP_MSI + PCI_CAP_NEXT, 1), CAP_EXP);
    assert_int_equal(rd(RID_A, CAP_MSI + PCI_MSI_FLAGS, 2), PCI_MSI_FLAGS_64BIT);
    assert_int_equal(rd(RID_A, CAP_EXP + PCI_CAP_NEXT, 1), 0);
    assert_int_equal(rd(RID_A, PCI_CFG_STD_SIZE, 4), 0);
    wr(RID_A, CAP_MSI, 4, 0xffffu << 16 | 0x1234u);             /* ID and next: kept */
    assert_int_equal(phys(0, CAP_MSI, 2), CAP_EXP << 8 | PCI_CAP_ID_MSI);
    assert_int_equal(phys(0, CAP_MSI + PCI_MSI_FLAGS, 2), 0xffff);
    wr(RID_A, CAP_MSI + PCI_MSI_FLAGS, 2, PCI_MSI_FLAGS_64BIT | PCI_MSI_FLAGS_ENABLE);
    assert_int_equal(phys(0, CAP_MSI + PCI_MSI_FLAGS, 2), PCI_MSI_FLAGS_64BIT | PCI_MSI_FLAGS_ENABLE);
    wr(RID_A, CAP_MSI + PCI_MSI_ADDRESS_LO, 4, 0x08090040);
    wr(RID_A, CAP_MSI + PCI_MSI_ADDRESS_LO + 4, 4, 0);
    wr(RID_A, CAP_MSI + PCI_MSI_ADDRESS_LO + 8, 2, 7);          /* Message Data */
    assert_int_equal(phys(0, CAP_MSI + PCI_MSI_ADDRESS_LO, 4), 0x08090040);
    assert_int_equal(phys(0, CAP_MSI + PCI_MSI_ADDRESS_LO + 8, 2), 7);
    assert_int_equal(rd(RID_A, CAP_MSI + PCI_MSI_ADDRESS_LO, 4), 0x08090040);
    unsigned before = fake_pci_writes;
    wr(RID_A, CAP_MSI + PCI_MSI_SIZEOF_64, 1, 0xff);            /* past its end: not shown */
    wr(RID_A, CAP_MSIX + 4, 4, 0xffffffff);                      /* Table offset: read-only */
    wr(RID_A, CAP_MSIX + 8, 4, 0xffffffff);                      /* PBA offset */
    assert_int_equal(fake_pci_writes, before);
    wr(RID_A, CAP_MSIX + PCI_MSIX_FLAGS, 2, PCI_MSIX_FLAGS_ENABLE);
    assert_int_equal(phys(0, CAP_MSIX + PCI_MSIX_FLAGS, 2), PCI_MSIX_FLAGS_ENABLE);
    assert_int_equal(phys(0, CAP_MSIX, 2), PCI_CAP_ID_MSIX);
    /* B has no capability: still no list. */
    assert_false(rd(RID_B, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST);
}

/* Command: memory, bus master, INTx disable; I/O never.  Status: the guest
 * clears its error bits (write 1 to clear), the rest stays. */
static void test_command_masked(void **state)
{
    (void)state;
    wr(RID_A, PCI_COMMAND, 2, 0xffff);
    assert_int_equal(phys(0, PCI_COMMAND, 2), PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | PCI_COMMAND_INTX_DISABLE);
    assert_int_equal(phys(0, PCI_STATUS, 2), PCI_STATUS_CAP_LIST | STATUS_ERR);
    wr(RID_A, PCI_COMMAND, 4, ((0xffffu & ~STATUS_ERR) << 16) | 0xffffu);   /* Status written, its error bit 0 */
    assert_int_equal(phys(0, PCI_STATUS, 2), PCI_STATUS_CAP_LIST | STATUS_ERR);
    wr(RID_A, PCI_STATUS, 2, STATUS_ERR);                       /* 1: cleared */
    assert_int_equal(phys(0, PCI_STATUS, 2), PCI_STATUS_CAP_LIST);
    wr(RID_A, PCI_COMMAND, 1, PCI_COMMAND_IO | PCI_COMMAND_MEMORY);
    assert_int_equal(phys(0, PCI_COMMAND, 2), PCI_COMMAND_MEMORY | PCI_COMMAND_INTX_DISABLE);
    assert_int_equal(rd(RID_A, PCI_COMMAND, 2), PCI_COMMAND_MEMORY | PCI_COMMAND_INTX_DISABLE);
}

/* A guest's FLR is tofu's: the reset and tofu's BARs; sizing forgotten. */
static void test_flr_intercepted(void **state)
{
    (void)state;
    wr(RID_A, PCI_BAR0, 4, PCI_CFG_ALL_ONES);
    wr(RID_A, CAP_EXP + PCI_EXP_DEVCTL, 2, PCI_EXP_DEVCTL_BCR_FLR);
    assert_int_equal(fake_pci_resets, 1);
    assert_false(phys(0, CAP_EXP + PCI_EXP_DEVCTL, 2) & PCI_EXP_DEVCTL_BCR_FLR);
    assert_int_equal(rd(RID_A, PCI_BAR0, 4), A_BAR0);
    /* Other Device Control bits reach the device; Link Disable does not. */
    wr(RID_A, CAP_EXP + PCI_EXP_DEVCTL, 2, 0x0010);
    assert_int_equal(phys(0, CAP_EXP + PCI_EXP_DEVCTL, 2), 0x0010);
    wr(RID_A, CAP_EXP + PCI_EXP_LNKCTL, 2, PCI_EXP_LNKCTL_LD | PCI_EXP_LNKCTL_RL | 0x3);
    assert_int_equal(phys(0, CAP_EXP + PCI_EXP_LNKCTL, 2), 0x3);
    assert_int_equal(fake_pci_resets, 1);
}

/* PM: D3hot -> D0 may reset the function: tofu's BARs again. */
static void test_pm_d3_to_d0_restores(void **state)
{
    (void)state;
    wr(RID_A, CAP_PM + PCI_PM_CTRL, 2, PCI_PM_STATE_D3HOT);
    assert_int_equal(phys(0, CAP_PM + PCI_PM_CTRL, 2), PCI_PM_STATE_D3HOT);
    assert_int_equal(fake_pci_restores, 0);
    wr(RID_A, CAP_PM + PCI_PM_CTRL, 2, PCI_PM_STATE_D0);
    assert_int_equal(phys(0, CAP_PM + PCI_PM_CTRL, 2), PCI_PM_STATE_D0);
    assert_int_equal(fake_pci_restores, 1);
    wr(RID_A, CAP_PM + PCI_PM_CTRL, 2, PCI_PM_STATE_D0);         /* D0 -> D0: nothing to restore */
    assert_int_equal(fake_pci_restores, 1);
}

/* Interrupt Line: the guest's byte; Pin: the function's, read-only. */
static void test_interrupt_line_and_pin(void **state)
{
    (void)state;
    wr(RID_A, PCI_INTERRUPT_LINE, 2, 0xaa55);
    assert_int_equal(rd(RID_A, PCI_INTERRUPT_LINE, 1), 0x55);
    assert_int_equal(rd(RID_A, PCI_INTERRUPT_PIN, 1), 1);
    vpci_reset(&vp);
    assert_int_equal(rd(RID_A, PCI_INTERRUPT_LINE, 1), 0);
    assert_int_equal(fake_pci_writes, 0);
}

/* ---- SR-IOV ---------------------------------------------------------------- */
#define RID_P       0x30            /* 00:06.0, the PF */
#define RID_VF0     0xb0            /* 00:16.0 */
#define RID_VF4     0xb8            /* 00:17.0 */
#define RID_VF5     0xba            /* 00:17.2: not enabled */
#define P_VF_BAR0   0x10040000u
#define P_VF_BAR3   0x10060000u
#define P_VF_SIZE   0x4000u
#define VF_DID      0x10ca
#define P_CLASS     0x02000001u
#define SRIOV(r)    (PCI_CFG_STD_SIZE + (r))
#define VF_BAR_FLAGS (PCI_BAR_MEM_TYPE_64 | 0x8u)   /* 64-bit, prefetchable */

static struct pci_fn fp, fv;

static void sriov_fn(struct pci_fn *f, uint16_t rid)
{
    *f = (struct pci_fn){ .rid = rid, .vendor = PCI_VENDOR_INTEL, .device = 0x10c9, .class_rev = P_CLASS,
                          .sriov_cap = 0x160, .total_vfs = 8, .nr_vfs = 5, .vf_offset = 0x80, .vf_stride = 2,
                          .vf_device = VF_DID };
    f->vf_bar[0] = (struct pci_bar){ P_VF_BAR0, P_VF_SIZE, VF_BAR_FLAGS, PCI_BAR_MEM64_LO };
    f->vf_bar[1] = (struct pci_bar){ P_VF_BAR0, P_VF_SIZE, 0, PCI_BAR_MEM64_HI };
    f->vf_bar[3] = (struct pci_bar){ P_VF_BAR3, P_VF_SIZE, VF_BAR_FLAGS, PCI_BAR_MEM64_LO };
    f->vf_bar[4] = (struct pci_bar){ P_VF_BAR3, P_VF_SIZE, 0, PCI_BAR_MEM64_HI };
}

/* The PF's VM: P alone (its VFs are other VMs'). */
static int setup_sriov(void **state)
{
    setup(state);
    memset(&vp, 0, sizeof(vp));
    sriov_fn(&fp, RID_P);
    put(fake_pci_cfg[2], PCI_VENDOR_ID, 4, 0x10c98086);
    fake_pci_fns[2] = &fp;
    assert_int_equal(vpci_add(&vp, &fp, true), E_OK);
    return 0;
}

/* Its own SR-IOV capability at 0x100, the only extended one; the physical
 * one (at 0x160) is never read or written. */
static void test_sriov_capability_shown(void **state)
{
    (void)state;
    assert_int_equal(rd(RID_P, SRIOV(0), 4), PCI_EXT_CAP_ID_SRIOV | 1u << PCI_EXT_CAP_VER_SHIFT);
    assert_int_equal(rd(RID_P, SRIOV(PCI_SRIOV_TOTAL_VF), 2), 5);        /* what tofu enabled, not 8 */
    assert_int_equal(rd(RID_P, SRIOV(PCI_SRIOV_INITIAL_VF), 2), 5);
    assert_int_equal(rd(RID_P, SRIOV(PCI_SRIOV_NUM_VF), 2), 0);
    assert_int_equal(rd(RID_P, SRIOV(PCI_SRIOV_CTRL), 2), 0);
    assert_int_equal(rd(RID_P, SRIOV(PCI_SRIOV_VF_OFFSET), 2), 0x80);
    assert_int_equal(rd(RID_P, SRIOV(PCI_SRIOV_VF_STRIDE), 2), 2);
    assert_int_equal(rd(RID_P, SRIOV(PCI_SRIOV_VF_DID), 2), VF_DID);
    assert_int_equal(rd(RID_P, SRIOV(PCI_SRIOV_SUP_PGSIZE), 4), PCI_SRIOV_PGSIZE_4K);
    assert_int_equal(rd(RID_P, SRIOV(PCI_SRIOV_SYS_PGSIZE), 4), PCI_SRIOV_PGSIZE_4K);
    assert_int_equal(rd(RID_P, SRIOV(PCI_SRIOV_FUNC_LINK), 1), RID_P);  /* itself: the devfn of an endpoint */
    fp.rc_end = true;
    assert_int_equal(rd(RID_P, SRIOV(PCI_SRIOV_FUNC_LINK), 1), 0);      /* a function number for an RCiEP */
    assert_int_equal(rd(RID_P, 0x160, 4), 0);
    assert_int_equal(rd(RID_P, SRIOV(PCI_SRIOV_SIZEOF), 4), 0);
    /* The page size is tofu's. */
    wr(RID_P, SRIOV(PCI_SRIOV_SYS_PGSIZE), 4, 0x10);
    assert_int_equal(rd(RID_P, SRIOV(PCI_SRIOV_SYS_PGSIZE), 4), PCI_SRIOV_PGSIZE_4K);
    assert_int_equal(fake_pci_writes, 0);
}

/* A PF whose VFs tofu did not enable (no config names one): no SR-IOV. */
static void test_sriov_hidden_without_vfs(void **state)
{
    (void)state;
    fp.nr_vfs = 0;
    assert_int_equal(rd(RID_P, SRIOV(0), 4), 0);
    assert_int_equal(rd(RID_P, SRIOV(PCI_SRIOV_TOTAL_VF), 2), 0);
    wr(RID_P, SRIOV(PCI_SRIOV_CTRL), 2, PCI_SRIOV_CTRL_VFE);
    assert_int_equal(rd(RID_VF0, PCI_VENDOR_ID, 4), PCI_CFG_ALL_ONES);
    assert_int_equal(fake_pci_writes, 0);
}

/* NumVFs: up to what tofu enabled, only while VF Enable is clear. */
static void test_sriov_numvfs_bounded(void **state)
{
    (void)state;
    wr(RID_P, SRIOV(PCI_SRIOV_NUM_VF), 2, 6);
    assert_int_equal(rd(RID_P, SRIOV(PCI_SRIOV_NUM_VF), 2), 0);
    assert_int_equal(fake_log_count, 1);
    wr(RID_P, SRIOV(PCI_SRIOV_NUM_VF), 2, 5);
    assert_int_equal(rd(RID_P, SRIOV(PCI_SRIOV_NUM_VF), 2), 5);
    wr(RID_P, SRIOV(PCI_SRIOV_CTRL), 2, PCI_SRIOV_CTRL_VFE | PCI_SRIOV_CTRL_MSE | 0x10);
    assert_int_equal(rd(RID_P, SRIOV(PCI_SRIOV_CTRL), 2), PCI_SRIOV_CTRL_VFE | PCI_SRIOV_CTRL_MSE);
    wr(RID_P, SRIOV(PCI_SRIOV_NUM_VF), 2, 2);       /* VF Enable set: refused */
    assert_int_equal(rd(RID_P, SRIOV(PCI_SRIOV_NUM_VF), 2), 5);
    assert_int_equal(fake_log_count, 2);
    assert_int_equal(fake_pci_writes, 0);           /* none reached the device */
}

/* VF BARs: tofu's, sized, never moved. */
static void test_sriov_vf_bars(void **state)
{
    (void)state;
    unsigned bar0 = SRIOV(PCI_SRIOV_BAR), bar3 = SRIOV(PCI_SRIOV_BAR + 3 * PCI_BAR_STRIDE);
    assert_int_equal(rd(RID_P, bar0, 4), P_VF_BAR0 | VF_BAR_FLAGS);
    assert_int_equal(rd(RID_P, bar0 + 4, 4), 0);
    assert_int_equal(rd(RID_P, bar3, 4), P_VF_BAR3 | VF_BAR_FLAGS);
    assert_int_equal(rd(RID_P, SRIOV(PCI_SRIOV_BAR + 2 * PCI_BAR_STRIDE), 4), 0);
    wr(RID_P, bar0, 4, PCI_CFG_ALL_ONES);
    wr(RID_P, bar0 + 4, 4, PCI_CFG_ALL_ONES);
    assert_int_equal(rd(RID_P, bar0, 4), (uint32_t)~(P_VF_SIZE - 1) | VF_BAR_FLAGS);
    assert_int_equal(rd(RID_P, bar0 + 4, 4), PCI_CFG_ALL_ONES);
    wr(RID_P, bar0, 4, 0x20000000);                 /* a move: back to tofu's */
    wr(RID_P, bar0 + 4, 4, 0);
    assert_int_equal(rd(RID_P, bar0, 4), P_VF_BAR0 | VF_BAR_FLAGS);
    assert_int_equal(fake_pci_writes, 0);
}

/* The VFs the PF's guest enabled exist for it, IDs and class only; the
 * others (not enabled by it, or beyond NumVFs) are absent. */
static void test_sriov_enabled_vfs_as_ids(void **state)
{
    (void)state;
    assert_int_equal(rd(RID_VF0, PCI_VENDOR_ID, 4), PCI_CFG_ALL_ONES);  /* VF Enable clear */
    wr(RID_P, SRIOV(PCI_SRIOV_NUM_VF), 2, 5);
    wr(RID_P, SRIOV(PCI_SRIOV_CTRL), 2, PCI_SRIOV_CTRL_VFE | PCI_SRIOV_CTRL_MSE);
    assert_int_equal(rd(RID_VF0, PCI_VENDOR_ID, 4), (uint32_t)VF_DID << 16 | PCI_VENDOR_INTEL);
    assert_int_equal(rd(RID_VF4, PCI_DEVICE_ID, 2), VF_DID);
    assert_int_equal(rd(RID_VF4, PCI_CLASS_REVISION, 4), P_CLASS);
    assert_int_equal(rd(RID_VF4, PCI_HEADER_TYPE, 1), 0);
    assert_int_equal(rd(RID_VF4, PCI_BAR0, 4), 0);
    assert_int_equal(rd(RID_VF4, PCI_STATUS, 2), 0);                   /* no capability list */
    assert_int_equal(rd(RID_VF4, PCI_CAPABILITY_LIST, 1), 0);
    assert_int_equal(rd(RID_VF4, PCI_CFG_STD_SIZE, 4), 0);
    assert_int_equal(rd(RID_VF5, PCI_VENDOR_ID, 4), PCI_CFG_ALL_ONES);  /* beyond NumVFs */
    assert_int_equal(rd(RID_VF0 + 1, PCI_VENDOR_ID, 4), PCI_CFG_ALL_ONES);
    /* Its writes reach nothing, quietly (a PF driver touches its VFs). */
    wr(RID_VF4, PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
    assert_int_equal(fake_pci_writes, 0);
    assert_int_equal(fake_log_count, 0);
    /* VF Enable off: gone again. */
    wr(RID_P, SRIOV(PCI_SRIOV_CTRL), 2, 0);
    assert_int_equal(rd(RID_VF4, PCI_VENDOR_ID, 4), PCI_CFG_ALL_ONES);
}

/* The PF's FLR (tofu's) clears the guest's VF Enable and NumVFs. */
static void test_sriov_flr_clears(void **state)
{
    (void)state;
    fp.exp_cap = CAP_EXP;
    fp.exp_len = PCI_EXP_SIZEOF;
    put(fake_pci_cfg[2], PCI_STATUS, 2, PCI_STATUS_CAP_LIST);
    put(fake_pci_cfg[2], PCI_CAPABILITY_LIST, 1, CAP_EXP);
    put(fake_pci_cfg[2], CAP_EXP, 2, PCI_CAP_ID_EXP);
    wr(RID_P, SRIOV(PCI_SRIOV_NUM_VF), 2, 3);
    wr(RID_P, SRIOV(PCI_SRIOV_CTRL), 2, PCI_SRIOV_CTRL_VFE);
    wr(RID_P, CAP_EXP + PCI_EXP_DEVCTL, 2, PCI_EXP_DEVCTL_BCR_FLR);
    assert_int_equal(fake_pci_resets, 1);
    assert_int_equal(rd(RID_P, SRIOV(PCI_SRIOV_CTRL), 2), 0);
    assert_int_equal(rd(RID_P, SRIOV(PCI_SRIOV_NUM_VF), 2), 0);
    assert_int_equal(rd(RID_VF0, PCI_VENDOR_ID, 4), PCI_CFG_ALL_ONES);
}

/* A VF given to a VM: its IDs from the PF (its own read 0xffff), its BARs
 * tofu's (VF 4's: VF 0's plus 4 VF sizes), no INTx. */
static void test_sriov_vf_given(void **state)
{
    (void)state;
    memset(&vp, 0, sizeof(vp));
    fv = (struct pci_fn){ .rid = RID_VF4, .pf = &fp, .vf_index = 4, .vendor = PCI_VENDOR_INTEL, .device = VF_DID };
    fv.bar[0] = (struct pci_bar){ P_VF_BAR0 + 4 * P_VF_SIZE, P_VF_SIZE, VF_BAR_FLAGS, PCI_BAR_MEM64_LO };
    fv.bar[1] = (struct pci_bar){ P_VF_BAR0 + 4 * P_VF_SIZE, P_VF_SIZE, 0, PCI_BAR_MEM64_HI };
    put(fake_pci_cfg[3], PCI_VENDOR_ID, 4, PCI_CFG_ALL_ONES);
    put(fake_pci_cfg[3], PCI_CLASS_REVISION, 4, P_CLASS);
    fake_pci_fns[3] = &fv;
    assert_int_equal(vpci_add(&vp, &fv, true), E_OK);
    assert_int_equal(rd(RID_VF4, PCI_VENDOR_ID, 4), (uint32_t)VF_DID << 16 | PCI_VENDOR_INTEL);
    assert_int_equal(rd(RID_VF4, PCI_CLASS_REVISION, 4), P_CLASS);
    assert_int_equal(rd(RID_VF4, PCI_BAR0, 4), (P_VF_BAR0 + 4 * P_VF_SIZE) | VF_BAR_FLAGS);
    assert_int_equal(rd(RID_VF4, PCI_INTERRUPT_PIN, 1), 0);
    assert_int_equal(rd(RID_VF4, PCI_CFG_STD_SIZE, 4), 0);    /* no SR-IOV of its own */
    assert_int_equal(rd(RID_P, PCI_VENDOR_ID, 4), PCI_CFG_ALL_ONES);     /* the PF is another VM's */
    assert_int_equal(rd(RID_VF0, PCI_VENDOR_ID, 4), PCI_CFG_ALL_ONES);   /* so is VF 0 */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_other_functions_read_all_ones, setup),
        cmocka_unit_test_setup(test_bad_accesses, setup),
        cmocka_unit_test_setup(test_bar_sizing_and_no_move, setup),
        cmocka_unit_test_setup(test_bar_sizing_64bit, setup),
        cmocka_unit_test_setup(test_io_bar_and_rom_hidden, setup),
        cmocka_unit_test_setup(test_caps_hidden, setup),
        cmocka_unit_test_setup(test_caps_msi_shown, setup_its),
        cmocka_unit_test_setup(test_command_masked, setup),
        cmocka_unit_test_setup(test_flr_intercepted, setup),
        cmocka_unit_test_setup(test_pm_d3_to_d0_restores, setup),
        cmocka_unit_test_setup(test_interrupt_line_and_pin, setup),
        cmocka_unit_test_setup(test_sriov_capability_shown, setup_sriov),
        cmocka_unit_test_setup(test_sriov_hidden_without_vfs, setup_sriov),
        cmocka_unit_test_setup(test_sriov_numvfs_bounded, setup_sriov),
        cmocka_unit_test_setup(test_sriov_vf_bars, setup_sriov),
        cmocka_unit_test_setup(test_sriov_enabled_vfs_as_ids, setup_sriov),
        cmocka_unit_test_setup(test_sriov_flr_clears, setup_sriov),
        cmocka_unit_test_setup(test_sriov_vf_given, setup_sriov),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
