// Kernel: the TCDM arbiter — bank conflicts between the cluster cores and the DMA's TCDM ports,
// resolved in time order.
//
// The TCDM has 16 word-interleaved banks (bank = address bits 5:2); each serves one request per
// cycle, and when several masters ask the same bank in the same cycle one is granted and the
// others retry the next cycle (a stall cycle each: for a core the RI5CY TCDM_CONT event). The
// DMA logs its ports' accesses ahead, at the cycles its schedule gives them (DMA/DMAEngine.swift,
// `feed`), and turns what they lose into delay of its transfers (`syncTCDM`).
//
// The harts run in turns, ahead of each other by up to the scheduler's quantum, so a core's
// accesses cannot be arbitrated when it makes them: the cores that would compete for the same
// cycle have not run that far yet. Instead, every TCDM access a core makes on the interpreter's
// fast path while other cores are running is logged (its cycle and bank), and the arbiter
// settles the logged accesses in the order of time as soon as every core has run past their
// cycle: cycle by cycle, each bank grants one of the requests of that cycle (as below), and
// each core that lost retries the next cycle — its cycle count and every access it logged after
// that one move one cycle later. The stall cycles and the cycles at which each access is
// granted are then exactly those of the banks serving the cores' access streams, whatever the
// turns.
//
// What the turns still decide is the order in which cores see each other's data within a
// quantum (docs/platform.md §2). Before a core does anything with an effect outside itself
// (a device access, a CSR, sleeping: the slow path) while others run, its logged accesses are
// settled first, so that it acts at its exact cycle.
//
// Which master a bank grants follows the cluster's interconnect (pulp-platform/pulp_cluster at
// caaa973: hci_interconnect / hci_ecc_interconnect, whose log branch is cluster_interconnect's
// `tcdm_interconnect` in the LIC topology: per bank, common_cells' `rr_arb_tree` with 16 inputs
// — cores 0-7, the 4 external ports 8-11, the DMA's 4 TCDM ports 12-15 — FairArb, LockIn). The
// bank's round-robin state `rr` (4 bits, reset 0) picks, among the requesters, the one whose
// index XOR rr is the smallest (the tree's nodes read rr's bits, the root the top one); after the
// grant rr moves to the lowest requester above it, or, if none, to the lowest requester. A core
// alone leaves rr at its own index. With requesters that keep asking, that is round robin in
// index order; a loser keeps asking and retries the next cycle. (The lock-in only matters when
// the bank refuses a granted request: the HWPE branch, not modelled here.)
//
// RedMulE's wide port is on the interconnect's other branch (hci_interconnect's HWPE branch,
// behind `hci_arbiter`): with the cluster control unit's reset settings (HCI control register
// 0): on every bank the branch of the cores, external ports and DMA wins whenever one of them asks
// it, so RedMulE never delays them, and a request of RedMulE's port is granted when nobody of
// that branch asks its first bank in that cycle (`hci_router` takes the grant of the first of
// the 9 words for the whole access). While a RedMulE job runs (`watch`), every settled request
// marks its bank in its cycle's entry of `requested`, which RedMulE reads back (`take`) as it
// steps its cycle model up to the settled cycles. With the register's `invert_prio` bit set,
// RedMulE's branch wins instead: RedMulE is never refused, and holds the 9 banks of each of its
// requests in its cycle (`hold`: the job's requests, known at its start); whoever else asks one
// of them then waits and retries the next cycle (the bank's round-robin state unchanged).
// With `low_prio_max_stall` set, RedMulE registers its holds window by window as its job runs
// (RedMulE.prepareStallWindow), before the arbiter settles those cycles.
//
// Records are `(cycle − shift) << 4 | bank`, with `shift` the stall cycles the arbiter had
// added to the core when the access was logged; the access's cycle is then the record's plus
// the core's current shift. Storage is per core, pointer-backed, and allocation-free per access.

