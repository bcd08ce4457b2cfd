// iDMA (`--dma idma`, docs/platform.md §11): the reg32_3d registers of each port, NEXT_ID
// launching on stream 0 (out of the TCDM) or 1 (into it), DONE_ID, 1D/2D/3D transfers with
// signed strides, INIT zeroing, events on every core, timing, and the diagnostics.

import Foundation
@testable import PulpSim
import XCTest

final class DMAIDMATests: XCTestCase {
    let l2: UInt32 = 0x1C08_0000
    let tcdm: UInt32 = 0x1000_4000

    enum R {
        static let conf: UInt32 = 0x00, dst: UInt32 = 0xD0, src: UInt32 = 0xD8, length: UInt32 = 0xE0
        static let dstStride2: UInt32 = 0xE8, srcStride2: UInt32 = 0xF0, reps2: UInt32 = 0xF8
        static let dstStride3: UInt32 = 0x100, srcStride3: UInt32 = 0x108, reps3: UInt32 = 0x110
        static func status(_ s: UInt32) -> UInt32 { 0x04 + 4 * s }
        static func nextID(_ s: UInt32) -> UInt32 { 0x44 + 4 * s }
        static func doneID(_ s: UInt32) -> UInt32 { 0x84 + 4 * s }
        /// CONF: dimensions − 1 in bits 11:10, source protocol 14:12, destination 17:15 (AXI 0, OBI 1, INIT 4).
        static func conf(nd: UInt32 = 0, src: UInt32, dst: UInt32) -> UInt32 { nd << 10 | src << 12 | dst << 15 }
    }

    /// Programs SRC, DST, LENGTH, CONF (and strides, reps) of `hart`'s port and reads NEXT_ID.
    @discardableResult
    func launch(_ b: DMABench, src: UInt32, dst: UInt32, length: UInt32, conf: UInt32, stream: UInt32,
                strides2: (UInt32, UInt32, UInt32)? = nil, strides3: (UInt32, UInt32, UInt32)? = nil,
                hart: Int = 0, shared: Bool = false) -> UInt32? {
        b.write(R.src, src, hart: hart, shared: shared)
        b.write(R.dst, dst, hart: hart, shared: shared)
        b.write(R.length, length, hart: hart, shared: shared)
        b.write(R.conf, conf, hart: hart, shared: shared)
        if let (s, d, r) = strides2 {
            b.write(R.srcStride2, s, hart: hart, shared: shared); b.write(R.dstStride2, d, hart: hart, shared: shared)
            b.write(R.reps2, r, hart: hart, shared: shared)
        }
        if let (s, d, r) = strides3 {
            b.write(R.srcStride3, s, hart: hart, shared: shared); b.write(R.dstStride3, d, hart: hart, shared: shared)
            b.write(R.reps3, r, hart: hart, shared: shared)
        }
        return b.read(R.nextID(stream), hart: hart, shared: shared)
    }

    func testRegistersOfEachPortReadBack() throws {
        let b = try DMABench(.idma)
        b.write(R.src, 0x1234, hart: 0)
        b.write(R.src, 0x5678, hart: 1)
        b.write(R.src, 0x9ABC, hart: 1, shared: true)
        XCTAssertEqual(b.read(R.src, hart: 0), 0x1234)
        XCTAssertEqual(b.read(R.src, hart: 1), 0x5678)
        XCTAssertEqual(b.read(R.src, hart: 5, shared: true), 0x9ABC, "the shared port is one register file")
        for offset in [R.conf, R.dst, R.length, R.dstStride2, R.srcStride2, R.reps2, R.dstStride3, R.srcStride3, R.reps3] {
            b.write(offset, offset * 3, hart: 2)
            XCTAssertEqual(b.read(offset, hart: 2), offset * 3)
        }
        XCTAssertEqual(b.read(R.doneID(0)), 1, "DONE_ID starts at 1, ids at 2")
        XCTAssertEqual(b.read(R.status(0)), 0)
        XCTAssertEqual(b.read(R.status(9)), 0)
        XCTAssertNil(b.read(0xD4), "no high words in reg32_3d")
        XCTAssertNil(b.read(0x114))
        XCTAssertEqual(b.read(R.nextID(2)), 0, "no stream 2: nothing launched")
        XCTAssertTrue(b.diagnostics.contains { $0.contains("NEXT_ID_2") }, "\(b.diagnostics)")
        XCTAssertTrue(b.write(R.doneID(0), 7), "read-only registers ignore writes")
        XCTAssertEqual(b.read(R.doneID(0)), 1)
    }

