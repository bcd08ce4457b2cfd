// Every numeric option of `pulpsim run` at 0, negative, huge, NaN, infinite and not a number:
// the real binary ends with the usage status (64) and a message naming the option (and, for
// values out of range, the valid range) — never with a signal.

import Foundation
import PulpSim
import XCTest

final class OptionValidationTests: XCTestCase {
    /// Runs `pulpsim run ARGS ELF` and checks exit 64, the option named, and `range` (if any).
    func assertUsageError(_ arguments: [String], names option: String, range: String? = nil,
                          file: StaticString = #filePath, line: UInt = #line) throws {
        let elf = Paths.firmware("spike", "hello")
        try requireFirmware(elf)
        let r = try runCLI(["run"] + arguments + [elf])
        let what = "pulpsim run \(arguments.joined(separator: " ")): status \(r.status)\n\(r.stderr)"
        XCTAssertEqual(r.status, 64, what, file: file, line: line)
        XCTAssertTrue(r.stderr.contains(option), what, file: file, line: line)
        if let range { XCTAssertTrue(r.stderr.contains(range), what, file: file, line: line) }
        XCTAssertFalse(r.stderr.contains("Fatal error") || r.stderr.contains("runtime failure"), what, file: file, line: line)
    }

    func testHugeRAMSizeIsAUsageErrorNotAnOverflow() throws {
        // Once: "Swift runtime failure: arithmetic overflow" (SIGILL).
        try assertUsageError(["--ram-mib", "9000000000000", "--platform", "spike"], names: "--ram-mib", range: "between 1 and 2048")
        try assertUsageError(["--ram-mib", "0"], names: "--ram-mib", range: "between 1 and 2048")
        try assertUsageError(["--ram-mib", "2049"], names: "--ram-mib")
        try assertUsageError(["--ram-mib", "99999999999999999999"], names: "--ram-mib")
        try assertUsageError(["--ram-mib", "lots"], names: "--ram-mib")
    }

    func testMemorySizesOutOfRangeAreUsageErrors() throws {
        try assertUsageError(["--tcdm-kib", "9223372036854775807"], names: "--tcdm-kib", range: "between 4 and 1024")
        try assertUsageError(["--tcdm-kib", "3"], names: "--tcdm-kib", range: "between 4 and 1024")
        try assertUsageError(["--tcdm-kib", "1025"], names: "--tcdm-kib")
        try assertUsageError(["--l2-kib=-1"], names: "--l2-kib", range: "between 4 and 65536")
        try assertUsageError(["--l2-kib", "65537"], names: "--l2-kib")
        try assertUsageError(["--l2-kib", "0"], names: "--l2-kib")
    }

    func testTimeoutNaNInfiniteNegativeOrZeroIsAUsageError() throws {
        // `--timeout nan` once never fired: the run went on for ever.
        for value in ["nan", "inf", "-inf", "0", "-1", "1e400"] {
            try assertUsageError(["--timeout=" + value], names: "--timeout", range: "greater than 0")
        }
        try assertUsageError(["--timeout", "nan"], names: "--timeout", range: "greater than 0")
        try assertUsageError(["--timeout", "soon"], names: "--timeout")
    }

    func testHartsQuantumAndHistoryOutOfRangeAreUsageErrors() throws {
        try assertUsageError(["--harts", "0"], names: "--harts", range: "between 1 and 8")
        try assertUsageError(["--harts", "9"], names: "--harts", range: "between 1 and 8")
        try assertUsageError(["--harts=-1"], names: "--harts")
        try assertUsageError(["--harts", "2", "--platform", "redmule-tb"], names: "--harts", range: "between 1 and 1")
        try assertUsageError(["--quantum", "0"], names: "--quantum", range: "between 1 and 1000000000")
        try assertUsageError(["--quantum", "1000000001"], names: "--quantum")
        try assertUsageError(["--quantum=-3"], names: "--quantum")
        try assertUsageError(["--history=-1"], names: "--history", range: "between 0 and 10000")
        try assertUsageError(["--history", "10001"], names: "--history")
    }

    func testInstructionAndCycleLimitsOutOfRangeAreUsageErrors() throws {
        for option in ["--max-instructions", "--max-cycles"] {
            for value in ["nan", "inf", "0", "1e20", "18446744073709551616", "1.5", "ten"] {
                try assertUsageError([option, value], names: option, range: "from 1 to 18446744073709551615")
            }
            try assertUsageError([option + "=-5"], names: option)
        }
    }

