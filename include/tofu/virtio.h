/* SPDX-License-Identifier: MIT */
/*
 * virtio as tofu serves it (docs/virtio.md): the virtio-mmio (version 2)
 * register window tofu emulates for a frontend, the split-virtqueue layout a
 * backend walks, virtio-blk's requests, and the messages and structures of
 * tofu's virtio calls (tofu/abi.h).  Every offset, bit and size by name.
 * Shared by the hypervisor, the bare-metal backend library and the tests.
 * References: the virtio 1.2 specification (4.2.2 MMIO registers, 2.7 split
 * virtqueues, 5.2 block device) and the virtio-msg proposal (message IDs).
 */
#ifndef TOFU_VIRTIO_H
#define TOFU_VIRTIO_H
#ifndef __KERNEL__
#include <stdint.h>
#endif

/* ---- virtio-mmio register window (virtio 1.2, 4.2.2) ---------------------- */
#define VIRTIO_MMIO_WINDOW_SIZE        0x200u
/* tofu gives each window a 4 KiB page of its own (the windows are that far
 * apart): the frontend reads the registers from that page, which tofu keeps
 * current and maps read-only (src/core/virtio.c); its writes trap. */
#define VIRTIO_MMIO_PAGE_BYTES         0x1000u

/* The transports of a device served by a backend (docs/virtio.md): a
 * virtio-mmio window with an SPI, or a virtio-pci function (virtio 1.2,
 * 4.1) on the frontend's virtual ECAM, its interrupts MSI-X through the
 * frontend's virtual ITS.  A PCI function's one BAR (BAR0, 64-bit memory)
 * holds, a page each: the common, ISR and device configuration; the
 * notifications; the MSI-X table and PBA. */
#define VIRTIO_TRANSPORT_MMIO          0u
#define VIRTIO_TRANSPORT_PCI           1u
#define VIRTIO_PCI_BAR_SIZE            0x4000u
/* The function's configuration space (virtio 1.2, 4.1.2 and 4.1.4). */
#define VIRTIO_PCI_VENDOR              0x1af4u  /* Red Hat, Inc.: virtio's */
#define VIRTIO_PCI_DEVICE_BASE         0x1040u  /* a modern device: 0x1040 + its virtio device ID */
#define VIRTIO_PCI_REVISION            1u       /* a modern-only device (4.1.2.1) */
#define VIRTIO_PCI_CLASS_BLOCK         0x010000u  /* class code (base, sub, interface): mass storage, SCSI */
#define VIRTIO_PCI_CLASS_NET           0x020000u  /* network, Ethernet */
#define VIRTIO_PCI_CLASS_OTHER         0x078000u  /* simple communication, other (the console) */
#define VIRTIO_PCI_CAP_VNDR            0x09u    /* a vendor-specific capability: virtio's structures */
#define VIRTIO_PCI_CAP_BYTES           16u      /* struct virtio_pci_cap */
#define VIRTIO_PCI_NOTIFY_CAP_BYTES    20u      /* ... with notify_off_multiplier */
#define VIRTIO_PCI_CAP_CFG_TYPE        3u       /* its bytes: cfg_type, bar, id, padding, */
#define VIRTIO_PCI_CAP_BAR             4u
#define VIRTIO_PCI_CAP_OFFSET          8u       /* offset (32 bits), */
#define VIRTIO_PCI_CAP_LENGTH          12u      /* length (32 bits) */
#define VIRTIO_PCI_CAP_MULTIPLIER      16u      /* notify_off_multiplier (32 bits) */
#define VIRTIO_PCI_CAP_COMMON_CFG      1u       /* cfg_type */
#define VIRTIO_PCI_CAP_NOTIFY_CFG      2u
#define VIRTIO_PCI_CAP_ISR_CFG         3u
#define VIRTIO_PCI_CAP_DEVICE_CFG      4u
/* tofu's layout: the MSI-X capability, then one virtio capability for each
 * structure, in BAR0 as below. */
