// Platform: the declarative memory maps of `pulp-cluster`, `spike` and `redmule-tb` (SPEC §2, §8, §9).
//
// Each platform is a table of regions; `Machine` builds its bus from that table and
// `pulpsim memory-map` prints the same table, so the documentation cannot drift from the code.

import Foundation

/// The platforms pulpsim models.
public enum PlatformKind: String, CaseIterable, Sendable {
    case pulpCluster = "pulp-cluster"
    case spike = "spike"
    case redmuleTB = "redmule-tb"

    public var summary: String {
        switch self {
        case .pulpCluster: return "8-core PULP cluster: TCDM, L2, event unit, cluster peripherals (default)"
        case .spike: return "Spike-compatible: RAM at 0x80000000, HTIF tohost/fromhost, boot ROM at 0x1000"
        case .redmuleTB: return "the upstream RedMulE standalone testbench: one hart, memory at 0x1C000000"
        }
    }
}

/// Sizes and counts a platform is built with.
public struct PlatformOptions: Sendable {
    public var kind: PlatformKind = .pulpCluster
    public var harts: Int = 8
    public var tcdmSize: UInt32 = 128 * 1024
    public var l2Size: UInt32 = 1024 * 1024
    public var ramSize: UInt32 = 256 * 1024 * 1024
    public init() {}
    public init(kind: PlatformKind) {
        self.kind = kind
        harts = kind == .pulpCluster ? 8 : 1
    }
}

/// What backs a region of the memory map.
public enum RegionBacking: Sendable, Equatable {
    /// A RAM (by name), from an offset into it.
    case ram(String)
    /// Another view of a RAM region (aliases).
    case alias(String)
    case device(DeviceKind)
}

/// Devices a memory map can hold.
public enum DeviceKind: String, Sendable {
    case stdout, socControl = "soc-control", clusterControl = "cluster-control"
    case eventUnit = "event-unit", eventUnitGlobal = "event-unit-global", timer, testAndSet = "test-and-set"
    case redmule = "redmule", testbenchIO = "testbench-io"
}

/// One row of a platform's memory map.
public struct RegionSpec: Sendable {
    public let name: String
    public let start: UInt32
    public let size: UInt32
    public let backing: RegionBacking
    public let note: String
}

extension PlatformOptions {
    /// The platform's memory map, as the simulator builds it and `pulpsim memory-map` prints it.
    public var memoryMap: [RegionSpec] {
        switch kind {
        case .pulpCluster:
            var map: [RegionSpec] = [
                RegionSpec(name: "TCDM alias", start: 0x0000_0000, size: tcdmSize, backing: .alias("TCDM"),
                           note: "same memory as TCDM, as cluster cores see it"),
                RegionSpec(name: "TCDM", start: 0x1000_0000, size: tcdmSize, backing: .ram("TCDM"),
                           note: "L1, 16 word-interleaved banks (bank = addr[5:2])"),
                RegionSpec(name: "TCDM test-and-set", start: 0x1010_0000, size: tcdmSize, backing: .device(.testAndSet),
                           note: "load: old value, leaves all ones; store: plain"),
                RegionSpec(name: "TCDM test-and-set alias", start: 0x0010_0000, size: tcdmSize,
                           backing: .device(.testAndSet), note: "same as 0x10100000"),
            ]
            // Cluster peripherals at 0x1020_0000 and their alias at 0x0020_0000.
            for (base, suffix) in [(UInt32(0x1020_0000), ""), (UInt32(0x0020_0000), " alias")] {
                map += [
                    RegionSpec(name: "cluster control" + suffix, start: base, size: 0x400, backing: .device(.clusterControl),
                               note: "EOC, FETCH_EN, CLUSTER_CFG, BOOT_ADDR, RETURN"),
                    RegionSpec(name: "cluster timer" + suffix, start: base + 0x400, size: 0x400, backing: .device(.timer),
                               note: "timer_v2: CFG, CNT, CMP, START, RESET; events 10/11"),
                    RegionSpec(name: "event unit global" + suffix, start: base + 0x800, size: 0x800,
                               backing: .device(.eventUnitGlobal), note: "per-core registers at core*0x40, barriers, SW events"),
                    RegionSpec(name: "RedMulE" + suffix, start: base + 0x1000, size: 0x400, backing: .device(.redmule),
                               note: "HWPE slot: TRIGGER, ACQUIRE, STATUS, job registers; event 12"),
                    RegionSpec(name: "event unit" + suffix, start: base + 0x4000, size: 0x400, backing: .device(.eventUnit),
                               note: "this core's view: masks, buffer, waits, barriers, mutexes, dispatch"),
                ]
            }
            map += [
                RegionSpec(name: "SoC control", start: 0x1A10_4000, size: 0x1000, backing: .device(.socControl),
                           note: "CORESTATUS at +0xA0: write 0x80000000|code to exit"),
                RegionSpec(name: "stdout", start: 0x1A10_F000, size: 0x1000, backing: .device(.stdout),
                           note: "putchar: 32-bit store at +(core_id << 3) + (cluster_id << 7)"),
                RegionSpec(name: "L2", start: 0x1C00_0000, size: l2Size, backing: .ram("L2"), note: "code and bulk data"),
            ]
            return map.sorted { $0.start < $1.start }
        case .spike:
            return [
                RegionSpec(name: "boot ROM", start: 0x0000_1000, size: 0x1000, backing: .ram("boot ROM"),
                           note: "Spike's reset sequence; entry address at 0x1018"),
                RegionSpec(name: "RAM", start: 0x8000_0000, size: ramSize, backing: .ram("RAM"),
                           note: "HTIF tohost/fromhost from the ELF symbols"),
            ]
        case .redmuleTB:
            return [
                RegionSpec(name: "RedMulE", start: 0x0010_0000, size: 0x400, backing: .device(.redmule),
                           note: "completion sets mip.MSIP"),
                RegionSpec(name: "memory", start: 0x1C00_0000, size: 0x8_0000, backing: .ram("memory"),
                           note: "code from 0x1C000000, data from 0x1C010000, stack below 0x1C041000; RedMulE's TCDM"),
                RegionSpec(name: "testbench I/O", start: 0x8000_0000, size: 0x8, backing: .device(.testbenchIO),
                           note: "+0: error count (the next wfi ends the run with it), +4: print low byte"),
            ]
        }
    }

    /// Text rendering of the memory map.
    public func renderMemoryMap() -> String {
        var lines = ["Memory map of platform '\(kind.rawValue)':"]
        for r in memoryMap {
            let end = UInt64(r.start) + UInt64(r.size) - 1
            lines.append(String(format: "  0x%08x-0x%08llx  %-22@ %@", r.start, end, r.name as NSString,
                                r.note as NSString))
        }
        lines.append("  anything else: access fault")
        return lines.joined(separator: "\n")
    }
}
