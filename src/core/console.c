/* SPDX-License-Identifier: MIT */
#include "core/console.h"
#include "core/drivers.h"
#include "core/printf.h"
#include "core/spinlock.h"
#include "core/vm.h"
#include "core/htimer.h"
#include "arch/cpu.h"

#define ANSI_RESET   "\033[0m"
#define HYP_COLOUR   7            /* white */

static spinlock_t console_lock = SPINLOCK_INIT;
static struct console_src hyp_src = { .name = "tofu", .colour = HYP_COLOUR, .at_line_start = true };
static struct console_src *mid_line;      /* whose line is unfinished on the terminal */
static bool use_colour;
static int focus;                         /* VM index, or -1 for the shell */
static bool escape_pending;
/* The shell's prompt line is open on the terminal, and what it holds. */
static bool prompt_open, prompt_broken;
static const char *prompt_text, *prompt_typed;
static const unsigned *prompt_typed_len;   /* the shell's own count */

void console_init(bool colour)
{
    use_colour = colour;
}

void console_src_init(struct console_src *s, const char *name, unsigned colour)
{
    s->name = name;
    s->colour = colour;
    s->at_line_start = true;
    s->len = 0;
    s->in_head = s->in_tail = 0;
    s->feed_lock = (spinlock_t)SPINLOCK_INIT;
    s->dropping = false;
}

static void puts_raw(const char *p)
{
    while (*p)
        uart_putc(*p++);
}

static void emit_prefix(const struct console_src *s)
{
    if (use_colour) {
        char esc[] = "\033[1;30m";
        esc[5] = (char)('0' + s->colour);
        puts_raw(esc);
    }
    uart_putc('[');
    puts_raw(s->name);
    uart_putc(']');
    if (use_colour)
        puts_raw(ANSI_RESET);
    uart_putc(' ');
}

static void emit_prefix(const struct console_src *s);

static void prompt_redraw(void)
{
    emit_prefix(&hyp_src);
    puts_raw(prompt_text);
    for (unsigned i = 0; i < *prompt_typed_len; i++)
        uart_putc(prompt_typed[i]);
    prompt_open = true;
    prompt_broken = false;
}

/* End the open line on the terminal: a source's unfinished line, or the
 * shell's prompt (which comes back after the line that breaks it). */
static void break_line(void)
{
    puts_raw("\r\n");
    if (mid_line)
        mid_line->at_line_start = true;
    mid_line = NULL;
    prompt_broken = prompt_open;
    prompt_open = false;
}

/* One character of `s` to the terminal, breaking someone else's open line. */
static void emit(struct console_src *s, char c)
{
    if (prompt_open || (mid_line && mid_line != s))
        break_line();
    if (s->at_line_start)
        emit_prefix(s);
    uart_putc(c);
    s->at_line_start = c == '\n';
    mid_line = s->at_line_start ? NULL : s;
    if (prompt_broken && !mid_line && focus < 0)
        prompt_redraw();
}

static void flush_line(struct console_src *s)
{
    for (unsigned i = 0; i < s->len; i++) {
        emit(s, s->line[i]);
        s->log[s->log_len++ % CONSOLE_LOG_BYTES] = s->line[i];
    }
    s->len = 0;
}

void console_prompt(const char *prompt, const char *typed, const unsigned *len)
{
    spin_lock(&console_lock);
    if (mid_line)
        break_line();
    prompt_text = prompt;
    prompt_typed = typed;
    prompt_typed_len = len;
    prompt_redraw();
    spin_unlock(&console_lock);
}

/* Echo within the prompt line; a newline closes it. */
void console_echo(const char *str)
{
    spin_lock(&console_lock);
    for (const char *p = str; *p; p++) {
        if (*p == '\n') {
            puts_raw("\r\n");
            prompt_open = prompt_broken = false;
        } else if (*p == '\b') {
            puts_raw("\b \b");
        } else {
            uart_putc(*p);
        }
    }
    spin_unlock(&console_lock);
}

void console_print_log(struct vm *vm)
{
    static char copy[CONSOLE_LOG_BYTES + 1];      /* the shell's: one at a time */
    struct console_src *s = &vm->con;
    unsigned n, start;

    spin_lock(&console_lock);
    n = s->log_len < CONSOLE_LOG_BYTES ? s->log_len : CONSOLE_LOG_BYTES;
    start = s->log_len - n;
    for (unsigned i = 0; i < n; i++)
        copy[i] = s->log[(start + i) % CONSOLE_LOG_BYTES];
    spin_unlock(&console_lock);
    copy[n] = '\0';
    /* A ring that wrapped starts mid-line: skip to the first whole one. */
    char *p = copy;
    if (s->log_len > CONSOLE_LOG_BYTES)
        while (*p && *p++ != '\n')
            ;
    printf("log of vm %s (last %u bytes):\n", vm->cfg->name, (unsigned)(copy + n - p));
    while (*p) {
        char *e = p;
        while (*e && *e != '\n')
            e++;
        char end = *e;
        *e = '\0';
        printf("| %s\n", p);
        if (!end)
            break;
        p = e + 1;
    }
}

