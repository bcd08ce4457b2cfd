// Analysis: the happens-before race detector over the machine's RAM (`--check-races`,
// docs/races.md).
//
// Every master has a vector clock: each hart, RedMulE (one step per job) and the DMA (one step
// per transfer). Two accesses to a byte race when at least one writes, they come from different
// masters, and neither happens before the other. Shadow memory keeps, per 32-bit word, the last
// write (master, its clock, pc or job, the bytes written) and each master's last read. The harts'
// accesses come from the capturing loop's batches and the slow path (as for a trace), in the
// machine's execution order; devices report the ranges a job or transfer reads and writes
// when it starts. Synchronisation edges come from the event unit (barriers, mutexes, dispatch,
// events, which also carry RedMulE's and the DMA's completions), RedMulE's and the DMA's
// registers, the TCDM's test-and-set view, and flag spinning; the rules are in docs/races.md.

import Foundation

/// One side of a race.
public struct RaceAccess: Sendable, Equatable {
    /// "hart 3", "RedMulE job 2", "DMA transfer 5".
    public let master: String
    public let write: Bool
    /// The instruction (harts) or 0.
    public let pc: UInt32
    /// The instruction and its symbol, or the job's or transfer's description.
    public let site: String
    /// The master's last synchronisation before this access.
    public let lastSync: String
}

/// A race: two accesses to overlapping bytes, at least one a write, neither before the other.
public struct RaceReport: Sendable, Equatable {
    /// The bytes both touched (the first word's, for a report).
    public let address: UInt32
    public internal(set) var size: Int
    public let memory: String
    public let first: RaceAccess
    public let second: RaceAccess
    public let cycle: UInt64

    public var description: String {
        func side(_ a: RaceAccess) -> String {
            "\(a.master) \(a.write ? "writes" : "reads") at \(a.site) (last synchronisation: \(a.lastSync))"
        }
        return String(format: "race on 0x%08x-0x%08x (%@): ", address, address &+ UInt32(size) &- 1, memory as NSString)
            + side(second) + ", unordered with " + side(first) + " (found at cycle \(cycle))"
    }
}

/// The detector. Masters 0..<harts are the harts; then RedMulE; then the DMA.
final class RaceDetector {
    static let maxMasters = 16
    let harts: Int
    let redmule: Int
    let dma: Int
    var masters: Int { harts + 2 }
    /// Vector clocks, `maxMasters` entries each; a master's own entry starts at 1.
    var clocks: [[UInt32]]
    /// What each master's own clock values stand for: its synchronisation operations, in order
    /// (index = own clock value − 1).
    var syncLog: [[String]]
    /// Releases kept by synchronisation objects: event lines, barriers, mutexes, the dispatch
    /// FIFO, RedMulE's and the DMA's completions, test-and-set words and flags.
    var lineClocks: [[UInt32]]
    var barrierClocks: [[UInt32]]
    var mutexClocks: [[UInt32]]
    var dispatchClock: [UInt32]
    /// The fabric controller's interrupt lines (`pulp`).
    var fcLineClocks: [[UInt32]]
    var redmuleDone: [UInt32]
    var dmaDone: [UInt32]
    var syncWordClocks: [Key: [UInt32]] = [:]
    /// Words whose accesses synchronise (test-and-set words, flags) and are never reported.
    var syncWords = Set<Key>()
    /// Load instructions that spun (by hart and pc): flag loads, wherever they read.
    var spinLoads = Set<UInt64>()
    /// Each load instruction's last word (by hart and pc) and the hart's store count then; each
    /// hart's stores so far.
    var lastLoad: [UInt64: (key: Key, stores: UInt64)] = [:]
    var stores: [UInt64]
    /// Each hart's last load: its word, instruction and the hart's store count then.
    var lastHartLoad: [(key: Key, pc: UInt32, stores: UInt64)?]
    /// Load instructions that read a word right after another instruction of the hart read it
    /// (a polling loop's first check before its loop): the earlier one, by the later one.
    var pollPredecessor: [UInt64: UInt64] = [:]
    /// Names of the RAMs, for reports.
    var memoryNames: [ObjectIdentifier: String] = [:]
    /// Description of the sites of device masters (by master and clock).
    var deviceSites: [Int: [UInt32: String]] = [:]

