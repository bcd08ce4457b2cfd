/*
 * math.h for PMSIS programs: there is no C library. What is here is what the F extension
 * does in one instruction, so nothing needs libm:
 *   fabsf, sqrtf (fsqrt.s), fmaxf, fminf (fmax.s / fmin.s: IEEE 754-2008 maxNum / minNum),
 *   copysignf, fmaf (fmadd.s), fabs (double: clears the sign bit);
 *   INFINITY, NAN, HUGE_VALF, HUGE_VAL, isnan, isinf, isfinite, signbit.
 * sqrtf does not set errno (there is none). expf, logf, powf, tanhf, ... and the double
 * functions are not provided (TrainLib's activation and normalisation layers need some of
 * them; its test_matmul does not).
 */
#ifndef PMSIS_MATH_H
#define PMSIS_MATH_H

#define INFINITY    (__builtin_inff())
#define NAN         (__builtin_nanf(""))
#define HUGE_VALF   (__builtin_huge_valf())
#define HUGE_VAL    (__builtin_huge_val())

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

#endif /* PMSIS_MATH_H */
