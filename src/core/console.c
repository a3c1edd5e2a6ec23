/* SPDX-License-Identifier: MIT */
#include "core/console.h"
#include "core/drivers.h"
#include "core/printf.h"
#include "core/spinlock.h"
#include "core/vm.h"
#include "core/htimer.h"
#include "core/limits.h"
#include "core/lib.h"
#include "arch/cpu.h"
#include "arch/regs.h"

#define ANSI_RESET   "\033[0m"
#define HYP_COLOUR   7            /* white */

/* The drainer's state, under console_lock (the console CPU, or anyone
 * before the GIC is up). */
static spinlock_t console_lock = SPINLOCK_INIT;
static char hyp_buf[CONSOLE_HYP_RING_BYTES];
static struct console_src hyp_src = {
    .name = "tofu", .colour = HYP_COLOUR, .at_line_start = true,
    .out = { .buf = hyp_buf, .size = CONSOLE_HYP_RING_BYTES },
};
static spinlock_t hyp_lock = SPINLOCK_INIT;      /* the hypervisor's writers */
static struct console_src *mid_line;      /* whose line is unfinished on the terminal */
static bool use_colour;
static int focus;                         /* VM index, or -1 for the shell */
static bool escape_pending;
/* The shell's prompt line is open on the terminal, and what it holds. */
static bool prompt_open, prompt_broken;
static const char *prompt_text, *prompt_typed;
static const unsigned *prompt_typed_len;   /* the shell's own count */

/* What goes to the UART next: formatted lines, prefixes, the prompt. */
#define TX_BYTES      1024
/* What one step of the drainer writes at most: a break, a prefix and a line
 * ("\r\n" after it); the shell's prompt redrawn ("tofu> " and its line of
 * up to 63); a loss line (a break, a prefix, 80 characters and a name) and
 * the prompt again. */
#define PREFIX_MAX    (sizeof "\033[1;30m[]" ANSI_RESET " " - 1 + VM_NAME_MAX)
#define PROMPT_MAX    (PREFIX_MAX + 80)
#define TX_LINE_ROOM  (2 + PREFIX_MAX + CONSOLE_LINE_MAX + 1 + PROMPT_MAX + \
                       2 + PREFIX_MAX + 80 + VM_NAME_MAX + PROMPT_MAX)
static char tx[TX_BYTES];
static unsigned tx_head, tx_tail;
_Static_assert(TX_LINE_ROOM <= TX_BYTES, "a drainer's step fits in the transmit buffer");

static bool async;                        /* the drainer runs on the console CPU */
static unsigned drain_cpu;
static unsigned kick_pending;             /* an SGI_CONSOLE is on its way */
/* The flush timer is armed: the drainer looks within CONSOLE_FLUSH_US, so a
 * focused VM's first byte after an empty ring needs no kick (one SGI a
 * line, not two). */
static bool flush_armed;

void console_init(bool colour)
{
    use_colour = colour;
}

void console_src_init(struct console_src *s, const char *name, unsigned colour)
{
    s->name = name;
    s->colour = colour;
    s->at_line_start = true;
    s->out = (struct console_ring){ .buf = s->out_buf, .size = CONSOLE_RING_BYTES };
    s->resync = false;
    s->lost = 0;
    s->flush_at = 0;
    s->in_head = s->in_tail = 0;
    s->feed_lock = (spinlock_t)SPINLOCK_INIT;
    s->dropping = false;
}

unsigned console_cpu(void)
{
    return drain_cpu;
}

/* ---- the transmit buffer ------------------------------------------------ */

static void tx_put(char c)
{
    if (tx_head - tx_tail < TX_BYTES)
        tx[tx_head++ % TX_BYTES] = c;
}

static void puts_raw(const char *p)
{
    while (*p)
        tx_put(*p++);
}

