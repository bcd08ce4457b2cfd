// Machine: one simulated platform — the kernel (scheduler, event queue, interpreter, debug
// state), the memories and devices its description names, ELF loading, and the public API
// library users, the command line and the gdb server drive.
//
// How the parts fit and how time and data flow between them: docs/architecture.md.

import Foundation
import PulpFloat

/// Everything that configures a run besides the ELF.
public struct MachineOptions: Sendable {
    public var platform = PlatformOptions()
    /// Cycles a hart may run ahead of the slowest running hart before the next one's turn (0 = automatic).
    public var quantum: Int = 0
    public var maxInstructions: UInt64? = nil
    public var maxCycles: UInt64? = nil
    /// Wall-clock limit in seconds.
    public var timeout: Double? = nil
    public var stdoutPrefix = false
    public var echoOutput = true
    public var captureOutput = false
    /// Progress line on stderr every second (the CLI enables it for terminals).
    public var progress = false
    /// Whether RedMulE misprogramming that the RTL cannot survive stops the run.
    public var redmuleErrors: RedMulEErrorPolicy = .error
    /// Whether DMA misprogramming stops the run (`warn`: the transfer is dropped).
    public var dmaErrors: DMAErrorPolicy = .error
    /// When RedMulE's Z padding rows (M mod 12 ≠ 0) are reported: when read before written
    /// (`read`), at the first such job (`always`) or never (RedMulE/RedMulEPadding.swift).
    public var redmulePadding: RedMulEPaddingCheck = .read
    /// Print device (RedMulE, DMA) warnings and errors on stderr as they happen.
    public var printDiagnostics = false
    /// Count every hart's stall cycles by cause (`RunResult` hart summaries, `--stats`); the
    /// harts then run the counting variant of compiled code (or the interpreter's counting
    /// loop), which is slower.
    public var countStalls = false
    /// The energy and utilisation report (`RunResult.energy`, Energy/EnergyModel.swift); it
    /// counts events as `countStalls` does.
    public var energy = false
    /// The happens-before race detector over RAM (`--check-races`, Analysis/RaceDetector.swift):
    /// every hart then runs the capturing loop, as for a trace.
    public var checkRaces = false
    /// TCDM bank conflicts between the cluster cores (Kernel/TCDMArbiter.swift); off: every
    /// access is served at once, as if each core had its own banks.
    public var tcdmContention = true
    /// The fast path runs straight-line code as blocks (Kernel/Interpreter.swift,
    /// `executeBlocks`); off: one decoded instruction at a time. Results are the same either way.
    public var blockExecution = true
    /// Blocks are compiled to host code (Kernel/BlockCompiler.swift; x86-64 Linux hosts); off:
    /// the block loop runs their decoded entries. Results are the same either way.
    public var compileBlocks = true
    /// Extra cycles of a cluster core's load or store to L2 (the round trip through the cluster
    /// bus and the SoC interconnect, docs/platform.md §1 "Memory latency"); nil: the platform's
    /// default (`Machine.defaultL2Latency` where there is an L2, else none).
    public var l2Latency: Int? = nil
    public static let l2LatencyRange = 0...1000
    public init() {}
    public init(platform: PlatformKind) { self.platform = PlatformOptions(kind: platform) }
}

/// Where `run(until:)` should stop.
public enum RunTarget: Sendable {
    case end
    case pc(UInt32)
    case symbol(String)
    case instructions(UInt64)
    /// For this many more cycles of simulated time: until every running hart has reached the
    /// cycle that many after the earliest running hart's (or, all asleep, the latest hart's).
    case cycles(UInt64)
    /// Until a device completes work: a RedMulE job or a DMA transfer (its completion event
    /// has fired; the run stops before any hart runs past that cycle).
    case completion(DeviceCompletion)
}

/// What `RunTarget.completion` waits for.
public enum DeviceCompletion: String, Sendable, CaseIterable {
    case redmuleJob = "redmule"
    case dmaTransfer = "dma"
    case any = "any"
}

