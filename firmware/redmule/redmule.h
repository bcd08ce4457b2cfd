/*
 * redmule.h: driver and software reference for the RedMulE matrix engine (docs/platform.md §7).
 *
 * One header, everything inline, usable on two platforms:
 *   pulp-cluster (default)    RedMulE at 0x1020_1000; completion raises event 12 (ACC0) in
 *                             the event unit of the core that wrote TRIGGER
 *   redmule-tb (-DREDMULE_TB) RedMulE at 0x0010_0000; completion sets mip.MSIP, which wakes
 *                             `wfi` (mie.MSIE must be set; crt0 of redmule-tb does it)
 * Define REDMULE_BASE before including to use another address (e.g. the alias 0x0020_1000).
 *
 * The engine computes, for every output element (m, k), one sequential chain in natural
 * order of n over N4 = N rounded up to a multiple of 4 (lanes N..N4-1 read as +0):
 *     acc = Y[m][k]   (MATMUL: +0)
 *     for n in 0 ..< N4: acc = op2(op1(X[m][n], W[n][k]), acc)
 * and overwrites Y with Z in place. All arithmetic is binary16, round to nearest even.
 *
 * ---------------------------------------------------------------------------- driver
 *   redmule_soft_clear()         SOFT_CLEAR = 0: abort, reset, zero the job registers.
 *                                Required before every job (a job triggered without one since
 *                                the previous job computes garbage on the RTL).
 *   redmule_acquire()            read ACQUIRE until it returns a job id (>= 0): on -1 (both
 *                                contexts busy) the core sleeps until a completion (event 12 /
 *                                wfi) and retries; on -2 (an ACQUIRE not yet committed by its
 *                                TRIGGER, i.e. another core is programming) it retries at once.
 *   redmule_cfg(x, w, z, m, n, k, op, fmt)
 *                                X_ADDR, W_ADDR, Z_ADDR, MCFG0 = K << 16 | M, MCFG1 = N and,
 *                                last, ARITH = op << 10 | fmt << 7 (ARITH starts the tile
 *                                computation: it must be the last job register written).
 *   redmule_trigger()            TRIGGER = 0: commit and start.
 *   redmule_status(), redmule_busy()   STATUS, STATUS != 0.
 *   redmule_wait()               while STATUS != 0, sleep on the completion event.
 *   redmule_offload(...)         soft clear, acquire, cfg, trigger; returns the job id.
 *   redmule_gemm(...)            redmule_offload then redmule_wait: one call, one job.
 *   redmule_priority_first()     (pulp-cluster) cluster control CLUSTER_CFG bit 8, the HCI's
 *                                invert_prio: RedMulE's TCDM requests win over the cores' and
 *                                the DMA's. Without it a core or DMA transfer using RedMulE's
 *                                banks while a job runs refuses its requests, which the RTL
 *                                does not survive at some points (the job never ends:
 *                                docs/platform.md §7.5).
 *   redmule_max_stall(n)         (pulp-cluster) CLUSTER_CFG bits 7:0, the HCI's
 *                                low_prio_max_stall: after n cycles in a row in which both
 *                                RedMulE and a core, external port or DMA port ask the TCDM,
 *                                the side with the lower priority has every bank for a cycle
 *                                (0, the reset value: never). Read when a job starts.
 *
 * XIF (custom instructions, every core; completion as above):
 *   redmule_xif_mcnfig(m, n, k)                   mcnfig: rs1 -> MCFG0, rs2 -> MCFG1
 *   REDMULE_XIF_MARITH(x, w, z, op, fmt)          marith: X, W, Z addresses from rs1, rs2, rs3;
 *                                                 the instruction word is ARITH; op and fmt
 *                                                 must be compile-time constants; triggers.
 *   REDMULE_XIF_GEMM(x, w, z, m, n, k, op, fmt)   soft clear (MMIO), mcnfig, marith, wait.
 *
 * ---------------------------------------------------------------------------- layout
 * Matrices are row-major with the FP16 row stride 2*cols bytes in every format. FP8 element
 * (r, c) lives at r*2*cols + 32*(c/16) + c%16 (bytes 16..31 of each 32-byte chunk are unused
 * and RedMulE writes them as 0 in Z).
 *   redmule_elem_offset(fmt, r, c, cols)   byte offset of an element
 *   redmule_matrix_size(rows, cols)        rows*2*cols (any format)
 *   redmule_rows_padded(m)                 12*ceil(m/12)
 *   redmule_z_size(m, k)                   12*ceil(M/12)*2*K: Y/Z buffer size; RedMulE reads Y
 *                                          and writes Z rows up to 12*ceil(M/12)-1, the rows
 *                                          past M with stale data (0xFF on pulpsim)
 *   redmule_w_size(n, k)                   N4*2*K: RedMulE reads W rows up to N4-1
 *   REDMULE_OVERREAD                       every access reads 36 bytes from addr & ~3: keep
 *                                          this many bytes of TCDM after each operand
 *   redmule_get(base, fmt, r, c, cols)     element as FP16 bits (FP8 converted exactly)
 *   redmule_put(base, fmt, r, c, cols, h)  store FP16 bits h as an element (rounded to FP8)
 *   redmule_get_raw / redmule_put_raw      the element's own bits (1 or 2 bytes)
 *
 * ---------------------------------------------------------------------------- numbers
 * Formats: REDMULE_FLOAT8 (E5M2, bias 15), REDMULE_FLOAT16, REDMULE_FLOAT8ALT (E4M3 with inf
 * 0x78 and NaN 0x7C, bias 7, max 240), REDMULE_FLOAT16ALT (not supported by the RTL).
 *   redmule_fp16_from_float(f), redmule_fp16_to_float(h)         exact / RNE, integer only
 *   redmule_fp8_to_fp16(b), redmule_fp16_to_fp8(h)               E5M2
 *   redmule_fp8alt_to_fp16(b), redmule_fp16_to_fp8alt(h)         E4M3 with inf
 *   redmule_to_fp16(fmt, raw), redmule_from_fp16(fmt, h)
 * FP8 -> FP16 is exact; FP16 -> FP8 rounds to nearest even, overflow -> inf, NaN -> the
 * canonical FP8 NaN (0x7E, 0x7C). Any NaN produced by the arithmetic is 0x7E00.
 *   redmule_fp16_fma(x, w, a)   x*w + a with ONE rounding, exact (integer arithmetic)
 *   redmule_fp16_add(a, b), redmule_fp16_mul(a, b)   (= fma(a, 1, b), fma(a, b, -0))
 *   redmule_fp16_min(a, b), redmule_fp16_max(a, b)   IEEE 754-2008 minNum/maxNum, -0 < +0
 *
 * Software reference (computes exactly what RedMulE computes, element by element):
 *   redmule_ref_elem(x, w, y, m, n, k, op, fmt, r, c)     one output element, FP16 bits
 *   redmule_ref_rows(x, w, y, z, m, n, k, op, fmt, r0, r1) rows r0..r1-1 of Z (z may be y)
 *   redmule_ref(x, w, y, z, m, n, k, op, fmt)              all of Z
 *   redmule_compare(z, ref, m, k, fmt, max_print)          number of differing elements,
 *                                                          prints the first max_print of them
 *                                                          (needs printf from printf.h)
 */
