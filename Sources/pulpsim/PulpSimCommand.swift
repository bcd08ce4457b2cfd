// Command-line front end: parses options, builds a `Machine`, runs it, renders the outcome.

import ArgumentParser
import Foundation
import PulpSim
import Synchronization

@main
struct PulpSimCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pulpsim",
        abstract: "Simulator of an 8-core PULP cluster (RV32IMFC) with the RedMulE matrix engine.",
        discussion: """
        Examples:
          pulpsim run firmware/build/pulp-cluster/hello.elf
          pulpsim run --platform spike --max-instructions 1000000 prog.elf
          pulpsim run --json --quiet app.elf > result.json
          pulpsim memory-map --platform pulp-cluster
          pulpsim run --trace-file t.bin --trace-format binary app.elf && pulpsim trace-decode t.bin

        The exit status of `pulpsim run` is the firmware's exit code; abnormal ends have their own
        codes: 64 usage, 65 invalid ELF, 66 unreadable input, 70 simulator error, 119 races found (--check-races), 120 trap without
        handler, 121 deadlock, 122 RedMulE error, 123 instruction/cycle limit, 124 timeout,
        125 DMA error, 74 trace or timeline not fully written (otherwise successful run), 130/143 interrupted by SIGINT/SIGTERM (the trace and output are flushed; a second signal
        stops at once).
        """,
        subcommands: [Run.self] + farmSubcommands + [MemoryMap.self, Disassemble.self, TraceDecode.self],
        defaultSubcommand: nil)
}

