/* Firmware for the GDB session test: every hart runs main; hart 0 offloads one FP16 GEMM
 * (12x16x16, X = W = 1.0, Y = 0, so every Z element is 16.0 = 0x4c00) to RedMulE and sleeps on
 * event 12 until it completes; the other harts wait at a barrier. Exit code 0 if Z is right. */
#include "pulp.h"
#include <stdint.h>

#define M 12
#define N 16
#define K 16
#define RM(o) (*(volatile uint32_t *)(0x10201000u + (o)))

L1_DATA uint16_t X[M * N];
L1_DATA uint16_t W[N * K];
L1_DATA uint16_t Z[M * K];
volatile int checked;

int main(void)
{
    unsigned core = get_core_id();
    if (core == 0) {
        for (int i = 0; i < M * N; i++) X[i] = 0x3c00;
        for (int i = 0; i < N * K; i++) W[i] = 0x3c00;
        for (int i = 0; i < M * K; i++) Z[i] = 0;
        RM(0x14) = 0;                       /* SOFT_CLEAR */
        while ((int32_t)RM(0x04) < 0) ;     /* ACQUIRE */
        RM(0x40) = (uint32_t)X; RM(0x44) = (uint32_t)W; RM(0x48) = (uint32_t)Z;
        RM(0x4C) = (K << 16) | M; RM(0x50) = N;
        RM(0x54) = (1 << 10) | (1 << 7);    /* GEMM, Float16 (ARITH last) */
        eu_evt_mask_or(1 << 12);
        RM(0x00) = 0;                       /* TRIGGER */
        while (RM(0x0C) != 0) eu_evt_waitAndClr();
        int bad = 0;
        for (int i = 0; i < M * K; i++) bad += Z[i] != 0x4c00;
        checked = bad;
    }
    synch_barrier();
    return core == 0 ? checked : 0;
}