#ifndef REDMULE_H
#define REDMULE_H

#include <stdint.h>

/* ============================================================ registers */

#ifndef REDMULE_BASE
#ifdef REDMULE_TB
#define REDMULE_BASE            0x00100000u
#else
#define REDMULE_BASE            0x10201000u
#endif
#endif

#define REDMULE_TRIGGER         0x00
#define REDMULE_ACQUIRE         0x04
#define REDMULE_FINISHED        0x08
#define REDMULE_STATUS          0x0C
#define REDMULE_RUNNING_JOB     0x10
#define REDMULE_SOFT_CLEAR      0x14
#define REDMULE_X_ADDR          0x40
#define REDMULE_W_ADDR          0x44
#define REDMULE_Z_ADDR          0x48
#define REDMULE_MCFG0           0x4C
#define REDMULE_MCFG1           0x50
#define REDMULE_ARITH           0x54

/* Operations (ARITH[12:10]) */
#define REDMULE_MATMUL          0
#define REDMULE_GEMM            1
#define REDMULE_ADDMAX          2
#define REDMULE_ADDMIN          3
#define REDMULE_MULMAX          4
#define REDMULE_MULMIN          5
#define REDMULE_MAXMIN          6
#define REDMULE_MINMAX          7

/* Formats (ARITH[8:7]) */
#define REDMULE_FLOAT8          0
#define REDMULE_FLOAT16         1
#define REDMULE_FLOAT8ALT       2
#define REDMULE_FLOAT16ALT      3

