/* SPDX-License-Identifier: MIT */
/* What src/core/console.c drives: the physical UART (core/drivers.h), the
 * SGI that wakes its drainer, a VM's emulated UART's input FIFO
 * (core/vpl011.h) and the hypervisor shell (core/console.h). */
#include <string.h>
#include "unit.h"
#include "fake.h"
#include "arch/regs.h"
#include "core/drivers.h"
#include "core/vpl011.h"

char fake_uart_out[FAKE_UART_OUT];
unsigned fake_uart_len;
unsigned fake_uart_room = FAKE_UART_ROOM_ANY;
unsigned fake_uart_budget = FAKE_UART_ROOM_ANY;
bool fake_uart_tx_irq_on;
void (*fake_uart_tx_hook)(unsigned n);
const char *fake_uart_in;
unsigned fake_sgi_count;
bool fake_sgi_drains;
char fake_vm_input[256];
unsigned fake_vm_input_len;
char fake_shell_line[64];
unsigned fake_shell_len;
unsigned fake_shell_prompts;
char fake_shell_input[64];
unsigned fake_shell_input_len;

void fake_console_reset(void)
{
    fake_uart_len = 0;
    fake_uart_out[0] = '\0';
    fake_uart_room = fake_uart_budget = FAKE_UART_ROOM_ANY;
    fake_uart_tx_hook = NULL;
    fake_uart_in = NULL;
    __atomic_store_n(&fake_sgi_count, 0, __ATOMIC_SEQ_CST);
    fake_sgi_drains = false;
    fake_vm_input_len = 0;
    fake_shell_len = 0;
    fake_shell_prompts = 0;
    fake_shell_input_len = 0;
}

static void out(char c)
{
    assert_true(fake_uart_len + 1 < FAKE_UART_OUT);
    fake_uart_out[fake_uart_len++] = c;
    fake_uart_out[fake_uart_len] = '\0';
}

void uart_putc(char c)
{
    out(c);
}

unsigned uart_tx_room(void)
{
    return fake_uart_room < fake_uart_budget ? fake_uart_room : fake_uart_budget;
}

void uart_tx_bytes(const char *p, unsigned n)
{
    assert_true(n <= uart_tx_room());       /* only into the room said */
    if (fake_uart_budget != FAKE_UART_ROOM_ANY)
        fake_uart_budget -= n;
    for (unsigned i = 0; i < n; i++)
        out(p[i]);
    if (fake_uart_tx_hook)
        fake_uart_tx_hook(n);
}

void uart_tx_irq(bool on)
{
    fake_uart_tx_irq_on = on;
}

int uart_getc(void)
{
    if (!fake_uart_in || !*fake_uart_in)
        return -1;
    return (unsigned char)*fake_uart_in++;
}

void gic_send_sgi(unsigned sgi, unsigned target_cpu)
{
    assert_int_equal(sgi, SGI_CONSOLE);
    (void)target_cpu;
    __atomic_add_fetch(&fake_sgi_count, 1, __ATOMIC_SEQ_CST);
    if (fake_sgi_drains)
        console_drain();
}

bool vpl011_push_input(struct vpl011 *u, char c)
{
    (void)u;
    if (fake_vm_input_len >= sizeof(fake_vm_input))
        return false;
    fake_vm_input[fake_vm_input_len++] = c;
    return true;
}

void shell_input(char c)
{
    if (fake_shell_input_len < sizeof(fake_shell_input))
        fake_shell_input[fake_shell_input_len++] = c;
}

void shell_prompt(void)
{
    fake_shell_prompts++;
    console_prompt("tofu> ", fake_shell_line, &fake_shell_len);
}
