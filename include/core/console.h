/* SPDX-License-Identifier: MIT */
/*
 * The physical console, shared by the hypervisor and every VM.
 *
 * Output: every source (the hypervisor, each VM) writes into its own ring,
 * and nothing else: a VM's UARTDR write stores one byte and returns, never
 * waiting for the physical UART and never taking a lock another VM's writes
 * take.  One drainer, on the console CPU (a CPU no vCPU is pinned to, if
 * there is one, else CPU 0), moves whole lines from the rings to the UART,
 * marked with their source, "[tofu]" or "[<vm name>]" (in colour when
 * enabled), as far as the UART's FIFO has room; when it is full, the UART's
 * transmit interrupt brings the drainer back.  Writers wake it with an SGI,
 * at most one outstanding.  Lines from different sources never mix; the VM
 * that has the input focus also gets a partial line (a prompt, echoed input)
 * out CONSOLE_FLUSH_US after the drainer first sees it.  A source that
 * writes faster than the UART sends loses its oldest bytes not yet sent (and
 * the rest of their line: a line goes out whole or not at all), said with
 * one line before the next line that goes out.  A VM's ring is also its log: the
 * shell's `log <vm>` prints the last CONSOLE_RING_BYTES it wrote.
 *
 * Before the GIC is up, and after a panic, output is written at once,
 * waiting for the UART.
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
#define CONSOLE_LINE_MAX 160     /* a longer line is cut, and goes on after a break */
#define CONSOLE_FLUSH_US 20000
#define CONSOLE_INPUT_BYTES 1024 /* per VM, beyond its UART's FIFO; a power of two */
#define CONSOLE_RING_BYTES 8192  /* per VM: output not yet sent, and its log; a power of two */
#define CONSOLE_HYP_RING_BYTES 16384 /* the hypervisor's own output; a power of two */

struct vm;

/* One writer at a time (the VM's UART lock, or the hypervisor's print
 * lock); the drainer and the log read.  Indices run free.  The writer never
 * waits and never drops: a full ring's oldest bytes, sent or not, make room.
 * A reader checks what it copied: the head, read again after the copy,
 * says which bytes the writer may have overwritten meanwhile (those before
 * head + 1 - size: the byte the writer may be storing now is over that one).
 * So a ring keeps size - 1 bytes not yet sent. */
struct console_ring {
    char *buf;
    unsigned size;               /* a power of two */
    unsigned head;               /* bytes ever written */
    unsigned tail;               /* bytes ever sent to the UART, or lost */
};

struct console_src {
    const char *name;
    unsigned colour;             /* ANSI colour 1..6 */
    struct console_ring out;
    char out_buf[CONSOLE_RING_BYTES];
    /* The drainer's, under its lock. */
    bool at_line_start;
    bool resync;                 /* the writer overtook: the rest of its line is lost too */
    unsigned lost;               /* bytes lost, not yet said */
    uint64_t flush_at;           /* a partial line of the focused VM goes out then; 0: none */
    /* Input not yet in the VM's UART FIFO: one producer (console_rx, on the
     * console's CPU), consumers serialised by feed_lock; indices run free. */
    uint8_t in[CONSOLE_INPUT_BYTES];
    unsigned in_head, in_tail;
    spinlock_t feed_lock;
    bool dropping;               /* input is being dropped: said once */
};

void console_init(bool colour);
void console_src_init(struct console_src *s, const char *name, unsigned colour);
/* From now on output is drained by `cpu` (the GIC is up). */
void console_start_async(unsigned cpu);
/* Everything waiting, out now (before the machine powers off). */
void console_flush(void);
/* The console CPU, for the UART's interrupt. */
unsigned console_cpu(void);
/* A character a VM wrote to its UART (the caller serialises a VM's writes). */
void console_vm_putc(struct vm *vm, char c);
/* SGI_CONSOLE, or the UART's interrupt: send what waits. */
void console_drain(void);
/* The UART's interrupt: input, and room to send. */
void console_uart_irq(void);
/* Drain the physical UART's input to the focused VM or the shell. */
void console_rx(void);
/* The flush timer fired: a partial line of the focused VM is due. */
void console_flush_timeout(void);
/* A VM read input from its UART: move what waits for it into the FIFO.
 * Called without the UART's lock. */
void console_input_room(struct vm *vm);
/* Forget the input waiting for `vm` (it restarts). */
void console_input_reset(struct vm *vm);
/* Give the input focus to VM index `idx`, or to the shell for -1. */
void console_focus(int idx);

/* Where VM `vm`'s output is now, and whether `needle` appears in what it
 * wrote since `mark` (as far as its ring still holds it): then the line
 * from the needle on, up to its end, goes into `line`. */
unsigned console_mark(const struct vm *vm);
bool console_find_since(const struct vm *vm, unsigned mark, const char *needle, char *line, size_t size);
/* Print the last of what VM `vm` wrote (up to CONSOLE_RING_BYTES), whole lines. */
void console_print_log(struct vm *vm);
/* The shell's own line: its prompt and the echo of what is typed.  Any other
 * output breaks it and, once that output's line is complete, redraws it; an
 * echo while another source's line is open ends that line and redraws it.
 * The shell's line (`typed`, `*len`) has what is echoed before the echo. */
void console_prompt(const char *prompt, const char *typed, const unsigned *len);
void console_echo(const char *s);

/* The hypervisor shell (src/core/shell.c). */
void shell_input(char c);
void shell_prompt(void);

#endif