#define REDMULE_EVENT           12          /* event line of the cluster event unit (ACC0) */
#define REDMULE_ARRAY_HEIGHT    12          /* rows of a tile */
#define REDMULE_TILE_K          16          /* columns of a tile */
#define REDMULE_OVERREAD        36

#define REDMULE_ARITH_VALUE(op, fmt) ((((uint32_t)(op) & 7u) << 10) | (((uint32_t)(fmt) & 3u) << 7))
#define REDMULE_MCFG0_VALUE(m, k)    ((((uint32_t)(k) & 0xFFFFu) << 16) | ((uint32_t)(m) & 0xFFFFu))

#define REDMULE_BARRIER() __asm__ volatile("" ::: "memory")

static inline void redmule_write(uint32_t offset, uint32_t value)
{
    REDMULE_BARRIER();
    *(volatile uint32_t *)(uintptr_t)(REDMULE_BASE + offset) = value;
    REDMULE_BARRIER();
}

static inline uint32_t redmule_read(uint32_t offset)
{
    REDMULE_BARRIER();
    uint32_t v = *(volatile uint32_t *)(uintptr_t)(REDMULE_BASE + offset);
    REDMULE_BARRIER();
    return v;
}

/* ============================================================ completion event */

#ifdef REDMULE_TB
/* redmule-tb: completion sets mip.MSIP, which wakes wfi (mie.MSIE set by crt0). */
static inline void redmule_sleep(void)
{
    __asm__ volatile("wfi" ::: "memory");
}
#else
#define REDMULE_EU_BASE         0x10204000u /* event unit, this core's view */
#define REDMULE_EU_EVT_MASK     0x00
#define REDMULE_EU_BUFFER       0x1C
#define REDMULE_EU_BUFFER_CLEAR 0x28
#define REDMULE_EU_WAIT_CLEAR   0x3C

static inline uint32_t redmule_eu_read(uint32_t offset)
{
    REDMULE_BARRIER();
    uint32_t v = *(volatile uint32_t *)(uintptr_t)(REDMULE_EU_BASE + offset);
    REDMULE_BARRIER();
    return v;
}

static inline void redmule_eu_write(uint32_t offset, uint32_t value)
{
    REDMULE_BARRIER();
    *(volatile uint32_t *)(uintptr_t)(REDMULE_EU_BASE + offset) = value;
    REDMULE_BARRIER();
}

/* Sleep until event 12 is in this core's event buffer, then clear it. The event mask is
 * replaced by 1 << 12 for the wait and restored after, so no other event is consumed. */
static inline void redmule_sleep(void)
{
    uint32_t saved = redmule_eu_read(REDMULE_EU_EVT_MASK);
    redmule_eu_write(REDMULE_EU_EVT_MASK, 1u << REDMULE_EVENT);
    (void)redmule_eu_read(REDMULE_EU_WAIT_CLEAR);
    redmule_eu_write(REDMULE_EU_EVT_MASK, saved);
}

/* Drop a completion event left in this core's buffer by an earlier job. */
static inline void redmule_event_clear(void)
{
    redmule_eu_write(REDMULE_EU_BUFFER_CLEAR, 1u << REDMULE_EVENT);
}
#endif

/* ============================================================ driver */

static inline void redmule_soft_clear(void)
{
    redmule_write(REDMULE_SOFT_CLEAR, 0);
}

#ifndef REDMULE_TB
/* Cluster control's CLUSTER_CFG: bits 10:0 are the HCI control, bit 8 invert_prio, bits 7:0
 * low_prio_max_stall. */
#define REDMULE_CLUSTER_CFG     0x10200018u
static inline void redmule_priority_first(void)
{
    volatile uint32_t *cfg = (volatile uint32_t *)(uintptr_t)REDMULE_CLUSTER_CFG;
    *cfg = *cfg | (1u << 8);
}
static inline void redmule_max_stall(uint32_t n)
{
    volatile uint32_t *cfg = (volatile uint32_t *)(uintptr_t)REDMULE_CLUSTER_CFG;
    *cfg = (*cfg & ~0xFFu) | (n & 0xFFu);
}
#endif

static inline uint32_t redmule_status(void)
{
    return redmule_read(REDMULE_STATUS);
}

static inline int redmule_busy(void)
{
    return redmule_status() != 0;
}

