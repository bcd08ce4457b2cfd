// Kernel: the block compiler — blocks of straight-line code translated to x86-64 host code, run
// by the block loop (`Interpreter.executeBlocks`) in place of their decoded entries.
//
// A compiled block does exactly what the block loop would do with the same entries: the same
// register and memory results, the same stall cycles (the static ones — load hazards, the cost
// of a jump, a taken branch or a high multiply — as constants, the dynamic ones — the memory's
// latency, misaligned accesses, the divider's cycles, a jalr's wait, the fetch of an unaligned
// jump target — computed as the interpreter computes them) and the same TCDM log records. RV32I
// and RV32M are inline; so are flw, fsw, the sign injections and moves, and fadd, fsub, fmul and
// the fused multiply-adds on `Binary32`'s host fast paths (SSE2); the rest of F and Zba/Zbb go
// through their semantics by a call (`compiledOperation`). The first operation it does not cover
// (CSRs, system instructions, markers, a jalr first in its block) ends the compiled part, and the
// block loop runs the rest of the block from its entries. Whatever the fast path cannot do — an
// access outside plain RAM, a store into a page holding decoded code or into the watched word, an
// access in RedMulE's padding read watch, a TCDM access across a word boundary while accesses are
// logged, a reserved rounding mode —
// leaves the compiled code before that instruction with everything before it done, and the
// block loop runs it from its entry, as it would have.
//
// Each block's code tests the turn's budget against its worst case first; when it does not fit,
// a second copy that makes the block loop's own test before each instruction runs, so a turn
// still stops at the exact instruction. A block ended by a jump or branch goes on to the next
// compiled block without returning, looking it up in the block table each time. Compiled code
// lives as long as the block table: emptying the table (a flush, a full arena or code space)
// resets the code space, and a block `Interpreter.invalidate` drops is never entered again.
//
// Only on x86-64 Linux hosts, and off with `--no-jit`; elsewhere the block loop runs every
// block from its entries, with the same results (docs/architecture.md, "Compiled blocks").

#if arch(x86_64) && os(Linux)
import Glibc
#endif
import PulpFloat

/// What compiled code reads and writes: the hart's registers and memory map, the turn's budget
/// and stalls, the TCDM log, and where the last jump or branch went.
struct CompiledBlockContext {
    var x: UnsafeMutablePointer<UInt32>
    var segments: UnsafeMutablePointer<Segment>
    var codePages: UnsafeMutablePointer<UInt8>
    /// The turn's budget left (`Execution.remaining`) and stall cycles so far (in and out).
    var remaining: Int
    var stalls: UInt64
    /// The TCDM log's records (nil: accesses are not logged), its next free record (in and
    /// out), and the turn's record cycle (`Execution.logCycle`).
    var records: UnsafeMutablePointer<UInt64>?
    var tail: Int
    var logCycle: UInt64
    /// Stores into [watchStart, watchStart + watchSpan − 3) leave the compiled code.
    var watchStart: UInt32
    var watchSpan: UInt32
    /// Loads and stores whose address, its top four bits cleared, is in [readWatchStart,
    /// readWatchStart + readWatchSpan) leave it too (`Interpreter.readWatch`; span 0: none).
    var readWatchStart: UInt32 = 0
    var readWatchSpan: UInt32 = 0
    /// What compiled code keeps in r12: `records` while accesses are logged (+ 1 while there is
    /// a read watch too), else 1 while there is a read watch, else 0 (a load or store goes out of
    /// line when it is not 0).
    var gate: UInt = 0
    /// Where the last jump or taken branch landed, or the block after a branch not taken
    /// (`Execution.jumpedTo`; in and out), and the pc to go on at when the code returns nil.
    var jumpedTo: UInt32
    var pc: UInt32
    /// With pc: 1 if a jump or taken branch went there (the block loop adds its fetch's cycle,
    /// `Execution.fetchAlignment`), 0 after a branch not taken.
    var align: UInt32
    /// The hart (a jalr notes where it went: `HartCore.lastJalrFrom`, `lastJalrTarget`).
    var core: UnsafeMutablePointer<HartCore>
    /// The block loop's state as of the turn's start (`Execution`), for the operations compiled
    /// code hands to their semantics (`compiledOperation`).
    var execution: UnsafeMutablePointer<Execution<InBlocks>>
    /// Traced code only (`BlockCompiler.compileTraced`): where the next binary trace record goes
    /// (in and out), the hart's encoder state and remembered instruction words
    /// (`BinaryTraceEncoder`), its number in a record's tag, the cycle that `remaining` counts
    /// down to (the turn's first cycle + its budget: an instruction's cycle is this − remaining
    /// + stalls), and the stalls as of the start of the last instructions whose stalls are not a
    /// constant (of an even index in their block, and of an odd one: an exit from within an
    /// instruction still finds the one before it).
    var traceOut: UnsafeMutablePointer<UInt8>? = nil
    var traceState: UnsafeMutablePointer<BinaryTraceHartState>? = nil
    var traceWords: UnsafeMutablePointer<UInt64>? = nil
    var traceHart: UInt32 = 0
    var traceCycle: UInt64 = 0
    var traceSnapshots: (UInt64, UInt64) = (0, 0)
    /// The FP flags the last instruction that can raise some raised (`compiledOperationTraced`,
    /// the inline fast path's inexact result).
    var traceRaised: UInt32 = 0
    /// Counting code only (`BlockCompiler.compileCounting`): the hart's event totals
    /// (`EventTotals` layout), the stalls before the last instruction whose own stalls are not a
    /// constant, and the cost class of the last jump or taken branch (the fetch cycle of a
    /// 32-bit target that is not word-aligned is that instruction's, charged at the target).
    var countTotals: UnsafeMutablePointer<UInt64>? = nil
    var countSnapshot: UInt64 = 0
    var countLastCost: UInt32 = 0
}

/// Runs the operation of `entry` for compiled code through the fast path's semantics (F
/// arithmetic, Zba, Zbb): 0 when it retired (its stalls added to the context's), 1
/// when the block loop must run it (a reserved rounding mode: it traps there).
let compiledOperation: @convention(c) (UnsafeMutableRawPointer, UnsafeMutableRawPointer) -> UInt32 = { context, entry in
    runCompiledOperation(context, entry, NoCapture.self)
}

/// `compiledOperation` for traced code: also notes the FP flags the operation raised in the
/// context's `traceRaised` (the record's fflags effect), as the capturing loop notes them.
let compiledOperationTraced: @convention(c) (UnsafeMutableRawPointer, UnsafeMutableRawPointer) -> UInt32 = { context, entry in
    runCompiledOperation(context, entry, CaptureRetired.self)
}

@inline(__always)
private func runCompiledOperation<C: CaptureMode>(_ context: UnsafeMutableRawPointer, _ entry: UnsafeMutableRawPointer,
                                                  _: C.Type) -> UInt32 {
    let c = context.assumingMemoryBound(to: CompiledBlockContext.self)
    var s = c.pointee.execution.pointee
    s.stalls = 0
    let e = entry.assumingMemoryBound(to: DecodedInstruction.self), op = e.pointee.operation
    if C.on { s.aux = s.x[e.rs1] &+ e.imm }  // (what the capturing loop starts with)
    // (The extensions' semantics one by one, not `Execution.semantics`: calling that here too
    // made the optimiser take it out of the block loop.)
    let step: Step
    if case let r = s.rv32f(op, e, C.self), r.handled { step = r }
    else if case let r = s.zba(op, e), r.handled { step = r }
    else if case let r = s.zbb(op, e), r.handled { step = r }
    else { return 1 }
    guard case .next = step else { return 1 }
    c.pointee.stalls &+= s.stalls
    if C.on { c.pointee.traceRaised = s.aux & 0x1F }
    return 0
}

/// Enters compiled code at a block's entry (`code`): returns the entry of the block loop to go
/// on at (an instruction the code left before, with everything before it done), or nil after a
/// jump or branch to a block without code (`pc`, `jumpedTo`).
typealias CompiledEntry = @convention(c) (UnsafeMutableRawPointer, UnsafeRawPointer) -> UnsafeMutableRawPointer?

enum CompiledBlock {
    /// The most code one block takes (twice 32 instructions of at most about 200 bytes, the exits).
    static let maxBytes = 32768
}

/// Translates blocks into its code space (x86-64 Linux; elsewhere `make` returns nil).
///
/// A compiled block's code starts with the budget test: it goes on only if the turn's budget
/// covers the worst case of all its instructions (every stall a memory access or division can
/// add), else it runs a second copy of the code that makes the block loop's own test before
/// each instruction and returns to the loop where it fails. A
/// block ended by a jump or branch to a known pc goes on to the next block's code if the block
/// table holds a compiled block there (looked up each time, so that a block dropped from the
/// table is never entered), without returning.
final class BlockCompiler {
    private let space: UnsafeMutableRawPointer
    private let capacity: Int
    private var used = 0
    private let tables: OperationTables
    /// The shared entry and exit code at the start of the space.
    let enter: CompiledEntry
    private let leaveOffset: Int
    private let stubBytes: Int
    /// The block table (compiled code looks up the block it goes to).
    private let blocks: UnsafeMutablePointer<Block>
    /// Where a block's code is assembled before it is copied into the space.
    private let scratch: UnsafeMutablePointer<UInt8>

