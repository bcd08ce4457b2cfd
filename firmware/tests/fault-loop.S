# Runs forever: for --max-instructions, --max-cycles and --timeout.
    .section .text.init, "ax"
    .globl _start
_start:
    li a0, 0
spin:
    addi a0, a0, 1
    j spin
