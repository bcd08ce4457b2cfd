/*
 * A small printf for firmware (printf.c), writing through plat_putchar.
 *
 * Conversions: %d %i %u %x %X %o %p %s %c %% and %f %F.
 * Flags: '-' (left-justify), '0' (zero-pad), '+', ' ', '#' (0x/0X/0 prefix for x/X/o);
 * field width and precision, also as '*'. Length modifiers: hh h (accepted), l, ll (64-bit), z, j, t.
 * %f prints a double (a float argument is promoted) in fixed notation with `precision`
 * decimals (default 6, at most 40), correctly rounded (ties to even) from the exact
 * binary value; inf/nan are printed as "inf"/"nan". It uses integer arithmetic only, so
 * no soft-float double routines are linked.
 * Unknown conversions are printed as they are.
 */
#ifndef PRINTF_H
#define PRINTF_H

#include <stdarg.h>
#include <stddef.h>

int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int puts(const char *s);     /* writes s and a newline */
int putchar(int c);

#endif /* PRINTF_H */
