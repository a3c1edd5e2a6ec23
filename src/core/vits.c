/* SPDX-License-Identifier: MIT */
/*
 * A virtual GICv3 ITS (core/vits.h, docs/its.md).  Choices the architecture
 * leaves to an implementation, and tofu's:
 * - The tables live in tofu (IHI 0069: their format, and the ITS's use of
 *   the memory software provides, are IMPLEMENTATION DEFINED): GITS_BASER0 is the
 *   device table, read-write so that a driver can size and place it, never
 *   read or written by tofu; MAPD's ITT_addr is ignored likewise.  The
 *   collections are all held in the ITS (GITS_TYPER.HCC = the vCPUs), so no
 *   GITS_BASER<n> is a collection table: BASER1..7 read Type 0 (none).
 * - GITS_TYPER.SEIS = 0: a command error raises nothing in the guest.  A
 *   command with bad arguments is dropped and processing goes on (the
 *   architecture lets an ITS ignore it); the queue stalls (GITS_CREADR.Stalled,
 *   until a GITS_CWRITER write with Retry) only when it cannot be read:
 *   GITS_CWRITER beyond the queue or between commands, or a command outside
 *   the VM's RAM.
 * - GITS_CBASER and GITS_BASER<n> are read-only while the ITS is enabled.
 * - Commands run to GITS_CWRITER within the write that moves it: GITS_CREADR
 *   equals GITS_CWRITER when the write returns, so SYNC has nothing to wait for.
 */
#include "core/vits.h"
#include "core/lib.h"
#include "core/mmio.h"

#define LOW32(v)        ((uint32_t)(v))
#define HALF_BYTES      4
#define REG_BYTES       8

_Static_assert(VITS_MAX_LPIS < UINT16_MAX, "vits_ite.lpi holds an LPI offset + 1");
_Static_assert(VITS_MAX_LPIS % 64 == 0, "lpi_used: whole words");
_Static_assert(VITS_EVENT_BITS <= 32, "EventIDs are 32-bit");

static const char *const err_names[VITS_E_COUNT] = {
    [VITS_OK] = "ok",
    [VITS_E_ACCESS] = "bad-access",
    [VITS_E_ENABLED] = "enabled",
    [VITS_E_NO_QUEUE] = "no-queue",
    [VITS_E_CWRITER_RANGE] = "cwriter-beyond-queue",
    [VITS_E_CWRITER_ALIGN] = "cwriter-misaligned",
    [VITS_E_QUEUE_FAULT] = "queue-outside-ram",
    [VITS_E_STALLED] = "stalled",
    [VITS_E_DISABLED] = "disabled",
    [VITS_E_UNKNOWN_CMD] = "unknown-command",
    [VITS_E_DEVICE_OOR] = "device-out-of-range",
    [VITS_E_DEVICE_NOT_OWNED] = "device-not-owned",
    [VITS_E_DEVICE_UNMAPPED] = "device-unmapped",
    [VITS_E_DEVICE_TABLE_FULL] = "device-table-full",
    [VITS_E_ITT_SIZE_OOR] = "itt-size-out-of-range",
    [VITS_E_EVENT_OOR] = "event-out-of-range",
    [VITS_E_EVENT_UNMAPPED] = "event-unmapped",
    [VITS_E_EVENT_MAPPED] = "event-mapped",
    [VITS_E_COLLECTION_OOR] = "collection-out-of-range",
    [VITS_E_COLLECTION_UNMAPPED] = "collection-unmapped",
    [VITS_E_PROCESSOR_OOR] = "processor-out-of-range",
    [VITS_E_LPI_OOR] = "lpi-out-of-range",
    [VITS_E_LPI_MAPPED] = "lpi-mapped",
};

const char *vits_err_name(enum vits_err err)
{
    return (unsigned)err < VITS_E_COUNT ? err_names[err] : "?";
}

/* ---- registers ------------------------------------------------------------ */

/* GITS_BASER0 after reset: a flat device table of 4 KiB pages, not valid. */
static uint64_t baser_dev_reset(void)
{
    return ((uint64_t)GITS_BASER_TYPE_DEVICE << GITS_BASER_TYPE_SHIFT) |
           ((uint64_t)(VITS_DEV_ENTRY_BYTES - 1) << GITS_BASER_ESZ_SHIFT);
}

