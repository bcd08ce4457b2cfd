// The CSR table (docs/platform.md §1): which CSRs exist, their names, reset values, writable bits,
// read-only numbers, side effects and counters — directly through `Hart.readCSR`/`writeCSR`, and
// through the Zicsr instructions executed one at a time.

@testable import PulpSim
import XCTest

final class CSRTests: XCTestCase {
    /// Every CSR docs/platform.md §1 lists, with its name.
    static let implemented: [(number: UInt32, name: String)] = [
        (0x001, "fflags"), (0x002, "frm"), (0x003, "fcsr"),
        (0x300, "mstatus"), (0x301, "misa"), (0x304, "mie"), (0x305, "mtvec"),
        (0x340, "mscratch"), (0x341, "mepc"), (0x342, "mcause"), (0x343, "mtval"), (0x344, "mip"),
        (0xB00, "mcycle"), (0xB02, "minstret"), (0xB80, "mcycleh"), (0xB82, "minstreth"),
        (0xC00, "cycle"), (0xC01, "time"), (0xC02, "instret"),
        (0xC80, "cycleh"), (0xC81, "timeh"), (0xC82, "instreth"),
        (0xF11, "mvendorid"), (0xF12, "marchid"), (0xF13, "mimpid"), (0xF14, "mhartid"),
    ] + performanceCounters
    /// The performance counters of docs/platform.md §13.
    static let performanceCounters: [(number: UInt32, name: String)] = {
        var list: [(number: UInt32, name: String)] = [(0x320, "mcountinhibit")]
        for i in 3...31 { list.append((UInt32(0x320 + i), "mhpmevent\(i)")) }
        for i in 3...31 {
            list.append((UInt32(0xB00 + i), "mhpmcounter\(i)"))
            list.append((UInt32(0xB80 + i), "mhpmcounter\(i)h"))
            list.append((UInt32(0xC00 + i), "hpmcounter\(i)"))
            list.append((UInt32(0xC80 + i), "hpmcounter\(i)h"))
        }
        list += [(0xCC0, "pcer"), (0xCC1, "pcmr")]
        for i in 0...31 { list.append((UInt32(0x780 + i), "pccr\(i)")) }
        return list
    }()
    static let readOnly: [UInt32] = [0xC00, 0xC01, 0xC02, 0xC80, 0xC81, 0xC82, 0xF11, 0xF12, 0xF13, 0xF14]
        + (UInt32(3)...31).flatMap { [0xC00 + $0, 0xC80 + $0] }
    /// RI5CY's PCER and PCMR are writable although their numbers are in the read-only range.
    static let writableInReadOnlyRange: [UInt32] = [0xCC0, 0xCC1]

    /// A hart just reset, as the loader leaves it.
    func freshHart(index: Int = 0) -> Hart {
        let hart = Hart(index: index, hartID: UInt32(index))
        hart.reset(pc: 0x1C00_0000)
        return hart
    }

    func read(_ hart: Hart, _ number: UInt32, time: UInt64 = 0) -> UInt32? { hart.readCSR(number, timeNow: time) }

    // MARK: The table

    func testEveryImplementedCSRReadsAndHasItsName() {
        let hart = freshHart()
        for (number, name) in CSRTests.implemented {
            XCTAssertNotNil(read(hart, number), String(format: "0x%03x", number))
            XCTAssertEqual(CSR.name(number), name, String(format: "0x%03x", number))
            XCTAssertEqual(CSRTable.lookup(number)?.name, name)
        }
        XCTAssertEqual(CSRTable.all.count, CSRTests.implemented.count, "the table holds exactly the documented CSRs")
    }

