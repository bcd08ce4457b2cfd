// Tracing: executing one instruction at a time with its architectural effects captured.
//
// A traced turn has exactly the structure of an untraced one (same budgets, same slow-path and
// trap handling), only cut into single instructions, so a traced run retires the same
// instructions in the same interleaving as an untraced run. Effects are derived from the decoded
// instruction (destination register, memory address, CSR) rather than by diffing state.

import PulpFloat

extension Machine {
    /// Installs a tracer (nil removes it). Symbolic pc ranges of its options must already be
    /// resolved (`resolveSymbols`).
    public func setTracer(_ tracer: Tracer?) {
        self.tracer = tracer
        traceThreshold = Array(repeating: 0, count: harts.count)
        tracer?.symbols = symbols
        // A start point at a symbol or pc is found by marking its instruction (see traceTriggers).
        debug.traceTriggers = []
        if let tracer, let start = tracer.options.start {
            switch start {
            case .pc(let pc): debug.traceTriggers = [pc]
            case .symbol(let name): if let pc = symbols.address(of: name) { debug.traceTriggers = [pc] }
            case .instruction, .cycle: break
            }
        }
        interpreter.flushDecodeCache()
        updateObservation()
    }

    /// Turns the symbolic pc ranges of `options` into address ranges (a symbol covers
    /// [address, address + size)); throws for an unknown symbol.
    public func resolveSymbols(_ options: TraceOptions) throws -> TraceOptions {
        for case .symbol(let name) in [options.start, options.stop].compactMap({ $0 }) where symbols.address(of: name) == nil {
            throw MachineError.unknownSymbol(name)
        }
        var o = options
        guard !o.pcSymbols.isEmpty else { return o }
        var ranges = o.pcRanges ?? []
        for name in o.pcSymbols {
            guard let s = symbols.symbol(named: name) else { throw MachineError.unknownSymbol(name) }
            // (A symbol running past the end of the address space ends there.)
            ranges.append(s.address...UInt32(min(UInt64(s.address) + UInt64(max(s.size, 2)) - 1, UInt64(UInt32.max))))
        }
        o.pcRanges = ranges
        o.pcSymbols = []
        return o
    }

