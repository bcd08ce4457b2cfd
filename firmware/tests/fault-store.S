# A store to an unmapped address with no trap handler: store access fault report (exit 120).
    .section .text.init, "ax"
    .globl _start
_start:
    li t0, 0x50000000
wild_store:
    sw t0, 0(t0)
    j _start
