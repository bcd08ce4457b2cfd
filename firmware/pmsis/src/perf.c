/*
 * perf.c: the PMSIS performance counters (include/pmsis/perf.h) on the CV32E40P counters of
 * docs/platform.md §13: mcountinhibit (0x320), mhpmevent3..18 (0x323..0x332),
 * mhpmcounter3..18 (0xB03..0xB12, high halves 0xB83..), mcycle, minstret.
 *
 * CV32E40P event e (0..15) is counted by mhpmcounter(3 + e), selected with
 * mhpmevent(3 + e) = 1 << e and started/stopped with bit 3 + e of mcountinhibit. PI_PERF_CYCLES
 * and PI_PERF_INSTR are differences of mcycle / minstret snapshots. The state is per core, in
 * TCDM, touched only by its core (the fabric controller of `pulp` has a slot of its own).
 */
#include "pmsis.h"

#define CSR_MCOUNTINHIBIT   0x320
#define CSR_MHPMEVENT3      0x323
#define CSR_MHPMCOUNTER3    0xB03
#define CSR_MHPMCOUNTERH3   0xB83
#define HPM_FIRST           3           /* counter of CV32E40P event e: 3 + e */
#define NB_CV32_EVENTS      16
#define NO_EVENT            0xFFu

typedef struct {
    uint32_t events;                    /* configured PI_PERF_* bits */
    uint32_t hpm;                       /* CV32E40P events counted by hpm counters */
    uint32_t running;
    uint32_t cycles, cycles_start;      /* PI_PERF_CYCLES: accumulated, snapshot at start */
    uint32_t instr, instr_start;        /* PI_PERF_INSTR */
} perf_state_t;

static L1_BSS perf_state_t state[PMSIS_HART_SLOTS];

/* CV32E40P event of each PMSIS event; NO_EVENT: mcycle/minstret or nothing. */
static const uint8_t cv32_event[32] = {
    [PI_PERF_ACTIVE_CYCLES] = 0, [PI_PERF_INSTR] = NO_EVENT, [PI_PERF_LD_STALL] = 2,
    [PI_PERF_JR_STALL] = 3, [PI_PERF_IMISS] = 4, [PI_PERF_LD] = 5, [PI_PERF_ST] = 6,
    [PI_PERF_JUMP] = 7, [PI_PERF_BRANCH] = 8, [PI_PERF_BTAKEN] = 9, [PI_PERF_RVC] = 10,
    [PI_PIPE_STALL] = 11, [PI_PERF_LD_EXT] = NO_EVENT, [PI_PERF_ST_EXT] = NO_EVENT,
    [PI_PERF_LD_EXT_CYC] = NO_EVENT, [PI_PERF_ST_EXT_CYC] = NO_EVENT,
    [PI_PERF_TCDM_CONT] = NO_EVENT, [PI_PERF_CYCLES] = NO_EVENT, [PI_APU_TYPE] = 12,
    [PI_APU_CONT] = 13, [PI_APU_DEP] = 14, [PI_APU_WB] = 15,
    [22] = NO_EVENT, [23] = NO_EVENT, [24] = NO_EVENT, [25] = NO_EVENT, [26] = NO_EVENT,
    [27] = NO_EVENT, [28] = NO_EVENT, [29] = NO_EVENT, [30] = NO_EVENT, [31] = NO_EVENT,
};

static inline uint32_t read_mcycle(void)
{
    uint32_t v;
    __asm__ volatile("csrr %0, mcycle" : "=r"(v));
    return v;
}

static inline uint32_t read_minstret(void)
{
    uint32_t v;
    __asm__ volatile("csrr %0, minstret" : "=r"(v));
    return v;
}

#ifndef PMSIS_PERF_NO_HPM

#define HPM_CASES(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) \
                     X(8) X(9) X(10) X(11) X(12) X(13) X(14) X(15)

static void hpm_event_write(unsigned e, uint32_t v)
{
    switch (e) {
#define CASE(n) case n: __asm__ volatile("csrw %0, %1" :: "i"(CSR_MHPMEVENT3 + n), "r"(v)); break;
    HPM_CASES(CASE)
#undef CASE
    default: break;
    }
}

