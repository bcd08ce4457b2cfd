/*
 * pmsis/cluster.h: cluster device, cluster tasks, team fork/barrier/critical sections, core
 * identity and program exit. Part of pmsis.h; implemented in src/cluster.c.
 *
 * pulp-cluster has no fabric controller (FC): core 0 plays it. The application's main runs on
 * core 0 alone (the runtime wraps main: cores 1..7 wait in the HAL's team_worker_loop for
 * forks). Sending a task runs its entry on core 0, the cluster master, and returns when it
 * has finished; inside it, pi_cl_team_fork runs a function on a team of cores 0..n-1.
 * On pulp (-DPLATFORM_PULP_CHIP) main runs on the FC; pi_cluster_open starts the cluster
 * cores (once), core 0 then waits for tasks and cores 1..7 for forks; sending a task posts it
 * to core 0 and sleeps until core 0 reports its end (src/cluster.c: mailbox, SW event
 * PMSIS_TASK_EVENT, FC line FC_LINE_CLUSTER_DONE). Everything below behaves the same.
 *
 *   pi_open_from_conf(dev, conf)       dev->config = conf
 *   pi_cluster_conf_init(conf)         defaults: cluster 0, fork-based
 *   pi_cluster_open(dev) / _close(dev) 0 (open returns -1, with a message, if the program was
 *                                      not linked with -Wl,--wrap=main); on pulp the first
 *                                      open starts the cluster, close leaves it running
 *   pi_cluster_task(task, entry, arg)  a task with default team and stacks
 *   pi_cluster_task_stacks(task, stacks, slave_stack_size)
 *   pi_cluster_send_task_to_cl(dev, task) = pi_cluster_send_task(dev, task)
 *                                      runs task->entry(task->arg) on core 0 and returns 0
 *                                      (on pulp: the FC sleeps meanwhile):
 *                                      - task->nb_cores (0: every started core) is the team of
 *                                        forks with nb_cores = 0;
 *                                      - task->stack_size / slave_stack_size: when larger than
 *                                        the start-up stacks (__stack_size, 4 KiB per core in
 *                                        pmsis.mk), or when task->stacks is given, the master
 *                                        runs the task and the slaves run forked functions on
 *                                        those stacks (task->stacks: master stack first, then
 *                                        one slave_stack_size block per slave core 1, 2, ...;
 *                                        else allocated in L1 for the task's duration)
 *   pi_cluster_send_task_to_cl_async(dev, task, async) = pi_cluster_send_task_async
 *                                      the same, then completes `async` (runs its callback)
 *
 *   pi_core_id(), pi_cluster_id()      from mhartid (hal_team.h)
 *   pi_cl_cluster_nb_cores()           started cores (8 unless `pulpsim run --harts N`)
 *   pi_is_fc()                         pulp-cluster: 1 on core 0 outside a cluster task, else
 *                                      0; pulp: 1 on the FC
 *   pi_cl_team_fork(n, entry, arg)     master only: entry(arg) on cores 0..n-1, returns when
 *                                      all are done; n = 0: the team of the previous fork, or
 *                                      the task's nb_cores; an explicit n becomes the default
 *   pi_cl_team_prepare_fork(n) / pi_cl_team_preset_fork(entry, arg)
 *                                      set the default team / fork with it
 *   pi_cl_team_nb_cores()              size of the current team (hal_team.h)
 *   pi_cl_team_barrier()               barrier of the current team (event-unit barrier 1)
 *   pi_cl_team_critical_enter/exit()   event-unit mutex 0 (no nesting, as in PMSIS)
 *   pmsis_exit(code)                   ends the run with exit code `code`, from any core
 *   pmsis_kickoff(entry)               calls entry(); returns 0 if it returns
 */
#ifndef PMSIS_CLUSTER_H
#define PMSIS_CLUSTER_H

#include <stdint.h>
#include "pulp.h"
#include "pmsis/types.h"

/* ------------------------------------------------------------------ devices and tasks */

void pi_open_from_conf(struct pi_device *device, void *conf);

void pi_cluster_conf_init(struct pi_cluster_conf *conf);
int pi_cluster_open(struct pi_device *device);
int pi_cluster_close(struct pi_device *device);
int pi_cluster_send_task_to_cl(struct pi_device *device, struct pi_cluster_task *task);
int pi_cluster_send_task_to_cl_async(struct pi_device *device, struct pi_cluster_task *task,
                                     pi_task_t *async);

