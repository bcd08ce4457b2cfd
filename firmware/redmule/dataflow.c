/*
 * redmule-dataflow: RedMulE's data moves in time (docs/platform.md §7.4). A job reads each chunk
 * of X, W and Y when its port's request for it is granted and stores each row of Z the same way,
 * as the RTL does; nothing is read at the trigger or written at the completion.
 *
 *   1. Late operand store. A Float16 GEMM 48 x 32 x 128 (4 row tiles x 8 column tiles; X and W
 *      are read again for every tile). Right after TRIGGER core 0 copies X rows 0..11 over rows
 *      36..47, which RedMulE first reads about three quarters into the job. Y rows 36..47 equal
 *      rows 0..11 from the start, so Z rows 36..47 come out equal to Z rows 0..11, bit for bit,
 *      only if RedMulE used the X it read after the copy.
 *   2. Z rows land one by one. A GEMM of the same shape with every Y element the NaN 0x7E01:
 *      every result is the canonical NaN 0x7E00. Core 0 polls Z[0][0] until it changes, notes
 *      the cycles since TRIGGER and whether the last element Z[47][127] is still 0x7E01, then
 *      waits for the completion event; all of Z must then be 0x7E00.
 *   3. A soft clear during a job. The same job again from Y = 0x7E01; as soon as Z[0][0] has
 *      changed, core 0 writes SOFT_CLEAR, then waits longer than the whole job takes: the rows
 *      stored before the clear stay, the last row is never written, STATUS is 0 and no
 *      completion event comes.
 *
 * Output: "late X store used: yes", "first Z row after <n> cycles, last row pending: yes",
 * "completion after <m> cycles", "soft clear: first row kept, last row never written".
 * Exit codes: 0 pass; 1 Z rows 36..47 differ from rows 0..11; 2 Z[0][0] changed only at the
 * completion or the last element was already written; 3 a Z element is not 0x7E00 after the
 * second job; 4 after the soft clear the first row was lost, the last row written, STATUS not 0
 * or a completion event came.
 */
#include "example.h"

#define M 48
#define N 32
#define K 128

L1_BSS static uint8_t x[M * N * 2 + 64] __attribute__((aligned(16)));
L1_BSS static uint8_t w[N * K * 2 + 64] __attribute__((aligned(16)));
L1_BSS static uint8_t y[M * K * 2 + 64] __attribute__((aligned(16)));

static int rows_equal(const uint8_t *z, uint32_t a, uint32_t b, uint32_t count)
{
    const uint32_t *p = (const uint32_t *)z;
    uint32_t words = K * 2 / 4;
    for (uint32_t r = 0; r < count; r++)
        for (uint32_t i = 0; i < words; i++)
            if (p[(a + r) * words + i] != p[(b + r) * words + i])
                return 0;
    return 1;
}

int main(void)
{
    if (get_core_id() != 0)
        return 0;
    redmule_event_clear();

    /* 1. A store to X after the trigger, before RedMulE reads those rows. */
    rm_srand(0xDA7A);
    rm_fill(x, M * N * 2, REDMULE_FLOAT16, M, N, -3, 1, 0);
    rm_fill(w, N * K * 2, REDMULE_FLOAT16, N, K, -3, 1, 0);
    rm_fill(y, M * K * 2, REDMULE_FLOAT16, M, K, -2, 2, 0);
    rm_copy(y + 36 * K * 2, y, 12 * K * 2);
    redmule_offload(x, w, y, M, N, K, REDMULE_GEMM, REDMULE_FLOAT16);
    rm_copy(x + 36 * N * 2, x, 12 * N * 2);
    redmule_wait();
    int late = rows_equal(y, 36, 0, 12);
    printf("late X store used: %s\n", late ? "yes" : "no");
    if (!late)
        return 1;

    /* 2. Z rows appear while the job runs. */
    volatile uint16_t *z = (volatile uint16_t *)y;
    for (uint32_t i = 0; i < M * K; i++)
        z[i] = 0x7E01;
    unsigned long t0 = cycles();
    redmule_offload(x, w, y, M, N, K, REDMULE_GEMM, REDMULE_FLOAT16);
    while (z[0] == 0x7E01)
        ;
    unsigned long first = cycles() - t0;
    int pending = z[M * K - 1] == 0x7E01;
    redmule_wait();
    unsigned long done = cycles() - t0;
    printf("first Z row after %lu cycles, last row pending: %s\n", first, pending ? "yes" : "no");
    printf("completion after %lu cycles\n", done);
    if (!pending || first >= done)
        return 2;
    for (uint32_t i = 0; i < M * K; i++)
        if (z[i] != 0x7E00) {
            printf("Z[%lu] = 0x%04x\n", (unsigned long)i, (unsigned)z[i]);
            return 3;
        }

    /* 3. A soft clear while the job runs. */
    for (uint32_t i = 0; i < M * K; i++)
        z[i] = 0x7E01;
    redmule_event_clear();
    redmule_offload(x, w, y, M, N, K, REDMULE_GEMM, REDMULE_FLOAT16);
    while (z[0] == 0x7E01)
        ;
    redmule_soft_clear();
    unsigned long t1 = cycles();
    while (cycles() - t1 < 2 * done)
        ;
    int kept = z[0] == 0x7E00 && z[M * K - 1] == 0x7E01;
    int quiet = redmule_status() == 0 && (redmule_eu_read(REDMULE_EU_BUFFER) & (1u << REDMULE_EVENT)) == 0;
    printf("soft clear: %s\n", kept && quiet ? "first row kept, last row never written" : "wrong");
    return kept && quiet ? 0 : 4;
}
