# The round trip of a cluster core's load or store to L2 (docs/platform.md §1, "Memory
# latency"), timed with mcycle: with the default 14 extra cycles an L2 access takes 15 cycles, a
# TCDM access 1. On the `pulp` chip the fabric controller runs it too: it sits beside L2, and
# its accesses take 1 cycle (no extra cycles; checks 2 and 8 then use L2 as well).
# Each check times a short sequence between two reads of mcycle, subtracts the time of an empty
# sequence, and compares with base + waits × E, E being 14 on a cluster core and 0 on the
# fabric controller: counts worked out by hand from the CV32E40P cycle table.
# Exit code (SoC control CORESTATUS): 0 when every check holds, else the number of the first
# one that fails. Cluster cores other than core 0 sleep.
# Bare assembly, no crt0, 32-bit instructions only.
    .option norelax
    .option norvc
    .section .text.init, "ax"
    .globl _start

    .macro BEGIN
    csrr t0, mcycle
    .endm
    # Check \n fails unless the sequence took \base + \waits × E cycles.
    .macro END n, base, waits
    csrr t1, mcycle
    sub t1, t1, t0
    sub t1, t1, s0
    li t2, \waits
    mul t2, t2, s2
    addi t2, t2, \base
    li a7, \n
    bne t1, t2, fail
    .endm

_start:
    csrr s1, mhartid
    li s2, 14               # E: a cluster core
    li t0, 0x3E0            # the fabric controller (cluster 31, core 0)
    bne s1, t0, 1f
    li s2, 0
    j 2f
1:  andi t0, s1, 0x1f
    beqz t0, 2f
3:  wfi                     # the other cluster cores
    j 3b
2:
    la a0, data             # in L2, as the program
    li a1, 0x10000000       # the TCDM (for the fabric controller, more L2: the TCDM seen from
    bnez s2, 5f             # the SoC side is not what this program times)
    addi a1, a0, 16
5:
    # The empty sequence.
    li s0, 0
    BEGIN
    csrr t1, mcycle
    sub s0, t1, t0

    # 1. A load from L2: 1 + E.
    BEGIN
    lw a2, 0(a0)
    END 1, 1, 1

    # 2. A load from the TCDM: 1.
    BEGIN
    lw a2, 0(a1)
    END 2, 1, 0

    # 3. A store to L2: 1 + E (the core waits for its response too).
    BEGIN
    sw a2, 8(a0)
    END 3, 1, 1

    # 4. A load from L2 used by the next instruction: 1 + E, the load-use stall 1, the addi 1.
    BEGIN
    lw a2, 0(a0)
    addi a3, a2, 1
    END 4, 3, 1

    # 5. Four loads from L2 back to back: 4 × (1 + E).
    BEGIN
    lw a2, 0(a0)
    lw a3, 4(a0)
    lw a4, 8(a0)
    lw a5, 12(a0)
    END 5, 4, 4

    # 6. A word load across a word boundary in L2: two transfers (2), one round trip (E).
    BEGIN
    lw a2, 2(a0)
    END 6, 2, 1

    # 7. A halfword load at an odd address inside a word of L2: one transfer, 1 + E.
    BEGIN
    lh a2, 1(a0)
    END 7, 1, 1

    # 8. A store to the TCDM and a load from it: 1 + 1.
    BEGIN
    sw a2, 0(a1)
    lw a3, 4(a1)
    END 8, 2, 0

    li a7, 0
fail:
    li t2, 0x1A1040A0       # SoC control CORESTATUS: end of computation with code a7
    li t3, 0x80000000
    or t3, t3, a7
    sw t3, 0(t2)
4:  j 4b

    .data
    .align 4
data:
    .word 1, 2, 3, 4
