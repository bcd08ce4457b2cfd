// The race detector (`--check-races`, Analysis/RaceDetector.swift, docs/races.md): its rules on
// hand-made access sequences, a firmware program per race class, and the repository's programs.

import Foundation
import XCTest
@testable import PulpSim

final class RaceTests: XCTestCase {
    // MARK: The rules, on hand-made sequences

    let memory = ObjectIdentifier(RaceTests.self)

    func detector(harts: Int = 2) -> RaceDetector { RaceDetector(harts: harts) { _, pc in hex08(pc) } }

    func testUnorderedWriteAndReadRaceOnceOnTheBytesBothTouched() {
        let d = detector()
        d.access(0, memory: memory, offset: 0x10, size: 4, write: true, pc: 0x100, address: 0x1000_0010)
        d.access(1, memory: memory, offset: 0x12, size: 2, write: false, pc: 0x200, address: 0x1000_0012)
        // The same pair of instructions again (a store between: not polling): no second report.
        d.access(1, memory: memory, offset: 0x80, size: 4, write: true, pc: 0x204, address: 0x1000_0080)
        d.access(1, memory: memory, offset: 0x12, size: 2, write: false, pc: 0x200, address: 0x1000_0012)
        let races = d.races
        XCTAssertEqual(races.count, 1)
        XCTAssertEqual(races.first?.address, 0x1000_0012)
        XCTAssertEqual(races.first?.size, 2)
        XCTAssertEqual(races.first?.first.master, "hart 0")
        XCTAssertEqual(races.first?.first.write, true)
        XCTAssertEqual(races.first?.second.master, "hart 1")
        XCTAssertEqual(races.first?.second.write, false)
    }

    func testDifferentBytesOfAWordAndReadsAloneDoNotRace() {
        let d = detector()
        d.access(0, memory: memory, offset: 0x10, size: 1, write: true, pc: 0x100, address: 0x10)
        d.access(1, memory: memory, offset: 0x11, size: 1, write: true, pc: 0x200, address: 0x11)
        d.access(0, memory: memory, offset: 0x20, size: 4, write: false, pc: 0x104, address: 0x20)
        d.access(1, memory: memory, offset: 0x20, size: 4, write: false, pc: 0x204, address: 0x20)
        XCTAssertEqual(d.races, [])
    }

    func testAReleaseAcquiredOrdersTheAccesses() {
        let d = detector()
        var barrier = [UInt32](repeating: 0, count: RaceDetector.maxMasters)
        d.access(0, memory: memory, offset: 0, size: 4, write: true, pc: 0x100, address: 0)
        d.release(0, into: &barrier, "arrival")
        d.acquire(1, from: barrier, "release")
        d.access(1, memory: memory, offset: 0, size: 4, write: true, pc: 0x200, address: 0)
        d.access(1, memory: memory, offset: 0, size: 4, write: false, pc: 0x204, address: 0)
        XCTAssertEqual(d.races, [])
        // Hart 0 did not acquire hart 1's later write: its read races.
        d.access(0, memory: memory, offset: 0, size: 4, write: false, pc: 0x108, address: 0)
        XCTAssertEqual(d.races.count, 1)
        XCTAssertEqual(d.races.first?.first.lastSync, "release at cycle 0")
    }

    func testPolledFlagsOrderAndAreNotReported() {
        let d = detector()
        // Hart 1 polls the flag (twice the same word, no store between), hart 0 writes the data
        // and sets the flag, hart 1 sees it and reads the data.
        d.access(1, memory: memory, offset: 0x40, size: 4, write: false, pc: 0x200, address: 0x40)
        d.access(1, memory: memory, offset: 0x40, size: 4, write: false, pc: 0x200, address: 0x40)
        d.access(0, memory: memory, offset: 0x80, size: 4, write: true, pc: 0x100, address: 0x80)
        d.access(0, memory: memory, offset: 0x40, size: 4, write: true, pc: 0x104, address: 0x40)
        d.access(1, memory: memory, offset: 0x40, size: 4, write: false, pc: 0x200, address: 0x40)
        d.access(1, memory: memory, offset: 0x80, size: 4, write: false, pc: 0x204, address: 0x80)
        XCTAssertEqual(d.races, [])
    }

    // MARK: Firmware with a race of each kind

    /// program → (first side, second side) as "master write|read", in the report's order.
    static let examples: [(String, String, String)] = [
        ("race-no-barrier", "hart 0 write", "read"),
        ("race-redmule-z", "RedMulE job 0 write", "hart 0 read"),
        ("race-redmule-x", "RedMulE job 0 read", "hart 1 write"),
        ("race-dma-redmule", "RedMulE job 0 read", "DMA transfer id 0 write"),
    ]

