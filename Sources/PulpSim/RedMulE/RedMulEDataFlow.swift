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
    }

    /// A granted request, as `RedMulECycleModel.requestCode` encodes it (offset from its matrix).
    @inline(__always)
    mutating func apply(code: UInt32, port: MemoryPort, hart: Int) {
        let offset = Int(code >> 2), s = plan.shape
        switch code & 3 {
        case 0: if !frozen { Self.read(&x, base: plan.x, offset: offset, rowBytes: 2 * s.n, rows: s.m, port: port) }
        case 1: if !frozen { Self.read(&w, base: plan.w, offset: offset, rowBytes: 2 * s.k, rows: s.n, port: port) }
        case 2: if !frozen && operation != .matmul { Self.read(&y, base: plan.z, offset: offset, rowBytes: 2 * s.k, rows: s.m, port: port) }
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
    private static func read(_ shadow: inout [UInt8], base: UInt32, offset: Int, rowBytes: Int, rows: Int, port: MemoryPort) {
        guard rowBytes > 0 else { return }
        let row = offset / rowBytes
        guard row < rows else { return }
        let end = min(offset + 32, (row + 1) * rowBytes)
        shadow.withUnsafeMutableBytes { b in
            _ = port.read(base &+ UInt32(offset), into: UnsafeMutableRawBufferPointer(rebasing: b[offset..<end]), hart: -1)
        }
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
        if row >= s.m {
            let stale = [UInt8](repeating: 0xFF, count: end - offset)
            stale.withUnsafeBytes { _ = port.write(plan.z &+ UInt32(offset), $0, hart: hart) }
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
        let s = plan.shape
        let r0 = 12 * rowTile, c0 = 16 * columnTile
        let rows = min(12, s.m - r0), cols = min(16, s.k - c0)
        func element(_ shadow: [UInt8], row: Int, col: Int, cols: Int) -> UInt16 {
            let at = redmuleElementOffset(row: row, col: col, cols: cols, format: format)
            let raw = format.bytesPerElement == 2 ? UInt16(shadow[at]) | UInt16(shadow[at + 1]) << 8 : UInt16(shadow[at])
            return RedMulEEngine.toHalf(raw, format: format)
        }
        var xs = [UInt16](repeating: 0, count: rows * s.n)
        for r in 0..<rows { for c in 0..<s.n { xs[r * s.n + c] = element(x, row: r0 + r, col: c, cols: s.n) } }
        var ws = [UInt16](repeating: 0, count: s.n * cols)
        for d in 0..<s.n { for c in 0..<cols { ws[d * cols + c] = element(w, row: d, col: c0 + c, cols: s.k) } }
        var ys = [UInt16](repeating: 0, count: rows * cols)
        if operation != .matmul {
            for r in 0..<rows { for c in 0..<cols { ys[r * cols + c] = element(y, row: r0 + r, col: c0 + c, cols: s.k) } }
        }
        let z = RedMulEEngine.compute(operation: operation, shape: RedMulEShape(m: rows, n: s.n, k: cols), x: xs, w: ws, y: ys)
        for i in 0..<tileBytes.count { tileBytes[i] = 0 }  // (FP8: a chunk's upper 16 bytes are 0)
        for r in 0..<rows {
            for c in 0..<cols {
                let v = z[r * cols + c]
                if format.bytesPerElement == 2 {
                    tileBytes[r * 32 + 2 * c] = UInt8(v & 0xFF); tileBytes[r * 32 + 2 * c + 1] = UInt8(v >> 8)
                } else {
                    tileBytes[r * 32 + c] = UInt8(RedMulEEngine.fromHalf(v, format: format))
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
