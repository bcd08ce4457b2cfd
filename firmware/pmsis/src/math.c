/*
 * The math functions of include/math.h that are not a single F-extension instruction.
 *
 * expf(x): x = k*ln2 + r with k the nearest integer to x/ln2 and |r| <= ln2/2 (ln2 split in a
 * high part with trailing zero bits, so that k*LN2_HI is exact, and a low part); e^r by its
 * Taylor series to r^7 (truncation below 6e-9 relative on that interval); then e^x = e^r * 2^k,
 * 2^k applied as two powers of two so that results near the overflow and in the subnormal
 * range come out right.
 */
#include <math.h>
#include <stdint.h>

#define EXPF_MAX    88.72283172607421875f   /* 0x42B17217: the largest x with a finite e^x */
#define EXPF_MIN    -103.972076416015625f   /* 0xC2CFF1B4: the smallest x with e^x > 0 */
#define LOG2E_F     1.44269502162933349609f
#define LN2_HI      0.693145751953125f      /* 0x3F317200: 16 significant bits */
#define LN2_LO      1.42860682030941723212e-6f

static float pow2i(int n)                   /* 2^n for -126 <= n <= 127 */
{
    union { uint32_t u; float f; } v = { (uint32_t)(n + 127) << 23 };
    return v.f;
}

float expf(float x)
{
    if (x != x)
        return x + x;                       /* NaN */
    if (x > EXPF_MAX)
        return INFINITY;
    if (x < EXPF_MIN)
        return 0.0f;

    float t = x * LOG2E_F;
    int k = (int)(t < 0.0f ? t - 0.5f : t + 0.5f);
    float r = (x - (float)k * LN2_HI) - (float)k * LN2_LO;

    float p = 1.0f / 5040.0f;
    p = p * r + 1.0f / 720.0f;
    p = p * r + 1.0f / 120.0f;
    p = p * r + 1.0f / 24.0f;
    p = p * r + 1.0f / 6.0f;
    p = p * r + 0.5f;
    p = p * r + 1.0f;
    p = p * r + 1.0f;

    int k1 = k / 2;                         /* k in [-150, 128]: both halves in range */
    return p * pow2i(k1) * pow2i(k - k1);
}
