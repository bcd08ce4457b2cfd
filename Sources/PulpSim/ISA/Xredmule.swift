// ISA: the RedMulE offload instructions of the core's extension interface (XIF, docs/platform.md
// §7.7) — descriptors and semantics (slow path).
//
// `mcnfig` (custom-0) hands rs1/rs2 to the coprocessor as MCFG0/MCFG1; `marith` (custom-1,
// R4-type) hands rs1, rs2, rs3 and the whole instruction word (ARITH) and starts a job. No
// register is written back. Without a coprocessor the instructions are illegal.

extension InstructionSet {
    static let xredmule: [InstructionDescriptor] = [
        InstructionDescriptor("mcnfig", 0x0000007f, 0x0000000b, .xif, .xredmule, .mcnfig, path: .slow),
        InstructionDescriptor("marith", 0x0000007f, 0x0000002b, .xif, .xredmule, .marith, path: .slow),
    ]
}

extension SlowStep {
    /// XIF offload semantics; nil for operations of other extensions.
    func xredmule() -> SlowOutcome? {
        guard descriptor.ext == .xredmule else { return nil }
        let x = hart.x
        let request = OffloadRequest(operation: d.operation, rs1: x[Int(d.rs1)], rs2: x[Int(d.rs2)], rs3: x[Int(d.rs3)],
                                     word: UInt32(bitPattern: d.imm))
        guard environment.offload(request, hart: hart) else { return illegalInstruction() }
        return retire()
    }
}

/// An instruction offloaded to a coprocessor through the extension interface.
public struct OffloadRequest: Sendable {
    public let operation: Operation
    public let rs1: UInt32, rs2: UInt32, rs3: UInt32
    /// The instruction word.
    public let word: UInt32
}
