# The open runtime's way of ignoring faults: its vector table at the boot address returns from
# every trap with mret, so a faulting instruction runs again and again. pulpsim warns about the
# first faults and ends the run as a trap storm (exit 120) after 1000 of the same trap at the
# same pc.
    .section .text.init, "ax"
    .option norvc
vectors:
    .rept 32
    j ignore
    .endr
    .org 0x80
    .globl _start
_start:
    li t1, 0x50000000
wild_load:
    lw t2, 0(t1)
    j _start
ignore:
    mret
