// RedMulE: the memory-mapped register file, hwpe-ctrl job control, timing and diagnostics
// (docs/platform.md §7.1, §7.2, §7.4, §7.5, §7.6).
//
// Two job contexts; ACQUIRE hands out job ids, job registers go to the context being programmed,
// TRIGGER commits it (a write of 0 also starts it). A started job runs on the cycle model of the
// RTL (`RedMulECycleModel`): its reads and Z stores reach the TCDM at the cycles of its port's
// requests (`RedMulEDataFlow`), and the completion event comes at the cycle the model gives.
// Misprogramming that the RTL cannot survive is an error (the run stops, unless
// `--redmule-errors=warn`, in which case the job is computed as intended); suspicious but
// deterministic cases are warnings.

import Foundation
import PulpFloat

/// Whether RTL-fatal misprogramming stops the run.
public enum RedMulEErrorPolicy: String, Sendable, CaseIterable {
    case error, warn
}

/// Register offsets.
enum RedMulERegister {
    static let trigger: UInt32 = 0x00, acquire: UInt32 = 0x04, finished: UInt32 = 0x08, status: UInt32 = 0x0C
    static let runningJob: UInt32 = 0x10, softClear: UInt32 = 0x14
    static let xAddress: UInt32 = 0x40, wAddress: UInt32 = 0x44, zAddress: UInt32 = 0x48
    static let mcfg0: UInt32 = 0x4C, mcfg1: UInt32 = 0x50, arith: UInt32 = 0x54
    static let jobRegisters: ClosedRange<UInt32> = 0x40...0x54
    static func name(_ offset: UInt32) -> String {
        switch offset {
        case xAddress: return "X_ADDR"
        case wAddress: return "W_ADDR"
        case zAddress: return "Z_ADDR"
        case mcfg0: return "MCFG0"
        case mcfg1: return "MCFG1"
        case arith: return "ARITH"
        default: return String(format: "0x%02x", offset)
        }
    }
}

/// A job RedMulE ran: what it computed and when (`RedMulE.completedJobs`).
public struct RedMulEJobRecord: Sendable, Equatable {
    public let id: UInt32
    /// The hart that triggered it.
    public let hart: Int
    public let operation: RedMulEOperation
    public let format: RedMulEFormat
    public let shape: RedMulEShape
    /// False for an empty job (M, N or K = 0 under `--redmule-errors=warn`): nothing computed.
    public let computed: Bool
    /// The TRIGGER store, the start of its computation, and its completion event.
    public let triggered: UInt64
    public let start: UInt64
    public var end: UInt64
    /// Its TCDM requests (each 288 bits: 9 banks, docs/platform.md §7.5).
    public var tcdmAccesses: UInt64
    /// The multiply-accumulate steps it computed: M·N·K (padding excluded).
    public var fmas: UInt64 { computed ? UInt64(shape.m) * UInt64(shape.n) * UInt64(shape.k) : 0 }
    /// From TRIGGER to the completion event, as the paper and the RTL count a job.
    public var cycles: UInt64 { end >= triggered ? end - triggered : 0 }
    /// The share of the 48 FMA units' cycles doing useful work over `cycles`.
    public var utilisation: Double { cycles == 0 ? 0 : Double(fmas) / (48 * Double(cycles)) }
}

/// The RedMulE accelerator.
public final class RedMulE: Device {
    public let name = "RedMulE"
    let context: DeviceContext
    /// RedMulE's way to the TCDM (all its views).
    let port: MemoryPort
    let completion: RedMulECompletion
    var policy: RedMulEErrorPolicy
    /// Title and TCDM accesses of the running job, for the timeline.
    var runningTitle = ""
    var runningAccesses: UInt64 = 0

    struct Context {
        var registers = [UInt32: UInt32]()
        var jobID: UInt32 = 0
        /// Offsets of job registers in the order they were last written.
        var lastJobRegister: UInt32? = nil
        var arithWrittenAt: UInt64? = nil
        var triggered = false
    }
    var contexts = [Context(), Context()]
    var programming = 0
    var acquired = false
    var nextJobID: UInt32 = 0
    var finishedCount: UInt32 = 0
    var softClearSinceLastJob = true
    var warnedOverwrite = false
    /// The Z padding rows of jobs with M mod 12 ≠ 0, watched until read (`--redmule-padding`,
    /// RedMulE/RedMulEPadding.swift).
    var paddingCheck: RedMulEPaddingCheck = .read
    let padding = RedMulEPadding()
    /// Jobs started with a data flow, for telling their padding rows apart.
    var jobsStarted: UInt64 = 0

    struct RunningJob {
        let context: Int
        let id: UInt32
        let hart: Int
        /// Its next event: the completion, or (on its cycle model) the next step of the model.
        var token: UInt64
        let start: UInt64
        /// The completion (on its cycle model: as predicted so far).
        var end: UInt64
    }
    var running: RunningJob?
    /// The running job's data: its operands as read and its results as stored, request by request
    /// (docs/platform.md §7.4).
    var flow: RedMulEDataFlow?
    /// For a job that follows its requests on an idle TCDM (no live model: no arbiter, or RedMulE
    /// first): those requests (`RedMulECycleModel.requestCode`), the next one to apply, and the
    /// event that applies them as time passes.
    var flowCodes: [UInt32] = []
    var flowCursor = 0
    var flowToken: UInt64?
    /// How often a running job's reads and stores are brought up to date with the cores' time:
    /// the scheduler's quantum, at most 256 cycles (docs/platform.md §7.4).
    var dataInterval: UInt64 { max(1, min(context.quantum, 256)) }

    /// The TCDM arbiter, when the banks are contended: the running job's requests then wait for
    /// the cores' and the DMA's (docs/platform.md §7.5).
    private(set) var arbiter: TCDMArbiter?
    func attach(arbiter: TCDMArbiter) { self.arbiter = arbiter }
    /// The cluster control unit's HCI control register (+0x18, bits 10:0): bit 8 `invert_prio`
    /// gives RedMulE's branch of the interconnect priority over the cores' (0 where there is none).
    var hciControl: () -> UInt32 = { 0 }

