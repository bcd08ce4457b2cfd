// ISA: the architectural state of one hart (x and f registers, pc, machine-mode CSRs).
//
// Registers live in manually allocated buffers so the interpreter can address them through plain
// pointers without ARC or exclusivity checks. x0 is never written: decoding redirects it to the
// sink at index 32.

import PulpFloat

/// Trap causes (mcause values for synchronous exceptions).
public enum TrapCause: UInt32, Sendable {
    case instructionAddressMisaligned = 0, instructionAccessFault = 1, illegalInstruction = 2, breakpoint = 3
    case loadAddressMisaligned = 4, loadAccessFault = 5, storeAddressMisaligned = 6, storeAccessFault = 7
    case environmentCallFromMachine = 11

    public var description: String {
        switch self {
        case .instructionAddressMisaligned: return "instruction address misaligned"
        case .instructionAccessFault: return "instruction access fault"
        case .illegalInstruction: return "illegal instruction"
        case .breakpoint: return "breakpoint (ebreak)"
        case .loadAddressMisaligned: return "load address misaligned"
        case .loadAccessFault: return "load access fault"
        case .storeAddressMisaligned: return "store address misaligned"
        case .storeAccessFault: return "store access fault"
        case .environmentCallFromMachine: return "environment call (ecall)"
        }
    }
}

/// Run state of a hart as the scheduler sees it.
public enum HartState: Equatable, Sendable {
    case running
    case asleep(SleepReason)
    case stopped
}

/// One RV32IMFC hart.
public final class Hart {
    public let index: Int
    public let hartID: UInt32
    /// x0...x31 followed by the x0 write sink.
    public let x: UnsafeMutablePointer<UInt32>
    /// f0...f31 (32-bit, no NaN boxing on RV32F). They follow the x block in the same allocation
    /// (`f == x + 33`), so a trace capture can read either file through one index.
    public let f: UnsafeMutablePointer<UInt32>
    public var pc: UInt32 = 0
    public var state: HartState = .running

    /// Retired instructions and cycles (cycles = instructions + modelled stalls + sleep time).
    public var instret: UInt64 = 0
    public var cycle: UInt64 = 0

    // Machine-mode CSRs
    public var fflags: UInt32 = 0
    public var frm: UInt32 = 0
    public var mstatus: UInt32 = 0
    public var mie: UInt32 = 0
    /// Software-visible pending bits other than those devices drive.
    public var mipSoftware: UInt32 = 0
    public var mtvec: UInt32 = 0
    public var mtvecWritten = false
    public var mscratch: UInt32 = 0
    public var mepc: UInt32 = 0
    public var mcause: UInt32 = 0
    public var mtval: UInt32 = 0
    /// Offsets so that mcycle/minstret writes take effect: counter = internal + offset.
    public var cycleOffset: UInt64 = 0
    public var instretOffset: UInt64 = 0

    /// Pending-interrupt lines driven by devices (OR-ed into mip).
    public var mipExternal: UInt32 = 0

    public init(index: Int, hartID: UInt32) {
        self.index = index
        self.hartID = hartID
        x = .allocate(capacity: 33 + 32)
        x.initialize(repeating: 0, count: 33 + 32)
        f = x + 33
    }

    deinit {
        x.deallocate()
    }

    public var mip: UInt32 { mipSoftware | mipExternal }

    public func reset(pc: UInt32) {
        for i in 0..<33 { x[i] = 0 }
        for i in 0..<32 { f[i] = 0 }
        self.pc = pc
        state = .running
        instret = 0; cycle = 0
        fflags = 0; frm = 0; mstatus = Hart.mppMachine; mie = 0; mipSoftware = 0; mipExternal = 0
        mtvec = 0; mtvecWritten = false; mscratch = 0; mepc = 0; mcause = 0; mtval = 0
        cycleOffset = 0; instretOffset = 0
    }

    // mstatus fields
    public static let mstatusMIE: UInt32 = 1 << 3
    public static let mstatusMPIE: UInt32 = 1 << 7
    public static let mppMachine: UInt32 = 3 << 11
    public static let mstatusFS: UInt32 = 3 << 13
    public static let mstatusSD: UInt32 = 1 << 31

