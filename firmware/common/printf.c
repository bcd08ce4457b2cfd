/*
 * Small printf for firmware: see printf.h for what it supports.
 *
 * Everything is done in 32-bit integer arithmetic (64-bit values are divided in 16-bit
 * halves), so this file needs neither libgcc's 64-bit division nor soft-float routines.
 * %f works on the bits of the double: the value is M * 2^E exactly, its integer part is
 * converted with a multi-word number, its fraction by repeated multiplication by 10.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "platform.h"
#include "printf.h"

/* ------------------------------------------------------------------ output sinks */

struct sink {
    void (*put)(struct sink *s, char c);
    char *buf;     /* vsnprintf: destination */
    size_t size;   /* vsnprintf: capacity including the terminating NUL */
    size_t count;  /* characters produced (even those that did not fit) */
};

static void put_console(struct sink *s, char c)
{
    plat_putchar(c);
    s->count++;
}

static void put_buffer(struct sink *s, char c)
{
    if (s->count + 1 < s->size)
        s->buf[s->count] = c;
    s->count++;
}

static void emit_repeat(struct sink *s, char c, int n)
{
    while (n-- > 0)
        s->put(s, c);
}

static void emit_str(struct sink *s, const char *p, int n)
{
    for (int i = 0; i < n; i++)
        s->put(s, p[i]);
}

/* ------------------------------------------------------------------ multi-word numbers */

/* Enough for the integer part of the largest double (2^1024) and for a fraction of
 * 1074 bits that is multiplied by 10 (1078 bits). */
#define BIG_WORDS 35

struct big {
    uint32_t w[BIG_WORDS]; /* little-endian */
    int n;                 /* words in use; w[n..] are zero */
};

static void big_trim(struct big *b)
{
    while (b->n > 0 && b->w[b->n - 1] == 0)
        b->n--;
}

/* b = m << sh */
static void big_set_shifted(struct big *b, uint64_t m, unsigned sh)
{
    for (int i = 0; i < BIG_WORDS; i++)
        b->w[i] = 0;
    unsigned word = sh / 32, bit = sh % 32;
    uint32_t lo = (uint32_t)m, hi = (uint32_t)(m >> 32);
    b->w[word] = lo << bit;
    if (word + 1 < BIG_WORDS)
        b->w[word + 1] = (bit ? lo >> (32 - bit) : 0) | (hi << bit);
    if (word + 2 < BIG_WORDS && bit)
        b->w[word + 2] = hi >> (32 - bit);
    b->n = BIG_WORDS;
    big_trim(b);
}

/* b = b * m + add (m, add < 2^16, result must fit) */
static void big_mul_add(struct big *b, uint32_t m, uint32_t add)
{
    uint32_t carry = add;
    for (int i = 0; i < b->n; i++) {
        uint64_t p = (uint64_t)b->w[i] * m + carry;
        b->w[i] = (uint32_t)p;
        carry = (uint32_t)(p >> 32);
    }
    if (carry && b->n < BIG_WORDS)
        b->w[b->n++] = carry;
}

/* b = b / d, returns b % d (d < 2^16). Works on 16-bit halves so that every partial
 * dividend fits in 32 bits. */
static uint32_t big_divmod(struct big *b, uint32_t d)
{
    uint32_t rem = 0;
    for (int i = b->n - 1; i >= 0; i--) {
        uint32_t cur = (rem << 16) | (b->w[i] >> 16);
        uint32_t qh = cur / d;
        rem = cur % d;
        cur = (rem << 16) | (b->w[i] & 0xffff);
        uint32_t ql = cur / d;
        rem = cur % d;
        b->w[i] = (qh << 16) | ql;
    }
    big_trim(b);
    return rem;
}

/* Writes the decimal digits of b (destroyed) to out, most significant first; returns the
 * count (at least 1: "0"). out must hold 312 characters (2^1024 has 309 digits). */
static int big_to_dec(struct big *b, char *out)
{
    int n = 0;
    do {
        uint32_t r = big_divmod(b, 10000);
        for (int k = 0; k < 4; k++) {
            out[n++] = (char)('0' + r % 10);
            r /= 10;
        }
    } while (b->n > 0);
    while (n > 1 && out[n - 1] == '0')
        n--;
    for (int i = 0, j = n - 1; i < j; i++, j--) {
        char t = out[i];
        out[i] = out[j];
        out[j] = t;
    }
    return n;
}

