/* SPDX-License-Identifier: MIT */
/* The physical Cadence UART (Zynq UltraScale+, the zcu102's console): the
 * interface of core/drivers.h, as src/drivers/uart/pl011.c gives it.  Its
 * interrupt status bits stay set until written back (UG1085), so each is
 * cleared where the console has consumed its cause: the receive bits when
 * the receive FIFO is found empty, the transmit-empty bit when bytes go in. */
#include "core/drivers.h"
#include "arch/regs.h"
#include "arch/sysreg.h"

static uintptr_t uart;
static bool tx_irq;

#define RX_INTS (CDNS_UART_INT_RTRIG | CDNS_UART_INT_TIMEOUT)

void uart_init(uint64_t base)
{
    uart = (uintptr_t)base;
    /* Firmware's line settings are kept; both directions on (QEMU's reset
     * leaves them off), every interrupt masked and cleared. */
    mmio_write32(uart + CDNS_UART_IDR, CDNS_UART_INT_ALL);
    mmio_write32(uart + CDNS_UART_ISR, CDNS_UART_INT_ALL);
    mmio_write32(uart + CDNS_UART_RXWM, CDNS_UART_RX_TRIGGER);
    mmio_write32(uart + CDNS_UART_RXTOUT, CDNS_UART_RX_TIMEOUT);
    mmio_write32(uart + CDNS_UART_CR, CDNS_UART_CR_TXEN | CDNS_UART_CR_RXEN);
}

void uart_putc(char c)
{
    while (mmio_read32(uart + CDNS_UART_SR) & CDNS_UART_SR_TFUL)
        ;
    mmio_write32(uart + CDNS_UART_FIFO, (uint8_t)c);
}

unsigned uart_tx_room(void)
{
    uint32_t sr = mmio_read32(uart + CDNS_UART_SR);
    return sr & CDNS_UART_SR_TEMPTY ? CDNS_UART_FIFO_SIZE : sr & CDNS_UART_SR_TFUL ? 0 : 1;
}

void uart_tx_bytes(const char *p, unsigned n)
{
    for (const char *e = p + n; p < e; p++)
        mmio_write32(uart + CDNS_UART_FIFO, (uint8_t)*p);
    /* The FIFO is not empty now: the next empty sets the bit again. */
    mmio_write32(uart + CDNS_UART_ISR, CDNS_UART_INT_TEMPTY);
}

int uart_getc(void)
{
    if (mmio_read32(uart + CDNS_UART_SR) & CDNS_UART_SR_REMPTY) {
        /* Drained: clear the receive bits, then look again, so that a byte
         * that came between the two is read now rather than left without
         * an interrupt. */
        mmio_write32(uart + CDNS_UART_ISR, RX_INTS);
        if (mmio_read32(uart + CDNS_UART_SR) & CDNS_UART_SR_REMPTY)
            return -1;
    }
    return (int)(mmio_read32(uart + CDNS_UART_FIFO) & CDNS_UART_DATA_MASK);
}

void uart_enable_rx_irq(void)
{
    uint32_t on = RX_INTS | (tx_irq ? CDNS_UART_INT_TEMPTY : 0);
    mmio_write32(uart + CDNS_UART_IDR, CDNS_UART_INT_ALL & ~on);
    mmio_write32(uart + CDNS_UART_IER, on);
}

/* One CPU at a time (the console's lock). */
void uart_tx_irq(bool on)
{
    if (on == tx_irq)
        return;
    tx_irq = on;
    uart_enable_rx_irq();
}
