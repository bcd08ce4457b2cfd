// RedMulE's trigger-to-event cycle counts against the RTL measurements of docs/platform.md §7.5
// (Tests/Vectors/redmule/rtl-cycles.csv), and the job-control registers (ACQUIRE, STATUS,
// FINISHED, SOFT_CLEAR) around a job.

import Foundation
@testable import PulpSim
import XCTest

final class RedMulETimingTests: XCTestCase {
    /// (M, N, K) → trigger-to-event cycles measured on the RTL.
    static let rtl: [(Int, Int, Int, UInt64)] = [
        (12, 16, 16, 169), (48, 48, 48, 2411), (64, 64, 64, 6251), (96, 96, 96, 18539),
        (128, 128, 128, 45163), (96, 100, 96, 19759), (23, 17, 33, 590), (12, 512, 16, 2153),
    ]

    func makeMachine() throws -> (Machine, RedMulE) {
        var options = MachineOptions(platform: .pulpCluster)
        options.echoOutput = false
        options.platform.tcdmSize = 1024 * 1024  // room for 128×128×128 with padding
        let machine = try Machine(options: options)
        return (machine, try XCTUnwrap(machine.redmule))
    }

    /// Trigger-to-event cycles of one job through the register interface, with ARITH written 3
    /// cycles before TRIGGER (as the RTL measurements count, docs/platform.md §7.5).
    func measure(m: Int, n: Int, k: Int, fp8: Bool = false) throws -> UInt64 {
        let (machine, redmule) = try makeMachine()
        var context = AccessContext(hart: 0, cycle: 1000)
        machine.now = 1000
        func write(_ offset: UInt32, _ value: UInt32) { _ = redmule.write(offset: offset, size: 4, value: value, context: &context) }
        write(0x14, 0)
        _ = redmule.read(offset: 0x04, size: 4, context: &context)
        let x: UInt32 = 0x1000_0000, w = x + UInt32(2 * m * n + 64), z = w + UInt32(2 * ((n + 3) & ~3) * k + 64)
        write(0x40, x); write(0x44, w); write(0x48, z)
        write(0x4C, UInt32(k) << 16 | UInt32(m)); write(0x50, UInt32(n))
        context.cycle = 2000
        write(0x54, 1 << 10 | (fp8 ? 0 : 1 << 7))
        context.cycle = 2003
        machine.now = 2003
        write(0x00, 0)
        XCTAssertNil(machine.control.end, "\(m)x\(n)x\(k): \(String(describing: machine.control.end))")
        return try Self.cyclesToCompletion(machine, redmule, trigger: 2003)
    }

    /// Fires the machine's events until RedMulE's first job completes (with contended banks the
    /// job runs on its cycle model in steps); the cycles from `trigger` to its completion.
    static func cyclesToCompletion(_ machine: Machine, _ redmule: RedMulE, trigger: UInt64) throws -> UInt64 {
        while redmule.jobsCompleted == 0 {
            let t = try XCTUnwrap(machine.events.nextTime)
            machine.now = t
            machine.scheduler.fireEvents(upTo: t)
        }
        XCTAssertEqual(redmule.lateCompletions, 0)
        return try XCTUnwrap(redmule.lastJobTiming).end - trigger
    }

    func testTriggerToEventCyclesMatchTheRTL() throws {
        for (m, n, k, expected) in Self.rtl {
            XCTAssertEqual(try measure(m: m, n: n, k: k), expected, "\(m)x\(n)x\(k)")
        }
    }

    /// One measured job of Tests/Vectors/redmule/rtl-cycles.csv or rtl-cycles-ops.csv (op: the
    /// ARITH operation, 1 = GEMM; cycles and requests nil: deadlock).
    struct Measured { let m: Int, n: Int, k: Int, fp8: Bool, op: Int, cycles: UInt64?, requests: Int? }