/// Errors raised when setting a machine up (not during a run).
public enum MachineError: Error, CustomStringConvertible {
    case invalidOption(String)
    case unknownSymbol(String)
    public var description: String {
        switch self {
        case .invalidOption(let s): return s
        case .unknownSymbol(let s): return "no symbol named '\(s)' in the ELF"
        }
    }
}

/// A simulated platform with its harts.
public final class Machine {
    public let options: MachineOptions
    /// The platform, as data (memory map, devices, boot convention).
    public let platform: PlatformDescription
    public let bus = Bus()
    public let control = RunControl()
    public let console: Console
    public let harts: [Hart]
    /// Timed device events (timer matches, accelerator completions).
    public let events = EventQueue()
    let scheduler: Scheduler
    /// The slow-path instruction being finished runs while other harts run (its TCDM accesses
    /// go to the arbiter).
    var slowPathShared = false
    /// The hart whose turn ran last (the one that ended the run, when it exited).
    var lastTurnHart = -1
    /// Settles the cluster cores' TCDM bank conflicts (nil: no TCDM, one core, or turned off).
    /// (Read every turn and set once when the machine is built: no run-time exclusivity check.)
    @exclusivity(unchecked) private(set) var arbiter: TCDMArbiter? = nil
    let debug = DebugState()
    let interpreter: Interpreter
    public private(set) var symbols = SymbolTable([])
    public private(set) var image: ElfImage?
    public private(set) var htif: HTIF?
    /// The platform's memories and devices.
    private(set) var parts = BuiltPlatform()
    /// The cluster event unit (pulp-cluster only).
    public var eventUnit: EventUnit? { parts.eventUnit }
    public var timer: ClusterTimer? { parts.timer }
    public var redmule: RedMulE? { parts.redmule }
    /// The cluster DMA (pulp-cluster only).
    public var dma: ClusterDMA? { parts.dma }
    /// The fabric controller's hart index (`pulp`: after the cluster cores), if the platform has one.
    public var fabricController: Int? { platform.fabricController ? platform.harts : nil }
    /// The fabric controller's interrupt controller (`pulp` only).
    public var fcInterrupts: FCInterruptController? { parts.fcInterrupts }
    /// Device diagnostics of this run (RedMulE warnings, errors, notes).
    public internal(set) var diagnostics: [DeviceDiagnostic] = []
    /// Where the fabric controller started each cluster core (`pulp`; nil: not started that way).
    var startedAt: [Int: UInt32] = [:]
    /// What a replay of the debugger's history notes (Debug/ReverseExecution.swift).
    @exclusivity(unchecked) var probe: ReplayProbe?
    /// Periodic snapshots (`--snapshot-every`, Snapshot/Machine+Snapshot.swift). (This and the
    /// probe are read every turn and changed only between turns: no run-time exclusivity checks.)
    @exclusivity(unchecked) var snapshots = PeriodicSnapshots()
    /// Every device's context, in the order the platform built them (timed events and snapshots
    /// name a device by its index here).
    var deviceContexts: [DeviceContext] = []
    /// Faults taken through the boot vector table (warned about, up to a limit).
    var unexpectedTraps = 0
    /// When set, only these harts are scheduled (debugger `vCont;c:TID`); the others stay frozen.
    public var runnableHarts: Set<Int>? { didSet { scheduler.runnable(runnableHarts) } }
    /// Checked about every thousand scheduling rounds; returning true stops the run (debugger Ctrl-C).
    public var interruptCheck: (() -> Bool)?
    /// Checked after every scheduling round; a signal number ends the run as `.interrupted`
    /// (the command-line tool's SIGINT/SIGTERM handling: the trace and output are flushed).
    public var signalCheck: (() -> Int32)?
    /// Data watchpoints (debugger): address ranges and whether reads and/or writes trigger them.
    public var watchpoints: [Watchpoint] {
        get { debug.watchpoints }
        set { debug.watchpoints = newValue; updateObservation() }
    }
    /// The watchpoint access that stopped the run, if any (the debugger clears it to resume).
    public var watchHit: (address: UInt32, isWrite: Bool, hart: Int)? {
        get { debug.watchHit }
        set { debug.watchHit = newValue }
    }
    /// Addresses where execution stops before executing (debugger breakpoints, run-until).
    public var breakpoints: Set<UInt32> { debug.breakpoints }
    /// The Perfetto timeline being recorded (see `setTimeline`).
    /// (This and the next two are read every turn and set only between runs: no run-time
    /// exclusivity checks.)
    @exclusivity(unchecked) public private(set) var timeline: Timeline?
    /// The race detector (`MachineOptions.checkRaces`).
    var races: RaceDetector?
    /// The instruction tracer, when tracing (see `setTracer`).
    @exclusivity(unchecked) public internal(set) var tracer: Tracer?
    /// Per hart: instructions retired before which tracing stays off (post-mortem replays).
    @exclusivity(unchecked) var traceThreshold: [UInt64] = []
    /// Cluster cycle of the access or event being processed.
    public var now: UInt64 {
        get { scheduler.now }
        set { scheduler.now = newValue }
    }
    /// Cycles a hart may run ahead of the slowest running hart before the next one's turn.
    public var quantum: Int { Int(scheduler.quantum) }
    public static let defaultQuantum = 256
    /// Extra cycles of a cluster core's L2 access by default: GVSoC's pulp-open model (request
    /// latency 2 in the cluster crossbar + 12 in the SoC AXI crossbar, docs/platform.md §1).
    public static let defaultL2Latency = 14

