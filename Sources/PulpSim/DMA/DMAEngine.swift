// DMA: the transfer engine behind both programming models of the cluster DMA (MCHAN v7 and
// iDMA, docs/platform.md §11) — address patterns, the bandwidth and latency model, data
// movement in bursts, completion in order per queue, statistics, trace lines and timeline spans.
//
// A front end (MCHAN.swift, IDMA.swift) decodes registers into a `DMARequest` and submits it.
// The engine computes, at submission, when the transfer's data phase starts on its channel, when
// each burst lands and when it completes (DMATiming); the bytes are copied through the memory
// ports burst by burst at those cycles, and the front end is called back at the completion cycle,
// after the last byte has landed, to update its status registers and raise events.

import Foundation

/// Where the bytes of one side of a transfer are: stream byte i is at line i / lineLength, offset
/// i mod lineLength; lines are grouped in planes of `linesPerPlane` lines.
struct DMAPattern: Equatable {
    /// What the side is: memory, or the zero source / the sink of iDMA's INIT protocol.
    enum Kind: Equatable { case memory, zeros, discard }
    /// Which port reaches the side: the TCDM (cluster side) or the AXI port (external side).
    enum Space: Equatable { case tcdm, external }
    var kind: Kind = .memory
    var space: Space
    /// Address of the stream's first byte.
    var base: UInt32
    /// Bytes per line (the whole transfer for a 1D side); at least 1.
    var lineLength: UInt64
    /// Distance between the starts of consecutive lines of a plane, in bytes.
    var lineStride: Int64 = 0
    /// Lines per plane (`UInt64.max`: a single plane).
    var linesPerPlane: UInt64 = .max
    /// Distance between the starts of consecutive planes, in bytes.
    var planeStride: Int64 = 0
    /// False: each line stays in the 64-bit word at its start (an AXI FIXED burst): byte `o` of a
    /// line starting at `s` is at `(s & ~7) + (s % 8 + o) % 8`.
    var incremental = true

    /// A contiguous side.
    static func linear(_ base: UInt32, _ length: UInt64, space: Space) -> DMAPattern {
        DMAPattern(space: space, base: base, lineLength: max(1, length))
    }

    /// Start address of line `line` (exact once `footprint` has validated the pattern).
    @inline(__always) func lineStart(_ line: UInt64) -> Int64 {
        let plane = linesPerPlane == .max ? 0 : line / linesPerPlane
        let row = linesPerPlane == .max ? line : line % linesPerPlane
        return Int64(base) &+ Int64(bitPattern: plane) &* planeStride &+ Int64(bitPattern: row) &* lineStride
    }

    /// The address of stream byte `position` and how many bytes from there are contiguous.
    @inline(__always) func locate(_ position: UInt64) -> (address: UInt32, run: UInt64) {
        let line = position / lineLength, offset = position % lineLength
        let start = lineStart(line)
        if incremental {
            return (UInt32(truncatingIfNeeded: start &+ Int64(offset)), lineLength - offset)
        }
        let word = start & ~7, phase = UInt64(start & 7)
        let at = (phase + offset) % 8
        return (UInt32(truncatingIfNeeded: word &+ Int64(at)), min(lineLength - offset, 8 - at))
    }

    /// The lowest and one past the highest byte address the side touches for `count` bytes, or
    /// nil if some line lies outside the 32-bit address space.
    func footprint(count: UInt64) -> (low: UInt64, high: UInt64)? {
        guard count > 0 else { return (UInt64(base), UInt64(base)) }
        let lines = (count + lineLength - 1) / lineLength
        let lastLength = count - (lines - 1) * lineLength
        let perPlane = min(linesPerPlane, lines)
        let planes = (lines + perPlane - 1) / perPlane
        let lastRows = lines - (planes - 1) * perPlane
        // The line start is linear in (plane, row): its extremes are at the corners of the
        // (staircase-shaped) set of lines, the final (possibly shorter) line counted apart.
        var candidates: [(plane: UInt64, row: UInt64)] = [(0, 0), (0, perPlane - 1), (planes - 1, 0), (planes - 1, lastRows - 1)]
        if planes >= 2 { candidates += [(planes - 2, 0), (planes - 2, perPlane - 1)] }
        if lastRows >= 2 { candidates.append((planes - 1, lastRows - 2)) }
        var low = Int64.max, high = Int64.min
        for c in candidates {
            let final = c.plane == planes - 1 && c.row == lastRows - 1
            let (p1, o1) = Int64(bitPattern: c.plane).multipliedReportingOverflow(by: planeStride)
            let (r1, o2) = Int64(bitPattern: c.row).multipliedReportingOverflow(by: lineStride)
            let (s1, o3) = Int64(base).addingReportingOverflow(p1)
            let (start, o4) = s1.addingReportingOverflow(r1)
            if o1 || o2 || o3 || o4 || c.plane > UInt64(Int64.max) || c.row > UInt64(Int64.max) { return nil }
            let length = Int64(final ? lastLength : lineLength)
            let first = incremental ? start : start & ~7
            let (end, o5) = (incremental ? start : first).addingReportingOverflow(incremental ? length : 8)
            if o5 { return nil }
            low = min(low, first)
            high = max(high, end)
        }
        guard low >= 0, high <= Int64(UInt32.max) + 1 else { return nil }
        return (UInt64(low), UInt64(high))
    }

