// Fuzz target `devices`: firmware programming the platform's devices. The input becomes a short
// program per hart (1 to 8 on pulp-cluster and spike, 1 on redmule-tb) of MMIO loads and stores
// to every device window of the platform (`machine.platform.devices`: event unit, both views,
// timer, cluster control, SoC control, RedMulE, the DMA's two windows, stdout, testbench I/O; the
// TCDM test-and-set views; the HTIF `tohost` word), at mostly documented register offsets,
// sometimes anywhere in the window or misaligned, with every access size, and values biased
// towards meaningful ones (TCDM addresses and small shapes for RedMulE, ARITH op/format bits, DMA
// command words and addresses, event and core masks, timer configurations), plus whole DMA
// transfers (MCHAN or iDMA), the RedMulE XIF instructions, `wfi`, interrupts, delays and a trap
// handler that skips the faulting instruction. Hart 0 ends with the platform's exit store.
//
// Oracle: nothing traps; the run ends in a documented way (never a simulator error, §6); and two
// fresh machines given the same input end the same way (reason, exit status, each hart's
// instructions, cycles, pc and state, output, RedMulE summary). The second run is traced (to
// /dev/null) when the input asks, which must not change anything either. Untraced inputs with
// bit 7 of byte 1 set also check snapshots (docs/snapshots.md): a third run takes snapshots and a
// fresh machine restored from one of them — devices and events in flight — must end the same way,
// in the same whole state (`Machine.stateHash`).
//
// Input: byte 0 = platform (bits 0-1: 0 pulp-cluster, 1 spike, 2 redmule-tb, 3 pulp-cluster with
// `--dma idma`, or `pulp` — the cluster cores and the fabric controller, each with a program —
// when bit 3 of byte 1 is set), harts − 1 (bits 2-4), --redmule-errors=warn and --dma-errors=warn (bit 5), a
// handler on every hart from the start (bit 6),
// second run traced (bit 7); byte 1 = exit code (bits 0-3), quantum (bits 4-5: the default 256,
// 1, 7 or 64 cycles) and trace format (bits 6-7); then operations, each a byte (bits 0-2: hart,
// bits 3-7: kind) and its operands.

import FuzzSupport
import PulpSim

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let program = DeviceProgram(fuzzBytes(data, size))
    program.runTwiceAndCompare()
    if program.checksSnapshots { program.compareRestoredRun() }
    return 0
}

/// The programs an input describes, and how to run them.
struct DeviceProgram: FuzzProgram {
    let layout: ProgramLayout
    /// Programs (every hart), and the cluster cores among them (all but `pulp`'s FC).
    let harts: Int
    let clusterCores: Int
    let dma: DMAFrontEndKind
    let warn: Bool
    let traced: Bool
    let traceFormat: TraceFormat
    let quantum: Int
    /// (address, bytes) to write: code of each hart, the handler, the TCDM data.
    var memory: [(UInt32, [UInt8])] = []
    var pcs: [UInt32] = []

    static let maxInstructions: UInt64 = 20_000
    static let maxCycles: UInt64 = 2_000_000

