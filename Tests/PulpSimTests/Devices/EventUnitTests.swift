// The cluster event unit through its register interface (docs/platform.md §4): the per-core view
// at 0x1020_4000 acting for the accessing hart, the global view at 0x1020_0800, and what the
// harts see — sleeping in a wait and becoming runnable when the event they wait for arrives.

@testable import PulpSim
import XCTest

/// A pulp-cluster machine whose harts access the event unit's registers directly, as the bus
/// does for their loads and stores. A read or write that sets `sleep` puts the hart to sleep, as
/// the slow path does; the bus retries the access when the hart wakes.
final class EventUnitBench {
    static let coreViewBase: UInt32 = 0x1020_4000, globalViewBase: UInt32 = 0x1020_0800
    let machine: Machine
    let unit: EventUnit
    let coreView: Device
    let globalView: Device

    init(harts: Int = 8) throws {
        var options = MachineOptions(platform: .pulpCluster)
        options.platform.harts = harts
        options.echoOutput = false
        machine = try Machine(options: options)
        unit = machine.eventUnit!
        coreView = EventUnitBench.device(machine, at: EventUnitBench.coreViewBase)
        globalView = EventUnitBench.device(machine, at: EventUnitBench.globalViewBase)
        for hart in machine.harts { hart.reset(pc: 0x1C00_0000) }
    }

    static func device(_ machine: Machine, at address: UInt32) -> Device {
        guard let region = machine.bus.region(containing: address), case .device(let device) = region.kind else {
            fatalError(String(format: "no device at 0x%08x", address))
        }
        return device
    }

    /// A 32-bit read of the per-core view by `core`; returns the value and whether the core slept.
    @discardableResult
    func read(_ offset: UInt32, core: Int) -> (value: UInt32?, slept: Bool) {
        var context = AccessContext(hart: core, cycle: machine.harts[core].cycle)
        let value = coreView.read(offset: offset, size: 4, context: &context)
        if let reason = context.sleep { machine.harts[core].state = .asleep(reason) }
        return (value, context.sleep != nil)
    }

    /// A 32-bit write to the per-core view by `core`; returns whether it was accepted and whether
    /// the core slept (stalled).
    @discardableResult
    func write(_ offset: UInt32, _ value: UInt32, core: Int) -> (ok: Bool, slept: Bool) {
        var context = AccessContext(hart: core, cycle: machine.harts[core].cycle)
        let ok = coreView.write(offset: offset, size: 4, value: value, context: &context)
        if let reason = context.sleep { machine.harts[core].state = .asleep(reason) }
        return (ok, context.sleep != nil)
    }

    func value(_ offset: UInt32, core: Int) -> UInt32? { read(offset, core: core).value }

    /// A read of the global view (by hart 0 unless told); nothing there may sleep.
    func globalRead(_ offset: UInt32, by hart: Int = 0) -> UInt32? {
        var context = AccessContext(hart: hart, cycle: 0)
        let value = globalView.read(offset: offset, size: 4, context: &context)
        XCTAssertNil(context.sleep, String(format: "global view read 0x%03x slept", offset))
        return value
    }

    @discardableResult
    func globalWrite(_ offset: UInt32, _ value: UInt32, by hart: Int = 0) -> Bool {
        var context = AccessContext(hart: hart, cycle: 0)
        let ok = globalView.write(offset: offset, size: 4, value: value, context: &context)
        XCTAssertNil(context.sleep, String(format: "global view write 0x%03x slept", offset))
        return ok
    }

    func isAsleep(_ core: Int) -> Bool {
        if case .asleep = machine.harts[core].state { return true }
        return false
    }
}

final class EventUnitTests: XCTestCase {
    // Per-core view offsets (docs/platform.md §4).
    let evtMask: UInt32 = 0x00, evtMaskAnd: UInt32 = 0x04, evtMaskOr: UInt32 = 0x08
    let irqMask: UInt32 = 0x0C, irqMaskAnd: UInt32 = 0x10, irqMaskOr: UInt32 = 0x14
    let status: UInt32 = 0x18, buffer: UInt32 = 0x1C, bufferMasked: UInt32 = 0x20, bufferIRQMasked: UInt32 = 0x24
    let bufferClear: UInt32 = 0x28
    let swEventsMask: UInt32 = 0x2C, swEventsMaskAnd: UInt32 = 0x30, swEventsMaskOr: UInt32 = 0x34
    let eventWait: UInt32 = 0x38, eventWaitClear: UInt32 = 0x3C
    let dispatchFIFO: UInt32 = 0x80, dispatchTeam: UInt32 = 0x84
    func mutex(_ m: UInt32) -> UInt32 { 0xC0 + 4 * m }
    func swTrigger(_ e: UInt32) -> UInt32 { 0x100 + 4 * e }
    func trigWait(_ e: UInt32) -> UInt32 { 0x140 + 4 * e }
    func trigWaitClear(_ e: UInt32) -> UInt32 { 0x180 + 4 * e }
    func barrier(_ b: UInt32, _ register: UInt32) -> UInt32 { 0x200 + 0x20 * b + register }
    let triggerMask: UInt32 = 0x00, barrierStatus: UInt32 = 0x04, targetMask: UInt32 = 0x0C
    let trigger: UInt32 = 0x10, triggerSelf: UInt32 = 0x14, triggerWait: UInt32 = 0x18, triggerWaitClear: UInt32 = 0x1C