    public init(options: MachineOptions = MachineOptions()) throws {
        let p = options.platform
        guard p.hartRange.contains(p.harts) else {
            throw MachineError.invalidOption(p.hartRange.count == 1
                ? "--harts: platform \(p.kind.rawValue) has exactly one hart (got \(p.harts))"
                : "--harts must be between 1 and 8 (got \(p.harts))")
        }
        func size(_ bytes: UInt32) -> String { bytes % 1024 == 0 ? "\(bytes / 1024) KiB" : "\(bytes) bytes" }
        guard PlatformOptions.tcdmRange.contains(p.tcdmSize) else {
            throw MachineError.invalidOption("--tcdm-kib: the TCDM size must be between 4 KiB and 1 MiB (got \(size(p.tcdmSize)))")
        }
        guard PlatformOptions.l2Range.contains(p.l2Size) else {
            throw MachineError.invalidOption("--l2-kib: the L2 size must be between 4 KiB and 64 MiB (got \(size(p.l2Size)))")
        }
        guard PlatformOptions.ramRange.contains(p.ramSize) else {
            throw MachineError.invalidOption("--ram-mib: the RAM size must be between 4 KiB and 2 GiB (got \(size(p.ramSize)))")
        }
        guard options.quantum >= 0 else { throw MachineError.invalidOption("the quantum must be at least 1 cycle") }
        if let l2 = options.l2Latency, !MachineOptions.l2LatencyRange.contains(l2) {
            throw MachineError.invalidOption("--l2-latency: must be between \(MachineOptions.l2LatencyRange.lowerBound) and \(MachineOptions.l2LatencyRange.upperBound) cycles (got \(l2))")
        }
        self.options = options
        platform = p.description
        console = Console(prefixHart: options.stdoutPrefix, echoToStandardOutput: options.echoOutput,
                          capture: options.captureOutput)
        var harts = (0..<p.harts).map { Hart(index: $0, hartID: UInt32($0)) }
        if platform.fabricController {
            harts.append(Hart(index: p.harts, hartID: PlatformDescription.fabricControllerHartID))
        }
        self.harts = harts
        for h in harts { h.countsStalls = options.countStalls || options.energy }
        scheduler = Scheduler(harts: harts, events: events,
                              quantum: UInt64(options.quantum > 0 ? options.quantum : Machine.defaultQuantum))
        interpreter = Interpreter(bus: bus, debug: debug, extensions: platform.extensions)
        interpreter.blockExecution = options.blockExecution
        interpreter.compileBlocks = options.compileBlocks
        parts = PlatformBuilder.build(platform, on: self)
        interpreter.noteTCDM(parts.tcdm)
        // The cluster cores' round trip to L2 (the pulp fabric controller has a table of its own).
        if let l2 = platform.memories.first(where: { $0.kind == .l2 }) {
            let cycles = UInt32(options.l2Latency ?? Machine.defaultL2Latency)
            for view in l2.views where cycles > 0 { bus.setAccessLatency(cycles, start: view.start, size: l2.size) }
        }
        // Bank conflicts among the cluster cores, between them and the DMA's TCDM ports, and
        // RedMulE's port waiting for them.
        arbiter = options.tcdmContention && parts.tcdm != nil && (p.harts > 1 || parts.dma != nil || parts.redmule != nil)
            ? TCDMArbiter(cores: p.harts, dma: parts.dma != nil, cores: scheduler.cores) : nil
        if let arbiter, let dma = parts.dma { dma.engine.attach(arbiter: arbiter) }
        if let arbiter, let redmule = parts.redmule { redmule.attach(arbiter: arbiter) }
        // Padding rows watched until read: the interpreter sends the accesses near them to its
        // slow path, and the DMA reports its TCDM reads and writes.
        if let redmule = parts.redmule {
            redmule.paddingCheck = options.redmulePadding
            // (Weak: the interpreter holds the bus, which holds RedMulE and so this closure.)
            redmule.padding.onChange = { [weak interpreter] in interpreter?.readWatch = ($0, $1) }
            if let dma = parts.dma { dma.engine.padding = redmule.padding }
        }
        if options.checkRaces { startRaceDetector() }
        // Reset state (mstatus.MPP = 3, ...) from the start; loading an ELF resets them again.
        for h in harts { h.reset(pc: 0) }
    }

