// Exact IEEE arithmetic on any `FloatFormat` (fraction up to 23 bits).
//
// Operands are unpacked to (sign, exponent, significand) with the significand's leading one at
// bit 62 of a UInt64, so that value = significand × 2^(exponent − 62). Each operation computes an
// exact or sticky-jammed result and rounds exactly once in `roundPack`. NaN results are always the
// format's canonical NaN (RISC-V and RedMulE both canonicalise), and sNaN operands raise invalid.

/// An unpacked finite non-zero value: value = significand × 2^(exponent − 62), bit 62 set.
@usableFromInline struct Unpacked {
    @usableFromInline var negative: Bool
    @usableFromInline var exponent: Int32
    @usableFromInline var significand: UInt64
    @inlinable init(negative: Bool, exponent: Int32, significand: UInt64) {
        self.negative = negative; self.exponent = exponent; self.significand = significand
    }
}

/// Shifts right, OR-ing every bit shifted out into the result's least significant bit.
@inlinable func shiftRightJam(_ x: UInt64, _ count: Int32) -> UInt64 {
    if count <= 0 { return x }
    if count >= 64 { return x != 0 ? 1 : 0 }
    let kept = x >> UInt64(count)
    let lost = x & ((UInt64(1) << UInt64(count)) - 1)
    return kept | (lost != 0 ? 1 : 0)
}

@inlinable func shiftRightJam128(_ x: UInt128, _ count: Int32) -> UInt128 {
    if count <= 0 { return x }
    if count >= 128 { return x != 0 ? 1 : 0 }
    let kept = x >> UInt128(count)
    let lost = x & ((UInt128(1) << UInt128(count)) - 1)
    return kept | (lost != 0 ? 1 : 0)
}

extension FloatFormat {
    /// Unpacks a finite non-zero bit pattern (normal or subnormal).
    @inlinable func unpack(_ x: UInt32) -> Unpacked {
        let negative = (x & signBit) != 0
        let exponentField = Int32((x >> UInt32(fractionBits)) & maxExponentField)
        let fraction = UInt64(x & fractionMask)
        if exponentField != 0 {
            let significand = (fraction | (UInt64(1) << UInt64(fractionBits))) << UInt64(62 - fractionBits)
            return Unpacked(negative: negative, exponent: exponentField - bias, significand: significand)
        }
        // Subnormal: value = fraction × 2^(1 − bias − fractionBits).
        let shift = fraction.leadingZeroBitCount - 1
        return Unpacked(negative: negative,
                        exponent: Int32(1) - bias - Int32(fractionBits) + Int32(62 - shift),
                        significand: fraction << UInt64(shift))
    }

    @inlinable func packZero(_ negative: Bool) -> UInt32 { negative ? signBit : 0 }
    @inlinable func packInfinity(_ negative: Bool) -> UInt32 { (negative ? signBit : 0) | infinity }

    /// Rounds value = significand × 2^(exponent − 62) (bit 62 of `significand` set, lower bits may
    /// hold sticky information) to this format, raising inexact, underflow and overflow.
    @inlinable public func roundPack(negative: Bool, exponent: Int32, significand: UInt64,
                                     _ mode: RoundingMode, _ flags: inout FPFlags) -> UInt32 {
        let sign: UInt32 = negative ? signBit : 0
        let p = Int32(fractionBits)
        let biased = exponent + bias
        var shift = 62 - p
        var tiny = false
        if biased < 1 {
            // Below the normal range: round at the subnormal position. Tininess is judged after
            // rounding, i.e. as if the exponent range were unbounded.
            tiny = true
            if biased == 0 {
                let unboundedShift = UInt64(62 - p)
                let kept = significand >> unboundedShift
                let rest = significand & ((UInt64(1) << unboundedShift) - 1)
                if roundsUp(kept: kept, rest: rest, half: UInt64(1) << (unboundedShift - 1), negative, mode)
                    && kept + 1 == (UInt64(1) << UInt64(p + 1)) {
                    tiny = false
                }
            }
            shift += 1 - biased
        }
        var kept: UInt64
        var rest: UInt64
        var half: UInt64
        if shift >= 64 {
            kept = 0; rest = significand != 0 ? 1 : 0; half = UInt64(1) << 63
        } else {
            kept = significand >> UInt64(shift)
            rest = significand & ((UInt64(1) << UInt64(shift)) - 1)
            half = UInt64(1) << UInt64(shift - 1)
        }
        if rest != 0 {
            flags.insert(.inexact)
            if tiny { flags.insert(.underflow) }
            if roundsUp(kept: kept, rest: rest, half: half, negative, mode) { kept += 1 }
        }
        // `kept` includes the hidden bit at bit p for normal results; adding it to (field − 1) << p
        // yields the right field, also when rounding carries into the next binade or out of the
        // subnormal range.
        let field: UInt64 = biased >= 1 ? UInt64(biased - 1) : 0
        let magnitude = (field << UInt64(p)) + kept
        if magnitude >= UInt64(infinity) {
            flags.insert([.overflow, .inexact])
            let toInfinity: Bool
            switch mode {
            case .nearestEven, .nearestMaxMagnitude: toInfinity = true
            case .towardZero: toInfinity = false
            case .down: toInfinity = negative
            case .up: toInfinity = !negative
            }
            return sign | (toInfinity ? infinity : largestFinite)
        }
        return sign | UInt32(magnitude)
    }

