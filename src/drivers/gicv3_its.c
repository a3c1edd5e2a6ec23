/* SPDX-License-Identifier: MIT */
/*
 * The physical GICv3 ITS and tofu's own LPIs (docs/its.md, "Passed-through
 * MSIs").  A device given to a VM with a virtual ITS sends its MSIs to the
 * physical ITS (its doorbell page is in the device's SMMU stage 2): tofu maps
 * every EventID of the device's DeviceID to a physical LPI of its own, once
 * at boot, and the LPI's arrival at EL2 is translated by the VM's virtual
 * ITS (whatever the guest mapped the event to, if anything).  So the guest's
 * commands never reach the physical ITS, and a device can only raise what
 * its own DeviceID, which the hardware supplies, translates to in its own
 * VM's ITS.
 *
 * On a GICv4.0 (GITS_TYPER.Virtual, GICR_TYPER.VLPIS) it also offers
 * direct injection (docs/its.md, "Direct injection"): a vPE per vCPU
 * (VMAPP), an event mapped straight to a vCPU's vLPI (VMAPTI, VMOVI) or
 * back to tofu's LPI (MAPTI), and the residency of a vPE on its CPU
 * (GICR_VPROPBASER, GICR_VPENDBASER).  What to map is core/msi.c's
 * business: this file only issues the commands.
 *
 * The command queue is used at boot on CPU 0, at each CPU's bring-up, and,
 * with direct injection, from any CPU's exit (a guest's ITS commands): one
 * lock serialises it.  The redistributor's VLPI frame is only written by
 * its own CPU.
 */
#include "core/drivers.h"
#include "core/platform.h"
#include "core/palloc.h"
#include "core/pcpu.h"
#include "core/mem.h"
#include "core/lib.h"
#include "core/printf.h"
#include "core/spinlock.h"
#include "arch/regs.h"
#include "arch/sysreg.h"
#include "gicv3.h"

#define LPI_ID_BITS      14                   /* INTIDs up to 16383 */
#define LPI_COUNT        ((1u << LPI_ID_BITS) - GIC_LPI_BASE_ID)
#define LPI_PRIO         0xa0                 /* as tofu's SPIs */
#define PEND_ALIGN_PAGES 16                   /* GICR_PENDBASER: 64 KiB aligned */
#define PEND_PAGES       1                    /* 2^14 bits */
#define PROP_PAGES       (LPI_COUNT / PAGE_SIZE)
#define QUEUE_PAGES      1
#define QUEUE_BYTES      (QUEUE_PAGES * PAGE_SIZE)
#define TABLE_PAGES      1                    /* devices of bus 0, collections of the CPUs */
#define ITT_PAGES        1                    /* 256 events of up to 16 bytes */
#define CMD_SPINS        10000000u
#define VPE_PAGES        1                    /* the vPE table: 4 KiB of entries */
#define DOORBELL_LPI     (GIC_LPI_BASE_ID + LPI_COUNT - 1)   /* the last: every vPE's doorbell */
#define VPT_ID_BITS      14                   /* vLPIs up to 16383, as the vGIC's LPIs */
#define VPE_DIRTY_SPINS  1000000u

static bool its_on;
static uint64_t prop_pa, pend_pa[MAX_PCPUS];
static uint64_t *queue;
static uint32_t cwriter;
static unsigned lpis_used;                    /* LPIs handed out, from GIC_LPI_BASE_ID */
static unsigned itt_bytes;                    /* an ITT of GIC_ITS_EVENTS events */
static bool v4;                               /* GICv4.0 direct injection available */
static unsigned vpe_ids;                      /* vPEIDs the vPE table holds */
static spinlock_t cmd_lock = SPINLOCK_INIT;

static uintptr_t its(uint64_t off) { return (uintptr_t)(platform.its_base + off); }

/* One command, then wait until the ITS has read it (cmd_lock held). */
static bool its_cmd(uint64_t dw0, uint64_t dw1, uint64_t dw2, uint64_t dw3)
{
    uint64_t *c = &queue[cwriter / sizeof(uint64_t)];
    c[0] = dw0;
    c[1] = dw1;
    c[2] = dw2;
    c[3] = dw3;
    dsb(ish);
    cwriter = (cwriter + GITS_CMD_BYTES) % QUEUE_BYTES;
    mmio_write64(its(GITS_CWRITER), cwriter);
    for (unsigned i = 0; i < CMD_SPINS; i++) {
        uint64_t r = mmio_read64(its(GITS_CREADR));
        if (r & GITS_CREADR_STALLED)
            return false;
        if (r == cwriter)
            return true;
    }
    return false;
}

