// Platform: the declarative descriptions of `pulp-cluster`, `pulp`, `spike` and `redmule-tb`
// (docs/platform.md §2, §8, §9, §12).
//
// A platform is data: its harts and ISA, its memories and the addresses each is seen at, its
// devices and their windows, how RedMulE signals completion, how harts boot. The builder
// (PlatformBuilder.swift) assembles a machine from it, and `pulpsim memory-map` prints the
// regions derived from the same description, so the documentation cannot drift from the code.

import Foundation

/// The platforms pulpsim models.
public enum PlatformKind: String, CaseIterable, Sendable {
    case pulpCluster = "pulp-cluster"
    case pulp = "pulp"
    case spike = "spike"
    case redmuleTB = "redmule-tb"
}

/// Sizes, counts and the ISA a platform is built with (the user's options).
public struct PlatformOptions: Sendable {
    public var kind: PlatformKind = .pulpCluster
    public var harts: Int = 8
    public var tcdmSize: UInt32 = 256 * 1024
    public var l2Size: UInt32 = 1024 * 1024
    public var ramSize: UInt32 = 256 * 1024 * 1024
    /// The ISA extensions the harts decode (`--isa`); the platform adds its own (`p.elw` on
    /// pulp-cluster, the RedMulE offload instructions on redmule-tb).
    public var extensions: ExtensionSet = .standard
    /// The programming model of the cluster DMA (`--dma`; pulp-cluster only).
    public var dma: DMAFrontEndKind = .mchan
    public init() {}
    public init(kind: PlatformKind) {
        self.kind = kind
        harts = kind == .pulpCluster || kind == .pulp ? 8 : 1
    }

    /// Valid ranges of the options, checked by `Machine.init`.
    public static let hartRange = 1...8

    /// How many harts the platform can have.
    public var hartRange: ClosedRange<Int> { kind == .redmuleTB ? 1...1 : PlatformOptions.hartRange }
    public static let tcdmRange: ClosedRange<UInt32> = 4096...0x10_0000
    public static let l2Range: ClosedRange<UInt32> = 4096...0x400_0000
    public static let ramRange: ClosedRange<UInt32> = 4096...0x8000_0000
}

/// What kind of memory a platform has.
public enum MemoryKind: Sendable, Equatable {
    /// The cluster's L1: word-interleaved banks, test-and-set view.
    case tcdm(banks: Int)
    /// The cluster's L2.
    case l2
    /// Plain RAM (spike, redmule-tb) or a boot ROM (written by the loader only).
    case ram
}

/// An address range at which a memory is seen.
public struct MemoryView: Sendable {
    public let start: UInt32
    public let name: String
    public let note: String
    /// Test-and-set semantics (a load returns the old value and leaves all ones).
    public let testAndSet: Bool
    public init(_ start: UInt32, _ name: String, _ note: String, testAndSet: Bool = false) {
        self.start = start; self.name = name; self.note = note; self.testAndSet = testAndSet
    }
}

/// A memory of the platform and where it is seen.
public struct MemoryDescription: Sendable {
    public let name: String
    public let kind: MemoryKind
    public let size: UInt32
    public let views: [MemoryView]
}

/// Devices a platform can hold.
public enum DeviceKind: String, Sendable, CaseIterable {
    case stdout, socControl = "soc-control", clusterControl = "cluster-control"
    case eventUnit = "event-unit", eventUnitGlobal = "event-unit-global", timer
    case redmule = "redmule", testbenchIO = "testbench-io"
    case icacheControl = "icache-control", hmr = "hmr"
    /// The pulp chip's SoC: FLLs, the fabric controller's interrupt controller and timer, the
    /// SoC event unit.
    case fll = "fll", fcInterrupts = "fc-interrupts", fcTimer = "fc-timer", socEventUnit = "soc-event-unit"
    /// The cluster DMA: the accessing core's own queue, and the queue shared by all cores.
    case dma = "dma", dmaShared = "dma-shared"
    /// MCHAN's port for the fabric controller (`pulp`).
    case dmaFabricController = "dma-fc"
}

/// A device window: where a device's registers are seen.
public struct DeviceWindow: Sendable {
    public let device: DeviceKind
    public let start: UInt32
    public let size: UInt32
    public let name: String
    public let note: String
}

