/* SPDX-License-Identifier: MIT */
/*
 * The virtio-mmio version-2 register window (virtio 1.2, 4.2.2) as a state
 * machine (core/virtio_regs.h).  Registers below the config space take
 * aligned 32-bit accesses only (4.2.2.1: "the driver MUST only use 32 bit
 * wide and aligned reads and writes"); anything else is ignored, reads 0,
 * and is reported for the log.  The config space takes 1, 2, 4 and 8 byte
 * accesses within what the backend registered.
 */
#include "core/virtio_regs.h"
#include "core/lib.h"

#define LOW32(v)        ((uint32_t)(v))
#define HIGH32(v)       ((uint32_t)((v) >> 32))
#define SET_LOW(f, v)   ((f) = ((f) & ~(uint64_t)UINT32_MAX) | (uint32_t)(v))
#define SET_HIGH(f, v)  ((f) = ((f) & UINT32_MAX) | ((uint64_t)(uint32_t)(v) << 32))
#define SHM_NONE        UINT32_MAX     /* SHMLen/SHMBase of a region that does not exist */

static void take(struct virtio_regs *r, const struct tofu_virtio_reg *reg)
{
    r->dev_features = reg->features;
    r->nr_queues = reg->nr_queues;
    r->config_len = reg->config_len;
    for (unsigned i = 0; i < TOFU_VIRTIO_MAX_QUEUES; i++)
        r->queue_max[i] = i < reg->nr_queues ? reg->queue_max[i] : 0;
    memcpy(r->config, reg->config, sizeof(r->config));
}

void virtio_regs_init(struct virtio_regs *r, uint32_t device_id, const struct tofu_virtio_reg *identity)
{
    memset(r, 0, sizeof(*r));
    r->device_id = device_id;
    take(r, identity);
}

void virtio_regs_reset(struct virtio_regs *r)
{
    r->dev_features_sel = r->drv_features_sel = r->queue_sel = r->shm_sel = 0;
    r->drv_features = 0;
    memset(r->vq, 0, sizeof(r->vq));
    r->int_status = 0;
    r->status = 0;
}

static bool is_pow2(uint32_t x)
{
    return x && !(x & (x - 1));
}

int virtio_regs_check(const struct tofu_virtio_reg *reg)
{
    if (!(reg->features & VIRTIO_FEATURE_BIT(VIRTIO_F_VERSION_1)))
        return TOFU_E_INVALID;          /* a version-2 window offers only modern devices */
    if (!reg->nr_queues || reg->nr_queues > TOFU_VIRTIO_MAX_QUEUES || reg->config_len > TOFU_VIRTIO_CONFIG_MAX)
        return TOFU_E_INVALID;
    for (unsigned i = 0; i < reg->nr_queues; i++)
        if (!is_pow2(reg->queue_max[i]) || reg->queue_max[i] > TOFU_VIRTIO_QUEUE_MAX)
            return TOFU_E_INVALID;
    return TOFU_OK;
}

/* Everything the driver set, posted again: its features, its queues, the
 * config, its status, a notify for each ready queue. */
static unsigned post_all(struct virtio_regs *r)
{
    if (!r->status)
        return 0;
    r->pend |= VIRTIO_PEND_FEATURES | VIRTIO_PEND_CONFIG | VIRTIO_PEND_STATUS;
    for (unsigned i = 0; i < r->nr_queues; i++)
        if (r->vq[i].ready) {
            r->pend_vq |= 1u << i;
            r->pend_avail |= 1u << i;
        }
    return VIRTIO_ACT_EVENT;
}

bool virtio_reg_same_device(const struct tofu_virtio_reg *a, const struct tofu_virtio_reg *b)
{
    if (a->features != b->features || a->nr_queues != b->nr_queues || a->config_len != b->config_len)
        return false;
    for (unsigned i = 0; i < a->nr_queues; i++)
        if (a->queue_max[i] != b->queue_max[i])
            return false;
    return !memcmp(a->config, b->config, a->config_len);
}

unsigned virtio_regs_attach(struct virtio_regs *r)
{
    r->attached = true;
    r->pend = r->pend_vq = r->pend_avail = 0;
    return post_all(r);
}

void virtio_regs_detach(struct virtio_regs *r)
{
    r->attached = false;
    r->pend = r->pend_vq = r->pend_avail = 0;
    r->reset_wait = false;
}

