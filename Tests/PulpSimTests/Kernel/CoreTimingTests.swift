// The CV32E40P core's cycle rules (docs/platform.md §1, "Timing model"): load hazards, the
// divider's operand-dependent latency, multiplications, jumps and branches (with targets that
// are not word-aligned), accesses across a word boundary — each against counts worked out by
// hand from the CV32E40P user manual (docs/source/pipeline.rst) and its RTL; the decoded load's
// hazard follows a store into the instruction after it; the self-checking firmware
// (firmware/tests/core-cycles.S) on both platforms.

@testable import PulpSim
import XCTest

final class CoreTimingTests: XCTestCase {
    // MARK: Encodings

    static func i(_ opcode: UInt32, _ funct3: UInt32, rd: UInt32, rs1: UInt32, imm: Int32) -> UInt32 {
        UInt32(bitPattern: imm << 20) | rs1 << 15 | funct3 << 12 | rd << 7 | opcode
    }
    static func r(_ funct7: UInt32, _ funct3: UInt32, _ rd: UInt32, _ rs1: UInt32, _ rs2: UInt32, opcode: UInt32 = 0x33) -> UInt32 {
        funct7 << 25 | rs2 << 20 | rs1 << 15 | funct3 << 12 | rd << 7 | opcode
    }
    static func addi(_ rd: UInt32, _ rs1: UInt32, _ imm: Int32) -> UInt32 { i(0x13, 0, rd: rd, rs1: rs1, imm: imm) }
    static func lw(_ rd: UInt32, _ rs1: UInt32, _ imm: Int32) -> UInt32 { i(0x03, 2, rd: rd, rs1: rs1, imm: imm) }
    static func lh(_ rd: UInt32, _ rs1: UInt32, _ imm: Int32) -> UInt32 { i(0x03, 1, rd: rd, rs1: rs1, imm: imm) }
    static func flw(_ rd: UInt32, _ rs1: UInt32, _ imm: Int32) -> UInt32 { i(0x07, 2, rd: rd, rs1: rs1, imm: imm) }
    static func jalr(_ rd: UInt32, _ rs1: UInt32, _ imm: Int32) -> UInt32 { i(0x67, 0, rd: rd, rs1: rs1, imm: imm) }
    static func sw(_ rs2: UInt32, _ rs1: UInt32, _ imm: Int32) -> UInt32 {
        let u = UInt32(bitPattern: imm)
        return (u >> 5 & 0x7F) << 25 | rs2 << 20 | rs1 << 15 | 2 << 12 | (u & 0x1F) << 7 | 0x23
    }
    static func beq(_ rs1: UInt32, _ rs2: UInt32, _ offset: Int32) -> UInt32 {
        let u = UInt32(bitPattern: offset)
        return (u >> 12 & 1) << 31 | (u >> 5 & 0x3F) << 25 | rs2 << 20 | rs1 << 15 | (u >> 1 & 0xF) << 8 | (u >> 11 & 1) << 7 | 0x63
    }
    static func jal(_ rd: UInt32, _ offset: Int32) -> UInt32 {
        let u = UInt32(bitPattern: offset)
        return (u >> 20 & 1) << 31 | (u >> 1 & 0x3FF) << 21 | (u >> 11 & 1) << 20 | (u >> 12 & 0xFF) << 12 | rd << 7 | 0x6F
    }
    static func fadd(_ rd: UInt32, _ rs1: UInt32, _ rs2: UInt32) -> UInt32 { r(0, 7, rd, rs1, rs2, opcode: 0x53) }
    static func mul(_ rd: UInt32, _ rs1: UInt32, _ rs2: UInt32) -> UInt32 { r(1, 0, rd, rs1, rs2) }
    static func mulh(_ rd: UInt32, _ rs1: UInt32, _ rs2: UInt32) -> UInt32 { r(1, 1, rd, rs1, rs2) }
    static func div(_ rd: UInt32, _ rs1: UInt32, _ rs2: UInt32) -> UInt32 { r(1, 4, rd, rs1, rs2) }
    static func divu(_ rd: UInt32, _ rs1: UInt32, _ rs2: UInt32) -> UInt32 { r(1, 5, rd, rs1, rs2) }
    static func rem(_ rd: UInt32, _ rs1: UInt32, _ rs2: UInt32) -> UInt32 { r(1, 6, rd, rs1, rs2) }
    static func remu(_ rd: UInt32, _ rs1: UInt32, _ rs2: UInt32) -> UInt32 { r(1, 7, rd, rs1, rs2) }
    static let nop = addi(0, 0, 0)
    static let cNop: UInt16 = 0x0001

