/* SPDX-License-Identifier: MIT */
/*
 * Arm SMMUv3 (IHI 0070), stage 2 only: a stream's DMA is translated by its
 * VM's own stage-2 tables under its VM's VMID (Config 0b110, the CPU's
 * VTCR_EL2 geometry), so the CPU and the SMMU share one set of tables and a
 * stage-2 change needs one more invalidation (iommu_flush_vm).
 *
 * Layout, taken at boot in one run of SMMUV3_BOOT_PAGES (include/core/limits.h):
 *   a 2-level stream table, SPLIT 8: 256 level-1 descriptors (one per PCIe
 *   bus, 2 KiB), and one level-2 table of 256 STEs (16 KiB) for bus 0 only,
 *   the only bus there is until tofu numbers bridges; the other buses'
 *   descriptors are invalid, so their StreamIDs abort with C_BAD_STREAMID
 *   (recorded: CR2.RECINVSID).  A linear table of 65536 STEs would take 4 MiB.
 *   The command queue, 256 entries (4 KiB); the event queue, 128 entries
 *   (4 KiB): a burst overflows it harmlessly (the first events say enough).
 * A stream no VM owns gets a stage-2 STE whose root is an empty table under
 * VMID 0 (no VM's): every access faults and is recorded with its address.
 * Config=abort would terminate it as well but records no event (5.2), and
 * such a fault must be seen.
 * Commands are polled to completion (CMD_SYNC, no interrupt), each wait
 * bounded; a timeout is reported, never spun on.
 */
#include "core/iommu.h"
#include "core/mem.h"
#include "core/platform.h"
#include "core/printf.h"
#include "core/spinlock.h"
#include "core/drivers.h"
#include "core/lib.h"
#include "arch/mmu.h"
#include "arch/sysreg.h"
#include "smmuv3.h"

#define SMMU_SPLIT              8       /* one level-2 table per PCIe bus */
#define SMMU_BUS_STES           (1u << SMMU_SPLIT)
#define SMMU_MAX_SID_BITS       16      /* PCIe requester IDs */
#define SMMU_CMDQ_LOG2          8       /* 256 x 16 B: one page */
#define SMMU_EVTQ_LOG2          7       /* 128 x 32 B: one page */
#define SMMU_ACK_SPINS          100000u /* polls of CR0ACK, GBPA, IRQ_CTRLACK */
#define SMMU_SYNC_SPINS         1000000u /* polls of CMDQ_CONS after a CMD_SYNC */
#define SMMU_DRAIN_MAX          (4u << SMMU_EVTQ_LOG2)  /* events read per interrupt, at most */
#define SMMU_QUARANTINE_VMID    UINT64_C(0)             /* VM-IDs start at 1 */
#define SMMU_QUARANTINE_IPA_BITS 32
#define SMMU_CMD_BATCH          4       /* commands before the CMD_SYNC of one batch */
/* Pages of the boot run (include/core/limits.h's SMMUV3_BOOT_PAGES). */
#define SMMU_PG_L2              0       /* 4 pages: bus 0's STEs */
#define SMMU_PG_L1              4
#define SMMU_PG_CMDQ            5
#define SMMU_PG_EVTQ            6
#define SMMU_PG_QUARANTINE      7
_Static_assert(SMMU_BUS_STES * SMMU_STE_SIZE == 4 * PAGE_SIZE, "bus 0's STEs fill pages 0-3");
_Static_assert(SMMU_PG_QUARANTINE + 1 == SMMUV3_BOOT_PAGES, "the boot run holds every page");
_Static_assert(IOMMU_MAX_PCI_BUSES == 1 && SMMU_BUS_STES == 1u << PCI_RID_BUS_SHIFT, "the config tool's StreamID bound is bus 0's table");
_Static_assert((1u << (SMMU_MAX_SID_BITS - SMMU_SPLIT)) * SMMU_L1STD_SIZE <= PAGE_SIZE, "L1 in a page");

struct stream {
    uint32_t sid;
    struct vm *vm;
};

