/*
 * redmule-gemm-fp8: Z = X * W + Y with 8-bit inputs and output, in both FP8 formats:
 * Float8 (E5M2) and Float8Alt (E4M3 with infinities, max 240). Inputs are converted exactly
 * to FP16, the chain runs in FP16 and the result is rounded to FP8 (round to nearest even,
 * overflow to inf), all checked bit for bit against the software reference.
 *
 * FP8 keeps the FP16 addressing (element (r, c) at r*2*cols + 32*(c/16) + c%16): the buffers
 * are filled with 0xA5 first, so the test also checks that RedMulE writes bytes 16..31 of
 * every complete 32-byte chunk of a Z row as 0.
 *
 * Exit codes: 0 pass; for job j (1-based): 10*j + 1 result differs, 10*j + 2 a byte that
 * should be 0 is not, 10*j + 3 bytes after Z changed.
 */
#include "example.h"

#define POOL_BYTES (24 * 1024)

struct job { uint16_t m, n, k; uint8_t fmt; int8_t emin, emax; };
static const struct job jobs[] = {
    { 48, 32, 32, REDMULE_FLOAT8, -4, 1 },
    { 48, 32, 32, REDMULE_FLOAT8ALT, -4, 1 },
    { 24, 48, 24, REDMULE_FLOAT8, -2, 3 },      /* K = 24: the last chunk of a row is partial */
    { 24, 48, 24, REDMULE_FLOAT8ALT, -2, 3 },   /* sums up to ~1000: overflow to inf above 240 */
    { 36, 20, 64, REDMULE_FLOAT8ALT, -9, -3 },  /* small values: FP8 subnormals */
};
#define NJOBS (sizeof(jobs) / sizeof(jobs[0]))

L1_BSS static uint8_t pool[POOL_BYTES] __attribute__((aligned(16)));
static uint8_t ref[48 * 2 * 64];     /* L2, FP8 layout */

int main(void)
{
    unsigned core = get_core_id();
    int result = 0;

    for (unsigned j = 0; j < NJOBS; j++) {
        uint32_t m = jobs[j].m, n = jobs[j].n, k = jobs[j].k;
        unsigned fmt = jobs[j].fmt;
        uint8_t *x = pool;
        uint8_t *w = x + ((redmule_matrix_size(m, n) + REDMULE_OVERREAD + 15) & ~15u);
        uint8_t *y = w + ((redmule_w_size(n, k) + REDMULE_OVERREAD + 15) & ~15u);
        uint32_t ysize = redmule_z_size(m, k);
        if (core == 0) {
            rm_srand(0xF8F8 + j);
            rm_fill(x, redmule_matrix_size(m, n), fmt, m, n, jobs[j].emin, jobs[j].emax, 0);
            rm_fill(w, redmule_w_size(n, k), fmt, n, k, jobs[j].emin, jobs[j].emax, 0);
            rm_fill(y, ysize, fmt, m, k, jobs[j].emin, jobs[j].emax, 0);
            rm_canary_set(y + ysize, 64);
        }
        synch_barrier();
        rm_ref_team(x, w, y, ref, m, n, k, REDMULE_GEMM, fmt);
        if (core != 0) {
            synch_barrier();
            continue;
        }

        unsigned long t0 = cycles();
        redmule_gemm(x, w, y, m, n, k, REDMULE_GEMM, fmt);
        unsigned long t1 = cycles();
        uint32_t bad = redmule_compare(y, ref, m, k, fmt, 4);
        uint32_t nonzero = 0, infs = 0;
        for (uint32_t r = 0; r < m; r++) {
            for (uint32_t c0 = 0; c0 + 32 <= 2 * k; c0 += 32)      /* complete chunks only */
                for (uint32_t b = 16; b < 32; b++)
                    nonzero += y[r * 2 * k + c0 + b] != 0;
            for (uint32_t c = 0; c < k; c++)
                infs += (redmule_get(y, fmt, r, c, k) & 0x7FFFu) == 0x7C00u;
        }
        int canary = rm_canary_ok(y + ysize, 64);
        printf("gemm-fp8 %-9s %ux%ux%u: %lu cycles, %u of %u differ, %u infinities, "
               "%u unused bytes not 0%s\n",
               rm_fmt_name(fmt), (unsigned)m, (unsigned)n, (unsigned)k, t1 - t0, (unsigned)bad,
               (unsigned)(m * k), (unsigned)infs, (unsigned)nonzero,
               canary ? "" : ", bytes after Z changed");
        int code = 10 * (int)(j + 1);
        if (!result) {
            if (bad)
                result = code + 1;
            else if (nonzero)
                result = code + 2;
            else if (!canary)
                result = code + 3;
        }
        synch_barrier();
    }
    if (core == 0)
        printf("redmule-gemm-fp8: %s (exit %d)\n", result ? "FAIL" : "PASS", result);
    return result;
}
