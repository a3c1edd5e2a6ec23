/* SPDX-License-Identifier: MIT */
/*
 * virtio devices served by a backend VM (core/virtio.h, docs/virtio.md).
 * Each device's state is core/virtio_regs.h's, under the device's lock;
 * the frontend's accesses (src/vdev/virtio_mmio.c) and the backend's calls
 * meet here.  Only a device reset waits for the backend: the frontend's
 * vCPU blocks (MMIO_RETRY) until the backend's RESET_DONE, its stop, or
 * VIRTIO_RESET_TIMEOUT_US; then the reset is complete locally either way
 * (a dead backend never hangs the frontend).
 *
 * The frontend reads the registers from the device's register page
 * (core/virtio_regs.h), mapped read-only in its stage 2 as the vPL011's is
 * (core/vm.h, vm_reg_page_map): no read traps.  Every change of what a read
 * returns rewrites the page under the device's lock (its writes, which
 * trap as permission faults; the backend's EVENT_USED and EVENT_CONFIG;
 * resets, registrations, the frontend's restarts), published before the
 * lock is released and before an interrupt is injected, so a handler that
 * runs for the interrupt reads the InterruptStatus that raised it.
 *
 * The backend's window onto the frontend's RAM is in the backend's stage 2
 * (read-write, never executable) exactly while both run: mapped by the
 * start of the second, unmapped by the stop of either, before the
 * frontend's RAM is cleared for its next start.  Stage-2 changes go through
 * ipc.c (ipc_window_map), under ipc_lock, as the backend's own share
 * mappings do.
 */
#include "core/virtio.h"
#include "core/virtio_regs.h"
#include "core/virtio_pci.h"
#include "core/vm.h"
#include "core/ipc.h"
#include "core/lib.h"
#include "core/spinlock.h"
#include "core/htimer.h"
#include "arch/cpu.h"

#define VIRTIO_RESET_TIMEOUT_US 100000u     /* 100 ms: a backend's reset is a few messages */

extern const struct mmio_ops virtio_mmio_ops, virtio_pci_bar_ops, virtio_ecam_ops;

struct virtio_dev {
    spinlock_t lock;
    const struct virtio_config *cfg;        /* NULL: its frontend was not created */
    unsigned index;
    struct virtio_regs regs;
    struct virtio_pci pci;                  /* VIRTIO_TRANSPORT_PCI: the function's side */
    uint32_t *page;                         /* MMIO: the register page: what reads return */
    uint64_t reset_deadline;                /* counter value */
    struct vcpu *reset_vcpu;                /* its store of Status = 0 is retried */
    uint64_t reset_pc;
    bool window_mapped;                     /* under ipc_lock */
    /* The frontend stopped while a backend served it: its new RAM stays out
     * of the backend until the backend has acknowledged that reset, so a
     * request it was still finishing cannot land in the new instance. */
    bool window_hold;
};

static struct virtio_dev devs[VIRTIO_MAX_DEVICES];
static uint32_t reg_pages[VIRTIO_MAX_DEVICES][VIRTIO_PAGE_WORDS] __attribute__((aligned(PAGE_SIZE)));

/* Under the device's lock: the register page after a change of the
 * register at `off` (or a write there), visible to the frontend's uncached
 * reads before what follows (vm_shadow_publish ends with a DSB). */
static void page_update(struct virtio_dev *d, uint64_t off)
{
    struct virtio_page_span s = virtio_regs_page_update(&d->regs, d->page, off);
    if (s.len)
        vm_shadow_publish((const uint8_t *)d->page + s.off, s.len);
}

/* Under the device's lock (or before its frontend runs): the whole page. */
static void page_fill(struct virtio_dev *d)
{
    virtio_regs_page_fill(&d->regs, d->page);
    vm_shadow_publish(d->page, VIRTIO_MMIO_PAGE_BYTES);
}

static struct vm *frontend(const struct virtio_dev *d)
{
    return vm_by_id(d->cfg->frontend);
}

static struct vm *backend(const struct virtio_dev *d)
{
    return vm_by_id(d->cfg->backend);
}

static bool running(const struct vm *vm)
{
    return vm && vm->state == VM_RUNNING;
}

static void ring(struct vm *be)
{
    if (running(be) && be->cfg->doorbell_intid)
        vgic_inject_spi(be, be->cfg->doorbell_intid);
}

/* Under ipc_lock: the window may be mapped unless a frontend's stop still
 * waits for the backend's acknowledgement. */
