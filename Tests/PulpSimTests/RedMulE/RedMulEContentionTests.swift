// RedMulE's TCDM port against the other masters (docs/platform.md §7.5): with the interconnect's
// reset priority a request of RedMulE is refused when a core, external port or DMA port asks its
// first bank in that cycle; with `invert_prio` (cluster control +0x18 bit 8) RedMulE holds the 9
// banks of each request and the others wait. The RTL's counts for the refusals below come from
// the same harness as Tests/Vectors/redmule/rtl-refusals.csv, fed the refusal sequence (first
// request refused: 170 cycles instead of 169; the first three: 172).

import Foundation
@testable import PulpSim
import XCTest

final class RedMulEContentionTests: XCTestCase {
    /// A 12×16×16 GEMM triggered at 2003 with ARITH at 2000 (so it starts at 2035), X at the
    /// TCDM's start; the cores are far ahead (nothing of theirs left to settle).
    func setUp(invert: Bool = false, maxStall: UInt32 = 0) throws -> (Machine, RedMulE, TCDMArbiter) {
        var options = MachineOptions(platform: .pulpCluster)
        options.echoOutput = false
        let machine = try Machine(options: options)
        let redmule = try XCTUnwrap(machine.redmule)
        let arbiter = try XCTUnwrap(machine.arbiter)
        for h in machine.harts { h.core.pointee.cycle = 1_000_000 }
        redmule.hciControl = { (invert ? 1 << 8 : 0) | maxStall }
        var context = AccessContext(hart: 0, cycle: 1000)
        machine.now = 1000
        func write(_ offset: UInt32, _ value: UInt32) { _ = redmule.write(offset: offset, size: 4, value: value, context: &context) }
        write(0x14, 0)
        _ = redmule.read(offset: 0x04, size: 4, context: &context)
        write(0x40, 0x1000_0000); write(0x44, 0x1000_0240); write(0x48, 0x1000_0480)
        write(0x4C, 16 << 16 | 12); write(0x50, 16)
        context.cycle = 2000; machine.now = 2000
        write(0x54, 1 << 10 | 1 << 7)
        context.cycle = 2003; machine.now = 2003
        write(0x00, 0)
        return (machine, redmule, arbiter)
    }

    /// The cycle of the job's first port request, and its address.
    func firstRequest() -> (cycle: UInt64, address: UInt32) {
        var model = RedMulECycleModel(RedMulETilerConfig(m: 12, n: 16, k: 16, x: 0x1000_0000, w: 0x1000_0240, z: 0x1000_0480))
        while true {
            if let r = model.request() { return (2035 + UInt64(model.cycle), r.address) }
            model.clock(granted: true)
        }
    }

    func runToCompletion(_ machine: Machine, _ redmule: RedMulE) throws -> UInt64 {
        try RedMulETimingTests.cyclesToCompletion(machine, redmule, trigger: 2003)
    }

    func testIdleJob() throws {
        let (machine, redmule, _) = try setUp()
        XCTAssertEqual(try runToCompletion(machine, redmule), 169)
        XCTAssertEqual(redmule.tcdmStallCycles, 0)
    }

    /// A DMA port asking the first bank of RedMulE's first request in its cycle: refused once.
    func testFirstRequestRefusedByAnAccessToItsFirstBank() throws {
        let (machine, redmule, arbiter) = try setUp()
        let first = firstRequest()
        XCTAssertEqual(first.address, 0x1000_0000)
        arbiter.append(master: TCDMArbiter.dmaPorts, cycle: first.cycle, bank: Int(first.address >> 2) & 15)
        XCTAssertEqual(try runToCompletion(machine, redmule), 170)
        XCTAssertEqual(redmule.tcdmStallCycles, 1)
    }

    /// The same port asking in the next two cycles too: the RTL's 172.
    func testThreeRefusals() throws {
        let (machine, redmule, arbiter) = try setUp()
        let first = firstRequest()
        for i in 0..<3 { arbiter.append(master: TCDMArbiter.dmaPorts, cycle: first.cycle + UInt64(i), bank: 0) }
        XCTAssertEqual(try runToCompletion(machine, redmule), 172)
        XCTAssertEqual(redmule.tcdmStallCycles, 3)
    }

