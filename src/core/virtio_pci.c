/* SPDX-License-Identifier: MIT */
/*
 * A virtio device's PCI transport (virtio 1.2, 4.1) as pure state
 * (core/virtio_pci.h).  A modern-only function (device ID 0x1040 + the
 * virtio ID, revision 1) on the frontend's virtual ECAM: one 64-bit memory
 * BAR that never moves (sizing works), no INTx pin, and a capability list
 * of MSI-X and the four virtio structures (common, notify, ISR, device).
 * Its one trapping access per request is the notification: a page of its
 * own in BAR0, every queue at its start (notify_off_multiplier 0).  The
 * used-buffer interrupt is an MSI-X message the frontend's virtual ITS
 * turns into an LPI, acknowledged at the virtual CPU interface: nothing
 * to write back, unlike virtio-mmio's InterruptACK.
 * The common configuration's registers are virtio-mmio's under other
 * offsets and widths; they go to virtio_regs_read()/virtio_regs_write()
 * by their virtio-mmio offsets, so the state machine, its checks and the
 * messages to the backend are the same for both transports.  Not offered:
 * the PCI configuration access capability (Linux does not use it),
 * VIRTIO_F_NOTIFICATION_DATA and queue reset.
 */
#include "core/virtio_pci.h"
#include "core/lib.h"
#include "arch/regs.h"

#define BYTE_BITS       8
#define WORD_BYTES      4
#define BYTE_MASK       0xffu
#define HALF_MASK       0xffffu
#define CMD_GUEST       (PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | PCI_COMMAND_INTX_DISABLE)
#define BAR_LO_MASK     (~(uint32_t)(VIRTIO_PCI_BAR_SIZE - 1))
#define MSIX_TABLE_BYTES (VIRTIO_PCI_VECTORS * VIRTIO_PCI_MSIX_ENTRY_BYTES)
#define MSIX_CTL_GUEST  (PCI_MSIX_FLAGS_ENABLE | VIRTIO_PCI_MSIX_FLAGS_MASKALL)
#define ALL_VECTORS     ((1u << VIRTIO_PCI_VECTORS) - 1)

_Static_assert(VIRTIO_PCI_DEVICE_AT + TOFU_VIRTIO_CONFIG_MAX <= VIRTIO_PCI_NOTIFY_AT &&
               VIRTIO_PCI_MSIX_TABLE_AT + MSIX_TABLE_BYTES <= VIRTIO_PCI_MSIX_PBA_AT &&
               VIRTIO_PCI_MSIX_PBA_AT < VIRTIO_PCI_BAR_SIZE, "BAR0's structures do not overlap");
_Static_assert(VIRTIO_PCI_VECTORS <= 32, "the PBA and the vector masks are 32 bits");

/* Configuration space is little-endian (PCI Local Bus 6.1). */
static void put_le16(uint8_t *b, uint32_t v)
{
    b[0] = (uint8_t)v;
    b[1] = (uint8_t)(v >> BYTE_BITS);
}

static void put_le32(uint8_t *b, uint32_t v)
{
    put_le16(b, v);
    put_le16(b + 2, v >> 16);
}

static void vectors_unassigned(struct virtio_pci *p)
{
    p->config_vector = VIRTIO_PCI_NO_VECTOR;
    for (unsigned i = 0; i < TOFU_VIRTIO_MAX_QUEUES; i++)
        p->queue_vector[i] = VIRTIO_PCI_NO_VECTOR;
}

void virtio_pci_init(struct virtio_pci *p, uint64_t bar)
{
    memset(p, 0, sizeof(*p));
    p->bar = bar;
    for (unsigned i = 0; i < VIRTIO_PCI_VECTORS; i++)
        p->msix[i].ctl = VIRTIO_PCI_MSIX_ENTRY_MASKED;      /* masked at reset (PCIe 7.7.2.5) */
    vectors_unassigned(p);
}

void virtio_pci_reset(struct virtio_pci *p)
{
    vectors_unassigned(p);
    p->pba = p->todo = 0;
}

/* ---- configuration space ---------------------------------------------------- */

static uint32_t pci_class(uint32_t device_id)
{
    return device_id == VIRTIO_ID_BLOCK ? VIRTIO_PCI_CLASS_BLOCK :
           device_id == VIRTIO_ID_NET ? VIRTIO_PCI_CLASS_NET : VIRTIO_PCI_CLASS_OTHER;
}