    // MARK: Masks and buffer

    func testEventAndIRQMasksSetAndOr() throws {
        let eu = try EventUnitBench()
        XCTAssertEqual(eu.value(evtMask, core: 2), 0, "masks start at 0")
        XCTAssertEqual(eu.value(irqMask, core: 2), 0)
        eu.write(evtMask, 0x0000_F0F0, core: 2)
        XCTAssertEqual(eu.value(evtMask, core: 2), 0xF0F0)
        eu.write(evtMaskAnd, 0x0000_00F0, core: 2)  // mask &= ~v
        XCTAssertEqual(eu.value(evtMask, core: 2), 0xF000)
        eu.write(evtMaskOr, 0x0001_000F, core: 2)  // mask |= v
        for offset in [evtMask, evtMaskAnd, evtMaskOr] {
            XCTAssertEqual(eu.value(offset, core: 2), 0x0001_F00F, "every EVT_MASK offset reads the mask")
        }
        XCTAssertEqual(eu.value(evtMask, core: 3), 0, "another core's mask is its own")
        eu.write(irqMask, 0x8000_0001, core: 2)
        eu.write(irqMaskOr, 0x0000_0100, core: 2)
        eu.write(irqMaskAnd, 0x0000_0001, core: 2)
        for offset in [irqMask, irqMaskAnd, irqMaskOr] {
            XCTAssertEqual(eu.value(offset, core: 2), 0x8000_0100)
        }
        XCTAssertEqual(eu.unit.eventMask[2], 0x0001_F00F)
        XCTAssertEqual(eu.unit.irqMask[2], 0x8000_0100)
    }

    func testBufferViewsAndClear() throws {
        let eu = try EventUnitBench()
        eu.unit.raise(line: 3, targets: 1 << 4)
        eu.unit.raise(line: 12, targets: 1 << 4)
        eu.unit.raise(line: 16, targets: 1 << 4)
        eu.write(evtMask, 1 << 3 | 1 << 20, core: 4)
        eu.write(irqMask, 1 << 12 | 1 << 21, core: 4)
        XCTAssertEqual(eu.value(buffer, core: 4), 1 << 3 | 1 << 12 | 1 << 16)
        XCTAssertEqual(eu.value(bufferMasked, core: 4), 1 << 3)
        XCTAssertEqual(eu.value(bufferIRQMasked, core: 4), 1 << 12)
        XCTAssertEqual(eu.value(buffer, core: 5), 0, "only core 4 got the events")
        XCTAssertEqual(eu.value(bufferClear, core: 4), 0, "BUFFER_CLEAR reads 0")
        XCTAssertEqual(eu.write(bufferClear, 1 << 3 | 1 << 16 | 1 << 30, core: 4).ok, true)
        XCTAssertEqual(eu.value(buffer, core: 4), 1 << 12)
        // Events arriving while their bit is set are merged; the buffer is sticky.
        eu.unit.raise(line: 12, targets: 1 << 4)
        eu.unit.raise(line: 12, targets: 1 << 4)
        XCTAssertEqual(eu.value(buffer, core: 4), 1 << 12)
        // Writes to read-only registers are accepted and do nothing.
        for offset in [status, buffer, bufferMasked, bufferIRQMasked] {
            XCTAssertEqual(eu.write(offset, 0xFFFF_FFFF, core: 4).ok, true)
        }
        XCTAssertEqual(eu.value(buffer, core: 4), 1 << 12)
    }

