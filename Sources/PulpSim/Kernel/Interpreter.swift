// Kernel: the interpreter — the decode cache and the hot loop that runs a hart's instructions.
//
// Instructions are decoded once per address into a direct-mapped cache shared by all harts and
// executed by the extensions' semantics (ISA/RV32I.swift, RV32M.swift, ...), each a `switch`
// over its own operations; the loop tries them in turn and the optimiser folds them into one
// jump table. The loop keeps pc and the budget in locals and reaches registers and RAM through
// raw pointers. Whatever needs more than a register file and plain RAM — device accesses, CSRs,
// system instructions, traps, sleeping — leaves the loop with a `QuantumEnd` and is finished by
// the slow path (SlowPath.swift). A store into a 4 KiB page that holds decoded instructions also
// takes the slow path, which drops them. Untraced and uncounted, the loop runs blocks of
// straight-line code copied from the cache (`executeBlocks`), compiled to host code where the
// host runs it (Kernel/BlockCompiler.swift), with the same results.

import Foundation

/// Why `execute` returned.
enum QuantumEnd: Equatable {
    /// The budget is used up.
    case budget
    /// The instruction at pc needs the slow path (device, CSR, system instruction, region edge).
    case slowPath
    /// The instruction at pc raises a synchronous exception.
    case trap(TrapCause, UInt32)
    /// The instruction at pc is illegal (tval: its instruction word).
    case illegalInstruction
    /// pc is a breakpoint.
    case breakpoint
    /// pc is where a trace starts (`--trace-start` at a symbol or pc): tracing takes over.
    case traceTrigger
    /// The operation has no semantics (a descriptor without its implementation).
    case unimplemented(Operation)
}

/// What an instruction's semantics did.
enum Step: Equatable {
    /// Retired; go on with the next instruction.
    case next
    /// Not retired: the loop ends with this reason.
    case leave(QuantumEnd)
    /// Not an operation of this extension.
    case unknown

    @inline(__always) var handled: Bool {
        if case .unknown = self { return false }
        return true
    }
}

/// A decode-cache slot, as the semantics read it.
typealias Entry = UnsafeMutablePointer<DecodedInstruction>

/// A slot of the block table: the block's first pc (odd: empty) and its first instruction in
/// the arena.
struct Block: @unchecked Sendable {
    var tag: UInt32
    var first: UnsafeMutablePointer<DecodedInstruction>?
    static let empty = Block(tag: 1, first: nil)
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
protocol CaptureMode {
    static var on: Bool { get }
    /// The loop writes binary trace records itself (`executeEncoding`) instead of recording.
    static var encodes: Bool { get }
}
enum NoCapture: CaptureMode {
    @inline(__always) static var on: Bool { false }
    @inline(__always) static var encodes: Bool { false }
}
enum CaptureRetired: CaptureMode {
    @inline(__always) static var on: Bool { true }
    @inline(__always) static var encodes: Bool { false }
}
enum EncodeBinary: CaptureMode {
    @inline(__always) static var on: Bool { true }
    @inline(__always) static var encodes: Bool { true }
}

/// What the loop needs to write binary trace records itself (an unfiltered binary trace, no
/// timeline): the encoder, the hart's number in the trace, where the records go (advanced as
/// they are written), and whether the loop stopped after an instruction whose record needs the
/// general path (it made the FP state dirty, or writes its base register): that one is in
/// `captured[0]`.
struct LoopEncoding {
    let encoder: BinaryTraceEncoder
    let hart: Int
    let traits: UnsafeMutablePointer<UInt8>
    /// The address space as the traces read instruction words (`Machine.forEachCaptured`).
    let segments: UnsafeMutablePointer<Segment>
    var out: UnsafeMutablePointer<UInt8>
    var records = 0
    var general = false
    /// The loop stops after a jump or branch to the start of a block with traced code
    /// (`Interpreter.executeEncodingByBlocks`), and says so in `yielded`.
    var yields = false
    var yielded = false
}

/// Whether a specialisation of the interpreter loop counts performance-counter events
/// (ISA/PerformanceCounters.swift). Only harts with an enabled counter that needs them run it:
/// the plain loop does no counting work.
protocol CountMode { static var on: Bool { get } }
enum NoCount: CountMode { @inline(__always) static var on: Bool { false } }
enum CountEvents: CountMode { @inline(__always) static var on: Bool { true } }

/// Whether a specialisation of the interpreter loop can log TCDM accesses for the arbiter
/// (Kernel/TCDMArbiter.swift), and whether it sends the accesses in the interpreter's read
/// watch (`Interpreter.readWatch`) to the slow path. The plain loop does neither: it then does
/// no logging or watching work at all; the plain loop of a hart whose TCDM accesses are logged
/// (`LogOnly`) does not watch, the others (traces, counters, the plain loop while a watch is
/// set) do both.
protocol LogMode {
    static var on: Bool { get }
    static var watches: Bool { get }
}
enum NoLog: LogMode {
    @inline(__always) static var on: Bool { false }
    @inline(__always) static var watches: Bool { false }
}
enum LogOnly: LogMode {
    @inline(__always) static var on: Bool { true }
    @inline(__always) static var watches: Bool { false }
}
enum LogTCDM: LogMode {
    @inline(__always) static var on: Bool { true }
    @inline(__always) static var watches: Bool { true }
}

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

/// Whether a specialisation of the interpreter loop runs blocks (`Interpreter.executeBlocks`):
/// pc is then not kept per instruction (`Execution.advance`).
protocol BlockMode { static var on: Bool { get } }
enum SingleSteps: BlockMode { @inline(__always) static var on: Bool { false } }
enum InBlocks: BlockMode { @inline(__always) static var on: Bool { true } }

/// What the semantics work on while the interpreter runs one hart: registers, pc, the memory
/// fast path, and what they report back. A local of the loop, kept in machine registers.
struct Execution<B: BlockMode> {
    let x: UnsafeMutablePointer<UInt32>
    let f: UnsafeMutablePointer<UInt32>
    let core: UnsafeMutablePointer<HartCore>
    let segments: UnsafeMutablePointer<Segment>
    let codePages: UnsafeMutablePointer<UInt8>
    let cost: UnsafeMutablePointer<UInt8>
    let slowPath: UnsafeMutablePointer<UInt8>
    /// The decode cache (`fetchAlignment` reads a jump target's length from it).
    let decoded: UnsafeMutablePointer<DecodedInstruction>
    /// Block execution: the block table, the entry to run next (jumps and branches look up the
    /// block they go to), and the entry that stands for a block not in the table
    /// (`Interpreter.missEntry`).
    let blocks: UnsafeMutablePointer<Block>
    var next: Entry
    let miss: Entry
    /// The instruction retired last (`jalrWaits`): the entry the loop ran before this one, or at
    /// the start of a turn the hart's `lastRetired`. In block execution, set only where a block
    /// is entered neither by a jump nor by a branch (the turn's start, a block's end entry): a
    /// jalr further in a block knows the instruction before it (`Interpreter.formBlock`), and
    /// one a jump or branch leads to is not reached from its predecessor (`jumpedTo`).
    var prev: Entry
    let writeHazard: UnsafeMutablePointer<UInt8>
    /// Stores into [watchStart, watchStart + watchSpan - 3) take the slow path (HTIF `tohost`).
    let watchStart: UInt32
    let watchSpan: UInt32
    /// Loads and stores whose address, its top four bits cleared, is in [readWatchStart,
    /// readWatchStart + readWatchSpan) take the slow path (`Interpreter.readWatch`; span 0:
    /// none, and always so in the specialisations that do not watch).
    let readWatchStart: UInt32
    let readWatchSpan: UInt32
    var pc: UInt32
    var stalls: UInt64 = 0
    /// Where the last jump, taken branch or trap landed (`HartCore.jumpedTo`): a `jalr` there was
    /// not preceded in the pipeline by the instruction before it.
    var jumpedTo: UInt32
    /// Capture: `CapturedInstruction.dirtiedFS` when the instruction made the FP state dirty.
    var dirtied: UInt32 = 0
    /// Capture: the address (set by the loop) or, for F operations, the flags (`CapturedInstruction.aux`).
    var aux: UInt32 = 0
    /// The turn's budget and what is left of it (instructions; see `executeLoop`).
    let budget: Int
    var remaining: Int
    /// The TCDM accesses of this turn go to the arbiter (Kernel/TCDMArbiter.swift) when other
    /// cores are running: the records of this hart's log (nil: not logged), its next free
    /// record (written back at the end of the turn), and the turn's first cycle plus its budget
    /// less the log's shift (`TCDMLog`), so that an access's record is
    /// `(logCycle − remaining + stalls) << 4 | bank`. (The hart's shift does not change during
    /// its turn: the arbiter settles between turns.)
    let logRecords: UnsafeMutablePointer<UInt64>?
    var logTail: Int
    let logCycle: UInt64

    /// pc moves on to the next instruction; not in block execution (`B`), where pc is not kept
    /// per instruction: the loop sets it to the pc after the block before running it, and to an
    /// instruction's own when it stops there; jumps and taken branches set it. The semantics read
    /// an instruction's address through `here`, never from `pc`.
    @inline(__always) mutating func advance(_ e: Entry) { if !B.on { pc = e.next(pc) } }

    /// The address of the instruction running (`e`): its entry's tag in block execution, where pc
    /// is not kept; pc otherwise (in a register; the same value).
    @inline(__always) func here(_ e: Entry) -> UInt32 { B.on ? e.pointee.tag : pc }

    /// Whether the `jalr` `e` waits a cycle for the instruction before it: CV32E40P
    /// (docs/source/pipeline.rst, "Hazards": "Jump register (jalr) data hazard in case that a
    /// jalr depends on the result of an immediately preceding instruction";
    /// rtl/cv32e40p_controller.sv, `jr_stall` on `regfile_alu_we_fw_i && reg_d_alu_is_reg_a_i`):
    /// the jalr waits in decode while an instruction writing its register through the ALU port
    /// (`OperationTables.writeHazard`: the computational instructions, multiply and divide,
    /// FP-to-integer moves, compares and conversions, CSR reads) is in execute. The common case
    /// is a call the linker did not relax: `auipc ra, ...; jalr ra, ...(ra)`. (A load before it
    /// is the load's hazard, `Interpreter.loadHazard`.) The instruction before it is the one the
    /// hart retired last (`prev`), and it is before it in the pipeline unless the jalr was
    /// reached by a jump, taken branch, trap entry or `mret` (`jumpedTo`).
    @inline(__always) func jalrWaits(_ e: Entry) -> Bool {
        if B.on && e.pointee.rs3 != Interpreter.jalrFirstInBlock { return e.pointee.rs3 != 0 && jumpedTo != here(e) }
        let register = e.pointee.rs1
        return prev.pointee.rd == register && register != 0 && jumpedTo != here(e)
            && writeHazard[Int(prev.pointee.operation.rawValue)] != 0
    }

