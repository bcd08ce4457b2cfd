// Energy: the energy and utilisation model of the cluster (`--energy`, docs/energy.md).
//
// Energy is a sum of events, each priced at a figure for the 0.65 V operating point: retired
// instructions by class, stall and sleep cycles of each core, 32-bit TCDM and L2 transfers,
// RedMulE's computation steps (per format and operation) and TCDM requests, DMA bytes, and the
// cluster's background per cycle (clock tree, interconnect, instruction cache, leakage). Every
// figure is dynamic energy and scales with the square of the supply voltage; cycles become time
// at the operating point's frequency. The figures, where each comes from, and which published
// figures calibrate the model and which it predicts are in docs/energy.md; the report is a pure
// function of the run's counts (`RunResult`), so it costs nothing while the run goes on beyond
// the event counting it needs (`MachineOptions.countStalls`).

import Foundation

/// A supply voltage and clock frequency of the cluster.
public struct OperatingPoint: Sendable, Equatable {
    public let name: String
    public let megahertz: Double
    public let volts: Double
    public init(name: String, megahertz: Double, volts: Double) {
        self.name = name; self.megahertz = megahertz; self.volts = volts
    }
    /// The two points the RedMulE paper reports: its best energy efficiency and its best performance.
    public static let efficiency = OperatingPoint(name: "best efficiency", megahertz: 470, volts: 0.65)
    public static let performance = OperatingPoint(name: "best performance", megahertz: 613, volts: 0.8)
    public static let all = [efficiency, performance]
}

/// The RedMulE figure one operation class and format is calibrated against.
public struct RedMulECalibration: Sendable {
    /// FLOPs per watt the paper reports for the cluster running the job at 0.65 V, 470 MHz.
    public let flopsPerWatt: Double
    public let source: String
}

/// Energy figures in picojoules at `EnergyModel.referenceVolts`.
public struct EnergyModel: Sendable {
    public static let referenceVolts = 0.65

    // Cores (per retired instruction; a load or store adds its transfers below).
    public var aluInstruction = 5.73
    public var multiplyDivideInstruction = 5.73 * 1.4
    public var jumpOrBranchInstruction = 5.73
    public var loadStoreInstruction = 5.73 * 1.1
    public var floatFusedInstruction = 5.73 * 2.5
    public var floatArithmeticInstruction = 5.73 * 2.0
    /// A cycle a core is awake without retiring (stalls), and asleep (clock-gated).
    public var stallCycle = 5.73 * 0.5
    public var sleepCycle = 0.3
    // Memories.
    /// A 32-bit access to a TCDM bank; to L2 (or a device) through the cluster's AXI port.
    public var tcdmTransfer = 1.5
    public var l2Transfer = 6.0
    // Devices.
    /// A RedMulE TCDM request: 288 bits over 9 banks.
    public var redmuleRequest = 9 * 1.5
    /// A DMA byte (its reads and writes included).
    public var dmaByte = 2.0
    /// The cluster's background per cycle: clock tree, interconnect, instruction cache, event
    /// unit, leakage.
    public var backgroundCycle = 12.8
    /// One computation step of RedMulE's array (one CE's FMA, or its two GEMM-Op operations),
    /// by operation class and format: worked out from the paper's efficiency figures
    /// (`calibrations`) by `calibrated()`.
    public var redmuleStep: [RedMulEStepClass: Double] = [:]

    /// The calibration job: the paper's GEMM of 96×96×96 on RedMulE's cycle model (docs/
    /// platform.md §7.5): from TRIGGER to the completion event when ARITH is written just before
    /// TRIGGER (`redmule-timing`), and its TCDM requests. The same for every format and
    /// operation (FP8 operands are cast to FP16 on their way in; GEMM-Ops read Y as GEMM does).
    public static let referenceShape = RedMulEShape(m: 96, n: 96, k: 96)
    public static let referenceCycles: UInt64 = 18537
    public static let referenceRequests: UInt64 = 9216

    public static let calibrations: [RedMulEStepClass: RedMulECalibration] = [
        .init(gemmOps: false, fp8: false): .init(flopsPerWatt: 755e9, source: "FP16 GEMM, 755 GFLOPS/W"),
        .init(gemmOps: false, fp8: true): .init(flopsPerWatt: 920e9, source: "FP8 GEMM, 920 GFLOPS/W"),
        .init(gemmOps: true, fp8: false): .init(flopsPerWatt: 1.19e12, source: "FP16 GEMM-Ops, 1.19 TFLOPS/W"),
        .init(gemmOps: true, fp8: true): .init(flopsPerWatt: 1.67e12, source: "FP8 GEMM-Ops, 1.67 TFLOPS/W"),
    ]

