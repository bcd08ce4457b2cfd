// RedMulE's control path, cycle by cycle (docs/platform.md §7.5).
//
// A model of the accelerator's RTL (redmule_ctrl, redmule_scheduler, the X/W/Z buffers, the
// memory scheduler, the streamer with its sources, sink, FIFOs and multiplexers, and the FIFOs
// between streamer and buffers) reduced to what decides timing: handshakes, counters and state
// machines, without the data. A cycle is two calls: `request()` evaluates the combinational
// logic of the cycle from the registers and returns what the streamer's single wide TCDM port
// asks for, if anything; `clock(granted:)` then gives every register its next value, with the
// memory's answer to that request. A granted read's response comes back in the next cycle, as
// on the cluster's TCDM.
//
// Names follow the RTL's signals, and counters have the RTL's widths (a 4-bit counter wraps at
// 16: with the port's requests delayed, the Z buffer's fill counter can run past its end and
// wrap, as on the RTL). The configuration is what `redmule_tiler` derives from M, N, K.
// Checked against the RTL under Verilator (Tests/Vectors/redmule: rtl-cycles.csv,
// rtl-cycles-ops.csv, rtl-refusals.csv): every completion count and request count, with and
// without refused requests, and every deadlock.

/// The tiler's registers for one job (`redmule_tiler`).
struct RedMulETilerConfig: Equatable {
    let m: Int, n: Int, k: Int
    /// X_ITERS: row tiles (⌈M/12⌉) and 16-column chunks of X (⌈N/16⌉).
    let xRowsIter: Int, xColsIter: Int
    /// W_ITERS: rows of W (N rounded up to 4) and column tiles (⌈K/16⌉).
    let wRowsIter: Int, wColsIter: Int
    /// LEFTOVERS: M mod 12, N mod 16, N mod 4, K mod 16.
    let xRowsLeft: Int, xColsLeft: Int, wRowsLeft: Int, wColsLeft: Int
    /// X_SLOTS: N mod 16 rounded up to 4.
    let xSlots: Int
    /// TOT_X_READ, W_TOT_LEN, Z_TOT_LEN: chunk loads of X, rows of W, rows of Y and of Z.
    let totXRead: Int, wTotLen: Int, zTotLen: Int
    /// Row strides in bytes: X (2N), W, Y and Z (2K).
    let xRowStride: Int, wRowStride: Int
    /// OP_SELECTION[0]: the operation reads Y (every GEMM-Op but MATMUL).
    let loadsY: Bool
    /// X_ADDR, W_ADDR, Z_ADDR.
    let x: Int, w: Int, z: Int

    init(m: Int, n: Int, k: Int, loadsY: Bool = true, x: UInt32 = 0, w: UInt32 = 0, z: UInt32 = 0) {
        self.m = m; self.n = n; self.k = k
        xRowsLeft = m % 12; xColsLeft = n % 16; wRowsLeft = n % 4; wColsLeft = k % 16
        xRowsIter = m / 12 + (xRowsLeft != 0 ? 1 : 0)
        xColsIter = n / 16 + (xColsLeft != 0 ? 1 : 0)
        wColsIter = k / 16 + (wColsLeft != 0 ? 1 : 0)
        wRowsIter = wRowsLeft != 0 ? n + 4 - wRowsLeft : n
        xSlots = (xColsLeft + 3) / 4 * 4
        let tiles = xRowsIter * wColsIter
        totXRead = tiles * xColsIter
        wTotLen = tiles * wRowsIter
        zTotLen = 12 * tiles
        xRowStride = 2 * n; wRowStride = 2 * k
        self.loadsY = loadsY
        self.x = Int(x); self.w = Int(w); self.z = Int(z)
    }
}

/// hwpe_stream_fifo without its data: no fall-through; a push is taken unless full, a pop
/// unless empty (both judged on the count before the edge).
struct CycleFIFO: Equatable {
    var count = 0
    let depth: Int
    init(depth: Int) { self.depth = depth }
    var valid: Bool { count > 0 }
    var ready: Bool { count < depth }
    @inline(__always) mutating func update(push: Bool, pop: Bool) {
        count += (push && count < depth ? 1 : 0) - (pop && count > 0 ? 1 : 0)
    }
}

/// A FIFO of up to four addresses (the address FIFOs, and the request side of the hci FIFOs).
struct AddressFIFO: Equatable {
    var count = 0, head = 0
    var a0 = 0, a1 = 0, a2 = 0, a3 = 0
    let depth: Int
    init(depth: Int) { self.depth = depth }
    var valid: Bool { count > 0 }
    var ready: Bool { count < depth }
    var first: Int {
        switch head { case 0: return a0; case 1: return a1; case 2: return a2; default: return a3 }
    }
    /// One edge; the pushed value is taken unless full, the first one popped unless empty.
    @inline(__always) mutating func update(push: Bool, value: Int, pop: Bool) {
        let popIt = pop && count > 0, pushIt = push && count < depth
        if pushIt {
            switch (head + count) & 3 { case 0: a0 = value; case 1: a1 = value; case 2: a2 = value; default: a3 = value }
        }
        if popIt { head = (head + 1) & 3 }
        count += (pushIt ? 1 : 0) - (popIt ? 1 : 0)
    }
}

