// Tracing: one line per retired instruction in Spike's `--log-commits` format
// (docs/platform.md §10), with optional extra columns, or JSON lines; device events in the same
// stream; per-hart files or one stream merged in simulated-time order; filters by hart, pc range,
// start/stop point.
//
// Lines are formatted in place, straight into the output buffer or the hart's queue (no String
// building and no allocation per instruction), and written a megabyte at a time (files by a
// thread of their own, TraceBuffers.swift). The merged stream holds each hart's lines until no
// running hart and no pending timed event can produce an earlier or equal cycle, then emits them
// in (cycle, hart) order by counting sort. The binary format (TraceBinary.swift) goes through the
// same path with compact records instead of text lines.

import Foundation

/// Output formats of the instruction trace.
public enum TraceFormat: String, Sendable, CaseIterable {
    /// Exactly Spike's commit log.
    case spike
    /// Spike's line prefixed by the cycle, followed by symbol+offset and disassembly.
    case pulpsim
    /// One JSON object per line.
    case jsonl
    /// Compact binary records (TraceBinary.swift), about a sixth of the Spike text; `pulpsim
    /// trace-decode` turns them into any of the text formats, byte for byte.
    case binary
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
    /// Output path; nil = standard error, "-" = standard output. With `perHart`, "%h" in the path is replaced by the hart
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
    /// One output per hart (per-hart files) or a single shared one (index 0).
    private let outputs: UnsafeMutablePointer<TraceOutput>
    private let outputCount: Int
    /// Merged mode: each hart's held lines.
    private let held: UnsafeMutablePointer<HeldLines>
    /// Scratch for merging the held lines.
    private var merge: MergeScratch
    private let harts: Int
    /// Where the current line is being formatted, its length so far, and the lines written:
    /// pointer-backed, so that updating them on every line needs no dynamic exclusivity check
    /// (as stored properties of the class they cost a `swift_beginAccess` each).
    private struct LineState {
        var buffer: UnsafeMutablePointer<UInt8>
        var length = 0
        var linesWritten: UInt64 = 0
    }
    private let line: UnsafeMutablePointer<LineState>
    private var buffer: UnsafeMutablePointer<UInt8> {
        @inline(__always) get { line.pointee.buffer }
        @inline(__always) set { line.pointee.buffer = newValue }
    }
    private var length: Int {
        @inline(__always) get { line.pointee.length }
        @inline(__always) set { line.pointee.length = newValue }
    }
    /// Scratch line (captured lines; events copied to several files).
    private let lineBuffer = UnsafeMutablePointer<UInt8>.allocate(capacity: traceLineRoom)
    /// The effects of the instruction being traced (filled by the machine): registers, CSRs and
    /// a memory access, up to `Tracer.maxEffects`.
    let effects = UnsafeMutablePointer<TraceEffect>.allocate(capacity: Tracer.maxEffects)
    /// Effects one instruction can show (every format carries any number up to this).
    static let maxEffects = 32
    /// Precomputed "core   N: 3 0x" prefixes (stride 16) and " x5  0x" / " f12 0x" labels (stride 8),
    /// in raw memory so that formatting does no reference counting.
    private let corePrefixes: UnsafeMutablePointer<UInt8>
    private let corePrefixLength: Int
    private let registerLabels: UnsafeMutablePointer<UInt8>
    private let hexPairs = makeHexPairs()
    /// Rendered symbol + disassembly text per (pc, word), for the pulpsim and jsonl formats.
    private let annotations = AnnotationCache()
    /// Binary format: per-hart encoder state.
    private var binary: BinaryTraceEncoder?
    /// Hot-path copies of options.
    let format: TraceFormat
    private let hartMask: UInt64
    private let filtersPC: Bool
    private let hasStart: Bool
    private let hasStop: Bool
    private let perHart: Bool
    /// Lines go straight into the single output (no capture, no merging, no per-hart files).
    private var direct = false
    /// Per-hart: tracing currently enabled by start/stop points.
    var active: [Bool]
    var stopped: [Bool]
    /// Lines written (tests, cost measurements).
    public var linesWritten: UInt64 { line.pointee.linesWritten }
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

