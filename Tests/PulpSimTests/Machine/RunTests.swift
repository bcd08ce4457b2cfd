// End-to-end runs of cross-compiled firmware through the library API and the command line.

import Foundation
import PulpSim
import XCTest

final class RunTests: XCTestCase {
    func testHelloOnBothPlatforms() throws {
        for (platform, dir) in [(PlatformKind.spike, "spike"), (.pulpCluster, "pulp-cluster")] {
            let (result, _) = try runELF(Paths.firmware(dir, "hello"), platform: platform)
            XCTAssertEqual(result.firmwareExitCode, 0, "\(dir): \(result.reason)")
            XCTAssertTrue(result.output.hasPrefix("Hello from hart 0 of pulpsim!\n"), result.output)
            XCTAssertTrue(result.output.contains("sum of squares 1..100 = 338350"), result.output)
            XCTAssertTrue(result.output.contains("sqrt(2) ~ 1.414214"), result.output)
        }
    }

    func testExitMechanisms() throws {
        let (spike, _) = try runELF(Paths.firmware("spike", "hello"), platform: .spike)
        guard case .exited(_, let m1) = spike.reason else { return XCTFail("\(spike.reason)") }
        XCTAssertEqual(m1, .htif)
        let (pulp, _) = try runELF(Paths.firmware("pulp-cluster", "hello"), platform: .pulpCluster)
        guard case .exited(_, let m2) = pulp.reason else { return XCTFail("\(pulp.reason)") }
        XCTAssertEqual(m2, .coreStatus)
        // Cluster controller: RETURN = 0x8000002a (bit 31 dropped), then EOC = 1.
        let (eoc, _) = try runELF(Paths.firmware("pulp-cluster", "exit-eoc"), platform: .pulpCluster)
        guard case .exited(let code, let m3) = eoc.reason else { return XCTFail("\(eoc.reason)") }
        XCTAssertEqual(m3, .endOfComputation)
        XCTAssertEqual(code, 42)
        XCTAssertEqual(eoc.exitStatus, 42)
    }

    func testRunUntilSymbolThenInspectAndContinue() throws {
        let path = Paths.firmware("spike", "hello")
        try requireFirmware(path)
        var options = MachineOptions(platform: .spike)
        options.echoOutput = false
        options.captureOutput = true
        let machine = try Machine(options: options)
        try machine.load(path: path)
        let main = try XCTUnwrap(machine.address(of: "main"))
        let stop = machine.run(until: .symbol("main"))
        guard case .stopped(let hart, let pc) = stop.reason else { return XCTFail("\(stop.reason)") }
        XCTAssertEqual(hart, 0)
        XCTAssertEqual(pc, main)
        XCTAssertEqual(machine.harts[0].pc, main)
        XCTAssertEqual(stop.output, "")  // nothing printed before main
        // Spike's boot ROM passed the hart id in a0 and crt0 set up a stack in RAM.
        XCTAssertGreaterThanOrEqual(machine.harts[0].x[2], 0x8000_0000)
        // Continue a fixed number of instructions, then to the end.
        let before = machine.harts[0].instret
        _ = machine.run(until: .instructions(10))
        XCTAssertEqual(machine.harts[0].instret, before + 10)
        let end = machine.run()
        XCTAssertEqual(end.firmwareExitCode, 0)
        XCTAssertTrue(end.output.contains("Hello from hart 0"))
    }

    func testMemoryAndRegisterAccess() throws {
        let path = Paths.firmware("pulp-cluster", "hello")
        try requireFirmware(path)
        let machine = try Machine(options: MachineOptions(platform: .pulpCluster))
        try machine.load(path: path)
        // TCDM and its alias at 0 are the same memory.
        XCTAssertTrue(machine.writeMemory(0x1000_0100, [1, 2, 3, 4]))
        XCTAssertEqual(machine.readMemory(0x0000_0100, count: 4), [1, 2, 3, 4])
        XCTAssertEqual(machine.readWord(0x0000_0100), 0x0403_0201)
        XCTAssertNil(machine.readMemory(0x3000_0000, count: 4))
        machine.harts[0].x[10] = 42
        XCTAssertEqual(machine.harts[0].x[10], 42)
    }

