/*
 * mutex-counter: every started core increments shared counters N times each, with a
 * deliberately slow read-modify-write (load, a few instructions, store) so that unprotected
 * updates get lost when cores interleave:
 *   1. under event-unit mutex 0            (mutex_lock / mutex_unlock)
 *   2. under a test-and-set spin lock      (tas_lock / tas_unlock on a TCDM word)
 *   3. unprotected, for information only   (the count of lost updates is printed, not checked)
 * The protected counters must end at cores * N; a per-core tally (written by each core to
 * its own slot) must show N increments per core; the owner word written inside the critical
 * section must never be seen changed by another core while held.
 *
 * Exit codes: 0 pass;
 *   1  mutex counter wrong           2  mutex critical section entered by two cores at once
 *   3  TAS counter wrong             4  TAS critical section entered by two cores at once
 *   5  a per-core tally is not N     6  the TAS lock word is not 0 (free) at the end
 */
#include "pulp.h"

#define N 200u

L1_BSS static volatile uint32_t counter_mutex;
L1_BSS static volatile uint32_t counter_tas;
L1_BSS static volatile uint32_t counter_plain;
L1_BSS static volatile uint32_t owner;          /* core id + 1 while someone is inside */
L1_BSS static tas_lock_t lock;
L1_BSS static volatile uint32_t tally[ARCHI_NB_CORES][2];
L1_BSS static volatile uint32_t overlap_mutex, overlap_tas;

static inline void slow_increment(volatile uint32_t *p, unsigned core)
{
    uint32_t v = *p;
    for (unsigned k = 0; k < (core & 3) + 1; k++)   /* a few cycles between load and store */
        __asm__ volatile("nop");
    *p = v + 1;
}

int main(void)
{
    unsigned core = get_core_id();
    unsigned n = get_core_num();

    /* 1. hardware mutex */
    for (unsigned i = 0; i < N; i++) {
        mutex_lock(0);
        if (owner != 0)
            overlap_mutex = 1;
        owner = core + 1;
        slow_increment(&counter_mutex, core);
        if (owner != core + 1)
            overlap_mutex = 1;
        owner = 0;
        mutex_unlock(0);
        tally[core][0]++;
    }
    synch_barrier();

    /* 2. TAS spin lock */
    for (unsigned i = 0; i < N; i++) {
        tas_lock(&lock);
        if (owner != 0)
            overlap_tas = 1;
        owner = core + 1;
        slow_increment(&counter_tas, core);
        if (owner != core + 1)
            overlap_tas = 1;
        owner = 0;
        tas_unlock(&lock);
        tally[core][1]++;
    }
    synch_barrier();

    /* 3. no lock at all */
    for (unsigned i = 0; i < N; i++)
        slow_increment(&counter_plain, core);
    synch_barrier();

    if (core != 0)
        return 0;

    printf("%u cores x %u increments: mutex %u, TAS %u, unprotected %u (%u lost)\n", n, N,
           (unsigned)counter_mutex, (unsigned)counter_tas, (unsigned)counter_plain,
           (unsigned)(n * N - counter_plain));
    if (counter_mutex != n * N)
        return 1;
    if (overlap_mutex)
        return 2;
    if (counter_tas != n * N)
        return 3;
    if (overlap_tas)
        return 4;
    for (unsigned c = 0; c < n; c++)
        if (tally[c][0] != N || tally[c][1] != N) {
            printf("core %u tally %u/%u\n", c, (unsigned)tally[c][0], (unsigned)tally[c][1]);
            return 5;
        }
    if (lock != 0)
        return 6;
    printf("mutex-counter: PASS\n");
    return 0;
}
