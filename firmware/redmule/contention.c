/*
 * redmule-contention: RedMulE and 7 cores polling a flag in the TCDM (docs/platform.md §2,
 * §7.5). Core 0 runs the same 48 x 48 x 48 GEMM job twice while cores 1..7 poll a word in the
 * TCDM (a load and a divide per iteration each, all on one bank) until the job is over:
 *
 *   1. with the interconnect's reset priority: the cores win that bank, and RedMulE's requests
 *      whose first bank it is are refused — the job takes longer than on an idle TCDM;
 *   2. the same with redmule_max_stall(4): after 4 cycles in a row in which both sides asked,
 *      RedMulE has every bank for a cycle — refused less often, the job is faster than job 1;
 *   3. after redmule_priority_first(): RedMulE wins, the job takes its idle time exactly, and
 *      the polling cores wait for the bank instead (TCDM stalls in --stats);
 *   4. the same with redmule_max_stall(4): after 4 cycles in a row in which both sides asked,
 *      the cores have every bank for a cycle and RedMulE's request then is refused — the job
 *      is slower than job 3.
 *
 * The cores see `running` change when their turns let them (docs/platform.md §2): how long they
 * poll, and so how often RedMulE is refused, depends on --quantum (806 refusals in all at the
 * default 256, 318 with --quantum 1).
 *
 * Each line `job <n> <cycles>` gives the cycles from TRIGGER to completion as core 0 sees them
 * (mcycle around TRIGGER and the event wait). Exit codes: 0; 1 if job 1 was faster than job 2,
 * job 2 faster than job 3 or job 4 faster than job 3 (with --no-tcdm-contention all take the
 * same time).
 */
#include "example.h"

#define M 48
#define N 48
#define K 48

L1_BSS static uint8_t pool[20 * 1024] __attribute__((aligned(16)));
L1_BSS static volatile uint32_t running;   /* the polled word */
L1_BSS static volatile uint32_t polls[8];

static uint32_t job(uint8_t *x, uint8_t *w, uint8_t *y)
{
    redmule_soft_clear();
    redmule_acquire();
    redmule_cfg((uint32_t)(uintptr_t)x, (uint32_t)(uintptr_t)w, (uint32_t)(uintptr_t)y, M, N, K, REDMULE_GEMM, REDMULE_FLOAT16);
    running = 1;
    uint32_t t0 = (uint32_t)plat_cycles();
    redmule_trigger();
    redmule_wait();
    uint32_t t1 = (uint32_t)plat_cycles();
    running = 0;
    return t1 - t0;
}

int main(void)
{
    unsigned core = get_core_id();
    uint8_t *x = 0, *w = 0, *y = 0;
    uint32_t cycles[4];
    if (core == 0)
        rm_setup_job(pool, M, N, K, REDMULE_FLOAT16, 77, &x, &w, &y);
    for (int round = 0; round < 4; round++) {
        if (core == 0 && round == 1)
            redmule_max_stall(4);
        if (core == 0 && round == 2) {
            redmule_max_stall(0);
            redmule_priority_first();
        }
        if (core == 0 && round == 3)
            redmule_max_stall(4);
        running = 2;
        synch_barrier();
        if (core != 0) {
            while (running == 2) {}            /* until core 0 triggers */
            uint32_t n = 0, q = 1u << 30;
            while (running) {                  /* poll while the job runs, a divide between loads */
                q = q / 3 + core;
                n++;
            }
            polls[core] += n + (q & 1);
        } else {
            cycles[round] = job(x, w, y);
        }
        synch_barrier();
    }
    if (core != 0)
        return 0;
    for (int round = 0; round < 4; round++)
        printf("job %d %u\n", round + 1, (unsigned)cycles[round]);
    return cycles[0] >= cycles[1] && cycles[1] >= cycles[2] && cycles[3] >= cycles[2] ? 0 : 1;
}
