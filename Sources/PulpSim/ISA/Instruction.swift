// ISA: what an instruction is — its operation, its encoding, and the facts the rest of the
// simulator derives from it.
//
// Every instruction has exactly one `InstructionDescriptor`: mnemonic, mask/match encoding,
// operand format, extension, and its effects (registers read and written, memory access, FP
// flags, CSR access, cost class, fast or slow path). Each extension's file (RV32I.swift,
// RV32M.swift, ...) lists its descriptors next to its semantics; `InstructionSet` gathers them.
// The decoder, the disassembler, the trace (effects, capture), the slow path (access sizes),
// watchpoints and the timing model all read these facts; nothing keeps a list of its own.
// Compressed (RVC) encodings are `InstructionEncoding`s of extension C naming the operation
// they expand to.

/// Operations the interpreter executes (compressed instructions decode to these as well).
/// Adding one: a case here, its descriptor row and semantics in its extension's file, a test.
public enum Operation: UInt8, Sendable, CaseIterable {
    /// The raw value as a table index, read from the value's representation: the cases have no
    /// explicit raw values, so each case's tag is its raw value (OperationTests checks every
    /// case). The synthesised `rawValue` getter is not always inlined into the interpreter's
    /// larger loops.
    @inline(__always) var index: Int { Int(unsafeBitCast(self, to: UInt8.self)) }

    // Ordered as the interpreter tries the extensions (RV32I, F, M, Zba, Zbb), so that the
    // optimiser's merged jump table starts at 0; the slow-path operations and `illegal` last.
    // RV32I
    case lui, auipc, jal, jalr, beq, bne, blt, bge, bltu, bgeu
    case lb, lh, lw, lbu, lhu, sb, sh, sw
    case addi, slti, sltiu, xori, ori, andi, slli, srli, srai
    case add, sub, sll, slt, sltu, xor, srl, sra, or, and
    case fence
    // RV32F
    case flw, fsw, fmadd, fmsub, fnmsub, fnmadd
    case fadd, fsub, fmul, fdiv, fsqrt, fsgnj, fsgnjn, fsgnjx, fmin, fmax
    case fcvtWS, fcvtWUS, fmvXW, feq, flt, fle, fclass, fcvtSW, fcvtSWU, fmvWX
    // RV32M
    case mul, mulh, mulhsu, mulhu, div, divu, rem, remu
    // Zba
    case sh1add, sh2add, sh3add
    // Zbb
    case andn, orn, xnor, clz, ctz, cpop, max, maxu, min, minu, sextB, sextH, zextH, rol, ror, rori, orcB, rev8
    // Privileged and Zifencei
    case fenceI, ecall, ebreak, mret, wfi
    // Zicsr
    case csrrw, csrrs, csrrc, csrrwi, csrrsi, csrrci
    // RedMulE offload through the core's extension interface (XIF)
    case mcnfig, marith
    // Xpulp: the event-unit load
    case elw
    /// Not an instruction (or a decode-cache marker).
    case illegal
}

/// ISA extensions. Which ones a hart decodes is a platform option (`--isa`).
public enum Extension: String, Sendable, CaseIterable {
    case i = "I", m = "M", f = "F", c = "C", zicsr = "Zicsr", zifencei = "Zifencei", system = "system"
    case zba = "Zba", zbb = "Zbb", xredmule = "Xredmule"
    /// The Xpulp instructions pulpsim implements (`p.elw`), on the PULP cluster platforms.
    case xpulp = "Xpulp"
}

/// A register file an operand field names.
public enum RegisterFile: UInt8, Sendable {
    case none, x, f
}

/// The registers an encoding format's fields name: the destination (written) and the sources
/// (read). A post-increment memory access also writes `rs1` (see `MemoryAccess.Addressing`).
public struct Operands: Sendable, Equatable {
    public let rd: RegisterFile
    public let rs1: RegisterFile
    public let rs2: RegisterFile
    public let rs3: RegisterFile
    init(_ rd: RegisterFile, _ rs1: RegisterFile = .none, _ rs2: RegisterFile = .none, _ rs3: RegisterFile = .none) {
        self.rd = rd; self.rs1 = rs1; self.rs2 = rs2; self.rs3 = rs3
    }
}

