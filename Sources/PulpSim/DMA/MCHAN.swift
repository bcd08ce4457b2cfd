// DMA: the MCHAN v7 programming model (pulp-platform/mchan, docs/platform.md §11).
//
// Registers of each queue: CMD (+0x0) and STATUS (+0x4). Reading CMD allocates a transfer id
// (the lowest free of 16); the issuing core then writes to CMD the command word, the TCDM
// address, the external address and, per 2D side, a line length and a stride; the transfer
// starts with its last word. Each core's queue keeps its own word sequence; the shared queue has
// one, as on the RTL. A transfer is tagged with the id its queue last read from CMD (several
// transfers may share an id: the id stays busy until all of them completed). STATUS reads the
// busy ids in [15:0] and the allocated ones in [31:16]; writing 1 << id frees an id.

import Foundation

/// Bits of the MCHAN v7 command word.
enum MCHANCommand {
    static let lengthMask: UInt32 = 0x1FFFF
    /// 1: external → TCDM.
    static let toTCDM: UInt32 = 1 << 17
    /// 1: the external address advances; 0: it stays (AXI FIXED bursts).
    static let incremental: UInt32 = 1 << 18
    static let external2D: UInt32 = 1 << 19
    /// Raise event 8 (DMA event) / event 9 (DMA interrupt line) at completion.
    static let event: UInt32 = 1 << 20
    static let interrupt: UInt32 = 1 << 21
    /// The event goes to every core (0: only the issuing core).
    static let broadcast: UInt32 = 1 << 22
    static let tcdm2D: UInt32 = 1 << 23
}

/// MCHAN v7: 16 transfer ids, a queue per core and a shared one.
final class MCHAN: DMAFrontEnd {
    static let idCount = 16
    /// Transfers accepted and not completed beyond which the command word of a new transfer
    /// stalls its writer: the RTL's global queue (2 per core) and one transfer per direction.
    static let capacity = 18

    let engine: DMAEngine
    let context: DeviceContext
    let cores: Int
    let policy: DMAErrorPolicy

    /// The words of the command being programmed on a queue.
    struct Sequence {
        var words = [UInt32](repeating: 0, count: 7)
        var received = 0
        var hart = -1
        var command: UInt32 { words[0] }
        /// Words of the whole command: command, TCDM and external addresses, and per 2D side its
        /// line length and stride (external side first).
        var expected: Int {
            3 + (command & MCHANCommand.external2D != 0 ? 2 : 0) + (command & MCHANCommand.tcdm2D != 0 ? 2 : 0)
        }
        static let names = ["command word", "TCDM address", "external address"]
    }
    struct Queue {
        var sequence = Sequence()
        /// The id this queue's last CMD read returned, and the hart that read it.
        var lastID: Int?
        var lastIDHart = -1
        /// The queue's last completed transfer, for deadlock reports.
        var lastCompleted: String?
    }
    var queues: [Queue]
    /// Allocated ids (bit i = id i) and unfinished transfers per id.
    var allocated: UInt32 = 0
    var active = [Int](repeating: 0, count: MCHAN.idCount)
    /// Harts asleep in a DMA register access, and what they wait for.
    var sleeping: [Int: String] = [:]

    init(engine: DMAEngine, context: DeviceContext, cores: Int, policy: DMAErrorPolicy) {
        self.engine = engine
        self.context = context
        self.cores = cores
        self.policy = policy
        queues = [Queue](repeating: Queue(), count: cores + 2)  // (+ the shared and the FC queue)
        engine.completed = { [unowned self] in self.completed($0) }
    }

    func snapshot(_ coder: inout SnapshotCoder) {
        coder.array(&queues, empty: Queue()) { coder, q in
            coder.array(&q.sequence.words); coder.pod(&q.sequence.received); coder.pod(&q.sequence.hart)
            coder.optional(&q.lastID, empty: 0); coder.pod(&q.lastIDHart)
            coder.optional(&q.lastCompleted, empty: "") { $0.string(&$1) }
        }
        coder.pod(&allocated)
        coder.array(&active)
        coder.dictionary(&sleeping)
        if coder.isRestoring && (queues.count != cores + 2 || active.count != MCHAN.idCount
                                 || queues.contains { $0.sequence.words.count != 7 }) {
            coder.fail("the snapshot's MCHAN does not match this machine")
        }
    }

