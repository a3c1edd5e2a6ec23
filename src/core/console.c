/* SPDX-License-Identifier: MIT */
/*
 * The physical console, shared by the hypervisor and every VM.  Lines of
 * the hypervisor's own start with "[tofu] "; a VM's output passes through as
 * it wrote it.  Input goes to the first VM.
 */
#include "core/console.h"
#include "core/drivers.h"
#include "core/printf.h"
#include "core/spinlock.h"
#include "core/vm.h"

static spinlock_t console_lock = SPINLOCK_INIT;
static bool hyp_line_start = true;
static const char hyp_prefix[] = "[tofu] ";

static void hyp_out(char c, void *arg)
{
    UNUSED(arg);
    if (hyp_line_start)
        for (const char *p = hyp_prefix; *p; p++)
            uart_putc(*p);
    if (c == '\n')
        uart_putc('\r');
    uart_putc(c);
    hyp_line_start = (c == '\n');
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
    UNUSED(vm);
    spin_lock(&console_lock);
    uart_putc(c);
    spin_unlock(&console_lock);
}

void console_rx(void)
{
    int c;
    while ((c = uart_getc()) >= 0)
        if (nr_vms)
            vpl011_push_input(&vms[0].uart, (char)c);
}
