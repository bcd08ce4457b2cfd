/*
 * redmule-diag-queued-trigger: a second job acquired, configured and triggered while the
 * first one is still running (the second context; on the RTL the queued job never starts;
 * docs/platform.md §7.6).
 *
 * Job 1: GEMM Float16 48 x 64 x 48 (about 3000 cycles). Job 2: GEMM Float16 24 x 32 x 32 on
 * other buffers, triggered right after job 1.
 *
 * pulpsim: error at the second TRIGGER -> exit 122. With --redmule-errors=warn both jobs are
 * computed: exit 0 if both match the reference, 1 job 1 differs, 2 job 2 differs,
 * 3 the second ACQUIRE did not return job id 1, 4 job 1 had already finished when job 2 was
 * triggered (the test did not test what it should).
 */
#include "example.h"

L1_BSS static uint8_t pool1[20 * 1024] __attribute__((aligned(16)));
L1_BSS static uint8_t pool2[8 * 1024] __attribute__((aligned(16)));
static uint8_t ref1[48 * 48 * 2], ref2[24 * 32 * 2];

int main(void)
{
    if (get_core_id() != 0)
        return 0;
    uint8_t *x1, *w1, *y1, *x2, *w2, *y2;
    uint32_t ys1 = rm_setup_job(pool1, 48, 64, 48, REDMULE_FLOAT16, 201, &x1, &w1, &y1);
    uint32_t ys2 = rm_setup_job(pool2, 24, 32, 32, REDMULE_FLOAT16, 202, &x2, &w2, &y2);
    redmule_ref(x1, w1, y1, ref1, 48, 64, 48, REDMULE_GEMM, REDMULE_FLOAT16);
    redmule_ref(x2, w2, y2, ref2, 24, 32, 32, REDMULE_GEMM, REDMULE_FLOAT16);

    redmule_soft_clear();
    int id1 = redmule_acquire();
    redmule_cfg((uint32_t)x1, (uint32_t)w1, (uint32_t)y1, 48, 64, 48, REDMULE_GEMM, REDMULE_FLOAT16);
    redmule_trigger();

    int id2 = redmule_acquire();
    redmule_cfg((uint32_t)x2, (uint32_t)w2, (uint32_t)y2, 24, 32, 32, REDMULE_GEMM, REDMULE_FLOAT16);
    uint32_t status = redmule_status();
    redmule_trigger();
    /* Printing takes thousands of cycles: only after the second TRIGGER, while job 1 runs. */
    printf("diag-queued-trigger: job ids %d and %d, STATUS 0x%x before the second TRIGGER\n", id1,
           id2, (unsigned)status);
    redmule_wait();

    if (rm_check_job("job 1", y1, ys1, ref1, 48, 48, REDMULE_FLOAT16))
        return 1;
    if (rm_check_job("job 2", y2, ys2, ref2, 24, 32, REDMULE_FLOAT16))
        return 2;
    if (id2 != 1)
        return 3;
    if (status == 0)
        return 4;
    return 0;
}
