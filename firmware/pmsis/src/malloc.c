/*
 * malloc.c: the L2 and L1 heaps of firmware/pmsis (include/pmsis/malloc.h).
 *
 * Each heap is a list of free chunks in address order; a free chunk starts with its size and
 * the next free chunk. Allocation is first fit with the requested alignment: the chunk is cut
 * into [gap before][allocated][rest after], gap and rest going back to the list. Freeing
 * inserts the chunk in order and merges it with adjacent free chunks. Everything is 8-byte
 * granular. The heaps are set up at their first use; event-unit mutex 1 serialises every
 * operation (cores may allocate concurrently). On `pulp` the fabric controller, which has no
 * access to the event unit's mutexes, allocates too: there a test-and-set lock in TCDM is
 * taken as well (cluster cores: mutex 1, then the lock, so they sleep on each other and only
 * spin against the FC; the FC: the lock).
 */
#include "pmsis.h"

#define PMSIS_ALLOC_MUTEX 1
#define GRAIN 8u

extern char __heap_start[], __l2_end[];             /* link-pulp.ld */
extern char __l1_heap_start[], __l1_heap_end[];

typedef struct free_chunk {
    uint32_t size;
    struct free_chunk *next;
} free_chunk_t;

typedef struct {
    free_chunk_t *first;
    int ready;
} heap_t;

static heap_t l2_heap, l1_heap;

#ifdef PLATFORM_PULP_CHIP
static L1_BSS tas_lock_t fc_cluster_lock;
#endif

static void heap_lock(void)
{
#ifdef PLATFORM_PULP_CHIP
    if (!hal_is_fc())
        mutex_lock(PMSIS_ALLOC_MUTEX);
    tas_lock(&fc_cluster_lock);
#else
    mutex_lock(PMSIS_ALLOC_MUTEX);
#endif
}

static void heap_unlock(void)
{
#ifdef PLATFORM_PULP_CHIP
    tas_unlock(&fc_cluster_lock);
    if (!hal_is_fc())
        mutex_unlock(PMSIS_ALLOC_MUTEX);
#else
    mutex_unlock(PMSIS_ALLOC_MUTEX);
#endif
}

static uintptr_t align_up(uintptr_t v, uintptr_t a)
{
    return (v + a - 1) & ~(a - 1);
}

static void heap_setup(heap_t *h, char *start, char *end)
{
    uintptr_t s = align_up((uintptr_t)start, GRAIN), e = (uintptr_t)end & ~(uintptr_t)(GRAIN - 1);
    h->first = 0;
    if (e > s) {
        h->first = (free_chunk_t *)s;
        h->first->size = (uint32_t)(e - s);
        h->first->next = 0;
    }
    h->ready = 1;
}

/* Inserts [p, p + size) in address order, merging with its neighbours. */
static void heap_insert(heap_t *h, uintptr_t p, uint32_t size)
{
    free_chunk_t *prev = 0, *next = h->first;
    while (next && (uintptr_t)next < p) {
        prev = next;
        next = next->next;
    }
    free_chunk_t *c = (free_chunk_t *)p;
    c->size = size;
    c->next = next;
    if (next && p + size == (uintptr_t)next) {
        c->size += next->size;
        c->next = next->next;
    }
    if (prev && (uintptr_t)prev + prev->size == p) {
        prev->size += c->size;
        prev->next = c->next;
    } else if (prev) {
        prev->next = c;
    } else {
        h->first = c;
    }
}

static void *heap_alloc(heap_t *h, char *start, char *end, int size, int align)
{
    if (size <= 0 || align <= 0 || (align & (align - 1)) != 0)
        return 0;
    uint32_t n = (uint32_t)align_up((uint32_t)size, GRAIN);
    uintptr_t a = (uintptr_t)align < GRAIN ? GRAIN : (uintptr_t)align;
    void *result = 0;

    heap_lock();
    if (!h->ready)
        heap_setup(h, start, end);
    free_chunk_t *prev = 0;
    for (free_chunk_t *c = h->first; c; prev = c, c = c->next) {
        uintptr_t begin = (uintptr_t)c, finish = begin + c->size;
        uintptr_t p = align_up(begin, a);
        if (p < begin || p + n > finish || p + n < p)
            continue;
        /* Unlink c, give back what lies before and after the allocated block. */
        if (prev)
            prev->next = c->next;
        else
            h->first = c->next;
        if (p > begin)
            heap_insert(h, begin, (uint32_t)(p - begin));
        if (finish > p + n)
            heap_insert(h, p + n, (uint32_t)(finish - (p + n)));
        result = (void *)p;
        break;
    }
    heap_unlock();
    return result;
}

static void heap_free(heap_t *h, char *start, char *end, void *chunk, int size)
{
    if (chunk == 0 || size <= 0)
        return;
    heap_lock();
    if (!h->ready)
        heap_setup(h, start, end);
    heap_insert(h, (uintptr_t)chunk, (uint32_t)align_up((uint32_t)size, GRAIN));
    heap_unlock();
}

/* ------------------------------------------------------------------ L2 */

void *pi_l2_malloc(int size)
{
    return heap_alloc(&l2_heap, __heap_start, __l2_end, size, GRAIN);
}

void *pi_l2_malloc_align(int size, int align)
{
    return heap_alloc(&l2_heap, __heap_start, __l2_end, size, align);
}

void pi_l2_free(void *chunk, int size)
{
    heap_free(&l2_heap, __heap_start, __l2_end, chunk, size);
}

/* ------------------------------------------------------------------ L1 */

void *__pmsis_l1_malloc(int size, int align)
{
    return heap_alloc(&l1_heap, __l1_heap_start, __l1_heap_end, size, align);
}

void __pmsis_l1_free(void *chunk, int size)
{
    heap_free(&l1_heap, __l1_heap_start, __l1_heap_end, chunk, size);
}

void *pi_cl_l1_malloc(struct pi_device *device, uint32_t size)
{
    (void)device;
    return size > 0x7FFFFFFFu ? 0 : __pmsis_l1_malloc((int)size, GRAIN);
}

void *pi_cl_l1_malloc_align(struct pi_device *device, int size, int align)
{
    (void)device;
    return __pmsis_l1_malloc(size, align);
}

void pi_cl_l1_free(struct pi_device *device, void *chunk, int size)
{
    (void)device;
    __pmsis_l1_free(chunk, size);
}