    static let code: UInt32 = 0x8000_0000
    /// Data the loads read: a0 points at it; its first word holds its own address, its second 1.0f.
    static let data: UInt32 = 0x8000_1000

    // MARK: Running

    /// A spike machine with `program` (little-endian bytes) at 0x8000_0000, a0 = `data`, the
    /// FP unit on; `setup` sets registers.
    func machine(_ bytes: [UInt8], setup: (Hart) -> Void = { _ in }) throws -> Machine {
        var options = MachineOptions(platform: .spike)
        options.echoOutput = false
        let machine = try Machine(options: options)
        let hart = machine.harts[0]
        hart.reset(pc: Self.code)
        machine.writeMemory(Self.code, bytes)
        machine.writeMemory(Self.data, Self.bytes([Self.data, 0x3F80_0000, 0, 0]))
        hart.x[10] = Self.data
        hart.mstatus |= Hart.mstatusFS
        setup(hart)
        return machine
    }

    static func bytes(_ words: [UInt32]) -> [UInt8] {
        words.flatMap { w in (0..<4).map { UInt8(truncatingIfNeeded: w >> (8 * $0)) } }
    }

    /// The cycles `program` takes to run to its end (the hart starts at cycle 0).
    func cycles(_ program: [UInt32], setup: (Hart) -> Void = { _ in }) throws -> UInt64 {
        try cycles(bytes: Self.bytes(program), setup: setup)
    }

    func cycles(bytes: [UInt8], setup: (Hart) -> Void = { _ in }) throws -> UInt64 {
        let machine = try self.machine(bytes, setup: setup)
        return try run(machine, to: Self.code + UInt32(bytes.count))
    }

    func run(_ machine: Machine, to end: UInt32) throws -> UInt64 {
        let hart = machine.harts[0]
        let start = hart.cycle
        let result = machine.run(until: .pc(end))
        guard case .stopped = result.reason else { XCTFail("\(result.reason)"); return 0 }
        return hart.cycle - start
    }

    // MARK: Load hazards

    /// 8 loads each using the previous one's result: 8 cycles + 7 load stalls (the last load is
    /// followed by nothing: the run stops there). 8 loads of one register: no stall.
    func testDependentAndIndependentLoads() throws {
        XCTAssertEqual(try cycles(Array(repeating: Self.lw(11, 11, 0), count: 8)) { $0.x[11] = Self.data }, 15)
        XCTAssertEqual(try cycles(Array(repeating: Self.lw(12, 10, 0), count: 8)), 8)
    }

    /// The next instruction reading the loaded register as rs1 or rs2, or as a store's data, or
    /// writing it (ALU write port): 1 stall; reading another register or x0: none.
    func testLoadUseConditions() throws {
        XCTAssertEqual(try cycles([Self.lw(12, 10, 0), Self.addi(13, 12, 1)]), 3, "rs1")
        XCTAssertEqual(try cycles([Self.lw(12, 10, 0), Self.r(0, 0, 13, 14, 12)]), 3, "rs2 (add a3, a4, a2)")
        XCTAssertEqual(try cycles([Self.lw(12, 10, 0), Self.sw(12, 10, 8)]), 3, "store data")
        XCTAssertEqual(try cycles([Self.lw(12, 10, 0), Self.addi(12, 0, 1)]), 3, "write after write")
        XCTAssertEqual(try cycles([Self.lw(12, 10, 0), Self.addi(13, 14, 1)]), 2, "another register")
        XCTAssertEqual(try cycles([Self.lw(0, 10, 0), Self.addi(13, 0, 1)]), 2, "x0")
        XCTAssertEqual(try cycles([Self.lw(12, 10, 0), Self.nop, Self.addi(13, 12, 1)]), 3, "one instruction between")
    }

