/*
 * interleave: synchronisation built from plain loads, stores and the TCDM test-and-set alias
 * alone, which only works if the harts interleave finely (pulpsim's default --quantum 1) and
 * memory is sequentially consistent. Every spin is bounded, so a scheduler that lets one hart
 * run long stretches alone fails here instead of hanging.
 *
 *   1. Token ring: core c waits (spinning) until turn == c, logs c, and passes the token to
 *      the next core; ROUNDS rounds. The log must read 0,1,..,n-1 repeated, and no core may
 *      spin longer than SPIN_BOUND iterations for its turn.
 *   2. Filter lock (Peterson's algorithm generalised to n cores, plain loads and stores):
 *      every core increments a shared counter ITER times inside the lock.
 *   3. TAS handshake between cores 0 and 1: core 0 takes a TAS lock, core 1 must see its
 *      test-and-set fail while core 0 holds it, with the word reading all ones, and succeed
 *      only after core 0 releases it.
 *
 * Exit codes: 0 pass;
 *   1  token ring log out of order              2  a ring spin exceeded SPIN_BOUND
 *   3  filter-lock counter wrong                4  two cores inside the filter lock at once
 *   5  core 1 never saw the TAS lock held       6  core 1 got the TAS lock before the release
 *   7  TAS lock word not all ones while held    8  TAS lock word not 0 at the end
 *   9  a handshake spin exceeded SPIN_BOUND
 */
#include "pulp.h"

#define ROUNDS      20u
#define ITER        30u
#define SPIN_BOUND  5000u   /* a few hundred with fine interleaving */

L1_BSS static volatile uint32_t turn;
L1_BSS static volatile uint32_t ring_log[ROUNDS * ARCHI_NB_CORES];
L1_BSS static volatile uint32_t ring_pos;
L1_BSS static volatile uint32_t max_spin[ARCHI_NB_CORES];

L1_BSS static volatile int32_t level[ARCHI_NB_CORES];
L1_BSS static volatile int32_t victim[ARCHI_NB_CORES];
L1_BSS static volatile uint32_t counter, inside, overlap;

L1_BSS static tas_lock_t lock;
L1_BSS static volatile uint32_t held, trying, released, failures, got_before_release, word_while_held;

L1_BSS static volatile uint32_t error;

static void set_error(uint32_t code)
{
    if (error == 0)
        error = code;
}

/* Spin until *p == v, at most SPIN_BOUND iterations; returns the iterations spun. */
static unsigned bounded_wait(volatile uint32_t *p, uint32_t v, uint32_t code)
{
    unsigned i = 0;
    while (*p != v) {
        if (++i > SPIN_BOUND) {
            set_error(code);
            return i;
        }
    }
    return i;
}

static void filter_lock(unsigned me, unsigned n)
{
    for (unsigned l = 1; l < n; l++) {
        level[me] = (int32_t)l;
        victim[l] = (int32_t)me;
        for (;;) {
            int conflict = 0;
            for (unsigned k = 0; k < n; k++)
                if (k != me && level[k] >= (int32_t)l) {
                    conflict = 1;
                    break;
                }
            if (!conflict || victim[l] != (int32_t)me)
                break;
        }
    }
}

static void filter_unlock(unsigned me)
{
    level[me] = 0;
}

int main(void)
{
    unsigned c = get_core_id();
    unsigned n = get_core_num();

    /* 1. token ring */
    for (unsigned r = 0; r < ROUNDS && !error; r++) {
        unsigned spun = bounded_wait(&turn, c, 2);
        if (spun > max_spin[c])
            max_spin[c] = spun;
        if (error)
            break;
        ring_log[ring_pos] = c;
        ring_pos = ring_pos + 1;
        turn = (c + 1) % n;
    }
    synch_barrier();
    if (c == 0) {
        unsigned worst = 0;
        for (unsigned x = 0; x < n; x++)
            if (max_spin[x] > worst)
                worst = max_spin[x];
        printf("token ring: %u rounds over %u cores, longest wait %u spins (bound %u)\n", ROUNDS, n,
               worst, SPIN_BOUND);
        if (!error)
            for (unsigned i = 0; i < ROUNDS * n; i++)
                if (ring_log[i] != i % n)
                    set_error(1);
    }
    synch_barrier();

    /* 2. filter lock */
    for (unsigned i = 0; i < ITER && !error; i++) {
        filter_lock(c, n);
        if (inside != 0)
            overlap = 1;
        inside = c + 1;
        uint32_t v = counter;
        __asm__ volatile("nop; nop; nop");
        counter = v + 1;
        if (inside != c + 1)
            overlap = 1;
        inside = 0;
        filter_unlock(c);
    }
    synch_barrier();
    if (c == 0 && !error) {
        printf("filter lock: counter %u (expected %u)\n", (unsigned)counter, n * ITER);
        if (counter != n * ITER)
            set_error(3);
        else if (overlap)
            set_error(4);
    }
    synch_barrier();

    /* 3. TAS handshake */
    if (n >= 2 && !error) {
        if (c == 0) {
            tas_lock(&lock);
            held = 1;
            bounded_wait(&trying, 1, 9);
            bounded_wait(&failures, 1, 9);   /* core 1 has failed at least once */
            word_while_held = (uint32_t)lock;
            released = 1;
            tas_unlock(&lock);
        } else if (c == 1) {
            bounded_wait(&held, 1, 9);
            trying = 1;
            unsigned spins = 0;
            while (!tas_trylock(&lock)) {
                if (failures == 0)
                    failures = 1;
                if (++spins > SPIN_BOUND) {
                    set_error(9);
                    break;
                }
            }
            if (!released)
                got_before_release = 1;
            tas_unlock(&lock);
        }
    }
    synch_barrier();

    if (c != 0)
        return 0;
    if (n >= 2 && !error) {
        if (failures == 0)
            set_error(5);
        else if (got_before_release)
            set_error(6);
        else if (word_while_held != 0xFFFFFFFFu)
            set_error(7);
        else
            printf("TAS handshake: lock word 0x%08x while held, core 1 waited for the release\n",
                   (unsigned)word_while_held);
    }
    if (!error && lock != 0)
        set_error(8);
    printf("interleave: %s\n", error ? "FAIL" : "PASS");
    return (int)error;
}
