/*
 * redmule-diag-zero-size: a job with M = 0 (MCFG0 = K << 16 | 0), e.g. the empty remainder
 * of a tiling loop. Undefined on the RTL (docs/platform.md §7.6).
 *
 * pulpsim: error -> exit 122. With --redmule-errors=warn there is nothing to compute:
 * exit 0 if the job completes and the Y/Z buffer and the bytes after it are unchanged,
 * 1 if they changed.
 */
#include "example.h"
#include "string.h"

#define N 16
#define K 16

L1_BSS static uint8_t pool[4 * 1024] __attribute__((aligned(16)));
static uint8_t saved[12 * K * 2];

int main(void)
{
    if (get_core_id() != 0)
        return 0;
    uint8_t *x, *w, *y;
    uint32_t ys = rm_setup_job(pool, 12, N, K, REDMULE_FLOAT16, 501, &x, &w, &y);
    rm_copy(saved, y, sizeof(saved));
    printf("diag-zero-size: GEMM Float16 M=0 N=%d K=%d\n", N, K);
    redmule_gemm(x, w, y, 0, N, K, REDMULE_GEMM, REDMULE_FLOAT16);
    int same = memcmp(saved, y, sizeof(saved)) == 0 && rm_canary_ok(y + ys, 64);
    printf("diag-zero-size: job completed, Y/Z %s\n", same ? "unchanged" : "CHANGED");
    return same ? 0 : 1;
}