    func testUnknownNumbersReadNilAndRejectWrites() {
        let hart = freshHart()
        let known = Set(CSRTests.implemented.map(\.number))
        for number in UInt32(0)..<4096 where !known.contains(number) {
            XCTAssertNil(read(hart, number), String(format: "0x%03x reads", number))
            XCTAssertFalse(hart.writeCSR(number, 0x1234_5678), String(format: "0x%03x is written", number))
            XCTAssertNil(CSR.name(number), String(format: "0x%03x has a name", number))
        }
        // Neighbours of the counters that do not exist (mhpmevent0..2, mhpmcounter1, RI5CY's
        // machine-level PCER/PCMR aliases and older addresses, hardware loops), and numbers past 12 bits.
        for number: UInt32 in [0x7C0, 0x321, 0x322, 0xB01, 0xB81, 0xC20, 0x7E0, 0x7E1, 0x7A0, 0x7A1, 0xCC2, 0x7D0,
                               0x1000, 0xFFFF_FFFF] {
            XCTAssertNil(read(hart, number))
            XCTAssertFalse(hart.writeCSR(number, 1))
            XCTAssertNil(CSRTable.lookup(number))
        }
    }

    func testReadOnlyCSRsRejectWritesAndKeepTheirValue() {
        let hart = freshHart(index: 5)
        hart.cycle = 77
        hart.instret = 66
        for number in CSRTests.readOnly {
            let before = read(hart, number, time: 77)
            XCTAssertFalse(hart.writeCSR(number, 0xFFFF_FFFF), String(format: "0x%03x accepted a write", number))
            XCTAssertEqual(read(hart, number, time: 77), before, String(format: "0x%03x changed", number))
            XCTAssertEqual(CSRTable.lookup(number)?.access, .readOnly)
        }
        // Every other implemented CSR is read/write (bits 11:10 = 3 means read-only, §1).
        for (number, _) in CSRTests.implemented where !CSRTests.readOnly.contains(number) {
            XCTAssertEqual(CSRTable.lookup(number)?.access, .readWrite, String(format: "0x%03x", number))
            if !CSRTests.writableInReadOnlyRange.contains(number) { XCTAssertNotEqual(number >> 10, 3) }
        }
    }

    func testResetValues() {
        let hart = freshHart(index: 6)
        hart.writeCSR(CSR.mscratch, 0xFFFF_FFFF)
        hart.writeCSR(CSR.fflags, 0x1F)
        hart.reset(pc: 0x1C00_0080)  // a reset restores the values, whatever was written before
        let expected: [UInt32: UInt32] = [
            0x001: 0, 0x002: 0, 0x003: 0,
            0x300: 0x0000_1800, 0x301: 0x4000_1124, 0x304: 0, 0x305: 0,
            0x340: 0, 0x341: 0, 0x342: 0, 0x343: 0, 0x344: 0,
            0xB00: 0, 0xB02: 0, 0xB80: 0, 0xB82: 0,
            0xC00: 0, 0xC01: 0, 0xC02: 0, 0xC80: 0, 0xC81: 0, 0xC82: 0,
            0xF11: 0x602, 0xF12: 4, 0xF13: 0, 0xF14: 6,
            // Event counters stopped, mcycle and minstret counting (docs/platform.md §13); PCMR
            // counting and saturating.
            0x320: 0xFFFF_FFF8, 0xCC0: 0, 0xCC1: 3,
        ]
        for (number, _) in CSRTests.performanceCounters where number != 0x320 && number != 0xCC1 {
            hart.writeCSR(number, 0x5555)
        }
        hart.reset(pc: 0x1C00_0080)
        for (number, _) in CSRTests.performanceCounters where expected[number] == nil {
            XCTAssertEqual(read(hart, number), 0, String(format: "0x%03x", number))
        }
        for (number, value) in expected {
            XCTAssertEqual(read(hart, number), value, String(format: "0x%03x", number))
        }
        XCTAssertFalse(hart.mtvecWritten, "reset does not count as installing a trap vector")
        XCTAssertEqual(hart.pc, 0x1C00_0080)
    }

    func testMhartidIsTheHartIndexOnEveryPlatform() throws {
        let machine = try Machine(options: MachineOptions(platform: .pulpCluster))
        for hart in machine.harts {
            hart.reset(pc: 0)
            XCTAssertEqual(read(hart, CSR.mhartid), UInt32(hart.index))
        }
        XCTAssertEqual(machine.harts.count, 8)
    }

