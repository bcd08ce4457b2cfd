/*
 * matmul-fp32: C = A * B in single precision, 64x64 matrices in TCDM, rows split across the
 * started cores, timed with the cluster timer (whole kernel) and mcycle (each core's share).
 *
 * Inputs are small integers (|a| <= 4, |b| <= 3), so every product and partial sum is an
 * integer below 2^24 and exactly representable: the FP32 results are exact whatever the
 * summation order or fused multiply-add. Checks:
 *   - core 0 computes a single-core FP32 reference (timed too) and an integer reference;
 *     the FP32 reference must equal the integer one;
 *   - the parallel result must equal the reference bit for bit.
 *
 * Exit codes: 0 pass;
 *   1  single-core FP32 reference differs from the integer reference
 *   2  parallel result differs from the reference
 *   3  a core computed a different number of rows than assigned
 *   4  the cluster timer did not advance
 */
#include "pulp.h"

#define DIM 64

L1_BSS static float A[DIM][DIM];
L1_BSS static float B[DIM][DIM];
L1_BSS static float C[DIM][DIM];
static float C_ref[DIM][DIM];      /* L2 */
static int8_t A_int[DIM][DIM];     /* L2: integer copies of the inputs */
static int8_t B_int[DIM][DIM];

L1_BSS static volatile uint32_t core_cycles[ARCHI_NB_CORES];
L1_BSS static volatile uint32_t core_rows[ARCHI_NB_CORES];
L1_BSS static volatile uint32_t timer_parallel;

static inline int a_val(int i, int k) { return (i * 3 + k * 5) % 9 - 4; }
static inline int b_val(int k, int j) { return (k * 3 + j * 2 + k * j) % 7 - 3; }

static void matmul_rows(float (*c)[DIM], int row_lo, int row_hi)
{
    for (int i = row_lo; i < row_hi; i++)
        for (int j = 0; j < DIM; j++) {
            float sum = 0.0f;
            for (int k = 0; k < DIM; k++)
                sum += A[i][k] * B[k][j];
            c[i][j] = sum;
        }
}

static inline uint32_t bits(float f)
{
    union { float f; uint32_t u; } v = { .f = f };
    return v.u;
}

int main(void)
{
    unsigned core = get_core_id();
    unsigned n = get_core_num();
    int lo = (int)(core * DIM / n), hi = (int)((core + 1) * DIM / n);
    int result = 0;

    /* Initialise A and B in parallel (each core its rows). */
    for (int i = lo; i < hi; i++)
        for (int k = 0; k < DIM; k++) {
            A_int[i][k] = (int8_t)a_val(i, k);
            B_int[i][k] = (int8_t)b_val(i, k);
            A[i][k] = (float)A_int[i][k];
            B[i][k] = (float)B_int[i][k];
        }
    synch_barrier();

    /* Single-core reference on core 0 while the others wait at the barrier. */
    uint32_t t_ref = 0;
    if (core == 0) {
        cl_timer_start_from_zero();
        matmul_rows(C_ref, 0, DIM);
        t_ref = cl_timer_get();
        for (int i = 0; i < DIM; i++)
            for (int j = 0; j < DIM; j++) {
                int32_t s = 0;
                for (int k = 0; k < DIM; k++)
                    s += A_int[i][k] * B_int[k][j];
                if (C_ref[i][j] != (float)s && !result) {
                    printf("reference C[%d][%d] = %f, integer %ld\n", i, j, (double)C_ref[i][j], (long)s);
                    result = 1;
                }
            }
        cl_timer_start_from_zero();
    }
    synch_barrier();

    /* Parallel kernel. */
    unsigned long c0 = cycles();
    matmul_rows(C, lo, hi);
    unsigned long c1 = cycles();
    core_cycles[core] = c1 - c0;
    core_rows[core] = (uint32_t)(hi - lo);
    synch_barrier();
    if (core == 0)
        timer_parallel = cl_timer_get();

    printf("core %u: rows %2d..%2d, %lu cycles\n", core, lo, hi - 1, c1 - c0);
    synch_barrier();
    if (core != 0)
        return 0;

    uint32_t rows = 0;
    for (unsigned c = 0; c < n; c++)
        rows += core_rows[c];
    if (rows != DIM && !result)
        result = 3;
    for (int i = 0; i < DIM && !result; i++)
        for (int j = 0; j < DIM; j++)
            if (bits(C[i][j]) != bits(C_ref[i][j])) {
                printf("C[%d][%d] = %f, reference %f\n", i, j, (double)C[i][j], (double)C_ref[i][j]);
                result = 2;
                break;
            }
    if ((t_ref == 0 || timer_parallel == 0) && !result)
        result = 4;

    float trace = 0.0f;
    uint32_t checksum = 0;
    for (int i = 0; i < DIM; i++) {
        trace += C[i][i];
        for (int j = 0; j < DIM; j++)
            checksum = ((checksum << 5) | (checksum >> 27)) ^ bits(C[i][j]);
    }
    unsigned speedup100 = timer_parallel ? (unsigned)((uint64_t)t_ref * 100 / timer_parallel) : 0;
    printf("matmul %dx%d fp32: trace %.1f, C[0][1] %.1f, C[63][62] %.1f, checksum 0x%08x\n", DIM, DIM,
           (double)trace, (double)C[0][1], (double)C[DIM - 1][DIM - 2], (unsigned)checksum);
    printf("cluster timer: 1 core %lu cycles, %u cores %lu cycles, speedup %u.%02u\n",
           (unsigned long)t_ref, n, (unsigned long)timer_parallel, speedup100 / 100, speedup100 % 100);
    printf("matmul-fp32: %s\n", result ? "FAIL" : "PASS");
    return result;
}
