// ISA: the CSR table — every control and status register pulpsim implements, with its number,
// name, access, writable bits, reset value and side effects (docs/platform.md §1, §13 for the
// performance counters).
//
// CSR instructions, trace lines (`c768_mstatus`), the disassembler and the gdb server's register
// numbers (65 + CSR number) all read this table. Unknown numbers raise an illegal-instruction
// trap, as do writes to read-only CSRs.

/// Where a CSR's value lives and how it behaves.
public enum CSRStorage: Sendable, Equatable {
    case fflags, frm, fcsr, mstatus, mie, mip, mtvec, mscratch, mepc, mcause, mtval
    /// A 64-bit counter, low or high word: mcycle (0), minstret (2), mhpmcounter3..31, and their
    /// read-only shadows.
    case counter(Int, high: Bool)
    /// mcountinhibit; mhpmevent3..31.
    case countInhibit, eventSelector(Int)
    /// RI5CY's legacy counters: PCER, PCMR, PCCR0..31 (PCCR31 writes them all).
    case legacyEventEnable, legacyMode, legacyCounter(Int)
    /// The time shadow reads the hart's cycle counter.
    case time(high: Bool)
    case hartID
    case constant(UInt32)
}

/// Side effects of writing a CSR.
public struct CSREffects: OptionSet, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// The write makes the FP state dirty (mstatus.FS = 3), as on CV32E40P and in Spike.
    public static let dirtiesFloatState = CSREffects(rawValue: 1)
    /// The firmware installed a trap vector: traps go there instead of ending the run.
    public static let installsTrapVector = CSREffects(rawValue: 2)
}

/// One CSR.
public struct CSRDescriptor: Sendable {
    public enum Access: Sendable { case readWrite, readOnly }
    public let number: UInt32
    public let name: String
    public let access: Access
    /// Bits a write changes (others keep their value; WARL fields fixed).
    public let writableMask: UInt32
    /// Value at reset.
    public let reset: UInt32
    public let storage: CSRStorage
    public let effects: CSREffects
    /// Whether the RISC-V specifications name it, so that assemblers know the name; the
    /// disassembler writes the others (RI5CY's PCER, PCMR, PCCRn) as numbers, as objdump does.
    public let standard: Bool

    init(_ number: UInt32, _ name: String, _ access: Access, mask: UInt32 = 0xFFFF_FFFF, reset: UInt32 = 0,
         _ storage: CSRStorage, effects: CSREffects = [], standard: Bool = true) {
        self.number = number; self.name = name; self.access = access; self.writableMask = mask; self.reset = reset
        self.storage = storage; self.effects = effects; self.standard = standard
    }
}

/// CSR numbers used by name in the simulator.
public enum CSR {
    public static let fflags: UInt32 = 0x001, frm: UInt32 = 0x002, fcsr: UInt32 = 0x003
    public static let mstatus: UInt32 = 0x300, misa: UInt32 = 0x301, mie: UInt32 = 0x304, mtvec: UInt32 = 0x305
    public static let mscratch: UInt32 = 0x340, mepc: UInt32 = 0x341, mcause: UInt32 = 0x342
    public static let mtval: UInt32 = 0x343, mip: UInt32 = 0x344
    public static let mcycle: UInt32 = 0xB00, minstret: UInt32 = 0xB02
    public static let mcycleh: UInt32 = 0xB80, minstreth: UInt32 = 0xB82
    public static let cycle: UInt32 = 0xC00, time: UInt32 = 0xC01, instret: UInt32 = 0xC02
    public static let cycleh: UInt32 = 0xC80, timeh: UInt32 = 0xC81, instreth: UInt32 = 0xC82
    public static let mcountinhibit: UInt32 = 0x320, mhpmevent3: UInt32 = 0x323
    public static let mhpmcounter3: UInt32 = 0xB03, mhpmcounter3h: UInt32 = 0xB83
    public static let hpmcounter3: UInt32 = 0xC03, hpmcounter3h: UInt32 = 0xC83
    /// RI5CY's legacy counters: event enable, mode, counters (0x79F writes every counter).
    public static let pcer: UInt32 = 0xCC0, pcmr: UInt32 = 0xCC1, pccr0: UInt32 = 0x780, pccrAll: UInt32 = 0x79F
    public static let mvendorid: UInt32 = 0xF11, marchid: UInt32 = 0xF12, mimpid: UInt32 = 0xF13
    public static let mhartid: UInt32 = 0xF14

