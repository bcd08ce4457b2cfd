// The performance counters (docs/platform.md §13): CV32E40P's mcountinhibit, mhpmevent and
// mhpmcounter, RI5CY's PCER/PCMR/PCCR; counts worked out by hand from the timing model, on the
// counting loop, the slow path and the traced loop; the counting loop only runs while a counter
// needs it; the self-checking firmware (firmware/tests/perf-counters.c) on both platforms, plain
// and traced, and what its trace shows.

@testable import PulpSim
import Foundation
import XCTest

final class PerformanceCounterTests: XCTestCase {
    // MARK: Encodings (RV32I)

    static func i(_ opcode: UInt32, _ funct3: UInt32, rd: UInt32, rs1: UInt32, imm: Int32) -> UInt32 {
        UInt32(bitPattern: imm << 20) | rs1 << 15 | funct3 << 12 | rd << 7 | opcode
    }
    static func addi(_ rd: UInt32, _ rs1: UInt32, _ imm: Int32) -> UInt32 { i(0x13, 0, rd: rd, rs1: rs1, imm: imm) }
    static func lw(_ rd: UInt32, _ rs1: UInt32, _ imm: Int32) -> UInt32 { i(0x03, 2, rd: rd, rs1: rs1, imm: imm) }
    static func sw(_ rs2: UInt32, _ rs1: UInt32, _ imm: Int32) -> UInt32 {
        let u = UInt32(bitPattern: imm)
        return (u >> 5 & 0x7F) << 25 | rs2 << 20 | rs1 << 15 | 2 << 12 | (u & 0x1F) << 7 | 0x23
    }
    static func bne(_ rs1: UInt32, _ rs2: UInt32, _ offset: Int32) -> UInt32 {
        let u = UInt32(bitPattern: offset)
        return (u >> 12 & 1) << 31 | (u >> 5 & 0x3F) << 25 | rs2 << 20 | rs1 << 15 | 1 << 12
            | (u >> 1 & 0xF) << 8 | (u >> 11 & 1) << 7 | 0x63
    }
    static func jal(_ rd: UInt32, _ offset: Int32) -> UInt32 {
        let u = UInt32(bitPattern: offset)
        return (u >> 20 & 1) << 31 | (u >> 1 & 0x3FF) << 21 | (u >> 11 & 1) << 20 | (u >> 12 & 0xFF) << 12 | rd << 7 | 0x6F
    }
    static func lui(_ rd: UInt32, _ upper: UInt32) -> UInt32 { upper << 12 | rd << 7 | 0x37 }
    static func csrrs(_ rd: UInt32, _ csr: UInt32) -> UInt32 { csr << 20 | 2 << 12 | rd << 7 | 0x73 }
    static func div(_ rd: UInt32, _ rs1: UInt32, _ rs2: UInt32) -> UInt32 { 1 << 25 | rs2 << 20 | rs1 << 15 | 4 << 12 | rd << 7 | 0x33 }

    /// 5 x (lw; sw; addi; bne), then a jump: 23 instructions (lui, addi, 20, jal), 5 loads,
    /// 5 stores (each storing the register just loaded: a load stall, +1), 5 branches of which 4
    /// taken (+2 each), 1 jump (+1): 23 + 5 + 8 + 1 = 37 cycles.
    static let loop: [UInt32] = [
        lui(10, 0x80001),       // a0 = 0x8000_1000 (data)
        addi(5, 0, 5),          // t0 = 5
        lw(6, 10, 0),           // 8: t1 = [a0]
        sw(6, 10, 4),
        addi(5, 5, -1),
        bne(5, 0, -12),         // back to 8
        jal(0, 4),              // to the end
    ]

