// PulpSimC: the C ABI of the simulator (libPulpSimC.so), for test drivers written in other
// languages (python/: the Python package). The functions and their contracts are documented in
// include/pulpsim.h; this file keeps to them: every entry point checks its pointers, hart
// indices and addresses and answers with an error code instead of trapping.
//
// A handle is a retained `Session` (Unmanaged): the machine, the options it was built with, the
// last run's result and the strings handed out to the caller (owned by the session until the
// next call that replaces them, or pulpsim_destroy).

import Foundation
import PulpSim

// Status codes (pulpsim.h).
private let ok: Int32 = 0
private let errArgument: Int32 = -1
private let errState: Int32 = -2
private let errAddress: Int32 = -3
private let errELF: Int32 = -4

/// One machine and what the C caller gets from it.
final class Session {
    var options: MachineOptions
    var machine: Machine
    var elfPath: String?
    var lastResult: RunResult?
    var resultJSON: UnsafeMutablePointer<CChar>?
    var outputText: UnsafeMutablePointer<CChar>?
    var errorText: UnsafeMutablePointer<CChar>?

    init(options: MachineOptions) throws {
        self.options = options
        machine = try Machine(options: options)
    }

    deinit {
        machine.tracer?.close()
        free(resultJSON)
        free(outputText)
        free(errorText)
    }

    /// Keeps `message` as the last error; returns `code`.
    @discardableResult
    func fail(_ code: Int32, _ message: String) -> Int32 {
        free(errorText)
        errorText = strdup(message)
        return code
    }

    func hart(_ index: Int32) -> Hart? {
        index >= 0 && Int(index) < machine.harts.count ? machine.harts[Int(index)] : nil
    }
}

/// The session behind a handle (nil for NULL).
private func session(_ handle: UnsafeMutableRawPointer?) -> Session? {
    handle.map { Unmanaged<Session>.fromOpaque($0).takeUnretainedValue() }
}

private func string(_ pointer: UnsafePointer<CChar>?) -> String? {
    pointer.map { String(cString: $0) }
}

/// Copies `message` into a caller's buffer (truncated, always NUL-terminated when it has room).
private func copyMessage(_ message: String, _ buffer: UnsafeMutablePointer<CChar>?, _ length: Int) {
    guard let buffer, length > 0 else { return }
    let bytes = Array(message.utf8.prefix(length - 1))
    for (i, b) in bytes.enumerated() { buffer[i] = CChar(bitPattern: b) }
    buffer[bytes.count] = 0
}

/// The end-of-run codes of pulpsim.h (PULPSIM_END_*).
private func endCode(_ reason: EndReason) -> Int32 {
    switch reason {
    case .exited: return 0
    case .stopped: return 1
    case .unhandledTrap, .unhandledInterrupt, .trapStorm: return 2
    case .deadlock: return 3
    case .instructionLimit: return 4
    case .cycleLimit: return 5
    case .timeout: return 6
    case .interrupted: return 7
    case .redmuleError: return 8
    case .dmaError: return 9
    case .simulatorError: return 10
    }
}

// MARK: Machines

@_cdecl("pulpsim_version")
public func pulpsim_version() -> UnsafePointer<CChar> {
    UnsafePointer(versionString)
}
private nonisolated(unsafe) let versionString: UnsafeMutablePointer<CChar> = strdup("pulpsim C API 1")!

@_cdecl("pulpsim_create")
public func pulpsim_create(_ platform: UnsafePointer<CChar>?, _ harts: Int32, _ err: UnsafeMutablePointer<CChar>?,
                           _ errlen: Int) -> UnsafeMutableRawPointer? {
    let name = string(platform) ?? PlatformKind.pulpCluster.rawValue
    guard let kind = PlatformKind(rawValue: name) else {
        let known = PlatformKind.allCases.map(\.rawValue).joined(separator: ", ")
        copyMessage("unknown platform '\(name)' (known: \(known))", err, errlen)
        return nil
    }
    var options = MachineOptions(platform: kind)
    if harts > 0 { options.platform.harts = Int(harts) }
    options.echoOutput = false
    options.captureOutput = true
    do {
        let s = try Session(options: options)
        return Unmanaged.passRetained(s).toOpaque()
    } catch {
        copyMessage("\(error)", err, errlen)
        return nil
    }
}

