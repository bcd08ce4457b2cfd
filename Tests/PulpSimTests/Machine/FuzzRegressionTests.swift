// Regressions found by the `devices` and `instructions` fuzz targets (Fuzz/, docs/robustness.md):
// each test is named after what it guards and says which input found it.

import Foundation
@testable import PulpSim
import XCTest

final class FuzzRegressionTests: XCTestCase {
    func testMachineWithRedMulEIsReleasedWithItsBus() throws {
        // RedMulE's memory port held the bus, and the bus held RedMulE (a device of its memory
        // map): every pulp-cluster and redmule-tb machine leaked its bus, memories and devices
        // (found by every input of `fuzz-devices`, and by every seed of `fuzz-elf`).
        for platform in [PlatformKind.pulpCluster, .redmuleTB] {
            final class Released { weak var bus: Bus?; weak var redmule: RedMulE?; weak var machine: Machine? }
            let released = Released()
            try { () throws in
                let machine = try Machine(options: MachineOptions(platform: platform))
                released.machine = machine
                released.bus = machine.bus
                released.redmule = machine.redmule
                XCTAssertNotNil(released.redmule)
            }()
            XCTAssertNil(released.machine, "\(platform)")
            XCTAssertNil(released.bus, "\(platform)")
            XCTAssertNil(released.redmule, "\(platform)")
        }
    }

    // MARK: Time order of device accesses

    static let wfi: UInt32 = 0x1050_0073
    static func lui(_ rd: UInt32, _ upper: UInt32) -> UInt32 { upper << 12 | rd << 7 | 0x37 }
    static func addi(_ rd: UInt32, _ rs1: UInt32, _ imm: Int32) -> UInt32 {
        UInt32(bitPattern: imm << 20) | rs1 << 15 | rd << 7 | 0x13
    }
    static func lw(_ rd: UInt32, _ rs1: UInt32, _ offset: Int32) -> UInt32 {
        UInt32(bitPattern: offset << 20) | rs1 << 15 | 2 << 12 | rd << 7 | 0x03
    }
    static func sw(_ rs2: UInt32, _ rs1: UInt32) -> UInt32 { rs2 << 20 | rs1 << 15 | 2 << 12 | 0x23 }
    /// bne rs1, x0, -4
    static func bneBack(_ rs1: UInt32) -> UInt32 { 0xFE00_1EE3 | rs1 << 15 }
    static func bytes(_ words: [UInt32]) -> [UInt8] {
        words.flatMap { w in (0..<4).map { UInt8(truncatingIfNeeded: w >> (8 * UInt32($0))) } }
    }

    func testADeviceAccessAheadOfAnotherHartWaitsForIt() throws {
        // Hart 0 spins ~200 cycles, then enables the cluster timer (CFG_LO = 1); hart 1 reads the
        // timer's counter (CNT_LO) at cycle 3 and stores it to TCDM. In simulated time the read
        // comes first and must see the stopped counter, 0. Hart 0 used to perform its store as
        // soon as it reached it, up to a quantum ahead of hart 1, and hart 1's read then computed
        // the count 3 - 200 cycles after the enable: 0xffffff38. (Found by `fuzz-devices` and
        // `fuzz-instructions` with their time-order check: devices saw time go back.)
        for traced in [false, true] {
            var options = MachineOptions(platform: .pulpCluster)
            options.platform.harts = 2
            options.echoOutput = false
            options.maxCycles = 10_000
            let m = try Machine(options: options)
            typealias T = FuzzRegressionTests
            let hart0 = [T.addi(7, 0, 50), T.addi(7, 7, -1), T.bneBack(7), T.lui(5, 0x10200), T.addi(5, 5, 0x400),
                         T.addi(6, 0, 1), T.sw(6, 5), T.wfi, T.wfi]
            let hart1 = [T.lui(5, 0x10200), T.addi(5, 5, 0x400), T.lw(6, 5, 8), T.lui(28, 0x10000), T.sw(6, 28), T.wfi, T.wfi]
            XCTAssertTrue(m.writeMemory(0x1C00_0000, T.bytes(hart0)))
            XCTAssertTrue(m.writeMemory(0x1C00_1000, T.bytes(hart1)))
            m.harts[0].reset(pc: 0x1C00_0000)
            m.harts[1].reset(pc: 0x1C00_1000)
            var options2 = TraceOptions()
            options2.path = "/dev/null"
            if traced { m.setTracer(try Tracer(options: options2, harts: 2, symbols: m.symbols)) }
            var last: UInt64 = 0
            var wentBack = false
            m.signalCheck = {
                if m.now < last { wentBack = true }
                last = max(last, m.now)
                return 0
            }
            _ = m.run()
            m.tracer?.close()
            XCTAssertEqual(m.readWord(0x1000_0000), 0, "traced: \(traced)")
            XCTAssertFalse(wentBack, "traced: \(traced)")
        }
    }

    // MARK: Cluster timer

    func testCascadeTimerMatchPastTheEndOfTimeNeverComes() throws {
        // A 64-bit (cascade) channel whose compare value the counter has passed matches only
        // after the counter wraps, 2^64 cycles later. The cycle of that match wrapped too, to a
        // cycle in the past: the event fired at once, at a time before the access that set it
        // up (found by `fuzz-devices`: event 10 woke a hart "at cycle 23" when every hart was
        // past cycle 1170).
        var options = MachineOptions(platform: .pulpCluster)
        options.echoOutput = false
        let machine = try Machine(options: options)
        let timer = machine.timer!
        func write(_ offset: UInt32, _ value: UInt32) {
            var context = AccessContext(hart: 0, cycle: machine.now)
            XCTAssertTrue(timer.write(offset: offset, size: 4, value: value, context: &context))
        }
        machine.now = 0
        write(0x10, 0)  // CMP_LO
        write(0x14, 0)  // CMP_HI
        write(0x00, 1 << 31 | 1 << 2 | 1)  // CFG_LO: cascade, event, enable
        machine.now = 1000
        write(0x10, 0)  // the counter (1000) is past the compare value
        XCTAssertNil(machine.events.nextTime.flatMap { $0 < 1000 ? $0 : nil }, "a match scheduled in the past")
        machine.fireEvents(upTo: 100_000)
        XCTAssertEqual(machine.eventUnit!.buffer, [UInt32](repeating: 0, count: 8), "event 10 raised")
    }
}

