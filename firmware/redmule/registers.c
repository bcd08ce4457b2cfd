/*
 * redmule-registers: the register protocol of docs/platform.md §7.2, check by check (no misuse that
 * pulpsim diagnoses as an error; every job is a valid one):
 *
 *   1  TRIGGER reads 0xDEADBEEF; the ECC counters 0x90..0x9C read 0
 *   2  an offset that is no register (0x200) is plain storage
 *   3  after SOFT_CLEAR = 0: STATUS 0, FINISHED 0, ACQUIRE returns job id 0, a second
 *      ACQUIRE before the TRIGGER returns -2
 *   4  the job registers read back what was written
 *   5  STATUS is 0x01 right after the TRIGGER of a job in context 0 and 0 after the
 *      completion event; RUNNING_JOB is the job id; FINISHED reads 1 once, then 0
 *   6  the job id counts up across jobs separated by SOFT_CLEAR = 1 (a non-zero write resets
 *      the engine but keeps the ids) and wraps at 256; the results stay bit-exact
 *   7  MCFG1[31:16] and ARITH bits 14, 13 and 9 are ignored
 *   8  the register window alias 0x0020_1000 and TCDM alias addresses (0x0000_xxxx) for
 *      the operands work
 *   9  the completion event goes to the core that wrote TRIGGER (core 5 here) and not to
 *      core 0
 *
 * Exit code: the number of the first failing check (0 = all pass). Each check prints a line.
 */
#include "example.h"

#define M 12
#define N 16
#define K 16

L1_BSS static uint8_t pool[8 * 1024] __attribute__((aligned(16)));
static uint8_t ref[M * K * 2], y0[M * K * 2];
L1_BSS static volatile uint32_t core5_buffer, core5_ok, core0_buffer;

static int result;

static void check(int n, int ok, const char *what)
{
    printf("registers check %d: %s: %s\n", n, what, ok ? "ok" : "FAIL");
    if (!ok && !result)
        result = n;
}

static void reset_y(uint8_t *y)
{
    rm_copy(y, y0, sizeof(y0));
}

static int y_ok(const uint8_t *y)
{
    return redmule_compare(y, ref, M, K, REDMULE_FLOAT16, 2) == 0;
}

