// Memory: memory ports — how a bus master other than a hart (RedMulE, the DMA) reads and writes
// memory.
//
// A port resolves addresses through the bus to RAM, restricted to the windows its master can
// reach (RedMulE: the TCDM, through either of its views), and does on every write what a hart's
// store does: decoded instructions in the written range are dropped and data watchpoints are
// checked (the hart the master works for is reported). Bank arbitration and race checking will
// hook in here too, in one place for every master.

/// What a port reports to the machine it belongs to.
protocol MemoryPortOwner: AnyObject {
    /// Bytes [address, address + count) were written by a master on behalf of `hart`.
    func masterWrote(address: UInt32, count: Int, hart: Int)
    /// Bytes [address, address + count) were read by a master on behalf of `hart`.
    func masterRead(address: UInt32, count: Int, hart: Int)
}

/// A bus master's access to memory.
public struct MemoryPort {
    /// The bus of the machine the port belongs to (unowned: the bus holds the device holding
    /// the port).
    unowned let bus: Bus
    unowned let owner: MemoryPortOwner
    /// Address ranges the master can reach (each lies in RAM).
    public let windows: [ClosedRange<UInt32>]

    /// Whether [address, address + count) lies entirely in one window.
    public func reaches(_ address: UInt32, count: Int) -> Bool {
        guard count > 0 else { return true }
        let last = UInt64(address) + UInt64(count) - 1
        guard last <= UInt64(UInt32.max) else { return false }
        return windows.contains { $0.contains(address) && $0.contains(UInt32(last)) }
    }

    /// The same memory location seen through every window: the byte offset of `address` into the
    /// memory backing it, to compare ranges given through different views of one memory.
    public func location(_ address: UInt32) -> (memory: ObjectIdentifier, offset: Int)? {
        guard let region = bus.region(containing: address), case .ram(let ram, let offset) = region.kind else { return nil }
        return (ObjectIdentifier(ram), offset + Int(address - region.start))
    }

    /// Host memory for [address, address + count) if the master reaches all of it.
    private func reachable(_ address: UInt32, count: Int) -> UnsafeMutableRawPointer? {
        reaches(address, count: count) ? bus.hostPointer(address, count: count) : nil
    }

    /// Host memory for [address, address + count), if the master reaches all of it: for a master
    /// that reads a range again and again (RedMulE's operands during a job). Writes must go
    /// through `write`.
    func hostBytes(_ address: UInt32, count: Int) -> UnsafeRawPointer? {
        reachable(address, count: count).map { UnsafeRawPointer($0) }
    }

    /// Reads `buffer.count` bytes from `address`; false if they are not all reachable.
    @discardableResult
    public func read(_ address: UInt32, into buffer: UnsafeMutableRawBufferPointer, hart: Int) -> Bool {
        guard let p = reachable(address, count: buffer.count) else { return false }
        if let base = buffer.baseAddress { base.copyMemory(from: p, byteCount: buffer.count) }
        owner.masterRead(address: address, count: buffer.count, hart: hart)
        return true
    }

    /// Writes `bytes` at `address`; false (and nothing written) if they are not all reachable.
    @discardableResult
    public func write(_ address: UInt32, _ bytes: UnsafeRawBufferPointer, hart: Int) -> Bool {
        guard let p = reachable(address, count: bytes.count) else { return false }
        if let base = bytes.baseAddress { p.copyMemory(from: base, byteCount: bytes.count) }
        owner.masterWrote(address: address, count: bytes.count, hart: hart)
        return true
    }
}
