// MCHAN v7 (docs/platform.md §11): the register protocol (ids, STATUS, word sequences per queue),
// 1D, 2D and fixed-address transfers in both directions, events and interrupt lines, ordering,
// and the timing figures, computed by hand from the model's constants.

import Foundation
@testable import PulpSim
import XCTest

final class DMAMCHANTests: XCTestCase {
    let l2: UInt32 = 0x1C08_0000
    let tcdm: UInt32 = 0x1000_4000

    func testIdsAreAllocatedLowestFirstAndFreedThroughStatus() throws {
        let b = try DMABench()
        XCTAssertEqual(b.read(0x0), 0)
        XCTAssertEqual(b.read(0x0, hart: 3), 1)
        XCTAssertEqual(b.read(0x0, hart: 5, shared: true), 2)
        XCTAssertEqual(b.read(0x4), 0x0007_0000, "allocated ids in [31:16], none busy")
        b.write(0x4, 1 << 1)
        XCTAssertEqual(b.read(0x4), 0x0005_0000)
        XCTAssertEqual(b.read(0x0), 1, "the lowest free id again")
        b.write(0x4, 0xFFFF_FFFF)
        XCTAssertEqual(b.read(0x4), 0)
        XCTAssertNil(b.read(0x8), "offsets other than CMD and STATUS are access faults")
        var context = AccessContext(hart: 0, cycle: 0)
        XCTAssertNil(b.dma.coreView.read(offset: 0, size: 2, context: &context), "16-bit accesses fault")
        context.hart = -1
        XCTAssertNil(b.dma.coreView.read(offset: 0, size: 4, context: &context), "the debugger allocates nothing")
        XCTAssertTrue(b.diagnostics.isEmpty, "\(b.diagnostics)")
    }

    /// 1024 bytes L2 → TCDM, aligned: 128 AXI beats and 256 TCDM words on 2 ports = 128 cycles of
    /// data, after 5 cycles of command latency and 16 of L2 latency: the event comes 149 cycles
    /// after the last word. Bursts of 256 bytes land every 32 cycles.
    func testA1DTransferIntoTheTCDMLandsInBurstsThenRaisesItsEvent() throws {
        let b = try DMABench()
        b.fill(l2, 1024)
        b.at(1000)
        let id = try XCTUnwrap(b.read(0x0))
        b.push([MCHANWord.command(1024, toTCDM: true), tcdm, l2])
        XCTAssertEqual(b.read(0x4)! & 0xFFFF, 1 << id, "busy at once")
        XCTAssertEqual(b.nextEvent, 1000 + 5 + 16 + 32, "first burst")
        b.at(1052)
        XCTAssertEqual(b.bytes(tcdm, 4), [0, 0, 0, 0])
        b.at(1053)
        XCTAssertEqual(b.bytes(tcdm, 256), b.bytes(l2, 256), "first burst landed")
        XCTAssertEqual(b.bytes(tcdm + 256, 4), [0, 0, 0, 0])
        b.at(1148)
        XCTAssertEqual(b.read(0x4)! & 0xFFFF, 1 << id)
        XCTAssertEqual(b.buffer(0) & 0x300, 0)
        b.at(1149)
        XCTAssertEqual(b.bytes(tcdm, 1024), b.bytes(l2, 1024))
        XCTAssertEqual(b.read(0x4)! & 0xFFFF, 0, "done")
        XCTAssertEqual(b.buffer(0) & 0x300, 0x100, "event 8 on the issuing core only")
        XCTAssertEqual(b.buffer(1) & 0x300, 0)
        XCTAssertEqual(b.dma.transfersCompleted, 1)
        XCTAssertEqual(b.dma.bytesToTCDM, 1024)
        XCTAssertEqual(b.dma.busyCycles(upTo: 2000), 149)
    }

