// ISA: the architectural state of one hart (x and f registers, pc, machine-mode CSRs, counters).
//
// The state lives in manually allocated memory (`HartCore` and the register block) so that the
// interpreter and the scheduler reach it through plain pointers: no reference counting and no
// dynamic exclusivity checks on the hot paths. `Hart` is the handle the rest of the simulator and
// library users hold. x0 is never written: decoding redirects it to the sink at index 32.

import PulpFloat

/// Trap causes (mcause values for synchronous exceptions).
public enum TrapCause: UInt32, Sendable {
    case instructionAddressMisaligned = 0, instructionAccessFault = 1, illegalInstruction = 2, breakpoint = 3
    case loadAddressMisaligned = 4, loadAccessFault = 5, storeAddressMisaligned = 6, storeAccessFault = 7
    case environmentCallFromMachine = 11

    public var description: String {
        switch self {
        case .instructionAddressMisaligned: return "instruction address misaligned"
        case .instructionAccessFault: return "instruction access fault"
        case .illegalInstruction: return "illegal instruction"
        case .breakpoint: return "breakpoint (ebreak)"
        case .loadAddressMisaligned: return "load address misaligned"
        case .loadAccessFault: return "load access fault"
        case .storeAddressMisaligned: return "store address misaligned"
        case .storeAccessFault: return "store access fault"
        case .environmentCallFromMachine: return "environment call (ecall)"
        }
    }
}

/// Run state of a hart as the scheduler sees it.
public enum HartState: Equatable, Sendable {
    case running
    case asleep(SleepReason)
    case stopped
}

/// The scalar state of a hart: pc, machine-mode CSRs and counters.
public struct HartCore {
    public var pc: UInt32 = 0
    public var fflags: UInt32 = 0
    public var frm: UInt32 = 0
    public var mstatus: UInt32 = 0
    public var mie: UInt32 = 0
    /// Software-visible pending bits other than those devices drive.
    public var mipSoftware: UInt32 = 0
    /// Pending-interrupt lines driven by devices (OR-ed into mip).
    public var mipExternal: UInt32 = 0
    public var mtvec: UInt32 = 0
    public var mscratch: UInt32 = 0
    public var mepc: UInt32 = 0
    public var mcause: UInt32 = 0
    public var mtval: UInt32 = 0
    /// Retired instructions and cycles (cycles = instructions + modelled stalls + sleep time).
    public var instret: UInt64 = 0
    public var cycle: UInt64 = 0
    /// Cycles lost to TCDM bank conflicts (Kernel/TCDMArbiter.swift; part of `cycle`).
    public var tcdmStalls: UInt64 = 0
    /// Whether an enabled performance counter needs more than cycles and instructions: the hart
    /// then runs counting code and the interpreter's counting loop (ISA/PerformanceCounters.swift).
    public var countsEvents = false
    /// Whether the firmware installed a trap vector (otherwise a trap ends the run).
    public var mtvecWritten = false
    /// Whether `mtvec` holds the boot-address vector table the core resets to (pulp-cluster,
    /// docs/platform.md §1): traps go there even though the firmware never wrote `mtvec`.
    public var bootVectors = false
    /// The last `jalr` (c.jr, c.jalr, ret, ...): its pc and its target, to name the jump that
    /// led to an instruction fetch from an unmapped address.
    public var lastJalrFrom: UInt32 = 0
    /// Where the last jump, taken branch, trap entry, `mret` or reset landed: a `jalr` there did
    /// not follow the instruction before it in the pipeline (`Execution.jalrWaits`).
    public var jumpedTo: UInt32 = 0
    /// The instruction the hart retired last (as decoded), for a `jalr` right after it in the
    /// next turn (`Execution.jalrWaits`); the interpreter's loops keep it in a local meanwhile.
    public var lastRetired = DecodedInstruction.empty
    public var lastJalrTarget: UInt32 = 0
    /// Whether the scheduler may run the hart (mirrors `Hart.state == .running`).
    public var awake = true
    /// The same trap (cause and pc) taken again and again with at most `Machine.trapStormGap`
    /// instructions retired between two of them: a handler that traps itself, or one that returns
    /// to the faulting instruction (a trap storm). The instruction count, pc and cause of the last.
    public var trapStreak: UInt32 = 0
    public var trapStreakInstret: UInt64 = 0
    public var trapStreakPC: UInt32 = 0
    public var trapStreakCause: UInt32 = 0
}

/// One RV32IMFC hart.
public final class Hart {
    public let index: Int
    public let hartID: UInt32
    /// x0...x31 followed by the x0 write sink.
    public let x: UnsafeMutablePointer<UInt32>
    /// f0...f31 (32-bit, no NaN boxing on RV32F). They follow the x block in the same allocation
    /// (`f == x + 33`), so a trace capture can read either file through one index.
    public let f: UnsafeMutablePointer<UInt32>
    /// pc, CSRs and counters.
    public let core: UnsafeMutablePointer<HartCore>
    /// What the counting loop counts while `core.countsEvents` (`EventTotals` layout).
    let eventTotals: UnsafeMutablePointer<UInt64>
    /// The performance counter registers (mcycle, minstret, mhpmcounterN, PCCRn and their configuration).
    var counters = PerformanceCounters()
    /// Count every event from the start (counting code and the counting loop) so that
    /// `stallBreakdown` says where the cycles went (`--stats`); it survives resets.
    public var countsStalls = false {
        didSet { core.pointee.countsEvents = core.pointee.countsEvents || countsStalls }
    }
    /// Run state (`core.awake` follows it).
    public var state: HartState = .running {
        didSet { core.pointee.awake = state == .running }
    }

