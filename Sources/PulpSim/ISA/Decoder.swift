// ISA: decoding of 32-bit and compressed instruction words into `DecodedInstruction`s.
//
// Decoding reads `InstructionSet.encodings` once per instruction address (results are cached by
// the interpreter), skipping the extensions the hart does not implement. Integer destination x0
// is redirected to a sink register (index 32) so that the execute loop never has to test for it.

/// Index of the write-only sink that stands in for x0 as a destination.
public let zeroSinkRegister: UInt8 = 32

/// A decoded instruction: operation plus operand fields, 16 bytes, cached per address.
public struct DecodedInstruction: Sendable, Equatable {
    /// The address this entry was decoded for (cache tag); odd values mark an empty entry, and so
    /// does 0 in every slot but the one of pc 0 (the decode cache starts zeroed).
    public var tag: UInt32
    /// Immediate (sign-extended), CSR number, or the raw word for `illegal`/`marith`.
    public var imm: Int32
    public var operation: Operation
    public var rd: UInt8
    public var rs1: UInt8
    public var rs2: UInt8
    public var rs3: UInt8
    /// Rounding-mode field of F instructions (7 = dynamic).
    public var rm: UInt8
    /// 2 or 4 bytes.
    public var length: UInt8
    /// Index into `InstructionSet.encodings` of the row that matched (for disassembly and
    /// traces), or a marker (`empty`, breakpoints and trace start points).
    public var specIndex: UInt8

    public static let empty = DecodedInstruction(tag: 1, imm: 0, operation: .illegal, rd: 0, rs1: 0, rs2: 0,
                                                 rs3: 0, rm: 0, length: 4, specIndex: 0xFF)

    /// The encoding that matched, or nil for an illegal instruction (or a marker).
    public var encoding: InstructionEncoding? {
        Int(specIndex) < InstructionSet.encodings.count ? InstructionSet.encodings[Int(specIndex)] : nil
    }
    /// The descriptor of the operation, or nil for an illegal instruction.
    public var descriptor: InstructionDescriptor? { InstructionSet.descriptor(operation) }
}

@inline(__always) private func bits(_ x: UInt32, _ hi: UInt32, _ lo: UInt32) -> UInt32 {
    (x >> lo) & ((UInt32(1) << (hi - lo + 1)) - 1)
}

@inline(__always) private func signExtend(_ x: UInt32, _ width: UInt32) -> Int32 {
    Int32(bitPattern: x << (32 - width)) >> Int32(32 - width)
}

/// A set of ISA extensions (which encodings a hart decodes).
public struct ExtensionSet: Sendable, Equatable, CustomStringConvertible {
    public private(set) var bits: UInt32
    public init(_ extensions: [Extension]) {
        bits = 0
        for e in extensions { insert(e) }
    }
    static func bit(_ e: Extension) -> UInt32 { 1 << UInt32(Extension.allCases.firstIndex(of: e)!) }
    public func contains(_ e: Extension) -> Bool { bits & ExtensionSet.bit(e) != 0 }
    public mutating func insert(_ e: Extension) { bits |= ExtensionSet.bit(e) }
    public func inserting(_ e: Extension) -> ExtensionSet { var s = self; s.insert(e); return s }

    /// What every pulpsim hart implements: RV32IMFC, Zicsr, Zifencei and the machine-mode
    /// instructions (docs/platform.md §1). Platforms add theirs: `p.elw` on pulp-cluster, the
    /// RedMulE offload instructions (XIF) on redmule-tb.
    public static let standard = ExtensionSet([.i, .m, .f, .c, .zicsr, .zifencei, .system])
    /// Every extension pulpsim knows (the disassembler's view).
    public static let all = ExtensionSet(Extension.allCases)

