/* SPDX-License-Identifier: MIT */
/*
 * The physical console, shared by the hypervisor and every VM.
 *
 * Output: every line is marked with its source, "[tofu]" or "[<vm name>]"
 * (in colour when enabled).  Every VM's output is line-buffered, so lines
 * from different VMs never mix; the VM that has the input focus also gets
 * a partial line (a prompt, echoed input) out after CONSOLE_FLUSH_US of
 * quiet, through the EL2 physical timer of the CPU that wrote it.
 *
 * Input goes to one VM at a time, or to the hypervisor's shell.  The escape
 * key Ctrl-T followed by:  0 = hypervisor shell, 1..8 = VM n, n = next,
 * ? = help, Ctrl-T = a literal Ctrl-T to the focused VM.  The physical UART
 * is always drained, whoever reads or not: a VM's input waits in its own
 * buffer (CONSOLE_INPUT_BYTES) until its UART's FIFO has room, and what does
 * not fit is dropped with one notice, so the escape key and QEMU's own keys
 * always work.
 */
#ifndef CORE_CONSOLE_H
#define CORE_CONSOLE_H
#include "core/types.h"
#include "core/spinlock.h"

#define CONSOLE_ESCAPE   0x14    /* Ctrl-T */
#define CONSOLE_LINE_MAX 160
#define CONSOLE_FLUSH_US 20000
#define CONSOLE_INPUT_BYTES 1024 /* per VM, beyond its UART's FIFO; a power of two */
#define CONSOLE_LOG_BYTES 4096   /* per VM: the last of its output, for the shell's log */

struct vm;

struct console_src {
    const char *name;
    unsigned colour;             /* ANSI colour 1..6 */
    bool at_line_start;
    unsigned len;                /* buffered, not yet written */
    char line[CONSOLE_LINE_MAX];
    /* Input not yet in the VM's UART FIFO: one producer (console_rx, on the
     * console's CPU), consumers serialised by feed_lock; indices run free. */
    uint8_t in[CONSOLE_INPUT_BYTES];
    unsigned in_head, in_tail;
    spinlock_t feed_lock;
    bool dropping;               /* input is being dropped: said once */
    char log[CONSOLE_LOG_BYTES]; /* the last of what it printed, a ring */
    unsigned log_len;            /* bytes ever written to it */
};

void console_init(bool colour);
void console_src_init(struct console_src *s, const char *name, unsigned colour);
/* A character a VM wrote to its UART. */
void console_vm_putc(struct vm *vm, char c);
/* Drain the physical UART's input to the focused VM or the shell. */
void console_rx(void);
/* The flush timer fired: write out the focused VM's partial line. */
void console_flush_timeout(void);
/* A VM read input from its UART: move what waits for it into the FIFO.
 * Called without the UART's lock. */
void console_input_room(struct vm *vm);
/* Forget the input waiting for `vm` (it restarts). */
void console_input_reset(struct vm *vm);
/* Give the input focus to VM index `idx`, or to the shell for -1. */
void console_focus(int idx);

/* Print the last of what VM `vm` wrote (up to CONSOLE_LOG_BYTES), whole lines. */
void console_print_log(struct vm *vm);
/* The shell's own line: its prompt and the echo of what is typed.  Any other
 * output breaks it and, once that output's line is complete, redraws it. */
void console_prompt(const char *prompt, const char *typed, const unsigned *len);
void console_echo(const char *s);

/* The hypervisor shell (src/core/shell.c). */
void shell_input(char c);
void shell_prompt(void);

#endif
