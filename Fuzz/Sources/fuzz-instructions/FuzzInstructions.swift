// Fuzz target `instructions`: any 16- and 32-bit words as code, on every platform, with and
// without Zba/Zbb. The input gives the platform, the harts (all run the same code, each from its
// own start offset), the initial x and f registers and fcsr, and the code; a 4 KiB data area
// holds the code bytes again (for loads and stores that the registers point at). Optionally a
// trap handler resumes after the faulting instruction (after a failed fetch it jumps to the
// ending). After the code comes the platform's exit sequence (CORESTATUS, HTIF, testbench).
//
// Oracle: nothing traps; the run ends in a documented way (§6; every pc even, x0 = 0, MPP = 3);
// two fresh machines end the same way (reason, exit status, each hart's instructions, cycles, pc
// and state, output); when the input asks, the second run is traced (spike, pulpsim, jsonl or
// binary format, to /dev/null) and must retire exactly the same instructions in the same cycles
// (docs/tracing-and-debugging.md: traced and untraced runs behave identically). A binary trace
// is written by compiled code where blocks are compiled: then the program runs traced once more
// without compiled blocks, and the two traces must be the same bytes. When the second run is not
// traced and the trace format bits say binary, the program also runs counting every event
// (`--stats`, `--energy`) with compiled blocks (whose counting code counts) and without: the
// same outcome, stall cycles by cause and energy classes.
//
// Input (Tests/qemudiff/replay_fuzz.py reads the same layout):
//   byte 0   bits 0-1 platform (0/3 pulp-cluster, 1 spike, 2 redmule-tb); bit 2 Zba and Zbb;
//            bit 3 trap handler; bits 4-6 harts − 1; bit 7 second run traced
//   byte 1   initial fcsr (frm in bits 7:5, fflags in 4:0)
//   byte 2   bits 0-5 start offset step: hart i starts at code + 2·i·step; bits 6-7 trace format
//   byte 3   n = bits 0-5: register initialisers that follow; bits 6-7 the quantum (the default
//            256, 1, 7 or 64 cycles)
//   n × 5    register byte (bits 0-4 number, bit 5 f register instead of x; bits 6-7 how the
//            value is used: 0 as is, 1 data-area address data + (v mod 4096), 2 device address
//            (window v >> 16 of the platform's device list, offset v mod its size), 3 code
//            address code + (v mod 4096)), then the value, 4 bytes little-endian
//   rest     the code (at most 4 KiB), from the platform's code address

import Foundation
import FuzzSupport
import PulpSim

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let program = InstructionProgram(fuzzBytes(data, size))
    program.runTwiceAndCompare()
    if program.traced && program.traceFormat == .binary { program.compareCompiledTrace() }
    if !program.traced && program.traceFormat == .binary { program.compareCompiledCounting() }
    return 0
}

/// Where the binary traces of `compareCompiledTrace` go (one pair per fuzzing process).
private let tracePaths = (0..<2).map { "\(NSTemporaryDirectory())/pulpsim-fuzz-\(getpid())-\($0).bin" }

struct InstructionProgram: FuzzProgram {
    let layout: ProgramLayout
    let bitManipulation: Bool
    let handler: Bool
    let harts: Int
    let traced: Bool
    let traceFormat: TraceFormat
    let fcsr: UInt32
    let quantum: Int
    var x = [UInt32](repeating: 0, count: 32)
    var f = [UInt32](repeating: 0, count: 32)
    var memory: [(UInt32, [UInt8])] = []
    var pcs: [UInt32] = []

    static let maxInstructions: UInt64 = 10_000
    static let maxCycles: UInt64 = 1_000_000
    static let maxCode = 4096

    init(_ bytes: [UInt8]) {
        var input = FuzzReader(bytes)
        let config = input.byte()
        let platform: PlatformKind = [.pulpCluster, .spike, .redmuleTB, .pulpCluster][Int(config & 3)]
        layout = ProgramLayout.of(platform)
        bitManipulation = config & 4 != 0
        handler = config & 8 != 0
        harts = platform == .redmuleTB ? 1 : Int(config >> 4 & 7) + 1
        traced = config & 0x80 != 0
        fcsr = UInt32(input.byte())
        let layoutByte = input.byte()
        traceFormat = [.spike, .pulpsim, .jsonl, .binary][Int(layoutByte >> 6)]
        let devices = PlatformOptions(kind: platform).description.devices
        let count = input.byte()
        quantum = [0, 1, 7, 64][Int(count >> 6)]
        for _ in 0..<Int(count & 63) {
            let r = input.byte()
            var v = input.u32()
            switch r >> 6 {
            case 1: v = layout.data &+ v % ProgramLayout.dataSize
            case 2:
                if !devices.isEmpty {
                    let d = devices[Int(v >> 16) % devices.count]
                    v = d.start &+ (v & 0xFFFF) % d.size
                }
            case 3: v = layout.code &+ v % 4096
            default: break
            }
            if r & 0x20 != 0 { f[Int(r & 31)] = v } else if r & 31 != 0 { x[Int(r & 31)] = v }
        }
        let code = Array(input.rest().prefix(InstructionProgram.maxCode))
        // The code, then the ending, 4-byte aligned.
        let ending = layout.code + (UInt32(code.count) + 3) & ~3
        memory.append((layout.code, code))
        memory.append((ending, layout.exitSequence(code: 0).littleEndianBytes))
        if handler { memory.append((layout.handler, InstructionProgram.handler(ending: ending).littleEndianBytes)) }
        if !code.isEmpty {
            var data = [UInt8]()
            while data.count < Int(ProgramLayout.dataSize) { data += code }
            memory.append((layout.data, Array(data.prefix(Int(ProgramLayout.dataSize)))))
        }
        let step = UInt32(layoutByte & 63) * 2
        pcs = (0..<harts).map { layout.code + UInt32($0) * step }
    }

