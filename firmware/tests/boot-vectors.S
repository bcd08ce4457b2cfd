# The boot-address vector table (pulp-cluster, docs/platform.md §1): the entry is the boot address
# + 0x80, as the open runtime links its programs, and the firmware never writes mtvec. The
# illegal instruction and the load fault below go through the table at the boot address
# (vectored mode: exceptions at its base) to a handler that counts them and skips the faulting
# instruction; pulpsim warns about each. The run ends at cluster EOC with RETURN = the count
# (2) + 0x10 if mtvec reads boot address | 1.
    .section .text.init, "ax"
    .option norvc
vectors:
    j handler                   # exceptions (vectored mode: base + 0)
    .rept 31
    j unexpected
    .endr
    .org 0x80
    .globl _start
_start:
    csrr t0, mhartid
1:  bnez t0, 1b                 # only hart 0 runs the test (start with --harts 1)
    li s0, 0
    .word 0                     # illegal instruction
    li t1, 0x50000000
    lw t2, 0(t1)                # load access fault
    csrr t3, mtvec
    la t4, vectors
    addi t4, t4, 1
    bne t3, t4, 2f
    addi s0, s0, 0x10
2:  li s1, 0x10200000
    sw s0, 0x100(s1)            # RETURN
    li t1, 1
    sw t1, 0(s1)                # EOC
3:  j 3b
handler:
    addi s0, s0, 1
    csrr t5, mepc
    addi t5, t5, 4
    csrw mepc, t5
    mret
unexpected:
    li s0, 0x7F
    j 2b