    /// A code space of `capacity` bytes, or nil where compiled code cannot run.
    static func make(tables: OperationTables, blocks: UnsafeMutablePointer<Block>, capacity: Int = 16 << 20) -> BlockCompiler? {
        #if arch(x86_64) && os(Linux)
        let p = mmap(nil, capacity, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        guard let p, p != MAP_FAILED else { return nil }
        return BlockCompiler(space: p, capacity: capacity, tables: tables, blocks: blocks)
        #else
        return nil
        #endif
    }

    private init(space: UnsafeMutableRawPointer, capacity: Int, tables: OperationTables, blocks: UnsafeMutablePointer<Block>) {
        self.space = space
        self.capacity = capacity
        self.tables = tables
        self.blocks = blocks
        scratch = .allocate(capacity: CompiledBlock.maxBytes)
        var a = X86Assembler(space: space, blocks: blocks, buffer: scratch, capacity: CompiledBlock.maxBytes)
        let leave = a.stubs()
        a.copy(to: space)
        leaveOffset = leave
        stubBytes = (a.count + 63) & ~63
        used = stubBytes
        enter = unsafeBitCast(space, to: CompiledEntry.self)
    }

    deinit {
        scratch.deallocate()
        #if arch(x86_64) && os(Linux)
        munmap(space, capacity)
        #endif
    }

    /// Whether the code space has room for another block.
    var hasRoom: Bool { used + CompiledBlock.maxBytes <= capacity }

    /// Forgets every compiled block (the block table was emptied).
    func reset() { used = stubBytes; resets += 1 }

    /// Blocks compiled so far, and how many times the code space was emptied (tests).
    private(set) var compiledBlocks = 0
    private(set) var resets = 0

    /// The code space: a compiled block's code is at its header's `imm` from here.
    var base: UnsafeRawPointer { UnsafeRawPointer(space) }

    /// Compiles the block whose `count` entries follow its header `header` (which it fills in)
    /// as far as it covers its operations, for memories of at most `latency` extra cycles;
    /// false if it covers none.
    func compile(_ header: UnsafeMutablePointer<DecodedInstruction>, count: Int, latency: UInt32) -> Bool {
        #if arch(x86_64) && os(Linux)
        guard hasRoom else { return false }
        let entries = header + 1
        var a = X86Assembler(space: space, blocks: blocks, buffer: scratch, capacity: CompiledBlock.maxBytes)
        a.origin = used
        a.leaveOffset = leaveOffset
        a.header = UnsafeMutableRawPointer(header)
        // Entered by a jump or taken branch, four bytes early: the cycle of fetching a 32-bit
        // first instruction that is not word-aligned (`Execution.fetchAlignment`).
        a.jumpedEntry(unaligned: header.pointee.tag & 2 != 0 && entries[0].length == 4)
        let codeStart = a.count
        // The budget test, patched once the bound and the checked code's place are known.
        let test = a.budgetTest()
        var covered = 0
        var bound = 0, before = 0
        var jumped = false
        while covered < count {
            let e = entries[covered]
            guard let stalls = a.emit(e, index: covered, tables: tables) else { break }
            // The block loop tests `remaining > stalls` before each instruction: the budget
            // must cover the last one, after the worst case of all those before it.
            if covered > 0 { bound += 1 + before }
            before = Int(stalls.fixed) + (stalls.memory ? Int(latency) + 1 : 0)
            covered += 1
            if tables.endsBlock[Int(e.operation.rawValue)] == Interpreter.endsByJump { jumped = true; break }
        }
        guard covered > 0, finishBlock(&a, entries, covered: covered, jumped: jumped, test: test, bound: bound) else { return false }
        header.pointee.imm = Int32(used + codeStart)
        compiledBlocks += 1
        used += (a.count + 15) & ~15
        return true
        #else
        return false
        #endif
    }

    /// The rest of a block's code after its first copy of `covered` instructions: its exit, the
    /// same code with the block loop's own test before each instruction (for when the budget may
    /// not cover the worst case: the end of a turn), the exits and out-of-line code, the budget
    /// test's bound; then copies it into the space at `used`. False if it is too long.
    private func finishBlock(_ a: inout X86Assembler, _ entries: UnsafeMutablePointer<DecodedInstruction>, covered: Int, jumped: Bool,
                             test: (bound: Int, short: Int), bound: Int) -> Bool {
        if !jumped { a.exit(covered) }
        a.land(test.short)
        for i in 0..<covered {
            a.exactBudgetTest(i)
            _ = a.emit(entries[i], index: i, tables: tables)
        }
        if !jumped { a.exit(covered) }
        a.finish()
        a.patch(test.bound, UInt32(bound))
        guard a.count <= CompiledBlock.maxBytes else { return false }
        a.copy(to: space + used)
        return true
    }

    // MARK: Variants (traced, counting)

    /// How far the plain code covers the block whose header is `header` (a dry run), stopping
    /// before an instruction `accept` refuses too; whether the last one covered is its jump or
    /// branch.
    private func coverage(_ header: UnsafeMutablePointer<DecodedInstruction>,
                          accept: (DecodedInstruction) -> Bool) -> (covered: Int, jumped: Bool) {
        let entries = header + 1
        var count = 0
        while count < Interpreter.maxBlock {
            let e = entries[count]
            if e.specIndex == Interpreter.blockEndMarker { break }
            count += 1
            if tables.endsBlock[Int(e.operation.rawValue)] != 0 { break }
        }
        var probe = X86Assembler(space: space, blocks: blocks, buffer: scratch, capacity: CompiledBlock.maxBytes)
        probe.header = UnsafeMutableRawPointer(header)
        var covered = 0
        while covered < count {
            let e = entries[covered]
            guard accept(e), probe.emit(e, index: covered, tables: tables) != nil else { break }
            covered += 1
            if tables.endsBlock[Int(e.operation.rawValue)] == Interpreter.endsByJump { return (covered, true) }
        }
        return (covered, false)
    }

    /// A variant's code after what goes before its budget test: the test, its `covered`
    /// instructions, and the rest as `finishBlock` does it. False if it is too long.
    private func finishVariant(_ a: inout X86Assembler, _ entries: UnsafeMutablePointer<DecodedInstruction>, covered: Int,
                               jumped: Bool, latency: UInt32) -> Bool {
        let test = a.budgetTest()
        var bound = 0, before = 0
        for i in 0..<covered {
            let stalls = a.emit(entries[i], index: i, tables: tables)!
            if i > 0 { bound += 1 + before }
            before = Int(stalls.fixed) + (stalls.memory ? Int(latency) + 1 : 0)
        }
        return finishBlock(&a, entries, covered: covered, jumped: jumped, test: test, bound: bound)
    }

    // MARK: Traced code

    /// Where a compiled block's traced code is: its header's rd, rs1, rs2 and rs3 bytes, a
    /// 32-bit offset in the code space (0: not compiled yet; `noTracedCode`: it cannot be).
    static let tracedField = MemoryLayout<DecodedInstruction>.offset(of: \DecodedInstruction.rd)!
    static let noTracedCode: UInt32 = 1
    static func tracedCode(_ header: UnsafeMutablePointer<DecodedInstruction>) -> UInt32 {
        UnsafeRawPointer(header).loadUnaligned(fromByteOffset: tracedField, as: UInt32.self)
    }
    static func setTracedCode(_ header: UnsafeMutablePointer<DecodedInstruction>, _ offset: UInt32) {
        UnsafeMutableRawPointer(header).storeBytes(of: offset, toByteOffset: tracedField, as: UInt32.self)
    }

    /// Compiles the traced code of the compiled block whose header is `header`: the same code,
    /// which also writes each instruction's binary trace record (`BinaryTraceEncoder.encodeCaptured`'s
    /// bytes) as the hart's encoder would, for an unfiltered binary trace (harts 0-6 of one of
    /// more than 8 harts, whose records have no hart byte: `Interpreter.encodesByBlocks`). It
    /// covers the block as far as its plain code does, up to the first instruction that writes a
    /// second register (its record needs the general formatter);
    /// `word` gives each instruction's word. Before its first instruction the code checks that
    /// the hart's encoder remembers every word of the block (else the block loop runs it, and
    /// records the words), and before each one it leaves where the encoder would write a cycle
    /// delta of more than one byte, or where the instruction would make the FP state dirty. Sets the
    /// header's traced-code field (`tracedCode`); false if there is none (the block's code space
    /// is full, or nothing is covered).
    func compileTraced(_ header: UnsafeMutablePointer<DecodedInstruction>, latency: UInt32,
                       word: (UInt32, UInt8) -> UInt32?) -> Bool {
        #if arch(x86_64) && os(Linux)
        guard hasRoom else { return false }
        let entries = header + 1
        // (And the instruction words.)
        var words: [UInt32] = []
        let (covered, jumped) = coverage(header) { e in
            guard tables.trace[Int(e.operation.rawValue)] & TraceTraits.writesBase == 0, let w = word(e.tag, e.length) else { return false }
            words.append(w)
            return true
        }
        guard covered > 0 else {
            BlockCompiler.setTracedCode(header, BlockCompiler.noTracedCode)
            return false
        }
        var a = X86Assembler(space: space, blocks: blocks, buffer: scratch, capacity: CompiledBlock.maxBytes)
        a.origin = used
        a.leaveOffset = leaveOffset
        a.header = UnsafeMutableRawPointer(header)
        let unaligned = header.pointee.tag & 2 != 0 && entries[0].length == 4
        a.trace = TracePlan(entries, count: covered, words: words, tables: tables, unaligned: unaligned)
        a.jumpedEntry(unaligned: unaligned)
        let codeStart = a.count
        a.traceWordChecks()
        a.trace!.body = a.count
        guard finishVariant(&a, entries, covered: covered, jumped: jumped, latency: latency) else {
            BlockCompiler.setTracedCode(header, BlockCompiler.noTracedCode)
            return false
        }
        BlockCompiler.setTracedCode(header, UInt32(used + codeStart))
        tracedBlocks += 1
        used += (a.count + 15) & ~15
        return true
        #else
        return false
        #endif
    }

    /// Traced variants compiled so far (tests).
    private(set) var tracedBlocks = 0

    // MARK: Counting code

    /// Where a compiled block's counting code is: its header's rm and length bytes, the code's
    /// offset in the code space in 256-byte units (0: not compiled yet; `noCountedCode`: it
    /// cannot be). The code starts `countedPrefix` bytes in: before it, the entry after a jump.
    static let countedField = MemoryLayout<DecodedInstruction>.offset(of: \DecodedInstruction.rm)!
    static let noCountedCode: UInt16 = 0xFFFF
    static let countedPrefix = 32
    static func countedCode(_ header: UnsafeMutablePointer<DecodedInstruction>) -> UInt16 {
        UnsafeRawPointer(header).loadUnaligned(fromByteOffset: countedField, as: UInt16.self)
    }
    static func setCountedCode(_ header: UnsafeMutablePointer<DecodedInstruction>, _ units: UInt16) {
        UnsafeMutableRawPointer(header).storeBytes(of: units, toByteOffset: countedField, as: UInt16.self)
    }

    /// Compiles the counting code of the compiled block whose header is `header`: the same code,
    /// which also counts each instruction's events into the hart's totals as the interpreter's
    /// counting loop does (`Interpreter.executeLoop` with `CountEvents`: its class by kind,
    /// length, whether it cost extra cycles and whether its access was outside the TCDM; its
    /// extra cycles by cost class; a load's hazard cycles; the wait of an access to a slower
    /// memory). What is the same every time the block runs is added where the code leaves the
    /// block (for the instructions before that point), the rest as each instruction runs. It
    /// covers the block as far as its plain code does. Sets the header's counting-code field
    /// (`countedCode`); false if there is none.
    func compileCounting(_ header: UnsafeMutablePointer<DecodedInstruction>, latency: UInt32) -> Bool {
        #if arch(x86_64) && os(Linux)
        let start = (used + 255) & ~255
        guard start + CompiledBlock.maxBytes <= capacity, start >> 8 < Int(BlockCompiler.noCountedCode) else {
            BlockCompiler.setCountedCode(header, BlockCompiler.noCountedCode)
            return false
        }
        let entries = header + 1
        let (covered, jumped) = coverage(header) { _ in true }
        guard covered > 0 else {
            BlockCompiler.setCountedCode(header, BlockCompiler.noCountedCode)
            return false
        }
        var a = X86Assembler(space: space, blocks: blocks, buffer: scratch, capacity: CompiledBlock.maxBytes)
        a.origin = start
        a.leaveOffset = leaveOffset
        a.header = UnsafeMutableRawPointer(header)
        a.counting = CountPlan(entries, count: covered, tables: tables)
        a.countingEntry(unaligned: header.pointee.tag & 2 != 0 && entries[0].length == 4)
        used = start
        guard finishVariant(&a, entries, covered: covered, jumped: jumped, latency: latency) else {
            BlockCompiler.setCountedCode(header, BlockCompiler.noCountedCode)
            return false
        }
        BlockCompiler.setCountedCode(header, UInt16(start >> 8))
        countedBlocks += 1
        used += (a.count + 15) & ~15
        return true
        #else
        return false
        #endif
    }

    /// Counting variants compiled so far (tests).
    private(set) var countedBlocks = 0
}

/// What the counting code of a block counts (`BlockCompiler.compileCounting`), per instruction.
struct CountPlan {
    /// Its class (`EventTotals`: kind, compressed) and cost class (`CostClass`).
    var base: [Int] = []
    var cost: [Int] = []
    /// Its extra cycles are computed as it runs (memory, division, the operations through
    /// their semantics, the inline FP arithmetic), and counted there; else `fixed`.
    var dynamic: [Bool] = []
    var fixed: [UInt64] = []
    /// A load or store; a store.
    var memory: [Bool] = []
    var store: [Bool] = []
    /// A load's hazard cycles (`Interpreter.loadHazard`) and, of those, jump stalls.
    var hazard: [UInt64] = []
    var jumpHazard: [UInt64] = []

    init(_ entries: UnsafeMutablePointer<DecodedInstruction>, count: Int, tables: OperationTables) {
        for i in 0..<count {
            let e = entries[i], op = Int(e.operation.rawValue)
            let traits = tables.events[op]
            let kind = Int(traits & EventTraits.kindMask)
            base.append(kind | (e.length == 2 ? EventTotals.compressed : 0))
            cost.append(Int(traits >> EventTraits.costShift))
            let isMemory = traits & EventTraits.memory != 0
            memory.append(isMemory)
            store.append(kind == EventTotals.store)
            hazard.append(isMemory && kind == EventTotals.load ? UInt64(e.rs3) : 0)
            jumpHazard.append(isMemory && kind == EventTotals.load ? UInt64(e.rm) : 0)
            switch e.operation {
            case .mul, .mulh, .mulhsu, .mulhu:
                dynamic.append(false); fixed.append(UInt64(tables.cost[op]))
            case .lui, .auipc, .addi, .xori, .ori, .andi, .slti, .sltiu, .slli, .srli, .srai, .add, .sub, .xor, .or, .and,
                 .sll, .srl, .sra, .slt, .sltu, .fence, .fsgnj, .fsgnjn, .fsgnjx, .fmvXW, .fmvWX,
                 .beq, .bne, .blt, .bge, .bltu, .bgeu, .jal, .jalr:
                dynamic.append(false); fixed.append(0)  // (a jump's or branch's events: where it leaves the block)
            default:
                dynamic.append(true); fixed.append(0)
            }
        }
    }

