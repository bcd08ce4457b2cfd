/*
 * perf.c: the PMSIS performance counters against counts worked out by hand. Needs the
 * CV32E40P event counters (docs/platform.md §13); the -DPMSIS_PERF_NO_HPM build checks
 * PI_PERF_CYCLES and PI_PERF_INSTR only and runs without them.
 *
 * Each kernel of perf-kernels.S runs twice between pi_perf_reset/start and pi_perf_stop, with
 * n1 and n2 iterations. The start/stop/call overhead is the same in both runs (and the last,
 * not-taken iteration too), so count(n2) - count(n1) = (n2 - n1) * the per-iteration count of
 * perf-kernels.S, exactly: e.g. perf_mem: 7 instructions, 2 loads, 1 store, 1 branch taken,
 * 1 compressed instruction, 10 cycles (7 + 1 load stall for the add using the second load +
 * 2 for the taken branch, docs/platform.md §1), of which 2 pipeline-stall cycles. Every core of the cluster does this at once with its own
 * n1, n2 (its own counters). Then: stop freezes the counts, reset zeroes them, an event not
 * configured reads 0, and the RI5CY-only events (LD_EXT, TCDM_CONT, ...) read 0.
 *
 * Exit codes: 0 pass; 10 + k: kernel k (1 mem, 2 jump, 3 fdiv) counted wrong on some core
 * (printed); 20 stop did not freeze; 21 reset did not zero; 22 unconfigured event not 0.
 */
#include "pmsis.h"

uint32_t perf_mem(uint32_t n, uint32_t *buf);
void perf_jump(uint32_t n);
void perf_fdiv(uint32_t n);

#define NB_EVENTS 22
#define MAX_CORES 8

static const char *const event_name[NB_EVENTS] = {
    "ACTIVE_CYCLES", "INSTR", "LD_STALL", "JR_STALL", "IMISS", "LD", "ST", "JUMP", "BRANCH",
    "BTAKEN", "RVC", "PIPE_STALL", "LD_EXT", "ST_EXT", "LD_EXT_CYC", "ST_EXT_CYC", "TCDM_CONT",
    "CYCLES", "APU_TYPE", "APU_CONT", "APU_DEP", "APU_WB",
};

/* Per-iteration counts of each kernel, by PMSIS event (0 where not listed). */
typedef struct {
    const char *name;
    uint32_t per[NB_EVENTS];
} kernel_counts_t;

static const kernel_counts_t expected[3] = {
    { "perf_mem", { [PI_PERF_ACTIVE_CYCLES] = 10, [PI_PERF_CYCLES] = 10, [PI_PERF_INSTR] = 7,
                    [PI_PERF_LD_STALL] = 1, [PI_PERF_LD] = 2, [PI_PERF_ST] = 1, [PI_PERF_BRANCH] = 1,
                    [PI_PERF_BTAKEN] = 1, [PI_PERF_RVC] = 1, [PI_PIPE_STALL] = 2 } },
    { "perf_jump", { [PI_PERF_ACTIVE_CYCLES] = 6, [PI_PERF_CYCLES] = 6, [PI_PERF_INSTR] = 3,
                     [PI_PERF_JUMP] = 1, [PI_PERF_JR_STALL] = 1, [PI_PERF_BRANCH] = 1,
                     [PI_PERF_BTAKEN] = 1, [PI_PIPE_STALL] = 2 } },
    { "perf_fdiv", { [PI_PERF_ACTIVE_CYCLES] = 15, [PI_PERF_CYCLES] = 15, [PI_PERF_INSTR] = 3,
                     [PI_PERF_BRANCH] = 1, [PI_PERF_BTAKEN] = 1, [PI_PIPE_STALL] = 2,
                     [PI_APU_DEP] = 10 } },
};

static PI_L1 uint32_t buffers[MAX_CORES][4];
static volatile int failure;

static void fail(int code)
{
    if (failure == 0)
        failure = code;
}