@_cdecl("pulpsim_destroy")
public func pulpsim_destroy(_ handle: UnsafeMutableRawPointer?) {
    guard let handle else { return }
    Unmanaged<Session>.fromOpaque(handle).release()
}

@_cdecl("pulpsim_last_error")
public func pulpsim_last_error(_ handle: UnsafeMutableRawPointer?) -> UnsafePointer<CChar>? {
    guard let s = session(handle), let text = s.errorText else { return nil }
    return UnsafePointer(text)
}

/// Parses an option value: integers accept 0x, 1e9 and _ separators; booleans 1/0, true/false, yes/no, on/off.
private func integer(_ text: String) -> UInt64? {
    let t = text.replacingOccurrences(of: "_", with: "").lowercased()
    if t.hasPrefix("0x") { return UInt64(t.dropFirst(2), radix: 16) }
    if let v = UInt64(t) { return v }
    if let d = Double(t), d >= 0, d < 1.8e19, d == d.rounded() { return UInt64(d) }
    return nil
}

private func boolean(_ text: String) -> Bool? {
    switch text.lowercased() {
    case "1", "true", "yes", "on": return true
    case "0", "false", "no", "off": return false
    default: return nil
    }
}


/// The boolean options `pulpsim_set_option` takes, by name.
nonisolated(unsafe) private let booleanOptions: [String: WritableKeyPath<MachineOptions, Bool>] = [
    "tcdm_contention": \.tcdmContention, "block_execution": \.blockExecution, "compile_blocks": \.compileBlocks, "count_stalls": \.countStalls, "energy": \.energy, "check_races": \.checkRaces, "echo_output": \.echoOutput,
    "stdout_prefix": \.stdoutPrefix, "print_diagnostics": \.printDiagnostics,
]

@_cdecl("pulpsim_set_option")
public func pulpsim_set_option(_ handle: UnsafeMutableRawPointer?, _ name: UnsafePointer<CChar>?,
                               _ value: UnsafePointer<CChar>?) -> Int32 {
    guard let s = session(handle) else { return errArgument }
    guard let name = string(name), let value = string(value) else { return s.fail(errArgument, "option name or value is NULL") }
    guard s.elfPath == nil else { return s.fail(errState, "options must be set before the ELF is loaded (option '\(name)')") }
    var o = s.options
    func bad(_ expected: String) -> Int32 { s.fail(errArgument, "option '\(name)': expected \(expected), got '\(value)'") }
    switch name.replacingOccurrences(of: "-", with: "_") {
    case "quantum":
        guard let v = integer(value), v <= UInt64(Int32.max) else { return bad("a number of cycles (0: automatic)") }
        o.quantum = Int(v)
    case "max_instructions":
        guard let v = integer(value) else { return bad("a number of instructions (0: no limit)") }
        o.maxInstructions = v == 0 ? nil : v
    case "max_cycles":
        guard let v = integer(value) else { return bad("a number of cycles (0: no limit)") }
        o.maxCycles = v == 0 ? nil : v
    case "timeout":
        guard let v = Double(value), v >= 0, v.isFinite else { return bad("seconds (0: no limit)") }
        o.timeout = v == 0 ? nil : v
    case "harts":
        guard let v = integer(value), v <= 64 else { return bad("a number of harts") }
        o.platform.harts = Int(v)
    case "tcdm_kib":
        guard let v = integer(value), v <= 1 << 20 else { return bad("a size in KiB") }
        o.platform.tcdmSize = UInt32(v * 1024)
    case "l2_kib":
        guard let v = integer(value), v <= 1 << 20 else { return bad("a size in KiB") }
        o.platform.l2Size = UInt32(v * 1024)
    case "l2_latency":
        guard let v = integer(value), v <= 1000 else { return bad("a number of cycles (0 to 1000)") }
        o.l2Latency = Int(v)
    case "ram_mib":
        guard let v = integer(value), v <= 2048 else { return bad("a size in MiB") }
        o.platform.ramSize = UInt32(truncatingIfNeeded: v * 1024 * 1024)
    case let flag where booleanOptions[flag] != nil:
        guard let v = boolean(value) else { return bad("a boolean") }
        o[keyPath: booleanOptions[flag]!] = v
    case "redmule_errors":
        guard let v = RedMulEErrorPolicy(rawValue: value) else { return bad("error or warn") }
        o.redmuleErrors = v
    case "redmule_padding":
        guard let v = RedMulEPaddingCheck(rawValue: value) else { return bad("read, always or off") }
        o.redmulePadding = v
    case "dma_errors":
        guard let v = DMAErrorPolicy(rawValue: value) else { return bad("error or warn") }
        o.dmaErrors = v
    case "dma":
        guard let v = DMAFrontEndKind(rawValue: value) else {
            return bad(DMAFrontEndKind.allCases.map(\.rawValue).joined(separator: " or "))
        }
        o.platform.dma = v
    default:
        return s.fail(errArgument, "unknown option '\(name)' (known: quantum, max_instructions, max_cycles, timeout, harts, "
                      + "tcdm_kib, l2_kib, l2_latency, ram_mib, tcdm_contention, count_stalls, echo_output, stdout_prefix, "
                      + "print_diagnostics, redmule_errors, dma_errors, dma)")
    }
    o.captureOutput = true
    do {
        let machine = try Machine(options: o)
        s.options = o
        s.machine = machine
        return ok
    } catch {
        return s.fail(errArgument, "\(error)")
    }
}

