/*
 * deadlock: deliberately deadlocks. Barrier 3 is set up with a trigger mask that includes a
 * core that never arrives (the last started core, or core 1 when only core 0 runs, which is
 * not started at all); every other core waits on it. The absent core returns from main and
 * sleeps (crt0). Once everyone sleeps with nothing that could wake them, pulpsim must end the
 * run with its deadlock report and exit code 121 (`make run-examples` expects 121).
 *
 * Exit codes: 121 (from the simulator) expected;
 *   1  barrier 3 let core 0 through although a core never arrived
 */
#include "pulp.h"

int main(void)
{
    unsigned c = get_core_id();
    unsigned n = get_core_num();
    unsigned all = get_core_mask();
    unsigned absent = n > 1 ? 1u << (n - 1) : 1u << 1;
    uint32_t bar = eu_bar_addr(3);

    if (c == 0)
        eu_bar_setup_mask(bar, all | absent, all);
    synch_barrier();

    if (absent & (1u << c)) {
        printf("core %u: not going to barrier 3, returning from main\n", c);
        return 0;
    }
    printf("core %u: waiting on barrier 3 (trigger mask 0x%02x, core %u never arrives)\n", c,
           all | absent, n > 1 ? n - 1 : 1);
    synch_barrier_id(3);

    printf("core %u: passed barrier 3, which should be impossible\n", c);
    return c == 0 ? 1 : 0;
}
