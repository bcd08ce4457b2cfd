// `pulpsim test` and `pulpsim test merge`: the regression-farm front end (docs/regression-farm.md).

import ArgumentParser
import Foundation
import PulpSim

extension PulpSimCommand {
    /// `pulpsim test` (the front end of Fuzz/Sources/fuzz-cli-options has none).
    static let farmSubcommands: [ParsableCommand.Type] = [Test.self]

    /// `pulpsim test merge ...` goes to `TestMerge`: `pulpsim test` itself takes any word as an
    /// input, so merge cannot be an ordinary subcommand of it.
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.count >= 2, arguments[0] == "test", arguments[1] == "merge" {
            TestMerge.main(Array(arguments.dropFirst(2)))
        } else {
            main(nil)
        }
    }
}

struct Test: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run many firmware tests in parallel child processes; JUnit and JSON reports, shards.",
        discussion: """
        Each input is a manifest (*.toml; schema in docs/regression-farm.md) or an ELF path or glob (quote globs), run with --platform and judged by --expect-exit. Every test runs as a child `pulpsim run --json --quiet` process, so a crash or hang costs only that test (a child still running past its timeout is killed and reported as a timeout).

        Examples:
          pulpsim test firmware/tests.toml
          pulpsim test firmware/tests.toml -j 8 --junit junit.xml --json results.json
          pulpsim test 'firmware/build/spike/isa-*.elf' --platform spike
          pulpsim test 'build/*.elf' --expect-exit 0 --timeout 30
          pulpsim test firmware/tests.toml --tag isa --filter 'rv32[im]'
          pulpsim test firmware/tests.toml --shard 2/4 --json shard-2.json
          pulpsim test merge shard-*.json --junit junit.xml --json all.json
          pulpsim test firmware/tests.toml --rerun-failed all.json
          pulpsim test firmware/tests.toml --list --shard 2/4

        Shards are numbered from 1: --shard i/n with 1 <= i <= n (a Slurm array --array=1-n gives --shard $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT). The selected tests (after --filter, --tag and --rerun-failed) are sorted by id and dealt round-robin, so the n shards cover them exactly once.

        Exit status: 0 every test passed (or none was selected), 1 some test failed, errored or timed out, 64 usage error (bad manifest or option), 74 a report could not be written, 130/143 interrupted by SIGINT/SIGTERM (no new test starts, the running ones finish, the reports cover what ran; a second signal ends it at once). The artefacts of the tests that did not pass (the child's JSON result, the firmware's output, the end-of-run report with the last instructions of each hart, the command) are kept in --artifacts.
        """)

    @Argument(help: "Manifests (*.toml) and ELF paths or globs.")
    var inputs: [String] = []

    @Option(name: .shortAndLong, help: "Tests run at once (default: the number of cores).")
    var jobs: Int?

    @Option(help: "Only the tests whose id matches this regular expression (anywhere in the id).")
    var filter: String?

    @Option(parsing: .singleValue, help: "Only the tests with this tag (repeatable: any of them).")
    var tag: [String] = []

    @Option(help: "Run only shard i of n (1 <= i <= n), e.g. --shard 2/4 or --shard $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT.")
    var shard: String?

    @Option(help: "Run only the tests that did not pass in this results JSON (--json of an earlier run).")
    var rerunFailed: String?

    @Option(help: "Write JUnit XML here.")
    var junit: String?

    @Option(help: "Write every test's result as JSON here (input of merge and --rerun-failed).")
    var json: String?

    @Option(help: "Keep the artefacts of tests that did not pass in this folder, one subfolder per test.")
    var artifacts: String = "pulpsim-test-artifacts"

    @Flag(help: "Keep no artefacts.")
    var noArtifacts = false

    @Option(help: "Platform of the ELFs named on the command line: pulp-cluster, pulp, spike or redmule-tb.")
    var platform: PlatformKind = .pulpCluster

    @Option(help: "Expected exit status of the ELFs named on the command line.")
    var expectExit: Int = 0

    @Option(help: "Wall-clock limit in seconds of each test without a timeout of its own.")
    var timeout: Double = 60

    @Option(help: "Instruction limit (exit 123) of each test without one of its own. Accepts 1e9.")
    var maxInstructions: String?

    @Option(help: "Last instructions per hart in the report of a failed run (pulpsim run --history; default 16).")
    var history: Int?

    @Flag(help: "Print the ids of the selected tests (after --filter, --tag, --rerun-failed, --shard) and run nothing.")
    var list = false

    @Flag(help: "No progress line, no line per failure; only the last line of the summary.")
    var quiet = false

    /// Runs the tests with this executable instead of this one (tests of the runner).
    @Option(help: .hidden)
    var pulpsim: String?

    /// Only parse this manifest (TestManifest.probe).
    @Option(help: .hidden)
    var parseManifest: String?

    func validate() throws {
        if parseManifest != nil { return }
        if let jobs, !(1...1024).contains(jobs) { throw ValidationError("--jobs must be between 1 and 1024 (got \(jobs))") }
        if !(timeout.isFinite && timeout > 0) { throw ValidationError("--timeout must be a number of seconds greater than 0 (got \(timeout))") }
        if !(0...255).contains(expectExit) { throw ValidationError("--expect-exit must be from 0 to 255 (got \(expectExit))") }
        _ = try Run.parseCount(maxInstructions, "--max-instructions")
        try Run.check("--history", history, Run.historyRange)
        if let filter, (try? NSRegularExpression(pattern: filter)) == nil {
            throw ValidationError("--filter '\(filter)' is not a valid regular expression")
        }
        _ = try Test.parseShard(shard)
        if inputs.isEmpty {
            throw ValidationError("name a manifest (*.toml) or ELF files to run, e.g. pulpsim test firmware/tests.toml")
        }
    }

    /// "i/n" → (i, n), 1-based.
    static func parseShard(_ text: String?) throws -> (index: Int, count: Int)? {
        guard let text else { return nil }
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let i = Int(parts[0].trimmingCharacters(in: .whitespaces)),
              let n = Int(parts[1].trimmingCharacters(in: .whitespaces)), n >= 1 else {
            throw ValidationError("--shard expects i/n with whole numbers 1 <= i <= n, such as 2/4 (got '\(text)')")
        }
        if i == 0 {
            throw ValidationError("--shard \(text): shards are numbered from 1 to \(n); with a 0-based index (a Slurm array --array=0-\(n - 1)) pass $((i + 1))/\(n)")
        }
        guard (1...n).contains(i) else { throw ValidationError("--shard \(text): i must be from 1 to \(n)") }
        return (i, n)
    }

    /// The tests of shard `index` (1-based) of `count`: sorted by id, dealt round-robin.
    static func select(shard index: Int, of count: Int, _ tests: [TestCase]) -> [TestCase] {
        tests.sorted { idOrder($0.id, $1.id) }.enumerated().filter { $0.offset % count == index - 1 }.map(\.element)
    }

    func run() throws {
        if let parseManifest { TestManifest.parseOnly(path: parseManifest) }
        let started = Date()
        var tests: [TestCase] = []
        var template = TestSpec(elf: "")
        template.platform = platform.rawValue
        template.expectExit = expectExit
        var elfs: [String] = []
        do {
            for input in inputs {
                if input.hasSuffix(".toml") {
                    tests += try TestManifest.load(path: input)
                } else {
                    elfs.append(input)
                }
            }
        } catch {
            fail("\(error)", status: ExitStatus.usage)
        }
        tests += TestManifest.commandLine(elfs, template: template)
        // Ids must be unique: they name the tests in shards, merges, reruns and artefacts.
        var seen: [String: String] = [:]
        for t in tests {
            if let other = seen[t.id] {
                fail("two tests have the id '\(t.id)' (\(other) and \(t.spec.origin)); give them distinct names", status: ExitStatus.usage)
            }
            seen[t.id] = t.spec.origin
        }
        for i in tests.indices {
            if tests[i].spec.maxInstructions == nil { tests[i] = with(tests[i]) { $0.spec.maxInstructions = maxInstructions } }
        }
        if let filter, let regex = try? NSRegularExpression(pattern: filter) {
            tests = tests.filter { regex.firstMatch(in: $0.id, range: NSRange($0.id.startIndex..., in: $0.id)) != nil }
        }
        if !tag.isEmpty { tests = tests.filter { !Set($0.spec.tags).isDisjoint(with: tag) } }
        if let rerunFailed {
            let previous: TestResults
            do { previous = try TestResults.read(path: rerunFailed) } catch { fail("--rerun-failed: \(error)", status: ExitStatus.usage) }
            let failed = Set(previous.outcomes.filter { $0.status != .pass }.map(\.id))
            let known = Set(tests.map(\.id))
            let gone = failed.subtracting(known)
            if !gone.isEmpty && !quiet {
                writeStderr("pulpsim test: warning: \(gone.count) failed test\(gone.count == 1 ? "" : "s") of \(rerunFailed) not selected now: "
                            + gone.sorted().prefix(5).joined(separator: ", ") + (gone.count > 5 ? ", ..." : "") + "\n")
            }
            tests = tests.filter { failed.contains($0.id) }
        }
        tests.sort { idOrder($0.id, $1.id) }
        let shardSpec = try! Test.parseShard(shard)
        if let shardSpec { tests = Test.select(shard: shardSpec.index, of: shardSpec.count, tests) }
        if list {
            for t in tests { print(t.id) }
            return
        }
        let jobs = self.jobs ?? ProcessInfo.processInfo.activeProcessorCount
        let runner: TestRunner
        do {
            runner = try TestRunner(executable: pulpsim ?? Test.ownExecutable(), jobs: jobs, defaultTimeout: timeout, history: history,
                                    artifactsDirectory: noArtifacts ? nil : artifacts, progress: !quiet && isatty(2) != 0,
                                    verbose: !quiet)
        } catch {
            fail("\(error)", status: ExitStatus.simulatorError)
        }
        // SIGINT or SIGTERM: no new test starts, and the reports cover the tests that ran.
        installInterruptHandlers()
        let outcomes = runner.run(tests)
        let results = TestResults(outcomes: outcomes.compactMap { $0 }, wallSeconds: Date().timeIntervalSince(started), jobs: jobs,
                                  shard: shard, started: started)
        let signal = pendingSignal.load(ordering: .relaxed)
        if signal != 0 {
            let missed = outcomes.filter { $0 == nil }.count
            writeStderr("pulpsim test: interrupted by signal \(signal): \(missed) of \(tests.count) tests not run; the reports cover the others\n")
        }
        try Test.finish(results, json: json, junit: junit, quiet: quiet, interrupted: signal)
    }

    /// Writes the reports, prints the summary and exits 0 (all passed), 1 or 74.
    static func finish(_ results: TestResults, json: String?, junit: String?, quiet: Bool, interrupted: Int32 = 0) throws -> Never {
        var writeFailed = false
        func write(_ data: Data, to path: String, _ what: String) {
            do {
                let dir = (path as NSString).deletingLastPathComponent
                if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
                try data.write(to: URL(fileURLWithPath: path))
            } catch {
                writeStderr("pulpsim test: error: cannot write the \(what) to \(path): \(error.localizedDescription)\n")
                writeFailed = true
            }
        }
        if let json { write(results.json(), to: json, "results JSON") }
        if let junit { write(Data(results.junit().utf8), to: junit, "JUnit XML") }
        let summary = results.summary()
        if quiet {
            print(String(summary.split(separator: "\n").last ?? ""))
        } else {
            print(summary, terminator: "")
        }
        fflush(nil)
        if interrupted != 0 { throw ExitCode(128 + interrupted) }
        if writeFailed { throw ExitCode(ExitStatus.outputError) }
        throw ExitCode(results.passed ? 0 : 1)
    }

    /// This executable: the children run `pulpsim run` with it.
    static func ownExecutable() -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        if n > 0 { return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) }
        return URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
    }
}

