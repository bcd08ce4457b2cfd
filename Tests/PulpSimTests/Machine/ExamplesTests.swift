// Every firmware example on the 8-hart cluster, the RedMulE diagnostics programs (one per
// docs/platform.md §7.6 condition, with and without --redmule-errors=warn), the redmule-tb
// program in its four variants, and the trigger-to-event timings measured by firmware.

import Foundation
import PulpSim
import XCTest

final class ExamplesTests: XCTestCase {
    func run(_ name: String, _ extra: [String] = [], platform: String = "pulp-cluster") throws -> (status: Int32, stdout: String, stderr: String) {
        let path = platform == "redmule-tb" ? Paths.root.appendingPathComponent("firmware/build/redmule-tb/\(name).elf").path
            : Paths.firmware(platform, name)
        try requireFirmware(path)
        return try runCLI(["run", "--platform", platform] + extra + [path])
    }

    func testClusterExamples() throws {
        for name in ["hello-cluster", "reduction", "mutex-counter", "team-fork", "matmul-fp32", "eu-registers", "interleave"] {
            let r = try run(name)
            XCTAssertEqual(r.status, 0, "\(name): \(r.stderr.prefix(2000))")
        }
        let hello = try run("hello-cluster", ["--stdout-prefix"])
        XCTAssertEqual(hello.status, 0, hello.stderr)
        for hart in 0..<8 { XCTAssertTrue(hello.stdout.contains("[hart \(hart)] "), hello.stdout) }
        for harts in ["1", "2", "5"] {
            XCTAssertEqual(try run("reduction", ["--harts", harts]).status, 0, "reduction on \(harts) harts")
        }
        let matmul = try run("matmul-fp32")
        XCTAssertEqual(matmul.status, 0, matmul.stderr)
        XCTAssertTrue(matmul.stdout.lowercased().contains("cycles"), matmul.stdout)
    }

    func testDeliberateDeadlock() throws {
        let r = try run("deadlock", ["--history", "0"])
        XCTAssertEqual(r.status, 121)
        XCTAssertTrue(r.stderr.contains("deadlock: every started hart is asleep"), r.stderr)
        XCTAssertTrue(r.stderr.contains("barrier 3"), r.stderr)
        XCTAssertTrue(r.stderr.contains("missing cores 0x80"), r.stderr)
    }

