// Reverse execution under a real gdb-multiarch: reverse-stepi and reverse-continue land on the
// state a forward run had at that moment, compared as full state hashes (`monitor statehash`:
// every hart, memory byte, device and event in flight).

import Foundation
import XCTest

final class ReverseDebuggingTests: XCTestCase {
    /// Runs `commands` in gdb-multiarch against `pulpsim run --gdb 0 elf`, then kills the
    /// program; returns gdb's output.
    func gdbSession(_ elf: String, _ commands: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let session = try GDBSession.run(elf, commands + "\nkill", file: file, line: line)
        XCTAssertEqual(session.gdbStatus, 0, session.text, file: file, line: line)
        return session.text
    }

    /// The state hashes gdb printed, in order.
    func hashes(_ text: String) -> [String] {
        text.split(separator: "\n").map(String.init).filter { $0.count == 16 && $0.allSatisfy(\.isHexDigit) }
    }

    func testReverseStepiAndReverseContinueLandOnTheForwardStates() throws {
        let elf = Paths.firmware("pulp-cluster", "gdb-gemm")
        try requireFirmware(elf)
        // Hart 0 stops in its first init loop; stepping it alone (the others held), then back.
        let text = try gdbSession(elf, """
        break *0x1c00013a
        continue
        monitor statehash
        set scheduler-locking on
        stepi
        monitor statehash
        stepi
        monitor statehash
        stepi
        monitor statehash
        reverse-stepi
        monitor statehash
        reverse-stepi
        monitor statehash
        reverse-stepi
        monitor statehash
        set scheduler-locking off
        continue
        monitor statehash
        continue
        monitor statehash
        continue
        monitor statehash
        reverse-continue
        monitor statehash
        reverse-continue
        monitor statehash
        delete
        reverse-continue
        info registers pc
        monitor history
        """)
        let h = hashes(text)
        XCTAssertEqual(h.count, 12, text)
        guard h.count == 12 else { return }
        // Forward: stop, three steps; back: the states before each step.
        XCTAssertEqual(Set(h[0...3]).count, 4, text)
        XCTAssertEqual(h[4], h[2], "reverse-stepi from step 3")
        XCTAssertEqual(h[5], h[1], "reverse-stepi from step 2")
        XCTAssertEqual(h[6], h[0], "reverse-stepi from step 1")
        // Forward: three more hits of the breakpoint; back: the hits before.
        XCTAssertEqual(h[10], h[8], "reverse-continue from hit 3")
        XCTAssertEqual(h[11], h[7], "reverse-continue from hit 2")
        XCTAssertTrue(text.contains("No more reverse-execution history"), text)
        XCTAssertTrue(text.contains("_start"), text)
    }

    /// A long continue with checkpoints inside it (every 300 cycles) and a RedMulE job; back to
    /// an instruction it ran through without stopping. A forward session that stops there (the
    /// same commands before) gives the state to compare with.
    func testReverseContinueToAPointTheRunWentThrough() throws {
        let elf = Paths.firmware("pulp-cluster", "gdb-gemm")
        try requireFirmware(elf)
        let through = 0x1c00_016e  // after the operands' init loops, before RedMulE is programmed
        let backward = try gdbSession(elf, """
        monitor checkpoint-interval 300
        break *0x1c0001ba
        continue
        continue
        monitor statehash
        delete
        break *\(through)
        reverse-continue
        monitor statehash
        info registers pc
        monitor history
        """)
        let forward = try gdbSession(elf, """
        break *\(through)
        continue
        monitor statehash
        """)
        let b = hashes(backward), f = hashes(forward)
        XCTAssertEqual(b.count, 2, backward)
        XCTAssertEqual(f.count, 1, forward)
        XCTAssertEqual(b.last, f.first, "reverse-continue landed elsewhere than the forward stop\n\(backward)\n\(forward)")
        XCTAssertTrue(backward.contains("0x1c00016e"), backward)
        // The checkpoints were used: more than the one at the start.
        let history = backward.split(separator: "\n").first { $0.hasPrefix("reverse execution:") } ?? ""
        XCTAssertFalse(history.contains(" 1 checkpoints"), String(history))
    }
}
