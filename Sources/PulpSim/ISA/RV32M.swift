// ISA: RV32M, integer multiplication and division — descriptors and semantics.
//
// Division by zero and the signed overflow case (−2³¹ / −1) give the results the specification
// tabulates instead of trapping.

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
            x[e.rd] = b == 0 ? 0xFFFF_FFFF : (a == Int32.min && b == -1) ? UInt32(bitPattern: a) : UInt32(bitPattern: a / b)
        case .divu:
            let b = x[e.rs2]
            x[e.rd] = b == 0 ? 0xFFFF_FFFF : x[e.rs1] / b
        case .rem:
            let a = Int32(bitPattern: x[e.rs1]), b = Int32(bitPattern: x[e.rs2])
            x[e.rd] = b == 0 ? UInt32(bitPattern: a) : (a == Int32.min && b == -1) ? 0 : UInt32(bitPattern: a % b)
        case .remu:
            let b = x[e.rs2]
            x[e.rd] = b == 0 ? x[e.rs1] : x[e.rs1] % b
        default: return .unknown
        }
        advance(e)
        addCost(e)
        return .next
    }
}
