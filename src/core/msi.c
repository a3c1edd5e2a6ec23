/* SPDX-License-Identifier: MIT */
/*
 * Passed-through MSIs (docs/its.md): each PCIe function a VM with a virtual
 * ITS owns gets a block of tofu's physical LPIs, one per EventID, from the
 * physical ITS (src/drivers/gicv3_its.c), and the doorbell page of the
 * physical ITS in the VM's stage 2, which its functions' DMA goes through
 * (the SMMU shares it).  An LPI arriving at EL2 names the block, so the VM
 * and the DeviceID, and the EventID: the VM's own ITS translates it, as it
 * would a write to its GITS_TRANSLATER.  A device's DeviceID is its
 * requester ID, which the PCIe fabric supplies, so it can reach only its
 * own VM's ITS, and there only what the guest mapped for it.
 *
 * On a GICv4.0 (docs/its.md, "Direct injection") each vCPU of such a VM is
 * also a vPE, and an event the guest maps to an LPI of a vCPU whose LPIs
 * are on is mapped in the physical ITS straight to that vPE's vLPI (the
 * guest's INTID): the MSI reaches the guest with no exit.  msi_vm_sync()
 * keeps the physical mappings equal to what the VM's ITS says, after each
 * change; what it cannot map that way (its vCPU's LPIs off or their table
 * outside its RAM, the ITS disabled, no translation) stays tofu's own LPI,
 * the software path above.
 */
#include "core/vm.h"
#include "core/vgic.h"
#include "core/pci.h"
#include "core/drivers.h"
#include "core/platform.h"
#include "core/mem.h"
#include "core/printf.h"
#include "core/vits.h"
#include "core/vcpu.h"
#include "core/pcpu.h"
#include "core/lib.h"
#include "arch/mmu.h"
#include "arch/regs.h"

#define MSI_BLOCKS  ((UINT32_C(1) << 14) - GIC_LPI_BASE_ID) / GIC_ITS_EVENTS   /* tofu's LPIs / a device's */
#define PCI_BUS0_RIDS 256

#define VPT_PAGES       1                    /* 2^14 bits, GICv4.0's vPE pending table */
#define VPT_ALIGN_PAGES 16                   /* 64 KiB aligned (VMAPP's VPT_addr) */
#define VPT_LPI_BYTE    (GIC_LPI_BASE_ID / 8)   /* where the LPIs' bits start */
#define VPROP_PAGES     (VITS_MAX_LPIS / PAGE_SIZE)
#define VPROP_IDBITS    13                   /* IDbits - 1: INTIDs up to 16383 */

/* What the physical ITS does with one event of a block now. */
struct msi_event {
    bool direct;                /* vLPI `vintid` of vCPU `vcpu`'s vPE; else tofu's LPI */
    uint8_t vcpu;
    uint16_t vintid;
};

struct msi_block {
    struct vm *vm;
    uint32_t device_id;
    unsigned cpu;               /* where its LPIs go (gic_its_map_device) */
    struct msi_event ev[GIC_ITS_EVENTS];
};

/* A vCPU's vPE.  prop_want: the guest's LPI configuration table as
 * GICR_VPROPBASER (PA | IDbits) while its LPIs are on and the table is in
 * its RAM, else 0; written by whichever vCPU writes the redistributor.
 * prop_loaded: what its own CPU put in GICR_VPROPBASER (0: tofu's table of
 * disabled LPIs).  An event is direct only while the two agree. */
struct msi_vpe {
    uint64_t vpt_pa;
    uint64_t prop_want, prop_loaded;
};

static struct msi_block blocks[MSI_BLOCKS];
static struct msi_vpe vpes[MAX_VMS][VM_MAX_VCPUS];
static unsigned soft_msis[MAX_VMS], doorbells[MAX_VMS];
static uint64_t vprop_off_pa;                /* every vLPI disabled */

static unsigned vpe_nr(const struct vm *vm, unsigned i) { return (unsigned)(vm - vms) * VM_MAX_VCPUS + i; }
static unsigned vpe_id(const struct vcpu *v) { return vpe_nr(v->vm, v->id); }
static struct msi_vpe *vpe_of(const struct vcpu *v) { return &vpes[v->vm - vms][v->id]; }
/* The first of `vm`'s blocks from `from` on, or NULL. */
static struct msi_block *vm_block(const struct vm *vm, struct msi_block *from)
{
    for (; from < blocks + MSI_BLOCKS; from++)
        if (from->vm == vm)
            return from;
    return NULL;
}

static unsigned block_lpi(const struct msi_block *b)
{
    return GIC_LPI_BASE_ID + (unsigned)(b - blocks) * GIC_ITS_EVENTS;
}

