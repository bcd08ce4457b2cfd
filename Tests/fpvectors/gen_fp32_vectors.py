#!/usr/bin/env python3
"""Generate bit-exact RV32F (single precision) test vectors.

Reference arithmetic: Berkeley SoftFloat through the PyPI package `softfloatpy`.
Everything that RISC-V defines differently from (some build of) SoftFloat, or that
SoftFloat does not provide at all, is enforced here in Python; see README.md next
to this file for the list of adjustments and the file format.

Usage:
    python3 Tests/fpvectors/gen_fp32_vectors.py [--out DIR] [--seed N]

The output is a pure function of the seed (default below) and the SoftFloat
results: no timestamps, no dependence on hash randomisation or dict order.
"""

import argparse
import collections
import os
import random
import sys
import zlib

import softfloatpy as sf

REPO = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))

DEFAULT_SEED = 0x5EED_F32
MAX_FILE_BYTES = 1_900_000  # hard limit per file (brief: < 1.9 MB)

# ---------------------------------------------------------------------------
# Constants and bit helpers
# ---------------------------------------------------------------------------

CANON_NAN = 0x7FC00000
SIGN = 0x80000000
EXP_MASK = 0x7F800000
FRAC_MASK = 0x007FFFFF
QUIET_BIT = 0x00400000

# RISC-V fflags layout
NV, DZ, OF, UF, NX = 0x10, 0x08, 0x04, 0x02, 0x01

RM_NAMES = {0: "RNE", 1: "RTZ", 2: "RDN", 3: "RUP", 4: "RMM"}
RM_SF = {
    0: sf.RoundingMode.NEAR_EVEN,
    1: sf.RoundingMode.MIN_MAG,
    2: sf.RoundingMode.MIN,
    3: sf.RoundingMode.MAX,
    4: sf.RoundingMode.NEAR_MAX_MAG,
}
ALL_RMS = (0, 1, 2, 3, 4)

# SoftFloat exception flag -> RISC-V fflags bit (mapped explicitly, even though the
# numeric values happen to coincide).
SF_FLAG_MAP = (
    (int(sf.ExceptionFlag.INVALID), NV),
    (int(sf.ExceptionFlag.INFINITE), DZ),
    (int(sf.ExceptionFlag.OVERFLOW), OF),
    (int(sf.ExceptionFlag.UNDERFLOW), UF),
    (int(sf.ExceptionFlag.INEXACT), NX),
)


def sf_flags_to_riscv(fl):
    out = 0
    for sbit, rbit in SF_FLAG_MAP:
        if fl & sbit:
            out |= rbit
    return out


def F(bits):
    return sf.Float32.from_bytes((bits & 0xFFFFFFFF).to_bytes(4, "big"))


def B(f):
    return int.from_bytes(f.to_bytes(), "big")


def is_nan(b):
    return (b & EXP_MASK) == EXP_MASK and (b & FRAC_MASK) != 0


def is_snan(b):
    return is_nan(b) and not (b & QUIET_BIT)


def is_inf(b):
    return (b & 0x7FFFFFFF) == EXP_MASK


def is_zero(b):
    return (b & 0x7FFFFFFF) == 0


def mk(sign, exp, frac):
    return ((sign & 1) << 31) | ((exp & 0xFF) << 23) | (frac & FRAC_MASK)


def neg(b):
    return b ^ SIGN


def bits_to_int_value(b):
    """Exact integer value of a finite, integral float (used after round_to_int)."""
    e = (b >> 23) & 0xFF
    m = b & FRAC_MASK
    if e == 0:
        v = 0 if m == 0 else None  # nonzero subnormal is never integral
        assert v is not None
    else:
        m |= 1 << 23
        sh = e - 150
        if sh >= 0:
            v = m << sh
        else:
            assert m & ((1 << -sh) - 1) == 0
            v = m >> -sh
    return -v if b & SIGN else v


# ---------------------------------------------------------------------------
# SoftFloat call wrapper + statistics of RISC-V adjustments
# ---------------------------------------------------------------------------

ADJUST = collections.Counter()   # (op, rule) -> number of results changed by the rule


def sf_call(rm, fn, *args):
    sf.set_rounding_mode(RM_SF[rm])
    sf.set_exception_flags(0)
    r = fn(*args)
    fl = sf_flags_to_riscv(sf.get_exception_flags())
    return r, fl


def canon(op, rb):
    """RISC-V: every NaN produced by an arithmetic op is the canonical NaN."""
    if is_nan(rb) and rb != CANON_NAN:
        ADJUST[(op, "NaN result -> canonical 0x7fc00000")] += 1
        return CANON_NAN
    return rb


# ---------------------------------------------------------------------------
# Operations: each returns (result_bits, riscv_flags)
# ---------------------------------------------------------------------------

def op_fadd(rm, a, b):
    r, fl = sf_call(rm, sf.f32_add, F(a), F(b))
    return canon("fadd.s", B(r)), fl


def op_fsub(rm, a, b):
    r, fl = sf_call(rm, sf.f32_sub, F(a), F(b))
    return canon("fsub.s", B(r)), fl


def op_fmul(rm, a, b):
    r, fl = sf_call(rm, sf.f32_mul, F(a), F(b))
    return canon("fmul.s", B(r)), fl


def op_fdiv(rm, a, b):
    r, fl = sf_call(rm, sf.f32_div, F(a), F(b))
    return canon("fdiv.s", B(r)), fl


def op_fsqrt(rm, a):
    r, fl = sf_call(rm, sf.f32_sqrt, F(a))
    return canon("fsqrt.s", B(r)), fl


def _fma(op, rm, a, b, c):
    """Single-rounding a*b+c on already sign-adjusted operands, RISC-V rules."""
    r, fl = sf_call(rm, sf.f32_mul_add, F(a), F(b), F(c))
    rb = canon(op, B(r))
    inf_times_zero = (is_inf(a) and is_zero(b)) or (is_zero(a) and is_inf(b))
    if inf_times_zero:
        # RISC-V: inf*0 raises NV even when the addend is a quiet NaN; result is canonical.
        if fl != NV:
            ADJUST[(op, "inf*0+c -> NV (also for quiet-NaN c)")] += 1
        fl, rb = NV, CANON_NAN
    return rb, fl


def op_fmadd(rm, a, b, c):     # a*b + c
    return _fma("fmadd.s", rm, a, b, c)


