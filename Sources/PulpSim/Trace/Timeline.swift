// Tracing: a timeline in the Chrome/Perfetto trace-event JSON format (`--timeline out.json`).
//
// One process "pulpsim"; one track per hart with spans for running, asleep in the event unit,
// in a barrier, in wfi; a RedMulE track with one span per job; device tracks created on first
// use (one per DMA queue, a span per transfer); counters for instructions per hart and TCDM
// accesses (harts, RedMulE, DMA). Timestamps are cluster cycles: the viewer's microsecond is one
// cycle.

import Foundation

/// Collects timeline events and writes them as trace-event JSON.
public final class Timeline {
    private var events: [String] = []
    private var open: [Int: (name: String, start: UInt64)] = [:]
    /// TCDM accesses by harts (counted while the timeline is on) and by RedMulE.
    var hartTCDMAccesses: UInt64 = 0
    /// Cycles the cores lost to TCDM bank conflicts so far (nil: not arbitrated), per bank.
    var tcdmConflicts: [UInt64]? = nil
    var redmuleTCDMAccesses: UInt64 = 0
    /// TCDM accesses of other devices, by device ("dma").
    var deviceTCDMAccesses: [String: UInt64] = [:]
    /// Device tracks by name: thread id and category.
    private var tracks: [String: Int] = [:]
    private var categories: [Int: String] = [Timeline.redmuleTrack: "redmule"]
    private var lastSample: UInt64 = 0
    /// With the energy report on (`MachineOptions.energy`): the energy so far at the best
    /// efficiency point, picojoules by consumer, sampled as power counters.
    var energyProbe: ((UInt64) -> [(String, Double)])?
    private var lastEnergy: [Double] = []
    private var lastEnergyCycle: UInt64 = 0
    public static let redmuleTrack = 100
    let sampleInterval: UInt64

