// ISA: performance counters — CV32E40P's hardware performance monitor (mcountinhibit,
// mhpmevent3..31, mhpmcounter3..31[h] and their user shadows, with mcycle and minstret) and
// RI5CY's legacy PULP counters (PCER, PCMR, PCCR0..31), counting the events of pulpsim's timing
// model (docs/platform.md §13).
//
// Every hart counts cycles and retired instructions anyway. Other events are counted only while a
// counter that needs them is enabled: such a hart runs the counting variant of compiled blocks
// (Kernel/BlockCompiler.swift, `compileCounting`) and the interpreter's counting loop, which
// file each retired instruction into one of 64 classes (kind from its descriptor — load, store,
// jump, branch, other — compressed or not, stalled or not, outside the TCDM or not) and adds its
// extra cycles to its cost class's stall total (`EventTotals`). No counter is stored as such: a
// counter is its value at its last (re)configuration plus what its events added since, derived from
// those totals when it is read. The plain loop, which every other hart runs, does none of this.

/// The event selector bits of CV32E40P (`mhpmevent`), in the hardware's numbering.
public enum PerformanceEvent: Int, Sendable, CaseIterable {
    case cycles = 0, instructions, loadStall, jumpStall, instructionMiss, loads, stores, jumps, branches, branchesTaken
    case compressed, pipelineStall, fpTypeConflict, fpContention, fpDependency, fpWriteBack

    public var bit: UInt32 { 1 << UInt32(rawValue) }

    /// The name CV32E40P's user manual gives the event.
    public var name: String {
        ["CYCLES", "INSTR", "LD_STALL", "JMP_STALL", "IMISS", "LD", "ST", "JUMP", "BRANCH", "BRANCH_TAKEN",
         "COMP_INSTR", "PIPE_STALL", "APU_TYPE", "APU_CONT", "APU_DEP", "APU_WB"][rawValue]
    }

    /// The stall event that counts the extra cycles of a cost class: a jump's cycle is a jump
    /// stall, the FP divider's cycles a dependency on the FP unit, every other extra cycle of the
    /// timing model (taken branch, multi-cycle multiply and divide, misaligned access, mret, trap
    /// entry) a pipeline stall.
    static func stall(of cost: CostClass) -> PerformanceEvent {
        switch cost {
        case .jump: return .jumpStall
        case .floatDivideSqrt: return .fpDependency
        case .single, .memory, .branch, .multiplyHigh, .divide, .trapReturn: return .pipelineStall
        }
    }

    /// Events the model counts per retired instruction (besides INSTR).
    static let perInstruction: UInt32 = PerformanceEvent.loads.bit | PerformanceEvent.stores.bit
        | PerformanceEvent.jumps.bit | PerformanceEvent.branches.bit | PerformanceEvent.branchesTaken.bit
        | PerformanceEvent.compressed.bit
    /// Stall events the model charges cycles to.
    static let stalls: UInt32 = PerformanceEvent.jumpStall.bit | PerformanceEvent.pipelineStall.bit
        | PerformanceEvent.fpDependency.bit | PerformanceEvent.loadStall.bit
}

/// The events of RI5CY's PCER (bit i enables counter PCCRi), in the numbering of the last RI5CY
/// release and of the runtime's `CSR_PCER_*` names: 0-10 as CV32E40P, 11 the pipeline stall,
/// 12-16 the cluster's external counters, 17-20 the FPU's.
public enum LegacyPerformanceEvent: Int, Sendable, CaseIterable {
    case cycles = 0, instructions, loadStall, jumpStall, instructionMiss, loads, stores, jumps, branches, branchesTaken
    case compressed, pipelineStall, externalLoads, externalStores, externalLoadCycles, externalStoreCycles
    case tcdmContention, fpTypeConflict, fpContention, fpDependency, fpWriteBack

    public var name: String {
        ["CYCLES", "INSTR", "LD_STALL", "JMP_STALL", "IMISS", "LD", "ST", "JUMP", "BRANCH", "BTAKEN", "RVC",
         "PIPE_STALL", "LD_EXT", "ST_EXT", "LD_EXT_CYC", "ST_EXT_CYC", "TCDM_CONT", "APU_TYPE", "APU_CONT",
         "APU_DEP", "APU_WB"][rawValue]
    }

