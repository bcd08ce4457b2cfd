/*
 * team-fork: core 0 forks work over teams of cores through the event-unit dispatcher
 * (hal_team.h), many times, and checks every fork.
 *
 *   Phase 1: REPEAT forks over all started cores of add_slice(): each team member adds
 *            `iteration + 1` to its interleaved share of acc[] and records that it ran.
 *   Phase 2: forks with every team size 1..started: each member writes its id and the team
 *            size it sees (pi_cl_team_nb_cores) and meets the others at pi_cl_team_barrier()
 *            in the middle of the function.
 *   Then team_release() sends the workers back from team_worker_loop().
 *
 * Exit codes: 0 pass;
 *   1  a core ran a phase-1 fork a wrong number of times
 *   2  acc[] differs from the closed form sum_{it<REPEAT} (it + 1)
 *   3  phase 2: a member saw a wrong team size
 *   4  phase 2: a core outside the team ran, or a member did not run
 *   5  phase 2: the value read after the in-function team barrier is wrong
 *   6  a fork returned before all members had finished (join failure)
 *   7  the argument pointer did not arrive intact
 */
#include "pulp.h"

#define REPEAT 50u
#define LEN    256u

struct job {
    unsigned iteration;
    unsigned magic;
};

L1_BSS static volatile uint32_t acc[LEN];
L1_BSS static volatile uint32_t runs[ARCHI_NB_CORES];
L1_BSS static volatile uint32_t done[ARCHI_NB_CORES];
L1_BSS static volatile uint32_t seen_size[ARCHI_NB_CORES];
L1_BSS static volatile uint32_t stamp[ARCHI_NB_CORES];
L1_BSS static volatile uint32_t after_barrier[ARCHI_NB_CORES];
L1_BSS static volatile uint32_t bad_arg;

#define MAGIC 0x7e57f04bu

static void add_slice(void *arg)
{
    struct job *job = arg;
    unsigned core = pi_core_id();
    unsigned n = pi_cl_team_nb_cores();
    if (job->magic != MAGIC)
        bad_arg = 1;
    for (unsigned i = core; i < LEN; i += n)
        acc[i] += job->iteration + 1;
    runs[core]++;
    done[core] = job->iteration + 1;
}

static void team_probe(void *arg)
{
    unsigned round = (unsigned)(uintptr_t)arg;
    unsigned core = pi_core_id();
    unsigned n = pi_cl_team_nb_cores();
    seen_size[core] = n;
    stamp[core] = round;
    pi_cl_team_barrier();
    /* every member has stamped by now: read the neighbour's stamp */
    unsigned next = (core + 1) % n;
    after_barrier[core] = stamp[next];
}

int main(void)
{
    unsigned core = get_core_id();
    if (core != 0) {
        team_worker_loop();
        return 0;
    }

    unsigned started = get_core_num();
    static struct job job;   /* L2; only its address travels through the FIFO */
    int result = 0;

    /* Phase 1 */
    for (unsigned it = 0; it < REPEAT && !result; it++) {
        job.iteration = it;
        job.magic = MAGIC;
        pi_cl_team_fork(0, add_slice, &job);
        for (unsigned c = 0; c < started; c++)
            if (done[c] != it + 1)
                result = 6;
    }
    if (!result && bad_arg)
        result = 7;
    for (unsigned c = 0; c < started && !result; c++)
        if (runs[c] != REPEAT) {
            printf("core %u ran %u times\n", c, (unsigned)runs[c]);
            result = 1;
        }
    uint32_t expect = REPEAT * (REPEAT + 1) / 2;
    for (unsigned i = 0; i < LEN && !result; i++)
        if (acc[i] != expect) {
            printf("acc[%u] = %u, expected %u\n", i, (unsigned)acc[i], (unsigned)expect);
            result = 2;
        }
    if (!result)
        printf("phase 1: %u forks over %u cores OK\n", REPEAT, started);

    /* Phase 2 */
    unsigned round = 1;
    for (unsigned size = 1; size <= started && !result; size++) {
        for (unsigned rep = 0; rep < 3 && !result; rep++, round++) {
            for (unsigned c = 0; c < ARCHI_NB_CORES; c++) {
                seen_size[c] = 0;
                stamp[c] = 0;
                after_barrier[c] = 0;
            }
            pi_cl_team_fork(size, team_probe, (void *)(uintptr_t)round);
            for (unsigned c = 0; c < ARCHI_NB_CORES; c++) {
                int member = c < size;
                if (member && seen_size[c] != size)
                    result = 3;
                else if (member != (stamp[c] == round))
                    result = 4;
                else if (member && after_barrier[c] != round)
                    result = 5;
                if (result) {
                    printf("team of %u, round %u: core %u size %u stamp %u after %u\n", size, round, c,
                           (unsigned)seen_size[c], (unsigned)stamp[c], (unsigned)after_barrier[c]);
                    break;
                }
            }
        }
    }
    if (!result)
        printf("phase 2: team sizes 1..%u OK\n", started);

    team_release();
    printf("team-fork: %s\n", result ? "FAIL" : "PASS");
    return result;
}
