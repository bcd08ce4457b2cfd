/*
 * hal_fc.h: the fabric controller side of the `pulp` chip (docs/platform.md §12): starting the
 * cluster, the FC's interrupt controller and timer, the SoC registers. Firmware built for
 * `pulp` (PLATFORM=pulp, -DPLATFORM_PULP_CHIP) runs main on the fabric controller first
 * (crt0-pulp.S); the cluster cores start at _start when the FC calls fc_cluster_start and run
 * main too (hal_is_fc() tells them apart).
 *
 *   hal_is_fc()                      this hart is the fabric controller (mhartid 0x3E0)
 *   fc_cluster_start(mask)           boot addresses = _start, FETCH_EN |= mask (cores 0..7)
 *   fc_cluster_started()             FETCH_EN: the cores started
 *   fc_itc_mask_set/clr(bits)        FC interrupt controller MASK
 *   fc_itc_status(), _set, _clr      its STATUS (pending lines)
 *   fc_wait_line(line)               enable `line`, sleep in wfi until it is pending, clear it
 *                                    (interrupts need not be enabled: a pending enabled line
 *                                    ends wfi)
 *   cluster_notify_fc(line)          from a cluster core: raise `line` at the FC (STATUS_SET)
 *   fc_timer_*                       the FC timer (timer_v2 as the cluster timer; lines 10/11)
 *   soc_info()                       APB SoC INFO: cores << 16 | clusters
 */
#ifndef HAL_FC_H
#define HAL_FC_H

#include <stdint.h>
#include "hal_archi.h"

#define FC_ITC_BASE        0x1A109800u
#define FC_ITC_MASK        0x00u
#define FC_ITC_MASK_SET    0x04u
#define FC_ITC_MASK_CLR    0x08u
#define FC_ITC_STATUS      0x0Cu
#define FC_ITC_STATUS_SET  0x10u
#define FC_ITC_STATUS_CLR  0x14u
#define FC_ITC_ACK         0x18u
#define FC_TIMER_BASE      0x1A10B000u
#define FC_LINE_TIMER_LO   10
#define FC_LINE_TIMER_HI   11
/* The software lines 0..7: this HAL uses line 1 for "the cluster has finished". */
#define FC_LINE_CLUSTER_DONE 1
#define SOC_CTRL_BASE      0x1A104000u
#define SOC_FLL_BASE       0x1A100000u
#define CLUSTER_CTRL_BASE_GLOBAL 0x10200000u   /* FETCH_EN, BOOT_ADDR(i): hal_archi.h */

#define FC_REG(base, off) (*(volatile uint32_t *)((base) + (off)))

static inline int hal_is_fc(void)
{
    unsigned id;
    __asm__ volatile("csrr %0, mhartid" : "=r"(id));
    return (id >> 5) == 31;
}

extern char _start[];

/* Starts the cluster cores in `mask` (bit i = core i) at _start. */
static inline void fc_cluster_start(uint32_t mask)
{
    for (unsigned i = 0; i < 8; i++)
        if (mask & (1u << i))
            FC_REG(CLUSTER_CTRL_BASE_GLOBAL, CLUSTER_CTRL_BOOT_ADDR(i)) = (uint32_t)(uintptr_t)_start;
    __asm__ volatile("fence" ::: "memory");
    FC_REG(CLUSTER_CTRL_BASE_GLOBAL, CLUSTER_CTRL_FETCH_EN) = mask;
}

static inline uint32_t fc_cluster_started(void) { return FC_REG(CLUSTER_CTRL_BASE_GLOBAL, CLUSTER_CTRL_FETCH_EN); }

static inline void fc_itc_mask_set(uint32_t bits) { FC_REG(FC_ITC_BASE, FC_ITC_MASK_SET) = bits; }
static inline void fc_itc_mask_clr(uint32_t bits) { FC_REG(FC_ITC_BASE, FC_ITC_MASK_CLR) = bits; }
static inline uint32_t fc_itc_mask(void) { return FC_REG(FC_ITC_BASE, FC_ITC_MASK); }
static inline uint32_t fc_itc_status(void) { return FC_REG(FC_ITC_BASE, FC_ITC_STATUS); }
static inline void fc_itc_status_set(uint32_t bits) { FC_REG(FC_ITC_BASE, FC_ITC_STATUS_SET) = bits; }
static inline void fc_itc_status_clr(uint32_t bits) { FC_REG(FC_ITC_BASE, FC_ITC_STATUS_CLR) = bits; }
static inline uint32_t fc_itc_acknowledged(void) { return FC_REG(FC_ITC_BASE, FC_ITC_ACK); }

/* Sleeps until `line` is pending at the FC's interrupt controller, then clears it. */
static inline void fc_wait_line(unsigned line)
{
    uint32_t bit = 1u << line;
    fc_itc_mask_set(bit);
    while (!(fc_itc_status() & bit))
        __asm__ volatile("wfi");
    fc_itc_status_clr(bit);
}

/* From a cluster core: raise `line` at the fabric controller. */
static inline void cluster_notify_fc(unsigned line)
{
    __asm__ volatile("fence" ::: "memory");
    FC_REG(FC_ITC_BASE, FC_ITC_STATUS_SET) = 1u << line;
}

/* The FC timer, low channel (timer_v2 layout, as hal_timer.h for the cluster timer). */
static inline void fc_timer_conf(uint32_t cfg) { FC_REG(FC_TIMER_BASE, 0x00) = cfg; }
static inline uint32_t fc_timer_count(void) { return FC_REG(FC_TIMER_BASE, 0x08); }
static inline void fc_timer_compare(uint32_t value) { FC_REG(FC_TIMER_BASE, 0x10) = value; }
static inline void fc_timer_reset(void) { FC_REG(FC_TIMER_BASE, 0x20) = 1; }

static inline uint32_t soc_info(void) { return FC_REG(SOC_CTRL_BASE, 0x00); }

#endif /* HAL_FC_H */