    /// Block execution: pc has just been set by a jump or branch; what runs next is the first
    /// instruction of the block at pc, or the miss entry if there is none yet.
    @inline(__always) mutating func goOn() {
        guard B.on else { return }
        let b = blocks + Int((pc >> 1) & Interpreter.blockMask)
        next = b.pointee.tag == pc ? b.pointee.first.unsafelyUnwrapped : miss
    }

    /// Why the loop stops at an operation no extension's fast semantics handles: a marker, an
    /// illegal word, a slow-path operation, or one without semantics.
    @_transparent func leave(_ op: Operation, _ e: Entry) -> Step {
        if op == .illegal {
            let marker = e.pointee.specIndex
            return .leave(marker == Interpreter.breakpointMarker ? .breakpoint
                          : marker == Interpreter.traceTriggerMarker ? .traceTrigger : .trap(.illegalInstruction, e.imm))
        }
        return .leave(slowPath[Int(op.rawValue)] != 0 ? .slowPath : .unimplemented(op))
    }

    /// Runs the entry's instruction without capture: the extensions' semantics in turn (the
    /// optimiser folds the chain into jump tables), or why the loop leaves at it. (`executeLoop`
    /// writes the chain out: through this function its capturing loops took 3.4 % more host
    /// instructions.)
    @inline(__always) mutating func semantics(_ e: Entry) -> Step {
        typealias C = NoCapture
        let op = e.pointee.operation
        let step: Step
        if case let r = rv32i(op, e), r.handled { step = r }
        else if case let r = rv32f(op, e, C.self), r.handled { step = r }
        else if case let r = rv32m(op, e), r.handled { step = r }
        else if case let r = zba(op, e), r.handled { step = r }
        else if case let r = zbb(op, e), r.handled { step = r }
        else { step = leave(op, e) }
        return step
    }

    /// The cycles the instruction's cost class adds (its descriptor's `cost`).
    @inline(__always) mutating func addCost(_ e: Entry) { stalls &+= UInt64(cost[Int(e.pointee.operation.rawValue)]) }

    @inline(__always) mutating func branch(_ e: Entry, _ taken: Bool) {
        if taken { pc = here(e) &+ e.imm; addCost(e); fetchAlignment(pc); goOn() }
        else if B.on {
            // The next block: a jalr first in it follows the branch, which writes no register
            // (`jalrWaits`: as if reached by a jump, which comes to the same).
            pc = e.pointee.tag &+ e.length
            jumpedTo = pc
            goOn()
        }
        else { advance(e) }
    }

    /// One more cycle when a jump or taken branch lands on a 32-bit instruction that is not
    /// word-aligned: CV32E40P, docs/source/pipeline.rst, "Cycle counts per instruction type" —
    /// jump 2 cycles, "3 (target is a non-word-aligned non-RVC instruction)"; taken branch 3 and
    /// 4 likewise (the prefetcher needs two fetches for it). A target outside plain RAM counts
    /// as aligned. The target's length comes from its decode-cache entry when it is there (the
    /// usual case: jump targets are hot), else from memory.
    @inline(__always) mutating func fetchAlignment(_ target: UInt32) {
        jumpedTo = target
        if _slowPath(target & 2 != 0) { stalls &+= UInt64(fetchAlignmentCycles(target, decoded, segments)) }
    }

    /// RAM to load `size` bytes from, or nil (slow path). Adds the memory's extra cycles (a
    /// cluster core's round trip to L2, `Bus.setAccessLatency`; once per instruction, a
    /// misaligned access too) from the segment it has just read.
    @inline(__always) mutating func loadPointer(_ address: UInt32, _ size: UInt32) -> UnsafeMutableRawPointer? {
        let segment = segments[Int(address >> 20)]
        let offset = address & 0xFFFFF
        guard offset &+ size <= segment.limit else { return nil }
        if _slowPath(readWatchSpan != 0) && watched(address) { return nil }
        if _slowPath(logRecords != nil) && segment.tcdm != 0 { logAccess(address, size) }
        stalls &+= UInt64(segment.latency)
        return segment.base.unsafelyUnwrapped + Int(offset)
    }

    /// The access goes to the slow path, which sees every access to the watched bytes.
    @inline(__always) func watched(_ address: UInt32) -> Bool {
        ((address & Interpreter.readWatchMask) &- readWatchStart) < readWatchSpan
    }

    /// Logs a TCDM access for the arbiter at the instruction's cycle with the stalls so far:
    /// its record, and for an access across a word boundary the second transfer's a cycle
    /// later to the next bank.
    @inline(__always) mutating func logAccess(_ address: UInt32, _ size: UInt32) {
        let records = logRecords.unsafelyUnwrapped
        let base = logCycle &- UInt64(truncatingIfNeeded: remaining) &+ stalls
        records[logTail & TCDMArbiter.mask] = base << 4 | UInt64((address >> 2) & 15)
        logTail &+= 1
        if _slowPath((address & 3) &+ size > 4) { logTail = logSecondTransfer(records, logTail, base, address) }
    }

    /// RAM to store `size` bytes to, or nil: not RAM, a page holding decoded code, or the
    /// watched word. Adds the memory's extra cycles as `loadPointer` does.
    @inline(__always) mutating func storePointer(_ address: UInt32, _ size: UInt32) -> UnsafeMutableRawPointer? {
        let segment = segments[Int(address >> 20)]
        let offset = address & 0xFFFFF
        guard offset &+ size <= segment.limit,
              (codePages[Int(address >> 12)] | codePages[Int((address &+ size &- 1) >> 12)]) == 0,
              (address &+ 3) &- watchStart >= watchSpan else { return nil }
        if _slowPath(readWatchSpan != 0) && watched(address) { return nil }
        if _slowPath(logRecords != nil) && segment.tcdm != 0 { logAccess(address, size) }
        stalls &+= UInt64(segment.latency)
        return segment.base.unsafelyUnwrapped + Int(offset)
    }

    /// A load's stall cycles caused by the instructions after it (`Interpreter.loadHazard`,
    /// precomputed into the entry's `rs3`).
    @inline(__always) mutating func loadHazard(_ e: Entry) { stalls &+= UInt64(e.pointee.rs3) }


    /// One extra cycle for an access that needs two bus transactions; branch-free.
    @inline(__always) mutating func misaligned(_ address: UInt32, _ size: UInt32) {
        stalls &+= UInt64(misalignedCycles(address, size))
    }
}

/// The cycle a jump or taken branch to `target` adds when it lands on a 32-bit instruction
/// that is not word-aligned (`Execution.fetchAlignment`): the length from the target's
/// decode-cache entry when it is there, else from memory (outside plain RAM: aligned).
@inline(__always) func fetchAlignmentCycles(_ target: UInt32, _ decoded: UnsafeMutablePointer<DecodedInstruction>,
                                            _ segments: UnsafeMutablePointer<Segment>) -> UInt32 {
    guard target & 2 != 0 else { return 0 }
    let t = decoded + Int((target >> 1) & Interpreter.cacheIndexMask)
    if _fastPath(t.pointee.tag == target) { return UInt32(t.pointee.length >> 2) }  // 4 bytes: 1, compressed: 0
    if let p = fastPointer(segments, target, 2), p.load(as: UInt8.self) & 3 == 3 { return 1 }
    return 0
}

/// Logs the second transfer of an access across a word boundary (a cycle after the first, to the
/// next bank) at `tail`; returns the next free record. (Out of the loop: it is rare.)
@inline(never) func logSecondTransfer(_ records: UnsafeMutablePointer<UInt64>, _ tail: Int, _ base: UInt64, _ address: UInt32) -> Int {
    records[tail & TCDMArbiter.mask] = (base &+ 1) << 4 | UInt64(((address >> 2) &+ 1) & 15)
    return tail &+ 1
}

/// Appends a TCDM access to a core's log: its cycle and bank, and for an access across a word
/// boundary the second transfer a cycle later to the next bank.
@inline(__always) func appendTCDMAccess(_ log: UnsafeMutablePointer<TCDMLog>, _ address: UInt32, _ size: UInt32, cycle: UInt64) {
    let records = log.pointee.records
    let base = cycle &- log.pointee.shift
    var tail = log.pointee.tail
    records[tail & TCDMArbiter.mask] = base << 4 | UInt64((address >> 2) & 15)
    tail &+= 1
    if (address & 3) &+ size > 4 {
        records[tail & TCDMArbiter.mask] = (base &+ 1) << 4 | UInt64(((address >> 2) &+ 1) & 15)
        tail &+= 1
    }
    log.pointee.tail = tail
}

/// The extra cycle of a load or store that takes two bus transactions: CV32E40P, docs/source/
/// pipeline.rst, "Cycle counts per instruction type": "2 (non-word aligned word transfer)",
/// "2 (halfword transfer crossing word boundary)" — a halfword at an odd address inside a word
/// takes one.
@inline(__always) func misalignedCycles(_ address: UInt32, _ size: UInt32) -> UInt32 {
    (address & 3) &+ size > 4 ? 1 : 0
}

/// The fast path's loads and stores. (Wrappers forced inline: the optimiser inlines
/// `loadUnaligned` and `storeBytes` into these small functions first, while it may leave them
/// out of line in the interpreter loops, which are past its inlining size limits.)
@inline(__always) func loadWord(_ p: UnsafeMutableRawPointer) -> UInt32 { p.loadUnaligned(as: UInt32.self) }
@inline(__always) func loadHalf(_ p: UnsafeMutableRawPointer) -> UInt16 { p.loadUnaligned(as: UInt16.self) }
@inline(__always) func storeWord(_ p: UnsafeMutableRawPointer, _ value: UInt32) { p.storeBytes(of: value, as: UInt32.self) }
@inline(__always) func storeHalf(_ p: UnsafeMutableRawPointer, _ value: UInt32) {
    p.storeBytes(of: UInt16(truncatingIfNeeded: value), as: UInt16.self)
}
@inline(__always) func storeByte(_ p: UnsafeMutableRawPointer, _ value: UInt32) {
    p.storeBytes(of: UInt8(truncatingIfNeeded: value), as: UInt8.self)
}

@inline(__always) func fastPointer(_ segments: UnsafeMutablePointer<Segment>, _ address: UInt32,
                                   _ size: UInt32) -> UnsafeMutableRawPointer? {
    let segment = segments[Int(address >> 20)]
    let offset = address & 0xFFFFF
    if offset &+ size <= segment.limit { return segment.base.unsafelyUnwrapped + Int(offset) }
    return nil
}

/// The decode cache and the hot loop.
final class Interpreter {
    let bus: Bus
    let debug: DebugState
    /// The extensions the harts implement.
    let extensions: ExtensionSet
    /// Per-operation facts from the descriptors.
    let tables = OperationTables()

