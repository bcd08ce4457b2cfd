// Tracing: the tracer's buffers — output files written a megabyte at a time, the per-hart queues
// of the merged stream, the cache of symbol and disassembly text, hex digits by table.

import Foundation

/// Longest line or record (longer text, such as a huge symbol name, is cut).
let traceMaxLine = 8192
/// Room kept free after a line's start: the line, its newline and 8-byte hex stores past the end.
let traceLineRoom = traceMaxLine + 64

/// One trace output: a file descriptor with a large buffer of its own, written with write(2).
/// (A background writing thread was measured and did not help: the file system's throughput,
/// not the simulator, bounds large text traces.)
struct TraceOutput {
    var fd: Int32 = -1
    var owns = false
    var base: UnsafeMutablePointer<UInt8>? = nil
    var count = 0
    static let capacity = 1 << 20
    /// The first write error (the trace is incomplete).
    var error: String? = nil

    init() {}

    init(path: String) throws {
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw MachineError.invalidOption("cannot open trace file '\(path)' for writing: \(String(cString: strerror(errno)))")
        }
        owns = true
        base = .allocate(capacity: TraceOutput.capacity)
    }

    /// Standard error (fd 2) or standard output (fd 1), not closed at the end.
    init(standardStream fd: Int32) {
        self.fd = fd
        base = .allocate(capacity: TraceOutput.capacity)
    }

    var isOpen: Bool { base != nil }

    /// Where the next line goes, with `traceLineRoom` bytes free.
    @inline(__always) mutating func reserve() -> UnsafeMutablePointer<UInt8> {
        if count > TraceOutput.capacity - traceLineRoom { flush() }
        return base.unsafelyUnwrapped + count
    }

    mutating func append(_ bytes: UnsafePointer<UInt8>, _ n: Int) {
        if count + n > TraceOutput.capacity { flush() }
        if n > TraceOutput.capacity {
            if error == nil { error = writeAll(fd, bytes, n) }
            return
        }
        (base.unsafelyUnwrapped + count).update(from: bytes, count: n)
        count += n
    }

    mutating func flush() {
        guard let full = base, count > 0 else { return }
        if error == nil { error = writeAll(fd, full, count) }
        count = 0
    }

    mutating func close() {
        flush()
        if owns { _ = Foundation.close(fd) }
        base?.deallocate()
        base = nil
    }
}

/// Writes `count` bytes to `fd` (retrying short writes); the error text if that failed.
func writeAll(_ fd: Int32, _ bytes: UnsafePointer<UInt8>, _ count: Int) -> String? {
    var done = 0
    while done < count {
        let written = write(fd, bytes + done, count - done)
        if written < 0 {
            if errno == EINTR { continue }
            return String(cString: strerror(errno))
        }
        done += written
    }
    return nil
}

/// Merged mode: one hart's lines waiting for the other harts to catch up, kept in cycle order.
/// Raw memory throughout: a line is held and released for every instruction traced.
struct HeldLines {
    struct Line { var cycle: UInt64; var start: Int; var length: Int }
    /// The lines' bytes.
    var base: UnsafeMutablePointer<UInt8>
    var capacity = 1 << 16
    var count = 0
    /// The lines, in cycle order from `head` (those before it are written).
    var lines: UnsafeMutablePointer<Line>
    var lineCapacity = 1 << 10
    var lineCount = 0
    var head = 0

    init() {
        base = .allocate(capacity: capacity)
        lines = .allocate(capacity: lineCapacity)
    }

    @inline(__always) mutating func reserve() -> UnsafeMutablePointer<UInt8> {
        if capacity - count < traceLineRoom { grow() }
        return base + count
    }

    mutating func grow() {
        compact()
        guard capacity - count < traceLineRoom else { return }
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
        bigger.update(from: base, count: count)
        base.deallocate()
        base = bigger
        capacity *= 2
    }

    /// Keeps the queue sorted: an event can be reported before the line of the instruction that
    /// caused it.
    @inline(__always) mutating func commit(cycle: UInt64, length: Int) {
        if lineCount == lineCapacity { growLines() }
        let line = Line(cycle: cycle, start: count, length: length)
        count += length
        var index = lineCount
        while index > head && lines[index - 1].cycle > cycle { lines[index] = lines[index - 1]; index -= 1 }
        lines[index] = line
        lineCount += 1
    }

    mutating func growLines() {
        compact()
        guard lineCount == lineCapacity else { return }
        let bigger = UnsafeMutablePointer<Line>.allocate(capacity: lineCapacity * 2)
        bigger.update(from: lines, count: lineCount)
        lines.deallocate()
        lines = bigger
        lineCapacity *= 2
    }

    @inline(__always) var nextCycle: UInt64 { head < lineCount ? lines[head].cycle : .max }