    /// A spike machine with `program` at 0x8000_0000; runs it to its end with `setup` applied to
    /// the hart first.
    func run(_ program: [UInt32], setup: (Hart) -> Void = { _ in }) throws -> Hart {
        var options = MachineOptions(platform: .spike)
        options.echoOutput = false
        let machine = try Machine(options: options)
        let hart = machine.harts[0]
        hart.reset(pc: 0x8000_0000)
        machine.writeMemory(0x8000_0000, program.flatMap { w in (0..<4).map { UInt8(truncatingIfNeeded: w >> (8 * $0)) } })
        setup(hart)
        let result = machine.run(until: .pc(0x8000_0000 + 4 * UInt32(program.count)))
        guard case .stopped = result.reason else { XCTFail("\(result.reason)"); return hart }
        return hart
    }

    func read(_ hart: Hart, _ number: UInt32) -> UInt32 { hart.readCSR(number, timeNow: hart.cycle) ?? 0xDEAD }

    /// mhpmevent3+k = event k; every counter running.
    func countEverySingleEvent(_ hart: Hart) {
        for e in PerformanceEvent.allCases { hart.writeCSR(CSR.mhpmevent3 + UInt32(e.rawValue), e.bit) }
        hart.writeCSR(CSR.mcountinhibit, 0)
    }

    // MARK: Counting

    func testCV32E40PEventsOfALoop() throws {
        let hart = try run(Self.loop, setup: countEverySingleEvent)
        XCTAssertEqual(hart.instret, 23)
        XCTAssertEqual(hart.cycle, 37)
        let expected: [PerformanceEvent: UInt32] = [.cycles: 37, .instructions: 23, .loads: 5, .stores: 5, .branches: 5,
                                                    .branchesTaken: 4, .jumps: 1, .loadStall: 5, .jumpStall: 1,
                                                    .pipelineStall: 8]
        for e in PerformanceEvent.allCases {
            XCTAssertEqual(read(hart, CSR.mhpmcounter3 + UInt32(e.rawValue)), expected[e] ?? 0, e.name)
        }
        XCTAssertEqual(read(hart, CSR.mcycle), 37)
        XCTAssertEqual(read(hart, CSR.minstret), 23)
    }

    func testLegacyEventsOfALoop() throws {
        let hart = try run(Self.loop) { hart in
            hart.writeCSR(CSR.pcer, 0xFFFF_FFFF)
        }
        // spike has no TCDM: every load and store is external.
        let expected: [LegacyPerformanceEvent: UInt32] = [
            .cycles: 37, .instructions: 23, .loads: 5, .stores: 5, .branches: 5, .branchesTaken: 4, .jumps: 1,
            .loadStall: 5, .jumpStall: 1, .pipelineStall: 8, .externalLoads: 5, .externalStores: 5, .externalLoadCycles: 5,
            .externalStoreCycles: 5,
        ]
        for e in LegacyPerformanceEvent.allCases {
            XCTAssertEqual(read(hart, CSR.pccr0 + UInt32(e.rawValue)), expected[e] ?? 0, e.name)
        }
    }

    /// Slow-path instructions count too: a CSR read (its own event, read at its first cycle; a
    /// counter is a status CSR: 4 cycles, +3 pipeline stall) and a divide by x7 = 0 (35 cycles:
    /// +34, pipeline stall) executed alone.
    func testSlowPathAndMultiCycleInstructions() throws {
        let hart = try run([Self.div(5, 6, 7), Self.csrrs(10, CSR.mhpmcounter3), Self.csrrs(11, CSR.mhpmcounter3)]) { hart in
            hart.writeCSR(CSR.mhpmevent3, PerformanceEvent.instructions.bit | PerformanceEvent.pipelineStall.bit)
            hart.writeCSR(CSR.mhpmevent3 + 1, PerformanceEvent.pipelineStall.bit)
            hart.writeCSR(CSR.mcountinhibit, 0)
        }
        XCTAssertEqual(hart.x[10], 1 + 34, "div: its cycle and 34 stall cycles")
        XCTAssertEqual(hart.x[11], 1 + 34 + 1 + 3, "and the first csrrs: 1 + 3 stall cycles")
        XCTAssertEqual(read(hart, CSR.mhpmcounter3 + 1), 34 + 3 + 3)
    }