    // Decode cache: direct-mapped by instruction address, shared by all harts.
    static let cacheBits = 16
    static let cacheIndexMask: UInt32 = (1 << UInt32(cacheBits)) - 1
    let cache: UnsafeMutablePointer<DecodedInstruction>
    let cacheMask: UInt32 = (1 << UInt32(cacheBits)) - 1
    /// One byte per 4 KiB page of the address space: non-zero once an instruction was decoded there.
    /// Stores to such pages take the slow path, which drops the stale decoded instructions.
    let codePages: UnsafeMutablePointer<UInt8>
    /// Traced runs: where the capturing loop records retired instructions.
    static let captureCapacity = 4096
    let captured: UnsafeMutablePointer<CapturedInstruction>

    // Blocks (`executeBlocks`): straight-line runs of decoded instructions, copied one after
    // the other into `arena` and found by their first pc in a direct-mapped table.
    static let blockBits = 14
    static let blockMask: UInt32 = (1 << UInt32(blockBits)) - 1
    /// The most instructions in a block, and the most bytes they span.
    static let maxBlock = 32
    static let maxBlockBytes: UInt32 = 4 * UInt32(maxBlock)
    static let arenaCapacity = 1 << 17
    let blocks: UnsafeMutablePointer<Block>
    let arena: UnsafeMutablePointer<DecodedInstruction>
    /// The entry the block loop runs when the block it goes to is not in the table: it leaves,
    /// and the loop forms the block.
    let missEntry: UnsafeMutablePointer<DecodedInstruction>
    /// Markers (`specIndex` of `illegal` entries) of the block loop's own entries: a block's end
    /// that goes on to the next block, and the miss entry.
    static let blockEndMarker: UInt8 = 0xFC
    static let blockMissMarker: UInt8 = 0xFB
    /// A jalr's `rs3` in a block (`formBlock`): whether the instruction before it in the block
    /// writes its register through the ALU port (1) or not (0), or this value: it is the block's
    /// first, and the loop knows the instruction before it (`Execution.prev`).
    static let jalrFirstInBlock: UInt8 = 2
    /// `OperationTables.endsBlock` of jumps and branches (others that end a block: 1).
    static let endsByJump: UInt8 = 2
    /// Entries of `arena` in use (the table is emptied when it is full).
    private var arenaUsed = 0
    /// Whether any block was formed since the table was last emptied.
    private var blocksSinceFlush = false
    /// Whether the plain loops run blocks (`MachineOptions.blockExecution`); the instructions,
    /// cycles and everything else are the same either way.
    var blockExecution = true
    /// Whether blocks are compiled to host code as they are formed (`MachineOptions.compileBlocks`,
    /// Kernel/BlockCompiler.swift; only where the host runs it); the results are the same either way.
    var compileBlocks = true
    /// The block compiler (nil where compiled code cannot run). A compiled block starts with a
    /// header entry (`compiledMarker`, its code's place in `imm`): the block loop enters the
    /// code there (Kernel/BlockCompiler.swift).
    let compiler: BlockCompiler?
    /// Its entry code and code space (plain values: entering compiled code retains nothing).
    let compiledEntry: CompiledEntry?
    let compiledBase: UnsafeRawPointer?
    /// Per hart (the last slot is shared by harts from `compiledHarts` on): compiled code's
    /// context (`CompiledBlockContext`) and the block loop's state as of the hart's first turn
    /// (`CompiledBlockContext.execution`, for the operations compiled code hands to their
    /// semantics: they use the hart's registers, core and the interpreter's tables, which do not
    /// change). A turn only writes the context's per-turn fields.
    let executionTemplates: UnsafeMutablePointer<Execution<InBlocks>>
    let compiledContexts: UnsafeMutablePointer<CompiledBlockContext>
    /// Harts whose slot is set up (bit h).
    private var compiledSlotsReady: UInt64 = 0
    static let compiledHarts = 16
    static let compiledMarker: UInt8 = 0xFA
    /// The compiler's code space in bytes (when it is full the block table is emptied, as when
    /// the arena is; tests make it small).
    nonisolated(unsafe) static var compiledCodeCapacity = 16 << 20

    static let breakpointMarker: UInt8 = 0xFE
    static let traceTriggerMarker: UInt8 = 0xFD
    /// Accesses the slow path must see (RedMulE's Z padding rows not written since, RedMulE/
    /// RedMulEPadding.swift): their addresses with the top four bits cleared (so that the TCDM's
    /// aliases 0x1000_0000 and 0x0000_0000 fall together), from `start`, `span` bytes; span 0:
    /// none. The loop reads it when a hart's turn starts; an access it sends to the slow path
    /// for nothing (another memory at the same low address bits) is merely slower.
    @exclusivity(unchecked) var readWatch: (start: UInt32, span: UInt32) = (0, 0)
    static let readWatchMask: UInt32 = 0x0FFF_FFFF

    /// The TCDM, if the platform has one.
    private(set) var tcdm: TCDM?

    init(bus: Bus, debug: DebugState, extensions: ExtensionSet) {
        self.bus = bus
        self.debug = debug
        self.extensions = extensions
        // Zeroed pages from the system too: a zero entry has tag 0, which only the lookup of pc 0
        // compares (slot k serves the pcs with (pc >> 1) & mask == k), so only slot 0 needs the
        // odd empty tag. A fresh machine then touches only the slots its code uses.
        cache = calloc(1 << Interpreter.cacheBits, MemoryLayout<DecodedInstruction>.stride)!
            .bindMemory(to: DecodedInstruction.self, capacity: 1 << Interpreter.cacheBits)
        cache[0] = .empty
        // Zeroed pages from the system, touched only where code is decoded.
        codePages = calloc(1 << 20, 1)!.bindMemory(to: UInt8.self, capacity: 1 << 20)
        captured = .allocate(capacity: Interpreter.captureCapacity)
        // (Zeroed likewise: only the slot of pc 0 needs the odd empty tag.)
        blocks = calloc(1 << Interpreter.blockBits, MemoryLayout<Block>.stride)!
            .bindMemory(to: Block.self, capacity: 1 << Interpreter.blockBits)
        blocks[0] = .empty
        arena = .allocate(capacity: Interpreter.arenaCapacity)
        compiler = BlockCompiler.make(tables: tables, blocks: blocks, capacity: Interpreter.compiledCodeCapacity)
        compiledEntry = compiler?.enter
        compiledBase = compiler?.base
        executionTemplates = .allocate(capacity: Interpreter.compiledHarts + 1)
        compiledContexts = .allocate(capacity: Interpreter.compiledHarts + 1)
        missEntry = .allocate(capacity: 1)
        missEntry.initialize(to: DecodedInstruction(tag: 1, imm: 0, operation: .illegal, rd: 0, rs1: 0, rs2: 0, rs3: 0, rm: 0,
                                                    length: 0, specIndex: Interpreter.blockMissMarker))
    }

    deinit {
        free(blocks)
        arena.deallocate()
        missEntry.deallocate()
        executionTemplates.deallocate()
        compiledContexts.deallocate()
        free(cache)
        free(codePages)
        captured.deallocate()
        tables.free()
    }

    /// Tells the interpreter which memory is the TCDM, once the platform's memories are mapped.
    func noteTCDM(_ tcdm: TCDM?) {
        self.tcdm = tcdm
        guard let tcdm else { return }
        let start = tcdm.storage.bytes, end = tcdm.storage.bytes + tcdm.storage.size
        bus.markTCDM(start: start, end: end)  // (`Segment.tcdm`: the arbiter's logging, the counters)
    }

    /// Whether `address` is in the TCDM, in any of its views (test-and-set ones included).
    func isTCDM(_ address: UInt32) -> Bool {
        guard let tcdm, let r = bus.region(containing: address) else { return false }
        switch r.kind {
        case .ram(let ram, _): return ram === tcdm.storage
        case .device(let device): return device is TestAndSetDevice
        }
    }

    // MARK: Decode cache

    /// Whether anything was decoded since the cache was last emptied (a fresh machine's load and
    /// tracer installation then cost nothing).
    private var decodedSinceFlush = false

    /// Counts the changes to code the decode cache was told of (flushes and invalidations): a
    /// binary trace encoder that remembers instruction words by pc forgets them when it changes.
    private(set) var codeChanges: UInt64 = 0

    func flushDecodeCache() {
        guard decodedSinceFlush else { return }
        codeChanges &+= 1
        cache.update(repeating: .empty, count: 1 << Interpreter.cacheBits)
        codePages.update(repeating: 0, count: 1 << 20)
        decodedSinceFlush = false
        flushBlocks()
    }

    /// Snapshots: which pages hold decoded code. Not the decoded instructions themselves (a
    /// restore empties the caches), but a store to such a page takes the slow path, which
    /// settles the core's TCDM accesses first: the pages are part of how a run goes on.
    func snapshotCodePages(_ coder: inout SnapshotCoder) {
        var pages: [UInt32] = []
        if coder.isSaving {
            let words = UnsafeRawPointer(codePages).assumingMemoryBound(to: UInt64.self)
            for w in 0..<((1 << 20) / 8) where words[w] != 0 {
                for p in (w * 8)..<(w * 8 + 8) where codePages[p] != 0 { pages.append(UInt32(p)) }
            }
        }
        coder.array(&pages)
        if coder.isRestoring {
            decodedSinceFlush = true
            flushDecodeCache()
            for p in pages where p < 1 << 20 { codePages[Int(p)] = 1 }
            decodedSinceFlush = !pages.isEmpty
        }
    }

    /// Empties the block table (its entries are copies of decoded instructions).
    func flushBlocks() {
        guard blocksSinceFlush else { return }
        blocks.update(repeating: .empty, count: 1 << Interpreter.blockBits)
        arenaUsed = 0
        compiler?.reset()
        blocksSinceFlush = false
    }

