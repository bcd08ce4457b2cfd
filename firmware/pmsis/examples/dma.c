/*
 * dma.c: the PMSIS cluster-DMA API against copies made by the program itself. Needs the
 * cluster DMA (docs/platform.md §11).
 *
 * Phase A, every core at once: rounds of random transfers, each core in its own TCDM slice
 * (8 KiB) and L2 area; 1D and 2D, both directions, 1 byte to a whole slice, odd lengths and
 * addresses, 2D lines and strides of any size (strides below the line length and 0 when
 * reading L2), one or two transfers in flight per core (16 ids in flight over the cluster),
 * waited for in either order, through every API form (pi_cl_dma_cmd[_2d] + pi_cl_dma_cmd_wait,
 * pi_cl_dma_memcpy[_2d] + pi_cl_dma_wait, pi_cl_dma_flush).
 * Phase B, core 0 alone: transfers of 8 to 64 KiB (the PMSIS_DMA_MAX_CHUNK=4096 build splits
 * them into many commands). Then: merge, flush, and TCDM-to-TCDM transfers (the external
 * address in the TCDM).
 *
 * Every transfer is checked byte by byte, with 16 guard bytes on each side of what it may
 * touch, against a reference image built with plain loads and stores.
 *
 * Exit codes: 0 pass; 1 phase A mismatch; 2 phase B mismatch; 3 merge; 4 flush;
 * 5 TCDM to TCDM; 6 out of memory.
 */
#include "pmsis.h"

#define GUARD       16
#define CANARY      0xA5
#define SLICE       8192                    /* phase A: TCDM per core */
#define AREA_A      (3 * SLICE)             /* phase A: L2 per core (2D footprints) */
#define ROUNDS_A    24
#define BIG         (64 * 1024)             /* phase B: TCDM */
#define AREA_B      (2 * BIG + 4096)
#define ROUNDS_B    14

typedef struct {
    uint8_t *l1;                            /* TCDM region */
    uint32_t l1_size;
    uint8_t *l2;                            /* external region (L2, or TCDM) */
    uint32_t l2_size;
    uint8_t *ref;                           /* reference image, l2_size (>= l1_size) bytes */
} area_t;

typedef struct {
    pi_cl_dma_dir_e dir;
    int is_2d, api;
    uint32_t size, length, stride, loc_off, ext_off;
    pi_cl_dma_cmd_t cmd;
    pi_cl_dma_copy_t copy;
} transfer_t;

static volatile int failure;

static void fail(int code)
{
    if (failure == 0)
        failure = code;
}

static uint32_t next_random(uint32_t *s)
{
    uint32_t x = *s;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *s = x;
}

static uint32_t random_below(uint32_t *s, uint32_t n)
{
    return n ? next_random(s) % n : 0;
}

static void fill_random(uint8_t *p, uint32_t n, uint32_t *s)
{
    for (uint32_t i = 0; i < n; i++)
        p[i] = (uint8_t)(next_random(s) >> 24);
}

/* Offset on the external side of stream byte i. */
static uint32_t ext_offset(const transfer_t *t, uint32_t i)
{
    return t->is_2d ? (i / t->length) * t->stride + i % t->length : i;
}

/* Bytes of the external side a transfer spans from its first byte. */
static uint32_t footprint(const transfer_t *t)
{
    if (!t->is_2d || t->size <= t->length)
        return t->size;
    uint32_t lines = (t->size + t->length - 1) / t->length;
    uint32_t last = t->size - (lines - 1) * t->length;
    uint32_t span = (lines - 1) * t->stride + last;
    return span > t->length ? span : t->length;
}

