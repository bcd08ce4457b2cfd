/*
 * cluster.c: the cluster device, cluster tasks and team forks of firmware/pmsis
 * (include/pmsis/cluster.h).
 *
 * Start-up: crt0 runs `main` on every core. PMSIS programs are linked with -Wl,--wrap=main, so
 * crt0's call reaches __wrap_main below.
 *
 * pulp-cluster (no fabric controller): core 0 runs the application's main (it plays the
 * fabric controller), the other cores serve forks in the HAL's team_worker_loop for the rest of
 * the run (the run ends when core 0's main returns or someone calls pmsis_exit). Sending a
 * task runs it on core 0 (run_task).
 *
 * pulp (-DPLATFORM_PULP_CHIP): the fabric controller (FC) runs the application's main; the
 * cluster cores start when pi_cluster_open does (fc_cluster_start) and never run it: core 0
 * serves cluster tasks (cluster_server), cores 1..7 serve forks. Sending a task from the FC:
 * the FC writes the task's address to `mailbox` (L2), raises SW event PMSIS_TASK_EVENT on core
 * 0 through the event unit's global view and sleeps until its interrupt line
 * FC_LINE_CLUSTER_DONE is pending (fc_wait_line); core 0, asleep on that event (sticky: a
 * trigger before it waits is not lost), runs the task with run_task, stores the result, clears
 * the mailbox and raises the FC's line (cluster_notify_fc). Completion callbacks run on the FC
 * after the task has returned, on both platforms.
 *
 * Stacks of a cluster task: when the task asks for larger stacks than the start-up ones, or
 * gives its own, the master (core 0) runs the task entry on its stack through
 * __pmsis_call_on_stack (src/stack.S) and forks send the workers a trampoline that switches
 * to their slave stack before calling the forked function.
 */
#include "pmsis.h"

extern int __real_main(int argc, char **argv);
extern char __stack_size[];                 /* link-pulp.ld: start-up stack per core */
void __pmsis_call_on_stack(void (*entry)(void *), void *arg, void *stack_top);

volatile int __pmsis_cluster_task_running;
static volatile int pmsis_started;          /* __wrap_main ran (the link used --wrap=main) */
static unsigned team_default;               /* team of forks with nb_cores = 0; 0: all */

/* Slave stacks of the running task: core c (1 <= c < slave_limit) uses the block ending at
 * slave_base + c * slave_size (blocks 1, 2, ... follow the master's stack). slave_limit = 0:
 * the start-up stacks. */
static struct {
    uintptr_t slave_base;
    uint32_t slave_size;
    unsigned slave_limit;
    void (*entry)(void *);
    void *arg;
} fork_stacks;

static int run_task(struct pi_cluster_task *task);

#ifdef PLATFORM_PULP_CHIP
/* The FC -> cluster protocol (see the top of this file). */
static struct pi_cluster_task *volatile mailbox;  /* L2: the posted task, 0 when none */
static volatile int mailbox_result;               /* run_task's return value */
static int cluster_started;                       /* pi_cluster_open started the cluster */

/* Cluster core 0: run the tasks the FC posts, for ever. */
__attribute__((noreturn)) static void cluster_server(void)
{
    for (;;) {
        eu_evt_wait_only_clr(1u << PMSIS_TASK_EVENT);
        struct pi_cluster_task *task = mailbox;
        if (task == 0)
            continue;
        mailbox_result = run_task(task);
        mailbox = 0;
        cluster_notify_fc(FC_LINE_CLUSTER_DONE);   /* fences before raising the line */
    }
}
#endif

int __wrap_main(int argc, char **argv)
{
#ifdef PLATFORM_PULP_CHIP
    if (hal_is_fc()) {
        pmsis_started = 1;
        return __real_main(argc, argv);   /* crt0 passes 0, 0, whatever main's parameters */
    }
    if (get_core_id() == 0)
        cluster_server();
#else
    if (get_core_id() == 0) {
        pmsis_started = 1;
        return __real_main(argc, argv);
    }
#endif
    team_worker_loop();                   /* never released: serves forks until the run ends */
    return 0;
}

/* ------------------------------------------------------------------ devices and tasks */

void pi_open_from_conf(struct pi_device *device, void *conf)
{
    device->api = (struct pi_device_api *)0;
    device->config = conf;
    device->data = (void *)0;
}

void pi_cluster_conf_init(struct pi_cluster_conf *conf)
{
    conf->device_type = PI_DEVICE_CLUSTER_TYPE;
    conf->id = 0;
    conf->heap_start = (void *)0;
    conf->heap_size = 0;
    conf->event_kernel = (struct pmsis_event_kernel_wrap *)0;
    conf->flags = PI_CLUSTER_FLAGS_FORK_BASED;
}

int pi_cluster_open(struct pi_device *device)
{
    (void)device;
    if (!pmsis_started) {
        printf("pmsis: link PMSIS programs with -Wl,--wrap=main (firmware/pmsis/README.md)\n");
        return -1;
    }
#ifdef PLATFORM_PULP_CHIP
    if (!hal_is_fc())
        return -1;
    if (!cluster_started) {
        cluster_started = 1;
        fc_cluster_start(0xFFu);          /* the simulator starts the cores that exist */
    }
#endif
    return 0;
}

int pi_cluster_close(struct pi_device *device)
{
    (void)device;
    return 0;
}

