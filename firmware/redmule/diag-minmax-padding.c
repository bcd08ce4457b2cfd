/*
 * redmule-diag-minmax-padding: a min/max operation with N mod 4 != 0 (ADDMAX, 12 x 18 x 16):
 * the chain runs over N4 = 20 lanes, the two padding lanes giving op1(+0, +0) = +0, which
 * clamps the result (docs/platform.md §7.3, §7.6). The data are all negative, so every x + w and every
 * Y is negative and every result is +0, which the reference reproduces.
 *
 * pulpsim: warning, the run goes on: exit 0 if the result matches the reference and is +0
 * everywhere, 1 if it differs from the reference, 2 if the reference is not all +0.
 */
#include "example.h"

#define M 12
#define N 18
#define K 16

L1_BSS static uint8_t pool[8 * 1024] __attribute__((aligned(16)));
static uint8_t ref[M * K * 2];

static void make_negative(uint8_t *p, uint32_t rows, uint32_t cols)
{
    for (uint32_t r = 0; r < rows; r++)
        for (uint32_t c = 0; c < cols; c++)
            redmule_put_raw(p, REDMULE_FLOAT16, r, c, cols,
                            redmule_get_raw(p, REDMULE_FLOAT16, r, c, cols) | 0x8000u);
}

int main(void)
{
    if (get_core_id() != 0)
        return 0;
    uint8_t *x, *w, *y;
    uint32_t ys = rm_setup_job(pool, M, N, K, REDMULE_FLOAT16, 312, &x, &w, &y);
    make_negative(x, M, N);
    make_negative(w, N, K);
    make_negative(y, M, K);
    redmule_ref(x, w, y, ref, M, N, K, REDMULE_ADDMAX, REDMULE_FLOAT16);
    printf("diag-minmax-padding: ADDMAX Float16 M=%d N=%d K=%d, all inputs negative\n", M, N, K);
    redmule_gemm(x, w, y, M, N, K, REDMULE_ADDMAX, REDMULE_FLOAT16);
    if (rm_check_job("diag-minmax-padding", y, ys, ref, M, K, REDMULE_FLOAT16))
        return 1;
    for (uint32_t i = 0; i < M * K; i++)
        if (((uint16_t *)ref)[i] != 0)
            return 2;
    printf("diag-minmax-padding: every result is +0 (clamped by the padding lanes)\n");
    return 0;
}
