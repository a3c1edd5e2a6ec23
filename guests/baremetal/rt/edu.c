/* SPDX-License-Identifier: MIT */
/* QEMU's edu PCI device: found on bus 0, its BAR placed, DMA started and waited for. */
#include "rt/edu.h"
#include "rt/arch.h"
#include "rt/fdt.h"
#include "rt/hw.h"
#include "rt/platform.h"
#include "rt/timer.h"

#define PCIE_WINDOW_COMPAT "tofu,pcie-mmio-window"

static uint64_t window;

/* The bridge's first 32-bit memory range (`ranges`: 3 cells of PCI
 * address, 2 of CPU address, 2 of size), where a guest on plain QEMU,
 * whose device tree has no tofu window, places BARs. */
#define PCI_RANGE_CELLS    7
#define PCI_SPACE_SHIFT    24
#define PCI_SPACE_MASK     0x3u
#define PCI_SPACE_MMIO32   0x2u

static bool bridge_mmio32(const struct fdt *fdt, uint64_t *base)
{
	struct fdt_node node;
	uint32_t len;
	const void *r;

	if (!fdt_find_compatible(fdt, "pci-host-ecam-generic", &node) || !(r = fdt_prop(fdt, &node, "ranges", &len)))
		return false;
	for (unsigned i = 0; (i + 1) * PCI_RANGE_CELLS * 4 <= len; i++) {
		const unsigned c = i * PCI_RANGE_CELLS;
		if (((fdt_cell(r, c) >> PCI_SPACE_SHIFT) & PCI_SPACE_MASK) == PCI_SPACE_MMIO32) {
			*base = (uint64_t)fdt_cell(r, c + 3) << 32 | fdt_cell(r, c + 4);
			return true;
		}
	}
	return false;
}

enum edu_found edu_find(unsigned slot, struct edu *edu)
{
	struct fdt fdt;
	struct fdt_node node;
	uintptr_t ecam = platform_get()->pci_ecam_base;
	uint64_t win_size = 0;

	if (!ecam || !fdt_init(&fdt, (const void *)platform_get()->dtb))
		return EDU_NO_BRIDGE;
	if (!fdt_find_compatible(&fdt, PCIE_WINDOW_COMPAT, &node) || !fdt_reg(&fdt, &node, 0, &window, &win_size)) {
		/* No window of its own: single functions (tofu placed their
		 * BARs), or plain QEMU (edu_map_given). */
		window = 0;
		(void)bridge_mmio32(&fdt, &window);
	}
	edu->cfg = ecam + ((uintptr_t)slot << PCI_ECAM_DEV_SHIFT);
	edu->bar = 0;
	if (mmio_read32(edu->cfg + PCI_ID) != PCI_ID_EDU)
		return EDU_ABSENT;
	edu->command_found = mmio_read32(edu->cfg + PCI_COMMAND) & PCI_COMMAND_MASK;
	return EDU_FOUND;
}

bool edu_map_given(struct edu *edu, unsigned slot)
{
	uint32_t bar = mmio_read32(edu->cfg + PCI_BAR0) & PCI_BAR_MEM_MASK;

	if (!bar)
		return window && edu_map(edu, slot);
	edu->bar = bar;
	mmio_write32(edu->cfg + PCI_COMMAND, (edu->command_found & PCI_COMMAND_MASTER) | PCI_COMMAND_MEM);
	return mmio_read32(edu->bar + EDU_ID) == EDU_ID_VALUE;
}

bool edu_map(struct edu *edu, unsigned slot)
{
	uint32_t command = mmio_read32(edu->cfg + PCI_COMMAND) & PCI_COMMAND_MASK;

	edu->bar = (uintptr_t)window + slot * EDU_BAR_STRIDE;
	mmio_write32(edu->cfg + PCI_BAR0, (uint32_t)edu->bar);
	mmio_write32(edu->cfg + PCI_COMMAND, (command & PCI_COMMAND_MASTER) | PCI_COMMAND_MEM);
	return mmio_read32(edu->bar + EDU_ID) == EDU_ID_VALUE;
}

