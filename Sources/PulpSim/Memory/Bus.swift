// Memory: the system bus that routes each access to RAM or to the device that owns the address.
//
// RAM regions are plain host buffers. The fast path is one table lookup per access: the address
// space is cut into 1 MiB segments, each naming a host pointer and how many bytes from the segment
// start are RAM (0 for segments that hold devices or nothing). Every other access takes the slow
// path through `MappedRegion`s: devices, partially mapped segments, faults. Stores into a watched
// word (HTIF `tohost`) are reported to its owner; the machine keeps decoded code coherent itself.

/// One entry of the memory map.
public struct MappedRegion {
    public enum Kind { case ram(RAM, offset: Int), device(Device) }
    public let name: String
    public let start: UInt32
    public let size: UInt32
    public let kind: Kind
    public let note: String
    @inline(__always) public func contains(_ address: UInt32) -> Bool { address &- start < size }
    public var end: UInt64 { UInt64(start) + UInt64(size) }
}

/// Fast-path entry for one 1 MiB segment of the address space.
@usableFromInline struct Segment {
    @usableFromInline var base: UnsafeMutableRawPointer?
    /// Bytes from the segment start that are plain RAM (0 = none: use the slow path).
    @usableFromInline var limit: UInt32
    /// Extra cycles an access here costs the harts using this table (a cluster core's access to
    /// L2: `MachineOptions.l2Latency`, at most 1000); 0 for the TCDM and everything else.
    @usableFromInline var latency: UInt16 = 0
    /// 1 where the RAM is the TCDM (`markTCDM`): the interpreter logs the cores' accesses here
    /// for the TCDM arbiter, and the performance counters tell loads and stores outside it.
    /// (Beside `latency`, so that the segment stays 16 bytes.)
    @usableFromInline var tcdm: UInt16 = 0
    @usableFromInline init(base: UnsafeMutableRawPointer?, limit: UInt32) { self.base = base; self.limit = limit }
}

/// Result of a slow-path access.
public enum BusResult { case ok(UInt32), fault, sleep }

/// Routes addresses to RAM and devices.
public final class Bus {
    public private(set) var regions: [MappedRegion] = []
    @usableFromInline let segments: UnsafeMutablePointer<Segment>
    static let segmentShift: UInt32 = 20
    static let segmentCount = 1 << (32 - 20)

    /// Stores in [watchStart, watchStart + watchSpan) are reported to `watchHandler` after they land.
    /// (These and the private alias are read each time the interpreter loop starts: plain values
    /// that nothing holds an access to, so without the run-time exclusivity check.)
    @exclusivity(unchecked) public var watchStart: UInt32 = 0
    @exclusivity(unchecked) public var watchSpan: UInt32 = 0
    public var watchHandler: ((UInt32, Int, inout AccessContext) -> Void)?

    /// A window of the address space that one hart sees differently: the `pulp` fabric
    /// controller's local alias of L2 private bank 0 at 0x0000_0000, where cluster cores see the
    /// TCDM alias. In `[0, hidden)` that hart sees `size` bytes of RAM from `target` and nothing else.
    public struct PrivateAlias: Sendable {
        public let hart: Int
        public let size: UInt32
        public let target: UInt32
        public let hidden: UInt32
    }
    @exclusivity(unchecked) public private(set) var privateAlias: PrivateAlias?
    /// The fast-path table of the hart with the private alias.
    @exclusivity(unchecked) @usableFromInline private(set) var privateSegments: UnsafeMutablePointer<Segment>?

    public init() {
        segments = .allocate(capacity: Bus.segmentCount)
        segments.initialize(repeating: Segment(base: nil, limit: 0), count: Bus.segmentCount)
    }
    deinit {
        segments.deallocate()
        privateSegments?.deallocate()
    }