/* VMAPP of every vCPU of the VM, each on the CPU it is pinned to, with a
 * pending table of tofu's: boot only (before the vCPUs are set up). */
static bool vpes_build(struct vm *vm)
{
    const struct vm_config *c = vm->cfg;
    if (!gic_its_v4() || vpe_nr(vm, VM_MAX_VCPUS) > gic_its_vpe_ids())
        return false;
    if (!vprop_off_pa && !(vprop_off_pa = mem_alloc_zeroed(VPROP_PAGES, 1)))
        return false;
    for (unsigned i = 0; i < c->nr_vcpus; i++) {
        struct msi_vpe *p = &vpes[vm - vms][i];
        if (!(p->vpt_pa = mem_alloc_zeroed(VPT_PAGES, VPT_ALIGN_PAGES)) ||
            !gic_its_vpe_map(vpe_nr(vm, i), c->vcpu_pcpu[i], p->vpt_pa))
            return false;
    }
    return true;
}

bool msi_owns_device(const struct vm_config *c, uint32_t rid)
{
    if (c->nr_streams && rid - c->stream_first < c->nr_streams)
        return true;
    for (unsigned i = 0; i < c->nr_pci_fns; i++)
        if (c->pci_fns[i] == rid)
            return true;
    return false;
}

/* Does a vCPU of `c` share its physical CPU (another vCPU there, of any
 * VM; a budget; a schedule of windows)?  Then a descheduled vPE's doorbell
 * would have to wake its vCPU, which tofu does not do: its MSIs go the
 * software way (vLPIs through the list registers), which wakes it as any
 * interrupt does (docs/its.md, docs/scheduling.md). */
static bool on_shared_cpu(const struct vm_config *c)
{
    if (c->budget_us)
        return true;
    for (unsigned i = 0; i < c->nr_vcpus; i++) {
        unsigned cpu = c->vcpu_pcpu[i], n = 0;
        for (unsigned s = 0; s < config_nr_schedules; s++)
            if (config_schedules[s].cpu == cpu)
                return true;
        for (unsigned v = 0; v < config_nr_vms; v++)
            for (unsigned j = 0; j < config_vms[v].nr_vcpus; j++)
                n += config_vms[v].vcpu_pcpu[j] == cpu;
        if (n > 1)
            return true;
    }
    return false;
}

const char *msi_vm_build(struct vm *vm)
{
    const struct vm_config *c = vm->cfg;
    bool any = false;
    for (uint32_t rid = 0; rid < PCI_BUS0_RIDS; rid++) {
        const struct pci_fn *f = pci_fn_find((uint16_t)rid);
        if (!f || f->hidden || !msi_owns_device(c, rid))
            continue;
        unsigned cpu = c->vcpu_pcpu[0];
        unsigned first = gic_its_map_device(rid, cpu);
        if (!first)
            return "the physical ITS could not map its functions' MSIs";
        blocks[(first - GIC_LPI_BASE_ID) / GIC_ITS_EVENTS] = (struct msi_block){ .vm = vm, .device_id = rid, .cpu = cpu };
        printf("vm %s: PCI %02x:%02x.%u: its MSIs through the ITS, LPIs %u-%u\n", c->name, rid >> 8,
               (rid >> 3) & 0x1f, rid & 7, first, first + GIC_ITS_EVENTS - 1);
        any = true;
    }
    if (!any)
        return NULL;
    if (on_shared_cpu(c)) {
        if (gic_its_v4())
            printf("vm %s: direct injection off: a vCPU of it shares its CPU (its MSIs through the list registers)\n",
                   c->name);
    } else if (vpes_build(vm)) {
        vm->msi_direct = true;
        printf("vm %s: direct injection on: its devices' MSIs as vLPIs (GICv4.0, vPEs %u-%u)\n", c->name,
               vpe_nr(vm, 0), vpe_nr(vm, c->nr_vcpus - 1));
    }
    /* The doorbell (GITS_TRANSLATER's page, at the IPA of the VM's own
     * ITS's translation frame): its functions' MSI writes reach the
     * physical ITS; the control frame stays the virtual one's. */
    uint64_t page = platform.its_base + GITS_FRAME_SIZE;
    int rc = pt_map(&vm->s2, c->its_ipa + GITS_FRAME_SIZE, page, PAGE_SIZE, s2_attrs_device());
    return rc == E_OK ? NULL : "no memory for its ITS doorbell's mapping";
}

