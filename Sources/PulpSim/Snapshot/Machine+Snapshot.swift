// Snapshot: the whole machine's state — harts, memories, simulated time, timed events, devices
// with their work in flight — saved into bytes and restored from them (docs/snapshots.md).
//
// A snapshot is taken between two turns of the scheduler (`Machine.run` does it every
// `--snapshot-every` cycles, the debugger at every stop): no instruction is half done there, so
// a machine restored from it runs on exactly as the machine it was taken from would have.
//
// What is not machine state is not in it: the debugger's breakpoints and watchpoints, tracing,
// the timeline, the race detector, output already printed, and the run's limits.

import Foundation

/// A machine's state at one moment (its bytes, and the memories' pages kept apart so that
/// snapshots held in memory share the pages that did not change).
public struct MachineState: Sendable {
    /// Everything but memory contents.
    var core: [UInt8]
    /// Per memory (in the machine's order): its non-zero pages (page index → bytes).
    var pages: [[Int: [UInt8]]]
    /// Cycle of the earliest running hart when it was taken (or of the latest hart, all asleep).
    public let cycle: UInt64
    /// Instructions retired by all harts.
    public let instructions: UInt64
}

/// When the run loop takes snapshots, and who gets them.
struct PeriodicSnapshots {
    /// The cycle of the next one (`UInt64.max`: none).
    var next = UInt64.max
    var every: UInt64 = 0
    var handler: ((MachineState) -> Void)?
    /// The last one taken (its memory pages are shared with the next).
    var last: MachineState?
}

extension Machine {
    static let snapshotPageBytes = 4096

    /// Takes a snapshot every `cycles` cycles of simulated time (at the first turn of a hart at
    /// or past each multiple of `cycles`) and hands it to `handler`; nil stops.
    public func snapshotEvery(_ cycles: UInt64?, _ handler: ((MachineState) -> Void)?) {
        guard let cycles, cycles > 0, let handler else {
            snapshots = PeriodicSnapshots()
            return
        }
        snapshots.every = cycles
        snapshots.handler = handler
        let from = snapshotCycle
        snapshots.next = from / cycles * cycles + cycles
    }

    func takePeriodicSnapshot(cycle: UInt64) {
        let state = saveState(sharingPagesWith: snapshots.last)
        snapshots.last = state
        let every = snapshots.every
        snapshots.next = every > 0 ? (cycle / every + 1) * every : .max
        snapshots.handler?(state)
    }

    /// The memories in a fixed order (by name).
    var snapshotMemories: [RAM] { parts.memories.keys.sorted().map { parts.memories[$0]! } }

    /// The devices with state of their own, in a fixed order: the event unit, the DMA and every
    /// device on the bus (each once, in the order of the memory map).
    var snapshotDevices: [SnapshotPart] {
        var seen = Set<ObjectIdentifier>()
        var parts: [SnapshotPart] = []
        func add(_ p: SnapshotPart?) {
            guard let p, seen.insert(ObjectIdentifier(p)).inserted else { return }
            parts.append(p)
        }
        add(self.parts.eventUnit)
        add(self.parts.fcInterrupts)
        for region in bus.regions {
            if case .device(let d) = region.kind { add(d as? SnapshotPart) }
        }
        return parts
    }