    /// True if [address, address + size) touches a page holding decoded instructions.
    @inline(__always) func touchesCode(_ address: UInt32, size: UInt32) -> Bool {
        (codePages[Int(address >> 12)] | codePages[Int((address &+ size &- 1) >> 12)]) != 0
    }

    /// Drops decoded instructions overlapping [address, address + size).
    func invalidate(_ address: UInt32, size: Int) {
        guard size > 0 else { return }
        codeChanges &+= 1
        // Instructions starting up to 2 bytes before the range may overlap it, and a load's
        // hazard cycles depend on the two instructions after it (`loadHazard`): loads starting
        // up to 10 bytes before the range may have looked at it.
        let first = (address & ~1) &- Interpreter.lookBehind
        let count = (UInt64(size) + 1 + UInt64(Interpreter.lookBehind)) / 2 + 1
        if count > UInt64(1) << Interpreter.cacheBits {
            // More addresses than slots: several may share a slot, so compare every slot's tag
            // with the range (odd tags mark empty slots).
            let span = UInt64(2) * (count - 1)
            for slot in 0..<(1 << Interpreter.cacheBits) {
                let tag = cache[slot].tag
                if tag & 1 == 0 && UInt64(tag &- first) <= span { cache[slot] = .empty }
            }
            flushBlocks()
            return
        }
        for i in 0..<count {
            let pc = first &+ 2 &* UInt32(i)
            let slot = Int((pc >> 1) & cacheMask)
            if cache[slot].tag == pc { cache[slot] = .empty }
        }
        // The blocks holding a dropped instruction: those starting up to a block's length before it.
        guard blocksSinceFlush else { return }
        let blockCount = count + UInt64(Interpreter.maxBlockBytes / 2)
        if blockCount > UInt64(1) << Interpreter.blockBits { flushBlocks(); return }
        let blockFirst = first &- Interpreter.maxBlockBytes
        for i in 0..<blockCount {
            let pc = blockFirst &+ 2 &* UInt32(i)
            let slot = Int((pc >> 1) & Interpreter.blockMask)
            if blocks[slot].tag == pc { blocks[slot] = .empty }
        }
    }

    /// Forms the block starting at `pc` in its slot: the decoded instructions from `pc` on (from
    /// the decode cache, decoding what is missing), up to and including the first that jumps,
    /// branches, or leaves the loop (illegal, markers, slow-path operations), at most `maxBlock`,
    /// stopping before one that cannot be fetched; its first instruction, or nil if that cannot
    /// be fetched. (What is decoded does not depend on when: a decoded instruction is a function
    /// of the memory, which drops it when it changes.)
    @inline(never)
    func formBlock(_ pc: UInt32, in slot: UnsafeMutablePointer<Block>) -> UnsafeMutablePointer<DecodedInstruction>? {
        // (Compiled only where the block starts in plain RAM: entered by a jump, compiled code
        // charges an unaligned 32-bit first instruction's fetch cycle itself, which
        // `fetchAlignmentCycles` charges only there.)
        let compiler = compileBlocks && bus.fastPointer(pc, 2) != nil ? self.compiler : nil
        if arenaUsed &+ Interpreter.maxBlock &+ 2 > Interpreter.arenaCapacity || compiler?.hasRoom == false { flushBlocks() }
        // A compiled block's header goes first (`compiledMarker`).
        let header = arena + arenaUsed
        let start = compiler == nil ? header : header + 1
        var at = pc
        var count = 0
        while count < Interpreter.maxBlock {
            let e = cache + Int((at >> 1) & cacheMask)
            if e.pointee.tag != at {
                guard let d = fetchAndDecode(at) else { break }
                e.pointee = d
            }
            start[count] = e.pointee
            if e.pointee.operation == .jalr {
                let register = e.pointee.rs1, before = start[max(count - 1, 0)]
                start[count].rs3 = count == 0 ? Interpreter.jalrFirstInBlock
                    : register != 0 && before.rd == register && tables.writeHazard[Int(before.operation.rawValue)] != 0 ? 1 : 0
            }
            count += 1
            at = at &+ UInt32(e.pointee.length)
            if tables.endsBlock[Int(e.pointee.operation.rawValue)] != 0 { break }
        }
        guard count > 0 else { return nil }
        var used = count
        if tables.endsBlock[Int(start[count - 1].operation.rawValue)] != Interpreter.endsByJump {
            // Not ended by a jump or branch: an entry that goes on to the block at `at`.
            start[count] = DecodedInstruction(tag: at, imm: 0, operation: .illegal, rd: 0, rs1: 0, rs2: 0, rs3: 0, rm: 0,
                                              length: 0, specIndex: Interpreter.blockEndMarker)
            used += 1
        }
        var first = start
        if let compiler {
            used += 1
            header.pointee = DecodedInstruction(tag: pc, imm: 0, operation: .illegal, rd: 0, rs1: 0, rs2: 0, rs3: 0, rm: 0, length: 0,
                                                specIndex: Interpreter.compiledMarker)
            if compiler.compile(header, count: count, latency: bus.maxLatency) { first = header }
        }
        arenaUsed &+= used
        blocksSinceFlush = true
        slot.pointee = Block(tag: pc, first: first)
        return first
    }

    /// Drops decoded instructions of [address, address + size) if any page of it holds code
    /// (stores by the slow path, devices and the debugger).
    @inline(__always) func noteWrite(_ address: UInt32, size: Int) {
        guard size > 0 && (size >= 4096 || touchesCode(address, size: UInt32(size))) else { return }
        bus.forEachView(of: address) { invalidate($0, size: size) }
    }

    /// The decoded instruction at `pc` from the cache, decoding it on a miss; nil if it cannot
    /// be fetched.
    func decoded(at pc: UInt32) -> DecodedInstruction? {
        let slot = cache + Int((pc >> 1) & cacheMask)
        if slot.pointee.tag == pc { return slot.pointee }
        guard let d = fetchAndDecode(pc) else { return nil }
        slot.pointee = d
        return d
    }

    /// Fetches and decodes the instruction at `pc`; nil if it cannot be fetched.
    func fetchAndDecode(_ pc: UInt32) -> DecodedInstruction? {
        guard let low = fetchHalf(pc) else { return nil }
        var word = low
        if Decoder.isFullLength(low) {
            guard let high = fetchHalf(pc &+ 2) else { return nil }
            word |= high << 16
        }
        var d = Decoder.decode(word, at: pc, extensions: extensions)
        // A load's hazard cycles come from the two instructions after it; they count as code too
        // (a store to them drops the entry: `invalidate`).
        let isLoad = tables.loadDestination[Int(d.operation.rawValue)] != 0
        let codePages = self.codePages
        bus.forEachView(of: pc) { view in  // a store through any view of this memory drops it
            codePages[Int(view >> 12)] = 1
            codePages[Int((view &+ (isLoad ? Interpreter.lookAhead : 3)) >> 12)] = 1
        }
        decodedSinceFlush = true
        if isLoad {
            let hazard = loadHazard(d, at: pc)
            d.rs3 = hazard.cycles
            d.rm = hazard.jumpStalls
        }
        if let marker = debug.marker(at: pc) {
            d.operation = .illegal
            d.specIndex = marker
        }
        return d
    }

    // MARK: Load hazards

    /// Bytes after a load's address its hazard depends on (two instructions of up to 4 bytes,
    /// the first of them possibly 4 bytes after the load), and how far before a written range
    /// a load may start whose hazard looked at it.
    static let lookAhead: UInt32 = 11
    static let lookBehind: UInt32 = 10

    /// The stall cycles a load costs because of the instructions that follow it in sequence
    /// (a load never changes the flow, so its successor is the instruction after it), and of
    /// those the cycles counted as jump stalls (JMP_STALL); the others are load stalls
    /// (LD_STALL). Precomputed at decode time into the load's entry (`rs3` and `rm`, which no
    /// load uses) so that the loop only adds a byte.
    ///
    /// CV32E40P (openhwgroup/cv32e40p, docs/source/pipeline.rst, "Hazards"): "1-cycle penalty
    /// [...] Load data hazard in case the instruction immediately following a load uses the
    /// result of that load", and "Jump register (jalr) data hazard in case that a jalr depends on
    /// the result of an immediately preceding instruction". The exact conditions are those of
    /// rtl/cv32e40p_controller.sv (load_stall, jr_stall) with rtl/cv32e40p_id_stage.sv
    /// (reg_d_ex_is_reg_*, register addresses carry the x/f file):
    /// - the next instruction reads the loaded register (rs1, rs2 or rs3 of its file; x0 never)
    ///   or writes it through the ALU port (any non-load writing the same register): 1 cycle;
    /// - if that next instruction is a jalr through the loaded register, it also waits while
    ///   the load is in write-back: 1 more cycle (a jump stall);
    /// - otherwise, a jalr right after the next instruction (which neither jumps nor branches)
    ///   through the loaded register waits while the load is in write-back: 1 cycle (a jump
    ///   stall).
    /// A load into x0 never stalls (the RTL would for the write-after-write case; no compiler
    /// emits that). A successor that cannot be fetched counts as no hazard.
    func loadHazard(_ load: DecodedInstruction, at pc: UInt32) -> (cycles: UInt8, jumpStalls: UInt8) {
        let file = tables.loadDestination[Int(load.operation.rawValue)] == 2 ? RegisterFile.f : .x
        let register = load.rd
        if file == .x && (register == 0 || register == zeroSinkRegister) { return (0, 0) }
        let nextPC = pc &+ UInt32(load.length)
        guard let next = peekDecode(nextPC), let nd = next.descriptor else { return (0, 0) }
        let o = nd.operands
        let reads = (o.rs1 == file && next.rs1 == register) || (o.rs2 == file && next.rs2 == register)
            || (o.rs3 == file && next.rs3 == register)
        if reads { return next.operation == .jalr ? (2, 1) : (1, 0) }
        if nd.writes == file && next.rd == register && nd.memory?.kind != .load { return (1, 0) }
        if nd.cost == .jump || nd.cost == .branch || nd.path == .slow || file != .x { return (0, 0) }
        guard let after = peekDecode(nextPC &+ UInt32(next.length)) else { return (0, 0) }
        return after.operation == .jalr && after.rs1 == register ? (1, 1) : (0, 0)
    }

    /// The instruction at `pc`, decoded without touching the cache; nil if it cannot be fetched.
    func peekDecode(_ pc: UInt32) -> DecodedInstruction? {
        guard let word = instructionWord(at: pc) else { return nil }
        return Decoder.decode(word, at: pc, extensions: extensions)
    }

