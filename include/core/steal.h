/* SPDX-License-Identifier: MIT */
/*
 * Stolen time (Arm DEN0057A, "Paravirtualized Time for Arm"): each vCPU
 * of a VM has a 64-byte record in one read-only page at the VM's
 * steal_ipa, the nanoseconds it was ready to run while another vCPU had
 * its physical CPU (a shared CPU, core/sched.c).  Linux finds it through
 * PV_TIME_FEATURES and PV_TIME_ST and accounts it as "steal" (/proc/stat),
 * so a guest's scheduler does not charge its tasks for time it never had.
 * A vCPU alone on its CPU never loses any: its record stays 0.
 */
#ifndef CORE_STEAL_H
#define CORE_STEAL_H
#include "core/types.h"
#include "core/vcpu.h"
#include "tofu/abi.h"

struct vm;

/* DEN0057A's stolen-time structure (little-endian, as tofu runs). */
struct pv_steal {
    uint32_t revision;          /* 0 */
    uint32_t attributes;        /* 0 */
    uint64_t stolen_ns;
    uint8_t reserved[PV_TIME_ST_SIZE - 16];
};
_Static_assert(sizeof(struct pv_steal) == PV_TIME_ST_SIZE, "DEN0057A: 64 bytes a vCPU");
_Static_assert(__builtin_offsetof(struct pv_steal, stolen_ns) == PV_TIME_ST_STOLEN_OFFSET, "DEN0057A layout");

/* Map the VM's records (at boot; NULL, or why it cannot be built). */
const char *steal_vm_build(struct vm *vm);
/* A (re)start of v's VM: nothing stolen yet. */
void steal_reset(struct vcpu *v);
/* PV_TIME_FEATURES, PV_TIME_ST; the ARCH_FEATURES answer for PV_TIME_FEATURES. */
void steal_call(struct vcpu *v, uint32_t fid);
int64_t steal_features(const struct vcpu *v);
/* Nanoseconds a counter tick, << STEAL_NS_SHIFT (set at boot). */
#define STEAL_NS_SHIFT 32
extern uint64_t steal_ns_mult;

/* v comes onto its CPU at `now`: the time since it was ready there
 * (steal_from, set at its switch-out; 0 none) goes into its record, one
 * store, inline on the switch path. */
static inline void steal_load(struct vcpu *v, uint64_t now)
{
    if (v->steal_from && v->steal_from < now) {
        v->stolen += now - v->steal_from;
        if (v->steal)
            __atomic_store_n(&v->steal->stolen_ns,
                             (uint64_t)(((unsigned __int128)v->stolen * steal_ns_mult) >> STEAL_NS_SHIFT),
                             __ATOMIC_RELAXED);
    }
    v->steal_from = 0;
}

#endif