    func testEachRaceClassIsFoundInItsExample() throws {
        for (name, first, second) in RaceTests.examples {
            let path = Paths.firmware("pulp-cluster", name)
            let (plain, _) = try runELF(path, platform: .pulpCluster)
            XCTAssertEqual(plain.exitStatus, 0, name)
            XCTAssertNil(plain.races, name)
            let (checked, _) = try runELF(path, platform: .pulpCluster) { $0.checkRaces = true }
            XCTAssertEqual(checked.exitStatus, ExitStatus.racesFound, name)
            XCTAssertEqual(checked.firmwareExitCode, 0, name)
            let races = try XCTUnwrap(checked.races, name)
            XCTAssertEqual(races.count, 1, "\(name): \(races.map(\.description))")
            guard let r = races.first else { continue }
            func side(_ a: RaceAccess) -> String { "\(a.master) \(a.write ? "write" : "read")" }
            XCTAssertEqual(side(r.first), first, "\(name): \(r.description)")
            XCTAssertTrue(side(r.second).hasSuffix(second), "\(name): \(r.description)")
            XCTAssertEqual(r.memory, "TCDM", name)
        }
    }

    /// The report names the instructions by symbol, the job by its registers, the last
    /// synchronisation of each side; the JSON lists the races; the exit code is 119.
    func testReportOnTheCommandLineAndInJSON() throws {
        let elf = Paths.firmware("pulp-cluster", "race-redmule-z")
        try requireFirmware(elf)
        let text = try runCLI(["run", "--check-races", elf], exits: ExitStatus.racesFound)
        XCTAssertTrue(text.stderr.contains("hart 0 reads at 0x"), text.stderr)
        XCTAssertTrue(text.stderr.contains("<main+"), text.stderr)
        XCTAssertTrue(text.stderr.contains("RedMulE job 0 writes at GEMM Float16 24x24x24"), text.stderr)
        XCTAssertTrue(text.stderr.contains("last synchronisation: RedMulE TRIGGER (job 0)"), text.stderr)
        XCTAssertTrue(text.stderr.contains("race check: 1 race found"), text.stderr)
        let json = try runCLI(["run", "--check-races", "--json", elf], exits: ExitStatus.racesFound)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let races = try XCTUnwrap(object["races"] as? [[String: Any]])
        XCTAssertEqual(races.count, 1)
        XCTAssertEqual((races[0]["second"] as? [String: Any])?["access"] as? String, "read")
        XCTAssertEqual(object["exit_code"] as? Int, 0)
        // Off: no check, the firmware's own exit code.
        try runCLI(["run", "--quiet", elf], exits: 0)
    }

    // MARK: The repository's programs

    /// Programs that race on purpose (docs/races.md): the variables they race on, and why. Every
    /// other access of theirs (mutexes, test-and-set locks, barriers, events, dispatch) is clean.
    static let racyOnPurpose: [String: (variables: [String], why: String)] = [
        "mutex-counter": (["counter_plain"], "its third counter is incremented without a lock, to count lost updates"),
        "redmule-dataflow": (["x"], "core 0 writes an operand while the job runs, to see when RedMulE reads it"),
        "eu-registers": (["stamp", "pushed9"], "its checks read other cores' stamps and progress words while those cores move on"),
    ]

    func testProgramsThatRaceOnPurposeRaceOnlyWhereTheyMeanTo() throws {
        for (name, expected) in RaceTests.racyOnPurpose {
            let (result, machine) = try runELF(Paths.firmware("pulp-cluster", name), platform: .pulpCluster,
                                               maxInstructions: 500_000) { $0.checkRaces = true }
            let races = try XCTUnwrap(result.races, name)
            XCTAssertFalse(races.isEmpty, name)
            for r in races {
                let symbol = machine.symbols.describe(r.address).split(separator: "+").first.map(String.init) ?? ""
                XCTAssertTrue(expected.variables.contains(symbol), "\(name): \(r.description)")
            }
            XCTAssertEqual(Set(races.map { machine.symbols.describe($0.address).split(separator: "+").first.map(String.init) ?? "" }),
                           Set(expected.variables), name)
        }
    }

    func testRepositoryProgramsHaveNoRaces() throws {
        let build = Paths.root.appendingPathComponent("firmware/build")
        var checked = 0
        for platform in ["pulp-cluster", "pulp"] {
            let dir = build.appendingPathComponent(platform)
            let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".elf") }.sorted()
            for file in names {
                let name = String(file.dropLast(4))
                if name.hasPrefix("race-") || RaceTests.racyOnPurpose[name] != nil { continue }
                if RaceTests.racyByConstruction.contains(name) { continue }
                let (result, _) = try runELF(dir.appendingPathComponent(file).path, platform: platform == "pulp" ? .pulp : .pulpCluster,
                                             maxInstructions: 250_000) { $0.checkRaces = true }
                XCTAssertEqual(result.races?.map(\.description) ?? ["not checked"], [], "\(platform)/\(name)")
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 50)
    }

    /// Single-hart assembly tests that every hart of the cluster runs alike, writing the same
    /// scratch words (the result is hart 0's).
    static let racyByConstruction: Set<String> = ["bitmanip", "misaligned-cycles", "ready-loop", "smc-blocks", "trace-classes",
                                                   "trace-smc"]
}
