// Platform: assembling a machine's memories and devices from a `PlatformDescription`.
//
// Memories become `TCDM`, `L2` or plain `RAM` objects mapped at each of their views (test-and-set
// views through `TestAndSetDevice`); each device kind is created once, with its own
// `DeviceContext`, and mapped at each of its windows. Nothing else in the simulator knows which
// platform it runs: the differences are in the description.

/// The parts of a built platform the machine keeps.
struct BuiltPlatform {
    var memories: [String: RAM] = [:]
    var tcdm: TCDM?
    var eventUnit: EventUnit?
    var timer: ClusterTimer?
    var redmule: RedMulE?
    var dma: ClusterDMA?
    var testbenchIO: TestbenchIODevice?
    var clusterControl: ClusterControlDevice?
    var fcInterrupts: FCInterruptController?
    var fcTimer: ClusterTimer?
}

enum PlatformBuilder {
    /// Builds the memories and devices of `description` on `machine`'s bus.
    static func build(_ description: PlatformDescription, on machine: Machine) -> BuiltPlatform {
        var built = BuiltPlatform()
        let bus = machine.bus
        for memory in description.memories {
            let ram: RAM
            switch memory.kind {
            case .tcdm(let banks):
                let tcdm = TCDM(size: Int(memory.size), banks: banks)
                built.tcdm = tcdm
                ram = tcdm.storage
            case .l2: ram = L2(size: Int(memory.size)).storage
            case .ram: ram = RAM(name: memory.name, size: Int(memory.size))
            }
            built.memories[memory.name] = ram
            for view in memory.views {
                if view.testAndSet, let tcdm = built.tcdm {
                    bus.map(device: TestAndSetDevice(tcdm: tcdm), at: view.start, size: memory.size, name: view.name, note: view.note)
                } else {
                    bus.map(ram: ram, at: view.start, size: memory.size, name: view.name, note: view.note)
                }
            }
        }
        var instances: [DeviceKind: Device] = [:]
        func eventUnit() -> EventUnit {
            if let unit = built.eventUnit { return unit }
            let unit = EventUnit(cores: description.harts, context: DeviceContext(machine: machine, source: "event-unit"))
            built.eventUnit = unit
            return unit
        }
        func fcInterrupts() -> FCInterruptController {
            if let unit = built.fcInterrupts { return unit }
            let unit = FCInterruptController(context: DeviceContext(machine: machine, source: "fc-interrupts"),
                                             hart: description.harts)
            built.fcInterrupts = unit
            return unit
        }
        /// The plain (not test-and-set) views of a memory, as port windows.
        func windows(of memory: MemoryDescription?, where keep: (MemoryView) -> Bool = { _ in true }) -> [ClosedRange<UInt32>] {
            guard let memory else { return [] }
            return memory.views.filter { !$0.testAndSet && keep($0) }.map { view in
                view.start...UInt32(truncatingIfNeeded: UInt64(view.start) + UInt64(memory.size) - 1)
            }
        }
        func dma() -> ClusterDMA {
            if let dma = built.dma { return dma }
            // The TCDM side reaches the TCDM through the cores' views; the AXI port reaches every
            // other memory and the TCDM at its global address (not the cores' alias at 0).
            let tcdm = description.memories.first { if case .tcdm = $0.kind { return true } else { return false } }
            let tcdmWindows = windows(of: tcdm)
            var external = windows(of: tcdm) { $0.start >= 0x1000_0000 }
            for memory in description.memories where memory.name != tcdm?.name { external += windows(of: memory) }
            let unit = ClusterDMA(kind: machine.options.platform.dma, cores: description.harts,
                                  context: DeviceContext(machine: machine, source: "dma"),
                                  tcdmPort: MemoryPort(bus: bus, owner: machine, windows: tcdmWindows),
                                  externalPort: MemoryPort(bus: bus, owner: machine, windows: external),
                                  policy: machine.options.dmaErrors)
            built.dma = unit
            return unit
        }
        for window in description.devices {
            let device: Device
            if let existing = instances[window.device] {
                device = existing
            } else {
                switch window.device {
                case .stdout:
                    device = StdoutDevice(console: machine.console,
                                          fabricController: description.fabricController ? description.harts : nil)
                case .socControl:
                    // INFO on the chip: cores << 16 | clusters.
                    device = SocControlDevice(context: DeviceContext(machine: machine, source: "soc-control"),
                                              info: description.fabricController ? UInt32(description.harts) << 16 | 1 : nil)
                case .clusterControl:
                    let control = ClusterControlDevice(context: DeviceContext(machine: machine, source: "cluster-control"))
                    built.clusterControl = control
                    device = control
                case .fll: device = FLLDevice()
                case .fcInterrupts: device = fcInterrupts()
                case .fcTimer:
                    let interrupts = fcInterrupts()
                    let timer = ClusterTimer(context: DeviceContext(machine: machine, source: "fc-timer"), name: "FC timer",
                                             signal: { [unowned interrupts] line in interrupts.raise(line: line) })
                    built.fcTimer = timer
                    device = timer
                case .socEventUnit: device = StorageDevice(name: "SoC event unit")
                case .eventUnit: device = EventUnitCoreView(unit: eventUnit())
                case .eventUnitGlobal: device = EventUnitGlobalView(unit: eventUnit())
                case .timer:
                    let timer = ClusterTimer(context: DeviceContext(machine: machine, source: "timer"))
                    built.timer = timer
                    device = timer
                case .redmule:
                    // RedMulE reaches its memory through every plain view of it.
                    let memory = description.memories.first { $0.name == description.redmuleMemory }
                    let windows = (memory?.views ?? []).filter { !$0.testAndSet }.map { view in
                        view.start...UInt32(truncatingIfNeeded: UInt64(view.start) + UInt64(memory!.size) - 1)
                    }
                    let unit = RedMulE(context: DeviceContext(machine: machine, source: "redmule"),
                                       port: MemoryPort(bus: bus, owner: machine, windows: windows),
                                       completion: description.redmuleCompletion, policy: machine.options.redmuleErrors)
                    built.redmule = unit
                    device = unit
                case .icacheControl: device = StorageDevice(name: "I-cache control")
                case .hmr: device = HMRUnitDevice(context: DeviceContext(machine: machine, source: "hmr"))
                case .dma: device = dma().coreView
                case .dmaShared: device = dma().sharedView
                case .dmaFabricController: device = dma().fabricControllerView
                case .testbenchIO:
                    let io = TestbenchIODevice(context: DeviceContext(machine: machine, source: "testbench"), console: machine.console)
                    built.testbenchIO = io
                    device = io
                }
                instances[window.device] = device
            }
            bus.map(device: device, at: window.start, size: window.size, name: window.name, note: window.note)
        }
        // RedMulE reads the HCI priority from cluster control's register +0x18.
        if let redmule = built.redmule, let control = built.clusterControl {
            redmule.hciControl = { [unowned control] in control.storage.read(0x18) & 0x7FF }
        }
        // The pulp fabric controller's local alias of L2 private bank 0 at 0 (docs/platform.md §12):
        // where cluster cores see their own aliases (0x0000_0000-0x003F_FFFF), it sees that alone.
        if description.fabricController, let l2 = description.memories.first(where: { $0.kind == .l2 }),
           let view = l2.views.first {
            bus.addPrivateAlias(hart: description.harts, size: min(l2.size, 0x8000), target: view.start, hidden: 0x40_0000)
        }
        return built
    }
}