    /// A tracer writing files (or standard error) as `options` say. `preordered`: the lines
    /// arrive in their final order already (decoding a merged binary trace), hold none back.
    public init(options: TraceOptions, harts: Int, symbols: SymbolTable, elfPath: String = "", preordered: Bool = false) throws {
        guard harts >= 1 && harts <= 64 else { throw MachineError.invalidOption("a trace covers 1 to 64 harts (got \(harts))") }
        if let bad = options.harts?.first(where: { !(0..<harts).contains($0) }) {
            throw MachineError.invalidOption("trace harts must be between 0 and \(harts - 1) (got \(bad))")
        }
        if options.format == .binary && options.path == nil {
            throw MachineError.invalidOption("the binary trace format needs --trace-file")
        }
        if options.format == .binary && harts > BinaryTrace.maxHarts {
            throw MachineError.invalidOption("the binary trace format covers at most \(BinaryTrace.maxHarts) harts")
        }
        (corePrefixes, corePrefixLength, registerLabels) = Tracer.tables(harts)
        format = options.format
        hartMask = options.harts.map { $0.reduce(UInt64(0)) { $0 | (UInt64(1) << UInt64($1 & 63)) } } ?? ~0
        filtersPC = options.pcRanges != nil
        hasStart = options.start != nil
        hasStop = options.stop != nil
        perHart = options.perHart
        self.options = options
        self.symbols = symbols
        self.harts = harts
        active = Array(repeating: options.start == nil, count: harts)
        stopped = Array(repeating: false, count: harts)
        outputCount = options.perHart ? harts : 1
        outputs = .allocate(capacity: outputCount)
        outputs.initialize(repeating: TraceOutput(), count: outputCount)
        held = .allocate(capacity: harts)
        merge = MergeScratch(harts: harts)
        line = .allocate(capacity: 1)
        line.initialize(to: LineState(buffer: lineBuffer))
        merged = !options.perHart
        // A binary trace is written in execution order with the merge points marked; decoding
        // merges (TraceBinary.swift).
        holdLines = merged && harts > 1 && !preordered && options.format != .binary
        markMerges = merged && harts > 1 && options.format == .binary
        if holdLines { for h in 0..<harts { (held + h).initialize(to: HeldLines()) } }
        direct = !holdLines && !options.perHart
        do {
            if options.perHart {
                for h in 0..<harts where options.harts?.contains(h) ?? true {
                    let base = options.path ?? "trace"
                    let path = base.contains("%h") ? base.replacingOccurrences(of: "%h", with: "\(h)") : "\(base).hart\(h)"
                    outputs[h] = try TraceOutput(path: path)
                }
            } else if let path = options.path {
                outputs[0] = path == "-" ? TraceOutput(standardStream: 1) : try TraceOutput(path: path)
            } else {
                outputs[0] = TraceOutput(standardStream: 2)
            }
        } catch {
            close()
            throw error
        }
        interactive = !options.perHart && isatty(outputs[0].fd) != 0
        if format == .binary {
            binary = BinaryTraceEncoder(harts: harts)
            var header = BinaryTraceEncoder.header(harts: harts, merged: markMerges, elfPath: elfPath)
            for i in 0..<outputCount where outputs[i].isOpen { outputs[i].append(&header, header.count) }
        }
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
        perHart = false
        self.symbols = symbols
        self.harts = harts
        active = Array(repeating: true, count: harts)
        stopped = Array(repeating: false, count: harts)
        outputCount = 0
        outputs = .allocate(capacity: 1)
        held = .allocate(capacity: 1)
        merge = MergeScratch(harts: 1)
        line = .allocate(capacity: 1)
        line.initialize(to: LineState(buffer: lineBuffer))
        self.capture = capture
        capturing = true
    }

    deinit {
        close()
        outputs.deallocate()
        held.deallocate()
        merge.free()
        lineBuffer.deallocate()
        line.deallocate()
        effects.deallocate()
        corePrefixes.deallocate()
        registerLabels.deallocate()
        hexPairs.deallocate()
        binary?.free()
    }

    private var closed = false

    /// Flushes everything and closes files.
    public func close() {
        guard !closed else { return }
        closed = true
        flushPending(before: .max)
        for i in 0..<outputCount where outputs[i].isOpen {
            outputs[i].close()
            if let e = outputs[i].error, writeError == nil { writeError = e }
        }
        if holdLines { for h in 0..<harts { held[h].free() } }
    }

    /// Why writing the trace failed (it is incomplete), if it did.
    public private(set) var writeError: String?

    /// One stream for several harts, merged in time order (set at creation).
    private(set) var merged = false
    private var capturing = false
    private var holdLines = false
    /// Binary format of several harts merged: flushes are recorded for the decoder to replay.
    private var markMerges = false
    /// The single output is a terminal.
    private var interactive = false

