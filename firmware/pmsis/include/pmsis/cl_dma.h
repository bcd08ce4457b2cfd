/*
 * pmsis/cl_dma.h: the PMSIS cluster-DMA API on pulpsim's cluster DMA, programmed as MCHAN v7
 * (docs/platform.md §11). Part of pmsis.h; implemented in src/cl_dma.c.
 *
 *   pi_cl_dma_cmd(ext, loc, size, dir, cmd)          1D transfer
 *   pi_cl_dma_cmd_2d(ext, loc, size, stride, length, dir, cmd)
 *                                                    2D on the external side: `length` bytes
 *                                                    per line, line starts `stride` bytes
 *                                                    apart; the TCDM side is contiguous
 *   pi_cl_dma_cmd_wait(cmd), pi_cl_dma_wait(copy)    wait for one transfer, free its id
 *   pi_cl_dma_memcpy(copy), pi_cl_dma_memcpy_2d(copy)
 *                                                    the same from a pi_cl_dma_copy_t (fields
 *                                                    ext, loc, size, dir, merge, stride, length)
 *   pi_cl_dma_flush()                                wait for every transfer this core issued
 *
 * dir: PI_CL_DMA_DIR_EXT2LOC (L2 -> TCDM) or PI_CL_DMA_DIR_LOC2EXT. `loc` is a TCDM address,
 * `ext` an L2 address (or a TCDM address, which the DMA reaches over its external port).
 *
 * Programming (this core's queue at 0x1020_4400: CMD +0, STATUS +4): reading CMD allocates a
 * transfer id; then the command word (length, direction, incremental, 2D, event 8 to this core
 * only), the TCDM address, the external address and for 2D the line length and the stride are
 * written to CMD. The wait is `while (STATUS & 1 << id) sleep until event 8; STATUS = 1 << id`.
 * Transfer ids are shared by the whole cluster (16): keep at most 16 transfers outstanding
 * over all cores, i.e. wait for (or flush) what you issue.
 *
 * Differences from the PMSIS implementations:
 *   - `size` of pi_cl_dma_copy_t is 32 bits (16 in pulp-sdk's structure); a transfer longer
 *     than the hardware's 17-bit length field (131071 bytes, PMSIS_DMA_MAX_CHUNK) is split
 *     into several commands under one id (2D: whole lines per command);
 *   - merge = 1 adds the transfer to the id this core allocated last when that one is still
 *     outstanding (what the hardware does when CMD is not read), else allocates a new id; the
 *     copy's id is set to the id used either way;
 *   - the event goes to the issuing core only (pulp-sdk broadcasts it). A wait on a transfer
 *     another core issued polls STATUS until the id is idle and leaves freeing it to that core;
 *     waiting twice, or after pi_cl_dma_flush, is harmless;
 *   - size 0 transfers nothing (no id is taken; the wait returns at once).
 *
 * -DPMSIS_DMA_SOFTWARE (development only, for a simulator without the DMA): every transfer is
 * done at once with a CPU copy and the waits return at once. The default programs MCHAN.
 */
#ifndef PMSIS_CL_DMA_H
#define PMSIS_CL_DMA_H

#include <stdint.h>

typedef enum {
    PI_CL_DMA_DIR_LOC2EXT = 0,      /* TCDM -> external memory */
    PI_CL_DMA_DIR_EXT2LOC = 1       /* external memory -> TCDM */
} pi_cl_dma_dir_e;

/* A transfer in flight: `id` is its transfer id (PMSIS_DMA_NO_ID once waited for). */
typedef struct pi_cl_dma_cmd_s {
    uint32_t id;
    struct pi_cl_dma_cmd_s *next;
} pi_cl_dma_cmd_t;

/* A transfer description; `id` first, as in pi_cl_dma_cmd_t (pi_cl_dma_wait takes either). */
typedef struct pi_cl_dma_copy_s {
    uint32_t id;
    uint32_t ext;
    uint32_t loc;
    uint32_t size;
    pi_cl_dma_dir_e dir;
    uint8_t merge;
    uint32_t stride;                /* 2D: bytes from one line start to the next (external side) */
    uint32_t length;                /* 2D: bytes per line */
} pi_cl_dma_copy_t;

typedef pi_cl_dma_copy_t pi_cl_dma_copy_2d_t;

#define PMSIS_DMA_NO_ID     0xFFFFFFFFu
#ifndef PMSIS_DMA_MAX_CHUNK
#define PMSIS_DMA_MAX_CHUNK 0x1FFFFu    /* MCHAN's 17-bit length field */
#endif

/* Issues one transfer (split if longer than PMSIS_DMA_MAX_CHUNK); `is_2d` selects the 2D
 * external side; `merge` as pi_cl_dma_copy_t's. Stores the transfer id in *id (the `id` field,
 * first member of both structures). */
void __pmsis_dma_issue(uint32_t ext, uint32_t loc, uint32_t size, uint32_t stride,
                       uint32_t length, pi_cl_dma_dir_e dir, int is_2d, int merge, uint32_t *id);
/* Waits for the transfer with this id and frees it (see above). */
void __pmsis_dma_wait_id(uint32_t id);

static inline void pi_cl_dma_cmd(uint32_t ext, uint32_t loc, uint32_t size, pi_cl_dma_dir_e dir,
                                 pi_cl_dma_cmd_t *cmd)
{
    __pmsis_dma_issue(ext, loc, size, 0, 0, dir, 0, 0, &cmd->id);
}

static inline void pi_cl_dma_cmd_2d(uint32_t ext, uint32_t loc, uint32_t size, uint32_t stride,
                                    uint32_t length, pi_cl_dma_dir_e dir, pi_cl_dma_cmd_t *cmd)
{
    __pmsis_dma_issue(ext, loc, size, stride, length, dir, 1, 0, &cmd->id);
}

static inline void pi_cl_dma_cmd_wait(pi_cl_dma_cmd_t *cmd)
{
    __pmsis_dma_wait_id(cmd->id);
    cmd->id = PMSIS_DMA_NO_ID;
}

static inline void pi_cl_dma_memcpy(pi_cl_dma_copy_t *copy)
{
    __pmsis_dma_issue(copy->ext, copy->loc, copy->size, 0, 0, copy->dir, 0, copy->merge, &copy->id);
}

static inline void pi_cl_dma_memcpy_2d(pi_cl_dma_copy_2d_t *copy)
{
    __pmsis_dma_issue(copy->ext, copy->loc, copy->size, copy->stride, copy->length, copy->dir, 1,
                      copy->merge, &copy->id);
}

/* `copy` is a pi_cl_dma_copy_t, pi_cl_dma_copy_2d_t or pi_cl_dma_cmd_t (id first in each). */
static inline void pi_cl_dma_wait(void *copy)
{
    uint32_t *id = (uint32_t *)copy;    /* the first member */
    __pmsis_dma_wait_id(*id);
    *id = PMSIS_DMA_NO_ID;
}

void pi_cl_dma_flush(void);

#endif /* PMSIS_CL_DMA_H */
