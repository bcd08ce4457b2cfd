/*
 * reduction: parallel sums over an array in TCDM with a barrier-synchronised tree
 * reduction, checked against closed forms, for any number of started cores (1..8).
 *
 * Round r (ROUNDS rounds): every core fills its share of data[i] = r*i + 1 (i < N), then
 * sums its share into partial[core]; log2 steps of a tree (core c adds partial[c + s] when
 * c % 2s == 0) separated by barriers leave the total in partial[0]. Expected:
 *   sum_{i<N} (r*i + 1) = r*N*(N-1)/2 + N
 * A second reduction sums i*i over the same chunks: N*(N-1)*(2N-1)/6 (modulo 2^32).
 *
 * Exit codes: 0 pass;
 *   10 + r  round r: the linear total is wrong (seen by core 0)
 *   20 + r  round r: the sum of squares is wrong
 *   30      some core read a total different from core 0 after the final barrier
 *   40      the per-core element counts do not add up to N
 */
#include "pulp.h"

#define N       3000u
#define ROUNDS  4u

L1_BSS static volatile uint32_t data[N];
L1_BSS static volatile uint32_t partial[ARCHI_NB_CORES];
L1_BSS static volatile uint32_t partial_sq[ARCHI_NB_CORES];
L1_BSS static volatile uint32_t counted[ARCHI_NB_CORES];
L1_BSS static volatile uint32_t seen_total[ARCHI_NB_CORES];
L1_BSS static volatile uint32_t mismatch;

int main(void)
{
    unsigned core = get_core_id();
    unsigned n = get_core_num();
    unsigned chunk = (N + n - 1) / n;
    unsigned lo = core * chunk;
    unsigned hi = lo + chunk > N ? N : lo + chunk;
    if (lo > N)
        lo = N;
    int result = 0;

    for (unsigned r = 0; r < ROUNDS; r++) {
        for (unsigned i = lo; i < hi; i++)
            data[i] = r * i + 1;
        synch_barrier();

        uint32_t s = 0, sq = 0;
        for (unsigned i = lo; i < hi; i++) {
            s += data[i];
            sq += i * i;
        }
        partial[core] = s;
        partial_sq[core] = sq;
        counted[core] = hi - lo;
        synch_barrier();

        for (unsigned step = 1; step < n; step *= 2) {
            if (core % (2 * step) == 0 && core + step < n) {
                partial[core] += partial[core + step];
                partial_sq[core] += partial_sq[core + step];
            }
            synch_barrier();
        }

        uint32_t total = partial[0], total_sq = partial_sq[0];
        seen_total[core] = total;
        if (core == 0) {
            uint32_t expect = r * (N * (N - 1) / 2) + N;
            /* N(N-1)(2N-1)/6 exceeds 32 bits: the 32-bit sums wrap, compare modulo 2^32 */
            uint32_t expect_sq = (uint32_t)((uint64_t)N * (N - 1) * (2 * N - 1) / 6);
            uint32_t cnt = 0;
            for (unsigned c = 0; c < n; c++)
                cnt += counted[c];
            printf("round %u: %u cores, total %u (expected %u), squares %u (expected %u)\n",
                   r, n, (unsigned)total, (unsigned)expect, (unsigned)total_sq, (unsigned)expect_sq);
            if (cnt != N && !result)
                result = 40;
            if (total != expect && !result)
                result = 10 + (int)r;
            if (total_sq != expect_sq && !result)
                result = 20 + (int)r;
        }
        synch_barrier();
        if (core == 0) {
            for (unsigned c = 0; c < n; c++)
                if (seen_total[c] != total)
                    mismatch = 1;
        }
        synch_barrier();   /* nobody refills data[] or partial[] before everyone has read */
    }

    if (core != 0)
        return 0;
    if (!result && mismatch)
        result = 30;
    printf("reduction: %s\n", result ? "FAIL" : "PASS");
    return result;
}