static inline struct pi_cluster_task *pi_cluster_task(struct pi_cluster_task *task,
                                                      void (*entry)(void *), void *arg)
{
    task->entry = entry;
    task->arg = arg;
    task->stacks = (void *)0;
    task->stack_size = 0;
    task->slave_stack_size = 0;
    task->nb_cores = 0;
    task->completion_callback = (pi_task_t *)0;
    task->stack_allocated = 0;
    task->next = (struct pi_cluster_task *)0;
    task->core_mask = 0;
    return task;
}

static inline struct pi_cluster_task *pi_cluster_task_stacks(struct pi_cluster_task *task,
                                                             void *stacks, int slave_stack_size)
{
    task->stacks = stacks;
    task->slave_stack_size = (uint32_t)slave_stack_size;
    return task;
}

static inline int pi_cluster_send_task(struct pi_device *device, struct pi_cluster_task *task)
{
    return pi_cluster_send_task_to_cl(device, task);
}

static inline int pi_cluster_send_task_async(struct pi_device *device,
                                             struct pi_cluster_task *task, pi_task_t *async)
{
    return pi_cluster_send_task_to_cl_async(device, task, async);
}

/* The cluster is on from reset to the end of the run. */
static inline uint8_t pi_cluster_is_on(void) { return 1; }
static inline void pi_cluster_wait_free(struct pi_device *device) { (void)device; }

/* pi_task: operations complete before they return, so a task is done at once. */
static inline pi_task_t *pi_task_block(pi_task_t *task)
{
    task->done = 0;
    task->callback = (pi_callback_func_t)0;
    task->callback_arg = (void *)0;
    task->next = (pi_task_t *)0;
    return task;
}

static inline pi_task_t *pi_task_callback(pi_task_t *task, void (*callback)(void *), void *arg)
{
    task->done = 0;
    task->callback = callback;
    task->callback_arg = arg;
    task->next = (pi_task_t *)0;
    return task;
}

/* Marks the task done and runs its callback (the runtime calls it when an operation ends). */
void pi_task_push(pi_task_t *task);

static inline void pi_task_wait_on(pi_task_t *task)
{
    while (*(volatile int8_t *)&task->done == 0)
        ;
}

/* ------------------------------------------------------------------ identity */

#define PI_PLATFORM_OTHER 0
#define PI_PLATFORM_FPGA  1
#define PI_PLATFORM_RTL   2
#define PI_PLATFORM_GVSOC 3
#define PI_PLATFORM_BOARD 4

/* A simulator that is not GVSOC. */
static inline int pi_platform(void) { return PI_PLATFORM_OTHER; }

static inline int pi_cl_cluster_nb_cores(void) { return (int)get_core_num(); }
static inline uint32_t pi_cl_cluster_nb_pe_cores(void) { return get_core_num(); }

/* Set while core 0 runs a cluster task (src/cluster.c). */
extern volatile int __pmsis_cluster_task_running;

static inline uint32_t pi_is_fc(void)
{
#ifdef PLATFORM_PULP_CHIP
    return (uint32_t)hal_is_fc();
#else
    return get_core_id() == 0 && !__pmsis_cluster_task_running;
#endif
}

/* The runtime's per-hart slot: the core id on cluster cores, ARCHI_NB_CORES on the fabric
 * controller of `pulp` (whose core id is 0 too). Arrays of per-hart state have
 * PMSIS_HART_SLOTS entries. */
#define PMSIS_HART_SLOTS (ARCHI_NB_CORES + 1)
static inline unsigned pmsis_hart_slot(void)
{
#ifdef PLATFORM_PULP_CHIP
    if (hal_is_fc())
        return ARCHI_NB_CORES;
#endif
    return get_core_id();
}

/* pulp: the cluster software event on which core 0 waits for a task from the fabric
 * controller (src/cluster.c; the FC raises it through the event unit's global view). The
 * cluster answers on the FC's interrupt line FC_LINE_CLUSTER_DONE (hal/hal_fc.h). */
#define PMSIS_TASK_EVENT 6

/* ------------------------------------------------------------------ team */

void pi_cl_team_fork(int nb_cores, void (*entry)(void *), void *arg);
void pi_cl_team_prepare_fork(int nb_cores);
void pi_cl_team_preset_fork(void (*entry)(void *), void *arg);

#define PMSIS_CRITICAL_MUTEX 0

static inline void pi_cl_team_critical_enter(void)
{
    mutex_lock(PMSIS_CRITICAL_MUTEX);
}

static inline void pi_cl_team_critical_exit(void)
{
    mutex_unlock(PMSIS_CRITICAL_MUTEX);
}

/* ------------------------------------------------------------------ program */

__attribute__((noreturn)) static inline void pmsis_exit(int err)
{
    plat_exit(err);
}

static inline int pmsis_kickoff(void *arg)
{
    ((void (*)(void))arg)();
    return 0;
}

#endif /* PMSIS_CLUSTER_H */