    func testSoftwareEventTriggers() throws {
        let eu = try EventUnitBench()
        XCTAssertEqual(eu.write(swTrigger(5), 0b0000_0110, core: 0).ok, true)  // line 5 to cores 1 and 2
        XCTAssertEqual((0..<8).map { eu.unit.buffer[$0] }, [0, 1 << 5, 1 << 5, 0, 0, 0, 0, 0])
        eu.write(swTrigger(0), 0, core: 7)  // 0 = all started cores
        XCTAssertEqual((0..<8).map { eu.unit.buffer[$0] & 1 }, [1, 1, 1, 1, 1, 1, 1, 1])
        eu.write(swTrigger(15), 0xFFFF_FF80, core: 0)  // only v[7:0] selects cores: core 7
        XCTAssertEqual((0..<8).map { eu.unit.buffer[$0] >> 15 & 1 }, [0, 0, 0, 0, 0, 0, 0, 1])
        eu.write(swTrigger(9), 0b1000_0000, core: 3)  // device lines may be raised by software too
        XCTAssertEqual(eu.unit.buffer[7] & (1 << 9), 1 << 9)
        XCTAssertEqual(eu.value(swTrigger(5), core: 0), 0, "triggers read 0")
        XCTAssertEqual(eu.value(swTrigger(5), core: 0), 0)
        XCTAssertEqual(eu.unit.buffer[0], 1, "reading a trigger raises nothing")
    }

    func testSoftwareEventsGoOnlyToStartedCores() throws {
        let eu = try EventUnitBench(harts: 3)
        eu.write(swTrigger(2), 0, core: 0)  // all started cores: 0-2
        XCTAssertEqual(eu.unit.buffer, [0x4, 0x4, 0x4] as [UInt32])
        eu.write(swTrigger(4), 0xFF, core: 1)
        XCTAssertEqual(eu.unit.buffer, [0x14, 0x14, 0x14] as [UInt32])
        XCTAssertEqual(eu.unit.cores, 3)
    }

    // MARK: Waits

    func testEventWaitSleepsUntilAMaskedEventArrives() throws {
        let eu = try EventUnitBench()
        eu.write(evtMask, 1 << 3, core: 2)
        eu.unit.raise(line: 4, targets: 1 << 2)  // not in the mask
        XCTAssertEqual(eu.value(status, core: 2), 1, "running")
        let first = eu.read(eventWait, core: 2)
        XCTAssertTrue(first.slept)
        XCTAssertTrue(eu.isAsleep(2))
        XCTAssertEqual(eu.value(status, core: 5), 1)
        var probe = AccessContext(hart: 2, cycle: 0)
        XCTAssertEqual(eu.globalView.read(offset: 2 * 0x40 + status, size: 4, context: &probe), 0,
                       "STATUS reads 0 while the core sleeps in a wait")
        // Time passes; another core raises line 3 on core 2 at cycle 900.
        eu.machine.harts[2].cycle = 40
        eu.machine.now = 900
        eu.write(swTrigger(3), 1 << 2, core: 6)
        XCTAssertEqual(eu.machine.harts[2].state, .running, "the event woke core 2")
        XCTAssertEqual(eu.machine.harts[2].cycle, 901, "its cycle moved to the cycle after the event's (the event unit registers it)")
        // The retried read returns buffer & mask and clears nothing.
        let retry = eu.read(eventWait, core: 2)
        XCTAssertFalse(retry.slept)
        XCTAssertEqual(retry.value, 1 << 3)
        XCTAssertEqual(eu.value(buffer, core: 2), 1 << 3 | 1 << 4)
        XCTAssertEqual(eu.value(status, core: 2), 1)
        // Pending already: no sleep at all.
        XCTAssertEqual(eu.read(eventWait, core: 2).slept, false)
    }

    func testEventWaitClearReturnsThenClearsTheMaskedBits() throws {
        let eu = try EventUnitBench()
        eu.write(evtMask, 1 << 1 | 1 << 2, core: 0)
        eu.unit.raise(line: 1, targets: 1)
        eu.unit.raise(line: 7, targets: 1)
        let r = eu.read(eventWaitClear, core: 0)
        XCTAssertFalse(r.slept)
        XCTAssertEqual(r.value, 1 << 1, "the value before clearing")
        XCTAssertEqual(eu.value(buffer, core: 0), 1 << 7, "only the masked bits are cleared")
        // Now nothing masked is pending: the core sleeps, and wakes when line 2 arrives.
        XCTAssertTrue(eu.read(eventWaitClear, core: 0).slept)
        eu.unit.raise(line: 2, targets: 0xFF)
        XCTAssertEqual(eu.machine.harts[0].state, .running)
        XCTAssertEqual(eu.read(eventWaitClear, core: 0).value, 1 << 2)
        XCTAssertEqual(eu.value(buffer, core: 0), 1 << 7)
    }

    func testAWaitWithAnEmptyMaskWakesWhenTheMaskIsSet() throws {
        let eu = try EventUnitBench()
        eu.unit.raise(line: 6, targets: 1 << 1)
        XCTAssertTrue(eu.read(eventWait, core: 1).slept, "buffer & 0 = 0")
        eu.write(evtMaskAnd, 1 << 6, core: 1)  // clearing bits wakes nobody
        XCTAssertTrue(eu.isAsleep(1))
        eu.write(evtMaskOr, 1 << 6, core: 1)
        XCTAssertFalse(eu.isAsleep(1))
        XCTAssertEqual(eu.read(eventWait, core: 1).value, 1 << 6)
        // The same through EVT_MASK itself.
        eu.write(evtMask, 0, core: 1)
        XCTAssertTrue(eu.read(eventWait, core: 1).slept)
        eu.write(evtMask, 1 << 6 | 1 << 9, core: 1)
        XCTAssertFalse(eu.isAsleep(1))
    }

