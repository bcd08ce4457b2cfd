// RedMulE: the Z padding rows a job stores, watched until something reads them (docs/platform.md
// §7.4, "Z padding rows").
//
// A job whose M is not a multiple of 12 stores rows M..<12·⌈M/12⌉ of Z too: the RTL writes the
// stale contents of its output buffer there (pulpsim: 0xFF bytes). On memory the program leaves
// for them, or never reads, that is harmless; on data the program still uses it is a bug. With
// `--redmule-padding=read` (the default) pulpsim keeps, per job, the padding bytes it stored and
// nothing has written since, and warns once per job when one is read:
//   - by a core (the interpreter sends the accesses near watched bytes to its slow path,
//     `Interpreter.readWatch`, which reports them here: `access`);
//   - by a DMA transfer from the TCDM (`access`, from the DMA engine's copy);
//   - as an operand of a later RedMulE job (X rows < M, W rows < N, Y rows < M; `operands`);
//   - and, when the rows are stored, if they hold an operand of the job queued after this one.
// A write of a watched byte (a core's store, a DMA transfer into the TCDM, a later job's Z rows)
// ends its watch; a job's watch ends with its warning. `always` warns at the trigger of the first
// job with such rows, whether they are read or not; `off` never.
//
// Addresses are compared with their top four bits cleared (`Interpreter.readWatchMask`): the
// TCDM's views at 0x1000_0000 and 0x0000_0000 fall together. Only TCDM accesses are reported
// here, so that other memories with the same low bits do not match.

/// What `--redmule-padding` selects.
public enum RedMulEPaddingCheck: String, Sendable, CaseIterable {
    /// Warn when a padding row is read before it is written (default).
    case read
    /// Warn at the trigger of the first job that has padding rows.
    case always
    /// Never warn.
    case off
}

final class RedMulEPadding {
    /// One job's padding rows: the bytes stored and not written since.
    struct Region {
        /// The job's serial number (`stored`).
        let job: UInt64
        /// "job 3 (M = 64 is not a multiple of 12: rows 64..71 of Z, 0x10008000-0x100087ff)".
        let summary: String
        let start: UInt32
        let count: Int
        /// One bit per byte from `start`: stored by the job, not written since.
        var live: [UInt64]
        var liveCount = 0
        /// The cycle the job stored its first padding chunk.
        let cycle: UInt64
    }
    private(set) var regions: [Region] = []
    /// The most jobs whose rows are watched at once: past it the oldest job's watch ends (a
    /// long run of jobs that each leave rows on memory nobody reads keeps the watch small).
    static let regionLimit = 64
    /// Told the span of addresses the watched bytes lie in (masked start, byte count; 0: none).
    var onChange: ((UInt32, UInt32) -> Void)?
    var active: Bool { !regions.isEmpty }

    static func masked(_ address: UInt32) -> UInt32 { address & Interpreter.readWatchMask }

    /// The job stored `count` padding bytes from `address` (in its padding rows, `regionCount`
    /// bytes from `start`): they are watched from now on. `job` tells jobs apart (a serial number:
    /// the RTL's job ids repeat).
    func stored(job: UInt64, summary: @autoclosure () -> String, region start: UInt32, regionCount: Int,
                address: UInt32, count: Int, cycle: UInt64) {
        let base = Self.masked(start)
        let lo = max(UInt64(Self.masked(address)), UInt64(base))
        let hi = min(UInt64(Self.masked(address)) + UInt64(max(count, 0)), UInt64(base) + UInt64(max(regionCount, 0)))
        guard lo < hi else { return }
        var index = regions.firstIndex { $0.job == job && $0.start == base && $0.count == regionCount }
        if index == nil {
            if regions.count >= Self.regionLimit { regions.removeFirst() }
            regions.append(Region(job: job, summary: summary(), start: base, count: regionCount,
                                  live: [UInt64](repeating: 0, count: (regionCount + 63) / 64), cycle: cycle))
            index = regions.count - 1
        }
        let i = index!
        for b in Int(lo - UInt64(base))..<Int(hi - UInt64(base)) where regions[i].live[b >> 6] & (1 << UInt64(b & 63)) == 0 {
            regions[i].live[b >> 6] |= 1 << UInt64(b & 63)
            regions[i].liveCount += 1
        }
        changed()
    }

    /// Bytes [address, address + count) were written: their watch ends.
    func wrote(_ address: UInt32, count: Int) {
        guard active, count > 0 else { return }
        let lo = UInt64(Self.masked(address)), hi = lo + UInt64(count)
        var dropped = false
        for i in regions.indices {
            let start = UInt64(regions[i].start), end = start + UInt64(regions[i].count)
            guard lo < end && hi > start else { continue }
            for b in Int(max(lo, start) - start)..<Int(min(hi, end) - start) where regions[i].live[b >> 6] & (1 << UInt64(b & 63)) != 0 {
                regions[i].live[b >> 6] &= ~(1 << UInt64(b & 63))
                regions[i].liveCount -= 1
            }
            if regions[i].liveCount == 0 { dropped = true }
        }
        if dropped {
            regions.removeAll { $0.liveCount == 0 }
            changed()
        }
    }

    /// The region whose watched bytes [address, address + count) reads, if any, with the first
    /// such byte; the region's watch ends (it is reported once).
    func read(_ address: UInt32, count: Int) -> (region: Region, address: UInt32)? {
        guard active, count > 0 else { return nil }
        let lo = UInt64(Self.masked(address)), hi = lo + UInt64(count)
        for (i, r) in regions.enumerated() {
            let start = UInt64(r.start), end = start + UInt64(r.count)
            guard lo < end && hi > start else { continue }
            for b in Int(max(lo, start) - start)..<Int(min(hi, end) - start) where r.live[b >> 6] & (1 << UInt64(b & 63)) != 0 {
                regions.remove(at: i)
                changed()
                // (The byte's address in the view the reader used.)
                return (r, address &+ UInt32(UInt64(b) + start - lo))
            }
        }
        return nil
    }

    /// Drops every watch (a new run state).
    func clear() {
        guard active else { return }
        regions.removeAll()
        changed()
    }

    /// Snapshots: the watched regions (and the interpreter's watch span follows them).
    func snapshot(_ coder: inout SnapshotCoder) {
        coder.array(&regions, empty: Region(job: 0, summary: "", start: 0, count: 0, live: [], cycle: 0)) { coder, r in
            var (job, summary, start, count, cycle) = (r.job, r.summary, r.start, r.count, r.cycle)
            coder.pod(&job); coder.string(&summary); coder.pod(&start); coder.pod(&count); coder.pod(&cycle)
            var live = r.live
            coder.array(&live)
            var liveCount = r.liveCount
            coder.pod(&liveCount)
            if coder.isRestoring {
                r = Region(job: job, summary: summary, start: start, count: count, live: live, cycle: cycle)
                r.liveCount = liveCount
                if live.count != (max(count, 0) + 63) / 64 { coder.fail("the snapshot's padding watch is malformed") }
            }
        }
        if coder.isRestoring { changed() }
    }

    private func changed() {
        guard let first = regions.map(\.start).min() else { onChange?(0, 0); return }
        let end = regions.map { UInt64($0.start) + UInt64($0.count) }.max()!
        onChange?(first, UInt32(end - UInt64(first)))
    }
}