    init(_ bytes: [UInt8]) {
        var input = FuzzReader(bytes)
        let config = input.byte()
        let misc = input.byte()
        let chip = config & 3 == 3 && misc & 8 != 0
        let platform: PlatformKind = chip ? .pulp : [.pulpCluster, .spike, .redmuleTB, .pulpCluster][Int(config & 3)]
        layout = ProgramLayout.of(platform)
        clusterCores = platform == .redmuleTB ? 1 : Int(config >> 2 & 7) + 1
        harts = clusterCores + (chip ? 1 : 0)  // (the fabric controller after the cluster cores)
        dma = config & 3 == 3 && !chip ? .idma : .mchan
        warn = config & 0x20 != 0
        traced = config & 0x80 != 0
        traceFormat = [.spike, .pulpsim, .jsonl, .binary][Int(misc >> 6)]
        quantum = [0, 1, 7, 64][Int(misc >> 4 & 3)]
        let windows = Windows(platform: platform, dma: dma, layout: layout, harts: clusterCores)
        var generators = (0..<harts).map { HartProgram(hart: $0, layout: layout, windows: windows, handlerFirst: config & 0x40 != 0) }
        while !input.atEnd {
            let head = input.byte()
            let raw = Int(head & 7)
            let hart = chip && raw == 7 ? harts - 1 : raw % harts  // (7: the fabric controller)
            generators[hart].operation(Int(head >> 3), &input)
        }
        for (i, g) in generators.enumerated() {
            let code = g.finished(exitCode: i == 0 ? misc & 0xF : nil)
            memory.append((layout.code + UInt32(i) * ProgramLayout.codeSlot, code.littleEndianBytes))
            pcs.append(layout.code + UInt32(i) * ProgramLayout.codeSlot)
        }
        memory.append((layout.handler, HartProgram.handler().littleEndianBytes))
        // Operands for RedMulE (and loads): FP16 values, from a fixed pseudo-random sequence.
        var state: UInt32 = 0x1234_5678
        var fill = [UInt8](repeating: 0, count: Int(ProgramLayout.dataSize))
        for i in stride(from: 0, to: fill.count, by: 2) {
            state = state &* 1_664_525 &+ 1_013_904_223
            let half = UInt16(truncatingIfNeeded: state >> 16) & 0xBFFF  // (no inf/NaN-heavy exponents)
            fill[i] = UInt8(half & 0xFF); fill[i + 1] = UInt8(half >> 8)
        }
        memory.append((layout.data, fill))
    }

    /// Untraced inputs with bit 7 of byte 1 (the trace format's high bit): the snapshot oracle.
    var checksSnapshots: Bool { !traced && (traceFormat == .jsonl || traceFormat == .binary) }

    /// Runs the program taking a snapshot every 1009 cycles and keeps the third (or the last, if
    /// fewer); a fresh machine restored from it must end as the run that took it.
    func compareRestoredRun() {
        var options = snapshotOptions
        options.checkRaces = false  // (its state is not in a snapshot: docs/snapshots.md)
        let taking = layout.machine(options, program: memory, pcs: pcs)
        var kept: (state: MachineState, printed: String)?
        var taken = 0
        taking.snapshotEvery(1009) { [unowned taking] state in
            taken += 1
            if taken <= 3 { kept = (state, taking.console.captured) }
        }
        let straight = RunOutcome(taking.run())
        guard let kept else { return }
        let fresh = layout.machine(options, program: memory, pcs: pcs)
        do { try fresh.restoreState(kept.state) } catch { oracleFailure("restoring a snapshot at cycle \(kept.state.cycle): \(error)") }
        let restored = RunOutcome(fresh.run(), outputBefore: kept.printed)
        straight.mustEqual(restored, "a run and the same run restored from its snapshot at cycle \(kept.state.cycle)")
        // The whole state at the end too: registers, memory, every device (what a program read
        // and dropped does not show in the outcome).
        guard taking.stateHash() == fresh.stateHash() else {
            oracleFailure("the run restored from its snapshot at cycle \(kept.state.cycle) ends in another state")
        }
    }

    var snapshotOptions: MachineOptions {
        var options = layout.options(harts: clusterCores, instructions: DeviceProgram.maxInstructions, cycles: DeviceProgram.maxCycles)
        options.redmuleErrors = warn ? .warn : .error
        options.dmaErrors = warn ? .warn : .error
        options.platform.dma = dma
        options.quantum = quantum
        options.energy = pcs.count % 3 == 1
        return options
    }

    func run(traced format: TraceFormat?) -> RunOutcome {
        var options = layout.options(harts: clusterCores, instructions: DeviceProgram.maxInstructions, cycles: DeviceProgram.maxCycles)
        options.redmuleErrors = warn ? .warn : .error
        // The race detector and the energy report on some inputs (both runs alike).
        options.checkRaces = memory.count % 3 == 0 || pcs.count % 2 == 0
        options.energy = pcs.count % 3 == 1
        options.dmaErrors = warn ? .warn : .error
        options.platform.dma = dma
        options.quantum = quantum
        let machine = layout.machine(options, program: memory, pcs: pcs)
        let tracer = format.map { nullTracer(machine, format: $0) }
        if let tracer { machine.setTracer(tracer) }
        let order = TimeOrder(machine)
        let result = machine.run()
        tracer?.close()
        checkDocumentedEnd(result, machine)
        order.check()
        return RunOutcome(result)
    }
}

