// `pulpsim test`, the regression-farm runner (docs/regression-farm.md): parallel runs, isolation
// of crashing and hanging children, shards and their merge, JUnit, bad manifests.

import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest

final class TestRunnerTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("pulpsim-runner-\(getpid())-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    func write(_ name: String, _ text: String) throws -> String {
        try text.write(toFile: path(name), atomically: true, encoding: .utf8)
        return path(name)
    }

    func results(_ file: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: file))
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// id → (status, exit_status, output) of a results JSON.
    func outcomes(_ file: String) throws -> [String: String] {
        var map: [String: String] = [:]
        for t in try results(file)["tests"] as? [[String: Any]] ?? [] {
            map[t["id"] as! String] = "\(t["status"]!) \(t["exit_status"] ?? "-") \(t["output"] ?? "")"
        }
        return map
    }

    /// `count` links to one ELF under distinct names (test ids come from the names).
    func copies(of elf: String, count: Int) throws -> String {
        try requireFirmware(elf)
        let folder = dir.appendingPathComponent("elfs")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for i in 0..<count {
            try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent(String(format: "copy-%02d.elf", i)).path,
                                                       withDestinationPath: elf)
        }
        return folder.path + "/*.elf"
    }

    // MARK: Running

    func testParallelRunPassesAndIsFasterThanOneJob() throws {
        // Each run spins until pulpsim's wall-clock --timeout (exit 124): its length does not
        // depend on how busy the machine's cores are, so the speed-up of -j 2 is certain (--history 0:
        // no replay of the run for the report).
        let glob = try copies(of: Paths.firmware("spike", "fault-loop"), count: 4)
        func timed(_ jobs: Int) throws -> Double {
            let start = Date()
            let r = try runCLI(["test", glob, "--platform", "spike", "--expect-exit", "124", "--timeout", "1",
                                "--max-instructions", "1e12", "--history", "0", "-j", String(jobs), "--json", path("j\(jobs).json"), "--no-artifacts"],
                               exits: 0)
            XCTAssertTrue(r.stdout.hasSuffix("4 passed, 0 failed\n"), r.stdout)
            return Date().timeIntervalSince(start)
        }
        let one = try timed(1), two = try timed(2)
        XCTAssertGreaterThan(one, 4 * 1.0)
        XCTAssertLessThan(two, one * 0.8, "-j 2 took \(two) s, -j 1 \(one) s")
        XCTAssertEqual(try outcomes(path("j1.json")).count, 4)
        XCTAssertEqual(Set(try outcomes(path("j1.json")).values), ["pass 124 "])
    }

    func testResultsDoNotDependOnTheNumberOfJobs() throws {
        let glob = try copies(of: Paths.firmware("pulp-cluster", "eu-registers"), count: 6)
        for jobs in [1, 3] {
            let r = try runCLI(["test", glob, "-j", String(jobs), "--json", path("j\(jobs).json"), "--no-artifacts"], exits: 0)
            XCTAssertTrue(r.stdout.hasSuffix("6 passed, 0 failed\n"), r.stdout)
        }
        XCTAssertEqual(try outcomes(path("j1.json")), try outcomes(path("j3.json")))
        XCTAssertEqual(try outcomes(path("j1.json")).count, 6)
    }

    func testHungCrashedAndMissingChildrenCostOnlyTheirOwnTest() throws {
        let hello = Paths.firmware("spike", "hello")
        try requireFirmware(hello)
        // --gdb 0 makes the child wait for a debugger for ever: the runner kills it.
        let manifest = try write("isolation.toml", """
            [defaults]
            platform = "spike"
            [[test]]
            name = "hangs"
            elf = "\(hello)"
            args = ["--gdb", "0"]
            timeout = 0.3
            [[test]]
            name = "passes"
            elf = "\(hello)"
            [[test]]
            name = "missing"
            elf = "no-such-firmware.elf"
            [[test]]
            name = "no-match"
            elf = "build/*.nothing"
            [[test]]
            name = "loops"
            elf = "\(Paths.firmware("spike", "fault-loop"))"
            timeout = 0.3
            max_instructions = 1e12
            """)
        let r = try runCLI(["test", manifest, "--json", path("r.json"), "--artifacts", path("artifacts")], exits: 1)
        XCTAssertTrue(r.stdout.hasSuffix("1 passed, 4 failed\n"), r.stdout)
        let o = try outcomes(path("r.json"))
        XCTAssertEqual(o["hangs"]?.hasPrefix("timeout - "), true, "\(o)")
        XCTAssertEqual(o["loops"]?.hasPrefix("timeout 124 "), true, "\(o)")  // pulpsim's own --timeout
        XCTAssertEqual(o["passes"]?.hasPrefix("pass 0 Hello from hart 0"), true, "\(o)")
        XCTAssertEqual(o["missing"]?.hasPrefix("error"), true, "\(o)")
        XCTAssertEqual(o["no-match"]?.hasPrefix("error"), true, "\(o)")
        // Artefacts for the failures only; the looping run's report has its last instructions.
        let kept = try FileManager.default.contentsOfDirectory(atPath: path("artifacts")).sorted()
        XCTAssertEqual(kept, ["hangs", "loops", "missing", "no-match"])
        let report = try String(contentsOfFile: path("artifacts/loops/report.txt"), encoding: .utf8)
        XCTAssertTrue(report.contains("last 16 instructions of hart 0"), report)
        XCTAssertTrue(try String(contentsOfFile: path("artifacts/loops/command.txt"), encoding: .utf8).contains("fault-loop.elf"))
    }

    func testInterruptedRunStartsNoNewTestAndReportsWhatRan() throws {
        let glob = try copies(of: Paths.firmware("spike", "fault-loop"), count: 4)
        let process = pulpsimProcess(["test", glob, "--platform", "spike", "--expect-exit", "124", "--timeout", "1.5",
                                      "--max-instructions", "1e12", "--history", "0", "-j", "1", "--json", path("r.json"),
                                      "--junit", path("r.xml"), "--no-artifacts"])
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        Thread.sleep(forTimeInterval: 0.7)
        process.terminate()  // SIGTERM while the first test runs
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 143)
        XCTAssertEqual(try outcomes(path("r.json")).count, 1, "the running test finishes, no other starts")
        XCTAssertEqual(try junitCases(path("r.xml")).count, 1)
    }

    func testChildKilledBySignalIsAnError() throws {
        // A stand-in for pulpsim that crashes as a real one might.
        let crasher = try write("crasher.sh", "#!/bin/sh\nkill -SEGV $$\n")
        chmod(crasher, 0o755)
        let hello = Paths.firmware("spike", "hello")
        try requireFirmware(hello)
        let r = try runCLI(["test", hello, "--pulpsim", crasher, "--json", path("r.json"), "--no-artifacts"], exits: 1)
        XCTAssertTrue(r.stdout.contains("pulpsim died of signal 11 (SIGSEGV)"), r.stdout)
        XCTAssertEqual(try outcomes(path("r.json"))[hello]?.hasPrefix("error"), true)
    }

    // MARK: Shards, merge, reruns

    func testShardsCoverTheListExactlyOnce() throws {
        let manifest = Paths.root.appendingPathComponent("firmware/tests.toml").path
        try requireFirmware(Paths.firmware("spike", "hello"))
        let all = try runCLI(["test", manifest, "--list"], exits: 0).stdout.split(separator: "\n").map(String.init)
        XCTAssertGreaterThan(all.count, 40)
        XCTAssertEqual(Set(all).count, all.count)
        var union: [String] = []
        for i in 1...4 {
            let shard = try runCLI(["test", manifest, "--list", "--shard", "\(i)/4"], exits: 0).stdout.split(separator: "\n").map(String.init)
            XCTAssertLessThanOrEqual(abs(shard.count - all.count / 4), 1)
            union += shard
        }
        XCTAssertEqual(union.count, all.count, "shards overlap or miss tests")
        XCTAssertEqual(Set(union), Set(all))
        // The same split on every run and whatever the order of the inputs.
        XCTAssertEqual(try runCLI(["test", manifest, "--list", "--shard", "3/4"], exits: 0).stdout,
                       try runCLI(["test", manifest, "--list", "--shard", "3/4"], exits: 0).stdout)
        try runCLI(["test", manifest, "--shard", "0/4"], exits: 64)
        try runCLI(["test", manifest, "--shard", "5/4"], exits: 64)
        try runCLI(["test", manifest, "--shard", "1/0"], exits: 64)
    }

    func testMergedShardsEqualOneRun() throws {
        let manifest = Paths.root.appendingPathComponent("firmware/tests.toml").path
        try requireFirmware(Paths.firmware("spike", "hello"))
        let selection = ["--tag", "spike", "--no-artifacts", "--quiet"]
        try runCLI(["test", manifest, "--json", path("whole.json"), "--junit", path("whole.xml")] + selection, exits: 0)
        var shards: [String] = []
        for i in 1...4 {
            try runCLI(["test", manifest, "--shard", "\(i)/4", "--json", path("shard-\(i).json")] + selection, exits: 0)
            shards.append(path("shard-\(i).json"))
        }
        let merged = try runCLI(["test", "merge"] + shards + ["--json", path("merged.json"), "--junit", path("merged.xml")], exits: 0)
        XCTAssertTrue(merged.stdout.contains("pulpsim test: \(try outcomes(path("whole.json")).count) tests"), merged.stdout)
        XCTAssertEqual(try outcomes(path("merged.json")), try outcomes(path("whole.json")))
        XCTAssertGreaterThan(try outcomes(path("merged.json")).count, 20)
        XCTAssertEqual(try junitCases(path("merged.xml")).map(\.name), try junitCases(path("whole.xml")).map(\.name))
        // A test in two inputs, or an input that is not a results file, is refused.
        let twice = try runCLI(["test", "merge", shards[0], shards[1], shards[0]], exits: 64)
        XCTAssertTrue(twice.stderr.contains("is in both"), twice.stderr)
        try runCLI(["test", "merge", manifest], exits: 64)
        try runCLI(["test", "merge", path("none.json")], exits: 64)
    }

    func testRerunFailedRunsOnlyThoseThatDidNotPass() throws {
        let glob = try copies(of: Paths.firmware("spike", "hello"), count: 3)
        let broken = try write("broken.toml", """
            [[test]]
            name = "wrong-exit"
            elf = "\(Paths.firmware("spike", "hello"))"
            platform = "spike"
            expect_exit = 3
            """)
        try runCLI(["test", glob, broken, "--platform", "spike", "--json", path("first.json"), "--no-artifacts"], exits: 1)
        let again = try runCLI(["test", glob, broken, "--platform", "spike", "--rerun-failed", path("first.json"),
                                "--json", path("second.json"), "--no-artifacts"], exits: 1)
        XCTAssertEqual(Array(try outcomes(path("second.json")).keys), ["wrong-exit"])
        XCTAssertTrue(again.stdout.contains("exit status 0, expected 3"), again.stdout)
        let list = try runCLI(["test", glob, broken, "--list", "--rerun-failed", path("first.json")], exits: 0)
        XCTAssertEqual(list.stdout, "wrong-exit\n")
    }

    // MARK: JUnit

    struct JUnitCase { var classname = "", name = "", time = "", failures: [String] = [], errors: [String] = [], out = "" }

    final class JUnitReader: NSObject, XMLParserDelegate {
        var cases: [JUnitCase] = []
        var suites: [[String: String]] = []
        var text = ""
        func parser(_ parser: XMLParser, didStartElement element: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            text = ""
            switch element {
            case "testsuite": suites.append(attributes)
            case "testcase": cases.append(JUnitCase(classname: attributes["classname"] ?? "", name: attributes["name"] ?? "",
                                                    time: attributes["time"] ?? ""))
            case "failure": cases[cases.count - 1].failures.append(attributes["message"] ?? "")
            case "error": cases[cases.count - 1].errors.append(attributes["message"] ?? "")
            default: break
            }
        }
        func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }
        func parser(_ parser: XMLParser, didEndElement element: String, namespaceURI: String?, qualifiedName: String?) {
            if element == "system-out" { cases[cases.count - 1].out = text }
        }
    }

    func junitCases(_ file: String) throws -> [JUnitCase] {
        let parser = try XCTUnwrap(XMLParser(contentsOf: URL(fileURLWithPath: file)))
        let reader = JUnitReader()
        parser.delegate = reader
        XCTAssertTrue(parser.parse(), "\(file): \(parser.parserError.map { "\($0)" } ?? "") at line \(parser.lineNumber)")
        return reader.cases
    }

    func testJUnitIsValidAndEscapesEverything() throws {
        let hello = Paths.firmware("spike", "hello")
        try requireFirmware(hello)
        // Names and expected output with XML's special characters and control characters.
        let manifest = try write("junit.toml", #"""
            [defaults]
            platform = "spike"
            [[test]]
            name = "ok <&> \"quoted\" 'single'"
            elf = "\#(hello)"
            [[test]]
            name = "bell\u0007 and escape\u001b[1m"
            elf = "\#(hello)"
            expect_stdout = "text with \u0001 <b>&amp;</b> ]]> \u000c"
            [[test]]
            name = "exits 7"
            elf = "\#(hello)"
            expect_exit = 7
            [[test]]
            name = "gone"
            elf = "missing.elf"
            """#)
        try runCLI(["test", manifest, "--junit", path("out.xml"), "--no-artifacts"], exits: 1)
        let xml = try String(contentsOfFile: path("out.xml"), encoding: .utf8)
        XCTAssertFalse(xml.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" && $0 != "\t" }, "raw control characters in the XML")
        let cases = try junitCases(path("out.xml"))
        XCTAssertEqual(cases.map(\.name).sorted(), ["bell\\u{0007} and escape\\u{001B}[1m", "exits 7", "gone",
                                                    "ok <&> \"quoted\" 'single'"])
        let byName = Dictionary(uniqueKeysWithValues: cases.map { ($0.name, $0) })
        XCTAssertEqual(byName["ok <&> \"quoted\" 'single'"]?.failures, [])
        XCTAssertTrue(byName["ok <&> \"quoted\" 'single'"]?.out.hasPrefix("Hello from hart 0 of pulpsim!\n") ?? false)
        XCTAssertEqual(byName["ok <&> \"quoted\" 'single'"]?.classname, "pulpsim.spike")
        XCTAssertEqual(byName["exits 7"]?.failures.first?.hasPrefix("exit status 0, expected 7"), true)
        XCTAssertEqual(byName["gone"]?.errors.count, 1)
        let mismatch = try XCTUnwrap(byName["bell\\u{0007} and escape\\u{001B}[1m"]?.failures.first)
        XCTAssertTrue(mismatch.contains("expected 'text with \\u{0001} <b>&amp;</b> ]]> \\u{000C}'"), mismatch)
        for c in cases { XCTAssertNotNil(Double(c.time), c.time) }
    }

    // MARK: Bad input

    func testBadManifestsAreUsageErrorsNamingFileLineAndField() throws {
        let cases: [(String, String, [String])] = [
            ("syntax", "[[test]]\nname = \"a\"\nelf = = 1\n", ["syntax.toml:3:", "invalid TOML"]),
            ("unknown-field", "[[test]]\nname = \"a\"\nelf = \"a.elf\"\nexpected_exit = 1\n", ["unknown-field.toml:4:", "'expected_exit'"]),
            ("wrong-type", "[[test]]\nname = \"a\"\nelf = \"a.elf\"\nexpect_exit = \"zero\"\n", ["wrong-type.toml:4:", "'expect_exit'", "integer"]),
            ("range", "[[test]]\nelf = \"a.elf\"\nexpect_exit = 256\n", ["range.toml:3:", "'expect_exit'"]),
            ("no-elf", "[[test]]\nname = \"a\"\n", ["no-elf.toml:1:", "no 'elf'"]),
            ("no-tests", "[defaults]\nplatform = \"spike\"\n", ["no-tests.toml", "no tests"]),
            ("platform", "[defaults]\nplatform = \"arm\"\n[[test]]\nelf = \"a.elf\"\n", ["platform.toml:2:", "unknown platform 'arm'"]),
            ("defaults-elf", "[defaults]\nelf = \"a.elf\"\n[[test]]\nelf = \"a.elf\"\n", ["defaults-elf.toml:2:", "unknown field 'elf'"]),
            ("top", "tests = 1\n", ["top.toml:1:", "unknown top-level key 'tests'"]),
            ("regex", "[[test]]\nelf = \"a.elf\"\nexpect_stdout_regex = \"([\"\n", ["regex.toml:3:", "expect_stdout_regex"]),
            ("stdout-file", "[[test]]\nelf = \"a.elf\"\nexpect_stdout_file = \"nowhere.txt\"\n", ["stdout-file.toml:3:", "nowhere.txt"]),
            ("args", "[[test]]\nelf = \"a.elf\"\nargs = [\"--json\"]\n", ["args.toml:3:", "--json"]),
            ("timeout", "[[test]]\nelf = \"a.elf\"\ntimeout = -1\n", ["timeout.toml:3:", "'timeout'"]),
            ("duplicate", "[[test]]\nname = \"x\"\nelf = \"a.elf\"\n[[test]]\nname = \"x\"\nelf = \"b.elf\"\n", ["two tests have the id 'x'"]),
            ("binary", "\u{0}\u{1}\u{2}", ["binary.toml", "NUL"]),
            // Headers on which the TOML parser aborts instead of reporting an error.
            ("header", "[[test]]\nelf = \"a.elf\"\n[[ ;x]]\n", ["header.toml:3:", "table header"]),
            ("header2", "[[[test]]\nelf = \"a.elf\"\n", ["header2.toml:1:", "table header"]),
        ]
        for (name, text, fragments) in cases {
            let manifest = try write("\(name).toml", text)
            let r = try runCLI(["test", manifest, "--no-artifacts"], exits: 64)
            for fragment in fragments { XCTAssertTrue(r.stderr.contains(fragment), "\(name): '\(fragment)' not in: \(r.stderr)") }
            XCTAssertFalse(r.stderr.contains("Fatal error"), r.stderr)
        }
        let missing = try runCLI(["test", path("absent.toml")], exits: 64)
        XCTAssertTrue(missing.stderr.contains("absent.toml: no such manifest"), missing.stderr)
        try runCLI(["test"], exits: 64)
        try runCLI(["test", path("x.elf"), "--jobs", "0"], exits: 64)
        try runCLI(["test", path("x.elf"), "--filter", "(("], exits: 64)
        try runCLI(["test", path("x.elf"), "--rerun-failed", path("absent.json")], exits: 64)
    }

    func testHelpHasExamples() throws {
        let r = try runCLI(["test", "--help"], exits: 0)
        XCTAssertTrue(r.stdout.contains("pulpsim test firmware/tests.toml -j 8 --junit junit.xml"), r.stdout)
        XCTAssertTrue(try runCLI(["test", "merge", "--help"], exits: 0).stdout.contains("USAGE: pulpsim test merge"))
    }
}