    /// The totals the first `n` instructions add whenever they run, as (index, amount), in
    /// index order (the parts counted as they run are not here). A jump or branch ends its
    /// block: its events are added where it leaves (`X86Assembler.goOn`).
    func constant(_ n: Int) -> [(Int, UInt64)] {
        var totals = [UInt64](repeating: 0, count: EventTotals.count)
        for i in 0..<n {
            if memory[i] {
                totals[EventTotals.loadStallCycles] &+= hazard[i] &- jumpHazard[i]
                totals[EventTotals.jumpHazardCycles] &+= jumpHazard[i]
            } else if !dynamic[i] {
                totals[base[i] | (fixed[i] != 0 ? EventTotals.stalled : 0)] &+= 1
                totals[EventTotals.stallCycles + cost[i]] &+= fixed[i]
            }
        }
        return totals.indices.filter { totals[$0] != 0 }.map { ($0, totals[$0]) }
    }
}

/// The binary trace records of a traced block's instructions (`BlockCompiler.compileTraced`):
/// each record's place, relative to where the block's first record goes (after its explicit pc,
/// if it has one), and what the code writes into it.
struct TracePlan {
    /// Record i at `offsets[i]` from where the records go (`traceOut`) as of its instruction;
    /// `offsets[n]` the bytes of the first n. An instruction that can raise FP flags has a record
    /// of one of two lengths (with the fflags effect or without): its code moves `traceOut` on
    /// past it, and the offsets after it start again at 0.
    var offsets: [Int32] = [0]
    /// Its length (without an fflags effect); whether it can raise FP flags.
    var sizes: [Int32] = []
    var flags: [Bool] = []
    /// The tag's effect count and the first effect's code (its second byte after the cycle delta).
    var effects: [UInt8] = []
    var firstCode: [UInt8] = []
    /// The register effect's code (x: n, f: 0x20 | n), nil if none; the register block's word
    /// (x0-x31, the x0 sink, f0-f31) its value and a store's data come from.
    var register: [UInt8?] = []
    var valueSlot: [Int32] = []
    /// The memory effect's code (0x50 | size, 0x60 | size), nil if none.
    var memory: [UInt8?] = []
    /// Instruction i's stalls are not a constant: the code notes the stalls before it.
    var dynamic: [Bool] = []
    /// Its constant stalls otherwise.
    var fixed: [UInt8] = []
    /// pc + length of instruction i (the encoder's next pc after it), its pc and word.
    var next: [UInt32] = []
    var pcs: [UInt32] = []
    var words: [UInt32] = []
    /// It makes the FP state dirty (the code leaves before it unless the state is dirty already).
    var dirtiesFP: [Bool] = []
    /// A static jump or link value (jal, jalr: pc + length).
    var link: [UInt32?] = []
    /// Where the code after the word checks starts (a loop of one block goes on there).
    var body = 0
    /// The first instruction is 32-bit and not word-aligned (`X86Assembler.jumpedEntry`).
    let unaligned: Bool

    init(_ entries: UnsafeMutablePointer<DecodedInstruction>, count: Int, words: [UInt32], tables: OperationTables, unaligned: Bool) {
        self.unaligned = unaligned
        self.words = words
        for i in 0..<count {
            let e = entries[i], op = Int(e.operation.rawValue)
            let traits = tables.trace[op], source = tables.capturedValue[op]
            var n: Int32 = 2, effects: UInt8 = 0, first: UInt8? = nil
            var reg: UInt8? = nil
            if traits & TraceTraits.writesX != 0 { if e.rd != zeroSinkRegister { reg = e.rd & 31 } }
            else if traits & TraceTraits.writesF != 0 { reg = 0x20 | (e.rd & 31) }
            if let reg { n += 5; effects += 1; first = reg }
            let size = traits & TraceTraits.sizeMask
            var mem: UInt8? = nil
            if size != 0 {
                let store = traits & TraceTraits.store != 0
                mem = (store ? 0x60 : 0x50) | size
                n += 5 + (store ? Int32(size) : 0)
                effects += 1
                if first == nil { first = mem }
            }
            let flagged = traits & TraceTraits.fflags != 0
            offsets.append(flagged ? 0 : offsets[i] + n)
            sizes.append(n)
            flags.append(flagged)
            self.effects.append(effects)
            firstCode.append(first ?? 0)
            register.append(reg)
            memory.append(mem)
            let r = (source & 1) != 0 ? e.rs2 : e.rd
            valueSlot.append(Int32(r) + Int32(source >> 1) * 33)
            let here = e.tag
            pcs.append(here)
            next.append(here &+ UInt32(e.length))
            let cost = tables.cost[op]
            switch e.operation {
            case .mul, .mulh, .mulhsu, .mulhu:
                dynamic.append(false); fixed.append(cost)
            case .lb, .lbu, .lh, .lhu, .lw, .sb, .sh, .sw, .flw, .fsw, .div, .divu, .rem, .remu, .jalr:
                dynamic.append(true); fixed.append(0)
            case .lui, .auipc, .addi, .xori, .ori, .andi, .slti, .sltiu, .slli, .srli, .srai, .add, .sub, .xor, .or, .and,
                 .sll, .srl, .sra, .slt, .sltu, .fence, .fsgnj, .fsgnjn, .fsgnjx, .fmvXW, .fmvWX,
                 .beq, .bne, .blt, .bge, .bltu, .bgeu, .jal:
                dynamic.append(false); fixed.append(0)  // (a jump's or branch's cycles end the block: `goOn`)
            default:
                dynamic.append(true); fixed.append(0)  // (through their semantics)
            }
            // (What writes an f register, and what can raise flags: the loop's record of the one
            // that makes the state dirty needs the general formatter.)
            dirtiesFP.append(traits & (TraceTraits.writesF | TraceTraits.fflags) != 0)
            link.append(e.operation == .jal || e.operation == .jalr ? here &+ UInt32(e.length) : nil)
        }
    }
}

// MARK: - x86-64 code

/// x86-64 registers by their encoding.
enum X86Register: UInt8 {
    case rax = 0, rcx, rdx, rbx, rsp, rbp, rsi, rdi, r8, r9, r10, r11, r12, r13, r14, r15
}

/// Condition codes (the low nibble of jcc and setcc).
enum X86Condition: UInt8 {
    case below = 0x2, aboveOrEqual = 0x3, equal = 0x4, notEqual = 0x5, belowOrEqual = 0x6, above = 0x7
    case less = 0xC, greaterOrEqual = 0xD, lessOrEqual = 0xE
}

/// A memory operand: [base + index·scale + displacement].
struct X86Memory {
    var base: X86Register
    var index: X86Register? = nil
    var scale: UInt8 = 1
    var displacement: Int32 = 0
}

/// Emits a block's code, or the shared entry and exit code. Registers while compiled code runs:
///
/// | register | holds |
/// |---|---|
/// | rdi | the context (`CompiledBlockContext`) |
/// | rsi | the x registers |
/// | r8 | the hart's segment table |
/// | rbx | the code-page map |
/// | r10 | the turn's stalls |
/// | r15 | the turn's budget left, as of the block's first instruction |
/// | r12, r13, r14 | the TCDM log's records (0: not logged; `CompiledBlockContext.gate`), the turn's record cycle, the tail |
/// | rbp | the code space |
///
/// rax, rcx, rdx, r9 and r11 are scratch. The entry code saves the caller's rbx, rbp and
/// r12-r15 and the exit code restores them.
struct X86Assembler {
    typealias R = X86Register
    /// The code so far: `count` bytes at `buffer` (of which at most `capacity` are kept; the
    /// caller refuses code longer than that).
    private let buffer: UnsafeMutablePointer<UInt8>
    private let capacity: Int
    private(set) var count = 0
    /// A copy of the code (tests).
    var bytes: [UInt8] { Array(UnsafeBufferPointer(start: buffer, count: min(count, capacity))) }
    let space: UnsafeMutableRawPointer
    let blocks: UnsafeMutablePointer<Block>
    /// Where these bytes go in the space, the shared exit's offset, the block's header.
    var origin = 0
    var leaveOffset = 0
    var header: UnsafeMutableRawPointer?
    /// Traced code (`BlockCompiler.compileTraced`): the block's records.
    var trace: TracePlan?
    /// Counting code (`BlockCompiler.compileCounting`): the block's events.
    var counting: CountPlan?
    /// The x register whose value eax holds after the code so far (the last instruction's
    /// result, which it stored too): the next instruction takes it from there instead of loading
    /// it back, which would wait for the store (nil: none; not in traced code).
    private var held: UInt8?
    /// Jumps to the exit before instruction `index`: the rel32's position.
    private var exits: [(at: Int, index: Int)] = []
    /// Out-of-line code: entered by the jump whose rel32 is at `at`, going back to `back`.
    private var cold: [(at: Int, back: Int, kind: Cold)] = []
    private enum Cold {
        /// One more cycle for an access across a word boundary.
        case misaligned
        /// The TCDM log's record of instruction `index`, an access of `size` bytes.
        case log(index: Int, size: UInt32)
        /// Counting code: an instruction of class `base` and cost class `cost` whose extra
        /// cycles (r11, the totals at r9) are not 0.
        case stalled(base: Int, cost: Int)
    }

    init(space: UnsafeMutableRawPointer, blocks: UnsafeMutablePointer<Block>, buffer: UnsafeMutablePointer<UInt8>, capacity: Int) {
        self.space = space
        self.blocks = blocks
        self.buffer = buffer
        self.capacity = capacity
        exits.reserveCapacity(256)
        cold.reserveCapacity(64)
    }

    /// Copies the code to `destination`.
    func copy(to destination: UnsafeMutableRawPointer) { destination.copyMemory(from: buffer, byteCount: min(count, capacity)) }

    private static func offset(_ key: PartialKeyPath<CompiledBlockContext>) -> Int32 {
        Int32(MemoryLayout<CompiledBlockContext>.offset(of: key)!)
    }
    private static func context(_ key: PartialKeyPath<CompiledBlockContext>) -> X86Memory {
        X86Memory(base: .rdi, displacement: offset(key))
    }
    private static let segmentShift = UInt8(MemoryLayout<Segment>.stride.trailingZeroBitCount)
    private static func segment(_ key: PartialKeyPath<Segment>) -> X86Memory {
        X86Memory(base: .r8, index: .rax, displacement: Int32(MemoryLayout<Segment>.offset(of: key)!))
    }

    // MARK: Encoding

    mutating func byte(_ v: UInt8) {
        if count < capacity { buffer[count] = v }
        count += 1
    }
    mutating func dword(_ v: UInt32) {
        for i in 0..<4 { byte(UInt8(truncatingIfNeeded: v >> UInt32(8 * i))) }
    }
    mutating func qword(_ v: UInt64) {
        for i in 0..<8 { byte(UInt8(truncatingIfNeeded: v >> UInt64(8 * i))) }
    }
    /// Overwrites the 32-bit value at `at`.
    mutating func patch(_ at: Int, _ v: UInt32) {
        for i in 0..<4 where at + i < capacity { buffer[at + i] = UInt8(truncatingIfNeeded: v >> UInt32(8 * i)) }
    }

    private mutating func rex(w: Bool, reg: UInt8, index: UInt8, base: UInt8, byteRegister: Bool = false) {
        let v: UInt8 = 0x40 | (w ? 8 : 0) | ((reg >> 3) & 1) << 2 | ((index >> 3) & 1) << 1 | ((base >> 3) & 1)
        if v != 0x40 || byteRegister { byte(v) }
    }

    private mutating func modrm(_ reg: UInt8, _ m: X86Memory) {
        let base = m.base.rawValue & 7
        let mode: UInt8 = (m.displacement == 0 && base != 5) ? 0 : (Int8(exactly: m.displacement) != nil ? 1 : 2)
        if let index = m.index {
            let scale: UInt8 = m.scale == 8 ? 3 : m.scale == 4 ? 2 : m.scale == 2 ? 1 : 0
            byte(mode << 6 | (reg & 7) << 3 | 4)
            byte(scale << 6 | (index.rawValue & 7) << 3 | base)
        } else if base == 4 {
            byte(mode << 6 | (reg & 7) << 3 | 4)
            byte(0x24)
        } else {
            byte(mode << 6 | (reg & 7) << 3 | base)
        }
        if mode == 1 { byte(UInt8(bitPattern: Int8(m.displacement))) } else if mode == 2 { dword(UInt32(bitPattern: m.displacement)) }
    }

    /// `opcode reg, [m]` (or `[m], reg`, as the opcode says); `byteRegister`: reg is a byte
    /// register (spl-dil need a REX prefix).
    private mutating func memory(_ opcode: UInt16, _ reg: UInt8, _ m: X86Memory, w: Bool = false, operandSize16: Bool = false,
                                 byteRegister: Bool = false) {
        if operandSize16 { byte(0x66) }
        rex(w: w, reg: reg, index: m.index?.rawValue ?? 0, base: m.base.rawValue, byteRegister: byteRegister && reg >= 4 && reg < 8)
        opcodeBytes(opcode)
        modrm(reg, m)
    }

