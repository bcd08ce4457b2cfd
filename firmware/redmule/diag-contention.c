/*
 * redmule-diag-contention: cores 1..7 keep working on data in the TCDM while core 0 runs a
 * 48 x 64 x 48 job, and nobody gives RedMulE priority (redmule_priority_first). Their loads and
 * stores take banks RedMulE asks, the interconnect refuses RedMulE's requests, and at one
 * point the RTL does not survive a refusal: the job never ends (docs/platform.md §7.5, §7.6).
 *
 * pulpsim: error, exit 122; with --redmule-errors=warn the job is computed as intended and
 * completes when the deadlock is found: exit 0 if the result matches the reference, 1 if not.
 */
#include "example.h"

#define M 48
#define N 64
#define K 48

L1_BSS static uint8_t pool[24 * 1024] __attribute__((aligned(16)));
L1_BSS static uint32_t work[8][256];
L1_BSS static volatile uint32_t done;
static uint8_t ref[(M + 12) * K * 2];

int main(void)
{
    unsigned core = get_core_id();
    uint8_t *x, *w, *y;
    uint32_t ys = 0;
    if (core == 0) {
        done = 0;
        ys = rm_setup_job(pool, M, N, K, REDMULE_FLOAT16, 404, &x, &w, &y);
        redmule_ref(x, w, y, ref, M, N, K, REDMULE_GEMM, REDMULE_FLOAT16);
        printf("diag-contention: GEMM Float16 M=%d N=%d K=%d, 7 cores busy in TCDM meanwhile\n", M, N, K);
    }
    synch_barrier();
    if (core != 0) {
        /* Workers: a running update of their own TCDM words until the job is over. */
        volatile uint32_t *a = work[core];
        for (uint32_t i = 0; !done; i++)
            a[i & 255] = a[(i + 1) & 255] + i;
        synch_barrier();
        return 0;
    }
    redmule_gemm(x, w, y, M, N, K, REDMULE_GEMM, REDMULE_FLOAT16);
    done = 1;
    synch_barrier();
    return rm_check_job("diag-contention", y, ys, ref, M, K, REDMULE_FLOAT16);
}
