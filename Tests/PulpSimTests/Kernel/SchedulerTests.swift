// The kernel's scheduler and event queue (docs/platform.md §1 "Scheduling of harts", §4): which
// hart takes a turn, how long a turn lasts, timed events and simulated time, wake-ups, deadlock
// detection, determinism.

@testable import PulpSim
import XCTest

final class SchedulerTests: XCTestCase {
    // Instruction words.
    let addiX1: UInt32 = 0x0010_8093   // addi x1, x1, 1      (1 cycle)
    let mulhX2: UInt32 = 0x0210_9133   // mulh x2, x1, x1     (5 cycles)
    let wfi: UInt32 = 0x1050_0073
    let eventWait: UInt32 = 0x0383_2283  // lw x5, 0x38(x6): EVENT_WAIT with x6 = 0x1020_4000
    let exitStore: UInt32 = 0x0A74_2023  // sw x7, 0xA0(x8): CORESTATUS with x8 = 0x1A10_4000

    func machine(_ kind: PlatformKind, harts: Int, quantum: Int = 0, tcdmContention: Bool = true) throws -> Machine {
        var options = MachineOptions(platform: kind)
        options.platform.harts = harts
        options.quantum = quantum
        options.tcdmContention = tcdmContention
        options.echoOutput = false
        options.captureOutput = true
        return try Machine(options: options)
    }

    func write(_ m: Machine, _ address: UInt32, _ words: [UInt32]) {
        let bytes = words.flatMap { w in (0..<4).map { UInt8(truncatingIfNeeded: w >> (8 * $0)) } }
        XCTAssertTrue(m.writeMemory(address, bytes))
    }

    // MARK: Choice

    func testChoosesTheRunningHartFurthestBehind() throws {
        let m = try machine(.pulpCluster, harts: 8)
        for (h, cycle) in zip(m.harts, [50, 20, 20, 90, 10, 30, 5, 40] as [UInt64]) { h.cycle = cycle }
        // Hart 6 (cycle 5) is the furthest behind.
        var turn = m.scheduler.choose()!
        XCTAssertEqual(turn.hart, 6)
        XCTAssertEqual(turn.runnerUp, 10)
        XCTAssertEqual(turn.running, 8)
        // Hart 4 (cycle 10) sleeps, hart 6 is frozen by the debugger: hart 1 and 2 tie at 20.
        m.harts[4].state = .asleep(.waitForInterrupt)
        m.runnableHarts = [0, 1, 2, 3, 4, 5, 7]
        turn = m.scheduler.choose()!
        XCTAssertEqual(turn.hart, 1, "ties go to the lowest index")
        XCTAssertEqual(turn.runnerUp, 20, "the runner-up is the other hart at 20")
        XCTAssertEqual(turn.running, 6)
        XCTAssertTrue(m.scheduler.frozenHartRunning)
        m.harts[2].cycle = 25
        XCTAssertEqual(m.scheduler.choose()!.runnerUp, 25)
        XCTAssertEqual(m.scheduler.earliestRunningCycle(), 5, "frozen harts still run in time")
        // Alone: no runner-up.
        m.runnableHarts = [3]
        turn = m.scheduler.choose()!
        XCTAssertEqual(turn.hart, 3)
        XCTAssertEqual(turn.runnerUp, .max)
        XCTAssertEqual(turn.running, 1)
        m.runnableHarts = [4]
        XCTAssertNil(m.scheduler.choose(), "the only runnable hart sleeps")
        m.runnableHarts = nil
        XCTAssertFalse(m.scheduler.frozenHartRunning)
        for h in m.harts { h.state = .stopped }
        XCTAssertNil(m.scheduler.choose())
        XCTAssertEqual(m.scheduler.earliestRunningCycle(), .max)
    }

    // MARK: Turns

