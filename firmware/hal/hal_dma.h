/*
 * hal_dma.h: the cluster DMA (docs/platform.md §11), both programming models.
 *
 * MCHAN v7 (pulpsim's default, `--dma mchan`): each core's own queue at ARCHI_DMA_ADDR
 * (0x1020_4400) and the shared queue at ARCHI_DMA_SHARED_ADDR (0x1020_1800), registers CMD (+0)
 * and STATUS (+4). The function names are the open PULP runtime's:
 *
 *   plp_dma_counter_alloc()              read CMD: a transfer id (0..15)
 *   plp_dma_cmd(ext2loc, size, 2d, evt, irq, broadcast)
 *                                        a command word (incremental addresses)
 *   plp_dma_cmd_push(cmd, loc, ext)      the command word, TCDM address, external address
 *   plp_dma_cmd_push_2d(cmd, loc, ext, stride, length)
 *                                        ... then a 2D side's line length and stride
 *   plp_dma_memcpy(ext, loc, size, ext2loc) / plp_dma_memcpy_2d(ext, loc, size, stride, length, ext2loc)
 *                                        alloc + push, event 8 to this core; returns the id
 *   plp_dma_wait(id)                     wait (event 8) until id is idle, then free it
 *   plp_dma_status() / plp_dma_counter_free(id) / plp_dma_barrier()
 *
 * The `_shared` forms use the shared queue. Events go to the issuing core (the runtime's own
 * `plp_dma_memcpy` broadcasts them; pass broadcast = 1 to plp_dma_cmd for that).
 *
 * iDMA (`--dma idma`, the two-stream reg32_3d front end the runtime's -DUSE_IDMA driver programs):
 *
 *   idma_memcpy_2d(src, dst, length, src_stride, dst_stride, reps, src_prot, dst_prot)
 *                                        LENGTH bytes per line, `reps` lines (1: a 1D transfer);
 *                                        returns the id; stream 0 if dst_prot is AXI, else 1
 *   idma_l2_to_l1(src, dst, size) / idma_l1_to_l2(src, dst, size) / idma_l1_to_l1(...)
 *   idma_done(stream, id) / idma_wait(stream, id)
 *                                        DONE_ID_stream has reached id / sleep on event 8 until then
 *
 * Every access is a 32-bit volatile load or store with a compiler barrier on both sides.
 */
#ifndef HAL_DMA_H
#define HAL_DMA_H

#include <stdint.h>
#include "hal_archi.h"
#include "hal_core.h"
#include "hal_eu.h"

#define ARCHI_DMA_ADDR          0x10204400u     /* this core's queue (alias 0x0020_4400) */
#define ARCHI_DMA_SHARED_ADDR   0x10201800u     /* the shared queue (alias 0x0020_1800) */
#define ARCHI_CL_EVT_DMA0       8               /* DMA event */
#define ARCHI_CL_EVT_DMA1       9               /* DMA interrupt line */

static inline uint32_t dma_reg_read(uint32_t base, uint32_t offset)
{
    HAL_COMPILER_BARRIER();
    uint32_t v = *(volatile uint32_t *)(base + offset);
    HAL_COMPILER_BARRIER();
    return v;
}

static inline void dma_reg_write(uint32_t base, uint32_t offset, uint32_t value)
{
    HAL_COMPILER_BARRIER();
    *(volatile uint32_t *)(base + offset) = value;
    HAL_COMPILER_BARRIER();
}

/* ------------------------------------------------------------------ MCHAN v7 */

#define MCHAN_CMD                   0x0
#define MCHAN_STATUS                0x4

#define PLP_DMA_LOC2EXT             0
#define PLP_DMA_EXT2LOC             1
#define PLP_DMA_1D                  0
#define PLP_DMA_2D                  1

#define MCHAN_CMD_LEN_MASK          0x1FFFFu
#define MCHAN_CMD_EXT2LOC           (1u << 17)
#define MCHAN_CMD_INC               (1u << 18)
#define MCHAN_CMD_2D_EXT            (1u << 19)
#define MCHAN_CMD_EVT               (1u << 20)
#define MCHAN_CMD_IRQ               (1u << 21)
#define MCHAN_CMD_BROADCAST         (1u << 22)
#define MCHAN_CMD_2D_TCDM           (1u << 23)