    /// Implemented counters (PCCR0..20); PCER has one bit per counter.
    public static let count = allCases.count
}

/// Layout of a hart's event totals (`Hart.eventTotals`), kept while the hart counts events.
enum EventTotals {
    /// Retired instructions by class: kind | compressed | stalled | external. The kinds past
    /// `branch` are for the energy model (Energy/EnergyModel.swift) and count as `other` for
    /// the counters: fused multiply-adds (two FLOPs), the other FP arithmetic (fadd, fsub, fmul,
    /// fdiv, fsqrt: one FLOP), and integer multiplies and divides.
    static let other = 0, load = 1, store = 2, jump = 3, branch = 4, floatFused = 5, floatArithmetic = 6, multiplyDivide = 7
    static let compressed = 8
    /// The instruction charged extra cycles: a taken branch, a misaligned access, a jump, ...
    static let stalled = 16
    /// A load or store outside the TCDM.
    static let external = 32
    static let classes = 64
    /// Extra cycles by cost class, at `stallCycles + CostClass.rawValue`.
    static let stallCycles = 64
    /// Cycles of trap and interrupt entries.
    static let trapEntryCycles = 64 + 8
    /// Hazard cycles of loads (`Interpreter.loadHazard`): load stalls (LD_STALL) and jalr waiting
    /// for a loaded register (JMP_STALL).
    static let loadStallCycles = 64 + 9
    static let jumpHazardCycles = 64 + 10
    /// Cycles loads (and, at +1, stores) waited for a slower memory (a cluster core's round trip
    /// to L2, `Bus.setAccessLatency`).
    static let memoryWaitCycles = 64 + 11
    static let count = 64 + 13
}

/// Per-operation facts the counting loop reads (`OperationTables.events`).
enum EventTraits {
    /// `EventTotals` kind (other, load, store, jump, branch).
    static let kindMask: UInt8 = 0x07
    /// A load or store (its address decides `EventTotals.external`).
    static let memory: UInt8 = 0x08
    /// The cost class (`CostClass.rawValue`) in bits 4-6.
    static let costShift: UInt8 = 4

    static func of(_ d: InstructionDescriptor) -> UInt8 {
        var kind = EventTotals.other
        if let m = d.memory { kind = m.kind == .load ? EventTotals.load : EventTotals.store }
        else if d.cost == .jump { kind = EventTotals.jump }
        else if d.cost == .branch { kind = EventTotals.branch }
        else if [.fmadd, .fmsub, .fnmsub, .fnmadd].contains(d.operation) { kind = EventTotals.floatFused }
        else if [.fadd, .fsub, .fmul, .fdiv, .fsqrt].contains(d.operation) { kind = EventTotals.floatArithmetic }
        else if d.ext == .m { kind = EventTotals.multiplyDivide }
        return UInt8(kind) | (d.memory != nil ? memory : 0) | d.cost.rawValue << costShift
    }
}

/// The counter registers of a hart: configuration, and each counter's value at its last
/// (re)configuration with its events' running total at that moment (`mark`).
struct PerformanceCounters {
    /// mcountinhibit at reset: the event counters stopped, as on CV32E40P; mcycle and minstret
    /// counting (CV32E40P stops them too; pulpsim's firmware and §1 rely on them counting).
    static let inhibitReset: UInt32 = 0xFFFF_FFF8
    /// Bits of mcountinhibit that exist: all but 1 (`time` has no inhibit).
    static let inhibitMask: UInt32 = 0xFFFF_FFFD
    /// Writable bits of mhpmevent: the 16 CV32E40P events.
    static let selectorMask: UInt32 = 0xFFFF
    /// PCMR: bit 0 counts, bit 1 saturates; both set at reset.
    static let legacyModeReset: UInt32 = 3
    static let legacyEnableMask: UInt32 = (1 << UInt32(LegacyPerformanceEvent.count)) - 1

