# An enabled interrupt with no trap handler: hart 0 unmasks software event 5 as an IRQ, sets
# mstatus.MIE and triggers the event on itself, without ever writing mtvec. pulpsim ends the run
# (exit 120) naming the interrupt instead of jumping to address 0. Other harts sleep.
    .section .text.init, "ax"
    .globl _start
_start:
    csrr t0, mhartid
    bnez t0, sleep_forever
    li t1, 0x10204000          # event unit, this core's view (docs/platform.md §4)
    li t2, 1 << 5
    sw t2, 0x14(t1)            # IRQ_MASK_OR: line 5
    csrsi mstatus, 8           # MIE
    li t2, 1
    sw t2, 0x114(t1)           # SW_EVT_TRIG 5 -> core 0
    nop
sleep_forever:
    csrw mie, zero
    wfi
    j sleep_forever
