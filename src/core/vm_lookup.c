/* SPDX-License-Identifier: MIT */
/* Lookups in a VM's description: no dependencies, so host tests link them. */
#include "core/vm.h"

void *vm_ipa_to_ptr(struct vm *vm, uint64_t ipa, uint64_t len)
{
    const struct vm_config *c = vm->cfg;
    if (ipa < c->ram_ipa || len > c->ram_size || ipa - c->ram_ipa > c->ram_size - len)
        return NULL;
    return pa_to_ptr(pa_of(vm->ram_pa.bits + (ipa - c->ram_ipa)));
}

struct vcpu *vm_vcpu_by_mpidr(struct vm *vm, uint64_t mpidr)
{
    for (unsigned i = 0; i < vm->nr_vcpus; i++)
        if ((vm->vcpus[i].vmpidr & MPIDR_AFF_MASK) == (mpidr & MPIDR_AFF_MASK))
            return &vm->vcpus[i];
    return NULL;
}
