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
    uint64_t reg;          /* 0..30, MMIO_REG_ZR = xzr: an index */
};

/* MMIO_RETRY: the device cannot complete the access yet (a virtio reset
 * waiting for its backend): the vCPU blocks (vcpu_block, until
 * v->block_until at the latest) and the instruction runs again.  Each has
 * the value of the trap result it becomes (TRAP_EMULATED, TRAP_DABT,
 * TRAP_BLOCK; src/arch/arm64/trap/trap.c checks), so that the exit path
 * passes it on without a branch. */
enum mmio_result { MMIO_OK = 0, MMIO_FAULT = 3, MMIO_RETRY = 7 };

/* A read returns the register's value (RAZ where there is none: a read
 * never faults); a write may refuse the access (MMIO_FAULT: an abort). */
typedef uint64_t (*mmio_read_fn)(struct vcpu *v, void *dev, uint64_t off, unsigned width);
typedef enum mmio_result (*mmio_write_fn)(struct vcpu *v, void *dev, uint64_t off, unsigned width, uint64_t val);

struct mmio_ops {
    const char *name;
    mmio_read_fn read;
    mmio_write_fn write;
};

/* The device's functions are copied from its ops (mmio_add), next to its
 * state: the exit path loads the pair it calls with, not ops first. */
struct mmio_region {
    uint64_t base, size;
    void *dev;
    mmio_read_fn read;
    mmio_write_fn write;
    const struct mmio_ops *ops;     /* its name, for the logs */
};

#define VM_MAX_MMIO 8

/* Register a region, keeping the VM's array sorted; refuses overlaps. */
int mmio_add(struct vm *vm, uint64_t base, uint64_t size, const struct mmio_ops *ops, void *dev);

/* The exit path's helpers are inline: exit_dabt_mmio()
 * (src/arch/arm64/trap/trap.c) decodes, finds and completes an access with
 * no call but the device's when it is in the vCPU's last region
 * (struct vcpu's mmio_last). */

/* The region of `ipa`.  A VM has at most VM_MAX_MMIO regions: a scan of the
 * sorted array is shorter than a binary search of it. */
const struct mmio_region *mmio_find(const struct vm *vm, uint64_t ipa);
/* The exit path's lookup when the vCPU's last region is not the one: a
 * scan, and the region found becomes the vCPU's last. */
const struct mmio_region *mmio_find_update_hint(struct vcpu *v, uint64_t ipa);

/* The faulting IPA of a stage-2 abort: HPFAR_EL2.FIPA is IPA[51:12], FAR
 * supplies the offset within the page. */
static inline uint64_t mmio_fault_ipa(uint64_t far, uint64_t hpfar)
{
    return (FIELD_GET(hpfar, HPFAR_FIPA_WIDTH, HPFAR_FIPA_SHIFT) << HPFAR_IPA_SHIFT) |
           (far & PAGE_OFFSET_MASK);
}

/* A 64-bit register reached by a 64-bit access or by a 32-bit one at either
 * half (`half_off`: 0 or 4, the access's offset within the register; the
 * caller has checked the width): the value read, and the register after a
 * write of `val`. */
static inline uint64_t mmio_reg64_read(uint64_t reg, uint64_t half_off, unsigned width)
{
    return width == sizeof(uint64_t) ? reg : (uint32_t)(reg >> (half_off * 8));
}

static inline uint64_t mmio_reg64_merge(uint64_t reg, uint64_t half_off, unsigned width, uint64_t val)
{
    if (width == sizeof(uint64_t))
        return val;
    unsigned sh = (unsigned)half_off * 8;
    return (reg & ~((uint64_t)UINT32_MAX << sh)) | ((val & UINT32_MAX) << sh);
}

#define MMIO_REG_ZR 31u        /* SRT 31: xzr/wzr (VCPU_REG_ZR) */

/* The access of a syndrome already known to be valid (ISV=1) at `ipa`. */
static inline void mmio_decode_iss(uint64_t esr, uint64_t ipa, struct mmio_access *a)
{
    a->ipa = ipa_of(ipa);
    a->width = 1u << FIELD_GET(esr, ISS_DABT_SAS_WIDTH, ISS_DABT_SAS_SHIFT);
    a->write = esr & ISS_DABT_WNR;
    a->sign_extend = esr & ISS_DABT_SSE;
    a->reg64 = esr & ISS_DABT_SF;
    a->reg = FIELD_GET(esr, ISS_DABT_SRT_WIDTH, ISS_DABT_SRT_SHIFT);
}

/* Decode a stage-2 data abort.  E_INVAL when the syndrome is not valid (ISV=0). */
static inline int mmio_decode(uint64_t esr, uint64_t far, uint64_t hpfar, struct mmio_access *a)
{
    if (!(esr & ISS_DABT_ISV))
        return E_INVAL;
    mmio_decode_iss(esr, mmio_fault_ipa(far, hpfar), a);
    return E_OK;
}

/* The bits above an access of `width` bytes in a 64-bit register: 64 - 8 *
 * width, as (-8 * width) mod 64 (a shift by 64 - 64 = 0 for 8 bytes). */
static inline unsigned mmio_drop_bits(unsigned width)
{
    return (0u - width * 8) & 63;
}

/* A store's value as the device sees it: Rt's low `width` bytes. */
static inline uint64_t mmio_store_value(const struct mmio_access *a, uint64_t reg)
{
    unsigned drop = mmio_drop_bits(a->width);
    return (reg << drop) >> drop;
}

/* Apply the load result to a register value: width, sign extension, SF.
 * The value is moved to the top of the register and back. */
static inline uint64_t mmio_load_value(const struct mmio_access *a, uint64_t raw)
{
    unsigned drop = mmio_drop_bits(a->width);
    if (__builtin_expect(!a->sign_extend, 1))
        return (raw << drop) >> drop;
    uint64_t v = (uint64_t)((int64_t)(raw << drop) >> drop);
    return a->reg64 ? v : (v & UINT32_MAX);
}

#endif
