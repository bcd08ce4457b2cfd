/*
 * redmule-timing: trigger-to-event cycles of one Float16 GEMM job per shape of docs/platform.md §7.5,
 * printed as `timing MxNxK <cycles>` (M x N x K), exit 0.
 *
 * For each shape: soft clear, acquire, X/W/Z addresses and MCFG0/MCFG1 written, the event
 * mask set to event 12 alone and the buffer cleared; then, back to back,
 *     sw   ARITH             (ARITH is written immediately before TRIGGER)
 *     csrr t0, mcycle
 *     sw   TRIGGER (0)
 *     lw   EVENT_WAIT_CLEAR  (the core sleeps until event 12)
 *     csrr t1, mcycle
 * and the line shows t1 - t0. Only core 0 works; the others wait at the final barrier.
 *
 * The operands share one TCDM pool (128 x 128 x 128 needs 32 KiB + 32 KiB + 33 KiB with the
 * Z padding rows), all zero. Shapes whose M is not a multiple of 12 make RedMulE write
 * padding rows past Z (room is left): pulpsim prints its z-padding warning once.
 *
 * Then the same job polled: after TRIGGER the core loops on STATUS with a divide by 3 (33 cycles) in
 * the loop, and `poll MxNxK <cycles>` shows when it saw STATUS = 0: at most one loop iteration
 * after the completion (a core running alone must not run past a device event).
 *
 * Exit codes: 0; 1 if STATUS was not 0 after a completion event; 3 if polling saw the
 * completion more than 40 cycles late (one loop iteration: the divide 33, the load 1 and its use
 * by bnez 1, the taken branch 3, and 1 if the loop start is not word-aligned).
 */
#include "example.h"

#define POOL_BYTES (100 * 1024)

struct shape { uint16_t m, n, k; };
static const struct shape shapes[] = {
    { 12, 16, 16 }, { 48, 48, 48 }, { 64, 64, 64 }, { 96, 96, 96 }, { 128, 128, 128 },
    { 96, 100, 96 }, { 23, 17, 33 }, { 12, 512, 16 },
};
#define NSHAPES (sizeof(shapes) / sizeof(shapes[0]))

L1_BSS static uint8_t pool[POOL_BYTES] __attribute__((aligned(16)));

static uint32_t timed_job(uint32_t arith)
{
    uint32_t t0, t1, tmp;
    __asm__ volatile("sw   %[arith], %[off_arith](%[rm])\n\t"
                     "csrr %[t0], mcycle\n\t"
                     "sw   zero, %[off_trig](%[rm])\n\t"
                     "lw   %[tmp], %[off_wait](%[eu])\n\t"
                     "csrr %[t1], mcycle\n\t"
                     : [t0] "=&r"(t0), [t1] "=&r"(t1), [tmp] "=&r"(tmp)
                     : [arith] "r"(arith), [rm] "r"(REDMULE_BASE), [eu] "r"(REDMULE_EU_BASE),
                       [off_arith] "i"(REDMULE_ARITH), [off_trig] "i"(REDMULE_TRIGGER),
                       [off_wait] "i"(REDMULE_EU_WAIT_CLEAR)
                     : "memory");
    (void)tmp;
    return t1 - t0;
}

/* Trigger, then poll STATUS with a divide in the loop; cycles from TRIGGER to STATUS = 0. */
static uint32_t polled_job(uint32_t arith)
{
    uint32_t t0, t1, status, q = 1000000, d = 3;
    __asm__ volatile("sw   %[arith], %[off_arith](%[rm])\n\t"
                     "csrr %[t0], mcycle\n\t"
                     "sw   zero, %[off_trig](%[rm])\n\t"
                     "1:\n\t"
                     "divu %[q], %[q], %[d]\n\t"
                     "lw   %[status], %[off_status](%[rm])\n\t"
                     "bnez %[status], 1b\n\t"
                     "csrr %[t1], mcycle\n\t"
                     : [t0] "=&r"(t0), [t1] "=&r"(t1), [status] "=&r"(status), [q] "+r"(q)
                     : [arith] "r"(arith), [rm] "r"(REDMULE_BASE), [d] "r"(d),
                       [off_arith] "i"(REDMULE_ARITH), [off_trig] "i"(REDMULE_TRIGGER),
                       [off_status] "i"(REDMULE_STATUS)
                     : "memory");
    return t1 - t0;
}

/* Soft clear, acquire and the job registers of one job. */
static void program(uint8_t *x, uint8_t *w, uint8_t *z, uint32_t m, uint32_t n, uint32_t k)
{
    redmule_soft_clear();
    redmule_acquire();
    redmule_write(REDMULE_X_ADDR, (uint32_t)x);
    redmule_write(REDMULE_W_ADDR, (uint32_t)w);
    redmule_write(REDMULE_Z_ADDR, (uint32_t)z);
    redmule_write(REDMULE_MCFG0, REDMULE_MCFG0_VALUE(m, k));
    redmule_write(REDMULE_MCFG1, n);
}

int main(void)
{
    int result = 0;
    if (get_core_id() == 0) {
        for (unsigned s = 0; s < NSHAPES; s++) {
            uint32_t m = shapes[s].m, n = shapes[s].n, k = shapes[s].k;
            uint8_t *x = pool;
            uint8_t *w = x + ((redmule_matrix_size(m, n) + REDMULE_OVERREAD + 15) & ~15u);
            uint8_t *z = w + ((redmule_w_size(n, k) + REDMULE_OVERREAD + 15) & ~15u);
            if (z + redmule_z_size(m, k) + REDMULE_OVERREAD > pool + POOL_BYTES) {
                printf("timing %ux%ux%u does not fit\n", (unsigned)m, (unsigned)n, (unsigned)k);
                return 2;
            }
            program(x, w, z, m, n, k);
            uint32_t saved = redmule_eu_read(REDMULE_EU_EVT_MASK);
            redmule_eu_write(REDMULE_EU_EVT_MASK, 1u << REDMULE_EVENT);
            redmule_event_clear();
            uint32_t c = timed_job(REDMULE_ARITH_VALUE(REDMULE_GEMM, REDMULE_FLOAT16));
            redmule_eu_write(REDMULE_EU_EVT_MASK, saved);
            if (redmule_status() != 0)
                result = 1;
            printf("timing %ux%ux%u %u\n", (unsigned)m, (unsigned)n, (unsigned)k, (unsigned)c);
            program(x, w, z, m, n, k);
            uint32_t p = polled_job(REDMULE_ARITH_VALUE(REDMULE_GEMM, REDMULE_FLOAT16));
            printf("poll %ux%ux%u %u\n", (unsigned)m, (unsigned)n, (unsigned)k, (unsigned)p);
            if (p > c + 40)
                result = 3;
        }
    }
    synch_barrier();
    return result;
}