static const struct virtio_vq *cur_vq(const struct virtio_regs *r)
{
    return r->queue_sel < r->nr_queues ? &r->vq[r->queue_sel] : NULL;
}

static unsigned config_read(const struct virtio_regs *r, uint64_t off, unsigned width, uint64_t *val)
{
    uint64_t v = 0;
    if (off + width > r->config_len || (off & (width - 1)))
        return VIRTIO_ACT_BAD;
    for (unsigned i = 0; i < width; i++)
        v |= (uint64_t)r->config[off + i] << (8 * i);
    *val = v;
    return 0;
}

/* An event for the backend: the doorbell only when it was not pending yet
 * (the backend takes all that is pending when it reads), so a frontend that
 * writes a register over and over costs its backend one interrupt. */
static unsigned post(uint32_t *pending, uint32_t bits)
{
    uint32_t fresh = bits & ~*pending;
    *pending |= bits;
    return fresh ? VIRTIO_ACT_EVENT : 0;
}

static unsigned config_write(struct virtio_regs *r, uint64_t off, unsigned width, uint64_t val)
{
    if (off + width > r->config_len || (off & (width - 1)))
        return VIRTIO_ACT_BAD;
    for (unsigned i = 0; i < width; i++)
        r->config[off + i] = (uint8_t)(val >> (8 * i));
    return post(&r->pend, VIRTIO_PEND_CONFIG);
}

unsigned virtio_regs_read(const struct virtio_regs *r, uint64_t off, unsigned width, uint64_t *val)
{
    const struct virtio_vq *q = cur_vq(r);
    uint32_t v = 0;

    *val = 0;
    if (off >= VIRTIO_MMIO_CONFIG)
        return config_read(r, off - VIRTIO_MMIO_CONFIG, width, val);
    if (width != VIRTIO_MMIO_REG_BYTES || (off & (VIRTIO_MMIO_REG_BYTES - 1)))
        return VIRTIO_ACT_BAD;
    switch (off) {
    case VIRTIO_MMIO_MAGIC_VALUE: v = VIRTIO_MMIO_MAGIC; break;
    case VIRTIO_MMIO_VERSION: v = VIRTIO_MMIO_VERSION_2; break;
    case VIRTIO_MMIO_DEVICE_ID: v = r->device_id; break;
    case VIRTIO_MMIO_VENDOR_ID: v = VIRTIO_MMIO_VENDOR_TOFU; break;
    case VIRTIO_MMIO_DEVICE_FEATURES:
        v = r->dev_features_sel == 0 ? LOW32(r->dev_features) :
            r->dev_features_sel == 1 ? HIGH32(r->dev_features) : 0;   /* words beyond the 64 bits read 0 */
        break;
    case VIRTIO_MMIO_QUEUE_NUM_MAX: v = q ? r->queue_max[r->queue_sel] : 0; break;
    case VIRTIO_MMIO_QUEUE_READY: v = q && q->ready; break;
    case VIRTIO_MMIO_INTERRUPT_STATUS: v = r->int_status; break;
    case VIRTIO_MMIO_STATUS: v = r->status; break;
    case VIRTIO_MMIO_SHM_LEN_LOW: case VIRTIO_MMIO_SHM_LEN_HIGH:
    case VIRTIO_MMIO_SHM_BASE_LOW: case VIRTIO_MMIO_SHM_BASE_HIGH:
        v = SHM_NONE;                   /* no shared memory regions */
        break;
    case VIRTIO_MMIO_CONFIG_GENERATION: v = r->config_gen; break;
    /* The write-only registers read 0 (4.2.2: reading them is undefined). */
    default: break;
    }
    *val = v;
    return 0;
}

/* ---- the register page ---------------------------------------------------- */

_Static_assert(VIRTIO_MMIO_CONFIG + TOFU_VIRTIO_CONFIG_MAX <= VIRTIO_MMIO_WINDOW_SIZE &&
               VIRTIO_MMIO_WINDOW_SIZE <= VIRTIO_MMIO_PAGE_BYTES, "the config space is on the window's page");

#define SPAN(o, n) ((struct virtio_page_span){ .off = (o), .len = (n) })

