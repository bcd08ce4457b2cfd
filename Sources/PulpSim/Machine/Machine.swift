// Machine: a platform instance — harts, bus, devices — plus ELF loading and the hart scheduler.
//
// Scheduling is deterministic: the running hart that is furthest behind in simulated time goes
// next and runs until it is `quantum` cycles (default 256) ahead of the next one, or until it
// accesses a device (event unit, test-and-set alias, RedMulE, ...), which ends its turn so that
// accesses to shared devices happen in the order of simulated time. Sleeping harts are skipped
// and cost nothing. The same ELF and options therefore always give the same interleaving, output,
// traces and counts, whatever the host load.

import Foundation
import PulpFloat

/// Everything that configures a run besides the ELF.
public struct MachineOptions: Sendable {
    public var platform = PlatformOptions()
    /// Instructions a hart executes before the next hart's turn (0 = automatic).
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
    /// Print RedMulE warnings and errors on stderr as they happen.
    public var printDiagnostics = false
    public init() {}
    public init(platform: PlatformKind) { self.platform = PlatformOptions(kind: platform) }
}

/// A debugger data watchpoint.
public struct Watchpoint: Equatable, Sendable {
    public var range: ClosedRange<UInt32>
    public var onRead: Bool
    public var onWrite: Bool
    /// A range that would run past the end of the address space stops at its end.
    public init(address: UInt32, length: UInt32, onRead: Bool, onWrite: Bool) {
        range = address...UInt32(min(UInt64(address) + UInt64(max(length, 1)) - 1, UInt64(UInt32.max)))
        self.onRead = onRead
        self.onWrite = onWrite
    }
}

/// Where `run(until:)` should stop.
public enum RunTarget: Sendable {
    case end
    case pc(UInt32)
    case symbol(String)
    case instructions(UInt64)
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
public final class Machine: ClusterScheduling {
    public let options: MachineOptions
    public let bus = Bus()
    /// The bus's fast-path segment table (kept here so hot paths need not touch `bus`).
    let segments: UnsafeMutablePointer<Segment>
    public let control = RunControl()
    public let console: Console
    public private(set) var harts: [Hart] = []
    public private(set) var symbols = SymbolTable([])
    public private(set) var image: ElfImage?
    public private(set) var htif: HTIF?
    /// Timed device events (timer matches, accelerator completions).
    public let events = EventQueue()
    /// The cluster event unit (pulp-cluster only).
    public private(set) var eventUnit: EventUnit?
    public private(set) var timer: ClusterTimer?
    public private(set) var redmule: RedMulE?
    var testbenchIO: TestbenchIODevice?
    /// RedMulE diagnostics of this run (warnings, errors, notes).
    public private(set) var diagnostics: [RedMulEDiagnostic] = []
    var rams: [String: RAM] = [:]
    /// When set, only these harts are scheduled (debugger `vCont;c:TID`); the others stay frozen.
    public var runnableHarts: Set<Int>?
    /// Checked about every thousand scheduling rounds; returning true stops the run (debugger Ctrl-C).
    public var interruptCheck: (() -> Bool)?
    /// Checked after every scheduling round; a signal number ends the run as `.interrupted`
    /// (the command-line tool's SIGINT/SIGTERM handling: the trace and output are flushed).
    public var signalCheck: (() -> Int32)?
    /// Data watchpoints (debugger): address ranges and whether reads and/or writes trigger them.
    public var watchpoints: [Watchpoint] = [] { didSet { watchHit = nil; watching = !watchpoints.isEmpty } }
    /// `!watchpoints.isEmpty`, kept as a plain flag for per-instruction checks.
    var watching = false
    /// The watchpoint access that stopped the run, if any.
    public internal(set) var watchHit: (address: UInt32, isWrite: Bool, hart: Int)?
    /// The Perfetto timeline being recorded (see `setTimeline`).
    public private(set) var timeline: Timeline?
    /// The instruction tracer, when tracing (see `setTracer`).
    public internal(set) var tracer: Tracer?
    /// Per hart: instructions retired before which tracing stays off (post-mortem replays).
    var traceThreshold: [UInt64] = []
    /// Cluster cycle of the access or event being processed (`ClusterScheduling.now`).
    public internal(set) var now: UInt64 = 0
    /// A timed event (a RedMulE job's end, a timer) is being fired: what it does happens at
    /// `now`, whichever hart it concerns.
    var firingEvents = false

