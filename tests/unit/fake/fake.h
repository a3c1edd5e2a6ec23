/* SPDX-License-Identifier: MIT */
/*
 * The fake arch and core services the host unit tests link instead of the
 * hypervisor's own (Hafnium's src/arch/fake is the model).  Each fake
 * implements a function declared in include/ and records what it was asked
 * to do, so that a test can check the decisions of the code under test.
 * Each file has a fake_*_reset() that returns it to its initial state; a
 * test links only the fakes it needs (see unit.mk).
 */
#ifndef FAKE_FAKE_H
#define FAKE_FAKE_H
#include "core/vm.h"

/* ---- system registers (fake/sysreg.c, used through fake/arch/sysreg.h) ---- */
void fake_sysreg_reset(void);
/* Reads of a register never set return 0. */
void fake_sysreg_set(const char *name, uint64_t v);
unsigned fake_sysreg_reads(const char *name);

/* ---- list registers (fake/vgic_hw.c) ----------------------------------------
 * An in-memory array of LRs in the build's format (GICv3's, or GICv2's with
 * GIC_VERSION 2); ELRSR and EISR are computed from it with the predicates of
 * arch/vgic_lr.h (ELRSR bit i set when LR i holds neither pending nor active
 * state and asks for no EOI maintenance).  fake_hcr has ICH_HCR_EL2's EN and
 * UIE, at the same bits as GICH_HCR's.  Accessing an LR at or beyond
 * fake_nr_lrs fails the running test. */
#define FAKE_MAX_LRS 16
extern uint64_t fake_lr[FAKE_MAX_LRS];
extern unsigned fake_nr_lrs;
extern uint64_t fake_hcr;             /* last value written to ICH_HCR_EL2 */
extern unsigned fake_hcr_writes;
extern unsigned fake_lr_writes;
void fake_vgic_hw_reset(unsigned nr_lrs);
/* The vGIC tests' start: vgic_nr_lrs and these LRs, the vCPU and VM fakes
 * reset; a VM whose vGIC has `nr_vcpus` vCPUs (vCPU i: MPIDR Aff0 i) just
 * initialized, the distributor disabled. */
void fake_vgic_reset(unsigned nr_lrs);
void fake_vgic_vm(struct vm *m, unsigned nr_vcpus, unsigned nr_spis, unsigned nr_lpis);
/* Physical interrupts deactivated through ICC_DIR_EL1 (count per INTID);
 * the line of the virtual timer and of each SPI as the fake GIC sees it. */
#define FAKE_MAX_DEACTIVATE 128
extern unsigned fake_activated[VGIC_NR_PRIVATE];   /* gic_ppi_set_active calls, by PPI */
extern unsigned fake_deactivated[FAKE_MAX_DEACTIVATE];
extern bool fake_spi_line[FAKE_MAX_DEACTIVATE];
extern bool fake_vtimer_line, fake_pmu_line;
/* The guest acknowledges LR i (pending -> active), as ICC_IAR1_EL1 does. */
void fake_guest_ack_lr(unsigned i);
/* The guest deactivates LR i: its state becomes invalid. */
void fake_guest_complete_lr(unsigned i);
/* The LR holding vINTID `intid`, or -1. */
int fake_lr_find(unsigned intid);
unsigned fake_lr_count_valid(void);

/* ---- vCPUs (fake/vcpu.c) -----------------------------------------------------
 * vcpu_reset() records its arguments and sets pc and x0 as the real one
 * does; vcpu_kick() and vcpu_idle() only count. */
void fake_vcpu_reset(void);
extern struct vcpu *fake_current;     /* what vcpu_current() returns */
extern unsigned fake_kick_count;
extern struct vcpu *fake_last_kicked;
extern unsigned fake_idle_count;
extern unsigned fake_reset_count;
extern struct vcpu *fake_reset_vcpu;
extern uint64_t fake_reset_pc, fake_reset_x0;

