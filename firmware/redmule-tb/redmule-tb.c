/*
 * redmule-tb: a self-checking RedMulE test for the `redmule-tb` platform (docs/platform.md §8),
 * in the style of the upstream standalone test: one hart, RedMulE at 0x0010_0000, the
 * completion waking `wfi` (mip.MSIP), the error count written to 0x8000_0000 (the next
 * `wfi` ends the run with it as exit code) and text printed through 0x8000_0004.
 *
 * Two jobs, each: generate X, W, Y (xorshift32, fixed seeds), compute the golden Z with the
 * software reference of redmule.h (bit-exact binary16 FMA chains, integer arithmetic only,
 * so the same code runs on rv32imc and rv32imf), offload, sleep in `wfi`, compare every
 * element and count the differing ones.
 *   job 1: GEMM Float16  24 x 32 x 48   (2 x 3 output tiles)
 *   job 2: GEMM Float8   12 x 20 x 32   (N mod 16 = 4, FP8 layout)
 *
 * Offload (MMIO, default): soft clear, ACQUIRE until it returns a job id, X/W/Z, MCFG0,
 * MCFG1 and ARITH last, TRIGGER, wfi.
 * Offload (XIF, -DCOMPLEX_OFFLOADER): soft clear (MMIO), then `mcnfig` and `marith` (the
 * custom instructions; marith triggers the job), wfi.
 *
 * Build: make redmule-tb (in firmware/); run: pulpsim run --platform redmule-tb <elf>.
 * Exit code: the number of differing elements (0 = pass).
 */
#include <stdint.h>
#include "redmule.h"

#define TB_ERRORS (*(volatile uint32_t *)0x80000000u)
#define TB_PRINT  (*(volatile uint32_t *)0x80000004u)

/* ------------------------------------------------------------------ printing */

static void tb_putc(char c)
{
    TB_PRINT = (uint32_t)(uint8_t)c;
}

static void tb_puts(const char *s)
{
    while (*s)
        tb_putc(*s++);
}

static void tb_putdec(uint32_t v)
{
    char buf[12];
    int n = 0;
    do {
        buf[n++] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v);
    while (n)
        tb_putc(buf[--n]);
}

static void tb_puthex(uint32_t v, int digits)
{
    for (int i = digits - 1; i >= 0; i--)
        tb_putc("0123456789abcdef"[(v >> (4 * i)) & 15u]);
}

/* ------------------------------------------------------------------ data */

#define M1 24
#define N1 32
#define K1 48
#define M2 12
#define N2 20
#define K2 32

/* Every operand with room for RedMulE's over-reads (36-byte accesses, W rows up to N4 - 1). */
static uint8_t x1[M1 * N1 * 2 + 64] __attribute__((aligned(16)));
static uint8_t w1[N1 * K1 * 2 + 64] __attribute__((aligned(16)));
static uint8_t y1[M1 * K1 * 2 + 64] __attribute__((aligned(16)));
static uint8_t g1[M1 * K1 * 2] __attribute__((aligned(16)));
static uint8_t x2[M2 * N2 * 2 + 64] __attribute__((aligned(16)));
static uint8_t w2[N2 * K2 * 2 + 64] __attribute__((aligned(16)));
static uint8_t y2[M2 * K2 * 2 + 64] __attribute__((aligned(16)));
static uint8_t g2[M2 * K2 * 2] __attribute__((aligned(16)));

static uint32_t seed;

static uint32_t tb_rand(void)
{
    seed ^= seed << 13;
    seed ^= seed >> 17;
    seed ^= seed << 5;
    return seed;
}

