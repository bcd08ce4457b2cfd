// Debugging: a GDB remote-serial-protocol server (loopback only).
//
// Harts are threads (thread id = hart + 1). All-stop: when one hart stops (breakpoint,
// watchpoint, Ctrl-C, step), simulated time stops for every hart. `s`/`vCont;s:T` steps one hart
// by one instruction while the others stay put; `c` resumes the whole cluster. Memory accesses
// from the debugger touch RAM only (device registers have side effects and are refused).
// Watchpoints also fire on RedMulE's result writes. `monitor redmule`, `monitor eu`,
// `monitor harts` describe the devices. Malformed packets get error replies.

import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Why the GDB server could not start.
public enum GDBServerError: Error, CustomStringConvertible {
    case notLoopback(String)
    case socket(String)
    public var description: String {
        switch self {
        case .notLoopback(let host): return "the gdb server listens on loopback only (127.0.0.1 / localhost), not on '\(host)'"
        case .socket(let what): return "gdb server: \(what)"
        }
    }
}

/// Serves one GDB connection for a machine.
public final class GDBServer {
    let machine: Machine
    let listener: Int32
    public let port: UInt16
    var connection: Int32 = -1
    var noAck = false
    var generalThread = 1   // Hg: registers, memory
    var stepThread = 1
    var inbox: [UInt8] = []
    /// Log of protocol traffic (stderr) when set.
    public var verbose = false

    /// Parses "PORT", "localhost:PORT" or "127.0.0.1:PORT"; anything not loopback is refused.
    public static func parse(_ text: String) throws -> UInt16 {
        var host = "127.0.0.1", portText = text
        if let colon = text.lastIndex(of: ":") {
            host = String(text[..<colon])
            portText = String(text[text.index(after: colon)...])
        }
        guard ["127.0.0.1", "localhost", "", "::1", "[::1]"].contains(host) || host.hasPrefix("127.") else {
            throw GDBServerError.notLoopback(host)
        }
        guard let port = UInt16(portText) else { throw GDBServerError.socket("bad port '\(portText)'") }
        return port
    }

    /// Binds 127.0.0.1:`port` (0 = any free port; see `port`).
    public init(machine: Machine, port: UInt16) throws {
        self.machine = machine
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw GDBServerError.socket("socket(): \(String(cString: strerror(errno)))") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else {
            close(fd)
            throw GDBServerError.socket("cannot listen on 127.0.0.1:\(port): \(String(cString: strerror(errno)))")
        }
        listen(fd, 1)
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.port = UInt16(bigEndian: actual.sin_port)
        listener = fd
    }

    deinit {
        if connection >= 0 { close(connection) }
        close(listener)
    }

