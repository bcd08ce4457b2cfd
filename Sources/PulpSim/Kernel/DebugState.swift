// Kernel: what a debugger (or a trace start point) has set on the running program — breakpoints,
// watchpoints, trace start points — and how the interpreter notices them.
//
// Breakpoints and trace start points are marked in the decode cache: the marked instruction
// decodes as a marker that stops the fast path before it executes, so unmarked code runs at full
// speed. Watchpoints send every memory access of a watching run through the traced step.

/// A debugger data watchpoint.
public struct Watchpoint: Equatable, Sendable {
    public var range: ClosedRange<UInt32>
    public var onRead: Bool
    public var onWrite: Bool
    /// `length` bytes from `address` (at least one; clipped at the end of the address space).
    public init(address: UInt32, length: UInt32, onRead: Bool, onWrite: Bool) {
        let last = UInt64(address) + UInt64(max(length, 1)) - 1
        range = address...UInt32(min(last, UInt64(UInt32.max)))
        self.onRead = onRead
        self.onWrite = onWrite
    }
}

/// Breakpoints, watchpoints and trace start points of a machine.
final class DebugState {
    /// Addresses where execution stops before executing (debugger breakpoints, run-until).
    var breakpoints = Set<UInt32>()
    /// Set while a hart must execute the instruction under a breakpoint once.
    var steppingOverBreakpoint: UInt32? = nil
    /// Where a trace starts (a symbol or pc start point): untraced turns stop there, so that
    /// everything before runs at full speed. Dropped once every traced hart has started.
    var traceTriggers = Set<UInt32>()
    var steppingOverTrigger: UInt32? = nil
    /// Harts that stopped on a breakpoint in the previous run (they step over it when resumed).
    var stoppedAtBreakpoint = Set<Int>()
    /// Data watchpoints.
    var watchpoints: [Watchpoint] = [] { didSet { watchHit = nil; watching = !watchpoints.isEmpty } }
    /// `!watchpoints.isEmpty`, kept as a plain flag for per-instruction checks.
    var watching = false
    /// The watchpoint access that stopped the run, if any.
    var watchHit: (address: UInt32, isWrite: Bool, hart: Int)?

    /// The decode-cache marker for `pc`, if an instruction there must not run on the fast path.
    func marker(at pc: UInt32) -> UInt8? {
        if !breakpoints.isEmpty && breakpoints.contains(pc) && steppingOverBreakpoint != pc {
            return Interpreter.breakpointMarker
        }
        if !traceTriggers.isEmpty && traceTriggers.contains(pc) && steppingOverTrigger != pc {
            return Interpreter.traceTriggerMarker
        }
        return nil
    }

    /// The watchpoint an access hits, if any: the first address inside it.
    func watchpointHit(address: UInt32, size: UInt32, isWrite: Bool) -> UInt32? {
        guard watching, size > 0 else { return nil }
        let last = UInt32(min(UInt64(address) + UInt64(size) - 1, UInt64(UInt32.max)))
        let accessed = address...last
        for w in watchpoints where (isWrite ? w.onWrite : w.onRead) && w.range.overlaps(accessed) {
            return max(w.range.lowerBound, address)
        }
        return nil
    }
}
