// RedMulE's data in time (docs/platform.md §7.4): what the port's requests carry, from the cycle
// model's idle run, against the tiling of the RTL — every Z chunk stored once, every W chunk
// read once per output tile, every X chunk at least once per output tile of its rows, every Y
// chunk at least once — for shapes with every kind of leftover.

@testable import PulpSim
import XCTest

final class RedMulEDataFlowTests: XCTestCase {
    func testRequestsCoverTheMatricesAsTheRTLTilesThem() {
        let shapes = [(12, 16, 16), (24, 32, 32), (13, 17, 33), (25, 20, 16), (36, 5, 48), (12, 64, 16), (47, 31, 29)]
        for (m, n, k) in shapes {
            let cfg = RedMulETilerConfig(m: m, n: n, k: k)
            let run = RedMulECycleModel.idleRun(cfg, trace: false, codes: true)
            guard case .completes = run.outcome else { XCTFail("\(m)x\(n)x\(k) deadlocks"); continue }
            let tm = (m + 11) / 12, tk = (k + 15) / 16, n4 = (n + 3) & ~3
            var x: [Int: Int] = [:], w: [Int: Int] = [:], y: [Int: Int] = [:], z: [Int: Int] = [:]
            for code in run.codes where code != RedMulECycleModel.noRequestCode {
                let offset = Int(code >> 2)
                switch code & 3 {
                case 0: x[offset, default: 0] += 1
                case 1: w[offset, default: 0] += 1
                case 2: y[offset, default: 0] += 1
                default: z[offset, default: 0] += 1
                }
            }
            let shape = "\(m)x\(n)x\(k)"
            // Z: rows 0 ..< 12·Tm, each in Tk chunks of 32 bytes at row·2K + 32·j, once each.
            let zExpected = Set((0..<(12 * tm)).flatMap { r in (0..<tk).map { r * 2 * k + 32 * $0 } })
            XCTAssertEqual(Set(z.keys), zExpected, shape)
            XCTAssertEqual(Set(z.values), [1], shape)
            // W: rows 0 ..< N4, each chunk once per row tile (it is streamed again for every tile).
            let wExpected = Set((0..<n4).flatMap { d in (0..<tk).map { d * 2 * k + 32 * $0 } })
            XCTAssertEqual(Set(w.keys), wExpected, shape)
            XCTAssertEqual(Set(w.values), [tm], shape)
            // X: the rows of each row tile (M mod 12 in the last), each 16-column chunk at least
            // once per output tile of those rows.
            let xExpected = Set((0..<m).flatMap { r in (0..<((n + 15) / 16)).map { r * 2 * n + 32 * $0 } })
            XCTAssertEqual(Set(x.keys), xExpected, shape)
            XCTAssertGreaterThanOrEqual(x.values.min() ?? 0, tk, shape)
            // Y: every chunk of the 12·Tm rows at least once (Y is loaded before its tile).
            XCTAssertEqual(Set(y.keys), zExpected, shape)
        }
    }
}
