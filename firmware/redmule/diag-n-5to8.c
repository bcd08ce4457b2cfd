/*
 * redmule-diag-n-5to8: one of the jobs with 5 <= N <= 8 and more than one output tile that
 * deadlock the RTL (here M = 13, N = 5, K = 16: two row tiles; 12 x 8 x 32 completes).
 * docs/platform.md §7.5, §7.6.
 *
 * pulpsim: error, exit 122; with --redmule-errors=warn the job is computed as intended:
 * exit 0 if the result matches the reference, 1 if not.
 */
#include "example.h"
#define NAME "diag-n-5to8"
#define M 13
#define N 5
#define K 16
#define OP REDMULE_GEMM
#define FMT REDMULE_FLOAT16
#define SEED 302
#include "diag-shape.inc"