#define VIRTIO_PCI_CAP_MSIX_AT         0x40u
#define VIRTIO_PCI_CAP_COMMON_AT       0x4cu
#define VIRTIO_PCI_CAP_NOTIFY_AT       0x5cu
#define VIRTIO_PCI_CAP_ISR_AT          0x70u
#define VIRTIO_PCI_CAP_DEVICE_AT       0x80u
#define VIRTIO_PCI_COMMON_AT           0x0000u  /* in BAR0: the common configuration, */
#define VIRTIO_PCI_COMMON_BYTES        0x40u
#define VIRTIO_PCI_ISR_AT              0x0800u  /* ISR status (read clears it), */
#define VIRTIO_PCI_ISR_BYTES           4u
#define VIRTIO_PCI_DEVICE_AT           0x0c00u  /* the device configuration, */
#define VIRTIO_PCI_NOTIFY_AT           0x1000u  /* the notifications: a page of its own, every queue at its start, */
#define VIRTIO_PCI_NOTIFY_BYTES        0x1000u
#define VIRTIO_PCI_MSIX_TABLE_AT       0x2000u  /* the MSI-X table, */
#define VIRTIO_PCI_MSIX_PBA_AT         0x3000u  /* and its Pending Bit Array */
/* Two vectors: Linux's driver then gives a device of one queue (the
 * block device) a vector for it and one for configuration changes, and a
 * device of more queues one for all its queues and one for the config. */