/// hwpe_stream_addressgen_v3 with dimensions 0 and 1 enabled (the next dimension then always
/// advances, by its stride).
struct CycleAddressGen: Equatable {
    var overall = 0
    var d0Counter = 0, d1Counter = 1
    var d0Addr = 0, d1Addr = 0, d2Addr = 0
    /// addr_o.valid
    var valid = false
    var offset: Int { d0Addr + d1Addr + d2Addr }
    @inline(__always) func done(totLen: Int, ready: Bool) -> Bool { ready && overall >= totLen }
    /// One enabled edge.
    @inline(__always)
    mutating func advance(ready: Bool, totLen: Int, d0Len: Int, d0Stride: Int, d1Len: Int, d1Stride: Int, d2Stride: Int, presample: Bool) {
        if ready {
            if overall < totLen {
                valid = true
                if d0Counter < d0Len {
                    d0Addr += d0Stride; d0Counter += 1
                } else if d1Counter < d1Len {
                    d0Addr = 0; d1Addr += d1Stride; d0Counter = 1; d1Counter += 1
                } else {
                    d0Addr = 0; d1Addr = 0; d2Addr += d2Stride; d0Counter = 1; d1Counter = 1
                }
                overall += 1
            } else {
                valid = false
            }
        }
        if presample { d0Addr = 0 }
    }
}

/// hci_core_mux_ooo: round robin over its channels from `rr`, which moves on at every grant;
/// the winner is chosen again only after a grant or a cycle without requests.
struct CycleMux: Equatable {
    let channels: Int
    var rr = 0, winnerQ = 0
    var rrEnQ = false, anyReqQ = false
    init(channels: Int) { self.channels = channels }
    /// `winner_d`; `forced`: the fixed order 0, 1 (priority_force_i with priority_i = {1, 0}).
    @inline(__always) func winner(_ r0: Bool, _ r1: Bool, _ r2: Bool, forced: Bool) -> Int {
        guard rrEnQ || !anyReqQ else { return winnerQ }
        let start = forced ? 0 : rr
        for j in 0..<channels {
            var c = start + j
            if c >= channels { c -= channels }
            if c == 0 ? r0 : c == 1 ? r1 : r2 { return c }
        }
        return rr
    }
    @inline(__always) mutating func update(winner: Int, anyReq: Bool, granted: Bool) {
        if granted { rr = rr == channels - 1 ? 0 : rr + 1 }
        winnerQ = winner
        rrEnQ = granted
        anyReqQ = anyReq
    }
}

/// A request of the streamer's TCDM port.
struct RedMulEPortRequest: Equatable {
    enum Stream: Int { case x, w, y, z }
    let stream: Stream
    /// The byte address of the first element the request carries (its address generator's):
    /// a row's 16-element chunk from there.
    let start: UInt32
    /// Word-aligned byte address; the port is 288 bits wide (9 words from there).
    var address: UInt32 { start & ~3 }
    var isWrite: Bool { stream == .z }
    init(stream: Stream, start: Int) {
        self.stream = stream
        self.start = UInt32(truncatingIfNeeded: start)
    }
}

struct RedMulECycleModel: Equatable {
    let cfg: RedMulETilerConfig
    static let h = 4, w = 12, d = 16, pipeRegs = 3

    // redmule_ctrl
    enum CtrlState { case idle, starting, computing, finished }
    var ctrl = CtrlState.starting

    // redmule_scheduler
    enum SchedState { case idle, preload, loadW, wait }
    var sched = SchedState.idle
    var xColsIter = 0, xWIters = 0, xRowsIter = 0, xDone = false
    var xShiftCnt = 0, xReload = false, xEmpty = false
    var wRowsIter = 0, wColsIter = 0, wMatIters = 0, wDone = false
    var yColsIter = 0, yRowsIter = 0
    var zWaitEn = false, zWaitCounter = 0, zAvailEn = false, zAvailCounter = 0
    var yPushEn = false, yPushCounter = 0
    var zWidth = 0, zHeight = 0
    var waitsCnt = 0, regEnable = false
    var firstLoad = true, computing = false, xRefill = false

    // redmule_x_buffer
    enum XState { case preload, fastFill, waitFirstRead, waitShift, fill, padEmpty }
    var xState = XState.preload
    var xFirstBlock = false, xRefilling = true
    var padRAddr = 0, wIndex = 0, padReadCnt = 0, bufWriteCnt = 0, hIndexR = 0

    // redmule_z_buffer
    enum ZState { case empty, loaded, pushed }
    var zState = ZState.empty
    var fillShift = 0, storeShift = 0, zWIndex = 0, dIndex = 0

    // The FIFOs between streamer and buffers (redmule_top).
    var xFifo = CycleFIFO(depth: 4), wFifo = CycleFIFO(depth: 4), yFifo = CycleFIFO(depth: 4), zFifo = CycleFIFO(depth: 2)

    // redmule_memory_scheduler
    var msXCols = 0, msWIters = 0, msXRows = 0, totXRead = 0