    /// The running job on its cycle model, stepped through the cycles the arbiter has settled.
    struct LiveJob {
        var cfg: RedMulETilerConfig
        /// The job's requests on an idle TCDM (`RedMulECycleModel.idleRun`), followed as long as
        /// none is refused (their first banks, and the requests as `requestCode`s); the model,
        /// from the first refusal on.
        var trace: [UInt8]
        var codes: [UInt32]
        var model: RedMulECycleModel?
        /// The cycle of the model's first cycle, and the next cycle to step.
        var start: UInt64
        var cursor: UInt64
        /// The completion if every request from here on is granted at once (a lower bound).
        var predicted: UInt64
        /// Requests granted and refused so far; refusals in a row, and whether that was reported.
        var accesses: UInt64 = 0, refused: UInt64 = 0
        var refusedInARow = 0, starving = false
        /// HCI control when the job started: `low_prio_max_stall` (0: off) and `invert_prio`; and
        /// the RTL's count of consecutive cycles in which both branches asked (`hci_arbiter`'s
        /// `ls_stall_ctr`). With a maximum, the job runs on its model from its start.
        var maxStall = 0, inverted = false
        var stallCount = 0
    }
    var live: LiveJob?
    /// The longest the model goes without a settled view of the banks.
    static let syncInterval: UInt64 = 4096
    /// How close to its predicted completion a job is stepped every 2 cycles.
    static let endgame: UInt64 = 128
    /// Refusals in a row after which a job is reported as starving.
    static let starvation = 10_000
    /// Cycles RedMulE's port waited because a core, external port or DMA port had its bank.
    public private(set) var tcdmStallCycles: UInt64 = 0
    /// Jobs whose model finished before the completion it predicted (its event then comes late):
    /// never seen; counted to be sure.
    public private(set) var lateCompletions = 0

    /// Completed jobs, for statistics.
    public private(set) var jobsCompleted = 0
    public private(set) var totalFMAs: UInt64 = 0
    public private(set) var busyCycles: UInt64 = 0
    /// Every completed job (the energy and utilisation report, `--energy`), and the running one.
    public private(set) var completedJobs: [RedMulEJobRecord] = []
    var runningRecord: RedMulEJobRecord?
    /// The race detector (`--check-races`): the trigger releases into the job, the job reads and
    /// writes its operands, its completion releases to whoever sees it.
    var races: RaceDetector?
    var raceTrigger = [UInt32](repeating: 0, count: RaceDetector.maxMasters)
    /// (trigger cycle, completion cycle) of the last completed job.
    public private(set) var lastJobTiming: (trigger: UInt64, start: UInt64, end: UInt64)?
    var lastTriggerCycle: UInt64 = 0

    init(context: DeviceContext, port: MemoryPort, completion: RedMulECompletion, policy: RedMulEErrorPolicy) {
        self.context = context
        self.port = port
        self.completion = completion
        self.policy = policy
        context.eventAction = { [unowned self] event, _, _ in
            switch event {
            case RedMulE.completeEvent: return { [unowned self] in self.complete() }
            case RedMulE.syncEvent: return { [unowned self] in self.sync() }
            case RedMulE.flowEvent: return { [unowned self] in self.flowSync() }
            default: return nil
            }
        }
    }

    /// Snapshots: both register contexts, the job queued and running with its data flow and live
    /// cycle model, the padding watch and the statistics. (The race detector's state is not
    /// part of a snapshot: docs/snapshots.md.)
    func snapshot(_ coder: inout SnapshotCoder) {
        coder.string(&runningTitle)
        coder.pod(&runningAccesses)
        coder.array(&contexts, empty: Context()) { coder, c in
            coder.dictionary(&c.registers)
            coder.pod(&c.jobID)
            coder.optional(&c.lastJobRegister, empty: 0)
            coder.optional(&c.arithWrittenAt, empty: 0)
            coder.bool(&c.triggered)
        }
        if coder.isRestoring && contexts.count != 2 { coder.fail("the snapshot's RedMulE does not have 2 register contexts") }
        coder.pod(&programming)
        coder.bool(&acquired)
        coder.pod(&nextJobID); coder.pod(&finishedCount)
        coder.bool(&softClearSinceLastJob); coder.bool(&warnedOverwrite)
        padding.snapshot(&coder)
        coder.pod(&jobsStarted)
        coder.optional(&running, empty: SnapshotCoder.zeroed())
        coder.optional(&queued, empty: SnapshotCoder.zeroed())
        // The data flow: rebuilt from its plan, then its state.
        var hasFlow = flow != nil
        coder.bool(&hasFlow)
        if hasFlow {
            var plan = flow?.plan ?? SnapshotCoder.zeroed()
            var operation = flow?.operation.rawValue ?? 0, format = flow?.format.rawValue ?? 0
            var frozen = flow?.frozen ?? false, watched = flow?.padding != nil
            coder.pod(&plan); coder.pod(&operation); coder.pod(&format); coder.bool(&frozen); coder.bool(&watched)
            if coder.isRestoring {
                guard coder.failure == nil, let op = RedMulEOperation(rawValue: operation), let fmt = RedMulEFormat(rawValue: format),
                      port.hostBytes(plan.x, count: 1) != nil else {
                    return coder.fail("the snapshot's RedMulE job does not fit this machine")
                }
                var f = RedMulEDataFlow(plan: plan, operation: op, format: fmt, frozen: frozen, port: port)
                if watched {
                    f.padding = padding
                    f.cycle = { [unowned self] in self.context.now }
                }
                flow = f
            }
            flow!.snapshotState(&coder)
        } else if coder.isRestoring {
            flow = nil
        }
        coder.array(&flowCodes)
        coder.pod(&flowCursor)
        coder.optional(&flowToken, empty: 0)
        coder.optional(&live, empty: LiveJob(cfg: SnapshotCoder.zeroed(), trace: [], codes: [], model: nil, start: 0, cursor: 0,
                                             predicted: 0)) { coder, j in
            coder.pod(&j.cfg)
            coder.array(&j.trace); coder.array(&j.codes)
            coder.optional(&j.model, empty: SnapshotCoder.zeroed())
            coder.pod(&j.start); coder.pod(&j.cursor); coder.pod(&j.predicted)
            coder.pod(&j.accesses); coder.pod(&j.refused); coder.pod(&j.refusedInARow); coder.bool(&j.starving)
            coder.pod(&j.maxStall); coder.bool(&j.inverted); coder.pod(&j.stallCount)
        }
        coder.pod(&tcdmStallCycles); coder.pod(&lateCompletions); coder.pod(&jobsCompleted)
        coder.pod(&totalFMAs); coder.pod(&busyCycles)
        coder.array(&completedJobs)
        coder.optional(&runningRecord, empty: SnapshotCoder.zeroed())
        coder.optional(&lastJobTiming, empty: (0, 0, 0))
        coder.pod(&lastTriggerCycle)
    }

    /// RedMulE's timed events: a job's completion, a step of its live model, its data flow.
    static let completeEvent: UInt32 = 0, syncEvent: UInt32 = 1, flowEvent: UInt32 = 2

    var now: UInt64 { context.now }

    func report(_ level: DiagnosticLevel, _ message: String) { context.report(level, message) }
    func describeHart(_ hart: Int) -> String { context.describeHart(hart) }

    /// Completion: event line 12 or the MSIP pulse of the hart that triggered the job.
    func signal(_ hart: Int) {
        switch completion {
        case .eventUnit: if hart >= 0 && hart < 32 { context.raiseEvent(line: EventLine.redmule, cores: 1 << UInt32(hart)) }
        case .machineSoftwareInterrupt: context.raiseInterrupt(hart: hart, bit: 3)
        }
    }
    public var isBusy: Bool { running != nil }

