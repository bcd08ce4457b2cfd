// What the program-running targets (`devices`, `instructions`) share: reading an input as a
// stream of choices, encoding RV32 instructions, where each platform gets its code and data, a
// machine set up without a compiled firmware, and the oracle on a run (a documented end, the
// same outcome on a second machine).

import Foundation
import PulpSim

// MARK: Input

/// The fuzz input read front to back; past its end every read gives 0.
public struct FuzzReader {
    public let bytes: [UInt8]
    public private(set) var position = 0
    public init(_ bytes: [UInt8]) { self.bytes = bytes }
    public var atEnd: Bool { position >= bytes.count }
    public var remaining: Int { max(0, bytes.count - position) }
    public mutating func byte() -> UInt8 {
        defer { position += 1 }
        return position < bytes.count ? bytes[position] : 0
    }
    public mutating func u16() -> UInt16 { UInt16(byte()) | UInt16(byte()) << 8 }
    public mutating func u32() -> UInt32 { UInt32(u16()) | UInt32(u16()) << 16 }
    /// One of `choices`, chosen by the next byte.
    public mutating func pick<T>(_ choices: [T]) -> T { choices[Int(byte()) % choices.count] }
    /// The bytes not read yet.
    public mutating func rest() -> [UInt8] {
        defer { position = bytes.count }
        return position < bytes.count ? Array(bytes[position...]) : []
    }
}

// MARK: Instructions

/// RV32 instruction encodings (only what the generated programs use).
public enum RV {
    public static let zero: UInt32 = 0, ra: UInt32 = 1, sp: UInt32 = 2, t0: UInt32 = 5, t1: UInt32 = 6, t2: UInt32 = 7
    public static let a0: UInt32 = 10, a1: UInt32 = 11, a2: UInt32 = 12, t3: UInt32 = 28, t4: UInt32 = 29, t5: UInt32 = 30
    public static let t6: UInt32 = 31

    public static let mstatus: UInt32 = 0x300, mie: UInt32 = 0x304, mtvec: UInt32 = 0x305, mscratch: UInt32 = 0x340
    public static let mepc: UInt32 = 0x341, mcause: UInt32 = 0x342, mip: UInt32 = 0x344