static bool window_may(void *arg)
{
    struct virtio_dev *d = arg;
    spin_lock(&d->lock);
    bool may = !d->window_hold;
    spin_unlock(&d->lock);
    return may;
}

static void window_map(struct virtio_dev *d)
{
    struct vm *fe = frontend(d), *be = backend(d);
    int rc = ipc_window_map(fe, be, d->cfg->window_ipa, d->cfg->window_size, &d->window_mapped, window_may, d);
    if (rc != E_OK)
        vm_failed(be, VM_STOP_FATAL, "virtio%u: cannot map VM '%s''s RAM at IPA %#lx (error %d)", d->index,
                  fe->cfg->name, d->cfg->window_ipa, rc);
}

static bool is_pci(const struct virtio_dev *d)
{
    return d->cfg->transport == VIRTIO_TRANSPORT_PCI;
}

/* A VM's virtio-pci functions: one virtual ECAM, and one region over their
 * BARs, which the config tool puts side by side from the first slot's
 * (each VIRTIO_PCI_BAR_SIZE, slot order): two MMIO regions however many. */
static const char *pci_build(struct vm *vm, const struct virtio_config *c, bool *done)
{
    if (*done)
        return NULL;
    *done = true;
    uint64_t first = c->mmio_ipa - (uint64_t)(c->pci_slot - 1) * VIRTIO_PCI_BAR_SIZE;
    unsigned n = 0;
    for (unsigned i = 0; i < config_nr_virtio && i < VIRTIO_MAX_DEVICES; i++) {
        const struct virtio_config *o = &config_virtio[i];
        if (o->frontend != vm->id || o->transport != VIRTIO_TRANSPORT_PCI)
            continue;
        if (o->ecam_ipa != c->ecam_ipa || !o->pci_slot || o->pci_slot >= PCI_DEVS_PER_BUS ||
            o->mmio_ipa != first + (uint64_t)(o->pci_slot - 1) * VIRTIO_PCI_BAR_SIZE)
            return "its virtio-pci functions are not laid out as tofu-config lays them";
        n = o->pci_slot > n ? o->pci_slot : n;
    }
    if (mmio_add(vm, c->ecam_ipa, PCI_ECAM_BUS_SIZE, &virtio_ecam_ops, vm) != E_OK ||
        mmio_add(vm, first, (uint64_t)n * VIRTIO_PCI_BAR_SIZE, &virtio_pci_bar_ops, vm) != E_OK)
        return "its virtio-pci ECAM or BARs overlap its emulated devices (or are too many)";
    return NULL;
}

const char *virtio_vm_build(struct vm *vm)
{
    bool pci_done = false;
    for (unsigned i = 0; i < config_nr_virtio && i < VIRTIO_MAX_DEVICES; i++) {
        const struct virtio_config *c = &config_virtio[i];
        struct virtio_dev *d = &devs[i];
        if (c->frontend != vm->id)
            continue;
        d->cfg = c;
        d->index = i;
        d->page = reg_pages[i];
        virtio_regs_init(&d->regs, c->device_id, &c->identity);
        page_fill(d);
        if (is_pci(d)) {
            virtio_pci_init(&d->pci, c->mmio_ipa);
            const char *why = pci_build(vm, c, &pci_done);
            if (why)
                return why;
            continue;
        }
        if (c->mmio_ipa & PAGE_OFFSET_MASK)
            return "a virtio window is not on a page of its own";
        if (mmio_add(vm, c->mmio_ipa, VIRTIO_MMIO_WINDOW_SIZE, &virtio_mmio_ops, d) != E_OK)
            return "its virtio windows overlap its emulated devices (or are too many)";
        int rc = vm_reg_page_map(vm, c->mmio_ipa, d->page);
        if (rc != E_OK)
            return rc == E_NOMEM ? "no memory for its stage-2 tables" : "a virtio window overlaps its RAM or a device";
    }
    return NULL;
}

/* ---- the frontend's accesses -------------------------------------------- */

static void access_refused(struct vcpu *v, const struct virtio_dev *d, uint64_t off, unsigned width, bool write)
{
    vm_log(v, VM_LOG_VIRTIO, "virtio%u: %u-byte %s at offset %#lx%s: not allowed, ignored", d->index, width,
           write ? "write" : "read", off, write ? "" : " (reads 0)");
}

/* Reads come from the register page and do not trap; this answers one that
 * would (the region's read function).  They have no side effect but the
 * log of a bad one, and never wait: a reset in progress blocks the vCPU
 * that wrote Status = 0 (and the writes of any other), whose driver reads
 * nothing before its store completes. */