/* What a guest may set in GITS_BASER0: Type and Entry_Size are read-only,
 * Indirect is RAZ/WI (a flat table: tofu never walks it anyway). */
#define BASER_RW (GITS_BASER_VALID | FIELD_MASK(GITS_CACHE_WIDTH, GITS_BASER_INNER_SHIFT) | \
                  FIELD_MASK(GITS_CACHE_WIDTH, GITS_BASER_OUTER_SHIFT) | \
                  FIELD_MASK(GITS_BASER_PA_WIDTH, GITS_BASER_PA_SHIFT) | \
                  FIELD_MASK(GITS_SHARE_WIDTH, GITS_BASER_SHARE_SHIFT) | \
                  FIELD_MASK(GITS_BASER_PSZ_WIDTH, GITS_BASER_PSZ_SHIFT) | FIELD_MASK(GITS_BASER_SIZE_WIDTH, 0))
#define CBASER_RW (GITS_CBASER_VALID | FIELD_MASK(GITS_CACHE_WIDTH, GITS_CBASER_INNER_SHIFT) | \
                   FIELD_MASK(GITS_CACHE_WIDTH, GITS_CBASER_OUTER_SHIFT) | \
                   FIELD_MASK(GITS_CBASER_PA_WIDTH, GITS_CBASER_PA_SHIFT) | \
                   FIELD_MASK(GITS_SHARE_WIDTH, GITS_CBASER_SHARE_SHIFT) | FIELD_MASK(GITS_CBASER_SIZE_WIDTH, 0))
#define CQ_OFFSET_MASK FIELD_MASK(GITS_CQ_OFFSET_WIDTH, GITS_CQ_OFFSET_SHIFT)

static uint64_t typer(const struct vits *its)
{
    return GITS_TYPER_PHYSICAL |
           ((uint64_t)(VITS_ITT_ENTRY_BYTES - 1) << GITS_TYPER_ITT_ESZ_SHIFT) |
           ((uint64_t)(VITS_EVENT_BITS - 1) << GITS_TYPER_IDBITS_SHIFT) |
           ((uint64_t)(VITS_DEVID_BITS - 1) << GITS_TYPER_DEVBITS_SHIFT) |
           ((uint64_t)its->nr_vcpus << GITS_TYPER_HCC_SHIFT);
    /* PTA 0: RDbase is a processor number; SEIS, CIL, Virtual 0. */
}

/* PIDR0..4 and CIDR0..3: implementer Arm (as GITS_IIDR and the vGIC's
 * GICD_IIDR), part 0, ArchRev 3. */
static uint32_t id_reg(uint64_t off)
{
    if (off >= GITS_CIDR0)
        return (uint32_t)FIELD_GET(GITS_CIDR_PREAMBLE, GITS_ID_BITS, GITS_ID_BITS * ((off - GITS_CIDR0) / GITS_ID_STRIDE));
    switch (off) {
    case GITS_PIDR1: return (GITS_JEP106_ARM_ID & FIELD_MASK(GITS_JEP106_LOW_BITS, 0)) << GITS_PIDR1_JEP106_SHIFT;
    case GITS_PIDR2:
        return (GITS_PIDR2_ARCHREV_GICV3 << GITS_PIDR2_ARCHREV_SHIFT) | (uint32_t)GITS_PIDR2_JEDEC |
               ((GITS_JEP106_ARM_ID >> GITS_JEP106_LOW_BITS) & GITS_PIDR2_JEP106_MASK);
    case GITS_PIDR4: return GITS_JEP106_ARM_CONT;
    default: return 0;              /* PIDR0 (part 0), PIDR3, PIDR5..7 */
    }
}

static uint64_t queue_bytes(const struct vits *its)
{
    return (FIELD_GET(its->cbaser, GITS_CBASER_SIZE_WIDTH, 0) + 1) * GITS_CBASER_PAGE;
}

static uint64_t queue_base(const struct vits *its)
{
    return its->cbaser & FIELD_MASK(GITS_CBASER_PA_WIDTH, GITS_CBASER_PA_SHIFT);
}

static bool is_reg64(uint64_t off)
{
    return off == GITS_TYPER || off == GITS_CBASER || off == GITS_CWRITER || off == GITS_CREADR ||
           (off >= GITS_BASER && off < GITS_BASER + GITS_BASER_COUNT * REG_BYTES);
}

