// RedMulE engine throughput: bit-exact binary16 GEMM-Op steps per second on one host core.
//
//   swift run -c release pulpsim-engine-bench [M N K] [repetitions]
//
// Data are random finite binary16 values of moderate magnitude (so results stay finite); the
// checksum is printed so that runs can be compared.

import Foundation
import PulpSim

let args = CommandLine.arguments.dropFirst().compactMap { Int($0) }
let m = args.count >= 3 ? args[0] : 96, n = args.count >= 3 ? args[1] : 96, k = args.count >= 3 ? args[2] : 96
let repetitions = args.count >= 4 ? args[3] : 20

var state: UInt64 = 0x9E37_79B9_7F4A_7C15
func random() -> UInt64 { state ^= state << 13; state ^= state >> 7; state ^= state << 17; return state }
func element() -> UInt16 {
    // sign, exponent in [10, 20] (values about 2^-5 ... 2^5), random mantissa
    UInt16(truncatingIfNeeded: (random() & 1) << 15 | (10 + random() % 11) << 10 | random() & 0x3FF)
}
let x = (0..<(m * n)).map { _ in element() }
let w = (0..<(n * k)).map { _ in element() }
let y = (0..<(m * k)).map { _ in element() }
let shape = RedMulEShape(m: m, n: n, k: k)

print("operation      shape          M FMA steps/s   (median of 5, \(repetitions) jobs each)")
for op in [RedMulEOperation.gemm, .addMax, .mulMin, .maxMin] {
    var rates: [Double] = []
    var checksum: UInt64 = 0
    for _ in 0..<5 {
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<repetitions {
            let z = RedMulEEngine.compute(operation: op, shape: shape, x: x, w: w, y: y)
            checksum = z.reduce(checksum) { $0 &* 31 &+ UInt64($1) }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        rates.append(Double(m * shape.n4 * k * repetitions) / seconds / 1e6)
    }
    rates.sort()
    print(String(format: "%-14@ %4dx%4dx%-4d %10.1f      checksum %016llx", op.name as NSString, m, n, k, rates[2], checksum))
}
