/*
 * test_macros.h: framework for the self-checking ISA test programs in this directory.
 *
 * A test program is one assembly file:
 *
 *     #include "test_macros.h"
 *     TEST_BEGIN rv32m                  // name printed in the PASS/FAIL line
 *         TEST_RR 1, mul, 6, 2, 3       // check 1: mul 2, 3 == 6
 *         ...
 *     TEST_END
 *
 * It is linked with the platform's crt0 (common/crt0-<platform>.S), which calls `main`
 * (defined by TEST_BEGIN) on hart 0 with a valid sp and gp. The program never returns from
 * main: it ends through __plat_exit (crt0) with
 *     exit code 0                   every check passed ("PASS <name>" is printed)
 *     exit code N (1..255)          check N failed ("FAIL <name>: check N" is printed)
 *     exit code N (the current check) on a trap that no check expected; the trap is
 *                                   printed ("... unexpected trap: mcause=...") first
 * Nothing here depends on the platform: output and exit go through __plat_puts,
 * __plat_putdec and __plat_exit.
 *
 * Register conventions
 *     TESTNUM (s11 = x27) the number of the check being run; set by TEST_CASE and every
 *                          TEST_* macro. Tests must not use s11 otherwise.
 *     t5, t6 (x30, x31)    scratch of the checking macros; they are clobbered by every
 *                          CHECK_* and TEST_* macro, and t6 by every trap.
 *     gp, tp               untouched (gp is needed by `la` after linker relaxation).
 *     Everything else is free. TEST_* macros compute in a0-a3 / fa0-fa3.
 *
 * Checking macros: TEST_CASE n (start check n), CHECK_EQ reg, imm; CHECK_EQR reg, reg;
 * CHECK_ADDR reg, label; CHECK_FBITS freg, bits; CHECK_FFLAGS flags (then clears fflags);
 * TEST_RR / TEST_RI (integer), TEST_F_RR / TEST_F_RRR / TEST_F_R / TEST_X_F / TEST_X_FF /
 * TEST_F_X (floating point, operands and results as bit patterns, fflags checked).
 *
 * Check numbers must be 1..255 (the exit code is 8 bits wide on the host) and strictly
 * increasing within a file; TEST_CASE refuses anything else at assembly time.
 *
 * Traps
 *     TEST_BEGIN points mtvec at test_trap_handler (direct mode, 256-byte aligned). The
 *     handler preserves every register except t6. When a trap was announced with
 *         EXPECT_TRAP            resume at the instruction after the trapping one (the
 *                                length is taken from the instruction at mepc), or
 *         EXPECT_TRAP label      resume at `label`,
 *     it records mcause, mepc, mtval and mstatus (as seen on handler entry), counts the trap,
 *     disarms itself and returns with mret. The record is checked with
 *         CHECK_TRAP cause, epc_label            exactly one trap, this mcause and mepc
 *         CHECK_TRAP_TVAL value                  mtval == value
 *         CHECK_TRAP_TVAL_ZERO_OR value          mtval == 0 or value (the privileged spec
 *                                                lets an implementation report either)
 *         CHECK_TRAP_MSTATUS mask, value         (mstatus on handler entry) & mask == value
 *         CHECK_NO_TRAP                          no trap since the last EXPECT_TRAP/NO_TRAPS
 *         NO_TRAPS                               reset the trap counter (and disarm)
 *     A trap that was not announced prints the trap and fails with TESTNUM.
 *     Tests that change mtvec must restore it (la t6, test_trap_handler; csrw mtvec, t6).
 */
#ifndef TEST_MACROS_H
#define TEST_MACROS_H

#define TESTNUM s11

/* Offsets in the trap record (test_trap_rec) */
#define TR_SAVE     0
#define TR_EXPECT   4
#define TR_RESUME   8
#define TR_CAUSE    12
#define TR_EPC      16
#define TR_TVAL     20
#define TR_STATUS   24
#define TR_COUNT    28
#define TR_SIZE     32

