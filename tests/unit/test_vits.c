/* SPDX-License-Identifier: MIT */
/* src/core/vits.c: the virtual ITS's registers, command queue and tables. */
#include <string.h>
#include "unit.h"
#include "core/vits.h"

#define RAM_BASE    0x40000000ull
#define RAM_SIZE    0x10000ull          /* the queue's page and room to move it */
#define QUEUE       RAM_BASE            /* one 4 KiB page: 128 commands */
#define QUEUE_BYTES 0x1000u
#define NR_VCPUS    4
#define NR_LPIS     1024
#define FOREIGN     0x0020u             /* a DeviceID another VM owns */
#define OWNED_MAX   0x1000u             /* the VM owns DeviceIDs below, but FOREIGN */
#define DEV_A       0x0008u
#define DEV_B       0x0010u
#define LPI(n)      (GIC_LPI_BASE_ID + (n))

static struct vits its;
static uint8_t ram[RAM_SIZE];
static uint32_t gw;                     /* the guest's queue write offset */
static struct vits_fx fx[64];
static unsigned nfx, npend;            /* effects logged; PEND effects ever */
static struct { enum vits_err err; uint64_t cmd[GITS_CMD_DWORDS]; } refusals[64];
static unsigned nref;

static bool read_ram(void *ctx, uint64_t ipa, void *buf, size_t len)
{
    (void)ctx;
    if (ipa < RAM_BASE || ipa - RAM_BASE > RAM_SIZE || len > RAM_SIZE - (ipa - RAM_BASE))
        return false;
    memcpy(buf, ram + (ipa - RAM_BASE), len);
    return true;
}

static bool owns_device(void *ctx, uint32_t id)
{
    (void)ctx;
    return id < OWNED_MAX && id != FOREIGN;
}

static void effect(void *ctx, const struct vits_fx *f)
{
    (void)ctx;
    assert_true(f->vcpu < NR_VCPUS);
    assert_true(f->to < NR_VCPUS);
    if (f->kind != VITS_FX_MOVE_ALL && f->kind != VITS_FX_INV_ALL)
        assert_true(f->lpi >= GIC_LPI_BASE_ID && f->lpi < GIC_LPI_BASE_ID + NR_LPIS);
    npend += f->kind == VITS_FX_PEND;
    if (nfx < ARRAY_SIZE(fx))
        fx[nfx] = *f;
    nfx++;
}

static void refused(void *ctx, enum vits_err err, const uint64_t cmd[GITS_CMD_DWORDS])
{
    (void)ctx;
    assert_true(err != VITS_OK && err < VITS_E_COUNT);
    if (nref < ARRAY_SIZE(refusals)) {
        refusals[nref].err = err;
        memcpy(refusals[nref].cmd, cmd, sizeof(refusals[nref].cmd));
    }
    nref++;
}

static const struct vits_ops ops = { read_ram, owns_device, effect, refused };

static uint64_t rd(uint64_t off, unsigned width)
{
    uint64_t v = 0xdead;
    assert_int_equal(vits_read(&its, off, width, &v), VITS_OK);
    return v;
}

static enum vits_err wr(uint64_t off, unsigned width, uint64_t v)
{
    return vits_write(&its, off, width, v, 0);
}

static void clear_log(void)
{
    nfx = nref = 0;
}

/* Initialised, queue at QUEUE, not enabled. */
static int setup_disabled(void **state)
{
    (void)state;
    struct vits_config cfg = { .nr_vcpus = NR_VCPUS, .nr_lpis = NR_LPIS };
    memset(ram, 0, sizeof(ram));
    assert_int_equal(vits_init(&its, &cfg, &ops, NULL), E_OK);
    assert_int_equal(wr(GITS_CBASER, 8, GITS_CBASER_VALID | QUEUE), VITS_OK);
    gw = 0;
    clear_log();
    return 0;
}

static int setup(void **state)
{
    setup_disabled(state);
    assert_int_equal(wr(GITS_CTLR, 4, GITS_CTLR_ENABLED), VITS_OK);
    return 0;
}

/* ---- building commands in the guest's queue ------------------------------ */

static void put(uint64_t dw0, uint64_t dw1, uint64_t dw2, uint64_t dw3)
{
    uint64_t c[GITS_CMD_DWORDS] = { dw0, dw1, dw2, dw3 };
    memcpy(ram + (QUEUE - RAM_BASE) + gw, c, sizeof(c));
    gw = (gw + GITS_CMD_BYTES) % QUEUE_BYTES;
}

static uint64_t dev_dw0(unsigned num, uint32_t dev)
{
    return num | ((uint64_t)dev << GITS_CMD_DEVID_SHIFT);
}

static void q_mapd(uint32_t dev, unsigned size, bool valid)
{
    put(dev_dw0(GITS_CMD_MAPD, dev), size, (valid ? GITS_CMD_VALID : 0) | (0x50000ull << GITS_CMD_ITT_ADDR_SHIFT), 0);
}

static void q_mapc(uint32_t icid, uint64_t rdbase, bool valid)
{
    put(GITS_CMD_MAPC, 0, (valid ? GITS_CMD_VALID : 0) | (rdbase << GITS_CMD_RDBASE_SHIFT) | icid, 0);
}

static void q_mapti(uint32_t dev, uint32_t ev, uint32_t intid, uint32_t icid)
{
    put(dev_dw0(GITS_CMD_MAPTI, dev), ev | ((uint64_t)intid << GITS_CMD_PINTID_SHIFT), icid, 0);
}

static void q_ev(unsigned num, uint32_t dev, uint32_t ev, uint32_t icid)
{
    put(dev_dw0(num, dev), ev, icid, 0);
}

static void q_invall(uint32_t icid)
{
    put(GITS_CMD_INVALL, 0, icid, 0);
}

static void q_sync(uint64_t rdbase)
{
    put(GITS_CMD_SYNC, 0, rdbase << GITS_CMD_RDBASE_SHIFT, 0);
}

static void q_movall(uint64_t from, uint64_t to)
{
    put(GITS_CMD_MOVALL, 0, from << GITS_CMD_RDBASE_SHIFT, to << GITS_CMD_RDBASE_SHIFT);
}

/* Hand the queued commands to the ITS: they all run in the write. */
static void go(void)
{
    assert_int_equal(wr(GITS_CWRITER, 8, gw), VITS_OK);
    assert_int_equal(rd(GITS_CREADR, 8), gw);
}

static void expect_fx(unsigned i, enum vits_fx_kind kind, uint32_t lpi, uint32_t vcpu, uint32_t to)
{
    assert_true(i < nfx);
    assert_int_equal(fx[i].kind, kind);
    assert_int_equal(fx[i].lpi, lpi);
    assert_int_equal(fx[i].vcpu, vcpu);
    if (kind == VITS_FX_MOVE || kind == VITS_FX_MOVE_ALL)
        assert_int_equal(fx[i].to, to);
}