extension PlatformKind: ExpressibleByArgument {}
extension RedMulEErrorPolicy: ExpressibleByArgument {}
extension RedMulEPaddingCheck: ExpressibleByArgument {}
extension DMAErrorPolicy: ExpressibleByArgument {}
extension DMAFrontEndKind: ExpressibleByArgument {}
extension TraceFormat: ExpressibleByArgument {}

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load an ELF and run it until the firmware ends the run.",
        discussion: """
        Examples:
          pulpsim run hello.elf                          # 8-hart pulp-cluster, prints the firmware's output
          pulpsim run --harts 1 --stats kernel.elf       # one hart, per-hart counts at the end
          pulpsim run --stats kernel.elf                 # stall cycles by cause, TCDM bank conflicts per bank
          pulpsim run --no-tcdm-contention kernel.elf    # every TCDM access served at once (faster)
          pulpsim run --platform spike rv32ui-p-add      # Spike-compatible platform with HTIF
          pulpsim run --platform pulp --stats chip.elf   # the pulp chip: the fabric controller boots, starts the cluster
          pulpsim run --isa rv32imfc_zba_zbb kernel.elf  # harts with Zba and Zbb (CV32E40X)
          pulpsim run --max-instructions 1e9 --timeout 60 --json app.elf
          pulpsim run --trace-file t.log --trace-format pulpsim --trace-start main app.elf
          pulpsim run --trace-file t.bin --trace-format binary app.elf   # fastest full trace; see trace-decode
          pulpsim run --gdb 3333 app.elf             # then: gdb-multiarch -ex 'target remote :3333' app.elf
          pulpsim run --timeline out.json app.elf    # open in ui.perfetto.dev
          pulpsim run --energy gemm.elf              # energy, power, GFLOPS/W, RedMulE utilisation per job
          pulpsim run --check-races app.elf          # data races between harts, RedMulE and the DMA (exit 119)
          pulpsim run --snapshot-every 1e6 app.elf     # snapshots/app-c1000000.pulpsnap, ...
          pulpsim run --restore snapshots/app-c1000000.pulpsnap --trace   # run on from there, traced
          pulpsim run --redmule-errors=warn driver-test.elf
          pulpsim run --dma idma --stats dma-app.elf   # the iDMA programming model, DMA statistics
        """)

    @Argument(help: "The firmware ELF (32-bit RISC-V executable); with --restore, the snapshot's (it may be left out).")
    var elfArgument: String?

    /// The ELF given on the command line ("" with --restore alone: the snapshot names it).
    var elf: String { elfArgument ?? "" }

    @Option(name: .customLong("snapshot-every"), help: "Save a snapshot of the whole machine every this many cycles (at the first turn of a hart at or past each multiple; accepts 1e6) into --snapshot-dir; 'pulpsim run --restore FILE' runs on from one (docs/snapshots.md).")
    var snapshotEvery: String?

    @Option(name: .customLong("snapshot-dir"), help: "Directory for --snapshot-every's files, named ELF-cCYCLE.pulpsnap (created if missing; default: snapshots).")
    var snapshotDir: String = "snapshots"

    @Option(help: "Run on from a snapshot file written by --snapshot-every: the platform, harts, memories, ELF and state come from it; limits, output, trace and report options apply as given.")
    var restore: String?

    @Option(help: "Platform: pulp-cluster, pulp (fabric controller + cluster), spike or redmule-tb.")
    var platform: PlatformKind = .pulpCluster

    @Option(help: "Number of harts to start (cluster cores, 1-8; default 8 on pulp-cluster and pulp, where the fabric controller comes in addition; 1 elsewhere; redmule-tb has 1).")
    var harts: Int?

    @Option(help: "ISA of the harts: rv32imfc (default), optionally with the bit-manipulation extensions of CV32E40X cores (_zba, _zbb) and the RedMulE offload instructions (_xredmule, built into redmule-tb), e.g. rv32imfc_zba_zbb.")
    var isa: String?

    @Option(help: "Scheduling quantum in cycles (1-1000000000): how far a hart may run ahead of the slowest running hart before the next one takes its turn (default 256; device accesses always end a turn).")
    var quantum: Int?

    @Flag(name: .customLong("no-tcdm-contention"), help: "Serve every TCDM access at once, as if each core had banks of its own (by default the cluster cores' accesses to the 16 banks are arbitrated round-robin, and a core that loses waits a cycle).")
    var noTCDMContention = false

    @Flag(name: .customLong("no-block-execution"), help: "Run the fast path one instruction at a time instead of by blocks of straight-line code (slower; the results are the same: for checking and debugging the simulator).")
    var noBlockExecution = false

    @Flag(name: .customLong("no-jit"), help: "Run blocks from their decoded instructions instead of compiling them to host code (x86-64 Linux hosts; the results are the same: for checking and debugging the simulator).")
    var noJIT = false

    @Option(name: .customLong("l2-latency"), help: "Extra cycles of a cluster core's load or store to L2, the round trip through the cluster bus and the SoC interconnect (0-1000; default 14 on pulp-cluster and pulp, where an L2 load then takes 15 cycles and a TCDM load 1; the fabric controller's L2 accesses take 1).")
    var l2Latency: Int?

    @Option(help: "Stop after this many instructions in total (exit 123). Accepts 1e9.")
    var maxInstructions: String?

    @Option(help: "Stop when a hart reaches this many cycles (exit 123). Accepts 1e9.")
    var maxCycles: String?

    @Option(help: "Wall-clock limit in seconds, greater than 0 (exit 124).")
    var timeout: Double?

    @Flag(help: "Prefix each output line with the hart that printed it.")
    var stdoutPrefix = false

    @Flag(help: "Print instructions, cycles and stall cycles by cause per hart at the end (stderr; counting stalls makes the run about 1.5 times slower); with --json, the stalls are in the JSON.")
    var stats = false

    @Flag(help: "Find data races: accesses of two masters (harts, RedMulE jobs, DMA transfers) to the same bytes of RAM, at least one a write, with no synchronisation ordering them (docs/races.md). Each race is reported once with both sides; a run that exits 0 with races exits 119. Checking makes the run some 30 times slower (every load and store is checked; about 15 MIPS on 8 harts).")
    var checkRaces = false

    @Flag(help: "Print the energy of each hart and device, average power, GFLOPS and GFLOPS/W at the RedMulE paper's two operating points (470 MHz, 0.65 V and 613 MHz, 0.8 V), and each RedMulE job's FMA utilisation (stderr; the model is in docs/energy.md); with --json, in the JSON.")
    var energy = false

    @Flag(help: "Print a JSON result on stdout at the end (firmware output goes to stderr).")
    var json = false

    @Flag(help: "No progress line and no end-of-run report on stderr (RedMulE warnings are still printed).")
    var quiet = false

    @Option(help: "RedMulE misprogramming the RTL cannot survive: 'error' stops the run (exit 122), 'warn' reports it and computes the job as intended.")
    var redmuleErrors: RedMulEErrorPolicy = .error

    @Option(help: "Z rows a RedMulE job with M not a multiple of 12 overwrites past row M: 'read' warns when a core, a DMA transfer or a later job reads one before anything writes it (default), 'always' at the first such job, 'off' never.")
    var redmulePadding: RedMulEPaddingCheck = .read

    @Option(help: "Programming model of the cluster DMA (pulp-cluster): 'mchan' (MCHAN v7, the default) or 'idma' (iDMA with the two-stream reg32_3d front end, as the open runtime's pulp_cluster driver programs it).")
    var dma: DMAFrontEndKind = .mchan

    @Option(help: "DMA misprogramming: 'error' stops the run (exit 125), 'warn' reports it and drops the transfer (it completes without moving data).")
    var dmaErrors: DMAErrorPolicy = .error

    @Flag(help: "Trace every retired instruction (to stderr, or --trace-file).")
    var trace = false

    @Option(help: "Write the trace to this file (implies --trace; '-' is standard output). With --trace-per-hart, '%h' is replaced by the hart index.")
    var traceFile: String?

    @Option(help: "Trace format: spike (Spike's --log-commits), pulpsim (cycle, symbol, disassembly added), jsonl, or binary (compact records, about 8 bytes per instruction; 'pulpsim trace-decode' turns them into any of the others).")
    var traceFormat: TraceFormat = .spike

    @Flag(help: "One trace file per hart instead of one stream merged in simulated-time order.")
    var tracePerHart = false

    @Option(help: "Trace only these harts, e.g. 0,3 (0 to harts-1).")
    var traceHarts: String?

    @Option(parsing: .singleValue, help: "Trace only pcs in this range (0xLO:0xHI) or function (symbol name); repeatable.")
    var tracePc: [String] = []

    @Option(help: "Start tracing at a symbol, a pc (0x...), an instruction count (i:N) or a cycle (c:N).")
    var traceStart: String?

    @Option(help: "Stop tracing at a symbol, a pc (0x...), an instruction count (i:N) or a cycle (c:N).")
    var traceStop: String?

    @Flag(help: "Leave device events (RedMulE, event unit, end of run) out of the trace.")
    var noTraceEvents = false

    @Option(help: "After a trap, deadlock, RedMulE error or limit, show this many last instructions per hart (0: none; at most 10000).")
    var history: Int = 16

    @Option(help: "Write a Chrome/Perfetto timeline (hart states, RedMulE jobs, counters) to this JSON file.")
    var timeline: String?

    @Option(help: "Wait for GDB on this loopback port (PORT or 127.0.0.1:PORT, PORT 0-65535, 0: any free port) before running; harts are threads.")
    var gdb: String?

    @Flag(help: "Log the GDB protocol traffic on stderr.")
    var gdbVerbose = false

    @Option(help: "TCDM size in KiB (pulp-cluster; 4-1024).")
    var tcdmKib: Int = 256

    @Option(help: "L2 size in KiB (pulp-cluster; 4-65536).")
    var l2Kib: Int = 1024

    @Option(help: "RAM size in MiB (spike; 1-2048).")
    var ramMib: Int = 256

    // MARK: Option values

    /// Valid ranges of the numeric options (the machine's limits, in the options' units).
    static let quantumRange = 1...1_000_000_000
    static let historyRange = 0...10_000
    static let tcdmKibRange = 4...1024
    static let l2KibRange = 4...65536
    static let ramMibRange = 1...2048

    /// Checks every option value; ArgumentParser calls it right after parsing, so a bad value
    /// ends `pulpsim run` with a usage error (exit 64) naming the option and its valid range.
    func validate() throws {
        let harts = try hartCount()
        try Run.check("--quantum", quantum, Run.quantumRange)
        _ = try Run.parseCount(maxInstructions, "--max-instructions")
        _ = try Run.parseCount(maxCycles, "--max-cycles")
        if let timeout, !(timeout.isFinite && timeout > 0) {
            throw ValidationError("--timeout must be a number of seconds greater than 0 (got \(timeout))")
        }
        try Run.check("--history", history, Run.historyRange)
        _ = try extensions()
        try Run.check("--tcdm-kib", tcdmKib, Run.tcdmKibRange)
        try Run.check("--l2-kib", l2Kib, Run.l2KibRange)
        try Run.check("--l2-latency", l2Latency, MachineOptions.l2LatencyRange)
        try Run.check("--ram-mib", ramMib, Run.ramMibRange)
        if let gdb {
            do { _ = try GDBServer.parse(gdb) } catch GDBServerError.notLoopback(let host) {
                throw ValidationError("--gdb '\(gdb)': \(GDBServerError.notLoopback(host))")
            } catch {
                throw ValidationError("--gdb expects PORT or 127.0.0.1:PORT with PORT from 0 to 65535 (got '\(gdb)')")
            }
        }
        if !(trace || traceFile != nil) && (traceStart != nil || traceStop != nil || traceHarts != nil || !tracePc.isEmpty
                                            || tracePerHart || traceFormat != .spike || noTraceEvents) {
            throw ValidationError("the --trace-... options need --trace or --trace-file")
        }
        _ = try traceOptions(harts: platform == .pulp ? harts + 1 : harts)  // (the fabric controller comes after the cores)
        _ = try Run.parseCount(snapshotEvery, "--snapshot-every")
        if elfArgument == nil && restore == nil { throw ValidationError("Missing expected argument '<elf>' (or --restore FILE)") }
        if snapshotEvery != nil && gdb != nil {
            throw ValidationError("--snapshot-every cannot be combined with --gdb: under gdb, reverse execution keeps checkpoints of its own (monitor checkpoint-interval)")
        }
        if restore != nil && checkRaces {
            throw ValidationError("--check-races cannot start from a snapshot: it needs every synchronisation from the start of the run")
        }
    }

    /// With --restore: the machine-shaping options given on the command line that differ from
    /// the snapshot's, named (nil: none). Options left at their defaults take the snapshot's.
    static func shapeDifference(given run: Run, snapshot: MachineOptions) throws -> String? {
        let defaults = try Run.parse(["--restore", "-"]).machineOptions()
        let given = try run.machineOptions()
        var names: [String] = []
        func check<T: Equatable>(_ name: String, _ key: KeyPath<MachineOptions, T>) {
            if given[keyPath: key] != defaults[keyPath: key] && given[keyPath: key] != snapshot[keyPath: key] { names.append(name) }
        }
        check("--platform", \.platform.kind); check("--harts", \.platform.harts); check("--isa", \.platform.extensions)
        check("--tcdm-kib", \.platform.tcdmSize); check("--l2-kib", \.platform.l2Size); check("--ram-mib", \.platform.ramSize)
        check("--dma", \.platform.dma); check("--quantum", \.quantum); check("--redmule-errors", \.redmuleErrors)
        check("--dma-errors", \.dmaErrors); check("--redmule-padding", \.redmulePadding)
        check("--no-tcdm-contention", \.tcdmContention); check("--no-block-execution", \.blockExecution)
        check("--l2-latency", \.l2Latency)
        var counted: [String] = []
        if given.countStalls && !snapshot.countStalls { counted.append("--stats") }
        if given.energy && !snapshot.energy { counted.append("--energy") }
        if !counted.isEmpty {
            let list = counted.joined(separator: " and ")
            return "the snapshot was taken without \(list), whose counts start with the run: take it with \(list)"
        }
        return names.isEmpty ? nil : "\(names.joined(separator: ", ")) differ\(names.count == 1 ? "s" : "") from the snapshot's: the machine's options come from the snapshot (leave them out)"
    }

    /// The ISA extensions of `--isa`.
    func extensions() throws -> ExtensionSet {
        guard let isa else { return .standard }
        guard let set = ExtensionSet(parsing: isa) else {
            throw ValidationError("--isa '\(isa)' is not an ISA pulpsim implements: rv32imfc, with optional _zba, _zbb and _xredmule (e.g. rv32imfc_zba_zbb)")
        }
        return set
    }

    /// The number of harts the run starts (checked against the platform).
    func hartCount() throws -> Int {
        let maximum = platform == .redmuleTB ? 1 : 8
        let count = harts ?? PlatformOptions(kind: platform).harts
        guard (1...maximum).contains(count) else {
            throw ValidationError("--harts must be between 1 and \(maximum) on platform \(platform.rawValue) (got \(count))")
        }
        return count
    }

    static func check(_ option: String, _ value: Int?, _ range: ClosedRange<Int>) throws {
        guard let value, !range.contains(value) else { return }
        throw ValidationError("\(option) must be between \(range.lowerBound) and \(range.upperBound) (got \(value))")
    }

    /// A count option: a whole number from 1 to 2^64-1, digits or a float such as 1e9.
    static func parseCount(_ text: String?, _ name: String) throws -> UInt64? {
        guard let text else { return nil }
        if let v = UInt64(text), v >= 1 { return v }
        if let d = Double(text), d >= 1, d < 0x1p64, d == d.rounded() { return UInt64(d) }
        throw ValidationError("\(name) must be a whole number from 1 to \(UInt64.max), such as 1000000 or 1e6 (got '\(text)')")
    }

    /// The machine these options describe: `Machine(options:)` accepts it. Throws a
    /// `ValidationError` for any bad value (`validate()`).
    func machineOptions() throws -> MachineOptions {
        try validate()
        var options = MachineOptions(platform: platform)
        options.platform.harts = try hartCount()
        options.platform.extensions = try extensions()
        options.platform.tcdmSize = UInt32(tcdmKib) * 1024
        options.platform.l2Size = UInt32(l2Kib) * 1024
        options.platform.ramSize = UInt32(ramMib) * 1024 * 1024
        options.quantum = quantum ?? 0
        options.maxInstructions = try Run.parseCount(maxInstructions, "--max-instructions")
        options.maxCycles = try Run.parseCount(maxCycles, "--max-cycles")
        options.timeout = timeout
        options.redmuleErrors = redmuleErrors
        options.redmulePadding = redmulePadding
        options.dmaErrors = dmaErrors
        options.platform.dma = dma
        options.stdoutPrefix = stdoutPrefix
        options.countStalls = stats
        options.energy = energy
        options.checkRaces = checkRaces
        options.tcdmContention = !noTCDMContention
        options.blockExecution = !noBlockExecution
        options.compileBlocks = !noJIT
        options.l2Latency = l2Latency
        return options
    }

    func run() throws {
        var options: MachineOptions
        do { options = try machineOptions() } catch { fail("\(error)", status: ExitStatus.usage) }
        // (Not when the trace itself goes to the terminal's standard error.)
        options.progress = !quiet && !json && isatty(2) != 0 && !(trace && traceFile == nil)
        options.printDiagnostics = !json  // RedMulE warnings stay visible with --quiet
        if json {
            // Keep stdout for the JSON document; firmware output is captured and also sent to stderr.
            options.echoOutput = false
            options.captureOutput = true
        }
        let machine: Machine
        var elf = self.elf
        if let restore {
            do {
                let snapshot = try SnapshotFile(path: restore)
                elf = elfArgument ?? snapshot.elfPath
                if let given = elfArgument, (try? ElfImage.readFile(given)) != snapshot.elf {
                    fail("--restore: the snapshot \(restore) was taken of another ELF than \(given) (\(snapshot.elfPath))", status: ExitStatus.usage)
                }
                let wanted = options
                if let shape = try Run.shapeDifference(given: self, snapshot: snapshot.options) {
                    fail("--restore: \(shape)", status: ExitStatus.usage)
                }
                machine = try snapshot.machine { o in
                    o.maxInstructions = wanted.maxInstructions; o.maxCycles = wanted.maxCycles; o.timeout = wanted.timeout
                    o.stdoutPrefix = wanted.stdoutPrefix; o.echoOutput = wanted.echoOutput; o.captureOutput = wanted.captureOutput
                    o.progress = wanted.progress; o.printDiagnostics = wanted.printDiagnostics
                }
            } catch let error as SnapshotError {
                fail("--restore: \(error)", status: ExitStatus.cannotOpenInput)
            } catch let error as ElfError {
                fail("--restore: \(error)", status: ExitStatus.cannotOpenInput)
            } catch {
                fail("--restore: \(error)", status: ExitStatus.usage)
            }
        } else {
            do {
                machine = try Machine(options: options)
            } catch {
                fail("\(error)", status: ExitStatus.usage)
            }
            do {
                try machine.load(path: elf)
            } catch let error as ElfError {
                if json { print(failureJSON(reason: "invalid-elf", message: error.description, status: statusFor(error))) }
                fail(error.description, status: statusFor(error))
            }
        }
        if let every = try? Run.parseCount(snapshotEvery, "--snapshot-every") {
            let directory = snapshotDir
            do { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
                fail("--snapshot-dir: cannot create \(directory): \(error.localizedDescription)", status: ExitStatus.usage)
            }
            let stem = URL(fileURLWithPath: elf).deletingPathExtension().lastPathComponent
            machine.snapshotEvery(every) { [unowned machine] state in
                let path = "\(directory)/\(stem)-c\(state.cycle).pulpsnap"
                do {
                    try SnapshotFile(machine: machine, state: state).write(to: path)
                } catch {
                    FileHandle.standardError.write("pulpsim: error: \(error)\n".data(using: .utf8)!)
                }
            }
        }
        // An output path naming the ELF itself would destroy it.
        for (option, path) in [("--trace-file", traceFile), ("--timeline", timeline)] {
            if let path, sameFile(path, elf) { fail("\(option) '\(path)' is the ELF being run", status: ExitStatus.usage) }
        }
        if trace || traceFile != nil {
            do {
                machine.setTracer(try Tracer(options: machine.resolveSymbols(try traceOptions(harts: machine.harts.count)),
                                             harts: machine.harts.count,
                                             symbols: machine.symbols, elfPath: URL(fileURLWithPath: elf).standardizedFileURL.path))
            } catch {
                fail("\(error)", status: ExitStatus.usage)
            }
        }
        if timeline != nil { machine.setTimeline(Timeline(harts: machine.harts.count, fabricController: machine.fabricController)) }
        let result: RunResult
        if let gdb {
            let server: GDBServer
            do { server = try GDBServer(machine: machine, port: try GDBServer.parse(gdb)) } catch {
                fail("\(error)", status: ExitStatus.usage)
            }
            server.verbose = gdbVerbose
            FileHandle.standardError.write("pulpsim: waiting for gdb on 127.0.0.1:\(server.port) (target remote :\(server.port))\n".data(using: .utf8)!)
            guard let served = server.serve() else {
                fail("gdb disconnected before the run ended", status: ExitStatus.simulatorError)
            }
            result = served
        } else {
            installInterruptHandlers()
            machine.signalCheck = { pendingSignal.load(ordering: .relaxed) }
            result = machine.run()
        }
        machine.tracer?.close()
        var outputFailed = false
        if let error = machine.tracer?.writeError {
            FileHandle.standardError.write("pulpsim: error: writing the trace failed (\(error)); the trace is incomplete\n".data(using: .utf8)!)
            outputFailed = true
        }
        if let timeline, let recorder = machine.timeline {
            do { try recorder.write(to: timeline, endCycle: result.cycles, instructions: result.harts.map(\.instructions)) } catch {
                FileHandle.standardError.write("pulpsim: error: writing the timeline failed: \(error)\n".data(using: .utf8)!)
                outputFailed = true
            }
        }
        var report = machine.report(for: result)
        if history > 0, report != nil, !quiet || json, restore == nil, let image = machine.image {
            switch result.reason {
            case .unhandledTrap, .unhandledInterrupt, .trapStorm, .deadlock, .instructionLimit, .cycleLimit, .timeout, .redmuleError,
                 .dmaError:
                // The history comes from replaying the run (deterministic): skipped for long runs.
                guard result.wallSeconds < 30 else {
                    report! += String(format: "\n(no instruction history: the run took %.0f s and would be replayed to get it;"
                                      + " trace it with --trace-file and --trace-start instead)", result.wallSeconds)
                    break
                }
                let lines = Machine.history(options: options, image: image, of: result, count: history)
                for (hart, hartLines) in lines.enumerated() where !hartLines.isEmpty {
                    report! += "\nlast \(hartLines.count) instructions of hart \(hart):\n" + hartLines.map { "  " + $0 }.joined(separator: "\n")
                }
            default: break
            }
        }
        if json {
            FileHandle.standardError.write(result.output.data(using: .utf8)!)
            print(result.json(message: report, elf: elf))
        } else if let report, !quiet {
            FileHandle.standardError.write(("pulpsim: " + report + "\n").data(using: .utf8)!)
        }
        if stats { FileHandle.standardError.write(statsTable(result).data(using: .utf8)!) }
        if let races = result.races, !json {
            for r in races { FileHandle.standardError.write("pulpsim: \(r.description)\n".data(using: .utf8)!) }
            if !quiet || !races.isEmpty {
                FileHandle.standardError.write("pulpsim: race check: \(races.count) race\(races.count == 1 ? "" : "s") found\n".data(using: .utf8)!)
            }
        }
        if let reports = result.energy, !json {
            FileHandle.standardError.write(EnergyReport.table(reports, harts: result.harts).data(using: .utf8)!)
        }
        // A run that went well but whose trace or timeline is incomplete must not look fine.
        throw ExitCode(outputFailed && result.exitStatus == 0 ? ExitStatus.outputError : result.exitStatus)
    }

    /// The trace options for a run of `harts` harts; symbols are resolved after loading.
    func traceOptions(harts: Int) throws -> TraceOptions {
        var o = TraceOptions()
        o.format = traceFormat
        o.path = traceFile
        o.perHart = tracePerHart
        o.deviceEvents = !noTraceEvents
        if let traceHarts {
            var set = Set<Int>()
            for item in traceHarts.split(separator: ",", omittingEmptySubsequences: false) {
                guard let hart = Int(item.trimmingCharacters(in: .whitespaces)), (0..<harts).contains(hart) else {
                    throw ValidationError("--trace-harts expects a list of harts from 0 to \(harts - 1), such as 0,\(harts - 1) (got '\(traceHarts)')")
                }
                set.insert(hart)
            }
            o.harts = set
        }
        for spec in tracePc {
            // A range (symbol names have no colon) or a function.
            if spec.contains(":") {
                let parts = spec.split(separator: ":", omittingEmptySubsequences: false)
                guard parts.count == 2, let lo = parseAddress(parts[0]), let hi = parseAddress(parts[1]), lo <= hi else {
                    throw ValidationError("--trace-pc expects a range 0xLO:0xHI of 32-bit addresses with LO <= HI, or a function name (got '\(spec)')")
                }
                o.pcRanges = (o.pcRanges ?? []) + [lo...hi]
            } else if spec.isEmpty {
                throw ValidationError("--trace-pc expects a range 0xLO:0xHI or a function name (got an empty value)")
            } else {
                o.pcSymbols.append(spec)
            }
        }
        if let traceStart { o.start = try tracePoint(traceStart, "--trace-start") }
        if let traceStop { o.stop = try tracePoint(traceStop, "--trace-stop") }
        if tracePerHart && traceFile == nil { throw ValidationError("--trace-per-hart needs --trace-file") }
        if traceFormat == .binary && traceFile == nil { throw ValidationError("--trace-format binary needs --trace-file") }
        return o
    }

    /// A start or stop point: i:N (instruction count), c:N (cycle), 0xPC or a symbol name.
    func tracePoint(_ text: String, _ option: String) throws -> TracePoint {
        let usage = "\(option) expects a symbol, a pc 0x0-0xffffffff, i:N or c:N with N from 0 to \(UInt64.max) (got '\(text)')"
        if text.hasPrefix("i:") || text.hasPrefix("c:") {
            guard let n = UInt64(text.dropFirst(2)) else { throw ValidationError(usage) }
            return text.hasPrefix("i:") ? .instruction(n) : .cycle(n)
        }
        if text.hasPrefix("0x") {
            guard let pc = parseAddress(Substring(text)) else { throw ValidationError(usage) }
            return .pc(pc)
        }
        guard !text.isEmpty, let point = TracePoint(parsing: text) else { throw ValidationError(usage) }
        return point
    }

    /// 0xHEX or decimal, 32 bits.
    func parseAddress(_ s: Substring) -> UInt32? {
        s.hasPrefix("0x") ? UInt32(s.dropFirst(2), radix: 16) : UInt32(s)
    }

    func statusFor(_ error: ElfError) -> Int32 {
        if case .unreadable = error { return ExitStatus.cannotOpenInput }
        return ExitStatus.invalidELF
    }

    func failureJSON(reason: String, message: String, status: Int32) -> String {
        let object: [String: Any] = ["elf": elf, "reason": reason, "message": message, "exit_status": Int(status)]
        return String(decoding: try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]), as: UTF8.self)
    }

    func statsTable(_ result: RunResult) -> String {
        var text = "hart  instructions        cycles  state\n"
        for h in result.harts {
            let state = h.mhartid == PlatformDescription.fabricControllerHartID ? "fabric controller, " + h.state : h.state
            text += String(format: "%4d  %12llu  %12llu  %@\n", h.hart, h.instructions, h.cycles, state as NSString)
        }
        text += String(format: "total %12llu instructions in %.3f s (%.1f MIPS), %llu cycles\n",
                       result.totalInstructions, result.wallSeconds, result.mips, result.cycles)
        if result.harts.contains(where: { $0.stalls != nil }) {
            // Where the cycles went besides one per instruction (docs/platform.md §1).
            let names = ["load-use", "jalr", "jump/br", "mul/div", "fpu", "csr", "misalign", "traps", "tcdm", "l2", "sleep"]
            text += "stall cycles by cause\nhart" + names.map { String(repeating: " ", count: max(1, 11 - $0.count)) + $0 }.joined() + "\n"
            for h in result.harts {
                guard let s = h.stalls else { continue }
                text += String(format: "%4d", h.hart) + s.entries.map { String(format: "%11llu", $0.1) }.joined() + "\n"
            }
        }
        if let t = result.tcdm {
            text += String(format: "TCDM: %llu bank-conflict cycles (cores and DMA ports waiting on another master's access); per bank 0-15:", t.totalConflicts)
                + t.conflicts.map { " \($0)" }.joined() + "\n"
        }
        if let r = result.redmule {
            text += String(format: "RedMulE: %d jobs, %llu FMAs, %llu busy cycles (%llu waiting for TCDM banks), %d warnings, %d errors\n",
                           r.jobs, r.fmas, r.busyCycles, r.tcdmStallCycles, r.warnings, r.errors)
        }
        if let d = result.dma {
            text += String(format: "DMA (%@): %d transfers, %llu bytes (%llu into TCDM, %llu out of TCDM, %llu other), %llu busy cycles (%llu lost to TCDM bank conflicts), %d warnings, %d errors\n",
                           d.frontEnd as NSString, d.transfers, d.bytes, d.bytesToTCDM, d.bytesFromTCDM, d.bytesOther, d.busyCycles,
                           d.tcdmStallCycles, d.warnings, d.errors)
        }
        return text
    }
}

