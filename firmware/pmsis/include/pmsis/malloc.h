/*
 * pmsis/malloc.h: the PMSIS memory allocators. Part of pmsis.h; implemented in src/malloc.c.
 *
 *   pi_l2_malloc(size) / pi_l2_malloc_align(size, align) / pi_l2_free(chunk, size)
 *                             L2 heap: from the end of .bss (__heap_start) to the end of L2
 *   pi_cl_l1_malloc(dev, size) / pi_cl_l1_malloc_align(dev, size, align) / pi_cl_l1_free(dev, chunk, size)
 *                             L1 heap: TCDM between .l1_bss and the stacks
 *                             (__l1_heap_start .. __l1_heap_end); `dev` is not used
 *   pi_l1_malloc(x, size) / pi_l1_malloc_align(x, size, align) / pi_l1_free(x, chunk, size)
 *                             the L1 heap again. The first argument is a cluster id in
 *                             pulp-sdk (int) and a cluster device in gap_sdk (pointer): both
 *                             compile, it is not used
 *   pmsis_l1_malloc(size), pmsis_l1_malloc_free(chunk, size), pmsis_l2_malloc(size),
 *   pmsis_l2_malloc_free(chunk, size)   older names
 *
 * As in PMSIS the caller gives the size back when freeing. Chunks are 8-byte aligned (or
 * `align`, a power of two), sizes rounded up to 8 bytes; free chunks are kept in address
 * order and merged with their neighbours; first fit. NULL when there is no room (or size
 * <= 0). Any core may allocate or free at any time (event-unit mutex 1 serialises them).
 */
#ifndef PMSIS_MALLOC_H
#define PMSIS_MALLOC_H

#include <stdint.h>
#include "pmsis/types.h"

void *pi_l2_malloc(int size);
void *pi_l2_malloc_align(int size, int align);
void pi_l2_free(void *chunk, int size);

void *pi_cl_l1_malloc(struct pi_device *device, uint32_t size);
void *pi_cl_l1_malloc_align(struct pi_device *device, int size, int align);
void pi_cl_l1_free(struct pi_device *device, void *chunk, int size);

void *__pmsis_l1_malloc(int size, int align);
void __pmsis_l1_free(void *chunk, int size);

#define pi_l1_malloc(cluster, size)              ((void)(cluster), __pmsis_l1_malloc((size), 8))
#define pi_l1_malloc_align(cluster, size, align) ((void)(cluster), __pmsis_l1_malloc((size), (align)))
#define pi_l1_free(cluster, chunk, size)         ((void)(cluster), __pmsis_l1_free((chunk), (size)))

#define pmsis_l1_malloc(size)                    __pmsis_l1_malloc((size), 8)
#define pmsis_l1_malloc_align(size, align)       __pmsis_l1_malloc((size), (align))
#define pmsis_l1_malloc_free(chunk, size)        __pmsis_l1_free((chunk), (size))
#define pmsis_l2_malloc(size)                    pi_l2_malloc(size)
#define pmsis_l2_malloc_align(size, align)       pi_l2_malloc_align((size), (align))
#define pmsis_l2_malloc_free(chunk, size)        pi_l2_free((chunk), (size))

#endif /* PMSIS_MALLOC_H */
