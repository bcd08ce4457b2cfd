// Zba/Zbb end to end: a C program compiled with them by the cross compiler, on pulpsim with
// `--isa` and on QEMU (the oracle), and on a platform whose harts lack them.

import Foundation
import PulpSim
import XCTest

final class BitManipulationTests: XCTestCase {
    func testBitManipulationProgramMatchesQEMU() throws {
        let elf = Paths.firmware("spike", "bitmanip")
        try requireFirmware(elf)
        let ours = try runCLI(["run", "--platform", "spike", "--isa", "rv32imfc_zba_zbb", elf])
        XCTAssertEqual(ours.status, 0, ours.stderr)
        XCTAssertTrue(ours.stdout.contains("bitmanip: checksum 0x"), ours.stdout)
        XCTAssertTrue(ours.stdout.contains(", 0 mismatches"), ours.stdout)
        let qemu = try runProgram(Paths.root.appendingPathComponent("firmware/run-qemu.sh").path,
                                  [elf, "-cpu", "rv32,a=off,d=off,zba=true,zbb=true"])
        XCTAssertEqual(qemu.status, 0, qemu.stderr)
        XCTAssertEqual(ours.stdout, qemu.stdout)
    }

    func testWithoutTheExtensionsTheirInstructionsAreIllegal() throws {
        let elf = Paths.firmware("pulp-cluster", "bitmanip")
        try requireFirmware(elf)
        // The firmware's trap handler reports the illegal instruction (mcause 2) and exits 127.
        let plain = try runCLI(["run", "--harts", "1", elf])
        XCTAssertEqual(plain.status, 127, plain.stdout + plain.stderr)
        let line = try XCTUnwrap(plain.stdout.split(separator: "\n").first { $0.contains("unexpected trap") }, plain.stdout)
        XCTAssertTrue(line.contains("mcause=0x00000002"), String(line))
        let mtval = try XCTUnwrap(line.split(separator: " ").first { $0.hasPrefix("mtval=0x") })
        let word = try XCTUnwrap(UInt32(mtval.dropFirst(8), radix: 16))
        let d = Decoder.decode(word, at: 0)
        XCTAssertTrue(d.descriptor?.ext == .zba || d.descriptor?.ext == .zbb, "trapped on \(Disassembler.disassemble(word, at: 0))")
        let enabled = try runCLI(["run", "--harts", "1", "--isa", "rv32imfc_zba_zbb", elf])
        XCTAssertEqual(enabled.status, 0, enabled.stderr)
        XCTAssertTrue(enabled.stdout.contains(", 0 mismatches"), enabled.stdout)
        let bad = try runCLI(["run", "--isa", "rv32imac", elf])
        XCTAssertEqual(bad.status, 64)
        XCTAssertTrue(bad.stderr.contains("--isa"), bad.stderr)
    }
}
