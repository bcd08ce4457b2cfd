// Devices: small system devices — stdout window, SoC control (CORESTATUS), cluster control (EOC),
// and the HTIF tohost/fromhost protocol (docs/platform.md §5, §6, §9).

import Foundation

/// Registers with no behaviour: reads return what was written (used for "plain storage" offsets).
struct PlainRegisters {
    var values: [UInt32: UInt32] = [:]
    func read(_ offset: UInt32) -> UInt32 { values[offset & ~3] ?? 0 }
    mutating func write(_ offset: UInt32, _ value: UInt32) { values[offset & ~3] = value }
}

/// The PULP stdout window: a store to base + (core_id << 3) + (cluster_id << 7) prints its low byte.
/// The fabric controller (cluster 31, core 0: +0xF80) prints as its hart.
public final class StdoutDevice: Device {
    public let name = "stdout"
    let console: Console
    let fabricController: Int?
    public init(console: Console, fabricController: Int? = nil) {
        self.console = console
        self.fabricController = fabricController
    }
    public func read(offset: UInt32, size: Int, context: inout AccessContext) -> UInt32? { 0 }
    public func write(offset: UInt32, size: Int, value: UInt32, context: inout AccessContext) -> Bool {
        let core = Int((offset >> 3) & 0xF), cluster = Int(offset >> 7)
        let hart = cluster == 31 && core == 0 ? fabricController ?? 31 * 32 : cluster * 32 + core
        console.put(hart: hart, byte: UInt8(truncatingIfNeeded: value))
        return true
    }
}

/// APB SoC control: CORESTATUS (+0xA0) ends the run when bit 31 is written. With `info`, INFO
/// (+0x00) is read-only and reads it (`pulp`: cores << 16 | clusters).
public final class SocControlDevice: Device {
    public let name = "soc-control"
    let context: DeviceContext
    var storage = PlainRegisters()
    let info: UInt32?
    public static let coreStatusOffset: UInt32 = 0xA0
    init(context: DeviceContext, info: UInt32? = nil) {
        self.context = context
        self.info = info
    }
    public func read(offset: UInt32, size: Int, context: inout AccessContext) -> UInt32? {
        if offset & ~3 == 0, let info { return info }
        return storage.read(offset)
    }
    public func write(offset: UInt32, size: Int, value: UInt32, context: inout AccessContext) -> Bool {
        if offset & ~3 == 0 && info != nil { return true }  // INFO is read-only
        storage.write(offset, value)
        if offset == SocControlDevice.coreStatusOffset && value & 0x8000_0000 != 0 {
            self.context.finish(.exited(code: value & 0x7FFF_FFFF, mechanism: .coreStatus))
        }
        return true
    }
}

/// Cluster control unit (docs/platform.md §5): EOC, FETCH_EN, CLUSTER_CFG, BOOT_ADDR[i], RETURN.
///
/// Where the cores are held at boot (`pulp`), setting a FETCH_EN bit starts that core at its
/// BOOT_ADDR (once: a core runs until the end of the run); FETCH_EN reads the cores started.
/// Elsewhere every core starts at the ELF entry and FETCH_EN reads them all.
public final class ClusterControlDevice: Device {
    public let name = "cluster-control"
    let context: DeviceContext
    var startedHarts: UInt32
    var storage = PlainRegisters()
    init(context: DeviceContext) {
        self.context = context
        startedHarts = context.coresHeldAtBoot ? 0 : context.hartMask
    }
    public func read(offset: UInt32, size: Int, context: inout AccessContext) -> UInt32? {
        switch offset & ~3 {
        case 0x008: return startedHarts
        default: return storage.read(offset)
        }
    }

    /// The boot address of core `core` (BOOT_ADDR[core], 0x040 + 4·core).
    public func bootAddress(core: Int) -> UInt32 { storage.read(0x040 + 4 * UInt32(core)) }

    private func fetchEnable(_ value: UInt32, by hart: Int) {
        guard context.coresHeldAtBoot else { return }  // harts are started by the simulator
        let newly = value & context.hartMask & ~startedHarts
        for core in 0..<context.hartCount where newly & (1 << UInt32(core)) != 0 {
            let address = bootAddress(core: core)
            startedHarts |= 1 << UInt32(core)
            if let races = context.races, hart >= 0, hart < races.harts {
                // What the starting hart did before happens before the started core's first instruction.
                var start = [UInt32](repeating: 0, count: RaceDetector.maxMasters)
                races.cycle = context.now
                races.release(hart, into: &start, "FETCH_EN of core \(core)")
                races.acquire(core, from: start, "its start by FETCH_EN")
            }
            if context.startCore(core, at: address) {
                context.trace(hart: hart, String(format: "FETCH_EN: core %d starts at 0x%08x", core, address))
            }
        }
    }
    public func write(offset: UInt32, size: Int, value: UInt32, context: inout AccessContext) -> Bool {
        switch offset & ~3 {
        case 0x000:
            if value & 1 != 0 {
                self.context.finish(.exited(code: storage.read(0x100) & 0x7FFF_FFFF, mechanism: .endOfComputation))
            }
        case 0x008: fetchEnable(value, by: context.hart)
        default: storage.write(offset, value)
        }
        return true
    }
}

