/*
 * stdio.h for PMSIS programs: there is no C library, the firmware's printf family
 * (firmware/common/printf.[ch]: printf, vprintf, snprintf, vsnprintf, puts, putchar) is what
 * there is. No files, no scanf.
 */
#ifndef PMSIS_STDIO_H
#define PMSIS_STDIO_H

#include <stddef.h>
#include <stdarg.h>
#include "printf.h"

#endif /* PMSIS_STDIO_H */