void msi_lpi(unsigned intid)
{
    if (gic_its_v4() && intid == gic_its_doorbell()) {
        /* A vLPI of this CPU's vPE while it waited (msi_vcpu_wait): the
         * wake-up is all it is for. */
        struct vcpu *v = this_pcpu()->vcpu;
        if (v)
            __atomic_fetch_add(&doorbells[v->vm - vms], 1, __ATOMIC_RELAXED);
        return;
    }
    unsigned i = intid - GIC_LPI_BASE_ID;
    if (i / GIC_ITS_EVENTS >= MSI_BLOCKS)
        return;
    const struct msi_block *b = &blocks[i / GIC_ITS_EVENTS];
    if (b->vm && vgic_its_msi(b->vm, b->device_id, i % GIC_ITS_EVENTS))
        __atomic_fetch_add(&soft_msis[b->vm - vms], 1, __ATOMIC_RELAXED);
}

/* ---- GICv4.0 direct injection ------------------------------------------ */

static bool vpe_direct_ok(const struct vcpu *v)
{
    const struct msi_vpe *p = vpe_of(v);
    uint64_t want = __atomic_load_n(&p->prop_want, __ATOMIC_ACQUIRE);
    return want && want == __atomic_load_n(&p->prop_loaded, __ATOMIC_ACQUIRE);
}

void msi_vm_sync(struct vm *vm, const struct vits *its)
{
    if (!vm->msi_direct)
        return;
    for (struct msi_block *b = vm_block(vm, blocks); b; b = vm_block(vm, b + 1)) {
        for (unsigned e = 0; e < GIC_ITS_EVENTS; e++) {
            struct msi_event *ev = &b->ev[e];
            uint32_t lpi, vcpu;
            bool direct = its->enabled && vits_lookup(its, b->device_id, e, &lpi, &vcpu) == VITS_OK &&
                          vcpu < vm->nr_vcpus && vpe_direct_ok(&vm->vcpus[vcpu]);
            bool ok = true;
            if (direct && ev->direct && ev->vintid == lpi && ev->vcpu == vcpu)
                continue;
            if (!direct && !ev->direct)
                continue;
            if (direct && ev->direct && ev->vintid == lpi)
                ok = gic_its_vlpi_move(b->device_id, e, vpe_id(&vm->vcpus[vcpu]));
            else if (direct)
                ok = gic_its_vlpi_map(b->device_id, e, vpe_id(&vm->vcpus[vcpu]), lpi);
            else
                ok = gic_its_plpi_map(b->device_id, e, block_lpi(b) + e, b->cpu);
            if (!ok) {
                printf("vm %s: the physical ITS refused a command for PCI %02x:%02x.%u event %u\n",
                       vm->cfg->name, b->device_id >> 8, (b->device_id >> 3) & 0x1f, b->device_id & 7, e);
                continue;
            }
            *ev = (struct msi_event){ .direct = direct, .vcpu = (uint8_t)vcpu, .vintid = (uint16_t)lpi };
        }
    }
}

void msi_vlpi_cmd(struct vm *vm, unsigned cmd, unsigned lpi, unsigned vcpu)
{
    if (!vm->msi_direct)
        return;
    for (struct msi_block *b = vm_block(vm, blocks); b; b = vm_block(vm, b + 1)) {
        for (unsigned e = 0; e < GIC_ITS_EVENTS; e++) {
            const struct msi_event *ev = &b->ev[e];
            if (!ev->direct || (lpi ? ev->vintid != lpi : ev->vcpu != vcpu))
                continue;
            gic_its_vlpi_cmd(cmd, b->device_id, e, vpe_id(&vm->vcpus[ev->vcpu]));
            /* A vLPI enabled while pending rings no doorbell: the vCPU, if
             * it waits, looks at its pending table again. */
            if (cmd == GITS_CMD_INV)
                vcpu_kick(&vm->vcpus[ev->vcpu]);
        }
    }
}