/* Linux's order: a collection per CPU, INVALL, then a device and its events. */
static void map_basic(void)
{
    for (uint32_t c = 0; c < NR_VCPUS; c++) {
        q_mapc(c, c, true);
        q_invall(c);
    }
    q_mapd(DEV_A, 4, true);             /* 32 events */
    q_mapti(DEV_A, 3, LPI(8), 2);       /* event 3 -> LPI 8200 on collection 2 (vCPU 2) */
    q_ev(GITS_CMD_INV, DEV_A, 3, 0);
    q_sync(2);
    go();
    assert_int_equal(nref, 0);
    assert_int_equal(nfx, NR_VCPUS + 1);
    expect_fx(NR_VCPUS, VITS_FX_INV, LPI(8), 2, 0);
    clear_log();
}

/* ---- tests ------------------------------------------------------------------ */

static void test_registers(void **state)
{
    (void)state;
    uint64_t t = rd(GITS_TYPER, 8);
    assert_true(t & GITS_TYPER_PHYSICAL);
    assert_false(t & (GITS_TYPER_VIRTUAL | GITS_TYPER_PTA | GITS_TYPER_SEIS | GITS_TYPER_CIL | GITS_TYPER_CCT));
    assert_int_equal(FIELD_GET(t, GITS_TYPER_ITT_ESZ_WIDTH, GITS_TYPER_ITT_ESZ_SHIFT) + 1, VITS_ITT_ENTRY_BYTES);
    assert_int_equal(FIELD_GET(t, GITS_TYPER_IDBITS_WIDTH, GITS_TYPER_IDBITS_SHIFT) + 1, VITS_EVENT_BITS);
    assert_int_equal(FIELD_GET(t, GITS_TYPER_DEVBITS_WIDTH, GITS_TYPER_DEVBITS_SHIFT) + 1, 16);
    assert_int_equal(FIELD_GET(t, GITS_TYPER_HCC_WIDTH, GITS_TYPER_HCC_SHIFT), NR_VCPUS);
    assert_int_equal(rd(GITS_TYPER, 4), (uint32_t)t);
    assert_int_equal(rd(GITS_TYPER + 4, 4), t >> 32);
    assert_int_equal(rd(GITS_CTLR, 4), GITS_CTLR_QUIESCENT);     /* disabled: quiescent */
    assert_int_equal(rd(GITS_IIDR, 4) & 0xfff, 0x43b);          /* Arm */
    assert_int_equal(FIELD_GET(rd(GITS_PIDR2, 4), 4, GITS_PIDR2_ARCHREV_SHIFT), 3);
    assert_int_equal(rd(GITS_CIDR0, 4), 0x0d);
    assert_int_equal(rd(GITS_CIDR0 + 4, 4), 0xf0);
    assert_int_equal(rd(GITS_CIDR0 + 8, 4), 0x05);
    assert_int_equal(rd(GITS_CIDR3, 4), 0xb1);
    assert_int_equal(rd(GITS_PIDR4, 4), 4);
    /* The command queue's registers. */
    assert_int_equal(rd(GITS_CBASER, 8), GITS_CBASER_VALID | QUEUE);
    assert_int_equal(rd(GITS_CBASER + 4, 4), (GITS_CBASER_VALID | QUEUE) >> 32);
    assert_int_equal(rd(GITS_CWRITER, 8), 0);
    assert_int_equal(rd(GITS_CREADR, 8), 0);
    assert_int_equal(wr(GITS_CREADR, 8, 0x40), VITS_E_ACCESS);  /* read-only */
    assert_int_equal(rd(GITS_CREADR, 8), 0);
    /* BASER0 the device table, the rest unimplemented. */
    uint64_t b = rd(GITS_BASER, 8);
    assert_int_equal(FIELD_GET(b, GITS_BASER_TYPE_WIDTH, GITS_BASER_TYPE_SHIFT), GITS_BASER_TYPE_DEVICE);
    assert_int_equal(FIELD_GET(b, GITS_BASER_ESZ_WIDTH, GITS_BASER_ESZ_SHIFT) + 1, VITS_DEV_ENTRY_BYTES);
    assert_false(b & GITS_BASER_VALID);
    for (unsigned n = 1; n < GITS_BASER_COUNT; n++) {
        assert_int_equal(rd(GITS_BASER + 8 * n, 8), 0);
        assert_int_equal(wr(GITS_BASER + 8 * n, 8, ~0ull), VITS_OK);     /* WI */
        assert_int_equal(rd(GITS_BASER + 8 * n, 8), 0);
    }
    /* A driver sizing the table: Valid, address, page size and size stick;
     * Type, Entry_Size stay; Indirect is RAZ/WI. */
    uint64_t w = GITS_BASER_VALID | GITS_BASER_INDIRECT | (0x48000000ull) |
                 ((uint64_t)GITS_BASER_PSZ_64K << GITS_BASER_PSZ_SHIFT) | 7;
    assert_int_equal(wr(GITS_BASER, 8, w), VITS_OK);
    b = rd(GITS_BASER, 8);
    assert_int_equal(b, (w & ~GITS_BASER_INDIRECT) | ((uint64_t)GITS_BASER_TYPE_DEVICE << GITS_BASER_TYPE_SHIFT) |
                        ((uint64_t)(VITS_DEV_ENTRY_BYTES - 1) << GITS_BASER_ESZ_SHIFT));
    assert_int_equal(FIELD_GET(b, GITS_BASER_TYPE_WIDTH, GITS_BASER_TYPE_SHIFT), GITS_BASER_TYPE_DEVICE);
    assert_int_equal(wr(GITS_BASER, 4, 3u << GITS_BASER_PSZ_SHIFT), VITS_OK);   /* reserved: 64 KiB */
    assert_int_equal(FIELD_GET(rd(GITS_BASER, 8), GITS_BASER_PSZ_WIDTH, GITS_BASER_PSZ_SHIFT), GITS_BASER_PSZ_64K);
    assert_true(rd(GITS_BASER + 4, 4) & (GITS_BASER_VALID >> 32));               /* the high half kept */
    /* Accesses the frame does not have. */
    uint64_t v = 1;
    assert_int_equal(vits_read(&its, GITS_CTLR, 1, &v), VITS_E_ACCESS);
    assert_int_equal(v, 0);
    assert_int_equal(vits_read(&its, GITS_CTLR, 8, &v), VITS_E_ACCESS);
    assert_int_equal(vits_read(&its, GITS_TYPER + 2, 4, &v), VITS_E_ACCESS);
    assert_int_equal(vits_read(&its, 0x0040, 4, &v), VITS_E_ACCESS);             /* reserved */
    assert_int_equal(vits_read(&its, GITS_TRANSLATER, 4, &v), VITS_E_ACCESS);    /* write-only */
    assert_int_equal(wr(GITS_TYPER, 8, 0), VITS_E_ACCESS);
    assert_int_equal(wr(GITS_IIDR, 4, 0), VITS_E_ACCESS);
    assert_int_equal(wr(GITS_PIDR2, 4, 0), VITS_E_ACCESS);
    assert_int_equal(wr(GITS_CTLR, 2, 1), VITS_E_ACCESS);
    assert_int_equal(wr(GITS_TRANSLATER, 8, 1), VITS_E_ACCESS);
    assert_int_equal(rd(GITS_CTLR, 4), GITS_CTLR_QUIESCENT);
    assert_int_equal(nfx + nref, 0);
}