    /// Another of the 9 banks, or the first bank one cycle early: no refusal (only the first
    /// word's grant counts, `hci_router`).
    func testOtherBanksAndCyclesDoNotRefuse() throws {
        let (machine, redmule, arbiter) = try setUp()
        let first = firstRequest()
        arbiter.append(master: TCDMArbiter.dmaPorts, cycle: first.cycle, bank: 5)
        arbiter.append(master: TCDMArbiter.dmaPorts + 1, cycle: first.cycle - 1, bank: 0)
        XCTAssertEqual(try runToCompletion(machine, redmule), 169)
        XCTAssertEqual(redmule.tcdmStallCycles, 0)
    }

    /// With invert_prio RedMulE is never refused, and a port asking one of its 9 banks in the
    /// cycle of its first request waits as long as RedMulE's requests keep that bank (the X
    /// stream's first row at bank 0 covers banks 0-8; the next requests of the job move on).
    func testInvertedPriorityHoldsTheNineBanks() throws {
        let (machine, redmule, arbiter) = try setUp(invert: true)
        let first = firstRequest()
        let cfg = RedMulETilerConfig(m: 12, n: 16, k: 16, x: 0x1000_0000, w: 0x1000_0240, z: 0x1000_0480)
        let held = RedMulECycleModel.heldBanks(RedMulECycleModel.idleRun(cfg, trace: true).trace)
        let offset = Int(first.cycle - 2035)
        XCTAssertEqual(held[offset], 0x01FF)
        let waits = held[offset...].prefix { $0 & (1 << 8) != 0 }.count
        arbiter.append(master: TCDMArbiter.dmaPorts, cycle: first.cycle, bank: 8)
        arbiter.append(master: TCDMArbiter.dmaPorts + 1, cycle: first.cycle, bank: 9)  // (not held then)
        XCTAssertEqual(try runToCompletion(machine, redmule), 169)
        arbiter.resolve(before: .max, final: true)
        XCTAssertGreaterThanOrEqual(waits, 1)
        XCTAssertEqual(arbiter.stalls(TCDMArbiter.dmaPorts), UInt64(waits))
        XCTAssertEqual(arbiter.stalls(TCDMArbiter.dmaPorts + 1), held[offset] & (1 << 9) != 0 ? 1 : 0)
        XCTAssertEqual(redmule.tcdmStallCycles, 0)
    }

    /// Someone asking bank 0, the first bank of RedMulE's first request, in every cycle for a
    /// while: that request waits as long, and after 10,000 refusals in a row a warning says so.
    func testStarvationIsReported() throws {
        let (machine, redmule, arbiter) = try setUp()
        let first = firstRequest()
        let span: UInt64 = 10_050
        for i in 0..<span { arbiter.append(master: TCDMArbiter.dmaPorts + Int(i % 3), cycle: first.cycle + i, bank: 0) }
        // (The job waits as long: on the RTL, 5000 refusals of its first requests give 5169.)
        XCTAssertEqual(try runToCompletion(machine, redmule), 169 + span)
        XCTAssertEqual(redmule.tcdmStallCycles, span)
        XCTAssertTrue(machine.diagnostics.contains { $0.message.contains("refused for 10000 cycles in a row") && $0.level == .warning },
                      "\(machine.diagnostics.map(\.message))")
    }

    /// The job's requests on an idle TCDM (first bank per cycle from its start), and the offset
    /// of its first request.
    func idleTrace() -> (trace: [UInt8], first: Int) {
        let cfg = RedMulETilerConfig(m: 12, n: 16, k: 16, x: 0x1000_0000, w: 0x1000_0240, z: 0x1000_0480)
        let trace = RedMulECycleModel.idleRun(cfg, trace: true).trace
        return (trace, trace.firstIndex { $0 != RedMulECycleModel.noRequest }!)
    }

