// ISA: disassembly in GNU objdump's style (ABI register names, the pseudo-instructions objdump
// prints by default), from the descriptors.
//
// The operands come from the descriptor's format and register files (and its memory access for
// the `imm(rs1)` form); the only per-instruction code is objdump's aliases (li, mv, j, ret, beqz,
// csrr, fmv.s, ...). Compressed instructions print as the instruction they expand to, as
// objdump does.

/// Register names as GNU objdump prints them.
public let integerRegisterNames = ["zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0", "a1",
                                   "a2", "a3", "a4", "a5", "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7",
                                   "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6"]
public let floatRegisterNames = ["ft0", "ft1", "ft2", "ft3", "ft4", "ft5", "ft6", "ft7", "fs0", "fs1", "fa0",
                                 "fa1", "fa2", "fa3", "fa4", "fa5", "fa6", "fa7", "fs2", "fs3", "fs4", "fs5",
                                 "fs6", "fs7", "fs8", "fs9", "fs10", "fs11", "ft8", "ft9", "ft10", "ft11"]

/// Turns instruction words back into assembly text.
public enum Disassembler {
    static func xr(_ r: UInt8) -> String { integerRegisterNames[Int(r == zeroSinkRegister ? 0 : r) & 31] }
    static func fr(_ r: UInt8) -> String { floatRegisterNames[Int(r) & 31] }
    static func reg(_ file: RegisterFile, _ r: UInt8) -> String { file == .f ? fr(r) : xr(r) }
    static let roundingNames = ["rne", "rtz", "rdn", "rup", "rmm", "", "", "dyn"]
    static func hex(_ v: UInt32) -> String { "0x" + String(v, radix: 16) }

    /// Disassembles the word at `pc` ("unknown" for illegal encodings). By default every
    /// extension pulpsim knows is decoded, whether or not a platform enables it.
    public static func disassemble(_ word: UInt32, at pc: UInt32, symbols: SymbolTable? = nil,
                                   extensions: ExtensionSet = .all) -> String {
        let d = Decoder.decode(word, at: pc, extensions: extensions)
        guard let encoding = d.encoding, let descriptor = d.descriptor else { return "unknown" }
        let name = descriptor.name
        if encoding.isCompressed, let text = compressedHint(d, encoding.name) { return text }
        if let text = alias(d, descriptor, compressed: encoding.isCompressed, pc: pc, symbols: symbols) { return text }
        let o = descriptor.operands
        let imm = d.imm
        switch descriptor.format {
        case .i, .s, .fLoad, .fStore:
            if let access = descriptor.memory {
                let data = access.kind == .store ? reg(o.rs2, d.rs2) : reg(o.rd, d.rd)
                return "\(name)\t\(data),\(imm)(\(xr(d.rs1)))"
            }
            return "\(name)\t\(xr(d.rd)),\(xr(d.rs1)),\(imm)"
        case .iShift: return "\(name)\t\(xr(d.rd)),\(xr(d.rs1)),\(hex(UInt32(bitPattern: imm)))"
        case .b: return "\(name)\t\(xr(d.rs1)),\(xr(d.rs2)),\(target(pc, imm, symbols))"
        case .u: return "\(name)\t\(xr(d.rd)),\(hex(UInt32(bitPattern: imm) >> 12))"
        case .j: return "\(name)\t\(xr(d.rd)),\(target(pc, imm, symbols))"
        case .none: return name
        case .xif:
            if descriptor.operation == .mcnfig { return "\(name)\t\(xr(d.rs1)),\(xr(d.rs2))" }
            return "\(name)\t\(xr(d.rs1)),\(xr(d.rs2)),\(xr(d.rs3)),\(hex(UInt32(bitPattern: imm) >> 7 & 0x1FFFF))"
        default:
            // Register formats: rd, then the sources, then the rounding mode unless dynamic.
            var operands = [reg(o.rd, d.rd)]
            for (file, r) in [(o.rs1, d.rs1), (o.rs2, d.rs2), (o.rs3, d.rs3)] where file != .none { operands.append(reg(file, r)) }
            let roundingField = descriptor.format.hasRoundingMode && descriptor.mask & 0x7000 == 0
            if roundingField && d.rm != 7 { operands.append(roundingNames[Int(d.rm)]) }
            return "\(name)\t" + operands.joined(separator: ",")
        }
    }

