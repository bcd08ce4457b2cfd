// ISA: Zicsr, the CSR instructions — descriptors and semantics (slow path).
//
// The CSRs themselves, their masks and side effects are in CSR.swift. csrrs/csrrc (and the
// immediate forms) with rs1 = x0 (uimm = 0) read without writing, so they may read read-only CSRs.

extension InstructionSet {
    static let zicsr: [InstructionDescriptor] = [
        InstructionDescriptor("csrrw", 0x0000707f, 0x00001073, .csr, .zicsr, .csrrw, csr: .write, path: .slow),
        InstructionDescriptor("csrrs", 0x0000707f, 0x00002073, .csr, .zicsr, .csrrs, csr: .set, path: .slow),
        InstructionDescriptor("csrrc", 0x0000707f, 0x00003073, .csr, .zicsr, .csrrc, csr: .clear, path: .slow),
        InstructionDescriptor("csrrwi", 0x0000707f, 0x00005073, .csrImmediate, .zicsr, .csrrwi, csr: .write, path: .slow),
        InstructionDescriptor("csrrsi", 0x0000707f, 0x00006073, .csrImmediate, .zicsr, .csrrsi, csr: .set, path: .slow),
        InstructionDescriptor("csrrci", 0x0000707f, 0x00007073, .csrImmediate, .zicsr, .csrrci, csr: .clear, path: .slow),
    ]
}

extension SlowStep {
    /// The CSR number an instruction writes, if any (traces show it).
    static func writtenCSR(_ d: DecodedInstruction, _ descriptor: InstructionDescriptor) -> UInt32? {
        guard let access = descriptor.csr else { return descriptor.operation == .mret ? CSR.mstatus : nil }
        return access == .write || d.rs1 != 0 ? UInt32(d.imm) & 0xFFF : nil
    }

    /// Extra cycles of an access to a "status" CSR: CV32E40P flushes its pipeline after one,
    /// so it takes 4 cycles instead of 1 (openhwgroup/cv32e40p docs/source/pipeline.rst, "CSR
    /// Access: 4 (mstatus, mepc, mtvec, mcause, mcycle, minstret, mhpmcounter*, mcycleh,
    /// minstreth, mhpmcounter*h, mcountinhibit, mhpmevent*, ...), 1 (all the other CSRs)").
    static let statusCSRStall: UInt64 = 3

    /// Whether an access to CSR `number` is a status-CSR access (rtl/cv32e40p_decoder.sv,
    /// `csr_status_o`): any access to mstatus, mepc, mtvec, mcause, the machine counters and their
    /// configuration; a write to fflags, frm or fcsr (which the manual's table omits). The RI5CY
    /// counter CSRs (PCER, PCMR, PCCRn) are not CV32E40P's: 1 cycle.
    static func flushesPipeline(_ number: UInt32, writes: Bool) -> Bool {
        switch number {
        case CSR.mstatus, CSR.mepc, CSR.mtvec, CSR.mcause: return true
        case 0xB00...0xB1F, 0xB80...0xB9F: return true        // mcycle, minstret, mhpmcounter3..31 (and h)
        case CSR.mcountinhibit, 0x323...0x33F: return true    // mcountinhibit, mhpmevent3..31
        case CSR.fflags, CSR.frm, CSR.fcsr: return writes
        default: return false
        }
    }

    /// Zicsr semantics; nil for operations of other extensions.
    func zicsr() -> SlowOutcome? {
        guard let access = descriptor.csr else { return nil }
        let number = UInt32(d.imm) & 0xFFF
        let operand = descriptor.format == .csrImmediate ? UInt32(d.rs1) : hart.x[Int(d.rs1)]
        guard let old = hart.readCSR(number, timeNow: hart.cycle) else { return illegalInstruction() }
        var write: (number: UInt32, value: UInt32)?
        if let written = SlowStep.writtenCSR(d, descriptor) {
            guard CSRTable.lookup(written)?.access == .readWrite else { return illegalInstruction() }
            switch access {
            case .write: write = (written, operand)
            case .set: write = (written, old | operand)
            case .clear: write = (written, old & ~operand)
            }
        }
        hart.x[Int(d.rd)] = old
        let outcome = retire(SlowStep.flushesPipeline(number, writes: write != nil) ? SlowStep.statusCSRStall : 0)
        // "Any CSR write takes effect after the writing instruction has otherwise completed"
        // (privileged specification, §3.1.10): a counter written here does not count the
        // writing instruction itself, as in Spike.
        if let write {
            if write.number == CSR.pccrAll && access != .write {
                // RI5CY sets or clears the bits in each counter (PCCR31 itself reads 0).
                for e in 0..<LegacyPerformanceEvent.count {
                    let value = hart.legacyCounterValue(e)
                    hart.setLegacyCounter(e, access == .set ? value | UInt64(operand) : value & ~UInt64(operand))
                }
            } else {
                hart.writeCSR(write.number, write.value)
            }
        }
        return outcome
    }
}