@_cdecl("pulpsim_load_elf")
public func pulpsim_load_elf(_ handle: UnsafeMutableRawPointer?, _ path: UnsafePointer<CChar>?,
                             _ err: UnsafeMutablePointer<CChar>?, _ errlen: Int) -> Int32 {
    guard let s = session(handle) else { copyMessage("machine handle is NULL", err, errlen); return errArgument }
    guard let path = string(path) else {
        copyMessage("ELF path is NULL", err, errlen)
        return s.fail(errArgument, "ELF path is NULL")
    }
    guard s.elfPath == nil else {
        let message = "an ELF is already loaded (\(s.elfPath!)); create a new machine for another"
        copyMessage(message, err, errlen)
        return s.fail(errState, message)
    }
    do {
        try s.machine.load(path: path)
        s.elfPath = path
        return ok
    } catch {
        copyMessage("\(error)", err, errlen)
        return s.fail(errELF, "\(error)")
    }
}

@_cdecl("pulpsim_harts")
public func pulpsim_harts(_ handle: UnsafeMutableRawPointer?) -> Int32 {
    guard let s = session(handle) else { return errArgument }
    return Int32(s.machine.harts.count)
}

// MARK: Running

/// Runs to `target` and keeps the result; returns the PULPSIM_END_* code.
private func run(_ s: Session, _ target: RunTarget) -> Int32 {
    guard s.elfPath != nil else { return s.fail(errState, "no ELF loaded") }
    let result = s.machine.run(until: target)
    s.lastResult = result
    free(s.resultJSON)
    s.resultJSON = strdup(result.json(message: s.machine.report(for: result), elf: s.elfPath ?? ""))
    return endCode(result.reason)
}

@_cdecl("pulpsim_run")
public func pulpsim_run(_ handle: UnsafeMutableRawPointer?) -> Int32 {
    guard let s = session(handle) else { return errArgument }
    return run(s, .end)
}

@_cdecl("pulpsim_run_instructions")
public func pulpsim_run_instructions(_ handle: UnsafeMutableRawPointer?, _ count: UInt64) -> Int32 {
    guard let s = session(handle) else { return errArgument }
    guard count > 0 else { return s.fail(errArgument, "the instruction count must be at least 1") }
    let total = s.machine.harts.reduce(UInt64(0)) { $0 &+ $1.instret }
    return run(s, .instructions(min(count, UInt64.max - total)))
}

@_cdecl("pulpsim_run_until_pc")
public func pulpsim_run_until_pc(_ handle: UnsafeMutableRawPointer?, _ pc: UInt32) -> Int32 {
    guard let s = session(handle) else { return errArgument }
    return run(s, .pc(pc))
}

