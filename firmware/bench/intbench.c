/*
 * intbench: integer benchmark for the spike platform (single hart).
 *
 * Each iteration runs four self-checking parts:
 *   1. CRC-32 (IEEE, reflected 0xEDB88320) of an 8 KiB pseudo-random buffer, bitwise and
 *      table-driven; both must agree, also when the table version runs in chunks. Before
 *      the loop both must give the standard check value CRC-32("123456789") = 0xCBF43926.
 *   2. Sorting: quicksort of 4096 pseudo-random words and insertion sort of 384.
 *      The results must be ordered, keep the multiset checksums (sum, xor, sum of squares)
 *      and agree with each other on a common prefix input.
 *   3. 48x48 int32 matrix multiply (i-k-j order), checked against a dot-product
 *      recomputation with a transposed B and against the identities C*1 = A*(B*1) and
 *      1^T*C = (1^T*A)*B (exact in wrap-around arithmetic).
 *   4. A mul/div/rem mix: signed and unsigned division identities, 64-bit products
 *      (mulhu, mulh, mulhsu) against a 16-bit schoolbook product, Euclid's gcd against
 *      the binary gcd, and the division-by-zero and overflow results RISC-V defines.
 *
 * ITERATIONS sets the run length: about 4.0 million instructions per iteration (CRC 0.73,
 * sort 0.81, matmul 1.82, mul/div 0.64). It may be overridden with -DITERATIONS=n for a
 * short run. The exit code is 0 when all parts pass, otherwise that of the first failing
 * part: 1 CRC-32, 2 sort, 3 matmul, 4 mul/div.
 */
#include <stdint.h>

#include "bench.h"

#ifndef ITERATIONS
#define ITERATIONS 110
#endif

enum { FAIL_CRC = 1, FAIL_SORT = 2, FAIL_MATMUL = 3, FAIL_MULDIV = 4 };

/* ---------------------------------------------------------------- helpers */

static uint32_t rng_state;

static uint32_t xorshift32(void)
{
    uint32_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    rng_state = x;
    return x;
}

/* Mixes a part's result into the run signature, so every part's work is observable. */
static uint32_t signature;

static void mix(uint32_t v)
{
    signature = (signature ^ v) * 0x01000193u;
}

/* ---------------------------------------------------------------- 1. CRC-32 */

#define CRC_BYTES 8192
#define CRC_POLY 0xEDB88320u

static uint8_t crc_buf[CRC_BYTES];
static uint32_t crc_table[256];

static void crc_table_init(void)
{
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t c = n;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? (c >> 1) ^ CRC_POLY : c >> 1;
        crc_table[n] = c;
    }
}

/* Running forms: start with 0xFFFFFFFF, finish with ~. */
static uint32_t crc_bitwise(uint32_t crc, const uint8_t *p, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        crc ^= p[i];
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (CRC_POLY & -(crc & 1));
    }
    return crc;
}

static uint32_t crc_table_run(uint32_t crc, const uint8_t *p, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        crc = crc_table[(crc ^ p[i]) & 0xFF] ^ (crc >> 8);
    return crc;
}

static int check_crc_known(void)
{
    static const uint8_t check[9] = { '1', '2', '3', '4', '5', '6', '7', '8', '9' };
    if (~crc_bitwise(0xFFFFFFFFu, check, 9) != 0xCBF43926u)
        return 0;
    if (~crc_table_run(0xFFFFFFFFu, check, 9) != 0xCBF43926u)
        return 0;
    return 1;
}

static int part_crc(void)
{
    for (uint32_t i = 0; i < CRC_BYTES; i += 4) {
        uint32_t r = xorshift32();
        crc_buf[i] = (uint8_t)r;
        crc_buf[i + 1] = (uint8_t)(r >> 8);
        crc_buf[i + 2] = (uint8_t)(r >> 16);
        crc_buf[i + 3] = (uint8_t)(r >> 24);
    }
    uint32_t a = ~crc_bitwise(0xFFFFFFFFu, crc_buf, CRC_BYTES);
    uint32_t b = ~crc_table_run(0xFFFFFFFFu, crc_buf, CRC_BYTES);
    /* The table form again, in uneven chunks. */
    uint32_t c = 0xFFFFFFFFu;
    uint32_t off = 0, len = 1;
    while (off < CRC_BYTES) {
        uint32_t n = CRC_BYTES - off < len ? CRC_BYTES - off : len;
        c = crc_table_run(c, crc_buf + off, n);
        off += n;
        len = len * 3 + 1;
    }
    c = ~c;
    if (a != b || a != c)
        return 0;
    mix(a);
    return 1;
}