    /// 13 bytes TCDM → L2 between odd addresses: the TCDM side touches 4 words (2 cycles on 2
    /// ports), the AXI side 3 beats (0x..105-0x..111 spans 3 64-bit words): 3 data cycles.
    func testAnOddTransferOutOfTheTCDMWithInterruptLineAndBroadcast() throws {
        let b = try DMABench()
        b.fill(tcdm + 1, 13, seed: 9)
        b.at(500)
        _ = b.read(0x0, hart: 2)
        b.push([MCHANWord.command(13, toTCDM: false, event: false, irq: true, broadcast: true), tcdm + 1, l2 + 0x105], hart: 2)
        b.at(500 + 5 + 16 + 3 - 1)
        XCTAssertEqual(b.buffer(2) & 0x300, 0)
        b.at(500 + 5 + 16 + 3)
        XCTAssertEqual(b.bytes(l2 + 0x105, 13), b.bytes(tcdm + 1, 13))
        XCTAssertEqual(b.bytes(l2 + 0x104, 1), [0])
        XCTAssertEqual(b.bytes(l2 + 0x112, 1), [0])
        for core in 0..<8 { XCTAssertEqual(b.buffer(core) & 0x300, 0x200, "line 9 on every core (core \(core))") }
    }

    func testTwoDimensionalSidesMoveTheSameStream() throws {
        let b = try DMABench()
        b.fill(l2, 4096, seed: 3)
        // 96 bytes: external lines of 12 bytes every 40, TCDM lines of 32 bytes every 48.
        b.push([MCHANWord.command(96, toTCDM: true, ext2D: true, tcdm2D: true), tcdm, l2, 12, 40, 32, 48])
        b.at(10_000)
        var stream: [UInt8] = []
        for line in 0..<8 { stream += b.bytes(l2 + UInt32(40 * line), 12) }
        var landed: [UInt8] = []
        for line in 0..<3 { landed += b.bytes(tcdm + UInt32(48 * line), 32) }
        XCTAssertEqual(landed, stream)
        XCTAssertEqual(b.bytes(tcdm + 32, 16), [UInt8](repeating: 0, count: 16), "the TCDM gaps stay untouched")
        // Back out: TCDM 2D only, to a contiguous L2 buffer.
        b.push([MCHANWord.command(96, toTCDM: false, tcdm2D: true), tcdm, l2 + 0x2000, 32, 48])
        b.at(20_000)
        XCTAssertEqual(b.bytes(l2 + 0x2000, 96), stream)
        XCTAssertTrue(b.diagnostics.contains { $0.contains("no transfer id was read") }, "pushed without an id: warned")
    }

    /// Bit 18 clear: the external side stays in the 64-bit word at its address (AXI FIXED bursts).
    func testAFixedExternalAddressRepeatsItsWord() throws {
        let b = try DMABench()
        b.machine.writeMemory(l2, [0x10, 0x32, 0x54, 0x76, 0x98, 0xBA, 0xDC, 0xFE])
        _ = b.read(0x0)
        b.push([MCHANWord.command(20, toTCDM: true, incremental: false), tcdm, l2])
        b.at(1000)
        XCTAssertEqual(b.bytes(tcdm, 20), [0x10, 0x32, 0x54, 0x76, 0x98, 0xBA, 0xDC, 0xFE,
                                          0x10, 0x32, 0x54, 0x76, 0x98, 0xBA, 0xDC, 0xFE, 0x10, 0x32, 0x54, 0x76])
        // The regression tests' way: 2D with a line of 2 bytes and stride 0 reads the same 2 bytes.
        _ = b.read(0x0)
        b.push([MCHANWord.command(8, toTCDM: true, ext2D: true), tcdm + 0x100, l2, 2, 0])
        b.at(2000)
        XCTAssertEqual(b.bytes(tcdm + 0x100, 8), [0x10, 0x32, 0x10, 0x32, 0x10, 0x32, 0x10, 0x32])
    }

    /// Each core's queue keeps its own words: two cores programming at once get two transfers.
    func testWordsOfTwoCoresInTheirOwnQueuesStaySeparate() throws {
        let b = try DMABench()
        b.fill(l2, 64, seed: 5)
        b.fill(l2 + 64, 64, seed: 77)
        XCTAssertEqual(b.read(0x0, hart: 0), 0)
        XCTAssertEqual(b.read(0x0, hart: 1), 1)
        b.write(0, MCHANWord.command(64, toTCDM: true), hart: 0)
        b.write(0, MCHANWord.command(64, toTCDM: true), hart: 1)
        b.write(0, tcdm, hart: 0)
        b.write(0, tcdm + 64, hart: 1)
        b.write(0, l2 + 64, hart: 1)
        b.write(0, l2, hart: 0)
        b.at(1000)
        XCTAssertEqual(b.bytes(tcdm, 64), b.bytes(l2, 64))
        XCTAssertEqual(b.bytes(tcdm + 64, 64), b.bytes(l2 + 64, 64))
        XCTAssertEqual(b.buffer(0) & 0x100, 0x100)
        XCTAssertEqual(b.buffer(1) & 0x100, 0x100)
        XCTAssertTrue(b.diagnostics.isEmpty, "\(b.diagnostics)")
    }