    /// misa: MXL = 1 (32-bit), extensions C, F, I, M.
    public static let misaValue: UInt32 = (1 << 30) | (1 << 2) | (1 << 5) | (1 << 8) | (1 << 12)
    /// OpenHW Group JEDEC id and the CV32E40P architecture id.
    public static let vendorID: UInt32 = 0x602
    public static let archID: UInt32 = 4
    /// mie/mip bits implemented: MSI (3), MTI (7), MEI (11) and the PULP fast lines 16-31.
    public static let interruptMask: UInt32 = (1 << 3) | (1 << 7) | (1 << 11) | 0xFFFF_0000

    /// Name for traces and the gdb server.
    public static func name(_ number: UInt32) -> String? { CSRTable.lookup(number)?.name }
    /// Name for the disassembler: only the names assemblers know.
    public static func assemblerName(_ number: UInt32) -> String? {
        guard let d = CSRTable.lookup(number), d.standard else { return nil }
        return d.name
    }
}

/// The CSRs pulpsim implements.
public enum CSRTable {
    public static let all: [CSRDescriptor] = [
        CSRDescriptor(CSR.fflags, "fflags", .readWrite, mask: 0x1F, .fflags, effects: .dirtiesFloatState),
        CSRDescriptor(CSR.frm, "frm", .readWrite, mask: 0x7, .frm, effects: .dirtiesFloatState),
        CSRDescriptor(CSR.fcsr, "fcsr", .readWrite, mask: 0xFF, .fcsr, effects: .dirtiesFloatState),
        // MPP is fixed at machine mode; SD (bit 31) reads as FS == 3.
        CSRDescriptor(CSR.mstatus, "mstatus", .readWrite, mask: Hart.mstatusMIE | Hart.mstatusMPIE | Hart.mstatusFS,
                      reset: Hart.mppMachine, .mstatus),
        CSRDescriptor(CSR.misa, "misa", .readWrite, mask: 0, .constant(CSR.misaValue)),
        CSRDescriptor(CSR.mie, "mie", .readWrite, mask: CSR.interruptMask, .mie),
        CSRDescriptor(CSR.mtvec, "mtvec", .readWrite, mask: ~UInt32(2), .mtvec, effects: .installsTrapVector),
        CSRDescriptor(CSR.mscratch, "mscratch", .readWrite, .mscratch),
        CSRDescriptor(CSR.mepc, "mepc", .readWrite, mask: ~UInt32(1), .mepc),
        CSRDescriptor(CSR.mcause, "mcause", .readWrite, .mcause),
        CSRDescriptor(CSR.mtval, "mtval", .readWrite, .mtval),
        // MTIP and MEIP are driven by devices only.
        CSRDescriptor(CSR.mip, "mip", .readWrite, mask: CSR.interruptMask & ~(1 << 7 | 1 << 11), .mip),
        CSRDescriptor(CSR.mcycle, "mcycle", .readWrite, .counter(0, high: false)),
        CSRDescriptor(CSR.minstret, "minstret", .readWrite, .counter(2, high: false)),
        CSRDescriptor(CSR.mcycleh, "mcycleh", .readWrite, .counter(0, high: true)),
        CSRDescriptor(CSR.minstreth, "minstreth", .readWrite, .counter(2, high: true)),
        CSRDescriptor(CSR.cycle, "cycle", .readOnly, .counter(0, high: false)),
        CSRDescriptor(CSR.time, "time", .readOnly, .time(high: false)),
        CSRDescriptor(CSR.instret, "instret", .readOnly, .counter(2, high: false)),
        CSRDescriptor(CSR.cycleh, "cycleh", .readOnly, .counter(0, high: true)),
        CSRDescriptor(CSR.timeh, "timeh", .readOnly, .time(high: true)),
        CSRDescriptor(CSR.instreth, "instreth", .readOnly, .counter(2, high: true)),
        CSRDescriptor(CSR.mvendorid, "mvendorid", .readOnly, .constant(CSR.vendorID)),
        CSRDescriptor(CSR.marchid, "marchid", .readOnly, .constant(CSR.archID)),
        CSRDescriptor(CSR.mimpid, "mimpid", .readOnly, .constant(0)),
        CSRDescriptor(CSR.mhartid, "mhartid", .readOnly, .hartID),
    ] + performanceCounters