/* ------------------------------------------------------------------ integers */

struct spec {
    int left;      /* '-' */
    int zero;      /* '0' */
    int plus;      /* '+' */
    int space;     /* ' ' */
    int alt;       /* '#' */
    int width;     /* -1: none */
    int prec;      /* -1: none */
};

/* Digits of v in base 8, 10 or 16 into out (most significant first); returns count.
 * Decimal conversion divides four 16-bit parts, so only 32-bit division is used. */
static int u64_to_digits(uint64_t v, unsigned base, int upper, char *out)
{
    const char *dig = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    int n = 0;
    if (base == 10) {
        uint32_t part[4] = { (uint32_t)(v >> 48), (uint32_t)(v >> 32) & 0xffff,
                             (uint32_t)(v >> 16) & 0xffff, (uint32_t)v & 0xffff };
        do {
            uint32_t rem = 0;
            for (int i = 0; i < 4; i++) {
                uint32_t cur = (rem << 16) | part[i];
                part[i] = cur / 10;
                rem = cur % 10;
            }
            out[n++] = dig[rem];
        } while (part[0] | part[1] | part[2] | part[3]);
    } else {
        unsigned shift = base == 16 ? 4 : 3;
        do {
            out[n++] = dig[(uint32_t)v & (base - 1)];
            v >>= shift;
        } while (v);
    }
    for (int i = 0, j = n - 1; i < j; i++, j--) {
        char t = out[i];
        out[i] = out[j];
        out[j] = t;
    }
    return n;
}

/* Lays out [sign][prefix][zeros][digits] in the field described by sp. */
static void emit_number(struct sink *s, const struct spec *sp, const char *prefix,
                        const char *digits, int ndig)
{
    int plen = 0;
    while (prefix[plen])
        plen++;
    int zeros = 0;
    if (sp->prec > ndig)
        zeros = sp->prec - ndig; /* integer precision = minimum digits */
    int body = plen + zeros + ndig;
    int pad = sp->width > body ? sp->width - body : 0;
    if (!sp->left && !sp->zero)
        emit_repeat(s, ' ', pad);
    emit_str(s, prefix, plen);
    if (!sp->left && sp->zero)
        emit_repeat(s, '0', pad);
    emit_repeat(s, '0', zeros);
    emit_str(s, digits, ndig);
    if (sp->left)
        emit_repeat(s, ' ', pad);
}

static void format_int(struct sink *s, struct spec *sp, uint64_t mag, int negative,
                       unsigned base, int upper, const char *alt_prefix)
{
    char digits[24];
    int n;
    if (sp->prec == 0 && mag == 0)
        n = 0; /* "%.0d" of 0 prints nothing */
    else
        n = u64_to_digits(mag, base, upper, digits);
    char prefix[4];
    int p = 0;
    if (negative)
        prefix[p++] = '-';
    else if (sp->plus)
        prefix[p++] = '+';
    else if (sp->space)
        prefix[p++] = ' ';
    for (const char *a = alt_prefix; a && *a; a++)
        prefix[p++] = *a;
    prefix[p] = 0;
    if (sp->prec >= 0)
        sp->zero = 0; /* C: a precision disables '0' for integers */
    emit_number(s, sp, prefix, digits, n);
}

/* ------------------------------------------------------------------ %f */

#define FLOAT_MAX_PREC 40