    /// Waits for GDB, serves it until it detaches or kills, and returns the end of the run.
    public func serve() -> RunResult? {
        connection = accept(listener, nil, nil)
        guard connection >= 0 else { return nil }
        var one: Int32 = 1
        setsockopt(connection, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        machine.interruptCheck = { [unowned self] in self.pollInterrupt() }
        defer { machine.interruptCheck = nil }
        var lastResult: RunResult?
        while let packet = readPacket() {
            if verbose { FileHandle.standardError.write("gdb> \(packet)\n".data(using: .utf8)!) }
            switch handle(packet, lastResult: &lastResult) {
            case .reply(let text): send(text)
            case .none: break
            case .finish(let reply):
                if let reply { send(reply) }
                return lastResult
            }
        }
        return lastResult
    }

    enum Action { case reply(String), none, finish(String?) }

    // MARK: Packet handling

    func handle(_ packet: String, lastResult: inout RunResult?) -> Action {
        guard let first = packet.first else { return .reply("") }
        let body = String(packet.dropFirst())
        switch first {
        case "?": return .reply(stopReply())
        case "q": return .reply(query(body))
        case "Q":
            if body == "StartNoAckMode" { send("OK"); noAck = true; return .none }
            return .reply("")
        case "H":
            guard body.count >= 2, let tid = parseThread(String(body.dropFirst())) else { return .reply("E01") }
            if body.first == "g" { generalThread = tid > 0 ? tid : generalThread } else { stepThread = tid > 0 ? tid : stepThread }
            return .reply("OK")
        case "T":
            guard let tid = parseThread(body), tid >= 1, tid <= machine.harts.count else { return .reply("E01") }
            return .reply("OK")
        case "g": return .reply(readAllRegisters())
        case "G": return .reply(writeAllRegisters(body))
        case "p":
            guard let n = Int(body, radix: 16), let v = readRegister(n, hart: hart) else { return .reply("E01") }
            return .reply(hex32(v))
        case "P":
            let parts = body.split(separator: "=")
            guard parts.count == 2, let n = Int(parts[0], radix: 16), let v = parseHex32LE(String(parts[1])),
                  writeRegister(n, v, hart: hart) else { return .reply("E01") }
            return .reply("OK")
        case "m": return .reply(readMemory(body))
        case "M": return .reply(writeMemory(body))
        case "X": return .reply(writeBinaryMemory(packet))
        case "Z", "z": return .reply(breakpoint(insert: first == "Z", body))
        case "c": lastResult = resume(); return finishedOrStop(lastResult)
        case "s": return step(hart, &lastResult)
        case "v": return vPacket(body, &lastResult)
        case "k": return .finish(nil)
        case "D": send("OK"); lastResult = machine.run(); return .finish(nil)
        default: return .reply("")
        }
    }

    var hart: Int { max(0, min(machine.harts.count - 1, generalThread - 1)) }

    func parseThread(_ text: String) -> Int? {
        if text == "-1" { return -1 }
        if text == "0" { return 0 }
        return Int(text, radix: 16)
    }

    func query(_ q: String) -> String {
        if q.hasPrefix("Supported") {
            return "PacketSize=4000;qXfer:features:read+;QStartNoAckMode+;swbreak+;hwbreak+;vContSupported+"
        }
        if q.hasPrefix("Xfer:features:read:target.xml:") {
            let range = q.dropFirst("Xfer:features:read:target.xml:".count).split(separator: ",")
            guard range.count == 2, let offset = Int(range[0], radix: 16), let length = Int(range[1], radix: 16) else { return "E01" }
            let xml = Array(GDBServer.targetDescription.utf8)
            if offset >= xml.count { return "l" }
            let end = min(xml.count, offset + length)
            return (end == xml.count ? "l" : "m") + String(decoding: xml[offset..<end], as: UTF8.self)
        }
        if q == "fThreadInfo" { return "m" + (1...machine.harts.count).map { String($0, radix: 16) }.joined(separator: ",") }
        if q == "sThreadInfo" { return "l" }
        if q == "C" { return "QC" + String(generalThread, radix: 16) }
        if q == "Attached" { return "1" }
        if q.hasPrefix("ThreadExtraInfo,"), let tid = Int(q.dropFirst("ThreadExtraInfo,".count), radix: 16),
           tid >= 1, tid <= machine.harts.count {
            let h = machine.harts[tid - 1]
            return hexString("hart \(tid - 1) (\(machine.describeState(h)))")
        }
        if q.hasPrefix("Rcmd,") { return monitor(unhex(String(q.dropFirst(5)))) }
        return ""
    }

    func monitor(_ command: String) -> String {
        let text: String
        switch command.trimmingCharacters(in: .whitespaces) {
        case "redmule": text = machine.redmule?.describe() ?? "this platform has no RedMulE"
        case "eu", "event-unit": text = machine.eventUnit?.describe() ?? "this platform has no event unit"
        case "harts":
            text = machine.harts.map { h in
                String(format: "hart %d: pc 0x%08x, %llu instructions, %llu cycles, %@", h.index, h.pc, h.instret, h.cycle,
                       machine.describeState(h) as NSString)
            }.joined(separator: "\n")
        default: text = "monitor commands: redmule, eu (event unit), harts"
        }
        return hexString(text + "\n")
    }

    func vPacket(_ body: String, _ lastResult: inout RunResult?) -> Action {
        if body == "Cont?" { return .reply("vCont;c;C;s;S") }
        if body.hasPrefix("Cont;") {
            let actions = body.dropFirst(5).split(separator: ";")
            // A step action for some thread wins (GDB steps one thread, others are held); else continue.
            for action in actions where action.hasPrefix("s") || action.hasPrefix("S") {
                let parts = action.split(separator: ":")
                let tid = parts.count > 1 ? (Int(parts[1], radix: 16) ?? stepThread) : stepThread
                return step(max(0, min(machine.harts.count - 1, tid - 1)), &lastResult)
            }
            // Continue: every thread, or only those named (the others stay stopped).
            var only = Set<Int>()
            var all = false
            for action in actions where action.hasPrefix("c") || action.hasPrefix("C") {
                let parts = action.split(separator: ":")
                if parts.count > 1, let tid = Int(parts[1], radix: 16), tid > 0 { only.insert(tid - 1) } else { all = true }
            }
            machine.runnableHarts = all || only.isEmpty ? nil : only
            defer { machine.runnableHarts = nil }
            lastResult = resume()
            return finishedOrStop(lastResult)
        }
        if body.hasPrefix("Kill") { return .finish("OK") }
        return .reply("")
    }

    func step(_ index: Int, _ lastResult: inout RunResult?) -> Action {
        if let end = machine.step(hart: index) {
            lastResult = RunResult(reason: end, harts: machine.summaries(), wallSeconds: 0, output: machine.console.captured)
            return finishedOrStop(lastResult)
        }
        if machine.control.end != nil {
            lastResult = RunResult(reason: machine.control.end!, harts: machine.summaries(), wallSeconds: 0, output: "")
            return finishedOrStop(lastResult)
        }
        generalThread = index + 1
        return .reply("T05thread:\(String(index + 1, radix: 16));")
    }

    func resume() -> RunResult {
        machine.watchHit = nil
        return machine.run()
    }

    func finishedOrStop(_ result: RunResult?) -> Action {
        guard let result else { return .reply(stopReply()) }
        switch result.reason {
        case .stopped(let hart, _):
            generalThread = hart + 1
            return .reply(stopReply())
        case .exited(let code, _):
            return .finish("W" + String(format: "%02x", code & 0xFF))
        default:
            // Traps without handler, deadlocks, limits, RedMulE errors: report as a signal so the
            // user can inspect state; the run cannot continue.
            send("O" + hexString("pulpsim: " + (machine.report(for: result) ?? result.reason.name) + "\n"))
            return .finish("X06")
        }
    }

    func stopReply() -> String {
        let tid = String(hart + 1, radix: 16)
        if let hit = machine.watchHit {
            return String(format: "T05%@:%x;thread:%@;", hit.isWrite ? "watch" : "rwatch", hit.address, tid)
        }
        if machine.breakpoints.contains(machine.harts[hart].pc) { return "T05swbreak:;thread:\(tid);" }
        return "T05thread:\(tid);"
    }

    // MARK: Registers (0-31 x, 32 pc, 33-64 f, 65 + csr number)

    func readRegister(_ n: Int, hart index: Int) -> UInt32? {
        let h = machine.harts[index]
        switch n {
        case 0..<32: return h.x[n]
        case 32: return h.pc
        case 33..<65: return h.f[n - 33]
        case 65..<(65 + 4096): return h.readCSR(UInt32(n - 65), timeNow: h.cycle)
        default: return nil
        }
    }

    func writeRegister(_ n: Int, _ v: UInt32, hart index: Int) -> Bool {
        let h = machine.harts[index]
        switch n {
        case 0: return true
        case 1..<32: h.x[n] = v
        case 32: h.pc = v & ~1
        case 33..<65: h.f[n - 33] = v
        case 65..<(65 + 4096): return h.writeCSR(UInt32(n - 65), v) || (n - 65 == Int(CSR.mhartid))
        default: return false
        }
        return true
    }

    func readAllRegisters() -> String {
        (0..<65).map { hex32(readRegister($0, hart: hart) ?? 0) }.joined()
    }

    func writeAllRegisters(_ body: String) -> String {
        let bytes = Array(body.utf8)
        guard bytes.count % 8 == 0 else { return "E01" }
        for i in 0..<min(65, bytes.count / 8) {
            guard let v = parseHex32LE(String(decoding: bytes[(8 * i)..<(8 * i + 8)], as: UTF8.self)) else { return "E01" }
            _ = writeRegister(i, v, hart: hart)
        }
        return "OK"
    }

    // MARK: Memory

    func readMemory(_ body: String) -> String {
        let parts = body.split(separator: ",")
        guard parts.count == 2, let address = UInt32(parts[0], radix: 16), let length = Int(parts[1], radix: 16),
              length <= 0x4000 else { return "E01" }
        guard let bytes = machine.readMemory(address, count: length) else { return "E14" }
        return bytes.map { String(format: "%02x", $0) }.joined()
    }

    func writeMemory(_ body: String) -> String {
        let header = body.split(separator: ":", maxSplits: 1)
        guard header.count >= 1 else { return "E01" }
        let parts = header[0].split(separator: ",")
        guard parts.count == 2, let address = UInt32(parts[0], radix: 16), let length = Int(parts[1], radix: 16) else { return "E01" }
        let data = header.count > 1 ? Array(header[1].utf8) : []
        guard data.count == 2 * length else { return "E01" }
        var bytes: [UInt8] = []
        for i in 0..<length {
            guard let b = UInt8(String(decoding: data[(2 * i)..<(2 * i + 2)], as: UTF8.self), radix: 16) else { return "E01" }
            bytes.append(b)
        }
        return machine.writeMemory(address, bytes) ? "OK" : "E14"
    }

    func writeBinaryMemory(_ packet: String) -> String {
        // X addr,len:binary — the packet text here is already unescaped.
        let raw = Array(packet.utf8)
        guard let colon = raw.firstIndex(of: UInt8(ascii: ":")) else { return "E01" }
        let header = String(decoding: raw[1..<colon], as: UTF8.self).split(separator: ",")
        guard header.count == 2, let address = UInt32(header[0], radix: 16), let length = Int(header[1], radix: 16) else { return "E01" }
        let data = Array(raw[(colon + 1)...])
        guard data.count == length else { return "E01" }
        return length == 0 || machine.writeMemory(address, data) ? "OK" : "E14"
    }

    // MARK: Breakpoints and watchpoints

    func breakpoint(insert: Bool, _ body: String) -> String {
        let parts = body.split(separator: ",")
        guard parts.count >= 3, let type = Int(parts[0]), let address = UInt32(parts[1], radix: 16),
              let length = UInt32(parts[2], radix: 16) else { return "E01" }
        switch type {
        case 0, 1:
            if insert { machine.addBreakpoint(address) } else { machine.removeBreakpoint(address) }
        case 2, 3, 4:
            let w = Watchpoint(address: address, length: length, onRead: type != 2, onWrite: type != 3)
            if insert { machine.watchpoints.append(w) } else { machine.watchpoints.removeAll { $0 == w } }
        default: return ""
        }
        return "OK"
    }

    // MARK: Wire protocol

    func send(_ payload: String) {
        if verbose { FileHandle.standardError.write("gdb< \(payload.prefix(200))\n".data(using: .utf8)!) }
        var escaped: [UInt8] = []
        for b in payload.utf8 {
            if b == UInt8(ascii: "$") || b == UInt8(ascii: "#") || b == UInt8(ascii: "}") || b == UInt8(ascii: "*") {
                escaped.append(UInt8(ascii: "}")); escaped.append(b ^ 0x20)
            } else { escaped.append(b) }
        }
        let checksum = escaped.reduce(UInt8(0)) { $0 &+ $1 }
        let frame = [UInt8(ascii: "$")] + escaped + Array(String(format: "#%02x", checksum).utf8)
        frame.withUnsafeBufferPointer { _ = Glibc.send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    func receiveByte(block: Bool) -> UInt8? {
        if inbox.isEmpty {
            var buffer = [UInt8](repeating: 0, count: 4096)
            let n = buffer.withUnsafeMutableBufferPointer { recv(connection, $0.baseAddress, $0.count, block ? 0 : Int32(MSG_DONTWAIT)) }
            if n <= 0 { return nil }
            inbox.append(contentsOf: buffer[0..<n])
        }
        return inbox.isEmpty ? nil : inbox.removeFirst()
    }

    /// Reads the next packet (handles acks, Ctrl-C, checksums); nil when GDB disconnects.
    func readPacket() -> String? {
        while true {
            guard let b = receiveByte(block: true) else { return nil }
            if b == 0x03 { return "?" }  // interrupt while stopped: just report the stop
            if b != UInt8(ascii: "$") { continue }  // '+', '-', noise
            var data: [UInt8] = []
            var escaped = false
            while true {
                guard let c = receiveByte(block: true) else { return nil }
                if c == UInt8(ascii: "#") && !escaped { break }
                if c == UInt8(ascii: "}") && !escaped { escaped = true; continue }
                data.append(escaped ? c ^ 0x20 : c)
                escaped = false
            }
            guard let h1 = receiveByte(block: true), let h2 = receiveByte(block: true) else { return nil }
            let expected = UInt8(String(decoding: [h1, h2], as: UTF8.self), radix: 16)
            // Checksums are over the escaped bytes; recompute the same way to compare.
            var sum: UInt8 = 0
            for c in data {
                if c == UInt8(ascii: "$") || c == UInt8(ascii: "#") || c == UInt8(ascii: "}") || c == UInt8(ascii: "*") {
                    sum = sum &+ UInt8(ascii: "}") &+ (c ^ 0x20)
                } else { sum = sum &+ c }
            }
            if !noAck {
                let ack: UInt8 = expected == sum ? UInt8(ascii: "+") : UInt8(ascii: "-")
                _ = withUnsafePointer(to: ack) { Glibc.send(connection, $0, 1, Int32(MSG_NOSIGNAL)) }
                if expected != sum { continue }
            }
            return String(decoding: data, as: UTF8.self)
        }
    }

    /// True if GDB sent Ctrl-C while the machine runs.
    func pollInterrupt() -> Bool {
        guard let b = receiveByte(block: false) else { return false }
        if b == 0x03 { return true }
        inbox.insert(b, at: 0)
        return false
    }

    func hex32(_ v: UInt32) -> String {
        String(format: "%02x%02x%02x%02x", v & 0xFF, (v >> 8) & 0xFF, (v >> 16) & 0xFF, v >> 24)
    }

    func parseHex32LE(_ s: String) -> UInt32? {
        guard s.count == 8, let v = UInt32(s, radix: 16) else { return nil }
        return v.byteSwapped
    }

    func hexString(_ s: String) -> String { s.utf8.map { String(format: "%02x", $0) }.joined() }

    func unhex(_ s: String) -> String {
        var bytes: [UInt8] = []
        var chars = Array(s.utf8)[...]
        while chars.count >= 2 {
            if let b = UInt8(String(decoding: chars.prefix(2), as: UTF8.self), radix: 16) { bytes.append(b) }
            chars = chars.dropFirst(2)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Target description: GDB's RISC-V cpu, fpu and a csr feature (regnum = 65 + CSR number).
    static let targetDescription: String = {
        var xml = "<?xml version=\"1.0\"?>\n<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n<target version=\"1.0\">\n"
        xml += "<architecture>riscv:rv32</architecture>\n<feature name=\"org.gnu.gdb.riscv.cpu\">\n"
        let names = ["zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "fp", "s1"] + integerRegisterNames[10...]
        for (i, n) in names.enumerated() {
            let type = i == 1 ? "code_ptr" : i == 2 ? "data_ptr" : "int"
            xml += "  <reg name=\"\(n)\" bitsize=\"32\" type=\"\(type)\" regnum=\"\(i)\"/>\n"
        }
        xml += "  <reg name=\"pc\" bitsize=\"32\" type=\"code_ptr\" regnum=\"32\"/>\n</feature>\n"
        xml += "<feature name=\"org.gnu.gdb.riscv.fpu\">\n"
        for (i, n) in floatRegisterNames.enumerated() {
            xml += "  <reg name=\"\(n)\" bitsize=\"32\" type=\"ieee_single\" regnum=\"\(33 + i)\"/>\n"
        }
        // The CSRs, from the CSR table: the FP ones in the fpu feature, the others in the csr feature.
        let fp = CSRTable.all.filter { $0.effects.contains(.dirtiesFloatState) }
        for csr in fp {
            xml += "  <reg name=\"\(csr.name)\" bitsize=\"32\" type=\"int\" regnum=\"\(65 + Int(csr.number))\"/>\n"
        }
        xml += "</feature>\n<feature name=\"org.gnu.gdb.riscv.csr\">\n"
        for csr in CSRTable.all where !csr.effects.contains(.dirtiesFloatState) {
            xml += "  <reg name=\"\(csr.name)\" bitsize=\"32\" type=\"int\" regnum=\"\(65 + Int(csr.number))\"/>\n"
        }
        xml += "</feature>\n</target>\n"
        return xml
    }()
}