    /// The same program with and without counting: the same timing and architectural state.
    func testCountingChangesNothingElse() throws {
        let plain = try run(Self.loop)
        let counted = try run(Self.loop, setup: countEverySingleEvent)
        XCTAssertEqual(plain.cycle, counted.cycle)
        XCTAssertEqual(plain.instret, counted.instret)
        XCTAssertEqual((0..<32).map { plain.x[$0] }, (0..<32).map { counted.x[$0] })
    }

    // MARK: Which loop runs

    func testCountingLoopOnlyWhileACounterNeedsIt() {
        let hart = Hart(index: 0, hartID: 0)
        hart.reset(pc: 0)
        func counts() -> Bool { hart.core.pointee.countsEvents }
        XCTAssertFalse(counts(), "at reset")
        hart.writeCSR(CSR.mhpmevent3, PerformanceEvent.loads.bit)
        XCTAssertFalse(counts(), "selected but inhibited (reset)")
        hart.writeCSR(CSR.mcountinhibit, 0)
        XCTAssertTrue(counts(), "loads counted")
        hart.writeCSR(CSR.mhpmevent3, PerformanceEvent.cycles.bit | PerformanceEvent.loads.bit)
        XCTAssertFalse(counts(), "with CYCLES every cycle counts: the hart's cycle count is enough")
        hart.writeCSR(CSR.mhpmevent3, PerformanceEvent.instructions.bit)
        XCTAssertFalse(counts(), "retired instructions are always counted")
        hart.writeCSR(CSR.mhpmevent3, PerformanceEvent.instructions.bit | PerformanceEvent.compressed.bit)
        XCTAssertFalse(counts(), "INSTR covers every per-instruction event")
        hart.writeCSR(CSR.mhpmevent3, PerformanceEvent.instructions.bit | PerformanceEvent.jumpStall.bit)
        XCTAssertTrue(counts(), "stall cycles need the totals")
        hart.writeCSR(CSR.mhpmevent3, PerformanceEvent.loadStall.bit)
        XCTAssertTrue(counts(), "load stalls need the totals")
        hart.writeCSR(CSR.mhpmevent3, PerformanceEvent.instructionMiss.bit | PerformanceEvent.fpWriteBack.bit)
        XCTAssertFalse(counts(), "events the model never has")
        hart.writeCSR(CSR.mhpmevent3, 0)
        hart.writeCSR(CSR.pcer, 1 << 5)
        XCTAssertTrue(counts(), "legacy LD, PCMR counting at reset")
        hart.writeCSR(CSR.pcmr, 2)
        XCTAssertFalse(counts(), "PCMR stopped")
        hart.writeCSR(CSR.pcmr, 1)
        hart.writeCSR(CSR.pcer, 1 << 0 | 1 << 1 | 1 << 4 | 1 << 16)
        XCTAssertFalse(counts(), "legacy cycles, instructions, I-miss, TCDM contention")
        hart.writeCSR(CSR.pcer, 1 << 13)
        XCTAssertTrue(counts(), "legacy ST_EXT")
        hart.reset(pc: 0)
        XCTAssertFalse(counts(), "after a reset")
    }

    // MARK: Registers

