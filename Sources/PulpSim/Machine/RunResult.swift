// Results of a run: why it ended, the firmware's exit code, and per-hart counts.
//
// The process exit codes are documented in README.md ("Exit codes"); `exitStatus` is the single
// place that maps an end of run to one.

import Foundation

/// How the firmware asked to end the run (docs/platform.md §6).
public enum ExitMechanism: String, Sendable, Codable {
    case coreStatus = "corestatus"
    case endOfComputation = "eoc"
    case htif = "htif"
    case testbench = "testbench"

    /// How the firmware ended the run, in words.
    public var description: String {
        switch self {
        case .coreStatus: return "SoC control CORESTATUS"
        case .endOfComputation: return "cluster control EOC"
        case .htif: return "HTIF tohost"
        case .testbench: return "testbench exit"
        }
    }
}

/// What a sleeping hart waits for, for the deadlock report (or, with `spinning`, the loop a
/// running hart can never leave).
public struct SleepingHart: Sendable {
    public let hart: Int
    public let pc: UInt32
    public let symbol: String
    public let reason: String
    public var spinning = false
}

/// A trap with no handler installed (mtvec never written).
public struct UnhandledTrap: Sendable {
    public let hart: Int
    public let cause: TrapCause
    public let pc: UInt32
    public let tval: UInt32
}

/// Why a run ended.
public enum EndReason: Sendable {
    case exited(code: UInt32, mechanism: ExitMechanism)
    case unhandledTrap(UnhandledTrap)
    /// An enabled interrupt was pending with no handler installed (mtvec never written).
    case unhandledInterrupt(hart: Int, mcause: UInt32, pc: UInt32)
    /// Traps kept coming without an instruction retiring: the handler itself traps (the last
    /// trap, and how many were taken in a row).
    case trapStorm(UnhandledTrap, count: UInt32)
    case deadlock([SleepingHart])
    case instructionLimit(UInt64)
    case cycleLimit(UInt64)
    case timeout(Double)
    /// The user interrupted the run (SIGINT or SIGTERM to the command-line tool).
    case interrupted(signal: Int32)
    case redmuleError(String)
    /// DMA misprogramming (docs/platform.md §11).
    case dmaError(String)
    /// A `run(until:)` target or breakpoint was reached (library use, debugger).
    case stopped(hart: Int, pc: UInt32)
    case simulatorError(String)

    /// Short machine-readable name (JSON `reason`).
    public var name: String {
        switch self {
        case .exited: return "exit"
        case .unhandledTrap, .unhandledInterrupt, .trapStorm: return "trap"
        case .deadlock: return "deadlock"
        case .instructionLimit: return "instruction-limit"
        case .cycleLimit: return "cycle-limit"
        case .timeout: return "timeout"
        case .interrupted: return "interrupted"
        case .redmuleError: return "redmule-error"
        case .dmaError: return "dma-error"
        case .stopped: return "stopped"
        case .simulatorError: return "simulator-error"
        }
    }
}

/// Process exit codes for abnormal ends (a normal end exits with the firmware's own code).
public enum ExitStatus {
    public static let usage: Int32 = 64
    public static let invalidELF: Int32 = 65
    public static let cannotOpenInput: Int32 = 66
    /// A malformed input other than an ELF (a corrupt binary trace).
    public static let invalidInput: Int32 = 65
    public static let simulatorError: Int32 = 70
    /// The run succeeded but its trace or timeline could not be written completely.
    public static let outputError: Int32 = 74
    public static let unhandledTrap: Int32 = 120
    public static let deadlock: Int32 = 121
    public static let redmuleError: Int32 = 122
    public static let limitReached: Int32 = 123
    public static let timeout: Int32 = 124
    public static let dmaError: Int32 = 125
    /// The firmware exited with 0 but the race detector found races (`--check-races`).
    public static let racesFound: Int32 = 119
    /// Firmware exit codes above 255 cannot be represented by a process; they become this value.
    public static let firmwareCodeTooLarge: Int32 = 255
}

