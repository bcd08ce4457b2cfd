// The DMA firmware of firmware/dma/ on the 8-hart cluster (docs/platform.md §11): random
// transfers checked by the firmware itself, for MCHAN and iDMA; the powers-of-two test and the
// cycles it measures; the deliberate deadlock and its report; one program per diagnostic, with
// and without --dma-errors=warn; determinism, statistics, the timeline and the trace.

import Foundation
import PulpSim
import XCTest

final class DMAFirmwareTests: XCTestCase {
    func run(_ name: String, _ extra: [String] = []) throws -> (status: Int32, stdout: String, stderr: String) {
        let path = Paths.firmware("pulp-cluster", name)
        try requireFirmware(path)
        return try runCLI(["run"] + extra + [path])
    }

    func json(_ text: String) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    func testRandomTransfersOnEightCoresCheckedByTheFirmware() throws {
        for (name, extra) in [("dma-random", [String]()), ("dma-random-idma", ["--dma", "idma"])] {
            let r = try run(name, extra + ["--json"])
            XCTAssertEqual(r.status, 0, "\(name): \(r.stderr.suffix(3000))")
            XCTAssertTrue(r.stderr.contains(" 0 mismatching bytes"), r.stderr)
            let dma = try XCTUnwrap(try json(r.stdout)["dma"] as? [String: Any])
            XCTAssertEqual(dma["front_end"] as? String, extra.isEmpty ? "mchan" : "idma")
            XCTAssertGreaterThanOrEqual(dma["transfers"] as? Int ?? 0, 110, name)
            XCTAssertGreaterThan(dma["bytes_to_tcdm"] as? Int ?? 0, 100_000, name)
            XCTAssertGreaterThan(dma["bytes_from_tcdm"] as? Int ?? 0, 100_000, name)
            XCTAssertGreaterThan(dma["busy_cycles"] as? Int ?? 0, 16_384, name)
            XCTAssertEqual(dma["errors"] as? Int, 0, name)
            XCTAssertEqual(dma["warnings"] as? Int, 0, "\(name): \(dma["diagnostics"] ?? "")")
        }
    }

    /// Each doubling of the size adds size / 8 cycles (one 64-bit beat per cycle) once the
    /// transfer is longer than the fixed costs: the firmware's own cycle counts show it.
    func testThePowersOfTwoMoveAtEightBytesPerCycle() throws {
        for (name, extra) in [("dma-basic", [String]()), ("dma-basic-idma", ["--dma", "idma"])] {
            let r = try run(name, extra)
            XCTAssertEqual(r.status, 0, "\(name): \(r.stdout) \(r.stderr.suffix(2000))")
            var cycles: [Int: (out: Int, in: Int)] = [:]
            for line in r.stdout.split(separator: "\n") where line.contains(" B: TCDM->L2") {
                let numbers = line.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
                // "size B: TCDM->L2 out cycles, L2->TCDM in cycles" (the 2s of "L2" included).
                XCTAssertEqual(numbers.count, 5, String(line))
                cycles[numbers[0]] = (numbers[2], numbers[4])
            }
            XCTAssertEqual(cycles.count, 14, r.stdout)
            for size in [1024, 2048, 4096] {
                let a = try XCTUnwrap(cycles[size]), b = try XCTUnwrap(cycles[2 * size])
                XCTAssertEqual(b.out - a.out, size / 8, "\(name) out, \(size) -> \(2 * size)")
                XCTAssertEqual(b.in - a.in, size / 8, "\(name) in, \(size) -> \(2 * size)")
            }
            // Below a beat, the cost is the fixed one: command, L2 latency, one beat.
            XCTAssertEqual(cycles[1]?.in, cycles[8]?.in, r.stdout)
        }
    }

    func testTheDeadlockReportSaysWhatTheDMADid() throws {
        let r = try run("dma-deadlock", ["--history", "0"])
        XCTAssertEqual(r.status, 121, r.stderr)
        XCTAssertTrue(r.stderr.contains("hart 0 at"), r.stderr)
        XCTAssertTrue(r.stderr.contains("DMA: no transfer in flight raises event 8 or 9 on core 0"), r.stderr)
        XCTAssertTrue(r.stderr.contains("raised no event (command bits 20-21 clear)"), r.stderr)
        let j = try json(try run("dma-deadlock", ["--json", "--history", "0"]).stdout)
        let sleeping = try XCTUnwrap(j["sleeping"] as? [[String: Any]])
        XCTAssertTrue((sleeping.first?["waiting_on"] as? String ?? "").contains("DMA: no transfer in flight"))
    }

