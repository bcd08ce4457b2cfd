// Kernel: the scheduler — which hart runs next, for how long, and simulated time.
//
// Scheduling is deterministic: the running hart that is furthest behind in simulated time goes
// next (ties: the lowest index) and runs until it is `quantum` cycles ahead of the next one, or
// until the next timed event, or until it accesses a device (event unit, test-and-set alias,
// RedMulE, ...), which ends its turn so that accesses to shared devices happen in the order of
// simulated time. Sleeping harts are skipped and cost nothing; when every hart sleeps, time jumps
// to the next timed event. The same ELF and options therefore always give the same interleaving,
// output, traces and counts, whatever the host load.
//
// The state the run loop reads every turn lives in pointer-backed storage (`SchedulerState`, the
// harts' `HartCore`s): no dynamic exclusivity checks and no reference counting per turn.

/// The scheduler's per-turn state.
struct SchedulerState {
    /// Cluster cycle of the access or event being processed.
    var now: UInt64 = 0
    /// A timed event is being fired: what it does happens at `now`, whichever hart it concerns.
    var firingEvents = false
    /// Set when a device wakes a hart, so that the waking hart's turn ends (time order).
    var wokeAnotherHart = false
    /// Harts the debugger lets run (bit i = hart i).
    var runnable: UInt64 = ~0
    /// Turns go through the observing path (tracing, watchpoints, timeline).
    var observing = false
}

/// The hart chosen for a turn.
struct Turn {
    let hart: Int
    /// Running harts (the chosen one included).
    let running: Int
    /// The cycle of the next running hart (`UInt64.max` if it runs alone).
    let runnerUp: UInt64
}

/// Picks harts, keeps simulated time, fires timed events.
final class Scheduler {
    let harts: [Hart]
    let cores: UnsafeMutablePointer<UnsafeMutablePointer<HartCore>>
    let count: Int
    let events: EventQueue
    let quantum: UInt64
    let state: UnsafeMutablePointer<SchedulerState>

    init(harts: [Hart], events: EventQueue, quantum: UInt64) {
        self.harts = harts
        count = harts.count
        cores = .allocate(capacity: max(count, 1))
        for (i, h) in harts.enumerated() { cores[i] = h.core }
        self.events = events
        self.quantum = quantum
        state = .allocate(capacity: 1)
        state.initialize(to: SchedulerState())
    }

    deinit {
        cores.deallocate()
        state.deallocate()
    }

    var now: UInt64 {
        get { state.pointee.now }
        set { state.pointee.now = newValue }
    }
    var observing: Bool {
        get { state.pointee.observing }
        set { state.pointee.observing = newValue }
    }

    /// Restricts scheduling to `harts` (nil: all).
    func runnable(_ harts: Set<Int>?) {
        state.pointee.runnable = harts.map { $0.reduce(UInt64(0)) { $0 | (($1 >= 0 && $1 < 64) ? UInt64(1) << UInt64($1) : 0) } } ?? ~0
    }

    /// The running (and runnable) hart furthest behind in time, or nil if none runs. (Without
    /// branches on the harts' state or cycles: which hart wins changes from turn to turn, and a
    /// mispredicted branch per hart cost more than the whole scan.)
    @inline(__always) func choose() -> Turn? {
        let mask = state.pointee.runnable
        var chosen = -1
        var chosenCycle = UInt64.max
        var runnerUp = UInt64.max
        var running = 0
        for i in 0..<count {
            let core = cores[i]
            let eligible = (core.pointee.awake ? mask >> UInt64(i) : 0) & 1 != 0
            running &+= eligible ? 1 : 0
            let cycle = eligible ? core.pointee.cycle : .max
            let earlier = cycle < chosenCycle
            runnerUp = earlier ? chosenCycle : min(runnerUp, cycle)
            chosen = earlier ? i : chosen
            chosenCycle = earlier ? cycle : chosenCycle
        }
        return chosen < 0 ? nil : Turn(hart: chosen, running: running, runnerUp: runnerUp)
    }

    /// The earliest cycle of a running hart (`UInt64.max` if none runs).
    func earliestRunningCycle() -> UInt64 {
        var earliest = UInt64.max
        for i in 0..<count where cores[i].pointee.awake { earliest = min(earliest, cores[i].pointee.cycle) }
        return earliest
    }

    /// Whether a hart other than those the debugger lets run is running.
    var frozenHartRunning: Bool {
        let mask = state.pointee.runnable
        return (0..<count).contains { cores[$0].pointee.awake && mask & (UInt64(1) << UInt64($0)) == 0 }
    }

    /// Fires timed events due by `time`, with `now` following each event's cycle.
    func fireEvents(upTo time: UInt64) {
        state.pointee.firingEvents = true
        defer { state.pointee.firingEvents = false }
        let s = state
        events.fireDue(upTo: time) { s.pointee.now = $0 }
    }
}