@_cdecl("pulpsim_run_until_symbol")
public func pulpsim_run_until_symbol(_ handle: UnsafeMutableRawPointer?, _ name: UnsafePointer<CChar>?) -> Int32 {
    guard let s = session(handle) else { return errArgument }
    guard let name = string(name) else { return s.fail(errArgument, "symbol name is NULL") }
    guard s.elfPath != nil else { return s.fail(errState, "no ELF loaded") }
    guard let address = s.machine.address(of: name) else { return s.fail(errArgument, "no symbol named '\(name)' in the ELF") }
    return run(s, .pc(address))
}

@_cdecl("pulpsim_run_cycles")
public func pulpsim_run_cycles(_ handle: UnsafeMutableRawPointer?, _ count: UInt64) -> Int32 {
    guard let s = session(handle) else { return errArgument }
    guard count > 0 else { return s.fail(errArgument, "the cycle count must be at least 1") }
    return run(s, .cycles(min(count, UInt64.max / 2)))
}

@_cdecl("pulpsim_run_until_completion")
public func pulpsim_run_until_completion(_ handle: UnsafeMutableRawPointer?, _ kind: UnsafePointer<CChar>?) -> Int32 {
    guard let s = session(handle) else { return errArgument }
    guard let name = string(kind), let completion = DeviceCompletion(rawValue: name) else {
        return s.fail(errArgument, "completion kind must be \"redmule\", \"dma\" or \"any\"")
    }
    return run(s, .completion(completion))
}

@_cdecl("pulpsim_result_json")
public func pulpsim_result_json(_ handle: UnsafeMutableRawPointer?) -> UnsafePointer<CChar>? {
    guard let s = session(handle), let text = s.resultJSON else { return nil }
    return UnsafePointer(text)
}

@_cdecl("pulpsim_exit_status")
public func pulpsim_exit_status(_ handle: UnsafeMutableRawPointer?) -> Int32 {
    guard let s = session(handle) else { return errArgument }
    guard let result = s.lastResult else { return s.fail(errState, "no run yet") }
    return result.exitStatus
}

@_cdecl("pulpsim_output")
public func pulpsim_output(_ handle: UnsafeMutableRawPointer?) -> UnsafePointer<CChar>? {
    guard let s = session(handle) else { return nil }
    free(s.outputText)
    s.outputText = strdup(s.machine.console.captured)
    return s.outputText.map { UnsafePointer($0) }
}

// MARK: Registers and counters

@_cdecl("pulpsim_get_pc")
public func pulpsim_get_pc(_ handle: UnsafeMutableRawPointer?, _ hart: Int32, _ out: UnsafeMutablePointer<UInt32>?) -> Int32 {
    guard let s = session(handle) else { return errArgument }
    guard let h = s.hart(hart) else { return s.fail(errArgument, "no hart \(hart) (the machine has \(s.machine.harts.count))") }
    guard let out else { return s.fail(errArgument, "output pointer is NULL") }
    out.pointee = h.pc
    return ok
}

@_cdecl("pulpsim_set_pc")
public func pulpsim_set_pc(_ handle: UnsafeMutableRawPointer?, _ hart: Int32, _ value: UInt32) -> Int32 {
    guard let s = session(handle) else { return errArgument }
    guard let h = s.hart(hart) else { return s.fail(errArgument, "no hart \(hart) (the machine has \(s.machine.harts.count))") }
    h.pc = value & ~1
    return ok
}

/// Register `n` of file `file` (0: x, 1: f) of hart `hart`, or nil with the error kept.
private func register(_ s: Session, _ hart: Int32, _ n: Int32, float: Bool) -> UnsafeMutablePointer<UInt32>? {
    guard let h = s.hart(hart) else { s.fail(errArgument, "no hart \(hart) (the machine has \(s.machine.harts.count))"); return nil }
    guard n >= 0 && n < 32 else { s.fail(errArgument, "no register \(float ? "f" : "x")\(n) (0-31)"); return nil }
    return (float ? h.f : h.x) + Int(n)
}