    // The streamer: sources X, W, Y (hci_core_source, each behind an hci_core_fifo of 4), and
    // the Z sink (hci_core_sink, behind an hci_core_fifo of 2).
    enum StreamerState { case idle, working, done }
    struct Channel: Equatable {
        var state = StreamerState.idle
        var gen = CycleAddressGen()
        var addrFifo = AddressFIFO(depth: 2)
        /// stream_cnt (sources) or address_cnt (sink)
        var count = 0
        /// hci_core_fifo: requests, responses, and the response skid register.
        var outgoing: AddressFIFO
        var incoming: CycleFIFO
        var rValidQ = false
        init(depth: Int) { outgoing = AddressFIFO(depth: depth); incoming = CycleFIFO(depth: depth) }
        /// tcdm_initiator.req of the hci FIFO (its almost_full flag is in fact "one entry").
        @inline(__always) func initiatorRequest(rValid: Bool, targetReady: Bool) -> Bool {
            outgoing.valid && incoming.ready && !(incoming.count == 1 && rValid && !targetReady)
        }
    }
    var xSrc = Channel(depth: 4), wSrc = Channel(depth: 4), ySrc = Channel(depth: 4), zSink = Channel(depth: 2)
    /// hci_core_sink's registered `done` flag.
    var sinkDone = false
    var yzMux = CycleMux(channels: 2), ldstMux = CycleMux(channels: 3)
    /// The r_id filters' and the r_valid filter's registers.
    var yzIdQ = 0, ldstIdQ = 0, ldstWenQ = false
    /// The memory granted a request in the previous cycle: its response is due now.
    var responseDue = false

    /// Cycles clocked; whether the controller has been through FINISHED (the job is over).
    var cycle = 0
    var finished = false
    /// Cycles the scheduler stalled the engine; the last cycle the job made progress (a request
    /// granted, or a row of W consumed) and the last one its port made a request.
    var stallCycles = 0
    var lastProgress = 0, lastRequest = 0
    /// Nothing happened for 256 cycles (no progress, and no request waiting for the memory
    /// either): the job is stuck for good, as the RTL's deadlocks are.
    var stuck: Bool { cycle - max(lastProgress, lastRequest) > 256 }

    init(_ cfg: RedMulETilerConfig) { self.cfg = cfg }

    /// The combinational signals of the current cycle, from `request()` to `clock(granted:)`.
    struct Comb: Equatable {
        var stall = false, nextSched = SchedState.idle, startComputation = false, hShift = false
        var xFull = false, xBufEmpty = false, padReadCntRst = false, xReloadEn = false, xReloadRst = false
        var padSetup = false, xLoad = false, rstWIndex = false, slots = 0
        var fill = false, yPushEnable = false, loadEn = false, yReady = false, zReady = false, storeEn = false
        var zValid = false, zBufEmpty = false, wValid = false, yValid = false
        var xReqStart = false, wReqStart = false, yReqStart = false, zReqStart = false
        var rValidX = false, rValidW = false, rValidY = false, rValidZ = false
        var xTopReady = false, wTopReady = false, yTopReady = false
        var xReq = false, wReq = false, yReq = false, sinkReq = false, sinkPop = false
        /// The sources' stream handshakes into the buffers' FIFOs.
        var xPush = false, wPush = false, yPush = false
        var xInit = false, wInit = false, yInit = false, zInit = false
        var yzWinner = 0, yzReq = false, ldstWinner = 0, outReq = false
    }
    var comb = Comb()

    // MARK: Configuration signals of the scheduler

    var xWidth: Int { xRowsIter == cfg.xRowsIter - 1 && cfg.xRowsLeft != 0 ? cfg.xRowsLeft : Self.w }
    var xSlotsNow: Int { xColsIter == cfg.xColsIter - 1 && cfg.xColsLeft != 0 ? cfg.xSlots : Self.d }
    var yWidth: Int { yRowsIter == cfg.wRowsIter - 1 && cfg.wRowsLeft != 0 ? cfg.wRowsLeft : Self.w }
    var yHeight: Int { yColsIter == cfg.wColsIter - 1 && cfg.wColsLeft != 0 ? cfg.wColsLeft : Self.d }
    var numXReads: Int { msXRows == cfg.xRowsIter - 1 && cfg.xRowsLeft != 0 ? cfg.xRowsLeft : Self.w }

    // MARK: The cycle