/* mcause values */
#define CAUSE_MISALIGNED_FETCH  0
#define CAUSE_FETCH_ACCESS      1
#define CAUSE_ILLEGAL_INSN      2
#define CAUSE_BREAKPOINT        3
#define CAUSE_MISALIGNED_LOAD   4
#define CAUSE_LOAD_ACCESS       5
#define CAUSE_MISALIGNED_STORE  6
#define CAUSE_STORE_ACCESS      7
#define CAUSE_ECALL_M           11

/* fflags bits */
#define FNX 0x01
#define FUF 0x02
#define FOF 0x04
#define FDZ 0x08
#define FNV 0x10

/* Canonical NaN and some binary32 constants */
#define F_QNAN      0x7fc00000
#define F_SNAN      0x7f800001
#define F_PINF      0x7f800000
#define F_NINF      0xff800000
#define F_PZERO     0x00000000
#define F_NZERO     0x80000000
#define F_ONE       0x3f800000
#define F_MONE      0xbf800000
#define F_TWO       0x40000000
#define F_HALF      0x3f000000
#define F_MAXF      0x7f7fffff
#define F_MINN      0x00800000
#define F_MINSUB    0x00000001

    .set test_last_num, 0

/* ------------------------------------------------------------------ numbering and checks */

/* Start check `num`. */
.macro TEST_CASE num
    .if (\num < 1) || (\num > 255)
    .error "check numbers must be 1..255"
    .endif
    .if \num <= test_last_num
    .error "check numbers must increase"
    .endif
    .set test_last_num, \num
    li      TESTNUM, \num
.endm

/* Fail unless register reg == value (an immediate). Clobbers t6. */
.macro CHECK_EQ reg, value
    li      t6, \value
    beq     \reg, t6, .Lchk_ok\@
    j       test_fail
.Lchk_ok\@:
.endm

/* Fail unless reg1 == reg2. */
.macro CHECK_EQR reg1, reg2
    beq     \reg1, \reg2, .Lchk_ok\@
    j       test_fail
.Lchk_ok\@:
.endm

/* Fail unless reg == address of label. Clobbers t6. */
.macro CHECK_ADDR reg, label
    la      t6, \label
    beq     \reg, t6, .Lchk_ok\@
    j       test_fail
.Lchk_ok\@:
.endm

/* Fail unless fflags == flags (and then clear fflags). Clobbers t5, t6. */
.macro CHECK_FFLAGS flags
    csrrw   t5, fflags, zero
    CHECK_EQ t5, \flags
.endm

/* Fail unless the bits of FP register freg == value. Clobbers t5, t6. */
.macro CHECK_FBITS freg, value
    fmv.x.w t5, \freg
    CHECK_EQ t5, \value
.endm

/* Unconditional failure of the current check. */
.macro FAIL
    j       test_fail
.endm

/* ------------------------------------------------------------------ integer tests */

/* rd = op rs1, rs2 with rs1 = a (a1), rs2 = b (a2); expect `result` in a0. */
.macro TEST_RR num, op, result, a, b
    TEST_CASE \num
    li      a1, \a
    li      a2, \b
    \op     a0, a1, a2
    CHECK_EQ a0, \result
.endm

/* rd = op rs1, imm with rs1 = a (a1); expect `result` in a0. */
.macro TEST_RI num, op, result, a, imm
    TEST_CASE \num
    li      a1, \a
    \op     a0, a1, \imm
    CHECK_EQ a0, \result
.endm

/* ------------------------------------------------------------------ floating-point tests
 * Operands and results are given as bit patterns. fflags is cleared before the operation
 * and must equal `flags` afterwards. `rm` is an optional static rounding mode (rne, rtz,
 * rdn, rup, rmm, dyn); when omitted the assembler's default (dyn) is used.
 */

/* fd = op fa1, fa2 */
.macro TEST_F_RR num, op, result, flags, a, b, rm
    TEST_CASE \num
    li      a1, \a
    li      a2, \b
    fmv.w.x fa1, a1
    fmv.w.x fa2, a2
    csrwi   fflags, 0
    .ifb \rm
    \op     fa0, fa1, fa2
    .else
    \op     fa0, fa1, fa2, \rm
    .endif
    CHECK_FFLAGS \flags
    CHECK_FBITS fa0, \result
.endm