/// Operand layout of an encoding: which fields hold registers and immediates (decoder), and how
/// they are written in assembly (disassembler).
public enum InstructionFormat: Sendable {
    /// rd, rs1, rs2 (integer)
    case r
    /// rd, rs1 (integer; rs2 field fixed by the encoding)
    case rUnary
    /// rd, rs1, 12-bit signed immediate (for loads and jalr: rd, imm(rs1))
    case i
    /// rd, rs1, shift amount
    case iShift
    /// rs2, imm(rs1)
    case s
    /// rs1, rs2, pc-relative target
    case b
    /// rd, upper immediate
    case u
    /// rd, pc-relative target
    case j
    /// rd, rs1, rs2, rs3 and rounding mode (fused multiply-add)
    case r4
    /// rd, csr, rs1 / rd, csr, 5-bit immediate
    case csr, csrImmediate
    /// no operands
    case none
    /// predecessor and successor sets
    case fence
    /// F-extension register classes: f ← f,f / f ← f / f ← x / x ← f,f / x ← f / f load / f store
    case fR, fR1, fRInt, fIntR, fIntR1, fLoad, fStore
    /// RedMulE offload: rs1, rs2, rs3 (R4-type) and the whole word
    case xif
    /// Compressed formats, named after the RVC encodings they read.
    case cNop, cAddi4spn, cLw, cSw, cFlw, cFsw, cAddi, cJal, cLi, cAddi16sp, cLui, cShiftImm, cAndi
    case cArith, cJ, cBranch, cSlli, cLwsp, cFlwsp, cJr, cMv, cEbreak, cJalr, cAdd, cSwsp, cFswsp

    /// The registers a (32-bit) format names. Compressed forms take those of the operation
    /// they expand to.
    public var operands: Operands {
        switch self {
        case .r: return Operands(.x, .x, .x)
        case .rUnary, .i, .iShift: return Operands(.x, .x)
        case .s: return Operands(.none, .x, .x)
        case .b: return Operands(.none, .x, .x)
        case .u, .j: return Operands(.x)
        case .r4: return Operands(.f, .f, .f, .f)
        case .csr: return Operands(.x, .x)
        case .csrImmediate: return Operands(.x)
        case .none, .fence: return Operands(.none)
        case .fR: return Operands(.f, .f, .f)
        case .fR1: return Operands(.f, .f)
        case .fRInt: return Operands(.f, .x)
        case .fIntR: return Operands(.x, .f, .f)
        case .fIntR1: return Operands(.x, .f)
        case .fLoad: return Operands(.f, .x)
        case .fStore: return Operands(.none, .x, .f)
        case .xif: return Operands(.none, .x, .x, .x)
        case .cNop, .cAddi4spn, .cLw, .cSw, .cFlw, .cFsw, .cAddi, .cJal, .cLi, .cAddi16sp, .cLui, .cShiftImm, .cAndi,
             .cArith, .cJ, .cBranch, .cSlli, .cLwsp, .cFlwsp, .cJr, .cMv, .cEbreak, .cJalr, .cAdd, .cSwsp, .cFswsp:
            return Operands(.none)
        }
    }

    /// Whether the format carries a rounding-mode field (funct3) when the encoding leaves it free.
    var hasRoundingMode: Bool {
        switch self {
        case .r4, .fR, .fR1, .fIntR1, .fRInt: return true
        default: return false
        }
    }
}

/// A load or store: what it moves and how it forms its address.
public struct MemoryAccess: Sendable, Equatable {
    public enum Kind: UInt8, Sendable { case load, store }
    public enum Addressing: UInt8, Sendable {
        /// rs1 + immediate
        case baseImmediate
        /// rs1, then rs1 += immediate (a second register write)
        case postIncrement
    }
    public let kind: Kind
    /// Bytes accessed.
    public let size: UInt8
    /// Loads: the value is sign-extended (otherwise zero-extended).
    public let signed: Bool
    public let addressing: Addressing

    public static func load(_ size: UInt8, signed: Bool = false) -> MemoryAccess {
        MemoryAccess(kind: .load, size: size, signed: signed, addressing: .baseImmediate)
    }
    public static func store(_ size: UInt8) -> MemoryAccess {
        MemoryAccess(kind: .store, size: size, signed: false, addressing: .baseImmediate)
    }

    /// The register value a load of `raw` (the accessed bytes, zero-extended) produces.
    @inline(__always) public static func extend(_ raw: UInt32, size: UInt8, signed: Bool) -> UInt32 {
        guard size < 4 else { return raw }
        let shift = UInt32(32 - 8 * Int(size))
        return signed ? UInt32(bitPattern: Int32(bitPattern: raw << shift) >> Int32(shift)) : raw & (UInt32.max >> shift)
    }
}

/// How a Zicsr instruction combines the old CSR value with its operand.
public enum CSRAccess: UInt8, Sendable {
    case write, set, clear
}

/// Timing class of an instruction: the cycles it costs beyond the first (see `extraCycles`).
public enum CostClass: UInt8, Sendable, CaseIterable {
    /// One cycle.
    case single
    /// Loads and stores: one cycle, plus one for an access crossing a word boundary (a second bus
    /// transfer: `misalignedCycles`); a load, plus its hazard cycles (`Interpreter.loadHazard`).
    case memory
    /// jal, jalr.
    case jump
    /// Conditional branches: extra cycles when taken.
    case branch
    /// mulh, mulhsu, mulhu.
    case multiplyHigh
    /// div, divu, rem, remu: their extra cycles depend on the divisor (`divideCycles`), added by
    /// their semantics; the class's own figure is 0.
    case divide
    /// fdiv.s, fsqrt.s.
    case floatDivideSqrt
    /// mret.
    case trapReturn

