// The DMA's TCDM ports compete with the cores for the banks (docs/platform.md §2, §11.4): counts
// worked out by hand from the DMA's schedule and the banks' round-robin arbiters.
//
// An MCHAN transfer L2 → TCDM submitted at cycle 0 starts its data phase 5 cycles later and,
// after the 16 cycles of the L2 round trip, writes its words two per cycle (ports 14 and 15, the
// DMA's write ports): word 2j to bank 2j mod 16 and word 2j + 1 to the next, in cycle 21 + j.
// Core 0 runs `nops` nops and then one load from TCDM bank 0 (0x1000_0000), in cycle `nops`.

@testable import PulpSim
import XCTest

final class DMAContentionTests: XCTestCase {
    static let code: UInt32 = 0x1C00_0000
    static let nop: UInt32 = 0x0000_0013
    static let loadBank0: UInt32 = 0x0005_A503  // lw a0, 0(a1)
    static let wfi: UInt32 = 0x1050_0073

    /// Runs the transfer of `bytes` and the core's load in cycle `nops`; returns the cycle the
    /// transfer completes, the core's cycles lost to the DMA, and the DMA's.
    func run(bytes: Int, nops: Int, contention: Bool = true) throws -> (completion: UInt64, coreStalls: UInt64, dmaStalls: UInt64) {
        var options = MachineOptions(platform: .pulpCluster)
        options.echoOutput = false
        options.platform.harts = 1
        options.tcdmContention = contention
        let machine = try Machine(options: options)
        let words = Array(repeating: Self.nop, count: nops) + [Self.loadBank0, Self.wfi, Self.wfi]
        machine.writeMemory(Self.code, words.flatMap { w in (0..<4).map { UInt8(truncatingIfNeeded: w >> (8 * $0)) } })
        let hart = machine.harts[0]
        hart.reset(pc: Self.code)
        hart.x[11] = 0x1000_0000
        let dma = try XCTUnwrap(machine.dma)
        var context = AccessContext(hart: 0, cycle: 0)
        for word in [MCHANWord.command(bytes, toTCDM: true, event: false), 0x1000_0000, 0x1C00_8000] {
            XCTAssertTrue(dma.coreView.write(offset: 0, size: 4, value: word, context: &context))
        }
        let result = machine.run(until: .completion(.dmaTransfer))
        guard case .stopped = result.reason else { XCTFail("\(result.reason)"); return (0, 0, 0) }
        return (machine.now, hart.core.pointee.tcdmStalls, dma.engine.tcdmStallCycles)
    }

    /// 64 bytes: data 5 + 16 + 8 cycles, complete at 29. The core's load of bank 0 in cycle 21
    /// meets the DMA's first word there: the bank's rr is 0 (reset), so the core (0 XOR 0) beats
    /// port 14 (14 XOR 0): the DMA's port waits a cycle, its partner with it, and the transfer
    /// completes at 30.
    func testTheCoreWinsAndTheTransferIsLater() throws {
        let alone = try run(bytes: 64, nops: 5)
        XCTAssertEqual(alone.completion, 29, "no collision")
        XCTAssertEqual(alone.dmaStalls, 0)
        let collision = try run(bytes: 64, nops: 21)
        XCTAssertEqual(collision.completion, 30)
        XCTAssertEqual(collision.coreStalls, 0)
        XCTAssertEqual(collision.dmaStalls, 1)
        let off = try run(bytes: 64, nops: 21, contention: false)
        XCTAssertEqual(off.completion, 29, "--no-tcdm-contention")
    }

    /// 128 bytes: 16 pairs from cycle 21, complete at 37. Bank 0 is written in cycle 21 (word 0,
    /// port 14 alone: rr = 14) and in cycle 29 (word 16), when the core's load meets it: 14 XOR 14
    /// = 0 beats 0 XOR 14, so port 14 wins and the core waits a cycle; the transfer is on time.
    func testTheDMAWinsAndTheCoreWaits() throws {
        let result = try run(bytes: 128, nops: 29)
        XCTAssertEqual(result.completion, 37)
        XCTAssertEqual(result.coreStalls, 1)
        XCTAssertEqual(result.dmaStalls, 0)
    }

