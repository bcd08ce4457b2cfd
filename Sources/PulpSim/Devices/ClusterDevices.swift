// Devices: the cluster timer (timer_v2 layout) and the TCDM test-and-set view (docs/platform.md §2).

import Foundation

/// Cluster timer: two 32-bit channels (or one 64-bit in cascade mode) counting cluster cycles.
///
/// Registers: CFG_LO/HI 0x00/0x04, CNT_LO/HI 0x08/0x0C, CMP_LO/HI 0x10/0x14, START_LO/HI 0x18/0x1C,
/// RESET_LO/HI 0x20/0x24. CFG bits: 0 enable, 1 reset, 2 IRQ (event) enable, 4 compare-clear
/// (restart from 0 on a match), 5 one-shot (stop on a match), 6 prescaler enable, 15:8 prescaler,
/// 31 cascade (64-bit). A match with bit 2 set raises event 10 (low) or 11 (high) on every core.
/// The reference-clock bit (7) is accepted and counts cluster cycles too (documented choice).
/// The same timer serves the fabric controller on `pulp` (`signal`: its matches go to the FC's
/// interrupt controller, lines 10/11).
public final class ClusterTimer: Device {
    public let name: String
    let context: DeviceContext
    /// Where a match's line goes (nil: the cluster event unit, every core).
    let signal: ((Int) -> Void)?

    struct Channel {
        var config: UInt32 = 0
        var compare: UInt32 = 0
        /// Counter value at `since` (while enabled) or the frozen value (while stopped).
        var base: UInt64 = 0
        var since: UInt64 = 0
        var token: UInt64? = nil
        var enabled: Bool { config & 1 != 0 }
        var divider: UInt64 { config & (1 << 6) != 0 ? UInt64((config >> 8) & 0xFF) + 1 : 1 }
    }
    var channels = [Channel(), Channel()]

    init(context: DeviceContext, name: String = "cluster timer", signal: ((Int) -> Void)? = nil) {
        self.context = context
        self.name = name
        self.signal = signal
        context.eventAction = { [unowned self] event, argument, time in
            guard event == 0, argument < 2 else { return nil }
            return { [unowned self] in self.match(Int(argument), at: time) }
        }
    }

    /// Snapshots: the channels (their pending matches are in the event queue).
    func snapshot(_ coder: inout SnapshotCoder) {
        coder.array(&channels)
        if coder.isRestoring && channels.count != 2 { coder.fail("the snapshot's timer does not have 2 channels") }
    }

    var now: UInt64 { context.now }
    var cascade: Bool { channels[0].config & 0x8000_0000 != 0 }

    func count(_ c: Int, at time: UInt64) -> UInt64 {
        let ch = channels[c]
        guard ch.enabled else { return ch.base }
        return ch.base &+ (time &- ch.since) / ch.divider
    }

    private func setCount(_ c: Int, _ value: UInt64) {
        channels[c].base = value
        channels[c].since = now
        reschedule(c)
    }

    private func reschedule(_ c: Int) {
        if let token = channels[c].token { context.cancel(token); channels[c].token = nil }
        let ch = channels[c]
        guard ch.enabled else { return }
        let current = count(c, at: now)
        let target: UInt64 = (c == 0 && cascade) ? (UInt64(channels[1].compare) << 32 | UInt64(ch.compare)) : UInt64(ch.compare)
        let width: UInt64 = (c == 0 && cascade) ? UInt64.max : 0xFFFF_FFFF
        let distance = (target &- (current & width)) & width
        let ticks = distance == 0 ? (width == UInt64.max ? UInt64.max : width + 1) : distance
        guard ticks < UInt64.max / ch.divider else { return }
        // The counter advanced to `current` at its last tick, `phase` cycles ago (prescaler).
        let phase = (now &- ch.since) % ch.divider
        // (A 64-bit match can lie past the end of simulated time: then it never comes.)
        let (when, late) = now.addingReportingOverflow(ticks * ch.divider - phase)
        guard !late else { return }
        channels[c].token = context.schedule(at: when, event: 0, argument: UInt64(c)) { [unowned self] in self.match(c, at: when) }
    }

    private func match(_ c: Int, at time: UInt64) {
        channels[c].token = nil
        let config = channels[c].config
        if config & (1 << 2) != 0 {
            let line = c == 0 ? EventLine.timerLow : EventLine.timerHigh
            if let signal { signal(line) } else { context.raiseEvent(line: line, cores: context.hartMask) }
        }
        if config & (1 << 5) != 0 {  // one-shot: stop
            channels[c].base = count(c, at: time)
            channels[c].config &= ~1
            return
        }
        if config & (1 << 4) != 0 {  // compare-clear: restart from 0
            channels[c].base = 0
            channels[c].since = time
        }
        reschedule(c)
    }

    public func read(offset: UInt32, size: Int, context: inout AccessContext) -> UInt32? {
        guard size == 4 else { return nil }
        switch offset {
        case 0x00: return channels[0].config
        case 0x04: return channels[1].config
        case 0x08: return UInt32(truncatingIfNeeded: count(0, at: now))
        case 0x0C:
            return cascade ? UInt32(truncatingIfNeeded: count(0, at: now) >> 32) : UInt32(truncatingIfNeeded: count(1, at: now))
        case 0x10: return channels[0].compare
        case 0x14: return channels[1].compare
        case 0x18, 0x1C, 0x20, 0x24: return 0
        default: return nil
        }
    }

    public func write(offset: UInt32, size: Int, value: UInt32, context: inout AccessContext) -> Bool {
        guard size == 4 else { return false }
        switch offset {
        case 0x00, 0x04:
            let c = Int(offset / 4)
            let current = count(c, at: now)
            channels[c].config = value & ~2
            setCount(c, value & 2 != 0 ? 0 : current)
        case 0x08:
            let high = cascade ? count(0, at: now) & 0xFFFF_FFFF_0000_0000 : 0
            setCount(0, high | UInt64(value))
        case 0x0C:
            if cascade { setCount(0, (count(0, at: now) & 0xFFFF_FFFF) | UInt64(value) << 32) } else { setCount(1, UInt64(value)) }
        case 0x10: channels[0].compare = value; reschedule(0)
        case 0x14: channels[1].compare = value; reschedule(1); if cascade { reschedule(0) }
        case 0x18, 0x1C:
            let c = Int((offset - 0x18) / 4)
            if value & 1 != 0 {
                let current = count(c, at: now)
                channels[c].config |= 1
                setCount(c, current)
            }
        case 0x20, 0x24:
            if value & 1 != 0 { setCount(Int((offset - 0x20) / 4), 0) }
        default: return false
        }
        return true
    }

}

/// The TCDM test-and-set view: a load returns the old value and leaves all ones in the bytes it
/// read; a store is a plain store.
final class TestAndSetDevice: Device {
    let name = "TCDM test-and-set alias"
    let tcdm: TCDM
    init(tcdm: TCDM) { self.tcdm = tcdm }
    func read(offset: UInt32, size: Int, context: inout AccessContext) -> UInt32? {
        tcdm.testAndSet(offset: Int(offset), size: size)
    }
    func write(offset: UInt32, size: Int, value: UInt32, context: inout AccessContext) -> Bool {
        tcdm.storage.store(offset: Int(offset), size: size, value: value)
    }
}