#define VIRTIO_PCI_VECTORS             2u
#define VIRTIO_PCI_NO_VECTOR           0xffffu
#define VIRTIO_PCI_MSIX_ENTRY_BYTES    16u      /* address low, high, data, vector control */
#define VIRTIO_PCI_MSIX_ENTRY_MASKED   0x1u     /* of vector control */
#define VIRTIO_PCI_MSIX_FLAGS_MASKALL  0x4000u  /* of MSI-X Message Control: Function Mask */
/* The common configuration (4.1.4.3), by offset. */
#define VIRTIO_PCI_DFSELECT            0x00u    /* device_feature_select, 32 bits */
#define VIRTIO_PCI_DF                  0x04u    /* device_feature (R) */
#define VIRTIO_PCI_GFSELECT            0x08u    /* driver_feature_select */
#define VIRTIO_PCI_GF                  0x0cu    /* driver_feature */
#define VIRTIO_PCI_MSIX_CONFIG         0x10u    /* config_msix_vector, 16 bits */
#define VIRTIO_PCI_NUM_QUEUES          0x12u    /* num_queues (R), 16 bits */
#define VIRTIO_PCI_STATUS              0x14u    /* device_status, 8 bits */
#define VIRTIO_PCI_CFG_GENERATION      0x15u    /* config_generation (R), 8 bits */
#define VIRTIO_PCI_Q_SELECT            0x16u    /* queue_select, 16 bits */
#define VIRTIO_PCI_Q_SIZE              0x18u    /* queue_size, 16 bits */
#define VIRTIO_PCI_Q_MSIX              0x1au    /* queue_msix_vector, 16 bits */
#define VIRTIO_PCI_Q_ENABLE            0x1cu    /* queue_enable, 16 bits */
#define VIRTIO_PCI_Q_NOFF              0x1eu    /* queue_notify_off (R), 16 bits */
#define VIRTIO_PCI_Q_DESCLO            0x20u    /* queue_desc, 64 bits as two 32-bit halves */
#define VIRTIO_PCI_Q_DESCHI            0x24u
#define VIRTIO_PCI_Q_AVAILLO           0x28u    /* queue_driver */
#define VIRTIO_PCI_Q_AVAILHI           0x2cu
#define VIRTIO_PCI_Q_USEDLO            0x30u    /* queue_device */
#define VIRTIO_PCI_Q_USEDHI            0x34u
#define VIRTIO_MMIO_MAGIC_VALUE        0x000u   /* R: "virt" */
#define VIRTIO_MMIO_VERSION            0x004u   /* R: 2 */
#define VIRTIO_MMIO_DEVICE_ID          0x008u   /* R */
#define VIRTIO_MMIO_VENDOR_ID          0x00cu   /* R */
#define VIRTIO_MMIO_DEVICE_FEATURES    0x010u   /* R: the 32 bits DeviceFeaturesSel selects */
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL 0x014u  /* W */
#define VIRTIO_MMIO_DRIVER_FEATURES    0x020u   /* W */
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL 0x024u  /* W */
#define VIRTIO_MMIO_QUEUE_SEL          0x030u   /* W */
#define VIRTIO_MMIO_QUEUE_NUM_MAX      0x034u   /* R */
#define VIRTIO_MMIO_QUEUE_NUM          0x038u   /* W */
#define VIRTIO_MMIO_QUEUE_READY        0x044u   /* RW */
#define VIRTIO_MMIO_QUEUE_NOTIFY       0x050u   /* W: the queue's index */
#define VIRTIO_MMIO_INTERRUPT_STATUS   0x060u   /* R */
#define VIRTIO_MMIO_INTERRUPT_ACK      0x064u   /* W */
#define VIRTIO_MMIO_STATUS             0x070u   /* RW; 0 resets the device */
#define VIRTIO_MMIO_QUEUE_DESC_LOW     0x080u   /* W */
#define VIRTIO_MMIO_QUEUE_DESC_HIGH    0x084u
#define VIRTIO_MMIO_QUEUE_DRIVER_LOW   0x090u
#define VIRTIO_MMIO_QUEUE_DRIVER_HIGH  0x094u
#define VIRTIO_MMIO_QUEUE_DEVICE_LOW   0x0a0u
#define VIRTIO_MMIO_QUEUE_DEVICE_HIGH  0x0a4u
#define VIRTIO_MMIO_SHM_SEL            0x0acu   /* W */
#define VIRTIO_MMIO_SHM_LEN_LOW        0x0b0u   /* R: all ones = no such region */
#define VIRTIO_MMIO_SHM_LEN_HIGH       0x0b4u
#define VIRTIO_MMIO_SHM_BASE_LOW       0x0b8u
#define VIRTIO_MMIO_SHM_BASE_HIGH      0x0bcu
#define VIRTIO_MMIO_CONFIG_GENERATION  0x0fcu   /* R */
#define VIRTIO_MMIO_CONFIG             0x100u   /* device-specific, to the window's end */
#define VIRTIO_MMIO_REG_BYTES          4u       /* registers below CONFIG: 32-bit accesses only */
#define VIRTIO_MMIO_QUEUE_READY_BIT    1u       /* QueueReady's only bit */

#define VIRTIO_MMIO_MAGIC              0x74726976u   /* "virt", little-endian */
#define VIRTIO_MMIO_VERSION_2          2u
#define VIRTIO_MMIO_VENDOR_TOFU        0x75666f74u   /* "tofu" */
#define VIRTIO_MMIO_INT_VRING          (1u << 0)     /* InterruptStatus: used buffer */
#define VIRTIO_MMIO_INT_CONFIG         (1u << 1)     /* InterruptStatus: configuration change */
#define VIRTIO_MMIO_INT_MASK           (VIRTIO_MMIO_INT_VRING | VIRTIO_MMIO_INT_CONFIG)

/* Device status (virtio 1.2, 2.1). */
#define VIRTIO_STATUS_ACKNOWLEDGE      0x01u
#define VIRTIO_STATUS_DRIVER           0x02u
#define VIRTIO_STATUS_DRIVER_OK        0x04u
#define VIRTIO_STATUS_FEATURES_OK      0x08u
#define VIRTIO_STATUS_NEEDS_RESET      0x40u
#define VIRTIO_STATUS_FAILED           0x80u
#define VIRTIO_STATUS_MASK             0xffu     /* the status is a byte */

