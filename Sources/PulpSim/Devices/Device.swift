// Devices: the interface every memory-mapped device implements, and the context through which a
// device acts on the simulation — time, timed events, event lines and interrupts, waking harts,
// ending the run, traces and the timeline, memory ports (docs/architecture.md).
//
// A device knows nothing of the CPU: it answers register accesses (`Device`) and asks everything
// else of its `DeviceContext`.

/// What a device needs to know about an access, and how it can answer besides a value.
public struct AccessContext {
    /// Index of the hart performing the access (-1 for the debugger or the simulator itself).
    public var hart: Int
    /// The hart's current cycle count.
    public var cycle: UInt64
    /// Set by a device when the access cannot complete now: the hart sleeps and retries it later.
    public var sleep: SleepReason?
    public init(hart: Int, cycle: UInt64) { self.hart = hart; self.cycle = cycle }
}

/// Why a hart is asleep (reported by deadlock diagnostics).
public enum SleepReason: Equatable, Sendable {
    case waitForInterrupt
    /// Waiting in a device; the text names the register and what it waits for.
    case device(String)
    /// A cluster core held in reset until the fabric controller starts it (`pulp`: FETCH_EN).
    case held
    public var description: String {
        switch self {
        case .waitForInterrupt: return "wfi (no interrupt or event-unit IRQ pending)"
        case .device(let what): return what
        case .held: return "held in reset: never started (its FETCH_EN bit in cluster control 0x10200008 was not set)"
        }
    }
}

/// A memory-mapped device: registers at offsets from its base, 32-bit (or narrower) accesses.
public protocol Device: AnyObject {
    /// Name shown in the memory map and in error messages.
    var name: String { get }
    /// Returns the value read, or nil for an access fault.
    func read(offset: UInt32, size: Int, context: inout AccessContext) -> UInt32?
    /// Returns false for an access fault.
    func write(offset: UInt32, size: Int, value: UInt32, context: inout AccessContext) -> Bool
}

/// How serious a device's diagnostic is.
public enum DiagnosticLevel: String, Sendable { case error, warning, note }

/// A device's report about how firmware uses it (RedMulE misprogramming, ...).
public struct DeviceDiagnostic: Sendable {
    public let level: DiagnosticLevel
    /// The device (trace source name, e.g. "redmule").
    public let source: String
    public let message: String
    public init(level: DiagnosticLevel, source: String, message: String) {
        self.level = level; self.source = source; self.message = message
    }
}

/// What a device may ask of the simulation. One per device, named after it (the name is the
/// source of its trace lines, diagnostics and timeline track).
public final class DeviceContext {
    unowned let machine: Machine
    /// The device's name in traces ("redmule", "timer", ...).
    public let source: String

    /// Its index among the machine's device contexts (timed events name it, snapshots).
    let index: Int32
    /// Rebuilds the action of one of the device's timed events (`schedule(at:event:argument:)`)
    /// when a snapshot is restored: given the event, its argument and its cycle.
    var eventAction: ((_ event: UInt32, _ argument: UInt64, _ time: UInt64) -> (() -> Void)?)?

    init(machine: Machine, source: String) {
        self.machine = machine
        self.source = source
        index = Int32(machine.deviceContexts.count)
        machine.deviceContexts.append(self)
    }

    // MARK: Time

    /// The cluster cycle of the access or timed event being processed.
    public var now: UInt64 { machine.scheduler.now }

    /// The scheduler's quantum: how far the harts run ahead of each other (docs/platform.md §2).
    public var quantum: UInt64 { machine.scheduler.quantum }

    /// Calls `action` when simulated time reaches `cycle`; returns a token for `cancel`. `event`
    /// and `argument` say which of the device's events it is, so that `eventAction` can rebuild
    /// the action from them when a snapshot is restored.
    @discardableResult
    func schedule(at cycle: UInt64, event: UInt32, argument: UInt64 = 0, _ action: @escaping () -> Void) -> UInt64 {
        machine.events.schedule(at: cycle, source: index, event: event, argument: argument, action)
    }

    public func cancel(_ token: UInt64) { machine.events.cancel(token) }

    // MARK: Signalling harts

    /// Number of cluster cores of the platform (a fabric controller is not one of them).
    public var hartCount: Int { machine.platform.harts }

    /// Bit i set for every cluster core i of the platform.
    public var hartMask: UInt32 { hartCount >= 32 ? UInt32.max : (UInt32(1) << UInt32(hartCount)) - 1 }

