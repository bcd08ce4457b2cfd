/*
 * gemm-redmule.c: a double-buffered tiled FP16 GEMM on RedMulE, data moved with the PMSIS DMA
 * API. Needs the cluster DMA (docs/platform.md §11); RedMulE through its own driver
 * (firmware/redmule/redmule.h).
 *
 * Z = X * W with M x N x K = 48 x 64 x 64 (RedMulE's names: X is M x N, W is N x K), FP16, all
 * in L2. RedMulE reads and writes TCDM only, so core 0 copies 24 x 32 tiles of X and 32 x 32
 * tiles of W in with 2D DMA transfers, runs one RedMulE job per tile pair (Z tile = Y + X * W
 * in place, Y starting at +0 and accumulating over the two N slices) and copies each finished
 * 24 x 32 Z tile back. X/W tiles are double-buffered (the next pair is copied while RedMulE
 * computes) and so is the Z tile (a finished one goes out while the next one starts).
 * Meanwhile cores 1..n-1 compute the bit-exact software reference (redmule_ref_rows) of the
 * whole GEMM from the L2 matrices; with one core, core 0 computes it afterwards. RedMulE gets
 * priority on the TCDM (redmule_priority_first): the DMA's copies into its banks would
 * otherwise refuse its requests, which the RTL does not survive at some points.
 *
 * Every N slice is a multiple of 4 and the slices run in increasing n, so each output element
 * goes through exactly the chain of one big job: the result must equal the reference bit for
 * bit.
 *
 * Exit codes: 0 pass; 1 result differs; 2 out of TCDM.
 */
#include "pmsis.h"
#include "redmule.h"

#define M  48
#define N  64
#define K  64
#define TM 24                               /* multiple of 12: no Z padding rows */
#define TN 32                               /* multiple of 4: no padding lanes */
#define TK 32
#define TILES_M (M / TM)
#define TILES_N (N / TN)
#define TILES_K (K / TK)
#define STEPS (TILES_M * TILES_K * TILES_N)

/* TCDM buffer sizes with room for RedMulE's over-reads (docs/platform.md §7.4). */
#define X_BYTES ((TM * TN * 2 + REDMULE_OVERREAD + 15) & ~15)
#define W_BYTES ((redmule_w_size(TN, TK) + REDMULE_OVERREAD + 15) & ~15u)
#define Z_BYTES ((redmule_z_size(TM, TK) + REDMULE_OVERREAD + 15) & ~15u)

static uint16_t X[M * N], W[N * K], Z[M * K], REF[M * K], ZERO[M * K];     /* L2 */

static uint8_t *xt[2], *wt[2], *zt[2];
static pi_cl_dma_cmd_t load_x[2], load_w[2], store_z[2];
static int store_pending[2];
static int result;
static unsigned long pipeline_cycles;       /* core 0: first load to last store */

static void load_step(int s, int buf)
{
    int nt = s % TILES_N, t = s / TILES_N, it = t / TILES_K, kt = t % TILES_K;
    pi_cl_dma_cmd_2d((uint32_t)(uintptr_t)&X[it * TM * N + nt * TN], (uint32_t)(uintptr_t)xt[buf],
                     TM * TN * 2, N * 2, TN * 2, PI_CL_DMA_DIR_EXT2LOC, &load_x[buf]);
    pi_cl_dma_cmd_2d((uint32_t)(uintptr_t)&W[nt * TN * K + kt * TK], (uint32_t)(uintptr_t)wt[buf],
                     TN * TK * 2, K * 2, TK * 2, PI_CL_DMA_DIR_EXT2LOC, &load_w[buf]);
}

