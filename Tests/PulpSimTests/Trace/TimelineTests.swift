// `--timeline`: valid Chrome/Perfetto trace JSON with hart spans, RedMulE jobs and counters.

import Foundation
import PulpSim
import XCTest

final class TimelineTests: XCTestCase {
    func testTimelineOfARedMulEProgram() throws {
        let elf = Paths.firmware("pulp-cluster", "gdb-gemm")
        try requireFirmware(elf)
        let path = NSTemporaryDirectory() + "pulpsim-timeline-\(getpid()).json"
        let r = try runCLI(["run", "--timeline", path, elf])
        XCTAssertEqual(r.status, 0, r.stderr)
        let document = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
        let events = try XCTUnwrap(document["traceEvents"] as? [[String: Any]])
        let spans = events.filter { $0["ph"] as? String == "X" }
        for e in spans {
            XCTAssertNotNil(e["ts"] as? Int); XCTAssertNotNil(e["dur"] as? Int); XCTAssertNotNil(e["tid"] as? Int)
        }
        // Every hart runs; hart 0 sleeps on event 12 while RedMulE works; the others wait at the barrier.
        for hart in 0..<8 {
            XCTAssertTrue(spans.contains { $0["tid"] as? Int == hart && $0["name"] as? String == "running" }, "hart \(hart) running")
        }
        XCTAssertTrue(spans.contains { $0["tid"] as? Int == 0 && $0["name"] as? String == "event wait" })
        XCTAssertTrue(spans.contains { ($0["tid"] as? Int ?? 0) > 0 && $0["name"] as? String == "barrier" })
        let jobs = spans.filter { $0["tid"] as? Int == Timeline.redmuleTrack }
        XCTAssertEqual(jobs.count, 1)
        XCTAssertEqual(jobs.first?["name"] as? String, "job 0: GEMM Float16 12x16x16")
        // docs/platform.md §7.5: 4·16 + 58 + 16 + (12 − 13)
        XCTAssertEqual(jobs.first?["dur"] as? Int, 137)
        let counters = events.filter { $0["ph"] as? String == "C" }
        XCTAssertTrue(counters.contains { $0["name"] as? String == "instructions" })
        let tcdm = counters.filter { $0["name"] as? String == "TCDM accesses" }.last?["args"] as? [String: Any]
        XCTAssertGreaterThan(tcdm?["harts"] as? Int ?? 0, 0)
        XCTAssertGreaterThan(tcdm?["RedMulE"] as? Int ?? 0, 0)
        XCTAssertTrue(events.contains { $0["ph"] as? String == "M" && ($0["args"] as? [String: Any])?["name"] as? String == "RedMulE" })
    }

    /// The cycles cores lose to TCDM bank conflicts are a counter track, per bank (tcdm-banks:
    /// every conflict on bank 0, 3556 cycles in all; docs/platform.md §2).
    func testTimelineShowsBankConflicts() throws {
        let elf = Paths.firmware("pulp-cluster", "tcdm-banks")
        try requireFirmware(elf)
        let path = NSTemporaryDirectory() + "pulpsim-timeline-banks-\(getpid()).json"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try runCLI(["run", "--quiet", "--timeline", path, elf], exits: 0)
        let document = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
        let events = try XCTUnwrap(document["traceEvents"] as? [[String: Any]])
        let samples = events.filter { $0["ph"] as? String == "C" && $0["name"] as? String == "TCDM bank conflicts (cycles lost)" }
        XCTAssertGreaterThan(samples.count, 1)
        let last = try XCTUnwrap(samples.last?["args"] as? [String: Any])
        XCTAssertEqual(last["bank 0"] as? Int, 3556)
        XCTAssertEqual(last["bank 1"] as? Int, 0)
    }
}
