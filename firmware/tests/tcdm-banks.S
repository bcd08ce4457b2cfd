# TCDM bank conflicts (docs/platform.md §2): every hart times 64 back-to-back loads with mcycle,
# first each from a bank of its own (address 4·hart: banks 0..7), then all from the same bank
# (address 64·hart: bank 0 for every hart), then each from its own bank again.
# Harts start together and run the same code, so they ask in the same cycles: on their own
# banks no load waits; on one bank the bank serves one load per cycle, round-robin.
# Results: at 0x1000_2000 + 64·phase + 32 + 4·hart (phase 0, 1, 2; bank 8 + hart, which no
# timed load uses) the cycles of the sequence, less the cycles of an empty sequence; a done
# flag at 0x1000_2000 + 224 + 4·hart. Hart 0 waits for every hart's flag and ends the run
# (cluster controller EOC, exit code 0). The test reads the results.
# Operands at TCDM 0x1000_1000 (the loaded values do not matter).
# Bare assembly, no crt0, 32-bit instructions only.
    .option norelax
    .option norvc
    .section .text.init, "ax"
    .globl _start

    # Times 64 loads from 0(a1) into word \slot of the hart's results (a3).
    .macro TIMED slot
    csrr t0, mcycle
    .rept 64
    lw a2, 0(a1)
    .endr
    csrr t1, mcycle
    sub t1, t1, t0
    sub t1, t1, s0
    sw t1, (64 * \slot + 32)(a3)
    .endm

_start:
    csrr s1, mhartid
    andi s1, s1, 0x1f
    li a0, 0x10001000       # operands
    li a3, 0x10002000       # results
    slli t2, s1, 2
    add a3, a3, t2          # this hart's result words
    # The empty sequence.
    csrr t0, mcycle
    csrr t1, mcycle
    sub s0, t1, t0

    slli t2, s1, 2
    add a1, a0, t2          # own bank: data + 4·hart
    TIMED 0
    slli t2, s1, 6
    add a1, a0, t2          # one bank: data + 64·hart
    TIMED 1
    slli t2, s1, 2
    add a1, a0, t2
    TIMED 2
    li t2, 1
    sw t2, 224(a3)          # done flag
    bnez s1, park

    # Hart 0: wait for every hart's done flag, then EOC.
    li a4, 0x10002000
    li t3, 0
wait:
    lw t4, 224(a4)
    beqz t4, wait
    addi a4, a4, 4
    addi t3, t3, 1
    li t5, 8
    blt t3, t5, wait
    li t1, 0x10200000
    li t2, 0x80000000
    sw t2, 0x100(t1)        # RETURN 0
    li t2, 1
    sw t2, 0(t1)            # EOC
park:
    wfi
    j park

