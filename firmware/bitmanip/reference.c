/* reference.c: bit-by-bit reference implementations, compiled for RV32IMFC without Zba/Zbb. */
#include "reference.h"

uint32_t ref_clz(uint32_t x) {
    uint32_t n = 0;
    for (int i = 31; i >= 0 && !((x >> i) & 1); i--) n++;
    return n;
}
uint32_t ref_ctz(uint32_t x) {
    uint32_t n = 0;
    for (int i = 0; i < 32 && !((x >> i) & 1); i++) n++;
    return n;
}
uint32_t ref_cpop(uint32_t x) {
    uint32_t n = 0;
    for (int i = 0; i < 32; i++) n += (x >> i) & 1;
    return n;
}
uint32_t ref_rol(uint32_t x, uint32_t n) {
    for (uint32_t i = 0; i < (n & 31); i++) x = (x << 1) | (x >> 31);
    return x;
}
uint32_t ref_ror(uint32_t x, uint32_t n) {
    for (uint32_t i = 0; i < (n & 31); i++) x = (x >> 1) | (x << 31);
    return x;
}
uint32_t ref_rev8(uint32_t x) {
    uint32_t r = 0;
    for (int i = 0; i < 4; i++) r |= ((x >> (8 * i)) & 0xFF) << (8 * (3 - i));
    return r;
}
uint32_t ref_max(uint32_t a, uint32_t b) {
    int sa = (int)(a >> 31), sb = (int)(b >> 31);
    if (sa != sb) return sa ? b : a;
    return a > b ? a : b;
}
uint32_t ref_minu(uint32_t a, uint32_t b) { return a < b ? a : b; }
uint32_t ref_sext(uint32_t x, int bits) {
    uint32_t m = 1u << (bits - 1);
    x &= (m << 1) - 1;
    return (x ^ m) - m;
}
uint32_t ref_index(const uint16_t *h, const uint32_t *w, const uint64_t *d, uint32_t i) {
    const uint8_t *hb = (const uint8_t *)h + i + i;
    const uint8_t *wb = (const uint8_t *)w + 4 * i;
    const uint8_t *db = (const uint8_t *)d + 8 * i;
    return *(const uint16_t *)hb + *(const uint32_t *)wb + *(const uint32_t *)db;
}
