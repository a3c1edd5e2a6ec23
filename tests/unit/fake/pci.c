/* SPDX-License-Identifier: MIT */
/* Physical PCI config space of src/core/pci.c (include/core/pci.h), in memory. */
#include <string.h>
#include "unit.h"
#include "fake.h"

uint8_t fake_pci_cfg[FAKE_PCI_FNS][PCI_CFG_SIZE];
const struct pci_fn *fake_pci_fns[FAKE_PCI_FNS];
unsigned fake_pci_restores, fake_pci_resets, fake_pci_writes;

void fake_pci_reset(void)
{
    memset(fake_pci_cfg, 0, sizeof(fake_pci_cfg));
    memset(fake_pci_fns, 0, sizeof(fake_pci_fns));
    fake_pci_restores = fake_pci_resets = fake_pci_writes = 0;
}

static uint8_t *space(const struct pci_fn *f, unsigned off, unsigned width)
{
    assert_true(width == 1 || width == 2 || width == 4);
    assert_int_equal(off % width, 0);
    assert_true(off + width <= PCI_CFG_SIZE);
    for (unsigned i = 0; i < FAKE_PCI_FNS; i++)
        if (fake_pci_fns[i] == f)
            return &fake_pci_cfg[i][off];
    fail_msg("config access to a function the test did not set up");
    return NULL;
}

uint32_t pci_cfg_read(const struct pci_fn *f, unsigned off, unsigned width)
{
    const uint8_t *p = space(f, off, width);
    uint32_t v = 0;
    for (unsigned i = 0; i < width; i++)
        v |= (uint32_t)p[i] << (8 * i);
    return v;
}

void pci_cfg_write(const struct pci_fn *f, unsigned off, unsigned width, uint32_t val)
{
    uint8_t *p = space(f, off, width);
    if (off == PCI_STATUS && width == 2) {      /* as a device's: its error bits write-1-to-clear */
        uint16_t st = (uint16_t)(p[0] | p[1] << 8);
        st &= (uint16_t)~(val & PCI_STATUS_ERRORS);
        p[0] = (uint8_t)st;
        p[1] = (uint8_t)(st >> 8);
        fake_pci_writes++;
        return;
    }
    for (unsigned i = 0; i < width; i++)
        p[i] = (uint8_t)(val >> (8 * i));
    fake_pci_writes++;
}

void pci_fn_restore(const struct pci_fn *f)
{
    (void)f;
    fake_pci_restores++;
}

void pci_fn_reset(const struct pci_fn *f)
{
    (void)f;
    fake_pci_resets++;
}
