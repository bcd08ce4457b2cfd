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
        defer { space.deallocate(); blocks.deallocate() }
        var a = X86Assembler(space: space, blocks: blocks)
        emit(&a)
        return a.bytes
    }

    func testEncodingsMatchTheManual() {
        // mov eax, [rsi+4]: 8B /r, ModRM 01 000 110, disp8.
        XCTAssertEqual(bytes { $0.load32(.rax, X86Memory(base: .rsi, displacement: 4)) }, [0x8B, 0x46, 0x04])
        // add r10, 1: REX.W+B, 83 /0 ib, ModRM 11 000 010.
        XCTAssertEqual(bytes { $0.alu64(.add, .r10, 1) }, [0x49, 0x83, 0xC2, 0x01])
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
    #endif
}
