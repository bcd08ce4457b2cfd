/*
 * rv32f-misc: the F instructions other than arithmetic: fmv.x.w/fmv.w.x (bit-exact, NaN
 * payloads kept), fsgnj/fsgnjn/fsgnjx (and the fmv.s/fneg.s/fabs.s forms; sign only, never
 * a flag), fmin/fmax (-0 < +0, NaN handling of IEEE 754-2019 minimumNumber/maximumNumber),
 * feq/flt/fle (quiet and signaling compares), fclass, fcvt.w[u].s (rounding, saturation,
 * NaN) and fcvt.s.w[u], flw/fsw (bit-exact, offsets), and instructions without a rounding
 * mode working while frm holds a reserved value.
 * Expected values were computed with exact rational arithmetic.
 */
#include "test_macros.h"

/* fa0 = op fa1, fa2 where the operands are bit patterns; no flags expected. */
.macro TEST_SGN num, op, result, a, b
    TEST_F_RR \num, \op, \result, 0, \a, \b
.endm

    .option norvc
    .option norelax
TEST_BEGIN rv32f-misc
    csrwi   frm, 0

    /* fmv.w.x / fmv.x.w: raw bits in both directions, no flags */
    TEST_F_X    1, fmv.w.x, 0x12345678, 0, 0x12345678
    TEST_F_X    2, fmv.w.x, 0x7f800001, 0, 0x7f800001
    TEST_F_X    3, fmv.w.x, 0xffc0dead, 0, 0xffc0dead
    TEST_X_F    4, fmv.x.w, 0x80000001, 0, 0x80000001
    TEST_X_F    5, fmv.x.w, 0x7fa00000, 0, 0x7fa00000
    TEST_CASE 6
    fmv.w.x fa0, x0
    CHECK_FBITS fa0, 0
    TEST_CASE 7
    li      a1, 0x40490fdb
    fmv.w.x fa5, a1
    fmv.x.w x0, fa5                    /* x0 stays zero */
    CHECK_EQ x0, 0

    /* fsgnj / fsgnjn / fsgnjx: |a| with the sign of b, of ~b, of a ^ b */
    TEST_SGN   10, fsgnj.s,  0xbf800000, 0x3f800000, 0xc0000000
    TEST_SGN   11, fsgnj.s,  0x3f800000, 0xbf800000, 0x40000000
    TEST_SGN   12, fsgnj.s,  0xbf800000, 0xbf800000, 0x80000000
    TEST_SGN   13, fsgnjn.s, 0x3f800000, 0x3f800000, 0xc0000000
    TEST_SGN   14, fsgnjn.s, 0xbf800000, 0x3f800000, 0x40000000
    TEST_SGN   15, fsgnjn.s, 0xbf800000, 0xbf800000, 0x00000000
    TEST_SGN   16, fsgnjx.s, 0x3f800000, 0xbf800000, 0xc0000000
    TEST_SGN   17, fsgnjx.s, 0xbf800000, 0xbf800000, 0x40000000
    TEST_SGN   18, fsgnjx.s, 0xbf800000, 0x3f800000, 0xc0000000
    TEST_SGN   19, fsgnjx.s, 0x3f800000, 0x3f800000, 0x40000000
    /* NaNs keep their payload and signaling NaNs raise nothing */
    TEST_SGN   20, fsgnjn.s, 0xffc12345, 0x7fc12345, 0x00000000
    TEST_SGN   21, fsgnj.s,  0xff800001, 0x7f800001, 0x80000000
    TEST_SGN   22, fsgnjx.s, 0x7f800001, 0xff800001, 0xffc00000
    TEST_SGN   23, fsgnj.s,  0x00000001, 0x80000001, 0x7fc00000
    /* the pseudo-instructions (rs1 = rs2) */
    TEST_CASE 24
    li      a1, 0xc0490fdb
    fmv.w.x fa1, a1
    fmv.s   fa2, fa1
    CHECK_FBITS fa2, 0xc0490fdb
    fneg.s  fa2, fa1
    CHECK_FBITS fa2, 0x40490fdb
    fabs.s  fa2, fa1
    CHECK_FBITS fa2, 0x40490fdb
    fneg.s  fa1, fa1                    /* rd = rs1 = rs2 */
    fneg.s  fa1, fa1
    fabs.s  fa1, fa1
    CHECK_FBITS fa1, 0x40490fdb
    CHECK_FFLAGS 0

    /* flw / fsw: bit-exact, positive and negative offsets, through integer loads/stores */
    TEST_CASE 30
    la      a1, fdata
    flw     fa0, 0(a1)
    CHECK_FBITS fa0, 0x7f800001
    flw     fa1, 4(a1)
    CHECK_FBITS fa1, 0xffc0ffee
    TEST_CASE 31
    addi    a2, a1, 16
    flw     fa2, -8(a2)
    CHECK_FBITS fa2, 0x00000001
    TEST_CASE 32
    la      a2, fbuf
    fsw     fa0, 0(a2)
    fsw     fa1, 4(a2)
    lw      a0, 0(a2)
    CHECK_EQ a0, 0x7f800001
    lw      a0, 4(a2)
    CHECK_EQ a0, 0xffc0ffee
    TEST_CASE 33
    li      a3, 0x80000000
    sw      a3, 8(a2)
    flw     fa3, 8(a2)
    fsw     fa3, 12(a2)
    lw      a0, 12(a2)
    CHECK_EQ a0, 0x80000000
    TEST_CASE 34
    addi    a3, a2, 2047
    fsw     fa2, -2047(a3)
    lw      a0, 0(a2)
    CHECK_EQ a0, 0x00000001
    addi    a3, a2, -2040
    flw     fa4, 2044(a3)
    CHECK_FBITS fa4, 0xffc0ffee
    CHECK_FFLAGS 0

    /* fmin / fmax: ordinary values, -0 < +0, one NaN gives the other operand, two NaNs the canonical NaN; only sNaN raises NV */
    TEST_F_RR   40, fmin.s, 0x3f800000, 0, 0x3f800000, 0x40000000
    TEST_F_RR   41, fmin.s, 0x3f800000, 0, 0x40000000, 0x3f800000
    TEST_F_RR   42, fmin.s, 0xbf800000, 0, 0xbf800000, 0x40000000
    TEST_F_RR   43, fmin.s, 0x80000000, 0, 0x80000000, 0x00000000
    TEST_F_RR   44, fmin.s, 0x80000000, 0, 0x00000000, 0x80000000
    TEST_F_RR   45, fmin.s, 0x3f800000, 0, 0x7fc00000, 0x3f800000
    TEST_F_RR   46, fmin.s, 0x3f800000, 0, 0x3f800000, 0x7fc00000
    TEST_F_RR   47, fmin.s, 0x3f800000, FNV, 0x7f800001, 0x3f800000
    TEST_F_RR   48, fmin.s, 0xbf800000, FNV, 0xbf800000, 0xff800001
    TEST_F_RR   49, fmin.s, 0x7fc00000, 0, 0x7fc00000, 0x7fc00000
    TEST_F_RR   50, fmin.s, 0x7fc00000, FNV, 0x7f800001, 0x7fc00000
    TEST_F_RR   51, fmin.s, 0xff800000, 0, 0xff800000, 0x7f800000
    TEST_F_RR   52, fmin.s, 0x80000001, 0, 0x00000001, 0x80000001
    TEST_F_RR   53, fmax.s, 0x40000000, 0, 0x3f800000, 0x40000000
    TEST_F_RR   54, fmax.s, 0x40000000, 0, 0x40000000, 0x3f800000
    TEST_F_RR   55, fmax.s, 0x40000000, 0, 0xbf800000, 0x40000000
    TEST_F_RR   56, fmax.s, 0x00000000, 0, 0x80000000, 0x00000000
    TEST_F_RR   57, fmax.s, 0x00000000, 0, 0x00000000, 0x80000000
    TEST_F_RR   58, fmax.s, 0x3f800000, 0, 0x7fc00000, 0x3f800000
    TEST_F_RR   59, fmax.s, 0x3f800000, 0, 0x3f800000, 0x7fc00000
    TEST_F_RR   60, fmax.s, 0x3f800000, FNV, 0x7f800001, 0x3f800000
    TEST_F_RR   61, fmax.s, 0xbf800000, FNV, 0xbf800000, 0xff800001
    TEST_F_RR   62, fmax.s, 0x7fc00000, 0, 0x7fc00000, 0x7fc00000
    TEST_F_RR   63, fmax.s, 0x7fc00000, FNV, 0x7f800001, 0x7fc00000
    TEST_F_RR   64, fmax.s, 0x7f800000, 0, 0xff800000, 0x7f800000
    TEST_F_RR   65, fmax.s, 0x00000001, 0, 0x00000001, 0x80000001

    /* feq / flt / fle: NaN compares false; feq raises NV only for sNaN, flt/fle for any NaN */
    TEST_X_FF   70, feq.s, 1, 0, 0x3f800000, 0x3f800000
    TEST_X_FF   71, feq.s, 0, 0, 0x3f800000, 0x40000000
    TEST_X_FF   72, feq.s, 0, 0, 0x40000000, 0x3f800000
    TEST_X_FF   73, feq.s, 1, 0, 0x80000000, 0x00000000
    TEST_X_FF   74, feq.s, 0, 0, 0xff800000, 0x7f800000
    TEST_X_FF   75, feq.s, 0, 0, 0x7fc00000, 0x3f800000
    TEST_X_FF   76, feq.s, 0, FNV, 0x3f800000, 0x7f800001
    TEST_X_FF   77, feq.s, 0, 0, 0x7fc00000, 0x7fc00000
    TEST_X_FF   78, feq.s, 0, 0, 0x00000001, 0x00000000
    TEST_X_FF   79, flt.s, 0, 0, 0x3f800000, 0x3f800000
    TEST_X_FF   80, flt.s, 1, 0, 0x3f800000, 0x40000000
    TEST_X_FF   81, flt.s, 0, 0, 0x40000000, 0x3f800000
    TEST_X_FF   82, flt.s, 0, 0, 0x80000000, 0x00000000
    TEST_X_FF   83, flt.s, 1, 0, 0xff800000, 0x7f800000
    TEST_X_FF   84, flt.s, 0, FNV, 0x7fc00000, 0x3f800000
    TEST_X_FF   85, flt.s, 0, FNV, 0x3f800000, 0x7f800001
    TEST_X_FF   86, flt.s, 0, FNV, 0x7fc00000, 0x7fc00000
    TEST_X_FF   87, flt.s, 0, 0, 0x00000001, 0x00000000
    TEST_X_FF   88, fle.s, 1, 0, 0x3f800000, 0x3f800000
    TEST_X_FF   89, fle.s, 1, 0, 0x3f800000, 0x40000000
    TEST_X_FF   90, fle.s, 0, 0, 0x40000000, 0x3f800000
    TEST_X_FF   91, fle.s, 1, 0, 0x80000000, 0x00000000
    TEST_X_FF   92, fle.s, 1, 0, 0xff800000, 0x7f800000
    TEST_X_FF   93, fle.s, 0, FNV, 0x7fc00000, 0x3f800000
    TEST_X_FF   94, fle.s, 0, FNV, 0x3f800000, 0x7f800001
    TEST_X_FF   95, fle.s, 0, FNV, 0x7fc00000, 0x7fc00000
    TEST_X_FF   96, fle.s, 0, 0, 0x00000001, 0x00000000

    /* fclass: one bit for each of the ten classes */
    TEST_X_F   100, fclass.s, 0x001, 0, 0xff800000
    TEST_X_F   101, fclass.s, 0x002, 0, 0xbf800000
    TEST_X_F   102, fclass.s, 0x004, 0, 0x807fffff
    TEST_X_F   103, fclass.s, 0x008, 0, 0x80000000
    TEST_X_F   104, fclass.s, 0x010, 0, 0x00000000
    TEST_X_F   105, fclass.s, 0x020, 0, 0x00000001
    TEST_X_F   106, fclass.s, 0x040, 0, 0x3f800000
    TEST_X_F   107, fclass.s, 0x080, 0, 0x7f800000
    TEST_X_F   108, fclass.s, 0x100, 0, 0x7f800001
    TEST_X_F   109, fclass.s, 0x200, 0, 0x7fc00000
    TEST_X_F   110, fclass.s, 0x200, 0, 0xffc00001
    TEST_X_F   111, fclass.s, 0x100, 0, 0x7fbfffff
    TEST_X_F   112, fclass.s, 0x040, 0, 0x00800000
    TEST_X_F   113, fclass.s, 0x002, 0, 0x80800000

    /* fcvt.w.s: rounding modes, ties, saturation and NaN (NV, no NX) */
    TEST_X_F   120, fcvt.w.s, 0x00000002, FNX, 0x3fc00000, rne
    TEST_X_F   121, fcvt.w.s, 0x00000001, FNX, 0x3fc00000, rtz
    TEST_X_F   122, fcvt.w.s, 0x00000001, FNX, 0x3fc00000, rdn
    TEST_X_F   123, fcvt.w.s, 0x00000002, FNX, 0x3fc00000, rup
    TEST_X_F   124, fcvt.w.s, 0x00000002, FNX, 0x3fc00000, rmm
    TEST_X_F   125, fcvt.w.s, 0xfffffffe, FNX, 0xc0200000, rne
    TEST_X_F   126, fcvt.w.s, 0xfffffffe, FNX, 0xc0200000, rtz
    TEST_X_F   127, fcvt.w.s, 0xfffffffd, FNX, 0xc0200000, rdn
    TEST_X_F   128, fcvt.w.s, 0xfffffffe, FNX, 0xc0200000, rup
    TEST_X_F   129, fcvt.w.s, 0xfffffffd, FNX, 0xc0200000, rmm
    TEST_X_F   130, fcvt.w.s, 0x00000002, FNX, 0x40200000, rne
    TEST_X_F   131, fcvt.w.s, 0x00000003, FNX, 0x40200000, rmm
    TEST_X_F   132, fcvt.w.s, 0x00000000, FNX, 0x3f000000, rne
    TEST_X_F   133, fcvt.w.s, 0xffffffff, FNX, 0xbf000000, rmm
    TEST_X_F   134, fcvt.w.s, 0x00000000, 0, 0x00000000, rne
    TEST_X_F   135, fcvt.w.s, 0x00000000, 0, 0x80000000, rne
    TEST_X_F   136, fcvt.w.s, 0x7fffff80, 0, 0x4effffff, rne    /* 2^31 - 128 */
    TEST_X_F   137, fcvt.w.s, 0x7fffffff, FNV, 0x4f000000, rne    /* 2^31: too large */
    TEST_X_F   138, fcvt.w.s, 0x80000000, 0, 0xcf000000, rne    /* -2^31: exact */
    TEST_X_F   139, fcvt.w.s, 0x80000000, FNV, 0xcf000001, rne
    TEST_X_F   140, fcvt.w.s, 0x7fffffff, FNV, 0x4f32d05e, rtz    /* 3e9 */
    TEST_X_F   141, fcvt.w.s, 0x80000000, FNV, 0xcf32d05e, rtz
    TEST_X_F   142, fcvt.w.s, 0x7fffffff, FNV, 0x7f800000, rne
    TEST_X_F   143, fcvt.w.s, 0x80000000, FNV, 0xff800000, rne
    TEST_X_F   144, fcvt.w.s, 0x7fffffff, FNV, 0x7fc00000, rne
    TEST_X_F   145, fcvt.w.s, 0x7fffffff, FNV, 0xffc00000, rne    /* NaN with the sign set: still INT_MAX */
    TEST_X_F   146, fcvt.w.s, 0x7fffffff, FNV, 0x7f800001, rne
    TEST_X_F   147, fcvt.w.s, 0x00000001, FNX, 0x00000001, rup    /* smallest subnormal rounds up to 1 */
    TEST_X_F   148, fcvt.w.s, 0xffffffff, FNX, 0x80000001, rdn

    /* fcvt.wu.s: negative inputs that round to 0 are only inexact; below that NV and 0 */
    TEST_X_F   155, fcvt.wu.s, 0x00000002, FNX, 0x3fc00000, rne
    TEST_X_F   156, fcvt.wu.s, 0x00000001, FNX, 0x3fc00000, rtz
    TEST_X_F   157, fcvt.wu.s, 0x00000001, FNX, 0x3fc00000, rdn
    TEST_X_F   158, fcvt.wu.s, 0x00000002, FNX, 0x3fc00000, rup
    TEST_X_F   159, fcvt.wu.s, 0x00000002, FNX, 0x3fc00000, rmm
    TEST_X_F   160, fcvt.wu.s, 0x00000000, FNX, 0xbf000000, rne
    TEST_X_F   161, fcvt.wu.s, 0x00000000, FNX, 0xbf000000, rtz
    TEST_X_F   162, fcvt.wu.s, 0x00000000, FNV, 0xbf000000, rdn
    TEST_X_F   163, fcvt.wu.s, 0x00000000, FNV, 0xbf000000, rmm
    TEST_X_F   164, fcvt.wu.s, 0x00000000, FNV, 0xbf800000, rne
    TEST_X_F   165, fcvt.wu.s, 0xffffff00, 0, 0x4f7fffff, rne
    TEST_X_F   166, fcvt.wu.s, 0xffffffff, FNV, 0x4f800000, rne
    TEST_X_F   167, fcvt.wu.s, 0x80000000, 0, 0x4f000000, rne
    TEST_X_F   168, fcvt.wu.s, 0xffffffff, FNV, 0x7f800000, rne
    TEST_X_F   169, fcvt.wu.s, 0x00000000, FNV, 0xff800000, rne
    TEST_X_F   170, fcvt.wu.s, 0xffffffff, FNV, 0x7fc00000, rne
    TEST_X_F   171, fcvt.wu.s, 0x00000000, 0, 0x80000000, rne

    /* fcvt.s.w / fcvt.s.wu */
    TEST_F_X   180, fcvt.s.w, 0x00000000, 0, 0x00000000, rne
    TEST_F_X   181, fcvt.s.w, 0x3f800000, 0, 0x00000001, rne
    TEST_F_X   182, fcvt.s.w, 0xbf800000, 0, 0xffffffff, rne
    TEST_F_X   183, fcvt.s.w, 0xcf000000, 0, 0x80000000, rne
    TEST_F_X   184, fcvt.s.w, 0x4f000000, FNX, 0x7fffffff, rne
    TEST_F_X   185, fcvt.s.w, 0x4effffff, FNX, 0x7fffffff, rtz
    TEST_F_X   186, fcvt.s.w, 0x4effffff, FNX, 0x7fffffff, rdn
    TEST_F_X   187, fcvt.s.w, 0x4f000000, FNX, 0x7fffffff, rup
    TEST_F_X   188, fcvt.s.w, 0x4f000000, FNX, 0x7fffffff, rmm
    TEST_F_X   189, fcvt.s.w, 0x4b800000, FNX, 0x01000001, rne
    TEST_F_X   190, fcvt.s.w, 0x4b800001, FNX, 0x01000001, rup
    TEST_F_X   191, fcvt.s.w, 0x4b800001, FNX, 0x01000001, rmm
    TEST_F_X   192, fcvt.s.w, 0xcb800000, FNX, 0xfeffffff, rne
    TEST_F_X   193, fcvt.s.w, 0xcb800001, FNX, 0xfeffffff, rdn
    TEST_F_X   194, fcvt.s.w, 0xcb800000, FNX, 0xfeffffff, rup
    TEST_F_X   195, fcvt.s.wu, 0x4f800000, FNX, 0xffffffff, rne
    TEST_F_X   196, fcvt.s.wu, 0x4f7fffff, FNX, 0xffffffff, rtz
    TEST_F_X   197, fcvt.s.wu, 0x4f000000, 0, 0x80000000, rne
    TEST_F_X   198, fcvt.s.wu, 0x00000000, 0, 0x00000000, rne
    TEST_F_X   199, fcvt.s.wu, 0x4b800002, FNX, 0x01000003, rne


    /* Instructions without a rounding-mode field work while frm holds a reserved value */
    csrwi   frm, 7
    TEST_SGN   210, fsgnjn.s, 0xbf800000, 0x3f800000, 0x3f800000
    TEST_F_RR  211, fmin.s, 0xbf800000, 0, 0x3f800000, 0xbf800000
    TEST_X_FF  212, fle.s, 1, 0, 0x3f800000, 0x40000000
    TEST_X_F   213, fclass.s, 0x040, 0, 0x3f800000
    TEST_X_F   214, fmv.x.w, 0x3f800000, 0, 0x3f800000
    TEST_CASE 215
    la      a1, fdata
    flw     fa0, 4(a1)
    la      a2, fbuf
    fsw     fa0, 16(a2)
    lw      a0, 16(a2)
    CHECK_EQ a0, 0xffc0ffee
    csrr    a0, frm
    CHECK_EQ a0, 7
    csrwi   frm, 0

    j       test_pass
TEST_END

    .data
    .balign 4
fdata:
    .word   0x7f800001, 0xffc0ffee, 0x00000001, 0x3f800000
fbuf:
    .word   0, 0, 0, 0, 0, 0, 0, 0
