// `pulpsim test` manifests: a TOML file listing firmware tests (docs/regression-farm.md), and
// the expansion of its tests (and of ELF globs given on the command line) into the concrete runs.

import Foundation
import PulpSim
import TOMLKit

/// A manifest or command-line problem: `pulpsim test` ends with exit 64 and this message.
struct ManifestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// What a test expects and how it is run: a `[[test]]` entry with the `[defaults]` applied.
struct TestSpec: Sendable {
    var name: String?
    /// A path or a glob, relative to the manifest's folder (already joined with it).
    var elf: String
    var platform: String = PlatformKind.pulpCluster.rawValue
    var args: [String] = []
    var expectExit: Int = 0
    var expectStdout: String?
    var expectStdoutRegex: String?
    /// Resolved to the file's content when the manifest is read.
    var expectStdoutFile: String?
    var maxCycles: String?
    var maxInstructions: String?
    var timeout: Double?
    var tags: [String] = []
    /// The manifest's name (JUnit test suite), "pulpsim" for ELFs named on the command line.
    var suite: String = "pulpsim"
    /// Where the test was declared (messages).
    var origin: String = "command line"
}

/// One concrete run of the expanded test list.
struct TestCase: Sendable {
    /// Unique over the whole list: the test's name, "name/elf-stem" for each ELF of a glob, or
    /// the ELF's path for ELFs named on the command line.
    let id: String
    /// The ELF to run, or nil when the test's ELF is missing (the test is reported as an error).
    let elf: String
    var spec: TestSpec
    /// Why this test cannot run (missing ELF, glob matching nothing): reported as an error.
    var problem: String?
}

enum TestManifest {
    /// The keys a `[[test]]` entry may have; `[defaults]` takes all but name and elf.
    static let testKeys: Set<String> = [
        "name", "elf", "platform", "args", "expect_exit", "expect_stdout", "expect_stdout_regex", "expect_stdout_file",
        "max_cycles", "max_instructions", "timeout", "tags",
    ]
    static let defaultKeys = testKeys.subtracting(["name", "elf"])
    static let topKeys: Set<String> = ["defaults", "test"]

