// ISA: the one table of instructions.
//
// Every instruction pulpsim executes is listed once below with its mnemonic, mask/match encoding,
// operand format and extension. The decoder, the disassembler and the tests all read this table;
// compressed (RVC) entries name the base operation they expand to. Semantics live in
// `Hart+Execute.swift`, grouped per extension.

/// Operations the interpreter executes (compressed instructions decode to these as well).
public enum Operation: UInt8, Sendable, CaseIterable {
    case illegal
    // RV32I
    case lui, auipc, jal, jalr, beq, bne, blt, bge, bltu, bgeu
    case lb, lh, lw, lbu, lhu, sb, sh, sw
    case addi, slti, sltiu, xori, ori, andi, slli, srli, srai
    case add, sub, sll, slt, sltu, xor, srl, sra, or, and
    case fence, fenceI, ecall, ebreak, mret, wfi
    case csrrw, csrrs, csrrc, csrrwi, csrrsi, csrrci
    // RV32M
    case mul, mulh, mulhsu, mulhu, div, divu, rem, remu
    // RV32F
    case flw, fsw, fmadd, fmsub, fnmsub, fnmadd
    case fadd, fsub, fmul, fdiv, fsqrt, fsgnj, fsgnjn, fsgnjx, fmin, fmax
    case fcvtWS, fcvtWUS, fmvXW, feq, flt, fle, fclass, fcvtSW, fcvtSWU, fmvWX
    // RedMulE offload through the core's extension interface (XIF), SPEC §7.7
    case mcnfig, marith
}

/// Operand layout of an encoding (used by the decoder and the disassembler).
public enum InstructionFormat: Sendable {
    case r, i, iShift, s, b, u, j, r4, csr, csrImmediate, none, fence
    case fR, fR1, fRInt, fIntR, fIntR1, fLoad, fStore  // F-extension register classes
    case xif
    // Compressed formats, named after the RVC encodings they read.
    case cNop, cAddi4spn, cLw, cSw, cFlw, cFsw, cAddi, cJal, cLi, cAddi16sp, cLui, cShiftImm, cAndi
    case cArith, cJ, cBranch, cSlli, cLwsp, cFlwsp, cJr, cMv, cEbreak, cJalr, cAdd, cSwsp, cFswsp
}

/// Which ISA extension an instruction belongs to.
public enum Extension: String, Sendable { case i = "I", m = "M", f = "F", c = "C", zicsr = "Zicsr", zifencei = "Zifencei", system = "system", xif = "Xredmule" }

/// One row of the instruction table.
public struct InstructionSpec: Sendable {
    public let name: String
    public let mask: UInt32
    public let match: UInt32
    public let format: InstructionFormat
    public let ext: Extension
    public let operation: Operation
    public var isCompressed: Bool { ext == .c }
}

private func spec(_ name: String, _ mask: UInt32, _ match: UInt32, _ format: InstructionFormat,
                  _ ext: Extension, _ op: Operation) -> InstructionSpec {
    InstructionSpec(name: name, mask: mask, match: match, format: format, ext: ext, operation: op)
}

