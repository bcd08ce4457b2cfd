// ISA: Zba, address generation (shift-and-add) — descriptors and semantics.
//
// Decoded only when the platform's ISA includes Zba (`--isa`): the CV32E40X cores of newer PULP
// clusters implement it; CV32E40P does not.

extension InstructionSet {
    static let zba: [InstructionDescriptor] = [
        InstructionDescriptor("sh1add", 0xfe00707f, 0x20002033, .r, .zba, .sh1add),
        InstructionDescriptor("sh2add", 0xfe00707f, 0x20004033, .r, .zba, .sh2add),
        InstructionDescriptor("sh3add", 0xfe00707f, 0x20006033, .r, .zba, .sh3add),
    ]
}

extension Execution {
    /// Zba semantics; `.unknown` for operations of other extensions.
    @_transparent mutating func zba(_ op: Operation, _ e: Entry) -> Step {
        switch op {
        case .sh1add: x[e.rd] = (x[e.rs1] << 1) &+ x[e.rs2]
        case .sh2add: x[e.rd] = (x[e.rs1] << 2) &+ x[e.rs2]
        case .sh3add: x[e.rd] = (x[e.rs1] << 3) &+ x[e.rs2]
        default: return .unknown
        }
        advance(e)
        return .next
    }
}