    func testTriggerAndWaitRaisesOnTheSWEventsMaskCores() throws {
        let eu = try EventUnitBench()
        XCTAssertEqual(eu.value(swEventsMask, core: 0), 0)
        eu.write(swEventsMask, 0b0000_1110, core: 0)
        eu.write(swEventsMaskAnd, 0b0000_1000, core: 0)
        eu.write(swEventsMaskOr, 0b0001_0000, core: 0)
        for offset in [swEventsMask, swEventsMaskAnd, swEventsMaskOr] {
            XCTAssertEqual(eu.value(offset, core: 0), 0b0001_0110)
        }
        // TRIG_WAIT 2: line 2 to cores 1, 2 and 4, then core 0 waits (its mask: line 5).
        eu.write(evtMask, 1 << 5, core: 0)
        XCTAssertTrue(eu.read(trigWait(2), core: 0).slept)
        XCTAssertEqual((0..<8).map { eu.unit.buffer[$0] }, [0, 4, 4, 0, 4, 0, 0, 0])
        // Core 4 answers with line 5 to core 0: core 0 wakes; its retry does not trigger again.
        eu.write(swTrigger(5), 1, core: 4)
        XCTAssertFalse(eu.isAsleep(0))
        eu.write(bufferClear, 4, core: 1)
        XCTAssertEqual(eu.read(trigWait(2), core: 0).value, 1 << 5)
        XCTAssertEqual(eu.unit.buffer[1], 0, "the retried read raised nothing")
        // TRIG_WAIT_CLEAR with SW_EVENTS_MASK 0: all started cores, itself included.
        eu.write(swEventsMask, 0, core: 3)
        eu.write(evtMask, 1 << 7, core: 3)
        let r = eu.read(trigWaitClear(7), core: 3)
        XCTAssertFalse(r.slept, "core 3 raised its own line")
        XCTAssertEqual(r.value, 1 << 7)
        XCTAssertEqual(eu.unit.buffer[3], 0, "and cleared it")
        XCTAssertEqual((0..<8).filter { eu.unit.buffer[$0] & (1 << 7) != 0 }, [0, 1, 2, 4, 5, 6, 7])
    }

    // MARK: Barriers

    func testBarrierReleaseRaisesEvent16OnTheTargetCores() throws {
        let eu = try EventUnitBench()
        let b: UInt32 = 1
        eu.write(barrier(b, triggerMask), 0b0111, core: 0)
        eu.write(barrier(b, targetMask), 0b1_0111, core: 0)
        XCTAssertEqual(eu.value(barrier(b, triggerMask), core: 5), 0b0111)
        XCTAssertEqual(eu.value(barrier(b, targetMask), core: 5), 0b1_0111)
        for core in 0..<8 { eu.write(evtMask, 1 << 16, core: core) }
        // Core 0 arrives and waits.
        eu.machine.now = 100
        XCTAssertTrue(eu.read(barrier(b, triggerWait), core: 0).slept)
        XCTAssertEqual(eu.value(barrier(b, barrierStatus), core: 7), 0b001)
        // Core 1 arrives without waiting.
        XCTAssertEqual(eu.read(barrier(b, triggerSelf), core: 1).value, 0)
        XCTAssertEqual(eu.value(barrier(b, barrierStatus), core: 7), 0b011)
        XCTAssertTrue(eu.isAsleep(0), "not all of TRIGGER_MASK has arrived")
        // Core 2, the last, arrives at cycle 250 with TRIGGER_WAIT_CLEAR: the barrier fires.
        eu.machine.now = 250
        let last = eu.read(barrier(b, triggerWaitClear), core: 2)
        XCTAssertFalse(last.slept)
        XCTAssertEqual(last.value, 1 << 16)
        XCTAssertEqual(eu.unit.buffer[2], 0, "core 2 cleared its event")
        XCTAssertEqual(eu.value(barrier(b, barrierStatus), core: 7), 0, "status back to 0")
        XCTAssertEqual((0..<8).map { eu.unit.buffer[$0] >> 16 & 1 }, [1, 1, 0, 0, 1, 0, 0, 0],
                       "event 16 on TARGET_MASK only")
        XCTAssertEqual(eu.machine.harts[0].state, .running)
        XCTAssertEqual(eu.machine.harts[0].cycle, 251)
        // Core 0's retried wait returns without arriving a second time.
        XCTAssertEqual(eu.read(barrier(b, triggerWait), core: 0).value, 1 << 16)
        XCTAssertEqual(eu.value(barrier(b, barrierStatus), core: 7), 0)
        XCTAssertEqual(eu.unit.buffer[0], 1 << 16, "TRIGGER_WAIT clears nothing")
        // Other barriers were not touched.
        XCTAssertEqual(eu.value(barrier(0, triggerMask), core: 0), 0)
        XCTAssertEqual(eu.value(barrier(2, barrierStatus), core: 0), 0)
    }

