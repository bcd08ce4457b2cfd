// Tracing: one line per retired instruction in Spike's `--log-commits` format (SPEC §10), with
// optional extra columns, or JSON lines; device events in the same stream; per-hart files or one
// stream merged in simulated-time order; filters by hart, pc range, start/stop point.
//
// Lines are formatted into a byte buffer (no String building per instruction) and written with
// stdio buffering. The merged stream holds each hart's lines until no running hart can produce an
// earlier cycle, then emits them in (cycle, hart) order.

import Foundation

/// Output formats of the instruction trace.
public enum TraceFormat: String, Sendable, CaseIterable {
    /// Exactly Spike's commit log.
    case spike
    /// Spike's line prefixed by the cycle, followed by symbol+offset and disassembly.
    case pulpsim
    /// One JSON object per line.
    case jsonl
}

/// Where a trace starts or stops.
public enum TracePoint: Sendable, Equatable {
    case symbol(String)
    case pc(UInt32)
    /// Total retired instructions of the traced hart.
    case instruction(UInt64)
    case cycle(UInt64)

    /// Parses "main", "0x1c000100", "i:1000" (instruction count) or "c:5000" (cycle).
    public init?(parsing text: String) {
        if text.hasPrefix("i:"), let n = UInt64(text.dropFirst(2)) { self = .instruction(n); return }
        if text.hasPrefix("c:"), let n = UInt64(text.dropFirst(2)) { self = .cycle(n); return }
        if text.hasPrefix("0x"), let v = UInt32(text.dropFirst(2), radix: 16) { self = .pc(v); return }
        if text.isEmpty { return nil }
        self = .symbol(text)
    }
}

/// What to trace and where to.
public struct TraceOptions: Sendable {
    public var format: TraceFormat = .spike
    /// Output path; nil = standard error. With `perHart`, "%h" in the path is replaced by the hart
    /// index (or ".hartN" is appended).
    public var path: String? = nil
    public var perHart = false
    /// Only these harts (nil = all).
    public var harts: Set<Int>? = nil
    /// Only instructions whose pc lies in one of these ranges (nil = all).
    public var pcRanges: [ClosedRange<UInt32>]? = nil
    /// Symbolic pc ranges ("main", "kernel") resolved after loading.
    public var pcSymbols: [String] = []
    public var start: TracePoint? = nil
    public var stop: TracePoint? = nil
    /// Include device events (RedMulE, event unit, end of run) as comment lines / JSON events.
    public var deviceEvents = true
    public init() {}
}

/// An architectural effect of one instruction, in Spike's commit-log order.
struct TraceEffect {
    enum Kind: UInt8 { case x, f, csr, load, store }
    var kind: Kind
    var number: UInt32   // register or CSR number; for memory: access size in bytes
    var value: UInt32    // written value / store data
    var address: UInt32  // memory address
}

