/* SPDX-License-Identifier: MIT */
/*
 * Emulated MMIO: one interface for every emulated device.  The trap code
 * decodes the data-abort syndrome once into a struct mmio_access; devices
 * see only offsets, widths and values, never ESR.
 */
#ifndef CORE_MMIO_H
#define CORE_MMIO_H
#include "core/types.h"
#include "arch/regs.h"

struct vcpu;
struct vm;

struct mmio_access {
    ipaddr_t ipa;
    unsigned width;        /* bytes: 1, 2, 4, 8 */
    bool write;
    bool sign_extend;      /* loads: SSE */
    bool reg64;            /* SF: the register is 64-bit */
    unsigned reg;          /* 0..30, 31 = xzr */
};

/* MMIO_RETRY: the device cannot complete the access yet (a virtio reset
 * waiting for its backend): the vCPU blocks (vcpu_block, until
 * v->block_until at the latest) and the instruction runs again.  Each has
 * the value of the trap result it becomes (TRAP_EMULATED, TRAP_DABT,
 * TRAP_BLOCK; src/arch/arm64/trap/trap.c checks), so that the exit path
 * passes it on without a branch. */
enum mmio_result { MMIO_OK = 0, MMIO_FAULT = 3, MMIO_RETRY = 7 };

struct mmio_ops {
    const char *name;
    enum mmio_result (*read)(struct vcpu *v, void *dev, uint64_t off, unsigned width, uint64_t *val);
    enum mmio_result (*write)(struct vcpu *v, void *dev, uint64_t off, unsigned width, uint64_t val);
};

struct mmio_region {
    uint64_t base, size;
    const struct mmio_ops *ops;
    void *dev;
};

#define VM_MAX_MMIO 8

/* Register a region, keeping the VM's array sorted; refuses overlaps. */
int mmio_add(struct vm *vm, uint64_t base, uint64_t size, const struct mmio_ops *ops, void *dev);

/* The exit path's helpers are inline: trap_dabt() decodes, finds and
 * completes an access with no call but the device's. */

/* A VM has at most VM_MAX_MMIO regions: a scan of the sorted array is
 * shorter than a binary search of it. */
static inline const struct mmio_region *mmio_find_in(const struct mmio_region *r, unsigned n, uint64_t ipa)
{
    for (const struct mmio_region *end = r + n; r < end; r++)
        if (ipa - r->base < r->size)
            return r;
    return NULL;
}
const struct mmio_region *mmio_find(const struct vm *vm, uint64_t ipa);

/* The faulting IPA of a stage-2 abort: HPFAR_EL2.FIPA is IPA[51:12], FAR
 * supplies the offset within the page. */
static inline uint64_t mmio_fault_ipa(uint64_t far, uint64_t hpfar)
{
    return (FIELD_GET(hpfar, HPFAR_FIPA_WIDTH, HPFAR_FIPA_SHIFT) << HPFAR_IPA_SHIFT) |
           (far & PAGE_OFFSET_MASK);
}

/* Decode a stage-2 data abort.  E_INVAL when the syndrome is not valid (ISV=0). */
static inline int mmio_decode(uint64_t esr, uint64_t far, uint64_t hpfar, struct mmio_access *a)
{
    if (!(esr & ISS_DABT_ISV))
        return E_INVAL;
    a->ipa = ipa_of(mmio_fault_ipa(far, hpfar));
    a->width = 1u << FIELD_GET(esr, ISS_DABT_SAS_WIDTH, ISS_DABT_SAS_SHIFT);
    a->write = esr & ISS_DABT_WNR;
    a->sign_extend = esr & ISS_DABT_SSE;
    a->reg64 = esr & ISS_DABT_SF;
    a->reg = (unsigned)FIELD_GET(esr, ISS_DABT_SRT_WIDTH, ISS_DABT_SRT_SHIFT);
    return E_OK;
}

/* Apply the load result to a register value: width, sign extension, SF.
 * The value is moved to the top of the register and back. */
static inline uint64_t mmio_load_value(const struct mmio_access *a, uint64_t raw)
{
    unsigned drop = 64 - a->width * 8;
    if (!a->sign_extend)
        return (raw << drop) >> drop;
    uint64_t v = (uint64_t)((int64_t)(raw << drop) >> drop);
    return a->reg64 ? v : (v & UINT32_MAX);
}

#endif
