// Tracing: executing one instruction at a time with its architectural effects captured.
//
// A traced turn has exactly the structure of an untraced one (same budgets, same slow-path and
// trap handling), only cut into single instructions, so a traced run retires the same
// instructions in the same interleaving as an untraced run. Effects are derived from the decoded
// instruction (destination register, memory address, CSR) rather than by diffing state.

import PulpFloat

extension Machine {
    /// Installs a tracer (nil removes it).
    /// Installs a tracer (nil removes it). Symbolic pc ranges of its options must already be
    /// resolved (`resolveSymbols`).
    public func setTracer(_ tracer: Tracer?) {
        self.tracer = tracer
        traceThreshold = Array(repeating: 0, count: harts.count)
        tracer?.symbols = symbols
        let hook: ((Int?, String, String) -> Void)? = tracer == nil ? nil : { [unowned self] hart, source, message in
            self.traceEvent(hart: hart, source: source, message: message)
        }
        redmule?.traceEvent = hook
        eventUnit?.traceEvent = hook
    }

    /// Turns the symbolic pc ranges of `options` into address ranges (a symbol covers
    /// [address, address + size)); throws for an unknown symbol.
    public func resolveSymbols(_ options: TraceOptions) throws -> TraceOptions {
        var o = options
        guard !o.pcSymbols.isEmpty else { return o }
        var ranges = o.pcRanges ?? []
        for name in o.pcSymbols {
            guard let s = symbols.symbol(named: name) else { throw MachineError.unknownSymbol(name) }
            ranges.append(s.address...(s.address &+ max(s.size, 2) &- 1))
        }
        o.pcRanges = ranges
        o.pcSymbols = []
        return o
    }

    /// Executes exactly one instruction of `hart` (or takes its trap), emitting a trace line if it
    /// retires. Returns false when the turn must end (shared device access, sleep, end of run).
    func stepTraced(_ hart: Hart, shared: Bool, left: inout Int) -> Bool {
        let pc = hart.pc
        let instretBefore = hart.instret
        let cycleBefore = hart.cycle
        // The decode cache, as the fast path uses it (a miss decodes and fills the slot).
        let slot = decodeCache + Int((pc >> 1) & decodeCacheMask)
        var decoded: DecodedInstruction? = slot.pointee.tag == pc ? slot.pointee : nil
        if decoded == nil, let fresh = fetchAndDecode(pc) { slot.pointee = fresh; decoded = fresh }
        let x = hart.x, f = hart.f
        var address: UInt32 = 0
        var storeValue: UInt32 = 0
        var size: UInt32 = 0
        var isFP = false
        var fflagsBefore: UInt32 = 0
        if let d = decoded {
            let op = d.operation
            address = x[Int(d.rs1)] &+ UInt32(bitPattern: d.imm)
            switch op {
            case .lb, .lbu, .sb: size = 1
            case .lh, .lhu, .sh: size = 2
            case .lw, .sw, .flw, .fsw: size = 4
            default: break
            }
            if op == .sb || op == .sh || op == .sw || op == .fsw {
                let v = op == .fsw ? f[Int(d.rs2)] : x[Int(d.rs2)]
                storeValue = size == 4 ? v : v & ((1 << (size * 8)) - 1)
            }
            isFP = writesFFlags(op)
            if isFP { fflagsBefore = hart.fflags; hart.fflags = 0 }
        }
        var keepGoing = true
        let end = execute(hart, budget: 1)
        switch end {
        case .budget: break
        case .breakpoint:
            stoppedAtBreakpoint.insert(hart.index)
            control.finish(.stopped(hart: hart.index, pc: hart.pc))
            keepGoing = false
        case .trap(let cause, let tval):
            left -= 1
            if !raise(hart, cause: cause, tval: tval) { keepGoing = false }
        case .slowPath:
            left -= 1
            if !finishSlowInstruction(hart, shared: shared) { keepGoing = false }
        }
        let raised = isFP ? hart.fflags : 0
        if isFP { hart.fflags = fflagsBefore | raised }
        if end == .budget { left -= Int(hart.instret &- instretBefore) }
        if let timeline, size != 0, hart.instret != instretBefore, isTCDM(address) { timeline.hartTCDMAccesses += 1 }
        if watching, hart.instret != instretBefore, size != 0, let d = decoded {
            let isStore = d.operation == .sb || d.operation == .sh || d.operation == .sw || d.operation == .fsw
            checkWatchpoints(address: address, size: size, isWrite: isStore, hart: hart.index)
            if control.end != nil { keepGoing = false }
        }
        guard hart.instret != instretBefore, let d = decoded, let tracer,
              tracer.wants(hart: hart.index, pc: pc, instret: instretBefore, cycle: cycleBefore),
              instretBefore >= traceThreshold[hart.index] else { return keepGoing }

        emitTraceLine(tracer, hart, d, pc: pc, cycle: cycleBefore, address: address, storeValue: storeValue, size: size,
                      raisedFlags: isFP ? raised : nil)
        return keepGoing
    }

