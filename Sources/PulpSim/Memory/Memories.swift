// Memory: the memories of a platform — plain RAM blocks, and the cluster's TCDM and L2 as types
// of their own (docs/platform.md §2).
//
// A memory owns its host buffer; the bus maps views of it at addresses (the TCDM at its global
// address and at the cores' alias, its test-and-set view through `TestAndSetDevice`). Only the
// bus's fast path, the loader and memory ports (MemoryPort.swift) touch the bytes; devices go
// through a port or through the memory's own operations.

import Foundation

/// A contiguous block of host memory backing one or more address ranges.
public final class RAM {
    public let name: String
    public let size: Int
    /// The host buffer (zero-filled). Reached by the bus and memory ports only.
    let bytes: UnsafeMutableRawPointer

    public init(name: String, size: Int) {
        self.name = name
        self.size = size
        self.bytes = UnsafeMutableRawPointer(calloc(max(size, 1), 1)!)
    }
    deinit { free(bytes) }

    /// Whether [offset, offset + count) lies inside the memory.
    @inline(__always) public func contains(offset: Int, count: Int) -> Bool {
        offset >= 0 && count >= 0 && offset <= size && count <= size - offset
    }

    /// A little-endian value of `size` bytes (1, 2 or 4) at `offset`, if inside.
    public func load(offset: Int, size: Int) -> UInt32? {
        guard contains(offset: offset, count: size) else { return nil }
        let p = bytes + offset
        switch size {
        case 1: return UInt32(p.load(as: UInt8.self))
        case 2: return UInt32(p.loadUnaligned(as: UInt16.self))
        default: return p.loadUnaligned(as: UInt32.self)
        }
    }

    /// Stores the low `size` bytes (1, 2 or 4) of `value` at `offset`; false if outside.
    @discardableResult
    public func store(offset: Int, size: Int, value: UInt32) -> Bool {
        guard contains(offset: offset, count: size) else { return false }
        let p = bytes + offset
        switch size {
        case 1: p.storeBytes(of: UInt8(truncatingIfNeeded: value), as: UInt8.self)
        case 2: p.storeBytes(of: UInt16(truncatingIfNeeded: value), toByteOffset: 0, as: UInt16.self)
        default: p.storeBytes(of: value, toByteOffset: 0, as: UInt32.self)
        }
        return true
    }
}

/// The cluster's tightly-coupled data memory (L1): word-interleaved banks shared by the cores,
/// RedMulE and the DMA.
public final class TCDM {
    public let storage: RAM
    /// Number of banks; consecutive 32-bit words go to consecutive banks (bank = addr[5:2] for 16).
    public let banks: Int
    public init(size: Int, banks: Int = 16) {
        storage = RAM(name: "TCDM", size: size)
        self.banks = banks
    }
    public var size: Int { storage.size }

    /// The bank holding byte `offset`.
    @inline(__always) public func bank(ofOffset offset: Int) -> Int { (offset >> 2) & (banks - 1) }

    /// The test-and-set view: a load of `size` bytes returns the old value and leaves all ones
    /// in the bytes it read; nil outside the memory.
    public func testAndSet(offset: Int, size: Int) -> UInt32? {
        guard let old = storage.load(offset: offset, size: size) else { return nil }
        storage.store(offset: offset, size: size, value: 0xFFFF_FFFF)
        return old
    }
}

/// The cluster's level-2 memory: code and bulk data, reached by the cores and by the DMA.
public final class L2 {
    public let storage: RAM
    public init(size: Int) { storage = RAM(name: "L2", size: size) }
    public var size: Int { storage.size }
}
