// The energy and utilisation report (`--energy`, Energy/EnergyModel.swift, docs/energy.md):
// the paper's figures from the calibration job run through the registers, the counts it is made
// of against the run's own instruction and cycle counts and hand-computed figures, and what the
// command line and the timeline show.

import Foundation
import XCTest
@testable import PulpSim

final class EnergyTests: XCTestCase {
    func report(_ result: RunResult, _ point: OperatingPoint) throws -> EnergyReport {
        try XCTUnwrap(result.energy?.first { $0.point == point })
    }

    /// The RedMulE paper (FGCS 2023): an FP16 GEMM of 96×96×96 uses 99.4 % of the 48 FMAs,
    /// gives 58.5 GFLOPS at 613 MHz and 755 GFLOPS/W at 470 MHz, 0.65 V. Within 2 %.
    func testTheGEMMOfThePaperGivesItsFigures() throws {
        let (result, _) = try runELF(Paths.firmware("pulp-cluster", "redmule-timing"), platform: .pulpCluster) { $0.energy = true }
        XCTAssertEqual(result.exitStatus, 0)
        let efficient = try report(result, .efficiency), fast = try report(result, .performance)
        let jobs = efficient.jobs.filter { $0.job.shape == EnergyModel.referenceShape }
        XCTAssertEqual(jobs.count, 2)  // (once waited for by its event, once polled)
        for (i, e) in jobs.enumerated() {
            let job = e.job
            XCTAssertEqual(job.operation, .gemm)
            XCTAssertEqual(job.format, .float16)
            // The calibration's reference is this job as the cycle model runs it.
            XCTAssertEqual(job.cycles, EnergyModel.referenceCycles)
            XCTAssertEqual(job.tcdmAccesses, EnergyModel.referenceRequests)
            XCTAssertEqual(job.fmas, 96 * 96 * 96)
            XCTAssertEqual(job.utilisation, 0.994, accuracy: 0.994 * 0.02)
            let f = fast.jobs.filter { $0.job.shape == EnergyModel.referenceShape }[i]
            XCTAssertEqual(f.gflops, 58.5, accuracy: 58.5 * 0.02)
            XCTAssertEqual(e.gflopsPerWatt, 755, accuracy: 755 * 0.02)
            // Hand-computed: 2 × 884,736 FLOPs in 18537 cycles at 613 MHz.
            XCTAssertEqual(f.gflops, 2 * 884_736 / (18537 / 613e6) / 1e9, accuracy: 1e-9)
        }
        // Smaller jobs use the array less and cost more per FLOP (the cluster around them).
        let small = try XCTUnwrap(efficient.jobs.first { $0.job.shape == RedMulEShape(m: 12, n: 16, k: 16) })
        XCTAssertLessThan(small.job.utilisation, 0.5)
        XCTAssertLessThan(small.gflopsPerWatt, 700)
    }

    /// Each calibration figure is what the model gives its class of job at 0.65 V.
    func testEveryCalibrationIsMet() {
        let m = EnergyModel.standard
        for (c, figure) in EnergyModel.calibrations {
            let job = RedMulEJobRecord(id: 0, hart: 0, operation: c.gemmOps ? .addMax : .gemm, format: c.fp8 ? .float8 : .float16,
                                       shape: EnergyModel.referenceShape, computed: true, triggered: 100, start: 130,
                                       end: 100 + EnergyModel.referenceCycles, tcdmAccesses: EnergyModel.referenceRequests)
            let e = JobEnergy(job: job, picojoules: m.jobEnergy(job, cores: 8, at: .efficiency), point: .efficiency)
            XCTAssertEqual(e.gflopsPerWatt * 1e9, figure.flopsPerWatt, accuracy: figure.flopsPerWatt * 1e-9, c.name)
            XCTAssertGreaterThan(m.redmuleStep[c]!, 0, c.name)
        }
        // FP8 costs less per step than FP16, GEMM-Ops less than GEMM (as the figures say).
        XCTAssertLessThan(m.redmuleStep[.init(gemmOps: false, fp8: true)]!, m.redmuleStep[.init(gemmOps: false, fp8: false)]!)
        XCTAssertLessThan(m.redmuleStep[.init(gemmOps: true, fp8: false)]!, m.redmuleStep[.init(gemmOps: false, fp8: false)]!)
    }