/// HTIF (host-target interface) over the ELF's `tohost`/`fromhost` words.
///
/// A command is taken when the high word of a 64-bit `tohost` is written (low word first, then
/// high word, as riscv-tests and QEMU do). If the ELF declares `tohost` with size 4, the low-word
/// store alone is the command (a 32-bit exit store, docs/platform.md §6). Device 0
/// command 0 with payload bit 0 set ends the run with exit code payload >> 1; an even payload is a
/// pointer to a riscv-tests "magic memory" syscall block (write(1, buf, len) and exit are served).
/// Device 1 command 1 prints the payload's low byte.
public final class HTIF {
    let bus: Bus
    let control: RunControl
    let console: Console
    public let tohost: UInt32
    public let fromhost: UInt32?
    /// `tohost` is a 32-bit word (ELF symbol size 4): no high word.
    public let narrow: Bool

    public init(bus: Bus, control: RunControl, console: Console, tohost: UInt32, fromhost: UInt32?, narrow: Bool) {
        self.bus = bus; self.control = control; self.console = console
        self.tohost = tohost; self.fromhost = fromhost; self.narrow = narrow
    }

    /// Called after a store touched [tohost, tohost + 8).
    public func storeObserved(address: UInt32, size: Int, context: inout AccessContext) {
        guard let low = bus.read32(tohost) else { return }
        if narrow {
            if address < tohost &+ 4 && low != 0 { execute(UInt64(low), hart: context.hart) }
            return
        }
        guard let high = bus.read32(tohost &+ 4) else { return }
        if address &+ UInt32(size) > tohost &+ 4 && (high != 0 || low != 0) {
            execute(UInt64(high) << 32 | UInt64(low), hart: context.hart)
        }
    }

    private func execute(_ command: UInt64, hart: Int) {
        let device = command >> 56, cmd = (command >> 48) & 0xFF, payload = command & 0xFFFF_FFFF_FFFF
        var response: UInt64 = 0
        switch (device, cmd) {
        case (0, 0):
            if payload & 1 == 1 {
                control.finish(.exited(code: UInt32(truncatingIfNeeded: payload >> 1), mechanism: .htif))
            } else {
                response = syscall(at: UInt32(truncatingIfNeeded: payload), hart: hart)
            }
        case (1, 1):
            console.put(hart: max(hart, 0), byte: UInt8(truncatingIfNeeded: payload))
            response = 0x100 | (payload & 0xFF)
        default:
            break  // unknown device: acknowledged and ignored, as Spike does for absent devices
        }
        bus.write32(tohost, 0)
        if !narrow { bus.write32(tohost &+ 4, 0) }
        if let fromhost {
            let value = ((command >> 48) << 48) | (response & 0xFFFF_FFFF_FFFF)
            bus.write32(fromhost, UInt32(truncatingIfNeeded: value))
            bus.write32(fromhost &+ 4, UInt32(truncatingIfNeeded: value >> 32))
        }
    }

    /// riscv-tests/pk style syscall block: 8 × uint64 { number, a0, a1, a2, ... }; result in word 0.
    private func syscall(at address: UInt32, hart: Int) -> UInt64 {
        func arg(_ i: UInt32) -> UInt32 { bus.read32(address &+ 8 &* i) ?? 0 }
        let number = arg(0)
        var result: Int64 = -38  // -ENOSYS
        switch number {
        case 64:  // write(fd, buf, len)
            let fd = arg(1), buffer = arg(2), length = arg(3)
            if (fd == 1 || fd == 2), let bytes = bus.readBytes(buffer, count: Int(min(length, 1 << 20))) {
                for b in bytes { console.put(hart: max(hart, 0), byte: b) }
                result = Int64(bytes.count)
            } else {
                result = -9  // -EBADF
            }
        case 93, 94:  // exit, exit_group
            control.finish(.exited(code: arg(1), mechanism: .htif))
            result = 0
        default: break
        }
        bus.write32(address, UInt32(truncatingIfNeeded: result))
        bus.write32(address &+ 4, UInt32(truncatingIfNeeded: result >> 32))
        return 1
    }
}

/// The RedMulE standalone testbench's I/O words (docs/platform.md §8): +0 records the error
/// count (the next `wfi` ends the run with it as exit code), +4 prints its low byte.
final class TestbenchIODevice: Device {
    let name = "testbench I/O"
    let context: DeviceContext
    let console: Console
    var pendingExitCode: UInt32?
    init(context: DeviceContext, console: Console) { self.context = context; self.console = console }
    func read(offset: UInt32, size: Int, context: inout AccessContext) -> UInt32? { 0 }
    func write(offset: UInt32, size: Int, value: UInt32, context: inout AccessContext) -> Bool {
        switch offset {
        case 0: pendingExitCode = value
        case 4: console.put(hart: max(context.hart, 0), byte: UInt8(truncatingIfNeeded: value))
        default: return false
        }
        return true
    }
}
