// Regressions found by the `devices` and `instructions` fuzz targets (Fuzz/, docs/robustness.md):
// each test is named after what it guards and says which input found it.

import Foundation
@testable import PulpSim
import XCTest

final class FuzzRegressionTests: XCTestCase {
    func testMachineWithRedMulEIsReleasedWithItsBus() throws {
        // RedMulE's memory port held the bus, and the bus held RedMulE (a device of its memory
        // map): every pulp-cluster and redmule-tb machine leaked its bus, memories and devices
        // (found by every input of `fuzz-devices`, and by every seed of `fuzz-elf`).
        for platform in [PlatformKind.pulpCluster, .redmuleTB] {
            final class Released { weak var bus: Bus?; weak var redmule: RedMulE?; weak var machine: Machine? }
            let released = Released()
            try { () throws in
                let machine = try Machine(options: MachineOptions(platform: platform))
                released.machine = machine
                released.bus = machine.bus
                released.redmule = machine.redmule
                XCTAssertNotNil(released.redmule)
            }()
            XCTAssertNil(released.machine, "\(platform)")
            XCTAssertNil(released.bus, "\(platform)")
            XCTAssertNil(released.redmule, "\(platform)")
        }
    }
}
