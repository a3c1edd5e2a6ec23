/* SPDX-License-Identifier: MIT */
/* PL011 console, polled transmit only. */
#ifndef RT_UART_H
#define RT_UART_H

#include <stdint.h>

void uart_init(uintptr_t base);
void uart_putc(char c);
void uart_flush(void);

#endif /* RT_UART_H */
