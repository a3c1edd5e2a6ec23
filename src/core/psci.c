/* SPDX-License-Identifier: MIT */
/*
 * PSCI 1.1 for guests (Arm DEN0022D).  Every call checks all of its
 * arguments before it changes anything.
 *
 * CPU_SUSPEND is implemented as a standby (like WFI) for every power state:
 * PSCI allows an implementation to return from a power-down request as from
 * a standby, and a guest must cope with it (DEN0022D 5.4.2).
 */
#include "core/psci.h"
#include "core/vm.h"
#include "core/lib.h"
#include "arch/regs.h"
#include "tofu/abi.h"

#define PSCI_FID_64(fid)    ((fid) | SMCCC_SMC64)
#define PSCI_ENTRY_ALIGN    4

static int64_t cpu_on(struct vcpu *v, uint64_t target, uint64_t entry, uint64_t ctx)
{
    struct vm *vm = v->vm;
    struct vcpu *t = vm_vcpu_by_mpidr(vm, target);

    if (!t)
        return PSCI_RET_INVALID_PARAMS;
    if ((entry & (PSCI_ENTRY_ALIGN - 1)) || !vm_ipa_to_ptr(vm, entry, PSCI_ENTRY_ALIGN))
        return PSCI_RET_INVALID_ADDRESS;

    int64_t ret = PSCI_RET_SUCCESS;
    spin_lock(&vm->lock);
    if (t->power == VCPU_ON_PENDING)
        ret = PSCI_RET_ON_PENDING;
    else if (t->power == VCPU_ON || t->running)
        ret = PSCI_RET_ALREADY_ON;
    else {
        vcpu_reset(t, entry, ctx);
        t->power = VCPU_ON_PENDING;
    }
    spin_unlock(&vm->lock);
    if (ret == PSCI_RET_SUCCESS)
        vcpu_kick(t);
    return ret;
}

static int64_t affinity_info(struct vcpu *v, uint64_t target, uint64_t level)
{
    if (level != 0)
        return PSCI_RET_INVALID_PARAMS;
    struct vcpu *t = vm_vcpu_by_mpidr(v->vm, target);
    if (!t)
        return PSCI_RET_INVALID_PARAMS;
    if (t->power == VCPU_ON_PENDING)
        return PSCI_AFFINITY_ON_PENDING;
    return (t->power == VCPU_ON || t->running) ? PSCI_AFFINITY_ON : PSCI_AFFINITY_OFF;
}

static bool supported(uint32_t fid)
{
    switch (fid) {
    case PSCI_VERSION_FID:
    case PSCI_CPU_SUSPEND_FID: case PSCI_FID_64(PSCI_CPU_SUSPEND_FID):
    case PSCI_CPU_OFF_FID:
    case PSCI_CPU_ON_FID: case PSCI_FID_64(PSCI_CPU_ON_FID):
    case PSCI_AFFINITY_INFO_FID: case PSCI_FID_64(PSCI_AFFINITY_INFO_FID):
    case PSCI_MIGRATE_INFO_TYPE_FID:
    case PSCI_SYSTEM_OFF_FID:
    case PSCI_SYSTEM_RESET_FID:
    case PSCI_SYSTEM_RESET2_FID: case PSCI_FID_64(PSCI_SYSTEM_RESET2_FID):
    case PSCI_FEATURES_FID:
    case SMCCC_VERSION_FID:
        return true;
    default:
        return false;
    }
}

enum trap_result psci_call(struct vcpu *v, uint32_t fid)
{
    uint64_t *x = v->regs.x;
    bool is64 = fid & SMCCC_SMC64;
    /* SMC32 calls take 32-bit arguments: the upper halves are ignored. */
    uint64_t a1 = is64 ? x[1] : (uint32_t)x[1];
    uint64_t a2 = is64 ? x[2] : (uint32_t)x[2];
    uint64_t a3 = is64 ? x[3] : (uint32_t)x[3];
    int64_t ret;

    switch (fid) {
    case PSCI_VERSION_FID:
        ret = PSCI_VERSION_1_1;
        break;
    case PSCI_CPU_SUSPEND_FID:
    case PSCI_FID_64(PSCI_CPU_SUSPEND_FID):
        vcpu_idle(v);
        ret = PSCI_RET_SUCCESS;
        break;
    case PSCI_CPU_OFF_FID:
        v->power = VCPU_OFF;
        return TRAP_PARK;
    case PSCI_CPU_ON_FID:
    case PSCI_FID_64(PSCI_CPU_ON_FID):
        ret = cpu_on(v, a1, a2, a3);
        break;
    case PSCI_AFFINITY_INFO_FID:
    case PSCI_FID_64(PSCI_AFFINITY_INFO_FID):
        ret = affinity_info(v, a1, a2);
        break;
    case PSCI_MIGRATE_INFO_TYPE_FID:
        ret = PSCI_MIGRATE_NOT_REQUIRED;
        break;
    case PSCI_SYSTEM_OFF_FID:
        vm_request_stop(v->vm, VM_STOP_POWEROFF, false);
        return TRAP_PARK;
    case PSCI_SYSTEM_RESET_FID:
        vm_guest_reset(v, false);
        return TRAP_PARK;
    case PSCI_SYSTEM_RESET2_FID:
    case PSCI_FID_64(PSCI_SYSTEM_RESET2_FID):
        /* Only the architectural warm reset; no vendor-specific types
         * (bit 31) are offered.  The cookie (a2) is ignored. */
        if (a1 != PSCI_RESET2_WARM) {
            ret = PSCI_RET_INVALID_PARAMS;
            break;
        }
        vm_guest_reset(v, true);
        return TRAP_PARK;
    case PSCI_FEATURES_FID:
        /* CPU_SUSPEND: original power_state format, no OS-initiated mode. */
        ret = supported((uint32_t)a1) ? PSCI_RET_SUCCESS : PSCI_RET_NOT_SUPPORTED;
        break;
    default:
        ret = PSCI_RET_NOT_SUPPORTED;
    }
    x[0] = (uint64_t)ret;
    return TRAP_EMULATED;
}
