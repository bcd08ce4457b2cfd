// A real gdb-multiarch session against `pulpsim run --gdb`: break in main of hart 3, inspect
// registers, watch a Z element that RedMulE writes, continue to the end. Also malformed packets.

import Foundation
import PulpSim
import XCTest

final class GDBTests: XCTestCase {
    func testSessionWithBreakpointRegistersAndRedMulEWatchpoint() throws {
        let elf = Paths.firmware("pulp-cluster", "gdb-gemm")
        try requireFirmware(elf)
        let session = try GDBSession.run(elf, """
        break main thread 4
        continue
        info threads
        printf "STOPPED hart %d pc %x\\n", $mhartid, $pc
        info registers sp a0 mhartid
        monitor harts
        delete
        watch Z[5]
        continue
        printf "Z5 %x\\n", Z[5]
        monitor redmule
        delete
        continue
        """)
        let text = session.text
        XCTAssertEqual(session.gdbStatus, 0, text)
        XCTAssertTrue(text.contains("Thread 4") && text.contains("hit Breakpoint 1"), text)
        XCTAssertTrue(text.contains("STOPPED hart 3 pc "), text)
        XCTAssertTrue(text.contains("mhartid        0x3"), text)
        XCTAssertTrue(text.contains("hart 7: pc"), text)                       // monitor harts
        XCTAssertTrue(text.contains("Hardware watchpoint 2: Z[5]"), text)
        XCTAssertTrue(text.contains("New value = 19456"), text)                  // 0x4c00 written by RedMulE
        XCTAssertTrue(text.contains("Z5 4c00"), text)
        XCTAssertTrue(text.contains("completed jobs: 1"), text)                  // monitor redmule
        XCTAssertTrue(text.contains("exited normally"), text)
        XCTAssertEqual(session.simStatus, 0, session.simStderr)
    }

    func testMalformedPacketsGetErrorsNotCrashes() throws {
        let elf = Paths.firmware("pulp-cluster", "gdb-gemm")
        try requireFirmware(elf)
        let machine = try Machine(options: MachineOptions(platform: .pulpCluster))
        try machine.load(path: elf)
        let server = UncheckedSendable(try GDBServer(machine: machine, port: 0))
        let port = server.value.port
        let thread = Thread { _ = server.value.serve() }
        thread.start()
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        XCTAssertEqual(connected, 0)
        func exchange(_ payload: String) -> String {
            let sum = payload.utf8.reduce(UInt8(0)) { $0 &+ $1 }
            let frame = "$\(payload)#\(String(format: "%02x", sum))"
            _ = frame.withCString { send(fd, $0, strlen($0), 0) }
            var reply = [UInt8]()
            var buffer = [UInt8](repeating: 0, count: 4096)
            while !(reply.contains(UInt8(ascii: "#")) && reply.count >= 3 && reply[reply.count - 3] == UInt8(ascii: "#")) {
                let n = recv(fd, &buffer, buffer.count, 0)
                if n <= 0 { break }
                reply += buffer[0..<n]
            }
            let text = String(decoding: reply, as: UTF8.self)
            guard let start = text.firstIndex(of: "$"), let end = text.lastIndex(of: "#") else { return text }
            return String(text[text.index(after: start)..<end])
        }
        XCTAssertEqual(exchange("m1c000000,zz"), "E01")
        XCTAssertEqual(exchange("mnothex"), "E01")
        XCTAssertEqual(exchange("m30000000,4"), "E14")      // unmapped
        XCTAssertEqual(exchange("M1c000000,4:12"), "E01")   // length mismatch
        XCTAssertEqual(exchange("p999999"), "E01")
        XCTAssertEqual(exchange("Pzz=1"), "E01")
        XCTAssertEqual(exchange("Z0,xyz"), "E01")
        XCTAssertEqual(exchange("Hgqq"), "E01")
        XCTAssertEqual(exchange("qUnknownThing"), "")
        XCTAssertEqual(exchange("p20").count, 8)            // pc readable
        XCTAssertEqual(exchange("m1c000000,4").count, 8)
        // 'k' has no reply: send it and close.
        _ = "$k#6b".withCString { send(fd, $0, strlen($0), 0) }
        close(fd)
    }

    func testRefusesNonLoopbackAddresses() {
        XCTAssertThrowsError(try GDBServer.parse("0.0.0.0:1234"))
        XCTAssertThrowsError(try GDBServer.parse("192.168.1.2:1234"))
        XCTAssertEqual(try GDBServer.parse("127.0.0.1:1234"), 1234)
        XCTAssertEqual(try GDBServer.parse("localhost:99"), 99)
        XCTAssertEqual(try GDBServer.parse("4242"), 4242)
    }
}

/// Hands a value to another thread that the test knows is its only user.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