/* Random finite value with unbiased exponent in [emin, emax], stored in the job's format. */
static void fill(uint8_t *buf, unsigned fmt, uint32_t rows, uint32_t cols, int emin, int emax)
{
    for (uint32_t r = 0; r < rows; r++)
        for (uint32_t c = 0; c < cols; c++) {
            uint32_t v = tb_rand();
            int e = emin + (int)((v >> 16) % (uint32_t)(emax - emin + 1));
            uint16_t h = (uint16_t)(((v & 1u) << 15) | ((uint32_t)(e + 15) << 10) | ((v >> 1) & 0x3FFu));
            redmule_put(buf, fmt, r, c, cols, h);
        }
}

/* ------------------------------------------------------------------ one job */

static uint32_t run_job(int job, uint8_t *x, uint8_t *w, uint8_t *y, uint8_t *golden, uint32_t m,
                        uint32_t n, uint32_t k, unsigned fmt)
{
    fill(x, fmt, m, n, -3, 1);
    fill(w, fmt, n, k, -3, 1);
    fill(y, fmt, m, k, -2, 2);
    redmule_ref(x, w, y, golden, m, n, k, REDMULE_GEMM, fmt);

    tb_puts("Job ");
    tb_putdec((uint32_t)job);
    tb_puts(": GEMM ");
    tb_puts(fmt == REDMULE_FLOAT16 ? "Float16 " : "Float8 ");
    tb_putdec(m);
    tb_putc('x');
    tb_putdec(n);
    tb_putc('x');
    tb_putdec(k);
    tb_puts(", triggering accelerator and going to sleep...\n");

    redmule_soft_clear();
#ifdef COMPLEX_OFFLOADER
    redmule_xif_mcnfig(m, n, k);
    if (fmt == REDMULE_FLOAT16)
        REDMULE_XIF_MARITH(x, w, y, REDMULE_GEMM, REDMULE_FLOAT16);
    else
        REDMULE_XIF_MARITH(x, w, y, REDMULE_GEMM, REDMULE_FLOAT8);
#else
    int id;
    while ((id = (int)redmule_read(REDMULE_ACQUIRE)) < 0)
        ;
    (void)id;
    redmule_cfg((uint32_t)(uintptr_t)x, (uint32_t)(uintptr_t)w, (uint32_t)(uintptr_t)y, m, n, k,
                REDMULE_GEMM, fmt);
    redmule_trigger();
#endif
    __asm__ volatile("wfi" ::: "memory");
    while (redmule_status() != 0)          /* in case the wake-up was not the completion */
        __asm__ volatile("wfi" ::: "memory");
    tb_puts("Resumed!\n");

    uint32_t errors = 0;
    for (uint32_t r = 0; r < m; r++)
        for (uint32_t c = 0; c < k; c++) {
            uint32_t got = redmule_get_raw(y, fmt, r, c, k), exp = redmule_get_raw(golden, fmt, r, c, k);
            if (got != exp) {
                if (errors < 8) {
                    tb_puts("  Z[");
                    tb_putdec(r);
                    tb_puts("][");
                    tb_putdec(c);
                    tb_puts("] = 0x");
                    tb_puthex(got, fmt == REDMULE_FLOAT16 ? 4 : 2);
                    tb_puts(", expected 0x");
                    tb_puthex(exp, fmt == REDMULE_FLOAT16 ? 4 : 2);
                    tb_putc('\n');
                }
                errors++;
            }
        }
    return errors;
}

int main(void)
{
    uint32_t errors = 0;
#ifdef COMPLEX_OFFLOADER
    tb_puts("redmule-tb (XIF offload)\n");
#else
    tb_puts("redmule-tb (MMIO offload)\n");
#endif
    seed = 0x2468ACE1u;
    errors += run_job(1, x1, w1, y1, g1, M1, N1, K1, REDMULE_FLOAT16);
    seed = 0x13579BDFu;
    errors += run_job(2, x2, w2, y2, g2, M2, N2, K2, REDMULE_FLOAT8);

    TB_ERRORS = errors;
    tb_puts("Terminated test with ");
    tb_putdec(errors);
    tb_puts(" errors. See you!\n");
    return (int)errors;
}
