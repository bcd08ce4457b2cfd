// ISA: RV32C, the compressed (16-bit) encodings of the RV32IFC subset.
//
// Each form expands to an operation of another extension and takes that operation's descriptor
// facts (docs/platform.md §1: C is implemented on every platform). Order matters among forms
// sharing an encoding space: the first whose operand constraints hold wins (the decoder checks
// the constraints, e.g. c.jr needs rs1 ≠ 0, c.mv needs rs2 ≠ 0).

extension InstructionSet {
    static let rv32c: [InstructionEncoding] = [
        InstructionEncoding("c.addi4spn", 0xe003, 0x0000, .cAddi4spn, .c, .addi),
        InstructionEncoding("c.flw", 0xe003, 0x6000, .cFlw, .c, .flw),
        InstructionEncoding("c.lw", 0xe003, 0x4000, .cLw, .c, .lw),
        InstructionEncoding("c.fsw", 0xe003, 0xe000, .cFsw, .c, .fsw),
        InstructionEncoding("c.sw", 0xe003, 0xc000, .cSw, .c, .sw),
        InstructionEncoding("c.nop", 0xffff, 0x0001, .cNop, .c, .addi),
        InstructionEncoding("c.addi", 0xe003, 0x0001, .cAddi, .c, .addi),
        InstructionEncoding("c.jal", 0xe003, 0x2001, .cJal, .c, .jal),
        InstructionEncoding("c.li", 0xe003, 0x4001, .cLi, .c, .addi),
        InstructionEncoding("c.addi16sp", 0xef83, 0x6101, .cAddi16sp, .c, .addi),
        InstructionEncoding("c.lui", 0xe003, 0x6001, .cLui, .c, .lui),
        InstructionEncoding("c.srli", 0xfc03, 0x8001, .cShiftImm, .c, .srli),
        InstructionEncoding("c.srai", 0xfc03, 0x8401, .cShiftImm, .c, .srai),
        InstructionEncoding("c.andi", 0xec03, 0x8801, .cAndi, .c, .andi),
        InstructionEncoding("c.sub", 0xfc63, 0x8c01, .cArith, .c, .sub),
        InstructionEncoding("c.xor", 0xfc63, 0x8c21, .cArith, .c, .xor),
        InstructionEncoding("c.or", 0xfc63, 0x8c41, .cArith, .c, .or),
        InstructionEncoding("c.and", 0xfc63, 0x8c61, .cArith, .c, .and),
        InstructionEncoding("c.j", 0xe003, 0xa001, .cJ, .c, .jal),
        InstructionEncoding("c.beqz", 0xe003, 0xc001, .cBranch, .c, .beq),
        InstructionEncoding("c.bnez", 0xe003, 0xe001, .cBranch, .c, .bne),
        InstructionEncoding("c.slli", 0xf003, 0x0002, .cSlli, .c, .slli),
        InstructionEncoding("c.flwsp", 0xe003, 0x6002, .cFlwsp, .c, .flw),
        InstructionEncoding("c.lwsp", 0xe003, 0x4002, .cLwsp, .c, .lw),
        InstructionEncoding("c.jr", 0xf07f, 0x8002, .cJr, .c, .jalr),
        InstructionEncoding("c.mv", 0xf003, 0x8002, .cMv, .c, .add),
        InstructionEncoding("c.ebreak", 0xffff, 0x9002, .cEbreak, .c, .ebreak),
        InstructionEncoding("c.jalr", 0xf07f, 0x9002, .cJalr, .c, .jalr),
        InstructionEncoding("c.add", 0xf003, 0x9002, .cAdd, .c, .add),
        InstructionEncoding("c.fswsp", 0xe003, 0xe002, .cFswsp, .c, .fsw),
        InstructionEncoding("c.swsp", 0xe003, 0xc002, .cSwsp, .c, .sw),
    ]
}