    /// Enters the trap handler: the standard machine-mode CSR updates.
    public func enterTrap(cause: UInt32, tval: UInt32, epc: UInt32, interrupt: Bool) {
        mepc = epc
        mcause = cause
        mtval = tval
        let mie = mstatus & Hart.mstatusMIE
        mstatus = (mstatus & ~(Hart.mstatusMIE | Hart.mstatusMPIE)) | (mie << 4) | Hart.mppMachine
        let base = mtvec & ~3
        if interrupt && (mtvec & 3) == 1 {
            pc = base &+ 4 &* (cause & 0x7FFF_FFFF)
        } else {
            pc = base
        }
    }

    /// `mret`: restore MIE from MPIE, set MPIE, return to mepc.
    public func returnFromTrap() {
        let mpie = (mstatus & Hart.mstatusMPIE) >> 4
        mstatus = (mstatus & ~Hart.mstatusMIE) | mpie | Hart.mstatusMPIE | Hart.mppMachine
        pc = mepc
    }
}

/// CSR numbers pulpsim implements (SPEC §1).
public enum CSR {
    public static let fflags: UInt32 = 0x001, frm: UInt32 = 0x002, fcsr: UInt32 = 0x003
    public static let mstatus: UInt32 = 0x300, misa: UInt32 = 0x301, mie: UInt32 = 0x304, mtvec: UInt32 = 0x305
    public static let mscratch: UInt32 = 0x340, mepc: UInt32 = 0x341, mcause: UInt32 = 0x342
    public static let mtval: UInt32 = 0x343, mip: UInt32 = 0x344
    public static let mcycle: UInt32 = 0xB00, minstret: UInt32 = 0xB02
    public static let mcycleh: UInt32 = 0xB80, minstreth: UInt32 = 0xB82
    public static let cycle: UInt32 = 0xC00, time: UInt32 = 0xC01, instret: UInt32 = 0xC02
    public static let cycleh: UInt32 = 0xC80, timeh: UInt32 = 0xC81, instreth: UInt32 = 0xC82
    public static let mvendorid: UInt32 = 0xF11, marchid: UInt32 = 0xF12, mimpid: UInt32 = 0xF13
    public static let mhartid: UInt32 = 0xF14

    /// misa: MXL = 1 (32-bit), extensions C, F, I, M.
    public static let misaValue: UInt32 = (1 << 30) | (1 << 2) | (1 << 5) | (1 << 8) | (1 << 12)
    /// OpenHW Group JEDEC id and the CV32E40P architecture id.
    public static let vendorID: UInt32 = 0x602
    public static let archID: UInt32 = 4

    /// Names for traces and the disassembler.
    public static func name(_ number: UInt32) -> String? {
        switch number {
        case fflags: return "fflags"
        case frm: return "frm"
        case fcsr: return "fcsr"
        case mstatus: return "mstatus"
        case misa: return "misa"
        case mie: return "mie"
        case mtvec: return "mtvec"
        case mscratch: return "mscratch"
        case mepc: return "mepc"
        case mcause: return "mcause"
        case mtval: return "mtval"
        case mip: return "mip"
        case mcycle: return "mcycle"
        case minstret: return "minstret"
        case mcycleh: return "mcycleh"
        case minstreth: return "minstreth"
        case cycle: return "cycle"
        case time: return "time"
        case instret: return "instret"
        case cycleh: return "cycleh"
        case timeh: return "timeh"
        case instreth: return "instreth"
        case mvendorid: return "mvendorid"
        case marchid: return "marchid"
        case mimpid: return "mimpid"
        case mhartid: return "mhartid"
        default: return nil
        }
    }