    /// Evaluates the cycle's combinational logic; returns the TCDM request of the cycle.
    mutating func request() -> RedMulEPortRequest? {
        var c = Comb()
        let firstLoadCtrl = ctrl == .starting

        // Scheduler: the checks of LOAD_W and the stall.
        c.xFull = wIndex == xWidth
        c.wValid = wFifo.valid
        c.yValid = yFifo.valid
        let zLoaded = zState == .empty && zWIndex == yWidth - 1 && c.yValid || zState == .loaded
        let checkXFullEn = xRefill && xShiftCnt == Self.h - 1 && !xDone
        let checkYLoadedEn = zWaitCounter == Self.pipeRegs && !wDone
        c.stall = sched == .loadW && (!c.wValid && !wDone || !c.xFull && checkXFullEn || !zLoaded && checkYLoadedEn)
        var next = sched
        switch sched {
        case .idle: if firstLoadCtrl { next = .preload }
        case .preload: if c.xFull && (zLoaded || !cfg.loadsY) { next = .loadW }
        case .loadW: if !c.stall { next = .wait }
        case .wait: if waitsCnt == Self.pipeRegs && !c.stall { next = .loadW }
        }
        c.nextSched = next
        let start = sched == .idle && firstLoadCtrl
        c.startComputation = firstLoad && next == .loadW && !c.stall
        c.hShift = sched == .loadW && !c.stall

        // X buffer.
        c.slots = xSlotsNow
        c.padReadCntRst = padReadCnt >= c.slots && c.hShift
        c.xBufEmpty = c.padReadCntRst
        c.xReloadEn = start || c.xBufEmpty || xEmpty && !c.xFull
        c.xReloadRst = c.xFull && !c.xReloadEn
        c.padSetup = sched == .preload && next == .loadW
        c.xLoad = xReload && !c.xReloadRst && xFifo.valid
        c.rstWIndex = sched == .loadW && xShiftCnt == Self.h - 1 && c.xFull && !c.stall

        // Z buffer.
        c.fill = zAvailEn && regEnable
        c.yPushEnable = yPushEn && !c.stall
        c.loadEn = zState == .empty && !c.fill && dIndex == 0 && fillShift == 0
        c.yReady = c.loadEn && c.yValid
        c.zReady = zFifo.ready
        c.storeEn = zState == .pushed
        c.zValid = c.storeEn && c.zReady
        let zFirstLoad = yColsIter == 0 && yRowsIter == 0
        c.zBufEmpty = (storeShift == zWidth - 1 && c.storeEn && c.zReady) ||
            (zState == .loaded && dIndex == yHeight - 1 && c.yPushEnable && zFirstLoad)

        // Memory scheduler: starting the streams.
        c.xReqStart = ctrl != .idle && xSrc.state == .idle && (firstLoadCtrl || totXRead < cfg.totXRead)
        c.wReqStart = firstLoadCtrl && zSink.state == .idle
        c.yReqStart = firstLoadCtrl && cfg.loadsY && ySrc.state == .idle
        c.zReqStart = firstLoadCtrl && zSink.state == .idle

        // Responses of this cycle, through the r_valid filter and the r_id filters.
        let rValid = responseDue && ldstWenQ
        c.rValidX = rValid && ldstIdQ == 0
        c.rValidW = rValid && ldstIdQ == 1
        c.rValidY = rValid && ldstIdQ == 2 && yzIdQ == 0
        c.rValidZ = rValid && ldstIdQ == 2 && yzIdQ == 1

        // Sources and sink towards their hci FIFOs.
        c.xTopReady = xFifo.ready; c.wTopReady = wFifo.ready; c.yTopReady = yFifo.ready
        c.xReq = xSrc.state != .idle && xSrc.addrFifo.valid && c.xTopReady
        c.wReq = wSrc.state != .idle && wSrc.addrFifo.valid && c.wTopReady
        c.yReq = ySrc.state != .idle && ySrc.addrFifo.valid && c.yTopReady
        c.xPush = xSrc.incoming.valid && c.xTopReady
        c.wPush = wSrc.incoming.valid && c.wTopReady
        c.yPush = ySrc.incoming.valid && c.yTopReady
        let sinkValid = zFifo.valid
        c.sinkReq = zSink.state != .idle && sinkValid && zSink.addrFifo.valid
        c.sinkPop = sinkValid && zSink.outgoing.ready && zSink.addrFifo.valid

        // The hci FIFOs towards the multiplexers.
        c.xInit = xSrc.initiatorRequest(rValid: c.rValidX, targetReady: c.xTopReady)
        c.wInit = wSrc.initiatorRequest(rValid: c.rValidW, targetReady: c.wTopReady)
        c.yInit = ySrc.initiatorRequest(rValid: c.rValidY, targetReady: c.yTopReady)
        c.zInit = zSink.initiatorRequest(rValid: c.rValidZ, targetReady: true)

        // Y/Z multiplexer (order Y, Z while Z data is waiting), then the load/store one.
        let zPriority = c.storeEn || zFifo.valid
        c.yzWinner = yzMux.winner(c.yInit, c.zInit, false, forced: zPriority)
        c.yzReq = c.yzWinner == 0 ? c.yInit : c.zInit
        c.ldstWinner = ldstMux.winner(c.xInit, c.wInit, c.yzReq, forced: false)
        c.outReq = c.ldstWinner == 0 ? c.xInit : c.ldstWinner == 1 ? c.wInit : c.yzReq
        comb = c
        guard c.outReq else { return nil }
        switch c.ldstWinner {
        case 0: return RedMulEPortRequest(stream: .x, start: xSrc.outgoing.first)
        case 1: return RedMulEPortRequest(stream: .w, start: wSrc.outgoing.first)
        default:
            if c.yzWinner == 0 { return RedMulEPortRequest(stream: .y, start: ySrc.outgoing.first) }
            return RedMulEPortRequest(stream: .z, start: zSink.outgoing.first)
        }
    }

