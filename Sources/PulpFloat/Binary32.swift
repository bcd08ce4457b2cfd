// Binary32 entry points for the F extension, with exact host fast paths.
//
// In round-to-nearest-even with normal operands the host's IEEE hardware gives the same result as
// the soft path; the fast paths below only accept cases where that is provably true and where the
// flags can be derived exactly (the result is a normal number, and exactness is checked in double
// precision, which holds every binary32 product and every sum of operands < 2^29 apart). Anything
// else (other rounding modes, zeros, subnormals, infinities, NaNs, midpoints) takes the soft path.

/// Binary32 operations as the F extension needs them: bit patterns in, bit pattern and flags out.
public enum Binary32 {
    public static var format: FloatFormat { .binary32 }

    @inlinable @inline(__always) static func exponentField(_ x: UInt32) -> UInt32 { (x >> 23) & 0xFF }

    /// True when both operands are normal numbers (exponent field 1...254).
    @inlinable @inline(__always) static func bothNormal(_ a: UInt32, _ b: UInt32) -> Bool {
        (exponentField(a) &- 1) < 254 && (exponentField(b) &- 1) < 254
    }

    /// True for a normal number or a zero.
    @inlinable @inline(__always) static func normalOrZero(_ x: UInt32) -> Bool {
        (exponentField(x) &- 1) < 254 || x & 0x7FFF_FFFF == 0
    }

    /// Accepts a host result only if it is a finite binary32 strictly above the smallest normal in
    /// magnitude: then the exact value is normal too and neither underflow nor overflow can arise.
    @inlinable @inline(__always) static func isNormalResult(_ r: Float) -> Bool {
        let magnitude = r.bitPattern & 0x7FFF_FFFF
        return magnitude > 0x0080_0000 && magnitude < 0x7F80_0000
    }

    // The fast paths of `add`, `subtract`, `multiply` and `fusedMultiplyAdd` are also compiled to
    // x86-64 by the simulator's block compiler (PulpSim, Kernel/BlockCompiler.swift,
    // `emitFloatArithmetic`), test for test: a change here must be made there too
    // (CompiledFloatTests runs the vectors through the compiled code).
    @inlinable public static func add(_ a: UInt32, _ b: UInt32, _ mode: RoundingMode, _ flags: inout FPFlags) -> UInt32 {
        if mode == .nearestEven && bothNormal(a, b) {
            let ea = Int32(exponentField(a)), eb = Int32(exponentField(b))
            if abs(ea - eb) <= 29 {
                let exact = Double(Float(bitPattern: a)) + Double(Float(bitPattern: b))
                let r = Float(exact)
                if isNormalResult(r) {
                    if Double(r) != exact { flags.insert(.inexact) }
                    return r.bitPattern
                }
            }
        }
        return format.add(a, b, mode, &flags)
    }

    @inlinable public static func subtract(_ a: UInt32, _ b: UInt32, _ mode: RoundingMode, _ flags: inout FPFlags) -> UInt32 {
        add(a, b ^ 0x8000_0000, mode, &flags)
    }

    @inlinable public static func multiply(_ a: UInt32, _ b: UInt32, _ mode: RoundingMode, _ flags: inout FPFlags) -> UInt32 {
        if mode == .nearestEven && bothNormal(a, b) {
            let exact = Double(Float(bitPattern: a)) * Double(Float(bitPattern: b))
            let r = Float(exact)
            if isNormalResult(r) {
                if Double(r) != exact { flags.insert(.inexact) }
                return r.bitPattern
            }
        }
        return format.multiply(a, b, mode, &flags)
    }

    /// a × b + c (with optional negations) rounded once.
    @inlinable public static func fusedMultiplyAdd(_ a: UInt32, _ b: UInt32, _ c: UInt32, negateProduct: Bool,
                                                   negateAddend: Bool, _ mode: RoundingMode,
                                                   _ flags: inout FPFlags) -> UInt32 {
        // (Zeros are exact too: with a zero factor the product is a signed zero and the sum the
        // addend; with a zero addend the sum is the product. A zero result takes the soft path.)
        if mode == .nearestEven && normalOrZero(a) && normalOrZero(b) && normalOrZero(c) {
            var product = Double(Float(bitPattern: a)) * Double(Float(bitPattern: b))  // exact
            if negateProduct { product = -product }
            var addend = Double(Float(bitPattern: c))
            if negateAddend { addend = -addend }
            let sum = product + addend
            // TwoSum: error is the exact rounding error of `sum`.
            let t = sum - product
            let error = (product - (sum - t)) + (addend - t)
            let r = Float(sum)
            if isNormalResult(r) && sum.isFinite {
                if error == 0 {
                    if Double(r) != sum { flags.insert(.inexact) }
                    return r.bitPattern
                }
                // Inexact in double: the binary32 rounding of `sum` is right unless `sum` lies exactly
                // halfway between two binary32 numbers (then the error decides).
                let lowBits = sum.bitPattern & 0x1FFF_FFFF
                if lowBits != 0x1000_0000 {
                    flags.insert(.inexact)
                    return r.bitPattern
                }
            }
        }
        return format.fusedMultiplyAdd(a, b, c, negateProduct: negateProduct, negateAddend: negateAddend,
                                       mode, &flags)
    }

