/* SPDX-License-Identifier: MIT */
#include "core/vm_layout.h"
#include "arch/regs.h"

/* One past the highest IPA the VM uses: RAM, emulated windows, devices. */
static uint64_t top_of(const struct vm_config *c)
{
    uint64_t ends[] = {
        c->ram_ipa + c->ram_size,
        c->gicr_ipa + (uint64_t)c->nr_vcpus * GICR_FRAME_SIZE,
        c->share_window_ipa + c->share_window_size,
        c->gicd_ipa + GICD_SIZE,
        c->gicc_ipa + GICV_SIZE,
        c->uart_ipa + UART_SIZE,
        c->steal_ipa + PAGE_SIZE,
        c->virtio_window_top,
    };
    uint64_t top = 0;
    for (unsigned i = 0; i < ARRAY_SIZE(ends); i++)
        top = MAX(top, ends[i]);
    for (unsigned i = 0; i < c->nr_devices && i < VM_MAX_DEVICES; i++)
        top = MAX(top, c->devices[i].pa + c->devices[i].size);
    return top;
}

unsigned vm_ipa_bits(const struct vm_config *c)
{
    unsigned bits = VM_MIN_IPA_BITS;
    uint64_t top = top_of(c);
    while (bits <= VM_MAX_IPA_BITS && (UINT64_C(1) << bits) < top)
        bits++;
    return bits;
}

uint64_t vm_ram_align(const struct vm_config *c)
{
    return (IS_ALIGNED(c->ram_ipa, SZ_1G) && c->ram_size >= SZ_1G) ? SZ_1G : SZ_2M;
}
