/*
 * rv32i-branch: beq/bne/blt/bge/bltu/bgeu taken and not taken (signed vs unsigned corner
 * values, equal operands, the same register twice, backward loops, offsets near +-4 KiB),
 * jal and jalr link values, jalr with rd = rs1, negative offsets, and jalr clearing bit 0
 * of the target (an odd target address is not a misaligned-fetch trap).
 * Base (32-bit) encodings only.
 */
#include "test_macros.h"

/* The branch must be taken. */
.macro TAKEN num, br, a, b
    TEST_CASE \num
    li      a1, \a
    li      a2, \b
    \br     a1, a2, .Ltk\@
    j       test_fail
.Ltk\@:
.endm

/* The branch must not be taken. */
.macro NOT_TAKEN num, br, a, b
    TEST_CASE \num
    li      a1, \a
    li      a2, \b
    \br     a1, a2, .Lnt_bad\@
    j       .Lnt_ok\@
.Lnt_bad\@:
    j       test_fail
.Lnt_ok\@:
.endm

    .option norvc
    .option norelax
TEST_BEGIN rv32i-branch

    TAKEN      1, beq,  0, 0
    TAKEN      2, beq,  0xffffffff, 0xffffffff
    NOT_TAKEN  3, beq,  0, 1
    NOT_TAKEN  4, beq,  0x80000000, 0x00000000
    TAKEN      5, bne,  0, 1
    TAKEN      6, bne,  0x80000000, 0x00000000
    NOT_TAKEN  7, bne,  0x12345678, 0x12345678
    TAKEN     10, blt,  0xffffffff, 0x00000001
    TAKEN     11, blt,  0x80000000, 0x7fffffff
    TAKEN     12, blt,  0xfffffffe, 0xffffffff
    NOT_TAKEN 13, blt,  0x00000001, 0xffffffff
    NOT_TAKEN 14, blt,  0x00000005, 0x00000005
    NOT_TAKEN 15, blt,  0x7fffffff, 0x80000000
    TAKEN     20, bge,  0x00000001, 0xffffffff
    TAKEN     21, bge,  0x00000005, 0x00000005
    TAKEN     22, bge,  0x80000000, 0x80000000
    TAKEN     23, bge,  0x7fffffff, 0x80000000
    NOT_TAKEN 24, bge,  0xffffffff, 0x00000000
    NOT_TAKEN 25, bge,  0x80000000, 0x7fffffff
    TAKEN     30, bltu, 0x00000001, 0xffffffff
    TAKEN     31, bltu, 0x7fffffff, 0x80000000
    TAKEN     32, bltu, 0x00000000, 0x00000001
    NOT_TAKEN 33, bltu, 0xffffffff, 0x00000001
    NOT_TAKEN 34, bltu, 0x80000000, 0x80000000
    NOT_TAKEN 35, bltu, 0x80000000, 0x7fffffff
    TAKEN     40, bgeu, 0xffffffff, 0x00000001
    TAKEN     41, bgeu, 0x80000000, 0x7fffffff
    TAKEN     42, bgeu, 0x00000000, 0x00000000
    TAKEN     43, bgeu, 0xffffffff, 0xffffffff
    NOT_TAKEN 44, bgeu, 0x00000001, 0xffffffff
    NOT_TAKEN 45, bgeu, 0x7fffffff, 0x80000000

    /* One register as both operands, and x0. */
    TEST_CASE 50
    li      a1, 0x80000000
    beq     a1, a1, 1f
    j       test_fail
1:  bge     a1, a1, 2f
    j       test_fail
2:  bgeu    a1, a1, 3f
    j       test_fail
3:  blt     a1, a1, test_fail_near
    bltu    a1, a1, test_fail_near
    bne     a1, a1, test_fail_near
    blt     x0, a1, test_fail_near     /* 0 < INT_MIN is false */
    bltu    a1, x0, test_fail_near     /* nothing is unsigned-below 0 */
    bgeu    x0, a1, test_fail_near
    blt     a1, x0, 4f
    j       test_fail
4:

    /* Backward branch: a counted loop. */
    TEST_CASE 51
    li      a0, 0
    li      a1, 10