/* Core 0: the RedMulE pipeline. */
static void drive_redmule(void)
{
    unsigned long t0 = cycles();
    load_step(0, 0);
    for (int s = 0; s < STEPS; s++) {
        int buf = s % 2, nt = s % TILES_N, t = s / TILES_N, zb = t % 2;
        pi_cl_dma_cmd_wait(&load_x[buf]);
        pi_cl_dma_cmd_wait(&load_w[buf]);
        if (s + 1 < STEPS)
            load_step(s + 1, (s + 1) % 2);          /* in flight while RedMulE computes */
        if (nt == 0) {                              /* a new Z tile: Y = +0 */
            if (store_pending[zb]) {
                pi_cl_dma_cmd_wait(&store_z[zb]);
                store_pending[zb] = 0;
            }
            memset(zt[zb], 0, TM * TK * 2);
        }
        redmule_gemm(xt[buf], wt[buf], zt[zb], TM, TN, TK, REDMULE_GEMM, REDMULE_FLOAT16);
        if (nt == TILES_N - 1) {
            int it = t / TILES_K, kt = t % TILES_K;
            pi_cl_dma_cmd_2d((uint32_t)(uintptr_t)&Z[it * TM * K + kt * TK],
                             (uint32_t)(uintptr_t)zt[zb], TM * TK * 2, K * 2, TK * 2,
                             PI_CL_DMA_DIR_LOC2EXT, &store_z[zb]);
            store_pending[zb] = 1;
        }
    }
    for (int b = 0; b < 2; b++)
        if (store_pending[b])
            pi_cl_dma_cmd_wait(&store_z[b]);
    pipeline_cycles = cycles() - t0;
}

static void team(void *arg)
{
    (void)arg;
    unsigned c = pi_core_id(), n = pi_cl_team_nb_cores();
    if (c == 0) {
        /* The DMA copies tiles while RedMulE runs: RedMulE first on the TCDM, or its refused
         * requests can hang the job (redmule.h, redmule_priority_first). */
        redmule_priority_first();
        drive_redmule();
    }
    else
        redmule_ref_rows(X, W, ZERO, REF, M, N, K, REDMULE_GEMM, REDMULE_FLOAT16,
                         (c - 1) * M / (n - 1), c * M / (n - 1));
}

static void cluster_entry(void *arg)
{
    (void)arg;
    uint8_t *pool = pi_cl_l1_malloc_align(0, 2 * (X_BYTES + W_BYTES + Z_BYTES), 16);
    if (!pool) {
        result = 2;
        return;
    }
    for (int b = 0; b < 2; b++) {
        xt[b] = pool + b * (X_BYTES + W_BYTES + Z_BYTES);
        wt[b] = xt[b] + X_BYTES;
        zt[b] = wt[b] + W_BYTES;
    }
    unsigned n = (unsigned)pi_cl_cluster_nb_cores();
    pi_cl_team_fork((int)n, team, 0);
    if (n == 1)
        redmule_ref(X, W, ZERO, REF, M, N, K, REDMULE_GEMM, REDMULE_FLOAT16);
    uint32_t bad = redmule_compare(Z, REF, M, K, REDMULE_FLOAT16, 4);
    printf("gemm %dx%dx%d fp16 on RedMulE, %d jobs of %dx%dx%d, tiles via DMA: %lu cycles "
           "(reference on %u cores meanwhile), %u elements differ\n", M, N, K, STEPS, TM, TN, TK,
           pipeline_cycles, n > 1 ? n - 1 : 0, (unsigned)bad);
    if (bad)
        result = 1;
    pi_cl_l1_free(0, pool, 2 * (X_BYTES + W_BYTES + Z_BYTES));
}

int main(void)
{
    uint32_t seed = 0x5EED1u;
    for (int i = 0; i < M * N; i++) {
        seed = seed * 1664525u + 1013904223u;
        X[i] = redmule_fp16_from_float((float)((int)(seed >> 24) - 128) / 64.0f);
    }
    for (int i = 0; i < N * K; i++) {
        seed = seed * 1664525u + 1013904223u;
        W[i] = redmule_fp16_from_float((float)((int)(seed >> 24) - 128) / 256.0f);
    }

    struct pi_device cluster;
    struct pi_cluster_conf conf;
    struct pi_cluster_task task;
    pi_cluster_conf_init(&conf);
    pi_open_from_conf(&cluster, &conf);
    if (pi_cluster_open(&cluster))
        return 2;
    pi_cluster_send_task_to_cl(&cluster, pi_cluster_task(&task, cluster_entry, 0));
    pi_cluster_close(&cluster);
    printf("PMSIS gemm-redmule: %s\n", result ? "FAIL" : "PASS");
    return result;
}