    /// 1024 B L2 → TCDM on stream 1: the MCHAN figures (5 + 16 + 128 cycles); event 8 on every core.
    func testA1DTransferIntoTheTCDMOnStreamOne() throws {
        let b = try DMABench(.idma)
        b.fill(l2, 1024)
        b.at(1000)
        XCTAssertEqual(launch(b, src: l2, dst: tcdm, length: 1024, conf: R.conf(src: 0, dst: 1), stream: 1), 2)
        XCTAssertEqual(b.read(R.status(1)), 0x3FF)
        XCTAssertEqual(b.read(R.status(0)), 0)
        XCTAssertEqual(b.read(R.doneID(1)), 1)
        b.at(1148)
        XCTAssertEqual(b.read(R.doneID(1)), 1)
        XCTAssertEqual(b.buffer(3) & 0x100, 0)
        b.at(1149)
        XCTAssertEqual(b.read(R.doneID(1)), 2)
        XCTAssertEqual(b.read(R.status(1)), 0)
        XCTAssertEqual(b.bytes(tcdm, 1024), b.bytes(l2, 1024))
        for core in 0..<8 { XCTAssertEqual(b.buffer(core) & 0x300, 0x100, "event 8 on core \(core)") }
        XCTAssertEqual(launch(b, src: tcdm, dst: l2 + 0x1000, length: 16, conf: R.conf(src: 1, dst: 0), stream: 0), 2,
                       "each stream counts its own ids")
        XCTAssertEqual(launch(b, src: l2, dst: tcdm, length: 16, conf: R.conf(src: 0, dst: 1), stream: 1), 3)
        b.at(2000)
        XCTAssertEqual(b.read(R.doneID(0)), 2)
        XCTAssertEqual(b.read(R.doneID(1)), 3)
        XCTAssertEqual(b.bytes(l2 + 0x1000, 16), b.bytes(tcdm, 16))
    }

    /// 2D: 6 lines of 10 bytes, source every 32 bytes, destination every 12; then 3D with a
    /// negative plane stride on the destination.
    func testTwoAndThreeDimensionalTransfers() throws {
        let b = try DMABench(.idma)
        b.fill(l2, 4096, seed: 11)
        launch(b, src: l2, dst: tcdm, length: 10, conf: R.conf(nd: 1, src: 0, dst: 1), stream: 1, strides2: (32, 12, 6))
        b.at(1000)
        for line in 0..<6 {
            XCTAssertEqual(b.bytes(tcdm + UInt32(12 * line), 10), b.bytes(l2 + UInt32(32 * line), 10), "line \(line)")
            XCTAssertEqual(b.bytes(tcdm + UInt32(12 * line) + 10, 2), [0, 0])
        }
        // 3D: 2 planes of 3 lines of 4 bytes; source lines every 8, planes every 100; destination
        // lines every 4, planes every −12 (the second plane lands before the first).
        launch(b, src: l2 + 0x400, dst: tcdm + 0x800, length: 4, conf: R.conf(nd: 2, src: 0, dst: 1), stream: 1,
               strides2: (8, 4, 3), strides3: (100, UInt32(bitPattern: -12), 2))
        b.at(2000)
        for plane in 0..<2 {
            for line in 0..<3 {
                let from = l2 + 0x400 + UInt32(100 * plane + 8 * line)
                let to = UInt32(Int64(tcdm + 0x800) + Int64(-12 * plane + 4 * line))
                XCTAssertEqual(b.bytes(to, 4), b.bytes(from, 4), "plane \(plane) line \(line)")
            }
        }
        XCTAssertTrue(b.diagnostics.isEmpty, "\(b.diagnostics)")
    }

    func testInitProtocolZeroesAndDiscards() throws {
        let b = try DMABench(.idma)
        b.fill(tcdm, 64, seed: 3)
        launch(b, src: 0, dst: tcdm + 8, length: 40, conf: R.conf(src: 4, dst: 1), stream: 1)
        launch(b, src: tcdm, dst: 0, length: 40, conf: R.conf(src: 1, dst: 4), stream: 0)
        b.at(1000)
        XCTAssertEqual(b.bytes(tcdm + 8, 40), [UInt8](repeating: 0, count: 40))
        XCTAssertNotEqual(b.bytes(tcdm, 8), [UInt8](repeating: 0, count: 8))
        XCTAssertEqual(b.read(R.doneID(0)), 2)
        XCTAssertTrue(b.diagnostics.isEmpty, "\(b.diagnostics)")
    }

