/*
 * rv32f-arith: fadd/fsub/fmul/fdiv/fsqrt and fmadd/fmsub/fnmsub/fnmadd on binary32:
 * every rounding mode, both static (rm field) and dynamic (frm), the exact result bits and
 * fflags of each operation (NX, UF with tininess detected after rounding, OF, DZ, NV),
 * signed zeros, infinities, canonical NaNs (payloads are not propagated), signaling NaNs,
 * subnormals, the single rounding of the fused operations, fflags accumulation, and
 * illegal-instruction traps for the reserved rounding modes (rm = 5, 6, and dyn with
 * frm = 5, 6, 7).
 * Expected values were computed with exact rational arithmetic.
 */
#include "test_macros.h"

/* fadd.s fa0, fa1, fa2 with rounding-mode field rm (for the reserved values 5 and 6). */
#define FADD_S_FA0_FA1_FA2_RM(rm) (0x00c58553 | ((rm) << 12))

/* Dynamic rounding: frm = mode, then the operation with rm = dyn. */
.macro TEST_F_RR_DYN num, op, result, flags, a, b, mode
    csrwi   frm, \mode
    TEST_F_RR \num, \op, \result, \flags, \a, \b, dyn
    csrr    t5, frm
    CHECK_EQ t5, \mode
.endm

/* Expect an illegal-instruction trap at `label`; fa0 and fflags must be left unchanged. */
.macro CHECK_ILLEGAL_FP label
    CHECK_TRAP CAUSE_ILLEGAL_INSN, \label
    CHECK_FBITS fa0, 0x12345678
    csrr    t5, fflags
    CHECK_EQ t5, 0
.endm

/* Set fa0 to a marker and clear fflags before an instruction that must trap. */
.macro PREPARE_ILLEGAL_FP
    li      t5, 0x12345678
    fmv.w.x fa0, t5
    csrwi   fflags, 0
    li      a1, 0x3f800000
    fmv.w.x fa1, a1
    fmv.w.x fa2, a1
    fmv.w.x fa3, a1
.endm

    .option norvc
    .option norelax
