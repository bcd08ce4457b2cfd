// Platform: the cluster event unit (event_unit_flex v3 semantics, docs/platform.md §4).
//
// Per core: a sticky 32-bit event buffer, an event mask and an IRQ mask. Waiting reads put the
// reading hart to sleep; the bus retries the read when the hart is woken, so the semantics live
// in one place: a wait returns when (buffer & mask) ≠ 0. Side effects of a waiting read (the
// trigger of TRIG_WAIT, the barrier arrival of TRIGGER_WAIT, the mutex request) happen once, on
// the first attempt. Barriers, mutexes and the dispatch FIFO are shared by all cores.

import Foundation

/// Event lines (docs/platform.md §4).
public enum EventLine {
    public static let dmaFirst = 8, timerLow = 10, timerHigh = 11, redmule = 12, acc1 = 13
    public static let barrier = 16, mutex = 17, dispatch = 18
}

/// The event unit shared by the cluster's cores.
public final class EventUnit {
    public let cores: Int
    let context: DeviceContext
    public private(set) var buffer: [UInt32]
    public private(set) var eventMask: [UInt32]
    public private(set) var irqMask: [UInt32]
    var swEventsMask: [UInt32]

    struct Barrier { var triggerMask: UInt32 = 0; var status: UInt32 = 0; var targetMask: UInt32 = 0 }
    var barriers = [Barrier](repeating: Barrier(), count: 8)

    struct Mutex { var owner: Int? = nil; var message: UInt32 = 0; var waiters: UInt32 = 0 }
    var mutexes = [Mutex](repeating: Mutex(), count: 8)

    var dispatchQueues: [[UInt32]]
    var dispatchTeam: UInt32
    static let dispatchDepth = 8

    /// What a sleeping core is waiting for.
    enum Wait: Equatable {
        case events(clear: Bool, register: String)
        case mutex(Int)
        case dispatchPop
        case dispatchPush
        case interrupt  // wfi
    }
    var waits: [Wait?]
    /// The race detector, told of every synchronisation (`--check-races`).
    var races: RaceDetector?
    /// Offset of the access a core slept on, so that its retry skips the side effects.
    var pendingOffset: [UInt32?]

    public init(cores: Int, context: DeviceContext) {
        self.cores = cores
        self.context = context
        buffer = .init(repeating: 0, count: cores)
        eventMask = .init(repeating: 0, count: cores)
        irqMask = .init(repeating: 0, count: cores)
        swEventsMask = .init(repeating: 0, count: cores)
        dispatchQueues = .init(repeating: [], count: cores)
        dispatchTeam = cores >= 32 ? 0xFFFF_FFFF : (UInt32(1) << UInt32(cores)) - 1
        waits = .init(repeating: nil, count: cores)
        pendingOffset = .init(repeating: nil, count: cores)
    }

    var allCores: UInt32 { (UInt32(1) << UInt32(cores)) - 1 }

    /// Snapshots: every register, barrier, mutex, dispatch queue and wait.
    func snapshot(_ coder: inout SnapshotCoder) {
        coder.array(&buffer); coder.array(&eventMask); coder.array(&irqMask); coder.array(&swEventsMask)
        coder.array(&barriers); coder.array(&mutexes)
        coder.array(&dispatchQueues, empty: []) { $0.array(&$1) }
        coder.pod(&dispatchTeam)
        coder.array(&waits, empty: nil) { coder, wait in
            coder.optional(&wait, empty: .interrupt) { coder, w in
                var kind: UInt8 = 0, flag = false, text = "", number = 0
                switch w {
                case .events(let clear, let register): kind = 0; flag = clear; text = register
                case .mutex(let m): kind = 1; number = m
                case .dispatchPop: kind = 2
                case .dispatchPush: kind = 3
                case .interrupt: kind = 4
                }
                coder.pod(&kind); coder.bool(&flag); coder.string(&text); coder.pod(&number)
                if coder.isRestoring {
                    switch kind {
                    case 0: w = .events(clear: flag, register: text)
                    case 1: w = .mutex(number)
                    case 2: w = .dispatchPop
                    case 3: w = .dispatchPush
                    case 4: w = .interrupt
                    default: coder.fail("the snapshot holds an unknown event-unit wait")
                    }
                }
            }
        }
        coder.array(&pendingOffset)
        if coder.isRestoring && [buffer.count, eventMask.count, irqMask.count, swEventsMask.count, dispatchQueues.count,
                                 waits.count, pendingOffset.count].contains(where: { $0 != cores }) {
            coder.fail("the snapshot's event unit has another number of cores")
        }
    }

