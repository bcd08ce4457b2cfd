# The CV32E40P core's cycle rules (docs/platform.md §1, "Timing model"), timed with mcycle.
# Each check times a short sequence between two reads of mcycle, subtracts the time of an
# empty sequence, and compares with the count worked out by hand from the CV32E40P user manual
# (docs/source/pipeline.rst: "Hazards" and "Cycle counts per instruction type").
# Exit code: 0 when every check holds, else the number of the first one that fails.
# Bare assembly, no crt0; 32-bit instructions only (norvc) unless a check says otherwise, so
# that every jump target is word-aligned where the check wants it.
    .option norelax
    .option norvc
    .section .text.init, "ax"
    .globl _start

    .macro BEGIN
    csrr t0, mcycle
    .endm
    # Ends the timed sequence: check \n fails unless it took \expected cycles.
    .macro END n, expected
    csrr t1, mcycle
    sub t1, t1, t0
    sub t1, t1, s0
    li t2, \expected
    li a7, \n
    bne t1, t2, fail
    .endm

_start:
    li t0, 0x2000           # mstatus.FS = initial: the F instructions work
    csrs mstatus, t0
    la a0, data             # data: a word holding its own address, then 1.0f, then zeros
    la a5, targets
    # The empty sequence: the first read's own cycle (and whatever else reading mcycle costs).
    li s0, 0
    BEGIN
    csrr t1, mcycle
    sub s0, t1, t0

    # 1. Load-use: 8 loads, each using the previous one's result (pointer chasing):
    #    8 cycles + 7 stalls (the last one is followed by the mcycle read).
    mv a1, a0
    BEGIN
    .rept 8
    lw a1, 0(a1)
    .endr
    END 1, 15

    # 2. 8 independent loads (each writes a2 again: a load-load write does not stall).
    BEGIN
    .rept 8
    lw a2, 0(a0)
    .endr
    END 2, 8

    # 3. A load and an instruction using it, 4 times: 4 x (1 + 1 stall + 1).
    BEGIN
    .rept 4
    lw a2, 0(a0)
    addi a3, a2, 1
    .endr
    END 3, 12

    # 4. The same with an instruction not using it: no stall.
    BEGIN
    .rept 4
    lw a2, 0(a0)
    addi a3, a4, 1
    .endr
    END 4, 8

    # 5. A store of the loaded register (the store reads it as its data): stalls.
    BEGIN
    .rept 4
    lw a2, 0(a0)
    sw a2, 12(a0)
    .endr
    END 5, 12

    # 6. An ALU write of the loaded register right after the load stalls too (RTL: load_stall,
    #    the ID instruction's ALU write address equals the load's).
    BEGIN
    .rept 4
    lw a2, 0(a0)
    li a2, 1
    .endr
    END 6, 12

    # 7. flw followed by an FP instruction using the loaded register: stalls.
    BEGIN
    .rept 4
    flw fa0, 4(a0)
    fadd.s fa1, fa0, fa0
    .endr
    END 7, 12

    # 8. flw fa0 followed by an instruction reading x10 (a0): another register, no stall.
    BEGIN
    .rept 4
    flw fa0, 4(a0)
    addi a3, a0, 0
    .endr
    END 8, 8

    # 9. A misaligned load (2 cycles) used by the next instruction (1 stall), then it (1).
    BEGIN
    lw a2, 1(a0)
    addi a3, a2, 1
    END 9, 4

    # 10-17. Division: 3 + the leading zeros of the divisor (signed, negative divisor: of its
    #    one's complement, minus 1); the dividend does not matter.
    li a3, 0x12345678
    li a4, 1
    BEGIN
    divu a2, a3, a4
    END 10, 34
    li a4, 0x80000000
    BEGIN
    divu a2, a3, a4
    END 11, 3
    li a4, 0
    BEGIN
    divu a2, a3, a4
    END 12, 35
    li a4, -1
    BEGIN
    div a2, a3, a4
    END 13, 34
    li a4, -2
    BEGIN
    div a2, a3, a4
    END 14, 33
    li a4, 0x80000000
    BEGIN
    rem a2, a3, a4
    END 15, 3
    li a4, 7
    BEGIN
    remu a2, a3, a4
    END 16, 32
    li a4, 1
    BEGIN
    div a2, a3, a4
    END 17, 34

    # 18. mul 1 cycle, mulh 5.
    BEGIN
    mul a2, a3, a4
    mulh a2, a3, a4
    END 18, 6

    # 19. A branch not taken: 1 cycle.
    BEGIN
    bne x0, x0, fail
    END 19, 1

    # 20. A taken branch to a word-aligned target: 3 cycles.
    BEGIN
    beq x0, x0, 1f
