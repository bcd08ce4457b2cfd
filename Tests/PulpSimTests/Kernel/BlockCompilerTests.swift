// The block compiler (Kernel/BlockCompiler.swift): its x86-64 encodings against the bytes the
// Intel SDM gives for them (worked out by hand: prefix, REX, opcode, ModRM, SIB, displacement,
// immediate), and compiled code in use on real programs with the same results as without it
// (DeterminismTests runs every program both ways).

import XCTest
@testable import PulpSim

final class BlockCompilerTests: XCTestCase {
    #if arch(x86_64) && os(Linux)
    private func bytes(_ emit: (inout X86Assembler) -> Void) -> [UInt8] {
        let space = UnsafeMutableRawPointer.allocate(byteCount: 16, alignment: 16)
        let blocks = UnsafeMutablePointer<Block>.allocate(capacity: 1)
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: 64)
        defer { space.deallocate(); blocks.deallocate(); buffer.deallocate() }
        var a = X86Assembler(space: space, blocks: blocks, buffer: buffer, capacity: 64)
        emit(&a)
        return a.bytes
    }

    /// Compiled code knows a compiled block by its first entry's `specIndex` alone: the markers
    /// must stay above every encoding's index.
    func testMarkersAreNotEncodings() {
        XCTAssertLessThan(InstructionSet.encodings.count, Int(Interpreter.compiledMarker))
        for marker in [Interpreter.compiledMarker, Interpreter.blockMissMarker, Interpreter.blockEndMarker,
                       Interpreter.traceTriggerMarker, Interpreter.breakpointMarker] {
            XCTAssertGreaterThanOrEqual(Int(marker), InstructionSet.encodings.count)
        }
    }

    func testEncodingsMatchTheManual() {
        // mov eax, [rsi+4]: 8B /r, ModRM 01 000 110, disp8.
        XCTAssertEqual(bytes { $0.load32(.rax, X86Memory(base: .rsi, displacement: 4)) }, [0x8B, 0x46, 0x04])
        // add r10, 1: REX.W+B, 83 /0 ib, ModRM 11 000 010.
        XCTAssertEqual(bytes { $0.alu64(.add, .r10, 1) }, [0x49, 0x83, 0xC2, 0x01])
        // lea r9, [r13+r10+0]: REX.WRXB, 8D /r, ModRM 01 001 100 (r13 as a base needs a disp8),
        // SIB 00 010 101, disp8 0.
        XCTAssertEqual(bytes { $0.lea64(.r9, X86Memory(base: .r13, index: .r10, displacement: 0)) }, [0x4F, 0x8D, 0x4C, 0x15, 0x00])
        XCTAssertEqual(bytes { $0.lea64(.r9, X86Memory(base: .r13, index: .r10, displacement: 7)) }, [0x4F, 0x8D, 0x4C, 0x15, 0x07])
        // mov [r12+r11*8], r9: REX.WRXB, 89 /r, ModRM 00 001 100, SIB 11 011 100.
        XCTAssertEqual(bytes { $0.store64(X86Memory(base: .r12, index: .r11, scale: 8), .r9) }, [0x4F, 0x89, 0x0C, 0xDC])
        // cmp word [r8+rax+14], 0: 66, REX.B, 83 /7 ib, ModRM 01 111 100, SIB 00 000 000, disp8.
        XCTAssertEqual(bytes { $0.compare16(X86Memory(base: .r8, index: .rax, displacement: 14), 0) },
                       [0x66, 0x41, 0x83, 0x7C, 0x00, 0x0E, 0x00])
        // movzx r11d, byte [rbx+r9]: REX.RX, 0F B6 /r, ModRM 00 011 100, SIB 00 001 011.
        XCTAssertEqual(bytes { $0.loadByte(.r11, X86Memory(base: .rbx, index: .r9), signed: false) }, [0x46, 0x0F, 0xB6, 0x1C, 0x0B])
        // lea rax, [rbp+rax-4]: REX.W, 8D /r, ModRM 01 000 100, SIB 00 000 101, disp8 (rbp needs one).
        XCTAssertEqual(bytes { $0.lea64(.rax, X86Memory(base: .rbp, index: .rax, displacement: -4)) }, [0x48, 0x8D, 0x44, 0x05, 0xFC])
        // mov dword [rsi+128], 0x12345678: C7 /0, ModRM 10 000 110, disp32, imm32.
        XCTAssertEqual(bytes { $0.storeImmediate32(X86Memory(base: .rsi, displacement: 128), 0x1234_5678) },
                       [0xC7, 0x86, 0x80, 0x00, 0x00, 0x00, 0x78, 0x56, 0x34, 0x12])
        // setb al; setb r9b (REX.B); shl rax, 4; movsxd rcx, [rsi+8].
        XCTAssertEqual(bytes { $0.set(.below, .rax) }, [0x0F, 0x92, 0xC0])
        XCTAssertEqual(bytes { $0.set(.below, .r9) }, [0x41, 0x0F, 0x92, 0xC1])
        XCTAssertEqual(bytes { $0.shift64(.left, .rax, 4) }, [0x48, 0xC1, 0xE0, 0x04])
        XCTAssertEqual(bytes { $0.signExtend32to64(.rcx, X86Memory(base: .rsi, displacement: 8)) }, [0x48, 0x63, 0x4E, 0x08])
        // mov [rax+rdx], r11b (REX.R) and mov [rax+rdx], r11w (66 first, then REX).
        XCTAssertEqual(bytes { $0.storeByte(X86Memory(base: .rax, index: .rdx), .r11) }, [0x44, 0x88, 0x1C, 0x10])
        XCTAssertEqual(bytes { $0.storeHalf(X86Memory(base: .rax, index: .rdx), .r11) }, [0x66, 0x44, 0x89, 0x1C, 0x10])
        // and ecx, 0xFFFFF (81 /4 id) and and ecx, -2 (83 /4 ib).
        XCTAssertEqual(bytes { $0.alu32(.and, .rcx, 0xFFFFF) }, [0x81, 0xE1, 0xFF, 0xFF, 0x0F, 0x00])
        XCTAssertEqual(bytes { $0.alu32(.and, .rcx, ~UInt32(1)) }, [0x83, 0xE1, 0xFE])
        // Traced code: cmp rax, [rdx+0x1238] (REX.W, 3B /r, ModRM 10 000 010, disp32); sub rax,
        // [r11+8] (REX.WB, 2B /r, ModRM 01 000 011, disp8); add qword [rdi+0x90], 4 (REX.W, 81 /0,
        // ModRM 10 000 111, disp32, imm32); mov byte [r9+7], 0x55 (REX.B, C6 /0, ModRM 01 000 001).
        XCTAssertEqual(bytes { $0.alu64(.cmp, .rax, X86Memory(base: .rdx, displacement: 0x1238)) },
                       [0x48, 0x3B, 0x82, 0x38, 0x12, 0x00, 0x00])
        XCTAssertEqual(bytes { $0.alu64(.sub, .rax, X86Memory(base: .r11, displacement: 8)) }, [0x49, 0x2B, 0x43, 0x08])
        XCTAssertEqual(bytes { $0.alu64(.add, X86Memory(base: .rdi, displacement: 0x90), 4) },
                       [0x48, 0x81, 0x87, 0x90, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00])
        XCTAssertEqual(bytes { $0.storeImmediate8(X86Memory(base: .r9, displacement: 7), 0x55) }, [0x41, 0xC6, 0x41, 0x07, 0x55])
    }

    /// Real programs run mostly in compiled code: blocks are compiled, and the results are those
    /// of the block loop without it.
    func testProgramsRunInCompiledCode() throws {
        for (platform, name) in [(PlatformKind.spike, "bench-intbench"), (.spike, "bench-fpbench"), (.pulpCluster, "bench-cluster")] {
            let path = Paths.firmware(platform.rawValue, name)
            let (compiled, machine) = try runELF(path, platform: platform, maxInstructions: 3_000_000)
            let blocks = try XCTUnwrap(machine.interpreter.compiler, "no block compiler on an x86-64 Linux host").compiledBlocks
            XCTAssertGreaterThan(blocks, 20, "\(name): \(blocks) blocks compiled")
            let (plain, _) = try runELF(path, platform: platform, maxInstructions: 3_000_000) { $0.compileBlocks = false }
            XCTAssertEqual(compiled.totalInstructions, plain.totalInstructions, name)
            XCTAssertEqual(compiled.cycles, plain.cycles, name)
            XCTAssertEqual(compiled.harts.map(\.cycles), plain.harts.map(\.cycles), name)
            XCTAssertEqual(compiled.harts.map(\.instructions), plain.harts.map(\.instructions), name)
        }
    }

    /// An unfiltered binary trace is written by compiled code (`BlockCompiler.compileTraced`) for
    /// nearly every instruction of these programs, byte for byte as the loop writes it without
    /// compiled blocks (DeterminismTests compares the two for every program).
    func testBinaryTracesWrittenByCompiledCode() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pulpsim-traced-code-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for (platform, name, share) in [(PlatformKind.spike, "bench-intbench", 0.99), (.spike, "bench-listbench", 0.95),
                                        (.pulpCluster, "bench-cluster", 0.9)] {
            let path = Paths.firmware(platform.rawValue, name)
            try requireFirmware(path)
            var traces: [Data] = []
            var results: [RunResult] = []
            for compiled in [true, false] {
                var options = MachineOptions(platform: platform)
                options.echoOutput = false
                options.captureOutput = true
                options.maxInstructions = 1_000_000
                options.compileBlocks = compiled
                let machine = try Machine(options: options)
                try machine.load(path: path)
                var traceOptions = TraceOptions()
                traceOptions.format = .binary
                traceOptions.path = dir.appendingPathComponent("\(name)-\(compiled).bin").path
                let tracer = try Tracer(options: traceOptions, harts: machine.harts.count, symbols: machine.symbols)
                machine.setTracer(tracer)
                results.append(machine.run())
                tracer.close()
                traces.append(try Data(contentsOf: URL(fileURLWithPath: traceOptions.path!)))
                if compiled {
                    let compiler = try XCTUnwrap(machine.interpreter.compiler)
                    XCTAssertGreaterThan(compiler.tracedBlocks, 10, name)
                    let all = machine.harts.reduce(UInt64(0)) { $0 + $1.instret }
                    XCTAssertGreaterThan(Double(machine.interpreter.tracedByCompiledCode), share * Double(all),
                                         "\(name): \(machine.interpreter.tracedByCompiledCode) of \(all) instructions")
                }
            }
            XCTAssertGreaterThan(traces[0].count, 1_000_000, name)
            XCTAssertTrue(traces[0] == traces[1], "\(name): the traces differ at byte \(zip(traces[0], traces[1]).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? -1)")
            XCTAssertEqual(results[0].harts.map(\.cycles), results[1].harts.map(\.cycles), name)
        }
    }

    /// A code space that fills up again and again (64 KiB: a few dozen blocks) empties the
    /// block table each time and compiles anew, with the same results.
    /// While RedMulE's Z padding rows are watched (`Interpreter.readWatch`), the harts still run
    /// compiled code, which leaves before an access in the watch: the same run as without
    /// compiled code — instructions, cycles, output and the padding warnings.
    func testReadWatchInCompiledCode() throws {
        for name in ["redmule-diag-z-padding", "redmule-padding", "redmule-gemm-vs-sw"] {
            let path = Paths.firmware(PlatformKind.pulpCluster.rawValue, name)
            try requireFirmware(path)
            var results: [RunResult] = []
            for compiled in [true, false] {
                let (result, machine) = try runELF(path, platform: .pulpCluster, maxInstructions: 20_000_000) { $0.compileBlocks = compiled }
                results.append(result)
                if compiled {
                    XCTAssertGreaterThan(machine.interpreter.watchedTurnsInCompiledCode, name == "redmule-gemm-vs-sw" ? 100 : 0, name)
                } else {
                    XCTAssertEqual(machine.interpreter.watchedTurnsInCompiledCode, 0, name)
                }
            }
            XCTAssertEqual(results[0].harts.map(\.instructions), results[1].harts.map(\.instructions), name)
            XCTAssertEqual(results[0].harts.map(\.cycles), results[1].harts.map(\.cycles), name)
            XCTAssertEqual(results[0].output, results[1].output, name)
            XCTAssertEqual(results[0].redmule?.diagnostics, results[1].redmule?.diagnostics, name)
            XCTAssertEqual(results[0].redmule?.warnings, results[1].redmule?.warnings, name)
            if name == "redmule-diag-z-padding" {
                // (Loads of padding bytes by a core: the watch's own reports.)
                XCTAssertEqual(results[0].redmule?.diagnostics.filter { $0.contains(": loads byte ") }.count, 2, name)
            }
        }
    }

    /// Counting code (`BlockCompiler.compileCounting`) against the counting loop: every event
    /// total of every hart the same with compiled code and without (`--no-jit`), on programs
    /// with every kind of instruction it counts — compressed code with jumps to 32-bit
    /// instructions that are not word-aligned, misaligned accesses, accesses to L2, divisions,
    /// FP arithmetic, jalr waiting for a load, RedMulE's padding watch, the DMA, the hardware
    /// counters read by the firmware (whose own checks are hand-worked) — and most instructions
    /// counted by compiled code.
    func testCountingCodeCountsAsTheCountingLoop() throws {
        let programs: [(PlatformKind, String, Int?)] = [
            (.spike, "bench-intbench", nil), (.spike, "bench-fpbench", nil), (.spike, "bench-listbench-short", nil),
            (.spike, "isa-rv32c", nil), (.spike, "isa-rv32i-mem", nil), (.spike, "isa-rv32m", nil),
            (.spike, "misaligned-cycles", nil), (.spike, "core-cycles", nil), (.spike, "perf-counters", nil),
            (.pulpCluster, "bench-cluster", nil), (.pulpCluster, "l2-latency", nil), (.pulpCluster, "redmule-gemm-vs-sw", nil),
            (.pulpCluster, "perf-counters", 0), (.pulp, "pmsis-gemm-dma", nil), (.pulp, "pmsis-perf", nil),
        ]
        for (platform, name, l2) in programs {
            let path = Paths.firmware(platform.rawValue, name)
            var runs: [(RunResult, [[UInt64]])] = []
            for compiled in [true, false] {
                let (result, machine) = try runELF(path, platform: platform, maxInstructions: 3_000_000) {
                    $0.countStalls = true
                    $0.compileBlocks = compiled
                    if let l2 { $0.l2Latency = l2 }
                }
                let totals = machine.harts.map { Array(UnsafeBufferPointer(start: $0.eventTotals, count: EventTotals.count)) }
                runs.append((result, totals))
                let counted = machine.interpreter.countedByCompiledCode
                if compiled {
                    let instructions = result.harts.reduce(0) { $0 + $1.instructions }
                    XCTAssertGreaterThan(counted, instructions > 100_000 ? instructions / 2 : 0,
                                         "\(name): \(counted) of \(instructions) counted by compiled code")
                } else {
                    XCTAssertEqual(counted, 0, name)
                }
            }
            XCTAssertEqual(runs[0].1, runs[1].1, name)
            XCTAssertEqual(runs[0].0.harts.map(\.cycles), runs[1].0.harts.map(\.cycles), name)
            XCTAssertEqual(runs[0].0.harts.map(\.instructions), runs[1].0.harts.map(\.instructions), name)
            XCTAssertEqual(runs[0].0.output, runs[1].0.output, name)
            XCTAssertEqual("\(runs[0].0.reason)", "\(runs[1].0.reason)", name)
            if name == "perf-counters" { XCTAssertTrue(runs[0].0.output.contains("all checks passed"), "\(name): \(runs[0].0.output)") }
        }
    }

    func testAFullCodeSpaceStartsAgain() throws {
        let saved = Interpreter.compiledCodeCapacity
        Interpreter.compiledCodeCapacity = 64 << 10
        defer { Interpreter.compiledCodeCapacity = saved }
        for (platform, name) in [(PlatformKind.spike, "bench-intbench"), (.pulpCluster, "bench-cluster")] {
            let path = Paths.firmware(platform.rawValue, name)
            let (small, machine) = try runELF(path, platform: platform, maxInstructions: 2_000_000)
            let compiler = try XCTUnwrap(machine.interpreter.compiler)
            XCTAssertGreaterThan(compiler.resets, 3, "\(name): the code space was emptied \(compiler.resets) times")
            Interpreter.compiledCodeCapacity = saved
            let (plain, _) = try runELF(path, platform: platform, maxInstructions: 2_000_000) { $0.compileBlocks = false }
            Interpreter.compiledCodeCapacity = 64 << 10
            XCTAssertEqual(small.harts.map(\.cycles), plain.harts.map(\.cycles), name)
            XCTAssertEqual(small.harts.map(\.instructions), plain.harts.map(\.instructions), name)
        }
    }
    #endif
}