/* ---- VMs (fake/vm.c) --------------------------------------------------------
 * vm_ipa_to_ptr() and vm_vcpu_by_mpidr() repeat the logic of src/core/vm.c,
 * which cannot be linked on the host (it builds VMs); vm_request_stop()
 * and vm_log() only record. */
void fake_vm_reset(void);
extern uint64_t fake_page_ipa;          /* the last vm_reg_page_map's */
extern const void *fake_page;
extern unsigned fake_stop_count;
extern struct vm *fake_stop_vm;
extern enum vm_stop_reason fake_stop_why;
extern bool fake_stop_restart;
extern char fake_fail_reason[256];      /* vm_failed()'s or vm_hung()'s */
extern int fake_reset_warm;             /* vm_guest_reset()'s `warm`, -1: not called */
extern unsigned fake_log_count;
extern char fake_last_log[256];

/* ---- timers (fake/timer.c) -------------------------------------------------
 * arch_counter() returns fake_counter; htimer_set()/htimer_cancel() keep the
 * deadline per client (0: none); vgic_set_ppi_level() and vgic_set_level()
 * record the line.  arch_counter_freq() returns fake_counter_freq. */
#define FAKE_COUNTER_FREQ 62500000u     /* cortex-a57's, on QEMU */
void fake_timer_reset(void);
extern uint64_t fake_counter;
extern uint64_t fake_counter_freq;
extern bool fake_irq_level[];          /* vgic_set_level()'s lines, by INTID */
extern uint64_t fake_htimer_deadline[];
extern unsigned fake_ppi_level_calls;
extern bool fake_ppi_line[];

/* ---- IPC (fake/ipc.c): ipc_call() records the function ID ------------------ */
void fake_ipc_reset(void);
extern unsigned fake_ipc_calls;
extern uint32_t fake_ipc_last_fid;

/* ---- the console's UART, SGI, vPL011 input and shell (fake/console.c) -----
 * The UART takes fake_uart_room bytes per uart_tx_room() call, and
 * fake_uart_budget bytes in all (FAKE_UART_ROOM_ANY: no limit); what it sent
 * (and uart_putc's) is in fake_uart_out; fake_uart_tx_hook runs after each
 * uart_tx_bytes().  gic_send_sgi() counts, and drains at once if
 * fake_sgi_drains.  shell_prompt() draws fake_shell_line as the shell does. */
#define FAKE_UART_OUT      (1u << 20)
#define FAKE_UART_ROOM_ANY 0xffffffffu
void fake_console_reset(void);
extern char fake_uart_out[FAKE_UART_OUT];
extern unsigned fake_uart_len, fake_uart_room, fake_uart_budget;
extern bool fake_uart_tx_irq_on;
extern void (*fake_uart_tx_hook)(unsigned n);
extern const char *fake_uart_in;
extern unsigned fake_sgi_count;
extern bool fake_sgi_drains;
extern char fake_vm_input[256];
extern unsigned fake_vm_input_len;
extern char fake_shell_line[64];
extern unsigned fake_shell_len, fake_shell_prompts;
extern char fake_shell_input[64];
extern unsigned fake_shell_input_len;

/* ---- PCI config space (fake/pci.c, core/pci.h) ------------------------------
 * Each function's physical config space is fake_pci_cfg[i] (4 KiB, little
 * endian) for the pci_fn whose address is fake_pci_fns[i]; accesses check
 * their alignment.  pci_fn_restore() and pci_fn_reset() only count. */
#define FAKE_PCI_FNS 4
#include "core/pci.h"
extern uint8_t fake_pci_cfg[FAKE_PCI_FNS][PCI_CFG_SIZE];
extern const struct pci_fn *fake_pci_fns[FAKE_PCI_FNS];
extern unsigned fake_pci_restores, fake_pci_resets, fake_pci_writes;
void fake_pci_reset(void);

#endif
