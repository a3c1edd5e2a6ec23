/* SPDX-License-Identifier: MIT */
/* The physical PL011: polled output, interrupt-driven input. */
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

int uart_getc(void)
{
    if (mmio_read32(uart + UART_FR) & UART_FR_RXFE)
        return -1;
    return (int)(mmio_read32(uart + UART_DR) & UART_DR_DATA_MASK);
}

void uart_enable_rx_irq(void)
{
    mmio_write32(uart + UART_IMSC, UART_INT_RX | UART_INT_RT);
}