    func testL1ToL1OnStreamOneUsesTheTCDMPorts() throws {
        let b = try DMABench(.idma)
        b.fill(tcdm, 64)
        b.at(10)
        launch(b, src: tcdm, dst: tcdm + 0x400, length: 64, conf: R.conf(src: 1, dst: 1), stream: 1)
        // 16 words per side on 2 ports: 8 cycles after 5 of command and 2 of latency.
        XCTAssertEqual(b.dma.engine.unfinished(queue: 1).first?.completion, 10 + 5 + 2 + 8)
        b.at(25)
        XCTAssertEqual(b.bytes(tcdm + 0x400, 64), b.bytes(tcdm, 64))
    }

    func testAFullStreamStallsTheNextLaunch() throws {
        let b = try DMABench(.idma)
        for _ in 0..<IDMA.streamCapacity { launch(b, src: l2, dst: tcdm, length: 8, conf: R.conf(src: 0, dst: 1), stream: 1) }
        XCTAssertTrue(b.readSleeps(R.nextID(1), hart: 1))
        XCTAssertTrue(b.dma.describeWait(core: 1, eventMask: nil)?.contains("stream 1 holds 4 transfers") ?? false)
        XCTAssertEqual(launch(b, src: tcdm, dst: l2, length: 8, conf: R.conf(src: 1, dst: 0), stream: 0, hart: 1), 2,
                       "the other stream has room")
        b.at(1000)
        XCTAssertEqual(b.read(R.nextID(1), hart: 0), 6, "ids 2-5 went to the first four")
        XCTAssertNil(b.end)
    }

    func expectError(_ b: DMABench, _ fragment: String, file: StaticString = #filePath, line: UInt = #line) {
        guard case .dmaError(let message) = b.end else {
            return XCTFail("expected a DMA error, got \(String(describing: b.end))", file: file, line: line)
        }
        XCTAssertTrue(message.contains(fragment), message, file: file, line: line)
        XCTAssertTrue(message.contains("hart 0 at pc"), message, file: file, line: line)
    }

    func testMisprogrammingIsDiagnosed() throws {
        let cases: [(UInt32, UInt32, UInt32, UInt32, UInt32, (UInt32, UInt32, UInt32)?, String)] = [
            (l2, tcdm, 64, R.conf(src: 0, dst: 1), 0, nil, "stream 0 (NEXT_ID_0) reads OBI (TCDM) or INIT only"),
            (tcdm, l2, 64, R.conf(src: 1, dst: 0), 1, nil, "stream 1 (NEXT_ID_1) writes OBI (TCDM) or INIT only"),
            (l2, l2 + 0x100, 64, R.conf(src: 0, dst: 0), 0, nil, "AXI to AXI transfers are not supported"),
            (l2, tcdm, 64, R.conf(src: 2, dst: 1), 1, nil, "source protocol 2 is not one of this iDMA's"),
            (l2, tcdm, 0, R.conf(src: 0, dst: 1), 1, nil, "LENGTH 0"),
            (l2, tcdm, 8, R.conf(nd: 1, src: 0, dst: 1), 1, (8, 8, 0), "REPS_2 0 with 2D enabled"),
            (l2, 0x1C00_0000, 64, R.conf(src: 0, dst: 1), 1, nil, "destination (OBI): bytes 0x1c000000-0x1c00003f lie outside the TCDM"),
            (0x0000_1000, tcdm, 64, R.conf(src: 0, dst: 1), 1, nil, "cores' alias of the TCDM"),
            (l2, tcdm, 0x1000_0001, R.conf(src: 0, dst: 1), 1, nil, "more than pulpsim moves in one transfer"),
            (l2, tcdm, 16, R.conf(nd: 1, src: 0, dst: 1), 1, (0x7FFF_FFF0, 16, 4), "runs past the 32-bit address space"),
        ]
        for (src, dst, length, conf, stream, strides, fragment) in cases {
            let b = try DMABench(.idma)
            XCTAssertEqual(launch(b, src: src, dst: dst, length: length, conf: conf, stream: stream, strides2: strides), 0)
            expectError(b, fragment)
            expectError(b, "iDMA port of core 0, NEXT_ID_\(stream) read, transfer id 2")
        }
        // Under warn the transfer is dropped: it gets its id and completes, moving nothing.
        let w = try DMABench(.idma, policy: .warn)
        XCTAssertEqual(launch(w, src: l2, dst: 0x1C00_0000, length: 64, conf: R.conf(src: 0, dst: 1), stream: 1), 2)
        w.at(100)
        XCTAssertNil(w.end)
        XCTAssertEqual(w.read(R.doneID(1)), 2)
        XCTAssertEqual(w.dma.bytesMoved, 0)
    }
}
