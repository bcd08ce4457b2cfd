/*
 * hello.c: the PMSIS cluster API, written as a PMSIS application (main on the fabric
 * controller, work sent to the cluster, team forks inside). The same source runs on
 * pulp-cluster (main on core 0, which plays the fabric controller) and on pulp (main on the
 * fabric controller, hart 8). Needs neither the DMA nor the event counters. Run with any
 * --harts (1..8).
 *
 * Exit codes (0 = every check passed):
 *   1  pi_is_fc() is not 1 in main, or main does not run where it should: on pulp-cluster on
 *      core 0 (pi_core_id() 0, pi_cluster_id() 0), on pulp on the fabric controller
 *      (pi_cluster_id() 31, PMSIS's cluster id of the FC)
 *   2  pi_cluster_open failed (the first time, or when opened again after pi_cluster_close)
 *   3  in the task: pi_is_fc(), pi_core_id() or pi_cluster_id() wrong
 *   4  a fork over all cores did not run on every core exactly once, or pi_cl_team_nb_cores()
 *      differed from pi_cl_cluster_nb_cores()
 *   5  barrier: a core saw another core's phase from before the barrier
 *   6  critical section: lost increments
 *   7  fork with 3 cores (and then nb_cores = 0, which must reuse 3) ran the wrong cores
 *   8  the task's nb_cores did not become the default team
 *   9  pi_l2_malloc / pi_l2_free: overlap, alignment, reuse or exhaustion wrong
 *  10  pi_cl_l1_malloc / pi_l1_malloc / pi_cl_l1_malloc_align: same (in the task and in main)
 *  11  allocations from every core at once: a chunk overlapped another core's, or leaked
 *  12  a task asking for larger stacks did not run on them (master or slaves)
 *  13  pi_cluster_send_task_async: the completion callback did not run
 *  14  pi_is_fc() is not 1 again after the task
 *  15  pulp: a task sent while the fabric controller has interrupts enabled (a handler
 *      installed) reached the handler, or mstatus.MIE was not restored (without the runtime
 *      holding interrupts off during its wait, the run would hang: exit 121)
 *  16  math.h: expf more than 1 ulp from the correctly rounded e^x at one of the points below
 *      (normal, subnormal, overflowing and vanishing results, NaN), or a wrong M_ constant
 */
#include "pmsis.h"
#include <math.h>

extern char __stack_bottom[], __stack_top[], __l1_heap_start[], __l1_heap_end[];

#define MAX_CORES 8

static PI_L1 int ran[MAX_CORES];                 /* per core: times it ran the forked function */
static PI_L1 int team_seen[MAX_CORES];           /* per core: pi_cl_team_nb_cores() seen */
static PI_L1 volatile int phase[MAX_CORES];
static PI_L1 volatile int barrier_errors;
static PI_L1 int counter;                        /* incremented under the critical section */
static PI_L1 uintptr_t sp_seen[MAX_CORES];
static volatile int failure;
static int callback_ran;

static void fail(int code)
{
    if (failure == 0)
        failure = code;
}

static uintptr_t stack_pointer(void)
{
    uintptr_t sp;
    __asm__ volatile("mv %0, sp" : "=r"(sp));
    return sp;
}

/* ------------------------------------------------------------------ math.h */

static uint32_t float_bits(float f)
{
    union { float f; uint32_t u; } v = { f };
    return v.u;
}

/* x and the bits of e^x rounded to single precision (from a double-precision reference). */
static const struct { uint32_t x, e; } expf_points[] = {
    { 0x00000000, 0x3F800000 }, { 0x3F800000, 0x402DF854 }, { 0xBF800000, 0x3EBC5AB2 },
    { 0x3F000000, 0x3FD3094C }, { 0xBEB17218, 0x3F3504F3 }, { 0x41200000, 0x46AC14EE },
    { 0xC1200000, 0x383E6BCE }, { 0x41A40000, 0x4E3EB628 }, { 0xC1A40000, 0x30ABD1D8 },
    { 0x42B17217, 0x7F7FFF84 },                           /* the largest finite result */
    { 0xC2AF0000, 0x006CB2BC }, { 0xC2C80000, 0x0000001B }, /* subnormal results */
    { 0xC2CFF1B4, 0x00000001 },                           /* the smallest non-zero result */
    { 0x42B17218, 0x7F800000 }, { 0x7F800000, 0x7F800000 }, /* overflow, +inf */
    { 0xC2CFF1B5, 0x00000000 }, { 0xFF800000, 0x00000000 }, /* vanishing, -inf */
};