/* Linux's its_probe_one() and its_alloc_tables(): Indirect probed and found
 * RAZ, then the flat table it allocates must read back exactly as written,
 * the queue's shareability too, before it enables the ITS. */
static void test_linux_probe_sequence(void **state)
{
    (void)state;
    uint64_t b = rd(GITS_BASER, 8);
    uint64_t type = FIELD_GET(b, GITS_BASER_TYPE_WIDTH, GITS_BASER_TYPE_SHIFT);
    uint64_t esz = FIELD_GET(b, GITS_BASER_ESZ_WIDTH, GITS_BASER_ESZ_SHIFT) + 1;
    uint64_t devbits = FIELD_GET(rd(GITS_TYPER, 8), GITS_TYPER_DEVBITS_WIDTH, GITS_TYPER_DEVBITS_SHIFT) + 1;
    uint64_t bytes = esz << devbits, psz = 0x10000;     /* 512 KiB in 64 KiB pages */
    uint64_t val = GITS_BASER_VALID | (7ull << GITS_BASER_INNER_SHIFT) | (type << GITS_BASER_TYPE_SHIFT) |
                   ((esz - 1) << GITS_BASER_ESZ_SHIFT) | 0x48000000ull | (1ull << GITS_BASER_SHARE_SHIFT) |
                   ((uint64_t)GITS_BASER_PSZ_64K << GITS_BASER_PSZ_SHIFT) | (bytes / psz - 1);
    assert_int_equal(wr(GITS_BASER, 8, val | GITS_BASER_INDIRECT), VITS_OK);
    assert_false(rd(GITS_BASER, 8) & GITS_BASER_INDIRECT);
    assert_int_equal(wr(GITS_BASER, 8, val), VITS_OK);
    assert_int_equal(rd(GITS_BASER, 8), val);
    uint64_t cb = GITS_CBASER_VALID | (7ull << GITS_CBASER_INNER_SHIFT) | QUEUE | (1ull << GITS_CBASER_SHARE_SHIFT) | 15;
    assert_int_equal(wr(GITS_CBASER, 8, cb), VITS_OK);
    assert_int_equal(rd(GITS_CBASER, 8), cb);
    assert_int_equal(wr(GITS_CWRITER, 8, 0), VITS_OK);
    assert_int_equal(wr(GITS_CTLR, 4, rd(GITS_CTLR, 4) | GITS_CTLR_ENABLED), VITS_OK);
    assert_int_equal(rd(GITS_CTLR, 4), GITS_CTLR_ENABLED);
    assert_int_equal(nfx + nref, 0);
}

static void test_enable_and_readonly_while_enabled(void **state)
{
    (void)state;
    assert_int_equal(wr(GITS_CBASER, 8, QUEUE), VITS_OK);                        /* not valid */
    assert_int_equal(wr(GITS_CTLR, 4, GITS_CTLR_ENABLED), VITS_E_NO_QUEUE);
    assert_int_equal(rd(GITS_CTLR, 4), GITS_CTLR_QUIESCENT);
    assert_int_equal(vits_translate(&its, DEV_A, 0), VITS_E_DISABLED);
    /* Commands written while disabled run when it is enabled. */
    assert_int_equal(wr(GITS_CBASER, 4, (uint32_t)QUEUE), VITS_OK);
    assert_int_equal(wr(GITS_CBASER + 4, 4, GITS_CBASER_VALID >> 32), VITS_OK);
    assert_int_equal(rd(GITS_CBASER, 8), GITS_CBASER_VALID | QUEUE);
    q_mapc(0, 1, true);
    q_invall(0);
    assert_int_equal(wr(GITS_CWRITER, 8, gw), VITS_OK);
    assert_int_equal(rd(GITS_CREADR, 8), 0);
    assert_int_equal(nfx, 0);
    assert_int_equal(wr(GITS_CTLR, 4, GITS_CTLR_ENABLED), VITS_OK);
    assert_int_equal(rd(GITS_CTLR, 4), GITS_CTLR_ENABLED);
    assert_int_equal(rd(GITS_CREADR, 8), gw);
    assert_int_equal(nfx, 1);
    expect_fx(0, VITS_FX_INV_ALL, 0, 1, 0);
    /* Enabled: CBASER and BASER are read-only. */
    assert_int_equal(wr(GITS_CBASER, 8, GITS_CBASER_VALID | (QUEUE + 0x1000)), VITS_E_ENABLED);
    assert_int_equal(rd(GITS_CBASER, 8), GITS_CBASER_VALID | QUEUE);
    assert_int_equal(wr(GITS_BASER, 8, GITS_BASER_VALID), VITS_E_ENABLED);
    assert_false(rd(GITS_BASER, 8) & GITS_BASER_VALID);
    /* Disabled again: quiescent, mappings kept, MSIs dropped. */
    assert_int_equal(wr(GITS_CTLR, 4, 0), VITS_OK);
    assert_int_equal(rd(GITS_CTLR, 4), GITS_CTLR_QUIESCENT);
    assert_true(its.coll[0].valid);
}

static void test_mapti_then_int_delivers(void **state)
{
    (void)state;
    map_basic();
    q_ev(GITS_CMD_INT, DEV_A, 3, 0);
    go();
    assert_int_equal(nref, 0);
    assert_int_equal(nfx, 1);
    expect_fx(0, VITS_FX_PEND, LPI(8), 2, 0);
    uint32_t lpi, vcpu;
    assert_int_equal(vits_lookup(&its, DEV_A, 3, &lpi, &vcpu), VITS_OK);
    assert_int_equal(lpi, LPI(8));
    assert_int_equal(vcpu, 2);
    /* MAPI: the EventID is the LPI. */
    q_mapd(DEV_B, 15, false);           /* unmapping an unmapped device: nothing */
    q_mapd(DEV_B, 7, true);             /* 256 events */
    q_ev(GITS_CMD_MAPI, DEV_B, 200, 1); /* EventID 200 is no LPI */
    go();
    assert_int_equal(nref, 1);
    assert_int_equal(refusals[0].err, VITS_E_LPI_OOR);
}