static inline uint32_t plp_dma_cmd(int ext2loc, uint32_t size, int is2d, int evt, int irq, int broadcast)
{
    return (size & MCHAN_CMD_LEN_MASK) | MCHAN_CMD_INC | (ext2loc ? MCHAN_CMD_EXT2LOC : 0)
        | (is2d ? MCHAN_CMD_2D_EXT : 0) | (evt ? MCHAN_CMD_EVT : 0) | (irq ? MCHAN_CMD_IRQ : 0)
        | (broadcast ? MCHAN_CMD_BROADCAST : 0);
}

static inline int mchan_alloc(uint32_t queue)           { return (int)dma_reg_read(queue, MCHAN_CMD); }
static inline void mchan_word(uint32_t queue, uint32_t w) { dma_reg_write(queue, MCHAN_CMD, w); }
static inline uint32_t mchan_status(uint32_t queue)     { return dma_reg_read(queue, MCHAN_STATUS); }
static inline void mchan_free(uint32_t queue, int id)   { dma_reg_write(queue, MCHAN_STATUS, 1u << id); }

/* Waits (event 8) until transfer id `id` of `queue` is idle, then frees the id. */
static inline void mchan_wait(uint32_t queue, int id)
{
    while (mchan_status(queue) & (1u << id)) eu_evt_maskWaitAndClr(1u << ARCHI_CL_EVT_DMA0);
    mchan_free(queue, id);
}

static inline int plp_dma_counter_alloc(void)          { return mchan_alloc(ARCHI_DMA_ADDR); }
static inline void plp_dma_counter_free(int id)        { mchan_free(ARCHI_DMA_ADDR, id); }
static inline uint32_t plp_dma_status(void)            { return mchan_status(ARCHI_DMA_ADDR); }

static inline void plp_dma_cmd_push(uint32_t cmd, uint32_t loc, uint32_t ext)
{
    mchan_word(ARCHI_DMA_ADDR, cmd);
    mchan_word(ARCHI_DMA_ADDR, loc);
    mchan_word(ARCHI_DMA_ADDR, ext);
}

static inline void plp_dma_cmd_push_2d(uint32_t cmd, uint32_t loc, uint32_t ext, uint32_t stride, uint32_t length)
{
    plp_dma_cmd_push(cmd, loc, ext);
    mchan_word(ARCHI_DMA_ADDR, length);
    mchan_word(ARCHI_DMA_ADDR, stride);
}

static inline int plp_dma_memcpy(uint32_t ext, uint32_t loc, uint32_t size, int ext2loc)
{
    int id = plp_dma_counter_alloc();
    plp_dma_cmd_push(plp_dma_cmd(ext2loc, size, PLP_DMA_1D, 1, 0, 0), loc, ext);
    return id;
}

static inline int plp_dma_memcpy_2d(uint32_t ext, uint32_t loc, uint32_t size, uint32_t stride, uint32_t length,
                                    int ext2loc)
{
    int id = plp_dma_counter_alloc();
    plp_dma_cmd_push_2d(plp_dma_cmd(ext2loc, size, PLP_DMA_2D, 1, 0, 0), loc, ext, stride, length);
    return id;
}

static inline int plp_dma_extToL1(uint32_t loc, uint32_t ext, uint32_t size) { return plp_dma_memcpy(ext, loc, size, 1); }
static inline int plp_dma_l1ToExt(uint32_t ext, uint32_t loc, uint32_t size) { return plp_dma_memcpy(ext, loc, size, 0); }

static inline void plp_dma_wait(int id)                { mchan_wait(ARCHI_DMA_ADDR, id); }

/* Waits until no transfer id of the DMA is busy (STATUS[15:0] = 0), then frees every id. */
static inline void plp_dma_barrier(void)
{
    while (plp_dma_status() & 0xFFFF) eu_evt_maskWaitAndClr(1u << ARCHI_CL_EVT_DMA0);
    dma_reg_write(ARCHI_DMA_ADDR, MCHAN_STATUS, 0xFFFFFFFFu);
}

/* The shared queue. */
static inline int plp_dma_counter_alloc_shared(void)   { return mchan_alloc(ARCHI_DMA_SHARED_ADDR); }
static inline void plp_dma_cmd_push_shared(uint32_t cmd, uint32_t loc, uint32_t ext)
{
    mchan_word(ARCHI_DMA_SHARED_ADDR, cmd);
    mchan_word(ARCHI_DMA_SHARED_ADDR, loc);
    mchan_word(ARCHI_DMA_SHARED_ADDR, ext);
}
static inline void plp_dma_wait_shared(int id)         { mchan_wait(ARCHI_DMA_SHARED_ADDR, id); }

/* ------------------------------------------------------------------ iDMA (reg32_3d) */

