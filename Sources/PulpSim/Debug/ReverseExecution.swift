// Debug: reverse execution for the gdb server (`reverse-stepi`, `reverse-continue`,
// `reverse-next`, ...: the remote protocol's `bs` and `bc` packets), docs/snapshots.md.
//
// The simulator is deterministic, so the past is recomputed rather than recorded: the history is
// the debugger's forward commands (a step of one hart, a run of the harts it lets run with the
// breakpoints and watchpoints of that moment) and snapshots of the machine (checkpoints) at
// their boundaries and every `interval` cycles within long runs. A position in the history is
// the number of instructions all harts have retired: it grows by one with every instruction.
// Going back to position t restores the last checkpoint before t and runs the recorded commands
// again, the last one cut after exactly t instructions in all. The machine is then in the state
// it had at that moment, as if it had been stopped there.
//
// Finding where to go replays a stretch with a probe that notes, without changing the run,
// where a hart retired its instructions and where an instruction at a breakpoint ran
// (`ReplayProbe`; the run goes through the capturing path, as for a trace).
//
// Going forward after going back runs live from there: the recorded future is dropped (a stop
// at a point the recorded run went through without stopping changes how the harts' turns fall
// from there on, docs/platform.md §1, "Scheduling of harts"). A debugger write to registers or
// memory takes a checkpoint after it, so that no replay goes through it.

/// What a replay notes: instructions at these pcs (by any hart), and the instruction that hart
/// `hart` retires as its `instret`-th (counting from 0).
final class ReplayProbe {
    var pcs: Set<UInt32> = []
    var hart = -1
    var instret: UInt64 = 0
    /// Positions (instructions retired by all harts before it) of the instructions at `pcs`,
    /// with their harts; and of hart `hart`'s instruction number `instret`.
    var hits: [(position: UInt64, hart: Int)] = []
    var hartHit: UInt64?

    /// Hart `hart` is about to retire its `instret`-th instruction, at `pc`, at `position`.
    @inline(__always) func note(hart h: Int, pc: UInt32, instret n: UInt64, position: UInt64) {
        if pcs.contains(pc) { hits.append((position, h)) }
        if h == hart && n == instret { hartHit = position }
    }
}

/// The debugger's history: its forward commands and checkpoints.
final class ReverseHistory {
    unowned let machine: Machine
    /// What decides how a command runs besides the machine's state.
    struct Setup {
        var breakpoints: Set<UInt32>
        var watchpoints: [Watchpoint]
        var runnable: Set<Int>?
    }
    struct Command {
        enum Kind { case step(hart: Int), run }
        let kind: Kind
        let setup: Setup
        let start: UInt64
        var end: UInt64
        /// The harts stopped at a breakpoint after it (the next run steps them over it first).
        var stoppedAfter: Set<Int>
    }
    struct Checkpoint {
        let position: UInt64
        /// The command to run next from it; `inside`: taken within that command (a run).
        let command: Int
        let inside: Bool
        let state: MachineState
        let stopped: Set<Int>
        let instrets: [UInt64]
        /// Taken after a debugger write: replays must start here or later.
        var barrier = false
    }
    /// The most checkpoints kept: past it every other one goes (not the first, nor those after
    /// a debugger write) and the interval doubles, so that a long session keeps its memory
    /// bounded while going back anywhere still replays at most a few intervals.
    static let maxCheckpoints = 256
    private(set) var commands: [Command] = []
    private(set) var checkpoints: [Checkpoint] = []
    /// Cycles between checkpoints.
    var interval: UInt64 = 100_000
    /// Replays done (for tests and `monitor history`).
    private(set) var replays = 0

    init(machine: Machine) {
        self.machine = machine
        checkpoint(inside: false)
    }

    var position: UInt64 { machine.harts.reduce(0) { $0 + $1.instret } }
    var start: UInt64 { checkpoints[0].position }

