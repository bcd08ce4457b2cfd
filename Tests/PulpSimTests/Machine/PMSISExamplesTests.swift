// The PMSIS runtime's example programs (firmware/pmsis, firmware/pmsis/README.md): PMSIS
// application code (main on the fabric controller, a cluster task, team forks) checking its own
// results, the same sources built for the 8-hart cluster (`pulp-cluster`: core 0 plays the
// fabric controller) and for the chip (`pulp`: main on the fabric controller, hart 8).

import Foundation
import PulpSim
import XCTest

final class PMSISExamplesTests: XCTestCase {
    /// The platforms every PMSIS example is built for (firmware/pmsis/pmsis.mk).
    static let platforms = ["pulp-cluster", "pulp"]

    func run(_ name: String, on platform: String, _ extra: [String] = []) throws
        -> (status: Int32, stdout: String, stderr: String) {
        let path = Paths.firmware(platform, name)
        try requireFirmware(path)
        return try runCLI(["run", "--platform", platform] + extra + [path])
    }

    /// Examples that need neither the cluster DMA nor the CV32E40P event counters: the cluster,
    /// team, barrier, critical-section, allocator and task-stack test (with 4 KiB and 1.5 KiB
    /// start-up stacks), the DMA test on the runtime's software fallback, and the counter test
    /// restricted to mcycle and minstret.
    static let withoutDevices = ["pmsis-hello", "pmsis-hello-small-stacks", "pmsis-dma-software", "pmsis-perf-nohpm"]

    func testExamplesWithoutDMAOrCounters() throws {
        for platform in Self.platforms {
            for name in Self.withoutDevices {
                let r = try run(name, on: platform)
                XCTAssertEqual(r.status, 0, "\(platform) \(name): \(r.stdout.suffix(1500)) \(r.stderr.suffix(1500))")
                XCTAssertTrue(r.stdout.contains("PASS"), "\(platform) \(name): \(r.stdout.suffix(1500))")
            }
            // Any number of started cores: the team and the defaults follow.
            for harts in ["1", "2", "5"] {
                let r = try run("pmsis-hello", on: platform, ["--harts", harts])
                XCTAssertEqual(r.status, 0, "\(platform) pmsis-hello on \(harts) harts: \(r.stdout.suffix(1500))")
            }
        }
    }

    /// Who runs main and who takes part in the fork over all cores: on pulp-cluster main runs on
    /// core 0 (hart 0), on pulp on the fabric controller (hart 8); the fork runs on every
    /// cluster core 0..7 on both.
    func testHelloRolesOnBothPlatforms() throws {
        for (platform, mainHart) in [("pulp-cluster", 0), ("pulp", 8)] {
            let hello = try run("pmsis-hello", on: platform, ["--stdout-prefix"])
            XCTAssertEqual(hello.status, 0, "\(platform): \(hello.stderr)")
            let lines = hello.stdout.split(separator: "\n").map(String.init)
            let greetings = lines.filter { $0.contains("Hello from the PMSIS runtime") }
            // Printed once (a program linked without --wrap=main would run main on every
            // core), by the hart that runs main.
            XCTAssertEqual(greetings, ["[hart \(mainHart)] Hello from the PMSIS runtime on \(platform)"],
                           "\(platform): \(hello.stdout)")
            XCTAssertTrue(lines.contains("[hart \(mainHart)] PMSIS hello: PASS"), "\(platform): \(hello.stdout)")
            // The cluster task runs on cluster core 0 on both platforms.
            XCTAssertTrue(lines.contains("[hart 0] cluster task on core 0, 8 cores"), "\(platform): \(hello.stdout)")
            for core in 0..<8 {
                XCTAssertTrue(lines.contains("[hart \(core)] core \(core) of 8 in the team"),
                              "\(platform), core \(core): \(hello.stdout)")
            }
            XCTAssertFalse(hello.stdout.contains("[hart 8] core"), "\(platform): \(hello.stdout)")
        }
    }

    /// On pulp the fabric controller sleeps while the cluster runs a task (fc_wait_line: wfi on
    /// FC line 1) and cluster core 0 ends the run waiting for the next task on SW event 6.
    func testFabricControllerSleepsDuringTasks() throws {
        let (result, _) = try runELF(Paths.firmware("pulp", "pmsis-dma-software"), platform: .pulp,
                                     maxInstructions: nil)
        XCTAssertEqual(result.firmwareExitCode, 0, "\(result.reason) \(result.output.suffix(1500))")
        let fc = result.harts[8], core0 = result.harts[0]
        XCTAssertEqual(fc.mhartid, 0x3E0)
        XCTAssertGreaterThan(core0.instructions, 1_000_000)
        XCTAssertLessThan(fc.instructions * 100, fc.cycles, "the FC spun: \(fc)")
        XCTAssertTrue(core0.state.contains("event mask 0x00000040"), core0.state)
    }

    /// Examples that need the cluster DMA (docs/platform.md §11: pmsis-dma, pmsis-dma-split,
    /// pmsis-gemm-dma, pmsis-gemm-redmule) or the CV32E40P event counters (§13: pmsis-perf).
    static let withDevices = ["pmsis-dma", "pmsis-dma-split", "pmsis-gemm-dma", "pmsis-gemm-redmule", "pmsis-perf"]

    func testExamplesWithDMAAndCounters() throws {
        for platform in Self.platforms {
            for name in Self.withDevices {
                let r = try run(name, on: platform, ["--stats"])
                XCTAssertEqual(r.status, 0, "\(platform) \(name): \(r.stdout.suffix(1500)) \(r.stderr.suffix(1500))")
                XCTAssertTrue(r.stdout.contains("PASS"), "\(platform) \(name): \(r.stdout.suffix(1500))")
            }
        }
    }
}