    /// CV32E40P's performance monitor with all 29 event counters, and RI5CY's legacy counters
    /// (docs/platform.md §13).
    static let performanceCounters: [CSRDescriptor] = {
        var table = [CSRDescriptor(CSR.mcountinhibit, "mcountinhibit", .readWrite, mask: PerformanceCounters.inhibitMask,
                                   reset: PerformanceCounters.inhibitReset, .countInhibit)]
        for i in 3...31 {
            table.append(CSRDescriptor(CSR.mhpmevent3 - 3 + UInt32(i), "mhpmevent\(i)", .readWrite,
                                       mask: PerformanceCounters.selectorMask, .eventSelector(i)))
        }
        for i in 3...31 {
            let n = UInt32(i) - 3
            table += [
                CSRDescriptor(CSR.mhpmcounter3 + n, "mhpmcounter\(i)", .readWrite, .counter(i, high: false)),
                CSRDescriptor(CSR.mhpmcounter3h + n, "mhpmcounter\(i)h", .readWrite, .counter(i, high: true)),
                CSRDescriptor(CSR.hpmcounter3 + n, "hpmcounter\(i)", .readOnly, .counter(i, high: false)),
                CSRDescriptor(CSR.hpmcounter3h + n, "hpmcounter\(i)h", .readOnly, .counter(i, high: true)),
            ]
        }
        // RI5CY let software write PCER and PCMR although their numbers are in the read-only range.
        table.append(CSRDescriptor(CSR.pcer, "pcer", .readWrite, mask: PerformanceCounters.legacyEnableMask,
                                   .legacyEventEnable, standard: false))
        table.append(CSRDescriptor(CSR.pcmr, "pcmr", .readWrite, mask: 3, reset: PerformanceCounters.legacyModeReset,
                                   .legacyMode, standard: false))
        for i in 0...31 {
            table.append(CSRDescriptor(CSR.pccr0 + UInt32(i), "pccr\(i)", .readWrite, .legacyCounter(i), standard: false))
        }
        return table
    }()

    /// Index into `all` for each of the 4096 CSR numbers (-1: not implemented).
    private static let index: [Int16] = {
        var table = [Int16](repeating: -1, count: 4096)
        for (i, d) in all.enumerated() { table[Int(d.number)] = Int16(i) }
        return table
    }()

    /// The descriptor of CSR `number`, if implemented.
    public static func lookup(_ number: UInt32) -> CSRDescriptor? {
        guard number < 4096 else { return nil }
        let i = index[Int(number)]
        return i < 0 ? nil : all[Int(i)]
    }

    /// Why a CSR instruction word is illegal, for reports: the CSR does not exist, or it is
    /// read-only and the instruction writes it; nil for any other word.
    public static func whyIllegal(_ word: UInt32) -> String? {
        let funct3 = (word >> 12) & 7
        guard word & 0x7F == 0x73, funct3 != 0, funct3 != 4 else { return nil }
        let number = word >> 20
        let hex = String(number, radix: 16)
        let text = "CSR 0x" + String(repeating: "0", count: 3 - hex.count) + hex
        guard let d = lookup(number) else {
            return text + " is not implemented (docs/platform.md §1 and §13 list the CSRs)"
        }
        let source = (word >> 15) & 0x1F
        let writes = funct3 & 3 == 1 || source != 0  // csrrw[i] always; csrrs/c[i] unless rs1/uimm = 0
        guard d.access == .readOnly && writes else { return nil }
        return text + " (\(d.name)) is read-only: writing it is an illegal instruction"
    }
}

