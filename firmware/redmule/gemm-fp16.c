/*
 * redmule-gemm-fp16: Z = X * W + Y in Float16 on RedMulE, bit-exact against the software
 * reference of redmule.h, for a few shapes (M is a multiple of 12 everywhere, so RedMulE
 * writes no padding rows past Z and pulpsim prints no warning).
 *
 * Flow: core 0 generates the data; every core computes its rows of the reference (from the
 * original Y); core 0 runs the jobs (soft clear, acquire, configure, trigger, sleep on
 * event 12) and compares. For every job it also checks that the job id after a soft clear
 * is 0, that STATUS is 0 after the wait, and that the 64 bytes after Z are untouched.
 *
 * Exit codes: 0 pass; for shape s (1-based): 10*s + 1 result differs, 10*s + 2 bytes after
 * Z changed, 10*s + 3 job id not 0, 10*s + 4 STATUS not 0 after the completion event.
 */
#include "example.h"

#define POOL_BYTES (40 * 1024)

struct shape { uint16_t m, n, k; };
static const struct shape shapes[] = {
    { 48, 32, 32 },     /* the main case: 4 x 2 output tiles, N = 32 */
    { 36, 20, 40 },     /* N mod 16 = 4 (the RTL's slower case), K not a multiple of 16 */
    { 12, 64, 16 },     /* one output tile, long chain */
    { 24, 18, 24 },     /* N mod 4 = 2: two zero padding lanes per chain */
    { 60, 96, 48 },
};
#define NSHAPES (sizeof(shapes) / sizeof(shapes[0]))

L1_BSS static uint8_t pool[POOL_BYTES] __attribute__((aligned(16)));
static uint16_t ref[60 * 48];     /* L2 */

int main(void)
{
    unsigned core = get_core_id();
    int result = 0;

    for (unsigned s = 0; s < NSHAPES; s++) {
        uint32_t m = shapes[s].m, n = shapes[s].n, k = shapes[s].k;
        uint8_t *x = pool;
        uint8_t *w = x + ((redmule_matrix_size(m, n) + REDMULE_OVERREAD + 15) & ~15u);
        uint8_t *y = w + ((redmule_w_size(n, k) + REDMULE_OVERREAD + 15) & ~15u);
        uint32_t ysize = redmule_z_size(m, k);
        if (core == 0) {
            rm_srand(0xC0FFEE + s);
            rm_fill(x, redmule_matrix_size(m, n), REDMULE_FLOAT16, m, n, -3, 1, 0);
            rm_fill(w, redmule_w_size(n, k), REDMULE_FLOAT16, n, k, -3, 1, 0);
            rm_fill(y, ysize, REDMULE_FLOAT16, m, k, -2, 2, 0);
            rm_canary_set(y + ysize, 64);
        }
        synch_barrier();
        rm_ref_team(x, w, y, ref, m, n, k, REDMULE_GEMM, REDMULE_FLOAT16);
        if (core != 0) {
            synch_barrier();
            continue;
        }

        unsigned long t0 = cycles();
        int id = redmule_gemm(x, w, y, m, n, k, REDMULE_GEMM, REDMULE_FLOAT16);
        unsigned long t1 = cycles();
        uint32_t status = redmule_status();
        uint32_t bad = redmule_compare(y, ref, m, k, REDMULE_FLOAT16, 4);
        int canary = rm_canary_ok(y + ysize, 64);
        printf("gemm-fp16 %ux%ux%u: job %d, %lu cycles, %u of %u elements differ%s\n",
               (unsigned)m, (unsigned)n, (unsigned)k, id, t1 - t0, (unsigned)bad,
               (unsigned)(m * k), canary ? "" : ", bytes after Z changed");
        int code = 10 * (int)(s + 1);
        if (!result) {
            if (bad)
                result = code + 1;
            else if (!canary)
                result = code + 2;
            else if (id != 0)
                result = code + 3;
            else if (status != 0)
                result = code + 4;
        }
        synch_barrier();
    }
    if (core == 0)
        printf("redmule-gemm-fp16: %s (exit %d)\n", result ? "FAIL" : "PASS", result);
    return result;
}