/* fd = op fa1, fa2, fa3 (fused multiply-add family) */
.macro TEST_F_RRR num, op, result, flags, a, b, c, rm
    TEST_CASE \num
    li      a1, \a
    li      a2, \b
    li      a3, \c
    fmv.w.x fa1, a1
    fmv.w.x fa2, a2
    fmv.w.x fa3, a3
    csrwi   fflags, 0
    .ifb \rm
    \op     fa0, fa1, fa2, fa3
    .else
    \op     fa0, fa1, fa2, fa3, \rm
    .endif
    CHECK_FFLAGS \flags
    CHECK_FBITS fa0, \result
.endm

/* fd = op fa1 (fsqrt) */
.macro TEST_F_R num, op, result, flags, a, rm
    TEST_CASE \num
    li      a1, \a
    fmv.w.x fa1, a1
    csrwi   fflags, 0
    .ifb \rm
    \op     fa0, fa1
    .else
    \op     fa0, fa1, \rm
    .endif
    CHECK_FFLAGS \flags
    CHECK_FBITS fa0, \result
.endm

/* integer rd = op fa1 (fcvt.w[u].s, fclass.s, fmv.x.w) */
.macro TEST_X_F num, op, result, flags, a, rm
    TEST_CASE \num
    li      a1, \a
    fmv.w.x fa1, a1
    csrwi   fflags, 0
    .ifb \rm
    \op     a0, fa1
    .else
    \op     a0, fa1, \rm
    .endif
    CHECK_FFLAGS \flags
    CHECK_EQ a0, \result
.endm

/* integer rd = op fa1, fa2 (feq/flt/fle) */
.macro TEST_X_FF num, op, result, flags, a, b
    TEST_CASE \num
    li      a1, \a
    li      a2, \b
    fmv.w.x fa1, a1
    fmv.w.x fa2, a2
    csrwi   fflags, 0
    \op     a0, fa1, fa2
    CHECK_FFLAGS \flags
    CHECK_EQ a0, \result
.endm

/* fd = op integer a1 (fcvt.s.w[u], fmv.w.x) */
.macro TEST_F_X num, op, result, flags, a, rm
    TEST_CASE \num
    li      a1, \a
    csrwi   fflags, 0
    .ifb \rm
    \op     fa0, a1
    .else
    \op     fa0, a1, \rm
    .endif
    CHECK_FFLAGS \flags
    CHECK_FBITS fa0, \result
.endm

/* ------------------------------------------------------------------ traps */

/* Announce one trap; resume after the trapping instruction or at `resume`. Clobbers t5, t6. */
.macro EXPECT_TRAP resume
    la      t6, test_trap_rec
    .ifb \resume
    sw      zero, TR_RESUME(t6)
    .else
    la      t5, \resume
    sw      t5, TR_RESUME(t6)
    .endif
    sw      zero, TR_COUNT(t6)
    li      t5, 1
    sw      t5, TR_EXPECT(t6)
.endm

/* Reset the trap counter and disarm. Clobbers t6. */
.macro NO_TRAPS
    la      t6, test_trap_rec
    sw      zero, TR_COUNT(t6)
    sw      zero, TR_EXPECT(t6)
.endm

/* Exactly one trap with this cause, taken at `epc_label`. Clobbers t5, t6. */
.macro CHECK_TRAP cause, epc_label
    lw      t5, test_trap_rec + TR_COUNT
    CHECK_EQ t5, 1
    lw      t5, test_trap_rec + TR_CAUSE
    CHECK_EQ t5, \cause
    lw      t5, test_trap_rec + TR_EPC
    CHECK_ADDR t5, \epc_label
.endm

.macro CHECK_TRAP_TVAL value
    lw      t5, test_trap_rec + TR_TVAL
    CHECK_EQ t5, \value
.endm

.macro CHECK_TRAP_TVAL_ZERO_OR value
    lw      t5, test_trap_rec + TR_TVAL
    beqz    t5, .Lchk_tv\@
    CHECK_EQ t5, \value
.Lchk_tv\@:
.endm

/* mstatus as seen on entry to the handler, masked, must equal value. */
.macro CHECK_TRAP_MSTATUS mask, value
    lw      t5, test_trap_rec + TR_STATUS
    li      t6, \mask
    and     t5, t5, t6
    CHECK_EQ t5, \value
