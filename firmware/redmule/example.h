/*
 * example.h: helpers shared by the RedMulE examples on pulp-cluster (not part of the driver).
 *
 *   rm_srand(seed), rm_rand()                 xorshift32
 *   rm_rand_fp16(emin, emax)                  random finite FP16, random sign and mantissa,
 *                                             unbiased exponent in [emin, emax]
 *   rm_rand_elem(fmt, emin, emax)             the same in a job format (FP8: rounded)
 *   rm_special(fmt)                           one of +-0, +-inf, NaN, smallest subnormal,
 *                                             largest finite, 1, -1 (in the element format)
 *   rm_fill(buf, bytes, fmt, rows, cols, emin, emax, special_per_256)
 *                                             fill a matrix: the whole buffer with 0xA5 first
 *                                             (so unused FP8 bytes and padding are visible),
 *                                             then every element
 *   rm_canary_set(p, n), rm_canary_ok(p, n)   guard bytes after an output buffer
 *   rm_copy(dst, src, bytes)                  word copy (both 4-byte aligned, bytes % 4 == 0)
 *   rm_fmt_name(fmt), rm_op_name(op)
 *   rm_ref_team(...)                          the software reference on every started core,
 *                                             rows split, ending with a barrier (call it on
 *                                             every core)
 *   rm_setup_job(pool, m, n, k, fmt, seed, &x, &w, &y)
 *                                             lay X, W and Y/Z out one after the other in
 *                                             pool (16-byte aligned, room for the over-reads
 *                                             and the Z padding rows), fill them with random
 *                                             data and put 64 canary bytes after Z; returns
 *                                             the Y/Z buffer size
 *   rm_check_job(...)                         compare Z with the reference computed from
 *                                             saved inputs and check the canary; prints
 */
#ifndef REDMULE_EXAMPLE_H
#define REDMULE_EXAMPLE_H

#include "pulp.h"
#include "redmule.h"

static uint32_t rm_seed = 0x1234567u;

static inline void rm_srand(uint32_t seed)
{
    rm_seed = seed ? seed : 1u;
}

static inline uint32_t rm_rand(void)
{
    uint32_t x = rm_seed;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    rm_seed = x;
    return x;
}

static inline uint16_t rm_rand_fp16(int emin, int emax)
{
    uint32_t r = rm_rand();
    int e = emin + (int)((r >> 16) % (uint32_t)(emax - emin + 1));
    return (uint16_t)(((r & 1u) << 15) | ((uint32_t)(e + 15) << 10) | ((r >> 1) & 0x3FFu));
}

static inline uint32_t rm_rand_elem(unsigned fmt, int emin, int emax)
{
    return redmule_from_fp16(fmt, rm_rand_fp16(emin, emax));
}

static inline uint32_t rm_special(unsigned fmt)
{
    static const uint16_t fp16[] = { 0x0000, 0x8000, 0x7C00, 0xFC00, 0x7E00, 0x0001, 0x7BFF, 0x3C00, 0xBC00, 0xFBFF };
    static const uint8_t fp8[] = { 0x00, 0x80, 0x7C, 0xFC, 0x7E, 0x01, 0x7B, 0x3C, 0xBC, 0xFB };
    static const uint8_t fp8alt[] = { 0x00, 0x80, 0x78, 0xF8, 0x7C, 0x01, 0x77, 0x38, 0xB8, 0xF7 };
    uint32_t i = rm_rand() % 10u;
    if (fmt == REDMULE_FLOAT8)
        return fp8[i];
    if (fmt == REDMULE_FLOAT8ALT)
        return fp8alt[i];
    return fp16[i];
}

static inline void rm_fill(void *buf, uint32_t bytes, unsigned fmt, uint32_t rows, uint32_t cols,
                           int emin, int emax, uint32_t special_per_256)
{
    uint8_t *p = (uint8_t *)buf;
    for (uint32_t i = 0; i < bytes; i++)
        p[i] = 0xA5;
    for (uint32_t r = 0; r < rows; r++)
        for (uint32_t c = 0; c < cols; c++) {
            uint32_t v = (rm_rand() & 255u) < special_per_256 ? rm_special(fmt)
                                                              : rm_rand_elem(fmt, emin, emax);
            redmule_put_raw(buf, fmt, r, c, cols, v);
        }
}

#define RM_CANARY 0x5Au

static inline void rm_canary_set(void *p, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        ((volatile uint8_t *)p)[i] = RM_CANARY;
}

static inline int rm_canary_ok(const void *p, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if (((const volatile uint8_t *)p)[i] != RM_CANARY)
            return 0;
    return 1;
}

static inline void rm_copy(void *dst, const void *src, uint32_t bytes)
{
    uint32_t *d = (uint32_t *)dst;
    const uint32_t *s = (const uint32_t *)src;
    for (uint32_t i = 0; i < bytes / 4u; i++)
        d[i] = s[i];
}

static inline const char *rm_fmt_name(unsigned fmt)
{
    static const char *const names[] = { "Float8", "Float16", "Float8Alt", "Float16Alt" };
    return names[fmt & 3u];
}

static inline const char *rm_op_name(unsigned op)
{
    static const char *const names[] = { "MATMUL", "GEMM", "ADDMAX", "ADDMIN",
                                         "MULMAX", "MULMIN", "MAXMIN", "MINMAX" };
    return names[op & 7u];
}

/* Every started core computes its share of the reference rows, then all meet at a barrier. */
static inline void rm_ref_team(const void *x, const void *w, const void *y, void *z, uint32_t m,
                               uint32_t n, uint32_t k, unsigned op, unsigned fmt)
{
    unsigned core = get_core_id(), nc = get_core_num();
    uint32_t r0 = core * m / nc, r1 = (core + 1) * m / nc;
    redmule_ref_rows(x, w, y, z, m, n, k, op, fmt, r0, r1);
    synch_barrier();
}

static inline uint32_t rm_setup_job(uint8_t *pool, uint32_t m, uint32_t n, uint32_t k, unsigned fmt,
                                    uint32_t seed, uint8_t **x, uint8_t **w, uint8_t **y)
{
    *x = pool;
    *w = *x + ((redmule_matrix_size(m, n) + REDMULE_OVERREAD + 15) & ~15u);
    *y = *w + ((redmule_w_size(n, k) + REDMULE_OVERREAD + 15) & ~15u);
    uint32_t ysize = redmule_z_size(m, k);
    rm_srand(seed);
    rm_fill(*x, redmule_matrix_size(m, n), fmt, m, n, -3, 1, 0);
    rm_fill(*w, redmule_w_size(n, k), fmt, n, k, -3, 1, 0);
    rm_fill(*y, ysize, fmt, m, k, -2, 2, 0);
    rm_canary_set(*y + ysize, 64);
    return ysize;
}

/* 0 if Z (m x k at z, canary after ysize bytes) equals ref and the canary is intact. */
static inline int rm_check_job(const char *what, const void *z, uint32_t ysize, const void *ref,
                               uint32_t m, uint32_t k, unsigned fmt)
{
    uint32_t bad = redmule_compare(z, ref, m, k, fmt, 4);
    int canary = rm_canary_ok((const uint8_t *)z + ysize, 64);
    printf("%s: %u of %u elements differ from the reference%s\n", what, (unsigned)bad,
           (unsigned)(m * k), canary ? "" : ", bytes after Z changed");
    return bad || !canary;
}

#endif /* REDMULE_EXAMPLE_H */