5:  addi    a0, a0, 3
    addi    a1, a1, -1
    bnez    a1, 5b
    CHECK_EQ a0, 30

    /* Branches with the largest offsets: forward to +4092 and back from there by -4096. */
    TEST_CASE 52
    li      a0, 0
    beq     x0, x0, .Lfar_fwd          /* +4092: the branch and .Lfar_fwd are 4092 apart */
.Lfar_start:
    .fill   (4092 - 4) / 4, 4, 0x0000006f   /* `jal x0, 0`: a trap for a wrong target */
.Lfar_fwd:
    j       .Lfar_back_src
.Lfar_back_dst:
    addi    a0, a0, 1
    j       .Lfar_done
    .fill   (4096 - 12) / 4, 4, 0x0000006f
.Lfar_back_src:
    addi    a0, a0, 1
.Lfar_back_br:
    beq     x0, x0, .Lfar_back_dst     /* -4096 */
.Lfar_done:
    CHECK_EQ a0, 2
    /* The forward distance is checked here; the backward one can be seen in the .dis. */
    .if (.Lfar_fwd - .Lfar_start + 4) != 4092
    .error "far forward branch distance"
    .endif

    /* jal: link = pc + 4 */
    TEST_CASE 60
.Ljal_src:
    jal     ra, .Ljal_dst
.Ljal_ret:
    j       test_fail
.Ljal_dst:
    CHECK_ADDR ra, .Ljal_ret
    /* jal with another link register, backwards */
    TEST_CASE 61
    j       .Ljal2_src
.Ljal2_dst:
    CHECK_ADDR t0, .Ljal2_ret
    j       .Ljal2_done
.Ljal2_src:
    jal     t0, .Ljal2_dst
.Ljal2_ret:
    j       test_fail
.Ljal2_done:
    /* jal x0 (j) writes nothing */
    TEST_CASE 62
    li      ra, 0x1234
    jal     x0, 6f
    j       test_fail
6:  CHECK_EQ ra, 0x1234

    /* jalr: target = (rs1 + imm) & ~1, link = pc + 4 */
    TEST_CASE 70
    la      a1, .Ljalr1_dst
.Ljalr1_src:
    jalr    ra, 0(a1)
.Ljalr1_ret:
    j       test_fail
.Ljalr1_dst:
    CHECK_ADDR ra, .Ljalr1_ret
    TEST_CASE 71                        /* positive offset */
    la      a1, .Ljalr2_dst - 100
    jalr    t1, 100(a1)
.Ljalr2_ret:
    j       test_fail
.Ljalr2_dst:
    CHECK_ADDR t1, .Ljalr2_ret
    TEST_CASE 72                        /* negative offset */
    la      a1, .Ljalr3_dst + 2047
    jalr    t1, -2047(a1)
.Ljalr3_ret:
    j       test_fail
.Ljalr3_dst:
    CHECK_ADDR t1, .Ljalr3_ret
    TEST_CASE 73                        /* rd = rs1: the target uses the old value */
    la      a1, .Ljalr4_dst
    jalr    a1, 0(a1)
.Ljalr4_ret:
    j       test_fail
.Ljalr4_dst:
    CHECK_ADDR a1, .Ljalr4_ret
    TEST_CASE 74                        /* odd register value: bit 0 is cleared, no trap */
    NO_TRAPS
    la      a1, .Ljalr5_dst + 1
    jalr    ra, 0(a1)
    j       test_fail
.Ljalr5_dst:
    CHECK_NO_TRAP
    TEST_CASE 75                        /* odd sum of an even register and an odd offset */
    la      a1, .Ljalr6_dst - 1
    jalr    ra, 2(a1)                   /* (dst - 1 + 2) & ~1 = dst */
    j       test_fail
.Ljalr6_dst:
    CHECK_NO_TRAP
    TEST_CASE 76                        /* jalr x0 (jr) writes nothing */
    li      ra, 0x4321
    la      a1, 7f
    jalr    x0, 0(a1)
    j       test_fail
7:  CHECK_EQ ra, 0x4321
    TEST_CASE 77                        /* call and return through a subroutine */
    li      a0, 5
    jal     ra, .Lsub_double
    jal     ra, .Lsub_double
    CHECK_EQ a0, 20

    j       test_pass

.Lsub_double:
    add     a0, a0, a0
    jalr    x0, 0(ra)

test_fail_near:
    j       test_fail
TEST_END
