# Self-modifying code: the instruction at `patch` is rewritten twice (addi a0, a0, 1, then 2,
# then 3), each version running 10 times, so that a trace shows each word where it ran: the
# binary format remembers words by pc and must forget them when code changes
# (Tests/PulpSimTests/Trace/TraceTests.swift). Exits 0 when a0 = 10 + 20 + 30.
    .option norvc
    .section .text.init, "ax"
    .globl _start
_start:
    li a0, 0
    la t0, patch
    li t3, 0x00150513           # addi a0, a0, 1
    li t4, 0x00100000           # + 1 in the immediate
    li t2, 3                    # versions
outer:
    li t1, 10
    .align 2
inner:
patch:
    addi a0, a0, 1
    addi t1, t1, -1
    bnez t1, inner
    add t3, t3, t4
    sw t3, 0(t0)                # the next version
    fence.i
    addi t2, t2, -1
    bnez t2, outer
    li t5, 60
    li a2, 1                    # exit 0 via HTIF
    beq a0, t5, 1f
    li a2, 3                    # exit 1
1:  la t2, tohost
    sw a2, 0(t2)
2:  j 2b
    .data
    .align 3
    .globl tohost
tohost: .word 0
    .size tohost, 4
