/*
 * pmsis.h: the PMSIS API of firmware/pmsis for the pulpsim `pulp-cluster` and `pulp` platforms
 * (docs/platform.md §2, §4, §11, §12, §13; firmware/pmsis/README.md).
 *
 * PMSIS application code includes this one header. Names, types and signatures are those of
 * the public PMSIS API (pulp-sdk, gap_sdk), so programs written for it compile unchanged; the
 * implementation is this directory's own, on top of the HAL in firmware/hal (pulp.h), which
 * stays the thin layer beneath.
 *
 *   pmsis/types.h     pi_device, pi_task, cluster configuration and task structures,
 *                     data placement (PI_L1, PI_L2, ...), float16 / float16alt
 *   pmsis/cluster.h   pi_cluster_* (pulp-cluster: core 0 plays the fabric controller),
 *                     pi_cl_team_*, pi_core_id, pi_cluster_id, pi_is_fc, pmsis_exit,
 *                     pmsis_kickoff
 *   pmsis/cl_dma.h    pi_cl_dma_* on the cluster DMA, MCHAN v7 (docs/platform.md §11)
 *   pmsis/perf.h      pi_perf_* on the CV32E40P counters (docs/platform.md §13)
 *   pmsis/malloc.h    pi_l1_malloc, pi_l2_malloc, pi_cl_l1_malloc and their frees
 *   printf.h          printf & co. (firmware/common/printf.c)
 *
 * Resources the runtime takes (besides the HAL's, hal/README.md): event-unit mutex 0 (team
 * critical sections) and mutex 1 (allocators), DMA event line 8, counters mhpmcounter3..18;
 * on pulp also SW event 6 of cluster core 0 (PMSIS_TASK_EVENT), the FC's interrupt line 1
 * (FC_LINE_CLUSTER_DONE) and a test-and-set word in TCDM (allocators).
 * Programs are linked with -Wl,--wrap=main (pmsis.mk does it): core 0 (pulp-cluster) or the
 * fabric controller (pulp) runs the application's main; on pulp core 0 serves cluster tasks;
 * cores 1..7 wait for forks (src/cluster.c).
 */
#ifndef PMSIS_H
#define PMSIS_H

/* Tells the HAL that PMSIS provides pi_cl_team_fork (hal/hal_team.h). */
#define PMSIS_RUNTIME 1

#ifdef HAL_TEAM_H
#error "include pmsis.h before the HAL's pulp.h (or only pmsis.h): pmsis.h replaces pi_cl_team_fork"
#endif

#include <stdint.h>
#include <stddef.h>

#include "pulp.h"
#include "string.h"

#include "pmsis/types.h"
#include "pmsis/cluster.h"
#include "pmsis/cl_dma.h"
#include "pmsis/perf.h"
#include "pmsis/malloc.h"

#endif /* PMSIS_H */
