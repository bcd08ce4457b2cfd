// Reports of `pulpsim test`: the results JSON (read back by `merge` and `--rerun-failed`), JUnit
// XML, and the summary printed at the end.

import Foundation

/// The results of a run (or of several shards merged).
struct TestResults {
    static let format = "pulpsim-test-results"
    static let version = 1

    var outcomes: [TestOutcome]
    var wallSeconds: Double
    var jobs: Int?
    /// "i/n" when this run was one shard.
    var shard: String?
    var started: Date
    /// The result files merged into this one.
    var mergedFrom: [String] = []

    func count(_ status: TestStatus) -> Int { outcomes.filter { $0.status == status }.count }
    var passed: Bool { outcomes.allSatisfy { $0.status == .pass } }

    // MARK: JSON

    func json() -> Data {
        var o: [String: Any] = [
            "format": TestResults.format, "version": TestResults.version,
            "started": ISO8601DateFormatter().string(from: started),
            "wall_seconds": (wallSeconds * 1e3).rounded() / 1e3,
            "summary": ["total": outcomes.count, "pass": count(.pass), "fail": count(.fail), "error": count(.error),
                        "timeout": count(.timeout)],
            "tests": outcomes.sorted { idOrder($0.id, $1.id) }.map { $0.json() },
        ]
        if let jobs { o["jobs"] = jobs }
        if let shard { o["shard"] = shard }
        if !mergedFrom.isEmpty { o["merged_from"] = mergedFrom }
        return (try? JSONSerialization.data(withJSONObject: o, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]))
            ?? Data("{}".utf8)
    }

    /// Reads a results JSON written by `pulpsim test --json`.
    static func read(path: String) throws -> TestResults {
        guard let data = FileManager.default.contents(atPath: path) else { throw ManifestError("\(path): cannot be read") }
        guard let o = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw ManifestError("\(path): not a JSON object (expected the results of pulpsim test --json)")
        }
        guard o["format"] as? String == format else {
            throw ManifestError("\(path): not the results of pulpsim test --json (no \"format\": \"\(format)\")")
        }
        guard let version = (o["version"] as? NSNumber)?.intValue, version <= TestResults.version else {
            throw ManifestError("\(path): results of a newer pulpsim (version \(o["version"] ?? "?")); this one reads version \(TestResults.version)")
        }
        guard let tests = o["tests"] as? [Any] else { throw ManifestError("\(path): no \"tests\" array") }
        var outcomes: [TestOutcome] = []
        for (i, entry) in tests.enumerated() {
            guard let t = entry as? [String: Any], let outcome = TestOutcome(json: t) else {
                throw ManifestError("\(path): test \(i + 1) lacks an \"id\" or a valid \"status\"")
            }
            outcomes.append(outcome)
        }
        let started = (o["started"] as? String).flatMap { ISO8601DateFormatter().date(from: $0) } ?? Date()
        return TestResults(outcomes: outcomes, wallSeconds: (o["wall_seconds"] as? NSNumber)?.doubleValue ?? 0,
                           jobs: (o["jobs"] as? NSNumber)?.intValue, shard: o["shard"] as? String, started: started)
    }

    /// Several results in one: every test once (a test in two files is an error).
    static func merge(_ parts: [(path: String, results: TestResults)]) throws -> TestResults {
        var seen: [String: String] = [:]
        var outcomes: [TestOutcome] = []
        for (path, results) in parts {
            for outcome in results.outcomes {
                if let other = seen[outcome.id] {
                    throw ManifestError("test '\(outcome.id)' is in both \(other) and \(path) (shards of different runs, or a file given twice?)")
                }
                seen[outcome.id] = path
                outcomes.append(outcome)
            }
        }
        // Shards run side by side: the merged run took as long as the longest.
        return TestResults(outcomes: outcomes.sorted { idOrder($0.id, $1.id) }, wallSeconds: parts.map(\.results.wallSeconds).max() ?? 0,
                           jobs: nil, shard: nil, started: parts.map(\.results.started).min() ?? Date(),
                           mergedFrom: parts.map(\.path))
    }

    // MARK: JUnit

    /// JUnit XML as the GitLab, Jenkins and GitHub reporters read it: one testsuite per manifest.
    func junit() -> String {
        let sorted = outcomes.sorted { idOrder($0.id, $1.id) }
        let suites = Dictionary(grouping: sorted, by: \.suite).sorted { $0.key < $1.key }
        let timestamp = ISO8601DateFormatter().string(from: started).replacingOccurrences(of: "Z", with: "")
        func failures(_ o: [TestOutcome]) -> Int { o.filter { $0.status == .fail }.count }
        func errors(_ o: [TestOutcome]) -> Int { o.filter { $0.status == .error || $0.status == .timeout }.count }
        var x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        x += "<testsuites name=\"pulpsim\" tests=\"\(sorted.count)\" failures=\"\(failures(sorted))\" errors=\"\(errors(sorted))\""
            + " skipped=\"0\" time=\"\(seconds(wallSeconds))\">\n"
        for (name, tests) in suites {
            let time = tests.reduce(0) { $0 + $1.seconds }
            x += "  <testsuite name=\"\(xmlEscape(name, attribute: true))\" tests=\"\(tests.count)\" failures=\"\(failures(tests))\""
                + " errors=\"\(errors(tests))\" skipped=\"0\" time=\"\(seconds(time))\" timestamp=\"\(timestamp)\">\n"
            for t in tests {
                x += "    <testcase classname=\"\(xmlEscape("pulpsim.\(t.platform)", attribute: true))\" name=\"\(xmlEscape(t.id, attribute: true))\""
                    + " time=\"\(seconds(t.seconds))\" file=\"\(xmlEscape(t.elf, attribute: true))\">\n"
                var details = "command: \(t.command.map(shellQuote).joined(separator: " "))\n"
                if let status = t.exitStatus { details += "exit status: \(status) (expected \(t.expectedExit))\n" }
                if let reason = t.reason { details += "end: \(reason)\n" }
                if let artifacts = t.artifacts { details += "artefacts: \(artifacts)\n" }
                switch t.status {
                case .pass: break
                case .fail:
                    x += "      <failure message=\"\(xmlEscape(t.message, attribute: true))\" type=\"fail\">"
                        + xmlEscape(details, attribute: false) + "</failure>\n"
                case .error, .timeout:
                    x += "      <error message=\"\(xmlEscape(t.message, attribute: true))\" type=\"\(t.status.rawValue)\">"
                        + xmlEscape(details, attribute: false) + "</error>\n"
                }
                if !t.output.isEmpty {
                    x += "      <system-out>\(xmlEscape(TestOutcome.clip(t.output), attribute: false))</system-out>\n"
                }
                if t.status != .pass, let report = t.report, !report.isEmpty {
                    x += "      <system-err>\(xmlEscape(report, attribute: false))</system-err>\n"
                }
                x += "    </testcase>\n"
            }
            x += "  </testsuite>\n"
        }
        x += "</testsuites>\n"
        return x
    }

    func seconds(_ s: Double) -> String { String(format: "%.3f", s) }

    // MARK: Summary

    /// The table printed at the end; its last line is "N passed, M failed".
    func summary(slowest: Int = 5) -> String {
        var text = "\n"
        let total = outcomes.count
        text += "pulpsim test: \(total) test\(total == 1 ? "" : "s")" + (shard.map { " (shard \($0))" } ?? "")
            + String(format: " in %.2f s", wallSeconds) + (jobs.map { " with \($0) job\($0 == 1 ? "" : "s")" } ?? "") + "\n"
        for status in TestStatus.allCases {
            text += "  " + status.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0) + String(format: "%6d", count(status)) + "\n"
        }
        let slow = outcomes.sorted { $0.seconds > $1.seconds }.prefix(slowest)
        if !slow.isEmpty {
            text += "slowest:\n"
            for o in slow { text += String(format: "  %8.3f s  ", o.seconds) + o.id + "\n" }
        }
        let bad = outcomes.filter { $0.status != .pass }.sorted { idOrder($0.id, $1.id) }
        if !bad.isEmpty {
            text += "not passed:\n"
            for o in bad.prefix(50) {
                text += "  " + o.status.rawValue.uppercased().padding(toLength: 8, withPad: " ", startingAt: 0) + o.id + ": "
                    + String(o.message.prefix(300)) + (o.artifacts.map { " [\($0)]" } ?? "") + "\n"
            }
            if bad.count > 50 { text += "  ... and \(bad.count - 50) more\n" }
        }
        text += "\(count(.pass)) passed, \(total - count(.pass)) failed\n"
        return text
    }
}

/// Text for an XML element (`attribute`: false) or a double-quoted attribute. Characters XML 1.0
/// does not allow (control characters other than tab, newline and carriage return, U+FFFE,
/// U+FFFF) become a visible "\u{XXXX}"-style escape; the others are escaped as XML requires.
func xmlEscape(_ s: String, attribute: Bool) -> String {
    var out = ""
    out.reserveCapacity(s.utf8.count)
    for scalar in s.unicodeScalars {
        switch scalar {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += attribute ? "&quot;" : "\""
        case "'": out += attribute ? "&apos;" : "'"
        case "\n": out += attribute ? "&#10;" : "\n"
        case "\t": out += attribute ? "&#9;" : "\t"
        case "\r": out += "&#13;"
        default:
            let v = scalar.value
            if v < 0x20 || v == 0x7F || (0x80...0x9F).contains(v) || v == 0xFFFE || v == 0xFFFF {
                out += String(format: "\\u{%04X}", v)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
    }
    return out
}

/// The order of test ids everywhere (shards, reports): their UTF-8 bytes, so that every machine
/// and toolchain deals the same shards.
func idOrder(_ a: String, _ b: String) -> Bool {
    a.utf8.lexicographicallyPrecedes(b.utf8)
}