    /// Transfers of one direction share its channel; a queue signals completions in order even
    /// when a later transfer (the other direction) finishes its data first.
    func testChannelsSerialiseAndQueuesCompleteInOrder() throws {
        let b = try DMABench()
        b.fill(l2, 2048)
        b.fill(tcdm + 0x1000, 64, seed: 50)
        b.at(100)
        let first = b.read(0x0)!
        b.push([MCHANWord.command(2048, toTCDM: true), tcdm, l2])               // data 105..361, done 377
        let second = b.read(0x0)!
        b.push([MCHANWord.command(64, toTCDM: false), tcdm + 0x1000, l2 + 0x4000]) // other channel: data 105..113
        let third = b.read(0x0)!
        b.push([MCHANWord.command(64, toTCDM: true), tcdm + 0x2000, l2 + 0x100])   // after the first: 361..369, done 385
        b.at(140)
        XCTAssertEqual(b.bytes(l2 + 0x4000, 64), b.bytes(tcdm + 0x1000, 64), "the out transfer's data has landed")
        XCTAssertEqual(b.read(0x4)! & 0xFFFF, 1 << first | 1 << second | 1 << third, "but it completes after the first")
        b.at(376)
        XCTAssertEqual(b.read(0x4)! & 0xFFFF, 1 << first | 1 << second | 1 << third)
        b.at(377)
        XCTAssertEqual(b.read(0x4)! & 0xFFFF, 1 << third, "first and second complete together, in order")
        b.at(384)
        XCTAssertEqual(b.read(0x4)! & 0xFFFF, 1 << third)
        b.at(385)
        XCTAssertEqual(b.read(0x4)! & 0xFFFF, 0)
        XCTAssertEqual(b.bytes(tcdm + 0x2000, 64), b.bytes(l2 + 0x100, 64))
    }

    /// Several transfers tagged with one id (the runtime's "keepCounter"): the id stays busy until
    /// the last completes.
    func testAnIdStaysBusyWhileAnyOfItsTransfersRuns() throws {
        let b = try DMABench()
        let id = b.read(0x0)!
        b.push([MCHANWord.command(8, toTCDM: true), tcdm, l2])
        b.push([MCHANWord.command(4096, toTCDM: true), tcdm + 0x100, l2])
        b.at(40)
        XCTAssertEqual(b.read(0x4)! & 0xFFFF, 1 << id)
        b.at(5000)
        XCTAssertEqual(b.read(0x4)! & 0xFFFF, 0)
        XCTAssertTrue(b.diagnostics.isEmpty, "\(b.diagnostics)")
    }

    func testTheSharedQueueAndItsAliasWork() throws {
        let b = try DMABench()
        b.fill(l2, 32)
        let id = b.read(0x0, hart: 4, shared: true)!
        b.push([MCHANWord.command(32, toTCDM: true), 0x0000_4000, l2], hart: 4, shared: true)  // TCDM through the cores' alias
        b.at(1000)
        XCTAssertEqual(b.bytes(tcdm, 32), b.bytes(l2, 32))
        XCTAssertEqual(b.read(0x4, hart: 0, shared: true)! & 0xFFFF, 0)
        XCTAssertEqual(b.read(0x4, hart: 0, shared: true)! >> 16, 1 << id)
        XCTAssertEqual(b.buffer(4) & 0x100, 0x100)
        // Both windows are mapped at both addresses.
        XCTAssertEqual(b.machine.bus.region(containing: 0x0020_1800)?.name, "DMA shared queue alias")
        XCTAssertEqual(b.machine.bus.region(containing: 0x0020_4404)?.name, "DMA alias")
    }

    func testTCDMToTCDMThroughTheGlobalAddressUsesTheClusterLatency() throws {
        let b = try DMABench()
        b.fill(tcdm, 64)
        b.at(10)
        _ = b.read(0x0)
        b.push([MCHANWord.command(64, toTCDM: true), tcdm + 0x800, tcdm])
        XCTAssertEqual(b.dma.engine.unfinished(queue: 0).first?.completion, 10 + 5 + 6 + 8)
        b.at(29)
        XCTAssertEqual(b.bytes(tcdm + 0x800, 64), b.bytes(tcdm, 64))
    }