    /// Σ over all lines of `cost(address mod 8, line length)` for `count` bytes, in closed form:
    /// line starts modulo 8 repeat with period 8 in the row and in the plane index.
    func sumOverLines(count: UInt64, _ cost: (UInt64, UInt64) -> UInt64) -> UInt64 {
        guard count > 0 else { return 0 }
        let lines = (count + lineLength - 1) / lineLength
        let lastLength = count - (lines - 1) * lineLength
        func mod8(_ v: Int64) -> UInt64 { UInt64(bitPattern: v) & 7 }
        /// Cost of `rows` full lines starting at `start`, `start + lineStride`, ...
        func plane(_ start: Int64, rows: UInt64) -> UInt64 {
            var sum: UInt64 = 0
            for m in 0..<min(8, rows) {
                let n = (rows - m + 7) / 8
                sum &+= n &* cost(mod8(start &+ Int64(m) &* lineStride), lineLength)
            }
            return sum
        }
        var total: UInt64 = 0
        let full = linesPerPlane == .max ? 0 : lines / linesPerPlane
        let rest = linesPerPlane == .max ? lines : lines % linesPerPlane
        for q in 0..<min(8, full) {
            total &+= ((full - q + 7) / 8) &* plane(Int64(base) &+ Int64(q) &* planeStride, rows: linesPerPlane)
        }
        if rest > 0 { total &+= plane(Int64(base) &+ Int64(bitPattern: full) &* planeStride, rows: rest) }
        // The final line may be shorter.
        let last = mod8(lineStart(lines - 1))
        return total &- cost(last, lineLength) &+ cost(last, lastLength)
    }
}

/// A transfer as a front end hands it to the engine.
struct DMARequest {
    /// Front-end tag: MCHAN transfer id, iDMA transfer id.
    var id: UInt32
    /// The queue it belongs to: completions are signalled in order within a queue.
    var queue: Int
    /// The hart that issued it (events, diagnostics, watchpoint reports).
    var hart: Int
    /// The engine channel: `toTCDM` carries data into the cluster, `fromTCDM` out of it.
    var channel: DMAChannel
    var source: DMAPattern
    var destination: DMAPattern
    /// Bytes moved.
    var length: UInt64
    /// One line for traces and the timeline.
    var summary: String
    /// Event-unit lines raised at completion (bit 8: DMA event, bit 9: DMA interrupt line), and
    /// the cores they are raised on.
    var events: UInt32 = 0
    var targets: UInt32 = 0
    /// Issued through the fabric controller's port (MCHAN on `pulp`): the events go to the FC's
    /// interrupt controller (line 8) instead of cluster cores.
    var fabricController = false
    /// Moves no data (a transfer dropped after a diagnosed error under `--dma-errors=warn`).
    var dropped = false

    mutating func snapshot(_ coder: inout SnapshotCoder) {
        coder.pod(&id); coder.pod(&queue); coder.pod(&hart)
        var c = channel.rawValue
        coder.pod(&c)
        if coder.isRestoring {
            if let ch = DMAChannel(rawValue: c) { channel = ch } else { coder.fail("the snapshot holds an unknown DMA channel") }
        }
        coder.pod(&source); coder.pod(&destination); coder.pod(&length)
        coder.string(&summary)
        coder.pod(&events); coder.pod(&targets)
        coder.bool(&fabricController); coder.bool(&dropped)
    }
}

/// The two directions the engine moves data in, each with its own AXI channel and TCDM ports.
enum DMAChannel: Int, CaseIterable {
    case toTCDM = 0, fromTCDM = 1
    var name: String { self == .toTCDM ? "in" : "out" }
}

/// The timing model (docs/platform.md §11, "Timing"): figures of the pulp_cluster RTL.
public enum DMATiming {
    /// Bytes per AXI beat (the cluster's AXI data width is 64 bits): one beat per cycle per direction.
    public static let axiBytesPerBeat: UInt64 = 8
    /// 32-bit TCDM ports per direction (MCHAN has four: two for each direction).
    public static let tcdmPortsPerDirection: UInt64 = 2
    /// Cycles from the command's last word (or iDMA's NEXT_ID read) to the first request on the
    /// bus: command queue, arbiter, global queue, 2D splitter, burst unpacker.
    public static let commandLatency: UInt64 = 5
    /// Round trip of an AXI burst to L2 (request to first data beat, or last data beat to write
    /// response): two crossings of the cluster's clock-domain crossing and the SoC interconnect.
    public static let l2Latency: UInt64 = 16
    /// Round trip of an AXI burst that the cluster bus sends back into the TCDM (global address).
    public static let clusterLatency: UInt64 = 6
    /// Round trip of a transfer between TCDM ports only (iDMA L1 to L1).
    public static let tcdmLatency: UInt64 = 2
    /// Bytes copied per burst (MCHAN's burst length); a transfer lands in at most
    /// `maximumBursts` pieces (larger ones in 1/64ths).
    public static let burstBytes: UInt64 = 256
    public static let maximumBursts: UInt64 = 64