static int check_math(void)
{
    for (unsigned i = 0; i < sizeof expf_points / sizeof expf_points[0]; i++) {
        union { uint32_t u; float f; } x = { expf_points[i].x };
        uint32_t got = float_bits(expf(x.f)), want = expf_points[i].e;
        if (got - want + 1 > 2) {                   /* more than 1 ulp apart */
            printf("expf(0x%08x) = 0x%08x, expected 0x%08x\n", (unsigned)x.u, (unsigned)got,
                   (unsigned)want);
            return 0;
        }
    }
    if (!isnan(expf(NAN)))
        return 0;
    return (float)M_PI == 3.14159274f && (float)M_PI_2 == 1.57079637f && (float)M_E == 2.71828175f
           && (float)M_LN2 == 0.693147182f;
}

/* ------------------------------------------------------------------ forked functions */

static void count_cores(void *arg)
{
    (void)arg;
    unsigned c = pi_core_id();
    ran[c]++;
    team_seen[c] = (int)pi_cl_team_nb_cores();
    printf("core %u of %d in the team\n", c, (int)pi_cl_team_nb_cores());
}

/* Each core announces phase p, meets the others, and checks that nobody is still before p. */
static void barrier_phases(void *arg)
{
    (void)arg;
    unsigned c = pi_core_id(), n = pi_cl_team_nb_cores();
    for (int p = 1; p <= 20; p++) {
        /* Core c is late by a different amount each phase. */
        for (volatile unsigned spin = 0; spin < ((c * 7 + (unsigned)p * 3) % 11) * 10; spin++)
            ;
        phase[c] = p;
        pi_cl_team_barrier();
        for (unsigned o = 0; o < n; o++)
            if (phase[o] < p) {
                pi_cl_team_critical_enter();
                barrier_errors++;
                pi_cl_team_critical_exit();
            }
        pi_cl_team_barrier();
    }
}

static void increment(void *arg)
{
    int times = *(int *)arg;
    for (int i = 0; i < times; i++) {
        pi_cl_team_critical_enter();
        int v = counter;               /* a read-modify-write another core could interleave */
        for (volatile int spin = 0; spin < 3; spin++)
            ;
        counter = v + 1;
        pi_cl_team_critical_exit();
    }
}

/* Every core allocates and frees chunks of its own sizes, fills them with its id, and checks
 * them before freeing; all at the same time. */
static void allocate_everywhere(void *arg)
{
    (void)arg;
    unsigned c = pi_core_id();
    uint32_t seed = 0x1234567u * (c + 1);
    for (int round = 0; round < 20; round++) {
        uint8_t *chunks[4];
        int sizes[4];
        for (int k = 0; k < 4; k++) {
            seed = seed * 1664525u + 1013904223u;
            sizes[k] = 1 + (int)((seed >> 16) % 300);
            chunks[k] = (k & 1) ? pi_l2_malloc(sizes[k]) : pi_cl_l1_malloc(0, (uint32_t)sizes[k]);
            if (chunks[k] == 0) {
                fail(11);
                return;
            }
            memset(chunks[k], (int)(c * 16 + (unsigned)k), (size_t)sizes[k]);
        }
        for (int k = 0; k < 4; k++) {
            for (int i = 0; i < sizes[k]; i++)
                if (chunks[k][i] != (uint8_t)(c * 16 + (unsigned)k))
                    fail(11);
            if (k & 1)
                pi_l2_free(chunks[k], sizes[k]);
            else
                pi_cl_l1_free(0, chunks[k], sizes[k]);
        }
    }
}

static void record_sp(void *arg)
{
    (void)arg;
    sp_seen[pi_core_id()] = stack_pointer();
}

/* ------------------------------------------------------------------ allocator checks */

/* Whether [p, p + n) and [q, q + m) share a byte (compared as addresses: distinct chunks). */
static int overlap(const void *p, int n, const void *q, int m)
{
    uintptr_t a = (uintptr_t)p, b = (uintptr_t)q;
    return a < b + (uintptr_t)m && b < a + (uintptr_t)n;
}

static int check_l2_malloc(void)
{
    uint8_t *a = pi_l2_malloc(100), *b = pi_l2_malloc(1), *c = pi_l2_malloc_align(256, 1024);
    if (!a || !b || !c || ((uintptr_t)a & 7) || ((uintptr_t)b & 7) || ((uintptr_t)c & 1023))
        return 0;
    if (overlap(a, 100, b, 1) || overlap(a, 100, c, 256) || overlap(b, 1, c, 256))
        return 0;
    memset(a, 0xAA, 100);
    memset(b, 0xBB, 1);
    memset(c, 0xCC, 256);
    if (a[99] != 0xAA || b[0] != 0xBB || c[255] != 0xCC)
        return 0;
    pi_l2_free(a, 100);
    uint8_t *a2 = pi_l2_malloc(96);     /* first fit: a's place again */
    if (a2 != a)
        return 0;
    pi_l2_free(a2, 96);
    pi_l2_free(b, 1);
    pi_l2_free(c, 256);
    /* Everything merged back: a huge chunk fits, a too huge one does not. */
    uint8_t *big = pi_l2_malloc(512 * 1024);
    if (!big || pi_l2_malloc(2 * 1024 * 1024) != 0 || pi_l2_malloc(0) != 0 || pi_l2_malloc(-5) != 0)
        return 0;
    pi_l2_free(big, 512 * 1024);
    return pmsis_l2_malloc(8) == a && (pmsis_l2_malloc_free(a, 8), 1);
}