void pi_task_push(pi_task_t *task)
{
    if (task->callback)
        task->callback(task->callback_arg);
    *(volatile int8_t *)&task->done = 1;
}

/* Cores in the team of n cores (0: the default). */
static unsigned team_size(int nb_cores)
{
    unsigned started = get_core_num();
    unsigned n = nb_cores > 0 ? (unsigned)nb_cores : team_default;
    return n == 0 || n > started ? started : n;
}

/* Runs the task on this core (cluster core 0) as the cluster master: its team, its stacks.
 * Returns 0, or -1 when there is no room for its stacks. */
static int run_task(struct pi_cluster_task *task)
{
    unsigned started = get_core_num();
    unsigned saved_default = team_default;
    team_default = task->nb_cores > 0 ? (unsigned)task->nb_cores : 0;
    unsigned nb = team_size(0);
    task->core_mask = (int)((1u << nb) - 1);

    /* Stacks: the task's own, or allocated when larger than the start-up ones. */
    uint32_t startup = (uint32_t)(uintptr_t)__stack_size;
    uint32_t master_size = 0, slave_size = 0;
    unsigned slave_limit = 0;
    uintptr_t base = (uintptr_t)task->stacks;
    uint32_t allocated = 0;
    if (task->stacks) {
        master_size = task->stack_size;
        slave_size = task->slave_stack_size;
        slave_limit = slave_size ? nb : 0;
    } else {
        master_size = task->stack_size > startup ? task->stack_size : 0;
        slave_size = task->slave_stack_size > startup ? task->slave_stack_size : 0;
        slave_limit = slave_size ? started : 0;   /* a later fork may take every core */
        master_size = (master_size + 15) & ~15u;
        slave_size = (slave_size + 15) & ~15u;
        allocated = master_size + (slave_limit ? (slave_limit - 1) * slave_size : 0);
        if (allocated) {
            base = (uintptr_t)__pmsis_l1_malloc((int)allocated, 16);
            if (base == 0) {
                team_default = saved_default;
                return -1;
            }
            task->stack_allocated = 1;
        }
    }
    fork_stacks.slave_base = base + master_size;  /* core c: the block ending at base + c*size */
    fork_stacks.slave_size = slave_size;
    fork_stacks.slave_limit = slave_limit;

    __pmsis_cluster_task_running = 1;
    if (master_size)
        __pmsis_call_on_stack(task->entry, task->arg, (void *)(base + master_size));
    else
        task->entry(task->arg);
    __pmsis_cluster_task_running = 0;

    fork_stacks.slave_limit = 0;
    if (allocated) {
        __pmsis_l1_free((void *)base, (int)allocated);
        task->stack_allocated = 0;
    }
    team_default = saved_default;
    return 0;
}

int pi_cluster_send_task_to_cl(struct pi_device *device, struct pi_cluster_task *task)
{
    if (task == 0 || task->entry == 0)
        return -1;
#ifdef PLATFORM_PULP_CHIP
    if (!hal_is_fc() || (!cluster_started && pi_cluster_open(device) != 0))
        return -1;                              /* tasks come from the FC only */
    mailbox = task;
    __asm__ volatile("fence" ::: "memory");
    eu_global_evt_trig(PMSIS_TASK_EVENT, 1u);   /* core 0 */
    /* Interrupts off for the wait: an interrupt taken for line 1 would clear it before
     * fc_wait_line sees it (the pending line ends wfi all the same). */
    unsigned irq = irq_disable();
    fc_wait_line(FC_LINE_CLUSTER_DONE);
    irq_restore(irq);
    int r = mailbox_result;
#else
    if (!pmsis_started && pi_cluster_open(device) != 0)
        return -1;
    int r = run_task(task);
#endif
    if (r == 0 && task->completion_callback)
        pi_task_push(task->completion_callback);
    return r;
}

int pi_cluster_send_task_to_cl_async(struct pi_device *device, struct pi_cluster_task *task,
                                     pi_task_t *async)
{
    int r = pi_cluster_send_task_to_cl(device, task);
    if (async)
        pi_task_push(async);
    return r;
}

/* ------------------------------------------------------------------ team */

/* Forked through this when slave stacks are in use: core c > 0 moves to its slave stack. */
static void fork_on_slave_stack(void *unused)
{
    (void)unused;
    unsigned c = get_core_id();
    if (c != 0 && c < fork_stacks.slave_limit)
        __pmsis_call_on_stack(fork_stacks.entry, fork_stacks.arg,
                              (void *)(fork_stacks.slave_base + c * fork_stacks.slave_size));
    else
        fork_stacks.entry(fork_stacks.arg);
}

void pi_cl_team_fork(int nb_cores, void (*entry)(void *), void *arg)
{
    if (nb_cores > 0)
        team_default = (unsigned)nb_cores;
    unsigned n = team_size(nb_cores);
    if (fork_stacks.slave_limit && n > 1) {
        fork_stacks.entry = entry;
        fork_stacks.arg = arg;
        team_fork(n, fork_on_slave_stack, (void *)0);
    } else {
        team_fork(n, entry, arg);
    }
}

void pi_cl_team_prepare_fork(int nb_cores)
{
    if (nb_cores > 0)
        team_default = (unsigned)nb_cores;
}

void pi_cl_team_preset_fork(void (*entry)(void *), void *arg)
{
    pi_cl_team_fork(0, entry, arg);
}