    /// One opcode byte, or two (0F xx) when `opcode` is above 0xFF.
    private mutating func opcodeBytes(_ opcode: UInt16) {
        if opcode > 0xFF { byte(UInt8(opcode >> 8)) }
        byte(UInt8(truncatingIfNeeded: opcode))
    }

    /// `opcode reg, rm` between registers; `byteRegister`: rm is a byte register.
    private mutating func registers(_ opcode: UInt16, _ reg: UInt8, _ rm: R, w: Bool = false, byteRegister: Bool = false) {
        rex(w: w, reg: reg, index: 0, base: rm.rawValue, byteRegister: byteRegister && rm.rawValue >= 4 && rm.rawValue < 8)
        opcodeBytes(opcode)
        byte(0xC0 | (reg & 7) << 3 | (rm.rawValue & 7))
    }

    mutating func load32(_ r: R, _ m: X86Memory) { memory(0x8B, r.rawValue, m) }
    mutating func store32(_ m: X86Memory, _ r: R) { memory(0x89, r.rawValue, m) }
    mutating func load64(_ r: R, _ m: X86Memory) { memory(0x8B, r.rawValue, m, w: true) }
    mutating func store64(_ m: X86Memory, _ r: R) { memory(0x89, r.rawValue, m, w: true) }
    mutating func storeImmediate32(_ m: X86Memory, _ v: UInt32) { memory(0xC7, 0, m); dword(v) }
    mutating func move32(_ r: R, _ v: UInt32) {
        rex(w: false, reg: 0, index: 0, base: r.rawValue)
        byte(0xB8 | (r.rawValue & 7)); dword(v)
    }
    mutating func move64(_ r: R, _ v: UInt64) {
        rex(w: true, reg: 0, index: 0, base: r.rawValue)
        byte(0xB8 | (r.rawValue & 7)); qword(v)
    }
    mutating func move32(_ d: R, _ s: R) { registers(0x89, s.rawValue, d) }
    mutating func move64(_ d: R, _ s: R) { registers(0x89, s.rawValue, d, w: true) }

    /// ALU operations: their /digit for `op r/m, imm`; `op r, r/m` is digit·8 + 3.
    enum ALU: UInt8 {
        case add = 0, or = 1, and = 4, sub = 5, xor = 6, cmp = 7
        var loadOpcode: UInt8 { rawValue << 3 | 3 }
        var storeOpcode: UInt8 { rawValue << 3 | 1 }
    }
    mutating func alu32(_ op: ALU, _ r: R, _ m: X86Memory) { memory(UInt16(op.loadOpcode), r.rawValue, m) }
    mutating func alu32(_ op: ALU, _ r: R, _ v: UInt32) {
        if let small = Int8(exactly: Int32(bitPattern: v)) { registers(0x83, op.rawValue, r); byte(UInt8(bitPattern: small)) }
        else { registers(0x81, op.rawValue, r); dword(v) }
    }
    mutating func alu64(_ op: ALU, _ r: R, _ v: Int32) {
        if let small = Int8(exactly: v) { registers(0x83, op.rawValue, r, w: true); byte(UInt8(bitPattern: small)) }
        else { registers(0x81, op.rawValue, r, w: true); dword(UInt32(bitPattern: v)) }
    }
    mutating func alu64(_ op: ALU, _ d: R, _ s: R) { registers(UInt16(op.storeOpcode), s.rawValue, d, w: true) }
    /// `op r64, qword [m]`.
    mutating func alu64(_ op: ALU, _ r: R, _ m: X86Memory) { memory(UInt16(op.loadOpcode), r.rawValue, m, w: true) }
    /// `op qword [m], imm32`.
    mutating func alu64(_ op: ALU, _ m: X86Memory, _ v: Int32) { memory(0x81, op.rawValue, m, w: true); dword(UInt32(bitPattern: v)) }
    /// `mov byte [m], imm8`.
    mutating func storeImmediate8(_ m: X86Memory, _ v: UInt8) { memory(0xC6, 0, m); byte(v) }
    mutating func alu32r(_ op: ALU, _ d: R, _ s: R) { registers(UInt16(op.storeOpcode), s.rawValue, d) }
    /// `op r8, byte [m]`.
    mutating func alu8(_ op: ALU, _ r: R, _ m: X86Memory) { memory(UInt16(op.loadOpcode - 1), r.rawValue, m, byteRegister: true) }
    /// `cmp dword [m], imm32`.
    mutating func compare32(_ m: X86Memory, _ v: UInt32) { memory(0x81, 7, m); dword(v) }
    /// `cmp word [m], imm8`.
    mutating func compare16(_ m: X86Memory, _ v: Int8) { memory(0x83, 7, m, operandSize16: true); byte(UInt8(bitPattern: v)) }
    /// `cmp byte [m], imm8`.
    mutating func compare8(_ m: X86Memory, _ v: UInt8) { memory(0x80, 7, m); byte(v) }
    /// `test r8, imm8` (al, cl, dl, bl or r8b-r15b).
    mutating func testByte(_ r: R, _ v: UInt8) { registers(0xF6, 0, r); byte(v) }

    enum Shift: UInt8 { case left = 4, right = 5, arithmetic = 7 }
    mutating func shift32(_ s: Shift, _ r: R, _ amount: UInt8) { registers(0xC1, s.rawValue, r); byte(amount & 31) }
    mutating func shift32ByCL(_ s: Shift, _ r: R) { registers(0xD3, s.rawValue, r) }
    mutating func shift64(_ s: Shift, _ r: R, _ amount: UInt8) { registers(0xC1, s.rawValue, r, w: true); byte(amount & 63) }

    mutating func multiply32(_ r: R, _ m: X86Memory) { memory(0x0FAF, r.rawValue, m) }
    mutating func multiply64(_ d: R, _ s: R) { registers(0x0FAF, d.rawValue, s, w: true) }
    mutating func signExtend32to64(_ r: R, _ m: X86Memory) { memory(0x63, r.rawValue, m, w: true) }
    mutating func loadByte(_ r: R, _ m: X86Memory, signed: Bool) { memory(signed ? 0x0FBE : 0x0FB6, r.rawValue, m) }
    mutating func loadHalf(_ r: R, _ m: X86Memory, signed: Bool) { memory(signed ? 0x0FBF : 0x0FB7, r.rawValue, m) }
    mutating func storeByte(_ m: X86Memory, _ r: R) { memory(0x88, r.rawValue, m, byteRegister: true) }
    mutating func storeHalf(_ m: X86Memory, _ r: R) { memory(0x89, r.rawValue, m, operandSize16: true) }
    mutating func lea32(_ r: R, _ m: X86Memory) { memory(0x8D, r.rawValue, m) }
    mutating func lea64(_ r: R, _ m: X86Memory) { memory(0x8D, r.rawValue, m, w: true) }
    mutating func set(_ c: X86Condition, _ r: R) { registers(0x0F90 | UInt16(c.rawValue), 0, r, byteRegister: true) }
    mutating func zeroExtend8(_ d: R, _ s: R) { registers(0x0FB6, d.rawValue, s, byteRegister: true) }
    mutating func test64(_ a: R, _ b: R) { registers(0x85, b.rawValue, a, w: true) }
    mutating func push(_ r: R) { if r.rawValue >= 8 { byte(0x41) }; byte(0x50 | (r.rawValue & 7)) }
    mutating func pop(_ r: R) { if r.rawValue >= 8 { byte(0x41) }; byte(0x58 | (r.rawValue & 7)) }

    /// A conditional jump to a later place: the rel32's position, for `land`.
    mutating func jump(_ c: X86Condition) -> Int { byte(0x0F); byte(0x80 | c.rawValue); dword(0); return count - 4 }
    /// Points the jump whose rel32 is at `at` to here.
    mutating func land(_ at: Int) { patch(at, UInt32(truncatingIfNeeded: count - (at + 4))) }
    /// `jmp` to `offset` in these bytes.
    mutating func jump(to offset: Int) { byte(0xE9); dword(UInt32(truncatingIfNeeded: offset - (count + 4))) }
    /// `jmp` to the shared exit code.
    mutating func jumpToLeave() { jump(to: leaveOffset - origin) }
    /// `jmp rax`.
    mutating func jumpToRAX() { byte(0xFF); byte(0xE0) }
    /// A conditional jump to the exit before instruction `index`.
    mutating func exit(if c: X86Condition, _ index: Int) { exits.append((jump(c), index)) }

    // MARK: Entry and exit

    private static let saved: [R] = [.rbx, .rbp, .r12, .r13, .r14, .r15]

    /// The shared entry (at 0: `CompiledEntry`) and exit code; the exit's offset.
    mutating func stubs() -> Int {
        for r in X86Assembler.saved { push(r) }
        move64(.rax, .rsi)
        load64(.rsi, X86Assembler.context(\.x))
        load64(.r8, X86Assembler.context(\.segments))
        load64(.rbx, X86Assembler.context(\.codePages))
        load64(.r15, X86Assembler.context(\.remaining))
        load64(.r10, X86Assembler.context(\.stalls))
        load64(.r12, X86Assembler.context(\.gate))
        load64(.r13, X86Assembler.context(\.logCycle))
        load64(.r14, X86Assembler.context(\.tail))
        move64(.rbp, UInt64(UInt(bitPattern: space)))
        jumpToRAX()
        while count & 15 != 0 { byte(0xCC) }
        let leave = count
        store64(X86Assembler.context(\.remaining), .r15)
        store64(X86Assembler.context(\.stalls), .r10)
        store64(X86Assembler.context(\.tail), .r14)
        for r in X86Assembler.saved.reversed() { pop(r) }
        byte(0xC3)
        return leave
    }

    /// The block's budget test: on only if `remaining − stalls` exceeds the bound (its imm32 at
    /// `bound`, patched), else to the checked code (the jump's rel32 at `short`, landed there).
    mutating func budgetTest() -> (bound: Int, short: Int) {
        move64(.rax, .r15)
        alu64(.sub, .rax, .r10)
        registers(0x81, ALU.cmp.rawValue, .rax, w: true); dword(0)
        let bound = count - 4
        return (bound, jump(.lessOrEqual))
    }

    /// The block loop's test before instruction `index` (`remaining > stalls`, with remaining
    /// r15 − index): back to the loop there if it fails.
    mutating func exactBudgetTest(_ index: Int) {
        held = nil
        move64(.rax, .r15)
        alu64(.sub, .rax, .r10)
        alu64(.cmp, .rax, Int32(index))
        exit(if: .lessOrEqual, index)
    }

    /// The entry of instruction `index` (the block loop's, after the header).
    private func entry(_ index: Int) -> UInt64 {
        UInt64(UInt(bitPattern: header.unsafelyUnwrapped + (index + 1) * MemoryLayout<DecodedInstruction>.stride))
    }

    /// Leaves before instruction `index` (after `index` instructions): back to the block loop at
    /// its entry.
    mutating func exit(_ index: Int) {
        if index > 0 { alu64(.sub, .r15, Int32(index)) }
        if let trace, index > 0 { traceCommit(index, lastFixed: trace.dynamic[index - 1] ? nil : trace.fixed[index - 1]) }
        if let counting { countCommit(counting.constant(index)) }
        move64(.rax, entry(index))
        jumpToLeave()
    }

    /// The four bytes before a block's code: `add r10, 1` when it is entered by a jump to a
    /// 32-bit instruction that is not word-aligned, else a four-byte nop.
    mutating func jumpedEntry(unaligned: Bool) {
        if unaligned { alu64(.add, .r10, 1) } else { byte(0x0F); byte(0x1F); byte(0x40); byte(0x00) }
        precondition(count == 4)
    }