    /// Parses an ISA string such as "rv32imfc", "rv32imfc_zba_zbb" or "rv32imfc_zicsr_zifencei".
    /// Base letters must include i, m, f and c (pulpsim's harts always have them); the optional
    /// multi-letter extensions are Zba, Zbb and Xredmule (the RedMulE offload instructions on
    /// platforms whose cores do not have them by default).
    public init?(parsing text: String) {
        let parts = text.lowercased().split(separator: "_").map(String.init)
        guard let base = parts.first, base.hasPrefix("rv32") else { return nil }
        self = .standard
        let letters = Set(base.dropFirst(4))
        guard letters.isSubset(of: ["i", "m", "f", "c"]), letters.isSuperset(of: ["i", "m", "f", "c"]) else { return nil }
        for part in parts.dropFirst() {
            switch part {
            case "zba": insert(.zba)
            case "zbb": insert(.zbb)
            case "xredmule": insert(.xredmule)
            case "zicsr", "zifencei": break
            default: return nil
            }
        }
    }

    public var description: String {
        "rv32imfc_zicsr_zifencei" + (contains(.zba) ? "_zba" : "") + (contains(.zbb) ? "_zbb" : "")
            + (contains(.xredmule) ? "_xredmule" : "") + (contains(.xpulp) ? "_xpulp(p.elw)" : "")
    }
}

/// Decodes instruction words using the instruction set's encodings.
public enum Decoder {
    /// Indices of 32-bit encodings, grouped by major opcode (bits 6:0) for a quick scan.
    private static let rowsByOpcode: [[UInt8]] = {
        var rows = [[UInt8]](repeating: [], count: 128)
        for (index, encoding) in InstructionSet.encodings.enumerated() where !encoding.isCompressed {
            rows[Int(encoding.match & 0x7f)].append(UInt8(index))
        }
        return rows
    }()

    private static let compressedRows: [UInt8] = InstructionSet.encodings.indices.filter {
        InstructionSet.encodings[$0].isCompressed
    }.map { UInt8($0) }

    /// True if a word whose low 16 bits are `low` is a 32-bit instruction.
    @inline(__always) public static func isFullLength(_ low: UInt32) -> Bool { low & 3 == 3 }

    /// Decodes one instruction. `word` holds 32 bits, or 16 in its low half for a compressed one.
    /// Encodings of extensions outside `extensions` decode as illegal.
    public static func decode(_ word: UInt32, at pc: UInt32, extensions: ExtensionSet = .all) -> DecodedInstruction {
        let table = InstructionSet.encodings
        if isFullLength(word) {
            for index in rowsByOpcode[Int(word & 0x7f)] {
                let encoding = table[Int(index)]
                if word & encoding.mask == encoding.match, extensions.contains(encoding.ext),
                   let d = decodeFull(word, encoding, index, pc) { return d }
            }
            return illegal(word, length: 4, pc: pc)
        }
        let half = word & 0xFFFF
        guard extensions.contains(.c) else { return illegal(half, length: 2, pc: pc) }
        for index in compressedRows {
            let encoding = table[Int(index)]
            if half & encoding.mask == encoding.match, let d = decodeCompressed(half, encoding, index, pc) { return d }
        }
        return illegal(half, length: 2, pc: pc)
    }

    private static func illegal(_ word: UInt32, length: UInt8, pc: UInt32) -> DecodedInstruction {
        var d = DecodedInstruction.empty
        d.tag = pc
        d.imm = Int32(bitPattern: word)
        d.length = length
        return d
    }

    private static func make(_ op: Operation, _ index: UInt8, pc: UInt32, length: UInt8, rd: UInt32 = 0,
                             rs1: UInt32 = 0, rs2: UInt32 = 0, rs3: UInt32 = 0, rm: UInt32 = 0,
                             imm: Int32 = 0, integerDestination: Bool = true) -> DecodedInstruction {
        let destination: UInt8 = (integerDestination && rd == 0) ? zeroSinkRegister : UInt8(rd)
        return DecodedInstruction(tag: pc, imm: imm, operation: op, rd: destination, rs1: UInt8(rs1),
                                  rs2: UInt8(rs2), rs3: UInt8(rs3), rm: UInt8(rm), length: length,
                                  specIndex: index)
    }

