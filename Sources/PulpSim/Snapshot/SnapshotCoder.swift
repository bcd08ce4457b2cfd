// Snapshot: the coder that saves a machine's state into bytes and restores it from them.
//
// Every stateful part of the machine has one `snapshot(_:)` function that serves both
// directions: it hands each of its fields to the coder (`coder.pod(&field)`, `coder.array(&a)`,
// ...), which appends the field's bytes when saving and overwrites the field when restoring. The
// order of fields is therefore the same both ways by construction. Section markers between the
// parts catch a part that reads back more or less than it wrote.
//
// Plain-data values (`_isPOD`: integers, enums, structs of them) are copied as their bytes: a
// snapshot is tied to the pulpsim build that wrote it (the file header carries the format
// version and a layout fingerprint, Snapshot/Snapshot.swift). Restoring never trusts a count:
// every length is checked against the bytes left, and the first inconsistency ends the restore
// with a message instead of reading on.

import Foundation

/// Saves (`isSaving`) or restores a machine's state, field by field.
struct SnapshotCoder {
    let isSaving: Bool
    /// Saving for a state hash: plain-data values go in field by field, without the padding
    /// bytes between their fields (whose contents are left over from whatever the memory held).
    private(set) var canonical = false
    private(set) var bytes: [UInt8]
    private var offset = 0
    /// The first inconsistency met while restoring (the restore then fails with it).
    private(set) var failure: String?

    /// A coder that saves.
    init() {
        isSaving = true
        bytes = []
        bytes.reserveCapacity(1 << 16)
    }

    /// A coder that saves each value's fields, not its bytes (`Machine.stateHash`).
    init(canonical: Bool) {
        self.init()
        self.canonical = canonical
    }

    /// A coder that restores from `bytes`.
    init(restoring bytes: [UInt8]) {
        isSaving = false
        self.bytes = bytes
    }

    var isRestoring: Bool { !isSaving }
    /// Whether every byte was read back (restoring).
    var atEnd: Bool { offset == bytes.count }

    mutating func fail(_ message: String) {
        if failure == nil { failure = message }
    }

    /// Raw bytes at `pointer`.
    mutating func raw(_ pointer: UnsafeMutableRawPointer, count: Int) {
        guard count > 0 else { return }
        if isSaving {
            bytes.append(contentsOf: UnsafeRawBufferPointer(start: pointer, count: count))
        } else {
            guard failure == nil, count <= bytes.count - offset else {
                fail("the snapshot ends early")
                return
            }
            bytes.withUnsafeBytes { pointer.copyMemory(from: $0.baseAddress! + offset, byteCount: count) }
            offset += count
        }
    }

    /// A plain-data value, as its bytes.
    mutating func pod<T>(_ value: inout T) {
        precondition(_isPOD(T.self), "snapshot: \(T.self) is not plain data")
        if canonical { return SnapshotCoder.appendFields(value, to: &bytes) }
        withUnsafeMutableBytes(of: &value) { raw($0.baseAddress!, count: $0.count) }
    }

    /// `value`'s scalar fields, in order, each as its bytes (optionals as a flag and the value).
    static func appendFields(_ value: Any, to out: inout [UInt8]) {
        let mirror = Mirror(reflecting: value)
        if mirror.displayStyle == .optional {
            if let child = mirror.children.first {
                out.append(1)
                appendFields(child.value, to: &out)
            } else {
                out.append(0)
            }
            return
        }
        if mirror.children.isEmpty || mirror.displayStyle == .enum {
            func leaf<T>(_ v: T) { withUnsafeBytes(of: v) { out.append(contentsOf: $0.prefix(MemoryLayout<T>.size)) } }
            _openExistential(value, do: leaf)
            return
        }
        for child in mirror.children { appendFields(child.value, to: &out) }
    }

    /// `count` plain-data values at `pointer`.
    mutating func pointer<T>(_ pointer: UnsafeMutablePointer<T>, count: Int) {
        precondition(_isPOD(T.self), "snapshot: \(T.self) is not plain data")
        raw(UnsafeMutableRawPointer(pointer), count: count * MemoryLayout<T>.stride)
    }

    /// A count: written when saving; when restoring, read and checked against `limit` and
    /// against the bytes left (at least `minimumBytes` each).
    mutating func count(_ value: Int, limit: Int = .max, minimumBytes: Int = 0) -> Int {
        var n = Int64(value)
        pod(&n)
        if isSaving { return value }
        guard failure == nil else { return 0 }
        guard n >= 0, n <= Int64(limit), minimumBytes == 0 || n <= Int64((bytes.count - offset) / minimumBytes) else {
            fail("the snapshot holds an impossible count (\(n))")
            return 0
        }
        return Int(n)
    }

    /// An array of plain-data values.
    mutating func array<T>(_ array: inout [T]) {
        precondition(_isPOD(T.self), "snapshot: \(T.self) is not plain data")
        let stride = MemoryLayout<T>.stride
        let n = count(array.count, minimumBytes: max(stride, 1))
        if isRestoring {
            guard failure == nil else { return }
            // (Plain data: zero bytes are a valid placeholder before they are overwritten.)
            array = [T](unsafeUninitializedCapacity: n) { buffer, initialized in
                if let base = buffer.baseAddress { memset(base, 0, n * stride) }
                initialized = n
            }
        }
        if canonical, let first = array.first, MemoryLayout<T>.size != MemoryLayout<T>.stride
            || !Mirror(reflecting: first).children.isEmpty || Mirror(reflecting: first).displayStyle == .optional {
            for element in array { SnapshotCoder.appendFields(element, to: &bytes) }
            return
        }
        array.withUnsafeMutableBytes { if let base = $0.baseAddress { raw(base, count: $0.count) } }
    }

