// DMA: the cluster DMA as the platform sees it — one transfer engine (DMAEngine.swift) behind the
// programming model the platform selects (MCHAN v7 or iDMA, `--dma`), seen through two windows:
// each core's own queue at 0x1020_4400 (alias 0x0020_4400) and the shared queue at 0x1020_1800
// (docs/platform.md §11).
//
// Misprogramming is diagnosed like RedMulE's (§7.6): an error stops the run (exit 125) unless
// `--dma-errors=warn`, in which case the transfer is dropped — it completes, signalling as
// programmed, without moving any byte — and the run goes on.

import Foundation

/// The programming model of the cluster DMA.
public enum DMAFrontEndKind: String, CaseIterable, Sendable {
    /// MCHAN v7: command words pushed to CMD, transfer ids, STATUS (the model of platform.md §11).
    case mchan
    /// iDMA with the two-stream reg32_3d front end, as the open runtime's `-DUSE_IDMA` driver
    /// programs it.
    case idma
}

/// Whether DMA misprogramming stops the run.
public enum DMAErrorPolicy: String, CaseIterable, Sendable {
    case error, warn
}

/// What a front end implements: register accesses on a queue (`0..<cores`: that core's own
/// queue; `cores`: the shared queue) and descriptions for reports.
protocol DMAFrontEnd: AnyObject {
    func read(queue: Int, offset: UInt32, access: inout AccessContext) -> UInt32?
    func write(queue: Int, offset: UInt32, value: UInt32, access: inout AccessContext) -> Bool
    /// Registers and transfers in flight, for error reports and the debugger.
    func describe() -> String
    /// What `core`, asleep in a DMA register access, waits for (nil: it does not).
    func describeSleep(core: Int) -> String?
    /// What the DMA may still do for a core waiting on the DMA event lines.
    func describeEvents(core: Int) -> String
    /// Timeline track name of a queue.
    func queueName(_ queue: Int) -> String
    /// Snapshots: the front end's registers, ids and waits.
    func snapshot(_ coder: inout SnapshotCoder)
}

/// The cluster DMA: its engine and its front end.
public final class ClusterDMA {
    public let kind: DMAFrontEndKind
    let context: DeviceContext
    let engine: DMAEngine
    let frontEnd: DMAFrontEnd
    let cores: Int
    /// The windows: this core's queue, the shared queue, and (MCHAN on `pulp`) the fabric
    /// controller's queue.
    private(set) lazy var coreView: Device = DMAWindow(name: "DMA (this core's queue)", dma: self, kind: .core)
    private(set) lazy var sharedView: Device = DMAWindow(name: "DMA (shared queue)", dma: self, kind: .shared)
    private(set) lazy var fabricControllerView: Device = DMAWindow(name: "DMA (FC queue)", dma: self, kind: .fabricController)

    init(kind: DMAFrontEndKind, cores: Int, context: DeviceContext, tcdmPort: MemoryPort, externalPort: MemoryPort,
         policy: DMAErrorPolicy) {
        self.kind = kind
        self.context = context
        self.cores = cores
        engine = DMAEngine(context: context, tcdmPort: tcdmPort, externalPort: externalPort)
        switch kind {
        case .mchan: frontEnd = MCHAN(engine: engine, context: context, cores: cores, policy: policy)
        case .idma: frontEnd = IDMA(engine: engine, context: context, cores: cores, policy: policy)
        }
        engine.trackName = { [unowned frontEnd] in frontEnd.queueName($0) }
    }

    /// Snapshots: the front end, then the engine and its transfers.
    func snapshot(_ coder: inout SnapshotCoder) {
        frontEnd.snapshot(&coder)
        engine.snapshot(&coder)
    }

    /// Transfers completed, bytes moved, busy cycles (up to `cycle`).
    public var transfersCompleted: Int { engine.transfersCompleted }
    public var bytesToTCDM: UInt64 { engine.bytesToTCDM }
    public var bytesFromTCDM: UInt64 { engine.bytesFromTCDM }
    public var bytesMoved: UInt64 { engine.bytesMoved }
    public var bytesOther: UInt64 { engine.bytesOther }
    public func busyCycles(upTo cycle: UInt64) -> UInt64 { engine.busyCycles(upTo: cycle) }
    /// Transfers accepted and not completed yet.
    public var transfersInFlight: Int { engine.unfinished }