    /// The state of every part but memory contents.
    func snapshotCore(_ coder: inout SnapshotCoder) {
        coder.section("machine")
        coder.pod(&scheduler.state.pointee.now)
        coder.bool(&scheduler.state.pointee.wokeAnotherHart)
        coder.bool(&slowPathShared)
        coder.pod(&lastTurnHart)
        coder.pod(&unexpectedTraps)
        coder.dictionary(&startedAt)
        coder.array(&diagnostics, empty: DeviceDiagnostic(level: .note, source: "", message: "")) { coder, d in
            var level = d.level, source = d.source, message = d.message
            coder.pod(&level); coder.string(&source); coder.string(&message)
            if coder.isRestoring { d = DeviceDiagnostic(level: level, source: source, message: message) }
        }
        interpreter.snapshotCodePages(&coder)
        coder.section("harts")
        var count = harts.count
        coder.pod(&count)
        guard count == harts.count else { return coder.fail("the snapshot has \(count) harts, this machine \(harts.count)") }
        for h in harts { h.snapshot(&coder) }
        coder.section("console")
        console.snapshot(&coder)
        coder.section("devices")
        let devices = snapshotDevices
        var n = devices.count
        coder.pod(&n)
        guard n == devices.count else { return coder.fail("the snapshot's devices do not match this machine") }
        for i in devices.indices {
            coder.section(String(describing: type(of: devices[i])))
            devices[i].snapshot(&coder)
        }
        var hasDMA = dma != nil
        coder.bool(&hasDMA)
        guard hasDMA == (dma != nil) else { return coder.fail("the snapshot's DMA does not match this machine") }
        dma?.snapshot(&coder)
        var hasArbiter = arbiter != nil
        coder.bool(&hasArbiter)
        guard hasArbiter == (arbiter != nil) else { return coder.fail("the snapshot's TCDM contention does not match this machine") }
        arbiter?.snapshot(&coder)
        // (After the devices: their events' actions are rebuilt from their restored state.)
        coder.section("events")
        let contexts = deviceContexts
        events.snapshot(&coder) { source, event, argument, time in
            guard source >= 0 && Int(source) < contexts.count else { return nil }
            return contexts[Int(source)].eventAction?(event, argument, time)
        }
        coder.section("end")
    }

    /// The machine's state now. Call it between runs (or from the run loop between turns).
    public func saveState(sharingPagesWith previous: MachineState? = nil) -> MachineState {
        var coder = SnapshotCoder()
        snapshotCore(&coder)
        precondition(coder.failure == nil, "snapshot: \(coder.failure!)")
        let page = Machine.snapshotPageBytes
        var pages: [[Int: [UInt8]]] = []
        for (m, ram) in snapshotMemories.enumerated() {
            var kept: [Int: [UInt8]] = [:]
            let earlier = previous.flatMap { m < $0.pages.count ? $0.pages[m] : nil }
            let raw = UnsafeRawBufferPointer(start: ram.bytes, count: ram.size)
            for p in 0..<(ram.size + page - 1) / page {
                let slice = UnsafeRawBufferPointer(rebasing: raw[(p * page)..<min(ram.size, (p + 1) * page)])
                if let old = earlier?[p], old.count == slice.count,
                   old.withUnsafeBytes({ memcmp($0.baseAddress!, slice.baseAddress!, slice.count) == 0 }) {
                    kept[p] = old  // (the same storage as the earlier snapshot's page)
                } else if !Machine.isZero(slice) {
                    kept[p] = [UInt8](slice)
                }
            }
            pages.append(kept)
        }
        return MachineState(core: coder.bytes, pages: pages, cycle: snapshotCycle,
                            instructions: harts.reduce(0) { $0 + $1.instret })
    }

    /// The cycle a snapshot is filed under: the earliest running hart's (all asleep: the latest's).
    var snapshotCycle: UInt64 {
        let running = scheduler.earliestRunningCycle()
        return running != .max ? running : max(now, harts.map(\.cycle).max() ?? 0)
    }

