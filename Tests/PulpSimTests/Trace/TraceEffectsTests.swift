// Trace formats carry any number of effects per instruction (up to Tracer.maxEffects): a line
// with two register writes (a post-increment access writes its base too), several CSRs and a
// store, written in every text format and through the binary format and back.

import Foundation
@testable import PulpSim
import XCTest

final class TraceEffectsTests: XCTestCase {
    /// x5 (destination), x6 (post-incremented base), fflags, frm, mstatus, mcause, a store.
    let effects = [
        TraceEffect(kind: .x, number: 5, value: 0x1234_5678, address: 0),
        TraceEffect(kind: .x, number: 6, value: 0x1000_0104, address: 0),
        TraceEffect(kind: .csr, number: 0x001, value: 0x11, address: 0),
        TraceEffect(kind: .csr, number: 0x002, value: 0x3, address: 0),
        TraceEffect(kind: .csr, number: 0x300, value: 0x0000_7880, address: 0),
        TraceEffect(kind: .csr, number: 0x342, value: 0x8000_000B, address: 0),
        TraceEffect(kind: .store, number: 2, value: 0xBEEF, address: 0x1000_0100),
    ]
    let expectedSpike = "core   0: 3 0x1c000100 (0x0062a023) x5  0x12345678 x6  0x10000104 c1_fflags 0x00000011"
        + " c2_frm 0x00000003 c768_mstatus 0x00007880 c834_mcause 0x8000000b mem 0x10000100 0xbeef"

    func lines(_ format: TraceFormat, count: Int) -> [String] {
        var out: [String] = []
        let tracer = Tracer(capturing: 1, symbols: SymbolTable([]), format: format) { _, line in out.append(line) }
        for (i, e) in effects.prefix(count).enumerated() { tracer.effects[i] = e }
        tracer.instruction(hart: 0, cycle: 7, pc: 0x1C00_0100, word: 0x0062_A023, compressed: false, effectCount: count)
        return out
    }

    func testTextFormatsShowEveryEffect() {
        XCTAssertEqual(lines(.spike, count: effects.count), [expectedSpike])
        XCTAssertTrue(lines(.pulpsim, count: effects.count).first?.hasPrefix("7 " + expectedSpike) ?? false)
        let json = lines(.jsonl, count: effects.count).first ?? ""
        for fragment in ["{\"x\":5,\"value\":\"0x12345678\"}", "{\"x\":6,\"value\":\"0x10000104\"}", "{\"csr\":\"mcause\"",
                         "{\"store\":\"0x10000100\",\"size\":2,\"value\":\"0xbeef\"}"] {
            XCTAssertTrue(json.contains(fragment), json)
        }
    }

    func testBinaryFormatCarriesAnyNumberOfEffects() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pulpsim-effects-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("t.bin").path
        var options = TraceOptions()
        options.format = .binary
        options.path = path
        let writer = try Tracer(options: options, harts: 1, symbols: SymbolTable([]))
        // 0 to 7 effects: the counts below 5 fit the record's tag, the others take a count byte.
        for count in 0...effects.count {
            for (i, e) in effects.prefix(count).enumerated() { writer.effects[i] = e }
            writer.instruction(hart: 0, cycle: UInt64(10 * count), pc: 0x1C00_0100, word: 0x0062_A023, compressed: false,
                               effectCount: count)
        }
        writer.close()
        XCTAssertNil(writer.writeError)
        var decoded: [String] = []
        let reader = try BinaryTraceReader(path: path)
        XCTAssertEqual(reader.version, 2)
        let text = Tracer(capturing: 1, symbols: SymbolTable([]), format: .spike) { _, line in decoded.append(line) }
        XCTAssertEqual(try reader.decode(into: text), UInt64(effects.count + 1))
        XCTAssertEqual(decoded, (0...effects.count).flatMap { lines(.spike, count: $0) })
        XCTAssertEqual(decoded.last, expectedSpike)
    }
}