/* A virtio capability: vendor-specific, `len` bytes, the structure at
 * [at, at + bytes) of BAR0. */
static void vcap(uint8_t *c, uint8_t next, uint8_t len, uint8_t type, uint32_t at, uint32_t bytes)
{
    c[PCI_CAP_ID] = VIRTIO_PCI_CAP_VNDR;
    c[PCI_CAP_NEXT] = next;
    c[2] = len;                         /* cap_len */
    c[VIRTIO_PCI_CAP_CFG_TYPE] = type;
    c[VIRTIO_PCI_CAP_BAR] = 0;
    put_le32(c + VIRTIO_PCI_CAP_OFFSET, at);
    put_le32(c + VIRTIO_PCI_CAP_LENGTH, bytes);
}

/* The conventional 256 bytes as a read returns them. */
static void cfg_image(const struct virtio_pci *p, const struct virtio_regs *r, uint8_t *img)
{
    memset(img, 0, PCI_CFG_STD_SIZE);
    put_le32(img + PCI_VENDOR_ID, VIRTIO_PCI_VENDOR | (VIRTIO_PCI_DEVICE_BASE + r->device_id) << 16);
    put_le32(img + PCI_COMMAND, p->command | (uint32_t)PCI_STATUS_CAP_LIST << 16);
    put_le32(img + PCI_CLASS_REVISION, VIRTIO_PCI_REVISION | pci_class(r->device_id) << BYTE_BITS);
    img[PCI_HEADER_TYPE] = PCI_HEADER_TYPE_NORMAL;
    uint32_t lo = p->sizing_lo ? BAR_LO_MASK : (uint32_t)p->bar;
    put_le32(img + PCI_BAR0, lo | PCI_BAR_MEM_TYPE_64);
    put_le32(img + PCI_BAR0 + PCI_BAR_STRIDE, p->sizing_hi ? UINT32_MAX : (uint32_t)(p->bar >> 32));
    put_le32(img + PCI_SUBSYSTEM_VENDOR_ID, VIRTIO_PCI_VENDOR | r->device_id << 16);
    img[PCI_CAPABILITY_LIST] = VIRTIO_PCI_CAP_MSIX_AT;
    img[PCI_INTERRUPT_LINE] = p->irq_line;              /* PCI_INTERRUPT_PIN 0: no INTx */

    uint8_t *m = img + VIRTIO_PCI_CAP_MSIX_AT;
    m[PCI_CAP_ID] = PCI_CAP_ID_MSIX;
    m[PCI_CAP_NEXT] = VIRTIO_PCI_CAP_COMMON_AT;
    put_le16(m + PCI_MSIX_FLAGS, p->msix_ctl | (VIRTIO_PCI_VECTORS - 1));   /* Table Size - 1 */
    put_le32(m + PCI_MSIX_FLAGS + 2, VIRTIO_PCI_MSIX_TABLE_AT);            /* BIR 0 */
    put_le32(m + PCI_MSIX_FLAGS + 6, VIRTIO_PCI_MSIX_PBA_AT);
    vcap(img + VIRTIO_PCI_CAP_COMMON_AT, VIRTIO_PCI_CAP_NOTIFY_AT, VIRTIO_PCI_CAP_BYTES, VIRTIO_PCI_CAP_COMMON_CFG,
         VIRTIO_PCI_COMMON_AT, VIRTIO_PCI_COMMON_BYTES);
    vcap(img + VIRTIO_PCI_CAP_NOTIFY_AT, VIRTIO_PCI_CAP_ISR_AT, VIRTIO_PCI_NOTIFY_CAP_BYTES, VIRTIO_PCI_CAP_NOTIFY_CFG,
         VIRTIO_PCI_NOTIFY_AT, VIRTIO_PCI_NOTIFY_BYTES);
    put_le32(img + VIRTIO_PCI_CAP_NOTIFY_AT + VIRTIO_PCI_CAP_MULTIPLIER, 0);   /* every queue at the page's start */
    vcap(img + VIRTIO_PCI_CAP_ISR_AT, r->config_len ? VIRTIO_PCI_CAP_DEVICE_AT : 0, VIRTIO_PCI_CAP_BYTES,
         VIRTIO_PCI_CAP_ISR_CFG, VIRTIO_PCI_ISR_AT, VIRTIO_PCI_ISR_BYTES);
    if (r->config_len)
        vcap(img + VIRTIO_PCI_CAP_DEVICE_AT, 0, VIRTIO_PCI_CAP_BYTES, VIRTIO_PCI_CAP_DEVICE_CFG,
             VIRTIO_PCI_DEVICE_AT, r->config_len);
}

