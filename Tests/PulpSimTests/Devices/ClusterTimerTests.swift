// The cluster timer (timer_v2 layout, docs/platform.md §4 "Cluster timer"): counting cluster
// cycles, enable/disable/START/RESET, compare matches raising events 10/11 on every core,
// one-shot, compare-clear, prescaler and the 64-bit cascade mode. Time is moved by hand with
// `machine.now` and `machine.fireEvents(upTo:)`, as the scheduler moves it.

@testable import PulpSim
import XCTest

final class ClusterTimerTests: XCTestCase {
    // Register offsets and CFG bits.
    let cfgLo: UInt32 = 0x00, cfgHi: UInt32 = 0x04, cntLo: UInt32 = 0x08, cntHi: UInt32 = 0x0C
    let cmpLo: UInt32 = 0x10, cmpHi: UInt32 = 0x14, startLo: UInt32 = 0x18, startHi: UInt32 = 0x1C
    let resetLo: UInt32 = 0x20, resetHi: UInt32 = 0x24
    let enable: UInt32 = 1 << 0, reset: UInt32 = 1 << 1, eventEnable: UInt32 = 1 << 2, compareClear: UInt32 = 1 << 4
    let oneShot: UInt32 = 1 << 5, prescalerEnable: UInt32 = 1 << 6, referenceClock: UInt32 = 1 << 7
    let cascade: UInt32 = 1 << 31
    func prescaler(_ p: UInt32) -> UInt32 { prescalerEnable | p << 8 }

    var machine: Machine!
    var timer: ClusterTimer!

    override func setUp() {
        super.setUp()
        var options = MachineOptions(platform: .pulpCluster)
        options.echoOutput = false
        machine = try! Machine(options: options)
        timer = machine.timer!
        machine.now = 0
    }

    func read(_ offset: UInt32) -> UInt32? {
        var context = AccessContext(hart: 0, cycle: machine.now)
        return timer.read(offset: offset, size: 4, context: &context)
    }

    @discardableResult
    func write(_ offset: UInt32, _ value: UInt32) -> Bool {
        var context = AccessContext(hart: 0, cycle: machine.now)
        return timer.write(offset: offset, size: 4, value: value, context: &context)
    }

    /// Event line `line` pending on each core.
    func lines(_ line: Int) -> [Bool] { machine.eventUnit!.buffer.map { $0 & (1 << UInt32(line)) != 0 } }
    let none = [Bool](repeating: false, count: 8), all = [Bool](repeating: true, count: 8)

    func clearEvents() {
        for core in 0..<8 {
            var context = AccessContext(hart: core, cycle: machine.now)
            _ = EventUnitBench.device(machine, at: 0x1020_4000).write(offset: 0x28, size: 4, value: 0xFFFF_FFFF, context: &context)
        }
    }

    // MARK: Counting

    func testCountsClusterCyclesWhileEnabled() {
        XCTAssertEqual(read(cntLo), 0)
        machine.now = 100
        XCTAssertEqual(read(cntLo), 0, "disabled at reset")
        write(cfgLo, enable)
        XCTAssertEqual(read(cfgLo), enable)
        machine.now = 350
        XCTAssertEqual(read(cntLo), 250)
        XCTAssertEqual(read(cntHi), 0, "the HI channel is separate and disabled")
        // Disabling freezes the count; START resumes from there.
        machine.now = 400
        write(cfgLo, 0)
        machine.now = 1000
        XCTAssertEqual(read(cntLo), 300)
        XCTAssertEqual(read(startLo), 0, "START reads 0")
        write(startLo, 0)  // bit 0 clear: nothing
        machine.now = 1005
        XCTAssertEqual(read(cntLo), 300)
        write(startLo, 1)
        XCTAssertEqual(read(cfgLo), enable, "START sets the enable bit")
        machine.now = 1010
        XCTAssertEqual(read(cntLo), 305)
        // The HI channel counts on its own.
        write(cfgHi, enable)
        machine.now = 1110
        XCTAssertEqual(read(cntHi), 100)
        XCTAssertEqual(read(cntLo), 405)
    }

