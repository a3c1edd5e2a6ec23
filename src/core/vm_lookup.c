/* SPDX-License-Identifier: MIT */
/* Lookups in a VM's description: no dependencies, so host tests link them. */
#include "core/vm.h"

struct vcpu *vm_vcpu_by_mpidr(struct vm *vm, uint64_t mpidr)
{
    for (unsigned i = 0; i < vm->nr_vcpus; i++)
        if ((vm->vcpus[i].vmpidr & MPIDR_AFF_MASK) == (mpidr & MPIDR_AFF_MASK))
            return &vm->vcpus[i];
    return NULL;
}
