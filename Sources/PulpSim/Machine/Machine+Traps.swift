// Machine: traps and interrupts, and what the harts' slow path asks of the platform (`wfi`,
// coprocessor offload) — docs/platform.md §1, §4, §7.7.

extension Machine: HartEnvironment {
    /// `wfi` (already retired): the run ends if a device asked for that at the next `wfi`
    /// (redmule-tb's error count); a pending pulse line is consumed and wakes it; otherwise the
    /// hart sleeps unless an interrupt or event-unit IRQ is pending.
    func waitForInterrupt(_ hart: Hart) -> SlowOutcome {
        if let code = parts.testbenchIO?.pendingExitCode {
            control.finish(.exited(code: code, mechanism: .testbench))
            return .retired
        }
        let pulses = hart.mipExternal & platform.interruptPulses
        if pulses != 0 {
            hart.mipExternal &= ~pulses  // the pulse is consumed by the wake-up
            return .retired
        }
        if !wakeCondition(hart) {
            if let unit = eventUnit, hart.index < unit.cores { unit.noteWFI(core: hart.index) }
            return .asleep(.waitForInterrupt)
        }
        return .retired
    }

    /// A TCDM access of the slow path (Xpulp loads and stores, the test-and-set views, ...) goes
    /// to the arbiter like the fast path's, while other cores run.
    func noteTCDMAccess(_ hart: Hart, address: UInt32, size: Int, write: Bool) {
        if let redmule = parts.redmule, redmule.padding.active {
            // (The interpreter sends the accesses near watched padding rows here.)
            if write {
                redmule.padding.wrote(address, count: size)
            } else if let (region, byte) = redmule.padding.read(address, count: size) {
                redmule.report(.warning, String(format: "%@: loads byte 0x%08x, in a padding row that %@ stored by cycle %llu and nothing has written since: it holds stale data (pulpsim: 0xFF)",
                                                describeHart(hart.index), byte, region.summary, region.cycle))
            }
        }
        guard slowPathShared, let log = tcdmLog(hart, shared: true) else { return }
        appendTCDMAccess(log, address, UInt32(size), cycle: hart.cycle)
    }

    /// XIF offload to RedMulE, if the platform has one.
    func offload(_ request: OffloadRequest, hart: Hart) -> Bool {
        guard let redmule else { return false }
        redmule.offload(request, hart: hart.index, cycle: hart.cycle)
        return true
    }

    /// True if something is pending that ends a `wfi`: mip & mie, event-unit IRQs, or (the
    /// fabric controller) its interrupt controller's enabled lines.
    func wakeCondition(_ hart: Hart) -> Bool {
        if (hart.mip & hart.mie) != 0 { return true }
        if hart.index == fabricController { return parts.fcInterrupts?.wakesFromWFI ?? false }
        guard let unit = eventUnit, hart.index < unit.cores else { return false }
        return unit.wakesFromWFI(core: hart.index)
    }

    /// Takes a synchronous trap, or ends the run if the firmware never installed a handler.
    /// Returns false when the run ends.
    func takeTrap(_ hart: Hart, cause: TrapCause, tval: UInt32) -> Bool {
        let core = hart.core
        if !hart.mtvecWritten && !core.pointee.bootVectors {
            control.finish(.unhandledTrap(UnhandledTrap(hart: hart.index, cause: cause, pc: hart.pc, tval: tval)))
            return false
        }
        let same = core.pointee.trapStreak > 0 && core.pointee.trapStreakPC == hart.pc
            && core.pointee.trapStreakCause == cause.rawValue && hart.instret &- core.pointee.trapStreakInstret <= Machine.trapStormGap
        core.pointee.trapStreak = same ? core.pointee.trapStreak &+ 1 : 1
        core.pointee.trapStreakInstret = hart.instret
        core.pointee.trapStreakPC = hart.pc
        core.pointee.trapStreakCause = cause.rawValue
        // A fault through the boot vector table, or through the handler of firmware laid out
        // as the open runtime (which returns from faults or ignores them), is worth a warning
        // (once per storm).
        if (!hart.mtvecWritten || core.pointee.bootVectors) && !same && cause != .environmentCallFromMachine
            && cause != .breakpoint {
            warnUnexpectedTrap(hart, cause: cause, tval: tval)
        }
        if core.pointee.trapStreak > Machine.trapStormLimit {
            control.finish(.trapStorm(UnhandledTrap(hart: hart.index, cause: cause, pc: hart.pc, tval: tval),
                                      count: core.pointee.trapStreak - 1))
            return false
        }
        hart.enterTrap(cause: cause.rawValue, tval: tval, epc: hart.pc, interrupt: false)
        hart.chargeTrapEntry(cycles: 3)
        return true
    }

    /// The same trap at the same pc this many times in a row ends the run: a handler that traps
    /// itself would otherwise loop forever retiring nothing (`--max-instructions` would never be
    /// reached), and one that returns to the faulting instruction loops as long as the run lasts.
    static let trapStormLimit: UInt32 = 1000
    /// At most this many instructions retired between two traps of a storm (a handler's length).
    static let trapStormGap: UInt64 = 64