    /// Executes exactly one instruction of `hart` (or takes its trap), emitting a trace line if it
    /// retires. Returns false when the turn must end (shared device access, sleep, end of run).
    /// A slow-path instruction reached past `order`, or at or past the turn's `horizon`, waits,
    /// not performed, exactly as on the untraced path (see `runTurn`).
    func stepTraced(_ hart: Hart, shared: Bool, left: inout Int, order: UInt64 = .max, horizon: UInt64 = .max) -> Bool {
        let pc = hart.pc
        let instretBefore = hart.instret
        let cycleBefore = hart.cycle
        let mstatusBefore = hart.mstatus
        if debug.traceTriggers.contains(pc) {
            // A trace start point: execute the instruction under the marker.
            debug.steppingOverTrigger = pc
            interpreter.invalidate(pc, size: 2)
        }
        defer {
            if debug.steppingOverTrigger == pc {
                debug.steppingOverTrigger = nil
                interpreter.invalidate(pc, size: 2)
                if let tracer, tracer.allStarted { debug.traceTriggers = []; interpreter.flushDecodeCache() }
            }
        }
        // The decode cache, as the fast path uses it (a miss decodes and fills the slot).
        let decoded = interpreter.decoded(at: pc)
        let descriptor = decoded?.descriptor
        let x = hart.x, f = hart.f
        var address: UInt32 = 0
        var storeValue: UInt32 = 0
        var size: UInt32 = 0
        var isStore = false
        var isFP = false
        var fflagsBefore: UInt32 = 0
        if let d = decoded, let descriptor {
            address = x[Int(d.rs1)] &+ (descriptor.memory?.addressing == .postIncrement ? 0 : UInt32(bitPattern: d.imm))
            if let access = descriptor.memory {
                size = UInt32(access.size)
                isStore = access.kind == .store
                if isStore {
                    let v = descriptor.storeData == .f ? f[Int(d.rs2)] : x[Int(d.rs2)]
                    storeValue = size == 4 ? v : v & ((1 << (size * 8)) - 1)
                }
            }
            isFP = descriptor.raisesFloatFlags
            if isFP { fflagsBefore = hart.fflags; hart.fflags = 0 }
        }
        var keepGoing = true
        let end = interpreter.execute(hart, budget: 1, log: tcdmLog(hart, shared: shared))
        if end == .slowPath && shared { settleTCDM(hart) }
        if end == .slowPath && (hart.cycle > order || hart.cycle >= horizon) {
            if isFP { hart.fflags = fflagsBefore }
            return false
        }
        switch end {
        case .budget, .traceTrigger: break  // (no trigger: stepped over above)
        case .breakpoint: keepGoing = finish(end, hart, shared: shared)
        default:
            left -= 1
            keepGoing = finish(end, hart, shared: shared)
        }
        let raised = isFP ? hart.fflags : 0
        if isFP { hart.fflags = fflagsBefore | raised }
        if end == .budget { left -= Int(hart.instret &- instretBefore) }
        if let timeline, size != 0, hart.instret != instretBefore, isTCDM(address) { timeline.hartTCDMAccesses += 1 }
        if let probe, hart.instret != instretBefore {
            probe.note(hart: hart.index, pc: pc, instret: instretBefore, position: harts.reduce(0) { $0 &+ $1.instret } &- 1)
        }
        if let races, hart.instret != instretBefore, size != 0 {
            raceAccess(races, hart: hart.index, address: address, size: Int(size), write: isStore, pc: pc, cycle: cycleBefore)
        }
        if debug.watching, hart.instret != instretBefore, size != 0 {
            checkWatchpoints(address: address, size: size, isWrite: isStore, hart: hart.index)
            if control.end != nil { keepGoing = false }
        }
        guard hart.instret != instretBefore, let d = decoded, let descriptor, let tracer,
              tracer.wants(hart: hart.index, pc: pc, instret: instretBefore, cycle: cycleBefore),
              instretBefore >= traceThreshold[hart.index] else { return keepGoing }

        emitTraceLine(tracer, hart, d, descriptor, pc: pc, cycle: cycleBefore, address: address, storeValue: storeValue,
                      raisedFlags: isFP ? raised : nil, mstatusBefore: mstatusBefore)
        return keepGoing
    }

    /// Formats one retired instruction's line from the hart's state right after it.
    /// `raisedFlags` is nil for non-FP instructions; `mstatusBefore` tells whether the
    /// instruction changed mstatus (FP state made dirty).
    func emitTraceLine(_ tracer: Tracer, _ hart: Hart, _ d: DecodedInstruction, _ descriptor: InstructionDescriptor,
                       pc: UInt32, cycle: UInt64, address: UInt32, storeValue: UInt32, raisedFlags: UInt32?,
                       mstatusBefore: UInt32) {
        var value: UInt32 = 0
        if descriptor.writes == .f { value = hart.f[Int(d.rd)] } else if d.rd != zeroSinkRegister { value = hart.x[Int(d.rd)] }
        var csrs = CSRWrites()
        if let number = SlowStep.writtenCSR(d, descriptor) {
            if number == CSR.fcsr {
                // fcsr is made of frm and fflags, and Spike logs those.
                csrs.add(CSR.fflags, hart.fflags)
                csrs.add(CSR.frm, hart.frm)
            } else {
                csrs.add(number, hart.readCSR(number, timeNow: hart.cycle) ?? 0)
            }
        }
        if hart.mstatus != mstatusBefore && !csrs.contains(CSR.mstatus) {
            csrs.add(CSR.mstatus, hart.readCSR(CSR.mstatus, timeNow: hart.cycle) ?? 0)
        }
        let word: UInt32
        if let p = fastPointer(bus.segments, pc, UInt32(d.length)) {
            word = d.length == 2 ? UInt32(p.loadUnaligned(as: UInt16.self)) : p.loadUnaligned(as: UInt32.self)
        } else {
            word = instructionWord(at: pc) ?? 0
        }
        let base: UInt32? = descriptor.writesBase ? hart.x[Int(d.rs1)] : nil
        formatTraceLine(tracer, hart: hart.index, d, traits: interpreter.tables.trace[Int(d.operation.rawValue)], pc: pc, word: word,
                        cycle: cycle, registerValue: value, baseValue: base, csrs: csrs, raisedFlags: raisedFlags ?? 0,
                        fflags: hart.fflags, address: address, storeValue: storeValue)
    }