    func testBarrierTriggerRegisterAndTriggerMaskWrite() throws {
        let eu = try EventUnitBench()
        let b: UInt32 = 7
        eu.write(barrier(b, targetMask), 0xFF, core: 0)
        eu.write(barrier(b, trigger), 0b0101, core: 0)  // STATUS |= v, before any TRIGGER_MASK
        XCTAssertEqual(eu.value(barrier(b, barrierStatus), core: 0), 0b0101, "TRIGGER_MASK 0 never fires")
        XCTAssertEqual(eu.value(barrier(b, trigger), core: 0), 0, "TRIGGER reads 0")
        // Writing a TRIGGER_MASK already satisfied fires at once.
        eu.write(barrier(b, triggerMask), 0b0101, core: 0)
        XCTAssertEqual(eu.value(barrier(b, barrierStatus), core: 0), 0)
        XCTAssertEqual((0..<8).map { eu.unit.buffer[$0] >> 16 & 1 }, [1, 1, 1, 1, 1, 1, 1, 1])
        // Writing STATUS directly does not fire.
        eu.write(barrier(b, barrierStatus), 0b0101, core: 0)
        XCTAssertEqual(eu.value(barrier(b, barrierStatus), core: 0), 0b0101)
        eu.write(bufferClear, 1 << 16, core: 3)
        XCTAssertEqual(eu.unit.buffer[3], 0)
        // The next arrival checks it.
        eu.write(barrier(b, trigger), 0b1000_0000, core: 0)
        XCTAssertEqual(eu.value(barrier(b, barrierStatus), core: 0), 0)
        XCTAssertEqual(eu.unit.buffer[3], 1 << 16)
        // +0x08 is an access fault.
        XCTAssertNil(eu.value(barrier(b, 0x08), core: 0))
        XCTAssertEqual(eu.write(barrier(b, 0x08), 1, core: 0).ok, false)
    }

    // MARK: Mutexes

    func testMutexLockSleepUnlockWithMessage() throws {
        let eu = try EventUnitBench()
        let m = mutex(3)
        let a = eu.read(m, core: 0)
        XCTAssertEqual(a.value, 0, "the first lock returns message 0")
        XCTAssertFalse(a.slept)
        eu.machine.now = 10
        XCTAssertTrue(eu.read(m, core: 5).slept, "held by core 0")
        XCTAssertTrue(eu.read(m, core: 2).slept)
        XCTAssertEqual(eu.value(status, core: 0), 1)
        var probe = AccessContext(hart: 0, cycle: 0)
        XCTAssertEqual(eu.globalView.read(offset: 5 * 0x40 + status, size: 4, context: &probe), 0)
        // Unlock with a message at cycle 70: the lowest-numbered waiter (core 2) gets the mutex.
        eu.machine.now = 70
        XCTAssertEqual(eu.write(m, 0xCAFE_0001, core: 0).ok, true)
        XCTAssertEqual(eu.machine.harts[2].state, .running)
        XCTAssertEqual(eu.machine.harts[2].cycle, 71)
        XCTAssertTrue(eu.isAsleep(5))
        XCTAssertEqual(eu.read(m, core: 2).value, 0xCAFE_0001, "the retried read returns the message")
        // Core 2 unlocks: core 5 gets it and reads that message.
        eu.write(m, 0xCAFE_0002, core: 2)
        XCTAssertFalse(eu.isAsleep(5))
        XCTAssertEqual(eu.read(m, core: 5).value, 0xCAFE_0002)
        // Core 5 unlocks with nobody waiting: the next lock gets it at once, with the message.
        eu.write(m, 0xCAFE_0003, core: 5)
        let again = eu.read(m, core: 1)
        XCTAssertFalse(again.slept)
        XCTAssertEqual(again.value, 0xCAFE_0003)
        // Mutexes are independent.
        XCTAssertEqual(eu.read(mutex(0), core: 4).slept, false)
        XCTAssertEqual(eu.read(mutex(7), core: 4).slept, false)
        XCTAssertNil(eu.value(0xE0, core: 4), "there are 8 mutexes")
    }

    // MARK: Dispatch

