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
        XCTAssertTrue(r.stderr.contains("hart 0: trap storm: the same trap at the same pc 1000 times in a row"), r.stderr)
        XCTAssertTrue(r.stderr.contains("last trap: illegal instruction at pc 0x80000024"), r.stderr)
        let json = try runCLI(["run", "--platform", "spike", "--json", "--quiet", path], exits: 120)
        XCTAssertTrue(json.stdout.contains("\"storm\":1000"), json.stdout)
        let (result, _) = try runELF(path, platform: .spike)
        guard case .trapStorm(let trap, let count) = result.reason else { return XCTFail("\(result.reason)") }
        XCTAssertEqual(trap.cause, .illegalInstruction)
        XCTAssertEqual(count, 1000)
    }

    /// The report (stderr) of a fault program that ends with exit 120 on one hart.
    func faultReport(_ name: String, _ platform: PlatformKind, _ dir: String) throws -> (status: Int32, stdout: String, stderr: String) {
        let path = Paths.firmware(dir, name)
        try requireFirmware(path)
        return try runCLI(["run", "--platform", platform.rawValue, "--harts", "1", "--history", "0", path], exits: 120)
    }

    /// A program built for Xpulp: the report says so and how to build instead.
    func testXpulpInstructionIsReportedAsSuch() throws {
        for (platform, dir) in [(PlatformKind.pulpCluster, "pulp-cluster"), (.spike, "spike")] {
            let r = try faultReport("fault-xpulp", platform, dir)
            XCTAssertTrue(r.stderr.contains("illegal instruction with no trap handler"), r.stderr)
            XCTAssertTrue(r.stderr.contains("<xpulp_load>: 0045a50b  unknown"), r.stderr)
            XCTAssertTrue(r.stderr.contains("this is an Xpulp instruction (post-increment load or store"), r.stderr)
            XCTAssertTrue(r.stderr.contains("build with -march=rv32imfc_zicsr_zifencei"), r.stderr)
        }
    }

    /// A call through a null function pointer names the jump that got there.
    func testCallThroughNullNamesTheJump() throws {
        for (platform, dir, cause, base) in [(PlatformKind.pulpCluster, "pulp-cluster", "illegal instruction", "0x1c000002"),
                                             (.spike, "spike", "instruction access fault", "0x80000002")] {
            let r = try faultReport("fault-null-call", platform, dir)
            XCTAssertTrue(r.stderr.contains("hart 0: \(cause) with no trap handler"), r.stderr)
            XCTAssertTrue(r.stderr.contains("at 0x00000000"), r.stderr)
            XCTAssertTrue(r.stderr.contains("jumped there by \(base) <call_through_null>: 000780e7  jalr\ta5"), r.stderr)
        }
    }

    /// p.elw sleeps until the event, on pulp-cluster; elsewhere it is illegal.
    func testEventLoadSleepsUntilTheEvent() throws {
        let (result, machine) = try runELF(Paths.firmware("pulp-cluster", "elw"), platform: .pulpCluster, harts: 2)
        XCTAssertEqual(result.firmwareExitCode, 0x18, "\(result.reason)")
        XCTAssertGreaterThan(machine.harts[1].cycle, 100)  // it slept while hart 0 counted
        let (spike, _) = try runELF(Paths.firmware("spike", "elw"), platform: .spike)
        guard case .unhandledTrap(let trap) = spike.reason else { return XCTFail("\(spike.reason)") }
        XCTAssertEqual(trap.cause, .storeAccessFault)  // the event unit is not there; p.elw comes later
        XCTAssertEqual(Decoder.decode(0x03c4_6503, at: 0, extensions: .standard).operation, .illegal)
        XCTAssertEqual(Decoder.decode(0x03c4_6503, at: 0, extensions: PlatformOptions(kind: .pulpCluster).description.extensions).operation, .elw)
    }

    /// The open runtime's convention: entry = boot address + 0x80, vector table at the boot address,
    /// mtvec never written. Faults go through the table, each with a warning.
    func testBootAddressVectorTable() throws {
        let path = Paths.firmware("pulp-cluster", "boot-vectors")
        let r = try runCLI(["run", "--harts", "1", path], exits: 18)  // 2 traps handled + 0x10: mtvec = base | 1
        XCTAssertTrue(r.stderr.contains("trap warning: hart 0: illegal instruction (tval 0x00000000) at 0x1c00008c"), r.stderr)
        XCTAssertTrue(r.stderr.contains("taken through the boot vector table at 0x1c000000 (the firmware never wrote mtvec)"), r.stderr)
        XCTAssertTrue(r.stderr.contains("trap warning: hart 0: load access fault (tval 0x50000000)"), r.stderr)
        // The same ELF on spike, which has no boot vector table: the first fault ends the run.
        try runCLI(["run", "--platform", "spike", "--history", "0", Paths.firmware("spike", "boot-vectors")], exits: 120)
        // A table that returns to the faulting instruction: one warning, then a trap storm.
        let storm = try runCLI(["run", "--harts", "1", "--history", "0", Paths.firmware("pulp-cluster", "boot-vectors-storm")], exits: 120)
        XCTAssertEqual(storm.stderr.components(separatedBy: "trap warning").count - 1, 1, storm.stderr)
        XCTAssertTrue(storm.stderr.contains("trap storm: the same trap at the same pc 1000 times in a row"), storm.stderr)
        XCTAssertTrue(storm.stderr.contains("returns to the faulting instruction"), storm.stderr)
    }

    func testWildStoreWithoutHandler() throws {
        for (platform, dir, pc) in [(PlatformKind.spike, "spike", "0x80000004"), (.pulpCluster, "pulp-cluster", "0x1c000004")] {
            let path = Paths.firmware(dir, "fault-store")
            try requireFirmware(path)
            let r = try runCLI(["run", "--platform", platform.rawValue, "--harts", "1", path])
            XCTAssertEqual(r.status, 120, r.stderr)
            XCTAssertTrue(r.stderr.contains("store access fault with no trap handler"), r.stderr)
            XCTAssertTrue(r.stderr.contains("at \(pc) <wild_store>"), r.stderr)
            XCTAssertTrue(r.stderr.contains("address 0x50000000: not mapped on platform '\(dir)'"), r.stderr)
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