    func testDeterministicMultiHartRuns() throws {
        let a = try run("mutex-counter", ["--json"]), b = try run("mutex-counter", ["--json"])
        XCTAssertEqual(a.status, 0, a.stderr)
        XCTAssertEqual(b.status, 0, b.stderr)
        let ja = try JSONSerialization.jsonObject(with: Data(a.stdout.utf8)) as! [String: Any]
        let jb = try JSONSerialization.jsonObject(with: Data(b.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(ja["instructions"] as? Int, jb["instructions"] as? Int)
        XCTAssertEqual(ja["cycles"] as? Int, jb["cycles"] as? Int)
        XCTAssertEqual(a.stderr, b.stderr)  // firmware output (with --json it goes to stderr)
        XCTAssertEqual((ja["harts"] as! [[String: Any]]).map { $0["instructions"] as! Int },
                       (jb["harts"] as! [[String: Any]]).map { $0["instructions"] as! Int })
    }

    func testRedMulEExamples() throws {
        for name in ["gemm-fp16", "gemm-fp8", "gemm-ops", "gemm-tiled", "gemm-concurrent", "gemm-vs-sw", "gemm-xif", "registers", "dataflow"] {
            // The offload instructions are an option of pulp-cluster's cores (docs/platform.md §7.7).
            let r = try run("redmule-\(name)", ["--json"] + (name == "gemm-xif" ? ["--isa", "rv32imfc_xredmule"] : []))
            XCTAssertEqual(r.status, 0, "\(name): \(r.stderr.suffix(2000))")
            let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
            let redmule = json["redmule"] as! [String: Any]
            XCTAssertGreaterThan(redmule["jobs"] as! Int, 0, name)
            XCTAssertEqual(redmule["errors"] as? Int, 0, name)
        }
        // Without the option they are illegal instructions (the HAL's trap handler reports it).
        let plain = try run("redmule-gemm-xif", ["--history", "0"])
        XCTAssertEqual(plain.status, 127, plain.stderr)
        XCTAssertTrue(plain.stdout.contains("unexpected trap: mcause=0x00000002"), plain.stdout)
        let vs = try run("redmule-gemm-vs-sw")
        XCTAssertEqual(vs.status, 0, vs.stderr)
        XCTAssertTrue(vs.stdout.lowercased().contains("speed"), vs.stdout)
    }

    /// firmware/redmule/dataflow.c: a store to X after TRIGGER, before RedMulE reads those rows,
    /// is used; Z rows are in the TCDM while the job still runs (the first one early, the last
    /// one not yet); a soft clear during a job keeps the rows stored and stores no more. With
    /// every scheduling of the data: the cycle model live against the cores
    /// (default), the idle run followed (no contention), and the data brought up to date every
    /// cycle (--quantum 1).
    func testRedMulEDataMovesInTime() throws {
        for extra in [[], ["--no-tcdm-contention"], ["--quantum", "1"], ["--quantum", "7", "--no-tcdm-contention"]] {
            let r = try run("redmule-dataflow", ["--quiet"] + extra)
            XCTAssertEqual(r.status, 0, "\(extra): \(r.stdout) \(r.stderr)")
            XCTAssertTrue(r.stdout.contains("late X store used: yes\n"), r.stdout)
            XCTAssertTrue(r.stdout.contains("last row pending: yes\n"), r.stdout)
            XCTAssertTrue(r.stdout.contains("soft clear: first row kept, last row never written\n"), r.stdout)
            func number(after prefix: String) -> Int? {
                r.stdout.split(separator: "\n").first { $0.hasPrefix(prefix) }
                    .flatMap { Int($0.dropFirst(prefix.count).prefix { $0.isNumber }) }
            }
            let first = try XCTUnwrap(number(after: "first Z row after "), r.stdout)
            let done = try XCTUnwrap(number(after: "completion after "), r.stdout)
            // 32 output tiles: the first tile's rows are stored within the first tenth of the job
            // (the data is brought up to date at least every 256 cycles).
            XCTAssertLessThan(first, done / 10 + 256, "\(extra): \(r.stdout)")
        }
    }

    func testTimingMeasuredByFirmware() throws {
        let r = try run("redmule-timing")
        XCTAssertEqual(r.status, 0, r.stderr)
        let rtl: [String: Double] = ["12x16x16": 169, "48x48x48": 2411, "64x64x64": 6251, "96x96x96": 18539,
                                     "128x128x128": 45163, "96x100x96": 19759, "23x17x33": 590, "12x512x16": 2153]
        var seen = 0
        for line in r.stdout.split(separator: "\n") where line.hasPrefix("timing ") {
            let f = line.split(separator: " ")
            guard f.count >= 3, let expected = rtl[String(f[1])], let measured = Double(f[2]) else { continue }
            seen += 1
            // The RTL's trigger-to-event count, plus: the job starts a cycle late (ARITH written
            // 2 cycles before TRIGGER), the event unit's wake-up cycle, the retried wait (docs/
            // platform.md §7.5).
            XCTAssertEqual(measured, expected + 4, String(line))
        }
        XCTAssertEqual(seen, rtl.count, r.stdout)
        // Polling STATUS (a 39-cycle loop) sees each completion within one iteration of the event.
        var waited: [String: Int] = [:]
        var polled = 0
        for line in r.stdout.split(separator: "\n") {
            let f = line.split(separator: " ")
            guard f.count == 3, let cycles = Int(f[2]) else { continue }
            if f[0] == "timing" { waited[String(f[1])] = cycles }
            if f[0] == "poll", let w = waited[String(f[1])] {
                polled += 1
                XCTAssertTrue((w - 4)...(w + 40) ~= cycles, "\(line): event wait took \(w)")
            }
        }
        XCTAssertEqual(polled, rtl.count, r.stdout)
    }

    /// program → (default exit, exit with --redmule-errors=warn, text on stderr)
    static let diagnostics: [(String, Int32, Int32, String)] = [
        ("no-softclear", 122, 0, "without a SOFT_CLEAR since the previous job"),
        ("queued-trigger", 122, 0, "TRIGGER while job"),
        ("n-small", 122, 0, "N ≤ 4 with more than one output tile"),
        ("n-5to8", 122, 0, "this job deadlocks the RTL: after "),
        ("contention", 122, 0, "deadlocks the RTL under TCDM contention"),
        ("matmul-big", 122, 0, "MATMUL with M > 12 or K > 16"),
        ("fp16alt", 122, 122, "Float16Alt"),
        ("zero-size", 122, 0, "must be non-zero"),
        ("outside-tcdm", 122, 122, "outside TCDM"),
        ("z-overlap", 122, 0, "Z overlaps X or W"),
        ("arith-not-last", 122, 0, "ARITH was not written after the other job registers"),
        ("z-padding", 0, 0, "is not a multiple of 12"),
        ("minmax-padding", 0, 0, "N mod 4"),
    ]

    /// firmware/redmule/padding.c: the Z rows past M that jobs with M mod 12 ≠ 0 overwrite are
    /// reported when something reads them before anything writes them — a DMA transfer (job B)
    /// and a later job reading them as X (job D) — and not when nothing reads them (A) or the
    /// core writes them first (E); the same under every scheduling and with a trace. `always`
    /// warns once, at the first such job; `off` never. The gemm-vs-sw demo, which leaves room
    /// for its rows and never reads them, stays silent.
    func testRedMulEPaddingRowsAreReportedWhenRead() throws {
        func warnings(_ r: (status: Int32, stdout: String, stderr: String)) -> [String] {
            r.stderr.split(separator: "\n").map(String.init).filter { $0.contains("warning") }
        }
        for extra in [[], ["--no-tcdm-contention"], ["--quantum", "1"], ["--trace-file", "/dev/null", "--trace-format", "binary"],
                      ["--redmule-padding", "read", "--trace-file", "/dev/null", "--trace-format", "spike"]] {
            let r = try run("redmule-padding", ["--quiet"] + extra)
            XCTAssertEqual(r.status, 0, "\(extra): \(r.stdout) \(r.stderr)")
            XCTAssertTrue(r.stdout.contains("redmule-padding: PASS"), r.stdout)
            let w = warnings(r)
            XCTAssertEqual(w.count, 2, "\(extra): \(w)")
            XCTAssertTrue(w.first?.contains("DMA transfer") == true && w.first?.contains("reads byte 0x") == true, "\(extra): \(w)")
            XCTAssertTrue(w.last?.contains("as X (row 0), a padding row that job") == true, "\(extra): \(w)")
            XCTAssertTrue(w.allSatisfy { $0.contains("M = 20 is not a multiple of 12: rows 20..23 of Z") && $0.contains("hart 0 at pc 0x") }, "\(w)")
            // The warnings come where the program reads: after B's results, before D's.
            let b = r.stderr.range(of: "DMA transfer")!, d = r.stderr.range(of: "as X")!
            XCTAssertLessThan(b.lowerBound, d.lowerBound)
        }
        let always = try run("redmule-padding", ["--quiet", "--redmule-padding", "always"])
        XCTAssertEqual(always.status, 0, always.stderr)
        XCTAssertEqual(warnings(always).count, 1, always.stderr)
        XCTAssertTrue(always.stderr.contains("M = 20 is not a multiple of 12: rows 20..23 of Z"), always.stderr)
        let off = try run("redmule-padding", ["--quiet", "--redmule-padding", "off"])
        XCTAssertEqual(off.status, 0, off.stderr)
        XCTAssertEqual(warnings(off), [])
        let demo = try run("redmule-gemm-vs-sw", ["--quiet"])
        XCTAssertEqual(demo.status, 0, demo.stderr)
        XCTAssertEqual(warnings(demo), [], "the demo leaves room for its padding rows and never reads them")
        XCTAssertEqual(warnings(try run("redmule-gemm-vs-sw", ["--quiet", "--redmule-padding", "always"])).count, 1)
    }

    func testEveryDiagnostic() throws {
        for (name, strict, lenient, text) in Self.diagnostics {
            let r = try run("redmule-diag-\(name)", ["--history", "0"])
            XCTAssertEqual(r.status, strict, "\(name): \(r.stderr.prefix(1500))")
            XCTAssertTrue(r.stderr.contains(text), "\(name): stderr lacks '\(text)': \(r.stderr.prefix(1500))")
            XCTAssertTrue(r.stderr.contains("hart ") && r.stderr.contains("pc 0x") && r.stderr.contains("job "), "\(name): \(r.stderr.prefix(800))")
            let w = try run("redmule-diag-\(name)", ["--redmule-errors=warn", "--history", "0"])
            XCTAssertEqual(w.status, lenient, "\(name) with warn: \(w.stderr.prefix(1500))")
            XCTAssertTrue(w.stderr.contains(text), "\(name) with warn: \(w.stderr.prefix(1500))")
        }
    }

    func testRedMulETestbenchPlatformBothOffloadVariants() throws {
        for variant in ["mmio-imc", "mmio-imf", "xif-imc", "xif-imf"] {
            let r = try run("redmule-tb-\(variant)", platform: "redmule-tb")
            XCTAssertEqual(r.status, 0, "\(variant): \(r.stdout) \(r.stderr.prefix(1500))")
            XCTAssertFalse(r.stdout.isEmpty, "\(variant) printed nothing")
        }
    }
}