    /// HCI low_prio_max_stall = 2 with the reset priority: a DMA port asks bank 0 in 12 cycles
    /// from the cycle of RedMulE's first request. RedMulE's requests go to banks 0, 0, 0, 8, 8,
    /// 8, 0, 0, 0 (checked below). After 2 cycles in which both branches asked, RedMulE has every
    /// bank for a cycle and the port waits (each such cycle moves the port's later accesses on):
    ///   requests 1-3 (bank 0): refused twice each, granted in the third cycle (port waits);
    ///   4-5 (bank 8): granted, both branches asked; 6: granted in the override (port waits);
    ///   7-8 (bank 0): refused twice each, granted in the third (port waits after 7);
    ///   9: granted, the port done.
    /// 10 refusals (179 cycles), the port waits 5 times; without the maximum the first request
    /// is refused 12 times (181) and the port never waits.
    func testMaxStallGivesRedMulEACycleAfterThatManyRefusals() throws {
        let first = firstRequest()
        let (trace, offset) = idleTrace()
        XCTAssertEqual(trace[offset..<(offset + 9)].map { Int($0) }, [0, 0, 0, 8, 8, 8, 0, 0, 0])
        for (maxStall, completion, refused, portWaits) in [(UInt32(2), UInt64(179), UInt64(10), UInt64(5)), (0, 181, 12, 0)] {
            let (machine, redmule, arbiter) = try setUp(maxStall: maxStall)
            for i in 0..<12 { arbiter.append(master: TCDMArbiter.dmaPorts, cycle: first.cycle + UInt64(i), bank: 0) }
            XCTAssertEqual(try runToCompletion(machine, redmule), completion, "max stall \(maxStall)")
            arbiter.resolve(before: .max, final: true)
            XCTAssertEqual(redmule.tcdmStallCycles, refused, "max stall \(maxStall)")
            XCTAssertEqual(arbiter.stalls(TCDMArbiter.dmaPorts), portWaits, "max stall \(maxStall)")
        }
    }

    /// With the reset priority and low_prio_max_stall = 2, a core-side access on a bank RedMulE
    /// does not use still counts: two cycles in which both branches ask, and in the third
    /// RedMulE has every bank, so a port asking then waits a cycle although its bank is free.
    func testMaxStallCountsAnyRequestOfBothBranches() throws {
        let (machine, redmule, arbiter) = try setUp(maxStall: 2)
        let first = firstRequest()
        let (trace, offset) = idleTrace()
        XCTAssertTrue((0..<3).allSatisfy { trace[offset + $0] != RedMulECycleModel.noRequest })  // (RedMulE asks in all 3)
        XCTAssertTrue((0..<3).allSatisfy { RedMulECycleModel.nineBanks(from: Int(trace[offset + $0])) & (1 << 12) == 0 })
        for i in 0..<3 { arbiter.append(master: TCDMArbiter.dmaPorts, cycle: first.cycle + UInt64(i), bank: 12) }
        XCTAssertEqual(try runToCompletion(machine, redmule), 169)
        arbiter.resolve(before: .max, final: true)
        XCTAssertEqual(redmule.tcdmStallCycles, 0)
        XCTAssertEqual(arbiter.stalls(TCDMArbiter.dmaPorts), 1)
    }

    /// invert_prio with low_prio_max_stall = 2: a DMA port asking bank 8, one of the 9 banks of
    /// RedMulE's first request, waits while RedMulE holds it, at most 2 cycles: in the third
    /// the count gives the cores' branch every bank, the port goes through and RedMulE's
    /// request of that cycle is refused (one cycle later: 170).
    func testMaxStallInvertedGivesTheCoresACycle() throws {
        let (machine, redmule, arbiter) = try setUp(invert: true, maxStall: 2)
        let first = firstRequest()
        let (trace, offset) = idleTrace()
        let held = RedMulECycleModel.heldBanks(trace)
        XCTAssertTrue((0..<2).allSatisfy { held[offset + $0] & (1 << 8) != 0 })  // (bank 8 held in both)
        XCTAssertNotEqual(trace[offset + 2], RedMulECycleModel.noRequest)  // (RedMulE asks in the third)
        arbiter.append(master: TCDMArbiter.dmaPorts, cycle: first.cycle, bank: 8)
        XCTAssertEqual(try runToCompletion(machine, redmule), 170)
        arbiter.resolve(before: .max, final: true)
        XCTAssertEqual(arbiter.stalls(TCDMArbiter.dmaPorts), 2)
        XCTAssertEqual(redmule.tcdmStallCycles, 1)
    }

    /// Every maximum, either priority, against DMA ports asking pseudo-random banks: the job
    /// completes on time by its model (no late completion), no sooner than on an idle TCDM, and
    /// two runs agree.
    func testMaxStallSettingsCompleteDeterministically() throws {
        let first = firstRequest()
        for maxStall in [UInt32(1), 3, 255] {
            for invert in [false, true] {
                var outcomes: [[UInt64]] = []
                for _ in 0..<2 {
                    let (machine, redmule, arbiter) = try setUp(invert: invert, maxStall: maxStall)
                    var x: UInt32 = 12345
                    for i in 0..<400 {
                        x = x &* 1664525 &+ 1013904223
                        guard (x >> 16) % 100 < 30 else { continue }
                        arbiter.append(master: TCDMArbiter.dmaPorts + Int(x >> 30), cycle: first.cycle + UInt64(i), bank: Int(x >> 8) & 15)
                    }
                    let cycles = try runToCompletion(machine, redmule)
                    arbiter.resolve(before: .max, final: true)
                    XCTAssertGreaterThanOrEqual(cycles, 169, "max stall \(maxStall), invert \(invert)")
                    outcomes.append([cycles, redmule.tcdmStallCycles] + (12..<16).map { arbiter.stalls($0) })
                }
                XCTAssertEqual(outcomes[0], outcomes[1], "max stall \(maxStall), invert \(invert)")
            }
        }
    }