    // MARK: Filtering

    /// Whether instruction at `pc` of `hart` is traced (also advances start/stop state).
    @inline(__always)
    func wants(hart: Int, pc: UInt32, instret: UInt64, cycle: UInt64) -> Bool {
        if hartMask & (UInt64(1) << UInt64(hart & 63)) == 0 { return false }
        if !filtersPC && !hasStart && !hasStop { return true }
        return wantsFiltered(hart: hart, pc: pc, instret: instret, cycle: cycle)
    }

    /// Whether a turn of `hart` of at most `budget` instructions, starting at `instret` and
    /// `cycle`, can trace anything: not for a hart filtered out, after the stop point, or before
    /// an instruction-count or cycle start point (an instruction takes at most 64 cycles).
    /// `triggered`: a symbol or pc start point stops untraced execution when reached.
    func mayTrace(hart: Int, instret: UInt64, cycle: UInt64, budget: Int, triggered: Bool) -> Bool {
        if hartMask & (UInt64(1) << UInt64(hart & 63)) == 0 || stopped[hart] { return false }
        if !active[hart], let start = options.start {
            switch start {
            case .instruction(let n): return instret &+ UInt64(budget) >= n
            case .cycle(let c): return cycle &+ UInt64(budget) &* 64 >= c
            case .symbol, .pc: return !triggered
            }
        }
        return true
    }

    /// Every hart traced has reached the start point (or its stop point).
    var allStarted: Bool {
        (0..<harts).allSatisfy { hartMask & (UInt64(1) << UInt64($0 & 63)) == 0 || active[$0] || stopped[$0] }
    }

