// The disassembler must print what `riscv64-unknown-elf-objdump -d` prints (mnemonic and
// operands) for every instruction of every firmware ELF, for every 16-bit word (all compressed
// forms, which checks the decoder's operand fields against an independent decoder), and for
// random Zba/Zbb words.

import Foundation
import PulpSim
import XCTest

final class DisassemblerTests: XCTestCase {
    func objdump(_ elf: String) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["riscv64-unknown-elf-objdump", "-d", elf]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, "objdump failed on \(elf)")
        return String(decoding: data, as: UTF8.self)
    }

    /// Encodings the RV32C specification reserves, which objdump decodes anyway: shifts with
    /// shamt[5] = 1 (RV64 only) and c.addi16sp with a zero immediate. pulpsim (like QEMU)
    /// treats them as illegal.
    func reservedInRV32C(_ h: UInt32) -> Bool {
        let shift = h & 0xE003 == 0x0002 || h & 0xEC03 == 0x8001 || h & 0xEC03 == 0x8401  // c.slli, c.srli, c.srai
        return (shift && h & 0x1000 != 0) || h == 0x6101
    }

    /// Compares objdump's listing with ours; returns (instructions checked, failures).
    func compare(_ listing: String, symbols: SymbolTable?, label: String) throws -> (Int, Int) {
        let pattern = try NSRegularExpression(pattern: #"^\s*([0-9a-f]+):\s+([0-9a-f]{4,8})\s+(\S+)(?:\s+(.*?))?\s*$"#)
        var checked = 0, failures = 0
        for line in listing.split(separator: "\n") {
            let text = String(line)
            guard let m = pattern.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) else { continue }
            func group(_ i: Int) -> String {
                guard let r = Range(m.range(at: i), in: text) else { return "" }
                return String(text[r])
            }
            let address = UInt32(group(1), radix: 16)!, word = UInt32(group(2), radix: 16)!
            let mnemonic = group(3)
            let ours = Disassembler.disassemble(word, at: address, symbols: symbols).replacingOccurrences(of: "\t", with: " ")
            checked += 1
            if mnemonic.hasPrefix(".") || mnemonic == "unimp" {
                // objdump cannot decode it (data, or an extension pulpsim does not implement either).
                if symbols == nil && ours != "unknown" {
                    failures += 1
                    if failures <= 10 { XCTFail(String(format: "%@ %08x: objdump '%@', pulpsim '%@'", label, word, mnemonic, ours)) }
                }
                continue
            }
            if symbols == nil && reservedInRV32C(word) && ours == "unknown" { continue }
            let expected = (mnemonic + " " + group(4).replacingOccurrences(of: #"\s*#.*$"#, with: "", options: .regularExpression))
                .trimmingCharacters(in: .whitespaces)
            // objdump appends "<symbol+offset>" to targets: compare both with and without it.
            if ours != expected && ours.replacingOccurrences(of: #"\s+<[^>]*>"#, with: "", options: .regularExpression)
                != expected.replacingOccurrences(of: #"\s+<[^>]*>"#, with: "", options: .regularExpression) {
                failures += 1
                if failures <= 10 || ProcessInfo.processInfo.environment["DISASM_ALL"] != nil { XCTFail(String(format: "%@ 0x%08x %08x: objdump '%@', pulpsim '%@'", label, address, word, expected, ours)) }
            }
        }
        return (checked, failures)
    }

    func testMatchesObjdumpOnAllFirmware() throws {
        let build = Paths.root.appendingPathComponent("firmware/build")
        var elves: [String] = []
        for platform in ["spike", "pulp-cluster"] {
            let dir = build.appendingPathComponent(platform)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
            elves += names.filter { $0.hasSuffix(".elf") }.sorted().map { dir.appendingPathComponent($0).path }
        }
        XCTAssertGreaterThanOrEqual(elves.count, 20, "firmware not built (make firmware)")
        var checked = 0, failures = 0
        for elf in elves {
            let image = try ElfImage(path: elf)
            let (c, f) = try compare(try objdump(elf), symbols: SymbolTable(image.symbols), label: elf)
            checked += c
            failures += f
        }
        XCTAssertGreaterThan(checked, 50_000)
        XCTAssertEqual(failures, 0, "\(failures) of \(checked) instructions differ from objdump")
    }

    /// Every 16-bit word, and random words of every Zba/Zbb encoding, assembled with `.insn`.
    func testEveryCompressedWordAndRandomBitManipulationWordsMatchObjdump() throws {
        var lines = [".text"]
        for h in 0..<0x10000 where h & 3 != 3 { lines.append(String(format: ".insn 0x%04x", h)) }
        var state: UInt64 = 0x2545_F491_4F6C_DD1D  // xorshift64, fixed seed
        for d in InstructionSet.descriptors where d.ext == .zba || d.ext == .zbb {
            for _ in 0..<64 {
                state ^= state << 13; state ^= state >> 7; state ^= state << 17
                lines.append(String(format: ".insn 0x%08x", d.match | (UInt32(truncatingIfNeeded: state) & ~d.mask)))
            }
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pulpsim-disasm-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let source = dir.appendingPathComponent("words.s"), object = dir.appendingPathComponent("words.o")
        try lines.joined(separator: "\n").appending("\n").write(to: source, atomically: true, encoding: .utf8)
        let assembled = try runProgram("/usr/bin/env", ["riscv64-unknown-elf-as", "-march=rv32imfc_zicsr_zifencei_zba_zbb",
                                                        source.path, "-o", object.path])
        XCTAssertEqual(assembled.status, 0, assembled.stderr)
        let (checked, failures) = try compare(try objdump(object.path), symbols: nil, label: "word")
        XCTAssertEqual(checked, 49152 + 21 * 64)
        XCTAssertEqual(failures, 0, "\(failures) of \(checked) words differ from objdump")
    }
}
