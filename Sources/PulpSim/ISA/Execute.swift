// ISA: the interpreter's hot loop — RV32I, M and F semantics on cached decoded instructions.
//
// The loop keeps pc and the budget in locals and reaches registers and RAM through raw pointers.
// Whatever needs more than a register file and plain RAM — device accesses, CSRs, system
// instructions, traps, sleeping — leaves the loop with a `QuantumEnd` and is finished by
// `Machine.stepSlow` (Execute+System.swift). Each case is short enough to check against the
// RISC-V specification by eye.

import PulpFloat

/// Why `execute` returned.
enum QuantumEnd: Equatable {
    /// The budget is used up.
    case budget
    /// The instruction at pc needs the slow path (device, CSR, system instruction, region edge).
    case slowPath
    /// The instruction at pc raises a synchronous exception.
    case trap(TrapCause, UInt32)
    /// pc is a breakpoint.
    case breakpoint
    /// pc is where a trace starts (`--trace-start` at a symbol or pc): tracing takes over.
    case traceTrigger
}

@inline(__always) func fastPointer(_ segments: UnsafeMutablePointer<Segment>, _ address: UInt32,
                                   _ size: UInt32) -> UnsafeMutableRawPointer? {
    let segment = segments[Int(address >> 20)]
    let offset = address & 0xFFFFF
    if offset &+ size <= segment.limit { return segment.base.unsafelyUnwrapped + Int(offset) }
    return nil
}

/// One extra cycle for a misaligned access (the second bus transaction, SPEC §1); branch-free.
@inline(__always) func misalignment(_ address: UInt32, _ alignmentMask: UInt32) -> UInt64 {
    UInt64((address & alignmentMask) != 0 ? 1 : 0)
}

/// Modelled extra cycles (CV32E40P-like): see docs/platform-notes.md, "Timing model".
enum Stall {
    static let takenBranch: UInt64 = 2
    static let jump: UInt64 = 1
    static let mulHigh: UInt64 = 4
    static let divide: UInt64 = 34
    static let fpDivSqrt: UInt64 = 10
}

/// Field access straight from a decode-cache slot, so each case loads only what it uses.
extension UnsafeMutablePointer where Pointee == DecodedInstruction {
    @inline(__always) var rd: Int { Int(pointee.rd) }
    @inline(__always) var rs1: Int { Int(pointee.rs1) }
    @inline(__always) var rs2: Int { Int(pointee.rs2) }
    @inline(__always) var rs3: Int { Int(pointee.rs3) }
    @inline(__always) var imm: UInt32 { UInt32(bitPattern: pointee.imm) }
    @inline(__always) var length: UInt32 { UInt32(pointee.length) }
    /// pc of the next instruction. A predicted branch rather than an add of the loaded length:
    /// the next fetch then does not wait for this entry's load (length patterns repeat).
    @inline(__always) func next(_ pc: UInt32) -> UInt32 {
        if _fastPath(pointee.length == 4) { return pc &+ 4 }
        return pc &+ 2
    }
}

/// Whether a specialisation of the interpreter loop records what each retired instruction did
/// (for traces). The untraced specialisation compiles to the plain loop.
protocol CaptureMode { static var on: Bool { get } }
enum NoCapture: CaptureMode { @inline(__always) static var on: Bool { false } }
enum CaptureRetired: CaptureMode { @inline(__always) static var on: Bool { true } }

/// One instruction retired on the fast path while tracing: with its decoded form, enough to
/// rebuild its trace line.
struct CapturedInstruction {
    /// Set in `cycleOffset` when the instruction made the FP state dirty (mstatus.FS = 3): its
    /// line shows the mstatus write, as Spike's does.
    static let dirtiedFS: UInt32 = 1 << 31

    var pc: UInt32
    /// The register it wrote (x or f) or, for a store, the data stored.
    var value: UInt32
    /// Loads and stores: the address. F operations that can raise flags: the raised flags in
    /// bits 0-4 and fflags afterwards in bits 8-12.
    var aux: UInt32
    /// Its first cycle, relative to the hart's cycle when the capture began (and `dirtiedFS`).
    var cycleOffset: UInt32
}

