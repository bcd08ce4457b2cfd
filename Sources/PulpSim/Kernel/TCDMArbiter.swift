// Kernel: the TCDM arbiter — bank conflicts between the cluster cores, resolved in time order.
//
// The TCDM has 16 word-interleaved banks (bank = address bits 5:2); each serves one request per
// cycle, and when several cores ask the same bank in the same cycle one is granted and the
// others retry the next cycle (a stall cycle each: the RI5CY TCDM_CONT event).
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
// Which core a bank grants follows the cluster's logarithmic interconnect (pulp-platform/
// cluster_interconnect, rtl/low_latency_interco: XBAR_TCDM, RequestBlock1CH, ArbitrationTree,
// FanInPrimitive_Req, priority_Flag_Req with the round-robin policy): per bank, a binary tree of
// 2-input arbiters over the cores (padded to a power of two; the leaves pair cores 2k and
// 2k + 1) and a priority counter of log2(cores) bits. A node whose two sides both request grants
// side 0 if its bit of the counter is 0, side 1 if it is 1 (the root uses the top bit, the leaves
// bit 0); a node with one side requesting grants that side. The counter counts the bank's grants
// from 0 to cores − 1 and around. With all 8 cores asking every cycle, the order is 0, 1, ..., 7.
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

/// Settles the cores' logged TCDM accesses bank by bank, cycle by cycle.
final class TCDMArbiter {
    static let banks = 16
    static let capacity = 1 << 12
    static let mask = capacity - 1

    /// Harts 0..<count take part (the cluster cores).
    let count: Int
    /// Levels of the arbitration tree (log2 of the cores, rounded up).
    let levels: Int
    let logs: UnsafeMutablePointer<TCDMLog>
    let cores: UnsafeMutablePointer<UnsafeMutablePointer<HartCore>>
    /// Per bank: the arbitration tree's priority counter, accesses granted and cycles lost by cores to another core's access.
    let priority: UnsafeMutablePointer<Int>
    /// Cores that lost an arbitration in this `resolve` (bit h).
    private var stalled: UInt64 = 0
    /// A log is more than half full: the run loop settles before the next turn.
    var pressing = false
    /// Per core: the cycle of its oldest access not yet settled (`UInt64.max`: none), and its bank.
    let next: UnsafeMutablePointer<UInt64>
    let nextBank: UnsafeMutablePointer<Int>
    /// `treeWinner` for every counter value and requester mask (counter << count | mask).
    let winners: UnsafeMutablePointer<UInt8>
    let granted: UnsafeMutablePointer<UInt64>
    let conflicts: UnsafeMutablePointer<UInt64>

    init(count: Int, cores: UnsafeMutablePointer<UnsafeMutablePointer<HartCore>>) {
        self.count = count
        self.cores = cores
        logs = .allocate(capacity: count)
        for i in 0..<count {
            logs.advanced(by: i).initialize(to: TCDMLog(records: .allocate(capacity: TCDMArbiter.capacity)))
        }
        levels = count > 1 ? Int.bitWidth - (count - 1).leadingZeroBitCount : 0
        priority = .allocate(capacity: TCDMArbiter.banks)
        priority.initialize(repeating: 0, count: TCDMArbiter.banks)
        next = .allocate(capacity: max(count, 1))
        next.initialize(repeating: .max, count: max(count, 1))
        nextBank = .allocate(capacity: max(count, 1))
        nextBank.initialize(repeating: 0, count: max(count, 1))
        winners = .allocate(capacity: max(count, 1) << count)
        winners.initialize(repeating: 0, count: max(count, 1) << count)
        let levels = self.levels
        for counter in 0..<count {
            for mask in 1..<(1 << count) {
                winners[counter << count | mask] = UInt8(TCDMArbiter.treeWinner(UInt64(mask), counter, levels: levels))
            }
        }
        granted = .allocate(capacity: TCDMArbiter.banks)
        granted.initialize(repeating: 0, count: TCDMArbiter.banks)
        conflicts = .allocate(capacity: TCDMArbiter.banks)
        conflicts.initialize(repeating: 0, count: TCDMArbiter.banks)
    }

    deinit {
        for i in 0..<count { logs[i].records.deallocate() }
        logs.deallocate()
        priority.deallocate()
        next.deallocate()
        nextBank.deallocate()
        winners.deallocate()
        granted.deallocate()
        conflicts.deallocate()
    }

    /// Free records in `hart`'s log.
    @inline(__always) func room(_ hart: Int) -> Int { TCDMArbiter.capacity &- logs[hart].pending }

