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
    /// in every cycle and the bank grants one per cycle (rr_arb_tree: the requester whose index
    /// XOR rr is smallest, then rr moves to the next requester above it). Bank 0's rr is 0 after
    /// hart 0's own-bank loads (hart 0 alone), so hart 0 goes first, rr moves to 1, hart 1 goes
    /// next (all still asking), and so on: the order is harts 0, 1, ..., 7, and hart h gets its
    /// k-th load in cycle 8k + h: its 64 loads take 8·63 + h + 1 cycles.
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
    /// The per-bank round-robin arbiter of the cluster interconnect (common_cells rr_arb_tree,
    /// 16 inputs, FairArb), worked out by hand: the requester whose index XOR rr is smallest wins;
    /// rr then moves to the lowest requester above it, else to the lowest requester.
    func testRoundRobinArbiterOfABank() {
        func mask(_ masters: Int...) -> UInt64 { masters.reduce(0) { $0 | UInt64(1) << UInt64($1) } }
        let all = mask(0, 1, 2, 3, 4, 5, 6, 7)
        XCTAssertEqual(TCDMArbiter.roundRobinWinner(all, 0), 0)
        XCTAssertEqual(TCDMArbiter.nextRoundRobin(all, 0), 1)
        for rr in 0..<8 { XCTAssertEqual(TCDMArbiter.roundRobinWinner(all, rr), rr, "all 8 cores, rr \(rr)") }
        XCTAssertEqual(TCDMArbiter.roundRobinWinner(mask(3, 5), 0), 3)   // 3 ^ 0 = 3 < 5
        XCTAssertEqual(TCDMArbiter.nextRoundRobin(mask(3, 5), 0), 3)     // the winner may win again
        XCTAssertEqual(TCDMArbiter.roundRobinWinner(mask(3, 5), 3), 3)   // 0 < 6
        XCTAssertEqual(TCDMArbiter.nextRoundRobin(mask(3, 5), 3), 5)
        XCTAssertEqual(TCDMArbiter.roundRobinWinner(mask(2, 7), 4), 7)   // 7 ^ 4 = 3 < 2 ^ 4 = 6
        XCTAssertEqual(TCDMArbiter.nextRoundRobin(mask(2, 7), 4), 7)
        XCTAssertEqual(TCDMArbiter.roundRobinWinner(mask(0, 12), 7), 0)  // a core (7) against a DMA port (12 ^ 7 = 11)
        XCTAssertEqual(TCDMArbiter.nextRoundRobin(mask(0, 12), 7), 12)
        XCTAssertEqual(TCDMArbiter.roundRobinWinner(mask(0, 13), 12), 13) // 13 ^ 12 = 1 < 12
        XCTAssertEqual(TCDMArbiter.roundRobinWinner(mask(1, 2), 15), 2)  // 2 ^ 15 = 13 < 14
        XCTAssertEqual(TCDMArbiter.nextRoundRobin(mask(1, 2), 15), 1)    // none above 15: the lowest
        XCTAssertEqual(TCDMArbiter.roundRobinWinner(mask(5), 9), 5)
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

extension TCDMContentionTests {
    typealias E = CoreTimingTests

    /// Random straight-line programs on 8 harts (loads and stores to random TCDM words, some
    /// across a word boundary, ALU work between them, mcycle read now and then and stored in a
    /// slot of the hart's own, loads that fault and a handler that skips them, then `wfi`): no
    /// instruction's timing depends on data, so each hart's cycle count, what it read from mcycle
    /// and the conflict count are facts of the access streams, and must be the same whatever the
    /// quantum and with a trace — the arbiter settles the accesses in time order whichever hart
    /// runs first and for how long, and before a core reads mcycle. (A trap taken in the middle
    /// of a turn once hid the accesses logged after it from the arbiter; the `devices` fuzz
    /// target found it as a traced and an untraced run that differed.)
    func testRandomAccessStreamsGiveTheSameCyclesWhateverTheQuantum() throws {
        var seed: UInt64 = 0x5EED_7CD1
        func random(_ n: Int) -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((seed >> 33) % UInt64(n))
        }
        for round in 0..<6 {
            var programs: [[UInt32]] = []
            for h in 0..<8 {
                // lui x1, 0x10000 (the TCDM); lui x2, 0x10001; addi x2, x2, 0x100·h (the slots);
                // lui x3, handler; csrw mtvec, x3; lui x4, 0x30000 (nothing there)
                var code: [UInt32] = [0x1000_00B7, 0x1000_1137, E.addi(2, 2, Int32(0x100 * h)),
                                      0x1C00_F1B7, 0x3051_9073, 0x3000_0237]
                let length = 100 + random(200)
                var slot: Int32 = 0
                for _ in 0..<length {
                    if random(40) == 0 {
                        code += [0xB000_2A73, E.sw(20, 2, 4 * slot)]  // csrr x20, mcycle; sw x20, slot
                        slot += 1
                    }
                    if random(60) == 0 { code.append(E.lw(6, 4, 0)) }  // a load access fault
                    let rd = UInt32(5 + random(10)), offset = Int32(4 * random(256))
                    switch random(8) {
                    case 0, 1, 2: code.append(E.lw(rd, 1, offset))
                    case 3, 4: code.append(E.sw(rd, 1, offset))
                    case 5: code.append(E.lh(rd, 1, offset + 3))   // across a word boundary: two banks
                    default: code.append(E.addi(rd, rd, Int32(random(100))))
                    }
                }
                code += [0x1050_0073, E.jal(0, -4)]  // wfi; j .-4
                programs.append(code)
            }
            var reference: [UInt64]?
            var referenceConflicts: UInt64?
            // The handler: mepc += 4; mret.
            let handler: [UInt32] = [0x3410_22F3, E.addi(5, 5, 4), 0x3412_9073, 0x3020_0073]
            for (quantum, traced) in [(1, false), (2, false), (5, false), (64, false), (256, false), (100_000, false), (256, true)] {
                var options = MachineOptions(platform: .pulpCluster)
                options.echoOutput = false
                options.quantum = quantum
                let machine = try Machine(options: options)
                func bytes(_ words: [UInt32]) -> [UInt8] { words.flatMap { w in (0..<4).map { UInt8(w >> (8 * UInt32($0)) & 0xFF) } } }
                XCTAssertTrue(machine.writeMemory(0x1C00_F000, bytes(handler)))
                for (h, code) in programs.enumerated() {
                    let base = 0x1C00_0000 + UInt32(h) * 0x1000
                    XCTAssertTrue(machine.writeMemory(base, bytes(code)))
                    machine.harts[h].reset(pc: base)
                }
                if traced { machine.setTracer(Tracer(capturing: 8, symbols: machine.symbols, format: .spike) { _, _ in }) }
                let result = machine.run()
                guard case .deadlock = result.reason else { return XCTFail("round \(round), quantum \(quantum): \(result.reason)") }
                let slots = machine.readMemory(0x1000_1000, count: 0x800) ?? []
                var cycles = machine.harts.map(\.cycle)
                for i in stride(from: 0, to: slots.count, by: 4) {
                    var word: UInt64 = 0
                    for b in 0..<4 { word |= UInt64(slots[i + b]) << UInt64(8 * b) }
                    cycles.append(word)
                }
                let conflicts = result.tcdm?.totalConflicts ?? 0
                if let reference, let referenceConflicts {
                    XCTAssertEqual(cycles, reference, "round \(round), quantum \(quantum)\(traced ? ", traced" : "")")
                    XCTAssertEqual(conflicts, referenceConflicts, "round \(round), quantum \(quantum)\(traced ? ", traced" : "")")
                } else {
                    reference = cycles
                    referenceConflicts = conflicts
                    XCTAssertGreaterThan(conflicts, 0, "round \(round): the streams collide somewhere")
                }
            }
        }
    }
}