/// Per operation: where the captured value comes from, as an index into the 65-word register
/// block (x0-x31, the x0 sink, f0-f31): bit 0 selects rs2 instead of rd, bit 1 adds 33 (f file).
func makeCaptureValueTable() -> UnsafeMutablePointer<UInt8> {
    let table = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
    table.initialize(repeating: 0, count: 256)
    for op in Operation.allCases {
        switch op {
        case .sb, .sh, .sw: table[Int(op.rawValue)] = 1
        case .fsw: table[Int(op.rawValue)] = 3
        case .flw, .fmadd, .fmsub, .fnmsub, .fnmadd, .fadd, .fsub, .fmul, .fdiv, .fsqrt, .fsgnj, .fsgnjn, .fsgnjx,
             .fmin, .fmax, .fcvtSW, .fcvtSWU, .fmvWX:
            table[Int(op.rawValue)] = 2
        default: break
        }
    }
    return table
}

extension Machine {
    /// Runs `hart` for at most `budget` instructions on the fast path.
    @inline(never)
    func execute(_ hart: Hart, budget: Int) -> QuantumEnd {
        executeLoop(hart, budget: budget, NoCapture.self, into: nil)
    }

    /// `execute`, recording each instruction retired on the fast path in `records` (room for
    /// `budget` entries); as many entries are filled as `hart.instret` advanced.
    @inline(never)
    func executeCapturing(_ hart: Hart, budget: Int, into records: UnsafeMutablePointer<CapturedInstruction>) -> QuantumEnd {
        executeLoop(hart, budget: budget, CaptureRetired.self, into: records)
    }

