// Machine: human-readable and JSON reports of how a run ended (hart, pc, symbol, instruction,
// registers), rendered once here for the command line and for library users.

import Foundation

/// "0x0000abcd": a 32-bit value as eight hex digits (what `String(format: "0x%08x")` gives,
/// without Foundation's formatter: trap events of a traced run use it).
func hex08(_ v: UInt32) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var text: [UInt8] = [48, 120]  // "0x"
    for shift in stride(from: 28, through: 0, by: -4) { text.append(digits[Int(v >> UInt32(shift) & 15)]) }
    return String(decoding: text, as: UTF8.self)
}

extension Machine {
    /// "0x80000124 <main+0x10>: lw a0,0(a1)" for the instruction at `pc`.
    public func describeInstruction(at pc: UInt32) -> String {
        let where_ = symbols.describe(pc)
        let location = hex08(pc) + (where_.isEmpty ? "" : " <\(where_)>")
        guard let word = instructionWord(at: pc) else { return "\(location): (not fetchable)" }
        let width = Decoder.isFullLength(word) ? 8 : 4
        let hexWord = String(word, radix: 16)
        let padded = String(repeating: "0", count: max(0, width - hexWord.count)) + hexWord
        return "\(location): \(padded)  \(Disassembler.disassemble(word, at: pc, symbols: symbols, extensions: platform.extensions))"
    }

    /// For an illegal instruction word with an Xpulp encoding (custom-0..3, OP-V, register-offset
    /// loads and stores, MAC and ALU extensions): what went wrong and how to build instead.
    public static func xpulpHint(_ word: UInt32) -> String? {
        guard word & 3 == 3 else { return nil }
        let opcode = word & 0x7F, funct3 = (word >> 12) & 7, funct7 = word >> 25
        let what: String
        switch opcode {
        case 0x0B, 0x2B: what = "post-increment load or store, or a RedMulE offload instruction (only with --isa ..._xredmule)"
        case 0x5B: what = "bit manipulation, packed SIMD or MAC"
        case 0x7B: what = "hardware loop"
        case 0x57: what = "packed SIMD"
        case 0x03 where funct3 == 7: what = "register-offset load"
        case 0x23 where funct3 >= 4: what = "register-offset store"
        case 0x33 where [0x02, 0x08, 0x0A, 0x21].contains(funct7): what = "ALU extension or MAC"
        default: return nil
        }
        return "this is an Xpulp instruction (\(what)), which pulpsim does not support:"
            + " build with -march=rv32imfc_zicsr_zifencei (no Xpulp extensions, e.g. no -march=rv32imcxgap9 or -mcpu=...xpulp)"
    }

    /// Register dump of one hart, four registers per line.
    public func describeRegisters(_ hart: Hart) -> String {
        /// Four registers per line: ABI name (padded; `%4@` widths are ignored on Linux), number, value.
        func rows(_ names: [String], _ file: String, _ values: UnsafeMutablePointer<UInt32>) -> [String] {
            (0..<8).map { row in
                "  " + (0..<4).map { col in
                    let r = row * 4 + col
                    let name = String(repeating: " ", count: max(0, 4 - names[r].count)) + names[r]
                    return name + String(format: " %@%-2d %08x", file, r, values[r])
                }.joined(separator: "  ")
            }
        }
        var lines = rows(integerRegisterNames, "x", hart.x)
        if (0..<32).contains(where: { hart.f[$0] != 0 }) || hart.fflags != 0 {
            lines += rows(floatRegisterNames, "f", hart.f)
            lines.append(String(format: "  fcsr %08x (frm %d, fflags %02x)", hart.frm << 5 | hart.fflags, hart.frm, hart.fflags))
        }
        lines.append(String(format: "  mstatus %08x  mepc %08x  mcause %08x  mtval %08x  mtvec %08x",
                            hart.mstatus, hart.mepc, hart.mcause, hart.mtval, hart.mtvec))
        return lines.joined(separator: "\n")
    }