    /// After the jump or branch that is instruction `index`, to `target` (`jumped`: a jump or
    /// taken branch): on to the compiled block there if the block table holds one (entered
    /// four bytes early after a jump), else back to the block loop with pc.
    private mutating func goOn(after index: Int, to target: UInt32, jumped: Bool, cost: UInt8 = 0) {
        alu64(.sub, .r15, Int32(index + 1))
        if trace != nil { traceCommit(index + 1, lastFixed: jumped ? cost : 0) }
        if let counting {
            // The jump or branch: a cost of its own when it jumps (and its target's fetch cycle,
            // charged at the target).
            var totals = counting.constant(index)
            totals.append((counting.base[index] | (jumped ? EventTotals.stalled : 0), 1))
            if jumped && cost != 0 { totals.append((EventTotals.stallCycles + counting.cost[index], UInt64(cost))) }
            countCommit(totals)
            if jumped { storeImmediate32(X86Assembler.context(\.countLastCost), UInt32(counting.cost[index])) }
        }
        storeImmediate32(X86Assembler.context(\.jumpedTo), target)
        // Back to this block's own start (a loop of one block): straight to its code, as the
        // lookup would. The table holds this block while its code runs: nothing changes the table
        // while compiled code runs (the code leaves before any store into a page holding decoded
        // code; blocks are formed, dropped and emptied by the block loop only).
        if let header, target == header.assumingMemoryBound(to: DecodedInstruction.self).pointee.tag {
            if let trace {
                // (Past the word checks: the encoder's words do not change while compiled code runs.)
                if jumped && trace.unaligned { alu64(.add, .r10, 1) }
                jump(to: trace.body)
            } else if counting != nil {
                jump(to: jumped ? 0 : BlockCompiler.countedPrefix)
            } else {
                jump(to: jumped ? 0 : 4)
            }
            return
        }
        let slot = blocks + Int((target >> 1) & Interpreter.blockMask)
        move64(.rax, UInt64(UInt(bitPattern: slot)))
        compare32(X86Memory(base: .rax, displacement: X86Assembler.blockTag), target)
        let absent = jump(.notEqual)
        enterBlock(at: .rax, jumped: jumped)
        land(absent)
        storeImmediate32(X86Assembler.context(\.pc), target)
        storeImmediate32(X86Assembler.context(\.align), jumped ? 1 : 0)
        byte(0x31); byte(0xC0)  // xor eax, eax
        jumpToLeave()
    }

    private static let blockTag = Int32(MemoryLayout<Block>.offset(of: \Block.tag)!)
    private static let blockFirst = Int32(MemoryLayout<Block>.offset(of: \Block.first)!)

    /// Given the block table slot in `slot` whose tag matched: jumps to its block's code if it
    /// has some, else falls through (rax, r9 clobbered).
    private mutating func enterBlock(at slot: R, jumped: Bool) {
        load64(.rax, X86Memory(base: slot, displacement: X86Assembler.blockFirst))
        compare8(X86Memory(base: .rax, displacement: Int32(MemoryLayout<DecodedInstruction>.offset(of: \DecodedInstruction.specIndex)!)),
                 Interpreter.compiledMarker)
        let notCompiled = jump(.notEqual)
        if counting != nil {
            // Its counting code, if it has some (`BlockCompiler.countedCode`: 0 and
            // `noCountedCode` are none).
            loadHalf(.rax, X86Memory(base: .rax, displacement: Int32(BlockCompiler.countedField)), signed: false)
            alu32(.sub, .rax, 1)
            alu32(.cmp, .rax, UInt32(BlockCompiler.noCountedCode) - 1)
            let notCounted = jump(.aboveOrEqual)
            shift64(.left, .rax, 8)
            lea64(.rax, X86Memory(base: .rbp, index: .rax, displacement: jumped ? 256 : 256 + Int32(BlockCompiler.countedPrefix)))
            jumpToRAX()
            land(notCounted)
        } else if trace != nil {
            // Its traced code, if it has some.
            load32(.rax, X86Memory(base: .rax, displacement: Int32(BlockCompiler.tracedField)))
            alu32(.cmp, .rax, 16)
            let notTraced = jump(.below)
            lea64(.rax, X86Memory(base: .rbp, index: .rax, displacement: jumped ? -4 : 0))
            jumpToRAX()
            land(notTraced)
        } else {
            signExtend32to64(.rax, X86Memory(base: .rax, displacement: Int32(MemoryLayout<DecodedInstruction>.offset(of: \DecodedInstruction.imm)!)))
            lea64(.rax, X86Memory(base: .rbp, index: .rax, displacement: jumped ? -4 : 0))
            jumpToRAX()
        }
        land(notCompiled)
    }

    /// A jalr (instruction `index`, the instruction before it in the block known): as
    /// `Execution.rv32i` does it, then on to the compiled block at its target if there is one.
    private mutating func emitJumpRegister(_ e: DecodedInstruction, index: Int, cost: UInt8, held: UInt8?) {
        let here = e.tag
        loadRCX(e.rs1, held: held)
        if e.imm != 0 { alu32(.add, .rcx, UInt32(bitPattern: e.imm)) }
        alu32(.and, .rcx, ~UInt32(1))
        if e.rs3 != 0 {
            // It waits for the instruction before it unless a jump landed on it (`jalrWaits`).
            compare32(X86Assembler.context(\.jumpedTo), here)
            let landed = jump(.equal)
            alu64(.add, .r10, 1)
            if counting != nil {
                // (A jump stall of its own, not the jump's cost: as the counting loop counts it.)
                load64(.r9, X86Assembler.context(\.countTotals))
                add64(X86Memory(base: .r9, displacement: Int32(EventTotals.jumpHazardCycles * 8)), 1)
            }
            land(landed)
        }
        storeImmediate32(x(e.rd), here &+ UInt32(e.length))
        load64(.r9, X86Assembler.context(\.core))
        storeImmediate32(X86Memory(base: .r9, displacement: Int32(MemoryLayout<HartCore>.offset(of: \HartCore.lastJalrFrom)!)), here)
        store32(X86Memory(base: .r9, displacement: Int32(MemoryLayout<HartCore>.offset(of: \HartCore.lastJalrTarget)!)), .rcx)
        addStalls(cost)
        alu64(.sub, .r15, Int32(index + 1))
        if trace != nil { traceCommit(index + 1, lastFixed: nil) }
        if let counting {
            var totals = counting.constant(index)
            totals.append((counting.base[index] | EventTotals.stalled, 1))
            if cost != 0 { totals.append((EventTotals.stallCycles + counting.cost[index], UInt64(cost))) }
            countCommit(totals)
            storeImmediate32(X86Assembler.context(\.countLastCost), UInt32(counting.cost[index]))
        }
        store32(X86Assembler.context(\.jumpedTo), .rcx)
        move32(.rax, .rcx)
        shift32(.right, .rax, 1)
        alu32(.and, .rax, Interpreter.blockMask)
        shift64(.left, .rax, UInt8(MemoryLayout<Block>.stride.trailingZeroBitCount))
        move64(.r9, UInt64(UInt(bitPattern: blocks)))
        alu64(.add, .rax, .r9)
        alu32(.cmp, .rcx, X86Memory(base: .rax, displacement: X86Assembler.blockTag))
        let absent = jump(.notEqual)
        enterBlock(at: .rax, jumped: true)
        land(absent)
        store32(X86Assembler.context(\.pc), .rcx)
        storeImmediate32(X86Assembler.context(\.align), 1)
        byte(0x31); byte(0xC0)  // xor eax, eax
        jumpToLeave()
    }

    /// The exits and the out-of-line code.
    mutating func finish() {
        var done = [Int](repeating: -1, count: Interpreter.maxBlock + 2)
        emitExits(&done)
        for (at, back, kind) in cold {
            land(at)
            switch kind {
            case .misaligned:
                alu64(.add, .r10, 1)
            case .stalled(let base, let cost):
                add64(X86Assembler.total(EventTotals.stallCycles + cost), .r11)
                add64(X86Assembler.total(base | EventTotals.stalled), 1)
            case .log(let index, let size):
                // r12 (`CompiledBlockContext.gate`): the log's records, their address + 1 while a
                // read watch is set too, 1 with the watch alone.
                testByte(.r12, 1)
                let watched = jump(.notEqual)
                emitLogRecord(index: index, size: size, base: 0)
                jump(to: back)
                land(watched)
                // An access in the read watch (`Execution.watched`) leaves.
                move32(.r9, .rcx)
                alu32(.and, .r9, Interpreter.readWatchMask)
                alu32(.sub, .r9, X86Assembler.context(\.readWatchStart))
                alu32(.cmp, .r9, X86Assembler.context(\.readWatchSpan))
                exit(if: .below, index)
                alu64(.cmp, .r12, 1)
                let unlogged = jump(.equal)
                emitLogRecord(index: index, size: size, base: -1)
                land(unlogged)
            }
            jump(to: back)
        }
        cold.removeAll()
        emitExits(&done)  // (those of the out-of-line code)
    }

    /// The TCDM log's record of instruction `index`, an access of `size` bytes at ecx (the log's
    /// records at r12 + `base`), unless the access is not to the TCDM.
    private mutating func emitLogRecord(index: Int, size: UInt32, base: Int32) {
        compare16(X86Assembler.segment(\Segment.tcdm), 0)
        let notTCDM = jump(.equal)
        if size == 4 {
            // Across a word boundary: two records; the block loop does it.
            testByte(.rcx, 3)
            exit(if: .notEqual, index)
        } else if size == 2 {
            lea32(.r9, X86Memory(base: .rcx, displacement: 1))
            testByte(.r9, 3)
            exit(if: .equal, index)
        }
        // (record cycle − remaining + stalls) << 4 | bank, with remaining = r15 − index.
        lea64(.r9, X86Memory(base: .r13, index: .r10, displacement: Int32(index)))
        alu64(.sub, .r9, .r15)
        shift64(.left, .r9, 4)
        move32(.r11, .rcx)
        shift32(.right, .r11, 2)
        alu32(.and, .r11, 15)
        alu64(.or, .r9, .r11)
        move64(.r11, .r14)
        alu64(.and, .r11, Int32(TCDMArbiter.mask))
        store64(X86Memory(base: .r12, index: .r11, scale: 8, displacement: base), .r9)
        alu64(.add, .r14, 1)
        land(notTCDM)
    }

    /// The exits jumped to so far, one per instruction (`done`: where each is).
    private mutating func emitExits(_ done: inout [Int]) {
        for (at, index) in exits {
            if done[index] >= 0 { patch(at, UInt32(truncatingIfNeeded: done[index] - (at + 4))); continue }
            done[index] = count
            land(at)
            exit(index)
        }
        exits.removeAll()
    }

    // MARK: Instructions

    private func x(_ r: UInt8) -> X86Memory { X86Memory(base: .rsi, displacement: Int32(r) * 4) }
    /// f registers follow the x registers and the x0 sink (`Hart.f`).
    private func f(_ r: UInt8) -> X86Memory { X86Memory(base: .rsi, displacement: (33 + Int32(r)) * 4) }

    /// mstatus.FS = dirty (`Execution.dirtyFloatState`).
    private mutating func dirtyFloatState() {
        load64(.r9, X86Assembler.context(\.core))
        memory(0x81, ALU.or.rawValue, X86Memory(base: .r9, displacement: Int32(MemoryLayout<HartCore>.offset(of: \HartCore.mstatus)!)))
        dword(Hart.mstatusFS)
    }

    /// Instruction `index` through its semantics (`compiledOperation`); leaves before it if they
    /// cannot run it. The call keeps the stack 16-byte aligned (the entry's return address and
    /// six saved registers, then rdi).
    private mutating func emitThroughSemantics(_ e: DecodedInstruction, index: Int) {
        store64(X86Assembler.context(\.stalls), .r10)
        push(.rdi)
        move64(.rsi, entry(index))
        let operation = trace == nil ? compiledOperation : compiledOperationTraced
        move64(.rax, UInt64(UInt(bitPattern: unsafeBitCast(operation, to: UnsafeRawPointer.self))))
        byte(0xFF); byte(0xD0)  // call rax
        pop(.rdi)
        load64(.rsi, X86Assembler.context(\.x))
        load64(.r8, X86Assembler.context(\.segments))
        load64(.r10, X86Assembler.context(\.stalls))
        byte(0x85); byte(0xC0)  // test eax, eax
        exit(if: .notEqual, index)
    }

    private mutating func addStalls(_ n: UInt8) { if n != 0 { alu64(.add, .r10, Int32(n)) } }

    /// Emits instruction `index`; what it adds to the stalls besides its cycle (for the budget
    /// test), or nil if it is not covered (nothing emitted).
    mutating func emit(_ e: DecodedInstruction, index: Int, tables: OperationTables) -> (fixed: UInt8, memory: Bool)? {
        if let counting, counting.dynamic[index] {
            store64(X86Assembler.context(\.countSnapshot), .r10)
            let stalls = emitOperation(e, index: index, tables: tables)
            countDynamic(index)
            return stalls
        }
        guard trace != nil else { return emitOperation(e, index: index, tables: tables) }
        let ends = tables.endsBlock[Int(e.operation.rawValue)] != 0
        tracePrelude(index, ends: ends)
        let stalls = emitOperation(e, index: index, tables: tables)
        if !ends { traceValues(index) }
        return stalls
    }

