// Machine: the run loop — turns of the scheduler's harts, limits, deadlock detection, progress.

import Foundation

extension Machine {
    /// Runs until the firmware ends the run, a limit is hit, or `target` is reached.
    public func run(until target: RunTarget = .end) -> RunResult {
        let started = monotonicSeconds()
        var temporaryBreakpoint: UInt32?
        var instructionLimit = options.maxInstructions
        var cycleTarget = UInt64.max
        switch target {
        case .end: break
        case .pc(let pc): temporaryBreakpoint = pc
        case .symbol(let name):
            if let a = symbols.address(of: name) { temporaryBreakpoint = a } else {
                return RunResult(reason: .simulatorError("no symbol named '\(name)' in the ELF"),
                                 harts: summaries(), wallSeconds: 0, output: console.captured)
            }
        case .instructions(let n):
            let total = harts.reduce(0) { $0 + $1.instret }
            instructionLimit = min(instructionLimit ?? .max, total &+ n)
        case .completion: break
        case .cycles(let n):
            let awake = harts.filter { $0.core.pointee.awake }.map(\.cycle)
            cycleTarget = (awake.min() ?? harts.map(\.cycle).max() ?? 0) &+ n
        }
        // Completions counted so far, for `.completion` (the watched kinds only).
        var awaited: DeviceCompletion?
        if case .completion(let kind) = target { awaited = kind }
        func completions() -> Int {
            guard let awaited else { return 0 }
            let jobs = awaited == .dmaTransfer ? 0 : (redmule?.jobsCompleted ?? 0)
            let transfers = awaited == .redmuleJob ? 0 : (dma?.transfersCompleted ?? 0)
            return jobs + transfers
        }
        let completionsBefore = completions()
        var addedBreakpoint = false
        if let bp = temporaryBreakpoint, !debug.breakpoints.contains(bp) { addBreakpoint(bp); addedBreakpoint = true }
        defer { if addedBreakpoint, let bp = temporaryBreakpoint { removeBreakpoint(bp) } }
        // A stop at a target or breakpoint is resumable; every other end is final.
        if case .stopped = control.end { control.end = nil }

        stepOverBreakpoints()
        var total = harts.reduce(0) { $0 + $1.instret }
        var rounds: UInt64 = 0
        var lastProgress = started
        var progressShown = false
        var idleEvents = 0
        let cores = scheduler.cores
        let state = scheduler.state
        let maxCycles = options.maxCycles ?? .max
        var spinInterval = Machine.spinCheckFirst
        var spinCheckAt = total &+ spinInterval
        var nextHousekeeping = total &+ (1 << 20)

        var stopAt = UInt64.max  // (`.instructions`: stop there before anything else happens)
        if case .instructions = target, let limit = instructionLimit { stopAt = limit }
        // Turns of harts sharing the cluster go through `runSharedTurns` while they can.
        let sharedTurns = awaited == nil
        while !control.ended {
            if sharedTurns && rounds & 15 != 15 && !state.pointee.observing
                && runSharedTurns(total: &total, rounds: &rounds, limit: instructionLimit ?? .max, stopAt: stopAt,
                                  cycleTarget: cycleTarget, maxCycles: maxCycles, housekeeping: nextHousekeeping) {
                idleEvents = 0
                continue
            }
            if total >= stopAt {
                let h = max(0, lastTurnHart)
                control.finish(.stopped(hart: h, pc: harts[h].pc))
                break
            }
            if awaited != nil && completions() != completionsBefore {
                let h = max(0, lastTurnHart)
                control.finish(.stopped(hart: h, pc: harts[h].pc))
                break
            }
            // Logged TCDM accesses are settled when a core acts outside itself (`settleTCDM`)
            // and when a log fills up; settling in larger batches costs less.
            if let arbiter, arbiter.pressing { arbiter.resolve(before: events.nextTimeOrMax) }
            guard let turn = scheduler.choose() else {
                if runnableHarts != nil && scheduler.frozenHartRunning {
                    // The debugger resumed only harts that are all asleep now: report a stop.
                    let h = runnableHarts?.sorted().first ?? 0
                    control.finish(.stopped(hart: h, pc: harts[h].pc))
                    break
                }
                // Everyone sleeps: jump to the next timed event, if any can still come.
                guard let t = events.nextTime, idleEvents < 10_000 else {
                    control.finish(.deadlock(sleepingHarts()))
                    break
                }
                if t >= maxCycles { control.finish(.cycleLimit(maxCycles)); break }
                if t >= cycleTarget { control.finish(.stopped(hart: max(0, lastTurnHart), pc: harts[max(0, lastTurnHart)].pc)); break }
                scheduler.fireEvents(upTo: t)
                idleEvents += harts.contains { $0.state == .running } ? -idleEvents : 1
                continue
            }
            idleEvents = 0
            let core = cores[turn.hart]
            let cycle = core.pointee.cycle
            if cycle >= cycleTarget {  // every running hart has reached the target
                control.finish(.stopped(hart: turn.hart, pc: core.pointee.pc))
                break
            }
            let nextEvent = events.nextTimeOrMax
            if nextEvent <= cycle {
                scheduler.fireEvents(upTo: cycle)
                continue
            }
            // Between two turns, time for a snapshot (`--snapshot-every`)?
            if cycle >= snapshots.next { takePeriodicSnapshot(cycle: cycle) }
            // Run until this hart is `quantum` cycles ahead of the next one, or the next event.
            var horizon = turn.runnerUp == .max ? cycle &+ 65_536 : turn.runnerUp &+ scheduler.quantum
            // (Two-argument `min`s: the variadic one puts its fourth argument in an array, allocated each time.)
            horizon = min(min(horizon, nextEvent), min(maxCycles, cycleTarget))
            var budget = Int(clamping: max(1, horizon &- cycle))
            if let limit = instructionLimit {
                if total >= limit {
                    if case .instructions = target { control.finish(.stopped(hart: turn.hart, pc: core.pointee.pc)) } else {
                        control.finish(.instructionLimit(limit))
                    }
                    break
                }
                budget = Int(min(UInt64(budget), limit - total))
            }
            let before = core.pointee.instret
            state.pointee.now = cycle
            lastTurnHart = turn.hart
            // (A core alone while the DMA's TCDM accesses are pending competes with them, and
            // RedMulE with it.)
            let shared = turn.running > 1 || (arbiter?.othersActive ?? false)
            runTurn(harts[turn.hart], budget: budget, horizon: horizon, shared: shared, order: turn.runnerUp)
            total &+= core.pointee.instret &- before
            if state.pointee.observing { observeTurn(turn) }
            if !control.ended && core.pointee.cycle >= maxCycles {
                control.finish(.cycleLimit(maxCycles))
            }
            // A lone hart with nothing timed ahead: does it spin for ever (Machine+Spin.swift)?
            if turn.running == 1 && total >= spinCheckAt && !control.ended {
                let roomy = (instructionLimit.map { $0 > total &+ 3 * UInt64(Machine.spinLoopLimit) } ?? true)
                    && maxCycles > core.pointee.cycle &+ (1 << 24)
                if roomy && interruptCheck == nil && events.nextTime == nil && core.pointee.awake,
                   let spin = spinningForever(harts[turn.hart]) {
                    control.finish(.deadlock(sleepingHarts() + [spin]))
                }
                total = harts.reduce(0) { $0 + $1.instret }
                spinInterval = min(spinInterval << 1, 1 << 28)
                spinCheckAt = total &+ spinInterval
            }
            rounds &+= 1
            // Every 16 rounds (a round is at most 65,536 cycles of one hart), and every traced
            // round (which can take long).
            if rounds & 15 == 0 || state.pointee.observing, let check = signalCheck {
                let signal = check()
                if signal != 0 { control.finish(.interrupted(signal: signal)) }
            }
            // Every 256 turns, or every 2^20 instructions (a lone hart's turns are long): the
            // debugger's interrupt, the wall-clock timeout, the progress line.
            if rounds & 255 == 0 || total >= nextHousekeeping {
                nextHousekeeping = total &+ (1 << 20)
                if let check = interruptCheck, check() {
                    control.finish(.stopped(hart: turn.hart, pc: core.pointee.pc))
                }
                let now = monotonicSeconds()
                if let timeout = options.timeout, now - started >= timeout {
                    control.finish(.timeout(timeout))
                }
                if options.progress && now - lastProgress >= 1 {
                    lastProgress = now
                    progressShown = true
                    showProgress(total: total, seconds: now - started)
                }
            }
        }
        if !control.ended, let limit = instructionLimit, total >= limit {
            control.finish(.instructionLimit(limit))
        }
        // Every access made is settled: the cycle counts include their conflicts.
        if control.end.map({ if case .stopped = $0 { return false } else { return true } }) ?? true {
            arbiter?.resolve(before: .max, final: true)
        } else {
            arbiter?.resolve(before: events.nextTimeOrMax)  // a stop: what can be settled is
        }
        if let timeline, let arbiter { timeline.tcdmConflicts = (0..<TCDMArbiter.banks).map { arbiter.conflicts[$0] } }
        if progressShown && console.progressLineShown {
            writeText(2, "\r\u{1B}[K")  // leave the terminal clean
            console.progressLineShown = false
        }
        if let tracer {
            // The end comes after every traced instruction: at the latest hart's cycle.
            now = max(now, harts.map(\.cycle).max() ?? now)
            traceEvent(hart: nil, source: "end", message: "run ended: \(control.end?.name ?? "?")")
            tracer.flushPending(before: .max)
        }
        console.flush()
        let reason = control.end!
        var result = RunResult(reason: reason, harts: summaries(), wallSeconds: monotonicSeconds() - started,
                               output: console.captured)
        result.trapWarnings = diagnostics.filter { $0.source == "trap" }.map(\.message)
        result.unexpectedTraps = unexpectedTraps
        if let arbiter {
            let banks = arbiter.bankCounts
            result.tcdm = TCDMSummary(granted: banks.map(\.granted), conflicts: banks.map(\.conflicts))
        }
        if let redmule {
            let own = diagnostics.filter { $0.source == "redmule" }
            result.redmule = RedMulESummary(jobs: redmule.jobsCompleted, fmas: redmule.totalFMAs, busyCycles: redmule.busyCycles,
                                            warnings: own.filter { $0.level == .warning }.count,
                                            errors: own.filter { $0.level == .error }.count,
                                            diagnostics: own.filter { $0.level != .note }.map { "\($0.level.rawValue): \($0.message)" })
            result.redmule?.tcdmStallCycles = redmule.tcdmStallCycles
            result.redmule?.completedJobs = redmule.completedJobs
        }
        if let dma {
            let own = diagnostics.filter { $0.source == "dma" }
            let end = max(now, harts.map(\.cycle).max() ?? 0)
            result.dma = DMASummary(frontEnd: dma.kind.rawValue, transfers: dma.transfersCompleted, bytesToTCDM: dma.bytesToTCDM,
                                    bytesFromTCDM: dma.bytesFromTCDM, bytesOther: dma.bytesOther, busyCycles: dma.busyCycles(upTo: end),
                                    warnings: own.filter { $0.level == .warning }.count,
                                    errors: own.filter { $0.level == .error }.count,
                                    diagnostics: own.filter { $0.level != .note }.map { "\($0.level.rawValue): \($0.message)" })
            result.dma?.tcdmStallCycles = dma.engine.tcdmStallCycles
        }
        if let races {
            races.cycle = now
            result.races = races.races
        }
        if options.energy {
            result.energy = OperatingPoint.all.compactMap { EnergyModel.standard.report(result, at: $0) }
        }
        return result
    }