TEST_BEGIN rv32f-arith
    csrwi   frm, 0

    /* fadd: exact, then 1 + 2^-24 (a tie: RNE/RTZ/RDN keep 1, RUP/RMM round up) in every mode */
    TEST_F_RR    1, fadd.s, 0x40700000, 0, 0x3fc00000, 0x40100000, rne    /* 1.5 + 2.25 */
    TEST_F_RR    2, fadd.s, 0x3f800000, FNX, 0x3f800000, 0x33800000, rne
    TEST_F_RR    3, fadd.s, 0x3f800000, FNX, 0x3f800000, 0x33800000, rtz
    TEST_F_RR    4, fadd.s, 0x3f800000, FNX, 0x3f800000, 0x33800000, rdn
    TEST_F_RR    5, fadd.s, 0x3f800001, FNX, 0x3f800000, 0x33800000, rup
    TEST_F_RR    6, fadd.s, 0x3f800001, FNX, 0x3f800000, 0x33800000, rmm
    TEST_F_RR    7, fadd.s, 0xbf800000, FNX, 0xbf800000, 0xb3800000, rne
    TEST_F_RR    8, fadd.s, 0xbf800000, FNX, 0xbf800000, 0xb3800000, rtz
    TEST_F_RR    9, fadd.s, 0xbf800001, FNX, 0xbf800000, 0xb3800000, rdn
    TEST_F_RR   10, fadd.s, 0xbf800000, FNX, 0xbf800000, 0xb3800000, rup
    TEST_F_RR   11, fadd.s, 0xbf800001, FNX, 0xbf800000, 0xb3800000, rmm

    /* fadd: a tie with an odd lower neighbour (RNE and RMM agree), and above half */
    TEST_F_RR   12, fadd.s, 0x3f800002, FNX, 0x3f800001, 0x33800000, rne
    TEST_F_RR   13, fadd.s, 0x3f800002, FNX, 0x3f800001, 0x33800000, rmm
    TEST_F_RR   14, fadd.s, 0x3f800001, FNX, 0x3f800001, 0x33800000, rtz
    TEST_F_RR   15, fadd.s, 0x3f800001, FNX, 0x3f800000, 0x33c00000, rne
    TEST_F_RR   16, fadd.s, 0x3f800000, FNX, 0x3f800000, 0x33c00000, rtz
    TEST_F_RR   17, fadd.s, 0x3f800000, FNX, 0x3f800000, 0x33c00000, rdn

    /* fadd: exact zero results (+0 except in RDN), signed zeros */
    TEST_F_RR   20, fadd.s, 0x00000000, 0, 0x40490fdb, 0xc0490fdb, rne
    TEST_F_RR   21, fadd.s, 0x80000000, 0, 0x40490fdb, 0xc0490fdb, rdn
    TEST_F_RR   22, fadd.s, 0x00000000, 0, 0x40490fdb, 0xc0490fdb, rup
    TEST_F_RR   23, fadd.s, 0x80000000, 0, 0x80000000, 0x80000000, rne
    TEST_F_RR   24, fadd.s, 0x00000000, 0, 0x00000000, 0x80000000, rne
    TEST_F_RR   25, fadd.s, 0x80000000, 0, 0x00000000, 0x80000000, rdn

    /* fadd: overflow (to inf or to the largest finite number, by mode and sign) */
    TEST_F_RR   30, fadd.s, 0x7f800000, FOF|FNX, 0x7f7fffff, 0x7f7fffff, rne
    TEST_F_RR   31, fadd.s, 0x7f7fffff, FOF|FNX, 0x7f7fffff, 0x7f7fffff, rtz
    TEST_F_RR   32, fadd.s, 0x7f7fffff, FOF|FNX, 0x7f7fffff, 0x7f7fffff, rdn
    TEST_F_RR   33, fadd.s, 0x7f800000, FOF|FNX, 0x7f7fffff, 0x7f7fffff, rup
    TEST_F_RR   34, fadd.s, 0xff800000, FOF|FNX, 0xff7fffff, 0xff7fffff, rdn
    TEST_F_RR   35, fadd.s, 0xff7fffff, FOF|FNX, 0xff7fffff, 0xff7fffff, rup
    TEST_F_RR   36, fadd.s, 0x7f7fffff, FNX, 0x7f7fffff, 0x3f800000, rne
    TEST_F_RR   37, fadd.s, 0x7f800000, FOF|FNX, 0x7f7fffff, 0x3f800000, rup

    /* fadd: infinities and NaNs (results are the canonical NaN; only sNaN raises NV) */
    TEST_F_RR   40, fadd.s, 0x7fc00000, FNV, 0x7f800000, 0xff800000, rne
    TEST_F_RR   41, fadd.s, 0x7f800000, 0, 0x7f800000, 0x3f800000, rne
    TEST_F_RR   42, fadd.s, 0xff800000, 0, 0xff800000, 0xff800000, rne
    TEST_F_RR   43, fadd.s, 0x7fc00000, 0, 0x7fc12345, 0x3f800000, rne
    TEST_F_RR   44, fadd.s, 0x7fc00000, FNV, 0x7f800001, 0x3f800000, rne
    TEST_F_RR   45, fadd.s, 0x7fc00000, FNV, 0x3f800000, 0xff800005, rne
    TEST_F_RR   46, fadd.s, 0x7fc00000, FNV, 0x7fc00000, 0x7f800001, rne

    /* fadd/fsub: subnormals */
    TEST_F_RR   50, fadd.s, 0x00000002, 0, 0x00000001, 0x00000001, rne
    TEST_F_RR   51, fadd.s, 0x00800000, 0, 0x007fffff, 0x00000001, rne
    TEST_F_RR   52, fsub.s, 0x007fffff, 0, 0x00800000, 0x00000001, rne
    TEST_F_RR   53, fadd.s, 0x80000002, 0, 0x80000003, 0x00000001, rne

    /* fsub */
    TEST_F_RR   60, fsub.s, 0x00000000, 0, 0x3f800000, 0x3f800000, rne
    TEST_F_RR   61, fsub.s, 0x80000000, 0, 0x3f800000, 0x3f800000, rdn
    TEST_F_RR   62, fsub.s, 0xc0000000, 0, 0x40400000, 0x40a00000, rne
    TEST_F_RR   63, fsub.s, 0x3f800000, FNX, 0x3f800000, 0x33000000, rne
    TEST_F_RR   64, fsub.s, 0x3f7fffff, FNX, 0x3f800000, 0x33000000, rtz
    TEST_F_RR   65, fsub.s, 0x3f7fffff, FNX, 0x3f800000, 0x33000000, rdn
    TEST_F_RR   66, fsub.s, 0x3f800000, FNX, 0x3f800000, 0x33000000, rup
    TEST_F_RR   67, fsub.s, 0x3f800000, FNX, 0x3f800000, 0x33000000, rmm
    TEST_F_RR   68, fsub.s, 0x7fc00000, FNV, 0x7f800000, 0x7f800000, rne
    TEST_F_RR   69, fsub.s, 0xff800000, 0, 0xff800000, 0x7f800000, rne

    /* fmul */
    TEST_F_RR   75, fmul.s, 0x41a80000, 0, 0x40400000, 0x40e00000, rne
    TEST_F_RR   76, fmul.s, 0x3f800002, FNX, 0x3f800001, 0x3f800001, rne
    TEST_F_RR   77, fmul.s, 0x3f800003, FNX, 0x3f800001, 0x3f800001, rup
    TEST_F_RR   78, fmul.s, 0x3f800002, FNX, 0x3f800001, 0x3f800001, rtz
    TEST_F_RR   79, fmul.s, 0x3f800002, FNX, 0x3f800001, 0x3f800001, rmm
    TEST_F_RR   80, fmul.s, 0xbf800003, FNX, 0xbf800001, 0x3f800001, rdn
    TEST_F_RR   81, fmul.s, 0xbf800002, FNX, 0xbf800001, 0x3f800001, rup
    TEST_F_RR   82, fmul.s, 0x7fc00000, FNV, 0x00000000, 0x7f800000, rne
    TEST_F_RR   83, fmul.s, 0x80000000, 0, 0x80000000, 0x40a00000, rne
    TEST_F_RR   84, fmul.s, 0xff800000, 0, 0x7f800000, 0xc0000000, rne
    TEST_F_RR   85, fmul.s, 0x7f800000, FOF|FNX, 0x7f7fffff, 0x40000000, rne
    TEST_F_RR   86, fmul.s, 0x7f7fffff, FOF|FNX, 0x7f7fffff, 0x40000000, rtz

    /* fmul: underflow. UF = tiny after rounding and inexact */
    TEST_F_RR   90, fmul.s, 0x00400000, 0, 0x00800000, 0x3f000000, rne    /* 2^-127, exact subnormal: no flags */
    TEST_F_RR   91, fmul.s, 0x00000200, 0, 0x0d800000, 0x2b800000, rne    /* 2^-100 * 2^-40 = 2^-140, exact */
    TEST_F_RR   92, fmul.s, 0x00800000, FUF|FNX, 0x00800000, 0x3f7fffff, rne    /* 2^-126 - 2^-150: tiny, rounds up to 2^-126 */
    TEST_F_RR   93, fmul.s, 0x00800000, FNX, 0x00800001, 0x3f7ffffe, rne    /* 2^-126 (1 - 2^-46): not tiny after rounding, so no UF */
    TEST_F_RR   94, fmul.s, 0x00000000, FUF|FNX, 0x00000001, 0x3f000000, rne
    TEST_F_RR   95, fmul.s, 0x00000001, FUF|FNX, 0x00000001, 0x3f000000, rup
    TEST_F_RR   96, fmul.s, 0x00000001, FUF|FNX, 0x00000001, 0x3f000000, rmm
    TEST_F_RR   97, fmul.s, 0x00000000, FUF|FNX, 0x00000001, 0x3f000000, rdn
    TEST_F_RR   98, fmul.s, 0x00400000, FUF|FNX, 0x00c00000, 0x3eaaaaab, rne    /* inexact subnormal */

    /* fdiv */
    TEST_F_RR  105, fdiv.s, 0x3eaaaaab, FNX, 0x3f800000, 0x40400000, rne
    TEST_F_RR  106, fdiv.s, 0x3eaaaaaa, FNX, 0x3f800000, 0x40400000, rtz
    TEST_F_RR  107, fdiv.s, 0x3eaaaaaa, FNX, 0x3f800000, 0x40400000, rdn
    TEST_F_RR  108, fdiv.s, 0x3eaaaaab, FNX, 0x3f800000, 0x40400000, rup
    TEST_F_RR  109, fdiv.s, 0x3eaaaaab, FNX, 0x3f800000, 0x40400000, rmm
    TEST_F_RR  110, fdiv.s, 0xbeaaaaab, FNX, 0xbf800000, 0x40400000, rdn
    TEST_F_RR  111, fdiv.s, 0xbeaaaaaa, FNX, 0xbf800000, 0x40400000, rup
    TEST_F_RR  112, fdiv.s, 0x40600000, 0, 0x40e00000, 0x40000000, rne
    TEST_F_RR  113, fdiv.s, 0x7f800000, FDZ, 0x3f800000, 0x00000000, rne
    TEST_F_RR  114, fdiv.s, 0xff800000, FDZ, 0xbf800000, 0x00000000, rne
    TEST_F_RR  115, fdiv.s, 0xff800000, FDZ, 0x3f800000, 0x80000000, rne
    TEST_F_RR  116, fdiv.s, 0x7fc00000, FNV, 0x00000000, 0x00000000, rne
    TEST_F_RR  117, fdiv.s, 0x7fc00000, FNV, 0x7f800000, 0x7f800000, rne
    TEST_F_RR  118, fdiv.s, 0x7f800000, 0, 0x7f800000, 0x00000000, rne
    TEST_F_RR  119, fdiv.s, 0x00000000, 0, 0x00000000, 0x40a00000, rne
    TEST_F_RR  120, fdiv.s, 0x00000000, 0, 0x3f800000, 0x7f800000, rne
    TEST_F_RR  121, fdiv.s, 0x80000000, 0, 0xbf800000, 0x7f800000, rne
    TEST_F_RR  122, fdiv.s, 0x7f800000, FOF|FNX, 0x7f7fffff, 0x3f000000, rne
    TEST_F_RR  123, fdiv.s, 0x002aaaab, FUF|FNX, 0x00800000, 0x40400000, rne
    TEST_F_RR  124, fdiv.s, 0x7fc00000, FNV, 0x7f800001, 0x00000000, rne

    /* fsqrt */
    TEST_F_R   130, fsqrt.s, 0x40000000, 0, 0x40800000, rne
    TEST_F_R   131, fsqrt.s, 0x3fb504f3, FNX, 0x40000000, rne
    TEST_F_R   132, fsqrt.s, 0x3fb504f4, FNX, 0x40000000, rup
    TEST_F_R   133, fsqrt.s, 0x3fb504f3, FNX, 0x40000000, rtz
    TEST_F_R   134, fsqrt.s, 0x3fb504f3, FNX, 0x40000000, rdn
    TEST_F_R   135, fsqrt.s, 0x3f000000, 0, 0x3e800000, rne
    TEST_F_R   136, fsqrt.s, 0x80000000, 0, 0x80000000, rne
    TEST_F_R   137, fsqrt.s, 0x00000000, 0, 0x00000000, rne
    TEST_F_R   138, fsqrt.s, 0x7f800000, 0, 0x7f800000, rne
    TEST_F_R   139, fsqrt.s, 0x7fc00000, FNV, 0xbf800000, rne
    TEST_F_R   140, fsqrt.s, 0x7fc00000, FNV, 0xff800000, rne
    TEST_F_R   141, fsqrt.s, 0x7fc00000, 0, 0x7fc00000, rne
    TEST_F_R   142, fsqrt.s, 0x7fc00000, FNV, 0x7f800001, rne
    TEST_F_R   143, fsqrt.s, 0x1a3504f3, FNX, 0x00000001, rne
    TEST_F_R   144, fsqrt.s, 0x5f7fffff, FNX, 0x7f7fffff, rne

    /* fused multiply-add: one rounding */
    TEST_F_RRR 150, fmadd.s, 0xa8800000, 0, 0x3f800001, 0x3f7ffffe, 0xbf800000, rne    /* (1+2^-23)(1-2^-23) - 1 = -2^-46 exactly */
    TEST_F_RRR 151, fmsub.s, 0xa8800000, 0, 0x3f800001, 0x3f7ffffe, 0x3f800000, rne
    TEST_F_RRR 152, fnmsub.s, 0x28800000, 0, 0x3f800001, 0x3f7ffffe, 0x3f800000, rne
    TEST_F_RRR 153, fnmadd.s, 0x28800000, 0, 0x3f800001, 0x3f7ffffe, 0xbf800000, rne
    TEST_F_RRR 154, fmadd.s, 0x7f7fffff, 0, 0x7f7fffff, 0x40000000, 0xff7fffff, rne    /* 2*MAX - MAX: no intermediate overflow */
    TEST_F_RRR 155, fmadd.s, 0x3f800002, FNX, 0x3f800001, 0x3f800001, 0x00000000, rne
    TEST_F_RRR 156, fmadd.s, 0x3f800003, FNX, 0x3f800001, 0x3f800001, 0x00000000, rup
    TEST_F_RRR 157, fmadd.s, 0x3f800002, FNX, 0x3f800001, 0x3f800001, 0x00000000, rtz
    TEST_F_RRR 158, fmadd.s, 0x3f800002, FNX, 0x3f800001, 0x3f800001, 0x00000000, rdn
    TEST_F_RRR 159, fmadd.s, 0x41200000, 0, 0x40000000, 0x40400000, 0x40800000, rne
    TEST_F_RRR 160, fmsub.s, 0x40000000, 0, 0x40000000, 0x40400000, 0x40800000, rne
    TEST_F_RRR 161, fnmsub.s, 0xc0000000, 0, 0x40000000, 0x40400000, 0x40800000, rne
    TEST_F_RRR 162, fnmadd.s, 0xc1200000, 0, 0x40000000, 0x40400000, 0x40800000, rne

    /* fused multiply-add: signs of exact zeros */
    TEST_F_RRR 165, fmadd.s, 0x00000000, 0, 0x3f800000, 0x3f800000, 0xbf800000, rne
    TEST_F_RRR 166, fmadd.s, 0x80000000, 0, 0x3f800000, 0x3f800000, 0xbf800000, rdn
    TEST_F_RRR 167, fnmadd.s, 0x00000000, 0, 0x3f800000, 0x3f800000, 0xbf800000, rne    /* -(1*1) - (-1) = +0, not -(1*1 + -1) = -0 */
    TEST_F_RRR 168, fnmadd.s, 0x80000000, 0, 0x3f800000, 0x3f800000, 0xbf800000, rdn
    TEST_F_RRR 169, fnmsub.s, 0x00000000, 0, 0x3f800000, 0x3f800000, 0x3f800000, rne
    TEST_F_RRR 170, fmsub.s, 0x80000000, 0, 0x3f800000, 0x3f800000, 0x3f800000, rdn
    TEST_F_RRR 171, fmadd.s, 0x00000000, 0, 0x00000000, 0x40a00000, 0x80000000, rne
    TEST_F_RRR 172, fmadd.s, 0x80000000, 0, 0x80000000, 0x40a00000, 0x80000000, rne
    TEST_F_RRR 173, fnmadd.s, 0x80000000, 0, 0x00000000, 0x40a00000, 0x00000000, rne

    /* fused multiply-add: invalid operations, NaNs, infinities, subnormals */
    TEST_F_RRR 180, fmadd.s, 0x7fc00000, FNV, 0x7f800000, 0x00000000, 0x7fc00000, rne    /* inf * 0 + qNaN raises NV (RISC-V requires it) */
    TEST_F_RRR 181, fmadd.s, 0x7fc00000, FNV, 0x00000000, 0xff800000, 0x3f800000, rne
    TEST_F_RRR 182, fmadd.s, 0x7fc00000, FNV, 0x7f800000, 0x3f800000, 0xff800000, rne
    TEST_F_RRR 183, fmsub.s, 0x7fc00000, FNV, 0x7f800000, 0x3f800000, 0x7f800000, rne
    TEST_F_RRR 184, fmadd.s, 0x7fc00000, 0, 0x7fc00000, 0x3f800000, 0x3f800000, rne
    TEST_F_RRR 185, fmadd.s, 0x7fc00000, FNV, 0x3f800000, 0x3f800000, 0x7f800001, rne
    TEST_F_RRR 186, fnmadd.s, 0x7fc00000, FNV, 0x7f800001, 0x3f800000, 0x3f800000, rne
    TEST_F_RRR 187, fmadd.s, 0x7f800000, 0, 0x7f800000, 0x40000000, 0x3f800000, rne
    TEST_F_RRR 188, fnmadd.s, 0xff800000, 0, 0x7f800000, 0x40000000, 0x3f800000, rne
    TEST_F_RRR 189, fmadd.s, 0xff800000, 0, 0x3f800000, 0x3f800000, 0xff800000, rne
    TEST_F_RRR 190, fmadd.s, 0x00400001, 0, 0x00800000, 0x3f000000, 0x00000001, rne    /* 2^-127 + 2^-149: exact subnormal */
    TEST_F_RRR 191, fmadd.s, 0x7f800000, FOF|FNX, 0x7f7fffff, 0x7f7fffff, 0xff7fffff, rne
    TEST_F_RRR 192, fmadd.s, 0x7f7fffff, FOF|FNX, 0x7f7fffff, 0x7f7fffff, 0xff7fffff, rtz


    /* Dynamic rounding mode: the same 1 + 2^-24 tie under frm = 0..4 */
    TEST_F_RR_DYN 200, fadd.s, 0x3f800000, FNX, 0x3f800000, 0x33800000, 0
    TEST_F_RR_DYN 201, fadd.s, 0x3f800000, FNX, 0x3f800000, 0x33800000, 1
    TEST_F_RR_DYN 202, fadd.s, 0x3f800000, FNX, 0x3f800000, 0x33800000, 2
    TEST_F_RR_DYN 203, fadd.s, 0x3f800001, FNX, 0x3f800000, 0x33800000, 3
    TEST_F_RR_DYN 204, fadd.s, 0x3f800001, FNX, 0x3f800000, 0x33800000, 4
    TEST_F_RR_DYN 205, fdiv.s, 0x3eaaaaaa, FNX, 0x3f800000, 0x40400000, 2
    TEST_F_RR_DYN 206, fmul.s, 0x00000001, FUF|FNX, 0x00000001, 0x3f000000, 4
    TEST_F_RR_DYN 207, fsub.s, 0xbeaaaaaa, 0, 0xbeaaaaaa, 0x00000000, 2
    csrwi   frm, 3
    TEST_F_R   208, fsqrt.s, 0x3fb504f4, FNX, 0x40000000, dyn
    csrwi   frm, 1
    TEST_F_RRR 209, fmadd.s, 0x3f800002, FNX, 0x3f800001, 0x3f800001, 0x00000000, dyn
    /* a static rounding mode overrides frm */
    csrwi   frm, 3
    TEST_F_RR  210, fadd.s, 0x3f800000, FNX, 0x3f800000, 0x33800000, rtz

    /* fcsr = frm << 5 | fflags after a dynamic-mode operation */
    TEST_CASE 211
    csrwi   frm, 2
    csrwi   fflags, 0
    li      a1, 0x3f800000
    li      a2, 0x33800000
    fmv.w.x fa1, a1
    fmv.w.x fa2, a2
    fadd.s  fa0, fa1, fa2, dyn
    csrr    a0, fcsr
    CHECK_EQ a0, (2 << 5) | FNX
    csrwi   frm, 0

    /* fflags accumulate and are never cleared by an operation */
    TEST_CASE 212
    csrwi   fflags, 0
    li      a1, 0x3f800000
    fmv.w.x fa1, a1
    fmv.w.x fa2, zero
    fdiv.s  fa0, fa1, fa2              /* DZ */
    li      a2, 0x33800000
    fmv.w.x fa2, a2
    fadd.s  fa0, fa1, fa2              /* NX */
    fadd.s  fa0, fa1, fa1              /* exact */
    csrr    a0, fflags
    CHECK_EQ a0, FDZ | FNX
    TEST_CASE 213
    fsqrt.s fa0, fa1                   /* exact: the flags stay */
    fmv.w.x fa2, zero
    fmul.s  fa0, fa1, fa2
    CHECK_FFLAGS FDZ | FNX

    /* Reserved rounding modes: illegal instruction, nothing written */
    TEST_CASE 220
    PREPARE_ILLEGAL_FP
    EXPECT_TRAP