/* ---------------------------------------------------------------- 2. sorting */

#define QSORT_N 4096
#define ISORT_N 384

static uint32_t qs_data[QSORT_N];
static uint32_t is_data[ISORT_N];
static uint32_t qs_prefix[ISORT_N];

struct multiset_sum {
    uint32_t sum, xr, sq;
};

static void swap32(uint32_t *a, uint32_t *b)
{
    uint32_t t = *a;
    *a = *b;
    *b = t;
}

static void insertion_sort(uint32_t *a, int n)
{
    for (int i = 1; i < n; i++) {
        uint32_t v = a[i];
        int j = i - 1;
        while (j >= 0 && a[j] > v) {
            a[j + 1] = a[j];
            j--;
        }
        a[j + 1] = v;
    }
}

/* Median-of-three quicksort, recursing on the smaller side; short runs use insertion sort. */
static void quicksort(uint32_t *a, int lo, int hi)
{
    while (hi - lo > 16) {
        int mid = lo + (hi - lo) / 2;
        if (a[mid] < a[lo])
            swap32(&a[mid], &a[lo]);
        if (a[hi] < a[lo])
            swap32(&a[hi], &a[lo]);
        if (a[hi] < a[mid])
            swap32(&a[hi], &a[mid]);
        uint32_t pivot = a[mid];
        int i = lo, j = hi;
        while (i <= j) {
            while (a[i] < pivot)
                i++;
            while (a[j] > pivot)
                j--;
            if (i <= j) {
                swap32(&a[i], &a[j]);
                i++;
                j--;
            }
        }
        if (j - lo < hi - i) {
            quicksort(a, lo, j);
            lo = i;
        } else {
            quicksort(a, i, hi);
            hi = j;
        }
    }
    insertion_sort(a + lo, hi - lo + 1);
}

/* Forward pass over the unsorted data. */
static struct multiset_sum sums_forward(const uint32_t *a, int n)
{
    struct multiset_sum s = { 0, 0, 0 };
    for (int i = 0; i < n; i++) {
        s.sum += a[i];
        s.xr ^= a[i];
        s.sq += a[i] * a[i];
    }
    return s;
}

/* Backward pass over the sorted data, two elements at a time with separate accumulators. */
static struct multiset_sum sums_backward(const uint32_t *a, int n)
{
    uint32_t s0 = 0, s1 = 0, x0 = 0, x1 = 0, q0 = 0, q1 = 0;
    int i = n - 1;
    for (; i >= 1; i -= 2) {
        s0 += a[i];
        x0 ^= a[i];
        q0 += a[i] * a[i];
        s1 += a[i - 1];
        x1 ^= a[i - 1];
        q1 += a[i - 1] * a[i - 1];
    }
    if (i == 0) {
        s0 += a[0];
        x0 ^= a[0];
        q0 += a[0] * a[0];
    }
    struct multiset_sum s = { s0 + s1, x0 ^ x1, q0 + q1 };
    return s;
}

static int sorted(const uint32_t *a, int n)
{
    for (int i = 1; i < n; i++)
        if (a[i - 1] > a[i])
            return 0;
    return 1;
}

static int same_sums(struct multiset_sum a, struct multiset_sum b)
{
    return a.sum == b.sum && a.xr == b.xr && a.sq == b.sq;
}

static int part_sort(void)
{
    for (int i = 0; i < QSORT_N; i++)
        qs_data[i] = xorshift32() >> (i & 7); /* varied magnitudes, some duplicates */
    for (int i = 0; i < ISORT_N; i++) {
        is_data[i] = qs_data[i];
        qs_prefix[i] = qs_data[i];
    }
    struct multiset_sum before = sums_forward(qs_data, QSORT_N);
    struct multiset_sum before_is = sums_forward(is_data, ISORT_N);

    quicksort(qs_data, 0, QSORT_N - 1);
    insertion_sort(is_data, ISORT_N);
    quicksort(qs_prefix, 0, ISORT_N - 1);

    if (!sorted(qs_data, QSORT_N) || !sorted(is_data, ISORT_N))
        return 0;
    if (!same_sums(before, sums_backward(qs_data, QSORT_N)))
        return 0;
    if (!same_sums(before_is, sums_backward(is_data, ISORT_N)))
        return 0;
    for (int i = 0; i < ISORT_N; i++)
        if (is_data[i] != qs_prefix[i])
            return 0;
    mix(qs_data[0]);
    mix(qs_data[QSORT_N / 2]);
    mix(qs_data[QSORT_N - 1]);
    return 1;
}