static struct {
    uintptr_t base;
    bool ready;
    uint32_t oas;                   /* IDR5.OAS encoding */
    unsigned sid_bits, nr_stes;     /* StreamIDs the table holds: 0..nr_stes-1 */
    bool two_level;
    uint64_t *l1, *stes, *cmdq, *evtq;
    uint32_t cmdq_prod, evtq_cons;
    uint64_t quarantine_vttbr, quarantine_vtcr;
    spinlock_t lock;                /* the queues, the table, streams[] */
    unsigned nr_streams;
    struct stream streams[IOMMU_MAX_STREAMS];
} smmu;

static uint32_t rd(uint32_t off) { return mmio_read32(smmu.base + off); }
static void wr(uint32_t off, uint32_t v) { mmio_write32(smmu.base + off, v); }
static void wr64(uint32_t off, uint64_t v) { mmio_write64(smmu.base + off, v); }

/* Poll `off` until (value & mask) == want; false after SMMU_ACK_SPINS. */
static bool wait_reg(uint32_t off, uint32_t mask, uint32_t want)
{
    for (unsigned i = 0; i < SMMU_ACK_SPINS; i++)
        if ((rd(off) & mask) == want)
            return true;
    return false;
}

static bool set_cr0(uint32_t v)
{
    wr(SMMU_CR0, v);
    return wait_reg(SMMU_CR0ACK, UINT32_MAX, v);
}

/* Index and wrap bit of a queue pointer with 2^log2 entries. */
static uint32_t q_ptr_mask(unsigned log2) { return (2u << log2) - 1; }

/* ---- commands ----------------------------------------------------------- */

/* Append `n` commands and a CMD_SYNC, wait until the SMMU has consumed the
 * sync.  Under smmu.lock.  The queue is empty on entry: every batch is
 * waited for. */
static int cmd_run(const uint64_t (*cmds)[SMMU_CMD_WORDS], unsigned n)
{
    const uint32_t idx_mask = (1u << SMMU_CMDQ_LOG2) - 1, ptr_mask = q_ptr_mask(SMMU_CMDQ_LOG2);
    uint32_t prod = smmu.cmdq_prod;
    for (unsigned i = 0; i <= n; i++) {
        uint64_t *slot = &smmu.cmdq[(prod & idx_mask) * SMMU_CMD_WORDS];
        if (i < n) {
            slot[0] = cmds[i][0];
            slot[1] = cmds[i][1];
        } else {
            slot[0] = SMMU_CMD_SYNC;        /* CS = none: completion is CONS passing it */
            slot[1] = 0;
        }
        prod = (prod + 1) & ptr_mask;
    }
    dsb(ishst);                             /* the commands before PROD (coherent walker) */
    smmu.cmdq_prod = prod;
    wr(SMMU_CMDQ_PROD, prod);
    for (unsigned i = 0; i < SMMU_SYNC_SPINS; i++) {
        uint32_t cons = rd(SMMU_CMDQ_CONS);
        if ((cons & ptr_mask) == prod)
            return E_OK;
        if ((rd(SMMU_GERROR) ^ rd(SMMU_GERRORN)) & SMMU_GERROR_CMDQ_ERR)
            break;
    }
    uint32_t cons = rd(SMMU_CMDQ_CONS);
    printf("smmu: commands not completed: CMDQ_PROD %#x CMDQ_CONS %#x (error %u), GERROR %#x\n", prod,
           cons, (cons >> SMMU_CMDQ_CONS_ERR_SHIFT) & SMMU_CMDQ_CONS_ERR_MASK, rd(SMMU_GERROR));
    return E_RANGE;
}

static void cmd_cfgi_ste(uint64_t cmd[SMMU_CMD_WORDS], uint32_t sid)
{
    cmd[0] = SMMU_CMD_CFGI_STE | ((uint64_t)sid << SMMU_CMD_SID_SHIFT);
    cmd[1] = SMMU_CMD_LEAF;
}

static void cmd_tlbi_vmid(uint64_t cmd[SMMU_CMD_WORDS], uint64_t vttbr)
{
    cmd[0] = SMMU_CMD_TLBI_S12_VMALL | ((vttbr >> VTTBR_VMID_SHIFT) << SMMU_CMD_VMID_SHIFT);
    cmd[1] = 0;
}

/* Replace a live STE: abort first (one 64-bit store, then CFGI), the other
 * words, then word 0; the SMMU never reads a torn entry (3.21.3). */