    func testInhibitFreezesMcycleAndMinstret() {
        let hart = Hart(index: 0, hartID: 0)
        hart.reset(pc: 0)
        hart.cycle = 100
        hart.instret = 40
        hart.writeCSR(CSR.mcountinhibit, 0b101)
        hart.cycle = 500
        hart.instret = 90
        XCTAssertEqual(read(hart, CSR.mcycle), 100)
        XCTAssertEqual(read(hart, CSR.cycle), 100)
        XCTAssertEqual(read(hart, CSR.minstret), 40)
        XCTAssertEqual(read(hart, CSR.time), 500, "time is not a counter mcountinhibit stops")
        hart.writeCSR(CSR.mcycle, 7)  // writable while stopped
        hart.writeCSR(CSR.mcountinhibit, 0)
        hart.cycle = 510
        hart.instret = 95
        XCTAssertEqual(read(hart, CSR.mcycle), 17)
        XCTAssertEqual(read(hart, CSR.minstret), 45)
        XCTAssertEqual(read(hart, CSR.mcountinhibit), 0)
        hart.writeCSR(CSR.mcountinhibit, 0xFFFF_FFFF)
        XCTAssertEqual(read(hart, CSR.mcountinhibit), 0xFFFF_FFFD, "no bit for time")
    }

    func testCounterWritesAndHighHalves() {
        let hart = Hart(index: 0, hartID: 0)
        hart.reset(pc: 0)
        hart.writeCSR(CSR.mhpmevent3 + 2, PerformanceEvent.cycles.bit)  // mhpmcounter5: cycles
        hart.writeCSR(CSR.mcountinhibit, 0)
        hart.writeCSR(CSR.mhpmcounter3h + 2, 0x0000_0007)
        hart.writeCSR(CSR.mhpmcounter3 + 2, 0xFFFF_FFFC)
        XCTAssertEqual(read(hart, CSR.mhpmcounter3 + 2), 0xFFFF_FFFC, "writing the low half keeps the high half")
        XCTAssertEqual(read(hart, CSR.mhpmcounter3h + 2), 7)
        hart.cycle &+= 6
        XCTAssertEqual(read(hart, CSR.mhpmcounter3 + 2), 2)
        XCTAssertEqual(read(hart, CSR.mhpmcounter3h + 2), 8, "carry")
        XCTAssertEqual(read(hart, CSR.hpmcounter3 + 2), 2)
        XCTAssertEqual(read(hart, CSR.hpmcounter3h + 2), 8)
        XCTAssertFalse(hart.writeCSR(CSR.hpmcounter3 + 2, 0), "the user shadows are read-only")
        hart.writeCSR(CSR.mhpmevent3 + 2, 0xFFFF_FFFF)
        XCTAssertEqual(read(hart, CSR.mhpmevent3 + 2), 0xFFFF, "16 events")
    }

    func testLegacyCountersSaturateOrWrap() {
        let hart = Hart(index: 0, hartID: 0)
        hart.reset(pc: 0)
        XCTAssertEqual(read(hart, CSR.pcmr), 3, "counting and saturating at reset")
        hart.writeCSR(CSR.pcer, 1)  // PCCR0: cycles
        hart.writeCSR(CSR.pccr0, 0xFFFF_FFF0)
        hart.cycle &+= 100
        XCTAssertEqual(read(hart, CSR.pccr0), 0xFFFF_FFFF, "saturated")
        hart.writeCSR(CSR.pcmr, 1)
        hart.cycle &+= 3
        XCTAssertEqual(read(hart, CSR.pccr0), 2, "no saturation: wraps")
        hart.writeCSR(CSR.pcmr, 0)
        hart.cycle &+= 3
        XCTAssertEqual(read(hart, CSR.pccr0), 2, "stopped")
        hart.writeCSR(CSR.pccrAll, 0x1234)
        for e in 0..<32 {
            XCTAssertEqual(read(hart, CSR.pccr0 + UInt32(e)), e < 21 ? 0x1234 : 0, "PCCR\(e)")
        }
        hart.writeCSR(CSR.pccr0 + 25, 9)
        XCTAssertEqual(read(hart, CSR.pccr0 + 25), 0, "PCCR25 does not exist")
        hart.writeCSR(CSR.pcer, 0xFFFF_FFFF)
        XCTAssertEqual(read(hart, CSR.pcer), 0x1F_FFFF, "21 events")
        hart.writeCSR(CSR.pcmr, 0xFF)
        XCTAssertEqual(read(hart, CSR.pcmr), 3)
    }

