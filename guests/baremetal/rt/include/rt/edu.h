/* SPDX-License-Identifier: MIT */
/*
 * QEMU's edu PCI device on bus 0 of the VM's PCIe host bridge, for the
 * guests that test DMA and MSIs (attacker, dmabusy, itstest, itsattack, bench).
 * A VM that owns the bridge whole numbers the BAR itself (edu_map); one given
 * single functions finds the BAR tofu placed (edu_map_given).
 */
#ifndef RT_EDU_H
#define RT_EDU_H

#include <stdbool.h>
#include <stdint.h>

#define EDU_BAR_STRIDE  0x100000ul    /* BAR0 of slot s at window + s * 1 MiB */
#define EDU_DMA_WAIT_MS 2000          /* edu runs each transfer from a 100 ms timer */

enum edu_found {
	EDU_FOUND,
	EDU_NO_BRIDGE,                /* no ECAM and MMIO window in the DTB */
	EDU_ABSENT,                   /* no edu in that slot */
};

struct edu {
	uintptr_t cfg;                /* its configuration space */
	uintptr_t bar;                /* BAR0, once edu_map() placed it */
	uint32_t command_found;       /* its COMMAND register as found */
	unsigned msi;                 /* its MSI capability's offset, once edu_msi_on found it */
	uint16_t msi_flags_found;
};

/* Finds the edu in `slot` of bus 0 without touching it. */
enum edu_found edu_find(unsigned slot, struct edu *edu);
/* BAR0 at window + slot * EDU_BAR_STRIDE and memory decoding on, bus
 * mastering as it was; false when BAR0 then does not answer. */
bool edu_map(struct edu *edu, unsigned slot);
/* BAR0 where tofu placed it (a function of the VM's pci-functions: it
 * cannot move), or, when it reads 0 (plain QEMU), as edu_map() does; memory
 * decoding on, bus mastering as it was. */
bool edu_map_given(struct edu *edu, unsigned slot);
/* Bus mastering on or off (memory decoding stays on). */
void edu_master(const struct edu *edu, bool on);
/* Is a transfer started and not yet done? */
bool edu_dma_busy(const struct edu *edu);
/* Waits up to `ms` for the transfer in flight to end; false if it did not. */
bool edu_dma_wait(const struct edu *edu, uint64_t ms);
/* Starts a transfer of `bytes` (at most EDU_BUFFER_SIZE); cmd 0 or
 * EDU_DMA_TO_RAM. */
void edu_dma_start(const struct edu *edu, uint64_t src, uint64_t dst, uint32_t bytes, uint32_t cmd);
/* Its MSI capability aimed at `addr` with `data` and enabled (false: it
 * has none); edu_msi_off puts the capability's control back as found. */
bool edu_msi_on(struct edu *edu, uint64_t addr, uint16_t data);
void edu_msi_off(const struct edu *edu);
/* Another address and data for the MSI edu_msi_on() enabled. */
void edu_msi_aim(const struct edu *edu, uint64_t addr, uint16_t data);
/* Raise its interrupt (an MSI while enabled), then acknowledge it. */
void edu_irq_raise(const struct edu *edu);
void edu_irq_ack(const struct edu *edu);
/* Starts one and waits for it (EDU_DMA_WAIT_MS). */
bool edu_dma(const struct edu *edu, uint64_t src, uint64_t dst, uint32_t bytes, uint32_t cmd);

#endif
