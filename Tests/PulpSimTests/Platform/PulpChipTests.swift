// The `pulp` platform (docs/platform.md §12): the fabric controller boots alone, starts the
// cluster through FETCH_EN, takes interrupts from its own controller and timer; what a user
// sees when the FC waits for a cluster that never starts, spins for ever, or starts a core at a
// boot address it never wrote. Also the spin detector on the other platforms.

import Foundation
@testable import PulpSim
import XCTest

final class PulpChipTests: XCTestCase {
    /// Boot hold and release, SoC registers, the cluster round trip, an FC timer interrupt, a
    /// transfer on MCHAN's FC queue: the firmware checks each and exits 0.
    func testClusterRoundTripFromTheFabricController() throws {
        let (result, machine) = try runELF(Paths.firmware("pulp", "fc-cluster"), platform: .pulp)
        XCTAssertEqual(result.firmwareExitCode, 0, "\(result.reason) \(result.output)")
        XCTAssertEqual(result.output, "fc-cluster: all checks passed\n")
        XCTAssertEqual(machine.harts.count, 9)
        XCTAssertEqual(machine.fabricController, 8)
        XCTAssertEqual(machine.harts[8].hartID, 0x3E0)
        XCTAssertEqual(result.harts.map(\.mhartid), Array(0..<8) + [0x3E0])
        // Every cluster core ran, and started after the FC (its first cycles are the FC's).
        for core in 0..<8 {
            XCTAssertGreaterThan(result.harts[core].instructions, 50, "core \(core)")
            XCTAssertLessThan(result.harts[core].instructions, result.harts[8].instructions)
        }
        // The FC's own MCHAN queue moved 128 bytes into the TCDM and signalled FC line 8.
        XCTAssertEqual(result.dma?.transfers, 1)
        XCTAssertEqual(result.dma?.bytesToTCDM, 128)
        XCTAssertEqual((machine.fcInterrupts?.acknowledged ?? 0) & (1 << 8), 0)  // waited for, not taken
        XCTAssertNotNil(machine.fcInterrupts)
        XCTAssertEqual((machine.fcInterrupts?.acknowledged ?? 0) & (1 << 10), 1 << 10)
    }

    /// With fewer cluster cores (--harts 2) the FC still boots; FETCH_EN reads the cores that exist.
    func testFewerClusterCores() throws {
        let (result, machine) = try runELF(Paths.firmware("pulp", "fc-vectored"), platform: .pulp, harts: 2)
        XCTAssertEqual(result.firmwareExitCode, 0, "\(result.reason)")
        XCTAssertEqual(machine.harts.count, 3)
        XCTAssertEqual(machine.fabricController, 2)
        XCTAssertEqual(result.harts[0].instructions, 0)  // never started
    }

    /// mtvec at reset is the boot address, vectored: FC timer and software lines enter at their vectors.
    func testVectoredInterruptsAtReset() throws {
        let r = try runCLI(["run", "--platform", "pulp", Paths.firmware("pulp", "fc-vectored")], exits: 0)
        XCTAssertFalse(r.stderr.contains("warning"), r.stderr)
    }

    /// An FC asleep waiting for a cluster it never started: a deadlock naming the held cores.
    func testWaitingForAClusterNeverStarted() throws {
        let r = try runCLI(["run", "--platform", "pulp", "--history", "0", Paths.firmware("pulp", "fc-never-started")], exits: 121)
        XCTAssertEqual(r.stderr.components(separatedBy: "held in reset: never started").count - 1, 8, r.stderr)
        XCTAssertTrue(r.stderr.contains("hart 8 (fabric controller) at 0x1c008012 <_start+0x12>: waiting on wfi: FC interrupt controller mask 0x00000002, status 0x00000000"), r.stderr)
        let json = try runCLI(["run", "--platform", "pulp", "--json", Paths.firmware("pulp", "fc-never-started")], exits: 121)
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        XCTAssertEqual(object?["reason"] as? String, "deadlock")
        XCTAssertEqual((object?["sleeping"] as? [[String: Any]])?.count, 9)
    }

    /// A cluster task that never returns: the FC's wait and every core's are in the report.
    func testClusterTaskThatNeverReturns() throws {
        let r = try runCLI(["run", "--platform", "pulp", "--history", "0", Paths.firmware("pulp", "fc-task-hangs")], exits: 121)
        XCTAssertTrue(r.stderr.contains("deadlock: every started hart is asleep"), r.stderr)
        XCTAssertEqual(r.stderr.components(separatedBy: "barrier 0 has 0xfe of trigger mask 0xff (missing cores 0x01)").count - 1, 7,
                       r.stderr)
        XCTAssertTrue(r.stderr.contains("hart 8 (fabric controller)") && r.stderr.contains("waiting on wfi: FC interrupt controller mask 0x00000002"),
                      r.stderr)
    }