    /// `fabricController`: the hart index of the `pulp` chip's fabric controller, named so.
    public init(harts: Int, fabricController: Int? = nil, sampleInterval: UInt64 = 1000) {
        self.sampleInterval = sampleInterval
        events.append(#"{"name":"process_name","ph":"M","pid":0,"args":{"name":"pulpsim cluster"}}"#)
        for h in 0..<harts {
            let name = h == fabricController ? "hart \(h) (fabric controller)" : "hart \(h)"
            events.append(#"{"name":"thread_name","ph":"M","pid":0,"tid":\#(h),"args":{"name":"\#(name)"}}"#)
            events.append(#"{"name":"thread_sort_index","ph":"M","pid":0,"tid":\#(h),"args":{"sort_index":\#(h)}}"#)
        }
        events.append(#"{"name":"thread_name","ph":"M","pid":0,"tid":\#(Timeline.redmuleTrack),"args":{"name":"RedMulE"}}"#)
    }

    /// The thread id of the device track `name`, created (after RedMulE's, in order of first use)
    /// with the category of its spans.
    func track(named name: String, category: String) -> Int {
        if let id = tracks[name] { return id }
        let id = Timeline.redmuleTrack + 1 + tracks.count
        tracks[name] = id
        categories[id] = category
        events.append(#"{"name":"thread_name","ph":"M","pid":0,"tid":\#(id),"args":{"name":"\#(name)"}}"#)
        events.append(#"{"name":"thread_sort_index","ph":"M","pid":0,"tid":\#(id),"args":{"sort_index":\#(id)}}"#)
        return id
    }

    /// Starts a span on a hart's track, ending the one it replaces.
    func state(hart: Int, _ name: String, at cycle: UInt64) {
        if let current = open[hart] {
            if current.name == name { return }
            span(track: hart, name: current.name, from: current.start, to: cycle)
        }
        open[hart] = (name, cycle)
    }

    func span(track: Int, name: String, from start: UInt64, to end: UInt64, args: String = "") {
        let duration = end >= start ? end - start : 0
        events.append(#"{"name":"\#(name)","cat":"\#(categories[track] ?? "hart")","ph":"X","pid":0,"tid":\#(track),"ts":\#(start),"dur":\#(duration)\#(args.isEmpty ? "" : ",\"args\":{\(args)}")}"#)
    }

    /// RedMulE's power over a job (its steps and requests, at the best efficiency point): a
    /// counter set at its start and cleared at its end.
    func jobPower(_ job: RedMulEJobRecord, picojoules: Double) {
        guard job.end > job.start else { return }
        let milliwatts = picojoules / Double(job.end - job.start) * OperatingPoint.efficiency.megahertz / 1e3
        let name = "RedMulE power (mW at 470 MHz, 0.65 V)"
        events.append(#"{"name":"\#(name)","ph":"C","pid":0,"ts":\#(job.start),"args":{"RedMulE":\#((milliwatts * 1000).rounded() / 1000)}}"#)
        events.append(#"{"name":"\#(name)","ph":"C","pid":0,"ts":\#(job.end),"args":{"RedMulE":0}}"#)
    }

    /// Samples the counters if `cycle` passed the next sampling point.
    func sample(cycle: UInt64, instructions: [UInt64], force: Bool = false) {
        guard force || cycle >= lastSample + sampleInterval else { return }
        lastSample = cycle
        let perHart = instructions.enumerated().map { "\"hart \($0.offset)\":\($0.element)" }.joined(separator: ",")
        events.append(#"{"name":"instructions","ph":"C","pid":0,"ts":\#(cycle),"args":{\#(perHart)}}"#)
        let devices = deviceTCDMAccesses.sorted { $0.key < $1.key }.map { ",\"\($0.key == "dma" ? "DMA" : $0.key)\":\($0.value)" }.joined()
        events.append(#"{"name":"TCDM accesses","ph":"C","pid":0,"ts":\#(cycle),"args":{"harts":\#(hartTCDMAccesses),"RedMulE":\#(redmuleTCDMAccesses)\#(devices)}}"#)
        if let probe = energyProbe, cycle > lastEnergyCycle {
            let now = probe(cycle)
            if lastEnergy.count != now.count { lastEnergy = [Double](repeating: 0, count: now.count) }
            // Average power over the interval: pJ per cycle × MHz = µW.
            let mhz = OperatingPoint.efficiency.megahertz, cycles = Double(cycle - lastEnergyCycle)
            let power = now.enumerated().map { i, e in
                "\"\(e.0)\":\(((e.1 - lastEnergy[i]) / cycles * mhz / 1e3 * 1000).rounded() / 1000)"
            }.joined(separator: ",")
            events.append(#"{"name":"power (mW at 470 MHz, 0.65 V)","ph":"C","pid":0,"ts":\#(lastEnergyCycle),"args":{\#(power)}}"#)
            lastEnergy = now.map(\.1)
            lastEnergyCycle = cycle
        }
        if let conflicts = tcdmConflicts {
            let banks = conflicts.enumerated().map { "\"bank \($0.offset)\":\($0.element)" }.joined(separator: ",")
            events.append(#"{"name":"TCDM bank conflicts (cycles lost)","ph":"C","pid":0,"ts":\#(cycle),"args":{\#(banks)}}"#)
        }
    }

    /// Closes open spans at `cycle` and writes the JSON document.
    public func write(to path: String, endCycle: UInt64, instructions: [UInt64]) throws {
        sample(cycle: endCycle, instructions: instructions, force: true)
        for (hart, current) in open.sorted(by: { $0.key < $1.key }) {
            span(track: hart, name: current.name, from: current.start, to: max(endCycle, current.start))
        }
        open = [:]
        let text = "{\"displayTimeUnit\":\"ns\",\"otherData\":{\"time unit\":\"1 us = 1 cluster cycle\"},\"traceEvents\":[\n"
            + events.joined(separator: ",\n") + "\n]}\n"
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else {
            throw MachineError.invalidOption("cannot write timeline '\(path)'")
        }
    }
}