    public init() {}

    /// The model with RedMulE's step energies worked out so that the calibration job, on a
    /// cluster whose cores sleep while it runs, gives each calibration figure at 0.65 V.
    public static let standard: EnergyModel = {
        var m = EnergyModel()
        m.calibrate(cores: 8)
        return m
    }()

    mutating func calibrate(cores: Int) {
        let steps = Double(EnergyModel.referenceShape.m * EnergyModel.referenceShape.n * EnergyModel.referenceShape.k)
        let cycles = Double(EnergyModel.referenceCycles)
        let around = cycles * (backgroundCycle + Double(cores) * sleepCycle) + Double(EnergyModel.referenceRequests) * redmuleRequest
        for (c, figure) in EnergyModel.calibrations {
            let joules = 2 * steps / figure.flopsPerWatt
            redmuleStep[c] = (joules * 1e12 - around) / steps
        }
    }

    /// The energy of a RedMulE job at `point`, in picojoules: its steps and requests, and the
    /// cluster around it over its cycles with `cores` cores asleep (how the paper measures it).
    public func jobEnergy(_ job: RedMulEJobRecord, cores: Int, at point: OperatingPoint) -> Double {
        let own = ownEnergy(job)
        let around = Double(job.cycles) * (backgroundCycle + Double(cores) * sleepCycle)
        return (own + around) * scale(point)
    }

    /// RedMulE's own energy for a job (its steps and TCDM requests) at the reference voltage.
    func ownEnergy(_ job: RedMulEJobRecord) -> Double {
        Double(job.fmas) * (redmuleStep[RedMulEStepClass(job)] ?? 0) + Double(job.tcdmAccesses) * redmuleRequest
    }

    /// How dynamic energy scales from the reference voltage to `point`'s.
    func scale(_ point: OperatingPoint) -> Double {
        (point.volts / EnergyModel.referenceVolts) * (point.volts / EnergyModel.referenceVolts)
    }

    /// A hart's energy, in picojoules at the reference voltage.
    func hartEnergy(_ a: HartActivity) -> HartEnergy {
        var e = HartEnergy()
        e.instructions = Double(a.other) * aluInstruction + Double(a.multiplyDivide) * multiplyDivideInstruction
            + Double(a.jumps + a.branches) * jumpOrBranchInstruction + Double(a.loadsAndStores) * loadStoreInstruction
            + Double(a.floatFused) * floatFusedInstruction + Double(a.floatArithmetic) * floatArithmeticInstruction
        e.stalls = Double(a.stallCycles) * stallCycle
        e.sleep = Double(a.sleepCycles) * sleepCycle
        e.tcdm = Double(a.tcdmLoads + a.tcdmStores) * tcdmTransfer
        e.l2 = Double(a.externalLoads + a.externalStores) * l2Transfer
        return e
    }

    /// The energy report of a run at `point` (nil unless the run counted every hart's events).
    public func report(_ result: RunResult, at point: OperatingPoint) -> EnergyReport? {
        guard !result.harts.isEmpty, result.harts.allSatisfy({ $0.activity != nil }) else { return nil }
        let s = scale(point)
        var r = EnergyReport(point: point, cycles: result.cycles)
        let clusterCores = result.harts.filter { $0.mhartid != PlatformDescription.fabricControllerHartID }.count
        for h in result.harts {
            var e = hartEnergy(h.activity!)
            e.scale(by: s)
            r.harts.append(e)
            r.flops += h.activity!.flops
        }
        if let redmule = result.redmule {
            var total = 0.0
            for job in redmule.completedJobs {
                total += ownEnergy(job) * s
                r.flops += 2 * job.fmas
                r.jobs.append(JobEnergy(job: job, picojoules: jobEnergy(job, cores: clusterCores, at: point), point: point))
            }
            r.redmule = total
        }
        if let dma = result.dma { r.dma = Double(dma.bytes) * dmaByte * s }
        r.background = Double(result.cycles) * backgroundCycle * s
        return r
    }
}

