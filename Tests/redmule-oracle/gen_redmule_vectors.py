#!/usr/bin/env python3
"""Generate RedMulE job test vectors (docs/platform.md §7.3) and check them.

Writes one file per (op, format) to Tests/Vectors/redmule/<op>_<fmt>.txt, e.g. gemm_fp16.txt,
mulmin_fp8alt.txt.  Each case holds the logical matrices X (M x N), W (N x K), Y (M x K) and the
expected Z (M x K) as element bit patterns; see README.md next to this file.

Z comes from redmule_oracle.py (Berkeley SoftFloat).  Before anything is written, the script runs
self-checks:
  (a) every generated case is recomputed by exact_model.py (exact rational arithmetic with
      Fractions, own RNE rounding incl. subnormals and overflow, no SoftFloat) and must agree;
  (b) all 256 codes of both FP8 formats, both directions, plus all 65536 binary16 -> FP8
      roundings, against the exact model and against ml_dtypes (differences reported);
  (c) hand-computed expectations for small cases (also written to the files, set "hand-...");
  (d) fma(x, w, -0) == x*w on a large sample, and the memory-layout helpers.

Usage:
    python3 Tests/redmule-oracle/gen_redmule_vectors.py [--out DIR] [--seed N]
           [--only NAME...] [--no-exact] [--check-files DIR]
"""

import argparse
import os
import random
import sys
import time
import zlib
from fractions import Fraction

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import exact_model as ex          # noqa: E402
import redmule_oracle as orc      # noqa: E402

DEFAULT_SEED = 0x5EED_2ED
MAX_FILE_BYTES = 1_900_000
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))
DEFAULT_OUT = os.path.join(REPO, "Tests", "Vectors", "redmule")

FP = ex.FORMATS                   # fmt -> (exponent bits, mantissa bits, bias)


# ---------------------------------------------------------------------------------------------
# Element construction
# ---------------------------------------------------------------------------------------------

def width(fmt):
    e, m, _ = FP[fmt]
    return 1 + e + m


def emin(fmt):
    return 1 - FP[fmt][2]


def emax(fmt):
    e, _, bias = FP[fmt]
    return (1 << e) - 2 - bias


def code(fmt, sign, ef, mf):
    e, m, _ = FP[fmt]
    return (sign << (e + m)) | (ef << m) | mf


def is_finite_code(fmt, c):
    e, m, _ = FP[fmt]
    return ((c >> m) & ((1 << e) - 1)) != (1 << e) - 1


def normal(rng, fmt, lo, hi, sign=None):
    """Random normal value with unbiased exponent in [lo, hi] (clipped to the format)."""
    _, m, bias = FP[fmt]
    lo, hi = max(lo, emin(fmt)), min(hi, emax(fmt))
    E = rng.randint(lo, hi)
    s = rng.getrandbits(1) if sign is None else sign
    return code(fmt, s, E + bias, rng.getrandbits(m))


def subnormal(rng, fmt, sign=None):
    _, m, _ = FP[fmt]
    s = rng.getrandbits(1) if sign is None else sign
    return code(fmt, s, 0, rng.randint(1, (1 << m) - 1))


def zero(rng, fmt):
    return code(fmt, rng.getrandbits(1), 0, 0)


def pow2(fmt, E, sign=0):
    """Code of +-2^E (normal or subnormal), or None when not representable."""
    _, m, bias = FP[fmt]
    if emin(fmt) <= E <= emax(fmt):
        return code(fmt, sign, E + bias, 0)
    if emin(fmt) - m <= E < emin(fmt):
        return code(fmt, sign, 0, 1 << (E - emin(fmt) + m))
    return None


def from_int(fmt, v):
    if v == 0:
        return 0
    return ex.round_fraction(FP[fmt], Fraction(v))[0]


def inf(fmt, sign):
    e, m, _ = FP[fmt]
    return code(fmt, sign, (1 << e) - 1, 0)


def max_finite(fmt, sign):
    e, m, _ = FP[fmt]
    return code(fmt, sign, (1 << e) - 2, (1 << m) - 1)


NAN_CODES = {
    1: [0x7E00, 0xFE00, 0x7C01, 0x7D55, 0xFFFF, 0x7FFF, 0xFC01],
    0: [0x7E, 0xFE, 0x7D, 0x7F, 0xFF, 0xFD],
    2: [0x7C, 0xFC, 0x79, 0x7F, 0xFB, 0xFA],
}


def special_value(rng, fmt, weights):
    kinds = [k for k, w in weights for _ in range(w)]
    k = rng.choice(kinds)
    s = rng.getrandbits(1)
    if k == "zero":
        return code(fmt, s, 0, 0)
    if k == "inf":
        return inf(fmt, s)
    if k == "nan":
        return rng.choice(NAN_CODES[fmt])
    if k == "max":
        return max_finite(fmt, s)
    if k == "minsub":
        return code(fmt, s, 0, 1)
    raise ValueError(k)


# ---------------------------------------------------------------------------------------------
# Data sets: each returns (X, W, Y) element codes
# ---------------------------------------------------------------------------------------------