    struct Key: Hashable { let memory: ObjectIdentifier; let word: Int }

    /// Per word: the last write and each master's last read (clock 0: none), by pages of 1024
    /// words per memory, allocated on first access.
    struct Access { var clock: UInt32 = 0; var pc: UInt32 = 0; var mask: UInt8 = 0 }
    final class Page {
        var writers: [UInt8]
        var writes: [Access]
        /// `masters` entries per word.
        var reads: [Access]
        init(masters: Int) {
            writers = .init(repeating: 0, count: 1024)
            writes = .init(repeating: Access(), count: 1024)
            reads = .init(repeating: Access(), count: 1024 * masters)
        }
    }
    var pages: [Key: Page] = [:]

    /// Races found, one per pair of sites (kept until the end: a word that turns out to be a
    /// flag or a test-and-set word drops its reports).
    var pending: [(key: Key, report: RaceReport, firstHart: Int?, secondHart: Int?)] = []
    /// The report of each pair of sites (index into `pending`).
    var seenPairs: [[UInt64]: Int] = [:]
    let describe: (Int, UInt32) -> String
    /// The cycle of what is being reported (set by the callers).
    var cycle: UInt64 = 0

    init(harts: Int, describe: @escaping (Int, UInt32) -> String) {
        self.harts = harts
        redmule = harts
        dma = harts + 1
        self.describe = describe
        let zero = [UInt32](repeating: 0, count: RaceDetector.maxMasters)
        clocks = (0..<(harts + 2)).map { m in var c = zero; c[m] = 1; return c }
        syncLog = (0..<(harts + 2)).map { _ in ["the start"] }
        lineClocks = .init(repeating: zero, count: 32)
        barrierClocks = .init(repeating: zero, count: 8)
        mutexClocks = .init(repeating: zero, count: 8)
        dispatchClock = zero
        fcLineClocks = .init(repeating: zero, count: 32)
        redmuleDone = zero
        dmaDone = zero
        stores = .init(repeating: 0, count: harts)
        lastHartLoad = .init(repeating: nil, count: harts)
    }

    // MARK: Clocks

    static func join(_ a: inout [UInt32], _ b: [UInt32]) {
        for i in 0..<maxMasters where b[i] > a[i] { a[i] = b[i] }
    }

    /// A synchronisation operation of master `m` (its own clock moves on and names it).
    func tick(_ m: Int, _ what: @autoclosure () -> String) {
        clocks[m][m] &+= 1
        syncLog[m].append(what() + " at cycle \(cycle)")
    }

    /// `m` releases into `target`.
    func release(_ m: Int, into target: inout [UInt32], _ what: @autoclosure () -> String) {
        RaceDetector.join(&target, clocks[m])
        tick(m, what())
    }

    /// `m` acquires `source`.
    func acquire(_ m: Int, from source: [UInt32], _ what: @autoclosure () -> String) {
        var changed = false
        for i in 0..<RaceDetector.maxMasters where source[i] > clocks[m][i] { clocks[m][i] = source[i]; changed = true }
        if changed { tick(m, what()) }
    }

    func lastSync(_ m: Int, clock: UInt32) -> String {
        let log = syncLog[m]
        let i = Int(clock) - 1
        return i >= 0 && i < log.count ? log[i] : "none"
    }

    func masterName(_ m: Int, clock: UInt32) -> String {
        if m < harts { return "hart \(m)" }
        return deviceSites[m]?[clock].map { $0.components(separatedBy: ":").first ?? $0 } ?? (m == redmule ? "RedMulE" : "DMA")
    }