static inline int redmule_acquire(void)
{
    for (;;) {
        int id = (int)redmule_read(REDMULE_ACQUIRE);
        if (id >= 0)
            return id;
        if (id == -1)
            redmule_sleep();        /* both contexts hold jobs: wait for a completion */
    }
}

static inline void redmule_cfg(uint32_t x, uint32_t w, uint32_t z, uint32_t m, uint32_t n,
                               uint32_t k, unsigned op, unsigned fmt)
{
    redmule_write(REDMULE_X_ADDR, x);
    redmule_write(REDMULE_W_ADDR, w);
    redmule_write(REDMULE_Z_ADDR, z);
    redmule_write(REDMULE_MCFG0, REDMULE_MCFG0_VALUE(m, k));
    redmule_write(REDMULE_MCFG1, n & 0xFFFFu);
    redmule_write(REDMULE_ARITH, REDMULE_ARITH_VALUE(op, fmt)); /* last */
}

static inline void redmule_trigger(void)
{
    redmule_write(REDMULE_TRIGGER, 0);
}

static inline void redmule_wait(void)
{
    while (redmule_status() != 0)
        redmule_sleep();
}

/* Soft clear, acquire, configure and trigger; returns the job id without waiting. */
static inline int redmule_offload(const void *x, const void *w, void *y, uint32_t m, uint32_t n,
                                  uint32_t k, unsigned op, unsigned fmt)
{
    redmule_soft_clear();
    int id = redmule_acquire();
    redmule_cfg((uint32_t)(uintptr_t)x, (uint32_t)(uintptr_t)w, (uint32_t)(uintptr_t)y, m, n, k,
                op, fmt);
    redmule_trigger();
    return id;
}

/* Y = op(X, W, Y) in place (Y becomes Z), one job, returns when it has completed. */
static inline int redmule_gemm(const void *x, const void *w, void *y, uint32_t m, uint32_t n,
                               uint32_t k, unsigned op, unsigned fmt)
{
    int id = redmule_offload(x, w, y, m, n, k, op, fmt);
    redmule_wait();
    return id;
}

/* ============================================================ XIF */

/* mcnfig rs1, rs2 (custom-0, R-type): MCFG0 = rs1, MCFG1 = rs2. */
static inline void redmule_xif_mcnfig(uint32_t m, uint32_t n, uint32_t k)
{
    uint32_t mcfg0 = REDMULE_MCFG0_VALUE(m, k), mcfg1 = n & 0xFFFFu;
    __asm__ volatile(".insn r 0x0B, 0, 0, x0, %0, %1" : : "r"(mcfg0), "r"(mcfg1) : "memory");
}

/*
 * marith rs1, rs2, rs3 (custom-1, R4-type): X = rs1, W = rs2, Z = rs3, ARITH = the
 * instruction word, so op (bits 12:10) and format (bits 8:7) are encoded in the rd
 * (bits 11:7) and funct3 (bits 14:12) fields: rd = (op & 3) << 3 | fmt, funct3 = op >> 2.
 * RedMulE writes no register back. Triggers the job (no ACQUIRE).
 */
#define REDMULE_XIF_MARITH(x, w, z, op, fmt)                                                  \
    __asm__ volatile(".insn r4 0x2B, %3, 0, x%4, %0, %1, %2"                                  \
                     :                                                                        \
                     : "r"((uint32_t)(uintptr_t)(x)), "r"((uint32_t)(uintptr_t)(w)),          \
                       "r"((uint32_t)(uintptr_t)(z)), "n"(((op) >> 2) & 1),                   \
                       "n"((((op) & 3) << 3) | ((fmt) & 3))                                   \
                     : "memory")

#define REDMULE_XIF_GEMM(x, w, z, m, n, k, op, fmt)                                           \
    do {                                                                                      \
        redmule_soft_clear();                                                                 \
        redmule_xif_mcnfig((m), (n), (k));                                                    \
        REDMULE_XIF_MARITH((x), (w), (z), op, fmt);                                           \
        redmule_wait();                                                                       \
    } while (0)

/* ============================================================ layout */

static inline uint32_t redmule_rows_padded(uint32_t m)
{
    return (m + REDMULE_ARRAY_HEIGHT - 1) / REDMULE_ARRAY_HEIGHT * REDMULE_ARRAY_HEIGHT;
}

static inline uint32_t redmule_n4(uint32_t n)
{
    return (n + 3u) & ~3u;
}

