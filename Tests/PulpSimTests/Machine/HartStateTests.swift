// Each hart's state at the end of a run as --stats and --json show it: the hart that ended the
// run, harts asleep in wfi or waiting on a device (and on what), harts held in reset.

import Foundation
@testable import PulpSim
import XCTest

final class HartStateTests: XCTestCase {
    /// hello-cluster: hart 0 ends the run through CORESTATUS after the others went to sleep.
    func testTheHartThatExitedIsShownAsEndingTheRun() throws {
        let (result, _) = try runELF(Paths.firmware("pulp-cluster", "hello-cluster"), platform: .pulpCluster)
        XCTAssertEqual(result.firmwareExitCode, 0)
        XCTAssertEqual(result.harts[0].state, "ended the run (exit code 0, SoC control CORESTATUS)")
        for h in 1..<8 { XCTAssertEqual(result.harts[h].state, "asleep in wfi (no interrupt or event-unit IRQ pending)", "hart \(h)") }
    }

    /// A run stopped by the instruction limit early in bench-cluster: hart 0 is still running
    /// (none ended the run), the others wait in the event unit for hart 0's go, and say so.
    func testAtALimitHartsAreRunningOrWaitingOnTheEventUnit() throws {
        let (result, _) = try runELF(Paths.firmware("pulp-cluster", "bench-cluster"), platform: .pulpCluster, maxInstructions: 10_000)
        guard case .instructionLimit = result.reason else { return XCTFail("\(result.reason)") }
        XCTAssertEqual(result.harts[0].state, "running")
        for h in 1..<8 {
            XCTAssertTrue(result.harts[h].state.hasPrefix("waiting: event unit EVENT_WAIT_CLEAR, event mask"), result.harts[h].state)
        }
    }

    /// The exit through cluster control (EOC) names that mechanism; the EU-waiting harts say on what.
    func testEndOfComputationAndEventUnitWaits() throws {
        let (result, _) = try runELF(Paths.firmware("pulp-cluster", "exit-eoc"), platform: .pulpCluster)
        XCTAssertEqual(result.firmwareExitCode, 42)
        XCTAssertEqual(result.harts[0].state, "ended the run (exit code 42, cluster control EOC)")
    }
}