    /// flw followed by an FP instruction reading its register: 1 stall; followed by an
    /// instruction reading the x register of the same number: none.
    func testFloatLoadUse() throws {
        XCTAssertEqual(try cycles([Self.flw(10, 10, 4), Self.fadd(11, 10, 10)]), 3)
        XCTAssertEqual(try cycles([Self.flw(10, 10, 4), Self.addi(13, 10, 0)]), 2)
    }

    /// A misaligned load (2 cycles) whose result is used next (1 stall), then the user (1).
    func testMisalignedLoadUse() throws {
        XCTAssertEqual(try cycles([Self.lw(12, 10, 1), Self.addi(13, 12, 1)]), 4)
    }

    /// jalr through the register loaded just before: load 1, load stall 1, the jalr waiting for
    /// the write-back 1, jalr 2. With one instruction between: load 1, that 1, wait 1, jalr 2.
    func testLoadThenJalr() throws {
        for (program, expected) in [([Self.lw(12, 10, 8), Self.jalr(0, 12, 0)], UInt64(5)),
                                    ([Self.lw(12, 10, 8), Self.nop, Self.jalr(0, 12, 0)], 5),
                                    ([Self.lw(12, 10, 8), Self.nop, Self.nop, Self.jalr(0, 12, 0)], 5)] {
            let end = Self.code + 4 * UInt32(program.count)
            let machine = try self.machine(Self.bytes(program))
            machine.writeMemory(Self.data + 8, Self.bytes([end]))
            XCTAssertEqual(try run(machine, to: end), expected, "\(program.count) instructions")
        }
    }