    /// 64-bit words an incremental line of `length` bytes starting at `phase` (address mod 8) touches.
    static func axiBeats(_ phase: UInt64, _ length: UInt64) -> UInt64 { (phase + length + 7) / 8 }
    /// Beats of a fixed-address line: each carries the bytes from the line's phase to the word's end.
    static func fixedBeats(_ phase: UInt64, _ length: UInt64) -> UInt64 {
        let perBeat = 8 - phase
        return (length + perBeat - 1) / perBeat
    }
    /// 32-bit TCDM words a line touches.
    static func tcdmWords(_ phase: UInt64, _ length: UInt64) -> UInt64 { (phase % 4 + length + 3) / 4 }

    /// Cycles of the data phase of one side (0 for INIT sides).
    static func sideCycles(_ side: DMAPattern, count: UInt64) -> UInt64 {
        guard side.kind == .memory else { return 0 }
        switch side.space {
        case .external:
            return side.sumOverLines(count: count, side.incremental ? axiBeats : fixedBeats)
        case .tcdm:
            let words = side.sumOverLines(count: count, tcdmWords)
            return (words + tcdmPortsPerDirection - 1) / tcdmPortsPerDirection
        }
    }

    /// 32-bit TCDM accesses of one side (for the timeline's counters).
    static func tcdmAccesses(_ side: DMAPattern, count: UInt64) -> UInt64 {
        side.kind == .memory && side.space == .tcdm ? side.sumOverLines(count: count, tcdmWords) : 0
    }
}

/// A transfer the engine has accepted.
final class DMATransfer {
    var request: DMARequest
    var serial: UInt64
    /// Cycle it was accepted.
    var issued: UInt64
    /// First cycle of its data phase on its channel (later by the cycles its TCDM ports lost to
    /// bank conflicts, `DMAEngine.syncTCDM`).
    var start: UInt64
    /// `start` as scheduled at submission.
    var nominalStart: UInt64
    /// Cycles of its data phase, and the latency before (reads) or after (writes) it.
    var dataCycles: UInt64
    var latency: UInt64
    /// Cycle its last byte lands, and the cycle its completion is signalled (never before the
    /// previous transfer of its queue).
    var dataEnd: UInt64
    var completion: UInt64
    /// Its TCDM sides as access streams of the DMA's TCDM ports (empty without an arbiter).
    /// (Stepped per TCDM word as the engine logs them, `DMAEngine.feed`, and never held across
    /// a call: no run-time exclusivity checks.)
    @exclusivity(unchecked) var streams: [DMATCDMStream] = []
    /// The DMA ports (0-3) its streams use.
    var ports: UInt8 = 0
    /// Bytes per burst, and bytes landed so far.
    var burst: UInt64
    var landed: UInt64 = 0
    var tcdmAccesses: UInt64

    init(request: DMARequest, serial: UInt64, issued: UInt64, start: UInt64, dataCycles: UInt64, latency: UInt64,
         completion: UInt64, tcdmAccesses: UInt64) {
        self.request = request
        self.serial = serial
        self.issued = issued
        self.start = start
        nominalStart = start
        self.dataCycles = dataCycles
        self.latency = latency
        dataEnd = start + latency + dataCycles
        self.completion = completion
        burst = max(DMATiming.burstBytes, (request.length + DMATiming.maximumBursts - 1) / DMATiming.maximumBursts)
        self.tcdmAccesses = tcdmAccesses
    }

    /// Cycle the burst ending at stream byte `end` lands: bytes land at a uniform rate over the
    /// data phase, after the latency.
    func landing(_ end: UInt64) -> UInt64 {
        guard request.length > 0 else { return dataEnd }
        return start + latency + (dataCycles * end + request.length - 1) / request.length
    }

    var nextBurstEnd: UInt64 { min(landed + burst, request.length) }

    /// A transfer a restore fills in (`snapshot`).
    static func placeholder() -> DMATransfer {
        let side = DMAPattern(space: .tcdm, base: 0, lineLength: 1)
        return DMATransfer(request: DMARequest(id: 0, queue: 0, hart: 0, channel: .toTCDM, source: side, destination: side,
                                               length: 0, summary: ""),
                           serial: 0, issued: 0, start: 0, dataCycles: 0, latency: 0, completion: 0, tcdmAccesses: 0)
    }

    func snapshot(_ coder: inout SnapshotCoder) {
        request.snapshot(&coder)
        coder.pod(&serial); coder.pod(&issued); coder.pod(&start); coder.pod(&nominalStart)
        coder.pod(&dataCycles); coder.pod(&latency); coder.pod(&dataEnd); coder.pod(&completion)
        coder.array(&streams)
        coder.pod(&ports); coder.pod(&burst); coder.pod(&landed); coder.pod(&tcdmAccesses)
    }
}

