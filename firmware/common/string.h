/*
 * The few <string.h> functions the firmware provides (string.c). There is no C library:
 * GCC may emit calls to memcpy, memmove, memset and memcmp even with -ffreestanding
 * (structure copies, zero-initialised arrays, loops it recognises), so these must exist.
 */
#ifndef FW_STRING_H
#define FW_STRING_H

#include <stddef.h>

void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strcpy(char *restrict dst, const char *restrict src);

#endif /* FW_STRING_H */
