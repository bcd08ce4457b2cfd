// The gdb server fed from memory (`GDBServer(machine:input:)`, as the gdb fuzz target does):
// packets whose numbers are negative, too large or describe ranges past the end of the address
// space get error replies; binary data, escapes, checksums and Ctrl-C are handled as on a socket.

import Foundation
import PulpSim
import XCTest

final class GDBPacketTests: XCTestCase {
    /// A packet as GDB frames it: $payload#checksum, with '$', '#', '}' and '*' escaped.
    func frame(_ payload: [UInt8]) -> [UInt8] {
        var escaped: [UInt8] = []
        for b in payload {
            if b == UInt8(ascii: "$") || b == UInt8(ascii: "#") || b == UInt8(ascii: "}") || b == UInt8(ascii: "*") {
                escaped += [UInt8(ascii: "}"), b ^ 0x20]
            } else {
                escaped.append(b)
            }
        }
        return [UInt8(ascii: "$")] + escaped + Array(String(format: "#%02x", escaped.reduce(UInt8(0)) { $0 &+ $1 }).utf8)
    }

    func frame(_ payload: String) -> [UInt8] { frame(Array(payload.utf8)) }

    /// The payloads of the replies in a server's output (acks dropped).
    func replies(_ output: [UInt8]) -> [String] {
        var result: [String] = []
        var i = 0
        while i < output.count {
            guard output[i] == UInt8(ascii: "$") else { i += 1; continue }
            let end = output[i...].firstIndex(of: UInt8(ascii: "#"))!
            result.append(String(decoding: output[(i + 1)..<end], as: UTF8.self))
            i = end + 3
        }
        return result
    }

    func makeMachine(_ program: String = "hello") throws -> Machine {
        let elf = Paths.firmware("pulp-cluster", program)
        try requireFirmware(elf)
        var options = MachineOptions(platform: .pulpCluster)
        options.echoOutput = false
        options.captureOutput = true
        options.maxInstructions = 1_000_000
        let machine = try Machine(options: options)
        try machine.load(path: elf)
        return machine
    }

    /// Serves `packets` (in no-ack mode) to a fresh machine; returns one reply per packet.
    func serve(_ packets: [String], on machine: Machine? = nil) throws -> [String] {
        let input = frame("QStartNoAckMode") + packets.flatMap { frame($0) }
        let server = GDBServer(machine: try machine ?? makeMachine(), input: [UInt8(ascii: "+")] + input)
        _ = server.serve()
        return Array(replies(server.output).dropFirst())
    }

    func testGDBReadMemoryWithNegativeLengthIsAnError() throws {
        XCTAssertEqual(try serve(["m1c000000,-1", "m1c000000,ffffffffffffffff", "m-1,4", "m1c000000,4001", "m1c000000,"]),
                       ["E01", "E01", "E01", "E01", "E01"])
        // Past the end of the address space, not wrapped around to 0.
        XCTAssertEqual(try serve(["mffffffff,2", "m100000000,1"]), ["E01", "E01"])
        XCTAssertEqual(try serve(["m1c000000,4"]).first?.count, 8)
    }

    func testGDBWatchpointWrappingPastTheAddressSpaceIsAnError() throws {
        XCTAssertEqual(try serve(["Z2,fffffff0,20", "Z3,ffffffff,ffffffff", "Z4,2,ffffffff", "Z2,fffffff0,10", "z2,fffffff0,10"]),
                       ["E01", "E01", "E01", "OK", "OK"])
        XCTAssertEqual(try serve(["Z0,1c000000", "Z0,1c000000,2,3", "Z-1,0,4", "Z9,0,4"]), ["E01", "E01", "E01", ""])
    }

    func testGDBTargetDescriptionReadWithNegativeOrHugeRangeIsAnError() throws {
        let prefix = "qXfer:features:read:target.xml:"
        let r = try serve([prefix + "-1,10", prefix + "0,-1", prefix + "7fffffffffffffff,7fffffffffffffff",
                           prefix + "0,0", prefix + "ffffff,10", prefix + "0,ffffff"])
        XCTAssertEqual(Array(r[0..<4]), ["E01", "E01", "E01", "E01"])
        XCTAssertEqual(r[4], "l")                                    // past the end: nothing more
        XCTAssertTrue(r[5].hasPrefix("l<?xml") && r[5].hasSuffix("</target>\n"), r[5])
    }