void edu_master(const struct edu *edu, bool on)
{
	mmio_write32(edu->cfg + PCI_COMMAND, PCI_COMMAND_MEM | (on ? PCI_COMMAND_MASTER : 0));
}

bool edu_dma_busy(const struct edu *edu)
{
	return mmio_read32(edu->bar + EDU_DMA_CMD) & EDU_DMA_START;
}

bool edu_dma_wait(const struct edu *edu, uint64_t ms)
{
	uint64_t deadline = timer_now() + timer_ms_to_ticks(ms);

	while (edu_dma_busy(edu))
		if (timer_now() > deadline)
			return false;
	return true;
}

void edu_dma_start(const struct edu *edu, uint64_t src, uint64_t dst, uint32_t bytes, uint32_t cmd)
{
	mmio_write64(edu->bar + EDU_DMA_SRC, src);
	mmio_write64(edu->bar + EDU_DMA_DST, dst);
	mmio_write64(edu->bar + EDU_DMA_COUNT, bytes);
	mmio_write64(edu->bar + EDU_DMA_CMD, cmd | EDU_DMA_START);
}

bool edu_dma(const struct edu *edu, uint64_t src, uint64_t dst, uint32_t bytes, uint32_t cmd)
{
	edu_dma_start(edu, src, dst, bytes, cmd);
	return edu_dma_wait(edu, EDU_DMA_WAIT_MS);
}

#define EDU_IRQ_BIT   0x1u
#define PCI_CAP_HOPS  48              /* a loop in the capability list ends here */

static unsigned pci_find_cap(uintptr_t cfg, uint8_t id)
{
	if (!(mmio_read16(cfg + PCI_STATUS) & PCI_STATUS_CAP_LIST))
		return 0;
	unsigned at = mmio_read8(cfg + PCI_CAPABILITY_LIST) & PCI_CAP_PTR_MASK;
	for (unsigned hops = 0; at && hops < PCI_CAP_HOPS; hops++) {
		if (mmio_read8(cfg + at + PCI_CAP_ID) == id)
			return at;
		at = mmio_read8(cfg + at + PCI_CAP_NEXT) & PCI_CAP_PTR_MASK;
	}
	return 0;
}

bool edu_msi_on(struct edu *edu, uint64_t addr, uint16_t data)
{
	unsigned msi = pci_find_cap(edu->cfg, PCI_CAP_ID_MSI);
	if (!msi)
		return false;
	edu->msi = msi;
	uint16_t flags = mmio_read16(edu->cfg + msi + PCI_MSI_FLAGS);
	edu->msi_flags_found = flags;
	edu_msi_aim(edu, addr, data);
	mmio_write16(edu->cfg + msi + PCI_MSI_FLAGS, (uint16_t)(flags | PCI_MSI_FLAGS_ENABLE));
	return true;
}

void edu_msi_aim(const struct edu *edu, uint64_t addr, uint16_t data)
{
	const uintptr_t msi = edu->cfg + edu->msi;

	mmio_write32(msi + PCI_MSI_ADDRESS_LO, (uint32_t)addr);
	if (edu->msi_flags_found & PCI_MSI_FLAGS_64BIT) {
		mmio_write32(msi + PCI_MSI_ADDRESS_HI, (uint32_t)(addr >> 32));
		mmio_write16(msi + PCI_MSI_DATA_64, data);
	} else {
		mmio_write16(msi + PCI_MSI_DATA_32, data);
	}
}

void edu_msi_off(const struct edu *edu)
{
	if (edu->msi)
		mmio_write16(edu->cfg + edu->msi + PCI_MSI_FLAGS, edu->msi_flags_found);
}

void edu_irq_raise(const struct edu *edu)
{
	mmio_write32(edu->bar + EDU_IRQ_RAISE, EDU_IRQ_BIT);
}

void edu_irq_ack(const struct edu *edu)
{
	mmio_write32(edu->bar + EDU_IRQ_ACK, EDU_IRQ_BIT);
}
