// SIGINT and SIGTERM: the first asks the run to end cleanly, a second ends the process at once
// (the flag the handler sets is an atomic; see installInterruptHandlers).

import Foundation
import PulpSim
import XCTest

final class SignalTests: XCTestCase {
    func testSecondSignalEndsTheProcessAtOnce() throws {
        // The run ends at its 2 s timeout, then the report replays it (as long again) for the
        // instruction history: a SIGINT there is recorded, the SIGTERM after it ends the process
        // with 128 + 15 before the report is printed.
        let elf = Paths.firmware("spike", "fault-loop")
        try requireFirmware(elf)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Paths.executable)
        process.arguments = ["run", "--platform", "spike", "--timeout", "2", elf]
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        Thread.sleep(forTimeInterval: 2.4)
        XCTAssertTrue(process.isRunning, "the replay for the report already ended")
        process.interrupt()
        Thread.sleep(forTimeInterval: 0.2)
        process.terminate()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationReason, .exit, stderr)
        XCTAssertEqual(process.terminationStatus, 143, stderr)
        XCTAssertFalse(stderr.contains("timeout"), stderr)
    }
}
