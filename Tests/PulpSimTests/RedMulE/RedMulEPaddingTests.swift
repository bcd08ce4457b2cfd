// RedMulE's Z padding rows watched until read (RedMulE/RedMulEPadding.swift): stored bytes are
// watched, a write ends the watch of the bytes it covers, the first read of a watched byte is
// reported once per job, views of the TCDM fall together, and the interpreter is told the span.

@testable import PulpSim
import XCTest

final class RedMulEPaddingTests: XCTestCase {
    func testStoredBytesAreReportedOnceWhenReadUnlessWrittenFirst() {
        let p = RedMulEPadding()
        var spans: [(UInt32, UInt32)] = []
        p.onChange = { spans.append(($0, $1)) }
        // Job 1 stores rows at 0x1000_0100..<0x1000_0140 in two chunks of 32 bytes.
        p.stored(job: 1, summary: "job 1", region: 0x1000_0100, regionCount: 64, address: 0x1000_0100, count: 32, cycle: 10)
        p.stored(job: 1, summary: "job 1", region: 0x1000_0100, regionCount: 64, address: 0x1000_0120, count: 32, cycle: 12)
        XCTAssertTrue(p.active)
        XCTAssertEqual(spans.last?.0, 0x0000_0100)
        XCTAssertEqual(spans.last?.1, 64)
        // Reads around it see nothing; a write covers the first word.
        XCTAssertNil(p.read(0x1000_00FC, count: 4))
        XCTAssertNil(p.read(0x1000_0140, count: 4))
        p.wrote(0x1000_0100, count: 4)
        XCTAssertNil(p.read(0x1000_0100, count: 4))
        // A half-word read that reaches one watched byte, through the cores' alias at 0: reported
        // with that byte's address in the reader's view, once.
        let hit = p.read(0x0000_0103, count: 2)
        XCTAssertEqual(hit?.address, 0x0000_0104)
        XCTAssertEqual(hit?.region.summary, "job 1")
        XCTAssertEqual(hit?.region.cycle, 10)
        XCTAssertFalse(p.active)
        XCTAssertNil(p.read(0x1000_0110, count: 4))
        XCTAssertEqual(spans.last?.1, 0)
    }

    func testWritingEveryByteEndsTheWatch() {
        let p = RedMulEPadding()
        p.stored(job: 2, summary: "job 2", region: 0x1000_0200, regionCount: 8, address: 0x1000_0200, count: 8, cycle: 5)
        p.stored(job: 3, summary: "job 3", region: 0x1000_0400, regionCount: 8, address: 0x1000_0400, count: 8, cycle: 6)
        p.wrote(0x1000_0200, count: 4)
        XCTAssertEqual(p.regions.count, 2)
        p.wrote(0x1000_0204, count: 4)
        XCTAssertEqual(p.regions.map(\.job), [3])
        XCTAssertEqual(p.read(0x1000_03FE, count: 4)?.region.job, 3)
        XCTAssertFalse(p.active)
    }

    func testTheOldestJobsWatchEndsPastTheLimit() {
        let p = RedMulEPadding()
        for job in 0...UInt32(RedMulEPadding.regionLimit) {
            let start = 0x1000_0000 + job * 64
            p.stored(job: UInt64(job), summary: "job \(job)", region: start, regionCount: 32, address: start, count: 32, cycle: UInt64(job))
        }
        XCTAssertEqual(p.regions.count, RedMulEPadding.regionLimit)
        XCTAssertNil(p.read(0x1000_0000, count: 4))
        XCTAssertEqual(p.read(0x1000_0040, count: 4)?.region.job, 1)
    }

    /// Found by the devices fuzzer: two jobs with the same RTL id whose padding rows start at the
    /// same address, the second's larger (another M and K), trapped on a backwards range.
    func testJobsWithTheSameIdAndPaddingStartAreWatchedApart() {
        let p = RedMulEPadding()
        p.stored(job: 1, summary: "job 0 (M = 20)", region: 0x1000_0280, regionCount: 64, address: 0x1000_0280, count: 32, cycle: 1)
        p.stored(job: 2, summary: "job 0 (M = 10)", region: 0x1000_0280, regionCount: 128, address: 0x1000_02E4, count: 28, cycle: 2)
        XCTAssertEqual(p.regions.count, 2)
        XCTAssertEqual(p.read(0x1000_02F0, count: 4)?.region.summary, "job 0 (M = 10)")
        // A chunk reported outside its region stores nothing (and does not trap).
        p.stored(job: 3, summary: "job 0", region: 0x1000_0400, regionCount: 32, address: 0x1000_0300, count: 32, cycle: 3)
        XCTAssertNil(p.read(0x1000_0300, count: 32))
        XCTAssertEqual(p.regions.map(\.job), [1], "job 2's region ended with its read; job 3 stored nothing")
    }
}
