// Tracing: the binary trace format — compact records, written as fast as the simulator retires
// instructions, that `pulpsim trace-decode` turns into any text format byte for byte.
//
// A Spike line costs about 50 bytes; a record about 8 (the pc follows from the previous one, the
// instruction word from a per-hart table, the cycle is a delta). All integers little-endian.
//
//   header:  "PULPSIMT", version (u8: 2, or 3 for more than 8 harts), harts (u8), flags (u8;
//            bit 0: several harts merged), reserved (u8), ELF path length (u16), ELF path (UTF-8)
//   instruction record:
//     tag (u8): hart (bits 0-2) | explicit pc (bit 3) | explicit word (bit 4) | effects (bits 5-7:
//               0-4 the count; 5: a count byte follows the record's cycle delta — any number)
//     hart (u8)                version 3, when the tag's hart is 7: the hart (7 and up)
//     pc (u32)                 if explicit; otherwise the hart's previous pc + that instruction's length
//     word (u16 or u32)        if explicit (u16 when its two low bits are not 11); otherwise the word
//                              the hart last recorded at this pc (table of 4096 entries, pc bits 1-12)
//     cycle delta (LEB128)     cycle - the hart's previous instruction's cycle (0 before the first)
//     effect count (u8)        if the tag's count is 5 (version 1 traces: 5 is the count itself)
//     effects, each a code byte and its payload:
//       0x00 | n  x register n     value (u32)
//       0x20 | n  f register n     value (u32)
//       0x40      CSR              number (u16), value (u32)
//       0x50 | s  load of s bytes  address (u32)
//       0x60 | s  store of s bytes address (u32), data (s bytes)
//   event record:
//     tag (u8): 0xE0 | hart (bits 0-2); has hart (u8, 0/1; version 3: 0, or the hart + 1, and
//     the tag's bits 0-2 are 0); cycle (u64); source: length (u8) and bytes; message: length
//     (u16) and bytes
//   merge record (merged traces of several harts):
//     tag (u8): 0xC0; time (u64): lines before this cycle can be written out in time order
//
// Records are in execution order: each hart's turn in the scheduler, with the points where the
// simulator could merge the harts' lines in time order marked, so that decoding merges exactly
// as a text trace of the same run does.

import Foundation

enum BinaryTrace {
    static let magic: [UInt8] = Array("PULPSIMT".utf8)
    static let version: UInt8 = 2
    /// The version of traces of more than `compactHarts` harts (a hart byte after tag 7).
    static let wideVersion: UInt8 = 3
    /// The tag's effect count that announces a count byte.
    static let extendedCount = 5
    /// Harts the tag's 3 bits name (version 2); version 3 takes up to `maxHarts`.
    static let compactHarts = 8
    static let maxHarts = 255
    /// In version 3, the tag's hart value that announces a hart byte.
    static let hartEscape = 7
    static let tableBits = 12
    static let tableSize = 1 << tableBits
    /// A table entry no pc matches (pcs are even).
    static let emptyEntry: UInt64 = 1 << 32
    static let eventTag: UInt8 = 0xE0
    static let mergeTag: UInt8 = 0xC0
    /// Longest record `encodeCaptured` writes: tag, hart byte, pc, word, cycle, fflags, register, store.
    static let maxCapturedRecord = 1 + 1 + 4 + 4 + 10 + 7 + 5 + 9

    @inline(__always) static func tableIndex(_ pc: UInt32) -> Int { Int((pc >> 1) & UInt32(tableSize - 1)) }
}

/// Per-hart state shared by the encoder and the decoder: they must evolve identically.
struct BinaryTraceHartState {
    var nextPC: UInt32 = 0
    var started = false
    var cycle: UInt64 = 0
}

/// Encodes records (used by `Tracer` for the binary format).
struct BinaryTraceEncoder {
    let states: UnsafeMutablePointer<BinaryTraceHartState>
    /// Per hart, `tableSize` entries of pc << 32 | word.
    let words: UnsafeMutablePointer<UInt64>
    /// Version 3: harts 7 and up are named by a byte after the tag.
    let wide: Bool

    init(harts: Int) {
        wide = harts > BinaryTrace.compactHarts
        states = .allocate(capacity: harts)
        states.initialize(repeating: BinaryTraceHartState(), count: harts)
        words = .allocate(capacity: harts * BinaryTrace.tableSize)
        words.initialize(repeating: BinaryTrace.emptyEntry, count: harts * BinaryTrace.tableSize)
    }