/// Per-hart counters at the end of a run.
public struct HartSummary: Sendable, Codable {
    public let hart: Int
    /// `mhartid`: the cluster core id, or 0x3E0 for the fabric controller (`pulp`).
    public let mhartid: UInt32
    public let instructions: UInt64
    public let cycles: UInt64
    public let pc: UInt32
    public let state: String
    /// Where its cycles went, when the run counted stalls (`MachineOptions.countStalls`).
    public var stalls: StallBreakdown? = nil
    /// Its instructions by energy class, transfers and idle cycles, likewise.
    public var activity: HartActivity? = nil
}

/// Where a hart's cycles went besides one per retired instruction (`--stats`: the model's stall
/// cycles by cause, docs/platform.md §1 "Timing model", and sleep).
public struct StallBreakdown: Sendable, Codable, Equatable {
    /// A load's result used by the next instruction (LD_STALL).
    public var loadUse: UInt64 = 0
    /// A jalr waiting for a loaded register or the result of the instruction just before it (JMP_STALL).
    public var jumpRegister: UInt64 = 0
    /// Jumps (+1) and taken branches (+2), and their targets that are not word-aligned.
    public var jumpsAndBranches: UInt64 = 0
    /// mulh* and the divider.
    public var multiplyDivide: UInt64 = 0
    /// fdiv.s and fsqrt.s.
    public var fpu: UInt64 = 0
    /// Accesses to the status CSRs.
    public var csr: UInt64 = 0
    /// Second bus transactions of accesses across a word boundary.
    public var misaligned: UInt64 = 0
    /// Trap and interrupt entries, mret.
    public var traps: UInt64 = 0
    /// Lost TCDM bank arbitrations (TCDM_CONT).
    public var tcdm: UInt64 = 0
    /// Loads and stores waiting for the round trip to L2 (cluster cores, `MachineOptions.l2Latency`).
    public var l2: UInt64 = 0
    /// Asleep (wfi, event-unit waits, held in reset) and waiting on devices.
    public var sleep: UInt64 = 0
    public init() {}
    /// Every stall (sleep not included).
    public var total: UInt64 { loadUse + jumpRegister + jumpsAndBranches + multiplyDivide + fpu + csr + misaligned + traps + tcdm + l2 }
    /// (name, cycles) in a fixed order, for tables and JSON.
    public var entries: [(String, UInt64)] {
        [("load_use", loadUse), ("jump_register", jumpRegister), ("jumps_branches", jumpsAndBranches),
         ("mul_div", multiplyDivide), ("fpu", fpu), ("csr", csr), ("misaligned", misaligned), ("traps", traps), ("tcdm", tcdm), ("l2", l2),
         ("sleep", sleep)]
    }
}

/// RedMulE activity over a run.
public struct RedMulESummary: Sendable {
    public let jobs: Int
    public let fmas: UInt64
    public let busyCycles: UInt64
    public let warnings: Int
    public let errors: Int
    public let diagnostics: [String]
    /// Cycles RedMulE's TCDM port waited for a bank another master had (docs/platform.md §7.5).
    public var tcdmStallCycles: UInt64 = 0
    /// Every completed job.
    public var completedJobs: [RedMulEJobRecord] = []
}

/// Cluster DMA activity over a run.
public struct DMASummary: Sendable {
    /// The programming model ("mchan", "idma").
    public let frontEnd: String
    public let transfers: Int
    /// Bytes moved into the TCDM, out of it, and between other places (TCDM to TCDM, zeroing).
    public let bytesToTCDM: UInt64
    public let bytesFromTCDM: UInt64
    public let bytesOther: UInt64
    /// Cycles with at least one transfer in flight.
    public let busyCycles: UInt64
    /// Cycles the transfers were delayed by their TCDM ports' lost bank arbitrations (§11.4).
    public var tcdmStallCycles: UInt64 = 0
    public let warnings: Int
    public let errors: Int
    public let diagnostics: [String]
    public var bytes: UInt64 { bytesToTCDM + bytesFromTCDM + bytesOther }
}