    @inlinable func roundsUp(kept: UInt64, rest: UInt64, half: UInt64, _ negative: Bool,
                             _ mode: RoundingMode) -> Bool {
        switch mode {
        case .nearestEven: return rest > half || (rest == half && (kept & 1) != 0)
        case .nearestMaxMagnitude: return rest >= half
        case .towardZero: return false
        case .down: return negative && rest != 0
        case .up: return !negative && rest != 0
        }
    }

    /// Sign of an exact zero sum of operands with different signs.
    @inlinable func zeroSumIsNegative(_ mode: RoundingMode) -> Bool { mode == .down }

    // MARK: Arithmetic

    public func add(_ a: UInt32, _ b: UInt32, _ mode: RoundingMode, _ flags: inout FPFlags) -> UInt32 {
        if isNaN(a) || isNaN(b) {
            if isSignalingNaN(a) || isSignalingNaN(b) { flags.insert(.invalid) }
            return canonicalNaN
        }
        if isInfinite(a) {
            if isInfinite(b) && isNegative(a) != isNegative(b) { flags.insert(.invalid); return canonicalNaN }
            return a
        }
        if isInfinite(b) { return b }
        if isZero(a) {
            if isZero(b) {
                return packZero(isNegative(a) == isNegative(b) ? isNegative(a) : zeroSumIsNegative(mode))
            }
            return b
        }
        if isZero(b) { return a }
        return addUnpacked(unpack(a), unpack(b), mode, &flags)
    }

    @inlinable func addUnpacked(_ x: Unpacked, _ y: Unpacked, _ mode: RoundingMode,
                                _ flags: inout FPFlags) -> UInt32 {
        var big = x, small = y
        if small.exponent > big.exponent || (small.exponent == big.exponent && small.significand > big.significand) {
            swap(&big, &small)
        }
        // Leading ones at bit 61, leaving room for the carry.
        let bigSig = big.significand >> 1
        let smallSig = shiftRightJam(small.significand >> 1, big.exponent - small.exponent)
        let sum: UInt64
        if big.negative == small.negative {
            sum = bigSig + smallSig
        } else {
            sum = bigSig - smallSig
            if sum == 0 { return packZero(zeroSumIsNegative(mode)) }
        }
        let k = Int32(sum.leadingZeroBitCount) - 1
        return roundPack(negative: big.negative, exponent: big.exponent + 1 - k,
                         significand: sum << UInt64(k), mode, &flags)
    }

    public func subtract(_ a: UInt32, _ b: UInt32, _ mode: RoundingMode, _ flags: inout FPFlags) -> UInt32 {
        // Negating a NaN does not matter: NaN results are canonical.
        add(a, b ^ signBit, mode, &flags)
    }

    public func multiply(_ a: UInt32, _ b: UInt32, _ mode: RoundingMode, _ flags: inout FPFlags) -> UInt32 {
        if isNaN(a) || isNaN(b) {
            if isSignalingNaN(a) || isSignalingNaN(b) { flags.insert(.invalid) }
            return canonicalNaN
        }
        let negative = isNegative(a) != isNegative(b)
        if isInfinite(a) || isInfinite(b) {
            if isZero(a) || isZero(b) { flags.insert(.invalid); return canonicalNaN }
            return packInfinity(negative)
        }
        if isZero(a) || isZero(b) { return packZero(negative) }
        let product = exactProduct(unpack(a), unpack(b))
        return roundPack(negative: product.negative, exponent: product.exponent,
                         significand: product.significand, mode, &flags)
    }

