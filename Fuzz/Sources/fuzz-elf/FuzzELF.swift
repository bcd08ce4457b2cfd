// Fuzz target `elf`: any bytes as a firmware ELF. Parses them (`ElfImage(bytes:path:)`), looks
// symbols up (`SymbolTable`, and as trace start points and pc ranges), disassembles the
// executable segments as `pulpsim disasm` does, and loads the image into a machine of every
// platform, which then runs a few instructions.
//
// Oracle: nothing traps; a rejected file is an `ElfError` (exit 65 or 66 on the command line).

import FuzzSupport
import PulpSim

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let image: ElfImage
    do { image = try ElfImage(bytes: fuzzBytes(data, size), path: "fuzz.elf") } catch is ElfError { return 0 } catch {
        oracleFailure("ElfImage threw \(error), not an ElfError")
    }
    let symbols = SymbolTable(image.symbols)
    for symbol in image.symbols.prefix(64) {
        _ = symbols.describe(symbol.address)
        _ = symbols.describe(symbol.address &+ symbol.size)
        _ = symbols.symbol(named: symbol.name)
    }
    _ = symbols.describe(image.entry)
    disassemble(image, symbols, words: 512)

    // Symbols as the tracer resolves them: --trace-start NAME, --trace-pc NAME.
    var trace = TraceOptions()
    trace.pcSymbols = image.symbols.prefix(16).map(\.name)
    if let first = image.symbols.first { trace.start = .symbol(first.name) }
    for platform in PlatformKind.allCases {
        var options = MachineOptions.quiet(platform, instructions: 64)
        options.platform.ramSize = 4 << 20  // (spike: a smaller RAM than the default 256 MiB is cheaper to map)
        let machine: Machine
        do { machine = try Machine(options: options) } catch {
            oracleFailure("the default \(platform) machine was refused: \(error)")
        }
        do { try machine.load(image) } catch is ElfError { continue } catch {
            oracleFailure("Machine.load threw \(error), not an ElfError")
        }
        do { _ = try machine.resolveSymbols(trace) } catch {
            oracleFailure("symbols of a loaded ELF did not resolve: \(error)")
        }
        _ = machine.run()
    }
    return 0
}

/// What `pulpsim disasm` does with the executable segments (at most `words` instructions).
func disassemble(_ image: ElfImage, _ symbols: SymbolTable, words: Int) {
    var left = words
    for segment in image.segments where segment.executable {
        let bytes = segment.fileBytes
        var offset = 0
        while offset + 2 <= bytes.count && left > 0 {
            let pc = segment.address &+ UInt32(truncatingIfNeeded: offset)
            var word = UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8
            var length = 2
            if word & 3 == 3 {
                guard offset + 4 <= bytes.count else { break }
                word |= (UInt32(bytes[offset + 2]) | UInt32(bytes[offset + 3]) << 8) << 16
                length = 4
            }
            _ = symbols.symbol(at: pc)
            _ = Disassembler.disassemble(word, at: pc, symbols: symbols)
            offset += length
            left -= 1
        }
    }
}
