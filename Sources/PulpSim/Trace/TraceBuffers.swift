// Tracing: the tracer's buffers — output files written a megabyte at a time (by a background
// thread for files), the per-hart queues of the merged stream and the scratch that sorts them,
// the cache of symbol and disassembly text, hex and decimal digits.

import Foundation

/// Longest line or record (longer text, such as a huge symbol name, is cut).
let traceMaxLine = 8192
/// Room kept free after a line's start: the line, its newline and 8-byte hex stores past the end.
let traceLineRoom = traceMaxLine + 64

/// One trace output: a file descriptor with a large buffer of its own. A file named by path is
/// written by a thread of its own (`BackgroundWriter`), so that the kernel's copying of the trace
/// into the page cache overlaps with simulating and formatting; standard output and standard
/// error are written in place, in order with the simulator's other messages.
struct TraceOutput {
    var fd: Int32 = -1
    var owns = false
    var base: UnsafeMutablePointer<UInt8>? = nil
    var count = 0
    static let capacity = 1 << 20
    /// The first write error (the trace is incomplete).
    var error: String? = nil
    /// Writes full buffers in the background (files only).
    private var writer: BackgroundWriter? = nil

    init() {}

    init(path: String) throws {
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw MachineError.invalidOption("cannot open trace file '\(path)' for writing: \(String(cString: strerror(errno)))")
        }
        owns = true
        let writer = BackgroundWriter(fd: fd, bufferSize: TraceOutput.capacity)
        base = writer.start()
        self.writer = writer
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
            writer?.drain()
            if error == nil { error = writer?.error ?? writeAll(fd, bytes, n) }
            return
        }
        (base.unsafelyUnwrapped + count).update(from: bytes, count: n)
        count += n
    }

    /// Appends a held line (`HeldLines`: at least 16 readable bytes follow every line) with
    /// 16-byte copies, which may write past the end of the line: the next line overwrites them.
    @inline(__always) mutating func appendLine(_ bytes: UnsafeMutablePointer<UInt8>, _ n: Int) {
        if count > TraceOutput.capacity - traceLineRoom { flush() }
        let from = UnsafeRawPointer(bytes), to = UnsafeMutableRawPointer(base.unsafelyUnwrapped + count)
        var i = 0
        while i < n {
            to.storeBytes(of: from.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self), toByteOffset: i, as: SIMD16<UInt8>.self)
            i += 16
        }
        count += n
    }

    /// Hands the buffer's bytes to the writer (or writes them), leaving the buffer empty.
    mutating func flush() {
        guard let full = base, count > 0 else { return }
        if let writer {
            base = writer.submit(count)
        } else if error == nil {
            error = writeAll(fd, full, count)
        }
        count = 0
    }

    mutating func close() {
        flush()
        if let writer {
            writer.finish()
            if error == nil { error = writer.error }
            self.writer = nil
        } else {
            base?.deallocate()
        }
        if owns { _ = Foundation.close(fd) }
        base = nil
    }
}

/// A thread that writes a file from a ring of buffers: the producer fills one buffer while the
/// thread writes the others, in order. Handing over a buffer costs two semaphore operations per
/// megabyte; the producer waits only when every other buffer is still being written.
final class BackgroundWriter: @unchecked Sendable {
    private let fd: Int32
    private static let ringSize = 4
    private let buffers: [UnsafeMutablePointer<UInt8>]
    /// Bytes to write from each buffer; -1 ends the thread.
    private let counts: UnsafeMutablePointer<Int>
    /// The buffer the producer fills (producer's), the next one to write (thread's).
    private var producing = 0
    private var consuming = 0
    /// Buffers handed over and not yet taken; buffers written and free again.
    private let filled = DispatchSemaphore(value: 0)
    private let freed: DispatchSemaphore
    private let done = DispatchSemaphore(value: 0)
    private var running = false
    /// The first write error; written by the thread, read after `drain` or `finish`.
    private var firstError: String?

    init(fd: Int32, bufferSize: Int) {
        self.fd = fd
        buffers = (0..<BackgroundWriter.ringSize).map { _ in .allocate(capacity: bufferSize) }
        counts = .allocate(capacity: BackgroundWriter.ringSize)
        counts.initialize(repeating: 0, count: BackgroundWriter.ringSize)
        freed = DispatchSemaphore(value: BackgroundWriter.ringSize - 1)
    }

    deinit {
        for b in buffers { b.deallocate() }
        counts.deallocate()
    }

    /// Starts the thread; the first buffer to fill.
    func start() -> UnsafeMutablePointer<UInt8> {
        running = true
        let thread = Thread { [self] in self.loop() }
        thread.name = "pulpsim trace writer"
        thread.start()
        return buffers[producing]
    }