/// One TCDM side of a transfer as the accesses of a pair of the DMA's 32-bit TCDM ports: the
/// side's words in stream order, alternately on the pair's two ports, a pair per cycle spread
/// evenly over the data phase (docs/platform.md §11.4).
struct DMATCDMStream {
    let side: DMAPattern
    /// The side's lines, and the length of the last one.
    let lines: UInt64
    let lastLineLength: UInt64
    /// The pair's first port (0: the read ports, 2: the write ports).
    let firstPort: Int
    /// Nominal cycle of the first pair (before any delay), pairs in all, and the cycles they
    /// are spread over.
    let base: UInt64
    let words: UInt64
    let pairs: UInt64
    let spread: UInt64
    /// Words logged so far; the current line, its next word's address and the words left in it.
    var logged: UInt64 = 0
    var line: UInt64 = 0
    var address: UInt32 = 0
    var lineWords: UInt64 = 0

    init(side: DMAPattern, count: UInt64, firstPort: Int, base: UInt64, spread: UInt64) {
        self.side = side
        lines = max(1, (count + side.lineLength - 1) / side.lineLength)
        lastLineLength = count - (lines - 1) * side.lineLength
        self.firstPort = firstPort
        self.base = base
        words = side.sumOverLines(count: count, DMATiming.tcdmWords)
        pairs = max(1, (words + 1) / 2)
        self.spread = max(spread, pairs)
        startLine(0)
    }

    private mutating func startLine(_ l: UInt64) {
        line = l
        let start = side.lineStart(l)
        let length = l == lines - 1 ? lastLineLength : side.lineLength
        address = UInt32(truncatingIfNeeded: start) & ~3
        lineWords = DMATiming.tcdmWords(UInt64(truncatingIfNeeded: start & 3), length)
    }

    /// Nominal cycle of word `k`.
    func cycle(_ k: UInt64) -> UInt64 { base + (k / 2) * spread / pairs }

    /// The next word to log (word `logged`, on port `firstPort + logged % 2`): its nominal cycle
    /// and bank; nil when every word is logged.
    mutating func next() -> (cycle: UInt64, bank: Int)? {
        guard logged < words else { return nil }
        while lineWords == 0 && line + 1 < lines { startLine(line + 1) }
        let k = logged
        let word = (cycle: cycle(k), bank: Int((address >> 2) & 15))
        logged += 1
        address &+= 4
        if lineWords > 0 { lineWords -= 1 }
        return word
    }
}

/// The DMA engine: channels, queues, data movement, statistics.
final class DMAEngine {
    let context: DeviceContext
    /// The TCDM through the cores' views, and everything the AXI port reaches.
    let tcdmPort: MemoryPort
    let externalPort: MemoryPort
    /// The race detector (`--check-races`): a transfer takes its command's clock and reads and
    /// writes its sides; its completion releases to whoever sees it.
    var races: RaceDetector?
    /// Called at each transfer's completion cycle, after its data has landed.
    var completed: (DMATransfer) -> Void = { _ in }
    /// Timeline track names of the queues.
    var trackName: (Int) -> String = { "DMA queue \($0)" }

    private struct Channel {
        var freeAt: UInt64 = 0
        /// Transfers whose data is still landing, in order.
        var landing: [DMATransfer] = []
        var token: UInt64?
        /// A pending event that logs more of its transfers' TCDM accesses.
        var feedToken: UInt64?
    }

    /// The TCDM arbiter the DMA's TCDM ports compete in with the cores (nil: the DMA's TCDM
    /// accesses are served at once).
    private(set) var arbiter: TCDMArbiter?
    /// Per port (0-1: read ports, 2-3: write ports): the stall cycles of it already turned into
    /// delay of the transfers.
    private var portApplied = [UInt64](repeating: 0, count: 4)
    /// Cycles the transfers were delayed by their TCDM ports' lost arbitrations.
    private(set) var tcdmStallCycles: UInt64 = 0
    @exclusivity(unchecked) private var channels = [Channel(), Channel()]
    /// Per queue: the completion cycle of its last transfer, its transfers not yet completed,
    /// and the end of its last timeline span.
    private var queueCompletion: [Int: UInt64] = [:]
    private(set) var pending: [Int: [DMATransfer]] = [:]
    private var spanEnd: [Int: UInt64] = [:]
    private var serial: UInt64 = 0
    private let scratch: UnsafeMutableRawBufferPointer
    /// The TCDM's memory, to tell AXI accesses that come back into the cluster.
    private let tcdmMemory: ObjectIdentifier?

    // Statistics.
    private(set) var transfersCompleted = 0
    private(set) var bytesToTCDM: UInt64 = 0
    private(set) var bytesFromTCDM: UInt64 = 0
    private(set) var bytesOther: UInt64 = 0
    private var busyCycles: UInt64 = 0
    private var busySince: UInt64 = 0
    private(set) var unfinished = 0

    init(context: DeviceContext, tcdmPort: MemoryPort, externalPort: MemoryPort) {
        self.context = context
        self.tcdmPort = tcdmPort
        self.externalPort = externalPort
        scratch = .allocate(byteCount: Int(DMATiming.burstBytes), alignment: 8)
        tcdmMemory = tcdmPort.windows.first.flatMap { tcdmPort.location($0.lowerBound)?.memory }
        context.eventAction = { [unowned self] event, argument, _ in self.eventAction(event, argument) }
    }
    deinit { scratch.deallocate() }