uint64_t virtio_dev_read(struct vcpu *v, struct virtio_dev *d, uint64_t off, unsigned width)
{
    uint64_t val = 0;
    spin_lock(&d->lock);
    unsigned act = virtio_regs_read(&d->regs, off, width, &val);
    spin_unlock(&d->lock);
    if (act & VIRTIO_ACT_BAD)
        access_refused(v, d, off, width, false);
    return val;
}

/* The MSI-X messages of the vectors in `mask` (under the device's lock),
 * then sent (after it): through the frontend's virtual ITS, when the
 * driver aimed them at its GITS_TRANSLATER; DeviceID the function's
 * requester ID (bus 0, the msi-map the tool writes is 1:1). */
struct msi_batch {
    unsigned n;
    uint64_t addr[VIRTIO_PCI_VECTORS];
    uint32_t data[VIRTIO_PCI_VECTORS];
};

static void msi_take(const struct virtio_dev *d, uint32_t mask, struct msi_batch *b)
{
    b->n = 0;
    for (unsigned i = 0; i < VIRTIO_PCI_VECTORS; i++)
        if (mask & (1u << i)) {
            virtio_pci_message(&d->pci, i, &b->addr[b->n], &b->data[b->n]);
            b->n++;
        }
}

static void msi_send(const struct virtio_dev *d, struct vm *fe, const struct msi_batch *b)
{
    uint32_t rid = d->cfg->pci_slot << PCI_RID_DEV_SHIFT;
    for (unsigned i = 0; i < b->n; i++) {
        if (fe->cfg->its_ipa && b->addr[i] == fe->cfg->its_ipa + GITS_TRANSLATER) {
            vgic_its_msi(fe, rid, b->data[i]);     /* nothing when the guest mapped nothing there */
            continue;
        }
        vm_log(&fe->vcpus[0], VM_LOG_VIRTIO, "virtio%u: an MSI-X message to %#lx, not its ITS's GITS_TRANSLATER: "
               "dropped", d->index, b->addr[i]);
    }
}

/* A write's effect on the state, under the device's lock: virtio-mmio's
 * register window (and its page), or a PCI function's BAR0. */
static unsigned apply_write(struct virtio_dev *d, uint64_t off, unsigned width, uint64_t val)
{
    if (is_pci(d))
        return virtio_pci_bar_write(&d->pci, &d->regs, off, width, val);
    unsigned act = virtio_regs_write(&d->regs, off, width, val);
    page_update(d, off);
    return act;
}

enum mmio_result virtio_dev_write(struct vcpu *v, struct virtio_dev *d, uint64_t off, unsigned width, uint64_t val)
{
    struct vm *be = backend(d);
    struct msi_batch msis = { .n = 0 };
    uint64_t now = arch_counter();
    enum mmio_result res = MMIO_OK;
    bool timed_out = false;
    unsigned act;

    spin_lock(&d->lock);
    if (d->regs.reset_wait) {
        if (running(be) && now < d->reset_deadline) {
            v->block_until = d->reset_deadline;     /* every write waits for the reset */
            spin_unlock(&d->lock);
            return MMIO_RETRY;
        }
        d->regs.reset_wait = false;
        timed_out = running(be);
    }
    if (d->reset_vcpu == v && d->reset_pc == v->regs.pc) {
        d->reset_vcpu = NULL;                       /* the store of Status = 0, retried: done */
        spin_unlock(&d->lock);
        if (timed_out)
            vm_log(v, VM_LOG_VIRTIO, "virtio%u: backend '%s' did not acknowledge the reset within %u ms: "
                   "reset locally", d->index, be->cfg->name, VIRTIO_RESET_TIMEOUT_US / 1000);
        return MMIO_OK;
    }
    act = apply_write(d, off, width, val);
    if (act & VIRTIO_ACT_MSI) {
        msi_take(d, d->pci.todo, &msis);
        d->pci.todo = 0;
    }
    if (act & VIRTIO_ACT_RESET) {
        if (running(be)) {
            d->reset_deadline = now + htimer_us_to_ticks(VIRTIO_RESET_TIMEOUT_US);
            d->reset_vcpu = v;
            d->reset_pc = v->regs.pc;
            v->block_until = d->reset_deadline;
            res = MMIO_RETRY;
        } else {
            d->regs.reset_wait = false;             /* nobody to wait for */
        }
    }
    spin_unlock(&d->lock);
    if (msis.n)
        msi_send(d, v->vm, &msis);
    if (act & VIRTIO_ACT_EVENT)
        ring(be);
    if (act & VIRTIO_ACT_BAD)
        access_refused(v, d, off, width, true);
    return res;
}