static int ste_write(uint32_t sid, const uint64_t ste[SMMU_STE_WORDS])
{
    uint64_t *e = &smmu.stes[sid * SMMU_STE_WORDS];
    uint64_t cmd[1][SMMU_CMD_WORDS];
    cmd_cfgi_ste(cmd[0], sid);
    __atomic_store_n(&e[0], SMMU_STE0_V | (SMMU_STE0_CONFIG_ABORT << SMMU_STE0_CONFIG_SHIFT), __ATOMIC_RELAXED);
    int rc = cmd_run(cmd, 1);
    for (unsigned i = 1; i < SMMU_STE_WORDS; i++)
        e[i] = ste[i];
    dsb(ishst);
    __atomic_store_n(&e[0], ste[0], __ATOMIC_RELAXED);
    int rc2 = cmd_run(cmd, 1);
    return rc ? rc : rc2;
}

static void ste_quarantine(uint64_t ste[SMMU_STE_WORDS])
{
    smmu_ste_s2(ste, smmu.quarantine_vtcr, smmu.quarantine_vttbr, smmu.oas);
}

/* ---- boot ---------------------------------------------------------------- */

/* Nothing passes while the SMMU is disabled: GBPA.ABORT (6.3.14). */
static bool abort_when_disabled(void)
{
    if (!wait_reg(SMMU_GBPA, SMMU_GBPA_UPDATE, 0))
        return false;
    wr(SMMU_GBPA, SMMU_GBPA_UPDATE | SMMU_GBPA_ABORT);
    return wait_reg(SMMU_GBPA, SMMU_GBPA_UPDATE, 0);
}

static const char *probe(void)
{
    uint32_t idr0 = rd(SMMU_IDR0), idr1 = rd(SMMU_IDR1), idr5 = rd(SMMU_IDR5);
    if (!(idr0 & SMMU_IDR0_S2P))
        return "no stage-2 translation (IDR0.S2P = 0; QEMU gives it from machine virt-10.0 on)";
    if (!(((idr0 >> SMMU_IDR0_TTF_SHIFT) & SMMU_IDR0_TTF_MASK) & SMMU_IDR0_TTF_AARCH64))
        return "no AArch64 translation tables (IDR0.TTF)";
    if (!(idr0 & SMMU_IDR0_COHACC))
        return "table walks not coherent with the CPUs (IDR0.COHACC = 0): unsupported";
    if (!(idr5 & SMMU_IDR5_GRAN4K))
        return "no 4 KiB granule (IDR5.GRAN4K = 0)";
    if (((idr1 >> SMMU_IDR1_CMDQS_SHIFT) & SMMU_IDR1_QS_MASK) < SMMU_CMDQ_LOG2 ||
        ((idr1 >> SMMU_IDR1_EVENTQS_SHIFT) & SMMU_IDR1_QS_MASK) < SMMU_EVTQ_LOG2)
        return "queues smaller than the driver's (IDR1.CMDQS, EVENTQS)";
    if (!(idr0 & SMMU_IDR0_VMID16) && MAX_VMS > 255)
        return "8-bit VMIDs only";
    smmu.oas = idr5 & SMMU_IDR5_OAS_MASK;
    unsigned sid = idr1 & SMMU_IDR1_SIDSIZE_MASK;
    smmu.sid_bits = sid > SMMU_MAX_SID_BITS ? SMMU_MAX_SID_BITS : sid;
    smmu.two_level = smmu.sid_bits > SMMU_SPLIT &&
                     ((idr0 >> SMMU_IDR0_ST_LEVEL_SHIFT) & SMMU_IDR0_ST_LEVEL_MASK) == SMMU_IDR0_ST_LEVEL_2LVL;
    /* Linear: as many StreamIDs as one bus's table holds. */
    smmu.nr_stes = smmu.sid_bits < SMMU_SPLIT ? 1u << smmu.sid_bits : SMMU_BUS_STES;
    return NULL;
}