    /// Reads a manifest and expands its tests.
    static func load(path: String) throws -> [TestCase] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ManifestError("\(path): no such manifest")
        }
        guard !isDirectory.boolValue else { throw ManifestError("\(path): is a folder, not a manifest") }
        guard let data = FileManager.default.contents(atPath: path) else { throw ManifestError("\(path): cannot be read") }
        guard let text = String(data: data, encoding: .utf8) else { throw ManifestError("\(path): not UTF-8 text") }
        if text.utf8.contains(0) { throw ManifestError("\(path): contains a NUL byte; not a TOML manifest") }
        try probe(path: path, text: text)
        let table: TOMLTable
        do { table = try TOMLTable(string: text) } catch let error as TOMLParseError {
            throw ManifestError("\(path):\(error.source.begin.line):\(error.source.begin.column): invalid TOML: \(error.description)")
        } catch {
            throw ManifestError("\(path): invalid TOML: \(error)")
        }
        let directory = (path as NSString).deletingLastPathComponent
        let suite = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        let locator = LineLocator(text: text, path: path)
        for key in table.keys where !topKeys.contains(key) {
            let hint = key == "tests" ? "; [[test]], singular" : key == "default" ? "; [defaults], plural" : ""
            throw ManifestError("\(locator.top(key)): unknown top-level key '\(key)' (expected [defaults] and [[test]] entries\(hint))")
        }
        var defaults = TestSpec(elf: "")
        defaults.suite = suite
        if let value = table["defaults"] {
            guard let t = value.table else {
                throw ManifestError("\(locator.top("defaults")): 'defaults' must be a table ([defaults])")
            }
            try apply(t, to: &defaults, keys: defaultKeys, place: { locator.defaults($0) }, what: "[defaults]",
                      directory: directory)
        }
        guard let testsValue = table["test"] else {
            throw ManifestError("\(path): no tests (add [[test]] entries with at least an 'elf')")
        }
        guard let tests = testsValue.array else {
            throw ManifestError("\(locator.top("test")): 'test' must be an array of tables ([[test]])")
        }
        var specs: [TestSpec] = []
        for (index, entry) in tests.enumerated() {
            guard let t = entry.table else {
                throw ManifestError("\(path): test \(index + 1) must be a table ([[test]] with key = value lines)")
            }
            var spec = defaults
            spec.origin = locator.test(index, nil)
            try apply(t, to: &spec, keys: testKeys, place: { locator.test(index, $0) }, what: "test \(index + 1)",
                      directory: directory)
            guard !spec.elf.isEmpty else {
                throw ManifestError("\(locator.test(index, nil)): test \(index + 1)\(spec.name.map { " ('\($0)')" } ?? "") has no 'elf'")
            }
            specs.append(spec)
        }
        return try expand(specs)
    }

    /// The TOML parser inside TOMLKit (toml++) aborts the process on a few malformed inputs (a
    /// table header such as `[[ ;x]]`) instead of reporting an error. A manifest is therefore
    /// parsed once in a child process (`pulpsim test --parse-manifest`) before it is parsed here;
    /// a child that dies means the file is not valid TOML.
    static func probe(path: String, text: String) throws {
        let child: ChildResult
        do {
            // (No backtrace of the child's crash: it would only take time.)
            child = try spawnAndWait(Test.ownExecutable(), ["test", "--parse-manifest", path], stdout: "/dev/null",
                                     stderr: "/dev/null", killAfter: 60, environment: ["SWIFT_BACKTRACE=enable=no"])
        } catch {
            return  // no child to ask: parse here
        }
        // Parsed (0), a syntax error reported (64) or unreadable (66): safe to parse here. Anything
        // else is a parser that died (by a signal, or with a sanitizer's exit status).
        if case .exited(let status) = child, [0, ExitStatus.usage, ExitStatus.cannotOpenInput].contains(status) { return }
        // Point at the likely culprit: a table header that starts with a character a key cannot.
        let header = try! NSRegularExpression(pattern: #"^[ \t]*\[\[?+[ \t]*[^A-Za-z0-9_"' \t-]"#)
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let l = String(line)
            if header.firstMatch(in: l, range: NSRange(l.startIndex..., in: l)) != nil {
                throw ManifestError("\(path):\(i + 1): invalid TOML: a table header's name must start with a letter, a digit, '_', '-' or a quote (got '\(l.trimmingCharacters(in: .whitespaces).prefix(40))')")
            }
        }
        throw ManifestError("\(path): invalid TOML (the TOML parser gave up on it without saying where)")
    }

    /// `pulpsim test --parse-manifest PATH`: parses and exits 0, or 64 for a syntax error (or dies).
    static func parseOnly(path: String) -> Never {
        guard let data = FileManager.default.contents(atPath: path) else { exit(ExitStatus.cannotOpenInput) }
        do { _ = try TOMLTable(string: String(decoding: data, as: UTF8.self)) } catch { exit(ExitStatus.usage) }
        exit(0)
    }

    /// Sets the fields of `table` on `spec`; `place(key)` gives "file:line" for messages.
    static func apply(_ table: TOMLTable, to spec: inout TestSpec, keys: Set<String>, place: (String) -> String, what: String,
                      directory: String) throws {
        for key in table.keys.sorted() {
            guard keys.contains(key) else {
                let known = keys.sorted().joined(separator: ", ")
                throw ManifestError("\(place(key)): \(what): unknown field '\(key)' (known fields: \(known))")
            }
            let value = table[key]!
            func bad(_ expected: String) -> ManifestError {
                ManifestError("\(place(key)): \(what): field '\(key)' must be \(expected) (got \(value.tomlValue.type))")
            }
            func string() throws -> String {
                guard let s = value.string else { throw bad("a string") }
                return s
            }
            func strings() throws -> [String] {
                guard let array = value.array else { throw bad("an array of strings") }
                return try array.map { guard let s = $0.string else { throw bad("an array of strings") }; return s }
            }
            func count() throws -> String {
                if let i = value.int {
                    guard i >= 1 else { throw ManifestError("\(place(key)): \(what): field '\(key)' must be at least 1 (got \(i))") }
                    return String(i)
                }
                if let d = value.double, d >= 1, d < 0x1p64, d == d.rounded() { return String(UInt64(d)) }
                if let s = value.string, (try? Run.parseCount(s, key)) != nil { return s }
                throw bad("a whole number of at least 1, such as 1000000 or 1e6")
            }
            switch key {
            case "name":
                let name = try string()
                guard !name.isEmpty, !name.contains(where: { $0.isNewline }) else {
                    throw ManifestError("\(place(key)): \(what): field 'name' must be a non-empty single-line string")
                }
                spec.name = name
            case "elf":
                let elf = try string()
                guard !elf.isEmpty else { throw ManifestError("\(place(key)): \(what): field 'elf' is empty") }
                spec.elf = elf.hasPrefix("/") || directory.isEmpty ? elf : (directory as NSString).appendingPathComponent(elf)
            case "platform":
                let p = try string()
                guard PlatformKind(rawValue: p) != nil else {
                    let all = ["pulp-cluster", "pulp", "spike", "redmule-tb"].joined(separator: ", ")
                    throw ManifestError("\(place(key)): \(what): unknown platform '\(p)' (one of \(all))")
                }
                spec.platform = p
            case "args":
                if let s = value.string {
                    spec.args = s.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
                } else {
                    spec.args = try strings()
                }
                if let reserved = spec.args.first(where: { ["--json", "--quiet", "--platform"].contains($0.split(separator: "=").first.map(String.init) ?? $0) }) {
                    throw ManifestError("\(place(key)): \(what): 'args' must not contain \(reserved) (the runner sets it; use the 'platform' field)")
                }
            case "expect_exit":
                guard let code = value.int else { throw bad("an integer from 0 to 255") }
                guard (0...255).contains(code) else {
                    throw ManifestError("\(place(key)): \(what): field 'expect_exit' must be from 0 to 255 (got \(code))")
                }
                spec.expectExit = code
            case "expect_stdout":
                spec.expectStdout = try string()
            case "expect_stdout_regex":
                let pattern = try string()
                do { _ = try NSRegularExpression(pattern: pattern, options: []) } catch {
                    throw ManifestError("\(place(key)): \(what): field 'expect_stdout_regex' is not a valid regular expression: '\(pattern)'")
                }
                spec.expectStdoutRegex = pattern
            case "expect_stdout_file":
                let file = try string()
                let resolved = file.hasPrefix("/") || directory.isEmpty ? file : (directory as NSString).appendingPathComponent(file)
                guard let data = FileManager.default.contents(atPath: resolved) else {
                    throw ManifestError("\(place(key)): \(what): 'expect_stdout_file' \(resolved) cannot be read")
                }
                spec.expectStdoutFile = String(decoding: data, as: UTF8.self)
            case "max_cycles":
                spec.maxCycles = try count()
            case "max_instructions":
                spec.maxInstructions = try count()
            case "timeout":
                let seconds = value.double ?? value.int.map(Double.init)
                guard let seconds else { throw bad("a number of seconds") }
                guard seconds.isFinite, seconds > 0 else {
                    throw ManifestError("\(place(key)): \(what): field 'timeout' must be greater than 0 (got \(seconds))")
                }
                spec.timeout = seconds
            case "tags":
                spec.tags = try strings()
            default:
                break
            }
        }
    }

    /// ELFs named on the command line (paths or globs), all with the same expectations.
    static func commandLine(_ patterns: [String], template: TestSpec) -> [TestCase] {
        var cases: [TestCase] = []
        for pattern in patterns {
            var spec = template
            spec.elf = pattern
            if isGlob(pattern) {
                let matches = (try? glob(pattern)) ?? []
                if matches.isEmpty {
                    cases.append(TestCase(id: pattern, elf: pattern, spec: spec, problem: "the glob '\(pattern)' matches no file"))
                }
                for m in matches { cases.append(TestCase(id: m, elf: m, spec: spec)) }
            } else {
                cases.append(TestCase(id: pattern, elf: pattern, spec: spec, problem: missing(pattern)))
            }
        }
        return cases
    }

    /// The tests of a manifest, one per ELF.
    static func expand(_ specs: [TestSpec]) throws -> [TestCase] {
        var cases: [TestCase] = []
        for spec in specs {
            if isGlob(spec.elf) {
                let matches: [String]
                do { matches = try glob(spec.elf) } catch {
                    cases.append(TestCase(id: spec.name ?? spec.elf, elf: spec.elf, spec: spec, problem: "\(error)"))
                    continue
                }
                if matches.isEmpty {
                    cases.append(TestCase(id: spec.name ?? spec.elf, elf: spec.elf, spec: spec,
                                          problem: "the glob '\(spec.elf)' (\(spec.origin)) matches no file"))
                }
                for m in matches {
                    let stem = ((m as NSString).lastPathComponent as NSString).deletingPathExtension
                    cases.append(TestCase(id: spec.name.map { "\($0)/\(stem)" } ?? stem, elf: m, spec: spec))
                }
            } else {
                let stem = ((spec.elf as NSString).lastPathComponent as NSString).deletingPathExtension
                cases.append(TestCase(id: spec.name ?? stem, elf: spec.elf, spec: spec, problem: missing(spec.elf)))
            }
        }
        return cases
    }

    /// Why an ELF path cannot be run (nil: it is a file).
    static func missing(_ path: String) -> String? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return "no such ELF: \(path)" }
        return isDirectory.boolValue ? "\(path) is a folder, not an ELF" : nil
    }

    static func isGlob(_ s: String) -> Bool { s.contains(where: { $0 == "*" || $0 == "?" || $0 == "[" || $0 == "{" }) }

    /// The regular files matching a shell glob (`*`, `?`, `[...]`, `{a,b}`; no `**`), sorted.
    static func glob(_ pattern: String) throws -> [String] {
        var g = glob_t()
        defer { globfree(&g) }
        let status = Glibc.glob(pattern, GLOB_BRACE, nil, &g)
        if status == GLOB_NOMATCH { return [] }
        guard status == 0 else { throw ManifestError("the glob '\(pattern)' cannot be read (error \(status))") }
        var paths: [String] = []
        for i in 0..<Int(g.gl_pathc) {
            guard let p = g.gl_pathv[i] else { continue }
            let path = String(cString: p)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue { paths.append(path) }
        }
        return paths.sorted()
    }
}

