// RedMulE: a job's data in time (docs/platform.md §7.4). The cycle model (`RedMulECycleModel`)
// says which 16-element chunk of which row of X, W, Y or Z the port carries in each cycle; this
// applies each granted request to memory at its cycle: a read takes the chunk's bytes as the TCDM
// holds them then, a Z store writes the chunk's results.
//
// Each output tile (12 rows of Z, 16 columns) is computed when its first row is stored, from the
// data as the job's reads last brought it in: X rows, W rows and Y rows as read for that tile (X
// and W are read again for every tile; Y once), so a core's store to an operand after the trigger
// counts if it comes before RedMulE reads that chunk, and Z rows land in the TCDM one by one, as
// the RTL stores them. The numerics are the engine's (`RedMulEEngine`): an element's chain over N
// depends only on its X row, W column and Y element, so a tile computed alone is bit-identical to
// the same tile of the whole job.

/// A running job's operands as its port read them, and its results as its port stores them.
struct RedMulEDataFlow {
    let plan: MemoryPlan
    let operation: RedMulEOperation
    let format: RedMulEFormat
    /// The logical bytes of X (M rows of 2N bytes), W (N rows of 2K) and Y (M rows of 2K, at
    /// Z_ADDR) as the job last read them; what the TCDM held at the trigger until then.
    private var x: [UInt8], w: [UInt8], y: [UInt8]
    /// Reads leave the operands as they were at the trigger (Z overlapping X or W, computed as
    /// intended under `--redmule-errors=warn`).
    let frozen: Bool
    /// The output tile whose rows are being stored (row tile, column tile), and its rows' chunks
    /// (12 × 32 bytes, in the stored format).
    private var tile = (row: -1, column: -1)
    private var tileBytes = [UInt8](repeating: 0, count: 12 * 32)
    /// Z row chunks stored, of `12·⌈M/12⌉·⌈K/16⌉`.
    private(set) var stores = 0
    /// With `--redmule-padding=read`: where the job's padding rows (past M) are watched, the
    /// job's number, and the cycle now.
    var padding: RedMulEPadding?
    var job: UInt32 = 0
    /// The job's serial number in the run (the RTL's job ids repeat).
    var serial: UInt64 = 0
    var cycle: () -> UInt64 = { 0 }
    var storesDue: Int { plan.shape.paddedRows * plan.shape.columnTiles }

    init(plan: MemoryPlan, operation: RedMulEOperation, format: RedMulEFormat, frozen: Bool, port: MemoryPort) {
        self.plan = plan
        self.operation = operation
        self.format = format
        self.frozen = frozen
        let s = plan.shape
        func snapshot(_ base: UInt32, _ bytes: Int) -> [UInt8] {
            var b = [UInt8](repeating: 0, count: bytes)
            b.withUnsafeMutableBytes { _ = port.read(base, into: $0, hart: -1) }
            return b
        }
        x = snapshot(plan.x, s.m * 2 * s.n)
        w = snapshot(plan.w, s.n * 2 * s.k)
        y = operation == .matmul ? [] : snapshot(plan.z, s.m * 2 * s.k)
        xMemory = port.hostBytes(plan.x, count: x.count)
        wMemory = port.hostBytes(plan.w, count: w.count)
        yMemory = y.isEmpty ? nil : port.hostBytes(plan.z, count: y.count)
        (toHalf, fromHalf) = format == .float8 ? Self.e5m2 : format == .float8Alt ? Self.e4m3 : ([], [])
    }
    /// Snapshots: the operands as read, the tile being stored and the stores so far (the flow is
    /// rebuilt from its plan first: `RedMulE.snapshot`).
    mutating func snapshotState(_ coder: inout SnapshotCoder) {
        coder.array(&x); coder.array(&w); coder.array(&y)
        coder.pod(&tile)
        coder.array(&tileBytes)
        coder.pod(&stores)
        coder.pod(&job); coder.pod(&serial)
        let s = plan.shape
        if coder.isRestoring && (x.count != s.m * 2 * s.n || w.count != s.n * 2 * s.k
                                 || y.count != (operation == .matmul ? 0 : s.m * 2 * s.k) || tileBytes.count != 12 * 32) {
            coder.fail("the snapshot's RedMulE operands do not match its job")
        }
    }