struct MemoryMap: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "memory-map", abstract: "Print a platform's memory map.",
        discussion: "Example:\n  pulpsim memory-map --platform spike")
    @Option(help: "Platform: pulp-cluster, pulp (fabric controller + cluster), spike or redmule-tb.")
    var platform: PlatformKind = .pulpCluster
    @Option(help: "Programming model of the cluster DMA: mchan or idma (names the DMA windows' registers).")
    var dma: DMAFrontEndKind = .mchan
    func run() {
        var options = PlatformOptions(kind: platform)
        options.dma = dma
        print(options.renderMemoryMap())
    }
}

struct Disassemble: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "disasm", abstract: "Disassemble the executable segments of an ELF.",
        discussion: "Example:\n  pulpsim disasm firmware/build/spike/hello.elf")
    @Argument(help: "The firmware ELF.")
    var elf: String
    func run() throws {
        let image: ElfImage
        do { image = try ElfImage(path: elf) } catch let e as ElfError { fail(e.description, status: ExitStatus.invalidELF) }
        let symbols = SymbolTable(image.symbols)
        for segment in image.segments where segment.executable {
            var offset = 0
            let bytes = segment.fileBytes
            while offset + 2 <= bytes.count {
                let pc = segment.address &+ UInt32(offset)
                let low = UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8
                var word = low
                var length = 2
                if low & 3 == 3 {
                    guard offset + 4 <= bytes.count else { break }
                    word |= (UInt32(bytes[offset + 2]) | UInt32(bytes[offset + 3]) << 8) << 16
                    length = 4
                }
                let label = symbols.symbol(at: pc)
                if let label, label.address == pc { print(String(format: "\n%08x <%@>:", pc, label.name as NSString)) }
                let hexWord = length == 4 ? String(format: "%08x", word) : String(format: "%04x    ", word)
                print(String(format: "%8x:\t%@ \t", pc, hexWord as NSString) + Disassembler.disassemble(word, at: pc, symbols: symbols))
                offset += length
            }
        }
    }
}

