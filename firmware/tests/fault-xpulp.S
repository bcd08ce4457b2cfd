# A program built for Xpulp (here a post-increment load, p.lw a0, 4(a1!), word 0x0045a50b) with no
# trap handler: the illegal-instruction report (exit 120) says it is an Xpulp instruction and how to
# build instead.
    .section .text.init, "ax"
    .globl _start
_start:
    li a1, 0x1c000000
xpulp_load:
    .word 0x0045a50b
    j _start
