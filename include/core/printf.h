/* SPDX-License-Identifier: MIT */
#ifndef CORE_PRINTF_H
#define CORE_PRINTF_H
#include <stdarg.h>
#include "core/types.h"

/* Formats %d %i %u %x %X %p %s %c %% with flags '-', '0', width, and the
 * length modifiers l, ll, z.  Output goes through `out(ch, arg)`. */
typedef void (*fmt_out_fn)(char ch, void *arg);
int vformat(fmt_out_fn out, void *arg, const char *fmt, va_list ap);
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Hypervisor console, serialised; every line starts with "[tofu] ". */
void printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Without the console lock: only for panic and EL2 fault dumps, which may
 * have interrupted a holder of the lock. */
void printf_raw(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
