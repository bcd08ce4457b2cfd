# Misaligned loads and stores to memory cost one extra cycle each (two bus accesses, docs/platform.md §1).
# Exit code = (cycles of 8 misaligned lw + 8 misaligned sw) - (cycles of the same aligned) = 16.
    .option norelax
    .section .text.init, "ax"
    .globl _start
_start:
    la a0, buffer
    csrr t0, mcycle
    .rept 8
    lw t2, 4(a0)
    sw t2, 8(a0)
    .endr
    csrr t1, mcycle
    sub s0, t1, t0          # aligned
    csrr t0, mcycle
    .rept 8
    lw t2, 5(a0)
    sw t2, 10(a0)
    .endr
    csrr t1, mcycle
    sub s1, t1, t0          # misaligned
    sub a1, s1, s0
    slli a1, a1, 1
    ori a1, a1, 1
    la t2, tohost
    sw a1, 0(t2)            # exit with (s1 - s0)
1:  j 1b
    .data
    .align 4
buffer: .space 64
    .align 3
    .globl tohost
tohost: .word 0
    .size tohost, 4