    func free() {
        states.deallocate()
        words.deallocate()
    }

    /// Forgets every remembered instruction word (code may have changed): each pc's word goes
    /// into the trace again the next time it runs.
    func forgetWords(harts: Int) {
        words.update(repeating: BinaryTrace.emptyEntry, count: harts * BinaryTrace.tableSize)
    }

    /// Whether `hart`'s table holds the word at `pc` (with code unchanged since, the word there).
    @inline(__always) func knowsWord(hart: Int, pc: UInt32) -> Bool {
        (words + (hart << BinaryTrace.tableBits) + BinaryTrace.tableIndex(pc)).pointee >> 32 == UInt64(pc)
    }

    static func header(harts: Int, merged: Bool, elfPath: String) -> [UInt8] {
        let path = Array(elfPath.utf8.prefix(0xFFFF))
        let version = harts > BinaryTrace.compactHarts ? BinaryTrace.wideVersion : BinaryTrace.version
        return BinaryTrace.magic + [version, UInt8(harts), merged ? 1 : 0, 0,
                                    UInt8(path.count & 0xFF), UInt8(path.count >> 8)] + path
    }

    static func mergeMarker(_ time: UInt64) -> [UInt8] {
        [BinaryTrace.mergeTag] + withUnsafeBytes(of: time.littleEndian) { Array($0) }
    }

    /// Writes the tag (without the effect count), pc, word and cycle of an instruction record and
    /// advances the hart's state; returns the bytes written.
    @inline(__always)
    func encodeHead(into p: UnsafeMutablePointer<UInt8>, hart: Int, cycle: UInt64, pc: UInt32, word: UInt32,
                    compressed: Bool, wordKnown: Bool = false) -> Int {
        let state = states + hart
        let raw = UnsafeMutableRawPointer(p)
        var tag = UInt8(hart & 7)
        var n = 1
        if _slowPath(hart >= BinaryTrace.hartEscape) && wide {
            tag = UInt8(BinaryTrace.hartEscape)
            p[1] = UInt8(truncatingIfNeeded: hart)
            n = 2
        }
        if !state.pointee.started || state.pointee.nextPC != pc {
            tag |= 0x08
            raw.storeBytes(of: pc.littleEndian, toByteOffset: n, as: UInt32.self)
            n += 4
        }
        let slot = words + (hart << BinaryTrace.tableBits) + BinaryTrace.tableIndex(pc)
        let entry = UInt64(pc) << 32 | UInt64(word)
        if !wordKnown && slot.pointee != entry {
            slot.pointee = entry
            tag |= 0x10
            raw.storeBytes(of: word.littleEndian, toByteOffset: n, as: UInt32.self)
            n += compressed ? 2 : 4
        }
        p[0] = tag
        n += writeLEB128(cycle &- state.pointee.cycle, p + n)
        state.pointee = BinaryTraceHartState(nextPC: pc &+ (compressed ? 2 : 4), started: true, cycle: cycle)
        return n
    }

    /// Writes one instruction record at `p`; returns its length.
    @inline(__always)
    func encodeInstruction(into p: UnsafeMutablePointer<UInt8>, hart: Int, cycle: UInt64, pc: UInt32, word: UInt32,
                           compressed: Bool, effects: UnsafeBufferPointer<TraceEffect>) -> Int {
        let raw = UnsafeMutableRawPointer(p)
        var n = encodeHead(into: p, hart: hart, cycle: cycle, pc: pc, word: word, compressed: compressed)
        if effects.count < BinaryTrace.extendedCount {
            p[0] |= UInt8(effects.count << 5)
        } else {
            p[0] |= UInt8(BinaryTrace.extendedCount << 5)
            p[n] = UInt8(effects.count)
            n += 1
        }
        for e in effects {
            switch e.kind {
            case .x, .f:
                p[n] = (e.kind == .x ? 0x00 : 0x20) | UInt8(e.number & 31)
                raw.storeBytes(of: e.value.littleEndian, toByteOffset: n + 1, as: UInt32.self)
                n += 5
            case .csr:
                p[n] = 0x40
                raw.storeBytes(of: UInt16(truncatingIfNeeded: e.number).littleEndian, toByteOffset: n + 1, as: UInt16.self)
                raw.storeBytes(of: e.value.littleEndian, toByteOffset: n + 3, as: UInt32.self)
                n += 7
            case .load:
                p[n] = 0x50 | UInt8(e.number & 7)
                raw.storeBytes(of: e.address.littleEndian, toByteOffset: n + 1, as: UInt32.self)
                n += 5
            case .store:
                p[n] = 0x60 | UInt8(e.number & 7)
                raw.storeBytes(of: e.address.littleEndian, toByteOffset: n + 1, as: UInt32.self)
                raw.storeBytes(of: e.value.littleEndian, toByteOffset: n + 5, as: UInt32.self)
                n += 5 + Int(e.number & 7)
            }
        }
        return n
    }