    // MARK: Loading

    /// Loads and validates an ELF file; harts are reset to start it.
    public func load(path: String) throws {
        let bytes = try ElfImage.readFile(path)
        try load(ElfImage(bytes: bytes, path: path))
        elfBytes = bytes
    }

    /// The ELF file as loaded by `load(path:)` (snapshots carry it).
    public internal(set) var elfBytes: [UInt8]?

    public func load(_ image: ElfImage) throws {
        elfBytes = nil
        // Validate every segment against the memory map before touching memory.
        for segment in image.segments {
            let start = UInt64(segment.address), end = start + UInt64(segment.memorySize)
            guard let region = bus.region(containing: segment.address) else {
                throw ElfError.segmentOutsideMemoryMap(path: image.path, segment: segment.index, start: start, end: end,
                    detail: "lies outside the memory map of platform '\(platform.kind.rawValue)' (see `pulpsim memory-map --platform \(platform.kind.rawValue)`)")
            }
            if case .device = region.kind {
                throw ElfError.segmentOutsideMemoryMap(path: image.path, segment: segment.index, start: start, end: end,
                    detail: "overlaps device '\(region.name)'")
            }
            if end > region.end {
                throw ElfError.segmentOutsideMemoryMap(path: image.path, segment: segment.index, start: start, end: end,
                    detail: String(format: "runs past the end of %@ (which ends at 0x%08llx)", region.name, region.end))
            }
        }
        for segment in image.segments {
            var bytes = segment.fileBytes
            bytes += [UInt8](repeating: 0, count: Int(segment.memorySize) - bytes.count)
            bus.writeBytes(segment.address, bytes)
        }
        self.image = image
        symbols = SymbolTable(image.symbols)
        interpreter.flushDecodeCache()
        // (A new program: no padding rows of an earlier one are watched.)
        parts.redmule?.padding.clear()
        // HTIF, when the ELF has tohost (docs/platform.md §6).
        if let symbol = symbols.symbol(named: "tohost"), bus.hostPointer(symbol.address, count: 4) != nil {
            let narrow = symbol.size == 4 || bus.hostPointer(symbol.address, count: 8) == nil
            let h = HTIF(bus: bus, control: control, console: console, tohost: symbol.address,
                         fromhost: symbols.address(of: "fromhost"), narrow: narrow)
            htif = h
            bus.watchStart = symbol.address
            bus.watchSpan = narrow ? 4 : 8
            // (Weak: the HTIF holds the bus, which holds this closure.)
            bus.watchHandler = { [weak h] address, size, context in h?.storeObserved(address: address, size: size, context: &context) }
        }
        var start = image.entry
        if case .spikeBootROM(let address) = platform.boot {
            installSpikeBootROM(at: address, entry: image.entry)
            start = address
        }
        // RI5CY/CV32E40P start at their boot address + 0x80 with the vector table at the boot address.
        let vectorBase: UInt32? = platform.vectorTableAtBootAddress && start & 0xFF == 0x80 ? start - 0x80 : nil
        for hart in harts { hart.reset(pc: start, vectorBase: vectorBase) }
        // On the chip only the fabric controller boots; it starts the cluster cores.
        if let fc = fabricController {
            for hart in harts where hart.index != fc { hart.state = .asleep(.held) }
        }
    }

