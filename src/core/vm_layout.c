/* SPDX-License-Identifier: MIT */
#include "core/vm_layout.h"
#include "arch/regs.h"

static uint64_t top_of(const struct vm_config *c)
{
    uint64_t top = c->ram_ipa + c->ram_size;
    uint64_t gicr_end = c->gicr_ipa + (uint64_t)c->nr_vcpus * GICR_FRAME_SIZE;
    if (gicr_end > top) top = gicr_end;
    if (c->share_window_ipa + c->share_window_size > top) top = c->share_window_ipa + c->share_window_size;
    if (c->gicd_ipa + GICD_SIZE > top) top = c->gicd_ipa + GICD_SIZE;
    if (c->uart_ipa + UART_SIZE > top) top = c->uart_ipa + UART_SIZE;
    return top;
}

unsigned vm_ipa_bits(const struct vm_config *c)
{
    unsigned bits = VM_MIN_IPA_BITS;
    while ((UINT64_C(1) << bits) < top_of(c))
        bits++;
    return bits;
}

uint64_t vm_ram_align(const struct vm_config *c)
{
    return (IS_ALIGNED(c->ram_ipa, SZ_1G) && c->ram_size >= SZ_1G) ? SZ_1G : SZ_2M;
}