    /// Synchronous traps resume after the faulting instruction (2 or 4 bytes, read from mepc);
    /// a failed fetch (mcause 1) goes to the ending; interrupts return. Uses t6 (kept in mscratch).
    static func handler(ending: UInt32) -> [UInt32] {
        var a = Assembler()
        a.emit(RV.csrw(RV.mscratch, RV.t6))
        a.emit(RV.csrr(RV.t6, RV.mcause))
        a.jump(to: "restore") { RV.branch(4, RV.t6, RV.zero, $0) }
        a.emit(RV.addi(RV.t6, RV.t6, -1))
        a.jump(to: "fetch") { RV.branch(0, RV.t6, RV.zero, $0) }
        a.emit(RV.csrr(RV.t6, RV.mepc))
        a.emit(RV.load(size: 1, unsigned: true, RV.t6, RV.t6))
        a.emit(RV.andi(RV.t6, RV.t6, 3))
        a.emit(RV.addi(RV.t6, RV.t6, -3))
        a.jump(to: "four") { RV.branch(0, RV.t6, RV.zero, $0) }
        a.emit(RV.csrr(RV.t6, RV.mepc))
        a.emit(RV.addi(RV.t6, RV.t6, 2))
        a.jump(to: "set") { RV.jal(RV.zero, $0) }
        a.label("four")
        a.emit(RV.csrr(RV.t6, RV.mepc))
        a.emit(RV.addi(RV.t6, RV.t6, 4))
        a.jump(to: "set") { RV.jal(RV.zero, $0) }
        a.label("fetch")
        a.emit(RV.li(RV.t6, ending))
        a.label("set")
        a.emit(RV.csrw(RV.mepc, RV.t6))
        a.label("restore")
        a.emit(RV.csrr(RV.t6, RV.mscratch))
        a.emit(RV.mret)
        return a.finished()
    }

    /// Runs the program traced in the binary format with compiled blocks (whose code writes the
    /// records) and without, and requires the same outcome and the same trace bytes.
    func compareCompiledTrace() {
        let compiled = run(traced: .binary, tracePath: tracePaths[0])
        let plain = run(traced: .binary, tracePath: tracePaths[1], compileBlocks: false)
        compiled.mustEqual(plain, "binary-traced runs with and without compiled blocks")
        guard let a = FileManager.default.contents(atPath: tracePaths[0]),
              let b = FileManager.default.contents(atPath: tracePaths[1]) else {
            oracleFailure("cannot read the binary traces back")
        }
        if a != b {
            let at = zip(a, b).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(a.count, b.count)
            oracleFailure("the binary trace written by compiled code differs from the loop's at byte \(at) "
                          + "(\(a.count) and \(b.count) bytes)")
        }
    }

    /// Runs the program counting every event with compiled blocks (their counting code) and
    /// without (the counting loop), and requires the same outcome and counts.
    func compareCompiledCounting() {
        let compiled = run(traced: nil, tracePath: nil, counting: true)
        let plain = run(traced: nil, tracePath: nil, compileBlocks: false, counting: true)
        compiled.mustEqual(plain, "runs counting events with and without compiled blocks")
    }

    func run(traced format: TraceFormat?) -> RunOutcome { run(traced: format, tracePath: nil) }

    func run(traced format: TraceFormat?, tracePath: String?, compileBlocks: Bool = true, counting: Bool = false) -> RunOutcome {
        var options = layout.options(harts: harts, instructions: InstructionProgram.maxInstructions,
                                     cycles: InstructionProgram.maxCycles)
        options.compileBlocks = compileBlocks
        options.countStalls = counting
        options.energy = counting
        if bitManipulation { options.platform.extensions = ExtensionSet(parsing: "rv32imfc_zba_zbb")! }
        options.quantum = quantum
        let machine = layout.machine(options, program: memory, pcs: pcs)
        for hart in machine.harts {
            for i in 1..<32 { hart.x[i] = x[i] }
            for i in 0..<32 { hart.f[i] = f[i] }
            _ = hart.writeCSR(0x003, fcsr)
            if handler { _ = hart.writeCSR(RV.mtvec, layout.handler) }
        }
        let tracer = format.map { tracePath.map { path in fileTracer(machine, format: .binary, path: path) } ?? nullTracer(machine, format: $0) }
        if let tracer { machine.setTracer(tracer) }
        let order = TimeOrder(machine)
        let result = machine.run()
        tracer?.close()
        checkDocumentedEnd(result, machine)
        order.check()
        return RunOutcome(result)
    }
}