    /// mstatus bits software can change (MIE, MPIE, FS); MPP is fixed at machine mode.
    static let mstatusWritable: UInt32 = Hart.mstatusMIE | Hart.mstatusMPIE | Hart.mstatusFS
    /// mie/mip bits implemented: MSI (3), MTI (7), MEI (11) and the PULP fast lines 16-31.
    static let interruptMask: UInt32 = (1 << 3) | (1 << 7) | (1 << 11) | 0xFFFF_0000
}

extension Hart {
    /// Reads a CSR; nil if it does not exist.
    public func readCSR(_ number: UInt32, timeNow: UInt64) -> UInt32? {
        let cycles = cycle &+ cycleOffset
        let instructions = instret &+ instretOffset
        switch number {
        case CSR.fflags: return fflags
        case CSR.frm: return frm
        case CSR.fcsr: return frm << 5 | fflags
        case CSR.mstatus:
            let fs = mstatus & Hart.mstatusFS
            return mstatus | (fs == Hart.mstatusFS ? Hart.mstatusSD : 0)
        case CSR.misa: return CSR.misaValue
        case CSR.mie: return mie
        case CSR.mip: return mip
        case CSR.mtvec: return mtvec
        case CSR.mscratch: return mscratch
        case CSR.mepc: return mepc
        case CSR.mcause: return mcause
        case CSR.mtval: return mtval
        case CSR.mcycle, CSR.cycle: return UInt32(truncatingIfNeeded: cycles)
        case CSR.mcycleh, CSR.cycleh: return UInt32(truncatingIfNeeded: cycles >> 32)
        case CSR.minstret, CSR.instret: return UInt32(truncatingIfNeeded: instructions)
        case CSR.minstreth, CSR.instreth: return UInt32(truncatingIfNeeded: instructions >> 32)
        case CSR.time: return UInt32(truncatingIfNeeded: timeNow)
        case CSR.timeh: return UInt32(truncatingIfNeeded: timeNow >> 32)
        case CSR.mvendorid: return CSR.vendorID
        case CSR.marchid: return CSR.archID
        case CSR.mimpid: return 0
        case CSR.mhartid: return hartID
        default: return nil
        }
    }

    /// Writes a CSR; false if it does not exist or is read-only.
    public func writeCSR(_ number: UInt32, _ value: UInt32) -> Bool {
        if number >> 10 == 3 { return false }  // read-only CSR space
        switch number {
        // Writing the FP CSRs makes the FP state dirty (CV32E40P, Spike).
        case CSR.fflags: fflags = value & 0x1F; mstatus |= Hart.mstatusFS
        case CSR.frm: frm = value & 0x7; mstatus |= Hart.mstatusFS
        case CSR.fcsr: fflags = value & 0x1F; frm = (value >> 5) & 0x7; mstatus |= Hart.mstatusFS
        case CSR.mstatus: mstatus = (value & CSR.mstatusWritable) | Hart.mppMachine
        case CSR.misa: break  // WARL, fixed
        case CSR.mie: mie = value & CSR.interruptMask
        case CSR.mip: mipSoftware = (mipSoftware & ~CSR.interruptMask) | (value & CSR.interruptMask & ~(1 << 7 | 1 << 11))
        case CSR.mtvec: mtvec = value & ~UInt32(2); mtvecWritten = true
        case CSR.mscratch: mscratch = value
        case CSR.mepc: mepc = value & ~1
        case CSR.mcause: mcause = value
        case CSR.mtval: mtval = value
        case CSR.mcycle:
            let current = cycle &+ cycleOffset
            cycleOffset = ((current & 0xFFFF_FFFF_0000_0000) | UInt64(value)) &- cycle
        case CSR.mcycleh:
            let current = cycle &+ cycleOffset
            cycleOffset = ((current & 0xFFFF_FFFF) | UInt64(value) << 32) &- cycle
        case CSR.minstret:
            let current = instret &+ instretOffset
            instretOffset = ((current & 0xFFFF_FFFF_0000_0000) | UInt64(value)) &- instret
        case CSR.minstreth:
            let current = instret &+ instretOffset
            instretOffset = ((current & 0xFFFF_FFFF) | UInt64(value) << 32) &- instret
        default: return false
        }
        return true
    }
}
