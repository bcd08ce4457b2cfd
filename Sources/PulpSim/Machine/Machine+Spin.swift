// Machine: finding a hart that spins for ever — the other half of deadlock detection.
//
// A hart that polls a flag in a loop (the open runtime's fabric controller waiting for its
// cluster, a core spinning on a lock) never sleeps, so "every hart asleep" never holds. When it
// is the only running hart and no timed event is pending, nothing but the hart itself can change
// the machine: if its registers and every memory come back to the same values after one turn of
// its loop, the run would repeat that turn for ever. pulpsim checks for that from time to time
// and ends such a run as a deadlock (exit 121) naming the spinning hart, instead of running
// until `--timeout`. Loops that read a timer, a cycle counter or anything else that moves are
// never taken for spins (their registers differ from one turn to the next). A run under the
// debugger is never ended this way (the user may be about to change the flag).

extension Machine {
    /// How far apart (in instructions of a lone hart) checks start, and how long a loop may be.
    static let spinCheckFirst: UInt64 = 1 << 22
    static let spinLoopLimit = 4096

    /// The machine state a spin must repeat: one hart's registers and pc.
    private struct HartSnapshot: Equatable {
        var pc: UInt32
        var registers: [UInt32]
        var csrs: [UInt32]
        init(_ hart: Hart) {
            pc = hart.pc
            registers = (0..<64).map { $0 < 32 ? hart.x[$0] : hart.f[$0 - 32] }
            let c = hart.core.pointee
            csrs = [c.fflags, c.frm, c.mstatus, c.mie, c.mipSoftware, c.mipExternal, c.mtvec, c.mscratch, c.mepc, c.mcause, c.mtval]
        }
    }

    /// A hash of every RAM of the platform (each memory once, whatever its views).
    private func memoryHash() -> UInt64 {
        var seen: [ObjectIdentifier] = []
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for region in bus.regions {
            guard case .ram(let ram, _) = region.kind, !seen.contains(ObjectIdentifier(ram)) else { continue }
            seen.append(ObjectIdentifier(ram))
            let words = ram.size / 8
            let p = ram.bytes.assumingMemoryBound(to: UInt64.self)
            for i in 0..<words { hash = (hash ^ p[i]) &* 0x0000_0100_0000_01B3 }
            for i in (words * 8)..<ram.size { hash = (hash ^ UInt64(ram.bytes.load(fromByteOffset: i, as: UInt8.self))) &* 0x0000_0100_0000_01B3 }
        }
        return hash
    }

    /// Steps `hart` alone (up to `spinLoopLimit` instructions) until its state repeats `start`;
    /// the number of instructions, or nil if it did not, or if anything else started to move.
    private func stepsToRepeat(_ hart: Hart, _ start: HartSnapshot) -> Int? {
        for step in 1...Machine.spinLoopLimit {
            runTurn(hart, budget: 1)
            guard !control.ended, hart.state == .running, events.nextTime == nil,
                  scheduler.choose()?.running == 1 else { return nil }
            if hart.pc == start.pc && HartSnapshot(hart) == start { return step }
        }
        return nil
    }

    /// Whether `hart`, running alone with no timed event pending, spins for ever: its state and
    /// all memory repeat after one turn of a loop of at most `spinLoopLimit` instructions.
    /// Executes the instructions it looks at (they are the run's next instructions anyway).
    func spinningForever(_ hart: Hart) -> SleepingHart? {
        let first = HartSnapshot(hart)
        guard let period = stepsToRepeat(hart, first) else { return nil }
        // The registers repeat; does memory? One more turn, hashed on both sides.
        let before = memoryHash()
        guard stepsToRepeat(hart, first) == period, memoryHash() == before else { return nil }
        let reason = "spinning in a loop of \(period) instruction\(period == 1 ? "" : "s") that cannot end: no other hart runs, "
            + "no timed event is pending, and its registers and all memory repeat at every turn"
        return SleepingHart(hart: hart.index, pc: hart.pc, symbol: symbols.describe(hart.pc), reason: reason, spinning: true)
    }
}
