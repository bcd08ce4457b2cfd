// Fuzz target `trace-decode`: any bytes as a binary trace (`--trace-format binary`), decoded as
// `pulpsim trace-decode` does (`BinaryTraceReader(bytes:)`) into a text format, with the
// symbols of Fuzz/firmware/pulp-cluster-hello.elf for the annotated formats; the text goes to
// /dev/null. The ELF path recorded in the trace is never opened.
//
// Oracle: nothing traps; a damaged trace is a `TraceDecodeError` (exit 65 on the command line).

import FuzzSupport
import PulpSim

let symbols = SymbolTable(FuzzFirmware.pulpCluster.symbols)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = fuzzBytes(data, size)
    // One text format per input (by its length: mutations try the others), three times faster
    // than all three.
    for format in [[TraceFormat.spike, .pulpsim, .jsonl][size % 3]] {
        let reader: BinaryTraceReader
        do { reader = try BinaryTraceReader(bytes: bytes, name: "fuzz.bin") } catch is TraceDecodeError { return 0 } catch {
            oracleFailure("BinaryTraceReader threw \(error), not a TraceDecodeError")
        }
        var options = TraceOptions()
        options.format = format
        options.path = "/dev/null"
        let tracer: Tracer
        do { tracer = try Tracer(options: options, harts: reader.harts, symbols: symbols, preordered: !reader.merged) } catch {
            oracleFailure("no tracer for a trace of \(reader.harts) harts: \(error)")
        }
        do { try reader.decode(into: tracer) } catch is TraceDecodeError {
            // (rejected: the same for every format)
        } catch {
            oracleFailure("decode threw \(error), not a TraceDecodeError")
        }
        tracer.close()
    }
    return 0
}
