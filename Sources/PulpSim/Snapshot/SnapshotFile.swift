// Snapshot: the file a snapshot is saved to (`--snapshot-every`) and restored from
// (`pulpsim run --restore FILE`), docs/snapshots.md.
//
// Layout (little-endian): the magic "PULPSNAP", the format version (UInt32), the layout
// fingerprint of this pulpsim build (UInt64), the machine options that shape the machine, the
// ELF (its path and bytes), the machine's state (its bytes, then each memory's non-zero 4 KiB
// pages), and an FNV-1a hash of everything before it. A file written by another build, cut
// short or changed is refused with a message before anything is restored.

import Foundation

/// A snapshot with what is needed to rebuild its machine.
public struct SnapshotFile {
    public var options: MachineOptions
    public var elfPath: String
    public var elf: [UInt8]
    public var state: MachineState

    static let magic = Array("PULPSNAP".utf8)
    static let version: UInt32 = 1
    /// Changes when the layout of the plain data a snapshot copies as bytes changes.
    static let fingerprint: UInt64 = {
        let sizes = [MemoryLayout<HartCore>.size, MemoryLayout<DecodedInstruction>.size, MemoryLayout<RedMulECycleModel>.size,
                     MemoryLayout<RedMulETilerConfig>.size, MemoryLayout<DMATCDMStream>.size, MemoryLayout<DMAPattern>.size,
                     MemoryLayout<MemoryPlan>.size, MemoryLayout<RedMulEJobRecord>.size, MemoryLayout<RedMulE.Pending>.size,
                     MemoryLayout<RedMulE.RunningJob>.size, MemoryLayout<ClusterTimer.Channel>.size,
                     MemoryLayout<EventUnit.Barrier>.size, MemoryLayout<EventUnit.Mutex>.size, EventTotals.count]
        return SnapshotCoder.hash(sizes.flatMap { withUnsafeBytes(of: UInt64($0).littleEndian, Array.init) })
    }()

    /// The snapshot of `machine` now (loaded from a file: its ELF goes in).
    public init(machine: Machine, state: MachineState) throws {
        guard let elf = machine.elfBytes, let image = machine.image else {
            throw SnapshotError.file("a snapshot needs the machine's ELF file (load it with load(path:))")
        }
        options = machine.options
        elfPath = image.path
        self.elf = elf
        self.state = state
    }

    public init(options: MachineOptions, elfPath: String, elf: [UInt8], state: MachineState) {
        self.options = options; self.elfPath = elfPath; self.elf = elf; self.state = state
    }

    /// The options that shape a machine (the run's limits, output and analysis options are not).
    static func shape(_ coder: inout SnapshotCoder, _ o: inout MachineOptions) {
        // (Enumerations by name: a value this build does not know is refused, not trusted.)
        func named<E: RawRepresentable>(_ value: inout E) where E.RawValue == String {
            var name = value.rawValue
            coder.string(&name)
            if coder.isRestoring {
                if let v = E(rawValue: name) { value = v } else { coder.fail("the snapshot names an unknown option value '\(name)'") }
            }
        }
        named(&o.platform.kind); coder.pod(&o.platform.harts)
        coder.pod(&o.platform.tcdmSize); coder.pod(&o.platform.l2Size); coder.pod(&o.platform.ramSize)
        coder.pod(&o.platform.extensions); named(&o.platform.dma)
        coder.pod(&o.quantum)
        named(&o.redmuleErrors); named(&o.dmaErrors); named(&o.redmulePadding)
        coder.bool(&o.countStalls); coder.bool(&o.energy)
        coder.bool(&o.tcdmContention); coder.bool(&o.blockExecution)
        coder.optional(&o.l2Latency, empty: 0)
    }