/* Random parameters that fit the area (max_size: largest transfer, at most what fits). */
static void choose(transfer_t *t, const area_t *a, uint32_t max_size, uint32_t *s)
{
    if (max_size > a->l1_size - 2 * GUARD)
        max_size = a->l1_size - 2 * GUARD;
    if (max_size > a->l2_size - 2 * GUARD)
        max_size = a->l2_size - 2 * GUARD;
    t->dir = (next_random(s) & 1) ? PI_CL_DMA_DIR_EXT2LOC : PI_CL_DMA_DIR_LOC2EXT;
    t->is_2d = (next_random(s) & 3) != 0;
    t->api = (int)random_below(s, 2);
    switch (random_below(s, 4)) {
    case 0:  t->size = 1 + random_below(s, 16); break;
    case 1:  t->size = max_size - random_below(s, 4); break;
    default: t->size = 1 + random_below(s, max_size); break;
    }
    if (t->is_2d) {
        t->length = 1 + (next_random(s) & 1 ? random_below(s, 64) : random_below(s, t->size));
        if (t->dir == PI_CL_DMA_DIR_EXT2LOC && random_below(s, 4) == 0)
            t->stride = random_below(s, t->length + 1);       /* overlapping or repeated lines */
        else
            t->stride = t->length + random_below(s, t->length + 1);
        while (footprint(t) > a->l2_size - 2 * GUARD) {        /* too long for the area */
            t->size = t->size / 2 + 1;
            if (t->length > t->size)
                t->length = t->size;
        }
    }
    t->loc_off = GUARD + random_below(s, a->l1_size - 2 * GUARD - t->size + 1);
    t->ext_off = GUARD + random_below(s, a->l2_size - 2 * GUARD - footprint(t) + 1);
}

/* Prepares the destination (canary) and the source, builds the expected image in a->ref. */
static void prepare(transfer_t *t, const area_t *a, uint32_t *s)
{
    uint32_t span = footprint(t);
    if (t->dir == PI_CL_DMA_DIR_EXT2LOC) {
        memset(a->l1 + t->loc_off - GUARD, CANARY, t->size + 2 * GUARD);
        fill_random(a->l2 + t->ext_off, span, s);
        memset(a->ref, CANARY, t->size + 2 * GUARD);
        for (uint32_t i = 0; i < t->size; i++)
            a->ref[GUARD + i] = a->l2[t->ext_off + ext_offset(t, i)];
    } else {
        fill_random(a->l1 + t->loc_off, t->size, s);
        memset(a->l2 + t->ext_off - GUARD, CANARY, span + 2 * GUARD);
        memset(a->ref, CANARY, span + 2 * GUARD);
        for (uint32_t i = 0; i < t->size; i++)
            a->ref[GUARD + ext_offset(t, i)] = a->l1[t->loc_off + i];
    }
}

static void start(transfer_t *t, const area_t *a)
{
    uint32_t ext = (uint32_t)(uintptr_t)(a->l2 + t->ext_off);
    uint32_t loc = (uint32_t)(uintptr_t)(a->l1 + t->loc_off);
    if (t->api == 0) {
        if (t->is_2d)
            pi_cl_dma_cmd_2d(ext, loc, t->size, t->stride, t->length, t->dir, &t->cmd);
        else
            pi_cl_dma_cmd(ext, loc, t->size, t->dir, &t->cmd);
    } else {
        t->copy.ext = ext;
        t->copy.loc = loc;
        t->copy.size = t->size;
        t->copy.dir = t->dir;
        t->copy.merge = 0;
        t->copy.stride = t->stride;
        t->copy.length = t->length;
        if (t->is_2d)
            pi_cl_dma_memcpy_2d(&t->copy);
        else
            pi_cl_dma_memcpy(&t->copy);
    }
}

static void finish(transfer_t *t)
{
    if (t->api == 0)
        pi_cl_dma_cmd_wait(&t->cmd);
    else
        pi_cl_dma_wait(&t->copy);
}

/* 1 if the destination (with its guards) matches the reference image. */
static int check(const transfer_t *t, const area_t *a, const char *what)
{
    const uint8_t *dst = t->dir == PI_CL_DMA_DIR_EXT2LOC ? a->l1 + t->loc_off - GUARD
                                                         : a->l2 + t->ext_off - GUARD;
    uint32_t n = (t->dir == PI_CL_DMA_DIR_EXT2LOC ? t->size : footprint(t)) + 2 * GUARD;
    for (uint32_t i = 0; i < n; i++)
        if (dst[i] != a->ref[i]) {
            printf("%s: core %u: %s %s size %u length %u stride %u loc %p ext %p: byte %d is "
                   "0x%02x, expected 0x%02x\n", what, (unsigned)pi_core_id(),
                   t->dir == PI_CL_DMA_DIR_EXT2LOC ? "ext->loc" : "loc->ext",
                   t->is_2d ? "2D" : "1D", (unsigned)t->size, (unsigned)t->length,
                   (unsigned)t->stride, (void *)(a->l1 + t->loc_off), (void *)(a->l2 + t->ext_off),
                   (int)i - GUARD, dst[i], a->ref[i]);
            return 0;
        }
    return 1;
}