    /// A lone hart polling a flag nothing can set ends the run as a deadlock, on every platform.
    func testSpinningForEverIsADeadlock() throws {
        for (platform, dir, name) in [("pulp-cluster", "pulp-cluster", "hart 0"), ("spike", "spike", "hart 0"),
                                      ("pulp", "pulp", "hart 8 (fabric controller)")] {
            let r = try runCLI(["run", "--platform", platform, "--history", "0", Paths.firmware(dir, "spin-flag")], exits: 121)
            XCTAssertTrue(r.stderr.contains("deadlock: \(name) spins for ever"), r.stderr)
            // (Where in the loop the hart is caught depends on the loop's timing.)
            XCTAssertTrue(r.stderr.contains("<poll") && r.stderr.contains(": spinning in a loop of 8 instructions that cannot end"), r.stderr)
        }
        let json = try runCLI(["run", "--platform", "spike", "--json", Paths.firmware("spike", "spin-flag")], exits: 121)
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        let spinning = object?["spinning"] as? [[String: Any]]
        XCTAssertEqual(spinning?.first?["symbol"] as? String, "poll")
        // Loops whose state moves are never taken for spins: the limit ends them.
        try runCLI(["run", "--platform", "spike", "--max-instructions", "30000000", "--history", "0",
                    Paths.firmware("spike", "fault-loop")], exits: 123)
    }

    /// A core started by FETCH_EN at a boot address the FC never wrote.
    func testCoreStartedAtAnUnwrittenBootAddress() throws {
        let r = try runCLI(["run", "--platform", "pulp", "--history", "0", Paths.firmware("pulp", "fc-bad-boot")], exits: 120)
        XCTAssertTrue(r.stderr.contains("hart 2: illegal instruction with no trap handler"), r.stderr)
        XCTAssertTrue(r.stderr.contains("core 2 was started by FETCH_EN at its boot address 0x00000000 (cluster control BOOT_ADDR[2], 0x10200048): the fabric controller never wrote it"), r.stderr)
    }

    /// The FC's local alias of L2 private bank 0: 32 KiB at 0, nothing else below 0x0040_0000
    /// (cluster cores see the TCDM alias and the peripherals' aliases there).
    func testFabricControllerPrivateAlias() throws {
        var options = MachineOptions(platform: .pulp)
        options.echoOutput = false
        let machine = try Machine(options: options)
        XCTAssertEqual(machine.bus.translate(0x7FFC, size: 4, hart: 8), 0x1C00_7FFC)
        XCTAssertNil(machine.bus.translate(0x7FFE, size: 4, hart: 8), "across the alias' end")
        XCTAssertNil(machine.bus.translate(0x8000, size: 1, hart: 8))
        XCTAssertNil(machine.bus.translate(0x0020_4000, size: 4, hart: 8), "the cores' peripheral aliases")
        XCTAssertEqual(machine.bus.translate(0x0040_0000, size: 4, hart: 8), 0x0040_0000, "past the hidden range: as everyone")
        XCTAssertEqual(machine.bus.translate(0x7FFC, size: 4, hart: 3), 0x7FFC, "a cluster core: the TCDM alias")
        XCTAssertEqual(machine.bus.views(of: 0x1C00_0100), [0x1C00_0100, 0x100])
        // Through the firmware: the FC's accesses below 32 KiB reach L2 (fc-cluster checks 17-18),
        // and 0x8000 faults with a report that says why.
        let r = try runCLI(["run", "--platform", "pulp", "--history", "0", Paths.firmware("pulp", "fc-alias-fault")], exits: 120)
        XCTAssertTrue(r.stderr.contains("hart 8: load access fault with no trap handler"), r.stderr)
        XCTAssertTrue(r.stderr.contains("address 0x00008000: the fabric controller sees only its alias of L2 0x1c000000-0x1c007fff"), r.stderr)
        let (result, _) = try runELF(Paths.firmware("pulp", "fc-alias-fault"), platform: .pulp)
        guard case .unhandledTrap(let trap) = result.reason else { return XCTFail("\(result.reason)") }
        XCTAssertEqual(trap.tval, 0x8000)
    }