    /// The end-of-run report for abnormal ends (nil for a normal exit).
    public func report(for result: RunResult) -> String? {
        switch result.reason {
        case .exited: return nil
        case .stopped(let hart, let pc):
            return "stopped: hart \(hart) at \(describeInstruction(at: pc))"
        case .unhandledTrap(let t):
            var text = "hart \(t.hart): \(t.cause.description) with no trap handler (mtvec was never written)\n"
            text += "  at \(describeInstruction(at: t.pc))\n"
            switch t.cause {
            case .loadAccessFault, .storeAccessFault:
                if let alias = bus.privateAlias, alias.hart == t.hart, t.tval < alias.hidden {
                    text += String(format: "  address 0x%08x: the fabric controller sees only its alias of L2 0x%08x-0x%08x at 0x00000000-0x%08x in 0x00000000-0x%08x (cluster cores see their own aliases there)\n",
                                   t.tval, alias.target, alias.target + alias.size - 1, alias.size - 1, alias.hidden - 1)
                } else {
                    text += String(format: "  address 0x%08x: %@\n", t.tval, describeAddress(t.tval) as NSString)
                }
            case .illegalInstruction:
                text += String(format: "  instruction word 0x%08x\n", t.tval)
                if let hint = Machine.xpulpHint(t.tval) { text += "  \(hint)\n" }
                if let why = CSRTable.whyIllegal(t.tval) { text += "  \(why)\n" }
            case .instructionAccessFault:
                let what: String
                if let r = bus.region(containing: t.tval), case .device = r.kind {
                    what = "device '\(r.name)': instructions cannot be fetched from a device"
                } else {
                    what = describeAddress(t.tval)
                }
                text += String(format: "  pc 0x%08x: %@\n", t.tval, what as NSString)
            default: break
            }
            if let jump = describeJump(harts[t.hart], to: t.tval, cause: t.cause) { text += "  \(jump)\n" }
            if harts[t.hart].instret == 0, let boot = startedAt[t.hart] {
                // The first instruction of a core the fabric controller started.
                text += String(format: "  core %d was started by FETCH_EN at its boot address 0x%08x (cluster control BOOT_ADDR[%d], 0x%08x)%@\n",
                               t.hart, boot, t.hart, 0x1020_0040 + 4 * t.hart,
                               (boot == 0 ? ": the fabric controller never wrote it" : "") as NSString)
            }
            text += describeRegisters(harts[t.hart])
            return text
        case .trapStorm(let t, let count):
            var text = "hart \(t.hart): trap storm: the same trap at the same pc \(count) times in a row; the trap handler traps itself"
                + " or returns to the faulting instruction\n"
            text += String(format: "  last trap: %@ at pc 0x%08x, tval 0x%08x; mtvec 0x%08x\n", t.cause.description, t.pc, t.tval,
                           harts[t.hart].mtvec)
            text += "  at \(describeInstruction(at: t.pc))\n"
            text += describeRegisters(harts[t.hart])
            return text
        case .unhandledInterrupt(let hart, let mcause, let pc):
            let line = mcause & 0x7FFF_FFFF
            var text = String(format: "hart %d: interrupt (mcause 0x%08x, line %d%@) with no trap handler (mtvec was never written; mstatus.MIE and the line are enabled)\n",
                              hart, mcause, line, eventLineName(Int(line)).map { ": " + $0 } ?? "")
            text += "  at \(describeInstruction(at: pc))\n"
            text += describeRegisters(harts[hart])
            return text
        case .deadlock(let sleepers):
            var text = "deadlock: every started hart is asleep and nothing can wake them\n"
            if let spinner = sleepers.first(where: \.spinning) {
                text = "deadlock: \(hartName(spinner.hart)) spins for ever"
                    + (sleepers.count > 1 ? " and every other hart is asleep with nothing to wake it\n" : "\n")
            }
            for s in sleepers {
                text += String(format: "  %@ at 0x%08x%@: %@%@\n", hartName(s.hart) as NSString, s.pc,
                               (s.symbol.isEmpty ? "" : " <\(s.symbol)>") as NSString,
                               s.spinning || s.reason.hasPrefix("held in reset") ? "" : "waiting on ",
                               s.reason as NSString)
            }
            return text.trimmingCharacters(in: .newlines)
        case .instructionLimit(let n), .cycleLimit(let n):
            let what: String
            if case .instructionLimit = result.reason { what = "instruction limit (--max-instructions \(n))" } else {
                what = "cycle limit (--max-cycles \(n))"
            }
            return "\(what) reached\n" + limitDetails()
        case .timeout(let seconds):
            return "wall-clock timeout (--timeout \(seconds)) reached\n" + limitDetails()
        case .interrupted(let signal):
            return "interrupted by \(signal == SIGTERM ? "SIGTERM" : signal == SIGINT ? "SIGINT" : "signal \(signal)")"
                + " at cycle \(harts.map(\.cycle).max() ?? 0)\n" + limitDetails()
        case .redmuleError(let message):
            var text = "RedMulE error: \(message)"
            if let redmule { text += "\n" + redmule.describe() }
            return text
        case .dmaError(let message):
            var text = "DMA error: \(message)"
            if let dma { text += "\n" + dma.describe() }
            return text
        case .simulatorError(let message): return "simulator error: \(message)"
        }
    }

    /// The device behind an interrupt line (event-unit lines on the cluster, mip bits elsewhere).
    private func eventLineName(_ line: Int) -> String? {
        switch line {
        case 0..<8 where eventUnit != nil: return "software event \(line)"
        case EventLine.dmaFirst, EventLine.dmaFirst + 1: return "DMA"
        case EventLine.timerLow, EventLine.timerHigh: return eventUnit != nil ? "cluster timer" : nil
        case EventLine.redmule: return "RedMulE"
        case EventLine.barrier: return "barrier"
        case EventLine.mutex: return "mutex"
        case EventLine.dispatch: return "dispatch"
        case 3: return "machine software interrupt"
        case 7: return "machine timer interrupt"
        case 11: return "machine external interrupt"
        default: return nil
        }
    }

