/*
 * redmule-gemm-ops: the eight RedMulE operations in the three supported formats, each run
 * twice: on ordinary data and on data sprinkled with special values (+-0, +-inf, NaN,
 * subnormals, the largest finite number), bit-exact against the software reference.
 *
 *   MATMUL  fused x*w + acc from acc = +0 (Y ignored); only valid for M <= 12, K <= 16
 *   GEMM    fused x*w + acc from acc = Y
 *   ADDMAX / ADDMIN   acc = max / min(x + w, acc)
 *   MULMAX / MULMIN   acc = max / min(x * w, acc)
 *   MAXMIN  acc = min(max(x, w), acc)        MINMAX  acc = max(min(x, w), acc)
 * min/max are IEEE 754-2008 minNum/maxNum (a NaN operand yields the other one, -0 < +0);
 * any NaN produced is 0x7E00 (FP8: 0x7E / 0x7C).
 *
 * Shapes: MATMUL 12 x 32 x 16 (one output tile), the others 24 x 32 x 32; N is a multiple
 * of 4, so the zero padding of the chains plays no role and pulpsim prints no warning.
 *
 * Three more Float16 GEMM jobs aim at corners of the arithmetic:
 *   61  signed zeros only, N = 16: Z = -0 exactly where Y = -0 and every product is -0
 *   62  signed zeros only, N = 18: the two +0 padding lanes turn every -0 into +0
 *   63  tiny values (exponents -12..-6): products and sums in the subnormal range
 *
 * Exit codes: 0 pass; otherwise 1 + 16 * format index (Float8 0, Float16 1, Float8Alt 2)
 * + 8 * data set (0 ordinary, 1 special values) + op, for the first failing job
 * (1..48); 60 if bytes after Z changed; 61..63 the extra jobs above.
 */
#include "example.h"

#define POOL_BYTES (16 * 1024)

L1_BSS static uint8_t pool[POOL_BYTES] __attribute__((aligned(16)));
static uint8_t ref[24 * 2 * 32];     /* L2 */

static const uint8_t fmts[] = { REDMULE_FLOAT8, REDMULE_FLOAT16, REDMULE_FLOAT8ALT };