    /// Gives `hart` its own view of [0, hidden): `size` bytes of the RAM at `target` (which must be
    /// mapped, from a segment boundary), nothing else. Call after every map.
    func addPrivateAlias(hart: Int, size: UInt32, target: UInt32, hidden: UInt32) {
        guard size <= 1 << 20, hidden & 0xFFFFF == 0, let base = hostPointer(target, count: Int(size)) else { return }
        privateAlias = PrivateAlias(hart: hart, size: size, target: target, hidden: hidden)
        let table = UnsafeMutablePointer<Segment>.allocate(capacity: Bus.segmentCount)
        table.initialize(from: segments, count: Bus.segmentCount)
        for i in 0..<Int(hidden >> 20) { table[i] = Segment(base: nil, limit: 0) }
        table[0] = Segment(base: base, limit: size)
        for i in 0..<Bus.segmentCount { table[i].latency = 0 }  // (the fabric controller sits beside L2)
        privateSegments = table
    }

    /// Makes every access to [start, start + size) through the shared table (every hart but the
    /// one with the private alias) cost `cycles` more: the cluster cores' round trip to L2.
    /// Only whole segments that RAM serves from their start are fast; the slow path asks
    /// `accessLatency` for the same figure.
    func setAccessLatency(_ cycles: UInt32, start: UInt32, size: UInt32) {
        var index = Int(start >> 20)
        let end = UInt64(start) + UInt64(size)
        while index < Bus.segmentCount && UInt64(index) << 20 < end {
            segments[index].latency = UInt16(clamping: cycles)
            index += 1
        }
        maxLatency = max(maxLatency, UInt32(UInt16(clamping: cycles)))
    }

    /// The largest `latency` of any segment (compiled blocks' worst case, Kernel/BlockCompiler.swift:
    /// blocks are compiled with the value of their time, so latencies are set before anything runs,
    /// as `Machine.init` does).
    private(set) var maxLatency: UInt32 = 0

    /// Marks the segments whose RAM lies in [start, end) as the TCDM, in the shared table and
    /// the private one (after every map: mapping RAM over a segment clears its mark).
    func markTCDM(start: UnsafeMutableRawPointer, end: UnsafeMutableRawPointer) {
        for table in [segments, privateSegments].compactMap({ $0 }) {
            for i in 0..<Bus.segmentCount {
                if let base = table[i].base, table[i].limit > 0, base >= start && base < end { table[i].tcdm = 1 }
            }
        }
    }

    /// The extra cycles `hart`'s access to `address` costs (`setAccessLatency`).
    @inline(__always) func accessLatency(_ address: UInt32, hart: Int) -> UInt32 {
        UInt32(segments(for: hart)[Int(address >> Bus.segmentShift)].latency)
    }

    /// The fast-path table `hart` uses.
    @inline(__always) func segments(for hart: Int) -> UnsafeMutablePointer<Segment> {
        if let alias = privateAlias, alias.hart == hart, let table = privateSegments { return table }
        return segments
    }

    /// The address `hart`'s access of `size` bytes at `address` reaches (its private alias
    /// resolved), or nil if `hart` sees nothing there.
    @inline(__always) func translate(_ address: UInt32, size: Int, hart: Int) -> UInt32? {
        guard let alias = privateAlias, alias.hart == hart, address < alias.hidden else { return address }
        return UInt64(address) + UInt64(size) <= UInt64(alias.size) ? alias.target &+ address : nil
    }

    /// Maps `size` bytes of `ram` (from `offset`) at `start`.
    public func map(ram: RAM, at start: UInt32, size: UInt32? = nil, offset: Int = 0, name: String? = nil,
                    note: String = "") {
        let length = size ?? UInt32(ram.size - offset)
        precondition(offset + Int(length) <= ram.size)
        regions.append(MappedRegion(name: name ?? ram.name, start: start, size: length,
                                    kind: .ram(ram, offset: offset), note: note))
        // Fill fast-path segments: only a region that starts at a segment boundary can serve the
        // whole segment prefix; anything else stays on the slow path.
        var address = UInt64(start)
        let end = UInt64(start) + UInt64(length)
        while address < end {
            let segmentIndex = Int(address >> 20)
            let segmentStart = UInt64(segmentIndex) << 20
            if address == segmentStart {
                let bytesHere = UInt32(min(end - segmentStart, 1 << 20))
                segments[segmentIndex] = Segment(base: ram.bytes + offset + Int(segmentStart - UInt64(start)),
                                                 limit: bytesHere)
            }
            address = segmentStart + (1 << 20)
        }
    }

