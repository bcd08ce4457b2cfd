// The instruction descriptors against what the interpreter does: every operation has exactly one
// descriptor and semantics on both paths; memory facts (size, sign extension, data register) and
// cost classes agree with execution; extensions are decoded only when enabled.

@testable import PulpSim
import XCTest

/// One hart of a spike machine executing single instruction words written at `base`.
final class OneInstruction {
    static let base: UInt32 = 0x8000_0000
    let machine: Machine
    var hart: Hart { machine.harts[0] }

    init(extensions: ExtensionSet = .all) throws {
        var options = MachineOptions(platform: .spike)
        options.platform.extensions = extensions
        options.echoOutput = false
        machine = try Machine(options: options)
        machine.harts[0].reset(pc: OneInstruction.base)
    }

    /// Writes `word` at `base` (2 bytes if compressed), lets `setup` prepare the hart, executes
    /// one instruction; returns how the run ended, if it did.
    @discardableResult
    func execute(_ word: UInt32, setup: (Hart) -> Void = { _ in }) -> EndReason? {
        let bytes = Decoder.isFullLength(word) ? 4 : 2
        machine.writeMemory(OneInstruction.base, (0..<bytes).map { UInt8(truncatingIfNeeded: word >> (8 * $0)) })
        machine.control.end = nil
        hart.state = .running
        hart.pc = OneInstruction.base
        setup(hart)
        return machine.step(hart: 0)
    }
}

final class InstructionSetTests: XCTestCase {
    /// `Operation.index` reads the raw value from the representation: every case's tag must be
    /// its raw value.
    func testOperationIndexIsTheRawValue() {
        for op in Operation.allCases { XCTAssertEqual(op.index, Int(op.rawValue), "\(op)") }
    }

    /// A word matching `d` with rd = x5, rs1 = x6, rs2 = x7, rs3 = x8 where the fields are free
    /// and a legal rounding mode (rne).
    func word(_ d: InstructionDescriptor) -> UInt32 {
        var w = d.match
        let free = ~d.mask
        w |= (5 << 7) & free
        w |= (6 << 15) & free
        w |= (7 << 20) & free
        w |= (8 << 27) & free
        return w
    }

    func testEveryOperationHasExactlyOneDescriptor() {
        for op in Operation.allCases where op != .illegal {
            let rows = InstructionSet.descriptors.filter { $0.operation == op }
            XCTAssertEqual(rows.count, 1, "\(op) has \(rows.count) descriptors")
        }
        XCTAssertNil(InstructionSet.descriptor(.illegal))
        for form in InstructionSet.rv32c {
            XCTAssertNotNil(InstructionSet.descriptor(form.operation), "\(form.name) expands to \(form.operation)")
        }
        let names = InstructionSet.encodings.map(\.name)
        XCTAssertEqual(Set(names).count, names.count, "mnemonics are unique")
    }

    func testEveryOperationHasSemantics() throws {
        for d in InstructionSet.descriptors {
            let one = try OneInstruction()
            let end = one.execute(word(d)) { hart in
                hart.x[6] = OneInstruction.base + 0x1000  // a valid address for loads and stores
                hart.x[7] = 3
                hart.x[8] = 5
            }
            if case .simulatorError(let message) = end { XCTFail("\(d.name): \(message)") }
        }
    }

    func testLoadsAndStoresFollowTheirDescriptors() throws {
        let data: [UInt8] = [0x81, 0x92, 0xA3, 0xB4, 0x55, 0x66, 0x77, 0x88]
        for d in InstructionSet.descriptors {
            guard let access = d.memory else { continue }
            let size = Int(access.size)
            // Fast path (RAM); slow path (a load straddling a 1 MiB segment edge, a store into
            // the page holding the instruction).
            var paths: [(String, UInt32)] = [("fast", OneInstruction.base + 0x2000)]
            if access.kind == .load && size > 1 { paths.append(("slow", 0x8010_0000 - 1)) }
            if access.kind == .store { paths.append(("slow", OneInstruction.base + 0x100)) }
            for (path, address) in paths {
                let one = try OneInstruction()
                one.machine.writeMemory(address, data)
                // rd = x5 (loads), rs1 = x6, rs2 = x7 (stores), offset 0.
                let word = d.match | (access.kind == .load ? 5 << 7 : 7 << 20) | 6 << 15
                let end = one.execute(word) { hart in
                    hart.x[6] = address
                    hart.x[7] = 0xC1D2_E3F4
                    hart.f[7] = 0xC1D2_E3F4
                }
                XCTAssertNil(end, "\(d.name) (\(path)): \(String(describing: end))")
                let memory = one.machine.readMemory(address, count: data.count)!
                if access.kind == .load {
                    let raw = (0..<size).reduce(UInt32(0)) { $0 | UInt32(data[$1]) << UInt32(8 * $1) }
                    let expected = MemoryAccess.extend(raw, size: access.size, signed: access.signed)
                    let got = d.writes == .f ? one.hart.f[5] : one.hart.x[5]
                    XCTAssertEqual(got, expected, "\(d.name) (\(path)) loaded 0x\(String(got, radix: 16))")
                    XCTAssertEqual(memory, data, "\(d.name) (\(path)) changed memory")
                } else {
                    let stored = (0..<4).map { UInt8(truncatingIfNeeded: 0xC1D2_E3F4 >> (8 * $0)) }
                    XCTAssertEqual(Array(memory[..<size]), Array(stored[..<size]), "\(d.name) (\(path))")
                    XCTAssertEqual(Array(memory[size...]), Array(data[size...]), "\(d.name) (\(path)) wrote past its size")
                }
            }
        }
    }