/* Device types (virtio 1.2, 5). */
#define VIRTIO_ID_NET                  1u
#define VIRTIO_ID_BLOCK                2u
#define VIRTIO_ID_CONSOLE              3u

/* Reserved feature bits (virtio 1.2, 6). */
#define VIRTIO_F_VERSION_1             32u
#define VIRTIO_F_ACCESS_PLATFORM       33u
#define VIRTIO_FEATURE_BIT(n)          ((uint64_t)1 << (n))
#define VIRTIO_FEATURE_WORD_BITS       32u       /* DeviceFeaturesSel selects 32 of them */
#define VIRTIO_FEATURE_WORDS           2u        /* tofu's devices have 64 feature bits */

/* ---- split virtqueues (virtio 1.2, 2.7) ------------------------------------ */
#define VRING_DESC_F_NEXT              1u
#define VRING_DESC_F_WRITE             2u
#define VRING_DESC_F_INDIRECT          4u
#define VRING_DESC_BYTES               16u
#define VRING_AVAIL_F_NO_INTERRUPT     1u        /* avail.flags: the driver asks for no used-buffer interrupt */
#define VRING_AVAIL_HDR_BYTES          4u        /* flags, idx; then ring[num] of u16 */
#define VRING_USED_HDR_BYTES           4u        /* flags, idx; then ring[num] of elems */
#define VRING_USED_ELEM_BYTES          8u
#define VRING_NUM_MAX                  32768u    /* a queue size never exceeds it */
#define VRING_DESC_ALIGN               16u       /* the rings' alignment (2.7, table 2.1) */
#define VRING_AVAIL_ALIGN              2u
#define VRING_USED_ALIGN               4u

struct vring_desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
    uint16_t next;
};

struct vring_used_elem {
    uint32_t id;
    uint32_t len;
};

/* ---- virtio-blk (virtio 1.2, 5.2) ------------------------------------------- */
#define VIRTIO_BLK_F_SIZE_MAX          1u
#define VIRTIO_BLK_F_SEG_MAX           2u
#define VIRTIO_BLK_F_FLUSH             9u
#define VIRTIO_BLK_T_IN                0u
#define VIRTIO_BLK_T_OUT               1u
#define VIRTIO_BLK_T_FLUSH             4u
#define VIRTIO_BLK_T_GET_ID            8u
#define VIRTIO_BLK_S_OK                0u
#define VIRTIO_BLK_S_IOERR             1u
#define VIRTIO_BLK_S_UNSUPP            2u
#define VIRTIO_BLK_SECTOR_BYTES        512u
#define VIRTIO_BLK_ID_BYTES            20u
#define VIRTIO_BLK_REQ_HDR_BYTES       16u       /* type, reserved, sector */

struct virtio_blk_req_hdr {
    uint32_t type;
    uint32_t reserved;
    uint64_t sector;
};

/* The first fields of virtio-blk's config space: capacity (sectors), size_max, seg_max. */
#define VIRTIO_BLK_CFG_CAPACITY        0u
#define VIRTIO_BLK_CFG_SIZE_MAX        8u
#define VIRTIO_BLK_CFG_SEG_MAX         12u
#define VIRTIO_BLK_CFG_BYTES           16u

/* ---- virtio-net (virtio 1.2, 5.1) ------------------------------------------- */
#define VIRTIO_NET_F_MAC               5u
#define VIRTIO_NET_RXQ                 0u        /* receiveq1: device -> driver */
#define VIRTIO_NET_TXQ                 1u        /* transmitq1: driver -> device */
#define VIRTIO_NET_HDR_BYTES           12u       /* struct virtio_net_hdr with VERSION_1 */
#define VIRTIO_NET_HDR_NUM_BUFFERS     10u       /* its num_buffers field (le16): 1 without MRG_RXBUF */
#define VIRTIO_NET_MAC_BYTES           6u
#define VIRTIO_NET_CFG_MAC             0u
#define VIRTIO_NET_CFG_BYTES           8u        /* mac, status (read only with F_STATUS) */
#define VIRTIO_NET_FRAME_MAX           1514u     /* an Ethernet frame without FCS, no offloads */