def op_fmsub(rm, a, b, c):     # a*b - c  = mul_add(a, b, -c)
    return _fma("fmsub.s", rm, a, b, neg(c))


def op_fnmsub(rm, a, b, c):    # -(a*b) + c = mul_add(-a, b, c)
    return _fma("fnmsub.s", rm, neg(a), b, c)


def op_fnmadd(rm, a, b, c):    # -(a*b) - c = mul_add(-a, b, -c)
    return _fma("fnmadd.s", rm, neg(a), b, neg(c))


def _order_key(b):
    """Total order key for non-NaN floats with -0 < +0."""
    mag = b & 0x7FFFFFFF
    return -mag - 1 if b & SIGN else mag


def _minmax(rm, a, b, want_max):
    flags = NV if (is_snan(a) or is_snan(b)) else 0
    if is_nan(a) and is_nan(b):
        return CANON_NAN, flags
    if is_nan(a):
        return b, flags
    if is_nan(b):
        return a, flags
    ka, kb = _order_key(a), _order_key(b)
    if want_max:
        return (a if ka >= kb else b), flags
    return (a if ka <= kb else b), flags


def op_fmin(rm, a, b):
    return _minmax(rm, a, b, False)


def op_fmax(rm, a, b):
    return _minmax(rm, a, b, True)


def _cmp(op, fn, signaling, want):
    def f(rm, a, b):
        r, fl = sf_call(0, fn, F(a), F(b))
        res = 1 if r else 0
        # RISC-V rules, written out and checked against SoftFloat
        anynan = is_nan(a) or is_nan(b)
        if signaling:
            rv_fl = NV if anynan else 0
        else:
            rv_fl = NV if (is_snan(a) or is_snan(b)) else 0
        if anynan:
            rv_res = 0
        else:
            ka, kb = _order_key(a), _order_key(b)
            if is_zero(a) and is_zero(b):
                ka = kb = 0
            rv_res = int({"eq": ka == kb, "lt": ka < kb, "le": ka <= kb}[want])
        if (rv_res, rv_fl) != (res, fl):
            ADJUST[(op, "compare result/flags per RISC-V rule")] += 1
        return rv_res, rv_fl
    return f


op_feq = _cmp("feq.s", sf.f32_eq, False, "eq")
op_flt = _cmp("flt.s", sf.f32_lt, True, "lt")
op_fle = _cmp("fle.s", sf.f32_le, True, "le")


def _cvt_to_int(op, rm, a, signed):
    lo, hi = (-(1 << 31), (1 << 31) - 1) if signed else (0, (1 << 32) - 1)
    if signed:
        r_raw, fl_raw = sf_call(rm, sf.f32_to_i32, F(a), RM_SF[rm], True)
    else:
        r_raw, fl_raw = sf_call(rm, sf.f32_to_ui32, F(a), RM_SF[rm], True)
    raw = r_raw.to_int() & 0xFFFFFFFF
    if is_nan(a):
        res, fl = (0x7FFFFFFF if signed else 0xFFFFFFFF), NV
    else:
        neg_in = bool(a & SIGN)
        if is_inf(a):
            k, fl = (lo - 1 if neg_in else hi + 1), 0
        else:
            ri, fl = sf_call(rm, sf.f32_round_to_int, F(a), RM_SF[rm], True)
            k = bits_to_int_value(B(ri))
            fl &= NX
        if k < lo or k > hi:
            res, fl = (lo if neg_in else hi) & 0xFFFFFFFF, NV   # NV only, no NX
        else:
            res = k & 0xFFFFFFFF
    if (res, fl) != (raw, fl_raw):
        ADJUST[(op, "NaN/overflow saturation and flags per RISC-V rule")] += 1
    return res, fl


def op_fcvt_w_s(rm, a):
    return _cvt_to_int("fcvt.w.s", rm, a, True)


def op_fcvt_wu_s(rm, a):
    return _cvt_to_int("fcvt.wu.s", rm, a, False)


def op_fcvt_s_w(rm, a):
    v = a - (1 << 32) if a & SIGN else a
    r, fl = sf_call(rm, sf.i32_to_f32, sf.Int32.from_int(v))
    return B(r), fl


def op_fcvt_s_wu(rm, a):
    r, fl = sf_call(rm, sf.ui32_to_f32, sf.UInt32.from_int(a))
    return B(r), fl


def op_fclass(rm, a):
    s = bool(a & SIGN)
    e = (a >> 23) & 0xFF
    m = a & FRAC_MASK
    if e == 0xFF:
        if m == 0:
            bit = 0 if s else 7
        else:
            bit = 9 if (m & QUIET_BIT) else 8
    elif e == 0:
        if m == 0:
            bit = 3 if s else 4
        else:
            bit = 2 if s else 5
    else:
        bit = 1 if s else 6
    return 1 << bit, 0


def op_fsgnj(rm, a, b):
    return (a & 0x7FFFFFFF) | (b & SIGN), 0


def op_fsgnjn(rm, a, b):
    return (a & 0x7FFFFFFF) | (~b & SIGN), 0


def op_fsgnjx(rm, a, b):
    return a ^ (b & SIGN), 0


# ---------------------------------------------------------------------------
# Special value sets
# ---------------------------------------------------------------------------

SPECIAL_2OP = [
    0x00000000, 0x80000000,              # +-0
    0x00000001, 0x80000001,              # +-min subnormal
    0x007FFFFF, 0x807FFFFF,              # +-max subnormal
    0x00400000, 0x80000003, 0x00012345,  # mid subnormals
    0x00800000, 0x80800000,              # +-min normal
    0x00800001,                          # min normal + 1 ulp
    0x7F7FFFFF, 0xFF7FFFFF,              # +-max normal
    0x7F000000,                          # 2^127
    0x73000000,                          # 2^103 = ulp(max normal)/2: max+this is a tie at overflow
    0x3F800000, 0xBF800000,              # +-1
    0x3FC00000, 0xBFC00000,              # +-1.5
    0x3F800001, 0xBF7FFFFF,              # 1+ulp, -(1-ulp/2)
    0x33800000, 0xB3C00000, 0x34000000,  # 2^-24 (1+2^-24 is a tie), -1.5*2^-24, 2^-23
    0x40000000, 0x3F000000, 0x40400000,  # 2, 0.5, 3
    0x7F800000, 0xFF800000,              # +-inf
    0x7FC00000, 0xFFC12345,              # canonical qNaN, qNaN with sign and payload
    0x7F800001, 0xFFA54321,              # sNaN, sNaN with sign and payload
]