    /// Extra cycles (CV32E40P's user manual, docs/source/pipeline.rst, "Cycle counts per
    /// instruction type"; docs/platform.md §1, "Timing model"): jumps 2 cycles, taken branches 3,
    /// mulh* 5, mret 2 (pulpsim's choice: the table has no row for it). Branches: when taken.
    /// Operand- and neighbour-dependent cycles are added by the semantics: division
    /// (`divideCycles`), loads (`Interpreter.loadHazard`), accesses across a word boundary,
    /// jumps and taken branches to a 32-bit instruction that is not word-aligned.
    public var extraCycles: UInt8 {
        switch self {
        case .single, .memory: return 0
        case .jump: return 1
        case .branch: return 2
        case .multiplyHigh: return 4
        case .divide: return 0
        case .floatDivideSqrt: return 10
        case .trapReturn: return 1
        }
    }
}

/// Where an instruction runs: in the interpreter's loop, or handed to the machine (CSRs, system
/// instructions, coprocessor offload) one at a time.
public enum ExecutionPath: UInt8, Sendable {
    case fast, slow
}

/// An encoding the decoder matches: a descriptor's 32-bit encoding, or a compressed form (of
/// extension C) naming the operation it expands to.
public struct InstructionEncoding: Sendable {
    public let name: String
    public let mask: UInt32
    public let match: UInt32
    public let format: InstructionFormat
    public let ext: Extension
    public let operation: Operation
    public var isCompressed: Bool { ext == .c }

    init(_ name: String, _ mask: UInt32, _ match: UInt32, _ format: InstructionFormat, _ ext: Extension,
         _ operation: Operation) {
        self.name = name; self.mask = mask; self.match = match; self.format = format; self.ext = ext
        self.operation = operation
    }
}

/// Everything pulpsim knows about one instruction.
public struct InstructionDescriptor: Sendable {
    /// Mnemonic, mask/match, operand format, extension and operation.
    public let encoding: InstructionEncoding
    /// The load or store it performs, if any.
    public let memory: MemoryAccess?
    /// Whether it accumulates IEEE exception flags into `fflags`.
    public let raisesFloatFlags: Bool
    /// Zicsr: how it writes the CSR.
    public let csr: CSRAccess?
    public let cost: CostClass
    public let path: ExecutionPath

    public init(_ name: String, _ mask: UInt32, _ match: UInt32, _ format: InstructionFormat, _ ext: Extension,
                _ operation: Operation, memory: MemoryAccess? = nil, raisesFloatFlags: Bool = false,
                csr: CSRAccess? = nil, cost: CostClass = .single, path: ExecutionPath = .fast) {
        encoding = InstructionEncoding(name, mask, match, format, ext, operation)
        self.memory = memory; self.raisesFloatFlags = raisesFloatFlags
        self.csr = csr; self.cost = cost; self.path = path
    }

    public var name: String { encoding.name }
    public var mask: UInt32 { encoding.mask }
    public var match: UInt32 { encoding.match }
    public var format: InstructionFormat { encoding.format }
    public var ext: Extension { encoding.ext }
    public var operation: Operation { encoding.operation }
    public var operands: Operands { format.operands }
    /// The register file the destination field writes (`.none` for stores, branches, ...).
    public var writes: RegisterFile { format.operands.rd }
    /// Whether it writes a second register (the base of a post-increment access).
    public var writesBase: Bool { memory?.addressing == .postIncrement }
    /// The register file a store's data comes from.
    public var storeData: RegisterFile { memory?.kind == .store ? format.operands.rs2 : .none }
}

/// The instruction set: every descriptor, indexed by operation, and the encodings the decoder
/// matches.
public enum InstructionSet {
    /// Every descriptor, from the extensions' files.
    public static let descriptors: [InstructionDescriptor] =
        rv32i + system + zicsr + rv32m + rv32f + zba + zbb + xredmule + xpulp

    /// Descriptor of each operation, indexed by `Operation.rawValue` (nil only for `.illegal`).
    public static let byOperation: [InstructionDescriptor?] = {
        var table = [InstructionDescriptor?](repeating: nil, count: Operation.allCases.count)
        for d in descriptors where table[Int(d.operation.rawValue)] == nil { table[Int(d.operation.rawValue)] = d }
        return table
    }()

    /// Decoder rows: all 32-bit encodings, then the compressed forms (order matters among
    /// compressed forms sharing an encoding space: the first whose operand constraints hold wins).
    public static let encodings: [InstructionEncoding] = descriptors.map(\.encoding) + rv32c

