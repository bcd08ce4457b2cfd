/*
 * rv32c: every RV32FC compressed instruction, written with explicit c.* mnemonics so that
 * each one is assembled to its 16-bit form (the assembler refuses otherwise):
 *   c.addi4spn c.lw c.sw c.flw c.fsw c.nop c.addi c.jal c.li c.addi16sp c.lui c.srli c.srai
 *   c.andi c.sub c.xor c.or c.and c.j c.beqz c.bnez c.slli c.lwsp c.flwsp c.jr c.mv
 *   c.ebreak c.jalr c.add c.swsp c.fswsp
 * with immediate extremes (sign extension of c.li/c.addi/c.andi/c.lui, the largest
 * offsets of the loads and stores, c.addi16sp/c.addi4spn ranges), link values pc + 2,
 * c.jalr with rs1 = ra, c.ebreak trapping with mepc at the 2-byte instruction, and 32-bit
 * instructions at addresses that are 2 mod 4 (also as jump targets).
 */
#include "test_macros.h"

    .option rvc
TEST_BEGIN rv32c
    mv      s10, sp                     /* sp is restored at the end */

    /* c.li: 6-bit sign-extended immediate, any rd */
    TEST_CASE 1
    c.li    a0, 31
    CHECK_EQ a0, 31
    c.li    t3, -32
    CHECK_EQ t3, 0xffffffe0
    c.li    s2, 0
    CHECK_EQ s2, 0
    /* c.lui: nzimm[17:12], sign-extended */
    TEST_CASE 2
    c.lui   a0, 1
    CHECK_EQ a0, 0x00001000
    c.lui   t1, 0x1f
    CHECK_EQ t1, 0x0001f000
    c.lui   s3, 0xfffe0
    CHECK_EQ s3, 0xfffe0000
    c.lui   a5, 0xfffff
    CHECK_EQ a5, 0xfffff000
    /* c.addi / c.nop */
    TEST_CASE 3
    li      a0, 100
    c.addi  a0, 1
    CHECK_EQ a0, 101
    c.addi  a0, -32
    CHECK_EQ a0, 69
    c.addi  a0, 31
    c.nop
    CHECK_EQ a0, 100
    li      t4, 0x7fffffff
    c.addi  t4, 1
    CHECK_EQ t4, 0x80000000
    /* c.slli (any rd), c.srli / c.srai (x8-x15) */
    TEST_CASE 4
    li      t0, 0x00000003
    c.slli  t0, 1
    CHECK_EQ t0, 6
    c.slli  t0, 31
    CHECK_EQ t0, 0
    li      a2, 0x80000001
    c.slli  a2, 31
    CHECK_EQ a2, 0x80000000
    TEST_CASE 5
    li      a3, 0x80000000
    c.srli  a3, 1
    CHECK_EQ a3, 0x40000000
    li      a3, 0xffffffff
    c.srli  a3, 31
    CHECK_EQ a3, 1
    li      s1, 0x80000000
    c.srai  s1, 1
    CHECK_EQ s1, 0xc0000000
    c.srai  s1, 31
    CHECK_EQ s1, 0xffffffff
    li      s0, 0x40000000
    c.srai  s0, 30
    CHECK_EQ s0, 1
    /* c.andi: 6-bit sign-extended immediate */
    TEST_CASE 6
    li      a4, 0x12345678
    c.andi  a4, -1
    CHECK_EQ a4, 0x12345678
    c.andi  a4, -32
    CHECK_EQ a4, 0x12345660
    c.andi  a4, 31
    CHECK_EQ a4, 0
    li      a4, 0xff
    c.andi  a4, 0
    CHECK_EQ a4, 0
    /* c.mv / c.add (any registers) */
    TEST_CASE 7
    li      t2, 0x11111111
    c.mv    s4, t2
    CHECK_EQ s4, 0x11111111
    li      s5, 0x22222222
    c.add   s5, s4
    CHECK_EQ s5, 0x33333333
    c.add   s5, s5
    CHECK_EQ s5, 0x66666666
    li      t6, 1
    c.mv    a0, t6
    c.add   a0, t6
    CHECK_EQ a0, 2
    /* c.sub / c.xor / c.or / c.and (x8-x15) */
    TEST_CASE 8
    li      a0, 10
    li      a1, 3
    c.sub   a0, a1
    CHECK_EQ a0, 7
    c.sub   a1, a0
    CHECK_EQ a1, 0xfffffffc
    TEST_CASE 9
    li      s0, 0xff00ff00
    li      s1, 0x0ff00ff0
    c.xor   s0, s1
    CHECK_EQ s0, 0xf0f0f0f0
    c.or    s0, s1
    CHECK_EQ s0, 0xfff0fff0
    c.and   s0, s1
    CHECK_EQ s0, 0x0ff00ff0
    c.xor   s1, s1
    CHECK_EQ s1, 0

    /* c.lw / c.sw: offsets 0..124, multiples of 4 */
    TEST_CASE 10
    la      a1, cdata
    c.lw    a0, 0(a1)
    CHECK_EQ a0, 0x01020304
    c.lw    a2, 124(a1)
    CHECK_EQ a2, 0xa5a5007c
    c.lw    a1, 4(a1)                   /* rd = rs1 */
    CHECK_EQ a1, 0x89abcdef
    TEST_CASE 11
    la      a1, cbuf
    li      a3, 0x13579bdf
    c.sw    a3, 0(a1)
    li      a4, 0x2468ace0
    c.sw    a4, 124(a1)
    lw      a0, 0(a1)
    CHECK_EQ a0, 0x13579bdf
    lw      a0, 124(a1)
    CHECK_EQ a0, 0x2468ace0
    /* c.flw / c.fsw (f8-f15, x8-x15) */
    TEST_CASE 12
    la      a1, cdata
    c.flw   fa0, 124(a1)
    CHECK_FBITS fa0, 0xa5a5007c
    c.flw   fs1, 8(a1)
    CHECK_FBITS fs1, 0x7fc00001
    TEST_CASE 13
    la      a2, cbuf
    c.fsw   fs1, 120(a2)
    lw      a0, 120(a2)
    CHECK_EQ a0, 0x7fc00001
    c.fsw   fa0, 0(a2)
    lw      a0, 0(a2)
    CHECK_EQ a0, 0xa5a5007c

    /* sp-relative forms: sp points into cdata/cbuf for a while */
    TEST_CASE 14
    la      sp, cdata
    c.lwsp  a0, 0(sp)
    CHECK_EQ a0, 0x01020304
    c.lwsp  t5, 252(sp)
    CHECK_EQ t5, 0x5a5a00fc
    c.lwsp  ra, 124(sp)
    CHECK_EQ ra, 0xa5a5007c
    c.flwsp ft7, 8(sp)
    CHECK_FBITS ft7, 0x7fc00001
    c.flwsp fs11, 252(sp)
    CHECK_FBITS fs11, 0x5a5a00fc
    TEST_CASE 15
    la      sp, cbuf
    li      s6, 0xdeadbeef
    c.swsp  s6, 252(sp)
    c.swsp  zero, 4(sp)
    li      t0, 0x3f800000
    fmv.w.x ft3, t0
    c.fswsp ft3, 128(sp)
    la      a1, cbuf
    lw      a0, 252(a1)
    CHECK_EQ a0, 0xdeadbeef
    lw      a0, 4(a1)
    CHECK_EQ a0, 0
    lw      a0, 128(a1)
    CHECK_EQ a0, 0x3f800000
    /* c.addi16sp: sp += 16 * imm, -512..496 */
    TEST_CASE 16
    la      sp, cbuf + 1024
    c.addi16sp sp, -512
    CHECK_ADDR sp, cbuf + 512
    c.addi16sp sp, 496
    CHECK_ADDR sp, cbuf + 1008
    c.addi16sp sp, 16
    CHECK_ADDR sp, cbuf + 1024
    /* c.addi4spn: rd' = sp + 4 * nzuimm, 4..1020 */
    TEST_CASE 17
    la      sp, cbuf
    c.addi4spn a0, sp, 4
    CHECK_ADDR a0, cbuf + 4
    c.addi4spn s1, sp, 1020
    CHECK_ADDR s1, cbuf + 1020
    mv      sp, s10

    /* c.j forward and backward */
    TEST_CASE 20
    c.j     1f
    j       test_fail