    static func iType(_ imm: Int32, _ rs1: UInt32, _ funct3: UInt32, _ rd: UInt32, _ opcode: UInt32) -> UInt32 {
        UInt32(bitPattern: imm << 20) | rs1 << 15 | funct3 << 12 | rd << 7 | opcode
    }
    public static func lui(_ rd: UInt32, _ upper: UInt32) -> UInt32 { (upper & 0xFFFFF) << 12 | rd << 7 | 0x37 }
    public static func addi(_ rd: UInt32, _ rs1: UInt32, _ imm: Int32) -> UInt32 { iType(imm, rs1, 0, rd, 0x13) }
    public static func andi(_ rd: UInt32, _ rs1: UInt32, _ imm: Int32) -> UInt32 { iType(imm, rs1, 7, rd, 0x13) }
    /// `li rd, value` as lui + addi (always two instructions).
    public static func li(_ rd: UInt32, _ value: UInt32) -> [UInt32] {
        let low = Int32(bitPattern: value << 20) >> 20
        return [lui(rd, (value &- UInt32(bitPattern: low)) >> 12), addi(rd, rd, low)]
    }
    /// Loads: size 1, 2 or 4 bytes, zero-extended when `unsigned`; offset 0.
    public static func load(size: Int, unsigned: Bool, _ rd: UInt32, _ rs1: UInt32) -> UInt32 {
        let funct3: UInt32 = size == 1 ? 0 : size == 2 ? 1 : 2
        return iType(0, rs1, funct3 | (unsigned && size < 4 ? 4 : 0), rd, 0x03)
    }
    /// Stores of `size` bytes of rs2 at rs1 + 0.
    public static func store(size: Int, _ rs2: UInt32, _ rs1: UInt32) -> UInt32 {
        let funct3: UInt32 = size == 1 ? 0 : size == 2 ? 1 : 2
        return rs2 << 20 | rs1 << 15 | funct3 << 12 | 0x23
    }
    public static func csrrw(_ rd: UInt32, _ csr: UInt32, _ rs1: UInt32) -> UInt32 { csr << 20 | rs1 << 15 | 1 << 12 | rd << 7 | 0x73 }
    public static func csrrs(_ rd: UInt32, _ csr: UInt32, _ rs1: UInt32) -> UInt32 { csr << 20 | rs1 << 15 | 2 << 12 | rd << 7 | 0x73 }
    public static func csrrc(_ rd: UInt32, _ csr: UInt32, _ rs1: UInt32) -> UInt32 { csr << 20 | rs1 << 15 | 3 << 12 | rd << 7 | 0x73 }
    public static func csrw(_ csr: UInt32, _ rs1: UInt32) -> UInt32 { csrrw(zero, csr, rs1) }
    public static func csrr(_ rd: UInt32, _ csr: UInt32) -> UInt32 { csrrs(rd, csr, zero) }
    public static func csrsi(_ csr: UInt32, _ uimm: UInt32) -> UInt32 { csr << 20 | (uimm & 31) << 15 | 6 << 12 | 0x73 }
    public static func csrci(_ csr: UInt32, _ uimm: UInt32) -> UInt32 { csr << 20 | (uimm & 31) << 15 | 7 << 12 | 0x73 }
    public static let mret: UInt32 = 0x3020_0073, wfi: UInt32 = 0x1050_0073, ecall: UInt32 = 0x0000_0073
    public static let ebreak: UInt32 = 0x0010_0073, nop: UInt32 = 0x0000_0013
    /// `jal rd, offset` (offset in bytes, even, ±1 MiB).
    public static func jal(_ rd: UInt32, _ offset: Int32) -> UInt32 {
        let o = UInt32(bitPattern: offset)
        return (o >> 20 & 1) << 31 | (o >> 1 & 0x3FF) << 21 | (o >> 11 & 1) << 20 | (o >> 12 & 0xFF) << 12 | rd << 7 | 0x6F
    }
    /// Conditional branches (offset in bytes, even, ±4 KiB): funct3 0 beq, 1 bne, 4 blt, 5 bge.
    public static func branch(_ funct3: UInt32, _ rs1: UInt32, _ rs2: UInt32, _ offset: Int32) -> UInt32 {
        let o = UInt32(bitPattern: offset)
        return (o >> 12 & 1) << 31 | (o >> 5 & 0x3F) << 25 | rs2 << 20 | rs1 << 15 | funct3 << 12
            | (o >> 1 & 0xF) << 8 | (o >> 11 & 1) << 7 | 0x63
    }
    /// RedMulE XIF `mcnfig` (custom-0): rs1 → MCFG0, rs2 → MCFG1.
    public static func mcnfig(_ rs1: UInt32, _ rs2: UInt32) -> UInt32 { rs2 << 20 | rs1 << 15 | 0x0B }
    /// RedMulE XIF `marith` (custom-1, R4): rs1 → X, rs2 → W, rs3 → Z; `arith` supplies bits
    /// 12:7 of the word (op in 12:10, format in 8:7), which also form rd and funct3.
    public static func marith(_ rs1: UInt32, _ rs2: UInt32, _ rs3: UInt32, arith: UInt32) -> UInt32 {
        rs3 << 27 | rs2 << 20 | rs1 << 15 | (arith & 0x1F80) | 0x2B
    }
}

/// A little assembler: words, labels and branches resolved when the program is finished.
public struct Assembler {
    public private(set) var words: [UInt32] = []
    private var labels: [String: Int] = [:]
    private var fixups: [(at: Int, label: String, make: (Int32) -> UInt32)] = []
    public init() {}
    public var count: Int { words.count }
    public mutating func emit(_ word: UInt32) { words.append(word) }
    public mutating func emit(_ list: [UInt32]) { words += list }
    public mutating func label(_ name: String) { labels[name] = words.count }
    /// A branch or jump to `label`: `make` encodes it for a byte offset.
    public mutating func jump(to label: String, _ make: @escaping (Int32) -> UInt32) {
        fixups.append((words.count, label, make))
        words.append(0)
    }
    /// The words with every branch resolved.
    public func finished() -> [UInt32] {
        var out = words
        for f in fixups {
            guard let target = labels[f.label] else { fatalError("no label \(f.label)") }
            out[f.at] = f.make(Int32(4 * (target - f.at)))
        }
        return out
    }
}

public extension Array where Element == UInt32 {
    /// Little-endian bytes of the words.
    var littleEndianBytes: [UInt8] { flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8 & 0xFF), UInt8($0 >> 16 & 0xFF), UInt8($0 >> 24)] } }
}

