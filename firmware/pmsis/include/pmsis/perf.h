/*
 * pmsis/perf.h: the PMSIS performance-counter API on the CV32E40P counters of every core
 * (docs/platform.md §13). Part of pmsis.h; implemented in src/perf.c.
 *
 *   pi_perf_conf(events)     events = OR of (1 << PI_PERF_x): what this core counts
 *   pi_perf_reset()          counts of this core's configured events = 0
 *   pi_perf_start()          start counting (this core)
 *   pi_perf_stop()           stop counting (this core); counts are kept
 *   pi_perf_read(event)      this core's count of `event` (0 for an event not configured)
 *   pi_perf_cl_* / pi_perf_fc_*   the same (one kind of core here)
 *
 * Every core has its own counters and configuration, so each core of a team can measure
 * itself. How each event is counted:
 *
 *   PI_PERF_CYCLES           mcycle: cycles of this core, asleep or not (pulp-sdk uses the
 *                            cluster timer, shared by all cores; mcycle is per core and needs
 *                            no coordination)
 *   PI_PERF_INSTR            minstret
 *   PI_PERF_ACTIVE_CYCLES .. PI_PERF_RVC, PI_PIPE_STALL, PI_APU_*
 *                            mhpmcounter(3 + e) with mhpmevent(3 + e) = 1 << e, where e is the
 *                            CV32E40P event: CYCLES 0, INSTR 1, LD_STALL 2, JMP_STALL 3, IMISS 4,
 *                            LD 5, ST 6, JUMP 7, BRANCH 8, BRANCH_TAKEN 9, COMP_INSTR 10,
 *                            PIPE_STALL 11, APU_TYPE 12, APU_CONT 13, APU_DEP 14, APU_WB 15;
 *                            started and stopped with mcountinhibit
 *   PI_PERF_LD_EXT, PI_PERF_ST_EXT, PI_PERF_LD_EXT_CYC, PI_PERF_ST_EXT_CYC, PI_PERF_TCDM_CONT
 *                            the cluster's external counters of RI5CY: CV32E40P has no such
 *                            event, they read 0
 *
 * mcycle and minstret are never stopped or written (other code reads them): their counts are
 * kept as differences of snapshots taken by pi_perf_start / pi_perf_stop, which therefore
 * include a few instructions and cycles of those calls.
 *
 * -DPMSIS_PERF_NO_HPM (for a simulator without the event counters): only PI_PERF_CYCLES and
 * PI_PERF_INSTR count, every other event reads 0 and no mhpm* / mcountinhibit CSR is touched.
 */
#ifndef PMSIS_PERF_H
#define PMSIS_PERF_H

/* Event numbers: those of PMSIS for the PULP cluster (pmsis/chips/default.h), plus the
 * pipeline and FPU events of CV32E40P under the names of pmsis/chips/default_cv32e40p.h (at
 * numbers of their own, 11 and 18..21, where default.h has other events at 12..15). */
typedef enum {
    PI_PERF_ACTIVE_CYCLES = 0,
    PI_PERF_INSTR         = 1,
    PI_PERF_LD_STALL      = 2,
    PI_PERF_JR_STALL      = 3,
    PI_PERF_IMISS         = 4,
    PI_PERF_LD            = 5,
    PI_PERF_ST            = 6,
    PI_PERF_JUMP          = 7,
    PI_PERF_BRANCH        = 8,
    PI_PERF_BTAKEN        = 9,
    PI_PERF_RVC           = 10,
    PI_PIPE_STALL         = 11,
    PI_PERF_LD_EXT        = 12,
    PI_PERF_ST_EXT        = 13,
    PI_PERF_LD_EXT_CYC    = 14,
    PI_PERF_ST_EXT_CYC    = 15,
    PI_PERF_TCDM_CONT     = 16,
    PI_PERF_CYCLES        = 17,
    PI_APU_TYPE           = 18,
    PI_APU_CONT           = 19,
    PI_APU_DEP            = 20,
    PI_APU_WB             = 21
} pi_perf_event_e;

void pi_perf_conf(unsigned events);
void pi_perf_reset(void);
void pi_perf_start(void);
void pi_perf_stop(void);
unsigned int pi_perf_read(int event);

static inline void pi_perf_cl_reset(void) { pi_perf_reset(); }
static inline void pi_perf_cl_start(void) { pi_perf_start(); }
static inline void pi_perf_cl_stop(void) { pi_perf_stop(); }
static inline unsigned int pi_perf_cl_read(int event) { return pi_perf_read(event); }
static inline void pi_perf_fc_reset(void) { pi_perf_reset(); }
static inline void pi_perf_fc_start(void) { pi_perf_start(); }
static inline void pi_perf_fc_stop(void) { pi_perf_stop(); }
static inline unsigned int pi_perf_fc_read(int event) { return pi_perf_read(event); }

#endif /* PMSIS_PERF_H */