/* ---------------------------------------------------------------- 3. matmul */

#define MN 48

static int32_t ma[MN][MN], mb[MN][MN], mbt[MN][MN], mc[MN][MN];

static int part_matmul(void)
{
    for (int i = 0; i < MN; i++)
        for (int j = 0; j < MN; j++) {
            ma[i][j] = (int32_t)xorshift32() >> 20; /* about +-2048 */
            mb[i][j] = (int32_t)xorshift32() >> 4;  /* large: products wrap */
        }

    /* C = A * B in i-k-j order. */
    for (int i = 0; i < MN; i++) {
        for (int j = 0; j < MN; j++)
            mc[i][j] = 0;
        for (int k = 0; k < MN; k++) {
            uint32_t aik = (uint32_t)ma[i][k];
            for (int j = 0; j < MN; j++)
                mc[i][j] = (int32_t)((uint32_t)mc[i][j] + aik * (uint32_t)mb[k][j]);
        }
    }

    /* Identity checks: C*1 = A*(B*1) and 1^T*C = (1^T*A)*B, all mod 2^32. */
    uint32_t brow[MN], acol[MN];
    for (int k = 0; k < MN; k++) {
        uint32_t s = 0, t = 0;
        for (int j = 0; j < MN; j++) {
            s += (uint32_t)mb[k][j];
            t += (uint32_t)ma[j][k];
        }
        brow[k] = s;
        acol[k] = t;
    }
    for (int i = 0; i < MN; i++) {
        uint32_t lhs = 0, rhs = 0, lhs2 = 0, rhs2 = 0;
        for (int j = 0; j < MN; j++) {
            lhs += (uint32_t)mc[i][j];
            lhs2 += (uint32_t)mc[j][i];
        }
        for (int k = 0; k < MN; k++) {
            rhs += (uint32_t)ma[i][k] * brow[k];
            rhs2 += acol[k] * (uint32_t)mb[k][i];
        }
        if (lhs != rhs || lhs2 != rhs2)
            return 0;
    }

    /* Element-wise recomputation as dot products with B transposed. */
    for (int i = 0; i < MN; i++)
        for (int j = 0; j < MN; j++)
            mbt[j][i] = mb[i][j];
    uint32_t trace = 0;
    for (int i = 0; i < MN; i++)
        for (int j = 0; j < MN; j++) {
            uint32_t s = 0;
            for (int k = 0; k < MN; k++)
                s += (uint32_t)ma[i][k] * (uint32_t)mbt[j][k];
            if (s != (uint32_t)mc[i][j])
                return 0;
            if (i == j)
                trace += s;
        }
    mix(trace);
    return 1;
}

/* ---------------------------------------------------------------- 4. mul/div mix */

#define MULDIV_N 2048

/* 32x32->64 unsigned product from 16-bit halves (no mulhu). */
static uint64_t mul_schoolbook(uint32_t a, uint32_t b)
{
    uint32_t al = a & 0xFFFF, ah = a >> 16, bl = b & 0xFFFF, bh = b >> 16;
    uint32_t ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
    uint32_t mid = (ll >> 16) + (lh & 0xFFFF) + (hl & 0xFFFF);
    uint32_t lo = (ll & 0xFFFF) | (mid << 16);
    uint32_t hi = hh + (lh >> 16) + (hl >> 16) + (mid >> 16);
    return ((uint64_t)hi << 32) | lo;
}

static uint32_t gcd_euclid(uint32_t a, uint32_t b)
{
    while (b) {
        uint32_t r = a % b;
        a = b;
        b = r;
    }
    return a;
}

static uint32_t gcd_binary(uint32_t a, uint32_t b)
{
    if (a == 0)
        return b;
    if (b == 0)
        return a;
    int shift = 0;
    while (((a | b) & 1) == 0) {
        a >>= 1;
        b >>= 1;
        shift++;
    }
    while ((a & 1) == 0)
        a >>= 1;
    while (b) {
        while ((b & 1) == 0)
            b >>= 1;
        if (a > b) {
            uint32_t t = a;
            a = b;
            b = t;
        }
        b -= a;
    }
    return a << shift;
}

enum { OP_DIV, OP_DIVU, OP_REM, OP_REMU };

