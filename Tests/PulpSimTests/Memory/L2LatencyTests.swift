// The round trip of a cluster core's load or store to L2 (docs/platform.md §1, "Memory latency"):
// the self-checking firmware (firmware/tests/l2-latency.S, counts worked out by hand) on a cluster
// core and on the `pulp` fabric controller, which sits beside L2; the option's effect and range;
// where `--stats` and the RI5CY external-cycle counters put the waiting.

@testable import PulpSim
import XCTest

final class L2LatencyTests: XCTestCase {
    /// Cluster core 0 with the default 14 extra cycles; the fabric controller with none.
    func testFirmwareOnAClusterCoreAndOnTheFabricController() throws {
        let (cluster, _) = try runELF(Paths.firmware("pulp-cluster", "l2-latency"), platform: .pulpCluster)
        XCTAssertEqual(cluster.firmwareExitCode, 0, "cluster core: check \(cluster.firmwareExitCode.map(String.init) ?? "none") failed")
        let (chip, _) = try runELF(Paths.firmware("pulp", "l2-latency"), platform: .pulp)
        XCTAssertEqual(chip.firmwareExitCode, 0, "fabric controller: check \(chip.firmwareExitCode.map(String.init) ?? "none") failed")
    }

    /// Another latency than the one the firmware expects fails its first check; the test above
    /// can fail.
    func testTheLatencyIsTheOption() throws {
        for latency in [0, 13, 15] {
            let (result, _) = try runELF(Paths.firmware("pulp-cluster", "l2-latency"), platform: .pulpCluster) { $0.l2Latency = latency }
            XCTAssertEqual(result.firmwareExitCode, 1, "--l2-latency \(latency)")
        }
    }

    /// The firmware's L2 accesses on core 0: checks 1, 3, 4, 6, 7 one each, check 5 four: 9 round
    /// trips of 14 cycles, filed under `l2`, not under the other causes.
    func testStatsFileTheWaitUnderL2() throws {
        let (_, machine) = try runELF(Paths.firmware("pulp-cluster", "l2-latency"), platform: .pulpCluster) { $0.countStalls = true }
        let stalls = machine.harts[0].stallBreakdown
        XCTAssertEqual(stalls.l2, 9 * 14)
        XCTAssertEqual(stalls.misaligned, 1, "check 6's second transfer")
        XCTAssertEqual(machine.harts[0].instret + stalls.total + stalls.sleep, machine.harts[0].cycle)
        XCTAssertTrue(stalls.entries.contains { $0.0 == "l2" && $0.1 == 126 })
    }

    /// `--stats` has an `l2` column and `--stats --json` an `l2` stall count.
    func testCLIReportsTheWait() throws {
        let elf = Paths.firmware("pulp-cluster", "l2-latency")
        try requireFirmware(elf)
        let table = try runCLI(["run", "--quiet", "--stats", elf], exits: 0).stderr
        let lines = table.split(separator: "\n")
        let header = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("hart") && $0.contains("load-use") })
        let columns = lines[header].split(separator: " ")
        let l2 = try XCTUnwrap(columns.firstIndex(of: "l2"))
        XCTAssertEqual(lines[header + 1].split(separator: " ")[l2], "126", table)
        let json = try runCLI(["run", "--quiet", "--stats", "--json", elf], exits: 0).stdout
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let harts = try XCTUnwrap(object["harts"] as? [[String: Any]])
        let stalls = try XCTUnwrap(harts[0]["stalls"] as? [String: Any])
        XCTAssertEqual(stalls["l2"] as? Int, 126)
    }

    /// RI5CY's LD_EXT_CYC and ST_EXT_CYC count the cycles of external accesses: one per transfer
    /// plus the round trip.
    func testExternalCycleCounters() throws {
        var options = MachineOptions(platform: .pulpCluster)
        options.platform.harts = 1
        options.echoOutput = false
        let machine = try Machine(options: options)
        let hart = machine.harts[0]
        let code: UInt32 = 0x1C00_0000
        // lw a2, 0x100(a0); sw a4, 0x104(a0); lw a3, 0(a1) with a0 in L2, a1 in the TCDM.
        let words: [UInt32] = [0x1005_2603, 0x10E5_2223, 0x0005_A683]
        machine.writeMemory(code, words.flatMap { w in (0..<4).map { UInt8(truncatingIfNeeded: w >> (8 * $0)) } })
        hart.reset(pc: code)
        hart.x[10] = 0x1C00_1000
        hart.x[11] = 0x1000_0000
        hart.writeCSR(CSR.pcer, 0xFFFF_FFFF)
        let result = machine.run(until: .pc(code + 12))
        guard case .stopped = result.reason else { return XCTFail("\(result.reason)") }
        XCTAssertEqual(hart.cycle, 15 + 15 + 1)
        func legacy(_ e: LegacyPerformanceEvent) -> UInt32? { hart.readCSR(CSR.pccr0 + UInt32(e.rawValue), timeNow: hart.cycle) }
        XCTAssertEqual(legacy(.externalLoads), 1)
        XCTAssertEqual(legacy(.externalLoadCycles), 15)
        XCTAssertEqual(legacy(.externalStores), 1)
        XCTAssertEqual(legacy(.externalStoreCycles), 15)
        XCTAssertEqual(legacy(.loads), 2)
    }

    /// The option's range: a usage error naming it (exit 64), and the machine refuses it too.
    func testRange() throws {
        var options = MachineOptions(platform: .pulpCluster)
        options.l2Latency = 1001
        XCTAssertThrowsError(try Machine(options: options))
        options.l2Latency = -1
        XCTAssertThrowsError(try Machine(options: options))
        let elf = Paths.firmware("pulp-cluster", "l2-latency")
        try requireFirmware(elf)
        let stderr = try runCLI(["run", "--quiet", "--l2-latency", "-1", elf], exits: 64).stderr
        XCTAssertTrue(stderr.contains("--l2-latency"), stderr)
        try runCLI(["run", "--quiet", "--l2-latency", "14", elf], exits: 0)
    }
}
