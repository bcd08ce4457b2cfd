/*
 * race-dma-redmule: double buffering gone wrong. Core 0 triggers a RedMulE GEMM on tile X and,
 * instead of waiting for the job before reusing X, starts the DMA transfer of the next tile from
 * L2 into the same buffer. `pulpsim run --check-races` reports the DMA's writes of X against the
 * job's reads of it (exit 119).
 */
#include "pulp.h"
#include "redmule.h"

#define DIM 32

L1_BSS static uint16_t x[DIM * DIM] __attribute__((aligned(16)));
L1_BSS static uint16_t w[DIM * DIM] __attribute__((aligned(16)));
L1_BSS static uint16_t z[DIM * DIM] __attribute__((aligned(16)));
static uint16_t next_tile[DIM * DIM];   /* L2 */

int main(void)
{
    if (get_core_id() != 0)
        return 0;
    for (int i = 0; i < DIM * DIM; i++) {
        x[i] = 0x3c00;
        w[i] = 0x3c00;
        z[i] = 0;
        next_tile[i] = 0x4000;
    }
    redmule_offload(x, w, z, DIM, DIM, DIM, REDMULE_GEMM, REDMULE_FLOAT16);
    /* BUG: the next tile goes into X while the job still reads it (wait for the job first) */
    int id = plp_dma_memcpy((uint32_t)next_tile, (uint32_t)x, sizeof(x), 1);
    plp_dma_wait(id);
    redmule_wait();
    printf("race-dma-redmule: Z[0] 0x%04x\n", (unsigned)z[0]);
    return 0;
}