    // MARK: Writable bits

    func testMtvecBit1AndMepcBit0ReadZero() {
        let hart = freshHart()
        XCTAssertTrue(hart.writeCSR(CSR.mtvec, 0xFFFF_FFFF))
        XCTAssertEqual(read(hart, CSR.mtvec), 0xFFFF_FFFD)
        hart.writeCSR(CSR.mtvec, 0x1C00_0101)  // vectored mode (bit 0) is kept
        XCTAssertEqual(read(hart, CSR.mtvec), 0x1C00_0101)
        hart.writeCSR(CSR.mtvec, 0x1C00_0102)
        XCTAssertEqual(read(hart, CSR.mtvec), 0x1C00_0100)
        XCTAssertTrue(hart.writeCSR(CSR.mepc, 0x1C00_0003))
        XCTAssertEqual(read(hart, CSR.mepc), 0x1C00_0002)
        hart.writeCSR(CSR.mepc, 0xFFFF_FFFF)
        XCTAssertEqual(read(hart, CSR.mepc), 0xFFFF_FFFE)
    }

    func testMstatusFieldsMPPAndSD() {
        let hart = freshHart()
        hart.writeCSR(CSR.mstatus, 0)
        XCTAssertEqual(read(hart, CSR.mstatus), 0x0000_1800, "MPP stays 3")
        hart.writeCSR(CSR.mstatus, 0xFFFF_FFFF)
        // MIE (3), MPIE (7), FS (14:13) = 3, MPP (12:11) = 3, SD (31) because FS = 3.
        XCTAssertEqual(read(hart, CSR.mstatus), 0x8000_7888)
        hart.writeCSR(CSR.mstatus, 0x0000_2000)  // FS = 1 (Initial)
        XCTAssertEqual(read(hart, CSR.mstatus), 0x0000_3800, "SD is 0 unless FS = 3")
        hart.writeCSR(CSR.mstatus, 0x0000_4008)  // FS = 2 (Clean), MIE
        XCTAssertEqual(read(hart, CSR.mstatus), 0x0000_5808)
        hart.writeCSR(CSR.mstatus, 0x8000_0000)  // SD itself is not writable
        XCTAssertEqual(read(hart, CSR.mstatus), 0x0000_1800)
        hart.writeCSR(CSR.mstatus, 0x0000_0888)  // MPP written 0 (with MIE, MPIE) still reads 3
        XCTAssertEqual(read(hart, CSR.mstatus), 0x0000_1888)
    }

    func testMieAndMipImplementedBits() {
        let hart = freshHart()
        XCTAssertTrue(hart.writeCSR(CSR.mie, 0xFFFF_FFFF))
        XCTAssertEqual(read(hart, CSR.mie), 0xFFFF_0888, "MSI, MTI, MEI and 16-31")
        hart.writeCSR(CSR.mie, 0x0000_0777)
        XCTAssertEqual(read(hart, CSR.mie), 0)
        XCTAssertTrue(hart.writeCSR(CSR.mip, 0xFFFF_FFFF))
        XCTAssertEqual(read(hart, CSR.mip), 0xFFFF_0008, "MTIP and MEIP are not writable")
        hart.writeCSR(CSR.mip, 0)
        XCTAssertEqual(read(hart, CSR.mip), 0)
        // A device drives MTIP/MEIP: software can neither set nor clear them.
        hart.mipExternal = 1 << 7 | 1 << 11
        XCTAssertEqual(read(hart, CSR.mip), 0x0000_0880)
        hart.writeCSR(CSR.mip, 0)
        XCTAssertEqual(read(hart, CSR.mip), 0x0000_0880)
        hart.writeCSR(CSR.mip, 0x0001_0008)
        XCTAssertEqual(read(hart, CSR.mip), 0x0001_0888)
    }