    var busy: UInt32 {
        var mask: UInt32 = 0
        for id in 0..<MCHAN.idCount where active[id] > 0 { mask |= 1 << UInt32(id) }
        return mask
    }

    func queueName(_ queue: Int) -> String {
        queue < cores ? "DMA queue of core \(queue)" : queue == cores ? "DMA shared queue" : "DMA FC queue"
    }
    /// The fabric controller's queue (`pulp`).
    var fabricControllerQueue: Int { cores + 1 }

    // MARK: Registers

    func read(queue: Int, offset: UInt32, access: inout AccessContext) -> UInt32? {
        switch offset {
        case 0x0:
            guard interrupt(queue, by: "a read of CMD", hart: access.hart) else { return 0 }
            return allocate(queue: queue, access: &access)
        case 0x4:
            guard interrupt(queue, by: "a read of STATUS", hart: access.hart) else { return 0 }
            return busy | allocated << 16
        default: return nil
        }
    }

    func write(queue: Int, offset: UInt32, value: UInt32, access: inout AccessContext) -> Bool {
        switch offset {
        case 0x0: push(queue: queue, word: value, access: &access)
        case 0x4:
            guard interrupt(queue, by: "a write to STATUS", hart: access.hart) else { return true }
            free(value & 0xFFFF, hart: access.hart, queue: queue)
        default: return false
        }
        return true
    }

    /// CMD read: the lowest free id, or (all 16 allocated) a diagnosed stall.
    private func allocate(queue: Int, access: inout AccessContext) -> UInt32 {
        let hart = access.hart
        guard allocated != 0xFFFF else {
            let what = String(format: "%@: CMD read for a 17th transfer id while all 16 are allocated (STATUS 0x%08x): the RTL stalls the core until a STATUS write frees one",
                              context.describeHart(hart), busy | allocated << 16)
            if policy == .error {
                report(.error, what)
                context.finish(.dmaError(what))
                return 0
            }
            if sleeping[hart] == nil { report(.error, what + " (--dma-errors=warn: the core waits, as on the RTL)") }
            sleeping[hart] = "DMA CMD read: all 16 transfer ids are allocated; waiting for a STATUS write to free one"
            access.sleep = .device(sleeping[hart]!)
            return 0
        }
        sleeping[hart] = nil
        let id = (~allocated).trailingZeroBitCount
        allocated |= 1 << UInt32(id)
        queues[queue].lastID = id
        queues[queue].lastIDHart = hart
        context.trace(hart: hart, "\(queueName(queue)): CMD read -> transfer id \(id)")
        return UInt32(id)
    }

    /// STATUS write: frees ids.
    private func free(_ ids: UInt32, hart: Int, queue: Int) {
        let stillBusy = ids & allocated & busy
        if stillBusy != 0 {
            report(.warning, String(format: "%@: STATUS write frees transfer ids 0x%04x while their transfers are still running: the RTL can hand them out again, and a wait on a reused id also waits for the old transfers",
                                    context.describeHart(hart), stillBusy))
        }
        if context.tracing { context.trace(hart: hart, String(format: "%@: STATUS write frees transfer ids 0x%04x", queueName(queue), ids)) }
        allocated &= ~ids
        wakeSleepers()
    }

    /// A read, or a STATUS write, while a command is being programmed on `queue`: the RTL drops
    /// the sequence. Returns false when the run stops.
    private func interrupt(_ queue: Int, by what: String, hart: Int) -> Bool {
        let s = queues[queue].sequence
        guard s.received > 0 else { return true }
        queues[queue].sequence = Sequence()
        let message = "\(context.describeHart(hart)): \(what) on the \(queueName(queue)) after \(s.received) of the \(s.expected) words of a command"
            + (s.hart != hart ? " written by core \(s.hart)" : "")
            + ": the RTL abandons the command (its words are left half-programmed in the queue)"
        return diagnose(message, consequence: "the command is dropped")
    }

    /// Reports an error; false when it stops the run.
    private func diagnose(_ message: String, consequence: String) -> Bool {
        if policy == .error {
            report(.error, message)
            context.finish(.dmaError(message))
            return false
        }
        report(.error, message + " (--dma-errors=warn: \(consequence))")
        return true
    }

    private func report(_ level: DiagnosticLevel, _ message: String) { context.report(level, message) }