static void hpm_counter_clear(unsigned e)
{
    switch (e) {
#define CASE(n) case n: __asm__ volatile("csrw %0, zero\n\tcsrw %1, zero" \
                                         :: "i"(CSR_MHPMCOUNTER3 + n), "i"(CSR_MHPMCOUNTERH3 + n)); break;
    HPM_CASES(CASE)
#undef CASE
    default: break;
    }
}

static uint32_t hpm_counter_read(unsigned e)
{
    uint32_t v = 0;
    switch (e) {
#define CASE(n) case n: __asm__ volatile("csrr %0, %1" : "=r"(v) : "i"(CSR_MHPMCOUNTER3 + n)); break;
    HPM_CASES(CASE)
#undef CASE
    default: break;
    }
    return v;
}

static inline void inhibit_set(uint32_t bits)
{
    __asm__ volatile("csrs %0, %1" :: "i"(CSR_MCOUNTINHIBIT), "r"(bits));
}

static inline void inhibit_clear(uint32_t bits)
{
    __asm__ volatile("csrc %0, %1" :: "i"(CSR_MCOUNTINHIBIT), "r"(bits));
}

#else /* PMSIS_PERF_NO_HPM: no event counters */

static void hpm_event_write(unsigned e, uint32_t v) { (void)e; (void)v; }
static void hpm_counter_clear(unsigned e) { (void)e; }
static uint32_t hpm_counter_read(unsigned e) { (void)e; return 0; }
static inline void inhibit_set(uint32_t bits) { (void)bits; }
static inline void inhibit_clear(uint32_t bits) { (void)bits; }

#endif

void pi_perf_conf(unsigned events)
{
    perf_state_t *s = &state[pmsis_hart_slot()];
    uint32_t hpm = 0;
#ifndef PMSIS_PERF_NO_HPM
    for (unsigned e = 0; e < 32; e++)
        if (((events >> e) & 1u) && cv32_event[e] != NO_EVENT)
            hpm |= 1u << cv32_event[e];
#endif
    if (s->running)                     /* counters no longer configured stop now */
        inhibit_set((s->hpm & ~hpm) << HPM_FIRST);
    for (unsigned e = 0; e < NB_CV32_EVENTS; e++)
        if (((s->hpm | hpm) >> e) & 1u)
            hpm_event_write(e, (hpm >> e) & 1u ? 1u << e : 0);
    if (s->running)
        inhibit_clear(hpm << HPM_FIRST);
    s->events = events;
    s->hpm = hpm;
}

void pi_perf_reset(void)
{
    perf_state_t *s = &state[pmsis_hart_slot()];
    for (unsigned e = 0; e < NB_CV32_EVENTS; e++)
        if ((s->hpm >> e) & 1u)
            hpm_counter_clear(e);
    s->cycles = 0;
    s->instr = 0;
    s->cycles_start = read_mcycle();
    s->instr_start = read_minstret();
}

void pi_perf_start(void)
{
    perf_state_t *s = &state[pmsis_hart_slot()];
    if (s->running)
        return;
    s->running = 1;
    inhibit_clear(s->hpm << HPM_FIRST);
    s->instr_start = read_minstret();
    s->cycles_start = read_mcycle();
}

void pi_perf_stop(void)
{
    uint32_t c = read_mcycle(), i = read_minstret();
    perf_state_t *s = &state[pmsis_hart_slot()];
    if (!s->running)
        return;
    inhibit_set(s->hpm << HPM_FIRST);
    s->cycles += c - s->cycles_start;
    s->instr += i - s->instr_start;
    s->running = 0;
}

unsigned int pi_perf_read(int event)
{
    uint32_t c = read_mcycle(), i = read_minstret();
    perf_state_t *s = &state[pmsis_hart_slot()];
    if (event < 0 || event > 31 || !((s->events >> event) & 1u))
        return 0;
    if (event == PI_PERF_CYCLES)
        return s->cycles + (s->running ? c - s->cycles_start : 0);
    if (event == PI_PERF_INSTR)
        return s->instr + (s->running ? i - s->instr_start : 0);
    unsigned e = cv32_event[event];
    return e != NO_EVENT && ((s->hpm >> e) & 1u) ? hpm_counter_read(e) : 0;
}
