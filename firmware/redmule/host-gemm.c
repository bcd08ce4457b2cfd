/*
 * redmule-host-gemm: one RedMulE job whose shape, operation and operands the host chooses.
 * Meant for test drivers (python/tests/test_redmule.py): load the ELF, write the shape into
 * gemm_m, gemm_n, gemm_k (and gemm_op, gemm_fmt) and the operands into gemm_x (M x N), gemm_w
 * (N x K) and gemm_y (M x K), all row-major in RedMulE's layout (FP16: 2 bytes per element;
 * FP8: rows of 2*cols bytes, element c at byte 32*(c/16) + c%16), then run; when the program
 * has exited, Z is in gemm_y (RedMulE writes Z over Y).
 *
 * The operands are in .l1_data (TCDM, loaded in place by the ELF loader, never copied or
 * zeroed at start-up), so what the host writes after loading is what RedMulE reads. Use M a
 * multiple of 12 (RedMulE writes whole groups of 12 rows) and N a multiple of 4 (W rows are
 * read up to 4*ceil(N/4)-1); the buffers have room for the padding and the over-reads anyway.
 *
 * Only core 0 runs main (__main_harts = 1). It prints the shape, the job id and the cycles the
 * job took, and exits with 0, 1 if the shape is out of range, or 2 if STATUS is not 0 after
 * the job.
 */
#include "example.h"

__asm__(".globl __main_harts\n.set __main_harts, 1");

#define HOST_GEMM_MAX_M 48
#define HOST_GEMM_MAX_N 64
#define HOST_GEMM_MAX_K 64

volatile uint32_t gemm_m = 12, gemm_n = 16, gemm_k = 16, gemm_op = REDMULE_GEMM, gemm_fmt = REDMULE_FLOAT16;

L1_DATA uint16_t gemm_x[HOST_GEMM_MAX_M * HOST_GEMM_MAX_N + REDMULE_OVERREAD / 2] __attribute__((aligned(16))) = { 0 };
L1_DATA uint16_t gemm_w[HOST_GEMM_MAX_N * HOST_GEMM_MAX_K + REDMULE_OVERREAD / 2] __attribute__((aligned(16))) = { 0 };
L1_DATA uint16_t gemm_y[HOST_GEMM_MAX_M * HOST_GEMM_MAX_K + REDMULE_OVERREAD / 2] __attribute__((aligned(16))) = { 0 };

int main(void)
{
    uint32_t m = gemm_m, n = gemm_n, k = gemm_k, op = gemm_op, fmt = gemm_fmt;
    if (m == 0 || n == 0 || k == 0 || redmule_rows_padded(m) > HOST_GEMM_MAX_M || redmule_n4(n) > HOST_GEMM_MAX_N
        || k > HOST_GEMM_MAX_K || op > 7 || fmt > 3) {
        printf("host-gemm: shape %ux%ux%u (op %u, format %u) out of range\n", (unsigned)m, (unsigned)n, (unsigned)k,
               (unsigned)op, (unsigned)fmt);
        return 1;
    }
    unsigned long t0 = cycles();
    int id = redmule_gemm(gemm_x, gemm_w, gemm_y, m, n, k, op, fmt);
    unsigned long t1 = cycles();
    uint32_t status = redmule_status();
    printf("host-gemm %ux%ux%u %s %s: job %d, %lu cycles\n", (unsigned)m, (unsigned)n, (unsigned)k, rm_op_name(op),
           rm_fmt_name(fmt), id, t1 - t0);
    return status != 0 ? 2 : 0;
}
