// The PMSIS runtime's example programs (firmware/pmsis, firmware/pmsis/README.md) on the 8-hart
// cluster: PMSIS application code (main on core 0 as the fabric controller, a cluster task,
// team forks) checking its own results.

import Foundation
import PulpSim
import XCTest

final class PMSISExamplesTests: XCTestCase {
    func run(_ name: String, _ extra: [String] = []) throws -> (status: Int32, stdout: String, stderr: String) {
        let path = Paths.firmware("pulp-cluster", name)
        try requireFirmware(path)
        return try runCLI(["run"] + extra + [path])
    }

    /// Examples that need neither the cluster DMA nor the CV32E40P event counters: the cluster,
    /// team, barrier, critical-section, allocator and task-stack test (with 4 KiB and 1.5 KiB
    /// start-up stacks), the DMA test on the runtime's software fallback, and the counter test
    /// restricted to mcycle and minstret.
    static let withoutDevices = ["pmsis-hello", "pmsis-hello-small-stacks", "pmsis-dma-software", "pmsis-perf-nohpm"]

    func testExamplesWithoutDMAOrCounters() throws {
        for name in Self.withoutDevices {
            let r = try run(name)
            XCTAssertEqual(r.status, 0, "\(name): \(r.stdout.suffix(1500)) \(r.stderr.suffix(1500))")
            XCTAssertTrue(r.stdout.contains("PASS"), "\(name): \(r.stdout.suffix(1500))")
        }
        // Any number of started cores: the team and the defaults follow.
        for harts in ["1", "2", "5"] {
            let r = try run("pmsis-hello", ["--harts", harts])
            XCTAssertEqual(r.status, 0, "pmsis-hello on \(harts) harts: \(r.stdout.suffix(1500))")
        }
        // main on core 0 alone; the fork over all cores ran on every core.
        let hello = try run("pmsis-hello", ["--stdout-prefix"])
        XCTAssertEqual(hello.status, 0, hello.stderr)
        XCTAssertTrue(hello.stdout.contains("[hart 0] Hello from the PMSIS runtime"), hello.stdout)
        for hart in 0..<8 {
            XCTAssertTrue(hello.stdout.contains("[hart \(hart)] core \(hart) of 8 in the team"), hello.stdout)
        }
        // A program linked without --wrap=main would run main on every core: hello's main
        // prints once.
        XCTAssertEqual(hello.stdout.components(separatedBy: "Hello from the PMSIS runtime").count, 2, hello.stdout)
    }

    /// Examples that need the cluster DMA (docs/platform.md §11: pmsis-dma, pmsis-dma-split,
    /// pmsis-gemm-dma, pmsis-gemm-redmule) or the CV32E40P event counters (§13: pmsis-perf).
    static let withDevices = ["pmsis-dma", "pmsis-dma-split", "pmsis-gemm-dma", "pmsis-gemm-redmule", "pmsis-perf"]

    func testExamplesWithDMAAndCounters() throws {
        for name in Self.withDevices {
            let r = try run(name, ["--stats"])
            XCTAssertEqual(r.status, 0, "\(name): \(r.stdout.suffix(1500)) \(r.stderr.suffix(1500))")
            XCTAssertTrue(r.stdout.contains("PASS"), "\(name): \(r.stdout.suffix(1500))")
        }
    }
}
