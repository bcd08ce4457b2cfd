/*
 * redmule-gemm-vs-sw: the same 64 x 64 x 64 GEMM (Z = X * W + Y) computed
 *   - in FP32 software on all started cores (rows split, operands in TCDM, the inner loop
 *     compiles to fmadd.s), timed from a barrier to a barrier on core 0, and
 *   - by RedMulE in Float16 (one job, driven by core 0), timed around redmule_gemm and from
 *     the TRIGGER store to the wake-up,
 * printing both cycle counts and the speed-up. The inputs are FP16 numbers, so both start
 * from the same values.
 *
 * M = 64 is not a multiple of 12: RedMulE writes rows 64..71 of Z with stale data (the Y/Z
 * buffer has room for them) and pulpsim prints its z-padding warning once.
 *
 * Checks: the RedMulE result equals the software reference of redmule.h bit for bit; the
 * FP32 result agrees with it within the FP16 chain's rounding error bound
 * |z32 - z16| <= 2^-10 * (N + 1) * (|Y| + sum |X * W|).
 *
 * Exit codes: 0 pass; 1 RedMulE differs from the reference; 2 FP32 result out of bounds;
 * 3 bytes after the Y/Z buffer changed.
 */
#include "example.h"

#define DIM 64

L1_BSS static float xf[DIM][DIM], wf[DIM][DIM], zf[DIM][DIM];
L1_BSS static uint16_t x16[DIM * DIM + 32] __attribute__((aligned(16)));
L1_BSS static uint16_t w16[DIM * DIM + 32] __attribute__((aligned(16)));
L1_BSS static uint16_t y16[72 * DIM + 32] __attribute__((aligned(16)));   /* 12*ceil(64/12) rows */
static uint16_t y0[DIM * DIM], ref[DIM * DIM];                             /* L2 */
L1_BSS static volatile uint32_t trig_to_event;

static void sw_gemm(int r0, int r1)
{
    for (int i = r0; i < r1; i++)
        for (int j = 0; j < DIM; j++) {
            float acc = redmule_fp16_to_float(y0[i * DIM + j]);
            for (int n = 0; n < DIM; n++)
                acc += xf[i][n] * wf[n][j];
            zf[i][j] = acc;
        }
}

static float fabs_(float v)
{
    return v < 0 ? -v : v;
}

int main(void)
{
    unsigned core = get_core_id(), nc = get_core_num();
    int result = 0;

    if (core == 0) {
        rm_srand(0x5157);
        rm_fill(x16, sizeof(x16), REDMULE_FLOAT16, DIM, DIM, -3, 1, 0);
        rm_fill(w16, sizeof(w16), REDMULE_FLOAT16, DIM, DIM, -3, 1, 0);
        rm_fill(y16, sizeof(y16), REDMULE_FLOAT16, DIM, DIM, -2, 2, 0);
        rm_copy(y0, y16, sizeof(y0));
        for (int i = 0; i < DIM; i++)
            for (int j = 0; j < DIM; j++) {
                xf[i][j] = redmule_fp16_to_float(x16[i * DIM + j]);
                wf[i][j] = redmule_fp16_to_float(w16[i * DIM + j]);
            }
        rm_canary_set(&y16[72 * DIM], 64);
    }
    synch_barrier();

    /* FP32 software on every core */
    unsigned long s0 = cycles();
    sw_gemm((int)(core * DIM / nc), (int)((core + 1) * DIM / nc));
    synch_barrier();
    unsigned long sw_cycles = cycles() - s0;

    /* RedMulE on core 0 (the others wait at the next barrier) */
    unsigned long hw_cycles = 0;
    if (core == 0) {
        unsigned long h0 = cycles();
        redmule_soft_clear();
        redmule_acquire();
        redmule_cfg((uint32_t)x16, (uint32_t)w16, (uint32_t)y16, DIM, DIM, DIM, REDMULE_GEMM,
                    REDMULE_FLOAT16);
        redmule_event_clear();
        unsigned long tt = cycles();
        redmule_trigger();
        redmule_wait();
        unsigned long h1 = cycles();
        hw_cycles = h1 - h0;
        trig_to_event = (uint32_t)(h1 - tt);
    }
    synch_barrier();

    /* reference (all cores), checks on core 0 */
    rm_ref_team(x16, w16, y0, ref, DIM, DIM, DIM, REDMULE_GEMM, REDMULE_FLOAT16);
    if (core != 0)
        return 0;

    uint32_t bad = redmule_compare(y16, ref, DIM, DIM, REDMULE_FLOAT16, 4);
    uint32_t out = 0;
    float worst = 0.0f;
    for (int i = 0; i < DIM; i++)
        for (int j = 0; j < DIM; j++) {
            float mag = fabs_(redmule_fp16_to_float(y0[i * DIM + j]));
            for (int n = 0; n < DIM; n++)
                mag += fabs_(xf[i][n] * wf[n][j]);
            float diff = fabs_(zf[i][j] - redmule_fp16_to_float(ref[i * DIM + j]));
            float bound = mag * (float)(DIM + 1) * (1.0f / 1024.0f);
            if (diff > bound)
                out++;
            if (mag > 0 && diff / mag > worst)
                worst = diff / mag;
        }
    int canary = rm_canary_ok(&y16[72 * DIM], 64);
    unsigned speedup100 = hw_cycles ? (unsigned)((uint64_t)sw_cycles * 100 / hw_cycles) : 0;
    printf("gemm-vs-sw %dx%dx%d: FP32 software on %u cores %lu cycles\n", DIM, DIM, DIM, nc, sw_cycles);
    printf("gemm-vs-sw %dx%dx%d: RedMulE FP16 %lu cycles (trigger to event %u)\n", DIM, DIM, DIM,
           hw_cycles, (unsigned)trig_to_event);
    printf("gemm-vs-sw: speed-up %u.%02u\n", speedup100 / 100, speedup100 % 100);
    printf("gemm-vs-sw: RedMulE vs reference %u differ; FP32 vs FP16 worst relative error %.6f, "
           "%u out of bound\n", (unsigned)bad, (double)worst, (unsigned)out);
    if (bad)
        result = 1;
    else if (out)
        result = 2;
    else if (!canary)
        result = 3;
    printf("redmule-gemm-vs-sw: %s (exit %d)\n", result ? "FAIL" : "PASS", result);
    return result;
}
