#!/usr/bin/env python3
"""Independent checker for the RV32F vectors written by gen_fp32_vectors.py.

It does NOT use SoftFloat. For every line it
  * validates the format (column count per op, RM digit, lowercase hex, valid flag bits,
    RM == 0 for ops without rounding),
  * recomputes RESULT and FLAGS from first principles with exact rational arithmetic
    (fractions.Fraction / integer sqrt) for all five rounding modes, implementing the
    RISC-V rules (canonical NaN, tininess after rounding, conversion saturation, ...)
    separately from the generator,
and for round-to-nearest-even lines of fadd/fsub/fmul/fdiv/fsqrt/fcvt.* additionally
compares the numeric result against numpy float32 (host IEEE hardware).

Usage:
    python3 Tests/fpvectors/check_fp32_vectors.py [--dir DIR] [--every N]

--every N checks every N-th data line of each file with the exact model (default 1 = all).
Exit status 1 on any mismatch.
"""

import argparse
import math
import os
import re
import struct
import sys
from fractions import Fraction

import numpy as np

NV, DZ, OF, UF, NX = 0x10, 0x08, 0x04, 0x02, 0x01
CANON = 0x7FC00000
RNE, RTZ, RDN, RUP, RMM = range(5)

ARITY = {
    "fadd.s": 2, "fsub.s": 2, "fmul.s": 2, "fdiv.s": 2, "fsqrt.s": 1,
    "fmadd.s": 3, "fmsub.s": 3, "fnmsub.s": 3, "fnmadd.s": 3,
    "fmin.s": 2, "fmax.s": 2, "feq.s": 2, "flt.s": 2, "fle.s": 2,
    "fcvt.w.s": 1, "fcvt.wu.s": 1, "fcvt.s.w": 1, "fcvt.s.wu": 1,
    "fclass.s": 1, "fsgnj.s": 2, "fsgnjn.s": 2, "fsgnjx.s": 2,
}
RM_DEP = {"fadd.s", "fsub.s", "fmul.s", "fdiv.s", "fsqrt.s", "fmadd.s", "fmsub.s",
          "fnmsub.s", "fnmadd.s", "fcvt.w.s", "fcvt.wu.s", "fcvt.s.w", "fcvt.s.wu"}

TWO = Fraction(2)
MIN_NORMAL = Fraction(1, 2 ** 126)
OVERFLOW_AT = Fraction(2 ** 128)


# ---------------------------------------------------------------- decoding

class V:
    """Decoded float: kind in {'nan','inf','num'}; for 'num' val is an exact Fraction
    (0 for zeros, sign kept separately)."""
    __slots__ = ("kind", "sign", "val", "snan")

    def __init__(self, b):
        self.sign = b >> 31
        e = (b >> 23) & 0xFF
        m = b & 0x7FFFFF
        self.snan = False
        if e == 0xFF:
            if m:
                self.kind = "nan"
                self.snan = not (m >> 22) & 1
            else:
                self.kind = "inf"
            self.val = None
        else:
            self.kind = "num"
            if e == 0:
                mag = Fraction(m, 2 ** 149)
            else:
                mag = Fraction(m | 0x800000) * (TWO ** (e - 150))
            self.val = -mag if self.sign else mag


def zero(sign):
    return 0x80000000 if sign else 0


def inf(sign):
    return 0xFF800000 if sign else 0x7F800000


def ilog2(x):
    """floor(log2(x)) for a positive Fraction."""
    e = x.numerator.bit_length() - x.denominator.bit_length()
    if x < TWO ** e:
        e -= 1
    elif x >= TWO ** (e + 1):
        e += 1
    return e


def round_int(x, rm):
    """Round a Fraction to an integer with the given RISC-V rounding mode."""
    fl = math.floor(x)
    if fl == x:
        return fl
    ce = fl + 1
    if rm == RTZ:
        return fl if x > 0 else ce
    if rm == RDN:
        return fl
    if rm == RUP:
        return ce
    diff = x - fl
    if diff < Fraction(1, 2):
        return fl
    if diff > Fraction(1, 2):
        return ce
    if rm == RNE:
        return fl if fl % 2 == 0 else ce
    return ce if x > 0 else fl   # RMM: away from zero