    func testInstructionLimitReportAndExitCode() throws {
        let path = Paths.firmware("spike", "hello")
        try requireFirmware(path)
        let r = try runCLI(["run", "--platform", "spike", "--max-instructions", "1e3", path])
        XCTAssertEqual(r.status, 123)
        XCTAssertTrue(r.stderr.contains("instruction limit (--max-instructions 1000) reached"), r.stderr)
        XCTAssertTrue(r.stderr.contains("hart 0 (running) at 0x8"), r.stderr)  // pc, symbol, instruction
        XCTAssertTrue(r.stderr.contains(" sp x2 "), r.stderr)  // register dump
        let j = try runCLI(["run", "--platform", "spike", "--max-instructions", "1000", "--json", path], exits: 123)
        let json = try JSONSerialization.jsonObject(with: Data(j.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(json["reason"] as? String, "instruction-limit")
        XCTAssertEqual(json["instructions"] as? Int, 1000)
        XCTAssertEqual(json["exit_status"] as? Int, 123)
    }

    func testJSONResultOfNormalRun() throws {
        let path = Paths.firmware("pulp-cluster", "hello")
        try requireFirmware(path)
        let r = try runCLI(["run", "--json", path])
        XCTAssertEqual(r.status, 0)
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(json["reason"] as? String, "exit")
        XCTAssertEqual(json["exit_code"] as? Int, 0)
        XCTAssertEqual(json["exit_mechanism"] as? String, "corestatus")
        XCTAssertEqual((json["harts"] as? [Any])?.count, 8)
        XCTAssertTrue(r.stderr.contains("Hello from hart 0"), "firmware output goes to stderr with --json")
    }

    func testDeterministicCounts() throws {
        let path = Paths.firmware("pulp-cluster", "hello")
        let (a, _) = try runELF(path, platform: .pulpCluster)
        let (b, _) = try runELF(path, platform: .pulpCluster)
        XCTAssertEqual(a.firmwareExitCode, 0, "\(a.reason)")
        XCTAssertEqual(b.firmwareExitCode, 0, "\(b.reason)")
        XCTAssertEqual(a.output, b.output)
        XCTAssertEqual(a.harts.map(\.instructions), b.harts.map(\.instructions))
        XCTAssertEqual(a.harts.map(\.cycles), b.harts.map(\.cycles))
    }

    func testMemoryMapCommand() throws {
        let r = try runCLI(["memory-map", "--platform", "pulp-cluster"])
        XCTAssertEqual(r.status, 0)
        XCTAssertTrue(r.stdout.contains("0x1c000000-0x1c0fffff  L2"), r.stdout)
        XCTAssertTrue(r.stdout.contains("0x10000000-0x1003ffff  TCDM"), r.stdout)
    }
}

final class MachineLifetimeTests: XCTestCase {
    /// A machine, its devices, memories and tracer are freed once the last reference goes: no
    /// retain cycle between the bus, the devices and their memory ports, the HTIF, the tracer.
    func testMachinesAreFreedAfterARun() throws {
        let programs: [(PlatformKind, String, String)] = [
            (.spike, "spike", "hello"), (.pulpCluster, "pulp-cluster", "redmule-gemm-fp16"),
            (.redmuleTB, "redmule-tb", "redmule-tb-mmio-imc"),
        ]
        for (platform, dir, name) in programs {
            weak var weakMachine: Machine?
            weak var weakBus: Bus?
            weak var weakRedMulE: RedMulE?
            try { () throws -> Void in
                var options = MachineOptions(platform: platform)
                options.echoOutput = false
                options.maxInstructions = 2_000_000
                let machine = try Machine(options: options)
                try machine.load(path: Paths.firmware(dir, name))
                machine.setTracer(try Tracer(options: { var o = TraceOptions(); o.path = "/dev/null"; return o }(),
                                             harts: machine.harts.count, symbols: machine.symbols))
                machine.setTimeline(Timeline(harts: machine.harts.count))
                _ = machine.run()
                machine.tracer?.close()
                weakMachine = machine
                weakBus = machine.bus
                weakRedMulE = machine.redmule
            }()
            XCTAssertNil(weakMachine, "\(name): the machine outlives its last reference")
            XCTAssertNil(weakBus, "\(name): the bus outlives its machine")
            XCTAssertNil(weakRedMulE, "\(name): RedMulE outlives its machine")
        }
    }
}