    /// Nine harts: the binary trace takes version 3 (a hart byte for harts 7 and up) and decodes
    /// to exactly the text trace of the same run; 8-hart traces stay version 2.
    func testBinaryTraceOfNineHarts() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pulpsim-chip-trace-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let elf = Paths.firmware("pulp", "fc-cluster")
        for format in ["spike", "pulpsim"] {
            let text = dir.appendingPathComponent("t.\(format)").path, binary = dir.appendingPathComponent("t.bin").path
            try runCLI(["run", "--platform", "pulp", "--quiet", "--trace-file", text, "--trace-format", format, elf], exits: 0)
            try runCLI(["run", "--platform", "pulp", "--quiet", "--trace-file", binary, "--trace-format", "binary", elf], exits: 0)
            let decoded = try runCLI(["trace-decode", "--format", format, binary], exits: 0)
            let expected = try String(contentsOfFile: text, encoding: .utf8)
            XCTAssertEqual(decoded.stdout, expected, format)
            XCTAssertTrue(expected.contains("core   8: "), "the FC's instructions are traced")
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: binary)))
            XCTAssertEqual(bytes[8], 3, "version")
            XCTAssertEqual(bytes[9], 9, "harts")
        }
        let eight = dir.appendingPathComponent("c.bin").path
        try runCLI(["run", "--quiet", "--trace-file", eight, "--trace-format", "binary", Paths.firmware("pulp-cluster", "hello")], exits: 0)
        XCTAssertEqual(try [UInt8](Data(contentsOf: URL(fileURLWithPath: eight)))[8], 2)
    }

    /// The platform's memory map names the SoC devices the runtime touches.
    func testMemoryMap() throws {
        let r = try runCLI(["memory-map", "--platform", "pulp"], exits: 0)
        for row in ["0x1a100000-0x1a100fff  FLLs", "0x1a104000-0x1a104fff  SoC control", "0x1a106000-0x1a106fff  SoC event unit",
                    "0x1a109800-0x1a109fff  FC interrupt controller", "0x1a10b000-0x1a10b7ff  FC timer",
                    "0x1a10f000-0x1a10ffff  stdout", "0x10200000-0x102003ff  cluster control"] {
            XCTAssertTrue(r.stdout.contains(row), "\(row) in\n\(r.stdout)")
        }
        XCTAssertFalse(r.stdout.contains("HMR"), r.stdout)
        XCTAssertFalse(r.stdout.contains("0x40000000"), r.stdout)
    }

    /// --stats and gdb name the fabric controller.
    func testFabricControllerIsNamed() throws {
        let r = try runCLI(["run", "--platform", "pulp", "--stats", "--quiet", Paths.firmware("pulp", "fc-cluster")], exits: 0)
        XCTAssertTrue(r.stderr.contains("   8  ") && r.stderr.contains("fabric controller, ended the run (exit code 0, SoC control CORESTATUS)"), r.stderr)
        // --stats adds the stall cycles by cause; every hart's cycles add up.
        XCTAssertTrue(r.stderr.contains("stall cycles by cause"), r.stderr)
        let (counted, _) = try runELF(Paths.firmware("pulp", "fc-cluster"), platform: .pulp) { $0.countStalls = true }
        for h in counted.harts {
            guard let s = h.stalls else { return XCTFail("hart \(h.hart): no stalls") }
            XCTAssertEqual(h.instructions + s.total + s.sleep, h.cycles, "hart \(h.hart)")
            if h.hart < 8 { XCTAssertGreaterThan(s.sleep, 0, "core \(h.hart) was held, then slept") }
        }
        XCTAssertGreaterThan(counted.harts[8].stalls?.sleep ?? 0, 0, "the FC slept waiting for the cluster")
        let (_, machine) = try runELF(Paths.firmware("pulp", "fc-cluster"), platform: .pulp)
        XCTAssertEqual(machine.hartName(8), "hart 8 (fabric controller)")
        XCTAssertEqual(machine.hartName(3), "hart 3")
        // gdb: nine threads, the ninth named as the fabric controller; held cores say so.
        var options = MachineOptions(platform: .pulp)
        options.echoOutput = false
        let chip = try Machine(options: options)
        try chip.load(path: Paths.firmware("pulp", "fc-cluster"))
        func frame(_ p: String) -> [UInt8] {
            let sum = p.utf8.reduce(0) { ($0 + Int($1)) & 0xFF }
            return Array("$\(p)#\(String(format: "%02x", sum))".utf8)
        }
        let server = GDBServer(machine: chip, input: [UInt8(ascii: "+")] + frame("QStartNoAckMode") + frame("qfThreadInfo")
                               + frame("qThreadExtraInfo,9") + frame("qThreadExtraInfo,1"))
        _ = server.serve()
        let text = String(decoding: server.output, as: UTF8.self)
        XCTAssertTrue(text.contains("$m1,2,3,4,5,6,7,8,9#"), text)
        let hex = { (s: String) in s.utf8.map { String(format: "%02x", $0) }.joined() }
        XCTAssertTrue(text.contains(hex("hart 8 (fabric controller) (running)")), text)
        XCTAssertTrue(text.contains(hex("hart 0 (held in reset (FETCH_EN not set))")), text)
        // The timeline names the FC's track.
        let timeline = FileManager.default.temporaryDirectory.appendingPathComponent("pulpsim-fc-\(getpid()).json").path
        defer { try? FileManager.default.removeItem(atPath: timeline) }
        try runCLI(["run", "--platform", "pulp", "--quiet", "--timeline", timeline, Paths.firmware("pulp", "fc-cluster")], exits: 0)
        XCTAssertTrue(try String(contentsOfFile: timeline, encoding: .utf8).contains(#""name":"hart 8 (fabric controller)""#))
        // --trace-harts takes the FC's index.
        try runCLI(["run", "--platform", "pulp", "--trace-harts", "8", "--trace-file", "/dev/null",
                    Paths.firmware("pulp", "fc-cluster")], exits: 0)
    }
}