static void test_movi_moves(void **state)
{
    (void)state;
    map_basic();
    q_ev(GITS_CMD_MOVI, DEV_A, 3, 3);   /* to collection 3, vCPU 3 */
    q_ev(GITS_CMD_INT, DEV_A, 3, 0);
    q_ev(GITS_CMD_MOVI, DEV_A, 3, 3);   /* where it is: nothing moves */
    q_mapc(1, 3, true);                 /* collection 1 on vCPU 3 too */
    q_ev(GITS_CMD_MOVI, DEV_A, 3, 1);   /* another collection, the same vCPU */
    go();
    assert_int_equal(nref, 0);
    assert_int_equal(nfx, 2);
    expect_fx(0, VITS_FX_MOVE, LPI(8), 2, 3);
    expect_fx(1, VITS_FX_PEND, LPI(8), 3, 0);
    assert_int_equal(its.dev[0].ite[3].icid, 1);
    /* A collection mapped elsewhere moves the LPI's target with it. */
    clear_log();
    q_mapc(1, 0, true);
    q_ev(GITS_CMD_INT, DEV_A, 3, 0);
    go();
    expect_fx(0, VITS_FX_PEND, LPI(8), 0, 0);
}

/* map_gen moves with what events translate to, and only then: a mirror of
 * the translations (GICv4.0) follows it, not every CWRITER write. */
static void test_map_gen(void **state)
{
    (void)state;
    uint32_t g = its.map_gen;
    map_basic();                        /* MAPC, MAPD, MAPTI */
    assert_true(its.map_gen != g);
    g = its.map_gen;
    q_ev(GITS_CMD_INT, DEV_A, 3, 0);
    q_ev(GITS_CMD_INV, DEV_A, 3, 0);
    q_ev(GITS_CMD_CLEAR, DEV_A, 3, 0);
    q_invall(2);
    q_sync(2);
    q_movall(2, 1);
    go();
    assert_int_equal(its.map_gen, g);   /* pending states and configuration only */
    q_ev(GITS_CMD_MOVI, DEV_A, 3, 3);
    go();
    assert_true(its.map_gen != g);
    g = its.map_gen;
    q_ev(GITS_CMD_DISCARD, DEV_A, 3, 0);
    go();
    assert_true(its.map_gen != g);
    g = its.map_gen;
    q_ev(GITS_CMD_MOVI, DEV_A, 3, 3);   /* refused: the event is gone */
    go();
    assert_int_equal(its.map_gen, g);
    assert_int_equal(wr(GITS_CTLR, 4, 0), VITS_OK);
    assert_true(its.map_gen != g);      /* disabled: nothing translates */
    g = its.map_gen;
    assert_int_equal(wr(GITS_CTLR, 4, GITS_CTLR_ENABLED), VITS_OK);
    assert_true(its.map_gen != g);
}

static void test_discard_and_clear_stop_it(void **state)
{
    (void)state;
    map_basic();
    q_ev(GITS_CMD_INT, DEV_A, 3, 0);
    q_ev(GITS_CMD_CLEAR, DEV_A, 3, 0);
    go();
    assert_int_equal(nfx, 2);
    expect_fx(1, VITS_FX_UNPEND, LPI(8), 2, 0);
    assert_int_equal(vits_translate(&its, DEV_A, 3), VITS_OK);   /* CLEAR keeps the mapping */
    clear_log();
    q_ev(GITS_CMD_DISCARD, DEV_A, 3, 0);
    q_ev(GITS_CMD_INT, DEV_A, 3, 0);
    go();
    assert_int_equal(nfx, 1);
    expect_fx(0, VITS_FX_UNPEND, LPI(8), 2, 0);
    assert_int_equal(nref, 1);
    assert_int_equal(refusals[0].err, VITS_E_EVENT_UNMAPPED);
    assert_int_equal(vits_translate(&its, DEV_A, 3), VITS_E_EVENT_UNMAPPED);
    /* The LPI is free for another event. */
    clear_log();
    q_mapti(DEV_A, 4, LPI(8), 1);
    go();
    assert_int_equal(nref, 0);
}

static void test_inv_and_invall_reported(void **state)
{
    (void)state;
    map_basic();
    q_ev(GITS_CMD_INV, DEV_A, 3, 0);
    q_invall(2);
    q_invall(1);
    go();
    assert_int_equal(nref, 0);
    assert_int_equal(nfx, 3);
    expect_fx(0, VITS_FX_INV, LPI(8), 2, 0);
    expect_fx(1, VITS_FX_INV_ALL, 0, 2, 0);
    expect_fx(2, VITS_FX_INV_ALL, 0, 1, 0);
}

static void test_movall_and_sync(void **state)
{
    (void)state;
    map_basic();
    q_movall(2, 0);
    q_movall(1, 1);                     /* onto itself: nothing */
    q_sync(0);
    go();
    assert_int_equal(nref, 0);
    assert_int_equal(nfx, 1);
    expect_fx(0, VITS_FX_MOVE_ALL, 0, 2, 0);
    /* MOVALL moves pending state; the collection still targets vCPU 2. */
    clear_log();
    assert_int_equal(vits_translate(&its, DEV_A, 3), VITS_OK);
    expect_fx(0, VITS_FX_PEND, LPI(8), 2, 0);
}

static void test_translater(void **state)
{
    (void)state;
    map_basic();
    assert_int_equal(vits_write(&its, GITS_TRANSLATER, 4, 3, DEV_A), VITS_OK);
    assert_int_equal(vits_write(&its, GITS_TRANSLATER, 2, 0xffff0003u, DEV_A), VITS_OK);   /* 16-bit: 3 */
    assert_int_equal(nfx, 2);
    expect_fx(0, VITS_FX_PEND, LPI(8), 2, 0);
    expect_fx(1, VITS_FX_PEND, LPI(8), 2, 0);
    clear_log();
    /* Unmapped: another EventID, another device, one beyond the ITT, one the VM does not own. */
    assert_int_equal(vits_write(&its, GITS_TRANSLATER, 4, 4, DEV_A), VITS_E_EVENT_UNMAPPED);
    assert_int_equal(vits_write(&its, GITS_TRANSLATER, 4, 3, DEV_B), VITS_E_DEVICE_UNMAPPED);
    assert_int_equal(vits_write(&its, GITS_TRANSLATER, 4, 32, DEV_A), VITS_E_EVENT_OOR);
    assert_int_equal(vits_write(&its, GITS_TRANSLATER, 4, 0x10003, DEV_A), VITS_E_EVENT_OOR);
    assert_int_equal(vits_write(&its, GITS_TRANSLATER, 4, 3, FOREIGN), VITS_E_DEVICE_UNMAPPED);
    assert_int_equal(vits_write(&its, GITS_TRANSLATER + 4, 4, 3, DEV_A), VITS_E_ACCESS);
    assert_int_equal(vits_write(&its, GITS_TRANSLATER, 1, 3, DEV_A), VITS_E_ACCESS);
    assert_int_equal(nfx, 0);
    /* A collection unmapped: its LPIs go nowhere. */
    q_mapc(2, 0, false);
    go();
    assert_int_equal(vits_translate(&its, DEV_A, 3), VITS_E_COLLECTION_UNMAPPED);
    assert_int_equal(nfx, 0);
}