    /// Starts held cluster core `core` at `address` at the current cycle (FETCH_EN on `pulp`), its
    /// vector table at the boot address as for the ELF entry; false if it is not held.
    func startCore(_ core: Int, at address: UInt32) -> Bool {
        guard core >= 0 && core < platform.harts, case .asleep(.held) = harts[core].state else { return false }
        let hart = harts[core]
        let vectorBase: UInt32? = platform.vectorTableAtBootAddress && address & 0xFF == 0x80 ? address - 0x80 : nil
        hart.reset(pc: address, vectorBase: vectorBase)
        hart.cycle = now
        startedAt[core] = address
        scheduler.state.pointee.wokeAnotherHart = true
        timeline?.state(hart: core, "running", at: now)
        return true
    }

    /// Spike's reset vector: auipc t0,0; addi a1,t0,32; csrr a0,mhartid; lw t0,24(t0); jr t0.
    private func installSpikeBootROM(at address: UInt32, entry: UInt32) {
        let words: [UInt32] = [0x0000_0297, 0x0202_8593, 0xF140_2573, 0x0182_A283, 0x0002_8067, 0, entry, 0]
        for (i, w) in words.enumerated() { bus.write32(address + UInt32(4 * i), w) }
        interpreter.invalidate(address, size: 4 * words.count)
    }

    /// The raw instruction word at `pc` (16 bits for compressed), if fetchable.
    public func instructionWord(at pc: UInt32) -> UInt32? { interpreter.instructionWord(at: pc) }

    // MARK: Breakpoints

    public func addBreakpoint(_ pc: UInt32) { debug.breakpoints.insert(pc); interpreter.invalidate(pc, size: 2) }
    public func removeBreakpoint(_ pc: UInt32) { debug.breakpoints.remove(pc); interpreter.invalidate(pc, size: 2) }

    /// Records a timeline of this run (nil stops recording).
    public func setTimeline(_ timeline: Timeline?) {
        self.timeline = timeline
        if options.energy { timeline?.energyProbe = { [unowned self] cycle in self.energySoFar(cycle: cycle) } }
        for h in harts where h.state == .running { timeline?.state(hart: h.index, "running", at: h.cycle) }
        updateObservation()
    }

    /// Whether turns must go through the observing (capturing) path: tracing, watchpoints or a
    /// timeline.
    func updateObservation() {
        scheduler.observing = tracer != nil || debug.watching || timeline != nil || races != nil || probe != nil
    }

    /// Timeline span name for a sleeping hart.
    func timelineName(for reason: SleepReason, hart: Int) -> String {
        let text = eventUnit?.describeWait(core: hart) ?? reason.description
        if text.contains("barrier") { return "barrier" }
        if text.contains("MUTEX") { return "mutex wait" }
        if text.contains("DISPATCH") { return "dispatch wait" }
        if text.hasPrefix("DMA") || text.hasPrefix("iDMA") { return "dma wait" }
        if case .waitForInterrupt = reason { return "wfi" }
        return "event wait"
    }