    /// Two harts of straight-line 1-cycle instructions, quantum 64: each turn ends when the hart
    /// is 64 cycles ahead of the other.
    func testTurnsLastUntilTheHartIsAQuantumAhead() throws {
        let m = try machine(.spike, harts: 2, quantum: 64)
        write(m, 0x8000_0000, [UInt32](repeating: addiX1, count: 1024))
        for h in m.harts { h.reset(pc: 0x8000_0000) }
        XCTAssertEqual(m.quantum, 64)
        var expected: [(UInt64, UInt64)] = []
        var got: [(UInt64, UInt64)] = []
        // Run exactly one turn each time (the instruction target coincides with the turn's end).
        for (step, counts) in [(64, (64, 0)), (128, (64, 128)), (128, (192, 128)), (128, (192, 256)),
                               (128, (320, 256))] as [(UInt64, (UInt64, UInt64))] {
            let r = m.run(until: .instructions(step))
            guard case .stopped = r.reason else { return XCTFail("\(r.reason)") }
            expected.append(counts)
            got.append((m.harts[0].instret, m.harts[1].instret))
            XCTAssertEqual(m.harts.map(\.cycle), m.harts.map(\.instret), "1 cycle per instruction")
        }
        XCTAssertEqual(got.map { [$0.0, $0.1] }, expected.map { [$0.0, $0.1] })
        XCTAssertEqual(m.harts[0].x[1], 320)
    }

    /// docs/platform.md §1: a turn ends when the hart is `quantum` cycles ahead of the next running
    /// hart, so at the end of every turn the running harts' cycles lie within `quantum` plus the
    /// longest instruction (div, 35 cycles) of each other. Checked after every turn (the run loop's
    /// per-round `signalCheck` hook, which does not disturb the scheduling). Without TCDM bank
    /// conflicts: the cycles cores lose to them are added when the conflicts are settled, which
    /// can be after the turn (Kernel/TCDMArbiter.swift).
    func testRunningHartsStayWithinAQuantumOfEachOther() throws {
        let longest: UInt64 = 35
        for (name, quantum) in [("interleave", 0), ("hello-cluster", 0), ("interleave", 16)] {
            let path = Paths.firmware("pulp-cluster", name)
            try requireFirmware(path)
            let m = try machine(.pulpCluster, harts: 8, quantum: quantum, tcdmContention: false)
            try m.load(path: path)
            var worst: UInt64 = 0, turns = 0
            m.signalCheck = {
                turns += 1
                let running = m.harts.filter { $0.state == .running }.map(\.cycle)
                if let high = running.max(), let low = running.min() { worst = max(worst, high - low) }
                return 0
            }
            let r = m.run()
            guard case .exited(code: 0, _) = r.reason else { XCTFail("\(name): \(r.reason)"); continue }
            XCTAssertGreaterThan(turns, 100)
            XCTAssertLessThanOrEqual(worst, UInt64(m.quantum) + longest,
                                     "\(name), quantum \(m.quantum): harts \(worst) cycles apart after a turn")
        }
        // The same with a synthetic program: two harts of mulh (5 cycles each), quantum 64.
        let m = try machine(.spike, harts: 2, quantum: 64)
        write(m, 0x8000_0000, [UInt32](repeating: mulhX2, count: 2048))
        for h in m.harts { h.reset(pc: 0x8000_0000) }
        var worst: UInt64 = 0
        m.signalCheck = {
            worst = max(worst, max(m.harts[0].cycle, m.harts[1].cycle) - min(m.harts[0].cycle, m.harts[1].cycle))
            return 0
        }
        _ = m.run(until: .instructions(1000))
        XCTAssertLessThanOrEqual(worst, 64 + 5, "mulh harts \(worst) cycles apart after a turn")
    }

    func testADeviceAccessEndsTheTurnWhenOtherHartsRun() throws {
        // Hart 0 stores to the stdout window between 1-cycle instructions; hart 1 runs plain code.
        let m = try machine(.pulpCluster, harts: 2)
        let sw: UInt32 = 0x0074_2023  // sw x7, 0(x8)
        write(m, 0x1C00_0000, [addiX1, sw, addiX1, addiX1] + [UInt32](repeating: addiX1, count: 512))
        for h in m.harts { h.reset(pc: 0x1C00_0000) }
        m.harts[0].x[8] = 0x1A10_F000
        m.harts[0].x[7] = 0x41
        m.harts[1].x[8] = 0x1C00_1000  // hart 1 stores to L2
        // Four instructions in all: hart 0's first turn ends at its device store (its second
        // instruction), which it reaches a cycle ahead of hart 1 and so leaves for its next turn
        // (time order), so hart 1 runs the other three (without the turn end: 4 and 0).
        _ = m.run(until: .instructions(4))
        XCTAssertEqual(m.harts[0].instret, 1)
        XCTAssertEqual(m.harts[1].instret, 3)
    }