/* A malformed command: refused with `err`, and nothing changes but CREADR. */
struct bad_case {
    const char *what;
    uint64_t cmd[GITS_CMD_DWORDS];
    enum vits_err err;
};

#define DW0(num, dev) ((uint64_t)(num) | ((uint64_t)(dev) << GITS_CMD_DEVID_SHIFT))
#define PINTID(n)     ((uint64_t)(n) << GITS_CMD_PINTID_SHIFT)
#define RDB(n)        ((uint64_t)(n) << GITS_CMD_RDBASE_SHIFT)

static void test_malformed_commands_refused(void **state)
{
    (void)state;
    map_basic();
    q_mapti(DEV_A, 5, LPI(9), 3);       /* collection 3 left unmapped below */
    q_mapc(3, 0, false);
    go();
    clear_log();
    static const struct bad_case cases[] = {
        { "MAPD DeviceID beyond Devbits", { DW0(GITS_CMD_MAPD, 0x10000), 4, GITS_CMD_VALID, 0 }, VITS_E_DEVICE_OOR },
        { "MAPD another VM's device", { DW0(GITS_CMD_MAPD, FOREIGN), 4, GITS_CMD_VALID, 0 }, VITS_E_DEVICE_NOT_OWNED },
        { "MAPD V=0 another VM's device", { DW0(GITS_CMD_MAPD, FOREIGN), 0, 0, 0 }, VITS_E_DEVICE_NOT_OWNED },
        { "MAPD ITT beyond ID_bits", { DW0(GITS_CMD_MAPD, DEV_B), VITS_EVENT_BITS, GITS_CMD_VALID, 0 }, VITS_E_ITT_SIZE_OOR },
        { "MAPC ICID beyond HCC", { GITS_CMD_MAPC, 0, GITS_CMD_VALID | RDB(0) | NR_VCPUS, 0 }, VITS_E_COLLECTION_OOR },
        { "MAPC no such vCPU", { GITS_CMD_MAPC, 0, GITS_CMD_VALID | RDB(NR_VCPUS) | 1, 0 }, VITS_E_PROCESSOR_OOR },
        { "MAPC an RDbase address", { GITS_CMD_MAPC, 0, GITS_CMD_VALID | RDB(0x80a0000ull >> 16) | 1, 0 }, VITS_E_PROCESSOR_OOR },
        { "MAPTI unmapped device", { DW0(GITS_CMD_MAPTI, DEV_B), 1 | PINTID(LPI(1)), 0, 0 }, VITS_E_DEVICE_UNMAPPED },
        { "MAPTI another VM's device", { DW0(GITS_CMD_MAPTI, FOREIGN), 1 | PINTID(LPI(1)), 0, 0 }, VITS_E_DEVICE_UNMAPPED },
        { "MAPTI EventID beyond the ITT", { DW0(GITS_CMD_MAPTI, DEV_A), 32 | PINTID(LPI(1)), 0, 0 }, VITS_E_EVENT_OOR },
        { "MAPTI ICID beyond HCC", { DW0(GITS_CMD_MAPTI, DEV_A), 1 | PINTID(LPI(1)), 99, 0 }, VITS_E_COLLECTION_OOR },
        { "MAPTI an SPI", { DW0(GITS_CMD_MAPTI, DEV_A), 1 | PINTID(40), 0, 0 }, VITS_E_LPI_OOR },
        { "MAPTI below the LPIs", { DW0(GITS_CMD_MAPTI, DEV_A), 1 | PINTID(LPI(0) - 1), 0, 0 }, VITS_E_LPI_OOR },
        { "MAPTI beyond the VM's LPIs", { DW0(GITS_CMD_MAPTI, DEV_A), 1 | PINTID(LPI(NR_LPIS)), 0, 0 }, VITS_E_LPI_OOR },
        { "MAPTI a mapped event", { DW0(GITS_CMD_MAPTI, DEV_A), 3 | PINTID(LPI(1)), 0, 0 }, VITS_E_EVENT_MAPPED },
        { "MAPTI a mapped LPI", { DW0(GITS_CMD_MAPTI, DEV_A), 1 | PINTID(LPI(8)), 0, 0 }, VITS_E_LPI_MAPPED },
        { "MAPI EventID no LPI", { DW0(GITS_CMD_MAPI, DEV_A), 1, 0, 0 }, VITS_E_LPI_OOR },
        { "INT unmapped device", { DW0(GITS_CMD_INT, DEV_B), 3, 0, 0 }, VITS_E_DEVICE_UNMAPPED },
        { "INT unmapped event", { DW0(GITS_CMD_INT, DEV_A), 2, 0, 0 }, VITS_E_EVENT_UNMAPPED },
        { "INT EventID beyond the ITT", { DW0(GITS_CMD_INT, DEV_A), 1u << 31, 0, 0 }, VITS_E_EVENT_OOR },
        { "INT unmapped collection", { DW0(GITS_CMD_INT, DEV_A), 5, 0, 0 }, VITS_E_COLLECTION_UNMAPPED },
        { "CLEAR unmapped event", { DW0(GITS_CMD_CLEAR, DEV_A), 2, 0, 0 }, VITS_E_EVENT_UNMAPPED },
        { "CLEAR unmapped collection", { DW0(GITS_CMD_CLEAR, DEV_A), 5, 0, 0 }, VITS_E_COLLECTION_UNMAPPED },
        { "INV unmapped event", { DW0(GITS_CMD_INV, DEV_A), 2, 0, 0 }, VITS_E_EVENT_UNMAPPED },
        { "DISCARD unmapped event", { DW0(GITS_CMD_DISCARD, DEV_A), 2, 0, 0 }, VITS_E_EVENT_UNMAPPED },
        { "DISCARD unmapped collection", { DW0(GITS_CMD_DISCARD, DEV_A), 5, 0, 0 }, VITS_E_COLLECTION_UNMAPPED },
        { "MOVI unmapped event", { DW0(GITS_CMD_MOVI, DEV_A), 2, 1, 0 }, VITS_E_EVENT_UNMAPPED },
        { "MOVI ICID beyond HCC", { DW0(GITS_CMD_MOVI, DEV_A), 3, NR_VCPUS, 0 }, VITS_E_COLLECTION_OOR },
        { "MOVI to an unmapped collection", { DW0(GITS_CMD_MOVI, DEV_A), 3, 3, 0 }, VITS_E_COLLECTION_UNMAPPED },
        { "INVALL ICID beyond HCC", { GITS_CMD_INVALL, 0, 0xffff, 0 }, VITS_E_COLLECTION_OOR },
        { "INVALL unmapped collection", { GITS_CMD_INVALL, 0, 3, 0 }, VITS_E_COLLECTION_UNMAPPED },
        { "SYNC no such vCPU", { GITS_CMD_SYNC, 0, RDB(NR_VCPUS), 0 }, VITS_E_PROCESSOR_OOR },
        { "MOVALL no such vCPU", { GITS_CMD_MOVALL, 0, RDB(0), RDB(0xfffff) }, VITS_E_PROCESSOR_OOR },
        { "MOVALL from no such vCPU", { GITS_CMD_MOVALL, 0, RDB(NR_VCPUS), RDB(0) }, VITS_E_PROCESSOR_OOR },
        { "command 0", { 0, 0, 0, 0 }, VITS_E_UNKNOWN_CMD },
        { "VMAPTI (GICv4)", { DW0(0x2a, DEV_A), 3, 0, 0 }, VITS_E_UNKNOWN_CMD },
        { "VSYNC (GICv4)", { 0x25, 0, 0, 0 }, VITS_E_UNKNOWN_CMD },
        { "command 0xff", { 0xff, ~0ull, ~0ull, ~0ull }, VITS_E_UNKNOWN_CMD },
    };
    static struct vits before;
    for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
        const struct bad_case *k = &cases[i];
        print_message("  %s\n", k->what);
        clear_log();
        memcpy(&before, &its, sizeof(its));
        put(k->cmd[0], k->cmd[1], k->cmd[2], k->cmd[3]);
        go();
        assert_int_equal(nref, 1);
        assert_int_equal(refusals[0].err, k->err);
        assert_memory_equal(refusals[0].cmd, k->cmd, sizeof(k->cmd));
        assert_int_equal(nfx, 0);
        before.creadr = its.creadr;
        before.cwriter = its.cwriter;
        assert_memory_equal(&before, &its, sizeof(its));
        assert_string_not_equal(vits_err_name(k->err), "?");
    }
    /* And what was mapped still works. */
    clear_log();
    assert_int_equal(vits_translate(&its, DEV_A, 3), VITS_OK);
    expect_fx(0, VITS_FX_PEND, LPI(8), 2, 0);
}