    func testResetRegisterAndResetBit() {
        write(cfgLo, enable)
        machine.now = 500
        XCTAssertEqual(read(resetLo), 0)
        write(resetLo, 1)
        XCTAssertEqual(read(cntLo), 0)
        machine.now = 520
        XCTAssertEqual(read(cntLo), 20, "it goes on counting from 0")
        write(cfgLo, enable | reset)
        XCTAssertEqual(read(cfgLo), enable, "the reset bit is not kept")
        machine.now = 527
        XCTAssertEqual(read(cntLo), 7)
        write(resetLo, 0)  // bit 0 clear: nothing
        XCTAssertEqual(read(cntLo), 7)
        // RESET of a stopped channel.
        write(cfgHi, enable)
        machine.now = 600
        write(cfgHi, 0)
        XCTAssertEqual(read(cntHi), 73)
        write(resetHi, 1)
        XCTAssertEqual(read(cntHi), 0)
        machine.now = 700
        XCTAssertEqual(read(cntHi), 0)
    }

    func testCounterWrites() {
        write(cfgLo, enable)
        machine.now = 40
        write(cntLo, 1000)
        machine.now = 45
        XCTAssertEqual(read(cntLo), 1005)
        write(cntLo, 0xFFFF_FFFE)
        machine.now = 48
        XCTAssertEqual(read(cntLo), 1, "a 32-bit channel wraps")
        write(cntHi, 77)
        XCTAssertEqual(read(cntHi), 77)
        machine.now = 4000
        XCTAssertEqual(read(cntHi), 77, "stopped")
    }

    // MARK: Compare matches

    func testCompareMatchRaisesEvent10OnEveryCoreWithTheEventBit() {
        write(cmpLo, 50)
        XCTAssertEqual(read(cmpLo), 50)
        write(cfgLo, enable | eventEnable)
        XCTAssertEqual(machine.events.nextTime, 50)
        machine.fireEvents(upTo: 49)
        XCTAssertEqual(lines(10), none)
        machine.fireEvents(upTo: 50)
        XCTAssertEqual(lines(10), all)
        XCTAssertEqual(lines(11), none)
        XCTAssertEqual(machine.now, 50)
        XCTAssertEqual(read(cntLo), 50)
        // Without compare-clear the counter goes on: the next match after a full wrap.
        XCTAssertEqual(machine.events.nextTime, 50 + (1 << 32))
    }

    func testHighChannelRaisesEvent11() {
        write(cfgHi, enable | eventEnable)
        machine.now = 10
        write(cmpHi, 30)  // the counter is at 10: 20 cycles to go
        XCTAssertEqual(read(cmpHi), 30)
        XCTAssertEqual(machine.events.nextTime, 30)
        machine.fireEvents(upTo: 1000)
        XCTAssertEqual(lines(11), all)
        XCTAssertEqual(lines(10), none)
    }

    func testWithoutTheEventBitNothingIsRaisedButTheMatchStaysScheduled() {
        write(cmpLo, 50)
        write(cfgLo, enable)
        XCTAssertEqual(machine.events.nextTime, 50, "an enabled channel always has its next match pending")
        machine.fireEvents(upTo: 60)
        XCTAssertEqual(lines(10), none)
        XCTAssertEqual(machine.events.nextTime, 50 + (1 << 32))
        write(cfgLo, 0)
        XCTAssertNil(machine.events.nextTime, "a disabled channel has nothing pending")
    }

    func testEventsGoOnlyToStartedCores() throws {
        var options = MachineOptions(platform: .pulpCluster)
        options.platform.harts = 3
        options.echoOutput = false
        let small = try Machine(options: options)
        var context = AccessContext(hart: 0, cycle: 0)
        XCTAssertTrue(small.timer!.write(offset: cmpLo, size: 4, value: 5, context: &context))
        XCTAssertTrue(small.timer!.write(offset: cfgLo, size: 4, value: enable | eventEnable, context: &context))
        small.fireEvents(upTo: 5)
        XCTAssertEqual(small.eventUnit!.buffer, [1 << 10, 1 << 10, 1 << 10] as [UInt32])
    }