// MARK: Platforms

/// Where a generated program lives on a platform: one 4 KiB code slot per hart, a trap handler,
/// the HTIF words (every platform's ELF declares `tohost`, §6) and a data area in RAM that
/// RedMulE reaches (the TCDM on pulp-cluster).
public struct ProgramLayout {
    public let platform: PlatformKind
    /// Code of hart i at `code + i·codeSlot`.
    public let code: UInt32
    public static let codeSlot: UInt32 = 0x1000
    public let handler: UInt32
    public let tohost: UInt32
    public var fromhost: UInt32 { tohost + 8 }
    /// An HTIF syscall block (write(1, "fuzz\n", 5)) next to `tohost`.
    public var syscallBlock: UInt32 { tohost + 0x40 }
    /// A data area that every hart may read and write (and RedMulE, where there is one).
    public let data: UInt32
    public static let dataSize: UInt32 = 0x1000
    /// The other views of the data area's memory (the TCDM alias, the test-and-set views).
    public let dataViews: [UInt32]
    /// The ELF that declares `tohost`/`fromhost` (loaded first; the programs are written after).
    public let image: ElfImage

    public static func of(_ platform: PlatformKind) -> ProgramLayout {
        switch platform {
        case .pulpCluster: return pulpCluster
        case .pulp: return pulp
        case .spike: return spike
        case .redmuleTB: return redmuleTB
        }
    }

    init(_ platform: PlatformKind, memory: UInt32, data: UInt32, dataViews: [UInt32]) {
        self.platform = platform
        code = memory
        handler = memory + 0xE000
        tohost = memory + 0xF000
        self.data = data
        self.dataViews = dataViews
        image = minimalELF(code: memory, tohost: tohost)
    }

    static let pulpCluster = ProgramLayout(.pulpCluster, memory: 0x1C00_0000, data: 0x1000_0000,
                                           dataViews: [0x0000_0000, 0x1010_0000, 0x0010_0000])
    static let pulp = ProgramLayout(.pulp, memory: 0x1C00_0000, data: 0x1000_0000, dataViews: [0x0000_0000, 0x1010_0000, 0x0010_0000])
    static let spike = ProgramLayout(.spike, memory: 0x8000_0000, data: 0x8001_0000, dataViews: [])
    static let redmuleTB = ProgramLayout(.redmuleTB, memory: 0x1C00_0000, data: 0x1C01_0000, dataViews: [])

    /// The instructions that end the run with exit code `code` the platform's way: CORESTATUS
    /// (pulp-cluster), HTIF `tohost` (spike), the testbench error count and `wfi` (redmule-tb).
    public func exitSequence(code exitCode: UInt8) -> [UInt32] {
        switch platform {
        case .pulpCluster, .pulp:
            return RV.li(RV.t0, 0x1A10_40A0) + RV.li(RV.t1, 0x8000_0000 | UInt32(exitCode))
                + [RV.store(size: 4, RV.t1, RV.t0)]
        case .spike:
            return RV.li(RV.t0, tohost) + RV.li(RV.t1, UInt32(exitCode) << 1 | 1)
                + [RV.store(size: 4, RV.t1, RV.t0), RV.addi(RV.t0, RV.t0, 4), RV.store(size: 4, RV.zero, RV.t0)]
        case .redmuleTB:
            return RV.li(RV.t0, 0x8000_0000) + RV.li(RV.t1, UInt32(exitCode)) + [RV.store(size: 4, RV.t1, RV.t0), RV.wfi]
        }
    }

    /// Sizes that keep a fresh machine cheap: a 64 KiB L2, a 128 KiB TCDM and spike RAM.
    public func options(harts: Int, instructions: UInt64, cycles: UInt64) -> MachineOptions {
        var options = MachineOptions.quiet(platform, instructions: instructions)
        options.maxCycles = cycles
        options.platform.harts = min(max(harts, 1), platform == .redmuleTB ? 1 : 8)
        options.platform.l2Size = 64 << 10
        options.platform.ramSize = 128 << 10
        options.platform.tcdmSize = 128 << 10
        // The RedMulE offload instructions too (an option on pulp-cluster, docs/platform.md §7.7).
        options.platform.extensions.insert(.xredmule)
        return options
    }