    @inlinable public static func divide(_ a: UInt32, _ b: UInt32, _ mode: RoundingMode, _ flags: inout FPFlags) -> UInt32 {
        if mode == .nearestEven && bothNormal(a, b) {
            let fb = Float(bitPattern: b)
            let r = Float(bitPattern: a) / fb
            if isNormalResult(r) {
                if Double(r) * Double(fb) != Double(Float(bitPattern: a)) { flags.insert(.inexact) }
                return r.bitPattern
            }
        }
        return format.divide(a, b, mode, &flags)
    }

    @inlinable public static func squareRoot(_ a: UInt32, _ mode: RoundingMode, _ flags: inout FPFlags) -> UInt32 {
        if mode == .nearestEven && (exponentField(a) &- 1) < 254 && (a & 0x8000_0000) == 0 {
            let r = Float(bitPattern: a).squareRoot()
            if Double(r) * Double(r) != Double(Float(bitPattern: a)) { flags.insert(.inexact) }
            return r.bitPattern
        }
        return format.squareRoot(a, mode, &flags)
    }

    /// fcvt.w[u].s. Fast path: a normal or zero operand whose rounding to an integer (exact in
    /// binary32: the host's `rounded` in the instruction's mode) lies in the result's range;
    /// inexact when rounding changed it. Everything else (NaN, infinities, subnormals, out of
    /// range, a negative value for an unsigned result) takes the soft path.
    @inlinable public static func toInt32(_ a: UInt32, signed: Bool, _ mode: RoundingMode, _ flags: inout FPFlags) -> UInt32 {
        if (exponentField(a) &- 1) < 254 || a & 0x7FFF_FFFF == 0 {
            let value = Float(bitPattern: a)
            let rule: FloatingPointRoundingRule
            switch mode {
            case .nearestEven: rule = .toNearestOrEven
            case .towardZero: rule = .towardZero
            case .down: rule = .down
            case .up: rule = .up
            case .nearestMaxMagnitude: rule = .toNearestOrAwayFromZero
            }
            let r = value.rounded(rule)
            let inRange = signed ? (r >= -2147483648.0 && r < 2147483648.0) : (r >= 0 && r < 4294967296.0 && a & 0x8000_0000 == 0)
            if inRange {
                if r != value { flags.insert(.inexact) }
                return signed ? UInt32(bitPattern: Int32(r)) : UInt32(r)
            }
        }
        return format.toInt32(a, signed: signed, mode, &flags)
    }

    // Comparisons and min/max: the soft path's, compiled here for binary32 (its constants folded)
    // and called out of line, which keeps the interpreter loops that use them small.
    @inline(never) public static func equal(_ a: UInt32, _ b: UInt32, _ flags: inout FPFlags) -> Bool {
        format.equal(a, b, &flags)
    }
    @inline(never) public static func less(_ a: UInt32, _ b: UInt32, _ flags: inout FPFlags) -> Bool {
        format.less(a, b, &flags)
    }
    @inline(never) public static func lessOrEqual(_ a: UInt32, _ b: UInt32, _ flags: inout FPFlags) -> Bool {
        format.lessOrEqual(a, b, &flags)
    }
    @inline(never) public static func minimumNumber(_ a: UInt32, _ b: UInt32, _ flags: inout FPFlags) -> UInt32 {
        format.minimumNumber(a, b, &flags)
    }
    @inline(never) public static func maximumNumber(_ a: UInt32, _ b: UInt32, _ flags: inout FPFlags) -> UInt32 {
        format.maximumNumber(a, b, &flags)
    }

    @inlinable public static func fromInt32(_ v: UInt32, signed: Bool, _ mode: RoundingMode, _ flags: inout FPFlags) -> UInt32 {
        if signed {
            let i = Int32(bitPattern: v)
            if i > -(1 << 24) && i < (1 << 24) { return Float(i).bitPattern }  // exact
        } else if v < (1 << 24) {
            return Float(v).bitPattern
        }
        return format.fromInt32(v, signed: signed, mode, &flags)
    }

    /// RISC-V `fclass.s` result: one bit set, numbered as `FloatClass`.
    @inlinable public static func classify(_ a: UInt32) -> UInt32 {
        UInt32(1) << UInt32(format.classify(a).rawValue)
    }
}