# Extra single operands for fsqrt (perfect squares, ties impossible but boundary values)
SPECIAL_SQRT_EXTRA = [
    0x40800000,  # 4
    0x41100000,  # 9
    0x3E800000,  # 0.25
    0x3F7FFFFF,  # 1-2^-24
    0x40000001,  # 2+ulp
    0x00000004,  # 2^-147: sqrt = 2^-73.5, inexact
    0x00200000,  # 2^-128 -> sqrt = 2^-64 exact
    0xBF000000,  # -0.5 (invalid)
    0xFF7FFFFF,
]

SPECIAL_FMA = [
    0x00000000, 0x80000000,   # +-0
    0x00000001,               # min subnormal
    0x00800000,               # min normal
    0x3F800000, 0xBF800000,   # +-1
    0x33800000,               # 2^-24 (ties against 1)
    0x7F7FFFFF,               # max normal
    0x7F800000, 0xFF800000,   # +-inf
    0x7FC00000,               # qNaN (inf*0 + qNaN must raise NV)
    0xFFA54321,               # sNaN with sign and payload
]

SPECIAL_CVT_F2I = SPECIAL_2OP + [
    0x3E800000, 0xBF400000,              # 0.25, -0.75
    0x40200000, 0xC0200000,              # +-2.5 (ties to even -> 2)
    0x40600000, 0xC0600000,              # +-3.5
    0x3F7FFFFF, 0xBF000001,              # 1-2^-24, -(0.5+2^-24)
    0x4A800001, 0xCA800003,              # 2^22+0.5, -(2^22+1.5)
    0x4B000000, 0x4B7FFFFF,              # 2^23, 2^24-1
    0x4EFFFFFF, 0x4F000000, 0x4F000001,  # 2^31-128, 2^31, 2^31+256
    0xCEFFFFFF, 0xCF000000, 0xCF000001,  # -(2^31-128), -2^31, -(2^31+256)
    0x4F7FFFFF, 0x4F800000, 0x4F800001,  # 2^32-256, 2^32, 2^32+512
    0xCF7FFFFF, 0xCF800000,              # -(2^32-256), -2^32
    0x5F000000, 0xDF000000,              # +-2^63
]

SPECIAL_CVT_I2F = [
    0x00000000, 0x00000001, 0x00000002, 0x00000003, 0xFFFFFFFF, 0xFFFFFFFE,
    0x00FFFFFF, 0x01000000, 0x01000001, 0x01000002, 0x01000003, 0x01000005,
    0xFF000000, 0xFEFFFFFF, 0xFEFFFFFD, 0x00800000, 0x02000002, 0x02000006,
    0x7FFFFFFF, 0x7FFFFF80, 0x7FFFFFC0, 0x7FFFFFBF, 0x7FFFFFC1, 0x7FFFFF40,
    0x80000000, 0x80000001, 0x80000040, 0x80000041, 0x8000003F, 0x800000C0,
    0xFFFFFF80, 0xFFFFFF7F, 0xFFFFFF81, 0xFFFFFFC0, 0xFFFFFE80,
    0x12345678, 0x87654321, 0xDEADBEEF, 0x00FFFFFE, 0x0FFFFFF8, 0x0FFFFFF7,
]

# Directed pairs that land exactly on rounding ties / the subnormal-normal boundary /
# the overflow boundary, and tininess-after-rounding cases.
DIRECTED_ADD = [
    (0x7F7FFFFF, 0x73000000), (0x7F7FFFFF, 0x72FFFFFF), (0x7F7FFFFF, 0x73000001),
    (0xFF7FFFFF, 0xF3000000), (0xFF7FFFFF, 0xF2FFFFFF),
    (0x3F800000, 0x33800000), (0x3F800001, 0x33800000), (0x3F800000, 0x34400000),
    (0x3F800000, 0xB3800000), (0x3F800000, 0xB3000000), (0xBF800001, 0xB3800000),
    (0x4B7FFFFF, 0x3F000000), (0x4B7FFFFE, 0x3F000000), (0xCB7FFFFF, 0xBF000000),
    (0x007FFFFF, 0x00000001), (0x00800000, 0x80000001), (0x80800000, 0x00000001),
    (0x00800001, 0x80800000), (0x3F800000, 0xBF800000), (0x3F800001, 0xBF800000),
    (0x4B800000, 0x3F800000), (0x4B800000, 0x3F800001), (0x4B800001, 0x3F800000),
    (0x4B800000, 0x3FC00000), (0x4B800000, 0xBF800000), (0x00000000, 0x80000000),
    (0x80000000, 0x80000000),
]

DIRECTED_MUL = [
    (0x00800000, 0x3F000000), (0x00800001, 0x3F000000), (0x00800003, 0x3F000000),
    (0x00FFFFFF, 0x3F000000), (0x3F7FFFFF, 0x00800000), (0x3F7FFFFF, 0x00800001),
    (0x3F800001, 0x007FFFFF), (0x3FFFFFFF, 0x007FFFFF), (0x7F7FFFFF, 0x40000000),
    (0x7F7FFFFF, 0x3F800001), (0x7F000000, 0x40000000), (0x7F7FFFFF, 0x3F7FFFFF),
    (0x5F800000, 0x5F800000), (0x1F800000, 0x1F800000), (0x1F800000, 0x20000000),
    (0x1FFFFFFF, 0x1FFFFFFF), (0x00000001, 0x3F000000), (0x00000001, 0x3F400000),
    (0x00000003, 0x3F000000), (0x80000003, 0x3F000000), (0x34000000, 0x34000000),
    (0x3F800001, 0x3F800001), (0x3F800003, 0x3F7FFFFF),
]

