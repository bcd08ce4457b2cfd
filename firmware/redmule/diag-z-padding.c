/*
 * redmule-diag-z-padding: jobs with M mod 12 != 0. RedMulE computes whole 12-row tiles and
 * writes rows M .. 12*ceil(M/12)-1 of Z (at Z_ADDR + row*2*K) with stale data; pulpsim
 * writes 0xFF there (docs/platform.md §7.4, §7.6). The buffers leave room for those rows
 * (redmule_z_size).
 *
 * Job 1: GEMM Float16 20 x 32 x 32 (rows 20..23 overwritten); job 2: GEMM Float8 30 x 16 x 16
 * (rows 30..35). The program reads those rows to check them, before anything writes them:
 * pulpsim warns at that read, once per job (--redmule-padding=always: once, at job 1).
 *
 * pulpsim: two warnings, the run goes on. Exit 0 if both results match the reference, the
 * padding rows hold 0xFF and the bytes after them are unchanged; for job j: 10*j + 1 result
 * differs, 10*j + 2 a padding byte is not 0xFF, 10*j + 3 bytes after the padding rows changed.
 */
#include "example.h"

L1_BSS static uint8_t pool[12 * 1024] __attribute__((aligned(16)));
static uint8_t ref[36 * 32 * 2];

struct job { uint16_t m, n, k; uint8_t fmt; };
static const struct job jobs[] = { { 20, 32, 32, REDMULE_FLOAT16 }, { 30, 16, 16, REDMULE_FLOAT8 } };

int main(void)
{
    if (get_core_id() != 0)
        return 0;
    for (int j = 0; j < 2; j++) {
        uint32_t m = jobs[j].m, n = jobs[j].n, k = jobs[j].k;
        unsigned fmt = jobs[j].fmt;
        uint8_t *x, *w, *y;
        uint32_t ys = rm_setup_job(pool, m, n, k, fmt, 901 + j, &x, &w, &y);
        redmule_ref(x, w, y, ref, m, n, k, REDMULE_GEMM, fmt);
        redmule_gemm(x, w, y, m, n, k, REDMULE_GEMM, fmt);
        uint32_t bad = redmule_compare(y, ref, m, k, fmt, 4);
        uint32_t not_ff = 0;
        for (uint32_t i = m * 2 * k; i < ys; i++)
            not_ff += y[i] != 0xFF;
        int canary = rm_canary_ok(y + ys, 64);
        printf("diag-z-padding: %s M=%u N=%u K=%u: %u differ, rows %u..%u: %u bytes not 0xFF%s\n",
               rm_fmt_name(fmt), (unsigned)m, (unsigned)n, (unsigned)k, (unsigned)bad, (unsigned)m,
               (unsigned)(redmule_rows_padded(m) - 1), (unsigned)not_ff,
               canary ? "" : ", bytes after them changed");
        int code = 10 * (j + 1);
        if (bad)
            return code + 1;
        if (not_ff)
            return code + 2;
        if (!canary)
            return code + 3;
    }
    return 0;
}