    /// Maps a device window.
    public func map(device: Device, at start: UInt32, size: UInt32, name: String? = nil, note: String = "") {
        regions.append(MappedRegion(name: name ?? device.name, start: start, size: size, kind: .device(device),
                                    note: note))
        // A device inside a segment that RAM serves from its start must cut that segment's limit.
        let segmentIndex = Int(start >> 20)
        let offsetInSegment = start & 0xFFFFF
        if segments[segmentIndex].limit > offsetInSegment { segments[segmentIndex].limit = offsetInSegment }
    }

    /// The region holding `address`, if any.
    public func region(containing address: UInt32) -> MappedRegion? {
        for i in regions.indices where regions[i].contains(address) { return regions[i] }
        return nil
    }

    /// Every address at which the RAM byte at `address` is seen (itself first; just `address`
    /// if it is not RAM): the TCDM and its alias, for instance.
    func views(of address: UInt32) -> [UInt32] {
        var views: [UInt32] = []
        forEachView(of: address) { views.append($0) }
        return views
    }

    /// `body` for each address of `views(of:)`, `address` first, without building the list (the
    /// decoder asks for every instruction it decodes).
    @inline(__always) func forEachView(of address: UInt32, _ body: (UInt32) -> Void) {
        body(address)
        guard let r = region(containing: address), case .ram(let ram, let offset) = r.kind else { return }
        let at = offset + Int(address - r.start)
        for other in regions where other.start != r.start {
            guard case .ram(let o, let otherOffset) = other.kind, o === ram,
                  at >= otherOffset, at - otherOffset < Int(other.size) else { continue }
            body(other.start + UInt32(at - otherOffset))
        }
        if let alias = privateAlias, address &- alias.target < alias.size { body(address &- alias.target) }
    }

    /// Host pointer for `count` bytes of RAM at `address`, or nil if not entirely in one RAM region.
    public func hostPointer(_ address: UInt32, count: Int) -> UnsafeMutableRawPointer? {
        guard count >= 0, let r = region(containing: address), case .ram(let ram, let offset) = r.kind else { return nil }
        guard UInt64(address) + UInt64(count) <= r.end else { return nil }
        return ram.bytes + offset + Int(address - r.start)
    }

    // MARK: Fast paths (inlined into the interpreter)

    @inline(__always) func fastPointer(_ address: UInt32, _ size: UInt32) -> UnsafeMutableRawPointer? {
        let segment = segments[Int(address >> Bus.segmentShift)]
        let offset = address & 0xFFFFF
        if offset &+ size <= segment.limit { return segment.base.unsafelyUnwrapped + Int(offset) }
        return nil
    }

    // MARK: Slow path

    /// A load that missed the fast path (device, region edge, misaligned across regions, or unmapped).
    public func slowRead(_ address: UInt32, size: Int, context: inout AccessContext) -> BusResult {
        guard let r = region(containing: address) else { return .fault }
        switch r.kind {
        case .ram(let ram, let offset):
            if UInt64(address) + UInt64(size) > r.end {
                // Misaligned access straddling the end of a region into the next RAM region: byte
                // by byte. Into a device or unmapped space: a fault, with no side effect.
                guard let pieces = ramPieces(address, count: size) else { return .fault }
                var value: UInt32 = 0, shift: UInt32 = 0
                for (p, n) in pieces {
                    for i in 0..<n { value |= UInt32(p.load(fromByteOffset: i, as: UInt8.self)) << shift; shift += 8 }
                }
                return .ok(value)
            }
            let p = ram.bytes + offset + Int(address - r.start)
            switch size {
            case 1: return .ok(UInt32(p.load(as: UInt8.self)))
            case 2: return .ok(UInt32(p.loadUnaligned(as: UInt16.self)))
            default: return .ok(p.loadUnaligned(as: UInt32.self))
            }
        case .device(let device):
            let offset = address - r.start
            // Devices take naturally aligned accesses inside their window only (docs/platform.md §1).
            if address & UInt32(size - 1) != 0 || UInt64(address) + UInt64(size) > r.end { return .fault }
            guard let value = device.read(offset: offset, size: size, context: &context) else { return .fault }
            if context.sleep != nil { return .sleep }
            return .ok(value)
        }
    }