DIRECTED_DIV = [
    (0x00800000, 0x40000000), (0x00800001, 0x40000000), (0x00800003, 0x40000000),
    (0x00000001, 0x40000000), (0x00000003, 0x40000000), (0x00000001, 0x40800000),
    (0x7F7FFFFF, 0x3F000000), (0x7F7FFFFF, 0x3F7FFFFF), (0x7F000000, 0x3F000000),
    (0x00800000, 0x3F800001), (0x3F800000, 0x40400000), (0xBF800000, 0x40400000),
    (0x40000000, 0x40400000), (0x3F800000, 0x7F7FFFFF), (0x3F800000, 0x7F000000),
    (0x3F800000, 0x00000001), (0x40400000, 0x00000001), (0x3F800000, 0x00400000),
    (0x3F7FFFFF, 0x3F800000), (0x3F800000, 0x3F7FFFFF),
]

DIRECTED_FMA = [
    # (a, b, c) in "effective" fma terms (op-specific sign flips applied later)
    (0x3F800000, 0x3F800000, 0xBF800000),   # exact zero 1*1-1
    (0x00000000, 0x3F800000, 0x80000000),   # +0*1 + -0
    (0x80000000, 0x3F800000, 0x80000000),   # -0 + -0
    (0x3F800001, 0x3F800001, 0xBF800002),   # (1+u)^2 - (1+2u) = u^2 = 2^-46 exactly
    (0x3F800001, 0x3F7FFFFF, 0xBF800000),   # cancellation
    (0x3F800000, 0x3F800000, 0x33800000),   # 1 + 2^-24 tie
    (0x3F800000, 0x3F800001, 0x33800000),   # 1+u+u/2: tie, RNE rounds up to even 1+2u
    (0x3F800000, 0x3F800000, 0x33800001),   # just above tie
    (0x3F800000, 0x3F800000, 0xB3000000),   # 1 - 2^-25 tie
    (0x7F7FFFFF, 0x3F800000, 0x73000000),   # overflow tie
    (0x7F7FFFFF, 0x3F800000, 0x72FFFFFF),
    (0x7F7FFFFF, 0x40000000, 0xFF7FFFFF),   # 2M - M = M exact (no overflow in fused)
    (0x00800000, 0x3F000000, 0x00000000),   # boundary
    (0x00800000, 0x3F7FFFFF, 0x00000000),   # 2^-126*(1-2^-24): tiny, RNE tie up to min normal, UF
    (0x00800000, 0x3F800000, 0x80000001),   # min normal - min subnormal -> max subnormal
    (0x7F800000, 0x00000000, 0x7FC00000),   # inf*0 + qNaN -> NV
    (0x00000000, 0xFF800000, 0x7FC12345),   # 0*-inf + qNaN w/ payload -> NV
    (0x7F800000, 0x00000000, 0x7F800001),   # inf*0 + sNaN
    (0x7F800000, 0x3F800000, 0xFF800000),   # inf - inf
    (0x7FC00000, 0x3F800000, 0x7F800001),   # qNaN, sNaN
]

DIRECTED_SQRT = [0x3F800001, 0x3F7FFFFF, 0x40000000, 0x7F7FFFFF, 0x00000001, 0x007FFFFF,
                 0x00800000, 0x80000001, 0xFF800000, 0x40400000, 0x4B800001]

# ---------------------------------------------------------------------------
# Random operand generators
# ---------------------------------------------------------------------------


