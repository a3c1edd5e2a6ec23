/* SPDX-License-Identifier: MIT */
/*
 * One VM's virtual GICv3 ITS (IHI 0069) as pure state
 * (docs/its.md): the control and translation frames, the command queue read
 * from the guest's memory, and the device, collection and translation tables,
 * all kept in tofu's own memory in fixed arrays (core/limits.h).  No locks,
 * no VMs, no allocation: what it needs from the VM and what it does to the
 * vGIC go through the caller's callbacks (struct vits_ops), so the host unit
 * tests (tests/unit/test_vits.c) drive it directly.
 *
 * The caller serialises every call on one ITS (one lock per ITS); the
 * callbacks run inside those calls, under that lock, and must not call back
 * into the ITS.
 */
#ifndef CORE_VITS_H
#define CORE_VITS_H
#include "core/types.h"
#include "core/limits.h"
#include "arch/regs.h"

#define VITS_MAX_EVENTS      (1u << VITS_EVENT_BITS)
#define VITS_MAX_COLLECTIONS VM_MAX_VCPUS
#define VITS_DEVID_BITS      16          /* GITS_TYPER.Devbits + 1: a PCIe requester ID */
#define VITS_ITT_ENTRY_BYTES 8           /* GITS_TYPER.ITT_entry_size + 1: what MAPD's ITT takes of the guest's RAM */
#define VITS_DEV_ENTRY_BYTES 8           /* GITS_BASER0.Entry_Size + 1 */
#define VITS_IIDR            GITS_IIDR_IMPLEMENTER_ARM   /* revision, variant, product 0 */

/* Why an access, an MSI or a command was refused (docs/its.md lists each).
 * Nothing refused changes anything. */
enum vits_err {
    VITS_OK = 0,
    /* Register accesses. */
    VITS_E_ACCESS,              /* a width, offset or register the frame does not have, or read-only: RAZ/WI */
    VITS_E_ENABLED,             /* GITS_CBASER or GITS_BASER<n> written while enabled: ignored */
    VITS_E_NO_QUEUE,            /* enabled without a valid GITS_CBASER: stays disabled */
    VITS_E_CWRITER_RANGE,       /* GITS_CWRITER beyond the queue: stalled */
    VITS_E_CWRITER_ALIGN,       /* GITS_CWRITER not on a command (bits [4:1]): stalled */
    VITS_E_QUEUE_FAULT,         /* a command outside the VM's RAM: stalled on it */
    VITS_E_STALLED,             /* GITS_CWRITER written without Retry while stalled: still stalled */
    /* MSIs (GITS_TRANSLATER, vits_translate). */
    VITS_E_DISABLED,            /* the ITS is not enabled */
    /* Commands, and MSIs. */
    VITS_E_UNKNOWN_CMD,         /* not a GICv3 physical command */
    VITS_E_DEVICE_OOR,          /* DeviceID beyond GITS_TYPER.Devbits */
    VITS_E_DEVICE_NOT_OWNED,    /* a DeviceID the VM does not own */
    VITS_E_DEVICE_UNMAPPED,     /* no MAPD for the DeviceID */
    VITS_E_DEVICE_TABLE_FULL,   /* VITS_MAX_DEVICES mapped already */
    VITS_E_ITT_SIZE_OOR,        /* MAPD Size beyond GITS_TYPER.ID_bits */
    VITS_E_EVENT_OOR,           /* EventID beyond the device's ITT */
    VITS_E_EVENT_UNMAPPED,      /* no translation for the EventID */
    VITS_E_EVENT_MAPPED,        /* MAPTI/MAPI over a live translation */
    VITS_E_COLLECTION_OOR,      /* ICID beyond GITS_TYPER.HCC */
    VITS_E_COLLECTION_UNMAPPED, /* no MAPC for the ICID */
    VITS_E_PROCESSOR_OOR,       /* RDbase not one of the VM's vCPUs */
    VITS_E_LPI_OOR,             /* pINTID not one of the VM's LPIs */
    VITS_E_LPI_MAPPED,          /* pINTID already the translation of another event */
    VITS_E_COUNT
};

/* What the vGIC must do (the ITS's output). */
enum vits_fx_kind {
    VITS_FX_PEND,               /* LPI `lpi` pending on vCPU `vcpu` (INT, an MSI) */
    VITS_FX_UNPEND,             /* LPI `lpi`, targeting `vcpu`, no longer pending (CLEAR, DISCARD) */
    VITS_FX_MOVE,               /* LPI `lpi` now targets `to`: its pending state moves from `vcpu` (MOVI) */
    VITS_FX_MOVE_ALL,           /* every LPI pending on `vcpu` moves to `to` (MOVALL) */
    VITS_FX_INV,                /* read LPI `lpi`'s configuration again; it targets `vcpu` (INV) */
    VITS_FX_INV_ALL,            /* read the configuration of every LPI targeting `vcpu` again (INVALL) */
};

