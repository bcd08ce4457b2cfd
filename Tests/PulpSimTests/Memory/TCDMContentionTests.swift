// TCDM bank conflicts between the cluster cores (Kernel/TCDMArbiter.swift, docs/platform.md §2),
// measured by firmware/tests/tcdm-banks.S with mcycle: 8 harts × 64 back-to-back loads on banks of
// their own, then all on one bank, then on their own banks again.

import Foundation
@testable import PulpSim
import XCTest

final class TCDMContentionTests: XCTestCase {
    func results(_ machine: Machine) throws -> [[UInt32]] {
        try (0..<8).map { h in try (0..<3).map { p in try XCTUnwrap(machine.readWord(0x1000_2000 + UInt32(64 * p + 32 + 4 * h))) } }
    }

    /// Hand-computed: on their own banks no load waits (64 cycles). On one bank all 8 harts ask
    /// in every cycle and the bank grants one per cycle, the core its priority counter names
    /// (all requesting); the counter of bank 0 stands at 64 mod 8 = 0 after hart 0's own-bank
    /// loads, so the order is harts 0, 1, ..., 7, and hart h gets its k-th load in cycle 8k + h:
    /// its 64 loads take 8·63 + h + 1 cycles.
    func testEightHartsOnOneBankWaitRoundRobinAndOnTheirOwnBanksNever() throws {
        let (result, machine) = try runELF(Paths.firmware("pulp-cluster", "tcdm-banks"), platform: .pulpCluster) { $0.countStalls = true }
        XCTAssertEqual(result.firmwareExitCode, 0, "\(result.reason)")
        let r = try results(machine)
        for h in 0..<8 {
            XCTAssertEqual(r[h][0], 64, "hart \(h), own banks")
            XCTAssertEqual(r[h][1], UInt32(8 * 63 + h + 1), "hart \(h), one bank")
            XCTAssertEqual(r[h][2], 64, "hart \(h), own banks again")
            // Every stall of the run is one of those: 8·63 + h + 1 − 64 cycles.
            XCTAssertEqual(result.harts[h].stalls?.tcdm, UInt64(441 + h), "hart \(h)")
            XCTAssertEqual(machine.harts[h].legacyTotal(LegacyPerformanceEvent.tcdmContention.rawValue), UInt64(441 + h))
        }
        let tcdm = try XCTUnwrap(result.tcdm)
        XCTAssertEqual(tcdm.conflicts, [3556] + [UInt64](repeating: 0, count: 15))  // all on bank 0
        XCTAssertEqual(tcdm.totalConflicts, (0..<8).reduce(0) { $0 + UInt64(441 + $1) })

        // Turned off: every sequence takes its 64 cycles.
        let (free, unbanked) = try runELF(Paths.firmware("pulp-cluster", "tcdm-banks"), platform: .pulpCluster) { $0.tcdmContention = false }
        XCTAssertEqual(free.firmwareExitCode, 0)
        XCTAssertNil(free.tcdm)
        XCTAssertEqual(try results(unbanked).flatMap { $0 }, [UInt32](repeating: 64, count: 24))
    }
}