/// How RedMulE signals a job's completion.
public enum RedMulECompletion: Sendable {
    /// Event line 12 in the event unit of the hart that wrote TRIGGER (pulp-cluster).
    case eventUnit
    /// A pulse on mip.MSIP of the triggering hart (redmule-tb): it wakes `wfi`, and is consumed
    /// by that wake-up or by taking the interrupt.
    case machineSoftwareInterrupt
}

/// How harts start.
public enum BootConvention: Sendable {
    /// All harts at the ELF entry.
    case elfEntry
    /// Spike's reset vector in a boot ROM at `address`, which jumps to the ELF entry.
    case spikeBootROM(address: UInt32)
    /// The fabric controller alone at the ELF entry; the cluster cores stay held until it writes
    /// their boot addresses and FETCH_EN in cluster control (`pulp`, docs/platform.md §12).
    case fabricController
}

/// Everything that makes a platform, as data.
public struct PlatformDescription: Sendable {
    public let kind: PlatformKind
    /// The cluster cores (harts 0..harts-1); a fabric controller, if any, comes after them.
    public let harts: Int
    public let extensions: ExtensionSet
    public let memories: [MemoryDescription]
    public let devices: [DeviceWindow]
    public let boot: BootConvention
    public let redmuleCompletion: RedMulECompletion
    /// The memory RedMulE reads and writes (through all its plain views).
    public let redmuleMemory: String
    /// mip bits that are pulses (consumed when they wake `wfi` or are taken), not levels.
    public let interruptPulses: UInt32
    /// The cores' vector base resets to their boot address (RI5CY/CV32E40P in the pulp_cluster):
    /// an ELF whose entry is a boot address + 0x80 has its vector table at the boot address, and
    /// `mtvec` starts there, vectored (docs/platform.md §1).
    public var vectorTableAtBootAddress = false
    /// The platform has a fabric controller: one more hart, after the cluster cores, with
    /// `mhartid` 0x3E0 (cluster 31, core 0), booting alone (`BootConvention.fabricController`).
    public var fabricController: Bool { if case .fabricController = boot { return true } else { return false } }
    /// `mhartid` of the fabric controller.
    public static let fabricControllerHartID: UInt32 = 31 << 5
    /// All harts: the cluster cores and the fabric controller.
    public var totalHarts: Int { harts + (fabricController ? 1 : 0) }

    /// One row of the memory map.
    public struct Region: Sendable {
        public let name: String
        public let start: UInt32
        public let size: UInt32
        public let note: String
        public var end: UInt64 { UInt64(start) + UInt64(size) }
    }

    /// The memory map: every memory view and device window, by address.
    public var regions: [Region] {
        var rows: [Region] = []
        for m in memories {
            for v in m.views { rows.append(Region(name: v.name, start: v.start, size: m.size, note: v.note)) }
        }
        for d in devices { rows.append(Region(name: d.name, start: d.start, size: d.size, note: d.note)) }
        return rows.sorted { $0.start < $1.start }
    }

    /// Text rendering of the memory map.
    public func renderMemoryMap() -> String {
        var lines = ["Memory map of platform '\(kind.rawValue)':"]
        for r in regions {
            let name = r.name.count < 24 ? r.name.padding(toLength: 24, withPad: " ", startingAt: 0) : r.name + " "
            lines.append(String(format: "  0x%08x-0x%08llx  ", r.start, r.end - 1) + name + r.note)
        }
        lines.append("  anything else: access fault")
        return lines.joined(separator: "\n")
    }
}