.endm

.macro CHECK_NO_TRAP
    lw      t5, test_trap_rec + TR_COUNT
    CHECK_EQ t5, 0
.endm

/* ------------------------------------------------------------------ program frame */

.macro TEST_BEGIN name
    /* ISA tests run on hart 0 only (pulp-cluster crt0 starts main on __main_harts cores). */
    .globl __main_harts
    .set __main_harts, 1
    .section .rodata.test_name, "a", @progbits
test_name:
    .asciz "\name"

    .text
    .globl main
    .type main, @function
main:
    la      t6, test_trap_handler
    csrw    mtvec, t6
    li      TESTNUM, 0
    NO_TRAPS
.endm

.macro TEST_END
    .size main, . - main

/* All checks passed. */
test_pass:
    la      a0, test_msg_pass
    call    __plat_puts
    la      a0, test_name
    call    __plat_puts
    li      a0, '\n'
    call    __plat_putchar
    li      a0, 0
    j       __plat_exit

/* Check TESTNUM failed (exit code TESTNUM, or 255 if no check had started). */
test_fail:
    la      a0, test_msg_fail
    call    __plat_puts
    la      a0, test_name
    call    __plat_puts
    la      a0, test_msg_check
    call    __plat_puts
    mv      a0, TESTNUM
    call    __plat_putdec
    li      a0, '\n'
    call    __plat_putchar
    mv      a0, TESTNUM
    bnez    a0, 1f
    li      a0, 255
1:  j       __plat_exit

/* Trap handler: see the top of test_macros.h. Preserves every register but t6. */
    .balign 256
    .globl test_trap_handler
test_trap_handler:
    la      t6, test_trap_rec
    sw      t5, TR_SAVE(t6)
    lw      t5, TR_EXPECT(t6)
    beqz    t5, test_unexpected_trap
    sw      zero, TR_EXPECT(t6)
    csrr    t5, mcause
    sw      t5, TR_CAUSE(t6)
    csrr    t5, mepc
    sw      t5, TR_EPC(t6)
    csrr    t5, mtval
    sw      t5, TR_TVAL(t6)
    csrr    t5, mstatus
    sw      t5, TR_STATUS(t6)
    lw      t5, TR_COUNT(t6)
    addi    t5, t5, 1
    sw      t5, TR_COUNT(t6)
    lw      t5, TR_RESUME(t6)
    sw      zero, TR_RESUME(t6)
    bnez    t5, 2f
    /* Resume after the trapping instruction: 4 bytes if its low bits are 11, else 2. */
    csrr    t5, mepc
    lhu     t5, 0(t5)
    andi    t5, t5, 3
    addi    t5, t5, -3
    csrr    t6, mepc
    bnez    t5, 1f
    addi    t6, t6, 2
1:  addi    t6, t6, 2
    mv      t5, t6
2:  csrw    mepc, t5
    la      t6, test_trap_rec
    lw      t5, TR_SAVE(t6)
    mret

test_unexpected_trap:
    csrr    s0, mcause
    csrr    s1, mepc
    csrr    s2, mtval
    la      a0, test_msg_unexp
    call    __plat_puts
    mv      a0, s0
    call    __plat_puthex
    la      a0, test_msg_mepc
    call    __plat_puts
    mv      a0, s1
    call    __plat_puthex
    la      a0, test_msg_mtval
    call    __plat_puts
    mv      a0, s2
    call    __plat_puthex
    li      a0, '\n'
    call    __plat_putchar
    j       test_fail

    .section .rodata.test_msgs, "a", @progbits
test_msg_pass:  .asciz "PASS "
test_msg_fail:  .asciz "FAIL "
test_msg_check: .asciz ": check "
test_msg_unexp: .asciz "unexpected trap: mcause="
test_msg_mepc:  .asciz " mepc="
test_msg_mtval: .asciz " mtval="

    .data
    .balign 4
    .globl test_trap_rec
test_trap_rec:
    .fill TR_SIZE / 4, 4, 0
    .text
.endm

#endif /* TEST_MACROS_H */