    // MARK: Diagnostics

    func expectError(_ b: DMABench, _ fragment: String, file: StaticString = #filePath, line: UInt = #line) {
        guard case .dmaError(let message) = b.end else {
            return XCTFail("expected a DMA error, got \(String(describing: b.end))", file: file, line: line)
        }
        XCTAssertTrue(message.contains(fragment), message, file: file, line: line)
        XCTAssertTrue(message.contains("hart 0"), message, file: file, line: line)
    }

    func testMisprogrammingIsAnErrorNamingTheCoreAndTheTransfer() throws {
        let cases: [([UInt32], String)] = [
            ([MCHANWord.command(0, toTCDM: true), tcdm, l2], "length 0"),
            ([MCHANWord.command(64, toTCDM: true), 0x1C00_0000, l2], "TCDM side: bytes 0x1c000000-0x1c00003f lie outside the TCDM"),
            ([MCHANWord.command(64, toTCDM: true), 0x1003_FFF0, l2], "run past the end of the TCDM"),
            ([MCHANWord.command(64, toTCDM: true), tcdm, 0x1C0F_FFF0], "run past the end of the memory"),
            ([MCHANWord.command(64, toTCDM: true), tcdm, 0x0000_1000], "cores' alias of the TCDM"),
            ([MCHANWord.command(64, toTCDM: true), tcdm, 0x1A10_F000], "outside every memory"),
            ([MCHANWord.command(64, toTCDM: true, ext2D: true), tcdm, l2, 0, 8], "external 2D line length 0"),
            ([MCHANWord.command(64, toTCDM: true, ext2D: true), tcdm, l2, 8, 0xFFFF_F000], "runs past the 32-bit address space"),
        ]
        for (words, fragment) in cases {
            let b = try DMABench()
            _ = b.read(0x0)
            b.push(words)
            expectError(b, fragment)
            expectError(b, "DMA queue of core 0 transfer id 0")
            XCTAssertNil(b.nextEvent, "nothing was started")
        }
    }

    func testASeventeenthIdIsAnErrorOrUnderWarnAStallUntilAnIdIsFreed() throws {
        let b = try DMABench()
        for i in 0..<16 { XCTAssertEqual(b.read(0x0), UInt32(i)) }
        _ = b.read(0x0)
        expectError(b, "17th transfer id")

        let w = try DMABench(policy: .warn)
        for _ in 0..<16 { _ = w.read(0x0, hart: 1) }
        XCTAssertTrue(w.readSleeps(0x0))
        XCTAssertEqual(w.dma.describeWait(core: 0, eventMask: nil),
                       "DMA CMD read: all 16 transfer ids are allocated; waiting for a STATUS write to free one")
        w.write(0x4, 1 << 9, hart: 1)
        XCTAssertEqual(w.read(0x0), 9)
        XCTAssertNil(w.end)
        XCTAssertEqual(w.diagnostics.filter { $0.hasPrefix("error") }.count, 1)
    }

    func testAnInterruptedSequenceAndInterleavedSharedWordsAreErrors() throws {
        let b = try DMABench()
        _ = b.read(0x0)
        b.push([MCHANWord.command(64, toTCDM: true), tcdm])
        _ = b.read(0x4)
        expectError(b, "after 2 of the 3 words")

        let s = try DMABench()
        _ = s.read(0x0, hart: 1, shared: true)
        s.push([MCHANWord.command(64, toTCDM: true)], hart: 1, shared: true)
        s.push([MCHANWord.command(64, toTCDM: true)], hart: 0, shared: true)
        expectError(s, "while core 1 is programming a command")
    }

    func testUnderWarnAnErroneousTransferIsDroppedButSignalled() throws {
        let b = try DMABench(policy: .warn)
        let id = b.read(0x0)!
        b.push([MCHANWord.command(64, toTCDM: true), 0x1C00_0000, l2])
        XCTAssertNil(b.end)
        XCTAssertEqual(b.read(0x4)! & 0xFFFF, 1 << id)
        b.at(100)
        XCTAssertEqual(b.read(0x4)! & 0xFFFF, 0)
        XCTAssertEqual(b.buffer(0) & 0x100, 0x100, "the event still comes")
        XCTAssertEqual(b.dma.bytesMoved, 0)
        XCTAssertTrue(b.diagnostics.contains { $0.contains("dropped") }, "\(b.diagnostics)")
    }

