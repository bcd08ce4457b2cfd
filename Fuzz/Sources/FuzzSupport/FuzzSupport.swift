// What the fuzz targets share: the firmware they load, a quiet machine, and the one way a target
// reports a broken oracle (a trap, which libFuzzer records as a crash with its input).

import Foundation
import PulpSim

/// The stripped firmware in Fuzz/firmware (see its README), parsed once.
public enum FuzzFirmware {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("firmware")

    static func load(_ name: String) -> ElfImage {
        let path = directory.appendingPathComponent(name).path
        do { return try ElfImage(path: path) } catch { fatalError("fuzz firmware \(path): \(error) (run `make fuzz-firmware`)") }
    }

    public static let pulpCluster = load("pulp-cluster-hello.elf")
    public static let spike = load("spike-hello.elf")
    public static let redmuleTB = load("redmule-tb-mmio.elf")

    /// The program for `platform`.
    public static func image(for platform: PlatformKind) -> ElfImage {
        switch platform {
        case .pulpCluster, .pulp: return pulpCluster  // (the same memories; on pulp the FC runs it)
        case .spike: return spike
        case .redmuleTB: return redmuleTB
        }
    }
}

extension MachineOptions {
    /// Options of a machine that prints nothing (output captured) and stops after `instructions`
    /// instructions or 100 times as many cycles (a trap whose handler traps again retires no
    /// instruction: only the cycle limit ends such a loop).
    public static func quiet(_ platform: PlatformKind, instructions: UInt64) -> MachineOptions {
        var options = MachineOptions(platform: platform)
        options.echoOutput = false
        options.captureOutput = true
        options.maxInstructions = instructions
        options.maxCycles = 100 * instructions
        return options
    }
}

/// A broken oracle: ends the process with a trap and `message` (libFuzzer saves the input).
public func oracleFailure(_ message: String) -> Never {
    FileHandle.standardError.write(("fuzz oracle: " + message + "\n").data(using: .utf8)!)
    fatalError(message)
}

/// The fuzz input as bytes.
public func fuzzBytes(_ data: UnsafePointer<UInt8>, _ size: Int) -> [UInt8] {
    Array(UnsafeBufferPointer(start: data, count: size))
}
