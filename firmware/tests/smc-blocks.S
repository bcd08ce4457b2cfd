# Self-modifying code without fence.i (docs/platform.md §1: a store to decoded instructions
# drops them): stores that rewrite an instruction of the straight-line code being run, and of a
# loop body run many times before, take effect at once — the interpreter's blocks of
# straight-line code that hold the old instruction are dropped.
# Exit code: 0 when every check holds, else the number of the first one that fails.
    .option norelax
    .option norvc
    .section .text.init, "ax"
    .globl _start
_start:
    # 1. The store rewrites the instruction two after it, in the same straight-line run:
    #    addi a0, a0, 1 becomes addi a0, a0, 5.
    li a0, 0
    la t0, patch1
    li t1, 0x00550513           # addi a0, a0, 5
    sw t1, 0(t0)
    nop
patch1:
    addi a0, a0, 1
    li t2, 5
    li a7, 1
    bne a0, t2, fail

    # 2. A 24-instruction loop body run 10 times, then its 23rd instruction rewritten from
    #    outside the loop (addi a0, a0, 1 becomes addi a0, a0, 100), then 10 more times:
    #    10 * 1 + 10 * 100, and the other 22 additions of 0 each time.
    li a0, 0
    li s1, 2                    # passes
pass:
    li t3, 10
body:
    .rept 22
    addi a0, a0, 0
    .endr
patch2:
    addi a0, a0, 1
    addi t3, t3, -1
    bnez t3, body
    la t0, patch2
    li t1, 0x06450513           # addi a0, a0, 100
    sw t1, 0(t0)
    addi s1, s1, -1
    bnez s1, pass
    li t2, 1010
    li a7, 2
    bne a0, t2, fail

    # 3. A halfword store rewrites the upper half of an instruction (its immediate) in the run
    #    being executed: addi a0, a0, 3 (0x00350513) becomes addi a0, a0, 7 (0x00750513).
    li a0, 0
    la t0, patch3
    li t1, 0x0075
    sh t1, 2(t0)
patch3:
    addi a0, a0, 3
    li t2, 7
    li a7, 3
    bne a0, t2, fail

    li a7, 0
#include "exit-a7.inc"

    .data
    .align 3
    .globl tohost
tohost: .word 0
    .size tohost, 4