/// The device windows of a platform, each with its documented registers.
struct Windows {
    struct Window {
        let kind: String
        let start: UInt32
        let size: UInt32
        /// Documented register offsets.
        let registers: [UInt32]
    }
    let list: [Window]
    let layout: ProgramLayout
    /// The cluster cores (core masks are made of them).
    let harts: Int
    let dma: DMAFrontEndKind
    let tcdmAddresses: [UInt32]
    /// Where DMA transfers may go outside the TCDM: free L2 (past the programs), its edge, the
    /// TCDM's global address, the cores' alias (an error), a device (an error).
    let externalAddresses: [UInt32] = [0x1C00_9000, 0x1C00_A003, 0x1C00_C000, 0x1C00_FFF0, 0x1000_0800, 0x1000_0FFD,
                                       0x0000_0100, 0x1A10_F000]

    init(platform: PlatformKind, dma: DMAFrontEndKind, layout: ProgramLayout, harts: Int) {
        self.layout = layout
        self.harts = harts
        self.dma = dma
        var list: [Window] = []
        var options = PlatformOptions(kind: platform)
        options.dma = dma
        let description = options.description
        for d in description.devices {
            list.append(Window(kind: d.device.rawValue, start: d.start, size: d.size, registers: Windows.registers(d.device, dma: dma)))
        }
        for m in description.memories {
            for v in m.views where v.testAndSet {
                list.append(Window(kind: "test-and-set", start: v.start, size: m.size,
                                   registers: (0..<64).map { UInt32($0 * 4) }))
            }
        }
        list.append(Window(kind: "htif", start: layout.tohost, size: 16, registers: [0, 4, 8, 12]))
        self.list = list
        // Where RedMulE's operands may be: the data area in every view, and a little beyond.
        var tcdm: [UInt32] = []
        for base in [layout.data] + layout.dataViews.prefix(1) {
            for k in 0..<8 { tcdm.append(base + UInt32(k) * 0x200) }
        }
        tcdm += [layout.data + 2, layout.data + 0xFFE, layout.data &- 0x20, 0x1001_FFC0, 0x1C00_0000]
        tcdmAddresses = tcdm
    }

