// Bad ELF files: each kind gets its own message (library) and exit code (command line).

import Foundation
import PulpSim
import XCTest

final class ElfTests: XCTestCase {
    var helloSpike: String { Paths.firmware("spike", "hello") }

    func helloBytes() throws -> [UInt8] {
        try requireFirmware(helloSpike)
        return [UInt8](FileManager.default.contents(atPath: helloSpike)!)
    }

    func writeTemp(_ bytes: [UInt8], _ name: String) -> String {
        let path = NSTemporaryDirectory() + "pulpsim-test-\(getpid())-\(name)"
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        return path
    }

    func le32(_ b: [UInt8], _ o: Int) -> UInt32 { UInt32(b[o]) | UInt32(b[o + 1]) << 8 | UInt32(b[o + 2]) << 16 | UInt32(b[o + 3]) << 24 }
    func put32(_ b: inout [UInt8], _ o: Int, _ v: UInt32) { for i in 0..<4 { b[o + i] = UInt8(truncatingIfNeeded: v >> (8 * UInt32(i))) } }

    /// Byte offset of the first PT_LOAD program header.
    func firstLoadHeader(_ b: [UInt8]) -> Int {
        let phoff = Int(le32(b, 28)), phentsize = Int(b[42]) | Int(b[43]) << 8, phnum = Int(b[44]) | Int(b[45]) << 8
        for i in 0..<phnum where le32(b, phoff + i * phentsize) == 1 { return phoff + i * phentsize }
        return -1
    }

    func expectError(_ bytes: [UInt8], platform: PlatformKind = .spike, _ check: (ElfError) -> Bool,
                     message: String, file: StaticString = #filePath, line: UInt = #line) {
        do {
            let image = try ElfImage(bytes: bytes, path: "x.elf")
            let machine = try Machine(options: MachineOptions(platform: platform))
            try machine.load(image)
            XCTFail("accepted a bad ELF", file: file, line: line)
        } catch let error as ElfError {
            XCTAssertTrue(check(error), "wrong error: \(error)", file: file, line: line)
            XCTAssertTrue(error.description.contains(message), "message '\(error)' lacks '\(message)'", file: file, line: line)
        } catch {
            XCTFail("unexpected \(error)", file: file, line: line)
        }
    }

    func testNotAnELF() throws {
        expectError(Array("#!/bin/sh\necho hi\n".utf8), { if case .notELF = $0 { return true }; return false }, message: "not an ELF")
        expectError([], { if case .notELF = $0 { return true }; return false }, message: "not an ELF")
    }

    func testTruncated() throws {
        let b = try helloBytes()
        expectError(Array(b.prefix(40)), { if case .truncated = $0 { return true }; return false }, message: "truncated")
        expectError(Array(b.prefix(300)), { if case .truncated = $0 { return true }; return false }, message: "truncated")
        expectError(Array(b.prefix(b.count - 200)), { if case .truncated = $0 { return true }; return false }, message: "truncated")
    }

    func test64Bit() throws {
        var b = try helloBytes()
        b[4] = 2
        expectError(b, { if case .notRV32 = $0 { return true }; return false }, message: "64-bit")
    }

    func testWrongMachine() throws {
        var b = try helloBytes()
        b[18] = 62; b[19] = 0
        expectError(b, { if case .wrongMachine = $0 { return true }; return false }, message: "x86-64")
    }

    func testBigEndianAndRelocatable() throws {
        var b = try helloBytes()
        b[5] = 2
        expectError(b, { if case .bigEndian = $0 { return true }; return false }, message: "big-endian")
        b = try helloBytes()
        b[16] = 1
        expectError(b, { if case .notExecutable = $0 { return true }; return false }, message: "relocatable")
    }

    func testOutsideMemoryMap() throws {
        var b = try helloBytes()
        let ph = firstLoadHeader(b)
        put32(&b, ph + 8, 0x4000_0000); put32(&b, ph + 12, 0x4000_0000)
        expectError(b, { if case .segmentOutsideMemoryMap = $0 { return true }; return false }, message: "outside the memory map")
    }

    func testSegmentOverDeviceOrPastRegionEnd() throws {
        var b = try helloBytes()
        let ph = firstLoadHeader(b)
        put32(&b, ph + 8, 0x1A10_F000); put32(&b, ph + 12, 0x1A10_F000)
        expectError(b, platform: .pulpCluster, { if case .segmentOutsideMemoryMap = $0 { return true }; return false },
                    message: "overlaps device 'stdout'")
        put32(&b, ph + 8, 0x1C0F_FFF0); put32(&b, ph + 12, 0x1C0F_FFF0)
        expectError(b, platform: .pulpCluster, { if case .segmentOutsideMemoryMap = $0 { return true }; return false },
                    message: "runs past the end of L2")
    }

    func testCommandLineExitCodes() throws {
        var b = try helloBytes()
        b[4] = 2
        let bad = writeTemp(b, "64.elf")
        var r = try runCLI(["run", "--platform", "spike", bad])
        XCTAssertEqual(r.status, 65)
        XCTAssertTrue(r.stderr.contains("64-bit"), r.stderr)
        r = try runCLI(["run", "--platform", "spike", "/nonexistent/x.elf"])
        XCTAssertEqual(r.status, 66)
        XCTAssertTrue(r.stderr.contains("no such file"), r.stderr)
        r = try runCLI(["run", "--platform", "spike", "--json", bad])
        XCTAssertEqual(r.status, 65)
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(json["reason"] as? String, "invalid-elf")
        r = try runCLI(["run", "--harts", "9", helloSpike])
        XCTAssertEqual(r.status, 64)
    }

    func testSymbolsAreKept() throws {
        let image = try ElfImage(path: try { try requireFirmware(helloSpike); return helloSpike }())
        let table = SymbolTable(image.symbols)
        let main = try XCTUnwrap(table.address(of: "main"))
        XCTAssertEqual(table.describe(main), "main")
        XCTAssertEqual(table.describe(main + 4), "main+0x4")
        XCTAssertNotNil(table.address(of: "tohost"))
    }
}