    /// The progress line on stderr: cycles, instructions, MIPS, harts awake.
    private func showProgress(total: UInt64, seconds: Double) {
        let awake = harts.filter { $0.state == .running }.count
        let cycles = harts.map(\.cycle).max() ?? 0
        let mips = Double(total) / max(seconds, 1e-9) / 1e6
        writeText(2, String(format: "\r\u{1B}[Kpulpsim: %llu cycles, %llu instructions, %.0f MIPS, %d/%d harts awake",
                            cycles, total, mips, awake, harts.count))
        console.progressLineShown = true
    }

    /// After a turn of an observed run: timeline samples and the merged trace's flush.
    private func observeTurn(_ turn: Turn) {
        let hart = harts[turn.hart]
        if let timeline {
            if let arbiter { timeline.tcdmConflicts = (0..<TCDMArbiter.banks).map { arbiter.conflicts[$0] } }
            timeline.sample(cycle: hart.cycle, instructions: harts.map(\.instret))
        }
        if let tracer, turn.running > 1 || tracer.merged {
            // Lines before the earliest cycle a running hart or a timed event (whose lines,
            // and the lines of the harts it wakes, come at its time) can still produce.
            let earliest = scheduler.earliestRunningCycle()
            tracer.flushPending(before: min(earliest == .max ? hart.cycle : earliest, events.nextTimeOrMax))
        }
    }

