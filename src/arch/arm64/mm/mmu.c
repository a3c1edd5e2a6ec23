/* SPDX-License-Identifier: MIT */
/*
 * EL2 stage-1 tables (built once, by CPU 0 with the MMU still off) and the
 * stage-2 parameters of VMs.  The hypervisor maps RAM 1:1: text is
 * read-only+executable, everything else non-executable, the image's
 * read-only parts read-only; SCTLR_EL2.WXN forbids writable+executable.
 */
#include "arch/mmu.h"
#include "arch/regs.h"
#include "arch/sysreg.h"
#include "core/platform.h"

#define S1_POOL_TABLES  64

extern char __image_start[], __text_end[], __rodata_end[], __ro_end[], __image_end[];

uint64_t hyp_ttbr, hyp_tcr, hyp_mair;   /* read by mmu_enable on every CPU */

static uint64_t s1_pool[S1_POOL_TABLES][PT_ENTRIES] __attribute__((aligned(PAGE_SIZE)));
static unsigned s1_pool_used;

static uint64_t *s1_alloc(void *ctx)
{
    UNUSED(ctx);
    if (s1_pool_used == S1_POOL_TABLES)
        return NULL;
    return s1_pool[s1_pool_used++];      /* bss: already zero */
}

static const uint8_t parange_bits[] = { 32, 36, 40, 42, 44, 48, 52 };

static unsigned parange(void)
{
    unsigned f = (unsigned)FIELD_GET(read_sysreg(id_aa64mmfr0_el1), MMFR0_PARANGE_WIDTH, MMFR0_PARANGE_SHIFT);
    /* 52-bit output needs the 64 KiB granule or LPA2; cap at 48 bits. */
    return f > 5 ? 5 : f;
}

unsigned arch_pa_bits(void)
{
    return parange_bits[parange()];
}

#define S1_NORMAL (PTE_AF | PTE_SH_INNER | ((uint64_t)MAIR_IDX_NORMAL << PTE_S1_ATTRIDX_SHIFT))
#define S1_DEVICE (PTE_AF | ((uint64_t)MAIR_IDX_DEVICE << PTE_S1_ATTRIDX_SHIFT) | PTE_S1_XN | PTE_S1_AP_RW)

static void s1_map(struct pt *pt, uint64_t start, uint64_t end, uint64_t attrs)
{
    if (end > start && pt_map(pt, start, start, end - start, attrs) != E_OK)
        for (;;) wfe();       /* no console yet: nothing else to do */
}