static bool aligned_access(uint64_t off, unsigned width)
{
    return (width == 1 || width == 2 || width == WORD_BYTES) && !(off & (width - 1));
}

uint32_t virtio_pci_cfg_read(const struct virtio_pci *p, const struct virtio_regs *r, uint32_t off, unsigned width)
{
    uint8_t img[PCI_CFG_STD_SIZE];
    if (!aligned_access(off, width) || off >= PCI_CFG_SIZE)
        return PCI_CFG_ALL_ONES;
    if (off >= PCI_CFG_STD_SIZE)
        return 0;                       /* no extended capabilities */
    cfg_image(p, r, img);
    uint32_t v = 0;
    for (unsigned i = 0; i < width; i++)
        v |= (uint32_t)img[off + i] << (BYTE_BITS * i);
    return v;
}

/* Command, BAR0's dwords (sizing: all-ones, then the old value back: the
 * BAR never moves), Interrupt Line, MSI-X's Enable and Function Mask; the
 * rest is read-only. */
void virtio_pci_cfg_write(struct virtio_pci *p, uint32_t off, unsigned width, uint32_t val)
{
    if (!aligned_access(off, width) || off >= PCI_CFG_STD_SIZE)
        return;
    uint32_t dw = off & ~(uint32_t)(WORD_BYTES - 1), shift = (off - dw) * BYTE_BITS;
    uint32_t mask = (width == WORD_BYTES ? UINT32_MAX : ((1u << (width * BYTE_BITS)) - 1)) << shift;
    uint32_t v = (val << shift) & mask;
    switch (dw) {
    case PCI_COMMAND:
        if (mask & HALF_MASK)
            p->command = (uint16_t)((v & CMD_GUEST) | (p->command & ~CMD_GUEST & ~mask));
        break;
    case PCI_BAR0:
        if (width == WORD_BYTES)
            p->sizing_lo = val == UINT32_MAX;
        break;
    case PCI_BAR0 + PCI_BAR_STRIDE:
        if (width == WORD_BYTES)
            p->sizing_hi = val == UINT32_MAX;
        break;
    case PCI_INTERRUPT_LINE:
        if (mask & BYTE_MASK)
            p->irq_line = (uint8_t)v;
        break;
    case VIRTIO_PCI_CAP_MSIX_AT: {      /* ID, next, then Message Control */
        uint32_t ctl_mask = (uint32_t)MSIX_CTL_GUEST << 16;
        if (mask & ctl_mask)
            p->msix_ctl = (uint16_t)(((v & mask & ctl_mask) | ((uint32_t)p->msix_ctl << 16 & ~mask)) >> 16);
        break;
    }
    default:
        break;
    }
}

/* ---- BAR0 ------------------------------------------------------------------- */

static const struct virtio_vq *sel_vq(const struct virtio_regs *r)
{
    return r->queue_sel < r->nr_queues ? &r->vq[r->queue_sel] : NULL;
}

/* The common configuration's registers that are virtio-mmio's: their
 * virtio-mmio offset (0: none). */