/* The registers [first, end) below the config space, as reads return them. */
static struct virtio_page_span page_words(const struct virtio_regs *r, uint32_t *page, uint32_t first, uint32_t end)
{
    for (uint32_t off = first; off < end; off += VIRTIO_MMIO_REG_BYTES) {
        uint64_t v;
        virtio_regs_read(r, off, VIRTIO_MMIO_REG_BYTES, &v);
        /* One single-copy atomic store: a vCPU reading meanwhile sees the old word or the new. */
        __atomic_store_n(&page[off / VIRTIO_MMIO_REG_BYTES], (uint32_t)v, __ATOMIC_RELAXED);
    }
    return SPAN(first, end - first);
}

/* The config space: the registered bytes, zeros after them. */
static struct virtio_page_span page_config(const struct virtio_regs *r, uint32_t *page)
{
    uint8_t *c = (uint8_t *)page + VIRTIO_MMIO_CONFIG;
    memcpy(c, r->config, r->config_len);
    memset(c + r->config_len, 0, TOFU_VIRTIO_CONFIG_MAX - r->config_len);
    return SPAN(VIRTIO_MMIO_CONFIG, TOFU_VIRTIO_CONFIG_MAX);
}

/* Each word straight to its value, never through 0: the frontend may be
 * reading it (a backend's registration while its driver runs). */
void virtio_regs_page_fill(const struct virtio_regs *r, uint32_t *page)
{
    uint32_t tail = VIRTIO_MMIO_CONFIG + TOFU_VIRTIO_CONFIG_MAX;
    page_words(r, page, 0, VIRTIO_MMIO_CONFIG);
    page_config(r, page);
    memset((uint8_t *)page + tail, 0, VIRTIO_MMIO_PAGE_BYTES - tail);
}

/* What reads depend on: the selectors, QueueReady, InterruptStatus, Status
 * (whose 0 resets the selectors and the driver's state), ConfigGeneration
 * and the config space; everything else is fixed or reads 0. */
struct virtio_page_span virtio_regs_page_update(const struct virtio_regs *r, uint32_t *page, uint64_t off)
{
    uint32_t first;
    if (off >= VIRTIO_MMIO_CONFIG)
        return page_config(r, page);
    switch (off) {
    case VIRTIO_MMIO_DEVICE_FEATURES_SEL: first = VIRTIO_MMIO_DEVICE_FEATURES; break;
    case VIRTIO_MMIO_QUEUE_SEL:         /* what it selects: QueueNumMax to QueueReady */
        return page_words(r, page, VIRTIO_MMIO_QUEUE_NUM_MAX, VIRTIO_MMIO_QUEUE_READY + VIRTIO_MMIO_REG_BYTES);
    case VIRTIO_MMIO_QUEUE_READY: first = VIRTIO_MMIO_QUEUE_READY; break;
    case VIRTIO_MMIO_INTERRUPT_STATUS: case VIRTIO_MMIO_INTERRUPT_ACK: first = VIRTIO_MMIO_INTERRUPT_STATUS; break;
    case VIRTIO_MMIO_CONFIG_GENERATION: first = VIRTIO_MMIO_CONFIG_GENERATION; break;
    case VIRTIO_MMIO_STATUS:            /* a reset among them */
        return page_words(r, page, VIRTIO_MMIO_DEVICE_FEATURES, VIRTIO_MMIO_CONFIG);
    default: return SPAN(0, 0);         /* nothing a read returns */
    }
    return page_words(r, page, first, first + VIRTIO_MMIO_REG_BYTES);
}

/* Queue registers: only while the queue is not ready (4.2.3.2). */
static unsigned queue_write(struct virtio_regs *r, uint64_t off, uint32_t v)
{
    struct virtio_vq *q = r->queue_sel < r->nr_queues ? &r->vq[r->queue_sel] : NULL;
    if (!q)
        return VIRTIO_ACT_BAD;
    if (off == VIRTIO_MMIO_QUEUE_READY) {
        bool ready = v & VIRTIO_MMIO_QUEUE_READY_BIT;
        if (q->ready == ready)
            return 0;
        if (ready) {
            if (!is_pow2(q->num) || q->num > r->queue_max[r->queue_sel])
                return VIRTIO_ACT_BAD;  /* stays not ready: the driver reads it back */
        }
        q->ready = ready;
        return post(&r->pend_vq, 1u << r->queue_sel);
    }
    if (q->ready)
        return VIRTIO_ACT_BAD;
    switch (off) {
    case VIRTIO_MMIO_QUEUE_NUM: q->num = v; break;
    case VIRTIO_MMIO_QUEUE_DESC_LOW: SET_LOW(q->desc, v); break;
    case VIRTIO_MMIO_QUEUE_DESC_HIGH: SET_HIGH(q->desc, v); break;
    case VIRTIO_MMIO_QUEUE_DRIVER_LOW: SET_LOW(q->driver, v); break;
    case VIRTIO_MMIO_QUEUE_DRIVER_HIGH: SET_HIGH(q->driver, v); break;
    case VIRTIO_MMIO_QUEUE_DEVICE_LOW: SET_LOW(q->device, v); break;
    case VIRTIO_MMIO_QUEUE_DEVICE_HIGH: SET_HIGH(q->device, v); break;
    default: return VIRTIO_ACT_BAD;
    }
    return 0;
}