static void test_mapd_remap_unmap_and_full(void **state)
{
    (void)state;
    map_basic();
    /* Mapped again: a fresh ITT, the old translations and their LPIs gone,
     * pending state left alone (no effect). */
    q_mapd(DEV_A, 0, true);             /* 2 events */
    q_mapti(DEV_A, 1, LPI(8), 0);
    q_ev(GITS_CMD_INT, DEV_A, 3, 0);
    go();
    assert_int_equal(nref, 1);
    assert_int_equal(refusals[0].err, VITS_E_EVENT_OOR);
    assert_int_equal(vits_translate(&its, DEV_A, 1), VITS_OK);
    clear_log();
    q_mapd(DEV_A, 0, false);
    go();
    assert_int_equal(nfx + nref, 0);
    assert_int_equal(vits_translate(&its, DEV_A, 1), VITS_E_DEVICE_UNMAPPED);
    for (unsigned w = 0; w < ARRAY_SIZE(its.lpi_used); w++)
        assert_int_equal(its.lpi_used[w], 0);
    /* VITS_MAX_DEVICES at once. */
    for (uint32_t d = 0; d <= VITS_MAX_DEVICES; d++)
        q_mapd(0x100 + d, 1, true);
    go();
    assert_int_equal(nref, 1);
    assert_int_equal(refusals[0].err, VITS_E_DEVICE_TABLE_FULL);
    assert_int_equal(refusals[0].cmd[0] >> GITS_CMD_DEVID_SHIFT, 0x100 + VITS_MAX_DEVICES);
    clear_log();
    q_mapd(0x100, 1, false);            /* one goes: room for another */
    q_mapd(0x100 + VITS_MAX_DEVICES, 1, true);
    q_mapd(0x101, 2, true);             /* a mapped one again needs no room */
    go();
    assert_int_equal(nref, 0);
}

static void test_queue_errors_stall(void **state)
{
    (void)state;
    map_basic();
    /* CWRITER beyond the queue: stalled, nothing run, CWRITER kept. */
    uint32_t start = gw;
    q_ev(GITS_CMD_INT, DEV_A, 3, 0);
    assert_int_equal(wr(GITS_CWRITER, 8, QUEUE_BYTES), VITS_E_CWRITER_RANGE);
    assert_int_equal(rd(GITS_CREADR, 8), start | GITS_CREADR_STALLED);
    assert_int_equal(rd(GITS_CWRITER, 8), start);
    /* A good CWRITER without Retry: still stalled; with Retry: it runs. */
    assert_int_equal(wr(GITS_CWRITER, 8, gw), VITS_E_STALLED);
    assert_int_equal(rd(GITS_CREADR, 8), start | GITS_CREADR_STALLED);
    assert_int_equal(nfx, 0);
    assert_int_equal(wr(GITS_CWRITER, 4, gw | GITS_CWRITER_RETRY), VITS_OK);
    assert_int_equal(rd(GITS_CREADR, 8), gw);
    assert_int_equal(nfx, 1);
    /* Between commands: stalled too. */
    assert_int_equal(wr(GITS_CWRITER, 8, gw + 8), VITS_E_CWRITER_ALIGN);
    assert_true(rd(GITS_CREADR, 8) & GITS_CREADR_STALLED);
    assert_int_equal(wr(GITS_CWRITER, 8, gw | GITS_CWRITER_RETRY), VITS_OK);
    assert_false(rd(GITS_CREADR, 8) & GITS_CREADR_STALLED);
    /* The upper half of CWRITER is RES0. */
    assert_int_equal(wr(GITS_CWRITER + 4, 4, ~0u), VITS_OK);
    assert_int_equal(rd(GITS_CWRITER, 8), gw);
    /* A queue outside the VM's RAM: stalled on its first command, which
     * Retry reads again; a new CBASER starts over. */
    clear_log();
    assert_int_equal(wr(GITS_CTLR, 4, 0), VITS_OK);
    assert_int_equal(wr(GITS_CBASER, 8, GITS_CBASER_VALID | 0x80000000ull), VITS_OK);
    assert_int_equal(rd(GITS_CREADR, 8), 0);
    assert_int_equal(rd(GITS_CWRITER, 8), 0);
    assert_int_equal(wr(GITS_CTLR, 4, GITS_CTLR_ENABLED), VITS_OK);
    assert_int_equal(wr(GITS_CWRITER, 8, 0x40), VITS_E_QUEUE_FAULT);
    assert_int_equal(rd(GITS_CREADR, 8), GITS_CREADR_STALLED);
    assert_int_equal(wr(GITS_CWRITER, 8, 0x40 | GITS_CWRITER_RETRY), VITS_E_QUEUE_FAULT);
    assert_int_equal(wr(GITS_CTLR, 4, 0), VITS_OK);
    assert_int_equal(wr(GITS_CBASER, 8, GITS_CBASER_VALID | QUEUE), VITS_OK);
    assert_int_equal(rd(GITS_CREADR, 8), 0);
    /* A queue half in RAM: its first page runs, then it stalls at the edge. */
    uint64_t last = RAM_BASE + RAM_SIZE - QUEUE_BYTES;
    assert_int_equal(wr(GITS_CBASER, 8, GITS_CBASER_VALID | last | 1), VITS_OK);   /* two pages */
    assert_int_equal(wr(GITS_CTLR, 4, GITS_CTLR_ENABLED), VITS_OK);
    for (uint32_t o = 0; o < QUEUE_BYTES; o += GITS_CMD_BYTES) {
        uint64_t c[GITS_CMD_DWORDS] = { DW0(GITS_CMD_INT, DEV_A), 3, 0, 0 };
        memcpy(ram + (last - RAM_BASE) + o, c, sizeof(c));
    }
    assert_int_equal(wr(GITS_CWRITER, 8, QUEUE_BYTES + 0x40), VITS_E_QUEUE_FAULT);
    assert_int_equal(rd(GITS_CREADR, 8), QUEUE_BYTES | GITS_CREADR_STALLED);
    assert_int_equal(nfx, QUEUE_BYTES / GITS_CMD_BYTES);
    assert_int_equal(nref, 0);
}