    func testFreeingABusyIdAndUsingAFreedIdAreWarned() throws {
        let b = try DMABench()
        let id = b.read(0x0)!
        b.push([MCHANWord.command(1024, toTCDM: true), tcdm, l2])
        b.write(0x4, 1 << id)
        b.push([MCHANWord.command(8, toTCDM: true), tcdm, l2])
        XCTAssertNil(b.end)
        XCTAssertTrue(b.diagnostics.contains { $0.contains("still running") }, "\(b.diagnostics)")
        XCTAssertTrue(b.diagnostics.contains { $0.contains("was freed since") }, "\(b.diagnostics)")
    }

    /// A queue full of transfers stalls the next command word until one completes.
    func testAFullEngineStallsTheNextCommand() throws {
        let b = try DMABench()
        _ = b.read(0x0)
        for _ in 0..<MCHAN.capacity { b.push([MCHANWord.command(8, toTCDM: true), tcdm, l2]) }
        var context = AccessContext(hart: 0, cycle: 0)
        _ = b.dma.coreView.write(offset: 0, size: 4, value: MCHANWord.command(8, toTCDM: true), context: &context)
        XCTAssertNotNil(context.sleep)
        b.at(1000)
        XCTAssertFalse(b.readSleeps(0x4))
        b.push([MCHANWord.command(8, toTCDM: true), tcdm, l2])
        XCTAssertEqual(b.dma.transfersInFlight, 1)
    }
}

extension DMAMCHANTests {
    /// The examples of docs/platform.md §11.4: 1 and 8 bytes (one beat, at most 2 TCDM words),
    /// 64 KiB (8192 beats, 16384 words on 2 ports), from the last command word to the event.
    func testTheDocumentedTimingExamples() throws {
        for (length, cycles) in [(1, 22), (8, 22), (1024, 149), (65536, 8213)] as [(Int, UInt64)] {
            let b = try DMABench()
            b.at(1000)
            _ = b.read(0x0)
            b.push([MCHANWord.command(length, toTCDM: true), tcdm, 0x1C01_0000])
            XCTAssertEqual(b.dma.engine.unfinished(queue: 0).first?.completion, 1000 + cycles, "\(length) B")
            b.at(1000 + cycles - 1)
            XCTAssertEqual(b.buffer(0) & 0x100, 0)
            b.at(1000 + cycles)
            XCTAssertEqual(b.buffer(0) & 0x100, 0x100, "\(length) B")
        }
    }
}

extension DMAMCHANTests {
    /// What the debugger sees: landed bytes in memory reads, a write watchpoint stopping on the
    /// DMA's write (for the hart that issued it), `monitor dma`.
    func testTheDebuggerSeesLandedDataWatchpointsAndTheDMAState() throws {
        let b = try DMABench()
        b.fill(l2, 512)
        _ = b.read(0x0, hart: 2)
        b.machine.watchpoints = [Watchpoint(address: tcdm + 300, length: 4, onRead: false, onWrite: true)]
        b.push([MCHANWord.command(512, toTCDM: true), tcdm, l2], hart: 2)
        let monitor = String(decoding: GDBServer(machine: b.machine, input: []).monitor("dma").hexBytes, as: UTF8.self)
        XCTAssertTrue(monitor.contains("DMA queue of core 2: last id read 0; in flight: id 0 (ext 0x1c080000 -> TCDM 0x10004000, 512 B, event 8 to core 2)"),
                      monitor)
        b.at(1000)
        XCTAssertEqual(b.machine.readMemory(tcdm + 256, count: 256), b.bytes(l2 + 256, 256))
        XCTAssertEqual(b.machine.watchHit?.hart, 2)
        XCTAssertEqual(b.machine.watchHit?.isWrite, true)
        guard case .stopped(let hart, _) = b.end else { return XCTFail("\(String(describing: b.end))") }
        XCTAssertEqual(hart, 2)
    }
}

private extension String {
    /// The bytes of a hex string ("414243" → "ABC").
    var hexBytes: [UInt8] {
        var out: [UInt8] = []
        var i = startIndex
        while let j = index(i, offsetBy: 2, limitedBy: endIndex), i != endIndex {
            out.append(UInt8(self[i..<j], radix: 16) ?? 0)
            i = j
        }
        return out
    }
}