    /// Runs `hart` on the loop that writes binary records itself (`Interpreter.executeEncoding`):
    /// an unfiltered binary trace without a timeline, `cycle` the hart's cycle now. An instruction
    /// whose record needs the general path ends the batch and is traced from its capture.
    func executeEncodingBinary(_ hart: Hart, _ tracer: Tracer, budget: Int, log: UnsafeMutablePointer<TCDMLog>?,
                               cycle: UInt64) -> QuantumEnd {
        let index = hart.index
        // (Compiled code writes up to 16 bytes past its last record.)
        let room = budget * BinaryTrace.maxCapturedRecord + 32
        guard let first = tracer.reserveRecords(hart: index, bytes: room) else {
            return interpreter.executeCapturing(hart, budget: budget, log: log)  // (no output: nothing to write)
        }
        let encoder = binaryEncoderForBatch(tracer)
        var encoding = LoopEncoding(encoder: encoder, hart: index, traits: interpreter.tables.trace, segments: bus.segments, out: first)
        let byBlocks = interpreter.encodesByBlocks(hart, encoder: encoder)
        let end = withUnsafeMutablePointer(to: &encoding) {
            byBlocks ? interpreter.executeEncodingByBlocks(hart, budget: budget, log: log, encoding: $0)
                : interpreter.executeEncoding(hart, budget: budget, log: log, encoding: $0)
        }
        tracer.commitRecords(hart: index, bytes: encoding.out - first, records: encoding.records)
        if encoding.general { emitCaptured(hart, count: 1, instret: hart.instret &- 1, cycle: cycle) }
        return end
    }

    /// The binary encoder for a batch of records: its remembered instruction words forgotten if
    /// code changed since the last batch (within a batch it cannot: stores to code leave the fast
    /// path).
    func binaryEncoderForBatch(_ tracer: Tracer) -> BinaryTraceEncoder {
        let encoder = tracer.binaryEncoder
        if tracer.binaryCodeChanges != interpreter.codeChanges {
            encoder.forgetWords(harts: harts.count)
            tracer.binaryCodeChanges = interpreter.codeChanges
        }
        return encoder
    }