class Gen:
    def __init__(self, rng):
        self.r = rng

    # -- primitives
    def bits(self, n=32):
        return self.r.getrandbits(n)

    def sign(self):
        return self.r.getrandbits(1)

    def mant(self):
        """Random 23-bit fraction with a bias towards structured patterns."""
        x = self.r.random()
        if x < 0.55:
            return self.bits(23)
        if x < 0.65:
            return 0
        if x < 0.72:
            return FRAC_MASK
        if x < 0.80:   # a single bit
            return 1 << self.r.randrange(23)
        if x < 0.88:   # low bits all ones / high bits all ones
            k = self.r.randrange(1, 23)
            return ((1 << k) - 1) if self.r.getrandbits(1) else (FRAC_MASK ^ ((1 << k) - 1))
        if x < 0.94:   # few random bits set
            m = 0
            for _ in range(self.r.randrange(1, 4)):
                m |= 1 << self.r.randrange(23)
            return m
        return self.bits(23) & ~((1 << self.r.randrange(1, 20)) - 1)   # trailing zeros

    def fexp(self, lo, hi, sign=None):
        s = self.sign() if sign is None else sign
        return mk(s, self.r.randint(lo, hi), self.mant())

    def normal(self, sign=None):
        return self.fexp(1, 254, sign)

    def mid(self, sign=None):
        return self.fexp(100, 154, sign)

    def tiny(self, sign=None):    # subnormal or smallest normals
        return self.fexp(0, 3, sign)

    def subnormal(self, sign=None):
        s = self.sign() if sign is None else sign
        m = self.mant() or 1
        return mk(s, 0, m)

    def huge(self, sign=None):
        return self.fexp(251, 254, sign)

    def nan(self):
        s = self.sign()
        if self.sign():   # quiet
            return mk(s, 255, QUIET_BIT | self.bits(22))
        return mk(s, 255, (self.bits(22) or 1))

    def special(self, pool=SPECIAL_2OP):
        return self.r.choice(pool)

    def any_class(self):
        x = self.r.random()
        if x < 0.4:
            return self.bits()
        if x < 0.6:
            return self.mid()
        if x < 0.7:
            return self.tiny()
        if x < 0.8:
            return self.huge()
        if x < 0.9:
            return self.nan()
        return self.special()

    def pick(self, table):
        """table: list of (weight, callable)."""
        x = self.r.random() * sum(w for w, _ in table)
        for w, fn in table:
            if x < w:
                return fn()
            x -= w
        return table[-1][1]()

    # -- helpers for constructed cases
    def exp_of(self, b):
        return (b >> 23) & 0xFF

    # -- add / sub
    def addsub(self, is_sub):
        def cancel():
            a = self.fexp(1, 254)
            ea = self.exp_of(a)
            eb = min(254, max(1, ea + self.r.randint(-2, 2)))
            # opposite effective signs so that the magnitudes subtract
            sb = ((a >> 31) ^ (0 if is_sub else 1)) & 1
            m = (a & FRAC_MASK) ^ (self.bits(self.r.randrange(1, 24)) if self.sign() else 0)
            return a, mk(sb, eb, m)

        def halfway():
            a = self.fexp(26, 254)
            ea = self.exp_of(a)
            d = self.r.choice([24, 24, 24, 25, 23, 26])
            eb = ea - d
            m = self.r.choice([0, 0, 1, FRAC_MASK, self.bits(23), QUIET_BIT])
            return a, mk(self.sign(), eb, m)

        def tinys():
            return self.tiny(), self.tiny()

        def overflow():
            s = self.sign()
            sb = s ^ (1 if is_sub else 0)
            return self.huge(s), self.fexp(240, 254, sb)

        def withspecial():
            a, b = self.special(), self.any_class()
            return (a, b) if self.sign() else (b, a)

        def wide():
            return self.normal(), self.normal()

        def exact_int():
            return (self.fexp(127, 150), self.fexp(127, 150))

        return self.pick([
            (15, lambda: (self.bits(), self.bits())),
            (15, lambda: (self.mid(), self.mid())),
            (20, cancel), (15, halfway), (10, tinys), (8, overflow),
            (7, withspecial), (5, wide), (5, exact_int),
        ])

    # -- mul
    def near_pow2_product(self, target_exp_sum):
        """a*b just below/above a power of two. target_exp_sum: sum of biased exponent fields."""
        while True:
            ma = self.r.randrange((1 << 23) + 1, 1 << 24)
            mb = (1 << 47) // ma
            if self.r.random() < 0.25:
                mb += 1
            if (1 << 23) <= mb < (1 << 24):
                break
        ea = self.r.randint(max(1, target_exp_sum - 254), min(254, target_exp_sum - 1))
        eb = target_exp_sum - ea
        s = self.sign()
        a, b = mk(s, ea, ma), mk(self.sign(), eb, mb)
        return (a, b) if self.sign() else (b, a)

    def halfway_product(self, exp_sum):
        # odd 13-bit * odd 12-bit with a 25-bit product -> exact tie in normal range
        while True:
            x = self.r.randrange(1 << 12, 1 << 13) | 1
            y = self.r.randrange(1 << 11, 1 << 12) | 1
            if (x * y).bit_length() == 25:
                break
        ma = x << (24 - 13)
        mb = y << (24 - 12)
        ea = self.r.randint(max(1, exp_sum - 254), min(254, exp_sum - 1))
        return mk(self.sign(), ea, ma), mk(self.sign(), exp_sum - ea, mb)

    def mul(self):
        def under():
            t = self.r.randint(127 - 30, 127 + 2)   # sum of exponent fields
            ea = self.r.randint(max(0, t - 254), min(254, t))
            a = self.fexp(ea, ea)
            b = self.fexp(max(0, min(254, t - ea)), max(0, min(254, t - ea)))
            return a, b

        def over():
            t = self.r.randint(127 + 252, 127 + 256)
            ea = self.r.randint(t - 254, 254)
            return self.fexp(ea, ea), self.fexp(min(254, t - ea), min(254, t - ea))

        def withspecial():
            a, b = self.special(), self.any_class()
            return (a, b) if self.sign() else (b, a)

        def small_int():
            return self.fexp(127, 135), self.fexp(127, 135)

        return self.pick([
            (13, lambda: (self.bits(), self.bits())),
            (10, lambda: (self.mid(), self.mid())),
            (18, under), (12, over),
            (8, lambda: self.halfway_product(self.r.choice([127, 127, 100, 160, 128 + 0, 125]))),
            (3, lambda: self.halfway_product(self.r.randint(127 - 24, 127))),  # ties in subnormal range
            (5, lambda: self.near_pow2_product(127)),            # product ~ 2^-126
            (4, lambda: self.near_pow2_product(381)),            # product ~ 2^128
            (4, lambda: self.near_pow2_product(self.r.randint(130, 370))),
            (8, withspecial), (5, small_int),
            (5, lambda: (self.subnormal(), self.normal())),
            (5, lambda: (self.bits(), self.fexp(126, 128))),
        ])

    # -- div
    def div(self):
        def under():
            # choose quotient biased exponent qe in [-25, 2] => ea - eb + 127 = qe
            qe = self.r.randint(-25, 2)
            eb = self.r.randint(max(0, 127 - qe), 254)
            ea = eb + qe - 127
            if ea < 0:
                ea = 0
            return self.fexp(ea, ea), self.fexp(eb, eb)

        def over():
            qe = self.r.randint(252, 256)
            ea = self.r.randint(max(1, qe - 127), 254)
            eb = min(254, max(0, ea - qe + 127))
            return self.fexp(ea, ea), self.fexp(eb, eb)

        def exact_q():
            # a = b * q with q a small integer or power of two: exact quotient
            for _ in range(20):
                b = self.mid()
                q = self.r.choice([1, 2, 3, 4, 5, 7, 0.5, 0.25, 0.75, 1.5, 9, 15])
                r, fl = sf_call(0, sf.f32_mul, F(b), sf.Float32.from_float(float(q)))
                if fl == 0:
                    return B(r), b
            return self.mid(), self.mid()

        def withspecial():
            a, b = self.special(), self.any_class()
            return (a, b) if self.sign() else (b, a)

        return self.pick([
            (15, lambda: (self.bits(), self.bits())),
            (12, lambda: (self.mid(), self.mid())),
            (18, under), (12, over), (10, exact_q), (10, withspecial),
            (8, lambda: (self.subnormal(), self.normal())),
            (5, lambda: (self.normal(), self.subnormal())),
            (5, lambda: (self.subnormal(), self.subnormal())),
            (5, lambda: (self.fexp(126, 128), self.fexp(126, 128))),
        ])

    # -- sqrt
    def sqrt(self):
        def perfect():
            m = self.r.randrange(1, 1 << 12)
            v = m * m        # <= 24 bits: exactly representable
            e2 = self.r.randrange(-60, 60) * 2
            r, fl = sf_call(0, sf.f32_mul, sf.Float32.from_float(float(v)),
                            sf.Float32.from_float(2.0 ** e2))
            return B(r)

        def near_perfect():
            return (perfect() + self.r.choice([-2, -1, 1, 2])) & 0x7FFFFFFF

        return self.pick([
            (20, lambda: self.bits()),
            (20, lambda: self.fexp(1, 254, 0)),
            (10, lambda: self.subnormal(0)),
            (5, lambda: self.tiny(0)),
            (8, lambda: self.huge(0)),
            (12, perfect), (10, near_perfect),
            (5, lambda: self.fexp(120, 134, 0)),
            (5, lambda: self.normal(1)),
            (5, lambda: self.special()),
        ])

    # -- fma (effective a*b + c)
    def fma(self):
        def near_cancel():
            a, b = self.mid(), self.mid()
            p, _ = sf_call(self.r.randrange(5), sf.f32_mul, F(a), F(b))
            c = neg(B(p))
            if is_inf(c) or is_nan(c):
                return a, b, c
            d = self.r.choice([0, 0, 1, -1, 2, -2, 3])
            c = (c + d) & 0xFFFFFFFF if (c & 0x7FFFFFFF) > 3 else c
            return a, b, c

        def exact_zero():
            ma = (self.r.randrange(1 << 11, 1 << 12)) << 12
            mb = (self.r.randrange(1 << 11, 1 << 12)) << 12
            ea = self.r.randint(100, 150)
            eb = self.r.randint(100, 150)
            a, b = mk(self.sign(), ea, ma), mk(self.sign(), eb, mb)
            p, fl = sf_call(0, sf.f32_mul, F(a), F(b))
            return a, b, neg(B(p))

        def tie():
            ma = (self.r.randrange(1 << 11, 1 << 12)) << 12
            mb = (self.r.randrange(1 << 11, 1 << 12)) << 12
            a, b = mk(self.sign(), self.r.randint(110, 140), ma), mk(self.sign(), self.r.randint(110, 140), mb)
            p, _ = sf_call(0, sf.f32_mul, F(a), F(b))
            pb = B(p)
            ep = self.exp_of(pb)
            d = self.r.choice([24, 24, 25, 23])
            c = mk(self.sign(), max(0, ep - d), self.r.choice([0, 0, 1, FRAC_MASK]))
            return a, b, c

        def under():
            t = self.r.randint(100, 130)
            ea = self.r.randint(max(1, t - 254), min(254, t))
            a = self.fexp(ea, ea)
            b = self.fexp(max(0, min(254, t - ea)), max(0, min(254, t - ea)))
            return a, b, self.tiny()

        def over():
            t = self.r.randint(127 + 250, 127 + 256)
            ea = self.r.randint(t - 254, 254)
            return self.fexp(ea, ea), self.fexp(min(254, t - ea), min(254, t - ea)), self.huge()

        def near_pow2():
            a, b = self.near_pow2_product(self.r.choice([127, 381, 254]))
            c = self.r.choice([0, 0x80000000, 1, 0x80000001, self.tiny()])
            return a, b, c

        def withspecial():
            ops = [self.any_class(), self.any_class(), self.any_class()]
            ops[self.r.randrange(3)] = self.special(SPECIAL_FMA)
            return tuple(ops)

        return self.pick([
            (10, lambda: (self.bits(), self.bits(), self.bits())),
            (14, lambda: (self.mid(), self.mid(), self.mid())),
            (22, near_cancel), (5, exact_zero), (10, tie), (10, under), (8, over),
            (6, near_pow2), (10, withspecial),
            (5, lambda: (self.mid(), self.mid(), self.fexp(0, 254))),
        ])

    # -- compare / min / max
    def cmp(self):
        def eqv():
            a = self.any_class()
            return a, a

        def oppsign():
            a = self.any_class()
            return a, neg(a)

        def ulp_apart():
            a = self.any_class()
            return a, (a + self.r.choice([1, -1])) & 0xFFFFFFFF

        def one_nan():
            a, b = self.nan(), self.any_class()
            return (a, b) if self.sign() else (b, a)

        def zeros():
            return self.r.choice([0, SIGN, 1, SIGN | 1]), self.r.choice([0, SIGN])

        return self.pick([
            (20, lambda: (self.bits(), self.bits())),
            (15, lambda: (self.mid(), self.mid())),
            (10, eqv), (10, oppsign), (10, ulp_apart), (15, one_nan),
            (5, lambda: (self.nan(), self.nan())), (5, zeros),
            (10, lambda: (self.tiny(), self.tiny())),
        ])

    def sgnj(self):
        return self.pick([
            (60, lambda: (self.bits(), self.bits())),
            (20, lambda: (self.nan(), self.bits())),
            (20, lambda: (self.any_class(), self.any_class())),
        ])

    def fclass(self):
        return self.pick([
            (30, lambda: self.bits()),
            (10, lambda: self.nan()),
            (10, lambda: mk(self.sign(), 255, 0)),
            (10, lambda: mk(self.sign(), 0, 0)),
            (15, lambda: self.subnormal()),
            (15, lambda: self.normal()),
            (10, lambda: self.special()),
        ])

    # -- float -> int
    def f2i(self, signed):
        # for fcvt.wu.s most in-range cases are positive (negatives are still 25%)
        def sg():
            return self.sign() if signed else int(self.r.random() < 0.25)

        def int_val():
            n = self.r.randrange(1, 25)
            k = self.r.randrange(1 << (n - 1), 1 << n)
            return self.int_to_float(k, sg(), 0)

        def int_frac():
            fb = self.r.randrange(1, 6)                 # fraction bits
            n = self.r.randrange(0, 24 - fb + 1)        # integer bits
            k = self.r.getrandbits(n + fb)
            if self.r.random() < 0.4:   # force exact .5 / .25 patterns
                k = (k & ~((1 << fb) - 1)) | (1 << (fb - 1))
            return self.int_to_float(k, sg(), fb)

        def near_2_31():   # around 2^31 (signed limit), 2^32 (unsigned limit), -2^31
            e = self.r.choice([157, 158, 158, 158, 159, 159])
            m = self.r.choice([0, 1, 2, FRAC_MASK, FRAC_MASK - 1, self.bits(23)])
            return mk(sg(), e, m)

        def small():       # |x| < 2: rounding of fractions, incl. -1 < x < 0
            return self.fexp(118, 127, sg())

        def neg_frac():    # -1 < x < 0: fcvt.wu.s gives 0 with NX or NV depending on RM
            return self.fexp(100, 126, 1)

        return self.pick([
            (10, lambda: self.bits()),
            (10, int_val), (25, int_frac), (20, near_2_31),
            (10, small), (5, neg_frac), (10, lambda: self.special(SPECIAL_CVT_F2I)),
            (5, lambda: self.fexp(160, 254)), (5, lambda: self.mid()),
        ])

    def int_to_float(self, k, s, frac_bits):
        """Exact float for (-1)^s * k * 2^-frac_bits, k < 2^24."""
        if k == 0:
            return mk(s, 0, 0)
        n = k.bit_length()
        m = k << (24 - n)
        e = 127 + (n - 1) - frac_bits
        return mk(s, e, m & FRAC_MASK)

    # -- int -> float
    def i2f(self, signed):
        def by_len():
            n = self.r.randrange(1, 33)
            v = self.r.randrange(1 << (n - 1), 1 << n)
            if signed and n == 32:
                v = self.r.randrange(1 << 31)
            if signed and self.sign():
                v = -v
            return v & 0xFFFFFFFF

        def halfway():
            x = self.r.randrange(1 << 24, 1 << 25) | 1    # odd 25-bit: tie when converted
            sh = self.r.randrange(0, 8 if not signed else 7)
            v = x << sh
            if signed and self.sign():
                v = -v
            return v & 0xFFFFFFFF

        def near_tie():
            x = (self.r.randrange(1 << 24, 1 << 25) | 1) + self.r.choice([-1, 1])
            sh = self.r.randrange(1, 8 if not signed else 7)
            v = (x << sh) + self.r.choice([-1, 1, 0])
            if signed and self.sign():
                v = -v
            return v & 0xFFFFFFFF

        def boundary():
            base = self.r.choice([1 << 31, 1 << 32, 1 << 24, 1 << 25, 1 << 30])
            v = base + self.r.randint(-300, 300)
            if signed and self.sign():
                v = -v
            return v & 0xFFFFFFFF

        return self.pick([
            (25, lambda: self.bits()), (25, by_len), (15, halfway), (10, near_tie),
            (15, boundary), (10, lambda: self.r.randint(-1000, 1000) & 0xFFFFFFFF),
        ])