/* The instruction itself, for operands where C leaves the result undefined. */
static uint32_t rv_op(int op, uint32_t a, uint32_t b)
{
    uint32_t r;
    switch (op) {
    case OP_DIV:
        __asm__ volatile("div %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
        break;
    case OP_DIVU:
        __asm__ volatile("divu %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
        break;
    case OP_REM:
        __asm__ volatile("rem %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
        break;
    default:
        __asm__ volatile("remu %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
        break;
    }
    return r;
}

static int part_muldiv(void)
{
    uint32_t acc = 0;
    for (int i = 0; i < MULDIV_N; i++) {
        uint32_t ua = xorshift32();
        uint32_t ub = xorshift32() >> (i & 31);
        if (ub == 0)
            ub = 1;
        int32_t sa = (int32_t)ua;
        int32_t sb = (int32_t)ub * ((i & 2) ? -1 : 1);

        /* Unsigned: a = q*b + r, r < b. */
        uint32_t uq = ua / ub, ur = ua % ub;
        if (uq * ub + ur != ua || ur >= ub)
            return 0;
        /* Signed, truncating: a = q*b + r, |r| < |b|, r has a's sign (or is 0). */
        int32_t sq = sa / sb, sr = sa % sb;
        if ((uint32_t)sq * (uint32_t)sb + (uint32_t)sr != (uint32_t)sa)
            return 0;
        uint32_t abs_r = sr < 0 ? -(uint32_t)sr : (uint32_t)sr;
        uint32_t abs_b = sb < 0 ? -(uint32_t)sb : (uint32_t)sb;
        if (abs_r >= abs_b || (sr != 0 && ((sr < 0) != (sa < 0))))
            return 0;

        /* 64-bit products: mulhu/mul against halves; mulh via the signed correction. */
        uint64_t up = (uint64_t)ua * ub;
        if (up != mul_schoolbook(ua, ub))
            return 0;
        int64_t sp = (int64_t)sa * sb;
        uint32_t hi_corr = (uint32_t)(mul_schoolbook((uint32_t)sa, (uint32_t)sb) >> 32)
                           - (sa < 0 ? (uint32_t)sb : 0) - (sb < 0 ? (uint32_t)sa : 0);
        if ((uint32_t)(sp >> 32) != hi_corr || (uint32_t)sp != (uint32_t)sa * (uint32_t)sb)
            return 0;
        int64_t sup = (int64_t)sa * (int64_t)ub; /* signed x unsigned: mulhsu */
        if ((uint32_t)(sup >> 32) != (uint32_t)(up >> 32) - (sa < 0 ? ub : 0))
            return 0;

        /* gcd two ways; the smaller operand keeps the binary form's loop short. */
        uint32_t ga = ua >> 8, gb = ub >> 4;
        uint32_t g = gcd_euclid(ga, gb);
        if (g != gcd_binary(ga, gb))
            return 0;
        if (g != 0 && (ga % g != 0 || gb % g != 0))
            return 0;

        acc += uq ^ (uint32_t)sq ^ ur ^ (uint32_t)(up >> 32) ^ g;
    }

    /* Division corner cases that RISC-V defines without trapping (undefined in C, so asm). */
    if (rv_op(OP_DIVU, 7, 0) != 0xFFFFFFFFu || rv_op(OP_REMU, 7, 0) != 7)
        return 0;
    if (rv_op(OP_DIV, 0x80000000u, 0xFFFFFFFFu) != 0x80000000u
        || rv_op(OP_REM, 0x80000000u, 0xFFFFFFFFu) != 0)
        return 0;
    if (rv_op(OP_DIV, 0x80000000u, 0) != 0xFFFFFFFFu
        || rv_op(OP_REM, 0x80000000u, 0) != 0x80000000u)
        return 0;
    mix(acc);
    return 1;
}

/* ---------------------------------------------------------------- main */

static int setup(void)
{
    rng_state = 0x9E3779B9u;
    signature = 0x811C9DC5u;
    crc_table_init();
    if (!check_crc_known()) {
        printf("intbench: FAIL crc32 check value\n");
        return FAIL_CRC;
    }
    return 0;
}

static const struct bench_part parts[] = {
    { "crc32", part_crc, FAIL_CRC },
    { "sort", part_sort, FAIL_SORT },
    { "matmul", part_matmul, FAIL_MATMUL },
    { "muldiv", part_muldiv, FAIL_MULDIV },
};

int main(void)
{
    int code = bench_run("intbench", parts, (int)(sizeof parts / sizeof parts[0]), ITERATIONS, setup);
    if (code)
        return code;
    printf("intbench: PASS iterations=%d signature=0x%08x\n", ITERATIONS, (unsigned)signature);
    bench_print_counts("intbench");
    return 0;
}
