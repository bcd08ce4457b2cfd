// The self-checking ISA programs of firmware/isa (exit code = number of the failing check) and
// the fault-injection programs of firmware/tests, on both platforms.

import Foundation
import PulpSim
import XCTest

final class FirmwareTests: XCTestCase {
    static let isaTests = ["rv32i-alu", "rv32i-branch", "rv32i-mem", "rv32m", "rv32f-arith", "rv32f-misc", "rv32c",
                           "zicsr", "traps"]

    func runISAPrograms(_ platform: PlatformKind, _ directory: String) throws {
        for name in Self.isaTests {
            let (result, _) = try runELF(Paths.firmware(directory, "isa-\(name)"), platform: platform)
            XCTAssertEqual(result.firmwareExitCode, 0, "\(directory) isa-\(name) failed check \(result.firmwareExitCode ?? 9999): \(result.reason)\n\(result.output)")
        }
    }

    func testISAProgramsOnSpike() throws { try runISAPrograms(.spike, "spike") }
    func testISAProgramsOnPulpCluster() throws { try runISAPrograms(.pulpCluster, "pulp-cluster") }

    /// Misaligned loads and stores cost one extra cycle each (docs/platform.md §1: two bus accesses).
    func testMisalignedAccessesCostASecondBusAccess() throws {
        let (result, _) = try runELF(Paths.firmware("spike", "misaligned-cycles"), platform: .spike)
        XCTAssertEqual(result.firmwareExitCode, 16, "\(result.reason)")
    }

    func testIllegalInstructionWithoutHandler() throws {
        let path = Paths.firmware("spike", "fault-illegal")
        try requireFirmware(path)
        let r = try runCLI(["run", "--platform", "spike", path])
        XCTAssertEqual(r.status, 120)
        XCTAssertTrue(r.stderr.contains("hart 0: illegal instruction with no trap handler"), r.stderr)
        XCTAssertTrue(r.stderr.contains("at 0x8000000c <bad_instruction>"), r.stderr)
        XCTAssertTrue(r.stderr.contains("a0 x10 00001234"), r.stderr)
        let (result, _) = try runELF(path, platform: .spike)
        guard case .unhandledTrap(let trap) = result.reason else { return XCTFail("\(result.reason)") }
        XCTAssertEqual(trap.cause, .illegalInstruction)
        XCTAssertEqual(trap.pc, 0x8000_000C)
    }

    func testEnabledInterruptWithoutHandlerEndsTheRun() throws {
        let path = Paths.firmware("pulp-cluster", "fault-irq")
        try requireFirmware(path)
        let r = try runCLI(["run", path])
        XCTAssertEqual(r.status, 120, r.stderr)
        XCTAssertTrue(r.stderr.contains("hart 0: interrupt (mcause 0x80000005, line 5: software event 5) with no trap handler"), r.stderr)
        XCTAssertTrue(r.stderr.contains("last 3 instructions of hart 0") || r.stderr.contains("instructions of hart 0"), r.stderr)
        let json = try runCLI(["run", "--json", "--quiet", path])
        XCTAssertEqual(json.status, 120)
        XCTAssertTrue(json.stdout.contains("\"cause\":\"interrupt\""), json.stdout)
        XCTAssertTrue(json.stdout.contains("\"mcause\":2147483653"), json.stdout)
        let (result, _) = try runELF(path, platform: .pulpCluster)
        guard case .unhandledInterrupt(let hart, let mcause, _) = result.reason else { return XCTFail("\(result.reason)") }
        XCTAssertEqual(hart, 0)
        XCTAssertEqual(mcause, 0x8000_0005)
    }

    func testTrapHandlerThatTrapsItselfEndsAsATrapStorm() throws {
        let path = Paths.firmware("spike", "fault-trap-storm")
        try requireFirmware(path)
        // No limit is given: without the storm detection the run would never end.
        let r = try runCLI(["run", "--platform", "spike", path], exits: 120)
        XCTAssertTrue(r.stderr.contains("hart 0: trap storm: 1000 traps in a row without an instruction retiring"), r.stderr)
        XCTAssertTrue(r.stderr.contains("last trap: illegal instruction at pc 0x80000024"), r.stderr)
        let json = try runCLI(["run", "--platform", "spike", "--json", "--quiet", path], exits: 120)
        XCTAssertTrue(json.stdout.contains("\"storm\":1000"), json.stdout)
        let (result, _) = try runELF(path, platform: .spike)
        guard case .trapStorm(let trap, let count) = result.reason else { return XCTFail("\(result.reason)") }
        XCTAssertEqual(trap.cause, .illegalInstruction)
        XCTAssertEqual(count, 1000)
    }

    func testWildStoreWithoutHandler() throws {
        for (platform, dir, pc) in [(PlatformKind.spike, "spike", "0x80000004"), (.pulpCluster, "pulp-cluster", "0x1c000004")] {
            let path = Paths.firmware(dir, "fault-store")
            try requireFirmware(path)
            let r = try runCLI(["run", "--platform", platform.rawValue, "--harts", "1", path])
            XCTAssertEqual(r.status, 120, r.stderr)
            XCTAssertTrue(r.stderr.contains("store access fault with no trap handler"), r.stderr)
            XCTAssertTrue(r.stderr.contains("at \(pc) <wild_store>"), r.stderr)
            XCTAssertTrue(r.stderr.contains("address 0x40000000: not mapped on platform '\(dir)'"), r.stderr)
        }
    }

    func testDeadlockOfLoneWFI() throws {
        let path = Paths.firmware("spike", "fault-wfi")
        try requireFirmware(path)
        let r = try runCLI(["run", "--platform", "spike", path])
        XCTAssertEqual(r.status, 121)
        XCTAssertTrue(r.stderr.contains("deadlock"), r.stderr)
        XCTAssertTrue(r.stderr.contains("hart 0 at 0x80000008 <sleep_forever+0x4>: waiting on wfi"), r.stderr)
    }

    func testLimits() throws {
        let path = Paths.firmware("spike", "fault-loop")
        try requireFirmware(path)
        var r = try runCLI(["run", "--platform", "spike", "--max-instructions", "5000", "--json", path])
        XCTAssertEqual(r.status, 123)
        var json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(json["instructions"] as? Int, 5000)
        r = try runCLI(["run", "--platform", "spike", "--max-cycles", "20000", "--json", path])
        XCTAssertEqual(r.status, 123)
        json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(json["reason"] as? String, "cycle-limit")
        // --timeout is wall-clock time by definition. The instruction limit lies far beyond what
        // any build runs in 0.3 s (1e10 instructions: tens of seconds even optimised), so the run
        // ends by the timeout whatever the machine's load, and a timeout that never fired would
        // end in 123 instead of hanging the test.
        r = try runCLI(["run", "--platform", "spike", "--timeout", "0.3", "--max-instructions", "1e10", path], exits: 124)
        XCTAssertTrue(r.stderr.contains("wall-clock timeout"), r.stderr)
        XCTAssertTrue(r.stderr.contains("<spin"), r.stderr)
    }
}