bool virtio_regs_post_reset(struct virtio_regs *r)
{
    virtio_regs_reset(r);
    r->pend = VIRTIO_PEND_RESET;        /* the older events mean nothing now */
    r->pend_vq = r->pend_avail = 0;
    r->reset_gen++;
    return r->attached;
}

bool virtio_regs_reset_done(struct virtio_regs *r, uint64_t uid)
{
    if (uid != r->reset_gen || (r->pend & VIRTIO_PEND_RESET))
        return false;                   /* an older one, or one not yet told */
    r->reset_wait = false;
    return true;
}

static unsigned status_write(struct virtio_regs *r, uint32_t v)
{
    if (!v) {                           /* a device reset (4.2.2.1) */
        r->reset_wait = virtio_regs_post_reset(r);
        return VIRTIO_ACT_EVENT | (r->reset_wait ? VIRTIO_ACT_RESET : 0);
    }
    v &= VIRTIO_STATUS_MASK;
    /* FEATURES_OK only for features the device offered (3.1.1, step 5). */
    if ((v & VIRTIO_STATUS_FEATURES_OK) && !(r->status & VIRTIO_STATUS_FEATURES_OK) &&
        (r->drv_features & ~r->dev_features))
        v &= ~VIRTIO_STATUS_FEATURES_OK;
    if (v == r->status)
        return 0;
    r->status = v;
    return post(&r->pend, VIRTIO_PEND_STATUS);
}

unsigned virtio_regs_write(struct virtio_regs *r, uint64_t off, unsigned width, uint64_t val)
{
    uint32_t v = (uint32_t)val;
    if (off >= VIRTIO_MMIO_CONFIG)
        return config_write(r, off - VIRTIO_MMIO_CONFIG, width, val);
    if (width != VIRTIO_MMIO_REG_BYTES || (off & (VIRTIO_MMIO_REG_BYTES - 1)))
        return VIRTIO_ACT_BAD;
    switch (off) {
    case VIRTIO_MMIO_DEVICE_FEATURES_SEL: r->dev_features_sel = v; return 0;
    case VIRTIO_MMIO_DRIVER_FEATURES_SEL: r->drv_features_sel = v; return 0;
    case VIRTIO_MMIO_DRIVER_FEATURES:
        if (r->status & VIRTIO_STATUS_FEATURES_OK || r->drv_features_sel >= VIRTIO_FEATURE_WORDS)
            return VIRTIO_ACT_BAD;      /* fixed once FEATURES_OK; 64 bits only */
        if (r->drv_features_sel)
            SET_HIGH(r->drv_features, v);
        else
            SET_LOW(r->drv_features, v);
        return post(&r->pend, VIRTIO_PEND_FEATURES);
    case VIRTIO_MMIO_QUEUE_SEL: r->queue_sel = v; return 0;
    case VIRTIO_MMIO_QUEUE_NUM: case VIRTIO_MMIO_QUEUE_READY:
    case VIRTIO_MMIO_QUEUE_DESC_LOW: case VIRTIO_MMIO_QUEUE_DESC_HIGH:
    case VIRTIO_MMIO_QUEUE_DRIVER_LOW: case VIRTIO_MMIO_QUEUE_DRIVER_HIGH:
    case VIRTIO_MMIO_QUEUE_DEVICE_LOW: case VIRTIO_MMIO_QUEUE_DEVICE_HIGH:
        return queue_write(r, off, v);
    case VIRTIO_MMIO_QUEUE_NOTIFY:
        /* Asynchronous: a bit for the backend, nothing more (a storm is one event). */
        if (v >= r->nr_queues || !r->vq[v].ready)
            return VIRTIO_ACT_BAD;
        if (r->pend_avail & (1u << v))
            return 0;
        r->pend_avail |= 1u << v;
        return VIRTIO_ACT_EVENT;
    case VIRTIO_MMIO_INTERRUPT_ACK: r->int_status &= ~v; return 0;
    case VIRTIO_MMIO_STATUS: return status_write(r, v);
    case VIRTIO_MMIO_SHM_SEL: r->shm_sel = v; return 0;
    default: return VIRTIO_ACT_BAD;     /* read-only or reserved */
    }
}