    // MARK: Events

    /// Raises `line` on every core in `targets` (bit i = core i) and wakes those now satisfied.
    public func raise(line: Int, targets: UInt32) {
        let bit = UInt32(1) << UInt32(line)
        for core in 0..<cores where targets & (1 << UInt32(core)) != 0 {
            buffer[core] |= bit
            checkWake(core)
        }
    }

    /// The highest pending line whose IRQ is enabled, if any.
    public func pendingInterrupt(core: Int) -> Int? {
        let pending = buffer[core] & irqMask[core]
        guard pending != 0 else { return nil }
        return 31 - pending.leadingZeroBitCount
    }

    /// The hart takes interrupt `line`: its buffer bit is cleared.
    public func acknowledgeInterrupt(core: Int, line: Int) {
        if let races, core < races.harts { acquireLines(races, core: core, UInt32(1) << UInt32(line), "interrupt") }
        buffer[core] &= ~(UInt32(1) << UInt32(line))
    }

    /// True if a `wfi` on `core` should end (an IRQ-enabled event is pending).
    public func wakesFromWFI(core: Int) -> Bool { buffer[core] & irqMask[core] != 0 }

    /// Records that `core` sleeps in `wfi` so that a later event wakes it.
    public func noteWFI(core: Int) { waits[core] = .interrupt }

    private func checkWake(_ core: Int) {
        guard let wait = waits[core] else { return }
        switch wait {
        case .events: if buffer[core] & eventMask[core] != 0 { wakeCore(core) }
        case .interrupt: if buffer[core] & irqMask[core] != 0 { wakeCore(core) }
        case .mutex, .dispatchPop, .dispatchPush: break
        }
    }

    /// Cycles from an event to the sleeping core's retried access: the event unit registers what
    /// arrives (event_unit_flex, `rtl/event_unit_core.sv`: `event_buffer_DP` is a flip-flop), so
    /// an event of cycle T reaches the sleep FSM in T + 1, which grants the core's pending access
    /// then (SLEEP state, `|event_buffer_masked`: `p_demux_gnt_sleep_fsm`, `core_clock_en`).
    static let wakeLatency: UInt64 = 1

    private func wakeCore(_ core: Int) {
        waits[core] = nil
        context.wake(hart: core, latency: EventUnit.wakeLatency)  // first: the event is at the time of waking
        context.trace(hart: core, String(format: "wake (buffer 0x%08x)", buffer[core]))
    }

    // MARK: Register access (per-core view)