    func testDispatchPushToTeamAndPop() throws {
        let eu = try EventUnitBench()
        XCTAssertEqual(eu.value(dispatchTeam, core: 0), 0xFF, "the team is every started core")
        eu.write(dispatchFIFO, 0x1111, core: 0)
        eu.write(dispatchFIFO, 0x2222, core: 0)
        XCTAssertEqual((0..<8).map { eu.unit.buffer[$0] >> 18 & 1 }, [1, 1, 1, 1, 1, 1, 1, 1], "event 18 on the team")
        XCTAssertEqual(eu.value(dispatchFIFO, core: 3), 0x1111)
        XCTAssertEqual(eu.value(dispatchFIFO, core: 3), 0x2222)
        XCTAssertEqual(eu.value(dispatchFIFO, core: 6), 0x1111, "every core has its own queue")
        // Popping an empty queue sleeps until a push.
        eu.machine.now = 300
        XCTAssertTrue(eu.read(dispatchFIFO, core: 3).slept)
        XCTAssertEqual(eu.value(status, core: 4), 1)
        eu.machine.now = 420
        eu.write(dispatchTeam, 0b0000_1000, core: 1)
        XCTAssertEqual(eu.value(dispatchTeam, core: 0), 0b0000_1000)
        eu.write(dispatchFIFO, 0x3333, core: 1)
        XCTAssertEqual(eu.machine.harts[3].state, .running)
        XCTAssertEqual(eu.machine.harts[3].cycle, 421)
        XCTAssertEqual(eu.read(dispatchFIFO, core: 3).value, 0x3333)
        XCTAssertEqual(eu.value(dispatchFIFO, core: 6), 0x2222, "core 6 is not in the new team")
        XCTAssertTrue(eu.read(dispatchFIFO, core: 6).slept)
        // Event 18 stays in the buffer until cleared.
        XCTAssertEqual(eu.unit.buffer[6] >> 18 & 1, 1)
    }

    func testDispatchPushIntoAFullQueueStallsUntilAPop() throws {
        let eu = try EventUnitBench()
        eu.write(dispatchTeam, 0b10, core: 0)  // core 1 only
        for v in UInt32(1)...8 { XCTAssertEqual(eu.write(dispatchFIFO, v, core: 0).slept, false, "push \(v)") }
        eu.machine.now = 55
        let ninth = eu.write(dispatchFIFO, 9, core: 0)
        XCTAssertTrue(ninth.ok)
        XCTAssertTrue(ninth.slept, "depth 8: the ninth push stalls")
        XCTAssertTrue(eu.isAsleep(0))
        XCTAssertEqual(eu.unit.dispatchQueues[1].count, 8)
        eu.machine.now = 90
        XCTAssertEqual(eu.value(dispatchFIFO, core: 1), 1)
        XCTAssertEqual(eu.machine.harts[0].state, .running, "a pop wakes the pusher")
        XCTAssertEqual(eu.machine.harts[0].cycle, 91)
        XCTAssertEqual(eu.write(dispatchFIFO, 9, core: 0).slept, false, "the retried push is performed")
        XCTAssertEqual((0..<8).map { _ in eu.value(dispatchFIFO, core: 1)! }, [2, 3, 4, 5, 6, 7, 8, 9])
    }

    // MARK: Interrupts

    func testPendingInterruptAndAcknowledge() throws {
        let eu = try EventUnitBench()
        XCTAssertNil(eu.unit.pendingInterrupt(core: 4))
        eu.unit.raise(line: 12, targets: 1 << 4)
        eu.unit.raise(line: 20, targets: 1 << 4)
        XCTAssertNil(eu.unit.pendingInterrupt(core: 4), "IRQ mask 0")
        XCTAssertFalse(eu.unit.wakesFromWFI(core: 4))
        eu.write(irqMaskOr, 1 << 12, core: 4)
        XCTAssertEqual(eu.unit.pendingInterrupt(core: 4), 12)
        eu.write(irqMaskOr, 1 << 20 | 1 << 25, core: 4)
        XCTAssertEqual(eu.unit.pendingInterrupt(core: 4), 20, "the highest enabled line first")
        XCTAssertTrue(eu.unit.wakesFromWFI(core: 4))
        XCTAssertEqual(eu.value(bufferIRQMasked, core: 4), 1 << 12 | 1 << 20)
        eu.unit.acknowledgeInterrupt(core: 4, line: 20)
        XCTAssertEqual(eu.value(buffer, core: 4), 1 << 12, "taking the interrupt clears its bit")
        XCTAssertEqual(eu.unit.pendingInterrupt(core: 4), 12)
        XCTAssertNil(eu.unit.pendingInterrupt(core: 3))
    }