    /// True for TCDM addresses (any view), for the timeline's access counter.
    func isTCDM(_ address: UInt32) -> Bool {
        guard let tcdm = parts.tcdm, let r = bus.region(containing: address), case .ram(let ram, _) = r.kind else { return false }
        return ram === tcdm.storage
    }

    /// Stops the run if an access hits a watchpoint.
    func checkWatchpoints(address: UInt32, size: UInt32, isWrite: Bool, hart: Int) {
        guard let hit = debug.watchpointHit(address: address, size: size, isWrite: isWrite) else { return }
        debug.watchHit = (hit, isWrite, hart)
        control.finish(.stopped(hart: hart, pc: hart >= 0 && hart < harts.count ? harts[hart].pc : 0))
    }

    /// Keeps a device diagnostic, traces it and prints it if the run asks for that.
    func record(_ diagnostic: DeviceDiagnostic) {
        diagnostics.append(diagnostic)
        traceEvent(hart: nil, source: diagnostic.source, message: "\(diagnostic.level.rawValue): \(diagnostic.message)")
        // Errors that stop the run appear in the end-of-run report instead.
        let dma = diagnostic.source == "dma"
        let stops = diagnostic.level == .error && (dma ? options.dmaErrors == .error : options.redmuleErrors == .error)
        if options.printDiagnostics && diagnostic.level != .note && !stops {
            writeText(2, "pulpsim: \(Machine.displayName(source: diagnostic.source)) \(diagnostic.level.rawValue): \(diagnostic.message)\n")
        }
    }

    /// How a diagnostic's source is named on stderr ("pulpsim: RedMulE warning: ...").
    static func displayName(source: String) -> String {
        switch source {
        case "redmule": return "RedMulE"
        case "hmr": return "HMR"
        case "dma": return "DMA"
        default: return source
        }
    }

    /// "hart 3", or "hart 8 (fabric controller)" for the fabric controller (gdb thread names, reports).
    public func hartName(_ hart: Int) -> String {
        hart == fabricController ? "hart \(hart) (fabric controller)" : "hart \(hart)"
    }

    /// "hart 0 at pc 0x1c000124 <main+0x10>" ("hart 8 (FC) at ..." for the fabric controller).
    func describeHart(_ hart: Int) -> String {
        guard hart >= 0 && hart < harts.count else { return "hart \(hart)" }
        let pc = harts[hart].pc
        let symbol = symbols.describe(pc)
        return String(format: "hart %d%@ at pc 0x%08x", hart, hart == fabricController ? " (FC)" : "", pc)
            + (symbol.isEmpty ? "" : " <\(symbol)>")
    }

    // MARK: Host access

    public func readMemory(_ address: UInt32, count: Int) -> [UInt8]? { bus.readBytes(address, count: count) }
    @discardableResult public func writeMemory(_ address: UInt32, _ bytes: [UInt8]) -> Bool {
        let ok = bus.writeBytes(address, bytes)
        if ok {
            interpreter.noteWrite(address, size: bytes.count)
            if let padding = parts.redmule?.padding, padding.active, interpreter.isTCDM(address) { padding.wrote(address, count: bytes.count) }
        }
        return ok
    }
    public func readWord(_ address: UInt32) -> UInt32? { bus.read32(address) }
    public func address(of symbol: String) -> UInt32? { symbols.address(of: symbol) }
}

extension Machine: MemoryPortOwner {
    func masterWrote(address: UInt32, count: Int, hart: Int) {
        interpreter.noteWrite(address, size: count)
        checkWatchpoints(address: address, size: UInt32(clamping: count), isWrite: true, hart: hart)
    }

    func masterRead(address: UInt32, count: Int, hart: Int) {}
}