static uint64_t rdbase(unsigned cpu)
{
    uint64_t proc = FIELD_GET(mmio_read64(gicr(cpu, GICR_TYPER)), 16, GICR_TYPER_PROCNUM_SHIFT);
    return proc << GITS_CMD_RDBASE_SHIFT;
}

/* Every table a GITS_BASER asks for: one page each (bus 0's DeviceIDs, the
 * CPUs' collections), flat. */
static bool its_tables(void)
{
    for (unsigned n = 0; n < GITS_BASER_COUNT; n++) {
        uintptr_t reg = its(GITS_BASER + n * sizeof(uint64_t));
        uint64_t b = mmio_read64(reg);
        unsigned type = (unsigned)FIELD_GET(b, GITS_BASER_TYPE_WIDTH, GITS_BASER_TYPE_SHIFT);
        if (type == GITS_BASER_TYPE_NONE)
            continue;
        uint64_t pa = mem_alloc_zeroed(TABLE_PAGES, 1);
        if (!pa)
            return false;
        uint64_t keep = b & (FIELD_MASK(GITS_BASER_TYPE_WIDTH, GITS_BASER_TYPE_SHIFT) |
                             FIELD_MASK(GITS_BASER_ESZ_WIDTH, GITS_BASER_ESZ_SHIFT));
        mmio_write64(reg, keep | GITS_BASER_VALID | pa | ((uint64_t)GITS_BASER_PSZ_4K << GITS_BASER_PSZ_SHIFT) |
                              (TABLE_PAGES - 1));
        if (!(mmio_read64(reg) & GITS_BASER_VALID))
            return false;
        if (type == GITS_BASER_TYPE_VPE)
            vpe_ids = TABLE_PAGES * PAGE_SIZE /
                      ((unsigned)FIELD_GET(b, GITS_BASER_ESZ_WIDTH, GITS_BASER_ESZ_SHIFT) + 1);
    }
    return true;
}

int gic_its_init(void)
{
    if (!platform.its_base || !(mmio_read32((uintptr_t)(platform.gicd_base + GICD_TYPER)) & GICD_TYPER_LPIS))
        return E_INVAL;
    uint64_t typer = mmio_read64(its(GITS_TYPER));
    itt_bytes = (unsigned)(FIELD_GET(typer, GITS_TYPER_ITT_ESZ_WIDTH, GITS_TYPER_ITT_ESZ_SHIFT) + 1) * GIC_ITS_EVENTS;
    if (typer & GITS_TYPER_PTA || itt_bytes > ITT_PAGES * PAGE_SIZE ||
        FIELD_GET(typer, GITS_TYPER_IDBITS_WIDTH, GITS_TYPER_IDBITS_SHIFT) + 1 < GIC_ITS_EVENT_BITS)
        return E_INVAL;
    prop_pa = mem_alloc_zeroed(PROP_PAGES, 1);
    uint64_t q = mem_alloc_zeroed(QUEUE_PAGES, 1);
    if (!prop_pa || !q)
        return E_NOMEM;
    for (unsigned cpu = 0; cpu < nr_pcpus; cpu++)
        if (!(pend_pa[cpu] = mem_alloc_zeroed(PEND_PAGES, PEND_ALIGN_PAGES)))
            return E_NOMEM;
    if (!its_tables())
        return E_NOMEM;
    queue = pa_to_ptr(pa_of(q));
    mmio_write64(its(GITS_CBASER), GITS_CBASER_VALID | q | (QUEUE_PAGES - 1));
    mmio_write64(its(GITS_CWRITER), 0);
    cwriter = 0;
    mmio_write32(its(GITS_CTLR), GITS_CTLR_ENABLED);
    its_on = true;
    /* GICv4.0: the ITS maps vLPIs, the redistributors hold vPEs (IHI 0069
     * 9.11: VLPIS), and the vPE table is there.  The doorbell, tofu's last
     * LPI, wakes a CPU whose vPE is not resident (see gic_vpe_put). */
    v4 = (typer & GITS_TYPER_VIRTUAL) && vpe_ids &&
         (mmio_read64((uintptr_t)platform.gicr_base + GICR_TYPER) & GICR_TYPER_VLPIS);
    if (v4)
        ((uint8_t *)pa_to_ptr(pa_of(prop_pa)))[DOORBELL_LPI - GIC_LPI_BASE_ID] = LPI_PRIO | LPI_CFG_ENABLE;
    return E_OK;
}