    /// Documented offsets of each device (docs/platform.md §4, §5, §6, §7.2, §8, §11).
    static func registers(_ device: DeviceKind, dma: DMAFrontEndKind) -> [UInt32] {
        switch device {
        case .eventUnit:
            var r: [UInt32] = stride(from: 0, through: 0x3C, by: 4).map { UInt32($0) } + [0x80, 0x84]
            r += (0..<8).map { 0xC0 + 4 * UInt32($0) }
            r += (0..<16).flatMap { e in [0x100, 0x140, 0x180].map { UInt32($0) + 4 * UInt32(e) } }
            r += (0..<8).flatMap { b in [0x00, 0x04, 0x08, 0x0C, 0x10, 0x14, 0x18, 0x1C].map { 0x200 + 0x20 * UInt32(b) + UInt32($0) } }
            return r
        case .eventUnitGlobal:
            var r: [UInt32] = (0..<8).flatMap { c in stride(from: 0, through: 0x3C, by: 4).map { 0x40 * UInt32(c) + UInt32($0) } }
            r += (0..<8).flatMap { b in [0x00, 0x04, 0x08, 0x0C, 0x10, 0x14, 0x18, 0x1C].map { 0x400 + 0x20 * UInt32(b) + UInt32($0) } }
            r += (0..<16).map { 0x600 + 4 * UInt32($0) }
            return r
        case .timer: return stride(from: 0, through: 0x24, by: 4).map { UInt32($0) }
        case .clusterControl: return [0x000, 0x008, 0x018, 0x100] + (0..<8).map { 0x040 + 4 * UInt32($0) }
        case .socControl: return [0x00, 0xA0, 0xA0, 0x04]
        case .stdout: return (0..<8).map { UInt32($0) << 3 } + [0x80, 0xF00]
        case .redmule: return [0x00, 0x04, 0x08, 0x0C, 0x10, 0x14, 0x40, 0x44, 0x48, 0x4C, 0x50, 0x54, 0x58, 0x90, 0x9C]
        case .testbenchIO: return [0, 4]
        case .icacheControl: return stride(from: 0, through: 0x1C, by: 4).map { UInt32($0) }
        case .hmr:
            return [0x00, 0x04, 0x08, 0x0C, 0x10, 0x14, 0x200, 0x204, 0x300, 0x304]
                + (0..<8).flatMap { c in [0x100, 0x104, 0x108].map { UInt32($0) + 0x10 * UInt32(c) } }
        case .fll: return stride(from: 0, through: 0x2C, by: 4).map { UInt32($0) }
        case .fcInterrupts: return stride(from: 0, through: 0x24, by: 4).map { UInt32($0) }
        case .fcTimer: return stride(from: 0, through: 0x24, by: 4).map { UInt32($0) }
        case .socEventUnit: return [0x00, 0x04, 0x08, 0x0C, 0x10, 0x14]
        case .dmaFabricController: return [0x0, 0x0, 0x0, 0x4]
        case .dma, .dmaShared:
            guard dma == .idma else { return [0x0, 0x0, 0x0, 0x4] }
            // CONF, STATUS_0/1, NEXT_ID_0/1/2, DONE_ID_0/1, the transfer registers.
            return [0x00, 0x04, 0x08, 0x44, 0x48, 0x4C, 0x84, 0x88, 0xD0, 0xD8, 0xE0, 0xE8, 0xF0, 0xF8, 0x100, 0x108, 0x110]
        }
    }

    /// MCHAN command words: lengths from 1 to 64 KiB (and 0), both directions, the option bits.
    static let mchanCommands: [UInt32] = {
        var words: [UInt32] = []
        for (i, length) in [1, 7, 64, 255, 1024, 4096, 0, 65536, 13].enumerated() {
            // Bits 17..24: direction, incremental, external 2D, event, interrupt, broadcast, TCDM 2D, unused.
            let flags: UInt32 = [0x0B, 0x0A, 0x2B, 0x0F, 0x4A, 0x1B, 0x09, 0x7F, 0xFF][i]
            words.append(UInt32(length) & 0x1FFFF | (flags << 17) & 0x01FE_0000)
        }
        return words + [0xFFFF_FFFF]
    }()

    /// iDMA CONF words: 1D, 2D and 3D, with the protocols of both streams and some invalid ones.
    static let idmaConfs: [UInt32] = [0x0000_8000, 0x0000_1000, 0x0000_9000, 0x0000_8400, 0x0000_1400,
                                      0x0000_8800, 0x0002_0000, 0x0000_0000, 0x0000_C000, 0x0000_1C00]

    /// Values worth writing to a DMA register.
    func dmaValues(_ offset: UInt32) -> [UInt32] {
        if dma == .mchan {
            return offset == 0 ? Windows.mchanCommands + tcdmAddresses + externalAddresses + [8, 16, 64, 0] : [0xFFFF, 1, 0x8000, 0]
        }
        switch offset {
        case 0x00: return Windows.idmaConfs
        case 0xD0, 0xD8: return tcdmAddresses + externalAddresses
        case 0xE0: return [1, 7, 64, 256, 4096, 0, 0x1_0001]
        case 0xF8, 0x110: return [1, 2, 4, 0, 300]
        default: return [0, 8, 64, 256, 0xFFFF_FFC0, 0x8000_0000]
        }
    }