    func testAnIRQEnabledEventWakesAHartInWFI() throws {
        let eu = try EventUnitBench()
        eu.machine.harts[5].state = .asleep(.waitForInterrupt)
        eu.unit.noteWFI(core: 5)
        XCTAssertEqual(eu.value(status, core: 5), 1, "STATUS reads 1 in wfi")
        eu.machine.now = 1000
        eu.unit.raise(line: 7, targets: 1 << 5)
        XCTAssertTrue(eu.isAsleep(5), "line 7 is not in the IRQ mask")
        eu.write(evtMask, 1 << 7, core: 5)
        XCTAssertTrue(eu.isAsleep(5), "the event mask does not end a wfi")
        eu.machine.now = 1200
        eu.write(irqMaskOr, 1 << 7, core: 5)
        XCTAssertEqual(eu.machine.harts[5].state, .running)
        XCTAssertEqual(eu.machine.harts[5].cycle, 1201)
    }

    // MARK: The global view

    func testGlobalViewReachesEveryCoresRegisters() throws {
        let eu = try EventUnitBench()
        // Core 3's EVT_MASK (0x40 * 3 + 0x00), written by hart 0.
        XCTAssertTrue(eu.globalWrite(3 * 0x40 + evtMask, 0x0000_0F00))
        XCTAssertEqual(eu.unit.eventMask[3], 0x0F00)
        XCTAssertEqual(eu.unit.eventMask[0], 0)
        XCTAssertTrue(eu.globalWrite(3 * 0x40 + evtMaskOr, 0x1))
        XCTAssertEqual(eu.globalRead(3 * 0x40 + evtMask), 0x0F01)
        XCTAssertTrue(eu.globalWrite(7 * 0x40 + irqMask, 0x8))
        XCTAssertEqual(eu.value(irqMask, core: 7), 0x8)
        // SW event triggers at 0x600 + 4e.
        XCTAssertTrue(eu.globalWrite(0x600 + 4 * 9, 0b1000, by: -1))
        XCTAssertEqual(eu.unit.buffer[3], 1 << 9)
        XCTAssertEqual(eu.globalRead(3 * 0x40 + buffer), 1 << 9)
        XCTAssertEqual(eu.globalRead(3 * 0x40 + bufferMasked), 1 << 9 & 0x0F01)
        XCTAssertEqual(eu.globalRead(0x600 + 4 * 9), 0)
        // Waits read like BUFFER_MASKED and clear nothing; nothing sleeps.
        XCTAssertEqual(eu.globalRead(3 * 0x40 + eventWaitClear), 1 << 9)
        XCTAssertEqual(eu.unit.buffer[3], 1 << 9)
        XCTAssertEqual(eu.globalRead(5 * 0x40 + eventWait), 0, "nothing pending: 0, no sleep")
        XCTAssertEqual(eu.globalRead(5 * 0x40 + eventWaitClear), 0)
        XCTAssertTrue(eu.globalWrite(3 * 0x40 + bufferClear, 1 << 9))
        XCTAssertEqual(eu.unit.buffer[3], 0)
        XCTAssertEqual(eu.globalRead(6 * 0x40 + status), 1)
        // Barrier b at 0x400 + 0x20b.
        XCTAssertTrue(eu.globalWrite(0x400 + 0x20 * 2 + targetMask, 0b11))
        XCTAssertTrue(eu.globalWrite(0x400 + 0x20 * 2 + triggerMask, 0b11))
        XCTAssertTrue(eu.globalWrite(0x400 + 0x20 * 2 + trigger, 0b01))
        XCTAssertEqual(eu.globalRead(0x400 + 0x20 * 2 + barrierStatus), 0b01)
        XCTAssertEqual(eu.value(barrier(2, barrierStatus), core: 4), 0b01, "the same barrier as the per-core view's")
        XCTAssertTrue(eu.globalWrite(0x400 + 0x20 * 2 + trigger, 0b10))
        XCTAssertEqual(eu.globalRead(0x400 + 0x20 * 2 + barrierStatus), 0)
        XCTAssertEqual(eu.unit.buffer[0] | eu.unit.buffer[1], 1 << 16)
        XCTAssertEqual(eu.globalRead(0x400 + 0x20 * 2 + triggerMask), 0b11)
    }