/* This CPU's redistributor: LPIs on, with tofu's tables; its collection
 * (ICID = the CPU's index) in the ITS. */
void gic_lpis_init_cpu(unsigned cpu)
{
    if (!its_on)
        return;
    mmio_write64(gicr(cpu, GICR_PROPBASER), prop_pa | (LPI_ID_BITS - 1));
    mmio_write64(gicr(cpu, GICR_PENDBASER), pend_pa[cpu]);
    mmio_write32(gicr(cpu, GICR_CTLR), mmio_read32(gicr(cpu, GICR_CTLR)) | GICR_CTLR_ENABLE_LPIS);
    spin_lock(&cmd_lock);
    bool ok = its_cmd(GITS_CMD_MAPC, 0, GITS_CMD_VALID | rdbase(cpu) | cpu, 0) &&
              its_cmd(GITS_CMD_SYNC, 0, rdbase(cpu), 0);
    spin_unlock(&cmd_lock);
    if (!ok)
        printf("ITS: collection of CPU %u not mapped\n", cpu);
}

unsigned gic_its_map_device(uint32_t device_id, unsigned cpu)
{
    if (!its_on || lpis_used + GIC_ITS_EVENTS > LPI_COUNT - (v4 ? 1 : 0))
        return 0;
    uint64_t itt = mem_alloc_zeroed(ITT_PAGES, 1);
    if (!itt)
        return 0;
    unsigned first = GIC_LPI_BASE_ID + lpis_used;
    uint8_t *prop = pa_to_ptr(pa_of(prop_pa));
    for (unsigned e = 0; e < GIC_ITS_EVENTS; e++)
        prop[lpis_used + e] = LPI_PRIO | LPI_CFG_ENABLE;
    dsb(ish);
    uint64_t dev = (uint64_t)device_id << GITS_CMD_DEVID_SHIFT;
    spin_lock(&cmd_lock);
    bool ok = its_cmd(GITS_CMD_MAPD | dev, GIC_ITS_EVENT_BITS - 1, GITS_CMD_VALID | itt, 0);
    for (unsigned e = 0; ok && e < GIC_ITS_EVENTS; e++)
        ok = its_cmd(GITS_CMD_MAPTI | dev, e | ((uint64_t)(first + e) << GITS_CMD_PINTID_SHIFT), cpu, 0);
    ok = ok && its_cmd(GITS_CMD_INVALL, 0, cpu, 0) && its_cmd(GITS_CMD_SYNC, 0, rdbase(cpu), 0);
    spin_unlock(&cmd_lock);
    if (!ok)
        return 0;
    lpis_used += GIC_ITS_EVENTS;
    return first;
}

/* ---- GICv4.0 direct injection ------------------------------------------ */

bool gic_its_v4(void) { return v4; }
unsigned gic_its_doorbell(void) { return DOORBELL_LPI; }
unsigned gic_its_vpe_ids(void) { return vpe_ids; }

static uint64_t vpeid(unsigned vpe) { return (uint64_t)vpe << GITS_CMD_VPEID_SHIFT; }
static uint64_t devev(uint32_t device_id) { return (uint64_t)device_id << GITS_CMD_DEVID_SHIFT; }

/* Commands in a row, the lock held across them (the last one a SYNC or a
 * VSYNC: they have taken effect when it returns). */
static bool its_cmds(const uint64_t (*c)[GITS_CMD_DWORDS], unsigned n)
{
    bool ok = true;
    spin_lock(&cmd_lock);
    for (unsigned i = 0; ok && i < n; i++)
        ok = its_cmd(c[i][0], c[i][1], c[i][2], c[i][3]);
    spin_unlock(&cmd_lock);
    return ok;
}

static uint64_t dbell(void) { return (uint64_t)DOORBELL_LPI << GITS_CMD_DBELL_SHIFT; }