    /// Reads a per-core-view register as `core`. Returns nil for a bad offset; sets `sleep` when
    /// the core must wait.
    func read(_ offset: UInt32, core: Int, sleep: inout SleepReason?, allowSleep: Bool) -> UInt32? {
        // Only the core's own (sleep-capable) view consumes its pending-wait marker; a global-view
        // read of another core's registers must not disturb that core's wait.
        let retry = allowSleep && pendingOffset[core] == offset
        if allowSleep { pendingOffset[core] = nil }
        switch offset {
        case 0x00, 0x04, 0x08: return eventMask[core]
        case 0x0C, 0x10, 0x14: return irqMask[core]
        case 0x18: return waits[core] == nil || waits[core] == .interrupt ? 1 : 0  // clock gated while waiting
        case 0x1C:
            if allowSleep, let races { acquireLines(races, core: core, buffer[core], "EVENT_BUFFER read") }
            return buffer[core]
        case 0x20:
            if allowSleep, let races { acquireLines(races, core: core, buffer[core] & eventMask[core], "EVENT_BUFFER_MASKED read") }
            return buffer[core] & eventMask[core]
        case 0x24: return buffer[core] & irqMask[core]
        case 0x28: return 0
        case 0x2C, 0x30, 0x34: return swEventsMask[core]
        case 0x38, 0x3C:
            return waitForEvents(core: core, clear: offset == 0x3C, register: offset == 0x3C ? "EVENT_WAIT_CLEAR" : "EVENT_WAIT",
                                 offset: offset, sleep: &sleep, allowSleep: allowSleep)
        case 0x80:
            if let value = dispatchQueues[core].first {
                dispatchQueues[core].removeFirst()
                if allowSleep, let races, core < races.harts {
                    races.cycle = context.now
                    races.acquire(core, from: races.dispatchClock, "dispatch pop")
                }
                wakeDispatchPushers()
                return value
            }
            if !allowSleep { return 0 }
            waits[core] = .dispatchPop
            pendingOffset[core] = offset
            sleep = .device("event unit DISPATCH_FIFO pop (queue empty)")
            return 0
        case 0x84: return dispatchTeam
        case 0xC0..<0xE0 where offset & 3 == 0:
            let m = Int((offset - 0xC0) / 4)
            if retry, mutexes[m].owner == core {
                acquireMutex(core, m)
                return mutexes[m].message
            }
            if mutexes[m].owner == nil {
                mutexes[m].owner = core
                if allowSleep { acquireMutex(core, m) }
                return mutexes[m].message
            }
            if !allowSleep { return 0 }
            mutexes[m].waiters |= 1 << UInt32(core)
            waits[core] = .mutex(m)
            pendingOffset[core] = offset
            let owner = mutexes[m].owner.map { "core \($0)" } ?? "nobody"
            sleep = .device("event unit MUTEX \(m) lock (held by \(owner))")
            return 0
        case 0x100..<0x140 where offset & 3 == 0: return 0
        case 0x140..<0x1C0 where offset & 3 == 0:
            let e = Int((offset & 0x3F) / 4)
            let clear = offset >= 0x180
            if !retry {
                let targets = swEventsMask[core] == 0 ? allCores : swEventsMask[core]
                if allowSleep { release(core, line: e, "software event \(e)") }
                raise(line: e, targets: targets & allCores)
            }
            return waitForEvents(core: core, clear: clear, register: "\(clear ? "TRIG_WAIT_CLEAR" : "TRIG_WAIT") \(e)",
                                 offset: offset, sleep: &sleep, allowSleep: allowSleep)
        case 0x200..<0x300:
            let b = Int((offset - 0x200) / 0x20)
            switch offset & 0x1F {
            case 0x00: return barriers[b].triggerMask
            case 0x04: return barriers[b].status
            case 0x0C: return barriers[b].targetMask
            case 0x10: return 0
            case 0x14:
                arrive(barrier: b, cores: 1 << UInt32(core), by: allowSleep ? core : nil)
                return 0
            case 0x18, 0x1C:
                if !retry { arrive(barrier: b, cores: 1 << UInt32(core), by: allowSleep ? core : nil) }
                let clear = offset & 0x1F == 0x1C
                return waitForEvents(core: core, clear: clear,
                                     register: "barrier \(b) \(clear ? "TRIGGER_WAIT_CLEAR" : "TRIGGER_WAIT")",
                                     offset: offset, sleep: &sleep, allowSleep: allowSleep)
            default: return nil
            }
        default: return nil
        }
    }

    private func waitForEvents(core: Int, clear: Bool, register: String, offset: UInt32,
                               sleep: inout SleepReason?, allowSleep: Bool) -> UInt32 {
        let value = buffer[core] & eventMask[core]
        if value != 0 || !allowSleep {
            if allowSleep, value != 0, let races { acquireLines(races, core: core, value, register) }
            if clear && allowSleep { buffer[core] &= ~eventMask[core] }
            return value
        }
        waits[core] = .events(clear: clear, register: register)
        pendingOffset[core] = offset
        sleep = .device(String(format: "event unit %@, event mask 0x%08x, buffer 0x%08x", register, eventMask[core], buffer[core]))
        return 0
    }

    /// `core` saw `lines` (bit i: line i) in its buffer: it acquires what was released on them.
    private func acquireLines(_ races: RaceDetector, core: Int, _ lines: UInt32, _ how: String) {
        races.cycle = context.now
        var bits = lines
        while bits != 0 {
            let line = bits.trailingZeroBitCount
            bits &= bits - 1
            races.acquire(core, from: races.lineClocks[line], "\(how) returning event \(line)")
        }
    }

    /// A core's own release on an event line (a software event it triggers).
    private func release(_ core: Int, line: Int, _ what: String) {
        guard let races, core < races.harts else { return }
        races.cycle = context.now
        races.release(core, into: &races.lineClocks[line], what)
    }

    private func arrive(barrier b: Int, cores arriving: UInt32, by core: Int? = nil) {
        if let core, let races, core < races.harts {
            races.cycle = context.now
            races.release(core, into: &races.barrierClocks[b], "arrival at barrier \(b)")
        }
        barriers[b].status |= arriving
        let bar = barriers[b]
        if arriving != 0, context.tracing {
            context.trace(hart: nil, String(format: "barrier %d arrival 0x%02x (status 0x%02x of 0x%02x)", b, arriving, bar.status, bar.triggerMask))
        }
        if bar.triggerMask != 0 && bar.status & bar.triggerMask == bar.triggerMask {
            barriers[b].status = 0
            if let races { RaceDetector.join(&races.lineClocks[EventLine.barrier], races.barrierClocks[b]) }
            context.trace(hart: nil, String(format: "barrier %d released: event 16 to cores 0x%02x", b, bar.targetMask))
            raise(line: EventLine.barrier, targets: bar.targetMask & allCores)
        }
    }