    // MARK: Snapshots

    /// Snapshots: the transfers in flight (each once, by serial number), the channels, the
    /// queues and the statistics; the timed events are rebuilt from their serial numbers.
    func snapshot(_ coder: inout SnapshotCoder) {
        // Every transfer not yet completed is in its queue's list; the channels land some of them.
        var live: [UInt64: DMATransfer] = [:]
        for list in pending.values { for t in list { live[t.serial] = t } }
        for ch in channels { for t in ch.landing { live[t.serial] = t } }
        var serials = live.keys.sorted()
        coder.array(&serials)
        if coder.isRestoring { live = [:] }
        for s in serials {
            var t = coder.isSaving ? live[s]! : DMATransfer.placeholder()
            t.snapshot(&coder)
            if coder.isRestoring { live[s] = t; t = live[s]! }
        }
        func transfer(_ serial: UInt64) -> DMATransfer? {
            if let t = live[serial] { return t }
            coder.fail("the snapshot's DMA refers to a transfer it does not hold")
            return nil
        }
        var queues = pending.keys.sorted()
        var lists = queues.map { pending[$0]!.map(\.serial) }
        coder.array(&queues)
        coder.array(&lists, empty: []) { $0.array(&$1) }
        if coder.isRestoring && queues.count == lists.count {
            pending = [:]
            for (q, l) in zip(queues, lists) { pending[q] = l.compactMap { transfer($0) } }
        }
        var channelCount = channels.count
        coder.pod(&channelCount)
        if coder.isRestoring && channelCount != channels.count { return coder.fail("the snapshot's DMA has another number of channels") }
        for c in channels.indices {
            coder.pod(&channels[c].freeAt)
            coder.optional(&channels[c].token, empty: 0)
            coder.optional(&channels[c].feedToken, empty: 0)
            var landing = channels[c].landing.map(\.serial)
            coder.array(&landing)
            if coder.isRestoring { channels[c].landing = landing.compactMap { transfer($0) } }
        }
        coder.array(&portApplied)
        coder.pod(&tcdmStallCycles)
        coder.dictionary(&queueCompletion)
        coder.dictionary(&spanEnd)
        coder.pod(&serial)
        coder.pod(&transfersCompleted)
        coder.pod(&bytesToTCDM); coder.pod(&bytesFromTCDM); coder.pod(&bytesOther)
        coder.pod(&busyCycles); coder.pod(&busySince); coder.pod(&unfinished)
        if coder.isRestoring {
            restoredTransfers = live
        }
    }

    /// The transfers a restore rebuilt, by serial number, for the timed events that name them.
    private var restoredTransfers: [UInt64: DMATransfer] = [:]

    /// The action of a timed event of the engine, rebuilt after a restore.
    func eventAction(_ event: UInt32, _ argument: UInt64) -> (() -> Void)? {
        switch event {
        case 0:
            guard let t = restoredTransfers[argument] else { return nil }
            return { [unowned self] in self.completionDue(t) }
        case 1 where argument < UInt64(channels.count):
            return { [unowned self] in self.burstDue(Int(argument)) }
        case 2 where argument < UInt64(channels.count):
            return { [unowned self] in self.feedDue(Int(argument)) }
        default: return nil
        }
    }

    var now: UInt64 { context.now }

    /// Cycles during which at least one transfer was in flight, up to `cycle`.
    func busyCycles(upTo cycle: UInt64) -> UInt64 {
        busyCycles + (unfinished > 0 && cycle > busySince ? cycle - busySince : 0)
    }
    var bytesMoved: UInt64 { bytesToTCDM + bytesFromTCDM + bytesOther }

    // MARK: Validation

    /// What is wrong with the side of a transfer of `count` bytes, or nil: every byte must lie in
    /// one memory its port reaches, from the first to the last.
    func problem(with side: DMAPattern, count: UInt64, what: String) -> String? {
        guard side.kind == .memory else { return nil }
        guard let (low, high) = side.footprint(count: count) else {
            return String(format: "%@ 0x%08x runs past the 32-bit address space", what, side.base)
        }
        let port = side.space == .tcdm ? tcdmPort : externalPort
        if high > low, port.reaches(UInt32(low), count: Int(high - low)) { return nil }
        let range = String(format: "bytes 0x%08llx-0x%08llx", low, max(low, high) - 1)
        switch side.space {
        case .tcdm:
            if port.reaches(UInt32(low), count: 1) {
                return "\(what) \(range) run past the end of the TCDM"
            }
            return "\(what) \(range) lie outside the TCDM"
        case .external:
            if tcdmPort.reaches(UInt32(low), count: 1) && !port.reaches(UInt32(low), count: 1) {
                return "\(what) \(range) are in the cores' alias of the TCDM, which the AXI port does not see (use the TCDM's global address 0x1000_0000 + offset)"
            }
            if port.reaches(UInt32(low), count: 1) {
                return "\(what) \(range) run past the end of the memory they start in"
            }
            return "\(what) \(range) lie outside every memory the DMA reaches"
        }
    }

