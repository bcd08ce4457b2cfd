#!/usr/bin/env python3
"""Reference model of one RedMulE job (pulpsim platform contract, docs/platform.md §7.3 / §7.4).

This module computes Z for one job from the *logical* matrices X (M x N), W (N x K) and
Y (M x K), given as lists of element bit patterns in row-major order, and builds / reads the
memory images RedMulE uses.  It is written from the contract only:

  per output element, one strictly sequential chain in natural order of n, starting from Y:
      acc = Y[m][k]            (+0 for MATMUL, op 0)
      for n in 0 ..< N4:  acc = op2(op1(X[m][n], W[n][k]), acc)
  N4 = N rounded up to a multiple of 4; X = W = +0 in the padding lanes n >= N.

  op  name    op1(x, w)                      op2(t, acc)
  0   MATMUL  fused x*w + acc, one rounding  -   (acc starts at +0, Y is ignored)
  1   GEMM    fused x*w + acc, one rounding  -
  2   ADDMAX  x + w                          max
  3   ADDMIN  x + w                          min
  4   MULMAX  x * w  (FMA with addend -0)    max
  5   MULMIN  x * w  (FMA with addend -0)    min
  6   MAXMIN  max(x, w)                      min
  7   MINMAX  min(x, w)                      max

All arithmetic is IEEE binary16 with round-to-nearest-even and subnormals, done by Berkeley
SoftFloat (package `softfloatpy`).  Every NaN an operation produces is replaced by the canonical
0x7E00.  min/max are IEEE 754-2008 minNum/maxNum as the contract words them, written out below:
one NaN operand -> the other operand unchanged (also for a signaling NaN), both NaN -> 0x7E00,
and -0 < +0.

Formats (fmt): 0 Float8 = E5M2 (bias 15, inf 0x7C, canonical NaN 0x7E), 1 Float16,
2 Float8Alt = E4M3 *with* infinities (bias 7, inf 0x78, canonical NaN 0x7C, max finite 240).
FP8 inputs are converted exactly to binary16; the binary16 result is rounded to the FP8 format
with round-to-nearest-even, overflow -> +-inf, NaN -> the canonical FP8 NaN.

Why "x * w with addend -0" is the plain rounded product
-------------------------------------------------------
op1 of MULMAX/MULMIN is computed, as in the FMA unit, as fma(x, w, -0) with a single rounding.
 * x*w exact and nonzero (finite): x*w + (-0) = x*w exactly, so the single rounding of the
   fused result is the rounding of the exact product, i.e. the IEEE product.  This includes the
   underflow case: when the exact product is tiny and rounds to zero, the zero takes the sign of
   the exact (nonzero) result, which is the sign of x*w, exactly as for a plain multiply.  The
   addend's sign does not matter because the exact sum is not zero.
 * x*w exactly zero (x or w is a zero, the other finite): the exact sum of two zeros follows
   754's sign rule: (+0) + (-0) = +0 and (-0) + (-0) = -0 under round-to-nearest.  So the result
   is +0 when x*w is +0 and -0 when x*w is -0: again the sign of the plain product.  (An addend
   of +0 would turn (-0) + (+0) into +0 and break this; -0 is the neutral element of addition.)
 * x or w infinite: inf * nonzero + (-0) = that infinity; inf * 0 is invalid -> NaN.
 * NaN operands -> NaN.
Hence fma(x, w, -0) == mul(x, w) bit for bit (apart from NaN payloads, which are canonicalised
anyway).  `self_check_mul_addend` in gen_redmule_vectors.py checks this on many pairs, and the
independent exact model (exact_model.py) uses a plain exact product.

Signaling NaNs and exception flags
----------------------------------
Flags are not part of a job's result: RedMulE has no flag register visible to software, so they
are ignored.  A signaling NaN operand of an add/multiply/FMA yields a NaN, which is canonicalised
to 0x7E00 like any other; a signaling NaN operand of min/max is treated like a quiet one (the
other operand is returned), as the contract says "one NaN operand -> the other operand"
(strict 754-2008 minNum would return a quiet NaN for a signaling NaN input; the contract and the
FPnew unit do not).  NaN payloads and signs of *inputs* can never reach Z: with N4 >= 4 every
element goes through at least four operations; arithmetic replaces any NaN by 0x7E00 and min/max
never return a NaN operand (only the canonical NaN when both are NaN).  So how an FP8 NaN input
is widened to binary16 is unobservable; we keep E5M2 NaNs bit-exact (code << 8) and map E4M3 NaNs
to sign | 0x7E00.
"""