    static func isZero(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var i = 0
        let n = bytes.count
        while i + 8 <= n {
            if bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self) != 0 { return false }
            i += 8
        }
        while i < n { if bytes[i] != 0 { return false }; i += 1 }
        return true
    }

    /// Puts the machine back in `state` (taken from a machine of the same platform, options and
    /// ELF). On failure the machine's state is undefined: the message says what did not fit.
    public func restoreState(_ state: MachineState) throws {
        let memories = snapshotMemories
        guard state.pages.count == memories.count else {
            throw SnapshotError.mismatch("the snapshot has \(state.pages.count) memories, this machine \(memories.count)")
        }
        let page = Machine.snapshotPageBytes
        for (m, ram) in memories.enumerated() {
            let raw = UnsafeMutableRawBufferPointer(start: ram.bytes, count: ram.size)
            for p in 0..<(ram.size + page - 1) / page {
                let range = (p * page)..<min(ram.size, (p + 1) * page)
                let slice = UnsafeMutableRawBufferPointer(rebasing: raw[range])
                if let bytes = state.pages[m][p] {
                    guard bytes.count == range.count else { throw SnapshotError.mismatch("a page of memory \(ram.name) has the wrong size") }
                    bytes.withUnsafeBytes { slice.copyMemory(from: $0) }
                } else if !Machine.isZero(UnsafeRawBufferPointer(slice)) {
                    memset(slice.baseAddress!, 0, slice.count)
                }
            }
            if state.pages[m].keys.contains(where: { $0 < 0 || $0 * page >= ram.size }) {
                throw SnapshotError.mismatch("the snapshot's memory \(ram.name) is larger than this machine's")
            }
        }
        var coder = SnapshotCoder(restoring: state.core)
        snapshotCore(&coder)
        if let failure = coder.failure { throw SnapshotError.mismatch(failure) }
        guard coder.atEnd else { throw SnapshotError.mismatch("the snapshot holds more than this machine has") }
        // Derived state: the timeline's view of the harts, what turns observe.
        for h in harts { timeline?.state(hart: h.index, h.state == .running ? "running" : "asleep", at: h.cycle) }
        control.end = nil
        updateObservation()
    }
}

/// Why a snapshot could not be written, read or restored.
public enum SnapshotError: Error, CustomStringConvertible {
    case file(String)
    case mismatch(String)
    public var description: String {
        switch self {
        case .file(let s): return s
        case .mismatch(let s): return "the snapshot does not fit: \(s)"
        }
    }
}

extension Hart {
    /// Registers, CSRs, counters, event totals and run state.
    func snapshot(_ coder: inout SnapshotCoder) {
        coder.pointer(x, count: 33 + 32)
        coder.pod(&core.pointee)
        coder.pointer(eventTotals, count: EventTotals.count)
        counters.snapshot(&coder)
        var s = state
        coder.hartState(&s)
        if coder.isRestoring {
            let awake = core.pointee.awake
            state = s
            if awake != core.pointee.awake { coder.fail("the snapshot's hart \(index) is inconsistent") }
        }
    }
}

extension PerformanceCounters {
    mutating func snapshot(_ coder: inout SnapshotCoder) {
        coder.pod(&inhibit)
        coder.array(&selectors); coder.array(&base); coder.array(&mark)
        coder.pod(&legacyEnable); coder.pod(&legacyMode)
        coder.array(&legacyBase); coder.array(&legacyMark)
        if coder.isRestoring && (selectors.count != 32 || base.count != 32 || mark.count != 32
                                 || legacyBase.count != LegacyPerformanceEvent.count || legacyMark.count != LegacyPerformanceEvent.count) {
            coder.fail("the snapshot's performance counters do not match this machine")
        }
    }
}

extension Machine {
    /// A hash of the machine's whole state (`MachineState`: every part and every memory byte),
    /// for checking that two ways to a moment end in the same state (`monitor statehash`).
    public func stateHash() -> UInt64 {
        let state = saveState()
        var coder = SnapshotCoder(canonical: true)
        snapshotCore(&coder)
        var h = SnapshotCoder.hash(coder.bytes)
        for (m, pages) in state.pages.enumerated() {
            for index in pages.keys.sorted() {
                var tag = UInt64(m) << 32 | UInt64(index)
                withUnsafeBytes(of: &tag) { h = SnapshotCoder.hash($0, seed: h) }
                h = pages[index]!.withUnsafeBytes { SnapshotCoder.hash($0, seed: h) }
            }
        }
        return h
    }
}
