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
}

@inline(__always) func fastPointer(_ segments: UnsafeMutablePointer<Segment>, _ address: UInt32,
                                   _ size: UInt32) -> UnsafeMutableRawPointer? {
    let segment = segments[Int(address >> 20)]
    let offset = address & 0xFFFFF
    if offset &+ size <= segment.limit { return segment.base.unsafelyUnwrapped + Int(offset) }
    return nil
}

/// Modelled extra cycles (CV32E40P-like): see docs/timing.md.
enum Stall {
    static let takenBranch: UInt64 = 2
    static let jump: UInt64 = 1
    static let mulHigh: UInt64 = 4
    static let divide: UInt64 = 34
    static let fpDivSqrt: UInt64 = 10
}

extension Machine {
    /// Runs `hart` for at most `budget` instructions on the fast path.
    @inline(never)
    func execute(_ hart: Hart, budget: Int) -> QuantumEnd {
        let x = hart.x, f = hart.f
        let cache = decodeCache, cacheMask = decodeCacheMask
        let segments = bus.segments
        let codeStart = bus.codeStart, codeSpan = bus.codeSpan &+ 3
        let watchStart = bus.watchStart, watchSpan = bus.watchSpan &+ 3
        var pc = hart.pc
        var remaining = budget
        var stalls: UInt64 = 0
        var end = QuantumEnd.budget

        loop: while remaining > 0 {
            let slot = Int((pc >> 1) & cacheMask)
            var d = cache[slot]
            if d.tag != pc {
                guard let decoded = fetchAndDecode(pc) else { end = .trap(.instructionAccessFault, pc); break loop }
                d = decoded
                cache[slot] = d
            }
            let rd = Int(d.rd), rs1 = Int(d.rs1), rs2 = Int(d.rs2)
            let imm = UInt32(bitPattern: d.imm)
            let next = pc &+ UInt32(d.length)
            remaining &-= 1

            switch d.operation {
            // MARK: RV32I
            case .lui: x[rd] = imm; pc = next
            case .auipc: x[rd] = pc &+ imm; pc = next
            case .jal: x[rd] = next; pc = pc &+ imm; stalls &+= Stall.jump
            case .jalr: let target = (x[rs1] &+ imm) & ~1; x[rd] = next; pc = target; stalls &+= Stall.jump
            case .beq: if x[rs1] == x[rs2] { pc = pc &+ imm; stalls &+= Stall.takenBranch } else { pc = next }
            case .bne: if x[rs1] != x[rs2] { pc = pc &+ imm; stalls &+= Stall.takenBranch } else { pc = next }
            case .blt:
                if Int32(bitPattern: x[rs1]) < Int32(bitPattern: x[rs2]) { pc = pc &+ imm; stalls &+= Stall.takenBranch } else { pc = next }
            case .bge:
                if Int32(bitPattern: x[rs1]) >= Int32(bitPattern: x[rs2]) { pc = pc &+ imm; stalls &+= Stall.takenBranch } else { pc = next }
            case .bltu: if x[rs1] < x[rs2] { pc = pc &+ imm; stalls &+= Stall.takenBranch } else { pc = next }
            case .bgeu: if x[rs1] >= x[rs2] { pc = pc &+ imm; stalls &+= Stall.takenBranch } else { pc = next }
            case .lb:
                guard let p = fastPointer(segments, x[rs1] &+ imm, 1) else { remaining &+= 1; end = .slowPath; break loop }
                x[rd] = UInt32(bitPattern: Int32(p.load(as: Int8.self))); pc = next
            case .lh:
                guard let p = fastPointer(segments, x[rs1] &+ imm, 2) else { remaining &+= 1; end = .slowPath; break loop }
                x[rd] = UInt32(bitPattern: Int32(p.loadUnaligned(as: Int16.self))); pc = next
            case .lw:
                guard let p = fastPointer(segments, x[rs1] &+ imm, 4) else { remaining &+= 1; end = .slowPath; break loop }
                x[rd] = p.loadUnaligned(as: UInt32.self); pc = next
            case .lbu:
                guard let p = fastPointer(segments, x[rs1] &+ imm, 1) else { remaining &+= 1; end = .slowPath; break loop }
                x[rd] = UInt32(p.load(as: UInt8.self)); pc = next
            case .lhu:
                guard let p = fastPointer(segments, x[rs1] &+ imm, 2) else { remaining &+= 1; end = .slowPath; break loop }
                x[rd] = UInt32(p.loadUnaligned(as: UInt16.self)); pc = next
            case .sb, .sh, .sw, .fsw:
                let address = x[rs1] &+ imm
                let size: UInt32 = d.operation == .sb ? 1 : d.operation == .sh ? 2 : 4
                // Watched words and code need the slow path's notifications.
                guard let p = fastPointer(segments, address, size),
                      (address &+ 3) &- codeStart >= codeSpan, (address &+ 3) &- watchStart >= watchSpan
                else { remaining &+= 1; end = .slowPath; break loop }
                switch d.operation {
                case .sb: p.storeBytes(of: UInt8(truncatingIfNeeded: x[rs2]), as: UInt8.self)
                case .sh: p.storeBytes(of: UInt16(truncatingIfNeeded: x[rs2]), toByteOffset: 0, as: UInt16.self)
                case .sw: p.storeBytes(of: x[rs2], toByteOffset: 0, as: UInt32.self)
                default: p.storeBytes(of: f[rs2], toByteOffset: 0, as: UInt32.self)
                }
                pc = next
            case .addi: x[rd] = x[rs1] &+ imm; pc = next
            case .slti: x[rd] = Int32(bitPattern: x[rs1]) < d.imm ? 1 : 0; pc = next
            case .sltiu: x[rd] = x[rs1] < imm ? 1 : 0; pc = next
            case .xori: x[rd] = x[rs1] ^ imm; pc = next
            case .ori: x[rd] = x[rs1] | imm; pc = next
            case .andi: x[rd] = x[rs1] & imm; pc = next
            case .slli: x[rd] = x[rs1] << (imm & 31); pc = next
            case .srli: x[rd] = x[rs1] >> (imm & 31); pc = next
            case .srai: x[rd] = UInt32(bitPattern: Int32(bitPattern: x[rs1]) >> Int32(imm & 31)); pc = next
            case .add: x[rd] = x[rs1] &+ x[rs2]; pc = next
            case .sub: x[rd] = x[rs1] &- x[rs2]; pc = next
            case .sll: x[rd] = x[rs1] << (x[rs2] & 31); pc = next
            case .slt: x[rd] = Int32(bitPattern: x[rs1]) < Int32(bitPattern: x[rs2]) ? 1 : 0; pc = next
            case .sltu: x[rd] = x[rs1] < x[rs2] ? 1 : 0; pc = next
            case .xor: x[rd] = x[rs1] ^ x[rs2]; pc = next
            case .srl: x[rd] = x[rs1] >> (x[rs2] & 31); pc = next
            case .sra: x[rd] = UInt32(bitPattern: Int32(bitPattern: x[rs1]) >> Int32(x[rs2] & 31)); pc = next
            case .or: x[rd] = x[rs1] | x[rs2]; pc = next
            case .and: x[rd] = x[rs1] & x[rs2]; pc = next
            case .fence: pc = next

            // MARK: RV32M
            case .mul: x[rd] = x[rs1] &* x[rs2]; pc = next
            case .mulh:
                let product = Int64(Int32(bitPattern: x[rs1])) &* Int64(Int32(bitPattern: x[rs2]))
                x[rd] = UInt32(truncatingIfNeeded: product >> 32); pc = next; stalls &+= Stall.mulHigh
            case .mulhsu:
                let product = Int64(Int32(bitPattern: x[rs1])) &* Int64(x[rs2])
                x[rd] = UInt32(truncatingIfNeeded: product >> 32); pc = next; stalls &+= Stall.mulHigh
            case .mulhu:
                x[rd] = UInt32(truncatingIfNeeded: (UInt64(x[rs1]) &* UInt64(x[rs2])) >> 32); pc = next
                stalls &+= Stall.mulHigh
            case .div:
                let a = Int32(bitPattern: x[rs1]), b = Int32(bitPattern: x[rs2])
                x[rd] = b == 0 ? 0xFFFF_FFFF : (a == Int32.min && b == -1) ? UInt32(bitPattern: a) : UInt32(bitPattern: a / b)
                pc = next; stalls &+= Stall.divide
            case .divu:
                let b = x[rs2]
                x[rd] = b == 0 ? 0xFFFF_FFFF : x[rs1] / b; pc = next; stalls &+= Stall.divide
            case .rem:
                let a = Int32(bitPattern: x[rs1]), b = Int32(bitPattern: x[rs2])
                x[rd] = b == 0 ? UInt32(bitPattern: a) : (a == Int32.min && b == -1) ? 0 : UInt32(bitPattern: a % b)
                pc = next; stalls &+= Stall.divide
            case .remu:
                let b = x[rs2]
                x[rd] = b == 0 ? x[rs1] : x[rs1] % b; pc = next; stalls &+= Stall.divide

            // MARK: RV32F
            case .flw:
                guard let p = fastPointer(segments, x[rs1] &+ imm, 4) else { remaining &+= 1; end = .slowPath; break loop }
                f[rd] = p.loadUnaligned(as: UInt32.self); pc = next
            case .fadd, .fsub, .fmul, .fdiv, .fsqrt, .fmadd, .fmsub, .fnmsub, .fnmadd, .fcvtWS, .fcvtWUS, .fcvtSW, .fcvtSWU:
                let rmField = d.rm == 7 ? UInt8(truncatingIfNeeded: hart.frm) : d.rm
                guard rmField <= 4 else {
                    remaining &+= 1; end = .trap(.illegalInstruction, instructionWord(at: pc) ?? 0); break loop
                }
                let mode = unsafeBitCast(rmField, to: RoundingMode.self)
                var flags = FPFlags()
                switch d.operation {
                case .fadd: f[rd] = Binary32.add(f[rs1], f[rs2], mode, &flags)
                case .fsub: f[rd] = Binary32.subtract(f[rs1], f[rs2], mode, &flags)
                case .fmul: f[rd] = Binary32.multiply(f[rs1], f[rs2], mode, &flags)
                case .fdiv: f[rd] = Binary32.divide(f[rs1], f[rs2], mode, &flags); stalls &+= Stall.fpDivSqrt
                case .fsqrt: f[rd] = Binary32.squareRoot(f[rs1], mode, &flags); stalls &+= Stall.fpDivSqrt
                case .fmadd:
                    f[rd] = Binary32.fusedMultiplyAdd(f[rs1], f[rs2], f[Int(d.rs3)], negateProduct: false,
                                                      negateAddend: false, mode, &flags)
                case .fmsub:
                    f[rd] = Binary32.fusedMultiplyAdd(f[rs1], f[rs2], f[Int(d.rs3)], negateProduct: false,
                                                      negateAddend: true, mode, &flags)
                case .fnmsub:
                    f[rd] = Binary32.fusedMultiplyAdd(f[rs1], f[rs2], f[Int(d.rs3)], negateProduct: true,
                                                      negateAddend: false, mode, &flags)
                case .fnmadd:
                    f[rd] = Binary32.fusedMultiplyAdd(f[rs1], f[rs2], f[Int(d.rs3)], negateProduct: true,
                                                      negateAddend: true, mode, &flags)
                case .fcvtWS: x[rd] = Binary32.toInt32(f[rs1], signed: true, mode, &flags)
                case .fcvtWUS: x[rd] = Binary32.toInt32(f[rs1], signed: false, mode, &flags)
                case .fcvtSW: f[rd] = Binary32.fromInt32(x[rs1], signed: true, mode, &flags)
                default: f[rd] = Binary32.fromInt32(x[rs1], signed: false, mode, &flags)
                }
                if flags.rawValue != 0 { hart.fflags |= UInt32(flags.rawValue) }
                pc = next
            case .fsgnj: f[rd] = (f[rs1] & 0x7FFF_FFFF) | (f[rs2] & 0x8000_0000); pc = next
            case .fsgnjn: f[rd] = (f[rs1] & 0x7FFF_FFFF) | (~f[rs2] & 0x8000_0000); pc = next
            case .fsgnjx: f[rd] = f[rs1] ^ (f[rs2] & 0x8000_0000); pc = next
            case .fmin, .fmax, .feq, .flt, .fle:
                var flags = FPFlags()
                let format = FloatFormat.binary32
                switch d.operation {
                case .fmin: f[rd] = format.minimumNumber(f[rs1], f[rs2], &flags)
                case .fmax: f[rd] = format.maximumNumber(f[rs1], f[rs2], &flags)
                case .feq: x[rd] = format.equal(f[rs1], f[rs2], &flags) ? 1 : 0
                case .flt: x[rd] = format.less(f[rs1], f[rs2], &flags) ? 1 : 0
                default: x[rd] = format.lessOrEqual(f[rs1], f[rs2], &flags) ? 1 : 0
                }
                if flags.rawValue != 0 { hart.fflags |= UInt32(flags.rawValue) }
                pc = next
            case .fmvXW: x[rd] = f[rs1]; pc = next
            case .fmvWX: f[rd] = x[rs1]; pc = next
            case .fclass: x[rd] = Binary32.classify(f[rs1]); pc = next

            // MARK: Everything else leaves the loop
            case .illegal:
                remaining &+= 1
                end = d.specIndex == Machine.breakpointMarker ? .breakpoint : .trap(.illegalInstruction, imm)
                break loop
            case .fenceI, .ecall, .ebreak, .mret, .wfi, .csrrw, .csrrs, .csrrc, .csrrwi, .csrrsi, .csrrci,
                 .mcnfig, .marith:
                remaining &+= 1; end = .slowPath; break loop
            }
        }
        hart.pc = pc
        let executed = UInt64(budget - remaining)
        hart.instret &+= executed
        hart.cycle &+= executed &+ stalls
        return end
    }
}