    func testOneShotStopsOnTheMatch() {
        write(cmpLo, 50)
        write(cfgLo, enable | eventEnable | oneShot)
        machine.fireEvents(upTo: 50)
        XCTAssertEqual(lines(10), all)
        XCTAssertEqual(read(cfgLo), eventEnable | oneShot, "the enable bit is cleared")
        machine.now = 200
        XCTAssertEqual(read(cntLo), 50, "stopped at the compare value")
        XCTAssertNil(machine.events.nextTime)
        // START runs it again from there: the next match is a full wrap away.
        clearEvents()
        write(startLo, 1)
        XCTAssertEqual(machine.events.nextTime, 200 + (1 << 32))
        machine.now = 210
        XCTAssertEqual(read(cntLo), 60)
    }

    func testCompareClearRestartsFromZero() {
        write(cmpLo, 50)
        write(cfgLo, enable | eventEnable | compareClear)
        machine.fireEvents(upTo: 50)
        XCTAssertEqual(lines(10), all)
        machine.now = 60
        XCTAssertEqual(read(cntLo), 10, "restarted from 0 at the match")
        XCTAssertEqual(machine.events.nextTime, 100)
        clearEvents()
        machine.fireEvents(upTo: 100)
        XCTAssertEqual(lines(10), all)
        XCTAssertEqual(machine.events.nextTime, 150, "periodic")
        XCTAssertEqual(read(cfgLo), enable | eventEnable | compareClear)
    }

    func testCompareWrittenWhileCounting() {
        write(cfgLo, enable | eventEnable)
        machine.now = 100
        write(cmpLo, 40)  // already passed: the next match after the wrap
        XCTAssertEqual(machine.events.nextTime, 100 + (1 << 32) - 60)
        write(cmpLo, 300)
        XCTAssertEqual(machine.events.nextTime, 300, "the earlier schedule is replaced")
        machine.fireEvents(upTo: 299)
        XCTAssertEqual(lines(10), none)
        machine.fireEvents(upTo: 300)
        XCTAssertEqual(lines(10), all)
    }

    // MARK: Prescaler

    func testPrescalerDividesTheClock() {
        write(cfgLo, enable | prescaler(3))  // every 4 cycles
        XCTAssertEqual(read(cfgLo), enable | prescaler(3))
        machine.now = 40
        XCTAssertEqual(read(cntLo), 10)
        machine.now = 43
        XCTAssertEqual(read(cntLo), 10)
        machine.now = 44
        XCTAssertEqual(read(cntLo), 11)
        // The prescaler field without its enable bit divides by 1; the reference-clock bit counts
        // cluster cycles too.
        write(cfgHi, enable | 3 << 8 | referenceClock)
        machine.now = 64
        XCTAssertEqual(read(cntHi), 20)
    }

    func testPrescaledMatchFiresWhenTheCounterReachesTheCompareValue() {
        write(cmpLo, 5)
        write(cfgLo, enable | eventEnable | prescaler(3))
        XCTAssertEqual(machine.events.nextTime, 20, "5 ticks of 4 cycles")
        machine.fireEvents(upTo: 20)
        XCTAssertEqual(lines(10), all)
        // A compare value written between two ticks: the counter reaches 10 at cycle 40, whatever
        // the cycle of the write.
        clearEvents()
        machine.now = 22
        XCTAssertEqual(read(cntLo), 5)
        write(cmpLo, 10)
        machine.now = 40
        XCTAssertEqual(read(cntLo), 10)
        XCTAssertEqual(machine.events.nextTime, 40)
        machine.fireEvents(upTo: 40)
        XCTAssertEqual(lines(10), all, "the event comes when CNT reads the compare value")
    }

    // MARK: Cascade

