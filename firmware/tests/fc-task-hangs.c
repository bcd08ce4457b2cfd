/*
 * fc-task-hangs: a cluster task that never returns. The fabric controller starts the cluster
 * and sleeps until the cluster says it is done; cores 1..7 wait at barrier 0 for core 0, which
 * never arrives (it sleeps in wfi with nothing enabled). The run must end as a deadlock whose
 * report says what the FC waits for (its interrupt line) and what each core waits for (the
 * barrier, core 0 missing), not run until a time limit.
 */
#include "pulp.h"

int main(void)
{
    if (hal_is_fc()) {
        fc_cluster_start(0xFF);
        fc_wait_line(FC_LINE_CLUSTER_DONE);
        return 0;                                  /* never reached */
    }
    if (get_core_id() == 0) {
        for (;;)
            __asm__ volatile("wfi");
    }
    synch_barrier();
    cluster_notify_fc(FC_LINE_CLUSTER_DONE);      /* never reached */
    return 0;
}