    static func loadMeasured(_ file: String = "rtl-cycles.csv") throws -> [Measured] {
        let url = Paths.root.appendingPathComponent("Tests/Vectors/redmule/" + file)
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        let header = lines.first.map(String.init) ?? ""
        let withOp = header.contains(",op,")
        return try lines.dropFirst().filter { !$0.isEmpty }.map { line in
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let base = withOp ? 1 : 0
            guard f.count == 6 + base, let m = Int(f[0]), let n = Int(f[1]), let k = Int(f[2]), f[3] == "FP16" || f[3] == "FP8",
                  let op = withOp ? Int(f[4]) : 1 else {
                throw NSError(domain: file, code: 1, userInfo: [NSLocalizedDescriptionKey: "bad line \(line)"])
            }
            return Measured(m: m, n: n, k: k, fp8: f[3] == "FP8", op: op, cycles: f[4 + base] == "deadlock" ? nil : UInt64(f[4 + base]),
                            requests: Int(f[5 + base]))
        }
    }

    /// Every measured job: for each one the RTL completes, pulpsim's trigger-to-event count (the
    /// job starts 32 cycles after TRIGGER here) and the TCDM requests of RedMulE's port are the
    /// RTL's exactly; pulpsim finds every deadlock of the RTL (and no other) at TRIGGER.
    func check(_ measured: [Measured]) -> (exact: Int, completed: Int, found: Int, deadlocks: Int) {
        var exact = 0, completed = 0, deadlocks = 0, found = 0
        for s in measured {
            let shape = RedMulEShape(m: s.m, n: s.n, k: s.k), matmul = s.op == 0
            let outcome = RedMulECycleModel.idle(RedMulETilerConfig(m: s.m, n: s.n, k: s.k, loadsY: !matmul))
            let diagnosis = RedMulE.deadlockDiagnosis(shape, matmul: matmul, outcome: outcome)
            let name = "\(s.m)x\(s.n)x\(s.k) op \(s.op)"
            if let rtl = s.cycles {
                completed += 1
                XCTAssertNil(diagnosis, "\(name) completes on the RTL")
                if case .completes(let cycles, let requests) = outcome, 32 + RedMulETiming.duration(modelCycles: cycles) == rtl,
                   requests == s.requests {
                    exact += 1
                } else {
                    XCTFail("\(name): RTL \(rtl) cycles, \(s.requests ?? -1) requests; pulpsim \(outcome)")
                }
            } else {
                deadlocks += 1
                if diagnosis != nil { found += 1 } else { XCTFail("\(name) deadlocks the RTL") }
            }
        }
        return (exact, completed, found, deadlocks)
    }

    func testEveryMeasuredShape() throws {
        let measured = try Self.loadMeasured()
        XCTAssertEqual(measured.count, 14511)
        let r = check(measured)
        print("RedMulE timing: \(r.exact) of \(r.completed) completed jobs exact, \(r.found) of \(r.deadlocks) deadlocks found")
        XCTAssertEqual(r.exact, 13708)
        XCTAssertEqual(r.found, 803)
    }

    /// MATMUL (no Y), the other GEMM-Ops, and jobs past the 16-bit counts of the streamer.
    func testEveryMeasuredOperation() throws {
        let measured = try Self.loadMeasured("rtl-cycles-ops.csv")
        XCTAssertEqual(measured.count, 1250)
        let r = check(measured)
        XCTAssertEqual(r.exact, r.completed)
        XCTAssertEqual(r.found, r.deadlocks)
        XCTAssertEqual(r.deadlocks, 15)
    }