struct TraceDecode: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trace-decode", abstract: "Turn a binary trace into a text trace (spike, pulpsim or jsonl).",
        discussion: """
        The text is byte for byte what `pulpsim run --trace-format FORMAT` would have written for the same run. Symbols (for the pulpsim and jsonl formats) come from the ELF recorded in the trace, or from --elf. A damaged trace ends with exit 65 and the offset of the bad record.

        Examples:
          pulpsim run --trace-file t.bin --trace-format binary app.elf
          pulpsim trace-decode t.bin > t.log                       # Spike format
          pulpsim trace-decode --format pulpsim --output t.txt t.bin
        """)
    @Argument(help: "A trace written with --trace-format binary.")
    var trace: String
    enum TextFormat: String, ExpressibleByArgument, CaseIterable {
        case spike, pulpsim, jsonl
        var traceFormat: TraceFormat { TraceFormat(rawValue: rawValue)! }
    }
    @Option(help: "Text format: spike, pulpsim or jsonl.")
    var format: TextFormat = .spike
    @Option(help: "The ELF the trace was recorded from (default: the path recorded in the trace).")
    var elf: String?
    @Option(help: "Write here instead of standard output.")
    var output: String?

    func run() throws {
        let reader: BinaryTraceReader
        do { reader = try BinaryTraceReader(path: trace) } catch {
            fail("\(error)", status: FileManager.default.isReadableFile(atPath: trace) ? ExitStatus.invalidInput : ExitStatus.cannotOpenInput)
        }
        var symbols = SymbolTable([])
        let elfPath = elf ?? reader.elfPath
        if format != .spike && !elfPath.isEmpty {
            do { symbols = SymbolTable(try ElfImage(path: elfPath).symbols) } catch {
                if elf != nil { fail("\(error)", status: ExitStatus.invalidELF) }
                FileHandle.standardError.write("pulpsim: warning: cannot read the ELF '\(elfPath)' recorded in the trace (\(error)); no symbols (use --elf)\n".data(using: .utf8)!)
            }
        }
        var options = TraceOptions()
        options.format = format.traceFormat
        options.path = output ?? "-"
        let tracer: Tracer
        do { tracer = try Tracer(options: options, harts: reader.harts, symbols: symbols, preordered: !reader.merged) } catch {
            fail("\(error)", status: ExitStatus.cannotOpenInput)
        }
        do { try reader.decode(into: tracer) } catch {
            tracer.close()
            fail("\(error)", status: ExitStatus.invalidInput)
        }
        tracer.close()
        if let error = tracer.writeError { fail("writing the text failed: \(error)", status: ExitStatus.simulatorError) }
    }
}

/// Whether two paths name the same existing file.
func sameFile(_ a: String, _ b: String) -> Bool {
    var sa = stat(), sb = stat()
    guard stat(a, &sa) == 0, stat(b, &sb) == 0 else { return false }
    return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino
}

/// The signal that asked the run to end (0: none), set by the handler and polled by the run loop.
/// An atomic: lock-free loads and stores are async-signal-safe.
let pendingSignal = Atomic<Int32>(0)

/// SIGINT and SIGTERM end the run cleanly (report, trace and output flushed, exit 128 + signal);
/// a second one ends the process at once.
func installInterruptHandlers() {
    // Initialise the global now: its lazy initialisation (a lock) must not happen in the handler.
    pendingSignal.store(0, ordering: .relaxed)
    for sig in [SIGINT, SIGTERM] {
        signal(sig) { sig in
            if pendingSignal.exchange(sig, ordering: .relaxed) != 0 { _exit(128 + sig) }
        }
    }
}

func fail(_ message: String, status: Int32) -> Never {
    FileHandle.standardError.write(("pulpsim: error: " + message + "\n").data(using: .utf8)!)
    exit(status)
}