/* ---- virtio-console (virtio 1.2, 5.3) ---------------------------------------- */
#define VIRTIO_CONSOLE_RXQ             0u        /* port 0 receiveq: device -> driver */
#define VIRTIO_CONSOLE_TXQ             1u        /* port 0 transmitq: driver -> device */

/* ---- the devices tofu's backends offer ---------------------------------------
 * What a frontend sees of a device (features, queues, config) is fixed by
 * its type and the config: the config tool computes it, tofu answers the
 * frontend's probe from it before the backend is up, and the backends
 * register exactly it (a different registration is refused). */
#define TOFU_VIRTIO_QUEUE_SIZE         256u      /* QueueNumMax of every queue */
#define TOFU_VIRTIO_CHAIN_MAX          64u       /* buffers of one request a backend takes */

/* ---- tofu's virtio calls and messages (docs/ipc.md, docs/virtio.md) ------- */
#define TOFU_VIRTIO_MAX_QUEUES         4u
#define TOFU_VIRTIO_QUEUE_MAX          1024u     /* QueueNumMax a backend may offer */
#define TOFU_VIRTIO_CONFIG_MAX         64u       /* config-space bytes a backend may register */

/* TOFU_HC_VIRTIO_REGISTER's argument, in the backend's memory. */
struct tofu_virtio_reg {
    uint64_t features;                           /* must have VIRTIO_F_VERSION_1 */
    uint32_t nr_queues;                          /* 1..TOFU_VIRTIO_MAX_QUEUES */
    uint32_t config_len;                         /* 0..TOFU_VIRTIO_CONFIG_MAX */
    uint16_t queue_max[TOFU_VIRTIO_MAX_QUEUES];  /* each 1..TOFU_VIRTIO_QUEUE_MAX, a power of two */
    uint8_t config[TOFU_VIRTIO_CONFIG_MAX];
};
_Static_assert(sizeof(struct tofu_virtio_reg) == 88, "tofu_virtio_reg is ABI");