1:  .word   FADD_S_FA0_FA1_FA2_RM(5)
    CHECK_ILLEGAL_FP 1b
    CHECK_TRAP_TVAL_ZERO_OR FADD_S_FA0_FA1_FA2_RM(5)
    TEST_CASE 221
    PREPARE_ILLEGAL_FP
    EXPECT_TRAP
1:  .word   FADD_S_FA0_FA1_FA2_RM(6)
    CHECK_ILLEGAL_FP 1b
    TEST_CASE 222
    csrwi   frm, 5
    PREPARE_ILLEGAL_FP
    EXPECT_TRAP
1:  fadd.s  fa0, fa1, fa2, dyn
    CHECK_ILLEGAL_FP 1b
    TEST_CASE 223
    csrwi   frm, 6
    PREPARE_ILLEGAL_FP
    EXPECT_TRAP
1:  fmul.s  fa0, fa1, fa2, dyn
    CHECK_ILLEGAL_FP 1b
    TEST_CASE 224
    csrwi   frm, 7
    PREPARE_ILLEGAL_FP
    EXPECT_TRAP
1:  fdiv.s  fa0, fa1, fa2, dyn
    CHECK_ILLEGAL_FP 1b
    TEST_CASE 225
    PREPARE_ILLEGAL_FP
    EXPECT_TRAP
1:  fsqrt.s fa0, fa1, dyn
    CHECK_ILLEGAL_FP 1b
    TEST_CASE 226
    PREPARE_ILLEGAL_FP
    EXPECT_TRAP
1:  fmadd.s fa0, fa1, fa2, fa3, dyn
    CHECK_ILLEGAL_FP 1b
    TEST_CASE 227
    PREPARE_ILLEGAL_FP
    EXPECT_TRAP
1:  fcvt.w.s a0, fa1, dyn
    CHECK_TRAP CAUSE_ILLEGAL_INSN, 1b
    /* with frm = 7, a static rounding mode still works */
    TEST_F_RR  228, fadd.s, 0x40000000, 0, 0x3f800000, 0x3f800000, rne
    csrr    a0, frm
    CHECK_EQ a0, 7
    csrwi   frm, 0

    j       test_pass
TEST_END