static void tables_init(uint64_t run)
{
    uint8_t *p = pa_to_ptr(pa_of(run));
    memset(p, 0, SMMUV3_BOOT_PAGES * PAGE_SIZE);
    smmu.stes = (uint64_t *)(void *)(p + SMMU_PG_L2 * PAGE_SIZE);
    smmu.l1 = (uint64_t *)(void *)(p + SMMU_PG_L1 * PAGE_SIZE);
    smmu.cmdq = (uint64_t *)(void *)(p + SMMU_PG_CMDQ * PAGE_SIZE);
    smmu.evtq = (uint64_t *)(void *)(p + SMMU_PG_EVTQ * PAGE_SIZE);
    uint64_t quarantine_root = run + SMMU_PG_QUARANTINE * PAGE_SIZE;    /* zeroed: all invalid */
    smmu.quarantine_vtcr = s2_vtcr(SMMU_QUARANTINE_IPA_BITS);
    smmu.quarantine_vttbr = (SMMU_QUARANTINE_VMID << VTTBR_VMID_SHIFT) | quarantine_root;
    uint64_t ste[SMMU_STE_WORDS];
    ste_quarantine(ste);
    for (unsigned i = 0; i < smmu.nr_stes; i++)
        memcpy(&smmu.stes[i * SMMU_STE_WORDS], ste, SMMU_STE_SIZE);
    if (smmu.two_level)                 /* bus 0 only; the others invalid */
        smmu.l1[0] = smmu_l1std(run + SMMU_PG_L2 * PAGE_SIZE, SMMU_SPLIT);
    dsb(ishst);

    const uint32_t wb = SMMU_CR1_CACHE_WB, ish = SMMU_CR1_SH_INNER;
    wr(SMMU_CR1, wb << SMMU_CR1_TABLE_IC_SHIFT | wb << SMMU_CR1_TABLE_OC_SHIFT | ish << SMMU_CR1_TABLE_SH_SHIFT |
                 wb << SMMU_CR1_QUEUE_IC_SHIFT | wb << SMMU_CR1_QUEUE_OC_SHIFT | ish << SMMU_CR1_QUEUE_SH_SHIFT);
    /* Invalid StreamIDs recorded; broadcast TLBIs ignored (the SMMU's TLB is
     * invalidated by command, per VMID). */
    wr(SMMU_CR2, SMMU_CR2_RECINVSID | SMMU_CR2_PTM);
    uint64_t base = smmu.two_level ? run + SMMU_PG_L1 * PAGE_SIZE : run + SMMU_PG_L2 * PAGE_SIZE;
    uint32_t cfg = smmu.two_level
        ? SMMU_STRTAB_CFG_FMT_2LVL << SMMU_STRTAB_CFG_FMT_SHIFT | SMMU_SPLIT << SMMU_STRTAB_CFG_SPLIT_SHIFT | smmu.sid_bits
        : (uint32_t)__builtin_ctz(smmu.nr_stes);
    wr64(SMMU_STRTAB_BASE, SMMU_STRTAB_BASE_RA | (base & SMMU_ADDR_MASK));
    wr(SMMU_STRTAB_BASE_CFG, cfg);
    wr64(SMMU_CMDQ_BASE, SMMU_Q_BASE_ALLOC | ((run + SMMU_PG_CMDQ * PAGE_SIZE) & SMMU_Q_BASE_ADDR_MASK) | SMMU_CMDQ_LOG2);
    wr(SMMU_CMDQ_PROD, 0);
    wr(SMMU_CMDQ_CONS, 0);
    wr64(SMMU_EVENTQ_BASE, SMMU_Q_BASE_ALLOC | ((run + SMMU_PG_EVTQ * PAGE_SIZE) & SMMU_Q_BASE_ADDR_MASK) | SMMU_EVTQ_LOG2);
    wr(SMMU_EVENTQ_PROD, 0);
    wr(SMMU_EVENTQ_CONS, 0);
    smmu.cmdq_prod = smmu.evtq_cons = 0;
}

