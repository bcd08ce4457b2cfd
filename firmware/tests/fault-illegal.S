# No trap handler is installed (mtvec never written): the illegal instruction must end the run
# with a report (pulpsim exit code 120) naming hart, pc, symbol and instruction.
    .section .text.init, "ax"
    .globl _start
_start:
    li a0, 0x1234
    li a1, 0x5678
bad_instruction:
    .word 0x00000000        # all-zero word: illegal
    j _start