/* ---- a PCI function's accesses (src/vdev/virtio_pci.c) ------------------- */

bool virtio_pci_owns(const struct vm_config *c, uint32_t rid)
{
    for (unsigned i = 0; i < config_nr_virtio; i++) {
        const struct virtio_config *o = &config_virtio[i];
        if (o->transport == VIRTIO_TRANSPORT_PCI && o->frontend - 1u < config_nr_vms &&
            &config_vms[o->frontend - 1] == c && o->pci_slot << PCI_RID_DEV_SHIFT == rid)
            return true;
    }
    return false;
}

/* The VM's virtio-pci device at `slot` of its ECAM, or NULL. */
static struct virtio_dev *pci_dev_at(const struct vm *vm, uint32_t slot)
{
    for (unsigned i = 0; i < config_nr_virtio && i < VIRTIO_MAX_DEVICES; i++) {
        struct virtio_dev *d = &devs[i];
        if (d->cfg && d->cfg->frontend == vm->id && is_pci(d) && d->cfg->pci_slot == slot)
            return d;
    }
    return NULL;
}

/* Function 0 of a slot with a device; everything else is absent. */
static struct virtio_dev *ecam_dev(const struct vm *vm, uint64_t off)
{
    uint32_t fn = (uint32_t)(off >> PCI_ECAM_FN_SHIFT);
    return fn & PCI_RID_FN_MASK ? NULL : pci_dev_at(vm, fn >> PCI_RID_DEV_SHIFT);
}

uint64_t virtio_ecam_read(struct vcpu *v, uint64_t off, unsigned width)
{
    struct virtio_dev *d = ecam_dev(v->vm, off);
    if (!d)
        return width == sizeof(uint32_t) ? PCI_CFG_ALL_ONES : (1u << (width * 8)) - 1;
    spin_lock(&d->lock);
    uint32_t val = virtio_pci_cfg_read(&d->pci, &d->regs, (uint32_t)(off & (PCI_CFG_SIZE - 1)), width);
    spin_unlock(&d->lock);
    return val;
}

void virtio_ecam_write(struct vcpu *v, uint64_t off, unsigned width, uint64_t val)
{
    struct virtio_dev *d = ecam_dev(v->vm, off);
    if (!d)
        return;                         /* an absent function: dropped */
    spin_lock(&d->lock);
    virtio_pci_cfg_write(&d->pci, (uint32_t)(off & (PCI_CFG_SIZE - 1)), width, (uint32_t)val);
    spin_unlock(&d->lock);
}

/* BAR0s side by side from slot 1's: the device of `off`, and the offset in its BAR. */
static struct virtio_dev *bar_dev(const struct vm *vm, uint64_t *off)
{
    struct virtio_dev *d = pci_dev_at(vm, (uint32_t)(*off / VIRTIO_PCI_BAR_SIZE) + 1);
    *off %= VIRTIO_PCI_BAR_SIZE;
    return d;
}

uint64_t virtio_pci_read(struct vcpu *v, uint64_t off, unsigned width)
{
    uint64_t val = 0;
    struct virtio_dev *d = bar_dev(v->vm, &off);
    if (!d)
        return 0;
    spin_lock(&d->lock);
    unsigned act = virtio_pci_bar_read(&d->pci, &d->regs, off, width, &val);
    spin_unlock(&d->lock);
    if (act & VIRTIO_ACT_BAD)
        access_refused(v, d, off, width, false);
    return val;
}

enum mmio_result virtio_pci_write(struct vcpu *v, uint64_t off, unsigned width, uint64_t val)
{
    struct virtio_dev *d = bar_dev(v->vm, &off);
    return d ? virtio_dev_write(v, d, off, width, val) : MMIO_OK;
}

/* ---- the backend's calls -------------------------------------------------- */

/* The device `idx` if `v`'s VM serves it. */
static struct virtio_dev *dev_of(struct vcpu *v, uint64_t idx)
{
    struct virtio_dev *d = idx < config_nr_virtio && idx < VIRTIO_MAX_DEVICES ? &devs[idx] : NULL;
    return d && d->cfg && d->cfg->backend == v->vm->id ? d : NULL;
}

