/*
 * redmule-diag-fp16alt: a job in format 3 (Float16Alt, bfloat16), which this RTL does not
 * support (its cast units are disabled; the RTL writes garbage, 0xFFFF; docs/platform.md §7.3, §7.6).
 *
 * GEMM 12 x 16 x 16 on bfloat16 data that are small integers (0..3), so every product and
 * sum is an integer below 256, exact in bfloat16 whatever the rounding.
 *
 * pulpsim: error -> exit 122. With --redmule-errors=warn the program reports what it got:
 * exit 0 if Z holds the exact bfloat16 results, 1 if every element is 0xFFFF (the RTL's
 * garbage), 2 anything else (e.g. the bits read as Float16).
 */
#include "example.h"

#define M 12
#define N 16
#define K 16

L1_BSS static uint16_t x[M * N + 32], w[N * K + 32], y[M * K + 32];

static uint16_t bf16(int v)
{
    return (uint16_t)(redmule_float_bits((float)v) >> 16);   /* exact for small integers */
}

int main(void)
{
    if (get_core_id() != 0)
        return 0;
    static int xi[M][N], wi[N][K], yi[M][K];
    rm_srand(401);
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++)
            x[i * N + j] = bf16(xi[i][j] = (int)(rm_rand() % 4));
    for (int i = 0; i < N; i++)
        for (int j = 0; j < K; j++)
            w[i * K + j] = bf16(wi[i][j] = (int)(rm_rand() % 4));
    for (int i = 0; i < M; i++)
        for (int j = 0; j < K; j++)
            y[i * K + j] = bf16(yi[i][j] = (int)(rm_rand() % 4));

    printf("diag-fp16alt: GEMM Float16Alt M=%d N=%d K=%d\n", M, N, K);
    redmule_gemm(x, w, y, M, N, K, REDMULE_GEMM, REDMULE_FLOAT16ALT);

    int exact = 0, ffff = 0;
    for (int i = 0; i < M; i++)
        for (int j = 0; j < K; j++) {
            int s = yi[i][j];
            for (int n = 0; n < N; n++)
                s += xi[i][n] * wi[n][j];
            exact += y[i * K + j] == bf16(s);
            ffff += y[i * K + j] == 0xFFFF;
        }
    printf("diag-fp16alt: %d of %d elements are the exact bfloat16 result, %d are 0xFFFF; "
           "Z[0][0] = 0x%04x\n", exact, M * K, ffff, y[0]);
    if (exact == M * K)
        return 0;
    if (ffff == M * K)
        return 1;
    return 2;
}
