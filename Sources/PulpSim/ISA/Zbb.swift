// ISA: Zbb, basic bit manipulation (RV32 encodings) — descriptors and semantics.
//
// Decoded only when the platform's ISA includes Zbb (`--isa`), as Zba.

extension InstructionSet {
    static let zbb: [InstructionDescriptor] = [
        InstructionDescriptor("andn", 0xfe00707f, 0x40007033, .r, .zbb, .andn),
        InstructionDescriptor("orn", 0xfe00707f, 0x40006033, .r, .zbb, .orn),
        InstructionDescriptor("xnor", 0xfe00707f, 0x40004033, .r, .zbb, .xnor),
        InstructionDescriptor("clz", 0xfff0707f, 0x60001013, .rUnary, .zbb, .clz),
        InstructionDescriptor("ctz", 0xfff0707f, 0x60101013, .rUnary, .zbb, .ctz),
        InstructionDescriptor("cpop", 0xfff0707f, 0x60201013, .rUnary, .zbb, .cpop),
        InstructionDescriptor("max", 0xfe00707f, 0x0a006033, .r, .zbb, .max),
        InstructionDescriptor("maxu", 0xfe00707f, 0x0a007033, .r, .zbb, .maxu),
        InstructionDescriptor("min", 0xfe00707f, 0x0a004033, .r, .zbb, .min),
        InstructionDescriptor("minu", 0xfe00707f, 0x0a005033, .r, .zbb, .minu),
        InstructionDescriptor("sext.b", 0xfff0707f, 0x60401013, .rUnary, .zbb, .sextB),
        InstructionDescriptor("sext.h", 0xfff0707f, 0x60501013, .rUnary, .zbb, .sextH),
        InstructionDescriptor("zext.h", 0xfff0707f, 0x08004033, .rUnary, .zbb, .zextH),
        InstructionDescriptor("rol", 0xfe00707f, 0x60001033, .r, .zbb, .rol),
        InstructionDescriptor("ror", 0xfe00707f, 0x60005033, .r, .zbb, .ror),
        InstructionDescriptor("rori", 0xfe00707f, 0x60005013, .iShift, .zbb, .rori),
        InstructionDescriptor("orc.b", 0xfff0707f, 0x28705013, .rUnary, .zbb, .orcB),
        InstructionDescriptor("rev8", 0xfff0707f, 0x69805013, .rUnary, .zbb, .rev8),
    ]
}

extension Execution {
    /// Zbb semantics; `.unknown` for operations of other extensions.
    @_transparent mutating func zbb(_ op: Operation, _ e: Entry) -> Step {
        switch op {
        case .andn: x[e.rd] = x[e.rs1] & ~x[e.rs2]
        case .orn: x[e.rd] = x[e.rs1] | ~x[e.rs2]
        case .xnor: x[e.rd] = ~(x[e.rs1] ^ x[e.rs2])
        case .clz: x[e.rd] = UInt32(x[e.rs1].leadingZeroBitCount)
        case .ctz: x[e.rd] = UInt32(x[e.rs1].trailingZeroBitCount)
        case .cpop: x[e.rd] = UInt32(x[e.rs1].nonzeroBitCount)
        case .max: x[e.rd] = UInt32(bitPattern: Swift.max(Int32(bitPattern: x[e.rs1]), Int32(bitPattern: x[e.rs2])))
        case .maxu: x[e.rd] = Swift.max(x[e.rs1], x[e.rs2])
        case .min: x[e.rd] = UInt32(bitPattern: Swift.min(Int32(bitPattern: x[e.rs1]), Int32(bitPattern: x[e.rs2])))
        case .minu: x[e.rd] = Swift.min(x[e.rs1], x[e.rs2])
        case .sextB: x[e.rd] = MemoryAccess.extend(x[e.rs1] & 0xFF, size: 1, signed: true)
        case .sextH: x[e.rd] = MemoryAccess.extend(x[e.rs1] & 0xFFFF, size: 2, signed: true)
        case .zextH: x[e.rd] = x[e.rs1] & 0xFFFF
        case .rol: x[e.rd] = x[e.rs1].rotatedLeft(by: x[e.rs2])
        case .ror: x[e.rd] = x[e.rs1].rotatedLeft(by: 32 &- (x[e.rs2] & 31))
        case .rori: x[e.rd] = x[e.rs1].rotatedLeft(by: 32 &- (e.imm & 31))
        case .orcB:
            let v = x[e.rs1]
            var result: UInt32 = 0
            for byte in 0..<4 where (v >> UInt32(8 * byte)) & 0xFF != 0 { result |= 0xFF << UInt32(8 * byte) }
            x[e.rd] = result
        case .rev8: x[e.rd] = x[e.rs1].byteSwapped
        default: return .unknown
        }
        advance(e)
        return .next
    }
}

extension UInt32 {
    /// Rotation left by `amount` mod 32.
    @inline(__always) func rotatedLeft(by amount: UInt32) -> UInt32 {
        let n = amount & 31
        return n == 0 ? self : (self << n) | (self >> (32 - n))
    }
}