    // MARK: Submission

    /// Accepts a transfer at the current cycle; returns it with its schedule.
    @discardableResult
    func submit(_ request: DMARequest) -> DMATransfer {
        let issued = now
        serial += 1
        let channelIndex = request.channel.rawValue
        var dataCycles: UInt64 = 0, latency: UInt64 = 0, start = issued + DMATiming.commandLatency
        var accesses: UInt64 = 0
        if !request.dropped && request.length > 0 {
            dataCycles = max(1, DMATiming.sideCycles(request.source, count: request.length),
                             DMATiming.sideCycles(request.destination, count: request.length))
            latency = latencyOf(request)
            start = max(start, channels[channelIndex].freeAt)
            channels[channelIndex].freeAt = start + dataCycles
            accesses = DMATiming.tcdmAccesses(request.source, count: request.length)
                + DMATiming.tcdmAccesses(request.destination, count: request.length)
        }
        let dataEnd = start + latency + dataCycles
        let completion = max(dataEnd, queueCompletion[request.queue] ?? 0)
        queueCompletion[request.queue] = completion
        let transfer = DMATransfer(request: request, serial: serial, issued: issued, start: start, dataCycles: dataCycles,
                                   latency: latency, completion: completion, tcdmAccesses: accesses)
        if let races, !request.dropped, request.length > 0 { raceTransfer(races, request) }
        if unfinished == 0 { busySince = issued }
        unfinished += 1
        pending[request.queue, default: []].append(transfer)
        if !request.dropped && request.length > 0 {
            if arbiter != nil {
                // Its TCDM sides: the source read on the read ports from the start of the data
                // phase, the destination written on the write ports as the data arrives.
                let r = request
                if r.source.kind == .memory && r.source.space == .tcdm {
                    transfer.streams.append(DMATCDMStream(side: r.source, count: r.length, firstPort: 0, base: start, spread: dataCycles))
                    transfer.ports |= 0b0011
                }
                if r.destination.kind == .memory && r.destination.space == .tcdm {
                    transfer.streams.append(DMATCDMStream(side: r.destination, count: r.length, firstPort: 2,
                                                          base: start + latency, spread: dataCycles))
                    transfer.ports |= 0b1100
                }
            }
            channels[channelIndex].landing.append(transfer)
            if channels[channelIndex].landing.count == 1 { scheduleBurst(channelIndex) }
            feed(channelIndex)
        }
        context.schedule(at: completion, event: 0, argument: transfer.serial) { [unowned self] in self.completionDue(transfer) }
        if context.tracing {
            context.trace(hart: request.hart, String(format: "%@: %@; data %llu-%llu (%llu cycles after %llu of latency), completes at cycle %llu",
                                                     describeTag(request), request.summary, start, dataEnd, dataCycles, latency, completion))
        }
        return transfer
    }

    /// Latency of the farthest side: L2 (or anything outside the cluster), the TCDM through the
    /// AXI port, or TCDM ports only.
    private func latencyOf(_ r: DMARequest) -> UInt64 {
        var latency = DMATiming.tcdmLatency
        for side in [r.source, r.destination] where side.kind == .memory && side.space == .external {
            let inCluster = tcdmMemory != nil && externalPort.location(side.base)?.memory == tcdmMemory
            latency = max(latency, inCluster ? DMATiming.clusterLatency : DMATiming.l2Latency)
        }
        return latency
    }

    func describeTag(_ r: DMARequest) -> String { "\(trackName(r.queue)) id \(r.id)" }

    // MARK: Data movement

    private func scheduleBurst(_ c: Int) {
        if let token = channels[c].token { context.cancel(token); channels[c].token = nil }
        guard let head = channels[c].landing.first else { return }
        let at = max(head.landing(head.nextBurstEnd), now)
        channels[c].token = context.schedule(at: at, event: 1, argument: UInt64(c)) { [unowned self] in self.burstDue(c) }
    }

    private func burstDue(_ c: Int) {
        channels[c].token = nil
        advance(c)
    }

    private func feedDue(_ c: Int) {
        channels[c].feedToken = nil
        syncTCDM()
        feed(c)
    }

    /// Lands every burst of channel `c` due by now, then waits for the next one.
    private func advance(_ c: Int) {
        syncTCDM()
        while let head = channels[c].landing.first {
            let end = head.nextBurstEnd
            guard head.landing(end) <= now else { break }
            copy(head, upTo: end)
            if head.landed >= head.request.length { channels[c].landing.removeFirst() }
        }
        scheduleBurst(c)
    }