    /// The file's bytes.
    public func encoded() -> [UInt8] {
        var coder = SnapshotCoder()
        var magic = SnapshotFile.magic
        coder.raw(&magic, count: magic.count)
        var version = SnapshotFile.version, fingerprint = SnapshotFile.fingerprint
        coder.pod(&version); coder.pod(&fingerprint)
        var o = options
        SnapshotFile.shape(&coder, &o)
        var path = elfPath, elf = elf
        coder.string(&path); coder.array(&elf)
        var cycle = state.cycle, instructions = state.instructions
        coder.pod(&cycle); coder.pod(&instructions)
        var core = state.core
        coder.array(&core)
        var memories = state.pages.count
        coder.pod(&memories)
        for pages in state.pages {
            var indices = pages.keys.sorted()
            coder.array(&indices)
            for i in indices { var p = pages[i]!; coder.array(&p) }
        }
        var bytes = coder.bytes
        var hash = SnapshotCoder.hash(bytes).littleEndian
        withUnsafeBytes(of: &hash) { bytes.append(contentsOf: $0) }
        return bytes
    }

    /// Reads a snapshot file's bytes back (`name` for messages).
    public init(decoding bytes: [UInt8], name: String) throws {
        func bad(_ why: String) -> SnapshotError { .file("\(name): \(why)") }
        guard bytes.count >= SnapshotFile.magic.count + 12 + 8, Array(bytes.prefix(8)) == SnapshotFile.magic else {
            throw bad("not a pulpsim snapshot")
        }
        let body = Array(bytes.dropLast(8))
        let stored = bytes.suffix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        var coder = SnapshotCoder(restoring: body)
        var magic = [UInt8](repeating: 0, count: 8)
        coder.raw(&magic, count: 8)
        var version: UInt32 = 0, fingerprint: UInt64 = 0
        coder.pod(&version); coder.pod(&fingerprint)
        guard version == SnapshotFile.version else {
            throw bad("written in snapshot format \(version), this pulpsim reads format \(SnapshotFile.version)")
        }
        guard fingerprint == SnapshotFile.fingerprint else { throw bad("written by another pulpsim build (take it again with this one)") }
        guard SnapshotCoder.hash(body) == stored else { throw bad("damaged or cut short (its checksum does not match)") }
        var o = MachineOptions()
        SnapshotFile.shape(&coder, &o)
        var path = "", elf: [UInt8] = []
        coder.string(&path); coder.array(&elf)
        var cycle: UInt64 = 0, instructions: UInt64 = 0
        coder.pod(&cycle); coder.pod(&instructions)
        var core: [UInt8] = []
        coder.array(&core)
        let memories = coder.count(0, limit: 64)
        var pages: [[Int: [UInt8]]] = []
        for _ in 0..<memories {
            var indices: [Int] = []
            coder.array(&indices)
            var kept: [Int: [UInt8]] = [:]
            for i in indices {
                var p: [UInt8] = []
                coder.array(&p)
                kept[i] = p
            }
            pages.append(kept)
        }
        if let failure = coder.failure { throw bad(failure) }
        guard coder.atEnd else { throw bad("holds bytes past its end") }
        options = o
        elfPath = path
        self.elf = elf
        state = MachineState(core: core, pages: pages, cycle: cycle, instructions: instructions)
    }

    public func write(to path: String) throws {
        let bytes = encoded()
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
            throw SnapshotError.file("cannot write the snapshot \(path)")
        }
    }

    public init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SnapshotError.file("cannot read the snapshot \(path) (no such file, or not readable)")
        }
        try self.init(decoding: [UInt8](data), name: path)
    }

    /// A machine in the snapshot's state: built with its options (`adjust` may change those
    /// that do not shape the machine: limits, output, analysis), its ELF loaded, its state restored.
    public func machine(adjusting adjust: (inout MachineOptions) -> Void = { _ in }) throws -> Machine {
        var o = options
        adjust(&o)
        var check = SnapshotCoder(), wanted = options, got = o
        SnapshotFile.shape(&check, &wanted)
        let a = check.bytes
        check = SnapshotCoder()
        SnapshotFile.shape(&check, &got)
        guard a == check.bytes else { throw SnapshotError.mismatch("the options that shape the machine come from the snapshot") }
        let machine = try Machine(options: o)
        try machine.load(ElfImage(bytes: elf, path: elfPath))
        machine.elfBytes = elf
        try machine.restoreState(state)
        return machine
    }
}
