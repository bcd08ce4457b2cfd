// Debugging: a GDB remote-serial-protocol server (loopback only).
//
// Harts are threads (thread id = hart + 1). All-stop: when one hart stops (breakpoint,
// watchpoint, Ctrl-C, step), simulated time stops for every hart. `s`/`vCont;s:T` steps one hart
// by one instruction while the others stay put; `c` resumes the whole cluster. Memory accesses
// from the debugger touch RAM only (device registers have side effects and are refused).
// Watchpoints also fire on RedMulE's and the DMA's writes. `monitor redmule`, `monitor dma`,
// `monitor eu`, `monitor harts` describe the devices. Malformed packets get error replies: every number in a
// packet is parsed strictly (hex digits only, within its range) and every address range must lie
// inside the 32-bit address space, so nothing GDB (or anyone) sends can stop the simulator.
// `init(machine:input:)` serves a recorded byte stream from memory (tests, fuzzing).

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
    /// Serving a recorded byte stream (`init(machine:input:)`) instead of a socket.
    let inMemory: Bool
    /// Everything the server sent, when serving from memory.
    public private(set) var output: [UInt8] = []
    var noAck = false
    var generalThread = 1   // Hg: registers, memory
    var stepThread = 1
    /// Whether the last Hc named a thread (else reverse steps go to the thread of the last stop).
    var stepThreadNamed = false
    /// Bytes received and not yet consumed: `inbox[inboxPosition...]`.
    var inbox: [UInt8] = []
    var inboxPosition = 0
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
        inMemory = false
    }

    /// Serves `input`, everything a debugger sends, from memory instead of a socket: `serve()`
    /// handles it as if it arrived on a connection that closes after its last byte, and the
    /// replies collect in `output`. Bytes after a packet that resumes the machine are there
    /// already when it runs: a 0x03 among them interrupts the run as Ctrl-C would.
    public init(machine: Machine, input: [UInt8]) {
        self.machine = machine
        listener = -1
        port = 0
        inMemory = true
        inbox = input
    }

    deinit {
        if connection >= 0 { close(connection) }
        if listener >= 0 { close(listener) }
    }

    /// Waits for GDB, serves it until it detaches or kills, and returns the end of the run.
    public func serve() -> RunResult? {
        if !inMemory {
            connection = accept(listener, nil, nil)
            guard connection >= 0 else { return nil }
            var one: Int32 = 1
            setsockopt(connection, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        }
        machine.interruptCheck = { [unowned self] in self.pollInterrupt() }
        defer { machine.interruptCheck = nil }
        _ = history  // (its first checkpoint: the machine as the debugger finds it)
        var lastResult: RunResult?
        while let packet = readPacket() {
            if verbose { FileHandle.standardError.write("gdb> \(String(decoding: packet, as: UTF8.self))\n".data(using: .utf8)!) }
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

    /// Handles one packet (unescaped payload bytes: `X` carries binary data).
    func handle(_ bytes: [UInt8], lastResult: inout RunResult?) -> Action {
        guard let firstByte = bytes.first else { return .reply("") }
        if firstByte == UInt8(ascii: "X") { return .reply(recordingWrite(writeBinaryMemory(bytes))) }
        let first = Character(UnicodeScalar(firstByte))
        let body = String(decoding: bytes.dropFirst(), as: UTF8.self)
        switch first {
        case "?": return .reply(stopReply())
        case "q": return .reply(query(body))
        case "Q":
            if body == "StartNoAckMode" { send("OK"); noAck = true; return .none }
            return .reply("")
        case "H":
            // Hg/Hc with a thread id: -1 (all) and 0 (any) keep the current thread.
            guard let operation = body.first, operation == "g" || operation == "c",
                  let tid = parseThread(body.dropFirst()) else { return .reply("E01") }
            if operation == "g" { generalThread = tid > 0 ? tid : generalThread } else {
                stepThread = tid > 0 ? tid : stepThread
                stepThreadNamed = tid > 0
            }
            return .reply("OK")
        case "T":
            guard let tid = parseThread(Substring(body)), tid >= 1 else { return .reply("E01") }
            return .reply("OK")
        case "g": return .reply(readAllRegisters())
        case "G": return .reply(recordingWrite(writeAllRegisters(body)))
        case "p":
            guard let n = parseHex(Substring(body), max: UInt64(Int32.max)), let v = readRegister(Int(n), hart: hart) else {
                return .reply("E01")
            }
            return .reply(hex32(v))
        case "P":
            let parts = body.split(separator: "=", omittingEmptySubsequences: false)
            guard parts.count == 2, let n = parseHex(parts[0], max: UInt64(Int32.max)), let v = parseHex32LE(parts[1]),
                  writeRegister(Int(n), v, hart: hart) else { return .reply("E01") }
            return .reply(recordingWrite("OK"))
        case "m": return .reply(readMemory(body))
        case "M": return .reply(recordingWrite(writeMemory(body)))
        case "Z", "z": return .reply(breakpoint(insert: first == "Z", body))
        case "c": lastResult = resume(); return finishedOrStop(lastResult)
        case "b":
            // Reverse execution: bs (step back the continue thread), bc (continue back).
            guard body == "s" || body == "c" else { return .reply("") }
            return .reply(reverse(step: body == "s"))
        case "s": return step(hart, &lastResult)
        case "v": return vPacket(body, &lastResult)
        case "k": return .finish(nil)
        case "D": send("OK"); lastResult = machine.run(); return .finish(nil)
        default: return .reply("")
        }
    }

    var hart: Int { max(0, min(machine.harts.count - 1, generalThread - 1)) }

    /// A thread id: -1 (all threads), 0 (any thread) or a hart's thread (1...harts); nil for
    /// anything else.
    func parseThread(_ text: Substring) -> Int? {
        if text == "-1" { return -1 }
        guard let tid = parseHex(text, max: UInt64(machine.harts.count)) else { return nil }
        return Int(tid)
    }

    /// A hex number (digits only: no sign, no prefix, at least one digit) no larger than `max`.
    func parseHex(_ text: Substring, max: UInt64 = UInt64(UInt32.max)) -> UInt64? {
        guard !text.isEmpty else { return nil }
        var value: UInt64 = 0
        for c in text.utf8 {
            guard let digit = hexDigitValue(c) else { return nil }
            let (shifted, overflow) = value.multipliedReportingOverflow(by: 16)
            guard !overflow else { return nil }
            value = shifted | UInt64(digit)
            guard value <= max else { return nil }
        }
        return value
    }

    /// "addr,length" as GDB sends them in m, M and X: nil unless the address fits 32 bits,
    /// the length is at most `maxLength`, and the range does not run past the end of the address
    /// space.
    func parseRange(_ text: Substring, maxLength: Int) -> (address: UInt32, length: Int)? {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        guard parts.count == 2, let address = parseHex(parts[0]), let length = parseHex(parts[1], max: UInt64(maxLength)),
              address + length <= 0x1_0000_0000 else { return nil }
        return (UInt32(address), Int(length))
    }

    func query(_ q: String) -> String {
        if q.hasPrefix("Supported") {
            return "PacketSize=4000;qXfer:features:read+;QStartNoAckMode+;swbreak+;hwbreak+;vContSupported+;ReverseStep+;ReverseContinue+"
        }
        if q.hasPrefix("Xfer:features:read:target.xml:") {
            let range = q.dropFirst("Xfer:features:read:target.xml:".count).split(separator: ",", omittingEmptySubsequences: false)
            guard range.count == 2, let offset = parseHex(range[0], max: UInt64(Int32.max)),
                  let length = parseHex(range[1], max: UInt64(Int32.max)), length > 0 else { return "E01" }
            let xml = Array(GDBServer.targetDescription.utf8)
            if offset >= xml.count { return "l" }
            let end = min(xml.count, Int(offset) + Int(length))
            return (end == xml.count ? "l" : "m") + String(decoding: xml[Int(offset)..<end], as: UTF8.self)
        }
        if q == "fThreadInfo" { return "m" + (1...machine.harts.count).map { String($0, radix: 16) }.joined(separator: ",") }
        if q == "sThreadInfo" { return "l" }
        if q == "C" { return "QC" + String(generalThread, radix: 16) }
        if q == "Attached" { return "1" }
        if q.hasPrefix("ThreadExtraInfo,"), let tid = parseThread(q.dropFirst("ThreadExtraInfo,".count)), tid >= 1 {
            let h = machine.harts[tid - 1]
            return hexString("\(machine.hartName(tid - 1)) (\(machine.describeState(h)))")
        }
        if q.hasPrefix("Rcmd,") { return monitor(unhex(String(q.dropFirst(5)))) }
        return ""
    }

    func monitor(_ command: String) -> String {
        let text: String
        switch command.trimmingCharacters(in: .whitespaces) {
        case "redmule": text = machine.redmule?.describe() ?? "this platform has no RedMulE"
        case "dma": text = machine.dma?.describe() ?? "this platform has no DMA"
        case "eu", "event-unit": text = machine.eventUnit?.describe() ?? "this platform has no event unit"
        case "harts":
            text = machine.harts.map { h in
                String(format: "%@: pc 0x%08x, %llu instructions, %llu cycles, %@", machine.hartName(h.index) as NSString, h.pc,
                       h.instret, h.cycle, machine.describeState(h) as NSString)
            }.joined(separator: "\n")
        case let c where c.hasPrefix("checkpoint-interval"):
            if let n = UInt64(c.dropFirst("checkpoint-interval".count).trimmingCharacters(in: .whitespaces)), n > 0 {
                history.interval = n
                text = "reverse execution: a checkpoint every \(n) cycles"
            } else {
                text = "usage: monitor checkpoint-interval CYCLES (at least 1; now \(history.interval))"
            }
        case "statehash":
            text = String(format: "%016llx", machine.stateHash())
        case "history":
            text = "reverse execution: \(history.commands.count) commands, \(history.checkpoints.count) checkpoints, "
                + "instructions \(history.start)..\(history.position), \(history.replays) replays"
        default: text = "monitor commands: redmule, dma, eu (event unit), harts, statehash, history, checkpoint-interval CYCLES"
        }
        return hexString(text + "\n")
    }

    func vPacket(_ body: String, _ lastResult: inout RunResult?) -> Action {
        if body == "Cont?" { return .reply("vCont;c;C;s;S") }
        if body.hasPrefix("Cont;") {
            let actions = body.dropFirst(5).split(separator: ";")
            // Each action is a letter (c, C sig, s, S sig) and an optional ":thread-id".
            var parsed: [(step: Bool, tid: Int)] = []
            for action in actions {
                let parts = action.split(separator: ":", omittingEmptySubsequences: false)
                guard let kind = parts[0].first, "cCsS".contains(kind), parts.count <= 2 else { return .reply("E01") }
                var tid = -1
                if parts.count == 2 {
                    guard let t = parseThread(parts[1]) else { return .reply("E01") }
                    tid = t
                }
                parsed.append((kind == "s" || kind == "S", tid))
            }
            // A step action for some thread wins (GDB steps one thread, others are held); else continue.
            if let action = parsed.first(where: \.step) {
                let tid = action.tid > 0 ? action.tid : stepThread
                return step(max(0, min(machine.harts.count - 1, tid - 1)), &lastResult)
            }
            // Continue: every thread, or only those named (the others stay stopped).
            var only = Set<Int>()
            var all = false
            for action in parsed { if action.tid > 0 { only.insert(action.tid - 1) } else { all = true } }
            machine.runnableHarts = all || only.isEmpty ? nil : only
            defer { machine.runnableHarts = nil }
            lastResult = resume()
            return finishedOrStop(lastResult)
        }
        if body.hasPrefix("Kill") { return .finish("OK") }
        return .reply("")
    }

    func step(_ index: Int, _ lastResult: inout RunResult?) -> Action {
        if let end = history.record(.step(hart: index), { machine.step(hart: index) }) {
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
        return history.record(.run) { machine.run() }
    }

    /// The history reverse execution goes back in (its first checkpoint: the machine as the
    /// debugger found it).
    lazy var history = ReverseHistory(machine: machine)

    /// A reply to a write of registers or memory; a write that took place is part of the history.
    func recordingWrite(_ reply: String) -> String {
        if reply == "OK" { history.recordWrite() }
        return reply
    }

    /// `bs` / `bc`: back one instruction of the continue thread, or to the last breakpoint hit.
    func reverse(step: Bool) -> String {
        let thread = max(0, min(machine.harts.count - 1, (stepThreadNamed ? stepThread : generalThread) - 1))
        let landing = step ? history.stepBack(hart: thread) : history.continueBack()
        switch landing {
        case .at(let h):
            generalThread = h + 1
            return "T05thread:\(String(h + 1, radix: 16));"
        case .breakpoint(let h):
            generalThread = h + 1
            return "T05swbreak:;thread:\(String(h + 1, radix: 16));"
        case .start:
            return "T05replaylog:begin;thread:\(String(generalThread, radix: 16));"
        case .failed:
            return "E0E"
        }
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
        case 32: h.pc = v & ~1; h.core.pointee.jumpedTo = h.pc  // (the debugger moved it)
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
            guard let v = parseHex32LE(Substring(String(decoding: bytes[(8 * i)..<(8 * i + 8)], as: UTF8.self))) else { return "E01" }
            _ = writeRegister(i, v, hart: hart)
        }
        return "OK"
    }

    // MARK: Memory

    /// Longest memory transfer: what fits a packet of the size announced in qSupported.
    static let maxPacket = 0x4000

    func readMemory(_ body: String) -> String {
        guard let (address, length) = parseRange(Substring(body), maxLength: GDBServer.maxPacket) else { return "E01" }
        guard let bytes = machine.readMemory(address, count: length) else { return "E14" }
        return hexEncoded(bytes)
    }

    func writeMemory(_ body: String) -> String {
        let header = body.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard header.count == 2, let (address, length) = parseRange(header[0], maxLength: GDBServer.maxPacket) else { return "E01" }
        let data = Array(header[1].utf8)
        guard data.count % 2 == 0, data.count / 2 == length else { return "E01" }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(length)
        for i in 0..<length {
            guard let high = hexDigitValue(data[2 * i]), let low = hexDigitValue(data[2 * i + 1]) else { return "E01" }
            bytes.append(high << 4 | low)
        }
        return length == 0 || machine.writeMemory(address, bytes) ? "OK" : "E14"
    }

    /// X addr,length:binary — `packet` is the unescaped payload, starting with "X".
    func writeBinaryMemory(_ packet: [UInt8]) -> String {
        guard let colon = packet.firstIndex(of: UInt8(ascii: ":")),
              let (address, length) = parseRange(Substring(String(decoding: packet[1..<colon], as: UTF8.self)),
                                                 maxLength: GDBServer.maxPacket) else { return "E01" }
        let data = Array(packet[(colon + 1)...])
        guard data.count == length else { return "E01" }
        return length == 0 || machine.writeMemory(address, data) ? "OK" : "E14"
    }

    // MARK: Breakpoints and watchpoints

    func breakpoint(insert: Bool, _ body: String) -> String {
        // Z type,addr,kind (breakpoints: kind is the instruction's length; watchpoints: the length
        // of the watched range, which must not run past the end of the address space).
        let parts = body.split(separator: ",", omittingEmptySubsequences: false)
        guard parts.count == 3, let type = parseHex(parts[0], max: 0xFF), let address = parseHex(parts[1]),
              let length = parseHex(parts[2]) else { return "E01" }
        switch type {
        case 0, 1:
            if insert { machine.addBreakpoint(UInt32(address)) } else { machine.removeBreakpoint(UInt32(address)) }
        case 2, 3, 4:
            guard address + max(length, 1) <= 0x1_0000_0000 else { return "E01" }
            let w = Watchpoint(address: UInt32(address), length: UInt32(length), onRead: type != 2, onWrite: type != 3)
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
        transmit([UInt8(ascii: "$")] + escaped + Array(String(format: "#%02x", checksum).utf8))
    }

    func transmit(_ bytes: [UInt8]) {
        if inMemory { output += bytes; return }
        bytes.withUnsafeBufferPointer { _ = Glibc.send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Whether a received byte is waiting (reads the socket if none is; `block`: wait for one).
    func hasInput(block: Bool) -> Bool {
        if inboxPosition < inbox.count { return true }
        if inMemory { return false }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = buffer.withUnsafeMutableBufferPointer { recv(connection, $0.baseAddress, $0.count, block ? 0 : Int32(MSG_DONTWAIT)) }
        if n <= 0 { return false }
        inbox = Array(buffer[0..<n])
        inboxPosition = 0
        return true
    }

    func receiveByte(block: Bool) -> UInt8? {
        guard hasInput(block: block) else { return nil }
        inboxPosition += 1
        return inbox[inboxPosition - 1]
    }

    /// Reads the next packet's payload, unescaped (handles acks, Ctrl-C, checksums, packets longer
    /// than announced); nil when GDB disconnects.
    func readPacket() -> [UInt8]? {
        while true {
            guard let b = receiveByte(block: true) else { return nil }
            if b == 0x03 { return Array("?".utf8) }  // interrupt while stopped: just report the stop
            if b != UInt8(ascii: "$") { continue }  // '+', '-', noise
            var data: [UInt8] = []
            var sum: UInt8 = 0  // over the bytes as sent, escapes included
            var escaped = false
            var tooLong = false
            while true {
                guard let c = receiveByte(block: true) else { return nil }
                if c == UInt8(ascii: "#") && !escaped { break }
                sum &+= c
                if c == UInt8(ascii: "}") && !escaped { escaped = true; continue }
                if data.count < GDBServer.maxPacket { data.append(escaped ? c ^ 0x20 : c) } else { tooLong = true }
                escaped = false
            }
            guard let h1 = receiveByte(block: true), let h2 = receiveByte(block: true) else { return nil }
            let expected = hexDigitValue(h1).flatMap { high in hexDigitValue(h2).map { high << 4 | $0 } }
            let valid = expected == sum
            if !noAck {
                transmit([valid && !tooLong ? UInt8(ascii: "+") : UInt8(ascii: "-")])
                if !valid || tooLong { continue }
            } else if tooLong {
                send("E01")
                continue
            }
            return data
        }
    }

    /// True if GDB sent Ctrl-C while the machine runs (any other byte stays for `readPacket`).
    func pollInterrupt() -> Bool {
        guard hasInput(block: false), inbox[inboxPosition] == 0x03 else { return false }
        inboxPosition += 1
        return true
    }

    /// A register value as GDB reads it: 8 hex digits, least significant byte first.
    func hex32(_ v: UInt32) -> String {
        hexEncoded([UInt8(truncatingIfNeeded: v), UInt8(truncatingIfNeeded: v >> 8), UInt8(truncatingIfNeeded: v >> 16),
                    UInt8(truncatingIfNeeded: v >> 24)])
    }

    /// A register value as GDB sends it: 8 hex digits, least significant byte first.
    func parseHex32LE(_ s: Substring) -> UInt32? {
        guard s.utf8.count == 8, let v = parseHex(s) else { return nil }
        return UInt32(v).byteSwapped
    }

    func hexString(_ s: String) -> String { hexEncoded(s.utf8) }

    func unhex(_ s: String) -> String {
        var bytes: [UInt8] = []
        var chars = Array(s.utf8)[...]
        while chars.count >= 2 {
            if let high = hexDigitValue(chars[chars.startIndex]), let low = hexDigitValue(chars[chars.startIndex + 1]) {
                bytes.append(high << 4 | low)
            }
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

/// Two lowercase hex digits per byte (memory reads of up to 16 KiB: no formatting per byte).
func hexEncoded<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
    let digits: StaticString = "0123456789abcdef"
    var text: [UInt8] = []
    text.reserveCapacity(2 * bytes.underestimatedCount)
    for b in bytes {
        text.append(digits.utf8Start[Int(b >> 4)])
        text.append(digits.utf8Start[Int(b & 15)])
    }
    return String(decoding: text, as: UTF8.self)
}

/// The value of an ASCII hex digit (either case), nil for any other byte.
func hexDigitValue(_ c: UInt8) -> UInt8? {
    switch c {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
    default: return nil
    }
}