static int64_t do_register(struct vcpu *v)
{
    struct virtio_dev *d = dev_of(v, v->regs.x[1]);
    struct tofu_virtio_reg reg;
    if (!d)
        return TOFU_E_NO_DEVICE;
    if (v->regs.x[3] != sizeof(reg))
        return TOFU_E_INVALID;
    const void *p = vm_ipa_to_ptr(v->vm, v->regs.x[2], sizeof(reg));
    if (!p)
        return TOFU_E_INVALID;
    memcpy(&reg, p, sizeof(reg));       /* checked and taken from our copy: the guest may change its own */
    if (virtio_regs_check(&reg) != TOFU_OK)
        return TOFU_E_INVALID;
    spin_lock(&d->lock);
    bool same = virtio_reg_same_device(&d->cfg->identity, &reg);
    unsigned act = 0;
    struct vcpu *w = NULL;
    if (same) {
        /* A backend instance of its own: nothing of an older one is in
         * flight, so a reset waiting for it is done and a held window free. */
        w = d->regs.reset_wait ? d->reset_vcpu : NULL;
        d->regs.reset_wait = false;
        d->window_hold = false;
        act = virtio_regs_attach(&d->regs);
        page_fill(d);                   /* the page as the state says, whatever came before */
    }
    spin_unlock(&d->lock);
    if (!same)
        return TOFU_E_INVALID;          /* not the device the config describes (and the driver sees) */
    if (w)
        vcpu_kick(w);
    window_map(d);                      /* if the frontend runs and it is not mapped yet */
    if (act & VIRTIO_ACT_EVENT)
        ring(v->vm);
    return TOFU_OK;
}

static int64_t do_event(struct vcpu *v)
{
    struct virtio_dev *d = dev_of(v, v->regs.x[1]);
    uint64_t kind = v->regs.x[2];
    if (!d)
        return TOFU_E_NO_DEVICE;
    if (kind != VIRTIO_MSG_EVENT_USED && kind != VIRTIO_MSG_EVENT_CONFIG)
        return TOFU_E_INVALID;
    struct vm *fe = frontend(d);
    struct msi_batch msis = { .n = 0 };
    uint32_t cause = kind == VIRTIO_MSG_EVENT_USED ? VIRTIO_MMIO_INT_VRING : VIRTIO_MMIO_INT_CONFIG;
    spin_lock(&d->lock);
    bool live = running(fe) && d->regs.attached && (d->regs.status & VIRTIO_STATUS_DRIVER_OK);
    if (live && is_pci(d)) {
        d->regs.int_status |= cause;    /* ISR status, which an MSI-X driver does not read */
        d->regs.config_gen += kind == VIRTIO_MSG_EVENT_CONFIG;
        msi_take(d, virtio_pci_raise(&d->pci, &d->regs, cause), &msis);
        spin_unlock(&d->lock);
        msi_send(d, fe, &msis);
        return TOFU_OK;
    }
    if (live) {
        d->regs.int_status |= cause;
        if (kind == VIRTIO_MSG_EVENT_CONFIG) {
            d->regs.config_gen++;
            page_update(d, VIRTIO_MMIO_CONFIG_GENERATION);
        }
        /* In the page before the SPI is pending: the frontend's handler,
         * on another CPU, must not read the InterruptStatus of before.
         * Under the lock, so an InterruptACK of the frontend's (the same
         * lock) clears bits either before this raise or after it. */
        page_update(d, VIRTIO_MMIO_INTERRUPT_STATUS);
    }
    spin_unlock(&d->lock);
    if (!live)
        return TOFU_E_STOPPED;          /* no driver runs the device: nothing to tell */
    vgic_inject_spi(fe, d->cfg->intid);
    return TOFU_OK;
}

static int64_t do_reset_done(struct vcpu *v)
{
    struct virtio_dev *d = dev_of(v, v->regs.x[1]);
    if (!d)
        return TOFU_E_NO_DEVICE;
    spin_lock(&d->lock);
    bool waited = d->regs.reset_wait;
    struct vcpu *w = d->reset_vcpu;
    bool latest = virtio_regs_reset_done(&d->regs, v->regs.x[2]);
    bool release = latest && d->window_hold;
    d->window_hold &= !release;
    spin_unlock(&d->lock);
    if (release && running(frontend(d)))
        window_map(d);                  /* the frontend's new RAM: nothing old can land there now */
    if (latest && waited && w)
        vcpu_unblock(w);                /* its retry completes the store */
    return TOFU_OK;                     /* a late one (the reset timed out) is no error */
}