    func fetchHalf(_ address: UInt32) -> UInt32? {
        if let p = bus.fastPointer(address, 2) { return UInt32(p.loadUnaligned(as: UInt16.self)) }
        guard let p = bus.hostPointer(address, count: 2) else { return nil }
        return UInt32(p.loadUnaligned(as: UInt16.self))
    }

    /// The raw instruction word at `pc` (16 bits for compressed), if fetchable.
    func instructionWord(at pc: UInt32) -> UInt32? {
        guard let low = fetchHalf(pc) else { return nil }
        if !Decoder.isFullLength(low) { return low }
        guard let high = fetchHalf(pc &+ 2) else { return nil }
        return low | high << 16
    }

    // MARK: The loop

    /// Runs `hart` on the fast path for at most `budget` cycles (so at most `budget` instructions;
    /// the last one may end past the budget by its own extra cycles): the plain loop, or the
    /// counting loop for a hart whose performance counters need it. The choice is made here, once
    /// per call, so that the plain loop is exactly what it would be without counters.
    /// With a TCDM `log` (other cores running), the plain loop's logging specialisation: the
    /// plain loop itself does no logging work.
    @inline(__always)
    func execute(_ hart: Hart, budget: Int, log: UnsafeMutablePointer<TCDMLog>? = nil) -> QuantumEnd {
        if _slowPath(hart.core.pointee.countsEvents) { return executeCounting(hart, budget: budget, log: log) }
        if _slowPath(readWatch.span != 0) { return executePlainWatching(hart, budget: budget, log: log) }
        if let log { return executePlainLogging(hart, budget: budget, log: log) }
        return executePlain(hart, budget: budget)
    }

    /// `execute`, recording each instruction retired on the fast path in `captured` (room for
    /// `budget` entries); as many entries are filled as `hart.instret` advanced.
    @inline(__always)
    func executeCapturing(_ hart: Hart, budget: Int, log: UnsafeMutablePointer<TCDMLog>? = nil) -> QuantumEnd {
        if _slowPath(hart.core.pointee.countsEvents) { return executeCapturingCounting(hart, budget: budget, log: log) }
        return executeCapturingPlain(hart, budget: budget, log: log)
    }

    @inline(never)
    func executePlain(_ hart: Hart, budget: Int) -> QuantumEnd { executePlainTurn(hart, budget: budget, NoLog.self, log: nil) }

    @inline(never)
    func executePlainLogging(_ hart: Hart, budget: Int, log: UnsafeMutablePointer<TCDMLog>) -> QuantumEnd {
        executePlainTurn(hart, budget: budget, LogOnly.self, log: log)
    }

    /// The plain turn (`executePlain`, `executePlainLogging`, `executePlainWatching`): by blocks,
    /// starting in compiled code where the block at the hart's pc has some. (Each specialisation
    /// is a function of its own: these lines inlined into a shared caller made the optimiser take
    /// the semantics out of the block loop, which then ran at half speed with `--no-jit`.)
    @inline(never)
    private func executePlainTurn<L: LogMode>(_ hart: Hart, budget: Int, _: L.Type, log: UnsafeMutablePointer<TCDMLog>?) -> QuantumEnd {
        if blockExecution {
            var budget = budget, resume: Entry? = nil
            if compiledEntry != nil {
                let start = startCompiledTurn(hart, budget: budget, L.self, log: log)
                if start.entered {
                    if start.rest <= 0 { return .budget }
                    budget = start.rest
                    resume = start.resume
                }
            }
            return executeBlocks(hart, budget: budget, L.self, log: log, resume: resume)
        }
        return executeLoop(hart, budget: budget, NoCapture.self, NoCount.self, L.self, into: nil, log: log)
    }

    /// Whether a plain turn of `hart` (`executePlain`, `executePlainLogging`,
    /// `executePlainWatching`) may start in compiled code (`startCompiledTurn`), which the
    /// machine's loop of shared turns calls itself.
    @inline(__always) func startsCompiled(_ core: UnsafeMutablePointer<HartCore>) -> Bool {
        blockExecution && compiledEntry != nil && !core.pointee.countsEvents
    }

    /// The rest of a turn that `startCompiledTurn` entered and left before its end (or did not
    /// enter): what `executePlainLogging` (`executePlain` without a log) does after it.
    @inline(never)
    func continueTurn<L: LogMode>(_ hart: Hart, budget: Int, _: L.Type, log: UnsafeMutablePointer<TCDMLog>?, resume: Entry?) -> QuantumEnd {
        executeBlocks(hart, budget: budget, L.self, log: log, resume: resume)
    }

    /// Turns under a read watch that started in compiled code (tests).
    private(set) var watchedTurnsInCompiledCode: UInt64 = 0

    /// The plain loop while a read watch is set: the watched accesses go to the slow path. By
    /// blocks, starting in compiled code (which leaves before an access in the watch,
    /// `CompiledBlockContext.readWatchStart`).
    @inline(never)
    func executePlainWatching(_ hart: Hart, budget: Int, log: UnsafeMutablePointer<TCDMLog>?) -> QuantumEnd {
        executePlainTurn(hart, budget: budget, LogTCDM.self, log: log)
    }

    /// The counting loop: by blocks with counting code where blocks are compiled
    /// (`executeCountingByBlocks`), else instruction by instruction.
    @inline(never)
    func executeCounting(_ hart: Hart, budget: Int, log: UnsafeMutablePointer<TCDMLog>?) -> QuantumEnd {
        if countsByBlocks { return executeCountingByBlocks(hart, budget: budget, log: log) }
        return executeLoop(hart, budget: budget, NoCapture.self, CountEvents.self, LogTCDM.self, into: nil, log: log)
    }

    // MARK: Counting code

    /// Whether a counting turn runs by blocks with counting code (`executeCountingByBlocks`).
    var countsByBlocks: Bool { blockExecution && compileBlocks && compiler != nil }

    /// While set, the counting loop stops after an instruction that ends a block when a block
    /// with counting code starts where it goes on (`executeCountingByBlocks`), and sets
    /// `countYielded`.
    private var countYields = false
    private(set) var countYielded = false
    /// Instructions whose events compiled code counted (tests).
    private(set) var countedByCompiledCode: UInt64 = 0

    /// `executeCounting` by blocks: the turn runs the counting code of the blocks it comes to
    /// (`BlockCompiler.compileCounting`), and the counting loop from wherever that code leaves,
    /// until the loop comes to the start of a block with counting code again. Each part is a
    /// turn of the cycles left (as `executeEncodingByBlocks` splits a traced turn).
    @inline(never)
    func executeCountingByBlocks(_ hart: Hart, budget: Int, log: UnsafeMutablePointer<TCDMLog>?) -> QuantumEnd {
        let core = hart.core
        let firstCycle = core.pointee.cycle
        var end = QuantumEnd.budget
        var left = budget
        while true {
            if let header = countedHeader(at: core.pointee.pc) {
                let stopped = runCounted(hart, header, budget: left, log: log)
                left = budget &- Int(truncatingIfNeeded: core.pointee.cycle &- firstCycle)
                if left <= 0 { break }
                // After a jump to a block without counting code: its start may get some now.
                if !stopped { continue }
            }
            countYields = true
            end = executeLoop(hart, budget: left, NoCapture.self, CountEvents.self, LogTCDM.self, into: nil, log: log)
            countYields = false
            if end != .budget || !countYielded { break }
            left = budget &- Int(truncatingIfNeeded: core.pointee.cycle &- firstCycle)
            if left <= 0 { break }
        }
        return end
    }

    /// Whether a block with counting code starts at `pc` (`countedHeader`).
    @inline(never)
    func countedBlockStart(_ pc: UInt32) -> Bool { countedHeader(at: pc) != nil }

    /// The header of the block at `pc` if it has counting code: formed, and its counting code
    /// compiled, the first time.
    func countedHeader(at pc: UInt32) -> Entry? {
        let b = blocks + Int((pc >> 1) & Interpreter.blockMask)
        if b.pointee.tag != pc { guard formBlock(pc, in: b) != nil else { return nil } }
        guard let compiler, compileBlocks, let header = b.pointee.first, header.pointee.specIndex == Interpreter.compiledMarker,
              header.pointee.operation == .illegal else { return nil }
        var code = BlockCompiler.countedCode(header)
        if code == 0 {
            _ = compiler.compileCounting(header, latency: bus.maxLatency)
            code = BlockCompiler.countedCode(header)
        }
        return code != 0 && code != BlockCompiler.noCountedCode ? header : nil
    }

    /// Runs the counting code of the block whose header is `header` for a turn of `budget`
    /// cycles (as `runTraced` runs traced code); the events go into the hart's totals as it
    /// runs. True if it stopped at an entry of a block (the loop runs that instruction), false
    /// after a jump or branch to a block without counting code, or at the end of a block not
    /// ended by one (the next block starts at the hart's pc: its counting code may run on).
    private func runCounted(_ hart: Hart, _ header: Entry, budget: Int, log: UnsafeMutablePointer<TCDMLog>?) -> Bool {
        let core = hart.core
        let c = compiledContext(hart, budget: budget, LogTCDM.self, log: log)
        c.pointee.remaining = budget
        c.pointee.stalls = 0
        c.pointee.jumpedTo = core.pointee.jumpedTo
        c.pointee.tail = log?.pointee.tail ?? 0
        c.pointee.countTotals = hart.eventTotals
        let code = compiledBase.unsafelyUnwrapped + (Int(BlockCompiler.countedCode(header)) << 8 + BlockCompiler.countedPrefix)
        let next = compiledEntry.unsafelyUnwrapped(UnsafeMutableRawPointer(c), code)
        if next == nil && c.pointee.align != 0 {
            // A jump to a block without counting code: the cycle of fetching its first
            // instruction, a stall of the jump or branch.
            let cycles = UInt64(fetchAlignmentCycles(c.pointee.pc, cache, c.pointee.segments))
            c.pointee.stalls &+= cycles
            hart.eventTotals[EventTotals.stallCycles + Int(c.pointee.countLastCost)] &+= cycles
        }
        c.pointee.countTotals = nil
        let (executed, stopped) = finishVariant(core, c, budget: budget, log: log, next: next)
        countedByCompiledCode &+= executed
        if stopped, let entry = next?.assumingMemoryBound(to: DecodedInstruction.self),
           entry.pointee.specIndex == Interpreter.blockEndMarker {
            return false
        }
        return stopped
    }

    @inline(never)
    func executeCapturingPlain(_ hart: Hart, budget: Int, log: UnsafeMutablePointer<TCDMLog>?) -> QuantumEnd {
        executeLoop(hart, budget: budget, CaptureRetired.self, NoCount.self, LogTCDM.self, into: captured, log: log)
    }

