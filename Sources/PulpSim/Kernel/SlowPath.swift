// Kernel: the slow path — one instruction at a time for what the hot loop hands over: memory
// accesses that are not plain RAM (devices, region edges, watched words, pages holding code),
// and the operations whose descriptor says `.slow` (Zicsr, the privileged instructions, the
// coprocessor offload). Loads and stores are performed from their descriptor's facts (size, sign
// extension, data and destination registers, addressing), so their semantics are written once.

/// What the slow path did with one instruction.
enum SlowOutcome {
    case retired
    case trap(TrapCause, UInt32)
    /// The hart sleeps; the instruction is retried (device waits) or already retired (wfi).
    case asleep(SleepReason)
}

/// What the slow path asks of the platform the harts live in.
protocol HartEnvironment: AnyObject {
    /// `hart` executed `wfi` (already retired): whether it sleeps, or the run goes on.
    func waitForInterrupt(_ hart: Hart) -> SlowOutcome
    /// An instruction for the coprocessor (XIF); false if none takes it (illegal instruction).
    func offload(_ request: OffloadRequest, hart: Hart) -> Bool
    /// `hart` accessed the TCDM (RAM or a test-and-set view) at its cycle on the slow path.
    func noteTCDMAccess(_ hart: Hart, address: UInt32, size: Int, write: Bool)
}

/// One instruction on the slow path: the hart, its decoded form and descriptor.
struct SlowStep {
    let interpreter: Interpreter
    let environment: HartEnvironment
    let hart: Hart
    let d: DecodedInstruction
    let descriptor: InstructionDescriptor

    /// Retires the instruction: pc moves on, one cycle plus `extraCycles`. `external`: a load or
    /// store outside the TCDM (for the performance counters).
    func retire(_ extraCycles: UInt64 = 0, external: Bool = false, hazard: UInt64 = 0, memoryWait: UInt64 = 0) -> SlowOutcome {
        hart.pc = hart.pc &+ UInt32(d.length)
        count(extraCycles, external: external, hazard: hazard, memoryWait: memoryWait)
        return .retired
    }

    /// Counts the instruction as retired: instret, its cycles, its performance-counter events.
    /// `hazard`: a load's stall cycles caused by the instructions after it (`Interpreter.loadHazard`);
    /// `memoryWait`: a load's or store's round trip to a slower memory (`Bus.accessLatency`).
    func count(_ extraCycles: UInt64, external: Bool = false, hazard: UInt64 = 0, memoryWait: UInt64 = 0) {
        hart.core.pointee.lastRetired = d
        hart.instret &+= 1
        hart.cycle &+= 1 &+ extraCycles &+ hazard &+ memoryWait
        hart.countRetired(interpreter.tables.events[Int(d.operation.rawValue)], length: d.length,
                          extraCycles: extraCycles, external: external,
                          hazard: hazard, jumpHazard: hazard != 0 ? UInt64(d.rm) : 0, memoryWait: memoryWait)
    }

    /// An illegal-instruction trap with the instruction word as mtval.
    func illegalInstruction() -> SlowOutcome {
        .trap(.illegalInstruction, interpreter.instructionWord(at: hart.pc) ?? 0)
    }

    /// The effective address of a memory access.
    var address: UInt32 {
        let base = hart.x[Int(d.rs1)]
        return descriptor.memory?.addressing == .postIncrement ? base : base &+ UInt32(bitPattern: d.imm)
    }

    /// A load or store through the bus (devices and everything the fast path declined).
    func memoryAccess(_ access: MemoryAccess) -> SlowOutcome {
        let address = self.address
        let size = Int(access.size)
        var context = AccessContext(hart: hart.index, cycle: hart.cycle)
        let bus = interpreter.bus
        // The address the hart's access reaches (the pulp FC's private alias resolved).
        guard let physical = bus.translate(address, size: size, hart: hart.index) else {
            return .trap(access.kind == .load ? .loadAccessFault : .storeAccessFault, address)
        }
        switch access.kind {
        case .load:
            switch bus.slowRead(physical, size: size, context: &context) {
            case .fault: return .trap(.loadAccessFault, address)
            case .sleep: return .asleep(context.sleep ?? .waitForInterrupt)
            case .ok(let raw):
                let value = MemoryAccess.extend(raw, size: access.size, signed: access.signed)
                if descriptor.writes == .f {
                    hart.f[Int(d.rd)] = value
                    hart.mstatus |= Hart.mstatusFS  // FP state dirty
                } else {
                    hart.x[Int(d.rd)] = value
                }
            }
        case .store:
            let data = descriptor.storeData == .f ? hart.f[Int(d.rs2)] : hart.x[Int(d.rs2)]
            switch bus.slowWrite(physical, size: size, value: data, context: &context) {
            case .fault: return .trap(.storeAccessFault, address)
            case .sleep: return .asleep(context.sleep ?? .waitForInterrupt)
            case .ok: interpreter.noteWrite(physical, size: size)
            }
        }
        if access.addressing == .postIncrement { hart.x[Int(d.rs1)] = address &+ UInt32(bitPattern: d.imm) }
        let tcdm = interpreter.isTCDM(physical)
        if tcdm { environment.noteTCDMAccess(hart, address: physical, size: size, write: access.kind == .store) }
        // An access across a word boundary costs a second bus transaction.
        return retire(UInt64(misalignedCycles(address, UInt32(size))),
                      external: hart.core.pointee.countsEvents && !tcdm,
                      hazard: access.kind == .load ? UInt64(d.rs3) : 0,
                      memoryWait: UInt64(bus.accessLatency(physical, hart: hart.index)))
    }
}

extension Interpreter {
    /// Executes the instruction at `hart.pc` with full semantics.
    func stepSlow(_ hart: Hart, environment: HartEnvironment) -> SlowOutcome {
        let pc = hart.pc
        guard let d = fetchAndDecode(pc) else { return .trap(.instructionAccessFault, pc) }
        guard let descriptor = d.descriptor else {
            // A breakpoint marker is handled by the caller; anything else is an illegal word.
            return d.specIndex == Interpreter.breakpointMarker ? .retired : .trap(.illegalInstruction, UInt32(bitPattern: d.imm))
        }
        let step = SlowStep(interpreter: self, environment: environment, hart: hart, d: d, descriptor: descriptor)
        if let access = descriptor.memory { return step.memoryAccess(access) }
        if let outcome = step.zicsr() ?? step.system() ?? step.xredmule() { return outcome }
        // Everything else runs on the fast path; one step of it keeps semantics in one place.
        switch execute(hart, budget: 1) {
        case .trap(let cause, let tval): return .trap(cause, tval)
        case .illegalInstruction: return step.illegalInstruction()
        default: return .retired
        }
    }
}
