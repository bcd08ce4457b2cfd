/*
 * redmule-diag-n-small: N <= 4 with more than one output tile (here M = 12, N = 4, K = 32:
 * two column tiles). The RTL deadlocks (136 of 160 such shapes tried; docs/platform.md §7.6).
 *
 * pulpsim: error -> exit 122. With --redmule-errors=warn the job is computed: exit 0 if it
 * matches the reference, 1 if not.
 */
#include "example.h"
#define NAME "diag-n-small"
#define M 12
#define N 4
#define K 32
#define OP REDMULE_GEMM
#define FMT REDMULE_FLOAT16
#define SEED 301
#include "diag-shape.inc"