static inline uint32_t redmule_matrix_size(uint32_t rows, uint32_t cols)
{
    return rows * 2u * cols;
}

static inline uint32_t redmule_z_size(uint32_t m, uint32_t k)
{
    return redmule_rows_padded(m) * 2u * k;
}

static inline uint32_t redmule_w_size(uint32_t n, uint32_t k)
{
    return redmule_n4(n) * 2u * k;
}

static inline uint32_t redmule_elem_offset(unsigned fmt, uint32_t r, uint32_t c, uint32_t cols)
{
    if (fmt == REDMULE_FLOAT8 || fmt == REDMULE_FLOAT8ALT)
        return r * 2u * cols + 32u * (c / 16u) + (c % 16u);
    return (r * cols + c) * 2u;
}

static inline int redmule_fmt_is_fp8(unsigned fmt)
{
    return fmt == REDMULE_FLOAT8 || fmt == REDMULE_FLOAT8ALT;
}

/* ============================================================ number formats */

static inline uint32_t redmule_float_bits(float f)
{
    union { float f; uint32_t u; } v;
    v.f = f;
    return v.u;
}

static inline float redmule_bits_float(uint32_t u)
{
    union { float f; uint32_t u; } v;
    v.u = u;
    return v.f;
}

static inline int redmule_clz64(uint64_t v)
{
    uint32_t hi = (uint32_t)(v >> 32);
    return hi ? __builtin_clz(hi) : 32 + __builtin_clz((uint32_t)v);
}

/*
 * Round (-1)^sign * mag * 2^e (mag != 0) to nearest even in a binary format with `ebits`
 * exponent bits, `mbits` mantissa bits and exponent bias `bias` (subnormals kept, overflow
 * to infinity = the all-ones exponent with a zero mantissa). Returns the encoding.
 */
static inline uint32_t redmule_round_pack(uint32_t sign, uint64_t mag, int e, int ebits, int mbits,
                                          int bias)
{
    int msb = 63 - redmule_clz64(mag);
    int k = msb + e;                    /* mag * 2^e is in [2^k, 2^(k+1)) */
    int emin = 1 - bias;                /* exponent of the smallest normal number */
    int lsb = (k > emin ? k : emin) - mbits;
    int shift = lsb - e;
    uint64_t m;
    if (shift <= 0) {
        m = mag << -shift;              /* exact */
    } else if (shift >= 64) {
        m = (shift == 64 && mag > (1ull << 63)) ? 1 : 0;
    } else {
        uint64_t rem = mag & ((1ull << shift) - 1), half = 1ull << (shift - 1);
        m = mag >> shift;
        if (rem > half || (rem == half && (m & 1)))
            m++;
    }
    if (m >> (mbits + 1)) {             /* rounding carried into the next binade */
        m >>= 1;
        lsb++;
    }
    uint32_t emax = (1u << ebits) - 1u;
    uint32_t s = sign << (ebits + mbits);
    if (m < (1ull << mbits))            /* subnormal (or zero) */
        return s | (uint32_t)m;
    uint32_t E = (uint32_t)(lsb + mbits + bias);
    if (E >= emax)
        return s | (emax << mbits);     /* infinity */
    return s | (E << mbits) | ((uint32_t)m & ((1u << mbits) - 1u));
}

#define REDMULE_FP16_NAN  0x7E00u
#define REDMULE_FP16_PINF 0x7C00u
#define REDMULE_FP16_ONE  0x3C00u
#define REDMULE_FP16_NZERO 0x8000u

static inline int redmule_fp16_isnan(uint16_t h)
{
    return (h & 0x7FFFu) > 0x7C00u;
}

/* Decode a finite FP16 into significand (hidden bit included) and exponent: h = sig * 2^exp. */
static inline uint32_t redmule_fp16_sig(uint16_t h)
{
    uint32_t E = (h >> 10) & 31u, m = h & 0x3FFu;
    return E ? (m | 0x400u) : m;
}

static inline int redmule_fp16_exp(uint16_t h)
{
    int E = (h >> 10) & 31;
    return (E ? E : 1) - 25;
}

