// The bus (docs/platform.md §2, §8, §9): each platform's memory map as `pulpsim memory-map`
// prints it, the TCDM views, the fast-path segment table against the slow path, host access over
// region boundaries, memory ports, and the coherence of decoded instructions with memory writes.

@testable import PulpSim
import XCTest

final class BusTests: XCTestCase {
    /// A row of the memory map: name as printed, first address, size, RAM (true) or device.
    struct Row: Equatable, CustomStringConvertible {
        let name: String, start: UInt32, size: UInt32, ram: Bool
        init(_ name: String, _ start: UInt32, _ size: UInt32, ram: Bool) {
            self.name = name; self.start = start; self.size = size; self.ram = ram
        }
        var end: UInt32 { start &+ size &- 1 }
        var description: String { String(format: "%@ 0x%08x+0x%x %@", name, start, size, ram ? "RAM" : "device") }
    }

    /// The maps of docs/platform.md §2 (default sizes), §8 and §9.
    static let expected: [PlatformKind: [Row]] = [
        .pulpCluster: [
            Row("TCDM alias", 0x0000_0000, 0x4_0000, ram: true),
            Row("TCDM test-and-set alias", 0x0010_0000, 0x4_0000, ram: false),
            Row("cluster control alias", 0x0020_0000, 0x400, ram: false),
            Row("cluster timer alias", 0x0020_0400, 0x400, ram: false),
            Row("event unit global alias", 0x0020_0800, 0x800, ram: false),
            Row("RedMulE alias", 0x0020_1000, 0x400, ram: false),
            Row("I-cache control alias", 0x0020_1400, 0x400, ram: false),
            Row("DMA shared queue alias", 0x0020_1800, 0x400, ram: false),
            Row("HMR unit alias", 0x0020_2000, 0x800, ram: false),
            Row("event unit alias", 0x0020_4000, 0x400, ram: false),
            Row("DMA alias", 0x0020_4400, 0x400, ram: false),
            Row("TCDM", 0x1000_0000, 0x4_0000, ram: true),
            Row("TCDM test-and-set", 0x1010_0000, 0x4_0000, ram: false),
            Row("cluster control", 0x1020_0000, 0x400, ram: false),
            Row("cluster timer", 0x1020_0400, 0x400, ram: false),
            Row("event unit global", 0x1020_0800, 0x800, ram: false),
            Row("RedMulE", 0x1020_1000, 0x400, ram: false),
            Row("I-cache control", 0x1020_1400, 0x400, ram: false),
            Row("DMA shared queue", 0x1020_1800, 0x400, ram: false),
            Row("HMR unit", 0x1020_2000, 0x800, ram: false),
            Row("event unit", 0x1020_4000, 0x400, ram: false),
            Row("DMA", 0x1020_4400, 0x400, ram: false),
            Row("SoC control", 0x1A10_4000, 0x1000, ram: false),
            Row("stdout", 0x1A10_F000, 0x1000, ram: false),
            Row("L2", 0x1C00_0000, 0x10_0000, ram: true),
            Row("stdout (testbench mock)", 0x4000_0000, 0x1000, ram: false),
        ],
        .spike: [
            Row("boot ROM", 0x0000_1000, 0x1000, ram: true),
            Row("RAM", 0x8000_0000, 0x1000_0000, ram: true),
        ],
        .redmuleTB: [
            Row("RedMulE", 0x0010_0000, 0x400, ram: false),
            Row("memory", 0x1C00_0000, 0x8_0000, ram: true),
            Row("testbench I/O", 0x8000_0000, 0x8, ram: false),
        ],
    ]

    /// `pulp`: the cluster's map without the HMR unit and the testbench's stdout mock, with MCHAN's
    /// FC queue and the SoC.
    static func rows(_ kind: PlatformKind) -> [Row] { kind == .pulp ? pulpRows : expected[kind]! }

    static let pulpRows: [Row] = {
        let cluster = expected[.pulpCluster]!.filter { !$0.name.hasPrefix("HMR unit") && $0.start != 0x4000_0000 }
        let soc = [Row("DMA FC queue alias", 0x0020_1C00, 0x400, ram: false), Row("DMA FC queue", 0x1020_1C00, 0x400, ram: false),
                   Row("FLLs", 0x1A10_0000, 0x1000, ram: false), Row("SoC event unit", 0x1A10_6000, 0x1000, ram: false),
                   Row("FC interrupt controller", 0x1A10_9800, 0x800, ram: false), Row("FC timer", 0x1A10_B000, 0x800, ram: false)]
        return (cluster + soc).sorted { $0.start < $1.start }
    }()

