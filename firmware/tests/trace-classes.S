# One instruction of each trace class, for the whole-line trace tests
# (Tests/PulpSimTests/Trace/TraceTests.swift): ALU, compressed, load, store (byte, half, word),
# CSR write, FP load, FP op raising a flag, branch.
    .section .text.init, "ax"
    .globl _start
_start:
    la t0, data                 # auipc + addi
    li a0, 0x12345678
    sw a0, 0(t0)                # store word
    sh a0, 4(t0)                # store half
    sb a0, 6(t0)                # store byte
    lw a1, 0(t0)                # load word
    c.addi a1, 1                # compressed
    csrw mscratch, a1           # CSR write, no rd
    li t1, 0x2000
    csrs mstatus, t1            # FS = initial
    flw fa0, 8(t0)              # FP load: 1.0
    flw fa1, 12(t0)             # 3.0
    fdiv.s fa2, fa0, fa1        # inexact: fflags NX
    beq a0, a1, _start          # not taken, no effect
    li a2, 1
    la t2, tohost
    sw a2, 0(t2)                # exit 0 via HTIF (tohost size 4)
1:  j 1b
    .data
    .align 4
data:
    .word 0, 0
    .float 1.0, 3.0
    .align 3
    .globl tohost
tohost: .word 0
    .size tohost, 4