static const char *enable(void)
{
    if (!set_cr0(SMMU_CR0_CMDQEN))
        return "the command queue did not start (CR0ACK)";
    /* Nothing cached from before: every STE and every TLB entry. */
    uint64_t cmds[2][SMMU_CMD_WORDS] = {
        { SMMU_CMD_CFGI_STE_RANGE, SMMU_CMD_RANGE_ALL },
        { SMMU_CMD_TLBI_NSNH_ALL, 0 },
    };
    if (cmd_run(cmds, 2) != E_OK)
        return "the first commands timed out";
    if (!set_cr0(SMMU_CR0_CMDQEN | SMMU_CR0_EVENTQEN))
        return "the event queue did not start (CR0ACK)";
    wr(SMMU_IRQ_CTRL, SMMU_IRQ_CTRL_GERROR | SMMU_IRQ_CTRL_EVENTQ);
    if (!wait_reg(SMMU_IRQ_CTRLACK, UINT32_MAX, SMMU_IRQ_CTRL_GERROR | SMMU_IRQ_CTRL_EVENTQ))
        return "its interrupts did not start (IRQ_CTRLACK)";
    /* The SMMU's interrupts are edge-triggered (wired, pulsed). */
    gic_set_spi_edge(platform.iommu_event_intid);
    gic_set_spi_edge(platform.iommu_gerror_intid);
    gic_enable_spi(platform.iommu_event_intid, 0);
    gic_enable_spi(platform.iommu_gerror_intid, 0);
    if (!set_cr0(SMMU_CR0_CMDQEN | SMMU_CR0_EVENTQEN | SMMU_CR0_SMMUEN))
        return "it did not enable (CR0ACK)";
    return NULL;
}

int iommu_init(const struct fdt_info *boot)
{
    const char *why = NULL;
    smmu.base = (uintptr_t)platform.iommu_base;
    /* Its registers would abort at EL2 if it is not there (QEMU without
     * iommu=smmuv3): the board's device tree says first. */
    if (boot->smmuv3_base != platform.iommu_base) {
        printf("no SMMUv3 at %#lx in the board's device tree (QEMU: -M virt,iommu=smmuv3): "
               "DMA from PCIe devices would reach all memory\n", platform.iommu_base);
        return E_NOENT;
    }
    /* First, before anything else is asked of it: DMA aborts while it is off. */
    if (!abort_when_disabled())
        why = "GBPA.ABORT not taken";
    else if (!set_cr0(0))
        why = "it did not disable (CR0ACK)";
    if (!why)
        why = probe();
    uint64_t run = 0;
    if (!why && !(run = palloc_alloc(&hyp_mem, SMMUV3_BOOT_PAGES, SMMUV3_BOOT_ALIGN)))
        why = "no memory for its tables and queues";
    if (!why) {
        tables_init(run);
        why = enable();
    }
    if (why) {
        printf("SMMUv3 at %#lx: %s; DMA stays aborted (GBPA)\n", platform.iommu_base, why);
        return E_INVAL;
    }
    smmu.ready = true;
    printf("SMMUv3 at %#lx: stage 2, %u-bit StreamIDs, %s stream table (bus 0: %u STEs), OAS %u bits, "
           "%u commands, %u events; streams of no VM abort\n", platform.iommu_base, smmu.sid_bits,
           smmu.two_level ? "2-level" : "linear", smmu.nr_stes, smmu_oas_bits(smmu.oas),
           1u << SMMU_CMDQ_LOG2, 1u << SMMU_EVTQ_LOG2);
    return E_OK;
}

/* ---- streams ------------------------------------------------------------- */

static struct stream *stream_of(uint32_t sid)
{
    for (unsigned i = 0; i < smmu.nr_streams; i++)
        if (smmu.streams[i].sid == sid)
            return &smmu.streams[i];
    return NULL;
}

int iommu_attach(struct vm *vm, uint32_t first, unsigned n)
{
    if (!smmu.ready)
        return E_INVAL;
    spin_lock(&smmu.lock);
    int rc = smmu.nr_streams + n > IOMMU_MAX_STREAMS ? E_NOMEM : E_OK;
    if (first >= smmu.nr_stes || n > smmu.nr_stes - first)
        rc = E_INVAL;
    for (unsigned i = 0; i < n && rc == E_OK; i++) {
        struct stream *s = stream_of(first + i);
        if (s && s->vm != vm)
            rc = E_INVAL;
    }
    uint64_t ste[SMMU_STE_WORDS];
    smmu_ste_s2(ste, vm->vtcr, vm->vttbr, smmu.oas);
    for (unsigned i = 0; i < n && rc == E_OK; i++) {
        if (stream_of(first + i))
            continue;
        smmu.streams[smmu.nr_streams++] = (struct stream){ first + i, vm };
        vm->iommu_streams++;
        if (ste_write(first + i, ste) != E_OK)
            rc = E_RANGE;
    }
    spin_unlock(&smmu.lock);
    return rc;
}

