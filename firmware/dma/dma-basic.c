/*
 * dma-basic: core 0 moves every power of two from 1 B to 8 KiB out of the TCDM and back in,
 * checking each destination and the 16 guard bytes after it, and prints the cycles each
 * transfer took from its first register access to the end of its wait (written after the
 * MCHAN regression test of the PULP platform). Built for MCHAN (dma-basic) and for iDMA
 * (dma-basic-idma, -DUSE_IDMA, run with --dma idma).
 *
 * Exit code: the number of wrong bytes (at most 255); 0 means every transfer checked.
 */
#include "pulp.h"

#define MAX_BYTES 8192
#define GUARD 16

L1_BSS static uint8_t loc[MAX_BYTES + GUARD] __attribute__((aligned(8)));
static uint8_t ext[MAX_BYTES + GUARD] __attribute__((aligned(8)));

static unsigned long one(uint32_t n, int ext2loc)
{
    unsigned long t0 = cycles();
#ifndef USE_IDMA
    plp_dma_wait(plp_dma_memcpy((uint32_t)ext, (uint32_t)loc, n, ext2loc));
#else
    uint32_t id = ext2loc ? idma_l2_to_l1((uint32_t)ext, (uint32_t)loc, n) : idma_l1_to_l2((uint32_t)loc, (uint32_t)ext, n);
    idma_wait(ext2loc ? 1 : 0, id);
#endif
    return cycles() - t0;
}

int main(void)
{
    if (get_core_id() != 0) return 0;
    unsigned errors = 0;
    for (uint32_t n = 1; n <= MAX_BYTES; n *= 2) {
        for (uint32_t i = 0; i < n; i++) loc[i] = (uint8_t)(i ^ (i >> 8));
        for (uint32_t i = 0; i < n + GUARD; i++) ext[i] = 0;
        unsigned long out = one(n, 0);
        for (uint32_t i = 0; i < n + GUARD; i++) errors += ext[i] != (i < n ? (uint8_t)(i ^ (i >> 8)) : 0);
        for (uint32_t i = 0; i < n; i++) ext[i] = (uint8_t)(i * 3 + 1);
        for (uint32_t i = 0; i < n + GUARD; i++) loc[i] = 0;
        unsigned long in = one(n, 1);
        for (uint32_t i = 0; i < n + GUARD; i++) errors += loc[i] != (i < n ? (uint8_t)(i * 3 + 1) : 0);
        printf("%5u B: TCDM->L2 %5lu cycles, L2->TCDM %5lu cycles\n", (unsigned)n, out, in);
    }
    printf("dma-basic: %u wrong bytes\n", errors);
    return errors > 255 ? 255 : (int)errors;
}