2:  c.j     3f
1:  c.j     2b
    j       test_fail
3:
    /* c.jal: ra = pc + 2 */
    TEST_CASE 21
.Lcjal_src:
    c.jal   .Lcjal_dst
.Lcjal_ret:
    j       test_fail
.Lcjal_dst:
    CHECK_ADDR ra, .Lcjal_ret
    la      t0, .Lcjal_src + 2
    CHECK_EQR ra, t0
    /* c.jr */
    TEST_CASE 22
    li      ra, 0x1234
    la      a1, 4f
    c.jr    a1
    j       test_fail
4:  CHECK_EQ ra, 0x1234
    /* c.jalr: ra = pc + 2 */
    TEST_CASE 23
    la      t1, .Lcjalr_dst
.Lcjalr_src:
    c.jalr  t1
.Lcjalr_ret:
    j       test_fail
.Lcjalr_dst:
    CHECK_ADDR ra, .Lcjalr_ret
    /* c.jalr ra: the target is the old ra */
    TEST_CASE 24
    la      ra, .Lcjalr2_dst
    c.jalr  ra
.Lcjalr2_ret:
    j       test_fail
.Lcjalr2_dst:
    CHECK_ADDR ra, .Lcjalr2_ret
    /* a subroutine called with c.jal, returning with c.jr ra */
    TEST_CASE 25
    li      a0, 21
    c.jal   .Lc_double
    CHECK_EQ a0, 42

    /* c.beqz / c.bnez (x8-x15), both directions */
    TEST_CASE 30
    li      a0, 0
    c.beqz  a0, 5f
    j       test_fail