static inline uint16_t redmule_fp16_from_float(float f)
{
    uint32_t u = redmule_float_bits(f);
    uint32_t s = u >> 31, E = (u >> 23) & 0xFFu, m = u & 0x7FFFFFu;
    if (E == 0xFFu)
        return m ? REDMULE_FP16_NAN : (uint16_t)((s << 15) | 0x7C00u);
    if (E == 0 && m == 0)
        return (uint16_t)(s << 15);
    uint32_t sig = E ? (m | 0x800000u) : m;
    int e = (E ? (int)E : 1) - 150;
    return (uint16_t)redmule_round_pack(s, sig, e, 5, 10, 15);
}

static inline float redmule_fp16_to_float(uint16_t h)
{
    uint32_t s = (uint32_t)(h >> 15) << 31, E = (h >> 10) & 31u, m = h & 0x3FFu;
    if (E == 31)
        return redmule_bits_float(s | 0x7F800000u | (m << 13));
    if (E == 0) {
        if (m == 0)
            return redmule_bits_float(s);
        int e = -14;                     /* normalise the subnormal */
        while (!(m & 0x400u)) {
            m <<= 1;
            e--;
        }
        m &= 0x3FFu;
        return redmule_bits_float(s | ((uint32_t)(e + 127) << 23) | (m << 13));
    }
    return redmule_bits_float(s | ((E - 15u + 127u) << 23) | (m << 13));
}

/* FP8 E5M2: the upper byte of an FP16. */
static inline uint16_t redmule_fp8_to_fp16(uint8_t b)
{
    return (uint16_t)((uint16_t)b << 8);
}

static inline uint8_t redmule_fp16_to_fp8(uint16_t h)
{
    uint32_t s = h >> 15;
    if (redmule_fp16_isnan(h))
        return 0x7E;
    if ((h & 0x7FFFu) == 0x7C00u)
        return (uint8_t)((s << 7) | 0x7Cu);
    if ((h & 0x7FFFu) == 0)
        return (uint8_t)(s << 7);
    return (uint8_t)redmule_round_pack(s, redmule_fp16_sig(h), redmule_fp16_exp(h), 5, 2, 15);
}

/* FP8 E4M3 with infinities (0x78) and NaN (0x7C canonical), bias 7, max finite 240. */
static inline uint16_t redmule_fp8alt_to_fp16(uint8_t b)
{
    uint32_t s = b >> 7, E = (b >> 3) & 15u, m = b & 7u;
    if (E == 15)
        return m ? REDMULE_FP16_NAN : (uint16_t)((s << 15) | 0x7C00u);
    if (E == 0 && m == 0)
        return (uint16_t)(s << 15);
    uint32_t sig = E ? (m | 8u) : m;
    int e = (E ? (int)E : 1) - 10;       /* value = sig * 2^(E - 7 - 3) */
    return (uint16_t)redmule_round_pack(s, sig, e, 5, 10, 15); /* exact */
}

static inline uint8_t redmule_fp16_to_fp8alt(uint16_t h)
{
    uint32_t s = h >> 15;
    if (redmule_fp16_isnan(h))
        return 0x7C;
    if ((h & 0x7FFFu) == 0x7C00u)
        return (uint8_t)((s << 7) | 0x78u);
    if ((h & 0x7FFFu) == 0)
        return (uint8_t)(s << 7);
    return (uint8_t)redmule_round_pack(s, redmule_fp16_sig(h), redmule_fp16_exp(h), 4, 3, 7);
}

static inline uint16_t redmule_to_fp16(unsigned fmt, uint32_t raw)
{
    if (fmt == REDMULE_FLOAT8)
        return redmule_fp8_to_fp16((uint8_t)raw);
    if (fmt == REDMULE_FLOAT8ALT)
        return redmule_fp8alt_to_fp16((uint8_t)raw);
    return (uint16_t)raw;
}

static inline uint32_t redmule_from_fp16(unsigned fmt, uint16_t h)
{
    if (fmt == REDMULE_FLOAT8)
        return redmule_fp16_to_fp8(h);
    if (fmt == REDMULE_FLOAT8ALT)
        return redmule_fp16_to_fp8alt(h);
    return h;
}

/* ============================================================ element access */

static inline uint32_t redmule_get_raw(const void *base, unsigned fmt, uint32_t r, uint32_t c,
                                       uint32_t cols)
{
    const uint8_t *p = (const uint8_t *)base + redmule_elem_offset(fmt, r, c, cols);
    if (redmule_fmt_is_fp8(fmt))
        return *p;
    return *(const uint16_t *)p;
}

