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
    vm->mmio[i] = (struct mmio_region){ base, size, ops, dev };
    vm->nr_mmio++;
    return E_OK;
}

const struct mmio_region *mmio_find(const struct vm *vm, uint64_t ipa)
{
    unsigned lo = 0, hi = vm->nr_mmio;
    while (lo < hi) {
        unsigned mid = (lo + hi) / 2;
        const struct mmio_region *r = &vm->mmio[mid];
        if (ipa < r->base)
            hi = mid;
        else if (ipa - r->base >= r->size)
            lo = mid + 1;
        else
            return r;
    }
    return NULL;
}

int mmio_decode(uint64_t esr, uint64_t far, uint64_t hpfar, struct mmio_access *a)
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

uint64_t mmio_load_value(const struct mmio_access *a, uint64_t raw)
{
    unsigned bits = a->width * 8;
    uint64_t v = bits == 64 ? raw : raw & ((1ull << bits) - 1);
    if (a->sign_extend && bits < 64 && (v >> (bits - 1)) & 1)
        v |= ~0ull << bits;
    return a->reg64 ? v : (v & UINT32_MAX);
}
