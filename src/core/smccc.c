/* SPDX-License-Identifier: MIT */
/*
 * SMC and HVC from guests, routed by SMCCC owner: ARCH (SMCCC itself),
 * STANDARD (PSCI), STANDARD_HYP (stolen time, core/steal.h), VENDOR_HYP
 * (tofu's own calls).  Anything else returns NOT_SUPPORTED in x0 and
 * changes nothing else.  The four frequent calls (MSG_SEND, MSG_RECV,
 * DOORBELL, VM_ID) are taken first, by their whole function IDs, which say
 * what the owner routing would (a static assertion checks it).
 */
#include "core/trap.h"
#include "core/psci.h"
#include "core/vm.h"
#include "core/ipc.h"
#include "core/wdog.h"
#include "core/virtio.h"
#include "core/steal.h"
#include "arch/regs.h"
#include "tofu/abi.h"

#define SMCCC_RESERVED_MASK  0x00ff0000u   /* bits 23:16 must be zero for fast calls */
#define ESR_HVC_IMM_MASK     0xffffu
#define SMCCC_ARCH_WORKAROUND_FIRST 0x80003fffu  /* WORKAROUND_3 .. _1 */
#define TOFU_HC_NR_CALLS     (TOFU_HC_LAST_NUM - TOFU_HC_FIRST_NUM + 1)

static void ret1(struct vcpu *v, int64_t r0) { v->regs.x[0] = (uint64_t)r0; }

static void smccc_arch(struct vcpu *v, uint32_t fid)
{
    switch (fid) {
    case SMCCC_VERSION_FID:
        ret1(v, SMCCC_VERSION_1_1);
        break;
    case SMCCC_ARCH_FEATURES_FID:
        /* The discovery calls themselves and stolen time; no firmware
         * workarounds are needed under tofu, so WORKAROUND_1/2/3 report
         * NOT_SUPPORTED. */
        switch ((uint32_t)v->regs.x[1]) {
        case SMCCC_ARCH_FEATURES_FID:
            ret1(v, SMCCC_RET_SUCCESS);
            break;
        case PV_TIME_FEATURES_FID:
            ret1(v, steal_features(v));
            break;
        default:
            ret1(v, SMCCC_RET_NOT_SUPPORTED);
        }
        break;
    default:
        ret1(v, SMCCC_RET_NOT_SUPPORTED);
    }
}

static void vm_id(struct vcpu *v)
{
    v->regs.x[0] = TOFU_OK;
    v->regs.x[1] = v->vm->id;
    v->regs.x[2] = v->id;
}

static void __attribute__((noinline)) smccc_vendor_other(struct vcpu *v, uint32_t fid)
{
    switch (fid) {
    case TOFU_HC_CALL_COUNT:
        ret1(v, TOFU_HC_NR_CALLS);
        break;
    case TOFU_HC_CALL_UID:
        v->regs.x[0] = TOFU_UID_0;
        v->regs.x[1] = TOFU_UID_1;
        v->regs.x[2] = TOFU_UID_2;
        v->regs.x[3] = TOFU_UID_3;
        break;
    case TOFU_HC_REVISION:
        v->regs.x[0] = TOFU_REVISION_MAJOR;
        v->regs.x[1] = TOFU_REVISION_MINOR;
        break;
    case TOFU_HC_VM_ID:
        vm_id(v);
        break;
    case TOFU_HC_VM_LOOKUP: case TOFU_HC_DOORBELL: case TOFU_HC_SHARE: case TOFU_HC_MAP:
    case TOFU_HC_UNMAP: case TOFU_HC_REVOKE: case TOFU_HC_MSG_SEND: case TOFU_HC_MSG_RECV:
        ipc_call(v, fid);
        break;
    case TOFU_HC_WDOG_ARM: case TOFU_HC_WDOG_PET: case TOFU_HC_WDOG_DISARM:
        wdog_call(v, fid);
        break;
    case TOFU_HC_VIRTIO_REGISTER: case TOFU_HC_VIRTIO_EVENT: case TOFU_HC_VIRTIO_RESET_DONE:
        virtio_call(v, fid);
        break;
    default:
        ret1(v, SMCCC_RET_NOT_SUPPORTED);
    }
}