def round_f32(v, rm):
    """Round a nonzero exact Fraction to binary32. Returns (bits, flags)."""
    s = 1 if v < 0 else 0
    m = -v if s else v
    e = ilog2(m)
    # unbounded exponent rounding (for tininess after rounding)
    qu = TWO ** (e - 23)
    nu = abs(round_int(v / qu, rm)) * qu
    tiny = nu < MIN_NORMAL
    q = TWO ** (max(e, -126) - 23)
    n = abs(round_int(v / q, rm))
    r = n * q
    flags = 0
    inexact = r != m
    if inexact:
        flags |= NX
    if r >= OVERFLOW_AT:
        flags = OF | NX
        to_inf = rm in (RNE, RMM) or (rm == RUP and not s) or (rm == RDN and s)
        return (inf(s) if to_inf else (0x7F7FFFFF | (s << 31))), flags
    if tiny and inexact:
        flags |= UF
    if r == 0:
        return zero(s), flags
    if r < MIN_NORMAL:
        frac = r * 2 ** 149
        assert frac.denominator == 1
        return (s << 31) | int(frac), flags
    E = ilog2(r)
    mant = r / TWO ** (E - 23)
    assert mant.denominator == 1 and 2 ** 23 <= mant < 2 ** 24
    return (s << 31) | ((E + 127) << 23) | (int(mant) - 2 ** 23), flags


def nan_result(*vs):
    return CANON, (NV if any(x.snan for x in vs) else 0)


def sum_zero_sign(rm):
    return 1 if rm == RDN else 0


# ---------------------------------------------------------------- reference ops

def r_add(rm, a, b, sub=False):
    A, Bv = V(a), V(b ^ (0x80000000 if sub else 0))
    if A.kind == "nan" or Bv.kind == "nan":
        return nan_result(A, Bv)
    if A.kind == "inf" and Bv.kind == "inf":
        return (inf(A.sign), 0) if A.sign == Bv.sign else (CANON, NV)
    if A.kind == "inf":
        return inf(A.sign), 0
    if Bv.kind == "inf":
        return inf(Bv.sign), 0
    v = A.val + Bv.val
    if v == 0:
        if A.val == 0 and Bv.val == 0 and A.sign == Bv.sign:
            return zero(A.sign), 0
        return zero(sum_zero_sign(rm)), 0
    return round_f32(v, rm)


def r_mul(rm, a, b):
    A, Bv = V(a), V(b)
    s = A.sign ^ Bv.sign
    if A.kind == "nan" or Bv.kind == "nan":
        return nan_result(A, Bv)
    if (A.kind == "inf" and Bv.kind == "num" and Bv.val == 0) or \
       (Bv.kind == "inf" and A.kind == "num" and A.val == 0):
        return CANON, NV
    if A.kind == "inf" or Bv.kind == "inf":
        return inf(s), 0
    v = A.val * Bv.val
    if v == 0:
        return zero(s), 0
    return round_f32(v, rm)


def r_div(rm, a, b):
    A, Bv = V(a), V(b)
    s = A.sign ^ Bv.sign
    if A.kind == "nan" or Bv.kind == "nan":
        return nan_result(A, Bv)
    if A.kind == "inf":
        return (CANON, NV) if Bv.kind == "inf" else (inf(s), 0)
    if Bv.kind == "inf":
        return zero(s), 0
    if Bv.val == 0:
        return (CANON, NV) if A.val == 0 else (inf(s), DZ)
    if A.val == 0:
        return zero(s), 0
    return round_f32(A.val / Bv.val, rm)