    /// jalr through the register the instruction just before wrote through the ALU: that
    /// instruction 1, the jalr waiting while it is in execute 1, the jalr 2 (rtl/cv32e40p_controller.sv,
    /// jr_stall). Written two instructions before, or another register: no wait. A multiply or
    /// a divide before it: its own cycles, then the wait. A compressed `c.mv` + `c.jr`: the same.
    func testALUWriteThenJalr() throws {
        let end = Self.code + 8
        let auipc: UInt32 = 13 << 7 | 0x17  // auipc a3, 0
        XCTAssertEqual(try cycles([auipc, Self.jalr(0, 13, 8)]), 4, "auipc; jalr through it")
        XCTAssertEqual(try cycles([Self.addi(13, 13, 0), Self.jalr(0, 13, 0)]) { $0.x[13] = end }, 4, "addi; jalr")
        XCTAssertEqual(try cycles([Self.addi(14, 13, 0), Self.jalr(0, 13, 0)]) { $0.x[13] = end }, 3, "other register")
        XCTAssertEqual(try cycles([Self.addi(13, 13, 0), Self.nop, Self.jalr(0, 13, 0)]) { $0.x[13] = end + 4 }, 4,
                       "one instruction between")
        XCTAssertEqual(try cycles([Self.mul(13, 13, 14), Self.jalr(0, 13, 0)]) { $0.x[13] = end; $0.x[14] = 1 }, 4, "mul; jalr")
        XCTAssertEqual(try cycles([Self.divu(13, 13, 14), Self.jalr(0, 13, 0)]) { $0.x[13] = end; $0.x[14] = 1 }, 34 + 1 + 2,
                       "divu by 1; jalr")
        let compressed: [UInt16] = [0x86BA, 0x8682]  // c.mv a3, a4; c.jr a3
        XCTAssertEqual(try cycles(bytes: compressed.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }) { $0.x[14] = Self.code + 4 }, 4,
                       "c.mv; c.jr")
    }

    /// A jalr reached by a taken branch does not wait, whatever the instruction before it writes
    /// (the branch is what precedes it in the pipeline): beq 3, jalr 2.
    func testJalrReachedByABranchDoesNotWait() throws {
        let program = [Self.beq(0, 0, 8), Self.addi(13, 13, 0), Self.jalr(0, 13, 0)]
        XCTAssertEqual(try cycles(program) { $0.x[13] = Self.code + 12 }, 5)
    }

    /// The wait is worked out when the jalr is decoded: a later write of the instruction before
    /// it (here by the debugger, which takes the path of a store) drops the decoded jalr.
    func testJalrWaitFollowsAWriteOfTheInstructionBeforeIt() throws {
        let machine = try self.machine(Self.bytes([Self.addi(14, 13, 0), Self.jalr(0, 13, 0)]))
        let hart = machine.harts[0]
        hart.x[13] = Self.code + 8
        XCTAssertEqual(try run(machine, to: Self.code + 8), 3)
        machine.writeMemory(Self.code, Self.bytes([Self.addi(13, 13, 0)]))
        hart.pc = Self.code
        XCTAssertEqual(try run(machine, to: Self.code + 8), 4)
    }

    /// The wait of a jalr right after an ALU write is a jump stall (JMP_STALL), and `--stats`
    /// files it under jump_register.
    func testALUWriteThenJalrIsAJumpStall() throws {
        let machine = try self.machine(Self.bytes([Self.addi(13, 13, 0), Self.jalr(0, 13, 0)]))
        let hart = machine.harts[0]
        hart.x[13] = Self.code + 8
        hart.writeCSR(CSR.mhpmevent3, PerformanceEvent.jumpStall.bit)
        hart.writeCSR(CSR.mhpmevent3 + 1, PerformanceEvent.loadStall.bit)
        hart.writeCSR(CSR.mcountinhibit, 0)
        XCTAssertEqual(try run(machine, to: Self.code + 8), 4)
        XCTAssertEqual(hart.readCSR(CSR.mhpmcounter3, timeNow: hart.cycle), 2, "JMP_STALL: the wait and the jalr's own cycle")
        XCTAssertEqual(hart.readCSR(CSR.mhpmcounter3 + 1, timeNow: hart.cycle), 0, "LD_STALL")
    }

    /// The hazard is worked out when the load is decoded: a later write of the instruction after
    /// it (here by the debugger's memory write, which takes the same path as a store) drops the
    /// decoded load, and the next run sees the new neighbour.
    func testHazardFollowsAWriteOfTheNextInstruction() throws {
        let program = [Self.lw(12, 10, 0), Self.addi(13, 14, 1)]
        let machine = try self.machine(Self.bytes(program))
        XCTAssertEqual(try run(machine, to: Self.code + 8), 2)
        machine.writeMemory(Self.code + 4, Self.bytes([Self.addi(13, 12, 1)]))
        machine.harts[0].pc = Self.code
        XCTAssertEqual(try run(machine, to: Self.code + 8), 3)
        machine.writeMemory(Self.code + 4, Self.bytes([Self.addi(13, 14, 1)]))
        machine.harts[0].pc = Self.code
        XCTAssertEqual(try run(machine, to: Self.code + 8), 2)
    }

    // MARK: Division and multiplication

    /// 3 + the leading zeros of the divisor; a negative divisor of a signed division: 3 + the
    /// leading zeros of its one's complement − 1 (rtl/cv32e40p_alu.sv, div_shift).
    func testDivideCyclesFormula() {
        XCTAssertEqual(divideCycles(1, signed: false), 34)
        XCTAssertEqual(divideCycles(0x8000_0000, signed: false), 3)
        XCTAssertEqual(divideCycles(0, signed: false), 35)
        XCTAssertEqual(divideCycles(0, signed: true), 35)
        XCTAssertEqual(divideCycles(1, signed: true), 34)
        XCTAssertEqual(divideCycles(7, signed: false), 32)
        XCTAssertEqual(divideCycles(0xFFFF_FFFF, signed: true), 34, "−1")
        XCTAssertEqual(divideCycles(0xFFFF_FFFE, signed: true), 33, "−2")
        XCTAssertEqual(divideCycles(0x8000_0000, signed: true), 3, "−2³¹")
        XCTAssertEqual(divideCycles(0xFFFF_0000, signed: true), 18, "−65536: 16 leading ones, 3 + 16 − 1")
        XCTAssertEqual(divideCycles(0xFFFF_FFFF, signed: false), 3, "2³²−1 unsigned")
    }

    /// The same through the interpreter, on each of the four operations; the dividend (a3) does
    /// not matter.
    func testDivisionsThroughTheInterpreter() throws {
        func time(_ instruction: UInt32, _ divisor: UInt32, _ dividend: UInt32 = 0x1234_5678) throws -> UInt64 {
            try cycles([instruction]) { $0.x[14] = divisor; $0.x[13] = dividend }
        }
        XCTAssertEqual(try time(Self.divu(12, 13, 14), 1), 34)
        XCTAssertEqual(try time(Self.divu(12, 13, 14), 1, 0), 34)
        XCTAssertEqual(try time(Self.divu(12, 13, 14), 0x8000_0000), 3)
        XCTAssertEqual(try time(Self.divu(12, 13, 14), 0), 35)
        XCTAssertEqual(try time(Self.div(12, 13, 14), 0xFFFF_FFFF), 34)
        XCTAssertEqual(try time(Self.div(12, 13, 14), 0xFFFF_FFFE), 33)
        XCTAssertEqual(try time(Self.rem(12, 13, 14), 0x8000_0000), 3)
        XCTAssertEqual(try time(Self.remu(12, 13, 14), 7), 32)
        XCTAssertEqual(try time(Self.div(14, 13, 14), 2), 33, "rd = rs2: the divisor before the write")
    }

    func testMultiplications() throws {
        XCTAssertEqual(try cycles([Self.mul(12, 13, 14)]), 1)
        XCTAssertEqual(try cycles([Self.mulh(12, 13, 14)]), 5)
    }

    // MARK: CSR accesses

    static func csr(_ funct3: UInt32, rd: UInt32, rs1: UInt32, _ number: UInt32) -> UInt32 {
        number << 20 | rs1 << 15 | funct3 << 12 | rd << 7 | 0x73
    }

    /// The manual's "CSR Access: 4" for the status CSRs — reads too — and 1 for the others; the
    /// floating-point CSRs cost 4 when written (the decoder's csr_status_o), 1 when read; RI5CY's
    /// counter CSRs are not CV32E40P's status CSRs. A counter read returns the count at the
    /// instruction's first cycle.
    func testCSRAccessCycles() throws {
        for number in [CSR.mstatus, CSR.mepc, CSR.mtvec, CSR.mcause, CSR.mcycle, CSR.minstret, CSR.mcycleh, CSR.minstreth,
                       CSR.mhpmcounter3, CSR.mhpmcounter3 + 28, CSR.mhpmcounter3h, CSR.mcountinhibit, CSR.mhpmevent3,
                       CSR.mhpmevent3 + 28] {
            XCTAssertEqual(try cycles([Self.csr(2, rd: 12, rs1: 0, number)]), 4, String(format: "csrr 0x%03x", number))
        }
        XCTAssertEqual(try cycles([Self.csr(1, rd: 0, rs1: 0, CSR.mstatus)]), 4, "csrw mstatus")
        for number in [CSR.mscratch, CSR.mie, CSR.mip, CSR.mtval, CSR.misa, CSR.mhartid, CSR.pcer, CSR.pccr0, 0xC00] {
            XCTAssertEqual(try cycles([Self.csr(2, rd: 12, rs1: 0, number)]), 1, String(format: "csrr 0x%03x", number))
        }
        for number in [CSR.fflags, CSR.frm, CSR.fcsr] {
            XCTAssertEqual(try cycles([Self.csr(2, rd: 12, rs1: 0, number)]), 1, String(format: "csrr 0x%03x", number))
            XCTAssertEqual(try cycles([Self.csr(1, rd: 0, rs1: 0, number)]), 4, String(format: "csrw 0x%03x", number))
            XCTAssertEqual(try cycles([Self.csr(6, rd: 0, rs1: 1, number)]), 4, String(format: "csrsi 0x%03x, 1", number))
        }
        // Two mcycle reads in a row differ by 4; the second one then ends at cycle 8.
        let machine = try self.machine(Self.bytes([Self.csr(2, rd: 12, rs1: 0, CSR.mcycle), Self.csr(2, rd: 13, rs1: 0, CSR.mcycle)]))
        XCTAssertEqual(try run(machine, to: Self.code + 8), 8)
        XCTAssertEqual(machine.harts[0].x[13] &- machine.harts[0].x[12], 4)
    }

    // MARK: Stall breakdown

    /// `--stats`' stall cycles by cause, against a program counted by hand: a load used next
    /// (load-use 1), mulh (+4), div by x0 (+34), a taken branch (+2), a jal (+1), csrr mcycle
    /// (+3), a word load across a word boundary (+1); cycles = instructions + stalls.
    func testStallBreakdown() throws {
        let program = [Self.lw(11, 10, 0), Self.addi(12, 11, 1), Self.mulh(13, 12, 12), Self.div(14, 13, 0),
                       Self.beq(0, 0, 8), Self.nop, Self.jal(0, 4), Self.csr(2, rd: 15, rs1: 0, CSR.mcycle), Self.lw(16, 10, 1)]
        var options = MachineOptions(platform: .spike)
        options.echoOutput = false
        options.countStalls = true
        let machine = try Machine(options: options)
        let hart = machine.harts[0]
        hart.reset(pc: Self.code)
        machine.writeMemory(Self.code, Self.bytes(program))
        machine.writeMemory(Self.data, Self.bytes([Self.data, 0x3F80_0000, 0, 0]))
        hart.x[10] = Self.data
        XCTAssertEqual(try run(machine, to: Self.code + UInt32(4 * program.count)), 8 + 1 + 4 + 34 + 2 + 1 + 3 + 1)
        var expected = StallBreakdown()
        expected.loadUse = 1
        expected.multiplyDivide = 4 + 34
        expected.jumpsAndBranches = 2 + 1
        expected.csr = 3
        expected.misaligned = 1
        XCTAssertEqual(hart.stallBreakdown, expected)
        XCTAssertEqual(hart.instret + hart.stallBreakdown.total + hart.stallBreakdown.sleep, hart.cycle)
        // Without counting, no breakdown in the summaries.
        XCTAssertNil(try runELF(Paths.firmware("spike", "hello"), platform: .spike).0.harts[0].stalls)
    }

    // MARK: Jumps and branches

    /// Not taken 1, taken 3, jal 2, jalr 2; to a 32-bit instruction that is not word-aligned one
    /// more; to a compressed one there, none.
    func testJumpsAndBranches() throws {
        XCTAssertEqual(try cycles([Self.beq(0, 10, 8), Self.nop]), 2, "not taken, then the nop")
        XCTAssertEqual(try cycles([Self.beq(0, 0, 4)]), 3, "taken")
        XCTAssertEqual(try cycles([Self.jal(0, 4)]), 2, "jal")
        XCTAssertEqual(try cycles([Self.jalr(0, 5, 0)]) { $0.x[5] = Self.code + 4 }, 2, "jalr")
        // jal over a c.nop to a 32-bit addi at 0x8000_0006, then a c.nop: 3 + 1 + 1.
        let misaligned = Self.bytes([Self.jal(0, 6)]) + [0x01, 0x00] + Self.bytes([Self.addi(13, 14, 1)]) + [0x01, 0x00]
        XCTAssertEqual(try cycles(bytes: misaligned), 5)
        let branch = Self.bytes([Self.beq(0, 0, 6)]) + [0x01, 0x00] + Self.bytes([Self.addi(13, 14, 1)]) + [0x01, 0x00]
        XCTAssertEqual(try cycles(bytes: branch), 6, "taken branch 4, addi, c.nop")
        // jal over a c.nop to three c.nop (the first at 0x8000_0006): 2 + 3.
        let compressed = Self.bytes([Self.jal(0, 6)]) + [0x01, 0x00, 0x01, 0x00, 0x01, 0x00, 0x01, 0x00]
        XCTAssertEqual(try cycles(bytes: compressed), 5)
    }

    /// A loop back to a 32-bit instruction that is not word-aligned: the second arrival finds
    /// the target decoded (its length from the decode cache), the first does not (from memory).
    /// addi 1, jal 2 + 1, addi 1, bne taken 3 + 1, addi 1, bne not taken 1, c.nop 1: 12.
    func testLoopToATargetThatIsNotWordAligned() throws {
        let bne = Self.beq(5, 0, -4) | 1 << 12
        let program = Self.bytes([Self.addi(5, 0, 2), Self.jal(0, 6)]) + [0x01, 0x00]
            + Self.bytes([Self.addi(5, 5, -1), bne]) + [0x01, 0x00]
        XCTAssertEqual(try cycles(bytes: program), 12)
    }

    // MARK: Memory accesses

    /// A halfword inside a word takes one transfer even at an odd address; across a word
    /// boundary two; a word not word-aligned two.
    func testAccessesAcrossAWordBoundary() throws {
        XCTAssertEqual(try cycles([Self.lh(12, 10, 1)]), 1)
        XCTAssertEqual(try cycles([Self.lh(12, 10, 3)]), 2)
        XCTAssertEqual(try cycles([Self.lw(12, 10, 2)]), 2)
        XCTAssertEqual(try cycles([Self.sw(12, 10, 6)]), 2)
    }

    // MARK: Performance counters

    /// The load stall is LD_STALL; with a jalr through the loaded register, its wait is
    /// JMP_STALL (beside the jalr's own extra cycle).
    func testStallEvents() throws {
        let machine = try self.machine(Self.bytes([Self.lw(12, 10, 8), Self.jalr(0, 12, 0)]))
        machine.writeMemory(Self.data + 8, Self.bytes([Self.code + 8]))
        let hart = machine.harts[0]
        hart.writeCSR(CSR.mhpmevent3, PerformanceEvent.loadStall.bit)
        hart.writeCSR(CSR.mhpmevent3 + 1, PerformanceEvent.jumpStall.bit)
        hart.writeCSR(CSR.mhpmevent3 + 2, PerformanceEvent.pipelineStall.bit)
        hart.writeCSR(CSR.mcountinhibit, 0)
        XCTAssertEqual(try run(machine, to: Self.code + 8), 5)
        XCTAssertEqual(hart.readCSR(CSR.mhpmcounter3, timeNow: hart.cycle), 1, "LD_STALL")
        XCTAssertEqual(hart.readCSR(CSR.mhpmcounter3 + 1, timeNow: hart.cycle), 2, "JMP_STALL")
        XCTAssertEqual(hart.readCSR(CSR.mhpmcounter3 + 2, timeNow: hart.cycle), 0, "PIPE_STALL")
    }

    // MARK: Firmware

    /// The core's rules with single-cycle memory: on pulp-cluster the firmware's data is in L2,
    /// so the run turns the L2 round trip off (L2LatencyTests times it).
    func testFirmwareOnBothPlatforms() throws {
        for (platform, dir) in [(PlatformKind.spike, "spike"), (.pulpCluster, "pulp-cluster")] {
            let (result, _) = try runELF(Paths.firmware(dir, "core-cycles"), platform: platform) { $0.l2Latency = 0 }
            XCTAssertEqual(result.firmwareExitCode, 0, "\(dir): check \(result.firmwareExitCode.map(String.init) ?? "none") failed")
        }
    }
}
