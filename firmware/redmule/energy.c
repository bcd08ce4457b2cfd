/*
 * redmule-energy-sw and redmule-energy-redmule: the same 64 x 64 x 64 GEMM (Z = X * W + Y) from
 * the same FP16 inputs, built twice, so that `pulpsim run --energy` compares what each costs
 * (docs/energy.md, "RedMulE against software"):
 *   - ENERGY_SOFTWARE: FP32 software on every core (rows split, the inner loop compiles to
 *     flw, flw, fmadd.s), as in redmule-gemm-vs-sw;
 *   - otherwise: one RedMulE Float16 job driven by core 0 while the other cores sleep.
 * Both fill the operands the same way on every core first (a few thousand cycles, the same in
 * both runs) and print a checksum of Z; neither checks the result (redmule-gemm-vs-sw does).
 *
 * M = 64 is not a multiple of 12: RedMulE stores rows 64..71 of Z (the buffer has room).
 * Exit code 0.
 */
#include "example.h"

#define DIM 64

L1_BSS static uint16_t x16[DIM * DIM] __attribute__((aligned(16)));
L1_BSS static uint16_t w16[DIM * DIM] __attribute__((aligned(16)));
L1_BSS static uint16_t y16[72 * DIM] __attribute__((aligned(16)));   /* 12*ceil(64/12) rows */
#ifdef ENERGY_SOFTWARE
L1_BSS static float xf[DIM][DIM], wf[DIM][DIM], zf[DIM][DIM];
#endif

/* FP16 values of magnitude 1/8 to 1 with random signs and mantissas, from element i's index. */
static uint16_t value(uint32_t i, uint32_t seed)
{
    uint32_t h = (i + seed) * 2654435761u;
    h ^= h >> 15;
    return (uint16_t)((h & 0x8000) | (0x3000 + ((h >> 3) & 0xBFF)));
}

int main(void)
{
    unsigned core = get_core_id(), nc = get_core_num();

    for (uint32_t i = core; i < DIM * DIM; i += nc) {
        x16[i] = value(i, 1);
        w16[i] = value(i, 2);
        y16[i] = value(i, 3);
    }
    synch_barrier();
    uint32_t sum = 0;
#ifdef ENERGY_SOFTWARE
    int r0 = (int)(core * DIM / nc), r1 = (int)((core + 1) * DIM / nc);
    for (int i = r0; i < r1; i++)
        for (int j = 0; j < DIM; j++) {
            xf[i][j] = redmule_fp16_to_float(x16[i * DIM + j]);
            wf[i][j] = redmule_fp16_to_float(w16[i * DIM + j]);
        }
    synch_barrier();
    unsigned long s0 = cycles();
    for (int i = r0; i < r1; i++)
        for (int j = 0; j < DIM; j++) {
            float acc = redmule_fp16_to_float(y16[i * DIM + j]);
            for (int n = 0; n < DIM; n++)
                acc += xf[i][n] * wf[n][j];
            zf[i][j] = acc;
        }
    synch_barrier();
    unsigned long kernel = cycles() - s0;
    if (core != 0)
        return 0;
    const uint32_t *bits = (const uint32_t *)zf;
    for (int i = 0; i < DIM * DIM; i++)
        sum += bits[i];
    printf("redmule-energy-sw: FP32 software on %u cores, %lu cycles, checksum %08x\n", nc, kernel, (unsigned)sum);
#else
    if (core != 0)
        return 0;
    unsigned long s0 = cycles();
    redmule_soft_clear();
    redmule_acquire();
    redmule_cfg((uint32_t)x16, (uint32_t)w16, (uint32_t)y16, DIM, DIM, DIM, REDMULE_GEMM, REDMULE_FLOAT16);
    redmule_event_clear();
    redmule_trigger();
    redmule_wait();
    unsigned long kernel = cycles() - s0;
    for (int i = 0; i < DIM * DIM; i++)
        sum += y16[i];
    printf("redmule-energy-redmule: RedMulE Float16, %lu cycles, checksum %08x\n", kernel, (unsigned)sum);
#endif
    return 0;
}
