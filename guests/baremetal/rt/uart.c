/* SPDX-License-Identifier: MIT */
/*
 * PL011 console.  Touches only DR, FR and (once, if needed) CR, so that a
 * hypervisor emulating a minimal PL011 is enough.
 */
#include "rt/uart.h"

#include <stdbool.h>

#include "rt/arch.h"
#include "rt/hw.h"

static uintptr_t uart_base = VIRT_UART_BASE;

void uart_init(uintptr_t base)
{
	const uint32_t need = PL011_CR_UARTEN | PL011_CR_TXE | PL011_CR_RXE;
	uint32_t cr;

	uart_base = base;
	/* Firmware normally leaves it enabled; QEMU resets CR to TXE|RXE only. */
	cr = mmio_read32(uart_base + PL011_CR);
	if ((cr & need) != need)
		mmio_write32(uart_base + PL011_CR, cr | need);
}

static void uart_put_raw(char c)
{
	while (mmio_read32(uart_base + PL011_FR) & PL011_FR_TXFF)
		;
	mmio_write32(uart_base + PL011_DR, (uint8_t)c);
}

void uart_putc(char c)
{
	if (c == '\n')
		uart_put_raw('\r');
	uart_put_raw(c);
}

void uart_flush(void)
{
	while (mmio_read32(uart_base + PL011_FR) & PL011_FR_BUSY)
		;
}
