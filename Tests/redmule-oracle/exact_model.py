#!/usr/bin/env python3
"""Second, independent model of a RedMulE job (docs/platform.md §7.3) in exact rational arithmetic.

It shares no code with redmule_oracle.py and uses neither SoftFloat nor ml_dtypes:
 * every element code is decoded from its field definition (sign, exponent, mantissa, bias)
   into a Python `Fraction` (or a special value: signed zero, signed infinity, NaN);
 * each operation is computed exactly with Fractions and then rounded ONCE to binary16 by
   `round_fraction` (round to nearest, ties to even, gradual underflow, overflow -> inf);
 * the sign of an exact zero follows IEEE 754 for round-to-nearest: x + y = 0 exactly with
   x, y not both zero gives +0; (+0) + (-0) = +0; (-0) + (-0) = -0; a nonzero value that
   rounds to zero keeps its sign;
 * MULMAX/MULMIN use a plain exact product (not an FMA with addend -0), so agreement with the
   oracle also checks that the two are the same;
 * the final binary16 value is rounded to the FP8 format with the same generic routine.

A value is a tuple (kind, sign, q): kind 'n' NaN, 'i' infinity, 'z' zero, 'f' finite nonzero
(q is the signed Fraction); sign is 0 or 1 (None for 'f' and 'n').
"""

from fractions import Fraction

# (exponent bits, mantissa bits, bias) -- all three are IEEE-like: the all-ones exponent holds
# inf (mantissa 0) and NaN (mantissa != 0); the largest finite exponent is 2^ebits - 2 - bias.
FORMATS = {0: (5, 2, 15), 1: (5, 10, 15), 2: (4, 3, 7)}
F16 = FORMATS[1]

NAN = ("n", None, None)
POS_ZERO = ("z", 0, None)
NEG_ZERO = ("z", 1, None)
HALF = Fraction(1, 2)


def canonical_nan(params):
    e, m, _ = params
    return (((1 << e) - 1) << m) | (1 << (m - 1))


def decode(params, code):
    """Exact value of an element code, from the field definitions."""
    e, m, bias = params
    s = (code >> (e + m)) & 1
    ef = (code >> m) & ((1 << e) - 1)
    mf = code & ((1 << m) - 1)
    if ef == (1 << e) - 1:
        return ("i", s, None) if mf == 0 else NAN
    if ef == 0:
        if mf == 0:
            return ("z", s, None)
        mag = Fraction(mf) * Fraction(2) ** (1 - bias - m)
    else:
        mag = Fraction((1 << m) + mf) * Fraction(2) ** (ef - bias - m)
    return ("f", None, -mag if s else mag)


def _floor_log2(a):
    """floor(log2(a)) for a positive Fraction, exactly."""
    n, d = a.numerator, a.denominator
    e = n.bit_length() - d.bit_length()
    # 2^e <= a  <=>  n <= ... ; adjust by comparing integers
    if e >= 0:
        if n < (d << e):
            e -= 1
    else:
        if (n << -e) < d:
            e -= 1
    return e


def round_fraction(params, q):
    """Round a nonzero Fraction to the format: returns (code, value)."""
    e_bits, m, bias = params
    sign = 1 if q < 0 else 0
    a = -q if sign else q
    emin = 1 - bias
    emax = (1 << e_bits) - 2 - bias
    E = max(_floor_log2(a), emin)
    t = a / Fraction(2) ** (E - m)          # a in units of the quantum 2^(E-m)
    fl = t.numerator // t.denominator
    rem = t - fl
    if rem > HALF or (rem == HALF and (fl & 1)):
        fl += 1
    if fl == (1 << (m + 1)):
        fl, E = 1 << m, E + 1
    sbit = sign << (e_bits + m)
    if fl == 0:
        return sbit, ("z", sign, None)
    if fl < (1 << m):                        # subnormal (E == emin)
        mag = Fraction(fl) * Fraction(2) ** (E - m)
        return sbit | fl, ("f", None, -mag if sign else mag)
    if E > emax:
        return sbit | (((1 << e_bits) - 1) << m), ("i", sign, None)
    mag = Fraction(fl) * Fraction(2) ** (E - m)
    return sbit | ((E + bias) << m) | (fl - (1 << m)), ("f", None, -mag if sign else mag)


