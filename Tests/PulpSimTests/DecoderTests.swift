import PulpSim
import XCTest

final class DecoderTests: XCTestCase {
    func testEveryTableRowDecodesToItself() {
        for (index, spec) in instructionTable.enumerated() where !spec.isCompressed {
            // Fill operand fields with a pattern the row's constraints accept.
            var word = spec.match | (~spec.mask & 0x0000_0F80)  // rd = 31 where free
            if spec.format == .r4 || spec.format == .fR || spec.format == .fR1 || spec.format == .fIntR1 || spec.format == .fRInt {
                word &= ~UInt32(0x7000)  // rm = rne keeps the rounding-mode field legal
                word |= spec.match & 0x7000
            }
            let d = Decoder.decode(word, at: 0x100)
            XCTAssertEqual(d.specIndex, UInt8(index), "\(spec.name) decoded as \(d.spec?.name ?? "illegal")")
        }
    }
}
