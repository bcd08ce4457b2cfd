// The DMA engine's closed forms against brute force: footprints and per-line costs of random
// patterns (2D, 3D, negative strides, partial last lines, fixed addresses), and the bytes a
// random iDMA transfer moves against a byte-by-byte model of the stream.

import Foundation
@testable import PulpSim
import XCTest

final class DMAEngineTests: XCTestCase {
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        mutating func below(_ n: UInt64) -> UInt64 { next() % n }
    }

    /// Addresses of every byte of a pattern, one by one.
    func addresses(_ p: DMAPattern, count: UInt64) -> [Int64] {
        (0..<count).map { i in
            let line = i / p.lineLength, offset = i % p.lineLength
            let plane = p.linesPerPlane == .max ? 0 : line / p.linesPerPlane
            let row = p.linesPerPlane == .max ? line : line % p.linesPerPlane
            let start = Int64(p.base) + Int64(plane) * p.planeStride + Int64(row) * p.lineStride
            if p.incremental { return start + Int64(offset) }
            return (start & ~7) + (start % 8 + Int64(offset)) % 8
        }
    }

    func randomPattern(_ r: inout Random, count: UInt64) -> DMAPattern {
        var p = DMAPattern(space: r.below(2) == 0 ? .tcdm : .external, base: UInt32(0x1000_0000 + r.below(4096)),
                           lineLength: 1 + r.below(min(count, 40)))
        p.lineStride = Int64(r.below(80)) - 20
        if r.below(2) == 0 {
            p.linesPerPlane = 1 + r.below(6)
            p.planeStride = Int64(r.below(400)) - 200
        }
        p.incremental = r.below(4) != 0
        return p
    }

    func testFootprintsAndLineCostsMatchBruteForce() {
        var r = Random(state: 12345)
        for _ in 0..<3000 {
            let count = 1 + r.below(300)
            let p = randomPattern(&r, count: count)
            let all = addresses(p, count: count)
            guard let (low, high) = p.footprint(count: count) else { return XCTFail("no footprint for \(p)") }
            // The footprint holds every byte (fixed lines: their whole 64-bit word) and is tight.
            let lows = p.incremental ? all : all.map { $0 & ~7 }
            let highs = p.incremental ? all.map { $0 + 1 } : all.map { ($0 & ~7) + 8 }
            XCTAssertEqual(Int64(low), lows.min()!, "\(p) count \(count)")
            XCTAssertEqual(Int64(high), highs.max()!, "\(p) count \(count)")
            // Σ over lines of a cost depending on (start mod 8, length), by brute force.
            let lines = (count + p.lineLength - 1) / p.lineLength
            var expected: UInt64 = 0
            for line in 0..<lines {
                let start = UInt64(bitPattern: p.lineStart(line)) & 7
                let length = line == lines - 1 ? count - line * p.lineLength : p.lineLength
                expected += DMATiming.axiBeats(start, length) * 1000 + DMATiming.tcdmWords(start, length)
            }
            XCTAssertEqual(p.sumOverLines(count: count) { DMATiming.axiBeats($0, $1) * 1000 + DMATiming.tcdmWords($0, $1) },
                           expected, "\(p) count \(count)")
        }
    }

    /// Random 1D/2D/3D iDMA transfers (signed strides, one line length) into the TCDM, against
    /// the stream copied byte by byte.
    func testRandomTransfersMoveTheStream() throws {
        var r = Random(state: 777)
        let b = try DMABench(.idma)
        let src: UInt32 = 0x1C08_0000, dst: UInt32 = 0x1000_8000
        b.fill(src - 0x4000, 0x8000, seed: 42)
        for round in 0..<200 {
            b.machine.writeMemory(dst - 0x2000, [UInt8](repeating: 0xEE, count: 0x4000))
            let length = 1 + r.below(24), reps2 = 1 + r.below(5), reps3 = 1 + r.below(4)
            let nd = UInt32(r.below(3))
            let strides = (0..<4).map { _ in UInt32(bitPattern: Int32(r.below(120)) - 60) }
            let count = length * (nd >= 1 ? reps2 : 1) * (nd >= 2 ? reps3 : 1)
            for (offset, value) in [(0xD8, src), (0xD0, dst), (0xE0, UInt32(length)), (0x00, nd << 10 | 0 << 12 | 1 << 15),
                                    (0xF0, strides[0]), (0xE8, strides[1]), (0xF8, UInt32(reps2)),
                                    (0x108, strides[2]), (0x100, strides[3]), (0x110, UInt32(reps3))] as [(UInt32, UInt32)] {
                b.write(offset, value)
            }
            XCTAssertNotEqual(b.read(0x48), 0, "round \(round): \(String(describing: b.end))")
            b.at(b.now + 10_000)
            // The model: the stream in order, later bytes overwriting earlier ones.
            func pattern(_ base: UInt32, _ s2: UInt32, _ s3: UInt32) -> DMAPattern {
                var p = DMAPattern(space: .tcdm, base: base, lineLength: length)
                if nd >= 1 { p.lineStride = Int64(Int32(bitPattern: s2)) }
                if nd >= 2 { p.linesPerPlane = reps2; p.planeStride = Int64(Int32(bitPattern: s3)) }
                return p
            }
            let from = addresses(pattern(src, strides[0], strides[2]), count: count)
            let to = addresses(pattern(dst, strides[1], strides[3]), count: count)
            var model = [UInt8](repeating: 0xEE, count: 0x4000)
            for (f, t) in zip(from, to) { model[Int(t - Int64(dst) + 0x2000)] = b.bytes(UInt32(f), 1)[0] }
            XCTAssertEqual(b.bytes(dst - 0x2000, 0x4000), model, "round \(round): \(length) x \(reps2) x \(reps3), nd \(nd), \(strides)")
        }
        XCTAssertNil(b.end)
    }
}