/// Formats and writes trace lines.
public final class Tracer {
    let options: TraceOptions
    var symbols: SymbolTable
    private var sinks: [Int: UnsafeMutablePointer<FILE>] = [:]
    private var sharedSink: UnsafeMutablePointer<FILE>?
    private var ownsShared = false
    /// Merged mode: pending lines per hart, each with its cycle.
    private var pending: [[(cycle: UInt64, line: [UInt8])]]
    /// The line being formatted (raw buffer: formatting is on the traced hot path).
    private let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: 8192)
    private var length = 0
    /// Precomputed "core   N: 3 0x" prefixes (stride 16) and " x5  0x" / " f12 0x" labels (stride 8),
    /// in raw memory so that formatting does no reference counting.
    private let corePrefixes: UnsafeMutablePointer<UInt8>
    private let corePrefixLength: Int
    private let registerLabels: UnsafeMutablePointer<UInt8>
    private let hexTable: UnsafeMutablePointer<UInt8> = {
        let t = UnsafeMutablePointer<UInt8>.allocate(capacity: 16)
        for (i, c) in "0123456789abcdef".utf8.enumerated() { t[i] = c }
        return t
    }()
    /// Hot-path copies of options.
    let format: TraceFormat
    private let hartMask: UInt64
    private let filtersPC: Bool
    private let hasStart: Bool
    private let hasStop: Bool
    /// Whether lines need symbol and disassembly text (not the Spike format).
    public var needsDisassembly: Bool { format != .spike }
    /// Per-hart: tracing currently enabled by start/stop points.
    var active: [Bool]
    var stopped: [Bool]
    /// Lines written (tests, cost measurements).
    public private(set) var linesWritten: UInt64 = 0
    /// When set, lines go here instead of files (post-mortem history, tests).
    var capture: ((Int, String) -> Void)?

    static func tables(_ harts: Int) -> (UnsafeMutablePointer<UInt8>, Int, UnsafeMutablePointer<UInt8>) {
        let prefixes = UnsafeMutablePointer<UInt8>.allocate(capacity: 16 * max(harts, 1))
        var prefixLength = 0
        for h in 0..<harts {
            let id = String(h)
            let bytes = Array(("core" + String(repeating: " ", count: max(0, 4 - id.count)) + id + ": 3 0x").utf8)
            for (i, b) in bytes.enumerated() { prefixes[16 * h + i] = b }
            prefixLength = bytes.count
        }
        let labels = UnsafeMutablePointer<UInt8>.allocate(capacity: 64 * 8)
        for kind in 0..<2 {
            for n in 0..<32 {
                let bytes = Array((" " + (kind == 0 ? "x" : "f") + String(n) + (n < 10 ? " " : "") + " 0x").utf8)
                for (i, b) in bytes.enumerated() { labels[8 * (32 * kind + n) + i] = b }
            }
        }
        return (prefixes, prefixLength, labels)
    }

    public init(options: TraceOptions, harts: Int, symbols: SymbolTable) throws {
        (corePrefixes, corePrefixLength, registerLabels) = Tracer.tables(harts)
        format = options.format
        hartMask = options.harts.map { $0.reduce(UInt64(0)) { $0 | (UInt64(1) << UInt64($1 & 63)) } } ?? ~0
        filtersPC = options.pcRanges != nil
        hasStart = options.start != nil
        hasStop = options.stop != nil
        self.options = options
        self.symbols = symbols
        pending = Array(repeating: [], count: harts)
        active = Array(repeating: options.start == nil, count: harts)
        stopped = Array(repeating: false, count: harts)
        if options.perHart {
            for h in 0..<harts where options.harts?.contains(h) ?? true {
                let base = options.path ?? "trace"
                let path = base.contains("%h") ? base.replacingOccurrences(of: "%h", with: "\(h)") : "\(base).hart\(h)"
                guard let f = fopen(path, "w") else { throw MachineError.invalidOption("cannot open trace file '\(path)' for writing") }
                setvbuf(f, nil, _IOFBF, 1 << 20)
                sinks[h] = f
            }
        } else if let path = options.path {
            guard let f = fopen(path, "w") else { throw MachineError.invalidOption("cannot open trace file '\(path)' for writing") }
            setvbuf(f, nil, _IOFBF, 1 << 20)
            sharedSink = f
            ownsShared = true
        } else {
            sharedSink = stderr
        }
        merged = !options.perHart
        holdLines = merged && harts > 1
    }

    init(capturing harts: Int, symbols: SymbolTable, format: TraceFormat, capture: @escaping (Int, String) -> Void) {
        var o = TraceOptions()
        o.format = format
        options = o
        (corePrefixes, corePrefixLength, registerLabels) = Tracer.tables(harts)
        self.format = format
        hartMask = ~0
        filtersPC = false
        hasStart = false
        hasStop = false
        self.symbols = symbols
        pending = Array(repeating: [], count: harts)
        active = Array(repeating: true, count: harts)
        stopped = Array(repeating: false, count: harts)
        self.capture = capture
        capturing = true
    }

    deinit {
        close()
        buffer.deallocate()
        corePrefixes.deallocate()
        registerLabels.deallocate()
        hexTable.deallocate()
    }

    /// Flushes everything and closes files.
    public func close() {
        flushPending(upTo: .max)
        for (_, f) in sinks { fclose(f) }
        sinks = [:]
        if let s = sharedSink { if ownsShared { fclose(s) } else { fflush(s) } }
        sharedSink = nil
    }

    /// One stream for several harts, merged in time order (set at creation).
    private(set) var merged = false
    private var capturing = false
    private var holdLines = false

    // MARK: Filtering

    /// Whether instruction at `pc` of `hart` is traced (also advances start/stop state).
    func wants(hart: Int, pc: UInt32, instret: UInt64, cycle: UInt64) -> Bool {
        if hartMask & (UInt64(1) << UInt64(hart & 63)) == 0 { return false }
        if stopped[hart] { return false }
        if active[hart] && !hasStop && !filtersPC { return true }
        if !active[hart], hasStart, let start = options.start, reached(start, pc: pc, instret: instret, cycle: cycle) { active[hart] = true }
        if active[hart], hasStop, let stop = options.stop, reached(stop, pc: pc, instret: instret, cycle: cycle) {
            active[hart] = false; stopped[hart] = true
        }
        guard active[hart] else { return false }
        if let ranges = options.pcRanges, !ranges.contains(where: { $0.contains(pc) }) { return false }
        return true
    }

    private func reached(_ point: TracePoint, pc: UInt32, instret: UInt64, cycle: UInt64) -> Bool {
        switch point {
        case .symbol(let name): return symbols.address(of: name) == pc
        case .pc(let p): return p == pc
        case .instruction(let n): return instret >= n
        case .cycle(let c): return cycle >= c
        }
    }

    // MARK: Instruction lines

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    @inline(__always) private func put(_ byte: UInt8) {
        if length < 8191 { buffer[length] = byte; length += 1 }
    }
    @inline(__always) private func put(_ bytes: [UInt8]) {
        let n = min(bytes.count, 8191 - length)
        bytes.withUnsafeBufferPointer { (buffer + length).update(from: $0.baseAddress!, count: n) }
        length += n
    }
    @inline(__always) private func put(_ bytes: UnsafeMutablePointer<UInt8>, _ count: Int) {
        guard length + count < 8191 else { return }
        (buffer + length).update(from: bytes, count: count)
        length += count
    }
    @inline(__always) private func appendHex(_ v: UInt32, digits: Int) {
        guard length + digits < 8191 else { return }
        let hex = hexTable
        var shift = (digits - 1) * 4
        while shift >= 0 {
            buffer[length] = hex[Int((v >> UInt32(shift)) & 0xF)]
            length += 1
            shift -= 4
        }
    }
    @inline(__always) private func append(_ s: StaticString) {
        let n = s.utf8CodeUnitCount
        guard length + n < 8191 else { return }
        (buffer + length).update(from: s.utf8Start, count: n)
        length += n
    }
    private func append(_ s: String) { for b in s.utf8 { put(b) } }
    private func appendDecimal(_ v: UInt64) {
        if v == 0 { put(UInt8(ascii: "0")); return }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        var x = v
        withUnsafeMutableBytes(of: &digits) { d in
            while x > 0 { d[count] = UInt8(ascii: "0") + UInt8(x % 10); x /= 10; count += 1 }
            while count > 0 { count -= 1; put(d[count]) }
        }
    }

    /// Emits one retired instruction.
    func instruction(hart: Int, cycle: UInt64, pc: UInt32, word: UInt32, compressed: Bool,
                     effects: UnsafeBufferPointer<TraceEffect>, disassembly: String) {
        length = 0
        switch format {
        case .spike, .pulpsim:
            if format == .pulpsim {
                appendDecimal(cycle)
                put(UInt8(ascii: " "))
            }
            put(corePrefixes + 16 * hart, corePrefixLength)
            appendHex(pc, digits: 8)
            append(" (0x")
            appendHex(word, digits: compressed ? 4 : 8)
            put(UInt8(ascii: ")"))
            for e in effects {
                switch e.kind {
                case .x, .f:
                    put(registerLabels + 8 * (Int(e.number) + (e.kind == .x ? 0 : 32)), e.number < 10 ? 7 : 7)
                    appendHex(e.value, digits: 8)
                case .csr:
                    append(" c")
                    appendDecimal(UInt64(e.number))
                    put(UInt8(ascii: "_"))
                    append(CSR.name(e.number) ?? "unknown")
                    append(" 0x")
                    appendHex(e.value, digits: 8)
                case .load:
                    append(" mem 0x")
                    appendHex(e.address, digits: 8)
                case .store:
                    append(" mem 0x")
                    appendHex(e.address, digits: 8)
                    append(" 0x")
                    appendHex(e.value, digits: Int(e.number) * 2)
                }
            }
            if format == .pulpsim {
                let where_ = symbols.describe(pc)
                append("  ; ")
                if !where_.isEmpty { append("<"); append(where_); append("> ") }
                append(disassembly)
            }
        case .jsonl:
            append("{\"type\":\"insn\",\"hart\":")
            appendDecimal(UInt64(hart))
            append(",\"cycle\":")
            appendDecimal(cycle)
            append(",\"pc\":\"0x")
            appendHex(pc, digits: 8)
            append("\",\"insn\":\"0x")
            appendHex(word, digits: compressed ? 4 : 8)
            append("\",\"disasm\":\"")
            append(disassembly.replacingOccurrences(of: "\t", with: " "))
            put(UInt8(ascii: "\""))
            let where_ = symbols.describe(pc)
            if !where_.isEmpty { append(",\"symbol\":\""); append(where_); put(UInt8(ascii: "\"")) }
            append(",\"effects\":[")
            for (i, e) in effects.enumerated() {
                if i > 0 { put(UInt8(ascii: ",")) }
                switch e.kind {
                case .x, .f:
                    append(e.kind == .x ? "{\"x\":" : "{\"f\":")
                    appendDecimal(UInt64(e.number))
                    append(",\"value\":\"0x"); appendHex(e.value, digits: 8); append("\"}")
                case .csr:
                    append("{\"csr\":\""); append(CSR.name(e.number) ?? "unknown")
                    append("\",\"value\":\"0x"); appendHex(e.value, digits: 8); append("\"}")
                case .load:
                    append("{\"load\":\"0x"); appendHex(e.address, digits: 8); append("\",\"size\":")
                    appendDecimal(UInt64(e.number)); put(UInt8(ascii: "}"))
                case .store:
                    append("{\"store\":\"0x"); appendHex(e.address, digits: 8); append("\",\"size\":")
                    appendDecimal(UInt64(e.number)); append(",\"value\":\"0x")
                    appendHex(e.value, digits: Int(e.number) * 2); append("\"}")
                }
            }
            append("]}")
        }
        emit(hart: hart, cycle: cycle)
    }

    /// Emits a device or scheduler event (a comment line in Spike formats).
    public func event(hart: Int?, cycle: UInt64, source: String, message: String) {
        guard options.deviceEvents else { return }
        if let hart, let harts = options.harts, !harts.contains(hart) { return }
        length = 0
        if options.format == .jsonl {
            append("{\"type\":\"event\",\"cycle\":")
            appendDecimal(cycle)
            if let hart { append(",\"hart\":"); appendDecimal(UInt64(hart)) }
            append(",\"source\":\""); append(source); append("\",\"message\":\"")
            append(message.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\""))
            append("\"}")
        } else {
            append("# cycle ")
            appendDecimal(cycle)
            if let hart { append(" hart "); appendDecimal(UInt64(hart)) }
            append(" "); append(source); append(": "); append(message)
        }
        emit(hart: hart ?? -1, cycle: cycle)
    }

    private func emit(hart: Int, cycle: UInt64) {
        linesWritten += 1
        if capturing, let capture {
            capture(hart, String(decoding: UnsafeBufferPointer(start: buffer, count: length), as: UTF8.self))
            return
        }
        buffer[length] = UInt8(ascii: "\n")
        length += 1
        if options.perHart {
            if hart >= 0 {
                if let f = sinks[hart] { fwrite_unlocked(buffer, 1, length, f) }
            } else {
                for (_, f) in sinks { fwrite_unlocked(buffer, 1, length, f) }
            }
            return
        }
        if holdLines {
            // Keep each hart's queue sorted (an event can be reported before the line of the
            // instruction that caused it).
            let h = max(hart, 0)
            let line = Array(UnsafeBufferPointer(start: buffer, count: length))
            var index = pending[h].count
            while index > 0 && pending[h][index - 1].cycle > cycle { index -= 1 }
            pending[h].insert((cycle, line), at: index)
        } else if let f = sharedSink {
            fwrite_unlocked(buffer, 1, length, f)
        }
    }

    /// Writes held lines with cycle ≤ `time`, in (cycle, hart) order (merged mode).
    func flushPending(upTo time: UInt64) {
        guard holdLines, let f = sharedSink else { return }
        var cursors = [Int](repeating: 0, count: pending.count)
        while true {
            var best = -1
            var bestCycle = UInt64.max
            for h in 0..<pending.count where cursors[h] < pending[h].count {
                let c = pending[h][cursors[h]].cycle
                if c <= time && c < bestCycle { best = h; bestCycle = c }
            }
            if best < 0 { break }
            let l = pending[best][cursors[best]].line
            l.withUnsafeBufferPointer { _ = fwrite($0.baseAddress, 1, $0.count, f) }
            cursors[best] += 1
        }
        for h in 0..<pending.count where cursors[h] > 0 { pending[h].removeFirst(cursors[h]) }
    }
}
