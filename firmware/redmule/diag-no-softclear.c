/*
 * redmule-diag-no-softclear: a second job triggered without a SOFT_CLEAR since the previous
 * job (on the RTL the second job computes wrong results; docs/platform.md §7.6).
 *
 * Job 1 (GEMM Float16 24 x 32 x 32) is run properly; job 2 (same shape, other buffers) is
 * acquired, configured and triggered with no soft clear in between.
 *
 * pulpsim: error at the TRIGGER of job 2 -> exit 122. With --redmule-errors=warn job 2 is
 * computed as intended: exit 0 if both results match the reference, 1 job 1 differs,
 * 2 job 2 differs.
 */
#include "example.h"

#define M 24
#define N 32
#define K 32

L1_BSS static uint8_t pool1[8 * 1024] __attribute__((aligned(16)));
L1_BSS static uint8_t pool2[8 * 1024] __attribute__((aligned(16)));
static uint8_t ref1[M * K * 2], ref2[M * K * 2];

int main(void)
{
    if (get_core_id() != 0)
        return 0;
    uint8_t *x1, *w1, *y1, *x2, *w2, *y2;
    uint32_t ys1 = rm_setup_job(pool1, M, N, K, REDMULE_FLOAT16, 101, &x1, &w1, &y1);
    uint32_t ys2 = rm_setup_job(pool2, M, N, K, REDMULE_FLOAT16, 102, &x2, &w2, &y2);
    redmule_ref(x1, w1, y1, ref1, M, N, K, REDMULE_GEMM, REDMULE_FLOAT16);
    redmule_ref(x2, w2, y2, ref2, M, N, K, REDMULE_GEMM, REDMULE_FLOAT16);

    redmule_gemm(x1, w1, y1, M, N, K, REDMULE_GEMM, REDMULE_FLOAT16);    /* with soft clear */

    printf("diag-no-softclear: second job without SOFT_CLEAR\n");
    redmule_acquire();                                                    /* no soft clear */
    redmule_cfg((uint32_t)x2, (uint32_t)w2, (uint32_t)y2, M, N, K, REDMULE_GEMM, REDMULE_FLOAT16);
    redmule_trigger();
    redmule_wait();

    if (rm_check_job("job 1", y1, ys1, ref1, M, K, REDMULE_FLOAT16))
        return 1;
    if (rm_check_job("job 2", y2, ys2, ref2, M, K, REDMULE_FLOAT16))
        return 2;
    return 0;
}