    /// Addresses in no region (the gaps of each map, docs/platform.md §2 "Not implemented yet").
    static let unmapped: [PlatformKind: [UInt32]] = [
        .pulpCluster: [0x0004_0000, 0x000F_FFFC, 0x0014_0000, 0x0020_1C00, 0x0020_2800, 0x0020_4800,
                       0x0020_7FFC, 0x1004_0000, 0x1020_1C00, 0x1020_2800, 0x1020_4800,
                       0x1A10_0000, 0x1A10_6000, 0x1A10_B000, 0x1C10_0000, 0x4000_1000, 0x8000_0000, 0xFFFF_FFFC],
        .pulp: [0x0004_0000, 0x0020_2000, 0x0020_7FFC, 0x1004_0000, 0x1020_2000, 0x1020_4800,
               0x1A10_1000, 0x1A10_9000, 0x1A10_B800, 0x1C10_0000, 0x4000_0000, 0x8000_0000, 0xFFFF_FFFC],
        .spike: [0x0000_0000, 0x0000_0FFC, 0x0000_2000, 0x1C00_0000, 0x7FFF_FFFC, 0x9000_0000, 0xFFFF_FFFC],
        .redmuleTB: [0x0000_0000, 0x000F_FFFC, 0x0010_0400, 0x1BFF_FFFC, 0x1C08_0000, 0x8000_0008, 0x1020_4000],
    ]

    func machine(_ kind: PlatformKind, configure: (inout MachineOptions) -> Void = { _ in }) throws -> Machine {
        var options = MachineOptions(platform: kind)
        options.echoOutput = false
        configure(&options)
        return try Machine(options: options)
    }

    func load(_ bus: Bus, _ address: UInt32, _ size: Int) -> UInt32? {
        var context = AccessContext(hart: 0, cycle: 0)
        if case .ok(let v) = bus.slowRead(address, size: size, context: &context) { return v }
        return nil
    }

    func store(_ bus: Bus, _ address: UInt32, _ size: Int, _ value: UInt32) -> Bool {
        var context = AccessContext(hart: 0, cycle: 0)
        if case .ok = bus.slowWrite(address, size: size, value: value, context: &context) { return true }
        return false
    }