/* Runs with the MMU off, before anything else in C. */
void mmu_build_tables(void)
{
    struct pt pt;
    uint64_t img = (uint64_t)(uintptr_t)__image_start;
    /* Bank 0 holds the image (the config tool checks it); the banks never
     * overlap the device window. */
    const struct ram_range *bank0 = &platform.ram_bank[0];

    if (pt_init(&pt, HYP_VA_BITS, s1_alloc, NULL, NULL) != E_OK)
        for (;;) wfe();
    s1_map(&pt, platform.device_base, platform.device_base + platform.device_size, S1_DEVICE);
    /* Bus 0's PCI configuration space: src/drivers/quiesce.c turns bus mastering off there. */
    s1_map(&pt, platform.pci_ecam_base, platform.pci_ecam_base + platform.pci_ecam_bus_size, S1_DEVICE);
    s1_map(&pt, bank0->base, img, S1_NORMAL | PTE_S1_AP_RW | PTE_S1_XN);
    s1_map(&pt, img, (uint64_t)(uintptr_t)__text_end, S1_NORMAL | PTE_S1_AP_RO);
    s1_map(&pt, (uint64_t)(uintptr_t)__text_end, (uint64_t)(uintptr_t)__ro_end,
           S1_NORMAL | PTE_S1_AP_RO | PTE_S1_XN);
    s1_map(&pt, (uint64_t)(uintptr_t)__ro_end, bank0->base + bank0->size, S1_NORMAL | PTE_S1_AP_RW | PTE_S1_XN);
    /* The other banks, wherever they are in the 39-bit VA (the ZCU102's
     * high DDR at 32 GiB): tofu maps RAM 1:1. */
    for (unsigned i = 1; i < platform.nr_ram_banks; i++)
        s1_map(&pt, platform.ram_bank[i].base, platform.ram_bank[i].base + platform.ram_bank[i].size,
               S1_NORMAL | PTE_S1_AP_RW | PTE_S1_XN);

    /* With FEAT_MTE2, RAM is Tagged at EL2 so that tofu can clear the tags
     * of a VM's RAM (arch_zero_tagged); EL2 checks no tags (SCTLR_EL2.TCF
     * = 0), so its own accesses are unaffected. */
    hyp_mair = MAIR_ATTR(MAIR_DEVICE_nGnRE, MAIR_IDX_DEVICE) |
               MAIR_ATTR(ID_PFR1_HAS_MTE2(read_sysreg(id_aa64pfr1_el1)) ? MAIR_NORMAL_TAGGED
                                                                     : MAIR_NORMAL_WB,
                         MAIR_IDX_NORMAL);
    hyp_ttbr = (uint64_t)(uintptr_t)pt.root;
    hyp_tcr = TCR_EL2_RES1 | (64 - HYP_VA_BITS) | TCR_IRGN0_WBWA | TCR_ORGN0_WBWA |
              TCR_SH0_INNER | TCR_TG0_4K | ((uint64_t)parange() << TCR_EL2_PS_SHIFT);
}

int s2_init(struct pt *s2, unsigned ipa_bits, pt_alloc_fn alloc, pt_free_fn free, void *ctx)
{
    return pt_init(s2, ipa_bits, alloc, free, ctx);
}

uint64_t s2_vtcr(unsigned ipa_bits)
{
    uint64_t sl0 = pt_start_level_for(ipa_bits) == 1 ? VTCR_SL0_LEVEL1 : VTCR_SL0_LEVEL0;
    return VTCR_RES1 | (64 - ipa_bits) | (sl0 << VTCR_SL0_SHIFT) | TCR_IRGN0_WBWA |
           TCR_ORGN0_WBWA | TCR_SH0_INNER | TCR_TG0_4K | ((uint64_t)parange() << VTCR_PS_SHIFT);
}

uint64_t s2_attrs_ram(void)
{
    return PTE_AF | PTE_SH_INNER | PTE_S2_MEMATTR_NORMAL_WB | PTE_S2_AP_R | PTE_S2_AP_W;
}

uint64_t s2_attrs_device(void)
{
    return PTE_AF | PTE_S2_MEMATTR_DEVICE | PTE_S2_AP_R | PTE_S2_AP_W | PTE_S2_XN;
}

uint64_t s2_attrs_shared(bool writable)
{
    return PTE_AF | PTE_SH_INNER | PTE_S2_MEMATTR_NORMAL_WB | PTE_S2_AP_R |
           (writable ? PTE_S2_AP_W : 0) | PTE_S2_XN;
}

void s2_page_set_valid(uint64_t *pte, bool valid, uint64_t vttbr)
{
    if (valid) {                        /* nothing cached an invalid entry */
        __atomic_store_n(pte, *pte | PTE_VALID, __ATOMIC_RELAXED);
        dsb(ishst);
        return;
    }
    __atomic_store_n(pte, *pte & ~(uint64_t)PTE_VALID, __ATOMIC_RELAXED);
    s2_flush_vmid(vttbr);               /* no CPU may still read through it */
}

void s2_flush_vmid(uint64_t vttbr)
{
    uint64_t old = read_sysreg(vttbr_el2);
    dsb(ishst);
    write_sysreg(vttbr_el2, vttbr);
    isb();
    __asm__ volatile("tlbi vmalls12e1is" ::: "memory");
    dsb(ish);
    write_sysreg(vttbr_el2, old);
    isb();
}