static int check_l1_malloc(struct pi_device *cluster)
{
    uint8_t *x = pi_cl_l1_malloc(cluster, 40), *y = pi_l1_malloc(0, 40), *z = pi_l1_malloc(cluster, 4000);
    uint8_t *w = pi_cl_l1_malloc_align(cluster, 64, 256);
    uintptr_t lo = (uintptr_t)__l1_heap_start, hi = (uintptr_t)__l1_heap_end;
    uint8_t *all[4] = {x, y, z, w};
    int size[4] = {40, 40, 4000, 64};
    for (int i = 0; i < 4; i++) {
        if (!all[i] || (uintptr_t)all[i] < lo || (uintptr_t)all[i] + (uintptr_t)size[i] > hi)
            return 0;
        for (int j = 0; j < 4; j++)
            if (i != j && overlap(all[i], size[i], all[j], size[j]))
                return 0;
    }
    if ((uintptr_t)w & 255)
        return 0;
    pi_cl_l1_free(cluster, x, 40);
    pi_l1_free(0, y, 40);
    pi_l1_free(cluster, z, 4000);
    pi_cl_l1_free(cluster, w, 64);
    /* Nothing leaked: the whole heap is one chunk again. */
    int whole = (int)(hi - lo) & ~7;
    uint8_t *all_of_it = pmsis_l1_malloc(whole);
    if (all_of_it != (uint8_t *)((lo + 7) & ~(uintptr_t)7) && all_of_it != (uint8_t *)lo)
        return 0;
    if (pi_cl_l1_malloc(cluster, 8) != 0)
        return 0;
    pmsis_l1_malloc_free(all_of_it, whole);
    return 1;
}

/* ------------------------------------------------------------------ the cluster task */

static struct pi_device cluster_dev;

static void cluster_entry(void *arg)
{
    (void)arg;
    unsigned n = (unsigned)pi_cl_cluster_nb_cores();
    if (pi_is_fc() || pi_core_id() != 0 || pi_cluster_id() != 0)
        fail(3);
    printf("cluster task on core %u, %u cores\n", (unsigned)pi_core_id(), n);

    /* A fork over every core. */
    pi_cl_team_fork((int)n, count_cores, 0);
    for (unsigned c = 0; c < MAX_CORES; c++)
        if (ran[c] != (c < n ? 1 : 0) || (c < n && team_seen[c] != (int)n))
            fail(4);

    pi_cl_team_fork(0, barrier_phases, 0);
    if (barrier_errors != 0)
        fail(5);

    int times = 200;
    pi_cl_team_fork(0, increment, &times);
    if (counter != 200 * (int)n)
        fail(6);

    /* Three cores, then nb_cores = 0 reuses three. */
    unsigned three = n < 3 ? n : 3;
    memset(ran, 0, sizeof ran);
    pi_cl_team_fork(3, count_cores, 0);
    pi_cl_team_fork(0, count_cores, 0);
    for (unsigned c = 0; c < MAX_CORES; c++)
        if (ran[c] != (c < three ? 2 : 0))
            fail(7);

    if (!check_l1_malloc(&cluster_dev))
        fail(10);
    pi_cl_team_fork((int)n, allocate_everywhere, 0);
    if (!check_l1_malloc(&cluster_dev))
        fail(11);
}

/* A task with nb_cores = 2: forks with nb_cores = 0 use two cores. */
static void two_core_entry(void *arg)
{
    (void)arg;
    memset(ran, 0, sizeof ran);
    pi_cl_team_fork(0, count_cores, 0);
    unsigned two = pi_cl_cluster_nb_cores() < 2 ? 1 : 2;
    for (unsigned c = 0; c < MAX_CORES; c++)
        if (ran[c] != (c < two ? 1 : 0))
            fail(8);
}

/* A task with its own stack sizes (larger than the start-up stacks in the SMALL_STACKS
 * build): the master runs here on its task stack, the slaves' forked function on theirs. */
static void stacks_entry(void *arg)
{
    (void)arg;
    memset(sp_seen, 0, sizeof sp_seen);
    record_sp(0);
    pi_cl_team_fork(0, record_sp, 0);
}

static void on_done(void *arg)
{
    *(int *)arg = 1;
}

#ifdef PLATFORM_PULP_CHIP
static volatile int fc_irqs;