bool gic_its_vpe_map(unsigned vpe, unsigned cpu, uint64_t vpt_pa)
{
    if (!v4 || vpe >= vpe_ids)
        return false;
    const uint64_t c[][GITS_CMD_DWORDS] = {
        { GITS_CMD_VMAPP, vpeid(vpe), GITS_CMD_VALID | rdbase(cpu), vpt_pa | (VPT_ID_BITS - 1) },
        { GITS_CMD_VSYNC, vpeid(vpe), 0, 0 },
    };
    return its_cmds(c, ARRAY_SIZE(c));
}

/* An event (already tofu's LPI, or another vPE's vLPI) to vLPI `vintid` of
 * `vpe`: the old translation goes first (MAPTI or VMAPTI over a live one is
 * UNPREDICTABLE), with its pending state. */
bool gic_its_vlpi_map(uint32_t device_id, uint32_t event, unsigned vpe, uint32_t vintid)
{
    const uint64_t c[][GITS_CMD_DWORDS] = {
        { GITS_CMD_DISCARD | devev(device_id), event, 0, 0 },
        { GITS_CMD_VMAPTI | devev(device_id), event | vpeid(vpe), ((uint64_t)vintid << GITS_CMD_VINTID_SHIFT) | dbell(),
          0 },
        { GITS_CMD_VSYNC, vpeid(vpe), 0, 0 },
    };
    return its_cmds(c, ARRAY_SIZE(c));
}

/* A vLPI to another vPE, its pending state with it (VMOVI). */
bool gic_its_vlpi_move(uint32_t device_id, uint32_t event, unsigned vpe)
{
    const uint64_t c[][GITS_CMD_DWORDS] = {
        { GITS_CMD_VMOVI | devev(device_id), event | vpeid(vpe), GITS_CMD_VMOVI_D | dbell(), 0 },
        { GITS_CMD_VSYNC, vpeid(vpe), 0, 0 },
    };
    return its_cmds(c, ARRAY_SIZE(c));
}

/* An event back to tofu's LPI `lpi` on CPU `cpu` (its boot-time mapping). */
bool gic_its_plpi_map(uint32_t device_id, uint32_t event, unsigned lpi, unsigned cpu)
{
    const uint64_t c[][GITS_CMD_DWORDS] = {
        { GITS_CMD_DISCARD | devev(device_id), event, 0, 0 },
        { GITS_CMD_MAPTI | devev(device_id), event | ((uint64_t)lpi << GITS_CMD_PINTID_SHIFT), cpu, 0 },
        { GITS_CMD_SYNC, 0, rdbase(cpu), 0 },
    };
    return its_cmds(c, ARRAY_SIZE(c));
}

/* INV or CLEAR of an event mapped to a vLPI of `vpe`. */
bool gic_its_vlpi_cmd(unsigned cmd, uint32_t device_id, uint32_t event, unsigned vpe)
{
    const uint64_t c[][GITS_CMD_DWORDS] = {
        { cmd | devev(device_id), event, 0, 0 },
        { GITS_CMD_VSYNC, vpeid(vpe), 0, 0 },
    };
    return its_cmds(c, ARRAY_SIZE(c));
}

/* This CPU's redistributor: the vPE whose pending table is at `vpt_pa`
 * resident, its vLPIs configured by the table at `vprop_pa` (IDbits
 * `prop_idbits`).  GICR_VPROPBASER only changes while no vPE is resident. */
void gic_vpe_load(uint64_t vprop_pa, unsigned prop_idbits, uint64_t vpt_pa)
{
    unsigned cpu = cpu_id();
    mmio_write64(gicr(cpu, GICR_VPROPBASER), vprop_pa | prop_idbits);
    mmio_write64(gicr(cpu, GICR_VPENDBASER), GICR_VPENDBASER_VALID | vpt_pa);
}

/* No vPE resident on this CPU: from now on a vLPI of it goes to its pending
 * table, and rings the doorbell.  Waits (bounded) for the redistributor to
 * have written back what it cached (Dirty: GICv4.1; RES0 on GICv4.0). */
void gic_vpe_put(void)
{
    uintptr_t r = gicr(cpu_id(), GICR_VPENDBASER);
    mmio_write64(r, mmio_read64(r) & ~GICR_VPENDBASER_VALID);
    for (unsigned i = 0; i < VPE_DIRTY_SPINS && (mmio_read64(r) & GICR_VPENDBASER_DIRTY); i++)
        ;
}
