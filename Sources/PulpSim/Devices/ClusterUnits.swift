// Devices: cluster units the open runtime programs that have no effect on what pulpsim computes —
// the I-cache controller and the HMR (hybrid modular redundancy) unit (docs/platform.md §2).

import Foundation

/// A window of 32-bit registers that hold what is written and have no other effect: the cluster
/// I-cache controller (0x1020_1400: pulpsim's instruction fetch is ideal, so enable, flush and
/// statistics registers only read back what was written) and the SoC event unit of `pulp`.
final class StorageDevice: Device {
    let name: String
    var storage = PlainRegisters()
    init(name: String) { self.name = name }
    func read(offset: UInt32, size: Int, context: inout AccessContext) -> UInt32? {
        size == 4 ? storage.read(offset) : nil
    }
    func write(offset: UInt32, size: Int, value: UInt32, context: inout AccessContext) -> Bool {
        guard size == 4 else { return false }
        storage.write(offset, value)
        return true
    }
}

/// The HMR unit (0x1020_2000) of a cluster whose cores run independently (redundancy off).
///
/// Top registers: AVAIL_CONFIG (+0x00) reads 1 (independent mode only), CORES_EN (+0x04) reads the
/// started cores (the mask the runtime uses for its barriers); both ignore writes. Every other word
/// — DMR/TMR enables and configurations, the per-core registers at 0x100 + 0x10·core
/// (CURRENT_MODE, MISMATCHES, SP_STORE), the group registers at 0x200 and 0x300 — reads 0 until
/// written and then holds what was written. Enabling a DMR or TMR group is accepted with a warning:
/// pulpsim does not run cores in lockstep.
final class HMRUnitDevice: Device {
    let name = "HMR unit"
    let context: DeviceContext
    var storage = PlainRegisters()
    init(context: DeviceContext) { self.context = context }
    func read(offset: UInt32, size: Int, context: inout AccessContext) -> UInt32? {
        guard size == 4 else { return nil }
        switch offset {
        case 0x00: return 1
        case 0x04: return self.context.hartMask
        default: return storage.read(offset)
        }
    }
    func write(offset: UInt32, size: Int, value: UInt32, context: inout AccessContext) -> Bool {
        guard size == 4 else { return false }
        switch offset {
        case 0x00, 0x04: break
        default:
            storage.write(offset, value)
            let groupEnable = offset == 0x08 || offset == 0x0C || (offset >= 0x200 && offset < 0x400 && offset & 0xF == 0)
            if groupEnable && value != 0 {
                self.context.report(.warning, String(format: "%@ enabled redundant execution (HMR register +0x%03x = 0x%x): pulpsim runs every core independently",
                                                     self.context.describeHart(context.hart), offset, value))
            }
        }
        return true
    }
}