/* One round: one transfer, or two in flight (two halves of the area), waited in either
 * order or by pi_cl_dma_flush; each checked against its own reference. */
static int round_of_transfers(const area_t *a, uint32_t max_size, uint32_t *s, const char *what)
{
    int pair = (next_random(s) & 1) && a->l1_size >= 256;
    if (!pair) {
        transfer_t t;
        choose(&t, a, max_size, s);
        prepare(&t, a, s);
        start(&t, a);
        finish(&t);
        return check(&t, a, what);
    }
    area_t half[2];
    for (int k = 0; k < 2; k++) {
        half[k].l1 = a->l1 + k * (a->l1_size / 2);
        half[k].l1_size = a->l1_size / 2;
        half[k].l2 = a->l2 + k * (a->l2_size / 2);
        half[k].l2_size = a->l2_size / 2;
        half[k].ref = a->ref + k * (a->l2_size / 2);
    }
    transfer_t t[2];
    for (int k = 0; k < 2; k++) {
        choose(&t[k], &half[k], max_size, s);
        prepare(&t[k], &half[k], s);
    }
    start(&t[0], &half[0]);
    start(&t[1], &half[1]);
    switch (random_below(s, 3)) {
    case 0:  finish(&t[0]); finish(&t[1]); break;
    case 1:  finish(&t[1]); finish(&t[0]); break;
    default: pi_cl_dma_flush(); finish(&t[0]); finish(&t[1]); break;   /* waits after flush: harmless */
    }
    return check(&t[0], &half[0], what) && check(&t[1], &half[1], what);
}

/* ------------------------------------------------------------------ phases */

static uint8_t *tcdm;                       /* BIG + 2 * GUARD bytes, 8 slices in phase A */
static uint8_t *l2_a[8], *ref_a[8];

static void phase_a(void *arg)
{
    (void)arg;
    unsigned c = pi_core_id();
    uint32_t seed = 0x9E3779B9u * (c + 1);
    area_t a = { tcdm + c * SLICE, SLICE, l2_a[c], AREA_A, ref_a[c] };
    for (int r = 0; r < ROUNDS_A; r++)
        if (!round_of_transfers(&a, SLICE - 2 * GUARD, &seed, "phase A")) {
            fail(1);
            return;
        }
}

static void phase_b(uint8_t *l2, uint8_t *ref)
{
    uint32_t seed = 0x2545F491u;
    area_t a = { tcdm, BIG + 2 * GUARD, l2, AREA_B, ref };
    for (int r = 0; r < ROUNDS_B; r++) {
        transfer_t t;
        choose(&t, &a, BIG, &seed);
        if (t.size < 8192)                  /* phase B is about long transfers */
            t.size += 8192;
        if (t.is_2d && footprint(&t) > a.l2_size - 2 * GUARD)
            t.is_2d = 0;
        t.ext_off = GUARD + random_below(&seed, a.l2_size - 2 * GUARD - footprint(&t) + 1);
        t.loc_off = GUARD + random_below(&seed, a.l1_size - 2 * GUARD - t.size + 1);
        prepare(&t, &a, &seed);
        start(&t, &a);
        finish(&t);
        if (!check(&t, &a, "phase B")) {
            fail(2);
            return;
        }
    }
}

