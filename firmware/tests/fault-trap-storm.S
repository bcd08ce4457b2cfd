# A trap handler that traps itself: mtvec points at an illegal instruction, then ecall. Every
# trap lands on the handler's first instruction, which traps again, and no instruction retires;
# pulpsim ends the run as a trap storm (exit 120) instead of looping until a limit.
    .section .text.init, "ax"
    .globl _start
_start:
    csrr t0, mhartid
    bnez t0, sleep_forever
    la t0, handler
    csrw mtvec, t0
    ecall
sleep_forever:
    csrw mie, zero
    wfi
    j sleep_forever
    .align 2
handler:
    .word 0                    # illegal instruction
