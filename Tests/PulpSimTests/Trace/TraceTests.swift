// Trace lines follow docs/platform.md §10 (Spike's --log-commits) to the byte; formats, filters,
// per-hart files, device events and post-mortem history.

import Foundation
import PulpSim
import XCTest

final class TraceTests: XCTestCase {
    func tracePath(_ name: String) -> String { NSTemporaryDirectory() + "pulpsim-trace-\(getpid())-\(name)" }

    /// Whole expected lines for every instruction class (values worked out by hand from the program).
    func testEveryInstructionClassToTheByte() throws {
        let elf = Paths.firmware("spike", "trace-classes")
        try requireFirmware(elf)
        let path = tracePath("classes")
        let r = try runCLI(["run", "--platform", "spike", "--trace-file", path, "--no-trace-events", elf])
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        let expected = [
            // Spike's boot ROM: auipc t0; addi a1,t0,32; csrr a0,mhartid; lw t0,24(t0); jr t0
            "core   0: 3 0x00001000 (0x00000297) x5  0x00001000",
            "core   0: 3 0x00001004 (0x02028593) x11 0x00001020",
            "core   0: 3 0x00001008 (0xf1402573) x10 0x00000000",
            "core   0: 3 0x0000100c (0x0182a283) x5  0x80000000 mem 0x00001018",
            "core   0: 3 0x00001010 (0x00028067)",
            "core   0: 3 0x80000000 (0x00000297) x5  0x80000000",
            "core   0: 3 0x80000004 (0x05028293) x5  0x80000050",
            "core   0: 3 0x80000008 (0x12345537) x10 0x12345000",
            "core   0: 3 0x8000000c (0x67850513) x10 0x12345678",
            "core   0: 3 0x80000010 (0x00a2a023) mem 0x80000050 0x12345678",
            "core   0: 3 0x80000014 (0x00a29223) mem 0x80000054 0x5678",
            "core   0: 3 0x80000018 (0x00a28323) mem 0x80000056 0x78",
            "core   0: 3 0x8000001c (0x0002a583) x11 0x12345678 mem 0x80000050",
            "core   0: 3 0x80000020 (0x0585) x11 0x12345679",
            "core   0: 3 0x80000022 (0x34059073) c832_mscratch 0x12345679",
            "core   0: 3 0x80000026 (0x6309) x6  0x00002000",
            "core   0: 3 0x80000028 (0x30032073) c768_mstatus 0x00003800",
            // The first FP write makes the FP state dirty: mstatus 0x3800 gains FS = 3 and SD.
            "core   0: 3 0x8000002c (0x0082a507) f10 0x3f800000 c768_mstatus 0x80007800 mem 0x80000058",
            "core   0: 3 0x80000030 (0x00c2a587) f11 0x40400000 mem 0x8000005c",
            "core   0: 3 0x80000034 (0x18b57653) c1_fflags 0x00000001 f12 0x3eaaaaab",
            "core   0: 3 0x80000038 (0xfcb504e3)",
            "core   0: 3 0x8000003c (0x4605) x12 0x00000001",
            "core   0: 3 0x8000003e (0x00000397) x7  0x8000003e",
            "core   0: 3 0x80000042 (0x02238393) x7  0x80000060",
            "core   0: 3 0x80000046 (0x00c3a023) mem 0x80000060 0x00000001",
        ]
        XCTAssertEqual(lines, expected)
    }