/// RedMulE's step energy classes: GEMM (MATMUL and GEMM: a multiply and an add) or a GEMM-Op
/// (two of add, multiply, max, min), in FP16 or FP8 (E4M3 and E5M2: their inputs are cast to FP16).
public struct RedMulEStepClass: Hashable, Sendable {
    public let gemmOps: Bool
    public let fp8: Bool
    public init(gemmOps: Bool, fp8: Bool) { self.gemmOps = gemmOps; self.fp8 = fp8 }
    init(_ job: RedMulEJobRecord) {
        gemmOps = job.operation.isMinMax
        fp8 = job.format.bytesPerElement == 1
    }
    public var name: String { (fp8 ? "FP8" : "FP16") + (gemmOps ? " GEMM-Ops" : " GEMM") }
}

/// A hart's energy by what it spent it on, in picojoules.
public struct HartEnergy: Sendable, Equatable {
    public var instructions = 0.0, stalls = 0.0, sleep = 0.0, tcdm = 0.0, l2 = 0.0
    public var total: Double { instructions + stalls + sleep + tcdm + l2 }
    mutating func scale(by s: Double) {
        instructions *= s; stalls *= s; sleep *= s; tcdm *= s; l2 *= s
    }
}

/// A RedMulE job's energy and efficiency at an operating point.
public struct JobEnergy: Sendable {
    public let job: RedMulEJobRecord
    /// The job with the cluster around it over its cycles, picojoules.
    public let picojoules: Double
    public let point: OperatingPoint
    public var seconds: Double { Double(job.cycles) / (point.megahertz * 1e6) }
    public var flops: Double { 2 * Double(job.fmas) }
    public var gflops: Double { seconds > 0 ? flops / seconds / 1e9 : 0 }
    public var gflopsPerWatt: Double { picojoules > 0 ? flops / (picojoules * 1e-12) / 1e9 : 0 }
    public var milliwatts: Double { seconds > 0 ? picojoules * 1e-12 / seconds * 1e3 : 0 }
}

/// The energy of a run at an operating point, picojoules by consumer.
public struct EnergyReport: Sendable {
    public let point: OperatingPoint
    public let cycles: UInt64
    public var harts: [HartEnergy] = []
    public var redmule = 0.0, dma = 0.0, background = 0.0
    /// FLOPs of the run: the cores' FP arithmetic and RedMulE's jobs (two per step).
    public var flops: UInt64 = 0
    public var jobs: [JobEnergy] = []
    init(point: OperatingPoint, cycles: UInt64) { self.point = point; self.cycles = cycles }

    public var total: Double { harts.reduce(0) { $0 + $1.total } + redmule + dma + background }
    public var seconds: Double { Double(cycles) / (point.megahertz * 1e6) }
    public var milliwatts: Double { seconds > 0 ? total * 1e-12 / seconds * 1e3 : 0 }
    public var gflops: Double { seconds > 0 ? Double(flops) / seconds / 1e9 : 0 }
    public var gflopsPerWatt: Double { total > 0 ? Double(flops) / (total * 1e-12) / 1e9 : 0 }
}

// MARK: Rendering