/* Into the UART's FIFO as far as it has room (or all of it, waiting). */
static void tx_push(bool wait)
{
    while (tx_tail != tx_head) {
        unsigned room = uart_tx_room();
        if (!room && !wait)
            break;
        unsigned at = tx_tail % TX_BYTES, n = tx_head - tx_tail;
        if (n > TX_BYTES - at)
            n = TX_BYTES - at;            /* up to the buffer's end */
        if (n > room)
            n = room;
        uart_tx_bytes(&tx[at], n);
        tx_tail += n;
    }
}

/* ---- lines on the terminal ----------------------------------------------- */

static void emit_prefix(const struct console_src *s)
{
    if (use_colour) {
        char esc[] = "\033[1;30m";
        esc[5] = (char)('0' + s->colour);
        puts_raw(esc);
    }
    tx_put('[');
    puts_raw(s->name);
    tx_put(']');
    if (use_colour)
        puts_raw(ANSI_RESET);
    tx_put(' ');
}

static void prompt_redraw(void)
{
    emit_prefix(&hyp_src);
    puts_raw(prompt_text);
    for (unsigned i = 0; i < *prompt_typed_len; i++)
        tx_put(prompt_typed[i]);
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
    if (c == '\n' && s == &hyp_src)
        tx_put('\r');
    tx_put(c);
    s->at_line_start = c == '\n';
    mid_line = s->at_line_start ? NULL : s;
    if (prompt_broken && !mid_line && focus < 0)
        prompt_redraw();
}

static void tx_out(char c, void *arg)
{
    emit(arg, c);
}

/* A line of the drainer's own, e.g. about lost output. */
static void drainer_say(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vformat(tx_out, &hyp_src, fmt, ap);
    va_end(ap);
}

/* ---- the drainer ------------------------------------------------------- */

static struct console_src *source(unsigned i)
{
    return i == 0 ? &hyp_src : &vms[i - 1].con;
}

/* The piece of a ring that goes out next, copied out before it is checked
 * against the writer (the drainer's, under its lock). */
static char piece[CONSOLE_LINE_MAX];

/* How many bytes of `s` may go out now: up to and with its next newline,
 * CONSOLE_LINE_MAX of a longer line, or a due partial line of the focused
 * VM; 0 when none.  Those of the bytes before `head` it looks at are copied
 * into `piece`, unchecked. */
/* Is `s` the VM that has the input focus? */
static bool is_focused(const struct console_src *s)
{
    return focus >= 0 && s == &vms[focus].con;
}

static unsigned ready_bytes(struct console_src *s, unsigned head, uint64_t now, bool all)
{
    struct console_ring *r = &s->out;
    unsigned n = head - r->tail;

    if (n > r->size)                      /* overtaken: next_piece finds out */
        n = r->size;
    unsigned limit = n < CONSOLE_LINE_MAX ? n : CONSOLE_LINE_MAX;
    for (unsigned i = 0; i < limit; i++)
        if ((piece[i] = r->buf[(r->tail + i) & (r->size - 1)]) == '\n')
            return i + 1;
    if (n >= CONSOLE_LINE_MAX)
        return CONSOLE_LINE_MAX;
    if (n == 0 || (!all && !is_focused(s))) {
        s->flush_at = 0;
        return 0;
    }
    if (!s->flush_at && !all) {
        s->flush_at = now + htimer_us_to_ticks(CONSOLE_FLUSH_US);
        htimer_set(HTIMER_CONSOLE, s->flush_at);
        __atomic_store_n(&flush_armed, true, __ATOMIC_RELAXED);
    }
    if (now < s->flush_at && !all)
        return 0;
    s->flush_at = 0;
    return n;
}

/* The next piece of `s` to send (ready_bytes), in `piece` and intact.  What
 * the writer overwrote before the drainer sent it is lost, and with it the
 * rest of its line, counted in `s->lost`. */