    /// The clock edge after `request()`: `granted` is the memory's answer to the request.
    mutating func clock(granted grantedIn: Bool) {
        let c = comb
        let granted = grantedIn && c.outReq
        cycle += 1
        if c.stall { stallCycles += 1 }
        if granted || c.hShift && c.wValid { lastProgress = cycle }
        if c.outReq { lastRequest = cycle }
        let rst = ctrl == .finished
        let firstLoadCtrl = ctrl == .starting

        // Memory side: the multiplexers and filters.
        responseDue = granted
        if c.outReq { ldstIdQ = c.ldstWinner; ldstWenQ = c.ldstWinner != 2 || c.yzWinner == 0 }
        if c.yzReq { yzIdQ = c.yzWinner }
        let ldstGnt2 = granted && c.ldstWinner == 2
        yzMux.update(winner: c.yzWinner, anyReq: c.yInit || c.zInit, granted: c.yzReq && ldstGnt2)
        ldstMux.update(winner: c.ldstWinner, anyReq: c.xInit || c.wInit || c.yzReq, granted: granted)

        // Sources, sink and memory scheduler.
        let xDoneNow = Self.clockSource(&xSrc, cfg: cfg, stream: 0, totLen: numXReads, base: cfg.x + msXRows * 12 * cfg.xRowStride + msXCols * 32,
                                        req: c.xReq, grant: granted && c.ldstWinner == 0, rValid: c.rValidX,
                                        topReady: c.xTopReady, reqStart: c.xReqStart)
        _ = Self.clockSource(&wSrc, cfg: cfg, stream: 1, totLen: cfg.wTotLen, base: cfg.w, req: c.wReq, grant: granted && c.ldstWinner == 1,
                             rValid: c.rValidW, topReady: c.wTopReady, reqStart: c.wReqStart)
        _ = Self.clockSource(&ySrc, cfg: cfg, stream: 2, totLen: cfg.zTotLen, base: cfg.z, req: c.yReq, grant: ldstGnt2 && c.yzWinner == 0,
                             rValid: c.rValidY, topReady: c.yTopReady, reqStart: c.yReqStart)
        clockSink(req: c.sinkReq, pop: c.sinkPop, grant: ldstGnt2 && c.yzWinner == 1, rValid: c.rValidZ, reqStart: c.zReqStart)
        if rst {
            msXCols = 0; msWIters = 0; msXRows = 0; totXRead = 0
        } else if xDoneNow {
            let lastCol = msXCols == cfg.xColsIter - 1
            msXCols = lastCol ? 0 : msXCols + 1
            if lastCol {
                let lastW = msWIters == cfg.wColsIter - 1
                msWIters = lastW ? 0 : msWIters + 1
                if lastW { msXRows = msXRows == cfg.xRowsIter - 1 ? 0 : msXRows + 1 }
            }
            totXRead += 1
        }

        // The FIFOs between streamer and buffers (pops and pushes judged on the counts before
        // the edge).
        xFifo.count += (c.xPush ? 1 : 0) - (c.xLoad ? 1 : 0)
        wFifo.count += (c.wPush ? 1 : 0) - (c.hShift && c.wValid ? 1 : 0)
        yFifo.count += (c.yPush ? 1 : 0) - (c.yReady ? 1 : 0)
        zFifo.update(push: c.zValid, pop: c.sinkPop)

        // X buffer.
        let bufWriteEn = (xState == .fastFill || xState == .fill && c.hShift) && !xRefilling
        let padReadEn = bufWriteEn || c.padSetup
        var nextX = xState
        switch xState {
        case .preload: if c.padSetup { nextX = .fastFill }
        case .fastFill:
            if padRAddr == bufWriteCnt - 1 && (!c.hShift || xFirstBlock || padReadCnt == c.slots) {
                if padReadCnt == c.slots { nextX = c.xFull ? .waitFirstRead : .padEmpty } else if xFirstBlock { nextX = .waitFirstRead } else { nextX = .fill }
            }
        case .waitFirstRead: if hIndexR == Self.h - 1 && c.hShift { nextX = c.padReadCntRst ? .padEmpty : .fill }
        case .waitShift: if c.hShift { nextX = .padEmpty }
        case .fill: if c.xBufEmpty { nextX = c.xFull ? .fill : .padEmpty }
        case .padEmpty: if c.xFull { nextX = bufWriteCnt != 0 || c.hShift ? .fastFill : .fill }
        }
        if padRAddr == 2 * Self.h - 1 { xFirstBlock = false } else if c.padSetup { xFirstBlock = true }
        if c.xFull { xRefilling = false } else if c.xBufEmpty { xRefilling = true }
        if bufWriteEn { padRAddr = padRAddr < c.slots - 1 ? padRAddr + 1 : 0 }
        if c.rstWIndex { wIndex = 0 } else if c.xLoad { wIndex = (wIndex + 1) & 31 }  // (5 bits)
        if c.padReadCntRst { padReadCnt = 1 } else if padReadEn { padReadCnt = (padReadCnt + 1) & 31 }  // (5 bits)
        if c.padReadCntRst {
            bufWriteCnt = 0
        } else if (xState == .padEmpty || xState == .fastFill && !xFirstBlock) && c.hShift {
            bufWriteCnt = (bufWriteCnt + 1) & 15  // (4 bits)
        } else if c.padSetup {
            bufWriteCnt = 2 * Self.h
        }
        if c.hShift { hIndexR = hIndexR == Self.h - 1 ? 0 : hIndexR + 1 }
        xState = nextX

        // Z buffer (its sizes come from the scheduler's registers before this edge).
        let yWidthNow = yWidth, yHeightNow = yHeight
        var nextZ = zState
        let fillDone = fillShift == zHeight - 1 && c.fill
        let yLoadDone = zWIndex == yWidthNow - 1 && c.loadEn && c.yValid
        switch zState {
        case .empty:
            if yLoadDone { nextZ = .loaded }
            if fillDone { nextZ = .pushed }
        case .loaded:
            if dIndex == yHeightNow - 1 && c.yPushEnable && !c.fill { nextZ = .empty }
            if fillDone { nextZ = .pushed }
        case .pushed:
            if storeShift == zWidth - 1 && c.storeEn && c.zReady { nextZ = .empty }
        }
        if fillDone { fillShift = 0 } else if c.fill { fillShift = (fillShift + 1) & 15 }  // (4 bits, as below)
        if c.storeEn && c.zReady { storeShift = storeShift == zWidth - 1 ? 0 : (storeShift + 1) & 15 }
        if yLoadDone { zWIndex = 0 } else if c.loadEn && c.yValid { zWIndex = (zWIndex + 1) & 15 }
        if dIndex == yHeightNow - 1 && c.yPushEnable { dIndex = 0 } else if c.yPushEnable { dIndex = (dIndex + 1) & 15 }
        zState = nextZ

        // Scheduler.
        let computingNow = computing
        if rst {
            resetScheduler()
        } else {
            let stall = c.stall
            let xWItersEn = c.xBufEmpty && xColsIter == cfg.xColsIter - 1
            let xRowsIterEn = xWIters == cfg.wColsIter - 1 && xWItersEn
            let xDoneEn = xRowsIterEn && xRowsIter == cfg.xRowsIter - 1
            if !xDone {
                if c.xBufEmpty { xColsIter = xColsIter == cfg.xColsIter - 1 ? 0 : xColsIter + 1 }
                if xWItersEn { xWIters = xWIters == cfg.wColsIter - 1 ? 0 : xWIters + 1 }
                if xRowsIterEn { xRowsIter += 1 }
            }
            if xDoneEn { xDone = true }
            if c.hShift { xShiftCnt = xShiftCnt == Self.h - 1 ? 0 : xShiftCnt + 1 }
            if c.xReloadRst { xReload = false } else if c.xReloadEn { xReload = true }
            if !c.xFull { xEmpty = false } else if c.xBufEmpty { xEmpty = true }

            let wRowsIterEn = sched == .loadW && c.wValid && !stall
            let wColsIterEn = wRowsIter == cfg.wRowsIter - 1 && wRowsIterEn
            let wMatItersEn = wColsIter == cfg.wColsIter - 1 && wColsIterEn
            let wDoneEn = wMatItersEn && wMatIters == cfg.xRowsIter - 1
            if !wDone {
                if wRowsIterEn { wRowsIter = wRowsIter == cfg.wRowsIter - 1 ? 0 : wRowsIter + 1 }
                if wColsIterEn { wColsIter = wColsIter == cfg.wColsIter - 1 ? 0 : wColsIter + 1 }
                if wMatItersEn { wMatIters += 1 }
            }
            if wDoneEn { wDone = true }

            let yRowsIterEn = yColsIter == cfg.wColsIter - 1 && c.zBufEmpty
            if c.zBufEmpty { yColsIter = yColsIter == cfg.wColsIter - 1 ? 0 : yColsIter + 1 }
            if yRowsIterEn { yRowsIter = yRowsIter == cfg.wRowsIter - 1 ? 0 : yRowsIter + 1 }
            let zWaitClr = zWaitEn && !stall && zWaitCounter == Self.pipeRegs
            let yPushSet = zWaitEn && !stall && zWaitCounter == Self.pipeRegs - 1 || c.startComputation
            if zWaitEn && !stall { zWaitCounter = zWaitCounter == Self.pipeRegs ? 0 : zWaitCounter + 1 }
            if zWaitClr { zWaitEn = false } else if wColsIterEn { zWaitEn = true }
            let zAvailClr = zAvailEn && !stall && zAvailCounter == zHeight - 1
            if zAvailEn && !stall { zAvailCounter = zAvailCounter == zHeight - 1 ? 0 : (zAvailCounter + 1) & 15 }
            if zAvailClr { zAvailEn = false } else if zWaitClr { zAvailEn = true }
            let yPushClr = yPushEn && !stall && yPushCounter == yHeightNow - 1
            if yPushEn && !stall { yPushCounter = yPushCounter == yHeightNow - 1 ? 0 : (yPushCounter + 1) & 15 }
            if yPushClr { yPushEn = false } else if yPushSet { yPushEn = true }
            if c.zBufEmpty || c.startComputation { zWidth = yWidthNow; zHeight = yHeightNow }
            if !stall && sched != .idle && sched != .preload { waitsCnt = waitsCnt == Self.pipeRegs ? 0 : waitsCnt + 1 }
            if sched == .loadW && !stall { firstLoad = false }
            if c.padSetup { computing = true }
            if c.rstWIndex { xRefill = false } else if c.xBufEmpty { xRefill = true }
            sched = c.nextSched
        }
        regEnable = computingNow && !c.stall

        // Controller.
        switch ctrl {
        case .idle: break
        case .starting: if c.hShift { ctrl = .computing }
        case .computing: if sinkDone { ctrl = .finished }
        case .finished: ctrl = .idle; finished = true
        }
        _ = firstLoadCtrl
    }