extension Hart {
    /// Reads a CSR; nil if it does not exist.
    public func readCSR(_ number: UInt32, timeNow: UInt64) -> UInt32? {
        guard let d = CSRTable.lookup(number) else { return nil }
        let c = core.pointee
        switch d.storage {
        case .fflags: return c.fflags
        case .frm: return c.frm
        case .fcsr: return c.frm << 5 | c.fflags
        case .mstatus:
            let fs = c.mstatus & Hart.mstatusFS
            return c.mstatus | (fs == Hart.mstatusFS ? Hart.mstatusSD : 0)
        case .mie: return c.mie
        case .mip: return c.mipSoftware | c.mipExternal
        case .mtvec: return c.mtvec
        case .mscratch: return c.mscratch
        case .mepc: return c.mepc
        case .mcause: return c.mcause
        case .mtval: return c.mtval
        case .counter(let index, let high): return word(counterValue(index), high: high)
        case .countInhibit: return counters.inhibit
        case .eventSelector(let index): return counters.selectors[index]
        case .legacyEventEnable: return counters.legacyEnable
        case .legacyMode: return counters.legacyMode
        case .legacyCounter(let index): return UInt32(truncatingIfNeeded: legacyCounterValue(index))  // PCCR21..31 read 0
        case .time(let high): return word(timeNow, high: high)
        case .hartID: return hartID
        case .constant(let value): return value
        }
    }

    /// Writes a CSR through its writable mask, with its side effects; false if it does not exist
    /// or is read-only. `resetting`: store the value as it is, without checks or effects.
    @discardableResult
    public func writeCSR(_ number: UInt32, _ value: UInt32, resetting: Bool = false) -> Bool {
        guard let d = CSRTable.lookup(number), d.access == .readWrite || resetting else { return false }
        let mask = resetting ? 0xFFFF_FFFF : d.writableMask
        @inline(__always) func merge(_ old: UInt32) -> UInt32 { (old & ~mask) | (value & mask) }
        let c = core
        switch d.storage {
        case .fflags: c.pointee.fflags = merge(c.pointee.fflags)
        case .frm: c.pointee.frm = merge(c.pointee.frm)
        case .fcsr:
            let v = merge(c.pointee.frm << 5 | c.pointee.fflags)
            c.pointee.fflags = v & 0x1F
            c.pointee.frm = (v >> 5) & 0x7
        case .mstatus: c.pointee.mstatus = merge(c.pointee.mstatus)
        case .mie: c.pointee.mie = merge(c.pointee.mie)
        case .mip: c.pointee.mipSoftware = merge(c.pointee.mipSoftware)
        case .mtvec: c.pointee.mtvec = merge(c.pointee.mtvec)
        case .mscratch: c.pointee.mscratch = merge(c.pointee.mscratch)
        case .mepc: c.pointee.mepc = merge(c.pointee.mepc)
        case .mcause: c.pointee.mcause = merge(c.pointee.mcause)
        case .mtval: c.pointee.mtval = merge(c.pointee.mtval)
        case .counter(let index, let high):
            let current = counterValue(index)
            setCounter(index, replaceWord(current, merge(word(current, high: high)), high: high))
        case .countInhibit:
            let inhibit = merge(counters.inhibit)
            reconfigureCounters { $0.inhibit = inhibit }
        case .eventSelector(let index):
            let selector = merge(counters.selectors[index])
            reconfigureCounters { $0.selectors[index] = selector }
        case .legacyEventEnable:
            let enable = merge(counters.legacyEnable)
            reconfigureCounters { $0.legacyEnable = enable }
        case .legacyMode:
            let mode = merge(counters.legacyMode)
            reconfigureCounters { $0.legacyMode = mode }
        case .legacyCounter(let index):
            if index == 31 {
                for e in 0..<LegacyPerformanceEvent.count { setLegacyCounter(e, UInt64(value)) }
            } else {
                setLegacyCounter(index, UInt64(value))
            }
        case .time, .hartID, .constant: break  // read-only views, WARL constants
        }
        if !resetting {
            if d.effects.contains(.dirtiesFloatState) { c.pointee.mstatus |= Hart.mstatusFS }
            if d.effects.contains(.installsTrapVector) { c.pointee.mtvecWritten = true }
        }
        return true
    }

    private func word(_ v: UInt64, high: Bool) -> UInt32 { UInt32(truncatingIfNeeded: high ? v >> 32 : v) }
    private func replaceWord(_ v: UInt64, _ w: UInt32, high: Bool) -> UInt64 {
        high ? (v & 0xFFFF_FFFF) | UInt64(w) << 32 : (v & 0xFFFF_FFFF_0000_0000) | UInt64(w)
    }
}