    // MARK: Register interface

    public func read(offset: UInt32, size: Int, context: inout AccessContext) -> UInt32? {
        guard size == 4, offset & 3 == 0, offset < 0x400 else { return nil }
        switch offset {
        case RedMulERegister.trigger: return 0xDEAD_BEEF
        case RedMulERegister.acquire:
            if acquired { return UInt32(bitPattern: -2) }
            if contexts[programming].triggered { return UInt32(bitPattern: -1) }
            acquired = true
            contexts[programming].jobID = nextJobID
            nextJobID = (nextJobID + 1) & 0xFF
            self.context.trace(hart: context.hart, "ACQUIRE -> job \(contexts[programming].jobID) (context \(programming))")
            return contexts[programming].jobID
        case RedMulERegister.finished:
            let value = finishedCount
            finishedCount = 0
            raceSawStatus(context.hart, "FINISHED")
            return value
        case RedMulERegister.status:
            raceSawStatus(context.hart, "STATUS")
            return statusValue
        case RedMulERegister.runningJob:
            if let running { return running.id }
            return contexts[programming].jobID
        case 0x90...0x9C: return 0
        default:
            return contexts[programming].registers[offset] ?? 0
        }
    }

    /// A hart reading STATUS or FINISHED acquires the completed jobs.
    private func raceSawStatus(_ hart: Int, _ register: String) {
        guard let races, hart >= 0, hart < races.harts else { return }
        races.cycle = now
        races.acquire(hart, from: races.redmuleDone, "RedMulE \(register) read")
    }

    /// A job starting: RedMulE takes the trigger's clock, then reads X, W (and Y) and writes
    /// every padded row of Z, as one master at one clock for the whole job.
    private func raceJob(_ races: RaceDetector, _ p: Pending, plan: MemoryPlan) {
        let r = races.redmule
        races.cycle = now
        races.acquire(r, from: raceTrigger, "TRIGGER")
        races.tick(r, "start of job \(p.id)")
        let own = races.clocks[r][r]
        let s = p.shape, e = p.format.bytesPerElement
        races.deviceSites[r, default: [:]][own] = String(format: "RedMulE job %u: %@ %@ %dx%dx%d, X 0x%08x W 0x%08x Y/Z 0x%08x, triggered by hart %d",
                                                         p.id, p.operation.name, p.format.name, s.m, s.n, s.k, plan.x, plan.w, plan.z, p.hart)
        func touch(_ base: UInt32, _ bytes: Int, write: Bool) {
            guard bytes > 0, let at = port.location(base) else { return }
            races.access(r, memory: at.memory, offset: at.offset, size: bytes, write: write, pc: own, address: base)
        }
        touch(plan.x, e * s.m * s.n, write: false)
        touch(plan.w, e * s.n * s.k, write: false)
        if p.operation != .matmul { touch(plan.z, e * s.m * s.k, write: false) }
        touch(plan.z, e * s.paddedRows * s.k, write: true)
    }

    var statusValue: UInt32 {
        (contexts[0].triggered ? 1 : 0) | (contexts[1].triggered ? 0x100 : 0)
    }

    public func write(offset: UInt32, size: Int, value: UInt32, context access: inout AccessContext) -> Bool {
        guard size == 4, offset & 3 == 0, offset < 0x400 else { return false }
        switch offset {
        case RedMulERegister.trigger:
            trigger(start: value == 0, hart: access.hart, viaAcquire: acquired)
        case RedMulERegister.finished:
            finishedCount = 0
        case RedMulERegister.softClear:
            context.trace(hart: access.hart, "SOFT_CLEAR\(value == 0 ? " (wipes job registers)" : "")")
            softClear(wipe: value == 0)
        case RedMulERegister.acquire, RedMulERegister.status, RedMulERegister.runningJob:
            break
        default:
            context.trace(hart: access.hart, describeWrite(offset, value))
            if RedMulERegister.jobRegisters.contains(offset) {
                if running != nil {
                    report(.note, "\(describeHart(access.hart)): \(RedMulERegister.name(offset)) written while job \(running!.id) runs")
                }
                contexts[programming].lastJobRegister = offset
                if offset == RedMulERegister.arith { contexts[programming].arithWrittenAt = access.cycle }
            }
            contexts[programming].registers[offset] = value
        }
        return true
    }

    /// XIF offload (docs/platform.md §7.7). `mcnfig`: MCFG0/MCFG1 of the context being
    /// programmed. `marith`: addresses and ARITH, then a trigger as by a TRIGGER write of 0.
    func offload(_ request: OffloadRequest, hart: Int, cycle: UInt64) {
        var access = AccessContext(hart: hart, cycle: cycle)
        func set(_ offset: UInt32, _ value: UInt32) { _ = write(offset: offset, size: 4, value: value, context: &access) }
        if request.operation == .mcnfig {
            set(RedMulERegister.mcfg0, request.rs1)
            set(RedMulERegister.mcfg1, request.rs2)
        } else {
            set(RedMulERegister.xAddress, request.rs1)
            set(RedMulERegister.wAddress, request.rs2)
            set(RedMulERegister.zAddress, request.rs3)
            set(RedMulERegister.arith, request.word)
            trigger(start: true, hart: hart, viaAcquire: true)
        }
    }

    func softClear(wipe: Bool) {
        if let running { context.cancel(running.token) }
        if let token = flowToken { context.cancel(token); flowToken = nil }
        running = nil
        flow = nil
        flowCodes = []
        if live != nil { live = nil; arbiter?.watch(from: nil) }
        arbiter?.releaseHolds(from: now)  // (a job holding banks, HCI invert_prio, holds them no more)
        queued = nil
        contexts[0].triggered = false
        contexts[1].triggered = false
        acquired = false
        softClearSinceLastJob = true
        if wipe {
            contexts = [Context(), Context()]
            programming = 0
            nextJobID = 0
            finishedCount = 0
        }
    }

    // MARK: Jobs

    /// How a job of this shape runs on an idle TCDM, from the cycle model of the RTL's control
    /// path (docs/platform.md §7.5, §7.6), computed once per shape and operation kind in the
    /// process (`RedMulEIdleRuns`). With the operands' addresses, the same run also gives the
    /// job's trace (`trace`).
    func outcome(_ shape: RedMulEShape, matmul: Bool, x: UInt32 = 0, w: UInt32 = 0, z: UInt32 = 0) -> RedMulECycleModel.Outcome {
        let key = TimingKey(shape: shape, loadsY: !matmul)
        if let known = RedMulEIdleRuns.shared.outcome(key) { return known }
        let cfg = RedMulETilerConfig(m: shape.m, n: shape.n, k: shape.k, loadsY: !matmul, x: x, w: w, z: z)
        let run = RedMulECycleModel.idleRun(cfg, trace: arbiter != nil, codes: true)
        let result = run.outcome
        if case .completes = result {
            if arbiter != nil { RedMulEIdleRuns.shared.store(trace: run.trace, for: TraceKey(cfg)) }
            RedMulEIdleRuns.shared.store(codes: run.codes, for: key)
        }
        RedMulEIdleRuns.shared.store(outcome: result, for: key)
        return result
    }
    struct TimingKey: Hashable { let shape: RedMulEShape, loadsY: Bool }

