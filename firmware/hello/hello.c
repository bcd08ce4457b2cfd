/*
 * hello: the smallest useful firmware. Prints a greeting, a few computed values (integer,
 * 64-bit and single-precision float) and returns 0, which crt0 turns into exit code 0.
 */
#include "platform.h"

#ifdef PLATFORM_PULP
/* The single-hart greeting: only core 0 runs main (see hello-cluster for all 8 harts). */
__asm__(".globl __main_harts\n.set __main_harts, 1");
#endif
#include "printf.h"

/* Newton's method for sqrt(2) in single precision (fadd/fmul/fdiv). */
static float sqrt2(void)
{
    float x = 1.0f;
    for (int i = 0; i < 6; i++)
        x = 0.5f * (x + 2.0f / x);
    return x;
}

int main(void)
{
    printf("Hello from hart %u of pulpsim!\n", plat_hartid());

    unsigned sum = 0;
    for (unsigned i = 1; i <= 100; i++)
        sum += i * i;
    printf("platform %s: sum of squares 1..100 = %u (0x%08x)\n", PLATFORM_NAME, sum, sum);

    unsigned long long fact = 1;
    for (unsigned i = 2; i <= 20; i++)
        fact *= i;
    printf("20! = %llu, -12345 = %d, |%-6s|%6s|\n", fact, -12345, "left", "right");

    float r = sqrt2();
    printf("sqrt(2) ~ %f (%.9f), pi ~ %.4f\n", r, r, 3.14159265f);

    return sum == 338350 && fact == 2432902008176640000ull ? 0 : 1;
}
