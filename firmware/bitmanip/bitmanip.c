/*
 * bitmanip: C kernels the compiler turns into Zba/Zbb instructions (sh1add..sh3add, andn, orn,
 * xnor, clz, ctz, cpop, min/max[u], sext.b/h, zext.h, rol/ror/rori, orc.b, rev8), checked
 * against reference implementations compiled without those extensions (reference.c).
 *
 * Built with -march=..._zba_zbb: run it with `pulpsim run --isa rv32imfc_zba_zbb`. Without
 * the option pulpsim's harts (like CV32E40P) do not decode them: illegal instruction.
 * Prints one line per kernel and a checksum; exits with the number of mismatches.
 */
#include <stdint.h>
#include "platform.h"
#include "printf.h"
#include "reference.h"

static uint32_t state = 0x12345678u;
static uint32_t next(void) {  /* xorshift32, fixed seed */
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    return state;
}

/* Values with many zero bytes and runs, so that clz/ctz/orc.b see their corner cases. */
static uint32_t value(void) {
    uint32_t v = next();
    switch (v & 7) {
    case 0: return 0;
    case 1: return v >> (v & 31);
    case 2: return v << (v & 31);
    case 3: return v & 0xFF00FF00u;
    default: return v;
    }
}

static __attribute__((noinline)) uint32_t k_clz(uint32_t x) { return x ? (uint32_t)__builtin_clz(x) : 32; }
static __attribute__((noinline)) uint32_t k_ctz(uint32_t x) { return x ? (uint32_t)__builtin_ctz(x) : 32; }
static __attribute__((noinline)) uint32_t k_cpop(uint32_t x) { return (uint32_t)__builtin_popcount(x); }
static __attribute__((noinline)) uint32_t k_rol(uint32_t x, uint32_t n) { return (x << (n & 31)) | (x >> ((32 - n) & 31)); }
static __attribute__((noinline)) uint32_t k_ror7(uint32_t x) { return (x >> 7) | (x << 25); }
static __attribute__((noinline)) uint32_t k_rev8(uint32_t x) { return __builtin_bswap32(x); }
static __attribute__((noinline)) int32_t k_max(int32_t a, int32_t b) { return a > b ? a : b; }
static __attribute__((noinline)) uint32_t k_minu(uint32_t a, uint32_t b) { return a < b ? a : b; }
static __attribute__((noinline)) uint32_t k_andn(uint32_t a, uint32_t b) { return a & ~b; }
static __attribute__((noinline)) uint32_t k_orn(uint32_t a, uint32_t b) { return a | ~b; }
static __attribute__((noinline)) uint32_t k_xnor(uint32_t a, uint32_t b) { return ~(a ^ b); }
static __attribute__((noinline)) int32_t k_sextb(uint32_t x) { return (int8_t)x; }
static __attribute__((noinline)) int32_t k_sexth(uint32_t x) { return (int16_t)x; }
static __attribute__((noinline)) uint32_t k_zexth(uint32_t x) { return (uint16_t)x; }
/* Indexing arrays of 2-, 4- and 8-byte elements: sh1add, sh2add, sh3add. */
static __attribute__((noinline)) uint32_t k_index(const uint16_t *h, const uint32_t *w, const uint64_t *d, uint32_t i) {
    return h[i] + w[i] + (uint32_t)d[i];
}

static uint16_t halves[64];
static uint32_t words[64];
static uint64_t doubles[64];

int main(void) {
    int errors = 0;
    uint32_t checksum = 0;
    for (int i = 0; i < 64; i++) {
        halves[i] = (uint16_t)next();
        words[i] = next();
        doubles[i] = ((uint64_t)next() << 32) | next();
    }
    static const char *names[] = {"clz", "ctz", "cpop", "rol", "ror", "rev8", "max", "minu",
                                  "andn", "orn", "xnor", "sext.b", "sext.h", "zext.h", "index"};
    int bad[15] = {0};
    for (int n = 0; n < 2000; n++) {
        uint32_t a = value(), b = value();
        uint32_t got[15] = {
            k_clz(a), k_ctz(a), k_cpop(a), k_rol(a, b), k_ror7(a), k_rev8(a), (uint32_t)k_max((int32_t)a, (int32_t)b),
            k_minu(a, b), k_andn(a, b), k_orn(a, b), k_xnor(a, b), (uint32_t)k_sextb(a), (uint32_t)k_sexth(a),
            k_zexth(a), k_index(halves, words, doubles, a & 63)};
        uint32_t want[15] = {
            ref_clz(a), ref_ctz(a), ref_cpop(a), ref_rol(a, b), ref_ror(a, 7), ref_rev8(a), ref_max(a, b),
            ref_minu(a, b), a & ~b, a | ~b, ~(a ^ b), ref_sext(a, 8), ref_sext(a, 16), a & 0xFFFF,
            ref_index(halves, words, doubles, a & 63)};
        for (int k = 0; k < 15; k++) {
            checksum = checksum * 31 + got[k];
            if (got[k] != want[k]) {
                if (bad[k]++ == 0)
                    printf("%s(0x%08x, 0x%08x) = 0x%08x, expected 0x%08x\n", names[k], (unsigned)a, (unsigned)b, (unsigned)got[k], (unsigned)want[k]);
                errors++;
            }
        }
    }
    for (int k = 0; k < 15; k++) printf("%-7s %s\n", names[k], bad[k] ? "FAIL" : "ok");
    printf("bitmanip: checksum 0x%08x, %d mismatches\n", (unsigned)checksum, errors);
    return errors;
}