    /// Writes the record of an instruction retired on the fast path (`CapturedInstruction`)
    /// straight from the capture, with the bytes `encodeInstruction` would write for the effects
    /// `Machine.formatTraceLine` derives from it: fflags (if flags were raised; after an f0
    /// write), the x or f register, then the memory access.
    @inline(__always)
    func encodeCaptured(into p: UnsafeMutablePointer<UInt8>, hart: Int, cycle: UInt64, pc: UInt32, word: UInt32,
                        compressed: Bool, traits: UInt8, rd: UInt8, value: UInt32, aux: UInt32, wordKnown: Bool) -> Int {
        let raw = UnsafeMutableRawPointer(p)
        var n = encodeHead(into: p, hart: hart, cycle: cycle, pc: pc, word: word, compressed: compressed, wordKnown: wordKnown)
        var effects: UInt8 = 0
        // The register: x (not the x0 sink) or f.
        var register: UInt8 = 0xFF
        if traits & TraceTraits.writesX != 0 { if rd != zeroSinkRegister { register = rd & 31 } }
        else if traits & TraceTraits.writesF != 0 { register = 0x20 | (rd & 31) }
        let flagged = traits & TraceTraits.fflags != 0 && aux & 0x1F != 0
        @inline(__always) func putRegister() {
            p[n] = register
            raw.storeBytes(of: value.littleEndian, toByteOffset: n + 1, as: UInt32.self)
            n += 5
            effects += 1
        }
        if flagged {
            // Spike orders by (number << 4 | kind): x1, f0 and f1 come before fflags (0x14).
            let early = register == 0x01 || register == 0x20 || register == 0x21
            if early { putRegister() }
            p[n] = 0x40
            raw.storeBytes(of: UInt16(CSR.fflags).littleEndian, toByteOffset: n + 1, as: UInt16.self)
            raw.storeBytes(of: (aux >> 8).littleEndian, toByteOffset: n + 3, as: UInt32.self)
            n += 7
            effects += 1
            if !early && register != 0xFF { putRegister() }
        } else if register != 0xFF {
            putRegister()
        }
        let size = traits & TraceTraits.sizeMask
        if size != 0 {
            raw.storeBytes(of: aux.littleEndian, toByteOffset: n + 1, as: UInt32.self)
            if traits & TraceTraits.store != 0 {
                p[n] = 0x60 | size
                raw.storeBytes(of: value.littleEndian, toByteOffset: n + 5, as: UInt32.self)
                n += 5 + Int(size)
            } else {
                p[n] = 0x50 | size
                n += 5
            }
            effects += 1
        }
        p[0] |= effects << 5
        return n
    }

    /// Writes one event record at `p` (room for `traceMaxLine` bytes); returns its length.
    func encodeEvent(into p: UnsafeMutablePointer<UInt8>, hart: Int?, cycle: UInt64, source: String, message: String) -> Int {
        let raw = UnsafeMutableRawPointer(p)
        if wide {
            p[0] = BinaryTrace.eventTag
            p[1] = hart.map { UInt8(truncatingIfNeeded: $0 + 1) } ?? 0
        } else {
            p[0] = BinaryTrace.eventTag | UInt8((hart ?? 0) & 7)
            p[1] = hart == nil ? 0 : 1
        }
        raw.storeBytes(of: cycle.littleEndian, toByteOffset: 2, as: UInt64.self)
        var n = 10
        let sourceBytes = Array(source.utf8.prefix(255))
        p[n] = UInt8(sourceBytes.count)
        n += 1
        for b in sourceBytes { p[n] = b; n += 1 }
        let messageBytes = Array(message.utf8.prefix(traceMaxLine - 16 - n))
        raw.storeBytes(of: UInt16(messageBytes.count).littleEndian, toByteOffset: n, as: UInt16.self)
        n += 2
        for b in messageBytes { p[n] = b; n += 1 }
        return n
    }
}