    func summaries() -> [HartSummary] {
        harts.map { h in
            HartSummary(hart: h.index, mhartid: h.hartID, instructions: h.instret, cycles: h.cycle, pc: h.pc, state: describeState(h),
                        stalls: h.countsStalls ? h.stallBreakdown : nil, activity: h.countsStalls ? h.activity : nil)
        }
    }

    /// Fires timed events due by `time`, with `now` following each event's cycle.
    func fireEvents(upTo time: UInt64) { scheduler.fireEvents(upTo: time) }

    /// Lets `hart` execute up to `budget` instructions until its cycle reaches `horizon` (the
    /// next timed event, or the quantum ahead of the next hart), finishing slow-path
    /// instructions and traps. When other harts are running (`shared`), a device access ends
    /// the turn, so that accesses to shared devices happen in the order of simulated time: one
    /// reached while the hart is past `order` (the next running hart's cycle) waits, not
    /// performed, until the other harts have caught up.
    func runTurn(_ hart: Hart, budget: Int, horizon: UInt64 = .max, shared: Bool = false, order: UInt64 = .max) {
        takeInterruptIfPending(hart)
        let state = scheduler.state
        state.pointee.wokeAnotherHart = false
        var left = budget
        // Traced when this turn may produce trace lines (not for a hart filtered out, before an
        // instruction-count or cycle start point, or after the stop point).
        let traced = state.pointee.observing && (debug.watching || races != nil || timeline != nil || probe != nil
                                                 || tracerMayTrace(hart, budget: budget))
        let log = tcdmLog(hart, shared: shared)
        if let log {
            // Room for two records per instruction (an access across a word boundary); a log
            // more than half full is settled before the next turn. (Decided once per turn, so
            // that traced and untraced runs settle at the same points.)
            if log.pointee.pending > TCDMArbiter.capacity / 2 { arbiter.unsafelyUnwrapped.pressing = true }
            let room = (TCDMArbiter.capacity &- log.pointee.pending) / 2 &- 1
            if room < 1 { return }
            left = min(left, room)
        }
        runTurnLoop(hart, left: left, full: left, horizon: horizon, shared: shared, order: order, traced: traced, log: log)
    }