    /// A completing job's requests on an idle TCDM, cycle by cycle, as `requestCode`s (offsets
    /// from the matrices' addresses), computed once per shape and operation kind in the process.
    func requestCodes(_ shape: RedMulEShape, matmul: Bool) -> [UInt32] {
        let key = TimingKey(shape: shape, loadsY: !matmul)
        if let known = RedMulEIdleRuns.shared.codes(key) { return known }
        let run = RedMulECycleModel.idleRun(RedMulETilerConfig(m: shape.m, n: shape.n, k: shape.k, loadsY: !matmul), trace: false, codes: true)
        guard case .completes = run.outcome else { return [] }
        RedMulEIdleRuns.shared.store(codes: run.codes, for: key)
        return run.codes
    }

    /// A completing job's requests on an idle TCDM, cycle by cycle (`RedMulECycleModel.idleRun`),
    /// computed once per shape and operand alignment (their banks) in the process.
    func trace(_ cfg: RedMulETilerConfig) -> [UInt8] {
        let key = TraceKey(cfg)
        if let known = RedMulEIdleRuns.shared.trace(key) { return known }
        let run = RedMulECycleModel.idleRun(cfg, trace: true)
        RedMulEIdleRuns.shared.store(trace: run.trace, for: key)
        return run.trace
    }
    struct TraceKey: Hashable {
        let m: Int, n: Int, k: Int, loadsY: Bool, banks: [Int]
        init(_ cfg: RedMulETilerConfig) {
            m = cfg.m; n = cfg.n; k = cfg.k; loadsY = cfg.loadsY; banks = [cfg.x & 63, cfg.w & 63, cfg.z & 63]
        }
    }

    /// The error for a job the RTL deadlocks on (docs/platform.md §7.6), from the cycle model.
    static func deadlockDiagnosis(_ shape: RedMulEShape, matmul: Bool, outcome: RedMulECycleModel.Outcome) -> String? {
        guard case .deadlocks(let stuck) = outcome else { return nil }
        let manyTiles = shape.m > 12 || shape.k > 16
        let hint = matmul && manyTiles ? "; MATMUL with M > 12 or K > 16 always does (use GEMM with Y = 0)"
            : shape.n <= 4 && manyTiles ? "; N ≤ 4 with more than one output tile nearly always does" : ""
        return "this job deadlocks the RTL: \(stuck) (cycle model of the RTL, docs/platform.md §7.5)\(hint)"
    }

    private func trigger(start: Bool, hart: Int, viaAcquire: Bool) {
        let index = programming
        let ctx = contexts[index]
        lastTriggerCycle = now
        if start, let races, hart >= 0, hart < races.harts {
            races.cycle = now
            races.release(hart, into: &raceTrigger, "RedMulE TRIGGER (job \(ctx.jobID))")
        }
        if !viaAcquire {
            report(.note, "\(describeHart(hart)): TRIGGER without ACQUIRE (job id \(ctx.jobID))")
        }
        acquired = false
        programming = 1 - programming
        guard start else { return }
        contexts[index].triggered = true
        let job = describeJob(ctx)
        var errors: [String] = []
        var warnings: [String] = []
        if running != nil {
            errors.append("TRIGGER while job \(running!.id) is running: the RTL never starts a queued second job")
        }
        if !softClearSinceLastJob && running == nil {
            errors.append("job triggered without a SOFT_CLEAR since the previous job: the RTL computes wrong results")
        }
        softClearSinceLastJob = false
        let r = ctx.registers
        let mcfg0 = r[RedMulERegister.mcfg0] ?? 0, mcfg1 = r[RedMulERegister.mcfg1] ?? 0, arith = r[RedMulERegister.arith] ?? 0
        let shape = RedMulEShape(m: Int(mcfg0 & 0xFFFF), n: Int(mcfg1 & 0xFFFF), k: Int(mcfg0 >> 16))
        let operation = RedMulEOperation(rawValue: Int((arith >> 10) & 7))!
        let format = RedMulEFormat(rawValue: Int((arith >> 7) & 3))!
        if ctx.lastJobRegister != RedMulERegister.arith {
            errors.append(ctx.lastJobRegister == nil ? "no job register was written (ARITH starts the tile computation)"
                          : "ARITH was not written after the other job registers (last written: \(RedMulERegister.name(ctx.lastJobRegister!))): the RTL computes tiles from stale sizes")
        }
        if format == .float16Alt { errors.append("format Float16Alt is not supported by this RTL (it produces 0xFFFF)") }
        var computable = format != .float16Alt
        var empty = false
        if shape.m == 0 || shape.n == 0 || shape.k == 0 {
            errors.append("M, N and K must be non-zero (M=\(shape.m) N=\(shape.n) K=\(shape.k))")
            empty = true  // nothing to compute: under --redmule-errors=warn the job completes at once
            computable = false
        } else if shape.rowTiles * shape.columnTiles * shape.depthTiles >= 65536 {
            errors.append("⌈M/12⌉·⌈K/16⌉·⌈N/16⌉ = \(shape.rowTiles * shape.columnTiles * shape.depthTiles) ≥ 65536: tile counter overflow")
            computable = false
        }
        if computable {
            if operation.isMinMax && shape.n % 4 != 0 {
                warnings.append("\(operation.name) with N mod 4 ≠ 0: the zero padding lanes take part in the \(operation == .addMax || operation == .mulMax || operation == .minMax ? "max" : "min")")
            }
        }
        // Memory footprint (reads past X, W, Y and writes past Z included, docs/platform.md §7.4).
        var plan: MemoryPlan?
        if computable {
            let p = MemoryPlan(shape: shape, format: format, x: r[RedMulERegister.xAddress] ?? 0,
                               w: r[RedMulERegister.wAddress] ?? 0, z: r[RedMulERegister.zAddress] ?? 0)
            for (what, range) in p.accessedRanges where !reaches(range) {
                errors.append(String(format: "%@ bytes 0x%08llx-0x%08llx lie outside TCDM", what, range.lowerBound, range.upperBound - 1))
            }
            if zOverlapsInputs(p) { errors.append("Z overlaps X or W: the result would depend on timing") }
            if shape.m % 12 != 0 && paddingCheck == .always && !warnedOverwrite {
                warnedOverwrite = true
                warnings.append(String(format: "M = %d is not a multiple of 12: rows %d..%d of Z (0x%08llx-0x%08llx) are overwritten with stale data (pulpsim writes 0xFF); leave room for them",
                                       shape.m, shape.m, shape.paddedRows - 1, p.zPadding.lowerBound, p.zPadding.upperBound - 1))
            }
            if !errors.contains(where: { $0.contains("outside TCDM") }) { plan = p }
        }
        // Deadlocks, from the cycle model: for a job whose operands fit in the TCDM (the others
        // cannot run; their shapes may be far larger than any that can).
        if let plan, let e = RedMulE.deadlockDiagnosis(shape, matmul: operation == .matmul,
                                                       outcome: outcome(shape, matmul: operation == .matmul, x: plan.x, w: plan.w, z: plan.z)) {
            errors.append(e)
        }
        for w in warnings { report(.warning, "\(describeHart(hart)): job \(ctx.jobID) (\(job)): \(w)") }
        if !errors.isEmpty {
            let message = "\(describeHart(hart)): job \(ctx.jobID) (\(job)): " + errors.joined(separator: "; ")
            if policy == .warn && empty && errors.count == 1 {
                report(.error, message + " (--redmule-errors=warn: empty job, completes at once)")
                startJob(Pending(context: index, id: ctx.jobID, hart: hart, plan: nil, operation: operation, format: format,
                              shape: shape, arithAt: ctx.arithWrittenAt ?? now, triggeredAt: now))
                return
            }
            if policy == .error || plan == nil {
                report(.error, message)
                context.finish(.redmuleError(message + (plan == nil && policy == .warn ? " (cannot be computed)" : "")))
                contexts[index].triggered = false
                return
            }
            report(.error, message + " (--redmule-errors=warn: computed as intended)")
        }
        guard let plan else { return }
        let pending = Pending(context: index, id: ctx.jobID, hart: hart, plan: plan, operation: operation, format: format,
                              shape: shape, arithAt: ctx.arithWrittenAt ?? now, triggeredAt: now)
        if running != nil {
            // Only reachable with --redmule-errors=warn: run it when the current job is done.
            queued = pending
            return
        }
        startJob(pending)
    }