int main(void)
{
    unsigned core = get_core_id(), nc = get_core_num();
    uint8_t *x, *w, *y;
    if (core == 0) {
        rm_setup_job(pool, M, N, K, REDMULE_FLOAT16, 4242, &x, &w, &y);
        rm_copy(y0, y, sizeof(y0));
        redmule_ref(x, w, y, ref, M, N, K, REDMULE_GEMM, REDMULE_FLOAT16);

        /* 1 */
        uint32_t ecc = 0;
        for (uint32_t off = 0x90; off <= 0x9C; off += 4)
            ecc |= redmule_read(off);
        check(1, redmule_read(REDMULE_TRIGGER) == 0xDEADBEEFu && ecc == 0,
              "TRIGGER reads 0xDEADBEEF, ECC counters 0");

        /* 2 */
        redmule_write(0x200, 0x12345678u);
        check(2, redmule_read(0x200) == 0x12345678u, "offset 0x200 is plain storage");

        /* 3 */
        redmule_soft_clear();
        uint32_t st = redmule_status(), fin = redmule_read(REDMULE_FINISHED);
        int a1 = (int)redmule_read(REDMULE_ACQUIRE), a2 = (int)redmule_read(REDMULE_ACQUIRE);
        check(3, st == 0 && fin == 0 && a1 == 0 && a2 == -2,
              "after SOFT_CLEAR 0: STATUS 0, FINISHED 0, ACQUIRE 0 then -2");
        if (a1 != 0 || a2 != -2)
            printf("  STATUS 0x%x FINISHED %u ACQUIRE %d, %d\n", (unsigned)st, (unsigned)fin, a1, a2);

        /* 4 */
        redmule_cfg((uint32_t)x, (uint32_t)w, (uint32_t)y, M, N, K, REDMULE_GEMM, REDMULE_FLOAT16);
        check(4, redmule_read(REDMULE_X_ADDR) == (uint32_t)x && redmule_read(REDMULE_W_ADDR) == (uint32_t)w &&
                 redmule_read(REDMULE_Z_ADDR) == (uint32_t)y &&
                 redmule_read(REDMULE_MCFG0) == REDMULE_MCFG0_VALUE(M, K) &&
                 redmule_read(REDMULE_MCFG1) == N &&
                 redmule_read(REDMULE_ARITH) == REDMULE_ARITH_VALUE(REDMULE_GEMM, REDMULE_FLOAT16),
              "job registers read back");

        /* 5 */
        redmule_event_clear();
        redmule_trigger();
        uint32_t st1 = redmule_status(), run = redmule_read(REDMULE_RUNNING_JOB);
        redmule_wait();
        uint32_t st2 = redmule_status();
        uint32_t f1 = redmule_read(REDMULE_FINISHED), f2 = redmule_read(REDMULE_FINISHED);
        check(5, st1 == 1 && run == 0 && st2 == 0 && f1 == 1 && f2 == 0 && y_ok(y),
              "STATUS 0x1 while running, 0 after; RUNNING_JOB 0; FINISHED 1 then 0");
        if (!(st1 == 1 && run == 0 && st2 == 0 && f1 == 1 && f2 == 0))
            printf("  STATUS 0x%x RUNNING_JOB %u, after: STATUS 0x%x FINISHED %u, %u\n", (unsigned)st1,
                   (unsigned)run, (unsigned)st2, (unsigned)f1, (unsigned)f2);

        /* 6: 257 more jobs, SOFT_CLEAR = 1 between them */
        int ids_ok = 1, data_ok = 1;
        for (int j = 1; j <= 257; j++) {
            reset_y(y);
            redmule_write(REDMULE_SOFT_CLEAR, 1);
            int id = redmule_acquire();
            redmule_cfg((uint32_t)x, (uint32_t)w, (uint32_t)y, M, N, K, REDMULE_GEMM, REDMULE_FLOAT16);
            redmule_trigger();
            redmule_wait();
            if (id != (j & 255)) {
                if (ids_ok)
                    printf("  job %d got id %d\n", j, id);
                ids_ok = 0;
            }
            if (j == 1 || j == 256 || j == 257)
                data_ok &= y_ok(y);
        }
        check(6, ids_ok && data_ok, "job ids count up across SOFT_CLEAR = 1 and wrap at 256");

        /* 7 */
        reset_y(y);
        redmule_soft_clear();
        redmule_acquire();
        redmule_write(REDMULE_X_ADDR, (uint32_t)x);
        redmule_write(REDMULE_W_ADDR, (uint32_t)w);
        redmule_write(REDMULE_Z_ADDR, (uint32_t)y);
        redmule_write(REDMULE_MCFG0, REDMULE_MCFG0_VALUE(M, K));
        redmule_write(REDMULE_MCFG1, 0xABCD0000u | N);
        redmule_write(REDMULE_ARITH, REDMULE_ARITH_VALUE(REDMULE_GEMM, REDMULE_FLOAT16) | (1u << 14) |
                                         (1u << 13) | (1u << 9));
        redmule_trigger();
        redmule_wait();
        check(7, y_ok(y), "MCFG1[31:16] and ARITH bits 14, 13, 9 ignored");

        /* 8 */
        reset_y(y);
        volatile uint32_t *alias = (volatile uint32_t *)0x00201000u;
        alias[REDMULE_SOFT_CLEAR / 4] = 0;
        int id8 = (int)alias[REDMULE_ACQUIRE / 4];
        alias[REDMULE_X_ADDR / 4] = (uint32_t)x - 0x10000000u;
        alias[REDMULE_W_ADDR / 4] = (uint32_t)w - 0x10000000u;
        alias[REDMULE_Z_ADDR / 4] = (uint32_t)y - 0x10000000u;
        alias[REDMULE_MCFG0 / 4] = REDMULE_MCFG0_VALUE(M, K);
        alias[REDMULE_MCFG1 / 4] = N;
        alias[REDMULE_ARITH / 4] = REDMULE_ARITH_VALUE(REDMULE_GEMM, REDMULE_FLOAT16);
        alias[REDMULE_TRIGGER / 4] = 0;
        redmule_wait();
        check(8, id8 == 0 && y_ok(y), "register alias 0x00201000 and TCDM alias operand addresses");

        reset_y(y);
        redmule_soft_clear();
        redmule_event_clear();
    }
    synch_barrier();

    /* 9: core 5 offloads (if started) */
    unsigned issuer = nc > 5 ? 5 : 0;
    if (core == issuer) {
        x = pool;
        w = x + ((redmule_matrix_size(M, N) + REDMULE_OVERREAD + 15) & ~15u);
        y = w + ((redmule_w_size(N, K) + REDMULE_OVERREAD + 15) & ~15u);
        redmule_event_clear();
        redmule_offload(x, w, y, M, N, K, REDMULE_GEMM, REDMULE_FLOAT16);
        /* sleep on the event itself (not on STATUS) */
        redmule_sleep();
        core5_buffer = 1;
        core5_ok = y_ok(y) && redmule_status() == 0;
    }
    synch_barrier();
    if (core == 0) {
        core0_buffer = redmule_eu_read(REDMULE_EU_BUFFER);
        check(9, core5_buffer == 1 && core5_ok && !((core0_buffer >> REDMULE_EVENT) & 1u),
              "completion event to the triggering core only");
        printf("redmule-registers: %s (exit %d)\n", result ? "FAIL" : "PASS", result);
    }
    return result;
}
