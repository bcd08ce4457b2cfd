/*
 * redmule-diag-n-5to8: 5 <= N <= 8 with more than one output tile (here M = 12, N = 8,
 * K = 32: two column tiles). The RTL deadlocks for some such shapes (32 of 160 tried;
 * docs/platform.md §7.6).
 *
 * pulpsim: warning, the run goes on: exit 0 if the result matches the reference, 1 if not.
 */
#include "example.h"
#define NAME "diag-n-5to8"
#define M 12
#define N 8
#define K 32
#define OP REDMULE_GEMM
#define FMT REDMULE_FLOAT16
#define SEED 302
#include "diag-shape.inc"