    /// The operands in the TCDM (they lie in it: the job's plan checked that), read directly.
    private let xMemory: UnsafeRawPointer?, wMemory: UnsafeRawPointer?, yMemory: UnsafeRawPointer?
    /// FP8 formats: every element's binary16 value, and every binary16's rounding to the format
    /// (`RedMulEEngine.toHalf`, `fromHalf`), once per process.
    private let toHalf: [UInt16]
    private let fromHalf: [UInt8]
    static let e5m2 = tables(.float8), e4m3 = tables(.float8Alt)
    static func tables(_ format: RedMulEFormat) -> ([UInt16], [UInt8]) {
        ((0..<256).map { RedMulEEngine.toHalf(UInt16($0), format: format) },
         (0..<65536).map { UInt8(truncatingIfNeeded: RedMulEEngine.fromHalf(UInt16($0), format: format)) })
    }

    /// A granted request, as `RedMulECycleModel.requestCode` encodes it (offset from its matrix).
    @inline(__always)
    mutating func apply(code: UInt32, port: MemoryPort, hart: Int) {
        let offset = Int(code >> 2), s = plan.shape
        switch code & 3 {
        case 0: if !frozen { Self.read(&x, from: xMemory, offset: offset, rowBytes: 2 * s.n, rows: s.m) }
        case 1: if !frozen { Self.read(&w, from: wMemory, offset: offset, rowBytes: 2 * s.k, rows: s.n) }
        case 2: if !frozen { Self.read(&y, from: yMemory, offset: offset, rowBytes: 2 * s.k, rows: s.m) }
        default: store(offset: offset, port: port, hart: hart)
        }
    }

    /// A granted request of the model, with its absolute address.
    mutating func apply(_ r: RedMulEPortRequest, port: MemoryPort, hart: Int) {
        let base = r.stream == .x ? plan.x : r.stream == .w ? plan.w : plan.z
        apply(code: UInt32(truncatingIfNeeded: r.start &- base) << 2 | UInt32(r.stream.rawValue), port: port, hart: hart)
    }

    /// A read of the chunk at `offset` (the row's logical bytes from there, up to 32; rows past
    /// the matrix — W's padding rows, Y's past M — carry nothing the results use).
    @inline(__always)
    private static func read(_ shadow: inout [UInt8], from memory: UnsafeRawPointer?, offset: Int, rowBytes: Int, rows: Int) {
        guard let memory, rowBytes > 0 else { return }
        let row = offset / rowBytes
        guard row < rows else { return }
        let end = min(offset + 32, (row + 1) * rowBytes)
        shadow.withUnsafeMutableBytes { $0.baseAddress!.advanced(by: offset).copyMemory(from: memory + offset, byteCount: end - offset) }
    }

    /// A store of the Z chunk at `offset`: the row's results (0xFF bytes for the padding rows
    /// past M, whose stale data pulpsim does not model).
    private mutating func store(offset: Int, port: MemoryPort, hart: Int) {
        let s = plan.shape
        let rowBytes = 2 * s.k
        let row = offset / rowBytes, column = (offset % rowBytes) / 32
        guard row < s.paddedRows else { return }
        let end = min(offset + 32, (row + 1) * rowBytes)
        stores += 1
        padding?.wrote(plan.z &+ UInt32(offset), count: end - offset)
        if row >= s.m {
            let stale = [UInt8](repeating: 0xFF, count: end - offset)
            stale.withUnsafeBytes { _ = port.write(plan.z &+ UInt32(offset), $0, hart: hart) }
            if let padding {
                let rows = plan.zPadding, plan = self.plan, job = self.job
                padding.stored(job: serial, summary: String(format: "job %d (M = %d is not a multiple of 12: rows %d..%d of Z, 0x%08llx-0x%08llx)",
                                                         job, s.m, s.m, s.paddedRows - 1, rows.lowerBound, rows.upperBound - 1),
                               region: UInt32(truncatingIfNeeded: rows.lowerBound), regionCount: Int(rows.count),
                               address: plan.z &+ UInt32(offset), count: end - offset, cycle: cycle())
            }
            return
        }
        if tile.row != row / 12 || tile.column != column { computeTile(row: row / 12, column: column) }
        let at = (row % 12) * 32
        tileBytes.withUnsafeBytes { b in
            _ = port.write(plan.z &+ UInt32(offset), UnsafeRawBufferPointer(rebasing: b[at..<(at + end - offset)]), hart: hart)
        }
    }

