// The platform descriptions (docs/platform.md §1, §2, §8, §9): every platform builds with the
// documented option ranges, its memory map is sorted and free of overlaps, `pulpsim memory-map`
// prints the description, and invalid options are rejected with a message naming the option.

@testable import PulpSim
import XCTest

final class PlatformTests: XCTestCase {
    func options(_ kind: PlatformKind, _ configure: (inout PlatformOptions) -> Void = { _ in }) -> MachineOptions {
        var o = MachineOptions(platform: kind)
        o.echoOutput = false
        configure(&o.platform)
        return o
    }

    /// Option sets on the edges of the documented ranges (docs/platform.md §1, §2, §9).
    var edgeCases: [(String, MachineOptions)] {
        [
            ("pulp-cluster", options(.pulpCluster)),
            ("pulp-cluster, 1 hart", options(.pulpCluster) { $0.harts = 1 }),
            ("pulp-cluster, TCDM 4 KiB, L2 4 KiB", options(.pulpCluster) { $0.tcdmSize = 4096; $0.l2Size = 4096 }),
            ("pulp-cluster, TCDM 1 MiB, L2 64 MiB", options(.pulpCluster) { $0.tcdmSize = 1 << 20; $0.l2Size = 64 << 20 }),
            ("pulp", options(.pulp)),
            ("pulp, 1 cluster core", options(.pulp) { $0.harts = 1 }),
            ("spike", options(.spike)),
            ("spike, 8 harts, RAM 1 MiB", options(.spike) { $0.harts = 8; $0.ramSize = 1 << 20 }),
            ("redmule-tb", options(.redmuleTB)),
        ]
    }

    // MARK: Building

    func testEveryPlatformBuilds() throws {
        XCTAssertEqual(PlatformKind.allCases.map(\.rawValue), ["pulp-cluster", "pulp", "spike", "redmule-tb"])
        XCTAssertEqual(MachineOptions(platform: .pulpCluster).platform.harts, 8)
        XCTAssertEqual(MachineOptions(platform: .pulp).platform.harts, 8)
        XCTAssertEqual(MachineOptions(platform: .spike).platform.harts, 1)
        XCTAssertEqual(MachineOptions(platform: .redmuleTB).platform.harts, 1)
        for (label, o) in edgeCases {
            let m = try Machine(options: o)
            let chip = o.platform.kind == .pulp  // the fabric controller comes after the cluster cores
            XCTAssertEqual(m.harts.count, o.platform.harts + (chip ? 1 : 0), label)
            XCTAssertEqual(m.harts.map(\.hartID), (0..<o.platform.harts).map(UInt32.init) + (chip ? [0x3E0] : []), label)
            let cluster = o.platform.kind == .pulpCluster || chip
            XCTAssertEqual(m.eventUnit != nil, cluster, label)
            XCTAssertEqual(m.eventUnit?.cores, cluster ? o.platform.harts : nil, label)
            XCTAssertEqual(m.timer != nil, cluster, label)
            XCTAssertEqual(m.redmule != nil, o.platform.kind != .spike, label)
            // The bus holds exactly the description's regions.
            let bus = m.bus.regions.sorted { $0.start < $1.start }
            let described = m.platform.regions
            XCTAssertEqual(bus.map(\.name), described.map(\.name), label)
            XCTAssertEqual(bus.map(\.start), described.map(\.start), label)
            XCTAssertEqual(bus.map(\.size), described.map(\.size), label)
        }
    }

    func testMemoryFollowsTheSizeOptions() throws {
        let m = try Machine(options: options(.pulpCluster) { $0.tcdmSize = 64 << 10; $0.l2Size = 2 << 20 })
        let sizes = Dictionary(m.platform.regions.map { ($0.name, $0.size) }, uniquingKeysWith: { a, _ in a })
        XCTAssertEqual(sizes["TCDM"], 64 << 10)
        XCTAssertEqual(sizes["TCDM alias"], 64 << 10)
        XCTAssertEqual(sizes["TCDM test-and-set"], 64 << 10)
        XCTAssertEqual(sizes["TCDM test-and-set alias"], 64 << 10)
        XCTAssertEqual(sizes["L2"], 2 << 20)
        XCTAssertNotNil(m.bus.read32(0x1C1F_FFFC))
        XCTAssertNil(m.bus.read32(0x1C20_0000))
        // The largest RAM of spike (2 GiB) fills the address space up to its end exactly.
        let big = options(.spike) { $0.ramSize = 0x8000_0000 }.platform.description
        XCTAssertEqual(big.regions.last?.end, 1 << 32)
    }

    // MARK: The memory map