    /// A job starting reads, as X, W or Y, padding rows an earlier job stored and nothing has
    /// written since: the warning of `--redmule-padding=read`.
    func checkOperands(_ plan: MemoryPlan, operation: RedMulEOperation, job: UInt32, hart: Int) {
        guard padding.active else { return }
        let s = plan.shape
        var operands = [("X", plan.x, s.m * 2 * s.n), ("W", plan.w, s.n * 2 * s.k)]
        if operation != .matmul { operands.append(("Y", plan.z, s.m * 2 * s.k)) }
        for (name, base, bytes) in operands {
            guard let (region, address) = padding.read(base, count: bytes) else { continue }
            report(.warning, String(format: "%@: job %d reads byte 0x%08x as %@ (row %d), a padding row that %@ stored by cycle %llu and nothing has written since: it holds stale data (pulpsim: 0xFF)",
                                    describeHart(hart), job, address, name, Int(address &- base) / (name == "X" ? 2 * s.n : 2 * s.k),
                                    region.summary, region.cycle))
        }
    }

    /// A triggered job waiting to start.
    struct Pending {
        let context: Int, id: UInt32, hart: Int
        let plan: MemoryPlan?
        let operation: RedMulEOperation, format: RedMulEFormat, shape: RedMulEShape
        let arithAt: UInt64
        /// When TRIGGER was written.
        var triggeredAt: UInt64 = 0
    }
    var queued: Pending?

    /// Starts a job: its data flow (the operands as the TCDM holds them now, until its reads come),
    /// its requests in time and its completion (docs/platform.md §7.4, §7.5).
    private func startJob(_ p: Pending) {
        let index = p.context, hart = p.hart, shape = p.shape, operation = p.operation, format = p.format
        let job = describeJob(contexts[index])
        let startCycle = max(now + 7, p.arithAt + 35)
        var duration: UInt64 = 0, accesses: UInt64 = 0
        var completes = false
        if p.plan != nil {
            switch outcome(shape, matmul: operation == .matmul) {
            case .completes(let cycles, let requests):
                duration = RedMulETiming.duration(modelCycles: cycles)
                accesses = UInt64(requests)
                completes = true
            case .deadlocks:
                // Computed as intended under --redmule-errors=warn (§7.6): it takes its compute
                // cycles, 4 per row of W and output tile, and a prologue.
                duration = UInt64(4 * shape.n4 * shape.rowTiles * shape.columnTiles + 100)
            }
        }
        let endCycle = startCycle + duration
        let id = p.id
        flow = nil
        flowCodes = []
        flowCursor = 0
        guard let plan = p.plan else {
            let token = context.schedule(at: endCycle, event: RedMulE.completeEvent) { [unowned self] in self.complete() }
            running = RunningJob(context: index, id: id, hart: hart, token: token, start: startCycle, end: endCycle)
            runningRecord = RedMulEJobRecord(id: id, hart: hart, operation: operation, format: format, shape: shape, computed: false,
                                             triggered: p.triggeredAt, start: startCycle, end: endCycle, tcdmAccesses: 0)
            runningTitle = "job \(id): empty"
            runningAccesses = 0
            return
        }
        // With contended banks the job runs on its cycle model as the cores' accesses settle.
        let contended = arbiter != nil && accesses > 0
        context.trace(hart: hart, String(format: "job %d triggered: %@; starts at cycle %llu, completes at cycle %llu%@; reads X 0x%08llx-0x%08llx W 0x%08llx-0x%08llx Y 0x%08llx-0x%08llx, writes Z 0x%08llx-0x%08llx",
                                            id, job, startCycle, endCycle, contended ? " on an idle TCDM" : "",
                                            plan.xRange.lowerBound, plan.xRange.upperBound - 1,
                                            plan.wRange.lowerBound, plan.wRange.upperBound - 1, plan.yRange.lowerBound,
                                            plan.yRange.upperBound - 1, plan.zRange.lowerBound, plan.zRange.upperBound - 1))
        let token: UInt64
        let cfg = RedMulETilerConfig(m: shape.m, n: shape.n, k: shape.k, loadsY: operation != .matmul, x: plan.x, w: plan.w, z: plan.z)
        let hci = hciControl()
        let maxStall = Int(hci & 0xFF), inverted = hci & (1 << 8) != 0
        checkOperands(plan, operation: operation, job: id, hart: hart)
        flow = RedMulEDataFlow(plan: plan, operation: operation, format: format, frozen: zOverlapsInputs(plan), port: port)
        if paddingCheck == .read {
            flow!.padding = padding
            flow!.job = id
            jobsStarted &+= 1
            flow!.serial = jobsStarted
            flow!.cycle = { [unowned self] in self.context.now }
        }
        let codes = completes ? requestCodes(shape, matmul: operation == .matmul) : []
        var followsCodes = true
        if contended, let arbiter, inverted && maxStall == 0 {
            // RedMulE first (HCI invert_prio): never refused, it holds the banks of each request.
            arbiter.hold(from: startCycle, banks: RedMulECycleModel.heldBanks(trace(cfg)))
            token = context.schedule(at: endCycle, event: RedMulE.completeEvent) { [unowned self] in self.complete() }
        } else if contended, let arbiter {
            followsCodes = false
            var j = LiveJob(cfg: cfg, trace: trace(cfg), codes: codes, model: maxStall > 0 ? RedMulECycleModel(cfg) : nil, start: startCycle,
                            cursor: startCycle, predicted: endCycle)
            j.maxStall = maxStall
            j.inverted = inverted
            arbiter.watch(from: startCycle)
            let bound = prepareStallWindow(j)
            live = j
            var first = endCycle > startCycle + RedMulE.endgame ? min(endCycle - RedMulE.endgame, startCycle + RedMulE.syncInterval) : startCycle + 2
            first = min(first, bound, startCycle + dataInterval)
            token = context.schedule(at: first, event: RedMulE.syncEvent) { [unowned self] in self.sync() }
        } else {
            token = context.schedule(at: endCycle, event: RedMulE.completeEvent) { [unowned self] in self.complete() }
        }
        if followsCodes && !codes.isEmpty {
            flowCodes = codes
            flowToken = context.schedule(at: min(startCycle + dataInterval, endCycle), event: RedMulE.flowEvent) { [unowned self] in self.flowSync() }
        }
        running = RunningJob(context: index, id: id, hart: hart, token: token, start: startCycle, end: endCycle)
        if let races { raceJob(races, p, plan: plan) }
        runningRecord = RedMulEJobRecord(id: id, hart: hart, operation: operation, format: format, shape: shape, computed: true,
                                         triggered: p.triggeredAt, start: startCycle, end: endCycle, tcdmAccesses: 0)
        runningTitle = "job \(id): \(operation.name) \(format.name) \(shape.m)x\(shape.n)x\(shape.k)"
        runningAccesses = accesses
        totalFMAs += UInt64(shape.m * shape.n4 * shape.k)
    }

