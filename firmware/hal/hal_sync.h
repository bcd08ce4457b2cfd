/*
 * hal_sync.h: barriers, test-and-set spin locks and hardware-mutex wrappers.
 *
 *   synch_barrier()           all started cores meet at event-unit barrier 0 (set up by
 *                             crt0 with trigger mask = target mask = started cores)
 *   synch_barrier_id(b)       the same on barrier b (set it up first with eu_bar_setup)
 *   tas_lock(l) / tas_trylock(l) / tas_unlock(l)
 *                             spin lock on a 32-bit word in TCDM, through the test-and-set
 *                             alias (TCDM + 0x10_0000): a load there returns the old value and
 *                             leaves 0xFFFF_FFFF. 0 = free. The word MUST be in TCDM (declare it
 *                             L1_DATA or L1_BSS), otherwise the alias access faults.
 *   mutex_lock(m) / mutex_unlock(m) / mutex_unlock_msg(m, msg)
 *                             event-unit mutex m (0..7); lock sleeps, returns the message the
 *                             last unlock left.
 *
 * The barrier waits replace the event mask by 1 << 16 for the wait and restore it after, so
 * the caller's mask is unchanged and only the barrier event is consumed.
 */
#ifndef HAL_SYNC_H
#define HAL_SYNC_H

#include <stdint.h>
#include "hal_eu.h"

static inline void synch_barrier_id(unsigned b)
{
    uint32_t saved = eu_evt_mask_get();
    eu_evt_mask_set(1u << EU_EVT_BARRIER);
    (void)eu_bar_trig_wait_clr(eu_bar_addr(b));
    eu_evt_mask_set(saved);
}

static inline void synch_barrier(void)
{
    synch_barrier_id(0);
}

/* ------------------------------------------------------------------ TAS spin lock */

typedef volatile int32_t tas_lock_t;

static inline volatile int32_t *tas_alias(tas_lock_t *lock)
{
    return (volatile int32_t *)((uintptr_t)lock + ARCHI_TCDM_TAS_OFFSET);
}

/* One attempt: 1 if the lock was free and is now ours. */
static inline int tas_trylock(tas_lock_t *lock)
{
    HAL_COMPILER_BARRIER();
    int32_t old = *tas_alias(lock);
    HAL_COMPILER_BARRIER();
    return old == 0;
}

static inline void tas_lock(tas_lock_t *lock)
{
    for (;;) {
        if (tas_trylock(lock))
            return;
        /* Spin on plain loads until it looks free, then try again. */
        while (*lock != 0)
            ;
    }
}

static inline void tas_unlock(tas_lock_t *lock)
{
    HAL_COMPILER_BARRIER();
    *lock = 0;
    HAL_COMPILER_BARRIER();
}

/* ------------------------------------------------------------------ hardware mutexes */

static inline uint32_t mutex_lock(unsigned m)
{
    return eu_mutex_lock(eu_mutex_addr(m));
}

static inline void mutex_unlock(unsigned m)
{
    eu_mutex_unlock(eu_mutex_addr(m));
}

static inline void mutex_unlock_msg(unsigned m, uint32_t msg)
{
    eu_mutex_unlock_msg(eu_mutex_addr(m), msg);
}

#endif /* HAL_SYNC_H */
