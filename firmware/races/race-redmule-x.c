/*
 * race-redmule-x: core 0 triggers a RedMulE GEMM and, while the job still streams X, core 1
 * (released by a barrier right after the trigger) refills X for the next job. `pulpsim run
 * --check-races` reports core 1's stores against the job's reads of X (exit 119).
 */
#include "pulp.h"
#include "redmule.h"

#define DIM 48

L1_BSS static uint16_t x[DIM * DIM] __attribute__((aligned(16)));
L1_BSS static uint16_t w[DIM * DIM] __attribute__((aligned(16)));
L1_BSS static uint16_t z[DIM * DIM] __attribute__((aligned(16)));

int main(void)
{
    unsigned core = get_core_id();
    if (core == 0) {
        for (int i = 0; i < DIM * DIM; i++) {
            x[i] = 0x3c00;
            w[i] = 0x3800;   /* 0.5 */
            z[i] = 0;
        }
        redmule_offload(x, w, z, DIM, DIM, DIM, REDMULE_GEMM, REDMULE_FLOAT16);
    }
    synch_barrier();
    if (core == 1)
        for (int i = 0; i < DIM * DIM; i++)   /* BUG: RedMulE may still be reading X */
            x[i] = 0x4000;
    if (core == 0)
        redmule_wait();
    synch_barrier();
    if (core == 0)
        printf("race-redmule-x: Z[0] 0x%04x\n", (unsigned)z[0]);
    return 0;
}
