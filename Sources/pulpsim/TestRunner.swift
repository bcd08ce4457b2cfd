// `pulpsim test`: runs each test as a child `pulpsim run --json --quiet` process, several at once,
// and judges its outcome. A child that crashes or hangs costs only its own test.

import Foundation
import Synchronization

/// How a test ended.
enum TestStatus: String, Sendable, CaseIterable {
    case pass, fail, error, timeout
}

/// The outcome of one test, as written to the results JSON (and read back by `merge` and
/// `--rerun-failed`).
struct TestOutcome: Sendable {
    var id: String
    var suite: String
    var elf: String
    var platform: String
    var tags: [String]
    var status: TestStatus
    /// Why it did not pass (empty when it passed).
    var message: String
    var expectedExit: Int
    /// The child's exit status (nil: it did not exit, killed or died by a signal).
    var exitStatus: Int?
    /// The end reason reported by the child ("exit", "trap", "timeout", ...).
    var reason: String?
    var instructions: UInt64?
    var cycles: UInt64?
    var seconds: Double
    /// The command that reproduces the run.
    var command: [String]
    /// The firmware's output (the child's stderr under --json).
    var output: String
    /// The end-of-run report of the child (with the last instructions of each hart), if any.
    var report: String?
    /// The child's JSON result, verbatim.
    var result: Data?
    /// Where its artefacts were kept (failures only).
    var artifacts: String?

    static let outputLimit = 64 * 1024

    /// `text`, or its last `outputLimit` bytes with a note of how much was left out.
    static func clip(_ text: String) -> String {
        let bytes = Array(text.utf8)
        guard bytes.count > outputLimit else { return text }
        return "[\(bytes.count - outputLimit) bytes left out]\n" + String(decoding: bytes.suffix(outputLimit), as: UTF8.self)
    }

    func json() -> [String: Any] {
        var o: [String: Any] = [
            "id": id, "suite": suite, "elf": elf, "platform": platform, "tags": tags, "status": status.rawValue,
            "message": message, "expected_exit": expectedExit, "seconds": (seconds * 1e4).rounded() / 1e4,
            "command": command, "output": TestOutcome.clip(output),
        ]
        if let exitStatus { o["exit_status"] = exitStatus }
        if let reason { o["reason"] = reason }
        if let instructions { o["instructions"] = instructions }
        if let cycles { o["cycles"] = cycles }
        if let report { o["report"] = report }
        if let result, let object = try? JSONSerialization.jsonObject(with: result) { o["result"] = object }
        if let artifacts { o["artifacts"] = artifacts }
        return o
    }

    init(id: String, suite: String, elf: String, platform: String, tags: [String], status: TestStatus, message: String,
         expectedExit: Int, seconds: Double, command: [String], output: String) {
        self.id = id; self.suite = suite; self.elf = elf; self.platform = platform; self.tags = tags; self.status = status
        self.message = message; self.expectedExit = expectedExit; self.seconds = seconds; self.command = command; self.output = output
    }

    /// Reads an entry of a results JSON; nil if it is not one.
    init?(json o: [String: Any]) {
        guard let id = o["id"] as? String, let statusName = o["status"] as? String, let status = TestStatus(rawValue: statusName)
        else { return nil }
        self.id = id
        self.status = status
        suite = o["suite"] as? String ?? "pulpsim"
        elf = o["elf"] as? String ?? ""
        platform = o["platform"] as? String ?? ""
        tags = o["tags"] as? [String] ?? []
        message = o["message"] as? String ?? ""
        expectedExit = (o["expected_exit"] as? NSNumber)?.intValue ?? 0
        exitStatus = (o["exit_status"] as? NSNumber)?.intValue
        reason = o["reason"] as? String
        instructions = (o["instructions"] as? NSNumber)?.uint64Value
        cycles = (o["cycles"] as? NSNumber)?.uint64Value
        seconds = (o["seconds"] as? NSNumber)?.doubleValue ?? 0
        command = o["command"] as? [String] ?? []
        output = o["output"] as? String ?? ""
        report = o["report"] as? String
        if let r = o["result"], JSONSerialization.isValidJSONObject(r) {
            result = try? JSONSerialization.data(withJSONObject: r, options: [.sortedKeys, .withoutEscapingSlashes])
        }
        artifacts = o["artifacts"] as? String
    }
}

/// Runs test cases in child processes.
final class TestRunner: Sendable {
    let executable: String
    let jobs: Int
    let defaultTimeout: Double
    let history: Int?
    let artifactsDirectory: String?
    let progress: Bool
    let verbose: Bool
    /// Scratch folder for the children's output files.
    let scratch: String