    func testGDBPortOutOfRangeIsAUsageError() throws {
        try assertUsageError(["--gdb", "70000"], names: "--gdb", range: "from 0 to 65535")
        try assertUsageError(["--gdb", "localhost:"], names: "--gdb")
        try assertUsageError(["--gdb", "0.0.0.0:1234"], names: "--gdb")
        try assertUsageError(["--gdb=-5"], names: "--gdb")
    }

    func testTraceHartsOutsideTheRunAreUsageErrors() throws {
        // `--trace-harts 64` once traced hart 0 (64 & 63).
        try assertUsageError(["--trace", "--trace-harts", "64"], names: "--trace-harts", range: "from 0 to 7")
        try assertUsageError(["--trace", "--trace-harts", "8"], names: "--trace-harts", range: "from 0 to 7")
        try assertUsageError(["--trace", "--platform", "spike", "--trace-harts", "1"], names: "--trace-harts", range: "from 0 to 0")
        try assertUsageError(["--trace", "--harts", "2", "--trace-harts", "0,2"], names: "--trace-harts", range: "from 0 to 1")
        try assertUsageError(["--trace", "--trace-harts", "-1"], names: "--trace-harts")
        try assertUsageError(["--trace", "--trace-harts", "1,,2"], names: "--trace-harts")
    }

    func testTraceStartStopAndPCValuesOutOfRangeAreUsageErrors() throws {
        try assertUsageError(["--trace", "--trace-start", "i:-1"], names: "--trace-start", range: "i:N or c:N")
        try assertUsageError(["--trace", "--trace-start", "c:1e3"], names: "--trace-start")
        try assertUsageError(["--trace", "--trace-start", "i:18446744073709551616"], names: "--trace-start")
        try assertUsageError(["--trace", "--trace-stop", "0x123456789"], names: "--trace-stop", range: "0x0-0xffffffff")
        try assertUsageError(["--trace", "--trace-stop", "0xzz"], names: "--trace-stop")
        try assertUsageError(["--trace", "--trace-stop", ""], names: "--trace-stop")
        try assertUsageError(["--trace", "--trace-pc", "0x10:0x5"], names: "--trace-pc", range: "LO <= HI")
        try assertUsageError(["--trace", "--trace-pc", "0x1c000000:0x1c000000:0x1"], names: "--trace-pc")
        try assertUsageError(["--trace", "--trace-pc", "0x1c000000:0x100000000"], names: "--trace-pc")
    }

    func testValuesAtTheEdgesOfTheRangesRun() throws {
        let spike = Paths.firmware("spike", "hello"), cluster = Paths.firmware("pulp-cluster", "hello")
        try requireFirmware(spike)
        var r = try runCLI(["run", "--platform", "spike", "--ram-mib", "2048", "--quantum", "1000000000", "--history", "10000",
                            "--max-instructions", "1e3", "--quiet", spike])
        XCTAssertEqual(r.status, 123, r.stderr)
        r = try runCLI(["run", "--tcdm-kib", "1024", "--l2-kib", "65536", "--quantum", "1", "--history", "0", "--timeout", "1e9",
                        "--max-cycles", "18446744073709551615", "--trace-file", "/dev/null", "--trace-harts", "0,7",
                        "--trace-start", "i:0", "--trace-stop", "0xffffffff", "--trace-pc", "0x0:0xffffffff", cluster])
        XCTAssertEqual(r.status, 0, r.stderr)
    }

    func testTracerRefusesHartsOutsideTheRun() throws {
        // `& 63` once turned hart 64 into hart 0.
        var options = TraceOptions()
        options.path = "/dev/null"
        options.harts = [0, 64]
        XCTAssertThrowsError(try Tracer(options: options, harts: 8, symbols: SymbolTable([]))) {
            XCTAssertTrue("\($0)".contains("between 0 and 7"), "\($0)")
        }
        options.harts = [-1]
        XCTAssertThrowsError(try Tracer(options: options, harts: 8, symbols: SymbolTable([])))
        options.harts = [0, 7]
        XCTAssertNoThrow(try Tracer(options: options, harts: 8, symbols: SymbolTable([])).close())
    }
}