struct vits_fx {
    enum vits_fx_kind kind;
    uint32_t lpi;               /* INTID, 8192 up; 0 for the _ALL kinds */
    uint32_t vcpu, to;          /* vCPU indexes (GICR_TYPER.Processor_Number) */
};

struct vits_ops {
    /* Copy `len` bytes of the VM's memory at IPA `ipa` to `buf`; false
     * (nothing copied) when any of them is not the VM's RAM. */
    bool (*read_ram)(void *ctx, uint64_t ipa, void *buf, size_t len);
    /* Whether DeviceID `device_id` is one of the VM's devices. */
    bool (*owns_device)(void *ctx, uint32_t device_id);
    void (*effect)(void *ctx, const struct vits_fx *fx);
    /* A command dropped, for the caller's (rate-limited) log. */
    void (*refused)(void *ctx, enum vits_err err, const uint64_t cmd[GITS_CMD_DWORDS]);
};

struct vits_config {
    uint32_t nr_vcpus;          /* collections and processor numbers 0..nr_vcpus-1 (<= VITS_MAX_COLLECTIONS) */
    uint32_t nr_lpis;           /* LPI INTIDs 8192..8192+nr_lpis-1 (<= VITS_MAX_LPIS) */
};

/* A translation: EventID -> LPI, collection.  lpi 0: none. */
struct vits_ite {
    uint16_t lpi;               /* INTID - GIC_LPI_BASE_ID + 1 */
    uint16_t icid;
};

struct vits_device {
    bool valid;
    uint8_t event_bits;         /* MAPD Size + 1: EventIDs 0..2^event_bits-1 */
    uint32_t device_id;
    struct vits_ite ite[VITS_MAX_EVENTS];
};

struct vits_collection {
    bool valid;
    uint16_t vcpu;
};

struct vits {
    const struct vits_ops *ops;
    void *ctx;
    uint32_t nr_vcpus, nr_lpis;
    /* Registers (the values the guest reads). */
    bool enabled, stalled;
    uint64_t cbaser, baser_dev;
    uint32_t cwriter, creadr;   /* queue offsets: multiples of GITS_CMD_BYTES below the queue's size */
    /* Bumped whenever what an event translates to may have changed (MAPD,
     * MAPC, MAPTI, MAPI, MOVI, DISCARD, Enabled, reset): a mirror of the
     * translations (GICv4.0, src/core/msi.c) need follow only then. */
    uint32_t map_gen;
    /* Tables. */
    struct vits_collection coll[VITS_MAX_COLLECTIONS];
    struct vits_device dev[VITS_MAX_DEVICES];
    uint64_t lpi_used[VITS_MAX_LPIS / 64];  /* LPIs some translation names */
};

/* Power-on state for a VM as `cfg` describes it; E_INVAL (nothing set) when
 * it exceeds core/limits.h. */
int vits_init(struct vits *its, const struct vits_config *cfg, const struct vits_ops *ops, void *ctx);
/* Back to power-on: disabled, no queue, no mappings (a VM's restart). */
void vits_reset(struct vits *its);
/* An access at offset `off` of the 128 KiB ITS region (GITS_SIZE), of
 * `width` bytes.  A read always yields a value (0 where there is no
 * register).  `device_id` is the writer's DeviceID, which only a write to
 * GITS_TRANSLATER uses.  A command refused while a GITS_CWRITER write runs
 * the queue goes to ops->refused; the result is the access's own. */
enum vits_err vits_read(const struct vits *its, uint64_t off, unsigned width, uint64_t *val);
enum vits_err vits_write(struct vits *its, uint64_t off, unsigned width, uint64_t val, uint32_t device_id);
/* An MSI: EventID `event_id` from DeviceID `device_id` (a GITS_TRANSLATER write). */
enum vits_err vits_translate(struct vits *its, uint32_t device_id, uint32_t event_id);
/* The translation of (device_id, event_id): its LPI and its target vCPU. */
enum vits_err vits_lookup(const struct vits *its, uint32_t device_id, uint32_t event_id, uint32_t *lpi,
                          uint32_t *vcpu);
/* A short name for the log ("event-unmapped"). */
const char *vits_err_name(enum vits_err err);

#endif
