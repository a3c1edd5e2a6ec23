/* SPDX-License-Identifier: MIT */
/*
 * A guest's GICv3 ITS driver, the least a test or the benchmark needs
 * (docs/its.md): the redistributors' LPI tables, the ITS's own tables and
 * command queue as its GITS_BASERs ask, then one command at a time.  The
 * ITS is QEMU virt's (its@8080000), which is where tofu puts a VM's.
 * Linked only into the programs that list rt/its.c (guests/baremetal/Makefile).
 */
#ifndef RT_ITS_H
#define RT_ITS_H

#include <stdbool.h>
#include <stdint.h>

#include "rt/hw.h"

#define ITS_BASE            0x08080000ul  /* QEMU virt's ITS, and a VM's (tools/config) */
#define ITS_DOORBELL        (ITS_BASE + GITS_TRANSLATER)
#define ITS_MAX_CPUS        2             /* redistributors given LPI tables */
#define ITS_LPI_IDBITS      14            /* INTIDs 0..16383: LPIs 8192..16383 */
#define ITS_NR_LPIS         (1u << 13)
#define ITS_ITT_EVENT_BITS  8             /* MAPD Size + 1: 256 events a device */
#define ITS_NR_EVENTS       (1u << ITS_ITT_EVENT_BITS)
#define ITS_ITT_SLOTS       4             /* devices mapped at once */
#define ITS_QUEUE_BYTES     4096
#define ITS_WAIT_MS         2000          /* for the queue to catch up (a loaded host) */

uint64_t its_read64(unsigned off);
uint32_t its_read32(unsigned off);
void its_write64(unsigned off, uint64_t v);

/* Every LPI's configuration byte: `prio`, disabled. */
void its_lpis_init(uint8_t prio);
/* LPI `n` (0 = INTID 8192): its priority and enable, then a DSB (the ITS
 * reads it at INV or INVALL). */
void its_lpi_set(unsigned n, uint8_t prio, bool on);
/* vCPU `cpu`'s redistributor: PROPBASER, PENDBASER, EnableLPIs; false if
 * they do not read back. */
bool its_redist_enable(unsigned cpu);
/* The ITS: every GITS_BASER its type asks for, the command queue, Enabled;
 * false if one of them does not read back. */
bool its_enable(void);

/* A command into the queue, without running it: the new CWRITER offset. */
uint32_t its_cmd_put(uint64_t dw0, uint64_t dw1, uint64_t dw2, uint64_t dw3);
/* A command into the queue and the queue run; false if CREADR did not catch
 * up (stalled, or ITS_WAIT_MS passed). */
bool its_cmd(uint64_t dw0, uint64_t dw1, uint64_t dw2, uint64_t dw3);
/* vCPU `cpu` as a command's RDbase (PTA 0: its processor number). */
uint64_t its_rdbase(unsigned cpu);

bool its_mapc(unsigned icid, unsigned cpu, bool valid);
/* `slot`: which of the ITT_SLOTS ITTs (a device's on hardware). */
bool its_mapd(uint32_t dev, unsigned slot, bool valid);
bool its_mapti(uint32_t dev, uint32_t event, uint32_t lpi, unsigned icid);
/* INT, CLEAR, DISCARD, INV: one event of a device. */
bool its_event(unsigned cmd, uint32_t dev, uint32_t event);
bool its_movi(uint32_t dev, uint32_t event, unsigned icid);
bool its_sync(unsigned cpu);
bool its_invall(unsigned icid);

#endif