    /// `runTurn`'s loop: slices of the turn until `left` instructions (of `full`) or the horizon.
    private func runTurnLoop(_ hart: Hart, left: Int, full: Int, horizon: UInt64, shared: Bool, order: UInt64, traced: Bool,
                             log: UnsafeMutablePointer<TCDMLog>?) {
        let core = hart.core
        var left = left, traced = traced
        while left > 0 && !control.ended && core.pointee.awake {
            // An instruction costs at least a cycle: no more instructions than cycles to the horizon.
            let cycle = core.pointee.cycle
            if cycle >= horizon && left < full { return }
            let slice = min(left, Int(clamping: max(1, horizon &- cycle)))
            if traced {
                if !debug.watching {
                    // Batches on the capturing fast path; what leaves it goes through stepTraced.
                    let before = hart.instret
                    let budget = min(slice, Interpreter.captureCapacity)
                    let end: QuantumEnd
                    if let tracer, tracer.format == .binary, timeline == nil, races == nil, tracer.tracesAll(hart: hart.index),
                       traceThreshold[hart.index] <= before {
                        // An unfiltered binary trace: the loop writes the records itself.
                        end = executeEncodingBinary(hart, tracer, budget: budget, log: log, cycle: cycle)
                        left -= Int(hart.instret &- before)
                    } else {
                        end = interpreter.executeCapturing(hart, budget: budget, log: log)
                        let count = Int(hart.instret &- before)
                        left -= count
                        if count > 0 { emitCaptured(hart, count: count, instret: before, cycle: cycle) }
                    }
                    if end == .budget { continue }
                }
                if !stepTraced(hart, shared: shared, left: &left, order: order, horizon: horizon) { return }
                continue
            }
            let before = core.pointee.instret
            let end = interpreter.execute(hart, budget: slice, log: log)
            left -= Int(core.pointee.instret &- before)
            if !afterSlice(end, hart, left: &left, traced: &traced, horizon: horizon, shared: shared, order: order) { return }
        }
    }