    /// A machine with the layout's ELF loaded (HTIF), `program` written (address, bytes) and each
    /// hart reset to its pc (on `pulp` the cluster cores too: they run from the start, and
    /// FETCH_EN writes find them started).
    public func machine(_ options: MachineOptions, program: [(UInt32, [UInt8])], pcs: [UInt32]) -> Machine {
        let machine: Machine
        do {
            machine = try Machine(options: options)
            try machine.load(image)
        } catch {
            oracleFailure("cannot set up a \(platform.rawValue) machine: \(error)")
        }
        // The syscall block for HTIF: write(1, buffer, 5) with "fuzz\n" after it.
        var block = [UInt8](repeating: 0, count: 0x48)
        func put64(_ at: Int, _ v: UInt32) { for i in 0..<4 { block[at + i] = UInt8(v >> (8 * UInt32(i)) & 0xFF) } }
        put64(0, 64); put64(8, 1); put64(16, syscallBlock + 0x40); put64(24, 5)
        block.replaceSubrange(0x40..<0x45, with: Array("fuzz\n".utf8))
        guard machine.writeMemory(syscallBlock, block) else { oracleFailure("syscall block not in RAM") }
        for (address, bytes) in program where !bytes.isEmpty {
            guard machine.writeMemory(address, bytes) else {
                oracleFailure(String(format: "program bytes at 0x%08x (%d) not in RAM", address, bytes.count))
            }
        }
        for (i, hart) in machine.harts.enumerated() { hart.reset(pc: pcs[min(i, pcs.count - 1)]) }
        return machine
    }
}

