/*
 * redmule-diag-outside-tcdm: X in L2 (0x1C0x_xxxx) instead of TCDM. RedMulE reads and writes
 * TCDM only; on the RTL the address wraps or corrupts (docs/platform.md §7.4, §7.6).
 *
 * GEMM Float16 24 x 32 x 32, W and Y in TCDM.
 *
 * pulpsim: error -> exit 122. With --redmule-errors=warn the job is computed as intended
 * (reading X where it is): exit 0 if the result matches the reference, 1 if not.
 */
#include "example.h"

#define M 24
#define N 32
#define K 32

L1_BSS static uint8_t pool[12 * 1024] __attribute__((aligned(16)));
static uint8_t x_l2[M * N * 2 + 64] __attribute__((aligned(16)));      /* L2 */
static uint8_t ref[M * K * 2];

int main(void)
{
    if (get_core_id() != 0)
        return 0;
    uint8_t *x, *w, *y;
    uint32_t ys = rm_setup_job(pool, M, N, K, REDMULE_FLOAT16, 601, &x, &w, &y);
    rm_copy(x_l2, x, M * N * 2);
    redmule_ref(x_l2, w, y, ref, M, N, K, REDMULE_GEMM, REDMULE_FLOAT16);
    printf("diag-outside-tcdm: GEMM Float16 M=%d N=%d K=%d with X at 0x%08x (L2)\n", M, N, K,
           (unsigned)(uintptr_t)x_l2);
    redmule_gemm(x_l2, w, y, M, N, K, REDMULE_GEMM, REDMULE_FLOAT16);
    return rm_check_job("diag-outside-tcdm", y, ys, ref, M, K, REDMULE_FLOAT16);
}
