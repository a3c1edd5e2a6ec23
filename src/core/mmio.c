/* SPDX-License-Identifier: MIT */
#include "core/mmio.h"
#include "core/vm.h"
#include "arch/regs.h"

int mmio_add(struct vm *vm, uint64_t base, uint64_t size, const struct mmio_ops *ops, void *dev)
{
    if (!size || base + size < base)
        return E_INVAL;
    if (vm->nr_mmio == VM_MAX_MMIO)
        return E_NOMEM;
    unsigned i = vm->nr_mmio;
    while (i > 0 && vm->mmio[i - 1].base > base)
        i--;
    if ((i > 0 && vm->mmio[i - 1].base + vm->mmio[i - 1].size > base) ||
        (i < vm->nr_mmio && base + size > vm->mmio[i].base))
        return E_EXIST;
    for (unsigned j = vm->nr_mmio; j > i; j--)
        vm->mmio[j] = vm->mmio[j - 1];
    vm->mmio[i] = (struct mmio_region){
        .base = base, .size = size, .dev = dev, .read = ops->read, .write = ops->write, .ops = ops,
    };
    vm->nr_mmio++;
    return E_OK;
}

const struct mmio_region *mmio_find(const struct vm *vm, uint64_t ipa)
{
    for (const struct mmio_region *r = vm->mmio, *end = r + vm->nr_mmio; r < end; r++)
        if (ipa - r->base < r->size)
            return r;
    return NULL;
}

const struct mmio_region *mmio_find_update_hint(struct vcpu *v, uint64_t ipa)
{
    const struct mmio_region *r = mmio_find(v->vm, ipa);
    if (r)
        v->mmio_last = *r;
    return r;
}