    /// Steps the running job's model through the cycles before now, which the arbiter settles
    /// first (every awake core has reached now): a request is granted unless a core, external
    /// port or DMA port asked its first bank in its cycle. Then completes the job, or comes back
    /// `endgame` cycles before its predicted completion or after `syncInterval` cycles,
    /// whichever is first, and every 2 cycles from there on.
    private func sync() {
        guard var j = live, var job = running, let arbiter else { return }
        arbiter.resolve(before: now)
        // Along the idle trace while nothing is refused.
        while j.model == nil && j.cursor < now && Int(j.cursor - j.start) < j.trace.count {
            let i = Int(j.cursor - j.start), bank = j.trace[i]
            if bank != RedMulECycleModel.noRequest && arbiter.asked(j.cursor) & (UInt16(1) << UInt16(bank)) != 0 {
                // The first refusal: the model takes over, in the state it has at this cycle.
                var model = RedMulECycleModel(j.cfg)
                for _ in 0..<i { model.step() }
                j.model = model
                break
            }
            _ = arbiter.take(j.cursor)
            if bank != RedMulECycleModel.noRequest {
                j.accesses += 1
                if i < j.codes.count { flow?.apply(code: j.codes[i], port: port, hart: job.hart) }
            }
            j.cursor += 1
        }
        if j.model == nil && Int(j.cursor - j.start) == j.trace.count {
            // Through the cycle after FINISHED without a refusal: the idle duration.
            finishLive(j, modelCycles: j.trace.count - 1)
            return
        }
        if var model = j.model {
            while j.cursor < now && !model.finished && !model.stuck {
                let asked = arbiter.take(j.cursor)
                var granted = true
                // HCI low_prio_max_stall: after that many cycles in a row in which both branches
                // asked, the losing one has every bank for a cycle (`prepareStallWindow`).
                let override = j.maxStall > 0 && j.stallCount >= j.maxStall
                if let r = model.request() {
                    let bank = Int(r.address >> 2) & 15
                    j.stallCount = override ? 0 : asked != 0 ? j.stallCount + 1 : 0
                    if j.inverted ? override : !override && asked & (UInt16(1) << UInt16(bank)) != 0 {
                        granted = false
                        tcdmStallCycles += 1
                        j.refused += 1
                        j.refusedInARow += 1
                        if j.refusedInARow == RedMulE.starvation && !j.starving {
                            j.starving = true
                            report(.warning, "\(runningTitle): its TCDM requests have been refused for \(RedMulE.starvation) cycles in a row (cycle \(j.cursor)): a core, external port or DMA port asks bank \(bank) every cycle, and the interconnect gives them priority; the RTL waits as long (redmule_priority_first, or fewer accesses to that bank; docs/platform.md §7.5)")
                        }
                    } else {
                        j.accesses += 1
                        j.refusedInARow = 0
                        flow?.apply(r, port: port, hart: job.hart)
                    }
                } else {
                    j.stallCount = 0
                }
                model.clock(granted: granted)
                j.cursor += 1
            }
            j.model = model
        }
        if var model = j.model, model.finished {
            if let r = model.request() {  // (the cycle after FINISHED, §7.5)
                j.accesses += 1
                flow?.apply(r, port: port, hart: job.hart)
            }
            finishLive(j, modelCycles: model.cycle)
            return
        }
        if let model = j.model, model.stuck {
            // Refused requests drove the RTL into one of its deadlocks (§7.6).
            live = nil
            arbiter.watch(from: nil)
            let message = "\(describeHart(job.hart)): \(runningTitle): deadlocks the RTL under TCDM contention: \(model.stuckDescription) of the job; \(j.refused) of its requests were refused because a core, external port or DMA port had the bank (cycle model of the RTL, docs/platform.md §7.5)"
            if policy == .error {
                report(.error, message)
                context.finish(.redmuleError(message))
                return
            }
            report(.error, message + " (--redmule-errors=warn: computed as intended, completes now)")
            running!.end = now
            complete()
            return
        }
        if now >= j.predicted, let model = j.model {
            // Where the job would end from here with every request granted. (Refusals usually
            // delay the end, but not always: close to it the model is stepped every 2 cycles,
            // so that the completion comes at its exact cycle.)
            var ideal = model
            let bound = ideal.cycle + 8 * ideal.cfg.wRowsIter * ideal.cfg.xRowsIter * ideal.cfg.wColsIter + 1000
            while !ideal.finished && !ideal.stuck && ideal.cycle <= bound { ideal.step() }
            j.predicted = ideal.finished ? j.start + RedMulETiming.duration(modelCycles: ideal.cycle) : now + RedMulE.syncInterval
        }
        live = j
        job.end = j.predicted
        var next = now + RedMulE.endgame >= j.predicted ? now + 2 : min(j.predicted - RedMulE.endgame, now + RedMulE.syncInterval)
        next = min(next, prepareStallWindow(j), now + dataInterval)
        job.token = context.schedule(at: max(now + 1, next), event: RedMulE.syncEvent) { [unowned self] in self.sync() }
        running = job
    }