    var inhibit: UInt32 = 0
    /// mhpmevent0..31 (0..2 unused).
    var selectors = [UInt32](repeating: 0, count: 32)
    /// mcycle (0), minstret (2), mhpmcounter3..31.
    var base = [UInt64](repeating: 0, count: 32)
    var mark = [UInt64](repeating: 0, count: 32)
    /// PCER, PCMR.
    var legacyEnable: UInt32 = 0
    var legacyMode: UInt32 = 0
    /// PCCR0..20 (32 bits each).
    var legacyBase = [UInt64](repeating: 0, count: LegacyPerformanceEvent.count)
    var legacyMark = [UInt64](repeating: 0, count: LegacyPerformanceEvent.count)

    /// The events counter `index` counts now (0: none): mcycle cycles, minstret instructions,
    /// mhpmcounterN what mhpmeventN selects; nothing while inhibited.
    func selection(_ index: Int) -> UInt32 {
        guard inhibit & (1 << UInt32(index)) == 0 else { return 0 }
        switch index {
        case 0: return PerformanceEvent.cycles.bit
        case 2: return PerformanceEvent.instructions.bit
        case 3...31: return selectors[index]
        default: return 0
        }
    }

    /// Whether legacy counter `event` counts now.
    func legacyCounts(_ event: Int) -> Bool { legacyMode & 1 != 0 && legacyEnable & (1 << UInt32(event)) != 0 }

    /// Whether a selection needs the counting loop's totals (rather than the cycle and
    /// instruction counts every hart keeps, or nothing at all).
    static func needsTotals(_ selection: UInt32) -> Bool {
        if selection & PerformanceEvent.cycles.bit != 0 { return false }
        if selection & PerformanceEvent.stalls != 0 { return true }
        return selection & PerformanceEvent.instructions.bit == 0 && selection & PerformanceEvent.perInstruction != 0
    }

    /// The CV32E40P events of each instruction class (`EventTotals` index).
    static let classEvents: [UInt32] = (0..<EventTotals.classes).map { index in
        var events = PerformanceEvent.instructions.bit
        switch index & 7 {
        case EventTotals.load: events |= PerformanceEvent.loads.bit
        case EventTotals.store: events |= PerformanceEvent.stores.bit
        case EventTotals.jump: events |= PerformanceEvent.jumps.bit
        case EventTotals.branch:
            events |= PerformanceEvent.branches.bit
            if index & EventTotals.stalled != 0 { events |= PerformanceEvent.branchesTaken.bit }
        default: break
        }
        if index & EventTotals.compressed != 0 { events |= PerformanceEvent.compressed.bit }
        return events
    }
}

extension Hart {
    // MARK: Totals of events

    /// The running total of the events in `selection`, counted as CV32E40P does when a selector
    /// has several bits: one per cycle in which any of them happens. In the model an
    /// instruction's own events share its first cycle, and each of its extra cycles belongs to
    /// one stall event; with CYCLES selected, every cycle counts.
    func total(of selection: UInt32) -> UInt64 {
        let c = core.pointee
        if selection & PerformanceEvent.cycles.bit != 0 { return c.cycle }
        let t = eventTotals
        var total: UInt64 = 0
        if selection & PerformanceEvent.instructions.bit != 0 {
            total = c.instret
        } else if selection & PerformanceEvent.perInstruction != 0 {
            for index in 0..<EventTotals.classes where PerformanceCounters.classEvents[index] & selection != 0 {
                total &+= t[index]
            }
        }
        if selection & PerformanceEvent.stalls != 0 {
            for cost in CostClass.allCases where selection & PerformanceEvent.stall(of: cost).bit != 0 {
                total &+= t[EventTotals.stallCycles + Int(cost.rawValue)]
            }
            if selection & PerformanceEvent.pipelineStall.bit != 0 { total &+= t[EventTotals.trapEntryCycles] }
            if selection & PerformanceEvent.loadStall.bit != 0 { total &+= t[EventTotals.loadStallCycles] }
            if selection & PerformanceEvent.jumpStall.bit != 0 { total &+= t[EventTotals.jumpHazardCycles] }
        }
        return total
    }