    /// Spike prints a line's effects in the order of (number << 4 | kind): a flag-raising FP
    /// operation writing x1, f0 or f1 lists the register before c1_fflags, any other after it;
    /// the first FP write logs mstatus (FS dirty); fcsr writes show as fflags and frm.
    /// Encodings and values by hand: fdiv.s rd,fa0,fa1 = 0x18b57053 | rd << 7, 1/3 = 0x3eaaaaab;
    /// fcvt.w.s rd,ft0 = 0xc0007053 | rd << 7, 0 with NX.
    func testFlagEffectsFollowSpikeOrder() throws {
        let elf = Paths.firmware("spike", "trace-fflags-order")
        try requireFirmware(elf)
        let expected = [
            "core   0: 3 0x80000016 (0x18b57053) f0  0x3eaaaaab c1_fflags 0x00000001",
            "core   0: 3 0x8000001a (0x18b570d3) f1  0x3eaaaaab c1_fflags 0x00000001",
            "core   0: 3 0x8000001e (0x18b57153) c1_fflags 0x00000001 f2  0x3eaaaaab",
            "core   0: 3 0x80000022 (0xc00070d3) x1  0x00000000 c1_fflags 0x00000001",
            "core   0: 3 0x80000026 (0xc00076d3) c1_fflags 0x00000001 x13 0x00000000",
            // The first FP write makes the FP state dirty (mstatus 0x3800 -> FS = 3, SD).
            "core   0: 3 0x8000000e (0x0002a507) f10 0x3f800000 c768_mstatus 0x80007800 mem 0x80000050",
            // csrrw a5, fcsr, a4 (0x003717f3) with a4 = 0x85: fflags 5, frm 4, x15 = old fcsr 1.
            "core   0: 3 0x8000002e (0x003717f3) c1_fflags 0x00000005 c2_frm 0x00000004 x15 0x00000001",
            // csrrw ra, fflags, zero (0x001010f3): x1 (key 0x10) before fflags (0x14).
            "core   0: 3 0x80000032 (0x001010f3) x1  0x00000005 c1_fflags 0x00000000",
        ]
        for format in ["spike", "pulpsim"] {
            let path = tracePath("order.\(format)")
            let r = try runCLI(["run", "--platform", "spike", "--trace-file", path, "--trace-format", format, "--no-trace-events", elf])
            XCTAssertEqual(r.status, 0, r.stderr)
            let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
            for line in expected {
                XCTAssertTrue(lines.contains { $0 == line || $0.contains(" " + line + "  ; ") }, "\(format): no line \(line)")
            }
        }
        try assertBinaryRoundTrip("spike", elf)
    }

    /// `--trace-file -` writes the trace to standard output (for pipes).
    func testTraceToStandardOutput() throws {
        let elf = Paths.firmware("spike", "trace-classes")
        try requireFirmware(elf)
        let r = try runCLI(["run", "--platform", "spike", "--trace-file", "-", "--no-trace-events", elf])
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = r.stdout.split(separator: "\n")
        XCTAssertEqual(lines.first, "core   0: 3 0x00001000 (0x00000297) x5  0x00001000")
        XCTAssertEqual(lines.last, "core   0: 3 0x80000046 (0x00c3a023) mem 0x80000060 0x00000001")
    }

