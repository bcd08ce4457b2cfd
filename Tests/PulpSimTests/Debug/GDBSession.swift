// A gdb-multiarch session against `pulpsim run --gdb 0`: pulpsim listens on a port the system
// picks (never one in use) and names it in its first line on stderr, which is read before gdb
// starts (no waiting on the clock).

import Foundation
import XCTest

struct GDBSession {
    /// gdb's output, its exit status; pulpsim's exit status and stderr.
    var text = ""
    var gdbStatus: Int32 = -1
    var simStatus: Int32 = -1
    var simStderr = ""

    /// Runs `commands` (after connecting) in gdb-multiarch -batch against `pulpsim run --gdb 0 elf`.
    static func run(_ elf: String, _ commands: String, file: StaticString = #filePath, line: UInt = #line) throws -> GDBSession {
        let sim = pulpsimProcess(["run", "--gdb", "0", "--quiet", elf])
        let simOut = Pipe(), simErr = Pipe()
        sim.standardOutput = simOut
        sim.standardError = simErr
        try sim.run()
        let simOutput = DrainedPipe(simOut)
        let banner = readUntil("\n", from: simErr.fileHandleForReading)
        let simErrors = DrainedPipe(simErr)
        let announced = "pulpsim: waiting for gdb on 127.0.0.1:"
        guard banner.hasPrefix(announced), let port = Int(banner.dropFirst(announced.count).prefix { $0.isNumber }) else {
            sim.terminate()
            sim.waitUntilExit()
            XCTFail("pulpsim did not start its gdb server: \(banner)\(String(decoding: simErrors.wait(), as: UTF8.self))",
                    file: file, line: line)
            return GDBSession()
        }
        let script = NSTemporaryDirectory() + "pulpsim-gdb-\(getpid())-\(line).gdb"
        try """
        set architecture riscv:rv32
        set pagination off
        set confirm off
        target remote :\(port)
        \(commands)
        """.write(toFile: script, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: script) }
        let gdb = Process()
        gdb.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        gdb.arguments = ["gdb-multiarch", "-nx", "-batch", "-x", script, elf]
        let out = Pipe()
        gdb.standardOutput = out
        gdb.standardError = out
        try gdb.run()
        // gdb runs the script to its end (-batch) and exits; the simulator ends with the session.
        var session = GDBSession()
        session.text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        gdb.waitUntilExit()
        _ = simOutput.wait()
        session.simStderr = banner + String(decoding: simErrors.wait(), as: UTF8.self)
        sim.waitUntilExit()
        session.gdbStatus = gdb.terminationStatus
        session.simStatus = sim.terminationStatus
        return session
    }
}