    /// The results of output tile (row tile, column tile) from the operands as last read.
    private mutating func computeTile(row rowTile: Int, column columnTile: Int) {
        let s = plan.shape, n = s.n, k = s.k
        let r0 = 12 * rowTile, c0 = 16 * columnTile
        let rows = min(12, s.m - r0), cols = min(16, k - c0)
        var xs = [UInt16](repeating: 0, count: rows * n)
        var ws = [UInt16](repeating: 0, count: n * cols)
        var ys = [UInt16](repeating: 0, count: rows * cols)
        // Element (row, col) of a matrix with `cols` columns: FP16 little-endian at 2·(row·cols +
        // col); FP8 at row·2·cols + 32·(col / 16) + col mod 16, through `toHalf` (§7.3 layout).
        let wide = format.bytesPerElement == 2
        toHalf.withUnsafeBufferPointer { table in
            func gather(_ shadow: [UInt8], _ out: inout [UInt16], rows: Range<Int>, columns: Range<Int>, width: Int) {
                shadow.withUnsafeBytes { b in
                    out.withUnsafeMutableBytes { o in
                        var i = 0
                        for r in rows {
                            if wide {  // (a row's columns are contiguous, little-endian like the host)
                                o.baseAddress!.advanced(by: 2 * i).copyMemory(from: b.baseAddress! + 2 * (r * width + columns.lowerBound),
                                                                              byteCount: 2 * columns.count)
                                i += columns.count
                                continue
                            }
                            for c in columns {
                                o.storeBytes(of: table[Int(b[r * 2 * width + 32 * (c / 16) + c % 16])], toByteOffset: 2 * i, as: UInt16.self)
                                i += 1
                            }
                        }
                    }
                }
            }
            gather(x, &xs, rows: r0..<(r0 + rows), columns: 0..<n, width: n)
            gather(w, &ws, rows: 0..<n, columns: c0..<(c0 + cols), width: k)
            if operation != .matmul { gather(y, &ys, rows: r0..<(r0 + rows), columns: c0..<(c0 + cols), width: k) }
        }
        let z = RedMulEEngine.compute(operation: operation, shape: RedMulEShape(m: rows, n: n, k: cols), x: xs, w: ws, y: ys)
        tileBytes.withUnsafeMutableBytes { t in
            t.initializeMemory(as: UInt8.self, repeating: 0)  // (FP8: a chunk's upper 16 bytes are 0)
            for r in 0..<rows {
                for c in 0..<cols {
                    let v = z[r * cols + c]
                    if wide {
                        t.storeBytes(of: v, toByteOffset: r * 32 + 2 * c, as: UInt16.self)
                    } else {
                        t[r * 32 + c] = fromHalf[Int(v)]
                    }
                }
            }
        }
        tile = (rowTile, columnTile)
    }

    /// Every chunk of Z stored from the operands as last read: for a job that ends without its
    /// requests (one the RTL deadlocks on, computed as intended under `--redmule-errors=warn`).
    mutating func storeAll(port: MemoryPort, hart: Int) {
        let s = plan.shape
        for rowTile in 0..<s.rowTiles {
            for columnTile in 0..<s.columnTiles {
                for r in 0..<12 { store(offset: (12 * rowTile + r) * 2 * s.k + 32 * columnTile, port: port, hart: hart) }
            }
        }
    }
}