    // MARK: Accesses

    /// Master `m` accesses `size` bytes at byte `offset` of `memory` (`pc`: the instruction, or
    /// for a device the clock's site).
    func access(_ m: Int, memory: ObjectIdentifier, offset: Int, size: Int, write: Bool, pc: UInt32, address: UInt32) {
        var offset = offset, address = address, left = size
        while left > 0 {
            let word = offset >> 2
            let first = offset & 3
            let n = min(left, 4 - first)
            let mask = UInt8(((1 << n) - 1) << first)
            accessWord(m, Key(memory: memory, word: word), mask: mask, write: write, pc: pc, address: address &- UInt32(first))
            offset += n; address &+= UInt32(n); left -= n
        }
    }

    private func accessWord(_ m: Int, _ key: Key, mask: UInt8, write: Bool, pc: UInt32, address: UInt32) {
        if m < harts {
            // Flags: a load of the word the hart loaded just before (spinning) makes it a flag.
            // Flags: a load that reads the word it read last time, with no store of the hart in
            // between (polling), makes its instruction a flag load and the word a flag.
            let site = UInt64(m) << 32 | UInt64(pc)
            if write {
                stores[m] &+= 1
            } else {
                if let last = lastHartLoad[m], last.key == key, last.stores == stores[m], last.pc != pc {
                    pollPredecessor[site] = UInt64(m) << 32 | UInt64(last.pc)
                }
                if let last = lastLoad[site], last.key == key, last.stores == stores[m] {
                    // Polling; and so is the check just before its loop, if there was one.
                    spinLoads.insert(site)
                    if let before = pollPredecessor[site] { spinLoads.insert(before) }
                }
                lastLoad[site] = (key, stores[m])
                lastHartLoad[m] = (key, pc, stores[m])
                if spinLoads.contains(site) { syncWords.insert(key) }
            }
            // (A flag's accesses go on through the shadow below: a load of a store made before the
            // word became a flag acquires its writer's clock there; reports on flags are dropped.)
            if syncWords.contains(key) {
                syncAccess(m, key, write: write, what: write ? "a store to the flag at \(hex08(address))" : "a load of the flag at \(hex08(address))")
            }
        }
        let pageKey = Key(memory: key.memory, word: key.word >> 10), index = key.word & 1023
        let page: Page
        if let p = pages[pageKey] { page = p } else { page = Page(masters: masters); pages[pageKey] = page }
        // Against the last write (another master's, touching these bytes, not before this access).
        let writer = Int(page.writers[index])
        let w = page.writes[index]
        if w.clock != 0, writer != m, w.mask & mask != 0, w.clock > clocks[m][writer] {
            report(key, address: address, mask: w.mask & mask, first: (writer, w.clock, w.pc, true), second: (m, clocks[m][m], pc, write))
            if !write && m < harts {
                // A read of another master's unordered write is read as a flag's (it acquires the
                // writer's clock), so that one missing edge gives one report, not a cascade.
                acquire(m, from: clocks[writer], "a load of \(hex08(address)) written by \(masterName(writer, clock: w.clock))")
            }
        }
        let own = clocks[m][m]
        if write {
            for r in 0..<masters where r != m {
                let read = page.reads[index * masters + r]
                if read.clock != 0, read.mask & mask != 0, read.clock > clocks[m][r] {
                    report(key, address: address, mask: read.mask & mask, first: (r, read.clock, read.pc, false), second: (m, own, pc, true))
                }
            }
            let merged = w.clock == own && writer == m ? w.mask | mask : mask
            page.writers[index] = UInt8(m)
            page.writes[index] = Access(clock: own, pc: pc, mask: merged)
        } else {
            let old = page.reads[index * masters + m]
            page.reads[index * masters + m] = Access(clock: own, pc: pc, mask: old.clock == own ? old.mask | mask : mask)
        }
    }