static void test_queue_wraps(void **state)
{
    (void)state;
    map_basic();
    /* Around the end of the queue more than once, a few commands at a time. */
    unsigned sent = 0;
    for (unsigned round = 0; round < 3 * QUEUE_BYTES / GITS_CMD_BYTES / 5; round++) {
        for (unsigned k = 0; k < 5; k++)
            q_ev(GITS_CMD_INT, DEV_A, 3, 0);
        sent += 5;
        go();
    }
    assert_int_equal(nfx, sent);
    assert_int_equal(nref, 0);
    /* All but one command at once (CWRITER = CREADR would be an empty queue). */
    clear_log();
    for (unsigned k = 0; k < QUEUE_BYTES / GITS_CMD_BYTES - 1; k++)
        q_ev(GITS_CMD_INT, DEV_A, 3, 0);
    go();
    assert_int_equal(nfx, QUEUE_BYTES / GITS_CMD_BYTES - 1);
}

static void test_reset_and_limits(void **state)
{
    (void)state;
    map_basic();
    assert_int_equal(wr(GITS_BASER, 8, 0), VITS_E_ENABLED);
    vits_reset(&its);
    assert_int_equal(rd(GITS_CTLR, 4), GITS_CTLR_QUIESCENT);
    assert_int_equal(rd(GITS_CBASER, 8), 0);
    assert_int_equal(vits_lookup(&its, DEV_A, 3, &(uint32_t){0}, &(uint32_t){0}), VITS_E_DEVICE_UNMAPPED);
    assert_false(its.coll[2].valid);
    struct vits_config cfg = { .nr_vcpus = 0, .nr_lpis = NR_LPIS };
    struct vits other;
    assert_int_equal(vits_init(&other, &cfg, &ops, NULL), E_INVAL);
    cfg.nr_vcpus = VITS_MAX_COLLECTIONS + 1;
    assert_int_equal(vits_init(&other, &cfg, &ops, NULL), E_INVAL);
    cfg.nr_vcpus = 1;
    cfg.nr_lpis = VITS_MAX_LPIS + 1;
    assert_int_equal(vits_init(&other, &cfg, &ops, NULL), E_INVAL);
    cfg.nr_lpis = VITS_MAX_LPIS;
    assert_int_equal(vits_init(&other, &cfg, &ops, NULL), E_OK);
    assert_int_equal(vits_err_name(VITS_E_COUNT)[0], '?');
    for (unsigned e = 0; e < VITS_E_COUNT; e++) {       /* every reason named, each its own name */
        assert_non_null(vits_err_name((enum vits_err)e));
        for (unsigned f = 0; f < e; f++)
            assert_string_not_equal(vits_err_name((enum vits_err)e), vits_err_name((enum vits_err)f));
    }
}

/* A second kernel (kexec): the ITS disabled, a new device table given; the
 * old mappings are gone, so its MAPD and MAPTI of the same LPI work.  The
 * same table written again keeps them. */
static void test_new_device_table(void **state)
{
    (void)state;
    assert_int_equal(wr(GITS_CTLR, 4, 0), VITS_OK);
    uint64_t baser = rd(GITS_BASER, 8) | GITS_BASER_VALID | 0x60000;  /* the first kernel's table */
    assert_int_equal(wr(GITS_BASER, 8, baser), VITS_OK);
    assert_int_equal(wr(GITS_CTLR, 4, GITS_CTLR_ENABLED), VITS_OK);
    map_basic();
    assert_int_equal(wr(GITS_CTLR, 4, 0), VITS_OK);
    assert_int_equal(wr(GITS_BASER, 8, baser), VITS_OK);           /* the same: kept */
    assert_int_equal(vits_lookup(&its, DEV_A, 3, &(uint32_t){0}, &(uint32_t){0}), VITS_OK);
    uint32_t g = its.map_gen;
    assert_int_equal(wr(GITS_BASER, 8, baser + 0x10000), VITS_OK); /* moved: a new, empty table */
    assert_true(its.map_gen != g);
    assert_int_equal(vits_lookup(&its, DEV_A, 3, &(uint32_t){0}, &(uint32_t){0}), VITS_E_DEVICE_UNMAPPED);
    assert_int_equal(wr(GITS_CTLR, 4, GITS_CTLR_ENABLED), VITS_OK);
    clear_log();
    q_mapd(DEV_A, 4, true);
    q_mapti(DEV_A, 5, LPI(8), 2);       /* the LPI the old kernel had mapped */
    q_ev(GITS_CMD_INT, DEV_A, 5, 0);
    go();
    assert_int_equal(nref, 0);
    expect_fx(0, VITS_FX_PEND, LPI(8), 2, 0);
    /* Invalid, then valid again at the same address: fresh too. */
    assert_int_equal(wr(GITS_CTLR, 4, 0), VITS_OK);
    baser = rd(GITS_BASER, 8);
    assert_int_equal(wr(GITS_BASER, 8, baser & ~GITS_BASER_VALID), VITS_OK);
    assert_int_equal(vits_lookup(&its, DEV_A, 5, &(uint32_t){0}, &(uint32_t){0}), VITS_OK);
    assert_int_equal(wr(GITS_BASER, 8, baser), VITS_OK);
    assert_int_equal(vits_lookup(&its, DEV_A, 5, &(uint32_t){0}, &(uint32_t){0}), VITS_E_DEVICE_UNMAPPED);
}

