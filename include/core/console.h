/* SPDX-License-Identifier: MIT */
#ifndef CORE_CONSOLE_H
#define CORE_CONSOLE_H
#include "core/types.h"

struct vm;
/* A character a VM wrote to its UART. */
void console_vm_putc(struct vm *vm, char c);
/* Drain the physical UART's input into the VM that has the console. */
void console_rx(void);

#endif
