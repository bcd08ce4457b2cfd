/*
 * hal_core.h: core identity, started cores, memory-mapped I/O helpers, exit.
 *
 *   get_core_id()       core index in the cluster (mhartid[4:0])
 *   get_cluster_id()    cluster index (mhartid[10:5]; always 0 on pulpsim)
 *   get_core_mask()     started cores, one bit per core (cluster control FETCH_EN)
 *   get_core_num()      number of started cores (popcount of FETCH_EN)
 *   is_master_core()    core_id == 0
 *   pulp_read32/pulp_write32(addr[, v])   volatile 32-bit device access
 *   pulp_exit(code)     end the run with exit code `code` (CORESTATUS), from any core
 *   cycles()            this core's mcycle (low 32 bits)
 */
#ifndef HAL_CORE_H
#define HAL_CORE_H

#include <stdint.h>
#include "platform.h"
#include "hal_archi.h"

#define HAL_COMPILER_BARRIER() __asm__ volatile("" ::: "memory")

static inline uint32_t pulp_read32(uint32_t addr)
{
    return *(volatile uint32_t *)addr;
}

static inline void pulp_write32(uint32_t addr, uint32_t value)
{
    *(volatile uint32_t *)addr = value;
}

static inline unsigned get_core_id(void)
{
    unsigned id;
    __asm__ volatile("csrr %0, mhartid" : "=r"(id));
    return id & 0x1f;
}

static inline unsigned get_cluster_id(void)
{
    unsigned id;
    __asm__ volatile("csrr %0, mhartid" : "=r"(id));
    return (id >> 5) & 0x3f;
}

static inline unsigned is_master_core(void)
{
    return get_core_id() == 0;
}

/* Started cores as a bit mask (bit i = core i fetches). */
static inline unsigned get_core_mask(void)
{
    return pulp_read32(ARCHI_CLUSTER_CTRL_ADDR + CLUSTER_CTRL_FETCH_EN) & ((1u << ARCHI_NB_CORES) - 1);
}

static inline unsigned hal_popcount(unsigned v)
{
    unsigned n = 0;
    while (v) {
        v &= v - 1;
        n++;
    }
    return n;
}

/* Number of started cores. */
static inline unsigned get_core_num(void)
{
    return hal_popcount(get_core_mask());
}

static inline unsigned long cycles(void)
{
    unsigned long c;
    __asm__ volatile("csrr %0, mcycle" : "=r"(c));
    return c;
}

__attribute__((noreturn)) static inline void pulp_exit(int code)
{
    plat_exit(code);
}

#endif /* HAL_CORE_H */
