// Kernel: timed device events (timer compare matches, accelerator completions) in cluster cycles.
//
// Devices schedule callbacks at a cycle; the scheduler fires them when simulated time reaches
// that cycle, and when every hart sleeps it jumps straight to the next one. Ties fire in the order
// they were scheduled, so runs stay deterministic.
//
// Each entry names who scheduled it and what it does (`source`, `event`, `argument`), so that a
// snapshot can store the queue as data and a restore can have each device rebuild its actions
// (Snapshot/Snapshot.swift).

/// A queue of callbacks keyed by cluster cycle.
public final class EventQueue {
    struct Entry {
        let time: UInt64
        let sequence: UInt64
        /// Who scheduled it (a device context's index, -1: not a device) and which of its events
        /// it is, with the event's argument.
        let source: Int32
        let event: UInt32
        let argument: UInt64
        let action: () -> Void
    }
    private var entries: [Entry] = []
    private var nextSequence: UInt64 = 0
    /// The earliest pending time (`UInt64.max`: none), where the run loop reads it every turn.
    private let earliest: UnsafeMutablePointer<UInt64>

    public init() {
        earliest = .allocate(capacity: 1)
        earliest.initialize(to: .max)
    }
    deinit { earliest.deallocate() }

    /// Schedules `action` at `time`; returns a token for `cancel`.
    @discardableResult
    public func schedule(at time: UInt64, _ action: @escaping () -> Void) -> UInt64 {
        schedule(at: time, source: -1, event: 0, argument: 0, action)
    }

    /// Schedules `action` at `time` for device context `source`: its event `event` with `argument`.
    @discardableResult
    func schedule(at time: UInt64, source: Int32, event: UInt32, argument: UInt64, _ action: @escaping () -> Void) -> UInt64 {
        let entry = Entry(time: time, sequence: nextSequence, source: source, event: event, argument: argument, action: action)
        nextSequence += 1
        let index = entries.firstIndex { ($0.time, $0.sequence) > (time, entry.sequence) } ?? entries.count
        entries.insert(entry, at: index)
        earliest.pointee = entries[0].time
        return entry.sequence
    }

    public func cancel(_ token: UInt64) {
        entries.removeAll { $0.sequence == token }
        earliest.pointee = entries.first?.time ?? .max
    }

    /// Cycle of the earliest pending event.
    public var nextTime: UInt64? { earliest.pointee == .max && entries.isEmpty ? nil : earliest.pointee }
    /// Cycle of the earliest pending event, `UInt64.max` if none.
    @inline(__always) var nextTimeOrMax: UInt64 { earliest.pointee }
    public var isEmpty: Bool { entries.isEmpty }

    /// Fires every event due at or before `time`, in order; returns how many fired.
    @discardableResult
    func fireDue(upTo time: UInt64, now: (UInt64) -> Void) -> Int {
        var fired = 0
        while let first = entries.first, first.time <= time {
            entries.removeFirst()
            earliest.pointee = entries.first?.time ?? .max
            now(first.time)
            first.action()
            fired += 1
        }
        return fired
    }

    /// The queue as data (snapshots), and back: `action` rebuilds an entry's action from its
    /// source, event, argument and time (nil: the snapshot does not fit this machine).
    func snapshot(_ coder: inout SnapshotCoder,
                  action: (_ source: Int32, _ event: UInt32, _ argument: UInt64, _ time: UInt64) -> (() -> Void)?) {
        coder.pod(&nextSequence)
        let n = coder.count(entries.count, minimumBytes: 32)
        if coder.isSaving {
            for e in entries {
                guard e.source >= 0 else {
                    coder.fail("an event scheduled outside the devices is pending")
                    return
                }
                var (time, sequence, source, event, argument) = (e.time, e.sequence, e.source, e.event, e.argument)
                coder.pod(&time); coder.pod(&sequence); coder.pod(&source); coder.pod(&event); coder.pod(&argument)
            }
        } else {
            var restored: [Entry] = []
            for _ in 0..<n {
                var (time, sequence, source, event, argument) = (UInt64(0), UInt64(0), Int32(0), UInt32(0), UInt64(0))
                coder.pod(&time); coder.pod(&sequence); coder.pod(&source); coder.pod(&event); coder.pod(&argument)
                guard coder.failure == nil else { return }
                guard let act = action(source, event, argument, time) else {
                    coder.fail("the snapshot holds a timed event this machine does not have (source \(source), event \(event))")
                    return
                }
                restored.append(Entry(time: time, sequence: sequence, source: source, event: event, argument: argument, action: act))
            }
            entries = restored.sorted { ($0.time, $0.sequence) < ($1.time, $1.sequence) }
            earliest.pointee = entries.first?.time ?? .max
        }
    }
}