    /// A fault taken through the boot vector table of firmware that never installed a handler
    /// (the open runtime's table returns from faults or ignores them): a warning on stderr, at
    /// most `unexpectedTrapWarnings` of them in a run.
    private func warnUnexpectedTrap(_ hart: Hart, cause: TrapCause, tval: UInt32) {
        unexpectedTraps += 1
        guard unexpectedTraps <= Machine.unexpectedTrapWarnings else { return }
        let fc = hart.index == fabricController ? " (FC)" : ""
        var text = hart.mtvecWritten
            ? String(format: "hart %d%@: %@ (tval 0x%08x) at %@, taken by the firmware's handler at mtvec 0x%08x",
                     hart.index, fc, cause.description, tval, describeInstruction(at: hart.pc), hart.mtvec & ~3)
            : String(format: "hart %d%@: %@ (tval 0x%08x) at %@, taken through the boot vector table at 0x%08x (the firmware never wrote mtvec)",
                     hart.index, fc, cause.description, tval, describeInstruction(at: hart.pc), hart.mtvec & ~3)
        if let jump = describeJump(hart, to: tval, cause: cause) { text += "; " + jump }
        if cause == .illegalInstruction, let hint = Machine.xpulpHint(tval) { text += "; " + hint }
        if cause == .illegalInstruction, let why = CSRTable.whyIllegal(tval) { text += "; " + why }
        if unexpectedTraps == Machine.unexpectedTrapWarnings { text += " (further such warnings are not printed)" }
        record(DeviceDiagnostic(level: .warning, source: "trap", message: text))
    }

    static let unexpectedTrapWarnings = 10

    /// For an instruction fetch that faulted: the `jalr` that jumped there, if that was the last
    /// jump ("jumped there from 0x1c0081a4 <main+0x20>: jalr a5").
    func describeJump(_ hart: Hart, to target: UInt32, cause: TrapCause) -> String? {
        guard cause == .instructionAccessFault || cause == .illegalInstruction,
              hart.core.pointee.lastJalrTarget == hart.pc, hart.instret > 0 else { return nil }
        return "jumped there by \(describeInstruction(at: hart.core.pointee.lastJalrFrom))"
    }

    /// An interrupt with no handler ends the run rather than jumping to address 0.
    private func handlerInstalled(_ hart: Hart, mcause: UInt32) -> Bool {
        if hart.mtvecWritten || hart.core.pointee.bootVectors { return true }
        control.finish(.unhandledInterrupt(hart: hart.index, mcause: mcause, pc: hart.pc))
        return false
    }

    /// Takes the highest-priority pending and enabled interrupt, if interrupts are enabled.
    @inline(__always) func takeInterruptIfPending(_ hart: Hart) {
        guard hart.mstatus & Hart.mstatusMIE != 0 else { return }
        takePendingInterrupt(hart)
    }

    private func takePendingInterrupt(_ hart: Hart) {
        // The fabric controller's interrupt controller, the same way.
        if hart.index == fabricController, let unit = parts.fcInterrupts, let line = unit.pendingInterrupt() {
            guard handlerInstalled(hart, mcause: 0x8000_0000 | UInt32(line)) else { return }
            unit.acknowledge(line: line)
            hart.enterTrap(cause: 0x8000_0000 | UInt32(line), tval: 0, epc: hart.pc, interrupt: true)
            hart.chargeTrapEntry(cycles: 3)
            return
        }
        // Event-unit lines (PULP convention: mcause = 0x8000_0000 | line).
        if let unit = eventUnit, hart.index < unit.cores, let line = unit.pendingInterrupt(core: hart.index) {
            guard handlerInstalled(hart, mcause: 0x8000_0000 | UInt32(line)) else { return }
            unit.acknowledgeInterrupt(core: hart.index, line: line)
            hart.enterTrap(cause: 0x8000_0000 | UInt32(line), tval: 0, epc: hart.pc, interrupt: true)
            hart.chargeTrapEntry(cycles: 3)
            return
        }
        let pending = hart.mip & hart.mie
        guard pending != 0 else { return }
        // CV32E40P order: fast lines 31..16, then MEI (11), MSI (3), MTI (7).
        var line: UInt32
        if pending & 0xFFFF_0000 != 0 {
            line = 31 - UInt32((pending & 0xFFFF_0000).leadingZeroBitCount)
        } else if pending & (1 << 11) != 0 { line = 11 } else if pending & (1 << 3) != 0 { line = 3 } else { line = 7 }
        guard handlerInstalled(hart, mcause: 0x8000_0000 | line) else { return }
        // A pulse line is consumed by taking its interrupt.
        hart.mipExternal &= ~(platform.interruptPulses & (1 << line))
        hart.enterTrap(cause: 0x8000_0000 | line, tval: 0, epc: hart.pc, interrupt: true)
        hart.chargeTrapEntry(cycles: 3)
    }
}
