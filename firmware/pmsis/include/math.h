/*
 * math.h for PMSIS programs: there is no C library. What is here is what the F extension
 * does in one instruction, so nothing needs libm:
 *   fabsf, sqrtf (fsqrt.s), fmaxf, fminf (fmax.s / fmin.s: IEEE 754-2008 maxNum / minNum),
 *   copysignf, fmaf (fmadd.s), fabs (double: clears the sign bit);
 *   INFINITY, NAN, HUGE_VALF, HUGE_VAL, isnan, isinf, isfinite, signbit.
 * sqrtf does not set errno (there is none).
 * Also expf (src/math.c: within 1 ulp, no errno), and the POSIX constants M_E, M_PI, ...
 * (double, as in the C libraries). logf, powf, tanhf, ... and the double functions are not
 * provided (some of TrainLib's layers need them; its matmul and conv2d tests do not).
 */
#ifndef PMSIS_MATH_H
#define PMSIS_MATH_H

#define INFINITY    (__builtin_inff())
#define NAN         (__builtin_nanf(""))
#define HUGE_VALF   (__builtin_huge_valf())
#define HUGE_VAL    (__builtin_huge_val())

#define M_E         2.7182818284590452354
#define M_LOG2E     1.4426950408889634074
#define M_LOG10E    0.43429448190325182765
#define M_LN2       0.69314718055994530942
#define M_LN10      2.30258509299404568402
#define M_PI        3.14159265358979323846
#define M_PI_2      1.57079632679489661923
#define M_PI_4      0.78539816339744830962
#define M_1_PI      0.31830988618379067154
#define M_2_PI      0.63661977236758134308
#define M_2_SQRTPI  1.12837916709551257390
#define M_SQRT2     1.41421356237309504880
#define M_SQRT1_2   0.70710678118654752440

#define isnan(x)    __builtin_isnan(x)
#define isinf(x)    __builtin_isinf(x)
#define isfinite(x) __builtin_isfinite(x)
#define signbit(x)  __builtin_signbit(x)

static inline float fabsf(float x)
{
    float r;
    __asm__("fabs.s %0, %1" : "=f"(r) : "f"(x));
    return r;
}

static inline float sqrtf(float x)
{
    float r;
    __asm__("fsqrt.s %0, %1" : "=f"(r) : "f"(x));
    return r;
}

static inline float fmaxf(float a, float b)
{
    float r;
    __asm__("fmax.s %0, %1, %2" : "=f"(r) : "f"(a), "f"(b));
    return r;
}

static inline float fminf(float a, float b)
{
    float r;
    __asm__("fmin.s %0, %1, %2" : "=f"(r) : "f"(a), "f"(b));
    return r;
}

static inline float copysignf(float a, float b)
{
    float r;
    __asm__("fsgnj.s %0, %1, %2" : "=f"(r) : "f"(a), "f"(b));
    return r;
}

static inline float fmaf(float a, float b, float c)
{
    float r;
    __asm__("fmadd.s %0, %1, %2, %3" : "=f"(r) : "f"(a), "f"(b), "f"(c));
    return r;
}

static inline double fabs(double x)
{
    union { double d; unsigned long long u; } v = { x };
    v.u &= ~(1ull << 63);
    return v.d;
}

/* e^x in single precision: +inf above ~88.72, +0 below ~-103.97, NaN for NaN. */
float expf(float x);

#endif /* PMSIS_MATH_H */
