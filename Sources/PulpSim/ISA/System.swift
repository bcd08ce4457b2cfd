// ISA: the privileged instructions pulpsim implements (machine mode only) and Zifencei —
// descriptors and semantics (slow path).
//
// Traps themselves (entry, vectors, no-handler reports) are the machine's (Kernel/SlowPath.swift);
// what `wfi` waits for is the platform's (`HartEnvironment.waitForInterrupt`).

extension InstructionSet {
    static let system: [InstructionDescriptor] = [
        InstructionDescriptor("fence.i", 0x0000707f, 0x0000100f, .none, .zifencei, .fenceI, path: .slow),
        InstructionDescriptor("ecall", 0xffffffff, 0x00000073, .none, .system, .ecall, path: .slow),
        InstructionDescriptor("ebreak", 0xffffffff, 0x00100073, .none, .system, .ebreak, path: .slow),
        InstructionDescriptor("mret", 0xffffffff, 0x30200073, .none, .system, .mret, cost: .trapReturn, path: .slow),
        InstructionDescriptor("wfi", 0xffffffff, 0x10500073, .none, .system, .wfi, path: .slow),
    ]
}

extension SlowStep {
    /// Privileged and Zifencei semantics; nil for operations of other extensions.
    func system() -> SlowOutcome? {
        switch d.operation {
        case .fenceI:
            interpreter.flushDecodeCache()
            // CV32E40P (docs/source/pipeline.rst, "Instruction Fence"): a jump to the next
            // instruction, 2 cycles, 3 if that is a 32-bit instruction that is not word-aligned.
            let next = hart.pc &+ UInt32(d.length)
            let unaligned = next & 2 != 0 && (interpreter.fetchHalf(next) ?? 0) & 3 == 3
            return retire(unaligned ? 2 : 1)
        case .ecall: return .trap(.environmentCallFromMachine, 0)
        case .ebreak: return .trap(.breakpoint, hart.pc)
        case .mret:
            hart.returnFromTrap()
            count(UInt64(descriptor.cost.extraCycles))
            return .retired
        case .wfi:
            _ = retire()
            return environment.waitForInterrupt(hart)
        default: return nil
        }
    }
}