    /// Formats one retired instruction's line: effects in Spike's order — registers and CSRs by
    /// (number << 4 | kind), then memory. `raisedFlags` is nil for non-FP instructions.
    func emitTraceLine(_ tracer: Tracer, _ hart: Hart, _ d: DecodedInstruction, pc: UInt32, cycle: UInt64, address: UInt32,
                       storeValue: UInt32, size: UInt32, raisedFlags: UInt32?) {
        let x = hart.x, f = hart.f
        // At most: fflags, one register, one CSR, one memory access.
        var effects = (TraceEffect(kind: .x, number: 0, value: 0, address: 0), TraceEffect(kind: .x, number: 0, value: 0, address: 0),
                       TraceEffect(kind: .x, number: 0, value: 0, address: 0), TraceEffect(kind: .x, number: 0, value: 0, address: 0))
        var count = 0
        let op = d.operation
        withUnsafeMutableBytes(of: &effects) { raw in
            let list = raw.baseAddress!.assumingMemoryBound(to: TraceEffect.self)
            func add(_ e: TraceEffect) { list[count] = e; count += 1 }
            var register: TraceEffect?
            if d.rd != zeroSinkRegister && writesIntegerRegister(op) {
                register = TraceEffect(kind: .x, number: UInt32(d.rd), value: x[Int(d.rd)], address: 0)
            } else if writesFloatRegister(op) {
                register = TraceEffect(kind: .f, number: UInt32(d.rd), value: f[Int(d.rd)], address: 0)
            }
            let csr = writtenCSR(d).map { TraceEffect(kind: .csr, number: $0, value: hart.readCSR($0, timeNow: hart.cycle) ?? 0, address: 0) }
            let flags = (raisedFlags ?? 0) != 0 ? TraceEffect(kind: .csr, number: CSR.fflags, value: hart.fflags, address: 0) : nil
            // fflags (key 0x14) sorts before every f register but f0 (0x01).
            if let flags, let r = register, r.kind == .f && r.number == 0 { add(r); add(flags) } else {
                if let flags { add(flags) }
                if let r = register { add(r) }
            }
            if let csr { add(csr) }  // CSR keys (number << 4 | 4) exceed every register key
            if size != 0 {
                let isStore = op == .sb || op == .sh || op == .sw || op == .fsw
                add(TraceEffect(kind: isStore ? .store : .load, number: size, value: storeValue, address: address))
            }
        }
        let word: UInt32
        if let p = fastPointer(segments, pc, UInt32(d.length)) {
            word = d.length == 2 ? UInt32(p.loadUnaligned(as: UInt16.self)) : p.loadUnaligned(as: UInt32.self)
        } else {
            word = instructionWord(at: pc) ?? 0
        }
        withUnsafeBytes(of: &effects) { raw in
            let buffer = UnsafeBufferPointer(start: raw.baseAddress!.assumingMemoryBound(to: TraceEffect.self), count: count)
            tracer.instruction(hart: hart.index, cycle: cycle, pc: pc, word: word, compressed: d.length == 2,
                               effects: buffer,
                               disassembly: tracer.needsDisassembly ? Disassembler.disassemble(word, at: pc, symbols: symbols) : "")
        }
    }

    /// Emits a device/scheduler event into the trace (if tracing).
    func traceEvent(hart: Int?, source: String, message: String) {
        guard let tracer else { return }
        let cycle = hart.map { harts[$0].cycle } ?? now
        tracer.event(hart: hart, cycle: cycle, source: source, message: message)
    }

    func writesFFlags(_ op: Operation) -> Bool {
        switch op {
        case .fadd, .fsub, .fmul, .fdiv, .fsqrt, .fmadd, .fmsub, .fnmsub, .fnmadd, .fcvtWS, .fcvtWUS, .fcvtSW, .fcvtSWU,
             .fmin, .fmax, .feq, .flt, .fle:
            return true
        default: return false
        }
    }

    func writesIntegerRegister(_ op: Operation) -> Bool {
        switch op {
        case .lui, .auipc, .jal, .jalr, .lb, .lh, .lw, .lbu, .lhu, .addi, .slti, .sltiu, .xori, .ori, .andi, .slli,
             .srli, .srai, .add, .sub, .sll, .slt, .sltu, .xor, .srl, .sra, .or, .and, .csrrw, .csrrs, .csrrc, .csrrwi,
             .csrrsi, .csrrci, .mul, .mulh, .mulhsu, .mulhu, .div, .divu, .rem, .remu, .fcvtWS, .fcvtWUS, .fmvXW,
             .feq, .flt, .fle, .fclass:
            return true
        default: return false
        }
    }

    func writesFloatRegister(_ op: Operation) -> Bool {
        switch op {
        case .flw, .fmadd, .fmsub, .fnmsub, .fnmadd, .fadd, .fsub, .fmul, .fdiv, .fsqrt, .fsgnj, .fsgnjn, .fsgnjx,
             .fmin, .fmax, .fcvtSW, .fcvtSWU, .fmvWX:
            return true
        default: return false
        }
    }

    /// The CSR an instruction writes, if any (mret writes mstatus).
    func writtenCSR(_ d: DecodedInstruction) -> UInt32? {
        switch d.operation {
        case .csrrw, .csrrwi: return UInt32(d.imm) & 0xFFF
        case .csrrs, .csrrc, .csrrsi, .csrrci: return d.rs1 != 0 ? UInt32(d.imm) & 0xFFF : nil
        case .mret: return CSR.mstatus
        default: return nil
        }
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