    /// A word written to CMD.
    private func push(queue: Int, word: UInt32, access: inout AccessContext) {
        let hart = access.hart
        var s = queues[queue].sequence
        if s.received > 0 && s.hart != hart {
            // Only the shared queue has writers other than its own core.
            let message = "\(context.describeHart(hart)): word written to the \(queueName(queue)) while core \(s.hart) is programming a command there (\(s.received) of \(s.expected) words): the RTL builds one transfer from the words of both cores"
            guard diagnose(message, consequence: "core \(s.hart)'s command is dropped; this word starts a new command") else { return }
            s = Sequence()
        }
        if s.received == 0 {
            // The command word: the RTL stalls it while the command queues are full.
            if engine.unfinished >= MCHAN.capacity {
                sleeping[hart] = "DMA CMD write: \(engine.unfinished) transfers queued or running fill the DMA's command queues; waiting for one to complete"
                access.sleep = .device(sleeping[hart]!)
                return
            }
            sleeping[hart] = nil
            s.hart = hart
        }
        s.words[s.received] = word
        s.received += 1
        if s.received < s.expected {
            queues[queue].sequence = s
            return
        }
        queues[queue].sequence = Sequence()
        issue(s, queue: queue)
    }

    // MARK: Transfers

    /// The last word of a command arrived: check it and hand it to the engine.
    private func issue(_ s: Sequence, queue: Int) {
        let hart = s.hart
        let command = s.command
        let length = UInt64(command & MCHANCommand.lengthMask)
        let toTCDM = command & MCHANCommand.toTCDM != 0
        let ext2D = command & MCHANCommand.external2D != 0, tcdm2D = command & MCHANCommand.tcdm2D != 0
        var external = DMAPattern.linear(s.words[2], length, space: .external)
        external.incremental = command & MCHANCommand.incremental != 0
        var tcdm = DMAPattern.linear(s.words[1], length, space: .tcdm)
        var next = 3
        if ext2D {
            external.lineLength = UInt64(max(1, s.words[next]))
            external.lineStride = Int64(s.words[next + 1])
            next += 2
        }
        if tcdm2D {
            tcdm.lineLength = UInt64(max(1, s.words[next]))
            tcdm.lineStride = Int64(s.words[next + 1])
        }
        // The id: the one this queue last read from CMD, as on the RTL.
        let q = queues[queue]
        let id = q.lastID ?? 0
        var warnings: [String] = []
        if q.lastID == nil {
            warnings.append("no transfer id was read from this queue's CMD: the RTL tags the transfer with id 0")
        } else if allocated & (1 << UInt32(id)) == 0 {
            warnings.append("its id \(id) was freed since this queue read it: a wait on id \(id) may return early or late")
        } else if queue == cores && q.lastIDHart != hart {
            warnings.append("the shared queue tags it with id \(id), which core \(q.lastIDHart) read from CMD (the queue keeps one id for all cores)")
        }
        var events: UInt32 = 0
        if command & MCHANCommand.event != 0 { events |= 1 << UInt32(EventLine.dmaFirst) }
        if command & MCHANCommand.interrupt != 0 { events |= 1 << UInt32(EventLine.dmaFirst + 1) }
        let all = cores >= 32 ? UInt32.max : (UInt32(1) << UInt32(cores)) - 1
        let fromFC = queue == fabricControllerQueue
        let targets = fromFC ? 0 : command & MCHANCommand.broadcast != 0 ? all : (hart >= 0 && hart < cores ? 1 << UInt32(hart) : 0)
        let sides = toTCDM ? "\(describeSide(external, name: "ext", count: length)) -> \(describeSide(tcdm, name: "TCDM", count: length))"
            : "\(describeSide(tcdm, name: "TCDM", count: length)) -> \(describeSide(external, name: "ext", count: length))"
        var summary = "\(sides), \(length) B"
        let lines = [events & 0x100 != 0 ? "event 8" : nil, events & 0x200 != 0 ? "event 9" : nil].compactMap { $0 }
        if !lines.isEmpty {
            summary += fromFC ? ", FC line 8" : ", \(lines.joined(separator: " and ")) to \(Self.targets(targets, cores: cores))"
        }

        var errors: [String] = []
        if length == 0 { errors.append("length 0 (the RTL programs length − 1 and moves 131072 bytes)") }
        if ext2D && s.words[3] == 0 { errors.append("external 2D line length 0 (the RTL's line counter wraps: one line of 2^31 bytes)") }
        if tcdm2D && s.words[ext2D ? 5 : 3] == 0 { errors.append("TCDM 2D line length 0 (the RTL's line counter wraps: one line of 2^31 bytes)") }
        if errors.isEmpty {
            if let p = engine.problem(with: tcdm, count: length, what: "TCDM side:") {
                errors.append(p + " (the RTL keeps only the TCDM's address bits and writes elsewhere in it)")
            }
            if let p = engine.problem(with: external, count: length, what: "external side:") {
                errors.append(p + " (the AXI access fails or reaches another device)")
            }
        }
        let title = "\(context.describeHart(hart)): \(queueName(queue)) transfer id \(id) (\(summary))"
        for w in warnings { report(.warning, "\(title): \(w)") }
        var dropped = false
        if !errors.isEmpty {
            guard diagnose("\(title): " + errors.joined(separator: "; "), consequence: "dropped: it completes without moving data") else { return }
            dropped = true
        }
        active[id] += 1
        engine.submit(DMARequest(id: UInt32(id), queue: queue, hart: hart, channel: toTCDM ? .toTCDM : .fromTCDM,
                                 source: toTCDM ? external : tcdm, destination: toTCDM ? tcdm : external, length: length,
                                 summary: summary, events: events, targets: targets, fabricController: fromFC, dropped: dropped))
    }