    /// Registers, ids and transfers in flight.
    public func describe() -> String {
        "\(kind == .mchan ? "MCHAN v7" : "iDMA (reg32_3d)"): " + frontEnd.describe()
            + String(format: "\ncompleted transfers: %d, bytes into TCDM %llu, out of TCDM %llu, other %llu",
                     engine.transfersCompleted, engine.bytesToTCDM, engine.bytesFromTCDM, engine.bytesOther)
    }

    /// What a sleeping `core` waits for in the DMA, or (when its event mask holds the DMA lines)
    /// what the DMA may still signal to it; nil when the DMA is not involved.
    public func describeWait(core: Int, eventMask: UInt32?) -> String? {
        guard core >= 0 && core < cores else { return nil }
        if let sleep = frontEnd.describeSleep(core: core) { return sleep }
        guard let mask = eventMask, mask & (3 << UInt32(EventLine.dmaFirst)) != 0 else { return nil }
        return frontEnd.describeEvents(core: core)
    }
}

/// A window of the cluster DMA: the accessing core's own queue, the shared one, or the fabric
/// controller's (queue `cores + 1`, any hart may use it).
final class DMAWindow: Device {
    enum Kind { case core, shared, fabricController }
    let name: String
    unowned let dma: ClusterDMA
    let kind: Kind

    init(name: String, dma: ClusterDMA, kind: Kind) {
        self.name = name
        self.dma = dma
        self.kind = kind
    }

    private func queue(_ access: AccessContext) -> Int? {
        guard access.hart >= 0 else { return nil }  // (not the debugger)
        switch kind {
        case .core: return access.hart < dma.cores ? access.hart : nil
        case .shared: return access.hart < dma.cores ? dma.cores : nil
        case .fabricController: return dma.cores + 1
        }
    }

    func read(offset: UInt32, size: Int, context: inout AccessContext) -> UInt32? {
        guard size == 4, offset & 3 == 0, let q = queue(context) else { return nil }
        if let races = dma.engine.races, context.hart >= 0, context.hart < races.harts {
            // A core reading the DMA's registers sees the transfers completed so far.
            races.cycle = dma.engine.now
            races.acquire(context.hart, from: races.dmaDone, "DMA register read")
        }
        return dma.frontEnd.read(queue: q, offset: offset, access: &context)
    }

    func write(offset: UInt32, size: Int, value: UInt32, context: inout AccessContext) -> Bool {
        guard size == 4, offset & 3 == 0, let q = queue(context) else { return false }
        return dma.frontEnd.write(queue: q, offset: offset, value: value, access: &context)
    }
}

/// Reporting shared by the front ends.
extension DMAFrontEnd {
    /// Text of the event targets of a completion: "core 3", "every core".
    static func targets(_ mask: UInt32, cores: Int) -> String {
        if mask == (UInt32(1) << UInt32(cores)) - 1 && cores > 1 { return "every core" }
        let list = (0..<cores).filter { mask & (1 << UInt32($0)) != 0 }.map(String.init)
        return list.count == 1 ? "core \(list[0])" : "cores " + list.joined(separator: ",")
    }
}

/// A side of a transfer of `count` bytes in one line: "L2 0x1c000100",
/// "TCDM 0x10000040 (2D: 64 B lines every 128 B)".
func describeSide(_ side: DMAPattern, name: String, count: UInt64) -> String {
    switch side.kind {
    case .zeros: return "zeros"
    case .discard: return "nowhere"
    case .memory: break
    }
    var text = String(format: "%@ 0x%08x", name, side.base)
    let (planeBytes, overflow) = side.linesPerPlane.multipliedReportingOverflow(by: side.lineLength)
    if side.linesPerPlane != .max && !overflow && planeBytes < count {
        text += " (3D: \(side.lineLength) B lines every \(side.lineStride) B, \(side.linesPerPlane) per plane, planes every \(side.planeStride) B)"
    } else if side.lineLength < count {
        text += " (2D: \(side.lineLength) B lines every \(side.lineStride) B)"
    }
    if !side.incremental { text += " (fixed address)" }
    return text
}
