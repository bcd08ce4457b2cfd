// ISA: RV32I, the base integer instructions — descriptors and semantics.
//
// Each case is short enough to check against the RISC-V unprivileged specification by eye.
// Loads and stores use the memory fast path (plain RAM); anything else — devices, region edges,
// watched words, pages holding decoded code — is left to the slow path (`Step.leave`), which
// performs the access with the same descriptor facts (size, sign extension, data register).

extension InstructionSet {
    static let rv32i: [InstructionDescriptor] = [
        InstructionDescriptor("lui", 0x0000007f, 0x00000037, .u, .i, .lui),
        InstructionDescriptor("auipc", 0x0000007f, 0x00000017, .u, .i, .auipc),
        InstructionDescriptor("jal", 0x0000007f, 0x0000006f, .j, .i, .jal, cost: .jump),
        InstructionDescriptor("jalr", 0x0000707f, 0x00000067, .i, .i, .jalr, cost: .jump),
        InstructionDescriptor("beq", 0x0000707f, 0x00000063, .b, .i, .beq, cost: .branch),
        InstructionDescriptor("bne", 0x0000707f, 0x00001063, .b, .i, .bne, cost: .branch),
        InstructionDescriptor("blt", 0x0000707f, 0x00004063, .b, .i, .blt, cost: .branch),
        InstructionDescriptor("bge", 0x0000707f, 0x00005063, .b, .i, .bge, cost: .branch),
        InstructionDescriptor("bltu", 0x0000707f, 0x00006063, .b, .i, .bltu, cost: .branch),
        InstructionDescriptor("bgeu", 0x0000707f, 0x00007063, .b, .i, .bgeu, cost: .branch),
        InstructionDescriptor("lb", 0x0000707f, 0x00000003, .i, .i, .lb, memory: .load(1, signed: true), cost: .memory),
        InstructionDescriptor("lh", 0x0000707f, 0x00001003, .i, .i, .lh, memory: .load(2, signed: true), cost: .memory),
        InstructionDescriptor("lw", 0x0000707f, 0x00002003, .i, .i, .lw, memory: .load(4), cost: .memory),
        InstructionDescriptor("lbu", 0x0000707f, 0x00004003, .i, .i, .lbu, memory: .load(1), cost: .memory),
        InstructionDescriptor("lhu", 0x0000707f, 0x00005003, .i, .i, .lhu, memory: .load(2), cost: .memory),
        InstructionDescriptor("sb", 0x0000707f, 0x00000023, .s, .i, .sb, memory: .store(1), cost: .memory),
        InstructionDescriptor("sh", 0x0000707f, 0x00001023, .s, .i, .sh, memory: .store(2), cost: .memory),
        InstructionDescriptor("sw", 0x0000707f, 0x00002023, .s, .i, .sw, memory: .store(4), cost: .memory),
        InstructionDescriptor("addi", 0x0000707f, 0x00000013, .i, .i, .addi),
        InstructionDescriptor("slti", 0x0000707f, 0x00002013, .i, .i, .slti),
        InstructionDescriptor("sltiu", 0x0000707f, 0x00003013, .i, .i, .sltiu),
        InstructionDescriptor("xori", 0x0000707f, 0x00004013, .i, .i, .xori),
        InstructionDescriptor("ori", 0x0000707f, 0x00006013, .i, .i, .ori),
        InstructionDescriptor("andi", 0x0000707f, 0x00007013, .i, .i, .andi),
        InstructionDescriptor("slli", 0xfe00707f, 0x00001013, .iShift, .i, .slli),
        InstructionDescriptor("srli", 0xfe00707f, 0x00005013, .iShift, .i, .srli),
        InstructionDescriptor("srai", 0xfe00707f, 0x40005013, .iShift, .i, .srai),
        InstructionDescriptor("add", 0xfe00707f, 0x00000033, .r, .i, .add),
        InstructionDescriptor("sub", 0xfe00707f, 0x40000033, .r, .i, .sub),
        InstructionDescriptor("sll", 0xfe00707f, 0x00001033, .r, .i, .sll),
        InstructionDescriptor("slt", 0xfe00707f, 0x00002033, .r, .i, .slt),
        InstructionDescriptor("sltu", 0xfe00707f, 0x00003033, .r, .i, .sltu),
        InstructionDescriptor("xor", 0xfe00707f, 0x00004033, .r, .i, .xor),
        InstructionDescriptor("srl", 0xfe00707f, 0x00005033, .r, .i, .srl),
        InstructionDescriptor("sra", 0xfe00707f, 0x40005033, .r, .i, .sra),
        InstructionDescriptor("or", 0xfe00707f, 0x00006033, .r, .i, .or),
        InstructionDescriptor("and", 0xfe00707f, 0x00007033, .r, .i, .and),
        InstructionDescriptor("fence", 0x0000707f, 0x0000000f, .fence, .i, .fence),
    ]
}