/// One core's logged, not yet settled accesses (a ring) and its stall count.
struct TCDMLog {
    let records: UnsafeMutablePointer<UInt64>
    /// Oldest record not yet settled, and the next free one (counters; index = counter & mask).
    var head = 0
    var tail = 0
    /// Stall cycles the core lost to arbitrations, and how many of them its cycle count has
    /// been moved on by (the rest at the end of `resolve`).
    var shift: UInt64 = 0
    var applied: UInt64 = 0
    var pending: Int { tail &- head }
}

/// Settles the cores' logged TCDM accesses bank by bank, cycle by cycle. (Its scalar state is
/// read and written on every settling step and never held across a call: no run-time
/// exclusivity checks, `@exclusivity(unchecked)`.)
final class TCDMArbiter {
    static let banks = 16
    static let capacity = 1 << 12
    static let mask = capacity - 1

    /// Masters 0..<count take part: the cluster cores (0..<coreCount), and with a DMA the rest of
    /// the interconnect's initiators — the DMA's TCDM ports at `dmaPorts` (16 in all, as the
    /// cluster's interconnect has them: 8 cores, 4 external ports, 4 DMA ports).
    let count: Int
    /// The cluster cores: masters 0..<coreCount (their logs are filled by the interpreter, their
    /// stalls move their cycle counts).
    let coreCount: Int
    /// The masters the scans visit: the cores, and the other masters while they have records.
    @exclusivity(unchecked) private(set) var scanMask: UInt64
    let coreMask: UInt64
    /// The first of the DMA's 4 TCDM ports (two read ports, then two write ports), if any.
    static let dmaPorts = 12
    static let dmaMasters = 16
    let logs: UnsafeMutablePointer<TCDMLog>
    let cores: UnsafeMutablePointer<UnsafeMutablePointer<HartCore>>
    /// Per bank: the round-robin state `rr`, accesses granted and cycles lost by masters to another's access.
    let priority: UnsafeMutablePointer<Int>
    /// Per bank: the cycle of the grant that set `rr` (a stretch free of collisions is served
    /// master by master, not in time order: the last grant in time sets it).
    let priorityCycle: UnsafeMutablePointer<UInt64>
    /// Per master other than cores: its last logged record's cycle, less its shift then (`append`).
    @exclusivity(unchecked) private var lastBase = [UInt64](repeating: 0, count: 64)
    /// Cores that lost an arbitration in this `resolve` (bit h).
    @exclusivity(unchecked) private var stalled: UInt64 = 0
    /// A log is more than half full: the run loop settles before the next turn.
    @exclusivity(unchecked) var pressing = false
    /// Per core: the cycle of its oldest access not yet settled (`UInt64.max`: none), and its bank.
    let next: UnsafeMutablePointer<UInt64>
    let nextBank: UnsafeMutablePointer<Int>
    let granted: UnsafeMutablePointer<UInt64>
    let conflicts: UnsafeMutablePointer<UInt64>
    /// While set, settled requests of cycles from `watchFrom` on mark their banks in `requested`
    /// (a ring of `watchSpan` cycles; its reader keeps within that span).
    @exclusivity(unchecked) private(set) var watching = false
    @exclusivity(unchecked) private(set) var watchFrom: UInt64 = 0
    static let watchSpan = 1 << 14
    /// The longest stretch of cycles a collision search looks at, and its slots (cycle × bank)
    /// with the stamp of the search that last met them (`firstCollision`).
    static let collisionSpan = 1 << 10
    /// (A byte per slot, the stamp's low byte: the table stays in the host's first-level cache.)
    let occupancy: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) private var stamp: UInt32 = 0
    let requested: UnsafeMutablePointer<UInt16>
    /// Banks RedMulE holds (HCI priority inverted, or a max-stall turn): per cycle of each registered window, and
    /// the span the windows cover (`heldFrom ..< heldUntil`; empty: none).
    @exclusivity(unchecked) private var heldWindows: [(from: UInt64, banks: [UInt16])] = []
    @exclusivity(unchecked) private(set) var heldFrom: UInt64 = .max
    @exclusivity(unchecked) private(set) var heldUntil: UInt64 = 0

    /// `dma`: the DMA's ports take part (16 masters); else the cores alone.
    init(cores coreCount: Int, dma: Bool, cores: UnsafeMutablePointer<UnsafeMutablePointer<HartCore>>) {
        let count = dma ? TCDMArbiter.dmaMasters : coreCount
        self.count = count
        self.coreCount = coreCount
        coreMask = (UInt64(1) << UInt64(coreCount)) &- 1
        scanMask = coreMask
        self.cores = cores
        logs = .allocate(capacity: count)
        for i in 0..<count {
            logs.advanced(by: i).initialize(to: TCDMLog(records: .allocate(capacity: TCDMArbiter.capacity)))
        }
        priority = .allocate(capacity: TCDMArbiter.banks)
        priority.initialize(repeating: 0, count: TCDMArbiter.banks)
        priorityCycle = .allocate(capacity: TCDMArbiter.banks)
        priorityCycle.initialize(repeating: 0, count: TCDMArbiter.banks)
        next = .allocate(capacity: max(count, 1))
        next.initialize(repeating: .max, count: max(count, 1))
        nextBank = .allocate(capacity: max(count, 1))
        nextBank.initialize(repeating: 0, count: max(count, 1))
        granted = .allocate(capacity: TCDMArbiter.banks)
        granted.initialize(repeating: 0, count: TCDMArbiter.banks)
        conflicts = .allocate(capacity: TCDMArbiter.banks)
        conflicts.initialize(repeating: 0, count: TCDMArbiter.banks)
        occupancy = .allocate(capacity: TCDMArbiter.collisionSpan * TCDMArbiter.banks)
        occupancy.initialize(repeating: 0, count: TCDMArbiter.collisionSpan * TCDMArbiter.banks)
        requested = .allocate(capacity: TCDMArbiter.watchSpan)
        requested.initialize(repeating: 0, count: TCDMArbiter.watchSpan)
    }

    deinit {
        for i in 0..<count { logs[i].records.deallocate() }
        logs.deallocate()
        priority.deallocate()
        priorityCycle.deallocate()
        next.deallocate()
        nextBank.deallocate()
        granted.deallocate()
        conflicts.deallocate()
        requested.deallocate()
        occupancy.deallocate()
    }

    /// Snapshots: every master's unsettled records and counters, the banks' round-robin state and
    /// counts, RedMulE's watch and holds. (The collision search's scratch is cleared instead: its
    /// stamps only mean something within one search.)
    func snapshot(_ coder: inout SnapshotCoder) {
        var masters = count
        coder.pod(&masters)
        guard masters == count else { return coder.fail("the snapshot's TCDM arbiter has another number of masters") }
        for i in 0..<count {
            var log = logs[i]
            coder.pod(&log.head); coder.pod(&log.tail); coder.pod(&log.shift); coder.pod(&log.applied)
            let pending = log.tail &- log.head
            guard pending >= 0 && pending <= TCDMArbiter.capacity else { return coder.fail("the snapshot's TCDM log is malformed") }
            for k in 0..<pending { coder.pod(&log.records[(log.head &+ k) & TCDMArbiter.mask]) }
            logs[i] = log
        }
        coder.pod(&scanMask)
        coder.array(&lastBase)
        coder.pod(&stalled); coder.bool(&pressing)
        coder.pointer(priority, count: TCDMArbiter.banks)
        coder.pointer(priorityCycle, count: TCDMArbiter.banks)
        coder.pointer(next, count: max(count, 1))
        coder.pointer(nextBank, count: max(count, 1))
        coder.pointer(granted, count: TCDMArbiter.banks)
        coder.pointer(conflicts, count: TCDMArbiter.banks)
        coder.bool(&watching); coder.pod(&watchFrom)
        coder.pointer(requested, count: TCDMArbiter.watchSpan)
        coder.pod(&stamp)
        coder.array(&heldWindows, empty: (from: 0, banks: [])) { coder, w in
            coder.pod(&w.from)
            coder.array(&w.banks)
        }
        coder.pod(&heldFrom); coder.pod(&heldUntil)
        if coder.isRestoring {
            occupancy.update(repeating: 0, count: TCDMArbiter.collisionSpan * TCDMArbiter.banks)
        }
    }

    /// Free records in `hart`'s log.
    @inline(__always) func room(_ hart: Int) -> Int { TCDMArbiter.capacity &- logs[hart].pending }

    /// Settles every logged access whose cycle is before `bound` and before the cycle of every
    /// awake core (which may still make accesses from there on); with `final`, every logged
    /// access (the run is over). A lost arbitration moves the losing core's cycle on by one.
    ///
    /// Stretch by stretch: the first cycle in which two masters ask the same bank is looked for
    /// (`firstCollision`), every access before it is served in one go master by master, that
    /// cycle is arbitrated, and the search goes on from the earliest access left. Cycles in
    /// which RedMulE may hold banks are arbitrated one by one.
    func resolve(before bound: UInt64, final: Bool = false) {
        let next = self.next
        let scan = scanMask
        // Cores whose logs were empty may have logged accesses since: their oldest access. (The
        // others' oldest access is still the one `next` holds.)
        var refresh = scan
        while refresh != 0 {
            let h = refresh.trailingZeroBitCount
            refresh &= refresh &- 1
            guard next[h] == .max else { continue }
            let log = logs[h]
            if log.head != log.tail {
                let record = log.records[log.head & TCDMArbiter.mask]
                next[h] = (record >> 4) &+ log.shift
                nextBank[h] = Int(record & 15)
            }
        }
        // (Cores that lose move on, and so may the frontier: it is a lower bound, computed
        // when there is something to settle and again before stopping at it — a core's own
        // accesses are then settled in one call, up to its cycle.)
        var frontier = UInt64.max
        var frontierKnown = final
        let holding = heldUntil != 0
        var window: UInt64 = 16
        // Cycles to settle one by one: collisions came close together (within `denseSpan`
        // cycles), where each stretch would cost more than arbitrating its cycles in turn.
        var dense = 0
        while true {
            // The earliest pending access and the masters that have one then.
            var first = UInt64.max
            var at: UInt64 = 0
            var each = scan
            while each != 0 {
                let h = each.trailingZeroBitCount
                each &= each &- 1
                let t = next[h]
                if t < first {
                    first = t
                    at = UInt64(1) &<< UInt64(truncatingIfNeeded: h)
                } else if t == first {
                    at |= UInt64(1) &<< UInt64(truncatingIfNeeded: h)
                }
            }
            if first == .max {
                if heldUntil != 0 { releaseHolds(final ? .max : self.frontier(.max)) }
                applyStalls()
                return
            }
            if !frontierKnown || first >= frontier {
                if !final { frontier = self.frontier(bound) }
                frontierKnown = true
                if first >= frontier { releaseHolds(frontier); applyStalls(); return }
            }
            // Cycles in which RedMulE may hold banks are settled one by one; the stretches
            // below stop before them.
            var stop = frontier
            if holding {
                if first >= heldFrom && first < heldUntil {
                    arbitrate(first, at)
                    continue
                }
                if first < heldFrom && heldFrom < frontier { stop = heldFrom }
            }
            if dense > 0 {
                // (A cycle without a collision is served as `grantRun` would serve it.)
                dense = arbitrate(first, at) ? TCDMArbiter.denseSpan : dense &- 1
                continue
            }
            // From `cursor` (no access pending before it) to `stop`: look for the first
            // collision in the next `window` cycles, serve everything before it, arbitrate it,
            // and go on from the earliest access left. (The window grows while it finds no
            // collision and is twice the stretch served when it does.)
            var cursor = first
            while cursor < stop {
                let end = stop &- cursor > window ? cursor &+ window : stop
                let collision = firstCollision(from: cursor, before: end)
                let found = collision != end
                // In one pass: serve, note who asks in the collision's cycle and the earliest
                // access of the others left.
                var asking: UInt64 = 0
                var earliest = UInt64.max
                var served = scan
                while served != 0 {
                    let h = served.trailingZeroBitCount
                    served &= served &- 1
                    if next[h] < collision { grantRun(h, before: collision) }
                    let t = next[h]
                    if found && t == collision { asking |= UInt64(1) &<< UInt64(truncatingIfNeeded: h) } else { earliest = min(earliest, t) }
                }
                if !found {
                    window = min(window << 1, UInt64(TCDMArbiter.collisionSpan))
                } else {
                    window = min(max((collision &- cursor) << 1, 16), UInt64(TCDMArbiter.collisionSpan))
                    arbitrate(collision, asking)
                    if collision &- cursor < UInt64(TCDMArbiter.denseSpan) {
                        dense = TCDMArbiter.denseSpan
                        break
                    }
                    var m = asking
                    while m != 0 {
                        let h = m.trailingZeroBitCount
                        m &= m &- 1
                        earliest = min(earliest, next[h])
                    }
                }
                cursor = earliest
            }
        }
    }

    /// The earliest cycle of an awake core (with the stalls not yet applied), or `bound` if earlier.
    @inline(__always) private func frontier(_ bound: UInt64) -> UInt64 {
        var frontier = bound
        for h in 0..<coreCount where cores[h].pointee.awake {
            let cycle = cores[h].pointee.cycle &+ (logs[h].shift &- logs[h].applied)
            if cycle < frontier { frontier = cycle }
        }
        return frontier
    }

    /// Moves the cycle count of each core that lost since the last time on by its stalls.
    @inline(__always) private func applyStalls() {
        pressing = false
        // Masters other than cores drop out of the scans once their logs are empty; their
        // stalls are their owner's to apply (`shift`).
        var others = scanMask & ~coreMask
        while others != 0 {
            let h = others.trailingZeroBitCount
            others &= others &- 1
            if next[h] == .max && logs[h].head == logs[h].tail { scanMask &= ~(UInt64(1) << UInt64(h)) }
        }
        var m = stalled & coreMask
        stalled = 0
        while m != 0 {
            let h = m.trailingZeroBitCount
            m &= m &- 1
            let added = logs[h].shift &- logs[h].applied
            cores[h].pointee.cycle &+= added
            cores[h].pointee.tcdmStalls &+= added
            logs[h].applied = logs[h].shift
        }
    }

    /// The first cycle in [start, end) (end − start ≤ `collisionSpan`) in which two masters ask
    /// the same bank, or `end`. No access is served. Each search marks the (cycle, bank) slots
    /// it meets with a new stamp in `occupancy`, so that nothing needs clearing between searches.
    private func firstCollision(from start: UInt64, before end: UInt64) -> UInt64 {
        stamp &+= 1
        if stamp & 0xFF == 0 {
            occupancy.update(repeating: 0, count: TCDMArbiter.collisionSpan * TCDMArbiter.banks)
            stamp &+= 1
        }
        let stamp = UInt8(truncatingIfNeeded: self.stamp), occupancy = self.occupancy
        // A record `(cycle − shift) << 4 | bank` plus `shift << 4` is `cycle << 4 | bank`: its
        // slot is that masked, and it comes before the limit if it is below `limit << 4`.
        let slotMask = UInt64(TCDMArbiter.collisionSpan << 4 - 1)
        var limit = end
        var each = scanMask
        while each != 0 {
            let h = each.trailingZeroBitCount
            each &= each &- 1
            let t = next[h]
            guard t < limit else { continue }
            let log = logs + h
            let records = log.pointee.records, tail = log.pointee.tail, shift = log.pointee.shift << 4
            var head = log.pointee.head
            var access = t << 4 | UInt64(nextBank[h])
            var bound = limit << 4
            while true {
                let slot = Int(truncatingIfNeeded: access & slotMask)
                if occupancy[slot] == stamp { bound = access & ~15; break }
                occupancy[slot] = stamp
                head &+= 1
                if head == tail { break }
                access = records[head & TCDMArbiter.mask] &+ shift
                if access >= bound { break }
            }
            limit = bound >> 4
        }
        return limit
    }

    /// Serves core `h`'s accesses before cycle `limit` (no other core asks before then).
    @inline(__always) private func grantRun(_ h: Int, before limit: UInt64) {
        // (Two copies of the loop: marking for RedMulE costs nothing when it does not watch.)
        if watching { grantRunMarking(h, before: limit) } else { grantRun(h, before: limit, marking: false) }
    }

    @inline(never) private func grantRunMarking(_ h: Int, before limit: UInt64) { grantRun(h, before: limit, marking: true) }

    @inline(__always) private func grantRun(_ h: Int, before limit: UInt64, marking: Bool) {
        let log = logs + h
        let records = log.pointee.records, shift = log.pointee.shift, tail = log.pointee.tail
        var head = log.pointee.head
        var t = next[h]
        var bank = nextBank[h]
        let watchFrom = self.watchFrom
        while true {
            // (The lone requester; without a branch: cores' runs interleave in time.)
            let later = t >= priorityCycle[bank]
            priority[bank] = later ? h : priority[bank]
            priorityCycle[bank] = later ? t : priorityCycle[bank]
            granted[bank] &+= 1
            if marking && t >= watchFrom { requested[Int(t & UInt64(TCDMArbiter.watchSpan - 1))] |= UInt16(1) << UInt16(bank) }
            head &+= 1
            if head == tail { t = .max; break }
            let record = records[head & TCDMArbiter.mask]
            t = (record >> 4) &+ shift
            bank = Int(record & 15)
            if t >= limit { nextBank[h] = bank; break }
        }
        log.pointee.head = head
        next[h] = t
    }

    /// Collisions within this many cycles of each other are settled cycle by cycle (`resolve`).
    static let denseSpan = 2

    /// Arbitrates the accesses of cycle `cycle` of the masters in `asking`, bank by bank (a lone
    /// requester is granted as `grantRun` grants it); true if some master had to wait. (The
    /// banks do not depend on each other: each is settled as its first requester comes.)
    @discardableResult
    private func arbitrate(_ cycle: UInt64, _ asking: UInt64) -> Bool {
        if cycle >= heldFrom && cycle < heldUntil { return arbitrateHeld(cycle, asking) }
        // The banks asked, and those asked by more than one master. (Conversions that cannot
        // overflow are truncating: no overflow checks on this path.)
        var banks: UInt32 = 0, shared: UInt32 = 0
        var each = asking
        while each != 0 {
            let bit = UInt32(1) &<< UInt32(truncatingIfNeeded: nextBank[each.trailingZeroBitCount])
            each &= each &- 1
            shared |= banks & bit
            banks |= bit
        }
        if watching && cycle >= watchFrom { requested[Int(cycle & UInt64(TCDMArbiter.watchSpan - 1))] |= UInt16(truncatingIfNeeded: banks) }
        each = asking
        while each != 0 {
            let first = each.trailingZeroBitCount
            let bank = nextBank[first]
            var m = UInt64(1) &<< UInt64(truncatingIfNeeded: first)
            if shared & (UInt32(1) &<< UInt32(truncatingIfNeeded: bank)) != 0 {
                var scan = each & (each &- 1)
                while scan != 0 {
                    let h = scan.trailingZeroBitCount
                    scan &= scan &- 1
                    if nextBank[h] == bank { m |= UInt64(1) &<< UInt64(truncatingIfNeeded: h) }
                }
            }
            each &= ~m
            grant(bank, among: m, in: cycle)
        }
        return shared != 0
    }

    /// Bank `bank` grants one of the masters in `m` (all asking it in cycle `cycle`; the
    /// interconnect's round robin picks among several), the others wait a cycle.
    @inline(__always) private func grant(_ bank: Int, among m: UInt64, in cycle: UInt64) {
        let rr = priority[bank]
        let winner = m & (m &- 1) == 0 ? m.trailingZeroBitCount : TCDMArbiter.roundRobinWinner(m, rr)
        priority[bank] = TCDMArbiter.nextRoundRobin(m, rr)
        priorityCycle[bank] = cycle
        granted[bank] &+= 1
        let log = logs + winner
        log.pointee.head &+= 1
        if log.pointee.head != log.pointee.tail {
            let record = log.pointee.records[log.pointee.head & TCDMArbiter.mask]
            next[winner] = (record >> 4) &+ log.pointee.shift
            nextBank[winner] = Int(record & 15)
        } else {
            next[winner] = .max
        }
        var losers = m & ~(UInt64(1) &<< UInt64(truncatingIfNeeded: winner))
        stalled |= losers
        while losers != 0 {
            let h = losers.trailingZeroBitCount
            losers &= losers &- 1
            conflicts[bank] &+= 1
            logs[h].shift &+= 1
            next[h] &+= 1
        }
    }

    /// `arbitrate` in a cycle in which RedMulE may hold banks.
    @inline(never)
    private func arbitrateHeld(_ cycle: UInt64, _ asking: UInt64) -> Bool {
        var waited = false
        var remaining = asking
        while remaining != 0 {
            // The cores asking the bank the lowest remaining core asks (kept in registers:
            // usually they all ask the same one).
            let bank = nextBank[remaining.trailingZeroBitCount]
            var m: UInt64 = 0
            var scan = remaining
            while scan != 0 {
                let h = scan.trailingZeroBitCount
                scan &= scan &- 1
                if nextBank[h] == bank { m |= UInt64(1) << UInt64(h) }
            }
            remaining &= ~m
            if watching && cycle >= watchFrom { requested[Int(cycle & UInt64(TCDMArbiter.watchSpan - 1))] |= UInt16(1) << UInt16(bank) }
            if cycle >= heldFrom && cycle < heldUntil && held(cycle) & (UInt16(1) << UInt16(bank)) != 0 {
                // RedMulE has the bank: everyone asking it waits.
                waited = true
                conflicts[bank] &+= UInt64(m.nonzeroBitCount)
                stalled |= m
                var losers = m
                while losers != 0 {
                    let h = losers.trailingZeroBitCount
                    losers &= losers &- 1
                    logs[h].shift &+= 1
                    next[h] &+= 1
                }
                continue
            }
            waited = waited || m & (m &- 1) != 0
            grant(bank, among: m, in: cycle)
        }
        return waited
    }

    /// The requester `rr_arb_tree` grants among `mask` (16 inputs) in state `rr`: the one whose
    /// index XOR rr is the smallest — mask's bits permuted by XOR rr (a swap of halves per set
    /// bit of rr), the lowest one, and back.
    @inline(__always) static func roundRobinWinner(_ mask: UInt64, _ rr: Int) -> Int {
        var m = mask & 0xFFFF
        if rr & 1 != 0 { m = (m & 0x5555) << 1 | (m >> 1) & 0x5555 }
        if rr & 2 != 0 { m = (m & 0x3333) << 2 | (m >> 2) & 0x3333 }
        if rr & 4 != 0 { m = (m & 0x0F0F) << 4 | (m >> 4) & 0x0F0F }
        if rr & 8 != 0 { m = (m & 0x00FF) << 8 | (m >> 8) & 0x00FF }
        return m.trailingZeroBitCount ^ rr
    }

    /// `rr_arb_tree`'s next state after a grant among `mask` in state `rr` (FairArb): the lowest
    /// requester above rr, else the lowest requester.
    @inline(__always) static func nextRoundRobin(_ mask: UInt64, _ rr: Int) -> Int {
        let above = mask & ~((UInt64(2) &<< UInt64(truncatingIfNeeded: rr)) &- 1)
        return above != 0 ? above.trailingZeroBitCount : mask.trailingZeroBitCount
    }

    // MARK: Masters other than cores (the DMA's ports)

    /// Logs an access of master `master` (not a core) at `cycle`, to `bank`, at or after the
    /// cycle every `resolve` so far was bounded by. A master makes one access per cycle: one
    /// that would not come after the last it logged (as moved by the cycles it lost since) comes
    /// the cycle after it.
    func append(master: Int, cycle: UInt64, bank: Int) {
        let log = logs + master
        var base = cycle &- log.pointee.shift
        if log.pointee.tail != 0 && base <= lastBase[master] { base = lastBase[master] &+ 1 }
        lastBase[master] = base
        log.pointee.records[log.pointee.tail & TCDMArbiter.mask] = base << 4 | UInt64(bank & 15)
        log.pointee.tail &+= 1
        scanMask |= UInt64(1) << UInt64(master)
        if log.pointee.pending > TCDMArbiter.capacity / 2 { pressing = true }
    }

    /// Moves every access master `master` has logged and not been granted yet `by` cycles later
    /// (it waits for another port of its own). What it logs afterwards is at the cycle it says.
    func delay(master: Int, by cycles: UInt64) {
        guard cycles > 0 else { return }
        logs[master].shift &+= cycles
        if next[master] != .max { next[master] &+= cycles }
    }

    // MARK: RedMulE's port (the HWPE branch)

    /// Starts marking the banks asked in each cycle from `cycle` on (nothing before `cycle` is
    /// marked), or stops.
    func watch(from cycle: UInt64?) {
        requested.update(repeating: 0, count: TCDMArbiter.watchSpan)
        watching = cycle != nil
        watchFrom = cycle ?? 0
    }

    /// The banks the log branch asked in `cycle` (settled), as `take` without taking them.
    @inline(__always) func asked(_ cycle: UInt64) -> UInt16 { requested[Int(cycle & UInt64(TCDMArbiter.watchSpan - 1))] }

    /// The banks the log branch asked in `cycle` (settled: before every awake core's cycle), and
    /// moves the start of the watched span past it.
    @inline(__always) func take(_ cycle: UInt64) -> UInt16 {
        let i = Int(cycle & UInt64(TCDMArbiter.watchSpan - 1))
        let banks = requested[i]
        requested[i] = 0
        watchFrom = cycle &+ 1
        return banks
    }

    /// RedMulE holds `banks[i]` in cycle `from + i` (HCI priority inverted, or every bank in a
    /// cycle that HCI `low_prio_max_stall` gives it). Windows that every
    /// access yet to be settled comes after are dropped.
    func hold(from: UInt64, banks: [UInt16]) {
        var low = frontier(.max)
        for h in 0..<count where next[h] < low { low = next[h] }
        heldWindows.removeAll { $0.from &+ UInt64($0.banks.count) <= low }
        if !banks.isEmpty { heldWindows.append((from, banks)) }
        heldFrom = heldWindows.map(\.from).min() ?? .max
        heldUntil = heldWindows.map { $0.from &+ UInt64($0.banks.count) }.max() ?? 0
    }

    /// RedMulE's job was abandoned at `cycle` (a soft clear): it holds nothing from then on.
    /// (Nothing at or after the cycle of the access that abandons it is settled yet.)
    func releaseHolds(from cycle: UInt64) {
        heldWindows = heldWindows.compactMap { w in
            guard cycle > w.from else { return nil }
            return (w.from, Array(w.banks.prefix(Int(min(cycle &- w.from, UInt64(w.banks.count))))))
        }.filter { !$0.banks.isEmpty }
        heldFrom = heldWindows.map(\.from).min() ?? .max
        heldUntil = heldWindows.map { $0.from &+ UInt64($0.banks.count) }.max() ?? 0
    }

    /// Drops the held banks once everything before them is settled (`settled`: every access
    /// still to settle comes at or after it).
    @inline(__always) private func releaseHolds(_ settled: UInt64) {
        if heldUntil != 0 && settled >= heldUntil { heldWindows.removeAll(); heldFrom = .max; heldUntil = 0 }
    }

    /// The banks RedMulE holds in `cycle`.
    private func held(_ cycle: UInt64) -> UInt16 {
        for w in heldWindows where cycle >= w.from && cycle &- w.from < UInt64(w.banks.count) {
            return w.banks[Int(cycle &- w.from)]
        }
        return 0
    }

    /// Masters other than the cores take part now (their records, or RedMulE watching): a core
    /// running alone logs its accesses.
    var othersActive: Bool { scanMask != coreMask || watching || !heldWindows.isEmpty }

    /// Stall cycles core `hart` lost to bank conflicts.
    func stalls(_ hart: Int) -> UInt64 { hart < count ? logs[hart].shift : 0 }

    /// Per bank: accesses granted and conflict cycles.
    var bankCounts: [(granted: UInt64, conflicts: UInt64)] {
        (0..<TCDMArbiter.banks).map { (granted[$0], conflicts[$0]) }
    }
}