    init(executable: String, jobs: Int, defaultTimeout: Double, history: Int?, artifactsDirectory: String?, progress: Bool,
         verbose: Bool) throws {
        self.executable = executable
        self.jobs = jobs
        self.defaultTimeout = defaultTimeout
        self.history = history
        self.artifactsDirectory = artifactsDirectory
        self.progress = progress
        self.verbose = verbose
        var template = Array((NSTemporaryDirectory() as NSString).appendingPathComponent("pulpsim-test-XXXXXX").utf8CString)
        guard let dir = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw ManifestError("cannot create a scratch folder in \(NSTemporaryDirectory())")
        }
        scratch = String(cString: dir)
    }

    /// The `pulpsim run` arguments of a test (after the executable).
    func arguments(_ test: TestCase) -> [String] {
        var a = ["run", "--json", "--quiet", "--platform", test.spec.platform]
        if let m = test.spec.maxInstructions { a += ["--max-instructions", m] }
        if let m = test.spec.maxCycles { a += ["--max-cycles", m] }
        a += ["--timeout", String(test.spec.timeout ?? defaultTimeout)]
        if let history { a += ["--history", String(history)] }
        a += test.spec.args
        a += ["--", test.elf]
        return a
    }

    private struct State {
        var next = 0
        var done = 0
        var counts: [TestStatus: Int] = [:]
        var running: [Int: String] = [:]
        var outcomes: [TestOutcome?]
    }

    /// Runs every test, `jobs` at a time; outcomes in the order of `tests` (nil: not run, the
    /// runner was interrupted).
    func run(_ tests: [TestCase]) -> [TestOutcome?] {
        let state = Box(Mutex(State(outcomes: Array(repeating: nil, count: tests.count))))
        let group = DispatchGroup()
        let workers = max(1, min(jobs, tests.count))
        for _ in 0..<workers {
            group.enter()
            let thread = Thread { [self] in
                while true {
                    let index: Int? = state.value.withLock { s in
                        // After SIGINT or SIGTERM no new test starts; those running finish.
                        guard s.next < tests.count, pendingSignal.load(ordering: .relaxed) == 0 else { return nil }
                        defer { s.next += 1 }
                        s.running[s.next] = tests[s.next].id
                        return s.next
                    }
                    guard let index else { break }
                    let outcome = runOne(tests[index])
                    let line: String = state.value.withLock { s in
                        s.outcomes[index] = outcome
                        s.done += 1
                        s.counts[outcome.status, default: 0] += 1
                        s.running[index] = nil
                        return progressLine(done: s.done, total: tests.count, counts: s.counts,
                                            running: s.running.sorted { $0.key < $1.key }.first?.value)
                    }
                    report(outcome, progress: line)
                }
                group.leave()
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        group.wait()
        if progress { writeStderr("\r\u{1B}[K") }
        try? FileManager.default.removeItem(atPath: scratch)
        return state.value.withLock { s in s.outcomes }
    }

    private let outputLock = Mutex(())

    /// Shows a finished test: failures as a line of their own, then the progress line.
    func report(_ outcome: TestOutcome, progress line: String) {
        outputLock.withLock { _ in
            var text = progress ? "\r\u{1B}[K" : ""
            if outcome.status != .pass && verbose {
                text += "\(outcome.status.rawValue.uppercased()) \(outcome.id): \(outcome.message)\n"
            }
            if progress { text += line }
            if !text.isEmpty { writeStderr(text) }
        }
    }

    func progressLine(done: Int, total: Int, counts: [TestStatus: Int], running: String?) -> String {
        let names: [TestStatus: String] = [.pass: "passed", .fail: "failed", .error: "errors", .timeout: "timed out"]
        let parts = TestStatus.allCases.compactMap { s in counts[s].map { "\($0) \(names[s]!)" } }.joined(separator: ", ")
        var line = "[\(done)/\(total)] \(parts)"
        if let running, done < total { line += "  running \(running)" }
        return String(line.prefix(terminalWidth() - 1))
    }

    func terminalWidth() -> Int {
        var size = winsize()
        if ioctl(2, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 20 { return Int(size.ws_col) }
        return 100
    }

    /// Runs one test and judges it.
    func runOne(_ test: TestCase) -> TestOutcome {
        let arguments = arguments(test)
        var outcome = TestOutcome(id: test.id, suite: test.spec.suite, elf: test.elf, platform: test.spec.platform,
                                  tags: test.spec.tags, status: .error, message: "", expectedExit: test.spec.expectExit,
                                  seconds: 0, command: ["pulpsim"] + arguments, output: "")
        if let problem = test.problem {
            outcome.message = problem
            keepArtifacts(&outcome, stdout: Data(), stderr: Data())
            return outcome
        }
        let timeout = test.spec.timeout ?? defaultTimeout
        // The child stops itself at --timeout (exit 124, with its report); it is killed only if
        // it does not, a little later.
        let killAfter = timeout * 1.1 + 2
        let key = UUID().uuidString
        let outPath = (scratch as NSString).appendingPathComponent("\(key).out")
        let errPath = (scratch as NSString).appendingPathComponent("\(key).err")
        defer {
            unlink(outPath)
            unlink(errPath)
        }
        let start = Date()
        let child: ChildResult
        do { child = try spawnAndWait(executable, arguments, stdout: outPath, stderr: errPath, killAfter: killAfter) } catch {
            outcome.message = "cannot start \(executable): \(error)"
            return outcome
        }
        outcome.seconds = Date().timeIntervalSince(start)
        let stdout = FileManager.default.contents(atPath: outPath) ?? Data()
        let stderr = FileManager.default.contents(atPath: errPath) ?? Data()
        outcome.output = String(decoding: stderr, as: UTF8.self)
        judge(&outcome, test: test, child: child, stdout: stdout, timeout: timeout)
        if outcome.status != .pass { keepArtifacts(&outcome, stdout: stdout, stderr: stderr) }
        // (The reports keep the end of the output; the artefacts have all of it.)
        outcome.output = TestOutcome.clip(outcome.output)
        return outcome
    }

    /// Sets the status and message from how the child ended.
    func judge(_ outcome: inout TestOutcome, test: TestCase, child: ChildResult, stdout: Data, timeout: Double) {
        let json = (try? JSONSerialization.jsonObject(with: stdout)) as? [String: Any]
        if let json {
            outcome.result = stdout
            outcome.reason = json["reason"] as? String
            outcome.instructions = (json["instructions"] as? NSNumber)?.uint64Value
            outcome.cycles = (json["cycles"] as? NSNumber)?.uint64Value
            outcome.report = json["message"] as? String
        }
        switch child {
        case .killed:
            outcome.status = .timeout
            outcome.message = String(format: "killed after %.1f s: the run did not end within its timeout of %g s", outcome.seconds, timeout)
            return
        case .signaled(let signal):
            outcome.status = .error
            outcome.message = "pulpsim died of signal \(signal) (\(signalName(signal)))"
            return
        case .exited(let status):
            outcome.exitStatus = Int(status)
        }
        let status = outcome.exitStatus!
        guard json != nil else {
            // No JSON result: the child stopped before running (bad option, unreadable ELF).
            outcome.status = .error
            let detail = outcome.output.split(separator: "\n").last.map(String.init) ?? ""
            outcome.message = "pulpsim exited with status \(status) without a result" + (detail.isEmpty ? "" : ": \(detail)")
            return
        }
        var problems: [String] = []
        if status != test.spec.expectExit {
            var text = "exit status \(status), expected \(test.spec.expectExit)"
            if let reason = outcome.reason, reason != "exit" { text += " (\(reason))" }
            if let first = outcome.report?.split(separator: "\n").first { text += ": \(first)" }
            problems.append(text)
        }
        let output = outcome.output
        if let expected = test.spec.expectStdout, output != expected {
            problems.append("the output differs from expect_stdout" + firstDifference(output, expected))
        }
        if let expected = test.spec.expectStdoutFile, output != expected {
            problems.append("the output differs from expect_stdout_file" + firstDifference(output, expected))
        }
        if let pattern = test.spec.expectStdoutRegex, let regex = try? NSRegularExpression(pattern: pattern, options: []),
           regex.firstMatch(in: output, range: NSRange(output.startIndex..., in: output)) == nil {
            problems.append("the output does not match expect_stdout_regex '\(pattern)'")
        }
        if problems.isEmpty {
            outcome.status = .pass
            return
        }
        outcome.message = problems.joined(separator: "; ")
        switch (outcome.reason, status) {
        case ("timeout", _) where status != test.spec.expectExit: outcome.status = .timeout
        case ("invalid-elf", _), ("simulator-error", _), (_, 64): outcome.status = status == test.spec.expectExit ? .fail : .error
        default: outcome.status = .fail
        }
    }

    /// " (line N: got '...', expected '...')".
    func firstDifference(_ got: String, _ expected: String) -> String {
        let g = got.split(separator: "\n", omittingEmptySubsequences: false)
        let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
        for i in 0..<max(g.count, e.count) {
            let a = i < g.count ? String(g[i]) : "<end>"
            let b = i < e.count ? String(e[i]) : "<end>"
            if a != b { return " (line \(i + 1): got '\(a.prefix(80))', expected '\(b.prefix(80))')" }
        }
        return ""
    }

    /// Keeps the child's output, result and report of a test that did not pass.
    func keepArtifacts(_ outcome: inout TestOutcome, stdout: Data, stderr: Data) {
        guard let artifactsDirectory else { return }
        let dir = (artifactsDirectory as NSString).appendingPathComponent(TestRunner.fileName(outcome.id))
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            func write(_ name: String, _ data: Data) throws {
                try data.write(to: URL(fileURLWithPath: (dir as NSString).appendingPathComponent(name)))
            }
            for stale in ["result.json", "output.txt", "report.txt", "command.txt", "status.txt"] {
                try? FileManager.default.removeItem(atPath: (dir as NSString).appendingPathComponent(stale))
            }
            if !stdout.isEmpty { try write("result.json", stdout) }
            try write("output.txt", stderr)
            if let report = outcome.report { try write("report.txt", Data((report + "\n").utf8)) }
            try write("command.txt", Data((outcome.command.map(shellQuote).joined(separator: " ") + "\n").utf8))
            try write("status.txt", Data("\(outcome.status.rawValue): \(outcome.message)\n".utf8))
            outcome.artifacts = dir
        } catch {
            writeStderr("pulpsim test: warning: cannot keep the artefacts of \(outcome.id) in \(dir): \(error)\n")
        }
    }

    /// A folder name for a test id ('/' and other awkward characters become '_').
    static func fileName(_ id: String) -> String {
        let name = String(id.map { $0.isLetter || $0.isNumber || "-_.+=".contains($0) ? $0 : "_" })
        return name.isEmpty || name.allSatisfy({ $0 == "." }) ? "_" + name : name
    }
}

/// A shared reference to a noncopyable value (a mutex captured by the worker threads).
final class Box<T: ~Copyable & Sendable>: Sendable {
    let value: T
    init(_ value: consuming T) { self.value = value }
}

/// How a child process ended.
enum ChildResult {
    case exited(Int32)
    case signaled(Int32)
    /// Killed by the runner past its deadline.
    case killed
}

struct SpawnError: Error, CustomStringConvertible {
    let description: String
}

/// Starts `path` with `arguments`, stdout and stderr to files, stdin from /dev/null, and waits
/// for it; kills it (SIGKILL) after `killAfter` seconds.
/// `environment` is added to this process's environment.
func spawnAndWait(_ path: String, _ arguments: [String], stdout: String, stderr: String, killAfter: Double,
                  environment: [String] = []) throws -> ChildResult {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
    defer { for p in argv { free(p) } }
    var envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup($0) }
    defer { for p in envp { free(p) } }
    if !environment.isEmpty {
        var i = 0
        while let entry = environ[i] {
            let text = String(cString: entry)
            if !environment.contains(where: { text.hasPrefix(String($0.prefix { $0 != "=" }) + "=") }) { envp.append(strdup(entry)) }
            i += 1
        }
    }
    envp.append(nil)
    var pid: pid_t = 0
    let status = argv.withUnsafeBufferPointer { args in
        environment.isEmpty ? posix_spawn(&pid, path, &actions, nil, args.baseAddress!, environ)
            : envp.withUnsafeBufferPointer { posix_spawn(&pid, path, &actions, nil, args.baseAddress!, $0.baseAddress!) }
    }
    guard status == 0 else { throw SpawnError(description: String(cString: strerror(status))) }
    // A watchdog kills the child at the deadline unless it has ended. The child is waited for
    // without being reaped first (WNOWAIT), so its pid cannot be reused before the watchdog knows.
    let state = Box(Mutex((ended: false, killed: false)))
    let child = pid
    DispatchQueue.global().asyncAfter(deadline: .now() + killAfter) {
        state.value.withLock { s in
            if !s.ended {
                kill(child, SIGKILL)
                s.killed = true
            }
        }
    }
    var info = siginfo_t()
    while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) == -1 {
        guard errno == EINTR else { break }
    }
    let killed = state.value.withLock { s in
        s.ended = true
        return s.killed
    }
    var raw: Int32 = 0
    while waitpid(pid, &raw, 0) == -1 {
        guard errno == EINTR else { throw SpawnError(description: "waitpid: \(String(cString: strerror(errno)))") }
    }
    if killed { return .killed }
    let signal = raw & 0x7f
    return signal == 0 ? .exited((raw >> 8) & 0xff) : .signaled(signal)
}

func signalName(_ signal: Int32) -> String {
    switch signal {
    case SIGSEGV: return "SIGSEGV"
    case SIGABRT: return "SIGABRT"
    case SIGILL: return "SIGILL"
    case SIGBUS: return "SIGBUS"
    case SIGKILL: return "SIGKILL"
    case SIGTERM: return "SIGTERM"
    case SIGTRAP: return "SIGTRAP"
    case SIGFPE: return "SIGFPE"
    default: return "signal \(signal)"
    }
}

func shellQuote(_ s: String) -> String {
    if !s.isEmpty, s.allSatisfy({ $0.isLetter || $0.isNumber || "-_./=:,+@%".contains($0) }) { return s }
    return "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
}

func writeStderr(_ text: String) {
    FileHandle.standardError.write(Data(text.utf8))
}