    func testFloatingPointCSRs() {
        let hart = freshHart()
        hart.writeCSR(CSR.fflags, 0xFF)
        XCTAssertEqual(read(hart, CSR.fflags), 0x1F)
        hart.writeCSR(CSR.frm, 0xFF)
        XCTAssertEqual(read(hart, CSR.frm), 0x7)
        XCTAssertEqual(read(hart, CSR.fcsr), 0xFF)
        hart.writeCSR(CSR.frm, 5)
        hart.writeCSR(CSR.fflags, 0x13)
        XCTAssertEqual(read(hart, CSR.fcsr), 0xB3, "fcsr = frm << 5 | fflags")
        hart.writeCSR(CSR.fcsr, 0xFFFF_FF6A)
        XCTAssertEqual(read(hart, CSR.fcsr), 0x6A, "fcsr keeps 8 bits")
        XCTAssertEqual(read(hart, CSR.frm), 3)
        XCTAssertEqual(read(hart, CSR.fflags), 0x0A)
        XCTAssertEqual(hart.frm, 3)
        XCTAssertEqual(hart.fflags, 0x0A)
    }

    func testPlainRegistersAndConstants() {
        let hart = freshHart()
        for number in [CSR.mscratch, CSR.mcause, CSR.mtval] {
            XCTAssertTrue(hart.writeCSR(number, 0xDEAD_BEEF))
            XCTAssertEqual(read(hart, number), 0xDEAD_BEEF, String(format: "0x%03x", number))
        }
        XCTAssertTrue(hart.writeCSR(CSR.misa, 0), "misa writes are accepted and ignored")
        XCTAssertEqual(read(hart, CSR.misa), 0x4000_1124)
    }

    // MARK: Side effects

    func testFloatingPointCSRWritesMakeTheFPStateDirty() {
        for number in [CSR.fflags, CSR.frm, CSR.fcsr] {
            let hart = freshHart()
            XCTAssertEqual(read(hart, CSR.mstatus), 0x0000_1800)
            hart.writeCSR(number, 0)  // even a write of 0
            XCTAssertEqual(read(hart, CSR.mstatus), 0x8000_7800, String(format: "after writing 0x%03x", number))
        }
        let hart = freshHart()
        for number in [CSR.mscratch, CSR.mtvec, CSR.mie, CSR.mcycle] { hart.writeCSR(number, 0) }
        XCTAssertEqual(read(hart, CSR.mstatus), 0x0000_1800, "other CSRs leave FS alone")
    }

    func testWritingMtvecInstallsTheTrapVector() {
        let hart = freshHart()
        hart.writeCSR(CSR.mscratch, 1)
        hart.writeCSR(CSR.mepc, 0x100)
        XCTAssertFalse(hart.mtvecWritten)
        hart.writeCSR(CSR.mtvec, 0)  // even a write of 0
        XCTAssertTrue(hart.mtvecWritten)
        let other = freshHart()
        other.writeCSR(CSR.mtvec, 0x1C00_0000, resetting: true)
        XCTAssertFalse(other.mtvecWritten, "a reset-time store is not the firmware installing a vector")
    }

    // MARK: Counters

    func testCounterWritesTakeEffectRelativeToTheRunningCounter() {
        let hart = freshHart()
        hart.cycle = 1000
        hart.instret = 400
        XCTAssertEqual(read(hart, CSR.mcycle), 1000)
        XCTAssertEqual(read(hart, CSR.cycle), 1000)
        XCTAssertEqual(read(hart, CSR.minstret), 400)
        XCTAssertEqual(read(hart, CSR.instret), 400)
        XCTAssertTrue(hart.writeCSR(CSR.mcycle, 50))
        XCTAssertTrue(hart.writeCSR(CSR.minstret, 7))
        XCTAssertEqual(read(hart, CSR.mcycle), 50)
        XCTAssertEqual(read(hart, CSR.minstret), 7)
        hart.cycle += 12
        hart.instret += 5
        XCTAssertEqual(read(hart, CSR.mcycle), 62)
        XCTAssertEqual(read(hart, CSR.cycle), 62, "cycle shadows mcycle")
        XCTAssertEqual(read(hart, CSR.minstret), 12)
        XCTAssertEqual(read(hart, CSR.instret), 12, "instret shadows minstret")
        // time reads the hart's cycle count, whatever mcycle was set to.
        XCTAssertEqual(read(hart, CSR.time, time: 1012), 1012)
        XCTAssertEqual(read(hart, CSR.timeh, time: 0x5_0000_0001), 5)
        XCTAssertEqual(read(hart, CSR.time, time: 0x5_0000_0001), 1)
        XCTAssertEqual(hart.cycle, 1012, "the internal count is untouched")
    }