    func testCascadeCountsOne64BitCounter() {
        write(cfgLo, enable | cascade)
        write(cntLo, 0xFFFF_FFF0)
        write(cntHi, 0x0000_0002)
        XCTAssertEqual(read(cntLo), 0xFFFF_FFF0)
        XCTAssertEqual(read(cntHi), 2)
        machine.now = 0x20
        XCTAssertEqual(read(cntLo), 0x10)
        XCTAssertEqual(read(cntHi), 3, "CNT_HI is the upper half of the 64-bit counter")
        // Writing CNT_LO keeps the upper half, and the reverse.
        write(cntLo, 7)
        XCTAssertEqual(read(cntHi), 3)
        write(cntHi, 9)
        XCTAssertEqual(read(cntLo), 7)
        machine.now = 0x25
        XCTAssertEqual(read(cntLo), 12)
        XCTAssertEqual(read(cntHi), 9)
    }

    func testCascadeMatchesTheWhole64BitCompareValue() {
        write(cmpLo, 0x0000_0010)
        write(cmpHi, 0x0000_0001)
        write(cfgLo, enable | eventEnable | cascade)
        write(cntLo, 0xFFFF_FFF0)  // 0x0_FFFF_FFF0: 0x20 cycles to 0x1_0000_0010
        XCTAssertEqual(machine.events.nextTime, 0x20)
        machine.fireEvents(upTo: 0x1F)
        XCTAssertEqual(lines(10), none)
        machine.fireEvents(upTo: 0x20)
        XCTAssertEqual(lines(10), all, "event 10 for the cascaded counter")
        XCTAssertEqual(lines(11), none)
        XCTAssertEqual(read(cntHi), 1)
        XCTAssertEqual(read(cntLo), 0x10)
        // The low half alone matching (0x2_0000_0010 has CNT_LO = 0x10) is not a match.
        XCTAssertNil(machine.events.nextTime, "the next 64-bit match is 2^64 cycles away: never")
    }

    // MARK: Register interface

    func testAccessFaultsAndStorage() {
        for offset: UInt32 in [0x28, 0x2C, 0x3FC] {
            XCTAssertNil(read(offset), String(format: "read 0x%02x", offset))
            XCTAssertFalse(write(offset, 1), String(format: "write 0x%02x", offset))
        }
        var context = AccessContext(hart: 0, cycle: 0)
        XCTAssertNil(timer.read(offset: cntLo, size: 2, context: &context), "32-bit accesses only")
        XCTAssertFalse(timer.write(offset: cfgLo, size: 1, value: 1, context: &context))
        XCTAssertNil(machine.events.nextTime, "the rejected write enabled nothing")
        write(cmpHi, 0xDEAD_BEEF)
        XCTAssertEqual(read(cmpHi), 0xDEAD_BEEF)
        XCTAssertEqual(read(startHi), 0)
        XCTAssertEqual(read(resetHi), 0)
        // The alias window is the same timer.
        guard let region = machine.bus.region(containing: 0x0020_0400), case .device(let alias) = region.kind else {
            return XCTFail("no timer alias")
        }
        XCTAssertTrue(alias === timer)
    }

    func testAMatchWakesAHartWaitingForTheTimerEvent() throws {
        let core = EventUnitBench.device(machine, at: 0x1020_4000)
        var context = AccessContext(hart: 2, cycle: 0)
        XCTAssertTrue(core.write(offset: 0x00, size: 4, value: 1 << 10, context: &context))
        _ = core.read(offset: 0x38, size: 4, context: &context)
        XCTAssertNotNil(context.sleep)
        machine.harts[2].state = .asleep(context.sleep!)
        write(cmpLo, 1234)
        write(cfgLo, enable | eventEnable | oneShot)
        machine.fireEvents(upTo: 5000)
        XCTAssertEqual(machine.harts[2].state, .running)
        XCTAssertEqual(machine.harts[2].cycle, 1235, "woken the cycle after the match (the event unit registers the event)")
    }
}
