# Ends the run through the cluster controller (docs/platform.md §5, §6): RETURN = 0x80000000 | 42 (bit 31 is
# dropped), then EOC = 1. Expected process exit code 42, mechanism "eoc".
    .section .text.init, "ax"
    .globl _start
_start:
    csrr t0, mhartid
    bnez t0, park
    li t1, 0x10200000
    li t2, 0x8000002a
    sw t2, 0x100(t1)        # RETURN
    li t2, 1
    sw t2, 0(t1)            # EOC
park:
    wfi
    j park
