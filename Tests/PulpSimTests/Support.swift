// Helpers shared by the simulator tests: where the firmware and the pulpsim binary are, and how to
// run an ELF through the library or the command line.

import Foundation
import PulpSim
import XCTest

enum Paths {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static func firmware(_ platform: String, _ name: String) -> String {
        root.appendingPathComponent("firmware/build/\(platform)/\(name).elf").path
    }
    /// The `pulpsim` executable built next to the test bundle.
    static var executable: String {
        if let override = ProcessInfo.processInfo.environment["PULPSIM"] { return override }
        let bundle = Bundle(for: ProbeClass.self).bundleURL
        let candidates = [bundle.appendingPathComponent("pulpsim"),
                          bundle.deletingLastPathComponent().appendingPathComponent("pulpsim"),
                          root.appendingPathComponent(".build/debug/pulpsim")]
        return (candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]).path
    }
    private final class ProbeClass {}
}

struct MissingFirmware: Error, CustomStringConvertible {
    let path: String
    var description: String { "missing \(path): build the firmware first (make -C firmware, or make test)" }
}

/// Fails (never skips) when a firmware ELF is missing: `make test` builds them first.
func requireFirmware(_ path: String) throws {
    if !FileManager.default.fileExists(atPath: path) { throw MissingFirmware(path: path) }
}

/// Runs an ELF in-process with captured output.
func runELF(_ path: String, platform: PlatformKind, harts: Int? = nil, maxInstructions: UInt64? = 50_000_000,
            configure: (inout MachineOptions) -> Void = { _ in }) throws -> (RunResult, Machine) {
    try requireFirmware(path)
    var options = MachineOptions(platform: platform)
    if let harts { options.platform.harts = harts }
    options.echoOutput = false
    options.captureOutput = true
    options.maxInstructions = maxInstructions
    configure(&options)
    let machine = try Machine(options: options)
    try machine.load(path: path)
    return (machine.run(), machine)
}

/// Runs the pulpsim command line; returns exit status, stdout and stderr. The caller checks the
/// status (prefer `runCLI(_:exits:)`, which does).
func runCLI(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
    try runProgram(Paths.executable, arguments)
}

/// Runs the pulpsim command line and checks that it ends with exit status `expected` (runs are
/// deterministic: every run has exactly one right status).
@discardableResult
func runCLI(_ arguments: [String], exits expected: Int32, file: StaticString = #filePath,
            line: UInt = #line) throws -> (status: Int32, stdout: String, stderr: String) {
    let r = try runCLI(arguments)
    XCTAssertEqual(r.status, expected, "pulpsim \(arguments.joined(separator: " ")): \(r.stderr.suffix(2000))",
                   file: file, line: line)
    return r
}

/// The environment of child processes: this one's, and under AddressSanitizer (make test-asan)
/// no leak check at their exit — a command-line run ends with exit(), which tears nothing down;
/// leaks are checked in the library, in this test process.
let childEnvironment: [String: String] = {
    var environment = ProcessInfo.processInfo.environment
    let asan = environment["ASAN_OPTIONS"].map { $0 + ":" } ?? ""
    environment["ASAN_OPTIONS"] = asan + "detect_leaks=0"
    return environment
}()

/// A `pulpsim` process with `arguments`, not started yet.
func pulpsimProcess(_ arguments: [String]) -> Process {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: Paths.executable)
    process.arguments = arguments
    process.environment = childEnvironment
    return process
}

/// Runs a program; returns exit status, stdout and stderr. Both pipes are read at once: a child
/// that fills one of them while the other is being read would otherwise block for ever.
func runProgram(_ path: String, _ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    process.environment = childEnvironment
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let errors = DrainedPipe(err)
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = errors.wait()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
}

/// Reads a pipe to its end on a thread of its own; `wait()` returns everything read.
final class DrainedPipe: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ pipe: Pipe) {
        let handle = pipe.fileHandleForReading
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
    }

    func wait() -> Data {
        done.wait()
        return data
    }
}

/// Reads `handle` until `text` has arrived (blocking reads: returns as soon as the child has
/// written it, or at end of file if it never does). Returns everything read so far.
func readUntil(_ text: String, from handle: FileHandle) -> String {
    var received = Data()
    while !String(decoding: received, as: UTF8.self).contains(text) {
        let chunk = handle.availableData
        if chunk.isEmpty { break }  // end of file: the child is gone
        received += chunk
    }
    return String(decoding: received, as: UTF8.self)
}

/// User and system CPU time of every child process this process has waited for, in seconds.
func childrenCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_CHILDREN.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

/// A seeded pseudo-random generator (SplitMix64) for tests: the same numbers on every run and
/// platform, so a failure names its seed and can be replayed. Tests use no unseeded randomness.
struct SplitMix64: RandomNumberGenerator {
    let seed: UInt64
    private var state: UInt64
    init(seed: UInt64) { self.seed = seed; state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
