// ISA: the part of the Xpulp extensions pulpsim implements — `p.elw`, the event-unit load of
// RI5CY/CV32E40P (docs/platform.md §1, §4). Descriptor only: it runs on the slow path as a word
// load, and a load from an event-unit wait register puts the hart to sleep until its event, which
// is what `p.elw` is for. Its encoding (LOAD, funct3 = 6) is reserved in RV32I, so it cannot be
// confused with a standard instruction.
//
// The other Xpulp instructions (post-increment and register-offset loads and stores, hardware
// loops, MAC, SIMD: custom-0..3 and OP-V encodings) are not implemented: they are illegal
// instructions, and the end-of-run report says that the program was built for Xpulp
// (`Machine.xpulpHint`).

extension InstructionSet {
    static let xpulp: [InstructionDescriptor] = [
        InstructionDescriptor("p.elw", 0x0000707f, 0x00006003, .i, .xpulp, .elw, memory: .load(4), cost: .memory, path: .slow),
    ]
}