    /// Values worth writing to `offset` of `window`.
    func meaningful(_ window: Window, _ offset: UInt32) -> [UInt32] {
        let all = UInt32((1 << harts) - 1)
        let cores: [UInt32] = [0, 1, 2, all, all & 0x55, 0xFF, 1 << UInt32(harts - 1)]
        switch window.kind {
        case "event-unit", "event-unit-global":
            let local = window.kind == "event-unit" ? offset : (offset < 0x200 ? offset % 0x40 : offset < 0x600 ? offset - 0x200 : offset - 0x500)
            switch local {
            case 0x84, 0x2C..<0x38: return cores
            case 0x100..<0x140: return cores + [0x100, 0xFFFF_FFFF]
            case 0x200..<0x300: return cores + [0xFFFF_FFFF]
            default:
                return [1 << 12, 1 << 16, 1 << 18, 1 << 10, 1 << 11, 1, 0xFF, 0xFFFF_FFFF, 0, 1 << 12 | 1 << 16,
                        0x0001_0FFF, 1 << 13, 1 << 8]
            }
        case "timer", "fc-timer":
            switch offset {
            case 0x00, 0x04:
                return [0x5, 0x15, 0x25, 0x1, 0x4, 0x2, 0x45 | 3 << 8, 0x8000_0005, 0x8000_0015, 0x87, 0x8000_0025, 0]
            case 0x10, 0x14: return [10, 50, 100, 300, 1000, 5000, 0, 0xFFFF_FFFF]
            case 0x08, 0x0C: return [0, 1, 0xFFFF_FFF0, 5, 0x7FFF_FFFF]
            default: return [1, 0, 3]
            }
        case "cluster-control":
            switch offset {
            case 0x000: return [0, 1, 2]
            case 0x100: return [0, 1, 42, 0x8000_0001]
            case 0x018: return [1 << 11, 0]
            default: return [layout.code, layout.code + 0x1000, 0xFF, 0]
            }
        case "soc-control": return offset == 0xA0 ? [0x8000_0000, 0x8000_0007, 5, 0, 0xFFFF_FFFF] : [0, 1, 0x0008_0001]
        case "stdout": return [UInt32(UInt8(ascii: "f")), UInt32(UInt8(ascii: "\n")), UInt32(UInt8(ascii: "z")), 0, 0x41]
        case "redmule":
            switch offset {
            case 0x00: return [0, 0, 0, 1]
            case 0x14: return [0, 0, 1]
            case 0x40, 0x44, 0x48: return tcdmAddresses
            case 0x4C: return [Windows.mcfg0(m: 12, k: 16), Windows.mcfg0(m: 4, k: 4), Windows.mcfg0(m: 1, k: 1),
                               Windows.mcfg0(m: 24, k: 32), Windows.mcfg0(m: 13, k: 17), Windows.mcfg0(m: 0, k: 8),
                               Windows.mcfg0(m: 5, k: 3), Windows.mcfg0(m: 12, k: 0)]
            case 0x50: return [16, 4, 1, 8, 17, 32, 0, 5, 0x10010]
            case 0x54: return Windows.arithValues
            default: return [0, 1, 0xFFFF_FFFF]
            }
        case "testbench-io": return offset == 0 ? [0, 1, 3] : [UInt32(UInt8(ascii: "t")), 10]
        case "dma", "dma-shared", "dma-fc": return dmaValues(offset)
        case "fc-interrupts":  // lines 0..7 software, 8 DMA, 10/11 timer
            return [1 << 1, 1 << 8, 1 << 10, 0xFFFF_FFFF, 0, 1 << 3 | 1 << 10]
        case "fll": return [0xC000_05F5, 0x4521_05F5, 0, 0xFFFF_FFFF, 0x2200_4109, 0x0100_0000]
        case "htif":
            // (device 1, command 1) putchar; exit; a syscall block; an unknown device.
            return offset & 4 == 0 ? [UInt32(UInt8(ascii: "h")), 0x0A, 1, 7, layout.syscallBlock, 0] : [0x0101_0000, 0, 0x0200_0000]
        default: return [0, 1, 0xFFFF_FFFF, 0x8000_0000]
        }
    }