import softfloatpy as sf

OP_NAMES = ("matmul", "gemm", "addmax", "addmin", "mulmax", "mulmin", "maxmin", "minmax")
FMT_NAMES = ("fp8", "fp16", "fp8alt")          # file-name tags for fmt 0, 1, 2
FMT_LONG = ("Float8 (E5M2)", "Float16", "Float8Alt (E4M3 with inf)")
FMT_BYTES = (1, 2, 1)
FMT_HEX_DIGITS = (2, 4, 2)

F16_CANON_NAN = 0x7E00
F16_NEG_ZERO = 0x8000
FP8_CANON_NAN = {0: 0x7E, 2: 0x7C}


# ---------------------------------------------------------------------------------------------
# binary16 helpers on bit patterns
# ---------------------------------------------------------------------------------------------

def f16_is_nan(b):
    return (b & 0x7C00) == 0x7C00 and (b & 0x03FF) != 0


def _order_key(b):
    """Total order of non-NaN binary16 patterns consistent with value, with -0 < +0."""
    mag = b & 0x7FFF
    return -mag - 1 if b & 0x8000 else mag


def f16_max(a, b):
    """maxNum as in docs/platform.md §7.3 (one NaN -> the other, both NaN -> canonical, -0 < +0)."""
    an, bn = f16_is_nan(a), f16_is_nan(b)
    if an and bn:
        return F16_CANON_NAN
    if an:
        return b
    if bn:
        return a
    return a if _order_key(a) >= _order_key(b) else b


def f16_min(a, b):
    """minNum as in docs/platform.md §7.3 (one NaN -> the other, both NaN -> canonical, -0 < +0)."""
    an, bn = f16_is_nan(a), f16_is_nan(b)
    if an and bn:
        return F16_CANON_NAN
    if an:
        return b
    if bn:
        return a
    return a if _order_key(a) <= _order_key(b) else b


# One SoftFloat object per binary16 pattern (built once; SoftFloat values are immutable).
_SF16 = [sf.Float16.from_bytes(i.to_bytes(2, "big")) for i in range(65536)]


def _bits(f):
    r = int.from_bytes(f.to_bytes(), "big")
    return F16_CANON_NAN if f16_is_nan(r) else r


def _rne():
    sf.set_rounding_mode(sf.RoundingMode.NEAR_EVEN)


def f16_fma(x, w, acc):
    """x*w + acc with one rounding (RNE), NaN -> 0x7E00."""
    return _bits(sf.f16_mul_add(_SF16[x], _SF16[w], _SF16[acc]))


def f16_add(x, w):
    return _bits(sf.f16_add(_SF16[x], _SF16[w]))


def f16_mul_fused(x, w):
    """x*w computed as the FMA unit does: fused x*w + (-0), one rounding."""
    return _bits(sf.f16_mul_add(_SF16[x], _SF16[w], _SF16[F16_NEG_ZERO]))


def f16_mul_plain(x, w):
    """Plain IEEE product (used only by the self-check of f16_mul_fused)."""
    return _bits(sf.f16_mul(_SF16[x], _SF16[w]))


# ---------------------------------------------------------------------------------------------
# FP8 <-> binary16 (bit-level; the exact model re-derives both from the field definitions)
# ---------------------------------------------------------------------------------------------

def e5m2_to_f16(c):
    # E5M2 is binary16 with the low 8 mantissa bits cut off: widening is a shift (exact).
    return (c & 0xFF) << 8


def e4m3_to_f16(c):
    s = (c & 0x80) << 8
    e = (c >> 3) & 0xF
    m = c & 7
    if e == 15:
        return s | (0x7C00 if m == 0 else 0x7E00)
    if e == 0:
        if m == 0:
            return s
        sh = 0
        while m < 8:                      # normalise m * 2^-9 (always normal in binary16)
            m <<= 1
            sh += 1
        return s | ((9 - sh) << 10) | ((m - 8) << 7)
    return s | ((e + 8) << 10) | (m << 7)     # exponent e-7 -> binary16 field e-7+15


def f16_to_e5m2(b):
    if f16_is_nan(b):
        return FP8_CANON_NAN[0]
    sign = (b >> 8) & 0x80
    mag = b & 0x7FFF
    hi, lo = mag >> 8, mag & 0xFF
    # Round the 8 dropped mantissa bits to nearest even.  The same field layout holds for
    # subnormals, a carry out of the mantissa moves into the exponent, and 0x7B + carry = 0x7C
    # is +inf, which is exactly IEEE overflow under RNE (>= 61440 -> inf).
    if lo > 0x80 or (lo == 0x80 and (hi & 1)):
        hi += 1
    return sign | hi