    /// The RTL with some of RedMulE's requests refused (Tests/Vectors/redmule/rtl-refusals.csv):
    /// the same refusals (the harness's generator, stepped in each cycle with a request) give
    /// pulpsim's cycle model the RTL's count, its granted requests, and its deadlocks, exactly.
    func testRefusedRequestsAsOnTheRTL() throws {
        let url = Paths.root.appendingPathComponent("Tests/Vectors/redmule/rtl-refusals.csv")
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").dropFirst()
        XCTAssertEqual(lines.count, 1550)
        var exact = 0, deadlocks = 0
        for line in lines {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let m = try XCTUnwrap(Int(f[0])), n = try XCTUnwrap(Int(f[1])), k = try XCTUnwrap(Int(f[2]))
            let op = try XCTUnwrap(Int(f[4])), percent = try XCTUnwrap(UInt32(f[5]))
            var model = RedMulECycleModel(RedMulETilerConfig(m: m, n: n, k: k, loadsY: op != 0))
            var x: UInt32 = 12345, granted = 0
            func refused() -> Bool? {
                guard model.request() != nil else { return nil }
                x = x &* 1_664_525 &+ 1_013_904_223
                return (x >> 16) % 100 < percent
            }
            let limit = 3 * (4 * ((n + 3) & ~3) * ((m + 11) / 12) * ((k + 15) / 16) + 1000) + 5000
            while !model.finished && !model.stuck && model.cycle < limit {
                let r = refused()
                if r == false { granted += 1 }
                model.clock(granted: r != true)
            }
            var result = "deadlock", requests = ""
            if model.finished {
                if refused() == false { granted += 1 }  // (the cycle after FINISHED)
                result = "\(32 + RedMulETiming.duration(modelCycles: model.cycle))"
                requests = "\(granted)"
            } else {
                deadlocks += 1
            }
            if result == f[6] && requests == f[7] { exact += 1 } else { XCTFail("\(line): pulpsim \(result), \(requests) requests") }
        }
        XCTAssertEqual(exact, 1550)
        XCTAssertEqual(deadlocks, 59 + 69 + 71 + 45 + 88)
    }

    /// The diagnosis says what the stuck job waits for.
    func testDeadlockDiagnosisNamesTheStall() throws {
        let matmul = RedMulEShape(m: 24, n: 16, k: 16)
        let d = try XCTUnwrap(RedMulE.deadlockDiagnosis(matmul, matmul: true,
                                                        outcome: RedMulECycleModel.idle(RedMulETilerConfig(m: 24, n: 16, k: 16, loadsY: false))))
        XCTAssertTrue(d.contains("MATMUL with M > 12"), d)
        XCTAssertTrue(d.contains("after "), d)
        let n9 = RedMulEShape(m: 177, n: 9, k: 180)
        XCTAssertNotNil(RedMulE.deadlockDiagnosis(n9, matmul: false, outcome: RedMulECycleModel.idle(RedMulETilerConfig(m: 177, n: 9, k: 180))))
        XCTAssertNil(RedMulE.deadlockDiagnosis(RedMulEShape(m: 60, n: 9, k: 64), matmul: false,
                                               outcome: RedMulECycleModel.idle(RedMulETilerConfig(m: 60, n: 9, k: 64))))
    }

    /// A sample of the measured shapes through the register interface, FP8 among them (FP8 jobs
    /// take the cycles of FP16 ones on the RTL).
    func testMeasuredShapesThroughTheRegisters() throws {
        let measured = try Self.loadMeasured().filter { $0.cycles != nil }
        for (i, s) in measured.enumerated() where i % 97 == 0 || s.fp8 && i % 5 == 0 {
            XCTAssertEqual(try measure(m: s.m, n: s.n, k: s.k, fp8: s.fp8), s.cycles!, "\(s.m)x\(s.n)x\(s.k)")
        }
    }