    /// eax = x register `r` (`held`: the register eax holds).
    private mutating func loadRAX(_ r: UInt8, held: UInt8?) { if held != r { load32(.rax, x(r)) } }
    /// ecx = x register `r`.
    private mutating func loadRCX(_ r: UInt8, held: UInt8?) { if held == r { move32(.rcx, .rax) } else { load32(.rcx, x(r)) } }
    /// eax = x[a] `op` x[b] (b from memory, or from ecx when eax held it).
    private mutating func binary(_ op: ALU, _ a: UInt8, _ b: UInt8, held: UInt8?) {
        if held == b && a != b {
            move32(.rcx, .rax)
            load32(.rax, x(a))
            alu32r(op, .rax, .rcx)
        } else {
            loadRAX(a, held: held)
            alu32(op, .rax, x(b))
        }
    }

    private mutating func emitOperation(_ e: DecodedInstruction, index: Int, tables: OperationTables) -> (fixed: UInt8, memory: Bool)? {
        let imm = UInt32(bitPattern: e.imm)
        let here = e.tag
        let cost = tables.cost[Int(e.operation.rawValue)]
        var stalls: (fixed: UInt8, memory: Bool) = (0, false)
        // (Traced code writes records between instructions, with eax.)
        let held = trace == nil ? self.held : nil
        self.held = nil
        switch e.operation {
        case .lui, .auipc:
            // (Through eax: the instruction after it often reads it, an addi or a load.)
            move32(.rax, e.operation == .lui ? imm : here &+ imm)
            store32(x(e.rd), .rax)
            self.held = e.rd
        case .addi:
            if e.rs1 == 0 { move32(.rax, imm) } else { loadRAX(e.rs1, held: held) }
            if imm != 0 && e.rs1 != 0 { alu32(.add, .rax, imm) }
            store32(x(e.rd), .rax)
            self.held = e.rd
        case .xori, .ori, .andi:
            loadRAX(e.rs1, held: held)
            alu32(e.operation == .xori ? .xor : e.operation == .ori ? .or : .and, .rax, imm)
            store32(x(e.rd), .rax)
            self.held = e.rd
        case .slti, .sltiu:
            loadRCX(e.rs1, held: held)
            byte(0x31); byte(0xC0)  // xor eax, eax
            alu32(.cmp, .rcx, imm)
            set(e.operation == .slti ? .less : .below, .rax)
            store32(x(e.rd), .rax)
            self.held = e.rd
        case .slli, .srli, .srai:
            loadRAX(e.rs1, held: held)
            shift32(e.operation == .slli ? .left : e.operation == .srli ? .right : .arithmetic, .rax, UInt8(imm & 31))
            store32(x(e.rd), .rax)
            self.held = e.rd
        case .add, .sub, .xor, .or, .and:
            let op: ALU = e.operation == .add ? .add : e.operation == .sub ? .sub : e.operation == .xor ? .xor
                : e.operation == .or ? .or : .and
            binary(op, e.rs1, e.rs2, held: held)
            store32(x(e.rd), .rax)
            self.held = e.rd
        case .sll, .srl, .sra:
            loadRCX(e.rs2, held: held)
            loadRAX(e.rs1, held: held)
            shift32ByCL(e.operation == .sll ? .left : e.operation == .srl ? .right : .arithmetic, .rax)
            store32(x(e.rd), .rax)
            self.held = e.rd
        case .slt, .sltu:
            loadRCX(e.rs1, held: held)
            byte(0x31); byte(0xC0)  // xor eax, eax
            alu32(.cmp, .rcx, x(e.rs2))
            set(e.operation == .slt ? .less : .below, .rax)
            store32(x(e.rd), .rax)
            self.held = e.rd
        case .mul:
            loadRAX(e.rs1, held: held)
            multiply32(.rax, x(e.rs2))
            store32(x(e.rd), .rax)
            self.held = e.rd
            addStalls(cost)
            stalls.fixed = cost
        case .mulh, .mulhsu, .mulhu:
            if e.operation == .mulhu { load32(.rax, x(e.rs1)) } else { signExtend32to64(.rax, x(e.rs1)) }
            if e.operation == .mulh { signExtend32to64(.rcx, x(e.rs2)) } else { load32(.rcx, x(e.rs2)) }
            multiply64(.rax, .rcx)
            shift64(.right, .rax, 32)
            store32(x(e.rd), .rax)
            addStalls(cost)
            stalls.fixed = cost
        case .fence: break
        case .lb, .lbu, .lh, .lhu, .lw, .sb, .sh, .sw:
            emitMemory(e, index: index, held: held)
            let store = e.operation == .sb || e.operation == .sh || e.operation == .sw
            stalls = (store ? 0 : e.rs3, true)
        case .beq, .bne, .blt, .bge, .bltu, .bgeu:
            let target = here &+ imm
            let condition: X86Condition
            switch e.operation {
            case .beq: condition = .equal
            case .bne: condition = .notEqual
            case .blt: condition = .less
            case .bge: condition = .greaterOrEqual
            case .bltu: condition = .below
            default: condition = .aboveOrEqual
            }
            binary(.cmp, e.rs1, e.rs2, held: held)
            let taken = jump(condition)
            goOn(after: index, to: here &+ UInt32(e.length), jumped: false)
            land(taken)
            addStalls(cost)
            goOn(after: index, to: target, jumped: true, cost: cost)
        case .jal:
            let target = here &+ imm
            storeImmediate32(x(e.rd), here &+ UInt32(e.length))
            addStalls(cost)
            goOn(after: index, to: target, jumped: true, cost: cost)
        case .jalr:
            guard e.rs3 != Interpreter.jalrFirstInBlock else { return nil }  // (the block loop knows the instruction before it)
            emitJumpRegister(e, index: index, cost: cost, held: held)
        case .flw, .fsw:
            emitMemory(e, index: index, held: held)
            stalls = (e.operation == .flw ? e.rs3 : 0, true)
        case .fsgnj, .fsgnjn, .fsgnjx:
            load32(.rax, f(e.rs1))
            load32(.rcx, f(e.rs2))
            alu32(.and, .rcx, 0x8000_0000)
            if e.operation == .fsgnjx {
                alu32r(.xor, .rax, .rcx)
            } else {
                if e.operation == .fsgnjn { alu32(.xor, .rcx, 0x8000_0000) }
                alu32(.and, .rax, 0x7FFF_FFFF)
                alu32r(.or, .rax, .rcx)
            }
            store32(f(e.rd), .rax)
            dirtyFloatState()
        case .fmvXW:
            load32(.rax, f(e.rs1))
            store32(x(e.rd), .rax)
        case .fmvWX:
            load32(.rax, x(e.rs1))
            store32(f(e.rd), .rax)
            dirtyFloatState()
        case .div, .divu, .rem, .remu:
            emitDivision(e)
            addStalls(cost)
            stalls.fixed = cost &+ 34  // (the divisor's leading zeros: at most 34 more, `divideCycles`)
        case .fadd, .fsub, .fmul, .fmadd, .fmsub, .fnmsub, .fnmadd:
            emitFloatArithmetic(e, index: index)
            stalls.fixed = cost
        case .fdiv, .fsqrt, .fcvtWS, .fcvtWUS,
             .fcvtSW, .fcvtSWU, .fmin, .fmax, .feq, .flt, .fle, .fclass:
            emitThroughSemantics(e, index: index)
            stalls.fixed = cost
        default:
            guard let ext = InstructionSet.descriptor(e.operation)?.ext, ext == .zba || ext == .zbb,
                  tables.slowPath[Int(e.operation.rawValue)] == 0 else { return nil }
            emitThroughSemantics(e, index: index)
            stalls.fixed = cost
        }
        return stalls
    }

    // MARK: SSE

    /// An SSE operation between xmm registers (or an xmm register and a general one):
    /// `prefix` (66, F2, F3 or none), REX (W, and for r8-r15), 0F `opcode`, ModRM.
    private mutating func sse(_ prefix: UInt8?, _ opcode: UInt8, _ reg: UInt8, _ rm: UInt8, w: Bool = false) {
        if let prefix { byte(prefix) }
        rex(w: w, reg: reg, index: 0, base: rm)
        byte(0x0F); byte(opcode)
        byte(0xC0 | (reg & 7) << 3 | (rm & 7))
    }
    /// The same with a memory operand.
    private mutating func sse(_ prefix: UInt8?, _ opcode: UInt8, _ reg: UInt8, _ m: X86Memory) {
        if let prefix { byte(prefix) }
        rex(w: false, reg: reg, index: m.index?.rawValue ?? 0, base: m.base.rawValue)
        byte(0x0F); byte(opcode)
        modrm(reg, m)
    }
    private mutating func widen(_ x: UInt8, _ m: X86Memory) { sse(0xF3, 0x5A, x, m) }     // cvtss2sd xmm, m32
    private mutating func widen(_ x: UInt8, _ y: UInt8) { sse(0xF3, 0x5A, x, y) }         // cvtss2sd xmm, xmm
    private mutating func narrow(_ x: UInt8, _ y: UInt8) { sse(0xF2, 0x5A, x, y) }        // cvtsd2ss xmm, xmm
    private mutating func addsd(_ x: UInt8, _ y: UInt8) { sse(0xF2, 0x58, x, y) }
    private mutating func subsd(_ x: UInt8, _ y: UInt8) { sse(0xF2, 0x5C, x, y) }
    private mutating func mulsd(_ x: UInt8, _ y: UInt8) { sse(0xF2, 0x59, x, y) }
    private mutating func movapd(_ x: UInt8, _ y: UInt8) { sse(0x66, 0x28, x, y) }
    private mutating func xorpd(_ x: UInt8, _ y: UInt8) { sse(0x66, 0x57, x, y) }
    private mutating func ucomisd(_ x: UInt8, _ y: UInt8) { sse(0x66, 0x2E, x, y) }
    private mutating func moveToXMM(_ x: UInt8, _ r: R) { sse(0x66, 0x6E, x, r.rawValue) }             // movd xmm, r32
    private mutating func moveFromXMM(_ r: R, _ x: UInt8, w: Bool = false) { sse(0x66, 0x7E, x, r.rawValue, w: w) }  // movd/movq r, xmm

    /// Jumps to the semantics call unless f register `r` holds a normal number (or, with
    /// `zero`, a zero): `Binary32.bothNormal`, `normalOrZero` (eax, ecx clobbered).
    private mutating func requireNormal(_ r: UInt8, zero: Bool, _ slow: inout [Int]) {
        load32(.rax, f(r))
        alu32(.and, .rax, 0x7FFF_FFFF)
        if zero {
            lea32(.rcx, X86Memory(base: .rax, displacement: -1))
            alu32(.cmp, .rcx, 0x007F_FFFF)
            slow.append(jump(.below))  // a subnormal
        } else {
            alu32(.cmp, .rax, 0x0080_0000)
            slow.append(jump(.below))  // a zero or a subnormal
        }
        alu32(.cmp, .rax, 0x7F80_0000)
        slow.append(jump(.aboveOrEqual))  // an infinity or a NaN
    }