    /// An illegal CSR instruction's report says why.
    func testReportsWhyACSRInstructionIsIllegal() {
        XCTAssertEqual(CSRTable.whyIllegal(Self.csrrs(10, 0x7D0)),
                       "CSR 0x7d0 is not implemented (docs/platform.md §1 and §13 list the CSRs)")
        XCTAssertEqual(CSRTable.whyIllegal(0xC03 << 20 | 1 << 12 | 0x73),  // csrrw x0, hpmcounter3, x0
                       "CSR 0xc03 (hpmcounter3) is read-only: writing it is an illegal instruction")
        XCTAssertNil(CSRTable.whyIllegal(Self.csrrs(10, CSR.hpmcounter3)), "a read is legal")
        XCTAssertNil(CSRTable.whyIllegal(0x0000_0073), "ecall is not a CSR instruction")
        XCTAssertNil(CSRTable.whyIllegal(Self.addi(1, 1, 1)))
    }

    // MARK: The firmware

    /// Counts worked out with single-cycle memory: on pulp-cluster the firmware's data is in L2,
    /// so the run turns the L2 round trip off (L2LatencyTests times it).
    func testFirmwareOnBothPlatforms() throws {
        for (platform, dir) in [(PlatformKind.spike, "spike"), (.pulpCluster, "pulp-cluster")] {
            let (result, _) = try runELF(Paths.firmware(dir, "perf-counters"), platform: platform) { $0.l2Latency = 0 }
            XCTAssertEqual(result.firmwareExitCode, 0, "\(dir): check \(result.firmwareExitCode.map(String.init) ?? "none")\n\(result.output)")
        }
    }

    /// Traced, the hart counts through the capturing loop: the firmware's checks still hold, and
    /// the trace shows the counter CSRs written and read with their values.
    func testFirmwareTracedAndWhatTheTraceShows() throws {
        let elf = Paths.firmware("spike", "perf-counters")
        try requireFirmware(elf)
        let path = NSTemporaryDirectory() + "pulpsim-perf-\(getpid()).trace"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try runCLI(["run", "--platform", "spike", "--quiet", "--trace-file", path, "--no-trace-events", elf], exits: 0)
        let trace = try String(contentsOfFile: path, encoding: .utf8)
        // Writes name the CSR and show what it holds afterwards (spike format: c<number>_<name>).
        XCTAssertTrue(trace.contains("c800_mcountinhibit 0xfffffffd"), "mcountinhibit written with all ones")
        XCTAssertTrue(trace.contains("c803_mhpmevent3 0x00000001"), "mhpmevent3 = CYCLES")
        XCTAssertTrue(trace.contains("c3264_pcer 0x001fffff"), "PCER with every event")
        XCTAssertTrue(trace.contains("c1951_pccr31 0x00000000"), "PCCR31 reads 0 after a write")
        // The first read of mhpmcounter3 after the first window (csrr rd, mhpmcounter3 =
        // 0xb0302073 | rd << 7) shows the 79 cycles of the sequence and the 3 stall cycles of the
        // write to mcountinhibit that stopped it (82 = 0x52).
        let reads = trace.split(separator: "\n").filter { line in
            guard let open = line.firstIndex(of: "("), let word = UInt32(line[line.index(open, offsetBy: 3)...].prefix(8), radix: 16)
            else { return false }
            return word & 0xFFFF_F07F == 0xB030_2073
        }
        XCTAssertTrue(reads.contains { $0.hasSuffix(" 0x00000052") }, "a read of 82: \(reads.prefix(4))")
    }

    /// Counts do not depend on how the run is cut into turns (quantum) or on tracing.
    func testCountsDoNotDependOnQuantum() throws {
        let elf = Paths.firmware("pulp-cluster", "perf-counters")
        for quantum in ["1", "7", "4096"] {
            try runCLI(["run", "--quiet", "--l2-latency", "0", "--quantum", quantum, elf], exits: 0)
        }
    }
}