static uint32_t mmio_reg(uint64_t off, unsigned width)
{
    static const struct { uint8_t off, width; uint16_t mmio; } map[] = {
        { VIRTIO_PCI_DFSELECT, 4, VIRTIO_MMIO_DEVICE_FEATURES_SEL }, { VIRTIO_PCI_DF, 4, VIRTIO_MMIO_DEVICE_FEATURES },
        { VIRTIO_PCI_GFSELECT, 4, VIRTIO_MMIO_DRIVER_FEATURES_SEL }, { VIRTIO_PCI_GF, 4, VIRTIO_MMIO_DRIVER_FEATURES },
        { VIRTIO_PCI_STATUS, 1, VIRTIO_MMIO_STATUS }, { VIRTIO_PCI_Q_SELECT, 2, VIRTIO_MMIO_QUEUE_SEL },
        { VIRTIO_PCI_Q_SIZE, 2, VIRTIO_MMIO_QUEUE_NUM }, { VIRTIO_PCI_Q_ENABLE, 2, VIRTIO_MMIO_QUEUE_READY },
        { VIRTIO_PCI_Q_DESCLO, 4, VIRTIO_MMIO_QUEUE_DESC_LOW }, { VIRTIO_PCI_Q_DESCHI, 4, VIRTIO_MMIO_QUEUE_DESC_HIGH },
        { VIRTIO_PCI_Q_AVAILLO, 4, VIRTIO_MMIO_QUEUE_DRIVER_LOW }, { VIRTIO_PCI_Q_AVAILHI, 4, VIRTIO_MMIO_QUEUE_DRIVER_HIGH },
        { VIRTIO_PCI_Q_USEDLO, 4, VIRTIO_MMIO_QUEUE_DEVICE_LOW }, { VIRTIO_PCI_Q_USEDHI, 4, VIRTIO_MMIO_QUEUE_DEVICE_HIGH },
    };
    for (unsigned i = 0; i < ARRAY_SIZE(map); i++)
        if (map[i].off == off && map[i].width == width)
            return map[i].mmio;
    return 0;
}

static uint32_t half(uint64_t v, bool high)
{
    return (uint32_t)(high ? v >> 32 : v);
}

static unsigned common_read(const struct virtio_pci *p, const struct virtio_regs *r, uint64_t off, unsigned width,
                            uint64_t *val)
{
    const struct virtio_vq *q = sel_vq(r);
    uint64_t v = 0;
    if (off == VIRTIO_PCI_DF && width == WORD_BYTES)
        return virtio_regs_read(r, VIRTIO_MMIO_DEVICE_FEATURES, WORD_BYTES, val);
    switch (off | (uint64_t)width << 8) {
#define AT(o, w) ((o) | (w) << 8)
    case AT(VIRTIO_PCI_DFSELECT, 4): v = r->dev_features_sel; break;
    case AT(VIRTIO_PCI_GFSELECT, 4): v = r->drv_features_sel; break;
    case AT(VIRTIO_PCI_GF, 4): v = r->drv_features_sel < VIRTIO_FEATURE_WORDS ? half(r->drv_features, r->drv_features_sel) : 0; break;
    case AT(VIRTIO_PCI_MSIX_CONFIG, 2): v = p->config_vector; break;
    case AT(VIRTIO_PCI_NUM_QUEUES, 2): v = r->nr_queues; break;
    case AT(VIRTIO_PCI_STATUS, 1): v = r->status; break;
    case AT(VIRTIO_PCI_CFG_GENERATION, 1): v = r->config_gen & BYTE_MASK; break;
    case AT(VIRTIO_PCI_Q_SELECT, 2): v = r->queue_sel; break;
    /* A queue's size reads its maximum until the driver sets one. */
    case AT(VIRTIO_PCI_Q_SIZE, 2): v = q ? (q->num ? q->num : r->queue_max[r->queue_sel]) : 0; break;
    case AT(VIRTIO_PCI_Q_MSIX, 2): v = q ? p->queue_vector[r->queue_sel] : VIRTIO_PCI_NO_VECTOR; break;
    case AT(VIRTIO_PCI_Q_ENABLE, 2): v = q && q->ready; break;
    case AT(VIRTIO_PCI_Q_NOFF, 2): v = 0; break;
    case AT(VIRTIO_PCI_Q_DESCLO, 4): case AT(VIRTIO_PCI_Q_DESCHI, 4): v = q ? half(q->desc, off & WORD_BYTES) : 0; break;
    case AT(VIRTIO_PCI_Q_AVAILLO, 4): case AT(VIRTIO_PCI_Q_AVAILHI, 4): v = q ? half(q->driver, off & WORD_BYTES) : 0; break;
    case AT(VIRTIO_PCI_Q_USEDLO, 4): case AT(VIRTIO_PCI_Q_USEDHI, 4): v = q ? half(q->device, off & WORD_BYTES) : 0; break;
#undef AT
    default:
        if (off < VIRTIO_PCI_COMMON_BYTES && aligned_access(off, width))
            break;                      /* queue_notify_data, queue_reset: 0 */
        return VIRTIO_ACT_BAD;
    }
    *val = v;
    return 0;
}

