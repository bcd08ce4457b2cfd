/*
 * eu-registers: exercises every event-unit register of docs/platform.md §4 from firmware, on
 * all started cores (at least 2; 8 by default). Every check has a number; a failing check
 * prints a line and the run exits with the smallest failing number (0 = all passed,
 * 99 = fewer than 2 cores started).
 *
 * A. Per-core registers, each core on its own
 *    1-3   EVT_MASK write/read, EVT_MASK_AND (mask &= ~v), EVT_MASK_OR
 *    4-6   IRQ_MASK, IRQ_MASK_AND, IRQ_MASK_OR
 *    7     STATUS reads 1 (running) on the core itself
 *    8     SW_EVENTS_MASK, _AND, _OR
 *    9     BUFFER is 0 at the start of main
 *    10    SW_EVT_TRIG to itself sets its BUFFER bit
 *    11    BUFFER_MASKED = buffer & EVT_MASK
 *    12    BUFFER_IRQ_MASKED = buffer & IRQ_MASK (MIE off: no interrupt)
 *    13    EVENT_WAIT with the event pending: returns buffer & mask, clears nothing
 *    14    EVENT_WAIT_CLEAR: returns buffer & mask, then clears those bits
 *    15    BUFFER_CLEAR clears only the given bits
 *    16    eu_evt_maskWaitAndClr (runtime form): mask restored, event consumed
 * B. Software events between cores
 *    17    SW_EVT_TRIG with a core set reaches exactly those cores (odd cores)
 *    18    EVENT_WAIT_CLEAR sleeps until another core triggers the event
 *    19    STATUS of a core asleep in EVENT_WAIT_CLEAR reads 0 through the global view (the
 *          RTL returns the event unit's clock enable for that core; a core in `wfi` gates its
 *          own clock and is not checked)
 *    20    EVENT_WAIT (no clear) sleeps, returns the event, leaves it in the buffer
 *    21    TRIG_WAIT / TRIG_WAIT_CLEAR ping-pong between cores 0 and 1 through SW_EVENTS_MASK
 *    22    cores outside SW_EVENTS_MASK never see the ping-pong events
 *    23    SW_EVENTS_MASK = 0 makes TRIG_WAIT_CLEAR trigger every core (and return at once)
 * C. Barriers
 *    24    barrier 0 as crt0 left it: TRIGGER_MASK = TARGET_MASK = started cores
 *    25    barriers 1..7 set up: TRIGGER_MASK, TARGET_MASK read back, STATUS 0
 *    26    TRIGGER_WAIT_CLEAR (odd barriers): returns event 16, clears it
 *    27    TRIGGER_WAIT (even barriers): returns event 16, leaves it in the buffer
 *    28    TRIGGER_SELF + EVENT_WAIT_CLEAR (barrier 7)
 *    29    nobody leaves a barrier before every core has arrived
 *    30    TRIGGER register: status |= v; the barrier fires when the last core arrives
 *    31    a barrier does not send event 16 to cores outside TARGET_MASK
 *    32    STATUS is writable; a partial STATUS does not fire
 * D. Mutexes
 *    33    mutexes 0..7: counters incremented under each are exact
 *    34    mutexes 0..7: never two owners at once
 *    35    message passing: every unlock message reaches exactly one next owner
 *    36    waiting cores get the mutex lowest core first, each with its predecessor's message
 *    37    the last unlock message is read by the next lock
 * E. Dispatcher
 *    38    DISPATCH_TEAM_CONFIG write/read
 *    39    a pop on an empty FIFO sleeps until the push
 *    40    values arrive in push order on every team member
 *    41    a push reaches only the team configured at the time
 *    42    a push to a full FIFO (depth 8) stalls until the member pops
 *    43    the nine values pushed around the stall arrive in order
 *    44    the stalled push completes after the pop
 * F. Global view (0x1020_0800)
 *    45    per-core masks written through the global view are seen by the core
 *    46    per-core masks written by the core are read through the global view
 *          (for 45/46 the other cores spin on a flag: a core asleep in a barrier wait has
 *          its event mask in use by that wait)
 *    47    SW event trigger through the global view reaches the selected cores
 *    48    global SW event trigger with core set 0 reaches every core
 *    49    another core's BUFFER / BUFFER_MASKED read and BUFFER_CLEAR written globally
 *    50    another core's EVENT_WAIT read globally returns at once (no sleep)
 *    51    barrier registers written globally are seen locally, and the barrier works
 *    52    global barrier TRIGGER / STATUS
 * G. Interrupts
 *    53    an IRQ-enabled event with MIE set interrupts: mcause = 0x8000_0000 | line
 *    54    taking the interrupt clears the line's buffer bit
 *    55    wfi with MIE off wakes on an IRQ-masked event from another core; the
 *          interrupt is taken when MIE is set
 *    56    two pending lines: the highest line is taken first
 *    57    the IRQ mask of a core sleeping in wfi reads back through the global view
 * H. Timer
 *    58    a timer compare (one-shot) raises event 10: EVENT_WAIT_CLEAR wakes, not early
 *    59    the waiting core slept for at least the compare delay
 *    60    event 10 taken as an interrupt (mcause 0x8000_000a) after wfi on core 1
 *    61    a one-shot timer stops (CFG enable bit cleared) after the match
 * I. Last (a failure here would desynchronise the barriers of anything after it)
 *    62    global-view reads of cores asleep in a barrier wait do not disturb the wait
 *          (barrier STATUS is 0 once everyone has passed)
 */
