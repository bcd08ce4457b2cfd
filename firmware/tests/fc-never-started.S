# The fabric controller waits (wfi) for a cluster it never started: the run must end as a
# deadlock that names the FC's wait and the cores held in reset (exit 121), not hang.
    .section .text.init, "ax"
    .globl _start
_start:
    li t0, 0x1A109800
    li t1, 1 << 1
    sw t1, 0x04(t0)             # MASK_SET line 1: "cluster done", which never comes
1:  wfi
    j 1b