static inline void redmule_put_raw(void *base, unsigned fmt, uint32_t r, uint32_t c, uint32_t cols,
                                   uint32_t raw)
{
    uint8_t *p = (uint8_t *)base + redmule_elem_offset(fmt, r, c, cols);
    if (redmule_fmt_is_fp8(fmt))
        *p = (uint8_t)raw;
    else
        *(uint16_t *)p = (uint16_t)raw;
}

static inline uint16_t redmule_get(const void *base, unsigned fmt, uint32_t r, uint32_t c,
                                   uint32_t cols)
{
    return redmule_to_fp16(fmt, redmule_get_raw(base, fmt, r, c, cols));
}

static inline void redmule_put(void *base, unsigned fmt, uint32_t r, uint32_t c, uint32_t cols,
                               uint16_t h)
{
    redmule_put_raw(base, fmt, r, c, cols, redmule_from_fp16(fmt, h));
}

/* ============================================================ binary16 arithmetic */

/*
 * x * w + a in binary16 with a single rounding (round to nearest even), computed exactly:
 * the product of two significands (< 2^22) is exact, both terms are aligned on a common
 * exponent in a 64-bit integer and the exact sum is rounded once. The only term that may not
 * fit is a product more than 2^40 times smaller than the addend's unit; it lies below every
 * rounding boundary near the addend, so only its sign matters and it is replaced by the
 * smallest value of that sign at 2^40 below the addend's unit.
 * NaN results are 0x7E00 (inf*0, inf-inf, any NaN operand).
 */
static inline uint16_t redmule_fp16_fma(uint16_t x, uint16_t w, uint16_t a)
{
    if (redmule_fp16_isnan(x) || redmule_fp16_isnan(w) || redmule_fp16_isnan(a))
        return REDMULE_FP16_NAN;
    uint32_t sp = (uint32_t)((x ^ w) >> 15), sa = a >> 15;
    int xinf = (x & 0x7FFFu) == 0x7C00u, winf = (w & 0x7FFFu) == 0x7C00u;
    int ainf = (a & 0x7FFFu) == 0x7C00u;
    int xzero = (x & 0x7FFFu) == 0, wzero = (w & 0x7FFFu) == 0, azero = (a & 0x7FFFu) == 0;
    if (xinf || winf) {
        if (xzero || wzero)
            return REDMULE_FP16_NAN;         /* inf * 0 */
        if (ainf && sa != sp)
            return REDMULE_FP16_NAN;         /* inf - inf */
        return (uint16_t)((sp << 15) | 0x7C00u);
    }
    if (ainf)
        return a;
    if (xzero || wzero) {                    /* exact +-0 product */
        if (!azero)
            return a;
        return (uint16_t)((sp & sa) << 15);  /* -0 + -0 = -0, otherwise +0 */
    }
    uint64_t mp = (uint64_t)(redmule_fp16_sig(x) * redmule_fp16_sig(w));
    int ep = redmule_fp16_exp(x) + redmule_fp16_exp(w);
    if (azero)
        return (uint16_t)redmule_round_pack(sp, mp, ep, 5, 10, 15);
    uint64_t ma = redmule_fp16_sig(a);
    int ea = redmule_fp16_exp(a);
    if (ea - ep > 40) {                      /* only the product's sign matters */
        mp = 1;
        ep = ea - 40;
    }
    int e = ep < ea ? ep : ea;
    uint64_t P = mp << (ep - e), A = ma << (ea - e);
    uint64_t mag;
    uint32_t s;
    if (sp == sa) {
        mag = P + A;
        s = sp;
    } else if (P >= A) {
        mag = P - A;
        s = sp;
    } else {
        mag = A - P;
        s = sa;
    }
    if (mag == 0)
        return 0;                            /* exact cancellation: +0 */
    return (uint16_t)redmule_round_pack(s, mag, e, 5, 10, 15);
}

static inline uint16_t redmule_fp16_add(uint16_t a, uint16_t b)
{
    return redmule_fp16_fma(a, REDMULE_FP16_ONE, b);
}

static inline uint16_t redmule_fp16_mul(uint16_t a, uint16_t b)
{
    return redmule_fp16_fma(a, b, REDMULE_FP16_NZERO);
}

/* Total order key for non-NaN FP16: -0 < +0. */
static inline int32_t redmule_fp16_key(uint16_t h)
{
    return (h & 0x8000u) ? -(int32_t)(h & 0x7FFFu) - 1 : (int32_t)h;
}