/* Events this build can count. */
static int counted(int e)
{
#ifdef PMSIS_PERF_NO_HPM
    return e == PI_PERF_CYCLES || e == PI_PERF_INSTR;
#else
    return e != PI_PERF_LD_EXT && e != PI_PERF_ST_EXT && e != PI_PERF_LD_EXT_CYC
        && e != PI_PERF_ST_EXT_CYC && e != PI_PERF_TCDM_CONT;
#endif
}

static void run_kernel(int k, uint32_t n)
{
    uint32_t *buf = buffers[pi_core_id()];
    switch (k) {
    case 0: (void)perf_mem(n, buf); break;
    case 1: perf_jump(n); break;
    default: perf_fdiv(n); break;
    }
}

static void measure(int k, uint32_t n, uint32_t counts[NB_EVENTS])
{
    pi_perf_reset();
    pi_perf_start();
    run_kernel(k, n);
    pi_perf_stop();
    for (int e = 0; e < NB_EVENTS; e++)
        counts[e] = pi_perf_read(e);
}

static void check_kernels(void *arg)
{
    (void)arg;
    unsigned c = pi_core_id();
    uint32_t all = 0;
    for (int e = 0; e < NB_EVENTS; e++)
        all |= 1u << e;
    pi_perf_conf(all);
    for (int k = 0; k < 3; k++) {
        uint32_t n1 = 5 + c, n2 = 105 + 3 * c, a[NB_EVENTS], b[NB_EVENTS];
        measure(k, n1, a);
        measure(k, n2, b);
        for (int e = 0; e < NB_EVENTS; e++) {
            uint32_t want = counted(e) ? (n2 - n1) * expected[k].per[e] : 0;
            uint32_t got = b[e] - a[e];
            if (!counted(e) && (a[e] || b[e]))
                got = a[e] | b[e];
            if (got != want) {
                printf("core %u: %s: %s: %u more for %u more iterations, expected %u\n", c,
                       expected[k].name, event_name[e], (unsigned)got, (unsigned)(n2 - n1),
                       (unsigned)want);
                fail(11 + k);
            }
        }
    }
}

int main(void)
{
    struct pi_device cluster;
    struct pi_cluster_conf conf;
    struct pi_cluster_task task;
    pi_cluster_conf_init(&conf);
    pi_open_from_conf(&cluster, &conf);
    if (pi_cluster_open(&cluster))
        return 1;
    pi_cluster_send_task_to_cl(&cluster, pi_cluster_task(&task, check_kernels, 0));
    if (failure)
        return failure;

    /* Stop freezes, reset zeroes, unconfigured events read 0 (in main: on the fabric controller,
     * core 0 on pulp-cluster). */
    uint32_t counts[NB_EVENTS], later[NB_EVENTS];
    pi_perf_conf((1u << PI_PERF_CYCLES) | (1u << PI_PERF_INSTR) | (1u << PI_PERF_LD));
    measure(0, 50, counts);
    run_kernel(0, 50);                      /* counted by nothing: stopped */
    for (int e = 0; e < NB_EVENTS; e++)
        later[e] = pi_perf_read(e);
    if (memcmp(counts, later, sizeof counts) != 0 || counts[PI_PERF_INSTR] < 350)
        return 20;
    pi_perf_reset();
    if (pi_perf_read(PI_PERF_CYCLES) || pi_perf_read(PI_PERF_INSTR) || pi_perf_read(PI_PERF_LD))
        return 21;
    if (counts[PI_PERF_ST] || counts[PI_PERF_BRANCH] || counts[PI_PERF_ACTIVE_CYCLES])
        return 22;
#ifndef PMSIS_PERF_NO_HPM
    if (counts[PI_PERF_LD] < 100)
        return 22;
#endif
    printf("perf_mem x50 in main: %u cycles, %u instructions, %u loads\n",
           (unsigned)counts[PI_PERF_CYCLES], (unsigned)counts[PI_PERF_INSTR],
           (unsigned)counts[PI_PERF_LD]);
    printf("PMSIS perf: PASS\n");
    return 0;
}