    func testGlobalViewFaults() throws {
        let eu = try EventUnitBench(harts: 4)
        // Core 4 does not exist with 4 harts; barrier self-triggers need a core; holes.
        for offset: UInt32 in [4 * 0x40, 7 * 0x40 + 0x1C, 0x200, 0x3FC, 0x400 + triggerSelf, 0x400 + triggerWait,
                               0x400 + 0x20 * 5 + triggerWaitClear, 0x400 + 0x08, 0x500, 0x5FC, 0x640, 0x7FC] {
            var context = AccessContext(hart: 0, cycle: 0)
            XCTAssertNil(eu.globalView.read(offset: offset, size: 4, context: &context), String(format: "read 0x%03x", offset))
        }
        for offset: UInt32 in [4 * 0x40, 0x200, 0x400 + 0x08, 0x500, 0x640, 0x7FC] {
            var context = AccessContext(hart: 0, cycle: 0)
            XCTAssertFalse(eu.globalView.write(offset: offset, size: 4, value: 1, context: &context),
                           String(format: "write 0x%03x", offset))
        }
        var context = AccessContext(hart: 0, cycle: 0)
        XCTAssertNil(eu.globalView.read(offset: 0x1C, size: 2, context: &context), "32-bit accesses only")
        XCTAssertFalse(eu.globalView.write(offset: 0x00, size: 1, value: 1, context: &context))
        // A global-view read of a sleeping core's wait register does not disturb its wait.
        let bench = try EventUnitBench()
        bench.write(evtMask, 1 << 2, core: 1)
        XCTAssertTrue(bench.read(eventWait, core: 1).slept)
        XCTAssertEqual(bench.globalRead(1 * 0x40 + eventWait), 0)
        bench.unit.raise(line: 2, targets: 0b10)
        XCTAssertFalse(bench.isAsleep(1))
    }

    func testPerCoreViewFaultsAndAliases() throws {
        let eu = try EventUnitBench()
        XCTAssertTrue(EventUnitBench.device(eu.machine, at: 0x0020_4000) === eu.coreView, "the alias is the same view")
        XCTAssertTrue(EventUnitBench.device(eu.machine, at: 0x0020_0800) === eu.globalView)
        for offset: UInt32 in [0x40, 0x7C, 0x88, 0xBC, 0xE0, 0x1C0, 0x1FC, 0x208, 0x300, 0x3FC] {
            XCTAssertNil(eu.value(offset, core: 0), String(format: "read 0x%03x", offset))
            XCTAssertEqual(eu.write(offset, 1, core: 0).ok, false, String(format: "write 0x%03x", offset))
        }
        var context = AccessContext(hart: 0, cycle: 0)
        XCTAssertNil(eu.coreView.read(offset: evtMask, size: 2, context: &context), "32-bit accesses only")
        XCTAssertFalse(eu.coreView.write(offset: evtMask, size: 1, value: 1, context: &context))
        var debugger = AccessContext(hart: -1, cycle: 0)
        XCTAssertNil(eu.coreView.read(offset: evtMask, size: 4, context: &debugger), "the per-core view needs a core")
        // Through the bus: a misaligned access faults, the alias reaches the same core's registers.
        var bus = AccessContext(hart: 6, cycle: 0)
        guard case .ok = eu.machine.bus.slowWrite(0x0020_4000 + evtMask, size: 4, value: 0x55, context: &bus) else {
            return XCTFail("write through the alias")
        }
        XCTAssertEqual(eu.unit.eventMask[6], 0x55)
        guard case .fault = eu.machine.bus.slowRead(0x1020_4002, size: 4, context: &bus) else { return XCTFail("misaligned") }
        guard case .fault = eu.machine.bus.slowRead(0x1020_4000, size: 2, context: &bus) else { return XCTFail("16-bit") }
    }

    // MARK: A hart executing the wait

    func testAHartExecutingEventWaitSleepsAndRetriesTheLoad() throws {
        let eu = try EventUnitBench()
        let machine = eu.machine
        // lw t0, 0x38(t1) with t1 = the per-core view: EVENT_WAIT.
        let lw: UInt32 = 0x038 << 20 | 6 << 15 | 2 << 12 | 5 << 7 | 0x03
        XCTAssertTrue(machine.writeMemory(0x1C00_0000, (0..<4).map { UInt8(truncatingIfNeeded: lw >> (8 * $0)) }))
        let hart = machine.harts[1]
        hart.x[6] = 0x1020_4000
        hart.cycle = 20
        eu.write(evtMask, 1 << 11, core: 1)
        XCTAssertNil(machine.step(hart: 1))
        XCTAssertTrue(eu.isAsleep(1), "\(hart.state)")
        XCTAssertEqual(hart.pc, 0x1C00_0000, "the load did not retire")
        XCTAssertEqual(hart.instret, 0)
        // Line 11 (timer HI) raised by software from core 0 at cycle 75.
        machine.now = 75
        eu.write(swTrigger(11), 0b10, core: 0)
        XCTAssertEqual(hart.state, .running)
        XCTAssertEqual(hart.cycle, 76, "the event unit sees the event a cycle later")
        XCTAssertNil(machine.step(hart: 1))
        XCTAssertEqual(hart.x[5], 1 << 11)
        XCTAssertEqual(hart.pc, 0x1C00_0004)
        XCTAssertEqual(hart.instret, 1)
        XCTAssertEqual(hart.cycle, 77, "the retried access retires in 1 cycle")
    }
}
