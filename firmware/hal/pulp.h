/*
 * pulp.h: the pulpsim cluster HAL (see README.md here). Include this one header.
 *
 *   hal_archi.h   addresses, register offsets, event lines
 *   hal_core.h    get_core_id, get_cluster_id, get_core_num, get_core_mask, pulp_exit, cycles
 *   hal_eu.h      every event-unit register (masks, buffer, waits, SW events, barriers,
 *                 mutexes, dispatcher, global view)
 *   hal_sync.h    synch_barrier, TAS spin lock, mutex wrappers
 *   hal_team.h    pi_cl_team_fork / team_worker_loop / team_release
 *   hal_timer.h   cluster timer
 *   hal_irq.h     interrupt handler, MIE on/off
 *   hal_dma.h     the cluster DMA: MCHAN v7 (runtime names plp_dma_*) and iDMA (idma_*)
 *   hal_fc.h      the fabric controller of the `pulp` chip: starting the cluster, its
 *                 interrupt controller and timer, SoC registers
 *   printf.h      printf & co. (common/printf.c); every core prints to its own stdout
 *                 channel, lines of different cores never mix
 *
 * L1_DATA / L1_BSS put a variable in TCDM (initialised / zeroed at start-up).
 */
#ifndef PULP_H
#define PULP_H

#ifndef PLATFORM_PULP
#error "hal/pulp.h is for the pulp-cluster platform (compile with -DPLATFORM_PULP)"
#endif

#include "platform.h"
#include "printf.h"

#ifndef L1_DATA
#define L1_DATA __attribute__((section(".l1_data")))
#endif
#ifndef L1_BSS
#define L1_BSS  __attribute__((section(".l1_bss")))
#endif

#include "hal_archi.h"
#include "hal_core.h"
#include "hal_eu.h"
#include "hal_sync.h"
#include "hal_team.h"
#include "hal_timer.h"
#include "hal_irq.h"
#include "hal_dma.h"
#include "hal_fc.h"

/* printf with a "[cluster:core] " prefix. */
#define core_printf(fmt, ...) \
    printf("[%u:%u] " fmt, get_cluster_id(), get_core_id(), ##__VA_ARGS__)

#endif /* PULP_H */