/// An ELF32 RISC-V executable with one 4-byte segment at `code` and the symbols `tohost` and
/// `fromhost` (8 bytes each) at `tohost`, as `make_seeds.py`'s `make_elf` writes them.
func minimalELF(code: UInt32, tohost: UInt32) -> ElfImage {
    var out: [UInt8] = []
    func u16(_ v: Int) { out += [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
    func u32(_ v: UInt32) { out += [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24)] }
    let body = [UInt32(0x0000_0013)].littleEndianBytes
    let strtab = Array("\0tohost\0fromhost\0".utf8)
    let shstrtab = Array("\0.text\0.symtab\0.strtab\0.shstrtab\0".utf8)
    let segmentOffset: UInt32 = 96
    let symtabOffset = segmentOffset + 16
    var symtab = [UInt8](repeating: 0, count: 16)
    for (name, value) in [(1, tohost), (8, tohost + 8)] {
        let saved = out
        out = []
        u32(UInt32(name)); u32(value); u32(8); out += [1 << 4 | 1, 0]; u16(1)
        symtab += out
        out = saved
    }
    let strtabOffset = symtabOffset + UInt32(symtab.count)
    let shstrOffset = strtabOffset + UInt32(strtab.count)
    let shoff = (shstrOffset + UInt32(shstrtab.count) + 3) & ~3
    // ELF header.
    out += [0x7F, 0x45, 0x4C, 0x46, 1, 1, 1] + [UInt8](repeating: 0, count: 9)
    u16(2); u16(243); u32(1); u32(code); u32(52); u32(shoff); u32(3); u16(52); u16(32); u16(1); u16(40); u16(5); u16(4)
    // One PT_LOAD segment (read, execute).
    u32(1); u32(segmentOffset); u32(code); u32(code); u32(4); u32(4); u32(5); u32(4)
    out += [UInt8](repeating: 0, count: Int(segmentOffset) - out.count)
    out += body + [UInt8](repeating: 0, count: 12)
    out += symtab + strtab + shstrtab
    out += [UInt8](repeating: 0, count: Int(shoff) - out.count)
    // Section headers: null, .text, .symtab, .strtab, .shstrtab.
    let sections: [[UInt32]] = [
        [0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
        [1, 1, 6, code, segmentOffset, 4, 0, 0, 4, 0],
        [7, 2, 0, 0, symtabOffset, UInt32(symtab.count), 3, 1, 4, 16],
        [15, 3, 0, 0, strtabOffset, UInt32(strtab.count), 0, 0, 1, 0],
        [23, 3, 0, 0, shstrOffset, UInt32(shstrtab.count), 0, 0, 1, 0],
    ]
    for s in sections { for v in s { u32(v) } }
    do { return try ElfImage(bytes: out, path: "fuzz-program.elf") } catch {
        fatalError("the fuzz programs' ELF does not parse: \(error)")
    }
}

// MARK: The oracle

/// Everything about a run that must not change between two runs of the same input (and between
/// a traced and an untraced run): why it ended, the exit status, each hart's counts, pc and
/// state, the output and the device diagnostics.
public struct RunOutcome: Equatable, CustomStringConvertible {
    public let reason: String
    public let status: Int32
    public let harts: [String]
    public let output: String
    public let redmule: String
    public let dma: String

    /// `outputBefore`: what was printed before the run started (a run restored from a snapshot).
    public init(_ result: RunResult, outputBefore: String = "") {
        reason = String(describing: result.reason)
        status = result.exitStatus
        harts = result.harts.map { h in
            String(format: "hart %d: %llu instructions, %llu cycles, pc 0x%08x, %@", h.hart, h.instructions, h.cycles, h.pc, h.state)
                // (Where the cycles went and the energy model's counts, when the run counted events.)
                + (h.stalls.map { ", \($0)" } ?? "") + (h.activity.map { ", \($0)" } ?? "")
        }
        output = outputBefore + result.output
        if let r = result.redmule {
            redmule = "jobs \(r.jobs), FMAs \(r.fmas), busy \(r.busyCycles), \(r.warnings) warnings, \(r.errors) errors: "
                + r.diagnostics.joined(separator: " | ")
        } else {
            redmule = "-"
        }
        if let d = result.dma {
            dma = "\(d.frontEnd): transfers \(d.transfers), bytes \(d.bytesToTCDM)/\(d.bytesFromTCDM)/\(d.bytesOther), busy \(d.busyCycles), "
                + "\(d.warnings) warnings, \(d.errors) errors: " + d.diagnostics.joined(separator: " | ")
        } else {
            dma = "-"
        }
    }

    public var description: String {
        "reason \(reason)\nstatus \(status)\n" + harts.joined(separator: "\n") + "\noutput \(output.debugDescription)\nredmule \(redmule)\ndma \(dma)"
    }

    /// Prints the outcome on stderr when FUZZ_SHOW is set (to see what inputs do when replaying
    /// them by hand).
    public func show(_ what: String) {
        guard ProcessInfo.processInfo.environment["FUZZ_SHOW"] != nil else { return }
        FileHandle.standardError.write(("--- \(what)\n\(self)\n").data(using: .utf8)!)
    }

    /// Fails unless `other` is the same outcome (`what` names the two runs).
    public func mustEqual(_ other: RunOutcome, _ what: String) {
        guard self != other else { return }
        oracleFailure("\(what) differ:\n--- first\n\(self)\n--- second\n\(other)")
    }
}

/// Fails unless the run ended in one of the documented ways (docs/platform.md §6) consistent
/// with the machine's state: never a simulator error; a trap without handler only on a hart
/// that never wrote `mtvec`, a trap storm only on one that did; no `stopped`, `timeout` or
/// `interrupted` (nothing asked for them). Every hart's pc is even, x0 is 0, MPP is 3, and it has
/// spent at least a cycle per instruction (§1, timing model); no run goes past its instruction
/// limit, or past its cycle limit by more than the extra cycles of one instruction (§1,
/// scheduling: a divide's 34, or a trap's 3).
public func checkDocumentedEnd(_ result: RunResult, _ machine: Machine) {
    switch result.reason {
    case .simulatorError(let message): oracleFailure("simulator error: \(message)")
    case .stopped, .timeout, .interrupted: oracleFailure("run ended as \(result.reason.name) without being asked to")
    case .unhandledTrap(let trap):
        if machine.harts[trap.hart].mtvecWritten { oracleFailure("unhandled trap on hart \(trap.hart), which has a handler") }
    case .unhandledInterrupt(let hart, _, _):
        if machine.harts[hart].mtvecWritten { oracleFailure("unhandled interrupt on hart \(hart), which has a handler") }
    case .trapStorm(let trap, _):
        let h = machine.harts[trap.hart]
        if !h.mtvecWritten && !h.core.pointee.bootVectors { oracleFailure("trap storm on hart \(trap.hart) without a handler") }
    case .exited, .deadlock, .instructionLimit, .cycleLimit, .redmuleError, .dmaError: break
    }
    let status = result.exitStatus
    if !((0...255).contains(status) || [ExitStatus.unhandledTrap, ExitStatus.deadlock, ExitStatus.redmuleError, ExitStatus.dmaError,
                                          ExitStatus.limitReached].contains(status)) {
        oracleFailure("exit status \(status) for \(result.reason.name)")
    }
    if result.harts.count != machine.harts.count { oracleFailure("\(result.harts.count) hart summaries for \(machine.harts.count) harts") }
    if let limit = machine.options.maxInstructions, result.totalInstructions > limit {
        oracleFailure("\(result.totalInstructions) instructions retired, past the limit of \(limit)")
    }
    if let limit = machine.options.maxCycles, result.cycles > limit + 40 {
        oracleFailure("a hart reached cycle \(result.cycles), past the limit of \(limit)")
    }
    for h in result.harts where h.cycles < h.instructions {
        oracleFailure("hart \(h.hart): \(h.instructions) instructions in \(h.cycles) cycles")
    }
    for hart in machine.harts {
        if hart.pc & 1 != 0 { oracleFailure(String(format: "hart %d ended at odd pc 0x%08x", hart.index, hart.pc)) }
        if hart.x[0] != 0 { oracleFailure("hart \(hart.index): x0 = \(hart.x[0])") }
        if hart.mstatus & Hart.mppMachine != Hart.mppMachine { oracleFailure("hart \(hart.index): mstatus.MPP is not 3") }
    }
}

/// Watches simulated time during a run: after every scheduling round (`Machine.signalCheck`),
/// `machine.now` — the cycle of the round's last device access or slow-path instruction, or of
/// its start — must not be earlier than after the round before. Harts run one at a time, each
/// up to a quantum ahead of the next, but "accesses to shared devices happen in simulated-time
/// order" (docs/platform.md §1, scheduling of harts): a device must never see time go back.
public final class TimeOrder {
    private var last: UInt64 = 0
    private var round = 0
    public private(set) var violation: String?
    public init(_ machine: Machine) {
        machine.signalCheck = { [unowned self, unowned machine] in
            self.round += 1
            let now = machine.now
            if now < self.last && self.violation == nil {
                self.violation = "round \(self.round): time went back from cycle \(self.last) to \(now) (harts at "
                    + machine.harts.map { "\($0.cycle)" }.joined(separator: ", ") + ")"
            }
            self.last = max(self.last, now)
            return 0
        }
    }
    /// Fails if time ever went back.
    public func check() {
        if let violation { oracleFailure("devices saw simulated time go back: \(violation)") }
    }
}

/// The trace format of the first run: none, unless FUZZ_TRACE asks for the runs' traces.
public var firstRunTrace: TraceFormat? {
    ProcessInfo.processInfo.environment["FUZZ_TRACE"] == nil ? nil : .pulpsim
}

/// A tracer that formats every line (device events included) in `format` and writes it to
/// /dev/null.
/// (FUZZ_TRACE=PATH: to PATH instead, and the first run is traced too: `firstRunTrace`; to look
/// at a failing input's run.)
public func nullTracer(_ machine: Machine, format: TraceFormat) -> Tracer {
    var options = TraceOptions()
    options.format = format
    options.path = ProcessInfo.processInfo.environment["FUZZ_TRACE"] ?? "/dev/null"
    do { return try Tracer(options: options, harts: machine.harts.count, symbols: machine.symbols) } catch {
        oracleFailure("cannot trace to /dev/null: \(error)")
    }
}

/// A tracer writing `format` to the file at `path`.
public func fileTracer(_ machine: Machine, format: TraceFormat, path: String) -> Tracer {
    var options = TraceOptions()
    options.format = format
    options.path = path
    do { return try Tracer(options: options, harts: machine.harts.count, symbols: machine.symbols) } catch {
        oracleFailure("cannot trace to \(path): \(error)")
    }
}

/// A fuzz input turned into programs that run on a fresh machine.
public protocol FuzzProgram {
    var layout: ProgramLayout { get }
    var harts: Int { get }
    /// Whether the second run is traced.
    var traced: Bool { get }
    var traceFormat: TraceFormat { get }
    func run(traced format: TraceFormat?) -> RunOutcome
}

extension FuzzProgram {
    /// Runs the programs twice on fresh machines (the second traced when the input asks) and
    /// requires the same outcome.
    public func runTwiceAndCompare() {
        let first = run(traced: firstRunTrace)
        first.show("\(layout.platform.rawValue), \(harts) harts")
        let second = run(traced: traced ? traceFormat : nil)
        first.mustEqual(second, traced ? "an untraced and a traced run" : "two runs of the same program")
    }
}