int main(void)
{
    unsigned core = get_core_id();
    int result = 0;
    unsigned jobs = 0, failed = 0;

    for (unsigned f = 0; f < 3; f++)
        for (unsigned set = 0; set < 2; set++)
            for (unsigned op = 0; op < 8; op++) {
                unsigned fmt = fmts[f];
                uint32_t m = op == REDMULE_MATMUL ? 12 : 24, n = 32, k = op == REDMULE_MATMUL ? 16 : 32;
                uint8_t *x = pool;
                uint8_t *w = x + ((redmule_matrix_size(m, n) + REDMULE_OVERREAD + 15) & ~15u);
                uint8_t *y = w + ((redmule_w_size(n, k) + REDMULE_OVERREAD + 15) & ~15u);
                uint32_t ysize = redmule_z_size(m, k);
                if (core == 0) {
                    rm_srand(1 + op + 8 * set + 16 * f);
                    uint32_t sp = set ? 24 : 0;   /* about 1 element in 10 is special */
                    int emin = fmt == REDMULE_FLOAT16 ? -4 : -3;
                    rm_fill(x, redmule_matrix_size(m, n), fmt, m, n, emin, 2, sp);
                    rm_fill(w, redmule_w_size(n, k), fmt, n, k, emin, 2, sp);
                    rm_fill(y, ysize, fmt, m, k, emin, 2, sp);
                    rm_canary_set(y + ysize, 64);
                }
                synch_barrier();
                rm_ref_team(x, w, y, ref, m, n, k, op, fmt);
                if (core != 0) {
                    synch_barrier();
                    continue;
                }
                redmule_gemm(x, w, y, m, n, k, op, fmt);
                uint32_t bad = redmule_compare(y, ref, m, k, fmt, 3);
                int canary = rm_canary_ok(y + ysize, 64);
                jobs++;
                if (bad || !canary) {
                    failed++;
                    printf("gemm-ops %-6s %-9s %s: %u of %u elements differ%s\n", rm_op_name(op),
                           rm_fmt_name(fmt), set ? "special" : "ordinary", (unsigned)bad,
                           (unsigned)(m * k), canary ? "" : ", bytes after Z changed");
                    if (!result)
                        result = bad ? (int)(1 + 16 * f + 8 * set + op) : 60;
                } else {
                    printf("gemm-ops %-6s %-9s %-8s %ux%ux%u: ok\n", rm_op_name(op), rm_fmt_name(fmt),
                           set ? "special" : "ordinary", (unsigned)m, (unsigned)n, (unsigned)k);
                }
                synch_barrier();
            }
    /* extra Float16 GEMM jobs */
    for (unsigned e = 0; e < 3; e++) {
        uint32_t m = 12, n = e == 1 ? 18 : 16, k = 16;
        if (e == 2) {
            m = 24;
            n = 32;
            k = 32;
        }
        uint8_t *x = pool;
        uint8_t *w = x + ((redmule_matrix_size(m, n) + REDMULE_OVERREAD + 15) & ~15u);
        uint8_t *y = w + ((redmule_w_size(n, k) + REDMULE_OVERREAD + 15) & ~15u);
        uint32_t ysize = redmule_z_size(m, k);
        if (core == 0) {
            rm_srand(77 + e);
            if (e < 2) {          /* +-0 everywhere, mostly -0 so that some chains stay -0 */
                rm_fill(x, redmule_matrix_size(m, n), REDMULE_FLOAT16, m, n, 0, 0, 0);
                rm_fill(w, redmule_w_size(n, k), REDMULE_FLOAT16, n, k, 0, 0, 0);
                rm_fill(y, ysize, REDMULE_FLOAT16, m, k, 0, 0, 0);
                for (uint32_t r = 0; r < m; r++)
                    for (uint32_t c = 0; c < n; c++)
                        redmule_put_raw(x, REDMULE_FLOAT16, r, c, n, (rm_rand() & 15u) ? 0x8000u : 0);
                for (uint32_t r = 0; r < n; r++)
                    for (uint32_t c = 0; c < k; c++)
                        redmule_put_raw(w, REDMULE_FLOAT16, r, c, k, 0);
                for (uint32_t r = 0; r < m; r++)
                    for (uint32_t c = 0; c < k; c++)
                        redmule_put_raw(y, REDMULE_FLOAT16, r, c, k, (rm_rand() & 3u) ? 0x8000u : 0);
            } else {
                rm_fill(x, redmule_matrix_size(m, n), REDMULE_FLOAT16, m, n, -12, -6, 0);
                rm_fill(w, redmule_w_size(n, k), REDMULE_FLOAT16, n, k, -12, -6, 0);
                rm_fill(y, ysize, REDMULE_FLOAT16, m, k, -24 + 10, -14, 0);
            }
            rm_canary_set(y + ysize, 64);
        }
        synch_barrier();
        rm_ref_team(x, w, y, ref, m, n, k, REDMULE_GEMM, REDMULE_FLOAT16);
        if (core == 0) {
            redmule_gemm(x, w, y, m, n, k, REDMULE_GEMM, REDMULE_FLOAT16);
            uint32_t bad = redmule_compare(y, ref, m, k, REDMULE_FLOAT16, 3);
            uint32_t negzero = 0;
            for (uint32_t i = 0; i < m * k; i++)
                negzero += ((uint16_t *)ref)[i] == 0x8000u;
            int canary = rm_canary_ok(y + ysize, 64);
            jobs++;
            printf("gemm-ops GEMM   Float16   %-8s %ux%ux%u: %u differ, %u results are -0%s\n",
                   e == 2 ? "tiny" : "zeros", (unsigned)m, (unsigned)n, (unsigned)k, (unsigned)bad,
                   (unsigned)negzero, canary ? "" : ", bytes after Z changed");
            if (bad || !canary) {
                failed++;
                if (!result)
                    result = 61 + (int)e;
            }
        }
        synch_barrier();
    }

    if (core == 0)
        printf("redmule-gemm-ops: %u jobs, %u failed: %s (exit %d)\n", jobs, failed,
               result ? "FAIL" : "PASS", result);
    return result;
}