    @inline(never)
    func executeCapturingCounting(_ hart: Hart, budget: Int, log: UnsafeMutablePointer<TCDMLog>?) -> QuantumEnd {
        executeLoop(hart, budget: budget, CaptureRetired.self, CountEvents.self, LogTCDM.self, into: captured, log: log)
    }

    /// One retired instruction's binary record, at `encoding.out` (advanced past it). (Out of
    /// line: the loop is past the optimiser's inlining limits anyway, and stays small.)
    @inline(never)
    func encodeRetired(_ encoding: UnsafeMutablePointer<LoopEncoding>, pc: UInt32, entry e: Entry, traits: UInt8, value: UInt32,
                       aux: UInt32, cycle: UInt64) {
        let enc = encoding.pointee.encoder, hart = encoding.pointee.hart
        let length = e.pointee.length
        let known = enc.knowsWord(hart: hart, pc: pc)
        var word: UInt32 = 0
        if !known {
            if let p = fastPointer(encoding.pointee.segments, pc, UInt32(length)) {
                word = length == 2 ? UInt32(p.loadUnaligned(as: UInt16.self)) : p.loadUnaligned(as: UInt32.self)
            } else {
                word = instructionWord(at: pc) ?? 0
            }
        }
        let out = encoding.pointee.out
        encoding.pointee.out = out + enc.encodeCaptured(into: out, hart: hart, cycle: cycle, pc: pc, word: word, compressed: length == 2,
                                                        traits: traits, rd: e.pointee.rd, value: value, aux: aux, wordKnown: known)
    }

    /// `executeCapturing` for an unfiltered binary trace: the loop writes each record where
    /// `encoding.out` says (room for `budget` records of `BinaryTrace.maxCapturedRecord`), as
    /// `Machine.emitCaptured` would from the capture, but without recording and reading back.
    @inline(never)
    func executeEncoding(_ hart: Hart, budget: Int, log: UnsafeMutablePointer<TCDMLog>?,
                         encoding: UnsafeMutablePointer<LoopEncoding>) -> QuantumEnd {
        if _slowPath(hart.core.pointee.countsEvents) {
            return executeLoop(hart, budget: budget, EncodeBinary.self, CountEvents.self, LogTCDM.self, into: captured, log: log,
                               encoding: encoding)
        }
        return executeLoop(hart, budget: budget, EncodeBinary.self, NoCount.self, LogTCDM.self, into: captured, log: log,
                           encoding: encoding)
    }

    /// `executeEncoding` by blocks, where blocks have traced code (`BlockCompiler.compileTraced`):
    /// the turn runs the traced code of the blocks it comes to, and the loop from wherever that
    /// code leaves, until the loop comes to the start of a block with traced code again. Each
    /// part is a turn of the cycles left (the turn's cycles, records and TCDM log records come
    /// out the same). Blocks are formed where the turn starts and after each jump or branch the
    /// loop runs, whether they get code or not (`--no-jit`): forming a block decodes its
    /// instructions, and the pages they are in then hold code, where a store leaves the fast
    /// path, and a core's slow path settles the TCDM's accesses (a contention stall shows in the
    /// trace from then on). So the trace is the same with compiled code and without. Only for an
    /// unfiltered binary trace (harts 0-6 of a trace of more than 8), with blocks, no read watch
    /// and no counting (`encodesByBlocks`).
    @inline(never)
    func executeEncodingByBlocks(_ hart: Hart, budget: Int, log: UnsafeMutablePointer<TCDMLog>?,
                                 encoding: UnsafeMutablePointer<LoopEncoding>) -> QuantumEnd {
        let core = hart.core
        let firstCycle = core.pointee.cycle
        let state = encoding.pointee.encoder.states + encoding.pointee.hart
        var records = 0
        var end = QuantumEnd.budget
        var left = budget
        while true {
            if let header = tracedHeader(at: core.pointee.pc), state.pointee.started {
                let before = core.pointee.instret
                let stopped = runTraced(hart, header, budget: left, log: log, encoding: encoding)
                records &+= Int(core.pointee.instret &- before)
                left = budget &- Int(truncatingIfNeeded: core.pointee.cycle &- firstCycle)
                if left <= 0 { break }
                // After a jump to a block without traced code: its start may get some now.
                if !stopped { continue }
            }
            encoding.pointee.yields = true
            end = executeEncoding(hart, budget: left, log: log, encoding: encoding)
            records &+= encoding.pointee.records
            if end != .budget || encoding.pointee.general || !encoding.pointee.yielded { break }
            left = budget &- Int(truncatingIfNeeded: core.pointee.cycle &- firstCycle)
            if left <= 0 { break }
        }
        encoding.pointee.yields = false
        encoding.pointee.records = records
        return end
    }

    /// Instructions whose binary trace records compiled code wrote (tests).
    private(set) var tracedByCompiledCode: UInt64 = 0

    /// Whether `executeEncodingByBlocks` runs `hart`'s turns (`encoder` its trace's). (In a trace
    /// of more than 8 harts, the records of harts 0-6 are those of a trace of at most 8: traced
    /// code writes them; harts 7 and up have a hart byte after the tag.)
    func encodesByBlocks(_ hart: Hart, encoder: BinaryTraceEncoder) -> Bool {
        blockExecution && (!encoder.wide || hart.index < BinaryTrace.hartEscape) && readWatch.span == 0
            && !hart.core.pointee.countsEvents
    }

    /// Whether a block with traced code starts at `pc` (forming the block, and compiling its
    /// traced code, if it is not there yet: the block is formed with or without compiled code).
    @inline(never)
    func tracedBlockStart(_ pc: UInt32) -> Bool { tracedHeader(at: pc) != nil }

    /// The header of the block at `pc` if it has traced code: formed, and its traced code
    /// compiled, the first time.
    func tracedHeader(at pc: UInt32) -> Entry? {
        let b = blocks + Int((pc >> 1) & Interpreter.blockMask)
        if b.pointee.tag != pc { guard formBlock(pc, in: b) != nil else { return nil } }
        guard let compiler, compileBlocks, let header = b.pointee.first, header.pointee.specIndex == Interpreter.compiledMarker,
              header.pointee.operation == .illegal else { return nil }
        var code = BlockCompiler.tracedCode(header)
        if code == 0 {
            let segments = bus.segments
            _ = compiler.compileTraced(header, latency: bus.maxLatency) { [self] at, length in
                if let p = fastPointer(segments, at, UInt32(length)) {
                    return length == 2 ? UInt32(p.loadUnaligned(as: UInt16.self)) : p.loadUnaligned(as: UInt32.self)
                }
                return instructionWord(at: at)
            }
            code = BlockCompiler.tracedCode(header)
        }
        return code >= 16 ? header : nil
    }

    /// Runs the traced code of the block whose header is `header` for a turn of `budget` cycles
    /// (as `startCompiledTurn` runs plain code): what it did goes into the hart, the records it
    /// wrote into `encoding`. True if it stopped at an entry of a block (the loop runs that
    /// instruction), false after a jump or branch to a block without traced code.
    private func runTraced(_ hart: Hart, _ header: Entry, budget: Int, log: UnsafeMutablePointer<TCDMLog>?,
                           encoding: UnsafeMutablePointer<LoopEncoding>) -> Bool {
        let core = hart.core
        let c = compiledContext(hart, budget: budget, LogTCDM.self, log: log)
        let index = encoding.pointee.hart
        c.pointee.remaining = budget
        c.pointee.stalls = 0
        c.pointee.jumpedTo = core.pointee.jumpedTo
        c.pointee.tail = log?.pointee.tail ?? 0
        c.pointee.traceOut = encoding.pointee.out
        c.pointee.traceState = encoding.pointee.encoder.states + index
        c.pointee.traceWords = encoding.pointee.encoder.words + (index << BinaryTrace.tableBits)
        c.pointee.traceHart = UInt32(index & 7)
        c.pointee.traceCycle = core.pointee.cycle &+ UInt64(budget)
        let code = compiledBase.unsafelyUnwrapped + Int(BlockCompiler.tracedCode(header))
        let next = compiledEntry.unsafelyUnwrapped(UnsafeMutableRawPointer(c), code)
        if next == nil && c.pointee.align != 0 {
            // A jump to a block without traced code: the cycle of fetching its first instruction.
            c.pointee.stalls &+= UInt64(fetchAlignmentCycles(c.pointee.pc, cache, c.pointee.segments))
        }
        encoding.pointee.out = c.pointee.traceOut.unsafelyUnwrapped
        c.pointee.traceOut = nil
        let (executed, stopped) = finishVariant(core, c, budget: budget, log: log, next: next)
        tracedByCompiledCode &+= executed
        return stopped
    }

    /// What a variant's code (traced, counting) did, back into the hart (`core`), as
    /// `startCompiledTurn` puts it: pc, instructions retired (returned) and cycles, where it
    /// jumped last, the log's tail; and whether it stopped at an entry of a block (`next`).
    private func finishVariant(_ core: UnsafeMutablePointer<HartCore>, _ c: UnsafeMutablePointer<CompiledBlockContext>, budget: Int,
                               log: UnsafeMutablePointer<TCDMLog>?, next: UnsafeMutableRawPointer?) -> (UInt64, Bool) {
        let remaining = c.pointee.remaining, stalls = c.pointee.stalls
        var next = next
        if next?.assumingMemoryBound(to: DecodedInstruction.self) == missEntry { next = nil }
        let stopped = next?.assumingMemoryBound(to: DecodedInstruction.self)
        core.pointee.pc = stopped?.pointee.tag ?? c.pointee.pc
        core.pointee.jumpedTo = c.pointee.jumpedTo
        if let log { log.pointee.tail = c.pointee.tail }
        let executed = UInt64(budget &- remaining)
        core.pointee.instret &+= executed
        core.pointee.cycle &+= executed &+ stalls
        // The instruction before the one it stopped at, if that is in the block, was retired last
        // (a jalr there waits for it); a block's first instruction is entered by a jump (or
        // where the turn started), which the jalr's test sees itself.
        if let stopped, case let before = stopped - 1,
           !(before.pointee.specIndex == Interpreter.compiledMarker && before.pointee.operation == .illegal) {
            core.pointee.lastRetired = before.pointee
        }
        return (executed, stopped != nil)
    }