/* merge = 1: the second copy joins the first one's id; one wait covers both. */
static int merge_test(uint8_t *l2)
{
    fill_random(l2, 2048, &(uint32_t){ 7 });
    memset(tcdm, 0, 2048);
    pi_cl_dma_copy_t first = { .ext = (uint32_t)(uintptr_t)l2, .loc = (uint32_t)(uintptr_t)tcdm,
                               .size = 1024, .dir = PI_CL_DMA_DIR_EXT2LOC, .merge = 0 };
    pi_cl_dma_copy_t second = first;
    second.ext += 1024;
    second.loc += 1024;
    second.merge = 1;
    second.id = 12345;                      /* whatever the application left there */
    pi_cl_dma_memcpy(&first);
    pi_cl_dma_memcpy(&second);
    if (second.id != first.id)
        return 0;
    pi_cl_dma_wait(&second);
    pi_cl_dma_wait(&first);                 /* already free: returns at once */
    return memcmp(tcdm, l2, 2048) == 0;
}

/* pi_cl_dma_flush waits for everything this core issued. */
static int flush_test(uint8_t *l2)
{
    fill_random(tcdm, 3 * 4096, &(uint32_t){ 11 });
    pi_cl_dma_cmd_t cmd[3];
    for (int k = 0; k < 3; k++)
        pi_cl_dma_cmd((uint32_t)(uintptr_t)(l2 + k * 4096), (uint32_t)(uintptr_t)(tcdm + k * 4096),
                      4096, PI_CL_DMA_DIR_LOC2EXT, &cmd[k]);
    pi_cl_dma_flush();
    if (memcmp(l2, tcdm, 3 * 4096) != 0)
        return 0;
    pi_cl_dma_cmd(0, 0, 0, PI_CL_DMA_DIR_LOC2EXT, &cmd[0]);   /* size 0: nothing, no id */
    pi_cl_dma_cmd_wait(&cmd[0]);
    return 1;
}

/* The external address in the TCDM: the DMA goes out through its external port and back. */
static int tcdm_to_tcdm_test(uint8_t *ref)
{
    uint32_t seed = 0x51ED270Bu;
    area_t a = { tcdm, 4096, tcdm + 8192, 8192, ref };
    for (int r = 0; r < 12; r++)
        if (!round_of_transfers(&a, 4096 - 2 * GUARD, &seed, "TCDM to TCDM"))
            return 0;
    return 1;
}

static void cluster_entry(void *arg)
{
    (void)arg;
    unsigned n = (unsigned)pi_cl_cluster_nb_cores();
    tcdm = pi_cl_l1_malloc(0, BIG + 2 * GUARD);
    for (unsigned c = 0; c < n; c++) {
        l2_a[c] = pi_l2_malloc(AREA_A);
        ref_a[c] = pi_l2_malloc(AREA_A);
        if (!l2_a[c] || !ref_a[c])
            tcdm = 0;
    }
    if (!tcdm) {
        fail(6);
        return;
    }
    pi_cl_team_fork(0, phase_a, 0);
    printf("phase A (%u cores, %d rounds each): %s\n", n, ROUNDS_A, failure ? "FAIL" : "ok");
    for (unsigned c = 0; c < n; c++) {
        pi_l2_free(l2_a[c], AREA_A);
        pi_l2_free(ref_a[c], AREA_A);
    }
    if (failure)
        return;

    uint8_t *l2 = pi_l2_malloc(AREA_B), *ref = pi_l2_malloc(AREA_B);
    if (!l2 || !ref) {
        fail(6);
        return;
    }
    phase_b(l2, ref);
    printf("phase B (8..64 KiB, max %u bytes per command): %s\n",
           (unsigned)PMSIS_DMA_MAX_CHUNK, failure ? "FAIL" : "ok");
    if (!failure && !merge_test(l2))
        fail(3);
    if (!failure && !flush_test(l2))
        fail(4);
    if (!failure && !tcdm_to_tcdm_test(ref))
        fail(5);
    pi_l2_free(l2, AREA_B);
    pi_l2_free(ref, AREA_B);
}

int main(void)
{
    struct pi_device cluster;
    struct pi_cluster_conf conf;
    struct pi_cluster_task task;
    pi_cluster_conf_init(&conf);
    pi_open_from_conf(&cluster, &conf);
    if (pi_cluster_open(&cluster))
        return 6;
    pi_cluster_send_task_to_cl(&cluster, pi_cluster_task(&task, cluster_entry, 0));
    pi_cluster_close(&cluster);
    printf("PMSIS DMA: %s\n", failure ? "FAIL" : "PASS");
    return failure;
}