extension EnergyReport {
    /// The `--energy` table: one column per operating point (the same run), per-job lines after.
    public static func table(_ reports: [EnergyReport], harts: [HartSummary], maxJobs: Int = 20) -> String {
        guard let first = reports.first else { return "" }
        func uj(_ pj: Double) -> String { String(format: "%15.4f", pj * 1e-6) }
        var text = "energy in µJ (model: docs/energy.md)\n" + "".padding(toLength: 30, withPad: " ", startingAt: 0)
        for r in reports { text += "\(Int(r.point.megahertz)) MHz \(r.point.volts) V".leftPadded(15) }
        text += "\n"
        func row(_ name: String, _ value: (EnergyReport) -> Double) {
            text += "  " + name.padding(toLength: 28, withPad: " ", startingAt: 0) + reports.map { uj(value($0)) }.joined() + "\n"
        }
        for (i, h) in harts.enumerated() where i < first.harts.count {
            let fc = h.mhartid == PlatformDescription.fabricControllerHartID
            row("hart \(h.hart)" + (fc ? " (fabric controller)" : "")) { $0.harts[i].total }
        }
        if harts.count > 1 { row("  of which TCDM, L2") { r in r.harts.reduce(0) { $0 + $1.tcdm + $1.l2 } } }
        if !first.jobs.isEmpty || first.redmule > 0 { row("RedMulE") { $0.redmule } }
        if first.dma > 0 { row("DMA") { $0.dma } }
        row("cluster background") { $0.background }
        row("total") { $0.total }
        func line(_ name: String, _ value: (EnergyReport) -> String) {
            text += "  " + name.padding(toLength: 28, withPad: " ", startingAt: 0) + reports.map { value($0).leftPadded(15) }.joined() + "\n"
        }
        line("time (µs)") { String(format: "%.3f", $0.seconds * 1e6) }
        line("average power (mW)") { String(format: "%.3f", $0.milliwatts) }
        line("GFLOPS") { String(format: "%.3f", $0.gflops) }
        line("GFLOPS/W") { String(format: "%.1f", $0.gflopsPerWatt) }
        if !first.jobs.isEmpty {
            text += "RedMulE jobs (TRIGGER to completion; utilisation: FMAs over 48 per cycle; the cluster around the job included):\n"
            for (j, job) in first.jobs.enumerated() where j < maxJobs {
                let r = job.job
                text += String(format: "  job %u %@ %@ %dx%dx%d: %llu cycles, %llu FMAs, %.2f %%", r.id, r.operation.name as NSString,
                               r.format.name as NSString, r.shape.m, r.shape.n, r.shape.k, r.cycles, r.fmas, r.utilisation * 100)
                for report in reports where j < report.jobs.count {
                    let e = report.jobs[j]
                    text += String(format: "; %.0f MHz: %.2f GFLOPS, %.1f GFLOPS/W, %.2f mW", e.point.megahertz, e.gflops, e.gflopsPerWatt, e.milliwatts)
                }
                text += "\n"
            }
            if first.jobs.count > maxJobs { text += "  ... \(first.jobs.count - maxJobs) more jobs (all of them in --json)\n" }
        }
        return text
    }

    /// The `--json` object of one operating point.
    public var json: [String: Any] {
        func uj(_ pj: Double) -> Double { (pj * 1e-2).rounded() / 1e4 }  // µJ, 4 decimals
        return [
            "megahertz": point.megahertz, "volts": point.volts, "name": point.name,
            "total_uj": uj(total), "seconds": seconds, "average_mw": (milliwatts * 1000).rounded() / 1000,
            "flops": flops, "gflops": (gflops * 1000).rounded() / 1000, "gflops_per_watt": (gflopsPerWatt * 10).rounded() / 10,
            "harts": harts.map { ["total_uj": uj($0.total), "instructions_uj": uj($0.instructions), "stalls_uj": uj($0.stalls),
                                  "sleep_uj": uj($0.sleep), "tcdm_uj": uj($0.tcdm), "l2_uj": uj($0.l2)] },
            "redmule_uj": uj(redmule), "dma_uj": uj(dma), "background_uj": uj(background),
            "redmule_jobs": jobs.map { e -> [String: Any] in
                let r = e.job
                return ["id": Int(r.id), "hart": r.hart, "operation": r.operation.name, "format": r.format.name,
                        "m": r.shape.m, "n": r.shape.n, "k": r.shape.k, "triggered": r.triggered, "start": r.start, "end": r.end,
                        "cycles": r.cycles, "fmas": r.fmas, "tcdm_requests": r.tcdmAccesses,
                        "utilisation": (r.utilisation * 1e6).rounded() / 1e6, "energy_uj": uj(e.picojoules),
                        "gflops": (e.gflops * 1000).rounded() / 1000, "gflops_per_watt": (e.gflopsPerWatt * 10).rounded() / 10,
                        "average_mw": (e.milliwatts * 1000).rounded() / 1000]
            },
        ]
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}

extension Machine {
    /// The energy spent up to `cycle` at the best efficiency point, picojoules: the cores
    /// (their memory transfers included), the DMA, the cluster's background. (RedMulE's jobs
    /// have a counter of their own, `Timeline.jobPower`.)
    func energySoFar(cycle: UInt64) -> [(String, Double)] {
        let m = EnergyModel.standard
        let cores = harts.reduce(0.0) { $0 + m.hartEnergy($1.activity).total }
        let dmaBytes = dma.map { $0.bytesToTCDM + $0.bytesFromTCDM + $0.bytesOther } ?? 0
        return [("cores", cores), ("DMA", Double(dmaBytes) * m.dmaByte), ("background", Double(cycle) * m.backgroundCycle)]
    }
}