static inline void tofu_virtio_put_le(uint8_t *p, uint64_t v, unsigned bytes)
{
    for (unsigned i = 0; i < bytes; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* The device of type `device_id` as tofu's backends offer it: a block
 * device of `disk_bytes`, a NIC with `mac`, a console.  0, or -1 for a type
 * tofu does not serve. */
static inline int tofu_virtio_identity(struct tofu_virtio_reg *reg, uint32_t device_id, uint64_t disk_bytes,
                                       const uint8_t *mac)
{
    uint8_t *z = (uint8_t *)reg;
    for (unsigned i = 0; i < sizeof(*reg); i++)
        z[i] = 0;
    reg->features = VIRTIO_FEATURE_BIT(VIRTIO_F_VERSION_1);
    switch (device_id) {
    case VIRTIO_ID_BLOCK:
        reg->features |= VIRTIO_FEATURE_BIT(VIRTIO_BLK_F_FLUSH) | VIRTIO_FEATURE_BIT(VIRTIO_BLK_F_SEG_MAX);
        reg->nr_queues = 1;
        reg->config_len = VIRTIO_BLK_CFG_BYTES;
        tofu_virtio_put_le(reg->config + VIRTIO_BLK_CFG_CAPACITY, disk_bytes / VIRTIO_BLK_SECTOR_BYTES, 8);
        tofu_virtio_put_le(reg->config + VIRTIO_BLK_CFG_SEG_MAX, TOFU_VIRTIO_CHAIN_MAX - 2, 4);  /* header, status */
        break;
    case VIRTIO_ID_NET:
        reg->features |= VIRTIO_FEATURE_BIT(VIRTIO_NET_F_MAC);
        reg->nr_queues = 2;
        reg->config_len = VIRTIO_NET_CFG_BYTES;
        for (unsigned i = 0; i < VIRTIO_NET_MAC_BYTES; i++)
            reg->config[VIRTIO_NET_CFG_MAC + i] = mac[i];
        break;
    case VIRTIO_ID_CONSOLE:
        reg->nr_queues = 2;             /* port 0 only: no MULTIPORT, no size */
        break;
    default:
        return -1;
    }
    for (unsigned i = 0; i < reg->nr_queues; i++)
        reg->queue_max[i] = TOFU_VIRTIO_QUEUE_SIZE;
    return 0;
}

/* Messages from tofu (VM-ID 0) to a backend, shaped like virtio-msg's: an
 * 8-byte header, then the message's payload.  Materialized when the backend
 * reads them (MSG_RECV) from the device's current state: one per kind, per
 * device (and queue) at most, whatever the frontend did in between. */
#define VIRTIO_MSG_TYPE_TRANSPORT      0u
#define VIRTIO_MSG_SET_DRV_FEATURES    0x04u
#define VIRTIO_MSG_SET_CONFIG          0x06u
#define VIRTIO_MSG_SET_DEVICE_STATUS   0x08u
#define VIRTIO_MSG_SET_VQUEUE          0x0au
#define VIRTIO_MSG_EVENT_CONFIG        0x40u     /* backend -> tofu: TOFU_HC_VIRTIO_EVENT */
#define VIRTIO_MSG_EVENT_AVAIL         0x41u
#define VIRTIO_MSG_EVENT_USED          0x42u     /* backend -> tofu: TOFU_HC_VIRTIO_EVENT */

struct virtio_msg_hdr {
    uint8_t type;                                /* VIRTIO_MSG_TYPE_TRANSPORT */
    uint8_t msg_id;                              /* VIRTIO_MSG_* */
    uint16_t dev_num;                            /* the device's index (its backend DT node) */
    uint16_t msg_uid;                            /* SET_DEVICE_STATUS 0: the reset's generation, for
                                                  * RESET_DONE; else 0 (no reply) */
    uint16_t msg_size;                           /* header and payload, bytes */
};

struct virtio_msg_features {                     /* SET_DRV_FEATURES */
    uint32_t index;                              /* 0: the first 64 bits */
    uint32_t num;                                /* 64 */
    uint64_t features;
};

struct virtio_msg_status {                       /* SET_DEVICE_STATUS */
    uint32_t status;
};

#define VIRTIO_MSG_VQ_READY            1u        /* set_vqueue.flags: QueueReady = 1 */
struct virtio_msg_vqueue {                       /* SET_VQUEUE */
    uint32_t index;
    uint32_t flags;                              /* VIRTIO_MSG_VQ_READY, or 0: the queue is off */
    uint32_t size;
    uint32_t reserved;
    uint64_t desc_addr, driver_addr, device_addr;  /* frontend IPAs */
};

struct virtio_msg_config {                       /* SET_CONFIG: the whole config space */
    uint32_t generation;
    uint32_t offset;                             /* 0 */
    uint32_t size;
    uint32_t reserved;
    uint8_t config[TOFU_VIRTIO_CONFIG_MAX];
};

struct virtio_msg_avail {                        /* EVENT_AVAIL */
    uint32_t index;
    uint32_t next_wrap;                          /* 0: no notification data */
};

#define VIRTIO_MSG_HDR_BYTES           8u
#define VIRTIO_MSG_MAX_BYTES           (VIRTIO_MSG_HDR_BYTES + sizeof(struct virtio_msg_config))
_Static_assert(sizeof(struct virtio_msg_hdr) == VIRTIO_MSG_HDR_BYTES, "virtio-msg header");
_Static_assert(sizeof(struct virtio_msg_vqueue) == 40, "virtio-msg SET_VQUEUE");
_Static_assert(sizeof(struct virtio_msg_config) == 80, "virtio-msg SET_CONFIG");

#endif /* TOFU_VIRTIO_H */
