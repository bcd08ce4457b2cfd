# The fabric controller's vectored interrupts at reset (`pulp`, docs/platform.md §12): the entry
# is the boot address + 0x80 (the open runtime's layout) and mtvec is never written, so it
# resets to the boot address, vectored. The FC enables line 10 (FC timer, low channel) in its
# interrupt controller, arms the timer (compare 300) and sleeps in wfi with mstatus.MIE set;
# the interrupt enters at vector 10 (base + 4*10), whose handler records mcause, stops the
# timer and returns. Then a software line (3, STATUS_SET) enters at vector 3. The cluster cores
# are never started. Exit code (CORESTATUS): 0 if both came through their vectors with the
# right mcause, else the number of the failing check.
#define ITC 0x1A109800
#define TIMER 0x1A10B000
    .section .text.init, "ax"
    .option norvc
vectors:
    j unexpected                # exceptions
    .rept 2
    j unexpected
    .endr
    j line3                     # vector 3
    .rept 6
    j unexpected
    .endr
    j line10                    # vector 10
    .rept 21
    j unexpected
    .endr
    .org 0x80
    .globl _start
_start:
    li s0, 0                    # s0: interrupts seen (bit 0: line 10, bit 1: line 3)
    li s1, ITC
    li t0, (1 << 10) | (1 << 3)
    sw t0, 0x04(s1)             # MASK_SET
    li s2, TIMER
    li t0, 300
    sw t0, 0x10(s2)             # CMP_LO
    li t0, 7
    sw t0, 0x00(s2)             # CFG_LO: enable, reset, IRQ
    csrsi mstatus, 8            # MIE
1:  andi t0, s0, 1
    bnez t0, 2f
    wfi
    j 1b
2:  li t0, 1 << 3
    sw t0, 0x10(s1)             # STATUS_SET line 3: taken at once
    nop
    andi t0, s0, 2
    li a0, 2
    beqz t0, exit
    csrr t0, mtvec              # still the reset value: vectors | 1
    la t1, vectors
    addi t1, t1, 1
    li a0, 3
    bne t0, t1, exit
    lw t0, 0x0C(s1)             # STATUS: both taken, so both cleared
    li a0, 4
    bnez t0, exit
    li a0, 0
exit:
    li t0, 0x80000000
    or a0, a0, t0
    li t0, 0x1A1040A0
    sw a0, 0(t0)                # CORESTATUS
3:  j 3b

line10:
    csrr t0, mcause
    li t1, 0x8000000a
    li a0, 1
    bne t0, t1, exit
    ori s0, s0, 1
    sw zero, 0x00(s2)           # stop the timer
    mret
line3:
    csrr t0, mcause
    li t1, 0x80000003
    li a0, 5
    bne t0, t1, exit
    ori s0, s0, 2
    mret
unexpected:
    li a0, 0x7F
    j exit