5:  li      a0, 0x80000000
    c.beqz  a0, .Lc_fail
    c.bnez  a0, 6f
    j       test_fail
6:  li      a0, 0
    c.bnez  a0, .Lc_fail
    TEST_CASE 31
    li      s1, 5
    li      a0, 0
7:  addi    a0, a0, 2
    c.addi  s1, -1
    c.bnez  s1, 7b
    CHECK_EQ a0, 10
    li      s0, 3
8:  c.addi  s0, -1
    c.beqz  s0, 9f
    c.j     8b
9:  CHECK_EQ s0, 0

    /* 32-bit instructions at pc = 2 mod 4 and 2-byte-aligned jump targets */
    TEST_CASE 40
    li      a0, 0
    .balign 4
    c.nop
    .option push
    .option norvc
    addi    a0, a0, 1                   /* at 2 mod 4: spans two words */
    addi    a0, a0, 2
    .option pop
    c.addi  a0, 4
    CHECK_EQ a0, 7
    TEST_CASE 41
    la      a1, .Lodd_target
    andi    a2, a1, 3
    CHECK_EQ a2, 2
    jalr    ra, 0(a1)
    CHECK_EQ a0, 0x55
    c.j     .Lodd_done
    .balign 4
    c.nop
.Lodd_target:                           /* 2 mod 4 */
    .option push
    .option norvc
    li      a0, 0x55
    .option pop
    c.jr    ra
.Lodd_done:

    /* c.ebreak: breakpoint trap, mepc at the 16-bit instruction, resume at pc + 2 */
    TEST_CASE 50
    EXPECT_TRAP
    li      a0, 0
.Lcebreak:
    c.ebreak
    c.li    a0, 9                       /* executed after the trap returns */
    CHECK_EQ a0, 9
    CHECK_TRAP CAUSE_BREAKPOINT, .Lcebreak
    /* mtval: 0 or the address of the c.ebreak (both allowed by the privileged spec) */
    lw      t5, test_trap_rec + TR_TVAL
    beqz    t5, 1f
    CHECK_ADDR t5, .Lcebreak
1:

    mv      sp, s10
    j       test_pass

.Lc_double:
    c.add   a0, a0
    c.jr    ra

.Lc_fail:
    j       test_fail
TEST_END

    .data
    .balign 16
cdata:
    .word   0x01020304, 0x89abcdef, 0x7fc00001
    .fill   (124 - 12) / 4, 4, 0
    .word   0xa5a5007c                  /* offset 124 */
    .fill   (252 - 128) / 4, 4, 0
    .word   0x5a5a00fc                  /* offset 252 */
    .balign 16
cbuf:
    .fill   1024 / 4, 4, 0
