/*
 * rv32i-alu: RV32I register-register and register-immediate arithmetic, logic, shifts,
 * comparisons, lui and auipc, with corner values (0, 1, -1, INT_MIN, INT_MAX, shift
 * amounts 0/31 and register shift amounts >= 32), x0 as destination and rd = rs aliasing.
 * Base (32-bit) encodings only: compressed forms are covered by rv32c.
 */
#include "test_macros.h"

    .option norvc
    .option norelax
TEST_BEGIN rv32i-alu

    /* add */
    TEST_RR   1, add, 0x00000000, 0x00000000, 0x00000000
    TEST_RR   2, add, 0x00000002, 0x00000001, 0x00000001
    TEST_RR   3, add, 0x0000000a, 0x00000003, 0x00000007
    TEST_RR   4, add, 0x80000000, 0x7fffffff, 0x00000001
    TEST_RR   5, add, 0x00000000, 0xffffffff, 0x00000001
    TEST_RR   6, add, 0x00000000, 0x80000000, 0x80000000
    TEST_RR   7, add, 0xfffffffe, 0xffffffff, 0xffffffff
    TEST_RR   8, add, 0x7fffffff, 0x80000000, 0xffffffff
    /* sub */
    TEST_RR  10, sub, 0x00000000, 0x00000000, 0x00000000
    TEST_RR  11, sub, 0xfffffffc, 0x00000003, 0x00000007
    TEST_RR  12, sub, 0x7fffffff, 0x80000000, 0x00000001
    TEST_RR  13, sub, 0x80000000, 0x00000000, 0x80000000
    TEST_RR  14, sub, 0x00000001, 0x00000000, 0xffffffff
    TEST_RR  15, sub, 0x80000001, 0x00000000, 0x7fffffff
    /* addi: 12-bit sign-extended immediates */
    TEST_RI  20, addi, 0x000007ff, 0x00000000, 2047
    TEST_RI  21, addi, 0xfffff800, 0x00000000, -2048
    TEST_RI  22, addi, 0xffffffff, 0x00000000, -1
    TEST_RI  23, addi, 0x80000000, 0x7fffffff, 1
    TEST_RI  24, addi, 0x7fffffff, 0x80000000, -1
    TEST_RI  25, addi, 0x00000000, 0xffffffff, 1
    TEST_RI  26, addi, 0x800007fe, 0x7fffffff, 2047
    /* and / or / xor */
    TEST_RR  30, and, 0x0f000f00, 0xff00ff00, 0x0f0f0f0f
    TEST_RR  31, and, 0x00000000, 0xaaaaaaaa, 0x55555555
    TEST_RR  32, or,  0xff0fff0f, 0xff00ff00, 0x0f0f0f0f
    TEST_RR  33, or,  0xffffffff, 0xaaaaaaaa, 0x55555555
    TEST_RR  34, xor, 0xf00ff00f, 0xff00ff00, 0x0f0f0f0f
    TEST_RR  35, xor, 0x00000000, 0x12345678, 0x12345678
    /* andi / ori / xori: the immediate is sign-extended */
    TEST_RI  40, andi, 0x00000700, 0xff00ff00, 0x70f
    TEST_RI  41, andi, 0xff00ff00, 0xff00ff00, -1
    TEST_RI  42, andi, 0xff00f800, 0xff00ff00, -2048
    TEST_RI  43, ori,  0xff00ff0f, 0xff00ff00, 0x00f
    TEST_RI  44, ori,  0xfffff80f, 0x0000000f, -2048
    TEST_RI  45, xori, 0x00ff00ff, 0xff00ff00, -1
    TEST_RI  46, xori, 0xff00f8ff, 0xff00ff00, 0x7ff
    /* sll / srl / sra: only rs2[4:0] counts */
    TEST_RR  50, sll, 0x00000001, 0x00000001, 0
    TEST_RR  51, sll, 0x80000000, 0x00000001, 31
    TEST_RR  52, sll, 0x00000002, 0x00000001, 33
    TEST_RR  53, sll, 0x21212121, 0x21212121, 0xffffffe0
    TEST_RR  54, sll, 0x42424242, 0x21212121, 0xffffffc1
    TEST_RR  55, srl, 0x7fffffff, 0xffffffff, 1
    TEST_RR  56, srl, 0x00000001, 0x80000000, 31
    TEST_RR  57, srl, 0x80000000, 0x80000000, 32
    TEST_RR  58, srl, 0x00000001, 0xffffffff, 0xffffffff
    TEST_RR  59, sra, 0xc0000000, 0x80000000, 1
    TEST_RR  60, sra, 0xffffffff, 0x80000000, 31
    TEST_RR  61, sra, 0x3fffffff, 0x7fffffff, 1
    TEST_RR  62, sra, 0x81818181, 0x81818181, 0xffffffe0
    TEST_RR  63, sra, 0xfc0c0c0c, 0x81818181, 0x00000025
    /* slli / srli / srai */
    TEST_RI  70, slli, 0x00000001, 0x00000001, 0
    TEST_RI  71, slli, 0x80000000, 0x00000001, 31
    TEST_RI  72, slli, 0x90909080, 0x21212121, 7
    TEST_RI  73, srli, 0xffffffff, 0xffffffff, 0
    TEST_RI  74, srli, 0x00000001, 0xffffffff, 31
    TEST_RI  75, srli, 0x01030303, 0x81818181, 7
    TEST_RI  76, srai, 0x81818181, 0x81818181, 0
    TEST_RI  77, srai, 0xffffffff, 0x81818181, 31
    TEST_RI  78, srai, 0xff030303, 0x81818181, 7
    TEST_RI  79, srai, 0x00000000, 0x7fffffff, 31
    /* slt / sltu */
    TEST_RR  80, slt,  0, 0x00000000, 0x00000000
    TEST_RR  81, slt,  1, 0xffffffff, 0x00000001
    TEST_RR  82, slt,  0, 0x00000001, 0xffffffff
    TEST_RR  83, slt,  1, 0x80000000, 0x7fffffff
    TEST_RR  84, slt,  0, 0x7fffffff, 0x80000000
    TEST_RR  85, sltu, 0, 0xffffffff, 0x00000001
    TEST_RR  86, sltu, 1, 0x00000001, 0xffffffff
    TEST_RR  87, sltu, 0, 0x80000000, 0x7fffffff
    TEST_RR  88, sltu, 1, 0x7fffffff, 0x80000000
    TEST_RR  89, sltu, 0, 0x12345678, 0x12345678
    /* slti / sltiu: the immediate is sign-extended, then compared signed / unsigned */
    TEST_RI  90, slti,  1, 0xffffffff, 0
    TEST_RI  91, slti,  0, 0x00000000, -1
    TEST_RI  92, slti,  1, 0x80000000, -2048
    TEST_RI  93, slti,  0, 0x000007ff, 2047
    TEST_RI  94, slti,  1, 0x000007fe, 2047
    TEST_RI  95, sltiu, 1, 0x00000000, 1
    TEST_RI  96, sltiu, 0, 0x00000001, 1
    TEST_RI  97, sltiu, 1, 0xfffffffe, -1
    TEST_RI  98, sltiu, 0, 0xffffffff, -1
    TEST_RI  99, sltiu, 1, 0x7fffffff, -2048

    /* lui */
    TEST_CASE 100
    lui     a0, 0x80000
    CHECK_EQ a0, 0x80000000
    TEST_CASE 101
    lui     a0, 0xfffff
    CHECK_EQ a0, 0xfffff000
    TEST_CASE 102
    lui     a0, 0x12345
    addi    a0, a0, -1             /* lui + negative addi, as li builds constants */
    CHECK_EQ a0, 0x12344fff
    TEST_CASE 103
    li      a0, -1
    lui     a0, 0                  /* the low 12 bits are cleared, not kept */
    CHECK_EQ a0, 0

    /* auipc: pc of the auipc itself plus imm << 12 */
    TEST_CASE 110
