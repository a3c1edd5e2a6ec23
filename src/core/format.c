/* SPDX-License-Identifier: MIT */
/* printf-style formatting shared by the console and snprintf (no floating point). */
#include "core/printf.h"
#include "core/lib.h"

struct spec { bool left, zero, alt; int width; };

static int emit(fmt_out_fn out, void *arg, const struct spec *sp, const char *s, size_t len)
{
    int pad = sp->width > (int)len ? sp->width - (int)len : 0, n = 0;
    char fill = sp->zero && !sp->left ? '0' : ' ';
    if (!sp->left) for (; pad > 0; pad--, n++) out(fill, arg);
    for (size_t i = 0; i < len; i++, n++) out(s[i], arg);
    for (; pad > 0; pad--, n++) out(' ', arg);
    return n;
}

static size_t utoa(char *end, uint64_t v, unsigned base, bool upper)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    size_t n = 0;
    do { *--end = digits[v % base]; v /= base; n++; } while (v);
    return n;
}

int vformat(fmt_out_fn out, void *arg, const char *fmt, va_list ap)
{
    int n = 0;
    char buf[24];
    for (; *fmt; fmt++) {
        if (*fmt != '%') { out(*fmt, arg); n++; continue; }
        struct spec sp = { false, false, false, 0 };
        fmt++;
        for (;; fmt++) {
            if (*fmt == '-') sp.left = true;
            else if (*fmt == '0') sp.zero = true;
            else if (*fmt == '#') sp.alt = true;
            else break;
        }
        while (*fmt >= '0' && *fmt <= '9') sp.width = sp.width * 10 + (*fmt++ - '0');
        int lng = 0;
        while (*fmt == 'l' || *fmt == 'z') { lng++; fmt++; }
        char *end = buf + sizeof(buf);
        uint64_t u;
        switch (*fmt) {
        case 'd': case 'i': {
            int64_t v = lng ? va_arg(ap, int64_t) : va_arg(ap, int);
            size_t len = utoa(end, v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v, 10, false);
            if (v < 0) { *(end - len - 1) = '-'; len++; }
            n += emit(out, arg, &sp, end - len, len);
            break;
        }
        case 'u': case 'x': case 'X':
        case 'p': {
            size_t len;
            if (*fmt == 'p')
                u = (uint64_t)(uintptr_t)va_arg(ap, void *);
            else
                u = lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned);
            if (*fmt == 'p' || (sp.alt && *fmt != 'u')) {
                out('0', arg); out('x', arg); n += 2;
            }
            len = utoa(end, u, *fmt == 'u' ? 10 : 16, *fmt == 'X');
            n += emit(out, arg, &sp, end - len, len);
            break;
        }
        case 's': {
            const char *s = va_arg(ap, const char *);
            if (!s) s = "(null)";
            n += emit(out, arg, &sp, s, strlen(s));
            break;
        }
        case 'c': { char c = (char)va_arg(ap, int); n += emit(out, arg, &sp, &c, 1); break; }
        case '%': out('%', arg); n++; break;
        case '\0': return n;
        default: out('%', arg); out(*fmt, arg); n += 2; break;
        }
    }
    return n;
}

struct sbuf { char *p; size_t left; };

static void sbuf_out(char ch, void *arg)
{
    struct sbuf *b = arg;
    if (b->left > 1) { *b->p++ = ch; b->left--; }
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct sbuf b = { buf, size };
    int n = vformat(sbuf_out, &b, fmt, ap);
    if (size) *b.p = '\0';
    return n;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
