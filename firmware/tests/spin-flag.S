# Hart 0 polls a flag that nothing will ever set while every other hart sleeps in `wfi` with
# nothing enabled: the run must end as a deadlock naming the spinning hart (exit 121), not run
# until a limit. Bare assembly, no crt0.
    .section .text.init, "ax"
    .globl _start
_start:
    csrr t0, mhartid
    andi t0, t0, 0x1f
    bnez t0, sleep
    la   a0, flag
    li   a1, 0
poll:
    lw   t1, 0(a0)          # the flag: 0 for ever
    addi a1, a1, 1          # a count that wraps at 2 (the loop state repeats every 2 turns)
    andi a1, a1, 1
    beqz t1, poll
    j    poll
sleep:
    wfi
    j    sleep

    .data
    .balign 4
flag:
    .word 0
