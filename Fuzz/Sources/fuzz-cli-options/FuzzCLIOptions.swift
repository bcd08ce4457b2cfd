// Fuzz target `cli-options`: any bytes as the arguments of `pulpsim run`, one per line (the
// real command-line front end, PulpSimCommand.swift, is compiled in). `Run.parse` parses and
// validates them; options it accepts become a `MachineOptions` (`machineOptions()`), a machine,
// trace options and a gdb port, and the machine runs the platform's program of Fuzz/firmware for
// at most 3000 instructions with them.
//
// Oracle: nothing traps; arguments are either refused as a usage error (exit 64; --help: 0)
// or accepted, and then the machine, the trace options and the gdb port are accepted too.

import ArgumentParser
import FuzzSupport
import PulpSim

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let arguments = String(decoding: fuzzBytes(data, size), as: UTF8.self)
        .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let run: Run
    do { run = try Run.parse(arguments) } catch {
        let code = Run.exitCode(for: error)
        guard code == .validationFailure || code == .success else {
            oracleFailure("arguments \(arguments) refused with exit \(code.rawValue), not 64: \(error)")
        }
        _ = Run.fullMessage(for: error)
        return 0
    }
    let options: MachineOptions
    let machine: Machine
    do {
        options = try run.machineOptions()
        machine = try Machine(options: options)
    } catch {
        oracleFailure("arguments \(arguments) passed validation but: \(error)")
    }
    do {
        let trace = try run.traceOptions(harts: machine.harts.count)
        if let harts = trace.harts, !harts.allSatisfy({ (0..<machine.harts.count).contains($0) }) {
            oracleFailure("--trace-harts \(harts) accepted for \(machine.harts.count) harts")
        }
        if let gdb = run.gdb { _ = try GDBServer.parse(gdb) }
    } catch {
        oracleFailure("arguments \(arguments) passed validation but: \(error)")
    }
    // A short run with these options (a small memory may not hold the program: an ELF error).
    var bounded = options
    bounded.echoOutput = false
    bounded.captureOutput = true
    bounded.maxInstructions = min(options.maxInstructions ?? .max, 3000)
    bounded.maxCycles = min(options.maxCycles ?? .max, 300_000)  // (trap loops retire nothing)
    guard let short = try? Machine(options: bounded) else { oracleFailure("bounded options refused") }
    do { try short.load(FuzzFirmware.image(for: options.platform.kind)) } catch is ElfError { return 0 } catch {
        oracleFailure("load threw \(error)")
    }
    _ = short.run()
    return 0
}