@inline(__always) func writeLEB128(_ value: UInt64, _ p: UnsafeMutablePointer<UInt8>) -> Int {
    if value < 0x80 { p[0] = UInt8(value); return 1 }
    var v = value
    var n = 0
    while v >= 0x80 {
        p[n] = UInt8(v & 0x7F) | 0x80
        v >>= 7
        n += 1
    }
    p[n] = UInt8(v)
    return n + 1
}

/// Why a binary trace could not be decoded.
public struct TraceDecodeError: Error, CustomStringConvertible {
    public let description: String
}

/// Reads a binary trace (a file, or bytes in memory) and replays it into a text `Tracer`.
public final class BinaryTraceReader {
    public let path: String
    public let harts: Int
    /// The ELF the trace was recorded from (for symbols), as given on the command line.
    public let elfPath: String
    /// Whether the harts' records were merged in time order (decode with a tracer holding lines).
    public let merged: Bool
    /// Format version of the trace (1, 2, or 3 for more than 8 harts).
    public let version: UInt8
    /// Where the records come from: a file descriptor, or `memory` from `memoryPosition` on.
    private let fd: Int32
    private let memory: [UInt8]
    private var memoryPosition = 0
    private let buffer: UnsafeMutablePointer<UInt8>
    private static let capacity = 1 << 20
    /// Bytes a record can take at most (an event with the longest message).
    private static let maxRecord = traceLineRoom
    private var start = 0, end = 0
    /// File offset of buffer[0].
    private var base: UInt64 = 0
    private var atEOF = false