    static func mcfg0(m: UInt32, k: UInt32) -> UInt32 { k << 16 | m }
    /// ARITH words: every op (bits 12:10) in FP16, FP8 and FP8Alt, GEMM in Float16Alt.
    static let arithValues: [UInt32] = {
        var values: [UInt32] = []
        for op: UInt32 in 0..<8 {
            for format: UInt32 in [1, 0, 2] { values.append(op << 10 | format << 7) }
        }
        return values + [1 << 10 | 3 << 7, 0xFFFF_FFFF]
    }()
}

/// One hart's program, built operation by operation.
struct HartProgram {
    let hart: Int
    let layout: ProgramLayout
    let windows: Windows
    var asm = Assembler()
    /// Room left for operations (4 KiB per hart, minus the ending).
    static let maxWords = 960
    var labels = 0

    init(hart: Int, layout: ProgramLayout, windows: Windows, handlerFirst: Bool) {
        self.hart = hart
        self.layout = layout
        self.windows = windows
        if handlerFirst { installHandler() }
    }

    mutating func installHandler() {
        asm.emit(RV.li(RV.t6, layout.handler))
        asm.emit(RV.csrw(RV.mtvec, RV.t6))
    }

    /// The handler every hart may install: synchronous traps resume after the faulting
    /// instruction (mepc += 4: every generated instruction is 32-bit); interrupts clear the
    /// software-pending bits of mip and return. t6 is saved in mscratch.
    static func handler() -> [UInt32] {
        var a = Assembler()
        a.emit(RV.csrw(RV.mscratch, RV.t6))
        a.emit(RV.csrr(RV.t6, RV.mcause))
        a.jump(to: "interrupt") { RV.branch(4, RV.t6, RV.zero, $0) }
        a.emit(RV.csrr(RV.t6, RV.mepc))
        a.emit(RV.addi(RV.t6, RV.t6, 4))
        a.emit(RV.csrw(RV.mepc, RV.t6))
        a.jump(to: "restore") { RV.jal(RV.zero, $0) }
        a.label("interrupt")
        a.emit(RV.csrw(RV.mip, RV.zero))
        a.label("restore")
        a.emit(RV.csrr(RV.t6, RV.mscratch))
        a.emit(RV.mret)
        return a.finished()
    }

    /// The value of a store: meaningful for the register (mostly), small, or any.
    func value(_ window: Windows.Window, _ offset: UInt32, _ input: inout FuzzReader) -> UInt32 {
        let mode = input.byte()
        switch mode >> 6 {
        case 0, 1: return input.pick(windows.meaningful(window, offset))
        case 2: return UInt32(input.byte())
        default: return input.u32()
        }
    }

    /// An offset in `window`: a documented register (mostly), any word, or a misaligned one.
    func offset(_ window: Windows.Window, _ input: inout FuzzReader) -> UInt32 {
        let mode = input.byte()
        switch mode >> 6 {
        case 0, 1: return input.pick(window.registers)
        case 2: return UInt32(input.u16()) % window.size & ~3
        default:
            let base = input.pick(window.registers)
            return mode & 4 != 0 ? UInt32(input.u16()) % window.size : (base + UInt32(mode & 3)) % window.size
        }
    }

    /// One MMIO access: a load or store of 1, 2 or 4 bytes (mostly 4) at `address`.
    mutating func access(_ address: UInt32, store value: UInt32?, mode: UInt8) {
        let size = [4, 4, 4, 4, 2, 2, 1, 1][Int(mode & 7)]
        asm.emit(RV.li(RV.t0, address))
        if let value {
            asm.emit(RV.li(RV.t1, value))
            asm.emit(RV.store(size: size, RV.t1, RV.t0))
        } else {
            asm.emit(RV.load(size: size, unsigned: mode & 8 != 0, RV.t2, RV.t0))
        }
    }

    mutating func write(_ address: UInt32, _ value: UInt32) { access(address, store: value, mode: 0) }
    mutating func read(_ address: UInt32) { access(address, store: nil, mode: 0) }

