// ISA: RV32C, the compressed (16-bit) encodings of the RV32IFC subset.
//
// Each form expands to an operation of another extension and takes that operation's descriptor
// facts (docs/platform.md §1: C is implemented on every platform). Order matters among forms
// sharing an encoding space: the first whose operand constraints hold wins (the decoder checks
// the constraints, e.g. c.jr needs rs1 ≠ 0, c.mv needs rs2 ≠ 0).

extension InstructionSet {
    static let rv32c: [CompressedForm] = [
        CompressedForm("c.addi4spn", 0xe003, 0x0000, .cAddi4spn, .addi),
        CompressedForm("c.flw", 0xe003, 0x6000, .cFlw, .flw),
        CompressedForm("c.lw", 0xe003, 0x4000, .cLw, .lw),
        CompressedForm("c.fsw", 0xe003, 0xe000, .cFsw, .fsw),
        CompressedForm("c.sw", 0xe003, 0xc000, .cSw, .sw),
        CompressedForm("c.nop", 0xffff, 0x0001, .cNop, .addi),
        CompressedForm("c.addi", 0xe003, 0x0001, .cAddi, .addi),
        CompressedForm("c.jal", 0xe003, 0x2001, .cJal, .jal),
        CompressedForm("c.li", 0xe003, 0x4001, .cLi, .addi),
        CompressedForm("c.addi16sp", 0xef83, 0x6101, .cAddi16sp, .addi),
        CompressedForm("c.lui", 0xe003, 0x6001, .cLui, .lui),
        CompressedForm("c.srli", 0xfc03, 0x8001, .cShiftImm, .srli),
        CompressedForm("c.srai", 0xfc03, 0x8401, .cShiftImm, .srai),
        CompressedForm("c.andi", 0xec03, 0x8801, .cAndi, .andi),
        CompressedForm("c.sub", 0xfc63, 0x8c01, .cArith, .sub),
        CompressedForm("c.xor", 0xfc63, 0x8c21, .cArith, .xor),
        CompressedForm("c.or", 0xfc63, 0x8c41, .cArith, .or),
        CompressedForm("c.and", 0xfc63, 0x8c61, .cArith, .and),
        CompressedForm("c.j", 0xe003, 0xa001, .cJ, .jal),
        CompressedForm("c.beqz", 0xe003, 0xc001, .cBranch, .beq),
        CompressedForm("c.bnez", 0xe003, 0xe001, .cBranch, .bne),
        CompressedForm("c.slli", 0xf003, 0x0002, .cSlli, .slli),
        CompressedForm("c.flwsp", 0xe003, 0x6002, .cFlwsp, .flw),
        CompressedForm("c.lwsp", 0xe003, 0x4002, .cLwsp, .lw),
        CompressedForm("c.jr", 0xf07f, 0x8002, .cJr, .jalr),
        CompressedForm("c.mv", 0xf003, 0x8002, .cMv, .add),
        CompressedForm("c.ebreak", 0xffff, 0x9002, .cEbreak, .ebreak),
        CompressedForm("c.jalr", 0xf07f, 0x9002, .cJalr, .jalr),
        CompressedForm("c.add", 0xf003, 0x9002, .cAdd, .add),
        CompressedForm("c.fswsp", 0xe003, 0xe002, .cFswsp, .fsw),
        CompressedForm("c.swsp", 0xe003, 0xc002, .cSwsp, .sw),
    ]
}