    func testPulpsimAndJSONFormatsAndFilters() throws {
        let elf = Paths.firmware("spike", "trace-classes")
        try requireFirmware(elf)
        let path = tracePath("pulpsim")
        var r = try runCLI(["run", "--platform", "spike", "--trace-file", path, "--trace-format", "pulpsim",
                            "--trace-start", "0x80000034", "--trace-stop", "0x8000003c", elf])
        XCTAssertEqual(r.status, 0, r.stderr)
        var lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "27 core   0: 3 0x80000034 (0x18b57653) c1_fflags 0x00000001 f12 0x3eaaaaab  ; <_start+0x34> fdiv.s\tfa2,fa0,fa1")
        XCTAssertEqual(lines.filter { !$0.hasPrefix("#") }.count, 2)  // fdiv, beq; stops before li
        XCTAssertTrue(lines.last!.hasPrefix("# cycle"), lines.last!)
        let jsonPath = tracePath("jsonl")
        r = try runCLI(["run", "--platform", "spike", "--trace-file", jsonPath, "--trace-format", "jsonl",
                        "--trace-pc", "0x80000010:0x8000001c", elf])
        XCTAssertEqual(r.status, 0, r.stderr)
        lines = try String(contentsOfFile: jsonPath, encoding: .utf8).split(separator: "\n").map(String.init)
        let objects = try lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        let insns = objects.filter { $0["type"] as? String == "insn" }
        XCTAssertEqual(insns.map { $0["pc"] as! String }, ["0x80000010", "0x80000014", "0x80000018", "0x8000001c"])
        XCTAssertEqual(insns[0]["disasm"] as? String, "sw a0,0(t0)")
        let effects = insns[0]["effects"] as! [[String: Any]]
        XCTAssertEqual(effects.first?["store"] as? String, "0x80000050")
        XCTAssertEqual(effects.first?["value"] as? String, "0x12345678")
    }

    func testPerHartFilesAndHartFilter() throws {
        let elf = Paths.firmware("pulp-cluster", "hello")
        try requireFirmware(elf)
        let base = tracePath("perhart-%h.log")
        let r = try runCLI(["run", "--trace-file", base, "--trace-per-hart", "--trace-harts", "0,3", elf])
        XCTAssertEqual(r.status, 0, r.stderr)
        let hart0 = try String(contentsOfFile: base.replacingOccurrences(of: "%h", with: "0"), encoding: .utf8)
        let hart3 = try String(contentsOfFile: base.replacingOccurrences(of: "%h", with: "3"), encoding: .utf8)
        XCTAssertTrue(hart0.contains("core   0: 3 0x1c000000"))
        XCTAssertTrue(hart3.contains("core   3: 3 0x1c000000"))
        XCTAssertFalse(hart0.contains("core   3:"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: base.replacingOccurrences(of: "%h", with: "1")))
    }

    func testMergedTraceIsInTimeOrderAndDeterministic() throws {
        let elf = Paths.firmware("pulp-cluster", "hello")
        try requireFirmware(elf)
        let a = tracePath("merged-a"), b = tracePath("merged-b")
        try runCLI(["run", "--trace-file", a, "--trace-format", "pulpsim", elf], exits: 0)
        try runCLI(["run", "--trace-file", b, "--trace-format", "pulpsim", elf], exits: 0)
        let textA = try String(contentsOfFile: a, encoding: .utf8)
        XCTAssertEqual(textA, try String(contentsOfFile: b, encoding: .utf8))
        let cycles = textA.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { UInt64($0.split(separator: " ")[0])! }
        let firstDisorder = cycles.indices.dropFirst().first { cycles[$0 - 1] > cycles[$0] }
        XCTAssertNil(firstDisorder, "merged trace must be ordered by cycle (line \(firstDisorder ?? 0))")
        XCTAssertGreaterThan(cycles.count, 1000)
        XCTAssertTrue(textA.contains("core   7: 3 0x1c000000"))
    }

    func testTracedRunRetiresTheSameInstructions() throws {
        let elf = Paths.firmware("pulp-cluster", "hello")
        try requireFirmware(elf)
        let plain = try runCLI(["run", "--json", elf], exits: 0)
        let traced = try runCLI(["run", "--json", "--trace-file", tracePath("same"), elf], exits: 0)
        let p = try JSONSerialization.jsonObject(with: Data(plain.stdout.utf8)) as! [String: Any]
        let t = try JSONSerialization.jsonObject(with: Data(traced.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(p["instructions"] as? Int, t["instructions"] as? Int)
        XCTAssertEqual(p["cycles"] as? Int, t["cycles"] as? Int)
    }

    func testPostMortemHistory() throws {
        let elf = Paths.firmware("spike", "fault-illegal")
        try requireFirmware(elf)
        let r = try runCLI(["run", "--platform", "spike", "--history", "4", elf])
        XCTAssertEqual(r.status, 120)
        XCTAssertTrue(r.stderr.contains("last 4 instructions of hart 0:"), r.stderr)
        // The last instruction before the trap: li a1, 0x5678 (lui + addi) at 0x80000008.
        XCTAssertTrue(r.stderr.contains("0x80000008 (0x67858593) x11 0x00005678"), r.stderr)
    }

    // MARK: Binary traces

    /// Runs `elf` traced in binary and in each text format; decoding the binary must give the
    /// text byte for byte.
    func assertBinaryRoundTrip(_ platform: String, _ elf: String, _ extra: [String] = [], exits status: Int32 = 0,
                               file: StaticString = #filePath, line: UInt = #line) throws {
        let bin = tracePath("rt.bin")
        try runCLI(["run", "--platform", platform, "--quiet", "--trace-file", bin, "--trace-format", "binary"] + extra + [elf],
                   exits: status, file: file, line: line)
        for format in ["spike", "pulpsim", "jsonl"] {
            let text = tracePath("rt.\(format)"), decoded = tracePath("rt.dec.\(format)")
            try runCLI(["run", "--platform", platform, "--quiet", "--trace-file", text, "--trace-format", format] + extra + [elf],
                       exits: status, file: file, line: line)
            try runCLI(["trace-decode", "--format", format, "--output", decoded, bin], exits: 0, file: file, line: line)
            let expected = try Data(contentsOf: URL(fileURLWithPath: text))
            XCTAssertGreaterThan(expected.count, 0, file: file, line: line)
            XCTAssertTrue(expected == (try Data(contentsOf: URL(fileURLWithPath: decoded))),
                          "\(elf) \(extra) \(format): decoded binary trace differs from the text trace", file: file, line: line)
        }
    }

    func testBinaryTraceDecodesToTheTextTraces() throws {
        let classes = Paths.firmware("spike", "trace-classes")
        let fp = Paths.firmware("spike", "isa-rv32f-arith")
        let mutex = Paths.firmware("pulp-cluster", "mutex-counter")
        let redmule = Paths.firmware("pulp-cluster", "redmule-timing")
        let memory = Paths.firmware("spike", "isa-rv32i-mem")
        let smc = Paths.firmware("spike", "trace-smc")
        for elf in [classes, fp, mutex, redmule, memory, smc] { try requireFirmware(elf) }
        try assertBinaryRoundTrip("spike", memory)                       // byte and half loads and stores
        try assertBinaryRoundTrip("spike", smc)                          // code rewritten: words remembered by pc forgotten
        try assertBinaryRoundTrip("spike", classes)                      // every instruction class, boot ROM
        try assertBinaryRoundTrip("spike", fp)                           // FP with flags, f0 writes
        try assertBinaryRoundTrip("pulp-cluster", mutex)                 // 8 harts merged in time order, events
        try assertBinaryRoundTrip("pulp-cluster", redmule, ["--max-instructions", "200000"])  // RedMulE events
        try assertBinaryRoundTrip("pulp-cluster", mutex, ["--trace-harts", "1,6", "--trace-start", "main", "--trace-stop", "i:3000"])
        try assertBinaryRoundTrip("pulp-cluster", mutex, ["--trace-pc", "main", "--no-trace-events"])
    }

    func testPerHartBinaryTraces() throws {
        let elf = Paths.firmware("pulp-cluster", "mutex-counter")
        try requireFirmware(elf)
        let text = tracePath("ph-%h.log"), bin = tracePath("ph-%h.bin")
        try runCLI(["run", "--quiet", "--trace-per-hart", "--trace-file", text, elf], exits: 0)
        try runCLI(["run", "--quiet", "--trace-per-hart", "--trace-file", bin, "--trace-format", "binary", elf], exits: 0)
        for hart in [0, 5] {
            let decoded = tracePath("ph-\(hart).dec")
            try runCLI(["trace-decode", "--output", decoded, bin.replacingOccurrences(of: "%h", with: "\(hart)")], exits: 0)
            XCTAssertEqual(try String(contentsOfFile: decoded, encoding: .utf8),
                           try String(contentsOfFile: text.replacingOccurrences(of: "%h", with: "\(hart)"), encoding: .utf8))
        }
    }

    /// A binary trace is much smaller than the text (the point of the format).
    func testBinaryTraceIsCompact() throws {
        let elf = Paths.firmware("pulp-cluster", "mutex-counter")
        try requireFirmware(elf)
        let text = tracePath("size.log"), bin = tracePath("size.bin")
        try runCLI(["run", "--quiet", "--trace-file", text, elf], exits: 0)
        try runCLI(["run", "--quiet", "--trace-file", bin, "--trace-format", "binary", elf], exits: 0)
        let textSize = try FileManager.default.attributesOfItem(atPath: text)[.size] as! Int
        let binSize = try FileManager.default.attributesOfItem(atPath: bin)[.size] as! Int
        XCTAssertLessThan(binSize * 4, textSize, "binary \(binSize) bytes vs text \(textSize) bytes")
    }

    /// Damaged binary traces end in a clear error (exit 65), never a crash.
    func testCorruptBinaryTracesAreRejected() throws {
        let elf = Paths.firmware("spike", "trace-classes")
        try requireFirmware(elf)
        let bin = tracePath("good.bin")
        try runCLI(["run", "--platform", "spike", "--trace-file", bin, "--trace-format", "binary", elf], exits: 0)
        let good = try [UInt8](Data(contentsOf: URL(fileURLWithPath: bin)))
        let bad = tracePath("bad.bin")
        func decode(_ bytes: [UInt8]) throws -> (status: Int32, stderr: String) {
            try Data(bytes).write(to: URL(fileURLWithPath: bad))
            let r = try runCLI(["trace-decode", "--output", tracePath("bad.txt"), bad])
            return (r.status, r.stderr)
        }
        var r = try decode(Array("not a trace at all".utf8))
        XCTAssertEqual(r.status, 65)
        XCTAssertTrue(r.stderr.contains("not a pulpsim binary trace"), r.stderr)
        r = try decode(Array(good.dropLast(3)))
        XCTAssertEqual(r.status, 65)
        XCTAssertTrue(r.stderr.contains("ends inside a record"), r.stderr)
        var wrongVersion = good
        wrongVersion[8] = 99
        r = try decode(wrongVersion)
        XCTAssertEqual(r.status, 65)
        XCTAssertTrue(r.stderr.contains("version 99"), r.stderr)
        // Damage at pseudo-random places (fixed seed): either decodes (to something) or is
        // rejected; never a signal.
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> Int { seed = seed &* 6364136223846793005 &+ 1442695040888963407; return Int(seed >> 33) }
        for _ in 0..<60 {
            var damaged = good
            for _ in 0..<4 { damaged[14 + next() % (damaged.count - 14)] = UInt8(truncatingIfNeeded: next()) }
            r = try decode(damaged)
            XCTAssertTrue(r.status == 0 || r.status == 65, "status \(r.status): \(r.stderr)")
        }
        let unknown = try runCLI(["run", "--platform", "spike", "--trace-file", tracePath("x"), "--trace-start", "no_such_symbol", elf])
        XCTAssertEqual(unknown.status, 64)
        XCTAssertTrue(unknown.stderr.contains("no symbol named 'no_such_symbol'"), unknown.stderr)
        let noTrace = try runCLI(["run", "--platform", "spike", "--trace-start", "main", elf])
        XCTAssertEqual(noTrace.status, 64)
        // Naming the ELF as the trace file is refused before anything is written.
        let copy = tracePath("self.elf")
        try? FileManager.default.removeItem(atPath: copy)
        try FileManager.default.copyItem(atPath: elf, toPath: copy)
        let own = try runCLI(["run", "--platform", "spike", "--trace-file", copy, copy])
        XCTAssertEqual(own.status, 64)
        XCTAssertTrue(own.stderr.contains("is the ELF being run"), own.stderr)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: copy)), try Data(contentsOf: URL(fileURLWithPath: elf)))
        let missing = try runCLI(["trace-decode", tracePath("does-not-exist.bin")])
        XCTAssertEqual(missing.status, 66)
        let noFile = try runCLI(["run", "--platform", "spike", "--trace", "--trace-format", "binary", elf])
        XCTAssertEqual(noFile.status, 64)
        XCTAssertTrue(noFile.stderr.contains("needs --trace-file"), noFile.stderr)
    }

    /// SIGINT (Ctrl-C) and SIGTERM end a run cleanly: exit 130 and 143, a report, the firmware's
    /// partial last line printed, and the trace complete up to the end-of-run line. The signal is
    /// sent once the firmware has printed its first line (a blocking read of the pipe): the run is
    /// then under way whatever the machine's load, and no clock is involved.
    func testInterruptAndTerminateFlushOutputAndTrace() throws {
        let elf = Paths.firmware("spike", "ready-loop")
        try requireFirmware(elf)
        for (signal, status, name) in [(SIGINT, Int32(130), "SIGINT"), (SIGTERM, Int32(143), "SIGTERM")] {
            let path = tracePath("interrupted-\(name).log")
            defer { try? FileManager.default.removeItem(atPath: path) }
            let process = pulpsimProcess(["run", "--platform", "spike", "--trace-file", path, elf])
            let out = Pipe(), err = Pipe()
            process.standardOutput = out
            process.standardError = err
            try process.run()
            let errors = DrainedPipe(err)
            var stdout = readUntil("ready\n", from: out.fileHandleForReading)
            XCTAssertEqual(stdout, "ready\n", "\(name): the firmware's first line, and nothing else yet")
            kill(process.processIdentifier, signal)
            stdout += String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            let stderr = String(decoding: errors.wait(), as: UTF8.self)
            process.waitUntilExit()
            XCTAssertEqual(process.terminationReason, .exit, "\(name): \(stderr)")
            XCTAssertEqual(process.terminationStatus, status, "\(name): \(stderr)")
            XCTAssertTrue(stderr.hasPrefix("pulpsim: interrupted by \(name) at cycle "), stderr)
            XCTAssertTrue(stderr.contains("hart 0 (running) at 0x8"), stderr)
            XCTAssertEqual(stdout, "ready\nspinning\n", "\(name): the partial last line is printed at the end")
            let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
            XCTAssertEqual(lines.first, "core   0: 3 0x00001000 (0x00000297) x5  0x00001000")
            XCTAssertTrue(lines.last?.hasSuffix("end: run ended: interrupted") ?? false, String(lines.last ?? ""))
            // Every instruction up to the end is there: the spin loop's `addi a3, a3, 1` counts its
            // own lines (a3 starts at 0), so the last one's value is the number of them.
            let spins = lines.filter { $0.hasPrefix("core   0: 3 0x80000026 (0x0685) x13 0x") }
            let last = try XCTUnwrap(spins.last.flatMap { UInt64($0.suffix(8), radix: 16) }, "\(name): no spin line")
            XCTAssertEqual(UInt64(spins.count), last, "\(name): instructions missing from the trace")
            XCTAssertTrue(lines.dropLast().last?.hasPrefix("core   0: 3 0x8000002") ?? false, String(lines.dropLast().last ?? ""))
        }
    }

    /// A trace that cannot be written (here /dev/full: "no space left") is reported and the run
    /// exits 74 instead of 0.
    /// A trace file is written by a background thread from a ring of 1 MiB buffers; standard
    /// output in place. A trace of ~10 MB (the ring turns over many times) must be the same bytes
    /// both ways, in one stream and in per-hart files.
    func testBackgroundWriterKeepsEveryByteInOrder() throws {
        let spike = Paths.firmware("spike", "bench-intbench"), cluster = Paths.firmware("pulp-cluster", "bench-cluster")
        try requireFirmware(spike)
        try requireFirmware(cluster)
        let file = tracePath("writer.log")
        defer { try? FileManager.default.removeItem(atPath: file) }
        let common = ["run", "--quiet", "--history", "0", "--max-instructions", "200000"]
        for (elf, platform) in [(spike, "spike"), (cluster, "pulp-cluster")] {
            let direct = try runCLI(common + ["--platform", platform, "--trace-file", "-", elf], exits: 123)
            try runCLI(common + ["--platform", platform, "--trace-file", file, elf], exits: 123)
            let fileText = try String(contentsOfFile: file, encoding: .utf8)
            XCTAssertGreaterThan(fileText.utf8.count, 8 << 20, "the ring of four 1 MiB buffers must turn over")
            XCTAssertTrue(fileText == direct.stdout, "\(platform): the file differs from the trace on standard output")
        }
        // Per-hart files hold events of no particular hart in the order they happen, a stream
        // filtered to one hart in time order: compare the instructions only.
        let perHartCommon = ["run", "--quiet", "--history", "0", "--max-instructions", "1000000", "--no-trace-events"]
        let base = tracePath("writer-%h.log")
        try runCLI(perHartCommon + ["--trace-per-hart", "--trace-file", base, cluster], exits: 123)
        for hart in [0, 5] {
            let path = base.replacingOccurrences(of: "%h", with: "\(hart)")
            defer { try? FileManager.default.removeItem(atPath: path) }
            let single = try runCLI(perHartCommon + ["--trace-harts", "\(hart)", "--trace-file", "-", cluster], exits: 123)
            let text = try String(contentsOfFile: path, encoding: .utf8)
            XCTAssertGreaterThan(text.utf8.count, 4 << 20, "the ring must turn over")
            XCTAssertTrue(text == single.stdout, "hart \(hart): per-hart file differs from the filtered trace on standard output")
        }
    }

    /// `--trace-file - | head`: when the reader goes, the run ends at once with SIGPIPE (exit
    /// 141 in a shell, as documented) instead of simulating on untraced. A run that went on would
    /// end by its instruction limit (exit 123) or, killed when it writes its last line, would have
    /// used the CPU time of 1e10 instructions (minutes): CPU time, unlike the wall clock, does not
    /// grow with the machine's load.
    func testClosedPipeEndsTheRun() throws {
        let elf = Paths.firmware("spike", "bench-intbench")
        try requireFirmware(elf)
        let process = pulpsimProcess(["run", "--platform", "spike", "--quiet", "--max-instructions", "1e10", "--trace-file", "-", elf])
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        let cpuBefore = childrenCPUSeconds()
        try process.run()
        let head = out.fileHandleForReading.readData(ofLength: 4096)
        try out.fileHandleForReading.close()
        process.waitUntilExit()
        let cpu = childrenCPUSeconds() - cpuBefore
        XCTAssertTrue(String(decoding: head, as: UTF8.self).hasPrefix("core   0: 3 0x00001000 (0x00000297) x5  0x00001000\n"))
        XCTAssertEqual(process.terminationReason, .uncaughtSignal)
        XCTAssertEqual(process.terminationStatus, SIGPIPE)
        XCTAssertLessThan(cpu, 5, "the run must end when its reader goes, not simulate on")
    }

    func testTraceWriteErrorIsReported() throws {
        let elf = Paths.firmware("pulp-cluster", "hello")
        try requireFirmware(elf)
        let r = try runCLI(["run", "--quiet", "--trace-file", "/dev/full", elf])
        XCTAssertEqual(r.status, 74, r.stderr)
        XCTAssertTrue(r.stderr.contains("writing the trace failed (No space left on device)"), r.stderr)
    }

    /// Start and stop points by cycle or instruction count select exactly the lines of the full
    /// trace (turns outside them run untraced, and must not lose or add a line). 8 computing harts:
    /// every turn is a full quantum, so a turn straddling a point would show.
    func testStartAndStopPointsSelectTheFullTracesLines() throws {
        let elf = Paths.firmware("pulp-cluster", "bench-cluster")
        try requireFirmware(elf)
        let full = tracePath("points-full"), cut = tracePath("points-cut")
        // (Single-cycle L2, so that the window below holds many lines.)
        let common = ["run", "--quiet", "--history", "0", "--max-instructions", "400000", "--trace-format", "pulpsim", "--no-trace-events",
                      "--l2-latency", "0"]
        try runCLI(common + ["--trace-file", full, elf], exits: 123)
        // (hart, cycle, line) of each line: "<cycle> core   <hart>: ..."
        func parse(_ text: String) -> [(hart: Int, cycle: UInt64, line: Substring)] {
            text.split(separator: "\n").map { line in
                let fields = line.split(separator: " ", maxSplits: 4, omittingEmptySubsequences: true)
                return (Int(fields[2].dropLast())!, UInt64(fields[0])!, line)
            }
        }
        let all = parse(try String(contentsOfFile: full, encoding: .utf8))
        // Every hart from cycle 5000 to cycle 30000; then hart 3 alone.
        try runCLI(common + ["--trace-file", cut, "--trace-start", "c:5000", "--trace-stop", "c:30000", elf], exits: 123)
        var expected = all.filter { $0.cycle >= 5000 && $0.cycle < 30000 }.map(\.line)
        var lines = parse(try String(contentsOfFile: cut, encoding: .utf8))
        XCTAssertGreaterThan(expected.count, 10_000)
        XCTAssertEqual(lines.map(\.line), expected)
        try runCLI(common + ["--trace-file", cut, "--trace-harts", "3", "--trace-start", "c:5000", "--trace-stop", "c:30000", elf], exits: 123)
        lines = parse(try String(contentsOfFile: cut, encoding: .utf8))
        XCTAssertEqual(lines.map(\.line), all.filter { $0.hart == 3 && $0.cycle >= 5000 && $0.cycle < 30000 }.map(\.line))
        // Every hart from where it reaches main (found by marking the instruction, the run before
        // is untraced): by hart, the lines from its first one at main.
        try runCLI(common + ["--trace-file", cut, "--trace-start", "main", elf], exits: 123)
        lines = parse(try String(contentsOfFile: cut, encoding: .utf8))
        for h in 0..<8 {
            let mine = all.filter { $0.hart == h }.map(\.line)
            let first = try XCTUnwrap(mine.firstIndex { $0.contains("  ; <main> ") }, "hart \(h) reaches main")
            XCTAssertEqual(lines.filter { $0.hart == h }.map(\.line), Array(mine[first...]), "hart \(h)")
        }
        // Every hart from its 2000th to its 30000th instruction: by hart, the lines in between.
        try runCLI(common + ["--trace-file", cut, "--trace-start", "i:2000", "--trace-stop", "i:30000", elf], exits: 123)
        lines = parse(try String(contentsOfFile: cut, encoding: .utf8))
        for h in 0..<8 {
            let mine = all.filter { $0.hart == h }.map(\.line)
            expected = Array(mine[2000..<min(30000, mine.count)])
            XCTAssertEqual(lines.filter { $0.hart == h }.map(\.line), expected, "hart \(h)")
        }
    }
}