/* The tables' invariants, whatever the guest wrote; how many translations are live. */
static unsigned check_invariants(void)
{
    unsigned mapped = 0;
    assert_true(its.creadr < QUEUE_BYTES && its.creadr % GITS_CMD_BYTES == 0);
    assert_true(its.cwriter < QUEUE_BYTES && its.cwriter % GITS_CMD_BYTES == 0);
    for (unsigned c = 0; c < VITS_MAX_COLLECTIONS; c++)
        assert_true(!its.coll[c].valid || (c < NR_VCPUS && its.coll[c].vcpu < NR_VCPUS));
    static uint64_t seen[VITS_MAX_LPIS / 64];
    memset(seen, 0, sizeof(seen));
    for (unsigned i = 0; i < VITS_MAX_DEVICES; i++) {
        const struct vits_device *d = &its.dev[i];
        if (!d->valid) {
            for (unsigned e = 0; e < VITS_MAX_EVENTS; e++)
                assert_int_equal(d->ite[e].lpi, 0);
            continue;
        }
        assert_true(owns_device(NULL, d->device_id));
        assert_true(d->event_bits >= 1 && d->event_bits <= VITS_EVENT_BITS);
        for (unsigned j = i + 1; j < VITS_MAX_DEVICES; j++)
            assert_false(its.dev[j].valid && its.dev[j].device_id == d->device_id);
        for (unsigned e = 0; e < VITS_MAX_EVENTS; e++) {
            const struct vits_ite *t = &d->ite[e];
            if (!t->lpi)
                continue;
            assert_true(e < (1u << d->event_bits));
            assert_true(t->lpi <= NR_LPIS);
            assert_true(t->icid < NR_VCPUS);
            unsigned off = t->lpi - 1u;
            assert_false(seen[off / 64] & BIT(off % 64));    /* one event per LPI */
            seen[off / 64] |= BIT(off % 64);
            mapped++;
        }
    }
    assert_memory_equal(seen, its.lpi_used, sizeof(seen));
    return mapped;
}

static uint32_t xs = 0x9e3779b9u;
static uint32_t rnd(void)
{
    xs ^= xs << 13; xs ^= xs >> 17; xs ^= xs << 5;
    return xs;
}

/* Mostly small values, so that commands often hit what is mapped. */
static uint32_t pick(uint32_t small)
{
    switch (rnd() % 8) {
    case 0: return rnd();
    case 1: return small + rnd() % 4;
    default: return rnd() % small;
    }
}

static void test_random_commands_keep_invariants(void **state)
{
    (void)state;
    static const unsigned nums[] = {
        GITS_CMD_MAPD, GITS_CMD_MAPC, GITS_CMD_MAPTI, GITS_CMD_MAPI, GITS_CMD_MOVI, GITS_CMD_INT, GITS_CMD_CLEAR,
        GITS_CMD_SYNC, GITS_CMD_INV, GITS_CMD_INVALL, GITS_CMD_MOVALL, GITS_CMD_DISCARD, 0x02, 0x2a,
    };
    unsigned max_mapped = 0, delivered = 0, refused_total = 0;
    npend = 0;
    for (int i = 0; i < 20000; i++) {
        unsigned n = 1 + rnd() % 8;
        for (unsigned k = 0; k < n; k++) {
            unsigned num = nums[rnd() % ARRAY_SIZE(nums)];
            uint32_t dev = rnd() % 16 == 0 ? FOREIGN : 0x100 + pick(VITS_MAX_DEVICES + 2);
            uint64_t dw1 = pick(12) | ((uint64_t)(GIC_LPI_BASE_ID + pick(64)) << GITS_CMD_PINTID_SHIFT);
            if (num == GITS_CMD_MAPD)
                dw1 = pick(VITS_EVENT_BITS);
            uint64_t dw2 = pick(NR_VCPUS) | ((uint64_t)pick(NR_VCPUS) << GITS_CMD_RDBASE_SHIFT) |
                           (rnd() % 4 ? GITS_CMD_VALID : 0);
            put(DW0(num, dev), dw1, dw2, (uint64_t)pick(NR_VCPUS) << GITS_CMD_RDBASE_SHIFT);
        }
        clear_log();
        assert_int_equal(wr(GITS_CWRITER, 8, gw), VITS_OK);
        assert_int_equal(rd(GITS_CREADR, 8), gw);
        assert_true(nref <= n);
        uint32_t ev = pick(12), lpi, vcpu;
        enum vits_err e = vits_translate(&its, 0x100 + pick(VITS_MAX_DEVICES), ev);
        assert_true(e == VITS_OK || e >= VITS_E_DEVICE_OOR);
        delivered += e == VITS_OK;
        refused_total += nref;
        if (rnd() % 64 == 0) {          /* now and then a register the guest may write */
            uint64_t off = (rnd() % (GITS_FRAME_SIZE / 4)) * 4;
            if (off != GITS_CWRITER && off != GITS_CBASER && off != GITS_CBASER + 4 && off != GITS_CTLR)
                vits_write(&its, off, rnd() % 2 ? 4 : 8, ((uint64_t)rnd() << 32) | rnd(), rnd());
        }
        if (vits_lookup(&its, 0x100, ev, &lpi, &vcpu) == VITS_OK)
            assert_true(lpi >= GIC_LPI_BASE_ID && lpi < GIC_LPI_BASE_ID + NR_LPIS && vcpu < NR_VCPUS);
        max_mapped = MAX(max_mapped, check_invariants());
    }
    /* The fuzz reached the interesting states, not only the refusals. */
    print_message("  %u translations at most, %u MSIs delivered, %u LPIs made pending, %u commands refused\n",
                  max_mapped, delivered, npend, refused_total);
    assert_true(max_mapped >= 8);
    assert_true(delivered >= 50 && npend >= 100);
    assert_true(refused_total >= 1000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_registers, setup_disabled),
        cmocka_unit_test_setup(test_linux_probe_sequence, setup_disabled),
        cmocka_unit_test_setup(test_enable_and_readonly_while_enabled, setup_disabled),
        cmocka_unit_test_setup(test_mapti_then_int_delivers, setup),
        cmocka_unit_test_setup(test_movi_moves, setup),
        cmocka_unit_test_setup(test_map_gen, setup),
        cmocka_unit_test_setup(test_discard_and_clear_stop_it, setup),
        cmocka_unit_test_setup(test_inv_and_invall_reported, setup),
        cmocka_unit_test_setup(test_movall_and_sync, setup),
        cmocka_unit_test_setup(test_translater, setup),
        cmocka_unit_test_setup(test_malformed_commands_refused, setup),
        cmocka_unit_test_setup(test_mapd_remap_unmap_and_full, setup),
        cmocka_unit_test_setup(test_queue_errors_stall, setup),
        cmocka_unit_test_setup(test_queue_wraps, setup),
        cmocka_unit_test_setup(test_reset_and_limits, setup),
        cmocka_unit_test_setup(test_new_device_table, setup),
        cmocka_unit_test_setup(test_random_commands_keep_invariants, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