/// Compiled F arithmetic (fadd, fsub, fmul and the fused multiply-adds, the host fast path inline,
/// everything else through the semantics) against the Berkeley SoftFloat vectors, run as
/// instructions by firmware/tests/fp-arith.c: result and fflags, with the dynamic rounding mode
/// for every case and the static `rne` for the round-to-nearest-even ones.
final class CompiledFloatTests: XCTestCase {
    struct Case { let rm: UInt32; let operands: [UInt32]; let result: UInt32; let flags: UInt32; let line: Int }

    func vectors(_ name: String) throws -> [Case] {
        let url = Paths.root.appendingPathComponent("Tests/Vectors/fp32/\(name).txt")
        var cases: [Case] = []
        for (number, line) in try String(contentsOf: url, encoding: .utf8).split(separator: "\n").enumerated() where !line.hasPrefix("#") {
            let fields = line.split(separator: " ").map { UInt32($0, radix: 16)! }
            cases.append(Case(rm: fields[0], operands: Array(fields[1..<(fields.count - 2)]), result: fields[fields.count - 2],
                              flags: fields[fields.count - 1], line: number + 1))
        }
        return cases
    }

    /// A machine with fp-arith loaded and given `cases` of `operation`; where the cases are.
    func machine(_ path: String, _ cases: [Case], operation: UInt32, compiled: Bool) throws -> (Machine, UInt32) {
        var options = MachineOptions(platform: .spike)
        options.echoOutput = false
        options.captureOutput = true
        options.compileBlocks = compiled
        let machine = try Machine(options: options)
        try machine.load(path: path)
        let table = try XCTUnwrap(machine.address(of: "cases")), count = try XCTUnwrap(machine.address(of: "count"))
        let op = try XCTUnwrap(machine.address(of: "operation"))
        func words(_ values: [UInt32]) -> [UInt8] { values.flatMap { v in (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } } }
        var bytes: [UInt8] = []
        for c in cases { bytes += words([c.rm, c.operands[0], c.operands[1], c.operands.count > 2 ? c.operands[2] : 0, 0, 0, 0, 0]) }
        XCTAssertTrue(machine.writeMemory(table, bytes))
        XCTAssertTrue(machine.writeMemory(count, words([UInt32(cases.count)])))
        XCTAssertTrue(machine.writeMemory(op, words([operation])))
        return (machine, table)
    }