    /// The exact product of two finite non-zero values (at most 48 significant bits).
    @inlinable func exactProduct(_ x: Unpacked, _ y: Unpacked) -> Unpacked {
        let p = UInt64(fractionBits)
        let product = (x.significand >> (62 - p)) * (y.significand >> (62 - p))
        let leading = Int32(63 - product.leadingZeroBitCount)
        return Unpacked(negative: x.negative != y.negative,
                        exponent: x.exponent + y.exponent - 2 * Int32(fractionBits) + leading,
                        significand: product << UInt64(62 - leading))
    }

    /// a × b + c with one rounding. `negateProduct`/`negateAddend` give the fmsub/fnm* forms.
    public func fusedMultiplyAdd(_ a: UInt32, _ b: UInt32, _ c: UInt32, negateProduct: Bool = false,
                                 negateAddend: Bool = false, _ mode: RoundingMode,
                                 _ flags: inout FPFlags) -> UInt32 {
        let aIsNaN = isNaN(a), bIsNaN = isNaN(b), cIsNaN = isNaN(c)
        if isSignalingNaN(a) || isSignalingNaN(b) || isSignalingNaN(c) { flags.insert(.invalid) }
        if aIsNaN || bIsNaN { return canonicalNaN }
        let productNegative = (isNegative(a) != isNegative(b)) != negateProduct
        let productInfinite = isInfinite(a) || isInfinite(b)
        let productZero = isZero(a) || isZero(b)
        if productInfinite && productZero { flags.insert(.invalid); return canonicalNaN }
        if cIsNaN { return canonicalNaN }
        let addend = negateAddend ? c ^ signBit : c
        if productInfinite {
            if isInfinite(addend) && isNegative(addend) != productNegative {
                flags.insert(.invalid); return canonicalNaN
            }
            return packInfinity(productNegative)
        }
        if isInfinite(addend) { return addend }
        if productZero {
            if isZero(addend) {
                return packZero(productNegative == isNegative(addend) ? productNegative : zeroSumIsNegative(mode))
            }
            return addend
        }
        var product = exactProduct(unpack(a), unpack(b))
        product.negative = productNegative
        if isZero(addend) {
            return roundPack(negative: product.negative, exponent: product.exponent,
                             significand: product.significand, mode, &flags)
        }
        return addWide(product, unpack(addend), mode, &flags)
    }

    /// Exact sum of two unpacked values in 128 bits, then one rounding.
    @inlinable func addWide(_ x: Unpacked, _ y: Unpacked, _ mode: RoundingMode, _ flags: inout FPFlags) -> UInt32 {
        var big = x, small = y
        if small.exponent > big.exponent || (small.exponent == big.exponent && small.significand > big.significand) {
            swap(&big, &small)
        }
        // Leading ones at bit 125 of 128.
        let bigSig = UInt128(big.significand) << 63
        let smallSig = shiftRightJam128(UInt128(small.significand) << 63, big.exponent - small.exponent)
        let sum: UInt128
        if big.negative == small.negative {
            sum = bigSig + smallSig
        } else {
            sum = bigSig - smallSig
            if sum == 0 { return packZero(zeroSumIsNegative(mode)) }
        }
        let leading = Int32(127 - sum.leadingZeroBitCount)  // position of the leading one
        // value = sum × 2^(big.exponent − 125); bring the leading one to bit 62 with sticky.
        let aligned: UInt64
        if leading > 62 {
            aligned = UInt64(truncatingIfNeeded: shiftRightJam128(sum, leading - 62))
        } else {
            aligned = UInt64(truncatingIfNeeded: sum) << UInt64(62 - leading)
        }
        return roundPack(negative: big.negative, exponent: big.exponent - 125 + leading,
                         significand: aligned, mode, &flags)
    }

