// The merged trace stream against an independent construction from per-hart traces, and the
// decimal formatting of trace numbers against Swift's own.

import Foundation
@testable import PulpSim
import XCTest

final class TraceMergeTests: XCTestCase {
    /// One stream merged in simulated time is exactly the per-hart traces of the same run put in
    /// (cycle, hart) order, each hart's lines keeping their own order: programs whose harts run
    /// in lockstep (many lines per cycle), one hart alone for long stretches (flushes spanning
    /// tens of thousands of cycles), odd quanta and a RedMulE job beside busy harts.
    func testMergedStreamIsTheStablePerHartSort() throws {
        // (program, options, exit status: 123 where the instruction limit ends the run)
        let cases: [(String, [String], Int32)] = [
            ("bench-cluster", ["--max-instructions", "400000"], 123),
            ("bench-cluster", ["--max-instructions", "200000", "--quantum", "7"], 123),
            ("bench-cluster-solo", ["--max-instructions", "300000"], 123),
            ("interleave", [], 0),
            ("redmule-gemm-concurrent", ["--max-instructions", "300000", "--quantum", "1000"], 123),
        ]
        for (name, extra, status) in cases {
            let elf = Paths.firmware("pulp-cluster", name)
            try requireFirmware(elf)
            let dir = NSTemporaryDirectory() + "pulpsim-merge-\(getpid())-\(name)"
            try? FileManager.default.removeItem(atPath: dir)
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let common = ["run", "--quiet", "--history", "0", "--trace-format", "pulpsim", "--no-trace-events"] + extra
            try runCLI(common + ["--trace-file", dir + "/merged.log", elf], exits: status)
            try runCLI(common + ["--trace-file", dir + "/hart-%h.log", "--trace-per-hart", elf], exits: status)

            var expected: [(cycle: UInt64, hart: Int, index: Int, line: Substring)] = []
            for hart in 0..<8 {
                let text = try String(contentsOfFile: dir + "/hart-\(hart).log", encoding: .utf8)
                for (index, line) in text.split(separator: "\n").enumerated() {
                    let cycle = try XCTUnwrap(UInt64(line.prefix { $0 != " " }), "\(name): \(line)")
                    expected.append((cycle, hart, index, line))
                }
            }
            expected.sort { ($0.cycle, $0.hart, $0.index) < ($1.cycle, $1.hart, $1.index) }
            let got = try String(contentsOfFile: dir + "/merged.log", encoding: .utf8).split(separator: "\n")
            XCTAssertGreaterThan(got.count, 1000, name)
            XCTAssertEqual(got.count, expected.count, name)
            let firstDifference = got.indices.first { $0 < expected.count && got[$0] != expected[$0].line }
            XCTAssertNil(firstDifference, "\(name) \(extra): merged line \(firstDifference ?? 0) differs: "
                         + "\(firstDifference.map { String(got[$0]) } ?? "") vs \(firstDifference.map { String(expected[$0].line) } ?? "")")
            let harts = Set(expected.map(\.hart))
            XCTAssertGreaterThan(harts.count, 1, "\(name): more than one hart traced")
        }
    }

    /// With device events (sleeps, wakes, barriers, RedMulE register writes, triggers and job
    /// ends) every line of the merged stream, event or instruction, is in cycle order: an event
    /// is stamped with the time it happens, not with the time of the hart it concerns, and no
    /// line is written before a pending event's. Checked by awk over the whole trace.
    func testEventsAreInTimeOrder() throws {
        let check = """
            /^# cycle / { c = $3 + 0; events++; if ($0 ~ /event-unit: wake/) wakes++; if ($0 ~ /redmule: job .* done/) jobs++ }
            /^[0-9]+ core/ { c = $1 + 0 }
            /^# cycle |^[0-9]+ core/ { if (c < last) { print "line " NR " at cycle " c " after cycle " last ": " $0; exit 1 }; last = c }
            END { print events + 0, wakes + 0, jobs + 0 }
            """
        for (name, instructions, status) in [("redmule-gemm-fp16", "1000000", Int32(123)), ("redmule-gemm-concurrent", "3000000", 123),
                                             ("reduction", "1000000", 0)] {
            let elf = Paths.firmware("pulp-cluster", name)
            try requireFirmware(elf)
            let path = NSTemporaryDirectory() + "pulpsim-events-\(getpid())-\(name).log"
            defer { try? FileManager.default.removeItem(atPath: path) }
            try runCLI(["run", "--quiet", "--history", "0", "--max-instructions", instructions, "--trace-format", "pulpsim",
                        "--trace-file", path, elf], exits: status)
            let awk = try runProgram("/usr/bin/awk", [check, path])
            XCTAssertEqual(awk.status, 0, "\(name): \(awk.stdout)")
            let counts = awk.stdout.split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
            XCTAssertEqual(counts.count, 3, awk.stdout)
            XCTAssertGreaterThan(counts.first ?? 0, 10, "\(name): events")
            XCTAssertGreaterThan(counts.dropFirst().first ?? 0, 0, "\(name): wakes")
            if name == "redmule-gemm-concurrent" { XCTAssertGreaterThan(counts.last ?? 0, 1, "\(name): RedMulE job ends") }
        }
    }

    /// `writeDecimal` (eight digits per step, 8-byte stores) against `String(_:)`: powers of ten
    /// and their neighbours, and 200 numbers of each bit length from a seeded generator.
    func testDecimalNumbers() {
        var values: [UInt64] = [0, 1, 9, 10, 99, 100, 12_345, 99_999_999, 100_000_000, 100_000_001, 1_234_567_890,
                                9_999_999_999_999_999, 10_000_000_000_000_000, 10_000_000_000_000_001, UInt64.max, UInt64.max - 1]
        var p: UInt64 = 1
        for _ in 0..<19 { values += [p - 1, p, p + 1]; p *= 10 }
        var generator = SplitMix64(seed: 0xDEC1_3A15)
        for bits in 1...64 { for _ in 0..<200 { values.append(generator.next() >> UInt64(64 - bits)) } }
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: 64, alignment: 8)
        defer { buffer.deallocate() }
        for v in values {
            let n = writeDecimal(v, to: buffer)
            XCTAssertEqual(String(decoding: UnsafeRawBufferPointer(start: buffer, count: n), as: UTF8.self), String(v),
                           "seed \(String(generator.seed, radix: 16))")
        }
    }
}