    @inline(__always)
    func executeLoop<C: CaptureMode>(_ hart: Hart, budget: Int, _: C.Type,
                                     into records: UnsafeMutablePointer<CapturedInstruction>?) -> QuantumEnd {
        let x = hart.x, f = hart.f
        let cache = decodeCache, cacheMask = decodeCacheMask
        let segments = bus.segments
        let codePages = self.codePages
        let watchStart = bus.watchStart, watchSpan = bus.watchSpan &+ 3
        var pc = hart.pc
        var remaining = budget
        var stalls: UInt64 = 0
        var end = QuantumEnd.budget
        let valueTable = C.on ? captureValueTable : nil
        var captured = 0
        // FP instructions make the FP state dirty (mstatus.FS = 3) as on CV32E40P and in Spike.
        var dirtied: UInt32 = 0
        @inline(__always) func dirtyFS() {
            if _slowPath(hart.mstatus & Hart.mstatusFS != Hart.mstatusFS) {
                hart.mstatus |= Hart.mstatusFS
                if C.on { dirtied = CapturedInstruction.dirtiedFS }
            }
        }

        loop: while remaining > 0 {
            let e = cache + Int((pc >> 1) & cacheMask)
            if e.pointee.tag != pc {
                guard let decoded = fetchAndDecode(pc) else { end = .trap(.instructionAccessFault, pc); break loop }
                e.pointee = decoded
            }
            remaining &-= 1
            // Capture: what is known before the instruction runs (a load may overwrite its base).
            let startPC = pc
            let startStalls = stalls
            var aux: UInt32 = 0
            if C.on { aux = x[e.rs1] &+ e.imm }

            switch e.pointee.operation {
            // MARK: RV32I
            case .lui: x[e.rd] = e.imm; pc = e.next(pc)
            case .auipc: x[e.rd] = pc &+ e.imm; pc = e.next(pc)
            case .jal: x[e.rd] = (pc &+ e.length); pc = pc &+ e.imm; stalls &+= Stall.jump
            case .jalr: let target = (x[e.rs1] &+ e.imm) & ~1; x[e.rd] = (pc &+ e.length); pc = target; stalls &+= Stall.jump
            case .beq: if x[e.rs1] == x[e.rs2] { pc = pc &+ e.imm; stalls &+= Stall.takenBranch } else { pc = e.next(pc) }
            case .bne: if x[e.rs1] != x[e.rs2] { pc = pc &+ e.imm; stalls &+= Stall.takenBranch } else { pc = e.next(pc) }
            case .blt:
                if Int32(bitPattern: x[e.rs1]) < Int32(bitPattern: x[e.rs2]) { pc = pc &+ e.imm; stalls &+= Stall.takenBranch } else { pc = e.next(pc) }
            case .bge:
                if Int32(bitPattern: x[e.rs1]) >= Int32(bitPattern: x[e.rs2]) { pc = pc &+ e.imm; stalls &+= Stall.takenBranch } else { pc = e.next(pc) }
            case .bltu: if x[e.rs1] < x[e.rs2] { pc = pc &+ e.imm; stalls &+= Stall.takenBranch } else { pc = e.next(pc) }
            case .bgeu: if x[e.rs1] >= x[e.rs2] { pc = pc &+ e.imm; stalls &+= Stall.takenBranch } else { pc = e.next(pc) }
            case .lb:
                guard let p = fastPointer(segments, x[e.rs1] &+ e.imm, 1) else { remaining &+= 1; end = .slowPath; break loop }
                x[e.rd] = UInt32(bitPattern: Int32(p.load(as: Int8.self))); pc = e.next(pc)
            case .lh:
                let address = x[e.rs1] &+ e.imm
                guard let p = fastPointer(segments, address, 2) else { remaining &+= 1; end = .slowPath; break loop }
                x[e.rd] = UInt32(bitPattern: Int32(p.loadUnaligned(as: Int16.self))); pc = e.next(pc)
                stalls &+= misalignment(address, 1)
            case .lw:
                let address = x[e.rs1] &+ e.imm
                guard let p = fastPointer(segments, address, 4) else { remaining &+= 1; end = .slowPath; break loop }
                x[e.rd] = p.loadUnaligned(as: UInt32.self); pc = e.next(pc)
                stalls &+= misalignment(address, 3)
            case .lbu:
                guard let p = fastPointer(segments, x[e.rs1] &+ e.imm, 1) else { remaining &+= 1; end = .slowPath; break loop }
                x[e.rd] = UInt32(p.load(as: UInt8.self)); pc = e.next(pc)
            case .lhu:
                let address = x[e.rs1] &+ e.imm
                guard let p = fastPointer(segments, address, 2) else { remaining &+= 1; end = .slowPath; break loop }
                x[e.rd] = UInt32(p.loadUnaligned(as: UInt16.self)); pc = e.next(pc)
                stalls &+= misalignment(address, 1)
            // Stores: pages holding decoded code and the watched word (HTIF) take the slow path.
            case .sb:
                let address = x[e.rs1] &+ e.imm
                guard let p = fastPointer(segments, address, 1), codePages[Int(address >> 12)] == 0,
                      (address &+ 3) &- watchStart >= watchSpan
                else { remaining &+= 1; end = .slowPath; break loop }
                p.storeBytes(of: UInt8(truncatingIfNeeded: x[e.rs2]), as: UInt8.self)
                pc = e.next(pc)
            case .sh:
                let address = x[e.rs1] &+ e.imm
                guard let p = fastPointer(segments, address, 2),
                      (codePages[Int(address >> 12)] | codePages[Int((address &+ 1) >> 12)]) == 0,
                      (address &+ 3) &- watchStart >= watchSpan
                else { remaining &+= 1; end = .slowPath; break loop }
                p.storeBytes(of: UInt16(truncatingIfNeeded: x[e.rs2]), toByteOffset: 0, as: UInt16.self)
                pc = e.next(pc)
                stalls &+= misalignment(address, 1)
            case .sw:
                let address = x[e.rs1] &+ e.imm
                guard let p = fastPointer(segments, address, 4),
                      (codePages[Int(address >> 12)] | codePages[Int((address &+ 3) >> 12)]) == 0,
                      (address &+ 3) &- watchStart >= watchSpan
                else { remaining &+= 1; end = .slowPath; break loop }
                p.storeBytes(of: x[e.rs2], toByteOffset: 0, as: UInt32.self)
                pc = e.next(pc)
                stalls &+= misalignment(address, 3)
            case .fsw:
                let address = x[e.rs1] &+ e.imm
                guard let p = fastPointer(segments, address, 4),
                      (codePages[Int(address >> 12)] | codePages[Int((address &+ 3) >> 12)]) == 0,
                      (address &+ 3) &- watchStart >= watchSpan
                else { remaining &+= 1; end = .slowPath; break loop }
                p.storeBytes(of: f[e.rs2], toByteOffset: 0, as: UInt32.self)
                pc = e.next(pc)
                stalls &+= misalignment(address, 3)
            case .addi: x[e.rd] = x[e.rs1] &+ e.imm; pc = e.next(pc)
            case .slti: x[e.rd] = Int32(bitPattern: x[e.rs1]) < e.pointee.imm ? 1 : 0; pc = e.next(pc)
            case .sltiu: x[e.rd] = x[e.rs1] < e.imm ? 1 : 0; pc = e.next(pc)
            case .xori: x[e.rd] = x[e.rs1] ^ e.imm; pc = e.next(pc)
            case .ori: x[e.rd] = x[e.rs1] | e.imm; pc = e.next(pc)
            case .andi: x[e.rd] = x[e.rs1] & e.imm; pc = e.next(pc)
            case .slli: x[e.rd] = x[e.rs1] << (e.imm & 31); pc = e.next(pc)
            case .srli: x[e.rd] = x[e.rs1] >> (e.imm & 31); pc = e.next(pc)
            case .srai: x[e.rd] = UInt32(bitPattern: Int32(bitPattern: x[e.rs1]) >> Int32(e.imm & 31)); pc = e.next(pc)
            case .add: x[e.rd] = x[e.rs1] &+ x[e.rs2]; pc = e.next(pc)
            case .sub: x[e.rd] = x[e.rs1] &- x[e.rs2]; pc = e.next(pc)
            case .sll: x[e.rd] = x[e.rs1] << (x[e.rs2] & 31); pc = e.next(pc)
            case .slt: x[e.rd] = Int32(bitPattern: x[e.rs1]) < Int32(bitPattern: x[e.rs2]) ? 1 : 0; pc = e.next(pc)
            case .sltu: x[e.rd] = x[e.rs1] < x[e.rs2] ? 1 : 0; pc = e.next(pc)
            case .xor: x[e.rd] = x[e.rs1] ^ x[e.rs2]; pc = e.next(pc)
            case .srl: x[e.rd] = x[e.rs1] >> (x[e.rs2] & 31); pc = e.next(pc)
            case .sra: x[e.rd] = UInt32(bitPattern: Int32(bitPattern: x[e.rs1]) >> Int32(x[e.rs2] & 31)); pc = e.next(pc)
            case .or: x[e.rd] = x[e.rs1] | x[e.rs2]; pc = e.next(pc)
            case .and: x[e.rd] = x[e.rs1] & x[e.rs2]; pc = e.next(pc)
            case .fence: pc = e.next(pc)

            // MARK: RV32M
            case .mul: x[e.rd] = x[e.rs1] &* x[e.rs2]; pc = e.next(pc)
            case .mulh:
                let product = Int64(Int32(bitPattern: x[e.rs1])) &* Int64(Int32(bitPattern: x[e.rs2]))
                x[e.rd] = UInt32(truncatingIfNeeded: product >> 32); pc = e.next(pc); stalls &+= Stall.mulHigh
            case .mulhsu:
                let product = Int64(Int32(bitPattern: x[e.rs1])) &* Int64(x[e.rs2])
                x[e.rd] = UInt32(truncatingIfNeeded: product >> 32); pc = e.next(pc); stalls &+= Stall.mulHigh
            case .mulhu:
                x[e.rd] = UInt32(truncatingIfNeeded: (UInt64(x[e.rs1]) &* UInt64(x[e.rs2])) >> 32); pc = e.next(pc)
                stalls &+= Stall.mulHigh
            case .div:
                let a = Int32(bitPattern: x[e.rs1]), b = Int32(bitPattern: x[e.rs2])
                x[e.rd] = b == 0 ? 0xFFFF_FFFF : (a == Int32.min && b == -1) ? UInt32(bitPattern: a) : UInt32(bitPattern: a / b)
                pc = e.next(pc); stalls &+= Stall.divide
            case .divu:
                let b = x[e.rs2]
                x[e.rd] = b == 0 ? 0xFFFF_FFFF : x[e.rs1] / b; pc = e.next(pc); stalls &+= Stall.divide
            case .rem:
                let a = Int32(bitPattern: x[e.rs1]), b = Int32(bitPattern: x[e.rs2])
                x[e.rd] = b == 0 ? UInt32(bitPattern: a) : (a == Int32.min && b == -1) ? 0 : UInt32(bitPattern: a % b)
                pc = e.next(pc); stalls &+= Stall.divide
            case .remu:
                let b = x[e.rs2]
                x[e.rd] = b == 0 ? x[e.rs1] : x[e.rs1] % b; pc = e.next(pc); stalls &+= Stall.divide

            // MARK: RV32F
            case .flw:
                let address = x[e.rs1] &+ e.imm
                guard let p = fastPointer(segments, address, 4) else { remaining &+= 1; end = .slowPath; break loop }
                f[e.rd] = p.loadUnaligned(as: UInt32.self); pc = e.next(pc)
                stalls &+= misalignment(address, 3)
                dirtyFS()
            case .fadd, .fsub, .fmul, .fdiv, .fsqrt, .fmadd, .fmsub, .fnmsub, .fnmadd, .fcvtWS, .fcvtWUS, .fcvtSW, .fcvtSWU:
                let rmField = e.pointee.rm == 7 ? UInt8(truncatingIfNeeded: hart.frm) : e.pointee.rm
                guard rmField <= 4 else {
                    remaining &+= 1; end = .trap(.illegalInstruction, instructionWord(at: pc) ?? 0); break loop
                }
                let mode = unsafeBitCast(rmField, to: RoundingMode.self)
                var flags = FPFlags()
                switch e.pointee.operation {
                case .fadd: f[e.rd] = Binary32.add(f[e.rs1], f[e.rs2], mode, &flags)
                case .fsub: f[e.rd] = Binary32.subtract(f[e.rs1], f[e.rs2], mode, &flags)
                case .fmul: f[e.rd] = Binary32.multiply(f[e.rs1], f[e.rs2], mode, &flags)
                case .fdiv: f[e.rd] = Binary32.divide(f[e.rs1], f[e.rs2], mode, &flags); stalls &+= Stall.fpDivSqrt
                case .fsqrt: f[e.rd] = Binary32.squareRoot(f[e.rs1], mode, &flags); stalls &+= Stall.fpDivSqrt
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
                if flags.rawValue != 0 { hart.fflags |= UInt32(flags.rawValue) }
                // An f register written, or flags raised (fcvt.w[u].s writes x).
                if flags.rawValue != 0 || (e.pointee.operation != .fcvtWS && e.pointee.operation != .fcvtWUS) { dirtyFS() }
                if C.on { aux = UInt32(flags.rawValue) | (hart.fflags << 8) }
                pc = e.next(pc)
            case .fsgnj: f[e.rd] = (f[e.rs1] & 0x7FFF_FFFF) | (f[e.rs2] & 0x8000_0000); pc = e.next(pc); dirtyFS()
            case .fsgnjn: f[e.rd] = (f[e.rs1] & 0x7FFF_FFFF) | (~f[e.rs2] & 0x8000_0000); pc = e.next(pc); dirtyFS()
            case .fsgnjx: f[e.rd] = f[e.rs1] ^ (f[e.rs2] & 0x8000_0000); pc = e.next(pc); dirtyFS()
            case .fmin, .fmax, .feq, .flt, .fle:
                var flags = FPFlags()
                let format = FloatFormat.binary32
                switch e.pointee.operation {
                case .fmin: f[e.rd] = format.minimumNumber(f[e.rs1], f[e.rs2], &flags)
                case .fmax: f[e.rd] = format.maximumNumber(f[e.rs1], f[e.rs2], &flags)
                case .feq: x[e.rd] = format.equal(f[e.rs1], f[e.rs2], &flags) ? 1 : 0
                case .flt: x[e.rd] = format.less(f[e.rs1], f[e.rs2], &flags) ? 1 : 0
                default: x[e.rd] = format.lessOrEqual(f[e.rs1], f[e.rs2], &flags) ? 1 : 0
                }
                if flags.rawValue != 0 { hart.fflags |= UInt32(flags.rawValue) }
                // fmin/fmax write an f register; the comparisons write x and may raise flags.
                if flags.rawValue != 0 || e.pointee.operation == .fmin || e.pointee.operation == .fmax { dirtyFS() }
                if C.on { aux = UInt32(flags.rawValue) | (hart.fflags << 8) }
                pc = e.next(pc)
            case .fmvXW: x[e.rd] = f[e.rs1]; pc = e.next(pc)
            case .fmvWX: f[e.rd] = x[e.rs1]; pc = e.next(pc); dirtyFS()
            case .fclass: x[e.rd] = Binary32.classify(f[e.rs1]); pc = e.next(pc)

            // MARK: Everything else leaves the loop
            case .illegal:
                remaining &+= 1
                let marker = e.pointee.specIndex
                end = marker == Machine.breakpointMarker ? .breakpoint
                    : marker == Machine.traceTriggerMarker ? .traceTrigger : .trap(.illegalInstruction, e.imm)
                break loop
            case .fenceI, .ecall, .ebreak, .mret, .wfi, .csrrw, .csrrs, .csrrc, .csrrwi, .csrrsi, .csrrci,
                 .mcnfig, .marith:
                remaining &+= 1; end = .slowPath; break loop
            }
            if C.on {
                // Retired on the fast path: record it.
                let source = valueTable.unsafelyUnwrapped[Int(e.pointee.operation.rawValue)]
                let register = (source & 1) != 0 ? e.rs2 : e.rd
                let value = x[register &+ Int(source >> 1) &* 33]
                let offset = UInt32(truncatingIfNeeded: UInt64(budget &- remaining &- 1) &+ startStalls) | dirtied
                records.unsafelyUnwrapped[captured] = CapturedInstruction(pc: startPC, value: value, aux: aux, cycleOffset: offset)
                captured &+= 1
                dirtied = 0
            }
        }
        hart.pc = pc
        let executed = UInt64(budget - remaining)
        hart.instret &+= executed
        hart.cycle &+= executed &+ stalls
        return end
    }
}