    /// Traces the instructions `executeCapturing` recorded in `interpreter.captured`: `count` of them,
    /// the first being the hart's instruction number `instret`, starting at cycle `cycle` + offset.
    func emitCaptured(_ hart: Hart, count: Int, instret: UInt64, cycle: UInt64) {
        let index = hart.index
        if let probe {
            // A replay's probe (Debug/ReverseExecution.swift): the position before each instruction.
            var position = instret
            for h in harts where h.index != index { position &+= h.instret }
            for i in 0..<count {
                probe.note(hart: index, pc: interpreter.captured[i].pc, instret: instret &+ UInt64(i), position: position &+ UInt64(i))
            }
            if races == nil && tracer == nil && timeline == nil { return }
        }
        if let races {
            // The race detector: the batch's loads and stores in order (its synchronisation
            // comes from the slow path, which ends a batch).
            for i in 0..<count {
                let r = interpreter.captured[i]
                let slot = interpreter.cache + Int((r.pc >> 1) & interpreter.cacheMask)
                guard let d = slot.pointee.tag == r.pc ? slot.pointee : interpreter.fetchAndDecode(r.pc) else { continue }
                let t = interpreter.tables.trace[Int(d.operation.rawValue)]
                let size = Int(t & TraceTraits.sizeMask)
                guard size != 0 else { continue }
                raceAccess(races, hart: index, address: r.aux, size: size, write: t & TraceTraits.store != 0, pc: r.pc,
                           cycle: cycle &+ UInt64(r.cycleOffset & ~CapturedInstruction.dirtiedFS))
            }
            if tracer == nil && timeline == nil { return }
        }
        // The tracer is held once for the whole batch: no reference counting per instruction.
        guard let tracer = self.tracer else {
            // A timeline without a trace: only the TCDM accesses.
            var tcdmAccesses: UInt64 = 0
            for i in 0..<count {
                let r = interpreter.captured[i]
                let slot = interpreter.cache + Int((r.pc >> 1) & interpreter.cacheMask)
                guard let d = slot.pointee.tag == r.pc ? slot.pointee : interpreter.fetchAndDecode(r.pc) else { continue }
                if interpreter.tables.trace[Int(d.operation.rawValue)] & TraceTraits.sizeMask != 0, isTCDM(r.aux) { tcdmAccesses += 1 }
            }
            timeline?.hartTCDMAccesses += tcdmAccesses
            return
        }
        switch tracer.format {
        case .binary:
            // Records straight from the capture into the output.
            let room = count * BinaryTrace.maxCapturedRecord
            guard let first = tracer.reserveRecords(hart: index, bytes: room) else { return }
            var sink = BinaryCaptureSink(machine: self, tracer: tracer, encoder: binaryEncoderForBatch(tracer), hart: index, room: room,
                                         first: first)
            forEachCaptured(tracer, hart, count: count, instret: instret, cycle: cycle, into: &sink)
            tracer.commitRecords(hart: index, bytes: sink.out - sink.first, records: sink.written)
        case .spike:
            // Each line written in place from the capture.
            forEachCaptured(tracer, hart, count: count, instret: instret, cycle: cycle) { r, d, t, start, word in
                if _slowPath(r.cycleOffset & CapturedInstruction.dirtiedFS != 0 || t & TraceTraits.writesBase != 0) {
                    formatCaptured(tracer, index, r, d, t, start, word)
                    return
                }
                let p = tracer.beginRecord(hart: index)
                let n = tracer.spikeLine(into: p, hart: index, pc: r.pc, word: word, compressed: d.length == 2, traits: t,
                                         rd: d.rd, value: Machine.storedBytes(r.value, traits: t), aux: r.aux)
                tracer.commitRecord(hart: index, cycle: start, length: n)
            }
        case .pulpsim:
            forEachCaptured(tracer, hart, count: count, instret: instret, cycle: cycle) { r, d, t, start, word in
                if _slowPath(r.cycleOffset & CapturedInstruction.dirtiedFS != 0 || t & TraceTraits.writesBase != 0) {
                    formatCaptured(tracer, index, r, d, t, start, word)
                    return
                }
                _ = tracer.beginRecord(hart: index)
                let n = tracer.pulpsimLine(hart: index, cycle: start, pc: r.pc, word: word, compressed: d.length == 2, traits: t,
                                           rd: d.rd, value: Machine.storedBytes(r.value, traits: t), aux: r.aux)
                tracer.commitRecord(hart: index, cycle: start, length: n)
            }
        case .jsonl:
            forEachCaptured(tracer, hart, count: count, instret: instret, cycle: cycle) { r, d, t, start, word in
                formatCaptured(tracer, index, r, d, t, start, word)
            }
        }
    }