static void format_double(struct sink *s, struct spec *sp, double value, int upper)
{
    uint64_t bits;
    __builtin_memcpy(&bits, &value, sizeof bits);
    int negative = (int)(bits >> 63);
    int expfield = (int)((bits >> 52) & 0x7ff);
    uint64_t mant = bits & ((1ull << 52) - 1);

    char prefix[2] = { 0, 0 };
    if (negative)
        prefix[0] = '-';
    else if (sp->plus)
        prefix[0] = '+';
    else if (sp->space)
        prefix[0] = ' ';

    if (expfield == 0x7ff) {
        struct spec t = *sp;
        t.zero = 0;
        t.prec = -1;
        const char *txt = mant ? (upper ? "NAN" : "nan") : (upper ? "INF" : "inf");
        emit_number(s, &t, prefix, txt, 3);
        return;
    }

    int prec = sp->prec < 0 ? 6 : sp->prec;
    if (prec > FLOAT_MAX_PREC)
        prec = FLOAT_MAX_PREC;

    /* value = m * 2^e exactly */
    uint64_t m;
    int e;
    if (expfield == 0) {
        m = mant;
        e = -1074;
    } else {
        m = mant | (1ull << 52);
        e = expfield - 1075;
    }

    struct big b;
    char frac[FLOAT_MAX_PREC];
    uint64_t int_small = 0; /* integer part when e < 0 (it then fits in 64 bits) */
    int round_up = 0;

    if (e >= 0) {
        for (int i = 0; i < prec; i++)
            frac[i] = '0';
    } else {
        unsigned sh = (unsigned)-e; /* fraction has sh bits */
        int_small = sh >= 64 ? 0 : m >> sh;
        uint64_t fbits = sh >= 64 ? m : m & ((1ull << sh) - 1);
        big_set_shifted(&b, fbits, 0);
        unsigned wi = sh / 32, bi = sh % 32;
        for (int i = 0; i < prec; i++) {
            big_mul_add(&b, 10, 0);
            /* digit = b >> sh (at most 4 bits, possibly spanning two words) */
            uint32_t d = 0;
            if ((int)wi < b.n) {
                d = b.w[wi] >> bi;
                b.w[wi] &= bi ? ((1u << bi) - 1) : 0;
            }
            if (bi > 28 && (int)wi + 1 < b.n) {
                d |= b.w[wi + 1] << (32 - bi);
                b.w[wi + 1] = 0;
            }
            big_trim(&b);
            frac[i] = (char)('0' + (d & 15));
        }
        /* Round half to even on the remaining fraction r (0 <= r < 2^sh). */
        unsigned hb = sh - 1; /* weight of one half */
        int half_set = (int)(hb / 32) < b.n && ((b.w[hb / 32] >> (hb % 32)) & 1);
        int below = 0;
        for (int i = 0; i < b.n && !below; i++) {
            uint32_t w = b.w[i];
            if ((unsigned)i == hb / 32)
                w &= (1u << (hb % 32)) - 1;
            else if ((unsigned)i > hb / 32)
                w = 0;
            below = w != 0;
        }
        if (half_set) {
            int last_odd = prec > 0 ? (frac[prec - 1] - '0') & 1 : (int)(int_small & 1);
            round_up = below || last_odd;
        }
        if (round_up) {
            int i = prec - 1;
            while (i >= 0 && frac[i] == '9')
                frac[i--] = '0';
            if (i >= 0)
                frac[i]++;
            else
                int_small++;
        }
    }

    /* Integer part */
    char idig[312];
    int ni;
    if (e >= 0)
        big_set_shifted(&b, m, (unsigned)e);
    else
        big_set_shifted(&b, int_small, 0);
    ni = big_to_dec(&b, idig);

    int body = (prefix[0] ? 1 : 0) + ni + (prec > 0 ? 1 + prec : 0);
    int pad = sp->width > body ? sp->width - body : 0;
    if (!sp->left && !sp->zero)
        emit_repeat(s, ' ', pad);
    if (prefix[0])
        s->put(s, prefix[0]);
    if (!sp->left && sp->zero)
        emit_repeat(s, '0', pad);
    emit_str(s, idig, ni);
    if (prec > 0) {
        s->put(s, '.');
        emit_str(s, frac, prec);
    }
    if (sp->left)
        emit_repeat(s, ' ', pad);
}

/* ------------------------------------------------------------------ the formatter */