    func check(_ name: String, operation: UInt32, compiled: Bool = true) throws {
        let path = Paths.firmware("spike", "fp-arith")
        let all = try vectors(name)
        XCTAssertGreaterThan(all.count, 10_000, name)
        // Every nearest-even case up to 4096 (the fast path's), spread over the file, and 2048 others.
        let nearest = all.filter { $0.rm == 0 }, others = all.filter { $0.rm != 0 }
        let chosen = stride(from: 0, to: nearest.count, by: max(1, nearest.count / 4096)).map { nearest[$0] }
            + stride(from: 0, to: others.count, by: max(1, others.count / 2048)).map { others[$0] }
        var failures = 0
        for batch in stride(from: 0, to: chosen.count, by: 2048) {
            let cases = Array(chosen[batch..<min(batch + 2048, chosen.count)])
            let (machine, table) = try machine(path, cases, operation: operation, compiled: compiled)
            let result = machine.run()
            XCTAssertEqual(result.exitStatus, 0, "\(name): \(result.reason)")
            let out = try XCTUnwrap(machine.readMemory(table, count: cases.count * 32))
            func word(_ i: Int, _ field: Int) -> UInt32 {
                (0..<4).reduce(UInt32(0)) { $0 | UInt32(out[i * 32 + field * 4 + $1]) << (8 * UInt32($1)) }
            }
            for (i, c) in cases.enumerated() {
                var got = [(word(i, 4), word(i, 5) & 0x1F, "frm")]
                if c.rm == 0 { got.append((word(i, 6), word(i, 7) & 0x1F, "rne")) }
                for (value, flags, how) in got where value != c.result || flags != c.flags {
                    failures += 1
                    if failures <= 5 {
                        XCTFail(String(format: "%@ line %d rm %d (%@) [%@]: got %08x flags %02x, expected %08x flags %02x", name, c.line,
                                       c.rm, how, c.operands.map { String(format: "%08x", $0) }.joined(separator: " "), value, flags,
                                       c.result, c.flags))
                    }
                }
            }
        }
        XCTAssertEqual(failures, 0, "\(name): \(failures) mismatches")
    }