    /// objdump: a bare hex address, then the symbol.
    static func target(_ pc: UInt32, _ imm: Int32, _ symbols: SymbolTable?) -> String {
        let t = pc &+ UInt32(bitPattern: imm)
        let address = String(t, radix: 16)
        if let symbols, !symbols.describe(t).isEmpty { return "\(address) <\(symbols.describe(t))>" }
        return address
    }

    /// Compressed HINT encodings (no architectural effect: rd = x0, or a zero shift), which
    /// objdump prints with their compressed mnemonic.
    static func compressedHint(_ d: DecodedInstruction, _ form: String) -> String? {
        let rdZero = d.rd == zeroSinkRegister
        switch form {
        case "c.addi" where rdZero: return "c.nop\t\(d.imm)"
        case "c.addi" where d.imm == 0: return "add\t\(xr(d.rd)),\(xr(d.rs1)),0"
        case "c.li" where rdZero: return "c.li\tzero,\(d.imm)"
        case "c.lui" where rdZero: return "c.lui\tzero,\(hex(UInt32(bitPattern: d.imm) >> 12))"
        case "c.mv" where rdZero: return "c.mv\tzero,\(xr(d.rs2))"
        case "c.add" where rdZero: return "c.add\tzero,\(xr(d.rs2))"
        case "c.slli" where d.imm == 0: return "c.slli64\t\(xr(d.rd))"
        case "c.slli" where rdZero: return "c.slli\tzero,\(hex(UInt32(bitPattern: d.imm)))"
        case "c.srli" where d.imm == 0: return "c.srli64\t\(xr(d.rd))"
        case "c.srai" where d.imm == 0: return "c.srai64\t\(xr(d.rd))"
        default: return nil
        }
    }

