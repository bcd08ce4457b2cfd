// PulpFloat: IEEE-style binary floating point, described once per format and computed exactly.
//
// Every format pulpsim needs (binary32 for the F extension; binary16, E5M2 and the E4M3-with-inf
// variant for RedMulE) is IEEE-like: sign, biased exponent, fraction with a hidden bit, subnormals,
// infinities and NaNs. A `FloatFormat` value names the widths; the arithmetic in `SoftFloat.swift`
// works on unpacked significands and rounds once through `roundPack`, so results and exception
// flags are those of IEEE 754-2008 with tininess detected after rounding (the RISC-V choice).

/// Rounding modes, numbered as in the RISC-V `frm` field.
public enum RoundingMode: UInt8, Sendable, CaseIterable {
    case nearestEven = 0, towardZero = 1, down = 2, up = 3, nearestMaxMagnitude = 4
}

/// Accrued exception flags, laid out as RISC-V `fflags`.
public struct FPFlags: OptionSet, Sendable, Hashable {
    public var rawValue: UInt8
    @inlinable public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let inexact = FPFlags(rawValue: 0x01)
    public static let underflow = FPFlags(rawValue: 0x02)
    public static let overflow = FPFlags(rawValue: 0x04)
    public static let divideByZero = FPFlags(rawValue: 0x08)
    public static let invalid = FPFlags(rawValue: 0x10)
}

/// Shape of an IEEE-like binary format: widths of the exponent and fraction fields.
@frozen public struct FloatFormat: Sendable, Hashable {
    public let exponentBits: Int
    public let fractionBits: Int

    @inlinable public init(exponentBits: Int, fractionBits: Int) {
        self.exponentBits = exponentBits
        self.fractionBits = fractionBits
    }

    /// Conventional name of the format ("binary32", "e4m3", ...).
    public var name: String {
        switch (exponentBits, fractionBits) {
        case (8, 23): return "binary32"
        case (5, 10): return "binary16"
        case (5, 2): return "e5m2"
        case (4, 3): return "e4m3"
        default: return "e\(exponentBits)m\(fractionBits)"
        }
    }

    @inlinable @inline(__always) public var bias: Int32 { Int32((1 << (exponentBits - 1)) - 1) }
    @inlinable @inline(__always) public var maxExponentField: UInt32 { UInt32((1 << exponentBits) - 1) }
    @inlinable @inline(__always) public var width: Int { 1 + exponentBits + fractionBits }
    @inlinable @inline(__always) public var signBit: UInt32 { UInt32(1) << UInt32(exponentBits + fractionBits) }
    @inlinable @inline(__always) public var fractionMask: UInt32 { (UInt32(1) << UInt32(fractionBits)) - 1 }
    @inlinable @inline(__always) public var infinity: UInt32 { maxExponentField << UInt32(fractionBits) }
    /// The canonical quiet NaN: positive, exponent all ones, only the fraction MSB set.
    @inlinable @inline(__always) public var canonicalNaN: UInt32 { infinity | (UInt32(1) << UInt32(fractionBits - 1)) }
    @inlinable @inline(__always) public var largestFinite: UInt32 { infinity - 1 }

    // Computed (and inlinable) so that uses constant-fold instead of going through a lazy global.
    @inlinable public static var binary32: FloatFormat { FloatFormat(exponentBits: 8, fractionBits: 23) }
    @inlinable public static var binary16: FloatFormat { FloatFormat(exponentBits: 5, fractionBits: 10) }
    /// FP8 E5M2 ("Float8" in RedMulE/FPnew): IEEE-like, bias 15, with inf and NaN.
    @inlinable public static var e5m2: FloatFormat { FloatFormat(exponentBits: 5, fractionBits: 2) }
    /// FP8 E4M3 as FPnew's "Float8Alt": IEEE-like, bias 7, with inf (0x78) and NaN (0x7C); not OCP E4M3FN.
    @inlinable public static var e4m3: FloatFormat { FloatFormat(exponentBits: 4, fractionBits: 3) }
}

/// What a bit pattern is, in the order of the RISC-V `fclass` result bits.
public enum FloatClass: Int, Sendable {
    case negativeInfinity = 0, negativeNormal, negativeSubnormal, negativeZero
    case positiveZero, positiveSubnormal, positiveNormal, positiveInfinity
    case signalingNaN, quietNaN
}

extension FloatFormat {
    @inlinable @inline(__always) public func isNaN(_ x: UInt32) -> Bool {
        (x & ~signBit) > infinity
    }
    @inlinable @inline(__always) public func isSignalingNaN(_ x: UInt32) -> Bool {
        isNaN(x) && (x & (UInt32(1) << UInt32(fractionBits - 1))) == 0
    }
    @inlinable @inline(__always) public func isInfinite(_ x: UInt32) -> Bool { (x & ~signBit) == infinity }
    @inlinable @inline(__always) public func isZero(_ x: UInt32) -> Bool { (x & ~signBit) == 0 }
    @inlinable @inline(__always) public func isNegative(_ x: UInt32) -> Bool { (x & signBit) != 0 }

    public func classify(_ x: UInt32) -> FloatClass {
        let negative = isNegative(x)
        let exponent = (x >> UInt32(fractionBits)) & maxExponentField
        let fraction = x & fractionMask
        if exponent == maxExponentField {
            if fraction == 0 { return negative ? .negativeInfinity : .positiveInfinity }
            return isSignalingNaN(x) ? .signalingNaN : .quietNaN
        }
        if exponent == 0 {
            if fraction == 0 { return negative ? .negativeZero : .positiveZero }
            return negative ? .negativeSubnormal : .positiveSubnormal
        }
        return negative ? .negativeNormal : .positiveNormal
    }
}