static void hyp_out(char c, void *arg)
{
    UNUSED(arg);
    if (c == '\n')
        emit(&hyp_src, '\r');
    emit(&hyp_src, c);
}

void printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    spin_lock(&console_lock);
    vformat(hyp_out, NULL, fmt, ap);
    spin_unlock(&console_lock);
    va_end(ap);
}

void printf_raw(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vformat(hyp_out, NULL, fmt, ap);
    va_end(ap);
}

void console_vm_putc(struct vm *vm, char c)
{
    struct console_src *s = &vm->con;
    bool focused = focus == (int)(vm - vms), partial;
    spin_lock(&console_lock);
    s->line[s->len++] = c;
    if (c == '\n' || s->len == CONSOLE_LINE_MAX)
        flush_line(s);
    partial = s->len != 0;
    spin_unlock(&console_lock);
    if (focused && partial)
        htimer_set(HTIMER_CONSOLE, arch_counter() + htimer_us_to_ticks(CONSOLE_FLUSH_US));
    else if (focused && c == '\n')
        htimer_cancel(HTIMER_CONSOLE);
}

void console_flush_timeout(void)
{
    spin_lock(&console_lock);
    if (focus >= 0)
        flush_line(&vms[focus].con);
    spin_unlock(&console_lock);
}

void console_focus(int idx)
{
    if (idx >= (int)nr_vms)
        return;
    spin_lock(&console_lock);
    focus = idx;
    if (idx >= 0)
        flush_line(&vms[idx].con);
    spin_unlock(&console_lock);
    if (idx < 0) {
        printf("console: input to the hypervisor shell ('help' lists commands)\n");
        shell_prompt();
    } else {
        printf("console: input to VM %d '%s' (Ctrl-T 0: hypervisor shell)\n", idx + 1,
               vms[idx].cfg->name);
    }
}

static void escape_command(char c)
{
    if (c >= '1' && c <= '8')
        console_focus(c - '1');
    else if (c == '0')
        console_focus(-1);
    else if (c == 'n')
        console_focus(focus + 1 < (int)nr_vms ? focus + 1 : -1);
    else
        printf("console: Ctrl-T then 0 = hypervisor shell, 1..%u = VM, n = next, Ctrl-T = literal Ctrl-T\n",
               nr_vms);
}

/* Move waiting input into the VM's UART FIFO while it has room. */
void console_input_room(struct vm *vm)
{
    struct console_src *s = &vm->con;
    spin_lock(&s->feed_lock);
    while (s->in_tail != __atomic_load_n(&s->in_head, __ATOMIC_ACQUIRE)) {
        if (!vpl011_push_input(&vm->uart, (char)s->in[s->in_tail % CONSOLE_INPUT_BYTES]))
            break;
        __atomic_store_n(&s->in_tail, s->in_tail + 1, __ATOMIC_RELEASE);
    }
    spin_unlock(&s->feed_lock);
}

void console_input_reset(struct vm *vm)
{
    struct console_src *s = &vm->con;
    spin_lock(&s->feed_lock);
    __atomic_store_n(&s->in_tail, __atomic_load_n(&s->in_head, __ATOMIC_ACQUIRE), __ATOMIC_RELEASE);
    spin_unlock(&s->feed_lock);
}

/* One character for VM `vm`: into its buffer, or dropped (said once) when
 * the buffer is full because the VM does not read. */
static void input_to_vm(struct vm *vm, char c)
{
    struct console_src *s = &vm->con;
    unsigned head = s->in_head;
    if (head - __atomic_load_n(&s->in_tail, __ATOMIC_ACQUIRE) == CONSOLE_INPUT_BYTES) {
        if (!s->dropping)
            printf("console: vm %s is not reading its input: what does not fit in %u bytes is "
                   "dropped (Ctrl-T 0: the shell)\n", vm->cfg->name, CONSOLE_INPUT_BYTES);
        s->dropping = true;
        return;
    }
    s->dropping = false;
    s->in[head % CONSOLE_INPUT_BYTES] = (uint8_t)c;
    __atomic_store_n(&s->in_head, head + 1, __ATOMIC_RELEASE);
    console_input_room(vm);
}

void console_rx(void)
{
    int c;
    for (;;) {
        if ((c = uart_getc()) < 0)
            return;
        if (escape_pending) {
            escape_pending = false;
            if (c != CONSOLE_ESCAPE) {
                escape_command((char)c);
                continue;
            }
        } else if (c == CONSOLE_ESCAPE) {
            escape_pending = true;
            continue;
        }
        if (focus < 0)
            shell_input((char)c);
        else
            input_to_vm(&vms[focus], (char)c);
    }
}