@_cdecl("pulpsim_get_reg")
public func pulpsim_get_reg(_ handle: UnsafeMutableRawPointer?, _ hart: Int32, _ n: Int32,
                            _ out: UnsafeMutablePointer<UInt32>?) -> Int32 {
    guard let s = session(handle) else { return errArgument }
    guard let r = register(s, hart, n, float: false) else { return errArgument }
    guard let out else { return s.fail(errArgument, "output pointer is NULL") }
    out.pointee = n == 0 ? 0 : r.pointee
    return ok
}

@_cdecl("pulpsim_set_reg")
public func pulpsim_set_reg(_ handle: UnsafeMutableRawPointer?, _ hart: Int32, _ n: Int32, _ value: UInt32) -> Int32 {
    guard let s = session(handle) else { return errArgument }
    guard let r = register(s, hart, n, float: false) else { return errArgument }
    if n != 0 { r.pointee = value }
    return ok
}

@_cdecl("pulpsim_get_freg")
public func pulpsim_get_freg(_ handle: UnsafeMutableRawPointer?, _ hart: Int32, _ n: Int32,
                             _ out: UnsafeMutablePointer<UInt32>?) -> Int32 {
    guard let s = session(handle) else { return errArgument }
    guard let r = register(s, hart, n, float: true) else { return errArgument }
    guard let out else { return s.fail(errArgument, "output pointer is NULL") }
    out.pointee = r.pointee
    return ok
}

@_cdecl("pulpsim_set_freg")
public func pulpsim_set_freg(_ handle: UnsafeMutableRawPointer?, _ hart: Int32, _ n: Int32, _ value: UInt32) -> Int32 {
    guard let s = session(handle) else { return errArgument }
    guard let r = register(s, hart, n, float: true) else { return errArgument }
    r.pointee = value
    return ok
}

@_cdecl("pulpsim_get_csr")
public func pulpsim_get_csr(_ handle: UnsafeMutableRawPointer?, _ hart: Int32, _ csr: UInt32,
                            _ out: UnsafeMutablePointer<UInt32>?) -> Int32 {
    guard let s = session(handle) else { return errArgument }
    guard let h = s.hart(hart) else { return s.fail(errArgument, "no hart \(hart) (the machine has \(s.machine.harts.count))") }
    guard let out else { return s.fail(errArgument, "output pointer is NULL") }
    guard csr < 4096, let v = h.readCSR(csr, timeNow: h.cycle) else {
        return s.fail(errArgument, String(format: "no CSR 0x%03x on this hart", csr))
    }
    out.pointee = v
    return ok
}

@_cdecl("pulpsim_cycles")
public func pulpsim_cycles(_ handle: UnsafeMutableRawPointer?, _ hart: Int32, _ out: UnsafeMutablePointer<UInt64>?) -> Int32 {
    guard let s = session(handle) else { return errArgument }
    guard let h = s.hart(hart) else { return s.fail(errArgument, "no hart \(hart) (the machine has \(s.machine.harts.count))") }
    guard let out else { return s.fail(errArgument, "output pointer is NULL") }
    out.pointee = h.cycle
    return ok
}

@_cdecl("pulpsim_instructions")
public func pulpsim_instructions(_ handle: UnsafeMutableRawPointer?, _ hart: Int32,
                                 _ out: UnsafeMutablePointer<UInt64>?) -> Int32 {
    guard let s = session(handle) else { return errArgument }
    guard let h = s.hart(hart) else { return s.fail(errArgument, "no hart \(hart) (the machine has \(s.machine.harts.count))") }
    guard let out else { return s.fail(errArgument, "output pointer is NULL") }
    out.pointee = h.instret
    return ok
}

// MARK: Memory and symbols

/// Checks an access of `count` bytes at `address`: no wrap past 4 GiB.
private func checkRange(_ s: Session, _ address: UInt32, _ count: Int) -> Int32? {
    if count < 0 || UInt64(address) + UInt64(count) > 1 << 32 {
        return s.fail(errAddress, String(format: "%d bytes at 0x%08x run past the end of the address space", count, address))
    }
    return nil
}

