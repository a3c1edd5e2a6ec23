/* SPDX-License-Identifier: MIT */
/*
 * src/core/console.c, the console's output path, against a fake UART (room
 * per call, captured output), a fake SGI (counted; the test runs the drainer
 * as the console CPU would) and a fake counter and flush timer: lines of
 * different sources never mix, a VM never waits for the UART, lost output is
 * said once with its count, the transmit interrupt follows what waits, the
 * focused VM's partial line goes out after its deadline, one SGI per batch,
 * long lines are cut, the hypervisor's "\n" is "\r\n", the shell's prompt
 * comes back after a line that broke it.
 */
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "unit.h"
#include "fake.h"
#include "core/console.h"
#include "core/printf.h"
#include "core/htimer.h"
#include "core/vm.h"

struct vm vms[MAX_VMS];
unsigned nr_vms;
static struct vm_config cfgs[3];
static struct vm *const alpha = &vms[0], *const beta = &vms[1];
static unsigned sgis_done;

/* The console CPU takes the SGIs sent so far. */
static void run_sgis(void)
{
    while (sgis_done != fake_sgi_count) {
        sgis_done = fake_sgi_count;
        console_drain();
    }
}

static void vm_puts(struct vm *vm, const char *s)
{
    while (*s)
        console_vm_putc(vm, *s++);
}

static void vm_putn(struct vm *vm, char c, unsigned n)
{
    while (n--)
        console_vm_putc(vm, c);
}

static unsigned count(const char *hay, const char *needle)
{
    unsigned n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p++)
        n++;
    return n;
}

static void out_clear(void)
{
    fake_uart_len = 0;
    fake_uart_out[0] = '\0';
}

/* Every test starts with everything out, whole lines, VM 3 ("gamma", which
 * writes nothing) focused, the UART taking all and the SGIs held. */
static int setup(void **state)
{
    static bool inited;
    (void)state;
    if (!inited) {
        static const char *const names[] = { "alpha", "beta", "gamma" };
        for (unsigned i = 0; i < 3; i++) {
            strcpy(cfgs[i].name, names[i]);
            vms[i].cfg = &cfgs[i];
            console_src_init(&vms[i].con, cfgs[i].name, i + 1);
        }
        nr_vms = 3;
        console_init(false);
        inited = true;
    }
    fake_console_reset();
    fake_timer_reset();
    fake_counter = 1000;
    fake_sgi_drains = true;
    console_start_async(0);              /* what the last test left, out */
    console_focus(2);
    printf("\n");                        /* any open line closed */
    for (unsigned i = 0; i < 3; i++)
        console_src_init(&vms[i].con, cfgs[i].name, i + 1);
    fake_console_reset();
    sgis_done = 0;
    return 0;
}

/* Two VMs' bytes interleave one by one: each line on the terminal is one
 * VM's, whole, with its name. */
