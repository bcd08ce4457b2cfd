// Snapshots: a machine restored from a snapshot taken anywhere in a run ends that run exactly as
// the run without the snapshot did — every hart's instructions, cycles and stalls by cause, TCDM
// bank conflicts, RedMulE and DMA statistics, diagnostics, exit, output — for every program of the
// repository; taking snapshots changes nothing; damaged files are refused.

import Foundation
import XCTest
@testable import PulpSim

final class SnapshotTests: XCTestCase {
    /// The run's result as JSON, without what depends on the host (wall time, MIPS).
    static func comparable(_ result: RunResult) -> String {
        let json = result.json(message: nil, elf: "")
        var object = (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any] ?? [:]
        object["wall_seconds"] = nil
        object["mips"] = nil
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    static func options(_ platform: PlatformKind, limit: UInt64) -> MachineOptions {
        var o = MachineOptions(platform: platform)
        o.echoOutput = false
        o.captureOutput = true
        o.maxInstructions = limit
        o.countStalls = true
        return o
    }

    /// The repository's programs of a platform.
    static func programs(_ platform: String) throws -> [String] {
        let dir = Paths.root.appendingPathComponent("firmware/build/\(platform)")
        return try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".elf") }.sorted()
            .map { dir.appendingPathComponent($0).path }
    }

    /// Runs `elf` straight (its first `limit` instructions), then with snapshots (which must
    /// change nothing), then from the middle one in a fresh machine and from the first again in
    /// the machine that took them.
    func checkRestores(_ elf: String, platform: PlatformKind, limit: UInt64 = 120_000,
                       configure: (inout MachineOptions) -> Void = { _ in }) throws {
        var o = SnapshotTests.options(platform, limit: limit)
        configure(&o)
        let straight = try Machine(options: o)
        try straight.load(path: elf)
        let a = straight.run()
        let expected = SnapshotTests.comparable(a)
        let cycles = max(a.cycles, 3)

        let taking = try Machine(options: o)
        try taking.load(path: elf)
        var states: [(MachineState, Int)] = []
        taking.snapshotEvery(max(1, cycles / 4)) { [unowned taking] in states.append(($0, taking.console.captured.count)) }
        let b = taking.run()
        let name = URL(fileURLWithPath: elf).lastPathComponent
        XCTAssertEqual(SnapshotTests.comparable(b), expected, "\(name): taking snapshots changed the run")
        XCTAssertEqual(b.output, a.output, "\(name)")
        guard !states.isEmpty else { return }  // (over before the first snapshot)

        do {
            let (state, printed) = states[states.count / 2]
            let fresh = try Machine(options: o)
            try fresh.load(path: elf)
            try fresh.restoreState(state)
            let c = fresh.run()
            XCTAssertEqual(SnapshotTests.comparable(c), expected, "\(name): restored at cycle \(state.cycle)")
            XCTAssertEqual(c.output, String(a.output.dropFirst(printed)), "\(name): output after cycle \(state.cycle)")
        }
        // In the machine that ran to the end: back to the first snapshot, and on to the end again.
        try taking.restoreState(states[0].0)
        taking.snapshotEvery(nil, nil)
        let again = taking.run()
        XCTAssertEqual(SnapshotTests.comparable(again), expected, "\(name): restored in place at cycle \(states[0].0.cycle)")
    }

    func testRestoredClusterProgramsEndAsTheirUninterruptedRuns() throws {
        let programs = try SnapshotTests.programs("pulp-cluster")
        XCTAssertGreaterThan(programs.count, 80)
        for elf in programs {
            let idma = URL(fileURLWithPath: elf).lastPathComponent.contains("idma")
            try checkRestores(elf, platform: .pulpCluster) { if idma { $0.platform.dma = .idma } }
        }
    }

    func testRestoredChipAndOtherPlatformProgramsEndAsTheirUninterruptedRuns() throws {
        var checked = 0
        for (dir, platform) in [("pulp", PlatformKind.pulp), ("spike", .spike), ("redmule-tb", .redmuleTB)] {
            for elf in try SnapshotTests.programs(dir) {
                try checkRestores(elf, platform: platform)
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 20)
    }

    /// RedMulE jobs in flight on their live cycle model (TCDM contention) and DMA transfers in
    /// flight, with snapshots every few hundred cycles: many land inside a job or a transfer.
    func testSnapshotsInsideJobsAndTransfers() throws {
        for (name, limit) in [("redmule-contention", UInt64(2_000_000)), ("pmsis-gemm-redmule", 2_000_000), ("dma-random", 2_000_000)] {
            let elf = Paths.firmware("pulp-cluster", name)
            try requireFirmware(elf)
            var o = SnapshotTests.options(.pulpCluster, limit: limit)
            let straight = try Machine(options: o)
            try straight.load(path: elf)
            let expected = SnapshotTests.comparable(straight.run())
            o.maxInstructions = limit
            let taking = try Machine(options: o)
            try taking.load(path: elf)
            var states: [MachineState] = []
            var busy = 0
            taking.snapshotEvery(997) { [unowned taking] state in
                // Keep those taken while a job or a transfer is in flight.
                if taking.redmule?.isBusy == true || (taking.dma?.transfersInFlight ?? 0) > 0 { states.append(state); busy += 1 }
            }
            _ = taking.run()
            XCTAssertGreaterThan(busy, 3, name)
            for state in stride(from: 0, to: states.count, by: max(1, states.count / 6)).map({ states[$0] }) {
                let fresh = try Machine(options: o)
                try fresh.load(path: elf)
                try fresh.restoreState(state)
                XCTAssertEqual(SnapshotTests.comparable(fresh.run()), expected, "\(name) restored at cycle \(state.cycle)")
            }
        }
    }

    func testSnapshotFilesRoundTripAndDamagedOnesAreRefused() throws {
        let elf = Paths.firmware("pulp-cluster", "pmsis-gemm-redmule")
        try requireFirmware(elf)
        let o = SnapshotTests.options(.pulpCluster, limit: 5_000_000)
        let straight = try Machine(options: o)
        try straight.load(path: elf)
        let expected = SnapshotTests.comparable(straight.run())
        let taking = try Machine(options: o)
        try taking.load(path: elf)
        var file: SnapshotFile?
        taking.snapshotEvery(20_000) { [unowned taking] state in
            if file == nil { file = try? SnapshotFile(machine: taking, state: state) }
        }
        _ = taking.run()
        let bytes = try XCTUnwrap(file).encoded()
        let decoded = try SnapshotFile(decoding: bytes, name: "s")
        XCTAssertEqual(decoded.state.core, file!.state.core)
        XCTAssertEqual(decoded.elf, file!.elf)
        let machine = try decoded.machine { $0.maxInstructions = o.maxInstructions; $0.captureOutput = true; $0.echoOutput = false }
        XCTAssertEqual(SnapshotTests.comparable(machine.run()), expected)

        func refused(_ damaged: [UInt8], _ why: String) {
            XCTAssertThrowsError(try SnapshotFile(decoding: damaged, name: "s")) {
                XCTAssertTrue("\($0)".contains(why), "\($0)")
            }
        }
        refused(Array(bytes.prefix(bytes.count / 2)), "checksum")
        var flipped = bytes
        flipped[bytes.count / 3] ^= 0x10
        refused(flipped, "checksum")
        refused(Array("not a snapshot at all".utf8), "not a pulpsim snapshot")
        var version = bytes
        version[8] = 99
        refused(version, "format 99")
        var build = bytes
        build[12] ^= 1
        refused(build, "another pulpsim build")
        // A snapshot restored into a machine of another shape.
        var other = o
        other.platform.harts = 4
        let small = try Machine(options: other)
        try small.load(path: elf)
        XCTAssertThrowsError(try small.restoreState(decoded.state)) { XCTAssertTrue("\($0)".contains("harts"), "\($0)") }
    }

    func testCommandLineSnapshotEveryAndRestore() throws {
        let elf = Paths.firmware("pulp-cluster", "pmsis-gemm-redmule")
        try requireFirmware(elf)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pulpsim-snapshots-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // (The first 3 million instructions: the job is in flight.)
        let limit = ["--max-instructions", "3e6"]
        let straight = try runCLI(["run", "--json", "--quiet"] + limit + [elf], exits: 123)
        try runCLI(["run", "--quiet", "--snapshot-every", "2e4", "--snapshot-dir", dir] + limit + [elf], exits: 123)
        let files = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".pulpsnap") }.sorted {
            $0.count != $1.count ? $0.count < $1.count : $0 < $1
        }
        XCTAssertGreaterThan(files.count, 2)
        XCTAssertTrue(files.allSatisfy { $0.hasPrefix("pmsis-gemm-redmule-c") }, "\(files)")
        let middle = dir + "/" + files[files.count / 2]
        let restored = try runCLI(["run", "--json", "--quiet", "--restore", middle] + limit, exits: 123)
        func normal(_ s: String) -> String {
            var o = (try? JSONSerialization.jsonObject(with: Data(s.utf8))) as? [String: Any] ?? [:]
            o["wall_seconds"] = nil
            o["mips"] = nil
            o["message"] = nil  // (a restored run has no instruction history to show)
            return String(decoding: try! JSONSerialization.data(withJSONObject: o, options: [.sortedKeys]), as: UTF8.self)
        }
        XCTAssertEqual(normal(restored.stdout), normal(straight.stdout))
        // With the ELF named: it must be the snapshot's.
        try runCLI(["run", "--quiet", "--restore", middle, elf] + limit, exits: 123)
        let wrong = try runCLI(["run", "--quiet", "--restore", middle, Paths.firmware("pulp-cluster", "hello")], exits: 64)
        XCTAssertTrue(wrong.stderr.contains("another ELF"), wrong.stderr)
        let shape = try runCLI(["run", "--quiet", "--harts", "2", "--restore", middle], exits: 64)
        XCTAssertTrue(shape.stderr.contains("--harts"), shape.stderr)
        let races = try runCLI(["run", "--check-races", "--restore", middle], exits: 64)
        XCTAssertTrue(races.stderr.contains("--check-races"), races.stderr)
        let missing = try runCLI(["run", "--restore", dir + "/none.pulpsnap"], exits: 66)
        XCTAssertTrue(missing.stderr.contains("cannot read"), missing.stderr)
        let noELF = try runCLI(["run", "--quiet"], exits: 64)
        XCTAssertTrue(noELF.stderr.contains("--restore"), noELF.stderr)
    }
}
