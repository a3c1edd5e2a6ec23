/* SPDX-License-Identifier: MIT */
/*
 * The virtual ITS of a VM that asks for one (`its;` in its config node,
 * docs/its.md): the 128 KiB GITS region around core/vits.c's model, which
 * this file gives the VM's memory (the command queue), its DeviceIDs and
 * the vGIC's LPIs.  One lock per ITS serialises every access; the model's
 * callbacks run under it.
 *
 * A CPU's write to GITS_TRANSLATER carries no DeviceID (a device's MSI
 * does; the architecture leaves a CPU's to the implementation): it is
 * refused, as a DeviceID the VM cannot own.
 */
#include "core/vm.h"
#include "core/virtio.h"
#include "core/vits.h"
#include "core/vgic.h"
#include "core/lib.h"

#define VITS_CPU_DEVICE_ID (1u << VITS_DEVID_BITS)  /* beyond GITS_TYPER.Devbits: no device's */

struct vgic_its {
    spinlock_t lock;
    struct vm *vm;
    struct vits its;
};

static struct vgic_its its_of_vm[MAX_VMS];

static bool its_read_ram(void *ctx, uint64_t ipa, void *buf, size_t len)
{
    struct vgic_its *d = ctx;
    const void *p = vm_ipa_to_ptr(d->vm, ipa, len);
    if (!p)
        return false;
    memcpy(buf, p, len);
    return true;
}

/* A DeviceID is a PCIe requester ID, the StreamID of the same function
 * (DeviceID = StreamID). */
static bool its_owns_device(void *ctx, uint32_t device_id)
{
    /* Its physical functions' IDs, and its virtio-pci functions' (whose
     * MSI-X tofu sends itself): only msi_owns_device()'s are ever mapped in
     * the physical ITS (msi_vm_build), so a virtual ID equal to another
     * VM's physical function's reaches nothing of that function. */
    const struct vm_config *c = ((struct vgic_its *)ctx)->vm->cfg;
    return msi_owns_device(c, device_id) || virtio_pci_owns(c, device_id);
}

static void its_effect(void *ctx, const struct vits_fx *fx)
{
    struct vm *vm = ((struct vgic_its *)ctx)->vm;
    struct vcpu *v = &vm->vcpus[fx->vcpu];      /* the model names only the VM's vCPUs */
    switch (fx->kind) {
    case VITS_FX_PEND:
        vgic_lpi_pend(v, fx->lpi);
        break;
    case VITS_FX_UNPEND:
        vgic_lpi_unpend(v, fx->lpi);
        msi_vlpi_cmd(vm, GITS_CMD_CLEAR, fx->lpi, fx->vcpu);   /* a direct vLPI's pending state */
        break;
    case VITS_FX_MOVE:
        vgic_lpi_move(v, &vm->vcpus[fx->to], fx->lpi);
        break;
    case VITS_FX_MOVE_ALL:
        vgic_lpi_move_all(v, &vm->vcpus[fx->to]);
        break;
    case VITS_FX_INV:
        msi_vlpi_cmd(vm, GITS_CMD_INV, fx->lpi, fx->vcpu);
        if (!vgic_lpi_reload(v, fx->lpi, 1))
            vm_log(vcpu_current(), VM_LOG_GIC, "ITS INV of LPI %u: GICR_PROPBASER of vCPU %u is not in its RAM",
                   fx->lpi, fx->vcpu);
        break;
    case VITS_FX_INV_ALL:
        msi_vlpi_cmd(vm, GITS_CMD_INV, 0, fx->vcpu);
        if (!vgic_lpi_reload(v, GIC_LPI_BASE_ID, vm->vgic.nr_lpis))
            vm_log(vcpu_current(), VM_LOG_GIC, "ITS INVALL: GICR_PROPBASER of vCPU %u is not in its RAM", fx->vcpu);
        break;
    }
}

