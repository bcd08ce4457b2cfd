// DMA: the iDMA programming model the open runtime's pulp_cluster driver targets — pulp-platform/iDMA's
// register front end `idma_reg32_3d` with two streams (stream 0 copies out of the TCDM, stream 1
// into it), as the open runtime's `-DUSE_IDMA` driver programs it (docs/platform.md §11).
//
// Each register port (every core's own window, and the shared window) has its own register file:
// CONF, source and destination addresses, length, and the strides and repetitions of dimensions
// 2 and 3. Reading NEXT_ID_s launches the programmed transfer on stream s and returns its id;
// DONE_ID_s is the id of the stream's last completed transfer (ids count from 2 per stream);
// STATUS_s is non-zero while stream s has work. Every completion raises event 8 on every core.

import Foundation

/// Register offsets of `idma_reg32_3d`.
enum IDMARegister {
    static let conf: UInt32 = 0x00
    static let status: ClosedRange<UInt32> = 0x04...0x40
    static let nextID: ClosedRange<UInt32> = 0x44...0x80
    static let doneID: ClosedRange<UInt32> = 0x84...0xC0
    static let dstAddress: UInt32 = 0xD0, srcAddress: UInt32 = 0xD8, length: UInt32 = 0xE0
    static let dstStride2: UInt32 = 0xE8, srcStride2: UInt32 = 0xF0, reps2: UInt32 = 0xF8
    static let dstStride3: UInt32 = 0x100, srcStride3: UInt32 = 0x108, reps3: UInt32 = 0x110
    /// The configuration registers, in the order of `IDMA.Port.values`.
    static let configuration: [UInt32] = [conf, dstAddress, srcAddress, length, dstStride2, srcStride2, reps2,
                                          dstStride3, srcStride3, reps3]
    static func name(_ offset: UInt32) -> String {
        ["CONF", "DST_ADDR", "SRC_ADDR", "LENGTH", "DST_STRIDE_2", "SRC_STRIDE_2", "REPS_2", "DST_STRIDE_3",
         "SRC_STRIDE_3", "REPS_3"][configuration.firstIndex(of: offset) ?? 0]
    }
}

/// Protocols of iDMA's CONF register (`idma_pkg::protocol_e`).
enum IDMAProtocol: UInt32 {
    case axi = 0, obi = 1, initialization = 4
    var name: String { self == .axi ? "AXI" : self == .obi ? "OBI" : "INIT" }
}

/// iDMA with the `idma_reg32_3d` front end.
final class IDMA: DMAFrontEnd {
    static let streams = 2
    /// Transfers a stream holds (its request queue of 2, the N-D midend and the backend) before a
    /// NEXT_ID read stalls the core.
    static let streamCapacity = 4
    /// pulpsim's limit on the bytes of one transfer (16 times the largest TCDM: more only
    /// repeats lines over the same bytes).
    static let maximumBytes: UInt64 = 1 << 24

    let engine: DMAEngine
    let context: DeviceContext
    let cores: Int
    let policy: DMAErrorPolicy

    /// A register port's configuration registers.
    struct Port {
        var values = [UInt32](repeating: 0, count: IDMARegister.configuration.count)
        subscript(_ offset: UInt32) -> UInt32 {
            get { values[IDMARegister.configuration.firstIndex(of: offset)!] }
            set { values[IDMARegister.configuration.firstIndex(of: offset)!] = newValue }
        }
    }
    var ports: [Port]
    /// Per stream: the id the next transfer gets, and the id of the last completed one.
    var nextID: [UInt32] = [2, 2]
    var doneID: [UInt32] = [1, 1]
    var sleeping: [Int: String] = [:]
    var lastCompleted: [String?] = [nil, nil]

    func snapshot(_ coder: inout SnapshotCoder) {
        let portCount = ports.count
        coder.array(&ports, empty: Port()) { $0.array(&$1.values) }
        coder.array(&nextID); coder.array(&doneID)
        coder.dictionary(&sleeping)
        coder.array(&lastCompleted, empty: nil) { coder, s in coder.optional(&s, empty: "") { $0.string(&$1) } }
        if coder.isRestoring && (ports.count != portCount || nextID.count != 2 || doneID.count != 2 || lastCompleted.count != 2
                                 || ports.contains { $0.values.count != IDMARegister.configuration.count }) {
            coder.fail("the snapshot's iDMA does not match this machine")
        }
    }

    init(engine: DMAEngine, context: DeviceContext, cores: Int, policy: DMAErrorPolicy) {
        self.engine = engine
        self.context = context
        self.cores = cores
        self.policy = policy
        ports = [Port](repeating: Port(), count: cores + 1)
        engine.completed = { [unowned self] in self.completed($0) }
    }

