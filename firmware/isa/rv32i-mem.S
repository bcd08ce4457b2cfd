/*
 * rv32i-mem: lb/lh/lw/lbu/lhu/sb/sh/sw: sign and zero extension, every byte and halfword
 * position, positive and negative offsets, partial stores leaving neighbouring bytes
 * alone, rd = rs1, loads to x0, store-to-load forwarding, and misaligned loads and stores
 * to memory (including ones that cross a word boundary), which must be performed.
 * Base (32-bit) encodings only.
 */
#include "test_macros.h"

/* a0 = op offset(a1) with a1 = address of `label`; expect result */
.macro TEST_LD num, op, result, label, offset
    TEST_CASE \num
    la      a1, \label
    \op     a0, \offset(a1)
    CHECK_EQ a0, \result
.endm

    .option norvc
    .option norelax
TEST_BEGIN rv32i-mem

    /* lw / lh / lhu / lb / lbu of src = 80 81 82 83 | 7f 01 ff fe | ... (little-endian) */
    TEST_LD   1, lw,  0x83828180, src, 0
    TEST_LD   2, lw,  0xfeff017f, src, 4
    TEST_LD   3, lw,  0x83828180, src + 8, -8
    TEST_LD   4, lh,  0xffff8180, src, 0
    TEST_LD   5, lh,  0xffff8382, src, 2
    TEST_LD   6, lh,  0x0000017f, src, 4
    TEST_LD   7, lh,  0xfffffeff, src, 6
    TEST_LD   8, lhu, 0x00008180, src, 0
    TEST_LD   9, lhu, 0x00008382, src, 2
    TEST_LD  10, lhu, 0x0000017f, src, 4
    TEST_LD  11, lhu, 0x0000feff, src, 6
    TEST_LD  12, lb,  0xffffff80, src, 0
    TEST_LD  13, lb,  0xffffff81, src, 1
    TEST_LD  14, lb,  0xffffff82, src, 2
    TEST_LD  15, lb,  0xffffff83, src, 3
    TEST_LD  16, lb,  0x0000007f, src, 4
    TEST_LD  17, lb,  0x00000001, src, 5
    TEST_LD  18, lb,  0xffffffff, src, 6
    TEST_LD  19, lb,  0xfffffffe, src + 8, -1
    TEST_LD  20, lbu, 0x00000080, src, 0
    TEST_LD  21, lbu, 0x00000083, src, 3
    TEST_LD  22, lbu, 0x0000007f, src, 4
    TEST_LD  23, lbu, 0x000000ff, src, 6
    TEST_LD  24, lbu, 0x000000fe, src + 8, -1
    TEST_LD  25, lw,  0x33221100, src + 2048, -2048 + 8
    TEST_LD  26, lw,  0x77665544, src, 12

    /* rd = rs1 */
    TEST_CASE 30
    la      a1, src
    lw      a1, 4(a1)
    CHECK_EQ a1, 0xfeff017f
    /* a load to x0 leaves x0 zero */
    TEST_CASE 31
    la      a1, src
    lw      x0, 0(a1)
    lb      x0, 1(a1)
    CHECK_EQ x0, 0

    /* sw / sh / sb */
    TEST_CASE 40
    la      a1, dst
    li      a2, 0x12345678
    sw      a2, 0(a1)
    lw      a0, 0(a1)                  /* store-to-load forwarding */
    CHECK_EQ a0, 0x12345678
    TEST_CASE 41
    li      a2, 0xabcd
    sh      a2, 0(a1)
    lw      a0, 0(a1)
    CHECK_EQ a0, 0x1234abcd
    TEST_CASE 42
    li      a2, 0xffff8765                 /* only the low half is stored */
    sh      a2, 2(a1)
    lw      a0, 0(a1)
    CHECK_EQ a0, 0x8765abcd
    TEST_CASE 43
    li      a2, 0x99
    sb      a2, 1(a1)
    lw      a0, 0(a1)
    CHECK_EQ a0, 0x876599cd
    TEST_CASE 44
    li      a2, 0xfffffe11
    sb      a2, 3(a1)
    sb      a2, 0(a1)
    lw      a0, 0(a1)
    CHECK_EQ a0, 0x11659911
    TEST_CASE 45                       /* neighbours untouched */
    lw      a0, -4(a1)
    CHECK_EQ a0, 0xa5a5a5a5
    lw      a0, 4(a1)
    CHECK_EQ a0, 0x5a5a5a5a
    TEST_CASE 46                       /* negative store offsets */
    addi    a3, a1, 16
    li      a2, 0xcafef00d
    sw      a2, -12(a3)
    lw      a0, 4(a1)
    CHECK_EQ a0, 0xcafef00d
    li      a2, 0x77
    sb      a2, -9(a3)
    lw      a0, 4(a1)
    CHECK_EQ a0, 0x77fef00d
    TEST_CASE 47                       /* storing x0 */
    sw      x0, 4(a1)
    lw      a0, 4(a1)
    CHECK_EQ a0, 0
    TEST_CASE 48                       /* sign extension of stored then loaded bytes/halves */
    li      a2, 0x000080ff
    sh      a2, 8(a1)
    lb      a0, 8(a1)
    CHECK_EQ a0, 0xffffffff
    lb      a0, 9(a1)
    CHECK_EQ a0, 0xffffff80
    lh      a0, 8(a1)
    CHECK_EQ a0, 0xffff80ff
    lhu     a0, 8(a1)
    CHECK_EQ a0, 0x000080ff

    /* Misaligned loads (performed, no trap). src: 80 81 82 83 7f 01 ff fe 00 11 22 33 */
    NO_TRAPS
    TEST_LD  60, lw,  0x7f838281, src, 1
    TEST_LD  61, lw,  0x017f8382, src, 2
    TEST_LD  62, lw,  0xff017f83, src, 3
    TEST_LD  63, lw,  0x1100feff, src, 6
    TEST_LD  64, lh,  0xffff8281, src, 1
    TEST_LD  65, lh,  0x00007f83, src, 3     /* crosses the word boundary */
    TEST_LD  66, lhu, 0x00008281, src, 1
    TEST_LD  67, lhu, 0x00007f83, src, 3
    TEST_LD  68, lh,  0x000000fe, src, 7
    TEST_LD  69, lhu, 0x000000fe, src, 7
    TEST_CASE 70
    CHECK_NO_TRAP

    /* Misaligned stores */
    TEST_CASE 71
    la      a1, dst + 16
    sw      x0, 0(a1)
    sw      x0, 4(a1)
    li      a2, 0x44332211
    sw      a2, 1(a1)
    lw      a0, 0(a1)
    CHECK_EQ a0, 0x33221100
    lw      a0, 4(a1)
    CHECK_EQ a0, 0x00000044
    TEST_CASE 72
    li      a2, 0x88776655
    sw      a2, 3(a1)
    lw      a0, 0(a1)
    CHECK_EQ a0, 0x55221100
    lw      a0, 4(a1)
    CHECK_EQ a0, 0x00887766
    TEST_CASE 73
    li      a2, 0x0000bbaa
    sh      a2, 3(a1)                    /* crosses the word boundary */
    lw      a0, 0(a1)
    CHECK_EQ a0, 0xaa221100
    lw      a0, 4(a1)
    CHECK_EQ a0, 0x008877bb
    TEST_CASE 74
    li      a2, 0x0000ddcc
    sh      a2, 5(a1)
    lw      a0, 4(a1)
    CHECK_EQ a0, 0x00ddccbb
    TEST_CASE 75
    li      a2, 0x01020304
    sw      a2, 2(a1)
    lw      a0, 2(a1)                    /* misaligned store, then misaligned load */
    CHECK_EQ a0, 0x01020304
    lhu     a0, 1(a1)
    CHECK_EQ a0, 0x00000411
    TEST_CASE 76
    CHECK_NO_TRAP

    j       test_pass
TEST_END

    .data
    .balign 16
src:
    .byte   0x80, 0x81, 0x82, 0x83, 0x7f, 0x01, 0xff, 0xfe
    .byte   0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77
    .balign 16
    .word   0xa5a5a5a5
dst:
    .word   0, 0x5a5a5a5a, 0, 0
    .word   0, 0, 0, 0