# ---------------------------------------------------------------------------
# Operation table
# ---------------------------------------------------------------------------

# name: (func, arity, rounding-dependent, special list(s), directed list, random kind, n_random per rm)
N_RAND_RM = 10_000       # per (op, rounding mode) for rounding-dependent ops
N_RAND_FMA = 7_000       # per (fma op, rounding mode) -> 35,000 per fma op
N_RAND_NORM = 20_000     # for ops without rounding mode

OPS = [
    ("fadd.s", op_fadd, 2, True, "addsub_add", N_RAND_RM),
    ("fsub.s", op_fsub, 2, True, "addsub_sub", N_RAND_RM),
    ("fmul.s", op_fmul, 2, True, "mul", N_RAND_RM),
    ("fdiv.s", op_fdiv, 2, True, "div", N_RAND_RM),
    ("fsqrt.s", op_fsqrt, 1, True, "sqrt", N_RAND_RM),
    ("fmadd.s", op_fmadd, 3, True, "fma", N_RAND_FMA),
    ("fmsub.s", op_fmsub, 3, True, "fma", N_RAND_FMA),
    ("fnmsub.s", op_fnmsub, 3, True, "fma", N_RAND_FMA),
    ("fnmadd.s", op_fnmadd, 3, True, "fma", N_RAND_FMA),
    ("fmin.s", op_fmin, 2, False, "cmp", N_RAND_NORM),
    ("fmax.s", op_fmax, 2, False, "cmp", N_RAND_NORM),
    ("feq.s", op_feq, 2, False, "cmp", N_RAND_NORM),
    ("flt.s", op_flt, 2, False, "cmp", N_RAND_NORM),
    ("fle.s", op_fle, 2, False, "cmp", N_RAND_NORM),
    ("fcvt.w.s", op_fcvt_w_s, 1, True, "f2i_s", N_RAND_RM),
    ("fcvt.wu.s", op_fcvt_wu_s, 1, True, "f2i_u", N_RAND_RM),
    ("fcvt.s.w", op_fcvt_s_w, 1, True, "i2f_s", N_RAND_RM),
    ("fcvt.s.wu", op_fcvt_s_wu, 1, True, "i2f_u", N_RAND_RM),
    ("fclass.s", op_fclass, 1, False, "fclass", N_RAND_NORM),
    ("fsgnj.s", op_fsgnj, 2, False, "sgnj", N_RAND_NORM),
    ("fsgnjn.s", op_fsgnjn, 2, False, "sgnj", N_RAND_NORM),
    ("fsgnjx.s", op_fsgnjx, 2, False, "sgnj", N_RAND_NORM),
]