    /// The general formatter for a captured instruction (any format).
    fileprivate func formatCaptured(_ tracer: Tracer, _ hart: Int, _ r: CapturedInstruction, _ d: DecodedInstruction, _ t: UInt8,
                                _ start: UInt64, _ word: UInt32) {
        var csrs = CSRWrites()
        if r.cycleOffset & CapturedInstruction.dirtiedFS != 0 {
            // mstatus cannot have changed since: the batch ends before any other write to it.
            csrs.add(CSR.mstatus, harts[hart].readCSR(CSR.mstatus, timeNow: 0) ?? 0)
        }
        let base: UInt32? = t & TraceTraits.writesBase != 0 ? r.aux &+ UInt32(bitPattern: d.imm) : nil
        formatTraceLine(tracer, hart: hart, d, traits: t, pc: r.pc, word: word, cycle: start, registerValue: r.value,
                        baseValue: base, csrs: csrs, raisedFlags: t & TraceTraits.fflags != 0 ? r.aux & 0x1F : 0, fflags: r.aux >> 8,
                        address: r.aux, storeValue: Machine.storedBytes(r.value, traits: t))
    }

    /// Writes binary records from a capture: a struct, so that the loop of `forEachCaptured` is
    /// specialised for it with its state in registers (a closure capturing the output pointer
    /// cost about 40 host instructions per record).
    struct BinaryCaptureSink: CapturedSink {
        unowned(unsafe) let machine: Machine
        unowned(unsafe) let tracer: Tracer
        let encoder: BinaryTraceEncoder
        let hart: Int
        let room: Int
        var first: UnsafeMutablePointer<UInt8>
        var out: UnsafeMutablePointer<UInt8>
        var written = 0

        init(machine: Machine, tracer: Tracer, encoder: BinaryTraceEncoder, hart: Int, room: Int, first: UnsafeMutablePointer<UInt8>) {
            self.machine = machine; self.tracer = tracer; self.encoder = encoder
            self.hart = hart; self.room = room; self.first = first; out = first
        }

        /// The encoder's table has the instruction word at `pc` (the same word: the tables are
        /// forgotten when code changes): it need not be read.
        @inline(__always) func knowsWord(hart: Int, pc: UInt32) -> Bool { encoder.knowsWord(hart: hart, pc: pc) }

        @inline(__always)
        mutating func take(_ r: CapturedInstruction, _ d: DecodedInstruction, _ t: UInt8, _ start: UInt64, _ word: UInt32, known: Bool) {
            if _slowPath(r.cycleOffset & CapturedInstruction.dirtiedFS != 0 || t & TraceTraits.writesBase != 0) {
                // The record that makes the FP state dirty also shows mstatus: the general path.
                tracer.commitRecords(hart: hart, bytes: out - first, records: written)
                let word = known ? machine.instructionWord(at: r.pc) ?? 0 : word
                machine.formatCaptured(tracer, hart, r, d, t, start, word)
                first = tracer.reserveRecords(hart: hart, bytes: room).unsafelyUnwrapped
                out = first
                written = 0
                return
            }
            out += encoder.encodeCaptured(into: out, hart: hart, cycle: start, pc: r.pc, word: word, compressed: d.length == 2,
                                          traits: t, rd: d.rd, value: r.value, aux: r.aux, wordKnown: known)
            written += 1
        }
    }

    /// A closure as a sink (the text formats).
    struct ClosureSink: CapturedSink {
        let body: (CapturedInstruction, DecodedInstruction, UInt8, UInt64, UInt32) -> Void
        @inline(__always)
        func knowsWord(hart: Int, pc: UInt32) -> Bool { false }
        @inline(__always)
        mutating func take(_ r: CapturedInstruction, _ d: DecodedInstruction, _ t: UInt8, _ start: UInt64, _ word: UInt32, known: Bool) {
            body(r, d, t, start, word)
        }
    }

    @inline(__always)
    private func forEachCaptured(_ tracer: Tracer, _ hart: Hart, count: Int, instret: UInt64, cycle: UInt64,
                                 _ body: (CapturedInstruction, DecodedInstruction, UInt8, UInt64, UInt32) -> Void) {
        withoutActuallyEscaping(body) { escapable in
            var sink = ClosureSink(body: escapable)
            forEachCaptured(tracer, hart, count: count, instret: instret, cycle: cycle, into: &sink)
        }
    }