static void its_refused(void *ctx, enum vits_err err, const uint64_t cmd[GITS_CMD_DWORDS])
{
    UNUSED(ctx);
    vm_log(vcpu_current(), VM_LOG_GIC, "ITS command %#lx %#lx %#lx %#lx dropped: %s", cmd[0], cmd[1], cmd[2], cmd[3],
           vits_err_name(err));
}

static const struct vits_ops its_ops = {
    .read_ram = its_read_ram,
    .owns_device = its_owns_device,
    .effect = its_effect,
    .refused = its_refused,
};

static uint64_t its_read(struct vcpu *v, void *dev, uint64_t off, unsigned width)
{
    struct vgic_its *d = dev;
    uint64_t val = 0;
    UNUSED(v);
    spin_lock(&d->lock);
    vits_read(&d->its, off, width, &val);
    spin_unlock(&d->lock);
    return val;
}

/* Access-level refusals worth a line: those that leave the queue stalled
 * or a write not taken (the rest are RAZ/WI by the architecture). */
static bool worth_a_line(enum vits_err err)
{
    return err != VITS_OK && err != VITS_E_ACCESS;
}

static enum mmio_result its_write(struct vcpu *v, void *dev, uint64_t off, unsigned width, uint64_t val)
{
    struct vgic_its *d = dev;
    spin_lock(&d->lock);
    uint32_t gen = d->its.map_gen;
    enum vits_err err = vits_write(&d->its, off, width, val, VITS_CPU_DEVICE_ID);
    /* A translation changed (a command run, the ITS enabled or disabled):
     * the physical ITS's direct mappings follow (GICv4.0). */
    if (d->its.map_gen != gen)
        msi_vm_sync(d->vm, &d->its);
    spin_unlock(&d->lock);
    if (off == GITS_TRANSLATER && err != VITS_E_ACCESS)
        vm_log(v, VM_LOG_GIC, "ITS: an MSI written by a CPU carries no device's DeviceID: dropped");
    else if (worth_a_line(err))
        vm_log(v, VM_LOG_GIC, "ITS write of %#lx at %#lx: %s", val, off, vits_err_name(err));
    return MMIO_OK;
}

const struct mmio_ops vgic_its_ops = {
    .name = "vITS",
    .read = its_read,
    .write = its_write,
};

const char *vgic_its_build(struct vm *vm)
{
    const struct vm_config *c = vm->cfg;
    struct vgic_its *d = &its_of_vm[vm - vms];
    struct vits_config cfg = { .nr_vcpus = c->nr_vcpus, .nr_lpis = VITS_MAX_LPIS };
    d->lock = (spinlock_t)SPINLOCK_INIT;
    d->vm = vm;
    if (vits_init(&d->its, &cfg, &its_ops, d) != E_OK)
        return "its ITS exceeds tofu's limits";
    if (mmio_add(vm, c->its_ipa, GITS_SIZE, &vgic_its_ops, d))
        return "its ITS overlaps an emulated device";
    vm->its = d;
    return NULL;
}

bool vgic_its_msi(struct vm *vm, uint32_t device_id, uint32_t event_id)
{
    struct vgic_its *d = vm->its;
    if (!d)
        return false;
    spin_lock(&d->lock);
    enum vits_err err = vits_translate(&d->its, device_id, event_id);  /* refused: the guest mapped nothing there */
    spin_unlock(&d->lock);
    return err == VITS_OK;
}

void vgic_its_sync(struct vm *vm)
{
    struct vgic_its *d = vm->its;
    if (!d)
        return;
    spin_lock(&d->lock);
    msi_vm_sync(vm, &d->its);
    spin_unlock(&d->lock);
}

void vgic_its_reset(struct vm *vm)
{
    struct vgic_its *d = vm->its;
    if (!d)
        return;
    spin_lock(&d->lock);
    vits_reset(&d->its);
    spin_unlock(&d->lock);
}
