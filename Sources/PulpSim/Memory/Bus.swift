import Foundation

// Memory: the system bus that routes each access to RAM or to the device that owns the address.
//
// RAM regions are plain host buffers. The fast path is one table lookup per access: the address
// space is cut into 1 MiB segments, each naming a host pointer and how many bytes from the segment
// start are RAM (0 for segments that hold devices or nothing). Every other access takes the slow
// path through `MappedRegion`s: devices, partially mapped segments, faults. Stores into a watched
// word (HTIF `tohost`) are reported to its owner; the machine keeps decoded code coherent itself.

/// What a device needs to know about an access, and how it can answer besides a value.
public struct AccessContext {
    /// Index of the hart performing the access (-1 for the debugger or the simulator itself).
    public var hart: Int
    /// The hart's current cycle count.
    public var cycle: UInt64
    /// Set by a device when the access cannot complete now: the hart sleeps and retries it later.
    public var sleep: SleepReason?
    public init(hart: Int, cycle: UInt64) { self.hart = hart; self.cycle = cycle }
}

/// Why a hart is asleep (reported by deadlock diagnostics).
public enum SleepReason: Equatable, Sendable {
    case waitForInterrupt
    /// Waiting in a device; the text names the register and what it waits for.
    case device(String)
    public var description: String {
        switch self {
        case .waitForInterrupt: return "wfi (no interrupt or event-unit IRQ pending)"
        case .device(let what): return what
        }
    }
}

/// A memory-mapped device: registers at offsets from its base, 32-bit (or narrower) accesses.
public protocol Device: AnyObject {
    /// Name shown in the memory map and in error messages.
    var name: String { get }
    /// Returns the value read, or nil for an access fault.
    func read(offset: UInt32, size: Int, context: inout AccessContext) -> UInt32?
    /// Returns false for an access fault.
    func write(offset: UInt32, size: Int, value: UInt32, context: inout AccessContext) -> Bool
}

/// A contiguous block of host memory backing one or more address ranges.
public final class RAM {
    public let name: String
    public let size: Int
    public let bytes: UnsafeMutableRawPointer

    public init(name: String, size: Int) {
        self.name = name
        self.size = size
        self.bytes = UnsafeMutableRawPointer(calloc(size, 1)!)
    }
    deinit { free(bytes) }
}

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
    public var watchStart: UInt32 = 0
    public var watchSpan: UInt32 = 0
    public var watchHandler: ((UInt32, Int, inout AccessContext) -> Void)?

    public init() {
        segments = .allocate(capacity: Bus.segmentCount)
        segments.initialize(repeating: Segment(base: nil, limit: 0), count: Bus.segmentCount)
    }
    deinit { segments.deallocate() }

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

    /// Host pointer for `count` bytes of RAM at `address`, or nil if not entirely in one RAM region.
    public func hostPointer(_ address: UInt32, count: Int) -> UnsafeMutableRawPointer? {
        guard let r = region(containing: address), case .ram(let ram, let offset) = r.kind else { return nil }
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
                // Misaligned access straddling the end of a region: split into bytes.
                var value: UInt32 = 0
                for i in 0..<size {
                    guard case .ok(let byte) = slowRead(address &+ UInt32(i), size: 1, context: &context) else { return .fault }
                    value |= byte << UInt32(8 * i)
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
            // Devices take naturally aligned accesses inside their window only (SPEC §1).
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
                for i in 0..<size {
                    let result = slowWrite(address &+ UInt32(i), size: 1, value: value >> UInt32(8 * i), context: &context)
                    if case .fault = result { return .fault }
                }
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

    /// Reads bytes without side effects on devices; nil if any byte is not RAM.
    public func readBytes(_ address: UInt32, count: Int) -> [UInt8]? {
        guard count >= 0 else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(count)
        for i in 0..<count {
            guard let p = hostPointer(address &+ UInt32(i), count: 1) else { return nil }
            out.append(p.load(as: UInt8.self))
        }
        return out
    }

    /// Writes bytes into RAM (the machine invalidates decoded code); false if any byte is not RAM.
    @discardableResult
    public func writeBytes(_ address: UInt32, _ bytes: [UInt8]) -> Bool {
        for (i, byte) in bytes.enumerated() {
            guard let p = hostPointer(address &+ UInt32(i), count: 1) else { return false }
            p.storeBytes(of: byte, as: UInt8.self)
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
