/*
 * gemm-dma.c: a double-buffered tiled FP32 GEMM, written with the PMSIS API. Needs the
 * cluster DMA (docs/platform.md §11).
 *
 * C = A * B with M x K x N = 96 x 96 x 96, all three in L2 (36 KiB each: together more than
 * fits beside the stacks in TCDM). C is computed in 32 x 32 tiles; each tile sums three
 * products of 32 x 32 tiles of A and B (k innermost), 27 steps in all. Core 0 moves the data
 * with 2D DMA transfers (tiles are strided in L2): while the 8 cores compute step s on one
 * pair of A/B buffers, the tiles of step s + 1 are copied into the other pair, and a finished
 * C tile is copied back to L2 from one of two C buffers while the next C tile grows in the
 * other. Each core computes 32 / n rows of the tile.
 *
 * The same GEMM is run a second time without overlap (each step waits for its own copies
 * before computing) to show what the double buffering saves; both results are compared with
 * a single-core reference in plain C. Inputs are small integers, so every sum is exact in
 * FP32 whatever its order and the comparison is bit for bit.
 *
 * Exit codes: 0 pass; 1 double-buffered result differs; 2 sequential result differs;
 * 3 out of TCDM.
 */
#include "pmsis.h"

#define M  96
#define K  96
#define N  96
#define T  32                               /* tile: T x T */
#define TILES_M (M / T)
#define TILES_N (N / T)
#define TILES_K (K / T)
#define STEPS (TILES_M * TILES_N * TILES_K)

static float A[M * K], B[K * N], C[M * N], REF[M * N];     /* L2 */

typedef struct {
    float *a[2], *b[2], *c[2];              /* TCDM tiles, T * T floats each */
    int overlap;                            /* 1: double-buffered, 0: wait before computing */
    pi_cl_dma_cmd_t load_a[2], load_b[2], store_c[2];
    int store_pending[2];
    int step_k, step_c;                     /* current step's k tile and C buffer */
    float *cur_a, *cur_b;
} gemm_t;

static gemm_t g;

static void load_step(int s, int buf)
{
    int kt = s % TILES_K, t = s / TILES_K, it = t / TILES_N, jt = t % TILES_N;
    /* A tile (it, kt): T lines of T floats, stride K floats; B tile (kt, jt): stride N. */
    pi_cl_dma_cmd_2d((uint32_t)(uintptr_t)&A[it * T * K + kt * T], (uint32_t)(uintptr_t)g.a[buf],
                     T * T * 4, K * 4, T * 4, PI_CL_DMA_DIR_EXT2LOC, &g.load_a[buf]);
    pi_cl_dma_cmd_2d((uint32_t)(uintptr_t)&B[kt * T * N + jt * T], (uint32_t)(uintptr_t)g.b[buf],
                     T * T * 4, N * 4, T * 4, PI_CL_DMA_DIR_EXT2LOC, &g.load_b[buf]);
}

static void store_tile(int t, int cbuf)
{
    int it = t / TILES_N, jt = t % TILES_N;
    pi_cl_dma_cmd_2d((uint32_t)(uintptr_t)&C[it * T * N + jt * T], (uint32_t)(uintptr_t)g.c[cbuf],
                     T * T * 4, N * 4, T * 4, PI_CL_DMA_DIR_LOC2EXT, &g.store_c[cbuf]);
    g.store_pending[cbuf] = 1;
}

/* This core's rows of the C tile: C (+)= A_tile * B_tile. */
static void compute_rows(void)
{
    unsigned c = pi_core_id(), n = pi_cl_team_nb_cores();
    unsigned r0 = c * T / n, r1 = (c + 1) * T / n;
    const float *a = g.cur_a, *b = g.cur_b;
    float *ct = g.c[g.step_c];
    for (unsigned r = r0; r < r1; r++)
        for (unsigned j = 0; j < T; j++) {
            float acc = g.step_k == 0 ? 0.0f : ct[r * T + j];
            for (unsigned k = 0; k < T; k++)
                acc += a[r * T + k] * b[k * T + j];
            ct[r * T + j] = acc;
        }
}