def f16_to_e4m3(b):
    if f16_is_nan(b):
        return FP8_CANON_NAN[2]
    sign = (b >> 8) & 0x80
    mag = b & 0x7FFF
    if mag == 0:
        return sign
    if mag == 0x7C00:
        return sign | 0x78
    e16, m16 = mag >> 10, mag & 0x3FF
    if e16 == 0:
        sig, exp2, E = m16, -24, -6          # value = sig * 2^exp2; E = exponent used for E4M3
    else:
        sig, exp2, E = m16 | 0x400, e16 - 25, max(e16 - 15, -6)
    shift = (E - 3) - exp2                 # E4M3 quantum is 2^(E-3); shift >= 7 always
    r = sig >> shift
    rem = sig & ((1 << shift) - 1)
    half = 1 << (shift - 1)
    if rem > half or (rem == half and (r & 1)):
        r += 1
    if r == 16:                            # rounding carried into the next binade
        r, E = 8, E + 1
    if r < 8:                              # E4M3 subnormal (only when E == -6); r may be 0
        return sign | r
    ef = E + 7
    if ef >= 15:
        return sign | 0x78                 # overflow -> inf (>= 248 under RNE)
    return sign | (ef << 3) | (r - 8)


def to_f16(fmt, code):
    if fmt == 1:
        return code & 0xFFFF
    if fmt == 0:
        return e5m2_to_f16(code)
    if fmt == 2:
        return e4m3_to_f16(code)
    raise ValueError("unsupported format %r" % (fmt,))


def from_f16(fmt, b):
    if fmt == 1:
        return F16_CANON_NAN if f16_is_nan(b) else b
    if fmt == 0:
        return f16_to_e5m2(b)
    if fmt == 2:
        return f16_to_e4m3(b)
    raise ValueError("unsupported format %r" % (fmt,))


# ---------------------------------------------------------------------------------------------
# The job
# ---------------------------------------------------------------------------------------------

def padded_depth(n):
    return (n + 3) // 4 * 4


def step_function(op):
    """The per-lane update acc' = op2(op1(x, w), acc) on binary16 patterns."""
    if op in (0, 1):
        return f16_fma
    if op == 2:
        return lambda x, w, acc: f16_max(f16_add(x, w), acc)
    if op == 3:
        return lambda x, w, acc: f16_min(f16_add(x, w), acc)
    if op == 4:
        return lambda x, w, acc: f16_max(f16_mul_fused(x, w), acc)
    if op == 5:
        return lambda x, w, acc: f16_min(f16_mul_fused(x, w), acc)
    if op == 6:
        return lambda x, w, acc: f16_min(f16_max(x, w), acc)
    if op == 7:
        return lambda x, w, acc: f16_max(f16_min(x, w), acc)
    raise ValueError("op must be 0..7, got %r" % (op,))


def compute_z_f16(op, M, N, K, x16, w16, y16):
    """Z in binary16 (before any FP8 rounding) from binary16 inputs."""
    _rne()
    step = step_function(op)
    n4 = padded_depth(N)
    zero = 0x0000
    z = []
    for m in range(M):
        xrow = list(x16[m * N:(m + 1) * N]) + [zero] * (n4 - N)
        for k in range(K):
            acc = zero if op == 0 else y16[m * K + k]
            for n in range(n4):
                wv = w16[n * K + k] if n < N else zero
                acc = step(xrow[n], wv, acc)
            z.append(acc)
    return z


def compute_z(op, fmt, M, N, K, X, W, Y):
    """Z element codes (format fmt) for one job; X, W, Y are lists of element codes."""
    if fmt not in (0, 1, 2):
        raise ValueError("format %r not supported (Float16Alt is diagnosed, docs/platform.md §7.6)" % (fmt,))
    if min(M, N, K) < 1:
        raise ValueError("M, N, K must be >= 1")
    if len(X) != M * N or len(W) != N * K or len(Y) != M * K:
        raise ValueError("matrix sizes do not match M, N, K")
    x16 = [to_f16(fmt, c) for c in X]
    w16 = [to_f16(fmt, c) for c in W]
    y16 = [to_f16(fmt, c) for c in Y]
    return [from_f16(fmt, b) for b in compute_z_f16(op, M, N, K, x16, w16, y16)]


