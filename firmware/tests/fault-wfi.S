# Sleeps with nothing that could wake it: deadlock report (exit 121).
    .section .text.init, "ax"
    .globl _start
_start:
    csrw mie, zero
sleep_forever:
    wfi
    j sleep_forever