def gen_mixed_elem(rng, fmt, role):
    r = rng.random()
    if r < 0.04:
        return zero(rng, fmt)
    if r < 0.09:
        return subnormal(rng, fmt)
    if role == "y":
        return normal(rng, fmt, emin(fmt), emax(fmt))
    return normal(rng, fmt, emin(fmt), emax(fmt) // 2)


def set_mixed(rng, fmt, op, M, N, K):
    X = [gen_mixed_elem(rng, fmt, "x") for _ in range(M * N)]
    W = [gen_mixed_elem(rng, fmt, "x") for _ in range(N * K)]
    Y = [gen_mixed_elem(rng, fmt, "y") for _ in range(M * K)]
    return X, W, Y


def set_full(rng, fmt, op, M, N, K):
    """Uniformly random finite codes: every sign and exponent of the format."""
    def one():
        while True:
            c = rng.getrandbits(width(fmt))
            if is_finite_code(fmt, c):
                return c
    return ([one() for _ in range(M * N)], [one() for _ in range(N * K)],
            [one() for _ in range(M * K)])


def set_benign(rng, fmt, op, M, N, K):
    X = [from_int(fmt, rng.randint(-8, 8)) for _ in range(M * N)]
    W = [from_int(fmt, rng.randint(-8, 8)) for _ in range(N * K)]
    Y = [from_int(fmt, rng.randint(-16, 16)) for _ in range(M * K)]
    return X, W, Y


def set_subnormal(rng, fmt, op, M, N, K):
    lo = emin(fmt)
    e_hi = emax(fmt)

    def xs():
        r = rng.random()
        if r < 0.70:
            return subnormal(rng, fmt)
        if r < 0.85:
            return normal(rng, fmt, lo, lo + 1)
        return zero(rng, fmt)

    def ws():
        # mostly <= 1 so that sums of products of subnormals stay near the subnormal range
        r = rng.random()
        if r < 0.4:
            return subnormal(rng, fmt)
        if r < 0.45:
            return zero(rng, fmt)
        if r < 0.9:
            return normal(rng, fmt, lo // 2, 0)
        return normal(rng, fmt, 1, e_hi // 2)

    def ys():
        r = rng.random()
        if r < 0.70:
            return subnormal(rng, fmt)
        if r < 0.85:
            return zero(rng, fmt)
        return normal(rng, fmt, lo, lo + 1)

    return ([xs() for _ in range(M * N)], [ws() for _ in range(N * K)],
            [ys() for _ in range(M * K)])


XW_SPECIALS = (("zero", 4), ("inf", 2), ("nan", 1), ("max", 1), ("minsub", 1))
Y_SPECIALS = (("inf", 3), ("nan", 1), ("zero", 2), ("max", 1))


def set_special(rng, fmt, op, M, N, K):
    """Mixed values with +-0, +-inf, NaNs (quiet, signaling, payloads, both signs), +-max and
    +-min-subnormal sprinkled in (about 0.6 per X row and per W column, so that not every GEMM
    output is a NaN), Y specials (infinities first), and some forced inf*0 products."""
    X, W, Y = set_mixed(rng, fmt, op, M, N, K)
    p = min(0.3, 0.6 / N)
    for i in range(len(X)):
        if rng.random() < p:
            X[i] = special_value(rng, fmt, XW_SPECIALS)
    for i in range(len(W)):
        if rng.random() < p:
            W[i] = special_value(rng, fmt, XW_SPECIALS)
    for i in range(len(Y)):
        if rng.random() < 0.25:
            Y[i] = special_value(rng, fmt, Y_SPECIALS)
    n_forced = (M * K) // 48 if M * K >= 48 else int(rng.random() < 0.25)
    for _ in range(n_forced):
        m, n, k = rng.randrange(M), rng.randrange(N), rng.randrange(K)
        if rng.getrandbits(1):
            X[m * N + n], W[n * K + k] = inf(fmt, rng.getrandbits(1)), zero(rng, fmt)
        else:
            X[m * N + n], W[n * K + k] = zero(rng, fmt), inf(fmt, rng.getrandbits(1))
    return X, W, Y


def set_zeros(rng, fmt, op, M, N, K):
    """Mostly +-0 with random signs (sign-of-zero rules through the chain and the padding)."""
    def small():
        return normal(rng, fmt, -2, 2)
    X = [zero(rng, fmt) if rng.random() < 0.7 else small() for _ in range(M * N)]
    W = [zero(rng, fmt) if rng.random() < 0.7 else small() for _ in range(N * K)]
    Y = [zero(rng, fmt) if rng.random() < 0.85 else small() for _ in range(M * K)]
    return X, W, Y


# ---- "ties": data that puts roundings exactly on (or next to) a tie; K = 1 -----------------

def _tie_partners(s2):
    """11-bit significands s1 with s1*s2 exactly halfway between two binary16 significands."""
    out = []
    for s1 in range(1024, 2048):
        p = s1 * s2
        drop = 11 if p >= (1 << 21) else 10
        if p & ((1 << drop) - 1) == 1 << (drop - 1):
            out.append(s1)
    return out


def _f16_normal(sign, E, sig):
    return (sign << 15) | ((E + 15) << 10) | (sig - 1024)


def set_ties(rng, fmt, op, M, N, K):
    assert K == 1 and N >= 3
    if fmt == 1 and op in (0, 1, 4, 5):
        return _ties_f16_product(rng, op, M, N)
    if fmt == 1 and op in (2, 3):
        return _ties_f16_sum(rng, M, N)
    if fmt in (0, 2) and op in (0, 1):
        return _ties_fp8_final(rng, fmt, op, M, N)
    raise ValueError("no ties set for op %d fmt %d" % (op, fmt))


def _ties_f16_product(rng, op, M, N):
    # W[0] = w0 has a significand with tie partners; X[m][0] = one of them, so every product
    # x*w0 lies exactly on a binary16 tie.  Y breaks the tie (+-tiny), keeps it (+-0) or is an
    # arbitrary value of similar size; lane 1 adds a small product, the others +-0 products.
    while True:
        s2 = rng.randint(1024, 2047)
        partners = _tie_partners(s2)
        if partners:
            break
    e2 = rng.randint(-3, 3)
    W = [_f16_normal(rng.getrandbits(1), e2, s2), pow2(1, rng.randint(-8, 0))]
    W += [zero(rng, 1) for _ in range(N - 2)]
    X, Y = [], []
    for _ in range(M):
        e1 = rng.randint(-2, 6)
        s1 = rng.choice(partners)
        X.append(_f16_normal(rng.getrandbits(1), e1, s1))
        X.append(zero(rng, 1) if rng.random() < 0.5 else normal(rng, 1, -14, -2))
        X += [normal(rng, 1, -14, 15) for _ in range(N - 2)]
        pe = e1 + e2 + (1 if s1 * s2 >= (1 << 21) else 0)      # exponent of the product
        r = rng.random()
        if r < 0.2:
            Y.append(zero(rng, 1))
        elif r < 0.8:
            # +-2^t, 12..23 bits below the product, or 25..40 bits (clipped to the smallest
            # subnormal): a binary32 FMA loses the latter and then rounds the tie to even
            d = rng.randint(12, 23) if r < 0.4 else rng.randint(25, 40)
            Y.append(pow2(1, max(pe - d, -24), rng.getrandbits(1)))
        else:
            Y.append(normal(rng, 1, pe - 11, pe))
    return X, W, Y


def _ties_f16_sum(rng, M, N):
    # W[n] = +-2^j; X[m][n] has exponent j+11 (w is half an ulp of x: a tie) or j+10 (exact).
    W = []
    js = []
    for _ in range(N):
        j = rng.randint(-10, 4)
        js.append(j)
        W.append(pow2(1, j, rng.getrandbits(1)))
    X = []
    for _ in range(M):
        for n in range(N):
            E = js[n] + (11 if rng.random() < 0.7 else 10)
            sig = 1024 if rng.random() < 0.2 else rng.randint(1024, 2047)
            X.append(_f16_normal(rng.getrandbits(1), E, sig))
    Y = [gen_mixed_elem(rng, 1, "y") for _ in range(M)]
    return X, W, Y


def _ties_fp8_final(rng, fmt, op, M, N):
    # The chain reaches v (Y[m] = v for GEMM; for MATMUL, whose acc starts at +0, a first lane
    # v * 1), then one lane adds exactly half an FP8 ulp of v (the binary16 sum is an FP8 tie),
    # and the next lane adds a product that binary16 loses (double rounding: the tie stays), one
    # that survives (tie broken), or zero.  Other lanes: +-0 products.
    _, mb, _ = FP[fmt]
    lo_v, hi_v = emin(fmt) + 3, emax(fmt) - 3
    j0 = rng.randint(-2, 2)
    j1 = emin(fmt) + rng.randint(0, 3)
    lead = 1 if op == 0 else 0
    W = [pow2(fmt, 0)] * lead + [pow2(fmt, j0), pow2(fmt, j1)]
    W += [zero(rng, fmt) for _ in range(N - len(W))]
    X, Y = [], []
    for _ in range(M):
        v = normal(rng, fmt, lo_v, hi_v)
        Ev = ((v >> mb) & ((1 << FP[fmt][0]) - 1)) - FP[fmt][2]
        if lead:
            X.append(v)
            Y.append(normal(rng, fmt, lo_v, hi_v))      # ignored by MATMUL
        else:
            Y.append(v)
        x0 = pow2(fmt, Ev - mb - 1 - j0, rng.getrandbits(1))
        X.append(x0 if x0 is not None else zero(rng, fmt))
        x1 = None
        r = rng.random()
        if r < 0.45:
            pe = Ev - 11 - rng.randint(1, 4)          # below binary16's half ulp: lost
        elif r < 0.85:
            pe = Ev - rng.randint(mb + 2, 9)          # kept by binary16, below FP8's ulp
        else:
            pe = None
        if pe is not None:
            x1 = pow2(fmt, pe - j1, rng.getrandbits(1))
        X.append(x1 if x1 is not None else zero(rng, fmt))
        X += [normal(rng, fmt, -2, 2) for _ in range(N - 2 - lead)]
    return X, W, Y


SETS = {
    "benign": set_benign,
    "mixed": set_mixed,
    "full": set_full,
    "subnormal": set_subnormal,
    "special": set_special,
    "zeros": set_zeros,
    "ties": set_ties,
}

# ---------------------------------------------------------------------------------------------
# Hand-computed cases: (name, op, fmt, M, N, K, X, W, Y, expected Z)
# ---------------------------------------------------------------------------------------------

HAND = [
    # min/max with N mod 4 != 0: the padding lanes feed op1(+0, +0) = +0 into op2
    ("addmin-pad-positive", 3, 1, 1, 3, 1, [0x3C00, 0x4000, 0x4200], [0x3C00] * 3, [0x4500], [0x0000]),
    ("addmin-nopad", 3, 1, 1, 4, 1, [0x3C00, 0x4000, 0x4200, 0x3C00], [0x3C00] * 4, [0x4500], [0x4000]),
    ("addmax-pad-negative", 2, 1, 1, 3, 1, [0xBC00, 0xC000, 0xC200], [0xBC00] * 3, [0xC500], [0x0000]),
    # sign of zero in the GEMM chain
    ("gemm-negzero-pad", 1, 1, 1, 1, 1, [0x3C00], [0x8000], [0x8000], [0x0000]),
    ("gemm-negzero-nopad", 1, 1, 1, 4, 1, [0x3C00] * 4, [0x8000] * 4, [0x8000], [0x8000]),
    ("gemm-negzero-pluszero", 1, 1, 1, 4, 1, [0x3C00] * 4, [0x0000, 0x8000, 0x8000, 0x8000], [0x8000],
     [0x0000]),
    ("matmul-starts-at-plus-zero", 0, 1, 1, 4, 1, [0x3C00] * 4, [0x8000] * 4, [0x8000], [0x0000]),
    ("matmul-negzero-by-underflow", 0, 1, 1, 4, 1, [0x0400] * 4, [0x8400] * 4, [0x3C00], [0x8000]),
    ("matmul-ignores-y", 0, 1, 1, 1, 1, [0x4000], [0x4200], [0x7E00], [0x4600]),
    # NaN and infinity
    ("gemm-inf-times-zero", 1, 1, 1, 4, 1, [0x7C00, 0x3C00, 0x3C00, 0x3C00], [0x0000, 0x3C00, 0x3C00, 0x3C00],
     [0x3C00], [0x7E00]),
    ("gemm-inf-minus-inf", 1, 1, 1, 4, 1, [0x7C00, 0xFC00, 0, 0], [0x3C00, 0x3C00, 0, 0], [0x0000], [0x7E00]),
    ("gemm-y-inf", 1, 1, 1, 4, 1, [0x3C00] * 4, [0xBC00] * 4, [0x7C00], [0x7C00]),
    ("gemm-y-snan", 1, 1, 1, 4, 1, [0] * 4, [0] * 4, [0x7C01], [0x7E00]),
    ("gemm-x-nan-payload", 1, 1, 1, 4, 1, [0xFD55, 0, 0, 0], [0x3C00] * 4, [0x3C00], [0x7E00]),
    ("mulmax-inf-times-zero", 4, 1, 1, 4, 1, [0x7C00, 0x3800, 0x3800, 0x3800], [0x0000, 0x4000, 0x4000, 0x4000],
     [0xC500], [0x3C00]),
    ("addmin-nan-x", 3, 1, 1, 4, 1, [0x7E00, 0x3C00, 0x3C00, 0x3C00], [0x3C00] * 4, [0x4500], [0x4000]),
    ("maxmin-nan-operand", 6, 1, 1, 4, 1, [0x7E00, 0x4700, 0x4700, 0x4700], [0x4000, 0x4880, 0x4880, 0x4880],
     [0x4500], [0x4000]),
    ("maxmin-snan-operand", 6, 1, 1, 4, 1, [0x7C01, 0x4700, 0x4700, 0x4700], [0x4000, 0x4880, 0x4880, 0x4880],
     [0x4500], [0x4000]),
    ("minmax-both-nan", 7, 1, 1, 4, 1, [0x7E00, 0xBC00, 0xBC00, 0xBC00], [0xFE00, 0xBC00, 0xBC00, 0xBC00],
     [0xC500], [0xBC00]),
    ("addmin-y-snan", 3, 1, 1, 4, 1, [0x3C00] * 4, [0x3C00] * 4, [0x7C01], [0x4000]),
    # -0 < +0 in min/max
    ("minmax-negzero", 7, 1, 1, 4, 1, [0x8000] * 4, [0x0000] * 4, [0x8000], [0x8000]),
    ("minmax-negzero-pad", 7, 1, 1, 3, 1, [0x8000] * 3, [0x0000] * 3, [0x8000], [0x0000]),
    ("maxmin-zero-y-pos", 6, 1, 1, 4, 1, [0x8000] * 4, [0x0000] * 4, [0x0000], [0x0000]),
    ("maxmin-zero-y-neg", 6, 1, 1, 4, 1, [0x8000] * 4, [0x0000] * 4, [0x8000], [0x8000]),
    # x*w with addend -0 keeps the product's sign, also when it underflows to zero
    ("mulmin-negzero", 5, 1, 1, 4, 1, [0xBC00] * 4, [0x0000] * 4, [0x0000], [0x8000]),
    ("mulmin-underflow-neg", 5, 1, 1, 4, 1, [0x0400] * 4, [0x8400] * 4, [0x0000], [0x8000]),
    ("mulmax-underflow-pos", 4, 1, 1, 4, 1, [0x0400] * 4, [0x0400] * 4, [0x8000], [0x0000]),
    ("mulmax-negzero-squared", 4, 1, 1, 4, 1, [0x8000] * 4, [0x8000] * 4, [0x8000], [0x0000]),
    ("mulmax-underflow-tie-even", 4, 1, 1, 4, 1, [0x0400] * 4, [0x1000] * 4, [0x8000], [0x0000]),
    ("mulmax-underflow-round-up", 4, 1, 1, 4, 1, [0x0600] * 4, [0x1000] * 4, [0x8000], [0x0001]),
    # one rounding per fused step; overflow; strict order
    ("gemm-fused-one-rounding", 1, 1, 1, 4, 1, [0x3C20, 0, 0, 0], [0x3C10, 0, 0, 0], [0xBC00], [0x2A10]),
    ("gemm-product-tie-to-even", 1, 1, 1, 1, 1, [0x3C20], [0x3C10], [0x0000], [0x3C30]),
    ("gemm-product-tie-broken-by-tiny-y", 1, 1, 1, 1, 1, [0x3C20], [0x3C10], [0x0001], [0x3C31]),
    ("gemm-overflow-tie", 1, 1, 1, 4, 1, [0x7BFF, 0, 0, 0], [0x3C00, 0, 0, 0], [0x4C00], [0x7C00]),
    ("gemm-no-overflow", 1, 1, 1, 4, 1, [0x7BFF, 0, 0, 0], [0x3C00, 0, 0, 0], [0x4B80], [0x7BFF]),
    ("gemm-fused-no-intermediate-overflow", 1, 1, 1, 1, 1, [0x5E00], [0x5C00], [0xFBFF], [0x7801]),
    ("gemm-inf-plus-huge-finite-product", 1, 1, 1, 1, 1, [0x7BFF], [0xFBFF], [0x7C00], [0x7C00]),
    ("gemm-product-overflows-sum", 1, 1, 1, 1, 1, [0x7BFF], [0xFBFF], [0x7BFF], [0xFC00]),
    ("gemm-strict-order", 1, 1, 1, 4, 1, [0x6800, 0x3C00, 0x3C00, 0xE800], [0x3C00] * 4, [0x0000], [0x0000]),
    ("gemm-subnormal-sum", 1, 1, 1, 4, 1, [0x0001] * 4, [0x3C00] * 4, [0x0001], [0x0005]),
    # E5M2
    ("e5m2-double-rounding", 1, 0, 1, 2, 1, [0x30, 0x24], [0x3C, 0x24], [0x3C], [0x3C]),
    ("e5m2-overflow-tie", 1, 0, 1, 1, 1, [0x7B], [0x3C], [0x6C], [0x7C]),
    ("e5m2-no-overflow", 1, 0, 1, 1, 1, [0x7B], [0x3C], [0x68], [0x7B]),
    ("e5m2-inf-times-zero", 1, 0, 1, 1, 1, [0x7C], [0x00], [0x3C], [0x7E]),
    ("e5m2-neg-nan-in", 1, 0, 1, 1, 1, [0x3C], [0xFF], [0x3C], [0x7E]),
    ("e5m2-f16-overflow", 1, 0, 1, 1, 1, [0x7B], [0x7B], [0x00], [0x7C]),
    ("e5m2-subnormal-tie-even", 1, 0, 1, 1, 1, [0x01], [0x38], [0x00], [0x00]),
    ("e5m2-subnormal-tie-up", 1, 0, 1, 1, 1, [0x01], [0x38], [0x01], [0x02]),
    ("e5m2-subnormal-sum", 1, 0, 1, 1, 1, [0x01], [0x3C], [0x01], [0x02]),
    ("e5m2-addmin-snan-y", 3, 0, 1, 1, 1, [0x3C], [0x3C], [0x7D], [0x00]),
    # E4M3 with infinities (not E4M3FN)
    ("e4m3-overflow-tie", 1, 2, 1, 1, 1, [0x77], [0x38], [0x50], [0x78]),
    ("e4m3-no-overflow", 1, 2, 1, 1, 1, [0x77], [0x38], [0x4F], [0x77]),
    ("e4m3-inf-times-zero", 1, 2, 1, 1, 1, [0x78], [0x00], [0x38], [0x7C]),
    ("e4m3-neg-nan-in", 1, 2, 1, 1, 1, [0xFF], [0x38], [0x38], [0x7C]),
    ("e4m3-0x7e-is-nan", 1, 2, 1, 1, 1, [0x7E], [0x38], [0x00], [0x7C]),
    ("e4m3-0x78-is-inf", 1, 2, 1, 1, 1, [0x78], [0x38], [0x00], [0x78]),
    ("e4m3-subnormal-tie-even", 1, 2, 1, 1, 1, [0x01], [0x30], [0x00], [0x00]),
    ("e4m3-subnormal-tie-up", 1, 2, 1, 1, 1, [0x01], [0x30], [0x01], [0x02]),
    ("e4m3-minmax-infs", 7, 2, 1, 4, 1, [0x78] * 4, [0xF8] * 4, [0x38], [0x38]),
    ("e4m3-addmin-snan-y", 3, 2, 1, 4, 1, [0x38] * 4, [0x38] * 4, [0x79], [0x40]),
]


# ---------------------------------------------------------------------------------------------
# Case lists
# ---------------------------------------------------------------------------------------------

ALL_SETS = ("benign", "mixed", "full", "subnormal", "special", "zeros")
MEDIUM_SETS = ("benign", "mixed", "special", "subnormal")

SMALL = [(1, 1, 1), (3, 2, 5), (5, 3, 9), (12, 6, 16), (12, 16, 16), (13, 7, 17)]
MEDIUM = [(11, 18, 31), (24, 33, 20), (25, 12, 40)]
# MATMUL is only valid for M <= 12 and K <= 16 (docs/platform.md §7.6)
SMALL_MATMUL = [(1, 1, 1), (3, 2, 5), (5, 3, 9), (12, 6, 16), (12, 16, 16), (7, 13, 11)]
MEDIUM_MATMUL = [(11, 18, 15), (12, 33, 16), (4, 96, 16)]
LONG = (12, 97, 16)
REPEATS = [((1, 1, 1), 6), ((1, 4, 1), 6), ((2, 8, 3), 4)]
BIG = {(1, 1): ("mixed", "special"), (1, 0): ("mixed",), (1, 2): ("mixed",), (2, 1): ("mixed",),
       (5, 2): ("mixed",), (7, 0): ("mixed",)}


def ties_shapes(op, fmt):
    if fmt == 1 and op in (0, 1, 4, 5, 2, 3) or fmt in (0, 2) and op in (0, 1):
        return [(12, 4, 1), (12, 9, 1)] if op == 0 else [(12, 4, 1), (36, 9, 1)]
    return []


def case_plan(op, fmt):
    """List of (shape, set name, repetition) for one file, in file order."""
    plan = []
    small, medium = (SMALL_MATMUL, MEDIUM_MATMUL) if op == 0 else (SMALL, MEDIUM)
    for shape in small:
        for s in ALL_SETS:
            plan.append((shape, s, 0))
    for shape in medium:
        for s in MEDIUM_SETS:
            plan.append((shape, s, 0))
    plan.append((LONG, "mixed", 0))
    for shape, reps in REPEATS:
        for r in range(reps):
            plan.append((shape, "special", r))
    for shape in ties_shapes(op, fmt):
        plan.append((shape, "ties", 0))
    for s in BIG.get((op, fmt), ()):
        plan.append(((96, 96, 96), s, 0))
    return plan


def case_rng(seed, op, fmt, shape, set_name, rep):
    tag = "%d/%d/%dx%dx%d/%s/%d" % (op, fmt, shape[0], shape[1], shape[2], set_name, rep)
    return random.Random(seed ^ zlib.crc32(tag.encode()))


def build_cases(seed, op, fmt):
    cases = []
    for shape, set_name, rep in case_plan(op, fmt):
        M, N, K = shape
        rng = case_rng(seed, op, fmt, shape, set_name, rep)
        X, W, Y = SETS[set_name](rng, fmt, op, M, N, K)
        cases.append(dict(op=op, fmt=fmt, M=M, N=N, K=K, set=set_name, X=X, W=W, Y=Y, expect=None))
    for name, hop, hfmt, M, N, K, X, W, Y, Z in HAND:
        if (hop, hfmt) == (op, fmt):
            cases.append(dict(op=op, fmt=fmt, M=M, N=N, K=K, set="hand-" + name, X=X, W=W, Y=Y,
                              expect=Z))
    for c in cases:
        c["Z"] = orc.compute_z(c["op"], c["fmt"], c["M"], c["N"], c["K"], c["X"], c["W"], c["Y"])
    return cases


# ---------------------------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------------------------

def file_name(op, fmt):
    return "%s_%s.txt" % (orc.OP_NAMES[op], orc.FMT_NAMES[fmt])


def render(op, fmt, cases, seed):
    d = orc.FMT_HEX_DIGITS[fmt]
    lines = [
        "# RedMulE job vectors: op %d (%s), fmt %d (%s); element = %d hex digits"
        % (op, orc.OP_NAMES[op].upper(), fmt, orc.FMT_LONG[fmt], d),
        "# generated by Tests/redmule-oracle/gen_redmule_vectors.py --seed 0x%X; do not edit" % seed,
        "# case <id> op <op> fmt <fmt> M <M> N <N> K <K> set <name>, then lines 'X', 'W', 'Y', 'Z'",
        "# holding the logical matrices X (MxN), W (NxK), Y (MxK), Z (MxK) row-major: element bit",
        "# patterns in lowercase hex, space separated (not memory images). Z = expected result.",
    ]
    fmt_s = "%0" + str(d) + "x"
    for i, c in enumerate(cases):
        lines.append("case %d op %d fmt %d M %d N %d K %d set %s"
                     % (i, c["op"], c["fmt"], c["M"], c["N"], c["K"], c["set"]))
        for key in ("X", "W", "Y", "Z"):
            lines.append(key + " " + " ".join(fmt_s % v for v in c[key]))
    return "\n".join(lines) + "\n"


def parse_file(path):
    cases = []
    cur = None
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            parts = line.split(" ")
            if parts[0] == "case":
                kv = dict(zip(parts[2::2], parts[3::2]))
                cur = dict(id=int(parts[1]), op=int(kv["op"]), fmt=int(kv["fmt"]), M=int(kv["M"]),
                           N=int(kv["N"]), K=int(kv["K"]), set=kv["set"])
                cases.append(cur)
            else:
                cur[parts[0]] = [int(t, 16) for t in parts[1:]]
    return cases


# ---------------------------------------------------------------------------------------------
# Self-checks
# ---------------------------------------------------------------------------------------------

class CheckError(Exception):
    pass


def require(cond, msg):
    if not cond:
        raise CheckError(msg)


def check_hand_cases():
    """(c) hand-computed expectations, against both models."""
    for name, op, fmt, M, N, K, X, W, Y, Z in HAND:
        got = orc.compute_z(op, fmt, M, N, K, X, W, Y)
        require(got == Z, "hand case %s: oracle %s, expected %s" % (name, [hex(v) for v in got],
                                                                   [hex(v) for v in Z]))
        got = ex.compute_z(op, fmt, M, N, K, X, W, Y)
        require(got == Z, "hand case %s: exact model %s, expected %s" % (name, [hex(v) for v in got],
                                                                        [hex(v) for v in Z]))
    return len(HAND)


def _same_value(a, b):
    if a[0] == "n" or b[0] == "n":
        return a[0] == b[0]
    return a == b


def check_fp8_conversions():
    """(b) all 256 codes of each FP8 format both ways; all 65536 binary16 -> FP8 roundings."""
    notes = []
    import numpy as np
    import ml_dtypes
    ml_types = {0: ml_dtypes.float8_e5m2, 2: ml_dtypes.float8_e4m3}
    # contract statements, checked on the exact decoder
    v = lambda fmt, c: ex.decode(FP[fmt], c)                               # noqa: E731
    require(v(2, 0x78) == ("i", 0, None) and v(2, 0xF8) == ("i", 1, None), "E4M3 0x78 must be inf")
    require(v(2, 0x7C)[0] == "n" and ex.canonical_nan(FP[2]) == 0x7C, "E4M3 canonical NaN 0x7C")
    require(v(2, 0x77) == ("f", None, Fraction(240)), "E4M3 max finite 240")
    require(v(2, 0x08) == ("f", None, Fraction(1, 64)), "E4M3 min normal 2^-6")
    require(v(2, 0x01) == ("f", None, Fraction(1, 512)), "E4M3 min subnormal 2^-9")
    require(v(0, 0x7C) == ("i", 0, None) and ex.canonical_nan(FP[0]) == 0x7E, "E5M2 inf/NaN")
    require(v(0, 0x7B) == ("f", None, Fraction(57344)), "E5M2 max finite")
    require(v(0, 0x01) == ("f", None, Fraction(1, 65536)), "E5M2 min subnormal 2^-16")
    for fmt in (0, 2):
        nan = ex.canonical_nan(FP[fmt])
        ml = np.arange(256, dtype=np.uint8).view(ml_types[fmt]).astype(np.float64)
        ml_diff = []
        for c in range(256):
            want = ex.decode(FP[fmt], c)
            h = orc.to_f16(fmt, c)
            require(_same_value(ex.decode(ex.F16, h), want),
                    "fmt %d code %02x -> f16 %04x is not exact" % (fmt, c, h))
            # back to FP8: identity, NaN -> canonical
            back = orc.from_f16(fmt, h)
            require(back == (nan if want[0] == "n" else c),
                    "fmt %d code %02x -> %04x -> %02x" % (fmt, c, h, back))
            # ml_dtypes' decoding
            f = ml[c]
            if want[0] == "n":
                ok = f != f
            elif want[0] == "i":
                ok = f == (-np.inf if want[1] else np.inf)
            elif want[0] == "z":
                ok = f == 0 and bool(np.signbit(f)) == bool(want[1])
            else:
                ok = Fraction(float(f)) == want[2]
            if not ok:
                ml_diff.append(c)
        notes.append("fmt %d: ml_dtypes.%s decodes %d of 256 codes differently from the contract%s"
                     % (fmt, ml_types[fmt].__name__, len(ml_diff),
                        (": " + " ".join("%02x" % c for c in ml_diff)) if ml_diff else ""))
        # every binary16 pattern -> FP8: oracle (bit-level) vs exact model vs ml_dtypes
        halves = np.arange(65536, dtype=np.uint16).view(np.float16)
        with np.errstate(invalid="ignore"):
            ml8 = halves.astype(ml_types[fmt]).view(np.uint8)
        ml_nan_only = 0
        ml_other = []
        for b in range(65536):
            v16 = ex.decode(ex.F16, b)
            want = ex.encode(FP[fmt], ex.round_value(FP[fmt], v16))
            got = orc.from_f16(fmt, b)
            require(got == want, "fmt %d: f16 %04x -> %02x, exact model %02x" % (fmt, b, got, want))
            if int(ml8[b]) != want:
                if v16[0] == "n":
                    ml_nan_only += 1
                else:
                    ml_other.append(b)
        notes.append("fmt %d: binary16 -> FP8 of all 65536 patterns agrees with the exact model; "
                     "ml_dtypes differs on %d NaN inputs (it keeps the NaN's sign: %s) and on %d "
                     "non-NaN inputs%s"
                     % (fmt, ml_nan_only,
                        "e.g. f16 fe00 -> %02x" % int(ml8[0xFE00]), len(ml_other),
                        (": " + " ".join("%04x" % b for b in ml_other[:20])) if ml_other else ""))
    return notes


def check_mul_addend(seed):
    """(d) fma(x, w, -0) == plain x*w, bit for bit."""
    rng = random.Random(seed ^ zlib.crc32(b"mul-addend"))
    grid = [0x0000, 0x8000, 0x0001, 0x8001, 0x03FF, 0x83FF, 0x0400, 0x8400, 0x3C00, 0xBC00,
            0x7BFF, 0xFBFF, 0x7C00, 0xFC00, 0x7E00, 0x7C01, 0xFE00, 0x1000, 0x9000, 0x0600,
            0x2000, 0xA000, 0x5C00, 0xDC00, 0x3555, 0xB555]
    orc._rne()
    n = 0
    for x in range(65536):
        for w in grid:
            require(orc.f16_mul_fused(x, w) == orc.f16_mul_plain(x, w),
                    "fma(%04x, %04x, -0) != %04x*%04x" % (x, w, x, w))
            n += 1
    for _ in range(400_000):
        x, w = rng.getrandbits(16), rng.getrandbits(16)
        require(orc.f16_mul_fused(x, w) == orc.f16_mul_plain(x, w), "fma(%04x, %04x, -0)" % (x, w))
        n += 1
    # and +0 as addend would NOT be the same (the reason for -0): (-0) + (+0) = +0
    orc._rne()
    import softfloatpy as sf
    r = sf.f16_mul_add(orc._SF16[0xBC00], orc._SF16[0x0000], orc._SF16[0x0000])
    r = int.from_bytes(r.to_bytes(), "big")
    require(r == 0x0000 and orc.f16_mul_fused(0xBC00, 0x0000) == 0x8000, "addend sign demo")
    return n


def check_layout(seed):
    rng = random.Random(seed ^ zlib.crc32(b"layout"))
    # offsets: FP8 element (r, c) at r*2*cols + 32*(c//16) + c%16, unique, inside the row
    for cols in (1, 5, 15, 16, 17, 31, 32, 33, 40, 96):
        for fmt in (0, 1, 2):
            seen = set()
            for r in range(3):
                for c in range(cols):
                    o = orc.element_offset(fmt, r, c, cols)
                    require(r * 2 * cols <= o < (r + 1) * 2 * cols, "offset outside row")
                    for b in range(orc.FMT_BYTES[fmt]):
                        require(o + b not in seen, "overlapping elements")
                        seen.add(o + b)
    require(orc.element_offset(0, 1, 16, 17) == 34 + 32, "FP8 offset example")
    require(orc.element_offset(1, 1, 16, 17) == 34 + 32, "FP16 offset example")
    # a whole job in memory: Z read back == compute_z; zero bytes never hit another element;
    # tail rows 0xFF; nothing outside Z's span + tail rows changes
    for fmt in (0, 1, 2):
        for (M, N, K) in ((1, 1, 1), (5, 3, 9), (13, 7, 17), (12, 16, 16), (3, 5, 40), (2, 6, 8)):
            size = 4096
            mem = bytearray(rng.getrandbits(8) for _ in range(size))
            xa, wa, za = 16, 16 + 2 * M * N + 4, 16 + 2 * M * N + 4 + 2 * N * K + 4
            rset = SETS["mixed"](rng, fmt, 1, M, N, K)
            orc.write_elements(mem, xa, rset[0], fmt, M, N)
            orc.write_elements(mem, wa, rset[1], fmt, N, K)
            orc.write_elements(mem, za, rset[2], fmt, M, K)
            before = bytes(mem)
            Z = orc.run_job_in_memory(mem, 1, fmt, M, N, K, xa, wa, za)
            require(Z == orc.compute_z(1, fmt, M, N, K, *rset), "job in memory")
            require(orc.read_elements(mem, za, fmt, M, K) == Z, "Z read back")
            require(orc.read_elements(mem, xa, fmt, M, N) == rset[0], "X intact")
            require(orc.read_elements(mem, wa, fmt, N, K) == rset[1], "W intact")
            rows_end = za + 2 * K * 12 * ((M + 11) // 12)
            for a in range(size):
                if not (za <= a < rows_end):
                    require(mem[a] == before[a], "byte outside Z and its tail rows changed")
            for r in orc.tail_rows(M):
                require(mem[za + r * 2 * K: za + (r + 1) * 2 * K] == b"\xff" * (2 * K), "tail row")
            if fmt != 1:
                gaps = set(orc.fp8_store_gap_bytes(M, K))
                for r in range(M):
                    for off in range(2 * K):
                        a = r * 2 * K + off
                        chunk_pos = off % 32
                        if chunk_pos >= 16:
                            require(mem[za + a] == 0, "FP8 upper half not zeroed")
                        elif a in gaps:
                            require(mem[za + a] == before[za + a], "gap byte changed")
    return True


def check_cases_exact(cases, label, progress=False):
    n = 0
    for c in cases:
        t0 = time.time()
        z = ex.compute_z(c["op"], c["fmt"], c["M"], c["N"], c["K"], c["X"], c["W"], c["Y"])
        if z != c["Z"]:
            bad = [i for i in range(len(z)) if z[i] != c["Z"][i]]
            i = bad[0]
            raise CheckError("%s case %s (%s %dx%dx%d): %d mismatches; element %d: oracle %x, "
                             "exact model %x" % (label, c.get("id", "?"), c["set"], c["M"], c["N"],
                                                 c["K"], len(bad), i, c["Z"][i], z[i]))
        if c.get("expect") is not None:
            require(c["Z"] == c["expect"], "%s hand case %s" % (label, c["set"]))
        n += 1
        if progress and time.time() - t0 > 2:
            print("    exact model: %s %s %dx%dx%d ok (%.0f s)" % (label, c["set"], c["M"], c["N"],
                                                                  c["K"], time.time() - t0))
    return n


# ---------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------

def summarize(cases):
    zs = [v for c in cases for v in c["Z"]]
    fmt = cases[0]["fmt"]
    nan = ex.canonical_nan(FP[fmt])
    infs = {inf(fmt, 0), inf(fmt, 1)}
    return (sum(v == nan for v in zs), sum(v in infs for v in zs), len(zs))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=DEFAULT_OUT)
    ap.add_argument("--seed", type=lambda s: int(s, 0), default=DEFAULT_SEED)
    ap.add_argument("--only", nargs="*", help="file stems to (re)generate, e.g. gemm_fp16")
    ap.add_argument("--no-exact", action="store_true", help="skip check (a) (the slow one)")
    ap.add_argument("--check-files", metavar="DIR",
                    help="only re-check every case of the files in DIR with the exact model")
    args = ap.parse_args(argv)

    if args.check_files:
        total = 0
        for fn in sorted(os.listdir(args.check_files)):
            if fn.endswith(".txt"):
                cases = parse_file(os.path.join(args.check_files, fn))
                total += check_cases_exact(cases, fn)
                print("%-22s %3d cases ok" % (fn, len(cases)))
        print("all %d cases agree with the exact model" % total)
        return 0

    t0 = time.time()
    print("self-check (c): %d hand cases ok" % check_hand_cases())
    for note in check_fp8_conversions():
        print("self-check (b): " + note)
    print("self-check (d): fma(x, w, -0) == x*w on %d pairs ok" % check_mul_addend(args.seed))
    check_layout(args.seed)
    print("self-check: memory layout helpers ok")

    os.makedirs(args.out, exist_ok=True)
    total_bytes = 0
    table = []
    for fmt in (1, 0, 2):
        for op in range(8):
            stem = file_name(op, fmt)[:-4]
            if args.only and stem not in args.only:
                continue
            cases = build_cases(args.seed, op, fmt)
            if not args.no_exact:
                check_cases_exact(cases, stem, progress=True)
            text = render(op, fmt, cases, args.seed)
            size = len(text.encode())
            if size >= MAX_FILE_BYTES:
                raise CheckError("%s is %d bytes (limit %d)" % (stem, size, MAX_FILE_BYTES))
            with open(os.path.join(args.out, stem + ".txt"), "w", newline="\n") as f:
                f.write(text)
            # the file parses back to the same cases
            back = parse_file(os.path.join(args.out, stem + ".txt"))
            require(len(back) == len(cases) and all(
                b[k] == c[k] for b, c in zip(back, cases) for k in ("X", "W", "Y", "Z", "M", "N", "K")),
                "round trip of " + stem)
            nans, infs, nz = summarize(cases)
            total_bytes += size
            table.append((stem, len(cases), size, nans, infs, nz))
            print("%-16s %3d cases %8d bytes  (Z: %d NaN, %d inf of %d)%s"
                  % (stem, len(cases), size, nans, infs, nz,
                     "" if args.no_exact else "  exact model agrees"))
    print("total %d bytes in %d files, %.0f s" % (total_bytes, len(table), time.time() - t0))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except CheckError as e:
        print("SELF-CHECK FAILED: %s" % e, file=sys.stderr)
        sys.exit(1)