    /// What follows an untraced slice of a turn that ended with `end` (`left` already less the
    /// instructions it retired on the fast path); false when the turn ends.
    @inline(__always)
    private func afterSlice(_ end: QuantumEnd, _ hart: Hart, left: inout Int, traced: inout Bool, horizon: UInt64, shared: Bool,
                            order: UInt64) -> Bool {
        if end == .slowPath && shared { settleTCDM(hart) }
        switch end {
        case .budget: return true  // the budget or the horizon: the loop's conditions decide
        case .traceTrigger:
            traced = true  // the trace's start point: the rest of the turn is traced
            return true
        case .slowPath where hart.core.pointee.cycle >= horizon || hart.core.pointee.cycle > order:
            // A device access (or CSR, ...) at or past the horizon waits for the next turn,
            // after the timed events due by then have fired; one ahead of the next running
            // hart waits until that hart has caught up (time order of shared devices).
            return false
        default:
            left -= 1
            return finish(end, hart, shared: shared)
        }
    }

    /// Turns of harts sharing the cluster, as the loop of `run` and `runTurn` take them, without
    /// the checks for what they cannot meet there: turns that the loop can take without anything
    /// else happening before (no timed event due, more than one hart running, the hart's TCDM
    /// log with room, no interrupt enabled, no trace, no target but an instruction limit or a
    /// cycle) and that start in compiled code (or, for a hart that counts events, in its
    /// counting turn by blocks). It returns when the next turn needs the loop, at
    /// the 16th round (the loop's checks of signals and the wall clock come then), at `housekeeping`
    /// instructions, or at the end of the run; true if it took a turn (counted in `total` and
    /// `rounds`). A turn not over when its compiled code leaves goes on as in `runTurn`.
    @inline(never)
    private func runSharedTurns(total: inout UInt64, rounds: inout UInt64, limit: UInt64, stopAt: UInt64, cycleTarget: UInt64,
                                maxCycles: UInt64, housekeeping: UInt64) -> Bool {
        withUnsafeTemporaryAllocation(of: Int.self, capacity: scheduler.count) { order in
            let order = order.baseAddress.unsafelyUnwrapped
            // (The turn's loop specialisation, as `Interpreter.execute` picks it: logging with the
            // TCDM arbiter, and watching while RedMulE's padding rows are watched.)
            if interpreter.readWatch.span != 0 {
                return runSharedTurns(total: &total, rounds: &rounds, limit: limit, stopAt: stopAt, cycleTarget: cycleTarget,
                                      maxCycles: maxCycles, housekeeping: housekeeping, order: order, LogTCDM.self)
            }
            if arbiter != nil {
                return runSharedTurns(total: &total, rounds: &rounds, limit: limit, stopAt: stopAt, cycleTarget: cycleTarget,
                                      maxCycles: maxCycles, housekeeping: housekeeping, order: order, LogOnly.self)
            }
            return runSharedTurns(total: &total, rounds: &rounds, limit: limit, stopAt: stopAt, cycleTarget: cycleTarget,
                                  maxCycles: maxCycles, housekeeping: housekeeping, order: order, NoLog.self)
        }
    }

