// SIGINT and SIGTERM: the first asks the run to end cleanly, a second ends the process at once
// (the flag the handler sets is an atomic; see installInterruptHandlers).

import Foundation
import PulpSim
import XCTest

final class SignalTests: XCTestCase {
    /// The state of process `pid` in /proc (R running, S sleeping, ...) and its wait channel.
    func procState(_ pid: Int32) -> (state: Character, channel: String) {
        let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        let afterName = stat.split(separator: ")").last.map(String.init) ?? ""
        let state = afterName.trimmingCharacters(in: .whitespaces).first ?? "?"
        let channel = (try? String(contentsOfFile: "/proc/\(pid)/wchan", encoding: .utf8)) ?? ""
        return (state, channel)
    }

    func testSecondSignalEndsTheProcessAtOnce() throws {
        // pulpsim writes an endless trace to a pipe the test stops reading: once the pipe is full
        // the process blocks in write(2). SIGINT and SIGTERM sent then are both delivered while
        // it is blocked, so the first only sets the flag and the second must end the process at
        // once: no report, no clean end. Nothing here depends on the clock.
        let elf = Paths.firmware("spike", "fault-loop")
        try requireFirmware(elf)
        let process = pulpsimProcess(["run", "--platform", "spike", "--trace-file", "-", elf])
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let errors = DrainedPipe(err)
        // The trace flows: read a first megabyte, then stop reading.
        var got = 0
        while got < 1 << 20 {
            let chunk = out.fileHandleForReading.availableData
            XCTAssertFalse(chunk.isEmpty, "pulpsim ended early")
            if chunk.isEmpty { break }
            got += chunk.count
        }
        // Wait until it blocks writing to the full pipe.
        var state = procState(process.processIdentifier)
        while !(state.state == "S" && state.channel.contains("pipe")) && process.isRunning {
            sched_yield()
            state = procState(process.processIdentifier)
        }
        XCTAssertTrue(process.isRunning)
        kill(process.processIdentifier, SIGINT)
        kill(process.processIdentifier, SIGTERM)
        // Drained, a process the second signal did not end would finish the run (exit 130).
        _ = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let stderr = String(decoding: errors.wait(), as: UTF8.self)
        // The handler that runs second ends the process with its own signal: threads may take the
        // two signals in either order.
        XCTAssertEqual(process.terminationReason, .exit, stderr)
        XCTAssertTrue([130, 143].contains(process.terminationStatus), "exit \(process.terminationStatus): \(stderr)")
        XCTAssertFalse(stderr.contains("interrupted by"), "the run ended cleanly instead: \(stderr)")
    }
}