    // Decode cache: direct-mapped by instruction address, shared by all harts.
    static let decodeCacheBits = 16
    let decodeCache: UnsafeMutablePointer<DecodedInstruction>
    let decodeCacheMask: UInt32 = (1 << UInt32(decodeCacheBits)) - 1
    /// One byte per 4 KiB page of the address space: non-zero once an instruction was decoded there.
    /// Stores to such pages take the slow path, which drops the stale decoded instructions.
    let codePages: UnsafeMutablePointer<UInt8>
    /// Traced runs: where the capturing interpreter loop records retired instructions, and the
    /// table telling it which register holds each operation's traced value.
    static let captureCapacity = 4096
    let captureRecords: UnsafeMutablePointer<CapturedInstruction>
    let captureValueTable: UnsafeMutablePointer<UInt8>
    let traceTraits: UnsafeMutablePointer<UInt8>
    /// Addresses where execution stops before executing (debugger breakpoints, run-until).
    public private(set) var breakpoints = Set<UInt32>()
    /// Set while a hart must execute the instruction under a breakpoint once.
    var steppingOverBreakpoint: UInt32? = nil
    /// Where a trace starts (a symbol or pc start point): untraced turns stop there, so that
    /// everything before runs at full speed. Dropped once every traced hart has started.
    var traceTriggers = Set<UInt32>()
    var steppingOverTrigger: UInt32? = nil
    /// Set when a device wakes a hart, so that the waking hart's turn ends (time order).
    var wokeAnotherHart = false
    /// Harts that stopped on a breakpoint in the previous run (they step over it when resumed).
    var stoppedAtBreakpoint = Set<Int>()

    /// Cycles a hart may run ahead of the slowest running hart before the next one's turn.
    public let quantum: Int
    public static let defaultQuantum = 256

    public init(options: MachineOptions = MachineOptions()) throws {
        guard (1...8).contains(options.platform.harts) else {
            throw MachineError.invalidOption("--harts must be between 1 and 8 (got \(options.platform.harts))")
        }
        if options.platform.kind == .redmuleTB && options.platform.harts != 1 {
            throw MachineError.invalidOption("platform redmule-tb has exactly one hart")
        }
        guard options.platform.tcdmSize >= 4096 && options.platform.tcdmSize <= 0x10_0000 else {
            throw MachineError.invalidOption("TCDM size must be between 4 KiB and 1 MiB")
        }
        guard options.platform.l2Size >= 4096 && options.platform.l2Size <= 0x400_0000 else {
            throw MachineError.invalidOption("L2 size must be between 4 KiB and 64 MiB")
        }
        guard options.platform.ramSize >= 4096 && options.platform.ramSize <= 0x8000_0000 else {
            throw MachineError.invalidOption("RAM size must be between 4 KiB and 2 GiB")
        }
        self.options = options
        segments = bus.segments
        console = Console(prefixHart: options.stdoutPrefix, echoToStandardOutput: options.echoOutput,
                          capture: options.captureOutput)
        let harts = options.platform.harts
        quantum = options.quantum > 0 ? options.quantum : Machine.defaultQuantum
        decodeCache = .allocate(capacity: 1 << Machine.decodeCacheBits)
        decodeCache.initialize(repeating: .empty, count: 1 << Machine.decodeCacheBits)
        codePages = .allocate(capacity: 1 << 20)
        codePages.initialize(repeating: 0, count: 1 << 20)
        captureRecords = .allocate(capacity: Machine.captureCapacity)
        captureValueTable = makeCaptureValueTable()
        traceTraits = Machine.makeTraceTraitsTable()
        for i in 0..<harts { self.harts.append(Hart(index: i, hartID: UInt32(i))) }
        buildPlatform()
    }