    /// The edge of a source and its hci FIFO; returns its `done` flag of the cycle.
    @inline(__always)
    private static func clockSource(_ s: inout Channel, cfg: RedMulETilerConfig, stream: Int, totLen: Int, base: Int, req: Bool,
                                    grant: Bool, rValid: Bool, topReady: Bool, reqStart: Bool) -> Bool {
        let push = req && s.outgoing.ready            // into the hci FIFO (addr_pop handshake)
        let streamPush = s.incoming.valid && topReady  // out to the buffers' FIFO
        // Its state machine (combinational part).
        var next = s.state, genEn = false, genClr = false, done = false
        switch s.state {
        case .idle:
            if reqStart { next = .working; genEn = true }
        case .working:
            genEn = true
            if s.gen.done(totLen: totLen, ready: s.addrFifo.ready) { next = .done }
        case .done:
            genEn = true
            if !s.addrFifo.valid && s.count == totLen { next = .idle; done = true; genEn = false; genClr = true }
        }
        // hci_core_fifo.
        let inReady = s.incoming.ready, inPush = rValid || s.rValidQ
        if rValid && inReady { s.rValidQ = false } else if rValid { s.rValidQ = true } else if s.rValidQ && inReady { s.rValidQ = false }
        s.incoming.update(push: inPush, pop: topReady)
        s.outgoing.update(push: push, value: s.addrFifo.first, pop: grant)
        // Address generator and address FIFO.
        let genReady = s.addrFifo.ready
        s.addrFifo.update(push: s.gen.valid && genReady, value: base + s.gen.offset, pop: push)
        if streamPush { s.count = (s.count + 1) & 0xFFFF }  // (stream_cnt: TRANS_CNT = 16 bits)
        if genClr {
            s.gen = CycleAddressGen(); s.count = 0
        } else if genEn {
            switch stream {
            case 0: s.gen.advance(ready: genReady, totLen: totLen, d0Len: 1, d0Stride: 0, d1Len: Self.w,
                                  d1Stride: cfg.xRowStride, d2Stride: 0, presample: reqStart)
            case 1: s.gen.advance(ready: genReady, totLen: totLen, d0Len: cfg.wRowsIter, d0Stride: cfg.wRowStride,
                                  d1Len: cfg.wColsIter, d1Stride: 32, d2Stride: 0, presample: reqStart)
            default: s.gen.advance(ready: genReady, totLen: totLen, d0Len: Self.w, d0Stride: cfg.wRowStride,
                                   d1Len: cfg.wColsIter, d1Stride: 32, d2Stride: 12 * cfg.wRowStride, presample: reqStart)
            }
        } else if reqStart {
            s.gen.d0Addr = 0
        }
        s.state = next
        return done
    }