static uint16_t vector_or_none(uint64_t v)
{
    return v < VIRTIO_PCI_VECTORS ? (uint16_t)v : VIRTIO_PCI_NO_VECTOR;
}

static unsigned common_write(struct virtio_pci *p, struct virtio_regs *r, uint64_t off, unsigned width, uint64_t val)
{
    if (off == VIRTIO_PCI_MSIX_CONFIG && width == 2) {
        p->config_vector = vector_or_none(val);     /* read back: NO_VECTOR if it cannot be had (4.1.5.1.2) */
        return 0;
    }
    if (off == VIRTIO_PCI_Q_MSIX && width == 2) {
        if (!sel_vq(r))
            return VIRTIO_ACT_BAD;
        p->queue_vector[r->queue_sel] = vector_or_none(val);
        return 0;
    }
    uint32_t reg = mmio_reg(off, width);
    if (!reg || reg == VIRTIO_MMIO_DEVICE_FEATURES)
        return VIRTIO_ACT_BAD;          /* read-only, or nothing there */
    if (reg == VIRTIO_MMIO_QUEUE_READY) {
        const struct virtio_vq *q = sel_vq(r);
        if (val != VIRTIO_MMIO_QUEUE_READY_BIT || !q)
            return VIRTIO_ACT_BAD;      /* the driver MUST NOT write 0 (4.1.4.3.2) */
        if (!q->num)                    /* the size it read, the maximum, unless it wrote one */
            virtio_regs_write(r, VIRTIO_MMIO_QUEUE_NUM, WORD_BYTES, r->queue_max[r->queue_sel]);
    }
    if (reg == VIRTIO_MMIO_STATUS && !(val & BYTE_MASK))
        virtio_pci_reset(p);
    return virtio_regs_write(r, reg, WORD_BYTES, val);
}

static unsigned msix_read(const struct virtio_pci *p, uint64_t off, unsigned width, uint64_t *val)
{
    if (width != WORD_BYTES || (off & (WORD_BYTES - 1)))
        return VIRTIO_ACT_BAD;
    if (off >= VIRTIO_PCI_MSIX_PBA_AT) {
        *val = off == VIRTIO_PCI_MSIX_PBA_AT ? p->pba : 0;
        return 0;
    }
    const struct virtio_pci_msix *e = &p->msix[(off - VIRTIO_PCI_MSIX_TABLE_AT) / VIRTIO_PCI_MSIX_ENTRY_BYTES];
    const uint32_t words[] = { e->addr_lo, e->addr_hi, e->data, e->ctl };
    *val = words[(off % VIRTIO_PCI_MSIX_ENTRY_BYTES) / WORD_BYTES];
    return 0;
}

static bool vector_masked(const struct virtio_pci *p, unsigned n)
{
    return (p->msix_ctl & VIRTIO_PCI_MSIX_FLAGS_MASKALL) || (p->msix[n].ctl & VIRTIO_PCI_MSIX_ENTRY_MASKED);
}

/* Pending vectors no longer masked: to send now. */
static unsigned take_unmasked(struct virtio_pci *p)
{
    if (!(p->msix_ctl & PCI_MSIX_FLAGS_ENABLE))
        return 0;
    for (unsigned n = 0; n < VIRTIO_PCI_VECTORS; n++)
        if ((p->pba & (1u << n)) && !vector_masked(p, n)) {
            p->pba &= ~(1u << n);
            p->todo |= 1u << n;
        }
    return p->todo ? VIRTIO_ACT_MSI : 0;
}

static unsigned msix_write(struct virtio_pci *p, uint64_t off, unsigned width, uint64_t val)
{
    if (width != WORD_BYTES || (off & (WORD_BYTES - 1)) || off >= VIRTIO_PCI_MSIX_PBA_AT)
        return VIRTIO_ACT_BAD;          /* the PBA is read-only */
    struct virtio_pci_msix *e = &p->msix[(off - VIRTIO_PCI_MSIX_TABLE_AT) / VIRTIO_PCI_MSIX_ENTRY_BYTES];
    uint32_t *words[] = { &e->addr_lo, &e->addr_hi, &e->data, &e->ctl };
    unsigned w = (off % VIRTIO_PCI_MSIX_ENTRY_BYTES) / WORD_BYTES;
    *words[w] = (uint32_t)val & (w == 3 ? VIRTIO_PCI_MSIX_ENTRY_MASKED : UINT32_MAX);
    return w == 3 ? take_unmasked(p) : 0;
}

