# The fabric controller sees only L2 private bank 0 (32 KiB) at 0x0000_0000: a load at 0x8000 is
# an access fault (no handler: the run ends, exit 120), although cluster cores see the TCDM
# alias there. Before it, a load at 0x7FFC through the alias must read L2's 0x1C00_7FFC (0:
# checked by the test through a0).
    .section .text.init, "ax"
    .globl _start
_start:
    li t0, 0x7FFC
    lw a0, 0(t0)
    li t0, 0x8000
    lw a1, 0(t0)
1:  j 1b