    /// Writes a per-core-view register as `core`; false for a bad offset. A dispatch push into a
    /// full queue sets `sleep` (the writer stalls until a core pops).
    func write(_ offset: UInt32, _ value: UInt32, core: Int, sleep: inout SleepReason?, by writer: Int? = nil) -> Bool {
        let writer = writer ?? core  // (the global view writes a core's registers for any hart)
        switch offset {
        case 0x00: eventMask[core] = value; checkWake(core)
        case 0x04: eventMask[core] &= ~value
        case 0x08: eventMask[core] |= value; checkWake(core)
        case 0x0C: irqMask[core] = value; checkWake(core)
        case 0x10: irqMask[core] &= ~value
        case 0x14: irqMask[core] |= value; checkWake(core)
        case 0x18, 0x1C, 0x20, 0x24: break  // read-only
        case 0x28: buffer[core] &= ~value
        case 0x2C: swEventsMask[core] = value
        case 0x30: swEventsMask[core] &= ~value
        case 0x34: swEventsMask[core] |= value
        case 0x38, 0x3C: break
        case 0x80:
            let team = dispatchTeam & allCores
            for c in 0..<cores where team & (1 << UInt32(c)) != 0 && dispatchQueues[c].count >= EventUnit.dispatchDepth {
                waits[core] = .dispatchPush
                sleep = .device("event unit DISPATCH_FIFO push (queue of core \(c) full)")
                return true
            }
            if let races, core < races.harts {
                races.cycle = context.now
                races.release(core, into: &races.dispatchClock, "dispatch push")
            }
            for c in 0..<cores where team & (1 << UInt32(c)) != 0 {
                dispatchQueues[c].append(value)
                if waits[c] == .dispatchPop { wakeCore(c) }
            }
            raise(line: EventLine.dispatch, targets: team)
        case 0x84: dispatchTeam = value
        case 0xC0..<0xE0 where offset & 3 == 0:
            let m = Int((offset - 0xC0) / 4)
            if let races, core < races.harts {
                races.cycle = context.now
                races.release(core, into: &races.mutexClocks[m], "unlock of mutex \(m)")
            }
            mutexes[m].message = value
            if mutexes[m].waiters != 0 {
                let next = mutexes[m].waiters.trailingZeroBitCount
                mutexes[m].waiters &= ~(1 << UInt32(next))
                mutexes[m].owner = next
                wakeCore(next)
            } else {
                mutexes[m].owner = nil
            }
        case 0x100..<0x140 where offset & 3 == 0:
            let e = Int((offset - 0x100) / 4)
            let targets = value & 0xFF == 0 ? allCores : value & 0xFF
            release(writer, line: e, "software event \(e)")
            raise(line: e, targets: targets & allCores)
        case 0x140..<0x1C0: break
        case 0x200..<0x300:
            let b = Int((offset - 0x200) / 0x20)
            switch offset & 0x1F {
            case 0x00: barriers[b].triggerMask = value; arrive(barrier: b, cores: 0)
            case 0x04: barriers[b].status = value
            case 0x0C: barriers[b].targetMask = value
            case 0x10: arrive(barrier: b, cores: value, by: writer)
            case 0x14, 0x18, 0x1C: break
            default: return false
            }
        default: return false
        }
        return true
    }

    private func acquireMutex(_ core: Int, _ m: Int) {
        guard let races, core < races.harts else { return }
        races.cycle = context.now
        races.acquire(core, from: races.mutexClocks[m], "lock of mutex \(m)")
    }

    private func wakeDispatchPushers() {
        for c in 0..<cores where waits[c] == .dispatchPush { wakeCore(c) }
    }