/* The 64-bit register's value, or false when `reg` is none. */
static bool reg64_value(const struct vits *its, uint64_t reg, uint64_t *v)
{
    switch (reg) {
    case GITS_TYPER: *v = typer(its); return true;
    case GITS_CBASER: *v = its->cbaser; return true;
    case GITS_CWRITER: *v = its->cwriter; return true;
    case GITS_CREADR: *v = its->creadr | (its->stalled ? GITS_CREADR_STALLED : 0); return true;
    case GITS_BASER: *v = its->baser_dev; return true;
    default:
        if (reg > GITS_BASER && reg < GITS_BASER + GITS_BASER_COUNT * REG_BYTES) {
            *v = 0;                 /* Type 0: not implemented */
            return true;
        }
        return false;
    }
}

enum vits_err vits_read(const struct vits *its, uint64_t off, unsigned width, uint64_t *val)
{
    *val = 0;
    if ((width != HALF_BYTES && width != REG_BYTES) || (off & (width - 1)) || off >= GITS_FRAME_SIZE)
        return VITS_E_ACCESS;       /* the translation frame is write-only */
    uint64_t reg = off & ~(uint64_t)(REG_BYTES - 1), v = 0;
    if (is_reg64(reg)) {
        reg64_value(its, reg, &v);
        *val = mmio_reg64_read(v, off & HALF_BYTES, width);
        return VITS_OK;
    }
    if (width != HALF_BYTES)
        return VITS_E_ACCESS;
    if (off == GITS_CTLR)
        *val = its->enabled ? GITS_CTLR_ENABLED : GITS_CTLR_QUIESCENT;   /* quiescent whenever disabled */
    else if (off == GITS_IIDR)
        *val = VITS_IIDR;
    else if (off >= GITS_PIDR4 && off <= GITS_CIDR3)
        *val = id_reg(off);
    else
        return VITS_E_ACCESS;       /* reserved: RAZ */
    return VITS_OK;
}

/* ---- the tables ----------------------------------------------------------- */

/* The slot of a mapped device, or VITS_MAX_DEVICES. */
static unsigned find_device(const struct vits *its, uint32_t device_id)
{
    unsigned i = 0;
    while (i < VITS_MAX_DEVICES && !(its->dev[i].valid && its->dev[i].device_id == device_id))
        i++;
    return i;
}

static bool lpi_taken(const struct vits *its, uint32_t off)
{
    return its->lpi_used[off / 64] & BIT(off % 64);
}

static void lpi_mark(struct vits *its, uint32_t off, bool used)
{
    if (used)
        its->lpi_used[off / 64] |= BIT(off % 64);
    else
        its->lpi_used[off / 64] &= ~BIT(off % 64);
}

static void unmap_device(struct vits *its, struct vits_device *d)
{
    for (unsigned e = 0; e < VITS_MAX_EVENTS; e++)
        if (d->ite[e].lpi)
            lpi_mark(its, d->ite[e].lpi - 1u, false);
    memset(d, 0, sizeof(*d));
}

/* The slot of the device with a live translation of `event_id`, or why there is none. */
static enum vits_err find_ite(const struct vits *its, uint32_t device_id, uint32_t event_id, unsigned *slot)
{
    unsigned i = find_device(its, device_id);
    if (i == VITS_MAX_DEVICES)
        return VITS_E_DEVICE_UNMAPPED;
    if (event_id >> its->dev[i].event_bits)
        return VITS_E_EVENT_OOR;
    if (!its->dev[i].ite[event_id].lpi)
        return VITS_E_EVENT_UNMAPPED;
    *slot = i;
    return VITS_OK;
}

/* The vCPU a translation targets, or why none. */
static enum vits_err target(const struct vits *its, const struct vits_ite *ite, uint32_t *vcpu)
{
    if (!its->coll[ite->icid].valid)
        return VITS_E_COLLECTION_UNMAPPED;
    *vcpu = its->coll[ite->icid].vcpu;
    return VITS_OK;
}

