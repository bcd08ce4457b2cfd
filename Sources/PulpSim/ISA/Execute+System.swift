// ISA: the slow path — one instruction at a time for what the hot loop hands over: device and
// region-edge memory accesses, Zicsr, Zifencei, ecall/ebreak/mret/wfi, and trap entry.

import PulpFloat

/// What the slow path did with one instruction.
enum SlowOutcome {
    case retired
    case trap(TrapCause, UInt32)
    /// The hart sleeps; the instruction is retried (device waits) or already retired (wfi).
    case asleep(SleepReason)
}

extension Machine {
    /// Executes the instruction at `hart.pc` with full semantics.
    func stepSlow(_ hart: Hart) -> SlowOutcome {
        let pc = hart.pc
        guard let d = fetchAndDecode(pc) else { return .trap(.instructionAccessFault, pc) }
        let x = hart.x, f = hart.f
        let rd = Int(d.rd), rs1 = Int(d.rs1), rs2 = Int(d.rs2)
        let imm = UInt32(bitPattern: d.imm)
        let next = pc &+ UInt32(d.length)
        var context = AccessContext(hart: hart.index, cycle: hart.cycle)

        func retire(_ extraCycles: UInt64 = 0) -> SlowOutcome {
            hart.pc = next
            hart.instret &+= 1
            hart.cycle &+= 1 &+ extraCycles
            return .retired
        }

        switch d.operation {
        case .lb, .lh, .lw, .lbu, .lhu, .flw:
            let address = x[rs1] &+ imm
            let size = d.operation == .lb || d.operation == .lbu ? 1 : d.operation == .lh || d.operation == .lhu ? 2 : 4
            switch bus.slowRead(address, size: size, context: &context) {
            case .fault: return .trap(.loadAccessFault, address)
            case .sleep: return .asleep(context.sleep ?? .waitForInterrupt)
            case .ok(let v):
                switch d.operation {
                case .lb: x[rd] = UInt32(bitPattern: Int32(Int8(truncatingIfNeeded: v)))
                case .lh: x[rd] = UInt32(bitPattern: Int32(Int16(truncatingIfNeeded: v)))
                case .flw: f[rd] = v; hart.mstatus |= Hart.mstatusFS  // FP state dirty
                default: x[rd] = v
                }
                // A misaligned access costs a second bus transaction (SPEC §1).
                return retire(address & UInt32(size - 1) != 0 ? 1 : 0)
            }
        case .sb, .sh, .sw, .fsw:
            let address = x[rs1] &+ imm
            let size = d.operation == .sb ? 1 : d.operation == .sh ? 2 : 4
            let value = d.operation == .fsw ? f[rs2] : x[rs2]
            switch bus.slowWrite(address, size: size, value: value, context: &context) {
            case .fault: return .trap(.storeAccessFault, address)
            case .sleep: return .asleep(context.sleep ?? .waitForInterrupt)
            case .ok:
                if touchesCode(address, size: UInt32(size)) { invalidateCode(address, size: size) }
                return retire(address & UInt32(size - 1) != 0 ? 1 : 0)
            }
        case .csrrw, .csrrs, .csrrc, .csrrwi, .csrrsi, .csrrci:
            let number = UInt32(d.imm) & 0xFFF
            let operand = d.operation.rawValue >= Operation.csrrwi.rawValue ? UInt32(d.rs1) : x[rs1]
            guard let old = hart.readCSR(number, timeNow: hart.cycle) else {
                return .trap(.illegalInstruction, instructionWord(at: pc) ?? 0)
            }
            let writes: Bool
            let newValue: UInt32
            switch d.operation {
            case .csrrw, .csrrwi: writes = true; newValue = operand
            case .csrrs, .csrrsi: writes = d.rs1 != 0; newValue = old | operand
            default: writes = d.rs1 != 0; newValue = old & ~operand
            }
            if writes && !hart.writeCSR(number, newValue) {
                return .trap(.illegalInstruction, instructionWord(at: pc) ?? 0)
            }
            x[rd] = old
            return retire()
        case .fenceI:
            flushDecodeCache()
            return retire()
        case .ecall: return .trap(.environmentCallFromMachine, 0)
        case .ebreak: return .trap(.breakpoint, pc)
        case .mret:
            hart.returnFromTrap()
            hart.instret &+= 1
            hart.cycle &+= 2
            return .retired
        case .wfi:
            _ = retire()
            if let code = testbenchIO?.pendingExitCode {
                control.finish(.exited(code: code, mechanism: .testbench))
                return .retired
            }
            if hart.mipExternal & (1 << 3) != 0 && options.platform.kind == .redmuleTB {
                hart.mipExternal &= ~(1 << 3)  // the completion pulse is consumed by the wake-up
                return .retired
            }
            if !wakeCondition(hart) {
                eventUnit?.noteWFI(core: hart.index)
                return .asleep(.waitForInterrupt)
            }
            return .retired
        case .illegal:
            if d.specIndex == Machine.breakpointMarker { return .retired }  // handled by the caller
            return .trap(.illegalInstruction, imm)
        case .mcnfig, .marith:
            guard let redmule else { return .trap(.illegalInstruction, imm) }
            if d.operation == .mcnfig {
                redmule.offloadConfigure(mcfg0: x[rs1], mcfg1: x[rs2], hart: hart.index, cycle: hart.cycle)
            } else {
                redmule.offloadArith(x: x[rs1], w: x[rs2], z: x[Int(d.rs3)], word: imm, hart: hart.index, cycle: hart.cycle)
            }
            return retire()
        default:
            // Everything else runs on the fast path; one step of it keeps semantics in one place.
            let end = execute(hart, budget: 1)
            switch end {
            case .trap(let cause, let tval): return .trap(cause, tval)
            default: return .retired
            }
        }
    }

    /// True if something is pending that ends a `wfi` (SPEC §4: mip & mie, or event-unit IRQs).
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
        hart.enterTrap(cause: cause.rawValue, tval: tval, epc: hart.pc, interrupt: false)
        hart.cycle &+= 3
        return true
    }

    /// Takes the highest-priority pending and enabled interrupt, if interrupts are enabled.
    func takeInterruptIfPending(_ hart: Hart) {
        guard hart.mstatus & Hart.mstatusMIE != 0 else { return }
        // Event-unit lines (PULP convention: mcause = 0x8000_0000 | line).
        if let unit = eventUnit, let line = unit.pendingInterrupt(core: hart.index) {
            unit.acknowledgeInterrupt(core: hart.index, line: line)
            hart.enterTrap(cause: 0x8000_0000 | UInt32(line), tval: 0, epc: hart.pc, interrupt: true)
            hart.cycle &+= 3
            return
        }
        let pending = hart.mip & hart.mie
        guard pending != 0 else { return }
        // CV32E40P order: fast lines 31..16, then MEI (11), MSI (3), MTI (7).
        var line: UInt32
        if pending & 0xFFFF_0000 != 0 {
            line = 31 - UInt32((pending & 0xFFFF_0000).leadingZeroBitCount)
        } else if pending & (1 << 11) != 0 { line = 11 } else if pending & (1 << 3) != 0 { line = 3 } else { line = 7 }
        // RedMulE's completion on redmule-tb is a pulse on MSIP: taking the interrupt consumes it.
        if line == 3 { hart.mipExternal &= ~(1 << 3) }
        hart.enterTrap(cause: 0x8000_0000 | line, tval: 0, epc: hart.pc, interrupt: true)
        hart.cycle &+= 3
    }
}

