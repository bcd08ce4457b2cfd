/*
 * bench.h: the loop every single-hart benchmark runs (intbench, fpbench, listbench).
 *
 *   bench_run(name, parts, count, iterations, setup)
 *       reads the cycle and instret counters, calls setup() (a non-zero result ends the run
 *       with that exit code; setup prints why), then runs every part in order,
 *       `iterations` times; the first part that returns 0 ends the run with
 *       "<name>: FAIL <what> (iteration <i>)" and its exit code. Otherwise it keeps the
 *       counts in `bench_result` and returns 0; the caller prints PASS with its signature,
 *       then bench_print_counts(name): "<name>: instret=<n> cycles=<c>".
 */
#ifndef BENCH_H
#define BENCH_H

#include "platform.h"
#include "printf.h"

struct bench_part {
    const char *what;
    int (*run)(void);
    int fail;
};

struct bench_counts {
    unsigned long long instret, cycles;
};

static struct bench_counts bench_result;

static int bench_run(const char *name, const struct bench_part *parts, int count, int iterations,
                     int (*setup)(void))
{
    unsigned long long c0 = plat_cycles64();
    unsigned long long t0 = plat_instret64();
    int code = setup();
    if (code)
        return code;
    for (int it = 0; it < iterations; it++)
        for (int p = 0; p < count; p++)
            if (!parts[p].run()) {
                printf("%s: FAIL %s (iteration %d)\n", name, parts[p].what, it);
                return parts[p].fail;
            }
    bench_result.instret = plat_instret64() - t0;
    bench_result.cycles = plat_cycles64() - c0;
    return 0;
}

static void bench_print_counts(const char *name)
{
    printf("%s: instret=%llu cycles=%llu\n", name, bench_result.instret, bench_result.cycles);
}

#endif
