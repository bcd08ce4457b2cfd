/*
 * redmule-gemm-concurrent: core 0 offloads RedMulE jobs while cores 1..7 compute something
 * else in software on the same TCDM, and every result is checked.
 *
 *   1. core 0 runs job A (Float16 GEMM 48 x 64 x 48) alone, the others waiting at a barrier;
 *   2. core 0 runs job A again (from the same Y) and job B (Float8Alt ADDMIN 24 x 32 x 32)
 *      while each worker c computes a bitwise CRC-32 and an FP32 sum of squares over its own
 *      2 KiB block of a TCDM buffer, several passes, and reads its event buffer at the end;
 *   3. every core computes its share of the references; core 0 checks both jobs bit for bit,
 *      recomputes every worker's CRC and sum, checks that no worker received the completion
 *      event (event 12 goes to the core that wrote TRIGGER only) and prints the cycles of
 *      job A alone and under load.
 *
 * Exit codes: 0 pass; 1 job A (alone) differs; 2 job A (under load) differs; 3 job B differs;
 * 4 a worker's CRC-32 is wrong; 5 a worker's sum is wrong; 6 a worker saw event 12;
 * 7 the workers did not overlap with the jobs.
 */
#include "example.h"

#define AM 48
#define AN 64
#define AK 48
#define BM 24
#define BN 32
#define BK 32
#define BLOCK 2048
#define PASSES 4

L1_BSS static uint8_t ax[AM * AN * 2 + 64] __attribute__((aligned(16)));
L1_BSS static uint8_t aw[AN * AK * 2 + 64] __attribute__((aligned(16)));
L1_BSS static uint8_t ay[AM * AK * 2 + 64] __attribute__((aligned(16)));
L1_BSS static uint8_t bx[BM * BN * 2 + 64] __attribute__((aligned(16)));
L1_BSS static uint8_t bw[BN * BK * 2 + 64] __attribute__((aligned(16)));
L1_BSS static uint8_t by[BM * BK * 2 + 64] __attribute__((aligned(16)));
L1_BSS static uint8_t work[ARCHI_NB_CORES][BLOCK] __attribute__((aligned(16)));
L1_BSS static volatile uint32_t w_crc[ARCHI_NB_CORES], w_evt[ARCHI_NB_CORES];
L1_BSS static volatile float w_sum[ARCHI_NB_CORES];
L1_BSS static volatile uint32_t w_start[ARCHI_NB_CORES], w_end[ARCHI_NB_CORES];
static uint8_t ay0[AM * AK * 2], by0[BM * BK * 2];                    /* L2: original Y */
static uint8_t aref[AM * AK * 2], bref[BM * BK * 2];                  /* L2: references */
static uint8_t arun1[AM * AK * 2];                                    /* L2: job A, alone */

static uint32_t crc32(const uint8_t *p, uint32_t n, uint32_t crc)
{
    for (uint32_t i = 0; i < n; i++) {
        crc ^= p[i];
        for (int b = 0; b < 8; b++)
            crc = (crc >> 1) ^ (0xEDB88320u & -(crc & 1u));
    }
    return crc;
}

static float sum_squares(const uint8_t *p, uint32_t n)
{
    const int8_t *s = (const int8_t *)p;
    float acc = 0.0f;
    for (uint32_t i = 0; i < n; i++) {
        float v = (float)s[i] * 0.125f;
        acc += v * v;
    }
    return acc;
}

static void worker(unsigned c)
{
    w_start[c] = (uint32_t)cycles();
    uint32_t crc = 0xFFFFFFFFu;
    float sum = 0.0f;
    for (int pass = 0; pass < PASSES; pass++) {
        crc = crc32(work[c], BLOCK, crc);
        sum += sum_squares(work[c], BLOCK);
    }
    w_crc[c] = ~crc;
    w_sum[c] = sum;
    w_evt[c] = redmule_eu_read(REDMULE_EU_BUFFER);
    w_end[c] = (uint32_t)cycles();
}