    /// Two cores sweeping the TCDM with loads while a 4 KiB transfer writes it: the cycles (the
    /// cores' stalls, the DMA's, when core 0 ends the run) do not depend on the quantum or on
    /// tracing, and the two kinds of masters do meet.
    func testCyclesDoNotDependOnTheQuantum() throws {
        func bne(_ rs1: UInt32, _ offset: Int32) -> UInt32 {
            let u = UInt32(bitPattern: offset)
            return (u >> 12 & 1) << 31 | (u >> 5 & 0x3F) << 25 | rs1 << 15 | 1 << 12 | (u >> 1 & 0xF) << 8 | (u >> 11 & 1) << 7 | 0x63
        }
        // Core 0 sweeps up (behind the DMA: it meets banks a core had last), core 1 down (it
        // meets banks the DMA had last).
        func sweep(_ step: UInt32) -> [UInt32] { [Self.loadBank0, step, 0xFFF2_8293 /* addi t0, t0, -1 */, bne(5, -12)] }
        let up: UInt32 = 0x0045_8593, down: UInt32 = 0xFFC5_8593  // addi a1, a1, ±4
        let wait: [UInt32] = [0xFFFE_0E13 /* addi t3, t3, -1 */, bne(28, -4), 0x0063_A023 /* sw t1, 0(t2): exit */]
        func run(quantum: Int, traced: Bool) throws -> [UInt64] {
            var options = MachineOptions(platform: .pulpCluster)
            options.echoOutput = false
            options.platform.harts = 2
            options.quantum = quantum
            let machine = try Machine(options: options)
            let programs = [sweep(up) + wait, sweep(down) + [Self.wfi, Self.wfi]]
            for (h, words) in programs.enumerated() {
                let at = Self.code + UInt32(h) * 0x100
                machine.writeMemory(at, words.flatMap { w in (0..<4).map { UInt8(truncatingIfNeeded: w >> (8 * $0)) } })
                let hart = machine.harts[h]
                hart.reset(pc: at)
                hart.x[11] = h == 0 ? 0x1000_0000 : 0x1000_1000
                hart.x[5] = 700
                hart.x[28] = 3000
                hart.x[6] = 0x8000_0000
                hart.x[7] = 0x1A10_40A0
            }
            var tracer: Tracer?
            if traced {
                var trace = TraceOptions()
                trace.format = .binary
                trace.path = "/dev/null"
                tracer = try Tracer(options: trace, harts: machine.harts.count, symbols: machine.symbols)
                machine.setTracer(tracer!)
            }
            defer { tracer?.close() }
            let dma = try XCTUnwrap(machine.dma)
            var context = AccessContext(hart: 0, cycle: 0)
            for word in [MCHANWord.command(4096, toTCDM: true, event: false), 0x1000_0000, 0x1C00_8000] {
                XCTAssertTrue(dma.coreView.write(offset: 0, size: 4, value: word, context: &context))
            }
            let result = machine.run()
            guard case .exited = result.reason else { XCTFail("\(result.reason)"); return [] }
            return [machine.harts[0].cycle, machine.harts[0].core.pointee.tcdmStalls, machine.harts[1].core.pointee.tcdmStalls,
                    dma.engine.tcdmStallCycles]
        }
        let reference = try run(quantum: 256, traced: false)
        XCTAssertGreaterThan(reference[1] + reference[2], 0, "the cores lost to the DMA: \(reference)")
        XCTAssertGreaterThan(reference[3], 0, "the DMA lost to the cores")
        for quantum in [1, 7, 64, 100_000] {
            XCTAssertEqual(try run(quantum: quantum, traced: false), reference, "quantum \(quantum)")
        }
        XCTAssertEqual(try run(quantum: 7, traced: true), reference, "traced")
    }

    /// `--stats` and `--json` report the cycles the DMA's transfers lost to the cores: the
    /// self-checking dma-random firmware (cores and transfers on the same TCDM) still passes, and
    /// loses some; without bank conflicts, none.
    func testStatsAndJSONReportTheDMAsLostCycles() throws {
        let elf = Paths.firmware("pulp-cluster", "dma-random")
        try requireFirmware(elf)
        let stats = try runCLI(["run", "--quiet", "--stats", elf], exits: 0).stderr
        XCTAssertTrue(stats.contains("lost to TCDM bank conflicts"), stats)
        func lost(_ extra: [String]) throws -> Int? {
            let json = try runCLI(["run", "--quiet", "--json"] + extra + [elf], exits: 0).stdout
            let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
            return (object["dma"] as? [String: Any])?["tcdm_stall_cycles"] as? Int
        }
        XCTAssertGreaterThan(try XCTUnwrap(lost([])), 0)
        XCTAssertEqual(try lost(["--no-tcdm-contention"]), 0)
    }
}
