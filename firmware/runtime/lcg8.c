/* An 8-core program for the open PULP runtime's `pulp` target (README, "Against GVSoC"): the
 * fabric controller starts the cluster; each core iterates a 32-bit linear congruential generator
 * N times (5 instructions per iteration) from its core number, the cores meet at a barrier and
 * core 0 prints the 8 results; the fabric controller waits for the cluster and returns its
 * value. Not built by firmware/Makefile: it needs the runtime's headers and rules (build it with
 * the runtime's makefiles, an application of this one source, -O2, and -DN=10000000). */
#include <stdio.h>
#include <pulp.h>

#ifndef N
#define N 200000
#endif

static volatile unsigned int results[8];

static int cluster_main(void)
{
    int id = get_core_id();
    unsigned int x = id;
    for (int i = 0; i < N; i++)
        x = x * 1664525u + 1013904223u + (unsigned int)i;
    results[id] = x;
    synch_barrier();
    if (id == 0)
        for (int c = 0; c < get_core_num(); c++)
            printf("core %d result %08x\n", c, results[c]);
    return 0;
}

int main(void)
{
    printf("Hello from FC, starting %d cluster cores\n", ARCHI_CLUSTER_NB_PE);
    cluster_start(0, cluster_main);
    int r = cluster_wait(0);
    printf("cluster done ret=%d\n", r);
    return r;
}
