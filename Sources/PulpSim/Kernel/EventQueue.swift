// Kernel: timed device events (timer compare matches, accelerator completions) in cluster cycles.
//
// Devices schedule callbacks at a cycle; the scheduler fires them when simulated time reaches
// that cycle, and when every hart sleeps it jumps straight to the next one. Ties fire in the order
// they were scheduled, so runs stay deterministic.

/// A queue of callbacks keyed by cluster cycle.
public final class EventQueue {
    struct Entry {
        let time: UInt64
        let sequence: UInt64
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
        let entry = Entry(time: time, sequence: nextSequence, action: action)
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
}