static void test_lines_never_mix(void **state)
{
    (void)state;
    const char *a = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n";
    const char *b = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\n";
    for (unsigned round = 0; round < 3; round++)
        for (unsigned i = 0; i < strlen(a); i++) {   /* the longer */
            if (i < strlen(a))
                console_vm_putc(alpha, a[i]);
            if (i < strlen(b))
                console_vm_putc(beta, b[i]);
            run_sgis();
        }
    unsigned na = 0, nb = 0;
    for (char *p = fake_uart_out, *e; *p; p = e + 1) {
        e = strchr(p, '\n');
        assert_non_null(e);
        *e = '\0';
        if (!strncmp(p, "[alpha] ", 8)) {
            assert_int_equal(strspn(p + 8, "a"), 40);
            assert_int_equal(strlen(p + 8), 40);
            na++;
        } else {
            assert_string_equal(p, "[beta] bbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
            nb++;
        }
        *e = '\n';
    }
    assert_int_equal(na, 3);
    assert_int_equal(nb, 3);
}

/* The lines "<prefix>line NNNNN abcdefgh<end>" on the terminal: all whole,
 * in order (each the one after the last, if `next`); how many, and the last
 * number. */
static unsigned lines_whole(const char *prefix, const char *end, bool next, unsigned *last)
{
    unsigned n = 0, prev = 0, at = (unsigned)strlen(prefix);
    for (const char *p = fake_uart_out; (p = strstr(p, prefix)); p++, n++) {
        char *e;
        assert_memory_equal(p + at, "line ", 5);
        unsigned k = (unsigned)strtoul(p + at + 5, &e, 10);
        assert_int_equal(e - p, at + 10);
        assert_memory_equal(e, " abcdefgh", 9);
        assert_memory_equal(e + 9, end, strlen(end));
        assert_true(n == 0 || (next ? k == prev + 1 : k > prev));
        prev = k;
    }
    *last = prev;
    return n;
}

static unsigned alpha_lines_whole(unsigned *last)
{
    return lines_whole("[alpha] ", "\n", false, last);
}

/* The tests below put a VM's ring on a page of their own that faults (its
 * `prot` taken away), to run what the fault handler does in the middle of
 * a reader or writer of the ring. */
static char *fault_ring;
static struct sigaction fault_old;

static void fault_ring_arm(void (*handler)(int, siginfo_t *, void *), int prot)
{
    struct sigaction sa = { .sa_sigaction = handler, .sa_flags = SA_SIGINFO };
    assert_int_equal(sigaction(SIGSEGV, &sa, &fault_old), 0);
    assert_int_equal(mprotect(fault_ring, CONSOLE_RING_BYTES, prot), 0);
}

/* The handler's first step: the ring is open again. */
static void fault_ring_open(void)
{
    assert_int_equal(mprotect(fault_ring, CONSOLE_RING_BYTES, PROT_READ | PROT_WRITE), 0);
    assert_int_equal(sigaction(SIGSEGV, &fault_old, NULL), 0);
}

static void fault_ring_use(void)
{
    fault_ring = mmap(NULL, CONSOLE_RING_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    assert_true(fault_ring != MAP_FAILED);
    alpha->con.out.buf = fault_ring;
}

static void fault_ring_done(void)
{
    alpha->con.out.buf = alpha->con.out_buf;
    munmap(fault_ring, CONSOLE_RING_BYTES);
}

/* 100,000 bytes into a UART that takes nothing: every write returns, the
 * transmit interrupt is on, the log has the last lines, and when the UART
 * comes back the loss is said once, with what was lost: the oldest bytes
 * not sent. */
static void test_flood_never_blocks(void **state)
{
    (void)state;
    char line[32];
    fake_uart_room = 0;
    for (unsigned i = 0; i < 5000; i++) {
        snprintf(line, sizeof(line), "line %05u abcdefgh\n", i);   /* 20 bytes */
        vm_puts(alpha, line);
        run_sgis();
    }
    assert_int_equal(fake_uart_len, 0);
    assert_true(fake_uart_tx_irq_on);
    console_print_log(alpha);
    run_sgis();
    assert_int_equal(fake_uart_len, 0);

    fake_uart_room = FAKE_UART_ROOM_ANY;
    console_uart_irq();                             /* room again */
    assert_false(fake_uart_tx_irq_on);
    assert_int_equal(count(fake_uart_out, "output lost"), 1);
    /* What was not lost went out, line by line, the newest last. */
    unsigned last, sent = alpha_lines_whole(&last);
    assert_int_equal(last, 4999);
    char said[96];
    snprintf(said, sizeof(said), "[tofu] console: %u bytes of alpha's output lost:", 100000 - 20 * sent);
    assert_non_null(strstr(fake_uart_out, said));
    /* The log: the last whole lines within CONSOLE_RING_BYTES. */
    unsigned first = 5000 - (CONSOLE_RING_BYTES - 1) / 20;
    snprintf(line, sizeof(line), "| line %05u abcdefgh\r\n", first);
    assert_non_null(strstr(fake_uart_out, line));
    snprintf(line, sizeof(line), "| line %05u abcdefgh\r\n", first - 1);
    assert_null(strstr(fake_uart_out, line));
    assert_non_null(strstr(fake_uart_out, "| line 04999 abcdefgh\r\n"));
    assert_int_equal(count(fake_uart_out, "| line "), 5000 - first);
}

/* The log is "the last CONSOLE_RING_BYTES it wrote" (console.h): after a
 * flood into a stuck UART, the VM's last line should be in it. */
static void test_log_has_newest_after_loss(void **state)
{
    (void)state;
    char line[32];
    fake_uart_room = 0;
    for (unsigned i = 0; i < 5000; i++) {
        snprintf(line, sizeof(line), "line %05u abcdefgh\n", i);
        vm_puts(alpha, line);
        run_sgis();
    }
    console_print_log(alpha);
    fake_uart_room = FAKE_UART_ROOM_ANY;
    console_uart_irq();
    assert_non_null(strstr(fake_uart_out, "| line 04999 abcdefgh\r\n"));
}

/* The writer overtakes the drainer while it copies a line out of the ring
 * (the drainer's first read of the ring faults, and the VM writes 10,000
 * bytes meanwhile, as a VM on another CPU may while the console CPU stalls):
 * what the drainer copied is not sent, torn; the bytes overwritten and the
 * rest of their line are said lost, once, and the newest lines go out. */
static unsigned overtaker_from;

static void overtake_on_fault(int sig, siginfo_t *si, void *uc)
{
    (void)sig; (void)si; (void)uc;
    char line[32];
    fault_ring_open();
    for (unsigned i = overtaker_from; i < overtaker_from + 500; i++) {
        snprintf(line, sizeof(line), "line %05u abcdefgh\n", i);
        vm_puts(alpha, line);
    }
}

static void test_overtaken_mid_copy(void **state)
{
    (void)state;
    char line[32];
    fault_ring_use();
    for (unsigned i = 0; i < 10; i++) {
        snprintf(line, sizeof(line), "line %05u abcdefgh\n", i);
        vm_puts(alpha, line);
    }
    overtaker_from = 10;
    fault_ring_arm(overtake_on_fault, PROT_NONE);
    run_sgis();                                     /* its first read faults */
    unsigned last, sent = alpha_lines_whole(&last);
    assert_int_equal(last, 509);
    assert_int_equal(count(fake_uart_out, "output lost"), 1);
    char said[96];
    snprintf(said, sizeof(said), "[tofu] console: %u bytes of alpha's output lost:", 10200 - 20 * sent);
    assert_non_null(strstr(fake_uart_out, said));
    fault_ring_done();
}

/* The shell's log of a VM that writes while it is copied (the log's first
 * read of the ring faults, and the VM writes three lines meanwhile): the
 * bytes overwritten under the copy are not shown, torn, in the middle of
 * the log; what is shown is whole lines, in order, up to the last. */
static void log_write_on_fault(int sig, siginfo_t *si, void *uc)
{
    (void)sig; (void)si; (void)uc;
    fault_ring_open();
    vm_puts(alpha, "line 05000 abcdefgh\nline 05001 abcdefgh\nline 05002 abcdefgh\n");
}

static void test_log_while_written(void **state)
{
    (void)state;
    char line[32];
    fault_ring_use();
    fake_sgi_drains = true;
    for (unsigned i = 0; i < 5000; i++) {
        snprintf(line, sizeof(line), "line %05u abcdefgh\n", i);
        vm_puts(alpha, line);
    }
    out_clear();
    fault_ring_arm(log_write_on_fault, PROT_NONE);
    console_print_log(alpha);
    unsigned last, n = lines_whole("[tofu] | ", "\r\n", true, &last);
    assert_int_equal(last, 4999);
    assert_in_range(n, (CONSOLE_RING_BYTES - 60) / 20 - 2, (CONSOLE_RING_BYTES - 60) / 20);
    fault_ring_done();
}

/* The transmit interrupt is on while bytes wait for room, off when none do. */
static void test_tx_irq(void **state)
{
    (void)state;
    fake_uart_room = 4;
    fake_uart_budget = 10;
    vm_puts(beta, "hello world\n");
    run_sgis();
    assert_int_equal(fake_uart_len, 10);
    assert_true(fake_uart_tx_irq_on);
    fake_uart_budget = FAKE_UART_ROOM_ANY;
    console_uart_irq();
    assert_string_equal(fake_uart_out, "[beta] hello world\n");
    assert_false(fake_uart_tx_irq_on);
}

/* The focused VM's partial line goes out CONSOLE_FLUSH_US after the drainer
 * saw it, not before; an unfocused VM's waits for its newline. */
static void test_focused_partial_line(void **state)
{
    (void)state;
    console_focus(0);
    run_sgis();
    out_clear();
    unsigned sgis = fake_sgi_count;
    vm_puts(alpha, "login: ");
    assert_int_equal(fake_sgi_count, sgis + 1);
    run_sgis();
    assert_int_equal(fake_uart_len, 0);
    uint64_t due = fake_htimer_deadline[HTIMER_CONSOLE];
    assert_int_equal(due, 1000 + CONSOLE_FLUSH_US);
    fake_counter = due - 1;
    console_flush_timeout();
    assert_int_equal(fake_uart_len, 0);
    fake_counter = due;
    console_flush_timeout();
    assert_string_equal(fake_uart_out, "[alpha] login: ");

    vm_puts(beta, "part");
    run_sgis();
    fake_counter += 10 * CONSOLE_FLUSH_US;
    console_flush_timeout();
    assert_string_equal(fake_uart_out, "[alpha] login: ");
    vm_puts(beta, "\n");
    run_sgis();
    assert_string_equal(fake_uart_out, "[alpha] login: \r\n[beta] part\n");
    vm_puts(alpha, "root\n");
    run_sgis();
    assert_string_equal(fake_uart_out, "[alpha] login: \r\n[beta] part\n[alpha] root\n");
}

/* Writers send one SGI until the drainer has run, not one per byte or line. */
static void test_one_sgi_per_batch(void **state)
{
    (void)state;
    for (unsigned i = 0; i < 10; i++)
        vm_puts(beta, "x\n");
    printf("hyp line\n");
    assert_int_equal(fake_sgi_count, 1);
    run_sgis();
    assert_int_equal(count(fake_uart_out, "[beta] x\n"), 10);
    assert_int_equal(count(fake_uart_out, "[tofu] hyp line\r\n"), 1);
    for (unsigned i = 0; i < 5; i++)
        vm_puts(beta, "y\n");
    assert_int_equal(fake_sgi_count, 2);
    run_sgis();
    assert_int_equal(count(fake_uart_out, "[beta] y\n"), 5);
}

/* A line longer than CONSOLE_LINE_MAX goes out in pieces of that size; what
 * another source says in between gets its own line, and the rest follows
 * with the VM's name again. */
static void test_long_line_cut(void **state)
{
    (void)state;
    char want[600], *w = want;
    vm_putn(alpha, 'x', CONSOLE_LINE_MAX + 40);
    console_drain();
    strcpy(w, "[alpha] ");
    memset(want + 8, 'x', CONSOLE_LINE_MAX);
    assert_int_equal(fake_uart_len, 8 + CONSOLE_LINE_MAX);
    assert_memory_equal(fake_uart_out, want, 8 + CONSOLE_LINE_MAX);
    printf("between\n");
    run_sgis();
    vm_putn(alpha, 'x', 60);
    vm_puts(alpha, "\n");
    run_sgis();
    w = want + 8 + CONSOLE_LINE_MAX;
    strcpy(w, "\r\n[tofu] between\r\n[alpha] ");
    w += strlen(w);
    memset(w, 'x', 100);
    strcpy(w + 100, "\n");
    assert_string_equal(fake_uart_out, want);
}

/* The hypervisor's "\n" goes out as "\r\n"; a VM's bytes as they are. */
static void test_hyp_crlf(void **state)
{
    (void)state;
    printf("one\ntwo\n");
    vm_puts(beta, "v\n");
    run_sgis();
    assert_int_equal(count(fake_uart_out, "[tofu] one\r\n[tofu] two\r\n"), 1);
    assert_int_equal(count(fake_uart_out, "[beta] v\n"), 1);
    assert_int_equal(count(fake_uart_out, "\r\n"), 2);
}

/* The shell's prompt, broken by a VM's line, is redrawn with what is typed. */
static void test_prompt_redrawn(void **state)
{
    (void)state;
    strcpy(fake_shell_line, "ls");
    fake_shell_len = 2;
    console_focus(-1);
    run_sgis();
    assert_non_null(strstr(fake_uart_out, "[tofu] tofu> ls"));
    out_clear();
    vm_puts(beta, "hi\n");
    run_sgis();
    assert_string_equal(fake_uart_out, "\r\n[beta] hi\n[tofu] tofu> ls");
    console_echo("\n");
}

/* A key typed in the shell while an unfocused VM's long line, cut at
 * CONSOLE_LINE_MAX, is still open on the terminal: that line ends, the
 * prompt comes back with what is typed (the key in it), and the VM's line
 * goes on after it with its name again. */
static void test_echo_breaks_open_line(void **state)
{
    (void)state;
    char want[400];
    fake_shell_len = 0;
    console_focus(-1);
    run_sgis();
    out_clear();
    vm_putn(beta, 'x', CONSOLE_LINE_MAX + 10);
    run_sgis();
    assert_int_equal(fake_uart_len, 9 + CONSOLE_LINE_MAX);   /* the prompt broken, "[beta] ", the cut */
    strcpy(fake_shell_line, "l");
    fake_shell_len = 1;                             /* the shell's line, then its echo */
    console_echo("l");
    vm_puts(beta, "\n");
    run_sgis();
    strcpy(want, "\r\n[beta] ");
    memset(want + 9, 'x', CONSOLE_LINE_MAX);
    strcpy(want + 9 + CONSOLE_LINE_MAX, "\r\n[tofu] tofu> l\r\n[beta] xxxxxxxxxx\n[tofu] tofu> l");
    assert_string_equal(fake_uart_out, want);
    fake_shell_len = 0;
    console_echo("\n");
}

/* The drainer between a writer's look at its ring (ring_put's tail) and its
 * store: the VM's ring is on a page the writer faults on, and the fault
 * handler runs the drainer, as the console CPU may while the writer's CPU
 * stalls (a host preempting it).  The drainer sends "ok\n" and finds the ring
 * empty; the writer's "$" then found a stale tail, so the drainer must be
 * told again (or a focused VM's prompt waits for its next newline). */
static void drain_on_fault(int sig, siginfo_t *si, void *uc)
{
    (void)sig; (void)si; (void)uc;
    fault_ring_open();
    run_sgis();                                     /* the SGI of "ok\n" */
}

static void test_focused_prompt_after_drain(void **state)
{
    (void)state;
    console_focus(0);
    run_sgis();
    out_clear();
    fault_ring_use();
    vm_puts(alpha, "ok\n");
    fault_ring_arm(drain_on_fault, PROT_READ);
    vm_puts(alpha, "$ ");                            /* '$' faults: the drainer runs */
    assert_string_equal(fake_uart_out, "[alpha] ok\n");
    run_sgis();
    uint64_t due = fake_htimer_deadline[HTIMER_CONSOLE];
    assert_int_not_equal(due, 0);                   /* the prompt is due */
    fake_counter = due;
    console_flush_timeout();
    assert_string_equal(fake_uart_out, "[alpha] ok\n[alpha] $ ");
    vm_puts(alpha, "\n");
    run_sgis();
    fault_ring_done();
}

/* An unfocused VM writes one long line into an idle UART (a drainer that
 * runs at each SGI): it goes out CONSOLE_LINE_MAX at a time, nothing lost;
 * not kept until its ring overflows. */
static void test_long_line_no_loss(void **state)
{
    (void)state;
    fake_sgi_drains = true;
    vm_putn(beta, 'x', CONSOLE_RING_BYTES + 8);
    vm_puts(beta, "\n");
    assert_int_equal(count(fake_uart_out, "lost"), 0);
    assert_int_equal(count(fake_uart_out, "x"), CONSOLE_RING_BYTES + 8);
}

/* The drainer's step that sends a VM's line, the shell's prompt redrawn, the
 * VM's loss line and the prompt again, when the transmit buffer has just
 * the room it asks for (TX_LINE_ROOM, 384): the second prompt comes whole. */
static void test_loss_line_and_prompts_fit(void **state)
{
    (void)state;
    char line[200];
    memset(fake_shell_line, 'p', 60);
    fake_shell_len = 60;
    console_focus(-1);
    run_sgis();
    out_clear();
    fake_uart_room = 0;
    /* 3 lines each with a break and a prompt of 73: 1024 - 640 = 384 free. */
    for (unsigned k = 130; k >= 129 && k <= 130; k--) {
        memset(line, 'h', k);
        line[k] = '\0';
        printf("%s\n", line);
        if (k == 129)
            printf("%s\n", line);
    }
    run_sgis();
    memset(line, 'v', 159);
    line[159] = '\n';
    line[160] = '\0';
    for (unsigned i = 0; i < 53; i++)                /* 8480 bytes: 2 lines lost */
        vm_puts(alpha, line);
    console_drain();
    fake_uart_room = FAKE_UART_ROOM_ANY;
    console_uart_irq();
    char want[160] = "UART sends\r\n[tofu] tofu> ";
    memset(want + strlen(want), 'p', 60);
    assert_int_equal(count(fake_uart_out, "console: 320 bytes of alpha's output lost"), 1);
    if (!strstr(fake_uart_out, want))
        print_message("after the loss line: %.100s\n", strstr(fake_uart_out, "UART sends"));
    assert_non_null(strstr(fake_uart_out, want));
    fake_shell_len = 0;
    console_echo("\n");
}

/* A panic while a VM on another CPU keeps writing (here: a line more at
 * each UART write): what waited goes out, then the message, not forever. */
static unsigned spewed;

static void spew(unsigned n)
{
    (void)n;
    struct console_ring *r = &beta->con.out;
    if (spewed >= 10000 || r->head - r->tail + 100 > r->size)
        return;
    for (unsigned i = 0; i < 100; i++)
        r->buf[(r->head + i) & (r->size - 1)] = i == 99 ? '\n' : 's';
    r->head += 100;
    spewed++;
}

static void test_panic_ends(void **state)
{
    (void)state;
    vm_puts(beta, "before\n");
    spewed = 0;
    fake_uart_tx_hook = spew;
    printf_raw("PANIC here\n");
    fake_uart_tx_hook = NULL;
    assert_true(spewed < 10);
    assert_non_null(strstr(fake_uart_out, "[beta] before\n"));
    assert_non_null(strstr(fake_uart_out, "PANIC here\r\n"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_lines_never_mix, setup),
        cmocka_unit_test_setup(test_flood_never_blocks, setup),
        cmocka_unit_test_setup(test_log_has_newest_after_loss, setup),
        cmocka_unit_test_setup(test_overtaken_mid_copy, setup),
        cmocka_unit_test_setup(test_log_while_written, setup),
        cmocka_unit_test_setup(test_tx_irq, setup),
        cmocka_unit_test_setup(test_focused_partial_line, setup),
        cmocka_unit_test_setup(test_one_sgi_per_batch, setup),
        cmocka_unit_test_setup(test_long_line_cut, setup),
        cmocka_unit_test_setup(test_hyp_crlf, setup),
        cmocka_unit_test_setup(test_prompt_redrawn, setup),
        cmocka_unit_test_setup(test_echo_breaks_open_line, setup),
        cmocka_unit_test_setup(test_focused_prompt_after_drain, setup),
        cmocka_unit_test_setup(test_long_line_no_loss, setup),
        cmocka_unit_test_setup(test_loss_line_and_prompts_fit, setup),
        cmocka_unit_test_setup(test_panic_ends, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