    /// Copies stream bytes [landed, end) of `t`: read at the source, written at the destination.
    private func copy(_ t: DMATransfer, upTo end: UInt64) {
        let r = t.request
        var position = t.landed
        while position < end {
            let (from, sourceRun) = r.source.kind == .memory ? r.source.locate(position) : (0, UInt64.max)
            let (to, destinationRun) = r.destination.kind == .memory ? r.destination.locate(position) : (0, UInt64.max)
            let n = Int(min(min(sourceRun, destinationRun), min(end - position, UInt64(scratch.count))))
            let bytes = UnsafeMutableRawBufferPointer(rebasing: scratch[0..<n])
            switch r.source.kind {
            case .memory: _ = port(r.source).read(from, into: bytes, hart: r.hart)
            default: bytes.initializeMemory(as: UInt8.self, repeating: 0)
            }
            if r.destination.kind == .memory { _ = port(r.destination).write(to, UnsafeRawBufferPointer(bytes), hart: r.hart) }
            if let padding, padding.active { notePadding(r, from: from, to: to, count: n) }
            position += UInt64(n)
        }
        let moved = end - t.landed
        t.landed = end
        let fromTCDM = r.source.kind == .memory && r.source.space == .tcdm
        let toTCDM = r.destination.kind == .memory && r.destination.space == .tcdm
        if toTCDM && !fromTCDM { bytesToTCDM += moved } else if fromTCDM && !toTCDM { bytesFromTCDM += moved } else { bytesOther += moved }
    }

    private func port(_ side: DMAPattern) -> MemoryPort { side.space == .tcdm ? tcdmPort : externalPort }

    /// RedMulE's Z padding rows watched until read (RedMulE/RedMulEPadding.swift): a transfer's
    /// TCDM reads of them are reported, its TCDM writes end their watch.
    var padding: RedMulEPadding?

    private func notePadding(_ r: DMARequest, from: UInt32, to: UInt32, count: Int) {
        guard let padding else { return }
        if r.source.kind == .memory && r.source.space == .tcdm, let (region, byte) = padding.read(from, count: count) {
            context.report(.warning, String(format: "%@: DMA transfer %d reads byte 0x%08x, in a padding row that RedMulE %@ stored by cycle %llu and nothing has written since: it holds stale data (pulpsim: 0xFF)",
                                            context.describeHart(r.hart), r.id, byte, region.summary, region.cycle))
        }
        if r.destination.kind == .memory && r.destination.space == .tcdm { padding.wrote(to, count: count) }
    }

    // MARK: The TCDM ports in the interconnect

    /// Makes the DMA's TCDM ports masters of `arbiter` (TCDMArbiter.dmaPorts on).
    func attach(arbiter: TCDMArbiter) { self.arbiter = arbiter }

    /// Logs the TCDM accesses of channel `c`'s transfers, in order, as far as the ports' logs
    /// keep room (half of each); the rest when the first of them is due (an event, which also
    /// keeps the arbiter from settling past it before they are logged).
    private func feed(_ c: Int) {
        guard let arbiter else { return }
        if let token = channels[c].feedToken { context.cancel(token); channels[c].feedToken = nil }
        let limit = TCDMArbiter.capacity / 2
        // Ports whose log is full: later words on them wait (a port's accesses are logged in
        // order); the first word left over, across the channel's streams, is when to go on.
        var full: UInt8 = 0
        var resume = UInt64.max
        for t in channels[c].landing {
            let delay = t.start - t.nominalStart
            for s in t.streams.indices {
                while t.streams[s].logged < t.streams[s].words {
                    let k = t.streams[s].logged
                    let port = t.streams[s].firstPort + Int(k & 1)
                    let master = TCDMArbiter.dmaPorts + port
                    if full & (1 << port) != 0 || arbiter.logs[master].pending >= limit {
                        full |= 1 << port
                        resume = min(resume, t.streams[s].cycle(k) + delay)
                        break
                    }
                    let word = t.streams[s].next()!
                    // (A port serves one access per cycle: a later transfer's first words wait
                    // for an earlier one's last, `TCDMArbiter.append`.)
                    arbiter.append(master: master, cycle: word.cycle + delay, bank: word.bank)
                }
            }
        }
        guard resume != .max else { return }
        channels[c].feedToken = context.schedule(at: max(now + 1, resume), event: 2, argument: UInt64(c)) { [unowned self] in
            self.feedDue(c)
        }
    }

    /// Settles the TCDM accesses made before now (every running core has reached it), then
    /// turns the cycles the DMA's ports lost into delay: the ports of a channel's transfers move
    /// together (a beat waits for both its words), and the channel's transfers — their data,
    /// bursts and completion — move by the largest loss.
    func syncTCDM() {
        guard let arbiter else { return }
        arbiter.resolve(before: now)
        for c in channels.indices {
            guard let head = channels[c].landing.first, head.ports != 0 else { continue }
            var used: UInt8 = 0
            for t in channels[c].landing { used |= t.ports }
            var lost: UInt64 = 0
            for p in 0..<4 where head.ports & (1 << p) != 0 {
                lost = max(lost, arbiter.stalls(TCDMArbiter.dmaPorts + p) - portApplied[p])
            }
            guard lost > 0 else { continue }
            for p in 0..<4 where used & (1 << p) != 0 {
                let master = TCDMArbiter.dmaPorts + p
                let own = head.ports & (1 << p) != 0 ? arbiter.stalls(master) - portApplied[p] : 0
                arbiter.delay(master: master, by: lost - own)
                portApplied[p] = arbiter.stalls(master)
            }
            tcdmStallCycles += lost
            for t in channels[c].landing {
                t.start += lost
                t.dataEnd += lost
                t.completion += lost
            }
            channels[c].freeAt += lost
            if let q = channels[c].landing.last.map({ $0.request.queue }), let last = queueCompletion[q] {
                queueCompletion[q] = max(last, channels[c].landing.last!.completion)
            }
            scheduleBurst(c)
            if channels[c].feedToken != nil { feed(c) }
        }
    }