static inline uint16_t redmule_fp16_max(uint16_t a, uint16_t b)
{
    int na = redmule_fp16_isnan(a), nb = redmule_fp16_isnan(b);
    if (na && nb)
        return REDMULE_FP16_NAN;
    if (na)
        return b;
    if (nb)
        return a;
    return redmule_fp16_key(a) >= redmule_fp16_key(b) ? a : b;
}

static inline uint16_t redmule_fp16_min(uint16_t a, uint16_t b)
{
    int na = redmule_fp16_isnan(a), nb = redmule_fp16_isnan(b);
    if (na && nb)
        return REDMULE_FP16_NAN;
    if (na)
        return b;
    if (nb)
        return a;
    return redmule_fp16_key(a) <= redmule_fp16_key(b) ? a : b;
}

/* One step of the chain: acc = op2(op1(x, w), acc). */
static inline uint16_t redmule_step(unsigned op, uint16_t x, uint16_t w, uint16_t acc)
{
    switch (op) {
    case REDMULE_MATMUL:
    case REDMULE_GEMM:   return redmule_fp16_fma(x, w, acc);
    case REDMULE_ADDMAX: return redmule_fp16_max(redmule_fp16_add(x, w), acc);
    case REDMULE_ADDMIN: return redmule_fp16_min(redmule_fp16_add(x, w), acc);
    case REDMULE_MULMAX: return redmule_fp16_max(redmule_fp16_mul(x, w), acc);
    case REDMULE_MULMIN: return redmule_fp16_min(redmule_fp16_mul(x, w), acc);
    case REDMULE_MAXMIN: return redmule_fp16_min(redmule_fp16_max(x, w), acc);
    default:             return redmule_fp16_max(redmule_fp16_min(x, w), acc); /* MINMAX */
    }
}

/* ============================================================ software reference */

/* Z[r][c] as FP16 bits (before rounding to an FP8 output format). */
static inline uint16_t redmule_ref_elem(const void *x, const void *w, const void *y, uint32_t m,
                                        uint32_t n, uint32_t k, unsigned op, unsigned fmt,
                                        uint32_t r, uint32_t c)
{
    (void)m;
    uint16_t acc = op == REDMULE_MATMUL ? 0 : redmule_get(y, fmt, r, c, k);
    uint32_t n4 = redmule_n4(n);
    for (uint32_t i = 0; i < n4; i++) {
        uint16_t xv = 0, wv = 0;             /* padding lanes: +0 */
        if (i < n) {
            xv = redmule_get(x, fmt, r, i, n);
            wv = redmule_get(w, fmt, i, c, k);
        }
        acc = redmule_step(op, xv, wv, acc);
    }
    return acc;
}

/* Rows r0..r1-1 of Z = op(X, W, Y), stored in z in the job's format (z may be y). */
static inline void redmule_ref_rows(const void *x, const void *w, const void *y, void *z,
                                    uint32_t m, uint32_t n, uint32_t k, unsigned op, unsigned fmt,
                                    uint32_t r0, uint32_t r1)
{
    for (uint32_t r = r0; r < r1 && r < m; r++)
        for (uint32_t c = 0; c < k; c++)
            redmule_put(z, fmt, r, c, k, redmule_ref_elem(x, w, y, m, n, k, op, fmt, r, c));
}

static inline void redmule_ref(const void *x, const void *w, const void *y, void *z, uint32_t m,
                               uint32_t n, uint32_t k, unsigned op, unsigned fmt)
{
    redmule_ref_rows(x, w, y, z, m, n, k, op, fmt, 0, m);
}

#ifdef PRINTF_H
/* Number of elements of the M x K matrices z and ref that differ (bit for bit). */
static inline uint32_t redmule_compare(const void *z, const void *ref, uint32_t m, uint32_t k,
                                       unsigned fmt, uint32_t max_print)
{
    uint32_t bad = 0;
    for (uint32_t r = 0; r < m; r++)
        for (uint32_t c = 0; c < k; c++) {
            uint32_t a = redmule_get_raw(z, fmt, r, c, k), b = redmule_get_raw(ref, fmt, r, c, k);
            if (a != b) {
                if (bad < max_print)
                    printf("  Z[%u][%u] = 0x%04x, expected 0x%04x\n", (unsigned)r, (unsigned)c,
                           (unsigned)a, (unsigned)b);
                bad++;
            }
        }
    return bad;
}
#endif

#endif /* REDMULE_H */