    func testCostClassesGiveTheCycles() throws {
        for d in InstructionSet.descriptors where d.path == .fast && d.memory == nil {
            for taken in d.cost == .branch ? [false, true] : [true] {
                let one = try OneInstruction()
                let before = one.hart.cycle
                one.execute(word(d)) { hart in
                    hart.x[6] = 5
                    hart.x[7] = taken ? 5 : 6  // beq, bge, bgeu taken when equal; the others not
                    hart.frm = 0
                }
                var expected = UInt64(1)
                let isTaken = one.hart.pc != OneInstruction.base &+ 4
                if d.cost != .branch || isTaken { expected += UInt64(d.cost.extraCycles) }
                // The divider's latency depends on the divisor (x7 = 5): 3 + its 29 leading zeros
                // (CV32E40P, docs/platform.md §1), whatever the extra cycles of the class say.
                if d.cost == .divide { expected = 3 + 29 }
                XCTAssertEqual(one.hart.cycle - before, expected, "\(d.name)\(d.cost == .branch ? (isTaken ? " taken" : " not taken") : "")")
            }
        }
    }

    func testExtensionsAreDecodedOnlyWhenEnabled() throws {
        for d in InstructionSet.descriptors where d.ext == .zba || d.ext == .zbb {
            XCTAssertEqual(Decoder.decode(word(d), at: 0, extensions: .standard).operation, .illegal, d.name)
            XCTAssertEqual(Decoder.decode(word(d), at: 0, extensions: .all).operation, d.operation, d.name)
            let one = try OneInstruction(extensions: .standard)
            guard case .unhandledTrap(let trap) = one.execute(word(d)) else { return XCTFail("\(d.name) executed without Zba/Zbb") }
            XCTAssertEqual(trap.cause, .illegalInstruction)
            XCTAssertEqual(trap.tval, word(d))
        }
        XCTAssertEqual(ExtensionSet(parsing: "rv32imfc_zba_zbb_xredmule")?.inserting(.xpulp), .all)
        XCTAssertEqual(ExtensionSet(parsing: "rv32imfc_zba_zbb")?.contains(.xredmule), false)
        XCTAssertEqual(ExtensionSet(parsing: "RV32IMFC"), .standard)
        XCTAssertEqual(ExtensionSet(parsing: "rv32imfc_zicsr_zifencei_zbb")?.contains(.zbb), true)
        XCTAssertNil(ExtensionSet(parsing: "rv32imc"))
        XCTAssertNil(ExtensionSet(parsing: "rv32imfc_zbc"))
        XCTAssertNil(ExtensionSet(parsing: "rv64imfc"))
    }

    func testZbbHandComputedResults() throws {
        // (instruction, rs1, rs2, expected rd)
        let cases: [(String, UInt32, UInt32, UInt32)] = [
            ("clz", 0x0001_0000, 0, 15), ("clz", 0, 0, 32), ("ctz", 0x0001_0000, 0, 16), ("ctz", 0, 0, 32),
            ("cpop", 0xF0F0_0001, 0, 9), ("max", 0xFFFF_FFFF, 1, 1), ("maxu", 0xFFFF_FFFF, 1, 0xFFFF_FFFF),
            ("min", 0xFFFF_FFFF, 1, 0xFFFF_FFFF), ("minu", 0xFFFF_FFFF, 1, 1), ("sext.b", 0x1234_5680, 0, 0xFFFF_FF80),
            ("sext.h", 0x1234_8001, 0, 0xFFFF_8001), ("zext.h", 0xFFFF_8001, 0, 0x8001), ("rol", 0x8000_0001, 1, 3),
            ("ror", 0x8000_0001, 1, 0xC000_0000), ("ror", 0x1234_5678, 32, 0x1234_5678), ("orc.b", 0x0001_8000, 0, 0x00FF_FF00),
            ("rev8", 0x1234_5678, 0, 0x7856_3412), ("andn", 0xFF00_FF00, 0x0FF0_0FF0, 0xF000_F000),
            ("orn", 0x0000_0000, 0xFFFF_0000, 0x0000_FFFF), ("xnor", 0xFF00_FF00, 0x0FF0_0FF0, 0x0F0F_0F0F),
            ("sh1add", 3, 100, 106), ("sh2add", 3, 100, 112), ("sh3add", 0xFFFF_FFFF, 0, 0xFFFF_FFF8),
        ]
        for (name, a, b, expected) in cases {
            let d = try XCTUnwrap(InstructionSet.descriptors.first { $0.name == name }, name)
            let one = try OneInstruction()
            one.execute(word(d)) { hart in hart.x[6] = a; hart.x[7] = b }
            XCTAssertEqual(one.hart.x[5], expected, "\(name)(0x\(String(a, radix: 16)), 0x\(String(b, radix: 16)))")
        }
        // rori by 4 (the shift amount is the rs2 field).
        let rori = try XCTUnwrap(InstructionSet.descriptors.first { $0.name == "rori" })
        let one = try OneInstruction()
        one.execute(rori.match | 5 << 7 | 6 << 15 | 4 << 20) { hart in hart.x[6] = 0x1234_5678 }
        XCTAssertEqual(one.hart.x[5], 0x8123_4567)
    }
}