/// The instruction table. Order matters only among compressed entries sharing an encoding
/// space (the first entry whose operand constraints hold wins).
public let instructionTable: [InstructionSpec] = [
    // RV32I
    spec("lui", 0x0000007f, 0x00000037, .u, .i, .lui),
    spec("auipc", 0x0000007f, 0x00000017, .u, .i, .auipc),
    spec("jal", 0x0000007f, 0x0000006f, .j, .i, .jal),
    spec("jalr", 0x0000707f, 0x00000067, .i, .i, .jalr),
    spec("beq", 0x0000707f, 0x00000063, .b, .i, .beq),
    spec("bne", 0x0000707f, 0x00001063, .b, .i, .bne),
    spec("blt", 0x0000707f, 0x00004063, .b, .i, .blt),
    spec("bge", 0x0000707f, 0x00005063, .b, .i, .bge),
    spec("bltu", 0x0000707f, 0x00006063, .b, .i, .bltu),
    spec("bgeu", 0x0000707f, 0x00007063, .b, .i, .bgeu),
    spec("lb", 0x0000707f, 0x00000003, .i, .i, .lb),
    spec("lh", 0x0000707f, 0x00001003, .i, .i, .lh),
    spec("lw", 0x0000707f, 0x00002003, .i, .i, .lw),
    spec("lbu", 0x0000707f, 0x00004003, .i, .i, .lbu),
    spec("lhu", 0x0000707f, 0x00005003, .i, .i, .lhu),
    spec("sb", 0x0000707f, 0x00000023, .s, .i, .sb),
    spec("sh", 0x0000707f, 0x00001023, .s, .i, .sh),
    spec("sw", 0x0000707f, 0x00002023, .s, .i, .sw),
    spec("addi", 0x0000707f, 0x00000013, .i, .i, .addi),
    spec("slti", 0x0000707f, 0x00002013, .i, .i, .slti),
    spec("sltiu", 0x0000707f, 0x00003013, .i, .i, .sltiu),
    spec("xori", 0x0000707f, 0x00004013, .i, .i, .xori),
    spec("ori", 0x0000707f, 0x00006013, .i, .i, .ori),
    spec("andi", 0x0000707f, 0x00007013, .i, .i, .andi),
    spec("slli", 0xfe00707f, 0x00001013, .iShift, .i, .slli),
    spec("srli", 0xfe00707f, 0x00005013, .iShift, .i, .srli),
    spec("srai", 0xfe00707f, 0x40005013, .iShift, .i, .srai),
    spec("add", 0xfe00707f, 0x00000033, .r, .i, .add),
    spec("sub", 0xfe00707f, 0x40000033, .r, .i, .sub),
    spec("sll", 0xfe00707f, 0x00001033, .r, .i, .sll),
    spec("slt", 0xfe00707f, 0x00002033, .r, .i, .slt),
    spec("sltu", 0xfe00707f, 0x00003033, .r, .i, .sltu),
    spec("xor", 0xfe00707f, 0x00004033, .r, .i, .xor),
    spec("srl", 0xfe00707f, 0x00005033, .r, .i, .srl),
    spec("sra", 0xfe00707f, 0x40005033, .r, .i, .sra),
    spec("or", 0xfe00707f, 0x00006033, .r, .i, .or),
    spec("and", 0xfe00707f, 0x00007033, .r, .i, .and),
    spec("fence", 0x0000707f, 0x0000000f, .fence, .i, .fence),
    spec("fence.i", 0x0000707f, 0x0000100f, .none, .zifencei, .fenceI),
    spec("ecall", 0xffffffff, 0x00000073, .none, .system, .ecall),
    spec("ebreak", 0xffffffff, 0x00100073, .none, .system, .ebreak),
    spec("mret", 0xffffffff, 0x30200073, .none, .system, .mret),
    spec("wfi", 0xffffffff, 0x10500073, .none, .system, .wfi),
    spec("csrrw", 0x0000707f, 0x00001073, .csr, .zicsr, .csrrw),
    spec("csrrs", 0x0000707f, 0x00002073, .csr, .zicsr, .csrrs),
    spec("csrrc", 0x0000707f, 0x00003073, .csr, .zicsr, .csrrc),
    spec("csrrwi", 0x0000707f, 0x00005073, .csrImmediate, .zicsr, .csrrwi),
    spec("csrrsi", 0x0000707f, 0x00006073, .csrImmediate, .zicsr, .csrrsi),
    spec("csrrci", 0x0000707f, 0x00007073, .csrImmediate, .zicsr, .csrrci),
    // RV32M
    spec("mul", 0xfe00707f, 0x02000033, .r, .m, .mul),
    spec("mulh", 0xfe00707f, 0x02001033, .r, .m, .mulh),
    spec("mulhsu", 0xfe00707f, 0x02002033, .r, .m, .mulhsu),
    spec("mulhu", 0xfe00707f, 0x02003033, .r, .m, .mulhu),
    spec("div", 0xfe00707f, 0x02004033, .r, .m, .div),
    spec("divu", 0xfe00707f, 0x02005033, .r, .m, .divu),
    spec("rem", 0xfe00707f, 0x02006033, .r, .m, .rem),
    spec("remu", 0xfe00707f, 0x02007033, .r, .m, .remu),
    // RV32F
    spec("flw", 0x0000707f, 0x00002007, .fLoad, .f, .flw),
    spec("fsw", 0x0000707f, 0x00002027, .fStore, .f, .fsw),
    spec("fmadd.s", 0x0600007f, 0x00000043, .r4, .f, .fmadd),
    spec("fmsub.s", 0x0600007f, 0x00000047, .r4, .f, .fmsub),
    spec("fnmsub.s", 0x0600007f, 0x0000004b, .r4, .f, .fnmsub),
    spec("fnmadd.s", 0x0600007f, 0x0000004f, .r4, .f, .fnmadd),
    spec("fadd.s", 0xfe00007f, 0x00000053, .fR, .f, .fadd),
    spec("fsub.s", 0xfe00007f, 0x08000053, .fR, .f, .fsub),
    spec("fmul.s", 0xfe00007f, 0x10000053, .fR, .f, .fmul),
    spec("fdiv.s", 0xfe00007f, 0x18000053, .fR, .f, .fdiv),
    spec("fsqrt.s", 0xfff0007f, 0x58000053, .fR1, .f, .fsqrt),
    spec("fsgnj.s", 0xfe00707f, 0x20000053, .fR, .f, .fsgnj),
    spec("fsgnjn.s", 0xfe00707f, 0x20001053, .fR, .f, .fsgnjn),
    spec("fsgnjx.s", 0xfe00707f, 0x20002053, .fR, .f, .fsgnjx),
    spec("fmin.s", 0xfe00707f, 0x28000053, .fR, .f, .fmin),
    spec("fmax.s", 0xfe00707f, 0x28001053, .fR, .f, .fmax),
    spec("fcvt.w.s", 0xfff0007f, 0xc0000053, .fIntR1, .f, .fcvtWS),
    spec("fcvt.wu.s", 0xfff0007f, 0xc0100053, .fIntR1, .f, .fcvtWUS),
    spec("fmv.x.w", 0xfff0707f, 0xe0000053, .fIntR1, .f, .fmvXW),
    spec("feq.s", 0xfe00707f, 0xa0002053, .fIntR, .f, .feq),
    spec("flt.s", 0xfe00707f, 0xa0001053, .fIntR, .f, .flt),
    spec("fle.s", 0xfe00707f, 0xa0000053, .fIntR, .f, .fle),
    spec("fclass.s", 0xfff0707f, 0xe0001053, .fIntR1, .f, .fclass),
    spec("fcvt.s.w", 0xfff0007f, 0xd0000053, .fRInt, .f, .fcvtSW),
    spec("fcvt.s.wu", 0xfff0007f, 0xd0100053, .fRInt, .f, .fcvtSWU),
    spec("fmv.w.x", 0xfff0707f, 0xf0000053, .fRInt, .f, .fmvWX),
    // RedMulE XIF offload (custom-0 / custom-1)
    spec("mcnfig", 0x0000007f, 0x0000000b, .xif, .xif, .mcnfig),
    spec("marith", 0x0000007f, 0x0000002b, .xif, .xif, .marith),
    // RV32C (RV32FC subset), 16-bit encodings
    spec("c.addi4spn", 0xe003, 0x0000, .cAddi4spn, .c, .addi),
    spec("c.flw", 0xe003, 0x6000, .cFlw, .c, .flw),
    spec("c.lw", 0xe003, 0x4000, .cLw, .c, .lw),
    spec("c.fsw", 0xe003, 0xe000, .cFsw, .c, .fsw),
    spec("c.sw", 0xe003, 0xc000, .cSw, .c, .sw),
    spec("c.nop", 0xffff, 0x0001, .cNop, .c, .addi),
    spec("c.addi", 0xe003, 0x0001, .cAddi, .c, .addi),
    spec("c.jal", 0xe003, 0x2001, .cJal, .c, .jal),
    spec("c.li", 0xe003, 0x4001, .cLi, .c, .addi),
    spec("c.addi16sp", 0xef83, 0x6101, .cAddi16sp, .c, .addi),
    spec("c.lui", 0xe003, 0x6001, .cLui, .c, .lui),
    spec("c.srli", 0xfc03, 0x8001, .cShiftImm, .c, .srli),
    spec("c.srai", 0xfc03, 0x8401, .cShiftImm, .c, .srai),
    spec("c.andi", 0xec03, 0x8801, .cAndi, .c, .andi),
    spec("c.sub", 0xfc63, 0x8c01, .cArith, .c, .sub),
    spec("c.xor", 0xfc63, 0x8c21, .cArith, .c, .xor),
    spec("c.or", 0xfc63, 0x8c41, .cArith, .c, .or),
    spec("c.and", 0xfc63, 0x8c61, .cArith, .c, .and),
    spec("c.j", 0xe003, 0xa001, .cJ, .c, .jal),
    spec("c.beqz", 0xe003, 0xc001, .cBranch, .c, .beq),
    spec("c.bnez", 0xe003, 0xe001, .cBranch, .c, .bne),
    spec("c.slli", 0xf003, 0x0002, .cSlli, .c, .slli),
    spec("c.flwsp", 0xe003, 0x6002, .cFlwsp, .c, .flw),
    spec("c.lwsp", 0xe003, 0x4002, .cLwsp, .c, .lw),
    spec("c.jr", 0xf07f, 0x8002, .cJr, .c, .jalr),
    spec("c.mv", 0xf003, 0x8002, .cMv, .c, .add),
    spec("c.ebreak", 0xffff, 0x9002, .cEbreak, .c, .ebreak),
    spec("c.jalr", 0xf07f, 0x9002, .cJalr, .c, .jalr),
    spec("c.add", 0xf003, 0x9002, .cAdd, .c, .add),
    spec("c.fswsp", 0xe003, 0xe002, .cFswsp, .c, .fsw),
    spec("c.swsp", 0xe003, 0xc002, .cSwsp, .c, .sw),
]