void iommu_detach(struct vm *vm)
{
    if (!smmu.ready || !vm->iommu_streams)
        return;
    uint64_t ste[SMMU_STE_WORDS], cmd[1][SMMU_CMD_WORDS];
    ste_quarantine(ste);
    spin_lock(&smmu.lock);
    for (unsigned i = 0; i < smmu.nr_streams;) {
        if (smmu.streams[i].vm != vm) {
            i++;
            continue;
        }
        ste_write(smmu.streams[i].sid, ste);
        smmu.streams[i] = smmu.streams[--smmu.nr_streams];
    }
    vm->iommu_streams = 0;
    cmd_tlbi_vmid(cmd[0], vm->vttbr);
    cmd_run(cmd, 1);
    spin_unlock(&smmu.lock);
}

void iommu_flush_vm(struct vm *vm)
{
    uint64_t cmd[1][SMMU_CMD_WORDS];
    cmd_tlbi_vmid(cmd[0], vm->vttbr);
    spin_lock(&smmu.lock);
    cmd_run(cmd, 1);
    spin_unlock(&smmu.lock);
}

/* ---- faults -------------------------------------------------------------- */

static void drain_events(void)
{
    const uint32_t idx_mask = (1u << SMMU_EVTQ_LOG2) - 1, ptr_mask = q_ptr_mask(SMMU_EVTQ_LOG2);
    struct iommu_fault first = { 0 };
    const struct vm *owner = NULL;
    unsigned count = 0;

    spin_lock(&smmu.lock);
    uint32_t prod = rd(SMMU_EVENTQ_PROD), cons = smmu.evtq_cons;
    while ((cons & ptr_mask) != (prod & ptr_mask) && count < SMMU_DRAIN_MAX) {
        const uint64_t *e = &smmu.evtq[(cons & idx_mask) * SMMU_EVT_WORDS];
        if (!count) {
            uint64_t evt[SMMU_EVT_WORDS];
            memcpy(evt, e, sizeof(evt));
            smmu_event_decode(evt, &first);
            struct stream *s = stream_of(first.sid);
            owner = s ? s->vm : NULL;
        }
        count++;
        cons = (cons + 1) & ptr_mask;
        if ((cons & ptr_mask) == (prod & ptr_mask))
            prod = rd(SMMU_EVENTQ_PROD);    /* more may have come meanwhile */
    }
    /* An overflow (PROD.OVFLG toggled) is acknowledged by copying the flag. */
    bool overflow = (prod ^ smmu.evtq_cons) & SMMU_EVENTQ_PROD_OVFLG;
    smmu.evtq_cons = (cons & ptr_mask) | (prod & SMMU_EVENTQ_PROD_OVFLG);
    wr(SMMU_EVENTQ_CONS, smmu.evtq_cons);
    spin_unlock(&smmu.lock);
    if (count)
        iommu_report(owner, &first, count, overflow);
}

static void global_errors(void)
{
    uint32_t g = rd(SMMU_GERROR), active = (g ^ rd(SMMU_GERRORN)) & SMMU_GERROR_MASK;
    if (!active)
        return;
    wr(SMMU_GERRORN, g);                    /* acknowledged: each bit toggled back */
    /* QEMU says "event queue full" this way: harmless, the events are lost. */
    if (active & SMMU_GERROR_EVENTQ_ABT)
        iommu_report_error("event queue full or unwritable (events lost)", SMMU_GERROR_EVENTQ_ABT);
    if (active & SMMU_GERROR_CMDQ_ERR)
        iommu_report_error("command queue error", SMMU_GERROR_CMDQ_ERR);
    if (active & SMMU_GERROR_SFM)
        iommu_report_error("service failure mode: the SMMU stopped translating", SMMU_GERROR_SFM);
    if (active & ~(SMMU_GERROR_EVENTQ_ABT | SMMU_GERROR_CMDQ_ERR | SMMU_GERROR_SFM))
        iommu_report_error("global error", active);
    if (active & SMMU_GERROR_EVENTQ_ABT)
        drain_events();
}

bool iommu_irq(unsigned intid)
{
    if (intid == platform.iommu_event_intid)
        drain_events();
    else if (intid == platform.iommu_gerror_intid)
        global_errors();
    else
        return false;
    return true;
}