unsigned virtio_pci_bar_read(struct virtio_pci *p, struct virtio_regs *r, uint64_t off, unsigned width, uint64_t *val)
{
    *val = 0;
    if (off < VIRTIO_PCI_COMMON_BYTES)
        return common_read(p, r, off, width, val);
    if (off >= VIRTIO_PCI_ISR_AT && off < VIRTIO_PCI_ISR_AT + VIRTIO_PCI_ISR_BYTES) {
        if (off != VIRTIO_PCI_ISR_AT || width != 1)
            return VIRTIO_ACT_BAD;
        *val = r->int_status;
        r->int_status = 0;              /* read-to-clear (4.1.4.5) */
        return 0;
    }
    if (off >= VIRTIO_PCI_DEVICE_AT && off < VIRTIO_PCI_NOTIFY_AT)
        return virtio_regs_read(r, VIRTIO_MMIO_CONFIG + off - VIRTIO_PCI_DEVICE_AT, width, val);
    if (off >= VIRTIO_PCI_MSIX_TABLE_AT && (off < VIRTIO_PCI_MSIX_TABLE_AT + MSIX_TABLE_BYTES ||
                                            off >= VIRTIO_PCI_MSIX_PBA_AT))
        return msix_read(p, off, width, val);
    return VIRTIO_ACT_BAD;              /* the notify page reads 0; gaps */
}

unsigned virtio_pci_bar_write(struct virtio_pci *p, struct virtio_regs *r, uint64_t off, unsigned width, uint64_t val)
{
    if (off < VIRTIO_PCI_COMMON_BYTES)
        return common_write(p, r, off, width, val);
    if (off == VIRTIO_PCI_NOTIFY_AT && (width == 2 || width == WORD_BYTES))
        return virtio_regs_write(r, VIRTIO_MMIO_QUEUE_NOTIFY, WORD_BYTES, val & HALF_MASK);   /* the queue's index */
    if (off >= VIRTIO_PCI_DEVICE_AT && off < VIRTIO_PCI_NOTIFY_AT)
        return virtio_regs_write(r, VIRTIO_MMIO_CONFIG + off - VIRTIO_PCI_DEVICE_AT, width, val);
    if (off >= VIRTIO_PCI_MSIX_TABLE_AT && off < VIRTIO_PCI_MSIX_TABLE_AT + MSIX_TABLE_BYTES)
        return msix_write(p, off, width, val);
    return VIRTIO_ACT_BAD;
}

/* ---- interrupts --------------------------------------------------------------- */

uint32_t virtio_pci_raise(struct virtio_pci *p, const struct virtio_regs *r, uint32_t cause)
{
    uint32_t want = 0, send = 0;
    if (cause & VIRTIO_MMIO_INT_CONFIG)
        want |= p->config_vector < VIRTIO_PCI_VECTORS ? 1u << p->config_vector : 0;
    if (cause & VIRTIO_MMIO_INT_VRING)
        for (unsigned i = 0; i < r->nr_queues; i++)
            if (r->vq[i].ready && p->queue_vector[i] < VIRTIO_PCI_VECTORS)
                want |= 1u << p->queue_vector[i];
    if (!(p->msix_ctl & PCI_MSIX_FLAGS_ENABLE))
        return 0;                       /* no INTx either: nothing to raise */
    for (unsigned n = 0; n < VIRTIO_PCI_VECTORS; n++) {
        if (!(want & (1u << n)))
            continue;
        if (vector_masked(p, n))
            p->pba |= 1u << n;          /* sent when unmasked */
        else
            send |= 1u << n;
    }
    return send & ALL_VECTORS;
}

void virtio_pci_message(const struct virtio_pci *p, unsigned n, uint64_t *addr, uint32_t *data)
{
    const struct virtio_pci_msix *e = &p->msix[n < VIRTIO_PCI_VECTORS ? n : 0];
    *addr = (uint64_t)e->addr_hi << 32 | e->addr_lo;
    *data = e->data;
}