    private func completed(_ t: DMATransfer) {
        let id = Int(t.request.id)
        if id < MCHAN.idCount { active[id] = max(0, active[id] - 1) }
        let r = t.request
        let signal = r.events == 0 ? "raised no event (command bits 20-21 clear)"
            : r.fabricController ? "raised FC interrupt line 8"
            : "raised event \(r.events & 0x100 != 0 ? 8 : 9) on \(Self.targets(r.targets, cores: cores))"
        queues[r.queue].lastCompleted = "id \(id) (\(r.summary)) completed at cycle \(t.completion) and \(signal)"
        wakeSleepers()
    }

    /// Harts stalled on a full command queue or on ids retry their access.
    private func wakeSleepers() {
        for hart in sleeping.keys.sorted() { context.wake(hart: hart) }
    }

    // MARK: Reports

    func describe() -> String {
        var lines = [String(format: "ids allocated 0x%04x, busy 0x%04x (STATUS 0x%08x)", allocated, busy, busy | allocated << 16)]
        for (i, q) in queues.enumerated() {
            var parts: [String] = []
            if let id = q.lastID { parts.append("last id read \(id)") }
            if q.sequence.received > 0 {
                parts.append("core \(q.sequence.hart) programming: \(q.sequence.received) of \(q.sequence.expected) words")
            }
            for t in engine.unfinished(queue: i) {
                parts.append("in flight: id \(t.request.id) (\(t.request.summary)), completes at cycle \(t.completion)")
            }
            if !parts.isEmpty { lines.append("\(queueName(i)): " + parts.joined(separator: "; ")) }
        }
        for (hart, what) in sleeping.sorted(by: { $0.key < $1.key }) { lines.append("core \(hart) asleep: \(what)") }
        return lines.joined(separator: "\n")
    }

    func describeSleep(core: Int) -> String? { sleeping[core] }

    func describeEvents(core: Int) -> String {
        let bit = UInt32(1) << UInt32(core)
        var text = "DMA: "
        let coming = (0...cores).flatMap { engine.unfinished(queue: $0) }.filter { $0.request.events != 0 && $0.request.targets & bit != 0 }
        if coming.isEmpty {
            text += "no transfer in flight raises event 8 or 9 on core \(core)"
        } else {
            text += "transfers in flight that signal core \(core): "
                + coming.map { "\(queueName($0.request.queue)) id \($0.request.id) at cycle \($0.completion)" }.joined(separator: ", ")
        }
        text += String(format: "; ids allocated 0x%04x, busy 0x%04x", allocated, busy)
        if core < queues.count, let last = queues[core].lastCompleted { text += "; last transfer of its queue: \(last)" }
        if let last = queues[cores].lastCompleted { text += "; last transfer of the shared queue: \(last)" }
        return text
    }
}
