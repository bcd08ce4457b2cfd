// ISA: RV32F, single-precision floating point — descriptors and semantics.
//
// The arithmetic is PulpFloat's bit-exact binary32 (checked against Berkeley SoftFloat). f
// registers hold 32 bits (no NaN boxing on RV32F). FP instructions work whatever mstatus.FS
// holds; writing an f register or raising a flag makes the FP state dirty (FS = 3), as on
// CV32E40P and in Spike. A reserved rounding mode (5, 6, or 7 with frm > 4) is an illegal
// instruction.

import PulpFloat

extension InstructionSet {
    static let rv32f: [InstructionDescriptor] = [
        InstructionDescriptor("flw", 0x0000707f, 0x00002007, .fLoad, .f, .flw, memory: .load(4), cost: .memory),
        InstructionDescriptor("fsw", 0x0000707f, 0x00002027, .fStore, .f, .fsw, memory: .store(4), cost: .memory),
        InstructionDescriptor("fmadd.s", 0x0600007f, 0x00000043, .r4, .f, .fmadd, raisesFloatFlags: true),
        InstructionDescriptor("fmsub.s", 0x0600007f, 0x00000047, .r4, .f, .fmsub, raisesFloatFlags: true),
        InstructionDescriptor("fnmsub.s", 0x0600007f, 0x0000004b, .r4, .f, .fnmsub, raisesFloatFlags: true),
        InstructionDescriptor("fnmadd.s", 0x0600007f, 0x0000004f, .r4, .f, .fnmadd, raisesFloatFlags: true),
        InstructionDescriptor("fadd.s", 0xfe00007f, 0x00000053, .fR, .f, .fadd, raisesFloatFlags: true),
        InstructionDescriptor("fsub.s", 0xfe00007f, 0x08000053, .fR, .f, .fsub, raisesFloatFlags: true),
        InstructionDescriptor("fmul.s", 0xfe00007f, 0x10000053, .fR, .f, .fmul, raisesFloatFlags: true),
        InstructionDescriptor("fdiv.s", 0xfe00007f, 0x18000053, .fR, .f, .fdiv, raisesFloatFlags: true, cost: .floatDivideSqrt),
        InstructionDescriptor("fsqrt.s", 0xfff0007f, 0x58000053, .fR1, .f, .fsqrt, raisesFloatFlags: true, cost: .floatDivideSqrt),
        InstructionDescriptor("fsgnj.s", 0xfe00707f, 0x20000053, .fR, .f, .fsgnj),
        InstructionDescriptor("fsgnjn.s", 0xfe00707f, 0x20001053, .fR, .f, .fsgnjn),
        InstructionDescriptor("fsgnjx.s", 0xfe00707f, 0x20002053, .fR, .f, .fsgnjx),
        InstructionDescriptor("fmin.s", 0xfe00707f, 0x28000053, .fR, .f, .fmin, raisesFloatFlags: true),
        InstructionDescriptor("fmax.s", 0xfe00707f, 0x28001053, .fR, .f, .fmax, raisesFloatFlags: true),
        InstructionDescriptor("fcvt.w.s", 0xfff0007f, 0xc0000053, .fIntR1, .f, .fcvtWS, raisesFloatFlags: true),
        InstructionDescriptor("fcvt.wu.s", 0xfff0007f, 0xc0100053, .fIntR1, .f, .fcvtWUS, raisesFloatFlags: true),
        InstructionDescriptor("fmv.x.w", 0xfff0707f, 0xe0000053, .fIntR1, .f, .fmvXW),
        InstructionDescriptor("feq.s", 0xfe00707f, 0xa0002053, .fIntR, .f, .feq, raisesFloatFlags: true),
        InstructionDescriptor("flt.s", 0xfe00707f, 0xa0001053, .fIntR, .f, .flt, raisesFloatFlags: true),
        InstructionDescriptor("fle.s", 0xfe00707f, 0xa0000053, .fIntR, .f, .fle, raisesFloatFlags: true),
        InstructionDescriptor("fclass.s", 0xfff0707f, 0xe0001053, .fIntR1, .f, .fclass),
        InstructionDescriptor("fcvt.s.w", 0xfff0007f, 0xd0000053, .fRInt, .f, .fcvtSW, raisesFloatFlags: true),
        InstructionDescriptor("fcvt.s.wu", 0xfff0007f, 0xd0100053, .fRInt, .f, .fcvtSWU, raisesFloatFlags: true),
        InstructionDescriptor("fmv.w.x", 0xfff0707f, 0xf0000053, .fRInt, .f, .fmvWX),
    ]
}