    func testCounterHighHalvesAndCarry() {
        let hart = freshHart()
        hart.cycle = 10
        hart.writeCSR(CSR.mcycle, 0xFFFF_FFFE)
        hart.writeCSR(CSR.mcycleh, 0x0000_0004)
        XCTAssertEqual(read(hart, CSR.mcycle), 0xFFFF_FFFE, "writing the high half keeps the low half")
        XCTAssertEqual(read(hart, CSR.mcycleh), 4)
        XCTAssertEqual(read(hart, CSR.cycleh), 4)
        hart.cycle += 3
        XCTAssertEqual(read(hart, CSR.mcycle), 1)
        XCTAssertEqual(read(hart, CSR.mcycleh), 5, "the low half carries into the high half")
        hart.instret = 3
        hart.writeCSR(CSR.minstreth, 0xFFFF_FFFF)
        hart.writeCSR(CSR.minstret, 0xFFFF_FFFF)
        XCTAssertEqual(read(hart, CSR.minstreth), 0xFFFF_FFFF)
        hart.instret += 1
        XCTAssertEqual(read(hart, CSR.minstret), 0)
        XCTAssertEqual(read(hart, CSR.minstreth), 0, "64-bit wrap")
        XCTAssertEqual(read(hart, CSR.instreth), 0)
    }

    // MARK: Through the CSR instructions

    /// A Zicsr instruction word: csr[31:20] rs1/uimm[19:15] funct3[14:12] rd[11:7] 0x73.
    func csrInstruction(_ funct3: UInt32, rd: UInt32, rs1: UInt32, csr: UInt32) -> UInt32 {
        csr << 20 | rs1 << 15 | funct3 << 12 | rd << 7 | 0x73
    }
    let csrrw: UInt32 = 1, csrrs: UInt32 = 2, csrrc: UInt32 = 3, csrrwi: UInt32 = 5, csrrsi: UInt32 = 6, csrrci: UInt32 = 7

