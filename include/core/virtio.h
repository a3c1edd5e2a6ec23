/* SPDX-License-Identifier: MIT */
/*
 * virtio devices served by a backend VM (docs/virtio.md).  tofu emulates
 * each device's virtio-mmio window in its frontend (src/vdev/virtio_mmio.c,
 * from core/virtio_regs.h's state), maps the frontend's RAM into the
 * backend while both run, and tells the backend of events as messages from
 * VM-ID 0 (core/ipc.h's MSG_RECV takes them from here).
 *
 * Locks: ipc_lock (src/core/ipc.c) before a device's lock; nothing here
 * takes ipc_lock while it holds a device's.
 */
#ifndef CORE_VIRTIO_H
#define CORE_VIRTIO_H
#include "core/types.h"
#include "core/limits.h"
#include "tofu/virtio.h"

/* One device of the config (tools/config/virtio.c writes them). */
struct virtio_config {
    uint32_t device_id;         /* VIRTIO_ID_* */
    uint32_t frontend, backend; /* VM-IDs */
    uint32_t transport;         /* VIRTIO_TRANSPORT_* (tofu/virtio.h) */
    uint64_t mmio_ipa;          /* its window (MMIO) or its BAR0 (PCI, VIRTIO_PCI_BAR_SIZE), in the frontend */
    uint32_t intid;             /* MMIO: its interrupt (an SPI, edge), in the frontend; PCI: 0 (MSI-X) */
    uint32_t pci_slot;          /* PCI: its device number on bus 0 of the frontend's virtual ECAM (function 0) */
    uint64_t ecam_ipa;          /* PCI: that ECAM, one bus (PCI_ECAM_BUS_SIZE), in the frontend */
    uint64_t window_ipa;        /* where the frontend's RAM appears in the backend */
    uint64_t window_size;       /* = the frontend's RAM size */
    struct tofu_virtio_reg identity;    /* what the frontend sees (tofu_virtio_identity()) */
};

extern const struct virtio_config config_virtio[];
extern const unsigned config_nr_virtio;

#ifndef TOFU_HOST_TOOL
#include "core/mmio.h"
struct vm;
struct vm_config;
struct vcpu;
struct virtio_dev;
/* The frontend's accesses to the device's window (src/vdev/virtio_mmio.c):
 * a read is answered at once, from the device's state even while a reset
 * waits for the backend; a write may have to wait (MMIO_RETRY). */
uint64_t virtio_dev_read(struct vcpu *v, struct virtio_dev *d, uint64_t off, unsigned width);
enum mmio_result virtio_dev_write(struct vcpu *v, struct virtio_dev *d, uint64_t off, unsigned width, uint64_t val);
/* A frontend's virtio-pci functions (src/vdev/virtio_pci.c): its virtual
 * ECAM (`off` from its base: bus 0 only) and its BARs (`off` from slot 1's
 * BAR0, the BARs side by side in slot order); an absent function reads
 * all-ones, a gap 0.  A BAR write may wait as a window's may. */
uint64_t virtio_ecam_read(struct vcpu *v, uint64_t off, unsigned width);
/* Whether `rid` (bus 0) is a virtio-pci function of VM `c`: a DeviceID its
 * virtual ITS may map (src/vdev/vgic_its.c; never the physical ITS). */
bool virtio_pci_owns(const struct vm_config *c, uint32_t rid);
void virtio_ecam_write(struct vcpu *v, uint64_t off, unsigned width, uint64_t val);
uint64_t virtio_pci_read(struct vcpu *v, uint64_t off, unsigned width);
enum mmio_result virtio_pci_write(struct vcpu *v, uint64_t off, unsigned width, uint64_t val);
/* vm_build(): the VM's virtio windows as emulated devices; NULL or why not. */
const char *virtio_vm_build(struct vm *vm);
/* The VM started (after vm_load) / stops (before its RAM is reused). */
void virtio_vm_started(struct vm *vm);
void virtio_vm_stopped(struct vm *vm);
/* TOFU_HC_VIRTIO_* (tofu/abi.h). */
void virtio_call(struct vcpu *v, uint32_t fid);
/* For MSG_RECV, under ipc_lock: the length of `vm`'s next virtio message
 * (0: none), and taking it into `buf` (VIRTIO_MSG_MAX_BYTES). */
unsigned virtio_msg_next(struct vm *vm, uint8_t *buf, bool peek);
unsigned virtio_msg_count(const struct vm *vm);
#endif

#endif
