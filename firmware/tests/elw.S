# p.elw, the event-unit load (pulp-cluster, 2 harts): hart 1 sleeps in p.elw on EVENT_WAIT_CLEAR
# until hart 0 raises software event 3 for it, then returns what p.elw read. The run ends at
# cluster EOC with RETURN = the value hart 1 read (0x8: event 3) + 0x10 * (hart 1 woke after hart
# 0 had counted to 50). Expected exit code 0x18 (24).
    .section .text.init, "ax"
    .globl _start
_start:
    csrr t0, mhartid
    li s0, 0x10204000           # this core's event unit
    li s1, 0x10200000           # cluster control
    bnez t0, waiter
    # hart 0: count to 50, publish the count, then trigger SW event 3 on core 1.
    li t1, 0
1:  addi t1, t1, 1
    li t2, 50
    blt t1, t2, 1b
    la t3, counted
    sw t1, 0(t3)
    li t2, 2                    # target: core 1
    sw t2, 0x10c(s0)            # SW_EVT_TRIG 3
2:  j 2b                        # hart 1 ends the run
waiter:
    li t1, 8
    sw t1, 0x0(s0)              # EVT_MASK = event 3
    .word 0x03c46503            # p.elw a0, 0x3c(s0): EVENT_WAIT_CLEAR
    la t3, counted
    lw t4, 0(t3)
    li t2, 50
    bne t4, t2, 3f
    addi a0, a0, 0x10
3:  sw a0, 0x100(s1)            # RETURN
    li t1, 1
    sw t1, 0(s1)                # EOC
4:  j 4b
    .data
counted: .word 0