extension TCDMContentionTests {
    /// The conflicts are settled in the order of time, not of the scheduler's turns: the same
    /// counts whatever the quantum, traced or not. (Hart 0's own end depends on the quantum: it
    /// polls the other harts' done flags in the TCDM, and when it sees them is the order of
    /// turns, docs/platform.md §2; harts 1-7 end in `wfi`.)
    func testSameCountsWhateverTheQuantumAndWithATrace() throws {
        let (_, reference) = try runELF(Paths.firmware("pulp-cluster", "tcdm-banks"), platform: .pulpCluster)
        let expected = try results(reference)
        let cycles = reference.harts.dropFirst().map(\.cycle)
        for quantum in [1, 3, 7, 64, 1000, 5000] {
            let (result, machine) = try runELF(Paths.firmware("pulp-cluster", "tcdm-banks"), platform: .pulpCluster) { $0.quantum = quantum }
            XCTAssertEqual(result.firmwareExitCode, 0)
            XCTAssertEqual(try results(machine), expected, "quantum \(quantum)")
            XCTAssertEqual(machine.harts.dropFirst().map(\.cycle), cycles, "quantum \(quantum)")
        }
        var options = MachineOptions(platform: .pulpCluster)
        options.echoOutput = false
        let machine = try Machine(options: options)
        try machine.load(path: Paths.firmware("pulp-cluster", "tcdm-banks"))
        var lines = 0
        machine.setTracer(Tracer(capturing: 8, symbols: machine.symbols, format: .pulpsim) { _, _ in lines += 1 })
        let result = machine.run()
        XCTAssertGreaterThan(lines, 1800)
        XCTAssertEqual(result.firmwareExitCode, 0)
        XCTAssertEqual(try results(machine), expected, "traced")
        XCTAssertEqual(machine.harts.dropFirst().map(\.cycle), cycles, "traced")
    }
}

extension TCDMContentionTests {
    /// The arbitration tree of the cluster interconnect, worked out by hand: from the root down,
    /// a node with requests on both sides takes the side its counter bit names (root: bit 2).
    func testArbitrationTreePicksTheSideTheCounterNames() {
        let cores = UnsafeMutablePointer<UnsafeMutablePointer<HartCore>>.allocate(capacity: 8)
        defer { cores.deallocate() }
        let arbiter = TCDMArbiter(count: 8, cores: cores)
        func mask(_ harts: Int...) -> UInt64 { harts.reduce(0) { $0 | UInt64(1) << UInt64($1) } }
        XCTAssertEqual(arbiter.levels, 3)
        for c in 0..<8 { XCTAssertEqual(arbiter.treeWinner(mask(0, 1, 2, 3, 4, 5, 6, 7), c), c) }
        XCTAssertEqual(arbiter.treeWinner(mask(0, 1), 2), 0)       // only the left subtrees request; leaf bit 0
        XCTAssertEqual(arbiter.treeWinner(mask(0, 1), 3), 1)
        XCTAssertEqual(arbiter.treeWinner(mask(1, 6), 3), 1)       // root bit 2 = 0: left half
        XCTAssertEqual(arbiter.treeWinner(mask(1, 6), 4), 6)       // root bit 2 = 1: right half
        XCTAssertEqual(arbiter.treeWinner(mask(0, 2), 2), 2)       // middle bit 1 = 1: pair {2, 3}
        XCTAssertEqual(arbiter.treeWinner(mask(0, 2), 1), 0)
        XCTAssertEqual(arbiter.treeWinner(mask(5), 0), 5)
        let six = TCDMArbiter(count: 6, cores: cores)               // padded to 8 leaves
        XCTAssertEqual(six.levels, 3)
        XCTAssertEqual(six.treeWinner(mask(0, 5), 4), 5)
        XCTAssertEqual(six.treeWinner(mask(0, 5), 3), 0)
    }
}

extension TCDMContentionTests {
    /// `--json` reports the conflicts per bank; `--no-tcdm-contention` turns them off.
    func testCommandLineReportsConflictsAndTurnsThemOff() throws {
        let elf = Paths.firmware("pulp-cluster", "tcdm-banks")
        try requireFirmware(elf)
        let on = try runCLI(["run", "--json", "--quiet", elf], exits: 0)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(on.stdout.utf8)) as? [String: Any])
        let tcdm = try XCTUnwrap(object["tcdm"] as? [String: Any])
        XCTAssertEqual(tcdm["conflicts"] as? Int, 3556)
        XCTAssertEqual((tcdm["bank_conflicts"] as? [Int])?.first, 3556)
        let off = try runCLI(["run", "--json", "--quiet", "--no-tcdm-contention", elf], exits: 0)
        let plain = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(off.stdout.utf8)) as? [String: Any])
        XCTAssertNil(plain["tcdm"])
        XCTAssertLessThan(plain["cycles"] as? Int ?? .max, object["cycles"] as? Int ?? 0)
    }
}