extension PlatformOptions {
    /// The platform these options describe.
    public var description: PlatformDescription {
        switch kind {
        case .pulpCluster:
            let devices = clusterDevices(hmr: true) + [
                DeviceWindow(device: .socControl, start: 0x1A10_4000, size: 0x1000, name: "SoC control",
                             note: "CORESTATUS at +0xA0: write 0x80000000|code to exit"),
                DeviceWindow(device: .stdout, start: 0x1A10_F000, size: 0x1000, name: "stdout",
                             note: "putchar: 32-bit store at +(core_id << 3) + (cluster_id << 7)"),
                DeviceWindow(device: .stdout, start: 0x4000_0000, size: 0x1000, name: "stdout (testbench mock)",
                             note: "as 0x1a10f000: the cluster testbench's mock UART"),
            ]
            return PlatformDescription(
                kind: kind, harts: harts, extensions: extensions.inserting(.xpulp),
                memories: [
                    clusterTCDM,
                    MemoryDescription(name: "L2", kind: .l2, size: l2Size, views: [
                        MemoryView(0x1C00_0000, "L2", "code and bulk data"),
                    ]),
                ],
                devices: devices, boot: .elfEntry, redmuleCompletion: .eventUnit, redmuleMemory: "TCDM",
                interruptPulses: 0, vectorTableAtBootAddress: true)
        case .pulp:
            let devices = clusterDevices(hmr: false) + [
                DeviceWindow(device: .fll, start: 0x1A10_0000, size: 0x1000, name: "FLLs",
                             note: "FC, peripheral and cluster FLL at +0x10*n: STATUS, CONF1, CONF2, INTEGRATOR; locked"),
                DeviceWindow(device: .socControl, start: 0x1A10_4000, size: 0x1000, name: "SoC control",
                             note: "INFO at +0x00 (cores << 16 | clusters); CORESTATUS at +0xA0: write 0x80000000|code to exit"),
                DeviceWindow(device: .socEventUnit, start: 0x1A10_6000, size: 0x1000, name: "SoC event unit",
                             note: "registers hold what is written (no peripheral events)"),
                DeviceWindow(device: .fcInterrupts, start: 0x1A10_9800, size: 0x800, name: "FC interrupt controller",
                             note: "MASK, STATUS, ACK (set/clear forms), FIFO; lines 10/11 FC timer"),
                DeviceWindow(device: .fcTimer, start: 0x1A10_B000, size: 0x800, name: "FC timer",
                             note: "timer_v2 as the cluster timer; FC interrupt lines 10/11"),
                DeviceWindow(device: .stdout, start: 0x1A10_F000, size: 0x1000, name: "stdout",
                             note: "putchar: 32-bit store at +(core_id << 3) + (cluster_id << 7); the FC at +0xf80"),
            ]
            return PlatformDescription(
                kind: kind, harts: harts, extensions: extensions.inserting(.xpulp),
                memories: [
                    clusterTCDM,
                    MemoryDescription(name: "L2", kind: .l2, size: l2Size, views: [
                        MemoryView(0x1C00_0000, "L2",
                                   "private banks at 0x1c000000 and 0x1c008000 (32 KiB each), shared from 0x1c010000; the FC boots here"),
                    ]),
                ],
                devices: devices, boot: .fabricController, redmuleCompletion: .eventUnit, redmuleMemory: "TCDM",
                interruptPulses: 0, vectorTableAtBootAddress: true)
        case .spike:
            return PlatformDescription(
                kind: kind, harts: harts, extensions: extensions,
                memories: [
                    MemoryDescription(name: "boot ROM", kind: .ram, size: 0x1000, views: [
                        MemoryView(0x0000_1000, "boot ROM", "Spike's reset sequence; entry address at 0x1018"),
                    ]),
                    MemoryDescription(name: "RAM", kind: .ram, size: ramSize, views: [
                        MemoryView(0x8000_0000, "RAM", "HTIF tohost/fromhost from the ELF symbols"),
                    ]),
                ],
                devices: [], boot: .spikeBootROM(address: 0x1000), redmuleCompletion: .eventUnit, redmuleMemory: "RAM",
                interruptPulses: 0)
        case .redmuleTB:
            return PlatformDescription(
                kind: kind, harts: harts, extensions: extensions.inserting(.xredmule),
                memories: [
                    MemoryDescription(name: "memory", kind: .ram, size: 0x8_0000, views: [
                        MemoryView(0x1C00_0000, "memory",
                                   "code from 0x1C000000, data from 0x1C010000, stack below 0x1C041000; RedMulE's TCDM"),
                    ]),
                ],
                devices: [
                    DeviceWindow(device: .redmule, start: 0x0010_0000, size: 0x400, name: "RedMulE",
                                 note: "completion sets mip.MSIP"),
                    DeviceWindow(device: .testbenchIO, start: 0x8000_0000, size: 0x8, name: "testbench I/O",
                                 note: "+0: error count (the next wfi ends the run with it), +4: print low byte"),
                ],
                boot: .elfEntry, redmuleCompletion: .machineSoftwareInterrupt, redmuleMemory: "memory",
                interruptPulses: 1 << 3)
        }
    }

