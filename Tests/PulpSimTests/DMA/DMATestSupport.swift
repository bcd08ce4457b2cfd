// Helpers for the DMA tests: a pulp-cluster machine with its DMA, register accesses from a hart
// at a given cycle, memory fills and reads.

import Foundation
@testable import PulpSim
import XCTest

/// A machine and its DMA, driven register by register.
final class DMABench {
    let machine: Machine
    let dma: ClusterDMA

    init(_ kind: DMAFrontEndKind = .mchan, policy: DMAErrorPolicy = .error, harts: Int = 8) throws {
        var options = MachineOptions(platform: .pulpCluster)
        options.echoOutput = false
        options.captureOutput = true
        options.platform.harts = harts
        options.platform.dma = kind
        options.dmaErrors = policy
        machine = try Machine(options: options)
        dma = try XCTUnwrap(machine.dma)
    }

    /// Moves simulated time to `cycle`, firing the device events due by then.
    func at(_ cycle: UInt64) {
        machine.fireEvents(upTo: cycle)
        machine.now = cycle
    }

    var now: UInt64 { machine.now }

    /// A 32-bit register read by `hart` in its own queue (or the shared one), at the current cycle.
    @discardableResult
    func read(_ offset: UInt32, hart: Int = 0, shared: Bool = false) -> UInt32? {
        var context = AccessContext(hart: hart, cycle: machine.now)
        return (shared ? dma.sharedView : dma.coreView).read(offset: offset, size: 4, context: &context)
    }

    /// Whether a read by `hart` puts it to sleep.
    func readSleeps(_ offset: UInt32, hart: Int = 0, shared: Bool = false) -> Bool {
        var context = AccessContext(hart: hart, cycle: machine.now)
        _ = (shared ? dma.sharedView : dma.coreView).read(offset: offset, size: 4, context: &context)
        return context.sleep != nil
    }

    @discardableResult
    func write(_ offset: UInt32, _ value: UInt32, hart: Int = 0, shared: Bool = false) -> Bool {
        var context = AccessContext(hart: hart, cycle: machine.now)
        return (shared ? dma.sharedView : dma.coreView).write(offset: offset, size: 4, value: value, context: &context)
    }

    /// An MCHAN transfer: the command word, the addresses and the 2D words, pushed to CMD.
    func push(_ words: [UInt32], hart: Int = 0, shared: Bool = false) {
        for w in words { write(0x0, w, hart: hart, shared: shared) }
    }

    func fill(_ address: UInt32, _ count: Int, seed: UInt8 = 1) {
        machine.writeMemory(address, (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ Int(seed)) })
    }

    func bytes(_ address: UInt32, _ count: Int) -> [UInt8] { machine.readMemory(address, count: count) ?? [] }

    /// Event-unit buffer of `core`.
    func buffer(_ core: Int) -> UInt32 { machine.eventUnit!.buffer[core] }

    /// The completion cycle of the next pending device event.
    var nextEvent: UInt64? { machine.events.nextTime }

    var end: EndReason? { machine.control.end }
    var diagnostics: [String] { machine.diagnostics.map { "\($0.level.rawValue): \($0.message)" } }
}

/// MCHAN command words.
enum MCHANWord {
    static func command(_ length: Int, toTCDM: Bool, incremental: Bool = true, event: Bool = true, irq: Bool = false,
                        broadcast: Bool = false, ext2D: Bool = false, tcdm2D: Bool = false) -> UInt32 {
        var w = UInt32(length) & 0x1FFFF
        if toTCDM { w |= 1 << 17 }
        if incremental { w |= 1 << 18 }
        if ext2D { w |= 1 << 19 }
        if event { w |= 1 << 20 }
        if irq { w |= 1 << 21 }
        if broadcast { w |= 1 << 22 }
        if tcdm2D { w |= 1 << 23 }
        return w
    }
}
