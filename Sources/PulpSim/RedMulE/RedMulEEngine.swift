// RedMulE: the datapath numerics and the memory layout of one job (docs/platform.md §7.3).
//
// Per output element one strictly sequential chain in natural order of n, starting from Y (or +0
// for MATMUL), over N4 = N rounded up to a multiple of 4 with zero padding lanes. All arithmetic
// is binary16 round-to-nearest-even with subnormals; NaN results are the canonical 0x7E00.
//
// Speed: a fused step x·w + acc is computed in double — the product of two binary16 values is
// exact there — and the sum's rounding error is recovered exactly with TwoSum, so the single
// binary16 rounding (done on the bits) is right even when the double sum is inexact: ties are
// broken by the sign of the error. FP8 formats are converted exactly to binary16 on input and
// rounded once on output.

import PulpFloat

/// RedMulE GEMM-Ops (ARITH[12:10]).
public enum RedMulEOperation: Int, Sendable, CaseIterable {
    case matmul = 0, gemm, addMax, addMin, mulMax, mulMin, maxMin, minMax
    public var name: String {
        ["MATMUL", "GEMM", "ADDMAX", "ADDMIN", "MULMAX", "MULMIN", "MAXMIN", "MINMAX"][rawValue]
    }
    public var isMinMax: Bool { self != .matmul && self != .gemm }
}

/// RedMulE element formats (ARITH[8:7]).
public enum RedMulEFormat: Int, Sendable, CaseIterable {
    case float8 = 0, float16, float8Alt, float16Alt
    public var name: String { ["Float8 (E5M2)", "Float16", "Float8Alt (E4M3)", "Float16Alt"][rawValue] }
    public var elementFormat: FloatFormat? {
        switch self {
        case .float8: return .e5m2
        case .float16: return .binary16
        case .float8Alt: return .e4m3
        case .float16Alt: return nil
        }
    }
    public var bytesPerElement: Int { self == .float16 || self == .float16Alt ? 2 : 1 }
}

/// Geometry of a job: sizes and the derived tile counts of the 12×4 (×3 pipeline) array.
public struct RedMulEShape: Sendable, Hashable {
    public let m: Int, n: Int, k: Int
    public init(m: Int, n: Int, k: Int) { self.m = m; self.n = n; self.k = k }
    public var n4: Int { (n + 3) & ~3 }
    public var rowTiles: Int { (m + 11) / 12 }
    public var columnTiles: Int { (k + 15) / 16 }
    public var depthTiles: Int { (n + 15) / 16 }
    public var paddedRows: Int { 12 * rowTiles }
}

/// Byte address of element (row, col) of a matrix with `cols` columns (docs/platform.md §7.3 layout).
@inline(__always) func redmuleElementOffset(row: Int, col: Int, cols: Int, format: RedMulEFormat) -> Int {
    if format.bytesPerElement == 2 { return 2 * (row * cols + col) }
    return row * 2 * cols + 32 * (col / 16) + (col % 16)
}

/// Exact binary16 arithmetic for the engine, without relying on host half-precision hardware:
/// binary16 → binary32 through a table, and rounding to binary16 done on the bits.
enum HalfMath {
    static let canonicalNaN: UInt16 = 0x7E00

    /// binary32 value of every binary16 bit pattern (exact).
    nonisolated(unsafe) static let table: UnsafeMutablePointer<Float> = {
        let t = UnsafeMutablePointer<Float>.allocate(capacity: 65536)
        for h in 0..<65536 { t[h] = Float(Float16(bitPattern: UInt16(h))) }
        return t
    }()

    @inline(__always) static func isNaN(_ bits: UInt16) -> Bool { bits & 0x7FFF > 0x7C00 }

    /// Rounds `value + error` to binary16 (round to nearest even), where `value` is a double and
    /// `error` the exact remainder below its last bit (0 if `value` is exact). A NaN gives 0x7E00.
    @inline(__always) static func round(_ value: Double, error: Double = 0) -> UInt16 {
        let bits = value.bitPattern
        let sign = UInt16(truncatingIfNeeded: bits >> 48) & 0x8000
        let exponent = Int((bits >> 52) & 0x7FF)
        if exponent == 0x7FF { return (bits & 0xF_FFFF_FFFF_FFFF) != 0 ? canonicalNaN : sign | 0x7C00 }
        if exponent == 0 { return sign }  // zero or a double subnormal: far below binary16's range
        let e = exponent - 1023 + 15  // biased binary16 exponent
        if e >= 31 { return sign | 0x7C00 }
        let significand = (bits & 0xF_FFFF_FFFF_FFFF) | (1 << 52)
        let shift = e >= 1 ? 42 : 42 + (1 - e)
        if shift > 53 + 1 { return sign }  // below half the smallest subnormal
        var kept = significand >> UInt64(shift)
        let rest = significand & ((1 << UInt64(shift)) - 1)
        let half: UInt64 = 1 << UInt64(shift - 1)
        var up = rest > half
        if rest == half {
            // A tie in `value`; the exact value lies on the side of `error`.
            if error != 0 { up = (error > 0) == (sign == 0) } else { up = kept & 1 != 0 }
        }
        if up { kept += 1 }
        // For normal results `kept` holds the hidden bit, which bumps the exponent field by one.
        let field: UInt64 = e >= 1 ? UInt64(e - 1) : 0
        let magnitude = (field << 10) + kept
        return magnitude >= 0x7C00 ? sign | 0x7C00 : sign | UInt16(magnitude)
    }