    private func wantsFiltered(hart: Int, pc: UInt32, instret: UInt64, cycle: UInt64) -> Bool {
        if stopped[hart] { return false }
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

    // MARK: Line buffer

    /// Starts a line for `hart` (-1: not tied to a hart) where it will stay.
    @inline(__always) private func begin(hart: Int) {
        length = 0
        if direct { buffer = outputs[0].reserve(); return }
        if capturing { buffer = lineBuffer; return }
        if holdLines { buffer = held[max(hart, 0)].reserve(); return }
        if perHart {
            if hart >= 0 && hart < outputCount && outputs[hart].isOpen { buffer = outputs[hart].reserve() } else { buffer = lineBuffer }
            return
        }
        buffer = outputs[0].reserve()
    }

    @inline(__always) private func put(_ byte: UInt8) {
        if length < traceMaxLine { buffer[length] = byte; length += 1 }
    }
    @inline(__always) private func put(_ bytes: UnsafeMutablePointer<UInt8>, _ count: Int) {
        guard length + count < traceMaxLine else { return }
        (buffer + length).update(from: bytes, count: count)
        length += count
    }
    /// `digits` (1-8) lowercase hex digits of `v`, most significant first.
    @inline(__always) private func appendHex(_ v: UInt32, digits: Int) {
        guard length + digits < traceMaxLine else { return }
        (buffer + length).withMemoryRebound(to: UInt8.self, capacity: 8) {
            UnsafeMutableRawPointer($0).storeBytes(of: hexDigits(v << UInt32(32 - 4 * digits), hexPairs), as: UInt64.self)
        }
        length += digits
    }
    @inline(__always) private func append(_ s: StaticString) {
        let n = s.utf8CodeUnitCount
        guard length + n < traceMaxLine else { return }
        (buffer + length).update(from: s.utf8Start, count: n)
        length += n
    }
    private func appendText(_ s: String) { for b in s.utf8 { put(b) } }
    /// `v` in decimal (`writeDecimal`).
    @inline(__always) private func appendDecimal(_ v: UInt64) {
        guard length + 24 < traceMaxLine else { return }
        length += writeDecimal(v, to: UnsafeMutableRawPointer(buffer + length))
    }

    // MARK: Binary records written by the machine directly (TraceBinary.swift)

    /// Where the next binary record of `hart` goes (room for `traceMaxLine` bytes).
    @inline(__always) func beginRecord(hart: Int) -> UnsafeMutablePointer<UInt8> {
        begin(hart: hart)
        return buffer
    }

    /// Finishes the record begun with `beginRecord`.
    @inline(__always) func commitRecord(hart: Int, cycle: UInt64, length: Int) {
        self.length = length
        emit(hart: hart, cycle: cycle)
    }

    var binaryEncoder: BinaryTraceEncoder { binary.unsafelyUnwrapped }
    /// The interpreter's count of code changes when the binary encoder's word tables were last
    /// checked (`Interpreter.codeChanges`, `BinaryTraceEncoder.forgetWords`).
    var binaryCodeChanges: UInt64 = 0

    /// The pulpsim line of a captured instruction (cycle, the Spike line, the annotation), written
    /// where `beginRecord` said; returns its length.
    @inline(__always)
    func pulpsimLine(hart: Int, cycle: UInt64, pc: UInt32, word: UInt32, compressed: Bool, traits: UInt8, rd: UInt8,
                     value: UInt32, aux: UInt32) -> Int {
        appendDecimal(cycle)
        put(UInt8(ascii: " "))
        length += spikeLine(into: buffer + length, hart: hart, pc: pc, word: word, compressed: compressed, traits: traits,
                            rd: rd, value: value, aux: aux)
        appendAnnotation(pc: pc, word: word)
        return length
    }

    /// The Spike line of an instruction retired on the fast path, written at `p` straight from
    /// the capture (the line `instruction` writes for the effects `Machine.formatTraceLine`
    /// derives; the tests compare both). Constant text goes in with 8-byte stores, which may
    /// write past the end of the line: the line's room allows for it.
    @inline(__always)
    func spikeLine(into p: UnsafeMutablePointer<UInt8>, hart: Int, pc: UInt32, word: UInt32, compressed: Bool,
                   traits: UInt8, rd: UInt8, value: UInt32, aux: UInt32) -> Int {
        let raw = UnsafeMutableRawPointer(p)
        @inline(__always) func hex(_ v: UInt32, _ digits: Int, at n: Int) {
            raw.storeBytes(of: hexDigits(v << UInt32(32 - 4 * digits), hexPairs), toByteOffset: n, as: UInt64.self)
        }
        @inline(__always) func text(_ s: StaticString, at n: Int) {
            UnsafeMutableRawPointer(p + n).copyMemory(from: s.utf8Start, byteCount: s.utf8CodeUnitCount)
        }
        raw.copyMemory(from: corePrefixes + 16 * hart, byteCount: 16)
        var n = corePrefixLength
        hex(pc, 8, at: n)
        text(" (0x", at: n + 8)
        n += 12
        if compressed { hex(word, 4, at: n); n += 4 } else { hex(word, 8, at: n); n += 8 }
        p[n] = UInt8(ascii: ")")
        n += 1
        var label = -1
        if traits & TraceTraits.writesX != 0 { if rd != zeroSinkRegister { label = Int(rd & 31) } }
        else if traits & TraceTraits.writesF != 0 { label = 32 + Int(rd & 31) }
        @inline(__always) func putRegister() {
            UnsafeMutableRawPointer(p + n).copyMemory(from: registerLabels + 8 * label, byteCount: 8)
            hex(value, 8, at: n + 7)
            n += 15
        }
        if traits & TraceTraits.fflags != 0 && aux & 0x1F != 0 {
            // Spike orders by (number << 4 | kind): x1, f0 and f1 come before fflags (0x14).
            let early = label == 1 || label == 32 || label == 33
            if early { putRegister() }
            text(" c1_fflags 0x", at: n)
            hex(aux >> 8, 8, at: n + 13)
            n += 21
            if label >= 0 && !early { putRegister() }
        } else if label >= 0 {
            putRegister()
        }
        let size = Int(traits & TraceTraits.sizeMask)
        if size != 0 {
            text(" mem 0x", at: n)
            hex(aux, 8, at: n + 7)
            n += 15
            if traits & TraceTraits.store != 0 {
                text(" 0x", at: n)
                hex(value, 2 * size, at: n + 3)
                n += 3 + 2 * size
            }
        }
        return n
    }

    /// Binary format: room for `bytes` bytes of `hart`'s records (nil: that hart has no file).
    @inline(__always) func reserveRecords(hart: Int, bytes: Int) -> UnsafeMutablePointer<UInt8>? {
        let o = perHart ? hart : 0
        guard o < outputCount, outputs[o].isOpen else { return nil }
        if outputs[o].count + bytes > TraceOutput.capacity { outputs[o].flush() }
        return outputs[o].base.unsafelyUnwrapped + outputs[o].count
    }

    /// Binary format: `records` records of `bytes` bytes in all were written where
    /// `reserveRecords` said.
    @inline(__always) func commitRecords(hart: Int, bytes: Int, records: Int) {
        outputs[perHart ? hart : 0].count += bytes
        line.pointee.linesWritten &+= UInt64(records)
    }

    /// Whether every instruction of `hart` is traced (no pc, start or stop filter): the
    /// per-instruction check can be skipped.
    func tracesAll(hart: Int) -> Bool {
        hartMask & (UInt64(1) << UInt64(hart & 63)) != 0 && !filtersPC && !hasStart && !hasStop
    }

    // MARK: Instruction lines

    /// Emits one retired instruction whose effects are in `effects[0..<effectCount]`.
    func instruction(hart: Int, cycle: UInt64, pc: UInt32, word: UInt32, compressed: Bool, effectCount: Int) {
        let effects = UnsafeBufferPointer(start: self.effects, count: effectCount)
        begin(hart: hart)
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
                    put(registerLabels + 8 * (Int(e.number & 31) + (e.kind == .x ? 0 : 32)), 7)
                    appendHex(e.value, digits: 8)
                case .csr:
                    append(" c")
                    appendDecimal(UInt64(e.number))
                    put(UInt8(ascii: "_"))
                    appendText(CSR.name(e.number) ?? "unknown")
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
            if format == .pulpsim { appendAnnotation(pc: pc, word: word) }
        case .jsonl:
            append("{\"type\":\"insn\",\"hart\":")
            appendDecimal(UInt64(hart))
            append(",\"cycle\":")
            appendDecimal(cycle)
            append(",\"pc\":\"0x")
            appendHex(pc, digits: 8)
            append("\",\"insn\":\"0x")
            appendHex(word, digits: compressed ? 4 : 8)
            appendAnnotation(pc: pc, word: word)
            append(",\"effects\":[")
            for (i, e) in effects.enumerated() {
                if i > 0 { put(UInt8(ascii: ",")) }
                switch e.kind {
                case .x, .f:
                    append(e.kind == .x ? "{\"x\":" : "{\"f\":")
                    appendDecimal(UInt64(e.number))
                    append(",\"value\":\"0x"); appendHex(e.value, digits: 8); append("\"}")
                case .csr:
                    append("{\"csr\":\""); appendText(CSR.name(e.number) ?? "unknown")
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
        case .binary:
            length = binary.unsafelyUnwrapped.encodeInstruction(into: buffer, hart: hart, cycle: cycle, pc: pc, word: word,
                                                                compressed: compressed, effects: effects)
        }
        emit(hart: hart, cycle: cycle)
    }

    /// The symbol and disassembly part of a pulpsim or jsonl line (`AnnotationCache`).
    @inline(__always) private func appendAnnotation(pc: UInt32, word: UInt32) {
        let (bytes, count) = annotations.text(pc: pc, word: word) { Tracer.annotation(format, pc: pc, word: word, symbols: symbols) }
        put(UnsafeMutablePointer(mutating: bytes), count)
    }

    /// Renders the annotation: pulpsim `  ; <symbol+offset> disassembly`; jsonl
    /// `","disasm":"…","symbol":"…"` (continuing the string of the instruction word).
    static func annotation(_ format: TraceFormat, pc: UInt32, word: UInt32, symbols: SymbolTable) -> [UInt8] {
        let disassembly = Disassembler.disassemble(word, at: pc, symbols: symbols)
        let location = symbols.describe(pc)
        if format == .jsonl {
            var text = "\",\"disasm\":\"" + jsonEscaped(disassembly.replacingOccurrences(of: "\t", with: " ")) + "\""
            if !location.isEmpty { text += ",\"symbol\":\"" + jsonEscaped(location) + "\"" }
            return Array(text.utf8)
        }
        return Array(("  ; " + (location.isEmpty ? "" : "<" + location + "> ") + disassembly).utf8)
    }

    /// Emits a device or scheduler event (a comment line in Spike formats).
    public func event(hart: Int?, cycle: UInt64, source: String, message: String) {
        guard options.deviceEvents else { return }
        if let hart, let harts = options.harts, !harts.contains(hart) { return }
        begin(hart: hart ?? -1)
        switch format {
        case .jsonl:
            append("{\"type\":\"event\",\"cycle\":")
            appendDecimal(cycle)
            if let hart { append(",\"hart\":"); appendDecimal(UInt64(hart)) }
            append(",\"source\":\""); appendText(source); append("\",\"message\":\"")
            appendText(jsonEscaped(message))
            append("\"}")
        case .spike, .pulpsim:
            append("# cycle ")
            appendDecimal(cycle)
            if let hart { append(" hart "); appendDecimal(UInt64(hart)) }
            append(" "); appendText(source); append(": "); appendText(message)
        case .binary:
            length = binary!.encodeEvent(into: buffer, hart: hart, cycle: cycle, source: source, message: message)
        }
        emit(hart: hart ?? -1, cycle: cycle)
    }

    /// Finishes the line begun with `begin(hart:)`.
    @inline(__always) private func emit(hart: Int, cycle: UInt64) {
        line.pointee.linesWritten &+= 1
        if format != .binary { buffer[length] = UInt8(ascii: "\n"); length += 1 }
        if direct { outputs[0].count += length; return }
        if holdLines {
            // In place: the line was formatted at the end of the hart's queue.
            let queue = held + max(hart, 0)
            let n = queue.pointee.lineCount
            if n < queue.pointee.lineCapacity && (n == queue.pointee.head || queue.pointee.lines[n - 1].cycle <= cycle) {
                queue.pointee.lines[n] = HeldLines.Line(cycle: cycle, start: queue.pointee.count, length: length)
                queue.pointee.lineCount = n + 1
                queue.pointee.count += length
                return
            }
        }
        emitHeldOrSplit(hart: hart, cycle: cycle)
    }

    private func emitHeldOrSplit(hart: Int, cycle: UInt64) {
        if capturing {
            if format != .binary { length -= 1 }  // without the newline
            capture?(hart, String(decoding: UnsafeBufferPointer(start: buffer, count: length), as: UTF8.self))
            return
        }
        if holdLines {
            held[max(hart, 0)].commit(cycle: cycle, length: length)
        } else if !perHart {
            outputs[0].count += length
        } else if hart >= 0 {
            if hart < outputCount && outputs[hart].isOpen { outputs[hart].count += length }
        } else {
            // An event of no particular hart goes to every file.
            for h in 0..<outputCount where outputs[h].isOpen { outputs[h].append(buffer, length) }
        }
    }

    /// Writes held lines with cycle < `time`, in (cycle, hart) order (merged mode). `time` is
    /// the earliest cycle at which a running hart can still retire an instruction: a line at
    /// that very cycle may yet be joined by one of a lower hart.
    func flushPending(before time: UInt64) {
        // A terminal sees each turn's lines at once; files get megabyte writes.
        defer { if interactive && !closed { outputs[0].flush() } }
        if markMerges && !closed {
            var marker = BinaryTraceEncoder.mergeMarker(time)
            outputs[0].append(&marker, marker.count)
            return
        }
        guard holdLines, !closed else { return }
        // Counting sort by cycle: each pass takes the lines of a window of cycles from every
        // hart's queue (already in cycle order), counts them per cycle, and places them hart by
        // hart into their cycle's slots, which keeps (cycle, hart, queue) order.
        let ends = merge.ends, counts = merge.counts
        while true {
            var lo = UInt64.max
            for h in 0..<harts { lo = min(lo, held[h].nextCycle) }
            if lo >= time { break }  // (.max: nothing held)
            let limit = min(time - 1, lo &+ UInt64(MergeScratch.window - 1))
            var total = 0, span = 0
            for h in 0..<harts {
                let queue = held + h
                let lines = queue.pointee.lines, end = queue.pointee.lineCount, head = queue.pointee.head
                var k = head
                while k < end {
                    let c = lines[k].cycle
                    if c > limit { break }
                    counts[Int(truncatingIfNeeded: c &- lo)] &+= 1
                    k += 1
                }
                ends[h] = k
                if k > head {
                    total += k - head
                    span = max(span, Int(truncatingIfNeeded: lines[k - 1].cycle &- lo) + 1)
                }
            }
            var sum: UInt32 = 0
            for i in 0..<span { let n = counts[i]; counts[i] = sum; sum &+= n }
            let order = merge.reserve(total)
            for h in 0..<harts {
                let queue = held + h
                let lines = queue.pointee.lines, base = queue.pointee.base
                for k in queue.pointee.head..<ends[h] {
                    let line = lines[k]
                    let i = Int(truncatingIfNeeded: line.cycle &- lo)
                    order[Int(counts[i])] = MergeScratch.Entry(bytes: base + line.start, length: line.length)
                    counts[i] &+= 1
                }
                queue.pointee.head = ends[h]
            }
            counts.update(repeating: 0, count: span)
            for j in 0..<total { outputs[0].appendLine(order[j].bytes, order[j].length) }
        }
        for h in 0..<harts where held[h].head == held[h].lineCount || held[h].count > held[h].capacity / 2 { held[h].compact() }
    }
}
