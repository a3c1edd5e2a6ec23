/* SPDX-License-Identifier: MIT */
#include "rt/print.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rt/uart.h"

/* Where formatted characters go: the UART, or a buffer (rt_snprintf). */
struct sink {
	char *buf;         /* NULL: the UART */
	size_t size, len;  /* len counts every character, stored or not */
};

static void sink_put(struct sink *sk, char c)
{
	if (!sk->buf)
		uart_putc(c);
	else if (sk->len + 1 < sk->size)
		sk->buf[sk->len] = c;
	sk->len++;
}

struct print_spec {
	bool left;       /* '-' */
	bool zero_pad;   /* '0' */
	unsigned width;
};

static void print_padded(struct sink *sk, const struct print_spec *spec, const char *s, unsigned len,
			 bool negative)
{
	unsigned total = len + (negative ? 1u : 0u);
	unsigned pad = spec->width > total ? spec->width - total : 0;
	char fill = (spec->zero_pad && !spec->left) ? '0' : ' ';

	if (negative && fill == '0')
		sink_put(sk, '-');
	if (!spec->left)
		for (; pad; pad--)
			sink_put(sk, fill);
	if (negative && fill != '0')
		sink_put(sk, '-');
	while (len--)
		sink_put(sk, *s++);
	for (; pad; pad--)
		sink_put(sk, ' ');
}

static void print_unsigned(struct sink *sk, const struct print_spec *spec, uint64_t v, unsigned base,
			   bool upper, bool negative)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char buf[24];
	unsigned i = sizeof(buf);

	do {
		buf[--i] = digits[v % base];
		v /= base;
	} while (v);
	print_padded(sk, spec, &buf[i], (unsigned)sizeof(buf) - i, negative);
}

static unsigned print_strlen(const char *s)
{
	unsigned n = 0;

	while (s[n])
		n++;
	return n;
}

static void vformat(struct sink *sk, const char *fmt, va_list ap)
{
	for (; *fmt; fmt++) {
		struct print_spec spec = { 0 };
		unsigned longs = 0;

		if (*fmt != '%') {
			sink_put(sk, *fmt);
			continue;
		}
		for (fmt++;; fmt++) {
			if (*fmt == '-')
				spec.left = true;
			else if (*fmt == '0')
				spec.zero_pad = true;
			else
				break;
		}
		for (; *fmt >= '0' && *fmt <= '9'; fmt++)
			spec.width = spec.width * 10 + (unsigned)(*fmt - '0');
		for (; *fmt == 'l' || *fmt == 'z'; fmt++)
			longs++;

		switch (*fmt) {
		case 'd':
		case 'i': {
			int64_t v = longs ? va_arg(ap, int64_t) : va_arg(ap, int);
			uint64_t mag = v < 0 ? -(uint64_t)v : (uint64_t)v;

			print_unsigned(sk, &spec, mag, 10, false, v < 0);
			break;
		}
		case 'u':
		case 'x':
		case 'X': {
			uint64_t v = longs ? va_arg(ap, uint64_t) : va_arg(ap, unsigned int);

			print_unsigned(sk, &spec, v, *fmt == 'u' ? 10 : 16, *fmt == 'X', false);
			break;
		}
		case 'p': {
			struct print_spec p = { .zero_pad = true, .width = 16 };

			sink_put(sk, '0');
			sink_put(sk, 'x');
			print_unsigned(sk, &p, (uintptr_t)va_arg(ap, void *), 16, false, false);
			break;
		}
		case 's': {
			const char *s = va_arg(ap, const char *);

			if (!s)
				s = "(null)";
			spec.zero_pad = false;
			print_padded(sk, &spec, s, print_strlen(s), false);
			break;
		}
		case 'c': {
			char c = (char)va_arg(ap, int);

			spec.zero_pad = false;
			print_padded(sk, &spec, &c, 1, false);
			break;
		}
		case '%':
			sink_put(sk, '%');
			break;
		case '\0':
			return;
		default:
			sink_put(sk, '%');
			sink_put(sk, *fmt);
			break;
		}
	}
}

void rt_vprintf(const char *fmt, va_list ap)
{
	struct sink sk = { NULL, 0, 0 };

	vformat(&sk, fmt, ap);
}

int rt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	struct sink sk = { buf, size, 0 };
	va_list ap;

	va_start(ap, fmt);
	vformat(&sk, fmt, ap);
	va_end(ap);
	if (size)
		buf[sk.len < size ? sk.len : size - 1] = '\0';
	return (int)sk.len;
}

void rt_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	rt_vprintf(fmt, ap);
	va_end(ap);
}
