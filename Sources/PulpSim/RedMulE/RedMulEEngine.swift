// RedMulE: the datapath numerics and the memory layout of one job (SPEC §7.3).
//
// Per output element one strictly sequential chain in natural order of n, starting from Y (or +0
// for MATMUL), over N4 = N rounded up to a multiple of 4 with zero padding lanes. All arithmetic
// is binary16 round-to-nearest-even with subnormals; NaN results are the canonical 0x7E00.
//
// Speed: a fused step x·w + acc is computed in double — the product of two binary16 values is
// exact there — and the sum is corrected exactly with TwoSum, so the single binary16 rounding is
// right even when the double sum is inexact (ties are broken by the sign of the error). FP8
// formats are converted exactly to binary16 on input and rounded once on output.

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
public struct RedMulEShape: Sendable, Equatable {
    public let m: Int, n: Int, k: Int
    public init(m: Int, n: Int, k: Int) { self.m = m; self.n = n; self.k = k }
    public var n4: Int { (n + 3) & ~3 }
    public var rowTiles: Int { (m + 11) / 12 }
    public var columnTiles: Int { (k + 15) / 16 }
    public var depthTiles: Int { (n + 15) / 16 }
    public var paddedRows: Int { 12 * rowTiles }
}

/// Byte address of element (row, col) of a matrix with `cols` columns (SPEC §7.3 layout).
@inline(__always) func redmuleElementOffset(row: Int, col: Int, cols: Int, format: RedMulEFormat) -> Int {
    if format.bytesPerElement == 2 { return 2 * (row * cols + col) }
    return row * 2 * cols + 32 * (col / 16) + (col % 16)
}

/// Exact binary16 arithmetic for the engine.
enum HalfMath {
    static let canonicalNaN: UInt16 = 0x7E00

    @inline(__always) static func double(_ bits: UInt16) -> Double { Double(Float16(bitPattern: bits)) }

    @inline(__always) static func isNaN(_ bits: UInt16) -> Bool { bits & 0x7FFF > 0x7C00 }

    /// Rounds an exactly known value `sum + error` (|error| ≤ half an ulp of `sum` in double) to binary16.
    @inline(__always) static func round(_ sum: Double, error: Double) -> UInt16 {
        if sum.isNaN { return canonicalNaN }
        let r = Float16(sum)
        if error != 0 {
            // Only a double sum exactly halfway between two binary16 values can round wrongly.
            let low = r.nextDown, high = r.nextUp
            let rd = Double(r)
            if sum > rd, sum == (rd + Double(high)) / 2 { return (error > 0 ? high : r).bitPattern }
            if sum < rd, sum == (rd + Double(low)) / 2 { return (error > 0 ? r : low).bitPattern }
        }
        return r.bitPattern
    }

    /// x·w + acc with one rounding.
    @inline(__always) static func fma(_ x: UInt16, _ w: UInt16, _ acc: UInt16) -> UInt16 {
        let product = double(x) * double(w)  // exact
        let addend = double(acc)
        let sum = product + addend
        if !sum.isFinite {
            return sum.isNaN ? canonicalNaN : Float16(sum).bitPattern
        }
        let t = sum - product
        let error = (product - (sum - t)) + (addend - t)
        return round(sum, error: error)
    }

    /// x + w with one rounding (exact in double).
    @inline(__always) static func add(_ x: UInt16, _ w: UInt16) -> UInt16 {
        let sum = double(x) + double(w)
        return sum.isNaN ? canonicalNaN : Float16(sum).bitPattern
    }

    /// x·w with one rounding (exact in double); the addend −0 of the RTL changes nothing.
    @inline(__always) static func multiply(_ x: UInt16, _ w: UInt16) -> UInt16 {
        let product = double(x) * double(w)
        return product.isNaN ? canonicalNaN : Float16(product).bitPattern
    }

    /// Total order for non-NaN binary16 values with −0 < +0.
    @inline(__always) static func less(_ a: UInt16, _ b: UInt16) -> Bool {
        let sa = a & 0x8000 != 0, sb = b & 0x8000 != 0
        if sa != sb { return sa }
        return sa ? a > b : a < b
    }

    /// IEEE 754-2008 minNum with −0 < +0.
    @inline(__always) static func minimum(_ a: UInt16, _ b: UInt16) -> UInt16 {
        if isNaN(a) { return isNaN(b) ? canonicalNaN : b }
        if isNaN(b) { return a }
        return less(b, a) ? b : a
    }

    /// IEEE 754-2008 maxNum with −0 < +0.
    @inline(__always) static func maximum(_ a: UInt16, _ b: UInt16) -> UInt16 {
        if isNaN(a) { return isNaN(b) ? canonicalNaN : b }
        if isNaN(b) { return a }
        return less(a, b) ? b : a
    }
}

/// Computes jobs on logical matrices of binary16 bit patterns.
public enum RedMulEEngine {
    /// Z = op(X, W, Y) for X (M×N), W (N×K), Y (M×K), all binary16 bit patterns, row-major.
    public static func compute(operation: RedMulEOperation, shape: RedMulEShape, x: [UInt16], w: [UInt16],
                               y: [UInt16]) -> [UInt16] {
        let m = shape.m, n = shape.n, k = shape.k, n4 = shape.n4
        var z = [UInt16](repeating: 0, count: m * k)
        x.withUnsafeBufferPointer { xp in
        w.withUnsafeBufferPointer { wp in
        y.withUnsafeBufferPointer { yp in
        z.withUnsafeMutableBufferPointer { zp in
            for row in 0..<m {
                let out = zp.baseAddress! + row * k
                for col in 0..<k { out[col] = operation == .matmul ? 0 : yp[row * k + col] }
                // n outer, k inner: every element keeps its own strictly sequential chain.
                for depth in 0..<n4 {
                    let xv: UInt16 = depth < n ? xp[row * n + depth] : 0
                    let wrow = depth < n ? wp.baseAddress! + depth * k : nil
                    for col in 0..<k {
                        let wv: UInt16 = wrow?[col] ?? 0
                        let acc = out[col]
                        switch operation {
                        case .matmul, .gemm: out[col] = HalfMath.fma(xv, wv, acc)
                        case .addMax: out[col] = HalfMath.maximum(HalfMath.add(xv, wv), acc)
                        case .addMin: out[col] = HalfMath.minimum(HalfMath.add(xv, wv), acc)
                        case .mulMax: out[col] = HalfMath.maximum(HalfMath.multiply(xv, wv), acc)
                        case .mulMin: out[col] = HalfMath.minimum(HalfMath.multiply(xv, wv), acc)
                        case .maxMin: out[col] = HalfMath.minimum(HalfMath.maximum(xv, wv), acc)
                        case .minMax: out[col] = HalfMath.maximum(HalfMath.minimum(xv, wv), acc)
                        }
                    }
                }
            }
        }}}}
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
