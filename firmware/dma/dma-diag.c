/*
 * dma-diag: one DMA misprogramming per build (docs/platform.md §11), each diagnosed by pulpsim:
 * the run stops with exit 125; with --dma-errors=warn the erroneous transfer is dropped (it
 * completes without moving data, its event still comes) and the program checks that it goes on.
 *
 *   -DDIAG_length0        a transfer of length 0
 *   -DDIAG_outside_tcdm   a TCDM address in L2
 *   -DDIAG_17th_id        a 17th CMD read while 16 ids are allocated (under warn core 0 waits,
 *                         as on the RTL, until core 1 frees id 5)
 *   -DDIAG_interrupted    a STATUS read between the words of a command
 *
 * Exit code 0 when the program got through (only possible under warn), 1 otherwise.
 */
#include "pulp.h"

#ifndef DIAG_17th_id
L1_BSS static uint8_t loc[256];
static uint8_t ext[256];
#endif

int main(void)
{
    unsigned core = get_core_id();
#ifdef DIAG_17th_id
    if (core == 0) for (int i = 0; i < 16; i++) (void)plp_dma_counter_alloc();
    synch_barrier();
    if (core == 1) {
        for (volatile int i = 0; i < 300; i++) {}
        plp_dma_counter_free(5);
        return 0;
    }
    if (core != 0) return 0;
    int id = plp_dma_counter_alloc();   /* the 17th */
    return id != 5;
#else
    if (core != 0) return 0;
    int id = plp_dma_counter_alloc();
#if defined(DIAG_length0)
    plp_dma_cmd_push(plp_dma_cmd(PLP_DMA_EXT2LOC, 0, PLP_DMA_1D, 1, 0, 0), (uint32_t)loc, (uint32_t)ext);
#elif defined(DIAG_outside_tcdm)
    plp_dma_cmd_push(plp_dma_cmd(PLP_DMA_EXT2LOC, sizeof loc, PLP_DMA_1D, 1, 0, 0), (uint32_t)ext + 256, (uint32_t)ext);
#elif defined(DIAG_interrupted)
    mchan_word(ARCHI_DMA_ADDR, plp_dma_cmd(PLP_DMA_EXT2LOC, sizeof loc, PLP_DMA_1D, 1, 0, 0));
    (void)plp_dma_status();            /* the command is abandoned here */
    plp_dma_cmd_push(plp_dma_cmd(PLP_DMA_EXT2LOC, sizeof loc, PLP_DMA_1D, 1, 0, 0), (uint32_t)loc, (uint32_t)ext);
#endif
    plp_dma_wait(id);
    return (plp_dma_status() & 0xFFFF) != 0;
#endif
}