1:  auipc   a0, 0
    la      a1, 1b
    CHECK_EQR a0, a1
    TEST_CASE 111
2:  auipc   a0, 0x12345
    la      a1, 2b
    sub     a0, a0, a1
    CHECK_EQ a0, 0x12345000
    TEST_CASE 112
3:  auipc   a0, 0xfffff            /* pc - 4096 */
    la      a1, 3b
    sub     a0, a1, a0
    CHECK_EQ a0, 0x1000

    /* x0 is never written */
    TEST_CASE 120
    li      a1, 5
    add     x0, a1, a1
    addi    x0, x0, 7
    lui     x0, 0x12345
    auipc   x0, 1
    sltiu   x0, x0, 1
    CHECK_EQ x0, 0
    TEST_CASE 121
    li      a0, 0x5555
    add     a0, a0, x0             /* x0 reads as zero */
    sub     a0, a0, zero
    or      a0, a0, x0
    CHECK_EQ a0, 0x5555

    /* rd = rs1 = rs2 */
    TEST_CASE 130
    li      a0, 0x40000001
    add     a0, a0, a0
    CHECK_EQ a0, 0x80000002
    TEST_CASE 131
    li      a0, 0x12345678
    sub     a0, a0, a0
    CHECK_EQ a0, 0
    TEST_CASE 132
    li      a0, 3
    sll     a0, a0, a0
    CHECK_EQ a0, 24
    TEST_CASE 133
    li      a0, -5
    slt     a0, a0, a0
    CHECK_EQ a0, 0
    TEST_CASE 134
    li      a0, 0x00ff00ff
    xori    a0, a0, -1
    CHECK_EQ a0, 0xff00ff00
    /* a dependent chain through several registers */
    TEST_CASE 135
    li      a0, 1
    slli    a1, a0, 4              /* 16 */
    add     a2, a1, a0             /* 17 */
    sub     a3, a2, a1             /* 1 */
    xor     a4, a3, a2             /* 16 */
    or      a5, a4, a0             /* 17 */
    srai    a6, a5, 1              /* 8 */
    and     a7, a6, a5             /* 0 */
    sltu    t0, a7, a6             /* 1 */
    add     t0, t0, a6             /* 9 */
    CHECK_EQ t0, 9

    /* nop, fence and fence.i are accepted and change nothing */
    TEST_CASE 140
    li      a0, 77
    nop
    fence
    fence   rw, rw
    fence.i
    CHECK_EQ a0, 77

    j       test_pass
TEST_END