    /// Window `kind` (the first with that name), if the platform has it.
    func window(_ kind: String) -> Windows.Window? { windows.list.first { $0.kind == kind } }

    mutating func operation(_ kind: Int, _ input: inout FuzzReader) {
        guard asm.count < HartProgram.maxWords else { return }
        switch kind {
        case 0..<13:  // an MMIO access to a device window
            let w = input.pick(windows.list)
            let offset = self.offset(w, &input)
            let mode = input.byte()
            let isStore = mode & 1 != 0
            access(w.start &+ offset, store: isStore ? value(w, offset, &input) : nil, mode: mode >> 1)
        case 13:  // a whole DMA transfer, and maybe a wait for its event
            dmaTransfer(&input)
        case 14:  // an access anywhere: mostly faults
            let address = input.u32()
            let mode = input.byte()
            access(address, store: mode & 1 != 0 ? input.u32() : nil, mode: mode >> 1)
        case 15, 16:  // mcnfig
            let m = UInt32(input.byte() % 26), k = UInt32(input.byte() % 34), n = UInt32(input.byte() % 34)
            asm.emit(RV.li(RV.a0, k << 16 | m))
            asm.emit(RV.li(RV.a1, n))
            asm.emit(RV.mcnfig(RV.a0, RV.a1))
        case 17, 18:  // marith
            let x = input.pick(windows.tcdmAddresses), w = input.pick(windows.tcdmAddresses), z = input.pick(windows.tcdmAddresses)
            asm.emit(RV.li(RV.a0, x))
            asm.emit(RV.li(RV.a1, w))
            asm.emit(RV.li(RV.a2, z))
            asm.emit(RV.marith(RV.a0, RV.a1, RV.a2, arith: input.pick(Windows.arithValues)))
        case 19:
            asm.emit(RV.wfi)
        case 20:  // interrupts on or off
            let b = input.byte()
            asm.emit(b & 1 != 0 ? RV.csrsi(RV.mstatus, 8) : RV.csrci(RV.mstatus, 8))
            asm.emit(RV.li(RV.t1, [0x8, 0x888, 0xFFFF_0008, 0, 0x1_0000][Int(b >> 1) % 5]))
            asm.emit(RV.csrw(RV.mie, RV.t1))
        case 21:
            installHandler()
        case 22:  // a delay loop
            asm.emit(RV.li(RV.t3, UInt32(input.byte()) * 4 + 1))
            asm.emit(RV.addi(RV.t3, RV.t3, -1))
            asm.emit(RV.branch(1, RV.t3, RV.zero, -4))
        case 23:  // an HTIF command: low word, then high word
            if let w = window("htif") {
                let low = input.pick(windows.meaningful(w, 0)), high = input.pick(windows.meaningful(w, 4))
                write(w.start, low)
                write(w.start + 4, high)
            }
        case 24:  // a complete RedMulE job through the registers, then its completion
            redmuleJob(&input)
        case 25:  // wait for events: EVT_MASK, then EVENT_WAIT_CLEAR
            if let eu = window("event-unit") {
                write(eu.start, input.pick(windows.meaningful(eu, 0)))
                read(eu.start + 0x3C)
            } else {
                asm.emit(RV.wfi)
            }
        case 26:  // a timer channel with its event
            if let timer = window("timer") {
                let channel = UInt32(input.byte() & 1) * 4
                write(timer.start + 0x10 + channel, input.pick(windows.meaningful(timer, 0x10)))
                write(timer.start + channel, input.pick(windows.meaningful(timer, 0)))
            }
        case 27:  // a barrier of every core, waited for
            if let eu = window("event-unit") {
                let b = UInt32(input.byte() & 7)
                let all = UInt32((1 << windows.harts) - 1)
                write(eu.start + 0x08, 1 << 16)
                write(eu.start + 0x200 + 0x20 * b, all)
                write(eu.start + 0x200 + 0x20 * b + 0x0C, all)
                read(eu.start + 0x200 + 0x20 * b + 0x1C)
            }
        case 28:  // a mutex: lock, unlock
            if let eu = window("event-unit") {
                let m = UInt32(input.byte() & 7)
                read(eu.start + 0xC0 + 4 * m)
                write(eu.start + 0xC0 + 4 * m, UInt32(hart))
            }
        case 29:  // dispatch: push a value, pop one
            if let eu = window("event-unit") {
                write(eu.start + 0x80, UInt32(input.byte()))
                read(eu.start + 0x80)
            }
        case 30:  // ecall, ebreak or an illegal word (the handler skips them)
            asm.emit([RV.ecall, RV.ebreak, 0, 0xFFFF_FFFF][Int(input.byte() & 3)])
        default:  // a test-and-set lock on the data area
            if let tas = window("test-and-set") {
                let at = tas.start + UInt32(input.byte() & 0x3F) * 4
                read(at)
                write(at, 0)
            } else {
                read(layout.data + UInt32(input.byte()) * 4)
            }
        }
    }