    /// An access to a test-and-set word or a flag: a load acquires what stores to it released;
    /// a store releases.
    private func syncAccess(_ m: Int, _ key: Key, write: Bool, what: String) {
        var c = syncWordClocks[key] ?? [UInt32](repeating: 0, count: RaceDetector.maxMasters)
        if write {
            release(m, into: &c, what)
            syncWordClocks[key] = c
        } else {
            acquire(m, from: c, what)
        }
    }

    /// A load through the TCDM's test-and-set view (an atomic read and write): the word becomes
    /// a lock; it acquires and releases.
    func testAndSet(_ m: Int, memory: ObjectIdentifier, offset: Int, address: UInt32) {
        let key = Key(memory: memory, word: offset >> 2)
        syncWords.insert(key)
        var c = syncWordClocks[key] ?? [UInt32](repeating: 0, count: RaceDetector.maxMasters)
        acquire(m, from: c, "test-and-set of \(hex08(address))")
        release(m, into: &c, "test-and-set of \(hex08(address))")
        syncWordClocks[key] = c
    }

    /// A store through the test-and-set view: a release of the lock word.
    func testAndSetStore(_ m: Int, memory: ObjectIdentifier, offset: Int, address: UInt32) {
        let key = Key(memory: memory, word: offset >> 2)
        syncWords.insert(key)
        var c = syncWordClocks[key] ?? [UInt32](repeating: 0, count: RaceDetector.maxMasters)
        release(m, into: &c, "a store to the lock at \(hex08(address))")
        syncWordClocks[key] = c
    }

    private func report(_ key: Key, address: UInt32, mask: UInt8,
                        first: (m: Int, clock: UInt32, pc: UInt32, write: Bool), second: (m: Int, clock: UInt32, pc: UInt32, write: Bool)) {
        // Once per pair of instructions (whichever harts ran them), or of an instruction and a
        // device.
        func site(_ s: (m: Int, clock: UInt32, pc: UInt32, write: Bool)) -> UInt64 {
            s.m < harts ? UInt64(s.pc) : UInt64(s.m) << 32
        }
        let pair: [UInt64] = [site(first), site(second), (first.write ? 2 : 0) | (second.write ? 1 : 0)]
        let low = mask.trailingZeroBitCount, high = 8 - mask.leadingZeroBitCount
        if let i = seenPairs[pair] {
            // The same race on the next bytes: the report's range grows.
            let r = pending[i].report
            if r.address &+ UInt32(r.size) == address &+ UInt32(low) { pending[i].report.size += high - low }
            return
        }
        seenPairs[pair] = pending.count
        func side(_ s: (m: Int, clock: UInt32, pc: UInt32, write: Bool)) -> RaceAccess {
            let full = deviceSites[s.m]?[s.clock] ?? "?"
            let site = s.m < harts ? describe(s.m, s.pc) : (full.range(of: ": ").map { String(full[$0.upperBound...]) } ?? full)
            return RaceAccess(master: masterName(s.m, clock: s.clock), write: s.write, pc: s.m < harts ? s.pc : 0, site: site,
                              lastSync: lastSync(s.m, clock: s.clock))
        }
        pending.append((key, RaceReport(address: address &+ UInt32(low), size: high - low, memory: memoryNames[key.memory] ?? "memory",
                                        first: side(first), second: side(second), cycle: cycle),
                        first.m < harts ? first.m : nil, second.m < harts ? second.m : nil))
    }

    /// The races, without those on words that turned out to be flags or locks.
    var races: [RaceReport] {
        func spins(_ a: RaceAccess, _ m: Int?) -> Bool { !a.write && m.map { spinLoads.contains(UInt64($0) << 32 | UInt64(a.pc)) } == true }
        return pending.filter { p in
            !syncWords.contains(p.key) && !spins(p.report.first, p.firstHart) && !spins(p.report.second, p.secondHart)
        }.map(\.report)
    }
}
