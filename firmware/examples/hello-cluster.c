/*
 * hello-cluster: every started core says hello with its core id, cluster id and the number
 * of started cores, then core 0 checks that each of them checked in.
 *
 * Exit codes: 0 pass;
 *   1  get_core_num() is 0 or more than 8, or differs from popcount(FETCH_EN)
 *   2  some core's id is not below get_core_num()
 *   3  mhartid != cluster_id << 5 | core_id on some core
 *   4  a started core did not check in (or one checked in twice)
 *   5  a core saw a different core count than core 0
 */
#include "pulp.h"

L1_BSS static volatile unsigned checked_in[ARCHI_NB_CORES];
L1_BSS static volatile unsigned seen_num[ARCHI_NB_CORES];
L1_BSS static volatile unsigned errors[ARCHI_NB_CORES];

int main(void)
{
    unsigned core = get_core_id();
    unsigned cluster = get_cluster_id();
    unsigned num = get_core_num();
    unsigned err = 0;

    printf("Hello from core %u of cluster %u (%u cores)\n", core, cluster, num);

    if (num == 0 || num > ARCHI_NB_CORES || num != hal_popcount(get_core_mask()))
        err = 1;
    else if (core >= num)
        err = 2;
    else if (plat_hartid() != (cluster << 5 | core))
        err = 3;

    errors[core] = err;
    seen_num[core] = num;
    checked_in[core] += 1;
    synch_barrier();

    if (core != 0)
        return 0;

    for (unsigned c = 0; c < num; c++)
        if (errors[c]) {
            printf("core %u reported error %u\n", c, errors[c]);
            return (int)errors[c];
        }
    for (unsigned c = 0; c < ARCHI_NB_CORES; c++) {
        unsigned expected = c < num ? 1 : 0;
        if (checked_in[c] != expected) {
            printf("core %u checked in %u times, expected %u\n", c, checked_in[c], expected);
            return 4;
        }
        if (c < num && seen_num[c] != num) {
            printf("core %u saw %u cores, core 0 saw %u\n", c, seen_num[c], num);
            return 5;
        }
    }
    printf("all %u cores checked in: PASS\n", num);
    return 0;
}