    /// Where `core` keeps the instruction its hart retired last.
    @inline(__always) static func lastRetired(_ core: UnsafeMutablePointer<HartCore>) -> Entry {
        (UnsafeMutableRawPointer(core) + MemoryLayout<HartCore>.offset(of: \HartCore.lastRetired)!)
            .assumingMemoryBound(to: DecodedInstruction.self)
    }

    /// The loop's state for a turn of `hart`.
    @inline(__always)
    func execution<B: BlockMode, L: LogMode>(_ hart: Hart, budget: Int, _: B.Type, _: L.Type,
                                            log: UnsafeMutablePointer<TCDMLog>?) -> Execution<B> {
        let core = hart.core
        return Execution<B>(x: hart.x, f: hart.f, core: core, segments: bus.segments(for: hart.index), codePages: codePages,
                            cost: tables.cost, slowPath: tables.slowPath, decoded: cache,
                            blocks: blocks, next: missEntry, miss: missEntry, prev: Interpreter.lastRetired(core),
                            writeHazard: tables.writeHazard, watchStart: bus.watchStart,
                            watchSpan: bus.watchSpan &+ 3,
                            readWatchStart: L.watches ? readWatch.start : 0, readWatchSpan: L.watches ? readWatch.span : 0,
                            pc: core.pointee.pc, jumpedTo: core.pointee.jumpedTo, budget: budget, remaining: budget,
                            logRecords: L.on ? log?.pointee.records : nil, logTail: L.on ? log?.pointee.tail ?? 0 : 0,
                            logCycle: L.on ? core.pointee.cycle &+ UInt64(budget) &- (log?.pointee.shift ?? 0) : 0)
    }

    /// What a turn did, back into the hart: pc, instructions retired and cycles, the log's tail.
    @inline(__always)
    func finish<B: BlockMode, L: LogMode>(_ hart: Hart, _ s: Execution<B>, budget: Int, _: L.Type, log: UnsafeMutablePointer<TCDMLog>?,
                                          last: Entry) {
        let core = hart.core
        core.pointee.pc = s.pc
        core.pointee.jumpedTo = s.jumpedTo
        core.pointee.lastRetired = last.pointee
        if L.on, let log { log.pointee.tail = s.logTail }
        let executed = UInt64(budget - s.remaining)
        core.pointee.instret &+= executed
        core.pointee.cycle &+= executed &+ s.stalls
    }

    /// Compiled code's context for a turn of `hart` (`CompiledBlockContext`, kept by the
    /// interpreter: the block loop takes no local's address): the hart's slot, set up from the
    /// loop's state `s` the first time, with the turn's fields written.
    @inline(__always)
    func compiledContext<L: LogMode>(_ hart: Hart, budget: Int, _: L.Type, log: UnsafeMutablePointer<TCDMLog>?)
        -> UnsafeMutablePointer<CompiledBlockContext> {
        let slot = min(hart.index, Interpreter.compiledHarts)
        if compiledSlotsReady & (UInt64(1) << UInt64(slot)) == 0 || slot == Interpreter.compiledHarts {
            setUpCompiledSlot(hart, slot: slot)
        }
        return compiledContext(hart.core, index: hart.index, budget: budget, L.self, log: log)
    }

    /// Whether hart `index` has its own compiled context, set up (`compiledContext`).
    @inline(__always) func compiledSlotReady(_ index: Int) -> Bool {
        index < Interpreter.compiledHarts && compiledSlotsReady & (UInt64(1) << UInt64(index)) != 0
    }

    /// `compiledContext` for hart `index` (its core `core`), whose slot is set up.
    @inline(__always)
    private func compiledContext<L: LogMode>(_ core: UnsafeMutablePointer<HartCore>, index: Int, budget: Int, _: L.Type,
                                             log: UnsafeMutablePointer<TCDMLog>?) -> UnsafeMutablePointer<CompiledBlockContext> {
        let context = compiledContexts + min(index, Interpreter.compiledHarts)
        context.pointee.segments = bus.segments(for: index)
        context.pointee.watchStart = bus.watchStart
        context.pointee.watchSpan = bus.watchSpan &+ 3
        context.pointee.readWatchStart = L.watches ? readWatch.start : 0
        context.pointee.readWatchSpan = L.watches ? readWatch.span : 0
        context.pointee.records = L.on ? log?.pointee.records : nil
        context.pointee.logCycle = L.on ? core.pointee.cycle &+ UInt64(budget) &- (log?.pointee.shift ?? 0) : 0
        context.pointee.gate = UInt(bitPattern: context.pointee.records) | (L.watches && readWatch.span != 0 ? 1 : 0)
        return context
    }

    @inline(never)
    private func setUpCompiledSlot(_ hart: Hart, slot: Int) {
        let s = execution(hart, budget: 0, InBlocks.self, NoLog.self, log: nil)
        let template = executionTemplates + slot
        if compiledSlotsReady & (UInt64(1) << UInt64(slot)) != 0 { template.deinitialize(count: 1) }
        template.initialize(to: s)
        compiledContexts[slot] = CompiledBlockContext(x: s.x, segments: s.segments, codePages: s.codePages, remaining: 0, stalls: 0,
                                                      records: nil, tail: 0, logCycle: 0, watchStart: s.watchStart,
                                                      watchSpan: s.watchSpan, jumpedTo: 0, pc: 0, align: 0, core: s.core,
                                                      execution: template)
        compiledSlotsReady |= UInt64(1) << UInt64(slot)
    }

    /// Compiled code's context for a turn of `hart` (out of line: see `startCompiledTurn`).
    @inline(never)
    func compiledTurnContext<L: LogMode>(_ hart: Hart, budget: Int, _: L.Type, log: UnsafeMutablePointer<TCDMLog>?)
        -> UnsafeMutablePointer<CompiledBlockContext> {
        compiledContext(hart, budget: budget, L.self, log: log)
    }

    /// The start of a block-loop turn of `hart` of `budget` cycles when the block at its pc has
    /// code: the code runs at once, and what it did goes into the hart (pc, instructions, cycles,
    /// where it jumped last, the log's tail) as the block loop's end of turn would put it. Then
    /// the turn is over (nil: the code used the budget up; the loop would have stopped at once,
    /// and a jalr further in its block that it stopped at notes the entry before it as retired
    /// last), or the block loop goes on with the cycles left, at the entry the code left at (nil:
    /// at the hart's pc). The hart's last retired instruction is not changed otherwise: compiled
    /// code does not change the loop's (`Execution.prev`). Nil `rest` too when the block at its
    /// pc has no code: the loop runs the whole turn.
    ///
    /// (Out of the block loop, in its callers: this code inlined into the loop made the
    /// optimiser take the semantics out of it, and the loop ran at half speed without compiled
    /// code.)
    @inline(never)
    func startCompiledTurn<L: LogMode>(_ hart: Hart, budget: Int, _: L.Type, log: UnsafeMutablePointer<TCDMLog>?)
        -> (entered: Bool, rest: Int, resume: Entry?) {
        startCompiledTurn(hart.core, budget: budget, L.self, log: log) { self.compiledContext(hart, budget: budget, L.self, log: log) }
    }

    /// `startCompiledTurn` for hart `index`, by its core, when its compiled context is set up
    /// (`compiledSlotReady`). (The machine's loop of shared turns: no reference to the hart.)
    @inline(never)
    func startCompiledTurn<L: LogMode>(_ core: UnsafeMutablePointer<HartCore>, index: Int, budget: Int, _: L.Type,
                                       log: UnsafeMutablePointer<TCDMLog>?) -> (entered: Bool, rest: Int, resume: Entry?) {
        startCompiledTurn(core, budget: budget, L.self, log: log) { self.compiledContext(core, index: index, budget: budget, L.self, log: log) }
    }

    @inline(__always)
    private func startCompiledTurn<L: LogMode>(_ core: UnsafeMutablePointer<HartCore>, budget: Int, _: L.Type,
                                               log: UnsafeMutablePointer<TCDMLog>?,
                                               context: () -> UnsafeMutablePointer<CompiledBlockContext>)
        -> (entered: Bool, rest: Int, resume: Entry?) {
        let pc = core.pointee.pc
        let b = blocks + Int((pc >> 1) & Interpreter.blockMask)
        guard b.pointee.tag == pc, let header = b.pointee.first, header.pointee.specIndex == Interpreter.compiledMarker,
              header.pointee.operation == .illegal, budget > 0 else { return (false, budget, nil) }
        if L.watches { watchedTurnsInCompiledCode &+= 1 }
        let c = context()
        c.pointee.remaining = budget
        c.pointee.stalls = 0
        c.pointee.jumpedTo = core.pointee.jumpedTo
        if L.on { c.pointee.tail = log?.pointee.tail ?? 0 }
        let next = runCompiled(header, c)
        let remaining = c.pointee.remaining, stalls = c.pointee.stalls
        let stopped = next?.assumingMemoryBound(to: DecodedInstruction.self)
        core.pointee.pc = stopped.map { $0 == missEntry ? c.pointee.pc : $0.pointee.tag } ?? c.pointee.pc
        core.pointee.jumpedTo = c.pointee.jumpedTo
        if L.on, let log { log.pointee.tail = c.pointee.tail }
        let executed = UInt64(budget &- remaining)
        core.pointee.instret &+= executed
        core.pointee.cycle &+= executed &+ stalls
        let rest = remaining &- Int(truncatingIfNeeded: stalls)
        if rest <= 0 {
            if let stopped, stopped != missEntry, stopped.pointee.operation == .jalr,
               stopped.pointee.rs3 != Interpreter.jalrFirstInBlock {
                core.pointee.lastRetired = (stopped - 1).pointee
            }
            return (true, 0, nil)
        }
        return (true, rest, stopped == missEntry ? nil : stopped)
    }

    /// Enters the code of the compiled block whose header is `header` (`CompiledEntry`).
    @inline(never)
    func runCompiled(_ header: Entry, _ context: UnsafeMutablePointer<CompiledBlockContext>) -> UnsafeMutableRawPointer? {
        let next = compiledEntry.unsafelyUnwrapped(UnsafeMutableRawPointer(context), compiledBase.unsafelyUnwrapped + Int(header.pointee.imm))
        if next == nil && context.pointee.align != 0 {
            // A jump to a block without code: the cycle of fetching its first instruction.
            context.pointee.stalls &+= UInt64(fetchAlignmentCycles(context.pointee.pc, cache, context.pointee.segments))
        }
        return next
    }