    private static func decodeFull(_ w: UInt32, _ spec: InstructionEncoding, _ index: UInt8,
                                   _ pc: UInt32) -> DecodedInstruction? {
        let rd = bits(w, 11, 7), rs1 = bits(w, 19, 15), rs2 = bits(w, 24, 20), rs3 = bits(w, 31, 27)
        let rm = bits(w, 14, 12)
        let op = spec.operation
        func d(rd: UInt32 = rd, rs1: UInt32 = rs1, rs2: UInt32 = rs2, rs3: UInt32 = 0, rm: UInt32 = 0,
               imm: Int32 = 0, intRd: Bool = true) -> DecodedInstruction {
            make(op, index, pc: pc, length: 4, rd: rd, rs1: rs1, rs2: rs2, rs3: rs3, rm: rm, imm: imm,
                 integerDestination: intRd)
        }
        // Static rounding modes 5 and 6 are reserved.
        let roundingOK = rm != 5 && rm != 6
        switch spec.format {
        case .r: return d()
        case .rUnary: return d(rs2: 0)
        case .i, .fLoad:
            return d(imm: signExtend(bits(w, 31, 20), 12), intRd: spec.format == .i)
        case .iShift: return d(imm: Int32(bits(w, 24, 20)))
        case .s, .fStore:
            return d(rd: 0, imm: signExtend(bits(w, 31, 25) << 5 | bits(w, 11, 7), 12), intRd: false)
        case .b:
            let imm = bits(w, 31, 31) << 12 | bits(w, 7, 7) << 11 | bits(w, 30, 25) << 5 | bits(w, 11, 8) << 1
            return d(rd: 0, imm: signExtend(imm, 13), intRd: false)
        case .u: return d(imm: Int32(bitPattern: w & 0xFFFF_F000))
        case .j:
            let imm = bits(w, 31, 31) << 20 | bits(w, 19, 12) << 12 | bits(w, 20, 20) << 11 | bits(w, 30, 21) << 1
            return d(imm: signExtend(imm, 21))
        case .csr, .csrImmediate: return d(imm: Int32(bits(w, 31, 20)))
        case .none: return d(rd: 0, rs1: 0, rs2: 0, intRd: false)
        case .fence: return d(rd: 0, rs1: 0, rs2: 0, imm: Int32(bits(w, 31, 20)), intRd: false)
        case .r4: return roundingOK ? d(rs3: rs3, rm: rm, intRd: false) : nil
        case .fR:
            // fsgnj/fmin/fmax encode the operation in funct3 (mask covers it); others take rm.
            if spec.mask & 0x7000 != 0 { return d(intRd: false) }
            return roundingOK ? d(rm: rm, intRd: false) : nil
        case .fR1: return roundingOK ? d(rm: rm, intRd: false) : nil
        case .fIntR: return d()
        case .fIntR1: return (spec.mask & 0x7000 != 0 || roundingOK) ? d(rm: rm) : nil
        case .fRInt: return (spec.mask & 0x7000 != 0 || roundingOK) ? d(rm: rm, intRd: false) : nil
        case .xif: return d(rd: 0, rs3: rs3, imm: Int32(bitPattern: w), intRd: false)
        default: return nil
        }
    }