    func testCSRInstructionsReadModifyWrite() throws {
        let one = try OneInstruction()
        let hart = one.hart
        hart.writeCSR(CSR.mscratch, 0x0000_00F0)
        // csrrw a0, mscratch, a1
        XCTAssertNil(one.execute(csrInstruction(csrrw, rd: 10, rs1: 11, csr: CSR.mscratch)) { $0.x[11] = 0x1234_5678 })
        XCTAssertEqual(hart.x[10], 0xF0)
        XCTAssertEqual(read(hart, CSR.mscratch), 0x1234_5678)
        XCTAssertEqual(hart.pc, OneInstruction.base + 4)
        // csrrs a0, mscratch, a1: set bits
        one.execute(csrInstruction(csrrs, rd: 10, rs1: 11, csr: CSR.mscratch)) { $0.x[11] = 0x8000_0001 }
        XCTAssertEqual(hart.x[10], 0x1234_5678)
        XCTAssertEqual(read(hart, CSR.mscratch), 0x9234_5679)
        // csrrc a0, mscratch, a1: clear bits
        one.execute(csrInstruction(csrrc, rd: 10, rs1: 11, csr: CSR.mscratch)) { $0.x[11] = 0x1200_0009 }
        XCTAssertEqual(hart.x[10], 0x9234_5679)
        XCTAssertEqual(read(hart, CSR.mscratch), 0x8034_5670)
        // csrrwi a0, mscratch, 21
        one.execute(csrInstruction(csrrwi, rd: 10, rs1: 21, csr: CSR.mscratch))
        XCTAssertEqual(hart.x[10], 0x8034_5670)
        XCTAssertEqual(read(hart, CSR.mscratch), 21)
        // csrrsi a0, mscratch, 10
        one.execute(csrInstruction(csrrsi, rd: 10, rs1: 10, csr: CSR.mscratch))
        XCTAssertEqual(hart.x[10], 21)
        XCTAssertEqual(read(hart, CSR.mscratch), 31)
        // csrrci a0, mscratch, 6
        one.execute(csrInstruction(csrrci, rd: 10, rs1: 6, csr: CSR.mscratch))
        XCTAssertEqual(hart.x[10], 31)
        XCTAssertEqual(read(hart, CSR.mscratch), 25)
        // csrrw x0, mscratch, a1: x0 stays 0
        one.execute(csrInstruction(csrrw, rd: 0, rs1: 11, csr: CSR.mscratch)) { $0.x[11] = 99 }
        XCTAssertEqual(hart.x[0], 0)
        XCTAssertEqual(read(hart, CSR.mscratch), 99)
        // The written value goes through the mask: csrrw to mtvec with bit 1 set.
        one.execute(csrInstruction(csrrw, rd: 0, rs1: 11, csr: CSR.mtvec)) { $0.x[11] = 0x8000_0103 }
        XCTAssertEqual(read(hart, CSR.mtvec), 0x8000_0101)
        XCTAssertTrue(hart.mtvecWritten)
        // An FP CSR written by an instruction makes FS dirty.
        XCTAssertEqual(read(hart, CSR.mstatus)! & 0x6000, 0)
        one.execute(csrInstruction(csrrwi, rd: 0, rs1: 2, csr: CSR.frm))
        XCTAssertEqual(read(hart, CSR.mstatus), 0x8000_7800)
        XCTAssertEqual(hart.frm, 2)
    }

    func testReadingReadOnlyCSRsWithoutWritingDoesNotTrap() throws {
        let one = try OneInstruction()
        let hart = one.hart
        hart.cycle = 500
        hart.instret = 40
        // csrrs a0, cycle, x0 (csrr): reads the count before the instruction.
        XCTAssertNil(one.execute(csrInstruction(csrrs, rd: 10, rs1: 0, csr: CSR.cycle)))
        XCTAssertEqual(hart.x[10], 500)
        XCTAssertEqual(hart.cycle, 501)
        XCTAssertNil(one.execute(csrInstruction(csrrc, rd: 10, rs1: 0, csr: CSR.instret)))
        XCTAssertEqual(hart.x[10], 41)
        XCTAssertNil(one.execute(csrInstruction(csrrsi, rd: 10, rs1: 0, csr: CSR.mvendorid)))
        XCTAssertEqual(hart.x[10], 0x602)
        XCTAssertNil(one.execute(csrInstruction(csrrci, rd: 10, rs1: 0, csr: CSR.marchid)))
        XCTAssertEqual(hart.x[10], 4)
        XCTAssertNil(one.execute(csrInstruction(csrrs, rd: 10, rs1: 0, csr: CSR.mhartid)))
        XCTAssertEqual(hart.x[10], 0)
        XCTAssertNil(one.execute(csrInstruction(csrrs, rd: 10, rs1: 0, csr: CSR.time)))
        XCTAssertEqual(hart.x[10], 505, "time is the hart's cycle count")
        XCTAssertNil(one.execute(csrInstruction(csrrs, rd: 10, rs1: 0, csr: CSR.mimpid)))
        XCTAssertEqual(hart.x[10], 0)
        XCTAssertEqual(hart.pc, OneInstruction.base + 4)
    }

