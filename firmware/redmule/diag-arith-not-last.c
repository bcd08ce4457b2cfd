/*
 * redmule-diag-arith-not-last: ARITH written before MCFG1 (order X, W, Z, MCFG0, ARITH,
 * MCFG1). Writing ARITH starts the tile computation from the sizes programmed so far, so the
 * RTL would use a stale N (0 after the soft clear; docs/platform.md §7.2, §7.6).
 *
 * GEMM Float16 24 x 32 x 32.
 *
 * pulpsim: error -> exit 122. With --redmule-errors=warn the job is computed from the final
 * register values: exit 0 if the result matches the reference, 1 if not.
 */
#include "example.h"

#define M 24
#define N 32
#define K 32

L1_BSS static uint8_t pool[12 * 1024] __attribute__((aligned(16)));
static uint8_t ref[M * K * 2];

int main(void)
{
    if (get_core_id() != 0)
        return 0;
    uint8_t *x, *w, *y;
    uint32_t ys = rm_setup_job(pool, M, N, K, REDMULE_FLOAT16, 801, &x, &w, &y);
    redmule_ref(x, w, y, ref, M, N, K, REDMULE_GEMM, REDMULE_FLOAT16);
    printf("diag-arith-not-last: GEMM Float16 M=%d N=%d K=%d, MCFG1 written after ARITH\n", M, N, K);
    redmule_soft_clear();
    redmule_acquire();
    redmule_write(REDMULE_X_ADDR, (uint32_t)x);
    redmule_write(REDMULE_W_ADDR, (uint32_t)w);
    redmule_write(REDMULE_Z_ADDR, (uint32_t)y);
    redmule_write(REDMULE_MCFG0, REDMULE_MCFG0_VALUE(M, K));
    redmule_write(REDMULE_ARITH, REDMULE_ARITH_VALUE(REDMULE_GEMM, REDMULE_FLOAT16));
    redmule_write(REDMULE_MCFG1, N);
    redmule_trigger();
    redmule_wait();
    return rm_check_job("diag-arith-not-last", y, ys, ref, M, K, REDMULE_FLOAT16);
}