    /// The running total of a legacy (RI5CY) event.
    func legacyTotal(_ event: Int) -> UInt64 {
        guard let e = LegacyPerformanceEvent(rawValue: event) else { return 0 }
        /// Bus transfers of loads or stores, external ones only or all: a misaligned access is two.
        func transfers(_ kind: Int, externalOnly: Bool) -> UInt64 {
            var total: UInt64 = 0
            for index in 0..<EventTotals.classes where index & 7 == kind {
                if externalOnly && index & EventTotals.external == 0 { continue }
                total &+= eventTotals[index] &* (index & EventTotals.stalled != 0 ? 2 : 1)
            }
            return total
        }
        switch e {
        case .cycles, .instructions, .loadStall, .jumpStall, .instructionMiss, .jumps, .branches, .branchesTaken,
             .compressed, .pipelineStall:
            return total(of: 1 << UInt32(event))  // same signal as CV32E40P's event of that number
        case .loads: return transfers(EventTotals.load, externalOnly: false)
        case .stores: return transfers(EventTotals.store, externalOnly: false)
        // An external transfer takes one cycle, plus the round trip of a cluster core to L2.
        case .externalLoads: return transfers(EventTotals.load, externalOnly: true)
        case .externalStores: return transfers(EventTotals.store, externalOnly: true)
        case .externalLoadCycles: return transfers(EventTotals.load, externalOnly: true) &+ eventTotals[EventTotals.memoryWaitCycles]
        case .externalStoreCycles: return transfers(EventTotals.store, externalOnly: true) &+ eventTotals[EventTotals.memoryWaitCycles + 1]
        case .tcdmContention: return core.pointee.tcdmStalls
        case .fpTypeConflict: return total(of: PerformanceEvent.fpTypeConflict.bit)
        case .fpContention: return total(of: PerformanceEvent.fpContention.bit)
        case .fpDependency: return total(of: PerformanceEvent.fpDependency.bit)
        case .fpWriteBack: return total(of: PerformanceEvent.fpWriteBack.bit)
        }
    }

    // MARK: Counter values

    /// Counter `index` (mcycle 0, minstret 2, mhpmcounter3..31); 64 bits.
    func counterValue(_ index: Int) -> UInt64 {
        let selection = counters.selection(index)
        guard selection != 0 else { return counters.base[index] }
        return counters.base[index] &+ (total(of: selection) &- counters.mark[index])
    }

    /// Legacy counter PCCR`event` (0..20): 32 bits, saturating if PCMR says so.
    func legacyCounterValue(_ event: Int) -> UInt64 {
        guard event >= 0 && event < LegacyPerformanceEvent.count else { return 0 }
        let base = counters.legacyBase[event]
        guard counters.legacyCounts(event) else { return base }
        let added = legacyTotal(event) &- counters.legacyMark[event]
        if counters.legacyMode & 2 != 0 { return added >= 0xFFFF_FFFF - base ? 0xFFFF_FFFF : base + added }
        return (base &+ added) & 0xFFFF_FFFF
    }

    // MARK: Configuration and writes

    /// Changes the counters' configuration with `change`: every counter keeps the value it has
    /// now and from here on counts what the new configuration selects.
    func reconfigureCounters(_ change: (inout PerformanceCounters) -> Void) {
        var values = [UInt64](repeating: 0, count: 32)
        for i in 0..<32 { values[i] = counterValue(i) }
        var legacy = [UInt64](repeating: 0, count: LegacyPerformanceEvent.count)
        for e in legacy.indices { legacy[e] = legacyCounterValue(e) }
        change(&counters)
        for i in 0..<32 { setCounter(i, values[i]) }
        for e in legacy.indices { setLegacyCounter(e, legacy[e]) }
        var needsTotals = false
        for i in 3..<32 where PerformanceCounters.needsTotals(counters.selection(i)) { needsTotals = true }
        for e in legacy.indices where counters.legacyCounts(e) && PerformanceCounters.needsTotals(legacySelection(e)) {
            needsTotals = true
        }
        core.pointee.countsEvents = needsTotals || countsStalls
    }