    /// The binary trace of F arithmetic written by compiled code (records with and without the
    /// fflags effect, the inline fast path and the operations through their semantics) is the
    /// loop's, byte for byte.
    func testTracedFloatArithmetic() throws {
        #if arch(x86_64) && os(Linux)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pulpsim-traced-fp-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = Paths.firmware("spike", "fp-arith")
        try requireFirmware(path)
        for (name, operation) in [("fadd.s", UInt32(0)), ("fmul.s", 2), ("fmadd.s", 3), ("fnmsub.s", 5)] {
            let all = try vectors(name)
            let cases = stride(from: 0, to: all.count, by: max(1, all.count / 1500)).map { all[$0] }
            var traces: [Data] = []
            for compiled in [true, false] {
                let (machine, _) = try machine(path, cases, operation: operation, compiled: compiled)
                var traceOptions = TraceOptions()
                traceOptions.format = .binary
                traceOptions.path = dir.appendingPathComponent("\(name)-\(compiled).bin").path
                let tracer = try Tracer(options: traceOptions, harts: 1, symbols: machine.symbols)
                machine.setTracer(tracer)
                XCTAssertEqual(machine.run().exitStatus, 0, name)
                tracer.close()
                traces.append(try Data(contentsOf: URL(fileURLWithPath: traceOptions.path!)))
                if compiled { XCTAssertGreaterThan(machine.interpreter.tracedByCompiledCode, 10_000, name) }
            }
            XCTAssertTrue(traces[0] == traces[1],
                          "\(name): the traces differ at byte \(zip(traces[0], traces[1]).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? -1)")
        }
        #endif
    }

    func testAdd() throws { try check("fadd.s", operation: 0) }
    func testSubtract() throws { try check("fsub.s", operation: 1) }
    func testMultiply() throws { try check("fmul.s", operation: 2) }
    func testFusedMultiplyAdd() throws { try check("fmadd.s", operation: 3) }
    func testFusedMultiplySubtract() throws { try check("fmsub.s", operation: 4) }
    func testNegatedFusedMultiplySubtract() throws { try check("fnmsub.s", operation: 5) }
    func testNegatedFusedMultiplyAdd() throws { try check("fnmadd.s", operation: 6) }
}