extension Execution {
    /// RV32I semantics on the fast path; `.unknown` for operations of other extensions.
    @_transparent mutating func rv32i(_ op: Operation, _ e: Entry) -> Step {
        switch op {
        case .lui: x[e.rd] = e.imm; advance(e)
        case .auipc: x[e.rd] = here(e) &+ e.imm; advance(e)
        case .jal: x[e.rd] = here(e) &+ e.length; pc = here(e) &+ e.imm; addCost(e); fetchAlignment(pc); goOn()
        case .jalr:
            let target = (x[e.rs1] &+ e.imm) & ~1
            if _slowPath(jalrWaits(e)) { stalls &+= 1 }
            x[e.rd] = here(e) &+ e.length
            core.pointee.lastJalrFrom = here(e)
            core.pointee.lastJalrTarget = target
            pc = target
            addCost(e)
            fetchAlignment(target)
            goOn()
        case .beq: branch(e, x[e.rs1] == x[e.rs2])
        case .bne: branch(e, x[e.rs1] != x[e.rs2])
        case .blt: branch(e, Int32(bitPattern: x[e.rs1]) < Int32(bitPattern: x[e.rs2]))
        case .bge: branch(e, Int32(bitPattern: x[e.rs1]) >= Int32(bitPattern: x[e.rs2]))
        case .bltu: branch(e, x[e.rs1] < x[e.rs2])
        case .bgeu: branch(e, x[e.rs1] >= x[e.rs2])
        case .lb:
            let address = x[e.rs1] &+ e.imm
            guard let p = loadPointer(address, 1) else { return .leave(.slowPath) }
            x[e.rd] = MemoryAccess.extend(UInt32(p.load(as: UInt8.self)), size: 1, signed: true); advance(e)
            loadHazard(e)
        case .lh:
            let address = x[e.rs1] &+ e.imm
            guard let p = loadPointer(address, 2) else { return .leave(.slowPath) }
            x[e.rd] = MemoryAccess.extend(UInt32(loadHalf(p)), size: 2, signed: true); advance(e)
            misaligned(address, 2)
            loadHazard(e)
        case .lw:
            let address = x[e.rs1] &+ e.imm
            guard let p = loadPointer(address, 4) else { return .leave(.slowPath) }
            x[e.rd] = loadWord(p); advance(e)
            misaligned(address, 4)
            loadHazard(e)
        case .lbu:
            let address = x[e.rs1] &+ e.imm
            guard let p = loadPointer(address, 1) else { return .leave(.slowPath) }
            x[e.rd] = UInt32(p.load(as: UInt8.self)); advance(e)
            loadHazard(e)
        case .lhu:
            let address = x[e.rs1] &+ e.imm
            guard let p = loadPointer(address, 2) else { return .leave(.slowPath) }
            x[e.rd] = UInt32(loadHalf(p)); advance(e)
            misaligned(address, 2)
            loadHazard(e)
        case .sb:
            let address = x[e.rs1] &+ e.imm
            guard let p = storePointer(address, 1) else { return .leave(.slowPath) }
            storeByte(p, x[e.rs2]); advance(e)
        case .sh:
            let address = x[e.rs1] &+ e.imm
            guard let p = storePointer(address, 2) else { return .leave(.slowPath) }
            storeHalf(p, x[e.rs2]); advance(e)
            misaligned(address, 2)
        case .sw:
            let address = x[e.rs1] &+ e.imm
            guard let p = storePointer(address, 4) else { return .leave(.slowPath) }
            storeWord(p, x[e.rs2]); advance(e)
            misaligned(address, 4)
        case .addi: x[e.rd] = x[e.rs1] &+ e.imm; advance(e)
        case .slti: x[e.rd] = Int32(bitPattern: x[e.rs1]) < e.pointee.imm ? 1 : 0; advance(e)
        case .sltiu: x[e.rd] = x[e.rs1] < e.imm ? 1 : 0; advance(e)
        case .xori: x[e.rd] = x[e.rs1] ^ e.imm; advance(e)
        case .ori: x[e.rd] = x[e.rs1] | e.imm; advance(e)
        case .andi: x[e.rd] = x[e.rs1] & e.imm; advance(e)
        case .slli: x[e.rd] = x[e.rs1] << (e.imm & 31); advance(e)
        case .srli: x[e.rd] = x[e.rs1] >> (e.imm & 31); advance(e)
        case .srai: x[e.rd] = UInt32(bitPattern: Int32(bitPattern: x[e.rs1]) >> Int32(e.imm & 31)); advance(e)
        case .add: x[e.rd] = x[e.rs1] &+ x[e.rs2]; advance(e)
        case .sub: x[e.rd] = x[e.rs1] &- x[e.rs2]; advance(e)
        case .sll: x[e.rd] = x[e.rs1] << (x[e.rs2] & 31); advance(e)
        case .slt: x[e.rd] = Int32(bitPattern: x[e.rs1]) < Int32(bitPattern: x[e.rs2]) ? 1 : 0; advance(e)
        case .sltu: x[e.rd] = x[e.rs1] < x[e.rs2] ? 1 : 0; advance(e)
        case .xor: x[e.rd] = x[e.rs1] ^ x[e.rs2]; advance(e)
        case .srl: x[e.rd] = x[e.rs1] >> (x[e.rs2] & 31); advance(e)
        case .sra: x[e.rd] = UInt32(bitPattern: Int32(bitPattern: x[e.rs1]) >> Int32(x[e.rs2] & 31)); advance(e)
        case .or: x[e.rd] = x[e.rs1] | x[e.rs2]; advance(e)
        case .and: x[e.rd] = x[e.rs1] & x[e.rs2]; advance(e)
        case .fence: advance(e)
        default: return .unknown
        }
        return .next
    }
}
