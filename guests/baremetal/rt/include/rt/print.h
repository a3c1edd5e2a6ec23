/* SPDX-License-Identifier: MIT */
/*
 * Small printf to the console.  Conversions: %d %i %u %x %X %p %s %c %%;
 * flags '-' and '0'; a decimal width; length modifiers l, ll, z.
 */
#ifndef RT_PRINT_H
#define RT_PRINT_H

#include <stdarg.h>
#include <stddef.h>

void rt_vprintf(const char *fmt, va_list ap);
void rt_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Returns the length the whole output needs, like snprintf. */
int rt_snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif /* RT_PRINT_H */