/* Run by every core of the team; core 0 also drives the DMA. */
static void gemm_team(void *arg)
{
    (void)arg;
    int master = pi_core_id() == 0;
    if (master && g.overlap)
        load_step(0, 0);
    for (int s = 0; s < STEPS; s++) {
        int buf = g.overlap ? s % 2 : 0, kt = s % TILES_K, t = s / TILES_K, cbuf = t % 2;
        if (master) {
            if (!g.overlap)
                load_step(s, buf);
            pi_cl_dma_cmd_wait(&g.load_a[buf]);
            pi_cl_dma_cmd_wait(&g.load_b[buf]);
            if (g.overlap && s + 1 < STEPS)
                load_step(s + 1, (s + 1) % 2);      /* in flight during the compute below */
            if (kt == 0 && g.store_pending[cbuf]) {  /* the C buffer's previous tile is out */
                pi_cl_dma_cmd_wait(&g.store_c[cbuf]);
                g.store_pending[cbuf] = 0;
            }
            g.cur_a = g.a[buf];
            g.cur_b = g.b[buf];
            g.step_k = kt;
            g.step_c = cbuf;
        }
        pi_cl_team_barrier();                       /* tiles in, step published */
        compute_rows();
        pi_cl_team_barrier();                       /* everyone done with the buffers */
        if (master && kt == TILES_K - 1) {
            store_tile(t, cbuf);
            if (!g.overlap) {
                pi_cl_dma_cmd_wait(&g.store_c[cbuf]);
                g.store_pending[cbuf] = 0;
            }
        }
    }
    if (master)
        for (int b = 0; b < 2; b++)
            if (g.store_pending[b]) {
                pi_cl_dma_cmd_wait(&g.store_c[b]);
                g.store_pending[b] = 0;
            }
}

static int compare(const char *what)
{
    for (int i = 0; i < M * N; i++)
        if (C[i] != REF[i]) {
            printf("%s: C[%d][%d] = %f, expected %f\n", what, i / N, i % N, (double)C[i],
                   (double)REF[i]);
            return 0;
        }
    return 1;
}

static int result;

static void cluster_entry(void *arg)
{
    (void)arg;
    float *pool = pi_cl_l1_malloc(0, 6 * T * T * sizeof(float));
    if (!pool) {
        result = 3;
        return;
    }
    for (int b = 0; b < 2; b++) {
        g.a[b] = pool + (0 + b) * T * T;
        g.b[b] = pool + (2 + b) * T * T;
        g.c[b] = pool + (4 + b) * T * T;
    }
    unsigned n = (unsigned)pi_cl_cluster_nb_cores();
    unsigned long took[2];
    for (int overlap = 1; overlap >= 0; overlap--) {
        memset(C, 0, sizeof C);
        g.overlap = overlap;
        unsigned long t0 = cycles();
        pi_cl_team_fork((int)n, gemm_team, 0);
        took[overlap] = cycles() - t0;
        if (!compare(overlap ? "double-buffered" : "sequential") && !result)
            result = overlap ? 1 : 2;
    }
    printf("gemm %dx%dx%d fp32 on %u cores, %d tiles of %dx%d via DMA: double-buffered %lu "
           "cycles, sequential %lu cycles (%lu%% of it)\n", M, K, N, n, STEPS, T, T,
           took[1], took[0], took[1] * 100 / took[0]);
    pi_cl_l1_free(0, pool, 6 * T * T * sizeof(float));
}

int main(void)
{
    /* Small integers: exact products and sums. */
    for (int i = 0; i < M * K; i++)
        A[i] = (float)((i * 7 + 3) % 9 - 4);
    for (int i = 0; i < K * N; i++)
        B[i] = (float)((i * 5 + 1) % 7 - 3);
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) {
            float acc = 0.0f;
            for (int k = 0; k < K; k++)
                acc += A[i * K + k] * B[k * N + j];
            REF[i * N + j] = acc;
        }

    struct pi_device cluster;
    struct pi_cluster_conf conf;
    struct pi_cluster_task task;
    pi_cluster_conf_init(&conf);
    pi_open_from_conf(&cluster, &conf);
    if (pi_cluster_open(&cluster))
        return 3;
    pi_cluster_send_task_to_cl(&cluster, pi_cluster_task(&task, cluster_entry, 0));
    pi_cluster_close(&cluster);
    printf("PMSIS gemm-dma: %s\n", result ? "FAIL" : "PASS");
    return result;
}