    /// Where the hart's cycles went, from its event totals (meaningful when `countsStalls` was
    /// set before it ran).
    public var stallBreakdown: StallBreakdown {
        let t = eventTotals
        func cost(_ c: CostClass) -> UInt64 { t[EventTotals.stallCycles + Int(c.rawValue)] }
        var b = StallBreakdown()
        b.loadUse = t[EventTotals.loadStallCycles]
        b.jumpRegister = t[EventTotals.jumpHazardCycles]
        b.jumpsAndBranches = cost(.jump) &+ cost(.branch)
        b.multiplyDivide = cost(.multiplyHigh) &+ cost(.divide)
        b.fpu = cost(.floatDivideSqrt)
        b.csr = cost(.single)
        b.misaligned = cost(.memory)
        b.traps = t[EventTotals.trapEntryCycles] &+ cost(.trapReturn)
        b.tcdm = core.pointee.tcdmStalls
        b.l2 = t[EventTotals.memoryWaitCycles] &+ t[EventTotals.memoryWaitCycles + 1]
        let busy = instret &+ b.total
        b.sleep = cycle > busy ? cycle &- busy : 0
        return b
    }

    /// The CV32E40P selection that stands for legacy event `e` when deciding whether the hart
    /// must count events (the external counters need the totals as loads and stores do).
    private func legacySelection(_ e: Int) -> UInt32 {
        switch LegacyPerformanceEvent(rawValue: e) {
        case .loads, .externalLoads, .externalLoadCycles: return PerformanceEvent.loads.bit
        case .stores, .externalStores, .externalStoreCycles: return PerformanceEvent.stores.bit
        case .tcdmContention, .none: return 0
        case .fpTypeConflict, .fpContention, .fpDependency, .fpWriteBack: return 1 << UInt32(e - 5)
        default: return 1 << UInt32(e)
        }
    }

    /// Sets counter `index` to `value`; it counts on from there.
    func setCounter(_ index: Int, _ value: UInt64) {
        guard index >= 0 && index < 32 else { return }
        counters.base[index] = value
        let selection = counters.selection(index)
        counters.mark[index] = selection == 0 ? 0 : total(of: selection)
    }

    /// Sets legacy counter PCCR`event` (0..20; others do not exist) to `value` (32 bits).
    func setLegacyCounter(_ event: Int, _ value: UInt64) {
        guard event >= 0 && event < LegacyPerformanceEvent.count else { return }
        counters.legacyBase[event] = value & 0xFFFF_FFFF
        counters.legacyMark[event] = counters.legacyCounts(event) ? legacyTotal(event) : 0
    }

    /// Counts an instruction retired outside the counting loop (the slow path) if the hart
    /// counts events: `traits` from its descriptor (`EventTraits`), its length, the extra cycles
    /// it costs and, for a load or store, whether its address is outside the TCDM. A load's
    /// hazard cycles (`Interpreter.loadHazard`: `hazard`, of which `jumpHazard` jump stalls) are
    /// not among `extraCycles`.
    @inline(__always) func countRetired(_ traits: UInt8, length: UInt8, extraCycles: UInt64, external: Bool,
                                        hazard: UInt64 = 0, jumpHazard: UInt64 = 0, memoryWait: UInt64 = 0) {
        guard core.pointee.countsEvents else { return }
        eventTotals[EventTotals.loadStallCycles] &+= hazard &- jumpHazard
        eventTotals[EventTotals.jumpHazardCycles] &+= jumpHazard
        var index = Int(traits & EventTraits.kindMask)
        eventTotals[EventTotals.memoryWaitCycles + (index == EventTotals.store ? 1 : 0)] &+= memoryWait
        if length == 2 { index |= EventTotals.compressed }
        if extraCycles != 0 { index |= EventTotals.stalled }
        if external && traits & EventTraits.memory != 0 { index |= EventTotals.external }
        eventTotals[index] &+= 1
        eventTotals[EventTotals.stallCycles + Int(traits >> EventTraits.costShift)] &+= extraCycles
    }

    /// Enters a trap or interrupt: the cycles it costs, counted as pipeline stalls.
    func chargeTrapEntry(cycles: UInt64) {
        core.pointee.cycle &+= cycles
        if core.pointee.countsEvents { eventTotals[EventTotals.trapEntryCycles] &+= cycles }
    }
}