#define IDMA_CONF                   0x00
#define IDMA_STATUS(s)              (0x04 + 4 * (s))
#define IDMA_NEXT_ID(s)             (0x44 + 4 * (s))
#define IDMA_DONE_ID(s)             (0x84 + 4 * (s))
#define IDMA_DST_ADDR               0xD0
#define IDMA_SRC_ADDR               0xD8
#define IDMA_LENGTH                 0xE0
#define IDMA_DST_STRIDE_2           0xE8
#define IDMA_SRC_STRIDE_2           0xF0
#define IDMA_REPS_2                 0xF8
#define IDMA_DST_STRIDE_3           0x100
#define IDMA_SRC_STRIDE_3           0x108
#define IDMA_REPS_3                 0x110

#define IDMA_PROT_AXI               0u   /* L2, or the TCDM at its global address */
#define IDMA_PROT_OBI               1u   /* the TCDM */
#define IDMA_PROT_INIT              4u   /* zeros (source) / nowhere (destination) */
#define IDMA_CONF_ND(n)             ((uint32_t)(n) << 10)   /* 0: 1D, 1: 2D, 2: 3D */
#define IDMA_CONF_SRC_PROT(p)       ((uint32_t)(p) << 12)
#define IDMA_CONF_DST_PROT(p)       ((uint32_t)(p) << 15)
#define IDMA_EVENT                  8    /* every completion, on every core */

/* A transfer of `reps` lines of `length` bytes through `port` (this core's or the shared one). */
static inline uint32_t idma_launch(uint32_t port, uint32_t src, uint32_t dst, uint32_t length, uint32_t src_stride,
                                   uint32_t dst_stride, uint32_t reps, uint32_t src_prot, uint32_t dst_prot)
{
    dma_reg_write(port, IDMA_SRC_ADDR, src);
    dma_reg_write(port, IDMA_DST_ADDR, dst);
    dma_reg_write(port, IDMA_LENGTH, length);
    dma_reg_write(port, IDMA_CONF, IDMA_CONF_ND(reps > 1 ? 1 : 0) | IDMA_CONF_SRC_PROT(src_prot) | IDMA_CONF_DST_PROT(dst_prot));
    if (reps > 1) {
        dma_reg_write(port, IDMA_SRC_STRIDE_2, src_stride);
        dma_reg_write(port, IDMA_DST_STRIDE_2, dst_stride);
        dma_reg_write(port, IDMA_REPS_2, reps);
    }
    return dma_reg_read(port, IDMA_NEXT_ID(dst_prot == IDMA_PROT_AXI ? 0 : 1));
}

static inline uint32_t idma_memcpy_2d(uint32_t src, uint32_t dst, uint32_t length, uint32_t src_stride,
                                      uint32_t dst_stride, uint32_t reps, uint32_t src_prot, uint32_t dst_prot)
{
    return idma_launch(ARCHI_DMA_ADDR, src, dst, length, src_stride, dst_stride, reps, src_prot, dst_prot);
}

static inline uint32_t idma_l2_to_l1(uint32_t src, uint32_t dst, uint32_t size)
{
    return idma_memcpy_2d(src, dst, size, 0, 0, 1, IDMA_PROT_AXI, IDMA_PROT_OBI);
}
static inline uint32_t idma_l1_to_l2(uint32_t src, uint32_t dst, uint32_t size)
{
    return idma_memcpy_2d(src, dst, size, 0, 0, 1, IDMA_PROT_OBI, IDMA_PROT_AXI);
}
static inline uint32_t idma_l1_to_l1(uint32_t src, uint32_t dst, uint32_t size)
{
    return idma_memcpy_2d(src, dst, size, 0, 0, 1, IDMA_PROT_OBI, IDMA_PROT_OBI);
}

/* Stream of a transfer: 0 writes AXI (out of the TCDM), 1 writes OBI (into it). */
static inline unsigned idma_stream(uint32_t dst_prot)  { return dst_prot == IDMA_PROT_AXI ? 0 : 1; }

/* Whether DONE_ID of `stream` has reached `id` (ids count up from 2; the comparison allows one wrap). */
static inline int idma_done(unsigned stream, uint32_t id)
{
    uint32_t done = dma_reg_read(ARCHI_DMA_ADDR, IDMA_DONE_ID(stream));
    return (int32_t)(done - id) >= 0;
}

static inline void idma_wait(unsigned stream, uint32_t id)
{
    while (!idma_done(stream, id)) eu_evt_maskWaitAndClr(1u << IDMA_EVENT);
}

#endif
