// Determinism: every firmware program, run twice, gives the same trace (every retired
// instruction, with its cycle, and every device event), the same JSON result and the same
// output. A difference fails with the first differing trace line. Block execution changes none
// of it either: the second run has no compiled blocks, so the first one's binary trace is
// written by compiled code and the second one's by the loop.

import Foundation
import PulpSim
import XCTest

final class DeterminismTests: XCTestCase {
    /// Every ELF under firmware/build, with the platform of its folder.
    func programs() throws -> [(platform: String, path: String)] {
        var list: [(String, String)] = []
        for platform in ["spike", "pulp-cluster", "redmule-tb"] {
            let dir = Paths.root.appendingPathComponent("firmware/build/\(platform)")
            let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".elf") }.sorted()
            list += names.map { (platform, dir.appendingPathComponent($0).path) }
        }
        return list
    }

    func testEveryProgramRunsIdenticallyTwice() throws {
        let elves = try programs()
        XCTAssertGreaterThan(elves.count, 60, "firmware not built (make firmware)")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pulpsim-determinism-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for (platform, elf) in elves {
            let name = URL(fileURLWithPath: elf).deletingPathExtension().lastPathComponent
            // Programs built for an option run with it: bitmanip needs the bit-manipulation
            // extensions, gemm-xif the offload instructions, the iDMA builds the iDMA front end.
            var isa: [String] = name == "bitmanip" ? ["--isa", "rv32imfc_zba_zbb"]
                : name == "redmule-gemm-xif" ? ["--isa", "rv32imfc_xredmule"] : []
            if name.hasSuffix("-idma") { isa += ["--dma", "idma"] }
            var runs: [(status: Int32, json: String, trace: Data)] = []
            for attempt in 0..<2 {
                let trace = dir.appendingPathComponent("\(platform)-\(name)-\(attempt).bin").path
                let r = try runCLI(["run", "--platform", platform, "--json", "--quiet", "--max-instructions", "1000000",
                                    "--history", "4", "--trace-file", trace, "--trace-format", "binary"]
                                   + (attempt == 1 ? ["--no-jit"] : []) + isa + [elf])
                XCTAssertTrue(r.status != 70 && r.status < 128, "\(platform)/\(name): exit \(r.status): \(r.stderr)")
                // wall_seconds and mips vary from run to run; everything else must not.
                let json = r.stdout.replacingOccurrences(of: #""(wall_seconds|mips)":[0-9.e+-]+,?"#, with: "",
                                                         options: .regularExpression)
                runs.append((r.status, json, try Data(contentsOf: URL(fileURLWithPath: trace))))
            }
            XCTAssertEqual(runs[0].status, runs[1].status, "\(platform)/\(name): exit status")
            XCTAssertEqual(runs[0].json, runs[1].json, "\(platform)/\(name): JSON result")
            if runs[0].trace != runs[1].trace {
                XCTFail("\(platform)/\(name): traces differ; first difference: " +
                        (try firstDifference(dir.appendingPathComponent("\(platform)-\(name)-0.bin").path,
                                             dir.appendingPathComponent("\(platform)-\(name)-1.bin").path)))
            }
        }
    }

    /// Block execution with compiled blocks (the plain loops' default) against blocks run from
    /// their entries (`--no-jit`) and one instruction at a time (`--no-block-execution`): the
    /// same JSON result (instructions, cycles, stalls, output, per hart and device) for every
    /// program, run to its end or stopped by an instruction or cycle limit that falls inside
    /// blocks.
    func testBlockExecutionChangesNothing() throws {
        let elves = try programs()
        XCTAssertGreaterThan(elves.count, 60, "firmware not built (make firmware)")
        for (platform, elf) in elves {
            let name = URL(fileURLWithPath: elf).deletingPathExtension().lastPathComponent
            var isa: [String] = name == "bitmanip" ? ["--isa", "rv32imfc_zba_zbb"]
                : name == "redmule-gemm-xif" ? ["--isa", "rv32imfc_xredmule"] : []
            if name.hasSuffix("-idma") { isa += ["--dma", "idma"] }
            for limit in [["--max-instructions", "2000000"], ["--max-instructions", "77777"], ["--max-cycles", "55555"]] {
                var results: [(status: Int32, json: String)] = []
                // (One instruction at a time is the slow way: only against the limits that stop early.)
                let ways: [[String]] = limit[1] == "2000000" ? [[], ["--no-jit"]] : [[], ["--no-jit"], ["--no-block-execution"]]
                for blocks in ways {
                    let r = try runCLI(["run", "--platform", platform, "--json", "--quiet", "--history", "0"] + limit + blocks + isa + [elf])
                    XCTAssertTrue(r.status != 70 && r.status < 128, "\(platform)/\(name): exit \(r.status): \(r.stderr)")
                    let json = r.stdout.replacingOccurrences(of: #""(wall_seconds|mips)":[0-9.e+-]+,?"#, with: "",
                                                             options: .regularExpression)
                    results.append((r.status, json))
                }
                for other in 1..<results.count {
                    XCTAssertEqual(results[0].status, results[other].status, "\(platform)/\(name) \(limit) [\(other)]: exit status")
                    XCTAssertEqual(results[0].json, results[other].json, "\(platform)/\(name) \(limit) [\(other)]: JSON result")
                }
            }
        }
    }

    /// The first differing line of two binary traces, decoded to text.
    func firstDifference(_ a: String, _ b: String) throws -> String {
        func lines(_ path: String) throws -> [String] {
            let r = try runCLI(["trace-decode", "--format", "pulpsim", path])
            XCTAssertEqual(r.status, 0, r.stderr)
            return r.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        }
        let (x, y) = (try lines(a), try lines(b))
        for i in 0..<max(x.count, y.count) where i >= x.count || i >= y.count || x[i] != y[i] {
            return "line \(i + 1):\n  first run:  \(i < x.count ? x[i] : "(end)")\n  second run: \(i < y.count ? y[i] : "(end)")"
        }
        return "(binary files differ, text identical)"
    }
}
