// Devices: the pulp chip's SoC side as the fabric controller (FC) sees it — its FLLs and its
// interrupt controller (docs/platform.md §12). The FC timer is a `ClusterTimer` whose matches
// go to the interrupt controller; the SoC event unit (soc_eu v2) is a `StorageDevice`: its
// registers hold what is written, and no SoC peripheral produces events.

/// The three FLLs (FC, peripherals, cluster) of the SoC, FLL v1 layout at 0x10 per FLL: STATUS
/// (+0x0, read-only: the multiplication factor reached), CONF1 (+0x4), CONF2 (+0x8), INTEGRATOR
/// (+0xC). Registers reset to the RTL's values (CONF1: mult 0x5f5, DCO 0x121, divider 1, output
/// gated by lock, stand-alone mode) and hold what is written; the FLL locks at once, so STATUS
/// reads CONF1's multiplication factor and the runtime's convergence wait ends immediately. The
/// frequency the runtime derives is 32768 Hz × mult >> (divider − 1): 49.97 MHz at reset. The
/// frequency has no effect on simulated time, which counts cluster cycles.
final class FLLDevice: Device {
    let name = "FLLs"
    static let count = 3
    static let resetConf1: UInt32 = 0x5F5 | 0x121 << 16 | 1 << 26 | 1 << 30
    static let resetConf2: UInt32 = 0x9 | 0x10 << 4 | 0x10 << 10 | 0x200 << 16 | 1 << 29
    var conf1 = [UInt32](repeating: FLLDevice.resetConf1, count: FLLDevice.count)
    var conf2 = [UInt32](repeating: FLLDevice.resetConf2, count: FLLDevice.count)
    var integrator = [UInt32](repeating: 0, count: FLLDevice.count)

    func read(offset: UInt32, size: Int, context: inout AccessContext) -> UInt32? {
        guard size == 4 else { return nil }
        let fll = Int(offset >> 4)
        guard fll < FLLDevice.count else { return nil }
        switch offset & 0xF {
        case 0x0: return conf1[fll] & 0xFFFF
        case 0x4: return conf1[fll]
        case 0x8: return conf2[fll]
        default: return integrator[fll]
        }
    }

    func write(offset: UInt32, size: Int, value: UInt32, context: inout AccessContext) -> Bool {
        guard size == 4 else { return false }
        let fll = Int(offset >> 4)
        guard fll < FLLDevice.count else { return false }
        switch offset & 0xF {
        case 0x0: break  // STATUS is read-only
        case 0x4: conf1[fll] = value
        case 0x8: conf2[fll] = value
        default: integrator[fll] = value
        }
        return true
    }
}

/// The fabric controller's interrupt controller (the SoC's APB interrupt controller, ITC v1):
/// 32 lines. MASK (+0x00, set +0x04, clear +0x08), STATUS (+0x0C, set +0x10, clear +0x14),
/// ACK (+0x18, set +0x1C, clear +0x20), FIFO (+0x24, SoC event ids: none are produced, reads 0).
///
/// A line is pending while its STATUS bit is set; when `mstatus.MIE` is set and
/// STATUS & MASK ≠ 0 the FC takes an interrupt for the highest such line, `mcause` =
/// 0x8000_0000 | line, through its vectored `mtvec` (the PULP convention of the cluster's event
/// unit), and that STATUS bit is cleared and its ACK bit set. A `wfi` ends when STATUS & MASK ≠ 0.
/// Lines: 0-7 software (STATUS_SET, from the FC or from cluster cores: the cluster-to-FC
/// notification), 10/11 the FC timer; a write to STATUS_SET is how a cluster core notifies the FC.
public final class FCInterruptController: Device, SnapshotPart {
    public let name = "FC interrupt controller"
    let context: DeviceContext
    /// The FC's hart index.
    let hart: Int
    public private(set) var mask: UInt32 = 0
    public private(set) var status: UInt32 = 0
    public private(set) var acknowledged: UInt32 = 0

    init(context: DeviceContext, hart: Int) {
        self.context = context
        self.hart = hart
    }

    /// Snapshots: mask, pending and acknowledged lines.
    func snapshot(_ coder: inout SnapshotCoder) {
        coder.pod(&mask); coder.pod(&status); coder.pod(&acknowledged)
    }

    /// Raises `line` (a device or a STATUS_SET write); wakes the FC from `wfi` if it is enabled.
    public func raise(line: Int) {
        guard line >= 0 && line < 32 else { return }
        status |= UInt32(1) << UInt32(line)
        context.trace(hart: hart, "FC interrupt line \(line) raised")
        update()
    }

    private func update() {
        if status & mask != 0 { context.wakeFromWFI(hart: hart) }
    }

    /// The highest pending and enabled line, if any.
    public func pendingInterrupt() -> Int? {
        let pending = status & mask
        return pending == 0 ? nil : 31 - pending.leadingZeroBitCount
    }

    /// The FC sees `lines` (taken, or read in STATUS): it acquires what was released on them.
    private func acquire(_ lines: UInt32, _ how: String) {
        guard let races = context.races, hart < races.harts, lines != 0 else { return }
        races.cycle = context.now
        for line in 0..<32 where lines & (1 << UInt32(line)) != 0 {
            races.acquire(hart, from: races.fcLineClocks[line], "\(how) (FC line \(line))")
        }
    }

    /// The FC takes interrupt `line`.
    public func acknowledge(line: Int) {
        acquire(UInt32(1) << UInt32(line), "interrupt")
        status &= ~(UInt32(1) << UInt32(line))
        acknowledged |= UInt32(1) << UInt32(line)
    }

    /// True if a `wfi` of the FC should end.
    public var wakesFromWFI: Bool { status & mask != 0 }

    public func read(offset: UInt32, size: Int, context: inout AccessContext) -> UInt32? {
        guard size == 4 else { return nil }
        switch offset {
        case 0x00, 0x04, 0x08: return mask
        case 0x0C, 0x10, 0x14:
            if context.hart == hart { acquire(status, "STATUS read") }
            return status
        case 0x18, 0x1C, 0x20: return acknowledged
        case 0x24: return 0
        default: return nil
        }
    }

    public func write(offset: UInt32, size: Int, value: UInt32, context: inout AccessContext) -> Bool {
        guard size == 4 else { return false }
        switch offset {
        case 0x00: mask = value
        case 0x04: mask |= value
        case 0x08: mask &= ~value
        case 0x0C, 0x10:
            if let races = self.context.races, context.hart >= 0, context.hart < races.harts, value != 0 {
                // A hart raising FC lines releases on them.
                races.cycle = self.context.now
                for line in 0..<32 where value & (1 << UInt32(line)) != 0 {
                    races.release(context.hart, into: &races.fcLineClocks[line], "FC interrupt STATUS_SET line \(line)")
                }
            }
            if offset == 0x0C { status = value } else { status |= value }
            if offset == 0x10, value != 0 { self.context.trace(hart: context.hart, String(format: "FC interrupt STATUS_SET 0x%08x", value)) }
        case 0x14: status &= ~value
        case 0x18: acknowledged = value
        case 0x1C: acknowledged |= value
        case 0x20: acknowledged &= ~value
        case 0x24: break
        default: return false
        }
        update()
        return true
    }
}