    func queueName(_ queue: Int) -> String { queue == 0 ? "iDMA stream 0 (out of TCDM)" : "iDMA stream 1 (into TCDM)" }
    private func portName(_ port: Int) -> String { port < cores ? "iDMA port of core \(port)" : "iDMA shared port" }

    // MARK: Registers

    func read(queue port: Int, offset: UInt32, access: inout AccessContext) -> UInt32? {
        switch offset {
        case IDMARegister.status:
            let s = Int(offset - IDMARegister.status.lowerBound) / 4
            return s < IDMA.streams && engine.unfinishedCount(queue: s) > 0 ? 0x3FF : 0
        case IDMARegister.nextID:
            let s = Int(offset - IDMARegister.nextID.lowerBound) / 4
            guard s < IDMA.streams else {
                report(.warning, "\(context.describeHart(access.hart)): NEXT_ID_\(s) read: this iDMA has streams 0 and 1 only; it reads 0 and launches nothing")
                return 0
            }
            return launch(port: port, stream: s, access: &access)
        case IDMARegister.doneID:
            let s = Int(offset - IDMARegister.doneID.lowerBound) / 4
            return s < IDMA.streams ? doneID[s] : 0
        default:
            guard IDMARegister.configuration.contains(offset) else { return nil }
            return ports[port][offset]
        }
    }

    func write(queue port: Int, offset: UInt32, value: UInt32, access: inout AccessContext) -> Bool {
        switch offset {
        case IDMARegister.status, IDMARegister.nextID, IDMARegister.doneID: return true  // read-only
        default:
            guard IDMARegister.configuration.contains(offset) else { return false }
            ports[port][offset] = value
            if context.tracing {
                context.trace(hart: access.hart, String(format: "%@: %@ <- 0x%08x", portName(port), IDMARegister.name(offset), value))
            }
            return true
        }
    }

    private func report(_ level: DiagnosticLevel, _ message: String) { context.report(level, message) }

    // MARK: Transfers