int main(void)
{
    unsigned core = get_core_id(), nc = get_core_num();
    int result = 0;
    unsigned long alone = 0, loaded = 0, b_cycles = 0, t_start = 0, t_end = 0;

    if (core == 0) {
        rm_srand(0xC0C0);
        rm_fill(ax, AM * AN * 2, REDMULE_FLOAT16, AM, AN, -3, 1, 0);
        rm_fill(aw, AN * AK * 2, REDMULE_FLOAT16, AN, AK, -3, 1, 0);
        rm_fill(ay, AM * AK * 2, REDMULE_FLOAT16, AM, AK, -2, 2, 0);
        rm_fill(bx, BM * BN * 2, REDMULE_FLOAT8ALT, BM, BN, -2, 3, 0);
        rm_fill(bw, BN * BK * 2, REDMULE_FLOAT8ALT, BN, BK, -2, 3, 0);
        rm_fill(by, BM * BK * 2, REDMULE_FLOAT8ALT, BM, BK, -2, 3, 0);
        rm_copy(ay0, ay, sizeof(ay0));
        rm_copy(by0, by, sizeof(by0));
        for (unsigned c = 0; c < ARCHI_NB_CORES; c++)
            for (unsigned i = 0; i < BLOCK; i++)
                work[c][i] = (uint8_t)rm_rand();
        redmule_event_clear();
        /* 1. job A alone */
        unsigned long t0 = cycles();
        redmule_gemm(ax, aw, ay, AM, AN, AK, REDMULE_GEMM, REDMULE_FLOAT16);
        alone = cycles() - t0;
        rm_copy(arun1, ay, sizeof(arun1));
        rm_copy(ay, ay0, sizeof(ay0));
    }
    synch_barrier();

    /* 2. jobs under load */
    if (core == 0) {
        t_start = cycles();
        redmule_gemm(ax, aw, ay, AM, AN, AK, REDMULE_GEMM, REDMULE_FLOAT16);
        t_end = cycles();
        loaded = t_end - t_start;
        redmule_gemm(bx, bw, by, BM, BN, BK, REDMULE_ADDMIN, REDMULE_FLOAT8ALT);
        b_cycles = cycles() - t_end;
        t_end = cycles();
    } else {
        worker(core);
    }
    synch_barrier();

    /* 3. references and checks */
    rm_ref_team(ax, aw, ay0, aref, AM, AN, AK, REDMULE_GEMM, REDMULE_FLOAT16);
    rm_ref_team(bx, bw, by0, bref, BM, BN, BK, REDMULE_ADDMIN, REDMULE_FLOAT8ALT);
    if (core != 0)
        return 0;

    uint32_t bad1 = redmule_compare(arun1, aref, AM, AK, REDMULE_FLOAT16, 3);
    uint32_t bad2 = redmule_compare(ay, aref, AM, AK, REDMULE_FLOAT16, 3);
    uint32_t bad3 = redmule_compare(by, bref, BM, BK, REDMULE_FLOAT8ALT, 3);
    int crc_bad = 0, sum_bad = 0, evt_bad = 0, overlap = 0;
    for (unsigned c = 1; c < nc; c++) {
        uint32_t crc = 0xFFFFFFFFu;
        float sum = 0.0f;
        for (int pass = 0; pass < PASSES; pass++) {
            crc = crc32(work[c], BLOCK, crc);
            sum += sum_squares(work[c], BLOCK);
        }
        crc_bad |= ~crc != w_crc[c];
        sum_bad |= redmule_float_bits(sum) != redmule_float_bits(w_sum[c]);
        evt_bad |= (w_evt[c] >> REDMULE_EVENT) & 1u;
        /* the worker ran while a job was in flight */
        overlap |= w_start[c] < t_end && w_end[c] > t_start;
        printf("worker %u: crc 0x%08x, sum %.3f, %u cycles, event buffer 0x%x\n", c,
               (unsigned)w_crc[c], (double)w_sum[c], (unsigned)(w_end[c] - w_start[c]),
               (unsigned)w_evt[c]);
    }
    printf("gemm-concurrent: job A %dx%dx%d alone %lu cycles, with %u busy cores %lu cycles; "
           "job B %lu cycles\n", AM, AN, AK, alone, nc - 1, loaded, b_cycles);
    printf("gemm-concurrent: job A alone %u, loaded %u, job B %u elements differ\n",
           (unsigned)bad1, (unsigned)bad2, (unsigned)bad3);
    if (bad1)
        result = 1;
    else if (bad2)
        result = 2;
    else if (bad3)
        result = 3;
    else if (crc_bad)
        result = 4;
    else if (sum_bad)
        result = 5;
    else if (evt_bad)
        result = 6;
    else if (nc > 1 && !overlap)
        result = 7;
    printf("redmule-gemm-concurrent: %s (exit %d)\n", result ? "FAIL" : "PASS", result);
    return result;
}
