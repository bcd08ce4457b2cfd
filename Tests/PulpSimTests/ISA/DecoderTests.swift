import PulpSim
import XCTest

final class DecoderTests: XCTestCase {
    func testEveryTableRowDecodesToItself() {
        for (index, spec) in InstructionSet.encodings.enumerated() where !spec.isCompressed {
            // Fill operand fields with a pattern the row's constraints accept.
            var word = spec.match | (~spec.mask & 0x0000_0F80)  // rd = 31 where free
            if [InstructionFormat.r4, .fR, .fR1, .fIntR1, .fRInt].contains(spec.format) {
                word &= ~UInt32(0x7000)  // rm = rne keeps the rounding-mode field legal
                word |= spec.match & 0x7000
            }
            let d = Decoder.decode(word, at: 0x100)
            XCTAssertEqual(d.specIndex, UInt8(index), "\(spec.name) decoded as \(d.encoding?.name ?? "illegal")")
        }
    }
}