static unsigned next_piece(struct console_src *s, uint64_t now, bool all)
{
    struct console_ring *r = &s->out;
    for (;;) {
        /* Pairs with ring_put's release of the head: the bytes before it are
         * there. */
        unsigned head = __atomic_load_n(&r->head, __ATOMIC_ACQUIRE);
        unsigned n = ready_bytes(s, head, now, all), tail = r->tail;
        if (!n)
            return 0;
        /* The copy, then the head again (DMB ISHLD): pairs with ring_put's
         * fence between a head's store and the next byte's.  A byte the copy
         * saw overwritten by byte i + size was stored after the head became
         * i + size, so that or more is seen now; byte `head` may be in
         * flight, over byte head - size. */
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        unsigned first = __atomic_load_n(&r->head, __ATOMIC_RELAXED) + 1 - r->size;
        if ((int)(first - tail) > 0) {
            s->lost += first - tail;      /* overtaken: the oldest unsent bytes are gone */
            s->resync = true;
            tail = first;
        } else if (s->resync) {
            s->lost += n;                 /* the rest of a line whose start is lost */
            s->resync = piece[n - 1] != '\n';
            tail += n;
        } else {
            return n;
        }
        __atomic_store_n(&r->tail, tail, __ATOMIC_RELEASE);
    }
}

static void say_lost(struct console_src *s)
{
    drainer_say("console: %u bytes of %s's output lost: written faster than the UART sends\n",
                s->lost, s->name);
    s->lost = 0;
}

/* `n` bytes of `s`, in `piece`, of which only the last may be a newline: the
 * first and the last through emit(), for the line's state, the rest copied. */
static void send_bytes(struct console_src *s, unsigned n)
{
    struct console_ring *r = &s->out;
    emit(s, piece[0]);
    if (n > 1) {
        for (unsigned i = 1; i < n - 1; i++)
            tx[tx_head++ % TX_BYTES] = piece[i];
        emit(s, piece[n - 1]);
    }
    __atomic_store_n(&r->tail, r->tail + n, __ATOMIC_RELEASE);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);   /* then look at the head again */
}

/* A source whose loss is not said yet though no line of it follows now. */
static struct console_src *loss_unsaid(void)
{
    for (unsigned i = 0; i < 1 + nr_vms; i++)
        if (source(i)->lost && !source(i)->resync)
            return source(i);
    return NULL;
}

/* Move whole lines from the rings into the UART while it has room.  The
 * line left unfinished on the terminal goes on first.  `wait`: everything,
 * partial lines too, waiting for the UART (boot, power-off, panic). */
static unsigned drain_budget = ~0u;       /* a panic's: what waited, no more */

static void drain_locked(bool wait)
{
    static unsigned next_src;
    uint64_t now = arch_counter();
    unsigned nr = 1 + nr_vms;

    for (;;) {
        tx_push(wait);
        if (TX_BYTES - (tx_head - tx_tail) < TX_LINE_ROOM)
            break;                        /* the UART is full: its interrupt brings us back */
        struct console_src *s = NULL;
        unsigned n = 0;
        if (mid_line)
            n = next_piece(s = mid_line, now, wait);
        for (unsigned k = 0; !n && k < nr; k++) {
            unsigned i = (next_src + k) % nr;
            s = source(i);
            n = next_piece(s, now, wait);
            if (n)
                next_src = i + 1;
        }
        if (!n && (s = loss_unsaid())) {
            say_lost(s);                  /* a step of its own */
            continue;
        }
        if (!n || n > drain_budget)
            break;
        if (drain_budget != ~0u)
            drain_budget -= n;
        if (s->lost)
            say_lost(s);                  /* where the gap is: before the line after it */
        send_bytes(s, n);
    }
    if (async)
        uart_tx_irq(tx_head != tx_tail);
}

void console_drain(void)
{
    __atomic_store_n(&kick_pending, 0, __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);   /* then look at the rings' heads */
    spin_lock(&console_lock);
    drain_locked(!async);
    spin_unlock(&console_lock);
}