    /// An array of values with their own coding (`element` codes one; restoring starts from `empty`).
    mutating func array<T>(_ array: inout [T], empty: @autoclosure () -> T, _ element: (inout SnapshotCoder, inout T) -> Void) {
        let n = count(array.count, minimumBytes: 1)
        if isRestoring { array = failure == nil ? (0..<n).map { _ in empty() } : [] }
        for i in array.indices { element(&self, &array[i]) }
    }

    mutating func string(_ string: inout String) {
        var utf8 = Array(string.utf8)
        array(&utf8)
        if isRestoring { string = String(decoding: utf8, as: UTF8.self) }
    }

    mutating func bool(_ value: inout Bool) {
        var byte: UInt8 = value ? 1 : 0
        pod(&byte)
        if isRestoring {
            if byte > 1 { fail("the snapshot holds an impossible flag") }
            value = byte == 1
        }
    }

    /// An optional: a presence flag, then the value's own coding.
    mutating func optional<T>(_ value: inout T?, empty: @autoclosure () -> T, _ body: (inout SnapshotCoder, inout T) -> Void) {
        var present = value != nil
        bool(&present)
        if isSaving {
            if var v = value { body(&self, &v) }
        } else if present && failure == nil {
            var v = empty()
            body(&self, &v)
            value = v
        } else {
            value = nil
        }
    }

    /// An optional plain-data value.
    mutating func optional<T>(_ value: inout T?, empty: @autoclosure () -> T) {
        optional(&value, empty: empty()) { $0.pod(&$1) }
    }

    /// A marker between parts: restoring checks that the part before read back what it wrote.
    mutating func section(_ name: String) {
        var tag = UInt64(truncatingIfNeeded: SnapshotCoder.hash(Array(name.utf8)))
        let expected = tag
        pod(&tag)
        if isRestoring && failure == nil && tag != expected {
            fail("the snapshot does not match this machine at its part '\(name)'")
        }
    }

    /// FNV-1a, 64 bits.
    static func hash(_ bytes: [UInt8], seed: UInt64 = 0xcbf2_9ce4_8422_2325) -> UInt64 {
        bytes.withUnsafeBytes { hash($0, seed: seed) }
    }

    static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt64 = 0xcbf2_9ce4_8422_2325) -> UInt64 {
        var h = seed
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }
}

/// A sleep reason, as a snapshot stores it.
extension SnapshotCoder {
    mutating func sleepReason(_ reason: inout SleepReason) {
        var kind: UInt8
        var text = ""
        switch reason {
        case .waitForInterrupt: kind = 0
        case .device(let what): kind = 1; text = what
        case .held: kind = 2
        }
        pod(&kind)
        string(&text)
        if isRestoring {
            switch kind {
            case 0: reason = .waitForInterrupt
            case 1: reason = .device(text)
            case 2: reason = .held
            default: fail("the snapshot holds an unknown sleep reason")
            }
        }
    }

    mutating func hartState(_ state: inout HartState) {
        var kind: UInt8
        var reason = SleepReason.waitForInterrupt
        switch state {
        case .running: kind = 0
        case .asleep(let r): kind = 1; reason = r
        case .stopped: kind = 2
        }
        pod(&kind)
        sleepReason(&reason)
        if isRestoring {
            switch kind {
            case 0: state = .running
            case 1: state = .asleep(reason)
            case 2: state = .stopped
            default: fail("the snapshot holds an unknown hart state")
            }
        }
    }
}

extension SnapshotCoder {
    /// A dictionary of plain-data keys and values, in key order (the same bytes for the same contents).
    mutating func dictionary<K: Comparable & Hashable, V>(_ d: inout [K: V]) {
        var keys = d.keys.sorted()
        var values = keys.map { d[$0]! }
        array(&keys)
        array(&values)
        if isRestoring {
            guard keys.count == values.count else { return fail("the snapshot holds a malformed table") }
            d = Dictionary(zip(keys, values), uniquingKeysWith: { a, _ in a })
        }
    }

    /// A value of plain data with every byte zero: the placeholder a restore overwrites.
    static func zeroed<T>(_ type: T.Type = T.self) -> T {
        precondition(_isPOD(T.self), "snapshot: \(T.self) is not plain data")
        let p = UnsafeMutableRawPointer.allocate(byteCount: max(MemoryLayout<T>.size, 1), alignment: MemoryLayout<T>.alignment)
        defer { p.deallocate() }
        memset(p, 0, max(MemoryLayout<T>.size, 1))
        return p.load(as: T.self)
    }

    /// A dictionary from integers to strings, in key order.
    mutating func dictionary(_ d: inout [Int: String]) {
        var keys = d.keys.sorted()
        var values = keys.map { d[$0]! }
        array(&keys)
        array(&values, empty: "") { $0.string(&$1) }
        if isRestoring {
            guard keys.count == values.count else { return fail("the snapshot holds a malformed table") }
            d = Dictionary(zip(keys, values), uniquingKeysWith: { a, _ in a })
        }
    }
}

/// A part of the machine with state of its own: saves and restores it through one function.
protocol SnapshotPart: AnyObject {
    func snapshot(_ coder: inout SnapshotCoder)
}

extension PlainRegisters {
    mutating func snapshot(_ coder: inout SnapshotCoder) { coder.dictionary(&values) }
}
