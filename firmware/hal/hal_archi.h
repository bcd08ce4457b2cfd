/*
 * hal_archi.h: addresses and register offsets of the pulpsim `pulp-cluster` platform
 * (docs/platform.md §2, §4, §5 and §6). Plain #defines, usable from C and assembly.
 */
#ifndef HAL_ARCHI_H
#define HAL_ARCHI_H

#define ARCHI_NB_CORES              8

/* Memories */
#define ARCHI_TCDM_ADDR             0x10000000u
#define ARCHI_TCDM_SIZE             0x00020000u     /* 128 KiB */
#define ARCHI_TCDM_TAS_OFFSET       0x00100000u     /* test-and-set alias: TCDM + 0x10_0000 */
#define ARCHI_L2_ADDR               0x1C000000u
#define ARCHI_L2_SIZE               0x00100000u     /* 1 MiB */

/* Cluster peripherals */
#define ARCHI_CLUSTER_CTRL_ADDR     0x10200000u
#define CLUSTER_CTRL_EOC            0x000
#define CLUSTER_CTRL_FETCH_EN       0x008
#define CLUSTER_CTRL_CLUSTER_CFG    0x018
#define CLUSTER_CTRL_BOOT_ADDR(i)   (0x040 + 4 * (i))
#define CLUSTER_CTRL_RETURN         0x100

#define ARCHI_TIMER_ADDR            0x10200400u
#define TIMER_CFG_LO                0x00
#define TIMER_CFG_HI                0x04
#define TIMER_CNT_LO                0x08
#define TIMER_CNT_HI                0x0C
#define TIMER_CMP_LO                0x10
#define TIMER_CMP_HI                0x14
#define TIMER_START_LO              0x18
#define TIMER_START_HI              0x1C
#define TIMER_RESET_LO              0x20
#define TIMER_RESET_HI              0x24
#define TIMER_CFG_ENABLE            (1u << 0)
#define TIMER_CFG_RESET             (1u << 1)
#define TIMER_CFG_IRQ_ENABLE        (1u << 2)   /* a compare match raises event 10 (11 for HI) */
#define TIMER_CFG_CMP_CLEAR         (1u << 4)   /* restart from 0 on a match */
#define TIMER_CFG_ONE_SHOT          (1u << 5)   /* stop on a match */
#define TIMER_CFG_PRESCALER_EN      (1u << 6)
#define TIMER_CFG_PRESCALER(p)      (((p) & 0xffu) << 8)
#define TIMER_CFG_CASCADE           (1u << 31)

/* Event unit: this core's view and the global view */
#define ARCHI_EU_ADDR               0x10204000u
#define ARCHI_EU_GLOBAL_ADDR        0x10200800u

#define EU_EVT_MASK                 0x00
#define EU_EVT_MASK_AND             0x04
#define EU_EVT_MASK_OR              0x08
#define EU_IRQ_MASK                 0x0C
#define EU_IRQ_MASK_AND             0x10
#define EU_IRQ_MASK_OR              0x14
#define EU_STATUS                   0x18
#define EU_BUFFER                   0x1C
#define EU_BUFFER_MASKED            0x20
#define EU_BUFFER_IRQ_MASKED        0x24
#define EU_BUFFER_CLEAR             0x28
#define EU_SW_EVENTS_MASK           0x2C
#define EU_SW_EVENTS_MASK_AND       0x30
#define EU_SW_EVENTS_MASK_OR        0x34
#define EU_EVENT_WAIT               0x38
#define EU_EVENT_WAIT_CLEAR         0x3C
#define EU_DISPATCH_FIFO            0x80
#define EU_DISPATCH_TEAM_CONFIG     0x84
#define EU_MUTEX(m)                 (0xC0 + 4 * (m))
#define EU_SW_EVT_TRIG(e)           (0x100 + 4 * (e))
#define EU_SW_EVT_TRIG_WAIT(e)      (0x140 + 4 * (e))
#define EU_SW_EVT_TRIG_WAIT_CLEAR(e) (0x180 + 4 * (e))
#define EU_BARRIER(b)               (0x200 + 0x20 * (b))
#define EU_BAR_TRIGGER_MASK         0x00
#define EU_BAR_STATUS               0x04
#define EU_BAR_TARGET_MASK          0x0C
#define EU_BAR_TRIGGER              0x10
#define EU_BAR_TRIGGER_SELF         0x14
#define EU_BAR_TRIGGER_WAIT         0x18
#define EU_BAR_TRIGGER_WAIT_CLEAR   0x1C

/* Global view layout (offsets from ARCHI_EU_GLOBAL_ADDR) */
#define EU_GLOBAL_CORE(c)           (0x40 * (c))        /* + per-core offset 0x00..0x3C */
#define EU_GLOBAL_BARRIER(b)        (0x400 + 0x20 * (b))
#define EU_GLOBAL_SW_EVT_TRIG(e)    (0x600 + 4 * (e))

#define EU_NB_SW_EVENTS             8
#define EU_NB_BARRIERS              8
#define EU_NB_MUTEXES               8
#define EU_DISPATCH_DEPTH           8

/* Event lines */
#define EU_EVT_SW(e)                (e)     /* 0..7 */
#define EU_EVT_DMA0                 8
#define EU_EVT_DMA1                 9
#define EU_EVT_TIMER_LO             10
#define EU_EVT_TIMER_HI             11
#define EU_EVT_ACC0                 12      /* RedMulE */
#define EU_EVT_ACC1                 13
#define EU_EVT_BARRIER              16
#define EU_EVT_MUTEX                17
#define EU_EVT_DISPATCH             18

/* SoC */
#define ARCHI_SOC_CTRL_ADDR         0x1A104000u
#define SOC_CTRL_CORESTATUS         0xA0
#define ARCHI_STDOUT_ADDR           0x1A10F000u

#endif /* HAL_ARCHI_H */
