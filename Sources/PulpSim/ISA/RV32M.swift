// ISA: RV32M, integer multiplication and division — descriptors and semantics.
//
// Division by zero and the signed overflow case (−2³¹ / −1) give the results the specification
// tabulates instead of trapping.
//
// Timing (CV32E40P, docs/source/pipeline.rst, "Cycle counts per instruction type"): mul 1 cycle,
// mulh/mulhsu/mulhu 5 ("The multiplications with upper-word result take 5 cycles"), division and
// remainder 3..35 depending on the divisor (`divideCycles`).

extension InstructionSet {
    static let rv32m: [InstructionDescriptor] = [
        InstructionDescriptor("mul", 0xfe00707f, 0x02000033, .r, .m, .mul),
        InstructionDescriptor("mulh", 0xfe00707f, 0x02001033, .r, .m, .mulh, cost: .multiplyHigh),
        InstructionDescriptor("mulhsu", 0xfe00707f, 0x02002033, .r, .m, .mulhsu, cost: .multiplyHigh),
        InstructionDescriptor("mulhu", 0xfe00707f, 0x02003033, .r, .m, .mulhu, cost: .multiplyHigh),
        InstructionDescriptor("div", 0xfe00707f, 0x02004033, .r, .m, .div, cost: .divide),
        InstructionDescriptor("divu", 0xfe00707f, 0x02005033, .r, .m, .divu, cost: .divide),
        InstructionDescriptor("rem", 0xfe00707f, 0x02006033, .r, .m, .rem, cost: .divide),
        InstructionDescriptor("remu", 0xfe00707f, 0x02007033, .r, .m, .remu, cost: .divide),
    ]
}

extension Execution {
    /// RV32M semantics; `.unknown` for operations of other extensions.
    @_transparent mutating func rv32m(_ op: Operation, _ e: Entry) -> Step {
        switch op {
        case .mul: x[e.rd] = x[e.rs1] &* x[e.rs2]
        case .mulh:
            let product = Int64(Int32(bitPattern: x[e.rs1])) &* Int64(Int32(bitPattern: x[e.rs2]))
            x[e.rd] = UInt32(truncatingIfNeeded: product >> 32)
        case .mulhsu:
            let product = Int64(Int32(bitPattern: x[e.rs1])) &* Int64(x[e.rs2])
            x[e.rd] = UInt32(truncatingIfNeeded: product >> 32)
        case .mulhu: x[e.rd] = UInt32(truncatingIfNeeded: (UInt64(x[e.rs1]) &* UInt64(x[e.rs2])) >> 32)
        case .div:
            let a = Int32(bitPattern: x[e.rs1]), b = Int32(bitPattern: x[e.rs2])
            stalls &+= divideExtraCycles(UInt32(bitPattern: b), signed: true)
            x[e.rd] = b == 0 ? 0xFFFF_FFFF : (a == Int32.min && b == -1) ? UInt32(bitPattern: a) : UInt32(bitPattern: a / b)
        case .divu:
            let b = x[e.rs2]
            stalls &+= divideExtraCycles(b, signed: false)
            x[e.rd] = b == 0 ? 0xFFFF_FFFF : x[e.rs1] / b
        case .rem:
            let a = Int32(bitPattern: x[e.rs1]), b = Int32(bitPattern: x[e.rs2])
            stalls &+= divideExtraCycles(UInt32(bitPattern: b), signed: true)
            x[e.rd] = b == 0 ? UInt32(bitPattern: a) : (a == Int32.min && b == -1) ? 0 : UInt32(bitPattern: a % b)
        case .remu:
            let b = x[e.rs2]
            stalls &+= divideExtraCycles(b, signed: false)
            x[e.rd] = b == 0 ? x[e.rs1] : x[e.rs1] % b
        default: return .unknown
        }
        advance(e)
        addCost(e)
        return .next
    }
}

/// The cycles CV32E40P's serial divider takes for div, divu, rem and remu: 3 + the number of
/// iterations it skips by normalising the divisor. The manual (docs/source/pipeline.rst, "Cycle
/// counts per instruction type") gives 3..35, "depends on the divider operand value (operand b),
/// i.e. in the number of leading bits at 0": 3 when the divisor has no leading 0 (0x80000000),
/// 35 when it is 0. The exact count is the RTL's (rtl/cv32e40p_alu.sv, div_shift; rtl/
/// cv32e40p_alu_div.sv, one load cycle, div_shift + 1 divide cycles, one finish cycle):
/// - unsigned, or signed with a non-negative divisor: 3 + clz(divisor) (divisor 0: 35, 1: 34);
/// - signed with a negative divisor: the ALU counts the leading 0s of its one's complement and
///   does not add the 1 it adds otherwise: 3 + clz(~divisor) − 1 (−1: 34, −2: 33, −2³¹: 3).
/// The dividend does not matter.
@inline(__always) func divideCycles(_ divisor: UInt32, signed: Bool) -> UInt32 {
    let negative = signed && Int32(bitPattern: divisor) < 0
    return negative ? 2 &+ UInt32((~divisor).leadingZeroBitCount) : 3 &+ UInt32(divisor.leadingZeroBitCount)
}

extension Execution {
    /// The cycles a division costs beyond the first (`divideCycles`).
    @inline(__always) func divideExtraCycles(_ divisor: UInt32, signed: Bool) -> UInt64 {
        UInt64(divideCycles(divisor, signed: signed) &- 1)
    }
}