    /// The edge of the Z sink and its hci FIFO.
    @inline(__always)
    private mutating func clockSink(req: Bool, pop: Bool, grant: Bool, rValid: Bool, reqStart: Bool) {
        var next = zSink.state, genEn = false, genClr = false, done = false
        switch zSink.state {
        case .idle: if reqStart { next = .working; genEn = true }
        case .working:
            genEn = true
            if zSink.gen.done(totLen: cfg.zTotLen, ready: zSink.addrFifo.ready) { next = .done }
        case .done:
            genEn = true
            if zSink.count == cfg.zTotLen { next = .idle; done = true; genEn = false; genClr = true }
        }
        let inReady = zSink.incoming.ready, inPush = rValid || zSink.rValidQ
        if rValid && inReady { zSink.rValidQ = false } else if rValid { zSink.rValidQ = true } else if zSink.rValidQ && inReady { zSink.rValidQ = false }
        zSink.incoming.update(push: inPush, pop: true)
        zSink.outgoing.update(push: req, value: zSink.addrFifo.first, pop: grant)
        let genReady = zSink.addrFifo.ready
        zSink.addrFifo.update(push: zSink.gen.valid && genReady, value: cfg.z + zSink.gen.offset, pop: pop)
        if pop { zSink.count = (zSink.count + 1) & 0xFFFF }  // (address_cnt: 16 bits)
        if genClr {
            zSink.gen = CycleAddressGen(); zSink.count = 0
        } else if genEn {
            zSink.gen.advance(ready: genReady, totLen: cfg.zTotLen, d0Len: Self.w, d0Stride: cfg.wRowStride,
                              d1Len: cfg.wColsIter, d1Stride: 32, d2Stride: 12 * cfg.wRowStride, presample: reqStart)
        }
        zSink.state = next
        sinkDone = done
    }

    private mutating func resetScheduler() {
        sched = .idle
        xColsIter = 0; xWIters = 0; xRowsIter = 0; xDone = false
        xShiftCnt = 0; xReload = false; xEmpty = false
        wRowsIter = 0; wColsIter = 0; wMatIters = 0; wDone = false
        yColsIter = 0; yRowsIter = 0
        zWaitEn = false; zWaitCounter = 0; zAvailEn = false; zAvailCounter = 0
        yPushEn = false; yPushCounter = 0
        zWidth = 0; zHeight = 0
        waitsCnt = 0
        firstLoad = true; computing = false; xRefill = false
    }