/* A ring has something for the drainer. */
static void kick(void)
{
    if (!async) {
        console_drain();
        return;
    }
    __atomic_thread_fence(__ATOMIC_SEQ_CST);   /* the ring's head before the flag */
    if (!__atomic_exchange_n(&kick_pending, 1, __ATOMIC_RELAXED))
        gic_send_sgi(SGI_CONSOLE, drain_cpu);
}

void console_flush(void)
{
    spin_lock(&console_lock);
    drain_locked(true);
    spin_unlock(&console_lock);
}

void console_start_async(unsigned cpu)
{
    drain_cpu = cpu;
    spin_lock(&console_lock);
    drain_locked(true);
    async = true;
    spin_unlock(&console_lock);
}

void console_uart_irq(void)
{
    console_rx();
    if (__atomic_load_n(&tx_head, __ATOMIC_RELAXED) != __atomic_load_n(&tx_tail, __ATOMIC_RELAXED))
        console_drain();
}

void console_flush_timeout(void)
{
    /* Writers kick again (then the fence: a byte written meanwhile is seen). */
    __atomic_store_n(&flush_armed, false, __ATOMIC_RELAXED);
    console_drain();
}

/* ---- writers ------------------------------------------------------------- */

/* One byte into `r`, over its oldest if it is full.  The fence after the
 * head's store (DMB ISH) orders it before the next byte's store, for the
 * readers' check of their copy (next_piece, console_print_log: their
 * DMB ISHLD); for console_vm_putc, it also orders the head before its look
 * at the tail and the focus. */