    /// With HCI `low_prio_max_stall`, what the arbiter needs before it settles the cycles from
    /// the live job's cursor on (nothing there is settled yet), and the cycle by which the job
    /// must look again: the earliest cycle in which the count of consecutive cycles in which
    /// both branches asked can reach the maximum (it grows by at most one a cycle).
    /// `hci_arbiter`: in such a cycle the losing branch has every bank and the other is refused
    /// on all of them. With the reset priority RedMulE then has the cycle: every core, external
    /// port and DMA port asking any bank waits (all 16 banks held). With `invert_prio` RedMulE
    /// holds the banks of its requests in the other cycles (its requests until then, the model
    /// stepped ahead with every one granted), and in that cycle is refused.
    private func prepareStallWindow(_ j: LiveJob) -> UInt64 {
        guard j.maxStall > 0, let model = j.model, let arbiter else { return .max }
        let overrideNow = j.stallCount >= j.maxStall
        let first = overrideNow ? j.cursor + 1 : j.cursor
        let count = overrideNow ? j.maxStall : j.maxStall - j.stallCount
        if !j.inverted {
            if overrideNow { arbiter.hold(from: j.cursor, banks: [0xFFFF]) }
            return first + UInt64(count)
        }
        var ahead = model
        if overrideNow { _ = ahead.request(); ahead.clock(granted: false) }
        var banks: [UInt8] = []
        banks.reserveCapacity(count)
        for _ in 0..<count {
            banks.append(ahead.request().map { UInt8((Int($0.address) >> 2) & 15) } ?? RedMulECycleModel.noRequest)
            ahead.clock(granted: true)
        }
        arbiter.hold(from: first, banks: RedMulECycleModel.heldBanks(banks))
        return first + UInt64(count)
    }

    /// The live job is over: its completion, `modelCycles` cycles of the model from its start
    /// (and the event 2 later), now or when due.
    private func finishLive(_ j: LiveJob, modelCycles: Int) {
        live = nil
        arbiter?.watch(from: nil)
        runningAccesses = j.accesses
        let end = j.start + RedMulETiming.duration(modelCycles: modelCycles)
        running!.end = max(end, now)
        if end > now {
            running!.token = context.schedule(at: end, event: RedMulE.completeEvent) { [unowned self] in self.complete() }
        } else {
            if end < now { lateCompletions += 1 }
            complete()
        }
    }

    /// Applies the requests of a job that follows its idle run (`flowCodes`) up to now, and comes
    /// back `dataInterval` cycles later while some are left.
    private func flowSync() {
        flowToken = nil
        guard let job = running, flow != nil else { return }
        advanceFlow(before: now, hart: job.hart, start: job.start)
        if flowCursor < flowCodes.count {
            flowToken = context.schedule(at: now + dataInterval, event: RedMulE.flowEvent) { [unowned self] in self.flowSync() }
        }
    }

    /// The requests of `flowCodes` in the cycles before `cycle`.
    private func advanceFlow(before cycle: UInt64, hart: Int, start: UInt64) {
        while flowCursor < flowCodes.count && start + UInt64(flowCursor) < cycle {
            let code = flowCodes[flowCursor]
            if code != RedMulECycleModel.noRequestCode { flow?.apply(code: code, port: port, hart: hart) }
            flowCursor += 1
        }
    }

    private func complete() {
        guard let job = running else { return }
        if let token = flowToken { context.cancel(token); flowToken = nil }
        advanceFlow(before: .max, hart: job.hart, start: job.start)
        if var f = flow, f.stores < f.storesDue {
            // A job that ended without its requests (an RTL deadlock, computed as intended).
            f.storeAll(port: port, hart: job.hart)
        }
        flow = nil
        flowCodes = []
        running = nil
        contexts[job.context].triggered = false
        finishedCount = min(finishedCount + 1, 2)
        jobsCompleted += 1
        busyCycles += job.end - job.start
        lastJobTiming = (lastTriggerCycle, job.start, job.end)
        if let races {
            races.cycle = now
            RaceDetector.join(&races.lineClocks[EventLine.redmule], races.clocks[races.redmule])
            races.release(races.redmule, into: &races.redmuleDone, "completion of job \(job.id)")
        }
        if var record = runningRecord {
            record.end = job.end
            record.tcdmAccesses = runningAccesses
            completedJobs.append(record)
            context.timelineJobPower(record)
            runningRecord = nil
        }
        context.timelineSpan(runningTitle, from: job.start, to: job.end, tcdmAccesses: runningAccesses)
        context.trace(hart: job.hart, "job \(job.id) done (started at cycle \(job.start), \(job.end - job.start) cycles); completion signalled")
        signal(job.hart)
        if let next = queued {
            queued = nil
            startJob(next)
        }
    }

    /// Z (the logical M×K result) overlapping the logical X or W, in whichever views of the TCDM
    /// the addresses are given.
    func zOverlapsInputs(_ p: MemoryPlan) -> Bool {
        let s = p.shape
        func range(_ base: UInt32, _ bytes: Int) -> (ObjectIdentifier, Range<Int>)? {
            guard let at = port.location(base) else { return nil }
            return (at.memory, at.offset..<(at.offset + bytes))
        }
        guard let z = range(p.z, s.m * 2 * s.k) else { return false }
        for input in [range(p.x, s.m * 2 * s.n), range(p.w, s.n * 2 * s.k)] {
            if let input, input.0 == z.0, input.1.overlaps(z.1) { return true }
        }
        return false
    }

    /// Whether the byte range lies entirely inside TCDM (one of RedMulE's views of it).
    func reaches(_ range: Range<UInt64>) -> Bool {
        range.upperBound <= 1 << 32 && port.reaches(UInt32(range.lowerBound), count: Int(range.upperBound - range.lowerBound))
    }

    func describeWrite(_ offset: UInt32, _ value: UInt32) -> String {
        switch offset {
        case RedMulERegister.trigger: return String(format: "TRIGGER <- 0x%x%@", value, value == 0 ? " (commit and start)" : " (commit only)")
        case RedMulERegister.mcfg0: return "MCFG0 <- M=\(value & 0xFFFF) K=\(value >> 16)"
        case RedMulERegister.mcfg1: return "MCFG1 <- N=\(value & 0xFFFF)"
        case RedMulERegister.arith:
            let op = RedMulEOperation(rawValue: Int((value >> 10) & 7))!, fmt = RedMulEFormat(rawValue: Int((value >> 7) & 3))!
            return String(format: "ARITH <- 0x%08x (%@, %@)", value, op.name, fmt.name)
        case RedMulERegister.xAddress, RedMulERegister.wAddress, RedMulERegister.zAddress:
            return String(format: "%@ <- 0x%08x", RedMulERegister.name(offset), value)
        default: return String(format: "register 0x%02x <- 0x%08x", offset, value)
        }
    }