    /// Settles every logged access whose cycle is before `bound` and before the cycle of every
    /// awake core (which may still make accesses from there on); with `final`, every logged
    /// access (the run is over). A lost arbitration moves the losing core's cycle on by one.
    ///
    /// Cycle by cycle where cores collide; a stretch in which one core alone has accesses, or
    /// in which no two cores ask the same bank in the same cycle, is settled in one go (the
    /// stretches looked at grow while they are free of collisions and shrink when not).
    func resolve(before bound: UInt64, final: Bool = false) {
        let next = self.next
        // Cores whose logs were empty may have logged accesses since: their oldest access. (The
        // others' oldest access is still the one `next` holds.)
        for h in 0..<count where next[h] == .max {
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
        var window: UInt64 = 4
        while true {
            // The earliest pending access, the cores that have one then, and the next cycle after.
            var first = UInt64.max, second = UInt64.max
            var at: UInt64 = 0
            for h in 0..<count {
                let t = next[h]
                if t < first {
                    second = first
                    first = t
                    at = UInt64(1) << UInt64(h)
                } else if t == first {
                    at |= UInt64(1) << UInt64(h)
                } else if t < second {
                    second = t
                }
            }
            if first == .max { applyStalls(); return }
            if !frontierKnown || first >= frontier {
                if !final { frontier = self.frontier(bound) }
                frontierKnown = true
                if first >= frontier { applyStalls(); return }
            }
            if at & (at &- 1) == 0 {
                // One core alone until `second`: every access of it before then is served.
                grantRun(at.trailingZeroBitCount, before: min(second, frontier))
                continue
            }
            if !sameBank(at) {
                // No collision in `first`: look for the first one in the next `window` cycles
                // and serve everything before it.
                let end = first &+ window < frontier ? first &+ window : frontier
                let collision = firstCollision(from: first, before: end)
                for h in 0..<count where next[h] < collision { grantRun(h, before: collision) }
                window = collision == end ? min(window << 1, 64) : max(window >> 1, 4)
                continue
            }
            window = 4
            arbitrate(first, at)
        }
    }

    /// The earliest cycle of an awake core (with the stalls not yet applied), or `bound` if earlier.
    @inline(__always) private func frontier(_ bound: UInt64) -> UInt64 {
        var frontier = bound
        for h in 0..<count where cores[h].pointee.awake {
            let cycle = cores[h].pointee.cycle &+ (logs[h].shift &- logs[h].applied)
            if cycle < frontier { frontier = cycle }
        }
        return frontier
    }

    /// Moves the cycle count of each core that lost since the last time on by its stalls.
    @inline(__always) private func applyStalls() {
        pressing = false
        var m = stalled
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

    /// Whether two of the cores in `asking` ask the same bank (their next accesses).
    @inline(__always) private func sameBank(_ asking: UInt64) -> Bool {
        var seen: UInt32 = 0
        var m = asking
        while m != 0 {
            let bit = UInt32(1) << UInt32(nextBank[m.trailingZeroBitCount])
            if seen & bit != 0 { return true }
            seen |= bit
            m &= m &- 1
        }
        return false
    }

    /// The first cycle in [start, end) (end − start ≤ 64) in which two cores ask the same bank,
    /// or `end`. No access is served.
    private func firstCollision(from start: UInt64, before end: UInt64) -> UInt64 {
        var occupied = (UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0),
                        UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        var limit = end
        return withUnsafeMutableBytes(of: &occupied) { raw -> UInt64 in
            let banks = raw.baseAddress!.assumingMemoryBound(to: UInt64.self)
            for h in 0..<count {
                var t = next[h]
                guard t < limit else { continue }
                let log = logs[h]
                var head = log.head
                var bank = nextBank[h]
                while true {
                    let bit = UInt64(1) << (t &- start)
                    if banks[bank] & bit != 0 { limit = t; break }
                    banks[bank] |= bit
                    head &+= 1
                    if head == log.tail { break }
                    let record = log.records[head & TCDMArbiter.mask]
                    t = (record >> 4) &+ log.shift
                    if t >= limit { break }
                    bank = Int(record & 15)
                }
            }
            return limit
        }
    }

    /// Serves core `h`'s accesses before cycle `limit` (no other core asks before then).
    @inline(__always) private func grantRun(_ h: Int, before limit: UInt64) {
        let log = logs + h
        let records = log.pointee.records, shift = log.pointee.shift, tail = log.pointee.tail
        var head = log.pointee.head
        var t = next[h]
        var bank = nextBank[h]
        while true {
            priority[bank] = priority[bank] == count &- 1 ? 0 : priority[bank] &+ 1
            granted[bank] &+= 1
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

    /// Arbitrates the accesses of cycle `cycle` of the cores in `asking` (more than one).
    private func arbitrate(_ cycle: UInt64, _ asking: UInt64) {
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
            let winner = m & (m &- 1) == 0 ? m.trailingZeroBitCount : Int(winners[priority[bank] << count | Int(m)])
            priority[bank] = priority[bank] == count &- 1 ? 0 : priority[bank] &+ 1
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
            var losers = m & ~(UInt64(1) << UInt64(winner))
            conflicts[bank] &+= UInt64(losers.nonzeroBitCount)
            stalled |= losers
            while losers != 0 {
                let h = losers.trailingZeroBitCount
                losers &= losers &- 1
                logs[h].shift &+= 1
                next[h] &+= 1
            }
        }
    }

    /// The core the arbitration tree grants among the requesters in `mask` with priority
    /// counter `counter`: from the root down, a node with requests on both sides takes the side
    /// its counter bit names, else the side that requests.
    func treeWinner(_ mask: UInt64, _ counter: Int) -> Int { TCDMArbiter.treeWinner(mask, counter, levels: levels) }

    static func treeWinner(_ mask: UInt64, _ counter: Int, levels: Int) -> Int {
        var low = 0
        var level = levels
        while level > 0 {
            level -= 1
            let half = 1 << level
            let sideMask = (UInt64(1) << UInt64(half)) &- 1
            let left = (mask >> UInt64(low)) & sideMask
            let right = (mask >> UInt64(low + half)) & sideMask
            if right != 0 && (left == 0 || (counter >> level) & 1 == 1) { low += half }
        }
        return low
    }

    /// Stall cycles core `hart` lost to bank conflicts.
    func stalls(_ hart: Int) -> UInt64 { hart < count ? logs[hart].shift : 0 }

    /// Per bank: accesses granted and conflict cycles.
    var bankCounts: [(granted: UInt64, conflicts: UInt64)] {
        (0..<TCDMArbiter.banks).map { (granted[$0], conflicts[$0]) }
    }
}