/// Finds the line of a key in the manifest's text, for messages ("file:line"). TOMLKit gives
/// positions for syntax errors only, so fields are located by scanning the `[[test]]` headers.
struct LineLocator {
    let path: String
    let lines: [Substring]
    /// The line index of each `[[test]]` header, and of `[defaults]`.
    let testHeaders: [Int]
    let defaultsHeader: Int?

    init(text: String, path: String) {
        self.path = path
        lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        var headers: [Int] = []
        var defaults: Int?
        for (i, line) in lines.enumerated() {
            let t = line.trimmingCharacters(in: .whitespaces)
            if t.hasPrefix("[[") && t.dropFirst(2).trimmingCharacters(in: .whitespaces).hasPrefix("test") { headers.append(i) }
            if t.hasPrefix("[") && !t.hasPrefix("[[") && t.dropFirst().trimmingCharacters(in: .whitespaces).hasPrefix("defaults") { defaults = i }
        }
        testHeaders = headers
        defaultsHeader = defaults
    }

    /// "file:line" of `key` in the section starting at `start`, or of the section itself.
    func find(_ key: String?, from start: Int?) -> String {
        guard let start else { return path }
        guard let key else { return "\(path):\(start + 1)" }
        var i = start + 1
        while i < lines.count {
            let t = lines[i].trimmingCharacters(in: .whitespaces)
            if t.hasPrefix("[") { break }
            if t.hasPrefix(key), t.dropFirst(key.count).trimmingCharacters(in: .whitespaces).hasPrefix("=") { return "\(path):\(i + 1)" }
            i += 1
        }
        return "\(path):\(start + 1)"
    }

    func test(_ index: Int, _ key: String?) -> String {
        find(key, from: index < testHeaders.count ? testHeaders[index] : nil)
    }
    func defaults(_ key: String) -> String { find(key, from: defaultsHeader) }
    func top(_ key: String) -> String {
        for (i, line) in lines.enumerated() {
            let t = line.trimmingCharacters(in: .whitespaces)
            if t.hasPrefix("[") { break }
            if t.hasPrefix(key), t.dropFirst(key.count).trimmingCharacters(in: .whitespaces).hasPrefix("=") { return "\(path):\(i + 1)" }
        }
        for (i, line) in lines.enumerated() {
            let t = line.trimmingCharacters(in: .whitespaces)
            if t.hasPrefix("[[\(key)]]") || t.hasPrefix("[\(key)]") || t.hasPrefix("[\(key).") || t.hasPrefix("[[\(key).") {
                return "\(path):\(i + 1)"
            }
        }
        return path
    }
}