    /// A DMA transfer through this core's queue (or the shared one): MCHAN — an id, the command
    /// word, the addresses and 2D words; iDMA — the transfer registers and a NEXT_ID read; then
    /// maybe a wait for event 8 and (MCHAN) freeing every id.
    mutating func dmaTransfer(_ input: inout FuzzReader) {
        let flags = input.byte()
        guard let q = window(flags & 1 == 0 ? "dma" : "dma-shared") else { return }
        if windows.dma == .mchan {
            if flags & 2 == 0 { read(q.start) }
            let command = input.pick(Windows.mchanCommands)
            write(q.start, command)
            write(q.start, input.pick(windows.tcdmAddresses))
            write(q.start, input.pick(windows.externalAddresses))
            for _ in 0..<((command >> 19 & 1) + (command >> 23 & 1)) * 2 { write(q.start, input.pick([1, 8, 64, 100, 0, 4096])) }
        } else {
            for offset: UInt32 in [0xD8, 0xD0, 0xE0, 0x00] + (flags & 2 == 0 ? [] : [0xE8, 0xF0, 0xF8, 0x100, 0x108, 0x110]) {
                write(q.start + offset, input.pick(windows.dmaValues(offset)))
            }
            read(q.start + (flags & 4 == 0 ? 0x48 : 0x44))
        }
        if flags & 8 == 0, let eu = window("event-unit") {
            write(eu.start + 0x08, 1 << 8)
            read(eu.start + 0x3C)
        }
        if flags & 16 == 0 && windows.dma == .mchan { write(q.start + 4, 0xFFFF) }
    }

    /// SOFT_CLEAR, ACQUIRE, X, W, Z, MCFG0, MCFG1, ARITH, TRIGGER, then wait for the completion
    /// (event 12 on pulp-cluster, MSIP and `wfi` on redmule-tb).
    mutating func redmuleJob(_ input: inout FuzzReader) {
        guard let r = window("redmule") else { return }
        let flags = input.byte()
        if flags & 1 == 0 { write(r.start + 0x14, 0) }
        if flags & 2 == 0 { read(r.start + 0x04) }
        for offset: UInt32 in [0x40, 0x44, 0x48, 0x4C, 0x50, 0x54] {
            write(r.start + offset, input.pick(windows.meaningful(r, offset)))
        }
        write(r.start, flags & 4 == 0 ? 0 : 1)
        if flags & 8 == 0 {
            if let eu = window("event-unit") {
                write(eu.start + 0x08, 1 << 12)
                read(eu.start + 0x3C)
            } else {
                asm.emit(RV.wfi)
            }
        }
    }

    /// The program with its ending: hart 0 exits (after waiting a little for the others),
    /// the other harts sleep in `wfi` for ever.
    func finished(exitCode: UInt8?) -> [UInt32] {
        var a = asm
        if let exitCode {
            a.emit(layout.exitSequence(code: exitCode))
        }
        a.label("idle")
        a.emit(RV.wfi)
        a.jump(to: "idle") { RV.jal(RV.zero, $0) }
        return a.finished()
    }
}