enum vits_err vits_lookup(const struct vits *its, uint32_t device_id, uint32_t event_id, uint32_t *lpi,
                          uint32_t *vcpu)
{
    unsigned slot;
    enum vits_err e = find_ite(its, device_id, event_id, &slot);
    if (e == VITS_OK)
        e = target(its, &its->dev[slot].ite[event_id], vcpu);
    if (e == VITS_OK)
        *lpi = GIC_LPI_BASE_ID + its->dev[slot].ite[event_id].lpi - 1u;
    return e;
}

static void emit(struct vits *its, enum vits_fx_kind kind, uint32_t lpi, uint32_t vcpu, uint32_t to)
{
    struct vits_fx fx = { .kind = kind, .lpi = lpi, .vcpu = vcpu, .to = to };
    its->ops->effect(its->ctx, &fx);
}

enum vits_err vits_translate(struct vits *its, uint32_t device_id, uint32_t event_id)
{
    uint32_t lpi, vcpu;
    if (!its->enabled)
        return VITS_E_DISABLED;     /* GITS_CTLR.Enabled 0: no translation */
    enum vits_err e = vits_lookup(its, device_id, event_id, &lpi, &vcpu);
    if (e == VITS_OK)
        emit(its, VITS_FX_PEND, lpi, vcpu, 0);
    return e;
}

/* ---- commands (IHI 0069, the ITS commands) -------------------------------- */

static uint32_t cmd_devid(const uint64_t *c) { return (uint32_t)FIELD_GET(c[0], GITS_CMD_DEVID_WIDTH, GITS_CMD_DEVID_SHIFT); }
static uint32_t cmd_event(const uint64_t *c) { return (uint32_t)FIELD_GET(c[GITS_CMD_DW_EVENT], GITS_CMD_EVENTID_WIDTH, 0); }
static uint32_t cmd_icid(const uint64_t *c) { return (uint32_t)FIELD_GET(c[GITS_CMD_DW_ICID], GITS_CMD_ICID_WIDTH, 0); }
static uint64_t cmd_rdbase(uint64_t dw) { return FIELD_GET(dw, GITS_CMD_RDBASE_WIDTH, GITS_CMD_RDBASE_SHIFT); }

static enum vits_err cmd_mapd(struct vits *its, const uint64_t *c)
{
    uint32_t id = cmd_devid(c);
    unsigned size = (unsigned)FIELD_GET(c[GITS_CMD_DW_EVENT], GITS_CMD_ITT_SIZE_WIDTH, 0);
    if (id >> VITS_DEVID_BITS)
        return VITS_E_DEVICE_OOR;
    if (!its->ops->owns_device(its->ctx, id))
        return VITS_E_DEVICE_NOT_OWNED;
    unsigned i = find_device(its, id);
    struct vits_device *d = i < VITS_MAX_DEVICES ? &its->dev[i] : NULL;
    if (!(c[GITS_CMD_DW_ICID] & GITS_CMD_VALID)) {
        if (d)                      /* its translations go; pending LPIs stay pending */
            unmap_device(its, d);
        return VITS_OK;
    }
    if (size + 1 > VITS_EVENT_BITS)
        return VITS_E_ITT_SIZE_OOR;
    for (i = 0; !d && i < VITS_MAX_DEVICES; i++)
        if (!its->dev[i].valid)
            d = &its->dev[i];
    if (!d)
        return VITS_E_DEVICE_TABLE_FULL;
    unmap_device(its, d);           /* a mapped device mapped again starts with an empty ITT */
    d->valid = true;
    d->device_id = id;
    d->event_bits = (uint8_t)(size + 1);
    return VITS_OK;
}

static enum vits_err cmd_mapc(struct vits *its, const uint64_t *c)
{
    uint32_t icid = cmd_icid(c);
    uint64_t rd = cmd_rdbase(c[GITS_CMD_DW_ICID]);
    if (icid >= its->nr_vcpus)
        return VITS_E_COLLECTION_OOR;
    if (!(c[GITS_CMD_DW_ICID] & GITS_CMD_VALID)) {
        its->coll[icid].valid = false;
        return VITS_OK;
    }
    if (rd >= its->nr_vcpus)
        return VITS_E_PROCESSOR_OOR;
    its->coll[icid].valid = true;
    its->coll[icid].vcpu = (uint16_t)rd;
    return VITS_OK;
}

