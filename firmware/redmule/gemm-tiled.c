/*
 * redmule-gemm-tiled: a Float16 GEMM too large for one RedMulE job, split by the driver.
 *
 * Z = X * W + Y with M x N x K = 96 x 256 x 96: X (48 KiB), W (48 KiB) and Y/Z (18 KiB) live
 * in L2; together they need 114 KiB of TCDM, more than the 112 KiB left by the stacks, and
 * RedMulE reads and writes TCDM only. The driver (core 0) cuts the problem into 48 x 64 x 48
 * tiles: for each output tile it copies the Y tile into TCDM, then runs one job per 64-wide
 * slice of N, each accumulating onto the previous one through Y (Z is written in place),
 * with a soft clear before every job (redmule_offload does it), and copies the Z tile back.
 * X and W tiles are double-buffered: the next pair is copied while the current job runs.
 *
 * Because every N slice is a multiple of 4 (no zero padding lanes inside the chain) and
 * the slices run in increasing n, each output element goes through exactly the sequential
 * chain of one big job, so the result must equal the single-job software reference bit for
 * bit. Cores 1..7 compute that reference (from the L2 matrices) while core 0 drives RedMulE,
 * with RedMulE given priority over the cores on the TCDM (redmule_priority_first).
 *
 * Exit codes: 0 pass; 1 result differs from the reference; 2 a job id was not 0 after its
 * soft clear; 3 bytes after the TCDM Z tile changed.
 */
#include "example.h"

#define M 96
#define N 256
#define K 96
#define TM 48
#define TN 64
#define TK 48
#define NJOBS ((M / TM) * (K / TK) * (N / TN))

static uint16_t X[M * N], W[N * K], Y[M * K], Z[M * K], REF[M * K];   /* L2 */

#define XT_BYTES ((TM * TN * 2 + REDMULE_OVERREAD + 15) & ~15)
#define WT_BYTES ((TN * TK * 2 + REDMULE_OVERREAD + 15) & ~15)
L1_BSS static uint8_t xt[2][XT_BYTES] __attribute__((aligned(16)));
L1_BSS static uint8_t wt[2][WT_BYTES] __attribute__((aligned(16)));
L1_BSS static uint8_t zt[TM * TK * 2 + 64] __attribute__((aligned(16)));

/* Copy a rows x cols FP16 tile at (r0, c0) of a matrix with `stride` columns to a dense buffer. */
static void tile_in(uint8_t *dst, const uint16_t *src, int stride, int r0, int c0, int rows, int cols)
{
    for (int r = 0; r < rows; r++)
        rm_copy(dst + r * cols * 2, &src[(r0 + r) * stride + c0], (uint32_t)cols * 2);
}

static void tile_out(uint16_t *dst, int stride, const uint8_t *src, int r0, int c0, int rows, int cols)
{
    for (int r = 0; r < rows; r++)
        rm_copy(&dst[(r0 + r) * stride + c0], src + r * cols * 2, (uint32_t)cols * 2);
}

static void load_job(int j, int buf)
{
    int ni = j % (N / TN), ki = (j / (N / TN)) % (K / TK), mi = j / (N / TN) / (K / TK);
    tile_in(xt[buf], X, N, mi * TM, ni * TN, TM, TN);
    tile_in(wt[buf], W, K, ni * TN, ki * TK, TN, TK);
}

int main(void)
{
    unsigned core = get_core_id(), nc = get_core_num();
    int result = 0;

    if (core == 0) {
        /* Core 0 copies the next tiles into TCDM while RedMulE runs: RedMulE first on the
         * TCDM, or its refused requests can hang the job (redmule.h, redmule_priority_first). */
        redmule_priority_first();
        rm_srand(0x7117ED);
        rm_fill(X, sizeof(X), REDMULE_FLOAT16, M, N, -4, 0, 0);
        rm_fill(W, sizeof(W), REDMULE_FLOAT16, N, K, -4, 0, 0);
        rm_fill(Y, sizeof(Y), REDMULE_FLOAT16, M, K, -2, 2, 0);
        printf("gemm-tiled %dx%dx%d: one job would need %u bytes of TCDM (X %u, W %u, Z %u)\n",
               M, N, K, (unsigned)(redmule_matrix_size(M, N) + redmule_w_size(N, K) + redmule_z_size(M, K)),
               (unsigned)redmule_matrix_size(M, N), (unsigned)redmule_w_size(N, K),
               (unsigned)redmule_z_size(M, K));
    }
    synch_barrier();

    if (core != 0) {
        /* Workers: the reference, rows split over cores 1..nc-1. */
        uint32_t r0 = (core - 1) * M / (nc - 1), r1 = core * M / (nc - 1);
        redmule_ref_rows(X, W, Y, REF, M, N, K, REDMULE_GEMM, REDMULE_FLOAT16, r0, r1);
        synch_barrier();
        return 0;
    }

    rm_canary_set(zt + TM * TK * 2, 64);
    unsigned long t0 = cycles();
    unsigned long busy = 0;
    int ids_ok = 1;
    load_job(0, 0);
    for (int j = 0; j < NJOBS; j++) {
        int ni = j % (N / TN), ki = (j / (N / TN)) % (K / TK), mi = j / (N / TN) / (K / TK);
        if (ni == 0)
            tile_in(zt, Y, K, mi * TM, ki * TK, TM, TK);
        unsigned long s = cycles();
        int id = redmule_offload(xt[j & 1], wt[j & 1], zt, TM, TN, TK, REDMULE_GEMM, REDMULE_FLOAT16);
        if (j + 1 < NJOBS)
            load_job(j + 1, (j + 1) & 1);      /* overlaps the running job */
        redmule_wait();
        busy += cycles() - s;
        ids_ok &= id == 0;
        if (ni == N / TN - 1)
            tile_out(Z, K, zt, mi * TM, ki * TK, TM, TK);
    }
    unsigned long t1 = cycles();
    int canary = rm_canary_ok(zt + TM * TK * 2, 64);

    if (nc == 1)
        redmule_ref(X, W, Y, REF, M, N, K, REDMULE_GEMM, REDMULE_FLOAT16);
    else
        synch_barrier();                        /* the workers' reference is complete */

    uint32_t bad = redmule_compare(Z, REF, M, K, REDMULE_FLOAT16, 4);
    printf("gemm-tiled: %d jobs of %dx%dx%d, %lu cycles (%lu from offload to completion), "
           "%u of %u elements differ\n",
           NJOBS, TM, TN, TK, t1 - t0, busy, (unsigned)bad, (unsigned)(M * K));
    if (bad)
        result = 1;
    else if (!ids_ok)
        result = 2;
    else if (!canary)
        result = 3;
    printf("redmule-gemm-tiled: %s (exit %d)\n", result ? "FAIL" : "PASS", result);
    return result;
}