func with<T>(_ value: T, _ change: (inout T) -> Void) -> T {
    var copy = value
    change(&copy)
    return copy
}

struct TestMerge: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pulpsim test merge",
        abstract: "Combine the results JSON of several shards into one report.",
        discussion: """
        Every test must appear in exactly one file. Prints the summary and exits 0 if every test passed, 1 otherwise (64: unreadable or inconsistent inputs).

        Example:
          pulpsim test merge shard-1.json shard-2.json shard-3.json shard-4.json --junit junit.xml --json all.json
        """)

    @Argument(help: "Results JSON files written by pulpsim test --json.")
    var files: [String]

    @Option(help: "Write the merged JUnit XML here.")
    var junit: String?

    @Option(help: "Write the merged results JSON here.")
    var json: String?

    @Flag(help: "Print only the last line of the summary.")
    var quiet = false

    func validate() throws {
        if files.isEmpty { throw ValidationError("name the results JSON files to merge") }
    }

    func run() throws {
        var parts: [(path: String, results: TestResults)] = []
        do {
            for file in files { parts.append((file, try TestResults.read(path: file))) }
            let merged = try TestResults.merge(parts)
            try Test.finish(merged, json: json, junit: junit, quiet: quiet)
        } catch let error as ManifestError {
            fail(error.description, status: ExitStatus.usage)
        }
    }
}