    /// A hart's report from hand-picked counts, priced by hand.
    func testAHartIsPricedByItsCounts() throws {
        var a = HartActivity()
        a.other = 10; a.multiplyDivide = 2; a.floatFused = 3; a.floatArithmetic = 4; a.jumps = 1; a.branches = 5
        a.loadsAndStores = 6; a.tcdmLoads = 4; a.tcdmStores = 1; a.externalLoads = 2; a.externalStores = 0
        a.stallCycles = 7; a.sleepCycles = 100
        let m = EnergyModel.standard
        let e = m.hartEnergy(a)
        let expected = 10 * 5.73 + 2 * 5.73 * 1.4 + 3 * 5.73 * 2.5 + 4 * 5.73 * 2.0 + 6 * 5.73 + 6 * 5.73 * 1.1
            + 7 * 5.73 * 0.5 + 100 * 0.3 + 5 * 1.5 + 2 * 6.0
        XCTAssertEqual(e.total, expected, accuracy: 1e-9)
        XCTAssertEqual(a.flops, 10)
        XCTAssertEqual(a.instructions, 31)
        // At 0.8 V every figure is (0.8 / 0.65)² times larger.
        let result = RunResult(reason: .exited(code: 0, mechanism: .htif),
                               harts: [HartSummary(hart: 0, mhartid: 0, instructions: 31, cycles: 138, pc: 0, state: "ended",
                                                   activity: a)],
                               wallSeconds: 0, output: "")
        let low = try XCTUnwrap(m.report(result, at: .efficiency)), high = try XCTUnwrap(m.report(result, at: .performance))
        XCTAssertEqual(low.total, expected + 138 * 12.8, accuracy: 1e-9)
        XCTAssertEqual(high.total / low.total, (0.8 / 0.65) * (0.8 / 0.65), accuracy: 1e-12)
        XCTAssertEqual(low.seconds, 138 / 470e6, accuracy: 1e-18)
        XCTAssertEqual(low.gflopsPerWatt, 10 / (low.total * 1e-12) / 1e9, accuracy: 1e-9)
    }

    /// The classes add up to the instructions each hart retired, and instructions, stalls and
    /// sleep to its cycles; the FP32 GEMM's fused multiply-adds are exactly 64³.
    func testActivityAddsUpToTheRun() throws {
        let (result, _) = try runELF(Paths.firmware("pulp-cluster", "redmule-energy-sw"), platform: .pulpCluster) { $0.energy = true }
        XCTAssertEqual(result.exitStatus, 0)
        var fused: UInt64 = 0
        for h in result.harts {
            let a = try XCTUnwrap(h.activity)
            XCTAssertEqual(a.instructions, h.instructions, "hart \(h.hart)")
            XCTAssertEqual(h.instructions + a.stallCycles + a.sleepCycles, h.cycles, "hart \(h.hart)")
            fused += a.floatFused
        }
        XCTAssertEqual(fused, 64 * 64 * 64)
        let r = try report(result, .efficiency)
        XCTAssertEqual(r.flops, 2 * 64 * 64 * 64)
        XCTAssertNil(result.redmule?.completedJobs.first)
    }

    /// RedMulE against FP32 software on 8 cores, the same GEMM: far less energy (docs/energy.md).
    func testRedMulECostsLessThanSoftware() throws {
        let (sw, _) = try runELF(Paths.firmware("pulp-cluster", "redmule-energy-sw"), platform: .pulpCluster) { $0.energy = true }
        let (hw, _) = try runELF(Paths.firmware("pulp-cluster", "redmule-energy-redmule"), platform: .pulpCluster) { $0.energy = true }
        let s = try report(sw, .efficiency), h = try report(hw, .efficiency)
        XCTAssertEqual(s.flops, h.flops)
        XCTAssertGreaterThan(s.total, 5 * h.total)
        let job = try XCTUnwrap(h.jobs.first)
        XCTAssertGreaterThan(job.gflopsPerWatt, 20 * s.gflopsPerWatt)
    }

    /// `--energy` on the command line, in `--json`, and as power counters on the timeline.
    func testCommandLineJSONAndTimeline() throws {
        let elf = Paths.firmware("pulp-cluster", "redmule-energy-redmule")
        try requireFirmware(elf)
        let text = try runCLI(["run", "--energy", "--quiet", elf], exits: 0)
        XCTAssertTrue(text.stderr.contains("470 MHz 0.65 V"), text.stderr)
        XCTAssertTrue(text.stderr.contains("GFLOPS/W"), text.stderr)
        XCTAssertTrue(text.stderr.contains("job 0 GEMM Float16 64x64x64"), text.stderr)
        let timeline = FileManager.default.temporaryDirectory.appendingPathComponent("energy-\(getpid()).json").path
        defer { try? FileManager.default.removeItem(atPath: timeline) }
        let json = try runCLI(["run", "--energy", "--json", "--timeline", timeline, elf], exits: 0)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let energy = try XCTUnwrap(object["energy"] as? [String: Any])
        let points = try XCTUnwrap(energy["operating_points"] as? [[String: Any]])
        XCTAssertEqual(points.map { $0["megahertz"] as? Double }, [470, 613])
        let jobs = try XCTUnwrap(points[0]["redmule_jobs"] as? [[String: Any]])
        XCTAssertEqual(jobs.count, 1)
        XCTAssertEqual(jobs[0]["fmas"] as? Int, 64 * 64 * 64)
        let harts = try XCTUnwrap(object["harts"] as? [[String: Any]])
        XCTAssertNotNil(harts[0]["activity"])
        let events = try String(contentsOfFile: timeline, encoding: .utf8)
        XCTAssertTrue(events.contains("\"power (mW at 470 MHz, 0.65 V)\""))
        // While the job runs, RedMulE draws most of the power: its counter is set at the job's
        // start and cleared at its end.
        let counter = #""RedMulE power \(mW at 470 MHz, 0.65 V\)","ph":"C","pid":0,"ts":[0-9]+,"args":\{"RedMulE":[1-9][0-9]\."#
        XCTAssertNotNil(events.range(of: counter, options: .regularExpression), events)
        // Without --energy there is no report (and no counting).
        let plain = try runCLI(["run", "--json", elf], exits: 0)
        XCTAssertFalse(plain.stdout.contains("\"energy\""))
    }
}
