/* SPDX-License-Identifier: MIT */
/* Physical devices the hypervisor owns (src/drivers/). */
#ifndef CORE_DRIVERS_H
#define CORE_DRIVERS_H
#include "core/types.h"
#include "arch/sysreg.h"
#include "arch/regs.h"

void uart_init(uint64_t base);
/* Wait for room, then send `c` (boot, panic). */
void uart_putc(char c);
/* Bytes the transmit FIFO takes now, at least. */
unsigned uart_tx_room(void);
/* Send `n` bytes: only into the room uart_tx_room() said there is. */
void uart_tx_bytes(const char *p, unsigned n);
/* The transmit interrupt (room in the FIFO), on or off. */
void uart_tx_irq(bool on);
/* -1 when no character is waiting. */
int uart_getc(void);
void uart_enable_rx_irq(void);

void gic_init_dist(void);
/* CPU `cpu` of the board's description has a redistributor (gic_init_dist found it). */
bool gic_cpu_present(unsigned cpu);
void gic_init_cpu(unsigned cpu);
void gic_enable_spi(unsigned intid, unsigned target_cpu);
/* The CPU interface's acknowledge and end of interrupt, inline on the exit
 * path: GICv3's system registers, GICv2's GICC frame (src/drivers/gicv<n>.c
 * has the rest).  gic_ack: the highest-priority pending interrupt's IAR,
 * GIC_SPURIOUS_ID if none (on GICv2 an SGI's IAR carries its source CPU
 * too: give the value back as read).  gic_priority_drop: a forwarded
 * interrupt stays active for its guest.  gic_eoi: the end of a
 * hypervisor-handled interrupt, priority drop and deactivation. */
#if GIC_VERSION == 2
#include "core/platform.h"
static inline uint32_t gic_ack(void)
{
    uint32_t iar = mmio_read32((uintptr_t)(platform.gicc_base + GICC_IAR));
    dsb(sy);            /* what the sender wrote before its SGI, seen after it (as on GICv3) */
    return iar;
}
static inline void gic_priority_drop(uint32_t iar)
{
    mmio_write32((uintptr_t)(platform.gicc_base + GICC_EOIR), iar);
}
static inline void gic_eoi(uint32_t iar)
{
    mmio_write32((uintptr_t)(platform.gicc_base + GICC_EOIR), iar);
    mmio_write32((uintptr_t)(platform.gicc_base + GICC_DIR), iar);
}
#else
static inline uint32_t gic_ack(void)
{
    uint32_t iar = (uint32_t)read_sysreg(ICC_IAR1_EL1);
    dsb(sy);
    return iar;
}
static inline void gic_priority_drop(uint32_t iar)
{
    write_sysreg(ICC_EOIR1_EL1, iar);
    isb();
}
static inline void gic_eoi(uint32_t iar)
{
    write_sysreg(ICC_EOIR1_EL1, iar);
    write_sysreg(ICC_DIR_EL1, iar);
    isb();
}
#endif
/* Disable an SPI at the distributor (done once GICD_CTLR.RWP says so). */
void gic_disable_spi(unsigned intid);
/* Clear an SPI's pending and active state (a level one stays pending while
 * its line is high: quiet the device first). */
void gic_clear_spi(unsigned intid);
/* GICD_ISPENDR: a level SPI's line (or a latched edge). */
bool gic_spi_pending(unsigned intid);
/* This CPU's PPI `intid` pending (for a level PPI: its line is high, active or not). */
bool gic_ppi_pending(unsigned intid);
/* Make this CPU's PPI `intid` active (a forwarded one whose vCPU comes back
 * to the CPU with it in a list register, docs/scheduling.md). */
void gic_ppi_set_active(unsigned intid);
void gic_route_spi(unsigned intid, unsigned target_cpu);
/* The SPI edge-triggered (GICD_ICFGR; level by default). */
void gic_set_spi_edge(unsigned intid);
void gic_send_sgi(unsigned sgi, unsigned target_cpu);
/* The physical ITS (src/drivers/gicv3_its.c): tofu's own LPIs for the MSIs
 * of devices given to VMs with a virtual ITS.  gic_its_init: boot, CPU 0,
 * before any CPU's gic_init_cpu (E_OK, or no ITS to use); each CPU's
 * gic_init_cpu then turns its LPIs on.  gic_its_map_device: every EventID
 * of `device_id` (GIC_ITS_EVENTS of them) to LPIs of its own, aimed at
 * CPU `cpu`; the first LPI's INTID, 0 when it cannot. */
