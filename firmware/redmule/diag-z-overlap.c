/*
 * redmule-diag-z-overlap: Z overlaps X (Z_ADDR = X_ADDR, i.e. Z = X * W + X computed in place
 * over X; square 24 x 24 x 24). On the RTL the result depends on when each X row is read
 * relative to the Z writes (docs/platform.md §7.6).
 *
 * pulpsim: error -> exit 122. With --redmule-errors=warn the job is computed as intended,
 * from the inputs as they were at the trigger: exit 0 if the result matches that reference,
 * 1 if not.
 */
#include "example.h"

#define D 24

L1_BSS static uint8_t pool[8 * 1024] __attribute__((aligned(16)));
static uint8_t x0[D * D * 2], ref[D * D * 2];

int main(void)
{
    if (get_core_id() != 0)
        return 0;
    uint8_t *x, *w, *y;
    rm_setup_job(pool, D, D, D, REDMULE_FLOAT16, 701, &x, &w, &y);
    rm_copy(x0, x, sizeof(x0));
    redmule_ref(x0, w, x0, ref, D, D, D, REDMULE_GEMM, REDMULE_FLOAT16);   /* Y = X */
    printf("diag-z-overlap: GEMM Float16 %dx%dx%d with Z = X at 0x%08x\n", D, D, D,
           (unsigned)(uintptr_t)x);
    redmule_gemm(x, w, x, D, D, D, REDMULE_GEMM, REDMULE_FLOAT16);
    uint32_t bad = redmule_compare(x, ref, D, D, REDMULE_FLOAT16, 4);
    printf("diag-z-overlap: %u of %u elements differ from the reference\n", (unsigned)bad, D * D);
    return bad ? 1 : 0;
}