    // MARK: Timed events

    func testEventQueueOrderAndCancel() {
        let queue = EventQueue()
        XCTAssertNil(queue.nextTime)
        XCTAssertTrue(queue.isEmpty)
        var fired: [String] = []
        queue.schedule(at: 10) { fired.append("A10") }
        queue.schedule(at: 5) { fired.append("B5") }
        let c = queue.schedule(at: 10) { fired.append("C10") }
        queue.schedule(at: 5) { fired.append("D5") }
        queue.schedule(at: 7) { fired.append("E7") }
        let f = queue.schedule(at: 3) { fired.append("F3") }
        XCTAssertEqual(queue.nextTime, 3)
        queue.cancel(f)
        XCTAssertEqual(queue.nextTime, 5)
        queue.cancel(c)
        queue.cancel(12345)  // unknown token: nothing
        var times: [UInt64] = []
        XCTAssertEqual(queue.fireDue(upTo: 7) { times.append($0) }, 3)
        XCTAssertEqual(fired, ["B5", "D5", "E7"], "by time, then in scheduling order")
        XCTAssertEqual(times, [5, 5, 7])
        XCTAssertEqual(queue.nextTime, 10)
        XCTAssertEqual(queue.fireDue(upTo: 9) { _ in }, 0)
        XCTAssertEqual(queue.fireDue(upTo: 100) { _ in }, 1)
        XCTAssertEqual(fired, ["B5", "D5", "E7", "A10"])
        XCTAssertNil(queue.nextTime)
        XCTAssertTrue(queue.isEmpty)
    }

    func testFireEventsMovesNowToEachEvent() throws {
        let m = try machine(.pulpCluster, harts: 2)
        m.now = 0
        var seen: [(String, UInt64)] = []
        m.events.schedule(at: 300) { seen.append(("late", m.now)) }
        m.events.schedule(at: 120) {
            seen.append(("early", m.now))
            // An event scheduled while firing, still due: fires in the same call, after the others due before it.
            m.events.schedule(at: 200) { seen.append(("chained", m.now)) }
            m.events.schedule(at: 120) { seen.append(("same cycle", m.now)) }
        }
        m.fireEvents(upTo: 250)
        XCTAssertEqual(seen.map(\.0), ["early", "same cycle", "chained"])
        XCTAssertEqual(seen.map(\.1), [120, 120, 200])
        XCTAssertEqual(m.now, 200, "now is the cycle of the last event fired")
        XCTAssertEqual(m.events.nextTime, 300)
        m.fireEvents(upTo: 299)
        XCTAssertEqual(seen.count, 3)
        m.fireEvents(upTo: 1000)
        XCTAssertEqual(seen.last?.0, "late")
        XCTAssertEqual(m.now, 300)
    }

    func testWakingASleepingHartMovesItsCycleToNow() throws {
        let m = try machine(.pulpCluster, harts: 3)
        m.harts[0].cycle = 100
        m.harts[0].state = .asleep(.waitForInterrupt)
        m.harts[1].cycle = 900
        m.harts[1].state = .asleep(.device("test"))
        m.harts[2].cycle = 50
        m.now = 500
        m.wake(core: 0)
        m.wake(core: 1)
        m.wake(core: 2)  // running: nothing changes
        m.wake(core: 7)  // no such hart
        XCTAssertEqual(m.harts.map(\.state), [.running, .running, .running])
        XCTAssertEqual(m.harts.map(\.cycle), [500, 900, 50], "a wake-up never moves a hart back in time")
    }

