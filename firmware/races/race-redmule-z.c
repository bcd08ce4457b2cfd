/*
 * race-redmule-z: core 0 triggers a RedMulE GEMM and reads Z without waiting for the job's
 * completion (neither the event nor STATUS). `pulpsim run --check-races` reports the load of
 * Z against RedMulE's write of it (exit 119).
 */
#include "pulp.h"
#include "redmule.h"

#define DIM 24

L1_BSS static uint16_t x[DIM * DIM] __attribute__((aligned(16)));
L1_BSS static uint16_t w[DIM * DIM] __attribute__((aligned(16)));
L1_BSS static uint16_t z[DIM * DIM] __attribute__((aligned(16)));

int main(void)
{
    if (get_core_id() != 0)
        return 0;
    for (int i = 0; i < DIM * DIM; i++) {
        x[i] = 0x3c00;   /* 1.0 */
        w[i] = 0x3c00;
        z[i] = 0;
    }
    redmule_offload(x, w, z, DIM, DIM, DIM, REDMULE_GEMM, REDMULE_FLOAT16);
    uint32_t early = z[5];       /* BUG: the job has not completed */
    redmule_wait();
    printf("race-redmule-z: Z[5] read early 0x%04x, after the job 0x%04x\n", (unsigned)early, (unsigned)z[5]);
    return 0;
}
