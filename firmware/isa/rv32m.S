/*
 * rv32m: mul/mulh/mulhsu/mulhu/div/divu/rem/remu with sign combinations, INT_MIN, -1,
 * all-ones operands, division by zero (quotient all ones, remainder = dividend, no trap)
 * and the INT_MIN / -1 overflow (quotient INT_MIN, remainder 0), plus rd = rs aliasing.
 * Base (32-bit) encodings only.
 */
#include "test_macros.h"

    .option norvc
    .option norelax
TEST_BEGIN rv32m

    /* mul: low 32 bits, the same signed or unsigned */
    TEST_RR   1, mul,    0x00000000, 0x00000000, 0x00000000
    TEST_RR   2, mul,    0x00000001, 0x00000001, 0x00000001
    TEST_RR   3, mul,    0x00000015, 0x00000003, 0x00000007
    TEST_RR   4, mul,    0xffffffeb, 0xfffffffd, 0x00000007
    TEST_RR   5, mul,    0x00000001, 0xffffffff, 0xffffffff
    TEST_RR   6, mul,    0x00000000, 0x80000000, 0x80000000
    TEST_RR   7, mul,    0x80000000, 0x80000000, 0xffffffff
    TEST_RR   8, mul,    0xfffe0001, 0x0000ffff, 0x0000ffff
    TEST_RR   9, mul,    0x242d2080, 0x12345678, 0x9abcdef0
    /* mulh: high 32 bits of signed x signed */
    TEST_RR  10, mulh,   0x00000000, 0x00000000, 0x00000000
    TEST_RR  11, mulh,   0x00000000, 0xffffffff, 0xffffffff
    TEST_RR  12, mulh,   0x40000000, 0x80000000, 0x80000000
    TEST_RR  13, mulh,   0x00000000, 0x80000000, 0xffffffff
    TEST_RR  14, mulh,   0xc0000000, 0x80000000, 0x7fffffff
    TEST_RR  15, mulh,   0x3fffffff, 0x7fffffff, 0x7fffffff
    TEST_RR  16, mulh,   0xffffffff, 0xffffffff, 0x00000001
    TEST_RR  17, mulh,   0xffff0000, 0xff00007f, 0x00ffffff
    /* mulhsu: high 32 bits of signed rs1 x unsigned rs2 */
    TEST_RR  20, mulhsu, 0x00000000, 0x00000000, 0xffffffff
    TEST_RR  21, mulhsu, 0xffffffff, 0xffffffff, 0xffffffff
    TEST_RR  22, mulhsu, 0x80000000, 0x80000000, 0xffffffff
    TEST_RR  23, mulhsu, 0x7ffffffe, 0x7fffffff, 0xffffffff
    TEST_RR  24, mulhsu, 0xc0000000, 0x80000000, 0x80000000
    TEST_RR  25, mulhsu, 0xffffffff, 0xffffffff, 0x00000001
    TEST_RR  26, mulhsu, 0x00000000, 0x00000001, 0xffffffff
    /* mulhu: high 32 bits of unsigned x unsigned */
    TEST_RR  30, mulhu,  0x00000000, 0x00000000, 0x00000000
    TEST_RR  31, mulhu,  0xfffffffe, 0xffffffff, 0xffffffff
    TEST_RR  32, mulhu,  0x40000000, 0x80000000, 0x80000000
    TEST_RR  33, mulhu,  0x7fffffff, 0x80000000, 0xffffffff
    TEST_RR  34, mulhu,  0x00000000, 0xffffffff, 0x00000001
    TEST_RR  35, mulhu,  0x0b00ea4e, 0x12345678, 0x9abcdef0
    /* div: truncating toward zero */
    TEST_RR  40, div,    0x00000003, 0x00000014, 0x00000006
    TEST_RR  41, div,    0xfffffffd, 0xffffffec, 0x00000006
    TEST_RR  42, div,    0xfffffffd, 0x00000014, 0xfffffffa
    TEST_RR  43, div,    0x00000003, 0xffffffec, 0xfffffffa
    TEST_RR  44, div,    0x00000000, 0x00000001, 0x00000002
    TEST_RR  45, div,    0x80000000, 0x80000000, 0x00000001
    TEST_RR  46, div,    0x80000000, 0x80000000, 0xffffffff    /* overflow */
    TEST_RR  47, div,    0xffffffff, 0x00000007, 0x00000000    /* by zero */
    TEST_RR  48, div,    0xffffffff, 0x80000000, 0x00000000
    TEST_RR  49, div,    0xffffffff, 0x00000000, 0x00000000
    TEST_RR  50, div,    0x00000001, 0x80000000, 0x80000000
    TEST_RR  51, div,    0xc0000000, 0x80000000, 0x00000002
    /* divu */
    TEST_RR  55, divu,   0x00000003, 0x00000014, 0x00000006
    TEST_RR  56, divu,   0x2aaaaaa7, 0xffffffec, 0x00000006
    TEST_RR  57, divu,   0x00000000, 0x00000014, 0xfffffffa
    TEST_RR  58, divu,   0x00000000, 0xffffffec, 0xfffffffa
    TEST_RR  59, divu,   0x00000000, 0x80000000, 0xffffffff
    TEST_RR  60, divu,   0xffffffff, 0x00000007, 0x00000000    /* by zero */
    TEST_RR  61, divu,   0xffffffff, 0x00000000, 0x00000000
    TEST_RR  62, divu,   0xffffffff, 0xffffffff, 0x00000001
    /* rem: sign of the dividend */
    TEST_RR  65, rem,    0x00000002, 0x00000014, 0x00000006
    TEST_RR  66, rem,    0xfffffffe, 0xffffffec, 0x00000006
    TEST_RR  67, rem,    0x00000002, 0x00000014, 0xfffffffa
    TEST_RR  68, rem,    0xfffffffe, 0xffffffec, 0xfffffffa
    TEST_RR  69, rem,    0x00000000, 0x80000000, 0x00000001
    TEST_RR  70, rem,    0x00000000, 0x80000000, 0xffffffff    /* overflow */
    TEST_RR  71, rem,    0x00000007, 0x00000007, 0x00000000    /* by zero */
    TEST_RR  72, rem,    0x80000000, 0x80000000, 0x00000000
    TEST_RR  73, rem,    0xffffffff, 0xffffffff, 0x00000000
    TEST_RR  74, rem,    0x00000000, 0x00000000, 0x00000000
    TEST_RR  75, rem,    0xffffffff, 0x80000000, 0x7fffffff
    /* remu */
    TEST_RR  80, remu,   0x00000002, 0x00000014, 0x00000006
    TEST_RR  81, remu,   0x00000002, 0xffffffec, 0x00000006
    TEST_RR  82, remu,   0x00000014, 0x00000014, 0xfffffffa
    TEST_RR  83, remu,   0xffffffec, 0xffffffec, 0xfffffffa
    TEST_RR  84, remu,   0x00000007, 0x00000007, 0x00000000    /* by zero */
    TEST_RR  85, remu,   0xffffffff, 0xffffffff, 0x00000000
    TEST_RR  86, remu,   0x00000000, 0x80000000, 0x00000001
    TEST_RR  87, remu,   0x7fffffff, 0xffffffff, 0x80000000

    /* rd = rs1 = rs2 */
    TEST_CASE 90
    li      a0, 0xffff
    mul     a0, a0, a0
    CHECK_EQ a0, 0xfffe0001
    TEST_CASE 91
    li      a0, 0x80000000
    mulhu   a0, a0, a0
    CHECK_EQ a0, 0x40000000
    TEST_CASE 92
    li      a0, -9
    div     a0, a0, a0
    CHECK_EQ a0, 1
    TEST_CASE 93
    li      a0, -9
    rem     a0, a0, a0
    CHECK_EQ a0, 0
    /* mulh + mul pair (the sequence compilers emit for 64-bit products) */
    TEST_CASE 94
    li      a1, 0x87654321
    li      a2, 0x0fedcba9
    mulh    a3, a1, a2
    mul     a4, a1, a2
    CHECK_EQ a3, 0xf87ee7bb
    CHECK_EQ a4, 0xc2a17bc9
    /* x0 destination */
    TEST_CASE 95
    li      a1, 7
    div     x0, a1, a1
    mul     x0, a1, a1
    CHECK_EQ x0, 0
    /* division by zero does not trap */
    TEST_CASE 96
    CHECK_NO_TRAP

    j       test_pass
TEST_END