    func bytes(_ word: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: word >> (8 * $0)) } }

    // MARK: The memory map

    func testEveryPlatformsBusHoldsTheDocumentedRegions() throws {
        for kind in PlatformKind.allCases {
            let m = try machine(kind)
            let rows = m.bus.regions.sorted { $0.start < $1.start }.map { region -> Row in
                if case .ram = region.kind { return Row(region.name, region.start, region.size, ram: true) }
                return Row(region.name, region.start, region.size, ram: false)
            }
            XCTAssertEqual(rows, BusTests.rows(kind), kind.rawValue)
            for row in BusTests.rows(kind) {
                for address in [row.start, row.start + row.size / 2, row.end] {
                    let region = m.bus.region(containing: address)
                    XCTAssertEqual(region?.name, row.name, String(format: "%@ 0x%08x", kind.rawValue, address))
                    XCTAssertEqual(region?.start, row.start)
                }
            }
            for address in BusTests.unmapped[kind]! {
                XCTAssertNil(m.bus.region(containing: address), String(format: "%@ 0x%08x", kind.rawValue, address))
                XCTAssertNil(load(m.bus, address, 4), String(format: "%@: load at 0x%08x", kind.rawValue, address))
                XCTAssertFalse(store(m.bus, address, 4, 0), String(format: "%@: store at 0x%08x", kind.rawValue, address))
                XCTAssertNil(m.readMemory(address, count: 4))
            }
        }
    }

    func testTheBusAgreesWithTheMemoryMapCommand() throws {
        for kind in PlatformKind.allCases {
            let r = try runCLI(["memory-map", "--platform", kind.rawValue])
            XCTAssertEqual(r.status, 0, r.stderr)
            let m = try machine(kind)
            let lines = r.stdout.split(separator: "\n").map(String.init)
            XCTAssertEqual(lines.first, "Memory map of platform '\(kind.rawValue)':")
            XCTAssertEqual(lines.last, "  anything else: access fault")
            let rows = lines.dropFirst().dropLast()
            XCTAssertEqual(rows.count, BusTests.rows(kind).count, kind.rawValue)
            for (line, row) in zip(rows, BusTests.rows(kind)) {
                // "  0xSSSSSSSS-0xEEEEEEEE  name ... note"
                let addresses = String(format: "  0x%08x-0x%08x  ", row.start, row.end)
                XCTAssertTrue(line.hasPrefix(addresses + row.name + " "), "\(kind.rawValue): '\(line)' is not \(row)")
                let first = UInt32(line.dropFirst(4).prefix(8), radix: 16)!
                let last = UInt32(line.dropFirst(15).prefix(8), radix: 16)!
                let region = m.bus.region(containing: first)
                XCTAssertEqual(region?.name, row.name, line)
                XCTAssertEqual(region.map { UInt64($0.start) + UInt64($0.size) - 1 }, UInt64(last), line)
                XCTAssertTrue(m.bus.region(containing: last).map { $0.start == first } ?? false, line)
            }
        }
    }

    func testRegionsFollowTheTCDMAndL2Sizes() throws {
        let m = try machine(.pulpCluster) { $0.platform.tcdmSize = 256 * 1024; $0.platform.l2Size = 4096 }
        for (start, name) in [(UInt32(0), "TCDM alias"), (0x0010_0000, "TCDM test-and-set alias"), (0x1000_0000, "TCDM"),
                              (0x1010_0000, "TCDM test-and-set")] {
            XCTAssertEqual(m.bus.region(containing: start + 0x3_FFFF)?.name, name)
            XCTAssertNil(m.bus.region(containing: start + 0x4_0000))
        }
        XCTAssertNotNil(m.bus.read32(0x1003_FFF0), "the runtime's sync word with --tcdm-kib 256")
        XCTAssertEqual(m.bus.region(containing: 0x1C00_0FFF)?.name, "L2")
        XCTAssertNil(m.bus.region(containing: 0x1C00_1000))
        let ram = try machine(.spike) { $0.platform.ramSize = 1 << 20 }
        XCTAssertNotNil(ram.bus.region(containing: 0x800F_FFFF))
        XCTAssertNil(ram.bus.region(containing: 0x8010_0000))
    }

    // MARK: TCDM views

    func testTCDMAliasIsTheSameMemory() throws {
        let m = try machine(.pulpCluster)
        XCTAssertTrue(m.bus.write32(0x0000_0040, 0x1122_3344))
        XCTAssertEqual(m.bus.read32(0x1000_0040), 0x1122_3344)
        XCTAssertTrue(m.writeMemory(0x1001_FFFC, [1, 2, 3, 4]))
        XCTAssertEqual(m.readMemory(0x0001_FFFC, count: 4), [1, 2, 3, 4])
        XCTAssertTrue(store(m.bus, 0x1000_0102, 2, 0xBEEF))
        XCTAssertEqual(load(m.bus, 0x0000_0100, 4), 0xBEEF_0000)
        // The fast path hands out the same host bytes for both views.
        XCTAssertEqual(m.bus.fastPointer(0x0000_0200, 4), m.bus.fastPointer(0x1000_0200, 4))
        XCTAssertEqual(m.bus.hostPointer(0x0000_0200, count: 4), m.bus.hostPointer(0x1000_0200, count: 4))
        XCTAssertNotEqual(m.bus.hostPointer(0x1C00_0200, count: 4), m.bus.hostPointer(0x1000_0200, count: 4))
    }

    func testTestAndSetViews() throws {
        let m = try machine(.pulpCluster)
        for (tas, plain) in [(UInt32(0x1010_0000), UInt32(0x1000_0000)), (0x0010_0000, 0x0000_0000)] {
            m.bus.write32(plain + 0x100, 0x1234_5678)
            XCTAssertEqual(load(m.bus, tas + 0x100, 4), 0x1234_5678, "a load returns the old value")
            XCTAssertEqual(m.bus.read32(plain + 0x100), 0xFFFF_FFFF, "and leaves all ones")
            XCTAssertEqual(load(m.bus, tas + 0x100, 4), 0xFFFF_FFFF, "the lock is taken")
            // Narrow loads set only the bytes they read.
            m.bus.write32(plain + 0x200, 0x4433_2211)
            XCTAssertEqual(load(m.bus, tas + 0x201, 1), 0x22)
            XCTAssertEqual(m.bus.read32(plain + 0x200), 0x4433_FF11)
            XCTAssertEqual(load(m.bus, tas + 0x202, 2), 0x4433)
            XCTAssertEqual(m.bus.read32(plain + 0x200), 0xFFFF_FF11)
            // A store is a plain store (unlock).
            XCTAssertTrue(store(m.bus, tas + 0x100, 4, 0))
            XCTAssertEqual(m.bus.read32(plain + 0x100), 0)
            XCTAssertTrue(store(m.bus, tas + 0x301, 1, 0xAB))
            XCTAssertEqual(m.bus.read32(plain + 0x300), 0x0000_AB00)
            // It is a device: not fast, not host memory, misaligned accesses fault.
            XCTAssertNil(m.bus.fastPointer(tas, 4))
            XCTAssertNil(m.readMemory(tas, count: 4))
            XCTAssertNil(load(m.bus, tas + 0x102, 4))
        }
    }

    // MARK: Fast path and slow path

    func testFastPathSegmentsAndRegionEdges() throws {
        let m = try machine(.pulpCluster) { $0.platform.tcdmSize = 128 * 1024 }  // edges at 0x1002_0000
        let bus = m.bus
        XCTAssertNotNil(bus.fastPointer(0x0000_0000, 4))
        XCTAssertNotNil(bus.fastPointer(0x1001_FFFC, 4))
        XCTAssertNil(bus.fastPointer(0x1001_FFFE, 4), "straddles the end of the TCDM")
        XCTAssertNil(bus.fastPointer(0x1002_0000, 1))
        XCTAssertNotNil(bus.fastPointer(0x1C0F_FFFC, 4))
        XCTAssertNil(bus.fastPointer(0x1C0F_FFFE, 4))
        for device: UInt32 in [0x0020_0000, 0x1020_0000, 0x1020_4000, 0x1A10_F000, 0x1A10_4000] {
            XCTAssertNil(bus.fastPointer(device, 4), String(format: "0x%08x", device))
        }
        XCTAssertNil(bus.fastPointer(0x3000_0000, 4))
        // The slow path: misaligned accesses to RAM are performed, also straddling a bank word.
        m.writeMemory(0x1000_0010, [0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88])
        XCTAssertEqual(load(bus, 0x1000_0011, 4), 0x5544_3322)
        XCTAssertEqual(load(bus, 0x1000_0013, 2), 0x5544)
        XCTAssertTrue(store(bus, 0x1000_0013, 4, 0xA1B2_C3D4))
        XCTAssertEqual(m.readMemory(0x1000_0010, count: 8), [0x11, 0x22, 0x33, 0xD4, 0xC3, 0xB2, 0xA1, 0x88])
        XCTAssertEqual(load(bus, 0x1C0F_FFFC, 4), 0)
        // Straddling the end of a region into nothing: a fault.
        XCTAssertNil(load(bus, 0x1001_FFFE, 4))
        XCTAssertNil(load(bus, 0x1C0F_FFFF, 2))
        XCTAssertFalse(store(bus, 0x0001_FFFD, 4, 0))
        // Devices: misaligned or unsupported sizes fault.
        XCTAssertNil(load(bus, 0x1020_4001, 4), "misaligned")
        XCTAssertNil(load(bus, 0x1020_4002, 4))
        XCTAssertFalse(store(bus, 0x1020_0402, 2, 1), "the timer takes 32-bit accesses only")
        XCTAssertFalse(store(bus, 0x1020_0401, 1, 1))
        XCTAssertNotNil(load(bus, 0x1020_4000, 4))
        XCTAssertNil(load(bus, 0x1020_43FE, 4), "misaligned at the end of a window")
        XCTAssertTrue(store(bus, 0x1A10_F003, 1, 0x41), "stdout takes any size")
    }

    func testAccessesStraddlingTwoAdjacentRegions() {
        // Two RAM blocks back to back across a 1 MiB segment boundary, a device right after.
        let bus = Bus()
        let low = RAM(name: "low", size: 0x1000), high = RAM(name: "high", size: 0x1000)
        bus.map(ram: low, at: 0x0FFF_F000)
        bus.map(ram: high, at: 0x1000_0000)
        bus.map(device: StdoutDevice(console: Console(prefixHart: false, echoToStandardOutput: false, capture: true)),
                at: 0x1000_1000, size: 0x1000)
        XCTAssertNil(bus.fastPointer(0x0FFF_FFFE, 4), "a segment served by no region from its start is slow")
        XCTAssertNotNil(bus.fastPointer(0x1000_0000, 4))
        XCTAssertNil(bus.fastPointer(0x1000_0FFE, 4))
        XCTAssertTrue(bus.writeBytes(0x0FFF_FFFE, [1, 2, 3, 4]), "host writes cross the boundary")
        XCTAssertEqual(low.load(offset: 0xFFE, size: 2), 0x0201)
        XCTAssertEqual(high.load(offset: 0, size: 2), 0x0403)
        XCTAssertEqual(bus.readBytes(0x0FFF_FFFD, count: 6), [0, 1, 2, 3, 4, 0])
        XCTAssertEqual(load(bus, 0x0FFF_FFFE, 4), 0x0403_0201, "a misaligned load across two regions")
        XCTAssertTrue(store(bus, 0x0FFF_FFFF, 4, 0xDDCC_BBAA))
        XCTAssertEqual(bus.readBytes(0x0FFF_FFFE, count: 6), [1, 0xAA, 0xBB, 0xCC, 0xDD, 0])
        XCTAssertNil(bus.hostPointer(0x0FFF_FFFE, count: 4), "a host pointer lies in one region")
        XCTAssertNotNil(bus.hostPointer(0x0FFF_F000, count: 0x1000))
        XCTAssertNil(bus.hostPointer(0x0FFF_F000, count: 0x1001))
        // Into the device: host access fails and writes nothing.
        XCTAssertNil(bus.readBytes(0x1000_0FFC, count: 8))
        XCTAssertFalse(bus.writeBytes(0x1000_0FFC, [9, 9, 9, 9, 9, 9, 9, 9]))
        XCTAssertEqual(bus.readBytes(0x1000_0FFC, count: 4), [0, 0, 0, 0], "nothing written")
        XCTAssertNil(bus.readBytes(0x0FFF_EFFC, count: 8), "unmapped before the first block")
        XCTAssertFalse(bus.writeBytes(0x0FFF_EFFC, [7, 7, 7, 7, 7, 7, 7, 7]))
        XCTAssertEqual(bus.readBytes(0x0FFF_F000, count: 4), [0, 0, 0, 0])
        // A hart's misaligned access from RAM into the device faults with no side effect.
        XCTAssertNil(load(bus, 0x1000_0FFE, 4))
        XCTAssertFalse(store(bus, 0x1000_0FFE, 4, 0x1122_3344))
        XCTAssertEqual(high.load(offset: 0xFFE, size: 2), 0, "nothing written before the fault")
    }

    func testMisalignedAccessesIntoTheTestAndSetViewFaultWithoutSideEffects() throws {
        // A 1 MiB TCDM ends where its test-and-set view begins (0x1010_0000).
        let m = try machine(.pulpCluster) { $0.platform.tcdmSize = 0x10_0000 }
        m.writeMemory(0x100F_FFFC, [1, 2, 3, 4])
        m.writeMemory(0x1000_0000, [5, 6, 7, 8])
        XCTAssertNil(load(m.bus, 0x100F_FFFE, 4), "would run into the test-and-set view")
        XCTAssertEqual(m.readMemory(0x100F_FFFC, count: 4), [1, 2, 3, 4])
        XCTAssertEqual(m.readMemory(0x1000_0000, count: 4), [5, 6, 7, 8], "no test-and-set happened")
        XCTAssertFalse(store(m.bus, 0x100F_FFFF, 2, 0xAAAA))
        XCTAssertEqual(m.readMemory(0x100F_FFFC, count: 4), [1, 2, 3, 4], "nothing written before the fault")
    }

    func testHostAccessFailsOnAnyByteOutsideRAM() throws {
        let m = try machine(.pulpCluster) { $0.platform.tcdmSize = 128 * 1024 }  // edges at 0x1002_0000
        XCTAssertFalse(m.writeMemory(0x1001_FFFC, [1, 2, 3, 4, 5, 6, 7, 8]))
        XCTAssertEqual(m.readMemory(0x1001_FFFC, count: 4), [0, 0, 0, 0], "nothing written")
        XCTAssertNil(m.readMemory(0x1001_FFFC, count: 5))
        XCTAssertNil(m.readMemory(0x1020_4000, count: 4), "devices are not read by the host")
        XCTAssertFalse(m.writeMemory(0x1020_0000, [1, 0, 0, 0]), "nor written (no EOC)")
        XCTAssertNil(m.control.end)
        XCTAssertNil(m.readMemory(0x1C00_0000, count: -1))
        XCTAssertNil(m.readMemory(0xFFFF_FFFE, count: 4))
        XCTAssertEqual(m.readMemory(0x1C00_0000, count: 0x10_0000)?.count, 0x10_0000)
        XCTAssertNil(m.readMemory(0x1C00_0000, count: 0x10_0001))
        let bus = m.bus
        XCTAssertNil(bus.hostPointer(0x1C00_0000, count: -1))
        XCTAssertNil(bus.hostPointer(0x1C00_0000, count: Int.max))
        XCTAssertNil(bus.hostPointer(0x1C00_0000, count: Int(UInt32.max) + 1))
        XCTAssertNil(bus.hostPointer(0x1020_4000, count: 4))
        XCTAssertNil(bus.hostPointer(0x3000_0000, count: 0))
        XCTAssertNotNil(bus.hostPointer(0x1C0F_FFFF, count: 1))
        XCTAssertNil(bus.hostPointer(0x1C0F_FFFF, count: 2))
        XCTAssertNil(bus.read32(0x1C0F_FFFE))
        XCTAssertFalse(bus.write32(0x1020_0100, 5))
    }

    // MARK: Memory ports

    func testRedMulEPortReachesTheTCDMThroughBothViewsAndNothingElse() throws {
        let m = try machine(.pulpCluster) { $0.platform.tcdmSize = 128 * 1024 }  // edges at 0x1002_0000
        let port = m.redmule!.port
        XCTAssertEqual(port.windows, [0x0000_0000...0x0001_FFFF, 0x1000_0000...0x1001_FFFF])
        XCTAssertTrue(port.reaches(0x1001_FFFC, count: 4))
        XCTAssertTrue(port.reaches(0x0000_0000, count: 0x2_0000))
        XCTAssertFalse(port.reaches(0x1001_FFFE, count: 4))
        XCTAssertFalse(port.reaches(0x0001_FFF0, count: 0x20))
        XCTAssertFalse(port.reaches(0x1C00_0000, count: 4), "not L2")
        XCTAssertFalse(port.reaches(0x1010_0000, count: 4), "not the test-and-set view")
        XCTAssertFalse(port.reaches(0xFFFF_FFFF, count: 2))
        XCTAssertEqual(port.location(0x0000_0040)?.offset, 0x40)
        XCTAssertEqual(port.location(0x1000_0040)?.offset, 0x40)
        XCTAssertEqual(port.location(0x0000_0040)?.memory, port.location(0x1000_0040)?.memory)
        XCTAssertNotEqual(port.location(0x1C00_0040)?.memory, port.location(0x1000_0040)?.memory)
        // Data written through one view is read through the other.
        let data: [UInt8] = [1, 2, 3, 4, 5, 6]
        XCTAssertTrue(data.withUnsafeBytes { port.write(0x0000_0100, $0, hart: 0) })
        XCTAssertEqual(m.readMemory(0x1000_0100, count: 6), data)
        var back = [UInt8](repeating: 0, count: 6)
        XCTAssertTrue(back.withUnsafeMutableBytes { port.read(0x1000_0100, into: $0, hart: 0) })
        XCTAssertEqual(back, data)
        // Nothing outside: the write fails and writes nothing.
        XCTAssertFalse(data.withUnsafeBytes { port.write(0x1C00_0000, $0, hart: 0) })
        XCTAssertEqual(m.readMemory(0x1C00_0000, count: 6), [0, 0, 0, 0, 0, 0])
        XCTAssertFalse(data.withUnsafeBytes { port.write(0x1001_FFFC, $0, hart: 0) })
        XCTAssertEqual(m.readMemory(0x1001_FFFC, count: 4), [0, 0, 0, 0])
        XCTAssertFalse(back.withUnsafeMutableBytes { port.read(0x1C00_0000, into: $0, hart: 0) })
        // On redmule-tb the port reaches the testbench memory.
        let tb = try machine(.redmuleTB)
        XCTAssertEqual(tb.redmule!.port.windows, [0x1C00_0000...0x1C07_FFFF])
    }

    // MARK: Decoded instructions and writes

    /// addi x5, x0, imm
    func addi5(_ imm: UInt32) -> UInt32 { imm << 20 | 5 << 7 | 0x13 }

    /// Executes the instruction at `pc` on hart `hart` and returns x5.
    func run(_ m: Machine, hart: Int = 0, at pc: UInt32) -> UInt32 {
        let h = m.harts[hart]
        h.state = .running
        h.pc = pc
        XCTAssertNil(m.step(hart: hart))
        XCTAssertEqual(h.pc, pc + 4)
        return h.x[5]
    }

    func testWritesByPortAndHostInvalidateDecodedInstructions() throws {
        let m = try machine(.pulpCluster)
        for h in m.harts { h.reset(pc: 0) }
        let pc: UInt32 = 0x1000_0100
        m.writeMemory(pc, bytes(addi5(1)))
        XCTAssertEqual(run(m, at: pc), 1)
        XCTAssertEqual(run(m, at: pc), 1, "decoded once, cached")
        // A RedMulE port write over it.
        XCTAssertTrue(bytes(addi5(2)).withUnsafeBytes { m.redmule!.port.write(pc, $0, hart: 0) })
        XCTAssertEqual(run(m, at: pc), 2)
        // The host (loader, debugger).
        XCTAssertTrue(m.writeMemory(pc, bytes(addi5(3))))
        XCTAssertEqual(run(m, at: pc), 3)
        // Another hart's store (sw x7, 0(x6)).
        let sw: UInt32 = 7 << 20 | 6 << 15 | 2 << 12 | 0x23
        m.writeMemory(0x1C00_0000, bytes(sw))
        m.harts[1].pc = 0x1C00_0000
        m.harts[1].x[6] = pc
        m.harts[1].x[7] = addi5(4)
        XCTAssertNil(m.step(hart: 1))
        XCTAssertEqual(run(m, at: pc), 4)
        // A partial overwrite (one byte of the immediate).
        XCTAssertTrue(m.writeMemory(pc + 2, [0x50]))  // imm[3:0] = 5 (bits 23:20)
        XCTAssertEqual(run(m, at: pc), 5)
    }

    func testWritesThroughTheOtherTCDMViewInvalidateDecodedInstructions() throws {
        let m = try machine(.pulpCluster)
        for h in m.harts { h.reset(pc: 0) }
        let pc: UInt32 = 0x1000_0200
        m.writeMemory(pc, bytes(addi5(1)))
        XCTAssertEqual(run(m, at: pc), 1)
        // The same word through the alias at 0: by a RedMulE port ...
        XCTAssertTrue(bytes(addi5(2)).withUnsafeBytes { m.redmule!.port.write(pc - 0x1000_0000, $0, hart: 0) })
        XCTAssertEqual(m.readMemory(pc, count: 4), bytes(addi5(2)))
        XCTAssertEqual(run(m, at: pc), 2, "RedMulE overwrote the instruction through the TCDM alias")
        // ... and by a hart's store.
        let sw: UInt32 = 7 << 20 | 6 << 15 | 2 << 12 | 0x23
        m.writeMemory(0x1C00_0000, bytes(sw))
        m.harts[1].pc = 0x1C00_0000
        m.harts[1].x[6] = pc - 0x1000_0000
        m.harts[1].x[7] = addi5(3)
        XCTAssertNil(m.step(hart: 1))
        XCTAssertEqual(m.readMemory(pc, count: 4), bytes(addi5(3)))
        XCTAssertEqual(run(m, at: pc), 3, "a hart overwrote the instruction through the TCDM alias")
    }

    func testALargeHostWriteInvalidatesEveryDecodedInstructionItCovers() throws {
        let m = try machine(.spike)
        let base: UInt32 = 0x8000_0000
        let pcs: [UInt32] = [base, base + 0x1_0000, base + 0x2_0000, base + 0x3_0000, base + 0x3_FFFC]
        for pc in pcs { m.writeMemory(pc, bytes(addi5(1))) }
        m.harts[0].reset(pc: base)
        for pc in pcs { XCTAssertEqual(run(m, at: pc), 1) }
        // One 256 KiB write (a debugger or loader block) replaces them all.
        var block = [UInt8](repeating: 0, count: 0x4_0000)
        for pc in pcs { block.replaceSubrange(Int(pc - base)..<Int(pc - base) + 4, with: bytes(addi5(7))) }
        XCTAssertTrue(m.writeMemory(base, block))
        for pc in pcs.reversed() {
            XCTAssertEqual(run(m, at: pc), 7, String(format: "stale instruction at 0x%08x", pc))
        }
    }
}