/* MAPTI, and MAPI (pINTID = EventID). */
static enum vits_err cmd_mapti(struct vits *its, const uint64_t *c, bool mapi)
{
    uint32_t event = cmd_event(c), icid = cmd_icid(c);
    uint32_t intid = mapi ? event : (uint32_t)FIELD_GET(c[GITS_CMD_DW_EVENT], GITS_CMD_PINTID_WIDTH, GITS_CMD_PINTID_SHIFT);
    unsigned i = find_device(its, cmd_devid(c));
    if (i == VITS_MAX_DEVICES)
        return VITS_E_DEVICE_UNMAPPED;
    struct vits_device *d = &its->dev[i];
    if (event >> d->event_bits)
        return VITS_E_EVENT_OOR;
    if (icid >= its->nr_vcpus)
        return VITS_E_COLLECTION_OOR;
    if (intid < GIC_LPI_BASE_ID || intid - GIC_LPI_BASE_ID >= its->nr_lpis)
        return VITS_E_LPI_OOR;
    /* Both UNPREDICTABLE (MAPTI): one translation per event, one event per
     * LPI, so that an LPI always has one target the vGIC can follow. */
    if (d->ite[event].lpi)
        return VITS_E_EVENT_MAPPED;
    if (lpi_taken(its, intid - GIC_LPI_BASE_ID))
        return VITS_E_LPI_MAPPED;
    d->ite[event].lpi = (uint16_t)(intid - GIC_LPI_BASE_ID + 1);
    d->ite[event].icid = (uint16_t)icid;
    lpi_mark(its, intid - GIC_LPI_BASE_ID, true);
    return VITS_OK;
}

static enum vits_err cmd_movi(struct vits *its, const uint64_t *c)
{
    unsigned slot;
    uint32_t icid = cmd_icid(c), from;
    enum vits_err e = find_ite(its, cmd_devid(c), cmd_event(c), &slot);
    if (e)
        return e;
    struct vits_ite *ite = &its->dev[slot].ite[cmd_event(c)];
    if (icid >= its->nr_vcpus)
        return VITS_E_COLLECTION_OOR;
    if (!its->coll[icid].valid)
        return VITS_E_COLLECTION_UNMAPPED;
    uint32_t to = its->coll[icid].vcpu;
    /* From an unmapped collection there is no target to move from. */
    if (target(its, ite, &from) == VITS_OK && from != to)
        emit(its, VITS_FX_MOVE, GIC_LPI_BASE_ID + ite->lpi - 1u, from, to);
    ite->icid = (uint16_t)icid;
    return VITS_OK;
}

/* INT, CLEAR, INV, DISCARD: one translated event. */
static enum vits_err cmd_event_fx(struct vits *its, const uint64_t *c, unsigned num)
{
    unsigned slot;
    uint32_t vcpu;
    enum vits_err e = find_ite(its, cmd_devid(c), cmd_event(c), &slot);
    struct vits_ite *ite = e ? NULL : &its->dev[slot].ite[cmd_event(c)];
    if (e == VITS_OK)
        e = target(its, ite, &vcpu);
    if (e)
        return e;
    uint32_t lpi = GIC_LPI_BASE_ID + ite->lpi - 1u;
    switch (num) {
    case GITS_CMD_INT: emit(its, VITS_FX_PEND, lpi, vcpu, 0); break;
    case GITS_CMD_INV: emit(its, VITS_FX_INV, lpi, vcpu, 0); break;
    case GITS_CMD_DISCARD:
        lpi_mark(its, ite->lpi - 1u, false);
        ite->lpi = 0;
        ite->icid = 0;
        emit(its, VITS_FX_UNPEND, lpi, vcpu, 0);
        break;
    default: emit(its, VITS_FX_UNPEND, lpi, vcpu, 0); break;     /* CLEAR */
    }
    return VITS_OK;
}

/* Commands that may change what an event translates to (its LPI, its vCPU,
 * whether it translates): the others change pending states or
 * configuration, handed over as effects. */
static bool changes_translations(unsigned num)
{
    return num == GITS_CMD_MAPD || num == GITS_CMD_MAPC || num == GITS_CMD_MAPTI || num == GITS_CMD_MAPI ||
           num == GITS_CMD_MOVI || num == GITS_CMD_DISCARD;
}