    deinit {
        decodeCache.deallocate()
        codePages.deallocate()
        captureRecords.deallocate()
        captureValueTable.deallocate()
        traceTraits.deallocate()
    }

    private func buildPlatform() {
        // Memories first: devices such as RedMulE and the test-and-set alias work on them.
        for region in options.platform.memoryMap {
            if case .ram(let name) = region.backing, rams[name] == nil { rams[name] = RAM(name: name, size: Int(region.size)) }
        }
        for region in options.platform.memoryMap {
            switch region.backing {
            case .ram(let name), .alias(let name):
                bus.map(ram: rams[name]!, at: region.start, size: region.size, name: region.name, note: region.note)
            case .device(let kind):
                bus.map(device: makeDevice(kind), at: region.start, size: region.size, name: region.name,
                        note: region.note)
            }
        }
    }

    private var deviceInstances: [DeviceKind: Device] = [:]
    private func makeDevice(_ kind: DeviceKind) -> Device {
        if let existing = deviceInstances[kind] { return existing }
        let device: Device
        switch kind {
        case .stdout: device = StdoutDevice(console: console)
        case .socControl: device = SocControlDevice(control: control)
        case .clusterControl: device = ClusterControlDevice(control: control, startedHarts: harts.count)
        case .eventUnit: device = EventUnitCoreView(unit: clusterEventUnit())
        case .eventUnitGlobal: device = EventUnitGlobalView(unit: clusterEventUnit())
        case .timer:
            let t = ClusterTimer(events: events, eventUnit: clusterEventUnit())
            t.scheduler = self
            timer = t
            device = t
        case .testAndSet: device = TestAndSetDevice(ram: rams["TCDM"]!)
        case .redmule: device = makeRedMulE()
        case .testbenchIO:
            let io = TestbenchIODevice(console: console)
            testbenchIO = io
            device = io
        }
        deviceInstances[kind] = device
        return device
    }

    private func makeRedMulE() -> RedMulE {
        let onCluster = options.platform.kind == .pulpCluster
        let tcdm = onCluster ? rams["TCDM"]! : rams["memory"]!
        let bases: [UInt32] = onCluster ? [0x1000_0000, 0x0000_0000] : [0x1C00_0000]
        let unit = RedMulE(events: events, tcdm: tcdm, tcdmBases: bases,
                           completion: onCluster ? .eventUnit : .machineSoftwareInterrupt, policy: options.redmuleErrors)
        unit.scheduler = self
        if onCluster {
            let eventUnit = clusterEventUnit()
            unit.signal = { hart in eventUnit.raise(line: EventLine.redmule, targets: 1 << UInt32(hart)) }
        } else {
            unit.signal = { [unowned self] hart in
                guard hart >= 0 && hart < self.harts.count else { return }
                self.harts[hart].mipExternal |= 1 << 3
                if case .asleep(.waitForInterrupt) = self.harts[hart].state { self.wake(core: hart) }
            }
        }
        unit.fail = { [unowned self] message in self.control.finish(.redmuleError(message)) }
        unit.writeObserver = { [unowned self] address, count, hart in
            self.checkWatchpoints(address: address, size: UInt32(count), isWrite: true, hart: hart)
        }
        unit.report = { [unowned self] diagnostic in
            self.diagnostics.append(diagnostic)
            self.traceEvent(hart: nil, source: "redmule", message: "\(diagnostic.level.rawValue): \(diagnostic.message)")
            // Errors that stop the run appear in the end-of-run report instead.
            let stops = diagnostic.level == .error && self.options.redmuleErrors == .error
            if self.options.printDiagnostics && diagnostic.level != .note && !stops {
                FileHandle.standardError.write("pulpsim: RedMulE \(diagnostic.level.rawValue): \(diagnostic.message)\n".data(using: .utf8)!)
            }
        }
        unit.describeHart = { [unowned self] hart in
            guard hart >= 0 && hart < self.harts.count else { return "hart \(hart)" }
            let pc = self.harts[hart].pc
            let symbol = self.symbols.describe(pc)
            return String(format: "hart %d at pc 0x%08x", hart, pc) + (symbol.isEmpty ? "" : " <\(symbol)>")
        }
        redmule = unit
        return unit
    }

