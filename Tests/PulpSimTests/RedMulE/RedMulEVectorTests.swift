// RedMulE against the independent Python oracle (Tests/redmule-oracle, Berkeley SoftFloat and
// ml-dtypes): every vector through the engine, and every vector that fits TCDM through the
// register interface and the memory layout (FP8 chunking, Z padding rows) as firmware sees it.
// The layout is the contract's (docs/platform.md §7.3), restated here and pinned by hand-written
// tables, never the simulator's own `redmuleElementOffset`.

import Foundation
@testable import PulpSim
import XCTest

final class RedMulEVectorTests: XCTestCase {
    struct Case {
        let id: String, op: Int, fmt: Int, m: Int, n: Int, k: Int, set: String
        var x: [UInt16] = [], w: [UInt16] = [], y: [UInt16] = [], z: [UInt16] = []
    }

    static let directory = Paths.root.appendingPathComponent("Tests/Vectors/redmule")

    func loadAll() throws -> [Case] {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path).filter { $0.hasSuffix(".txt") }.sorted()
        var cases: [Case] = []
        for file in files {
            let text = try String(contentsOf: Self.directory.appendingPathComponent(file), encoding: .utf8)
            var current: Case?
            for line in text.split(separator: "\n") where !line.hasPrefix("#") {
                let f = line.split(separator: " ")
                if f.first == "case" {
                    if let c = current { cases.append(c) }
                    current = Case(id: "\(file)#\(f[1])", op: Int(f[3])!, fmt: Int(f[5])!, m: Int(f[7])!, n: Int(f[9])!,
                                   k: Int(f[11])!, set: f.count > 13 ? String(f[13]) : "")
                } else if let tag = f.first {
                    let values = f.dropFirst().map { UInt16($0, radix: 16)! }
                    switch tag {
                    case "X": current?.x = values
                    case "W": current?.w = values
                    case "Y": current?.y = values
                    case "Z": current?.z = values
                    default: XCTFail("\(file): unexpected line \(line.prefix(40))")
                    }
                }
            }
            if let c = current { cases.append(c) }
        }
        return cases
    }

    /// docs/platform.md §7.3: matrices are row-major with FP16's row stride of 2·cols bytes; FP16
    /// elements are dense, FP8 element (r, c) lives at r·2·cols + 32·(c / 16) + (c % 16).
    static func layoutOffset(row: Int, col: Int, cols: Int, bytesPerElement: Int) -> Int {
        let rowStart = row * 2 * cols
        return bytesPerElement == 2 ? rowStart + 2 * col : rowStart + 32 * (col / 16) + col % 16
    }

    /// `layoutOffset` against offsets written out by hand.
    func testLayoutOffsetsByHand() {
        // FP8, 2 x 20: a full 32-byte chunk (columns 0-15) and a partial one (16-19) per 40-byte row.
        let fp8Cols20 = [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 32, 33, 34, 35],
                         [40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 72, 73, 74, 75]]
        // FP8, 3 x 5: rows 10 bytes apart, so their 32-byte chunks overlap.
        let fp8Cols5 = [[0, 1, 2, 3, 4], [10, 11, 12, 13, 14], [20, 21, 22, 23, 24]]
        // FP8, 1 x 33: three chunks.
        let fp8Cols33 = [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
                          32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 64]]
        // FP16, 2 x 3: dense.
        let fp16Cols3 = [[0, 2, 4], [6, 8, 10]]
        for (table, bytes) in [(fp8Cols20, 1), (fp8Cols5, 1), (fp8Cols33, 1), (fp16Cols3, 2)] {
            let cols = table[0].count
            for (r, row) in table.enumerated() {
                XCTAssertEqual(row, (0..<cols).map { Self.layoutOffset(row: r, col: $0, cols: cols, bytesPerElement: bytes) },
                               "\(bytes)-byte elements, \(cols) columns, row \(r)")
            }
        }
    }

    /// One FP8 GEMM (2 x 16 x 20) laid out by hand, through the register interface: every byte of
    /// the Z region afterwards, written out. Inputs hold NaN (0x7E) in every byte that carries no
    /// element, so an element read from a wrong byte makes its result NaN.
    func testFP8GEMMMemoryImageByHand() throws {
        var options = MachineOptions(platform: .pulpCluster)
        options.echoOutput = false
        let machine = try Machine(options: options)
        let redmule = try XCTUnwrap(machine.redmule)
        var context = AccessContext(hart: 0, cycle: 0)
        let nan: UInt8 = 0x7E, one: UInt8 = 0x3C, two: UInt8 = 0x40  // E5M2 NaN, 1.0, 2.0
        let fill16 = [UInt8](repeating: nan, count: 16), zero16 = [UInt8](repeating: 0, count: 16)
        // X, 2 x 16: row stride 32 bytes, elements in bytes 0-15. Row 0 = (1, 0, ..., 0), row 1 = (2, 0, ..., 0).
        let x = [one] + [UInt8](repeating: 0, count: 15) + fill16 + [two] + [UInt8](repeating: 0, count: 15) + fill16
        // W, 16 x 20: row stride 40 bytes, columns 0-15 in bytes 0-15, columns 16-19 in bytes 32-35.
        // Row 0 = E5M2 codes 0x10 ... 0x23 (normal numbers), rows 1-15 zero.
        let wRow0: [UInt8] = [0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1A, 0x1B, 0x1C, 0x1D, 0x1E, 0x1F]
            + fill16 + [0x20, 0x21, 0x22, 0x23] + [nan, nan, nan, nan]
        let zeroRow = zero16 + fill16 + [0, 0, 0, 0, nan, nan, nan, nan]
        let w = wRow0 + (1..<16).flatMap { _ in zeroRow }
        // Y, 2 x 20 (read from Z's place): +0.
        let y = zeroRow + zeroRow
        // Z = X·W + Y: row 0 = W's row 0, row 1 = twice it (E5M2: exponent + 1, code + 4). Stored
        // 40 bytes per row: bytes 16-31 of the first chunk 0; bytes 36-39 hold no element (pulpsim
        // writes 0 there, §7.3); then rows 2-11 of the 12-row tile overwritten with 0xFF (§7.4).
        let expectedZ: [UInt8] =
            [0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1A, 0x1B, 0x1C, 0x1D, 0x1E, 0x1F]
            + zero16 + [0x20, 0x21, 0x22, 0x23, 0, 0, 0, 0]
            + [0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1A, 0x1B, 0x1C, 0x1D, 0x1E, 0x1F, 0x20, 0x21, 0x22, 0x23]
            + zero16 + [0x24, 0x25, 0x26, 0x27, 0, 0, 0, 0]
            + [UInt8](repeating: 0xFF, count: 10 * 40)
        let xAddress: UInt32 = 0x1000_0000, wAddress: UInt32 = 0x1000_0100, zAddress: UInt32 = 0x1000_0400
        XCTAssertTrue(machine.writeMemory(xAddress, x + fill16 + fill16))   // + room for 36-byte reads
        XCTAssertTrue(machine.writeMemory(wAddress, w + fill16 + fill16))
        let sentinel: [UInt8] = [0x5A, 0x5A, 0x5A, 0x5A]
        XCTAssertTrue(machine.writeMemory(zAddress, y + [UInt8](repeating: 0xA5, count: expectedZ.count - y.count) + sentinel))
        func write(_ offset: UInt32, _ value: UInt32) {
            XCTAssertTrue(redmule.write(offset: offset, size: 4, value: value, context: &context))
        }
        write(0x14, 0)                                             // SOFT_CLEAR
        XCTAssertEqual(redmule.read(offset: 0x04, size: 4, context: &context), 0)  // ACQUIRE: job 0
        write(0x40, xAddress); write(0x44, wAddress); write(0x48, zAddress)
        write(0x4C, 20 << 16 | 2); write(0x50, 16)                 // K = 20, M = 2; N = 16
        write(0x54, 1 << 10 | 0 << 7)                              // ARITH: GEMM, Float8
        write(0x00, 0)                                             // TRIGGER
        machine.fireEvents(upTo: .max)
        XCTAssertNil(machine.control.end, String(describing: machine.control.end))
        XCTAssertEqual(machine.readMemory(zAddress, count: expectedZ.count), expectedZ)
        XCTAssertEqual(machine.readMemory(zAddress + UInt32(expectedZ.count), count: 4), sentinel, "written past the tile")
    }

    func testVectorFilesCoverEveryOperationAndFormat() throws {
        let cases = try loadAll()
        XCTAssertGreaterThan(cases.count, 500)
        for op in 0..<8 {
            for fmt in 0..<3 {
                XCTAssertTrue(cases.contains { $0.op == op && $0.fmt == fmt }, "no vectors for op \(op) format \(fmt)")
            }
        }
        XCTAssertTrue(cases.contains { $0.m == 96 && $0.n == 96 && $0.k == 96 && $0.op == 1 && $0.fmt == 1 })
        XCTAssertTrue(cases.contains { $0.n % 4 != 0 } && cases.contains { $0.m % 12 != 0 } && cases.contains { $0.k % 16 != 0 })
    }

    func testEngineMatchesOracle() throws {
        var failures = 0
        for c in try loadAll() {
            XCTAssertEqual(c.x.count, c.m * c.n, c.id); XCTAssertEqual(c.w.count, c.n * c.k, c.id)
            XCTAssertEqual(c.y.count, c.m * c.k, c.id); XCTAssertEqual(c.z.count, c.m * c.k, c.id)
            let format = RedMulEFormat(rawValue: c.fmt)!
            let half = { (v: [UInt16]) in v.map { RedMulEEngine.toHalf($0, format: format) } }
            let z = RedMulEEngine.compute(operation: RedMulEOperation(rawValue: c.op)!, shape: RedMulEShape(m: c.m, n: c.n, k: c.k),
                                          x: half(c.x), w: half(c.w), y: half(c.y)).map { RedMulEEngine.fromHalf($0, format: format) }
            if let i = z.indices.first(where: { z[$0] != c.z[$0] }) {
                failures += 1
                if failures <= 5 {
                    XCTFail(String(format: "%@ (set %@, %dx%dx%d): element %d got %04x expected %04x", c.id, c.set, c.m, c.n, c.k, i, z[i], c.z[i]))
                }
            }
        }
        XCTAssertEqual(failures, 0)
    }

    /// Lays the matrices out in TCDM, programs RedMulE through its registers, lets the job finish
    /// and reads Z back from memory.
    func testDeviceMatchesOracleThroughMemory() throws {
        var options = MachineOptions(platform: .pulpCluster)
        options.echoOutput = false
        let machine = try Machine(options: options)
        let redmule = try XCTUnwrap(machine.redmule)
        let tcdm: UInt32 = 0x1000_0000
        var context = AccessContext(hart: 0, cycle: 0)
        func write(_ offset: UInt32, _ value: UInt32) {
            XCTAssertTrue(redmule.write(offset: offset, size: 4, value: value, context: &context))
        }
        var checked = 0, failures = 0
        for c in try loadAll() {
            let format = RedMulEFormat(rawValue: c.fmt)!
            let shape = RedMulEShape(m: c.m, n: c.n, k: c.k)
            // Room for reads past W (rows up to N4) and writes past Z (rows up to 12·⌈M/12⌉), plus 36-byte reads.
            let xBytes = 2 * c.m * c.n + 64, wBytes = 2 * shape.n4 * c.k + 64, zBytes = 2 * shape.paddedRows * c.k + 64
            guard xBytes + wBytes + zBytes < 120 * 1024 else { continue }
            let xAddress = tcdm, wAddress = tcdm + UInt32(xBytes), zAddress = wAddress + UInt32(wBytes)
            machine.writeMemory(tcdm, [UInt8](repeating: 0, count: xBytes + wBytes + zBytes))
            func store(_ base: UInt32, _ values: [UInt16], cols: Int) {
                for (i, v) in values.enumerated() {
                    let offset = Self.layoutOffset(row: i / cols, col: i % cols, cols: cols, bytesPerElement: format.bytesPerElement)
                    let bytes: [UInt8] = format.bytesPerElement == 2 ? [UInt8(v & 0xFF), UInt8(v >> 8)] : [UInt8(v)]
                    machine.writeMemory(base + UInt32(offset), bytes)
                }
            }
            store(xAddress, c.x, cols: c.n); store(wAddress, c.w, cols: c.k); store(zAddress, c.y, cols: c.k)
            write(0x14, 0)                                         // SOFT_CLEAR
            var acquire = context
            XCTAssertLessThan(redmule.read(offset: 0x04, size: 4, context: &acquire)!, 0x100)  // ACQUIRE
            write(0x40, xAddress); write(0x44, wAddress); write(0x48, zAddress)
            write(0x4C, UInt32(c.k) << 16 | UInt32(c.m)); write(0x50, UInt32(c.n))
            write(0x54, UInt32(c.op) << 10 | UInt32(c.fmt) << 7)   // ARITH last
            write(0x00, 0)                                         // TRIGGER
            XCTAssertNotEqual(redmule.read(offset: 0x0C, size: 4, context: &context), 0, "STATUS busy while running")
            machine.fireEvents(upTo: .max)
            XCTAssertEqual(redmule.read(offset: 0x0C, size: 4, context: &context), 0)
            XCTAssertNil(machine.control.end, "\(c.id): \(String(describing: machine.control.end))")
            let image = try XCTUnwrap(machine.readMemory(zAddress, count: 2 * shape.paddedRows * c.k))
            var z: [UInt16] = []
            for i in 0..<(c.m * c.k) {
                let offset = Self.layoutOffset(row: i / c.k, col: i % c.k, cols: c.k, bytesPerElement: format.bytesPerElement)
                z.append(format.bytesPerElement == 2 ? UInt16(image[offset]) | UInt16(image[offset + 1]) << 8 : UInt16(image[offset]))
            }
            checked += 1
            if z != c.z {
                failures += 1
                if failures <= 5 { XCTFail("\(c.id) (\(c.m)x\(c.n)x\(c.k), set \(c.set)): Z in memory differs from the oracle") }
            }
            if format.bytesPerElement == 1 {
                // Upper 16 bytes of each 32-byte chunk are zero (where the chunk lies inside its row;
                // with K < 16 rows of stride 2K overlap chunks and the next row's bytes win).
                for r in 0..<c.m { for chunk in 0..<((c.k + 15) / 16) where 32 * chunk + 32 <= 2 * c.k {
                    let base = r * 2 * c.k + 32 * chunk + 16
                    XCTAssertTrue(image[base..<(base + 16)].allSatisfy { $0 == 0 }, c.id)
                } }
            }
            if shape.paddedRows > c.m {  // rows past M were overwritten with stale data (0xFF)
                XCTAssertTrue(image[(2 * c.m * c.k)...].allSatisfy { $0 == 0xFF }, "\(c.id): padding rows")
            }
        }
        XCTAssertGreaterThan(checked, 300)
        XCTAssertEqual(failures, 0)
    }
}