    func testJobControlRegisters() throws {
        let (machine, redmule) = try makeMachine()
        var c = AccessContext(hart: 0, cycle: 0)
        func read(_ o: UInt32) -> UInt32 { redmule.read(offset: o, size: 4, context: &c)! }
        func write(_ o: UInt32, _ v: UInt32) { _ = redmule.write(offset: o, size: 4, value: v, context: &c) }
        XCTAssertEqual(read(0x00), 0xDEAD_BEEF)
        XCTAssertEqual(read(0x04), 0)                         // job id 0
        XCTAssertEqual(read(0x04), UInt32(bitPattern: -2))    // not committed yet
        write(0x40, 0x1000_0000); write(0x44, 0x1000_1000); write(0x48, 0x1000_2000)
        write(0x4C, 16 << 16 | 12); write(0x50, 16); write(0x54, 1 << 10 | 1 << 7)
        XCTAssertEqual(read(0x54), 1 << 10 | 1 << 7)          // job registers read back
        write(0x00, 0)
        XCTAssertEqual(read(0x0C), 1)                         // STATUS byte 0 busy
        XCTAssertEqual(read(0x10), 0)                         // RUNNING_JOB
        XCTAssertEqual(read(0x04), 1)                         // second context free: job id 1
        write(0x00, 1)                                        // commit without start
        XCTAssertEqual(read(0x08), 0)                         // nothing finished yet
        machine.fireEvents(upTo: .max)
        XCTAssertEqual(read(0x0C), 0)
        XCTAssertEqual(read(0x08), 1)                         // one job finished ...
        XCTAssertEqual(read(0x08), 0)                         // ... and the read cleared it
        XCTAssertEqual(read(0x90), 0)                         // ECC counters
        write(0x14, 0)                                        // SOFT_CLEAR 0: wipe
        XCTAssertEqual(read(0x54), 0)
        XCTAssertEqual(read(0x04), 0)                         // job ids restart
        XCTAssertEqual(machine.eventUnit!.buffer[0] & (1 << 12), 1 << 12, "completion raised event 12 on hart 0")
    }

    /// Programs a GEMM FP16 job (SOFT_CLEAR, ACQUIRE, registers, ARITH, TRIGGER) and returns the
    /// end of the run it caused, if any.
    func trigger(_ machine: Machine, _ redmule: RedMulE, x: UInt32, w: UInt32, z: UInt32, m: Int, n: Int, k: Int) -> EndReason? {
        var c = AccessContext(hart: 0, cycle: 0)
        func write(_ o: UInt32, _ v: UInt32) { _ = redmule.write(offset: o, size: 4, value: v, context: &c) }
        write(0x14, 0)
        _ = redmule.read(offset: 0x04, size: 4, context: &c)
        write(0x40, x); write(0x44, w); write(0x48, z)
        write(0x4C, UInt32(k) << 16 | UInt32(m)); write(0x50, UInt32(n)); write(0x54, 1 << 10 | 1 << 7)
        write(0x00, 0)
        return machine.control.end
    }

    func testZOverlappingXThroughTheOtherTCDMViewIsAnError() throws {
        let (machine, redmule) = try makeMachine()
        // X at the global address, Z at the cores' alias of the same bytes (+0x20).
        let end = trigger(machine, redmule, x: 0x1000_0000, w: 0x1000_4000, z: 0x0000_0020, m: 12, n: 16, k: 16)
        guard case .redmuleError(let message) = end else { return XCTFail("\(String(describing: end))") }
        XCTAssertTrue(message.contains("Z overlaps X or W"), message)
    }

    func testOperandsNearTheTopOfTheAddressSpaceAreAnErrorNotACrash() throws {
        // Z near 0xFFFF_FF00 with M mod 12 != 0: the padding rows would run past 2^32.
        for z: UInt32 in [0xFFFF_FF00, 0xFFFF_FFFE, 0xFFFF_FFFF] {
            let (machine, redmule) = try makeMachine()
            let end = trigger(machine, redmule, x: 0x1000_0000, w: 0x1000_4000, z: z, m: 13, n: 16, k: 16)
            guard case .redmuleError(let message) = end else { return XCTFail("\(String(describing: end))") }
            XCTAssertTrue(message.contains("lie outside TCDM"), message)
        }
        let (machine, redmule) = try makeMachine()
        let end = trigger(machine, redmule, x: 0xFFFF_FFF0, w: 0xFFFF_FFF8, z: 0x1000_0000, m: 65535, n: 65535, k: 16)
        guard case .redmuleError = end else { return XCTFail("\(String(describing: end))") }
    }
}