    /// Whether the platform holds the cluster cores until the fabric controller starts them.
    public var coresHeldAtBoot: Bool { machine.platform.fabricController }

    /// Raises event `line` in the event unit for the cores in `cores` (bit i = core i).
    public func raiseEvent(line: Int, cores: UInt32) { machine.eventUnit?.raise(line: line, targets: cores) }

    /// Raises `line` at the fabric controller's interrupt controller (`pulp`; nothing elsewhere).
    public func raiseFabricControllerLine(_ line: Int) { machine.fcInterrupts?.raise(line: line) }

    /// Sets interrupt-pending bit `bit` of `hart`'s mip (a device line); a hart asleep in `wfi`
    /// wakes. A pulse line (the platform's `interruptPulses`) is consumed by that wake-up unless
    /// the interrupt is enabled, in which case taking it consumes it.
    public func raiseInterrupt(hart: Int, bit: UInt32) {
        guard hart >= 0 && hart < machine.harts.count, bit < 32 else { return }
        let h = machine.harts[hart]
        let line = UInt32(1) << bit
        h.mipExternal |= line
        if case .asleep(.waitForInterrupt) = h.state {
            machine.wake(core: hart)
            let taken = h.mstatus & Hart.mstatusMIE != 0 && h.mie & line != 0
            if machine.platform.interruptPulses & line != 0 && !taken { h.mipExternal &= ~line }
        }
    }

    /// Makes a sleeping hart runnable at the current cycle, or `latency` cycles after it (it
    /// retries the access it slept on).
    public func wake(hart: Int, latency: UInt64 = 0) { machine.wake(core: hart, latency: latency) }

    /// Wakes `hart` if it sleeps in `wfi` (an interrupt controller's line became pending).
    public func wakeFromWFI(hart: Int) {
        guard hart >= 0 && hart < machine.harts.count else { return }
        if case .asleep(.waitForInterrupt) = machine.harts[hart].state { machine.wake(core: hart) }
    }

    /// Starts held cluster core `core` at `address` now (`pulp`: FETCH_EN); false if it already runs.
    @discardableResult
    public func startCore(_ core: Int, at address: UInt32) -> Bool { machine.startCore(core, at: address) }

    // MARK: The run

    /// Ends the run (the first reason given wins).
    public func finish(_ reason: EndReason) { machine.control.finish(reason) }

    /// Reports a diagnostic (kept for the end-of-run summary, traced, and printed on stderr
    /// when the run asks for it).
    public func report(_ level: DiagnosticLevel, _ message: String) {
        machine.record(DeviceDiagnostic(level: level, source: source, message: message))
    }

    /// "hart 0 at pc 0x1c000124 <main+0x10>".
    public func describeHart(_ hart: Int) -> String { machine.describeHart(hart) }

    // MARK: Observation

    /// Whether trace lines are being written (so that messages are built only then).
    public var tracing: Bool { machine.tracer != nil }

    /// A trace line from this device, about `hart` (or none), at the current cycle.
    public func trace(hart: Int?, _ message: @autoclosure () -> String) {
        guard machine.tracer != nil else { return }
        machine.traceEvent(hart: hart, source: source, message: message())
    }

    /// A span on this device's timeline track, and the TCDM accesses it made.
    public func timelineSpan(_ name: String, from start: UInt64, to end: UInt64, tcdmAccesses: UInt64 = 0) {
        guard let timeline = machine.timeline else { return }
        timeline.span(track: Timeline.redmuleTrack, name: name, from: start, to: end)
        timeline.redmuleTCDMAccesses += tcdmAccesses
    }

    /// The race detector, when the run checks races.
    var races: RaceDetector? { machine.races }

    /// A completed RedMulE job on the timeline's power counter (with the energy report on).
    func timelineJobPower(_ job: RedMulEJobRecord) {
        guard let timeline = machine.timeline, machine.options.energy else { return }
        timeline.jobPower(job, picojoules: EnergyModel.standard.ownEnergy(job))
    }

    /// A span on the timeline track named `track` (created on first use, one per queue of a
    /// device), with its TCDM accesses added to this device's counter; `args` are JSON members.
    public func timelineSpan(_ name: String, track: String, from start: UInt64, to end: UInt64, tcdmAccesses: UInt64 = 0,
                             args: String = "") {
        guard let timeline = machine.timeline else { return }
        timeline.span(track: timeline.track(named: track, category: source), name: name, from: start, to: end, args: args)
        timeline.deviceTCDMAccesses[source, default: 0] += tcdmAccesses
    }
}