    /// Text rendering of the memory map.
    public func renderMemoryMap() -> String { description.renderMemoryMap() }

    /// The cluster's TCDM and its views.
    private var clusterTCDM: MemoryDescription {
        MemoryDescription(name: "TCDM", kind: .tcdm(banks: 16), size: tcdmSize, views: [
            MemoryView(0x0000_0000, "TCDM alias", "same memory as TCDM, as cluster cores see it"),
            MemoryView(0x1000_0000, "TCDM", "L1, 16 word-interleaved banks (bank = addr[5:2])"),
            MemoryView(0x1010_0000, "TCDM test-and-set", "load: old value, leaves all ones; store: plain",
                       testAndSet: true),
            MemoryView(0x0010_0000, "TCDM test-and-set alias", "same as 0x10100000", testAndSet: true),
        ])
    }

    /// The cluster's peripherals at 0x1020_0000 and their alias at 0x0020_0000.
    private func clusterDevices(hmr: Bool) -> [DeviceWindow] {
        var devices: [DeviceWindow] = []
        for (base, suffix) in [(UInt32(0x1020_0000), ""), (UInt32(0x0020_0000), " alias")] {
            devices += [
                DeviceWindow(device: .clusterControl, start: base, size: 0x400, name: "cluster control" + suffix,
                             note: "EOC, FETCH_EN, CLUSTER_CFG, BOOT_ADDR, RETURN"),
                DeviceWindow(device: .timer, start: base + 0x400, size: 0x400, name: "cluster timer" + suffix,
                             note: "timer_v2: CFG, CNT, CMP, START, RESET; events 10/11"),
                DeviceWindow(device: .eventUnitGlobal, start: base + 0x800, size: 0x800, name: "event unit global" + suffix,
                             note: "per-core registers at core*0x40, barriers, SW events"),
                DeviceWindow(device: .redmule, start: base + 0x1000, size: 0x400, name: "RedMulE" + suffix,
                             note: "HWPE slot: TRIGGER, ACQUIRE, STATUS, job registers; event 12"),
                DeviceWindow(device: .icacheControl, start: base + 0x1400, size: 0x400, name: "I-cache control" + suffix,
                             note: "enable, flush, statistics: accepted, no effect on function"),
                DeviceWindow(device: .dmaShared, start: base + 0x1800, size: 0x400, name: "DMA shared queue" + suffix,
                             note: dmaNote(shared: true)),
            ]
            if !hmr && dma == .mchan {  // the chip: MCHAN's port for the fabric controller
                devices.append(DeviceWindow(device: .dmaFabricController, start: base + 0x1C00, size: 0x400,
                                            name: "DMA FC queue" + suffix, note: "MCHAN v7, the fabric controller's queue; FC line 8"))
            }
            if hmr {
                devices.append(DeviceWindow(device: .hmr, start: base + 0x2000, size: 0x800, name: "HMR unit" + suffix,
                                            note: "redundancy off: CORES_EN = started cores, per-core SP_STORE"))
            }
            devices += [
                DeviceWindow(device: .eventUnit, start: base + 0x4000, size: 0x400, name: "event unit" + suffix,
                             note: "this core's view: masks, buffer, waits, barriers, mutexes, dispatch"),
                DeviceWindow(device: .dma, start: base + 0x4400, size: 0x400, name: "DMA" + suffix,
                             note: dmaNote(shared: false)),
            ]
        }
        return devices
    }

    /// The memory-map note of a DMA window.
    private func dmaNote(shared: Bool) -> String {
        switch dma {
        case .mchan: return shared ? "MCHAN v7 queue of all cores: CMD, STATUS; events 8/9"
            : "MCHAN v7, this core's queue: CMD, STATUS; events 8/9"
        case .idma: return shared ? "iDMA reg32_3d, shared register port; event 8"
            : "iDMA reg32_3d, this core's register port; event 8"
        }
    }
}
