/*
 * redmule-diag-matmul-big: MATMUL (op 0) with M > 12 (here 24 x 16 x 16); MATMUL is only
 * valid for M <= 12 and K <= 16, larger shapes deadlock the RTL (docs/platform.md §7.6).
 *
 * pulpsim: error -> exit 122. With --redmule-errors=warn the job is computed as MATMUL
 * intends (every chain from +0, Y ignored): exit 0 if it matches the reference, 1 if not.
 */
#include "example.h"
#define NAME "diag-matmul-big"
#define M 24
#define N 16
#define K 16
#define OP REDMULE_MATMUL
#define FMT REDMULE_FLOAT16
#define SEED 303
#include "diag-shape.inc"