    private func checkpoint(inside: Bool, state: MachineState? = nil, barrier: Bool = false) {
        let s = state ?? machine.saveState(sharingPagesWith: checkpoints.last?.state)
        checkpoints.append(Checkpoint(position: position, command: commands.count, inside: inside, state: s,
                                      stopped: inside ? [] : machine.debug.stoppedAtBreakpoint, instrets: machine.harts.map(\.instret),
                                      barrier: barrier))
        if checkpoints.count > ReverseHistory.maxCheckpoints {
            var keep = true
            checkpoints = checkpoints.enumerated().filter { i, c in
                if i == 0 || i == checkpoints.count - 1 || c.barrier { return true }
                keep.toggle()
                return keep
            }.map(\.element)
            interval = interval.multipliedReportingOverflow(by: 2).overflow ? interval : interval * 2
            if let handler = machine.snapshots.handler { machine.snapshotEvery(interval, handler) }
        }
    }

    private var currentSetup: Setup {
        Setup(breakpoints: machine.debug.breakpoints, watchpoints: machine.watchpoints, runnable: machine.runnableHarts)
    }

    // MARK: Recording

    /// The cycle of the last checkpoint.
    private var checkpointCycle: UInt64 = 0

    /// A forward command: `body` runs it (`Machine.step` or `Machine.run`).
    func record<R>(_ kind: Command.Kind, _ body: () -> R) -> R {
        let setup = currentSetup
        let from = position
        if case .run = kind {
            machine.snapshotEvery(interval) { [unowned self] state in
                self.checkpoint(inside: true, state: state)
                self.checkpointCycle = state.cycle
            }
        }
        let result = body()
        machine.snapshotEvery(nil, nil)
        commands.append(Command(kind: kind, setup: setup, start: from, end: position, stoppedAfter: machine.debug.stoppedAtBreakpoint))
        if machine.snapshotCycle &- checkpointCycle >= interval {
            checkpoint(inside: false)
            checkpointCycle = machine.snapshotCycle
        }
        return result
    }

    /// The debugger changed registers or memory: no replay may go through this point.
    func recordWrite() { checkpoint(inside: false, barrier: true) }

    /// Puts the debugger's breakpoints, watchpoints and runnable harts as `setup` has them.
    private func install(_ setup: Setup) {
        let current = machine.debug.breakpoints
        for pc in current.subtracting(setup.breakpoints) { machine.removeBreakpoint(pc) }
        for pc in setup.breakpoints.subtracting(current) { machine.addBreakpoint(pc) }
        if machine.watchpoints != setup.watchpoints { machine.watchpoints = setup.watchpoints }
        if machine.runnableHarts != setup.runnable { machine.runnableHarts = setup.runnable }
    }

    // MARK: Going back

    /// Restores checkpoint `index` and runs the history on to `target` (with `probe` noting
    /// what runs); true if the machine is then at `target`.
    @discardableResult
    func replay(from index: Int, to target: UInt64, probe: ReplayProbe? = nil) -> Bool {
        let cp = checkpoints[index]
        let saved = currentSetup
        let savedInterrupt = machine.interruptCheck
        let savedTracer = machine.tracer, savedTimeline = machine.timeline
        machine.interruptCheck = nil
        machine.tracer = nil
        machine.setTimeline(nil)
        defer {
            install(saved)
            machine.interruptCheck = savedInterrupt
            machine.tracer = savedTracer
            machine.setTimeline(savedTimeline)
            machine.probe = nil
            machine.updateObservation()
            machine.watchHit = nil
        }
        replays += 1
        do { try machine.restoreState(cp.state) } catch { return false }
        machine.debug.stoppedAtBreakpoint = cp.stopped
        machine.probe = probe
        machine.updateObservation()
        var k = cp.command
        var first = cp.inside
        while k < commands.count && position < target {
            let c = commands[k]
            install(c.setup)
            switch c.kind {
            case .step(let hart):
                _ = machine.step(hart: hart)
            case .run:
                let goal = min(c.end, target)
                if first { machine.debug.stoppedAtBreakpoint = [] }
                _ = machine.run(until: .instructions(goal &- position))
            }
            first = false
            if position == c.end { machine.debug.stoppedAtBreakpoint = c.stoppedAfter }
            k += 1
        }
        if machine.control.end.map({ if case .stopped = $0 { return false } else { return true } }) ?? false { return false }
        return position == target
    }