    private func limitDetails() -> String {
        harts.map { h in
            "hart \(h.index) (\(describeState(h))) at \(describeInstruction(at: h.pc))\n" + describeRegisters(h)
        }.joined(separator: "\n")
    }

    /// What lives at an address ("unmapped", or the region name).
    public func describeAddress(_ address: UInt32) -> String {
        guard let r = bus.region(containing: address) else { return "not mapped on platform '\(options.platform.kind.rawValue)'" }
        switch r.kind {
        case .device: return "device '\(r.name)' (misaligned or unsupported access)"
        case .ram: return "in \(r.name)" + (symbols.describe(address).isEmpty ? "" : " <\(symbols.describe(address))>")
        }
    }
}

extension RunResult {
    /// Machine-readable summary (`pulpsim run --json`).
    public func json(message: String?, elf: String) -> String {
        var object: [String: Any] = [
            "elf": elf,
            "reason": reason.name,
            "exit_status": Int(exitStatus),
            "instructions": totalInstructions,
            "cycles": cycles,
            "wall_seconds": (wallSeconds * 1e6).rounded() / 1e6,
            "mips": (mips * 100).rounded() / 100,
            "harts": harts.map { h in
                var entry: [String: Any] = ["hart": h.hart, "mhartid": Int(h.mhartid), "instructions": h.instructions, "cycles": h.cycles,
                                            "pc": hex08(h.pc), "state": h.state]
                if let stalls = h.stalls { entry["stalls"] = Dictionary(uniqueKeysWithValues: stalls.entries) }
                if energy != nil, let a = h.activity { entry["activity"] = Dictionary(uniqueKeysWithValues: a.entries) }
                return entry
            },
        ]
        if unexpectedTraps > 0 {
            object["trap_warnings"] = ["count": unexpectedTraps, "messages": trapWarnings] as [String: Any]
        }
        if let code = firmwareExitCode { object["exit_code"] = Int(code) }
        if case .exited(_, let mechanism) = reason { object["exit_mechanism"] = mechanism.rawValue }
        if let message { object["message"] = message }
        if let r = redmule {
            object["redmule"] = ["jobs": r.jobs, "fmas": r.fmas, "busy_cycles": r.busyCycles, "tcdm_stall_cycles": r.tcdmStallCycles,
                                 "warnings": r.warnings,
                                 "errors": r.errors, "diagnostics": r.diagnostics] as [String: Any]
        }
        if let d = dma {
            object["dma"] = ["front_end": d.frontEnd, "transfers": d.transfers, "bytes": d.bytes, "bytes_to_tcdm": d.bytesToTCDM,
                             "bytes_from_tcdm": d.bytesFromTCDM, "bytes_other": d.bytesOther, "busy_cycles": d.busyCycles,
                             "tcdm_stall_cycles": d.tcdmStallCycles,
                             "warnings": d.warnings, "errors": d.errors, "diagnostics": d.diagnostics] as [String: Any]
        }
        if let races {
            func side(_ a: RaceAccess) -> [String: Any] {
                ["master": a.master, "access": a.write ? "write" : "read", "pc": hex08(a.pc), "site": a.site, "last_sync": a.lastSync]
            }
            object["races"] = races.map { r -> [String: Any] in
                ["address": hex08(r.address), "size": r.size, "memory": r.memory, "cycle": r.cycle, "first": side(r.first),
                 "second": side(r.second)]
            }
        }
        if let energy, !energy.isEmpty {
            object["energy"] = ["model": "docs/energy.md", "operating_points": energy.map(\.json)] as [String: Any]
        }
        if let t = tcdm {
            object["tcdm"] = ["conflicts": t.totalConflicts, "bank_conflicts": t.conflicts, "bank_accesses": t.granted] as [String: Any]
        }
        if case .trapStorm(let t, let count) = reason {
            object["trap"] = ["hart": t.hart, "cause": t.cause.description, "mcause": Int(t.cause.rawValue),
                              "pc": hex08(t.pc), "tval": hex08(t.tval), "storm": Int(count)]
        }
        if case .unhandledTrap(let t) = reason {
            object["trap"] = ["hart": t.hart, "cause": t.cause.description, "mcause": Int(t.cause.rawValue),
                              "pc": hex08(t.pc), "tval": hex08(t.tval)]
        }
        if case .unhandledInterrupt(let hart, let mcause, let pc) = reason {
            object["trap"] = ["hart": hart, "cause": "interrupt", "mcause": Int(mcause), "pc": hex08(pc)]
        }
        if case .deadlock(let s) = reason {
            object["sleeping"] = s.filter { !$0.spinning }.map { ["hart": $0.hart, "pc": hex08($0.pc),
                                                                  "symbol": $0.symbol, "waiting_on": $0.reason] }
            let spinning = s.filter(\.spinning).map { ["hart": $0.hart, "pc": hex08($0.pc),
                                                       "symbol": $0.symbol, "loop": $0.reason] as [String: Any] }
            if !spinning.isEmpty { object["spinning"] = spinning }
        }
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }
}