static enum vits_err execute_one(struct vits *its, const uint64_t *c, unsigned num)
{
    switch (num) {
    case GITS_CMD_MAPD: return cmd_mapd(its, c);
    case GITS_CMD_MAPC: return cmd_mapc(its, c);
    case GITS_CMD_MAPTI: return cmd_mapti(its, c, false);
    case GITS_CMD_MAPI: return cmd_mapti(its, c, true);
    case GITS_CMD_MOVI: return cmd_movi(its, c);
    case GITS_CMD_INT: case GITS_CMD_CLEAR: case GITS_CMD_INV: case GITS_CMD_DISCARD:
        return cmd_event_fx(its, c, num);
    case GITS_CMD_INVALL: {
        uint32_t icid = cmd_icid(c);
        if (icid >= its->nr_vcpus)
            return VITS_E_COLLECTION_OOR;
        if (!its->coll[icid].valid)
            return VITS_E_COLLECTION_UNMAPPED;
        emit(its, VITS_FX_INV_ALL, 0, its->coll[icid].vcpu, 0);
        return VITS_OK;
    }
    case GITS_CMD_SYNC:
        /* Every earlier command's effect was handed over as it ran. */
        return cmd_rdbase(c[GITS_CMD_DW_ICID]) < its->nr_vcpus ? VITS_OK : VITS_E_PROCESSOR_OOR;
    case GITS_CMD_MOVALL: {
        /* Pending state moves; the collections stay mapped where they were (MOVALL). */
        uint64_t from = cmd_rdbase(c[GITS_CMD_DW_ICID]), to = cmd_rdbase(c[GITS_CMD_DW_RDBASE2]);
        if (from >= its->nr_vcpus || to >= its->nr_vcpus)
            return VITS_E_PROCESSOR_OOR;
        if (from != to)
            emit(its, VITS_FX_MOVE_ALL, 0, (uint32_t)from, (uint32_t)to);
        return VITS_OK;
    }
    default: return VITS_E_UNKNOWN_CMD;   /* GICv4 and reserved numbers */
    }
}

static enum vits_err execute(struct vits *its, const uint64_t *c)
{
    unsigned num = (unsigned)FIELD_GET(c[0], GITS_CMD_NUM_WIDTH, 0);
    enum vits_err err = execute_one(its, c, num);
    if (err == VITS_OK && changes_translations(num))
        its->map_gen++;
    return err;
}

/* Run the queue from GITS_CREADR to GITS_CWRITER.  Both are multiples of
 * a command below the queue's size, so the loop ends. */
static enum vits_err run_queue(struct vits *its)
{
    uint64_t size = queue_bytes(its), base = queue_base(its);
    if (!its->enabled || its->stalled)
        return its->stalled ? VITS_E_STALLED : VITS_OK;
    while (its->creadr != its->cwriter) {
        uint64_t c[GITS_CMD_DWORDS];
        if (!its->ops->read_ram(its->ctx, base + its->creadr, c, sizeof(c))) {
            its->stalled = true;    /* on this command: Retry reads it again */
            return VITS_E_QUEUE_FAULT;
        }
        enum vits_err e = execute(its, c);
        if (e)
            its->ops->refused(its->ctx, e, c);
        its->creadr = (uint32_t)((its->creadr + GITS_CMD_BYTES) % size);
    }
    return VITS_OK;
}

static enum vits_err write_cwriter(struct vits *its, uint64_t v)
{
    bool retry = v & GITS_CWRITER_RETRY;
    uint64_t off = v & CQ_OFFSET_MASK;
    if (v & FIELD_MASK(GITS_CQ_OFFSET_SHIFT - 1, 1)) {
        its->stalled = true;
        return VITS_E_CWRITER_ALIGN;
    }
    if (off >= queue_bytes(its)) {
        its->stalled = true;
        return VITS_E_CWRITER_RANGE;
    }
    its->cwriter = (uint32_t)off;
    if (its->stalled && !retry)
        return VITS_E_STALLED;
    its->stalled = false;
    return run_queue(its);
}

/* A write of `width` bytes at `off` into the 64-bit register `old`. */
static uint64_t merge(uint64_t old, uint64_t off, unsigned width, uint64_t val)
{
    return mmio_reg64_merge(old, off & HALF_BYTES, width, val);
}