    /// The last checkpoint at or before `position` (and, with `hart`, where that hart had
    /// retired at most `instret` instructions).
    func checkpointIndex(atOrBefore position: UInt64, hart: Int? = nil, instret: UInt64 = 0) -> Int {
        var i = checkpoints.count - 1
        while i > 0 && (checkpoints[i].position > position || (hart.map { checkpoints[i].instrets[$0] > instret } ?? false)) { i -= 1 }
        return i
    }

    /// Goes back to `target` and drops the history after it. `hart`: the hart whose instruction
    /// comes next (if it is at a breakpoint, it stopped there: a run from here steps it over first).
    /// If `target` cannot be reached exactly, the machine goes back to the end of the history,
    /// where the debugger was, and the history stays whole.
    func land(at target: UInt64, hart: Int?) -> Bool {
        guard replay(from: checkpointIndex(atOrBefore: target), to: target) else {
            returnToEnd()
            return false
        }
        machine.debug.stoppedAtBreakpoint = []
        if let hart, machine.debug.breakpoints.contains(machine.harts[hart].pc) { machine.debug.stoppedAtBreakpoint = [hart] }
        truncate(at: position)
        return true
    }

    /// Back to the end of the history (after a reverse step that could not land).
    private func returnToEnd() {
        let end = commands.last?.end ?? start
        _ = replay(from: checkpointIndex(atOrBefore: end), to: end)
    }

    private func truncate(at t: UInt64) {
        var kept: [Command] = []
        for var c in commands where c.start < t {
            if c.end >= t { c.end = t; c.stoppedAfter = machine.debug.stoppedAtBreakpoint }
            kept.append(c)
        }
        commands = kept
        checkpoints.removeAll { $0.position > t || $0.command > commands.count || ($0.command == commands.count && $0.inside) }
        if checkpoints.isEmpty { checkpoint(inside: false) }
    }

    /// Where a reverse step or continue ended.
    enum Landing { case at(hart: Int), breakpoint(hart: Int), start, failed }

    private func landing(_ ok: Bool, hart: Int) -> Landing {
        guard ok else { return .failed }
        return machine.debug.stoppedAtBreakpoint.contains(hart) ? .breakpoint(hart: hart) : .at(hart: hart)
    }

    /// Back to just before hart `hart` retired its last instruction.
    func stepBack(hart: Int) -> Landing {
        let n = machine.harts[hart].instret
        guard n > checkpoints[0].instrets[hart] else { return goToStart() }
        let now = position
        let probe = ReplayProbe()
        probe.hart = hart
        probe.instret = n - 1
        // (Up to the next checkpoint at most: the instruction lies before it, and a replay never
        // goes through a checkpoint taken after a debugger write.)
        let i = checkpointIndex(atOrBefore: now, hart: hart, instret: n - 1)
        let end = i + 1 < checkpoints.count ? min(now, checkpoints[i + 1].position) : now
        guard replay(from: i, to: end, probe: probe), let t = probe.hartHit else {
            returnToEnd()
            return .failed
        }
        return landing(land(at: t, hart: hart), hart: hart)
    }

    /// Back to the last instruction at a breakpoint before now (any hart), or the start.
    func continueBack() -> Landing {
        let now = position
        let breakpoints = machine.debug.breakpoints
        guard !breakpoints.isEmpty else { return goToStart() }
        var segmentEnd = now
        var i = checkpointIndex(atOrBefore: now)
        while true {
            if checkpoints[i].position < segmentEnd {
                let probe = ReplayProbe()
                probe.pcs = breakpoints
                guard replay(from: i, to: segmentEnd, probe: probe) else { break }
                if let hit = probe.hits.last(where: { $0.position < now }) {
                    return landing(land(at: hit.position, hart: hit.hart), hart: hit.hart)
                }
            }
            if i == 0 { break }
            segmentEnd = min(segmentEnd, checkpoints[i].position)
            i -= 1
        }
        return goToStart()
    }

    private func goToStart() -> Landing {
        _ = land(at: start, hart: nil)
        return .start
    }
}