static void format(struct sink *s, const char *fmt, va_list ap)
{
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            s->put(s, *fmt);
            continue;
        }
        const char *start = fmt++;
        struct spec sp = { 0, 0, 0, 0, 0, -1, -1 };

        for (;; fmt++) {
            if (*fmt == '-')
                sp.left = 1;
            else if (*fmt == '0')
                sp.zero = 1;
            else if (*fmt == '+')
                sp.plus = 1;
            else if (*fmt == ' ')
                sp.space = 1;
            else if (*fmt == '#')
                sp.alt = 1;
            else
                break;
        }
        if (*fmt == '*') {
            sp.width = va_arg(ap, int);
            if (sp.width < 0) {
                sp.left = 1;
                sp.width = -sp.width;
            }
            fmt++;
        } else if (*fmt >= '0' && *fmt <= '9') {
            sp.width = 0;
            while (*fmt >= '0' && *fmt <= '9')
                sp.width = sp.width * 10 + (*fmt++ - '0');
        }
        if (*fmt == '.') {
            fmt++;
            sp.prec = 0;
            if (*fmt == '*') {
                sp.prec = va_arg(ap, int);
                if (sp.prec < 0)
                    sp.prec = -1;
                fmt++;
            } else {
                while (*fmt >= '0' && *fmt <= '9')
                    sp.prec = sp.prec * 10 + (*fmt++ - '0');
            }
        }
        if (sp.left)
            sp.zero = 0;

        int longs = 0; /* 0: int, 1: long, 2: long long */
        for (;; fmt++) {
            if (*fmt == 'l')
                longs++;
            else if (*fmt == 'h')
                ;
            else if (*fmt == 'z' || *fmt == 't')
                longs = sizeof(size_t) == 8 ? 2 : 1;
            else if (*fmt == 'j')
                longs = 2;
            else
                break;
        }

        switch (*fmt) {
        case 'd':
        case 'i': {
            int64_t v;
            if (longs >= 2)
                v = va_arg(ap, long long);
            else if (longs == 1)
                v = va_arg(ap, long);
            else
                v = va_arg(ap, int);
            uint64_t mag = v < 0 ? -(uint64_t)v : (uint64_t)v;
            format_int(s, &sp, mag, v < 0, 10, 0, 0);
            break;
        }
        case 'u':
        case 'x':
        case 'X':
        case 'o': {
            uint64_t v;
            if (longs >= 2)
                v = va_arg(ap, unsigned long long);
            else if (longs == 1)
                v = va_arg(ap, unsigned long);
            else
                v = va_arg(ap, unsigned int);
            unsigned base = *fmt == 'u' ? 10 : *fmt == 'o' ? 8 : 16;
            const char *alt = 0;
            if (sp.alt && v != 0)
                alt = *fmt == 'x' ? "0x" : *fmt == 'X' ? "0X" : *fmt == 'o' ? "0" : 0;
            sp.plus = sp.space = 0;
            format_int(s, &sp, v, 0, base, *fmt == 'X', alt);
            break;
        }
        case 'p': {
            uintptr_t v = (uintptr_t)va_arg(ap, void *);
            sp.plus = sp.space = 0;
            format_int(s, &sp, v, 0, 16, 0, "0x");
            break;
        }
        case 'c': {
            char c = (char)va_arg(ap, int);
            struct spec t = sp;
            t.prec = -1;
            t.zero = 0;
            emit_number(s, &t, "", &c, 1);
            break;
        }
        case 's': {
            const char *str = va_arg(ap, const char *);
            if (!str)
                str = "(null)";
            int n = 0;
            while (str[n] && (sp.prec < 0 || n < sp.prec))
                n++;
            struct spec t = sp;
            t.prec = -1;
            t.zero = 0;
            emit_number(s, &t, "", str, n);
            break;
        }
        case 'f':
        case 'F':
            format_double(s, &sp, va_arg(ap, double), *fmt == 'F');
            break;
        case '%':
            s->put(s, '%');
            break;
        case 0:
            fmt--; /* a lone '%' at the end: print it and stop */
            emit_str(s, start, 1);
            break;
        default:
            emit_str(s, start, (int)(fmt - start) + 1);
            break;
        }
    }
}

/* ------------------------------------------------------------------ entry points */

int vprintf(const char *fmt, va_list ap)
{
    struct sink s = { put_console, 0, 0, 0 };
    format(&s, fmt, ap);
    return (int)s.count;
}

int printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vprintf(fmt, ap);
    va_end(ap);
    return n;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct sink s = { put_buffer, buf, size, 0 };
    format(&s, fmt, ap);
    if (size > 0)
        buf[s.count < size ? s.count : size - 1] = 0;
    return (int)s.count;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

int putchar(int c)
{
    plat_putchar(c);
    return (unsigned char)c;
}

int puts(const char *str)
{
    while (*str)
        plat_putchar(*str++);
    plat_putchar('\n');
    return 1;
}