    /// x·w + acc with one rounding: the product is exact in double, TwoSum gives the exact error
    /// of the double sum, and `round` breaks ties with it.
    @inline(__always) static func fma(_ x: UInt16, _ w: UInt16, _ acc: UInt16) -> UInt16 {
        let product = Double(table[Int(x)]) * Double(table[Int(w)])
        let addend = Double(table[Int(acc)])
        let sum = product + addend
        let t = sum - product
        let error = (product - (sum - t)) + (addend - t)
        return round(sum, error: error.isNaN ? 0 : error)
    }

    /// x + w with one rounding (the sum of two binary16 values is exact in double).
    @inline(__always) static func add(_ x: UInt16, _ w: UInt16) -> UInt16 {
        round(Double(table[Int(x)]) + Double(table[Int(w)]))
    }

    /// x·w with one rounding (exact in double). The RTL's addend −0 changes nothing:
    /// p + (−0) = p for every p, including ±0.
    @inline(__always) static func multiply(_ x: UInt16, _ w: UInt16) -> UInt16 {
        round(Double(table[Int(x)]) * Double(table[Int(w)]))
    }

    /// An unsigned key that orders non-NaN binary16 values, −0 < +0 included (negative values
    /// complemented, positive ones offset), so that min/max are a compare and a select.
    @inline(__always) static func orderKey(_ v: UInt16) -> UInt16 { v & 0x8000 != 0 ? ~v : v | 0x8000 }

    /// IEEE 754-2008 minNum with −0 < +0.
    @inline(__always) static func minimum(_ a: UInt16, _ b: UInt16) -> UInt16 {
        if _slowPath(isNaN(a) || isNaN(b)) { return isNaN(a) ? (isNaN(b) ? canonicalNaN : b) : a }
        return orderKey(b) < orderKey(a) ? b : a
    }

    /// IEEE 754-2008 maxNum with −0 < +0.
    @inline(__always) static func maximum(_ a: UInt16, _ b: UInt16) -> UInt16 {
        if _slowPath(isNaN(a) || isNaN(b)) { return isNaN(a) ? (isNaN(b) ? canonicalNaN : b) : a }
        return orderKey(a) < orderKey(b) ? b : a
    }
}

/// Computes jobs on logical matrices of binary16 bit patterns.
public enum RedMulEEngine {
    /// Z = op(X, W, Y) for X (M×N), W (N×K), Y (M×K), all binary16 bit patterns, row-major.
    public static func compute(operation: RedMulEOperation, shape: RedMulEShape, x: [UInt16], w: [UInt16],
                               y: [UInt16]) -> [UInt16] {
        switch operation {
        case .matmul, .gemm: return run(operation, shape, x, w, y) { HalfMath.fma($0, $1, $2) }
        case .addMax: return run(operation, shape, x, w, y) { HalfMath.maximum(HalfMath.add($0, $1), $2) }
        case .addMin: return run(operation, shape, x, w, y) { HalfMath.minimum(HalfMath.add($0, $1), $2) }
        case .mulMax: return run(operation, shape, x, w, y) { HalfMath.maximum(HalfMath.multiply($0, $1), $2) }
        case .mulMin: return run(operation, shape, x, w, y) { HalfMath.minimum(HalfMath.multiply($0, $1), $2) }
        case .maxMin: return run(operation, shape, x, w, y) { HalfMath.minimum(HalfMath.maximum($0, $1), $2) }
        case .minMax: return run(operation, shape, x, w, y) { HalfMath.maximum(HalfMath.minimum($0, $1), $2) }
        }
    }

    /// The loop nest, specialised per operation: `step(x, w, acc)` is one link of an element's chain.
    @inline(__always)
    private static func run(_ operation: RedMulEOperation, _ shape: RedMulEShape, _ x: [UInt16], _ w: [UInt16],
                            _ y: [UInt16], _ step: (UInt16, UInt16, UInt16) -> UInt16) -> [UInt16] {
        let m = shape.m, n = shape.n, k = shape.k, n4 = shape.n4
        var z = operation == .matmul ? [UInt16](repeating: 0, count: m * k) : y
        z.withUnsafeMutableBufferPointer { zp in
        x.withUnsafeBufferPointer { xp in
        w.withUnsafeBufferPointer { wp in
            let zero = [UInt16](repeating: 0, count: k)
            zero.withUnsafeBufferPointer { zeroRow in
                for row in 0..<m {
                    let out = zp.baseAddress! + row * k
                    // n outer, k inner: every element keeps its own strictly sequential chain in n.
                    for depth in 0..<n4 {
                        let xv: UInt16 = depth < n ? xp[row * n + depth] : 0
                        let wrow = depth < n ? wp.baseAddress! + depth * k : zeroRow.baseAddress!
                        for col in 0..<k { out[col] = step(xv, wrow[col], out[col]) }
                    }
                }
            }
        }}}
        return z
    }

    /// Converts a stored element to binary16 (exact for FP8).
    public static func toHalf(_ bits: UInt16, format: RedMulEFormat) -> UInt16 {
        guard let source = format.elementFormat, format != .float16 else { return bits }
        var flags = FPFlags()
        let half = FloatFormat.binary16.convert(UInt32(bits), from: source, .nearestEven, &flags)
        return UInt16(half)
    }

    /// Rounds a binary16 result to the stored format (RNE, overflow to ±inf, canonical NaN).
    public static func fromHalf(_ half: UInt16, format: RedMulEFormat) -> UInt16 {
        guard let target = format.elementFormat, format != .float16 else { return half }
        var flags = FPFlags()
        return UInt16(target.convert(UInt32(half), from: .binary16, .nearestEven, &flags))
    }
}