    // MARK: Completion

    /// A transfer's completion is due: unless its TCDM ports' conflicts moved it later.
    private func completionDue(_ t: DMATransfer) {
        syncTCDM()
        if t.completion > now {
            context.schedule(at: t.completion, event: 0, argument: t.serial) { [unowned self] in self.completionDue(t) }
            return
        }
        complete(t)
    }

    /// A transfer as one access of the DMA master, at a clock of its own after its command.
    private func raceTransfer(_ races: RaceDetector, _ r: DMARequest) {
        let d = races.dma
        races.cycle = now
        if r.hart >= 0 && r.hart < races.harts {
            var command = [UInt32](repeating: 0, count: RaceDetector.maxMasters)
            races.release(r.hart, into: &command, "DMA command (transfer id \(r.id))")
            races.acquire(d, from: command, "command")
        }
        races.tick(d, "transfer id \(r.id)")
        let own = races.clocks[d][d]
        races.deviceSites[d, default: [:]][own] = "DMA transfer id \(r.id): \(r.summary), issued by hart \(r.hart)"
        for (side, write) in [(r.source, false), (r.destination, true)] where side.kind == .memory {
            let port = side.space == .tcdm ? tcdmPort : externalPort
            if r.length / max(1, side.lineLength) > 65536, let (low, high) = side.footprint(count: r.length), high > low,
               let at = port.location(UInt32(truncatingIfNeeded: low)) {
                // A pattern of more than 65536 lines: its footprint as one range (docs/races.md).
                races.access(d, memory: at.memory, offset: at.offset, size: Int(min(high - low, 1 << 24)), write: write, pc: own,
                             address: UInt32(truncatingIfNeeded: low))
                continue
            }
            var position: UInt64 = 0
            while position < r.length {
                let (address, run) = side.locate(position)
                let n = max(1, min(run, r.length - position))
                if let at = port.location(address) {
                    races.access(d, memory: at.memory, offset: at.offset, size: Int(n), write: write, pc: own, address: address)
                }
                position += n
            }
        }
    }

    private func complete(_ t: DMATransfer) {
        if let races {
            races.cycle = now
            for line in 0..<32 where t.request.events & (1 << UInt32(line)) != 0 {
                RaceDetector.join(&races.lineClocks[line], races.clocks[races.dma])
            }
            if t.request.fabricController { RaceDetector.join(&races.fcLineClocks[EventLine.dmaFirst], races.clocks[races.dma]) }
            races.release(races.dma, into: &races.dmaDone, "completion of transfer id \(t.request.id)")
        }
        // Bursts due at this very cycle land first: data before the event.
        if t.landed < t.request.length && !t.request.dropped { advance(t.request.channel.rawValue) }
        if var list = pending[t.request.queue], let i = list.firstIndex(where: { $0 === t }) {
            list.remove(at: i)
            pending[t.request.queue] = list.isEmpty ? nil : list
        }
        unfinished -= 1
        if unfinished == 0 { busyCycles += now - busySince }
        transfersCompleted += 1
        let from = max(t.issued, spanEnd[t.request.queue] ?? 0)
        spanEnd[t.request.queue] = t.completion
        context.timelineSpan("id \(t.request.id): \(t.request.summary)", track: trackName(t.request.queue), from: from,
                             to: t.completion, tcdmAccesses: t.tcdmAccesses,
                             args: "\"issued\":\(t.issued),\"data\":\(t.start),\"bytes\":\(t.request.length)")
        // The front end's status registers first: a core woken by the event sees the transfer done.
        completed(t)
        let r = t.request
        if context.tracing {
            let lines = (0..<32).filter { r.events & (1 << UInt32($0)) != 0 }.map(String.init).joined(separator: ", ")
            context.trace(hart: r.hart, "\(describeTag(r)) done (\(r.length) B\(r.dropped ? ", dropped" : ""))"
                          + (lines.isEmpty ? ", no event" : String(format: "; event %@ to cores 0x%02x", lines, r.targets)))
        }
        if r.fabricController {
            if r.events != 0 { context.raiseFabricControllerLine(EventLine.dmaFirst) }
            return
        }
        for line in 0..<32 where r.events & (1 << UInt32(line)) != 0 && r.targets != 0 {
            context.raiseEvent(line: line, cores: r.targets)
        }
    }

    /// Transfers of `queue` not completed yet, oldest first.
    func unfinished(queue: Int) -> [DMATransfer] { pending[queue] ?? [] }
    /// Unfinished transfers on a channel's queues.
    func unfinishedCount(queue: Int) -> Int { pending[queue]?.count ?? 0 }
}