    /// The descriptor of `operation`.
    @inline(__always) public static func descriptor(_ operation: Operation) -> InstructionDescriptor? {
        byOperation[Int(operation.rawValue)]
    }
}

/// Per operation, facts the hot paths look up (a byte per operation, no reference counting).
struct OperationTables {
    /// Extra cycles (`CostClass.extraCycles`).
    let cost: UnsafeMutablePointer<UInt8>
    /// Trace traits (`TraceTraits`).
    let trace: UnsafeMutablePointer<UInt8>
    /// Where a captured instruction's traced value comes from, as an index into the 65-word
    /// register block (x0-x31, the x0 sink, f0-f31): bit 0 selects rs2 instead of rd, bit 1
    /// adds 33 (the f file).
    let capturedValue: UnsafeMutablePointer<UInt8>
    /// 1 for operations executed by the slow path (`ExecutionPath.slow`).
    let slowPath: UnsafeMutablePointer<UInt8>
    /// What the performance counters count of it (`EventTraits`: kind, memory access, cost class).
    let events: UnsafeMutablePointer<UInt8>
    /// Loads: the file of the loaded register, 1 x or 2 f (`Interpreter.loadHazard`); 0 otherwise.
    let loadDestination: UnsafeMutablePointer<UInt8>
    /// 1 for the operations that write an x register through the ALU port (all but loads and
    /// jumps): a `jalr` right after one, through that register, waits a cycle (`Execution.jalrWaits`).
    let writeHazard: UnsafeMutablePointer<UInt8>
    /// Non-zero for the operations a block ends with (`Interpreter.formBlock`): 2 for jumps and
    /// branches (they set pc and go on to the next block themselves), 1 for the slow path's and
    /// `illegal` (markers included; they leave the loop).
    let endsBlock: UnsafeMutablePointer<UInt8>

    init() {
        endsBlock = .allocate(capacity: 256)
        endsBlock.initialize(repeating: 0, count: 256)
        endsBlock[Int(Operation.illegal.rawValue)] = 1
        loadDestination = .allocate(capacity: 256)
        loadDestination.initialize(repeating: 0, count: 256)
        writeHazard = .allocate(capacity: 256)
        writeHazard.initialize(repeating: 0, count: 256)
        slowPath = .allocate(capacity: 256)
        slowPath.initialize(repeating: 0, count: 256)
        events = .allocate(capacity: 256)
        events.initialize(repeating: 0, count: 256)
        cost = .allocate(capacity: 256)
        trace = .allocate(capacity: 256)
        capturedValue = .allocate(capacity: 256)
        cost.initialize(repeating: 0, count: 256)
        trace.initialize(repeating: 0, count: 256)
        capturedValue.initialize(repeating: 0, count: 256)
        for d in InstructionSet.descriptors {
            let op = Int(d.operation.rawValue)
            cost[op] = d.cost.extraCycles
            slowPath[op] = d.path == .slow ? 1 : 0
            if d.path == .slow { endsBlock[op] = 1 }
            if d.cost == .jump || d.cost == .branch { endsBlock[op] = 2 }
            events[op] = EventTraits.of(d)
            if d.memory?.kind == .load { loadDestination[op] = d.writes == .f ? 2 : 1 }
            if d.writes == .x && d.memory == nil && d.cost != .jump { writeHazard[op] = 1 }
            var t: UInt8 = 0
            if let m = d.memory {
                t |= m.size
                if m.kind == .store { t |= TraceTraits.store }
            }
            if d.writes == .x { t |= TraceTraits.writesX }
            if d.writes == .f { t |= TraceTraits.writesF }
            if d.raisesFloatFlags { t |= TraceTraits.fflags }
            if d.writesBase { t |= TraceTraits.writesBase }
            trace[op] = t
            if d.memory?.kind == .store {
                capturedValue[op] = 1 | (d.storeData == .f ? 2 : 0)
            } else if d.writes == .f {
                capturedValue[op] = 2
            }
        }
    }

    func free() {
        cost.deallocate()
        trace.deallocate()
        capturedValue.deallocate()
        slowPath.deallocate()
        events.deallocate()
        loadDestination.deallocate()
        writeHazard.deallocate()
        endsBlock.deallocate()
    }
}

/// Bits of the per-operation trace table.
enum TraceTraits {
    /// Access size in bytes (0: no memory access).
    static let sizeMask: UInt8 = 0x07
    static let store: UInt8 = 0x08
    static let writesX: UInt8 = 0x10
    static let writesF: UInt8 = 0x20
    static let fflags: UInt8 = 0x40
    /// A second register write (the base of a post-increment access): traced by the general
    /// formatter, which lists any number of effects.
    static let writesBase: UInt8 = 0x80
}