    /// (`order`: room for every hart. The scheduler's choice, `Scheduler.choose`, is kept there:
    /// the running harts in the order of their cycles, then of their numbers. After a turn that
    /// compiled code ran whole, only that hart's cycle changed, and it moves back to its place;
    /// after anything else they are sorted again.)
    @inline(__always)
    private func runSharedTurns<L: LogMode>(total: inout UInt64, rounds: inout UInt64, limit: UInt64, stopAt: UInt64, cycleTarget: UInt64,
                                            maxCycles: UInt64, housekeeping: UInt64, order: UnsafeMutablePointer<Int>, _: L.Type) -> Bool {
        // (With the TCDM arbiter the harts log their accesses, `tcdmLog`.)
        let arbiter = self.arbiter, interpreter = self.interpreter, harts = self.harts
        let logging = arbiter != nil
        let cores = scheduler.cores, state = scheduler.state, quantum = scheduler.quantum, count = scheduler.count
        var took = false
        var sorted = 0  // (running harts in `order`; 0: to be sorted)
        while rounds & 15 != 15 && !control.ended && total < stopAt && total < limit && total < housekeeping {
            if logging && arbiter.unsafelyUnwrapped.pressing {
                arbiter.unsafelyUnwrapped.resolve(before: events.nextTimeOrMax)
                sorted = 0
            }
            if sorted == 0 {
                let mask = state.pointee.runnable
                for i in 0..<count where cores[i].pointee.awake && (i >= 64 ? 0 : mask >> UInt64(i)) & 1 != 0 {
                    let cycle = cores[i].pointee.cycle
                    var k = sorted
                    while k > 0 && cores[order[k &- 1]].pointee.cycle > cycle {
                        order[k] = order[k &- 1]
                        k &-= 1
                    }
                    order[k] = i
                    sorted &+= 1
                }
            }
            guard sorted > 1, !logging || order[0] < arbiter.unsafelyUnwrapped.coreCount else { break }
            let index = order[0], runnerUp = cores[order[1]].pointee.cycle
            let core = cores[index]
            let cycle = core.pointee.cycle
            let nextEvent = events.nextTimeOrMax
            guard cycle < cycleTarget && nextEvent > cycle && cycle < snapshots.next && core.pointee.mstatus & Hart.mstatusMIE == 0
            else { break }
            // (A hart that counts events takes its turn as `Interpreter.execute` gives it one: by
            // blocks with counting code.)
            let counting = core.pointee.countsEvents
            guard (counting ? interpreter.countsByBlocks : interpreter.startsCompiled(core)) && interpreter.compiledSlotReady(index)
                    && (interpreter.readWatch.span != 0) == L.watches else { break }
            // (`runTurn`: room for two records per instruction; more than half full: settled
            // before the next turn.)
            var log: UnsafeMutablePointer<TCDMLog>?, room = Int.max
            if logging {
                let arbiter = arbiter.unsafelyUnwrapped
                log = arbiter.logs + index
                let pending = arbiter.logs[index].pending
                room = (TCDMArbiter.capacity &- pending) / 2 &- 1
                guard room >= 1 else { break }
                if pending > TCDMArbiter.capacity / 2 { arbiter.pressing = true }
            }
            let horizon = min(min(runnerUp &+ quantum, nextEvent), min(maxCycles, cycleTarget))
            let budget = min(Int(clamping: max(1, horizon &- cycle)), Int(clamping: limit &- total), room)
            state.pointee.now = cycle
            lastTurnHart = index
            state.pointee.wokeAnotherHart = false
            let before = core.pointee.instret
            // The turn's first slice (`Interpreter.executePlainLogging`), and what follows it.
            let start = counting ? (entered: false, rest: budget, resume: nil)
                : interpreter.startCompiledTurn(core, index: index, budget: budget, L.self, log: log)
            var left = 0, goOn = true, whole = false
            if start.entered && start.rest <= 0 {
                left = budget &- Int(core.pointee.instret &- before)
                whole = true
            } else {
                let hart = harts[index]
                let end = counting ? interpreter.executeCounting(hart, budget: budget, log: log)
                    : interpreter.continueTurn(hart, budget: start.rest, L.self, log: log, resume: start.resume)
                left = budget &- Int(core.pointee.instret &- before)
                var traced = false
                goOn = afterSlice(end, hart, left: &left, traced: &traced, horizon: horizon, shared: true, order: runnerUp)
                if goOn && traced {
                    runTurnLoop(hart, left: left, full: budget, horizon: horizon, shared: true, order: runnerUp, traced: true, log: log)
                    goOn = false
                }
            }
            if goOn && left > 0 && !control.ended && core.pointee.awake && (core.pointee.cycle < horizon || left == budget) {
                runTurnLoop(harts[index], left: left, full: budget, horizon: horizon, shared: true, order: runnerUp, traced: false, log: log)
                whole = false
            }
            if whole {
                // The hart's place in the order now.
                let cycle = core.pointee.cycle
                var k = 0
                while k &+ 1 < sorted {
                    let other = order[k &+ 1], c = cores[other].pointee.cycle
                    guard c < cycle || (c == cycle && other < index) else { break }
                    order[k] = other
                    k &+= 1
                }
                order[k] = index
            } else {
                sorted = 0
            }
            took = true
            total &+= core.pointee.instret &- before
            if !control.ended && core.pointee.cycle >= maxCycles { control.finish(.cycleLimit(maxCycles)) }
            rounds &+= 1
        }
        return took
    }

