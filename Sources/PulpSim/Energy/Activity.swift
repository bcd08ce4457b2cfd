// Energy: what a hart did, by the classes the energy model prices (Energy/EnergyModel.swift),
// from the counting loop's event totals (ISA/PerformanceCounters.swift). Kept when the run
// counts events on every hart (`MachineOptions.countStalls`, which `--energy` turns on).

/// A hart's retired instructions by energy class, its memory transfers and its idle cycles.
public struct HartActivity: Sendable, Codable, Equatable {
    /// ALU, CSR, system and the FP operations that are not arithmetic (moves, sign injection,
    /// comparisons, conversions, min/max, classify).
    public var other: UInt64 = 0
    /// mul, mulh*, div, rem.
    public var multiplyDivide: UInt64 = 0
    /// fmadd.s, fmsub.s, fnmadd.s, fnmsub.s (two FLOPs each).
    public var floatFused: UInt64 = 0
    /// fadd.s, fsub.s, fmul.s, fdiv.s, fsqrt.s (one FLOP each).
    public var floatArithmetic: UInt64 = 0
    public var jumps: UInt64 = 0
    public var branches: UInt64 = 0
    /// Loads and stores, as bus transfers (an access across a word boundary is two): to the
    /// TCDM, and elsewhere (L2, devices).
    public var tcdmLoads: UInt64 = 0
    public var tcdmStores: UInt64 = 0
    public var externalLoads: UInt64 = 0
    public var externalStores: UInt64 = 0
    /// Cycles awake without retiring (every stall of `StallBreakdown`), and asleep.
    public var stallCycles: UInt64 = 0
    public var sleepCycles: UInt64 = 0
    public init() {}

    public var instructions: UInt64 {
        other + multiplyDivide + floatFused + floatArithmetic + jumps + branches + loadsAndStores
    }
    /// Load and store instructions (the fields above count their transfers).
    public var loadsAndStores: UInt64 = 0
    /// Floating-point operations: two per fused multiply-add, one per other arithmetic.
    public var flops: UInt64 { 2 * floatFused + floatArithmetic }

    /// (name, count) in a fixed order, for JSON.
    public var entries: [(String, UInt64)] {
        [("other", other), ("mul_div", multiplyDivide), ("fp_fused", floatFused), ("fp_arithmetic", floatArithmetic),
         ("jumps", jumps), ("branches", branches), ("loads_stores", loadsAndStores), ("tcdm_loads", tcdmLoads),
         ("tcdm_stores", tcdmStores), ("external_loads", externalLoads), ("external_stores", externalStores),
         ("stall_cycles", stallCycles), ("sleep_cycles", sleepCycles)]
    }
}

extension Hart {
    /// What the hart did (meaningful when it counted events from the start: `countsStalls`).
    public var activity: HartActivity {
        let t = eventTotals
        var a = HartActivity()
        for index in 0..<EventTotals.classes {
            let n = t[index]
            guard n != 0 else { continue }
            // A load or store that cost extra cycles crossed a word boundary: two transfers.
            let transfers = index & EventTotals.stalled != 0 ? 2 * n : n
            let external = index & EventTotals.external != 0
            switch index & 7 {
            case EventTotals.load:
                a.loadsAndStores += n
                if external { a.externalLoads += transfers } else { a.tcdmLoads += transfers }
            case EventTotals.store:
                a.loadsAndStores += n
                if external { a.externalStores += transfers } else { a.tcdmStores += transfers }
            case EventTotals.jump: a.jumps += n
            case EventTotals.branch: a.branches += n
            case EventTotals.floatFused: a.floatFused += n
            case EventTotals.floatArithmetic: a.floatArithmetic += n
            case EventTotals.multiplyDivide: a.multiplyDivide += n
            default: a.other += n
            }
        }
        let b = stallBreakdown
        a.stallCycles = b.total
        a.sleepCycles = b.sleep
        return a
    }
}