extension Execution {
    /// RV32F semantics; `.unknown` for operations of other extensions.
    @_transparent mutating func rv32f<C: CaptureMode>(_ op: Operation, _ e: Entry, _: C.Type) -> Step {
        switch op {
        case .flw:
            let address = x[e.rs1] &+ e.imm
            guard let p = loadPointer(address, 4) else { return .leave(.slowPath) }
            f[e.rd] = loadWord(p); advance(e)
            misaligned(address, 4)
            loadHazard(e)
            dirtyFloatState(C.self)
        case .fsw:
            let address = x[e.rs1] &+ e.imm
            guard let p = storePointer(address, 4) else { return .leave(.slowPath) }
            storeWord(p, f[e.rs2]); advance(e)
            misaligned(address, 4)
        case .fadd, .fsub, .fmul, .fdiv, .fsqrt, .fmadd, .fmsub, .fnmsub, .fnmadd, .fcvtWS, .fcvtWUS, .fcvtSW, .fcvtSWU:
            let rmField = e.pointee.rm == 7 ? UInt8(truncatingIfNeeded: core.pointee.frm) : e.pointee.rm
            guard rmField <= 4 else { return .leave(.illegalInstruction) }
            let mode = unsafeBitCast(rmField, to: RoundingMode.self)
            var flags = FPFlags()
            switch e.pointee.operation {
            case .fadd: f[e.rd] = Binary32.add(f[e.rs1], f[e.rs2], mode, &flags)
            case .fsub: f[e.rd] = Binary32.subtract(f[e.rs1], f[e.rs2], mode, &flags)
            case .fmul: f[e.rd] = Binary32.multiply(f[e.rs1], f[e.rs2], mode, &flags)
            case .fdiv: f[e.rd] = Binary32.divide(f[e.rs1], f[e.rs2], mode, &flags); addCost(e)
            case .fsqrt: f[e.rd] = Binary32.squareRoot(f[e.rs1], mode, &flags); addCost(e)
            case .fmadd:
                f[e.rd] = Binary32.fusedMultiplyAdd(f[e.rs1], f[e.rs2], f[e.rs3], negateProduct: false,
                                                  negateAddend: false, mode, &flags)
            case .fmsub:
                f[e.rd] = Binary32.fusedMultiplyAdd(f[e.rs1], f[e.rs2], f[e.rs3], negateProduct: false,
                                                  negateAddend: true, mode, &flags)
            case .fnmsub:
                f[e.rd] = Binary32.fusedMultiplyAdd(f[e.rs1], f[e.rs2], f[e.rs3], negateProduct: true,
                                                  negateAddend: false, mode, &flags)
            case .fnmadd:
                f[e.rd] = Binary32.fusedMultiplyAdd(f[e.rs1], f[e.rs2], f[e.rs3], negateProduct: true,
                                                  negateAddend: true, mode, &flags)
            case .fcvtWS: x[e.rd] = Binary32.toInt32(f[e.rs1], signed: true, mode, &flags)
            case .fcvtWUS: x[e.rd] = Binary32.toInt32(f[e.rs1], signed: false, mode, &flags)
            case .fcvtSW: f[e.rd] = Binary32.fromInt32(x[e.rs1], signed: true, mode, &flags)
            default: f[e.rd] = Binary32.fromInt32(x[e.rs1], signed: false, mode, &flags)
            }
            // fcvt.w[u].s write x: they dirty the FP state only by raising flags.
            accrue(flags, writesF: e.pointee.operation != .fcvtWS && e.pointee.operation != .fcvtWUS, C.self)
            advance(e)
        case .fsgnj: f[e.rd] = (f[e.rs1] & 0x7FFF_FFFF) | (f[e.rs2] & 0x8000_0000); advance(e); dirtyFloatState(C.self)
        case .fsgnjn: f[e.rd] = (f[e.rs1] & 0x7FFF_FFFF) | (~f[e.rs2] & 0x8000_0000); advance(e); dirtyFloatState(C.self)
        case .fsgnjx: f[e.rd] = f[e.rs1] ^ (f[e.rs2] & 0x8000_0000); advance(e); dirtyFloatState(C.self)
        case .fmin, .fmax, .feq, .flt, .fle:
            var flags = FPFlags()
            switch e.pointee.operation {
            case .fmin: f[e.rd] = Binary32.minimumNumber(f[e.rs1], f[e.rs2], &flags)
            case .fmax: f[e.rd] = Binary32.maximumNumber(f[e.rs1], f[e.rs2], &flags)
            case .feq: x[e.rd] = Binary32.equal(f[e.rs1], f[e.rs2], &flags) ? 1 : 0
            case .flt: x[e.rd] = Binary32.less(f[e.rs1], f[e.rs2], &flags) ? 1 : 0
            default: x[e.rd] = Binary32.lessOrEqual(f[e.rs1], f[e.rs2], &flags) ? 1 : 0
            }
            accrue(flags, writesF: e.pointee.operation == .fmin || e.pointee.operation == .fmax, C.self)
            advance(e)
        case .fmvXW: x[e.rd] = f[e.rs1]; advance(e)
        case .fmvWX: f[e.rd] = x[e.rs1]; advance(e); dirtyFloatState(C.self)
        case .fclass: x[e.rd] = Binary32.classify(f[e.rs1]); advance(e)
        default: return .unknown
        }
        return .next
    }

    /// Accumulates raised flags into fflags; the FP state becomes dirty if an f register was
    /// written or a flag raised. Captured: raised flags and fflags afterwards.
    @inline(__always) mutating func accrue<C: CaptureMode>(_ flags: FPFlags, writesF: Bool, _: C.Type) {
        if flags.rawValue != 0 { core.pointee.fflags |= UInt32(flags.rawValue) }
        if flags.rawValue != 0 || writesF { dirtyFloatState(C.self) }
        if C.on { aux = UInt32(flags.rawValue) | (core.pointee.fflags << 8) }
    }

    /// mstatus.FS = dirty (3); captured so that the trace line shows the mstatus write.
    @inline(__always) mutating func dirtyFloatState<C: CaptureMode>(_: C.Type) {
        if _slowPath(core.pointee.mstatus & Hart.mstatusFS != Hart.mstatusFS) {
            core.pointee.mstatus |= Hart.mstatusFS
            if C.on { dirtied = CapturedInstruction.dirtiedFS }
        }
    }
}