/* The frequent calls (VM_ID, the IPC round trip's MSG_SEND and MSG_RECV,
 * DOORBELL (a notification: a virtio queue's, a hand-over on a shared CPU),
 * on which virtio events ride too) come before any routing, by their
 * whole function IDs: each is a fast call of owner VENDOR_HYP with no
 * reserved bit set, so that one comparison answers what smccc_route's
 * checks would. */
#define SMCCC_IS_VENDOR_FAST(fid) (((fid) & SMCCC_FAST_CALL) && !((fid) & SMCCC_RESERVED_MASK) && \
                                   (((fid) >> SMCCC_OWNER_SHIFT) & SMCCC_OWNER_MASK) == SMCCC_OWNER_VENDOR_HYP)
_Static_assert(SMCCC_IS_VENDOR_FAST(TOFU_HC_VM_ID) && SMCCC_IS_VENDOR_FAST(TOFU_HC_MSG_SEND) &&
               SMCCC_IS_VENDOR_FAST(TOFU_HC_MSG_RECV) && SMCCC_IS_VENDOR_FAST(TOFU_HC_DOORBELL),
               "VM_ID, MSG_SEND, MSG_RECV and DOORBELL are VENDOR_HYP fast calls");

/* Every call, by owner (the HVC exit takes the frequent ones before it). */
static inline __attribute__((always_inline)) enum trap_result smccc_route(struct vcpu *v, uint64_t esr, uint32_t fid)
{
    unsigned owner = (fid >> SMCCC_OWNER_SHIFT) & SMCCC_OWNER_MASK;

    /* SMCCC uses immediate 0; yielding calls and reserved bits are not ours. */
    if ((esr & ESR_HVC_IMM_MASK) || !(fid & SMCCC_FAST_CALL) || (fid & SMCCC_RESERVED_MASK)) {
        ret1(v, SMCCC_RET_NOT_SUPPORTED);
        return TRAP_EMULATED;
    }
    switch (owner) {
    case SMCCC_OWNER_ARCH:
        smccc_arch(v, fid);
        return TRAP_EMULATED;
    case SMCCC_OWNER_STANDARD:
        return psci_call(v, fid);
    case SMCCC_OWNER_STANDARD_HYP:
        steal_call(v, fid);
        return TRAP_EMULATED;
    case SMCCC_OWNER_VENDOR_HYP:
        smccc_vendor_other(v, fid);
        return TRAP_EMULATED;
    default:
        ret1(v, SMCCC_RET_NOT_SUPPORTED);
        return TRAP_EMULATED;
    }
}

/* An SMC, or a caller outside the HVC exit (the unit tests): every call by
 * the routing, the frequent ones included (smccc_hvc_exit takes those first). */
enum trap_result smccc_call(struct vcpu *v, uint64_t esr)
{
    return smccc_route(v, esr, (uint32_t)v->regs.x[0]);
}

/* The end of an HVC exit (the preferred return address is already the
 * next instruction: a done call resumes at ELR as it is). */
static struct vcpu_regs *hvc_done(struct vcpu *v, uint64_t esr, enum trap_result r)
{
    if (__builtin_expect(r == TRAP_EMULATED, 1))
        return vcpu_resume(v);
    return trap_finish(v, esr, r);
}

static struct vcpu_regs *__attribute__((noinline)) hvc_vm_id(struct vcpu *v)
{
    vm_id(v);
    return vcpu_resume(v);
}

static struct vcpu_regs *__attribute__((noinline)) hvc_routed(struct vcpu *v, uint64_t esr, uint32_t fid)
{
    return hvc_done(v, esr, smccc_route(v, esr, fid));
}

/* The exit table's HVC entry: the frequent calls as smccc_call takes them,
 * each ending its exit itself, as tail calls with no frame here. */
struct vcpu_regs *smccc_hvc_exit(struct vcpu *v, uint64_t esr)
{
    uint32_t fid = (uint32_t)v->regs.x[0];

    if (__builtin_expect(!(esr & ESR_HVC_IMM_MASK), 1)) {
        switch (fid) {
        case TOFU_HC_MSG_SEND:
            return ipc_msg_send_exit(v);
        case TOFU_HC_MSG_RECV:
            return ipc_msg_recv_exit(v);
        case TOFU_HC_DOORBELL:
            return ipc_doorbell_exit(v);
        case TOFU_HC_VM_ID:
            return hvc_vm_id(v);
        default:
            break;
        }
    }
    return hvc_routed(v, esr, fid);
}