    public func divide(_ a: UInt32, _ b: UInt32, _ mode: RoundingMode, _ flags: inout FPFlags) -> UInt32 {
        if isNaN(a) || isNaN(b) {
            if isSignalingNaN(a) || isSignalingNaN(b) { flags.insert(.invalid) }
            return canonicalNaN
        }
        let negative = isNegative(a) != isNegative(b)
        if isInfinite(a) {
            if isInfinite(b) { flags.insert(.invalid); return canonicalNaN }
            return packInfinity(negative)
        }
        if isInfinite(b) { return packZero(negative) }
        if isZero(b) {
            if isZero(a) { flags.insert(.invalid); return canonicalNaN }
            flags.insert(.divideByZero)
            return packInfinity(negative)
        }
        if isZero(a) { return packZero(negative) }
        let x = unpack(a), y = unpack(b)
        let p = Int32(fractionBits)
        let divisor = y.significand >> UInt64(62 - p)
        var quotient = x.significand / divisor
        if x.significand % divisor != 0 { quotient |= 1 }
        let leading = Int32(63 - quotient.leadingZeroBitCount)
        return roundPack(negative: negative, exponent: x.exponent - y.exponent - 62 + p + leading,
                         significand: quotient << UInt64(62 - leading), mode, &flags)
    }

    public func squareRoot(_ a: UInt32, _ mode: RoundingMode, _ flags: inout FPFlags) -> UInt32 {
        if isNaN(a) {
            if isSignalingNaN(a) { flags.insert(.invalid) }
            return canonicalNaN
        }
        if isZero(a) { return a }
        if isNegative(a) { flags.insert(.invalid); return canonicalNaN }
        if isInfinite(a) { return a }
        let x = unpack(a)
        // value = significand × 2^(exponent − 62); make the power of two even, then take the
        // integer square root of a 62/63-bit radicand: ~31 significant bits, plus sticky.
        var radicand = x.significand
        var exponent = x.exponent - 62
        if exponent & 1 != 0 { radicand >>= 1; exponent += 1 }  // bit 62 of x is set, bit 0 is 0
        var root = UInt64(Double(radicand).squareRoot())
        while root * root > radicand { root -= 1 }
        while (root + 1) * (root + 1) <= radicand { root += 1 }
        if root * root != radicand { root |= 1 }  // sticky: root has > 25 significant bits
        let leading = Int32(63 - root.leadingZeroBitCount)
        return roundPack(negative: false, exponent: exponent / 2 + leading,
                         significand: root << UInt64(62 - leading), mode, &flags)
    }

    // MARK: Comparisons, min/max, sign injection

    /// Quiet equality (invalid only for signaling NaNs).
    @inlinable @inline(__always) public func equal(_ a: UInt32, _ b: UInt32, _ flags: inout FPFlags) -> Bool {
        if isNaN(a) || isNaN(b) {
            if isSignalingNaN(a) || isSignalingNaN(b) { flags.insert(.invalid) }
            return false
        }
        return a == b || (isZero(a) && isZero(b))
    }

    /// Signaling less-than (invalid for any NaN).
    @inlinable @inline(__always) public func less(_ a: UInt32, _ b: UInt32, _ flags: inout FPFlags) -> Bool {
        if isNaN(a) || isNaN(b) { flags.insert(.invalid); return false }
        return orderedLess(a, b)
    }

    /// Signaling less-or-equal (invalid for any NaN).
    @inlinable @inline(__always) public func lessOrEqual(_ a: UInt32, _ b: UInt32, _ flags: inout FPFlags) -> Bool {
        if isNaN(a) || isNaN(b) { flags.insert(.invalid); return false }
        return a == b || (isZero(a) && isZero(b)) || orderedLess(a, b)
    }

    /// Total order on non-NaN values where −0 and +0 compare equal.
    @inlinable @inline(__always) func orderedLess(_ a: UInt32, _ b: UInt32) -> Bool {
        let na = isNegative(a), nb = isNegative(b)
        if na != nb { return na && !(isZero(a) && isZero(b)) }
        return na ? (a > b) : (a < b)
    }

    /// IEEE 754-2008 minNum/ 754-2019 minimumNumber as RISC-V F 2.2 defines fmin: −0 < +0, a single
    /// NaN operand yields the other, two NaNs the canonical NaN, sNaN raises invalid.
    @inlinable @inline(__always) public func minimumNumber(_ a: UInt32, _ b: UInt32, _ flags: inout FPFlags) -> UInt32 {
        if isSignalingNaN(a) || isSignalingNaN(b) { flags.insert(.invalid) }
        if isNaN(a) { return isNaN(b) ? canonicalNaN : b }
        if isNaN(b) { return a }
        if isZero(a) && isZero(b) { return isNegative(a) ? a : b }
        return orderedLess(b, a) ? b : a
    }

