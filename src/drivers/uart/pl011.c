/* SPDX-License-Identifier: MIT */
/* The physical PL011 (the console of QEMU virt and the Raspberry Pi 4B):
 * output as far as the FIFO has room (or polled, for a panic),
 * interrupt-driven input and transmit room. */
#include "core/drivers.h"
#include "arch/regs.h"
#include "arch/sysreg.h"

static uintptr_t uart;

void uart_init(uint64_t base)
{
    uart = (uintptr_t)base;
    /* QEMU's (and firmware's) set-up is kept; only mask interrupts. */
    mmio_write32(uart + UART_IMSC, 0);
    mmio_write32(uart + UART_ICR, UART_INT_ALL);
}

void uart_putc(char c)
{
    while (mmio_read32(uart + UART_FR) & UART_FR_TXFF)
        ;
    mmio_write32(uart + UART_DR, (uint8_t)c);
}

unsigned uart_tx_room(void)
{
    uint32_t fr = mmio_read32(uart + UART_FR);
    return fr & UART_FR_TXFE ? UART_TX_FIFO_MIN : fr & UART_FR_TXFF ? 0 : 1;
}

void uart_tx_bytes(const char *p, unsigned n)
{
    for (const char *e = p + n; p < e; p++)
        mmio_write32(uart + UART_DR, (uint8_t)*p);
}

int uart_getc(void)
{
    if (mmio_read32(uart + UART_FR) & UART_FR_RXFE)
        return -1;
    return (int)(mmio_read32(uart + UART_DR) & UART_DR_DATA_MASK);
}

static bool tx_irq;

void uart_enable_rx_irq(void)
{
    mmio_write32(uart + UART_IMSC, UART_INT_RX | UART_INT_RT | (tx_irq ? UART_INT_TX : 0));
}

/* One CPU at a time (the console's lock). */
void uart_tx_irq(bool on)
{
    if (on == tx_irq)
        return;
    tx_irq = on;
    uart_enable_rx_irq();
}