#include "pulp.h"

#define NB ARCHI_NB_CORES
#define SPIN_LIMIT 2000000u

L1_BSS static volatile uint32_t fail[NB];
L1_BSS static volatile uint32_t ready[NB];
L1_BSS static volatile uint32_t stamp[NB];
L1_BSS static volatile uint32_t value[NB];
L1_BSS static volatile uint32_t released;
L1_BSS static volatile uint32_t pongs;
L1_BSS static volatile uint32_t counter[8];
L1_BSS static volatile uint32_t owner[8];
L1_BSS static volatile uint32_t overlap;
L1_BSS static volatile uint32_t seq;
L1_BSS static volatile uint32_t pushed8, pushed9;
L1_BSS static volatile uint32_t irq_count[NB];
L1_BSS static volatile uint32_t irq_log[NB][8];

static void record(unsigned num, const char *what, int line)
{
    unsigned c = get_core_id();
    if (fail[c] == 0 || num < fail[c])
        fail[c] = num;
    printf("check %u FAILED on core %u (line %d): %s\n", num, c, line, what);
}

#define CHECK(num, cond)                         \
    do {                                         \
        if (!(cond))                             \
            record((num), #cond, __LINE__);      \
    } while (0)

static void delay(unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        __asm__ volatile("nop");
}

/* Spin until *p == v; a runaway spin is a failure of check `num`. */
static void spin_until(volatile uint32_t *p, uint32_t v, unsigned num)
{
    for (unsigned i = 0; *p != v; i++)
        if (i == SPIN_LIMIT) {
            record(num, "spin limit reached", __LINE__);
            return;
        }
}

/* Core 0: wait until every other core has set ready[c] = gen. */
static void wait_ready(unsigned n, uint32_t gen, unsigned num)
{
    for (unsigned c = 1; c < n; c++)
        spin_until(&ready[c], gen, num);
}

static void irq_handler(unsigned mcause)
{
    unsigned c = get_core_id();
    unsigned k = irq_count[c];
    if (k < 8)
        irq_log[c][k] = mcause;
    irq_count[c] = k + 1;
}

/* ------------------------------------------------------------------ A */
static void phase_local(unsigned c)
{
    eu_evt_mask_set(0x00A50F0Fu);
    CHECK(1, eu_evt_mask_get() == 0x00A50F0Fu);
    eu_evt_mask_and(0x00000F00u);
    CHECK(2, eu_evt_mask_get() == 0x00A5000Fu);
    eu_evt_mask_or(0x01000000u);
    CHECK(3, eu_evt_mask_get() == 0x01A5000Fu);
    eu_evt_mask_set(0);

    eu_irq_mask_set(0x0000F0F0u);
    CHECK(4, eu_irq_mask_get() == 0x0000F0F0u);
    eu_irq_mask_and(0x000000F0u);
    CHECK(5, eu_irq_mask_get() == 0x0000F000u);
    eu_irq_mask_or(0x00000003u);
    CHECK(6, eu_irq_mask_get() == 0x0000F003u);
    eu_irq_mask_set(0);

    CHECK(7, (eu_core_status() & 1) == 1);

    eu_sw_events_mask_set(0x81);
    CHECK(8, eu_sw_events_mask_get() == 0x81);
    eu_sw_events_mask_and(0x01);
    CHECK(8, eu_sw_events_mask_get() == 0x80);
    eu_sw_events_mask_or(0x06);
    CHECK(8, eu_sw_events_mask_get() == 0x86);
    eu_sw_events_mask_set(0);

    CHECK(9, eu_evt_status() == 0);

    eu_evt_trig_from_id(3, 1u << c);
    CHECK(10, eu_evt_status() == 1u << 3);

    CHECK(11, eu_evt_statusMasked() == 0);
    eu_evt_mask_set((1u << 3) | (1u << 4));
    CHECK(11, eu_evt_statusMasked() == 1u << 3);

    CHECK(12, eu_evt_statusIrqMasked() == 0);
    eu_irq_mask_set(1u << 3);
    CHECK(12, eu_evt_statusIrqMasked() == 1u << 3);
    eu_irq_mask_set(0);

    CHECK(13, eu_evt_wait() == 1u << 3);
    CHECK(13, eu_evt_status() == 1u << 3);
    CHECK(14, eu_evt_waitAndClr() == 1u << 3);
    CHECK(14, eu_evt_status() == 0);
    eu_evt_mask_set(0);

    eu_evt_trig(eu_evt_trig_addr(4), 1u << c);
    eu_evt_trig_from_id(5, 1u << c);
    CHECK(15, eu_evt_status() == ((1u << 4) | (1u << 5)));
    eu_evt_clr(1u << 4);
    CHECK(15, eu_evt_status() == 1u << 5);
    eu_evt_clr(1u << 5);
    CHECK(15, eu_evt_status() == 0);

    eu_evt_trig_from_id(6, 1u << c);
    CHECK(16, eu_evt_maskWaitAndClr(1u << 6) == 1u << 6);
    CHECK(16, eu_evt_mask_get() == 0);
    CHECK(16, eu_evt_status() == 0);
}

/* ------------------------------------------------------------------ B */
static void phase_sw_events(unsigned c, unsigned n, unsigned all, unsigned others)
{
    /* 17: odd cores only */
    if (c == 0)
        eu_evt_trig_from_id(1, 0xAAu & all);
    synch_barrier();
    CHECK(17, ((eu_evt_status() >> 1) & 1) == (c & 1));
    eu_evt_clr(1u << 1);
    synch_barrier();

    /* 18/19: EVENT_WAIT_CLEAR sleeps until core 0 triggers */
    if (c == 0) {
        wait_ready(n, 18, 18);
        delay(300);
        for (unsigned x = 1; x < n; x++)
            CHECK(19, (eu_global_core_read(x, EU_STATUS) & 1) == 0);
        released = 18;
        eu_evt_trig_from_id(2, others);
    } else {
        eu_evt_mask_set(1u << 2);
        ready[c] = 18;
        uint32_t v = eu_evt_waitAndClr();
        CHECK(18, v == 1u << 2);
        CHECK(18, released == 18);
        CHECK(18, (eu_evt_status() & (1u << 2)) == 0);
        eu_evt_mask_set(0);
    }
    synch_barrier();

    /* 20: EVENT_WAIT sleeps, leaves the event */
    if (c == 0) {
        wait_ready(n, 20, 20);
        delay(300);
        released = 20;
        eu_evt_trig_from_id(3, others);
    } else {
        eu_evt_mask_set(1u << 3);
        ready[c] = 20;
        uint32_t v = eu_evt_wait();
        CHECK(20, v == 1u << 3);
        CHECK(20, released == 20);
        CHECK(20, (eu_evt_status() & (1u << 3)) != 0);
        eu_evt_clr(1u << 3);
        eu_evt_mask_set(0);
    }
    synch_barrier();

    /* 21/22: TRIG_WAIT ping-pong 0 <-> 1 */
    const unsigned rounds = 6;
    if (c == 0) {
        eu_sw_events_mask_set(1u << 1);
        eu_evt_mask_set(1u << 6);
    } else if (c == 1) {
        eu_sw_events_mask_set(1u << 0);
        eu_evt_mask_set(1u << 5);
    }
    synch_barrier();
    if (c == 0) {
        for (unsigned r = 0; r < rounds; r++) {
            uint32_t v;
            if (r & 1) {
                v = eu_evt_trig_wait(5);
                CHECK(21, (eu_evt_status() & (1u << 6)) != 0);
                eu_evt_clr(1u << 6);
            } else {
                v = eu_evt_trig_wait_clr(5);
                CHECK(21, (eu_evt_status() & (1u << 6)) == 0);
            }
            CHECK(21, v == 1u << 6);
            CHECK(21, pongs == r + 1);
        }
    } else if (c == 1) {
        CHECK(21, eu_evt_waitAndClr() == 1u << 5);
        for (unsigned r = 0; r < rounds; r++) {
            pongs = r + 1;
            if (r + 1 < rounds)
                CHECK(21, eu_evt_trig_wait_clr(6) == 1u << 5);
            else
                eu_evt_trig_from_id(6, 1u << 0);
        }
    }
    synch_barrier();
    CHECK(22, (eu_evt_status() & ((1u << 5) | (1u << 6))) == 0);
    eu_sw_events_mask_set(0);
    eu_evt_mask_set(0);
    synch_barrier();

    /* 23: SW_EVENTS_MASK = 0 means every core */
    if (c == 0) {
        eu_evt_mask_set(1u << 7);
        CHECK(23, eu_evt_trig_wait_clr(7) == 1u << 7);
        CHECK(23, (eu_evt_status() & (1u << 7)) == 0);
        eu_evt_mask_set(0);
    }
    synch_barrier();
    if (c != 0)
        CHECK(23, (eu_evt_status() & (1u << 7)) != 0);
    eu_evt_clr(1u << 7);
    synch_barrier();
}

/* ------------------------------------------------------------------ C */
static void phase_barriers(unsigned c, unsigned n, unsigned all, unsigned others)
{
    (void)n;
    if (c == 0) {
        CHECK(24, eu_bar_trigger_mask_get(eu_bar_addr(0)) == all);
        CHECK(24, eu_bar_target_mask_get(eu_bar_addr(0)) == all);
        for (unsigned b = 1; b < 8; b++) {
            uint32_t bar = eu_bar_addr(b);
            eu_bar_status_set(bar, 0);
            eu_bar_setup(bar, all);
            CHECK(25, eu_bar_trigger_mask_get(bar) == all);
            CHECK(25, eu_bar_target_mask_get(bar) == all);
            CHECK(25, eu_bar_status_get(bar) == 0);
        }
    }
    synch_barrier();

    eu_evt_mask_set(1u << EU_EVT_BARRIER);
    for (unsigned b = 1; b < 8; b++) {
        uint32_t bar = eu_bar_addr(b);
        stamp[c] = b;
        if (b == 7) {
            eu_bar_trig_self(bar);
            CHECK(28, eu_evt_waitAndClr() == 1u << EU_EVT_BARRIER);
            CHECK(28, (eu_evt_status() & (1u << EU_EVT_BARRIER)) == 0);
        } else if (b & 1) {
            CHECK(26, eu_bar_trig_wait_clr(bar) == 1u << EU_EVT_BARRIER);
            CHECK(26, (eu_evt_status() & (1u << EU_EVT_BARRIER)) == 0);
        } else {
            CHECK(27, eu_bar_trig_wait(bar) == 1u << EU_EVT_BARRIER);
            CHECK(27, (eu_evt_status() & (1u << EU_EVT_BARRIER)) != 0);
            eu_evt_clr(1u << EU_EVT_BARRIER);
        }
        for (unsigned x = 0; x < NB; x++)
            if (all & (1u << x))
                CHECK(29, stamp[x] >= b);
    }
    eu_evt_mask_set(0);
    synch_barrier();

    /* 30-32: core 0 alone; the others spin on a flag meanwhile (awake, so that reading
     * their buffers through the global view is an ordinary read) */
    if (c == 0) {
        wait_ready(n, 30, 30);
        /* 30/31: barrier 3, all must arrive, only core 0 is woken */
        uint32_t bar = eu_bar_addr(3);
        eu_bar_setup_mask(bar, all, 1u << 0);
        eu_bar_trigger(bar, others);
        CHECK(30, eu_bar_status_get(bar) == others);
        eu_evt_mask_set(1u << EU_EVT_BARRIER);
        CHECK(30, eu_bar_trig_wait_clr(bar) == 1u << EU_EVT_BARRIER);
        eu_evt_mask_set(0);
        CHECK(30, eu_bar_status_get(bar) == 0);
        for (unsigned x = 1; x < NB; x++)
            if (others & (1u << x))
                CHECK(31, (eu_global_core_read(x, EU_BUFFER) & (1u << EU_EVT_BARRIER)) == 0);
        eu_bar_setup(bar, all);

        /* 32: barrier 5, trigger mask cores 0-1, a partial STATUS does not fire */
        bar = eu_bar_addr(5);
        eu_bar_setup_mask(bar, 0x3u, 1u << 0);
        eu_bar_status_set(bar, 0x2u);
        CHECK(32, eu_bar_status_get(bar) == 0x2u);
        CHECK(32, (eu_evt_status() & (1u << EU_EVT_BARRIER)) == 0);
        eu_bar_status_set(bar, 0);
        CHECK(32, eu_bar_status_get(bar) == 0);
        eu_bar_setup(bar, all);
        released = 30;
    } else {
        ready[c] = 30;
        spin_until(&released, 30, 30);
        CHECK(31, (eu_evt_status() & (1u << EU_EVT_BARRIER)) == 0);
    }
    synch_barrier();
}

/* ------------------------------------------------------------------ D */
static void phase_mutexes(unsigned c, unsigned n)
{
    const unsigned k_iter = 20;
    for (unsigned m = 0; m < 8; m++) {
        for (unsigned k = 0; k < k_iter; k++) {
            mutex_lock(m);
            if (owner[m] != 0)
                overlap = 1;
            owner[m] = c + 1;
            uint32_t v = counter[m];
            delay(c & 3);
            counter[m] = v + 1;
            if (owner[m] != c + 1)
                overlap = 1;
            owner[m] = 0;
            mutex_unlock(m);
        }
    }
    synch_barrier();
    if (c == 0) {
        for (unsigned m = 0; m < 8; m++) {
            CHECK(33, counter[m] == n * k_iter);
            if (counter[m] != n * k_iter)
                printf("mutex %u: counter %u, expected %u\n", m, (unsigned)counter[m], n * k_iter);
        }
        CHECK(34, overlap == 0);
    }

    /* 35: a chain of messages through mutex 3 (its last unlock left message 0) */
    value[c] = mutex_lock(3);
    mutex_unlock_msg(3, 0x100u | c);
    synch_barrier();
    if (c == 0) {
        uint32_t last = mutex_lock(3);
        mutex_unlock(3);
        unsigned seen[NB + 1] = {0};
        int bad = 0;
        for (unsigned x = 0; x <= n; x++) {
            uint32_t v = x < n ? value[x] : last;
            if (v == 0)
                seen[NB]++;
            else if ((v & ~0xFFu) == 0x100u && (v & 0xFFu) < n)
                seen[v & 0xFFu]++;
            else
                bad = 1;
        }
        for (unsigned x = 0; x < n; x++)
            if (seen[x] != 1)
                bad = 1;
        CHECK(35, !bad && seen[NB] == 1);
    }
    synch_barrier();

    /* 36/37: core 0 holds mutex 6 while the others queue on it */
    if (c == 0) {
        mutex_lock(6);
        seq = 0;
        ready[0] = 36;
        wait_ready(n, 36, 36);
        delay(400);
        mutex_unlock_msg(6, 0xCAFE0000u);
    } else {
        spin_until(&ready[0], 36, 36);
        ready[c] = 36;
        uint32_t v = mutex_lock(6);
        stamp[c] = seq++;
        value[c] = v;
        mutex_unlock_msg(6, v + 1);
    }
    synch_barrier();
    if (c == 0) {
        for (unsigned x = 1; x < n; x++) {
            CHECK(36, stamp[x] == x - 1);
            CHECK(36, value[x] == 0xCAFE0000u + x - 1);
        }
        CHECK(37, mutex_lock(6) == 0xCAFE0000u + n - 1);
        mutex_unlock(6);
    }
    synch_barrier();
}

/* ------------------------------------------------------------------ E */
static void phase_dispatch(unsigned c, unsigned n, unsigned all, unsigned others)
{
    if (c == 0) {
        eu_dispatch_team_config(0xA5u);
        CHECK(38, eu_dispatch_team_get() == 0xA5u);
        eu_dispatch_team_config(others);
        CHECK(38, eu_dispatch_team_get() == others);
    }
    synch_barrier();

    /* 39/40 */
    if (c == 0) {
        wait_ready(n, 39, 39);
        delay(300);
        released = 39;
        eu_dispatch_push(0x11);
        eu_dispatch_push(0x22);
        eu_dispatch_push(0x33);
    } else {
        ready[c] = 39;
        uint32_t v1 = eu_dispatch_pop();
        CHECK(39, released == 39);
        uint32_t v2 = eu_dispatch_pop();
        uint32_t v3 = eu_dispatch_pop();
        CHECK(40, v1 == 0x11 && v2 == 0x22 && v3 == 0x33);
    }
    synch_barrier();

    /* 41: team {2, 5} only, then everyone */
    unsigned sub = 0x24u & others;
    if (c == 0) {
        eu_dispatch_team_config(sub);
        eu_dispatch_push(0x55);
        eu_dispatch_team_config(others);
        eu_dispatch_push(0x66);
    } else {
        if (sub & (1u << c))
            CHECK(41, eu_dispatch_pop() == 0x55);
        CHECK(41, eu_dispatch_pop() == 0x66);
    }
    synch_barrier();

    /* 42-44: depth 8, the ninth push stalls until core 1 pops */
    if (c == 0) {
        eu_dispatch_team_config(1u << 1);
        for (unsigned i = 0; i < 8; i++)
            eu_dispatch_push(0x100 + i);
        pushed8 = 1;
        eu_dispatch_push(0x108);
        pushed9 = 1;
    } else if (c == 1) {
        spin_until(&pushed8, 1, 42);
        delay(500);
        CHECK(42, pushed9 == 0);
        int ok = 1;
        for (unsigned i = 0; i < 9; i++)
            if (eu_dispatch_pop() != 0x100 + i)
                ok = 0;
        CHECK(43, ok);
    }
    synch_barrier();
    if (c == 0) {
        CHECK(44, pushed9 == 1);
        eu_dispatch_team_config(all);
    }
    eu_evt_clr(1u << EU_EVT_DISPATCH);
    synch_barrier();
}

/* ------------------------------------------------------------------ F */
static void phase_global(unsigned c, unsigned n, unsigned all, unsigned others)
{
    (void)n;
    /* 45/46: the other cores spin on flags (not in a barrier, whose wait would own their
     * event mask) while core 0 writes or reads their registers */
    if (c == 0) {
        wait_ready(n, 45, 45);
        for (unsigned x = 1; x < NB; x++)
            if (others & (1u << x)) {
                eu_global_core_write(x, EU_EVT_MASK, 0x00000F00u | x);
                eu_global_core_write(x, EU_IRQ_MASK, x << 4);
                eu_global_core_write(x, EU_SW_EVENTS_MASK, 1u << x);
            }
        released = 45;
    } else {
        ready[c] = 45;
        spin_until(&released, 45, 45);
        CHECK(45, eu_evt_mask_get() == (0x00000F00u | c));
        CHECK(45, eu_irq_mask_get() == c << 4);
        CHECK(45, eu_sw_events_mask_get() == 1u << c);
    }
    eu_evt_mask_set(0x00200000u | c);
    eu_irq_mask_set(0x00400000u | c);
    eu_sw_events_mask_set(0x80u >> c);
    if (c == 0) {
        wait_ready(n, 46, 46);
        for (unsigned x = 0; x < NB; x++)
            if (all & (1u << x)) {
                CHECK(46, eu_global_core_read(x, EU_EVT_MASK) == (0x00200000u | x));
                CHECK(46, eu_global_core_read(x, EU_IRQ_MASK) == (0x00400000u | x));
                CHECK(46, eu_global_core_read(x, EU_SW_EVENTS_MASK) == 0x80u >> x);
            }
        released = 46;
    } else {
        ready[c] = 46;
        spin_until(&released, 46, 46);
    }
    eu_evt_mask_set(0);
    eu_irq_mask_set(0);
    eu_sw_events_mask_set(0);
    synch_barrier();

    /* 47/48: cores 2 and 3 (core 1 when fewer are started; a set of 0 would mean all) */
    unsigned sel = 0x0Cu & all ? 0x0Cu & all : 0x02u;
    if (c == 0) {
        eu_global_evt_trig(4, sel);
        eu_global_evt_trig(5, 0);
    }
    synch_barrier();
    CHECK(47, ((eu_evt_status() >> 4) & 1) == ((sel >> c) & 1));
    CHECK(48, (eu_evt_status() & (1u << 5)) != 0);
    eu_evt_clr((1u << 4) | (1u << 5));
    synch_barrier();

    /* 49/50: core 1's registers, while core 1 spins on a flag */
    if (c == 0) {
        wait_ready(n, 49, 49);
        eu_evt_trig_from_id(6, 1u << 1);
        CHECK(49, (eu_global_core_read(1, EU_BUFFER) & (1u << 6)) != 0);
        CHECK(49, (eu_global_core_read(1, EU_BUFFER_MASKED) & (1u << 6)) == 0);
        eu_global_core_write(1, EU_BUFFER_CLEAR, 1u << 6);
        CHECK(49, (eu_global_core_read(1, EU_BUFFER) & (1u << 6)) == 0);
        CHECK(50, (eu_global_core_read(1, EU_EVENT_WAIT) & (1u << 6)) == 0);
        CHECK(50, (eu_global_core_read(1, EU_EVENT_WAIT_CLEAR) & (1u << 6)) == 0);
        released = 49;
    } else {
        ready[c] = 49;
        spin_until(&released, 49, 49);
    }
    synch_barrier();

    /* 51: barrier 6 set up through the global view */
    if (c == 0) {
        eu_global_bar_write(6, EU_BAR_TRIGGER_MASK, all);
        eu_global_bar_write(6, EU_BAR_TARGET_MASK, all);
        eu_global_bar_write(6, EU_BAR_STATUS, 0);
        CHECK(51, eu_global_bar_read(6, EU_BAR_TRIGGER_MASK) == all);
    }
    synch_barrier();
    CHECK(51, eu_bar_trigger_mask_get(eu_bar_addr(6)) == all);
    CHECK(51, eu_bar_target_mask_get(eu_bar_addr(6)) == all);
    stamp[c] = 51;
    synch_barrier_id(6);
    for (unsigned x = 0; x < NB; x++)
        if (all & (1u << x))
            CHECK(51, stamp[x] == 51);
    synch_barrier();

    /* 52: global TRIGGER for the others, core 0 arrives locally */
    if (c == 0) {
        eu_global_bar_write(6, EU_BAR_TARGET_MASK, 1u << 0);
        eu_global_bar_write(6, EU_BAR_TRIGGER, others);
        CHECK(52, eu_global_bar_read(6, EU_BAR_STATUS) == others);
        CHECK(52, eu_bar_status_get(eu_bar_addr(6)) == others);
        synch_barrier_id(6);
        CHECK(52, eu_global_bar_read(6, EU_BAR_STATUS) == 0);
        eu_global_bar_write(6, EU_BAR_TARGET_MASK, all);
    }
    synch_barrier();
}

/* ------------------------------------------------------------------ G */
static void phase_irq(unsigned c, unsigned n, unsigned others)
{
    unsigned expect = 0;

    /* 53/54: self-triggered interrupt */
    eu_irq_mask_set(1u << 3);
    irq_enable();
    eu_evt_trig_from_id(3, 1u << c);
    delay(10);
    irq_disable();
    CHECK(53, irq_count[c] == 1 && irq_log[c][0] == (IRQ_MCAUSE_INTERRUPT | 3));
    CHECK(54, (eu_evt_status() & (1u << 3)) == 0);
    eu_irq_mask_set(0);
    expect = 1;
    synch_barrier();

    /* 55/57: the others sleep in wfi (MIE off) until core 0 raises event 5 */
    if (c == 0) {
        wait_ready(n, 55, 55);
        delay(300);
        for (unsigned x = 1; x < n; x++)
            CHECK(57, eu_global_core_read(x, EU_IRQ_MASK) == 1u << 5);
        released = 55;
        eu_evt_trig_from_id(5, others);
    } else {
        eu_irq_mask_set(1u << 5);
        ready[c] = 55;
        wait_for_interrupt();
        CHECK(55, released == 55);
        CHECK(55, irq_count[c] == 1);      /* MIE off: not taken yet */
        irq_enable();
        delay(10);
        irq_disable();
        CHECK(55, irq_count[c] == 2 && irq_log[c][1] == (IRQ_MCAUSE_INTERRUPT | 5));
        eu_irq_mask_set(0);
        expect = 2;
    }
    synch_barrier();

    /* 56: two lines pending, highest first */
    eu_irq_mask_set((1u << 1) | (1u << 6));
    eu_evt_trig_from_id(1, 1u << c);
    eu_evt_trig_from_id(6, 1u << c);
    irq_enable();
    delay(10);
    irq_disable();
    CHECK(56, irq_count[c] == expect + 2);
    CHECK(56, irq_log[c][expect] == (IRQ_MCAUSE_INTERRUPT | 6));
    CHECK(56, irq_log[c][expect + 1] == (IRQ_MCAUSE_INTERRUPT | 1));
    eu_irq_mask_set(0);
    synch_barrier();
}

/* ------------------------------------------------------------------ I */
/* Last, because a failure here desynchronises the barriers for whatever follows. */
static void phase_sleeping_reads(unsigned c, unsigned n, unsigned others)
{
    /* 62: core 0 reads registers of cores asleep in a barrier-2 wait through the global
     * view; that must not disturb their pending wait (no second arrival when they resume) */
    if (c == 0) {
        wait_ready(n, 62, 62);
        delay(300);
        for (unsigned x = 1; x < NB; x++)
            if (others & (1u << x)) {
                (void)eu_global_core_read(x, EU_BUFFER);
                (void)eu_global_core_read(x, EU_EVT_MASK);
            }
    } else {
        ready[c] = 62;
    }
    synch_barrier_id(2);
    synch_barrier();
    if (c == 0)
        CHECK(62, eu_bar_status_get(eu_bar_addr(2)) == 0);
    synch_barrier();
}

/* ------------------------------------------------------------------ H */
static void phase_timer(unsigned c)
{
    const uint32_t delay_cycles = 5000;
    unsigned before = irq_count[c];

    if (c == 0) {
        ready[0] = 58;
        cl_timer_arm_event(delay_cycles, 1);
    } else {
        spin_until(&ready[0], 58, 58);
    }
    unsigned long t0 = cycles();
    if (c == 1) {
        eu_irq_mask_set(1u << EU_EVT_TIMER_LO);
        wait_for_interrupt();
        irq_enable();
        delay(10);
        irq_disable();
        eu_irq_mask_set(0);
        CHECK(60, irq_count[c] == before + 1 && irq_log[c][before] == (IRQ_MCAUSE_INTERRUPT | EU_EVT_TIMER_LO));
    } else {
        eu_evt_mask_set(1u << EU_EVT_TIMER_LO);
        CHECK(58, eu_evt_waitAndClr() == 1u << EU_EVT_TIMER_LO);
        eu_evt_mask_set(0);
    }
    unsigned long t1 = cycles();
    CHECK(58, cl_timer_get() >= delay_cycles);
    if (c == 0)
        CHECK(59, t1 - t0 >= delay_cycles - 100);
    synch_barrier();
    if (c == 0) {
        CHECK(61, (cl_timer_conf_get() & TIMER_CFG_ENABLE) == 0);
        cl_timer_conf(0);
    }
    synch_barrier();
}

int main(void)
{
    unsigned c = get_core_id();
    unsigned n = get_core_num();
    unsigned all = get_core_mask();
    unsigned others = all & ~1u;

    if (n < 2) {
        printf("eu-registers needs at least 2 cores\n");
        return 99;
    }
    if (c == 0)
        irq_set_handler(irq_handler);

    phase_local(c);
    synch_barrier();
    phase_sw_events(c, n, all, others);
    phase_barriers(c, n, all, others);
    phase_mutexes(c, n);
    phase_dispatch(c, n, all, others);
    phase_global(c, n, all, others);
    phase_irq(c, n, others);
    phase_timer(c);
    phase_sleeping_reads(c, n, others);

    if (c != 0)
        return 0;
    unsigned first = 0;
    for (unsigned x = 0; x < n; x++)
        if (fail[x] && (first == 0 || fail[x] < first))
            first = fail[x];
    if (first)
        printf("eu-registers: FAIL (first failing check %u)\n", first);
    else
        printf("eu-registers: PASS (62 checks on %u cores)\n", n);
    return (int)first;
}
