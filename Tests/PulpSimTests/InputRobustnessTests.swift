// Regression tests for what the fuzz targets (Fuzz/, docs/robustness.md) found or guard: ELF
// files that are devices or pipes, symbols at the top of the address space, machines released
// with their memory, binary traces decoded from memory.

import Foundation
import PulpSim
import XCTest

final class InputRobustnessTests: XCTestCase {
    let helloSpike = Paths.firmware("spike", "hello")

    func testELFFromADeviceIsUnreadableNotReadForEver() throws {
        // /dev/zero never ends: it is refused before anything is read.
        XCTAssertThrowsError(try ElfImage(path: "/dev/zero")) { error in
            guard case ElfError.unreadable(_, let reason) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(reason, "not a regular file")
        }
        let r = try runCLI(["run", "/dev/zero"])
        XCTAssertEqual(r.status, 66, r.stderr)
        XCTAssertTrue(r.stderr.contains("not a regular file"), r.stderr)
        XCTAssertThrowsError(try ElfImage(path: NSTemporaryDirectory())) { error in
            XCTAssertTrue("\(error)".contains("is a directory"), "\(error)")
        }
    }

    func testELFFromAPipeIsRead() throws {
        // `pulpsim run <(cat app.elf)`: process substitution hands over a pipe.
        try requireFirmware(helloSpike)
        let r = try runProgram("/bin/bash", ["-c", "\"$0\" run --platform spike <(cat \"$1\")", Paths.executable, helloSpike])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("Hello from hart 0"), r.stdout)
    }

    func testSymbolsAtTheTopOfTheAddressSpaceBecomeTraceRangesThatStopThere() throws {
        // Fuzz/corpus/elf/symbol-at-top.elf: `top` at 0xfffffff0 of size 0x100, `last` at
        // 0xffffffff of size 0, `huge` at 0x10 of size 0xffffffff. Their pc ranges once wrapped
        // past 0xffffffff and trapped ("Range requires lowerBound <= upperBound").
        let elf = Paths.root.appendingPathComponent("Fuzz/corpus/elf/symbol-at-top.elf").path
        let machine = try Machine(options: MachineOptions(platform: .spike))
        try machine.load(path: elf)
        var trace = TraceOptions()
        trace.pcSymbols = ["top", "last", "huge"]
        XCTAssertEqual(try machine.resolveSymbols(trace).pcRanges, [0xFFFF_FFF0...0xFFFF_FFFF, 0xFFFF_FFFF...0xFFFF_FFFF, 0x10...0xFFFF_FFFF])
        let r = try runCLI(["run", "--platform", "spike", "--trace-file", "/dev/null", "--trace-pc", "top", "--trace-pc", "last",
                            "--max-instructions", "100", "--quiet", elf])
        XCTAssertEqual(r.status, 123, r.stderr)
    }

    func testMachineWithHTIFIsReleasedWithItsMemory() throws {
        // The HTIF held the bus and the bus's store observer held the HTIF: every spike machine
        // running an ELF with `tohost` leaked its RAM (256 MiB by default).
        try requireFirmware(helloSpike)
        final class Released { weak var machine: Machine?; weak var htif: HTIF? }
        let released = Released()
        try { () throws in
            let machine = try Machine(options: MachineOptions(platform: .spike))
            try machine.load(path: helloSpike)
            released.machine = machine
            released.htif = machine.htif
        }()
        XCTAssertNil(released.machine)
        XCTAssertNil(released.htif)
    }

    func testBinaryTraceFromMemoryDecodesLikeTheFile() throws {
        let elf = Paths.firmware("pulp-cluster", "hello")
        try requireFirmware(elf)
        let directory = NSTemporaryDirectory() + "pulpsim-robustness-\(getpid())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let binary = directory + "/t.bin"
        let r = try runCLI(["run", "--quiet", "--trace-file", binary, "--trace-format", "binary", "--trace-stop", "i:200", elf])
        XCTAssertEqual(r.status, 0, r.stderr)
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: binary)))
        func decode(_ reader: BinaryTraceReader, to path: String) throws -> String {
            var options = TraceOptions()
            options.format = .pulpsim
            options.path = path
            let tracer = try Tracer(options: options, harts: reader.harts, symbols: SymbolTable(try ElfImage(path: elf).symbols),
                                    preordered: !reader.merged)
            try reader.decode(into: tracer)
            tracer.close()
            return try String(contentsOfFile: path, encoding: .utf8)
        }
        let fromFile = try decode(try BinaryTraceReader(path: binary), to: directory + "/file.txt")
        let memory = try BinaryTraceReader(bytes: bytes, name: "t.bin")
        XCTAssertEqual(memory.harts, 8)
        XCTAssertTrue(memory.merged)
        XCTAssertEqual(memory.elfPath, elf)
        XCTAssertEqual(try decode(memory, to: directory + "/memory.txt"), fromFile)
        XCTAssertGreaterThan(fromFile.split(separator: "\n").count, 500)
        // Cut anywhere: a header error or a record cut short, with the offset of the record.
        XCTAssertThrowsError(try BinaryTraceReader(bytes: Array(bytes.prefix(10))))
        XCTAssertThrowsError(try BinaryTraceReader(bytes: Array(bytes.prefix(20))))
        XCTAssertThrowsError(try decode(try BinaryTraceReader(bytes: Array(bytes.prefix(bytes.count - 3))), to: directory + "/cut.txt")) {
            XCTAssertTrue("\($0)".contains("is corrupt at byte"), "\($0)")
        }
    }
}
