/*
 * redmule-padding: what pulpsim reports about the Z rows a job with M mod 12 != 0 overwrites
 * past row M (RedMulE computes whole 12-row tiles; the RTL writes stale data there, pulpsim
 * 0xFF; docs/platform.md §7.4). By default (--redmule-padding=read) a warning comes only when
 * something reads such a row before anything writes it. Five GEMM Float16 jobs of M = 20,
 * N = K = 16 (rows 20..23 overwritten), on core 0:
 *
 *   A  the buffer leaves room for the rows and nothing reads them: silent;
 *   B  the same, then a DMA transfer copies the whole buffer, padding rows too, to L2: a
 *      warning naming the transfer and the byte;
 *   C  Z laid out right before the X of job D, with no room: the padding rows destroy the
 *      first rows of D's X, which the program had filled; then job D runs: a warning that
 *      job D reads a padding row as X (the bug this check is for);
 *   E  the core clears the padding rows, then reads them: silent (the write ends the watch).
 *
 * Exit 0 when every job's results match the software reference where the operands were
 * intact (A, B, E; C's own result too), the DMA copy holds the padding bytes (0xFF) and
 * job D's X rows hold 0xFF where C's padding rows landed.
 */
#include "example.h"

#define M 20
#define N 16
#define K 16
#define ROWS_PADDED 24

L1_BSS static uint8_t pool_a[4096] __attribute__((aligned(16)));
L1_BSS static uint8_t pool_b[4096] __attribute__((aligned(16)));
L1_BSS static uint8_t pool_cd[8192] __attribute__((aligned(16)));
L1_BSS static uint8_t pool_e[4096] __attribute__((aligned(16)));
static uint8_t l2_copy[ROWS_PADDED * 2 * K] __attribute__((aligned(16)));
static uint8_t ref[ROWS_PADDED * 2 * K];

static int job(const char *what, uint8_t *pool, uint32_t seed)
{
    uint8_t *x, *w, *y;
    uint32_t ys = rm_setup_job(pool, M, N, K, REDMULE_FLOAT16, seed, &x, &w, &y);
    redmule_ref(x, w, y, ref, M, N, K, REDMULE_GEMM, REDMULE_FLOAT16);
    redmule_gemm(x, w, y, M, N, K, REDMULE_GEMM, REDMULE_FLOAT16);
    return rm_check_job(what, y, ys, ref, M, K, REDMULE_FLOAT16) ? 1 : 0;
}

int main(void)
{
    if (get_core_id() != 0)
        return 0;
    int failures = 0;

    /* A: room left, nothing reads it. */
    failures += job("padding A (room, unread)", pool_a, 11);

    /* B: the same, then the whole buffer, padding rows included, goes to L2 by DMA. */
    failures += job("padding B (room, copied by DMA)", pool_b, 12);
    uint8_t *yb = pool_b + ((redmule_matrix_size(M, N) + REDMULE_OVERREAD + 15) & ~15u)
                         + ((redmule_w_size(N, K) + REDMULE_OVERREAD + 15) & ~15u);
    int id = plp_dma_l1ToExt((uint32_t)l2_copy, (uint32_t)yb, ROWS_PADDED * 2 * K);
    plp_dma_wait(id);
    uint32_t copied_ff = 0;
    for (uint32_t i = M * 2 * K; i < ROWS_PADDED * 2 * K; i++)
        copied_ff += l2_copy[i] == 0xFF;
    printf("padding B: %u of %u padding bytes copied to L2 are 0xFF\n", (unsigned)copied_ff,
           (unsigned)((ROWS_PADDED - M) * 2 * K));
    failures += copied_ff != (ROWS_PADDED - M) * 2 * K;

    /* C then D: C's Z is followed at once by D's X (filled first), with no room for C's rows
     * 20..23: they overwrite D's X rows 0..1 (2 * 2 * K bytes = 2 rows of 2 * N). */
    uint8_t *xc = pool_cd, *wc = xc + 1024, *yc = wc + 1024;
    uint8_t *xd = yc + M * 2 * K, *wd = xd + 1024, *yd = wd + 1024;
    rm_srand(13);
    rm_fill(xc, redmule_matrix_size(M, N), REDMULE_FLOAT16, M, N, -3, 1, 0);
    rm_fill(wc, redmule_w_size(N, K), REDMULE_FLOAT16, N, K, -3, 1, 0);
    rm_fill(yc, M * 2 * K, REDMULE_FLOAT16, M, K, -2, 2, 0);
    rm_fill(xd, redmule_matrix_size(M, N), REDMULE_FLOAT16, M, N, -3, 1, 0);
    rm_fill(wd, redmule_w_size(N, K), REDMULE_FLOAT16, N, K, -3, 1, 0);
    rm_fill(yd, redmule_z_size(M, K), REDMULE_FLOAT16, M, K, -2, 2, 0);
    redmule_ref(xc, wc, yc, ref, M, N, K, REDMULE_GEMM, REDMULE_FLOAT16);
    redmule_gemm(xc, wc, yc, M, N, K, REDMULE_GEMM, REDMULE_FLOAT16);
    uint32_t bad_c = redmule_compare(yc, ref, M, K, REDMULE_FLOAT16, 4);
    printf("padding C: %u of %u elements differ from the reference\n", (unsigned)bad_c, (unsigned)(M * K));
    failures += bad_c != 0;
    redmule_gemm(xd, wd, yd, M, N, K, REDMULE_GEMM, REDMULE_FLOAT16);
    /* (Read only now: a core's read before job D would be the first read, and reported.) */
    uint32_t xd_ff = 0;
    for (uint32_t i = 0; i < (ROWS_PADDED - M) * 2 * K; i++)
        xd_ff += xd[i] == 0xFF;
    printf("padding D: ran on an X whose first %u bytes C's padding rows had set to 0xFF (%u expected)\n",
           (unsigned)xd_ff, (unsigned)((ROWS_PADDED - M) * 2 * K));
    failures += xd_ff != (ROWS_PADDED - M) * 2 * K;

    /* E: the core clears the padding rows before it reads them. */
    failures += job("padding E (cleared, then read)", pool_e, 14);
    uint8_t *ye = pool_e + ((redmule_matrix_size(M, N) + REDMULE_OVERREAD + 15) & ~15u)
                         + ((redmule_w_size(N, K) + REDMULE_OVERREAD + 15) & ~15u);
    for (uint32_t i = M * 2 * K; i < ROWS_PADDED * 2 * K; i++)
        ((volatile uint8_t *)ye)[i] = 0;
    uint32_t nonzero = 0;
    for (uint32_t i = M * 2 * K; i < ROWS_PADDED * 2 * K; i++)
        nonzero += ((volatile uint8_t *)ye)[i] != 0;
    printf("padding E: %u padding bytes nonzero after clearing\n", (unsigned)nonzero);
    failures += nonzero != 0;

    printf("redmule-padding: %s\n", failures ? "FAIL" : "PASS");
    return failures;
}