1:
    END 20, 3

    # 21. jal: 2 cycles.
    BEGIN
    jal x0, 1f
1:
    END 21, 2

    # 22. jalr: 2 cycles (its register written long before).
    la t3, 1f
    nop
    BEGIN
    jalr x0, 0(t3)
1:
    END 22, 2

    # 23. A jalr through the register loaded just before: the load (1), the load-use stall (1),
    #     the jalr waiting for the load's write-back (1), the jalr (2).
    BEGIN
    lw t3, 0(a5)
    jalr x0, 0(t3)
target23:
    END 23, 5

    # 24. The same with an instruction between them: the jalr still waits for the write-back.
    BEGIN
    lw t3, 4(a5)
    addi a3, a4, 1
    jalr x0, 0(t3)
target24:
    END 24, 5

    # 25. jal to a 32-bit instruction that is not word-aligned: 3 cycles, then the addi and a
    #     c.nop (1 each; the c.nop puts what follows back on a word boundary).
    BEGIN
    jal x0, 1f
    .hword 0x0001           # c.nop, skipped
1:  addi a3, a4, 1
    .hword 0x0001
    END 25, 5

    # 26. A taken branch to such a target: 4 cycles, then the addi and the c.nop.
    BEGIN
    beq x0, x0, 1f
    .hword 0x0001
1:  addi a3, a4, 1
    .hword 0x0001
    END 26, 6

    # 27. jal to a compressed instruction that is not word-aligned: no extra cycle (2), then
    #     three c.nop.
    BEGIN
    jal x0, 1f
    .hword 0x0001
1:  .hword 0x0001
    .hword 0x0001
    .hword 0x0001
    END 27, 5

    # 28. A halfword load at an odd address inside a word: one bus transfer (1 cycle).
    BEGIN
    lh a2, 1(a0)
    END 28, 1

    # 29. A halfword load across a word boundary: two (2 cycles).
    BEGIN
    lh a2, 3(a0)
    END 29, 2

    # 30. fence.i: a jump to the next instruction, 2 cycles.
    BEGIN
    fence.i
    END 30, 2

    # 31. A jalr through the register the instruction just before wrote (a call the linker did
    #     not relax: auipc, jalr): the auipc (1), the jalr waiting while it is in execute (1),
    #     the jalr (2).
    BEGIN
    auipc t3, 0
    jalr x0, 8(t3)          # to the instruction after it
    END 31, 4

    # 32. One instruction between the write and the jalr: no wait (1 + 1 + 2).
    la t3, 1f
    BEGIN
    addi t3, t3, 0
    addi a3, a4, 1
    jalr x0, 0(t3)
1:
    END 32, 4

    # 33. The jalr reached by a jump right after the write: the jump is what precedes it, no
    #     wait (addi 1, jal 2, jalr 2).
    la t3, 1f
    BEGIN
    addi t3, t3, 0
    jal x0, 2f
2:  jalr x0, 0(t3)
1:
    END 33, 5

    # 34. A CSR read (on the slow path) writing the jalr's register right before it: the jalr
    #     waits (csrr 1, the wait 1, the jalr 2).
    la t3, 1f
    csrw mscratch, t3
    BEGIN
    csrr t3, mscratch
    jalr x0, 0(t3)
1:
    END 34, 4

    # 35. The write and the jalr as the 32nd and 33rd instructions of a straight run (block
    #     execution runs at most 32 in a block, so the jalr starts the next one): it waits
    #     (31 + 1, the wait 1, the jalr 2).
    la t3, 1f
    BEGIN
    .rept 31
    addi a3, a3, 1
    .endr
    addi t3, t3, 0
    jalr x0, 0(t3)
1:
    END 35, 35

    li a7, 0
#include "exit-a7.inc"

    .data
    .align 4
data:
    .word data
    .word 0x3f800000
    .space 24
targets:
    .word target23
    .word target24
    .align 3
    .globl tohost
tohost: .word 0
    .size tohost, 4