SEMANTICS = {
    "fadd.s": "RESULT = A + B",
    "fsub.s": "RESULT = A - B",
    "fmul.s": "RESULT = A * B",
    "fdiv.s": "RESULT = A / B",
    "fsqrt.s": "RESULT = sqrt(A)",
    "fmadd.s": "RESULT = A*B + C (single rounding)",
    "fmsub.s": "RESULT = A*B - C (single rounding; = fma(A, B, -C))",
    "fnmsub.s": "RESULT = -(A*B) + C (single rounding; = fma(-A, B, C))",
    "fnmadd.s": "RESULT = -(A*B) - C (single rounding; = fma(-A, B, -C))",
    "fmin.s": "RESULT = minimumNumber(A, B) (RISC-V F >= 2.2; RM unused, always 0)",
    "fmax.s": "RESULT = maximumNumber(A, B) (RISC-V F >= 2.2; RM unused, always 0)",
    "feq.s": "RESULT = (A == B) as 0/1, quiet (RM unused, always 0)",
    "flt.s": "RESULT = (A < B) as 0/1, signaling (RM unused, always 0)",
    "fle.s": "RESULT = (A <= B) as 0/1, signaling (RM unused, always 0)",
    "fcvt.w.s": "RESULT = int32(A) rounded per RM, two's complement",
    "fcvt.wu.s": "RESULT = uint32(A) rounded per RM",
    "fcvt.s.w": "RESULT = float(A) where A is an int32 (two's complement)",
    "fcvt.s.wu": "RESULT = float(A) where A is a uint32",
    "fclass.s": "RESULT = 10-bit class mask of A (RM unused, always 0)",
    "fsgnj.s": "RESULT = |A| with sign of B (RM unused, always 0)",
    "fsgnjn.s": "RESULT = |A| with inverted sign of B (RM unused, always 0)",
    "fsgnjx.s": "RESULT = A with sign(A) xor sign(B) (RM unused, always 0)",
}