    func describeJob(_ ctx: Context) -> String {
        let r = ctx.registers
        let mcfg0 = r[RedMulERegister.mcfg0] ?? 0, arith = r[RedMulERegister.arith] ?? 0
        let op = RedMulEOperation(rawValue: Int((arith >> 10) & 7))!, fmt = RedMulEFormat(rawValue: Int((arith >> 7) & 3))!
        return String(format: "%@ %@, M=%d N=%d K=%d, X=0x%08x W=0x%08x Z=0x%08x", op.name, fmt.name, mcfg0 & 0xFFFF,
                      (r[RedMulERegister.mcfg1] ?? 0) & 0xFFFF, mcfg0 >> 16, r[RedMulERegister.xAddress] ?? 0,
                      r[RedMulERegister.wAddress] ?? 0, r[RedMulERegister.zAddress] ?? 0)
    }

    /// State summary for reports and debugger `monitor` commands.
    public func describe() -> String {
        var lines = [String(format: "STATUS 0x%08x  FINISHED %d  programming context %d%@  next job id %d",
                            statusValue, finishedCount, programming, acquired ? " (acquired)" : "", nextJobID)]
        for (i, c) in contexts.enumerated() {
            lines.append("context \(i): job \(c.jobID)\(c.triggered ? " triggered" : "")  \(describeJob(c))")
        }
        if let running {
            lines.append("running: job \(running.id) of hart \(running.hart), cycles \(running.start)-\(running.end)")
        }
        lines.append("completed jobs: \(jobsCompleted), FMAs: \(totalFMAs), busy cycles: \(busyCycles)")
        return lines.joined(separator: "\n")
    }
}

/// Where a job's operands live and which bytes it touches (docs/platform.md §7.4).
struct MemoryPlan {
    let shape: RedMulEShape
    let format: RedMulEFormat
    let x: UInt32, w: UInt32, z: UInt32

    /// Bytes read for `rows` rows of a matrix with `cols` columns at `base`: each row in 36-byte
    /// accesses from its word-aligned start, one per 16 columns.
    func readRange(_ base: UInt32, rows: Int, cols: Int) -> Range<UInt64> {
        let chunks = (cols + 15) / 16
        let first = UInt64(base) & ~3
        let lastRowStart = (UInt64(base) + UInt64((rows - 1) * 2 * cols)) & ~3
        return first..<(lastRowStart + UInt64(32 * (chunks - 1) + 36))
    }

    var xRange: Range<UInt64> { readRange(x, rows: shape.m, cols: shape.n) }
    var wRange: Range<UInt64> { readRange(w, rows: shape.n4, cols: shape.k) }
    var yRange: Range<UInt64> { readRange(z, rows: shape.paddedRows, cols: shape.k) }
    /// Bytes written: all padded rows of Z.
    var zRange: Range<UInt64> { UInt64(z)..<(UInt64(z) + UInt64(shape.paddedRows * 2 * shape.k)) }
    /// The rows of Z past M that the job overwrites (M mod 12 ≠ 0).
    var zPadding: Range<UInt64> {
        let start = UInt64(z) + UInt64(shape.m * 2 * shape.k)
        return start..<(start + UInt64((shape.paddedRows - shape.m) * 2 * shape.k))
    }

    var accessedRanges: [(String, Range<UInt64>)] {
        [("X reads", xRange), ("W reads (rows up to N4-1)", wRange), ("Y reads (rows up to 12*ceil(M/12)-1)", yRange),
         ("Z writes (rows up to 12*ceil(M/12)-1)", zRange)]
    }

}

/// Job timing (docs/platform.md §7.5): a job runs on `RedMulECycleModel`, the cycle model of the
/// RTL's control path, from its start, `max(t_TRIGGER + 7, t_ARITH + 35)`.
public enum RedMulETiming {
    /// Cycles from pulpsim's start of a job to its completion event, for a job the model runs
    /// in `cycles` cycles (the controller's STARTING state to the end of FINISHED): the event
    /// comes 2 cycles after FINISHED.
    static func duration(modelCycles cycles: Int) -> UInt64 { UInt64(cycles + 2) }

    /// Cycles from the job's start to its completion event on an idle TCDM; nil if the RTL
    /// deadlocks on the job.
    public static func duration(_ s: RedMulEShape, matmul: Bool = false) -> UInt64? {
        guard s.m > 0, s.n > 0, s.k > 0 else { return nil }
        return RedMulECycleModel.idleCycles(RedMulETilerConfig(m: s.m, n: s.n, k: s.k, loadsY: !matmul)).map { duration(modelCycles: $0) }
    }
}

/// The cycle model's runs on an idle TCDM, shared by every machine of the process: a pure
/// function of the job's configuration, worth keeping across machines (a regression run, the
/// Python API or a fuzzer builds many; a large job's run takes seconds). Bounded: outcomes by
/// count, traces by bytes; past a bound the store starts again.
final class RedMulEIdleRuns: @unchecked Sendable {
    static let shared = RedMulEIdleRuns()
    static let outcomeLimit = 4096
    static let traceByteLimit = 64 << 20
    private let lock = NSLock()
    private var outcomes: [RedMulE.TimingKey: RedMulECycleModel.Outcome] = [:]
    private var traces: [RedMulE.TraceKey: [UInt8]] = [:]
    private var codes: [RedMulE.TimingKey: [UInt32]] = [:]
    private var traceBytes = 0, codeBytes = 0

    func outcome(_ key: RedMulE.TimingKey) -> RedMulECycleModel.Outcome? { lock.withLock { outcomes[key] } }

    func store(outcome: RedMulECycleModel.Outcome, for key: RedMulE.TimingKey) {
        lock.withLock {
            if outcomes.count >= RedMulEIdleRuns.outcomeLimit { outcomes.removeAll() }
            outcomes[key] = outcome
        }
    }

    func trace(_ key: RedMulE.TraceKey) -> [UInt8]? { lock.withLock { traces[key] } }

    func codes(_ key: RedMulE.TimingKey) -> [UInt32]? { lock.withLock { codes[key] } }

    func store(codes list: [UInt32], for key: RedMulE.TimingKey) {
        lock.withLock {
            if codeBytes + 4 * list.count > RedMulEIdleRuns.traceByteLimit || codes.count >= 256 {
                codes.removeAll()
                codeBytes = 0
            }
            if codes.updateValue(list, forKey: key) == nil { codeBytes += 4 * list.count }
        }
    }

    func store(trace: [UInt8], for key: RedMulE.TraceKey) {
        lock.withLock {
            if traceBytes + trace.count > RedMulEIdleRuns.traceByteLimit || traces.count >= 256 {
                traces.removeAll()
                traceBytes = 0
            }
            if traces.updateValue(trace, forKey: key) == nil { traceBytes += trace.count }
        }
    }
}