    /// Gives `sink` each captured instruction that is traced (record, decoded form, trace traits,
    /// first cycle, instruction word), counting TCDM accesses for the timeline.
    @inline(__always)
    private func forEachCaptured<S: CapturedSink>(_ tracer: Tracer, _ hart: Hart, count: Int, instret: UInt64, cycle: UInt64,
                                                  into sink: inout S) {
        let index = hart.index
        let records = interpreter.captured
        let traits = interpreter.tables.trace
        let threshold = index < traceThreshold.count ? traceThreshold[index] : 0
        let timing = timeline != nil
        var tcdmAccesses: UInt64 = 0
        let filtered = !tracer.tracesAll(hart: index) || threshold > instret
        for i in 0..<count {
            let r = records[i]
            let slot = interpreter.cache + Int((r.pc >> 1) & interpreter.cacheMask)
            // The slot may have been refilled for another pc later in the same batch; the code
            // itself cannot have changed (stores to code end the fast path).
            guard let d = slot.pointee.tag == r.pc ? slot.pointee : interpreter.fetchAndDecode(r.pc) else { continue }
            let t = traits[Int(d.operation.rawValue)]
            if timing, t & TraceTraits.sizeMask != 0, isTCDM(r.aux) { tcdmAccesses += 1 }
            let start = cycle &+ UInt64(r.cycleOffset & ~CapturedInstruction.dirtiedFS)
            if filtered {
                let number = instret &+ UInt64(i)
                guard number >= threshold, tracer.wants(hart: index, pc: r.pc, instret: number, cycle: start) else { continue }
            }
            let word: UInt32
            let known = sink.knowsWord(hart: index, pc: r.pc)
            if known {
                word = 0
            } else if let p = fastPointer(bus.segments, r.pc, UInt32(d.length)) {
                word = d.length == 2 ? UInt32(p.loadUnaligned(as: UInt16.self)) : p.loadUnaligned(as: UInt32.self)
            } else {
                word = instructionWord(at: r.pc) ?? 0
            }
            sink.take(r, d, t, start, word, known: known)
        }
        if timing { timeline?.hartTCDMAccesses += tcdmAccesses }
    }

    /// The value a trace shows for a captured instruction: a byte or half store shows only the
    /// bytes stored.
    @inline(__always) static func storedBytes(_ value: UInt32, traits: UInt8) -> UInt32 {
        let size = UInt32(traits & TraceTraits.sizeMask)
        return traits & TraceTraits.store == 0 || size == 4 ? value : value & ((1 << (size * 8)) &- 1)
    }

    /// Formats one line: effects in Spike's order — registers and CSRs by (number << 4 | kind),
    /// then memory.
    @inline(__always)
    func formatTraceLine(_ tracer: Tracer, hart: Int, _ d: DecodedInstruction, traits: UInt8, pc: UInt32, word: UInt32, cycle: UInt64,
                         registerValue: UInt32, baseValue: UInt32?, csrs: CSRWrites, raisedFlags: UInt32, fflags: UInt32,
                         address: UInt32, storeValue: UInt32) {
        let list = tracer.effects
        var count = 0
        if d.rd != zeroSinkRegister && traits & TraceTraits.writesX != 0 {
            list[count] = TraceEffect(kind: .x, number: UInt32(d.rd), value: registerValue, address: 0); count += 1
        } else if traits & TraceTraits.writesF != 0 {
            list[count] = TraceEffect(kind: .f, number: UInt32(d.rd), value: registerValue, address: 0); count += 1
        }
        if let baseValue, d.rs1 != 0 {
            // A post-increment access also writes its base register.
            list[count] = TraceEffect(kind: .x, number: UInt32(d.rs1), value: baseValue, address: 0); count += 1
        }
        if raisedFlags != 0 { list[count] = TraceEffect(kind: .csr, number: CSR.fflags, value: fflags, address: 0); count += 1 }
        for i in 0..<csrs.count {
            let (number, value) = csrs[i]
            list[count] = TraceEffect(kind: .csr, number: number, value: value, address: 0); count += 1
        }
        // Spike keeps them in a map keyed by number << 4 | kind (x 0, f 1, CSR 4).
        if count > 1 {
            @inline(__always) func key(_ e: TraceEffect) -> UInt32 { e.number << 4 | (e.kind == .x ? 0 : e.kind == .f ? 1 : 4) }
            for i in 1..<count {
                let e = list[i]
                var j = i
                while j > 0 && key(list[j - 1]) > key(e) { list[j] = list[j - 1]; j -= 1 }
                list[j] = e
            }
        }
        let size = UInt32(traits & TraceTraits.sizeMask)
        if size != 0 {
            list[count] = TraceEffect(kind: traits & TraceTraits.store != 0 ? .store : .load, number: size, value: storeValue, address: address)
            count += 1
        }
        tracer.instruction(hart: hart, cycle: cycle, pc: pc, word: word, compressed: d.length == 2, effectCount: count)
    }