    /// The pseudo-instructions and special forms objdump prints, or nil for the plain form.
    static func alias(_ d: DecodedInstruction, _ descriptor: InstructionDescriptor, compressed: Bool, pc: UInt32,
                      symbols: SymbolTable?) -> String? {
        let imm = d.imm
        let name = descriptor.name
        switch d.operation {
        case .jal:
            if d.rd == zeroSinkRegister { return "j\t\(target(pc, imm, symbols))" }
            if d.rd == 1 { return "jal\t\(target(pc, imm, symbols))" }
            return nil
        case .jalr:
            if d.rd == zeroSinkRegister && d.rs1 == 1 && imm == 0 { return "ret" }
            if d.rd == zeroSinkRegister && imm == 0 { return "jr\t\(xr(d.rs1))" }
            if d.rd == zeroSinkRegister { return "jr\t\(imm)(\(xr(d.rs1)))" }
            if d.rd == 1 && imm == 0 { return "jalr\t\(xr(d.rs1))" }
            if d.rd == 1 { return "jalr\t\(imm)(\(xr(d.rs1)))" }
            if imm == 0 { return "jalr\t\(xr(d.rd)),\(xr(d.rs1))" }
            return "jalr\t\(xr(d.rd)),\(imm)(\(xr(d.rs1)))"
        case .beq, .bne, .blt, .bge:
            if d.rs2 == 0 { return "\(name)z\t\(xr(d.rs1)),\(target(pc, imm, symbols))" }
            if d.rs1 == 0 && (d.operation == .blt || d.operation == .bge) {
                return "\(d.operation == .blt ? "bgtz" : "blez")\t\(xr(d.rs2)),\(target(pc, imm, symbols))"
            }
            return nil
        // Debian's binutils 2.40 prints register-immediate ALU forms with the register mnemonic.
        case .addi:
            if d.rd == zeroSinkRegister && d.rs1 == 0 && imm == 0 { return "nop" }
            if d.rs1 == 0 { return "li\t\(xr(d.rd)),\(imm)" }
            if imm == 0 { return "mv\t\(xr(d.rd)),\(xr(d.rs1))" }
            return "add\t\(xr(d.rd)),\(xr(d.rs1)),\(imm)"
        case .xori where imm == -1: return "not\t\(xr(d.rd)),\(xr(d.rs1))"
        case .andi where imm == 255: return "zext.b\t\(xr(d.rd)),\(xr(d.rs1))"
        case .sltiu where imm == 1: return "seqz\t\(xr(d.rd)),\(xr(d.rs1))"
        case .xori, .ori, .andi: return "\(name.dropLast())\t\(xr(d.rd)),\(xr(d.rs1)),\(imm)"
        case .slli, .srli, .srai, .rori: return "\(name.dropLast())\t\(xr(d.rd)),\(xr(d.rs1)),\(hex(UInt32(imm)))"
        case .sub where d.rs1 == 0: return "neg\t\(xr(d.rd)),\(xr(d.rs2))"
        case .sltu where d.rs1 == 0: return "snez\t\(xr(d.rd)),\(xr(d.rs2))"
        case .add where compressed && d.rs1 == 0: return "mv\t\(xr(d.rd)),\(xr(d.rs2))"
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
        case .csrrw, .csrrs, .csrrc, .csrrwi, .csrrsi, .csrrci: return csrInstruction(d, descriptor)
        case .fsgnj where d.rs1 == d.rs2: return "fmv.s\t\(fr(d.rd)),\(fr(d.rs1))"
        case .fsgnjn where d.rs1 == d.rs2: return "fneg.s\t\(fr(d.rd)),\(fr(d.rs1))"
        case .fsgnjx where d.rs1 == d.rs2: return "fabs.s\t\(fr(d.rd)),\(fr(d.rs1))"
        default: return nil
        }
    }

    /// Zicsr instructions with objdump's aliases (csrr, csrw, frflags, rdcycle, ...).
    static func csrInstruction(_ d: DecodedInstruction, _ descriptor: InstructionDescriptor) -> String {
        let csr = UInt32(d.imm) & 0xFFF
        let csrName = CSR.assemblerName(csr) ?? hex(csr)
        let immediate = descriptor.format == .csrImmediate
        let source = immediate ? "\(d.rs1)" : xr(d.rs1)
        let name = descriptor.name
        let base = immediate ? String(name.dropLast()) : name  // objdump drops the "i"
        let noRd = d.rd == zeroSinkRegister
        // Floating-point CSR and counter aliases, as objdump prints them.
        let fpAlias = [CSR.frm: "rm", CSR.fflags: "flags", CSR.fcsr: "csr"][csr]
        if d.operation == .csrrs && d.rs1 == 0 {
            if let fpAlias { return "fr\(fpAlias)\t\(xr(d.rd))" }
            let counters: [UInt32: String] = [CSR.cycle: "rdcycle", CSR.instret: "rdinstret", CSR.time: "rdtime",
                                              CSR.cycleh: "rdcycleh", CSR.instreth: "rdinstreth", CSR.timeh: "rdtimeh"]
            if let counter = counters[csr] { return "\(counter)\t\(xr(d.rd))" }
            return "csrr\t\(xr(d.rd)),\(csrName)"
        }
        if d.operation == .csrrw, let fpAlias {
            return noRd ? "fs\(fpAlias)\t\(source)" : "fs\(fpAlias)\t\(xr(d.rd)),\(source)"
        }
        if d.operation == .csrrwi, csr != CSR.fcsr, let fpAlias { return "fs\(fpAlias)i\t\(xr(d.rd)),\(source)" }
        if noRd {
            let short = ["csrrw": "csrw", "csrrs": "csrs", "csrrc": "csrc"][base]!
            return "\(short)\t\(csrName),\(source)"
        }
        return "\(base)\t\(xr(d.rd)),\(csrName),\(source)"
    }
}
