/* SPDX-License-Identifier: MIT */
/*
 * Stolen time (core/steal.h, Arm DEN0057A).  The scheduler marks a vCPU
 * that leaves its CPU ready to run on (preempted, out of budget or window,
 * its slice over) with the time it left, a waiting one with its timer's
 * deadline (when it becomes ready again, as far as the scheduler knows);
 * when it is loaded again, what passed since is added to its record.  The
 * record changes only while its vCPU is off the CPU, so one 64-bit store
 * at load keeps it exact for a guest that reads it while it runs.
 */
#include "core/steal.h"
#include "core/vm.h"
#include "core/lib.h"
#include "arch/cpu.h"
#include "arch/regs.h"

#define NS_PER_S        UINT64_C(1000000000)

/* One page of records a VM, mapped read-only into it at steal_ipa. */
static struct pv_steal steal_pages[MAX_VMS][PAGE_SIZE / sizeof(struct pv_steal)]
    __attribute__((aligned(PAGE_SIZE)));
_Static_assert(VM_MAX_VCPUS <= PAGE_SIZE / sizeof(struct pv_steal), "one page holds a VM's records");

uint64_t steal_ns_mult;

const char *steal_vm_build(struct vm *vm)
{
    const struct vm_config *c = vm->cfg;
    if (!c->steal_ipa)
        return NULL;
    steal_ns_mult = (NS_PER_S << STEAL_NS_SHIFT) / arch_counter_freq();
    struct pv_steal *page = steal_pages[vm->id - 1];     /* VM-IDs from 1 */
    int rc = vm_reg_page_map(vm, c->steal_ipa, page);
    if (rc != E_OK)
        return rc == E_NOMEM ? "no memory for its stage-2 tables" : "its stolen-time page overlaps its RAM or a device";
    for (unsigned i = 0; i < c->nr_vcpus; i++)
        vm->vcpus[i].steal = &page[i];
    return NULL;
}

void steal_reset(struct vcpu *v)
{
    v->steal_from = 0;
    v->stolen = 0;
    if (v->steal) {
        memset(v->steal, 0, sizeof(*v->steal));
        vm_shadow_publish(v->steal, sizeof(*v->steal));
    }
}

int64_t steal_features(const struct vcpu *v)
{
    return v->steal ? SMCCC_RET_SUCCESS : SMCCC_RET_NOT_SUPPORTED;
}

void steal_call(struct vcpu *v, uint32_t fid)
{
    int64_t r = SMCCC_RET_NOT_SUPPORTED;
    switch (fid) {
    case PV_TIME_FEATURES_FID: {
        uint32_t what = (uint32_t)v->regs.x[1];
        if (what == PV_TIME_FEATURES_FID || what == PV_TIME_ST_FID)
            r = steal_features(v);
        break;
    }
    case PV_TIME_ST_FID:
        if (v->steal)
            r = (int64_t)(v->vm->cfg->steal_ipa + (uint64_t)v->id * sizeof(struct pv_steal));
        break;
    default:
        break;
    }
    v->regs.x[0] = (uint64_t)r;
}