    public init(index: Int, hartID: UInt32) {
        self.index = index
        self.hartID = hartID
        x = .allocate(capacity: 33 + 32)
        x.initialize(repeating: 0, count: 33 + 32)
        f = x + 33
        core = .allocate(capacity: 1)
        core.initialize(to: HartCore())
        eventTotals = .allocate(capacity: EventTotals.count)
        eventTotals.initialize(repeating: 0, count: EventTotals.count)
    }

    deinit {
        x.deallocate()
        core.deallocate()
        eventTotals.deallocate()
    }

    public var pc: UInt32 { get { core.pointee.pc } set { core.pointee.pc = newValue } }
    public var instret: UInt64 { get { core.pointee.instret } set { core.pointee.instret = newValue } }
    public var cycle: UInt64 { get { core.pointee.cycle } set { core.pointee.cycle = newValue } }
    public var fflags: UInt32 { get { core.pointee.fflags } set { core.pointee.fflags = newValue } }
    public var frm: UInt32 { get { core.pointee.frm } set { core.pointee.frm = newValue } }
    public var mstatus: UInt32 { get { core.pointee.mstatus } set { core.pointee.mstatus = newValue } }
    public var mie: UInt32 { get { core.pointee.mie } set { core.pointee.mie = newValue } }
    public var mipExternal: UInt32 { get { core.pointee.mipExternal } set { core.pointee.mipExternal = newValue } }
    public var mtvec: UInt32 { core.pointee.mtvec }
    public var mepc: UInt32 { core.pointee.mepc }
    public var mcause: UInt32 { core.pointee.mcause }
    public var mtval: UInt32 { core.pointee.mtval }
    public var mtvecWritten: Bool { core.pointee.mtvecWritten }
    public var mip: UInt32 { core.pointee.mipSoftware | core.pointee.mipExternal }

    /// Resets the hart to start at `pc`. With `vectorBase`, `mtvec` resets to that vector table
    /// (vectored mode), as RI5CY/CV32E40P cores reset it from their boot address.
    public func reset(pc: UInt32, vectorBase: UInt32? = nil) {
        for i in 0..<(33 + 32) { x[i] = 0 }
        core.pointee = HartCore()
        core.pointee.pc = pc
        core.pointee.jumpedTo = pc
        eventTotals.update(repeating: 0, count: EventTotals.count)
        counters = PerformanceCounters()
        for csr in CSRTable.all where csr.reset != 0 { _ = writeCSR(csr.number, csr.reset, resetting: true) }
        core.pointee.countsEvents = core.pointee.countsEvents || countsStalls
        if let vectorBase {
            core.pointee.mtvec = (vectorBase & ~0xFF) | 1
            core.pointee.bootVectors = true
        }
        state = .running
    }

    // mstatus fields
    public static let mstatusMIE: UInt32 = 1 << 3
    public static let mstatusMPIE: UInt32 = 1 << 7
    public static let mppMachine: UInt32 = 3 << 11
    public static let mstatusFS: UInt32 = 3 << 13
    public static let mstatusSD: UInt32 = 1 << 31

    /// Enters the trap handler: the standard machine-mode CSR updates.
    public func enterTrap(cause: UInt32, tval: UInt32, epc: UInt32, interrupt: Bool) {
        let c = core
        c.pointee.mepc = epc
        c.pointee.mcause = cause
        c.pointee.mtval = tval
        let mie = c.pointee.mstatus & Hart.mstatusMIE
        c.pointee.mstatus = (c.pointee.mstatus & ~(Hart.mstatusMIE | Hart.mstatusMPIE)) | (mie << 4) | Hart.mppMachine
        let base = c.pointee.mtvec & ~3
        if interrupt && (c.pointee.mtvec & 3) == 1 {
            c.pointee.pc = base &+ 4 &* (cause & 0x7FFF_FFFF)
        } else {
            c.pointee.pc = base
        }
        c.pointee.jumpedTo = c.pointee.pc
    }

    /// `mret`: restore MIE from MPIE, set MPIE, return to mepc.
    public func returnFromTrap() {
        let c = core
        let mpie = (c.pointee.mstatus & Hart.mstatusMPIE) >> 4
        c.pointee.mstatus = (c.pointee.mstatus & ~Hart.mstatusMIE) | mpie | Hart.mstatusMPIE | Hart.mppMachine
        c.pointee.pc = c.pointee.mepc
        c.pointee.jumpedTo = c.pointee.pc
    }
}