#define GIC_ITS_EVENT_BITS 8
#define GIC_ITS_EVENTS     (1u << GIC_ITS_EVENT_BITS)
int gic_its_init(void);
void gic_lpis_init_cpu(unsigned cpu);
unsigned gic_its_map_device(uint32_t device_id, unsigned cpu);
/* GICv4.0 direct injection (docs/its.md, "Direct injection"), when
 * gic_its_v4(): vPEIDs 0..gic_its_vpe_ids()-1, one doorbell LPI for all
 * (gic_its_doorbell(), rung on the vPE's CPU).  gic_its_vpe_map: VMAPP of
 * `vpe` on CPU `cpu`, pending table `vpt_pa` (64 KiB aligned, 2 KiB).
 * gic_its_vlpi_map / _move: an event of `device_id` to vLPI `vintid` of
 * `vpe` / its vLPI to another vPE.  gic_its_plpi_map: back to tofu's LPI.
 * gic_its_vlpi_cmd: INV or CLEAR of a vLPI's event.  gic_vpe_load / _put:
 * this CPU's resident vPE (the caller's own vCPU's). */
bool gic_its_v4(void);
unsigned gic_its_doorbell(void);
unsigned gic_its_vpe_ids(void);
bool gic_its_vpe_map(unsigned vpe, unsigned cpu, uint64_t vpt_pa);
bool gic_its_vlpi_map(uint32_t device_id, uint32_t event, unsigned vpe, uint32_t vintid);
bool gic_its_vlpi_move(uint32_t device_id, uint32_t event, unsigned vpe);
bool gic_its_plpi_map(uint32_t device_id, uint32_t event, unsigned lpi, unsigned cpu);
bool gic_its_vlpi_cmd(unsigned cmd, uint32_t device_id, uint32_t event, unsigned vpe);
void gic_vpe_load(uint64_t vprop_pa, unsigned prop_idbits, uint64_t vpt_pa);
void gic_vpe_put(void);
unsigned gic_nr_irqs(void);

/* Passed-through devices (src/drivers/quiesce.c), by their compatible
 * string: whether tofu knows how to quiet one, and doing it (its interrupt
 * masked and cleared, the device reset where it can be) for the device at
 * `pa`; nothing for a device it does not know. */
bool dev_quiesce_known(const char *compatible);
void dev_quiesce(const char *compatible, uint64_t pa);

/* PCI configuration space of bus 0 through the host bridge's ECAM, which EL2
 * maps (src/drivers/pci_ecam.c).  `rid` is the requester ID (bus << 8 |
 * device << 3 | function), `off` below PCI_CFG_SIZE and naturally aligned
 * for `width` (1, 2 or 4 bytes); anything else reads all-ones and writes
 * nothing.  Only core (src/core/pci.c) calls these. */
uint32_t pci_ecam_read(uint16_t rid, unsigned off, unsigned width);
void pci_ecam_write(uint16_t rid, unsigned off, unsigned width, uint32_t val);
/* A reset of a function that has no FLR, by its own registers, for the
 * devices tofu knows (src/drivers/pci_reset.c).  pci_dev_reset_known: is
 * there one for vendor:device?  pci_dev_reset: do it, through the BAR0 at
 * `bar0` (memory decoding on); false if the device did not finish. */
bool pci_dev_reset_known(uint16_t vendor, uint16_t device);
bool pci_dev_reset(uint16_t vendor, uint16_t device, uint64_t bar0);

/* Calls to the platform firmware (PSCI via SMC at EL2). */
/* Start CPU `cpu` of the board's description at tofu's secondary entry, by
 * its enable method (src/arch/arm64/cpu_on.c): PSCI's return code, or 0
 * once a spin table's slot is written. */
int64_t fw_cpu_on(unsigned cpu);
int64_t fw_psci_cpu_on(uint64_t mpidr, uint64_t entry, uint64_t ctx);
void fw_psci_system_off(void) __attribute__((noreturn));
void fw_psci_system_reset(void) __attribute__((noreturn));

#endif
