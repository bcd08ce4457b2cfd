/*
 * perf-kernels.S: loops with a known instruction mix for examples/perf.c. Assembled without
 * compressed encodings except where written (c.addi), so every count is known:
 *
 *   perf_mem(n >= 1, buf)   per iteration: 7 instructions (lw, lw, add, sw, c.addi, addi,
 *                           bnez), 2 loads, 1 store, 1 branch (taken but in the last
 *                           iteration), 1 compressed instruction; 10 cycles when the branch
 *                           is taken (docs/platform.md §1: the add uses the second load's
 *                           result, +1 LD_STALL; taken branch +2)
 *   perf_jump(n >= 1)       per iteration: 3 instructions (j, addi, bnez), 1 jump (+1 cycle,
 *                           JMP_STALL), 1 branch; 6 cycles when taken
 *   perf_fdiv(n >= 1)       per iteration: 3 instructions (fdiv.s, addi, bnez), fdiv.s +10
 *                           cycles (APU_DEP); 15 cycles when taken
 */
    .option norvc
    .text
    /* Word alignment of each kernel (docs/platform.md §1: a jump or taken branch to a 32-bit
     * instruction that is not word-aligned costs a cycle more). Under norvc the assembler cannot
     * pad after perf_mem's c.addi with a 2-byte nop, and .balign alone then leaves the next
     * kernel at 2 mod 4: allow compressed padding for the alignment only. */
    .macro ALIGN4
    .option push
    .option rvc
    .balign 4
    .option pop
    .endm
    ALIGN4
    .globl perf_mem
    .type perf_mem, @function
perf_mem:
    li      t2, 0
1:  lw      t0, 0(a1)
    lw      t1, 4(a1)
    add     t0, t0, t1
    sw      t0, 8(a1)
    .option push
    .option rvc
    c.addi  t2, 1
    .option pop
    addi    a0, a0, -1
    bnez    a0, 1b
    mv      a0, t2
    ret
    .size perf_mem, . - perf_mem

    ALIGN4
    .globl perf_jump
    .type perf_jump, @function
perf_jump:
1:  j       2f
2:  addi    a0, a0, -1
    bnez    a0, 1b
    ret
    .size perf_jump, . - perf_jump

    ALIGN4
    .globl perf_fdiv
    .type perf_fdiv, @function
perf_fdiv:
    fmv.w.x ft0, zero
    li      t0, 0x40400000          /* 3.0f */
    fmv.w.x ft1, t0
1:  fdiv.s  ft0, ft0, ft1
    addi    a0, a0, -1
    bnez    a0, 1b
    ret
    .size perf_fdiv, . - perf_fdiv