def encode(params, v):
    """Code of a value that is already representable (or special) in the format."""
    kind, s, q = v
    e, m, _ = params
    if kind == "n":
        return canonical_nan(params)
    if kind == "z":
        return s << (e + m)
    if kind == "i":
        return (s << (e + m)) | (((1 << e) - 1) << m)
    return round_fraction(params, q)[0]


def round_value(params, v):
    """Round an exact value (special values pass through) to the format; returns the value."""
    if v[0] != "f":
        return v
    return round_fraction(params, v[2])[1]


# ---- exact operations (results not yet rounded) ---------------------------------------------

def exact_mul(x, w):
    kx, kw = x[0], w[0]
    if kx == "n" or kw == "n":
        return NAN
    sx = x[1] if kx != "f" else (1 if x[2] < 0 else 0)
    sw = w[1] if kw != "f" else (1 if w[2] < 0 else 0)
    if kx == "i" or kw == "i":
        if kx == "z" or kw == "z":
            return NAN                       # inf * 0
        return ("i", sx ^ sw, None)
    if kx == "z" or kw == "z":
        return ("z", sx ^ sw, None)
    return ("f", None, x[2] * w[2])


def exact_add(a, b):
    ka, kb = a[0], b[0]
    if ka == "n" or kb == "n":
        return NAN
    if ka == "i" and kb == "i":
        return a if a[1] == b[1] else NAN    # inf - inf
    if ka == "i":
        return a
    if kb == "i":
        return b
    if ka == "z" and kb == "z":
        return ("z", a[1] & b[1], None)      # -0 only if both are -0 (round to nearest)
    if ka == "z":
        return b
    if kb == "z":
        return a
    s = a[2] + b[2]
    if s == 0:
        return POS_ZERO                      # exact cancellation: +0 under round to nearest
    return ("f", None, s)


_INF = float("inf")


def _key(v):
    kind, s, q = v
    if kind == "i":
        return (-_INF if s else _INF, 0)
    if kind == "z":
        return (0, -1 if s else 1)           # -0 < +0
    return (q, 0)


def exact_max(a, b):
    if a[0] == "n" and b[0] == "n":
        return NAN
    if a[0] == "n":
        return b
    if b[0] == "n":
        return a
    return a if _key(a) >= _key(b) else b


def exact_min(a, b):
    if a[0] == "n" and b[0] == "n":
        return NAN
    if a[0] == "n":
        return b
    if b[0] == "n":
        return a
    return a if _key(a) <= _key(b) else b


def _r16(v):
    return round_value(F16, v)


def step(op, x, w, acc):
    if op in (0, 1):
        return _r16(exact_add(exact_mul(x, w), acc))
    if op in (2, 3):
        t = _r16(exact_add(x, w))
    elif op in (4, 5):
        t = _r16(exact_mul(x, w))
    elif op == 6:
        t = exact_max(x, w)
    elif op == 7:
        t = exact_min(x, w)
    else:
        raise ValueError(op)
    return exact_max(t, acc) if op in (2, 4, 7) else exact_min(t, acc)


def compute_z(op, fmt, M, N, K, X, W, Y):
    """Z codes for one job, computed exactly step by step."""
    p = FORMATS[fmt]
    cache = {}

    def dec(c):
        v = cache.get(c)
        if v is None:
            v = cache[c] = decode(p, c)
        return v

    xv = [dec(c) for c in X]
    wv = [dec(c) for c in W]
    yv = [dec(c) for c in Y]
    n4 = -(-N // 4) * 4
    out = []
    for m in range(M):
        for k in range(K):
            acc = POS_ZERO if op == 0 else yv[m * K + k]
            for n in range(n4):
                if n < N:
                    acc = step(op, xv[m * N + n], wv[n * K + k], acc)
                else:
                    acc = step(op, POS_ZERO, POS_ZERO, acc)
            out.append(encode(p, round_value(p, acc)))
    return out