enum vits_err vits_write(struct vits *its, uint64_t off, unsigned width, uint64_t val, uint32_t device_id)
{
    if (off == GITS_TRANSLATER && (width == 2 || width == HALF_BYTES))   /* a 16-bit EventID zero-extended */
        return vits_translate(its, device_id, (uint32_t)(val & FIELD_MASK(8 * width, 0)));
    if ((width != HALF_BYTES && width != REG_BYTES) || (off & (width - 1)) || off >= GITS_FRAME_SIZE)
        return VITS_E_ACCESS;
    uint64_t reg = off & ~(uint64_t)(REG_BYTES - 1);
    if (!is_reg64(reg) && width != HALF_BYTES)
        return VITS_E_ACCESS;
    switch (reg) {
    case GITS_CTLR:
        if (off != GITS_CTLR)
            return VITS_E_ACCESS;   /* GITS_IIDR */
        if (!(val & GITS_CTLR_ENABLED)) {
            its->map_gen += its->enabled;   /* nothing translates now */
            its->enabled = false;
            return VITS_OK;
        }
        if (its->enabled)
            return VITS_OK;
        if (!(its->cbaser & GITS_CBASER_VALID))
            return VITS_E_NO_QUEUE;
        its->enabled = true;
        its->map_gen++;
        return run_queue(its);      /* what was written to CWRITER before */
    case GITS_CBASER:
        if (its->enabled)
            return VITS_E_ENABLED;
        its->cbaser = merge(its->cbaser, off, width, val) & CBASER_RW;
        its->creadr = its->cwriter = 0;   /* a write resets GITS_CREADR */
        its->stalled = false;
        return VITS_OK;
    case GITS_CWRITER:
        if (off & HALF_BYTES)
            return VITS_OK;         /* [63:20] RES0 */
        return write_cwriter(its, LOW32(val));
    case GITS_BASER: {
        if (its->enabled)
            return VITS_E_ENABLED;
        uint64_t v = merge(its->baser_dev, off, width, val);
        if (FIELD_GET(v, GITS_BASER_PSZ_WIDTH, GITS_BASER_PSZ_SHIFT) > GITS_BASER_PSZ_64K)
            v &= ~FIELD_MASK(1, GITS_BASER_PSZ_SHIFT);   /* the reserved size: 64 KiB */
        v = (v & BASER_RW) | baser_dev_reset();
        /* A device table made valid, or moved: memory the guest gives the
         * ITS afresh, zeroed as a driver zeroes it (a second kernel after
         * kexec), so no device is mapped in it.  The translations were
         * tofu's: they go, with the LPIs they named. */
        uint64_t pa = FIELD_MASK(GITS_BASER_PA_WIDTH, GITS_BASER_PA_SHIFT);
        if ((v & GITS_BASER_VALID) &&
            (!(its->baser_dev & GITS_BASER_VALID) || ((v ^ its->baser_dev) & pa))) {
            memset(its->dev, 0, sizeof(its->dev));
            memset(its->lpi_used, 0, sizeof(its->lpi_used));
            its->map_gen++;
        }
        its->baser_dev = v;
        return VITS_OK;
    }
    default:
        if (reg > GITS_BASER && reg < GITS_BASER + GITS_BASER_COUNT * REG_BYTES)
            return VITS_OK;         /* not implemented: WI */
        return VITS_E_ACCESS;       /* TYPER, CREADR, the ID registers, reserved */
    }
}

/* ---- life ------------------------------------------------------------------ */

void vits_reset(struct vits *its)
{
    its->enabled = its->stalled = false;
    its->map_gen++;
    its->cbaser = 0;
    its->baser_dev = baser_dev_reset();
    its->cwriter = its->creadr = 0;
    memset(its->coll, 0, sizeof(its->coll));
    memset(its->dev, 0, sizeof(its->dev));
    memset(its->lpi_used, 0, sizeof(its->lpi_used));
}

int vits_init(struct vits *its, const struct vits_config *cfg, const struct vits_ops *ops, void *ctx)
{
    if (!cfg->nr_vcpus || cfg->nr_vcpus > VITS_MAX_COLLECTIONS || cfg->nr_lpis > VITS_MAX_LPIS)
        return E_INVAL;
    its->ops = ops;
    its->ctx = ctx;
    its->nr_vcpus = cfg->nr_vcpus;
    its->nr_lpis = cfg->nr_lpis;
    vits_reset(its);
    return E_OK;
}