    private func loop() {
        while true {
            filled.wait()
            let n = counts[consuming]
            if n < 0 { break }
            if firstError == nil && n > 0 { firstError = writeAll(fd, buffers[consuming], n) }
            consuming = (consuming + 1) % BackgroundWriter.ringSize
            freed.signal()
        }
        done.signal()
    }

    /// Hands over the current buffer with `count` bytes; the next buffer to fill.
    func submit(_ count: Int) -> UnsafeMutablePointer<UInt8> {
        counts[producing] = count
        filled.signal()
        freed.wait()
        producing = (producing + 1) % BackgroundWriter.ringSize
        return buffers[producing]
    }

    /// Waits until every buffer handed over is written.
    func drain() {
        for _ in 0..<(BackgroundWriter.ringSize - 1) { freed.wait() }
        for _ in 0..<(BackgroundWriter.ringSize - 1) { freed.signal() }
    }

    /// Writes what was handed over and ends the thread.
    func finish() {
        guard running else { return }
        running = false
        counts[producing] = -1
        filled.signal()
        done.wait()
    }

    /// Why a write failed, if one did (valid after `drain` or `finish`).
    var error: String? { firstError }
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

/// Merged mode: scratch for putting the lines of a flush in (cycle, hart) order by counting sort
/// (a flush's lines span a few hundred cycles; longer spans take several windows).
struct MergeScratch {
    static let window = 4096
    struct Entry { var bytes: UnsafeMutablePointer<UInt8>; var length: Int }
    /// Lines per cycle of the window, then the next slot of each cycle; all zero between passes.
    let counts: UnsafeMutablePointer<UInt32>
    /// Each hart's end of the lines taken in a pass.
    let ends: UnsafeMutablePointer<Int>
    /// The lines of a pass in output order.
    private(set) var order: UnsafeMutablePointer<Entry>
    private var capacity = 1024

    init(harts: Int) {
        counts = .allocate(capacity: MergeScratch.window)
        counts.initialize(repeating: 0, count: MergeScratch.window)
        ends = .allocate(capacity: max(harts, 1))
        order = .allocate(capacity: capacity)
    }

    /// Room for `count` entries.
    @inline(__always) mutating func reserve(_ count: Int) -> UnsafeMutablePointer<Entry> {
        if count > capacity {
            order.deallocate()
            while capacity < count { capacity *= 2 }
            order = .allocate(capacity: capacity)
        }
        return order
    }

    func free() {
        counts.deallocate()
        ends.deallocate()
        order.deallocate()
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

/// The eight decimal digits of `x` (< 100,000,000, with leading zeros) as ASCII, most
/// significant first in memory, computed in parallel lanes of one 64-bit word: x splits into
/// two 4-digit halves (32-bit lanes), each into two 2-digit quarters (16-bit lanes), each into
/// two digits (bytes); the divisions are multiplications by reciprocals, exact in these ranges
/// (n * 10486 >> 20 == n / 100 for n < 43,699; n * 103 >> 10 == n / 10 for n < 179).
@inline(__always) func decimalDigits(_ x: UInt32) -> UInt64 {
    let upper = x / 10_000
    var v = UInt64(upper) | UInt64(x &- upper &* 10_000) << 32
    var q = (v &* 10486) >> 20 & 0x0000_007F_0000_007F
    v = q | (v &- q &* 100) << 16
    q = (v &* 103) >> 10 & 0x000F_000F_000F_000F
    v = q | (v &- q &* 10) << 8
    return (v | 0x3030_3030_3030_3030).littleEndian
}

/// Writes `v` in decimal without leading zeros at `p`, eight digits at a time with 8-byte stores
/// (up to 24 bytes are written, whatever the length); returns the number of digits.
@inline(__always) func writeDecimal(_ v: UInt64, to p: UnsafeMutableRawPointer) -> Int {
    @inline(__always) func leading(_ x: UInt32) -> Int {
        // "0" keeps one digit.
        let d = decimalDigits(x)
        let zeros = x == 0 ? 7 : (d & ~0x3030_3030_3030_3030).trailingZeroBitCount >> 3
        p.storeBytes(of: d >> UInt64(8 * zeros), as: UInt64.self)
        return 8 - zeros
    }
    if v < 100_000_000 { return leading(UInt32(truncatingIfNeeded: v)) }
    let high = v / 100_000_000, low = UInt32(truncatingIfNeeded: v &- high &* 100_000_000)
    var n: Int
    if high < 100_000_000 {
        n = leading(UInt32(truncatingIfNeeded: high))
    } else {
        let top = high / 100_000_000
        n = leading(UInt32(truncatingIfNeeded: top))
        p.storeBytes(of: decimalDigits(UInt32(truncatingIfNeeded: high &- top &* 100_000_000)), toByteOffset: n, as: UInt64.self)
        n += 8
    }
    p.storeBytes(of: decimalDigits(low), toByteOffset: n, as: UInt64.self)
    return n + 8
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