    /// maximumNumber counterpart of `minimumNumber` (+0 > −0).
    @inlinable @inline(__always) public func maximumNumber(_ a: UInt32, _ b: UInt32, _ flags: inout FPFlags) -> UInt32 {
        if isSignalingNaN(a) || isSignalingNaN(b) { flags.insert(.invalid) }
        if isNaN(a) { return isNaN(b) ? canonicalNaN : b }
        if isNaN(b) { return a }
        if isZero(a) && isZero(b) { return isNegative(a) ? b : a }
        return orderedLess(a, b) ? b : a
    }

    // MARK: Conversions

    /// Converts to a signed (or unsigned) 32-bit integer with RISC-V saturation: NaN and positive
    /// overflow give the largest value, negative overflow the smallest, each raising invalid.
    public func toInt32(_ a: UInt32, signed: Bool, _ mode: RoundingMode, _ flags: inout FPFlags) -> UInt32 {
        let maxResult: UInt32 = signed ? 0x7FFF_FFFF : 0xFFFF_FFFF
        let minResult: UInt32 = signed ? 0x8000_0000 : 0
        if isNaN(a) { flags.insert(.invalid); return maxResult }
        if isInfinite(a) { flags.insert(.invalid); return isNegative(a) ? minResult : maxResult }
        if isZero(a) { return 0 }
        let x = unpack(a)
        // Integer part and fraction: value = significand × 2^(exponent − 62).
        if x.exponent > 32 {
            flags.insert(.invalid); return x.negative ? minResult : maxResult
        }
        var magnitude: UInt64
        var rest: UInt64
        var half: UInt64
        let shift = 62 - x.exponent  // >= 30
        if shift >= 64 {
            magnitude = 0; rest = 1; half = UInt64(1) << 63  // below one half
        } else {
            magnitude = x.significand >> UInt64(shift)
            rest = x.significand & ((UInt64(1) << UInt64(shift)) - 1)
            half = UInt64(1) << UInt64(shift - 1)
        }
        if rest != 0 && roundsUp(kept: magnitude, rest: rest, half: half, x.negative, mode) { magnitude += 1 }
        if signed {
            let limit: UInt64 = x.negative ? 0x8000_0000 : 0x7FFF_FFFF
            if magnitude > limit { flags.insert(.invalid); return x.negative ? minResult : maxResult }
            if rest != 0 { flags.insert(.inexact) }
            return x.negative ? UInt32(truncatingIfNeeded: 0 &- magnitude) : UInt32(magnitude)
        }
        if x.negative {
            if magnitude != 0 { flags.insert(.invalid); return minResult }
            if rest != 0 { flags.insert(.inexact) }
            return 0
        }
        if magnitude > 0xFFFF_FFFF { flags.insert(.invalid); return maxResult }
        if rest != 0 { flags.insert(.inexact) }
        return UInt32(magnitude)
    }

    /// Converts a signed or unsigned 32-bit integer to this format.
    public func fromInt32(_ value: UInt32, signed: Bool, _ mode: RoundingMode, _ flags: inout FPFlags) -> UInt32 {
        if value == 0 { return 0 }
        let negative = signed && (value & 0x8000_0000) != 0
        let magnitude = UInt64(negative ? (0 &- value) : value)
        let leading = Int32(63 - magnitude.leadingZeroBitCount)
        return roundPack(negative: negative, exponent: leading,
                         significand: magnitude << UInt64(62 - leading), mode, &flags)
    }

    /// Converts a value of format `source` to this format (exact when widening).
    public func convert(_ x: UInt32, from source: FloatFormat, _ mode: RoundingMode,
                        _ flags: inout FPFlags) -> UInt32 {
        if source.isNaN(x) {
            if source.isSignalingNaN(x) { flags.insert(.invalid) }
            return canonicalNaN
        }
        let negative = source.isNegative(x)
        if source.isInfinite(x) { return packInfinity(negative) }
        if source.isZero(x) { return packZero(negative) }
        let u = source.unpack(x)
        return roundPack(negative: u.negative, exponent: u.exponent, significand: u.significand, mode, &flags)
    }
}