    private func clusterEventUnit() -> EventUnit {
        if let eventUnit { return eventUnit }
        let unit = EventUnit(cores: harts.count)
        unit.scheduler = self
        eventUnit = unit
        return unit
    }

    // MARK: Loading

    /// Loads and validates an ELF file; harts are reset to start it.
    public func load(path: String) throws {
        try load(ElfImage(path: path))
    }

    public func load(_ image: ElfImage) throws {
        // Validate every segment against the memory map before touching memory.
        for segment in image.segments {
            let start = UInt64(segment.address), end = start + UInt64(segment.memorySize)
            guard let region = bus.region(containing: segment.address) else {
                throw ElfError.segmentOutsideMemoryMap(path: image.path, segment: segment.index, start: start, end: end,
                    detail: "lies outside the memory map of platform '\(options.platform.kind.rawValue)' (see `pulpsim memory-map --platform \(options.platform.kind.rawValue)`)")
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
            let p = bus.hostPointer(segment.address, count: Int(segment.memorySize))!
            memset(p, 0, Int(segment.memorySize))
            segment.fileBytes.withUnsafeBytes { p.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        }
        self.image = image
        symbols = SymbolTable(image.symbols)
        flushDecodeCache()
        // HTIF, when the ELF has tohost (SPEC §6).
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
        if options.platform.kind == .spike {
            installSpikeBootROM(entry: image.entry)
            start = 0x1000
        }
        for hart in harts { hart.reset(pc: start) }
    }

    /// Spike's reset vector: auipc t0,0; addi a1,t0,32; csrr a0,mhartid; lw t0,24(t0); jr t0.
    private func installSpikeBootROM(entry: UInt32) {
        let words: [UInt32] = [0x0000_0297, 0x0202_8593, 0xF140_2573, 0x0182_A283, 0x0002_8067, 0, entry, 0]
        for (i, w) in words.enumerated() { bus.write32(0x1000 + UInt32(4 * i), w) }
        invalidateCode(0x1000, size: 4 * words.count)
    }

    // MARK: Decode cache

    func flushDecodeCache() {
        decodeCache.update(repeating: .empty, count: 1 << Machine.decodeCacheBits)
        codePages.update(repeating: 0, count: 1 << 20)
    }

    /// True if [address, address + size) touches a page holding decoded instructions.
    @inline(__always) func touchesCode(_ address: UInt32, size: UInt32) -> Bool {
        (codePages[Int(address >> 12)] | codePages[Int((address &+ size &- 1) >> 12)]) != 0
    }

    /// Drops decoded instructions overlapping [address, address + size).
    func invalidateCode(_ address: UInt32, size: Int) {
        var pc = (address & ~1) &- 2
        let end = address &+ UInt32(size)
        while pc != end && pc &- ((address & ~1) &- 2) < UInt32(size) + 2 {
            let slot = Int((pc >> 1) & decodeCacheMask)
            if decodeCache[slot].tag == pc { decodeCache[slot] = .empty }
            pc &+= 2
        }
    }

    /// Fetches and decodes the instruction at `pc`; nil if it cannot be fetched.
    func fetchAndDecode(_ pc: UInt32) -> DecodedInstruction? {
        guard let low = fetchHalf(pc) else { return nil }
        var word = low
        if Decoder.isFullLength(low) {
            guard let high = fetchHalf(pc &+ 2) else { return nil }
            word |= high << 16
        }
        codePages[Int(pc >> 12)] = 1
        codePages[Int((pc &+ 3) >> 12)] = 1
        var d = Decoder.decode(word, at: pc)
        if !breakpoints.isEmpty && breakpoints.contains(pc) && steppingOverBreakpoint != pc {
            d.operation = .illegal
            d.specIndex = Machine.breakpointMarker
        } else if !traceTriggers.isEmpty && traceTriggers.contains(pc) && steppingOverTrigger != pc {
            d.operation = .illegal
            d.specIndex = Machine.traceTriggerMarker
        }
        return d
    }

    static let breakpointMarker: UInt8 = 0xFE
    static let traceTriggerMarker: UInt8 = 0xFD

    func fetchHalf(_ address: UInt32) -> UInt32? {
        if let p = bus.fastPointer(address, 2) { return UInt32(p.loadUnaligned(as: UInt16.self)) }
        guard let region = bus.region(containing: address), case .ram(let ram, let offset) = region.kind,
              UInt64(address) + 2 <= region.end else { return nil }
        return UInt32((ram.bytes + offset + Int(address - region.start)).loadUnaligned(as: UInt16.self))
    }

    /// The raw instruction word at `pc` (16 bits for compressed), if fetchable.
    public func instructionWord(at pc: UInt32) -> UInt32? {
        guard let low = fetchHalf(pc) else { return nil }
        if !Decoder.isFullLength(low) { return low }
        guard let high = fetchHalf(pc &+ 2) else { return nil }
        return low | high << 16
    }

    // MARK: Breakpoints

    public func addBreakpoint(_ pc: UInt32) { breakpoints.insert(pc); invalidateCode(pc, size: 2) }
    public func removeBreakpoint(_ pc: UInt32) { breakpoints.remove(pc); invalidateCode(pc, size: 2) }

    /// Records a timeline of this run (nil stops recording).
    public func setTimeline(_ timeline: Timeline?) {
        self.timeline = timeline
        for h in harts where h.state == .running { timeline?.state(hart: h.index, "running", at: h.cycle) }
        redmule?.jobObserver = timeline == nil ? nil : { [unowned timeline] start, end, title, accesses in
            timeline!.span(track: Timeline.redmuleTrack, name: title, from: start, to: end)
            timeline!.redmuleTCDMAccesses += accesses
        }
    }

    /// Timeline span name for a sleeping hart.
    func timelineName(for reason: SleepReason, hart: Int) -> String {
        let text = eventUnit?.describeWait(core: hart) ?? reason.description
        if text.contains("barrier") { return "barrier" }
        if text.contains("MUTEX") { return "mutex wait" }
        if text.contains("DISPATCH") { return "dispatch wait" }
        if case .waitForInterrupt = reason { return "wfi" }
        return "event wait"
    }

    /// True for TCDM addresses (either view), for the timeline's access counter.
    func isTCDM(_ address: UInt32) -> Bool {
        guard options.platform.kind == .pulpCluster else { return false }
        let size = options.platform.tcdmSize
        return address < size || (address &- 0x1000_0000) < size
    }

    /// Stops the run if an access hits a watchpoint.
    func checkWatchpoints(address: UInt32, size: UInt32, isWrite: Bool, hart: Int) {
        guard !watchpoints.isEmpty, size > 0 else { return }
        let accessed = address...UInt32(min(UInt64(address) + UInt64(size) - 1, UInt64(UInt32.max)))
        for w in watchpoints where (isWrite ? w.onWrite : w.onRead) && w.range.overlaps(accessed) {
            watchHit = (max(w.range.lowerBound, address), isWrite, hart)
            control.finish(.stopped(hart: hart, pc: hart >= 0 && hart < harts.count ? harts[hart].pc : 0))
            return
        }
    }

    // MARK: Host access

    public func readMemory(_ address: UInt32, count: Int) -> [UInt8]? { bus.readBytes(address, count: count) }
    @discardableResult public func writeMemory(_ address: UInt32, _ bytes: [UInt8]) -> Bool {
        let ok = bus.writeBytes(address, bytes)
        if !bytes.isEmpty { invalidateCode(address, size: bytes.count) }
        return ok
    }
    public func readWord(_ address: UInt32) -> UInt32? { bus.read32(address) }
    public func address(of symbol: String) -> UInt32? { symbols.address(of: symbol) }
}