# ---------------------------------------------------------------------------------------------
# Memory layout (docs/platform.md §7.3 "Layout", §7.4)
# ---------------------------------------------------------------------------------------------

def element_offset(fmt, r, c, cols):
    """Byte offset of element (r, c) of a row-major matrix with `cols` columns."""
    if fmt == 1:
        return r * 2 * cols + 2 * c
    return r * 2 * cols + 32 * (c // 16) + (c % 16)


def matrix_span(rows, cols):
    """Bytes from the base to the end of the last row (FP16 addressing for every format)."""
    return rows * 2 * cols


def write_elements(mem, base, codes, fmt, rows, cols):
    """Write only the element bytes of a matrix (FP16 little-endian)."""
    for r in range(rows):
        for c in range(cols):
            v = codes[r * cols + c]
            a = base + element_offset(fmt, r, c, cols)
            if fmt == 1:
                mem[a] = v & 0xFF
                mem[a + 1] = v >> 8
            else:
                mem[a] = v & 0xFF


def read_elements(mem, base, fmt, rows, cols):
    out = []
    for r in range(rows):
        for c in range(cols):
            a = base + element_offset(fmt, r, c, cols)
            out.append(mem[a] | (mem[a + 1] << 8) if fmt == 1 else mem[a])
    return out


def matrix_image(codes, fmt, rows, cols, filler=0):
    """A standalone image of an input matrix: `matrix_span` bytes, element bytes placed as in
    memory, every other byte (FP8 only: the upper half of each 32-byte chunk) = filler."""
    mem = bytearray([filler]) * matrix_span(rows, cols)
    write_elements(mem, 0, codes, fmt, rows, cols)
    return mem


def fp8_store_gap_bytes(rows, cols):
    """FP8 Z store: offsets the contract leaves undefined.

    The store of row r covers that row's FP16 extent [r*2*cols, (r+1)*2*cols).  In a last,
    partial 32-byte chunk holding q = cols % 16 elements, its bytes q .. min(2q, 16) - 1 are
    inside the row's extent but hold neither an element nor one of the zero bytes 16..31.  (On
    the RTL they receive the FP8 cast of the padding columns.)  They contain no element of any
    matrix; tests should not compare them."""
    q = cols % 16
    if q == 0:
        return []
    out = []
    for r in range(rows):
        chunk = r * 2 * cols + 32 * (cols // 16)
        out.extend(range(chunk + q, chunk + min(2 * q, 16)))
    return out


def store_z(mem, base, zcodes, fmt, M, K):
    """The Z store of docs/platform.md §7.3: element bytes; for FP8 also bytes 16..31 of every 32-byte chunk
    = 0, limited to the row's own FP16 extent (a store never reaches into the next row).
    The FP8 gap bytes of `fp8_store_gap_bytes` are left untouched."""
    write_elements(mem, base, zcodes, fmt, M, K)
    if fmt == 1:
        return
    row_bytes = 2 * K
    for r in range(M):
        row0 = base + r * row_bytes
        for chunk in range(0, row_bytes, 32):
            for off in range(chunk + 16, min(chunk + 32, row_bytes)):
                mem[row0 + off] = 0


def tail_rows(M):
    """Rows M .. 12*ceil(M/12)-1 that the job also overwrites (docs/platform.md §7.4)."""
    return list(range(M, 12 * ((M + 11) // 12)))


def store_tail_rows(mem, base, M, K, value=0xFF):
    """pulpsim writes 0xFF over rows M .. 12*ceil(M/12)-1 of Z (FP16 layout, 2K bytes each)."""
    for r in tail_rows(M):
        a = base + r * 2 * K
        mem[a:a + 2 * K] = bytes([value]) * (2 * K)


def run_job_in_memory(mem, op, fmt, M, N, K, x_addr, w_addr, z_addr):
    """Apply one job to a bytearray `mem` (addresses are offsets into it): read X, W, Y,
    compute Z, store Z over Y, then overwrite the tail rows with 0xFF.  Returns the Z codes."""
    X = read_elements(mem, x_addr, fmt, M, N)
    W = read_elements(mem, w_addr, fmt, N, K)
    Y = read_elements(mem, z_addr, fmt, M, K)
    Z = compute_z(op, fmt, M, N, K, X, W, Y)
    store_z(mem, z_addr, Z, fmt, M, K)
    store_tail_rows(mem, z_addr, M, K)
    return Z
