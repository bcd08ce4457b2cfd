/* reference.h: plain RV32IM implementations of the bit-manipulation kernels (reference.c is
 * compiled without Zba/Zbb). */
#include <stdint.h>
uint32_t ref_clz(uint32_t x);
uint32_t ref_ctz(uint32_t x);
uint32_t ref_cpop(uint32_t x);
uint32_t ref_rol(uint32_t x, uint32_t n);
uint32_t ref_ror(uint32_t x, uint32_t n);
uint32_t ref_rev8(uint32_t x);
uint32_t ref_max(uint32_t a, uint32_t b);
uint32_t ref_minu(uint32_t a, uint32_t b);
uint32_t ref_sext(uint32_t x, int bits);
uint32_t ref_index(const uint16_t *h, const uint32_t *w, const uint64_t *d, uint32_t i);