    func testWritingAReadOnlyCSRIsAnIllegalInstruction() throws {
        let attempts: [(String, UInt32)] = [
            ("csrrw x0, cycle, a1", csrInstruction(csrrw, rd: 0, rs1: 11, csr: CSR.cycle)),
            ("csrrs a0, mhartid, a1 (a1 = 0)", csrInstruction(csrrs, rd: 10, rs1: 11, csr: CSR.mhartid)),
            ("csrrc a0, instreth, a1", csrInstruction(csrrc, rd: 10, rs1: 11, csr: CSR.instreth)),
            ("csrrwi a0, mvendorid, 0", csrInstruction(csrrwi, rd: 10, rs1: 0, csr: CSR.mvendorid)),
            ("csrrsi a0, time, 1", csrInstruction(csrrsi, rd: 10, rs1: 1, csr: CSR.time)),
            ("csrrs a0, 0x321, x0 (unknown)", csrInstruction(csrrs, rd: 10, rs1: 0, csr: 0x321)),
            ("csrrw x0, hpmcounter3, a1", csrInstruction(csrrw, rd: 0, rs1: 11, csr: CSR.hpmcounter3)),
            ("csrrs a0, 0x7e0, x0 (RI5CY's machine PCER: unknown)", csrInstruction(csrrs, rd: 10, rs1: 0, csr: 0x7E0)),
            ("csrrw a0, 0x7c0, a1 (unknown)", csrInstruction(csrrw, rd: 10, rs1: 11, csr: 0x7C0)),
        ]
        for (text, word) in attempts {
            // Without a handler: the run ends and reports the trap.
            let one = try OneInstruction()
            let end = one.execute(word) { $0.x[11] = 0; $0.x[10] = 0xAAAA_AAAA }
            guard case .unhandledTrap(let trap) = end else { XCTFail("\(text): \(String(describing: end))"); continue }
            XCTAssertEqual(trap.cause, .illegalInstruction, text)
            XCTAssertEqual(trap.tval, word, text)
            XCTAssertEqual(trap.pc, OneInstruction.base, text)
            XCTAssertEqual(one.hart.x[10], 0xAAAA_AAAA, "\(text) wrote rd")
            // With a handler: mcause 2, mtval the instruction word, mepc the pc.
            let handled = try OneInstruction()
            handled.hart.writeCSR(CSR.mtvec, 0x8000_0400)
            handled.hart.cycle = 10
            XCTAssertNil(handled.execute(word) { $0.x[11] = 0 }, text)
            XCTAssertEqual(handled.hart.mcause, 2, text)
            XCTAssertEqual(handled.hart.mtval, word, text)
            XCTAssertEqual(handled.hart.mepc, OneInstruction.base, text)
            XCTAssertEqual(handled.hart.pc, 0x8000_0400, text)
            XCTAssertEqual(handled.hart.instret, 0, "\(text) retired")
            XCTAssertEqual(handled.hart.cycle, 13, "\(text): a trap costs 3 cycles")
        }
    }

    /// docs/platform.md §1 makes mcycle and minstret writable; the privileged specification (§3.1.10,
    /// "Hardware Performance Monitor") adds that "any CSR write takes effect after the writing
    /// instruction has otherwise completed": the writing instruction's own increment does not
    /// count, so the next instruction reads the value written (as Spike does).
    func testCounterWrittenByAnInstructionReadsTheWrittenValueNext() throws {
        for (name, number) in [("minstret", CSR.minstret), ("mcycle", CSR.mcycle)] {
            let one = try OneInstruction()
            one.hart.cycle = 1000
            one.hart.instret = 1000
            XCTAssertNil(one.execute(csrInstruction(csrrw, rd: 0, rs1: 11, csr: number)) { $0.x[11] = 100 })
            XCTAssertNil(one.execute(csrInstruction(csrrs, rd: 10, rs1: 0, csr: number)))
            XCTAssertEqual(one.hart.x[10], 100, "csrw \(name), 100; csrr a0, \(name)")
            XCTAssertNil(one.execute(csrInstruction(csrrs, rd: 10, rs1: 0, csr: number)))
            // One instruction later; that read of a counter took 4 cycles (a status CSR, §1).
            XCTAssertEqual(one.hart.x[10], number == CSR.mcycle ? 104 : 101, "one read later")
        }
    }
}
