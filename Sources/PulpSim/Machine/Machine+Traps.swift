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
            eventUnit?.noteWFI(core: hart.index)
            return .asleep(.waitForInterrupt)
        }
        return .retired
    }

    /// XIF offload to RedMulE, if the platform has one.
    func offload(_ request: OffloadRequest, hart: Hart) -> Bool {
        guard let redmule else { return false }
        redmule.offload(request, hart: hart.index, cycle: hart.cycle)
        return true
    }

    /// True if something is pending that ends a `wfi`: mip & mie, or event-unit IRQs.
    func wakeCondition(_ hart: Hart) -> Bool {
        (hart.mip & hart.mie) != 0 || (eventUnit?.wakesFromWFI(core: hart.index) ?? false)
    }

    /// Takes a synchronous trap, or ends the run if the firmware never installed a handler.
    /// Returns false when the run ends.
    func takeTrap(_ hart: Hart, cause: TrapCause, tval: UInt32) -> Bool {
        if !hart.mtvecWritten {
            control.finish(.unhandledTrap(UnhandledTrap(hart: hart.index, cause: cause, pc: hart.pc, tval: tval)))
            return false
        }
        let core = hart.core
        if core.pointee.trapStreakInstret == hart.instret {
            core.pointee.trapStreak &+= 1
        } else {
            core.pointee.trapStreak = 1
            core.pointee.trapStreakInstret = hart.instret
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

    /// Traps in a row without an instruction retiring after which the run ends (a handler that
    /// traps itself would otherwise loop forever, retiring nothing: `--max-instructions` would
    /// never be reached).
    static let trapStormLimit: UInt32 = 1000

    /// An interrupt with no handler ends the run rather than jumping to address 0.
    private func handlerInstalled(_ hart: Hart, mcause: UInt32) -> Bool {
        if hart.mtvecWritten { return true }
        control.finish(.unhandledInterrupt(hart: hart.index, mcause: mcause, pc: hart.pc))
        return false
    }

    /// Takes the highest-priority pending and enabled interrupt, if interrupts are enabled.
    @inline(__always) func takeInterruptIfPending(_ hart: Hart) {
        guard hart.mstatus & Hart.mstatusMIE != 0 else { return }
        takePendingInterrupt(hart)
    }

    private func takePendingInterrupt(_ hart: Hart) {
        // Event-unit lines (PULP convention: mcause = 0x8000_0000 | line).
        if let unit = eventUnit, let line = unit.pendingInterrupt(core: hart.index) {
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