    /// The TCDM log `hart`'s accesses go to in a turn: a cluster core's, while other cores run.
    /// (A log without room for an instruction's two records is not used: the debugger stepping
    /// one hart while the others stand still can fill it; those accesses are served at once.)
    @inline(__always) func tcdmLog(_ hart: Hart, shared: Bool) -> UnsafeMutablePointer<TCDMLog>? {
        guard shared, let arbiter, hart.index < arbiter.coreCount, arbiter.room(hart.index) >= 4 else { return nil }
        return arbiter.logs + hart.index
    }

    /// Settles `hart`'s logged TCDM accesses (and whatever else can be) before it acts outside
    /// itself at its cycle: its lost arbitrations move that cycle on first.
    func settleTCDM(_ hart: Hart) {
        guard let arbiter, hart.index < arbiter.coreCount, arbiter.logs[hart.index].pending != 0 else { return }
        arbiter.resolve(before: events.nextTimeOrMax)
    }

    /// Whether the tracer can trace anything in a turn of `hart` of `budget` instructions.
    private func tracerMayTrace(_ hart: Hart, budget: Int) -> Bool {
        guard let tracer else { return false }
        return hart.instret &+ UInt64(budget) >= traceThreshold[hart.index]
            && tracer.mayTrace(hart: hart.index, instret: hart.instret, cycle: hart.cycle, budget: budget,
                               triggered: !debug.traceTriggers.isEmpty)
    }

    /// Completes what made the fast path stop at the hart's pc (anything but `.budget` and
    /// `.traceTrigger`); false when the turn must end.
    func finish(_ end: QuantumEnd, _ hart: Hart, shared: Bool) -> Bool {
        switch end {
        case .budget, .traceTrigger: return true
        case .breakpoint:
            debug.stoppedAtBreakpoint.insert(hart.index)
            control.finish(.stopped(hart: hart.index, pc: hart.pc))
            return false
        case .trap(let cause, let tval): return raise(hart, cause: cause, tval: tval)
        case .illegalInstruction:
            return raise(hart, cause: .illegalInstruction, tval: interpreter.instructionWord(at: hart.pc) ?? 0)
        case .unimplemented(let operation):
            control.finish(.simulatorError(String(format: "hart %d at pc 0x%08x: operation %@ has a descriptor but no semantics",
                                                  hart.index, hart.pc, "\(operation)")))
            return false
        case .slowPath: return finishSlowInstruction(hart, shared: shared)
        }
    }

    /// Completes an instruction the fast path handed over: executes it with full semantics and
    /// decides whether the hart's turn goes on (false: the turn ends). Traced and untraced turns
    /// both come through here, so they behave identically.
    func finishSlowInstruction(_ hart: Hart, shared: Bool) -> Bool {
        now = hart.cycle
        slowPathShared = shared
        defer { slowPathShared = false }
        let eventsBefore = events.nextTimeOrMax
        switch interpreter.stepSlow(hart, environment: self) {
        case .retired:
            // CSR writes may have enabled an interrupt; mret may have re-enabled them.
            takeInterruptIfPending(hart)
            // A newly scheduled device event (a RedMulE job, a timer) must fire on time.
            if events.nextTimeOrMax != eventsBefore { return false }
            // Sharing the cluster, or having just woken another hart: let time order decide.
            let state = scheduler.state
            if shared || state.pointee.wokeAnotherHart { state.pointee.wokeAnotherHart = false; return false }
            return true
        case .trap(let cause, let tval):
            return raise(hart, cause: cause, tval: tval)
        case .asleep(let reason):
            hart.state = .asleep(reason)
            timeline?.state(hart: hart.index, timelineName(for: reason, hart: hart.index), at: hart.cycle)
            if tracer != nil {
                traceEvent(hart: hart.index, source: "sleep", message: eventUnit?.describeWait(core: hart.index) ?? reason.description)
            }
            return false
        }
    }

    /// Takes a synchronous trap at the hart's pc; false when the run ends (no handler).
    func raise(_ hart: Hart, cause: TrapCause, tval: UInt32) -> Bool {
        if tracer != nil {
            traceEvent(hart: hart.index, source: "trap", message: "\(cause.description) at pc \(hex08(hart.pc)), tval \(hex08(tval))")
        }
        return takeTrap(hart, cause: cause, tval: tval)
    }