    /// A store that missed the fast path.
    public func slowWrite(_ address: UInt32, size: Int, value: UInt32, context: inout AccessContext) -> BusResult {
        guard let r = region(containing: address) else { return .fault }
        switch r.kind {
        case .ram(let ram, let offset):
            if UInt64(address) + UInt64(size) > r.end {
                // As for loads: every byte must be RAM, or nothing is written.
                guard let pieces = ramPieces(address, count: size) else { return .fault }
                var shift: UInt32 = 0
                for (p, n) in pieces {
                    for i in 0..<n { p.storeBytes(of: UInt8(truncatingIfNeeded: value >> shift), toByteOffset: i, as: UInt8.self); shift += 8 }
                }
                noteStore(address, size: size, context: &context)
                return .ok(0)
            }
            let p = ram.bytes + offset + Int(address - r.start)
            switch size {
            case 1: p.storeBytes(of: UInt8(truncatingIfNeeded: value), as: UInt8.self)
            case 2: p.storeBytes(of: UInt16(truncatingIfNeeded: value), toByteOffset: 0, as: UInt16.self)
            default: p.storeBytes(of: value, toByteOffset: 0, as: UInt32.self)
            }
            noteStore(address, size: size, context: &context)
            return .ok(0)
        case .device(let device):
            if address & UInt32(size - 1) != 0 || UInt64(address) + UInt64(size) > r.end { return .fault }
            guard device.write(offset: address - r.start, size: size, value: value, context: &context) else { return .fault }
            if context.sleep != nil { return .sleep }
            return .ok(0)
        }
    }

    /// Reports a store that landed in RAM to the watched word's owner.
    @inline(__always) func noteStore(_ address: UInt32, size: Int, context: inout AccessContext) {
        if (address &+ 3) &- watchStart < watchSpan &+ 3 { watchHandler?(address, size, &context) }
    }

    // MARK: Host access (loader, debugger, tests)

    /// The RAM pieces covering [address, address + count), region by region; nil if any byte is
    /// not RAM or the range wraps past the end of the address space.
    func ramPieces(_ address: UInt32, count: Int) -> [(pointer: UnsafeMutableRawPointer, count: Int)]? {
        guard count >= 0, UInt64(address) + UInt64(count) <= 1 << 32 else { return nil }
        var pieces: [(UnsafeMutableRawPointer, Int)] = []
        var at = UInt64(address), left = count
        while left > 0 {
            guard let r = region(containing: UInt32(at)), case .ram(let ram, let offset) = r.kind else { return nil }
            let n = Int(min(UInt64(left), r.end - at))
            pieces.append((ram.bytes + offset + Int(UInt32(at) - r.start), n))
            at += UInt64(n)
            left -= n
        }
        return pieces
    }

    /// Reads bytes without side effects on devices; nil if any byte is not RAM.
    public func readBytes(_ address: UInt32, count: Int) -> [UInt8]? {
        guard let pieces = ramPieces(address, count: count) else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(count)
        for (p, n) in pieces { out.append(contentsOf: UnsafeRawBufferPointer(start: p, count: n)) }
        return out
    }

    /// Writes bytes into RAM (the machine invalidates decoded code); false (nothing written) if
    /// any byte is not RAM.
    @discardableResult
    public func writeBytes(_ address: UInt32, _ bytes: [UInt8]) -> Bool {
        guard let pieces = ramPieces(address, count: bytes.count) else { return false }
        var done = 0
        for (p, n) in pieces {
            bytes.withUnsafeBytes { p.copyMemory(from: $0.baseAddress! + done, byteCount: n) }
            done += n
        }
        return true
    }

    public func read32(_ address: UInt32) -> UInt32? {
        guard let p = hostPointer(address, count: 4) else { return nil }
        return p.loadUnaligned(as: UInt32.self)
    }

    @discardableResult
    public func write32(_ address: UInt32, _ value: UInt32) -> Bool {
        guard let p = hostPointer(address, count: 4) else { return false }
        p.storeBytes(of: value, toByteOffset: 0, as: UInt32.self)
        return true
    }
}
