// Fuzz target `gdb`: any bytes as what a debugger sends to `pulpsim run --gdb`. A pulp-cluster
// machine with Fuzz/firmware/pulp-cluster-hello.elf loaded (so that memory and register packets
// reach real memory) is served the bytes from memory (`GDBServer(machine:input:)`): framing,
// acks, checksums, escapes, Ctrl-C (0x03, also during a run), and every packet the server
// handles. Runs stop after 20000 instructions.
//
// Oracle: nothing traps, the bytes end (the connection closes) and every reply is a well-formed
// frame with the right checksum; malformed packets get error replies (E01, E14) or empty ones.

import FuzzSupport
import PulpSim

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let machine: Machine
    var options = MachineOptions.quiet(.pulpCluster, instructions: 20_000)
    options.platform.l2Size = 64 << 10  // (the program takes 8 KiB; a smaller L2 is cheaper to set up)
    do {
        machine = try Machine(options: options)
        try machine.load(FuzzFirmware.pulpCluster)
    } catch {
        oracleFailure("cannot set up the machine: \(error)")
    }
    let server = GDBServer(machine: machine, input: fuzzBytes(data, size))
    _ = server.serve()
    checkFrames(server.output)
    return 0
}

/// The server's output: acks ('+', '-') and frames `$payload#xx` with the right checksum.
func checkFrames(_ output: [UInt8]) {
    var i = 0
    while i < output.count {
        switch output[i] {
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            i += 1
        case UInt8(ascii: "$"):
            var sum: UInt8 = 0
            var j = i + 1
            while j < output.count && output[j] != UInt8(ascii: "#") {
                if output[j] == UInt8(ascii: "$") { oracleFailure("'$' inside a reply at byte \(j)") }
                sum &+= output[j]
                j += 1
            }
            guard j + 3 <= output.count else { oracleFailure("reply cut short at byte \(i)") }
            let digits = String(decoding: output[(j + 1)..<(j + 3)], as: UTF8.self)
            guard UInt8(digits, radix: 16) == sum else { oracleFailure("reply at byte \(i) has checksum \(digits), not \(sum)") }
            i = j + 3
        default:
            oracleFailure("byte 0x\(String(output[i], radix: 16)) outside a reply at \(i)")
        }
    }
}