static void fc_irq(unsigned mcause)
{
    (void)mcause;
    fc_irqs++;
}
#endif

#ifdef SMALL_STACKS
static int in_l1_heap(uintptr_t sp)
{
    return sp > (uintptr_t)__l1_heap_start && sp <= (uintptr_t)__l1_heap_end;
}
#else
static int in_startup_stack(uintptr_t sp)
{
    return sp > (uintptr_t)__stack_bottom && sp <= (uintptr_t)__stack_top;
}
#endif

/* The cluster id of the hart that runs main. */
#ifdef PLATFORM_PULP_CHIP
#define MAIN_CLUSTER_ID 31      /* the fabric controller (mhartid 0x3E0) */
#else
#define MAIN_CLUSTER_ID 0       /* cluster core 0 plays the fabric controller */
#endif

int main(void)
{
    printf("Hello from the PMSIS runtime on " PLATFORM_NAME "\n");
    if (!pi_is_fc() || pi_core_id() != 0 || pi_cluster_id() != MAIN_CLUSTER_ID)
        return 1;

    struct pi_cluster_conf conf;
    struct pi_cluster_task task;
    pi_cluster_conf_init(&conf);
    pi_open_from_conf(&cluster_dev, &conf);
    if (pi_cluster_open(&cluster_dev))
        return 2;
    pi_cluster_close(&cluster_dev);             /* opening again must work */
    if (pi_cluster_open(&cluster_dev))
        return 2;

    if (!check_l2_malloc())
        return 9;
    if (!check_l1_malloc(&cluster_dev))         /* the L1 heap from main as well */
        return 10;

    pi_cluster_send_task_to_cl(&cluster_dev, pi_cluster_task(&task, cluster_entry, 0));
    if (failure)
        return failure;

    pi_cluster_task(&task, two_core_entry, 0);
    task.nb_cores = 2;
    pi_cluster_send_task(&cluster_dev, &task);
    if (failure)
        return failure;

    /* Stack sizes: 3 KiB for the master, 2 KiB per slave. The SMALL_STACKS build has 1.5 KiB
     * start-up stacks, so both move to L1; the default build (4 KiB) keeps the start-up ones. */
    unsigned n = (unsigned)pi_cl_cluster_nb_cores();
    pi_cluster_task(&task, stacks_entry, 0);
    task.stack_size = 3072;
    task.slave_stack_size = 2048;
    pi_cluster_send_task_to_cl(&cluster_dev, &task);
    for (unsigned c = 0; c < n; c++) {
#ifdef SMALL_STACKS
        int ok = in_l1_heap(sp_seen[c]);
#else
        int ok = in_startup_stack(sp_seen[c]);
#endif
        if (!ok) {
            printf("core %u ran the task on sp 0x%08x\n", c, (unsigned)sp_seen[c]);
            return 12;
        }
    }
    /* Stacks given by the application: master first, then one block per slave. */
    static PI_L1 uint8_t own_stacks[1024 + 7 * 1024] __attribute__((aligned(16)));
    pi_cluster_task(&task, stacks_entry, 0);
    task.stack_size = 1024;
    pi_cluster_task_stacks(&task, own_stacks, 1024);
    pi_cluster_send_task_to_cl(&cluster_dev, &task);
    for (unsigned c = 0; c < n; c++) {
        uintptr_t lo = (uintptr_t)own_stacks + (c == 0 ? 0 : 1024 * c);
        if (sp_seen[c] <= lo || sp_seen[c] > lo + 1024) {
            printf("core %u ran on sp 0x%08x, not in its given stack\n", c, (unsigned)sp_seen[c]);
            return 12;
        }
    }

    pi_task_t done;
    pi_cluster_task(&task, two_core_entry, 0);
    task.nb_cores = 2;
    pi_cluster_send_task_async(&cluster_dev, &task, pi_task_callback(&done, on_done, &callback_ran));
    pi_task_wait_on(&done);
    if (!callback_ran)
        return 13;
    if (!pi_is_fc())
        return 14;

#ifdef PLATFORM_PULP_CHIP
    /* The FC's interrupts enabled during a task: the runtime's wait must still see the end. */
    irq_set_handler(fc_irq);
    irq_enable();
    pi_cluster_task(&task, two_core_entry, 0);
    task.nb_cores = 2;
    pi_cluster_send_task_to_cl(&cluster_dev, &task);
    unsigned mstatus = irq_disable();
    irq_set_handler(0);
    if (failure)
        return failure;
    if (fc_irqs != 0 || !(mstatus & MSTATUS_MIE))
        return 15;
#endif

    if (!check_math())
        return 16;

    pi_cluster_close(&cluster_dev);
    printf("PMSIS hello: PASS\n");
    pmsis_exit(0);
}
