// ISA: disassembly from the instruction table, in GNU objdump's style (ABI register names,
// the common pseudo-instructions objdump prints by default).

/// Register names as GNU objdump prints them.
public let integerRegisterNames = ["zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0", "a1",
                                   "a2", "a3", "a4", "a5", "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7",
                                   "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6"]
public let floatRegisterNames = ["ft0", "ft1", "ft2", "ft3", "ft4", "ft5", "ft6", "ft7", "fs0", "fs1", "fa0",
                                 "fa1", "fa2", "fa3", "fa4", "fa5", "fa6", "fa7", "fs2", "fs3", "fs4", "fs5",
                                 "fs6", "fs7", "fs8", "fs9", "fs10", "fs11", "ft8", "ft9", "ft10", "ft11"]

/// Turns decoded instructions back into assembly text.
public enum Disassembler {
    static func xr(_ r: UInt8) -> String { integerRegisterNames[Int(r == zeroSinkRegister ? 0 : r) & 31] }
    static func fr(_ r: UInt8) -> String { floatRegisterNames[Int(r) & 31] }
    static let roundingNames = ["rne", "rtz", "rdn", "rup", "rmm", "", "", "dyn"]

    static func hex(_ v: UInt32) -> String { "0x" + String(v, radix: 16) }

    /// Disassembles the word at `pc` ("unknown" for illegal encodings).
    public static func disassemble(_ word: UInt32, at pc: UInt32, symbols: SymbolTable? = nil) -> String {
        let d = Decoder.decode(word, at: pc)
        guard let spec = d.spec else { return "unknown" }
        let op = d.operation
        let imm = d.imm
        func target() -> String {
            // objdump: bare hex address, then the symbol.
            let t = pc &+ UInt32(bitPattern: imm)
            let address = String(t, radix: 16)
            if let symbols, !symbols.describe(t).isEmpty { return "\(address) <\(symbols.describe(t))>" }
            return address
        }
        func rmSuffix() -> String {
            // objdump omits the rounding mode when it is dynamic.
            d.rm == 7 ? "" : "," + roundingNames[Int(d.rm)]
        }
        let name = spec.isCompressed ? baseName(op) : spec.name
        switch op {
        case .lui: return "lui\t\(xr(d.rd)),\(hex(UInt32(bitPattern: imm) >> 12))"
        case .auipc: return "auipc\t\(xr(d.rd)),\(hex(UInt32(bitPattern: imm) >> 12))"
        case .jal:
            if d.rd == zeroSinkRegister { return "j\t\(target())" }
            if d.rd == 1 { return "jal\t\(target())" }
            return "jal\t\(xr(d.rd)),\(target())"
        case .jalr:
            if d.rd == zeroSinkRegister && d.rs1 == 1 && imm == 0 { return "ret" }
            if d.rd == zeroSinkRegister && imm == 0 { return "jr\t\(xr(d.rs1))" }
            if d.rd == zeroSinkRegister { return "jr\t\(imm)(\(xr(d.rs1)))" }
            if d.rd == 1 && imm == 0 { return "jalr\t\(xr(d.rs1))" }
            if d.rd == 1 { return "jalr\t\(imm)(\(xr(d.rs1)))" }
            if imm == 0 { return "jalr\t\(xr(d.rd)),\(xr(d.rs1))" }
            return "jalr\t\(xr(d.rd)),\(imm)(\(xr(d.rs1)))"
        case .beq, .bne, .blt, .bge, .bltu, .bgeu:
            if d.rs2 == 0 {
                let z = ["beq": "beqz", "bne": "bnez", "blt": "bltz", "bge": "bgez", "bltu": "bltu", "bgeu": "bgeu"][name]!
                if z.hasSuffix("z") { return "\(z)\t\(xr(d.rs1)),\(target())" }
            }
            if d.rs1 == 0 && (op == .blt || op == .bge) {
                return "\(op == .blt ? "bgtz" : "blez")\t\(xr(d.rs2)),\(target())"
            }
            return "\(name)\t\(xr(d.rs1)),\(xr(d.rs2)),\(target())"
        case .lb, .lh, .lw, .lbu, .lhu: return "\(name)\t\(xr(d.rd)),\(imm)(\(xr(d.rs1)))"
        case .sb, .sh, .sw: return "\(name)\t\(xr(d.rs2)),\(imm)(\(xr(d.rs1)))"
        case .flw: return "flw\t\(fr(d.rd)),\(imm)(\(xr(d.rs1)))"
        case .fsw: return "fsw\t\(fr(d.rs2)),\(imm)(\(xr(d.rs1)))"
        // Debian's binutils 2.40 prints register-immediate ALU forms with the register mnemonic.
        case .addi:
            if d.rd == zeroSinkRegister && d.rs1 == 0 && imm == 0 { return "nop" }
            if d.rs1 == 0 { return "li\t\(xr(d.rd)),\(imm)" }
            if imm == 0 { return "mv\t\(xr(d.rd)),\(xr(d.rs1))" }
            return "add\t\(xr(d.rd)),\(xr(d.rs1)),\(imm)"
        case .xori where imm == -1: return "not\t\(xr(d.rd)),\(xr(d.rs1))"
        case .andi where imm == 255: return "zext.b\t\(xr(d.rd)),\(xr(d.rs1))"
        case .sltiu where imm == 1: return "seqz\t\(xr(d.rd)),\(xr(d.rs1))"
        case .slti, .sltiu: return "\(name)\t\(xr(d.rd)),\(xr(d.rs1)),\(imm)"
        case .xori, .ori, .andi:
            return "\(name.dropLast())\t\(xr(d.rd)),\(xr(d.rs1)),\(imm)"
        case .slli, .srli, .srai: return "\(name.dropLast())\t\(xr(d.rd)),\(xr(d.rs1)),\(hex(UInt32(imm)))"
        case .sub where d.rs1 == 0: return "neg\t\(xr(d.rd)),\(xr(d.rs2))"
        case .sltu where d.rs1 == 0: return "snez\t\(xr(d.rd)),\(xr(d.rs2))"
        case .add where spec.isCompressed && d.rs1 == 0: return "mv\t\(xr(d.rd)),\(xr(d.rs2))"
        case .add, .sub, .sll, .slt, .sltu, .xor, .srl, .sra, .or, .and,
             .mul, .mulh, .mulhsu, .mulhu, .div, .divu, .rem, .remu:
            return "\(name)\t\(xr(d.rd)),\(xr(d.rs1)),\(xr(d.rs2))"
        case .fence:
            let pred = (UInt32(bitPattern: imm) >> 4) & 0xF, succ = UInt32(bitPattern: imm) & 0xF
            if pred == 0xF && succ == 0xF { return "fence" }
            func set(_ v: UInt32) -> String {
                var t = ""
                if v & 8 != 0 { t += "i" }
                if v & 4 != 0 { t += "o" }
                if v & 2 != 0 { t += "r" }
                if v & 1 != 0 { t += "w" }
                return t.isEmpty ? "0" : t
            }
            return "fence\t\(set(pred)),\(set(succ))"
        case .fenceI, .ecall, .ebreak, .mret, .wfi: return name
        case .csrrw, .csrrs, .csrrc, .csrrwi, .csrrsi, .csrrci:
            let csr = UInt32(imm) & 0xFFF
            let csrName = CSR.name(csr) ?? hex(csr)
            let immediate = op.rawValue >= Operation.csrrwi.rawValue
            let source = immediate ? "\(d.rs1)" : xr(d.rs1)
            let base = immediate ? String(name.dropLast()) : name  // objdump drops the "i"
            let noRd = d.rd == zeroSinkRegister
            // Floating-point CSR and counter aliases, as objdump prints them.
            let fpAlias = [CSR.frm: "rm", CSR.fflags: "flags", CSR.fcsr: "csr"][csr]
            if op == .csrrs && d.rs1 == 0 {
                if let fpAlias { return "fr\(fpAlias)\t\(xr(d.rd))" }
                let counters: [UInt32: String] = [CSR.cycle: "rdcycle", CSR.instret: "rdinstret", CSR.time: "rdtime",
                                                  CSR.cycleh: "rdcycleh", CSR.instreth: "rdinstreth", CSR.timeh: "rdtimeh"]
                if let counter = counters[csr] { return "\(counter)\t\(xr(d.rd))" }
                return "csrr\t\(xr(d.rd)),\(csrName)"
            }
            if op == .csrrw, let fpAlias {
                return noRd ? "fs\(fpAlias)\t\(source)" : "fs\(fpAlias)\t\(xr(d.rd)),\(source)"
            }
            if op == .csrrwi, csr != CSR.fcsr, let fpAlias { return "fs\(fpAlias)i\t\(xr(d.rd)),\(source)" }
            if noRd {
                let short = ["csrrw": "csrw", "csrrs": "csrs", "csrrc": "csrc"][base]!
                return "\(short)\t\(csrName),\(source)"
            }
            return "\(base)\t\(xr(d.rd)),\(csrName),\(source)"
        case .fmadd, .fmsub, .fnmsub, .fnmadd:
            return "\(name)\t\(fr(d.rd)),\(fr(d.rs1)),\(fr(d.rs2)),\(fr(d.rs3))\(rmSuffix())"
        case .fadd, .fsub, .fmul, .fdiv: return "\(name)\t\(fr(d.rd)),\(fr(d.rs1)),\(fr(d.rs2))\(rmSuffix())"
        case .fsqrt: return "fsqrt.s\t\(fr(d.rd)),\(fr(d.rs1))\(rmSuffix())"
        case .fsgnj where d.rs1 == d.rs2: return "fmv.s\t\(fr(d.rd)),\(fr(d.rs1))"
        case .fsgnjn where d.rs1 == d.rs2: return "fneg.s\t\(fr(d.rd)),\(fr(d.rs1))"
        case .fsgnjx where d.rs1 == d.rs2: return "fabs.s\t\(fr(d.rd)),\(fr(d.rs1))"
        case .fsgnj, .fsgnjn, .fsgnjx, .fmin, .fmax: return "\(name)\t\(fr(d.rd)),\(fr(d.rs1)),\(fr(d.rs2))"
        case .feq, .flt, .fle: return "\(name)\t\(xr(d.rd)),\(fr(d.rs1)),\(fr(d.rs2))"
        case .fcvtWS, .fcvtWUS: return "\(name)\t\(xr(d.rd)),\(fr(d.rs1))\(rmSuffix())"
        case .fcvtSW, .fcvtSWU: return "\(name)\t\(fr(d.rd)),\(xr(d.rs1))\(rmSuffix())"
        case .fmvXW, .fclass: return "\(name)\t\(xr(d.rd)),\(fr(d.rs1))"
        case .fmvWX: return "fmv.w.x\t\(fr(d.rd)),\(xr(d.rs1))"
        case .mcnfig: return "mcnfig\t\(xr(d.rs1)),\(xr(d.rs2))"
        case .marith: return "marith\t\(xr(d.rs1)),\(xr(d.rs2)),\(xr(d.rs3)),\(hex(UInt32(bitPattern: imm) >> 7 & 0x1FFFF))"
        case .illegal: return "unknown"
        }
    }

    /// Mnemonic of the base instruction a compressed one expands to.
    static func baseName(_ op: Operation) -> String {
        instructionTable.first { !$0.isCompressed && $0.operation == op }?.name ?? "\(op)"
    }
}