def r_sqrt(rm, a):
    A = V(a)
    if A.kind == "nan":
        return nan_result(A)
    if A.kind == "inf":
        return (CANON, NV) if A.sign else (a, 0)
    if A.val == 0:
        return a, 0
    if A.val < 0:
        return CANON, NV
    # A.val = n / 2^j exactly
    n, d = A.val.numerator, A.val.denominator
    j = d.bit_length() - 1
    assert d == 1 << j
    if j % 2:
        n, j = n * 2, j + 1
    k = 40
    N = n << (2 * k)
    r = math.isqrt(N)
    if r * r == N:
        v = Fraction(r, 2 ** (k + j // 2))
    else:
        v = Fraction(4 * r + 1, 2 ** (k + j // 2 + 2))
    return round_f32(v, rm)


def r_fma(rm, a, b, c):
    A, Bv, C = V(a), V(b), V(c)
    a_zero = A.kind == "num" and A.val == 0
    b_zero = Bv.kind == "num" and Bv.val == 0
    if (A.kind == "inf" and b_zero) or (Bv.kind == "inf" and a_zero):
        return CANON, NV            # even when c is a quiet NaN
    if "nan" in (A.kind, Bv.kind, C.kind):
        return nan_result(A, Bv, C)
    ps = A.sign ^ Bv.sign
    if A.kind == "inf" or Bv.kind == "inf":
        if C.kind == "inf" and C.sign != ps:
            return CANON, NV
        return inf(ps), 0
    if C.kind == "inf":
        return inf(C.sign), 0
    p = A.val * Bv.val
    v = p + C.val
    if v == 0:
        if p == 0 and C.val == 0 and ps == C.sign:
            return zero(ps), 0
        return zero(sum_zero_sign(rm)), 0
    return round_f32(v, rm)


def r_cvt_f2i(rm, a, signed):
    lo, hi = (-2 ** 31, 2 ** 31 - 1) if signed else (0, 2 ** 32 - 1)
    A = V(a)
    if A.kind == "nan":
        return (hi & 0xFFFFFFFF), NV
    if A.kind == "inf":
        return (lo if A.sign else hi) & 0xFFFFFFFF, NV
    k = round_int(A.val, rm)
    if k < lo or k > hi:
        return (lo if A.sign else hi) & 0xFFFFFFFF, NV
    return k & 0xFFFFFFFF, (NX if k != A.val else 0)


def r_cvt_i2f(rm, a, signed):
    v = a - 2 ** 32 if (signed and a >> 31) else a
    if v == 0:
        return 0, 0
    return round_f32(Fraction(v), rm)


def f32(b):
    return struct.unpack("<f", struct.pack("<I", b))[0]


def r_minmax(a, b, want_max):
    A, Bv = V(a), V(b)
    fl = NV if (A.snan or Bv.snan) else 0
    if A.kind == "nan" and Bv.kind == "nan":
        return CANON, fl
    if A.kind == "nan":
        return b, fl
    if Bv.kind == "nan":
        return a, fl
    fa, fb = np.float32(f32(a)), np.float32(f32(b))
    if fa == fb:   # includes +0 == -0
        if want_max:
            return (b if A.sign else a), fl
        return (a if A.sign else b), fl
    if want_max:
        return (a if fa > fb else b), fl
    return (a if fa < fb else b), fl


def r_cmp(a, b, kind):
    A, Bv = V(a), V(b)
    fa, fb = f32(a), f32(b)
    anynan = A.kind == "nan" or Bv.kind == "nan"
    if kind == "eq":
        return int(fa == fb), (NV if (A.snan or Bv.snan) else 0)
    res = int(fa < fb) if kind == "lt" else int(fa <= fb)
    return res, (NV if anynan else 0)


def r_fclass(a):
    x = f32(a)
    neg = math.copysign(1.0, x) < 0
    if math.isnan(x):
        return (1 << 9) if (a >> 22) & 1 else (1 << 8), 0
    if math.isinf(x):
        return (1 << 0) if neg else (1 << 7), 0
    if x == 0:
        return (1 << 3) if neg else (1 << 4), 0
    if abs(x) < 2.0 ** -126:
        return (1 << 2) if neg else (1 << 5), 0
    return (1 << 1) if neg else (1 << 6), 0


def r_sgnj(a, b, mode):
    sa, sb = a >> 31, b >> 31
    s = {"j": sb, "n": 1 - sb, "x": sa ^ sb}[mode]
    return (a & 0x7FFFFFFF) + (s * 2 ** 31), 0


def reference(op, rm, ops):
    if op == "fadd.s":
        return r_add(rm, *ops)
    if op == "fsub.s":
        return r_add(rm, *ops, sub=True)
    if op == "fmul.s":
        return r_mul(rm, *ops)
    if op == "fdiv.s":
        return r_div(rm, *ops)
    if op == "fsqrt.s":
        return r_sqrt(rm, *ops)
    if op in ("fmadd.s", "fmsub.s", "fnmsub.s", "fnmadd.s"):
        a, b, c = ops
        if op in ("fnmsub.s", "fnmadd.s"):
            a ^= 0x80000000           # -(a*b)
        if op in ("fmsub.s", "fnmadd.s"):
            c ^= 0x80000000           # - c
        return r_fma(rm, a, b, c)
    if op == "fcvt.w.s":
        return r_cvt_f2i(rm, ops[0], True)
    if op == "fcvt.wu.s":
        return r_cvt_f2i(rm, ops[0], False)
    if op == "fcvt.s.w":
        return r_cvt_i2f(rm, ops[0], True)
    if op == "fcvt.s.wu":
        return r_cvt_i2f(rm, ops[0], False)
    if op == "fmin.s":
        return r_minmax(*ops, False)
    if op == "fmax.s":
        return r_minmax(*ops, True)
    if op in ("feq.s", "flt.s", "fle.s"):
        return r_cmp(*ops, op[1:3])
    if op == "fclass.s":
        return r_fclass(ops[0])
    if op.startswith("fsgnj"):
        return r_sgnj(*ops, {"fsgnj.s": "j", "fsgnjn.s": "n", "fsgnjx.s": "x"}[op])
    raise ValueError(op)


# ---------------------------------------------------------------- numpy RNE cross-check

def numpy_check(op, rows):
    """rows: list of (ops tuple, result) with rm == 0. Returns number of mismatches."""
    if not rows:
        return 0, 0
    A = np.array([r[0][0] for r in rows], dtype=np.uint32)
    R = np.array([r[1] for r in rows], dtype=np.uint32)
    fa = A.view(np.float32)
    with np.errstate(all="ignore"):
        if op in ("fadd.s", "fsub.s", "fmul.s", "fdiv.s"):
            fb = np.array([r[0][1] for r in rows], dtype=np.uint32).view(np.float32)
            out = {"fadd.s": np.add, "fsub.s": np.subtract, "fmul.s": np.multiply,
                   "fdiv.s": np.divide}[op](fa, fb)
        elif op == "fsqrt.s":
            out = np.sqrt(fa)
        elif op == "fcvt.s.w":
            out = A.view(np.int32).astype(np.float32)
        elif op == "fcvt.s.wu":
            out = A.astype(np.float32)
        elif op in ("fcvt.w.s", "fcvt.wu.s"):
            rnd = np.rint(fa.astype(np.float64))
            lo, hi = (-2.0 ** 31, 2.0 ** 31 - 1) if op == "fcvt.w.s" else (0.0, 2.0 ** 32 - 1)
            ok = np.isfinite(rnd) & (rnd >= lo) & (rnd <= hi)
            got = R.view(np.int32).astype(np.float64) if op == "fcvt.w.s" else R.astype(np.float64)
            bad = ok & (got != rnd)
            return int(bad.sum()), int(ok.sum())
        else:
            return 0, 0
    ob = out.astype(np.float32).view(np.uint32)
    nan_out = np.isnan(out)
    bad = np.where(nan_out, R != CANON, ob != R)
    return int(bad.sum()), len(rows)


# ---------------------------------------------------------------- driver

def check_file(path, op, every):
    arity = ARITY[op]
    pat = re.compile(r"^[0-4]( [0-9a-f]{8}){%d} [0-9a-f]{2}$" % (arity + 1))
    errors = 0
    n = 0
    checked = 0
    rms = set()
    np_rows = []
    with open(path) as f:
        first = f.readline()
        if not first.startswith("#"):
            print("%s: first line is not a comment" % path)
            errors += 1
        for lineno, line in enumerate(f, 2):
            line = line.rstrip("\n")
            if line.startswith("#"):
                continue
            if not pat.match(line):
                print("%s:%d: bad format: %r" % (path, lineno, line))
                errors += 1
                continue
            parts = line.split(" ")
            rm = int(parts[0])
            vals = [int(x, 16) for x in parts[1:]]
            ops, res, fl = tuple(vals[:arity]), vals[arity], vals[arity + 1]
            rms.add(rm)
            if fl & ~0x1F:
                print("%s:%d: invalid flag bits" % (path, lineno))
                errors += 1
            if op not in RM_DEP and rm != 0:
                print("%s:%d: RM must be 0 for %s" % (path, lineno, op))
                errors += 1
            if rm == 0:
                np_rows.append((ops, res))
            if n % every == 0:
                exp = reference(op, rm, ops)
                checked += 1
                if exp != (res, fl):
                    errors += 1
                    if errors <= 20:
                        print("%s:%d: MISMATCH %s -> file %08x/%02x, model %08x/%02x"
                              % (path, lineno, line, res, fl, exp[0], exp[1]))
            n += 1
    np_bad, np_n = numpy_check(op, np_rows)
    if np_bad:
        print("%s: %d numpy RNE mismatches" % (path, np_bad))
        errors += np_bad
    return n, checked, np_n, sorted(rms), errors


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Vectors", "fp32"))
    ap.add_argument("--every", type=int, default=1)
    args = ap.parse_args()
    total_err = 0
    print("%-10s %8s %8s %8s %-11s %6s" % ("op", "vectors", "exact", "numpy", "rms", "errors"))
    for op in ARITY:
        path = os.path.join(args.dir, op + ".txt")
        if not os.path.exists(path):
            print("%s: missing" % path)
            total_err += 1
            continue
        n, checked, np_n, rms, err = check_file(path, op, args.every)
        total_err += err
        print("%-10s %8d %8d %8d %-11s %6d" % (op, n, checked, np_n,
                                               ",".join(map(str, rms)), err))
    print("TOTAL ERRORS: %d" % total_err)
    sys.exit(1 if total_err else 0)


if __name__ == "__main__":
    main()