static unsigned put_uid(uint8_t *buf, uint16_t dev_num, uint8_t id, uint16_t uid, const void *payload, unsigned len)
{
    struct virtio_msg_hdr h = {
        .type = VIRTIO_MSG_TYPE_TRANSPORT, .msg_id = id, .dev_num = dev_num, .msg_uid = uid,
        .msg_size = (uint16_t)(VIRTIO_MSG_HDR_BYTES + len),
    };
    memcpy(buf, &h, sizeof(h));
    memcpy(buf + VIRTIO_MSG_HDR_BYTES, payload, len);
    return VIRTIO_MSG_HDR_BYTES + len;
}

static unsigned put(uint8_t *buf, uint16_t dev_num, uint8_t id, const void *payload, unsigned len)
{
    return put_uid(buf, dev_num, id, 0, payload, len);
}

/* In the order a driver brings a device up (3.1.1): features, queues,
 * config, status, then the queues' notifications. */
unsigned virtio_regs_msg(struct virtio_regs *r, uint16_t dev_num, uint8_t *buf, bool peek)
{
    if (r->pend & VIRTIO_PEND_RESET) {
        struct virtio_msg_status m = { .status = 0 };
        if (!peek)
            r->pend &= ~VIRTIO_PEND_RESET;
        /* Its generation: RESET_DONE names it. */
        return put_uid(buf, dev_num, VIRTIO_MSG_SET_DEVICE_STATUS, r->reset_gen, &m, sizeof(m));
    }
    if (r->pend & VIRTIO_PEND_FEATURES) {
        struct virtio_msg_features m = { .index = 0, .num = VIRTIO_FEATURE_WORDS * VIRTIO_FEATURE_WORD_BITS, .features = r->drv_features };
        if (!peek)
            r->pend &= ~VIRTIO_PEND_FEATURES;
        return put(buf, dev_num, VIRTIO_MSG_SET_DRV_FEATURES, &m, sizeof(m));
    }
    if (r->pend_vq) {
        unsigned i = (unsigned)ctz64(r->pend_vq);
        const struct virtio_vq *q = &r->vq[i];
        struct virtio_msg_vqueue m = {
            .index = i, .flags = q->ready ? VIRTIO_MSG_VQ_READY : 0, .size = q->num,
            .desc_addr = q->desc, .driver_addr = q->driver, .device_addr = q->device,
        };
        if (!peek)
            r->pend_vq &= r->pend_vq - 1;
        return put(buf, dev_num, VIRTIO_MSG_SET_VQUEUE, &m, sizeof(m));
    }
    if (r->pend & VIRTIO_PEND_CONFIG) {
        struct virtio_msg_config m = { .generation = r->config_gen, .offset = 0, .size = r->config_len };
        memcpy(m.config, r->config, sizeof(m.config));
        if (!peek)
            r->pend &= ~VIRTIO_PEND_CONFIG;
        return put(buf, dev_num, VIRTIO_MSG_SET_CONFIG, &m, sizeof(m));
    }
    if (r->pend & VIRTIO_PEND_STATUS) {
        struct virtio_msg_status m = { .status = r->status };
        if (!peek)
            r->pend &= ~VIRTIO_PEND_STATUS;
        return put(buf, dev_num, VIRTIO_MSG_SET_DEVICE_STATUS, &m, sizeof(m));
    }
    if (r->pend_avail) {
        struct virtio_msg_avail m = { .index = (uint32_t)ctz64(r->pend_avail), .next_wrap = 0 };
        if (!peek)
            r->pend_avail &= r->pend_avail - 1;
        return put(buf, dev_num, VIRTIO_MSG_EVENT_AVAIL, &m, sizeof(m));
    }
    return 0;
}

unsigned virtio_regs_msg_count(const struct virtio_regs *r)
{
    return (unsigned)(popcount64(r->pend) + popcount64(r->pend_vq) + popcount64(r->pend_avail));
}