def special_cases(name, arity):
    """Deterministic (non-random) operand tuples for one op."""
    if name in ("fcvt.w.s", "fcvt.wu.s"):
        return [(a,) for a in SPECIAL_CVT_F2I]
    if name in ("fcvt.s.w", "fcvt.s.wu"):
        return [(a,) for a in SPECIAL_CVT_I2F]
    if name == "fsqrt.s":
        return [(a,) for a in SPECIAL_2OP + SPECIAL_SQRT_EXTRA + DIRECTED_SQRT]
    if name == "fclass.s":
        extra = [0x7FFFFFFF, 0xFFFFFFFF, 0x7FBFFFFF, 0xFF800002, 0x7FC00001]
        return [(a,) for a in SPECIAL_2OP + extra]
    if arity == 3:
        cases = [(a, b, c) for a in SPECIAL_FMA for b in SPECIAL_FMA for c in SPECIAL_FMA]
        cases += [fma_effective_to_op(name, t) for t in DIRECTED_FMA]
        return cases
    cases = [(a, b) for a in SPECIAL_2OP for b in SPECIAL_2OP]
    if name == "fadd.s":
        cases += DIRECTED_ADD
    elif name == "fsub.s":
        cases += [(a, neg(b)) for a, b in DIRECTED_ADD]
    elif name == "fmul.s":
        cases += DIRECTED_MUL
    elif name == "fdiv.s":
        cases += DIRECTED_DIV
    return cases


def fma_effective_to_op(name, t):
    """Map an 'effective' (a, b, c) for a*b+c to the raw operands of the given fma op."""
    a, b, c = t
    if name == "fmsub.s":
        return (a, b, neg(c))
    if name == "fnmsub.s":
        return (neg(a), b, c)
    if name == "fnmadd.s":
        return (neg(a), b, neg(c))
    return (a, b, c)


def random_case(g, kind, name):
    if kind == "addsub_add":
        return g.addsub(False)
    if kind == "addsub_sub":
        return g.addsub(True)
    if kind == "mul":
        return g.mul()
    if kind == "div":
        return g.div()
    if kind == "sqrt":
        return (g.sqrt(),)
    if kind == "fma":
        return fma_effective_to_op(name, g.fma())
    if kind == "cmp":
        return g.cmp()
    if kind == "sgnj":
        return g.sgnj()
    if kind == "fclass":
        return (g.fclass(),)
    if kind == "f2i_s":
        return (g.f2i(True),)
    if kind == "f2i_u":
        return (g.f2i(False),)
    if kind == "i2f_s":
        return (g.i2f(True),)
    if kind == "i2f_u":
        return (g.i2f(False),)
    raise ValueError(kind)


def fmt_line(rm, ops, res, fl):
    return "%d %s %08x %02x\n" % (rm, " ".join("%08x" % (o & 0xFFFFFFFF) for o in ops), res & 0xFFFFFFFF, fl)


def header(name, arity, seed):
    cols = ["RM", "A", "B", "C"][: arity + 1] + ["RESULT", "FLAGS"]
    return [
        "# %s  (%s)  RM: 0=RNE 1=RTZ 2=RDN 3=RUP 4=RMM; FLAGS: NV=10 DZ=08 OF=04 UF=02 NX=01; %s\n"
        % (" ".join(cols), name, SEMANTICS[name]),
        "# generated by Tests/fpvectors/gen_fp32_vectors.py --seed 0x%X (SoftFloat via softfloatpy + RISC-V rules); "
        "do not edit\n" % seed,
    ]


def generate(out_dir, seed, only=None):
    os.makedirs(out_dir, exist_ok=True)
    sf.set_tininess_mode(sf.TininessMode.AFTER_ROUNDING)   # RISC-V: tininess after rounding
    summary = []
    for name, fn, arity, rm_dep, kind, n_rand in OPS:
        if only and name not in only:
            continue
        rms = ALL_RMS if rm_dep else (0,)
        lines = header(name, arity, seed)
        specials = special_cases(name, arity)
        n_spec = n_rnd = 0
        for rm in rms:
            for ops in specials:
                assert len(ops) == arity
                res, fl = fn(rm, *ops)
                lines.append(fmt_line(rm, ops, res, fl))
                n_spec += 1
        for rm in rms:
            rng = random.Random(seed ^ zlib.crc32(("%s/%d" % (name, rm)).encode()))
            g = Gen(rng)
            for _ in range(n_rand):
                ops = random_case(g, kind, name)
                ops = tuple(o & 0xFFFFFFFF for o in ops)
                assert len(ops) == arity, (name, ops)
                res, fl = fn(rm, *ops)
                lines.append(fmt_line(rm, ops, res, fl))
                n_rnd += 1
        text = "".join(lines)
        path = os.path.join(out_dir, name + ".txt")
        with open(path, "w", newline="\n") as f:
            f.write(text)
        size = len(text.encode())
        if size >= MAX_FILE_BYTES:
            sys.exit("error: %s is %d bytes (limit %d)" % (path, size, MAX_FILE_BYTES))
        summary.append((name, len(rms), n_spec, n_rnd, n_spec + n_rnd, size))
    return summary


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=os.path.join(REPO, "Tests", "Vectors", "fp32"),
                    help="output directory (default: Tests/Vectors/fp32)")
    ap.add_argument("--seed", type=lambda s: int(s, 0), default=DEFAULT_SEED,
                    help="random seed (default 0x%X)" % DEFAULT_SEED)
    ap.add_argument("--only", nargs="*", help="generate only these mnemonics")
    args = ap.parse_args()
    print("seed 0x%X, output %s" % (args.seed, args.out))
    summary = generate(args.out, args.seed, set(args.only) if args.only else None)
    print("%-10s %3s %8s %8s %8s %10s" % ("op", "rms", "special", "random", "vectors", "bytes"))
    for name, nrm, ns, nr, nt, size in summary:
        print("%-10s %3d %8d %8d %8d %10d" % (name, nrm, ns, nr, nt, size))
    print("total vectors: %d" % sum(s[4] for s in summary))
    if ADJUST:
        print("\nRISC-V adjustments that changed SoftFloat's raw output (this build):")
        for (op, rule), n in sorted(ADJUST.items()):
            print("  %-10s %-55s %d" % (op, rule, n))
    else:
        print("\nRISC-V adjustments that changed SoftFloat's raw output (this build): none")


if __name__ == "__main__":
    main()