    /// Drops the written lines, keeping the bytes of the others (only when that frees room).
    mutating func compact() {
        if head == lineCount { head = 0; lineCount = 0; count = 0; return }
        guard head > 0 else { return }
        // Usually the kept lines' bytes are in order and slide down in place; an event inserted
        // before a later line breaks the order, and then they are copied to a fresh buffer.
        var inOrder = true
        for i in (head + 1)..<max(head + 1, lineCount) where lines[i].start < lines[i - 1].start { inOrder = false; break }
        let target = inOrder ? base : UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        var at = 0
        for i in head..<lineCount {
            var line = lines[i]
            memmove(target + at, base + line.start, line.length)
            line.start = at
            at += line.length
            lines[i - head] = line
        }
        if !inOrder { base.deallocate(); base = target }
        lineCount -= head
        head = 0
        count = at
    }

    func free() {
        base.deallocate()
        lines.deallocate()
    }
}

/// The two lowercase hex digits of every byte value, as they go to memory (first digit in the
/// low byte).
func makeHexPairs() -> UnsafeMutablePointer<UInt16> {
    let digits = Array("0123456789abcdef".utf8)
    let pairs = UnsafeMutablePointer<UInt16>.allocate(capacity: 256)
    for b in 0..<256 { pairs[b] = UInt16(digits[b >> 4]) | UInt16(digits[b & 15]) << 8 }
    return pairs
}

/// The two decimal digits of 0...99, as they go to memory (first digit in the low byte).
func makeDecimalPairs() -> UnsafeMutablePointer<UInt16> {
    let pairs = UnsafeMutablePointer<UInt16>.allocate(capacity: 100)
    for n in 0..<100 { pairs[n] = UInt16(UInt8(ascii: "0") + UInt8(n / 10)) | UInt16(UInt8(ascii: "0") + UInt8(n % 10)) << 8 }
    return pairs
}

/// Eight lowercase hex digits of `v` as ASCII, most significant first in memory: four lookups
/// in `pairs` (`makeHexPairs`).
@inline(__always) func hexDigits(_ v: UInt32, _ pairs: UnsafeMutablePointer<UInt16>) -> UInt64 {
    let a = UInt64(pairs[Int(v >> 24)]), b = UInt64(pairs[Int((v >> 16) & 0xFF)])
    let c = UInt64(pairs[Int((v >> 8) & 0xFF)]), d = UInt64(pairs[Int(v & 0xFF)])
    return (a | b << 16 | c << 32 | d << 48).littleEndian
}

/// Direct-mapped cache of the text a line shows for an instruction (symbol and disassembly),
/// keyed by pc and instruction word: rendering it is a thousand times the cost of the rest of
/// the line, and loops execute the same instructions over and over.
final class AnnotationCache {
    private static let bits = 14
    private let tags = UnsafeMutablePointer<UInt64>.allocate(capacity: 1 << AnnotationCache.bits)
    private let offsets = UnsafeMutablePointer<Int>.allocate(capacity: 1 << AnnotationCache.bits)
    private let lengths = UnsafeMutablePointer<Int>.allocate(capacity: 1 << AnnotationCache.bits)
    private static let arenaCapacity = 4 << 20
    private let arena = UnsafeMutablePointer<UInt8>.allocate(capacity: AnnotationCache.arenaCapacity)
    private var used = 0
    /// No (pc, word) has this key: pcs are even.
    private static let empty = UInt64.max

    init() { tags.initialize(repeating: AnnotationCache.empty, count: 1 << AnnotationCache.bits) }

    deinit {
        tags.deallocate(); offsets.deallocate(); lengths.deallocate(); arena.deallocate()
    }

    /// The text for (pc, word), rendered by `render` on a miss; valid until the next call.
    @inline(__always)
    func text(pc: UInt32, word: UInt32, render: () -> [UInt8]) -> (UnsafePointer<UInt8>, Int) {
        let index = Int((pc >> 1) & UInt32((1 << AnnotationCache.bits) - 1))
        let key = UInt64(pc) << 32 | UInt64(word)
        if tags[index] != key { fill(index, key, render()) }
        return (UnsafePointer(arena + offsets[index]), lengths[index])
    }

    private func fill(_ index: Int, _ key: UInt64, _ bytes: [UInt8]) {
        let count = min(bytes.count, traceMaxLine / 2)
        if used + count > AnnotationCache.arenaCapacity {
            // Full: start over (every entry refers to the arena).
            tags.update(repeating: AnnotationCache.empty, count: 1 << AnnotationCache.bits)
            used = 0
        }
        bytes.withUnsafeBufferPointer { (arena + used).update(from: $0.baseAddress!, count: count) }
        tags[index] = key
        offsets[index] = used
        lengths[index] = count
        used += count
    }
}

/// `text` with JSON string escapes for quotes, backslashes and control characters.
func jsonEscaped(_ text: String) -> String {
    var out = ""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\t": out += "\\t"
        case "\r": out += "\\r"
        default:
            if scalar.value < 0x20 { out += String(format: "\\u%04x", scalar.value) } else { out.unicodeScalars.append(scalar) }
        }
    }
    return out
}