@_cdecl("pulpsim_read_memory")
public func pulpsim_read_memory(_ handle: UnsafeMutableRawPointer?, _ address: UInt32, _ buffer: UnsafeMutableRawPointer?,
                                _ count: Int) -> Int32 {
    guard let s = session(handle) else { return errArgument }
    if count == 0 { return ok }
    guard let buffer else { return s.fail(errArgument, "buffer is NULL") }
    if let e = checkRange(s, address, count) { return e }
    guard let bytes = s.machine.readMemory(address, count: count), bytes.count == count else {
        return s.fail(errAddress, String(format: "cannot read %d bytes at 0x%08x (not all memory)", count, address))
    }
    bytes.withUnsafeBytes { buffer.copyMemory(from: $0.baseAddress!, byteCount: count) }
    return ok
}

@_cdecl("pulpsim_write_memory")
public func pulpsim_write_memory(_ handle: UnsafeMutableRawPointer?, _ address: UInt32, _ buffer: UnsafeRawPointer?,
                                 _ count: Int) -> Int32 {
    guard let s = session(handle) else { return errArgument }
    if count == 0 { return ok }
    guard let buffer else { return s.fail(errArgument, "buffer is NULL") }
    if let e = checkRange(s, address, count) { return e }
    let bytes = [UInt8](UnsafeRawBufferPointer(start: buffer, count: count))
    guard s.machine.writeMemory(address, bytes) else {
        return s.fail(errAddress, String(format: "cannot write %d bytes at 0x%08x (not all memory)", count, address))
    }
    return ok
}

@_cdecl("pulpsim_symbol")
public func pulpsim_symbol(_ handle: UnsafeMutableRawPointer?, _ name: UnsafePointer<CChar>?,
                           _ address: UnsafeMutablePointer<UInt32>?, _ size: UnsafeMutablePointer<UInt32>?) -> Int32 {
    guard let s = session(handle) else { return errArgument }
    guard let name = string(name) else { return s.fail(errArgument, "symbol name is NULL") }
    guard let symbol = s.machine.symbols.symbol(named: name) else {
        return s.fail(errArgument, "no symbol named '\(name)' in the ELF")
    }
    address?.pointee = symbol.address
    size?.pointee = symbol.size
    return ok
}

@_cdecl("pulpsim_symbol_address")
public func pulpsim_symbol_address(_ handle: UnsafeMutableRawPointer?, _ name: UnsafePointer<CChar>?,
                                   _ address: UnsafeMutablePointer<UInt32>?) -> Int32 {
    guard let s = session(handle) else { return errArgument }
    guard address != nil else { return s.fail(errArgument, "output pointer is NULL") }
    return pulpsim_symbol(handle, name, address, nil)
}

// MARK: Tracing

@_cdecl("pulpsim_trace")
public func pulpsim_trace(_ handle: UnsafeMutableRawPointer?, _ path: UnsafePointer<CChar>?,
                          _ format: UnsafePointer<CChar>?) -> Int32 {
    guard let s = session(handle) else { return errArgument }
    let machine = s.machine
    // The trace being written, if any, is completed first.
    var closeError: String?
    if let old = machine.tracer {
        old.close()
        closeError = old.writeError
        machine.setTracer(nil)
    }
    if let closeError { return s.fail(errState, "writing the trace failed (\(closeError)); the trace is incomplete") }
    guard let path = string(path) else { return ok }
    guard s.elfPath != nil else { return s.fail(errState, "no ELF loaded") }
    let name = string(format) ?? TraceFormat.pulpsim.rawValue
    guard let kind = TraceFormat(rawValue: name) else {
        return s.fail(errArgument, "unknown trace format '\(name)' (known: \(TraceFormat.allCases.map(\.rawValue).joined(separator: ", ")))")
    }
    var options = TraceOptions()
    options.format = kind
    options.path = path
    do {
        let tracer = try Tracer(options: machine.resolveSymbols(options), harts: machine.harts.count, symbols: machine.symbols,
                                elfPath: URL(fileURLWithPath: s.elfPath!).standardizedFileURL.path)
        machine.setTracer(tracer)
        return ok
    } catch {
        return s.fail(errArgument, "\(error)")
    }
}