/* The calls by function number, TOFU_HC_VIRTIO_REGISTER first. */
static int64_t (*const calls[])(struct vcpu *v) = {
    do_register,                        /* TOFU_HC_VIRTIO_REGISTER */
    do_event,                           /* TOFU_HC_VIRTIO_EVENT */
    do_reset_done,                      /* TOFU_HC_VIRTIO_RESET_DONE */
};
_Static_assert(TOFU_HC_VIRTIO_EVENT == TOFU_HC_VIRTIO_REGISTER + 1 &&
               TOFU_HC_VIRTIO_RESET_DONE == TOFU_HC_VIRTIO_REGISTER + 2, "the table's order");

void virtio_call(struct vcpu *v, uint32_t fid)
{
    uint32_t n = fid - TOFU_HC_VIRTIO_REGISTER;
    v->regs.x[0] = (uint64_t)(n < ARRAY_SIZE(calls) ? calls[n](v) : TOFU_E_NOT_SUPPORTED);
}

unsigned virtio_msg_next(struct vm *vm, uint8_t *buf, bool peek)
{
    for (unsigned i = 0; i < config_nr_virtio && i < VIRTIO_MAX_DEVICES; i++) {
        struct virtio_dev *d = &devs[i];
        if (!d->cfg || d->cfg->backend != vm->id)
            continue;
        spin_lock(&d->lock);
        unsigned n = virtio_regs_msg(&d->regs, (uint16_t)i, buf, peek);
        spin_unlock(&d->lock);
        if (n)
            return n;
    }
    return 0;
}

unsigned virtio_msg_count(const struct vm *vm)
{
    unsigned n = 0;
    for (unsigned i = 0; i < config_nr_virtio && i < VIRTIO_MAX_DEVICES; i++) {
        struct virtio_dev *d = &devs[i];
        if (!d->cfg || d->cfg->backend != vm->id)
            continue;
        spin_lock(&d->lock);
        n += virtio_regs_msg_count(&d->regs);
        spin_unlock(&d->lock);
    }
    return n;
}

/* ---- lifecycles ---------------------------------------------------------- */

void virtio_vm_started(struct vm *vm)
{
    for (unsigned i = 0; i < config_nr_virtio && i < VIRTIO_MAX_DEVICES; i++) {
        struct virtio_dev *d = &devs[i];
        if (!d->cfg || (d->cfg->frontend != vm->id && d->cfg->backend != vm->id))
            continue;
        if (d->cfg->frontend == vm->id) {
            spin_lock(&d->lock);
            page_fill(d);                   /* what its stop's reset left, whatever came since */
            spin_unlock(&d->lock);
        }
        if (d->cfg->backend == vm->id) {
            spin_lock(&d->lock);
            virtio_regs_detach(&d->regs);   /* a new instance: it hears all again when it registers */
            d->window_hold = false;         /* and has nothing in flight */
            spin_unlock(&d->lock);
        }
        if (running(frontend(d)) && running(backend(d)))
            window_map(d);                  /* unless a stop's reset is still unacknowledged */
    }
}

void virtio_vm_stopped(struct vm *vm)
{
    for (unsigned i = 0; i < config_nr_virtio && i < VIRTIO_MAX_DEVICES; i++) {
        struct virtio_dev *d = &devs[i];
        if (!d->cfg || (d->cfg->frontend != vm->id && d->cfg->backend != vm->id))
            continue;
        ipc_window_unmap(backend(d), d->cfg->window_ipa, d->cfg->window_size, &d->window_mapped);
        struct vcpu *w = NULL;
        spin_lock(&d->lock);
        if (d->cfg->frontend == vm->id) {
            /* The driver is gone: the device is reset, and the backend hears status 0. */
            d->window_hold = virtio_regs_post_reset(&d->regs) && running(backend(d));
            if (is_pci(d))
                virtio_pci_init(&d->pci, d->cfg->mmio_ipa);     /* the function as at power-on */
            d->regs.reset_wait = false;
            d->reset_vcpu = NULL;
            page_fill(d);                   /* its next instance reads a device after reset */
        } else {
            w = d->regs.reset_wait ? d->reset_vcpu : NULL;
            virtio_regs_detach(&d->regs);   /* the frontend's reset completes now */
            d->window_hold = false;
        }
        spin_unlock(&d->lock);
        if (w)
            vcpu_kick(w);
        if (d->cfg->frontend == vm->id)
            ring(backend(d));
    }
}