    func testGDBWriteMemoryWithHugeLengthIsAnError() throws {
        XCTAssertEqual(try serve(["M0,4000000000000000:", "M0,8000000000000000:00", "M10000000,-1:", "M10000000,2:+f+f",
                                  "M10000000,1:0g", "M10000000,2:0102", "m10000000,2"]),
                       ["E01", "E01", "E01", "E01", "E01", "OK", "0102"])
        XCTAssertEqual(try serve(["X0,4000000000000000:", "Xfffffffe,4:abcd", "X10000000,-1:"]), ["E01", "E01", "E01"])
    }

    func testGDBThreadIdsOutOfRangeAreErrors() throws {
        XCTAssertEqual(try serve(["vCont;s:-8000000000000000", "vCont;c:ffffffffffffffffff", "vCont;x", "Hg9", "Hgffffffffffffffffff",
                                  "Hc-2", "Hx1", "T0", "T9", "qThreadExtraInfo,9", "p-1", "P-1=00000000", "P20=+0000000"]),
                       ["E01", "E01", "E01", "E01", "E01", "E01", "E01", "E01", "E01", "", "E01", "E01", "E01"])
        XCTAssertEqual(try serve(["Hg8", "qC", "Hg0", "qC", "Hc-1", "T8"]), ["OK", "QC8", "OK", "QC8", "OK", "OK"])
    }

    func testGDBBinaryWriteKeepsEscapedBytesAndBytesAbove0x7F() throws {
        // What gdb sends for `set {int}0x10000100 = 0xdeadbeef` and friends: X packets whose data
        // holds bytes above 0x7F and the escaped '$', '#', '}', '*'.
        let data: [UInt8] = [0xEF, 0xBE, 0xAD, 0xDE, 0x24, 0x23, 0x7D, 0x2A, 0x00, 0x80, 0xFF, 0x03]
        let machine = try makeMachine()
        let input = frame("QStartNoAckMode") + frame(Array("X10000100,c:".utf8) + data) + frame("m10000100,c")
        let server = GDBServer(machine: machine, input: input)
        _ = server.serve()
        XCTAssertEqual(replies(server.output), ["OK", "OK", data.map { String(format: "%02x", $0) }.joined()])
        XCTAssertEqual(machine.readMemory(0x1000_0100, count: data.count), data)
    }

    func testGDBChecksumsAcksAndOverlongPackets() throws {
        let machine = try makeMachine()
        var input: [UInt8] = Array("$g#00".utf8)                       // bad checksum: '-'
        input += Array("$qC#zz".utf8)                                   // not hex: '-'
        input += [UInt8(ascii: "$")] + [UInt8](repeating: UInt8(ascii: "m"), count: 0x5000) + Array("#00".utf8)
        input += frame("qC")                                            // good: '+' and a reply
        let server = GDBServer(machine: machine, input: input)
        _ = server.serve()
        let text = String(decoding: server.output, as: UTF8.self)
        XCTAssertTrue(text.hasPrefix("---+$QC1#"), text)
    }

    func testGDBInterruptDuringARunStopsIt() throws {
        // A 0x03 after a continue is there when the run starts: it stops at the first check
        // (fault-loop never ends by itself).
        let machine = try makeMachine("fault-loop")
        let input = frame("QStartNoAckMode") + frame("c") + [0x03] + frame("qC")
        let server = GDBServer(machine: machine, input: input)
        _ = server.serve()
        let r = replies(server.output)
        XCTAssertEqual(r.count, 3, "\(r)")
        XCTAssertTrue(r[1].hasPrefix("T05"), "\(r)")
        XCTAssertLessThan(machine.harts.reduce(0) { $0 + $1.instret }, 1_000_000)
    }

    func testMachineWatchpointAtTheTopOfTheAddressSpaceStopsThere() {
        XCTAssertEqual(Watchpoint(address: 0xFFFF_FFF0, length: 0x20, onRead: true, onWrite: true).range, 0xFFFF_FFF0...0xFFFF_FFFF)
        XCTAssertEqual(Watchpoint(address: 0xFFFF_FFFF, length: 0, onRead: true, onWrite: true).range, 0xFFFF_FFFF...0xFFFF_FFFF)
        XCTAssertEqual(Watchpoint(address: 0x100, length: 4, onRead: true, onWrite: true).range, 0x100...0x103)
    }

    func testMachineReadMemoryWithNegativeCountIsNil() throws {
        let machine = try makeMachine()
        XCTAssertNil(machine.readMemory(0x1C00_0000, count: -1))
        XCTAssertEqual(machine.readMemory(0x1C00_0000, count: 0), [])
    }
}