    /// The plain loop by blocks: what `executeLoop` does without capture or counting, with the
    /// same budget test before every instruction, but run from the blocks' copies of the decoded
    /// instructions: the entry after the one that ran, unless a jump or branch chose the first
    /// of another block (`Execution.goOn`). No decode-cache lookup and no pc update per
    /// instruction (`Execution.advance`), and no test for a block's end: the only branch that
    /// depends on the program is the dispatch's (docs/architecture.md, "Block execution").
    @inline(__always)
    func executeBlocks<L: LogMode>(_ hart: Hart, budget: Int, _: L.Type, log: UnsafeMutablePointer<TCDMLog>?,
                                   resume: Entry? = nil) -> QuantumEnd {
        var s = execution(hart, budget: budget, InBlocks.self, L.self, log: log)
        s.goOn()
        let context = compiledEntry != nil ? compiledTurnContext(hart, budget: budget, L.self, log: log) : nil
        if let resume { s.next = resume }
        var end = QuantumEnd.budget
        var stopped = s.miss  // (the entry the loop left at, not retired)
        while s.remaining > Int(truncatingIfNeeded: s.stalls) {
            let e = s.next
            s.next = e + 1
            if case .leave(let why) = s.semantics(e) {
                // A compiled block's header: its code runs (it makes the budget tests itself,
                // `BlockCompiler`) and says where the loop goes on.
                if e.pointee.specIndex == Interpreter.compiledMarker && e.pointee.operation == .illegal {
                    if let context {
                        context.pointee.remaining = s.remaining
                        context.pointee.stalls = s.stalls
                        context.pointee.jumpedTo = s.jumpedTo
                        if L.on { context.pointee.tail = s.logTail }
                        let next = runCompiled(e, context)
                        s.remaining = context.pointee.remaining
                        s.stalls = context.pointee.stalls
                        s.jumpedTo = context.pointee.jumpedTo
                        if L.on { s.logTail = context.pointee.tail }
                        if let next {
                            s.next = next.assumingMemoryBound(to: DecodedInstruction.self)
                        } else {
                            s.pc = context.pointee.pc
                            s.goOn()
                        }
                    }
                    continue
                }
                // The ends of blocks that do not end with a jump or branch, and blocks not in
                // the table yet: not instructions, they take no budget.
                if e.pointee.specIndex == Interpreter.blockEndMarker {
                    s.pc = e.pointee.tag
                    s.goOn()
                    s.prev = e - 1  // (the block's last instruction)
                    continue
                }
                if e == s.miss {
                    let b = blocks + Int((s.pc >> 1) & Interpreter.blockMask)
                    guard let first = formBlock(s.pc, in: b) else { s.next = s.miss; end = .trap(.instructionAccessFault, s.pc); break }
                    s.next = first
                    continue
                }
                s.pc = e.pointee.tag
                s.next = s.miss
                stopped = e
                end = why
                break
            }
            s.remaining &-= 1
        }
        // Out of budget: pc is that of the next entry (a block end's is the pc after its block);
        // at the miss entry, the pc the jump or branch set.
        if s.next != s.miss { s.pc = s.next.pointee.tag; stopped = s.next }
        // The instruction retired last, as far as the next turn needs it (for a jalr it starts
        // with, `jalrWaits`): for a jalr further in a block the entry before it, else `prev`.
        let last = stopped.pointee.operation == .jalr && stopped.pointee.rs3 != Interpreter.jalrFirstInBlock ? stopped - 1 : s.prev
        finish(hart, s, budget: budget, L.self, log: log, last: last)
        return end
    }

    @inline(__always)
    func executeLoop<C: CaptureMode, K: CountMode, L: LogMode>(_ hart: Hart, budget: Int, _: C.Type, _: K.Type, _: L.Type,
                                                   into records: UnsafeMutablePointer<CapturedInstruction>?,
                                                   log: UnsafeMutablePointer<TCDMLog>?,
                                                   encoding: UnsafeMutablePointer<LoopEncoding>? = nil) -> QuantumEnd {
        let core = hart.core
        let cache = self.cache, cacheMask = self.cacheMask
        var s = execution(hart, budget: budget, SingleSteps.self, L.self, log: log)
        var end = QuantumEnd.budget
        let valueTable = C.on ? tables.capturedValue : nil
        // Binary records written as instructions retire (`encodeRetired`, out of line: the loop
        // stays as small as the capturing one).
        let traceTraits = C.encodes ? encoding.unsafelyUnwrapped.pointee.traits : nil
        let yields = C.encodes && encoding.unsafelyUnwrapped.pointee.yields
        let endsBlock = tables.endsBlock
        var yielded = false
        var general = false
        let firstCycle = core.pointee.cycle
        var count = 0
        let totals = K.on ? hart.eventTotals : nil
        let eventTraits = K.on ? tables.events : nil
        let yieldsToCounted = K.on && !C.on && countYields

        // The budget is in cycles: the loop goes on while instructions retired plus stall cycles
        // stay below it (`remaining` counts down per retired instruction, so that is
        // `stalls < remaining`), and so it also bounds the instructions. An instruction that
        // leaves the loop is not counted.
        loop: while s.remaining > Int(truncatingIfNeeded: s.stalls) {
            let pc = s.pc
            let e = cache + Int((pc >> 1) & cacheMask)
            if _slowPath(e.pointee.tag != pc) {
                guard let decoded = fetchAndDecode(pc) else { end = .trap(.instructionAccessFault, pc); break loop }
                e.pointee = decoded
            }
            // Capture: what is known before the instruction runs (a load may overwrite its base).
            let startStalls = s.stalls
            if C.on { s.aux = s.x[e.rs1] &+ e.imm }
            let address = K.on ? s.x[e.rs1] &+ e.imm : 0  // of a load or store (a load may overwrite its base)

            let op = e.pointee.operation
            let jalrWaited = K.on && op == .jalr && s.jalrWaits(e)  // (before it runs: `prev` and `jumpedTo`)
            let step: Step
            if case let r = s.rv32i(op, e), r.handled { step = r }
            else if case let r = s.rv32f(op, e, C.self), r.handled { step = r }
            else if case let r = s.rv32m(op, e), r.handled { step = r }
            else if case let r = s.zba(op, e), r.handled { step = r }
            else if case let r = s.zbb(op, e), r.handled { step = r }
            else { step = s.leave(op, e) }
            if case .leave(let why) = step {
                end = why
                break loop
            }
            s.prev = e
            if K.on {
                // Retired: file it in its class and charge its extra cycles to its cost class.
                let traits = eventTraits.unsafelyUnwrapped[Int(op.rawValue)]
                var extra = s.stalls &- startStalls
                var index = Int(traits & EventTraits.kindMask)
                if index == EventTotals.load {
                    // The hazard cycles are load and jump stalls, not the load's own (misaligned).
                    let hazard = UInt64(e.pointee.rs3), jump = UInt64(e.pointee.rm)
                    extra &-= hazard
                    totals.unsafelyUnwrapped[EventTotals.loadStallCycles] &+= hazard &- jump
                    totals.unsafelyUnwrapped[EventTotals.jumpHazardCycles] &+= jump
                }
                else if jalrWaited {
                    // Waiting for the instruction before it is a jump stall, beside its own cycle.
                    extra &-= 1
                    totals.unsafelyUnwrapped[EventTotals.jumpHazardCycles] &+= 1
                }
                if e.pointee.length == 2 { index |= EventTotals.compressed }
                if traits & EventTraits.memory != 0 && s.segments[Int(address >> 20)].tcdm == 0 {
                    index |= EventTotals.external
                    // The round trip to a slower memory (L2) is a cause of its own.
                    let wait = UInt64(s.segments[Int(address >> 20)].latency)
                    extra &-= wait
                    totals.unsafelyUnwrapped[EventTotals.memoryWaitCycles + (index & 7 == EventTotals.store ? 1 : 0)] &+= wait
                }
                if extra != 0 { index |= EventTotals.stalled }
                totals.unsafelyUnwrapped[index] &+= 1
                totals.unsafelyUnwrapped[EventTotals.stallCycles + Int(traits >> EventTraits.costShift)] &+= extra
            }
            if C.on {
                // Retired on the fast path: record it.
                let source = valueTable.unsafelyUnwrapped[op.index]
                let register = (source & 1) != 0 ? e.rs2 : e.rd
                let value = s.x[register &+ Int(source >> 1) &* 33]
                if C.encodes {
                    let traits = traceTraits.unsafelyUnwrapped[op.index]
                    if _slowPath(s.dirtied != 0 || traits & TraceTraits.writesBase != 0) {
                        // Its record needs the general path: recorded, and the loop stops after it.
                        let offset = UInt32(truncatingIfNeeded: UInt64(budget &- s.remaining) &+ startStalls) | s.dirtied
                        records.unsafelyUnwrapped[0] = CapturedInstruction(pc: pc, value: value, aux: s.aux, cycleOffset: offset)
                        s.dirtied = 0
                        general = true
                        s.remaining &-= 1
                        break loop
                    }
                    let start = firstCycle &+ UInt64(budget &- s.remaining) &+ startStalls
                    encodeRetired(encoding.unsafelyUnwrapped, pc: pc, entry: e, traits: traits, value: value, aux: s.aux, cycle: start)
                    count &+= 1
                    // (Only while the turn goes on: forming the block there decodes its code, and
                    // the untraced loop forms it only when it runs there, as does the next turn.)
                    if yields && endsBlock[op.index] != 0 && s.remaining &- 1 > Int(truncatingIfNeeded: s.stalls)
                        && tracedBlockStart(s.pc) {
                        // On at a block with traced code: that runs it.
                        yielded = true
                        s.remaining &-= 1
                        break loop
                    }
                } else {
                    let offset = UInt32(truncatingIfNeeded: UInt64(budget &- s.remaining) &+ startStalls) | s.dirtied
                    records.unsafelyUnwrapped[count] = CapturedInstruction(pc: pc, value: value, aux: s.aux, cycleOffset: offset)
                    count &+= 1
                    s.dirtied = 0
                }
            }
            if yieldsToCounted && endsBlock[op.index] != 0 && s.remaining &- 1 > Int(truncatingIfNeeded: s.stalls)
                && countedBlockStart(s.pc) {
                // On at a block with counting code: that runs it.
                yielded = true
                s.remaining &-= 1
                break loop
            }
            s.remaining &-= 1
        }
        if K.on && !C.on { countYielded = yielded }
        if C.encodes {
            encoding.unsafelyUnwrapped.pointee.records = count
            encoding.unsafelyUnwrapped.pointee.general = general
            encoding.unsafelyUnwrapped.pointee.yielded = yielded
        }
        finish(hart, s, budget: budget, L.self, log: log, last: s.prev)
        return end
    }
}