    /// NEXT_ID_s read: launches the port's transfer on stream `stream` and returns its id (0 when
    /// a diagnosed error stops the run).
    private func launch(port: Int, stream: Int, access: inout AccessContext) -> UInt32 {
        let hart = access.hart
        if engine.unfinishedCount(queue: stream) >= IDMA.streamCapacity {
            sleeping[hart] = "iDMA NEXT_ID_\(stream) read: stream \(stream) holds \(IDMA.streamCapacity) transfers; waiting for one to complete"
            access.sleep = .device(sleeping[hart]!)
            return 0
        }
        sleeping[hart] = nil
        let r = ports[port]
        let conf = r[IDMARegister.conf]
        let dimensions = Int(conf >> 10 & 3)
        let srcCode = conf >> 12 & 7, dstCode = conf >> 15 & 7
        let length = UInt64(r[IDMARegister.length])
        let reps2 = dimensions >= 1 ? UInt64(r[IDMARegister.reps2]) : 1
        let reps3 = dimensions >= 2 ? UInt64(r[IDMARegister.reps3]) : 1
        let (planeBytes, o1) = length.multipliedReportingOverflow(by: reps2)
        let (total, o2) = planeBytes.multipliedReportingOverflow(by: reps3)
        var errors: [String] = []
        let source = IDMAProtocol(rawValue: srcCode), destination = IDMAProtocol(rawValue: dstCode)
        if source == nil { errors.append("source protocol \(srcCode) is not one of this iDMA's (AXI 0, OBI 1, INIT 4)") }
        if destination == nil { errors.append("destination protocol \(dstCode) is not one of this iDMA's (AXI 0, OBI 1, INIT 4)") }
        if let source, let destination {
            if stream == 0 && source == .axi {
                errors.append(destination == .axi ? "AXI to AXI transfers are not supported (no stream reads and writes AXI)"
                              : "stream 0 (NEXT_ID_0) reads OBI (TCDM) or INIT only, not AXI: launch transfers into the TCDM with NEXT_ID_1")
            }
            if stream == 0 && destination == .obi {
                errors.append("stream 0 (NEXT_ID_0) writes AXI or INIT only, not OBI: launch transfers into the TCDM with NEXT_ID_1")
            }
            if stream == 1 && destination == .axi {
                errors.append("stream 1 (NEXT_ID_1) writes OBI (TCDM) or INIT only, not AXI: launch transfers out of the TCDM with NEXT_ID_0")
            }
        }
        if length == 0 { errors.append("LENGTH 0: the backend rejects zero-length transfers") }
        if dimensions >= 1 && reps2 == 0 { errors.append("REPS_2 0 with 2D enabled (CONF bits 11:10 = \(dimensions))") }
        if dimensions >= 2 && reps3 == 0 { errors.append("REPS_3 0 with 3D enabled (CONF bits 11:10 = \(dimensions))") }
        if o1 || o2 || total > IDMA.maximumBytes {
            errors.append("\(length) B x \(reps2) x \(reps3) is more than pulpsim moves in one transfer (\(IDMA.maximumBytes >> 20) MiB)")
        }
        func pattern(_ address: UInt32, _ proto: IDMAProtocol?, stride2: UInt32, stride3: UInt32, sink: Bool) -> DMAPattern {
            var p = DMAPattern.linear(address, length, space: proto == .axi ? .external : .tcdm)
            if proto == .initialization { p.kind = sink ? .discard : .zeros }
            if dimensions >= 1 {
                p.lineStride = Int64(Int32(bitPattern: stride2))
                if dimensions >= 2 {
                    p.linesPerPlane = max(1, reps2)
                    p.planeStride = Int64(Int32(bitPattern: stride3))
                }
            }
            return p
        }
        let from = pattern(r[IDMARegister.srcAddress], source, stride2: r[IDMARegister.srcStride2],
                           stride3: r[IDMARegister.srcStride3], sink: false)
        let to = pattern(r[IDMARegister.dstAddress], destination, stride2: r[IDMARegister.dstStride2],
                         stride3: r[IDMARegister.dstStride3], sink: true)
        if errors.isEmpty {
            if let p = engine.problem(with: from, count: total, what: "source (\(source!.name)):") { errors.append(p) }
            if let p = engine.problem(with: to, count: total, what: "destination (\(destination!.name)):") { errors.append(p) }
        }
        let id = nextID[stream]
        nextID[stream] = id &+ 1 == 0xFFFF_FFFF ? 1 : id &+ 1
        let sourceName = source.map { $0 == .axi ? "AXI" : $0 == .obi ? "TCDM" : "INIT" } ?? "?"
        let destinationName = destination.map { $0 == .axi ? "AXI" : $0 == .obi ? "TCDM" : "INIT" } ?? "?"
        let count = errors.isEmpty ? total : length
        let summary = "\(describeSide(from, name: sourceName, count: count)) -> \(describeSide(to, name: destinationName, count: count)), \(total) B"
        var dropped = false
        if !errors.isEmpty {
            let message = "\(context.describeHart(hart)): \(portName(port)), NEXT_ID_\(stream) read, transfer id \(id) (\(summary)): "
                + errors.joined(separator: "; ")
            if policy == .error {
                report(.error, message)
                context.finish(.dmaError(message))
                return 0
            }
            report(.error, message + " (--dma-errors=warn: dropped: it completes without moving data)")
            dropped = true
        }
        let all = cores >= 32 ? UInt32.max : (UInt32(1) << UInt32(cores)) - 1
        engine.submit(DMARequest(id: id, queue: stream, hart: hart, channel: stream == 0 ? .fromTCDM : .toTCDM,
                                 source: from, destination: to, length: dropped ? 0 : total, summary: summary,
                                 events: 1 << UInt32(EventLine.dmaFirst), targets: all, dropped: dropped))
        return id
    }

    private func completed(_ t: DMATransfer) {
        let stream = t.request.queue
        doneID[stream] = t.request.id
        lastCompleted[stream] = "id \(t.request.id) (\(t.request.summary)) completed at cycle \(t.completion)"
        for hart in sleeping.keys.sorted() { context.wake(hart: hart) }
    }

    // MARK: Reports

    func describe() -> String {
        var lines: [String] = []
        for s in 0..<IDMA.streams {
            var line = "stream \(s): next id \(nextID[s]), done id \(doneID[s])"
            for t in engine.unfinished(queue: s) {
                line += "; in flight: id \(t.request.id) (\(t.request.summary)), completes at cycle \(t.completion)"
            }
            lines.append(line)
        }
        for (hart, what) in sleeping.sorted(by: { $0.key < $1.key }) { lines.append("core \(hart) asleep: \(what)") }
        return lines.joined(separator: "\n")
    }

    func describeSleep(core: Int) -> String? { sleeping[core] }

    func describeEvents(core: Int) -> String {
        var text = "iDMA: "
        let coming = (0..<IDMA.streams).flatMap { engine.unfinished(queue: $0) }
        text += coming.isEmpty ? "no transfer in flight (each completion raises event 8 on every core)"
            : "transfers in flight: " + coming.map { "stream \($0.request.queue) id \($0.request.id) at cycle \($0.completion)" }.joined(separator: ", ")
        text += "; DONE_ID_0 \(doneID[0]), DONE_ID_1 \(doneID[1]) (next ids \(nextID[0]), \(nextID[1]))"
        return text
    }
}