    /// Emits a device/scheduler event into the trace (if tracing).
    func traceEvent(hart: Int?, source: String, message: String) {
        guard let tracer else { return }
        // An event of a hart's own instruction is at that hart's time; a timed event's at its
        // own (the hart it concerns may be asleep or ahead).
        let cycle = scheduler.state.pointee.firingEvents ? now : hart.map { $0 >= 0 && $0 < harts.count ? harts[$0].cycle : now } ?? now
        tracer.event(hart: hart, cycle: cycle, source: source, message: message)
    }

}


extension Machine {
    /// The last `count` retired instructions of every hart before the end of a run, in the
    /// `pulpsim` trace format. The run is replayed from the start — the simulator is
    /// deterministic — with tracing switched on only for those last instructions, so the
    /// untraced run pays nothing for this.
    public static func history(options: MachineOptions, image: ElfImage, of result: RunResult,
                               count: Int) -> [[String]] {
        var replayOptions = options
        replayOptions.echoOutput = false
        replayOptions.captureOutput = false
        replayOptions.progress = false
        replayOptions.printDiagnostics = false
        replayOptions.timeout = nil
        replayOptions.maxInstructions = result.totalInstructions
        guard let replay = try? Machine(options: replayOptions), (try? replay.load(image)) != nil else { return [] }
        var lines = Array(repeating: [String](), count: replay.harts.count)
        let tracer = Tracer(capturing: replay.harts.count, symbols: replay.symbols, format: .pulpsim) { hart, line in
            guard hart >= 0 && hart < lines.count else { return }
            lines[hart].append(line)
            if lines[hart].count > 4 * count { lines[hart].removeFirst(lines[hart].count - count) }
        }
        replay.setTracer(tracer)
        replay.traceThreshold = result.harts.map { $0.instructions > UInt64(count) ? $0.instructions - UInt64(count) : 0 }
        _ = replay.run()
        return lines.map { Array($0.suffix(count)) }
    }
}

/// The CSR writes a trace line shows (at most three: fflags and frm for fcsr, and mstatus).
struct CSRWrites {
    private(set) var count = 0
    private var entries: ((UInt32, UInt32), (UInt32, UInt32), (UInt32, UInt32)) = ((0, 0), (0, 0), (0, 0))

    mutating func add(_ number: UInt32, _ value: UInt32) {
        switch count {
        case 0: entries.0 = (number, value)
        case 1: entries.1 = (number, value)
        case 2: entries.2 = (number, value)
        default: return
        }
        count += 1
    }

    subscript(i: Int) -> (UInt32, UInt32) { i == 0 ? entries.0 : i == 1 ? entries.1 : entries.2 }

    func contains(_ number: UInt32) -> Bool { (0..<count).contains { self[$0].0 == number } }
}

/// What receives the instructions of a capture (`Machine.forEachCaptured`).
protocol CapturedSink {
    /// Whether the sink has no use for the instruction word at `pc` (`take` then gets 0, `known`).
    func knowsWord(hart: Int, pc: UInt32) -> Bool
    mutating func take(_ r: CapturedInstruction, _ d: DecodedInstruction, _ t: UInt8, _ start: UInt64, _ word: UInt32, known: Bool)
}