void msi_vcpu_lpis_changed(struct vcpu *o, bool enabled, uint64_t propbaser)
{
    struct vm *vm = o->vm;
    if (!vm->msi_direct)
        return;
    /* The guest's table, as the vGIC reads it (GICR_PROPBASER's IDbits,
     * at most the VM's 14): in its RAM, which is one run of tofu's memory,
     * so the redistributor can read it where the guest writes it. */
    unsigned idbits = (unsigned)(propbaser & GICR_PROPBASER_IDBITS_MASK);
    if (idbits > VPROP_IDBITS)
        idbits = VPROP_IDBITS;
    uint64_t ipa = propbaser & GICR_PROPBASER_PA_MASK, want = 0;
    uint64_t len = idbits + 1 > 13 ? (UINT64_C(1) << (idbits + 1)) - GIC_LPI_BASE_ID : 0;
    if (enabled && len && vm_ipa_in_ram(vm, ipa, len))
        want = (vm->ram_pa.bits + (ipa - vm->cfg->ram_ipa)) | idbits;
    else if (enabled && len)
        vm_log(vcpu_current(), VM_LOG_GIC,
               "vCPU %u's LPI configuration table not in its RAM: its devices' MSIs stay injected by tofu", o->id);
    __atomic_store_n(&vpe_of(o)->prop_want, want, __ATOMIC_RELEASE);
    if (o == vcpu_current()) {
        msi_vcpu_wait(o);               /* reloaded at once on its own CPU */
        msi_vcpu_resume(o);
    } else {
        vgic_its_sync(vm);              /* off at once; on when its CPU next loads it */
        vgic_lpi_kick(o);               /* which its next exit does (msi_vcpu_reload) */
    }
}

void msi_vcpu_reload(struct vcpu *v)
{
    if (!v->vm->msi_direct ||
        __atomic_load_n(&vpe_of(v)->prop_want, __ATOMIC_ACQUIRE) == vpe_of(v)->prop_loaded)
        return;
    gic_vpe_put();
    msi_vcpu_resume(v);
}

/* A vLPI of `v` pending and enabled in its pending table (the vPE not
 * resident): what a wait must not sleep through. */
static bool vpt_deliverable(const struct vcpu *v, const struct msi_vpe *p)
{
    if (!p->prop_loaded)
        return false;
    const uint64_t *vpt = pa_to_ptr(pa_of(p->vpt_pa));
    const uint8_t *cfg = pa_to_ptr(pa_of(p->prop_loaded & GICR_PROPBASER_PA_MASK));
    unsigned bits = 1u << ((p->prop_loaded & GICR_PROPBASER_IDBITS_MASK) + 1);
    UNUSED(v);
    for (unsigned w = VPT_LPI_BYTE / 8; w < bits / 64; w++) {
        for (uint64_t m = __atomic_load_n(&vpt[w], __ATOMIC_ACQUIRE); m; m &= m - 1) {
            unsigned intid = w * 64 + ctz64(m);
            if (cfg[intid - GIC_LPI_BASE_ID] & LPI_CFG_ENABLE)
                return true;
        }
    }
    return false;
}

bool msi_vcpu_wait(struct vcpu *v)
{
    if (!v->vm->msi_direct)
        return false;
    gic_vpe_put();
    dsb(sy);
    return vpt_deliverable(v, vpe_of(v));
}

void msi_vcpu_resume(struct vcpu *v)
{
    if (!v->vm->msi_direct)
        return;
    struct msi_vpe *p = vpe_of(v);
    uint64_t want = __atomic_load_n(&p->prop_want, __ATOMIC_ACQUIRE);
    bool changed = want != p->prop_loaded;
    __atomic_store_n(&p->prop_loaded, want, __ATOMIC_RELEASE);
    if (want)
        gic_vpe_load(want & GICR_PROPBASER_PA_MASK, (unsigned)(want & GICR_PROPBASER_IDBITS_MASK), p->vpt_pa);
    else
        gic_vpe_load(vprop_off_pa, VPROP_IDBITS, p->vpt_pa);
    if (changed)
        vgic_its_sync(v->vm);
}

void msi_vcpu_park(struct vcpu *v)
{
    if (v->vm->msi_direct)
        gic_vpe_put();
}

void msi_vm_reset(struct vm *vm)
{
    if (!vm->msi_direct)
        return;
    for (unsigned i = 0; i < vm->nr_vcpus; i++) {
        struct msi_vpe *p = vpe_of(&vm->vcpus[i]);
        __atomic_store_n(&p->prop_want, 0, __ATOMIC_RELEASE);
        memset(pa_to_ptr(pa_of(p->vpt_pa)), 0, VPT_PAGES * PAGE_SIZE);  /* not resident: parked */
    }
    vgic_its_sync(vm);                  /* a reset ITS: every event back to tofu's LPIs */
    dsb(sy);
}

void msi_vm_stopped(struct vm *vm)
{
    unsigned i = (unsigned)(vm - vms);
    if (vm_block(vm, blocks))
        printf("vm %s: device MSIs: %u injected by tofu, %u doorbells%s\n", vm->cfg->name,
               __atomic_exchange_n(&soft_msis[i], 0, __ATOMIC_RELAXED),
               __atomic_exchange_n(&doorbells[i], 0, __ATOMIC_RELAXED),
               vm->msi_direct ? ", the rest direct vLPIs" : "");
}