    /// Opens the trace file at `path` and reads its header.
    public init(path: String) throws {
        self.path = path
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw TraceDecodeError(description: "cannot open '\(path)': \(String(cString: strerror(errno)))") }
        do {
            (harts, merged, elfPath, base, version) = try BinaryTraceReader.readHeader(path: path) { read(descriptor, $0, $1) }
        } catch {
            Foundation.close(descriptor)
            throw error
        }
        fd = descriptor
        memory = []
        buffer = .allocate(capacity: BinaryTraceReader.capacity)
    }

    /// Reads a trace held in memory (`name` is only used in messages).
    public init(bytes: [UInt8], name: String = "<memory>") throws {
        path = name
        fd = -1
        memory = bytes
        var position = 0
        (harts, merged, elfPath, base, version) = try BinaryTraceReader.readHeader(path: name) {
            BinaryTraceReader.copy(bytes, from: &position, to: $0, count: $1)
        }
        memoryPosition = position
        buffer = .allocate(capacity: BinaryTraceReader.capacity)
    }

    deinit {
        if fd >= 0 { Foundation.close(fd) }
        buffer.deallocate()
    }

    /// Parses the header through `read` (which fills up to `count` bytes and returns how many it
    /// read, 0 at the end, -1 on an error); returns it and its length.
    private static func readHeader(path: String, read: (UnsafeMutablePointer<UInt8>, Int) -> Int) throws
        -> (harts: Int, merged: Bool, elfPath: String, length: UInt64, version: UInt8) {
        func readFully(_ count: Int) throws -> [UInt8]? {
            var bytes = [UInt8](repeating: 0, count: count)
            var got = 0
            while got < count {
                let n = bytes.withUnsafeMutableBufferPointer { read($0.baseAddress! + got, count - got) }
                if n < 0 {
                    if errno == EINTR { continue }
                    throw TraceDecodeError(description: "reading '\(path)': \(String(cString: strerror(errno)))")
                }
                if n == 0 { return nil }
                got += n
            }
            return bytes
        }
        guard let header = try readFully(14), Array(header[0..<8]) == BinaryTrace.magic else {
            throw TraceDecodeError(description: "'\(path)' is not a pulpsim binary trace (no PULPSIMT header)")
        }
        guard (1...BinaryTrace.wideVersion).contains(header[8]) else {
            throw TraceDecodeError(description: "'\(path)': binary trace version \(header[8]) is not supported (this pulpsim reads versions 1 to \(BinaryTrace.wideVersion))")
        }
        let harts = Int(header[9])
        let most = header[8] >= BinaryTrace.wideVersion ? BinaryTrace.maxHarts : BinaryTrace.compactHarts
        guard harts >= 1 && harts <= most else {
            throw TraceDecodeError(description: "'\(path)': bad hart count \(harts) in the header")
        }
        let pathLength = Int(header[12]) | Int(header[13]) << 8
        guard let pathBytes = try readFully(pathLength) else {
            throw TraceDecodeError(description: "'\(path)': truncated header")
        }
        return (harts, header[10] & 1 != 0, String(decoding: pathBytes, as: UTF8.self), UInt64(14 + pathLength), header[8])
    }

    /// Reads up to `count` bytes into `destination`: how many (0 at the end), or -1 (errno).
    private func readSome(_ destination: UnsafeMutablePointer<UInt8>, _ count: Int) -> Int {
        if fd >= 0 { return read(fd, destination, count) }
        return BinaryTraceReader.copy(memory, from: &memoryPosition, to: destination, count: count)
    }

    /// Copies up to `count` bytes of `bytes` from `position` on, advancing it; returns how many.
    private static func copy(_ bytes: [UInt8], from position: inout Int, to destination: UnsafeMutablePointer<UInt8>,
                             count: Int) -> Int {
        let n = min(count, bytes.count - position)
        if n > 0 { bytes.withUnsafeBufferPointer { destination.update(from: $0.baseAddress! + position, count: n) } }
        position += n
        return n
    }

    /// Makes at least `BinaryTraceReader.maxRecord` bytes available unless the file ends first.
    private func refill() throws {
        guard !atEOF, end - start < BinaryTraceReader.maxRecord else { return }
        if start > 0 {
            memmove(buffer, buffer + start, end - start)
            base += UInt64(start)
            end -= start
            start = 0
        }
        while end < BinaryTraceReader.capacity {
            let got = readSome(buffer + end, BinaryTraceReader.capacity - end)
            if got < 0 {
                if errno == EINTR { continue }
                throw TraceDecodeError(description: "reading '\(path)': \(String(cString: strerror(errno)))")
            }
            if got == 0 { atEOF = true; break }
            end += got
        }
    }

    private func corrupt(_ what: String, at offset: Int) -> TraceDecodeError {
        TraceDecodeError(description: "'\(path)' is corrupt at byte \(base + UInt64(offset)): \(what)")
    }

    /// Decodes every record into `tracer` (which formats and writes them); returns the number of
    /// instruction records.
    @discardableResult
    public func decode(into tracer: Tracer) throws -> UInt64 {
        let states = UnsafeMutablePointer<BinaryTraceHartState>.allocate(capacity: harts)
        states.initialize(repeating: BinaryTraceHartState(), count: harts)
        let words = UnsafeMutablePointer<UInt64>.allocate(capacity: harts * BinaryTrace.tableSize)
        words.initialize(repeating: BinaryTrace.emptyEntry, count: harts * BinaryTrace.tableSize)
        defer { states.deallocate(); words.deallocate() }
        var instructions: UInt64 = 0
        while true {
            try refill()
            if start == end { break }
            let recordStart = start
            let available = end - start
            let p = buffer + start
            let raw = UnsafeRawPointer(p)
            var n = 1
            func need(_ count: Int) throws {
                if n + count > available { throw corrupt("the file ends inside a record", at: recordStart) }
            }
            let tag = p[0]
            if tag == BinaryTrace.mergeTag {
                try need(8)
                tracer.flushPending(before: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 1, as: UInt64.self)))
                start += 9
                continue
            }
            let wide = version >= BinaryTrace.wideVersion
            var hart = Int(tag & 7)
            if tag & 0xE0 == BinaryTrace.eventTag {
                try need(10)
                var hasHart = p[1] != 0
                if wide {
                    guard tag & 7 == 0 else { throw corrupt("event tag 0x\(String(tag, radix: 16)) in a version 3 trace", at: recordStart) }
                    hart = Int(p[1]) - 1
                    hasHart = p[1] != 0
                }
                guard hart < harts else { throw corrupt("hart \(hart) in a trace of \(harts) harts", at: recordStart) }
                let cycle = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 2, as: UInt64.self))
                n = 10
                try need(1)
                let sourceLength = Int(p[n]); n += 1
                try need(sourceLength + 2)
                let source = String(decoding: UnsafeBufferPointer(start: p + n, count: sourceLength), as: UTF8.self)
                n += sourceLength
                let messageLength = Int(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: n, as: UInt16.self))); n += 2
                try need(messageLength)
                let message = String(decoding: UnsafeBufferPointer(start: p + n, count: messageLength), as: UTF8.self)
                n += messageLength
                start += n
                tracer.event(hart: hasHart ? hart : nil, cycle: cycle, source: source, message: message)
                continue
            }
            if wide && hart == BinaryTrace.hartEscape {
                try need(1)
                hart = Int(p[1])
                n = 2
                guard hart >= BinaryTrace.hartEscape else { throw corrupt("hart \(hart) named by a hart byte", at: recordStart) }
            }
            guard hart < harts else { throw corrupt("hart \(hart) in a trace of \(harts) harts", at: recordStart) }
            var effectCount = Int(tag >> 5)
            guard effectCount <= 5 else { throw corrupt("\(effectCount) effects in one record", at: recordStart) }
            let state = states + hart
            var pc = state.pointee.nextPC
            if tag & 0x08 != 0 {
                try need(4)
                pc = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: n, as: UInt32.self)); n += 4
            } else if !state.pointee.started {
                throw corrupt("hart \(hart)'s first record has no pc", at: recordStart)
            }
            let slot = words + (hart << BinaryTrace.tableBits) + BinaryTrace.tableIndex(pc)
            var word: UInt32
            if tag & 0x10 != 0 {
                try need(2)
                word = UInt32(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: n, as: UInt16.self)))
                if word & 3 == 3 {
                    try need(4)
                    word = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: n, as: UInt32.self)); n += 4
                } else {
                    n += 2
                }
                slot.pointee = UInt64(pc) << 32 | UInt64(word)
            } else {
                guard slot.pointee >> 32 == UInt64(pc) else { throw corrupt("no instruction word recorded for pc 0x\(String(pc, radix: 16))", at: recordStart) }
                word = UInt32(truncatingIfNeeded: slot.pointee)
            }
            let compressed = word & 3 != 3
            var delta: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                try need(1)
                let b = p[n]; n += 1
                if shift < 64 { delta |= UInt64(b & 0x7F) << shift }
                shift += 7
                if b & 0x80 == 0 { break }
                if shift > 70 { throw corrupt("overlong cycle delta", at: recordStart) }
            }
            if effectCount == BinaryTrace.extendedCount && version >= 2 {
                try need(1)
                effectCount = Int(p[n]); n += 1
                guard effectCount <= Tracer.maxEffects else { throw corrupt("\(effectCount) effects in one record", at: recordStart) }
            }
            let cycle = state.pointee.cycle &+ delta
            state.pointee = BinaryTraceHartState(nextPC: pc &+ (compressed ? 2 : 4), started: true, cycle: cycle)
            let list = tracer.effects
            for i in 0..<effectCount {
                try need(1)
                let code = p[n]; n += 1
                switch code & 0xE0 {
                case 0x00, 0x20:
                    try need(4)
                    list[i] = TraceEffect(kind: code & 0x20 == 0 ? .x : .f, number: UInt32(code & 31),
                                          value: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: n, as: UInt32.self)), address: 0)
                    n += 4
                case 0x40:
                    if code & 0x10 == 0 {
                        try need(6)
                        let number = UInt32(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: n, as: UInt16.self)))
                        list[i] = TraceEffect(kind: .csr, number: number,
                                              value: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: n + 2, as: UInt32.self)), address: 0)
                        n += 6
                    } else {
                        let size = UInt32(code & 7)
                        guard size == 1 || size == 2 || size == 4 else { throw corrupt("load of \(size) bytes", at: recordStart) }
                        try need(4)
                        list[i] = TraceEffect(kind: .load, number: size, value: 0,
                                              address: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: n, as: UInt32.self)))
                        n += 4
                    }
                case 0x60:
                    let size = Int(code & 7)
                    guard size == 1 || size == 2 || size == 4 else { throw corrupt("store of \(size) bytes", at: recordStart) }
                    try need(4 + size)
                    var value: UInt32 = 0
                    for b in 0..<size { value |= UInt32(p[n + 4 + b]) << UInt32(8 * b) }
                    list[i] = TraceEffect(kind: .store, number: UInt32(size), value: value,
                                          address: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: n, as: UInt32.self)))
                    n += 4 + size
                default:
                    throw corrupt("unknown effect code 0x\(String(code, radix: 16))", at: recordStart)
                }
            }
            start += n
            instructions += 1
            tracer.instruction(hart: hart, cycle: cycle, pc: pc, word: word, compressed: compressed, effectCount: effectCount)
        }
        return instructions
    }
}