    /// fadd, fsub, fmul and the fused multiply-adds: `Binary32`'s host fast paths (round to
    /// nearest even, normal operands, a normal result: the same tests, the same arithmetic in
    /// binary64 with SSE, the same inexact test), then fflags and mstatus.FS as
    /// `Execution.rv32f` sets them; anything else through the semantics (`compiledOperation`).
    private mutating func emitFloatArithmetic(_ e: DecodedInstruction, index: Int) {
        var slow: [Int] = []
        // Round to nearest even: the instruction's mode, or frm for the dynamic one.
        if e.rm == 7 {
            load64(.r9, X86Assembler.context(\.core))
            compare32(X86Memory(base: .r9, displacement: Int32(MemoryLayout<HartCore>.offset(of: \HartCore.frm)!)), 0)
            slow.append(jump(.notEqual))
        } else if e.rm != 0 {
            emitThroughSemantics(e, index: index)
            return
        }
        let fused = e.operation == .fmadd || e.operation == .fmsub || e.operation == .fnmsub || e.operation == .fnmadd
        var inexact: [Int] = []
        if fused {
            for r in [e.rs1, e.rs2, e.rs3] { requireNormal(r, zero: true, &slow) }
            // xmm0 = a·b (exact in binary64), negated for fnmsub and fnmadd; xmm2 = c, negated
            // for fmsub and fnmadd (as sign flips of the binary32 operands: exact).
            let negateProduct = e.operation == .fnmsub || e.operation == .fnmadd
            let negateAddend = e.operation == .fmsub || e.operation == .fnmadd
            load32(.rax, f(e.rs1))
            if negateProduct { alu32(.xor, .rax, 0x8000_0000) }
            moveToXMM(0, .rax)
            widen(0, 0)
            widen(1, f(e.rs2))
            mulsd(0, 1)
            load32(.rax, f(e.rs3))
            if negateAddend { alu32(.xor, .rax, 0x8000_0000) }
            moveToXMM(2, .rax)
            widen(2, 2)
            // xmm3 = sum; TwoSum: xmm4 = t = sum − product, xmm6 = the exact error
            // (product − (sum − t)) + (addend − t).
            movapd(3, 0); addsd(3, 2)
            movapd(4, 3); subsd(4, 0)
            movapd(5, 3); subsd(5, 4)
            movapd(6, 0); subsd(6, 5)
            movapd(7, 2); subsd(7, 4)
            addsd(6, 7)
        } else {
            requireNormal(e.rs1, zero: false, &slow)
            requireNormal(e.rs2, zero: false, &slow)
            widen(0, f(e.rs1))
            if e.operation == .fsub {
                load32(.rax, f(e.rs2)); alu32(.xor, .rax, 0x8000_0000); moveToXMM(1, .rax); widen(1, 1)
            } else {
                widen(1, f(e.rs2))
            }
            if e.operation == .fmul {
                mulsd(0, 1)  // exact
            } else {
                // The sum is exact in binary64 when the exponents differ by at most 29.
                load32(.rax, f(e.rs1)); shift32(.right, .rax, 23); alu32(.and, .rax, 0xFF)
                load32(.rcx, f(e.rs2)); shift32(.right, .rcx, 23); alu32(.and, .rcx, 0xFF)
                alu32r(.sub, .rax, .rcx)
                alu32(.add, .rax, 29)
                alu32(.cmp, .rax, 58)
                slow.append(jump(.above))
                addsd(0, 1)
            }
            movapd(3, 0)  // xmm3: the exact result
        }
        // xmm1 = r = the binary32 rounding; it must be normal and above the smallest normal.
        narrow(1, 3)
        moveFromXMM(.rax, 1)
        alu32(.and, .rax, 0x7FFF_FFFF)
        alu32(.cmp, .rax, 0x0080_0000)
        slow.append(jump(.belowOrEqual))
        alu32(.cmp, .rax, 0x7F80_0000)
        slow.append(jump(.aboveOrEqual))
        var exactInDouble: Int? = nil
        if fused {
            // A non-zero error: r is right unless the sum lies halfway between two binary32 numbers.
            xorpd(7, 7)
            ucomisd(6, 7)
            exactInDouble = jump(.equal)
            moveFromXMM(.rax, 3, w: true)
            alu32(.and, .rax, 0x1FFF_FFFF)
            alu32(.cmp, .rax, 0x1000_0000)
            slow.append(jump(.equal))
            inexact.append(jump(.notEqual))
        }
        if let exactInDouble { land(exactInDouble) }
        // Inexact when r differs from the binary64 result.
        widen(7, 1)
        ucomisd(7, 3)
        inexact.append(jump(.notEqual))
        let written = jumpForward()
        for at in inexact { land(at) }
        if trace != nil { storeImmediate32(X86Assembler.context(\.traceRaised), UInt32(FPFlags.inexact.rawValue)) }
        load64(.r9, X86Assembler.context(\.core))
        memory(0x83, ALU.or.rawValue, X86Memory(base: .r9, displacement: Int32(MemoryLayout<HartCore>.offset(of: \HartCore.fflags)!)))
        byte(UInt8(FPFlags.inexact.rawValue))
        land(written)
        sse(0x66, 0x7E, 1, f(e.rd))  // movd [f rd], xmm1
        dirtyFloatState()
        let done = jumpForward()
        for at in slow { land(at) }
        emitThroughSemantics(e, index: index)
        land(done)
    }

    /// `jmp` to a later place: the rel32's position, for `land`.
    private mutating func jumpForward() -> Int { byte(0xE9); dword(0); return count - 4 }

    /// div, divu, rem, remu (`Execution.rv32m`): the divider's cycles from the divisor
    /// (`divideCycles` less the instruction's own: 2 + clz(b), or for a negative signed divisor
    /// 1 + clz(~b)), then the quotient or remainder with RISC-V's results for a zero divisor and
    /// for −2³¹ / −1, where the host's division would fault.
    private mutating func emitDivision(_ e: DecodedInstruction) {
        let signed = e.operation == .div || e.operation == .rem
        let remainder = e.operation == .rem || e.operation == .remu
        load32(.rcx, x(e.rs2))
        // r11 = sign of a signed divisor (0 or −1), edx = the divisor or its complement.
        if signed {
            move32(.r11, .rcx)
            shift32(.arithmetic, .r11, 31)
        } else {
            alu32r(.xor, .r11, .r11)
        }
        move32(.rdx, .rcx)
        alu32r(.xor, .rdx, .r11)
        // r9 = the index of edx's highest set bit, −1 for 0: clz = 31 − r9.
        registers(0x0FBD, X86Register.r9.rawValue, .rdx)  // bsr r9d, edx (ZF when edx is 0)
        move32(.rax, UInt32.max)
        registers(0x0F44, X86Register.r9.rawValue, .rax)  // cmovz r9d, eax
        // extra = 2 + sign + 31 − r9
        move32(.rax, 33)
        alu32r(.add, .rax, .r11)
        alu32r(.sub, .rax, .r9)
        alu64(.add, .r10, .rax)
        load32(.rax, x(e.rs1))
        byte(0x85); byte(0xC9)  // test ecx, ecx
        let byZero = jump(.equal)
        var overflow: Int? = nil
        if signed {
            alu32(.cmp, .rcx, UInt32.max)
            let notMinusOne = jump(.notEqual)
            alu32(.cmp, .rax, 0x8000_0000)
            overflow = jump(.equal)
            land(notMinusOne)
            byte(0x99)  // cdq
            byte(0xF7); byte(0xF9)  // idiv ecx
        } else {
            alu32r(.xor, .rdx, .rdx)
            byte(0xF7); byte(0xF1)  // div ecx
        }
        store32(x(e.rd), remainder ? .rdx : .rax)
        let done = jumpForward()
        // Divisor 0: quotient all ones, remainder the dividend.
        land(byZero)
        if remainder { store32(x(e.rd), .rax) } else { storeImmediate32(x(e.rd), UInt32.max) }
        if let overflow {
            let done2 = jumpForward()
            // −2³¹ / −1: quotient −2³¹ (the dividend), remainder 0.
            land(overflow)
            if remainder { storeImmediate32(x(e.rd), 0) } else { store32(x(e.rd), .rax) }
            land(done2)
        }
        land(done)
    }

    /// A load or store through the memory fast path (`Execution.loadPointer`, `storePointer`):
    /// the same tests, leaving before the instruction where the block loop would take the slow
    /// path; the TCDM log's record and the misaligned cycle out of line.
    private mutating func emitMemory(_ e: DecodedInstruction, index: Int, held: UInt8?) {
        let size: UInt32, store: Bool
        switch e.operation {
        case .lb, .lbu: size = 1; store = false
        case .lh, .lhu: size = 2; store = false
        case .lw, .flw: size = 4; store = false
        case .sb: size = 1; store = true
        case .sh: size = 2; store = true
        default: size = 4; store = true
        }
        // ecx: the address; rax: its segment's offset in the table; edx: the offset in the segment.
        loadRCX(e.rs1, held: held)
        if e.imm != 0 { alu32(.add, .rcx, UInt32(bitPattern: e.imm)) }
        move32(.rax, .rcx)
        shift32(.right, .rax, 20)
        shift64(.left, .rax, X86Assembler.segmentShift)
        move32(.rdx, .rcx)
        alu32(.and, .rdx, 0xFFFFF)
        lea32(.r11, X86Memory(base: .rdx, displacement: Int32(size)))
        alu32(.cmp, .r11, X86Assembler.segment(\Segment.limit))
        exit(if: .above, index)
        if store {
            // A page holding decoded code (the first or last byte's), or the watched word.
            move32(.r9, .rcx)
            shift32(.right, .r9, 12)
            if size == 1 {
                compare8(X86Memory(base: .rbx, index: .r9), 0)
            } else {
                loadByte(.r11, X86Memory(base: .rbx, index: .r9), signed: false)
                lea32(.r9, X86Memory(base: .rcx, displacement: Int32(size) - 1))
                shift32(.right, .r9, 12)
                alu8(.or, .r11, X86Memory(base: .rbx, index: .r9))
            }
            exit(if: .notEqual, index)
            lea32(.r9, X86Memory(base: .rcx, displacement: 3))
            alu32(.sub, .r9, X86Assembler.context(\.watchStart))
            alu32(.cmp, .r9, X86Assembler.context(\.watchSpan))
            exit(if: .below, index)
        }
        // The TCDM log's record when accesses are logged, and the read watch while there is
        // one: out of line (r12 is not 0 then, `CompiledBlockContext.gate`).
        test64(.r12, .r12)
        let logged = jump(.notEqual)
        cold.append((logged, count, .log(index: index, size: size)))
        // The memory's latency, then the access.
        loadHalf(.r11, X86Assembler.segment(\Segment.latency), signed: false)
        alu64(.add, .r10, .r11)
        // (Counting code keeps the segment's offset in rax for after the access: the base in r9.)
        let base: R = counting != nil ? .r9 : .rax
        load64(base, X86Assembler.segment(\Segment.base))
        let data = X86Memory(base: base, index: .rdx)
        switch e.operation {
        case .lb: loadByte(.r11, data, signed: true)
        case .lbu: loadByte(.r11, data, signed: false)
        case .lh: loadHalf(.r11, data, signed: true)
        case .lhu: loadHalf(.r11, data, signed: false)
        case .lw: load32(.r11, data)
        case .flw: load32(.r11, data)
        case .fsw: load32(.r11, f(e.rs2))
        default: load32(.r11, x(e.rs2))
        }
        switch e.operation {
        case .sb: storeByte(data, .r11)
        case .sh: storeHalf(data, .r11)
        case .sw, .fsw: store32(data, .r11)
        case .flw: store32(f(e.rd), .r11)
        default: store32(x(e.rd), .r11)
        }
        // One more cycle across a word boundary (`misalignedCycles`), out of line.
        if size == 4 {
            testByte(.rcx, 3)
            cold.append((jump(.notEqual), count, .misaligned))
        } else if size == 2 {
            lea32(.r9, X86Memory(base: .rcx, displacement: 1))
            testByte(.r9, 3)
            cold.append((jump(.equal), count, .misaligned))
        }
        if !store { addStalls(e.rs3) }  // the load's hazard (`Execution.loadHazard`)
        if e.operation == .flw { dirtyFloatState() }
    }
}

// MARK: - Traced code

/// The records of traced code (`BlockCompiler.compileTraced`). Registers as in the plain code;
/// the record being written is at `traceOut` (r9, reloaded per record) + its `TracePlan` offset:
/// its tag, cycle delta and first effect code as one 32-bit store before the instruction runs,
/// the values it wrote and the address it accessed after. Out of the code (an exit, a jump or
/// branch) the records written go into `traceOut`, and the encoder's state (`BinaryTraceHartState`)
/// gets the next pc and the cycle of the last one. The first record's explicit pc goes in after
/// the first instruction, when the block was not entered where the encoder's pc says: that
/// record moves four bytes on, and so does `traceOut`.
extension X86Assembler {
    private static let stateNextPC = Int32(MemoryLayout<BinaryTraceHartState>.offset(of: \BinaryTraceHartState.nextPC)!)
    private static let stateCycle = Int32(MemoryLayout<BinaryTraceHartState>.offset(of: \BinaryTraceHartState.cycle)!)
    private static func traceContext(_ key: PartialKeyPath<CompiledBlockContext>) -> X86Memory {
        X86Memory(base: .rdi, displacement: Int32(MemoryLayout<CompiledBlockContext>.offset(of: key)!))
    }
    /// Where the stalls before instruction `index` are noted (`traceSnapshots`).
    private static func snapshot(_ index: Int) -> X86Memory {
        var m = traceContext(\.traceSnapshots)
        m.displacement += Int32(index & 1) * 8
        return m
    }

    /// Before the block: the hart's encoder remembers every instruction word of it (pc << 32 |
    /// word in its table's slot), else back to the block loop before the first instruction.
    mutating func traceWordChecks() {
        guard let trace else { return }
        load64(.rdx, X86Assembler.traceContext(\.traceWords))
        for (pc, word) in zip(trace.pcs, trace.words) {
            move64(.rax, UInt64(pc) << 32 | UInt64(word))
            alu64(.cmp, .rax, X86Memory(base: .rdx, displacement: Int32(BinaryTrace.tableIndex(pc) * 8)))
            exit(if: .notEqual, 0)
        }
    }