    func testWhenEveryHartSleepsTimeJumpsToTheNextEvent() throws {
        // One hart waits for the timer's event 10 (CMP 5000) and then exits with code 42.
        let m = try machine(.pulpCluster, harts: 1)
        write(m, 0x1C00_0000, [eventWait, exitStore])
        m.harts[0].reset(pc: 0x1C00_0000)
        m.harts[0].x[6] = 0x1020_4000
        m.harts[0].x[8] = 0x1A10_4000
        m.harts[0].x[7] = 0x8000_0000 | 42
        var context = AccessContext(hart: 0, cycle: 0)
        let eu = EventUnitBench.device(m, at: 0x1020_4000)
        XCTAssertTrue(eu.write(offset: 0x00, size: 4, value: 1 << 10, context: &context))
        XCTAssertTrue(m.timer!.write(offset: 0x10, size: 4, value: 5000, context: &context))
        XCTAssertTrue(m.timer!.write(offset: 0x00, size: 4, value: 0b101, context: &context))
        let r = m.run()
        guard case .exited(code: 42, _) = r.reason else { return XCTFail("\(r.reason)") }
        XCTAssertEqual(m.harts[0].cycle, 5003, "event at 5000, woken at 5001 (the event unit registers it), the retried load and the store: 1 cycle each")
        XCTAssertEqual(m.harts[0].instret, 2)
    }

    // MARK: Deadlock

    func testDeadlockNamesEverySleepingHart() throws {
        let m = try machine(.pulpCluster, harts: 8)
        write(m, 0x1C00_0000, [wfi])
        write(m, 0x1C00_0100, [eventWait])
        for h in m.harts { h.reset(pc: 0x1C00_0000) }
        m.harts[3].pc = 0x1C00_0100
        m.harts[3].x[6] = 0x1020_4000
        let r = m.run()
        guard case .deadlock(let sleepers) = r.reason else { return XCTFail("\(r.reason)") }
        XCTAssertEqual(sleepers.map(\.hart), [0, 1, 2, 3, 4, 5, 6, 7])
        for s in sleepers where s.hart != 3 {
            XCTAssertEqual(s.pc, 0x1C00_0004, "wfi retired")
            XCTAssertTrue(s.reason.contains("wfi"), s.reason)
        }
        XCTAssertEqual(sleepers[3].pc, 0x1C00_0100, "the wait did not retire")
        XCTAssertTrue(sleepers[3].reason.contains("EVENT_WAIT"), sleepers[3].reason)
        XCTAssertEqual(r.reason.name, "deadlock")
    }

    func testTimedEventsThatWakeNobodyEndInADeadlock() throws {
        // Every hart in wfi; the timer matches every 10 cycles with its event disabled.
        let m = try machine(.pulpCluster, harts: 2)
        write(m, 0x1C00_0000, [wfi])
        for h in m.harts { h.reset(pc: 0x1C00_0000) }
        var context = AccessContext(hart: 0, cycle: 0)
        XCTAssertTrue(m.timer!.write(offset: 0x10, size: 4, value: 10, context: &context))
        XCTAssertTrue(m.timer!.write(offset: 0x00, size: 4, value: 0b1_0001, context: &context))  // enable, compare-clear
        let r = m.run()
        guard case .deadlock(let sleepers) = r.reason else { return XCTFail("\(r.reason)") }
        XCTAssertEqual(sleepers.count, 2)
        XCTAssertEqual(m.now, 10 * 10_000, "10 000 events fired without waking anyone")
    }

    // MARK: Determinism

    func testSameELFSameCounts() throws {
        for (name, quantum) in [("interleave", 0), ("team-fork", 0), ("interleave", 7)] {
            let path = Paths.firmware("pulp-cluster", name)
            let (a, _) = try runELF(path, platform: .pulpCluster) { $0.quantum = quantum }
            let (b, _) = try runELF(path, platform: .pulpCluster) { $0.quantum = quantum }
            guard case .exited(code: 0, _) = a.reason else { XCTFail("\(name): \(a.reason)"); continue }
            XCTAssertEqual(a.harts.map(\.instructions), b.harts.map(\.instructions), name)
            XCTAssertEqual(a.harts.map(\.cycles), b.harts.map(\.cycles), name)
            XCTAssertEqual(a.output, b.output, name)
        }
    }
}