/// TCDM bank activity of the cluster cores and the DMA's TCDM ports over a run (Kernel/
/// TCDMArbiter.swift): per bank, the accesses arbitrated (a core's, those made while other cores
/// ran or the DMA's accesses were pending) and the cycles masters lost to another's access.
public struct TCDMSummary: Sendable {
    public let granted: [UInt64]
    public let conflicts: [UInt64]
    public var totalConflicts: UInt64 { conflicts.reduce(0, +) }
}

/// The structured outcome of a run.
public struct RunResult: Sendable {
    public let reason: EndReason
    public let harts: [HartSummary]
    public let wallSeconds: Double
    /// Everything the firmware printed (when output is captured).
    public let output: String
    /// RedMulE activity (platforms with RedMulE).
    public var redmule: RedMulESummary? = nil
    /// Cluster DMA activity (platforms with the DMA).
    public var dma: DMASummary? = nil
    /// TCDM bank conflicts (platforms with a TCDM and more than one core, unless turned off).
    public var tcdm: TCDMSummary? = nil
    /// Faults that the firmware's handler took (and may have swallowed): the warnings printed
    /// as "pulpsim: trap warning: ..." (at most 10), and how many such traps there were.
    public var trapWarnings: [String] = []
    public var unexpectedTraps = 0
    /// The energy report at each operating point (`MachineOptions.energy`).
    public var energy: [EnergyReport]? = nil
    /// The races found (`MachineOptions.checkRaces`; nil when not checked).
    public var races: [RaceReport]? = nil

    public var totalInstructions: UInt64 { harts.reduce(0) { $0 + $1.instructions } }
    public var cycles: UInt64 { harts.map(\.cycles).max() ?? 0 }
    public var mips: Double { wallSeconds > 0 ? Double(totalInstructions) / wallSeconds / 1e6 : 0 }

    /// The firmware's exit code when it exited normally.
    public var firmwareExitCode: UInt32? {
        if case .exited(let code, _) = reason { return code }
        return nil
    }

    /// The process exit status this run maps to.
    public var exitStatus: Int32 {
        switch reason {
        case .exited(let code, _):
            if code == 0, let races, !races.isEmpty { return ExitStatus.racesFound }
            return code > 255 ? ExitStatus.firmwareCodeTooLarge : Int32(code)
        case .unhandledTrap, .unhandledInterrupt, .trapStorm: return ExitStatus.unhandledTrap
        case .deadlock: return ExitStatus.deadlock
        case .instructionLimit, .cycleLimit: return ExitStatus.limitReached
        case .timeout: return ExitStatus.timeout
        case .interrupted(let signal): return 128 + signal
        case .redmuleError: return ExitStatus.redmuleError
        case .dmaError: return ExitStatus.dmaError
        case .stopped: return 0
        case .simulatorError: return ExitStatus.simulatorError
        }
    }
}

/// How a run ends: the first reason given wins. The run loop polls `ended`, a flag in
/// pointer-backed storage, every turn.
public final class RunControl {
    private var reason: EndReason?
    private let flag: UnsafeMutablePointer<Bool>
    public init() {
        flag = .allocate(capacity: 1)
        flag.initialize(to: false)
    }
    deinit { flag.deallocate() }

    /// Why the run ended (nil while it runs). Setting nil resumes a stopped run.
    public var end: EndReason? {
        get { reason }
        set { reason = newValue; flag.pointee = newValue != nil }
    }
    /// Whether the run has ended.
    @inline(__always) var ended: Bool { flag.pointee }
    public func finish(_ reason: EndReason) { if self.reason == nil { end = reason } }
}
