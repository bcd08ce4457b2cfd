/*
 * redmule-gemm-xif: jobs offloaded with the custom instructions instead of the job registers:
 *   mcnfig rs1, rs2          (custom-0) MCFG0 = K << 16 | M, MCFG1 = N
 *   marith rs1, rs2, rs3     (custom-1, R4) X = rs1, W = rs2, Z = rs3, ARITH = the instruction
 *                            word (op in bits 12:10, format in bits 8:7); triggers the job
 * with a soft clear (MMIO) before each job and the completion awaited as usual (STATUS and
 * event 12). Several operations and formats, since op and format travel in the instruction
 * word; the last job is issued by core 3, whose event unit must receive the completion.
 *
 * Exit codes: 0 pass; job j (1-based) differs: j; 10 + j: bytes after Z changed.
 */
#include "example.h"

#define POOL_BYTES (20 * 1024)

struct job { uint16_t m, n, k; uint8_t op, fmt; };
static const struct job jobs[] = {
    { 48, 32, 32, REDMULE_GEMM, REDMULE_FLOAT16 },
    { 12, 32, 16, REDMULE_MATMUL, REDMULE_FLOAT16 },
    { 24, 16, 32, REDMULE_ADDMIN, REDMULE_FLOAT16 },
    { 24, 32, 32, REDMULE_GEMM, REDMULE_FLOAT8 },
    { 12, 16, 16, REDMULE_MINMAX, REDMULE_FLOAT8ALT },
    { 36, 40, 24, REDMULE_MULMAX, REDMULE_FLOAT16 },
    { 24, 48, 48, REDMULE_GEMM, REDMULE_FLOAT16 },    /* issued by core 3 */
};
#define NJOBS (sizeof(jobs) / sizeof(jobs[0]))

L1_BSS static uint8_t pool[POOL_BYTES] __attribute__((aligned(16)));
static uint8_t ref[48 * 2 * 48];    /* L2 */

/* op and format must be constants in the instruction word: one case per job. */
static void run_xif(unsigned j, const void *x, const void *w, void *y)
{
    uint32_t m = jobs[j].m, n = jobs[j].n, k = jobs[j].k;
    switch (j) {
    case 0: REDMULE_XIF_GEMM(x, w, y, m, n, k, REDMULE_GEMM, REDMULE_FLOAT16); break;
    case 1: REDMULE_XIF_GEMM(x, w, y, m, n, k, REDMULE_MATMUL, REDMULE_FLOAT16); break;
    case 2: REDMULE_XIF_GEMM(x, w, y, m, n, k, REDMULE_ADDMIN, REDMULE_FLOAT16); break;
    case 3: REDMULE_XIF_GEMM(x, w, y, m, n, k, REDMULE_GEMM, REDMULE_FLOAT8); break;
    case 4: REDMULE_XIF_GEMM(x, w, y, m, n, k, REDMULE_MINMAX, REDMULE_FLOAT8ALT); break;
    case 5: REDMULE_XIF_GEMM(x, w, y, m, n, k, REDMULE_MULMAX, REDMULE_FLOAT16); break;
    default: REDMULE_XIF_GEMM(x, w, y, m, n, k, REDMULE_GEMM, REDMULE_FLOAT16); break;
    }
}

int main(void)
{
    unsigned core = get_core_id(), nc = get_core_num();
    int result = 0;

    for (unsigned j = 0; j < NJOBS; j++) {
        uint32_t m = jobs[j].m, n = jobs[j].n, k = jobs[j].k;
        unsigned op = jobs[j].op, fmt = jobs[j].fmt;
        unsigned issuer = (j == NJOBS - 1 && nc > 3) ? 3 : 0;
        uint8_t *x = pool;
        uint8_t *w = x + ((redmule_matrix_size(m, n) + REDMULE_OVERREAD + 15) & ~15u);
        uint8_t *y = w + ((redmule_w_size(n, k) + REDMULE_OVERREAD + 15) & ~15u);
        uint32_t ysize = redmule_z_size(m, k);
        if (core == 0) {
            rm_srand(0x1F + j);
            rm_fill(x, redmule_matrix_size(m, n), fmt, m, n, -3, 1, 0);
            rm_fill(w, redmule_w_size(n, k), fmt, n, k, -3, 1, 0);
            rm_fill(y, ysize, fmt, m, k, -2, 2, 0);
            rm_canary_set(y + ysize, 64);
        }
        synch_barrier();
        rm_ref_team(x, w, y, ref, m, n, k, op, fmt);
        if (core == issuer) {
            unsigned long t0 = cycles();
            run_xif(j, x, w, y);
            unsigned long t1 = cycles();
            uint32_t bad = redmule_compare(y, ref, m, k, fmt, 3);
            int canary = rm_canary_ok(y + ysize, 64);
            printf("gemm-xif %-6s %-9s %ux%ux%u (core %u): %lu cycles, %u of %u differ%s\n",
                   rm_op_name(op), rm_fmt_name(fmt), (unsigned)m, (unsigned)n, (unsigned)k, core,
                   t1 - t0, (unsigned)bad, (unsigned)(m * k), canary ? "" : ", bytes after Z changed");
            if (!result && bad)
                result = (int)j + 1;
            else if (!result && !canary)
                result = 10 + (int)j + 1;
            if (issuer != 0 && result)
                pulp_exit(result);
        }
        synch_barrier();
    }
    if (core == 0)
        printf("redmule-gemm-xif: %s (exit %d)\n", result ? "FAIL" : "PASS", result);
    return result;
}
