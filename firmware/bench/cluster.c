/* Cluster benchmark: compute-bound integer work on every started hart (pulp-cluster).
 * Each hart runs the same kernels on its own data (CRC-32 over a buffer, an integer
 * matrix-vector product, a mul/div mix) and checks its own result against a reference computed
 * differently; all meet at a barrier and hart 0 reports. Built with -DSOLO, only hart 0 works
 * while the others sleep in the event unit (to measure what sleeping harts cost). */
#include "pulp.h"
#include "printf.h"

#ifndef ITERATIONS
#define ITERATIONS 40
#endif
#define WORDS 1024
#define DIM 32

static uint32_t buffers[8][WORDS];
static int32_t matrices[8][DIM * DIM];
static volatile uint32_t failures;

static uint32_t crc32_bitwise(const uint8_t *p, unsigned n) {
    uint32_t crc = 0xFFFFFFFFu;
    for (unsigned i = 0; i < n; i++) {
        crc ^= p[i];
        for (int b = 0; b < 8; b++) crc = (crc >> 1) ^ (0xEDB88320u & -(crc & 1));
    }
    return ~crc;
}

static uint32_t crc32_nibble(const uint8_t *p, unsigned n) {
    static const uint32_t table[16] = {
        0x00000000, 0x1DB71064, 0x3B6E20C8, 0x26D930AC, 0x76DC4190, 0x6B6B51F4, 0x4DB26158, 0x5005713C,
        0xEDB88320, 0xF00F9344, 0xD6D6A3E8, 0xCB61B38C, 0x9B64C2B0, 0x86D3D2D4, 0xA00AE278, 0xBDBDF21C};
    uint32_t crc = 0xFFFFFFFFu;
    for (unsigned i = 0; i < n; i++) {
        crc ^= p[i];
        crc = (crc >> 4) ^ table[crc & 15];
        crc = (crc >> 4) ^ table[crc & 15];
    }
    return ~crc;
}

static unsigned work(unsigned core) {
    uint32_t *buf = buffers[core];
    int32_t *m = matrices[core];
    uint32_t x = 0x9E3779B9u * (core + 1);
    for (unsigned i = 0; i < WORDS; i++) { x ^= x << 13; x ^= x >> 17; x ^= x << 5; buf[i] = x; }
    for (unsigned i = 0; i < DIM * DIM; i++) m[i] = (int32_t)(buf[i] & 0xFF) - 128;
    unsigned bad = 0;
    for (unsigned it = 0; it < ITERATIONS; it++) {
        if (crc32_bitwise((const uint8_t *)buf, 256) != crc32_nibble((const uint8_t *)buf, 256)) bad |= 1;
        /* y = M v, checked against sum(y) = (1^T M) v */
        int32_t v[DIM], y[DIM], colsum[DIM];
        for (unsigned j = 0; j < DIM; j++) { v[j] = (int32_t)(buf[(it + j) % WORDS] % 201) - 100; colsum[j] = 0; }
        int32_t total = 0;
        for (unsigned i = 0; i < DIM; i++) {
            int32_t s = 0;
            for (unsigned j = 0; j < DIM; j++) { s += m[i * DIM + j] * v[j]; colsum[j] += m[i * DIM + j]; }
            y[i] = s; total += s;
        }
        int32_t check = 0;
        for (unsigned j = 0; j < DIM; j++) check += colsum[j] * v[j];
        if (check != total) bad |= 2;
        /* q*b + r == a */
        for (unsigned i = 0; i < 64; i++) {
            int32_t a = (int32_t)buf[i + it], b = (int32_t)(buf[i + 1] | 1) >> (i & 15);
            if (b == 0) b = 7;
            if ((a / b) * b + a % b != a) bad |= 4;
        }
        buf[it % WORDS] ^= (uint32_t)y[it % DIM];
    }
    return bad;
}

int main(void) {
    unsigned core = get_core_id();
#ifdef SOLO
    if (core != 0) {
        eu_evt_mask_set(0);
        for (;;) eu_evt_waitAndClr();  /* sleeps forever in the event unit */
    }
#endif
    unsigned bad = work(core);
    if (bad) { mutex_lock(0); failures |= bad << (4 * core); mutex_unlock(0); }
#ifndef SOLO
    synch_barrier();
#endif
    if (core == 0) {
        printf("cluster bench (%s): %d harts, failures 0x%08lx\n",
#ifdef SOLO
               "solo",
#else
               "all harts",
#endif
               get_core_num(), failures);
        return failures ? 1 : 0;
    }
    return 0;
}
