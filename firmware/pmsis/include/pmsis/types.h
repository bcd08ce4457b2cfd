/*
 * pmsis/types.h: the PMSIS data types (devices, tasks, cluster configuration and cluster
 * task), data placement attributes and the half-precision type names. Part of pmsis.h.
 *
 * Data placement (pulp-cluster and pulp: TCDM at 0x1000_0000, L2 at 0x1C00_0000, no FC memory
 * apart from L2):
 *   PI_L1, PI_CL_L1, PI_L1_TINY, PI_CL_L1_TINY   TCDM, section .l1_data (loaded in place; an
 *                                               uninitialised variable is zero)
 *   PI_L2, PI_FC_L1, PI_FC_TINY, PI_FC_L1_TINY  L2: ordinary globals already live there, so
 *                                               these add nothing
 *
 * float16 / float16alt: PULP's GCC has them as built-in types (IEEE binary16, bfloat16).
 * Stock GCC gets _Float16 on RISC-V from version 13 and __bf16 from 14; with those the names
 * are those types. Debian's GCC 12 has neither: then both are 16-bit storage types
 * (uint16_t), so that headers declaring FP16 interfaces compile and structures keep their
 * layout, but FP16 arithmetic on them is integer arithmetic: do not build FP16 kernels with
 * such a compiler (PMSIS_HAS_FLOAT16 / PMSIS_HAS_FLOAT16ALT say which case applies).
 */
#ifndef PMSIS_TYPES_H
#define PMSIS_TYPES_H

#include <stdint.h>
#include <stddef.h>

/* ------------------------------------------------------------------ data placement */

#define PI_CL_L1        __attribute__((section(".l1_data")))
#define PI_L1           PI_CL_L1
#define PI_CL_L1_TINY   PI_CL_L1
#define PI_L1_TINY      PI_CL_L1
#define PI_L2
#define PI_FC_L1
#define PI_FC_L1_TINY
#define PI_FC_TINY

/* ------------------------------------------------------------------ half precision */

#ifdef __FLT16_MAX__
typedef _Float16 float16;
#define PMSIS_HAS_FLOAT16 1
#else
typedef uint16_t float16;           /* storage only, see above */
#define PMSIS_HAS_FLOAT16 0
#endif
#ifdef __BFLT16_MAX__
typedef __bf16 float16alt;
#define PMSIS_HAS_FLOAT16ALT 1
#else
typedef uint16_t float16alt;        /* storage only, see above */
#define PMSIS_HAS_FLOAT16ALT 0
#endif

/* ------------------------------------------------------------------ devices */

typedef enum {
    PI_DEVICE_UNKWN_TYPE,
    PI_DEVICE_CLUSTER_TYPE,
    PI_DEVICE_HYPERBUS_TYPE,
    PI_DEVICE_SPI_TYPE,
    PI_DEVICE_CPI_TYPE,
    PI_DEVICE_I2C_TYPE,
    PI_DEVICE_GPIO_TYPE,
    PI_DEVICE_PWM_TYPE
} pi_device_e;

struct pi_device_api;

/* A device handle: pi_open_from_conf stores the configuration in `config`. */
typedef struct pi_device {
    struct pi_device_api *api;
    void *config;
    void *data;
} pi_device_t;

/* ------------------------------------------------------------------ tasks */

typedef void (*pi_callback_func_t)(void *arg);

/* An event to wait for or a callback to run when an asynchronous operation ends. Every
 * asynchronous operation of this runtime completes before it returns (there is no scheduler),
 * so a task is done (and its callback has run) when the operation returns. */
typedef struct pi_task {
    struct pi_task *next;
    uintptr_t arg[4];
    int8_t done;
    int id;
    pi_callback_func_t callback;        /* 0 for a blocking task */
    void *callback_arg;
} pi_task_t;

/* ------------------------------------------------------------------ cluster */

typedef enum {
    PI_CLUSTER_FLAGS_FORK_BASED = 0,
    PI_CLUSTER_FLAGS_TASK_BASED = 1
} pi_cluster_flags_e;

struct pmsis_event_kernel_wrap;

/* Cluster configuration (pi_cluster_conf_init fills in the defaults). */
struct pi_cluster_conf {
    pi_device_e device_type;            /* PI_DEVICE_CLUSTER_TYPE */
    int id;                             /* cluster id: 0, the only one */
    void *heap_start;                   /* unused */
    uint32_t heap_size;                 /* unused */
    struct pmsis_event_kernel_wrap *event_kernel;   /* unused */
    pi_cluster_flags_e flags;           /* accepted; execution is always fork-based */
};

/* A function to run on the cluster (pi_cluster_task fills it in). */
struct pi_cluster_task {
    void (*entry)(void *);              /* run by the cluster master (core 0) */
    void *arg;
    void *stacks;                       /* 0: the runtime's; else master stack then slaves' */
    uint32_t stack_size;                /* master stack, bytes (0: the start-up stack) */
    uint32_t slave_stack_size;          /* per slave core, bytes (0: the start-up stacks) */
    int nb_cores;                       /* team size of forks with nb_cores = 0 (0: all) */
    pi_task_t *completion_callback;
    int stack_allocated;                /* set while the runtime holds stacks it allocated */
    struct pi_cluster_task *next;
    int core_mask;                      /* cores of the default team (set by the runtime) */
};

struct pi_cl_team_task {
    void *stacks;
    uint32_t stack_size;
    int core_mask;
    int nb_cores;
};

#endif /* PMSIS_TYPES_H */