    func testMemoryMapRowsAreSortedAndDoNotOverlap() {
        var descriptions = edgeCases.map { ($0.0, $0.1.platform.description) }
        descriptions.append(("spike, RAM 2 GiB", options(.spike) { $0.ramSize = 0x8000_0000 }.platform.description))
        for (label, d) in descriptions {
            let rows = d.regions
            XCTAssertFalse(rows.isEmpty, label)
            for (a, b) in zip(rows, rows.dropFirst()) {
                XCTAssertLessThan(a.start, b.start, "\(label): \(a.name) before \(b.name)")
                XCTAssertLessThanOrEqual(a.end, UInt64(b.start), "\(label): \(a.name) overlaps \(b.name)")
            }
            for r in rows {
                XCTAssertGreaterThan(r.size, 0, "\(label): \(r.name)")
                XCTAssertLessThanOrEqual(r.end, 1 << 32, "\(label): \(r.name) wraps")
            }
            // Rendered in the same order, one line per region between the title and the footer.
            let lines = d.renderMemoryMap().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            XCTAssertEqual(lines.count, rows.count + 2, label)
            XCTAssertEqual(lines.first, "Memory map of platform '\(d.kind.rawValue)':")
            XCTAssertEqual(lines.last, "  anything else: access fault")
            for (line, r) in zip(lines.dropFirst(), rows) {
                XCTAssertTrue(line.hasPrefix(String(format: "  0x%08x-0x%08llx  %@", r.start, r.end - 1, r.name)), "\(label): \(line)")
            }
        }
    }

    func testMemoryMapCommandPrintsTheDescription() throws {
        for kind in PlatformKind.allCases {
            let r = try runCLI(["memory-map", "--platform", kind.rawValue])
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertEqual(r.stdout, PlatformOptions(kind: kind).renderMemoryMap() + "\n", kind.rawValue)
            XCTAssertEqual(r.stderr, "")
        }
        let r = try runCLI(["memory-map"])
        XCTAssertEqual(r.stdout, PlatformOptions(kind: .pulpCluster).renderMemoryMap() + "\n", "pulp-cluster is the default")
        let bad = try runCLI(["memory-map", "--platform", "pulpissimo"])
        XCTAssertNotEqual(bad.status, 0, "not a platform")
        XCTAssertEqual(bad.stdout, "")
    }

    // MARK: Invalid options

    /// `Machine(options:)` must throw `.invalidOption` with a message naming `option`.
    func assertInvalid(_ o: MachineOptions, naming option: String, _ label: String, file: StaticString = #filePath, line: UInt = #line) {
        do {
            _ = try Machine(options: o)
            XCTFail("\(label) was accepted", file: file, line: line)
        } catch MachineError.invalidOption(let message) {
            XCTAssertTrue(message.contains(option), "\(label): '\(message)' does not name \(option)", file: file, line: line)
        } catch {
            XCTFail("\(label): \(error)", file: file, line: line)
        }
    }

    func testInvalidHartCounts() {
        for kind in [PlatformKind.pulpCluster, .spike] {
            assertInvalid(options(kind) { $0.harts = 0 }, naming: "--harts", "\(kind.rawValue) with 0 harts")
            assertInvalid(options(kind) { $0.harts = 9 }, naming: "--harts", "\(kind.rawValue) with 9 harts")
            assertInvalid(options(kind) { $0.harts = -1 }, naming: "--harts", "\(kind.rawValue) with -1 harts")
        }
        assertInvalid(options(.redmuleTB) { $0.harts = 2 }, naming: "--harts", "redmule-tb with 2 harts")
        assertInvalid(options(.redmuleTB) { $0.harts = 8 }, naming: "--harts", "redmule-tb with 8 harts")
    }

    func testInvalidMemorySizes() {
        assertInvalid(options(.pulpCluster) { $0.tcdmSize = 4095 }, naming: "--tcdm-kib", "TCDM below 4 KiB")
        assertInvalid(options(.pulpCluster) { $0.tcdmSize = (1 << 20) + 1 }, naming: "--tcdm-kib", "TCDM above 1 MiB")
        assertInvalid(options(.pulpCluster) { $0.tcdmSize = 0 }, naming: "--tcdm-kib", "TCDM of 0")
        assertInvalid(options(.pulpCluster) { $0.l2Size = 4095 }, naming: "--l2-kib", "L2 below 4 KiB")
        assertInvalid(options(.pulpCluster) { $0.l2Size = (64 << 20) + 1 }, naming: "--l2-kib", "L2 above 64 MiB")
        assertInvalid(options(.spike) { $0.ramSize = 4095 }, naming: "--ram-mib", "RAM below the minimum")
        assertInvalid(options(.spike) { $0.ramSize = 0x8000_0001 }, naming: "--ram-mib", "RAM above 2 GiB")
    }

    func testInvalidOptionsOnTheCommandLineAreUsageErrors() throws {
        let elf = Paths.firmware("pulp-cluster", "hello")
        try requireFirmware(elf)
        for (arguments, option) in [(["--harts", "9"], "--harts"), (["--harts", "0"], "--harts"),
                                    (["--tcdm-kib", "2"], "--tcdm-kib"), (["--tcdm-kib", "2048"], "--tcdm-kib"),
                                    (["--l2-kib", "65537"], "--l2-kib"), (["--platform", "spike", "--ram-mib", "0"], "--ram-mib"),
                                    (["--platform", "redmule-tb", "--harts", "2"], "--harts")] {
            let r = try runCLI(["run"] + arguments + [elf])
            XCTAssertEqual(r.status, 64, "\(arguments): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains(option), "\(arguments): '\(r.stderr)' does not name \(option)")
            XCTAssertEqual(r.stdout, "", "\(arguments): nothing ran")
        }
    }
}
