/*
 * dma-deadlock: core 0 programs a transfer without its completion event (command bit 20
 * clear) and then waits for event 8: once the transfer is done nothing can wake it, and the
 * other cores have returned from main. pulpsim ends the run as a deadlock (exit 121) and its
 * report says, for core 0, that no transfer in flight raises event 8 and that the last
 * transfer of its queue raised no event.
 */
#include "pulp.h"

L1_BSS static uint8_t loc[64];
static uint8_t ext[64];

int main(void)
{
    if (get_core_id() != 0) return 0;
    int id = plp_dma_counter_alloc();
    plp_dma_cmd_push(plp_dma_cmd(PLP_DMA_EXT2LOC, sizeof loc, PLP_DMA_1D, 0, 0, 0), (uint32_t)loc, (uint32_t)ext);
    eu_evt_maskWaitAndClr(1u << ARCHI_CL_EVT_DMA0);   /* never comes */
    plp_dma_counter_free(id);
    return 0;
}
