/*
 * cl_dma.c: the PMSIS cluster-DMA functions (include/pmsis/cl_dma.h) on MCHAN v7
 * (docs/platform.md §11): this core's queue at 0x1020_4400, CMD at +0x0, STATUS at +0x4.
 *
 * Each core keeps, in TCDM, the ids it allocated and has not freed yet (`pending`) and the id
 * it allocated last (`last_id`, for merge). Only the owning core touches its entries, so no
 * lock is needed; the hardware queue is per core as well.
 */
#include "pmsis.h"

/* The HAL's MCHAN layer (hal/hal_dma.h) does the register accesses. */
#define PMSIS_MCHAN_NB_IDS      16
#define PMSIS_DMA_EVENT_MASK    (1u << EU_EVT_DMA0)

#ifndef PMSIS_DMA_SOFTWARE

static L1_BSS uint32_t pending[ARCHI_NB_CORES];
static L1_BSS uint32_t last_id[ARCHI_NB_CORES];

/* One command: word, TCDM address, external address [, line length, stride]. */
static void pmsis_mchan_push(uint32_t ext, uint32_t loc, uint32_t size, uint32_t stride,
                       uint32_t length, pi_cl_dma_dir_e dir, int is_2d)
{
    uint32_t word = plp_dma_cmd(dir == PI_CL_DMA_DIR_EXT2LOC, size, is_2d, 1, 0, 0);
    if (is_2d)
        plp_dma_cmd_push_2d(word, loc, ext, stride, length);
    else
        plp_dma_cmd_push(word, loc, ext);
}

/* 1D commands of at most PMSIS_DMA_MAX_CHUNK bytes. */
static void push_1d(uint32_t ext, uint32_t loc, uint32_t size, pi_cl_dma_dir_e dir)
{
    while (size) {
        uint32_t n = size < PMSIS_DMA_MAX_CHUNK ? size : PMSIS_DMA_MAX_CHUNK;
        pmsis_mchan_push(ext, loc, n, 0, 0, dir, 0);
        ext += n;
        loc += n;
        size -= n;
    }
}

void __pmsis_dma_issue(uint32_t ext, uint32_t loc, uint32_t size, uint32_t stride,
                       uint32_t length, pi_cl_dma_dir_e dir, int is_2d, int merge, uint32_t *id)
{
    if (size == 0) {
        *id = PMSIS_DMA_NO_ID;
        return;
    }
    unsigned core = get_core_id();
    uint32_t tid;
    if (merge && (pending[core] & (1u << last_id[core]))) {
        tid = last_id[core];                /* no CMD read: the queue tags it with last_id */
    } else {
        tid = (uint32_t)plp_dma_counter_alloc();
        pending[core] |= 1u << tid;
        last_id[core] = tid;
    }
    *id = tid;

    if (size <= PMSIS_DMA_MAX_CHUNK) {
        pmsis_mchan_push(ext, loc, size, stride, length, dir, is_2d);
    } else if (!is_2d || length == 0 || length >= size) {
        push_1d(ext, loc, size, dir);
    } else if (length > PMSIS_DMA_MAX_CHUNK) {
        for (; size; ext += stride) {       /* lines longer than a command: one by one */
            uint32_t n = size < length ? size : length;
            push_1d(ext, loc, n, dir);
            loc += n;
            size -= n;
        }
    } else {
        uint32_t lines = PMSIS_DMA_MAX_CHUNK / length;    /* whole lines per command */
        while (size) {
            uint32_t n = size < lines * length ? size : lines * length;
            pmsis_mchan_push(ext, loc, n, stride, length, dir, n > length);
            ext += lines * stride;          /* only used if another command follows */
            loc += n;
            size -= n;
        }
    }
}

void __pmsis_dma_wait_id(uint32_t id)
{
    if (id >= PMSIS_MCHAN_NB_IDS)
        return;                             /* nothing issued, or already waited for */
    uint32_t bit = 1u << id;
    unsigned core = get_core_id();
    if (pending[core] & bit) {
        while (plp_dma_status() & bit)
            eu_evt_wait_only_clr(PMSIS_DMA_EVENT_MASK);
        plp_dma_counter_free((int)id);
        pending[core] &= ~bit;
    } else {
        /* Issued by another core (its event does not come here), or freed already. */
        while (plp_dma_status() & bit)
            ;
    }
}

void pi_cl_dma_flush(void)
{
    unsigned core = get_core_id();
    uint32_t mine = pending[core];
    if (mine == 0)
        return;
    while (plp_dma_status() & mine)
        eu_evt_wait_only_clr(PMSIS_DMA_EVENT_MASK);
    dma_reg_write(ARCHI_DMA_ADDR, MCHAN_STATUS, mine);      /* frees all of them at once */
    pending[core] = 0;
}

#else /* PMSIS_DMA_SOFTWARE: CPU copies, for a simulator without the DMA */

void __pmsis_dma_issue(uint32_t ext, uint32_t loc, uint32_t size, uint32_t stride,
                       uint32_t length, pi_cl_dma_dir_e dir, int is_2d, int merge, uint32_t *id)
{
    (void)merge;
    *id = PMSIS_DMA_NO_ID;
    if (!is_2d || length == 0 || length >= size)
        length = size;
    for (uint32_t done = 0; done < size; ext += stride) {
        uint32_t n = size - done < length ? size - done : length;
        if (dir == PI_CL_DMA_DIR_EXT2LOC)
            memmove((void *)(loc + done), (const void *)ext, n);
        else
            memmove((void *)ext, (const void *)(loc + done), n);
        done += n;
    }
}

void __pmsis_dma_wait_id(uint32_t id)
{
    (void)id;
}

void pi_cl_dma_flush(void)
{
}

#endif
