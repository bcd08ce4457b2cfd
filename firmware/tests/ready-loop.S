# Prints "ready" (a whole line), then "spinning" (a line without its newline) through the HTIF
# console, then runs forever. The interrupt tests read standard output up to the first line and
# only then send the signal: no waiting on the clock. The run ends by the signal, and the partial
# second line must come out then (docs/platform.md §6).
    .option norelax         # la must not become gp-relative: nothing sets gp
    .section .text.init, "ax"
    .globl _start
_start:
    la a0, message
    la a1, tohost
    li a2, 0x01010000       # tohost high word: device 1 (console), command 1 (print a byte)
print:
    lbu t0, 0(a0)
    beqz t0, spin
    sw t0, 0(a1)            # low word: the character
    sw a2, 4(a1)            # high word: the command, taken now
    addi a0, a0, 1
    j print
spin:
    addi a3, a3, 1
    j spin

    .data
message:
    .asciz "ready\nspinning"
    .balign 8
    .globl tohost
    .type tohost, @object
    .size tohost, 8
tohost:
    .dword 0
