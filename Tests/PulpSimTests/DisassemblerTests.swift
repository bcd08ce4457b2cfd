// The disassembler must print what `riscv64-unknown-elf-objdump -d` prints (mnemonic and
// operands) for every instruction of every firmware ELF.

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

    func testMatchesObjdumpOnAllFirmware() throws {
        let build = Paths.root.appendingPathComponent("firmware/build")
        var elves: [String] = []
        for platform in ["spike", "pulp-cluster"] {
            let dir = build.appendingPathComponent(platform)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
            elves += names.filter { $0.hasSuffix(".elf") }.sorted().map { dir.appendingPathComponent($0).path }
        }
        XCTAssertGreaterThanOrEqual(elves.count, 20, "firmware not built (make firmware)")
        let pattern = try NSRegularExpression(pattern: #"^\s*([0-9a-f]+):\s+([0-9a-f]{4,8})\s+(\S+)(?:\s+(.*?))?\s*$"#)
        var checked = 0, failures = 0
        for elf in elves {
            let image = try ElfImage(path: elf)
            let symbols = SymbolTable(image.symbols)
            for line in try objdump(elf).split(separator: "\n") {
                let text = String(line)
                guard let m = pattern.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) else { continue }
                func group(_ i: Int) -> String {
                    guard let r = Range(m.range(at: i), in: text) else { return "" }
                    return String(text[r])
                }
                let address = UInt32(group(1), radix: 16)!, word = UInt32(group(2), radix: 16)!
                let mnemonic = group(3)
                if mnemonic.hasPrefix(".") || mnemonic == "unimp" { continue }  // data in code
                let expected = (mnemonic + " " + group(4).replacingOccurrences(of: #"\s*#.*$"#, with: "", options: .regularExpression))
                    .trimmingCharacters(in: .whitespaces)
                let ours = Disassembler.disassemble(word, at: address, symbols: symbols).replacingOccurrences(of: "\t", with: " ")
                checked += 1
                // objdump appends "<symbol+offset>" to targets: compare both with and without it.
                if ours != expected && ours.replacingOccurrences(of: #"\s+<[^>]*>"#, with: "", options: .regularExpression)
                    != expected.replacingOccurrences(of: #"\s+<[^>]*>"#, with: "", options: .regularExpression) {
                    failures += 1
                    if failures <= 10 { XCTFail(String(format: "%@ 0x%08x %08x: objdump '%@', pulpsim '%@'", elf, address, word, expected, ours)) }
                }
            }
        }
        XCTAssertGreaterThan(checked, 50_000)
        XCTAssertEqual(failures, 0, "\(failures) of \(checked) instructions differ from objdump")
    }
}