static inline void ring_put(struct console_ring *r, char c)
{
    unsigned head = r->head;
    r->buf[head & (r->size - 1)] = c;
    __atomic_store_n(&r->head, head + 1, __ATOMIC_RELEASE);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

void console_vm_putc(struct vm *vm, char c)
{
    struct console_ring *r = &vm->con.out;
    unsigned head = r->head;
    ring_put(r, c);
    /* The byte (ring_put's fence) before the tail and the focus: the drainer
     * may have emptied the ring meanwhile, and found it empty before this
     * byte (it stores the tail, fences, then reads the head), or the focus
     * may have just come here. */
    unsigned waiting = head + 1 - __atomic_load_n(&r->tail, __ATOMIC_RELAXED);
    /* The drainer wants a whole line, CONSOLE_LINE_MAX of a longer one, or
     * a focused VM's first partial byte. */
    if (c == '\n' || waiting == CONSOLE_LINE_MAX ||
        (waiting == 1 && __atomic_load_n(&focus, __ATOMIC_RELAXED) == (int)(vm - vms) &&
         !__atomic_load_n(&flush_armed, __ATOMIC_RELAXED)))
        kick();
}

static void hyp_out(char c, void *arg)
{
    bool *newline = arg;
    ring_put(&hyp_src.out, c);
    *newline |= c == '\n';
}

void printf(const char *fmt, ...)
{
    va_list ap;
    bool newline = false;
    va_start(ap, fmt);
    spin_lock(&hyp_lock);
    vformat(hyp_out, &newline, fmt, ap);
    spin_unlock(&hyp_lock);
    va_end(ap);
    if (newline)
        kick();
}

static void panic_out(char c, void *arg)
{
    UNUSED(arg);
    if (c == '\n')
        uart_putc('\r');
    uart_putc(c);
}

/* A panic: what waits goes out first if the drainer is free, then the
 * message, straight to the UART. */
void printf_raw(const char *fmt, ...)
{
    va_list ap;
    async = false;
    if (spin_trylock(&console_lock)) {
        /* VMs may go on writing: what waits now, not what follows. */
        drain_budget = 0;
        for (unsigned i = 0; i < 1 + nr_vms; i++) {
            struct console_ring *r = &source(i)->out;
            unsigned waiting = __atomic_load_n(&r->head, __ATOMIC_ACQUIRE) - r->tail;
            drain_budget += waiting < r->size ? waiting : r->size;
        }
        drain_locked(true);
        drain_budget = ~0u;
        spin_unlock(&console_lock);
    }
    va_start(ap, fmt);
    vformat(panic_out, NULL, fmt, ap);
    va_end(ap);
}

/* ---- the shell's line ------------------------------------------------- */

void console_prompt(const char *prompt, const char *typed, const unsigned *len)
{
    spin_lock(&console_lock);
    drain_locked(!async);
    if (mid_line)
        break_line();
    prompt_text = prompt;
    prompt_typed = typed;
    prompt_typed_len = len;
    prompt_redraw();
    drain_locked(!async);
    spin_unlock(&console_lock);
}

/* Echo within the prompt line; a newline closes it.  The shell has put
 * `str` into its line already: if another source's line is open on the
 * terminal (a long one, cut), it ends, and the prompt redrawn shows the
 * shell's line with `str` in it, so only a newline is left to echo. */
void console_echo(const char *str)
{
    spin_lock(&console_lock);
    bool redrawn = mid_line && prompt_text;
    if (redrawn) {
        break_line();
        prompt_redraw();
    }
    for (const char *p = str; *p; p++) {
        if (redrawn && *p != '\n')
            continue;
        if (*p == '\n') {
            puts_raw("\r\n");
            prompt_open = prompt_broken = false;
        } else if (*p == '\b') {
            puts_raw("\b \b");
        } else {
            tx_put(*p);
        }
    }
    drain_locked(!async);
    spin_unlock(&console_lock);
}

unsigned console_mark(const struct vm *vm)
{
    return __atomic_load_n(&vm->con.out.head, __ATOMIC_ACQUIRE);
}

bool console_find_since(const struct vm *vm, unsigned mark, const char *needle, char *line, size_t size)
{
    const struct console_ring *r = &vm->con.out;
    unsigned end = console_mark(vm), n = end - mark, len = (unsigned)strlen(needle);
    if (n > r->size - 1)                  /* what the ring still holds */
        n = r->size - 1;
    for (unsigned start = end - n; start + len <= end; start++) {
        unsigned i = 0;
        while (i < len && r->buf[(start + i) & (r->size - 1)] == needle[i])
            i++;
        if (i < len)
            continue;
        for (i = 0; i + 1 < size && start + i < end; i++) {
            char c = r->buf[(start + i) & (r->size - 1)];
            if (c == '\r' || c == '\n')
                break;
            line[i] = c;
        }
        line[i] = '\0';
        return true;
    }
    return false;
}

void console_print_log(struct vm *vm)
{
    static char copy[CONSOLE_RING_BYTES + 1];     /* the shell's: one at a time */
    struct console_ring *r = &vm->con.out;
    /* Pairs with ring_put's release of the head: the bytes before it are there. */
    unsigned head = __atomic_load_n(&r->head, __ATOMIC_ACQUIRE);
    unsigned n = head < r->size ? head : r->size, start = head - n;

    for (unsigned i = 0; i < n; i++)
        copy[i] = r->buf[(start + i) & (r->size - 1)];
    copy[n] = '\0';
    /* The copy, then the head again (DMB ISHLD, as next_piece's, pairing with
     * ring_put's fence): the bytes the VM wrote meanwhile, and the one it may
     * be writing now, overwrote the copy's first bytes, which may be torn. */
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    unsigned first = __atomic_load_n(&r->head, __ATOMIC_RELAXED) + 1 - r->size, torn = 0;
    if ((int)(first - start) > 0)
        torn = first - start < n ? first - start : n;
    /* Whole lines: unless the copy starts at the VM's first byte, from after
     * its first newline (the byte before the first intact one is gone, so a
     * line starting there cannot be told whole). */
    char *p = copy + torn;
    if (start + torn)
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

void console_focus(int idx)
{
    if (idx >= (int)nr_vms)
        return;
    focus = idx;
    if (idx >= 0)
        kick();                           /* its partial line is due */
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