    func testEachDiagnosticStopsTheRunOrUnderWarnLetsItGoOn() throws {
        let expected = [
            "length0": "length 0 (the RTL programs length − 1 and moves 131072 bytes)",
            "outside-tcdm": "TCDM side: bytes 0x1c",
            "17th-id": "CMD read for a 17th transfer id while all 16 are allocated",
            "interrupted": "a read of STATUS on the DMA queue of core 0 after 1 of the 3 words of a command",
        ]
        for (diag, fragment) in expected {
            let r = try run("dma-diag-\(diag)", ["--history", "0"])
            XCTAssertEqual(r.status, 125, "\(diag): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("pulpsim: DMA error: hart 0 at pc 0x"), r.stderr)
            XCTAssertTrue(r.stderr.contains(fragment), "\(diag): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("MCHAN v7: ids allocated"), "the report shows the DMA's state: \(r.stderr)")
            let w = try run("dma-diag-\(diag)", ["--dma-errors=warn", "--json"])
            XCTAssertEqual(w.status, 0, "\(diag) --dma-errors=warn: \(w.stderr)")
            let dma = try XCTUnwrap(try json(w.stdout)["dma"] as? [String: Any])
            XCTAssertEqual(dma["errors"] as? Int, 1, diag)
            XCTAssertTrue((dma["diagnostics"] as? [String] ?? []).contains { $0.contains(fragment) }, diag)
            let json = try self.json(try run("dma-diag-\(diag)", ["--json", "--history", "0"]).stdout)
            XCTAssertEqual(json["reason"] as? String, "dma-error")
            XCTAssertEqual(json["exit_status"] as? Int, 125)
        }
        // Without --json, a diagnostic that does not stop the run is printed as it happens.
        let w = try run("dma-diag-length0", ["--dma-errors=warn"])
        XCTAssertTrue(w.stderr.contains("pulpsim: DMA error: hart 0"), w.stderr)
    }

    func testRunsAreDeterministicAndShowInStatsTimelineAndTrace() throws {
        let a = try run("dma-random", ["--json"]), b = try run("dma-random", ["--json"])
        let ja = try json(a.stdout), jb = try json(b.stdout)
        XCTAssertEqual(ja["cycles"] as? Int, jb["cycles"] as? Int)
        XCTAssertEqual(ja["instructions"] as? Int, jb["instructions"] as? Int)
        XCTAssertEqual((ja["dma"] as? [String: Any])?["busy_cycles"] as? Int, (jb["dma"] as? [String: Any])?["busy_cycles"] as? Int)
        XCTAssertEqual(a.stderr, b.stderr)

        let stats = try run("dma-basic", ["--stats"])
        XCTAssertTrue(stats.stderr.contains("DMA (mchan): 28 transfers, 32766 bytes (16383 into TCDM, 16383 out of TCDM, 0 other)"),
                      stats.stderr)

        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pulpsim-dma-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let timeline = dir.appendingPathComponent("t.json").path, trace = dir.appendingPathComponent("t.log").path
        XCTAssertEqual(try run("dma-basic", ["--timeline", timeline, "--trace-file", trace, "--trace-format", "pulpsim"]).status, 0)
        let document = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: timeline))) as? [String: Any])
        let events = try XCTUnwrap(document["traceEvents"] as? [[String: Any]])
        let track = try XCTUnwrap(events.first { ($0["args"] as? [String: Any])?["name"] as? String == "DMA queue of core 0" }?["tid"] as? Int)
        let spans = events.filter { $0["ph"] as? String == "X" && $0["tid"] as? Int == track }
        XCTAssertEqual(spans.count, 28)
        XCTAssertEqual(spans.first?["cat"] as? String, "dma")
        let counters = events.filter { $0["name"] as? String == "TCDM accesses" }.last?["args"] as? [String: Any]
        XCTAssertEqual(counters?["DMA"] as? Int, (1...8192).filter { $0.nonzeroBitCount == 1 }.map { 2 * (($0 + 3) / 4) }.reduce(0, +))
        let log = try String(contentsOfFile: trace, encoding: .utf8)
        XCTAssertTrue(log.contains("dma: DMA queue of core 0: CMD read -> transfer id 0"), String(log.prefix(500)))
        XCTAssertTrue(log.contains("dma: DMA queue of core 0 id 0: TCDM 0x10000000 -> ext 0x1c"), String(log.prefix(500)))
        XCTAssertTrue(log.contains("done (8192 B); event 8 to cores 0x01"))
    }

    func testDMAOptionsOutOfTheirChoicesAreUsageErrors() throws {
        let path = Paths.firmware("pulp-cluster", "dma-basic")
        try requireFirmware(path)
        let a = try runCLI(["run", "--dma", "mchan7", path], exits: 64)
        XCTAssertTrue(a.stderr.contains("mchan") && a.stderr.contains("idma"), a.stderr)
        let b = try runCLI(["run", "--dma-errors", "ignore", path], exits: 64)
        XCTAssertTrue(b.stderr.contains("warn"), b.stderr)
        let map = try runCLI(["memory-map", "--dma", "idma"], exits: 0)
        XCTAssertTrue(map.stdout.contains("0x10204400-0x102047ff  DMA                     iDMA reg32_3d, this core's register port; event 8"),
                      map.stdout)
    }
}
