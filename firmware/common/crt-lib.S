/*
 * Platform-independent run-time helpers in assembly, for crt0, the default trap handler
 * and assembly test programs. They build on the two primitives each crt0-<platform>.S
 * provides (__plat_putchar, __plat_exit).
 *
 * Register contract: every routine here takes its argument in a0, clobbers only
 * t0-t6 and a0, never touches memory other than the output device, and needs no stack,
 * so it may be called from a trap handler or with a corrupt sp. They are ordinary C
 * functions as well (void f(unsigned) / void f(const char *)).
 *
 *   __plat_puts(a0 = NUL-terminated string)   no newline added
 *   __plat_puthex(a0 = value)                 "0x" and 8 lower-case hex digits
 *   __plat_putdec(a0 = value)                 unsigned decimal (uses divu/remu)
 *   __trap_default                            the crt0 trap handler (mtvec target)
 *
 * __trap_default prints one line
 *   "*** unexpected trap: mcause=0x... mepc=0x... mtval=0x... mhartid=N"
 * and ends the run with exit code TRAP_EXIT_CODE (0x7f = 127).
 */
#define TRAP_EXIT_CODE 0x7f

    .text
    .globl __plat_puts
    .type __plat_puts, @function
__plat_puts:
    mv      t2, a0
    mv      t3, ra
1:  lbu     a0, 0(t2)
    beqz    a0, 2f
    call    __plat_putchar          /* clobbers t0, t1 */
    addi    t2, t2, 1
    j       1b
2:  mv      ra, t3
    ret
    .size __plat_puts, . - __plat_puts

    .globl __plat_puthex
    .type __plat_puthex, @function
__plat_puthex:
    mv      t2, a0
    mv      t3, ra
    li      a0, '0'
    call    __plat_putchar
    li      a0, 'x'
    call    __plat_putchar
    li      t4, 28                  /* shift of the next nibble */
1:  srl     a0, t2, t4
    andi    a0, a0, 15
    li      t5, 10
    bltu    a0, t5, 2f
    addi    a0, a0, 'a' - '0' - 10
2:  addi    a0, a0, '0'
    call    __plat_putchar
    addi    t4, t4, -4
    bgez    t4, 1b
    mv      ra, t3
    ret
    .size __plat_puthex, . - __plat_puthex

    .globl __plat_putdec
    .type __plat_putdec, @function
__plat_putdec:
    mv      t3, ra
    /* Find the largest power of ten <= a0 (at least 1), then peel digits off the top. */
    mv      t2, a0
    li      t4, 1
    li      t6, 10
1:  divu    t5, t2, t4
    bltu    t5, t6, 2f
    mul     t4, t4, t6
    j       1b
2:  divu    a0, t2, t4
    remu    t2, t2, t4
    addi    a0, a0, '0'
    call    __plat_putchar
    divu    t4, t4, t6
    bnez    t4, 2b
    mv      ra, t3
    ret
    .size __plat_putdec, . - __plat_putdec

/*
 * Default trap handler, installed in mtvec by crt0 (direct mode). 256-byte aligned, so
 * it stays a valid vectored-mode base as well (CV32E40P keeps only mtvec[31:8]).
 */
    .balign 256
    .globl __trap_default
    .type __trap_default, @function
__trap_default:
    csrr    s0, mcause
    csrr    s1, mepc
    csrr    s2, mtval
    la      a0, .Lmsg_trap
    call    __plat_puts
    mv      a0, s0
    call    __plat_puthex
    la      a0, .Lmsg_mepc
    call    __plat_puts
    mv      a0, s1
    call    __plat_puthex
    la      a0, .Lmsg_mtval
    call    __plat_puts
    mv      a0, s2
    call    __plat_puthex
    la      a0, .Lmsg_hart
    call    __plat_puts
    csrr    a0, mhartid
    call    __plat_putdec
    li      a0, '\n'
    call    __plat_putchar
    li      a0, TRAP_EXIT_CODE
    j       __plat_exit
    .size __trap_default, . - __trap_default

    .section .rodata.crt_lib, "a", @progbits
.Lmsg_trap:  .asciz "\n*** unexpected trap: mcause="
.Lmsg_mepc:  .asciz " mepc="
.Lmsg_mtval: .asciz " mtval="
.Lmsg_hart:  .asciz " mhartid="
