// The cluster units the open runtime programs without effect on function (docs/platform.md §2):
// the HMR unit of a cluster with redundancy off, the I-cache controller, and the cluster
// testbench's stdout mock at 0x4000_0000.

@testable import PulpSim
import XCTest

final class ClusterUnitsTests: XCTestCase {
    func machine(harts: Int = 8) throws -> Machine {
        var options = MachineOptions(platform: .pulpCluster)
        options.platform.harts = harts
        options.echoOutput = false
        options.captureOutput = true
        return try Machine(options: options)
    }

    func read(_ m: Machine, _ address: UInt32, size: Int = 4, hart: Int = 0) -> UInt32? {
        var context = AccessContext(hart: hart, cycle: 0)
        if case .ok(let v) = m.bus.slowRead(address, size: size, context: &context) { return v }
        return nil
    }

    @discardableResult
    func write(_ m: Machine, _ address: UInt32, _ value: UInt32, size: Int = 4, hart: Int = 0) -> Bool {
        var context = AccessContext(hart: hart, cycle: 0)
        if case .ok = m.bus.slowWrite(address, size: size, value: value, context: &context) { return true }
        return false
    }

    func testHMRUnitReadsAsAClusterWithRedundancyOff() throws {
        for (harts, enabled) in [(8, UInt32(0xFF)), (3, 0x7)] {
            let m = try machine(harts: harts)
            for base: UInt32 in [0x1020_2000, 0x0020_2000] {
                XCTAssertEqual(read(m, base + 0x00), 1, "AVAIL_CONFIG: independent cores only")
                XCTAssertEqual(read(m, base + 0x04), enabled, "CORES_EN: the started cores")
            }
            // Read-only: writes are accepted and change nothing.
            XCTAssertTrue(write(m, 0x1020_2004, 0x3))
            XCTAssertEqual(read(m, 0x1020_2004), enabled)
            // Per-core registers (the runtime's crt0 reads SP_STORE at 0x100 + 0x10 * core + 8).
            for core in 0..<8 { XCTAssertEqual(read(m, 0x1020_2108 + 0x10 * UInt32(core)), 0) }
            XCTAssertTrue(write(m, 0x1020_2138, 0x1000_4000))
            XCTAssertEqual(read(m, 0x0020_2138), 0x1000_4000, "the alias is the same unit")
            XCTAssertEqual(m.diagnostics.count, 0)
        }
    }

    func testEnablingRedundancyIsAcceptedWithAWarning() throws {
        let m = try machine()
        XCTAssertTrue(write(m, 0x1020_2008, 1, hart: 2))  // DMR_ENABLE, group 0
        XCTAssertEqual(read(m, 0x1020_2008), 1)
        XCTAssertEqual(m.diagnostics.count, 1)
        XCTAssertEqual(m.diagnostics.first?.level, .warning)
        XCTAssertTrue(m.diagnostics.first?.message.contains("hart 2") == true)
        XCTAssertTrue(m.diagnostics.first?.message.contains("pulpsim runs every core independently") == true)
        XCTAssertTrue(write(m, 0x1020_2008, 0))  // disabling: no warning
        XCTAssertEqual(m.diagnostics.count, 1)
    }

    func testICacheControllerHoldsWhatIsWrittenAndTakesWordsOnly() throws {
        let m = try machine()
        XCTAssertEqual(read(m, 0x1020_1400), 0)
        XCTAssertTrue(write(m, 0x1020_1400, 0xFFFF_FFFF))  // the runtime's hal_icache_cluster_enable
        XCTAssertEqual(read(m, 0x1020_1400), 0xFFFF_FFFF)
        XCTAssertTrue(write(m, 0x0020_1408, 0x1C00_8000))  // selective flush, through the alias
        XCTAssertEqual(read(m, 0x1020_1408), 0x1C00_8000)
        XCTAssertNil(read(m, 0x1020_1400, size: 1), "32-bit registers only")
        XCTAssertFalse(write(m, 0x1020_1402, 1, size: 2))
        XCTAssertNil(read(m, 0x1020_2001, size: 4), "misaligned")
    }

    func testTestbenchStdoutMockPrintsPerCore() throws {
        let m = try machine()
        for (core, text) in [(0, "hi\n"), (3, "ok\n")] {
            for byte in text.utf8 { XCTAssertTrue(write(m, 0x4000_0000 + 8 * UInt32(core), UInt32(byte), hart: core)) }
        }
        m.console.flush()
        XCTAssertEqual(m.console.captured, "hi\nok\n")
        XCTAssertNil(read(m, 0x4000_1000), "the window is 4 KiB")
    }
}