    /// A soft clear abandons a job holding banks: from then on nobody waits for it.
    func testSoftClearReleasesTheHeldBanks() throws {
        let (machine, redmule, arbiter) = try setUp(invert: true)
        let first = firstRequest()
        var context = AccessContext(hart: 0, cycle: first.cycle - 5)
        machine.now = first.cycle - 5
        _ = redmule.write(offset: 0x14, size: 4, value: 0, context: &context)
        arbiter.append(master: TCDMArbiter.dmaPorts, cycle: first.cycle, bank: 0)
        arbiter.resolve(before: .max, final: true)
        XCTAssertEqual(arbiter.stalls(TCDMArbiter.dmaPorts), 0)
        XCTAssertEqual(redmule.jobsCompleted, 0)
    }

    func testNineBanksWrap() {
        XCTAssertEqual(RedMulECycleModel.nineBanks(from: 0), 0x01FF)
        XCTAssertEqual(RedMulECycleModel.nineBanks(from: 7), 0xFF80)
        XCTAssertEqual(RedMulECycleModel.nineBanks(from: 12), 0xF01F)
    }

    /// firmware/redmule/contention.c: RedMulE against 7 cores polling a TCDM word. With the reset
    /// priority the first job is refused and slower than on an idle TCDM; with
    /// `redmule_max_stall(4)` the second is refused less and faster; after
    /// `redmule_priority_first` the third takes exactly its idle duration and the polling cores
    /// wait for RedMulE's banks instead; the fourth, with the max stall again, gives the cores a
    /// cycle now and then and is slower than the third; without contention all take the idle
    /// duration.
    func testPollingCoresAgainstRedMulE() throws {
        let elf = Paths.firmware("pulp-cluster", "redmule-contention")
        try requireFirmware(elf)
        let idle = try XCTUnwrap(RedMulETiming.duration(RedMulEShape(m: 48, n: 48, k: 48)))
        func json(_ extra: [String]) throws -> [String: Any] {
            let r = try runCLI(["run", "--json", "--stats"] + extra + [elf])
            XCTAssertEqual(r.status, 0, r.stderr)
            return try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        }
        let contended = try json([])
        let redmule = try XCTUnwrap(contended["redmule"] as? [String: Any])
        let busy = try XCTUnwrap(redmule["busy_cycles"] as? Int), refused = try XCTUnwrap(redmule["tcdm_stall_cycles"] as? Int)
        XCTAssertGreaterThan(refused, 0)
        XCTAssertGreaterThan(busy, 4 * Int(idle), "the first jobs are slower")
        // Each job's cycles from TRIGGER to completion as core 0 measures them.
        let lines = try runCLI(["run", "--quiet", elf]).stdout.split(separator: "\n").filter { $0.hasPrefix("job ") }
        let jobs = lines.compactMap { $0.split(separator: " ").last.flatMap { Int($0) } }
        XCTAssertEqual(jobs.count, 4, "\(lines)")
        if jobs.count == 4 {
            XCTAssertGreaterThan(jobs[0], jobs[1], "the max stall lets RedMulE through")
            XCTAssertGreaterThan(jobs[1], jobs[2], "RedMulE first: its idle duration")
            XCTAssertGreaterThan(jobs[3], jobs[2], "RedMulE first with the max stall: the cores get cycles")
        }
        let harts = try XCTUnwrap(contended["harts"] as? [[String: Any]])
        for h in harts.dropFirst() {
            let stalls = try XCTUnwrap(h["stalls"] as? [String: Any])
            XCTAssertGreaterThan(try XCTUnwrap(stalls["tcdm"] as? Int), 0)
        }
        let free = try XCTUnwrap(try json(["--no-tcdm-contention"])["redmule"] as? [String: Any])
        XCTAssertEqual(free["busy_cycles"] as? Int, 4 * Int(idle))
        XCTAssertEqual(free["tcdm_stall_cycles"] as? Int, 0)
    }
}