    /// Executes one instruction of `hart` only (debugger single-step; other harts stay put).
    /// Returns the end reason if the run ended.
    public func step(hart index: Int) -> EndReason? {
        if case .stopped = control.end { control.end = nil }
        guard control.end == nil, index >= 0, index < harts.count else { return control.end }
        let hart = harts[index]
        guard hart.state == .running else { return nil }
        let pc = hart.pc
        let onBreakpoint = debug.breakpoints.contains(pc)
        if onBreakpoint { debug.steppingOverBreakpoint = pc; interpreter.invalidate(pc, size: 2) }
        debug.stoppedAtBreakpoint.remove(index)
        now = hart.cycle
        var left = 1
        lastTurnHart = index
        _ = stepTraced(hart, shared: true, left: &left)
        if onBreakpoint { debug.steppingOverBreakpoint = nil; interpreter.invalidate(pc, size: 2) }
        let earliest = scheduler.earliestRunningCycle()
        scheduler.fireEvents(upTo: earliest == .max ? hart.cycle : earliest)
        if case .stopped = control.end { return nil }
        return control.end
    }

    /// A hart resuming from the breakpoint it stopped at executes that instruction first.
    func stepOverBreakpoints() {
        let resuming = debug.stoppedAtBreakpoint
        debug.stoppedAtBreakpoint = []
        for index in resuming.sorted() where runnableHarts?.contains(index) ?? true {
            let hart = harts[index]
            guard hart.state == .running, debug.breakpoints.contains(hart.pc), control.end == nil else { continue }
            let pc = hart.pc
            debug.steppingOverBreakpoint = pc
            interpreter.invalidate(pc, size: 2)
            runTurn(hart, budget: 1)
            debug.steppingOverBreakpoint = nil
            interpreter.invalidate(pc, size: 2)
        }
    }

    /// Makes a sleeping hart runnable at the current cycle, or `latency` cycles after it.
    public func wake(core: Int, latency: UInt64 = 0) {
        guard core >= 0 && core < harts.count else { return }
        let hart = harts[core]
        if case .asleep(let reason) = hart.state, reason != .held {  // (a held core starts by FETCH_EN)
            hart.state = .running
            scheduler.state.pointee.wokeAnotherHart = true
            if hart.cycle < now &+ latency { hart.cycle = now &+ latency }
            timeline?.state(hart: core, "running", at: hart.cycle)
        }
    }

    func sleepingHarts() -> [SleepingHart] {
        harts.compactMap { h in
            guard case .asleep(let reason) = h.state else { return nil }
            var live = eventUnit?.describeWait(core: h.index)
            if h.index == fabricController, case .waitForInterrupt = reason, let itc = fcInterrupts {
                live = String(format: "wfi: FC interrupt controller mask 0x%08x, status 0x%08x", itc.mask, itc.status)
            }
            // The DMA: what a hart asleep in it waits for, or what it may still signal to a hart
            // waiting on its event lines.
            let mask = eventUnit.flatMap { h.index < $0.cores ? $0.eventMask[h.index] | $0.irqMask[h.index] : nil }
            if let dma, let wait = dma.describeWait(core: h.index, eventMask: live == nil ? nil : mask) {
                live = live.map { $0 + "; " + wait } ?? wait
            }
            return SleepingHart(hart: h.index, pc: h.pc, symbol: symbols.describe(h.pc), reason: live ?? reason.description)
        }
    }

    /// A hart's state at the end of a run or a stop, for `--stats`, `--json` and the debugger:
    /// the hart that ended the run, running, asleep in `wfi` or waiting on a device (and on
    /// what), held in reset, stopped.
    func describeState(_ h: Hart) -> String {
        switch h.state {
        case .running:
            if case .exited(let code, let mechanism)? = control.end, h.index == lastTurnHart {
                return "ended the run (exit code \(code), \(mechanism.description))"
            }
            return "running"
        case .stopped: return "stopped"
        case .asleep(.held): return "held in reset (FETCH_EN not set)"
        case .asleep(.waitForInterrupt): return "asleep in wfi (no interrupt or event-unit IRQ pending)"
        case .asleep(let r): return "waiting: \(r.description)"
        }
    }
}

func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}
