// RedMulE engine throughput: bit-exact binary16 GEMM-Op steps per second on one host core.
//
//   swift run -c release pulpsim-engine-bench [M N K] [repetitions]
//
// Data are random finite binary16 values of moderate magnitude (so results stay finite), from a
// seeded generator; the checksum is printed so that runs can be compared.

import Foundation
import PulpSim

/// xorshift64 with a fixed seed: the same data on every run.
struct Generator {
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    mutating func next() -> UInt64 { state ^= state << 13; state ^= state >> 7; state ^= state << 17; return state }
    /// sign, exponent in [10, 20] (values about 2^-5 ... 2^5), random mantissa
    mutating func element() -> UInt16 {
        UInt16(truncatingIfNeeded: (next() & 1) << 15 | (10 + next() % 11) << 10 | next() & 0x3FF)
    }
}

func benchmark(arguments: [Int]) {
    let m = arguments.count >= 3 ? arguments[0] : 96, n = arguments.count >= 3 ? arguments[1] : 96
    let k = arguments.count >= 3 ? arguments[2] : 96
    let repetitions = arguments.count >= 4 ? arguments[3] : 20
    var generator = Generator()
    let x = (0..<(m * n)).map { _ in generator.element() }
    let w = (0..<(n * k)).map { _ in generator.element() }
    let y = (0..<(m * k)).map { _ in generator.element() }
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
}

benchmark(arguments: CommandLine.arguments.dropFirst().compactMap { Int($0) })