    /// What `core` waits for, described from the current state (deadlock reports).
    public func describeWait(core: Int) -> String? {
        guard core >= 0 && core < cores, let wait = waits[core] else { return nil }
        switch wait {
        case .events(_, let register):
            var text = String(format: "event unit %@: event mask 0x%08x, buffer 0x%08x", register, eventMask[core], buffer[core])
            if eventMask[core] & (1 << UInt32(EventLine.barrier)) != 0 {
                for (b, bar) in barriers.enumerated() where bar.triggerMask != 0 && bar.targetMask & (1 << UInt32(core)) != 0 {
                    let missing = bar.triggerMask & ~bar.status
                    text += String(format: "; barrier %d has 0x%02x of trigger mask 0x%02x (missing cores 0x%02x)",
                                   b, bar.status, bar.triggerMask, missing)
                }
            }
            return text
        case .mutex(let m):
            let owner = mutexes[m].owner.map { "core \($0)" } ?? "nobody"
            return "event unit MUTEX \(m) lock, held by \(owner)"
        case .dispatchPop: return "event unit DISPATCH_FIFO pop (queue empty)"
        case .dispatchPush: return "event unit DISPATCH_FIFO push (a team member's queue is full)"
        case .interrupt:
            return String(format: "wfi: event-unit irq mask 0x%08x, buffer 0x%08x", irqMask[core], buffer[core])
        }
    }

    /// Human-readable state for reports and debugger `monitor` commands.
    public func describe() -> String {
        var lines: [String] = []
        for c in 0..<cores {
            lines.append(String(format: "core %d: buffer 0x%08x  event mask 0x%08x  irq mask 0x%08x  dispatch queue %d",
                                c, buffer[c], eventMask[c], irqMask[c], dispatchQueues[c].count))
        }
        for (b, bar) in barriers.enumerated() where bar.triggerMask != 0 || bar.status != 0 {
            lines.append(String(format: "barrier %d: trigger mask 0x%02x  status 0x%02x  target mask 0x%02x",
                                b, bar.triggerMask, bar.status, bar.targetMask))
        }
        for (m, mutex) in mutexes.enumerated() where mutex.owner != nil || mutex.waiters != 0 {
            lines.append("mutex \(m): owner \(mutex.owner.map(String.init) ?? "none"), waiters 0x\(String(mutex.waiters, radix: 16))")
        }
        return lines.joined(separator: "\n")
    }
}

/// The event unit as one core sees it (0x1020_4000, alias 0x0020_4000): accesses act for the
/// accessing core.
final class EventUnitCoreView: Device {
    let name = "event unit"
    let unit: EventUnit
    init(unit: EventUnit) { self.unit = unit }
    func read(offset: UInt32, size: Int, context: inout AccessContext) -> UInt32? {
        guard size == 4, context.hart >= 0, context.hart < unit.cores else { return nil }
        return unit.read(offset, core: context.hart, sleep: &context.sleep, allowSleep: true)
    }
    func write(offset: UInt32, size: Int, value: UInt32, context: inout AccessContext) -> Bool {
        guard size == 4, context.hart >= 0, context.hart < unit.cores else { return false }
        return unit.write(offset, value, core: context.hart, sleep: &context.sleep)
    }
}

/// The global view (0x1020_0800): per-core registers at core·0x40, barriers at 0x400 + 0x20·b,
/// software event triggers at 0x600 + 4·e. Nothing here sleeps: wait registers read like
/// BUFFER_MASKED and clear nothing.
final class EventUnitGlobalView: Device {
    let name = "event unit (global view)"
    let unit: EventUnit
    init(unit: EventUnit) { self.unit = unit }

    private func map(_ offset: UInt32) -> (core: Int, offset: UInt32)? {
        switch offset {
        case 0..<0x200:
            let core = Int(offset / 0x40)
            return core < unit.cores ? (core, offset % 0x40) : nil
        case 0x400..<0x500: return (0, offset - 0x400 + 0x200)
        case 0x600..<0x640: return (0, offset - 0x600 + 0x100)
        default: return nil
        }
    }
    func read(offset: UInt32, size: Int, context: inout AccessContext) -> UInt32? {
        guard size == 4, let (core, local) = map(offset) else { return nil }
        var ignored: SleepReason?
        // Barrier self-triggers need a core; the global view has none.
        if local >= 0x200 && (local & 0x1F) >= 0x14 { return nil }
        return unit.read(local, core: core, sleep: &ignored, allowSleep: false)
    }
    func write(offset: UInt32, size: Int, value: UInt32, context: inout AccessContext) -> Bool {
        guard size == 4, let (core, local) = map(offset) else { return false }
        var ignored: SleepReason?
        if local == 0x80 { return false }  // dispatch pushes need a core's team
        return unit.write(local, value, core: core, sleep: &ignored, by: context.hart)
    }
}
