/*
 * Start-up code for the `redmule-tb` platform (docs/platform.md §8), one hart:
 *   - gp = __global_pointer$, sp = __stack_top (0x1C04_1000)
 *   - mtvec = tb_trap (direct mode): an unexpected trap prints "TRAP mcause=0x..." through the
 *     testbench's print port and ends the run with error count 255
 *   - mie.MSIE = 1: RedMulE's completion sets mip.MSIP, which then wakes `wfi`;
 *     mstatus.MIE stays 0, so the completion never traps
 *   - with F: mstatus.FS = Initial, fcsr = 0
 *   - .bss zeroed, main(0, 0) called; main's return value is written to the error-count
 *     register 0x8000_0000 (as the program does itself before returning) and the next `wfi`
 *     ends the run with it as exit code
 */
#define TB_ERRORS 0x80000000
#define TB_PRINT  0x80000004

    .section .text.init, "ax", @progbits
    .globl _start
    .type _start, @function
_start:
    .option push
    .option norelax
    la      gp, __global_pointer$
    .option pop
    la      sp, __stack_top
    la      t0, tb_trap
    csrw    mtvec, t0
    li      t0, 8                   /* mie.MSIE */
    csrs    mie, t0
#ifdef __riscv_flen
    li      t0, 0x2000              /* mstatus.FS = Initial */
    csrs    mstatus, t0
    csrwi   fcsr, 0
#endif
    la      t0, __bss_start
    la      t1, __bss_end
1:  bgeu    t0, t1, 2f
    sw      zero, 0(t0)
    addi    t0, t0, 4
    j       1b
2:
    li      a0, 0
    li      a1, 0
    call    main
    li      t0, TB_ERRORS
    sw      a0, 0(t0)
3:  wfi                             /* ends the run */
    j       3b
    .size _start, . - _start

    .text
    .balign 4
    .globl tb_trap
    .type tb_trap, @function
tb_trap:
    li      t0, TB_PRINT
    la      t1, .Ltrap_msg
4:  lbu     t2, 0(t1)
    beqz    t2, 5f
    sw      t2, 0(t0)
    addi    t1, t1, 1
    j       4b
5:  csrr    t1, mcause              /* 8 hex digits */
    li      t3, 8
6:  srli    t2, t1, 28
    addi    t2, t2, '0'
    li      t4, '9'
    ble     t2, t4, 7f
    addi    t2, t2, 'a' - '9' - 1
7:  sw      t2, 0(t0)
    slli    t1, t1, 4
    addi    t3, t3, -1
    bnez    t3, 6b
    li      t2, '\n'
    sw      t2, 0(t0)
    li      t0, TB_ERRORS
    li      t1, 255
    sw      t1, 0(t0)
8:  wfi
    j       8b
    .size tb_trap, . - tb_trap

    .section .rodata
.Ltrap_msg:
    .asciz "TRAP mcause=0x"