    /// One cycle on an ideal memory (every request granted).
    @inline(__always) mutating func step() {
        _ = request()
        clock(granted: true)
    }

    /// What the job is waiting for, in the RTL's terms (for a job that does not complete).
    var stuckDescription: String {
        let state: String
        switch sched {
        case .idle: state = "the scheduler is IDLE"
        case .preload: state = "the scheduler waits in PRELOAD for " + (wIndex == xWidth ? "the Y rows of the first tile" : "the X buffer to fill")
        case .loadW, .wait:
            let xFull = wIndex == xWidth
            let zLoaded = zState == .empty && zWIndex == yWidth - 1 && yFifo.valid || zState == .loaded
            if !wFifo.valid && !wDone {
                state = "the engine stalls for a row of W (\(wMatIters * cfg.wRowsIter * cfg.wColsIter + wColsIter * cfg.wRowsIter + wRowsIter) of \(cfg.wTotLen) consumed)"
            } else if !xFull && xRefill && !xDone {
                state = "the engine stalls for the X buffer to refill (check_x_full)"
            } else if !zLoaded && zWaitCounter == Self.pipeRegs && !wDone {
                state = "the engine stalls for the Y rows of the next tile (check_y_loaded)"
            } else if wDone {
                state = "the engine is done but the Z stream never ends (\(zSink.count) of \(cfg.zTotLen) rows stored" +
                    (cfg.zTotLen > 0xFFFF ? "; Z_TOT_LEN = \(cfg.zTotLen) exceeds the sink's 16-bit count)" : ")")
            } else {
                state = "the scheduler keeps cycling without completing a tile"
            }
        }
        return "after \(cycle) cycles \(state)"
    }

    /// A job on an otherwise idle TCDM (every request granted).
    enum Outcome: Equatable {
        /// Cycles from the controller's STARTING state to the end of FINISHED, and the port's
        /// requests until the completion event (through the cycle after FINISHED: the last Z
        /// rows still drain from the store FIFO).
        case completes(cycles: Int, requests: Int)
        /// The RTL deadlocks (or keeps cycling): stuck (`stuck`), or no completion within twice
        /// the job's compute cycles; what it waits for.
        case deadlocks(String)
    }

    static func idle(_ cfg: RedMulETilerConfig) -> Outcome { idleRun(cfg, trace: false).outcome }

    /// No request in a cycle of a `trace`.
    static let noRequest: UInt8 = 0xFF
    /// No request in a cycle of `codes`.
    static let noRequestCode = UInt32.max

    /// A request as `codes` keep it: the offset of its first element from its matrix's address
    /// (X_ADDR; W_ADDR; Z_ADDR for Y and Z), times 4, plus its stream (0 X, 1 W, 2 Y, 3 Z).
    @inline(__always) static func requestCode(_ r: RedMulEPortRequest, _ cfg: RedMulETilerConfig) -> UInt32 {
        let base = r.stream == .x ? cfg.x : r.stream == .w ? cfg.w : cfg.z
        return UInt32(truncatingIfNeeded: Int(r.start) &- base) << 2 | UInt32(r.stream.rawValue)
    }

    /// A job on an idle TCDM, from the controller's STARTING state through the cycle after
    /// FINISHED (`cycles + 1` entries; empty for a deadlock): with `trace` the first bank of the
    /// port's request in each of its cycles (`noRequest`: none), with `codes` the request
    /// (`requestCode`; `noRequestCode`: none).
    static func idleRun(_ cfg: RedMulETilerConfig, trace: Bool, codes: Bool = false) -> (outcome: Outcome, trace: [UInt8], codes: [UInt32]) {
        var model = RedMulECycleModel(cfg)
        let bound = 8 * cfg.wRowsIter * cfg.xRowsIter * cfg.wColsIter + 1000
        var requests = 0
        var banks: [UInt8] = []
        var requestCodes: [UInt32] = []
        while true {
            let r = model.request()
            if r != nil { requests += 1 }
            if trace { banks.append(r.map { UInt8(($0.address >> 2) & 15) } ?? noRequest) }
            if codes { requestCodes.append(r.map { requestCode($0, cfg) } ?? noRequestCode) }
            if model.finished { break }
            model.clock(granted: true)
            if model.stuck || model.cycle > bound { return (.deadlocks(model.stuckDescription), [], []) }
        }
        return (.completes(cycles: model.cycle, requests: requests), banks, requestCodes)
    }

    /// The banks the port asks in each cycle of a trace (`idleRun`): the 9 consecutive banks
    /// from the bank of each request's address.
    static func heldBanks(_ trace: [UInt8]) -> [UInt16] {
        trace.map { $0 == noRequest ? 0 : nineBanks(from: Int($0)) }
    }

    /// The 9 banks of a wide access from bank `first` (16 banks, wrapping).
    @inline(__always) static func nineBanks(from first: Int) -> UInt16 {
        let nine: UInt32 = 0x1FF
        return UInt16(truncatingIfNeeded: (nine << UInt32(first)) | (nine >> UInt32(16 - first)))
    }

    /// How long a job takes on an idle TCDM, or nil if it deadlocks.
    static func idleCycles(_ cfg: RedMulETilerConfig) -> Int? {
        if case .completes(let cycles, _) = idle(cfg) { return cycles }
        return nil
    }
}