    /// Before instruction `index`: leaves unless the FP state is dirty already (if it makes it
    /// dirty) and unless its cycle delta fits in a byte; writes its record's tag, delta and
    /// first effect code (and a jump's link value); notes the stalls when its own are not a
    /// constant. `ends`: it ends the block (its record is complete then).
    mutating func tracePrelude(_ index: Int, ends: Bool) {
        let trace = self.trace.unsafelyUnwrapped
        let off = trace.offsets[index]
        if trace.dirtiesFP[index] {
            load64(.r9, X86Assembler.traceContext(\.core))
            load32(.rax, X86Memory(base: .r9, displacement: Int32(MemoryLayout<HartCore>.offset(of: \HartCore.mstatus)!)))
            alu32(.and, .rax, Hart.mstatusFS)
            alu32(.cmp, .rax, Hart.mstatusFS)
            exit(if: .notEqual, index)
        }
        let head = UInt32(trace.effects[index]) << 5 | UInt32(trace.firstCode[index]) << 16
        if index == 0 {
            // This cycle (the turn's end cycle − remaining + stalls) less the encoder's last.
            load64(.r11, X86Assembler.traceContext(\.traceState))
            move64(.rax, .r10)
            alu64(.sub, .rax, .r15)
            alu64(.add, .rax, X86Assembler.traceContext(\.traceCycle))
            alu64(.sub, .rax, X86Memory(base: .r11, displacement: X86Assembler.stateCycle))
        } else if trace.dynamic[index - 1] {
            // One cycle and the previous instruction's stalls.
            move64(.rax, .r10)
            alu64(.sub, .rax, X86Assembler.snapshot(index - 1))
            alu64(.add, .rax, 1)
        }
        if index == 0 || trace.dynamic[index - 1] {
            alu64(.cmp, .rax, 127)
            exit(if: .above, index)
            shift32(.left, .rax, 8)
            alu32(.or, .rax, head)
        } else {
            move32(.rax, head | UInt32(1 + trace.fixed[index - 1]) << 8)
        }
        alu32(.or, .rax, X86Assembler.traceContext(\.traceHart))
        load64(.r9, X86Assembler.traceContext(\.traceOut))
        store32(X86Memory(base: .r9, displacement: off), .rax)
        if let link = trace.link[index], trace.register[index] != nil {
            storeImmediate32(X86Memory(base: .r9, displacement: off + 3), link)
        }
        if ends && index == 0 { traceExplicitPC() }
        if trace.dynamic[index] { store64(X86Assembler.snapshot(index), .r10) }
        if trace.flags[index] { storeImmediate32(X86Assembler.traceContext(\.traceRaised), 0) }
    }

    /// After instruction `index` (not one that ends the block): the value it wrote, the address
    /// it accessed (ecx) and a store's data.
    mutating func traceValues(_ index: Int) {
        let trace = self.trace.unsafelyUnwrapped
        let off = trace.offsets[index]
        load64(.r9, X86Assembler.traceContext(\.traceOut))
        let value = X86Memory(base: .rsi, displacement: trace.valueSlot[index] * 4)
        if trace.flags[index] {
            traceFlaggedValues(index, value: value)
            return
        }
        var at = off + 2
        if trace.register[index] != nil {
            load32(.rax, value)
            store32(X86Memory(base: .r9, displacement: at + 1), .rax)
            at += 5
        }
        if let code = trace.memory[index] {
            if at != off + 2 { storeImmediate8(X86Memory(base: .r9, displacement: at), code) }
            store32(X86Memory(base: .r9, displacement: at + 1), .rcx)
            if code & 0x60 == 0x60 {
                load32(.rax, value)
                store32(X86Memory(base: .r9, displacement: at + 5), .rax)
            }
        }
        if index == 0 { traceExplicitPC() }
    }

    /// `traceValues` for an instruction that can raise FP flags (no memory access): its register
    /// effect, and if it raised flags (`traceRaised`) the fflags effect too (fflags afterwards,
    /// before or after the register as `BinaryTraceEncoder.encodeCaptured` orders them); then
    /// `traceOut` moves on past the records so far.
    private mutating func traceFlaggedValues(_ index: Int, value: X86Memory) {
        let trace = self.trace.unsafelyUnwrapped
        let off = trace.offsets[index], register = trace.register[index]
        load32(.rax, X86Assembler.traceContext(\.traceRaised))
        byte(0x85); byte(0xC0)  // test eax, eax
        let raised = jump(.notEqual)
        if register != nil {
            load32(.rax, value)
            store32(X86Memory(base: .r9, displacement: off + 3), .rax)
        }
        if index == 0 { traceExplicitPC() }
        alu64(.add, X86Assembler.traceContext(\.traceOut), off + trace.sizes[index])
        let done = jumpForward()
        land(raised)
        memory(0x80, ALU.add.rawValue, X86Memory(base: .r9, displacement: off)); byte(0x20)  // add byte [r9 + off], 0x20: one effect more
        var at = off + 2
        func putRegister(_ a: inout X86Assembler) {
            guard let register else { return }
            a.storeImmediate8(X86Memory(base: .r9, displacement: at), register)
            a.load32(.rax, value)
            a.store32(X86Memory(base: .r9, displacement: at + 1), .rax)
            at += 5
        }
        func putFlags(_ a: inout X86Assembler) {
            a.storeImmediate32(X86Memory(base: .r9, displacement: at), 0x40 | UInt32(CSR.fflags) << 8)
            a.load64(.r11, X86Assembler.traceContext(\.core))
            a.load32(.rax, X86Memory(base: .r11, displacement: Int32(MemoryLayout<HartCore>.offset(of: \HartCore.fflags)!)))
            a.store32(X86Memory(base: .r9, displacement: at + 3), .rax)
            at += 7
        }
        // Spike orders by (number << 4 | kind): x1, f0 and f1 come before fflags (0x14).
        if register == 0x01 || register == 0x20 || register == 0x21 {
            putRegister(&self)
            putFlags(&self)
        } else {
            putFlags(&self)
            putRegister(&self)
        }
        if index == 0 { traceExplicitPC() }
        alu64(.add, X86Assembler.traceContext(\.traceOut), off + trace.sizes[index] + 7)
        land(done)
    }

    /// After the first instruction's record (r9: `traceOut`): if the encoder's next pc is not
    /// the block's, the record gets its pc (tag bit 3, the pc after the tag) and moves on four
    /// bytes (it is at most 16), and so do the records after it.
    private mutating func traceExplicitPC() {
        let pc = trace.unsafelyUnwrapped.pcs[0]
        load64(.r11, X86Assembler.traceContext(\.traceState))
        compare32(X86Memory(base: .r11, displacement: X86Assembler.stateNextPC), pc)
        let same = jump(.equal)
        sse(0xF3, 0x6F, 0, X86Memory(base: .r9))                  // movdqu xmm0, [r9]
        sse(0xF3, 0x7F, 0, X86Memory(base: .r9, displacement: 4))  // movdqu [r9 + 4], xmm0
        loadByte(.rax, X86Memory(base: .r9, displacement: 4), signed: false)
        alu32(.or, .rax, 0x08)
        storeByte(X86Memory(base: .r9), .rax)
        storeImmediate32(X86Memory(base: .r9, displacement: 1), pc)
        alu64(.add, X86Assembler.traceContext(\.traceOut), 4)
        land(same)
    }

    /// Leaving after `count` instructions of the block (r15 already less `count`): their records
    /// go into `traceOut`; the encoder's next pc follows the last, and its cycle is that of the
    /// last: its stalls are `lastFixed`, or (nil) it started at the noted stalls.
    mutating func traceCommit(_ count: Int, lastFixed: UInt8?) {
        guard count > 0, let trace else { return }
        load64(.r11, X86Assembler.traceContext(\.traceState))
        storeImmediate32(X86Memory(base: .r11, displacement: X86Assembler.stateNextPC), trace.next[count - 1])
        // Its cycle: the turn's end cycle − (r15 + count) + (count − 1) + its starting stalls.
        load64(.rax, X86Assembler.traceContext(\.traceCycle))
        alu64(.sub, .rax, .r15)
        if let lastFixed {
            alu64(.add, .rax, .r10)
            alu64(.add, .rax, -1 - Int32(lastFixed))
        } else {
            alu64(.add, .rax, X86Assembler.snapshot(count - 1))
            alu64(.add, .rax, -1)
        }
        store64(X86Memory(base: .r11, displacement: X86Assembler.stateCycle), .rax)
        if trace.offsets[count] != 0 { alu64(.add, X86Assembler.traceContext(\.traceOut), trace.offsets[count]) }
    }
}

// MARK: - Counting code

extension X86Assembler {
    /// `add qword [m], v`.
    mutating func add64(_ m: X86Memory, _ v: Int32) {
        if let small = Int8(exactly: v) { memory(0x83, ALU.add.rawValue, m, w: true); byte(UInt8(bitPattern: small)) }
        else { memory(0x81, ALU.add.rawValue, m, w: true); dword(UInt32(bitPattern: v)) }
    }

    /// `add qword [m], r`.
    mutating func add64(_ m: X86Memory, _ r: R) { memory(UInt16(ALU.add.storeOpcode), r.rawValue, m, w: true) }

    /// The event total at `index` (`EventTotals`), with the totals at r9.
    private static func total(_ index: Int) -> X86Memory { X86Memory(base: .r9, displacement: Int32(index * 8)) }

    /// The `BlockCompiler.countedPrefix` bytes before a block's counting code, entered by a jump
    /// (at the start of the space + `countedCode` · 256): when the block's first instruction is
    /// 32-bit and not word-aligned, the cycle of fetching it, a stall of the jump or branch that
    /// came (its cost class in `countLastCost`); else straight on.
    mutating func countingEntry(unaligned: Bool) {
        let prefix = BlockCompiler.countedPrefix
        if unaligned {
            alu64(.add, .r10, 1)
            load32(.rax, X86Assembler.context(\.countLastCost))
            load64(.r9, X86Assembler.context(\.countTotals))
            add64(X86Memory(base: .r9, index: .rax, scale: 8, displacement: Int32(EventTotals.stallCycles * 8)), 1)
            while count < prefix { byte(0x90) }
        } else {
            byte(0xEB); byte(UInt8(prefix - 2))  // jmp short to the code
            while count < prefix { byte(0xCC) }
        }
        precondition(count == prefix)
    }

    /// Adds `totals` (index, amount) to the hart's event totals (r9 clobbered).
    mutating func countCommit(_ totals: [(Int, UInt64)]) {
        guard !totals.isEmpty else { return }
        load64(.r9, X86Assembler.context(\.countTotals))
        for (index, amount) in totals { add64(X86Assembler.total(index), Int32(amount)) }
    }

    /// After instruction `index`, whose extra cycles are computed as it runs (its stalls before it
    /// in `countSnapshot`): its class and extra cycles, as the counting loop files them. A load's
    /// hazard cycles are not among them (they are constant: `CountPlan.constant`), nor, for an
    /// access outside the TCDM, the memory's wait, which is counted apart (after the access, rax
    /// still holds its segment's offset in the segment table: `emitMemory`).
    private mutating func countDynamic(_ index: Int) {
        let plan = counting.unsafelyUnwrapped
        held = nil
        move64(.r11, .r10)
        alu64(.sub, .r11, X86Assembler.context(\.countSnapshot))
        if plan.hazard[index] != 0 { alu64(.sub, .r11, Int32(plan.hazard[index])) }
        load64(.r9, X86Assembler.context(\.countTotals))
        guard plan.memory[index] else {
            countClassified(plan.base[index], cost: plan.cost[index])
            return
        }
        let tcdm = Int32(MemoryLayout<Segment>.offset(of: \Segment.tcdm)!)
        let latency = Int32(MemoryLayout<Segment>.offset(of: \Segment.latency)!)
        compare16(X86Memory(base: .r8, index: .rax, displacement: tcdm), 0)
        let external = jump(.equal)
        countClassified(plan.base[index], cost: plan.cost[index])
        let done = jumpForward()
        land(external)
        loadHalf(.rdx, X86Memory(base: .r8, index: .rax, displacement: latency), signed: false)
        alu64(.sub, .r11, .rdx)
        add64(X86Assembler.total(EventTotals.memoryWaitCycles + (plan.store[index] ? 1 : 0)), .rdx)
        countClassified(plan.base[index] | EventTotals.external, cost: plan.cost[index])
        land(done)
    }

    /// Files an instruction of class `base` whose extra cycles are in r11 (the totals at r9):
    /// the class, and if r11 is not 0 (out of line) stalled, r11 to its cost class.
    private mutating func countClassified(_ base: Int, cost: Int) {
        test64(.r11, .r11)
        let stalled = jump(.notEqual)
        add64(X86Assembler.total(base), 1)
        cold.append((stalled, count, .stalled(base: base, cost: cost)))
    }
}
