/*
 * hal_timer.h: the cluster timer (timer_v2 layout at 0x1020_0400), low channel, counting
 * cluster cycles (no prescaler). The timer is shared by all cores.
 *
 *   cl_timer_start_from_zero()  reset the count to 0 and enable counting (CFG_LO = ENABLE|RESET)
 *   cl_timer_start()            enable counting from the current value (START_LO)
 *   cl_timer_stop()             stop counting (CFG_LO without ENABLE), the value is kept
 *   cl_timer_reset()            count = 0 (RESET_LO), running or not
 *   cl_timer_get()              the current count (CNT_LO)
 *   cl_timer_set(v)             write the count
 *   cl_timer_cmp_set(v) / cl_timer_cmp_get()   compare value (CMP_LO)
 *   cl_timer_conf(cfg) / cl_timer_conf_get()   raw CFG_LO (TIMER_CFG_* bits in hal_archi.h)
 *   cl_timer_arm_event(delay, one_shot)
 *                               count from 0 and raise event 10 (EU_EVT_TIMER_LO) on every
 *                               core after `delay` cycles (once, or every `delay` cycles)
 */
#ifndef HAL_TIMER_H
#define HAL_TIMER_H

#include <stdint.h>
#include "hal_archi.h"
#include "hal_core.h"

static inline uint32_t cl_timer_read_reg(uint32_t reg)
{
    HAL_COMPILER_BARRIER();
    uint32_t v = *(volatile uint32_t *)(ARCHI_TIMER_ADDR + reg);
    HAL_COMPILER_BARRIER();
    return v;
}

static inline void cl_timer_write_reg(uint32_t reg, uint32_t value)
{
    HAL_COMPILER_BARRIER();
    *(volatile uint32_t *)(ARCHI_TIMER_ADDR + reg) = value;
    HAL_COMPILER_BARRIER();
}

static inline void cl_timer_conf(uint32_t cfg)     { cl_timer_write_reg(TIMER_CFG_LO, cfg); }
static inline uint32_t cl_timer_conf_get(void)     { return cl_timer_read_reg(TIMER_CFG_LO); }
static inline uint32_t cl_timer_get(void)          { return cl_timer_read_reg(TIMER_CNT_LO); }
static inline void cl_timer_set(uint32_t v)        { cl_timer_write_reg(TIMER_CNT_LO, v); }
static inline void cl_timer_cmp_set(uint32_t v)    { cl_timer_write_reg(TIMER_CMP_LO, v); }
static inline uint32_t cl_timer_cmp_get(void)      { return cl_timer_read_reg(TIMER_CMP_LO); }
static inline void cl_timer_reset(void)            { cl_timer_write_reg(TIMER_RESET_LO, 1); }
static inline void cl_timer_start(void)            { cl_timer_write_reg(TIMER_START_LO, 1); }

static inline void cl_timer_stop(void)
{
    cl_timer_conf(cl_timer_conf_get() & ~TIMER_CFG_ENABLE);
}

static inline void cl_timer_start_from_zero(void)
{
    cl_timer_conf(TIMER_CFG_ENABLE | TIMER_CFG_RESET);
}

static inline void cl_timer_arm_event(uint32_t delay, int one_shot)
{
    cl_timer_conf(0);
    cl_timer_cmp_set(delay);
    cl_timer_conf(TIMER_CFG_ENABLE | TIMER_CFG_RESET | TIMER_CFG_IRQ_ENABLE |
                  (one_shot ? TIMER_CFG_ONE_SHOT : TIMER_CFG_CMP_CLEAR));
}

#endif /* HAL_TIMER_H */