    private static func decodeCompressed(_ h: UInt32, _ spec: InstructionEncoding, _ index: UInt8,
                                         _ pc: UInt32) -> DecodedInstruction? {
        let op = spec.operation
        let rdFull = bits(h, 11, 7), rs2Full = bits(h, 6, 2)
        let rdPrime = bits(h, 4, 2) + 8, rs1Prime = bits(h, 9, 7) + 8
        func d(rd: UInt32 = 0, rs1: UInt32 = 0, rs2: UInt32 = 0, imm: Int32 = 0, intRd: Bool = true) -> DecodedInstruction {
            make(op, index, pc: pc, length: 2, rd: rd, rs1: rs1, rs2: rs2, imm: imm, integerDestination: intRd)
        }
        let ciImm = signExtend(bits(h, 12, 12) << 5 | bits(h, 6, 2), 6)
        switch spec.format {
        case .cAddi4spn:
            let imm = bits(h, 10, 7) << 6 | bits(h, 12, 11) << 4 | bits(h, 5, 5) << 3 | bits(h, 6, 6) << 2
            return imm == 0 ? nil : d(rd: rdPrime, rs1: 2, imm: Int32(imm))
        case .cLw, .cFlw:
            let imm = bits(h, 5, 5) << 6 | bits(h, 12, 10) << 3 | bits(h, 6, 6) << 2
            return d(rd: rdPrime, rs1: rs1Prime, imm: Int32(imm), intRd: spec.format == .cLw)
        case .cSw, .cFsw:
            let imm = bits(h, 5, 5) << 6 | bits(h, 12, 10) << 3 | bits(h, 6, 6) << 2
            return d(rs1: rs1Prime, rs2: rdPrime, imm: Int32(imm), intRd: false)
        case .cNop: return d(rd: 0, rs1: 0, imm: 0)
        case .cAddi: return d(rd: rdFull, rs1: rdFull, imm: ciImm)
        case .cLi: return d(rd: rdFull, rs1: 0, imm: ciImm)
        case .cJal, .cJ:
            let imm = bits(h, 12, 12) << 11 | bits(h, 8, 8) << 10 | bits(h, 10, 9) << 8 | bits(h, 6, 6) << 7
                | bits(h, 7, 7) << 6 | bits(h, 2, 2) << 5 | bits(h, 11, 11) << 4 | bits(h, 5, 3) << 1
            return d(rd: spec.format == .cJal ? 1 : 0, imm: signExtend(imm, 12))
        case .cAddi16sp:
            let imm = bits(h, 12, 12) << 9 | bits(h, 4, 3) << 7 | bits(h, 5, 5) << 6 | bits(h, 2, 2) << 5
                | bits(h, 6, 6) << 4
            return imm == 0 ? nil : d(rd: 2, rs1: 2, imm: signExtend(imm, 10))
        case .cLui:
            if rdFull == 2 { return nil }
            let imm = signExtend(bits(h, 12, 12) << 17 | bits(h, 6, 2) << 12, 18)
            return imm == 0 ? nil : d(rd: rdFull, imm: imm)
        case .cShiftImm:
            return bits(h, 12, 12) != 0 ? nil : d(rd: rs1Prime, rs1: rs1Prime, imm: Int32(bits(h, 6, 2)))
        case .cAndi: return d(rd: rs1Prime, rs1: rs1Prime, imm: ciImm)
        case .cArith: return d(rd: rs1Prime, rs1: rs1Prime, rs2: rdPrime)
        case .cBranch:
            let imm = bits(h, 12, 12) << 8 | bits(h, 6, 5) << 6 | bits(h, 2, 2) << 5 | bits(h, 11, 10) << 3
                | bits(h, 4, 3) << 1
            return d(rs1: rs1Prime, rs2: 0, imm: signExtend(imm, 9), intRd: false)
        case .cSlli:
            return bits(h, 12, 12) != 0 ? nil : d(rd: rdFull, rs1: rdFull, imm: Int32(bits(h, 6, 2)))
        case .cLwsp, .cFlwsp:
            if spec.format == .cLwsp && rdFull == 0 { return nil }
            let imm = bits(h, 3, 2) << 6 | bits(h, 12, 12) << 5 | bits(h, 6, 4) << 2
            return d(rd: rdFull, rs1: 2, imm: Int32(imm), intRd: spec.format == .cLwsp)
        case .cJr: return rdFull == 0 ? nil : d(rd: 0, rs1: rdFull, imm: 0)
        case .cMv: return rs2Full == 0 ? nil : d(rd: rdFull, rs1: 0, rs2: rs2Full)
        case .cEbreak: return d(intRd: false)
        case .cJalr: return rdFull == 0 ? nil : d(rd: 1, rs1: rdFull, imm: 0)
        case .cAdd: return rs2Full == 0 ? nil : d(rd: rdFull, rs1: rdFull, rs2: rs2Full)
        case .cSwsp, .cFswsp:
            let imm = bits(h, 8, 7) << 6 | bits(h, 12, 9) << 2
            return d(rs1: 2, rs2: rs2Full, imm: Int32(imm), intRd: false)
        default: return nil
        }
    }
}
