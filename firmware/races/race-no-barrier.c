/*
 * race-no-barrier: core 0 fills a buffer that every other core then sums, but the barrier
 * between the two steps is missing. On pulpsim the other cores happen to read late enough to
 * get the right sums (exit 0); `pulpsim run --check-races` reports the race: each core's load
 * of buf[] against core 0's store, with no synchronisation ordering them (exit 119).
 */
#include "pulp.h"

#define LEN 64

L1_BSS static volatile uint32_t buf[LEN];
L1_BSS static volatile uint32_t sums[ARCHI_NB_CORES];

int main(void)
{
    unsigned core = get_core_id(), n = get_core_num();
    if (core == 0)
        for (int i = 0; i < LEN; i++)
            buf[i] = (uint32_t)i;
    else
        for (volatile int d = 0; d < 200; d++)   /* "long enough" instead of a barrier */
            ;
    /* BUG: synch_barrier() missing here */
    uint32_t s = 0;
    for (int i = 0; i < LEN; i++)
        s += buf[i];
    sums[core] = s;
    synch_barrier();
    if (core != 0)
        return 0;
    int bad = 0;
    for (unsigned c = 0; c < n; c++)
        bad |= sums[c] != LEN * (LEN - 1) / 2;
    printf("race-no-barrier: %s\n", bad ? "wrong sums" : "sums right (by luck of timing)");
    return bad;
}
