/*
 * hal_team.h: fork/join of a function over a team of cores through the event-unit
 * dispatcher, in the style of the PULP runtime's pi_cl_team_fork.
 *
 * Usage (every core runs main):
 *
 *     int main(void)
 *     {
 *         if (get_core_id() != 0) {
 *             team_worker_loop();        // serves forks until team_release()
 *             return 0;                  // then sleeps (crt0)
 *         }
 *         pi_cl_team_fork(8, fn, arg);   // fn(arg) on cores 0..7, returns when all are done
 *         ...
 *         team_release();                // the workers return from team_worker_loop
 *         return 0;
 *     }
 *
 * Protocol: core 0 (the master) sets DISPATCH_TEAM_CONFIG to the workers 1..n-1, sets up
 * barrier TEAM_BARRIER (1) with trigger = target = cores 0..n-1, pushes fn then arg, runs
 * fn(arg) itself and joins at barrier 1. A worker pops fn (sleeping while its FIFO is empty),
 * a value of 0 meaning "leave the loop", pops arg, runs fn(arg) and joins at barrier 1.
 * Inside fn, pi_cl_team_barrier() is a barrier of the current team (barrier 1) and
 * pi_cl_team_nb_cores() its size (popcount of barrier 1's trigger mask).
 *
 * Only core 0 may fork; n = 0 means all started cores; n is limited to the started cores.
 * Forks may be repeated any number of times. team_fork(n, fn, arg) is the same fork under the
 * HAL's own name (pi_cl_team_fork calls it; firmware/pmsis replaces pi_cl_team_fork).
 */
#ifndef HAL_TEAM_H
#define HAL_TEAM_H

#include <stdint.h>
#include "hal_core.h"
#include "hal_eu.h"
#include "hal_sync.h"

#define TEAM_BARRIER 1

typedef void (*team_fn_t)(void *arg);

static inline unsigned pi_core_id(void)    { return get_core_id(); }
static inline unsigned pi_cluster_id(void) { return get_cluster_id(); }

static inline unsigned pi_cl_team_nb_cores(void)
{
    return hal_popcount(eu_bar_trigger_mask_get(eu_bar_addr(TEAM_BARRIER)));
}

static inline void pi_cl_team_barrier(void)
{
    synch_barrier_id(TEAM_BARRIER);
}

/* Master only: run fn(arg) on cores 0..nb_cores-1 and wait for all of them. */
static inline void team_fork(unsigned nb_cores, team_fn_t fn, void *arg)
{
    unsigned started = get_core_mask();
    unsigned team = nb_cores == 0 || nb_cores >= ARCHI_NB_CORES ? 0xffu : (1u << nb_cores) - 1;
    team &= started;
    team |= 1u;                               /* the master is always in */
    unsigned workers = team & ~1u;

    eu_bar_setup(eu_bar_addr(TEAM_BARRIER), team);
    if (workers) {
        eu_dispatch_team_config(workers);
        eu_dispatch_push((uint32_t)(uintptr_t)fn);
        eu_dispatch_push((uint32_t)(uintptr_t)arg);
    }
    fn(arg);
    pi_cl_team_barrier();
}

/* The PMSIS name. firmware/pmsis (which defines PMSIS_RUNTIME before including this header)
 * has its own pi_cl_team_fork, with PMSIS's meaning of nb_cores = 0 (the team of the previous
 * fork or of the cluster task), built on team_fork. */
#ifndef PMSIS_RUNTIME
static inline void pi_cl_team_fork(unsigned nb_cores, team_fn_t fn, void *arg)
{
    team_fork(nb_cores, fn, arg);
}
#endif

/* Workers: serve forks until the master calls team_release(). */
static inline void team_worker_loop(void)
{
    for (;;) {
        team_fn_t fn = (team_fn_t)(uintptr_t)eu_dispatch_pop();
        if (fn == 0)
            return;
        void *arg = (void *)(uintptr_t)eu_dispatch_pop();
        fn(arg);
        pi_cl_team_barrier();
    }
}

/* Master: make every started worker leave team_worker_loop. */
static inline void team_release(void)
{
    unsigned workers = get_core_mask() & ~1u;
    if (workers) {
        eu_dispatch_team_config(workers);
        eu_dispatch_push(0);
    }
}

#endif /* HAL_TEAM_H */
